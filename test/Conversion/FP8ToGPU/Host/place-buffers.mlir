// --fp8-place-buffers-for-gpu: buffers kernels touch come from the device
// pool (gpu.alloc), host-only buffers stay memref.alloc; host code reads
// and writes device memory through host copies around the outermost op
// that does so; only buffers an op of unknown effects touches are pinned
// (gpu.alloc host_shared). The classes follow views, loops, calls and
// addresses handed to kernels.
// RUN: fp8-opt %s --fp8-place-buffers-for-gpu -allow-unregistered-dialect | FileCheck %s

module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @f(%m: memref<4xf32>) kernel {
      gpu.return
    }
    gpu.func @g(%p: i64) kernel {
      gpu.return
    }
    gpu.func @f2(%m: memref<4x4xf32>) kernel {
      gpu.return
    }
  }
  func.func private @printMemrefF32(memref<*xf32>)
  func.func private @fp8TensorMap2D(index, index, index, index, index, index) -> i64
  func.func private @consume(memref<4xf32>)
  memref.global "private" constant @c : memref<4xf32> = dense<1.0>

  // CHECK-LABEL: func.func @kinds
  // A kernel's buffer, printed through a view: device memory (printing
  // copies it to the host); its free a gpu.dealloc.
  // CHECK: %[[D:.+]] = gpu.alloc () : memref<4xf32>
  // A kernel's buffer the host loads from: device memory too.
  // CHECK: %[[P:.+]] = gpu.alloc () : memref<4xf32>
  // A host-only buffer.
  // CHECK: %[[H:.+]] = memref.alloc() : memref<4xf32>
  // A staged constant: copied into device memory by the driver.
  // CHECK: %[[G:.+]] = memref.get_global @c
  // CHECK: %[[S:.+]] = gpu.alloc () : memref<4xf32>
  // CHECK: gpu.memcpy %[[S]], %[[G]]
  // A kernel's buffer an op of unknown effects touches: pinned.
  // CHECK: %[[U:.+]] = gpu.alloc host_shared () : memref<4xf32>
  // The load of %p reads a host copy, made right before it.
  // CHECK: %[[C:.+]] = memref.alloc() : memref<4xf32>
  // CHECK-NEXT: %[[T:.+]] = gpu.wait async
  // CHECK-NEXT: %[[M:.+]] = gpu.memcpy async [%[[T]]] %[[C]], %[[P]]
  // CHECK-NEXT: gpu.wait [%[[M]]]
  // CHECK-NEXT: memref.load %[[C]]
  // CHECK-NEXT: memref.dealloc %[[C]]
  // CHECK: memref.load %[[H]]
  // CHECK: gpu.dealloc %[[D]]
  // CHECK: gpu.dealloc %[[P]]
  // CHECK: memref.dealloc %[[H]]
  // CHECK: gpu.dealloc %[[S]]
  func.func @kinds() -> f32 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %d = memref.alloc() : memref<4xf32>
    %p = memref.alloc() : memref<4xf32>
    %h = memref.alloc() : memref<4xf32>
    %g = memref.get_global @c : memref<4xf32>
    %s = memref.alloc() : memref<4xf32>
    memref.copy %g, %s : memref<4xf32> to memref<4xf32>
    %u = memref.alloc() : memref<4xf32>
    gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%d : memref<4xf32>)
    gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%p : memref<4xf32>)
    gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%s : memref<4xf32>)
    gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%u : memref<4xf32>)
    "test.touch"(%u) : (memref<4xf32>) -> ()
    %view = memref.subview %d[1] [2] [1] : memref<4xf32> to memref<2xf32, strided<[1], offset: 1>>
    %cast = memref.cast %view : memref<2xf32, strided<[1], offset: 1>> to memref<*xf32>
    call @printMemrefF32(%cast) : (memref<*xf32>) -> ()
    %a = memref.load %p[%c0] : memref<4xf32>
    %b = memref.load %h[%c0] : memref<4xf32>
    %r = arith.addf %a, %b : f32
    memref.dealloc %d : memref<4xf32>
    memref.dealloc %p : memref<4xf32>
    memref.dealloc %h : memref<4xf32>
    memref.dealloc %s : memref<4xf32>
    memref.dealloc %u : memref<4xf32>
    return %r : f32
  }

  // A loop that writes a device buffer through a view on the host: one
  // host copy around the whole loop, the view rebuilt on it, copied back
  // after the loop; the kernel after the loop reads the device buffer.
  // CHECK-LABEL: func.func @host_loop
  // CHECK: %[[B:.+]] = gpu.alloc () : memref<4x4xf32>
  // CHECK: %[[C:.+]] = memref.alloc() : memref<4x4xf32>
  // CHECK: gpu.memcpy async [%{{.+}}] %[[C]], %[[B]]
  // CHECK: scf.for
  // CHECK: %[[V:.+]] = memref.collapse_shape %[[C]]
  // CHECK-NEXT: memref.store %{{.+}}, %[[V]]
  // CHECK: gpu.memcpy async [%{{.+}}] %[[B]], %[[C]]
  // CHECK: memref.dealloc %[[C]]
  // CHECK: gpu.launch_func @k::@f2 {{.*}} args(%[[B]] : memref<4x4xf32>)
  func.func @host_loop(%x: f32) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c16 = arith.constant 16 : index
    %b = memref.alloc() : memref<4x4xf32>
    %flat = memref.collapse_shape %b [[0, 1]] : memref<4x4xf32> into memref<16xf32>
    scf.for %i = %c0 to %c16 step %c1 {
      memref.store %x, %flat[%i] : memref<16xf32>
    }
    gpu.launch_func @k::@f2 blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%b : memref<4x4xf32>)
    memref.dealloc %b : memref<4x4xf32>
    return
  }

  // Loop-carried buffers join their class, and what a callee does to its
  // argument counts for each caller's operand on its own: the loop's
  // buffers reach a kernel inside @launch, so they are device memory, and
  // so is the buffer an external function reads (through a host copy).
  // CHECK-LABEL: func.func @loop_and_calls
  // CHECK: gpu.alloc () : memref<4xf32>
  // CHECK: scf.for
  // CHECK: gpu.alloc () : memref<4xf32>
  // CHECK: %[[E:.+]] = gpu.alloc () : memref<4xf32>
  // CHECK: call @launch(%[[E]])
  // CHECK: %[[C:.+]] = memref.alloc() : memref<4xf32>
  // CHECK: gpu.memcpy async [%{{.+}}] %[[C]], %[[E]]
  // CHECK: call @consume(%[[C]])
  // CHECK: gpu.memcpy async [%{{.+}}] %[[E]], %[[C]]
  func.func @loop_and_calls(%n: index) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %init = memref.alloc() : memref<4xf32>
    %last = scf.for %i = %c0 to %n step %c1 iter_args(%w = %init) -> memref<4xf32> {
      %next = memref.alloc() : memref<4xf32>
      func.call @launch(%w) : (memref<4xf32>) -> ()
      scf.yield %next : memref<4xf32>
    }
    %ext = memref.alloc() : memref<4xf32>
    func.call @launch(%ext) : (memref<4xf32>) -> ()
    func.call @consume(%ext) : (memref<4xf32>) -> ()
    return
  }
  func.func private @launch(%m: memref<4xf32>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%m : memref<4xf32>)
    return
  }

  // An address a kernel reads through a TMA descriptor makes its buffer
  // device memory; an address only host code compares does not.
  // CHECK-LABEL: func.func @addresses
  // CHECK: gpu.alloc () : memref<4xf32>
  // CHECK: memref.alloc() : memref<4xf32>
  func.func @addresses() -> i1 {
    %c1 = arith.constant 1 : index
    %t = memref.alloc() : memref<4xf32>
    %o = memref.alloc() : memref<4xf32>
    %p = memref.extract_aligned_pointer_as_index %t : memref<4xf32> -> index
    %map = call @fp8TensorMap2D(%p, %c1, %c1, %c1, %c1, %c1) : (index, index, index, index, index, index) -> i64
    gpu.launch_func @k::@g blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%map : i64)
    %q = memref.extract_aligned_pointer_as_index %o : memref<4xf32> -> index
    %same = arith.cmpi eq, %p, %q : index
    return %same : i1
  }
}
