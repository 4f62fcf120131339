//===- FP8ToGPUInternals.h - shared pieces of the GPU lowering --*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Private to lib/Conversion/FP8ToGPU: the kernel-building helpers every
// kernel family uses (KernelBuilder.cpp), the rules of the cast plan
// (CastPlan.cpp; the plan itself is fp8/Conversion/FP8ToGPU/CastPlan.h), the
// amax kernel (Amax.cpp), what the GEMM kernels share (GemmCommon.cpp), and
// the populate function of each kernel family. The public entry point is
// fp8/Conversion/FP8ToGPU/FP8ToGPU.h. Nothing here includes NVVM or AMDGPU
// headers: target code lives in NVVM/ and AMDGPU/.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_LIB_CONVERSION_FP8TOGPU_FP8TOGPUINTERNALS_H
#define FP8_LIB_CONVERSION_FP8TOGPU_FP8TOGPUINTERNALS_H

#include "fp8/Conversion/FP8ToGPU/CastPlan.h"
#include "fp8/Conversion/FP8ToGPU/FP8ToGPU.h"
#include "fp8/Dialect/FP8/IR/FP8Ops.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::fp8::detail {
class KernelCache;

//===----------------------------------------------------------------------===//
// KernelBuilder.cpp
//===----------------------------------------------------------------------===//

/// An index constant.
Value cIdx(OpBuilder &b, Location loc, int64_t value);

/// A gpu.launch of `gridX x gridY x gridZ` workgroups of `blockX` threads
/// whose kernel is outlined as `name` into the gpu.module @fp8_kernels.
gpu::LaunchOp createKernel(OpBuilder &b, Location loc, StringRef name,
                           Value gridX, Value gridY, Value gridZ, Value blockX,
                           Value dynamicSharedMemory = nullptr,
                           TypeRange workgroupMemory = {});

/// createKernel through `cache` (may be null): launches the kernel built
/// before under `name`, `key` (what its code depends on besides `args`) and
/// the same kind of `args` (the host values the body reads: types,
/// constants, repeats) and returns null, or returns a new gpu.launch whose
/// body the caller emits, reading no host values but `args`, the launch's
/// sizes and constants, and then hands to cacheKernel.
gpu::LaunchOp createCachedKernel(OpBuilder &b, Location loc, KernelCache *cache,
                                 StringRef name, StringRef key, ValueRange args,
                                 Value gridX, Value gridY, Value gridZ,
                                 Value blockX,
                                 Value dynamicSharedMemory = nullptr,
                                 TypeRange workgroupMemory = {});

/// Outlines `launch` (of createCachedKernel, its body complete) and records
/// it in `cache`; nothing when `cache` is null.
void cacheKernel(KernelCache *cache, gpu::LaunchOp launch, StringRef key,
                 ValueRange args);

/// `op`'s name, operand and result types and attributes, for cache keys.
std::string describeForKey(Operation *op);

/// `index` as the row-major multi-index over `basis` (the innermost size
/// last), with remui/divui. Not affine.delinearize_index: the canonicalizer
/// folds a size that is a constant 0 (a zero-size tensor, whose kernels
/// never reach the code) into a static basis element that the op's verifier
/// rejects.
SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value index,
                               ArrayRef<Value> basis);

/// A tiled GEMM kernel `name`: one workgroup of `threads` threads per
/// `tileRows` x `tileCols` tile of the m x n C of each of `batchCount`
/// batches; column tiles on x, row tiles on y and batches on z. y and z
/// stop at 65,535 workgroups (CUDA and HIP; x at 2^31 - 1), so each
/// workgroup walks its row tiles and batches in steps of the grid size (one
/// step when they fit). `tile` emits the kernel body for one (row tile,
/// batch index); the launch is terminated.
gpu::LaunchOp
createTiledGemmKernel(OpBuilder &b, Location loc, StringRef name, Value m,
                      Value n, Value batchCount, int64_t tileRows,
                      int64_t tileCols, int64_t threads,
                      function_ref<void(gpu::LaunchOp, Value, Value)> tile);

/// The sizes of `value` (a tensor or memref) as index values.
SmallVector<Value> getSizes(OpBuilder &b, Location loc, Value value);

/// The product of index values (1 for none).
Value product(OpBuilder &b, Location loc, ArrayRef<Value> values);

/// A read-only buffer view of a tensor.
Value toBuffer(OpBuilder &b, Location loc, Value tensor);

/// A new buffer of `shape` with dynamic sizes from `sizes`.
Value allocBuffer(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  ArrayRef<Value> sizes, Type elementType);

/// The tensor of a buffer the kernel wrote (restrict, writable).
Value toTensor(OpBuilder &b, Location loc, Value buffer);

/// The rank-1 tensor `flat` reshaped to `type`, whose sizes are `sizes`: a
/// tensor.expand_shape, or with more than one dynamic size a tensor.reshape
/// (upstream's expand-strided-metadata cannot expand one dimension into
/// several dynamic ones).
Value expandFlat(OpBuilder &b, Location loc, Value flat,
                 RankedTensorType type, ArrayRef<OpFoldResult> sizes);

/// `value` as f32 (extf unless already f32).
Value widenToF32(OpBuilder &b, Location loc, Value value);

/// scf.if `condition` with `body` as its (only) region.
void emitIf(OpBuilder &b, Location loc, Value condition,
            function_ref<void()> body);

/// `count` consecutive elements of `buffer` from `indices` as one vector
/// load, aligned to its size up to 16 bytes.
Value loadVector(OpBuilder &b, Location loc, int64_t count, Value buffer,
                 ValueRange indices);

