//===- FP8ToLinalg.cpp - Reference lowering of fp8 ops -------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Lowers the fp8 ops to linalg on tensors with exactly the numerics of
// torchao (SPEC section 1). This is the oracle for every other lowering.
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/FP8ToLinalg/FP8ToLinalg.h"
#include "fp8/Dialect/FP8/IR/FP8Ops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace fp8 {
#define GEN_PASS_DEF_FP8LOWERTOLINALG
#include "fp8/Conversion/Passes.h.inc"
} // namespace fp8
} // namespace mlir

using namespace mlir;
using namespace mlir::fp8;

/// torchao's EPS in amax_to_scale.
static constexpr double kAmaxEpsilon = 1e-12;

/// tensor.empty of `shape` (dynamic sizes taken from `like`'s dims in the
/// same positions of `sourceDims`).
static Value createEmpty(OpBuilder &b, Location loc, Value like,
                         ArrayRef<int64_t> sourceDims, Type elementType) {
  SmallVector<OpFoldResult> sizes;
  for (int64_t dim : sourceDims)
    sizes.push_back(tensor::getMixedSize(b, loc, like, dim));
  return tensor::EmptyOp::create(b, loc, sizes, elementType);
}

/// Widens a scalar float to f32 (exact for bf16/f16/fp8).
static Value toF32(OpBuilder &b, Location loc, Value value) {
  if (value.getType().isF32())
    return value;
  return arith::ExtFOp::create(b, loc, b.getF32Type(), value);
}

/// Converts an f32 scalar to `type` (rounding to nearest even).
static Value fromF32(OpBuilder &b, Location loc, Value value, Type type) {
  if (type.isF32())
    return value;
  return arith::TruncFOp::create(b, loc, type, value);
}

/// The indexing map reading a broadcastable scale of type `scaleType` in an
/// iteration space of `numDims` dims, where `dims[i]` is the iteration dim
/// of scale dimension i. Size-1 scale dims broadcast.
static AffineMap getScaleMap(MLIRContext *ctx, RankedTensorType scaleType,
                             unsigned numDims, ArrayRef<int64_t> dims) {
  SmallVector<AffineExpr> exprs;
  for (auto [i, size] : llvm::enumerate(scaleType.getShape()))
    exprs.push_back(size == 1 ? getAffineConstantExpr(0, ctx)
                              : getAffineDimExpr(dims[i], ctx));
  return AffineMap::get(numDims, 0, exprs, ctx);
}

/// An elementwise linalg.generic over the dims of `like` computing `body`
/// from the loaded operands into a new tensor of `elementType`.
static Value createElementwise(
    OpBuilder &b, Location loc, Value like, ValueRange inputs,
    ArrayRef<AffineMap> inputMaps, Type elementType,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  auto likeType = cast<RankedTensorType>(like.getType());
  int64_t rank = likeType.getRank();
  Value init = createEmpty(b, loc, like,
                           llvm::to_vector(llvm::seq<int64_t>(0, rank)),
                           elementType);
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), inputs, init, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc,
                                body(nb, nloc, args.drop_back()));
      });
  return generic.getResult(0);
}

/// torchao's exp2(floor(log2(s))) for an f32 `s`, computed exactly from the
/// bits: the exponent alone for normal values (and +inf), the leading
/// mantissa bit for subnormals, 0 for 0, NaN for NaN. A float log2 can round
/// a value just below a power of two up to it; the exact form keeps the
/// intended round-down and is identical on every target (no libm).
static Value roundDownToPowerOf2(OpBuilder &b, Location l, Value scale) {
  Type i32 = b.getI32Type();
  auto c = [&](int64_t v) {
    return arith::ConstantOp::create(b, l, b.getI32IntegerAttr(v));
  };
  Value bits = arith::BitcastOp::create(b, l, i32, scale);
  Value exponent = arith::AndIOp::create(b, l, bits, c(0x7f800000));
  Value mantissa = arith::AndIOp::create(b, l, bits, c(0x007fffff));
  // Subnormal: 1 << (31 - ctlz(mantissa)); ctlz(0) = 32 gives 0 below.
  Value lead = arith::SubIOp::create(b, l, c(31),
                                     math::CountLeadingZerosOp::create(b, l, mantissa));
  Value isZero = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, mantissa, c(0));
  Value safeLead = arith::SelectOp::create(b, l, isZero, c(0), lead);
  Value subnormal = arith::SelectOp::create(
      b, l, isZero, c(0), arith::ShLIOp::create(b, l, c(1), safeLead));
  Value isSubnormal =
      arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, exponent, c(0));
  Value sign = arith::AndIOp::create(b, l, bits, c(int32_t(0x80000000u)));
  Value rounded = arith::OrIOp::create(
      b, l, sign, arith::SelectOp::create(b, l, isSubnormal, subnormal, exponent));
  Value result = arith::BitcastOp::create(b, l, b.getF32Type(), rounded);
  Value isNaN =
      arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, scale, scale);
  return arith::SelectOp::create(b, l, isNaN, scale, result);
}

