//===- Float8Format.h - Bit-level facts about 8-bit floats ------*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The one place that knows the encodings of the 8-bit float types (field
// widths, bias, largest finite value, inf/NaN/-0 rules). Everything is derived
// from llvm::APFloat's semantics, so every 8-bit float type MLIR knows is
// covered the same way.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_SUPPORT_FLOAT8FORMAT_H
#define FP8_SUPPORT_FLOAT8FORMAT_H

#include "mlir/IR/BuiltinTypes.h"
#include <cstdint>

namespace mlir {
namespace fp8 {

/// Returns true if `type` is an 8-bit float type with at least one mantissa
/// bit (f8E4M3FN, f8E5M2, the fnuz types, ...; not f8E8M0FNU).
bool isFloat8Type(Type type);

/// How an 8-bit float type encodes its values.
struct Float8Format {
  unsigned exponentBits = 0;
  unsigned mantissaBits = 0;
  /// Exponent bias: a normal value is 2^(field - bias) * 1.mantissa.
  int bias = 0;
  /// Whether the type has infinities (IEEE-style, f8E5M2).
  bool hasInf = false;
  /// Whether NaNs use the IEEE encoding (all-ones exponent, non-zero
  /// mantissa, sign kept), as opposed to a single NaN pattern per sign.
  bool ieeeNaN = false;
  /// Whether 0x80 is the only NaN and there is no negative zero (fnuz).
  bool negativeZeroIsNaN = false;
  /// Bits of the largest finite value (positive).
  uint8_t maxFiniteBits = 0;
  /// Bits of the canonical positive NaN (0x80 for fnuz).
  uint8_t nanBits = 0;
  /// Bits of +infinity when `hasInf`.
  uint8_t infBits = 0;
  /// The largest finite value.
  double maxFinite = 0;

  /// Smallest exponent of a normal value (1 - bias).
  int minNormalExponent() const { return 1 - bias; }
};

/// Returns the encoding facts of an 8-bit float type. `type` must satisfy
/// isFloat8Type.
Float8Format getFloat8Format(FloatType type);

/// Largest finite value of an 8-bit float type (448 for f8E4M3FN).
double getFloat8MaxFinite(FloatType type);

/// Short name torchao uses in `short_str`: "e4m3" for f8E4M3FN and
/// f8E4M3FNUZ, "e5m2" for f8E5M2 and f8E5M2FNUZ, else the type's own name.
std::string getFloat8ShortName(FloatType type);

} // namespace fp8
} // namespace mlir

#endif // FP8_SUPPORT_FLOAT8FORMAT_H
