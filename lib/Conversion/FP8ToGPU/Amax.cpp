//===- Amax.cpp - fp8.amax as reduction kernels ---------------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// fp8.amax as a GPU reduction: a column kernel for reductions over rows of
// a matrix, otherwise one workgroup per kept element and chunk of the
// reduction, folded into a zero-initialized buffer of f32 bits with atomic
// unsigned max. Amaxes that a fused cast kernel computes (CastPlan) are left
// to it.
//
//===----------------------------------------------------------------------===//

#include "FP8ToGPUInternals.h"
#include "KernelOutliner.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
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

/// Threads per workgroup of the amax kernel.
static constexpr int64_t kAmaxBlock = 256;
/// Reduction elements per thread before the amax grid grows a second axis.
static constexpr int64_t kAmaxPerThread = 16;

/// Columns per workgroup of the column amax: 32 groups of 8.
static constexpr int64_t kColumnAmaxColumns = 256;
/// Rows a workgroup of the column amax reads at a time (one per warp).
static constexpr int64_t kColumnAmaxRowLanes = 8;

/// The amax over rows (dim 0) of a rows x `columns` matrix, into the f32
/// bits `bits` (zero-initialized), read in its own layout: lane l of warp w
/// reads 8 neighbouring columns (16 bytes of bf16) of rows w, w + 8, ... of
/// the workgroup's chunk of rows, so that a warp reads 512 contiguous bytes
/// of a row; the 8 warps' maxima meet in shared memory and warp 0 folds
/// them into `bits` with atomic max. grid = (columns / 256, row chunks).
static void emitColumnAmax(PatternRewriter &rewriter, Location loc, Value input,
                           Value bits, Value rows, int64_t columns,
                           KernelCache *cache) {
  auto workgroup = gpu::AddressSpaceAttr::get(
      rewriter.getContext(), gpu::GPUDialect::getWorkgroupAddressSpace());
  auto partialType = MemRefType::get({kColumnAmaxRowLanes, kColumnAmaxColumns},
                                     rewriter.getF32Type(), nullptr, workgroup);
  // About 64 rows per warp and chunk, at most 128 chunks.
  Value chunks = arith::CeilDivUIOp::create(
      rewriter, loc, rows, cIdx(rewriter, loc, 64 * kColumnAmaxRowLanes));
  chunks = arith::MaxUIOp::create(
      rewriter, loc,
      arith::MinUIOp::create(rewriter, loc, chunks, cIdx(rewriter, loc, 128)),
      cIdx(rewriter, loc, 1));
  Value rowsPerChunk = arith::CeilDivUIOp::create(rewriter, loc, rows, chunks);
  SmallVector<Value> args = {input, bits, rows, rowsPerChunk};
  std::string key = std::to_string(columns);
  auto launch = createCachedKernel(
      rewriter, loc, cache, "fp8_amax_columns", key, args,
      cIdx(rewriter, loc, llvm::divideCeil(columns, kColumnAmaxColumns)),
      chunks, cIdx(rewriter, loc, 1),
      cIdx(rewriter, loc, 32 * kColumnAmaxRowLanes), nullptr, {partialType});
  if (!launch)
    return;
  OpBuilder::InsertionGuard guard(rewriter);
  OpBuilder &b = rewriter;
  b.setInsertionPointToStart(&launch.getBody().front());
  Value partial = launch.getWorkgroupAttributions()[0];
  Value tid = launch.getThreadIds().x;
  Value lane = arith::RemUIOp::create(b, loc, tid, cIdx(b, loc, 32));
  Value warp = arith::DivUIOp::create(b, loc, tid, cIdx(b, loc, 32));
  Value local = arith::MulIOp::create(b, loc, lane, cIdx(b, loc, 8));
  Value column = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, launch.getBlockIds().x,
                            cIdx(b, loc, kColumnAmaxColumns)),
      local);
  Value first =
      arith::MulIOp::create(b, loc, launch.getBlockIds().y, rowsPerChunk);
  Value end = arith::MinUIOp::create(
      b, loc, arith::AddIOp::create(b, loc, first, rowsPerChunk), rows);
  Value columnOk = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                         column, cIdx(b, loc, columns));
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  SmallVector<Value> init(8, zero);
  // Columns past the end (the last workgroup) read nothing.
  Value start = arith::SelectOp::create(
      b, loc, columnOk, arith::AddIOp::create(b, loc, first, warp), end);
  auto loop = scf::ForOp::create(
      b, loc, start, end, cIdx(b, loc, kColumnAmaxRowLanes), init,
      [&](OpBuilder &, Location, Value row, ValueRange acc) {
        SmallVector<Value> values = widenElements(
            b, loc, loadVector(b, loc, 8, input, ValueRange{row, column}));
        SmallVector<Value> next;
        for (int64_t e = 0; e < 8; ++e)
          next.push_back(foldAbsMax(b, loc, acc[e], values[e]));
        scf::YieldOp::create(b, loc, next);
      });
  for (int64_t e = 0; e < 8; ++e)
    memref::StoreOp::create(
        b, loc, loop.getResult(e), partial,
        ValueRange{warp,
                   arith::AddIOp::create(b, loc, local, cIdx(b, loc, e))});
  gpu::BarrierOp::create(b, loc);
  Value isWarp0 = arith::AndIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, warp,
                            cIdx(b, loc, 0)),
      columnOk);
  scf::IfOp::create(b, loc, isWarp0, [&](OpBuilder &, Location) {
    for (int64_t e = 0; e < 8; ++e) {
      Value col = arith::AddIOp::create(b, loc, local, cIdx(b, loc, e));
      Value max = zero;
      for (int64_t w = 0; w < kColumnAmaxRowLanes; ++w)
        max = arith::MaximumFOp::create(
            b, loc, max,
            memref::LoadOp::create(b, loc, partial,
                                   ValueRange{cIdx(b, loc, w), col}));
      memref::AtomicRMWOp::create(
          b, loc, arith::AtomicRMWKind::maxu,
          arith::BitcastOp::create(b, loc, b.getI32Type(), max), bits,
          ValueRange{arith::AddIOp::create(b, loc, column, cIdx(b, loc, e))});
    }
    scf::YieldOp::create(b, loc);
  });
  gpu::TerminatorOp::create(b, loc);
  cacheKernel(cache, launch, key, args);
}

