//===- CastPlan.cpp - which kernel casts each fp8.cast --------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The decisions that span several ops: which casts a GEMM kernel emits
// itself (transposed, K-major), which are written in both layouts, and which
// amax a cast kernel absorbs.
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

namespace mlir::fp8::detail {

/// Whether `op` converts to a type NVIDIA GPUs convert in hardware.
bool hasNVVMConversion(CastOp op) {
  return isa<Float8E4M3FNType, Float8E5M2Type>(
      op.getResult().getType().getElementType());
}

/// Whether `op` is the rhs (K x N) of exactly one unbatched, not emulated
/// fp8.scaled_matmul: the matmul kernel then asks for it transposed (N x K,
/// K-major, what the tensor cores read) and emits the cast itself.
bool isTransposableGemmRhs(CastOp op) {
  if (!hasNVVMConversion(op) || op.getInput().getType().getRank() != 2 ||
      !op.getResult().hasOneUse())
    return false;
  OpOperand &use = *op.getResult().getUses().begin();
  auto matmul = dyn_cast<ScaledMatmulOp>(use.getOwner());
  return matmul && use.get() == matmul.getRhs() &&
         use.getOperandNumber() == 1 && matmul.getNumBatchDims() == 0 &&
         !matmul.getEmulate();
}

/// Whether `use` reads its value as the B operand (K x N) of an unbatched,
/// not emulated fp8.scaled_matmul: NVIDIA's GEMM kernels read B K-major
/// (N x K), what the tensor cores take.
bool isKMajorRhsUse(OpOperand &use) {
  auto matmul = dyn_cast<ScaledMatmulOp>(use.getOwner());
  return matmul && use.getOperandNumber() == 1 &&
         matmul.getNumBatchDims() == 0 && !matmul.getEmulate();
}

/// Whether `op` swaps the two dimensions of a tensor of rank 2.
bool isMatrixTranspose(linalg::TransposeOp op) {
  return op.hasPureTensorSemantics() &&
         op.getPermutation() == ArrayRef<int64_t>{1, 0};
}

/// The N x K (K-major) fp8 tensor whose transpose `op` multiplies as B, when
/// B is a linalg.transpose of one (x @ W^T with W stored N x K, or a cast
/// with both layouts, DualLayoutCastToNVVM): the GEMM kernels read it as it
/// is.
Value getKMajorRhs(ScaledMatmulOp op) {
  if (!isKMajorRhsUse(op->getOpOperand(1)))
    return nullptr;
  auto transpose = op.getRhs().getDefiningOp<linalg::TransposeOp>();
  return transpose && isMatrixTranspose(transpose) ? transpose.getInput()
                                                   : nullptr;
}

CastUses classifyCastUses(CastOp op) {
  CastUses uses;
  for (OpOperand &use : op.getResult().getUses()) {
    if (isKMajorRhsUse(use)) {
      uses.kMajorRhs.push_back(&use);
      continue;
    }
    auto transpose = dyn_cast<linalg::TransposeOp>(use.getOwner());
    if (transpose && isMatrixTranspose(transpose) &&
        !llvm::all_of(transpose->getResult(0).getUses(), isKMajorRhsUse)) {
      uses.transposes.push_back(transpose);
      continue;
    }
    uses.plain = true;
  }
  return uses;
}

/// Whether emitTransposedCast casts the K x N `op` with the tiled kernel
/// (K and N static multiples of kTransposeTile).
bool hasTiledTranspose(CastOp op) {
  RankedTensorType type = op.getInput().getType();
  return type.hasStaticShape() && type.getDimSize(0) % kTransposeTile == 0 &&
         type.getDimSize(1) % kTransposeTile == 0;
}

/// Whether DualLayoutCastToNVVM casts `op`: a 2-D cast that some use reads
/// transposed (hasTiledTranspose) and that is not the sole B operand of one
/// GEMM (which casts it itself, isTransposableGemmRhs).
bool hasDualLayoutCast(CastOp op) {
  if (!hasNVVMConversion(op) || op.getInput().getType().getRank() != 2 ||
      !hasTiledTranspose(op) || isTransposableGemmRhs(op))
    return false;
  CastUses uses = classifyCastUses(op);
  return !uses.kMajorRhs.empty() || !uses.transposes.empty();
}

/// The amax of `op`'s input when `op` casts with amax_to_scale of it and
/// that amax has no other use.
AmaxOp getSoleAmax(CastOp op) {
  auto toScale = op.getScale().getDefiningOp<AmaxToScaleOp>();
  auto amax = toScale ? toScale.getAmax().getDefiningOp<AmaxOp>() : nullptr;
  if (!amax || amax.getInput() != op.getInput() ||
      !amax.getResult().hasOneUse())
    return nullptr;
  return amax;
}

/// getSoleAmax for a cast that is not left to a GEMM: such a cast may
/// compute its amax and scale itself (FusedCastToNVVM).
AmaxOp getOwnAmax(CastOp op) {
  if (!hasNVVMConversion(op) || isTransposableGemmRhs(op) ||
      hasDualLayoutCast(op))
    return nullptr;
  return getSoleAmax(op);
}

/// Whether `amax` reduces along the innermost dimension, static and a
/// multiple of 8, of a bf16/f16/f32 tensor of rank >= 2: its cast is then
/// one kernel, a warp per row.
bool isFusableAxiswise(AmaxOp amax) {
  RankedTensorType inputType = amax.getInput().getType();
  int64_t rank = inputType.getRank();
  if (rank < 2 ||
      !isa<BFloat16Type, Float16Type, Float32Type>(inputType.getElementType()))
    return false;
  int64_t k = inputType.getDimSize(rank - 1);
  return !ShapedType::isDynamic(k) && k % 8 == 0 &&
         amax.getReductionDims() == SmallVector<int64_t>{rank - 1};
}

/// Whether `amax` reduces a whole (non-scalar) tensor: its cast is then the
/// amax kernel and a cast kernel that computes the scale.
bool isFusableTensorwise(AmaxOp amax) {
  return amax.getInput().getType().getRank() > 0 &&
         amax.getResult().getType().getRank() == 0;
}

/// The amax whose kernel `op`'s fused kernels take over, or null.
AmaxOp getFusedAmax(CastOp op) {
  AmaxOp amax = getOwnAmax(op);
  return amax && (isFusableAxiswise(amax) || isFusableTensorwise(amax))
             ? amax
             : nullptr;
}

/// The whole-tensor amax of a GEMM's rhs cast, or of a cast with both
/// layouts, that the tiled transposing kernel takes over (it computes the
/// scale from the amax, like the tensorwise fused cast), or null.
AmaxOp getTransposedFusedAmax(CastOp op) {
  if (!(isTransposableGemmRhs(op) || hasDualLayoutCast(op)) ||
      !hasTiledTranspose(op))
    return nullptr;
  AmaxOp amax = getSoleAmax(op);
  return amax && isFusableTensorwise(amax) ? amax : nullptr;
}

/// Whether a cast takes `op` into its fused kernels.
bool isFusedIntoCast(AmaxOp op) {
  for (Operation *scaleUser : op.getResult().getUsers())
    for (Operation *user : scaleUser->getUsers())
      if (auto cast = dyn_cast<CastOp>(user))
        if (getFusedAmax(cast) == op || getTransposedFusedAmax(cast) == op)
          return true;
  return false;
}

} // namespace mlir::fp8::detail
