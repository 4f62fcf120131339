//===- LinearLayers.cpp - which contractions are linear layers, and roles -===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// torchao converts the GEMMs of nn.Linear, and knows each one's role from
// autograd. Frontend IR has neither: this file finds the weights (function
// arguments, parameters, constants, through layout and convert ops), infers
// the roles from the dataflow between the contractions of a function, and
// applies the selection policy.
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/Dialect/FP8/Transforms/Contractions.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mlir::fp8;

//===----------------------------------------------------------------------===//
// Weights
//===----------------------------------------------------------------------===//

/// Whether `op` only moves, reshapes or converts its one tensor input.
static bool isLayoutOrConvert(Operation *op) {
  if (isa<linalg::TransposeOp, linalg::BroadcastOp, linalg::CopyOp,
          tensor::CollapseShapeOp, tensor::ExpandShapeOp, tensor::CastOp,
          tensor::ReshapeOp>(op))
    return true;
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || generic.getNumDpsInputs() != 1 ||
      generic.getNumDpsInits() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops())
    return false;
  Block *body = generic.getBody();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  if (yield.getNumOperands() != 1)
    return false;
  Value yielded = yield.getOperand(0);
  if (Operation *def = yielded.getDefiningOp()) {
    if (!isa<arith::ExtFOp, arith::TruncFOp>(def) ||
        body->getOperations().size() != 2)
      return false;
    yielded = def->getOperand(0);
  }
  return yielded == body->getArgument(0);
}

/// The value `value` is a layout or convert of.
static Value traceRoot(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    if (!isLayoutOrConvert(def))
      break;
    value = def->getOperand(0);
  }
  return value;
}

/// Whether `root` is a weight: a function argument (one marked `fp8.weight`
/// if the function marks any), a loop-carried value, or data the function
/// does not compute from other tensors (constants, globals, generated
/// tensors, call results).
static bool isWeight(Value root) {
  if (auto arg = dyn_cast<BlockArgument>(root)) {
    // A function that marks weight arguments names all its weights: its
    // other arguments and loop-carried values (a KV cache) are activations.
    auto function =
        arg.getOwner()->getParentOp()->getParentOfType<FunctionOpInterface>();
    if (auto own = dyn_cast<FunctionOpInterface>(arg.getOwner()->getParentOp()))
      function = own;
    if (!function)
      return true;
    bool anyMarked = false;
    for (unsigned i = 0; i < function.getNumArguments(); ++i)
      anyMarked |=
          static_cast<bool>(function.getArgAttr(i, kWeightArgAttrName));
    if (arg.getOwner() != &function.getFunctionBody().front())
      return !anyMarked;
    return !anyMarked ||
           function.getArgAttr(arg.getArgNumber(), kWeightArgAttrName);
  }
  Operation *def = root.getDefiningOp();
  if (isa<CallOpInterface>(def))
    return true;
  auto dps = dyn_cast<DestinationStyleOpInterface>(def);
  for (OpOperand &operand : def->getOpOperands()) {
    if (!isa<TensorType>(operand.get().getType()))
      continue;
    if (dps && dps.isDpsInit(&operand))
      continue;
    return false;
  }
  return true;
}

/// Whether `value` is computed from constants only: no function argument,
/// loop-carried value or contraction result reaches it (through operands or
/// values a region captures). Call results count as opaque data.
static bool isComputedFromConstants(Value value,
                                    DenseMap<Value, bool> &memo) {
  SmallVector<Value> stack = {value};
  SmallVector<Value> order;
  DenseSet<Value> visiting;
  // Iterative DFS: a value is constant-derived if all its inputs are.
  while (!stack.empty()) {
    Value current = stack.back();
    if (memo.count(current)) {
      stack.pop_back();
      continue;
    }
    if (isa<BlockArgument>(current)) {
      memo[current] = false;
      stack.pop_back();
      continue;
    }
    Operation *def = current.getDefiningOp();
    if (isa<CallOpInterface>(def)) {
      memo[current] = true;
      stack.pop_back();
      continue;
    }
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(def)) {
      if (linalgOp.getNumReductionLoops() > 0 &&
          linalgOp.getNumDpsInputs() >= 2) {
        memo[current] = false;
        stack.pop_back();
        continue;
      }
    }
    SmallVector<Value> inputs(def->getOperands());
    def->walk([&](Operation *nested) {
      if (nested == def)
        return;
      for (Value operand : nested->getOperands())
        if (!def->isAncestor(operand.getParentBlock()->getParentOp()))
          inputs.push_back(operand);
    });
    if (visiting.insert(current).second) {
      // First visit: push the inputs, come back to decide.
      bool pending = false;
      for (Value input : inputs)
        if (!memo.count(input)) {
          stack.push_back(input);
          pending = true;
        }
      if (pending)
        continue;
    }
    bool constant = llvm::all_of(inputs, [&](Value input) {
      auto it = memo.find(input);
      return it != memo.end() && it->second;
    });
    memo[current] = constant;
    stack.pop_back();
  }
  return memo.lookup(value);
}

