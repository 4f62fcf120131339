// The GPU pipelines accept only the chips they compile for (GpuTarget):
// anything else is one error on the module, before any pass, that lists
// them. Never an LLVM fatal error (sm_999 used to abort selecting
// shfl.sync; sm_100a and sm_120a aborted on the hard-coded PTX 8.4).
// Unknown to LLVM 22 (NVIDIA-looking, AMD-looking, not a chip name):
// RUN: not fp8-opt %s --fp8-nvvm-pipeline="chip=sm_999" 2>&1 | FileCheck %s --check-prefix=NV-UNKNOWN -DCHIP=sm_999
// RUN: not fp8-opt %s --fp8-nvvm-pipeline="chip=h100" 2>&1 | FileCheck %s --check-prefix=NV-UNKNOWN -DCHIP=h100
// RUN: not fp8-opt %s --fp8-nvvm-pipeline="chip=sm90a" 2>&1 | FileCheck %s --check-prefix=NV-UNKNOWN -DCHIP=sm90a
// RUN: not fp8-opt %s --fp8-rocdl-pipeline="chip=gfx999" 2>&1 | FileCheck %s --check-prefix=AMD-UNKNOWN -DCHIP=gfx999
// RUN: not fp8-opt %s --fp8-rocdl-pipeline="chip=mi300" 2>&1 | FileCheck %s --check-prefix=AMD-UNKNOWN -DCHIP=mi300
// Known to LLVM, without fp8 matrix cores (or their kernels):
// RUN: not fp8-opt %s --fp8-nvvm-pipeline="chip=sm_80" 2>&1 | FileCheck %s --check-prefix=NV-NOFP8 -DCHIP=sm_80
// RUN: not fp8-opt %s --fp8-nvvm-pipeline="chip=sm_86" 2>&1 | FileCheck %s --check-prefix=NV-NOFP8 -DCHIP=sm_86
// RUN: not fp8-opt %s --fp8-rocdl-pipeline="chip=gfx90a" 2>&1 | FileCheck %s --check-prefix=AMD-NOFP8 -DCHIP=gfx90a
// RUN: not fp8-opt %s --fp8-rocdl-pipeline="chip=gfx1200" 2>&1 | FileCheck %s --check-prefix=AMD-NOFP8 -DCHIP=gfx1200
// Known to LLVM 22 but not to CUDA 13's ptxas (sm_101a is now sm_110a):
// RUN: not fp8-opt %s --fp8-nvvm-pipeline="chip=sm_101a" 2>&1 | FileCheck %s --check-prefix=NV-NOPTXAS -DCHIP=sm_101a

// NV-UNKNOWN: chip-invalid.mlir:{{[0-9]+}}:1: error: fp8-nvvm-pipeline: chip '[[CHIP]]' is not a chip LLVM 22 knows; the NVVM pipeline supports sm_89, sm_90, sm_90a, sm_100, sm_100a, sm_103, sm_103a, sm_110, sm_110a, sm_120, sm_120a, sm_121, sm_121a{{$}}
// NV-UNKNOWN-NOT: error
// AMD-UNKNOWN: error: fp8-rocdl-pipeline: chip '[[CHIP]]' is not a chip LLVM 22 knows; the ROCDL pipeline supports gfx942, gfx950{{$}}
// AMD-UNKNOWN-NOT: error
// NV-NOFP8: error: fp8-nvvm-pipeline: chip '[[CHIP]]' has no fp8 matrix cores; the NVVM pipeline supports sm_89, sm_90, sm_90a, {{.*}}
// NV-NOFP8-NOT: error
// AMD-NOFP8: error: fp8-rocdl-pipeline: chip '[[CHIP]]' has no fp8 MFMA; the ROCDL pipeline supports gfx942, gfx950{{$}}
// AMD-NOFP8-NOT: error
// NV-NOPTXAS: error: fp8-nvvm-pipeline: chip '[[CHIP]]' is not supported; the NVVM pipeline supports sm_89, sm_90, sm_90a, {{.*}}
// NV-NOPTXAS-NOT: error

module {
  func.func @f(%x: tensor<16x64xbf16>) -> tensor<16x1xf32> {
    %0 = fp8.amax %x axiswise(1) : tensor<16x64xbf16> -> tensor<16x1xf32>
    return %0 : tensor<16x1xf32>
  }
}
