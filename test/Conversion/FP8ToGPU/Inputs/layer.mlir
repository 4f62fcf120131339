// The GEMMs of one linear layer after --fp8-rewrite-matmul and CSE, in
// PyTorch's layouts (x: M x K, weight: N x K, grad_output: M x N): output =
// x @ w^T, grad_input = g @ w, grad_weight = g^T @ x. Each of x, w and g is
// cast once, tensorwise. Checked per target by NVVM/transposed-cast.mlir and
// AMDGPU/mfma.mlir.
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
