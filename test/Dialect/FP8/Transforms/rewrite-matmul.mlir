// RUN: fp8-opt %s -split-input-file --fp8-rewrite-matmul | FileCheck %s

// Default config (tensorwise), default role (output), bf16.
// CHECK-LABEL: func @tensorwise_output
// CHECK-SAME: (%[[X:.+]]: tensor<16x32xbf16>, %[[W:.+]]: tensor<32x64xbf16>
// CHECK: %[[AX:.+]] = fp8.amax %[[X]] tensorwise : tensor<16x32xbf16> -> tensor<f32>
// CHECK: %[[SX:.+]] = fp8.amax_to_scale %[[AX]] : tensor<f32> for f8E4M3FN
// CHECK: %[[QX:.+]] = fp8.cast %[[X]], %[[SX]] : tensor<16x32xbf16>, tensor<f32> -> tensor<16x32xf8E4M3FN>
// CHECK: %[[AW:.+]] = fp8.amax %[[W]] tensorwise : tensor<32x64xbf16> -> tensor<f32>
// CHECK: %[[SW:.+]] = fp8.amax_to_scale %[[AW]] : tensor<f32> for f8E4M3FN
// CHECK: %[[QW:.+]] = fp8.cast %[[W]], %[[SW]]
// CHECK: %[[R:.+]] = fp8.scaled_matmul %[[QX]], %[[QW]] scales(%[[SX]], %[[SW]]) {gemm = #fp8.gemm<fast_accum = true>}
// CHECK-SAME: -> tensor<16x64xbf16>
// CHECK-NOT: linalg.add
// CHECK-NOT: linalg.matmul
// CHECK: return %[[R]]
func.func @tensorwise_output(%x: tensor<16x32xbf16>, %w: tensor<32x64xbf16>) -> tensor<16x64xbf16> {
  %zero = arith.constant 0.0 : bf16
  %e = tensor.empty() : tensor<16x64xbf16>
  %init = linalg.fill ins(%zero : bf16) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
  %r = linalg.matmul ins(%x, %w : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%init : tensor<16x64xbf16>) -> tensor<16x64xbf16>
  return %r : tensor<16x64xbf16>
}

// -----

// tensorwise recipe, all three roles: grad_output is e5m2, only the output
// gemm accumulates fast.
// CHECK-LABEL: func @tensorwise_roles
// CHECK: fp8.amax_to_scale %{{.+}} : tensor<f32> for f8E4M3FN
// CHECK: fp8.amax_to_scale %{{.+}} : tensor<f32> for f8E4M3FN
// CHECK: fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<fast_accum = true>}
// CHECK: fp8.amax_to_scale %{{.+}} : tensor<f32> for f8E5M2
// CHECK: fp8.amax_to_scale %{{.+}} : tensor<f32> for f8E4M3FN
// CHECK: fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<>} : tensor<16x32xf8E5M2>, tensor<32x64xf8E4M3FN>
// CHECK: fp8.amax_to_scale %{{.+}} : tensor<f32> for f8E5M2
// CHECK: fp8.amax_to_scale %{{.+}} : tensor<f32> for f8E4M3FN
// CHECK: fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<>} : tensor<16x32xf8E5M2>, tensor<32x64xf8E4M3FN>
func.func @tensorwise_roles(%a: tensor<16x32xbf16>, %b: tensor<32x64xbf16>, %c: tensor<16x64xbf16>)
    -> (tensor<16x64xbf16>, tensor<16x64xbf16>, tensor<16x64xbf16>) attributes {fp8.config = #fp8.linear<recipe = tensorwise>} {
  %e = tensor.empty() : tensor<16x64xbf16>
  %0 = linalg.matmul {fp8.role = "output"} ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
  %1 = linalg.matmul {fp8.role = "grad_input"} ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
  %2 = linalg.matmul {fp8.role = "grad_weight"} ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
  return %0, %1, %2 : tensor<16x64xbf16>, tensor<16x64xbf16>, tensor<16x64xbf16>
}

// -----

