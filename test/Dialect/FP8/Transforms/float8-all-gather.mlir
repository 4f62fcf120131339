// --fp8-rewrite-matmul on sharded layers (Inputs/float8-all-gather.mlir).
// RUN: fp8-opt %S/Inputs/float8-all-gather.mlir -split-input-file --fp8-rewrite-matmul | FileCheck %s

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

// Without the flag the bf16 shards are gathered and the gathered weight is
// cast (its amax is already global).
// CHECK-LABEL: func @no_flag
// CHECK: %[[G:.+]] = shard.all_gather %{{.+}} on @grid grid_axes = [0] gather_axis = 0 : tensor<8x32xbf16> -> tensor<16x32xbf16>
// CHECK-NOT: shard.all_reduce
// CHECK: %[[A:.+]] = fp8.amax %[[G]] tensorwise : tensor<16x32xbf16>
// CHECK: fp8.cast %[[G]]

// fp8.amax_grid: sharded activations and gradients get global tensorwise
// amaxes, all-reduced over every grid axis (torchao's reduce_amax); the
// rowwise operand's amax stays local (one row is whole on its process).
// CHECK-LABEL: func @reduce_amax
// CHECK: %[[A:.+]] = fp8.amax %{{.+}} tensorwise : tensor<16x32xbf16> -> tensor<f32>
// CHECK: shard.all_reduce %[[A]] on @grid grid_axes = [0, 1] reduction = max
// CHECK: %[[B:.+]] = fp8.amax %{{.+}} tensorwise : tensor<32x16xbf16> -> tensor<f32>
// CHECK: shard.all_reduce %[[B]] on @grid grid_axes = [0, 1] reduction = max
