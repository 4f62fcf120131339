// fp8.scaled_matmul on sm_89 (and the sm_90a GEMMs the TMA kernel does not
// take): one warp per 16 x 8 tile of C, mma.sync.m16n8k32 over k steps of
// 32, each lane packing 4 k-consecutive fp8 codes per 32-bit register (4
// of A, 2 of B), the scales applied per element in the epilogue. The mma
// instruction itself is not checked here (nvvm.mlir checks the PTX).
// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=sm_89" | FileCheck %s
// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=sm_90a" | FileCheck %s --check-prefix=SM90

// Fast accumulation, rowwise scales: a grid of ceil(N / 8) x ceil(M / 16)
// warps (y at most 65,535); lane l computes rows g and g + 8 (g = l / 4) and columns 2 t and
// 2 t + 1 (t = l % 4) of its tile. The tensor core accumulates across k
// steps: the loop carries its 4 f32 results as they are. Each result is
// multiplied by 1/sa[row] and 1/sb[col], rounded to bf16 and stored if in
// bounds.
// CHECK-LABEL: func @fast_accum
// CHECK-SAME: (%[[A:[^:]+]]: tensor<48x64xf8E4M3FN>, %[[B:[^:]+]]: tensor<64x24xf8E5M2>, %[[SA:[^:]+]]: tensor<48x1xf32>, %[[SB:[^:]+]]: tensor<1x24xf32>)
// CHECK: %[[AB:.+]] = bufferization.to_buffer %[[A]] read_only
// CHECK: %[[BB:.+]] = bufferization.to_buffer %[[B]] read_only
// CHECK: %[[SAB:.+]] = bufferization.to_buffer %[[SA]] read_only
// CHECK: %[[SBB:.+]] = bufferization.to_buffer %[[SB]] read_only
// CHECK: %[[C:.+]] = memref.alloc() : memref<48x24xbf16>
// CHECK: %[[GX:.+]] = arith.ceildivui %c24{{.*}}, %c8{{.*}} : index
// CHECK: %[[ROWS:.+]] = arith.ceildivui %c48{{.*}}, %c16{{.*}} : index
// CHECK: %[[GY:.+]] = arith.minui %[[ROWS]], %c65535{{.*}} : index
// CHECK: %[[GZ:.+]] = arith.minui %c1{{.*}}, %c65535{{.*}} : index
// CHECK: gpu.launch blocks(%[[BX:[a-z0-9_]+]], %[[BY:[a-z0-9_]+]], %[[BZ:[a-z0-9_]+]]) in (%{{[a-z0-9_]+}} = %[[GX]], %{{[a-z0-9_]+}} = %[[GY]], %{{[a-z0-9_]+}} = %[[GZ]]) threads(%[[TX:[a-z0-9_]+]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %c32{{[_0-9]*}}, %{{[a-z0-9_]+}} = %c1{{[_0-9]*}}, %{{[a-z0-9_]+}} = %c1{{[_0-9]*}}) module(@fp8_kernels) function(@fp8_scaled_matmul_mma_sync)
// Batches and row tiles beyond a launch's 65,535 along z and y: each
// block walks them in steps of the grid size (one step here).
// CHECK:   scf.for %{{.+}} = %[[BZ]] to %c1{{.*}} step %[[GZ]] {
// CHECK:   scf.for %[[RT:.+]] = %[[BY]] to %[[ROWS]] step %[[GY]] {
// CHECK:   %[[G:.+]] = arith.divui %[[TX]], %c4{{.*}} : index
// CHECK:   %[[T:.+]] = arith.remui %[[TX]], %c4{{.*}} : index
// CHECK:   %[[TROW:.+]] = arith.muli %[[RT]], %c16{{.*}} : index
// CHECK:   %[[TCOL:.+]] = arith.muli %[[BX]], %c8{{.*}} : index
// CHECK:   %[[ROW0:.+]] = arith.addi %[[TROW]], %[[G]] : index
// CHECK:   %[[ROW8:.+]] = arith.addi %[[ROW0]], %c8{{.*}} : index
// CHECK:   %[[K4:.+]] = arith.muli %[[T]], %c4{{.*}} : index
// CHECK:   %[[ACC:.+]]:4 = scf.for %{{.+}} = %c0{{.*}} to %c64{{.*}} step %c32{{.*}} iter_args(%{{.+}}) -> (f32, f32, f32, f32) {
// A: 4 registers of 4 codes (16 loads), B: 2 registers of 4 codes, read
// K x N as stored (column g of the tile, 4 rows per register).
// CHECK:     memref.load %[[AB]][%{{.+}}, %{{.+}}] : memref<48x64xf8E4M3FN>
// CHECK:     arith.bitcast %{{.+}} : f8E4M3FN to i8
// CHECK:     arith.extui %{{.+}} : i8 to i32
// CHECK-COUNT-15: memref.load %[[AB]][%{{.+}}, %{{.+}}] : memref<48x64xf8E4M3FN>
// CHECK-NOT: memref.load %[[AB]]
// CHECK:     memref.load %[[BB]][%{{.+}}, %{{.+}}] : memref<64x24xf8E5M2>
// CHECK:     arith.bitcast %{{.+}} : f8E5M2 to i8
// CHECK-COUNT-7: memref.load %[[BB]][%{{.+}}, %{{.+}}] : memref<64x24xf8E5M2>
// CHECK-NOT: memref.load
// CHECK-NOT: arith.addf
// CHECK:     scf.yield
// Accumulator 0: row g, column 2 t.
// CHECK:   %[[T2:.+]] = arith.muli %[[T]], %c2{{.*}} : index
// CHECK:   %[[C0:.+]] = arith.addi %[[T2]], %c0{{.*}} : index
// CHECK:   %[[COL0:.+]] = arith.addi %[[TCOL]], %[[C0]] : index
// CHECK:   %[[ROWOK:.+]] = arith.cmpi ult, %[[ROW0]], %c48{{.*}} : index
// CHECK:   %[[COLOK:.+]] = arith.cmpi ult, %[[COL0]], %c24{{.*}} : index
// CHECK:   %[[OK:.+]] = arith.andi %[[ROWOK]], %[[COLOK]] : i1
// CHECK:   scf.if %[[OK]] {
// CHECK:     %[[S0:.+]] = memref.load %[[SAB]][%[[ROW0]], %c0{{.*}}] : memref<48x1xf32>
// CHECK:     %[[R0:.+]] = arith.divf %{{.+}}, %[[S0]] : f32
// CHECK:     %[[S1:.+]] = memref.load %[[SBB]][%c0{{.*}}, %[[COL0]]] : memref<1x24xf32>
// CHECK:     %[[R1:.+]] = arith.divf %{{.+}}, %[[S1]] : f32
// CHECK:     %[[X:.+]] = arith.mulf %[[ACC]]#0, %[[R0]] : f32
// CHECK:     %[[Y:.+]] = arith.mulf %[[X]], %[[R1]] : f32
// CHECK:     %[[V:.+]] = arith.truncf %[[Y]] : f32 to bf16
// CHECK:     memref.store %[[V]], %[[C]][%[[ROW0]], %[[COL0]]] : memref<48x24xbf16>
// CHECK:   arith.mulf %[[ACC]]#1
// CHECK:   memref.store %{{.+}}, %[[C]][%[[ROW0]], %{{.+}}] : memref<48x24xbf16>
// Accumulators 2 and 3: row g + 8.
// CHECK:   memref.load %[[SAB]][%[[ROW8]], %c0{{.*}}] : memref<48x1xf32>
// CHECK:   arith.mulf %[[ACC]]#2
// CHECK:   memref.store %{{.+}}, %[[C]][%[[ROW8]], %{{.+}}] : memref<48x24xbf16>
// CHECK:   arith.mulf %[[ACC]]#3
// CHECK:   memref.store %{{.+}}, %[[C]][%[[ROW8]], %{{.+}}] : memref<48x24xbf16>
// CHECK-NOT: memref.store
// CHECK:   gpu.terminator
// CHECK: bufferization.to_tensor %[[C]]
// On sm_90a B is not a cast the TMA kernel could read K-major: mma.sync.
// SM90-LABEL: func @fast_accum
// SM90-NOT: fp8_scaled_matmul_wgmma
// SM90: function(@fp8_scaled_matmul_mma_sync)
func.func @fast_accum(%a: tensor<48x64xf8E4M3FN>, %b: tensor<64x24xf8E5M2>, %sa: tensor<48x1xf32>, %sb: tensor<1x24xf32>) -> tensor<48x24xbf16> {
  %c = fp8.scaled_matmul %a, %b scales(%sa, %sb) {gemm = #fp8.gemm<fast_accum = true>} : tensor<48x64xf8E4M3FN>, tensor<64x24xf8E5M2>, tensor<48x1xf32>, tensor<1x24xf32> -> tensor<48x24xbf16>
  return %c : tensor<48x24xbf16>
}

// -----

// Without fast accumulation every k step starts from zero and is added to
// the f32 accumulators in software; tensorwise scales are rank-0 loads; an
// f32 result is stored without rounding.
// CHECK-LABEL: func @promoted
// CHECK: %[[C:.+]] = memref.alloc() : memref<16x8xf32>
// CHECK: function(@fp8_scaled_matmul_mma_sync)
// CHECK:   %[[ACC:.+]]:4 = scf.for %{{.+}} = %c0{{.*}} to %c96{{.*}} step %c32{{.*}} iter_args(%[[A0:[^ ]+]] = %{{[^,]+}}, %[[A1:[^ ]+]] = %{{[^,]+}}, %[[A2:[^ ]+]] = %{{[^,]+}}, %[[A3:[^ ]+]] = %{{[^)]+}}) -> (f32, f32, f32, f32) {
// CHECK:     %[[S0:.+]] = arith.addf %[[A0]], %{{.+}} : f32
// CHECK:     %[[S1:.+]] = arith.addf %[[A1]], %{{.+}} : f32
// CHECK:     %[[S2:.+]] = arith.addf %[[A2]], %{{.+}} : f32
// CHECK:     %[[S3:.+]] = arith.addf %[[A3]], %{{.+}} : f32
// CHECK:     scf.yield %[[S0]], %[[S1]], %[[S2]], %[[S3]] : f32, f32, f32, f32
// CHECK:   scf.if
// CHECK:     memref.load %{{.+}}[] : memref<f32>
// CHECK:     arith.divf
// CHECK:     memref.load %{{.+}}[] : memref<f32>
// CHECK:     arith.divf
// CHECK:     arith.mulf %[[ACC]]#0
// CHECK:     %[[V:.+]] = arith.mulf
// CHECK-NOT: arith.truncf
// CHECK:     memref.store %[[V]], %[[C]][%{{.+}}, %{{.+}}] : memref<16x8xf32>
// CHECK-COUNT-3: memref.store %{{.+}}, %[[C]]
// CHECK-NOT: arith.truncf
// CHECK:   gpu.terminator
func.func @promoted(%a: tensor<16x96xf8E5M2>, %b: tensor<96x8xf8E4M3FN>, %s: tensor<f32>) -> tensor<16x8xf32> {
  %c = fp8.scaled_matmul %a, %b scales(%s, %s) {gemm = #fp8.gemm<>} : tensor<16x96xf8E5M2>, tensor<96x8xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// -----

// Batched: the grid's z dimension runs over the 2 x 3 batch (at most
// 65,535 workgroups, each then walking batches in steps of the grid),
// delinearized in the kernel; every load, scale and store takes the batch
// indices.
// The TMA kernel takes no batch: sm_90a also gets mma.sync.
// CHECK-LABEL: func @batched
// CHECK: %[[C:.+]] = memref.alloc() : memref<2x3x32x16xbf16>
// CHECK: %[[B0:.+]] = arith.muli %c1{{.*}}, %c2{{.*}} : index
// CHECK: %[[BATCH:.+]] = arith.muli %[[B0]], %c3{{.*}} : index
// CHECK: %[[GX:.+]] = arith.ceildivui %c16{{.*}}, %c8{{.*}} : index
// CHECK: %[[ROWS:.+]] = arith.ceildivui %c32{{.*}}, %c16{{.*}} : index
// CHECK: %[[GY:.+]] = arith.minui %[[ROWS]], %c65535{{.*}} : index
// CHECK: %[[GZ:.+]] = arith.minui %[[BATCH]], %c65535{{.*}} : index
// CHECK: gpu.launch blocks(%{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}, %[[BZ:[a-z0-9_]+]]) in (%{{[a-z0-9_]+}} = %[[GX]], %{{[a-z0-9_]+}} = %[[GY]], %{{[a-z0-9_]+}} = %[[GZ]]) threads({{.+}}) in (%{{[a-z0-9_]+}} = %c32{{.*}}function(@fp8_scaled_matmul_mma_sync)
// CHECK:   scf.for %[[Z:.+]] = %[[BZ]] to %[[BATCH]] step %[[GZ]] {
// CHECK:   %[[IDX1:.+]] = arith.remui %[[Z]], %c3{{.*}} : index
// CHECK:   %[[IDX0:.+]] = arith.divui %[[Z]], %c3{{.*}} : index
// CHECK:   scf.for
// CHECK:     memref.load %{{.+}}[%[[IDX0]], %[[IDX1]], %{{.+}}, %{{.+}}] : memref<2x3x32x64xf8E4M3FN>
// CHECK:     memref.load %{{.+}}[%[[IDX0]], %[[IDX1]], %{{.+}}, %{{.+}}] : memref<2x3x64x16xf8E4M3FN>
// CHECK:   scf.if
// CHECK:     memref.load %{{.+}}[%[[IDX0]], %[[IDX1]], %{{.+}}, %c0{{.*}}] : memref<2x3x32x1xf32>
// CHECK:     memref.load %{{.+}}[] : memref<f32>
// CHECK:     memref.store %{{.+}}, %[[C]][%[[IDX0]], %[[IDX1]], %{{.+}}, %{{.+}}] : memref<2x3x32x16xbf16>
// SM90-LABEL: func @batched
// SM90-NOT: fp8_scaled_matmul_wgmma
// SM90: function(@fp8_scaled_matmul_mma_sync)
// SM90-NOT: fp8_scaled_matmul_wgmma
func.func @batched(%a: tensor<2x3x32x64xf8E4M3FN>, %w: tensor<2x3x64x16xbf16>, %sa: tensor<2x3x32x1xf32>, %sb: tensor<f32>) -> tensor<2x3x32x16xbf16> {
  %b = fp8.cast %w, %sb : tensor<2x3x64x16xbf16>, tensor<f32> -> tensor<2x3x64x16xf8E4M3FN>
  %c = fp8.scaled_matmul %a, %b scales(%sa, %sb) {gemm = #fp8.gemm<fast_accum = true>} : tensor<2x3x32x64xf8E4M3FN>, tensor<2x3x64x16xf8E4M3FN>, tensor<2x3x32x1xf32>, tensor<f32> -> tensor<2x3x32x16xbf16>
  return %c : tensor<2x3x32x16xbf16>
}

// -----

// Dynamic M and N: C and the grid take their sizes from the operands, the
// bounds checks compare with them.
// CHECK-LABEL: func @dynamic
// CHECK: %[[AB:.+]] = bufferization.to_buffer %{{.+}} : tensor<?x64xf8E4M3FN> to memref<?x64xf8E4M3FN>
// CHECK: %[[BB:.+]] = bufferization.to_buffer %{{.+}} : tensor<64x?xf8E4M3FN> to memref<64x?xf8E4M3FN>
// CHECK: %[[M:.+]] = memref.dim %[[AB]], %c0{{.*}} : memref<?x64xf8E4M3FN>
// CHECK: %[[N:.+]] = memref.dim %[[BB]], %c1{{.*}} : memref<64x?xf8E4M3FN>
// CHECK: %[[C:.+]] = memref.alloc(%[[M]], %[[N]]) : memref<?x?xbf16>
// CHECK: %[[GX:.+]] = arith.ceildivui %[[N]], %c8{{.*}} : index
// CHECK: %[[ROWS:.+]] = arith.ceildivui %[[M]], %c16{{.*}} : index
// CHECK: %[[GY:.+]] = arith.minui %[[ROWS]], %c65535{{.*}} : index
// CHECK: gpu.launch blocks({{.+}}) in (%{{[a-z0-9_]+}} = %[[GX]], %{{[a-z0-9_]+}} = %[[GY]], {{.+}}function(@fp8_scaled_matmul_mma_sync)
// CHECK:   scf.for %{{.+}} = %{{.+}} to %[[ROWS]] step %[[GY]] {
// CHECK:   scf.for
// CHECK:     arith.cmpi ult, %{{.+}}, %[[M]] : index
// CHECK:     arith.cmpi ult, %{{.+}}, %[[N]] : index
// CHECK:     scf.yield
// CHECK:   arith.cmpi ult, %{{.+}}, %[[M]] : index
// CHECK:   arith.cmpi ult, %{{.+}}, %[[N]] : index
// CHECK:   scf.if
// CHECK:     memref.store %{{.+}}, %[[C]][%{{.+}}, %{{.+}}] : memref<?x?xbf16>
func.func @dynamic(%a: tensor<?x64xf8E4M3FN>, %b: tensor<64x?xf8E4M3FN>, %s: tensor<f32>) -> tensor<?x?xbf16> {
  %c = fp8.scaled_matmul %a, %b scales(%s, %s) {gemm = #fp8.gemm<fast_accum = true>} : tensor<?x64xf8E4M3FN>, tensor<64x?xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<?x?xbf16>
  return %c : tensor<?x?xbf16>
}

// -----

// B cast here: the cast kernel writes it N x K (fp8_cast_transposed, pairs
// along K) and the GEMM reads each lane's 4 codes from one row of that
// buffer; the K x N cast is never made.
// CHECK-LABEL: func @cast_rhs
// CHECK-NOT: memref<64x24xf8E4M3FN>
// CHECK: %[[BT:.+]] = memref.alloc() : memref<24x64xf8E4M3FN>
// CHECK: function(@fp8_cast_transposed)
// CHECK:   nvvm.convert.f32x2.to.f8x2
// CHECK:   vector.store %{{.+}}, %[[BT]][%{{.+}}, %{{.+}}] {alignment = 2 : i64} : memref<24x64xf8E4M3FN>, vector<2xf8E4M3FN>
// CHECK: function(@fp8_scaled_matmul_mma_sync)
// CHECK:   scf.for
// CHECK-COUNT-8: memref.load %[[BT]][%{{.+}}, %{{.+}}] : memref<24x64xf8E4M3FN>
// CHECK-NOT: memref<64x24xf8E4M3FN>
// CHECK: return
// On sm_90a the same B feeds the TMA kernel.
// SM90-LABEL: func @cast_rhs
// SM90: function(@fp8_cast_transposed)
// SM90: function(@fp8_scaled_matmul_wgmma)
func.func @cast_rhs(%a: tensor<16x64xf8E4M3FN>, %w: tensor<64x24xbf16>, %s: tensor<f32>) -> tensor<16x24xbf16> {
  %b = fp8.cast %w, %s : tensor<64x24xbf16>, tensor<f32> -> tensor<64x24xf8E4M3FN>
  %c = fp8.scaled_matmul %a, %b scales(%s, %s) {gemm = #fp8.gemm<fast_accum = true>} : tensor<16x64xf8E4M3FN>, tensor<64x24xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<16x24xbf16>
  return %c : tensor<16x24xbf16>
}

// -----

// emulate: no tensor-core kernel; the op stays for the reference lowering.
// CHECK-LABEL: func @emulated
// CHECK-NOT: gpu.launch
// CHECK: fp8.scaled_matmul {{.+}} {emulate
// SM90-LABEL: func @emulated
// SM90-NOT: gpu.launch
// SM90: fp8.scaled_matmul {{.+}} {emulate
func.func @emulated(%a: tensor<16x64xf8E4M3FN>, %b: tensor<64x16xf8E4M3FN>, %s: tensor<f32>) -> tensor<16x16xbf16> {
  %c = fp8.scaled_matmul %a, %b scales(%s, %s) {emulate, gemm = #fp8.gemm<fast_accum = true>} : tensor<16x64xf8E4M3FN>, tensor<64x16xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<16x16xbf16>
  return %c : tensor<16x16xbf16>
}
