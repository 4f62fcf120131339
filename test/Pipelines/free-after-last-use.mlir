// --fp8-free-after-last-use: a free moves up to right after the last use of
// its buffer in the block (views, nested regions and addresses included);
// a buffer that outlives the block keeps its free.
// RUN: fp8-opt %s --pass-pipeline="builtin.module(func.func(fp8-free-after-last-use))" | FileCheck %s

module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @f(%m: memref<4xf32>) kernel {
      gpu.return
    }
    gpu.func @g(%p: i64) kernel {
      gpu.return
    }
  }
  func.func private @fp8TensorMap2D(index, index, index, index, index, index) -> i64
  func.func private @use(memref<2xf32, strided<[1], offset: 1>>)

  // CHECK-LABEL: func.func @early
  // %a: last used by the first launch.
  // CHECK: %[[A:.+]] = memref.alloc()
  // CHECK: %[[B:.+]] = memref.alloc()
  // CHECK: gpu.launch_func @k::@f {{.*}} args(%[[A]] : memref<4xf32>)
  // CHECK-NEXT: memref.dealloc %[[A]]
  // %b: its view is used inside the loop.
  // CHECK: scf.for
  // CHECK: call @use
  // CHECK: }
  // CHECK-NEXT: memref.dealloc %[[B]]
  // %c: read through a TMA descriptor by the last launch.
  // CHECK: %[[C:.+]] = gpu.alloc ()
  // CHECK: call @fp8TensorMap2D
  // CHECK: gpu.launch_func @k::@g
  // CHECK-NEXT: gpu.dealloc %[[C]]
  // CHECK: arith.constant 7
  // CHECK-NEXT: return
  func.func @early(%n: index) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %a = memref.alloc() : memref<4xf32>
    %b = memref.alloc() : memref<4xf32>
    gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<4xf32>)
    %view = memref.subview %b[1] [2] [1] : memref<4xf32> to memref<2xf32, strided<[1], offset: 1>>
    scf.for %i = %c0 to %n step %c1 {
      func.call @use(%view) : (memref<2xf32, strided<[1], offset: 1>>) -> ()
    }
    %c = gpu.alloc () : memref<4xf32>
    %p = memref.extract_aligned_pointer_as_index %c : memref<4xf32> -> index
    %map = call @fp8TensorMap2D(%p, %c1, %c1, %c1, %c1, %c1) : (index, index, index, index, index, index) -> i64
    gpu.launch_func @k::@g blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%map : i64)
    %unrelated = arith.constant 7 : index
    memref.dealloc %a : memref<4xf32>
    memref.dealloc %b : memref<4xf32>
    gpu.dealloc %c : memref<4xf32>
    return
  }

  // The loop's result aliases what it yields: %a lives until the load
  // after the loop. A buffer one of whose aliases reaches the block's
  // terminator (%b, through the loop) keeps its free where it is.
  // CHECK-LABEL: func.func @through_loops
  // CHECK: %[[A:.+]] = memref.alloc()
  // CHECK: memref.load
  // CHECK-NEXT: memref.dealloc %[[A]]
  // CHECK: arith.constant 3
  // CHECK-NEXT: memref.dealloc
  // CHECK-NEXT: return
  func.func @through_loops(%n: index) -> memref<4xf32> {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %a = memref.alloc() : memref<4xf32>
    %b = memref.alloc() : memref<4xf32>
    %r = scf.for %i = %c0 to %n step %c1 iter_args(%x = %a) -> memref<4xf32> {
      scf.yield %x : memref<4xf32>
    }
    %v = memref.load %r[%c0] : memref<4xf32>
    %s = scf.for %i = %c0 to %n step %c1 iter_args(%x = %b) -> memref<4xf32> {
      scf.yield %x : memref<4xf32>
    }
    %three = arith.constant 3 : index
    memref.dealloc %a : memref<4xf32>
    memref.dealloc %b : memref<4xf32>
    return %s : memref<4xf32>
  }
}
