//===- FP8ToGPU.h - fp8 ops to GPU kernels ----------------------*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef FP8_CONVERSION_FP8TOGPU_FP8TOGPU_H
#define FP8_CONVERSION_FP8TOGPU_FP8TOGPU_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
namespace fp8 {
class CastPlan;
class GpuTarget;

/// How the sm_90a GEMM kernel's two consumer warpgroups share the work.
enum class GemmSchedule {
  /// Cooperative.
  Auto,
  /// Both warpgroups compute 64-row halves of every 128 x N tile.
  Cooperative,
  /// Each warpgroup computes its own 128 x 128 tiles, the two main loops in
  /// turn (one's epilogue under the other's main loop); fast accumulation
  /// only, otherwise cooperative.
  Pingpong,
};

/// Options of the GPU kernel patterns.
struct FP8ToGPUOptions {
  GemmSchedule gemmSchedule = GemmSchedule::Auto;
  /// Multiprocessors the sm_90a tile heuristic plans for; 0: the target's
  /// default (GpuTarget::getDefaultSmCount).
  int64_t smCount = 0;
};

#define GEN_PASS_DECL_FP8LOWERTOGPU
#define GEN_PASS_DECL_FP8LOWERSUBGROUPREDUCE
#define GEN_PASS_DECL_FP8TRUNCFTONVVM
#define GEN_PASS_DECL_FP8STAGEGLOBALSFORGPU
#define GEN_PASS_DECL_FP8TILELOOPSFORGPU
#define GEN_PASS_DECL_FP8ASYNCLAUNCHES
#define GEN_PASS_DECL_FP8PLACEBUFFERSFORGPU
#define GEN_PASS_DECL_FP8OUTLINEKERNELS
#include "fp8/Conversion/Passes.h.inc"

/// Adds patterns that turn fp8.amax into a wave-level reduction kernel
/// (gpu.subgroup_reduce + atomic max), fp8.cast into hardware-conversion
/// kernels (NVIDIA) and fp8.scaled_matmul (not emulated) into a
/// matrix-core kernel for `target` (gfx942/gfx950: amdgpu.mfma 32x32x16
/// fp8/bf8; sm_89 and newer: mma.sync.m16n8k32 e4m3/e5m2; sm_90a: the
/// persistent TMA + wgmma kernel), all as gpu.launch on buffers taken from
/// the tensor operands. Which kernel casts each fp8.cast, and which amax
/// kernels the cast kernels take over, is `plan`'s (built for `target` on
/// the IR the patterns then rewrite, and outliving them). Fails (returns
/// false) for a chip without fp8 matrix cores.
bool populateFP8ToGPUPatterns(RewritePatternSet &patterns,
                              const GpuTarget &target, const CastPlan &plan,
                              const FP8ToGPUOptions &options = {});

/// Adds a pattern lowering scalar arith.truncf f32 -> f8E4M3FN/f8E5M2 to the
/// saturating hardware conversion (cvt.rn.satfinite.{e4m3,e5m2}x2.f32).
void populateFP8TruncFToNVVMPatterns(RewritePatternSet &patterns);

/// Adds a pattern that replaces, in host code (outside gpu.module), each
/// memref.get_global of a static identity-layout global with a
/// memref.alloc'ed copy, so that GPU kernels never see host-only constants.
void populateFP8StageGlobalsForGPUPatterns(RewritePatternSet &patterns);

/// Gives gpu.launch_func the memory effects upstream leaves it without: it
/// reads and writes every memref it passes to its kernel. Upstream's
/// ownership-based buffer deallocation rejects ops with unknown effects on
/// buffers; the GPU pipelines run it after kernel outlining.
void registerLaunchFuncMemoryEffects(DialectRegistry &registry);

} // namespace fp8
} // namespace mlir

#endif // FP8_CONVERSION_FP8TOGPU_FP8TOGPU_H
