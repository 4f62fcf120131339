// The amax kernels (fp8_amax, fp8_amax_columns), shared by both vendors:
// AMD (gfx942) and NVIDIA (sm_90a) get the same reduction for an amax no
// cast takes over. An amax whose only user is its cast's scale is absorbed
// into the NVIDIA cast kernel (NVVM/fused-cast.mlir), never on AMD.
// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=gfx942" | FileCheck %s
// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=sm_90a" | FileCheck %s --check-prefix=NV

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
// NVIDIA: the same kernel (no cast takes this amax).
// NV-LABEL: func @amax_rows
// NV: %[[BITS:.+]] = memref.alloc() : memref<16xi32>
// NV: gpu.launch {{.+}} threads({{.+}}) in (%{{.+}} = %c256{{.*}} function(@fp8_amax)
// NV:   gpu.subgroup_reduce maximumf
// NV:   memref.atomic_rmw maxu %{{.+}}, %[[BITS]]
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

// A whole-tensor amax over a contiguous 64 x 256 input: groups of 8, four
// 16-byte loads in flight per step of the main loop (each thread's groups
// one grid stride apart), then the remaining groups one at a time.
// NV-LABEL: func @tensorwise_amax
// NV: %[[FLAT:.+]] = memref.collapse_shape %{{.+}} {{\[}}[0, 1]] : memref<64x256xbf16> into memref<16384xbf16>
// NV: function(@fp8_amax)
// NV: %[[MAIN:.+]] = scf.for
// NV-COUNT-4: vector.load %[[FLAT]][%{{.+}}] {alignment = 16 : i64} : memref<16384xbf16>, vector<8xbf16>
// NV-NOT: vector.load
// NV-COUNT-32: arith.maximumf
// NV: scf.yield
// NV: %[[REST:.+]] = scf.for %{{.+}} iter_args(%{{.+}} = %[[MAIN]])
// NV: vector.load %[[FLAT]][%{{.+}}] {alignment = 16 : i64} : memref<16384xbf16>, vector<8xbf16>
// NV-COUNT-8: arith.maximumf
// NV: gpu.subgroup_reduce maximumf %[[REST]]
// NV: memref.atomic_rmw maxu
func.func @tensorwise_amax(%x: tensor<64x256xbf16>) -> tensor<f32> {
  %amax = fp8.amax %x tensorwise : tensor<64x256xbf16> -> tensor<f32>
  return %amax : tensor<f32>
}

// -----

// The rowwise cast of NVVM/fused-cast.mlir: AMD keeps the separate amax
// kernel (no fused cast there); NVIDIA has no amax kernel left.
// CHECK-LABEL: func @rowwise
// CHECK: function(@fp8_amax)
// NV-LABEL: func @rowwise
// NV-NOT: function(@fp8_amax)
// NV: function(@fp8_cast_axiswise)
// NV-NOT: function(@fp8_amax)
// NV: return
func.func @rowwise(%x: tensor<2x64x256xbf16>) -> (tensor<2x64x256xf8E4M3FN>, tensor<2x64x1xf32>) {
  %amax = fp8.amax %x axiswise(2) : tensor<2x64x256xbf16> -> tensor<2x64x1xf32>
  %scale = fp8.amax_to_scale %amax {round_to_power_of_2} : tensor<2x64x1xf32> for f8E4M3FN
  %q = fp8.cast %x, %scale : tensor<2x64x256xbf16>, tensor<2x64x1xf32> -> tensor<2x64x256xf8E4M3FN>
  return %q, %scale : tensor<2x64x256xf8E4M3FN>, tensor<2x64x1xf32>
}

// -----

// Rows of 10000 f32: the grid is one workgroup per row (x) times
// max(min(ceil(10000 / (256 x 16)), 1024), 1) = 3 chunks (y); each thread
// strides over its row by the grid's threads along y, keeping |x| maxima
// in f32 (no extf for f32 input).
// CHECK-LABEL: func @amax_long_rows
// CHECK: %[[ROWS:.+]] = arith.muli %c1{{.*}}, %c4{{.*}} : index
// CHECK: %[[LEN:.+]] = arith.muli %c1{{.*}}, %c10000{{.*}} : index
// CHECK: %[[IN:.+]] = bufferization.to_buffer %{{.+}} : tensor<4x10000xf32> to memref<4x10000xf32>
// CHECK: %[[BITS:.+]] = memref.alloc() : memref<4xi32>
// CHECK: linalg.fill ins(%c0_i32{{.*}} : i32) outs(%[[BITS]] : memref<4xi32>)
// CHECK: %[[C:.+]] = arith.ceildivui %[[LEN]], %c4096{{.*}} : index
// CHECK: %[[C1:.+]] = arith.minui %[[C]], %c1024{{.*}} : index
// CHECK: %[[CHUNKS:.+]] = arith.maxui %[[C1]], %c1{{.*}} : index
// CHECK: gpu.launch blocks(%[[BX:[a-z0-9_]+]], %[[BY:[a-z0-9_]+]], %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %[[ROWS]], %{{[a-z0-9_]+}} = %[[CHUNKS]], %{{[a-z0-9_]+}} = %c1{{[_0-9]*}}) threads(%[[TX:[a-z0-9_]+]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %c256{{[_0-9]*}}, {{.+}} function(@fp8_amax)
// CHECK:   %[[B:.+]] = arith.muli %[[BY]], %c256{{.*}} : index
// CHECK:   %[[FIRST:.+]] = arith.addi %[[B]], %[[TX]] : index
// CHECK:   %[[STRIDE:.+]] = arith.muli %[[CHUNKS]], %c256{{.*}} : index
// CHECK:   %[[MAX:.+]] = scf.for %[[I:.+]] = %[[FIRST]] to %[[LEN]] step %[[STRIDE]] iter_args(%[[ACC:.+]] = %{{.+}}) -> (f32) {
// CHECK:     %[[X:.+]] = memref.load %[[IN]][%[[BX]], %[[I]]] : memref<4x10000xf32>
// CHECK-NOT: arith.extf
// CHECK:     %[[ABS:.+]] = math.absf %[[X]] : f32
// CHECK:     %[[M:.+]] = arith.maximumf %[[ACC]], %[[ABS]] : f32
// CHECK:     scf.yield %[[M]] : f32
// CHECK:   %[[W:.+]] = gpu.subgroup_reduce maximumf %[[MAX]] uniform : (f32) -> f32
// CHECK:   %[[WB:.+]] = arith.bitcast %[[W]] : f32 to i32
// CHECK:   memref.atomic_rmw maxu %[[WB]], %[[BITS]][%[[BX]]] : (i32, memref<4xi32>) -> i32
// NV-LABEL: func @amax_long_rows
// NV: %[[CHUNKS:.+]] = arith.maxui
// NV: gpu.launch {{.+}} in (%{{[a-z0-9_]+}} = %{{.+}}, %{{[a-z0-9_]+}} = %[[CHUNKS]], {{.+}} function(@fp8_amax)
// NV:   scf.for
// NV:   gpu.subgroup_reduce maximumf
func.func @amax_long_rows(%x: tensor<4x10000xf32>) -> tensor<4x1xf32> {
  %0 = fp8.amax %x axiswise(1) : tensor<4x10000xf32> -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}