/// The operand of `op` computed from constants only, if any.
static std::optional<unsigned> constantOperand(linalg::LinalgOp op) {
  DenseMap<Value, bool> memo;
  for (auto [i, input] : llvm::enumerate(op.getDpsInputs()))
    if (isComputedFromConstants(input, memo))
      return i;
  return std::nullopt;
}

bool fp8::hasWeightOperand(linalg::LinalgOp op) {
  return llvm::any_of(op.getDpsInputs(), [](Value input) {
    return isa<TensorType>(input.getType()) && isWeight(traceRoot(input));
  });
}

//===----------------------------------------------------------------------===//
// Roles
//===----------------------------------------------------------------------===//

/// Whether a location carries JAX's name stack of a transposed (backward)
/// computation: `transpose(jvp(...))`.
static bool hasBackwardNameStack(Location loc) {
  bool found = false;
  loc->walk([&](Location nested) {
    if (auto name = dyn_cast<NameLoc>(nested))
      if (name.getName().getValue().contains("transpose("))
        found = true;
    return found ? WalkResult::interrupt() : WalkResult::advance();
  });
  return found;
}

static std::string describeLoc(Operation *op) {
  std::string text;
  llvm::raw_string_ostream os(text);
  op->getLoc().print(os);
  return text;
}

namespace {
/// The contractions of one function and their dataflow.
struct FunctionContractions {
  SmallVector<unsigned> members;
};

struct Analysis {
  ArrayRef<Contraction> contractions;
  std::vector<LinearLayerDecision> &decisions;
  Analysis(ArrayRef<Contraction> contractions,
           std::vector<LinearLayerDecision> &decisions)
      : contractions(contractions), decisions(decisions) {}

  SmallVector<std::array<Value, 2>> roots;
  SmallVector<std::array<bool, 2>> weights;
  /// The ops that depend on each contraction's result (computed lazily).
  DenseMap<unsigned, SetVector<Operation *>> dependents;

  bool hasExplicitRole(unsigned i) const {
    auto helper = contractions[i]
                      .op->getContext()
                      ->getOrLoadDialect<FP8Dialect>()
                      ->getRoleAttrHelper();
    return contractions[i].op->hasAttr(helper.getName());
  }

  /// Whether input `operand` of contraction `i` depends on the result of
  /// contraction `j`.
  bool dependsOn(unsigned i, unsigned operand, unsigned j) {
    auto it = dependents.find(j);
    if (it == dependents.end()) {
      SetVector<Operation *> slice;
      getForwardSlice(static_cast<Operation *>(contractions[j].op), &slice);
      it = dependents.try_emplace(j, std::move(slice)).first;
    }
    linalg::LinalgOp op = contractions[i].op;
    Value value = op.getDpsInputs()[operand];
    Operation *def = value.getDefiningOp();
    return def && (def == static_cast<Operation *>(contractions[j].op) ||
                   it->second.contains(def));
  }

  /// The contractions (of `members`, other than `i`) with an operand whose
  /// root is `root`, with that operand's index.
  SmallVector<std::pair<unsigned, unsigned>> sharing(ArrayRef<unsigned> members,
                                                     unsigned i, Value root) {
    SmallVector<std::pair<unsigned, unsigned>> found;
    for (unsigned j : members)
      for (unsigned o = 0; o < 2; ++o)
        if (j != i && roots[j][o] == root)
          found.push_back({j, o});
    return found;
  }

  /// Whether contraction `i` has the shape of a weight gradient: both
  /// operands contracted over their leading (token) dims into an unbatched
  /// result.
  bool isGradWeightShaped(unsigned i) const {
    const Contraction &c = contractions[i];
    return c.batch.empty() && c.contractsLeadingDims();
  }

  /// Whether contraction `j` is a linear-layer GEMM: one operand is a
  /// weight.
  bool isLinear(unsigned j) const { return weights[j][0] || weights[j][1]; }

  /// The dims of operand `o`'s source that contraction `i` contracts.
  SmallVector<int64_t> contractedDims(unsigned i, unsigned o) const {
    const Contraction &c = contractions[i];
    const ContractionOperand &operand = o == 0 ? c.lhs : c.rhs;
    SmallVector<int64_t> dims;
    for (auto [d, loopDim] : llvm::enumerate(operand.loopDims))
      if (llvm::is_contained(c.k, loopDim))
        dims.push_back(d);
    return dims;
  }

