//===- CastPlan.cpp - which kernel casts each fp8.cast --------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The decisions that span several ops: which casts a GEMM kernel emits
// itself (transposed, K-major), which are written in both layouts, and which
// amax a cast kernel absorbs. CastPlan takes them once, before the patterns
// run; the predicates below are its rules.
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/FP8ToGPU/CastPlan.h"
#include "FP8ToGPUInternals.h"
#include "fp8/Support/GpuTarget.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;
using namespace mlir::fp8;
using namespace mlir::fp8::detail;

/// Whether `op` converts to a type NVIDIA GPUs convert in hardware.
static bool hasNVVMConversion(CastOp op) {
  return isa<Float8E4M3FNType, Float8E5M2Type>(
      op.getResult().getType().getElementType());
}

/// Whether `use` reads its value as the B operand (K x N) of an unbatched,
/// not emulated fp8.scaled_matmul: NVIDIA's GEMM kernels read B K-major
/// (N x K), what the tensor cores take.
static bool isKMajorRhsUse(OpOperand &use) {
  auto matmul = dyn_cast<ScaledMatmulOp>(use.getOwner());
  return matmul && use.getOperandNumber() == 1 &&
         matmul.getNumBatchDims() == 0 && !matmul.getEmulate();
}

/// Whether `op` swaps the two dimensions of a tensor of rank 2.
static bool isMatrixTranspose(linalg::TransposeOp op) {
  return op.hasPureTensorSemantics() &&
         op.getPermutation() == ArrayRef<int64_t>{1, 0};
}

/// The amax of `op`'s input when `op` casts with amax_to_scale of it and
/// that amax has no other use.
static AmaxOp getSoleAmax(CastOp op) {
  auto toScale = op.getScale().getDefiningOp<AmaxToScaleOp>();
  auto amax = toScale ? toScale.getAmax().getDefiningOp<AmaxOp>() : nullptr;
  if (!amax || amax.getInput() != op.getInput() ||
      !amax.getResult().hasOneUse())
    return nullptr;
  return amax;
}

/// Whether `amax` reduces along the innermost dimension, static and a
/// multiple of 8, of a bf16/f16/f32 tensor of rank >= 2: its cast is then
/// one kernel, a warp per row. A tensor with a static size 0 is left to the
/// elementwise cast (the kernel's row view would collapse it into a static
/// 0 next to dynamic sizes, which memref.collapse_shape rejects).
static bool isFusableAxiswise(AmaxOp amax) {
  RankedTensorType inputType = amax.getInput().getType();
  int64_t rank = inputType.getRank();
  if (rank < 2 || llvm::is_contained(inputType.getShape(), 0) ||
      !isa<BFloat16Type, Float16Type, Float32Type>(inputType.getElementType()))
    return false;
  int64_t k = inputType.getDimSize(rank - 1);
  return !ShapedType::isDynamic(k) && k % 8 == 0 &&
         amax.getReductionDims() == SmallVector<int64_t>{rank - 1};
}

/// Whether `amax` reduces a whole (non-scalar) tensor: its cast is then the
/// amax kernel and a cast kernel that computes the scale.
static bool isFusableTensorwise(AmaxOp amax) {
  return amax.getInput().getType().getRank() > 0 &&
         amax.getResult().getType().getRank() == 0;
}

namespace mlir::fp8::detail {

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

/// The whole-tensor amax (getSoleAmax) whose kernel the tiled transposing
/// kernel of `op` can take over: it computes the scale from the amax, like
/// the tensorwise fused cast.
AmaxOp getTiledTransposeAmax(CastOp op) {
  if (!hasTiledTranspose(op))
    return nullptr;
  AmaxOp amax = getSoleAmax(op);
  return amax && isFusableTensorwise(amax) ? amax : nullptr;
}

} // namespace mlir::fp8::detail

