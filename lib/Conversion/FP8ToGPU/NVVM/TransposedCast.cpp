//===- TransposedCast.cpp - transposing and dual-layout casts -------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The K x N -> N x K cast of a GEMM's B operand as a tiled transpose, the
// same kernel writing both layouts for casts that GEMMs read as they are and
// transposed (DualLayoutCastToNVVM), and the K-major B operands the GEMM
// kernels read.
//
//===----------------------------------------------------------------------===//

#include "NVVMInternals.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
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

/// Bytes per shared-memory row of a tile: 64 codes and 4 bytes of padding
/// (17 words: the 32-bit stores and loads of a warp spread over the banks).
static constexpr int64_t kTransposeRowBytes = kTransposeTile + 4;

namespace {
/// The body of the tiled transposing cast kernel (emitTransposedCast): the
/// 64 x 64 tile of a workgroup and the 4 x 4 block of each of its threads.
struct TransposeTileKernel {
  /// Sets up the tile and block coordinates at `b`'s insertion point (the
  /// start of `launch`'s body).
  TransposeTileKernel(OpBuilder &b, Location loc, gpu::LaunchOp launch,
                      CastOp op, Value input, Value scales);

  /// The scales that do not change along K (tensorwise, or one per column
  /// of B) for the block's four columns, loaded once; with `amaxBits`, the
  /// tensorwise scale computed from the absorbed amax. Empty otherwise.
  SmallVector<Value> loadColumnScales(Value amaxBits, AmaxToScaleOp toScale,
                                      Value scaleOut);
  /// values[r][c]: row k0 + kInTile + r, column col + c, scaled (by
  /// `columnScales[c]` when given) and saturated.
  SmallVector<SmallVector<Value>> loadScaledBlock(ArrayRef<Value> columnScales);
  /// Four values to the 4 codes of one 32-bit word (value i in byte i).
  Value packWord(Value v0, Value v1, Value v2, Value v3);
  /// The block's rows as they are, one 32-bit word each, into the K x N
  /// `plainOutput`.
  void storePlainRows(ArrayRef<SmallVector<Value>> values, Value plainOutput);
  /// Phase 1's stores: per column, the 4 codes along K as one 32-bit word
  /// of the tile's row n.
  void storeTileColumns(ArrayRef<SmallVector<Value>> values);
  /// Phase 2: thread t writes 16 codes of output row n0 + t / 4.
  void storeOutputRows(Value output);

private:
  Value add(Value x, int64_t y) {
    return arith::AddIOp::create(b, loc, x, cIdx(b, loc, y)).getResult();
  }
  /// The scale of the element at (`row`, `col`) of B.
  Value loadScale(Value row, Value col);

  OpBuilder &b;
  Location loc;
  gpu::LaunchOp launch;
  Type target;
  RankedTensorType scaleType;
  Value input, scales, tile, tid;
  /// The tile's first column and row of B; the block's first row in the
  /// tile, first column in the tile and column in B.
  Value n0, k0, kInTile, nInTile, col;
  SaturationBounds bounds;
};
} // namespace

TransposeTileKernel::TransposeTileKernel(OpBuilder &b, Location loc,
                                         gpu::LaunchOp launch, CastOp op,
                                         Value input, Value scales)
    : b(b), loc(loc), launch(launch),
      target(op.getResult().getType().getElementType()),
      scaleType(cast<RankedTensorType>(op.getScale().getType())), input(input),
      scales(scales) {
  tile = launch.getWorkgroupAttributions()[0];
  tid = launch.getThreadIds().x;
  n0 = arith::MulIOp::create(b, loc, launch.getBlockIds().x,
                             cIdx(b, loc, kTransposeTile));
  k0 = arith::MulIOp::create(b, loc, launch.getBlockIds().y,
                             cIdx(b, loc, kTransposeTile));
  bounds = buildSaturationBounds(b, loc, cast<FloatType>(target));
  // Phase 1: thread t reads rows k0 + 4 (t / 16) + r, r < 4, at columns
  // n0 + 4 (t % 16) + c, c < 4 (a half-warp reads 128 contiguous bytes of
  // a bf16 row), and writes, per column, its 4 codes along K as one
  // 32-bit word of the tile's row n: with 68-byte rows the warp's stores
  // meet at most two to a bank.
  kInTile = arith::MulIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, tid, cIdx(b, loc, 16)),
      cIdx(b, loc, 4));
  nInTile = arith::MulIOp::create(
      b, loc, arith::RemUIOp::create(b, loc, tid, cIdx(b, loc, 16)),
      cIdx(b, loc, 4));
  col = arith::AddIOp::create(b, loc, n0, nInTile);
}

