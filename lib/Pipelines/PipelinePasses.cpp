//===- PipelinePasses.cpp - passes of the fp8 pipelines -------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The passes the pipelines add around upstream's (Passes.td): aggregate ops
// decomposed, device math without the ROCm library, aligned workgroup
// memory, buffers freed after their last use, and the final check that
// everything was lowered.
//
//===----------------------------------------------------------------------===//

#include "fp8/Pipelines/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace fp8 {
#define GEN_PASS_DEF_FP8DECOMPOSEAGGREGATES
#define GEN_PASS_DEF_FP8APPROXIMATEDEVICEMATH
#define GEN_PASS_DEF_FP8ALIGNWORKGROUPMEMORY
#define GEN_PASS_DEF_FP8FREEAFTERLASTUSE
#define GEN_PASS_DEF_FP8SPLITDEALLOCS
#define GEN_PASS_DEF_FP8CHECKLOWERED
#define GEN_PASS_DEF_FP8STRIPATTRIBUTES
#define GEN_PASS_DEF_FP8UNSHAREEMPTYTENSORS
#include "fp8/Pipelines/Passes.h.inc"
} // namespace fp8
} // namespace mlir

using namespace mlir;
using namespace mlir::fp8;

namespace {
struct FP8DecomposeAggregatesPass
    : public fp8::impl::FP8DecomposeAggregatesBase<
          FP8DecomposeAggregatesPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<linalg::AggregatedOpInterface> aggregates;
    getOperation()->walk(
        [&](linalg::AggregatedOpInterface op) { aggregates.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::AggregatedOpInterface op : aggregates) {
      rewriter.setInsertionPoint(op);
      FailureOr<SmallVector<Value>> values = op.decomposeOperation(rewriter);
      if (succeeded(values))
        rewriter.replaceOp(op, *values);
    }
  }
};

/// floor(x) = t - (x < t), t = trunc(x): exact for every x (NaN, +-inf and
/// -0 included), without llvm.intr.floor, which ROCDL sends to __ocml.
static void replaceFloor(math::FloorOp floor) {
  OpBuilder b(floor);
  Location loc = floor.getLoc();
  Value x = floor.getOperand();
  Value t = LLVM::FTruncOp::create(b, loc, x);
  Value one = arith::ConstantOp::create(
      b, loc, b.getFloatAttr(getElementTypeOrSelf(x.getType()), 1.0));
  if (auto vector = dyn_cast<VectorType>(x.getType()))
    one = vector::BroadcastOp::create(b, loc, vector, one);
  Value below =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, t);
  floor.replaceAllUsesWith(
      arith::SelectOp::create(b, loc, below,
                              arith::SubFOp::create(b, loc, t, one), t)
          .getResult());
  floor.erase();
}

struct FP8ApproximateDeviceMathPass
    : public fp8::impl::FP8ApproximateDeviceMathBase<
          FP8ApproximateDeviceMathPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    math::populateExpansionPatterns(patterns);
    populateMathPolynomialApproximationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    getOperation()->walk(replaceFloor);
  }
};

struct FP8AlignWorkgroupMemoryPass
    : public fp8::impl::FP8AlignWorkgroupMemoryBase<
          FP8AlignWorkgroupMemoryPass> {
  using Base::Base;

  void runOnOperation() override {
    StringRef align = LLVM::LLVMDialect::getAlignAttrName();
    Builder b(&getContext());
    getOperation().walk([&](gpu::GPUFuncOp func) {
      for (unsigned i = 0, e = func.getNumWorkgroupAttributions(); i < e; ++i)
        if (!func.getWorkgroupAttributionAttr(i, align))
          func.setWorkgroupAttributionAttr(i, align,
                                           b.getI64IntegerAttr(alignment));
    });
  }
};

