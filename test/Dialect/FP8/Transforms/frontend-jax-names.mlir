// RUN: fp8-opt %s -mlir-print-op-on-diagnostic=false --fp8-rewrite-matmul="remarks=true" 2>&1 | FileCheck %s

// JAX's locations carry its name stack: a GEMM under transpose(jvp(...)) is
// a backward one. With no other GEMM to relate it to, the name decides:
// grad_input (grad_output e5m2, no fast accumulation).
// CHECK: remark: converted as grad_input (a backward GEMM of a linear layer); inferred role grad_input: its location is a transpose(jvp(...)) in JAX's name stack
// CHECK: fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<>} : tensor<64x16xf8E5M2>, tensor<16x32xf8E4M3FN>
func.func @named_backward(%g: tensor<64x16xbf16>, %w: tensor<32x16xbf16>, %init: tensor<64x32xf32>) -> tensor<64x32xf32> {
  %dx = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>],
                        iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%g, %w : tensor<64x16xbf16>, tensor<32x16xbf16>) outs(%init : tensor<64x32xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %0 = arith.extf %a : bf16 to f32
    %1 = arith.extf %b : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<64x32xf32> loc(#dot)
  return %dx : tensor<64x32xf32>
}
#dot = loc("jit(train_step)/jit(main)/transpose(jvp(dense))/dot_general"("model.py":12:8))