// rowwise: every operand axiswise e4m3 over the contraction dim (A: one scale
// per row, B: one per column), power-of-2 scales.
// CHECK-LABEL: func @rowwise_roles
// CHECK-COUNT-3: fp8.amax %{{.+}} axiswise(1) : tensor<16x32xbf16> -> tensor<16x1xf32>
// CHECK-NOT: tensorwise
// CHECK-LABEL: func @rowwise_output
// CHECK: %[[AA:.+]] = fp8.amax %{{.+}} axiswise(1) : tensor<16x32xbf16> -> tensor<16x1xf32>
// CHECK: %[[SA:.+]] = fp8.amax_to_scale %[[AA]] {round_to_power_of_2} : tensor<16x1xf32> for f8E4M3FN
// CHECK: %[[AB:.+]] = fp8.amax %{{.+}} axiswise(0) : tensor<32x64xbf16> -> tensor<1x64xf32>
// CHECK: %[[SB:.+]] = fp8.amax_to_scale %[[AB]] {round_to_power_of_2} : tensor<1x64xf32> for f8E4M3FN
// CHECK: fp8.scaled_matmul %{{.+}}, %{{.+}} scales(%[[SA]], %[[SB]]) {gemm = #fp8.gemm<fast_accum = true>} : tensor<16x32xf8E4M3FN>, tensor<32x64xf8E4M3FN>, tensor<16x1xf32>, tensor<1x64xf32> -> tensor<16x64xbf16>
// CHECK-LABEL: func @rowwise_grads
// CHECK-COUNT-2: fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<>} : tensor<16x32xf8E4M3FN>, tensor<32x64xf8E4M3FN>, tensor<16x1xf32>, tensor<1x64xf32>
module attributes {fp8.config = #fp8.linear<recipe = rowwise>} {
  func.func @rowwise_roles(%a: tensor<16x32xbf16>, %b: tensor<32x64xbf16>, %c: tensor<16x64xbf16>)
      -> (tensor<16x64xbf16>, tensor<16x64xbf16>, tensor<16x64xbf16>) {
    %e = tensor.empty() : tensor<16x64xbf16>
    %0 = linalg.matmul {fp8.role = "output"} ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
    %1 = linalg.matmul {fp8.role = "grad_input"} ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
    %2 = linalg.matmul {fp8.role = "grad_weight"} ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
    return %0, %1, %2 : tensor<16x64xbf16>, tensor<16x64xbf16>, tensor<16x64xbf16>
  }
  func.func @rowwise_output(%a: tensor<16x32xbf16>, %b: tensor<32x64xbf16>) -> tensor<16x64xbf16> {
    %e = tensor.empty() : tensor<16x64xbf16>
    %0 = linalg.matmul ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
    return %0 : tensor<16x64xbf16>
  }
  func.func @rowwise_grads(%a: tensor<16x32xbf16>, %b: tensor<32x64xbf16>) -> (tensor<16x64xbf16>, tensor<16x64xbf16>) {
    %e = tensor.empty() : tensor<16x64xbf16>
    %1 = linalg.matmul {fp8.role = "grad_input"} ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
    %2 = linalg.matmul {fp8.role = "grad_weight"} ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
    return %1, %2 : tensor<16x64xbf16>, tensor<16x64xbf16>
  }
}

// -----

// rowwise_with_gw_hp: output axiswise x axiswise, grad_input axiswise x
// tensorwise weight, grad_weight stays a bf16 linalg.matmul; no pow2.
// CHECK-LABEL: func @rowwise_with_gw_hp
// CHECK: fp8.amax %{{.+}} axiswise(1) : tensor<16x32xbf16> -> tensor<16x1xf32>
// CHECK: fp8.amax_to_scale %{{.+}} : tensor<16x1xf32> for f8E4M3FN
// CHECK: fp8.amax %{{.+}} axiswise(0) : tensor<32x64xbf16> -> tensor<1x64xf32>
// CHECK: fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<fast_accum = true>} : tensor<16x32xf8E4M3FN>, tensor<32x64xf8E4M3FN>, tensor<16x1xf32>, tensor<1x64xf32>
// CHECK: fp8.amax %{{.+}} axiswise(1) : tensor<16x32xbf16> -> tensor<16x1xf32>
// CHECK: fp8.amax_to_scale %{{.+}} : tensor<16x1xf32> for f8E4M3FN
// CHECK: fp8.amax %{{.+}} tensorwise : tensor<32x64xbf16> -> tensor<f32>
// CHECK: fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<>} : tensor<16x32xf8E4M3FN>, tensor<32x64xf8E4M3FN>, tensor<16x1xf32>, tensor<f32>
// CHECK: %[[GW:.+]] = linalg.matmul {fp8.role = "grad_weight"} ins(%{{.+}}, %{{.+}} : tensor<16x32xbf16>, tensor<32x64xbf16>)
// CHECK: return {{.+}}, {{.+}}, %[[GW]]
func.func @rowwise_with_gw_hp(%a: tensor<16x32xbf16>, %b: tensor<32x64xbf16>)
    -> (tensor<16x64xbf16>, tensor<16x64xbf16>, tensor<16x64xbf16>) attributes {fp8.config = #fp8.linear<recipe = rowwise_with_gw_hp>} {
  %e = tensor.empty() : tensor<16x64xbf16>
  %0 = linalg.matmul {fp8.role = "output"} ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
  %1 = linalg.matmul {fp8.role = "grad_input"} ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
  %2 = linalg.matmul {fp8.role = "grad_weight"} ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
  return %0, %1, %2 : tensor<16x64xbf16>, tensor<16x64xbf16>, tensor<16x64xbf16>
}

