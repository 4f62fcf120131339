// RUN: fp8-opt %s -split-input-file -verify-diagnostics --fp8-rewrite-matmul | FileCheck %s
// RUN: not fp8-opt %s -split-input-file --fp8-rewrite-matmul="strict=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=STRICT
// RUN: not fp8-opt %s --fp8-rewrite-matmul="convert=attention" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CONVERT

// Contractions in forms the rewrite cannot normalize stay in high precision
// with a warning saying why; strict makes them errors.
// CONVERT: error: unknown convert='attention'; expected 'linear' or 'all'

// CHECK-LABEL: func @result_transposed
// CHECK: linalg.generic
// CHECK-NOT: fp8.
// STRICT: error: contraction stays in high precision: its result is not laid out [batch.., M.., N..] (d1, d0)
func.func @result_transposed(%a: tensor<16x32xbf16>, %b: tensor<32x64xbf16>, %init: tensor<64x16xf32>) -> tensor<64x16xf32> {
  // expected-warning @below {{contraction stays in high precision: its result is not laid out [batch.., M.., N..] (d1, d0)}}
  %y = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (n, m)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%init : tensor<64x16xf32>) {
  ^bb0(%x: bf16, %w: bf16, %acc: f32):
    %0 = arith.extf %x : bf16 to f32
    %1 = arith.extf %w : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<64x16xf32>
  return %y : tensor<64x16xf32>
}

// -----

// STRICT: error: contraction stays in high precision: it has no N dim (a matrix-vector product)
func.func @matrix_vector(%a: tensor<16x32xf32>, %v: tensor<32xf32>, %init: tensor<16xf32>) -> tensor<16xf32> {
  // expected-warning @below {{contraction stays in high precision: it has no N dim (a matrix-vector product)}}
  %y = linalg.generic {indexing_maps = [affine_map<(m, k) -> (m, k)>, affine_map<(m, k) -> (k)>, affine_map<(m, k) -> (m)>],
                       iterator_types = ["parallel", "reduction"]}
      ins(%a, %v : tensor<16x32xf32>, tensor<32xf32>) outs(%init : tensor<16xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %0 = arith.mulf %x, %w : f32
    %1 = arith.addf %acc, %0 : f32
    linalg.yield %1 : f32
  } -> tensor<16xf32>
  return %y : tensor<16xf32>
}

// -----

// STRICT: error: contraction stays in high precision: it works on buffers; only tensor contractions are rewritten
func.func @on_buffers(%a: memref<16x32xf32>, %b: memref<32x64xf32>, %c: memref<16x64xf32>) {
  // expected-warning @below {{contraction stays in high precision: it works on buffers; only tensor contractions are rewritten}}
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<16x32xf32>, memref<32x64xf32>) outs(%c : memref<16x64xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %0 = arith.mulf %x, %w : f32
    %1 = arith.addf %acc, %0 : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

// The alignment rule applies to the flattened K and N: a 3-D layer whose
// hidden size is 40 is not converted.
// STRICT: error: matmul stays in high precision: K = 40 must be known multiples of 16
func.func @misaligned_flattened(%x: tensor<4x32x40xbf16>, %w: tensor<40x128xbf16>, %init: tensor<4x32x128xf32>) -> tensor<4x32x128xf32> {
  // expected-warning @below {{matmul stays in high precision: K = 40 must be known multiples of 16 for the float8 gemm (set pad_inner_dim = true to pad K, or emulate = true)}}
  %y = linalg.generic {indexing_maps = [affine_map<(b, s, n, h) -> (b, s, h)>, affine_map<(b, s, n, h) -> (h, n)>, affine_map<(b, s, n, h) -> (b, s, n)>],
                       iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x32x40xbf16>, tensor<40x128xbf16>) outs(%init : tensor<4x32x128xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %0 = arith.extf %a : bf16 to f32
    %1 = arith.extf %b : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<4x32x128xf32>
  return %y : tensor<4x32x128xf32>
}
