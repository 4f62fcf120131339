// A whole fp8 linear layer, forward and backward, in PyTorch's layouts
// (x: M x K, weight: N x K, grad_output: M x N): output = x @ w^T,
// grad_input = g @ w, grad_weight = g^T @ x. Under tensorwise scaling each
// of x, w and g is cast once (CSE after the rewrite) by one kernel that
// writes both layouts, and the three wgmma GEMMs read their operands
// without any transpose kernel: 3 amaxes, 3 casts, 3 GEMMs (and the three
// one-thread kernels that zero the amaxes).
// REQUIRES: ptxas
// RUN: fp8-opt %s --fp8-nvvm-pipeline="chip=sm_90a format=isa" > %t.mlir
// RUN: %python %fp8_src_root/scripts/ptx-info.py %t.mlir --ptxas /usr/local/cuda/bin/ptxas --dump %t.ptx | FileCheck %s
// RUN: FileCheck %s --check-prefix=LAUNCH < %t.mlir
// RUN: grep -c "gpu.launch_func <%[0-9]* : !llvm.ptr> @fp8_kernels::" %t.mlir | FileCheck %s --check-prefix=COUNT
// RUN: grep -c "llvm.call @mgpuStreamSynchronize" %t.mlir | FileCheck %s --check-prefix=SYNC
// RUN: FileCheck %s --check-prefix=DUAL < %t.ptx/fp8_kernels.ptx
// Rowwise: the scales of x and g differ between their two GEMMs (one per
// row, one per column), so nothing is shared, but w^T still needs no fp8
// transpose kernel and all three GEMMs are wgmma.
// RUN: fp8-opt %s --fp8-nvvm-pipeline="chip=sm_90a format=isa recipe=rowwise" > %t.row.mlir
// RUN: %python %fp8_src_root/scripts/ptx-info.py %t.row.mlir --ptxas /usr/local/cuda/bin/ptxas | FileCheck %s --check-prefix=ROW
//
// CHECK-NOT: fp8_cast_{{[0-9a-f]+}}:
// CHECK-NOT: mma_sync
// CHECK-DAG: fp8_kernels fp8_amax_{{[0-9a-f]+}}: {{.*}} spill_stores=0 {{.*}} warnings=0
// CHECK-DAG: fp8_kernels fp8_amax_{{[0-9a-f]+}}:
// CHECK-DAG: fp8_kernels fp8_amax_{{[0-9a-f]+}}:
// CHECK-DAG: fp8_kernels fp8_cast_transposed_{{[0-9a-f]+}}: {{.*}} spill_stores=0 {{.*}} warnings=0
// CHECK-DAG: fp8_kernels fp8_cast_transposed_{{[0-9a-f]+}}:
// CHECK-DAG: fp8_kernels fp8_cast_transposed_{{[0-9a-f]+}}:
// grad_input (K = 192) and grad_weight (K = 256) are the same kernel:
// both K round up to two 128-deep blocks, and the rest comes in through
// the tensor maps. Each distinct kernel is compiled once (the one-thread
// zeroing kernel of the three amaxes too).
// CHECK-DAG: fp8_kernels fp8_scaled_matmul_wgmma_{{[0-9a-f]+}}: {{.*}} wgmma={{4|8}} tma_load={{[0-9]+}} tma_store=2
// CHECK-DAG: fp8_kernels fp8_scaled_matmul_wgmma_{{[0-9a-f]+}}: {{.*}} wgmma={{4|8}} tma_load={{[0-9]+}} tma_store=2
// CHECK-DAG: fp8_kernels layer_kernel_{{[0-9a-f]+}}:
// CHECK-NOT: fp8_kernels
//
// The launches in program order: x and w cast, the output GEMM; g cast,
// grad_input and grad_weight; no other fp8 kernel is launched. All of
// them go to one stream (--fp8-async-launches), which the host waits for
// once, after the last GEMM.
// COUNT: {{^}}12{{$}}
// SYNC: {{^}}1{{$}}
// LAUNCH: gpu.launch_func <%[[S:[0-9]+]] : !llvm.ptr> @fp8_kernels::@[[ZERO:layer_kernel_[0-9a-f]+]]
// LAUNCH: gpu.launch_func <%[[S]] : !llvm.ptr> @fp8_kernels::@fp8_amax_
// LAUNCH: gpu.launch_func <%[[S]] : !llvm.ptr> @fp8_kernels::@fp8_cast_transposed_
// LAUNCH: gpu.launch_func <%[[S]] : !llvm.ptr> @fp8_kernels::@[[ZERO]]
// LAUNCH: gpu.launch_func <%[[S]] : !llvm.ptr> @fp8_kernels::@fp8_amax_
// LAUNCH: gpu.launch_func <%[[S]] : !llvm.ptr> @fp8_kernels::@fp8_cast_transposed_
// LAUNCH: gpu.launch_func <%[[S]] : !llvm.ptr> @fp8_kernels::@fp8_scaled_matmul_wgmma_
// LAUNCH: gpu.launch_func <%[[S]] : !llvm.ptr> @fp8_kernels::@[[ZERO]]
// LAUNCH: gpu.launch_func <%[[S]] : !llvm.ptr> @fp8_kernels::@fp8_amax_
// LAUNCH: gpu.launch_func <%[[S]] : !llvm.ptr> @fp8_kernels::@fp8_cast_transposed_
// LAUNCH: gpu.launch_func <%[[S]] : !llvm.ptr> @fp8_kernels::@[[GEMM:fp8_scaled_matmul_wgmma_[0-9a-f]+]]
// LAUNCH: gpu.launch_func <%[[S]] : !llvm.ptr> @fp8_kernels::@[[GEMM]]
// LAUNCH: llvm.call @mgpuStreamSynchronize(%[[S]])
//
// x's kernel: the cast as it is (4 codes of a row per 32-bit store), the
// transposed one through shared memory (16-byte stores).
// DUAL-LABEL: .entry fp8_cast_transposed_{{[0-9a-f]+}}(
// DUAL-COUNT-4: ld.global.v4.b16
// DUAL-COUNT-4: st.global.v2.b16
// DUAL-COUNT-4: st.shared.v2.b16
// DUAL: bar.sync 0;
// DUAL: st.global.v4.b32
// DUAL: ret;
//
// ROW-NOT: mma_sync
// ROW-DAG: fp8_kernels fp8_cast_axiswise_{{[0-9a-f]+}}:
// ROW-DAG: fp8_kernels fp8_cast_axiswise_{{[0-9a-f]+}}:
// ROW-DAG: fp8_kernels fp8_cast_axiswise_{{[0-9a-f]+}}:
// ROW-DAG: fp8_kernels fp8_cast_transposed_{{[0-9a-f]+}}:
// ROW-DAG: fp8_kernels fp8_cast_transposed_{{[0-9a-f]+}}:
// ROW-DAG: fp8_kernels fp8_cast_transposed_{{[0-9a-f]+}}:
// ROW-DAG: fp8_kernels fp8_scaled_matmul_wgmma_{{[0-9a-f]+}}:
// ROW-DAG: fp8_kernels fp8_scaled_matmul_wgmma_{{[0-9a-f]+}}:
// ROW-DAG: fp8_kernels fp8_scaled_matmul_wgmma_{{[0-9a-f]+}}:
func.func @layer(%x: tensor<256x128xbf16>, %w: tensor<192x128xbf16>, %g: tensor<256x192xbf16>)
    -> (tensor<256x192xbf16>, tensor<256x128xbf16>, tensor<192x128xbf16>) {
  %zero = arith.constant 0.0 : bf16
  %e0 = tensor.empty() : tensor<256x192xbf16>
  %c0 = linalg.fill ins(%zero : bf16) outs(%e0 : tensor<256x192xbf16>) -> tensor<256x192xbf16>
  %out = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      {fp8.role = "output"} ins(%x, %w : tensor<256x128xbf16>, tensor<192x128xbf16>) outs(%c0 : tensor<256x192xbf16>) -> tensor<256x192xbf16>
  %e1 = tensor.empty() : tensor<256x128xbf16>
  %c1 = linalg.fill ins(%zero : bf16) outs(%e1 : tensor<256x128xbf16>) -> tensor<256x128xbf16>
  %gi = linalg.matmul {fp8.role = "grad_input"} ins(%g, %w : tensor<256x192xbf16>, tensor<192x128xbf16>) outs(%c1 : tensor<256x128xbf16>) -> tensor<256x128xbf16>
  %e2 = tensor.empty() : tensor<192x128xbf16>
  %c2 = linalg.fill ins(%zero : bf16) outs(%e2 : tensor<192x128xbf16>) -> tensor<192x128xbf16>
  %gw = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
      {fp8.role = "grad_weight"} ins(%g, %x : tensor<256x192xbf16>, tensor<256x128xbf16>) outs(%c2 : tensor<192x128xbf16>) -> tensor<192x128xbf16>
  return %out, %gi, %gw : tensor<256x192xbf16>, tensor<256x128xbf16>, tensor<192x128xbf16>
}
