// Launch limits and zero sizes on the GPU, self-checked without
// tolerances. Inputs are integers in [-16, 16] and B is -1, 0 or 1, so with
// power-of-2 scales (tensorwise here; rowwise has them by default) every
// fp8 code, product and sum is exact and each GEMM must equal its closed
// form bit for bit: B[b, k, n] = s(b, n) does not depend on k, so
// C[b, i, n] = s(b, n) * (sum over k of A[b, i, k]), checked against row
// sums (a reduction, not a GEMM). Each line printed counts mismatches.
// REQUIRES: cuda-gpu, cuda-runtime, ptxas
// RUN: fp8-cuda-compile %s -o %t-wgmma --options "chip=sm_90a"
// RUN: %t-wgmma | FileCheck %s
// RUN: fp8-cuda-compile %s -o %t-mma --options "chip=sm_90"
// RUN: %t-mma | FileCheck %s
// Without a GPU, limits-cpu.mlir checks that the program compiles to the
// launches it is meant to test.
//
// 1. M = 1,100,000: 68,750 row tiles of the mma.sync kernel (sm_90), over
//    gridDim.y's 65,535; sm_90a's wgmma kernel takes it too
// 2. 70,000 batches of 16 x 32 x 16, over gridDim.z's 65,535 (mma.sync on
//    both chips)
// 3. elementwise ops on 2 x 16 x 131,072 logits (the generator of their
//    input and 2 x + 1), H over gridDim.z's limit
// 4. a rowwise batch_matmul with dynamic batch and M (its amax reshape
//    crashed the compiler)
// 5. M = 0 (an expert without tokens: empty grids) and K = 0 (the
//    grad_weight GEMM of no tokens: C must be all zero), tensorwise and
//    rowwise
// CHECK-COUNT-7: {{^}}[0]
// CHECK-NOT: [

func.func private @printMemrefI32(tensor<*xi32>)

func.func @print(%x: tensor<i32>) {
  %v = tensor.extract %x[] : tensor<i32>
  %t = tensor.from_elements %v : tensor<1xi32>
  %u = tensor.cast %t : tensor<1xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}

// A[b, i, k] = ((13 b + 7 i + 3 k) mod 33) - 16.
func.func @value(%b: index, %i: index, %k: index) -> f32 {
  %b32 = arith.index_cast %b : index to i32
  %i32 = arith.index_cast %i : index to i32
  %k32 = arith.index_cast %k : index to i32
  %c13 = arith.constant 13 : i32
  %c7 = arith.constant 7 : i32
  %c3 = arith.constant 3 : i32
  %t0 = arith.muli %b32, %c13 : i32
  %t1 = arith.muli %i32, %c7 : i32
  %t2 = arith.muli %k32, %c3 : i32
  %t3 = arith.addi %t0, %t1 : i32
  %t4 = arith.addi %t3, %t2 : i32
  %c33 = arith.constant 33 : i32
  %r = arith.remui %t4, %c33 : i32
  %c16 = arith.constant 16 : i32
  %s = arith.subi %r, %c16 : i32
  %f = arith.sitofp %s : i32 to f32
  return %f : f32
}

// s(b, n) = ((b + n) mod 3) - 1.
func.func @sign(%b: index, %n: index) -> f32 {
  %t = arith.addi %b, %n : index
  %c3 = arith.constant 3 : index
  %r = arith.remui %t, %c3 : index
  %r32 = arith.index_cast %r : index to i32
  %c1 = arith.constant 1 : i32
  %s = arith.subi %r32, %c1 : i32
  %f = arith.sitofp %s : i32 to f32
  return %f : f32
}

func.func @gen_a(%nb: index, %m: index, %k: index) -> tensor<?x?x?xf32> {
  %e = tensor.empty(%nb, %m, %k) : tensor<?x?x?xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(b, i, k) -> (b, i, k)>], iterator_types = ["parallel", "parallel", "parallel"]} outs(%e : tensor<?x?x?xf32>) {
  ^bb0(%out: f32):
    %b = linalg.index 0 : index
    %i = linalg.index 1 : index
    %kk = linalg.index 2 : index
    %v = func.call @value(%b, %i, %kk) : (index, index, index) -> f32
    linalg.yield %v : f32
  } -> tensor<?x?x?xf32>
  return %r : tensor<?x?x?xf32>
}

