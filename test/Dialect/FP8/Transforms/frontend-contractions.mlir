// RUN: fp8-opt %s -split-input-file --fp8-rewrite-matmul | FileCheck %s
// RUN: fp8-opt %s -split-input-file --fp8-rewrite-matmul="recipe=rowwise" | FileCheck %s --check-prefix=ROWWISE
// Every normalized form lowers completely (each pipeline ends by checking
// that everything reached the LLVM dialect or a kernel binary).
// RUN: fp8-opt %s -split-input-file --fp8-cpu-pipeline -o /dev/null
// RUN: fp8-opt %s -split-input-file --fp8-nvvm-pipeline="chip=sm_90a" -o /dev/null
// RUN: fp8-opt %s -split-input-file --fp8-rocdl-pipeline="chip=gfx942" -o /dev/null

// Contractions in the forms frontends print them, normalized to the
// (M,K) x (K,N) product the fp8 ops take: leading activation dims are
// flattened (one tensorwise scale per tensor, one rowwise scale per token),
// the weight is cast once, and views are used where they suffice.

// JAX's dot_general on [B,S,H] x [H,N] (stablehlo-legalize-to-linalg): a
// 4-loop generic with one reduction, bf16 operands widened to an f32
// accumulator.
// CHECK-LABEL: func @jax_dense_3d
// CHECK-SAME: (%[[X:.+]]: tensor<4x32x64xbf16>, %[[W:.+]]: tensor<64x128xbf16>)
// CHECK: %[[XF:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1], [2]] : tensor<4x32x64xbf16> into tensor<128x64xbf16>
// CHECK: %[[AX:.+]] = fp8.amax %[[XF]] tensorwise : tensor<128x64xbf16> -> tensor<f32>
// CHECK: fp8.amax %[[W]] tensorwise : tensor<64x128xbf16> -> tensor<f32>
// CHECK: %[[R:.+]] = fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<fast_accum = true>} : tensor<128x64xf8E4M3FN>, tensor<64x128xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<128x128xf32>
// CHECK-NOT: linalg.add
// CHECK: %[[Y:.+]] = tensor.expand_shape %[[R]] {{\[}}[0, 1], [2]] output_shape [4, 32, 128] : tensor<128x128xf32> into tensor<4x32x128xf32>
// CHECK-NOT: linalg.generic
// CHECK: return %[[Y]]
// ROWWISE-LABEL: func @jax_dense_3d
// ROWWISE: fp8.amax %{{.+}} axiswise(1) : tensor<128x64xbf16> -> tensor<128x1xf32>
// ROWWISE: fp8.amax %{{.+}} axiswise(0) : tensor<64x128xbf16> -> tensor<1x128xf32>
func.func @jax_dense_3d(%x: tensor<4x32x64xbf16>, %w: tensor<64x128xbf16>) -> tensor<4x32x128xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x32x128xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x32x128xf32>) -> tensor<4x32x128xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(b, s, n, h) -> (b, s, h)>, affine_map<(b, s, n, h) -> (h, n)>, affine_map<(b, s, n, h) -> (b, s, n)>],
                       iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x32x64xbf16>, tensor<64x128xbf16>) outs(%init : tensor<4x32x128xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %0 = arith.extf %a : bf16 to f32
    %1 = arith.extf %b : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<4x32x128xf32>
  return %y : tensor<4x32x128xf32>
}

// -----

