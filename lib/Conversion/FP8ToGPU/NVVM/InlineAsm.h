//===- InlineAsm.h - PTX the NVVM dialect lacks -----------------*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Private to lib/Conversion/FP8ToGPU/NVVM: the one builder of inline PTX,
// for what MLIR 22's NVVM dialect has no typed op for: mma.sync with e4m3 /
// e5m2 operands (nvvm.mma.sync rejects those types) and the empty statement
// that keeps accumulator reads below a wgmma wait.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_LIB_CONVERSION_FP8TOGPU_NVVM_INLINEASM_H
#define FP8_LIB_CONVERSION_FP8TOGPU_NVVM_INLINEASM_H

#include "mlir/IR/Builders.h"

namespace mlir::fp8::detail {

/// An inline PTX statement with LLVM `constraints`, returning its result
/// of type `result` (a literal struct for several outputs; null: none).
/// `sideEffects` keeps it in program order with other statements that have
/// side effects.
Value emitInlinePtx(OpBuilder &b, Location loc, Type result,
                    ValueRange operands, StringRef ptx, StringRef constraints,
                    bool sideEffects);

/// A literal struct of `count` f32 fields.
Type getF32Struct(MLIRContext *context, int64_t count);

/// Passes the f32 `values` through an empty statement with side effects:
/// code that reads the results cannot move above the statement before it
/// (a wgmma wait, which the registers do not depend on).
SmallVector<Value> pinRegisters(OpBuilder &b, Location loc,
                                ArrayRef<Value> values);

} // namespace mlir::fp8::detail

#endif // FP8_LIB_CONVERSION_FP8TOGPU_NVVM_INLINEASM_H
