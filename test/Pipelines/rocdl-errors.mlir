// RUN: not fp8-opt %s --fp8-rocdl-pipeline="chip=gfx90a" 2>&1 | FileCheck %s --check-prefix=CHECK-NOMFMA
// RUN: not fp8-opt %s --fp8-rewrite-matmul="chip=gfx90a" 2>&1 | FileCheck %s --check-prefix=CHECK-NOFP8
// RUN: not fp8-opt %s --fp8-rocdl-pipeline="chip=mi300" 2>&1 | FileCheck %s --check-prefix=CHECK-UNKNOWN
// RUN: not fp8-opt %s --fp8-lower-to-gpu="chip=sm_80" 2>&1 | FileCheck %s --check-prefix=CHECK-KERNELS
// RUN: not fp8-opt %s -split-input-file --fp8-rewrite-matmul 2>&1 | FileCheck %s --check-prefix=CHECK-CONFLICT
// RUN: not fp8-opt %s --fp8-lower-to-gpu="chip=sm_90a gemm-schedule=stream-k" 2>&1 | FileCheck %s --check-prefix=CHECK-SCHEDULE
// RUN: not fp8-opt %s --fp8-nvvm-pipeline="gemm-schedule=Pingpong" 2>&1 | FileCheck %s --check-prefix=CHECK-SCHEDULE2

// CHECK-NOMFMA: rocdl-errors.mlir:{{[0-9]+}}:1: error: fp8-rocdl-pipeline: chip 'gfx90a' has no fp8 MFMA; the ROCDL pipeline supports gfx942, gfx950
// CHECK-NOFP8: error: f8E4M3FN is not converted in hardware on gfx90a (it has no float8 hardware), or set emulate = true
// CHECK-UNKNOWN: error: fp8-rocdl-pipeline: chip 'mi300' is not a chip LLVM 22 knows; the ROCDL pipeline supports gfx942, gfx950
// CHECK-KERNELS: error: fp8-lower-to-gpu: chip 'sm_80' has no fp8 matrix cores; the NVVM pipeline supports sm_89, sm_90, sm_90a, sm_100, sm_100a, sm_103, sm_103a, sm_110, sm_110a, sm_120, sm_120a, sm_121, sm_121a; the ROCDL pipeline supports gfx942, gfx950
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
