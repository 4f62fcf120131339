//===- InlineAsm.cpp - PTX the NVVM dialect lacks -------------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "InlineAsm.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

#include <string>

using namespace mlir;

Value mlir::fp8::detail::emitInlinePtx(OpBuilder &b, Location loc,
                                       Type result, ValueRange operands,
                                       StringRef ptx, StringRef constraints,
                                       bool sideEffects) {
  auto op = LLVM::InlineAsmOp::create(
      b, loc, result, operands, ptx, constraints, sideEffects,
      /*is_align_stack=*/false, LLVM::TailCallKind::None,
      /*asm_dialect=*/nullptr, /*operand_attrs=*/nullptr);
  return result ? op.getResult(0) : Value();
}

Type mlir::fp8::detail::getF32Struct(MLIRContext *context, int64_t count) {
  return LLVM::LLVMStructType::getLiteral(
      context, SmallVector<Type>(count, Float32Type::get(context)));
}

SmallVector<Value> mlir::fp8::detail::pinRegisters(OpBuilder &b, Location loc,
                                                   ArrayRef<Value> values) {
  // Output i is tied to input i.
  std::string constraints;
  for (size_t i = 0; i < values.size(); ++i)
    constraints += (i ? ",=f" : "=f");
  for (size_t i = 0; i < values.size(); ++i)
    constraints += "," + std::to_string(i);
  Value result =
      emitInlinePtx(b, loc, getF32Struct(b.getContext(), values.size()),
                    values, "", constraints, /*sideEffects=*/true);
  SmallVector<Value> fields;
  for (size_t i = 0; i < values.size(); ++i)
    fields.push_back(LLVM::ExtractValueOp::create(b, loc, result, i));
  return fields;
}
