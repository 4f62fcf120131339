// A GPU pipeline given the other vendor's chip should say so on the module.
// Today neither pipeline checks the vendor: --fp8-nvvm-pipeline with
// chip=gfx942 builds AMD kernels (DPP reductions) and fails serializing
// them for NVPTX; --fp8-rocdl-pipeline with chip=sm_90a fails in upstream
// passes ("Invalid chipset name", no location). XFAIL until the pipelines
// reject the chip up front; it then passes and the XFAIL goes.
// XFAIL: *
// RUN: fp8-opt %s -verify-diagnostics --fp8-nvvm-pipeline="chip=gfx942" -o /dev/null
// RUN: fp8-opt %s -verify-diagnostics --fp8-rocdl-pipeline="chip=sm_90a" -o /dev/null

// expected-error-re@+1 {{{{.*}}'{{gfx942|sm_90a}}'{{.*}}}}
module {
  func.func @f(%x: tensor<16x64xbf16>) -> tensor<16x1xf32> {
    %0 = fp8.amax %x axiswise(1) : tensor<16x64xbf16> -> tensor<16x1xf32>
    return %0 : tensor<16x1xf32>
  }
}
