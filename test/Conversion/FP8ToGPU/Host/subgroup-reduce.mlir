// RUN: fp8-opt %s --fp8-lower-subgroup-reduce="chip=sm_90a" | FileCheck %s --check-prefix=NV
// RUN: fp8-opt %s --fp8-lower-subgroup-reduce="chip=gfx942" | FileCheck %s --check-prefix=AMD
// RUN: not fp8-opt %s --fp8-lower-subgroup-reduce="chip=h100" 2>&1 | FileCheck %s --check-prefix=BAD

// An NVIDIA warp reduces with butterfly shuffles over 32 lanes (offsets 1
// to 16); an AMD wave of 64 with DPP row operations, no shuffles.
// NV-LABEL: gpu.func @wave_max(
// NV-NOT: gpu.subgroup_reduce
// NV-COUNT-5: gpu.shuffle xor
// NV-NOT: gpu.shuffle
// NV: arith.maximumf
// AMD-LABEL: gpu.func @wave_max(
// AMD-NOT: gpu.subgroup_reduce
// AMD: amdgpu.dpp
// AMD-NOT: gpu.shuffle xor
// BAD: error: unknown chip 'h100'
gpu.module @kernels {
  gpu.func @wave_max(%x: f32, %out: memref<f32>) kernel {
    %m = gpu.subgroup_reduce maximumf %x uniform : (f32) -> f32
    memref.store %m, %out[] : memref<f32>
    gpu.return
  }
}
