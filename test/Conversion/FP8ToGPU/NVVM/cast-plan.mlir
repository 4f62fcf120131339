// The cast plan of --fp8-lower-to-gpu on NVIDIA: which kernel casts each
// fp8.cast, and which fp8.amax a cast kernel computes itself.
// RUN: fp8-opt %s -split-input-file --fp8-test-cast-plan="chip=sm_90a" -verify-diagnostics -o /dev/null
// RUN: fp8-opt %s -split-input-file --fp8-test-cast-plan="chip=sm_89" -verify-diagnostics -o /dev/null

// A scale from elsewhere: the pair-wise kernel.
func.func @pairs(%x: tensor<64x128xbf16>, %s: tensor<f32>) -> tensor<64x128xf8E4M3FN> {
  // expected-remark @below {{cast plan: pairs}}
  %q = fp8.cast %x, %s : tensor<64x128xbf16>, tensor<f32> -> tensor<64x128xf8E4M3FN>
  return %q : tensor<64x128xf8E4M3FN>
}

// -----

// The amax along rows of its own input: one kernel computes amax, scales
// and cast.
func.func @fused_axiswise(%x: tensor<2x64x256xbf16>) -> (tensor<2x64x256xf8E4M3FN>, tensor<2x64x1xf32>) {
  // expected-remark @below {{cast plan: amax absorbed by a cast}}
  %amax = fp8.amax %x axiswise(2) : tensor<2x64x256xbf16> -> tensor<2x64x1xf32>
  %scale = fp8.amax_to_scale %amax {round_to_power_of_2} : tensor<2x64x1xf32> for f8E4M3FN
  // expected-remark @below {{cast plan: fused-axiswise, absorbs its amax}}
  %q = fp8.cast %x, %scale : tensor<2x64x256xbf16>, tensor<2x64x1xf32> -> tensor<2x64x256xf8E4M3FN>
  return %q, %scale : tensor<2x64x256xf8E4M3FN>, tensor<2x64x1xf32>
}

// -----

// Rows of 100 elements (not a multiple of 8): the amax keeps its kernel.
func.func @axiswise_not_fusable(%x: tensor<64x100xbf16>) -> tensor<64x100xf8E4M3FN> {
  // expected-remark @below {{cast plan: amax kernel}}
  %amax = fp8.amax %x axiswise(1) : tensor<64x100xbf16> -> tensor<64x1xf32>
  %scale = fp8.amax_to_scale %amax : tensor<64x1xf32> for f8E4M3FN
  // expected-remark @below {{cast plan: pairs}}
  %q = fp8.cast %x, %scale : tensor<64x100xbf16>, tensor<64x1xf32> -> tensor<64x100xf8E4M3FN>
  return %q : tensor<64x100xf8E4M3FN>
}

// -----

// A whole-tensor amax: the amax kernel, then a cast kernel that computes the
// scale.
func.func @fused_tensorwise(%x: tensor<64x128xbf16>) -> tensor<64x128xf8E4M3FN> {
  // expected-remark @below {{cast plan: amax absorbed by a cast}}
  %amax = fp8.amax %x tensorwise : tensor<64x128xbf16> -> tensor<f32>
  %scale = fp8.amax_to_scale %amax : tensor<f32> for f8E4M3FN
  // expected-remark @below {{cast plan: fused-tensorwise, absorbs its amax}}
  %q = fp8.cast %x, %scale : tensor<64x128xbf16>, tensor<f32> -> tensor<64x128xf8E4M3FN>
  return %q : tensor<64x128xf8E4M3FN>
}

// -----

// An amax that something else reads too keeps its kernel.
func.func @amax_with_two_uses(%x: tensor<64x128xbf16>) -> (tensor<64x128xf8E4M3FN>, tensor<f32>) {
  // expected-remark @below {{cast plan: amax kernel}}
  %amax = fp8.amax %x tensorwise : tensor<64x128xbf16> -> tensor<f32>
  %scale = fp8.amax_to_scale %amax : tensor<f32> for f8E4M3FN
  // expected-remark @below {{cast plan: pairs}}
  %q = fp8.cast %x, %scale : tensor<64x128xbf16>, tensor<f32> -> tensor<64x128xf8E4M3FN>
  return %q, %amax : tensor<64x128xf8E4M3FN>, tensor<f32>
}

// -----

