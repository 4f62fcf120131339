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
//===----------------------------------------------------------------------===//

#include "HopperGemm.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::fp8;
using namespace mlir::fp8::detail;

namespace mlir::fp8::detail {

/// Accumulator 4j + 2h + e of a thread holds row 16 w + l / 4 + 8 h and
/// column 8 j + 2 (l % 4) + e of its warpgroup's 64 x N block (w: warp in
/// the warpgroup, l: lane).
/// `consumer` picks the warpgroup's staging boxes and barrier, `rowHalf`
/// the tile's 64-row half; the column reciprocals are computed only with
/// `loadColumnScales` (the first half of a tile).
///
/// With a TMA descriptor for C, the scaled values go 128 bytes of a row
/// at a time into a 64-row box in shared memory, swizzled like the TMA
/// (16-byte chunk c of row r at chunk c ^ (r % 8): the warp's stores hit
/// 32 different banks), and one thread stores the box with
/// cp.async.bulk.tensor while the warpgroup fills the next one and then
/// goes back to its main loop: the global stores overlap the tensor
/// cores' work, and out-of-bounds rows and columns are clipped by the
/// TMA. Otherwise each thread stores its pairs of columns directly.
void emitEpilogue(OpBuilder &b, Location loc, PtxEmitter &ptx,
                         const EpilogueContext &context, ArrayRef<Value> acc,
                         Value tid, Value consumer, Value rowHalf, Value tm,
                         Value tn, int64_t blockN, bool loadColumnScales) {
  Value sa = context.sa, sb = context.sb, c = context.c, m = context.m,
        n = context.n;
  auto add = [&](Value x, Value y) {
    return arith::AddIOp::create(b, loc, x, y).getResult();
  };
  auto mul = [&](Value x, int64_t y) {
    return arith::MulIOp::create(b, loc, x, cIdx(b, loc, y)).getResult();
  };
  auto ult = [&](Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y)
        .getResult();
  };
  Type resultElement = cast<MemRefType>(c.getType()).getElementType();
  Value oneF = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(1));
  Value zeroIdx = cIdx(b, loc, 0);
  auto reciprocal = [&](Value scale, Value row, Value col) {
    return arith::DivFOp::create(b, loc, oneF,
                                 loadScale(b, loc, scale, {}, row, col))
        .getResult();
  };
  bool rowScale = cast<MemRefType>(sa.getType()).getRank() != 0;
  bool colScale = cast<MemRefType>(sb.getType()).getRank() != 0;
  Value invA = rowScale ? Value() : reciprocal(sa, zeroIdx, zeroIdx);
  Value invB = colScale ? Value() : reciprocal(sb, zeroIdx, zeroIdx);

  // Column scales: the tile's blockN reciprocals are computed once into
  // shared memory, by both warpgroups between two barriers of the pair
  // (id 3), or with pingpong by the tile's warpgroup into its own slice
  // between two warpgroup barriers (ids 1 and 2; 0 is the CTA's).
  Value inGroup = arith::RemUIOp::create(b, loc, tid, cIdx(b, loc, 128));
  Value consumer32 = ptx.toI32(consumer);
  Value myInv;
  auto groupBarrier = [&]() {
    ptx.emit({ptx.toI32(add(consumer, cIdx(b, loc, 1)))}, "bar.sync $0, 128;",
             "r");
  };
  auto scaleBarrier = [&]() {
    if (context.pingpong)
      return groupBarrier();
    ptx.emit({}, "bar.sync 3, 256;", "");
  };
  if (colScale) {
    myInv = context.colInvRegion;
    if (context.pingpong)
      myInv = arith::AddIOp::create(
          b, loc, myInv,
          arith::MulIOp::create(b, loc, consumer32, ptx.i32(4 * blockN)));
    if (loadColumnScales) {
      scaleBarrier();
      int64_t perGroup = context.pingpong ? blockN : blockN / 2;
      Value first = context.pingpong ? zeroIdx : mul(consumer, perGroup);
      for (int64_t part = 0; part < (perGroup + 127) / 128; ++part) {
        Value index = add(inGroup, cIdx(b, loc, 128 * part));
        auto fill = [&] {
          Value local = add(first, index);
          Value col = add(mul(tn, blockN), local);
          Value safeCol =
              arith::SelectOp::create(b, loc, ult(col, n), col, zeroIdx);
          Value inv = reciprocal(sb, zeroIdx, safeCol);
          ptx.emit({add(myInv, arith::MulIOp::create(b, loc, ptx.toI32(local),
                                                     ptx.i32(4))),
                    inv},
                   "st.shared.f32 [$0], $1;", "r,f");
        };
        if (perGroup >= 128 * (part + 1)) {
          fill();
          continue;
        }
        emitIf(b, loc, ult(index, cIdx(b, loc, perGroup)), fill);
      }
      scaleBarrier();
    }
  }
  auto columnInverse = [&](Value local) {
    return ptx.emit(
        b.getF32Type(),
        {arith::AddIOp::create(
            b, loc, myInv,
            arith::MulIOp::create(b, loc, ptx.toI32(local), ptx.i32(4)))},
        "ld.shared.f32 $0, [$1];", "=f,r");
  };

  // With a static even N, neighbouring columns are stored as one vector;
  // when static sizes are whole tiles, no store needs a bounds check.
  int64_t staticM = cast<MemRefType>(c.getType()).getDimSize(0);
  int64_t staticN = cast<MemRefType>(c.getType()).getDimSize(1);
  bool pairs = !ShapedType::isDynamic(staticN) && staticN % 2 == 0;
  bool wholeTiles = !ShapedType::isDynamic(staticM) &&
                    staticM % kHopperBlockM == 0 && pairs &&
                    staticN % blockN == 0;
  auto guarded = [&](Value ok, function_ref<void()> body) {
    if (wholeTiles)
      return body();
    emitIf(b, loc, ok, body);
  };
  Value lane = arith::RemUIOp::create(b, loc, tid, cIdx(b, loc, 32));
  Value warp = arith::RemUIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, tid, cIdx(b, loc, 32)),
      cIdx(b, loc, 4));
  Value row0 =
      add(add(mul(tm, kHopperBlockM), mul(rowHalf, 64)),
          add(mul(warp, 16),
              arith::DivUIOp::create(b, loc, lane, cIdx(b, loc, 4))));
  Value col0 =
      add(mul(tn, blockN),
          mul(arith::RemUIOp::create(b, loc, lane, cIdx(b, loc, 4)), 2));
  // The reciprocal row scale of the thread's rows row0 + 8 h.
  auto rowInverse = [&](Value row) {
    if (!rowScale)
      return invA;
    Value safeRow =
        arith::SelectOp::create(b, loc, ult(row, m), row, zeroIdx);
    return reciprocal(sa, safeRow, zeroIdx);
  };
  // C's element at accumulator `index`, column `colE`, of a row whose
  // reciprocal scale is `rowInv`.
  auto scaledAt = [&](int64_t index, Value rowInv, Value colE) {
    Value colInv = colScale ? columnInverse(arith::SubIOp::create(
                                  b, loc, colE, mul(tn, blockN)))
                            : invB;
    Value value = arith::MulFOp::create(
        b, loc, arith::MulFOp::create(b, loc, acc[index], rowInv), colInv);
    if (!resultElement.isF32())
      value = arith::TruncFOp::create(b, loc, resultElement, value);
    return value;
  };

  if (context.mapC) {
    int64_t elementBytes = resultElement.getIntOrFloatBitWidth() / 8;
    int64_t boxCols = 128 / elementBytes;
    Value isLeader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                           inGroup, zeroIdx);
    auto leaderDoes = [&](ValueRange operands, StringRef ptxText,
                          StringRef constraints) {
      emitIf(b, loc, isLeader,
             [&] { ptx.emit(operands, ptxText, constraints); });
    };
    // Byte offsets in a box: row warp * 16 + lane / 4 (+ 8 h) at 128
    // bytes a row; the thread's first column starts 2 (lane % 4)
    // elements into each 8-column group.
    Value lane32 = ptx.toI32(lane);
    Value quad = arith::DivUIOp::create(b, loc, lane32, ptx.i32(4));
    Value rowBytes = arith::MulIOp::create(
        b, loc,
        arith::AddIOp::create(
            b, loc,
            arith::MulIOp::create(b, loc, ptx.toI32(warp), ptx.i32(16)),
            quad),
        ptx.i32(128));
    Value laneBytes = arith::MulIOp::create(
        b, loc, arith::RemUIOp::create(b, loc, lane32, ptx.i32(4)),
        ptx.i32(2 * elementBytes));
    Value boxes = arith::AddIOp::create(
        b, loc, context.storeRegion,
        arith::MulIOp::create(b, loc, consumer32,
                              ptx.i32(2 * kHopperStoreBoxBytes)));
    Value rowInv[2] = {rowInverse(row0),
                       rowInverse(add(row0, cIdx(b, loc, 8)))};
    Type pairType = VectorType::get({2}, resultElement);
    for (int64_t box = 0; box < blockN / boxCols; ++box) {
      Value buffer = arith::AddIOp::create(
          b, loc, boxes, ptx.i32((box % 2) * kHopperStoreBoxBytes));
      // The TMA has read this buffer's previous box (at most the other
      // buffer's store still reads), and the warpgroup knows it.
      leaderDoes({}, "cp.async.bulk.wait_group.read 1;", "");
      groupBarrier();
      for (int64_t jj = 0; jj < boxCols / 8; ++jj) {
        int64_t j = box * (boxCols / 8) + jj;
        Value col = add(col0, cIdx(b, loc, 8 * j));
        Value byteCol = arith::AddIOp::create(b, loc, laneBytes,
                                              ptx.i32(8 * elementBytes * jj));
        Value chunk = arith::XOrIOp::create(
            b, loc, arith::ShRUIOp::create(b, loc, byteCol, ptx.i32(4)),
            quad);
        Value inChunk = arith::AndIOp::create(b, loc, byteCol, ptx.i32(15));
        for (int64_t h = 0; h < 2; ++h) {
          Value address = arith::AddIOp::create(
              b, loc,
              arith::AddIOp::create(
                  b, loc, add(buffer, rowBytes),
                  arith::ShLIOp::create(b, loc, chunk, ptx.i32(4))),
              arith::AddIOp::create(b, loc, inChunk, ptx.i32(1024 * h)));
          Value first = scaledAt(4 * j + 2 * h, rowInv[h], col);
          Value second = scaledAt(4 * j + 2 * h + 1, rowInv[h],
                                  add(col, cIdx(b, loc, 1)));
          if (elementBytes == 4) {
            ptx.emit({address, first, second},
                     "st.shared.v2.f32 [$0], {$1, $2};", "r,f,f");
            continue;
          }
          Value pair = vector::FromElementsOp::create(
              b, loc, pairType, ValueRange{first, second});
          Value bits = vector::ExtractOp::create(
              b, loc,
              vector::BitCastOp::create(
                  b, loc, VectorType::get({1}, b.getI32Type()), pair),
              ArrayRef<int64_t>{0});
          ptx.emit({address, bits}, "st.shared.b32 [$0], $1;", "r,r");
        }
      }
      // The generic-proxy writes become visible to the TMA (async
      // proxy), then one thread stores the box.
      ptx.emit({}, "fence.proxy.async.shared::cta;", "");
      groupBarrier();
      Value x = ptx.toI32(add(mul(tn, blockN), cIdx(b, loc, box * boxCols)));
      Value y = ptx.toI32(add(mul(tm, kHopperBlockM), mul(rowHalf, 64)));
      leaderDoes({context.mapC, x, y, buffer},
                 "cp.async.bulk.tensor.2d.global.shared::cta.bulk_group "
                 "[$0, {$1, $2}], [$3];\n"
                 "cp.async.bulk.commit_group;",
                 "l,r,r,r");
    }
    return;
  }

  for (int64_t h = 0; h < 2; ++h) {
    Value row = add(row0, cIdx(b, loc, 8 * h));
    Value rowOk = ult(row, m);
    Value rowInv = rowInverse(row);
    for (int64_t j = 0; j < blockN / 8; ++j) {
      Value col = add(col0, cIdx(b, loc, 8 * j));
      auto scaled = [&](int64_t e, Value colE) {
        return scaledAt(4 * j + 2 * h + e, rowInv, colE);
      };
      if (pairs) {
        // col is even and so is N: the pair is in or out as a whole.
        Value ok = arith::AndIOp::create(b, loc, rowOk, ult(col, n));
        guarded(ok, [&] {
          Value col1 = add(col, cIdx(b, loc, 1));
          Value pair = vector::FromElementsOp::create(
              b, loc, VectorType::get({2}, resultElement),
              ValueRange{scaled(0, col), scaled(1, col1)});
          // Even column, even N, 256-byte aligned buffer: one store.
          vector::StoreOp::create(
              b, loc, pair, c, ValueRange{row, col}, /*nontemporal=*/false,
              llvm::MaybeAlign(2 * resultElement.getIntOrFloatBitWidth() /
                               8));
        });
        continue;
      }
      for (int64_t e = 0; e < 2; ++e) {
        Value colE = add(col, cIdx(b, loc, e));
        Value ok = arith::AndIOp::create(b, loc, rowOk, ult(colE, n));
        scf::IfOp::create(b, loc, ok, [&](OpBuilder &, Location) {
          memref::StoreOp::create(b, loc, scaled(e, colE), c,
                                  ValueRange{row, colE});
          scf::YieldOp::create(b, loc);
        });
      }
    }
  }
}

} // namespace mlir::fp8::detail
