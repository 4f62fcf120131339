// RUN: fp8-opt %s --fp8-lower-subgroup-reduce="chip=sm_90a" | FileCheck %s --check-prefix=NV
// RUN: fp8-opt %s --fp8-lower-subgroup-reduce="chip=gfx942" | FileCheck %s --check-prefix=AMD
// RUN: fp8-opt %s --fp8-lower-subgroup-reduce="chip=sm_90a" | FileCheck %s --check-prefix=NVSTEPS
// RUN: fp8-opt %s --fp8-lower-subgroup-reduce="chip=gfx942" | FileCheck %s --check-prefix=AMDSTEPS
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
// The steps: offsets 1 to 16 within 32 lanes; DPP within rows of 16 lanes,
// then across the 4 rows of the 64-lane wave.
// NVSTEPS-LABEL: gpu.func @wave_max(
// NVSTEPS-SAME: %[[X:[^:]+]]: f32, %[[OUT:[^:]+]]: memref<f32>
// NVSTEPS-NOT: gpu.subgroup_reduce
// NVSTEPS-DAG: %[[C1:.+]] = arith.constant 1 : i32
// NVSTEPS-DAG: %[[C2:.+]] = arith.constant 2 : i32
// NVSTEPS-DAG: %[[C4:.+]] = arith.constant 4 : i32
// NVSTEPS-DAG: %[[C8:.+]] = arith.constant 8 : i32
// NVSTEPS-DAG: %[[C16:.+]] = arith.constant 16 : i32
// NVSTEPS-DAG: %[[W:.+]] = arith.constant 32 : i32
// NVSTEPS: %[[S1:.+]], %{{.+}} = gpu.shuffle xor %[[X]], %[[C1]], %[[W]] : f32
// NVSTEPS: %[[M1:.+]] = arith.maximumf %[[X]], %[[S1]] : f32
// NVSTEPS: gpu.shuffle xor %[[M1]], %[[C2]], %[[W]] : f32
// NVSTEPS: gpu.shuffle xor %{{.+}}, %[[C4]], %[[W]] : f32
// NVSTEPS: gpu.shuffle xor %{{.+}}, %[[C8]], %[[W]] : f32
// NVSTEPS: %[[S16:.+]], %{{.+}} = gpu.shuffle xor %[[M8:.+]], %[[C16]], %[[W]] : f32
// NVSTEPS: %[[M16:.+]] = arith.maximumf %[[M8]], %[[S16]] : f32
// NVSTEPS-NOT: gpu.shuffle
// NVSTEPS: memref.store %[[M16]], %[[OUT]][] : memref<f32>
// AMDSTEPS-LABEL: gpu.func @wave_max(
// AMDSTEPS-SAME: %[[X:[^:]+]]: f32, %[[OUT:[^:]+]]: memref<f32>
// AMDSTEPS-NOT: gpu.subgroup_reduce
// AMDSTEPS: %[[LAST:.+]] = arith.constant 63 : i32
// Within rows of 16 lanes: swap neighbours, pairs, half rows, rows.
// AMDSTEPS: %[[D0:.+]] = amdgpu.dpp %[[X]] %[[X]] quad_perm([1 : i32, 0 : i32, 3 : i32, 2 : i32])
// AMDSTEPS: %[[M0:.+]] = arith.maximumf %[[X]], %[[D0]] : f32
// AMDSTEPS: amdgpu.dpp %[[M0]] %[[M0]] quad_perm([2 : i32, 3 : i32, 0 : i32, 1 : i32])
// AMDSTEPS: amdgpu.dpp {{.+}} row_half_mirror
// AMDSTEPS: amdgpu.dpp {{.+}} row_mirror
// Across the 4 rows of the 64-lane wave, then lane 63 holds the maximum.
// AMDSTEPS: amdgpu.dpp {{.+}} row_bcast_15
// AMDSTEPS: amdgpu.dpp {{.+}} row_bcast_31
// AMDSTEPS: %[[M:.+]] = arith.maximumf
// AMDSTEPS: %[[R:.+]] = rocdl.readlane %[[M]], %[[LAST]] : (f32, i32) -> f32
// AMDSTEPS-NOT: gpu.shuffle xor
// AMDSTEPS: memref.store %[[R]], %[[OUT]][] : memref<f32>
// BAD: error: unknown chip 'h100'
gpu.module @kernels {
  gpu.func @wave_max(%x: f32, %out: memref<f32>) kernel {
    %m = gpu.subgroup_reduce maximumf %x uniform : (f32) -> f32
    memref.store %m, %out[] : memref<f32>
    gpu.return
  }
}
