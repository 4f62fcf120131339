//===- SoftFP8.h - Software 8-bit float conversions -------------*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef FP8_CONVERSION_SOFTFP8_SOFTFP8_H
#define FP8_CONVERSION_SOFTFP8_SOFTFP8_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
namespace fp8 {

#define GEN_PASS_DECL_FP8SOFTCONVERSIONS
#include "fp8/Conversion/Passes.h.inc"

/// Options of the software conversions.
struct SoftFP8Options {
  /// Clamp out-of-range values (and infinities) to the largest finite value
  /// instead of producing inf/NaN as APFloat's round-to-nearest-even does.
  bool saturate = false;
  /// Also expand f32 -> bf16 truncations (round to nearest even).
  bool expandBF16 = true;
};

/// Adds patterns that expand arith.truncf to, arith.extf from, and
/// arith.constant of 8-bit float types (scalar or vector) into integer
/// arithmetic on i8 bit patterns joined by arith.bitcast, and arith.truncf
/// from f32 to bf16 likewise (LLVM would call __truncsfbf2 for it).
void populateSoftFP8ConversionPatterns(RewritePatternSet &patterns,
                                       const SoftFP8Options &options = {});

} // namespace fp8
} // namespace mlir

#endif // FP8_CONVERSION_SOFTFP8_SOFTFP8_H
