// limits.mlir on the CPU: the same seven zero mismatch counts (the closed
// forms are right, so on the GPU a nonzero count is the GPU's), and it
// compiles for both GPU chips to the kernels it is meant to test: on sm_90
// every GEMM is mma.sync, on sm_90a the unbatched ones are wgmma.
// RUN: fp8-opt %S/limits.mlir --fp8-cpu-pipeline | mlir-runner -e main -entry-point-result=void %mlir_runner_libs | FileCheck %S/limits.mlir
// RUN: fp8-opt %S/limits.mlir --fp8-nvvm-pipeline="chip=sm_90" | FileCheck %s --check-prefix=SM90
// RUN: fp8-opt %S/limits.mlir --fp8-nvvm-pipeline="chip=sm_90a" | FileCheck %s --check-prefix=SM90A
// SM90-NOT: fp8_scaled_matmul_wgmma
// SM90: gpu.launch_func {{.+}} @fp8_kernels::@fp8_scaled_matmul_mma_sync
// SM90-NOT: fp8_scaled_matmul_wgmma
// SM90A-DAG: gpu.launch_func {{.+}} @fp8_kernels::@fp8_scaled_matmul_wgmma
// SM90A-DAG: gpu.launch_func {{.+}} @fp8_kernels::@fp8_scaled_matmul_mma_sync
