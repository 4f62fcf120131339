//===- PairCast.cpp - fp8.cast as pair-wise cvt kernels -------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The general fp8.cast kernel on NVIDIA GPUs: each thread converts pairs
// (or groups of 8) of neighbours with cvt.rn.satfinite.{e4m3,e5m2}x2.f32,
// optionally transposed, optionally computing a tensorwise scale from the
// amax bits itself.
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

namespace mlir::fp8::detail {

/// Two f32 values (already clamped) to fp8 with one
/// cvt.rn.satfinite.{e4m3,e5m2}x2.f32: `low` in byte 0, `high` in byte 1.
Value convertPair(OpBuilder &b, Location l, Value high, Value low,
                  Type target) {
  return NVVM::ConvertF32x2ToF8x2Op::create(
      b, l, VectorType::get({2}, b.getI8Type()), high, low,
      NVVM::FPRoundingModeAttr::get(b.getContext(), NVVM::FPRoundingMode::RN),
      NVVM::SaturationModeAttr::get(b.getContext(),
                                    NVVM::SaturationMode::SATFINITE),
      b.getBoolAttr(false), TypeAttr::get(target));
}

/// Eight f32 values to a vector<8xtarget> with four pair conversions.
Value convertEight(OpBuilder &b, Location l, ArrayRef<Value> values,
                   Type target) {
  SmallVector<Value> packs;
  for (int64_t p = 0; p < 4; ++p)
    packs.push_back(
        convertPair(b, l, values[2 * p + 1], values[2 * p], target));
  Value low = vector::ShuffleOp::create(b, l, packs[0], packs[1],
                                        ArrayRef<int64_t>{0, 1, 2, 3});
  Value high = vector::ShuffleOp::create(b, l, packs[2], packs[3],
                                         ArrayRef<int64_t>{0, 1, 2, 3});
  Value packed = vector::ShuffleOp::create(
      b, l, low, high, ArrayRef<int64_t>{0, 1, 2, 3, 4, 5, 6, 7});
  return arith::BitcastOp::create(b, l, VectorType::get({8}, target), packed);
}

/// In a cast kernel fused with a whole-tensor amax: the scale of `toScale`
/// (buildAmaxToScale, SPEC section 1) from the amax's f32 bits in
/// `amaxBits`; the thread where `isFirst` holds writes it to `scaleOut`
/// for the GEMM.
Value emitFusedScale(OpBuilder &b, Location loc, Value amaxBits,
                     AmaxToScaleOp toScale, Value isFirst, Value scaleOut) {
  Value bits =
      memref::LoadOp::create(b, loc, amaxBits, ValueRange{cIdx(b, loc, 0)});
  Value scale = buildAmaxToScale(
      b, loc, arith::BitcastOp::create(b, loc, b.getF32Type(), bits),
      cast<FloatType>(toScale.getDtype()), toScale.getRoundToPowerOf_2());
  emitIf(b, loc, isFirst, [&] {
    memref::StoreOp::create(b, loc, scale, scaleOut, ValueRange{});
  });
  return scale;
}

} // namespace mlir::fp8::detail

namespace {
/// The pair-wise cast kernel of one fp8.cast (emitPairCast): its layout and
/// buffers, set up on the host, then one function per part of the kernel.
struct PairCastKernel {
  PairCastKernel(PatternRewriter &rewriter, CastOp op, bool transposed,
                 Value amaxBits);

  /// Emits the launch: the pair of each thread, the fused scale, and the
  /// conversion of the threads in range.
  void emitLaunch(PatternRewriter &rewriter, AmaxToScaleOp toScale,
                  Value scaleOut);

  Value outBuffer;

private:
  /// The body of a thread in range: its pair's (or group's) coordinates,
  /// then emitGroupOfEight or emitPair.
  void emitThread(OpBuilder &b, Location l, Value pair);
  /// `x` times its scale (at input coordinates `index`), saturated.
  Value emitScaled(OpBuilder &b, Location l, Value x, ArrayRef<Value> index);
  /// Eight neighbours from `first` (input coordinates `index0`): one
  /// 16-byte load of bf16, four cvts, one 8-byte store.
  void emitGroupOfEight(OpBuilder &b, Location l, Value first,
                        ArrayRef<Value> index0);
  /// Two neighbours at `index0` and `index1`, the second one only where
  /// `hasNext` holds (an odd last element pairs with 0).
  void emitPair(OpBuilder &b, Location l, ArrayRef<Value> index0,
                ArrayRef<Value> index1, Value hasNext);
  /// The output coordinates of input coordinates `index`.
  SmallVector<Value> getOutIndex(ArrayRef<Value> index) const;

