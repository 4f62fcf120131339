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

/// Emits the pair-wise cast kernel of `op` (PairCast.cpp) and returns its
/// output buffer; `transposed` writes the N x K transpose of a K x N input;
/// with `amaxBits` the kernel computes the tensorwise scale itself.
Value emitPairCast(PatternRewriter &rewriter, CastOp op, bool transposed,
                   Value amaxBits = nullptr, AmaxToScaleOp toScale = nullptr,
                   Value scaleOut = nullptr);

/// The K x N -> N x K cast of `op` (TransposedCast.cpp); with `plainOutput`
/// the same kernel also writes the K x N cast.
Value emitTransposedCast(PatternRewriter &rewriter, CastOp op,
                         Value plainOutput = nullptr);

/// B of a scaled matmul in the N x K (K-major) layout the NVIDIA GEMM
/// kernels read, when it comes without a transpose kernel: a cast that the
/// GEMM lowering emits transposed itself (isTransposableGemmRhs), or the
/// N x K input of a transpose (getKMajorRhs).
struct KMajorRhs {
  CastOp cast;
  Value tensor;
  explicit operator bool() const { return cast || tensor; }
};
KMajorRhs findKMajorRhs(ScaledMatmulOp op);
/// The N x K buffer of `rhs` (found, not null).
Value emitKMajorRhs(PatternRewriter &rewriter, Location loc,
                    const KMajorRhs &rhs);
/// Replaces the GEMM `op` with `c`, then erases its B's producer when
/// nothing else reads it.
void replaceGemm(PatternRewriter &rewriter, ScaledMatmulOp op,
                 const KMajorRhs &rhs, Value c);

/// The PTX name of an 8-bit float type in mma.sync and wgmma.
StringRef getPtxName(Type type);

} // namespace mlir::fp8::detail

#endif // FP8_LIB_CONVERSION_FP8TOGPU_NVVM_NVVMINTERNALS_H
