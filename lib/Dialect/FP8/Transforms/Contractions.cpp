//===- Contractions.cpp - linear-layer contractions in frontend IR --------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Recognizes the contractions frontends print for linear layers and
// normalizes them to a named matmul on flattened operands.
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/Transforms/Contractions.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace mlir::fp8;

//===----------------------------------------------------------------------===//
// Recognition
//===----------------------------------------------------------------------===//

/// The loop dims of consecutive groups, as one list.
static SmallVector<unsigned>
concat(std::initializer_list<ArrayRef<unsigned>> parts) {
  SmallVector<unsigned> all;
  for (ArrayRef<unsigned> part : parts)
    all.append(part.begin(), part.end());
  return all;
}

/// Whether the body of `op` computes `out + a * b` in floating point, with
/// `a` and `b` possibly converted first (arith.extf to a wider accumulator,
/// or arith.truncf to a narrower one, as a named matmul of f32 operands into
/// bf16 does).
static bool hasMulAddBody(linalg::LinalgOp op) {
  Block *body = op.getBlock();
  if (!body || body->getNumArguments() != 3)
    return false;
  for (Operation &nested : body->without_terminator())
    if (!isa<arith::ExtFOp, arith::TruncFOp, arith::MulFOp, arith::AddFOp>(
            nested))
      return false;
  auto yield = dyn_cast<linalg::YieldOp>(body->getTerminator());
  if (!yield || yield.getNumOperands() != 1)
    return false;
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value acc = body->getArgument(2);
  Value product = add.getLhs() == acc   ? add.getRhs()
                  : add.getRhs() == acc ? add.getLhs()
                                        : Value();
  auto mul = product ? product.getDefiningOp<arith::MulFOp>() : nullptr;
  if (!mul)
    return false;
  auto strip = [](Value value) {
    if (auto ext = value.getDefiningOp<arith::ExtFOp>())
      return ext.getIn();
    if (auto trunc = value.getDefiningOp<arith::TruncFOp>())
      return trunc.getIn();
    return value;
  };
  Value x = strip(mul.getLhs()), y = strip(mul.getRhs());
  Value a = body->getArgument(0), b = body->getArgument(1);
  return (x == a && y == b) || (x == b && y == a);
}

/// Whether `op` only copies its single input into its init, possibly
/// transposing, broadcasting or widening it (arith.extf).
static bool isCopyLikeGeneric(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 ||
      !op.hasPureTensorSemantics() ||
      op.getNumParallelLoops() != op.getNumLoops())
    return false;
  Block *body = op.getBody();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  if (yield.getNumOperands() != 1)
    return false;
  Value yielded = yield.getOperand(0);
  if (auto ext = yielded.getDefiningOp<arith::ExtFOp>()) {
    if (body->getOperations().size() != 2)
      return false;
    yielded = ext.getIn();
  } else if (body->getOperations().size() != 1) {
    return false;
  }
  if (yielded != body->getArgument(0))
    return false;
  AffineMap inMap = op.getIndexingMapsArray()[0];
  AffineMap outMap = op.getIndexingMapsArray()[1];
  return inMap.isProjectedPermutation(/*allowZeroInResults=*/false) &&
         outMap.isPermutation();
}