  CastOp op;
  bool transposed;
  Value amaxBits;
  Type target;
  RankedTensorType inputType;
  RankedTensorType scaleType;
  int64_t rank;
  SmallVector<Value> sizes;
  /// The elements along the pairs' dimension (innermost, or K when
  /// transposed), and their number.
  Value pairLength;
  /// Elements per thread: 8 for groups of eight, else 2.
  Value step;
  /// Pairs along that dimension; the other elements (N when transposed,
  /// else all leading dimensions); all pairs.
  Value pairsAlong, others, pairs;
  bool groupsOfEight;
  /// Whether the pairs' dimension is static and even: pairs load and store
  /// as one vector.
  bool aligned;
  Value inBuffer, scaleBuffer;
  /// In the kernel: the scale computed from `amaxBits`, and the saturation
  /// bounds of `target`.
  Value fusedScale;
  SaturationBounds bounds;
};
} // namespace

PairCastKernel::PairCastKernel(PatternRewriter &rewriter, CastOp op,
                               bool transposed, Value amaxBits)
    : op(op), transposed(transposed), amaxBits(amaxBits) {
  target = op.getResult().getType().getElementType();
  inputType = op.getInput().getType();
  rank = inputType.getRank();
  Location loc = op.getLoc();
  scaleType = cast<RankedTensorType>(op.getScale().getType());

  sizes = getSizes(rewriter, loc, op.getInput());
  int64_t pairDim = transposed ? 0 : rank - 1;
  pairLength = sizes[pairDim];
  int64_t staticLength = inputType.getShape()[pairDim];
  groupsOfEight = !transposed && !ShapedType::isDynamic(staticLength) &&
                  staticLength % 8 == 0;
  step = cIdx(rewriter, loc, groupsOfEight ? 8 : 2);
  pairsAlong = arith::CeilDivUIOp::create(rewriter, loc, pairLength, step);
  others = transposed
               ? sizes[1]
               : product(rewriter, loc, ArrayRef<Value>(sizes).drop_back());
  pairs = arith::MulIOp::create(rewriter, loc, others, pairsAlong);
  aligned = !ShapedType::isDynamic(staticLength) && staticLength % 2 == 0;

  inBuffer = toBuffer(rewriter, loc, op.getInput());
  scaleBuffer = amaxBits ? Value() : toBuffer(rewriter, loc, op.getScale());
  SmallVector<int64_t> outShape(inputType.getShape());
  SmallVector<Value> outSizes(sizes);
  if (transposed) {
    std::swap(outShape[0], outShape[1]);
    std::swap(outSizes[0], outSizes[1]);
  }
  outBuffer = allocBuffer(rewriter, loc, outShape, outSizes, target);
}

void PairCastKernel::emitLaunch(PatternRewriter &rewriter,
                                AmaxToScaleOp toScale, Value scaleOut) {
  Location loc = op.getLoc();
  Value blocks = arith::CeilDivUIOp::create(rewriter, loc, pairs,
                                            cIdx(rewriter, loc, kCastBlock));
  blocks =
      arith::MaxUIOp::create(rewriter, loc, blocks, cIdx(rewriter, loc, 1));
  Value one = cIdx(rewriter, loc, 1);
  auto launch = createKernel(rewriter, loc,
                             transposed ? "fp8_cast_transposed" : "fp8_cast",
                             blocks, one, one, cIdx(rewriter, loc, kCastBlock));
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToStart(&launch.getBody().front());
  // After the amax kernel's front-to-back pass, the end of the input is
  // what L2 still holds: the fused tensorwise cast starts there.
  Value block = launch.getBlockIds().x;
  if (amaxBits)
    block = arith::SubIOp::create(rewriter, loc,
                                  arith::SubIOp::create(rewriter, loc,
                                                        launch.getGridSizeX(),
                                                        cIdx(rewriter, loc, 1)),
                                  block);
  Value pair = arith::AddIOp::create(
      rewriter, loc,
      arith::MulIOp::create(rewriter, loc, block,
                            cIdx(rewriter, loc, kCastBlock)),
      launch.getThreadIds().x);
  Value inRange = arith::CmpIOp::create(rewriter, loc,
                                        arith::CmpIPredicate::ult, pair, pairs);
  if (amaxBits)
    fusedScale = emitFusedScale(
        rewriter, loc, amaxBits, toScale,
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, pair,
                              cIdx(rewriter, loc, 0)),
        scaleOut);
  scf::IfOp::create(rewriter, loc, inRange, [&](OpBuilder &b, Location l) {
    emitThread(b, l, pair);
    scf::YieldOp::create(b, l);
  });
  gpu::TerminatorOp::create(rewriter, loc);
}

