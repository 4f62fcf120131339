//===- FusedCast.cpp - casts that compute their own amax ------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// fp8.cast(x, amax_to_scale(amax(x))) in the kernels that compute the amax
// themselves: a row group per row for axiswise scales (the row read once
// when it fits in registers), the amax kernel plus a cast kernel that
// computes the scale for tensorwise ones.
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

void mlir::fp8::detail::replaceAbsorbedScale(PatternRewriter &rewriter,
                                             AmaxToScaleOp toScale, Value scale,
                                             AmaxOp amax) {
  rewriter.replaceOp(toScale, scale);
  rewriter.eraseOp(amax);
}

/// Rows per workgroup of the fused axiswise cast: one warp per row.
static constexpr int64_t kAxiswiseRowsPerBlock = 8;
/// Threads per workgroup of the fused axiswise cast.
static constexpr int64_t kAxiswiseBlock = 256;
/// At most this many bytes of input (64 bf16/f16 or 32 f32 elements, held
/// as f32 registers) are a thread's part of a row in the single-read
/// axiswise cast.
static constexpr int64_t kAxiswiseThreadBytes = 128;

/// How the fused axiswise cast spreads a row of `k` elements of
/// `elementBytes` bytes: `rowThreads` threads per row, each holding
/// `chunks` groups of 8 elements in registers (the row is read from memory
/// once), or chunks == 0 when no row group of at most a workgroup fits the
/// register budget (a warp per row then reads the row twice).
struct AxiswisePlan {
  int64_t rowThreads = 32;
  int64_t chunks = 0;
};
static AxiswisePlan chooseAxiswisePlan(int64_t k, int64_t elementBytes) {
  int64_t maxChunks = kAxiswiseThreadBytes / (8 * elementBytes);
  for (int64_t threads = 32; threads <= kAxiswiseBlock; threads *= 2) {
    int64_t chunks = llvm::divideCeil(k, 8 * threads);
    if (chunks <= maxChunks)
      return {threads, chunks};
  }
  return {};
}

namespace {
/// What the bodies of the fused axiswise cast kernel read and write: the
/// input as `rows` x `k` (static k), the output likewise, one f32 scale per
/// row, and the shared memory of the row groups larger than a warp (else
/// null); the scale settings of the amax_to_scale and the fp8 type.
struct AxiswiseKernel {
  gpu::LaunchOp launch;
  AxiswisePlan plan;
  int64_t k;
  Value rows;
  Value input, output, scales, partials;
  FloatType dtype;
  bool pow2;
  Type target;
};

/// The kernel body of the single-read axiswise cast (AxiswisePlan with
/// chunks > 0): `plan.rowThreads` threads per row load their chunks (8
/// elements each, 16-byte loads; chunk c of thread t at columns
/// 8 (c T + t), so that the row group's loads are contiguous) into
/// registers, reduce the amax in the warp and, for groups larger than a
/// warp, across its warps through `partials` in shared memory; compute the
/// scale, then scale, saturate and convert the registers. Rows past `rows`
/// read the last row and store nothing (every thread reaches the barrier).
class AxiswiseRowsInRegisters {
public:
  AxiswiseRowsInRegisters(OpBuilder &b, Location loc,
                          const AxiswiseKernel &kernel)
      : b(b), loc(loc), kernel(kernel), launch(kernel.launch),
        rowThreads(kernel.plan.rowThreads) {}

  /// Emits the body at `b`'s insertion point.
  void emit();

private:
  Value idx(int64_t v) { return cIdx(b, loc, v); }
  Value ult(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y)
        .getResult();
  }
  /// Chunk c's first column.
  Value column(int64_t c) {
    return arith::MulIOp::create(
               b, loc, arith::AddIOp::create(b, loc, idx(c * rowThreads), t),
               idx(8))
        .getResult();
  }
  /// Whether chunk c can be outside the row (only the last chunk can).
  bool mayBeOutside(int64_t c) const {
    return (c + 1) * rowThreads * 8 > kernel.k;
  }
  /// Chunk c of row `safeRow`; zeros outside the row, which leave the amax
  /// alone.
  Value loadChunk(int64_t c, Value safeRow);
  /// The maximum of the warps' amaxes `warpAmax` of each row, through
  /// shared memory.
  Value combineWarps(Value warpAmax, Value zero);
  /// The row's scale (stored by its first thread) and its chunks `values`,
  /// scaled, saturated and converted.
  void storeRow(ArrayRef<SmallVector<Value>> values, Value scale);

