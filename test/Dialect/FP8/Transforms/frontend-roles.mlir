// RUN: fp8-opt %s -split-input-file -verify-diagnostics -mlir-print-op-on-diagnostic=false --fp8-rewrite-matmul="remarks=true" | FileCheck %s
// RUN: fp8-opt %s -split-input-file -mlir-print-op-on-diagnostic=false --fp8-rewrite-matmul="recipe=rowwise_with_gw_hp remarks=true" 2>&1 | FileCheck %s --check-prefix=GWHP
// RUN: fp8-opt %s -split-input-file -mlir-print-op-on-diagnostic=false --fp8-rewrite-matmul="convert=all" | FileCheck %s --check-prefix=ALL

// Roles and selection for IR without fp8.role, as frontends print it. Under
// tensorwise the roles are visible in the types: grad_output is cast to
// e5m2 in the grad_input and grad_weight GEMMs, and only the output GEMM
// accumulates fast.

// JAX value_and_grad of a 3-D dense layer (stablehlo-legalize-to-linalg):
// forward x @ W, grad_input g @ W^T, grad_weight x^T @ g over batch and
// sequence.
// CHECK-LABEL: func @jax_joint_3d
// CHECK: fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<fast_accum = true>} : tensor<128x64xf8E4M3FN>, tensor<64x128xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<128x128xf32>
// CHECK: fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<>} : tensor<128x128xf8E5M2>, tensor<128x64xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<128x64xf32>
// The gradient is the rhs of JAX's grad_weight: the rewrite computes the
// transposed product g^T @ x, as torchao does, and transposes the result.
// CHECK: %[[DW:.+]] = fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<>} : tensor<128x128xf8E5M2>, tensor<128x64xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<128x64xf32>
// CHECK: linalg.transpose ins(%[[DW]] : tensor<128x64xf32>) outs(%{{.+}} : tensor<64x128xf32>)
// rowwise_with_gw_hp keeps grad_weight in high precision.
// GWHP: remark: converted as output
// GWHP: remark: converted as grad_input
// GWHP: remark: stays in high precision: both operands stay in high precision
// GWHP-LABEL: func @jax_joint_3d
// GWHP-COUNT-2: fp8.scaled_matmul
// GWHP-NOT: fp8.scaled_matmul
// GWHP: linalg.generic {{.+}}"reduction", "reduction"
#x3 = affine_map<(b, s, n, h) -> (b, s, h)>
#w3 = affine_map<(b, s, n, h) -> (h, n)>
#y3 = affine_map<(b, s, n, h) -> (b, s, n)>
#g3 = affine_map<(b, s, h, n) -> (b, s, n)>
#wt3 = affine_map<(b, s, h, n) -> (h, n)>
#dx3 = affine_map<(b, s, h, n) -> (b, s, h)>
#xw = affine_map<(h, n, b, s) -> (b, s, h)>
#gw = affine_map<(h, n, b, s) -> (b, s, n)>
#dw = affine_map<(h, n, b, s) -> (h, n)>
#id3 = affine_map<(b, s, n) -> (b, s, n)>
func.func @jax_joint_3d(%x: tensor<4x32x64xbf16>, %w: tensor<64x128xbf16>)
    -> (tensor<4x32x64xf32>, tensor<64x128xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x32x128xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x32x128xf32>) -> tensor<4x32x128xf32>
  // expected-remark @below {{converted as output (operand 1 is a weight); inferred role output: no backward dataflow reaches it; normalized to a matmul on flattened operands}}
  %y = linalg.generic {indexing_maps = [#x3, #w3, #y3], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x32x64xbf16>, tensor<64x128xbf16>) outs(%init : tensor<4x32x128xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %0 = arith.extf %a : bf16 to f32
    %1 = arith.extf %b : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<4x32x128xf32>
  // d(sum(y^2))/dy = 2y, as bf16
  %ge = tensor.empty() : tensor<4x32x128xbf16>
  %g = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%y : tensor<4x32x128xf32>) outs(%ge : tensor<4x32x128xbf16>) {
  ^bb0(%v: f32, %o: bf16):
    %two = arith.addf %v, %v : f32
    %t = arith.truncf %two : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<4x32x128xbf16>
  %e1 = tensor.empty() : tensor<4x32x64xf32>
  %init1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<4x32x64xf32>) -> tensor<4x32x64xf32>
  // expected-remark @below {{converted as grad_input (a backward GEMM of a linear layer); inferred role grad_input: operand 1 (the weight) also feeds the contraction at}}
  %dx = linalg.generic {indexing_maps = [#g3, #wt3, #dx3], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%g, %w : tensor<4x32x128xbf16>, tensor<64x128xbf16>) outs(%init1 : tensor<4x32x64xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %0 = arith.extf %a : bf16 to f32
    %1 = arith.extf %b : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<4x32x64xf32>
  %e2 = tensor.empty() : tensor<64x128xf32>
  %init2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<64x128xf32>) -> tensor<64x128xf32>
  // expected-remark @below {{converted as grad_weight (a backward GEMM of a linear layer); inferred role grad_weight: both operands are contracted over its 2 leading (batch and sequence) dims; operand 1 (the gradient) depends on the contraction at}}
  %dw = linalg.generic {indexing_maps = [#xw, #gw, #dw], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %g : tensor<4x32x64xbf16>, tensor<4x32x128xbf16>) outs(%init2 : tensor<64x128xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %0 = arith.extf %a : bf16 to f32
    %1 = arith.extf %b : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<64x128xf32>
  return %dx, %dw : tensor<4x32x64xf32>, tensor<64x128xf32>
}

// -----

// torch (aot_autograd joint graph, torch-mlir): y = x @ W^T with W [out, in]
// transposed by linalg.transpose, grad_input g @ W, grad_weight g^T @ x.
// The float8 casts read W and g as stored.
// CHECK-LABEL: func @torch_joint_2d
// CHECK-SAME: (%[[X:[^:]+]]: tensor<64x32xbf16>, %[[W:[^:]+]]: tensor<16x32xbf16>)
// CHECK: fp8.amax %[[X]] tensorwise
// CHECK: fp8.amax %[[W]] tensorwise
// CHECK: fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<fast_accum = true>} : tensor<64x32xf8E4M3FN>, tensor<32x16xf8E4M3FN>
// CHECK: fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<>} : tensor<64x16xf8E5M2>, tensor<16x32xf8E4M3FN>
// CHECK: fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<>} : tensor<16x64xf8E5M2>, tensor<64x32xf8E4M3FN>
// CHECK-NOT: linalg.matmul
// ALL-LABEL: func @torch_joint_2d
// ALL-COUNT-3: fp8.scaled_matmul
func.func @torch_joint_2d(%x: tensor<64x32xbf16>, %w: tensor<16x32xbf16>) -> (tensor<64x32xf32>, tensor<16x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<32x16xbf16>
  %wt = linalg.transpose ins(%w : tensor<16x32xbf16>) outs(%e0 : tensor<32x16xbf16>) permutation = [1, 0]
  %e1 = tensor.empty() : tensor<64x16xf32>
  %i1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<64x16xf32>) -> tensor<64x16xf32>
  // expected-remark @below {{converted as output (operand 1 is a weight); inferred role output}}
  %y = linalg.matmul ins(%x, %wt : tensor<64x32xbf16>, tensor<32x16xbf16>) outs(%i1 : tensor<64x16xf32>) -> tensor<64x16xf32>
  %e2 = tensor.empty() : tensor<64x16xbf16>
  %g = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%y : tensor<64x16xf32>) outs(%e2 : tensor<64x16xbf16>) {
  ^bb0(%v: f32, %o: bf16):
    %two = arith.addf %v, %v : f32
    %t = arith.truncf %two : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<64x16xbf16>
  %e3 = tensor.empty() : tensor<64x32xf32>
  %i3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<64x32xf32>) -> tensor<64x32xf32>
  // expected-remark @below {{converted as grad_input (a backward GEMM of a linear layer); inferred role grad_input: operand 1 (the weight) also feeds the contraction at}}
  %dx = linalg.matmul ins(%g, %w : tensor<64x16xbf16>, tensor<16x32xbf16>) outs(%i3 : tensor<64x32xf32>) -> tensor<64x32xf32>
  %e4 = tensor.empty() : tensor<16x64xbf16>
  %gt = linalg.transpose ins(%g : tensor<64x16xbf16>) outs(%e4 : tensor<16x64xbf16>) permutation = [1, 0]
  %e5 = tensor.empty() : tensor<16x32xf32>
  %i5 = linalg.fill ins(%zero : f32) outs(%e5 : tensor<16x32xf32>) -> tensor<16x32xf32>
  // expected-remark @below {{converted as grad_weight (a backward GEMM of a linear layer); inferred role grad_weight: both operands are contracted over their leading (token) dim; operand 0 (the gradient) depends on the contraction at}}
  %dw = linalg.matmul ins(%gt, %x : tensor<16x64xbf16>, tensor<64x32xbf16>) outs(%i5 : tensor<16x32xf32>) -> tensor<16x32xf32>
  return %dx, %dw : tensor<64x32xf32>, tensor<16x32xf32>
}

// -----

// aot_autograd's partitioned backward graph: no forward GEMM to pair with.
// The gradient feeds both GEMMs; the one contracting the token axis is
// grad_weight, the other grad_input.
// CHECK-LABEL: func @torch_backward_graph
// CHECK: fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<>} : tensor<64x16xf8E5M2>, tensor<16x32xf8E4M3FN>
// CHECK: fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<>} : tensor<16x64xf8E5M2>, tensor<64x32xf8E4M3FN>
func.func @torch_backward_graph(%x: tensor<64x32xbf16>, %w: tensor<16x32xbf16>, %g: tensor<64x16xbf16>) -> (tensor<64x32xbf16>, tensor<16x32xbf16>) {
  %zero = arith.constant 0.0 : bf16
  %e3 = tensor.empty() : tensor<64x32xbf16>
  %i3 = linalg.fill ins(%zero : bf16) outs(%e3 : tensor<64x32xbf16>) -> tensor<64x32xbf16>
  // expected-remark @below {{converted as grad_input (a backward GEMM of a linear layer); inferred role grad_input: operand 0 is the gradient of the grad_weight contraction at}}
  %dx = linalg.matmul ins(%g, %w : tensor<64x16xbf16>, tensor<16x32xbf16>) outs(%i3 : tensor<64x32xbf16>) -> tensor<64x32xbf16>
  %e4 = tensor.empty() : tensor<16x64xbf16>
  %gt = linalg.transpose ins(%g : tensor<64x16xbf16>) outs(%e4 : tensor<16x64xbf16>) permutation = [1, 0]
  %e5 = tensor.empty() : tensor<16x32xbf16>
  %i5 = linalg.fill ins(%zero : bf16) outs(%e5 : tensor<16x32xbf16>) -> tensor<16x32xbf16>
  // expected-remark @below {{converted as grad_weight (a backward GEMM of a linear layer); inferred role grad_weight: both operands are contracted over their leading (token) dim; operand 0 (the gradient) also feeds a linear-layer GEMM of the function}}
  %dw = linalg.matmul ins(%gt, %x : tensor<16x64xbf16>, tensor<64x32xbf16>) outs(%i5 : tensor<16x32xbf16>) -> tensor<16x32xbf16>
  return %dx, %dw : tensor<64x32xbf16>, tensor<16x32xbf16>
}

// -----

// Attention: q and k are projections (activations), so q @ k^T stays in
// high precision; the projections themselves are linear layers. An
// explicit fp8.role always wins.
// CHECK-LABEL: func @attention
// CHECK-COUNT-2: fp8.scaled_matmul
// CHECK: linalg.matmul
// CHECK: fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<>} : tensor<64x32xf8E5M2>
// ALL-LABEL: func @attention
// ALL-COUNT-4: fp8.scaled_matmul
// ALL-NOT: linalg.matmul
func.func @attention(%x: tensor<64x32xbf16>, %wq: tensor<32x32xbf16>, %wk: tensor<32x32xbf16>) -> (tensor<64x64xf32>, tensor<64x64xf32>) {
  %zero = arith.constant 0.0 : bf16
  %e = tensor.empty() : tensor<64x32xbf16>
  %i = linalg.fill ins(%zero : bf16) outs(%e : tensor<64x32xbf16>) -> tensor<64x32xbf16>
  // expected-remark @below {{converted as output (operand 1 is a weight)}}
  %q = linalg.matmul ins(%x, %wq : tensor<64x32xbf16>, tensor<32x32xbf16>) outs(%i : tensor<64x32xbf16>) -> tensor<64x32xbf16>
  // expected-remark @below {{converted as output (operand 1 is a weight)}}
  %k = linalg.matmul ins(%x, %wk : tensor<64x32xbf16>, tensor<32x32xbf16>) outs(%i : tensor<64x32xbf16>) -> tensor<64x32xbf16>
  %z = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<64x64xf32>
  %is = linalg.fill ins(%z : f32) outs(%es : tensor<64x64xf32>) -> tensor<64x64xf32>
  // expected-remark @below {{stays in high precision: neither operand is a weight (a function argument, constant or parameter), so it is an activation x activation product such as attention; convert=all converts it, fp8.weight marks weight arguments}}
  %s = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%q, %k : tensor<64x32xbf16>, tensor<64x32xbf16>) outs(%is : tensor<64x64xf32>) -> tensor<64x64xf32>
  // expected-remark @below {{converted as grad_input (the op carries fp8.role or fp8.config)}}
  %s2 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      {fp8.role = "grad_input"} ins(%q, %k : tensor<64x32xbf16>, tensor<64x32xbf16>) outs(%is : tensor<64x64xf32>) -> tensor<64x64xf32>
  return %s, %s2 : tensor<64x64xf32>, tensor<64x64xf32>
}