void PairCastKernel::emitThread(OpBuilder &b, Location l, Value pair) {
  // Transposed: consecutive threads take consecutive columns n, so that
  // the loads of a warp are contiguous.
  Value other =
      transposed ? arith::RemUIOp::create(b, l, pair, others).getResult()
                 : arith::DivUIOp::create(b, l, pair, pairsAlong).getResult();
  Value pairIndex =
      transposed ? arith::DivUIOp::create(b, l, pair, others).getResult()
                 : arith::RemUIOp::create(b, l, pair, pairsAlong).getResult();
  Value first = arith::MulIOp::create(b, l, pairIndex, step);
  Value next = arith::AddIOp::create(b, l, first, cIdx(b, l, 1));
  Value hasNext =
      arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult, next, pairLength);
  // Input coordinates of the pair's elements.
  SmallVector<Value> index0, index1;
  if (transposed) {
    index0 = {first, other};
    index1 = {next, other};
  } else {
    if (rank > 1) {
      llvm::append_range(
          index0, delinearize(b, l, other, ArrayRef<Value>(sizes).drop_back()));
    }
    index1 = index0;
    index0.push_back(first);
    index1.push_back(next);
  }
  bounds = buildSaturationBounds(b, l, cast<FloatType>(target));
  if (groupsOfEight)
    emitGroupOfEight(b, l, first, index0);
  else
    emitPair(b, l, index0, index1, hasNext);
}

SmallVector<Value> PairCastKernel::getOutIndex(ArrayRef<Value> index) const {
  SmallVector<Value> result(index);
  if (transposed)
    std::swap(result[0], result[1]);
  return result;
}

Value PairCastKernel::emitScaled(OpBuilder &b, Location l, Value x,
                                 ArrayRef<Value> index) {
  SmallVector<Value> scaleIndex;
  for (int64_t dim = 0; dim < scaleType.getRank(); ++dim)
    scaleIndex.push_back(scaleType.getDimSize(dim) == 1 ? cIdx(b, l, 0)
                                                        : index[dim]);
  Value s =
      fusedScale
          ? fusedScale
          : memref::LoadOp::create(b, l, scaleBuffer, scaleIndex).getResult();
  return buildSaturate(
      b, l, arith::MulFOp::create(b, l, widenToF32(b, l, x), s), bounds);
}

void PairCastKernel::emitGroupOfEight(OpBuilder &b, Location l, Value first,
                                      ArrayRef<Value> index0) {
  // The group starts at a multiple of 8 elements of a row whose length
  // is a multiple of 8, in a buffer aligned to at least 256 bytes.
  Type elementType = inputType.getElementType();
  int64_t bytes = 8 * elementType.getIntOrFloatBitWidth() / 8;
  Value all = vector::LoadOp::create(
      b, l, VectorType::get({8}, elementType), inBuffer, index0,
      /*nontemporal=*/false, llvm::MaybeAlign(bytes));
  SmallVector<Value> packs;
  for (int64_t p = 0; p < 4; ++p) {
    SmallVector<Value> indexA(index0), indexB(index0);
    indexA.back() = arith::AddIOp::create(b, l, first, cIdx(b, l, 2 * p));
    indexB.back() = arith::AddIOp::create(b, l, first, cIdx(b, l, 2 * p + 1));
    packs.push_back(emitScaled(
        b, l, vector::ExtractOp::create(b, l, all, ArrayRef<int64_t>{2 * p}),
        indexA));
    packs.push_back(emitScaled(
        b, l,
        vector::ExtractOp::create(b, l, all, ArrayRef<int64_t>{2 * p + 1}),
        indexB));
  }
  Value codes = convertEight(b, l, packs, target);
  vector::StoreOp::create(b, l, codes, outBuffer, index0,
                          /*nontemporal=*/false, llvm::MaybeAlign(8));
}

