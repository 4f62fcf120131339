// fp8.scaled_matmul on AMD matrix cores (gfx942 here; gfx950 with OCP types
// in ../matrix-core-types-invalid.mlir): amdgpu.mfma
// 32x32x16 on fp8 fragments, one 64-lane wave per 32 x 32 tile.
// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=gfx942" | FileCheck %s
//
// AMD casts with the reference lowering (no NVIDIA cast kernels): the
// layer of Inputs/layer.mlir keeps its fp8 transposes, and its GEMMs are
// MFMA kernels.
// RUN: fp8-opt %S/../Inputs/layer.mlir --fp8-lower-to-gpu="chip=gfx950" | FileCheck %s --check-prefix=LAYER
// LAYER-LABEL: func @layer
// LAYER-NOT: fp8_cast_transposed
// LAYER: linalg.transpose
// LAYER: function(@fp8_scaled_matmul_mfma)
//
// The float8 types follow the chip (--fp8-rewrite-matmul with chip=):
// fnuz on gfx942 (MI300), OCP on gfx950 (MI350); either way the ROCDL
// conversion packs each 8-code fragment into an i64 for the fp8 (e4m3) or
// bf8 (e5m2) MFMA intrinsic.
// RUN: fp8-opt %S/Inputs/gemms.mlir --fp8-rewrite-matmul="chip=gfx942" --fp8-lower-to-gpu="chip=gfx942" --gpu-kernel-outlining --convert-amdgpu-to-rocdl="chipset=gfx942" | FileCheck %s --check-prefixes=TYPES,FNUZ
// RUN: fp8-opt %S/Inputs/gemms.mlir --fp8-rewrite-matmul="chip=gfx950" --fp8-lower-to-gpu="chip=gfx950" --gpu-kernel-outlining --convert-amdgpu-to-rocdl="chipset=gfx950" | FileCheck %s --check-prefixes=TYPES,OCP
// TYPES-LABEL: func.func @gemms
// TYPES: gpu.launch_func @fp8_kernels::@fp8_scaled_matmul_mfma blocks in (%{{.+}}) threads in (%c64{{.*}}, %c1{{.*}}, %c1{{.*}})
// TYPES: gpu.launch_func @fp8_kernels::@fp8_scaled_matmul_mfma_0 blocks in (%{{.+}}) threads in (%c64{{.*}}, %c1{{.*}}, %c1{{.*}})
// Output: e4m3 x e4m3.
// FNUZ: gpu.func @fp8_scaled_matmul_mfma({{.+}}: memref<32x64xf8E4M3FNUZ>, {{.+}}: memref<64x32xf8E4M3FNUZ>,
// OCP: gpu.func @fp8_scaled_matmul_mfma({{.+}}: memref<32x64xf8E4M3FN>, {{.+}}: memref<64x32xf8E4M3FN>,
// TYPES:   %[[A:.+]] = llvm.bitcast %{{.+}} : vector<8xi8> to i64
// TYPES:   %[[B:.+]] = llvm.bitcast %{{.+}} : vector<8xi8> to i64
// TYPES:   rocdl.mfma.f32.32x32x16.fp8.fp8 %[[A]], %[[B]], %{{.+}} : (i64, i64, vector<16xf32>, i32, i32, i32) -> vector<16xf32>
// grad_input: e5m2 x e4m3.
// FNUZ: gpu.func @fp8_scaled_matmul_mfma_0({{.+}}: memref<32x32xf8E5M2FNUZ>, {{.+}}: memref<32x64xf8E4M3FNUZ>,
// OCP: gpu.func @fp8_scaled_matmul_mfma_0({{.+}}: memref<32x32xf8E5M2>, {{.+}}: memref<32x64xf8E4M3FN>,
// TYPES:   rocdl.mfma.f32.32x32x16.bf8.fp8 %{{.+}}, %{{.+}}, %{{.+}} : (i64, i64, vector<16xf32>, i32, i32, i32) -> vector<16xf32>
// TYPES-NOT: amdgpu.mfma

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

// -----