/// The last op of `block` that uses `buffer` (allocated in `block`) or one
/// of its aliases, or a value computed from an address taken from one (a
/// TMA descriptor built from it, the launch that reads the descriptor);
/// failure when the buffer may outlive the block (an alias reaches the
/// block's terminator).
static FailureOr<Operation *> lastUseInBlock(Value buffer, Block *block) {
  Operation *last = nullptr;
  SmallVector<Value> worklist = {buffer};
  DenseSet<Value> seen = {buffer};
  auto track = [&](Value value) {
    if (seen.insert(value).second)
      worklist.push_back(value);
  };
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    bool isAddress = !isa<BaseMemRefType>(value.getType());
    for (Operation *user : value.getUsers()) {
      Operation *ancestor = block->findAncestorOpInBlock(*user);
      if (!ancestor)
        return failure();
      if (ancestor == &block->back() &&
          block->back().hasTrait<OpTrait::IsTerminator>())
        return failure();
      if (isa<memref::DeallocOp, gpu::DeallocOp>(user))
        continue;
      if (!last || last->isBeforeInBlock(ancestor))
        last = ancestor;
      // Aliases: memrefs that views, casts, calls and ops with regions
      // return (a nested terminator forwards one to the op that holds it).
      // Addresses: everything computed from one.
      for (Value result : user->getResults())
        if (isAddress || isa<BaseMemRefType>(result.getType()) ||
            isa<memref::ExtractAlignedPointerAsIndexOp>(user))
          track(result);
      if (user->hasTrait<OpTrait::IsTerminator>() && user != ancestor)
        for (Value result : ancestor->getResults())
          if (isAddress || isa<BaseMemRefType>(result.getType()))
            track(result);
    }
  }
  return last;
}

struct FP8FreeAfterLastUsePass
    : public fp8::impl::FP8FreeAfterLastUseBase<FP8FreeAfterLastUsePass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<Operation *> deallocs;
    getOperation()->walk([&](Operation *op) {
      if (isa<memref::DeallocOp>(op))
        deallocs.push_back(op);
      else if (auto dealloc = dyn_cast<gpu::DeallocOp>(op);
               dealloc && dealloc.getAsyncDependencies().empty() &&
               !dealloc.getAsyncToken())
        deallocs.push_back(op);
    });
    for (Operation *dealloc : deallocs) {
      Value buffer = dealloc->getOperand(dealloc->getNumOperands() - 1);
      Operation *def = buffer.getDefiningOp();
      Block *block = dealloc->getBlock();
      if (!def || def->getBlock() != block ||
          !hasEffect<MemoryEffects::Allocate>(def, buffer))
        continue;
      FailureOr<Operation *> last = lastUseInBlock(buffer, block);
      if (failed(last))
        continue;
      Operation *after = *last ? *last : def;
      if (after->isBeforeInBlock(dealloc))
        dealloc->moveAfter(after);
    }
  }
};

/// The allocation `value` is (a view or the base buffer of), when it is a
/// memref.alloc or memref.alloca; null otherwise.
static Operation *getAllocation(Value value) {
  while (true) {
    if (auto view = value.getDefiningOp<ViewLikeOpInterface>())
      value = view.getViewSource();
    else if (auto metadata =
                 value.getDefiningOp<memref::ExtractStridedMetadataOp>())
      value = metadata.getSource();
    else
      break;
  }
  Operation *def = value.getDefiningOp();
  return isa_and_nonnull<memref::AllocOp, memref::AllocaOp>(def) ? def
                                                                 : nullptr;
}

struct FP8UnshareEmptyTensorsPass
    : public fp8::impl::FP8UnshareEmptyTensorsBase<
          FP8UnshareEmptyTensorsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<tensor::EmptyOp> shared;
    getOperation()->walk([&](tensor::EmptyOp op) {
      RankedTensorType type = op.getType();
      if (type.hasStaticShape() && type.getNumElements() <= maxElements &&
          !op->hasOneUse() && !op->use_empty())
        shared.push_back(op);
    });
    OpBuilder builder(&getContext());
    for (tensor::EmptyOp op : shared) {
      // Uses in the empty's own block get clones (one use keeps the
      // original); uses in nested regions (a loop body) keep sharing it, so
      // that no allocation moves into a loop.
      SmallVector<OpOperand *> uses;
      for (OpOperand &use : op->getUses())
        if (use.getOwner()->getBlock() == op->getBlock())
          uses.push_back(&use);
      for (OpOperand *use : llvm::drop_begin(uses)) {
        builder.setInsertionPoint(use->getOwner());
        use->set(builder.clone(*op)->getResult(0));
      }
    }
  }
};