/// Looks through the producers of `operand` that only move or widen data.
/// A broadcast is looked through only if each dim it adds is indexed by
/// both `otherDims` and `resultDims` (it then becomes an M or N dim).
static void lookThrough(ContractionOperand &operand,
                        const llvm::SmallDenseSet<unsigned> &otherDims,
                        const llvm::SmallDenseSet<unsigned> &resultDims) {
  ContractionOperand &current = operand;
  auto canDrop = [&](unsigned loopDim) {
    return otherDims.contains(loopDim) && resultDims.contains(loopDim);
  };
  while (Operation *def = current.source.getDefiningOp()) {
    if (auto transpose = dyn_cast<linalg::TransposeOp>(def)) {
      if (!transpose.hasPureTensorSemantics())
        break;
      // result dim i is input dim perm[i].
      ArrayRef<int64_t> perm = transpose.getPermutation();
      SmallVector<unsigned> dims(perm.size());
      for (auto [i, p] : llvm::enumerate(perm))
        dims[p] = current.loopDims[i];
      current.source = transpose.getInput();
      current.loopDims = dims;
    } else if (auto broadcast = dyn_cast<linalg::BroadcastOp>(def)) {
      if (!broadcast.hasPureTensorSemantics())
        break;
      llvm::SmallDenseSet<int64_t> added(broadcast.getDimensions().begin(),
                                         broadcast.getDimensions().end());
      SmallVector<unsigned> dims;
      bool ok = true;
      for (auto [i, loopDim] : llvm::enumerate(current.loopDims)) {
        if (!added.contains(i))
          dims.push_back(loopDim);
        else if (!canDrop(loopDim))
          ok = false;
      }
      if (!ok)
        break;
      current.source = broadcast.getInput();
      current.loopDims = dims;
    } else if (auto generic = dyn_cast<linalg::GenericOp>(def)) {
      if (!isCopyLikeGeneric(generic))
        break;
      AffineMap inMap = generic.getIndexingMapsArray()[0];
      AffineMap outMap = generic.getIndexingMapsArray()[1];
      // The generic's loop dims, as contraction loop dims.
      SmallVector<unsigned> loopOf(generic.getNumLoops());
      for (unsigned j = 0; j < outMap.getNumResults(); ++j)
        loopOf[outMap.getDimPosition(j)] = current.loopDims[j];
      SmallVector<unsigned> dims;
      llvm::SmallDenseSet<unsigned> kept;
      for (unsigned i = 0; i < inMap.getNumResults(); ++i) {
        dims.push_back(loopOf[inMap.getDimPosition(i)]);
        kept.insert(inMap.getDimPosition(i));
      }
      bool ok = true;
      for (unsigned l = 0; l < generic.getNumLoops(); ++l)
        if (!kept.contains(l)) {
          ok &= canDrop(loopOf[l]);
        }
      if (!ok)
        break;
      current.source = generic.getDpsInputs()[0];
      current.loopDims = dims;
    } else {
      break;
    }
    current.lookedThrough.push_back(def);
  }
}

bool Contraction::isCanonical() const {
  int64_t batchDims = isa<linalg::BatchMatmulOp>(op) ? 1 : 0;
  if (!isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op))
    return false;
  return !resultTransposed && lhs.lookedThrough.empty() &&
         rhs.lookedThrough.empty() && !lhsNeedsTranspose &&
         !rhsNeedsTranspose &&
         static_cast<int64_t>(batch.size()) == batchDims && m.size() == 1 &&
         n.size() == 1 && k.size() == 1;
}

int64_t Contraction::flatSize(ArrayRef<unsigned> dims) const {
  int64_t size = 1;
  for (unsigned dim : dims) {
    if (ShapedType::isDynamic(loopSizes[dim]))
      return ShapedType::kDynamic;
    size *= loopSizes[dim];
  }
  return size;
}

static std::string describeDims(linalg::LinalgOp op, ArrayRef<unsigned> dims) {
  std::string text;
  for (unsigned dim : dims) {
    if (!text.empty())
      text += ", ";
    text += "d" + std::to_string(dim);
  }
  return text;
}

/// Sets the layout flags of the operands from their dims.
static void classifyLayouts(Contraction &c) {
  c.lhsTransposed = c.lhsNeedsTranspose = false;
  c.rhsTransposed = c.rhsNeedsTranspose = false;
  if (c.lhs.loopDims == concat({c.batch, c.k, c.m}))
    c.lhsTransposed = true;
  else if (c.lhs.loopDims != concat({c.batch, c.m, c.k}))
    c.lhsNeedsTranspose = true;
  if (c.rhs.loopDims == concat({c.batch, c.n, c.k}))
    c.rhsTransposed = true;
  else if (c.rhs.loopDims != concat({c.batch, c.k, c.n}))
    c.rhsNeedsTranspose = true;
}