func.func @gen_b(%nb: index, %k: index, %n: index) -> tensor<?x?x?xf32> {
  %e = tensor.empty(%nb, %k, %n) : tensor<?x?x?xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(b, k, n) -> (b, k, n)>], iterator_types = ["parallel", "parallel", "parallel"]} outs(%e : tensor<?x?x?xf32>) {
  ^bb0(%out: f32):
    %b = linalg.index 0 : index
    %nn = linalg.index 2 : index
    %v = func.call @sign(%b, %nn) : (index, index) -> f32
    linalg.yield %v : f32
  } -> tensor<?x?x?xf32>
  return %r : tensor<?x?x?xf32>
}

// The number of C[b, i, n] that differ from s(b, n) * sum_k A[b, i, k].
func.func @mismatches(%c: tensor<?x?x?xf32>, %a: tensor<?x?x?xf32>) -> tensor<i32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %nb = tensor.dim %a, %c0 : tensor<?x?x?xf32>
  %m = tensor.dim %a, %c1 : tensor<?x?x?xf32>
  %zf = arith.constant 0.0 : f32
  %es = tensor.empty(%nb, %m) : tensor<?x?xf32>
  %s0 = linalg.fill ins(%zf : f32) outs(%es : tensor<?x?xf32>) -> tensor<?x?xf32>
  %sums = linalg.generic {indexing_maps = [affine_map<(b, i, k) -> (b, i, k)>, affine_map<(b, i, k) -> (b, i)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a : tensor<?x?x?xf32>) outs(%s0 : tensor<?x?xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %acc, %x : f32
    linalg.yield %s : f32
  } -> tensor<?x?xf32>
  %e = tensor.empty() : tensor<i32>
  %z = arith.constant 0 : i32
  %init = linalg.fill ins(%z : i32) outs(%e : tensor<i32>) -> tensor<i32>
  %r = linalg.generic {indexing_maps = [affine_map<(b, i, n) -> (b, i, n)>, affine_map<(b, i, n) -> (b, i)>, affine_map<(b, i, n) -> ()>], iterator_types = ["reduction", "reduction", "reduction"]} ins(%c, %sums : tensor<?x?x?xf32>, tensor<?x?xf32>) outs(%init : tensor<i32>) {
  ^bb0(%cv: f32, %sum: f32, %acc: i32):
    %b = linalg.index 0 : index
    %n = linalg.index 2 : index
    %sg = func.call @sign(%b, %n) : (index, index) -> f32
    %want = arith.mulf %sg, %sum : f32
    %ne = arith.cmpf une, %cv, %want : f32
    %one = arith.extui %ne : i1 to i32
    %s = arith.addi %acc, %one : i32
    linalg.yield %s : i32
  } -> tensor<i32>
  return %r : tensor<i32>
}

