// --fp8-lower-to-gpu has kernels for NVIDIA sm_89 and newer and AMD gfx942
// and gfx950; any other chip (older, without fp8 matrix cores, or not a
// chip name) is an error on the module that lists the supported chips (the
// GPU pipelines reject such chips before this pass: chip-invalid.mlir).
// RUN: fp8-opt %s -verify-diagnostics --fp8-lower-to-gpu="chip=sm_80"
// RUN: fp8-opt %s -verify-diagnostics --fp8-lower-to-gpu="chip=sm_86"
// RUN: fp8-opt %s -verify-diagnostics --fp8-lower-to-gpu="chip=gfx90a"
// RUN: fp8-opt %s -verify-diagnostics --fp8-lower-to-gpu="chip=gfx1100"
// RUN: fp8-opt %s -verify-diagnostics --fp8-lower-to-gpu="chip=gfx1200"
// RUN: fp8-opt %s -verify-diagnostics --fp8-lower-to-gpu="chip=h100"
// The chips it accepts lower the same module without a diagnostic.
// RUN: fp8-opt %s --fp8-lower-to-gpu="chip=sm_89" | FileCheck %s
// RUN: fp8-opt %s --fp8-lower-to-gpu="chip=gfx950" | FileCheck %s
// CHECK: function(@fp8_amax)

// expected-error-re@+1 {{fp8-lower-to-gpu: chip '{{sm_80|sm_86|gfx90a|gfx1100|gfx1200|h100}}' {{has no fp8 matrix cores|has no fp8 MFMA|is not a chip LLVM 22 knows}}; the NVVM pipeline supports sm_89, sm_90, sm_90a, sm_100, {{.*}}; the ROCDL pipeline supports gfx942, gfx950}}
module {
  func.func @f(%x: tensor<16x64xbf16>, %a: tensor<16x32xbf16>, %b: tensor<32x64xbf16>) -> (tensor<16x1xf32>, tensor<16x64xbf16>) {
    %0 = fp8.amax %x axiswise(1) : tensor<16x64xbf16> -> tensor<16x1xf32>
    %e = tensor.empty() : tensor<16x64xbf16>
    %r = linalg.matmul ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
    return %0, %r : tensor<16x1xf32>, tensor<16x64xbf16>
  }
}
