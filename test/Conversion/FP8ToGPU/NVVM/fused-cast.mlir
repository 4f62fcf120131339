// NVIDIA cast kernels that compute their own amax: the axiswise amax +
// amax_to_scale + cast of one tensor become one kernel (fp8_cast_axiswise);
// a tensorwise one, the amax kernel and a cast kernel that computes the
// scale. (AMD keeps the amax kernel: ../amax.mlir.)
// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=sm_90a" | FileCheck %s

// Rows of 256 bf16: a warp per row, each lane holding 8 elements in
// registers (one 16-byte load): the row is read once.
// CHECK-LABEL: func @rowwise
// CHECK-NOT: fp8.amax
// CHECK-NOT: function(@fp8_amax)
// CHECK: %[[IN:.+]] = memref.collapse_shape %{{.+}} {{\[}}[0, 1], [2]] : memref<2x64x256xbf16> into memref<128x256xbf16>
// CHECK: %[[OUT:.+]] = memref.alloc() : memref<2x64x256xf8E4M3FN>
// CHECK: %[[OUT2:.+]] = memref.collapse_shape %[[OUT]] {{\[}}[0, 1], [2]] : memref<2x64x256xf8E4M3FN> into memref<128x256xf8E4M3FN>
// CHECK: %[[SCALES:.+]] = memref.alloc() : memref<128xf32>
// CHECK: gpu.launch {{.+}} threads({{.+}}) in (%{{.+}} = %c256{{.*}}, {{.+}}) module(@fp8_kernels) function(@fp8_cast_axiswise) {
// CHECK-NOT: scf.for
// CHECK:   vector.load %[[IN]][%{{.+}}, %{{.+}}] {alignment = 16 : i64} : memref<128x256xbf16>, vector<8xbf16>
// CHECK-COUNT-8: math.absf
// CHECK:   gpu.subgroup_reduce maximumf %{{.+}} uniform : (f32) -> f32
// The scale of amax_to_scale (f64 division, power of 2), stored by lane 0.
// CHECK:   arith.extf %{{.+}} : f32 to f64
// CHECK:   arith.divf %{{.+}} : f64
// CHECK:   arith.truncf %{{.+}} : f64 to f32
// CHECK:   math.ctlz
// CHECK:   memref.store %{{.+}}, %[[SCALES]][%{{.+}}] : memref<128xf32>
// The registers: scale, clamp to +-448, four cvt x2, one 8-byte store.
// CHECK:   arith.constant 4.480000e+02 : f32
// CHECK-NOT: vector.load
// CHECK-COUNT-4: nvvm.convert.f32x2.to.f8x2 {{.+}} {rnd = #nvvm.fp_rnd_mode<rn>, sat = #nvvm.sat_mode<satfinite>
// CHECK:     vector.store %{{.+}}, %[[OUT2]][%{{.+}}, %{{.+}}] {alignment = 8 : i64} : memref<128x256xf8E4M3FN>, vector<8xf8E4M3FN>
// CHECK-NOT: scf.for
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0, 1, 2]] output_shape [2, 64, 1] : tensor<128xf32> into tensor<2x64x1xf32>
func.func @rowwise(%x: tensor<2x64x256xbf16>) -> (tensor<2x64x256xf8E4M3FN>, tensor<2x64x1xf32>) {
  %amax = fp8.amax %x axiswise(2) : tensor<2x64x256xbf16> -> tensor<2x64x1xf32>
  %scale = fp8.amax_to_scale %amax {round_to_power_of_2} : tensor<2x64x1xf32> for f8E4M3FN
  %q = fp8.cast %x, %scale : tensor<2x64x256xbf16>, tensor<2x64x1xf32> -> tensor<2x64x256xf8E4M3FN>
  return %q, %scale : tensor<2x64x256xf8E4M3FN>, tensor<2x64x1xf32>
}

// -----