  /// Whether contractions `i` and `j` read the same weight (their operands
  /// `o` and `jo`) contracted over different dims (W and W^T). Operands
  /// reached through reshapes or converts (different sources) count as
  /// different.
  bool contractsOtherDim(unsigned i, unsigned o, unsigned j,
                         unsigned jo) const {
    const ContractionOperand &a =
        o == 0 ? contractions[i].lhs : contractions[i].rhs;
    const ContractionOperand &b =
        jo == 0 ? contractions[j].lhs : contractions[j].rhs;
    if (a.source != b.source)
      return true;
    return contractedDims(i, o) != contractedDims(j, jo);
  }

  /// Infers the grad_weight contractions of a function; returns, for each
  /// (explicit or inferred) grad_weight, its gradient operand.
  DenseMap<unsigned, unsigned> inferGradWeights(ArrayRef<unsigned> members);
  /// Infers grad_input (else output) for the other contractions.
  void inferGradInputs(ArrayRef<unsigned> members,
                       const DenseMap<unsigned, unsigned> &gradientOperand);
  void decideFunction(ArrayRef<unsigned> members);
};
} // namespace

DenseMap<unsigned, unsigned>
Analysis::inferGradWeights(ArrayRef<unsigned> members) {
  // grad_weight: a contraction over the leading (token) dims of both
  // operands, with evidence that it belongs to a linear layer: a GEMM with a
  // weight operand reads one of its operands (the forward GEMM reads x, the
  // grad_input GEMM reads g), or, with no such GEMM in the function (a first
  // layer's backward graph), one of its operands is a weight itself. The
  // gradient is the operand that depends on a linear GEMM reading the other
  // operand (joint graphs), else the operand a linear GEMM also reads
  // (backward graphs), else the lhs (torch's grad_output^T @ input). Products
  // of activations (attention's backward) and Gram matrices x^T x are not
  // weight gradients.
  DenseMap<unsigned, unsigned> gradientOperand;
  for (unsigned i : members) {
    if (!isGradWeightShaped(i) || roots[i][0] == roots[i][1])
      continue;
    std::optional<unsigned> gradient;
    std::string why;
    for (unsigned o = 0; o < 2 && !gradient; ++o)
      for (auto [j, jo] : sharing(members, i, roots[i][1 - o]))
        if (isLinear(j) && !isGradWeightShaped(j) && dependsOn(i, o, j)) {
          gradient = o;
          why = "operand " + std::to_string(o) +
                " (the gradient) depends on the contraction at " +
                describeLoc(contractions[j].op) +
                ", which also reads operand " + std::to_string(1 - o);
          break;
        }
    if (!gradient) {
      auto sharedWithLinear = [&](unsigned o) {
        return llvm::any_of(sharing(members, i, roots[i][o]),
                            [&](auto jjo) { return isLinear(jjo.first); });
      };
      bool shared[2] = {sharedWithLinear(0), sharedWithLinear(1)};
      if (shared[0] != shared[1]) {
        gradient = shared[0] ? 0 : 1;
        why = "operand " + std::to_string(*gradient) +
              " (the gradient) also feeds a linear-layer GEMM of the "
              "function";
      }
    }
    if (!gradient && (weights[i][0] || weights[i][1])) {
      gradient = 0;
      why = "operand 0 taken as the gradient (grad_output^T @ input)";
    }
    if (!gradient)
      continue;
    gradientOperand[i] = *gradient;
    if (hasExplicitRole(i))
      continue;
    LinearLayerDecision &d = decisions[i];
    d.inferredRole = GemmRole::GradWeight;
    d.swapOperands = *gradient == 1;
    std::string tokens = contractions[i].k.size() > 1
                             ? "its " +
                                   std::to_string(contractions[i].k.size()) +
                                   " leading (batch and sequence) dims"
                             : "their leading (token) dim";
    d.roleReason = "inferred role grad_weight: both operands are contracted "
                   "over " +
                   tokens + "; " + why;
  }
  return gradientOperand;
}