ContractionMatch fp8::matchContraction(linalg::LinalgOp op, Contraction &result,
                                       std::string &reason) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() == 0 || !hasMulAddBody(op))
    return ContractionMatch::NotAContraction;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (!llvm::all_of(maps, [](AffineMap map) {
        return map.isProjectedPermutation(/*allowZeroInResults=*/false);
      }))
    return ContractionMatch::NotAContraction;
  if (!op.hasPureTensorSemantics()) {
    reason = "it works on buffers; only tensor contractions are rewritten";
    return ContractionMatch::Unsupported;
  }

  Contraction c;
  c.op = op;
  c.loopSizes = op.getStaticLoopRanges();
  auto dimsOf = [](AffineMap map) {
    SmallVector<unsigned> dims;
    for (unsigned i = 0; i < map.getNumResults(); ++i)
      dims.push_back(map.getDimPosition(i));
    return dims;
  };
  c.lhs = {op.getDpsInputs()[0], dimsOf(maps[0]), {}};
  c.rhs = {op.getDpsInputs()[1], dimsOf(maps[1]), {}};
  SmallVector<unsigned> resultDims = dimsOf(maps[2]);
  auto toSet = [](ArrayRef<unsigned> dims) {
    return llvm::SmallDenseSet<unsigned>(dims.begin(), dims.end());
  };
  llvm::SmallDenseSet<unsigned> resultSet = toSet(resultDims);
  // The cast reads the data before transposes and broadcasts (torchao casts
  // the weight, then transposes the float8 copy; torch-mlir's 3-D
  // nn.Linear broadcasts the 2-D weight over the batch).
  lookThrough(c.lhs, toSet(c.rhs.loopDims), resultSet);
  lookThrough(c.rhs, toSet(c.lhs.loopDims), resultSet);
  if (!isa<RankedTensorType>(c.lhs.source.getType()) ||
      !isa<RankedTensorType>(c.rhs.source.getType())) {
    reason = "its operands are not ranked tensors";
    return ContractionMatch::Unsupported;
  }

  // Classify the loop dims by the operands that index them.
  llvm::SmallDenseSet<unsigned> inA = toSet(c.lhs.loopDims);
  llvm::SmallDenseSet<unsigned> inB = toSet(c.rhs.loopDims);
  if (inA.size() != c.lhs.loopDims.size() ||
      inB.size() != c.rhs.loopDims.size()) {
    reason = "an operand indexes a loop dim twice";
    return ContractionMatch::Unsupported;
  }
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned dim = 0; dim < op.getNumLoops(); ++dim) {
    bool a = inA.contains(dim), b = inB.contains(dim),
         r = resultSet.contains(dim);
    bool reduction = iterators[dim] == utils::IteratorType::reduction;
    if (a && b && !r && reduction)
      continue; // K, ordered below
    if (r && !reduction && (a || b))
      continue; // batch, M or N, ordered below
    reason = "loop dim d" + std::to_string(dim) +
             " is not a batch, M, N or K dim of a matmul";
    return ContractionMatch::Unsupported;
  }
  for (unsigned dim : resultDims) {
    bool a = inA.contains(dim), b = inB.contains(dim);
    (a && b ? c.batch : a ? c.m : c.n).push_back(dim);
  }
  for (unsigned dim : c.lhs.loopDims)
    if (inB.contains(dim) && !resultSet.contains(dim))
      c.k.push_back(dim);
  if (c.m.empty() || c.n.empty()) {
    reason = "it has no " + std::string(c.m.empty() ? "M" : "N") +
             " dim (a matrix-vector product)";
    return ContractionMatch::Unsupported;
  }
  if (resultDims != concat({c.batch, c.m, c.n})) {
    reason = "its result is not laid out [batch.., M.., N..] (" +
             describeDims(op, resultDims) + ")";
    return ContractionMatch::Unsupported;
  }
  classifyLayouts(c);
  result = std::move(c);
  return ContractionMatch::Matched;
}