// Rows of 6000 bf16: 128 threads a row (two rows a workgroup), 6 chunks of
// 8 elements a thread, the last one partly outside the row (loaded as zeros,
// not stored); the row's 4 warps combine their amaxes in shared memory.
// CHECK-LABEL: func @rowwise_wide
// CHECK: gpu.launch {{.+}} threads({{.+}}) in (%{{.+}} = %c256{{.*}}, {{.+}}) module(@fp8_kernels) function(@fp8_cast_axiswise) workgroup(%[[PARTIALS:.+]] : memref<2x4xf32, #gpu.address_space<workgroup>>)
// CHECK-COUNT-5: vector.load %{{.+}} {alignment = 16 : i64} : memref<16x6000xbf16>, vector<8xbf16>
// CHECK:   scf.if %{{.+}} -> (vector<8xbf16>)
// CHECK:     vector.load %{{.+}} {alignment = 16 : i64} : memref<16x6000xbf16>, vector<8xbf16>
// CHECK:   } else {
// CHECK:     arith.constant dense<0.000000e+00> : vector<8xbf16>
// CHECK:   gpu.subgroup_reduce maximumf
// CHECK:   memref.store %{{.+}}, %[[PARTIALS]]
// CHECK:   gpu.barrier
// CHECK-COUNT-4: memref.load %[[PARTIALS]]
// CHECK:   arith.divf %{{.+}} : f64
// CHECK-NOT: vector.load
// CHECK-COUNT-5: vector.store %{{.+}} : memref<16x6000xf8E4M3FN>, vector<8xf8E4M3FN>
// CHECK:   scf.if
// CHECK:     vector.store %{{.+}} : memref<16x6000xf8E4M3FN>, vector<8xf8E4M3FN>
// Rows of 20000 bf16 do not fit the registers of 256 threads: a warp per
// row reads the row twice.
// CHECK: function(@fp8_cast_axiswise)
// CHECK:   scf.for
// CHECK:     vector.load %{{.+}} : memref<4x20000xbf16>, vector<8xbf16>
// CHECK:   gpu.subgroup_reduce maximumf
// CHECK:   scf.for
// CHECK:     vector.load %{{.+}} : memref<4x20000xbf16>, vector<8xbf16>
// CHECK:     vector.store %{{.+}} : memref<4x20000xf8E4M3FN>, vector<8xf8E4M3FN>
func.func @rowwise_wide(%x: tensor<16x6000xbf16>, %y: tensor<4x20000xbf16>) -> (tensor<16x6000xf8E4M3FN>, tensor<4x20000xf8E4M3FN>) {
  %amax = fp8.amax %x axiswise(1) : tensor<16x6000xbf16> -> tensor<16x1xf32>
  %scale = fp8.amax_to_scale %amax : tensor<16x1xf32> for f8E4M3FN
  %q = fp8.cast %x, %scale : tensor<16x6000xbf16>, tensor<16x1xf32> -> tensor<16x6000xf8E4M3FN>
  %amax2 = fp8.amax %y axiswise(1) : tensor<4x20000xbf16> -> tensor<4x1xf32>
  %scale2 = fp8.amax_to_scale %amax2 : tensor<4x1xf32> for f8E4M3FN
  %q2 = fp8.cast %y, %scale2 : tensor<4x20000xbf16>, tensor<4x1xf32> -> tensor<4x20000xf8E4M3FN>
  return %q, %q2 : tensor<16x6000xf8E4M3FN>, tensor<4x20000xf8E4M3FN>
}

// -----