// Geometry of a partial tile (M = 40, N = 72, K = 48): a grid of
// ceil(N / 32) x ceil(M / 32) waves of 64 lanes. Lane l reads row l % 32 of
// A and column l % 32 of B, 8 k values from 8 (l / 32) of each k step of
// 16, zero outside the matrix; it holds column l % 32 and, for v in 0..15,
// row 8 (v / 4) + v % 4 + 4 (l / 32) of the tile. Rowwise and columnwise
// reciprocal scales per element; an f32 result is not rounded.
// CHECK-LABEL: func @geometry
// CHECK: %[[AB:.+]] = bufferization.to_buffer %{{.+}} : tensor<40x48xf8E4M3FNUZ> to memref<40x48xf8E4M3FNUZ>
// CHECK: %[[BB:.+]] = bufferization.to_buffer %{{.+}} : tensor<48x72xf8E4M3FNUZ> to memref<48x72xf8E4M3FNUZ>
// CHECK: %[[SAB:.+]] = bufferization.to_buffer %{{.+}} : tensor<40x1xf32> to memref<40x1xf32>
// CHECK: %[[SBB:.+]] = bufferization.to_buffer %{{.+}} : tensor<1x72xf32> to memref<1x72xf32>
// CHECK: %[[C:.+]] = memref.alloc() : memref<40x72xf32>
// CHECK: %[[GX:.+]] = arith.ceildivui %c72{{.*}}, %c32{{.*}} : index
// CHECK: %[[ROWS:.+]] = arith.ceildivui %c40{{.*}}, %c32{{.*}} : index
// CHECK: %[[GY:.+]] = arith.minui %[[ROWS]], %c65535{{.*}} : index
// CHECK: %[[GZ:.+]] = arith.minui %c1{{.*}}, %c65535{{.*}} : index
// CHECK: gpu.launch blocks(%[[BX:[a-z0-9_]+]], %[[BY:[a-z0-9_]+]], %[[BZ:[a-z0-9_]+]]) in (%{{[a-z0-9_]+}} = %[[GX]], %{{[a-z0-9_]+}} = %[[GY]], %{{[a-z0-9_]+}} = %[[GZ]]) threads(%[[TX:[a-z0-9_]+]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %c64{{[_0-9]*}}, %{{[a-z0-9_]+}} = %c1{{[_0-9]*}}, %{{[a-z0-9_]+}} = %c1{{[_0-9]*}}) module(@fp8_kernels) function(@fp8_scaled_matmul_mfma)
// Batches and row tiles beyond a launch's 65,535 along z and y: each
// workgroup walks them in steps of the grid size (one step here).
// CHECK:   scf.for %{{.+}} = %[[BZ]] to %c1{{.*}} step %[[GZ]] {
// CHECK:   scf.for %[[RT:.+]] = %[[BY]] to %[[ROWS]] step %[[GY]] {
// CHECK:   %[[LR:.+]] = arith.remui %[[TX]], %c32{{.*}} : index
// CHECK:   %[[LK:.+]] = arith.divui %[[TX]], %c32{{.*}} : index
// CHECK:   %[[TROW:.+]] = arith.muli %[[RT]], %c32{{.*}} : index
// CHECK:   %[[TCOL:.+]] = arith.muli %[[BX]], %c32{{.*}} : index
// CHECK:   %[[ROW:.+]] = arith.addi %[[TROW]], %[[LR]] : index
// CHECK:   %[[COL:.+]] = arith.addi %[[TCOL]], %[[LR]] : index
// CHECK:   %[[K8:.+]] = arith.muli %[[LK]], %c8{{.*}} : index
// CHECK:   %[[ACC:.+]] = scf.for %[[K0:.+]] = %c0{{.*}} to %c48{{.*}} step %c16{{.*}} iter_args(%[[IN:.+]] = %{{.+}}) -> (vector<16xf32>) {
// CHECK:     %[[K:.+]] = arith.addi %[[K0]], %[[K8]] : index
// CHECK:     %[[ROWOK:.+]] = arith.cmpi ult, %[[ROW]], %c40{{.*}} : index
// CHECK:     %[[SROW:.+]] = arith.select %[[ROWOK]], %[[ROW]], %{{.+}} : index
// CHECK:     %[[KOK:.+]] = arith.cmpi ult, %{{.+}}, %c48{{.*}} : index
// CHECK:     %[[V:.+]] = memref.load %[[AB]][%[[SROW]], %{{.+}}] : memref<40x48xf8E4M3FNUZ>
// CHECK:     %[[OK:.+]] = arith.andi %[[ROWOK]], %[[KOK]] : i1
// CHECK:     arith.select %[[OK]], %[[V]], %{{.+}} : f8E4M3FNUZ
// CHECK-COUNT-7: memref.load %[[AB]]
// CHECK:     %[[FA:.+]] = vector.from_elements {{.+}} : vector<8xf8E4M3FNUZ>
// CHECK:     arith.cmpi ult, %[[COL]], %c72{{.*}} : index
// CHECK-COUNT-8: memref.load %[[BB]][%{{.+}}, %{{.+}}] : memref<48x72xf8E4M3FNUZ>
// CHECK:     %[[FB:.+]] = vector.from_elements {{.+}} : vector<8xf8E4M3FNUZ>
// CHECK:     %[[NEXT:.+]] = amdgpu.mfma 32x32x16 %[[FA]] * %[[FB]] + %[[IN]] blgp = none : vector<8xf8E4M3FNUZ>, vector<8xf8E4M3FNUZ>, vector<16xf32>
// CHECK:     scf.yield %[[NEXT]] : vector<16xf32>
// Element 0: row 4 (l / 32).
// CHECK:   %[[LK4:.+]] = arith.muli %[[LK]], %c4{{.*}} : index
// CHECK:   %[[R:.+]] = arith.addi %c0{{.*}}, %[[LK4]] : index
// CHECK:   %[[ROW0:.+]] = arith.addi %[[TROW]], %[[R]] : index
// CHECK:   %[[IN0:.+]] = arith.cmpi ult, %[[ROW0]], %c40{{.*}} : index
// CHECK:   %[[IN1:.+]] = arith.cmpi ult, %[[COL]], %c72{{.*}} : index
// CHECK:   %[[INB:.+]] = arith.andi %[[IN0]], %[[IN1]] : i1
// CHECK:   scf.if %[[INB]] {
// CHECK:     %[[E:.+]] = vector.extract %[[ACC]][0] : f32 from vector<16xf32>
// CHECK:     %[[S0:.+]] = memref.load %[[SAB]][%[[ROW0]], %c0{{.*}}] : memref<40x1xf32>
// CHECK:     %[[R0:.+]] = arith.divf %{{.+}}, %[[S0]] : f32
// CHECK:     %[[S1:.+]] = memref.load %[[SBB]][%c0{{.*}}, %[[COL]]] : memref<1x72xf32>
// CHECK:     %[[R1:.+]] = arith.divf %{{.+}}, %[[S1]] : f32
// CHECK:     %[[X:.+]] = arith.mulf %[[E]], %[[R0]] : f32
// CHECK:     %[[Y:.+]] = arith.mulf %[[X]], %[[R1]] : f32
// CHECK-NOT: arith.truncf
// CHECK:     memref.store %[[Y]], %[[C]][%[[ROW0]], %[[COL]]] : memref<40x72xf32>
// Element 4: row 8 + 4 (l / 32); element 15: row 27 + 4 (l / 32).
// CHECK:   arith.addi %c8{{.*}}, %{{.+}} : index
// CHECK:   vector.extract %[[ACC]][4] : f32 from vector<16xf32>
// CHECK:   arith.addi %c27{{.*}}, %{{.+}} : index
// CHECK:   vector.extract %[[ACC]][15] : f32 from vector<16xf32>
// CHECK:   memref.store %{{.+}}, %[[C]]
// CHECK-NOT: memref.store
// CHECK:   gpu.terminator
func.func @geometry(%a: tensor<40x48xf8E4M3FNUZ>, %b: tensor<48x72xf8E4M3FNUZ>, %sa: tensor<40x1xf32>, %sb: tensor<1x72xf32>) -> tensor<40x72xf32> {
  %0 = fp8.scaled_matmul %a, %b scales(%sa, %sb) : tensor<40x48xf8E4M3FNUZ>, tensor<48x72xf8E4M3FNUZ>, tensor<40x1xf32>, tensor<1x72xf32> -> tensor<40x72xf32>
  return %0 : tensor<40x72xf32>
}

