// RUN: fp8-opt %s --fp8-lower-subgroup-reduce="chip=sm_90a" | FileCheck %s --check-prefix=NV
// RUN: fp8-opt %s --fp8-lower-subgroup-reduce="chip=gfx942" | FileCheck %s --check-prefix=AMD
// RUN: not fp8-opt %s --fp8-lower-subgroup-reduce="chip=h100" 2>&1 | FileCheck %s --check-prefix=BAD

// An NVIDIA warp reduces with butterfly shuffles over 32 lanes (offsets 1
// to 16); an AMD wave of 64 with DPP row operations, no shuffles.
// NV-LABEL: gpu.func @wave_max(
// NV-SAME: %[[X:[^:]+]]: f32, %[[OUT:[^:]+]]: memref<f32>
// NV-NOT: gpu.subgroup_reduce
// NV-DAG: %[[C1:.+]] = arith.constant 1 : i32
// NV-DAG: %[[C2:.+]] = arith.constant 2 : i32
// NV-DAG: %[[C4:.+]] = arith.constant 4 : i32
// NV-DAG: %[[C8:.+]] = arith.constant 8 : i32
// NV-DAG: %[[C16:.+]] = arith.constant 16 : i32
// NV-DAG: %[[W:.+]] = arith.constant 32 : i32
// NV: %[[S1:.+]], %{{.+}} = gpu.shuffle xor %[[X]], %[[C1]], %[[W]] : f32
// NV: %[[M1:.+]] = arith.maximumf %[[X]], %[[S1]] : f32
// NV: gpu.shuffle xor %[[M1]], %[[C2]], %[[W]] : f32
// NV: gpu.shuffle xor %{{.+}}, %[[C4]], %[[W]] : f32
// NV: gpu.shuffle xor %{{.+}}, %[[C8]], %[[W]] : f32
// NV: %[[S16:.+]], %{{.+}} = gpu.shuffle xor %[[M8:.+]], %[[C16]], %[[W]] : f32
// NV: %[[M16:.+]] = arith.maximumf %[[M8]], %[[S16]] : f32
// NV-NOT: gpu.shuffle
// NV: memref.store %[[M16]], %[[OUT]][] : memref<f32>
// AMD-LABEL: gpu.func @wave_max(
// AMD-SAME: %[[X:[^:]+]]: f32, %[[OUT:[^:]+]]: memref<f32>
// AMD-NOT: gpu.subgroup_reduce
// AMD: %[[LAST:.+]] = arith.constant 63 : i32
// Within rows of 16 lanes: swap neighbours, pairs, half rows, rows.
// AMD: %[[D0:.+]] = amdgpu.dpp %[[X]] %[[X]] quad_perm([1 : i32, 0 : i32, 3 : i32, 2 : i32])
// AMD: %[[M0:.+]] = arith.maximumf %[[X]], %[[D0]] : f32
// AMD: amdgpu.dpp %[[M0]] %[[M0]] quad_perm([2 : i32, 3 : i32, 0 : i32, 1 : i32])
// AMD: amdgpu.dpp {{.+}} row_half_mirror
// AMD: amdgpu.dpp {{.+}} row_mirror
// Across the 4 rows of the 64-lane wave, then lane 63 holds the maximum.
// AMD: amdgpu.dpp {{.+}} row_bcast_15
// AMD: amdgpu.dpp {{.+}} row_bcast_31
// AMD: %[[M:.+]] = arith.maximumf
// AMD: %[[R:.+]] = rocdl.readlane %[[M]], %[[LAST]] : (f32, i32) -> f32
// AMD-NOT: gpu.shuffle xor
// AMD: memref.store %[[R]], %[[OUT]][] : memref<f32>
// BAD: error: unknown chip 'h100'
gpu.module @kernels {
  gpu.func @wave_max(%x: f32, %out: memref<f32>) kernel {
    %m = gpu.subgroup_reduce maximumf %x uniform : (f32) -> f32
    memref.store %m, %out[] : memref<f32>
    gpu.return
  }
}
