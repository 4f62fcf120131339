//===- FP8ToLinalg.h - Reference lowering of fp8 ops ------------*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef FP8_CONVERSION_FP8TOLINALG_FP8TOLINALG_H
#define FP8_CONVERSION_FP8TOLINALG_FP8TOLINALG_H

#include "mlir/IR/Value.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class FloatType;
class Location;
class OpBuilder;
class RewritePatternSet;
class Value;
namespace fp8 {

#define GEN_PASS_DECL_FP8LOWERTOLINALG
#include "fp8/Conversion/Passes.h.inc"

/// Adds patterns lowering fp8.amax, fp8.amax_to_scale, fp8.cast and
/// fp8.scaled_matmul to linalg/tensor/arith/math ops on tensors, with the
/// numerics of SPEC section 1. fp8 truncf/extf remain in the output.
void populateFP8ToLinalgPatterns(RewritePatternSet &patterns);

/// The scalar computation of `fp8.amax_to_scale` (SPEC section 1, torchao's
/// amax_to_scale): f32(f64(max(dtype)) / max(f64(amax), 1e-12)), rounded
/// down to a power of two when asked; NaN stays NaN. `amax` is an f32 value.
Value buildAmaxToScale(OpBuilder &b, Location loc, Value amax, FloatType dtype,
                       bool roundToPowerOf2);

/// The f32 bounds -max(dtype), max(dtype) that `fp8.cast` saturates its
/// scaled input to before rounding (SPEC section 1).
struct SaturationBounds {
  Value lo, hi;
};
SaturationBounds buildSaturationBounds(OpBuilder &b, Location loc,
                                       FloatType dtype);

/// min(max(x, lo), hi) on f32 values (NaN stays NaN).
Value buildSaturate(OpBuilder &b, Location loc, Value x,
                    SaturationBounds bounds);

} // namespace fp8
} // namespace mlir

#endif // FP8_CONVERSION_FP8TOLINALG_FP8TOLINALG_H
