//===- MatmulToFloat8.cpp - one matmul into fp8 ops -----------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// torchao's `matmul_with_hp_or_float8_args` as a rewrite: each operand of a
// (batch) matmul is scaled and cast per its cast config, and the matmul
// becomes an fp8.scaled_matmul. fp8-rewrite-matmul (RewriteMatmul.cpp)
// decides which matmuls and how.
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::fp8;

static constexpr int64_t kAlignment = kFloat8GemmAlignment;

//===----------------------------------------------------------------------===//
// Rewrite
//===----------------------------------------------------------------------===//

/// Swaps the last two dimensions of a tensor.
static Value transposeLastTwo(RewriterBase &rewriter, Location loc,
                              Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> perm = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  std::swap(perm[rank - 1], perm[rank - 2]);
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, value);
  SmallVector<OpFoldResult> permuted;
  for (int64_t dim : perm)
    permuted.push_back(sizes[dim]);
  Value init =
      tensor::EmptyOp::create(rewriter, loc, permuted, type.getElementType());
  return linalg::TransposeOp::create(rewriter, loc, value, init, perm)
      ->getResult(0);
}

/// Zero-pads dimension `dim` of an fp8 tensor to a multiple of 16.
static Value padToAlignment(RewriterBase &rewriter, Location loc, Value value,
                            int64_t dim) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> low(rank, rewriter.getIndexAttr(0));
  SmallVector<OpFoldResult> high(rank, rewriter.getIndexAttr(0));
  SmallVector<int64_t> shape(type.getShape());
  int64_t size = type.getDimSize(dim);
  if (ShapedType::isDynamic(size)) {
    // high = (16 - size % 16) % 16
    Value sizeValue = tensor::DimOp::create(rewriter, loc, value, dim);
    Value align = arith::ConstantIndexOp::create(rewriter, loc, kAlignment);
    Value rem = arith::RemUIOp::create(rewriter, loc, sizeValue, align);
    Value missing = arith::SubIOp::create(rewriter, loc, align, rem);
    high[dim] =
        arith::RemUIOp::create(rewriter, loc, missing, align).getResult();
  } else {
    int64_t padded = llvm::alignTo(size, kAlignment);
    high[dim] = rewriter.getIndexAttr(padded - size);
    shape[dim] = padded;
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  Value zero = arith::ConstantOp::create(
      rewriter, loc, rewriter.getFloatAttr(type.getElementType(), 0.0));
  return tensor::PadOp::create(rewriter, loc, resultType, value, low, high,
                               zero);
}

namespace {
/// The fp8 operand of a scaled matmul and its scale, in canonical layout.
struct ScaledOperand {
  Value data;
  Value scale;
};
} // namespace

/// A device grid over which tensorwise amaxes are all-reduced (max), so
/// that every process scales with the global amax (torchao's reduce_amax).
struct AmaxGrid {
  FlatSymbolRefAttr grid;
  SmallVector<shard::GridAxis> axes;
};

/// The tensorwise amax of `value`, all-reduced over `amaxGrid` if given.
static Value tensorwiseAmax(RewriterBase &rewriter, Location loc, Value value,
                            const AmaxGrid *amaxGrid) {
  MLIRContext *ctx = rewriter.getContext();
  auto type = cast<RankedTensorType>(value.getType());
  RankedTensorType amaxType = AmaxOp::inferResultType(
      type, ScalingGranularity::Tensorwise, std::nullopt, /*batchDims=*/0);
  Value amax = AmaxOp::create(
      rewriter, loc, amaxType, value,
      ScalingGranularityAttr::get(ctx, ScalingGranularity::Tensorwise),
      IntegerAttr(), rewriter.getI64IntegerAttr(0));
  if (amaxGrid)
    amax = shard::AllReduceOp::create(rewriter, loc, amax,
                                      amaxGrid->grid.getValue(), amaxGrid->axes,
                                      shard::ReductionKind::Max);
  return amax;
}

