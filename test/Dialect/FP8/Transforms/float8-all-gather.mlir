// RUN: fp8-opt %s -split-input-file --fp8-rewrite-matmul | FileCheck %s
// RUN: fp8-opt %s -split-input-file --fp8-rewrite-matmul --fp8-prepare-shard-for-mpi | FileCheck %s --check-prefix=MPI

shard.grid @grid(shape = 2)

// fsdp_float8_all_gather: the weight shard is cast before the gather with
// the scale of the global amax (all-reduce max), and the fp8 shards are
// gathered; the bf16 gather is gone.
// CHECK-LABEL: func @fsdp
// CHECK-SAME: (%[[X:.+]]: tensor<16x32xbf16>, %[[WS:.+]]: tensor<8x32xbf16>)
// CHECK-NOT: shard.all_gather {{.+}} tensor<8x32xbf16>
// CHECK: %[[LOCAL:.+]] = fp8.amax %[[WS]] tensorwise : tensor<8x32xbf16> -> tensor<f32>
// CHECK: %[[AMAX:.+]] = shard.all_reduce %[[LOCAL]] on @grid grid_axes = [0] reduction = max : tensor<f32> -> tensor<f32>
// CHECK: %[[SCALE:.+]] = fp8.amax_to_scale %[[AMAX]] : tensor<f32> for f8E4M3FN
// CHECK: %[[Q:.+]] = fp8.cast %[[WS]], %[[SCALE]] : tensor<8x32xbf16>, tensor<f32> -> tensor<8x32xf8E4M3FN>
// CHECK: %[[G:.+]] = shard.all_gather %[[Q]] on @grid grid_axes = [0] gather_axis = 0 : tensor<8x32xf8E4M3FN> -> tensor<16x32xf8E4M3FN>
// CHECK: %[[T:.+]] = linalg.transpose ins(%[[G]] : tensor<16x32xf8E4M3FN>)
// CHECK: fp8.scaled_matmul %{{.+}}, %[[T]] scales(%{{.+}}, %[[SCALE]])
//
// Prepared for MPI, the fp8 all-gather becomes an exact all-reduce of the codes as
// i8, each process's shard placed at its offset in zeros; MPI_Init and
// MPI_Finalize bracket @main; the module names MPICH's ABI.
// MPI: module attributes {dlti.map = #dlti.map<"MPI:Implementation" = "MPICH">}
// MPI-LABEL: func @fsdp
// MPI: shard.all_reduce {{.+}} reduction = max : tensor<f32> -> tensor<f32>
// MPI: %[[POS:.+]] = shard.process_multi_index on @grid axes = [0] : index
// MPI: %[[OFF:.+]] = arith.muli %[[POS]], %c8
// MPI: %[[BITS:.+]] = linalg.generic
// MPI:   arith.bitcast %{{.+}} : f8E4M3FN to i8
// MPI: %[[ZEROS:.+]] = linalg.fill ins(%{{.+}} : i8) outs(%{{.+}} : tensor<16x32xi8>)
// MPI: %[[PLACED:.+]] = tensor.insert_slice %[[BITS]] into %[[ZEROS]][%[[OFF]], 0] [8, 32] [1, 1]
// MPI: %[[SUM:.+]] = shard.all_reduce %[[PLACED]] on @grid grid_axes = [0] : tensor<16x32xi8> -> tensor<16x32xi8>
// MPI: linalg.generic {{.+}} ins(%[[SUM]]
// MPI:   arith.bitcast %{{.+}} : i8 to f8E4M3FN
// MPI-NOT: shard.all_gather
func.func @fsdp(%x: tensor<16x32xbf16>, %ws: tensor<8x32xbf16>) -> tensor<16x16xbf16> {
  %w = shard.all_gather %ws on @grid grid_axes = [0] gather_axis = 0 : tensor<8x32xbf16> -> tensor<16x32xbf16>
  %e = tensor.empty() : tensor<16x16xbf16>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       {fp8.config = #fp8.linear<recipe = tensorwise, fsdp_float8_all_gather = true>}
       ins(%x, %w : tensor<16x32xbf16>, tensor<16x32xbf16>) outs(%e : tensor<16x16xbf16>) -> tensor<16x16xbf16>
  return %y : tensor<16x16xbf16>
}

// -----

shard.grid @grid(shape = 2)

// Without the flag the bf16 shards are gathered and the gathered weight is
// cast (its amax is already global).
// CHECK-LABEL: func @no_flag
// CHECK: %[[G:.+]] = shard.all_gather %{{.+}} on @grid grid_axes = [0] gather_axis = 0 : tensor<8x32xbf16> -> tensor<16x32xbf16>
// CHECK-NOT: shard.all_reduce
// CHECK: %[[A:.+]] = fp8.amax %[[G]] tensorwise : tensor<16x32xbf16>
// CHECK: fp8.cast %[[G]]
// MPI-LABEL: func @no_flag
// MPI: linalg.generic
// MPI:   arith.bitcast %{{.+}} : bf16 to i16
// MPI: shard.all_reduce {{.+}} : tensor<16x32xi16> -> tensor<16x32xi16>
func.func @no_flag(%x: tensor<16x32xbf16>, %ws: tensor<8x32xbf16>) -> tensor<16x16xbf16> {
  %w = shard.all_gather %ws on @grid grid_axes = [0] gather_axis = 0 : tensor<8x32xbf16> -> tensor<16x32xbf16>
  %e = tensor.empty() : tensor<16x16xbf16>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       {fp8.config = #fp8.linear<recipe = tensorwise>}
       ins(%x, %w : tensor<16x32xbf16>, tensor<16x32xbf16>) outs(%e : tensor<16x16xbf16>) -> tensor<16x16xbf16>
  return %y : tensor<16x16xbf16>
}

// -----

shard.grid @grid(shape = 2x2)

// fp8.amax_grid: sharded activations and gradients get global tensorwise
// amaxes, all-reduced over every grid axis (torchao's reduce_amax); the
// rowwise operand's amax stays local (one row is whole on its process).
// CHECK-LABEL: func @reduce_amax
// CHECK: %[[A:.+]] = fp8.amax %{{.+}} tensorwise : tensor<16x32xbf16> -> tensor<f32>
// CHECK: shard.all_reduce %[[A]] on @grid grid_axes = [0, 1] reduction = max
// CHECK: %[[B:.+]] = fp8.amax %{{.+}} tensorwise : tensor<32x16xbf16> -> tensor<f32>
// CHECK: shard.all_reduce %[[B]] on @grid grid_axes = [0, 1] reduction = max
func.func @reduce_amax(%x: tensor<16x32xbf16>, %w: tensor<32x16xbf16>) -> tensor<16x16xbf16> {
  %e = tensor.empty() : tensor<16x16xbf16>
  %y = linalg.matmul {fp8.amax_grid = @grid} ins(%x, %w : tensor<16x32xbf16>, tensor<32x16xbf16>) outs(%e : tensor<16x16xbf16>) -> tensor<16x16xbf16>
  return %y : tensor<16x16xbf16>
}
