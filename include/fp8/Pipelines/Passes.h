//===- Passes.h - passes of the fp8 pipelines -------------------*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef FP8_PIPELINES_PASSES_H
#define FP8_PIPELINES_PASSES_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
namespace fp8 {

#define GEN_PASS_DECL
#include "fp8/Pipelines/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "fp8/Pipelines/Passes.h.inc"

} // namespace fp8
} // namespace mlir

#endif // FP8_PIPELINES_PASSES_H
