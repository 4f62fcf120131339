// An NVIDIA chip without float8 (sm_80, sm_86): the NVVM pipeline rejects
// it up front (chip-invalid.mlir); the rewrite for such a chip rejects the
// GEMM's float8 types.
// RUN: fp8-opt %s -split-input-file -verify-diagnostics --fp8-rewrite-matmul="chip=sm_80"
// RUN: fp8-opt %s -split-input-file -verify-diagnostics --fp8-rewrite-matmul="chip=sm_86"

func.func @ampere(%a: tensor<16x32xbf16>, %b: tensor<32x64xbf16>) -> tensor<16x64xbf16> {
  %e = tensor.empty() : tensor<16x64xbf16>
  // expected-error-re@+1 {{f8E4M3FN is not converted in hardware on {{sm_80|sm_86}} (it has no float8 hardware), or set emulate = true}}
  %r = linalg.matmul ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
  return %r : tensor<16x64xbf16>
}

// -----

// grad_output in e5m2 (the tensorwise recipe): the first type the chip
// lacks is reported.
func.func @grad_input(%a: tensor<16x32xbf16>, %b: tensor<32x64xbf16>) -> tensor<16x64xbf16> {
  %e = tensor.empty() : tensor<16x64xbf16>
  // expected-error-re@+1 {{f8E5M2 is not converted in hardware on {{sm_80|sm_86}} (it has no float8 hardware), or set emulate = true}}
  %r = linalg.matmul {fp8.role = "grad_input"} ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
  return %r : tensor<16x64xbf16>
}
