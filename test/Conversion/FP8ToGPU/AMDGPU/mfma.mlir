// fp8.scaled_matmul on AMD matrix cores (gfx942, gfx950): amdgpu.mfma
// 32x32x16 on fp8 fragments, one 64-lane wave per 32 x 32 tile.
// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=gfx942" | FileCheck %s
//
// AMD casts with the reference lowering (no NVIDIA cast kernels): the
// layer of Inputs/layer.mlir keeps its fp8 transposes, and its GEMMs are
// MFMA kernels.
// RUN: fp8-opt %S/../Inputs/layer.mlir --fp8-lower-to-gpu="chip=gfx942" | FileCheck %s --check-prefix=LAYER
// LAYER-LABEL: func @layer
// LAYER-NOT: fp8_cast_transposed
// LAYER: linalg.transpose
// LAYER: function(@fp8_scaled_matmul_mfma)

// scaled_matmul: one 64-lane wave per 32x32 tile, 8 fp8 values per lane and
// operand, mfma 32x32x16, reciprocal scales and bf16 rounding per element.
// CHECK-LABEL: func @scaled_matmul
// CHECK: %[[C:.+]] = memref.alloc() : memref<64x32xbf16>
// CHECK: gpu.launch blocks({{.+}}) threads({{.+}}) in (%{{.+}} = %c64
// CHECK:   scf.for %{{.+}} = %{{.+}} to %{{.+}} step %c16 iter_args(%[[ACC:.+]] = %{{.+}}) -> (vector<16xf32>)
// CHECK:     %[[A:.+]] = vector.from_elements {{.+}} : vector<8xf8E4M3FNUZ>
// CHECK:     %[[B:.+]] = vector.from_elements {{.+}} : vector<8xf8E5M2FNUZ>
// CHECK:     amdgpu.mfma 32x32x16 %[[A]] * %[[B]] + %[[ACC]] blgp = none : vector<8xf8E4M3FNUZ>, vector<8xf8E5M2FNUZ>, vector<16xf32>
// CHECK-COUNT-16: arith.truncf %{{.+}} : f32 to bf16
// CHECK: bufferization.to_tensor %[[C]]
func.func @scaled_matmul(%a: tensor<64x32xf8E4M3FNUZ>, %b: tensor<32x32xf8E5M2FNUZ>, %sa: tensor<64x1xf32>, %sb: tensor<f32>) -> tensor<64x32xbf16> {
  %0 = fp8.scaled_matmul %a, %b scales(%sa, %sb) : tensor<64x32xf8E4M3FNUZ>, tensor<32x32xf8E5M2FNUZ>, tensor<64x1xf32>, tensor<f32> -> tensor<64x32xbf16>
  return %0 : tensor<64x32xbf16>
}

// -----

// Emulated gemms stay for the reference lowering.
// CHECK-LABEL: func @emulated
// CHECK-NOT: gpu.launch
// CHECK: fp8.scaled_matmul
func.func @emulated(%a: tensor<64x32xf8E4M3FN>, %b: tensor<32x32xf8E4M3FN>, %s: tensor<f32>) -> tensor<64x32xf32> {
  %0 = fp8.scaled_matmul %a, %b scales(%s, %s) {emulate} : tensor<64x32xf8E4M3FN>, tensor<32x32xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<64x32xf32>
  return %0 : tensor<64x32xf32>
}