  OpBuilder &b;
  Location loc;
  const AxiswiseKernel &kernel;
  gpu::LaunchOp launch;
  int64_t rowThreads;
  /// The thread's row in the workgroup, its index in the row group and its
  /// row.
  Value rowInBlock, t, row;
};
} // namespace

void AxiswiseRowsInRegisters::emit() {
  Value tid = launch.getThreadIds().x;
  rowInBlock = arith::DivUIOp::create(b, loc, tid, idx(rowThreads));
  t = arith::RemUIOp::create(b, loc, tid, idx(rowThreads));
  row = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, launch.getBlockIds().x,
                            idx(kAxiswiseBlock / rowThreads)),
      rowInBlock);
  Value rowOk = ult(row, kernel.rows);
  // rows > 0 for the whole workgroup (the kernel is launched once even for
  // an empty input).
  emitIf(b, loc, ult(idx(0), kernel.rows), [&] {
    Value safeRow = arith::MinUIOp::create(
        b, loc, row, arith::SubIOp::create(b, loc, kernel.rows, idx(1)));
    SmallVector<SmallVector<Value>> values;
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    Value amax = zero;
    for (int64_t c = 0; c < kernel.plan.chunks; ++c) {
      values.push_back(widenElements(b, loc, loadChunk(c, safeRow)));
      amax = foldAbsMax(b, loc, amax, values.back());
    }
    Value rowAmax = gpu::SubgroupReduceOp::create(
        b, loc, amax, gpu::AllReduceOperation::MAXIMUMF, /*uniform=*/true);
    if (rowThreads > 32)
      rowAmax = combineWarps(rowAmax, zero);
    Value scale = buildAmaxToScale(b, loc, rowAmax, kernel.dtype, kernel.pow2);
    emitIf(b, loc, rowOk, [&] { storeRow(values, scale); });
  });
}

Value AxiswiseRowsInRegisters::loadChunk(int64_t c, Value safeRow) {
  Value col = column(c);
  auto load = [&] {
    return loadVector(b, loc, 8, kernel.input, ValueRange{safeRow, col});
  };
  if (!mayBeOutside(c))
    return load();
  Type elementType = cast<MemRefType>(kernel.input.getType()).getElementType();
  auto vectorType = VectorType::get({8}, elementType);
  auto ifOp = scf::IfOp::create(
      b, loc, ult(col, idx(kernel.k)),
      [&](OpBuilder &, Location) { scf::YieldOp::create(b, loc, load()); },
      [&](OpBuilder &, Location) {
        scf::YieldOp::create(
            b, loc,
            arith::ConstantOp::create(
                b, loc,
                DenseElementsAttr::get(vectorType,
                                       b.getFloatAttr(elementType, 0.0)))
                .getResult());
      });
  return ifOp.getResult(0);
}

Value AxiswiseRowsInRegisters::combineWarps(Value warpAmax, Value zero) {
  Value tid = launch.getThreadIds().x;
  Value lane = arith::RemUIOp::create(b, loc, tid, idx(32));
  Value warpInRow = arith::DivUIOp::create(b, loc, t, idx(32));
  emitIf(b, loc,
         arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, idx(0)),
         [&] {
           memref::StoreOp::create(b, loc, warpAmax, kernel.partials,
                                   ValueRange{rowInBlock, warpInRow});
         });
  gpu::BarrierOp::create(b, loc);
  Value rowAmax = zero;
  for (int64_t w = 0; w < rowThreads / 32; ++w)
    rowAmax = arith::MaximumFOp::create(
        b, loc, rowAmax,
        memref::LoadOp::create(b, loc, kernel.partials,
                               ValueRange{rowInBlock, idx(w)}));
  return rowAmax;
}

