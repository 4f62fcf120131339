// An exact end-to-end check of the sm_90a GEMM path on the GPU: A is the
// identity, so every output is one product, 448 * q or 256 * q for the fp8
// code q of B (exact in any accumulation), and C must equal, bit for bit,
// the same epilogue arithmetic applied to codes computed independently here
// (a linalg.generic with arith.truncf, not fp8.cast). This checks the TMA
// loads and swizzled wgmma descriptors, the tiled transposing cast of B
// (K and N multiples of 64) and both epilogues (tensorwise scalars,
// rowwise reciprocals through shared memory) without tolerances.
// REQUIRES: cuda-gpu, cuda-runtime, ptxas
// RUN: fp8-cuda-compile %s -o %t
// RUN: %t | FileCheck %s
// Without a GPU, exact-cpu.mlir runs this program on the CPU (same output)
// and checks that it compiles to the kernels it is meant to test.
//
// Mismatches (tensorwise, rowwise), then the number of nonzero outputs
// (the comparison is not between zeros): 98304 outputs, about 1/251 of B
// exactly zero.
// CHECK: data =
// CHECK-NEXT: [0]
// CHECK: data =
// CHECK-NEXT: [0]
// CHECK: data =
// CHECK-NEXT: [{{9[0-9][0-9][0-9][0-9]}}]

func.func private @printMemrefI32(tensor<*xi32>)

// Identity 256 x 256 and B (256 x 384) with values over 2^-8 .. 2^7, both
// signs, and some exact zeros.
func.func @inputs() -> (tensor<256x256xf32>, tensor<256x384xf32>) {
  %ea = tensor.empty() : tensor<256x256xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} outs(%ea : tensor<256x256xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %eq = arith.cmpi eq, %i, %j : index
    %one = arith.constant 1.0 : f32
    %zero = arith.constant 0.0 : f32
    %v = arith.select %eq, %one, %zero : f32
    linalg.yield %v : f32
  } -> tensor<256x256xf32>
  %eb = tensor.empty() : tensor<256x384xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} outs(%eb : tensor<256x384xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %i32 = arith.index_cast %i : index to i32
    %j32 = arith.index_cast %j : index to i32
    %c131 = arith.constant 131 : i32
    %c29 = arith.constant 29 : i32
    %t0 = arith.muli %i32, %c131 : i32
    %t1 = arith.muli %j32, %c29 : i32
    %t = arith.addi %t0, %t1 : i32
    %c251 = arith.constant 251 : i32
    %r = arith.remui %t, %c251 : i32
    %c125 = arith.constant 125 : i32
    %s = arith.subi %r, %c125 : i32
    %f = arith.sitofp %s : i32 to f32
    // Exponent spread: 2^(j % 16 - 8).
    %c16 = arith.constant 16 : i32
    %e0 = arith.remui %j32, %c16 : i32
    %c119 = arith.constant 119 : i32
    %e1 = arith.addi %e0, %c119 : i32
    %c23 = arith.constant 23 : i32
    %ebits = arith.shli %e1, %c23 : i32
    %p = arith.bitcast %ebits : i32 to f32
    %v = arith.mulf %f, %p : f32
    linalg.yield %v : f32
  } -> tensor<256x384xf32>
  return %a, %b : tensor<256x256xf32>, tensor<256x384xf32>
}

// Mismatches between C and (f32(q_a) * f32(q_b)) * (1/sa) * (1/sb), with
// q_b = RNE(clamp(b * sb)) computed here.
func.func @mismatches(%c: tensor<256x384xf32>, %b: tensor<256x384xf32>, %sa: tensor<256x1xf32>, %sb: tensor<1x384xf32>) -> tensor<i32> {
  %e = tensor.empty() : tensor<i32>
  %z = arith.constant 0 : i32
  %init = linalg.fill ins(%z : i32) outs(%e : tensor<i32>) -> tensor<i32>
  // Output row i is B's row i (A = I).
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, 0)>, affine_map<(i, j) -> (0, j)>, affine_map<(i, j) -> ()>], iterator_types = ["reduction", "reduction"]} ins(%c, %b, %sa, %sb : tensor<256x384xf32>, tensor<256x384xf32>, tensor<256x1xf32>, tensor<1x384xf32>) outs(%init : tensor<i32>) {
  ^bb0(%cv: f32, %bv: f32, %sav: f32, %sbv: f32, %acc: i32):
    %hi = arith.constant 448.0 : f32
    %lo = arith.constant -448.0 : f32
    %x = arith.mulf %bv, %sbv : f32
    %x1 = arith.maximumf %x, %lo : f32
    %x2 = arith.minimumf %x1, %hi : f32
    %q = arith.truncf %x2 : f32 to f8E4M3FN
    %qf = arith.extf %q : f8E4M3FN to f32
    // A's code is sa (1 * sa, a power of two or 448: exact).
    %prod = arith.mulf %sav, %qf : f32
    %one = arith.constant 1.0 : f32
    %ia = arith.divf %one, %sav : f32
    %ib = arith.divf %one, %sbv : f32
    %y0 = arith.mulf %prod, %ia : f32
    %y = arith.mulf %y0, %ib : f32
    // Exact equality (the accumulator's 0 + -0 is +0: zeros compare equal).
    %ne = arith.cmpf une, %cv, %y : f32
    %n = arith.extui %ne : i1 to i32
    %s = arith.addi %acc, %n : i32
    linalg.yield %s : i32
  } -> tensor<i32>
  return %r : tensor<i32>
}

