// A GPU pipeline given the other vendor's chip says so on the module, up
// front, with the chips it supports (it used to build AMD kernels for
// --fp8-nvvm-pipeline with chip=gfx942 and fail serializing them for
// NVPTX, and to fail --fp8-rocdl-pipeline with chip=sm_90a in upstream
// passes: "Invalid chipset name", no location).
// RUN: fp8-opt %s -verify-diagnostics --fp8-nvvm-pipeline="chip=gfx942" -o /dev/null
// RUN: fp8-opt %s -verify-diagnostics --fp8-nvvm-pipeline="chip=gfx950" -o /dev/null
// RUN: fp8-opt %s -verify-diagnostics --fp8-rocdl-pipeline="chip=sm_90a" -o /dev/null
// RUN: fp8-opt %s -verify-diagnostics --fp8-rocdl-pipeline="chip=sm_100a" -o /dev/null

// expected-error-re@+1 {{{{fp8-nvvm-pipeline: chip '(gfx942|gfx950)' is an AMD chip; the NVVM pipeline supports sm_89, sm_90, sm_90a, sm_100, sm_100a, .*|fp8-rocdl-pipeline: chip '(sm_90a|sm_100a)' is an NVIDIA chip; the ROCDL pipeline supports gfx942, gfx950}}}}
module {
  func.func @f(%x: tensor<16x64xbf16>) -> tensor<16x1xf32> {
    %0 = fp8.amax %x axiswise(1) : tensor<16x64xbf16> -> tensor<16x1xf32>
    return %0 : tensor<16x1xf32>
  }
}
