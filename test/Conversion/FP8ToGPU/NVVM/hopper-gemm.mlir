// sm_90a: fp8.scaled_matmul becomes the persistent, warp-specialized TMA +
// wgmma kernel; sm_89 (no wgmma) keeps the mma.sync kernel.
// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=sm_90a" | FileCheck %s
// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=sm_89" | FileCheck %s --check-prefix=SM89
// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=sm_90a gemm-schedule=pingpong" | FileCheck %s --check-prefix=PINGPONG
// The tile heuristic's inputs: the multiprocessor count and the schedule.
// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=sm_90a sm-count=4" | FileCheck %s --check-prefix=SMS4
// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=sm_90a sm-count=4 gemm-schedule=pingpong" | FileCheck %s --check-prefix=PING

// 4096^3 with fast accumulation: 128 x 256 tiles (32 x 16 = 512 tiles, more
// than the 132 multiprocessors), 4 stages of 48 KB and 32 KB of staging
// boxes for the TMA-store epilogue.
// CHECK-LABEL: func @tensorwise_fast
// CHECK: %[[BT:.+]] = memref.alloc() : memref<4096x4096xf8E4M3FN>
// CHECK: gpu.launch {{.+}} module(@fp8_kernels) function(@fp8_cast_transposed)
// The tensorwise scale is loaded once for both 32-row passes of the tile.
// CHECK:   memref.load %{{.+}}[] : memref<f32>
// CHECK-NOT: memref.load %{{.+}}[] : memref<f32>
// CHECK:   gpu.barrier
// CHECK: %[[PA:.+]] = memref.extract_aligned_pointer_as_index %{{.+}} : memref<4096x4096xf8E4M3FN> -> index
// CHECK: %[[MAPA:.+]] = call @fp8TensorMap2D(%[[PA]], %c4096{{.*}}, %c4096{{.*}}, %c128{{.*}}, %c128{{.*}}, %c1{{(_[0-9]+)?}}) : (index, index, index, index, index, index) -> i64
// CHECK: %[[PB:.+]] = memref.extract_aligned_pointer_as_index %[[BT]]
// CHECK: %[[MAPB:.+]] = call @fp8TensorMap2D(%[[PB]], %c4096{{.*}}, %c4096{{.*}}, %c256{{.*}}, %c128{{.*}}, %c1{{(_[0-9]+)?}})
// C: 64-row boxes of 64 bf16 columns (128 bytes), 2-byte elements.
// CHECK: %[[PC:.+]] = memref.extract_aligned_pointer_as_index %{{.+}} : memref<4096x4096xbf16> -> index
// CHECK: %[[MAPC:.+]] = call @fp8TensorMap2D(%[[PC]], %c4096{{.*}}, %c4096{{.*}}, %c64{{.*}}, %c64{{.*}}, %c2{{(_[0-9]+)?}})
// CHECK: %[[SMS:.+]] = call @fp8MultiprocessorCount() : () -> index
// CHECK: %[[GRID0:.+]] = arith.minui %{{.+}}, %[[SMS]]
// CHECK: %[[GRID:.+]] = arith.maxui %[[GRID0]]
// CHECK: %[[SMEM:.+]] = arith.constant 231504 : i32
// CHECK: gpu.launch blocks({{.+}}) in (%{{.+}} = %[[GRID]], {{.+}}) threads({{.+}}) in (%{{.+}} = %c384{{.*}}, {{.+}}) dynamic_shared_memory_size %[[SMEM]] module(@fp8_kernels) function(@fp8_scaled_matmul_wgmma)
// CHECK: gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// Thread 0 initializes the 4 stages' full barriers (one arrival, the
// producer's, plus the TMA bytes) and empty barriers (one arrival from each
// consumer warpgroup), then the two pingpong order barriers.
// CHECK: nvvm.mbarrier.init %{{.+}}, %c1_i32{{[_0-9]*}} : !llvm.ptr<3>, i32
// CHECK: nvvm.mbarrier.init %{{.+}}, %c2_i32{{[_0-9]*}} : !llvm.ptr<3>, i32
// CHECK: nvvm.mbarrier.init %{{.+}}, %c1_i32{{[_0-9]*}} : !llvm.ptr<3>, i32
// CHECK: nvvm.mbarrier.init %{{.+}}, %c2_i32{{[_0-9]*}} : !llvm.ptr<3>, i32
// CHECK: nvvm.mbarrier.init %{{.+}}, %c1_i32{{[_0-9]*}} : !llvm.ptr<3>, i32
// CHECK: nvvm.mbarrier.init %{{.+}}, %c2_i32{{[_0-9]*}} : !llvm.ptr<3>, i32
// CHECK: nvvm.mbarrier.init %{{.+}}, %c1_i32{{[_0-9]*}} : !llvm.ptr<3>, i32
// CHECK: nvvm.mbarrier.init %{{.+}}, %c2_i32{{[_0-9]*}} : !llvm.ptr<3>, i32
// CHECK-COUNT-2: nvvm.mbarrier.init %{{.+}}, %c1_i32{{[_0-9]*}} : !llvm.ptr<3>, i32
// CHECK-NOT: nvvm.mbarrier.init
// CHECK: nvvm.fence.mbarrier.init
// CHECK-NEXT: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK: gpu.barrier
// Producer warpgroup: one thread waits for a free stage and issues two TMA
// loads (A box 128 x 128, B box 256 x 128) completing on the stage's barrier.
// CHECK: nvvm.setmaxregister decrease 40
// CHECK: nvvm.mbarrier.try_wait.parity %{{.+}}, %{{.+}}, %c10000000_i32 : !llvm.ptr<3>, i32, i32
// CHECK: nvvm.mbarrier.arrive.expect_tx %[[FULL:.+]], %c49152_i32 : !llvm.ptr<3>, i32
// CHECK: %[[DSTA:.+]] = llvm.addrspacecast %{{.+}} : !llvm.ptr<3> to !llvm.ptr<7>
// CHECK: %[[PTRA:.+]] = llvm.inttoptr %[[MAPA]] : i64 to !llvm.ptr
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global %[[DSTA]], %[[PTRA]], %{{.+}}, box[%[[K:.+]], %{{.+}}] : !llvm.ptr<7>, !llvm.ptr
// CHECK: %[[PTRB:.+]] = llvm.inttoptr %[[MAPB]] : i64 to !llvm.ptr
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.+}}, %[[PTRB]], %{{.+}}, box[%[[K]], %{{.+}}] : !llvm.ptr<7>, !llvm.ptr
// Consumer warpgroups: wait for a full stage, 4 x wgmma k32 over the 128
// bytes of K; with fast accumulation one block stays in flight and the
// previous block's stage is released; after the loop, the last one.
// CHECK: nvvm.setmaxregister increase 232
// CHECK: nvvm.mbarrier.try_wait.parity %{{.+}}, %{{.+}}, %c10000000_i32 : !llvm.ptr<3>, i32, i32
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-COUNT-4: nvvm.wgmma.mma_async %{{.+}}, %{{.+}}, %{{.+}}, <m = 64, n = 256, k = 32>, D[<f32>, <one>], A[<e4m3>, <one>, <row>], B[<e4m3>, <one>, <col>] : !llvm.struct<(f32, {{(f32, ){126}[f]}}32)> -> !llvm.struct
// CHECK-NOT: nvvm.wgmma.mma_async
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK: nvvm.wgmma.wait.group.sync.aligned 1
// CHECK: llvm.inline_asm has_side_effects "", "=f,
// CHECK: nvvm.mbarrier.arrive %{{.+}} : !llvm.ptr<3>
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: nvvm.mbarrier.arrive %{{.+}} : !llvm.ptr<3>
// Epilogue: 1/sa, 1/sb (tensorwise: once); per 64-column box: the leader
// waits until the TMA has read the buffer's previous box, the warpgroup
// writes its 16 bf16 pairs a thread into the swizzled box (chunk ^ row % 8),
// fences for the async proxy, and the leader stores the box; 4 boxes, and
// the last stores are waited for before the CTA exits. No global stores
// from registers.
// CHECK: arith.divf
// CHECK: arith.divf
// CHECK-NOT: vector.store
// CHECK: nvvm.cp.async.bulk.wait_group 1 {read}
// CHECK: nvvm.barrier id = %{{.+}} number_of_threads = %c128_i32
// CHECK-COUNT-16: llvm.store %{{.+}}, %{{.+}} {alignment = 4 : i64} : i32, !llvm.ptr<3>
// CHECK-NOT: llvm.store
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK: nvvm.barrier id = %{{.+}} number_of_threads = %c128_i32
// CHECK: %[[PTRC:.+]] = llvm.inttoptr %[[MAPC]] : i64 to !llvm.ptr
// CHECK: nvvm.cp.async.bulk.tensor.global.shared.cta %[[PTRC]], %{{.+}}, box[%{{.+}}, %{{.+}}] : !llvm.ptr, <3>
// CHECK-NEXT: nvvm.cp.async.bulk.commit.group
// CHECK-COUNT-3: nvvm.cp.async.bulk.tensor.global.shared.cta
// CHECK-NOT: llvm.store
// CHECK: nvvm.cp.async.bulk.wait_group 0{{$}}
// CHECK-NOT: vector.store
// CHECK: gpu.terminator
// CHECK: func.func private @fp8TensorMap2D(index, index, index, index, index, index) -> i64
// CHECK: func.func private @fp8MultiprocessorCount() -> index
// With gemm-schedule=pingpong each consumer warpgroup computes whole
// 128 x 128 tiles in turn: every barrier expects one arrival (6 stages of
// 32 KB, 2 order barriers); around its main loop, which issues both 64-row
// halves' wgmmas (8 a K block), a warpgroup waits for the other's turn to
// end and then signals the end of its own.
// PINGPONG-LABEL: func @tensorwise_fast
// PINGPONG: call @fp8TensorMap2D(%{{.+}}, %c4096{{.*}}, %c4096{{.*}}, %c128{{.*}}, %c128{{.*}}, %c1{{(_[0-9]+)?}})
// PINGPONG: arith.constant 231536 : i32
// PINGPONG-COUNT-14: nvvm.mbarrier.init %{{.+}}, %c1_i32{{[_0-9]*}} : !llvm.ptr<3>, i32
// PINGPONG-NOT: nvvm.mbarrier.init
// PINGPONG: nvvm.mbarrier.arrive.expect_tx %{{.+}}, %c32768_i32{{[_0-9]*}} : !llvm.ptr<3>, i32
// PINGPONG: nvvm.setmaxregister increase 232
// PINGPONG: scf.if
// PINGPONG: nvvm.mbarrier.try_wait.parity
// PINGPONG-NEXT: }
// PINGPONG: %{{.+}}:129 = scf.for
// PINGPONG: nvvm.wgmma.fence.aligned
// PINGPONG-COUNT-8: nvvm.wgmma.mma_async %{{.+}}, %{{.+}}, %{{.+}}, <m = 64, n = 128, k = 32>, D[<f32>, <one>], A[<e4m3>, <one>, <row>], B[<e4m3>, <one>, <col>] : !llvm.struct<(f32, {{(f32, ){62}[f]}}32)>
// PINGPONG-NOT: nvvm.wgmma.mma_async
// PINGPONG: nvvm.wgmma.commit.group.sync.aligned
// PINGPONG: nvvm.wgmma.wait.group.sync.aligned 1
// PINGPONG: nvvm.mbarrier.arrive
// PINGPONG: scf.yield
// PINGPONG: scf.if
// PINGPONG: nvvm.mbarrier.arrive
// PINGPONG-NEXT: }
// PINGPONG-NEXT: nvvm.wgmma.wait.group.sync.aligned 0
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
// odd N: 128 x 128 tiles, 7 stages; the first wgmma of each K block starts
// from zero and the block is added into f32 registers; the epilogue loads
// 1/sa per row and 1/sb per column and, rows of 45 f32 not being a multiple
// of 16 bytes (no TMA store, no staging boxes), stores element by element.
// CHECK-LABEL: func @promoted
// CHECK: call @fp8TensorMap2D(%{{.+}}, %{{.+}}, %c256{{.*}}, %c128{{.*}}, %c128{{.*}}, %c1{{.*}})
// CHECK: call @fp8TensorMap2D(%{{.+}}, %{{.+}}, %c256{{.*}}, %c128{{.*}}, %c128{{.*}}, %c1{{.*}})
// CHECK-NOT: call @fp8TensorMap2D
// CHECK: arith.constant 231040 : i32
// CHECK: function(@fp8_scaled_matmul_wgmma)
// The first wgmma of a block scales D by zero, the others by one.
// CHECK: nvvm.wgmma.mma_async %{{.+}}, %{{.+}}, %{{.+}}, <m = 64, n = 128, k = 32>, D[<f32>, <zero>], A[<e5m2>, <one>, <row>], B[<e4m3>, <one>, <col>] : !llvm.struct<(f32, {{(f32, ){62}[f]}}32)>
// CHECK-COUNT-3: nvvm.wgmma.mma_async %{{.+}}, %{{.+}}, %{{.+}}, <m = 64, n = 128, k = 32>, D[<f32>, <one>], A[<e5m2>, <one>, <row>], B[<e4m3>, <one>, <col>]
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: nvvm.mbarrier.arrive %{{.+}} : !llvm.ptr<3>
// CHECK-COUNT-64: arith.addf
// CHECK-NOT: nvvm.wgmma.wait.group
// The tile's 128 column reciprocals go through shared memory, 64 from each
// warpgroup, between barriers of the two.
// CHECK: nvvm.barrier id = %c3_i32{{[_0-9]*}} number_of_threads = %c256_i32
// CHECK: scf.if
// CHECK: memref.load %{{.+}} : memref<1x45xf32>
// CHECK: arith.divf
// CHECK: llvm.store %{{.+}}, %{{.+}} {alignment = 4 : i64} : f32, !llvm.ptr<3>
// CHECK: nvvm.barrier id = %c3_i32{{[_0-9]*}} number_of_threads = %c256_i32
// CHECK: memref.load %{{.+}} : memref<100x1xf32>
// CHECK: llvm.load %{{.+}} {alignment = 4 : i64} : !llvm.ptr<3> -> f32
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

