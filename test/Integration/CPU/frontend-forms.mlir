// The same 3-D linear layer (forward, grad_input, grad_weight) in the forms
// torch-mlir and JAX print it, without fp8.role, against the flattened 2-D
// layer with explicit roles: --fp8-cpu-pipeline must give bit-identical
// results (one tensorwise scale per tensor or one rowwise scale per token,
// the weight cast once, the roles inferred), and results that differ from
// the high-precision product (the fp8 path really ran).
//
// RUN: fp8-opt %s --fp8-cpu-pipeline="recipe=tensorwise" | mlir-runner -e main -entry-point-result=void %mlir_runner_libs | FileCheck %s --check-prefixes=CHECK,FP8GW
// RUN: fp8-opt %s --fp8-cpu-pipeline="recipe=rowwise" | mlir-runner -e main -entry-point-result=void %mlir_runner_libs | FileCheck %s --check-prefixes=CHECK,FP8GW
// RUN: fp8-opt %s --fp8-cpu-pipeline="recipe=rowwise_with_gw_hp" | mlir-runner -e main -entry-point-result=void %mlir_runner_libs | FileCheck %s --check-prefixes=CHECK,HPGW
//
// Bits that differ, torch form vs flat and JAX form vs flat: y, dx, dw.
// CHECK: data =
// CHECK-NEXT: {{^}}[0]
// CHECK: data =
// CHECK-NEXT: {{^}}[0]
// CHECK: data =
// CHECK-NEXT: {{^}}[0]
// CHECK: data =
// CHECK-NEXT: {{^}}[0]
// CHECK: data =
// CHECK-NEXT: {{^}}[0]
// CHECK: data =
// CHECK-NEXT: {{^}}[0]
// Forward vs the high-precision product: many differ.
// CHECK: data =
// CHECK-NEXT: {{^}}[{{[1-9][0-9]+}}]
// grad_weight vs high precision: fp8 unless the recipe keeps it in bf16.
// CHECK: data =
// FP8GW-NEXT: {{^}}[{{[1-9][0-9]+}}]
// HPGW-NEXT: {{^}}[0]

func.func private @printMemrefI32(tensor<*xi32>)

// Deterministic bf16 data: ((i*131 + j*71 + salt) mod 97 - 48) / 16.
func.func private @data(%rows: index, %cols: index, %salt: i32) -> tensor<?x?xbf16> {
  %e = tensor.empty(%rows, %cols) : tensor<?x?xbf16>
  %d = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<?x?xbf16>) {
  ^bb0(%out: bf16):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %i32 = arith.index_cast %i : index to i32
    %j32 = arith.index_cast %j : index to i32
    %c131 = arith.constant 131 : i32
    %c71 = arith.constant 71 : i32
    %c97 = arith.constant 97 : i32
    %c48 = arith.constant 48 : i32
    %a = arith.muli %i32, %c131 : i32
    %b = arith.muli %j32, %c71 : i32
    %s = arith.addi %a, %b : i32
    %t = arith.addi %s, %salt : i32
    %r = arith.remui %t, %c97 : i32
    %v = arith.subi %r, %c48 : i32
    %f = arith.sitofp %v : i32 to f32
    %sixteenth = arith.constant 0.0625 : f32
    %x = arith.mulf %f, %sixteenth : f32
    %h = arith.truncf %x : f32 to bf16
    linalg.yield %h : bf16
  } -> tensor<?x?xbf16>
  return %d : tensor<?x?xbf16>
}

