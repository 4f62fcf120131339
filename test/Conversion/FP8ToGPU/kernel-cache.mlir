// --fp8-lower-to-gpu="outline-kernels=1": three identical linear layers
// (bench/compile-time.py's model: forward chain, backward chain, 9
// matmuls) launch each distinct kernel three times: every kernel is
// outlined once into @fp8_kernels and a later layer's GEMM, amax and
// transposed cast launch the kernel built for the first layer without
// building it again (KernelCache). check-kernel-cache=1 builds every
// kernel anyway and fails if one is not the kernel its key names: a key
// that missed something the code depends on. The kernels the cache does
// not cover (fused axiswise casts, mma.sync) are built each time and
// deduplicated by code.
// RUN: %python %fp8_src_root/bench/compile-time.py --emit 3 --m 256 --hidden 128 > %t.mlir
// RUN: fp8-opt %t.mlir --fp8-rewrite-matmul="chip=sm_90a" --cse --fp8-lower-to-gpu="chip=sm_90a outline-kernels=1 check-kernel-cache=1" | FileCheck %s
// RUN: fp8-opt %t.mlir --fp8-rewrite-matmul="chip=sm_90a" --cse --fp8-lower-to-gpu="chip=sm_90a outline-kernels=1" | FileCheck %s
// RUN: fp8-opt %t.mlir --fp8-rewrite-matmul="chip=sm_90a" --cse --fp8-lower-to-gpu="chip=sm_90a outline-kernels=1" | grep -c "gpu.launch_func" | FileCheck %s --check-prefix=LAUNCHES
// RUN: fp8-opt %t.mlir --fp8-rewrite-matmul="chip=sm_90a recipe=rowwise" --cse --fp8-lower-to-gpu="chip=sm_90a outline-kernels=1 check-kernel-cache=1" | FileCheck %s --check-prefix=ROW
// RUN: fp8-opt %t.mlir --fp8-rewrite-matmul="chip=sm_90a" --cse --fp8-lower-to-gpu="chip=sm_90a gemm-schedule=pingpong outline-kernels=1 check-kernel-cache=1" | FileCheck %s
// RUN: fp8-opt %t.mlir --fp8-rewrite-matmul="chip=sm_89" --cse --fp8-lower-to-gpu="chip=sm_89 outline-kernels=1 check-kernel-cache=1" | FileCheck %s --check-prefix=SM89
// The keys over the other lowering tests' inputs (one kernel each, mostly:
// what is checked there is that no kernel reads a host value outside its
// cached arguments).
// RUN: fp8-opt %S/NVVM/hopper-gemm.mlir -split-input-file --fp8-lower-to-gpu="chip=sm_90a outline-kernels=1 check-kernel-cache=1" -o /dev/null
// RUN: fp8-opt %S/NVVM/transposed-cast.mlir -split-input-file --fp8-lower-to-gpu="chip=sm_90a outline-kernels=1 check-kernel-cache=1" -o /dev/null
// RUN: fp8-opt %S/amax.mlir -split-input-file --fp8-lower-to-gpu="chip=sm_90a outline-kernels=1 check-kernel-cache=1" -o /dev/null
// RUN: fp8-opt %S/Inputs/layer.mlir --fp8-lower-to-gpu="chip=sm_90a outline-kernels=1 check-kernel-cache=1" -o /dev/null

// Tensorwise: x, the weights and the gradients are each cast once, in both
// layouts (amax + transposing cast); per layer three GEMMs of three
// layouts. 8 kernels, 27 launches (9 per layer).
// CHECK-LABEL: func.func @model
// CHECK-NOT: gpu.launch blocks
// CHECK-LABEL: gpu.module @fp8_kernels
// CHECK-COUNT-8: gpu.func @fp8_{{(amax|cast_transposed|scaled_matmul_wgmma)}}_{{[0-9a-f]+}}(
// CHECK-NOT: gpu.func
// LAUNCHES: {{^}}27{{$}}

// Rowwise: no cast is shared (the scales differ per GEMM); 9 kernels.
// ROW-LABEL: gpu.module @fp8_kernels
// ROW-COUNT-9: gpu.func @fp8_{{(amax_columns|cast_axiswise|cast_transposed|scaled_matmul_wgmma)}}_{{[0-9a-f]+}}(
// ROW-NOT: gpu.func

// sm_89: the mma.sync GEMMs (not cached, deduplicated by code).
// SM89-LABEL: gpu.module @fp8_kernels
// SM89-COUNT-3: gpu.func @fp8_scaled_matmul_mma_sync_{{[0-9a-f]+}}(
// SM89-NOT: gpu.func @fp8_scaled_matmul
