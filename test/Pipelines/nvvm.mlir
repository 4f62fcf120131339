// The linear layer of rocdl.mlir for NVIDIA GPUs: PTX from
// --fp8-nvvm-pipeline for sm_89 (Ada) and sm_90a (Hopper).
// RUN: fp8-opt %S/rocdl.mlir --fp8-nvvm-pipeline="chip=sm_90a" | FileCheck %s --check-prefixes=CHECK-PTX,CHECK-HOPPER
// RUN: fp8-opt %S/rocdl.mlir --fp8-nvvm-pipeline="chip=sm_89" | FileCheck %s --check-prefixes=CHECK-PTX,CHECK-ADA
// RUN: fp8-opt %S/rocdl.mlir --fp8-nvvm-pipeline="chip=sm_90a recipe=rowwise" | FileCheck %s --check-prefix=CHECK-ROW
//
// On sm_89 the GEMMs use mma.sync through inline PTX; with fast_accum =
// false (the grad_input gemm) each k step starts from zero and is added to
// the f32 accumulators in software, with fast_accum (output) the tensor
// core accumulates. (sm_90a: test/Conversion/FP8ToGPU/NVVM/hopper-gemm.mlir.)
// RUN: fp8-opt %S/rocdl.mlir --fp8-rewrite-matmul="chip=sm_89" --fp8-lower-to-gpu="chip=sm_89" | FileCheck %s --check-prefix=CHECK-IR
//
// The PTX has warp-shuffle amax, unsigned atomic max, saturating
// conversions and fp8 matrix instructions: wgmma fed by TMA on sm_90a,
// mma.sync on sm_89. fp8's kernels share one binary (@fp8_kernels), so the
// patterns below match within one line: `\09` is the escaped tab.
// CHECK-PTX: .target sm_
// CHECK-PTX-DAG: shfl.sync.bfly.b32
// CHECK-PTX-DAG: atom.global.max.u32
// Casts convert two values per instruction (two registers, no constant);
// B's transposing cast goes through shared memory (4 codes along K per
// 32-bit store, 68-byte rows read as 32-bit words) and stores 16 bytes at
// a time (8 values per thread and 8-byte stores: checked below on a 16x64
// cast; the transposing kernel's instructions in nvvm-ptxas.mlir).
// CHECK-PTX-DAG: cvt.rn.satfinite.e4m3x2.f32 \09%rs{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}};
// CHECK-PTX-DAG: cvt.rn.satfinite.e5m2x2.f32 \09%rs{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}};
// CHECK-PTX-DAG: .entry fp8_cast_transposed_{{[0-9a-f]+}}(
// CHECK-PTX-DAG: st.shared.v2.b16
// CHECK-PTX-DAG: ld.shared.b32
// CHECK-PTX-DAG: st.global.v4.b32
// RUN: fp8-opt %s --fp8-nvvm-pipeline="chip=sm_90a" | FileCheck %s --check-prefix=CHECK-WIDE
// CHECK-WIDE: ld.global.v4.b32
// CHECK-WIDE-COUNT-4: cvt.rn.satfinite.e4m3x2.f32
// CHECK-WIDE: st.global.v2.b32
func.func @wide_cast(%x: tensor<16x64xbf16>, %s: tensor<16x1xf32>) -> tensor<16x64xf8E4M3FN> {
  %q = fp8.cast %x, %s : tensor<16x64xbf16>, tensor<16x1xf32> -> tensor<16x64xf8E4M3FN>
  return %q : tensor<16x64xf8E4M3FN>
}
// CHECK-ADA-DAG: mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32
// CHECK-ADA-DAG: mma.sync.aligned.m16n8k32.row.col.f32.e5m2.e4m3.f32
// CHECK-ADA-NOT: wgmma
// CHECK-HOPPER-DAG: .maxntid 384, 1, 1
// CHECK-HOPPER-DAG: cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes
// CHECK-HOPPER-DAG: mbarrier.try_wait.parity.shared.b64
// CHECK-HOPPER-DAG: setmaxnreg.inc.sync.aligned.u32 \09232;
// CHECK-HOPPER-DAG: wgmma.mma_async.sync.aligned.m64n128k32.f32.e4m3.e4m3
// CHECK-HOPPER-DAG: wgmma.mma_async.sync.aligned.m64n128k32.f32.e5m2.e4m3
// CHECK-HOPPER-NOT: mma.sync

// CHECK-ROW-NOT: e5m2
// CHECK-ROW: wgmma.mma_async.sync.aligned.m64n128k32.f32.e4m3.e4m3
// CHECK-ROW-NOT: e5m2

// CHECK-IR-LABEL: func.func @layer
// CHECK-IR: gpu.launch blocks({{.+}}) threads({{.+}}) in (%{{.+}} = %c32
// CHECK-IR: scf.for {{.+}} step %{{.+}} iter_args(%[[A0:.+]] = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}) -> (f32, f32, f32, f32)
// CHECK-IR: llvm.inline_asm "mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32 {{.+}}, %[[A0]], %{{.+}}, %{{.+}}, %{{.+}} : (i32, i32, i32, i32, i32, i32, f32, f32, f32, f32)
// CHECK-IR-NOT: arith.addf %[[A0]]
// CHECK-IR: gpu.launch blocks({{.+}}) threads({{.+}}) in (%{{.+}} = %c32
// CHECK-IR: scf.for {{.+}} step %{{.+}} iter_args(%[[B0:.+]] = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}, %{{.+}} = %{{.+}}) -> (f32, f32, f32, f32)
// CHECK-IR: %[[MMA:.+]] = llvm.inline_asm "mma.sync.aligned.m16n8k32.row.col.f32.e5m2.e4m3.f32
// CHECK-IR: %[[D0:.+]] = llvm.extractvalue %[[MMA]][0]
// CHECK-IR: arith.addf %[[B0]], %[[D0]] : f32
