//===- fp8-opt.cpp - fp8 optimizer driver ---------------------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// mlir-opt with the fp8 dialect, passes and pipelines, and the upstream
// dialects and passes the pipelines use. No logic lives here.
//
//===----------------------------------------------------------------------===//

#include "fp8/Pipelines/Pipelines.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

namespace mlir::fp8::test {
void registerTestCastPlanPass();
} // namespace mlir::fp8::test

/// The test passes of test/lib, as mlir-opt's.
static void registerTestPasses() {
  mlir::fp8::test::registerTestCastPlanPass();
}

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::fp8::registerFP8PipelineDialects(registry);

  // Upstream passes the pipelines are made of, for step-by-step use.
  mlir::registerTransformsPasses();
  mlir::registerConversionPasses();
  mlir::registerLinalgPasses();
  mlir::bufferization::registerBufferizationPasses();
  mlir::bufferization::registerBufferizationPipelines();
  mlir::memref::registerMemRefPasses();
  mlir::registerGPUPasses();

  mlir::fp8::registerAllFP8Passes();
  registerTestPasses();

  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "fp8 optimizer driver\n", registry));
}