// -----

// Precedence: the op's fp8.config wins over its function's, which wins over
// the module's.
// CHECK-LABEL: func @precedence
// CHECK: fp8.amax %{{.+}} tensorwise
// CHECK: fp8.amax_to_scale %{{.+}} : tensor<f32> for f8E4M3FN
// CHECK: fp8.scaled_matmul {{.+}} {emulate, gemm = #fp8.gemm<fast_accum = true>}
// CHECK: fp8.amax %{{.+}} axiswise(1)
// CHECK: fp8.amax_to_scale %{{.+}} {round_to_power_of_2}
// CHECK-LABEL: func @module_default
// CHECK: fp8.amax %{{.+}} axiswise(1)
// CHECK: fp8.amax_to_scale %{{.+}} : tensor<16x1xf32> for f8E4M3FN
module attributes {fp8.config = #fp8.linear<recipe = rowwise_with_gw_hp>} {
  func.func @precedence(%a: tensor<16x32xbf16>, %b: tensor<32x64xbf16>) -> (tensor<16x64xbf16>, tensor<16x64xbf16>)
      attributes {fp8.config = #fp8.linear<recipe = rowwise>} {
    %e = tensor.empty() : tensor<16x64xbf16>
    %0 = linalg.matmul {fp8.config = #fp8.linear<emulate = true>} ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
    %1 = linalg.matmul ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
    return %0, %1 : tensor<16x64xbf16>, tensor<16x64xbf16>
  }
  func.func @module_default(%a: tensor<16x32xbf16>, %b: tensor<32x64xbf16>) -> tensor<16x64xbf16> {
    %e = tensor.empty() : tensor<16x64xbf16>
    %0 = linalg.matmul ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
    return %0 : tensor<16x64xbf16>
  }
}

// -----

// The usual nn.Linear layout: the weight is stored N x K (indexing map
// (n, k)); the cast happens in the stored layout and the fp8 weight and its
// axiswise scale are transposed for the gemm.
// CHECK-LABEL: func @transposed_weight
// CHECK: fp8.amax %{{.+}} axiswise(1) : tensor<64x32xbf16> -> tensor<64x1xf32>
// CHECK: %[[Q:.+]] = fp8.cast %{{.+}} -> tensor<64x32xf8E4M3FN>
// CHECK: %[[QT:.+]] = linalg.transpose ins(%[[Q]] : tensor<64x32xf8E4M3FN>) outs(%{{.+}} : tensor<32x64xf8E4M3FN>) permutation = [1, 0]
// CHECK: %[[ST:.+]] = linalg.transpose ins(%{{.+}} : tensor<64x1xf32>) outs(%{{.+}} : tensor<1x64xf32>) permutation = [1, 0]
// CHECK: fp8.scaled_matmul %{{.+}}, %[[QT]] scales(%{{.+}}, %[[ST]])
func.func @transposed_weight(%x: tensor<16x32xbf16>, %w: tensor<64x32xbf16>) -> tensor<16x64xbf16>
    attributes {fp8.config = #fp8.linear<recipe = rowwise>} {
  %e = tensor.empty() : tensor<16x64xbf16>
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w : tensor<16x32xbf16>, tensor<64x32xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
  return %r : tensor<16x64xbf16>
}

// -----

// A stored K x M (as grad_output^T is in the grad_weight gemm):
// A's contraction dim is its dim 0.
// CHECK-LABEL: func @transposed_lhs
// CHECK: fp8.amax %{{.+}} axiswise(0) : tensor<32x16xf32> -> tensor<1x16xf32>
// CHECK: linalg.transpose ins(%{{.+}} : tensor<32x16xf8E4M3FN>) outs(%{{.+}} : tensor<16x32xf8E4M3FN>)
// CHECK: linalg.transpose ins(%{{.+}} : tensor<1x16xf32>) outs(%{{.+}} : tensor<16x1xf32>)
// CHECK: fp8.scaled_matmul {{.+}} : tensor<16x32xf8E4M3FN>, tensor<32x64xf8E4M3FN>, tensor<16x1xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
func.func @transposed_lhs(%a: tensor<32x16xf32>, %b: tensor<32x64xf32>) -> tensor<16x64xf32>
    attributes {fp8.config = #fp8.linear<recipe = rowwise>} {
  %e = tensor.empty() : tensor<16x64xf32>
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : tensor<32x16xf32>, tensor<32x64xf32>) outs(%e : tensor<16x64xf32>) -> tensor<16x64xf32>
  return %r : tensor<16x64xf32>
}

