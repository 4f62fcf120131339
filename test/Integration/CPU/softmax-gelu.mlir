// What a transformer's non-GEMM layers print lowers in every pipeline:
// linalg.softmax is decomposed into linalg.generic ops, math functions
// without an LLVM intrinsic (erf of GELU, ...) become libm calls on the CPU,
// libdevice calls on NVIDIA and polynomial approximations on AMD GPUs
// (no ROCm device library needed). Both used to survive with exit status 0.
// RUN: fp8-opt %s --fp8-cpu-pipeline | mlir-runner -e main -entry-point-result=void %mlir_runner_libs | FileCheck %s
// RUN: fp8-opt %s --fp8-nvvm-pipeline="chip=sm_90a" | FileCheck %s --check-prefix=GPU
// RUN: fp8-opt %s --fp8-rocdl-pipeline="chip=gfx942" | FileCheck %s --check-prefix=GPU
// GPU: gpu.binary @fp8_kernels
// GPU-NOT: math.
// GPU-NOT: linalg.

// softmax([0, 1, 2, 3]) and softmax([-1, -1, -1, -1]) (rows), then
// erf(-2, -0.5, 0.5, 1) and GELU(-1, 0, 1, 2) = x (1 + erf(x / sqrt 2)) / 2.
// CHECK: [0.0320586, 0.0871443, 0.236883, 0.643914]
// CHECK: [0.25, 0.25, 0.25, 0.25]
// CHECK: [-0.995322, -0.5205, 0.5205, 0.842701]
// CHECK: [-0.158655, 0, 0.841345, 1.9545]

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %x = arith.constant dense<[[0.0, 1.0, 2.0, 3.0], [-1.0, -1.0, -1.0, -1.0]]> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  %s = linalg.softmax dimension(1) ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %su = tensor.cast %s : tensor<2x4xf32> to tensor<*xf32>
  call @printMemrefF32(%su) : (tensor<*xf32>) -> ()

  %y = arith.constant dense<[[-2.0, -0.5, 0.5, 1.0], [-1.0, 0.0, 1.0, 2.0]]> : tensor<2x4xf32>
  %e2 = tensor.empty() : tensor<2x4xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%y : tensor<2x4xf32>) outs(%e2 : tensor<2x4xf32>) {
  ^bb0(%v: f32, %o: f32):
    %row = linalg.index 0 : index
    %c0 = arith.constant 0 : index
    %first = arith.cmpi eq, %row, %c0 : index
    %rsqrt2 = arith.constant 0.707106781 : f32
    %half = arith.constant 0.5 : f32
    %one = arith.constant 1.0 : f32
    %scaled = arith.mulf %v, %rsqrt2 : f32
    %arg = arith.select %first, %v, %scaled : f32
    %erf = math.erf %arg : f32
    %p1 = arith.addf %erf, %one : f32
    %hx = arith.mulf %v, %half : f32
    %gelu = arith.mulf %hx, %p1 : f32
    %r = arith.select %first, %erf, %gelu : f32
    linalg.yield %r : f32
  } -> tensor<2x4xf32>
  %gu = tensor.cast %g : tensor<2x4xf32> to tensor<*xf32>
  call @printMemrefF32(%gu) : (tensor<*xf32>) -> ()
  return
}
