//===- HopperGemm.cpp - fp8.scaled_matmul on Hopper -----------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// fp8.scaled_matmul for sm_90a: the tile-shape heuristic, and the host side
// of the kernel (runtime declarations, TMA descriptors, the persistent
// grid's launch).
//
//===----------------------------------------------------------------------===//

#include "HopperGemm.h"

#include "fp8/Runtime/RuntimeABI.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
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

/// The heuristic (docs/passes.md): n = 256 with fast accumulation (128
/// accumulators per thread), 192 without (96 accumulators and 96 promoted
/// sums), when the problem has enough such tiles to give every
/// of the `smCount` multiprocessors at least one; otherwise n = 128 (also
/// whenever M or N is dynamic). As many stages
/// as fit in shared memory, at most 8. `schedule` pingpong (fast
/// accumulation only: a warpgroup then holds 128 accumulators for a whole
/// 128 x 128 tile) forces 128 x 128 tiles.
HopperGemmShape chooseHopperGemmShape(int64_t m, int64_t n,
                                             bool fastAccum,
                                             GemmSchedule schedule,
                                             int64_t smCount,
                                             int64_t storeElementBytes) {
  HopperGemmShape shape{128, 0};
  shape.fastAccum = fastAccum;
  shape.storeElementBytes = storeElementBytes;
  // Without fast accumulation a thread holds the block's and the promoted
  // sums: 2 x blockN / 2 registers, so 192 columns at most.
  int64_t wide = fastAccum ? 256 : 192;
  if (schedule == GemmSchedule::Pingpong && fastAccum)
    shape.pingpong = true;
  else if (!ShapedType::isDynamic(m) && !ShapedType::isDynamic(n) &&
           static_cast<int64_t>(llvm::divideCeil(m, kHopperBlockM) *
                                llvm::divideCeil(n, wide)) >= smCount)
    shape.blockN = wide;
  shape.stages = std::min<int64_t>(8, (kHopperSmemBytes - shape.fixedBytes()) /
                                          (shape.stageBytes() + 16));
  return shape;
}

} // namespace mlir::fp8::detail

/// What the kernel's code depends on besides its arguments (their types
/// and constants are the cache's to add): the tile shape and schedule, and
/// the GEMM's types.
static std::string getKernelKey(ScaledMatmulOp op,
                                const HopperGemmShape &shape) {
  std::string key;
  llvm::raw_string_ostream os(key);
  os << "n" << shape.blockN << "|s" << shape.stages << "|pingpong"
     << shape.pingpong << "|fast" << shape.fastAccum << "|store"
     << shape.storeElementBytes << '|' << describeForKey(op);
  return key;
}

/// Launches the persistent kernel: one CTA per multiprocessor (as the
/// driver counts them) or per tile when there are fewer tiles. Through
/// `cache` (may be null), a kernel built before is launched as it is.
static void launchHopperKernel(PatternRewriter &rewriter, Location loc,
                               ScaledMatmulOp op, const HopperGemmShape &shape,
                               HopperGemmOperands operands,
                               KernelCache *cache) {
  operands.tilesM = arith::CeilDivUIOp::create(
      rewriter, loc, operands.m, cIdx(rewriter, loc, kHopperBlockM));
  operands.tilesN = arith::CeilDivUIOp::create(
      rewriter, loc, operands.n, cIdx(rewriter, loc, shape.blockN));
  operands.tiles = arith::MulIOp::create(rewriter, loc, operands.tilesM,
                                         operands.tilesN);
  Value sms =
      func::CallOp::create(rewriter, loc, runtime::kMultiprocessorCount,
                           TypeRange{rewriter.getIndexType()}, ValueRange{})
          .getResult(0);
  Value one = cIdx(rewriter, loc, 1);
  Value grid = arith::MaxUIOp::create(
      rewriter, loc, arith::MinUIOp::create(rewriter, loc, operands.tiles, sms),
      one);
  Value smem =
      arith::ConstantIntOp::create(rewriter, loc, shape.smemBytes(), 32);
  SmallVector<Value> args = {operands.mapA,   operands.mapB, operands.mapC,
                             operands.sa,     operands.sb,   operands.c,
                             operands.m,      operands.n,    operands.tilesM,
                             operands.tilesN, operands.tiles};
  std::string key = getKernelKey(op, shape);
  auto launch = createCachedKernel(
      rewriter, loc, cache, "fp8_scaled_matmul_wgmma", key, args, grid, one,
      one, cIdx(rewriter, loc, kHopperThreads), smem);
  if (!launch)
    return;
  {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(&launch.getBody().front());
    emitHopperKernel(rewriter, loc, launch, op, shape, operands);
    gpu::TerminatorOp::create(rewriter, loc);
  }
  cacheKernel(cache, launch, key, args);
}

namespace {
/// Lowers fp8.scaled_matmul for sm_90a to a persistent, warp-specialized
/// kernel: TMA loads A (M x K) and B (N x K, cast K-major by this kernel's
/// prologue) tiles into a multi-stage shared-memory ring guarded by full
/// and empty mbarriers; two consumer warpgroups issue wgmma.m64nNk32 on
/// 128-byte-swizzled descriptors and apply the scales in the epilogue.
/// Without fast accumulation each 128-deep K block starts from zero and is
/// added into separate f32 registers (the promotion DeepGEMM and CUTLASS
/// use: the tensor cores' fp8 accumulation keeps fewer bits than f32).
/// Falls back to the mma.sync kernel (lower benefit) for batched matmuls, a
/// B that is not an fp8.cast, and a K that is dynamic or not a multiple of
/// 16 (TMA needs 16-byte row strides).
struct ScaledMatmulToWGMMA : public OpRewritePattern<ScaledMatmulOp> {
  ScaledMatmulToWGMMA(MLIRContext *context, const CastPlan &plan,
                      GemmSchedule schedule, int64_t smCount,
                      KernelCache *cache)
      : OpRewritePattern<ScaledMatmulOp>(context, /*benefit=*/2), plan(plan),
        schedule(schedule), smCount(smCount), cache(cache) {}

