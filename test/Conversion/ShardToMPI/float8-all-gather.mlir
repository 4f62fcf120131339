// --fp8-prepare-shard-for-mpi on the float8 all-gathers --fp8-rewrite-matmul
// makes of the sharded layers of
// Dialect/FP8/Transforms/Inputs/float8-all-gather.mlir.
// RUN: fp8-opt %S/../../Dialect/FP8/Transforms/Inputs/float8-all-gather.mlir -split-input-file --fp8-rewrite-matmul --fp8-prepare-shard-for-mpi | FileCheck %s

// Prepared for MPI, the fp8 all-gather becomes an exact all-reduce of the codes as
// i8, each process's shard placed at its offset in zeros; MPI_Init and
// MPI_Finalize bracket @main; the module names MPICH's ABI.
// CHECK: module attributes {dlti.map = #dlti.map<"MPI:Implementation" = "MPICH">}
// CHECK-LABEL: func @fsdp
// CHECK: shard.all_reduce {{.+}} reduction = max : tensor<f32> -> tensor<f32>
// CHECK: %[[POS:.+]] = shard.process_multi_index on @grid axes = [0] : index
// CHECK: %[[OFF:.+]] = arith.muli %[[POS]], %c8
// CHECK: %[[BITS:.+]] = linalg.generic
// CHECK:   arith.bitcast %{{.+}} : f8E4M3FN to i8
// CHECK: %[[ZEROS:.+]] = linalg.fill ins(%{{.+}} : i8) outs(%{{.+}} : tensor<16x32xi8>)
// CHECK: %[[PLACED:.+]] = tensor.insert_slice %[[BITS]] into %[[ZEROS]][%[[OFF]], 0] [8, 32] [1, 1]
// CHECK: %[[SUM:.+]] = shard.all_reduce %[[PLACED]] on @grid grid_axes = [0] : tensor<16x32xi8> -> tensor<16x32xi8>
// CHECK: linalg.generic {{.+}} ins(%[[SUM]]
// CHECK:   arith.bitcast %{{.+}} : i8 to f8E4M3FN
// CHECK-NOT: shard.all_gather

// Without the flag the bf16 gather is an all-reduce of the bits as i16.
// CHECK-LABEL: func @no_flag
// CHECK: linalg.generic
// CHECK:   arith.bitcast %{{.+}} : bf16 to i16
// CHECK: shard.all_reduce {{.+}} : tensor<16x32xi16> -> tensor<16x32xi16>