namespace {
/// The general amax kernel of one fp8.amax (emitAmaxKernel): its dimensions
/// and buffers, set up on the host, then one function per part of the
/// kernel.
struct AmaxReduction {
  /// Splits `op`'s dimensions into kept and reduced ones and takes their
  /// sizes.
  AmaxReduction(PatternRewriter &rewriter, AmaxOp op);

  /// Emits the launch over `input` (the buffer of the input) into `bits`,
  /// one workgroup per output element (x) and per chunk of the reduction
  /// (y); a whole-tensor amax whose innermost size is a static multiple of
  /// 8 reads the (contiguous) input as groups of 8.
  void emitKernel(PatternRewriter &rewriter, Value input, Value bits,
                  KernelCache *cache);

  AmaxOp op;
  Location loc;
  int64_t rank;
  SmallVector<int64_t> kept, reduced;
  SmallVector<Value> sizes, keptSizes, reducedSizes;
  /// Output elements and reduced elements per output.
  Value outputs, elements;
  /// The flat output's static size (dynamic unless every kept dimension is
  /// static).
  int64_t staticOutputs = 1;

private:
  /// The kernel body: each thread folds its strided share of the
  /// reduction, then one lane per wave folds the wave's maximum into
  /// `bits` with an atomic unsigned max.
  void emitBody(OpBuilder &b, gpu::LaunchOp launch, Value bits);
  /// The main loop of groups of eight: 4 loads in flight per thread
  /// (grid-stride, 4 strides a step) from `start`. Returns where it stopped
  /// and its maximum.
  std::pair<Value, Value> emitUnrolledGroups(OpBuilder &b, Value start,
                                             Value step, Value init);
  /// The loop from `rest` to `items`, a group of eight or an element at a
  /// time, folding into `partial`.
  Value emitRemainder(OpBuilder &b, Value rest, Value step, Value partial,
                      ValueRange keptIndex);
  Value loadEight(OpBuilder &b, Location l, Value group);

  Value buffer;
  /// What a thread strides over: groups of eight or elements.
  Value items;
  bool groupsOfEight = false;
};
} // namespace