// Not fused: the amax is also a result; an inner size that is not a
// multiple of 8; an amax along the outer dimension.
// The amax along the outer dimension reads rows of 8-column groups
// (fp8_amax_columns: coalesced 16-byte loads, 8 row lanes per workgroup
// combined in shared memory, one atomic max per column and workgroup).
// CHECK-LABEL: func @not_fused
// CHECK-NOT: fp8_cast_axiswise
// CHECK: function(@fp8_amax)
// CHECK: function(@fp8_amax)
// CHECK: %[[PARTIAL:.+]] = memref.alloc() : memref<256xi32>
// CHECK: gpu.launch {{.+}} threads({{.+}}) in (%{{.+}} = %c256{{.*}}, {{.+}}) module(@fp8_kernels) function(@fp8_amax_columns) workgroup(%[[SMEM:.+]] : memref<8x256xf32, #gpu.address_space<workgroup>>)
// CHECK:   scf.for
// CHECK:     vector.load %{{.+}} {alignment = 16 : i64} : memref<64x256xbf16>, vector<8xbf16>
// CHECK-COUNT-8: memref.store %{{.+}}, %[[SMEM]]
// CHECK:   gpu.barrier
// CHECK:   scf.if
// CHECK-COUNT-8: memref.atomic_rmw maxu %{{.+}}, %[[PARTIAL]]
// CHECK-NOT: fp8_cast_axiswise
func.func @not_fused(%x: tensor<64x256xbf16>, %y: tensor<64x12xbf16>) -> (tensor<64x256xf8E4M3FN>, tensor<64x1xf32>, tensor<64x12xf8E4M3FN>, tensor<64x256xf8E4M3FN>) {
  %amax = fp8.amax %x axiswise(1) : tensor<64x256xbf16> -> tensor<64x1xf32>
  %scale = fp8.amax_to_scale %amax : tensor<64x1xf32> for f8E4M3FN
  %q = fp8.cast %x, %scale : tensor<64x256xbf16>, tensor<64x1xf32> -> tensor<64x256xf8E4M3FN>
  %amax2 = fp8.amax %y axiswise(1) : tensor<64x12xbf16> -> tensor<64x1xf32>
  %scale2 = fp8.amax_to_scale %amax2 : tensor<64x1xf32> for f8E4M3FN
  %q2 = fp8.cast %y, %scale2 : tensor<64x12xbf16>, tensor<64x1xf32> -> tensor<64x12xf8E4M3FN>
  %amax3 = fp8.amax %x axiswise(0) : tensor<64x256xbf16> -> tensor<1x256xf32>
  %scale3 = fp8.amax_to_scale %amax3 : tensor<1x256xf32> for f8E4M3FN
  %q3 = fp8.cast %x, %scale3 : tensor<64x256xbf16>, tensor<1x256xf32> -> tensor<64x256xf8E4M3FN>
  return %q, %amax, %q2, %q3 : tensor<64x256xf8E4M3FN>, tensor<64x1xf32>, tensor<64x12xf8E4M3FN>, tensor<64x256xf8E4M3FN>
}

// -----

// Tensorwise: two passes. The amax kernel, then the cast kernel computes
// the scale from the amax bits (f64 division), its first thread writes it
// for the GEMM, and every thread scales with it; no amax_to_scale kernel.
// CHECK-LABEL: func @tensorwise
// CHECK-NOT: fp8.amax
// CHECK: %[[BITS:.+]] = memref.alloc() : memref<1xi32>
// CHECK: function(@fp8_amax)
// CHECK: memref.atomic_rmw maxu %{{.+}}, %[[BITS]]
// CHECK: %[[SCALE:.+]] = memref.alloc() : memref<f32>
// Workgroup b converts the input's (grid - 1 - b)-th 2048 elements: the
// cast starts where the amax pass ended (still in L2).
// CHECK: gpu.launch blocks(%[[BX:[^,]+]], %{{.+}}, %{{.+}}) in (%{{[^ ]+}} = %[[GX:[^,]+]], %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}) threads(%[[TX:[^,]+]], %{{.+}}, %{{.+}}) in {{.+}} function(@fp8_cast)
// CHECK:   %[[LAST:.+]] = arith.subi %[[GX]], %c1{{.*}} : index
// CHECK:   %[[BLOCK:.+]] = arith.subi %[[LAST]], %[[BX]] : index
// CHECK:   %[[FIRST:.+]] = arith.muli %[[BLOCK]], %c256{{.*}} : index
// CHECK:   arith.addi %[[FIRST]], %[[TX]] : index
// CHECK:   %[[B:.+]] = memref.load %[[BITS]]
// CHECK:   %[[AMAX:.+]] = arith.bitcast %[[B]] : i32 to f32
// CHECK:   arith.extf %[[AMAX]] : f32 to f64
// CHECK:   arith.divf %{{.+}} : f64
// CHECK:   %[[S:.+]] = arith.truncf %{{.+}} : f64 to f32
// CHECK:   scf.if
// CHECK:     memref.store %[[S]], %[[SCALE]][] : memref<f32>
// CHECK:   arith.mulf %{{.+}}, %[[S]] : f32
// CHECK: bufferization.to_tensor %[[SCALE]]
// CHECK-NOT: fp8.amax_to_scale
// CHECK: return
func.func @tensorwise(%x: tensor<64x256xbf16>) -> (tensor<64x256xf8E5M2>, tensor<f32>) {
  %amax = fp8.amax %x tensorwise : tensor<64x256xbf16> -> tensor<f32>
  %scale = fp8.amax_to_scale %amax : tensor<f32> for f8E5M2
  %q = fp8.cast %x, %scale : tensor<64x256xbf16>, tensor<f32> -> tensor<64x256xf8E5M2>
  return %q, %scale : tensor<64x256xf8E5M2>, tensor<f32>
}

