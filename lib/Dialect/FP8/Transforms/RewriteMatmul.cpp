//===- RewriteMatmul.cpp - the fp8-rewrite-matmul pass --------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The pass: recognizes the module's contractions (Contractions.cpp), infers
// roles and applies the selection policy (LinearLayers.cpp), plans each one
// (MatmulPlan.cpp), reports what stays in high precision, then normalizes
// and rewrites the selected ones (MatmulToFloat8.cpp).
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/Transforms/Passes.h"
#include "fp8/Dialect/FP8/Transforms/Contractions.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir {
namespace fp8 {
#define GEN_PASS_DEF_FP8REWRITEMATMUL
#include "fp8/Dialect/FP8/Transforms/Passes.h.inc"
} // namespace fp8
} // namespace mlir

using namespace mlir;
using namespace mlir::fp8;

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

/// Whether the pass rewrites `op` (given an fp8 config): a named matmul or
/// any other multiply-add contraction.
static bool isRewrittenMatmul(Operation *op) {
  if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op))
    return true;
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp)
    return false;
  Contraction contraction;
  std::string reason;
  return matchContraction(linalgOp, contraction, reason) !=
         ContractionMatch::NotAContraction;
}

/// Warns about fp8 attributes that configure nothing: a role on an op that
/// is not a contraction, a config on an op that neither is nor contains one
/// (configs apply to the contractions nested in the op that carries them).
static void warnIgnoredAttributes(ModuleOp module) {
  FP8Dialect *dialect = module->getContext()->getOrLoadDialect<FP8Dialect>();
  StringAttr roleName = dialect->getRoleAttrHelper().getName();
  StringAttr configName = dialect->getConfigAttrHelper().getName();
  module->walk([&](Operation *op) {
    if (!op->hasAttr(roleName) && !op->hasAttr(configName))
      return;
    if (isRewrittenMatmul(op))
      return;
    if (op->hasAttr(roleName))
      op->emitWarning() << "'" << roleName.getValue() << "' is ignored on '"
                        << op->getName()
                        << "': only contractions (linalg.matmul, "
                           "batch_matmul, contract or a multiply-add "
                           "linalg.generic) take a role";
    if (!op->hasAttr(configName))
      return;
    bool configuresMatmul = false;
    op->walk([&](Operation *nested) {
      if (!isRewrittenMatmul(nested))
        return WalkResult::advance();
      configuresMatmul = true;
      return WalkResult::interrupt();
    });
    if (!configuresMatmul)
      op->emitWarning() << "'" << configName.getValue() << "' on '"
                        << op->getName()
                        << "' configures no matmul: it applies to the "
                           "contractions it is on or that are nested in it";
  });
}

/// Erases the producers normalized contractions looked through once nothing
/// else reads them (a producer may be in several chains; each is erased
/// once).
static void eraseDeadProducers(RewriterBase &rewriter,
                               ArrayRef<Operation *> producers) {
  llvm::SetVector<Operation *> pending(producers.begin(), producers.end());
  bool erased = true;
  while (erased) {
    erased = false;
    for (Operation *producer : pending) {
      if (!producer->use_empty())
        continue;
      SmallVector<Operation *> inits;
      if (auto dps = dyn_cast<DestinationStyleOpInterface>(producer))
        for (Value init : dps.getDpsInits())
          if (Operation *def = init.getDefiningOp<tensor::EmptyOp>())
            inits.push_back(def);
      pending.remove(producer);
      rewriter.eraseOp(producer);
      for (Operation *init : inits)
        if (init->use_empty() && !pending.contains(init))
          rewriter.eraseOp(init);
      erased = true;
      break;
    }
  }
}

namespace {
struct FP8RewriteMatmulPass
    : public fp8::impl::FP8RewriteMatmulBase<FP8RewriteMatmulPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    hadError = false;
    FailureOr<LinearConfigAttr> defaultConfig =
        parseConfigOptions(module.getLoc(), recipe, config);
    if (failed(defaultConfig))
      return signalPassFailure();
    FailureOr<TypeConfig> types = resolveTypeConfig(module, typeConfig, chip);
    if (failed(types))
      return signalPassFailure();
    if (convert == "linear") {
      selection = ContractionSelection::Linear;
    } else if (convert == "all") {
      selection = ContractionSelection::All;
    } else {
      module.emitError() << "unknown convert='" << convert
                         << "'; expected 'linear' or 'all'";
      return signalPassFailure();
    }
    options = {*defaultConfig, *types, chip};

    warnIgnoredAttributes(module);
    SmallVector<Contraction, 0> contractions = recognize(module);
    std::vector<LinearLayerDecision> decisions =
        decideLinearLayers(contractions, selection);
    SmallVector<std::pair<const LinearLayerDecision *, MatmulRewritePlan>>
        planned = plan(decisions);
    if (hadError)
      return signalPassFailure();

    // Rewrite: normalize, then cast and multiply. No folding or dead-code
    // removal: everything but the contractions and the producers they
    // looked through stays exactly as it was.
    IRRewriter rewriter(&getContext());
    for (auto &[d, plan] : planned) {
      if (d->contraction.isCanonical())
        rewriteMatmulToFloat8(rewriter, d->contraction.op, plan);
      else if (failed(rewriteNormalized(rewriter, *d)))
        return signalPassFailure();
    }
  }