// The same with a dynamic batch, accumulating into an init argument: the
// flattened M is dynamic, the init is added in the flattened shape, and the
// result is expanded with the batch size read from the init.
// CHECK-LABEL: func @jax_dense_dynamic_batch
// CHECK: %[[XF:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2]] : tensor<?x32x64xbf16> into tensor<?x64xbf16>
// CHECK: fp8.amax %[[XF]] tensorwise : tensor<?x64xbf16> -> tensor<f32>
// CHECK: %[[P:.+]] = fp8.scaled_matmul {{.+}} -> tensor<?x128xf32>
// CHECK: %[[R:.+]] = linalg.add ins(%[[P]],
// CHECK: %[[B:.+]] = tensor.dim %{{.+}}, %c0
// CHECK: tensor.expand_shape %[[R]] {{\[}}[0, 1], [2]] output_shape [%[[B]], 32, 128] : tensor<?x128xf32> into tensor<?x32x128xf32>
func.func @jax_dense_dynamic_batch(%x: tensor<?x32x64xbf16>, %w: tensor<64x128xbf16>, %init: tensor<?x32x128xf32>) -> tensor<?x32x128xf32> {
  %y = linalg.generic {indexing_maps = [affine_map<(b, s, n, h) -> (b, s, h)>, affine_map<(b, s, n, h) -> (h, n)>, affine_map<(b, s, n, h) -> (b, s, n)>],
                       iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<?x32x64xbf16>, tensor<64x128xbf16>) outs(%init : tensor<?x32x128xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %0 = arith.extf %a : bf16 to f32
    %1 = arith.extf %b : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<?x32x128xf32>
  return %y : tensor<?x32x128xf32>
}

// -----

// torch-mlir's 3-D nn.Linear: W transposed, broadcast over the batch by a
// generic, linalg.batch_matmul. torchao's semantics: the input's leading
// dims flattened (one scale), W cast once as stored, then its float8 copy
// transposed; the broadcast and the bf16 transpose are gone.
// CHECK-LABEL: func @torch_linear_3d
// CHECK-SAME: (%[[X:.+]]: tensor<4x32x64xbf16>, %[[W:.+]]: tensor<128x64xbf16>)
// CHECK: %[[XF:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1], [2]]
// CHECK: fp8.amax %[[XF]] tensorwise : tensor<128x64xbf16> -> tensor<f32>
// CHECK: fp8.amax %[[W]] tensorwise : tensor<128x64xbf16> -> tensor<f32>
// CHECK: %[[QW:.+]] = fp8.cast %[[W]], %{{.+}} : tensor<128x64xbf16>, tensor<f32> -> tensor<128x64xf8E4M3FN>
// CHECK: %[[QWT:.+]] = linalg.transpose ins(%[[QW]] : tensor<128x64xf8E4M3FN>)
// CHECK: fp8.scaled_matmul %{{.+}}, %[[QWT]] {{.+}} -> tensor<128x128xbf16>
// CHECK: tensor.expand_shape
// CHECK-NOT: linalg.generic
// CHECK-NOT: linalg.batch_matmul
// CHECK-NOT: linalg.transpose
// ROWWISE-LABEL: func @torch_linear_3d
// ROWWISE: fp8.amax %{{.+}} axiswise(1) : tensor<128x64xbf16> -> tensor<128x1xf32>
// ROWWISE: fp8.amax %{{.+}} axiswise(1) : tensor<128x64xbf16> -> tensor<128x1xf32>
// ROWWISE-NOT: batch(
func.func @torch_linear_3d(%x: tensor<4x32x64xbf16>, %w: tensor<128x64xbf16>) -> tensor<4x32x128xbf16> {
  %zero = arith.constant 0.0 : bf16
  %e0 = tensor.empty() : tensor<64x128xbf16>
  %wt = linalg.transpose ins(%w : tensor<128x64xbf16>) outs(%e0 : tensor<64x128xbf16>) permutation = [1, 0]
  %e1 = tensor.empty() : tensor<4x64x128xbf16>
  %wb = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%wt : tensor<64x128xbf16>) outs(%e1 : tensor<4x64x128xbf16>) {
  ^bb0(%in: bf16, %out: bf16):
    linalg.yield %in : bf16
  } -> tensor<4x64x128xbf16>
  %e2 = tensor.empty() : tensor<4x32x128xbf16>
  %init = linalg.fill ins(%zero : bf16) outs(%e2 : tensor<4x32x128xbf16>) -> tensor<4x32x128xbf16>
  %y = linalg.batch_matmul ins(%x, %wb : tensor<4x32x64xbf16>, tensor<4x64x128xbf16>) outs(%init : tensor<4x32x128xbf16>) -> tensor<4x32x128xbf16>
  return %y : tensor<4x32x128xbf16>
}

// -----

// The broadcast as linalg.broadcast, the batch dynamic.
// CHECK-LABEL: func @broadcast_op_weight
// CHECK: tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2]] : tensor<?x16x32xf16> into tensor<?x32xf16>
// CHECK: fp8.amax %{{.+}} tensorwise : tensor<32x64xf16> -> tensor<f32>
// CHECK: fp8.scaled_matmul {{.+}} -> tensor<?x64xf16>
// CHECK-NOT: linalg.broadcast
func.func @broadcast_op_weight(%x: tensor<?x16x32xf16>, %w: tensor<32x64xf16>, %init: tensor<?x16x64xf16>) -> tensor<?x16x64xf16> {
  %c0 = arith.constant 0 : index
  %b = tensor.dim %x, %c0 : tensor<?x16x32xf16>
  %e = tensor.empty(%b) : tensor<?x32x64xf16>
  %wb = linalg.broadcast ins(%w : tensor<32x64xf16>) outs(%e : tensor<?x32x64xf16>) dimensions = [0]
  %y = linalg.batch_matmul ins(%x, %wb : tensor<?x16x32xf16>, tensor<?x32x64xf16>) outs(%init : tensor<?x16x64xf16>) -> tensor<?x16x64xf16>
  return %y : tensor<?x16x64xf16>
}