/// Whether DualLayoutCastToNVVM casts `op`: a 2-D cast that some use reads
/// transposed (hasTiledTranspose) and that is not the sole B operand of one
/// GEMM (which casts it itself, isTransposableGemmRhs).
static bool hasDualLayoutCast(CastOp op) {
  if (!hasNVVMConversion(op) || op.getInput().getType().getRank() != 2 ||
      !hasTiledTranspose(op) || isTransposableGemmRhs(op))
    return false;
  CastUses uses = classifyCastUses(op);
  return !uses.kMajorRhs.empty() || !uses.transposes.empty();
}

/// The strategy of `op` on NVIDIA before its amax is considered: the
/// layouts its uses read it in.
static CastStrategy getLayoutStrategy(CastOp op) {
  if (!hasNVVMConversion(op) || op.getInput().getType().getRank() == 0)
    return CastStrategy::Elementwise;
  if (isTransposableGemmRhs(op))
    return CastStrategy::TransposedForGemm;
  if (hasDualLayoutCast(op))
    return CastStrategy::DualLayout;
  return CastStrategy::Pairs;
}

StringRef mlir::fp8::stringifyCastStrategy(CastStrategy strategy) {
  switch (strategy) {
  case CastStrategy::Elementwise:
    return "elementwise";
  case CastStrategy::Pairs:
    return "pairs";
  case CastStrategy::FusedAxiswise:
    return "fused-axiswise";
  case CastStrategy::FusedTensorwise:
    return "fused-tensorwise";
  case CastStrategy::TransposedForGemm:
    return "transposed-for-gemm";
  case CastStrategy::DualLayout:
    return "dual-layout";
  }
  llvm_unreachable("unknown CastStrategy");
}

/// The casts are planned in the order in which fp8-lower-to-gpu rewrites
/// them (a GEMM's B when the GEMM is rewritten), so that an amax that two
/// casts could absorb goes to the first kernel emitted, as the patterns
/// would see it: after that kernel, the amax_to_scale it replaced is gone.
CastPlan::CastPlan(Operation *root, const GpuTarget &target) {
  // AMD: casts and amaxes are all left to their own lowerings.
  if (!target.isNVIDIA())
    return;
  root->walk([&](Operation *op) {
    if (auto cast = dyn_cast<CastOp>(op))
      planCast(cast);
    else if (auto matmul = dyn_cast<ScaledMatmulOp>(op))
      planGemmRhs(matmul);
  });
}

void CastPlan::planCast(CastOp op) {
  CastStrategy strategy = getLayoutStrategy(op);
  if (strategy == CastStrategy::Pairs) {
    // A cast of its own, not left to a GEMM: it may compute its amax and
    // scale itself.
    if (AmaxOp amax = getUnabsorbedAmax(op)) {
      if (isFusableAxiswise(amax))
        strategy = CastStrategy::FusedAxiswise;
      else if (isFusableTensorwise(amax))
        strategy = CastStrategy::FusedTensorwise;
      if (strategy != CastStrategy::Pairs)
        absorb(op, amax);
    }
  } else if (strategy == CastStrategy::DualLayout) {
    if (AmaxOp amax = getTiledTransposeAmax(op); amax && !isAbsorbed(amax))
      absorb(op, amax);
  }
  strategies[op] = strategy;
}

void CastPlan::planGemmRhs(ScaledMatmulOp op) {
  auto rhs = op.getRhs().getDefiningOp<CastOp>();
  if (!rhs || getStrategy(rhs) != CastStrategy::TransposedForGemm)
    return;
  if (AmaxOp amax = getTiledTransposeAmax(rhs); amax && !isAbsorbed(amax))
    absorb(rhs, amax);
}

AmaxOp CastPlan::getUnabsorbedAmax(CastOp op) const {
  AmaxOp amax = getSoleAmax(op);
  return amax && !isAbsorbed(amax) ? amax : nullptr;
}

void CastPlan::absorb(CastOp op, AmaxOp amax) {
  absorbedAmaxes[op] = amax;
  absorbed.insert(amax);
}

CastStrategy CastPlan::getStrategy(CastOp op) const {
  return strategies.lookup_or(op, CastStrategy::Elementwise);
}

AmaxOp CastPlan::getAbsorbedAmax(CastOp op) const {
  return absorbedAmaxes.lookup(op);
}
