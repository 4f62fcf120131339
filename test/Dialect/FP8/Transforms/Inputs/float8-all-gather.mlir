// Sharded linear layers for the float8 all-gather: --fp8-rewrite-matmul's
// output is checked by Dialect/FP8/Transforms/float8-all-gather.mlir, what
// --fp8-prepare-shard-for-mpi makes of it by
// Conversion/ShardToMPI/float8-all-gather.mlir.

shard.grid @grid(shape = 2)

// fsdp_float8_all_gather: a weight sharded by rows, gathered before the
// matmul.
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

// The same without the flag.
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

// fp8.amax_grid: amaxes reduced over the whole grid.
func.func @reduce_amax(%x: tensor<16x32xbf16>, %w: tensor<32x16xbf16>) -> tensor<16x16xbf16> {
  %e = tensor.empty() : tensor<16x16xbf16>
  %y = linalg.matmul {fp8.amax_grid = @grid} ins(%x, %w : tensor<16x32xbf16>, tensor<32x16xbf16>) outs(%e : tensor<16x16xbf16>) -> tensor<16x16xbf16>
  return %y : tensor<16x16xbf16>
}
