// The float8 all-gather on what upstream sharding propagation and
// partitioning make of a weight sharded by rows: shard.shard annotations
// become a shard.all_gather (plus an identity tensor.cast) before the
// matmul, which --fp8-rewrite-matmul casts before the gather.
// RUN: mlir-opt %s --pass-pipeline="builtin.module(func.func(sharding-propagation,shard-partition))" \
// RUN:   | fp8-opt --fp8-rewrite-matmul="config=#fp8.linear<recipe=tensorwise,fsdp_float8_all_gather=true>" | FileCheck %s

// CHECK-LABEL: func @layer
// CHECK-SAME: %[[W:[a-z0-9]+]]: tensor<16x16xbf16>)
// CHECK: %[[LOCAL:.+]] = fp8.amax %[[W]] tensorwise : tensor<16x16xbf16> -> tensor<f32>
// CHECK: %[[AMAX:.+]] = shard.all_reduce %[[LOCAL]] on @grid grid_axes = [0] reduction = max
// CHECK: %[[SCALE:.+]] = fp8.amax_to_scale %[[AMAX]]
// CHECK: %[[Q:.+]] = fp8.cast %[[W]], %[[SCALE]] : tensor<16x16xbf16>, tensor<f32> -> tensor<16x16xf8E4M3FN>
// CHECK: %[[G:.+]] = shard.all_gather %[[Q]] on @grid grid_axes = [0] gather_axis = 0 : tensor<16x16xf8E4M3FN> -> tensor<32x16xf8E4M3FN>
// CHECK: fp8.scaled_matmul %{{.+}}, %[[G]] scales(%{{.+}}, %[[SCALE]])
// CHECK-NOT: tensor<32x16xbf16>
shard.grid @grid(shape = 2)
func.func @layer(%x: tensor<16x32xbf16>, %w: tensor<32x16xbf16>) -> tensor<16x16xbf16> {
  %s = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %ws = shard.shard %w to %s : tensor<32x16xbf16>
  %r = shard.sharding @grid split_axes = [[]] : !shard.sharding
  %wr = shard.shard %ws to %r annotate_for_users : tensor<32x16xbf16>
  %e = tensor.empty() : tensor<16x16xbf16>
  %y = linalg.matmul ins(%x, %wr : tensor<16x32xbf16>, tensor<32x16xbf16>) outs(%e : tensor<16x16xbf16>) -> tensor<16x16xbf16>
  return %y : tensor<16x16xbf16>
}
