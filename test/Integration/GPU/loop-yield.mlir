// The CPU test's training loop (../CPU/loop-yield.mlir: a loop yielding
// new weights from an fp8 matmul step) on the GPU: the same numbers, every
// device buffer freed by exit (FP8_MEMSTATS=1: as many frees as
// allocations, no bytes left).
// REQUIRES: cuda-gpu, cuda-runtime, ptxas
// RUN: fp8-cuda-compile %S/../CPU/loop-yield.mlir -o %t
// RUN: env FP8_MEMSTATS=1 %t 2>&1 | FileCheck %s
// CHECK: data =
// CHECK-NEXT: [0]
// CHECK: data =
// CHECK-NEXT: [0.492188,   0.492188]
// CHECK: data =
// CHECK-NEXT: [0.476{{[0-9]+}},   0.476{{[0-9]+}}]
// CHECK: fp8-memstats: peak {{[0-9]+}} device bytes in use, [[N:[0-9]+]] allocations, [[N]] frees, 0 bytes still allocated
