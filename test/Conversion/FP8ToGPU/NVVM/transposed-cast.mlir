// The tiled transposing cast (fp8_cast_transposed): the K x N cast of a
// GEMM's B written N x K, which the GEMM kernels read K-major, and the one
// kernel that writes a cast in both layouts.
// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=sm_90a" | FileCheck %s
// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=sm_89" | FileCheck %s --check-prefix=SM89
//
// The GEMMs of one linear layer cast the same tensors: torchao's input
// (A of the output GEMM, B of grad_weight), weight (B of output, transposed
// as stored N x K, and of grad_input) and grad_output (A of grad_input,
// A^T of grad_weight). After --fp8-rewrite-matmul and CSE each is cast once
// (Inputs/layer.mlir); on NVIDIA one tiled kernel then reads it once and
// writes it in both layouts, and the GEMM kernels read B K-major (N x K)
// directly: three amax kernels, three casts, three GEMMs, no transposes.
// RUN: fp8-opt %S/../Inputs/layer.mlir --fp8-lower-to-gpu="chip=sm_90a" | FileCheck %s --check-prefix=LAYER
// RUN: fp8-opt %S/../Inputs/layer.mlir --fp8-lower-to-gpu="chip=sm_89" | FileCheck %s --check-prefix=LAYER89

// LAYER-LABEL: func @layer
// x: the K x N cast (A of output) and the N x K cast (B of grad_weight),
// the scale from the amax on the GPU.
// LAYER: %[[XP:.+]] = memref.alloc() : memref<256x128xf8E4M3FN>
// LAYER: function(@fp8_amax)
// LAYER: %[[XS:.+]] = memref.alloc() : memref<f32>
// LAYER: %[[XT:.+]] = memref.alloc() : memref<128x256xf8E4M3FN>
// LAYER: function(@fp8_cast_transposed)
// The rows as they are: 4 codes of a row per 32-bit store.
// LAYER-COUNT-4: vector.store %{{.+}}, %[[XP]][%{{.+}}, %{{.+}}] {alignment = 4 : i64} : memref<256x128xf8E4M3FN>, vector<4xf8E4M3FN>
// LAYER: vector.store %{{.+}}, %[[XT]][%{{.+}}, %{{.+}}] {alignment = 16 : i64} : memref<128x256xf8E4M3FN>, vector<16xf8E4M3FN>
// LAYER: %[[XST:.+]] = bufferization.to_tensor %[[XS]]
// LAYER: %[[XTT:.+]] = bufferization.to_tensor %[[XT]]
// LAYER: %[[XPT:.+]] = bufferization.to_tensor %[[XP]]
// w: the same.
// LAYER: %[[WP:.+]] = memref.alloc() : memref<192x128xf8E4M3FN>
// LAYER: function(@fp8_amax)
// LAYER: %[[WS:.+]] = memref.alloc() : memref<f32>
// LAYER: %[[WT:.+]] = memref.alloc() : memref<128x192xf8E4M3FN>
// LAYER: function(@fp8_cast_transposed)
// LAYER: %[[WST:.+]] = bufferization.to_tensor %[[WS]]
// LAYER: %[[WTT:.+]] = bufferization.to_tensor %[[WT]]
// LAYER: %[[WPT:.+]] = bufferization.to_tensor %[[WP]]
// output = x @ w^T: A = x, B K-major = w as stored.
// LAYER: bufferization.to_buffer %[[XPT]] read_only : tensor<256x128xf8E4M3FN>
// LAYER: bufferization.to_buffer %[[WPT]] read_only : tensor<192x128xf8E4M3FN>
// LAYER: bufferization.to_buffer %[[XST]] read_only
// LAYER: bufferization.to_buffer %[[WST]] read_only
// LAYER: function(@fp8_scaled_matmul_wgmma)
// g: e5m2, both layouts.
// LAYER: %[[GP:.+]] = memref.alloc() : memref<256x192xf8E5M2>
// LAYER: function(@fp8_amax)
// LAYER: %[[GS:.+]] = memref.alloc() : memref<f32>
// LAYER: %[[GT:.+]] = memref.alloc() : memref<192x256xf8E5M2>
// LAYER: function(@fp8_cast_transposed)
// LAYER: %[[GST:.+]] = bufferization.to_tensor %[[GS]]
// LAYER: %[[GTT:.+]] = bufferization.to_tensor %[[GT]]
// LAYER: %[[GPT:.+]] = bufferization.to_tensor %[[GP]]
// grad_input = g @ w: A = g, B K-major = w^T.
// LAYER: bufferization.to_buffer %[[GPT]] read_only : tensor<256x192xf8E5M2>
// LAYER: bufferization.to_buffer %[[WTT]] read_only : tensor<128x192xf8E4M3FN>
// LAYER: bufferization.to_buffer %[[GST]] read_only
// LAYER: bufferization.to_buffer %[[WST]] read_only
// LAYER: function(@fp8_scaled_matmul_wgmma)
// grad_weight = g^T @ x: A = g^T, B K-major = x^T.
// LAYER: bufferization.to_buffer %[[GTT]] read_only : tensor<192x256xf8E5M2>
// LAYER: bufferization.to_buffer %[[XTT]] read_only : tensor<128x256xf8E4M3FN>
// LAYER: bufferization.to_buffer %[[GST]] read_only
// LAYER: bufferization.to_buffer %[[XST]] read_only
// LAYER: function(@fp8_scaled_matmul_wgmma)
// LAYER-NOT: function(@fp8_cast)
// LAYER-NOT: linalg.transpose
// LAYER: return
// LAYER89-LABEL: func @layer
// LAYER89-COUNT-2: function(@fp8_cast_transposed)
// LAYER89: function(@fp8_scaled_matmul_mma_sync)
// LAYER89: function(@fp8_cast_transposed)
// LAYER89-COUNT-2: function(@fp8_scaled_matmul_mma_sync)
// LAYER89-NOT: linalg.transpose
// LAYER89: return

