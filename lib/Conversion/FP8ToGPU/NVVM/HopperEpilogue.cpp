//===- HopperEpilogue.cpp - the sm_90a GEMM epilogue ----------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The epilogue of the Hopper GEMM: scales applied to the accumulators and
// C stored through swizzled shared-memory boxes and TMA stores, or directly
// from registers.
//
// Accumulator 4j + 2h + e of a thread holds row 16 w + l / 4 + 8 h and
// column 8 j + 2 (l % 4) + e of its warpgroup's 64 x N block (w: warp in the
// warpgroup, l: lane).
//
// With a TMA descriptor for C, the scaled values go 128 bytes of a row at a
// time into a 64-row box in shared memory, swizzled like the TMA (16-byte
// chunk c of row r at chunk c ^ (r % 8): the warp's stores hit 32 different
// banks), and one thread stores the box with cp.async.bulk.tensor while the
// warpgroup fills the next one and then goes back to its main loop: the
// global stores overlap the tensor cores' work, and out-of-bounds rows and
// columns are clipped by the TMA. Otherwise each thread stores its pairs of
// columns directly.
//
//===----------------------------------------------------------------------===//

#include "HopperGemm.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::fp8;
using namespace mlir::fp8::detail;

namespace {

/// Named barriers (bar.sync ids; 0 is the CTA's): a consumer warpgroup's
/// own (1 and 2) and the pair's (3).
constexpr int64_t kFirstWarpgroupBarrier = 1;
constexpr int64_t kConsumerPairBarrier = 3;

/// The epilogue of one 64-row half of a tile.
class HopperEpilogue {
public:
  HopperEpilogue(HopperBuilder &h, const HopperGemmShape &shape,
                 const HopperGemmOperands &operands,
                 const EpilogueRegions &regions, ArrayRef<Value> acc,
                 const EpilogueTile &tile);

  void emit();

private:
  void computeColumnInverses();
  /// The reciprocal column scale of tile column `local`, from shared memory.
  Value columnInverse(Value local);
  /// The reciprocal row scale of row `row` (invA for a tensorwise scale).
  Value rowInverse(Value row);
  /// C's element at accumulator `index`, column `colE`, of a row whose
  /// reciprocal scale is `rowInv`.
  Value scaledAt(int64_t index, Value rowInv, Value colE);
  void storeThroughTma();
  /// Fills staging box `box` (of `boxCols` columns) at `buffer`.
  void fillBox(int64_t box, int64_t boxCols, Value buffer,
               ArrayRef<Value> rowInv);
  void storeFromRegisters();

  Value reciprocal(Value scale, Value row, Value col) {
    return arith::DivFOp::create(b, loc, oneF,
                                 loadScale(b, loc, scale, {}, row, col));
  }
  Value add(Value x, Value y) { return h.add(x, y); }
  Value mulC(Value x, int64_t y) { return h.mul(x, cIdx(b, loc, y)); }
  Value ult(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  }
  /// The consumer warpgroup's own named barrier.
  void groupBarrier() {
    h.namedBarrier(
        h.toI32(add(tile.consumer, cIdx(b, loc, kFirstWarpgroupBarrier))),
        128);
  }
  /// Column scales are computed between two of these: the warpgroup's own
  /// (pingpong, its own slice) or the pair's.
  void scaleBarrier() {
    if (shape.pingpong)
      return groupBarrier();
    h.namedBarrier(h.i32(kConsumerPairBarrier), 256);
  }

  HopperBuilder &h;
  OpBuilder &b;
  Location loc;
  const HopperGemmShape &shape;
  const HopperGemmOperands &operands;
  const EpilogueRegions &regions;
  ArrayRef<Value> acc;
  const EpilogueTile &tile;
  int64_t blockN;
  Type resultElement;
  bool rowScale, colScale;
  Value oneF, zeroIdx, invA, invB, inGroup, consumer32, myInv;
  Value lane, warp, row0, col0;
};

} // namespace

HopperEpilogue::HopperEpilogue(HopperBuilder &h, const HopperGemmShape &shape,
                               const HopperGemmOperands &operands,
                               const EpilogueRegions &regions,
                               ArrayRef<Value> acc, const EpilogueTile &tile)
    : h(h), b(h.b), loc(h.loc), shape(shape), operands(operands),
      regions(regions), acc(acc), tile(tile), blockN(shape.blockN) {
  resultElement = cast<MemRefType>(operands.c.getType()).getElementType();
  oneF = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(1));
  zeroIdx = cIdx(b, loc, 0);
  rowScale = cast<MemRefType>(operands.sa.getType()).getRank() != 0;
  colScale = cast<MemRefType>(operands.sb.getType()).getRank() != 0;
  invA = rowScale ? Value() : reciprocal(operands.sa, zeroIdx, zeroIdx);
  invB = colScale ? Value() : reciprocal(operands.sb, zeroIdx, zeroIdx);
}

