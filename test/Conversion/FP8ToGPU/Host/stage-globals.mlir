// RUN: fp8-opt %s -split-input-file --fp8-stage-globals-for-gpu | FileCheck %s

// Host code reads a constant global through an allocated copy, so kernels
// never see host-only memory; the marker attribute is gone afterwards.
// CHECK-LABEL: func @host(
// CHECK: %[[SRC:.+]] = memref.get_global @weights : memref<2x4xf32>
// CHECK-NOT: fp8.staged
// CHECK: %[[COPY:.+]] = memref.alloc() : memref<2x4xf32>
// CHECK: memref.copy %[[SRC]], %[[COPY]] : memref<2x4xf32> to memref<2x4xf32>
// CHECK: return %[[COPY]]
memref.global "private" constant @weights : memref<2x4xf32> = dense<1.0>
func.func @host() -> memref<2x4xf32> {
  %0 = memref.get_global @weights : memref<2x4xf32>
  return %0 : memref<2x4xf32>
}

// -----

// Device code and non-identity layouts are left alone.
// CHECK-LABEL: gpu.module @kernels
// CHECK: memref.get_global @table : memref<4xf32>
// CHECK-NOT: memref.alloc
// CHECK-LABEL: func @strided(
// CHECK: memref.get_global @strided_table : memref<2xf32, strided<[2]>>
// CHECK-NOT: memref.alloc
gpu.module @kernels {
  memref.global "private" constant @table : memref<4xf32> = dense<0.0>
  gpu.func @k() kernel {
    %0 = memref.get_global @table : memref<4xf32>
    gpu.return
  }
}
memref.global "private" constant @strided_table : memref<2xf32, strided<[2]>> = dense<0.0>
func.func @strided() -> memref<2xf32, strided<[2]>> {
  %0 = memref.get_global @strided_table : memref<2xf32, strided<[2]>>
  return %0 : memref<2xf32, strided<[2]>>
}

// -----

// A rank-0 global (a tensorwise scale, say) is staged too, once per read.
// CHECK-LABEL: func @scalar(
// CHECK: %[[S0:.+]] = memref.get_global @scale : memref<f32>
// CHECK: %[[C0:.+]] = memref.alloc() : memref<f32>
// CHECK: memref.copy %[[S0]], %[[C0]] : memref<f32> to memref<f32>
// CHECK: %[[S1:.+]] = memref.get_global @scale : memref<f32>
// CHECK: %[[C1:.+]] = memref.alloc() : memref<f32>
// CHECK: memref.copy %[[S1]], %[[C1]] : memref<f32> to memref<f32>
// CHECK: return %[[C0]], %[[C1]]
memref.global "private" constant @scale : memref<f32> = dense<2.0>
func.func @scalar() -> (memref<f32>, memref<f32>) {
  %0 = memref.get_global @scale : memref<f32>
  %1 = memref.get_global @scale : memref<f32>
  return %0, %1 : memref<f32>, memref<f32>
}
