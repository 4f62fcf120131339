// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=gfx942" | FileCheck %s

// amax: one workgroup per output element (x) and per chunk of the
// reduction (y), 256 threads striding over it, a wave-level maximumf, and
// one atomic unsigned max of the f32 bits per wave.
// CHECK-LABEL: func @amax_rows
// CHECK: %[[IN:.+]] = bufferization.to_buffer %{{.+}} read_only : tensor<16x64xbf16> to memref<16x64xbf16>
// CHECK: %[[BITS:.+]] = memref.alloc() : memref<16xi32>
// CHECK: linalg.fill ins(%{{.+}} : i32) outs(%[[BITS]] : memref<16xi32>)
// CHECK: gpu.launch blocks(%[[BX:.+]], %{{.+}}, %{{.+}}) in {{.+}} threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c256
// CHECK:   scf.for
// CHECK:     memref.load %[[IN]]
// CHECK:     arith.extf %{{.+}} : bf16 to f32
// CHECK:     math.absf
// CHECK:     arith.maximumf
// CHECK:   %[[WAVE:.+]] = gpu.subgroup_reduce maximumf %{{.+}} uniform : (f32) -> f32
// CHECK:   gpu.lane_id
// CHECK:   scf.if
// CHECK:     %[[B:.+]] = arith.bitcast %[[WAVE]] : f32 to i32
// CHECK:     memref.atomic_rmw maxu %[[B]], %[[BITS]][%[[BX]]] : (i32, memref<16xi32>) -> i32
// CHECK: bufferization.to_tensor %[[BITS]] restrict writable
// CHECK: arith.bitcast %{{.+}} : i32 to f32
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0, 1]] output_shape [16, 1] : tensor<16xf32> into tensor<16x1xf32>
func.func @amax_rows(%x: tensor<16x64xbf16>) -> tensor<16x1xf32> {
  %0 = fp8.amax %x axiswise(1) : tensor<16x64xbf16> -> tensor<16x1xf32>
  return %0 : tensor<16x1xf32>
}

// -----

// Tensorwise: a single output; the rank-0 result comes from a collapse.
// CHECK-LABEL: func @amax_tensorwise
// CHECK: memref.alloc() : memref<1xi32>
// CHECK: gpu.launch
// CHECK: gpu.subgroup_reduce maximumf
// CHECK: tensor.collapse_shape %{{.+}} [] : tensor<1xf32> into tensor<f32>
func.func @amax_tensorwise(%x: tensor<?x32xf32>) -> tensor<f32> {
  %0 = fp8.amax %x tensorwise : tensor<?x32xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

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
