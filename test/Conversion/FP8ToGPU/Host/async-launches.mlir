// --fp8-async-launches: a block's launches, device allocations, frees and
// copies are chained on the program's stream and the host waits only before
// ops that may touch memory.
// RUN: fp8-opt %s -split-input-file --fp8-async-launches | FileCheck %s

module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @f(%m: memref<4xf32>) kernel {
      gpu.return
    }
  }
  func.func private @fp8TensorMap2D(index, index, index, index, index, index) -> i64
  func.func private @printMemrefF32(memref<*xf32>)

  // Pinned allocations and the tensor-map call between launches do not
  // wait; the load of pinned memory does, once; the launches after it start a new chain, waited
  // for before the public function returns.
  // CHECK-LABEL: func.func @chain
  // CHECK: %[[T0:.+]] = gpu.wait async
  // CHECK: %[[T1:.+]] = gpu.launch_func async [%[[T0]]] @k::@f
  // CHECK: gpu.alloc host_shared
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
    %b = gpu.alloc host_shared () : memref<4xf32>
    %p = memref.extract_aligned_pointer_as_index %b : memref<4xf32> -> index
    %map = call @fp8TensorMap2D(%p, %c1, %c1, %c1, %c1, %c1) : (index, index, index, index, index, index) -> i64
    gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%b : memref<4xf32>)
    %v = memref.load %b[%c0] : memref<4xf32>
    gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<4xf32>)
    return %v : f32
  }

  // Device allocations, frees and copies join the chain: a free is ordered
  // after the launch that reads the buffer, the host never waits for it.
  // Pinned (host_shared) allocations stay synchronous.
  // CHECK-LABEL: func.func @memory
  // CHECK: %[[W:.+]] = gpu.wait async
  // CHECK-NEXT: %[[M:.+]], %[[A:.+]] = gpu.alloc async [%[[W]]] ()
  // CHECK-NEXT: %[[C:.+]] = gpu.memcpy async [%[[A]]] %[[M]], %{{.+}}
  // CHECK-NEXT: %[[L:.+]] = gpu.launch_func async [%[[C]]] @k::@f
  // CHECK-NEXT: %[[D:.+]] = gpu.dealloc async [%[[L]]] %[[M]]
  // CHECK-NEXT: gpu.alloc host_shared ()
  // CHECK-NEXT: gpu.wait [%[[D]]]
  // CHECK-NEXT: return
  func.func @memory(%a: memref<4xf32>) {
    %c1 = arith.constant 1 : index
    %m = gpu.alloc () : memref<4xf32>
    gpu.memcpy %m, %a : memref<4xf32>, memref<4xf32>
    gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%m : memref<4xf32>)
    gpu.dealloc %m : memref<4xf32>
    %p = gpu.alloc host_shared () : memref<4xf32>
    return
  }

  // Every stream is the program's one stream: printing waits; a loop, its
  // iterations and calls of the module's functions do not (their work is
  // ordered on the stream); a load after them waits on the block's last
  // token, which on the one stream orders after everything enqueued. A
  // private function's return does not wait (its caller does, where it reads memory).
  // CHECK-LABEL: func.func @print_and_loop
  // CHECK: %[[T:.+]] = gpu.launch_func async
  // CHECK-NEXT: memref.cast
  // CHECK-NEXT: gpu.wait [%[[T]]]
  // CHECK-NEXT: call @printMemrefF32
  // CHECK: gpu.launch_func async
  // CHECK-NEXT: scf.for
  // CHECK: gpu.launch_func async
  // CHECK-NEXT: }
  // CHECK-NEXT: call @private_launch
  // CHECK-NEXT: gpu.wait [%{{.+}}]
  // CHECK-NEXT: memref.load
  func.func @print_and_loop(%a: memref<4xf32>) -> f32 {
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
    call @private_launch(%a) : (memref<4xf32>) -> ()
    %v = memref.load %a[%c0] : memref<4xf32>
    return %v : f32
  }
  // Host-only memory (memref.alloc after fp8-place-buffers-for-gpu, and a
  // private function's argument every call passes such memory) is read
  // and written without waiting for the GPU.
  // CHECK-LABEL: func.func @host_only
  // CHECK: gpu.launch_func async
  // CHECK-NEXT: memref.store
  // CHECK-NEXT: memref.cast
  // CHECK-NEXT: call @helper
  // CHECK-NEXT: gpu.wait
  // CHECK-NEXT: return
  // CHECK-LABEL: func.func private @helper
  // CHECK-NEXT: arith.constant
  // CHECK-NEXT: memref.load
  func.func @host_only(%a: memref<4xf32>, %x: f32) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %h = memref.alloc() : memref<4xf32>
    gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<4xf32>)
    memref.store %x, %h[%c0] : memref<4xf32>
    %v = memref.cast %h : memref<4xf32> to memref<?xf32>
    call @helper(%v) : (memref<?xf32>) -> f32
    return
  }
  func.func private @helper(%h: memref<?xf32>) -> f32 {
    %c0 = arith.constant 0 : index
    %v = memref.load %h[%c0] : memref<?xf32>
    return %v : f32
  }

  // A block with no chain of its own waits on a fresh token of the stream
  // (everything enqueued before) before its first host access.
  // CHECK-LABEL: func.func @fresh_token
  // CHECK: scf.for
  // CHECK-NEXT: %[[S:.+]] = gpu.wait async
  // CHECK-NEXT: gpu.wait [%[[S]]]
  // CHECK-NEXT: memref.store
  func.func @fresh_token(%a: memref<4xf32>, %x: f32) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c3 = arith.constant 3 : index
    gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<4xf32>)
    scf.for %i = %c0 to %c3 step %c1 {
      memref.store %x, %a[%i] : memref<4xf32>
    }
    return
  }
  // CHECK-LABEL: func.func private @private_launch
  // CHECK: gpu.launch_func async
  // CHECK-NEXT: return
  func.func private @private_launch(%a: memref<4xf32>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<4xf32>)
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