Contraction fp8::transposeProduct(const Contraction &contraction) {
  Contraction c = contraction;
  std::swap(c.lhs, c.rhs);
  std::swap(c.m, c.n);
  c.resultTransposed = !c.resultTransposed;
  classifyLayouts(c);
  return c;
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

namespace {
/// Builds the flattened operands of a normalized contraction.
struct Normalizer {
  RewriterBase &rewriter;
  Location loc;
  SmallVector<Operation *> &created;

  /// Transposes `value` (indexed by `dims`) into `order` if they differ.
  Value permute(Value value, ArrayRef<unsigned> dims,
                ArrayRef<unsigned> order) {
    if (dims == order)
      return value;
    SmallVector<int64_t> perm;
    for (unsigned dim : order)
      perm.push_back(llvm::find(dims, dim) - dims.begin());
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, value);
    SmallVector<OpFoldResult> permuted;
    for (int64_t p : perm)
      permuted.push_back(sizes[p]);
    auto type = cast<RankedTensorType>(value.getType());
    Value init =
        tensor::EmptyOp::create(rewriter, loc, permuted, type.getElementType());
    auto transpose =
        linalg::TransposeOp::create(rewriter, loc, value, init, perm);
    created.push_back(init.getDefiningOp());
    created.push_back(transpose);
    return transpose->getResult(0);
  }

  /// The reassociation that collapses consecutive groups of dims (empty
  /// groups are skipped).
  static SmallVector<ReassociationIndices>
  reassociationOf(ArrayRef<SmallVector<unsigned>> groups) {
    SmallVector<ReassociationIndices> reassociation;
    int64_t next = 0;
    for (const SmallVector<unsigned> &group : groups) {
      if (group.empty())
        continue;
      ReassociationIndices indices;
      for (size_t i = 0; i < group.size(); ++i)
        indices.push_back(next++);
      reassociation.push_back(indices);
    }
    return reassociation;
  }

  /// Collapses consecutive groups of dims, unless each group is one dim.
  Value collapse(Value value, ArrayRef<SmallVector<unsigned>> groups) {
    SmallVector<ReassociationIndices> reassociation = reassociationOf(groups);
    if (llvm::all_of(reassociation, [](const ReassociationIndices &indices) {
          return indices.size() == 1;
        }))
      return value;
    auto op =
        tensor::CollapseShapeOp::create(rewriter, loc, value, reassociation);
    created.push_back(op);
    return op.getResult();
  }

  /// An operand transposed into the order of `groups`, then flattened.
  Value flatten(const ContractionOperand &operand,
                ArrayRef<SmallVector<unsigned>> groups) {
    Value value = permute(operand.source, operand.loopDims,
                          concat({groups[0], groups[1], groups[2]}));
    return collapse(value, groups);
  }
};
} // namespace

SmallVector<AffineMap> fp8::getMatmulMaps(MLIRContext *ctx, int64_t batchDims,
                                          bool lhsTransposed,
                                          bool rhsTransposed) {
  unsigned numDims = batchDims + 3;
  SmallVector<AffineExpr> lead;
  for (int64_t i = 0; i < batchDims; ++i)
    lead.push_back(getAffineDimExpr(i, ctx));
  AffineExpr m = getAffineDimExpr(batchDims, ctx);
  AffineExpr n = getAffineDimExpr(batchDims + 1, ctx);
  AffineExpr k = getAffineDimExpr(batchDims + 2, ctx);
  auto map = [&](AffineExpr x, AffineExpr y) {
    SmallVector<AffineExpr> exprs(lead);
    exprs.append({x, y});
    return AffineMap::get(numDims, 0, exprs, ctx);
  };
  return {lhsTransposed ? map(k, m) : map(m, k),
          rhsTransposed ? map(n, k) : map(k, n), map(m, n)};
}

