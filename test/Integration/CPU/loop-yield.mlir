// A training loop: each step calls a function that does an fp8 matmul and
// returns a new weight tensor, which the loop yields (not its iter_arg;
// one-shot bufferization used to reject this with "Yield operand #0 is not
// equivalent to the corresponding iter bbArg"). Three steps of the loop must
// equal, bit for bit, three calls in a row; the first step is exact: x =
// 0.25, w = 0.5, so y = x w^T = 64 * 0.125 = 8 (the fp8 casts of 0.25 and
// 0.5 are exact) and w' = 0.5 - 8 * 2^-10 = 0.4921875.
// RUN: fp8-opt %s --fp8-cpu-pipeline | mlir-runner -e main -entry-point-result=void %mlir_runner_libs | FileCheck %s
// The GPU pipelines' host code frees what it allocates: as many free call
// sites as allocation sites and more (the loop's and the calls' frees of
// the weights a step replaces are conditional on ownership), no managed or
// runtime memref allocation left for kernel buffers; the GPU runs the
// program with FP8_MEMSTATS=1 (equal allocation and free counts at exit).
// RUN: fp8-opt %s --fp8-nvvm-pipeline="chip=sm_90a" > %t.nvvm
// RUN: FileCheck %s --check-prefix=ALLOC-NVVM < %t.nvvm
// RUN: FileCheck %s --check-prefix=FREE-NVVM < %t.nvvm
// RUN: fp8-opt %s --fp8-rocdl-pipeline="chip=gfx942" > %t.rocdl
// RUN: FileCheck %s --check-prefix=ALLOC-ROCDL < %t.rocdl
// RUN: FileCheck %s --check-prefix=FREE-ROCDL < %t.rocdl
//
// CHECK: data =
// CHECK-NEXT: [0]
// CHECK: data =
// CHECK-NEXT: [0.492188,   0.492188]
// CHECK: data =
// CHECK-NEXT: [0.476{{[0-9]+}},   0.476{{[0-9]+}}]
//
// ALLOC-NVVM-COUNT-12: llvm.call @mgpuMemAlloc
// ALLOC-NVVM-NOT: llvm.call @mgpuMemAlloc
// FREE-NVVM-COUNT-16: llvm.call @mgpuMemFree
// FREE-NVVM-NOT: llvm.call @mgpuMemFree
// ALLOC-ROCDL-COUNT-15: llvm.call @mgpuMemAlloc
// ALLOC-ROCDL-NOT: llvm.call @mgpuMemAlloc
// FREE-ROCDL-COUNT-19: llvm.call @mgpuMemFree
// FREE-ROCDL-NOT: llvm.call @mgpuMemFree

func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

func.func private @step(%w: tensor<64x64xf32>, %x: tensor<64x64xbf16>) -> tensor<64x64xf32> {
  %e = tensor.empty() : tensor<64x64xbf16>
  %wb = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%w : tensor<64x64xf32>) outs(%e : tensor<64x64xbf16>) {
  ^bb0(%a: f32, %o: bf16):
    %t = arith.truncf %a : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<64x64xbf16>
  %zero = arith.constant 0.0 : bf16
  %e0 = tensor.empty() : tensor<64x64xbf16>
  %c0 = linalg.fill ins(%zero : bf16) outs(%e0 : tensor<64x64xbf16>) -> tensor<64x64xbf16>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      {fp8.role = "output"} ins(%x, %wb : tensor<64x64xbf16>, tensor<64x64xbf16>) outs(%c0 : tensor<64x64xbf16>) -> tensor<64x64xbf16>
  %e1 = tensor.empty() : tensor<64x64xf32>
  %nw = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%w, %y : tensor<64x64xf32>, tensor<64x64xbf16>) outs(%e1 : tensor<64x64xf32>) {
  ^bb0(%a: f32, %b: bf16, %o: f32):
    %bf = arith.extf %b : bf16 to f32
    %lr = arith.constant 0.0009765625 : f32
    %d = arith.mulf %bf, %lr : f32
    %r = arith.subf %a, %d : f32
    linalg.yield %r : f32
  } -> tensor<64x64xf32>
  return %nw : tensor<64x64xf32>
}

// The number of elements whose bits differ.
func.func private @mismatches(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<i32> {
  %e = tensor.empty() : tensor<i32>
  %z = arith.constant 0 : i32
  %init = linalg.fill ins(%z : i32) outs(%e : tensor<i32>) -> tensor<i32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> ()>], iterator_types = ["reduction", "reduction"]} ins(%a, %b : tensor<64x64xf32>, tensor<64x64xf32>) outs(%init : tensor<i32>) {
  ^bb0(%av: f32, %bv: f32, %acc: i32):
    %ai = arith.bitcast %av : f32 to i32
    %bi = arith.bitcast %bv : f32 to i32
    %ne = arith.cmpi ne, %ai, %bi : i32
    %one = arith.extui %ne : i1 to i32
    %s = arith.addi %acc, %one : i32
    linalg.yield %s : i32
  } -> tensor<i32>
  return %r : tensor<i32>
}

func.func private @show(%w: tensor<64x64xf32>) {
  %s = tensor.extract_slice %w[0, 0] [1, 2] [1, 1] : tensor<64x64xf32> to tensor<2xf32>
  %u = tensor.cast %s : tensor<2xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %half = arith.constant 0.5 : f32
  %e = tensor.empty() : tensor<64x64xf32>
  %w0 = linalg.fill ins(%half : f32) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
  %quarter = arith.constant 0.25 : bf16
  %ex = tensor.empty() : tensor<64x64xbf16>
  %x = linalg.fill ins(%quarter : bf16) outs(%ex : tensor<64x64xbf16>) -> tensor<64x64xbf16>
  %looped = scf.for %i = %c0 to %c3 step %c1 iter_args(%w = %w0) -> tensor<64x64xf32> {
    %next = func.call @step(%w, %x) : (tensor<64x64xf32>, tensor<64x64xbf16>) -> tensor<64x64xf32>
    scf.yield %next : tensor<64x64xf32>
  }
  %w1 = call @step(%w0, %x) : (tensor<64x64xf32>, tensor<64x64xbf16>) -> tensor<64x64xf32>
  %w2 = call @step(%w1, %x) : (tensor<64x64xf32>, tensor<64x64xbf16>) -> tensor<64x64xf32>
  %w3 = call @step(%w2, %x) : (tensor<64x64xf32>, tensor<64x64xbf16>) -> tensor<64x64xf32>
  %m = call @mismatches(%looped, %w3) : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<i32>
  %mu = tensor.cast %m : tensor<i32> to tensor<*xi32>
  call @printMemrefI32(%mu) : (tensor<*xi32>) -> ()
  call @show(%w1) : (tensor<64x64xf32>) -> ()
  call @show(%looped) : (tensor<64x64xf32>) -> ()
  return
}
