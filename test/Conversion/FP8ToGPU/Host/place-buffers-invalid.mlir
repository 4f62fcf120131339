// --fp8-place-buffers-for-gpu: kernels can only read heap allocations.
// RUN: fp8-opt %s -split-input-file --fp8-place-buffers-for-gpu -verify-diagnostics

module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @f(%m: memref<4xf32>) kernel {
      gpu.return
    }
  }
  func.func @stack() {
    %c1 = arith.constant 1 : index
    // expected-error @below {{'memref.alloca' op allocates stack memory that a GPU kernel uses; kernels can only read heap allocations}}
    %a = memref.alloca() : memref<4xf32>
    gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<4xf32>)
    return
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @f(%m: memref<4xf32>) kernel {
      gpu.return
    }
  }
  memref.global "private" @g : memref<4xf32> = dense<0.0>
  func.func @global() {
    %c1 = arith.constant 1 : index
    // expected-error @below {{'memref.get_global' op reads a global that a GPU kernel uses; kernels can only read heap allocations}}
    %a = memref.get_global @g : memref<4xf32>
    gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<4xf32>)
    return
  }
}

// -----

// Host code reads device memory through host copies of whole buffers,
// which needs an identity layout.
module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @f(%m: memref<4xf32, strided<[1], offset: 2>>) kernel {
      gpu.return
    }
  }
  func.func @strided() -> f32 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %a = memref.alloc() : memref<4xf32, strided<[1], offset: 2>>
    gpu.launch_func @k::@f blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<4xf32, strided<[1], offset: 2>>)
    // expected-error @below {{'memref.load' op reads or writes device memory of type 'memref<4xf32, strided<[1], offset: 2>>' on the host; only identity layouts can be copied there}}
    %v = memref.load %a[%c0] : memref<4xf32, strided<[1], offset: 2>>
    return %v : f32
  }
}
