//===- SubgroupReduce.cpp - gpu.subgroup_reduce for the target ------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// --fp8-lower-subgroup-reduce: wave reductions as shuffles (NVIDIA, AMD) or
// DPP (AMD), for the chip's wave size.
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/FP8ToGPU/FP8ToGPU.h"
#include "fp8/Support/GpuTarget.h"

#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace fp8 {
#define GEN_PASS_DEF_FP8LOWERSUBGROUPREDUCE
#include "fp8/Conversion/Passes.h.inc"
} // namespace fp8
} // namespace mlir

using namespace mlir;
using namespace mlir::fp8;

namespace {
struct FP8LowerSubgroupReducePass
    : public fp8::impl::FP8LowerSubgroupReduceBase<FP8LowerSubgroupReducePass> {
  using Base::Base;

  void runOnOperation() override {
    FailureOr<GpuTarget> target = GpuTarget::parse(chip);
    if (failed(target)) {
      getOperation()->emitError() << "unknown chip '" << chip << "'";
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    populateGpuBreakDownSubgroupReducePatterns(patterns);
    if (target->isAMD())
      populateGpuLowerSubgroupReduceToDPPPatterns(
          patterns, target->getWarpSize(), target->getChipset(),
          /*benefit=*/2);
    populateGpuLowerSubgroupReduceToShufflePatterns(patterns,
                                                    target->getWarpSize());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