// Two casts of one scale: the first kernel absorbs the amax, the second
// reads the scale that kernel writes.
func.func @two_casts_one_amax(%x: tensor<64x128xbf16>) -> (tensor<64x128xf8E4M3FN>, tensor<64x128xf8E4M3FN>) {
  // expected-remark @below {{cast plan: amax absorbed by a cast}}
  %amax = fp8.amax %x tensorwise : tensor<64x128xbf16> -> tensor<f32>
  %scale = fp8.amax_to_scale %amax : tensor<f32> for f8E4M3FN
  // expected-remark @below {{cast plan: fused-tensorwise, absorbs its amax}}
  %q0 = fp8.cast %x, %scale : tensor<64x128xbf16>, tensor<f32> -> tensor<64x128xf8E4M3FN>
  // expected-remark @below {{cast plan: pairs}}
  %q1 = fp8.cast %x, %scale : tensor<64x128xbf16>, tensor<f32> -> tensor<64x128xf8E4M3FN>
  return %q0, %q1 : tensor<64x128xf8E4M3FN>, tensor<64x128xf8E4M3FN>
}

// -----

// The only use is B of a GEMM: its kernel casts it N x K, in 64 x 64 tiles,
// and computes the scale from the amax.
func.func @transposed_for_gemm(%a: tensor<64x128xf8E4M3FN>, %sa: tensor<f32>, %w: tensor<128x192xbf16>) -> tensor<64x192xbf16> {
  // expected-remark @below {{cast plan: amax absorbed by a cast}}
  %amax = fp8.amax %w tensorwise : tensor<128x192xbf16> -> tensor<f32>
  %sw = fp8.amax_to_scale %amax : tensor<f32> for f8E4M3FN
  // expected-remark @below {{cast plan: transposed-for-gemm, absorbs its amax}}
  %qw = fp8.cast %w, %sw : tensor<128x192xbf16>, tensor<f32> -> tensor<128x192xf8E4M3FN>
  %r = fp8.scaled_matmul %a, %qw scales(%sa, %sw) {gemm = #fp8.gemm<fast_accum = true>} : tensor<64x128xf8E4M3FN>, tensor<128x192xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<64x192xbf16>
  return %r : tensor<64x192xbf16>
}

// -----

// K x N not in 64 x 64 tiles: the GEMM casts it with the pair kernel, which
// takes the scale as it is.
func.func @transposed_for_gemm_untiled(%a: tensor<64x96xf8E4M3FN>, %sa: tensor<f32>, %w: tensor<96x40xbf16>) -> tensor<64x40xbf16> {
  // expected-remark @below {{cast plan: amax kernel}}
  %amax = fp8.amax %w tensorwise : tensor<96x40xbf16> -> tensor<f32>
  %sw = fp8.amax_to_scale %amax : tensor<f32> for f8E4M3FN
  // expected-remark @below {{cast plan: transposed-for-gemm}}
  %qw = fp8.cast %w, %sw : tensor<96x40xbf16>, tensor<f32> -> tensor<96x40xf8E4M3FN>
  %r = fp8.scaled_matmul %a, %qw scales(%sa, %sw) : tensor<64x96xf8E4M3FN>, tensor<96x40xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<64x40xbf16>
  return %r : tensor<64x40xbf16>
}

// -----

// Read by the GEMM and returned as it is: one tiled kernel writes both
// layouts. The lhs, A of the GEMM, is a cast of its own.
func.func @dual_layout(%x: tensor<64x128xbf16>, %w: tensor<128x192xbf16>) -> (tensor<64x192xbf16>, tensor<128x192xf8E4M3FN>) {
  // expected-remark @below {{cast plan: amax absorbed by a cast}}
  %ax = fp8.amax %x tensorwise : tensor<64x128xbf16> -> tensor<f32>
  %sx = fp8.amax_to_scale %ax : tensor<f32> for f8E4M3FN
  // expected-remark @below {{cast plan: fused-tensorwise, absorbs its amax}}
  %qx = fp8.cast %x, %sx : tensor<64x128xbf16>, tensor<f32> -> tensor<64x128xf8E4M3FN>
  // expected-remark @below {{cast plan: amax absorbed by a cast}}
  %aw = fp8.amax %w tensorwise : tensor<128x192xbf16> -> tensor<f32>
  %sw = fp8.amax_to_scale %aw : tensor<f32> for f8E4M3FN
  // expected-remark @below {{cast plan: dual-layout, absorbs its amax}}
  %qw = fp8.cast %w, %sw : tensor<128x192xbf16>, tensor<f32> -> tensor<128x192xf8E4M3FN>
  %r = fp8.scaled_matmul %qx, %qw scales(%sx, %sw) : tensor<64x128xf8E4M3FN>, tensor<128x192xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<64x192xbf16>
  return %r, %qw : tensor<64x192xbf16>, tensor<128x192xf8E4M3FN>
}

// -----

// Read transposed (A of grad_weight = g^T @ x) and as B of a GEMM: both
// layouts, the scale from elsewhere.
func.func @dual_layout_transposed(%g: tensor<256x192xbf16>, %sg: tensor<f32>, %a: tensor<64x256xf8E4M3FN>, %sa: tensor<f32>, %b: tensor<256x128xf8E4M3FN>, %sb: tensor<f32>) -> (tensor<64x192xbf16>, tensor<192x128xbf16>) {
  // expected-remark @below {{cast plan: dual-layout}}
  %qg = fp8.cast %g, %sg : tensor<256x192xbf16>, tensor<f32> -> tensor<256x192xf8E5M2>
  %r = fp8.scaled_matmul %a, %qg scales(%sa, %sg) : tensor<64x256xf8E4M3FN>, tensor<256x192xf8E5M2>, tensor<f32>, tensor<f32> -> tensor<64x192xbf16>
  %e = tensor.empty() : tensor<192x256xf8E5M2>
  %gt = linalg.transpose ins(%qg : tensor<256x192xf8E5M2>) outs(%e : tensor<192x256xf8E5M2>) permutation = [1, 0]
  %gw = fp8.scaled_matmul %gt, %b scales(%sg, %sb) : tensor<192x256xf8E5M2>, tensor<256x128xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<192x128xbf16>
  return %r, %gw : tensor<64x192xbf16>, tensor<192x128xbf16>
}

// -----

// Two users, not in 64 x 64 tiles: no kernel writes both layouts; the GEMM
// reads B as it is.
func.func @two_users_untiled(%a: tensor<64x96xf8E4M3FN>, %sa: tensor<f32>, %w: tensor<96x40xbf16>, %sw: tensor<f32>) -> (tensor<64x40xbf16>, tensor<96x40xf8E4M3FN>) {
  // expected-remark @below {{cast plan: pairs}}
  %qw = fp8.cast %w, %sw : tensor<96x40xbf16>, tensor<f32> -> tensor<96x40xf8E4M3FN>
  %r = fp8.scaled_matmul %a, %qw scales(%sa, %sw) : tensor<64x96xf8E4M3FN>, tensor<96x40xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<64x40xbf16>
  return %r, %qw : tensor<64x40xbf16>, tensor<96x40xf8E4M3FN>
}

// -----

// B of a batched GEMM: the mma.sync kernel reads it K x N; the cast fuses
// its amax as any other.
func.func @batched(%a: tensor<2x16x64xf8E4M3FN>, %sa: tensor<f32>, %w: tensor<2x64x128xbf16>) -> tensor<2x16x128xbf16> {
  // expected-remark @below {{cast plan: amax absorbed by a cast}}
  %amax = fp8.amax %w tensorwise : tensor<2x64x128xbf16> -> tensor<f32>
  %sw = fp8.amax_to_scale %amax : tensor<f32> for f8E4M3FN
  // expected-remark @below {{cast plan: fused-tensorwise, absorbs its amax}}
  %qw = fp8.cast %w, %sw : tensor<2x64x128xbf16>, tensor<f32> -> tensor<2x64x128xf8E4M3FN>
  %r = fp8.scaled_matmul %a, %qw scales(%sa, %sw) : tensor<2x16x64xf8E4M3FN>, tensor<2x64x128xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<2x16x128xbf16>
  return %r : tensor<2x16x128xbf16>
}

// -----

// B of an emulated GEMM (no tensor cores): a cast of its own.
func.func @emulated(%a: tensor<64x128xf8E4M3FN>, %sa: tensor<f32>, %w: tensor<128x192xbf16>, %sw: tensor<f32>) -> tensor<64x192xbf16> {
  // expected-remark @below {{cast plan: pairs}}
  %qw = fp8.cast %w, %sw : tensor<128x192xbf16>, tensor<f32> -> tensor<128x192xf8E4M3FN>
  %r = fp8.scaled_matmul %a, %qw scales(%sa, %sw) {emulate} : tensor<64x128xf8E4M3FN>, tensor<128x192xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<64x192xbf16>
  return %r : tensor<64x192xbf16>
}

// -----

// FNUZ types (AMD's) and rank 0: no NVIDIA cast kernel.
func.func @elementwise(%x: tensor<64x128xbf16>, %y: tensor<f32>, %s: tensor<f32>) -> (tensor<64x128xf8E4M3FNUZ>, tensor<f8E4M3FN>) {
  // expected-remark @below {{cast plan: amax kernel}}
  %amax = fp8.amax %x tensorwise : tensor<64x128xbf16> -> tensor<f32>
  %scale = fp8.amax_to_scale %amax : tensor<f32> for f8E4M3FNUZ
  // expected-remark @below {{cast plan: elementwise}}
  %q = fp8.cast %x, %scale : tensor<64x128xbf16>, tensor<f32> -> tensor<64x128xf8E4M3FNUZ>
  // expected-remark @below {{cast plan: elementwise}}
  %r = fp8.cast %y, %s : tensor<f32>, tensor<f32> -> tensor<f8E4M3FN>
  return %q, %r : tensor<64x128xf8E4M3FNUZ>, tensor<f8E4M3FN>
}