// The incoming gradient, a function of the forward output: bf16(y / 16).
func.func private @gradient(%y: tensor<4x32x128xf32>) -> tensor<4x32x128xbf16> {
  %e = tensor.empty() : tensor<4x32x128xbf16>
  %g = linalg.generic {indexing_maps = [affine_map<(b, s, n) -> (b, s, n)>, affine_map<(b, s, n) -> (b, s, n)>], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%y : tensor<4x32x128xf32>) outs(%e : tensor<4x32x128xbf16>) {
  ^bb0(%v: f32, %o: bf16):
    %c = arith.constant 0.0625 : f32
    %m = arith.mulf %v, %c : f32
    %t = arith.truncf %m : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<4x32x128xbf16>
  return %g : tensor<4x32x128xbf16>
}

// torch-mlir: W [out, in] transposed and broadcast for the forward, broadcast
// for grad_input, both through linalg.batch_matmul; grad_weight as autograd
// computes it, grad_output.reshape(-1, N).t() @ input.reshape(-1, K).
func.func private @torch_layer(%x: tensor<4x32x64xbf16>, %w: tensor<128x64xbf16>)
    -> (tensor<4x32x128xf32>, tensor<4x32x64xf32>, tensor<128x64xf32>) {
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<64x128xbf16>
  %wt = linalg.transpose ins(%w : tensor<128x64xbf16>) outs(%e0 : tensor<64x128xbf16>) permutation = [1, 0]
  %e1 = tensor.empty() : tensor<4x64x128xbf16>
  %wtb = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%wt : tensor<64x128xbf16>) outs(%e1 : tensor<4x64x128xbf16>) {
  ^bb0(%in: bf16, %out: bf16):
    linalg.yield %in : bf16
  } -> tensor<4x64x128xbf16>
  %e2 = tensor.empty() : tensor<4x32x128xf32>
  %i2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<4x32x128xf32>) -> tensor<4x32x128xf32>
  %y = linalg.batch_matmul ins(%x, %wtb : tensor<4x32x64xbf16>, tensor<4x64x128xbf16>) outs(%i2 : tensor<4x32x128xf32>) -> tensor<4x32x128xf32>
  %g = func.call @gradient(%y) : (tensor<4x32x128xf32>) -> tensor<4x32x128xbf16>
  %e3 = tensor.empty() : tensor<4x128x64xbf16>
  %wb = linalg.broadcast ins(%w : tensor<128x64xbf16>) outs(%e3 : tensor<4x128x64xbf16>) dimensions = [0]
  %e4 = tensor.empty() : tensor<4x32x64xf32>
  %i4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<4x32x64xf32>) -> tensor<4x32x64xf32>
  %dx = linalg.batch_matmul ins(%g, %wb : tensor<4x32x128xbf16>, tensor<4x128x64xbf16>) outs(%i4 : tensor<4x32x64xf32>) -> tensor<4x32x64xf32>
  %g2 = tensor.collapse_shape %g [[0, 1], [2]] : tensor<4x32x128xbf16> into tensor<128x128xbf16>
  %e5 = tensor.empty() : tensor<128x128xbf16>
  %g2t = linalg.transpose ins(%g2 : tensor<128x128xbf16>) outs(%e5 : tensor<128x128xbf16>) permutation = [1, 0]
  %x2 = tensor.collapse_shape %x [[0, 1], [2]] : tensor<4x32x64xbf16> into tensor<128x64xbf16>
  %e6 = tensor.empty() : tensor<128x64xf32>
  %i6 = linalg.fill ins(%zero : f32) outs(%e6 : tensor<128x64xf32>) -> tensor<128x64xf32>
  %dw = linalg.matmul ins(%g2t, %x2 : tensor<128x128xbf16>, tensor<128x64xbf16>) outs(%i6 : tensor<128x64xf32>) -> tensor<128x64xf32>
  return %y, %dx, %dw : tensor<4x32x128xf32>, tensor<4x32x64xf32>, tensor<128x64xf32>
}