private:
  /// Reports a contraction that stays in high precision (or is invalid).
  void diagnose(Operation *op, const MatmulRewriteRejection &r) {
    switch (r.kind) {
    case MatmulRewriteRejection::Kind::HighPrecision:
      if (remarks)
        op->emitRemark() << "stays in high precision: " << r.message;
      return;
    case MatmulRewriteRejection::Kind::Unsupported:
      if (!strict) {
        op->emitWarning() << r.message;
        return;
      }
      [[fallthrough]];
    case MatmulRewriteRejection::Kind::Invalid:
      op->emitError() << r.message;
      hadError = true;
      return;
    }
  }

  /// Every contraction of the module in linear-layer form. Named matmuls
  /// the recognizer cannot normalize (buffers, integers, unsupported maps)
  /// keep the named-matmul diagnostics; other unsupported forms are
  /// reported when the policy would convert them.
  SmallVector<Contraction, 0> recognize(ModuleOp module) {
    SmallVector<Contraction, 0> contractions;
    module.walk([&](linalg::LinalgOp op) {
      Contraction contraction;
      std::string reason;
      ContractionMatch match = matchContraction(op, contraction, reason);
      if (match == ContractionMatch::Matched) {
        contractions.push_back(std::move(contraction));
        return;
      }
      if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op)) {
        MatmulRewriteRejection rejection;
        if (failed(planMatmulRewrite(op, options, &rejection)))
          diagnose(op, rejection);
        return;
      }
      if (match != ContractionMatch::Unsupported)
        return;
      // Only a contraction the policy would convert is an unsupported
      // linear layer; others (attention in a layout the rewrite does not
      // take) stay in high precision anyway.
      FP8Dialect *dialect = op->getContext()->getOrLoadDialect<FP8Dialect>();
      bool wouldConvert =
          selection == ContractionSelection::All ||
          !op.hasPureTensorSemantics() ||
          op->hasAttr(dialect->getRoleAttrHelper().getName()) ||
          op->hasAttr(dialect->getConfigAttrHelper().getName()) ||
          hasWeightOperand(op);
      if (wouldConvert)
        diagnose(op, {MatmulRewriteRejection::Kind::Unsupported,
                      "contraction stays in high precision: " + reason});
      else if (remarks)
        op->emitRemark() << "stays in high precision: not a linear layer "
                            "(neither operand is a weight), and "
                         << reason;
    });
    return contractions;
  }

  /// A plan for each selected contraction; reports the others.
  SmallVector<std::pair<const LinearLayerDecision *, MatmulRewritePlan>>
  plan(std::vector<LinearLayerDecision> &decisions) {
    SmallVector<std::pair<const LinearLayerDecision *, MatmulRewritePlan>>
        planned;
    for (LinearLayerDecision &d : decisions) {
      // torchao's A operand (grad_output, input) on the right: compute the
      // transposed product, so that the operands and the rounding of the
      // scaled product are torchao's.
      if (d.swapOperands)
        d.contraction = transposeProduct(d.contraction);
      Operation *op = d.contraction.op;
      if (!d.selected) {
        if (remarks)
          op->emitRemark() << d.selectionReason;
        continue;
      }
      MatmulRewriteRejection rejection;
      FailureOr<MatmulRewritePlan> plan = planContractionRewrite(
          d.contraction, d.inferredRole, options, &rejection);
      if (failed(plan)) {
        diagnose(op, rejection);
        continue;
      }
      if (remarks) {
        InFlightDiagnostic remark =
            op->emitRemark()
            << "converted as " << stringifyGemmRole(plan->role) << " ("
            << d.selectionReason << ")";
        if (!d.roleReason.empty())
          remark << "; " << d.roleReason;
        if (!d.contraction.isCanonical())
          remark << "; normalized to a "
                 << (d.contraction.batch.empty() ? "matmul" : "batch_matmul")
                 << " on flattened operands";
      }
      planned.push_back({&d, *plan});
    }
    return planned;
  }

  /// Normalizes a contraction that is not a canonical named matmul and
  /// rewrites the result, erasing what it no longer needs.
  LogicalResult rewriteNormalized(RewriterBase &rewriter,
                                  const LinearLayerDecision &d) {
    // Match again: an operand produced by a contraction rewritten before is
    // now the result of its replacement, and a transpose the rewrite put on
    // an operand is looked through, so the layouts (and the plan) may
    // differ from the first match's.
    Contraction c;
    std::string reason;
    if (matchContraction(d.contraction.op, c, reason) !=
        ContractionMatch::Matched)
      return d.contraction.op->emitError()
             << "internal error: contraction no longer matches: " << reason;
    if (d.swapOperands)
      c = transposeProduct(c);
    MatmulRewriteRejection rejection;
    FailureOr<MatmulRewritePlan> plan =
        planContractionRewrite(c, d.inferredRole, options, &rejection);
    if (failed(plan))
      return c.op->emitError()
             << "internal error: contraction no longer converts: "
             << rejection.message;
    NormalizedContraction normalized = normalizeContraction(rewriter, c);
    Value flat = normalized.matmul->getResult(0);
    Value product = rewriteMatmulToFloat8(rewriter, normalized.matmul, *plan);
    rewriter.replaceOp(c.op, normalized.result == flat ? product
                                                       : normalized.result);
    // The flattened init of a matmul that does not accumulate.
    for (Operation *op : llvm::reverse(normalized.created))
      if (isa<tensor::CollapseShapeOp, linalg::TransposeOp, tensor::EmptyOp>(
              op) &&
          op->use_empty())
        rewriter.eraseOp(op);
    SmallVector<Operation *> producers(c.lhs.lookedThrough);
    llvm::append_range(producers, c.rhs.lookedThrough);
    eraseDeadProducers(rewriter, producers);
    return success();
  }

  RewriteMatmulOptions options;
  ContractionSelection selection = ContractionSelection::Linear;
  bool hadError = false;
};
} // namespace