func.func @print(%x: tensor<i32>) {
  %v = tensor.extract %x[] : tensor<i32>
  %t = tensor.from_elements %v : tensor<1xi32>
  %u = tensor.cast %t : tensor<1xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}

func.func @nonzeros(%c: tensor<256x384xf32>) -> tensor<i32> {
  %e = tensor.empty() : tensor<i32>
  %z = arith.constant 0 : i32
  %init = linalg.fill ins(%z : i32) outs(%e : tensor<i32>) -> tensor<i32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> ()>], iterator_types = ["reduction", "reduction"]} ins(%c : tensor<256x384xf32>) outs(%init : tensor<i32>) {
  ^bb0(%cv: f32, %acc: i32):
    %zero = arith.constant 0.0 : f32
    %nz = arith.cmpf one, %cv, %zero : f32
    %n = arith.extui %nz : i1 to i32
    %s = arith.addi %acc, %n : i32
    linalg.yield %s : i32
  } -> tensor<i32>
  return %r : tensor<i32>
}

func.func @gemm(%a: tensor<256x256xf32>, %b: tensor<256x384xf32>, %tag: i32) -> tensor<256x384xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256x384xf32>
  %init = linalg.fill ins(%z : f32) outs(%e : tensor<256x384xf32>) -> tensor<256x384xf32>
  %c0 = arith.constant 0 : i32
  %is_tensorwise = arith.cmpi eq, %tag, %c0 : i32
  %c = scf.if %is_tensorwise -> tensor<256x384xf32> {
    %t = linalg.matmul {fp8.role = "output", fp8.config = #fp8.linear<recipe = tensorwise>} ins(%a, %b : tensor<256x256xf32>, tensor<256x384xf32>) outs(%init : tensor<256x384xf32>) -> tensor<256x384xf32>
    scf.yield %t : tensor<256x384xf32>
  } else {
    %r = linalg.matmul {fp8.role = "output", fp8.config = #fp8.linear<recipe = rowwise>} ins(%a, %b : tensor<256x256xf32>, tensor<256x384xf32>) outs(%init : tensor<256x384xf32>) -> tensor<256x384xf32>
    scf.yield %r : tensor<256x384xf32>
  }
  return %c : tensor<256x384xf32>
}

func.func @main() {
  %a, %b = call @inputs() : () -> (tensor<256x256xf32>, tensor<256x384xf32>)
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  // Tensorwise: the scales of torchao's tensorwise recipe, broadcast.
  %ct = call @gemm(%a, %b, %c0) : (tensor<256x256xf32>, tensor<256x384xf32>, i32) -> tensor<256x384xf32>
  %amax_a = fp8.amax %a tensorwise : tensor<256x256xf32> -> tensor<f32>
  %sa = fp8.amax_to_scale %amax_a : tensor<f32> for f8E4M3FN
  %amax_b = fp8.amax %b tensorwise : tensor<256x384xf32> -> tensor<f32>
  %sb = fp8.amax_to_scale %amax_b : tensor<f32> for f8E4M3FN
  %ea = tensor.empty() : tensor<256x1xf32>
  %sa2 = linalg.generic {indexing_maps = [affine_map<(i, j) -> ()>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%sa : tensor<f32>) outs(%ea : tensor<256x1xf32>) {
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  } -> tensor<256x1xf32>
  %eb = tensor.empty() : tensor<1x384xf32>
  %sb2 = linalg.generic {indexing_maps = [affine_map<(i, j) -> ()>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%sb : tensor<f32>) outs(%eb : tensor<1x384xf32>) {
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  } -> tensor<1x384xf32>
  %mt = call @mismatches(%ct, %b, %sa2, %sb2) : (tensor<256x384xf32>, tensor<256x384xf32>, tensor<256x1xf32>, tensor<1x384xf32>) -> tensor<i32>
  call @print(%mt) : (tensor<i32>) -> ()
  // Rowwise: power-of-two scales per row of A and per column of B.
  %cr = call @gemm(%a, %b, %c1) : (tensor<256x256xf32>, tensor<256x384xf32>, i32) -> tensor<256x384xf32>
  %ra = fp8.amax %a axiswise(1) : tensor<256x256xf32> -> tensor<256x1xf32>
  %rsa = fp8.amax_to_scale %ra {round_to_power_of_2} : tensor<256x1xf32> for f8E4M3FN
  %rb = fp8.amax %b axiswise(0) : tensor<256x384xf32> -> tensor<1x384xf32>
  %rsb = fp8.amax_to_scale %rb {round_to_power_of_2} : tensor<1x384xf32> for f8E4M3FN
  %mr = call @mismatches(%cr, %b, %rsa, %rsb) : (tensor<256x384xf32>, tensor<256x384xf32>, tensor<256x1xf32>, tensor<1x384xf32>) -> tensor<i32>
  call @print(%mr) : (tensor<i32>) -> ()
  %nz = call @nonzeros(%ct) : (tensor<256x384xf32>) -> tensor<i32>
  call @print(%nz) : (tensor<i32>) -> ()
  return
}