AmaxReduction::AmaxReduction(PatternRewriter &rewriter, AmaxOp op)
    : op(op), loc(op.getLoc()), rank(op.getInput().getType().getRank()),
      reduced(op.getReductionDims()) {
  for (int64_t dim = 0; dim < rank; ++dim)
    if (!llvm::is_contained(reduced, dim))
      kept.push_back(dim);

  sizes = getSizes(rewriter, loc, op.getInput());
  for (int64_t dim : kept)
    keptSizes.push_back(sizes[dim]);
  for (int64_t dim : reduced)
    reducedSizes.push_back(sizes[dim]);
  outputs = product(rewriter, loc, keptSizes);
  elements = product(rewriter, loc, reducedSizes);
  for (int64_t dim : kept) {
    int64_t size = op.getInput().getType().getDimSize(dim);
    staticOutputs =
        ShapedType::isDynamic(size) || ShapedType::isDynamic(staticOutputs)
            ? ShapedType::kDynamic
            : staticOutputs * size;
  }
}

void AmaxReduction::emitKernel(PatternRewriter &rewriter, Value input,
                               Value bits, KernelCache *cache) {
  // grid = (outputs, chunks): enough chunks that each thread reduces about
  // kAmaxPerThread elements, at most 1024.
  // A whole-tensor amax whose innermost size is a static multiple of 8
  // reads the (contiguous) input as groups of 8: 16-byte loads of bf16.
  int64_t innermost = op.getInput().getType().getShape().empty()
                          ? 1
                          : op.getInput().getType().getShape().back();
  // (Not with a static size 0: collapsing it with dynamic sizes gives a
  // static 0 that memref.collapse_shape rejects.)
  groupsOfEight =
      kept.empty() && rank > 0 && !ShapedType::isDynamic(innermost) &&
      innermost % 8 == 0 &&
      !llvm::is_contained(op.getInput().getType().getShape(), 0);
  buffer = input;
  items = elements;
  if (groupsOfEight) {
    items =
        arith::DivUIOp::create(rewriter, loc, elements, cIdx(rewriter, loc, 8));
    ReassociationIndices all = llvm::to_vector(llvm::seq<int64_t>(0, rank));
    buffer = memref::CollapseShapeOp::create(
        rewriter, loc, buffer, ArrayRef<ReassociationIndices>{all});
  }
  Value perBlock =
      cIdx(rewriter, loc,
           kAmaxBlock * (groupsOfEight ? kAmaxPerThread / 8 : kAmaxPerThread));
  Value chunks = arith::CeilDivUIOp::create(rewriter, loc, items, perBlock);
  chunks =
      arith::MinUIOp::create(rewriter, loc, chunks, cIdx(rewriter, loc, 1024));
  chunks =
      arith::MaxUIOp::create(rewriter, loc, chunks, cIdx(rewriter, loc, 1));
  Value one = cIdx(rewriter, loc, 1);
  SmallVector<Value> args = {buffer, items, bits};
  llvm::append_range(args, keptSizes);
  llvm::append_range(args, reducedSizes);
  std::string key = describeForKey(op) + (groupsOfEight ? "|groups" : "");
  auto launch =
      createCachedKernel(rewriter, loc, cache, "fp8_amax", key, args, outputs,
                         chunks, one, cIdx(rewriter, loc, kAmaxBlock));
  if (!launch)
    return;
  {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(&launch.getBody().front());
    emitBody(rewriter, launch, bits);
  }
  cacheKernel(cache, launch, key, args);
}

void AmaxReduction::emitBody(OpBuilder &b, gpu::LaunchOp launch, Value bits) {
  Value output = launch.getBlockIds().x;
  Value chunk = launch.getBlockIds().y;
  Value thread = launch.getThreadIds().x;
  SmallVector<Value> keptIndex = delinearize(b, loc, output, keptSizes);
  Value start = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, chunk, cIdx(b, loc, kAmaxBlock)),
      thread);
  Value step = arith::MulIOp::create(b, loc, launch.getGridSizeY(),
                                     cIdx(b, loc, kAmaxBlock));
  Value init = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  Value rest = start, partial = init;
  if (groupsOfEight)
    std::tie(rest, partial) = emitUnrolledGroups(b, start, step, init);
  Value max = emitRemainder(b, rest, step, partial, keptIndex);
  Value wave = gpu::SubgroupReduceOp::create(
      b, loc, max, gpu::AllReduceOperation::MAXIMUMF, /*uniform=*/true);
  Value lane = gpu::LaneIdOp::create(b, loc, /*upperBound=*/nullptr);
  Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane,
                                      cIdx(b, loc, 0));
  scf::IfOp::create(b, loc, first, [&](OpBuilder &ib, Location l) {
    Value waveBits = arith::BitcastOp::create(ib, l, ib.getI32Type(), wave);
    memref::AtomicRMWOp::create(ib, l, arith::AtomicRMWKind::maxu, waveBits,
                                bits, ValueRange{output});
    scf::YieldOp::create(ib, l);
  });
  gpu::TerminatorOp::create(b, loc);
}