// -----

// f32 results with 16-byte rows go out through TMA too: boxes of 64 rows x
// 32 columns (128 bytes), pairs written as 8-byte vectors; M = 100 is not a
// whole tile, which the TMA store clips (no bounds checks in the kernel).
// CHECK-LABEL: func @f32_partial
// CHECK: %[[MAPC:.+]] = call @fp8TensorMap2D(%{{.+}}, %c100{{.*}}, %c64{{.*}}, %c64{{.*}}, %c32{{.*}}, %c4{{(_[0-9]+)?}})
// CHECK: function(@fp8_scaled_matmul_wgmma)
// CHECK-NOT: memref.store
// CHECK-COUNT-8: llvm.store %{{.+}}, %{{.+}} {alignment = 8 : i64} : vector<2xf32>, !llvm.ptr<3>
// CHECK-NOT: llvm.store
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK: %[[PTRC:.+]] = llvm.inttoptr %[[MAPC]] : i64 to !llvm.ptr
// CHECK: nvvm.cp.async.bulk.tensor.global.shared.cta %[[PTRC]], %{{.+}}, box[%{{.+}}, %{{.+}}] : !llvm.ptr, <3>
// CHECK-NEXT: nvvm.cp.async.bulk.commit.group
// CHECK-NOT: memref.store
// CHECK-NOT: vector.store
// CHECK: gpu.terminator
func.func @f32_partial(%x: tensor<100x256xbf16>, %w: tensor<256x64xbf16>, %s: tensor<f32>) -> tensor<100x64xf32> {
  %a = fp8.cast %x, %s : tensor<100x256xbf16>, tensor<f32> -> tensor<100x256xf8E4M3FN>
  %b = fp8.cast %w, %s : tensor<256x64xbf16>, tensor<f32> -> tensor<256x64xf8E4M3FN>
  %c = fp8.scaled_matmul %a, %b scales(%s, %s) {gemm = #fp8.gemm<fast_accum = true>} : tensor<100x256xf8E4M3FN>, tensor<256x64xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<100x64xf32>
  return %c : tensor<100x64xf32>
}

// -----

// The host side of a 256 x 128 x 512 GEMM. With 132 multiprocessors its
// 2 x 2 tiles of 128 x 256 would leave most of them idle: 128 x 128 tiles
// (B's box 128 x 128). Shared memory: 6 stages of (128 + 128) x 128 bytes
// + 16 bytes of barriers, 32 KB of staging boxes, 16 bytes, 128 column
// scales (512 bytes) and 1 KB of alignment slack = 231024 bytes. The grid
// is min(tiles, the device's multiprocessors), at least 1. The three
// tensor maps: A (M x K, box 128 x 128, 1-byte elements), B as cast
// K-major (N x K), C (M x N bf16, boxes of 64 x 64).
// CHECK-LABEL: func @tile_shape
// CHECK: %[[BT:.+]] = memref.alloc() : memref<512x128xf8E4M3FN>
// CHECK: function(@fp8_cast_transposed)
// CHECK: %[[PA:.+]] = memref.extract_aligned_pointer_as_index %{{.+}} : memref<256x128xf8E4M3FN> -> index
// CHECK: %[[MAPA:.+]] = call @fp8TensorMap2D(%[[PA]], %c256{{.*}}, %c128{{.*}}, %c128{{.*}}, %c128{{.*}}, %c1{{(_[0-9]+)?}}) : (index, index, index, index, index, index) -> i64
// CHECK: %[[PB:.+]] = memref.extract_aligned_pointer_as_index %[[BT]]
// CHECK: %[[MAPB:.+]] = call @fp8TensorMap2D(%[[PB]], %c512{{.*}}, %c128{{.*}}, %c128{{.*}}, %c128{{.*}}, %c1{{(_[0-9]+)?}})
// CHECK: %[[PC:.+]] = memref.extract_aligned_pointer_as_index %[[C:.+]] : memref<256x512xbf16> -> index
// CHECK: %[[MAPC:.+]] = call @fp8TensorMap2D(%[[PC]], %c256{{.*}}, %c512{{.*}}, %c64{{.*}}, %c64{{.*}}, %c2{{(_[0-9]+)?}})
// CHECK: %[[TM:.+]] = arith.ceildivui %c256{{.*}}, %c128{{.*}} : index
// CHECK: %[[TN:.+]] = arith.ceildivui %c512{{.*}}, %c128{{.*}} : index
// CHECK: %[[TILES:.+]] = arith.muli %[[TM]], %[[TN]] : index
// CHECK: %[[SMS:.+]] = call @fp8MultiprocessorCount() : () -> index
// CHECK: %[[G:.+]] = arith.minui %[[TILES]], %[[SMS]] : index
// CHECK: %[[GRID:.+]] = arith.maxui %[[G]], %c1{{.*}} : index
// CHECK: %[[SMEM:.+]] = arith.constant 231024 : i32
// CHECK: gpu.launch blocks({{.+}}) in (%{{[a-z0-9_]+}} = %[[GRID]], %{{[a-z0-9_]+}} = %c1{{[_0-9]*}}, %{{[a-z0-9_]+}} = %c1{{[_0-9]*}}) threads({{.+}}) in (%{{[a-z0-9_]+}} = %c384{{[_0-9]*}}, %{{[a-z0-9_]+}} = %c1{{[_0-9]*}}, %{{[a-z0-9_]+}} = %c1{{[_0-9]*}}) dynamic_shared_memory_size %[[SMEM]] module(@fp8_kernels) function(@fp8_scaled_matmul_wgmma)
// CHECK: bufferization.to_tensor %[[C]]
// Planned for 4 multiprocessors, the 2 x 2 tiles of 128 x 256 fill them:
// B's box is 256 x 128, 4 stages of (128 + 256) x 128 bytes, 256 column
// scales: 231504 bytes.
// SMS4-LABEL: func @tile_shape
// SMS4: call @fp8TensorMap2D(%{{.+}}, %c256{{.*}}, %c128{{.*}}, %c128{{.*}}, %c128{{.*}}, %c1{{(_[0-9]+)?}})
// SMS4: call @fp8TensorMap2D(%{{.+}}, %c512{{.*}}, %c128{{.*}}, %c256{{.*}}, %c128{{.*}}, %c1{{(_[0-9]+)?}})
// SMS4: arith.ceildivui %c512{{.*}}, %c256{{.*}} : index
// SMS4: %[[SMEM:.+]] = arith.constant 231504 : i32
// SMS4: dynamic_shared_memory_size %[[SMEM]] module(@fp8_kernels) function(@fp8_scaled_matmul_wgmma)
// Pingpong: 128 x 128 tiles whatever the count, each warpgroup its own
// tile, so two tiles' column scales (1 KB): 6 stages, 231536 bytes.
// PING-LABEL: func @tile_shape
// PING: call @fp8TensorMap2D(%{{.+}}, %c512{{.*}}, %c128{{.*}}, %c128{{.*}}, %c128{{.*}}, %c1{{(_[0-9]+)?}})
// PING: arith.ceildivui %c512{{.*}}, %c128{{.*}} : index
// PING: %[[SMEM:.+]] = arith.constant 231536 : i32
// PING: threads({{.+}}) in (%{{[a-z0-9_]+}} = %c384{{.*}} dynamic_shared_memory_size %[[SMEM]] module(@fp8_kernels) function(@fp8_scaled_matmul_wgmma)
func.func @tile_shape(%x: tensor<256x128xbf16>, %w: tensor<128x512xbf16>, %s: tensor<f32>) -> tensor<256x512xbf16> {
  %a = fp8.cast %x, %s : tensor<256x128xbf16>, tensor<f32> -> tensor<256x128xf8E4M3FN>
  %b = fp8.cast %w, %s : tensor<128x512xbf16>, tensor<f32> -> tensor<128x512xf8E4M3FN>
  %c = fp8.scaled_matmul %a, %b scales(%s, %s) {gemm = #fp8.gemm<fast_accum = true>} : tensor<256x128xf8E4M3FN>, tensor<128x512xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<256x512xbf16>
  return %c : tensor<256x512xbf16>
}

// -----

// The epilogue's scale math (rowwise A, columnwise B, bf16 C through TMA):
// each of the 128 x 128 tile's columns gets 1/sb once (B's scale buffer),
// each thread 1/sa for its two rows r and r + 8 (clamped into M); then
// every one of its 64 accumulators is multiplied by its row's and its
// column's reciprocal and rounded to bf16.
// CHECK-LABEL: func @rowwise_epilogue
// CHECK: function(@fp8_cast_transposed)
// CHECK: %[[SA:.+]] = bufferization.to_buffer %{{.+}} read_only : tensor<128x1xf32> to memref<128x1xf32>
// CHECK: %[[SB:.+]] = bufferization.to_buffer %{{.+}} read_only : tensor<1x128xf32> to memref<1x128xf32>
// CHECK: function(@fp8_scaled_matmul_wgmma)
// CHECK:   %[[SBV:.+]] = memref.load %[[SB]][%c0{{.*}}, %{{.+}}] : memref<1x128xf32>
// CHECK:   arith.divf %{{.+}}, %[[SBV]] : f32
// CHECK:   %[[IN0:.+]] = arith.cmpi ult, %[[ROW:.+]], %c128{{.*}} : index
// CHECK:   %[[R0:.+]] = arith.select %[[IN0]], %[[ROW]], %c0{{.*}} : index
// CHECK:   %[[SA0:.+]] = memref.load %[[SA]][%[[R0]], %c0{{.*}}] : memref<128x1xf32>
// CHECK:   %[[INV0:.+]] = arith.divf %{{.+}}, %[[SA0]] : f32
// CHECK:   %[[ROW8:.+]] = arith.addi %[[ROW]], %c8{{.*}} : index
// CHECK:   %[[IN8:.+]] = arith.cmpi ult, %[[ROW8]], %c128{{.*}} : index
// CHECK:   %[[R8:.+]] = arith.select %[[IN8]], %[[ROW8]], %c0{{.*}} : index
// CHECK:   %[[SA8:.+]] = memref.load %[[SA]][%[[R8]], %c0{{.*}}] : memref<128x1xf32>
// CHECK:   %[[INV8:.+]] = arith.divf %{{.+}}, %[[SA8]] : f32
// CHECK-NOT: memref.load %[[SA]]
// CHECK:   %[[X:.+]] = arith.mulf %{{.+}}, %[[INV0]] : f32
// CHECK:   %[[Y:.+]] = arith.mulf %[[X]], %{{.+}} : f32
// CHECK:   arith.truncf %[[Y]] : f32 to bf16
// CHECK:   arith.mulf %{{.+}}, %[[INV0]] : f32
// CHECK:   arith.truncf %{{.+}} : f32 to bf16
// CHECK:   arith.mulf %{{.+}}, %[[INV8]] : f32
// CHECK-COUNT-62: arith.truncf %{{.+}} : f32 to bf16
// CHECK-NOT: arith.truncf
// CHECK:   gpu.terminator
func.func @rowwise_epilogue(%x: tensor<128x128xbf16>, %w: tensor<128x128xbf16>, %sx: tensor<128x1xf32>, %sw: tensor<1x128xf32>) -> tensor<128x128xbf16> {
  %a = fp8.cast %x, %sx : tensor<128x128xbf16>, tensor<128x1xf32> -> tensor<128x128xf8E4M3FN>
  %b = fp8.cast %w, %sw : tensor<128x128xbf16>, tensor<1x128xf32> -> tensor<128x128xf8E4M3FN>
  %c = fp8.scaled_matmul %a, %b scales(%sx, %sw) {gemm = #fp8.gemm<fast_accum = true>} : tensor<128x128xf8E4M3FN>, tensor<128x128xf8E4M3FN>, tensor<128x1xf32>, tensor<1x128xf32> -> tensor<128x128xbf16>
  return %c : tensor<128x128xbf16>
}

// -----

// A dynamic M: A's and C's tensor maps take their rows from A's size, the
// tile count along M is computed at run time, and the tiles stay 128 x 128
// (the heuristic needs static sizes); C's rows are still 16-byte multiples,
// so it is stored through TMA.
// CHECK-LABEL: func @dynamic_m
// CHECK: function(@fp8_cast)
// CHECK: %[[A:.+]] = bufferization.to_buffer %{{.+}} read_only : tensor<?x128xf8E4M3FN> to memref<?x128xf8E4M3FN>
// CHECK: %[[BT:.+]] = memref.alloc() : memref<64x128xf8E4M3FN>
// CHECK: function(@fp8_cast_transposed)
// CHECK: %[[M:.+]] = memref.dim %[[A]], %c0{{.*}} : memref<?x128xf8E4M3FN>
// CHECK: %[[C:.+]] = memref.alloc(%[[M]]) : memref<?x64xbf16>
// CHECK: %[[PA:.+]] = memref.extract_aligned_pointer_as_index %[[A]]
// CHECK: call @fp8TensorMap2D(%[[PA]], %[[M]], %c128{{.*}}, %c128{{.*}}, %c128{{.*}}, %c1{{(_[0-9]+)?}})
// CHECK: %[[PB:.+]] = memref.extract_aligned_pointer_as_index %[[BT]]
// CHECK: call @fp8TensorMap2D(%[[PB]], %c64{{.*}}, %c128{{.*}}, %c128{{.*}}, %c128{{.*}}, %c1{{(_[0-9]+)?}})
// CHECK: %[[PC:.+]] = memref.extract_aligned_pointer_as_index %[[C]]
// CHECK: call @fp8TensorMap2D(%[[PC]], %[[M]], %c64{{.*}}, %c64{{.*}}, %c64{{.*}}, %c2{{(_[0-9]+)?}})
// CHECK: arith.ceildivui %[[M]], %c128{{.*}} : index
// CHECK: arith.ceildivui %c64{{.*}}, %c128{{.*}} : index
// CHECK: %[[SMEM:.+]] = arith.constant 231024 : i32
// CHECK: dynamic_shared_memory_size %[[SMEM]] module(@fp8_kernels) function(@fp8_scaled_matmul_wgmma)
// CHECK: bufferization.to_tensor %[[C]]
func.func @dynamic_m(%x: tensor<?x128xbf16>, %w: tensor<128x64xbf16>, %s: tensor<f32>) -> tensor<?x64xbf16> {
  %a = fp8.cast %x, %s : tensor<?x128xbf16>, tensor<f32> -> tensor<?x128xf8E4M3FN>
  %b = fp8.cast %w, %s : tensor<128x64xbf16>, tensor<f32> -> tensor<128x64xf8E4M3FN>
  %c = fp8.scaled_matmul %a, %b scales(%s, %s) {gemm = #fp8.gemm<fast_accum = true>} : tensor<?x128xf8E4M3FN>, tensor<128x64xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<?x64xbf16>
  return %c : tensor<?x64xbf16>
}
