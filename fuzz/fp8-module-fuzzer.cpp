//===- fp8-module-fuzzer.cpp - Fuzz parsing, verifying and the pipelines --===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Parses arbitrary text as a module, verifies it, and runs
// --fp8-rewrite-matmul and --fp8-cpu-pipeline on it. Diagnostics and pass
// failures are fine; crashes and sanitizer reports are bugs.
//
//===----------------------------------------------------------------------===//

#include "fp8/Pipelines/Pipelines.h"
#include "fp8/Dialect/FP8/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <cstdint>
#include <string>

using namespace mlir;

/// A context for the next input. Attributes and types stay uniqued in a
/// context for its lifetime, so it is replaced every 500 inputs to keep the
/// memory of a long run bounded.
static MLIRContext &getContext() {
  static MLIRContext *ctx = nullptr;
  static unsigned uses = 0;
  if (ctx && ++uses % 500 == 0) {
    delete ctx;
    ctx = nullptr;
  }
  if (!ctx) {
    DialectRegistry registry;
    fp8::registerFP8PipelineDialects(registry);
    ctx = new MLIRContext(registry, MLIRContext::Threading::DISABLED);
    ctx->loadAllAvailableDialects();
  }
  return *ctx;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 8192)
    return 0;
  MLIRContext &ctx = getContext();
  ScopedDiagnosticHandler quiet(&ctx, [](Diagnostic &) { return success(); });
  std::string text(reinterpret_cast<const char *>(data), size);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &ctx);
  if (!module)
    return 0;
  {
    OwningOpRef<ModuleOp> copy = module->clone();
    PassManager pm(&ctx);
    pm.addPass(fp8::createFP8RewriteMatmul());
    (void)pm.run(*copy);
  }
  PassManager pm(&ctx);
  fp8::RewritePipelineOptions options;
  fp8::buildFP8CPUPipeline(pm, options);
  (void)pm.run(*module);
  return 0;
}