// One tensorwise or rowwise GEMM of an m x K A and a K x 16 B (batch 1 of
// the generators), checked; K = 32 and K = 0.
func.func @gemm_k32(%m: index, %rowwise: i1) -> tensor<i32> {
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %k = arith.constant 32 : index
  %a3 = call @gen_a(%c1, %m, %k) : (index, index, index) -> tensor<?x?x?xf32>
  %b3 = call @gen_b(%c1, %k, %c16) : (index, index, index) -> tensor<?x?x?xf32>
  %a2 = tensor.collapse_shape %a3 [[0, 1], [2]] : tensor<?x?x?xf32> into tensor<?x?xf32>
  %b2 = tensor.collapse_shape %b3 [[0, 1], [2]] : tensor<?x?x?xf32> into tensor<?x?xf32>
  %a = tensor.cast %a2 : tensor<?x?xf32> to tensor<?x32xf32>
  %b = tensor.cast %b2 : tensor<?x?xf32> to tensor<32x16xf32>
  %zf = arith.constant 0.0 : f32
  %e = tensor.empty(%m) : tensor<?x16xf32>
  %init = linalg.fill ins(%zf : f32) outs(%e : tensor<?x16xf32>) -> tensor<?x16xf32>
  %c = scf.if %rowwise -> tensor<?x16xf32> {
    %r = linalg.matmul {fp8.config = #fp8.linear<recipe = rowwise>} ins(%a, %b : tensor<?x32xf32>, tensor<32x16xf32>) outs(%init : tensor<?x16xf32>) -> tensor<?x16xf32>
    scf.yield %r : tensor<?x16xf32>
  } else {
    %t = linalg.matmul {fp8.config = #fp8.linear<recipe = tensorwise, round_scales_to_power_of_2 = true>} ins(%a, %b : tensor<?x32xf32>, tensor<32x16xf32>) outs(%init : tensor<?x16xf32>) -> tensor<?x16xf32>
    scf.yield %t : tensor<?x16xf32>
  }
  %c3 = tensor.expand_shape %c [[0, 1], [2]] output_shape [1, %m, 16] : tensor<?x16xf32> into tensor<1x?x16xf32>
  %c3d = tensor.cast %c3 : tensor<1x?x16xf32> to tensor<?x?x?xf32>
  %mm = call @mismatches(%c3d, %a3) : (tensor<?x?x?xf32>, tensor<?x?x?xf32>) -> tensor<i32>
  return %mm : tensor<i32>
}

func.func @gemm_k0(%m: index, %rowwise: i1) -> tensor<i32> {
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %k = arith.constant 0 : index
  %a3 = call @gen_a(%c1, %m, %k) : (index, index, index) -> tensor<?x?x?xf32>
  %b3 = call @gen_b(%c1, %k, %c16) : (index, index, index) -> tensor<?x?x?xf32>
  %a2 = tensor.collapse_shape %a3 [[0, 1], [2]] : tensor<?x?x?xf32> into tensor<?x?xf32>
  %b2 = tensor.collapse_shape %b3 [[0, 1], [2]] : tensor<?x?x?xf32> into tensor<?x?xf32>
  %a = tensor.cast %a2 : tensor<?x?xf32> to tensor<?x0xf32>
  %b = tensor.cast %b2 : tensor<?x?xf32> to tensor<0x16xf32>
  %zf = arith.constant 0.0 : f32
  %e = tensor.empty(%m) : tensor<?x16xf32>
  %init = linalg.fill ins(%zf : f32) outs(%e : tensor<?x16xf32>) -> tensor<?x16xf32>
  %c = scf.if %rowwise -> tensor<?x16xf32> {
    %r = linalg.matmul {fp8.config = #fp8.linear<recipe = rowwise>} ins(%a, %b : tensor<?x0xf32>, tensor<0x16xf32>) outs(%init : tensor<?x16xf32>) -> tensor<?x16xf32>
    scf.yield %r : tensor<?x16xf32>
  } else {
    %t = linalg.matmul {fp8.config = #fp8.linear<recipe = tensorwise, round_scales_to_power_of_2 = true>} ins(%a, %b : tensor<?x0xf32>, tensor<0x16xf32>) outs(%init : tensor<?x16xf32>) -> tensor<?x16xf32>
    scf.yield %t : tensor<?x16xf32>
  }
  %c3 = tensor.expand_shape %c [[0, 1], [2]] output_shape [1, %m, 16] : tensor<?x16xf32> into tensor<1x?x16xf32>
  %c3d = tensor.cast %c3 : tensor<1x?x16xf32> to tensor<?x?x?xf32>
  %mm = call @mismatches(%c3d, %a3) : (tensor<?x?x?xf32>, tensor<?x?x?xf32>) -> tensor<i32>
  return %mm : tensor<i32>
}

// A batched GEMM (nb batches of m x 32 x 16), checked.
func.func @batched(%nb: index, %m: index, %rowwise: i1) -> tensor<i32> {
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %a3 = call @gen_a(%nb, %m, %c32) : (index, index, index) -> tensor<?x?x?xf32>
  %b3 = call @gen_b(%nb, %c32, %c16) : (index, index, index) -> tensor<?x?x?xf32>
  %a = tensor.cast %a3 : tensor<?x?x?xf32> to tensor<?x?x32xf32>
  %b = tensor.cast %b3 : tensor<?x?x?xf32> to tensor<?x32x16xf32>
  %zf = arith.constant 0.0 : f32
  %e = tensor.empty(%nb, %m) : tensor<?x?x16xf32>
  %init = linalg.fill ins(%zf : f32) outs(%e : tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  %c = scf.if %rowwise -> tensor<?x?x16xf32> {
    %r = linalg.batch_matmul {fp8.config = #fp8.linear<recipe = rowwise>} ins(%a, %b : tensor<?x?x32xf32>, tensor<?x32x16xf32>) outs(%init : tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
    scf.yield %r : tensor<?x?x16xf32>
  } else {
    %t = linalg.batch_matmul {fp8.config = #fp8.linear<recipe = tensorwise, round_scales_to_power_of_2 = true>} ins(%a, %b : tensor<?x?x32xf32>, tensor<?x32x16xf32>) outs(%init : tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
    scf.yield %t : tensor<?x?x16xf32>
  }
  %cd = tensor.cast %c : tensor<?x?x16xf32> to tensor<?x?x?xf32>
  %mm = call @mismatches(%cd, %a3) : (tensor<?x?x?xf32>, tensor<?x?x?xf32>) -> tensor<i32>
  return %mm : tensor<i32>
}

// y = 2 x + 1 on 2 x 16 x 131072 generated logits, checked on the host.
func.func @logits() -> tensor<i32> {
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %h = arith.constant 131072 : index
  %xd = call @gen_a(%c2, %c16, %h) : (index, index, index) -> tensor<?x?x?xf32>
  %x = tensor.cast %xd : tensor<?x?x?xf32> to tensor<2x16x131072xf32>
  %e = tensor.empty() : tensor<2x16x131072xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(b, s, i) -> (b, s, i)>, affine_map<(b, s, i) -> (b, s, i)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x : tensor<2x16x131072xf32>) outs(%e : tensor<2x16x131072xf32>) {
  ^bb0(%v: f32, %o: f32):
    %two = arith.constant 2.0 : f32
    %one = arith.constant 1.0 : f32
    %d = arith.mulf %v, %two : f32
    %r = arith.addf %d, %one : f32
    linalg.yield %r : f32
  } -> tensor<2x16x131072xf32>
  %ei = tensor.empty() : tensor<i32>
  %z = arith.constant 0 : i32
  %init = linalg.fill ins(%z : i32) outs(%ei : tensor<i32>) -> tensor<i32>
  %r = linalg.generic {indexing_maps = [affine_map<(b, s, i) -> (b, s, i)>, affine_map<(b, s, i) -> ()>], iterator_types = ["reduction", "reduction", "reduction"]} ins(%y : tensor<2x16x131072xf32>) outs(%init : tensor<i32>) {
  ^bb0(%yv: f32, %acc: i32):
    %b = linalg.index 0 : index
    %s = linalg.index 1 : index
    %i = linalg.index 2 : index
    %v = func.call @value(%b, %s, %i) : (index, index, index) -> f32
    %two = arith.constant 2.0 : f32
    %one = arith.constant 1.0 : f32
    %d = arith.mulf %v, %two : f32
    %want = arith.addf %d, %one : f32
    %ne = arith.cmpf une, %yv, %want : f32
    %n = arith.extui %ne : i1 to i32
    %sum = arith.addi %acc, %n : i32
    linalg.yield %sum : i32
  } -> tensor<i32>
  return %r : tensor<i32>
}

func.func @main() {
  %false = arith.constant false
  %true = arith.constant true
  %c0 = arith.constant 0 : index
  %c3 = arith.constant 3 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %c40 = arith.constant 40 : index
  %tall = arith.constant 1100000 : index
  %many = arith.constant 70000 : index
  %r1 = call @gemm_k32(%tall, %false) : (index, i1) -> tensor<i32>
  call @print(%r1) : (tensor<i32>) -> ()
  %r2 = call @batched(%many, %c16, %false) : (index, index, i1) -> tensor<i32>
  call @print(%r2) : (tensor<i32>) -> ()
  %r3 = call @logits() : () -> tensor<i32>
  call @print(%r3) : (tensor<i32>) -> ()
  %r4 = call @batched(%c3, %c40, %true) : (index, index, i1) -> tensor<i32>
  call @print(%r4) : (tensor<i32>) -> ()
  %r5 = call @gemm_k32(%c0, %false) : (index, i1) -> tensor<i32>
  call @print(%r5) : (tensor<i32>) -> ()
  %r6 = call @gemm_k0(%c16, %false) : (index, i1) -> tensor<i32>
  call @print(%r6) : (tensor<i32>) -> ()
  %r7 = call @gemm_k0(%c16, %true) : (index, i1) -> tensor<i32>
  call @print(%r7) : (tensor<i32>) -> ()
  return
}