struct FP8StripAttributesPass
    : public fp8::impl::FP8StripAttributesBase<FP8StripAttributesPass> {
  void runOnOperation() override {
    auto isFp8 = [](NamedAttribute attr) {
      return attr.getName().getValue().starts_with("fp8.");
    };
    getOperation()->walk([&](Operation *op) {
      for (NamedAttribute attr : llvm::to_vector(op->getDiscardableAttrs()))
        if (isFp8(attr))
          op->removeDiscardableAttr(attr.getName());
      auto function = dyn_cast<FunctionOpInterface>(op);
      if (!function)
        return;
      for (unsigned i = 0; i < function.getNumArguments(); ++i)
        for (NamedAttribute attr : llvm::to_vector(function.getArgAttrs(i)))
          if (isFp8(attr))
            function.removeArgAttr(i, attr.getName());
      for (unsigned i = 0; i < function.getNumResults(); ++i)
        for (NamedAttribute attr : llvm::to_vector(function.getResultAttrs(i)))
          if (isFp8(attr))
            function.removeResultAttr(i, attr.getName());
    });
  }
};

struct FP8SplitDeallocsPass
    : public fp8::impl::FP8SplitDeallocsBase<FP8SplitDeallocsPass> {
  void runOnOperation() override {
    SmallVector<bufferization::DeallocOp> deallocs;
    getOperation()->walk([&](bufferization::DeallocOp op) {
      if (op.getMemrefs().size() > 1)
        deallocs.push_back(op);
    });
    for (bufferization::DeallocOp op : deallocs)
      split(op);
  }

  static void split(bufferization::DeallocOp op) {
    // Buffers under a constant false condition (the function's arguments)
    // are neither freed nor passed on: they drop out.
    SmallVector<Value> memrefs, conditions;
    SmallVector<Operation *> allocations;
    DenseSet<Operation *> seen;
    for (auto [memref, condition] :
         llvm::zip(op.getMemrefs(), op.getConditions())) {
      if (matchPattern(condition, m_Zero()))
        continue;
      Operation *allocation = getAllocation(memref);
      if (!allocation || !seen.insert(allocation).second)
        return;
      memrefs.push_back(memref);
      conditions.push_back(condition);
      allocations.push_back(allocation);
    }
    // The retained values each buffer may alias: those of its allocation
    // and those not of any allocation of the function.
    SmallVector<Operation *> retainedAllocations;
    for (Value retained : op.getRetained())
      retainedAllocations.push_back(getAllocation(retained));
    OpBuilder b(op);
    Location loc = op.getLoc();
    SmallVector<Value> updated(op.getRetained().size());
    for (auto [memref, condition, allocation] :
         llvm::zip(memrefs, conditions, allocations)) {
      SmallVector<Value> retained;
      SmallVector<unsigned> positions;
      for (auto [index, value] : llvm::enumerate(op.getRetained()))
        if (!retainedAllocations[index] ||
            retainedAllocations[index] == allocation) {
          retained.push_back(value);
          positions.push_back(index);
        }
      auto single = bufferization::DeallocOp::create(
          b, loc, ValueRange{memref}, ValueRange{condition}, retained);
      for (auto [position, result] :
           llvm::zip(positions, single.getUpdatedConditions()))
        updated[position] =
            updated[position]
                ? arith::OrIOp::create(b, loc, updated[position], result)
                      .getResult()
                : result;
    }
    for (auto [result, value] : llvm::zip(op.getUpdatedConditions(), updated))
      result.replaceAllUsesWith(
          value ? value
                : arith::ConstantIntOp::create(b, loc, 0, 1).getResult());
    op.erase();
  }
};

struct FP8CheckLoweredPass
    : public fp8::impl::FP8CheckLoweredBase<FP8CheckLoweredPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<Operation *> left, casts;
    getOperation()->walk([&](Operation *op) {
      if (op == getOperation().getOperation() || isLowered(op))
        return WalkResult::skip();
      (isa<UnrealizedConversionCastOp>(op) ? casts : left).push_back(op);
      return WalkResult::skip();
    });
    for (Operation *op : left.empty() ? casts : left)
      op->emitError() << pipeline << ": '" << op->getName()
                      << "' is not lowered to the LLVM dialect (this "
                         "pipeline has no lowering for it)";
    if (!left.empty() || !casts.empty())
      signalPassFailure();
  }

  static bool isLowered(Operation *op) {
    return isa<LLVM::LLVMDialect>(op->getDialect()) ||
           isa<gpu::BinaryOp, gpu::LaunchFuncOp>(op);
  }
};
} // namespace