Value AmaxReduction::loadEight(OpBuilder &b, Location l, Value group) {
  return loadVector(
      b, l, 8, buffer,
      ValueRange{arith::MulIOp::create(b, l, group, cIdx(b, l, 8))});
}

std::pair<Value, Value> AmaxReduction::emitUnrolledGroups(OpBuilder &b,
                                                          Value start,
                                                          Value step,
                                                          Value init) {
  constexpr int64_t kUnroll = 4;
  Value span = arith::MulIOp::create(b, loc, step, cIdx(b, loc, kUnroll - 1));
  Value mainEnd = arith::SelectOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, items, span),
      arith::SubIOp::create(b, loc, items, span), cIdx(b, loc, 0));
  Value wideStep = arith::MulIOp::create(b, loc, step, cIdx(b, loc, kUnroll));
  auto unrolled = scf::ForOp::create(
      b, loc, start, mainEnd, wideStep, ValueRange{init},
      [&](OpBuilder &lb, Location l, Value iv, ValueRange iterArgs) {
        SmallVector<Value> loaded;
        for (int64_t u = 0; u < kUnroll; ++u)
          loaded.push_back(loadEight(
              lb, l,
              arith::AddIOp::create(
                  lb, l, iv,
                  arith::MulIOp::create(lb, l, step, cIdx(lb, l, u)))));
        Value max = iterArgs[0];
        for (Value all : loaded)
          max = foldAbsMaxOfVector(lb, l, max, all);
        scf::YieldOp::create(lb, l, max);
      });
  // Where the main loop stopped: start + trips * wideStep.
  Value trips = arith::CeilDivUIOp::create(
      b, loc,
      arith::SubIOp::create(
          b, loc, arith::MaxUIOp::create(b, loc, mainEnd, start), start),
      wideStep);
  Value rest = arith::AddIOp::create(
      b, loc, start, arith::MulIOp::create(b, loc, trips, wideStep));
  return {rest, unrolled.getResult(0)};
}

Value AmaxReduction::emitRemainder(OpBuilder &b, Value rest, Value step,
                                   Value partial, ValueRange keptIndex) {
  auto loop = scf::ForOp::create(
      b, loc, rest, items, step, ValueRange{partial},
      [&](OpBuilder &lb, Location l, Value iv, ValueRange iterArgs) {
        if (groupsOfEight) {
          scf::YieldOp::create(
              lb, l,
              foldAbsMaxOfVector(lb, l, iterArgs[0], loadEight(lb, l, iv)));
          return;
        }
        SmallVector<Value> reducedIndex =
            delinearize(lb, l, iv, reducedSizes);
        SmallVector<Value> index(rank);
        for (auto [i, dim] : llvm::enumerate(kept))
          index[dim] = keptIndex[i];
        for (auto [i, dim] : llvm::enumerate(reduced))
          index[dim] = reducedIndex[i];
        Value value = memref::LoadOp::create(lb, l, buffer, index);
        Value abs = math::AbsFOp::create(lb, l, widenToF32(lb, l, value));
        Value max = arith::MaximumFOp::create(lb, l, iterArgs[0], abs);
        scf::YieldOp::create(lb, l, max);
      });
  return loop.getResult(0);
}