// -----

// fp8.weight marks the weights among a function's arguments: unmarked
// arguments are activations, so a product of two of them stays in high
// precision.
// CHECK-LABEL: func @marked_weights
// CHECK: fp8.scaled_matmul
// CHECK: linalg.matmul
func.func @marked_weights(%x: tensor<64x32xbf16>, %w: tensor<32x16xbf16> {fp8.weight}, %v: tensor<32x16xbf16>) -> (tensor<64x16xbf16>, tensor<64x16xbf16>) {
  %zero = arith.constant 0.0 : bf16
  %e = tensor.empty() : tensor<64x16xbf16>
  %i = linalg.fill ins(%zero : bf16) outs(%e : tensor<64x16xbf16>) -> tensor<64x16xbf16>
  // expected-remark @below {{converted as output (operand 1 is a weight)}}
  %a = linalg.matmul ins(%x, %w : tensor<64x32xbf16>, tensor<32x16xbf16>) outs(%i : tensor<64x16xbf16>) -> tensor<64x16xbf16>
  // expected-remark @below {{stays in high precision: neither operand is a weight}}
  %b = linalg.matmul ins(%x, %v : tensor<64x32xbf16>, tensor<32x16xbf16>) outs(%i : tensor<64x16xbf16>) -> tensor<64x16xbf16>
  return %a, %b : tensor<64x16xbf16>, tensor<64x16xbf16>
}

