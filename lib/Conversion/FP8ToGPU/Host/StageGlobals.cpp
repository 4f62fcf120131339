//===- StageGlobals.cpp - host constants copied for the GPU ---------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// --fp8-stage-globals-for-gpu: memref.get_global in host code becomes an
// allocated copy, so that kernels never read host-only constants; a
// mutable global is an error.
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/FP8ToGPU/FP8ToGPU.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir {
namespace fp8 {
#define GEN_PASS_DEF_FP8STAGEGLOBALSFORGPU
#include "fp8/Conversion/Passes.h.inc"
} // namespace fp8
} // namespace mlir

using namespace mlir;
using namespace mlir::fp8;

namespace {
/// memref.get_global -> memref.alloc + memref.copy in host code. The copy
/// reads the global through a get_global marked `fp8.staged`, which the
/// pattern then leaves alone.
struct StageGlobalForGPU : public OpRewritePattern<memref::GetGlobalOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(memref::GetGlobalOp op,
                                PatternRewriter &rewriter) const override {
    if (op->hasAttr("fp8.staged"))
      return rewriter.notifyMatchFailure(op, "already staged");
    if (op->getParentOfType<gpu::GPUModuleOp>())
      return rewriter.notifyMatchFailure(op, "device code");
    MemRefType type = op.getType();
    if (!type.hasStaticShape() || !type.getLayout().isIdentity())
      return rewriter.notifyMatchFailure(op, "not a static identity memref");
    Location loc = op.getLoc();
    auto source =
        memref::GetGlobalOp::create(rewriter, loc, type, op.getName());
    source->setAttr("fp8.staged", rewriter.getUnitAttr());
    Value copy = memref::AllocOp::create(
        rewriter, loc, MemRefType::get(type.getShape(), type.getElementType()));
    memref::CopyOp::create(rewriter, loc, source, copy);
    rewriter.replaceOp(op, copy);
    return success();
  }
};

struct FP8StageGlobalsForGPUPass
    : public fp8::impl::FP8StageGlobalsForGPUBase<FP8StageGlobalsForGPUPass> {
  using Base::Base;

  void runOnOperation() override {
    // A copy of a mutable global would take the kernels' and the host's
    // writes away from it (the next get_global would read the old values):
    // only constant globals are staged.
    SymbolTableCollection symbols;
    WalkResult mutableGlobal = getOperation()->walk([&](memref::GetGlobalOp op) {
      if (op->getParentOfType<gpu::GPUModuleOp>())
        return WalkResult::advance();
      auto global = symbols.lookupNearestSymbolFrom<memref::GlobalOp>(
          op, op.getNameAttr());
      if (!global || global.getConstant())
        return WalkResult::advance();
      op.emitOpError() << "reads the mutable global @" << op.getName()
                       << ", which GPU programs cannot share between host "
                          "and kernels (mark it constant, or pass the data "
                          "as an argument)";
      return WalkResult::interrupt();
    });
    if (mutableGlobal.wasInterrupted())
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    populateFP8StageGlobalsForGPUPatterns(patterns);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
    // The marker has done its job.
    getOperation()->walk(
        [](memref::GetGlobalOp op) { op->removeAttr("fp8.staged"); });
  }
};
} // namespace

void fp8::populateFP8StageGlobalsForGPUPatterns(RewritePatternSet &patterns) {
  patterns.add<StageGlobalForGPU>(patterns.getContext());
}
