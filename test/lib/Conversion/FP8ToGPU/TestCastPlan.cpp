//===- TestCastPlan.cpp - print the cast plan as remarks ------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// --fp8-test-cast-plan: builds the CastPlan of each function for a chip and
// prints it as remarks, one on every fp8.cast (its strategy, and whether it
// absorbs its amax) and one on every fp8.amax (whether a cast absorbs it).
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/FP8ToGPU/CastPlan.h"
#include "fp8/Dialect/FP8/IR/FP8Ops.h"
#include "fp8/Support/GpuTarget.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;
using namespace mlir::fp8;

namespace {
struct TestCastPlanPass
    : public PassWrapper<TestCastPlanPass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestCastPlanPass)

  TestCastPlanPass() = default;
  TestCastPlanPass(const TestCastPlanPass &pass) : PassWrapper(pass) {}

  StringRef getArgument() const final { return "fp8-test-cast-plan"; }
  StringRef getDescription() const final {
    return "Print the cast plan of --fp8-lower-to-gpu as remarks";
  }

  void runOnOperation() override {
    FailureOr<GpuTarget> target = GpuTarget::parse(chip);
    if (failed(target)) {
      getOperation()->emitError() << "unknown chip '" << chip << "'";
      return signalPassFailure();
    }
    CastPlan plan(getOperation(), *target);
    getOperation().walk([&](Operation *op) {
      if (auto cast = dyn_cast<CastOp>(op)) {
        InFlightDiagnostic remark =
            cast.emitRemark()
            << "cast plan: " << stringifyCastStrategy(plan.getStrategy(cast));
        if (plan.getAbsorbedAmax(cast))
          remark << ", absorbs its amax";
      } else if (auto amax = dyn_cast<AmaxOp>(op)) {
        amax.emitRemark() << "cast plan: "
                          << (plan.isAbsorbed(amax) ? "amax absorbed by a cast"
                                                    : "amax kernel");
      }
    });
  }

  Option<std::string> chip{*this, "chip", llvm::cl::desc("target chip"),
                           llvm::cl::init("sm_90a")};
};
} // namespace

namespace mlir::fp8::test {
void registerTestCastPlanPass() { PassRegistration<TestCastPlanPass>(); }
} // namespace mlir::fp8::test
