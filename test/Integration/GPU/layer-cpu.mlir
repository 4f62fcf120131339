// layer.mlir where no GPU is: on the CPU the program prints the same (the
// layer equals its GEMMs one by one; both recipes), and for sm_90a it
// compiles to the kernels it tests: one cast in both layouts per operand
// (tensorwise) and wgmma GEMMs only.
// RUN: fp8-opt %S/layer.mlir --fp8-cpu-pipeline | mlir-runner -e main -entry-point-result=void %mlir_runner_libs | FileCheck %S/layer.mlir
// RUN: fp8-opt %S/layer.mlir --fp8-cpu-pipeline="recipe=rowwise" | mlir-runner -e main -entry-point-result=void %mlir_runner_libs | FileCheck %S/layer.mlir
// RUN: fp8-opt %S/layer.mlir --fp8-nvvm-pipeline="chip=sm_90a" > %t.mlir
// RUN: FileCheck %s < %t.mlir
// The layer's launches: three amaxes, three casts writing both layouts,
// three GEMMs.
// CHECK-LABEL: llvm.func @layer(
// CHECK-COUNT-2: gpu.launch_func <%{{[0-9]+}} : !llvm.ptr> @fp8_kernels::@fp8_cast_transposed
// CHECK: gpu.launch_func <%{{[0-9]+}} : !llvm.ptr> @fp8_kernels::@fp8_scaled_matmul_wgmma
// CHECK: gpu.launch_func <%{{[0-9]+}} : !llvm.ptr> @fp8_kernels::@fp8_cast_transposed
// CHECK-COUNT-2: gpu.launch_func <%{{[0-9]+}} : !llvm.ptr> @fp8_kernels::@fp8_scaled_matmul_wgmma
// CHECK-NOT: mma_sync
// CHECK: llvm.return
// CHECK-NOT: mma_sync
