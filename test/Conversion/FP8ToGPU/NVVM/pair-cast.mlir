// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=sm_90a" | FileCheck %s

// fp8.cast for NVIDIA GPUs: each thread scales and clamps neighbours of the
// innermost dimension in f32 and converts two per saturating cvt (the first
// element in the low byte). An innermost size that is a static multiple of
// 8 gives eight elements per thread: one 16-byte load of bf16, four cvts,
// one 8-byte store.
// CHECK-LABEL: func @rows
// CHECK: %[[IN:.+]] = bufferization.to_buffer %{{.+}} read_only : tensor<16x64xbf16> to memref<16x64xbf16>
// CHECK: %[[SCALE:.+]] = bufferization.to_buffer %{{.+}} read_only : tensor<16x1xf32> to memref<16x1xf32>
// CHECK: %[[OUT:.+]] = memref.alloc() : memref<16x64xf8E4M3FN>
// CHECK: gpu.launch blocks({{.+}}) in (%{{.+}} = %{{.+}}, %{{.+}} = %c1{{.*}}, %{{.+}} = %c1{{.*}}) threads({{.+}}) in (%{{.+}} = %c256
// CHECK:   scf.if
// CHECK:     %[[COL:.+]] = arith.muli %{{.+}}, %c8 : index
// CHECK-DAG: arith.constant 4.480000e+02 : f32
// CHECK-DAG: arith.constant -4.480000e+02 : f32
// CHECK:     %[[ALL:.+]] = vector.load %[[IN]][%[[ROW:[^,]+]], %[[COL]]] {alignment = 16 : i64} : memref<16x64xbf16>, vector<8xbf16>
// CHECK:     vector.extract %[[ALL]][0]
// CHECK:     memref.load %[[SCALE]][%[[ROW]], %c0{{.*}}] : memref<16x1xf32>
// CHECK:     %[[LO:.+]] = arith.minimumf
// CHECK:     vector.extract %[[ALL]][1]
// CHECK:     %[[HI:.+]] = arith.minimumf
// CHECK:     %[[P0:.+]] = nvvm.convert.f32x2.to.f8x2 %[[HI]], %[[LO]] {rnd = #nvvm.fp_rnd_mode<rn>, sat = #nvvm.sat_mode<satfinite>} : vector<2xi8>(f8E4M3FN)
// CHECK-COUNT-3: nvvm.convert.f32x2.to.f8x2
// CHECK:     %[[A:.+]] = vector.shuffle %[[P0]], %{{.+}} [0, 1, 2, 3] : vector<2xi8>, vector<2xi8>
// CHECK:     %[[B:.+]] = vector.shuffle %{{.+}}, %{{.+}} [0, 1, 2, 3] : vector<2xi8>, vector<2xi8>
// CHECK:     %[[BYTES:.+]] = vector.shuffle %[[A]], %[[B]] [0, 1, 2, 3, 4, 5, 6, 7] : vector<4xi8>, vector<4xi8>
// CHECK:     %[[CODES:.+]] = arith.bitcast %[[BYTES]] : vector<8xi8> to vector<8xf8E4M3FN>
// CHECK:     vector.store %[[CODES]], %[[OUT]][%[[ROW]], %[[COL]]] {alignment = 8 : i64} : memref<16x64xf8E4M3FN>, vector<8xf8E4M3FN>
// CHECK: bufferization.to_tensor %[[OUT]]
func.func @rows(%x: tensor<16x64xbf16>, %s: tensor<16x1xf32>) -> tensor<16x64xf8E4M3FN> {
  %q = fp8.cast %x, %s : tensor<16x64xbf16>, tensor<16x1xf32> -> tensor<16x64xf8E4M3FN>
  return %q : tensor<16x64xf8E4M3FN>
}

// -----

// An even innermost size that is not a multiple of 8: pairs, loaded and
// stored as 2-element vectors.
// CHECK-LABEL: func @pairs
// CHECK: gpu.launch
// CHECK:   %[[COL:.+]] = arith.muli %{{.+}}, %c2{{(_[0-9]+)?}} : index
// CHECK:   %[[PAIR:.+]] = vector.load %{{.+}}[%{{.+}}, %[[COL]]] {alignment = 8 : i64} : memref<4x6xf32>, vector<2xf32>
// CHECK:   nvvm.convert.f32x2.to.f8x2 {{.+}} : vector<2xi8>(f8E5M2)
// CHECK:   vector.store %{{.+}}, %{{.+}}[%{{.+}}, %[[COL]]] {alignment = 2 : i64} : memref<4x6xf8E5M2>, vector<2xf8E5M2>
func.func @pairs(%x: tensor<4x6xf32>, %s: tensor<f32>) -> tensor<4x6xf8E5M2> {
  %q = fp8.cast %x, %s : tensor<4x6xf32>, tensor<f32> -> tensor<4x6xf8E5M2>
  return %q : tensor<4x6xf8E5M2>
}

// -----

