// sm_90a: fp8.scaled_matmul becomes the persistent, warp-specialized TMA +
// wgmma kernel; sm_89 (no wgmma) keeps the mma.sync kernel.
// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=sm_90a" | FileCheck %s
// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=sm_89" | FileCheck %s --check-prefix=SM89

// 4096^3 with fast accumulation: 128 x 256 tiles (32 x 16 = 512 tiles, more
// than the 132 multiprocessors), 4 stages of 48 KB.
// CHECK-LABEL: func @tensorwise_fast
// CHECK: %[[BT:.+]] = memref.alloc() : memref<4096x4096xf8E4M3FN>
// CHECK: gpu.launch {{.+}} module(@fp8_kernels) function(@fp8_cast_transposed)
// The tensorwise scale is loaded once for both 32-row passes of the tile.
// CHECK:   memref.load %{{.+}}[] : memref<f32>
// CHECK-NOT: memref.load %{{.+}}[] : memref<f32>
// CHECK:   gpu.barrier
// CHECK: %[[PA:.+]] = memref.extract_aligned_pointer_as_index %{{.+}} : memref<4096x4096xf8E4M3FN> -> index
// CHECK: %[[MAPA:.+]] = call @fp8TensorMap2D(%[[PA]], %c4096{{.*}}, %c4096{{.*}}, %c128{{.*}}, %c128{{.*}}) : (index, index, index, index, index) -> i64
// CHECK: %[[PB:.+]] = memref.extract_aligned_pointer_as_index %[[BT]]
// CHECK: %[[MAPB:.+]] = call @fp8TensorMap2D(%[[PB]], %c4096{{.*}}, %c4096{{.*}}, %c256{{.*}}, %c128{{.*}})
// CHECK: %[[SMS:.+]] = call @fp8MultiprocessorCount() : () -> index
// CHECK: %[[GRID0:.+]] = arith.minui %{{.+}}, %[[SMS]]
// CHECK: %[[GRID:.+]] = arith.maxui %[[GRID0]]
// CHECK: %[[SMEM:.+]] = arith.constant 199760 : i32
// CHECK: gpu.launch blocks({{.+}}) in (%{{.+}} = %[[GRID]], {{.+}}) threads({{.+}}) in (%{{.+}} = %c384{{.*}}, {{.+}}) dynamic_shared_memory_size %[[SMEM]] module(@fp8_kernels) function(@fp8_scaled_matmul_wgmma)
// CHECK: gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK-COUNT-4: "mbarrier.init.shared::cta.b64 [$0], $1;"
// CHECK: "fence.mbarrier_init.release.cluster;"
// CHECK: gpu.barrier
// Producer warpgroup: one thread waits for a free stage and issues two TMA
// loads (A box 128 x 128, B box 256 x 128) completing on the stage's barrier.
// CHECK: "setmaxnreg.dec.sync.aligned.u32 40;"
// CHECK: "{{.+}}mbarrier.try_wait.parity.shared::cta.b64 p, [$0], $1;
// CHECK: "mbarrier.arrive.expect_tx.shared::cta.b64 _, [$0], $1;"
// CHECK-COUNT-2: "cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::complete_tx::bytes [$0], [$1, {$2, $3}], [$4];"
// Consumer warpgroups: wait for a full stage, 4 x wgmma k32 over the 128
// bytes of K; with fast accumulation one block stays in flight and the
// previous block's stage is released; after the loop, the last one.
// CHECK: "setmaxnreg.inc.sync.aligned.u32 232;"
// CHECK: "wgmma.fence.sync.aligned;"
// CHECK-COUNT-4: wgmma.mma_async.sync.aligned.m64n256k32.f32.e4m3.e4m3{{.+}}" %{{.+}}, %{{.+}}, %c1_i32{{[_0-9]*}}, %
// CHECK: "wgmma.commit_group.sync.aligned;"
// CHECK: "wgmma.wait_group.sync.aligned 1;"
// CHECK: "mbarrier.arrive.shared::cta.b64 _, [$0];"
// CHECK: "wgmma.wait_group.sync.aligned 0;"
// CHECK: "mbarrier.arrive.shared::cta.b64 _, [$0];"
// Epilogue: 1/sa, 1/sb (tensorwise: once), bf16 pairs stored as 4-byte
// vectors, without bounds checks (4096 is a whole number of tiles).
// CHECK: arith.divf
// CHECK: arith.divf
// CHECK-NOT: scf.if
// CHECK: vector.store %{{.+}}, %{{.+}}[%{{.+}}, %{{.+}}] {alignment = 4 : i64} : memref<4096x4096xbf16>, vector<2xbf16>
// CHECK-NOT: scf.if
// CHECK: gpu.terminator
// CHECK: func.func private @fp8TensorMap2D(index, index, index, index, index) -> i64
// CHECK: func.func private @fp8MultiprocessorCount() -> index
// SM89-LABEL: func @tensorwise_fast
// SM89-NOT: wgmma
// SM89: function(@fp8_scaled_matmul_mma_sync)
// SM89-NOT: wgmma
func.func @tensorwise_fast(%x: tensor<4096x4096xbf16>, %w: tensor<4096x4096xbf16>, %sx: tensor<f32>, %sw: tensor<f32>) -> tensor<4096x4096xbf16> {
  %a = fp8.cast %x, %sx : tensor<4096x4096xbf16>, tensor<f32> -> tensor<4096x4096xf8E4M3FN>
  %b = fp8.cast %w, %sw : tensor<4096x4096xbf16>, tensor<f32> -> tensor<4096x4096xf8E4M3FN>
  %c = fp8.scaled_matmul %a, %b scales(%sx, %sw) {gemm = #fp8.gemm<fast_accum = true>} : tensor<4096x4096xf8E4M3FN>, tensor<4096x4096xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<4096x4096xbf16>
  return %c : tensor<4096x4096xbf16>
}

// -----

// Without fast accumulation (grad_input: e5m2 x e4m3), rowwise scales and an
// odd N: 128 x 128 tiles, 6 stages; the first wgmma of each K block starts
// from zero and the block is added into f32 registers; the epilogue loads
// 1/sa per row and 1/sb per column and stores element by element.
// CHECK-LABEL: func @promoted
// CHECK: call @fp8TensorMap2D(%{{.+}}, %{{.+}}, %c256{{.*}}, %c128{{.*}}, %c128{{.*}})
// CHECK: call @fp8TensorMap2D(%{{.+}}, %{{.+}}, %c256{{.*}}, %c128{{.*}}, %c128{{.*}})
// CHECK: arith.constant 198768 : i32
// CHECK: function(@fp8_scaled_matmul_wgmma)
// The third operand of each wgmma statement is its scale-d flag.
// CHECK: wgmma.mma_async.sync.aligned.m64n128k32.f32.e5m2.e4m3{{.+}}" %{{.+}}, %{{.+}}, %c0_i32{{[_0-9]*}}, %
// CHECK-COUNT-3: wgmma.mma_async.sync.aligned.m64n128k32.f32.e5m2.e4m3{{.+}}" %{{.+}}, %{{.+}}, %c1_i32{{[_0-9]*}}, %
// CHECK: "wgmma.wait_group.sync.aligned 0;"
// CHECK: "mbarrier.arrive.shared::cta.b64 _, [$0];"
// CHECK-COUNT-64: arith.addf
// CHECK-NOT: wgmma.wait_group
// The warpgroup's 128 column reciprocals go through shared memory.
// CHECK: "bar.sync $0, 128;"
// CHECK: memref.load %{{.+}} : memref<1x45xf32>
// CHECK: arith.divf
// CHECK: "st.shared.f32 [$0], $1;"
// CHECK: "bar.sync $0, 128;"
// CHECK: memref.load %{{.+}} : memref<100x1xf32>
// CHECK: "ld.shared.f32 $0, [$1];"
// CHECK: memref.store %{{.+}} : memref<100x45xf32>
func.func @promoted(%x: tensor<100x256xbf16>, %w: tensor<256x45xbf16>, %sx: tensor<100x1xf32>, %sw: tensor<1x45xf32>) -> tensor<100x45xf32> {
  %a = fp8.cast %x, %sx : tensor<100x256xbf16>, tensor<100x1xf32> -> tensor<100x256xf8E5M2>
  %b = fp8.cast %w, %sw : tensor<256x45xbf16>, tensor<1x45xf32> -> tensor<256x45xf8E4M3FN>
  %c = fp8.scaled_matmul %a, %b scales(%sx, %sw) {gemm = #fp8.gemm<>} : tensor<100x256xf8E5M2>, tensor<256x45xf8E4M3FN>, tensor<100x1xf32>, tensor<1x45xf32> -> tensor<100x45xf32>
  return %c : tensor<100x45xf32>
}

// -----

// TMA needs 16-byte row strides: K = 200 stays on mma.sync, as do a
// dynamic K and a B that is not cast here (no K-major copy to read).
// CHECK-LABEL: func @fallbacks
// CHECK-NOT: wgmma
// CHECK: function(@fp8_scaled_matmul_mma_sync)
// CHECK: function(@fp8_scaled_matmul_mma_sync)
// CHECK: function(@fp8_scaled_matmul_mma_sync)
// CHECK-NOT: wgmma
func.func @fallbacks(%x: tensor<64x200xbf16>, %w: tensor<200x64xbf16>, %xd: tensor<64x?xbf16>, %wd: tensor<?x64xbf16>, %bq: tensor<200x64xf8E4M3FN>, %s: tensor<f32>) -> (tensor<64x64xbf16>, tensor<64x64xbf16>, tensor<64x64xbf16>) {
  %a = fp8.cast %x, %s : tensor<64x200xbf16>, tensor<f32> -> tensor<64x200xf8E4M3FN>
  %b = fp8.cast %w, %s : tensor<200x64xbf16>, tensor<f32> -> tensor<200x64xf8E4M3FN>
  %c = fp8.scaled_matmul %a, %b scales(%s, %s) {gemm = #fp8.gemm<fast_accum = true>} : tensor<64x200xf8E4M3FN>, tensor<200x64xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<64x64xbf16>
  %ad = fp8.cast %xd, %s : tensor<64x?xbf16>, tensor<f32> -> tensor<64x?xf8E4M3FN>
  %bd = fp8.cast %wd, %s : tensor<?x64xbf16>, tensor<f32> -> tensor<?x64xf8E4M3FN>
  %d = fp8.scaled_matmul %ad, %bd scales(%s, %s) {gemm = #fp8.gemm<fast_accum = true>} : tensor<64x?xf8E4M3FN>, tensor<?x64xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<64x64xbf16>
  %e = fp8.scaled_matmul %a, %bq scales(%s, %s) {gemm = #fp8.gemm<fast_accum = true>} : tensor<64x200xf8E4M3FN>, tensor<200x64xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<64x64xbf16>
  return %c, %d, %e : tensor<64x64xbf16>, tensor<64x64xbf16>, tensor<64x64xbf16>
}
