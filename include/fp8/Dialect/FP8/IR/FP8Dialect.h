//===- FP8Dialect.h - fp8 dialect -------------------------------*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef FP8_DIALECT_FP8_IR_FP8DIALECT_H
#define FP8_DIALECT_FP8_IR_FP8DIALECT_H

#include "fp8/Dialect/FP8/IR/FP8Attrs.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dialect.h"

#include "fp8/Dialect/FP8/IR/FP8OpsDialect.h.inc"

#endif // FP8_DIALECT_FP8_IR_FP8DIALECT_H
