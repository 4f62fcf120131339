//===- CastPlan.h - which kernel casts each fp8.cast ------------*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The decisions of the GPU lowering that span several ops, taken once before
// its patterns run: which kernel casts each fp8.cast (pairs, fused with its
// amax, transposed by the GEMM that reads it, both layouts at once) and
// which fp8.amax a cast kernel computes itself.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_CONVERSION_FP8TOGPU_CASTPLAN_H
#define FP8_CONVERSION_FP8TOGPU_CASTPLAN_H

#include "fp8/Dialect/FP8/IR/FP8Ops.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::fp8 {
class GpuTarget;

/// The kernel that casts an fp8.cast.
enum class CastStrategy {
  /// No cast kernel: left to --fp8-lower-to-linalg (AMD targets, FNUZ
  /// types, rank 0).
  Elementwise,
  /// The pair-wise cvt kernel (cvt.rn.satfinite.{e4m3,e5m2}x2.f32).
  Pairs,
  /// One kernel computing the amax along the innermost dimension, the
  /// scales and the cast.
  FusedAxiswise,
  /// The amax kernel, then a cast kernel that computes the scale.
  FusedTensorwise,
  /// Cast N x K (K-major) by the kernel of the GEMM whose only use, as B,
  /// it is.
  TransposedForGemm,
  /// One tiled kernel writes the N x K cast that GEMMs read transposed and,
  /// when some use reads it as it is, the K x N cast.
  DualLayout,
};

/// The kebab-case name of `strategy` ("transposed-for-gemm").
StringRef stringifyCastStrategy(CastStrategy strategy);

/// Which kernel casts each fp8.cast nested under an op, and which fp8.amax
/// each cast kernel computes itself, for a GPU target. Built by one walk over
/// the functions before the patterns of --fp8-lower-to-gpu run; the patterns
/// get it at construction and read it. It is keyed by the ops it planned:
/// the patterns create no fp8.cast or fp8.amax, so every cast or amax they
/// visit is one the plan saw.
class CastPlan {
public:
  /// Plans the casts nested under `root` for `target`.
  CastPlan(Operation *root, const GpuTarget &target);

  /// The strategy of `op` (Elementwise for a cast not under the root).
  CastStrategy getStrategy(CastOp op) const;

  /// The amax whose kernel the kernels of `op` take over (the amax of its
  /// input that only its amax_to_scale scale reads), or null.
  AmaxOp getAbsorbedAmax(CastOp op) const;

  /// Whether a cast kernel takes over the kernel of `op`.
  bool isAbsorbed(AmaxOp op) const { return absorbed.contains(op); }

private:
  /// Plans `op`, absorbing its amax if it is fused.
  void planCast(CastOp op);
  /// Plans the amax that the B operand of `op` absorbs when `op`'s kernel
  /// casts it (TransposedForGemm).
  void planGemmRhs(ScaledMatmulOp op);
  /// The amax that `op` may absorb: that of getSoleAmax, unless an earlier
  /// kernel (in the order the patterns rewrite) absorbs it.
  AmaxOp getUnabsorbedAmax(CastOp op) const;
  /// Records that the kernels of `op` compute `amax`.
  void absorb(CastOp op, AmaxOp amax);

  DenseMap<Operation *, CastStrategy> strategies;
  DenseMap<Operation *, AmaxOp> absorbedAmaxes;
  DenseSet<Operation *> absorbed;
};

} // namespace mlir::fp8

#endif // FP8_CONVERSION_FP8TOGPU_CASTPLAN_H
