// A scaled matmul whose fp8 types the chip's matrix cores do not take is a
// located error of --fp8-lower-to-gpu (the MFMA kernel used to fail late,
// in LLVM translation): MI300 (gfx942) takes only the fnuz types, NVIDIA
// and gfx950 only the OCP ones. Emulated matmuls need no matrix cores.
// RUN: fp8-opt %s -split-input-file -verify-diagnostics --fp8-lower-to-gpu="chip=gfx942"
// RUN: not fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=sm_90a" 2>&1 | FileCheck %s --check-prefix=NV
// RUN: not fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=gfx950" 2>&1 | FileCheck %s --check-prefix=GFX950

// OCP operands: gfx950's MFMA takes them as OCP fragments (as sm_90a's
// mma.sync does).
// NV-NOT: error
// NV: function(@fp8_scaled_matmul_mma_sync)
// GFX950-LABEL: func @ocp
// GFX950: function(@fp8_scaled_matmul_mfma)
// GFX950:   %[[A:.+]] = vector.from_elements {{.+}} : vector<8xf8E4M3FN>
// GFX950:   %[[B:.+]] = vector.from_elements {{.+}} : vector<8xf8E5M2>
// GFX950:   amdgpu.mfma 32x32x16 %[[A]] * %[[B]] + %{{.+}} blgp = none : vector<8xf8E4M3FN>, vector<8xf8E5M2>, vector<16xf32>
func.func @ocp(%a: tensor<32x32xf8E4M3FN>, %b: tensor<32x32xf8E5M2>, %s: tensor<f32>) -> tensor<32x32xbf16> {
  // expected-error@+1 {{'fp8.scaled_matmul' op has 'f8E4M3FN' operands, which gfx942's matrix cores do not take (they take f8E4M3FNUZ and f8E5M2FNUZ: type-config=fnuz); or emulate the matmul (emulate = true)}}
  %c = fp8.scaled_matmul %a, %b scales(%s, %s) : tensor<32x32xf8E4M3FN>, tensor<32x32xf8E5M2>, tensor<f32>, tensor<f32> -> tensor<32x32xbf16>
  return %c : tensor<32x32xbf16>
}

// -----

// Emulated: no matrix cores, no error on either chip.
// NV-NOT: error
func.func @emulated(%a: tensor<32x32xf8E4M3FN>, %b: tensor<32x32xf8E4M3FNUZ>, %s: tensor<f32>) -> tensor<32x32xbf16> {
  %c = fp8.scaled_matmul %a, %b scales(%s, %s) {emulate} : tensor<32x32xf8E4M3FN>, tensor<32x32xf8E4M3FNUZ>, tensor<f32>, tensor<f32> -> tensor<32x32xbf16>
  return %c : tensor<32x32xbf16>
}

// -----

// GFX950: error: 'fp8.scaled_matmul' op has 'f8E5M2FNUZ' operands, which gfx950's matrix cores do not take (they take f8E4M3FN and f8E5M2: type-config=ocp)
// NV: error: 'fp8.scaled_matmul' op has 'f8E5M2FNUZ' operands, which sm_90a's matrix cores do not take (they take f8E4M3FN and f8E5M2: type-config=ocp); or emulate the matmul (emulate = true)
func.func @fnuz(%a: tensor<32x32xf8E5M2FNUZ>, %b: tensor<32x32xf8E4M3FNUZ>, %s: tensor<f32>) -> tensor<32x32xbf16> {
  %c = fp8.scaled_matmul %a, %b scales(%s, %s) : tensor<32x32xf8E5M2FNUZ>, tensor<32x32xf8E4M3FNUZ>, tensor<f32>, tensor<f32> -> tensor<32x32xbf16>
  return %c : tensor<32x32xbf16>
}