// JAX (stablehlo-legalize-to-linalg): the kernel stored [in, out]; forward
// x @ W, grad_input g @ W^T, grad_weight x^T @ g over batch and sequence,
// all dot_general generics. dw comes out [in, out].
func.func private @jax_layer(%x: tensor<4x32x64xbf16>, %w: tensor<64x128xbf16>)
    -> (tensor<4x32x128xf32>, tensor<4x32x64xf32>, tensor<64x128xf32>) {
  %zero = arith.constant 0.0 : f32
  %e2 = tensor.empty() : tensor<4x32x128xf32>
  %i2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<4x32x128xf32>) -> tensor<4x32x128xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(b, s, n, h) -> (b, s, h)>, affine_map<(b, s, n, h) -> (h, n)>, affine_map<(b, s, n, h) -> (b, s, n)>],
                       iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x32x64xbf16>, tensor<64x128xbf16>) outs(%i2 : tensor<4x32x128xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %0 = arith.extf %a : bf16 to f32
    %1 = arith.extf %b : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<4x32x128xf32>
  %g = func.call @gradient(%y) : (tensor<4x32x128xf32>) -> tensor<4x32x128xbf16>
  %e4 = tensor.empty() : tensor<4x32x64xf32>
  %i4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<4x32x64xf32>) -> tensor<4x32x64xf32>
  %dx = linalg.generic {indexing_maps = [affine_map<(b, s, h, n) -> (b, s, n)>, affine_map<(b, s, h, n) -> (h, n)>, affine_map<(b, s, h, n) -> (b, s, h)>],
                        iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%g, %w : tensor<4x32x128xbf16>, tensor<64x128xbf16>) outs(%i4 : tensor<4x32x64xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %0 = arith.extf %a : bf16 to f32
    %1 = arith.extf %b : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<4x32x64xf32>
  %e6 = tensor.empty() : tensor<64x128xf32>
  %i6 = linalg.fill ins(%zero : f32) outs(%e6 : tensor<64x128xf32>) -> tensor<64x128xf32>
  %dw = linalg.generic {indexing_maps = [affine_map<(h, n, b, s) -> (b, s, h)>, affine_map<(h, n, b, s) -> (b, s, n)>, affine_map<(h, n, b, s) -> (h, n)>],
                        iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %g : tensor<4x32x64xbf16>, tensor<4x32x128xbf16>) outs(%i6 : tensor<64x128xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %0 = arith.extf %a : bf16 to f32
    %1 = arith.extf %b : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<64x128xf32>
  return %y, %dx, %dw : tensor<4x32x128xf32>, tensor<4x32x64xf32>, tensor<64x128xf32>
}

// The flattened 2-D layer with explicit roles, as torchao runs it.
func.func private @flat_layer(%x: tensor<128x64xbf16>, %w: tensor<128x64xbf16>)
    -> (tensor<128x128xf32>, tensor<128x64xf32>, tensor<128x64xf32>) {
  %zero = arith.constant 0.0 : f32
  %e2 = tensor.empty() : tensor<128x128xf32>
  %i2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<128x128xf32>) -> tensor<128x128xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      {fp8.role = "output"} ins(%x, %w : tensor<128x64xbf16>, tensor<128x64xbf16>) outs(%i2 : tensor<128x128xf32>) -> tensor<128x128xf32>
  %y3 = tensor.expand_shape %y [[0, 1], [2]] output_shape [4, 32, 128] : tensor<128x128xf32> into tensor<4x32x128xf32>
  %g3 = func.call @gradient(%y3) : (tensor<4x32x128xf32>) -> tensor<4x32x128xbf16>
  %g = tensor.collapse_shape %g3 [[0, 1], [2]] : tensor<4x32x128xbf16> into tensor<128x128xbf16>
  %e4 = tensor.empty() : tensor<128x64xf32>
  %i4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<128x64xf32>) -> tensor<128x64xf32>
  %dx = linalg.matmul {fp8.role = "grad_input"} ins(%g, %w : tensor<128x128xbf16>, tensor<128x64xbf16>) outs(%i4 : tensor<128x64xf32>) -> tensor<128x64xf32>
  %dw = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
      {fp8.role = "grad_weight"} ins(%g, %x : tensor<128x128xbf16>, tensor<128x64xbf16>) outs(%i4 : tensor<128x64xf32>) -> tensor<128x64xf32>
  return %y, %dx, %dw : tensor<128x128xf32>, tensor<128x64xf32>, tensor<128x64xf32>
}