// An odd innermost size: element loads and stores, the last column
// converted with 0 as its pair and stored alone; per-column scales.
// CHECK-LABEL: func @odd_columns
// CHECK: gpu.launch
// CHECK:   %[[COL:.+]] = arith.muli %{{.+}}, %c2{{(_[0-9]+)?}} : index
// CHECK:   %[[NEXT:.+]] = arith.addi %[[COL]], %c1{{.*}} : index
// CHECK:   %[[HAS:.+]] = arith.cmpi ult, %[[NEXT]], %c7
// CHECK:   memref.load %{{.+}}[%{{.+}}, %[[COL]]] : memref<5x7xbf16>
// CHECK:   scf.if %[[HAS]] -> (f32)
// CHECK:     memref.load %{{.+}}[%c0{{.*}}, %[[NEXT]]] : memref<1x7xf32>
// CHECK:   } else {
// CHECK:     arith.constant 0.000000e+00 : f32
// CHECK:   nvvm.convert.f32x2.to.f8x2 {{.+}} : vector<2xi8>(f8E5M2)
// CHECK:   memref.store %{{.+}}, %{{.+}}[%{{.+}}, %[[COL]]] : memref<5x7xf8E5M2>
// CHECK:   scf.if %[[HAS]] {
// CHECK:     memref.store %{{.+}}, %{{.+}}[%{{.+}}, %[[NEXT]]] : memref<5x7xf8E5M2>
func.func @odd_columns(%x: tensor<5x7xbf16>, %s: tensor<1x7xf32>) -> tensor<5x7xf8E5M2> {
  %q = fp8.cast %x, %s : tensor<5x7xbf16>, tensor<1x7xf32> -> tensor<5x7xf8E5M2>
  return %q : tensor<5x7xf8E5M2>
}

// -----

// Types without an NVIDIA conversion stay for the reference lowering.
// CHECK-LABEL: func @fnuz
// CHECK-NOT: gpu.launch
// CHECK: fp8.cast
func.func @fnuz(%x: tensor<4x8xf32>, %s: tensor<f32>) -> tensor<4x8xf8E4M3FNUZ> {
  %q = fp8.cast %x, %s : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf8E4M3FNUZ>
  return %q : tensor<4x8xf8E4M3FNUZ>
}

// -----

// Dynamic sizes: one thread per pair of a row, ceil(cols / 2) pairs a row,
// 256 threads a workgroup and at least one workgroup; e5m2 clamps to
// +-57344. The odd tail of a row is guarded as for a static odd size.
// CHECK-LABEL: func @dynamic
// CHECK-SAME: (%[[X:[^:]+]]: tensor<?x?xbf16>
// CHECK: %[[ROWS:.+]] = tensor.dim %[[X]], %c0{{.*}} : tensor<?x?xbf16>
// CHECK: %[[COLS:.+]] = tensor.dim %[[X]], %c1{{.*}} : tensor<?x?xbf16>
// CHECK: %[[PAIRS:.+]] = arith.ceildivui %[[COLS]], %c2{{.*}} : index
// CHECK: %[[R:.+]] = arith.muli %c1{{.*}}, %[[ROWS]] : index
// CHECK: %[[THREADS:.+]] = arith.muli %[[R]], %[[PAIRS]] : index
// CHECK: %[[OUT:.+]] = memref.alloc(%[[ROWS]], %[[COLS]]) : memref<?x?xf8E5M2>
// CHECK: %[[G:.+]] = arith.ceildivui %[[THREADS]], %c256{{.*}} : index
// CHECK: %[[GRID:.+]] = arith.maxui %[[G]], %c1{{.*}} : index
// CHECK: gpu.launch blocks(%[[BX:[a-z0-9_]+]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %[[GRID]], %{{[a-z0-9_]+}} = %c1{{[_0-9]*}}, %{{[a-z0-9_]+}} = %c1{{[_0-9]*}}) threads(%[[TX:[a-z0-9_]+]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %c256{{[_0-9]*}}, %{{[a-z0-9_]+}} = %c1{{[_0-9]*}}, %{{[a-z0-9_]+}} = %c1{{[_0-9]*}}) module(@fp8_kernels) function(@fp8_cast)
// CHECK:   %[[B:.+]] = arith.muli %[[BX]], %c256{{.*}} : index
// CHECK:   %[[T:.+]] = arith.addi %[[B]], %[[TX]] : index
// CHECK:   %[[LIVE:.+]] = arith.cmpi ult, %[[T]], %[[THREADS]] : index
// CHECK:   scf.if %[[LIVE]] {
// CHECK:     %[[HAS:.+]] = arith.cmpi ult, %{{.+}}, %[[COLS]] : index
// CHECK-DAG: arith.constant 5.734400e+04 : f32
// CHECK-DAG: arith.constant -5.734400e+04 : f32
// CHECK:     memref.load %{{.+}}[] : memref<f32>
// CHECK:     arith.mulf
// CHECK:     arith.maximumf
// CHECK:     arith.minimumf
// CHECK:     scf.if %[[HAS]] -> (f32)
// CHECK:     nvvm.convert.f32x2.to.f8x2 {{.+}} {rnd = #nvvm.fp_rnd_mode<rn>, sat = #nvvm.sat_mode<satfinite>} : vector<2xi8>(f8E5M2)
// CHECK:     memref.store %{{.+}}, %[[OUT]][%{{.+}}, %{{.+}}] : memref<?x?xf8E5M2>
// CHECK:     scf.if %[[HAS]] {
// CHECK:       memref.store %{{.+}}, %[[OUT]][%{{.+}}, %{{.+}}] : memref<?x?xf8E5M2>
func.func @dynamic(%x: tensor<?x?xbf16>, %s: tensor<f32>) -> tensor<?x?xf8E5M2> {
  %q = fp8.cast %x, %s : tensor<?x?xbf16>, tensor<f32> -> tensor<?x?xf8E5M2>
  return %q : tensor<?x?xf8E5M2>
}