// -----

// linalg.batch_matmul whose B map drops the batch dim: a 2-D weight.
// CHECK-LABEL: func @batch_matmul_2d_weight_map
// CHECK: tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2]] : tensor<2x16x32xbf16> into tensor<32x32xbf16>
// CHECK: fp8.amax %{{.+}} tensorwise : tensor<32x32xbf16> -> tensor<f32>
// CHECK: fp8.amax %{{.+}} tensorwise : tensor<32x64xbf16> -> tensor<f32>
// CHECK: fp8.scaled_matmul {{.+}} -> tensor<32x64xbf16>
// CHECK: tensor.expand_shape {{.+}} into tensor<2x16x64xbf16>
func.func @batch_matmul_2d_weight_map(%x: tensor<2x16x32xbf16>, %w: tensor<32x64xbf16>, %init: tensor<2x16x64xbf16>) -> tensor<2x16x64xbf16> {
  %y = linalg.batch_matmul indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (k, n)>, affine_map<(b, m, n, k) -> (b, m, n)>]
      ins(%x, %w : tensor<2x16x32xbf16>, tensor<32x64xbf16>) outs(%init : tensor<2x16x64xbf16>) -> tensor<2x16x64xbf16>
  return %y : tensor<2x16x64xbf16>
}

// -----

// linalg.contract with a transposed weight ([N,K], as torch stores it):
// the cast reads W as stored.
// CHECK-LABEL: func @contract_transposed_weight
// CHECK-SAME: %[[W:[^:]+]]: tensor<64x32xbf16>
// CHECK: fp8.amax %[[W]] tensorwise : tensor<64x32xbf16> -> tensor<f32>
// CHECK: linalg.transpose ins(%{{.+}} : tensor<64x32xf8E4M3FN>)
// CHECK: fp8.scaled_matmul {{.+}} : tensor<16x32xf8E4M3FN>, tensor<32x64xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<16x64xf32>
// CHECK-NOT: linalg.contract
func.func @contract_transposed_weight(%x: tensor<16x32xbf16>, %w: tensor<64x32xbf16>, %init: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %y = linalg.contract indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w : tensor<16x32xbf16>, tensor<64x32xbf16>) outs(%init : tensor<16x64xf32>) -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// -----

