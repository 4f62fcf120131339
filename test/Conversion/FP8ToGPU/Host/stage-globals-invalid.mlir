// A mutable global cannot be staged for the GPU: a copy would keep the
// writes of kernels and host code from it (the next get_global would read
// the old values). It is a located error; constant globals are copied
// (stage-globals.mlir).
// RUN: fp8-opt %s -split-input-file -verify-diagnostics --fp8-stage-globals-for-gpu

memref.global "private" @state : memref<4xf32> = dense<0.0>

func.func @step(%v: f32) {
  // expected-error@+1 {{'memref.get_global' op reads the mutable global @state, which GPU programs cannot share between host and kernels (mark it constant, or pass the data as an argument)}}
  %g = memref.get_global @state : memref<4xf32>
  %c0 = arith.constant 0 : index
  memref.store %v, %g[%c0] : memref<4xf32>
  return
}