// -----

// A dynamic number of rows of 512 f32, e5m2: ceil(rows / 8) workgroups of
// 8 warps (at least one), a warp per row, each lane two 16-byte groups of
// 8 f32 (columns 8 l and 8 (32 + l)) held in registers. A warp past the
// last row reads the last row (its subgroup reduce stays uniform) and
// stores nothing. scale = 57344 / max(amax, 1e-12) in f64, lane 0 stores it;
// every element is clamped to +-57344 and converted in pairs.
// CHECK-LABEL: func @dynamic_rows
// CHECK: %[[ROWS0:.+]] = tensor.dim %{{.+}}, %c0{{.*}} : tensor<?x512xf32>
// CHECK: %[[ROWS:.+]] = arith.muli %c1{{.*}}, %[[ROWS0]] : index
// CHECK: %[[IN:.+]] = memref.collapse_shape %{{.+}} {{\[}}[0], [1]] : memref<?x512xf32> into memref<?x512xf32>
// CHECK: %[[OUT:.+]] = memref.collapse_shape %{{.+}} {{\[}}[0], [1]] : memref<?x512xf8E5M2> into memref<?x512xf8E5M2>
// CHECK: %[[SCALES:.+]] = memref.alloc(%[[ROWS]]) : memref<?xf32>
// CHECK: %[[G:.+]] = arith.ceildivui %[[ROWS]], %c8{{.*}} : index
// CHECK: %[[GRID:.+]] = arith.maxui %[[G]], %c1{{.*}} : index
// CHECK: gpu.launch blocks(%[[BX:[a-z0-9_]+]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %[[GRID]], %{{[a-z0-9_]+}} = %c1{{[_0-9]*}}, %{{[a-z0-9_]+}} = %c1{{[_0-9]*}}) threads(%[[TX:[a-z0-9_]+]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %c256{{[_0-9]*}}, {{.+}} function(@fp8_cast_axiswise) {
// CHECK:   %[[WARP:.+]] = arith.divui %[[TX]], %c32{{.*}} : index
// CHECK:   %[[LANE:.+]] = arith.remui %[[TX]], %c32{{.*}} : index
// CHECK:   %[[FIRST:.+]] = arith.muli %[[BX]], %c8{{.*}} : index
// CHECK:   %[[ROW:.+]] = arith.addi %[[FIRST]], %[[WARP]] : index
// CHECK:   %[[LIVE:.+]] = arith.cmpi ult, %[[ROW]], %[[ROWS]] : index
// CHECK:   %[[LASTROW:.+]] = arith.subi %[[ROWS]], %c1{{.*}} : index
// CHECK:   %[[READ:.+]] = arith.minui %[[ROW]], %[[LASTROW]] : index
// CHECK:   %[[G0:.+]] = arith.addi %c0{{.*}}, %[[LANE]] : index
// CHECK:   %[[C0:.+]] = arith.muli %[[G0]], %c8{{.*}} : index
// CHECK:   vector.load %[[IN]][%[[READ]], %[[C0]]] {alignment = 16 : i64} : memref<?x512xf32>, vector<8xf32>
// CHECK-NOT: arith.extf %{{.+}} : f32
// CHECK-COUNT-8: math.absf
// CHECK:   %[[G1:.+]] = arith.addi %c32{{.*}}, %[[LANE]] : index
// CHECK:   %[[C1:.+]] = arith.muli %[[G1]], %c8{{.*}} : index
// CHECK:   vector.load %[[IN]][%[[READ]], %[[C1]]] {alignment = 16 : i64} : memref<?x512xf32>, vector<8xf32>
// CHECK-NOT: vector.load
// CHECK:   %[[AMAX:.+]] = gpu.subgroup_reduce maximumf %{{.+}} uniform : (f32) -> f32
// CHECK:   %[[WIDE:.+]] = arith.extf %[[AMAX]] : f32 to f64
// CHECK:   %[[EPS:.+]] = arith.constant 9.9999999999999998E-13 : f64
// CHECK:   %[[SAFE:.+]] = arith.maximumf %[[WIDE]], %[[EPS]] : f64
// CHECK:   %[[FMAX:.+]] = arith.constant 5.734400e+04 : f64
// CHECK:   %[[Q:.+]] = arith.divf %[[FMAX]], %[[SAFE]] : f64
// CHECK:   %[[S:.+]] = arith.truncf %[[Q]] : f64 to f32
// CHECK:   scf.if %[[LIVE]] {
// CHECK:     %[[LEAD:.+]] = arith.cmpi eq, %[[LANE]], %c0{{.*}} : index
// CHECK:     scf.if %[[LEAD]] {
// CHECK:       memref.store %[[S]], %[[SCALES]][%[[ROW]]] : memref<?xf32>
// CHECK:     %[[HI:.+]] = arith.constant 5.734400e+04 : f32
// CHECK:     %[[LO:.+]] = arith.constant -5.734400e+04 : f32
// CHECK:     %[[X:.+]] = arith.mulf %{{.+}}, %[[S]] : f32
// CHECK:     %[[Y:.+]] = arith.maximumf %[[X]], %[[LO]] : f32
// CHECK:     arith.minimumf %[[Y]], %[[HI]] : f32
// CHECK-COUNT-4: nvvm.convert.f32x2.to.f8x2 {{.+}} : vector<2xi8>(f8E5M2)
// CHECK:     vector.store %{{.+}}, %[[OUT]][%[[ROW]], %{{.+}}] {alignment = 8 : i64} : memref<?x512xf8E5M2>, vector<8xf8E5M2>
// CHECK-COUNT-4: nvvm.convert.f32x2.to.f8x2 {{.+}} : vector<2xi8>(f8E5M2)
// CHECK:     vector.store %{{.+}}, %[[OUT]][%[[ROW]], %{{.+}}] {alignment = 8 : i64} : memref<?x512xf8E5M2>, vector<8xf8E5M2>
// CHECK-NOT: vector.store
// CHECK:   gpu.terminator
// CHECK: %[[ST:.+]] = bufferization.to_tensor %[[SCALES]]
// CHECK: tensor.expand_shape %[[ST]] {{\[}}[0, 1]] output_shape [%[[ROWS0]], 1] : tensor<?xf32> into tensor<?x1xf32>
func.func @dynamic_rows(%x: tensor<?x512xf32>) -> tensor<?x512xf8E5M2> {
  %amax = fp8.amax %x axiswise(1) : tensor<?x512xf32> -> tensor<?x1xf32>
  %scale = fp8.amax_to_scale %amax : tensor<?x1xf32> for f8E5M2
  %q = fp8.cast %x, %scale : tensor<?x512xf32>, tensor<?x1xf32> -> tensor<?x512xf8E5M2>
  return %q : tensor<?x512xf8E5M2>
}