Value fp8::buildAmaxToScale(OpBuilder &b, Location l, Value amax,
                            FloatType dtype, bool roundToPowerOf2) {
  // f32(f64(max) / max(f64(amax), eps)); maximumf keeps NaN.
  Type f64 = b.getF64Type();
  Value wide = arith::ExtFOp::create(b, l, f64, amax);
  Value eps = arith::ConstantOp::create(b, l, b.getF64FloatAttr(kAmaxEpsilon));
  Value clamped = arith::MaximumFOp::create(b, l, wide, eps);
  Value max = arith::ConstantOp::create(
      b, l, b.getF64FloatAttr(getFloat8MaxFinite(dtype)));
  Value scale = arith::DivFOp::create(b, l, max, clamped);
  scale = arith::TruncFOp::create(b, l, b.getF32Type(), scale);
  return roundToPowerOf2 ? roundDownToPowerOf2(b, l, scale) : scale;
}

SaturationBounds fp8::buildSaturationBounds(OpBuilder &b, Location l,
                                            FloatType dtype) {
  auto max = static_cast<float>(getFloat8MaxFinite(dtype));
  Value hi = arith::ConstantOp::create(b, l, b.getF32FloatAttr(max));
  Value lo = arith::ConstantOp::create(b, l, b.getF32FloatAttr(-max));
  return {lo, hi};
}

Value fp8::buildSaturate(OpBuilder &b, Location l, Value x,
                         SaturationBounds bounds) {
  return arith::MinimumFOp::create(
      b, l, arith::MaximumFOp::create(b, l, x, bounds.lo), bounds.hi);
}

namespace {
//===----------------------------------------------------------------------===//
// fp8.amax
//===----------------------------------------------------------------------===//

struct AmaxLowering : public OpRewritePattern<AmaxOp> {
  using OpRewritePattern<AmaxOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(AmaxOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value input = op.getInput();
    RankedTensorType inputType = op.getInput().getType();
    int64_t rank = inputType.getRank();
    SmallVector<int64_t> reductionDims = op.getReductionDims();
    auto isReduced = [&](int64_t dim) {
      return llvm::is_contained(reductionDims, dim);
    };

    // max(|f32(x)|) over the reduction dims into an f32 tensor of the kept
    // dims. Widening is exact, so this is the amax of the source type; NaN
    // propagates through maximumf.
    SmallVector<int64_t> keptDims;
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iterators;
    for (int64_t dim = 0; dim < rank; ++dim) {
      iterators.push_back(isReduced(dim) ? utils::IteratorType::reduction
                                         : utils::IteratorType::parallel);
      if (!isReduced(dim)) {
        keptDims.push_back(dim);
        outExprs.push_back(getAffineDimExpr(dim, ctx));
      }
    }
    Type f32 = rewriter.getF32Type();
    Value empty = createEmpty(rewriter, loc, input, keptDims, f32);
    Value zero =
        arith::ConstantOp::create(rewriter, loc, rewriter.getF32FloatAttr(0));
    Value init =
        linalg::FillOp::create(rewriter, loc, zero, empty).getResult(0);
    SmallVector<AffineMap> maps = {
        rewriter.getMultiDimIdentityMap(rank),
        AffineMap::get(rank, 0, outExprs, ctx)};
    Value reduced =
        linalg::GenericOp::create(
            rewriter, loc, init.getType(), input, init, maps, iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value abs = math::AbsFOp::create(b, l, toF32(b, l, args[0]));
              Value max = arith::MaximumFOp::create(b, l, abs, args[1]);
              linalg::YieldOp::create(b, l, max);
            })
            .getResult(0);

