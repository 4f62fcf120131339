// Two GEMMs of a linear layer in bf16 for --fp8-rewrite-matmul: output
// (e4m3 x e4m3) and grad_input (e5m2 x e4m3), tensorwise. The chip picks
// the float8 types: fnuz on gfx942, OCP on gfx950 (AMDGPU/mfma.mlir).
func.func @gemms(%x: tensor<32x64xbf16>, %w: tensor<64x32xbf16>, %g: tensor<32x32xbf16>, %wt: tensor<32x64xbf16>) -> (tensor<32x32xbf16>, tensor<32x64xbf16>) {
  %e = tensor.empty() : tensor<32x32xbf16>
  %y = linalg.matmul {fp8.role = "output"} ins(%x, %w : tensor<32x64xbf16>, tensor<64x32xbf16>) outs(%e : tensor<32x32xbf16>) -> tensor<32x32xbf16>
  %e2 = tensor.empty() : tensor<32x64xbf16>
  %gi = linalg.matmul {fp8.role = "grad_input"} ins(%g, %wt : tensor<32x32xbf16>, tensor<32x64xbf16>) outs(%e2 : tensor<32x64xbf16>) -> tensor<32x64xbf16>
  return %y, %gi : tensor<32x32xbf16>, tensor<32x64xbf16>
}
