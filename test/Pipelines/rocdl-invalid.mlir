// RUN: fp8-opt %s -split-input-file -verify-diagnostics --fp8-rocdl-pipeline="chip=gfx942 type-config=ocp"

func.func @ocp_on_mi300(%a: tensor<16x32xbf16>, %b: tensor<32x64xbf16>) -> tensor<16x64xbf16> {
  %e = tensor.empty() : tensor<16x64xbf16>
  // expected-error@+1 {{f8E4M3FN is not converted in hardware on gfx942 (MI300 converts f8E4M3FNUZ/f8E5M2FNUZ: use type-config=fnuz (or auto)), or set emulate = true}}
  %r = linalg.matmul ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
  return %r : tensor<16x64xbf16>
}

// -----

func.func @explicit_dtype(%a: tensor<16x32xbf16>, %b: tensor<32x64xbf16>) -> tensor<16x64xbf16>
    attributes {fp8.config = #fp8.linear<input = #fp8.cast<dtype = f8E4M3FNUZ>, input_for_grad_weight = #fp8.cast<dtype = f8E4M3FNUZ>, weight = #fp8.cast<dtype = f8E5M2>, weight_for_grad_input = #fp8.cast<dtype = f8E5M2>>} {
  %e = tensor.empty() : tensor<16x64xbf16>
  // expected-error@+1 {{f8E5M2 is not converted in hardware on gfx942}}
  %r = linalg.matmul ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
  return %r : tensor<16x64xbf16>
}