void Analysis::inferGradInputs(
    ArrayRef<unsigned> members,
    const DenseMap<unsigned, unsigned> &gradientOperand) {
  // grad_input: a GEMM whose weight also feeds another GEMM, contracted
  // there over its other dim (W vs W^T: tied weights used the same way are
  // two forward GEMMs), whose result this GEMM's other operand depends on
  // (joint graphs); or a GEMM with a weight whose other operand is the
  // gradient of a grad_weight GEMM (backward graphs); or a GEMM with a
  // weight that JAX names `transpose(jvp(...))`.
  for (unsigned i : members) {
    if (gradientOperand.count(i) || hasExplicitRole(i))
      continue;
    LinearLayerDecision &d = decisions[i];
    for (unsigned w = 0; w < 2 && !d.inferredRole; ++w) {
      if (!weights[i][w])
        continue;
      for (auto [j, jo] : sharing(members, i, roots[i][w]))
        if (!gradientOperand.count(j) && contractsOtherDim(i, w, j, jo) &&
            dependsOn(i, 1 - w, j)) {
          d.inferredRole = GemmRole::GradInput;
          d.swapOperands = w == 0;
          d.roleReason =
              "inferred role grad_input: operand " + std::to_string(w) +
              " (the weight) also feeds the contraction at " +
              describeLoc(contractions[j].op) + ", whose result operand " +
              std::to_string(1 - w) + " depends on";
          break;
        }
    }
    for (unsigned g = 0; g < 2 && !d.inferredRole; ++g) {
      if (!weights[i][1 - g])
        continue;
      for (auto [j, jo] : sharing(members, i, roots[i][g])) {
        auto it = gradientOperand.find(j);
        if (it == gradientOperand.end() || it->second != jo)
          continue;
        d.inferredRole = GemmRole::GradInput;
        d.swapOperands = g == 1;
        d.roleReason = "inferred role grad_input: operand " +
                       std::to_string(g) +
                       " is the gradient of the grad_weight contraction at " +
                       describeLoc(contractions[j].op);
        break;
      }
    }
    if (!d.inferredRole && (weights[i][0] || weights[i][1]) &&
        hasBackwardNameStack(contractions[i].op->getLoc())) {
      d.inferredRole = GemmRole::GradInput;
      d.swapOperands = weights[i][0] && !weights[i][1];
      d.roleReason = "inferred role grad_input: its location is a "
                     "transpose(jvp(...)) in JAX's name stack";
    }
    if (!d.inferredRole) {
      d.inferredRole = GemmRole::Output;
      d.roleReason = "inferred role output: no backward dataflow reaches it";
    }
  }
}

void Analysis::decideFunction(ArrayRef<unsigned> members) {
  inferGradInputs(members, inferGradWeights(members));
}

std::vector<LinearLayerDecision>
fp8::decideLinearLayers(ArrayRef<Contraction> contractions,
                        ContractionSelection selection) {
  std::vector<LinearLayerDecision> decisions;
  Analysis analysis{contractions, decisions};
  // Group the contractions by function (ops outside functions form one
  // group per parent region's op).
  llvm::MapVector<Operation *, SmallVector<unsigned>> byFunction;
  for (auto [i, c] : llvm::enumerate(contractions)) {
    LinearLayerDecision decision;
    decision.contraction = c;
    decisions.push_back(std::move(decision));
    linalg::LinalgOp op = c.op;
    std::array<Value, 2> roots = {traceRoot(op.getDpsInputs()[0]),
                                  traceRoot(op.getDpsInputs()[1])};
    analysis.roots.push_back(roots);
    analysis.weights.push_back({isWeight(roots[0]), isWeight(roots[1])});
    Operation *function = c.op->getParentOfType<FunctionOpInterface>();
    if (!function)
      function = c.op->getParentOp();
    byFunction[function].push_back(i);
  }
  for (auto &[function, members] : byFunction)
    analysis.decideFunction(members);

  for (auto [i, d] : llvm::enumerate(decisions)) {
    Operation *op = d.contraction.op;
    if (selection == ContractionSelection::All) {
      d.selectionReason = "convert=all";
      continue;
    }
    StringAttr configName = op->getContext()
                                ->getOrLoadDialect<FP8Dialect>()
                                ->getConfigAttrHelper()
                                .getName();
    if (analysis.hasExplicitRole(i) || op->hasAttr(configName)) {
      d.selectionReason = "the op carries fp8.role or fp8.config";
      continue;
    }
    if (d.inferredRole && *d.inferredRole != GemmRole::Output) {
      d.selectionReason = "a backward GEMM of a linear layer";
      continue;
    }
    if (analysis.weights[i][0] || analysis.weights[i][1]) {
      d.selectionReason = "operand " +
                          std::to_string(analysis.weights[i][1] ? 1 : 0) +
                          " is a weight";
      continue;
    }
    // Data the function computes from constants alone (a test's @main that
    // builds its matrices) is a parameter too.
    if (std::optional<unsigned> o = constantOperand(d.contraction.op)) {
      d.selectionReason = "operand " + std::to_string(*o) +
                          " is computed from constants only";
      continue;
    }
    d.selected = false;
    d.selectionReason =
        "stays in high precision: neither operand is a weight (a function "
        "argument, constant or parameter), so it is an activation x "
        "activation product such as attention; convert=all converts it, "
        "fp8.weight marks weight arguments";
  }
  return decisions;
}