namespace mlir::fp8::detail {

/// Emits the kernel of `op`: one workgroup per output element (x) and per
/// chunk of the reduction (y), 256 threads striding over it (8 elements a
/// load for a whole-tensor amax of a static innermost multiple of 8), a
/// wave-level maximumf and one atomic unsigned max of the f32 bits per
/// wave into a zero-initialized buffer; reductions over the rows of a
/// matrix of a static multiple of 8 columns take the column kernel.
AmaxKernel emitAmaxKernel(PatternRewriter &rewriter, AmaxOp op,
                          KernelCache *cache) {
  AmaxReduction reduction(rewriter, op);
  Location loc = reduction.loc;
  // The output holds f32 bit patterns, zero (+0.0) initialized; the kernel
  // folds each wave's maximum in with an unsigned atomic max.
  Value buffer = toBuffer(rewriter, loc, op.getInput());
  Value bits = allocBuffer(rewriter, loc, {reduction.staticOutputs},
                           {reduction.outputs}, rewriter.getI32Type());
  Value zero = arith::ConstantIntOp::create(rewriter, loc, 0, 32);
  linalg::FillOp::create(rewriter, loc, zero, bits);

  if (reduction.rank == 2 && reduction.reduced == SmallVector<int64_t>{0} &&
      !ShapedType::isDynamic(reduction.staticOutputs) &&
      reduction.staticOutputs % 8 == 0)
    emitColumnAmax(rewriter, loc, buffer, bits, reduction.sizes[0],
                   reduction.staticOutputs, cache);
  else
    reduction.emitKernel(rewriter, buffer, bits, cache);
  return {bits, reduction.outputs, reduction.staticOutputs, reduction.sizes};
}

} // namespace mlir::fp8::detail

namespace {
/// fp8.amax as the kernel of emitAmaxKernel, its f32 bits reshaped to the
/// keep-dim result. Amaxes that the plan gives to a cast kernel
/// (CastPlan::isAbsorbed) are left to it: the cast's pattern erases them
/// once its kernel has replaced their only use.
struct AmaxToGPU : public OpRewritePattern<AmaxOp> {
  AmaxToGPU(MLIRContext *context, const CastPlan &plan, KernelCache *cache)
      : OpRewritePattern<AmaxOp>(context), plan(plan), cache(cache) {}

  LogicalResult matchAndRewrite(AmaxOp op,
                                PatternRewriter &rewriter) const override {
    if (plan.isAbsorbed(op))
      return rewriter.notifyMatchFailure(op, "computed by its cast kernel");
    Location loc = op.getLoc();
    AmaxKernel kernel = emitAmaxKernel(rewriter, op, cache);
    Value bits = kernel.bits, outputs = kernel.outputs;
    int64_t staticOutputs = kernel.staticOutputs;
    SmallVector<Value> &sizes = kernel.sizes;
    SmallVector<int64_t> reduced = op.getReductionDims();
    int64_t rank = op.getInput().getType().getRank();

    // Bits back to f32, reshaped to the keep-dim result.
    Value flatBits = toTensor(rewriter, loc, bits);
    auto flatType =
        RankedTensorType::get({staticOutputs}, rewriter.getF32Type());
    Value flatInit = tensor::EmptyOp::create(
        rewriter, loc, flatType,
        ShapedType::isDynamic(staticOutputs) ? ValueRange{outputs}
                                             : ValueRange{});
    AffineMap id = rewriter.getMultiDimIdentityMap(1);
    Value flat =
        linalg::GenericOp::create(
            rewriter, loc, flatType, flatBits, flatInit,
            ArrayRef<AffineMap>{id, id},
            ArrayRef<utils::IteratorType>{utils::IteratorType::parallel},
            [](OpBuilder &b, Location l, ValueRange args) {
              linalg::YieldOp::create(
                  b, l,
                  arith::BitcastOp::create(b, l, b.getF32Type(), args[0])
                      .getResult());
            })
            .getResult(0);
    RankedTensorType resultType = op.getResult().getType();
    if (resultType.getRank() == 0) {
      auto single = RankedTensorType::get({1}, rewriter.getF32Type());
      Value cast = tensor::CastOp::create(rewriter, loc, single, flat);
      rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
          op, resultType, cast, ArrayRef<ReassociationIndices>{});
      return success();
    }
    SmallVector<OpFoldResult> resultSizes;
    for (int64_t dim = 0; dim < rank; ++dim)
      resultSizes.push_back(llvm::is_contained(reduced, dim)
                                ? OpFoldResult(rewriter.getIndexAttr(1))
                            : resultType.isDynamicDim(dim)
                                ? OpFoldResult(sizes[dim])
                                : OpFoldResult(rewriter.getIndexAttr(
                                      resultType.getDimSize(dim))));
    rewriter.replaceOp(op,
                       expandFlat(rewriter, loc, flat, resultType, resultSizes));
    return success();
  }

private:
  const CastPlan &plan;
  KernelCache *cache;
};
} // namespace

void mlir::fp8::detail::populateAmaxToGPUPatterns(RewritePatternSet &patterns,
                                                  const CastPlan &plan,
                                                  KernelCache *cache) {
  patterns.add<AmaxToGPU>(patterns.getContext(), plan, cache);
}