void AxiswiseRowsInRegisters::storeRow(ArrayRef<SmallVector<Value>> values,
                                       Value scale) {
  emitIf(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, t, idx(0)), [&] {
        memref::StoreOp::create(b, loc, scale, kernel.scales, ValueRange{row});
      });
  SaturationBounds bounds =
      buildSaturationBounds(b, loc, cast<FloatType>(kernel.target));
  for (int64_t c = 0; c < kernel.plan.chunks; ++c) {
    Value col = column(c);
    auto store = [&] {
      SmallVector<Value> scaled;
      for (Value value : values[c])
        scaled.push_back(buildSaturate(
            b, loc, arith::MulFOp::create(b, loc, value, scale), bounds));
      vector::StoreOp::create(b, loc,
                              convertEight(b, loc, scaled, kernel.target),
                              kernel.output, ValueRange{row, col},
                              /*nontemporal=*/false, llvm::MaybeAlign(8));
    };
    if (!mayBeOutside(c))
      store();
    else
      emitIf(b, loc, ult(col, idx(kernel.k)), store);
  }
}

/// The kernel body of the axiswise cast for rows too long for registers
/// (AxiswisePlan with chunks == 0): a warp per row reduces the row's amax
/// with 16-byte loads and a shuffle reduction, computes and writes the
/// scale, then reads the row again (from L2) to scale, saturate and convert
/// eight elements per thread (16-byte loads, 8-byte stores).
static void emitAxiswiseRowsTwice(OpBuilder &b, Location loc,
                                  const AxiswiseKernel &kernel) {
  gpu::LaunchOp launch = kernel.launch;
  Value tid = launch.getThreadIds().x;
  Value lane = arith::RemUIOp::create(b, loc, tid, cIdx(b, loc, 32));
  Value row = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, launch.getBlockIds().x,
                            cIdx(b, loc, kAxiswiseRowsPerBlock)),
      arith::DivUIOp::create(b, loc, tid, cIdx(b, loc, 32)));
  // The condition is the same for the 32 lanes of a warp, so the
  // shuffle reduction below runs with the whole warp.
  Value rowOk = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row,
                                      kernel.rows);
  scf::IfOp::create(b, loc, rowOk, [&](OpBuilder &, Location) {
    Value first = arith::MulIOp::create(b, loc, lane, cIdx(b, loc, 8));
    Value end = cIdx(b, loc, kernel.k);
    Value step = cIdx(b, loc, 32 * 8);
    auto load8 = [&](Value column) {
      return widenElements(
          b, loc, loadVector(b, loc, 8, kernel.input, ValueRange{row, column}));
    };
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    auto amaxLoop = scf::ForOp::create(
        b, loc, first, end, step, ValueRange{zero},
        [&](OpBuilder &, Location, Value column, ValueRange acc) {
          scf::YieldOp::create(b, loc,
                               foldAbsMax(b, loc, acc[0], load8(column)));
        });
    Value rowAmax = gpu::SubgroupReduceOp::create(
        b, loc, amaxLoop.getResult(0), gpu::AllReduceOperation::MAXIMUMF,
        /*uniform=*/true);
    Value scale = buildAmaxToScale(b, loc, rowAmax, kernel.dtype, kernel.pow2);
    Value isFirst = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                          lane, cIdx(b, loc, 0));
    scf::IfOp::create(b, loc, isFirst, [&](OpBuilder &, Location) {
      memref::StoreOp::create(b, loc, scale, kernel.scales, ValueRange{row});
      scf::YieldOp::create(b, loc);
    });
    SaturationBounds bounds =
        buildSaturationBounds(b, loc, cast<FloatType>(kernel.target));
    scf::ForOp::create(
        b, loc, first, end, step, ValueRange{},
        [&](OpBuilder &, Location, Value column, ValueRange) {
          SmallVector<Value> scaled;
          for (Value value : load8(column))
            scaled.push_back(buildSaturate(
                b, loc, arith::MulFOp::create(b, loc, value, scale), bounds));
          vector::StoreOp::create(b, loc,
                                  convertEight(b, loc, scaled, kernel.target),
                                  kernel.output, ValueRange{row, column},
                                  /*nontemporal=*/false, llvm::MaybeAlign(8));
          scf::YieldOp::create(b, loc);
        });
    scf::YieldOp::create(b, loc);
  });
}

