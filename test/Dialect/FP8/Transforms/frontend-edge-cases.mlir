// RUN: fp8-opt %s -split-input-file -verify-diagnostics -mlir-print-op-on-diagnostic=false --fp8-rewrite-matmul="remarks=true" | FileCheck %s

// Edge cases of role inference, selection and normalization found in review.

// Tied weights used the same way twice (ALBERT-style sharing, an unrolled
// RNN): both are forward GEMMs, not grad_input (grad_input contracts the
// weight over its other dim).
// CHECK-LABEL: func @tied
// CHECK-COUNT-2: fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<fast_accum = true>} : tensor<64x32xf8E4M3FN>
func.func @tied(%x: tensor<64x32xbf16>, %w: tensor<32x32xbf16>) -> tensor<64x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x32xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<64x32xf32>) -> tensor<64x32xf32>
  // expected-remark @below {{converted as output (operand 1 is a weight); inferred role output}}
  %y1 = linalg.matmul ins(%x, %w : tensor<64x32xbf16>, tensor<32x32xbf16>) outs(%i : tensor<64x32xf32>) -> tensor<64x32xf32>
  %he = tensor.empty() : tensor<64x32xbf16>
  %h = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%y1 : tensor<64x32xf32>) outs(%he : tensor<64x32xbf16>) {
  ^bb0(%v: f32, %o: bf16):
    %c = arith.constant 0.0 : f32
    %r = arith.maximumf %v, %c : f32
    %t = arith.truncf %r : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<64x32xbf16>
  // expected-remark @below {{converted as output (operand 1 is a weight); inferred role output}}
  %y2 = linalg.matmul ins(%h, %w : tensor<64x32xbf16>, tensor<32x32xbf16>) outs(%i : tensor<64x32xf32>) -> tensor<64x32xf32>
  return %y2 : tensor<64x32xf32>
}

// -----

// f32 operands into a bf16 result: the named matmul's body truncates its
// inputs; it is still a linear layer.
// CHECK-LABEL: func @f32_to_bf16
// CHECK: fp8.scaled_matmul {{.+}} : tensor<64x32xf8E4M3FN>, tensor<32x16xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<64x16xbf16>
func.func @f32_to_bf16(%x: tensor<64x32xf32>, %w: tensor<32x16xf32>, %i: tensor<64x16xbf16>) -> tensor<64x16xbf16> {
  // expected-remark @below {{converted as output}}
  %y = linalg.matmul ins(%x, %w : tensor<64x32xf32>, tensor<32x16xf32>) outs(%i : tensor<64x16xbf16>) -> tensor<64x16xbf16>
  return %y : tensor<64x16xbf16>
}

// -----

// One looked-through transpose feeds both operands (a Gram matrix x x^T):
// erased once, after both operands are cast from x. Not a weight gradient.
// CHECK-LABEL: func @gram
// CHECK-NOT: linalg.transpose ins(%arg0
// CHECK: fp8.amax %arg0 tensorwise
// CHECK: fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<fast_accum = true>}
func.func @gram(%x: tensor<32x64xbf16>) -> tensor<64x64xf32> {
  %zero = arith.constant 0.0 : f32
  %et = tensor.empty() : tensor<64x32xbf16>
  %t = linalg.transpose ins(%x : tensor<32x64xbf16>) outs(%et : tensor<64x32xbf16>) permutation = [1, 0]
  %e = tensor.empty() : tensor<64x64xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
  // expected-remark @below {{converted as output (operand 1 is a weight); inferred role output}}
  %y = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%t, %t : tensor<64x32xbf16>, tensor<64x32xbf16>) outs(%i : tensor<64x64xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %0 = arith.extf %a : bf16 to f32
    %1 = arith.extf %b : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<64x64xf32>
  return %y : tensor<64x64xf32>
}

// -----

