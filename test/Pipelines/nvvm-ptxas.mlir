// ptxas's view of the sm_90a kernels (scripts/ptx-info.py assembles each
// kernel with ptxas -v): the wgmma kernels fit their registers without
// spilling, 128 x 256 tiles (fast accumulation: 128 accumulators a thread),
// 128 x 192 tiles with the f32 promotion registers (96 + 96) and 128 x 128
// ones; their epilogues store C with TMA (4, 3 or 2 boxes of 64 bf16
// columns per warpgroup). Four wgmma instructions per 128-deep K block, or
// eight where LLVM unrolls a main loop whose trip count is static (the
// kernels are specialized for the static sizes).
// REQUIRES: ptxas
// RUN: fp8-opt %s --fp8-nvvm-pipeline="chip=sm_90a format=isa" > %t.mlir
// RUN: %python %fp8_src_root/scripts/ptx-info.py %t.mlir --ptxas /usr/local/cuda/bin/ptxas | FileCheck %s
//
// CHECK-DAG: fp8_kernels fp8_scaled_matmul_wgmma_{{[0-9a-f]+}}: registers={{[0-9]+}} spill_stores=0 spill_loads=0 stack=0 wgmma={{4|8}} tma_load={{[0-9]+}} tma_store=4 mbarrier={{[0-9]+}} warnings=0
// CHECK-DAG: fp8_kernels fp8_scaled_matmul_wgmma_{{[0-9a-f]+}}: registers={{[0-9]+}} spill_stores=0 spill_loads=0 stack=0 wgmma={{4|8}} tma_load={{[0-9]+}} tma_store=3 mbarrier={{[0-9]+}} warnings=0
// CHECK-DAG: fp8_kernels fp8_scaled_matmul_wgmma_{{[0-9a-f]+}}: registers={{[0-9]+}} spill_stores=0 spill_loads=0 stack=0 wgmma={{4|8}} tma_load={{[0-9]+}} tma_store=2 mbarrier={{[0-9]+}} warnings=0
// CHECK-DAG: fp8_kernels fp8_cast_axiswise_{{[0-9a-f]+}}: registers={{[0-9]+}} spill_stores=0 spill_loads=0 stack=0 wgmma=0 tma_load=0 tma_store=0 mbarrier=0 warnings=0
// The tile shapes, from the PTX.
// RUN: %python %fp8_src_root/scripts/ptx-info.py %t.mlir --ptxas /usr/local/cuda/bin/ptxas --dump %t.ptx
// RUN: FileCheck %s --check-prefix=TILES < %t.ptx/fp8_kernels.ptx
// TILES: .entry fp8_scaled_matmul_wgmma_{{[0-9a-f]+}}(
// TILES: wgmma.mma_async.sync.aligned.m64n256k32.f32.e4m3.e4m3
// TILES: cp.async.bulk.wait_group.read{{[[:space:]]+}}1;
// TILES: st.shared.b32
// TILES: fence.proxy.async.shared::cta;
// TILES: cp.async.bulk.tensor.2d.global.shared::cta.tile.bulk_group
// TILES: cp.async.bulk.commit_group;
// TILES: cp.async.bulk.wait_group{{[[:space:]]+}}0;
// TILES: .entry fp8_scaled_matmul_wgmma_{{[0-9a-f]+}}(
// TILES: wgmma.mma_async.sync.aligned.m64n192k32.f32.e5m2.e4m3
// TILES: .entry fp8_cast_axiswise_{{[0-9a-f]+}}(
// TILES: shfl.sync.bfly
// TILES: cvt.rn.satfinite.e4m3x2.f32
// B's transposing cast: a thread loads a 4 x 4 block (four 8-byte loads of
// bf16 rows), writes 4 codes along K per 32-bit shared store (no byte
// stores), and after the barrier reads 16 codes of an output row as four
// words for one 16-byte global store.
// RUN: FileCheck %s --check-prefix=TRANSPOSE < %t.ptx/fp8_kernels.ptx
// TRANSPOSE-LABEL: .entry fp8_cast_transposed_{{[0-9a-f]+}}(
// TRANSPOSE-COUNT-4: ld.global.v4.b16
// TRANSPOSE-NOT: st.shared.b8
// TRANSPOSE-COUNT-4: st.shared.v2.b16
// TRANSPOSE: bar.sync 0;
// TRANSPOSE-COUNT-4: ld.shared.b32
// TRANSPOSE: st.global.v4.b32
// TRANSPOSE: ret;
func.func @layer(%x: tensor<4096x4096xbf16>, %w: tensor<4096x4096xbf16>, %go: tensor<4096x4096xbf16>, %wt: tensor<4096x4096xbf16>, %r: tensor<256x512xbf16>, %rw: tensor<512x256xbf16>)
    -> (tensor<4096x4096xbf16>, tensor<4096x4096xbf16>, tensor<256x256xbf16>) {
  %e = tensor.empty() : tensor<4096x4096xbf16>
  %y = linalg.matmul {fp8.role = "output"} ins(%x, %w : tensor<4096x4096xbf16>, tensor<4096x4096xbf16>) outs(%e : tensor<4096x4096xbf16>) -> tensor<4096x4096xbf16>
  %gi = linalg.matmul {fp8.role = "grad_input"} ins(%go, %wt : tensor<4096x4096xbf16>, tensor<4096x4096xbf16>) outs(%e : tensor<4096x4096xbf16>) -> tensor<4096x4096xbf16>
  %e2 = tensor.empty() : tensor<256x256xbf16>
  %ro = linalg.matmul {fp8.role = "output", fp8.config = #fp8.linear<recipe = rowwise>} ins(%r, %rw : tensor<256x512xbf16>, tensor<512x256xbf16>) outs(%e2 : tensor<256x256xbf16>) -> tensor<256x256xbf16>
  return %y, %gi, %ro : tensor<4096x4096xbf16>, tensor<4096x4096xbf16>, tensor<256x256xbf16>
}
