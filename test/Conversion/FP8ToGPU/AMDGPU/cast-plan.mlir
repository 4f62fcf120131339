// The cast plan of --fp8-lower-to-gpu on AMD: no cast kernels (casts are
// left to --fp8-lower-to-linalg), every amax keeps its kernel, even for the
// OCP types and shapes that NVIDIA fuses.
// RUN: fp8-opt %s --fp8-test-cast-plan="chip=gfx942" -verify-diagnostics -o /dev/null
// RUN: fp8-opt %s --fp8-test-cast-plan="chip=gfx950" -verify-diagnostics -o /dev/null

func.func @layer(%x: tensor<64x128xbf16>, %w: tensor<128x192xbf16>) -> tensor<64x192xbf16> {
  // expected-remark @below {{cast plan: amax kernel}}
  %ax = fp8.amax %x axiswise(1) : tensor<64x128xbf16> -> tensor<64x1xf32>
  %sx = fp8.amax_to_scale %ax : tensor<64x1xf32> for f8E4M3FN
  // expected-remark @below {{cast plan: elementwise}}
  %qx = fp8.cast %x, %sx : tensor<64x128xbf16>, tensor<64x1xf32> -> tensor<64x128xf8E4M3FN>
  // expected-remark @below {{cast plan: amax kernel}}
  %aw = fp8.amax %w tensorwise : tensor<128x192xbf16> -> tensor<f32>
  %sw = fp8.amax_to_scale %aw : tensor<f32> for f8E4M3FN
  // expected-remark @below {{cast plan: elementwise}}
  %qw = fp8.cast %w, %sw : tensor<128x192xbf16>, tensor<f32> -> tensor<128x192xf8E4M3FN>
  %r = fp8.scaled_matmul %qx, %qw scales(%sx, %sw) : tensor<64x128xf8E4M3FN>, tensor<128x192xf8E4M3FN>, tensor<64x1xf32>, tensor<f32> -> tensor<64x192xbf16>
  return %r : tensor<64x192xbf16>
}