// -----

// Batched: the grid's z dimension runs over the batch (at most 65,535
// workgroups, each walking batches in steps of the grid); A, B and C take
// the batch index.
// CHECK-LABEL: func @batched
// CHECK: %[[C:.+]] = memref.alloc() : memref<3x32x32xbf16>
// CHECK: %[[BATCH:.+]] = arith.muli %c1{{.*}}, %c3{{.*}} : index
// CHECK: %[[GZ:.+]] = arith.minui %[[BATCH]], %c65535{{.*}} : index
// CHECK: gpu.launch blocks(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}, %[[BZ:[a-z0-9_]+]]) in (%{{[a-z0-9_]+}} = %{{.+}}, %{{[a-z0-9_]+}} = %{{.+}}, %{{[a-z0-9_]+}} = %[[GZ]]) threads({{.+}}) in (%{{[a-z0-9_]+}} = %c64{{.*}}function(@fp8_scaled_matmul_mfma)
// CHECK:   scf.for %[[Z:.+]] = %[[BZ]] to %[[BATCH]] step %[[GZ]] {
// CHECK:   scf.for
// CHECK:     memref.load %{{.+}}[%[[Z]], %{{.+}}, %{{.+}}] : memref<3x32x32xf8E4M3FNUZ>
// CHECK:     amdgpu.mfma 32x32x16
// CHECK:   scf.if
// CHECK:     arith.truncf %{{.+}} : f32 to bf16
// CHECK:     memref.store %{{.+}}, %[[C]][%[[Z]], %{{.+}}, %{{.+}}] : memref<3x32x32xbf16>
func.func @batched(%a: tensor<3x32x32xf8E4M3FNUZ>, %b: tensor<3x32x32xf8E4M3FNUZ>, %s: tensor<f32>) -> tensor<3x32x32xbf16> {
  %0 = fp8.scaled_matmul %a, %b scales(%s, %s) : tensor<3x32x32xf8E4M3FNUZ>, tensor<3x32x32xf8E4M3FNUZ>, tensor<f32>, tensor<f32> -> tensor<3x32x32xbf16>
  return %0 : tensor<3x32x32xbf16>
}

