//===- embed.cpp - Using fp8 from a C++ compiler driver -------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
//   fp8-embed FILE.mlir [RECIPE]
//
// Parses FILE, prints the torchao config of the recipe (C++ config API),
// builds the fp8 CPU pipeline into a PassManager from an options struct,
// runs it, and JIT-executes @main with MLIR's ExecutionEngine.
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/Dialect/FP8/Transforms/Passes.h"
#include "fp8/Pipelines/Pipelines.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

int main(int argc, char **argv) {
  if (argc < 2) {
    llvm::errs() << "usage: fp8-embed FILE.mlir [RECIPE]\n";
    return 2;
  }
  std::string recipe = argc > 2 ? argv[2] : "rowwise";

  DialectRegistry registry;
  fp8::registerFP8PipelineDialects(registry);
  registerAllToLLVMIRTranslations(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  // The config API: the recipe's per-gemm operand configs.
  fp8::LinearConfigAttr config = fp8::LinearConfigAttr::getFromRecipeName(
      [&] { return emitError(UnknownLoc::get(&context)); }, &context, recipe);
  if (!config)
    return 1;
  llvm::outs() << "config: " << config << "\n";
  llvm::outs() << "table: "
               << fp8::describeLinearConfig(config, fp8::TypeConfig::OCP)
               << "\n";

  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(argv[1], &context);
  if (!module)
    return 1;

  // The pipeline builder, from an options struct.
  fp8::RewritePipelineOptions options;
  options.recipe = recipe;
  PassManager pm(&context);
  fp8::buildFP8CPUPipeline(pm, options);
  if (failed(pm.run(*module)))
    return 1;
  llvm::outs() << "lowered to the LLVM dialect\n";
  llvm::outs().flush();

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  ExecutionEngineOptions engineOptions;
  std::string runnerUtils = std::string(FP8_LLVM_LIB_DIR) + "/libmlir_runner_utils.so";
  std::string cRunnerUtils = std::string(FP8_LLVM_LIB_DIR) + "/libmlir_c_runner_utils.so";
  SmallVector<StringRef> libs = {runnerUtils, cRunnerUtils};
  engineOptions.sharedLibPaths = libs;
  auto engine = ExecutionEngine::create(*module, engineOptions);
  if (!engine) {
    llvm::errs() << "cannot create the JIT: " << engine.takeError() << "\n";
    return 1;
  }
  if (llvm::Error error = (*engine)->invokePacked("main")) {
    llvm::errs() << "running @main failed: " << error << "\n";
    return 1;
  }
  return 0;
}