Value TransposeTileKernel::loadScale(Value row, Value col) {
  SmallVector<Value> scaleIndex;
  for (int64_t dim = 0; dim < scaleType.getRank(); ++dim)
    scaleIndex.push_back(scaleType.getDimSize(dim) == 1 ? cIdx(b, loc, 0)
                         : dim == 0                     ? row
                                                        : col);
  return memref::LoadOp::create(b, loc, scales, scaleIndex);
}

SmallVector<Value> TransposeTileKernel::loadColumnScales(Value amaxBits,
                                                         AmaxToScaleOp toScale,
                                                         Value scaleOut) {
  SmallVector<Value> columnScales;
  if (amaxBits) {
    Value zero = cIdx(b, loc, 0);
    auto isZero = [&](Value v) {
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, v, zero);
    };
    Value first = arith::AndIOp::create(
        b, loc, isZero(tid),
        arith::AndIOp::create(b, loc, isZero(launch.getBlockIds().x),
                              isZero(launch.getBlockIds().y)));
    columnScales.assign(
        4, emitFusedScale(b, loc, amaxBits, toScale, first, scaleOut));
  } else if (scaleType.getRank() == 0 || scaleType.getDimSize(0) == 1) {
    for (int64_t c = 0; c < 4; ++c)
      columnScales.push_back(scaleType.getRank() == 0 && c > 0
                                 ? columnScales[0]
                                 : loadScale(cIdx(b, loc, 0), add(col, c)));
  }
  return columnScales;
}

SmallVector<SmallVector<Value>>
TransposeTileKernel::loadScaledBlock(ArrayRef<Value> columnScales) {
  SmallVector<SmallVector<Value>> values;
  for (int64_t r = 0; r < 4; ++r) {
    Value row = arith::AddIOp::create(b, loc, k0, add(kInTile, r));
    SmallVector<Value> rowValues = widenElements(
        b, loc, loadVector(b, loc, 4, input, ValueRange{row, col}));
    for (int64_t c = 0; c < 4; ++c) {
      Value s =
          columnScales.empty() ? loadScale(row, add(col, c)) : columnScales[c];
      rowValues[c] = buildSaturate(
          b, loc, arith::MulFOp::create(b, loc, rowValues[c], s), bounds);
    }
    values.push_back(std::move(rowValues));
  }
  return values;
}

Value TransposeTileKernel::packWord(Value v0, Value v1, Value v2, Value v3) {
  return vector::ShuffleOp::create(b, loc, convertPair(b, loc, v1, v0, target),
                                   convertPair(b, loc, v3, v2, target),
                                   ArrayRef<int64_t>{0, 1, 2, 3});
}

void TransposeTileKernel::storePlainRows(ArrayRef<SmallVector<Value>> values,
                                         Value plainOutput) {
  for (int64_t r = 0; r < 4; ++r) {
    Value word =
        packWord(values[r][0], values[r][1], values[r][2], values[r][3]);
    vector::StoreOp::create(
        b, loc,
        arith::BitcastOp::create(b, loc, VectorType::get({4}, target), word),
        plainOutput,
        ValueRange{arith::AddIOp::create(b, loc, k0, add(kInTile, r)), col},
        /*nontemporal=*/false, llvm::MaybeAlign(4));
  }
}

void TransposeTileKernel::storeTileColumns(
    ArrayRef<SmallVector<Value>> values) {
  for (int64_t c = 0; c < 4; ++c) {
    Value word =
        packWord(values[0][c], values[1][c], values[2][c], values[3][c]);
    vector::StoreOp::create(b, loc, word, tile,
                            ValueRange{add(nInTile, c), kInTile},
                            /*nontemporal=*/false, llvm::MaybeAlign(4));
  }
}

void TransposeTileKernel::storeOutputRows(Value output) {
  Value outRow = arith::DivUIOp::create(b, loc, tid, cIdx(b, loc, 4));
  Value outCol = arith::MulIOp::create(
      b, loc, arith::RemUIOp::create(b, loc, tid, cIdx(b, loc, 4)),
      cIdx(b, loc, 16));
  // 68-byte rows: four 32-bit shared loads.
  Value codes =
      vector::LoadOp::create(b, loc, VectorType::get({16}, b.getI8Type()), tile,
                             ValueRange{outRow, outCol},
                             /*nontemporal=*/false, llvm::MaybeAlign(4));
  vector::StoreOp::create(
      b, loc,
      arith::BitcastOp::create(b, loc, VectorType::get({16}, target), codes),
      output,
      ValueRange{arith::AddIOp::create(b, loc, n0, outRow),
                 arith::AddIOp::create(b, loc, k0, outCol)},
      /*nontemporal=*/false, llvm::MaybeAlign(16));
}

