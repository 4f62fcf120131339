// --fp8-async-launches: a block's launches go to one stream and the host
// waits only before ops that may touch memory.
// RUN: fp8-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(fp8-async-launches))" | FileCheck %s

module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @f(%m: memref<4xf32>) kernel {
      gpu.return
    }
  }
  func.func private @fp8TensorMap2D(index, index, index, index, index, index) -> i64
  func.func private @printMemrefF32(memref<*xf32>)

  // Allocations and the tensor-map call between launches do not wait; the
  // load does, once; the launches after it start a new stream, waited for
  // before the return.
  // CHECK-LABEL: func.func @chain
  // CHECK: %[[T0:.+]] = gpu.wait async
  // CHECK: %[[T1:.+]] = gpu.launch_func async [%[[T0]]] @k::@f
  // CHECK: memref.alloc
  // CHECK: memref.extract_aligned_pointer_as_index
  // CHECK: call @fp8TensorMap2D
  // CHECK: %[[T2:.+]] = gpu.launch_func async [%[[T1]]] @k::@f
  // CHECK-NEXT: gpu.wait [%[[T2]]]
  // CHECK-NEXT: memref.load
  // CHECK: %[[T3:.+]] = gpu.wait async
  // CHECK: %[[T4:.+]] = gpu.launch_func async [%[[T3]]] @k::@f
  // CHECK-NEXT: gpu.wait [%[[T4]]]
  // CHECK-NEXT: return
  func.func @chain(%a: memref<4xf32>) -> f32 {
    %c1 = arith.constant 1 : index
    %c0 = arith.constant 0 : index
    gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<4xf32>)
    %b = memref.alloc() : memref<4xf32>
    %p = memref.extract_aligned_pointer_as_index %b : memref<4xf32> -> index
    %map = call @fp8TensorMap2D(%p, %c1, %c1, %c1, %c1, %c1) : (index, index, index, index, index, index) -> i64
    gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%b : memref<4xf32>)
    %v = memref.load %b[%c0] : memref<4xf32>
    gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<4xf32>)
    return %v : f32
  }

  // Printing waits; a loop is waited for before it and its body chains its
  // own launches, waited for at the end of each iteration.
  // CHECK-LABEL: func.func @print_and_loop
  // CHECK: %[[T:.+]] = gpu.launch_func async
  // CHECK-NEXT: memref.cast
  // CHECK-NEXT: gpu.wait [%[[T]]]
  // CHECK-NEXT: call @printMemrefF32
  // CHECK: %[[L:.+]] = gpu.launch_func async
  // CHECK-NEXT: gpu.wait [%[[L]]]
  // CHECK-NEXT: scf.for
  // CHECK: %[[I:.+]] = gpu.launch_func async
  // CHECK-NEXT: gpu.wait [%[[I]]]
  // CHECK-NEXT: }
  func.func @print_and_loop(%a: memref<4xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c3 = arith.constant 3 : index
    gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<4xf32>)
    %u = memref.cast %a : memref<4xf32> to memref<*xf32>
    call @printMemrefF32(%u) : (memref<*xf32>) -> ()
    gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<4xf32>)
    scf.for %i = %c0 to %c3 step %c1 {
      gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<4xf32>)
    }
    return
  }

  // An asynchronous launch is left as it is.
  // CHECK-LABEL: func.func @already_async
  // CHECK: %[[W:.+]] = gpu.wait async
  // CHECK-NEXT: %[[L:.+]] = gpu.launch_func async [%[[W]]] @k::@f
  // CHECK-NEXT: gpu.wait [%[[L]]]
  // CHECK-NEXT: return
  func.func @already_async(%a: memref<4xf32>) {
    %c1 = arith.constant 1 : index
    %w = gpu.wait async
    %l = gpu.launch_func async [%w] @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<4xf32>)
    gpu.wait [%l]
    return
  }
}