void HopperEpilogue::emit() {
  inGroup = arith::RemUIOp::create(b, loc, tile.tid, cIdx(b, loc, 128));
  consumer32 = h.toI32(tile.consumer);
  if (colScale)
    computeColumnInverses();
  lane = arith::RemUIOp::create(b, loc, tile.tid, cIdx(b, loc, 32));
  warp = arith::RemUIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, tile.tid, cIdx(b, loc, 32)),
      cIdx(b, loc, 4));
  row0 = add(add(mulC(tile.tm, kHopperBlockM), mulC(tile.rowHalf, 64)),
             add(mulC(warp, 16),
                 arith::DivUIOp::create(b, loc, lane, cIdx(b, loc, 4))));
  col0 = add(mulC(tile.tn, blockN),
             mulC(arith::RemUIOp::create(b, loc, lane, cIdx(b, loc, 4)), 2));
  if (operands.mapC)
    return storeThroughTma();
  storeFromRegisters();
}

/// Column scales: the tile's blockN reciprocals are computed once into
/// shared memory, by both warpgroups between two barriers of the pair, or
/// with pingpong by the tile's warpgroup into its own slice between two
/// warpgroup barriers.
void HopperEpilogue::computeColumnInverses() {
  myInv = regions.columnInverse;
  if (shape.pingpong)
    myInv = h.add(myInv, h.mul(consumer32, h.i32(4 * blockN)));
  if (!tile.loadColumnScales)
    return;
  scaleBarrier();
  int64_t perGroup = shape.pingpong ? blockN : blockN / 2;
  Value first = shape.pingpong ? zeroIdx : mulC(tile.consumer, perGroup);
  for (int64_t part = 0; part < (perGroup + 127) / 128; ++part) {
    Value index = add(inGroup, cIdx(b, loc, 128 * part));
    auto fill = [&] {
      Value local = add(first, index);
      Value col = add(mulC(tile.tn, blockN), local);
      Value safeCol =
          arith::SelectOp::create(b, loc, ult(col, operands.n), col, zeroIdx);
      Value inv = reciprocal(operands.sb, zeroIdx, safeCol);
      h.storeShared(inv, h.at(myInv, h.toI32(local), 4), 4);
    };
    if (perGroup >= 128 * (part + 1)) {
      fill();
      continue;
    }
    emitIf(b, loc, ult(index, cIdx(b, loc, perGroup)), fill);
  }
  scaleBarrier();
}

Value HopperEpilogue::columnInverse(Value local) {
  return h.loadShared(b.getF32Type(), h.at(myInv, h.toI32(local), 4));
}

Value HopperEpilogue::rowInverse(Value row) {
  if (!rowScale)
    return invA;
  Value safeRow =
      arith::SelectOp::create(b, loc, ult(row, operands.m), row, zeroIdx);
  return reciprocal(operands.sa, safeRow, zeroIdx);
}

Value HopperEpilogue::scaledAt(int64_t index, Value rowInv, Value colE) {
  Value colInv =
      colScale ? columnInverse(arith::SubIOp::create(
                     b, loc, colE, mulC(tile.tn, blockN)))
               : invB;
  Value value = arith::MulFOp::create(
      b, loc, arith::MulFOp::create(b, loc, acc[index], rowInv), colInv);
  if (!resultElement.isF32())
    value = arith::TruncFOp::create(b, loc, resultElement, value);
  return value;
}

void HopperEpilogue::storeThroughTma() {
  int64_t elementBytes = resultElement.getIntOrFloatBitWidth() / 8;
  int64_t boxCols = 128 / elementBytes;
  Value isLeader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                         inGroup, zeroIdx);
  Value boxes =
      h.add(regions.store,
            h.mul(consumer32, h.i32(2 * kHopperStoreBoxBytes)));
  Value rowInv[2] = {rowInverse(row0), rowInverse(add(row0, cIdx(b, loc, 8)))};
  TmaDescriptor mapC{h, operands.mapC};
  for (int64_t box = 0; box < blockN / boxCols; ++box) {
    Value buffer = h.add(boxes, h.i32((box % 2) * kHopperStoreBoxBytes));
    // The TMA has read this buffer's previous box (at most the other
    // buffer's store still reads), and the warpgroup knows it.
    emitIf(b, loc, isLeader, [&] {
      NVVM::CpAsyncBulkWaitGroupOp::create(b, loc, b.getI32IntegerAttr(1),
                                           b.getUnitAttr());
    });
    groupBarrier();
    fillBox(box, boxCols, buffer, rowInv);
    // The generic-proxy writes become visible to the TMA (async proxy),
    // then one thread stores the box.
    h.fenceProxyAsync();
    groupBarrier();
    Value x =
        h.toI32(add(mulC(tile.tn, blockN), cIdx(b, loc, box * boxCols)));
    Value y = h.toI32(
        add(mulC(tile.tm, kHopperBlockM), mulC(tile.rowHalf, 64)));
    emitIf(b, loc, isLeader, [&] { mapC.store(buffer, x, y); });
  }
}

