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
                           Value bits, Value rows, int64_t columns) {
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
  auto launch = createKernel(
      rewriter, loc, "fp8_amax_columns",
      cIdx(rewriter, loc, llvm::divideCeil(columns, kColumnAmaxColumns)),
      chunks, cIdx(rewriter, loc, 1),
      cIdx(rewriter, loc, 32 * kColumnAmaxRowLanes), nullptr, {partialType});
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
}

namespace mlir::fp8::detail {

/// Emits the kernel of `op`: one workgroup per output element (x) and per
/// chunk of the reduction (y), 256 threads striding over it (8 elements a
/// load for a whole-tensor amax of a static innermost multiple of 8), a
/// wave-level maximumf and one atomic unsigned max of the f32 bits per
/// wave into a zero-initialized buffer.
AmaxKernel emitAmaxKernel(PatternRewriter &rewriter, AmaxOp op) {
  Location loc = op.getLoc();
  Value input = op.getInput();
  int64_t rank = op.getInput().getType().getRank();
  SmallVector<int64_t> reduced = op.getReductionDims();
  SmallVector<int64_t> kept;
  for (int64_t dim = 0; dim < rank; ++dim)
    if (!llvm::is_contained(reduced, dim))
      kept.push_back(dim);

  SmallVector<Value> sizes = getSizes(rewriter, loc, input);
  SmallVector<Value> keptSizes, reducedSizes;
  for (int64_t dim : kept)
    keptSizes.push_back(sizes[dim]);
  for (int64_t dim : reduced)
    reducedSizes.push_back(sizes[dim]);
  Value outputs = product(rewriter, loc, keptSizes);
  Value elements = product(rewriter, loc, reducedSizes);
  // The flat output is static when every kept dimension is.
  int64_t staticOutputs = 1;
  for (int64_t dim : kept) {
    int64_t size = op.getInput().getType().getDimSize(dim);
    staticOutputs =
        ShapedType::isDynamic(size) || ShapedType::isDynamic(staticOutputs)
            ? ShapedType::kDynamic
            : staticOutputs * size;
  }

  // The output holds f32 bit patterns, zero (+0.0) initialized; the kernel
  // folds each wave's maximum in with an unsigned atomic max.
  Value buffer = toBuffer(rewriter, loc, input);
  Value bits = allocBuffer(rewriter, loc, {staticOutputs}, {outputs},
                           rewriter.getI32Type());
  Value zero = arith::ConstantIntOp::create(rewriter, loc, 0, 32);
  linalg::FillOp::create(rewriter, loc, zero, bits);

  if (rank == 2 && reduced == SmallVector<int64_t>{0} &&
      !ShapedType::isDynamic(staticOutputs) && staticOutputs % 8 == 0) {
    emitColumnAmax(rewriter, loc, buffer, bits, sizes[0], staticOutputs);
    return {bits, outputs, staticOutputs, sizes};
  }

  // grid = (outputs, chunks): enough chunks that each thread reduces about
  // kAmaxPerThread elements, at most 1024.
  // A whole-tensor amax whose innermost size is a static multiple of 8
  // reads the (contiguous) input as groups of 8: 16-byte loads of bf16.
  int64_t innermost = op.getInput().getType().getShape().empty()
                          ? 1
                          : op.getInput().getType().getShape().back();
  bool groupsOfEight = kept.empty() && rank > 0 &&
                       !ShapedType::isDynamic(innermost) && innermost % 8 == 0;
  Value items = elements;
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
  auto launch = createKernel(rewriter, loc, "fp8_amax", outputs, chunks, one,
                             cIdx(rewriter, loc, kAmaxBlock));
  {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(&launch.getBody().front());
    Value output = launch.getBlockIds().x;
    Value chunk = launch.getBlockIds().y;
    Value thread = launch.getThreadIds().x;
    SmallVector<OpFoldResult> keptBasis(keptSizes.begin(), keptSizes.end());
    SmallVector<OpFoldResult> reducedBasis(reducedSizes.begin(),
                                           reducedSizes.end());
    ValueRange keptIndex = kept.empty()
                               ? ValueRange()
                               : affine::AffineDelinearizeIndexOp::create(
                                     rewriter, loc, output, keptBasis)
                                     .getResults();
    Value start = arith::AddIOp::create(
        rewriter, loc,
        arith::MulIOp::create(rewriter, loc, chunk,
                              cIdx(rewriter, loc, kAmaxBlock)),
        thread);
    Value step = arith::MulIOp::create(rewriter, loc, launch.getGridSizeY(),
                                       cIdx(rewriter, loc, kAmaxBlock));
    Value init =
        arith::ConstantOp::create(rewriter, loc, rewriter.getF32FloatAttr(0));
    // Groups of eight: the main loop keeps 4 loads in flight per thread
    // (grid-stride, 4 strides a step), the rest go one at a time.
    auto loadEight = [&](OpBuilder &b, Location l, Value group) -> Value {
      return loadVector(
          b, l, 8, buffer,
          ValueRange{arith::MulIOp::create(b, l, group, cIdx(b, l, 8))});
    };
    auto foldEight = [&](OpBuilder &b, Location l, Value all, Value max) {
      return foldAbsMaxOfVector(b, l, max, all);
    };
    Value rest = start, partial = init;
    if (groupsOfEight) {
      constexpr int64_t kUnroll = 4;
      Value span = arith::MulIOp::create(rewriter, loc, step,
                                         cIdx(rewriter, loc, kUnroll - 1));
      Value mainEnd = arith::SelectOp::create(
          rewriter, loc,
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ugt, items,
                                span),
          arith::SubIOp::create(rewriter, loc, items, span),
          cIdx(rewriter, loc, 0));
      Value wideStep = arith::MulIOp::create(rewriter, loc, step,
                                             cIdx(rewriter, loc, kUnroll));
      auto unrolled = scf::ForOp::create(
          rewriter, loc, start, mainEnd, wideStep, ValueRange{init},
          [&](OpBuilder &b, Location l, Value iv, ValueRange iterArgs) {
            SmallVector<Value> loaded;
            for (int64_t u = 0; u < kUnroll; ++u)
              loaded.push_back(loadEight(
                  b, l,
                  arith::AddIOp::create(
                      b, l, iv,
                      arith::MulIOp::create(b, l, step, cIdx(b, l, u)))));
            Value max = iterArgs[0];
            for (Value all : loaded)
              max = foldEight(b, l, all, max);
            scf::YieldOp::create(b, l, max);
          });
      // Where the main loop stopped: start + trips * wideStep.
      Value trips = arith::CeilDivUIOp::create(
          rewriter, loc,
          arith::SubIOp::create(
              rewriter, loc,
              arith::MaxUIOp::create(rewriter, loc, mainEnd, start), start),
          wideStep);
      rest = arith::AddIOp::create(
          rewriter, loc, start,
          arith::MulIOp::create(rewriter, loc, trips, wideStep));
      partial = unrolled.getResult(0);
    }
    auto loop = scf::ForOp::create(
        rewriter, loc, rest, items, step, ValueRange{partial},
        [&](OpBuilder &b, Location l, Value iv, ValueRange iterArgs) {
          if (groupsOfEight) {
            scf::YieldOp::create(
                b, l, foldEight(b, l, loadEight(b, l, iv), iterArgs[0]));
            return;
          }
          ValueRange reducedIndex =
              affine::AffineDelinearizeIndexOp::create(b, l, iv, reducedBasis)
                  .getResults();
          SmallVector<Value> index(rank);
          for (auto [i, dim] : llvm::enumerate(kept))
            index[dim] = keptIndex[i];
          for (auto [i, dim] : llvm::enumerate(reduced))
            index[dim] = reducedIndex[i];
          Value value = memref::LoadOp::create(b, l, buffer, index);
          Value abs = math::AbsFOp::create(b, l, widenToF32(b, l, value));
          Value max = arith::MaximumFOp::create(b, l, iterArgs[0], abs);
          scf::YieldOp::create(b, l, max);
        });
    Value wave = gpu::SubgroupReduceOp::create(
        rewriter, loc, loop.getResult(0), gpu::AllReduceOperation::MAXIMUMF,
        /*uniform=*/true);
    Value lane = gpu::LaneIdOp::create(rewriter, loc, /*upperBound=*/nullptr);
    Value first = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                        lane, cIdx(rewriter, loc, 0));
    scf::IfOp::create(rewriter, loc, first, [&](OpBuilder &b, Location l) {
      Value waveBits = arith::BitcastOp::create(b, l, b.getI32Type(), wave);
      memref::AtomicRMWOp::create(b, l, arith::AtomicRMWKind::maxu, waveBits,
                                  bits, ValueRange{output});
      scf::YieldOp::create(b, l);
    });
    gpu::TerminatorOp::create(rewriter, loc);
  }

  return {bits, outputs, staticOutputs, sizes};
}

} // namespace mlir::fp8::detail

namespace {
struct AmaxToGPU : public OpRewritePattern<AmaxOp> {
  /// `leaveFused`: amaxes that a fused cast kernel computes (NVIDIA) are
  /// left to it.
  AmaxToGPU(MLIRContext *context, bool leaveFused)
      : OpRewritePattern<AmaxOp>(context), leaveFused(leaveFused) {}

  LogicalResult matchAndRewrite(AmaxOp op,
                                PatternRewriter &rewriter) const override {
    if (leaveFused && isFusedIntoCast(op))
      return rewriter.notifyMatchFailure(op, "computed by its cast kernel");
    Location loc = op.getLoc();
    AmaxKernel kernel = emitAmaxKernel(rewriter, op);
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
    ReassociationIndices all = llvm::to_vector(llvm::seq<int64_t>(0, rank));
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, resultType, flat, ArrayRef<ReassociationIndices>{all}, resultSizes);
    return success();
  }

private:
  bool leaveFused;
};
} // namespace

void mlir::fp8::detail::populateAmaxToGPUPatterns(RewritePatternSet &patterns,
                                                  bool leaveFused) {
  patterns.add<AmaxToGPU>(patterns.getContext(), leaveFused);
}