// -----

// torch-mlir's attention: 3-D projections (W^T broadcast over the batch,
// batch_matmul) are linear layers; q @ k^T and softmax(s) @ v are
// activation x activation batch_matmuls and stay in high precision.
// CHECK-LABEL: func @torch_attention_3d
// CHECK-COUNT-3: fp8.scaled_matmul {{.+}} -> tensor<64x32xf32>
// CHECK-NOT: fp8.scaled_matmul
// CHECK: linalg.batch_matmul ins(%{{.+}}, %{{.+}} : tensor<2x32x32xf32>, tensor<2x32x32xf32>)
// CHECK: linalg.softmax
// CHECK: linalg.batch_matmul ins(%{{.+}}, %{{.+}} : tensor<2x32x32xf32>, tensor<2x32x32xf32>)
// ALL-LABEL: func @torch_attention_3d
// ALL-COUNT-5: fp8.scaled_matmul
func.func @torch_attention_3d(%x: tensor<2x32x64xbf16>, %wq: tensor<32x64xbf16>, %wk: tensor<32x64xbf16>, %wv: tensor<32x64xbf16>) -> tensor<2x32x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x32x32xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<2x32x32xf32>) -> tensor<2x32x32xf32>
  %et = tensor.empty() : tensor<64x32xbf16>
  %eb = tensor.empty() : tensor<2x64x32xbf16>
  %wqt = linalg.transpose ins(%wq : tensor<32x64xbf16>) outs(%et : tensor<64x32xbf16>) permutation = [1, 0]
  %wqb = linalg.broadcast ins(%wqt : tensor<64x32xbf16>) outs(%eb : tensor<2x64x32xbf16>) dimensions = [0]
  // expected-remark @below {{converted as output (operand 1 is a weight)}}
  %q = linalg.batch_matmul ins(%x, %wqb : tensor<2x32x64xbf16>, tensor<2x64x32xbf16>) outs(%i : tensor<2x32x32xf32>) -> tensor<2x32x32xf32>
  %wkt = linalg.transpose ins(%wk : tensor<32x64xbf16>) outs(%et : tensor<64x32xbf16>) permutation = [1, 0]
  %wkb = linalg.broadcast ins(%wkt : tensor<64x32xbf16>) outs(%eb : tensor<2x64x32xbf16>) dimensions = [0]
  // expected-remark @below {{converted as output (operand 1 is a weight)}}
  %k = linalg.batch_matmul ins(%x, %wkb : tensor<2x32x64xbf16>, tensor<2x64x32xbf16>) outs(%i : tensor<2x32x32xf32>) -> tensor<2x32x32xf32>
  %wvt = linalg.transpose ins(%wv : tensor<32x64xbf16>) outs(%et : tensor<64x32xbf16>) permutation = [1, 0]
  %wvb = linalg.broadcast ins(%wvt : tensor<64x32xbf16>) outs(%eb : tensor<2x64x32xbf16>) dimensions = [0]
  // expected-remark @below {{converted as output (operand 1 is a weight)}}
  %v = linalg.batch_matmul ins(%x, %wvb : tensor<2x32x64xbf16>, tensor<2x64x32xbf16>) outs(%i : tensor<2x32x32xf32>) -> tensor<2x32x32xf32>
  %ek = tensor.empty() : tensor<2x32x32xf32>
  %kt = linalg.transpose ins(%k : tensor<2x32x32xf32>) outs(%ek : tensor<2x32x32xf32>) permutation = [0, 2, 1]
  // expected-remark @below {{stays in high precision: neither operand is a weight}}
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x32x32xf32>, tensor<2x32x32xf32>) outs(%i : tensor<2x32x32xf32>) -> tensor<2x32x32xf32>
  %es = tensor.empty() : tensor<2x32x32xf32>
  %p = linalg.softmax dimension(2) ins(%s : tensor<2x32x32xf32>) outs(%es : tensor<2x32x32xf32>) -> tensor<2x32x32xf32>
  // expected-remark @below {{stays in high precision: neither operand is a weight}}
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x32x32xf32>, tensor<2x32x32xf32>) outs(%i : tensor<2x32x32xf32>) -> tensor<2x32x32xf32>
  return %o : tensor<2x32x32xf32>
}

