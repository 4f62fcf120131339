// RUN: fp8-opt %s -split-input-file -verify-diagnostics --fp8-rewrite-matmul

func.func @no_grid(%x: tensor<16x32xbf16>, %w: tensor<32x16xbf16>) -> tensor<16x16xbf16> {
  %e = tensor.empty() : tensor<16x16xbf16>
  // expected-error@+1 {{'fp8.amax_grid' must name a shard.grid (e.g. @grid)}}
  %y = linalg.matmul {fp8.amax_grid = @nowhere} ins(%x, %w : tensor<16x32xbf16>, tensor<32x16xbf16>) outs(%e : tensor<16x16xbf16>) -> tensor<16x16xbf16>
  return %y : tensor<16x16xbf16>
}

// -----

func.func @not_a_symbol(%x: tensor<16x32xbf16>, %w: tensor<32x16xbf16>) -> tensor<16x16xbf16> {
  %e = tensor.empty() : tensor<16x16xbf16>
  // expected-error@+1 {{'fp8.amax_grid' must name a shard.grid (e.g. @grid)}}
  %y = linalg.matmul {fp8.amax_grid = 3 : i64} ins(%x, %w : tensor<16x32xbf16>, tensor<32x16xbf16>) outs(%e : tensor<16x16xbf16>) -> tensor<16x16xbf16>
  return %y : tensor<16x16xbf16>
}
