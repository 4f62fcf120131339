//===- TruncFToNVVM.cpp - arith.truncf to fp8 on NVIDIA -------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Scalar arith.truncf f32 -> f8E4M3FN/f8E5M2 as the saturating hardware
// conversion (--fp8-truncf-to-nvvm).
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/FP8ToGPU/FP8ToGPU.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir {
namespace fp8 {
#define GEN_PASS_DEF_FP8TRUNCFTONVVM
#include "fp8/Conversion/Passes.h.inc"
} // namespace fp8
} // namespace mlir

using namespace mlir;
using namespace mlir::fp8;

namespace {
/// arith.truncf f32 -> f8E4M3FN/f8E5M2 as cvt.rn.satfinite.{e4m3,e5m2}x2.f32
/// (the value in the low byte, 0 in the high one).
struct TruncFToNVVM : public OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern<arith::TruncFOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &rewriter) const override {
    Type target = op.getType();
    if (!isa<Float8E4M3FNType, Float8E5M2Type>(target) ||
        !op.getIn().getType().isF32())
      return rewriter.notifyMatchFailure(op, "not a scalar f32 -> OCP fp8");
    Location loc = op.getLoc();
    Value zero =
        arith::ConstantOp::create(rewriter, loc, rewriter.getF32FloatAttr(0));
    Value pair = NVVM::ConvertF32x2ToF8x2Op::create(
        rewriter, loc, rewriter.getI16Type(), zero, op.getIn(),
        NVVM::FPRoundingModeAttr::get(rewriter.getContext(),
                                      NVVM::FPRoundingMode::RN),
        NVVM::SaturationModeAttr::get(rewriter.getContext(),
                                      NVVM::SaturationMode::SATFINITE),
        rewriter.getBoolAttr(false), TypeAttr::get(target));
    Value low =
        arith::TruncIOp::create(rewriter, loc, rewriter.getI8Type(), pair);
    rewriter.replaceOpWithNewOp<arith::BitcastOp>(op, target, low);
    return success();
  }
};

struct FP8TruncFToNVVMPass
    : public fp8::impl::FP8TruncFToNVVMBase<FP8TruncFToNVVMPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFP8TruncFToNVVMPatterns(patterns);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};
} // namespace

void fp8::populateFP8TruncFToNVVMPatterns(RewritePatternSet &patterns) {
  patterns.add<TruncFToNVVM>(patterns.getContext());
}