// -----

// A dynamic batch: the same roles (JAX's joint 3-D layer, batch unknown).
// grad_weight contracts over the tokens, a K not known to be a multiple of
// 16: pad_inner_dim pads it (without it the GEMM would stay in high
// precision with a warning).
// CHECK-LABEL: func @jax_joint_dynamic_batch
// CHECK: fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<fast_accum = true>} : tensor<?x64xf8E4M3FN>, tensor<64x128xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<?x128xf32>
// CHECK: fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<>} : tensor<?x128xf8E5M2>, tensor<128x64xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<?x64xf32>
// CHECK: tensor.pad
// CHECK: tensor.pad
// CHECK: fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<>} : tensor<128x?xf8E5M2>, tensor<?x64xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<128x64xf32>
func.func @jax_joint_dynamic_batch(%x: tensor<?x32x64xbf16>, %w: tensor<64x128xbf16>, %y0: tensor<?x32x128xf32>, %dx0: tensor<?x32x64xf32>, %dw0: tensor<64x128xf32>)
    -> (tensor<?x32x64xf32>, tensor<64x128xf32>) attributes {fp8.config = #fp8.linear<pad_inner_dim = true>} {
  // expected-remark @below {{converted as output (operand 1 is a weight)}}
  %y = linalg.generic {indexing_maps = [affine_map<(b, s, n, h) -> (b, s, h)>, affine_map<(b, s, n, h) -> (h, n)>, affine_map<(b, s, n, h) -> (b, s, n)>],
                       iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<?x32x64xbf16>, tensor<64x128xbf16>) outs(%y0 : tensor<?x32x128xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %0 = arith.extf %a : bf16 to f32
    %1 = arith.extf %b : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<?x32x128xf32>
  %c0 = arith.constant 0 : index
  %bsz = tensor.dim %x, %c0 : tensor<?x32x64xbf16>
  %ge = tensor.empty(%bsz) : tensor<?x32x128xbf16>
  %g = linalg.generic {indexing_maps = [affine_map<(b, s, n) -> (b, s, n)>, affine_map<(b, s, n) -> (b, s, n)>], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%y : tensor<?x32x128xf32>) outs(%ge : tensor<?x32x128xbf16>) {
  ^bb0(%v: f32, %o: bf16):
    %t = arith.truncf %v : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<?x32x128xbf16>
  // expected-remark @below {{converted as grad_input}}
  %dx = linalg.generic {indexing_maps = [affine_map<(b, s, h, n) -> (b, s, n)>, affine_map<(b, s, h, n) -> (h, n)>, affine_map<(b, s, h, n) -> (b, s, h)>],
                        iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%g, %w : tensor<?x32x128xbf16>, tensor<64x128xbf16>) outs(%dx0 : tensor<?x32x64xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %0 = arith.extf %a : bf16 to f32
    %1 = arith.extf %b : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<?x32x64xf32>
  // expected-remark @below {{converted as grad_weight}}
  %dw = linalg.generic {indexing_maps = [affine_map<(h, n, b, s) -> (b, s, h)>, affine_map<(h, n, b, s) -> (b, s, n)>, affine_map<(h, n, b, s) -> (h, n)>],
                        iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %g : tensor<?x32x64xbf16>, tensor<?x32x128xbf16>) outs(%dw0 : tensor<64x128xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %0 = arith.extf %a : bf16 to f32
    %1 = arith.extf %b : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<64x128xf32>
  return %dx, %dw : tensor<?x32x64xf32>, tensor<64x128xf32>
}

// -----

// An activation x activation contraction in a layout the rewrite does not
// take (Flax's einsum('bhqk,bkhd->bqhd')) is not a linear layer: a remark,
// no warning (strict would not fail on it either).
// CHECK-LABEL: func @flax_attention_pv
func.func @flax_attention_pv(%x: tensor<2x4x16x16xf32>, %v: tensor<2x16x4x32xf32>, %i: tensor<2x16x4x32xf32>) -> tensor<2x16x4x32xf32> {
  %e = tensor.empty() : tensor<2x4x16x16xf32>
  %p = linalg.softmax dimension(3) ins(%x : tensor<2x4x16x16xf32>) outs(%e : tensor<2x4x16x16xf32>) -> tensor<2x4x16x16xf32>
  %ev = tensor.empty() : tensor<2x16x4x32xf32>
  %vv = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%v : tensor<2x16x4x32xf32>) outs(%ev : tensor<2x16x4x32xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<2x16x4x32xf32>
  // expected-remark @below {{stays in high precision: not a linear layer (neither operand is a weight), and its result is not laid out [batch.., M.., N..]}}
  %o = linalg.generic {indexing_maps = [affine_map<(b, q, h, d, k) -> (b, h, q, k)>, affine_map<(b, q, h, d, k) -> (b, k, h, d)>, affine_map<(b, q, h, d, k) -> (b, q, h, d)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%p, %vv : tensor<2x4x16x16xf32>, tensor<2x16x4x32xf32>) outs(%i : tensor<2x16x4x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<2x16x4x32xf32>
  return %o : tensor<2x16x4x32xf32>
}

// -----

// A matrix the function computes from constants alone (a test's @main that
// builds its data, here sin of an iota) is a parameter: the product of two
// such matrices is converted.
// CHECK-LABEL: func @built_from_constants
// CHECK: fp8.scaled_matmul
func.func @built_from_constants() -> tensor<16x16xf32> {
  %e = tensor.empty() : tensor<16x32xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<16x32xf32>) {
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %ii = arith.index_cast %i : index to i32
    %f = arith.sitofp %ii : i32 to f32
    linalg.yield %f : f32
  } -> tensor<16x32xf32>
  %e2 = tensor.empty() : tensor<16x32xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<16x32xf32>) outs(%e2 : tensor<16x32xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = math.sin %x : f32
    linalg.yield %y : f32
  } -> tensor<16x32xf32>
  %e3 = tensor.empty() : tensor<16x16xf32>
  // expected-remark @below {{converted as output (operand 0 is computed from constants only)}}
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] ins(%s, %s : tensor<16x32xf32>, tensor<16x32xf32>) outs(%e3 : tensor<16x16xf32>) -> tensor<16x16xf32>
  return %r : tensor<16x16xf32>
}
