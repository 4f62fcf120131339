// exact.mlir where no GPU is: on the CPU the program prints the same
// (no mismatches), and for sm_90a it compiles to the kernels it tests
// (ptxas accepts them).
// RUN: fp8-opt %S/exact.mlir --fp8-cpu-pipeline | mlir-runner -e main -entry-point-result=void %mlir_runner_libs | FileCheck %S/exact.mlir
// RUN: fp8-opt %S/exact.mlir --fp8-nvvm-pipeline="chip=sm_90a format=isa" > %t.mlir
// RUN: FileCheck %s < %t.mlir
// CHECK-DAG: fp8_cast_transposed
// CHECK-DAG: fp8_cast_axiswise
// CHECK-DAG: wgmma.mma_async.sync.aligned.m64n128k32.f32.e4m3.e4m3
