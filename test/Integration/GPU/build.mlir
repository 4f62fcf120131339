// fp8-cuda-compile turns a program with @main into an executable for the
// GPU machine: cubins for sm_90a inside, fp8's runtime linked in, the
// driver opened at run time (no libcuda, LLVM or MLIR dependency).
// REQUIRES: cuda-runtime, ptxas
// RUN: rm -rf %t && mkdir -p %t
// RUN: fp8-reference --recipe=rowwise --role=output --data=hash --print-inputs > %t/case.mlir
// RUN: fp8-cuda-compile %t/case.mlir -o %t/case --keep %t/work
// RUN: llvm-nm %t/case | FileCheck %s --check-prefix=SYMS
// RUN: llvm-readelf --dynamic %t/case | FileCheck %s --check-prefix=DEPS
// RUN: FileCheck %s --check-prefix=HOST < %t/work/host.mlir
// PTX instead of cubins (the driver compiles it), for newer GPUs.
// RUN: fp8-cuda-compile %t/case.mlir -o %t/case-ptx --format=isa --options "chip=sm_89 recipe=tensorwise"
// RUN: llvm-nm %t/case-ptx | FileCheck %s --check-prefix=SYMS
// Bad input is reported, not linked.
// RUN: echo "func.func @main() { %%x = }" > %t/bad.mlir
// RUN: not fp8-cuda-compile %t/bad.mlir -o %t/bad 2>&1 | FileCheck %s --check-prefix=BAD
//
// SYMS-DAG: T fp8_user_main
// SYMS-DAG: T main
// SYMS-DAG: T mgpuLaunchKernel
// SYMS-DAG: T _mlir_memref_to_llvm_alloc
// SYMS-DAG: T mgpuMemAlloc
// SYMS-DAG: T mgpuMemFree
// SYMS-DAG: T printMemrefF32
// DEPS-NOT: libcuda
// DEPS-NOT: libMLIR
// DEPS-NOT: libLLVM
// DEPS: libc.so
// HOST-DAG: gpu.binary @{{.+}} [#gpu.object<#nvvm.target<chip = "sm_90a"
// HOST-DAG: llvm.call @mgpuMemAlloc
// HOST-DAG: llvm.call @mgpuMemFree
// HOST-DAG: gpu.launch_func
// BAD: bad.mlir:1:25: error: expected operation name in quotes
// BAD: fp8-cuda-compile: failed
