//===- Float8Format.cpp - Bit-level facts about 8-bit floats --------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "fp8/Support/Float8Format.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::fp8;

bool fp8::isFloat8Type(Type type) {
  auto floatType = dyn_cast<FloatType>(type);
  if (!floatType || floatType.getWidth() != 8)
    return false;
  return llvm::APFloat::semanticsPrecision(floatType.getFloatSemantics()) > 1;
}

Float8Format fp8::getFloat8Format(FloatType type) {
  assert(isFloat8Type(type) && "expected an 8-bit float type");
  const llvm::fltSemantics &sem = type.getFloatSemantics();
  Float8Format format;
  format.mantissaBits = llvm::APFloat::semanticsPrecision(sem) - 1;
  format.exponentBits = 7 - format.mantissaBits;
  format.bias = 1 - llvm::APFloat::semanticsMinExponent(sem);
  format.hasInf = llvm::APFloat::semanticsHasInf(sem);
  llvm::APFloat largest = llvm::APFloat::getLargest(sem);
  format.maxFinite = largest.convertToDouble();
  format.maxFiniteBits =
      static_cast<uint8_t>(largest.bitcastToAPInt().getZExtValue());
  format.nanBits = static_cast<uint8_t>(
      llvm::APFloat::getQNaN(sem).bitcastToAPInt().getZExtValue());
  format.negativeZeroIsNaN = !llvm::APFloat::semanticsHasSignedRepr(sem) ||
                             format.nanBits == 0x80;
  format.ieeeNaN = format.hasInf;
  if (format.hasInf)
    format.infBits = static_cast<uint8_t>(
        llvm::APFloat::getInf(sem).bitcastToAPInt().getZExtValue());
  return format;
}

double fp8::getFloat8MaxFinite(FloatType type) {
  return getFloat8Format(type).maxFinite;
}

std::string fp8::getFloat8ShortName(FloatType type) {
  if (isa<Float8E4M3FNType, Float8E4M3FNUZType>(type))
    return "e4m3";
  if (isa<Float8E5M2Type, Float8E5M2FNUZType>(type))
    return "e5m2";
  std::string name;
  llvm::raw_string_ostream os(name);
  type.print(os);
  return name;
}