// -----

// batch_matmul: per-batch tensorwise and axiswise scales.
// CHECK-LABEL: func @batch_tensorwise
// CHECK: fp8.amax %{{.+}} tensorwise batch(1) : tensor<4x16x32xf16> -> tensor<4x1x1xf32>
// CHECK: fp8.amax %{{.+}} tensorwise batch(1) : tensor<4x32x64xf16> -> tensor<4x1x1xf32>
// CHECK: fp8.scaled_matmul {{.+}} : tensor<4x16x32xf8E4M3FN>, tensor<4x32x64xf8E4M3FN>, tensor<4x1x1xf32>, tensor<4x1x1xf32> -> tensor<4x16x64xf16>
// CHECK-LABEL: func @batch_rowwise
// CHECK: fp8.amax %{{.+}} axiswise(2) batch(1) : tensor<4x16x32xf16> -> tensor<4x16x1xf32>
// CHECK: fp8.amax %{{.+}} axiswise(1) batch(1) : tensor<4x32x64xf16> -> tensor<4x1x64xf32>
// CHECK: fp8.scaled_matmul {{.+}} : tensor<4x16x32xf8E4M3FN>, tensor<4x32x64xf8E4M3FN>, tensor<4x16x1xf32>, tensor<4x1x64xf32> -> tensor<4x16x64xf16>
func.func @batch_tensorwise(%a: tensor<4x16x32xf16>, %b: tensor<4x32x64xf16>) -> tensor<4x16x64xf16> {
  %e = tensor.empty() : tensor<4x16x64xf16>
  %r = linalg.batch_matmul ins(%a, %b : tensor<4x16x32xf16>, tensor<4x32x64xf16>) outs(%e : tensor<4x16x64xf16>) -> tensor<4x16x64xf16>
  return %r : tensor<4x16x64xf16>
}
func.func @batch_rowwise(%a: tensor<4x16x32xf16>, %b: tensor<4x32x64xf16>) -> tensor<4x16x64xf16>
    attributes {fp8.config = #fp8.linear<recipe = rowwise>} {
  %e = tensor.empty() : tensor<4x16x64xf16>
  %r = linalg.batch_matmul ins(%a, %b : tensor<4x16x32xf16>, tensor<4x32x64xf16>) outs(%e : tensor<4x16x64xf16>) -> tensor<4x16x64xf16>
  return %r : tensor<4x16x64xf16>
}

// -----

// A non-zero init is added after the scaled product.
// CHECK-LABEL: func @accumulate
// CHECK-SAME: %[[C:[a-z0-9]+]]: tensor<16x64xf32>
// CHECK: %[[P:.+]] = fp8.scaled_matmul
// CHECK: %[[S:.+]] = linalg.add ins(%[[P]], %[[C]] : tensor<16x64xf32>, tensor<16x64xf32>) outs(%[[C]] : tensor<16x64xf32>)
// CHECK: return %[[S]]
func.func @accumulate(%a: tensor<16x32xf32>, %b: tensor<32x64xf32>, %c: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<16x32xf32>, tensor<32x64xf32>) outs(%c : tensor<16x64xf32>) -> tensor<16x64xf32>
  return %r : tensor<16x64xf32>
}

// -----

