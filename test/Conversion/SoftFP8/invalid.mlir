// RUN: fp8-opt %s -split-input-file -verify-diagnostics --fp8-soft-conversions

func.func @rounding_mode(%x: f32) -> f8E4M3FN {
  // expected-error@+1 {{cannot expand this 8-bit float conversion in software (supported: from f64/f32/f16/bf16 with round-to-nearest-even, to any float)}}
  %0 = arith.truncf %x to_nearest_away : f32 to f8E4M3FN
  return %0 : f8E4M3FN
}
