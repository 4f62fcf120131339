//===- FuzzModule.h - Shared driver of the module fuzzers -------*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Parses arbitrary text as a module and runs a pipeline on it with every
// diagnostic swallowed: diagnostics and pass failures are fine, crashes and
// sanitizer reports are bugs. Each harness (fp8-module-fuzzer for the CPU
// pipeline, fp8-nvvm-fuzzer and fp8-rocdl-fuzzer for the GPU ones) calls
// fuzzModule from its LLVMFuzzerTestOneInput.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_FUZZ_FUZZMODULE_H
#define FP8_FUZZ_FUZZMODULE_H

#include "fp8/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <cstdint>
#include <cstring>
#include <string>

namespace fp8fuzz {

/// A context for the next input. Attributes and types stay uniqued in a
/// context for its lifetime, so it is replaced every 500 inputs to keep the
/// memory of a long run bounded.
inline mlir::MLIRContext &getContext() {
  static mlir::MLIRContext *ctx = nullptr;
  static unsigned uses = 0;
  if (ctx && ++uses % 500 == 0) {
    delete ctx;
    ctx = nullptr;
  }
  if (!ctx) {
    mlir::DialectRegistry registry;
    mlir::fp8::registerFP8PipelineDialects(registry);
    ctx = new mlir::MLIRContext(registry,
                                mlir::MLIRContext::Threading::DISABLED);
    ctx->loadAllAvailableDialects();
  }
  return *ctx;
}

/// Whether `text` would hit a known upstream bug instead of testing fp8:
/// MLIR 22's `linalg.transpose` parser crashes (a null attribute set in
/// NamedAttrList) on malformed `permutation = ...` values such as
/// `<80x96xf8E5M2>`, `[10 ,]` or a stray byte inside the brackets. Inputs
/// where a `permutation` is not followed by `= [i, j, ...]` (integers,
/// commas, spaces) are skipped.
inline bool hitsKnownUpstreamBug(llvm::StringRef text) {
  for (size_t at = text.find("permutation"); at != llvm::StringRef::npos;
       at = text.find("permutation", at + 1)) {
    llvm::StringRef rest = text.drop_front(at + strlen("permutation")).ltrim();
    if (!rest.consume_front("="))
      return true;
    rest = rest.ltrim();
    if (!rest.consume_front("["))
      return true;
    rest = rest.ltrim();
    if (rest.consume_front("]"))
      continue;
    while (true) {
      rest.consume_front("-");
      size_t digits = rest.find_first_not_of("0123456789");
      if (digits == 0 || digits == llvm::StringRef::npos)
        return true;
      rest = rest.drop_front(digits).ltrim();
      if (rest.consume_front("]"))
        break;
      if (!rest.consume_front(","))
        return true;
      rest = rest.ltrim();
    }
  }
  return false;
}

/// Parses `data` (at most 8 KiB) and, if it is a module, runs `build`'s
/// pipeline on it; `before` first runs its own pipeline on a copy.
inline int fuzzModule(
    const uint8_t *data, size_t size,
    llvm::function_ref<void(mlir::OpPassManager &)> build,
    llvm::function_ref<void(mlir::OpPassManager &)> before = nullptr) {
  if (size > 8192)
    return 0;
  mlir::MLIRContext &ctx = getContext();
  mlir::ScopedDiagnosticHandler quiet(
      &ctx, [](mlir::Diagnostic &) { return mlir::success(); });
  std::string text(reinterpret_cast<const char *>(data), size);
  if (hitsKnownUpstreamBug(text))
    return 0;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(text, &ctx);
  if (!module)
    return 0;
  if (before) {
    mlir::OwningOpRef<mlir::ModuleOp> copy = module->clone();
    mlir::PassManager pm(&ctx);
    before(pm);
    (void)pm.run(*copy);
  }
  mlir::PassManager pm(&ctx);
  build(pm);
  (void)pm.run(*module);
  return 0;
}

} // namespace fp8fuzz

#endif // FP8_FUZZ_FUZZMODULE_H