/// Byte offsets in a box: row warp * 16 + lane / 4 (+ 8 h) at 128 bytes a
/// row; the thread's first column starts 2 (lane % 4) elements into each
/// 8-column group.
void HopperEpilogue::fillBox(int64_t box, int64_t boxCols, Value buffer,
                             ArrayRef<Value> rowInv) {
  int64_t elementBytes = resultElement.getIntOrFloatBitWidth() / 8;
  Value lane32 = h.toI32(lane);
  Value quad = arith::DivUIOp::create(b, loc, lane32, h.i32(4));
  Value rowBytes =
      h.mul(h.add(h.mul(h.toI32(warp), h.i32(16)), quad), h.i32(128));
  Value laneBytes = h.mul(arith::RemUIOp::create(b, loc, lane32, h.i32(4)),
                          h.i32(2 * elementBytes));
  Type pairType = VectorType::get({2}, resultElement);
  for (int64_t jj = 0; jj < boxCols / 8; ++jj) {
    int64_t j = box * (boxCols / 8) + jj;
    Value col = add(col0, cIdx(b, loc, 8 * j));
    Value byteCol = h.add(laneBytes, h.i32(8 * elementBytes * jj));
    Value chunk = arith::XOrIOp::create(
        b, loc, arith::ShRUIOp::create(b, loc, byteCol, h.i32(4)), quad);
    Value inChunk = arith::AndIOp::create(b, loc, byteCol, h.i32(15));
    for (int64_t half = 0; half < 2; ++half) {
      Value address = h.add(
          h.add(h.add(buffer, rowBytes),
                arith::ShLIOp::create(b, loc, chunk, h.i32(4))),
          h.add(inChunk, h.i32(1024 * half)));
      Value pair = vector::FromElementsOp::create(
          b, loc, pairType,
          ValueRange{scaledAt(4 * j + 2 * half, rowInv[half], col),
                     scaledAt(4 * j + 2 * half + 1, rowInv[half],
                              add(col, cIdx(b, loc, 1)))});
      if (elementBytes == 4) {
        h.storeShared(pair, address, 8);
        continue;
      }
      Value bits = vector::ExtractOp::create(
          b, loc,
          vector::BitCastOp::create(b, loc,
                                    VectorType::get({1}, b.getI32Type()),
                                    pair),
          ArrayRef<int64_t>{0});
      h.storeShared(bits, address, 4);
    }
  }
}

/// With a static even N, neighbouring columns are stored as one vector;
/// when static sizes are whole tiles, no store needs a bounds check.
void HopperEpilogue::storeFromRegisters() {
  Value c = operands.c;
  int64_t staticM = cast<MemRefType>(c.getType()).getDimSize(0);
  int64_t staticN = cast<MemRefType>(c.getType()).getDimSize(1);
  bool pairs = !ShapedType::isDynamic(staticN) && staticN % 2 == 0;
  bool wholeTiles = !ShapedType::isDynamic(staticM) &&
                    staticM % kHopperBlockM == 0 && pairs &&
                    staticN % blockN == 0;
  for (int64_t half = 0; half < 2; ++half) {
    Value row = add(row0, cIdx(b, loc, 8 * half));
    Value rowOk = ult(row, operands.m);
    Value rowInv = rowInverse(row);
    for (int64_t j = 0; j < blockN / 8; ++j) {
      Value col = add(col0, cIdx(b, loc, 8 * j));
      auto scaled = [&](int64_t e, Value colE) {
        return scaledAt(4 * j + 2 * half + e, rowInv, colE);
      };
      if (pairs) {
        // col is even and so is N: the pair is in or out as a whole. Even
        // column, even N, 256-byte aligned buffer: one store.
        auto store = [&] {
          Value pair = vector::FromElementsOp::create(
              b, loc, VectorType::get({2}, resultElement),
              ValueRange{scaled(0, col), scaled(1, add(col, cIdx(b, loc, 1)))});
          vector::StoreOp::create(
              b, loc, pair, c, ValueRange{row, col}, /*nontemporal=*/false,
              llvm::MaybeAlign(2 * resultElement.getIntOrFloatBitWidth() / 8));
        };
        if (wholeTiles)
          store();
        else
          emitIf(b, loc,
                 arith::AndIOp::create(b, loc, rowOk, ult(col, operands.n)),
                 store);
        continue;
      }
      for (int64_t e = 0; e < 2; ++e) {
        Value colE = add(col, cIdx(b, loc, e));
        emitIf(b, loc,
               arith::AndIOp::create(b, loc, rowOk, ult(colE, operands.n)),
               [&] {
                 memref::StoreOp::create(b, loc, scaled(e, colE), c,
                                         ValueRange{row, colE});
               });
      }
    }
  }
}

void mlir::fp8::detail::emitEpilogue(HopperBuilder &h,
                                     const HopperGemmShape &shape,
                                     const HopperGemmOperands &operands,
                                     const EpilogueRegions &regions,
                                     ArrayRef<Value> acc,
                                     const EpilogueTile &tile) {
  HopperEpilogue(h, shape, operands, regions, acc, tile).emit();
}