// -----

// Rank 3 with a scale per row: the leading dimensions are delinearized from
// the thread's row; groups of 8 f32 are one 32-byte load; every element is
// scaled by its row's scale and clamped to +-448 before its cvt.
// CHECK-LABEL: func @batch_rows
// CHECK: %[[IN:.+]] = bufferization.to_buffer %{{.+}} : tensor<2x4x16xf32> to memref<2x4x16xf32>
// CHECK: %[[SCALE:.+]] = bufferization.to_buffer %{{.+}} : tensor<2x4x1xf32> to memref<2x4x1xf32>
// CHECK: %[[OUT:.+]] = memref.alloc() : memref<2x4x16xf8E4M3FN>
// CHECK: function(@fp8_cast)
// CHECK:   %[[COL:.+]] = arith.muli %{{.+}}, %c8{{.*}} : index
// CHECK:   %[[ROW1:.+]] = arith.remui %[[LIN:.+]], %c4{{.*}} : index
// CHECK:   %[[ROW0:.+]] = arith.divui %[[LIN]], %c4{{.*}} : index
// CHECK-DAG: %[[MAX:.+]] = arith.constant 4.480000e+02 : f32
// CHECK-DAG: %[[MIN:.+]] = arith.constant -4.480000e+02 : f32
// CHECK:   %[[ALL:.+]] = vector.load %[[IN]][%[[ROW0]], %[[ROW1]], %[[COL]]] {alignment = 32 : i64} : memref<2x4x16xf32>, vector<8xf32>
// CHECK:   %[[E0:.+]] = vector.extract %[[ALL]][0] : f32 from vector<8xf32>
// CHECK:   %[[S:.+]] = memref.load %[[SCALE]][%[[ROW0]], %[[ROW1]], %c0{{.*}}] : memref<2x4x1xf32>
// CHECK:   %[[M:.+]] = arith.mulf %[[E0]], %[[S]] : f32
// CHECK:   %[[LO:.+]] = arith.maximumf %[[M]], %[[MIN]] : f32
// CHECK:   %[[V0:.+]] = arith.minimumf %[[LO]], %[[MAX]] : f32
// CHECK:   %[[V1:.+]] = arith.minimumf %{{.+}}, %[[MAX]] : f32
// CHECK-COUNT-6: arith.minimumf %{{.+}}, %[[MAX]] : f32
// CHECK:   nvvm.convert.f32x2.to.f8x2 %[[V1]], %[[V0]] {rnd = #nvvm.fp_rnd_mode<rn>, sat = #nvvm.sat_mode<satfinite>} : vector<2xi8>(f8E4M3FN)
// CHECK-COUNT-3: nvvm.convert.f32x2.to.f8x2
// CHECK:   vector.store %{{.+}}, %[[OUT]][%[[ROW0]], %[[ROW1]], %[[COL]]] {alignment = 8 : i64} : memref<2x4x16xf8E4M3FN>, vector<8xf8E4M3FN>
func.func @batch_rows(%x: tensor<2x4x16xf32>, %s: tensor<2x4x1xf32>) -> tensor<2x4x16xf8E4M3FN> {
  %q = fp8.cast %x, %s : tensor<2x4x16xf32>, tensor<2x4x1xf32> -> tensor<2x4x16xf8E4M3FN>
  return %q : tensor<2x4x16xf8E4M3FN>
}

// -----

// A rank-0 cast is left to the reference lowering.
// CHECK-LABEL: func @rank0
// CHECK-NOT: gpu.launch
// CHECK: fp8.cast %{{.+}}, %{{.+}} : tensor<bf16>, tensor<f32> -> tensor<f8E4M3FN>
func.func @rank0(%x: tensor<bf16>, %s: tensor<f32>) -> tensor<f8E4M3FN> {
  %q = fp8.cast %x, %s : tensor<bf16>, tensor<f32> -> tensor<f8E4M3FN>
  return %q : tensor<f8E4M3FN>
}