// -----

// A dynamic M: C and the grid's y size come from A's size (clamped to
// 65,535, the kernel walking the rest).
// CHECK-LABEL: func @dynamic
// CHECK: %[[AB:.+]] = bufferization.to_buffer %{{.+}} : tensor<?x32xf8E4M3FNUZ> to memref<?x32xf8E4M3FNUZ>
// CHECK: %[[M:.+]] = memref.dim %[[AB]], %c0{{.*}} : memref<?x32xf8E4M3FNUZ>
// CHECK: %[[C:.+]] = memref.alloc(%[[M]]) : memref<?x32xbf16>
// CHECK: %[[ROWS:.+]] = arith.ceildivui %[[M]], %c32{{.*}} : index
// CHECK: %[[GY:.+]] = arith.minui %[[ROWS]], %c65535{{.*}} : index
// CHECK: gpu.launch blocks({{.+}}) in (%{{[a-z0-9_]+}} = %{{.+}}, %{{[a-z0-9_]+}} = %[[GY]], {{.+}}function(@fp8_scaled_matmul_mfma)
// CHECK:   scf.for %{{.+}} = %{{.+}} to %[[ROWS]] step %[[GY]] {
// CHECK:     arith.cmpi ult, %{{.+}}, %[[M]] : index
// CHECK:     amdgpu.mfma
// CHECK:   arith.cmpi ult, %{{.+}}, %[[M]] : index
// CHECK:   scf.if
// CHECK:     memref.store %{{.+}}, %[[C]][%{{.+}}, %{{.+}}] : memref<?x32xbf16>
func.func @dynamic(%a: tensor<?x32xf8E4M3FNUZ>, %b: tensor<32x32xf8E4M3FNUZ>, %s: tensor<f32>) -> tensor<?x32xbf16> {
  %0 = fp8.scaled_matmul %a, %b scales(%s, %s) : tensor<?x32xf8E4M3FNUZ>, tensor<32x32xf8E4M3FNUZ>, tensor<f32>, tensor<f32> -> tensor<?x32xbf16>
  return %0 : tensor<?x32xbf16>
}
