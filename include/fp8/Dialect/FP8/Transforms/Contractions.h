//===- Contractions.h - linear-layer contractions in frontend IR -*- C++
//-*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Frontends print linear-layer GEMMs in many forms: linalg.matmul with
// transposed maps, linalg.generic with a multiply-add body (JAX's
// dot_general), linalg.contract, linalg.batch_matmul whose weight is a
// broadcast 2-D tensor (torch-mlir's 3-D nn.Linear), contractions over
// several reduction dims (grad_weight over batch and sequence). This file
// recognizes them and normalizes each to the (M,K) x (K,N) product the fp8
// ops take, flattening leading activation dims as torchao does.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_DIALECT_FP8_TRANSFORMS_CONTRACTIONS_H
#define FP8_DIALECT_FP8_TRANSFORMS_CONTRACTIONS_H

#include "fp8/Dialect/FP8/IR/FP8Attrs.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

#include <vector>

namespace mlir {
namespace fp8 {

/// One input of a contraction after looking through the ops that only move
/// or widen data on its way in (transposes, broadcasts along dims the other
/// operands index, copies, arith.extf).
struct ContractionOperand {
  /// The value the float8 cast reads.
  Value source;
  /// For every dim of `source`, the contraction's loop dim it is indexed by.
  SmallVector<unsigned> loopDims;
  /// The producers looked through, outermost first.
  SmallVector<Operation *> lookedThrough;
};

/// A multiply-add contraction in linear-layer form: C[batch, M.., N..] +=
/// A[..] * B[..] summed over K.., with every loop dim classified.
struct Contraction {
  linalg::LinalgOp op;
  ContractionOperand lhs, rhs;
  /// Loop dims of each class, in the order the normalized operands
  /// flatten them: batch, M and N in the result's order, K in the lhs's.
  SmallVector<unsigned> batch, m, n, k;
  /// The static size of every loop dim (ShapedType::kDynamic if dynamic).
  SmallVector<int64_t> loopSizes;
  /// Layout of the normalized operands: A is [batch, K, M] (else [batch, M,
  /// K]), B is [batch, N, K] (else [batch, K, N]).
  bool lhsTransposed = false;
  bool rhsTransposed = false;
  /// Whether an operand's dims are in neither layout, so that normalizing
  /// copies it with a transpose.
  bool lhsNeedsTranspose = false;
  bool rhsNeedsTranspose = false;
  /// Whether the op's result is the transpose of this product (the
  /// operands were exchanged by transposeProduct).
  bool resultTransposed = false;

  /// Whether the op already is a named matmul in the form the rewrite
  /// takes directly (nothing to flatten, look through or transpose).
  bool isCanonical() const;
  /// The flattened sizes (ShapedType::kDynamic if any part is dynamic).
  int64_t flatSize(ArrayRef<unsigned> dims) const;
  /// Whether both operands contract over their leading dims (A stored
  /// K x M, B stored K x N): the token axis of a weight gradient.
  bool contractsLeadingDims() const {
    return lhsTransposed && !rhsTransposed && !lhsNeedsTranspose &&
           !rhsNeedsTranspose;
  }
};

/// The same contraction computed as C^T = B^T A^T: the operands exchange
/// places (and M and N), so that torchao's A operand of a role comes first
/// and the scaled product is rounded in torchao's order; normalization
/// transposes the result back.
Contraction transposeProduct(const Contraction &contraction);

/// What matchContraction found.
enum class ContractionMatch {
  /// A contraction in linear-layer form.
  Matched,
  /// Not a multiply-add contraction (elementwise, a reduction, a
  /// convolution, integer arithmetic): none of the rewrite's business.
  NotAContraction,
  /// A multiply-add contraction in a form the rewrite cannot normalize;
  /// `reason` says why.
  Unsupported,
};

/// Recognizes `op` as a linear-layer contraction.
ContractionMatch matchContraction(linalg::LinalgOp op, Contraction &result,
                                  std::string &reason);

/// The indexing maps of a matmul (`batchDims` 0) or batch matmul (1) whose
/// A is stored [b,] m x k (or k x m), B [b,] k x n (or n x k), C [b,] m x n.
SmallVector<AffineMap> getMatmulMaps(MLIRContext *ctx, int64_t batchDims,
                                     bool lhsTransposed, bool rhsTransposed);

/// A contraction normalized to a linalg.matmul (or, with a batch dim,
/// linalg.batch_matmul) on flattened operands.
struct NormalizedContraction {
  /// The named matmul; its result is `matmulResult`.
  linalg::LinalgOp matmul;
  /// The contraction's result in the original op's type.
  Value result;
  /// The ops created besides `matmul` (collapses, transposes, expands).
  SmallVector<Operation *> created;
};

/// Builds the normalized form of `contraction` before its op: the operands'
/// sources flattened (tensor.collapse_shape, and linalg.transpose where no
/// view suffices), a named matmul with the original init flattened, and the
/// result expanded back. Does not replace the op.
NormalizedContraction normalizeContraction(RewriterBase &rewriter,
                                           const Contraction &contraction);

//===----------------------------------------------------------------------===//
// Linear layers: selection and roles
//===----------------------------------------------------------------------===//

/// Which contractions the rewrite converts.
enum class ContractionSelection {
  /// Linear-layer GEMMs only: one operand is a weight, the op carries
  /// `fp8.config` or `fp8.role`, or it is an inferred backward GEMM.
  Linear,
  /// Every recognized contraction, activation x activation products
  /// (attention) included.
  All,
};

/// What the analysis decided for one contraction.
struct LinearLayerDecision {
  Contraction contraction;
  /// The role inferred for a contraction without `fp8.role`.
  std::optional<GemmRole> inferredRole;
  /// Whether torchao's A operand of the role (grad_output, input) is the
  /// op's rhs (JAX's grad_weight `x^T @ g`, or a weight on the left): the
  /// rewrite then computes the transposed product.
  bool swapOperands = false;
  /// Whether the selection policy converts it.
  bool selected = true;
  /// Why: the evidence for the inferred role, or the policy's reason.
  std::string roleReason, selectionReason;
};

/// Decides the role (for contractions without `fp8.role`) and whether the
/// policy converts each of `contractions`, all in the same module. Roles
/// come from the dataflow between contractions of a function: the weight
/// shared by the output and the grad_input GEMM, the gradient shared by the
/// grad_input and the grad_weight GEMM, contractions over the leading
/// (token) dims of both operands, and JAX's `transpose(jvp(...))` name
/// stack in locations. Function arguments marked `fp8.weight` are the only
/// argument weights of their function when any argument is marked.
std::vector<LinearLayerDecision>
decideLinearLayers(ArrayRef<Contraction> contractions,
                   ContractionSelection selection);

/// Whether an input of `op` is a weight (as the selection policy sees it).
bool hasWeightOperand(linalg::LinalgOp op);

/// The name of the unit attribute that marks a function argument as a
/// weight.
inline constexpr StringLiteral kWeightArgAttrName = "fp8.weight";

} // namespace fp8
} // namespace mlir

#endif // FP8_DIALECT_FP8_TRANSFORMS_CONTRACTIONS_H
