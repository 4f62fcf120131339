// RUN: fp8-opt %s -split-input-file | FileCheck %s
// RUN: fp8-opt %s -split-input-file | fp8-opt -split-input-file | FileCheck %s
// RUN: fp8-opt %s -split-input-file -mlir-print-op-generic | fp8-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func @amax
func.func @amax(%x: tensor<16x32xbf16>, %y: tensor<4x16x32xf16>, %d: tensor<?x32xf32>)
    -> (tensor<f32>, tensor<16x1xf32>, tensor<1x32xf32>, tensor<4x1x1xf32>, tensor<4x16x1xf32>, tensor<?x1xf32>) {
  // CHECK: fp8.amax %{{.*}} tensorwise : tensor<16x32xbf16> -> tensor<f32>
  %0 = fp8.amax %x tensorwise : tensor<16x32xbf16> -> tensor<f32>
  // CHECK: fp8.amax %{{.*}} axiswise(1) : tensor<16x32xbf16> -> tensor<16x1xf32>
  %1 = fp8.amax %x axiswise(1) : tensor<16x32xbf16> -> tensor<16x1xf32>
  // CHECK: fp8.amax %{{.*}} axiswise(0) : tensor<16x32xbf16> -> tensor<1x32xf32>
  %2 = fp8.amax %x axs(0) : tensor<16x32xbf16> -> tensor<1x32xf32>
  // CHECK: fp8.amax %{{.*}} tensorwise batch(1) : tensor<4x16x32xf16> -> tensor<4x1x1xf32>
  %3 = fp8.amax %y tensorwise batch(1) : tensor<4x16x32xf16> -> tensor<4x1x1xf32>
  // CHECK: fp8.amax %{{.*}} axiswise(2) batch(1) : tensor<4x16x32xf16> -> tensor<4x16x1xf32>
  %4 = fp8.amax %y axiswise(2) batch(1) : tensor<4x16x32xf16> -> tensor<4x16x1xf32>
  // CHECK: fp8.amax %{{.*}} axiswise(1) : tensor<?x32xf32> -> tensor<?x1xf32>
  %5 = fp8.amax %d axiswise(1) : tensor<?x32xf32> -> tensor<?x1xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<f32>, tensor<16x1xf32>, tensor<1x32xf32>, tensor<4x1x1xf32>, tensor<4x16x1xf32>, tensor<?x1xf32>
}

// -----

// CHECK-LABEL: func @amax_to_scale
func.func @amax_to_scale(%a: tensor<f32>, %b: tensor<16x1xf32>) -> (tensor<f32>, tensor<16x1xf32>) {
  // CHECK: fp8.amax_to_scale %{{.*}} : tensor<f32> for f8E5M2
  %0 = fp8.amax_to_scale %a : tensor<f32> for f8E5M2
  // CHECK: fp8.amax_to_scale %{{.*}} {round_to_power_of_2} : tensor<16x1xf32> for f8E4M3FNUZ
  %1 = fp8.amax_to_scale %b {round_to_power_of_2} : tensor<16x1xf32> for f8E4M3FNUZ
  return %0, %1 : tensor<f32>, tensor<16x1xf32>
}

// -----

// CHECK-LABEL: func @cast
func.func @cast(%x: tensor<16x32xbf16>, %s: tensor<f32>, %r: tensor<16x1xf32>, %c: tensor<1x32xf32>)
    -> (tensor<16x32xf8E4M3FN>, tensor<16x32xf8E5M2>, tensor<16x32xf8E4M3FNUZ>) {
  // CHECK: fp8.cast %{{.*}}, %{{.*}} : tensor<16x32xbf16>, tensor<f32> -> tensor<16x32xf8E4M3FN>
  %0 = fp8.cast %x, %s : tensor<16x32xbf16>, tensor<f32> -> tensor<16x32xf8E4M3FN>
  // CHECK: fp8.cast %{{.*}}, %{{.*}} : tensor<16x32xbf16>, tensor<16x1xf32> -> tensor<16x32xf8E5M2>
  %1 = fp8.cast %x, %r : tensor<16x32xbf16>, tensor<16x1xf32> -> tensor<16x32xf8E5M2>
  // CHECK: fp8.cast %{{.*}}, %{{.*}} : tensor<16x32xbf16>, tensor<1x32xf32> -> tensor<16x32xf8E4M3FNUZ>
  %2 = fp8.cast %x, %c : tensor<16x32xbf16>, tensor<1x32xf32> -> tensor<16x32xf8E4M3FNUZ>
  return %0, %1, %2 : tensor<16x32xf8E4M3FN>, tensor<16x32xf8E5M2>, tensor<16x32xf8E4M3FNUZ>
}

// -----

// CHECK-LABEL: func @scaled_matmul
func.func @scaled_matmul(%a: tensor<16x32xf8E4M3FN>, %b: tensor<32x64xf8E5M2>,
                         %sa: tensor<16x1xf32>, %sb: tensor<1x64xf32>, %s: tensor<f32>,
                         %ba: tensor<2x16x32xf8E4M3FN>, %bb: tensor<2x32x64xf8E4M3FN>,
                         %bsa: tensor<2x1x1xf32>, %bsb: tensor<2x1x64xf32>)
    -> (tensor<16x64xbf16>, tensor<16x64xf32>, tensor<2x16x64xf16>) {
  // CHECK: fp8.scaled_matmul %{{.*}}, %{{.*}} scales(%{{.*}}, %{{.*}}) {gemm = #fp8.gemm<fast_accum = true>}
  // CHECK-SAME: -> tensor<16x64xbf16>
  %0 = fp8.scaled_matmul %a, %b scales(%sa, %sb) {gemm = #fp8.gemm<fast_accum = true>}
      : tensor<16x32xf8E4M3FN>, tensor<32x64xf8E5M2>, tensor<16x1xf32>, tensor<1x64xf32> -> tensor<16x64xbf16>
  // CHECK: fp8.scaled_matmul %{{.*}}, %{{.*}} scales(%{{.*}}, %{{.*}}) {emulate}
  // CHECK-SAME: -> tensor<16x64xf32>
  %1 = fp8.scaled_matmul %a, %b scales(%s, %s) {emulate}
      : tensor<16x32xf8E4M3FN>, tensor<32x64xf8E5M2>, tensor<f32>, tensor<f32> -> tensor<16x64xf32>
  // CHECK: fp8.scaled_matmul %{{.*}}, %{{.*}} scales(%{{.*}}, %{{.*}}) :
  // CHECK-SAME: tensor<2x16x32xf8E4M3FN>, tensor<2x32x64xf8E4M3FN>, tensor<2x1x1xf32>, tensor<2x1x64xf32> -> tensor<2x16x64xf16>
  %2 = fp8.scaled_matmul %ba, %bb scales(%bsa, %bsb)
      : tensor<2x16x32xf8E4M3FN>, tensor<2x32x64xf8E4M3FN>, tensor<2x1x1xf32>, tensor<2x1x64xf32> -> tensor<2x16x64xf16>
  return %0, %1, %2 : tensor<16x64xbf16>, tensor<16x64xf32>, tensor<2x16x64xf16>
}