  LogicalResult matchAndRewrite(ScaledMatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getEmulate())
      return rewriter.notifyMatchFailure(op, "emulated: no tensor cores");
    if (op.getNumBatchDims() != 0)
      return rewriter.notifyMatchFailure(op, "batched: mma.sync kernel");
    KMajorRhs kMajorRhs = findKMajorRhs(op, plan);
    if (!kMajorRhs)
      return rewriter.notifyMatchFailure(
          op, "B is neither a cast to K-major nor a transposed K-major value");
    auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
    int64_t staticK = lhsType.getDimSize(1);
    if (ShapedType::isDynamic(staticK) || staticK % 16 != 0)
      return rewriter.notifyMatchFailure(op, "K not a static multiple of 16");
    auto module = op->getParentOfType<ModuleOp>();
    if (!module)
      return rewriter.notifyMatchFailure(op, "not in a module");

    Location loc = op.getLoc();
    RankedTensorType resultType = op.getResult().getType();
    Type resultElement = resultType.getElementType();
    bool fastAccum = op.useFastAccum();
    // C goes out through TMA when its rows are a static multiple of 16
    // bytes (the tensor map's row stride).
    int64_t elementBytes = resultElement.getIntOrFloatBitWidth() / 8;
    int64_t staticN = resultType.getDimSize(1);
    int64_t storeElementBytes =
        !ShapedType::isDynamic(staticN) && (staticN * elementBytes) % 16 == 0
            ? elementBytes
            : 0;
    HopperGemmShape shape = chooseHopperGemmShape(
        lhsType.getDimSize(0), staticN, fastAccum, schedule, smCount,
        storeElementBytes);
    int64_t blockN = shape.blockN;

    // Runtime entry points (runtime/cuda): TMA descriptors and the size of
    // the persistent grid.
    Type indexType = rewriter.getIndexType(), i64 = rewriter.getI64Type();
    auto declare = [&](StringRef name, FunctionType type) {
      if (module.lookupSymbol(name))
        return;
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToEnd(module.getBody());
      auto func = func::FuncOp::create(rewriter, loc, name, type);
      func.setPrivate();
    };
    declare(runtime::kTensorMap2D,
            rewriter.getFunctionType(SmallVector<Type>(6, indexType), {i64}));
    declare(runtime::kMultiprocessorCount,
            rewriter.getFunctionType({}, {indexType}));

    Value a = toBuffer(rewriter, loc, op.getLhs());
    Value bt = emitKMajorRhs(rewriter, loc, kMajorRhs, cache);
    Value sa = toBuffer(rewriter, loc, op.getLhsScale());
    Value sb = toBuffer(rewriter, loc, op.getRhsScale());
    Value m = getSizes(rewriter, loc, a)[0];
    Value n = getSizes(rewriter, loc, bt)[0];
    Value k = cIdx(rewriter, loc, staticK);
    Value c = allocBuffer(rewriter, loc, resultType.getShape(), {m, n},
                          resultElement);
    auto tensorMap = [&](Value buffer, Value rows, Value cols, int64_t boxRows,
                         int64_t boxCols, int64_t bytes) {
      Value base =
          memref::ExtractAlignedPointerAsIndexOp::create(rewriter, loc, buffer);
      return func::CallOp::create(
                 rewriter, loc, runtime::kTensorMap2D, TypeRange{i64},
                 ValueRange{base, rows, cols, cIdx(rewriter, loc, boxRows),
                            cIdx(rewriter, loc, boxCols),
                            cIdx(rewriter, loc, bytes)})
          .getResult(0);
    };
    Value mapA = tensorMap(a, m, k, kHopperBlockM, kHopperBlockK, 1);
    Value mapB = tensorMap(bt, n, k, blockN, kHopperBlockK, 1);
    // The epilogue's boxes: 64 rows of one 128-byte swizzle row each.
    Value mapC =
        storeElementBytes
            ? tensorMap(c, m, n, 64, 128 / storeElementBytes, storeElementBytes)
            : Value();
    HopperGemmOperands operands{mapA, mapB, mapC, sa, sb, c, m, n,
                                /*tilesM=*/{}, /*tilesN=*/{}, /*tiles=*/{}};
    launchHopperKernel(rewriter, loc, op, shape, operands, cache);
    replaceGemm(rewriter, op, kMajorRhs, c);
    return success();
  }

private:
  /// The casts' strategies: which B this kernel casts itself.
  const CastPlan &plan;
  GemmSchedule schedule;
  int64_t smCount;
  /// The kernels built so far, when they are outlined (null otherwise).
  KernelCache *cache;
};
} // namespace

void mlir::fp8::detail::populateScaledMatmulToWGMMAPatterns(
    RewritePatternSet &patterns, const CastPlan &plan, GemmSchedule schedule,
    int64_t smCount, KernelCache *cache) {
  patterns.add<ScaledMatmulToWGMMA>(patterns.getContext(), plan, schedule,
                                    smCount, cache);
}
