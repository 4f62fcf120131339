//===- FP8ToGPU.cpp - fp8 ops to GPU kernels ------------------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The two fp8 ops that need more than an elementwise loop get kernels of
// their own: amax (a reduction) and scaled_matmul (matrix cores); casts get
// hardware-conversion kernels on NVIDIA. They are emitted as gpu.launch on
// buffers of the tensor operands (bufferization.to_buffer / to_tensor), so
// the rest of the pipeline stays on tensors until one-shot bufferization.
// The kernel families live in their own files (FP8ToGPUInternals.h); this
// file is the pass and the public populate function.
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/FP8ToGPU/FP8ToGPU.h"
#include "FP8ToGPUInternals.h"
#include "KernelOutliner.h"
#include "fp8/Support/GpuTarget.h"

// The pass's dependent dialects: everything the kernel families create.
#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
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
#include "mlir/Rewrite/PatternApplicator.h"

namespace mlir {
namespace fp8 {
#define GEN_PASS_DEF_FP8LOWERTOGPU
#include "fp8/Conversion/Passes.h.inc"
} // namespace fp8
} // namespace mlir

using namespace mlir;
using namespace mlir::fp8;
using namespace mlir::fp8::detail;

/// Whether `target`'s matrix cores take operands of `type`: the OCP fp8
/// types on NVIDIA and gfx950, the fnuz ones on MI300 (gfx942).
static bool hasMatrixCoreType(const GpuTarget &target, Type type) {
  if (isa<Float8E4M3FNUZType, Float8E5M2FNUZType>(type))
    return target.usesFnuzFp8();
  return isa<Float8E4M3FNType, Float8E5M2Type>(type) && target.hasOcpFp8();
}

/// An error on every scaled matmul (not emulated) whose fp8 types the
/// chip's matrix cores do not take; the kernels would otherwise fail late
/// (an LLVM translation error or an instruction the chip lacks).
static LogicalResult checkMatrixCoreTypes(Operation *root,
                                          const GpuTarget &target) {
  WalkResult result = root->walk([&](ScaledMatmulOp op) {
    if (op.getEmulate())
      return WalkResult::advance();
    for (Value operand : {op.getLhs(), op.getRhs()}) {
      Type type = getElementTypeOrSelf(operand.getType());
      if (hasMatrixCoreType(target, type))
        continue;
      op.emitOpError() << "has " << type << " operands, which " << target.getChip()
                       << "'s matrix cores do not take (they take "
                       << (target.usesFnuzFp8()
                               ? "f8E4M3FNUZ and f8E5M2FNUZ: type-config=fnuz"
                               : "f8E4M3FN and f8E5M2: type-config=ocp")
                       << "); or emulate the matmul (emulate = true)";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

namespace {
/// Records the ops a rewrite erases.
struct ErasedOps : public RewriterBase::Listener {
  void notifyOperationErased(Operation *op) override { erased.insert(op); }
  DenseSet<Operation *> erased;
};
} // namespace

/// Applies `patterns` once to every op under `root` in program order (as
/// walkAndApplyPatterns, whose walk must not have the op after the visited
/// one erased), skipping the ops a rewrite erased before they were reached:
/// a cast's kernel replaces the transposes that read it, which may follow
/// it directly. New ops are not visited.
static void applyInProgramOrder(Operation *root,
                                const FrozenRewritePatternSet &patterns) {
  SmallVector<Operation *> ops;
  for (Region &region : root->getRegions())
    region.walk([&](Operation *op) { ops.push_back(op); });
  ErasedOps listener;
  PatternRewriter rewriter(root->getContext());
  rewriter.setListener(&listener);
  PatternApplicator applicator(patterns);
  applicator.applyDefaultCostModel();
  for (Operation *op : ops) {
    if (listener.erased.contains(op))
      continue;
    rewriter.setInsertionPoint(op);
    (void)applicator.matchAndRewrite(op, rewriter);
  }
}

namespace {
struct FP8LowerToGPUPass
    : public fp8::impl::FP8LowerToGPUBase<FP8LowerToGPUPass> {
  using Base::Base;

  void runOnOperation() override {
    FailureOr<GpuTarget> target = GpuTarget::parseSupported(
        chip, "fp8-lower-to-gpu", [&] { return getOperation()->emitError(); });
    if (failed(target) || failed(checkMatrixCoreTypes(getOperation(), *target)))
      return signalPassFailure();
    // Decided once, on the IR as it is: the patterns below rewrite it.
    CastPlan plan(getOperation(), *target);
    RewritePatternSet patterns(&getContext());
    ModuleOp module = getOperation();
    std::optional<KernelOutliner> outliner;
    std::optional<KernelCache> cache;
    if (outlineKernels) {
      outliner.emplace(module);
      cache.emplace(*outliner, checkKernelCache);
    }
    fp8::detail::populateFP8ToGPUPatterns(
        patterns, *target, plan, FP8ToGPUOptions{gemmSchedule, smCount},
        cache ? &*cache : nullptr);
    applyInProgramOrder(getOperation(), std::move(patterns));
    if (cache && cache->hasFailed())
      return signalPassFailure();
    if (outliner && failed(outliner->outlineAll()))
      return signalPassFailure();
  }
};
} // namespace

bool fp8::populateFP8ToGPUPatterns(RewritePatternSet &patterns,
                                   const GpuTarget &target,
                                   const CastPlan &plan,
                                   const FP8ToGPUOptions &options) {
  return fp8::detail::populateFP8ToGPUPatterns(patterns, target, plan, options,
                                               /*cache=*/nullptr);
}

bool fp8::detail::populateFP8ToGPUPatterns(RewritePatternSet &patterns,
                                           const GpuTarget &target,
                                           const CastPlan &plan,
                                           const FP8ToGPUOptions &options,
                                           KernelCache *cache) {
  if (!target.hasFp8MatrixCores())
    return false;
  populateAmaxToGPUPatterns(patterns, plan, cache);
  if (target.isAMD()) {
    populateScaledMatmulToMFMAPatterns(patterns);
    return true;
  }
  populateCastToNVVMPairsPatterns(patterns, plan);
  populateFusedCastToNVVMPatterns(patterns, plan);
  populateDualLayoutCastToNVVMPatterns(patterns, plan, cache);
  populateScaledMatmulToMMASyncPatterns(patterns, plan);
  if (target.hasWgmma()) {
    int64_t smCount =
        options.smCount > 0 ? options.smCount : target.getDefaultSmCount();
    populateScaledMatmulToWGMMAPatterns(patterns, plan, options.gemmSchedule,
                                        smCount, cache);
  }
  return true;
}