// The high-precision forward and grad_weight of the flat layer (a
// grad_weight role under rowwise_with_gw_hp stays in bf16).
func.func private @hp_layer(%x: tensor<128x64xbf16>, %w: tensor<128x64xbf16>, %g: tensor<128x128xbf16>)
    -> (tensor<128x128xf32>, tensor<128x64xf32>) {
  %zero = arith.constant 0.0 : f32
  %e2 = tensor.empty() : tensor<128x128xf32>
  %i2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<128x128xf32>) -> tensor<128x128xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      {fp8.role = "grad_weight", fp8.config = #fp8.linear<recipe = rowwise_with_gw_hp>} ins(%x, %w : tensor<128x64xbf16>, tensor<128x64xbf16>) outs(%i2 : tensor<128x128xf32>) -> tensor<128x128xf32>
  %e4 = tensor.empty() : tensor<128x64xf32>
  %i4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<128x64xf32>) -> tensor<128x64xf32>
  %dw = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
      {fp8.role = "grad_weight", fp8.config = #fp8.linear<recipe = rowwise_with_gw_hp>} ins(%g, %x : tensor<128x128xbf16>, tensor<128x64xbf16>) outs(%i4 : tensor<128x64xf32>) -> tensor<128x64xf32>
  return %y, %dw : tensor<128x128xf32>, tensor<128x64xf32>
}

// Prints how many elements of two f32 tensors differ in their bits.
func.func private @mismatches(%a: tensor<?x?xf32>, %b: tensor<?x?xf32>) {
  %e = tensor.empty() : tensor<i32>
  %z = arith.constant 0 : i32
  %init = linalg.fill ins(%z : i32) outs(%e : tensor<i32>) -> tensor<i32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> ()>], iterator_types = ["reduction", "reduction"]}
      ins(%a, %b : tensor<?x?xf32>, tensor<?x?xf32>) outs(%init : tensor<i32>) {
  ^bb0(%av: f32, %bv: f32, %acc: i32):
    %ai = arith.bitcast %av : f32 to i32
    %bi = arith.bitcast %bv : f32 to i32
    %ne = arith.cmpi ne, %ai, %bi : i32
    %one = arith.extui %ne : i1 to i32
    %s = arith.addi %acc, %one : i32
    linalg.yield %s : i32
  } -> tensor<i32>
  %u = tensor.cast %r : tensor<i32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}