void PairCastKernel::emitPair(OpBuilder &b, Location l, ArrayRef<Value> index0,
                              ArrayRef<Value> index1, Value hasNext) {
  Type elementType = inputType.getElementType();
  Value x0, x1;
  if (aligned && !transposed) {
    Value both = vector::LoadOp::create(
        b, l, VectorType::get({2}, elementType), inBuffer, index0,
        /*nontemporal=*/false,
        llvm::MaybeAlign(2 * elementType.getIntOrFloatBitWidth() / 8));
    x0 = emitScaled(b, l,
                    vector::ExtractOp::create(b, l, both, ArrayRef<int64_t>{0}),
                    index0);
    x1 = emitScaled(b, l,
                    vector::ExtractOp::create(b, l, both, ArrayRef<int64_t>{1}),
                    index1);
  } else {
    x0 = emitScaled(b, l, memref::LoadOp::create(b, l, inBuffer, index0),
                    index0);
    // An odd last element pairs with 0.
    x1 = scf::IfOp::create(
             b, l, hasNext,
             [&](OpBuilder &tb, Location tl) {
               Value x = memref::LoadOp::create(tb, tl, inBuffer, index1);
               scf::YieldOp::create(tb, tl, emitScaled(b, l, x, index1));
             },
             [&](OpBuilder &eb, Location el) {
               scf::YieldOp::create(
                   eb, el,
                   arith::ConstantOp::create(eb, el, eb.getF32FloatAttr(0))
                       .getResult());
             })
             .getResult(0);
  }
  Value packed = convertPair(b, l, x1, x0, target);
  Value codes =
      arith::BitcastOp::create(b, l, VectorType::get({2}, target), packed);
  if (aligned) {
    // The pair starts at an even offset of an even-length row (N x K
    // rows when transposed): one 16-bit store.
    vector::StoreOp::create(b, l, codes, outBuffer, getOutIndex(index0),
                            /*nontemporal=*/false, llvm::MaybeAlign(2));
    return;
  }
  Value q0 = vector::ExtractOp::create(b, l, codes, ArrayRef<int64_t>{0});
  memref::StoreOp::create(b, l, q0, outBuffer, getOutIndex(index0));
  scf::IfOp::create(b, l, hasNext, [&](OpBuilder &tb, Location tl) {
    Value q1 = vector::ExtractOp::create(tb, tl, codes, ArrayRef<int64_t>{1});
    memref::StoreOp::create(tb, tl, q1, outBuffer, getOutIndex(index1));
    scf::YieldOp::create(tb, tl);
  });
}

namespace mlir::fp8::detail {

/// Emits the kernel of an fp8.cast to f8E4M3FN/f8E5M2 and returns its output
/// buffer: each thread converts two neighbours with one
/// cvt.rn.satfinite.{e4m3,e5m2}x2.f32, q = RNE(clamp(f32(x) * scale)).
/// Neighbours along the innermost dimension, or with `transposed` (rank 2,
/// K x N input) along K, written to an N x K buffer so that every pair is
/// one 16-bit store. Pairs load and store as one vector where the sizes
/// keep them aligned (innermost, resp. K, static and even), and a static
/// innermost size that is a multiple of 8 gives each thread 8 elements (one
/// 16-byte load for bf16, four cvts, one 8-byte store); otherwise element
/// by element, an odd last element converted alone.
///
/// With `amaxBits` (the f32 bits of a whole-tensor amax, emitAmaxKernel) the
/// kernel computes the scale itself (buildAmaxToScale with `toScale`'s
/// settings), its first thread writes it to `scaleOut`, and workgroups take
/// the input from its end (what the amax pass left in L2) to its start.
Value emitPairCast(PatternRewriter &rewriter, CastOp op, bool transposed,
                   Value amaxBits, AmaxToScaleOp toScale, Value scaleOut) {
  PairCastKernel kernel(rewriter, op, transposed, amaxBits);
  kernel.emitLaunch(rewriter, toScale, scaleOut);
  return kernel.outBuffer;
}

} // namespace mlir::fp8::detail

namespace {
/// fp8.cast to f8E4M3FN/f8E5M2 as the pair-wise kernel of emitPairCast, for
/// the casts the plan gives it (CastStrategy::Pairs).
struct CastToNVVMPairs : public OpRewritePattern<CastOp> {
  CastToNVVMPairs(MLIRContext *context, const CastPlan &plan)
      : OpRewritePattern<CastOp>(context), plan(plan) {}

  LogicalResult matchAndRewrite(CastOp op,
                                PatternRewriter &rewriter) const override {
    if (plan.getStrategy(op) != CastStrategy::Pairs)
      return rewriter.notifyMatchFailure(op, "not planned as a pair cast");
    Value buffer = emitPairCast(rewriter, op, /*transposed=*/false);
    rewriter.replaceOp(op, toTensor(rewriter, op.getLoc(), buffer));
    return success();
  }

private:
  const CastPlan &plan;
};
} // namespace

void mlir::fp8::detail::populateCastToNVVMPairsPatterns(
    RewritePatternSet &patterns, const CastPlan &plan) {
  patterns.add<CastToNVVMPairs>(patterns.getContext(), plan);
}
