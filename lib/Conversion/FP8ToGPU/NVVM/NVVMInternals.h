//===- NVVMInternals.h - shared pieces of the NVVM kernels ------*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Private to lib/Conversion/FP8ToGPU/NVVM: what the NVIDIA cast and GEMM
// kernels share (hardware conversions, the pair and transposing casts that
// GEMM kernels emit for their B operand, K-major B operands).
//
//===----------------------------------------------------------------------===//

#ifndef FP8_LIB_CONVERSION_FP8TOGPU_NVVM_NVVMINTERNALS_H
#define FP8_LIB_CONVERSION_FP8TOGPU_NVVM_NVVMINTERNALS_H

#include "../FP8ToGPUInternals.h"
#include "fp8/Conversion/FP8ToLinalg/FP8ToLinalg.h"

namespace mlir::fp8::detail {

/// Threads per workgroup of the cast kernels.
constexpr int64_t kCastBlock = 256;

/// Two f32 values (already clamped) to fp8 with one
/// cvt.rn.satfinite.{e4m3,e5m2}x2.f32: `low` in byte 0, `high` in byte 1.
Value convertPair(OpBuilder &b, Location l, Value high, Value low, Type target);

/// Eight f32 values to a vector<8xtarget> with four pair conversions.
Value convertEight(OpBuilder &b, Location l, ArrayRef<Value> values,
                   Type target);

/// In a cast kernel fused with a whole-tensor amax: the scale of `toScale`
/// from the amax's f32 bits in `amaxBits`; the thread where `isFirst` holds
/// writes it to `scaleOut`.
Value emitFusedScale(OpBuilder &b, Location loc, Value amaxBits,
                     AmaxToScaleOp toScale, Value isFirst, Value scaleOut);

/// Replaces `toScale` with `scale`, the scale a cast kernel computed from
/// the amax it absorbed (CastPlan::getAbsorbedAmax), and erases that amax,
/// now unused. Not the pattern's root: fp8.cast has one result, so the
/// kernel's second output replaces the amax_to_scale that the GEMMs read;
/// and the walk visited the amax before the cast (it dominates it), while
/// it still had a use, and does not visit it again.
void replaceAbsorbedScale(PatternRewriter &rewriter, AmaxToScaleOp toScale,
                          Value scale, AmaxOp amax);

/// Emits the pair-wise cast kernel of `op` (PairCast.cpp) and returns its
/// output buffer; `transposed` writes the N x K transpose of a K x N input;
/// with `amaxBits` the kernel computes the tensorwise scale itself.
Value emitPairCast(PatternRewriter &rewriter, CastOp op, bool transposed,
                   Value amaxBits = nullptr, AmaxToScaleOp toScale = nullptr,
                   Value scaleOut = nullptr);

/// The K x N -> N x K cast of `op` (TransposedCast.cpp), computing the
/// scale from `amax` (absorbed, tiled kernel only) when given; with
/// `plainOutput` the same kernel also writes the K x N cast. Through
/// `cache` (may be null) the tiled kernel is built once per kind.
Value emitTransposedCast(PatternRewriter &rewriter, CastOp op, AmaxOp amax,
                         Value plainOutput = nullptr,
                         KernelCache *cache = nullptr);

/// B of a scaled matmul in the N x K (K-major) layout the NVIDIA GEMM
/// kernels read, when it comes without a transpose kernel: a cast that the
/// GEMM lowering emits transposed itself (CastStrategy::TransposedForGemm),
/// with the amax its kernel absorbs, or the N x K input of a transpose
/// (getKMajorRhs).
///
/// The GEMM patterns find it without the CastPlan: B's producer, one step
/// up, by the rules the plan applies (isTransposableGemmRhs,
/// getTiledTransposeAmax). Evaluated when the GEMM is rewritten they give
/// the plan's answer: the cast's only use is this GEMM, and its amax is
/// still there exactly when no earlier kernel absorbed it.
struct KMajorRhs {
  CastOp cast;
  AmaxOp amax;
  Value tensor;
  explicit operator bool() const { return cast || tensor; }
};
KMajorRhs findKMajorRhs(ScaledMatmulOp op, const CastPlan &plan);
/// The N x K buffer of `rhs` (found, not null); `cache` as for
/// emitTransposedCast.
Value emitKMajorRhs(PatternRewriter &rewriter, Location loc,
                    const KMajorRhs &rhs, KernelCache *cache = nullptr);
/// Replaces the GEMM `op` with `c`, then erases its B's producer when
/// nothing else reads it.
void replaceGemm(PatternRewriter &rewriter, ScaledMatmulOp op,
                 const KMajorRhs &rhs, Value c);

/// The PTX name of an 8-bit float type in mma.sync and wgmma.
StringRef getPtxName(Type type);

} // namespace mlir::fp8::detail

#endif // FP8_LIB_CONVERSION_FP8TOGPU_NVVM_NVVMINTERNALS_H