// -----

// x @ w^T with w stored N x K (rowwise): w is cast as it is and is the
// wgmma kernel's K-major B; its per-row scales, transposed, are B's
// per-column scales. (Before, the fp8 transpose was a separate kernel and
// the GEMM fell back to mma.sync.)
// CHECK-LABEL: func @output_w_transposed
// CHECK-NOT: fp8_cast_transposed
// CHECK: function(@fp8_cast_axiswise)
// CHECK: %[[W:.+]] = bufferization.to_tensor %{{.+}} : memref<192x128xf8E4M3FN> to tensor<192x128xf8E4M3FN>
// CHECK: %[[S:.+]] = linalg.transpose ins(%{{.+}} : tensor<192x1xf32>)
// CHECK: %[[BT:.+]] = bufferization.to_buffer %[[W]] read_only : tensor<192x128xf8E4M3FN>
// CHECK: bufferization.to_buffer %[[S]] read_only : tensor<1x192xf32>
// CHECK: %[[BASE:.+]] = memref.extract_aligned_pointer_as_index %[[BT]]
// CHECK: call @fp8TensorMap2D(%[[BASE]], %c192{{.*}}, %c128{{.*}}, %c128{{.*}}, %c128{{.*}}, %c1{{.*}})
// CHECK: function(@fp8_scaled_matmul_wgmma)
// CHECK-NOT: linalg.transpose
// CHECK: return
// SM89-LABEL: func @output_w_transposed
// SM89-NOT: fp8_cast_transposed
// SM89: function(@fp8_scaled_matmul_mma_sync)
func.func @output_w_transposed(%x: tensor<256x128xbf16>, %w: tensor<192x128xbf16>) -> tensor<256x192xbf16> {
  %ax = fp8.amax %x axiswise(1) : tensor<256x128xbf16> -> tensor<256x1xf32>
  %sx = fp8.amax_to_scale %ax : tensor<256x1xf32> for f8E4M3FN
  %qx = fp8.cast %x, %sx : tensor<256x128xbf16>, tensor<256x1xf32> -> tensor<256x128xf8E4M3FN>
  %aw = fp8.amax %w axiswise(1) : tensor<192x128xbf16> -> tensor<192x1xf32>
  %sw = fp8.amax_to_scale %aw : tensor<192x1xf32> for f8E4M3FN
  %qw = fp8.cast %w, %sw : tensor<192x128xbf16>, tensor<192x1xf32> -> tensor<192x128xf8E4M3FN>
  %e = tensor.empty() : tensor<128x192xf8E4M3FN>
  %wt = linalg.transpose ins(%qw : tensor<192x128xf8E4M3FN>) outs(%e : tensor<128x192xf8E4M3FN>) permutation = [1, 0]
  %es = tensor.empty() : tensor<1x192xf32>
  %swt = linalg.transpose ins(%sw : tensor<192x1xf32>) outs(%es : tensor<1x192xf32>) permutation = [1, 0]
  %r = fp8.scaled_matmul %qx, %wt scales(%sx, %swt) {gemm = #fp8.gemm<fast_accum = true>} : tensor<256x128xf8E4M3FN>, tensor<128x192xf8E4M3FN>, tensor<256x1xf32>, tensor<1x192xf32> -> tensor<256x192xbf16>
  return %r : tensor<256x192xbf16>
}

// -----

// As @a_transposed, with the transpose right after the cast (its init made
// before, as CSE leaves a layer's shared tensor.empty): the cast's kernel
// replaces the op that follows it, which the pass then skips (it crashed
// there when a walk drove the patterns).
// CHECK-LABEL: func @transpose_follows_cast
// CHECK: function(@fp8_amax)
// CHECK: %[[GT:.+]] = memref.alloc() : memref<192x256xf8E5M2>
// CHECK: function(@fp8_cast_transposed)
// CHECK: %[[T:.+]] = bufferization.to_tensor %[[GT]]
// CHECK: bufferization.to_buffer %[[T]] read_only : tensor<192x256xf8E5M2>
// CHECK: function(@fp8_scaled_matmul_wgmma)
// CHECK-NOT: linalg.transpose
// CHECK: return
func.func @transpose_follows_cast(%g: tensor<256x192xbf16>, %x: tensor<128x256xf8E4M3FN>, %sx: tensor<f32>) -> tensor<192x128xbf16> {
  %e1 = tensor.empty() : tensor<192x256xf8E5M2>
  %ag = fp8.amax %g tensorwise : tensor<256x192xbf16> -> tensor<f32>
  %sg = fp8.amax_to_scale %ag : tensor<f32> for f8E5M2
  %qg = fp8.cast %g, %sg : tensor<256x192xbf16>, tensor<f32> -> tensor<256x192xf8E5M2>
  %gt = linalg.transpose ins(%qg : tensor<256x192xf8E5M2>) outs(%e1 : tensor<192x256xf8E5M2>) permutation = [1, 0]
  %e0 = tensor.empty() : tensor<256x128xf8E4M3FN>
  %qx = linalg.transpose ins(%x : tensor<128x256xf8E4M3FN>) outs(%e0 : tensor<256x128xf8E4M3FN>) permutation = [1, 0]
  %gw = fp8.scaled_matmul %gt, %qx scales(%sg, %sx) {gemm = #fp8.gemm<>} : tensor<192x256xf8E5M2>, tensor<256x128xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<192x128xbf16>
  return %gw : tensor<192x128xbf16>
}

// -----

// grad_output^T as A, g read only transposed: the tiled kernel writes just
// the N x K cast. B is a K-major argument.
// CHECK-LABEL: func @a_transposed
// CHECK: function(@fp8_amax)
// CHECK-NOT: memref.alloc() : memref<256x192xf8E5M2>
// CHECK: %[[GT:.+]] = memref.alloc() : memref<192x256xf8E5M2>
// CHECK: function(@fp8_cast_transposed)
// CHECK-NOT: memref<256x192xf8E5M2>
// CHECK: %[[T:.+]] = bufferization.to_tensor %[[GT]]
// CHECK: bufferization.to_buffer %[[T]] read_only : tensor<192x256xf8E5M2>
// CHECK: bufferization.to_buffer %arg1 read_only : tensor<128x256xf8E4M3FN>
// CHECK: function(@fp8_scaled_matmul_wgmma)
// CHECK-NOT: linalg.transpose
// CHECK: return
func.func @a_transposed(%g: tensor<256x192xbf16>, %xt: tensor<128x256xf8E4M3FN>, %sx: tensor<f32>) -> tensor<192x128xbf16> {
  %e0 = tensor.empty() : tensor<256x128xf8E4M3FN>
  %qx = linalg.transpose ins(%xt : tensor<128x256xf8E4M3FN>) outs(%e0 : tensor<256x128xf8E4M3FN>) permutation = [1, 0]
  %ag = fp8.amax %g tensorwise : tensor<256x192xbf16> -> tensor<f32>
  %sg = fp8.amax_to_scale %ag : tensor<f32> for f8E5M2
  %qg = fp8.cast %g, %sg : tensor<256x192xbf16>, tensor<f32> -> tensor<256x192xf8E5M2>
  %e1 = tensor.empty() : tensor<192x256xf8E5M2>
  %gt = linalg.transpose ins(%qg : tensor<256x192xf8E5M2>) outs(%e1 : tensor<192x256xf8E5M2>) permutation = [1, 0]
  %gw = fp8.scaled_matmul %gt, %qx scales(%sg, %sx) {gemm = #fp8.gemm<>} : tensor<192x256xf8E5M2>, tensor<256x128xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<192x128xbf16>
  return %gw : tensor<192x128xbf16>
}

// -----

// Dimensions that are not multiples of the 64 x 64 tile: no tiled kernel;
// the cast and the fp8 transpose stay separate (still correct).
// CHECK-LABEL: func @untiled
// CHECK-NOT: fp8_cast_transposed
// CHECK: function(@fp8_cast)
// CHECK: linalg.transpose
// CHECK: return
func.func @untiled(%g: tensor<96x80xbf16>) -> (tensor<96x80xf8E5M2>, tensor<80x96xf8E5M2>) {
  %ag = fp8.amax %g tensorwise : tensor<96x80xbf16> -> tensor<f32>
  %sg = fp8.amax_to_scale %ag : tensor<f32> for f8E5M2
  %qg = fp8.cast %g, %sg : tensor<96x80xbf16>, tensor<f32> -> tensor<96x80xf8E5M2>
  %e1 = tensor.empty() : tensor<80x96xf8E5M2>
  %gt = linalg.transpose ins(%qg : tensor<96x80xf8E5M2>) outs(%e1 : tensor<80x96xf8E5M2>) permutation = [1, 0]
  return %qg, %gt : tensor<96x80xf8E5M2>, tensor<80x96xf8E5M2>
}

// -----

// The rhs of a scaled matmul is cast by the matmul kernel, transposed: the
// pairs run along K (rows of B) and land in an N x K buffer with one 16-bit
// store, which the GEMM kernel reads K-major (TMA + wgmma on sm_90a).
// CHECK-LABEL: func @gemm_rhs
// CHECK: %[[BT:.+]] = memref.alloc() : memref<16x64xf8E4M3FN>
// CHECK: gpu.launch
// CHECK:   memref.load %{{.+}}[%[[K0:.+]], %[[N:.+]]] : memref<64x16xbf16>
// CHECK:   memref.load %{{.+}}[%[[K1:.+]], %[[N]]] : memref<64x16xbf16>
// CHECK:   nvvm.convert.f32x2.to.f8x2
// CHECK:   vector.store %{{.+}}, %[[BT]][%[[N]], %[[K0]]] {alignment = 2 : i64} : memref<16x64xf8E4M3FN>, vector<2xf8E4M3FN>
// CHECK: memref.extract_aligned_pointer_as_index %[[BT]]
// CHECK: function(@fp8_scaled_matmul_wgmma)
// CHECK:   nvvm.wgmma.mma_async {{.+}} <m = 64, n = 128, k = 32>, D[<f32>, <one>], A[<e4m3>, <one>, <row>], B[<e4m3>, <one>, <col>]
// CHECK-NOT: fp8.cast
func.func @gemm_rhs(%a: tensor<32x64xf8E4M3FN>, %b: tensor<64x16xbf16>, %sa: tensor<f32>, %sb: tensor<1x16xf32>) -> tensor<32x16xbf16> {
  %q = fp8.cast %b, %sb : tensor<64x16xbf16>, tensor<1x16xf32> -> tensor<64x16xf8E4M3FN>
  %c = fp8.scaled_matmul %a, %q scales(%sa, %sb) {gemm = #fp8.gemm<fast_accum = true>} : tensor<32x64xf8E4M3FN>, tensor<64x16xf8E4M3FN>, tensor<f32>, tensor<1x16xf32> -> tensor<32x16xbf16>
  return %c : tensor<32x16xbf16>
}

// -----

// A GEMM's tensorwise B: the amax kernel, then the transposing cast kernel
// computes the scale from the amax bits itself (block (0, 0)'s first thread
// writes it) and the GEMM's epilogue reads that buffer: the rank-0
// amax_to_scale does not run in host code between the kernels. A's cast is
// the tensorwise pair of fused-cast.mlir.
// CHECK-LABEL: func @tensorwise_gemm_rhs
// CHECK: function(@fp8_cast)
// CHECK: %[[BITS:.+]] = memref.alloc() : memref<1xi32>
// CHECK: function(@fp8_amax
// CHECK: memref.atomic_rmw maxu %{{.+}}, %[[BITS]]
// CHECK: %[[SCALE:.+]] = memref.alloc() : memref<f32>
// CHECK: %[[BT:.+]] = memref.alloc() : memref<128x256xf8E4M3FN>
// CHECK: function(@fp8_cast_transposed)
// CHECK:   %[[B:.+]] = memref.load %[[BITS]]
// CHECK:   %[[AMAX:.+]] = arith.bitcast %[[B]] : i32 to f32
// CHECK:   arith.divf %{{.+}} : f64
// CHECK:   %[[S:.+]] = arith.truncf %{{.+}} : f64 to f32
// CHECK:   scf.if
// CHECK:     memref.store %[[S]], %[[SCALE]][] : memref<f32>
// CHECK-NOT: memref.load
// CHECK:   vector.load
// CHECK:   arith.mulf %{{.+}}, %[[S]] : f32
// CHECK:   gpu.barrier
// CHECK: %[[ST:.+]] = bufferization.to_tensor %[[SCALE]]
// CHECK: %[[SB:.+]] = bufferization.to_buffer %[[ST]]
// CHECK: function(@fp8_scaled_matmul_wgmma)
// CHECK: memref.load %[[SB]][] : memref<f32>
// CHECK-NOT: fp8.amax_to_scale
// CHECK: return
func.func @tensorwise_gemm_rhs(%x: tensor<128x256xbf16>, %w: tensor<256x128xbf16>) -> tensor<128x128xbf16> {
  %ax = fp8.amax %x tensorwise : tensor<128x256xbf16> -> tensor<f32>
  %sx = fp8.amax_to_scale %ax : tensor<f32> for f8E4M3FN
  %a = fp8.cast %x, %sx : tensor<128x256xbf16>, tensor<f32> -> tensor<128x256xf8E4M3FN>
  %aw = fp8.amax %w tensorwise : tensor<256x128xbf16> -> tensor<f32>
  %sw = fp8.amax_to_scale %aw : tensor<f32> for f8E4M3FN
  %b = fp8.cast %w, %sw : tensor<256x128xbf16>, tensor<f32> -> tensor<256x128xf8E4M3FN>
  %c = fp8.scaled_matmul %a, %b scales(%sx, %sw) {gemm = #fp8.gemm<fast_accum = true>} : tensor<128x256xf8E4M3FN>, tensor<256x128xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<128x128xbf16>
  return %c : tensor<128x128xbf16>
}

// -----

// The tiled kernel itself, on a 64 x 128 cast with a scale per column that
// is read as it is and transposed: a grid of (128 / 64) x (64 / 64) tiles
// of 64 x 64, 256 threads, a 64 x 68-byte shared tile (4 bytes of padding
// a row against bank conflicts). Thread t reads 4 rows of 4 columns (8-byte
// loads), loads its 4 columns' scales once, writes each row's 4 codes as
// they are (4-byte stores), converts pairs down each column into 4 codes
// of a transposed row of the shared tile, and after a barrier stores 16
// codes of the N x K output (16-byte stores).
// CHECK-LABEL: func @dual_columnwise
// CHECK: %[[OUT:.+]] = memref.alloc() : memref<64x128xf8E5M2>
// CHECK: %[[IN:.+]] = bufferization.to_buffer %{{.+}} : tensor<64x128xbf16> to memref<64x128xbf16>
// CHECK: %[[SCALE:.+]] = bufferization.to_buffer %{{.+}} : tensor<1x128xf32> to memref<1x128xf32>
// CHECK: %[[OUTT:.+]] = memref.alloc() : memref<128x64xf8E5M2>
// CHECK: gpu.launch blocks(%[[BX:[a-z0-9_]+]], %[[BY:[a-z0-9_]+]], %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %c2{{[_0-9]*}}, %{{[a-z0-9_]+}} = %c1{{[_0-9]*}}, %{{[a-z0-9_]+}} = %c1{{[_0-9]*}}) threads(%[[TX:[a-z0-9_]+]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}) in (%{{[a-z0-9_]+}} = %c256{{[_0-9]*}}, %{{[a-z0-9_]+}} = %c1{{[_0-9]*}}, %{{[a-z0-9_]+}} = %c1{{[_0-9]*}}) module(@fp8_kernels) function(@fp8_cast_transposed) workgroup(%[[TILE:.+]] : memref<64x68xi8, #gpu.address_space<workgroup>>)
// CHECK:   %[[COL0:.+]] = arith.muli %[[BX]], %c64{{.*}} : index
// CHECK:   %[[ROW0:.+]] = arith.muli %[[BY]], %c64{{.*}} : index
// CHECK:   %[[MAX:.+]] = arith.constant 5.734400e+04 : f32
// CHECK:   %[[MIN:.+]] = arith.constant -5.734400e+04 : f32
// CHECK:   %[[TR:.+]] = arith.divui %[[TX]], %c16{{.*}} : index
// CHECK:   %[[R4:.+]] = arith.muli %[[TR]], %c4{{.*}} : index
// CHECK:   %[[TC:.+]] = arith.remui %[[TX]], %c16{{.*}} : index
// CHECK:   %[[C4:.+]] = arith.muli %[[TC]], %c4{{.*}} : index
// CHECK:   %[[COL:.+]] = arith.addi %[[COL0]], %[[C4]] : index
// CHECK-COUNT-4: memref.load %[[SCALE]][%c0{{.*}}, %{{.+}}] : memref<1x128xf32>
// CHECK-NOT: memref.load %[[SCALE]]
// CHECK:   %[[X0:.+]] = vector.load %[[IN]][%{{.+}}, %[[COL]]] {alignment = 8 : i64} : memref<64x128xbf16>, vector<4xbf16>
// CHECK:   %[[LO:.+]] = arith.maximumf %{{.+}}, %[[MIN]] : f32
// CHECK:   arith.minimumf %[[LO]], %[[MAX]] : f32
// CHECK-COUNT-3: vector.load %[[IN]][%{{.+}}, %[[COL]]] {alignment = 8 : i64} : memref<64x128xbf16>, vector<4xbf16>
// CHECK-NOT: memref.load %[[SCALE]]
// Rows as they are.
// CHECK-COUNT-4: vector.store %{{.+}}, %[[OUT]][%{{.+}}, %[[COL]]] {alignment = 4 : i64} : memref<64x128xf8E5M2>, vector<4xf8E5M2>
// Columns: rows 0 and 1, 2 and 3 of one column make a transposed row of 4.
// CHECK:   %[[P0:.+]] = nvvm.convert.f32x2.to.f8x2 {{.+}} : vector<2xi8>(f8E5M2)
// CHECK:   %[[P1:.+]] = nvvm.convert.f32x2.to.f8x2 {{.+}} : vector<2xi8>(f8E5M2)
// CHECK:   %[[T4:.+]] = vector.shuffle %[[P0]], %[[P1]] [0, 1, 2, 3] : vector<2xi8>, vector<2xi8>
// CHECK:   %[[TROW:.+]] = arith.addi %[[C4]], %c0{{.*}} : index
// CHECK:   vector.store %[[T4]], %[[TILE]][%[[TROW]], %[[R4]]] {alignment = 4 : i64} : memref<64x68xi8, #gpu.address_space<workgroup>>, vector<4xi8>
// CHECK-COUNT-3: vector.store %{{.+}}, %[[TILE]][%{{.+}}, %[[R4]]] {alignment = 4 : i64}
// CHECK:   gpu.barrier
// CHECK:   %[[OR:.+]] = arith.divui %[[TX]], %c4{{.*}} : index
// CHECK:   %[[OQ:.+]] = arith.remui %[[TX]], %c4{{.*}} : index
// CHECK:   %[[OC:.+]] = arith.muli %[[OQ]], %c16{{.*}} : index
// CHECK:   %[[BYTES:.+]] = vector.load %[[TILE]][%[[OR]], %[[OC]]] {alignment = 4 : i64} : memref<64x68xi8, #gpu.address_space<workgroup>>, vector<16xi8>
// CHECK:   %[[CODES:.+]] = arith.bitcast %[[BYTES]] : vector<16xi8> to vector<16xf8E5M2>
// CHECK:   %[[N:.+]] = arith.addi %[[COL0]], %[[OR]] : index
// CHECK:   %[[K:.+]] = arith.addi %[[ROW0]], %[[OC]] : index
// CHECK:   vector.store %[[CODES]], %[[OUTT]][%[[N]], %[[K]]] {alignment = 16 : i64} : memref<128x64xf8E5M2>, vector<16xf8E5M2>
// CHECK:   gpu.terminator
// CHECK-NOT: linalg.transpose
// CHECK: return
func.func @dual_columnwise(%g: tensor<64x128xbf16>, %s: tensor<1x128xf32>) -> (tensor<64x128xf8E5M2>, tensor<128x64xf8E5M2>) {
  %q = fp8.cast %g, %s : tensor<64x128xbf16>, tensor<1x128xf32> -> tensor<64x128xf8E5M2>
  %e = tensor.empty() : tensor<128x64xf8E5M2>
  %t = linalg.transpose ins(%q : tensor<64x128xf8E5M2>) outs(%e : tensor<128x64xf8E5M2>) permutation = [1, 0]
  return %q, %t : tensor<64x128xf8E5M2>, tensor<128x64xf8E5M2>
}
