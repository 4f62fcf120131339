//===- fp8-attr-fuzzer.cpp - Fuzz the #fp8.* attribute parser -------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Parses arbitrary text as an attribute. Diagnostics are fine; crashes,
// sanitizer reports and a failed round trip (print, parse again, compare)
// are bugs.
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace mlir;

/// A context for the next input. Attributes and types stay uniqued in a
/// context for its lifetime, so it is replaced every 20000 inputs to keep the
/// memory of a long run bounded.
static MLIRContext &getContext() {
  static MLIRContext *ctx = nullptr;
  static unsigned uses = 0;
  if (ctx && ++uses % 20000 == 0) {
    delete ctx;
    ctx = nullptr;
  }
  if (!ctx) {
    ctx = new MLIRContext(MLIRContext::Threading::DISABLED);
    ctx->loadDialect<fp8::FP8Dialect>();
  }
  return *ctx;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096)
    return 0;
  MLIRContext &ctx = getContext();
  ScopedDiagnosticHandler quiet(&ctx, [](Diagnostic &) { return success(); });
  std::string text(reinterpret_cast<const char *>(data), size);
  Attribute attr = parseAttribute(text, &ctx);
  if (!attr || !isa<fp8::FP8Dialect>(attr.getDialect()))
    return 0;
  std::string printed;
  llvm::raw_string_ostream os(printed);
  attr.print(os);
  Attribute again = parseAttribute(printed, &ctx);
  if (again != attr)
    abort(); // printing and parsing must give the same attribute
  return 0;
}