/// The per-row `scales` in the keep-dim shape of `toScale`'s result (the
/// input's `sizes`, 1 along the innermost dimension).
static Value expandRowScales(PatternRewriter &rewriter, Location loc,
                             AmaxToScaleOp toScale, Value scales,
                             ArrayRef<Value> sizes) {
  RankedTensorType scaleType = toScale.getResult().getType();
  int64_t rank = scaleType.getRank();
  SmallVector<OpFoldResult> scaleSizes;
  for (int64_t dim = 0; dim < rank; ++dim)
    scaleSizes.push_back(
        dim == rank - 1 ? OpFoldResult(rewriter.getIndexAttr(1))
        : scaleType.isDynamicDim(dim)
            ? OpFoldResult(sizes[dim])
            : OpFoldResult(rewriter.getIndexAttr(scaleType.getDimSize(dim))));
  return expandFlat(rewriter, loc, toTensor(rewriter, loc, scales), scaleType,
                    scaleSizes);
}

/// fp8.cast(x, amax_to_scale(amax(x) along the innermost dim)) as one
/// kernel (torchao's axiswise/rowwise operands, CastStrategy::FusedAxiswise).
/// Rows that fit in the registers of a group of at most 256 threads
/// (chooseAxiswisePlan: up to 16384 bf16 elements) are read once, into
/// registers (AxiswiseRowsInRegisters); longer rows twice, a warp per row
/// (emitAxiswiseRowsTwice). Either way the scale is SPEC section 1's (the
/// same f64 arithmetic as amax_to_scale) and the small scale kernels go
/// away.
static void emitAxiswiseCast(PatternRewriter &rewriter, CastOp op,
                             AmaxOp amax) {
  auto toScale = op.getScale().getDefiningOp<AmaxToScaleOp>();
  RankedTensorType inputType = op.getInput().getType();
  int64_t rank = inputType.getRank();
  AxiswiseKernel kernel;
  kernel.k = inputType.getDimSize(rank - 1);
  kernel.target = op.getResult().getType().getElementType();
  kernel.dtype = cast<FloatType>(toScale.getDtype());
  kernel.pow2 = toScale.getRoundToPowerOf_2();

  Location loc = op.getLoc();
  SmallVector<Value> sizes = getSizes(rewriter, loc, op.getInput());
  kernel.rows = product(rewriter, loc, ArrayRef<Value>(sizes).drop_back());
  int64_t staticRows = 1;
  for (int64_t size : inputType.getShape().drop_back())
    staticRows =
        ShapedType::isDynamic(size) || ShapedType::isDynamic(staticRows)
            ? ShapedType::kDynamic
            : staticRows * size;
  SmallVector<ReassociationIndices> toRows{
      llvm::to_vector(llvm::seq<int64_t>(0, rank - 1)), {rank - 1}};

  kernel.input = memref::CollapseShapeOp::create(
      rewriter, loc, toBuffer(rewriter, loc, op.getInput()), toRows);
  Value output =
      allocBuffer(rewriter, loc, inputType.getShape(), sizes, kernel.target);
  kernel.output =
      memref::CollapseShapeOp::create(rewriter, loc, output, toRows);
  kernel.scales = allocBuffer(rewriter, loc, {staticRows}, {kernel.rows},
                              rewriter.getF32Type());
  kernel.plan = chooseAxiswisePlan(
      kernel.k, inputType.getElementType().getIntOrFloatBitWidth() / 8);
  AxiswisePlan plan = kernel.plan;
  int64_t rowsPerBlock =
      plan.chunks ? kAxiswiseBlock / plan.rowThreads : kAxiswiseRowsPerBlock;
  Value blocks = arith::CeilDivUIOp::create(rewriter, loc, kernel.rows,
                                            cIdx(rewriter, loc, rowsPerBlock));
  blocks =
      arith::MaxUIOp::create(rewriter, loc, blocks, cIdx(rewriter, loc, 1));
  Value one = cIdx(rewriter, loc, 1);
  SmallVector<Type> workgroupMemory;
  if (plan.chunks && plan.rowThreads > 32)
    workgroupMemory.push_back(MemRefType::get(
        {rowsPerBlock, plan.rowThreads / 32}, rewriter.getF32Type(), nullptr,
        gpu::AddressSpaceAttr::get(
            rewriter.getContext(),
            gpu::GPUDialect::getWorkgroupAddressSpace())));
  kernel.launch = createKernel(
      rewriter, loc, "fp8_cast_axiswise", blocks, one, one,
      cIdx(rewriter, loc,
           plan.chunks ? kAxiswiseBlock : 32 * kAxiswiseRowsPerBlock),
      /*dynamicSharedMemory=*/nullptr, workgroupMemory);
  if (!workgroupMemory.empty())
    kernel.partials = kernel.launch.getWorkgroupAttributions()[0];
  {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(&kernel.launch.getBody().front());
    if (plan.chunks)
      AxiswiseRowsInRegisters(rewriter, loc, kernel).emit();
    else
      emitAxiswiseRowsTwice(rewriter, loc, kernel);
    gpu::TerminatorOp::create(rewriter, loc);
  }

  Value scaleTensor =
      expandRowScales(rewriter, loc, toScale, kernel.scales, sizes);
  rewriter.replaceOp(op, toTensor(rewriter, loc, output));
  replaceAbsorbedScale(rewriter, toScale, scaleTensor, amax);
}