namespace mlir::fp8::detail {

/// The K x N -> N x K cast of a GEMM's B operand as a tiled transpose when
/// K and N are static multiples of 64, else the pair kernel: a workgroup of
/// 256 threads converts a 64 x 64 tile, each thread a 4 x 4 block (four
/// 8-byte loads of bf16 rows, four 32-bit shared stores of 4 codes along
/// K), then stores rows of the N x K result with 16-byte stores. Both
/// global sides are coalesced.
///
/// A tensorwise scale = amax_to_scale(`amax`) (absorbed, CastPlan) is
/// computed on the GPU: the amax kernel, then every thread of this kernel
/// computes the scale from the amax (SPEC section 1) and the first one
/// writes it for the GEMM's epilogue. (Left alone, the rank-0
/// amax_to_scale would run in host code between the two kernels.)
///
/// With `plainOutput` (a K x N fp8 buffer; tiled kernel only) the same pass
/// also writes the cast as it is: each thread stores its 4 codes of each
/// row as one 32-bit word (a half-warp writes 64 contiguous bytes).
Value emitTransposedCast(PatternRewriter &rewriter, CastOp op, AmaxOp amax,
                         Value plainOutput, KernelCache *cache) {
  if (!hasTiledTranspose(op))
    return emitPairCast(rewriter, op, /*transposed=*/true);
  RankedTensorType inputType = op.getInput().getType();
  int64_t k = inputType.getDimSize(0), n = inputType.getDimSize(1);
  Location loc = op.getLoc();
  Type target = op.getResult().getType().getElementType();
  Value input = toBuffer(rewriter, loc, op.getInput());
  auto toScale =
      amax ? op.getScale().getDefiningOp<AmaxToScaleOp>() : AmaxToScaleOp();
  Value amaxBits = amax ? emitAmaxKernel(rewriter, amax, cache).bits : Value();
  Value scaleOut =
      amax ? memref::AllocOp::create(rewriter, loc,
                                     MemRefType::get({}, rewriter.getF32Type()))
                 .getResult()
           : Value();
  Value scales = amax ? Value() : toBuffer(rewriter, loc, op.getScale());
  Value output =
      memref::AllocOp::create(rewriter, loc, MemRefType::get({n, k}, target));
  auto workgroup = gpu::AddressSpaceAttr::get(
      rewriter.getContext(), gpu::GPUDialect::getWorkgroupAddressSpace());
  auto tileType = MemRefType::get({kTransposeTile, kTransposeRowBytes},
                                  rewriter.getI8Type(), nullptr, workgroup);
  // The kernel's code: the cast's types and attributes, the scale's
  // computation when it computes it, which outputs it writes.
  std::string key = describeForKey(op);
  if (toScale)
    key += describeForKey(toScale);
  SmallVector<Value> args = {input,    scales, amaxBits,
                             scaleOut, output, plainOutput};
  auto launch = createCachedKernel(
      rewriter, loc, cache, "fp8_cast_transposed", key, args,
      cIdx(rewriter, loc, n / kTransposeTile),
      cIdx(rewriter, loc, k / kTransposeTile), cIdx(rewriter, loc, 1),
      cIdx(rewriter, loc, kCastBlock),
      /*dynamicSharedMemory=*/nullptr, {tileType});
  if (launch) {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(&launch.getBody().front());
    TransposeTileKernel kernel(rewriter, loc, launch, op, input, scales);
    SmallVector<Value> columnScales =
        kernel.loadColumnScales(amaxBits, toScale, scaleOut);
    SmallVector<SmallVector<Value>> values =
        kernel.loadScaledBlock(columnScales);
    if (plainOutput)
      kernel.storePlainRows(values, plainOutput);
    kernel.storeTileColumns(values);
    gpu::BarrierOp::create(rewriter, loc);
    kernel.storeOutputRows(output);
    gpu::TerminatorOp::create(rewriter, loc);
    cacheKernel(cache, launch, key, args);
  }
  if (amax)
    replaceAbsorbedScale(rewriter, toScale, toTensor(rewriter, loc, scaleOut),
                         amax);
  return output;
}

KMajorRhs findKMajorRhs(ScaledMatmulOp op, const CastPlan &plan) {
  auto rhsCast = op.getRhs().getDefiningOp<CastOp>();
  if (rhsCast &&
      plan.getStrategy(rhsCast) == CastStrategy::TransposedForGemm)
    return {rhsCast, plan.getAbsorbedAmax(rhsCast), nullptr};
  return {nullptr, nullptr, getKMajorRhs(op)};
}

/// The N x K buffer of `rhs` (found, not null): the transposing cast's
/// output, or a view of the K-major tensor.
Value emitKMajorRhs(PatternRewriter &rewriter, Location loc,
                    const KMajorRhs &rhs, KernelCache *cache) {
  return rhs.cast ? emitTransposedCast(rewriter, rhs.cast, rhs.amax,
                                       /*plainOutput=*/nullptr, cache)
                  : toBuffer(rewriter, loc, rhs.tensor);
}

/// Replaces the GEMM `op` with `c`, then erases its B's producer (the cast
/// or transpose of a KMajorRhs) when nothing else reads it: the GEMM's
/// kernel read it in its stead, and the walk, which visited the producer
/// before the GEMM, does not visit it again.
void replaceGemm(PatternRewriter &rewriter, ScaledMatmulOp op,
                 const KMajorRhs &rhs, Value c) {
  Operation *producer = op.getRhs().getDefiningOp();
  rewriter.replaceOp(op, toTensor(rewriter, op.getLoc(), c));
  if (rhs && producer->use_empty())
    rewriter.eraseOp(producer);
}

} // namespace mlir::fp8::detail

