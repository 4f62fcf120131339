// --fp8-outline-kernels: every gpu.launch becomes a gpu.launch_func of a
// gpu.func in @fp8_kernels (or the module the launch names), one gpu.func
// per distinct kernel, named after the launch's function and a hash of the
// code.
// RUN: fp8-opt %s -split-input-file --fp8-outline-kernels | FileCheck %s
// Running it again changes nothing (no launches left).
// RUN: fp8-opt %s -split-input-file --fp8-outline-kernels --fp8-outline-kernels | FileCheck %s

// Two launches of the same code, one that differs in a constant: two
// kernels, the first launched twice. Host values computed from constants
// (%n = 3 * 64) are folded into the kernel (no argument); the buffers are
// arguments; the static grid and workgroup are the kernel's known sizes.
// CHECK-LABEL: module attributes {gpu.container_module}
// CHECK: func.func @same(%[[A:.+]]: memref<192xf32>, %[[B:.+]]: memref<192xf32>)
// CHECK: gpu.launch_func @fp8_kernels::@[[K:scale_[0-9a-f]{8}]] blocks in (%{{.+}}, %{{.+}}, %{{.+}}) threads in (%{{.+}}, %{{.+}}, %{{.+}}) args(%[[A]] : memref<192xf32>)
// CHECK: gpu.launch_func @fp8_kernels::@[[K]] blocks in ({{.+}}) args(%[[B]] : memref<192xf32>)
// CHECK: gpu.launch_func @fp8_kernels::@[[K2:scale_[0-9a-f]{8}]] blocks in ({{.+}}) args(%[[A]] : memref<192xf32>)
// CHECK: gpu.module @fp8_kernels
// CHECK: gpu.func @[[K]](%[[ARG:.+]]: memref<192xf32>) kernel attributes {known_block_size = array<i32: 64, 1, 1>, known_grid_size = array<i32: 3, 1, 1>}
// CHECK-DAG: arith.constant 192 : index
// CHECK-DAG: arith.constant 2.000000e+00 : f32
// CHECK: gpu.func @[[K2]](
// CHECK: arith.constant 3.000000e+00 : f32
// CHECK-NOT: gpu.func
func.func @same(%a: memref<192xf32>, %b: memref<192xf32>) {
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c64 = arith.constant 64 : index
  %n = arith.muli %c3, %c64 : index
  %two = arith.constant 2.0 : f32
  %three = arith.constant 3.0 : f32
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c3, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c64, %sy = %c1, %sz = %c1)
             module(@fp8_kernels) function(@scale) {
    %i = arith.addi %tx, %bx : index
    %in = arith.cmpi ult, %i, %n : index
    scf.if %in {
      %v = memref.load %a[%i] : memref<192xf32>
      %w = arith.mulf %v, %two : f32
      memref.store %w, %a[%i] : memref<192xf32>
    }
    gpu.terminator
  }
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c3, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c64, %sy = %c1, %sz = %c1)
             module(@fp8_kernels) function(@scale) {
    %i = arith.addi %tx, %bx : index
    %in = arith.cmpi ult, %i, %n : index
    scf.if %in {
      %v = memref.load %b[%i] : memref<192xf32>
      %w = arith.mulf %v, %two : f32
      memref.store %w, %b[%i] : memref<192xf32>
    }
    gpu.terminator
  }
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c3, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c64, %sy = %c1, %sz = %c1)
             module(@fp8_kernels) function(@scale) {
    %i = arith.addi %tx, %bx : index
    %in = arith.cmpi ult, %i, %n : index
    scf.if %in {
      %v = memref.load %a[%i] : memref<192xf32>
      %w = arith.mulf %v, %three : f32
      memref.store %w, %a[%i] : memref<192xf32>
    }
    gpu.terminator
  }
  return
}

// -----

// A launch that names no function is `<function>_kernel_<hash>`, in
// @fp8_kernels; a dynamic size stays an argument; a global the kernel
// reads is copied into the kernel's module; a kernel already in the module
// (an earlier run's: the same code under its stable name) is reused.
// CHECK-LABEL: module attributes {gpu.container_module}
// CHECK: memref.global "private" constant @table
// CHECK: gpu.module @fp8_kernels
// CHECK: gpu.func @existing_c4442c42(
// CHECK: gpu.func @[[K:unnamed_kernel_[0-9a-f]{8}]](
// CHECK: memref.get_global @table
// CHECK: memref.global "private" constant @table
// CHECK-NOT: gpu.func
// CHECK: func.func @unnamed(%[[M:.+]]: memref<?xf32>, %[[N:.+]]: index)
// CHECK: gpu.launch_func @fp8_kernels::@[[K]] blocks in ({{.+}}) threads in ({{.+}}) args(%[[M]] : memref<?xf32>, %[[N]] : index)
// CHECK: gpu.launch_func @fp8_kernels::@existing_c4442c42 blocks in ({{.+}}) threads in ({{.+}}) args(%[[M]] : memref<?xf32>)
memref.global "private" constant @table : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>
gpu.module @fp8_kernels {
  gpu.func @existing_c4442c42(%arg0: memref<?xf32>) kernel attributes {known_block_size = array<i32: 1, 1, 1>, known_grid_size = array<i32: 1, 1, 1>} {
    %block_id_x = gpu.block_id  x
    %block_id_y = gpu.block_id  y
    %block_id_z = gpu.block_id  z
    %thread_id_x = gpu.thread_id  x
    %thread_id_y = gpu.thread_id  y
    %thread_id_z = gpu.thread_id  z
    %grid_dim_x = gpu.grid_dim  x
    %grid_dim_y = gpu.grid_dim  y
    %grid_dim_z = gpu.grid_dim  z
    %block_dim_x = gpu.block_dim  x
    %block_dim_y = gpu.block_dim  y
    %block_dim_z = gpu.block_dim  z
    %c0 = arith.constant 0 : index
    %0 = memref.load %arg0[%c0] : memref<?xf32>
    memref.store %0, %arg0[%c0] : memref<?xf32>
    gpu.return
  }
}
func.func @unnamed(%m: memref<?xf32>, %n: index) {
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %t = memref.get_global @table : memref<4xf32>
    %c0 = arith.constant 0 : index
    %v = memref.load %t[%c0] : memref<4xf32>
    memref.store %v, %m[%n] : memref<?xf32>
    gpu.terminator
  }
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1)
             module(@fp8_kernels) function(@existing) {
    %c0 = arith.constant 0 : index
    %v = memref.load %m[%c0] : memref<?xf32>
    memref.store %v, %m[%c0] : memref<?xf32>
    gpu.terminator
  }
  return
}