// The joint graph of one attention head: the projections are linear layers;
// the forward q @ k^T, p @ v and their backward GEMMs (dP = dO v^T,
// dV = p^T dO, dQ = dS k, dK = dS^T q) are products of activations and
// stay in high precision, backward ones included.
// CHECK-LABEL: func @attn_joint
// CHECK-COUNT-3: fp8.scaled_matmul
// CHECK-NOT: fp8.scaled_matmul
#aid = affine_map<(i, j) -> (i, j)>
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#km = affine_map<(m, n, k) -> (k, m)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @attn_joint(%x: tensor<32x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>)
    -> (tensor<32x64xf32>, tensor<32x64xf32>, tensor<32x64xf32>) {
  %zero = arith.constant 0.0 : f32
  %e64 = tensor.empty() : tensor<32x64xf32>
  %z64 = linalg.fill ins(%zero : f32) outs(%e64 : tensor<32x64xf32>) -> tensor<32x64xf32>
  %e32 = tensor.empty() : tensor<32x32xf32>
  %z32 = linalg.fill ins(%zero : f32) outs(%e32 : tensor<32x32xf32>) -> tensor<32x32xf32>
  // expected-remark @below {{converted as output (operand 1 is a weight)}}
  %q = linalg.matmul ins(%x, %wq : tensor<32x64xf32>, tensor<64x64xf32>) outs(%z64 : tensor<32x64xf32>) -> tensor<32x64xf32>
  // expected-remark @below {{converted as output (operand 1 is a weight)}}
  %k = linalg.matmul ins(%x, %wk : tensor<32x64xf32>, tensor<64x64xf32>) outs(%z64 : tensor<32x64xf32>) -> tensor<32x64xf32>
  // expected-remark @below {{converted as output (operand 1 is a weight)}}
  %v = linalg.matmul ins(%x, %wv : tensor<32x64xf32>, tensor<64x64xf32>) outs(%z64 : tensor<32x64xf32>) -> tensor<32x64xf32>
  // expected-remark @below {{stays in high precision: neither operand is a weight}}
  %s = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%q, %k : tensor<32x64xf32>, tensor<32x64xf32>) outs(%z32 : tensor<32x32xf32>) -> tensor<32x32xf32>
  %p = linalg.softmax dimension(1) ins(%s : tensor<32x32xf32>) outs(%e32 : tensor<32x32xf32>) -> tensor<32x32xf32>
  // expected-remark @below {{stays in high precision: neither operand is a weight}}
  %o = linalg.matmul ins(%p, %v : tensor<32x32xf32>, tensor<32x64xf32>) outs(%z64 : tensor<32x64xf32>) -> tensor<32x64xf32>
  // loss = sum(o^2): dO = 2 o
  %do = linalg.generic {indexing_maps = [#aid, #aid], iterator_types = ["parallel", "parallel"]} ins(%o : tensor<32x64xf32>) outs(%e64 : tensor<32x64xf32>) {
  ^bb0(%a: f32, %b: f32):
    %t = arith.addf %a, %a : f32
    linalg.yield %t : f32
  } -> tensor<32x64xf32>
  // expected-remark @below {{stays in high precision: neither operand is a weight}}
  %dp = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%do, %v : tensor<32x64xf32>, tensor<32x64xf32>) outs(%z32 : tensor<32x32xf32>) -> tensor<32x32xf32>
  // expected-remark @below {{stays in high precision: neither operand is a weight}}
  %dv = linalg.matmul indexing_maps = [#km, #kn, #mn] ins(%p, %do : tensor<32x32xf32>, tensor<32x64xf32>) outs(%z64 : tensor<32x64xf32>) -> tensor<32x64xf32>
  // dS = p * (dP - rowsum(p*dP)) (simplified to an elementwise op here)
  %ds = linalg.generic {indexing_maps = [#aid, #aid, #aid], iterator_types = ["parallel", "parallel"]} ins(%p, %dp : tensor<32x32xf32>, tensor<32x32xf32>) outs(%e32 : tensor<32x32xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %t = arith.mulf %a, %b : f32
    linalg.yield %t : f32
  } -> tensor<32x32xf32>
  // expected-remark @below {{stays in high precision: neither operand is a weight}}
  %dq = linalg.matmul ins(%ds, %k : tensor<32x32xf32>, tensor<32x64xf32>) outs(%z64 : tensor<32x64xf32>) -> tensor<32x64xf32>
  // expected-remark @below {{stays in high precision: neither operand is a weight}}
  %dk = linalg.matmul indexing_maps = [#km, #kn, #mn] ins(%ds, %q : tensor<32x32xf32>, tensor<32x64xf32>) outs(%z64 : tensor<32x64xf32>) -> tensor<32x64xf32>
  return %dq, %dk, %dv : tensor<32x64xf32>, tensor<32x64xf32>, tensor<32x64xf32>
}

// -----

// JAX's grad_weight x^T @ g is computed as g^T @ x and transposed back; a
// contraction reading dW then looks through that transpose and reads the
// product with the layouts swapped (it is planned again for them): the cast
// of g^T @ x is transposed, so the product is dW @ z, not dW^T @ z.
// CHECK-LABEL: func @grad_weight_consumed
// CHECK: %[[P:.+]] = fp8.scaled_matmul {{.+}} : tensor<32x64xf8E5M2>, tensor<64x32xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<32x32xf32>
// CHECK: fp8.amax %[[P]] tensorwise
// CHECK: %[[Q:.+]] = fp8.cast %[[P]]
// CHECK: %[[T:.+]] = linalg.transpose ins(%[[Q]] : tensor<32x32xf8E4M3FN>)
// CHECK: fp8.scaled_matmul %[[T]], %{{.+}} : tensor<32x32xf8E4M3FN>, tensor<32x16xf8E4M3FN>
#sxw = affine_map<(h, n, t) -> (t, h)>
#sgw = affine_map<(h, n, t) -> (t, n)>
#sdw = affine_map<(h, n, t) -> (h, n)>
func.func @grad_weight_consumed(%x: tensor<64x32xbf16>, %w: tensor<32x32xbf16>, %z: tensor<32x16xf32>) -> (tensor<32x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x32xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<64x32xf32>) -> tensor<64x32xf32>
  // expected-remark @below {{converted as output}}
  %y = linalg.matmul ins(%x, %w : tensor<64x32xbf16>, tensor<32x32xbf16>) outs(%i : tensor<64x32xf32>) -> tensor<64x32xf32>
  %ge = tensor.empty() : tensor<64x32xbf16>
  %g = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%y : tensor<64x32xf32>) outs(%ge : tensor<64x32xbf16>) {
  ^bb0(%v: f32, %o: bf16):
    %t = arith.truncf %v : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<64x32xbf16>
  %e2 = tensor.empty() : tensor<32x32xf32>
  %i2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<32x32xf32>) -> tensor<32x32xf32>
  // expected-remark @below {{converted as grad_weight}}
  %dw = linalg.generic {indexing_maps = [#sxw, #sgw, #sdw], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %g : tensor<64x32xbf16>, tensor<64x32xbf16>) outs(%i2 : tensor<32x32xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %0 = arith.extf %a : bf16 to f32
    %1 = arith.extf %b : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<32x32xf32>
  %e3 = tensor.empty() : tensor<32x16xf32>
  %i3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<32x16xf32>) -> tensor<32x16xf32>
  // expected-remark @below {{converted as output (the op carries fp8.role or fp8.config)}}
  %u = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      {fp8.role = "output"} ins(%dw, %z : tensor<32x32xf32>, tensor<32x16xf32>) outs(%i3 : tensor<32x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %2 = arith.mulf %a, %b : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<32x16xf32>
  return %u : tensor<32x16xf32>
}