/// amax -> amax_to_scale -> cast for one operand whose contraction dimension
/// is `kDim`; the result is transposed to canonical layout when `transposed`.
/// Unbatched tensorwise amaxes are all-reduced over `amaxGrid` if given.
static ScaledOperand castOperand(RewriterBase &rewriter, Location loc,
                                 Value value, CastConfigAttr castConfig,
                                 int64_t kDim, bool transposed,
                                 int64_t batchDims, bool pow2,
                                 const AmaxGrid *amaxGrid) {
  MLIRContext *ctx = rewriter.getContext();
  auto type = cast<RankedTensorType>(value.getType());
  auto dtype = cast<FloatType>(castConfig.getDtype().getType());
  ScalingGranularity granularity = castConfig.getGranularity();
  std::optional<int64_t> axis;
  if (granularity == ScalingGranularity::Axiswise)
    axis = kDim;
  RankedTensorType amaxType =
      AmaxOp::inferResultType(type, granularity, axis, batchDims);
  Value amax;
  if (granularity == ScalingGranularity::Tensorwise && batchDims == 0)
    amax = tensorwiseAmax(rewriter, loc, value, amaxGrid);
  else
    amax =
        AmaxOp::create(rewriter, loc, amaxType, value,
                       ScalingGranularityAttr::get(ctx, granularity),
                       axis ? rewriter.getI64IntegerAttr(*axis) : IntegerAttr(),
                       rewriter.getI64IntegerAttr(batchDims));
  Value scale =
      AmaxToScaleOp::create(rewriter, loc, amaxType, amax, TypeAttr::get(dtype),
                            pow2 ? rewriter.getUnitAttr() : nullptr);
  Value data = CastOp::create(rewriter, loc,
                              RankedTensorType::get(type.getShape(), dtype),
                              value, scale);
  if (transposed) {
    data = transposeLastTwo(rewriter, loc, data);
    if (amaxType.getRank() > 0)
      scale = transposeLastTwo(rewriter, loc, scale);
  }
  return {data, scale};
}

/// torchao's float8 all-gather (fsdp_float8_all_gather): an operand that a
/// shard.all_gather assembles from shards is cast before the gather, on the
/// local shard, with the scale of the global amax (the local amaxes
/// all-reduced with max over the gather's grid axes), and the fp8 shards are
/// gathered: one byte per element crosses the network instead of two (bf16)
/// or four (f32). The values are those of casting the gathered tensor.
static ScaledOperand castBeforeGather(RewriterBase &rewriter, Location loc,
                                      shard::AllGatherOp gather,
                                      CastConfigAttr castConfig,
                                      bool transposed, bool pow2) {
  auto dtype = cast<FloatType>(castConfig.getDtype().getType());
  Value shardValue = gather.getInput();
  AmaxGrid group{gather.getGridAttr(), llvm::to_vector(gather.getGridAxes())};
  Value amax = tensorwiseAmax(rewriter, loc, shardValue, &group);
  Value scale = AmaxToScaleOp::create(rewriter, loc, amax.getType(), amax,
                                      TypeAttr::get(dtype),
                                      pow2 ? rewriter.getUnitAttr() : nullptr);
  auto shardType = cast<RankedTensorType>(shardValue.getType());
  Value local = CastOp::create(
      rewriter, loc, RankedTensorType::get(shardType.getShape(), dtype),
      shardValue, scale);
  auto gatheredType =
      RankedTensorType::get(gather.getResult().getType().getShape(), dtype);
  Value data = shard::AllGatherOp::create(
      rewriter, loc, gatheredType, gather.getGridAttr(),
      gather.getGridAxesAttr(), local, gather.getGatherAxisAttr());
  if (transposed)
    data = transposeLastTwo(rewriter, loc, data);
  return {data, scale};
}

/// The all-gather that produces `operand` when the config casts it before
/// the gather: fsdp_float8_all_gather, dynamic tensorwise scaling,
/// unbatched.
static shard::AllGatherOp getFloat8AllGather(Value operand,
                                             const MatmulRewritePlan &plan,
                                             CastConfigAttr castConfig) {
  if (!plan.config.getFsdpFloat8AllGather() || plan.batchDims != 0 ||
      castConfig.getScaling() != ScalingType::Dynamic ||
      castConfig.getGranularity() != ScalingGranularity::Tensorwise)
    return nullptr;
  // shard-partition leaves an identity tensor.cast after the gather.
  if (auto cast = operand.getDefiningOp<tensor::CastOp>())
    if (cast.getSource().getType() == cast.getType())
      operand = cast.getSource();
  return operand.getDefiningOp<shard::AllGatherOp>();
}

/// Whether `init` is known to be all zeros (or undefined), so that the
/// matmul does not accumulate into it.
static bool isZeroInit(Value init) {
  // A normalized contraction reads its init through a reshape.
  while (isa_and_nonnull<tensor::CollapseShapeOp, tensor::ExpandShapeOp,
                         linalg::TransposeOp>(init.getDefiningOp()))
    init = init.getDefiningOp()->getOperand(0);
  if (init.getDefiningOp<tensor::EmptyOp>())
    return true;
  if (auto fill = init.getDefiningOp<linalg::FillOp>())
    return matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
  return matchPattern(init, m_AnyZeroFloat());
}