// linalg.batch_reduce_matmul: K is the batch and the inner dim together.
// A [b,m,k] has M between them, so it is transposed to [m,b,k] (the only
// copy this file makes) and flattened to [m, b*k]; B [b,k,n] is a view.
// CHECK-LABEL: func @batch_reduce_matmul
// CHECK: %[[AT:.+]] = linalg.transpose ins(%{{.+}} : tensor<4x16x32xbf16>) outs(%{{.+}} : tensor<16x4x32xbf16>) permutation = [1, 0, 2]
// CHECK: %[[A:.+]] = tensor.collapse_shape %[[AT]] {{\[}}[0], [1, 2]] : tensor<16x4x32xbf16> into tensor<16x128xbf16>
// CHECK: %[[B:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2]] : tensor<4x32x64xbf16> into tensor<128x64xbf16>
// CHECK: fp8.scaled_matmul {{.+}} : tensor<16x128xf8E4M3FN>, tensor<128x64xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<16x64xf32>
// ROWWISE-LABEL: func @batch_reduce_matmul
// ROWWISE: fp8.amax %{{.+}} axiswise(1) : tensor<16x128xbf16> -> tensor<16x1xf32>
func.func @batch_reduce_matmul(%a: tensor<4x16x32xbf16>, %b: tensor<4x32x64xbf16>, %init: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %y = linalg.batch_reduce_matmul ins(%a, %b : tensor<4x16x32xbf16>, tensor<4x32x64xbf16>) outs(%init : tensor<16x64xf32>) -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// -----

// A 2-D generic with a transposed B map (--linalg-generalize-named-ops, or
// JAX's 2-D backward): no copy, B read as stored.
// CHECK-LABEL: func @generic_transposed_b
// CHECK: fp8.amax %{{.+}} tensorwise : tensor<64x32xbf16> -> tensor<f32>
// CHECK: fp8.scaled_matmul {{.+}} : tensor<16x32xf8E4M3FN>, tensor<32x64xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<16x64xf32>
// CHECK-NOT: linalg.generic
func.func @generic_transposed_b(%x: tensor<16x32xbf16>, %w: tensor<64x32xbf16>, %init: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %y = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<16x32xbf16>, tensor<64x32xbf16>) outs(%init : tensor<16x64xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %0 = arith.extf %a : bf16 to f32
    %1 = arith.extf %b : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// -----

// A non-zero init (a bias, or an accumulation) is added after the scaled
// product, in the flattened shape.
// CHECK-LABEL: func @accumulating_3d
// CHECK: %[[C:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2]] : tensor<2x16x64xf32> into tensor<32x64xf32>
// CHECK: %[[P:.+]] = fp8.scaled_matmul
// CHECK: %[[S:.+]] = linalg.add ins(%[[P]], %[[C]] : tensor<32x64xf32>, tensor<32x64xf32>)
// CHECK: tensor.expand_shape %[[S]]
func.func @accumulating_3d(%x: tensor<2x16x32xbf16>, %w: tensor<32x64xbf16>, %bias: tensor<2x16x64xf32>) -> tensor<2x16x64xf32> {
  %y = linalg.generic {indexing_maps = [affine_map<(b, s, n, h) -> (b, s, h)>, affine_map<(b, s, n, h) -> (h, n)>, affine_map<(b, s, n, h) -> (b, s, n)>],
                       iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<2x16x32xbf16>, tensor<32x64xbf16>) outs(%bias : tensor<2x16x64xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %0 = arith.extf %a : bf16 to f32
    %1 = arith.extf %b : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<2x16x64xf32>
  return %y : tensor<2x16x64xf32>
}

// -----

// Two batch dims (heads and batch) shared by both operands: one batch dim
// of the batched fp8 matmul, per-batch scales.
// CHECK-LABEL: func @two_batch_dims
// CHECK: tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2], [3]] : tensor<2x4x16x32xbf16> into tensor<8x16x32xbf16>
// CHECK: fp8.amax %{{.+}} tensorwise batch(1) : tensor<8x16x32xbf16> -> tensor<8x1x1xf32>
// CHECK: fp8.scaled_matmul {{.+}} -> tensor<8x16x64xf32>
// CHECK: tensor.expand_shape {{.+}} {{\[}}[0, 1], [2], [3]] output_shape [2, 4, 16, 64]
func.func @two_batch_dims(%a: tensor<2x4x16x32xbf16>, %b: tensor<2x4x32x64xbf16>, %init: tensor<2x4x16x64xf32>) -> tensor<2x4x16x64xf32> {
  %y = linalg.generic {indexing_maps = [affine_map<(b, h, m, n, k) -> (b, h, m, k)>, affine_map<(b, h, m, n, k) -> (b, h, k, n)>, affine_map<(b, h, m, n, k) -> (b, h, m, n)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<2x4x16x32xbf16>, tensor<2x4x32x64xbf16>) outs(%init : tensor<2x4x16x64xf32>) {
  ^bb0(%x: bf16, %y: bf16, %acc: f32):
    %0 = arith.extf %x : bf16 to f32
    %1 = arith.extf %y : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<2x4x16x64xf32>
  return %y : tensor<2x4x16x64xf32>
}

// -----

// Generics that are not contractions stay as they are, silently.
// CHECK-LABEL: func @not_contractions
// CHECK-COUNT-2: linalg.generic
// CHECK-NOT: fp8.
func.func @not_contractions(%a: tensor<16x32xf32>, %init: tensor<16xf32>, %out: tensor<16x32xf32>) -> (tensor<16xf32>, tensor<16x32xf32>) {
  %sum = linalg.generic {indexing_maps = [affine_map<(m, k) -> (m, k)>, affine_map<(m, k) -> (m)>], iterator_types = ["parallel", "reduction"]}
      ins(%a : tensor<16x32xf32>) outs(%init : tensor<16xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %0 = arith.addf %acc, %x : f32
    linalg.yield %0 : f32
  } -> tensor<16xf32>
  %sq = linalg.generic {indexing_maps = [affine_map<(m, k) -> (m, k)>, affine_map<(m, k) -> (m, k)>], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<16x32xf32>) outs(%out : tensor<16x32xf32>) {
  ^bb0(%x: f32, %o: f32):
    %0 = arith.mulf %x, %x : f32
    linalg.yield %0 : f32
  } -> tensor<16x32xf32>
  return %sum, %sq : tensor<16xf32>, tensor<16x32xf32>
}
