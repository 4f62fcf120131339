// A sharded linear layer (the weight split by rows over the processes, as
// FSDP does) run by MPI (MPICH) with 2 and 4 processes, with and without
// fsdp_float8_all_gather, and unsharded in one process: all five print the
// same numbers. Rank 0 prints; layer.mlir.in is the program.
// REQUIRES: mpi
// RUN: rm -rf %t && mkdir -p %t
// RUN: sed -e 's/@P@/2/g; s/@R@/8/g; s/@FLAG@/true/g' %S/layer.mlir.in > %t/p2-fp8.mlir
// RUN: sed -e 's/@P@/2/g; s/@R@/8/g; s/@FLAG@/false/g' %S/layer.mlir.in > %t/p2-hp.mlir
// RUN: sed -e 's/@P@/4/g; s/@R@/4/g; s/@FLAG@/true/g' %S/layer.mlir.in > %t/p4-fp8.mlir
// RUN: sed -e 's/@P@/4/g; s/@R@/4/g; s/@FLAG@/false/g' %S/layer.mlir.in > %t/p4-hp.mlir
// The unsharded program: rank 0 alone, the whole weight, no collectives.
// RUN: sed -e 's/@P@/1/g; s/@R@/16/g; s/@FLAG@/false/g; /^shard.grid/d' \
// RUN:     -e 's/%%rank = shard.process_linear_index on @grid : index/%%rank = arith.constant 0 : index/' \
// RUN:     -e 's/%%w = shard.all_gather %%ws .*/%%w = tensor.cast %%ws : tensor<16x32xbf16> to tensor<16x32xbf16>/' \
// RUN:     %S/layer.mlir.in > %t/single.mlir
// RUN: fp8-opt %t/single.mlir --fp8-cpu-pipeline | mlir-runner -e main -entry-point-result=void %mlir_runner_libs \
// RUN:   | sed -e 's/base@ = 0x[0-9a-f]*//' > %t/single.txt
// RUN: FileCheck %s < %t/single.txt
// RUN: for v in p2-fp8 p2-hp p4-fp8 p4-hp; do \
// RUN:   fp8-opt %t/$v.mlir --fp8-cpu-pipeline="mpi=mpich" -o %t/$v.ll.mlir || exit 1; \
// RUN: done
// RUN: %mpirun -n 2 mlir-runner -e main -entry-point-result=void %mlir_runner_libs,%mpi_lib %t/p2-fp8.ll.mlir | sed -e 's/base@ = 0x[0-9a-f]*//' > %t/p2-fp8.txt
// RUN: %mpirun -n 2 mlir-runner -e main -entry-point-result=void %mlir_runner_libs,%mpi_lib %t/p2-hp.ll.mlir | sed -e 's/base@ = 0x[0-9a-f]*//' > %t/p2-hp.txt
// RUN: %mpirun -n 4 mlir-runner -e main -entry-point-result=void %mlir_runner_libs,%mpi_lib %t/p4-fp8.ll.mlir | sed -e 's/base@ = 0x[0-9a-f]*//' > %t/p4-fp8.txt
// RUN: %mpirun -n 4 mlir-runner -e main -entry-point-result=void %mlir_runner_libs,%mpi_lib %t/p4-hp.ll.mlir | sed -e 's/base@ = 0x[0-9a-f]*//' > %t/p4-hp.txt
// RUN: diff %t/single.txt %t/p2-fp8.txt
// RUN: diff %t/single.txt %t/p2-hp.txt
// RUN: diff %t/single.txt %t/p4-fp8.txt
// RUN: diff %t/single.txt %t/p4-hp.txt
//
// The numbers themselves (an fp8 tensorwise product of the whole layer).
// CHECK: sizes = [16, 16] strides = [16, 1] data =
// CHECK-NEXT: {{\[}}[4.90625,   1.10156,   -8.4375,   6.59375,   -16.5,   26,
// CHECK-COUNT-15: ]