/// fp8.cast(x, amax_to_scale(amax(x))) for a whole-tensor amax as two
/// kernels (two passes over x): the amax kernel, then the cast kernel, in
/// which every thread computes the scale from the amax bits (SPEC section
/// 1) and the first one writes it for the GEMM. The amax_to_scale kernel
/// and the one turning the bits into f32 go away.
static void emitTensorwiseCast(PatternRewriter &rewriter, CastOp op,
                               AmaxOp amax) {
  auto toScale = op.getScale().getDefiningOp<AmaxToScaleOp>();
  Location loc = op.getLoc();
  AmaxKernel kernel = emitAmaxKernel(rewriter, amax);
  Value scale = memref::AllocOp::create(
      rewriter, loc, MemRefType::get({}, rewriter.getF32Type()));
  Value output = emitPairCast(rewriter, op, /*transposed=*/false, kernel.bits,
                              toScale, scale);
  rewriter.replaceOp(op, toTensor(rewriter, loc, output));
  replaceAbsorbedScale(rewriter, toScale, toTensor(rewriter, loc, scale), amax);
}

namespace {
/// A cast that computes its own amax and scale (CastStrategy::FusedAxiswise
/// and FusedTensorwise): the fused kernels above.
struct FusedCastToNVVM : public OpRewritePattern<CastOp> {
  FusedCastToNVVM(MLIRContext *context, const CastPlan &plan)
      : OpRewritePattern<CastOp>(context, /*benefit=*/2), plan(plan) {}

  LogicalResult matchAndRewrite(CastOp op,
                                PatternRewriter &rewriter) const override {
    CastStrategy strategy = plan.getStrategy(op);
    if (strategy == CastStrategy::FusedAxiswise)
      emitAxiswiseCast(rewriter, op, plan.getAbsorbedAmax(op));
    else if (strategy == CastStrategy::FusedTensorwise)
      emitTensorwiseCast(rewriter, op, plan.getAbsorbedAmax(op));
    else
      return rewriter.notifyMatchFailure(op, "not planned as a fused cast");
    return success();
  }

private:
  const CastPlan &plan;
};
} // namespace

void mlir::fp8::detail::populateFusedCastToNVVMPatterns(
    RewritePatternSet &patterns, const CastPlan &plan) {
  patterns.add<FusedCastToNVVM>(patterns.getContext(), plan);
}