/// The elements of a 1-D vector, widened to f32.
SmallVector<Value> widenElements(OpBuilder &b, Location loc, Value vector);

/// max(`max`, |v| for v in `values`), NaN-propagating.
Value foldAbsMax(OpBuilder &b, Location loc, Value max, ArrayRef<Value> values);

/// foldAbsMax over the widened elements of a 1-D vector.
Value foldAbsMaxOfVector(OpBuilder &b, Location loc, Value max, Value vector);

//===----------------------------------------------------------------------===//
// Amax.cpp
//===----------------------------------------------------------------------===//

/// The amax kernel of emitAmaxKernel and what its caller needs: the flat
/// i32 buffer of f32 bit patterns (one per kept element) and its size.
struct AmaxKernel {
  Value bits;
  Value outputs;
  int64_t staticOutputs;
  SmallVector<Value> sizes;
};

/// Emits the reduction kernel of `op` into a zero-initialized buffer of f32
/// bits (atomic unsigned max).
AmaxKernel emitAmaxKernel(PatternRewriter &rewriter, AmaxOp op,
                          KernelCache *cache = nullptr);

/// fp8.amax as emitAmaxKernel, except those that `plan` leaves to a cast
/// kernel.
void populateAmaxToGPUPatterns(RewritePatternSet &patterns,
                               const CastPlan &plan,
                               KernelCache *cache = nullptr);

//===----------------------------------------------------------------------===//
// CastPlan.cpp
//===----------------------------------------------------------------------===//

/// Edge of the square tiles of the transposing cast kernel.
constexpr int64_t kTransposeTile = 64;

/// Whether `op` is the rhs (K x N) of exactly one unbatched, not emulated
/// fp8.scaled_matmul, whose kernel then casts it transposed itself
/// (CastStrategy::TransposedForGemm).
bool isTransposableGemmRhs(CastOp op);
/// The N x K fp8 tensor whose transpose `op` multiplies as B, or null.
Value getKMajorRhs(ScaledMatmulOp op);

/// The uses of an fp8.cast result by the layout they read.
struct CastUses {
  /// B operands of GEMMs: they want the cast transposed.
  SmallVector<OpOperand *> kMajorRhs;
  /// Transposes of the cast that are not just K-major B operands (A of
  /// grad_output^T @ input, say): replaced by the transposed cast.
  SmallVector<linalg::TransposeOp> transposes;
  /// Whether some use reads the cast as it is.
  bool plain = false;
};
CastUses classifyCastUses(CastOp op);

/// Whether the K x N `op` is cast with the tiled transposing kernel.
bool hasTiledTranspose(CastOp op);
/// The whole-tensor amax whose kernel the tiled transposing kernel of `op`
/// can take over, or null.
AmaxOp getTiledTransposeAmax(CastOp op);

//===----------------------------------------------------------------------===//
// GemmCommon.cpp
//===----------------------------------------------------------------------===//

/// Loads the scale for output (row, col): rank 0, or [b..., M|1, 1] for the
/// lhs, [b..., 1, N|1] for the rhs.
Value loadScale(OpBuilder &b, Location loc, Value scale, ValueRange batch,
                Value row, Value col);

/// C[batch, row, col] = T(acc * (1/sa) * (1/sb)).
void storeScaled(OpBuilder &b, Location l, Value acc, Value sa, Value sb,
                 Value c, ValueRange batch, Value row, Value col);

//===----------------------------------------------------------------------===//
// Kernel families (NVVM/, AMDGPU/)
//===----------------------------------------------------------------------===//

/// Casts that `plan` gives pair-wise cvt kernels (NVVM/PairCast.cpp).
void populateCastToNVVMPairsPatterns(RewritePatternSet &patterns,
                                     const CastPlan &plan);
/// Casts that compute their own amax (NVVM/FusedCast.cpp).
void populateFusedCastToNVVMPatterns(RewritePatternSet &patterns,
                                     const CastPlan &plan);
/// Casts written in both layouts (NVVM/TransposedCast.cpp).
void populateDualLayoutCastToNVVMPatterns(RewritePatternSet &patterns,
                                          const CastPlan &plan,
                                          KernelCache *cache = nullptr);
/// fp8.scaled_matmul as mma.sync.m16n8k32 (NVVM/MMASync.cpp).
void populateScaledMatmulToMMASyncPatterns(RewritePatternSet &patterns,
                                           const CastPlan &plan);
/// fp8.scaled_matmul as the TMA + wgmma kernel (NVVM/HopperGemm.cpp), its
/// tiles chosen for `smCount` multiprocessors; through `cache` (may be
/// null) when the kernels are outlined.
void populateScaledMatmulToWGMMAPatterns(RewritePatternSet &patterns,
                                         const CastPlan &plan,
                                         GemmSchedule schedule, int64_t smCount,
                                         KernelCache *cache = nullptr);

/// populateFP8ToGPUPatterns, the GEMM kernels through `cache` (may be null).
bool populateFP8ToGPUPatterns(RewritePatternSet &patterns,
                              const GpuTarget &target, const CastPlan &plan,
                              const FP8ToGPUOptions &options,
                              KernelCache *cache);
/// fp8.scaled_matmul as amdgpu.mfma (AMDGPU/MFMA.cpp).
void populateScaledMatmulToMFMAPatterns(RewritePatternSet &patterns);

} // namespace mlir::fp8::detail

#endif // FP8_LIB_CONVERSION_FP8TOGPU_FP8TOGPUINTERNALS_H