    // Re-insert the reduced dims as size 1 (keep-dim).
    RankedTensorType resultType = op.getResult().getType();
    if (resultType.getRank() == static_cast<int64_t>(keptDims.size())) {
      rewriter.replaceOp(op, reduced);
      return success();
    }
    SmallVector<ReassociationIndices> reassociation;
    for (int64_t dim = 0; dim < rank; ++dim) {
      if (!isReduced(dim) || reassociation.empty())
        reassociation.emplace_back();
      reassociation.back().push_back(dim);
    }
    // A reduced leading dim joins the first kept dim's group.
    if (keptDims.empty())
      reassociation.clear();
    else if (isReduced(0) && reassociation.size() > keptDims.size()) {
      ReassociationIndices first = reassociation.front();
      reassociation.erase(reassociation.begin());
      reassociation.front().insert(reassociation.front().begin(),
                                   first.begin(), first.end());
    }
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(op, resultType, reduced,
                                                       reassociation);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// fp8.amax_to_scale
//===----------------------------------------------------------------------===//

struct AmaxToScaleLowering : public OpRewritePattern<AmaxToScaleOp> {
  using OpRewritePattern<AmaxToScaleOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(AmaxToScaleOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto dtype = cast<FloatType>(op.getDtype());
    bool pow2 = op.getRoundToPowerOf_2();
    int64_t rank = op.getAmax().getType().getRank();
    Value result = createElementwise(
        rewriter, loc, op.getAmax(), op.getAmax(),
        rewriter.getMultiDimIdentityMap(rank), rewriter.getF32Type(),
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          return buildAmaxToScale(b, l, args[0], dtype, pow2);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// fp8.cast
//===----------------------------------------------------------------------===//

struct CastLowering : public OpRewritePattern<CastOp> {
  using OpRewritePattern<CastOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(CastOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType inputType = op.getInput().getType();
    auto dtype = cast<FloatType>(op.getResult().getType().getElementType());
    int64_t rank = inputType.getRank();
    SmallVector<int64_t> dims = llvm::to_vector(llvm::seq<int64_t>(0, rank));
    SmallVector<AffineMap> maps = {
        rewriter.getMultiDimIdentityMap(rank),
        getScaleMap(op.getContext(), op.getScale().getType(), rank, dims)};
    Value result = createElementwise(
        rewriter, loc, op.getInput(), {op.getInput(), op.getScale()}, maps,
        dtype, [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          // clamp(f32(x) * scale, -max, max), then round to nearest even.
          Value scaled =
              arith::MulFOp::create(b, l, toF32(b, l, args[0]), args[1]);
          Value clamped =
              buildSaturate(b, l, scaled, buildSaturationBounds(b, l, dtype));
          return arith::TruncFOp::create(b, l, dtype, clamped);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// fp8.scaled_matmul
//===----------------------------------------------------------------------===//

/// C[b, m, n] = sum_k A[b, m, k] * B[b, k, n] in f32, as a linalg.generic
/// with the loops ordered (b, m, k, n) so that the innermost loop walks rows
/// of B and C contiguously (vectorizes well on the CPU).
static Value createF32Matmul(OpBuilder &b, Location loc, Value lhs, Value rhs,
                             int64_t batchDims) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = batchDims + 2;
  // Output dims: batch..., m (from lhs dim rank-2), n (from rhs dim rank-1).
  SmallVector<OpFoldResult> sizes;
  for (int64_t dim = 0; dim < rank - 1; ++dim)
    sizes.push_back(tensor::getMixedSize(b, loc, lhs, dim));
  sizes.push_back(tensor::getMixedSize(b, loc, rhs, rank - 1));
  Value empty = tensor::EmptyOp::create(b, loc, sizes, b.getF32Type());
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  Value init = linalg::FillOp::create(b, loc, zero, empty).getResult(0);

  unsigned numDims = batchDims + 3;
  SmallVector<AffineExpr> batch;
  for (int64_t i = 0; i < batchDims; ++i)
    batch.push_back(getAffineDimExpr(i, ctx));
  AffineExpr m = getAffineDimExpr(batchDims, ctx);
  AffineExpr k = getAffineDimExpr(batchDims + 1, ctx);
  AffineExpr n = getAffineDimExpr(batchDims + 2, ctx);
  auto map = [&](AffineExpr x, AffineExpr y) {
    SmallVector<AffineExpr> exprs(batch);
    exprs.append({x, y});
    return AffineMap::get(numDims, 0, exprs, ctx);
  };
  SmallVector<utils::IteratorType> iterators(numDims,
                                             utils::IteratorType::parallel);
  iterators[batchDims + 1] = utils::IteratorType::reduction;
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{lhs, rhs}, init,
             ArrayRef<AffineMap>{map(m, k), map(k, n), map(m, n)}, iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value prod = arith::MulFOp::create(nb, l, args[0], args[1]);
               Value sum = arith::AddFOp::create(nb, l, args[2], prod);
               linalg::YieldOp::create(nb, l, sum);
             })
      .getResult(0);
}

struct ScaledMatmulLowering : public OpRewritePattern<ScaledMatmulOp> {
  using OpRewritePattern<ScaledMatmulOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(ScaledMatmulOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    int64_t batchDims = op.getNumBatchDims();
    int64_t rank = batchDims + 2;
    Type resultElement = op.getResult().getType().getElementType();
    SmallVector<int64_t> batch =
        llvm::to_vector(llvm::seq<int64_t>(0, batchDims));
    // Scale maps in an operand's own (rank-dim) iteration space.
    auto operandScaleMap = [&](Value scale) {
      auto type = cast<RankedTensorType>(scale.getType());
      SmallVector<int64_t> dims(batch);
      dims.append({rank - 2, rank - 1});
      return getScaleMap(ctx, type, rank, dims);
    };
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);

    Value result;
    if (op.getEmulate()) {
      // T(matmul_f32(f32(a) / sa, f32(b) / sb))
      auto divide = [&](Value data, Value scale) {
        return createElementwise(
            rewriter, loc, data, {data, scale},
            {identity, operandScaleMap(scale)}, rewriter.getF32Type(),
            [&](OpBuilder &b, Location l, ValueRange args) -> Value {
              return arith::DivFOp::create(b, l, toF32(b, l, args[0]),
                                           args[1]);
            });
      };
      Value acc = createF32Matmul(rewriter, loc,
                                  divide(op.getLhs(), op.getLhsScale()),
                                  divide(op.getRhs(), op.getRhsScale()),
                                  batchDims);
      result = createElementwise(
          rewriter, loc, acc, acc, identity, resultElement,
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            return fromF32(b, l, args[0], resultElement);
          });
    } else {
      // T(acc * (1/sa) * (1/sb)), acc = sum_k f32(a) * f32(b)
      auto widen = [&](Value data) {
        return createElementwise(
            rewriter, loc, data, data, identity, rewriter.getF32Type(),
            [&](OpBuilder &b, Location l, ValueRange args) -> Value {
              return toF32(b, l, args[0]);
            });
      };
      Value acc = createF32Matmul(rewriter, loc, widen(op.getLhs()),
                                  widen(op.getRhs()), batchDims);
      // In the output space (batch..., m, n), A's scale [b, M|1, 1] varies
      // with m and B's [b, 1, N|1] with n: the same maps as in the operands'
      // own spaces.
      result = createElementwise(
          rewriter, loc, acc, {acc, op.getLhsScale(), op.getRhsScale()},
          {identity, operandScaleMap(op.getLhsScale()),
           operandScaleMap(op.getRhsScale())},
          resultElement,
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            Value one = arith::ConstantOp::create(b, l, b.getF32FloatAttr(1));
            Value invA = arith::DivFOp::create(b, l, one, args[1]);
            Value invB = arith::DivFOp::create(b, l, one, args[2]);
            Value scaled = arith::MulFOp::create(
                b, l, arith::MulFOp::create(b, l, args[0], invA), invB);
            return fromF32(b, l, scaled, resultElement);
          });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct FP8LowerToLinalgPass
    : public fp8::impl::FP8LowerToLinalgBase<FP8LowerToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFP8ToLinalgPatterns(patterns);
    GreedyRewriteConfig config;
    config.enableFolding(false).enableConstantCSE(false);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config)))
      return signalPassFailure();
    WalkResult result = getOperation()->walk([](Operation *op) {
      if (isa<FP8Dialect>(op->getDialect())) {
        op->emitError("failed to lower to linalg");
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace

void fp8::populateFP8ToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<AmaxLowering, AmaxToScaleLowering, CastLowering,
               ScaledMatmulLowering>(patterns.getContext());
}