NormalizedContraction
fp8::normalizeContraction(RewriterBase &rewriter,
                          const Contraction &contraction) {
  linalg::LinalgOp op = contraction.op;
  MLIRContext *ctx = op.getContext();
  NormalizedContraction result;
  Normalizer normalizer{rewriter, op.getLoc(), result.created};
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);

  const Contraction &c = contraction;
  // A: [batch, M, K] or [batch, K, M].
  using Groups = SmallVector<SmallVector<unsigned>>;
  Value lhs =
      normalizer.flatten(c.lhs, c.lhsTransposed ? Groups{c.batch, c.k, c.m}
                                                : Groups{c.batch, c.m, c.k});
  // B: [batch, K, N] or [batch, N, K].
  Value rhs =
      normalizer.flatten(c.rhs, c.rhsTransposed ? Groups{c.batch, c.n, c.k}
                                                : Groups{c.batch, c.k, c.n});
  // C: [batch, M, N], as the match guarantees; [batch, N, M] (the op's
  // order) when the product is transposed.
  Value init = op.getDpsInits()[0];
  Groups resultGroups = {c.batch, c.m, c.n};
  Groups opGroups =
      c.resultTransposed ? Groups{c.batch, c.n, c.m} : resultGroups;
  Value productInit =
      normalizer.permute(init, concat({opGroups[0], opGroups[1], opGroups[2]}),
                         concat({c.batch, c.m, c.n}));
  Value flatInit = normalizer.collapse(productInit, resultGroups);
  SmallVector<ReassociationIndices> reassociation =
      Normalizer::reassociationOf(opGroups);

  SmallVector<NamedAttribute> attrs;
  bool batch = !c.batch.empty();
  // The fp8 attributes (config, role, amax grid) carry over.
  for (NamedAttribute attr : op->getDiscardableAttrs())
    if (attr.getName().getValue().starts_with("fp8."))
      attrs.push_back(attr);
  Operation *matmul;
  if (batch)
    matmul = linalg::BatchMatmulOp::create(
        rewriter, op.getLoc(), TypeRange{flatInit.getType()},
        ValueRange{lhs, rhs}, ValueRange{flatInit}, attrs);
  else
    matmul = linalg::MatmulOp::create(
        rewriter, op.getLoc(), TypeRange{flatInit.getType()},
        ValueRange{lhs, rhs}, ValueRange{flatInit}, attrs);
  // Set after creation: BatchMatmulOp's builder does not take the maps.
  if (c.lhsTransposed || c.rhsTransposed)
    matmul->setAttr("indexing_maps",
                    rewriter.getAffineMapArrayAttr(getMatmulMaps(
                        ctx, batch ? 1 : 0, c.lhsTransposed, c.rhsTransposed)));
  result.matmul = cast<linalg::LinalgOp>(matmul);
  Value flat = matmul->getResult(0);
  if (c.resultTransposed) {
    // [batch, N, M] flattened back to the op's [batch, M, N].
    auto flatType = cast<RankedTensorType>(flat.getType());
    SmallVector<unsigned> dims =
        llvm::to_vector(llvm::seq<unsigned>(0, flatType.getRank()));
    SmallVector<unsigned> order = dims;
    std::swap(order[order.size() - 1], order[order.size() - 2]);
    flat = normalizer.permute(flat, order, dims);
  }
  if (flat.getType() == init.getType()) {
    result.result = flat;
    return result;
  }
  auto expand = tensor::ExpandShapeOp::create(
      rewriter, op.getLoc(), init.getType(), flat, reassociation,
      tensor::getMixedSizes(rewriter, op.getLoc(), init));
  result.created.push_back(expand);
  result.result = expand.getResult();
  return result;
}
