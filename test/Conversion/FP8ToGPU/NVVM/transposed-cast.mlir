// The GEMMs of one linear layer cast the same tensors: torchao's input
// (A of the output GEMM, B of grad_weight), weight (B of output, transposed
// as stored N x K, and of grad_input) and grad_output (A of grad_input,
// A^T of grad_weight). After --fp8-rewrite-matmul and CSE each is cast once
// (the input below); on NVIDIA one tiled kernel then reads it once and
// writes it in both layouts, and the GEMM kernels read B K-major (N x K)
// directly: three amax kernels, three casts, three GEMMs, no transposes.
// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=sm_90a" | FileCheck %s
// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=sm_89" | FileCheck %s --check-prefix=SM89
// AMD casts with the reference lowering (no NVIDIA kernels, transposes stay).
// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=gfx942" | FileCheck %s --check-prefix=AMD

// CHECK-LABEL: func @layer
// x: the K x N cast (A of output) and the N x K cast (B of grad_weight),
// the scale from the amax on the GPU.
// CHECK: %[[XP:.+]] = memref.alloc() : memref<256x128xf8E4M3FN>
// CHECK: function(@fp8_amax)
// CHECK: %[[XS:.+]] = memref.alloc() : memref<f32>
// CHECK: %[[XT:.+]] = memref.alloc() : memref<128x256xf8E4M3FN>
// CHECK: function(@fp8_cast_transposed)
// The rows as they are: 4 codes of a row per 32-bit store.
// CHECK-COUNT-4: vector.store %{{.+}}, %[[XP]][%{{.+}}, %{{.+}}] {alignment = 4 : i64} : memref<256x128xf8E4M3FN>, vector<4xf8E4M3FN>
// CHECK: vector.store %{{.+}}, %[[XT]][%{{.+}}, %{{.+}}] {alignment = 16 : i64} : memref<128x256xf8E4M3FN>, vector<16xf8E4M3FN>
// CHECK: %[[XST:.+]] = bufferization.to_tensor %[[XS]]
// CHECK: %[[XTT:.+]] = bufferization.to_tensor %[[XT]]
// CHECK: %[[XPT:.+]] = bufferization.to_tensor %[[XP]]
// w: the same.
// CHECK: %[[WP:.+]] = memref.alloc() : memref<192x128xf8E4M3FN>
// CHECK: function(@fp8_amax)
// CHECK: %[[WS:.+]] = memref.alloc() : memref<f32>
// CHECK: %[[WT:.+]] = memref.alloc() : memref<128x192xf8E4M3FN>
// CHECK: function(@fp8_cast_transposed)
// CHECK: %[[WST:.+]] = bufferization.to_tensor %[[WS]]
// CHECK: %[[WTT:.+]] = bufferization.to_tensor %[[WT]]
// CHECK: %[[WPT:.+]] = bufferization.to_tensor %[[WP]]
// output = x @ w^T: A = x, B K-major = w as stored.
// CHECK: bufferization.to_buffer %[[XPT]] read_only : tensor<256x128xf8E4M3FN>
// CHECK: bufferization.to_buffer %[[WPT]] read_only : tensor<192x128xf8E4M3FN>
// CHECK: bufferization.to_buffer %[[XST]] read_only
// CHECK: bufferization.to_buffer %[[WST]] read_only
// CHECK: function(@fp8_scaled_matmul_wgmma)
// g: e5m2, both layouts.
// CHECK: %[[GP:.+]] = memref.alloc() : memref<256x192xf8E5M2>
// CHECK: function(@fp8_amax)
// CHECK: %[[GS:.+]] = memref.alloc() : memref<f32>
// CHECK: %[[GT:.+]] = memref.alloc() : memref<192x256xf8E5M2>
// CHECK: function(@fp8_cast_transposed)
// CHECK: %[[GST:.+]] = bufferization.to_tensor %[[GS]]
// CHECK: %[[GTT:.+]] = bufferization.to_tensor %[[GT]]
// CHECK: %[[GPT:.+]] = bufferization.to_tensor %[[GP]]
// grad_input = g @ w: A = g, B K-major = w^T.
// CHECK: bufferization.to_buffer %[[GPT]] read_only : tensor<256x192xf8E5M2>
// CHECK: bufferization.to_buffer %[[WTT]] read_only : tensor<128x192xf8E4M3FN>
// CHECK: bufferization.to_buffer %[[GST]] read_only
// CHECK: bufferization.to_buffer %[[WST]] read_only
// CHECK: function(@fp8_scaled_matmul_wgmma)
// grad_weight = g^T @ x: A = g^T, B K-major = x^T.
// CHECK: bufferization.to_buffer %[[GTT]] read_only : tensor<192x256xf8E5M2>
// CHECK: bufferization.to_buffer %[[XTT]] read_only : tensor<128x256xf8E4M3FN>
// CHECK: bufferization.to_buffer %[[GST]] read_only
// CHECK: bufferization.to_buffer %[[XST]] read_only
// CHECK: function(@fp8_scaled_matmul_wgmma)
// CHECK-NOT: function(@fp8_cast)
// CHECK-NOT: linalg.transpose
// CHECK: return
// SM89-LABEL: func @layer
// SM89-COUNT-2: function(@fp8_cast_transposed)
// SM89: function(@fp8_scaled_matmul_mma_sync)
// SM89: function(@fp8_cast_transposed)
// SM89-COUNT-2: function(@fp8_scaled_matmul_mma_sync)
// SM89-NOT: linalg.transpose
// SM89: return
// AMD-LABEL: func @layer
// AMD-NOT: fp8_cast_transposed
// AMD: linalg.transpose
// AMD: function(@fp8_scaled_matmul_mfma)
func.func @layer(%x: tensor<256x128xbf16>, %w: tensor<192x128xbf16>, %g: tensor<256x192xbf16>) -> (tensor<256x192xbf16>, tensor<256x128xbf16>, tensor<192x128xbf16>) {
  %ax = fp8.amax %x tensorwise : tensor<256x128xbf16> -> tensor<f32>
  %sx = fp8.amax_to_scale %ax : tensor<f32> for f8E4M3FN
  %qx = fp8.cast %x, %sx : tensor<256x128xbf16>, tensor<f32> -> tensor<256x128xf8E4M3FN>
  %aw = fp8.amax %w tensorwise : tensor<192x128xbf16> -> tensor<f32>
  %sw = fp8.amax_to_scale %aw : tensor<f32> for f8E4M3FN
  %qw = fp8.cast %w, %sw : tensor<192x128xbf16>, tensor<f32> -> tensor<192x128xf8E4M3FN>
  %e0 = tensor.empty() : tensor<128x192xf8E4M3FN>
  %wt = linalg.transpose ins(%qw : tensor<192x128xf8E4M3FN>) outs(%e0 : tensor<128x192xf8E4M3FN>) permutation = [1, 0]
  %out = fp8.scaled_matmul %qx, %wt scales(%sx, %sw) {gemm = #fp8.gemm<fast_accum = true>} : tensor<256x128xf8E4M3FN>, tensor<128x192xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<256x192xbf16>
  %ag = fp8.amax %g tensorwise : tensor<256x192xbf16> -> tensor<f32>
  %sg = fp8.amax_to_scale %ag : tensor<f32> for f8E5M2
  %qg = fp8.cast %g, %sg : tensor<256x192xbf16>, tensor<f32> -> tensor<256x192xf8E5M2>
  %gi = fp8.scaled_matmul %qg, %qw scales(%sg, %sw) {gemm = #fp8.gemm<>} : tensor<256x192xf8E5M2>, tensor<192x128xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<256x128xbf16>
  %e1 = tensor.empty() : tensor<192x256xf8E5M2>
  %gt = linalg.transpose ins(%qg : tensor<256x192xf8E5M2>) outs(%e1 : tensor<192x256xf8E5M2>) permutation = [1, 0]
  %gw = fp8.scaled_matmul %gt, %qx scales(%sg, %sx) {gemm = #fp8.gemm<>} : tensor<192x256xf8E5M2>, tensor<256x128xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<192x128xbf16>
  return %out, %gi, %gw : tensor<256x192xbf16>, tensor<256x128xbf16>, tensor<192x128xbf16>
}

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