namespace {
/// A 2-D cast that is read in both layouts, or only transposed, by GEMMs
/// (CastStrategy::DualLayout): torchao's operands each feed two GEMMs of a
/// linear layer, once as they are and once transposed (input: A of the
/// output GEMM, B of grad_weight; weight: B of output and of grad_input;
/// grad_output: A of grad_input, A^T of grad_weight). One tiled transposing
/// kernel (emitTransposedCast) reads the input once and writes the N x K
/// cast, plus the K x N cast when a use reads it as it is; its tensorwise
/// amax and scale are fused as for a GEMM's B. The uses are rewired: a
/// transpose of the cast becomes the N x K cast, a GEMM's B becomes the
/// transpose of it (getKMajorRhs: the GEMM kernel reads it directly). They
/// are not the root, but they read the N x K cast, a value only this
/// pattern has (fp8.cast has one result).
struct DualLayoutCastToNVVM : public OpRewritePattern<CastOp> {
  DualLayoutCastToNVVM(MLIRContext *context, const CastPlan &plan,
                       KernelCache *cache)
      : OpRewritePattern<CastOp>(context, /*benefit=*/3), plan(plan),
        cache(cache) {}

  LogicalResult matchAndRewrite(CastOp op,
                                PatternRewriter &rewriter) const override {
    if (plan.getStrategy(op) != CastStrategy::DualLayout)
      return rewriter.notifyMatchFailure(op, "not planned in both layouts");
    Location loc = op.getLoc();
    CastUses uses = classifyCastUses(op);
    RankedTensorType type = op.getResult().getType();
    Value plain =
        uses.plain
            ? memref::AllocOp::create(
                  rewriter, loc,
                  MemRefType::get(type.getShape(), type.getElementType()))
                  .getResult()
            : Value();
    Value transposed =
        toTensor(rewriter, loc,
                 emitTransposedCast(rewriter, op, plan.getAbsorbedAmax(op),
                                    plain, cache));
    for (linalg::TransposeOp transpose : uses.transposes)
      rewriter.replaceOp(transpose, transposed);
    for (OpOperand *use : uses.kMajorRhs) {
      Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                           type.getElementType());
      Value rhs = linalg::TransposeOp::create(rewriter, loc, transposed, init,
                                              ArrayRef<int64_t>{1, 0})
                      ->getResult(0);
      rewriter.modifyOpInPlace(use->getOwner(), [&] { use->set(rhs); });
    }
    if (plain)
      rewriter.replaceOp(op, toTensor(rewriter, loc, plain));
    else
      rewriter.eraseOp(op);
    return success();
  }

private:
  const CastPlan &plan;
  KernelCache *cache;
};
} // namespace

void mlir::fp8::detail::populateDualLayoutCastToNVVMPatterns(
    RewritePatternSet &patterns, const CastPlan &plan, KernelCache *cache) {
  patterns.add<DualLayoutCastToNVVM>(patterns.getContext(), plan, cache);
}
