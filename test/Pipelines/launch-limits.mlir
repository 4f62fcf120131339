// Launches stay within CUDA's and HIP's limits whatever the shapes:
// gridDim.y and gridDim.z at most 65,535 (x: 2^31 - 1). Sizes beyond that
// are walked inside the kernels in steps of the grid size.
// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=sm_89" --canonicalize | FileCheck %s --check-prefixes=GEMM,MMA
// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=sm_90a" --canonicalize | FileCheck %s --check-prefixes=GEMM,MMA
// RUN: fp8-opt %s -split-input-file --fp8-lower-to-gpu="chip=gfx950" --canonicalize | FileCheck %s --check-prefixes=GEMM,MFMA
// RUN: fp8-opt %s -split-input-file --fp8-nvvm-pipeline="chip=sm_90a" | FileCheck %s --check-prefix=NVVM
// RUN: fp8-opt %s -split-input-file --fp8-rocdl-pipeline="chip=gfx950" | FileCheck %s --check-prefix=ROCDL

// M = 1,100,000: 68,750 row tiles of 16 (34,375 of 32 on MFMA) on at most
// 65,535 workgroups along y, each taking row tiles y, y + 65,535, ...
// GEMM-LABEL: func @tall
// MMA: gpu.launch blocks(%{{.+}}, %[[BY:[a-z0-9_]+]], %{{.+}}) in (%{{.+}} = %c2, %{{.+}} = %c65535, %{{.+}} = %c1)
// MMA-SAME: function(@fp8_scaled_matmul_mma_sync)
// MMA: scf.for %{{.+}} = %[[BY]] to %c68750 step %c65535 {
// MFMA: gpu.launch blocks(%{{.+}}, %[[BY:[a-z0-9_]+]], %{{.+}}) in (%{{.+}} = %c1, %{{.+}} = %c34375, %{{.+}} = %c1)
// MFMA-SAME: function(@fp8_scaled_matmul_mfma)
func.func @tall(%a: tensor<1100000x32xf8E4M3FN>, %b: tensor<32x16xf8E4M3FN>, %s: tensor<f32>) -> tensor<1100000x16xbf16> {
  %c = fp8.scaled_matmul %a, %b scales(%s, %s) : tensor<1100000x32xf8E4M3FN>, tensor<32x16xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<1100000x16xbf16>
  return %c : tensor<1100000x16xbf16>
}

// -----

// 70,000 batches on at most 65,535 workgroups along z.
// GEMM-LABEL: func @many
// GEMM: gpu.launch blocks(%{{.+}}, %{{.+}}, %[[BZ:[a-z0-9_]+]]) in (%{{.+}} = %{{.+}}, %{{.+}} = %c1, %{{.+}} = %c65535)
// GEMM: scf.for %{{.+}} = %[[BZ]] to %c70000 step %c65535 {
func.func @many(%a: tensor<70000x16x32xf8E4M3FN>, %b: tensor<70000x32x16xf8E4M3FN>, %s: tensor<f32>) -> tensor<70000x16x16xbf16> {
  %c = fp8.scaled_matmul %a, %b scales(%s, %s) : tensor<70000x16x32xf8E4M3FN>, tensor<70000x32x16xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<70000x16x16xbf16>
  return %c : tensor<70000x16x16xbf16>
}

// -----

// An elementwise op on (B, S, H) = 2 x 16 x 131,072 logits: one kernel of
// 16,384 full workgroups of 256 threads along x.
// GEMM-LABEL: func @logits
// NVVM-LABEL: llvm.func @logits
// NVVM-DAG: %[[ONE:.+]] = llvm.mlir.constant(1 : index) : i64
// NVVM-DAG: %[[T:.+]] = llvm.mlir.constant(256 : index) : i64
// NVVM-DAG: %[[X:.+]] = llvm.mlir.constant(16384 : index) : i64
// NVVM: gpu.launch_func <%{{.+}} : !llvm.ptr> @fp8_kernels::@logits_kernel_{{[0-9a-f]+}} blocks in (%[[X]], %[[ONE]], %[[ONE]]) threads in (%[[T]], %[[ONE]], %[[ONE]])
func.func @logits(%a: tensor<2x16x131072xf32>) -> tensor<2x16x131072xf32> {
  %e = tensor.empty() : tensor<2x16x131072xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(b, s, h) -> (b, s, h)>, affine_map<(b, s, h) -> (b, s, h)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%a : tensor<2x16x131072xf32>) outs(%e : tensor<2x16x131072xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.mulf %x, %x : f32
    linalg.yield %y : f32
  } -> tensor<2x16x131072xf32>
  return %r : tensor<2x16x131072xf32>
}

// -----

// Dynamic batch and M: the per-row amaxes of a batched rowwise GEMM (and a
// bare axiswise amax) are reshaped from their flat buffer with
// tensor.reshape, as upstream's expand-strided-metadata cannot expand one
// dimension into two dynamic ones (it crashed on the expand_shape used
// before); a cast fused with its own amax compiles too. Both
// pipelines compile it.
// GEMM-LABEL: func @dynamic_batch
// GEMM: tensor.reshape %{{.+}}(%{{.+}}) : (tensor<?xf32>, tensor<3xindex>) -> tensor<?x?x1xf32>
// NVVM-LABEL: llvm.func @dynamic_batch
// NVVM: gpu.binary @fp8_kernels
// ROCDL-LABEL: llvm.func @dynamic_batch
// ROCDL: gpu.binary @fp8_kernels
func.func @dynamic_batch(%a: tensor<?x?x32xbf16>) -> (tensor<?x?x1xf32>, tensor<?x?x32xf8E4M3FN>) {
  %r = fp8.amax %a axiswise(2) : tensor<?x?x32xbf16> -> tensor<?x?x1xf32>
  %a2 = fp8.amax %a axiswise(2) : tensor<?x?x32xbf16> -> tensor<?x?x1xf32>
  %s = fp8.amax_to_scale %a2 : tensor<?x?x1xf32> for f8E4M3FN
  %q = fp8.cast %a, %s : tensor<?x?x32xbf16>, tensor<?x?x1xf32> -> tensor<?x?x32xf8E4M3FN>
  return %r, %q : tensor<?x?x1xf32>, tensor<?x?x32xf8E4M3FN>
}
