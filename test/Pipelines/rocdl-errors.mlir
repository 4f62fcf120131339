// RUN: not fp8-opt %s --fp8-rocdl-pipeline="chip=gfx90a" 2>&1 | FileCheck %s --check-prefix=CHECK-NOFP8
// RUN: not fp8-opt %s --fp8-rocdl-pipeline="chip=mi300" 2>&1 | FileCheck %s --check-prefix=CHECK-UNKNOWN
// RUN: not fp8-opt %s --fp8-lower-to-gpu="chip=sm_80" 2>&1 | FileCheck %s --check-prefix=CHECK-KERNELS
// RUN: not fp8-opt %s -split-input-file --fp8-rewrite-matmul 2>&1 | FileCheck %s --check-prefix=CHECK-CONFLICT
// RUN: not fp8-opt %s --fp8-lower-to-gpu="chip=sm_90a gemm-schedule=stream-k" 2>&1 | FileCheck %s --check-prefix=CHECK-SCHEDULE
// RUN: not fp8-opt %s --fp8-nvvm-pipeline="gemm-schedule=Pingpong" 2>&1 | FileCheck %s --check-prefix=CHECK-SCHEDULE2

// CHECK-NOFP8: error: f8E4M3FN is not converted in hardware on gfx90a (it has no float8 hardware), or set emulate = true
// CHECK-UNKNOWN: error: unknown chip 'mi300'; expected an NVIDIA sm_XX or AMD gfxNNN name
// CHECK-KERNELS: error: fp8-lower-to-gpu: no fp8 matrix-core kernels for chip 'sm_80'; supported: gfx942, gfx950, sm_89 and newer
// CHECK-SCHEDULE: for the --gemm-schedule option: Cannot find option named 'stream-k'!
// CHECK-SCHEDULE2: for the --gemm-schedule option: Cannot find option named 'Pingpong'!
// CHECK-CONFLICT: error: conflicting GPU targets: 'gfx942' uses the fnuz float8 types but 'gfx950' uses the ocp ones

module {
  gpu.module @mi300 [#rocdl.target<chip = "gfx942">] {}
  gpu.module @mi350 [#rocdl.target<chip = "gfx950">] {}
  func.func @f(%a: tensor<16x32xbf16>, %b: tensor<32x64xbf16>) -> tensor<16x64xbf16> {
    %e = tensor.empty() : tensor<16x64xbf16>
    %r = linalg.matmul ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
    return %r : tensor<16x64xbf16>
  }
}
