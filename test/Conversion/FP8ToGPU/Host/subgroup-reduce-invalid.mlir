// --fp8-lower-subgroup-reduce needs a chip it knows the wave size of.
// RUN: fp8-opt %s -verify-diagnostics --fp8-lower-subgroup-reduce="chip=h100"
// RUN: fp8-opt %s -verify-diagnostics --fp8-lower-subgroup-reduce="chip=mi300"
// RUN: fp8-opt %s -verify-diagnostics --fp8-lower-subgroup-reduce="chip=sm90a"

// expected-error-re@+1 {{unknown chip '{{h100|mi300|sm90a}}'}}
module {
  gpu.module @kernels {
    gpu.func @wave_max(%x: f32, %out: memref<f32>) kernel {
      %m = gpu.subgroup_reduce maximumf %x uniform : (f32) -> f32
      memref.store %m, %out[] : memref<f32>
      gpu.return
    }
  }
}
