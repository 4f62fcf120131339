//===- PipelinePasses.cpp - passes of the fp8 pipelines -------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The passes the pipelines add around upstream's (Passes.td): aggregate ops
// decomposed, device math without the ROCm library, aligned workgroup
// memory, and the final check that everything was lowered.
//
//===----------------------------------------------------------------------===//

#include "fp8/Pipelines/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace fp8 {
#define GEN_PASS_DEF_FP8DECOMPOSEAGGREGATES
#define GEN_PASS_DEF_FP8APPROXIMATEDEVICEMATH
#define GEN_PASS_DEF_FP8ALIGNWORKGROUPMEMORY
#define GEN_PASS_DEF_FP8CHECKLOWERED
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