func.func @main() {
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %s1 = arith.constant 1 : i32
  %s2 = arith.constant 2 : i32
  %xd = call @data(%c128, %c64, %s1) : (index, index, i32) -> tensor<?x?xbf16>
  %wd = call @data(%c128, %c64, %s2) : (index, index, i32) -> tensor<?x?xbf16>
  %x2 = tensor.cast %xd : tensor<?x?xbf16> to tensor<128x64xbf16>
  %w = tensor.cast %wd : tensor<?x?xbf16> to tensor<128x64xbf16>
  %x3 = tensor.expand_shape %x2 [[0, 1], [2]] output_shape [4, 32, 64] : tensor<128x64xbf16> into tensor<4x32x64xbf16>
  %ek = tensor.empty() : tensor<64x128xbf16>
  %wk = linalg.transpose ins(%w : tensor<128x64xbf16>) outs(%ek : tensor<64x128xbf16>) permutation = [1, 0]

  %fy, %fdx, %fdw = call @flat_layer(%x2, %w) : (tensor<128x64xbf16>, tensor<128x64xbf16>) -> (tensor<128x128xf32>, tensor<128x64xf32>, tensor<128x64xf32>)
  %ty, %tdx, %tdw = call @torch_layer(%x3, %w) : (tensor<4x32x64xbf16>, tensor<128x64xbf16>) -> (tensor<4x32x128xf32>, tensor<4x32x64xf32>, tensor<128x64xf32>)
  %jy, %jdx, %jdw = call @jax_layer(%x3, %wk) : (tensor<4x32x64xbf16>, tensor<64x128xbf16>) -> (tensor<4x32x128xf32>, tensor<4x32x64xf32>, tensor<64x128xf32>)

  %fyd = tensor.cast %fy : tensor<128x128xf32> to tensor<?x?xf32>
  %fdxd = tensor.cast %fdx : tensor<128x64xf32> to tensor<?x?xf32>
  %fdwd = tensor.cast %fdw : tensor<128x64xf32> to tensor<?x?xf32>
  %ty2 = tensor.collapse_shape %ty [[0, 1], [2]] : tensor<4x32x128xf32> into tensor<128x128xf32>
  %ty2d = tensor.cast %ty2 : tensor<128x128xf32> to tensor<?x?xf32>
  %tdx2 = tensor.collapse_shape %tdx [[0, 1], [2]] : tensor<4x32x64xf32> into tensor<128x64xf32>
  %tdx2d = tensor.cast %tdx2 : tensor<128x64xf32> to tensor<?x?xf32>
  %tdwd = tensor.cast %tdw : tensor<128x64xf32> to tensor<?x?xf32>
  %jy2 = tensor.collapse_shape %jy [[0, 1], [2]] : tensor<4x32x128xf32> into tensor<128x128xf32>
  %jy2d = tensor.cast %jy2 : tensor<128x128xf32> to tensor<?x?xf32>
  %jdx2 = tensor.collapse_shape %jdx [[0, 1], [2]] : tensor<4x32x64xf32> into tensor<128x64xf32>
  %jdx2d = tensor.cast %jdx2 : tensor<128x64xf32> to tensor<?x?xf32>
  %ej = tensor.empty() : tensor<128x64xf32>
  %jdwt = linalg.transpose ins(%jdw : tensor<64x128xf32>) outs(%ej : tensor<128x64xf32>) permutation = [1, 0]
  %jdwtd = tensor.cast %jdwt : tensor<128x64xf32> to tensor<?x?xf32>

  call @mismatches(%ty2d, %fyd) : (tensor<?x?xf32>, tensor<?x?xf32>) -> ()
  call @mismatches(%jy2d, %fyd) : (tensor<?x?xf32>, tensor<?x?xf32>) -> ()
  call @mismatches(%tdx2d, %fdxd) : (tensor<?x?xf32>, tensor<?x?xf32>) -> ()
  call @mismatches(%jdx2d, %fdxd) : (tensor<?x?xf32>, tensor<?x?xf32>) -> ()
  call @mismatches(%tdwd, %fdwd) : (tensor<?x?xf32>, tensor<?x?xf32>) -> ()
  call @mismatches(%jdwtd, %fdwd) : (tensor<?x?xf32>, tensor<?x?xf32>) -> ()

  %fy3 = tensor.expand_shape %fy [[0, 1], [2]] output_shape [4, 32, 128] : tensor<128x128xf32> into tensor<4x32x128xf32>
  %g3 = call @gradient(%fy3) : (tensor<4x32x128xf32>) -> tensor<4x32x128xbf16>
  %g = tensor.collapse_shape %g3 [[0, 1], [2]] : tensor<4x32x128xbf16> into tensor<128x128xbf16>
  %hy, %hdw = call @hp_layer(%x2, %w, %g) : (tensor<128x64xbf16>, tensor<128x64xbf16>, tensor<128x128xbf16>) -> (tensor<128x128xf32>, tensor<128x64xf32>)
  %hyd = tensor.cast %hy : tensor<128x128xf32> to tensor<?x?xf32>
  %hdwd = tensor.cast %hdw : tensor<128x64xf32> to tensor<?x?xf32>
  call @mismatches(%hyd, %fyd) : (tensor<?x?xf32>, tensor<?x?xf32>) -> ()
  call @mismatches(%hdwd, %fdwd) : (tensor<?x?xf32>, tensor<?x?xf32>) -> ()
  return
}