Value fp8::rewriteMatmulToFloat8(RewriterBase &rewriter, linalg::LinalgOp op,
                                 const MatmulRewritePlan &plan) {
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  Location loc = op.getLoc();
  Value lhs = op.getDpsInputs()[0], rhs = op.getDpsInputs()[1];
  Value init = op.getDpsInits()[0];
  int64_t rank = cast<RankedTensorType>(lhs.getType()).getRank();
  bool pow2 = plan.config.getRoundScalesToPowerOf_2();
  // fp8.amax_grid = @grid: tensorwise amaxes are global over the grid.
  std::optional<AmaxGrid> amaxGrid;
  if (auto gridRef = op->getAttrOfType<FlatSymbolRefAttr>("fp8.amax_grid")) {
    auto gridOp =
        SymbolTable::lookupNearestSymbolFrom<shard::GridOp>(op, gridRef);
    amaxGrid = AmaxGrid{gridRef, {}};
    for (int64_t axis = 0; axis < gridOp.getRank(); ++axis)
      amaxGrid->axes.push_back(axis);
  }
  const AmaxGrid *grid = amaxGrid ? &*amaxGrid : nullptr;
  // The contraction dimension as stored: A is [b,] m x k or k x m, B is
  // [b,] k x n or n x k.
  auto operand = [&](Value value, CastConfigAttr castConfig, int64_t kDim,
                     bool transposed) {
    if (shard::AllGatherOp gather = getFloat8AllGather(value, plan, castConfig))
      return castBeforeGather(rewriter, loc, gather, castConfig, transposed,
                              pow2);
    return castOperand(rewriter, loc, value, castConfig, kDim, transposed,
                       plan.batchDims, pow2, grid);
  };
  ScaledOperand a =
      operand(lhs, plan.operands.lhs, plan.lhsTransposed ? rank - 2 : rank - 1,
              plan.lhsTransposed);
  ScaledOperand b =
      operand(rhs, plan.operands.rhs, plan.rhsTransposed ? rank - 1 : rank - 2,
              plan.rhsTransposed);
  if (plan.padK) {
    a.data = padToAlignment(rewriter, loc, a.data, rank - 1);
    b.data = padToAlignment(rewriter, loc, b.data, rank - 2);
  }
  Value result = ScaledMatmulOp::create(
      rewriter, loc, init.getType(), a.data, b.data, a.scale, b.scale,
      plan.operands.gemm,
      plan.config.getEmulate() ? rewriter.getUnitAttr() : nullptr);
  // A matmul accumulates into its init; add it after the scaled product.
  if (!isZeroInit(init))
    result = linalg::AddOp::create(rewriter, loc, ValueRange{result, init},
                                   ValueRange{init})
                 ->getResult(0);
  rewriter.replaceOp(op, result);
  // A high-precision all-gather replaced by the float8 one must not run.
  SmallVector<Value, 2> operands = {lhs};
  if (rhs != lhs)
    operands.push_back(rhs);
  for (Value operand : operands) {
    if (auto cast = operand.getDefiningOp<tensor::CastOp>()) {
      if (!cast->use_empty() ||
          !cast.getSource().getDefiningOp<shard::AllGatherOp>())
        continue;
      operand = cast.getSource();
      rewriter.eraseOp(cast);
    }
    if (auto gather = operand.getDefiningOp<shard::AllGatherOp>())
      if (gather->use_empty())
        rewriter.eraseOp(gather);
  }
  return result;
}

namespace {
struct RewriteMatmulPattern
    : public OpInterfaceRewritePattern<linalg::LinalgOp> {
  RewriteMatmulPattern(MLIRContext *ctx, const RewriteMatmulOptions &options)
      : OpInterfaceRewritePattern<linalg::LinalgOp>(ctx), options(options) {}

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op))
      return rewriter.notifyMatchFailure(op, "not a matmul");
    MatmulRewriteRejection rejection;
    FailureOr<MatmulRewritePlan> plan =
        planMatmulRewrite(op, options, &rejection);
    if (failed(plan))
      return rewriter.notifyMatchFailure(op, rejection.message);
    rewriteMatmulToFloat8(rewriter, op, *plan);
    return success();
  }

  RewriteMatmulOptions options;
};
} // namespace

void fp8::populateFP8RewriteMatmulPatterns(
    RewritePatternSet &patterns, const RewriteMatmulOptions &options) {
  patterns.add<RewriteMatmulPattern>(patterns.getContext(), options);
}