// Dynamic shapes convert when K and N are known multiples of 16.
// CHECK-LABEL: func @dynamic_m
// CHECK: fp8.amax %{{.+}} axiswise(1) : tensor<?x32xbf16> -> tensor<?x1xf32>
// CHECK: fp8.scaled_matmul {{.+}} : tensor<?x32xf8E4M3FN>, tensor<32x64xf8E4M3FN>, tensor<?x1xf32>, tensor<1x64xf32> -> tensor<?x64xbf16>
func.func @dynamic_m(%a: tensor<?x32xbf16>, %b: tensor<32x64xbf16>, %c: tensor<?x64xbf16>) -> tensor<?x64xbf16>
    attributes {fp8.config = #fp8.linear<recipe = rowwise>} {
  %r = linalg.matmul ins(%a, %b : tensor<?x32xbf16>, tensor<32x64xbf16>) outs(%c : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return %r : tensor<?x64xbf16>
}

// -----

// pad_inner_dim zero-pads K = 40 to 48 after the cast (fp8 zeros).
// CHECK-LABEL: func @pad_inner_dim
// CHECK: %[[QA:.+]] = fp8.cast {{.+}} -> tensor<32x40xf8E4M3FN>
// CHECK: %[[QB:.+]] = fp8.cast {{.+}} -> tensor<40x16xf8E4M3FN>
// CHECK: %[[Z:.+]] = arith.constant 0.000000e+00 : f8E4M3FN
// CHECK: %[[PA:.+]] = tensor.pad %[[QA]] low[0, 0] high[0, 8]
// CHECK: } : tensor<32x40xf8E4M3FN> to tensor<32x48xf8E4M3FN>
// CHECK: %[[PB:.+]] = tensor.pad %[[QB]] low[0, 0] high[8, 0]
// CHECK: } : tensor<40x16xf8E4M3FN> to tensor<48x16xf8E4M3FN>
// CHECK: fp8.scaled_matmul %[[PA]], %[[PB]]
func.func @pad_inner_dim(%a: tensor<32x40xbf16>, %b: tensor<40x16xbf16>) -> tensor<32x16xbf16>
    attributes {fp8.config = #fp8.linear<pad_inner_dim = true>} {
  %e = tensor.empty() : tensor<32x16xbf16>
  %r = linalg.matmul ins(%a, %b : tensor<32x40xbf16>, tensor<40x16xbf16>) outs(%e : tensor<32x16xbf16>) -> tensor<32x16xbf16>
  return %r : tensor<32x16xbf16>
}

// -----

// A dynamic K is padded by (16 - K % 16) % 16.
// CHECK-LABEL: func @pad_dynamic_k
// CHECK: %[[K:.+]] = tensor.dim
// CHECK: %[[REM:.+]] = arith.remui %[[K]], %[[C16:.+]] : index
// CHECK: %[[MISS:.+]] = arith.subi %[[C16]], %[[REM]] : index
// CHECK: %[[HIGH:.+]] = arith.remui %[[MISS]], %[[C16]] : index
// CHECK: tensor.pad %{{.+}} low[0, 0] high[0, %[[HIGH]]]
// CHECK: } : tensor<16x?xf8E4M3FN> to tensor<16x?xf8E4M3FN>
func.func @pad_dynamic_k(%a: tensor<16x?xbf16>, %b: tensor<?x16xbf16>) -> tensor<16x16xbf16>
    attributes {fp8.config = #fp8.linear<pad_inner_dim = true>} {
  %e = tensor.empty() : tensor<16x16xbf16>
  %r = linalg.matmul ins(%a, %b : tensor<16x?xbf16>, tensor<?x16xbf16>) outs(%e : tensor<16x16xbf16>) -> tensor<16x16xbf16>
  return %r : tensor<16x16xbf16>
}

// -----

// emulate has no alignment constraint and marks the scaled matmul.
// CHECK-LABEL: func @emulate_unaligned
// CHECK: fp8.scaled_matmul {{.+}} {emulate, gemm = #fp8.gemm<fast_accum = true>} : tensor<3x5xf8E4M3FN>, tensor<5x7xf8E4M3FN>
func.func @emulate_unaligned(%a: tensor<3x5xf32>, %b: tensor<5x7xf32>) -> tensor<3x7xf32>
    attributes {fp8.config = #fp8.linear<emulate = true>} {
  %e = tensor.empty() : tensor<3x7xf32>
  %r = linalg.matmul ins(%a, %b : tensor<3x5xf32>, tensor<5x7xf32>) outs(%e : tensor<3x7xf32>) -> tensor<3x7xf32>
  return %r : tensor<3x7xf32>
}

// -----

// Matmuls nested in other ops are rewritten; other ops are untouched.
// CHECK-LABEL: func @in_loop
// CHECK: scf.for
// CHECK:   arith.addf
// CHECK:   fp8.scaled_matmul
// CHECK:   scf.yield
func.func @in_loop(%a: tensor<16x32xf32>, %b: tensor<32x64xf32>, %c: tensor<16x64xf32>, %n: index) -> tensor<16x64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %c) -> tensor<16x64xf32> {
    %x = arith.constant 1.0 : f32
    %y = arith.addf %x, %x : f32
    %m = linalg.matmul ins(%a, %b : tensor<16x32xf32>, tensor<32x64xf32>) outs(%acc : tensor<16x64xf32>) -> tensor<16x64xf32>
    scf.yield %m : tensor<16x64xf32>
  }
  return %r : tensor<16x64xf32>
}
