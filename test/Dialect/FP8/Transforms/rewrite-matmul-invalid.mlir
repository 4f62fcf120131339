// RUN: fp8-opt %s -split-input-file -verify-diagnostics --fp8-rewrite-matmul

func.func @misaligned(%a: tensor<16x40xbf16>, %b: tensor<40x24xbf16>) -> tensor<16x24xbf16> {
  %e = tensor.empty() : tensor<16x24xbf16>
  // expected-warning@+1 {{matmul stays in high precision: K = 40 and N = 24 must be known multiples of 16 for the float8 gemm (set pad_inner_dim = true to pad K, or emulate = true)}}
  %r = linalg.matmul ins(%a, %b : tensor<16x40xbf16>, tensor<40x24xbf16>) outs(%e : tensor<16x24xbf16>) -> tensor<16x24xbf16>
  return %r : tensor<16x24xbf16>
}

// -----

func.func @dynamic_k(%a: tensor<16x?xbf16>, %b: tensor<?x32xbf16>) -> tensor<16x32xbf16> {
  %e = tensor.empty() : tensor<16x32xbf16>
  // expected-warning@+1 {{matmul stays in high precision: K = ? must be known multiples of 16 for the float8 gemm}}
  %r = linalg.matmul ins(%a, %b : tensor<16x?xbf16>, tensor<?x32xbf16>) outs(%e : tensor<16x32xbf16>) -> tensor<16x32xbf16>
  return %r : tensor<16x32xbf16>
}

// -----

func.func @padded_but_n(%a: tensor<16x40xbf16>, %b: tensor<40x24xbf16>) -> tensor<16x24xbf16>
    attributes {fp8.config = #fp8.linear<pad_inner_dim = true>} {
  %e = tensor.empty() : tensor<16x24xbf16>
  // expected-warning@+1 {{matmul stays in high precision: N = 24 must be known multiples of 16 for the float8 gemm (set emulate = true to convert it anyway)}}
  %r = linalg.matmul ins(%a, %b : tensor<16x40xbf16>, tensor<40x24xbf16>) outs(%e : tensor<16x24xbf16>) -> tensor<16x24xbf16>
  return %r : tensor<16x24xbf16>
}

// -----

func.func @bad_role(%a: tensor<16x32xbf16>, %b: tensor<32x64xbf16>) -> tensor<16x64xbf16> {
  %e = tensor.empty() : tensor<16x64xbf16>
  // expected-error@+1 {{'fp8.role' must be "output", "grad_input" or "grad_weight"}}
  %r = linalg.matmul {fp8.role = "input"} ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
  return %r : tensor<16x64xbf16>
}

// -----

func.func @role_not_string(%a: tensor<16x32xbf16>, %b: tensor<32x64xbf16>) -> tensor<16x64xbf16> {
  %e = tensor.empty() : tensor<16x64xbf16>
  // expected-error@+1 {{'fp8.role' must be "output", "grad_input" or "grad_weight"}}
  %r = linalg.matmul {fp8.role = 1 : i32} ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
  return %r : tensor<16x64xbf16>
}

// -----

func.func @config_not_linear(%a: tensor<16x32xbf16>, %b: tensor<32x64xbf16>) -> tensor<16x64xbf16>
    attributes {fp8.config = #fp8.cast<>} {
  %e = tensor.empty() : tensor<16x64xbf16>
  // expected-error@+1 {{'fp8.config' must be a #fp8.linear<...> attribute}}
  %r = linalg.matmul ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
  return %r : tensor<16x64xbf16>
}

// -----

func.func @memref_matmul(%a: memref<16x32xf32>, %b: memref<32x64xf32>, %c: memref<16x64xf32>) {
  // expected-warning@+1 {{only matmuls on tensors are rewritten}}
  linalg.matmul ins(%a, %b : memref<16x32xf32>, memref<32x64xf32>) outs(%c : memref<16x64xf32>)
  return
}

// -----

func.func @int_matmul(%a: tensor<16x32xi8>, %b: tensor<32x64xi8>, %c: tensor<16x64xi32>) -> tensor<16x64xi32> {
  // expected-warning@+1 {{operand and result element types must be bf16, f16 or f32}}
  %r = linalg.matmul ins(%a, %b : tensor<16x32xi8>, tensor<32x64xi8>) outs(%c : tensor<16x64xi32>) -> tensor<16x64xi32>
  return %r : tensor<16x64xi32>
}

// -----

// A broadcast operand (rank-1 A) is not a layout the rewrite knows.
func.func @broadcast_maps(%a: tensor<32xf32>, %b: tensor<32x64xf32>, %c: tensor<16x64xf32>) -> tensor<16x64xf32> {
  // expected-warning@+1 {{unsupported indexing maps (only plain and transposed operands are rewritten)}}
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : tensor<32xf32>, tensor<32x64xf32>) outs(%c : tensor<16x64xf32>) -> tensor<16x64xf32>
  return %r : tensor<16x64xf32>
}

// -----

module {
  gpu.module @amd [#rocdl.target<chip = "gfx942">] {}
  // expected-error@+1 {{conflicting GPU targets: 'gfx942' uses the fnuz float8 types but 'sm_90a' uses the ocp ones; compile them separately or set type-config explicitly}}
  gpu.module @nv [#nvvm.target<chip = "sm_90a">] {}
}
