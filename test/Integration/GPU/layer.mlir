// A whole fp8 linear layer on the GPU against its three GEMMs compiled one
// by one. @layer has PyTorch's layouts (x: M x K, w: N x K, g: M x N):
// output = x @ w^T, grad_input = g @ w, grad_weight = g^T @ x, so x, w and
// g are each cast once and written in both layouts by one kernel
// (DualLayoutCastToNVVM; tensorwise), the GEMMs reading w and the
// transposes directly. @output, @grad_input and @grad_weight are the same
// GEMMs on operands transposed beforehand in bf16, each casting its own
// operands with the per-GEMM kernels (checked against torchao and
// fp8-reference by recipes.mlir and check-cases.py). Same codes, same
// scales and the same GEMM kernels give the same bits: the layer's three
// outputs must equal them exactly. Rowwise (second RUN) shares no casts
// but reads w^T and g^T the same way.
// REQUIRES: cuda-gpu, cuda-runtime, ptxas
// RUN: fp8-cuda-compile %s -o %t
// RUN: %t | FileCheck %s
// RUN: fp8-cuda-compile %s -o %t.row --options "chip=sm_90a recipe=rowwise"
// RUN: %t.row | FileCheck %s
// Without a GPU, layer-cpu.mlir runs this program on the CPU.
//
// Mismatching bits of output, grad_input, grad_weight, then their nonzero
// elements (the comparison is not between zeros): 196608 + 131072 + 98304.
// CHECK: data =
// CHECK-NEXT: [0]
// CHECK: data =
// CHECK-NEXT: [0]
// CHECK: data =
// CHECK-NEXT: [0]
// CHECK: data =
// CHECK-NEXT: [{{4[0-9][0-9][0-9][0-9][0-9]}}]

func.func private @printMemrefI32(tensor<*xi32>)

// Values over 2^-8 .. 2^7, both signs, some exact zeros, a different
// pattern per tensor (`salt`).
func.func @data(%rows: index, %cols: index, %salt: i32) -> tensor<?x?xbf16> {
  %e = tensor.empty(%rows, %cols) : tensor<?x?xbf16>
  %d = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<?x?xbf16>) {
  ^bb0(%out: bf16):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %i32 = arith.index_cast %i : index to i32
    %j32 = arith.index_cast %j : index to i32
    %c131 = arith.constant 131 : i32
    %c29 = arith.constant 29 : i32
    %t0 = arith.muli %i32, %c131 : i32
    %t1 = arith.muli %j32, %c29 : i32
    %t2 = arith.addi %t0, %t1 : i32
    %t = arith.addi %t2, %salt : i32
    %c251 = arith.constant 251 : i32
    %r = arith.remui %t, %c251 : i32
    %c125 = arith.constant 125 : i32
    %s = arith.subi %r, %c125 : i32
    %f = arith.sitofp %s : i32 to f32
    // 2^((i + j + salt) % 16 - 8).
    %c16 = arith.constant 16 : i32
    %ij = arith.addi %i32, %j32 : i32
    %ijs = arith.addi %ij, %salt : i32
    %e0 = arith.remui %ijs, %c16 : i32
    %c119 = arith.constant 119 : i32
    %e1 = arith.addi %e0, %c119 : i32
    %c23 = arith.constant 23 : i32
    %ebits = arith.shli %e1, %c23 : i32
    %p = arith.bitcast %ebits : i32 to f32
    %v = arith.mulf %f, %p : f32
    %b = arith.truncf %v : f32 to bf16
    linalg.yield %b : bf16
  } -> tensor<?x?xbf16>
  return %d : tensor<?x?xbf16>
}

func.func @layer(%x: tensor<512x256xbf16>, %w: tensor<384x256xbf16>, %g: tensor<512x384xbf16>)
    -> (tensor<512x384xbf16>, tensor<512x256xbf16>, tensor<384x256xbf16>) {
  %zero = arith.constant 0.0 : bf16
  %e0 = tensor.empty() : tensor<512x384xbf16>
  %c0 = linalg.fill ins(%zero : bf16) outs(%e0 : tensor<512x384xbf16>) -> tensor<512x384xbf16>
  %out = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      {fp8.role = "output"} ins(%x, %w : tensor<512x256xbf16>, tensor<384x256xbf16>) outs(%c0 : tensor<512x384xbf16>) -> tensor<512x384xbf16>
  %e1 = tensor.empty() : tensor<512x256xbf16>
  %c1 = linalg.fill ins(%zero : bf16) outs(%e1 : tensor<512x256xbf16>) -> tensor<512x256xbf16>
  %gi = linalg.matmul {fp8.role = "grad_input"} ins(%g, %w : tensor<512x384xbf16>, tensor<384x256xbf16>) outs(%c1 : tensor<512x256xbf16>) -> tensor<512x256xbf16>
  %e2 = tensor.empty() : tensor<384x256xbf16>
  %c2 = linalg.fill ins(%zero : bf16) outs(%e2 : tensor<384x256xbf16>) -> tensor<384x256xbf16>
  %gw = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
      {fp8.role = "grad_weight"} ins(%g, %x : tensor<512x384xbf16>, tensor<512x256xbf16>) outs(%c2 : tensor<384x256xbf16>) -> tensor<384x256xbf16>
  return %out, %gi, %gw : tensor<512x384xbf16>, tensor<512x256xbf16>, tensor<384x256xbf16>
}

func.func @output(%x: tensor<512x256xbf16>, %wt: tensor<256x384xbf16>) -> tensor<512x384xbf16> {
  %zero = arith.constant 0.0 : bf16
  %e = tensor.empty() : tensor<512x384xbf16>
  %c = linalg.fill ins(%zero : bf16) outs(%e : tensor<512x384xbf16>) -> tensor<512x384xbf16>
  %r = linalg.matmul {fp8.role = "output"} ins(%x, %wt : tensor<512x256xbf16>, tensor<256x384xbf16>) outs(%c : tensor<512x384xbf16>) -> tensor<512x384xbf16>
  return %r : tensor<512x384xbf16>
}

func.func @grad_input(%g: tensor<512x384xbf16>, %w: tensor<384x256xbf16>) -> tensor<512x256xbf16> {
  %zero = arith.constant 0.0 : bf16
  %e = tensor.empty() : tensor<512x256xbf16>
  %c = linalg.fill ins(%zero : bf16) outs(%e : tensor<512x256xbf16>) -> tensor<512x256xbf16>
  %r = linalg.matmul {fp8.role = "grad_input"} ins(%g, %w : tensor<512x384xbf16>, tensor<384x256xbf16>) outs(%c : tensor<512x256xbf16>) -> tensor<512x256xbf16>
  return %r : tensor<512x256xbf16>
}

func.func @grad_weight(%gt: tensor<384x512xbf16>, %x: tensor<512x256xbf16>) -> tensor<384x256xbf16> {
  %zero = arith.constant 0.0 : bf16
  %e = tensor.empty() : tensor<384x256xbf16>
  %c = linalg.fill ins(%zero : bf16) outs(%e : tensor<384x256xbf16>) -> tensor<384x256xbf16>
  %r = linalg.matmul {fp8.role = "grad_weight"} ins(%gt, %x : tensor<384x512xbf16>, tensor<512x256xbf16>) outs(%c : tensor<384x256xbf16>) -> tensor<384x256xbf16>
  return %r : tensor<384x256xbf16>
}

// The number of elements whose bits differ.
func.func @mismatches(%a: tensor<?x?xbf16>, %b: tensor<?x?xbf16>) -> tensor<i32> {
  %e = tensor.empty() : tensor<i32>
  %z = arith.constant 0 : i32
  %init = linalg.fill ins(%z : i32) outs(%e : tensor<i32>) -> tensor<i32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> ()>], iterator_types = ["reduction", "reduction"]} ins(%a, %b : tensor<?x?xbf16>, tensor<?x?xbf16>) outs(%init : tensor<i32>) {
  ^bb0(%av: bf16, %bv: bf16, %acc: i32):
    %ai = arith.bitcast %av : bf16 to i16
    %bi = arith.bitcast %bv : bf16 to i16
    %ne = arith.cmpi ne, %ai, %bi : i16
    %n = arith.extui %ne : i1 to i32
    %s = arith.addi %acc, %n : i32
    linalg.yield %s : i32
  } -> tensor<i32>
  return %r : tensor<i32>
}

func.func @nonzeros(%a: tensor<?x?xbf16>) -> i32 {
  %e = tensor.empty() : tensor<i32>
  %z = arith.constant 0 : i32
  %init = linalg.fill ins(%z : i32) outs(%e : tensor<i32>) -> tensor<i32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> ()>], iterator_types = ["reduction", "reduction"]} ins(%a : tensor<?x?xbf16>) outs(%init : tensor<i32>) {
  ^bb0(%av: bf16, %acc: i32):
    %zero = arith.constant 0.0 : bf16
    %nz = arith.cmpf one, %av, %zero : bf16
    %n = arith.extui %nz : i1 to i32
    %s = arith.addi %acc, %n : i32
    linalg.yield %s : i32
  } -> tensor<i32>
  %v = tensor.extract %r[] : tensor<i32>
  return %v : i32
}

func.func @print(%v: i32) {
  %t = tensor.from_elements %v : tensor<1xi32>
  %u = tensor.cast %t : tensor<1xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}

func.func @compare(%a: tensor<?x?xbf16>, %b: tensor<?x?xbf16>) {
  %m = call @mismatches(%a, %b) : (tensor<?x?xbf16>, tensor<?x?xbf16>) -> tensor<i32>
  %v = tensor.extract %m[] : tensor<i32>
  call @print(%v) : (i32) -> ()
  return
}

func.func @main() {
  %c256 = arith.constant 256 : index
  %c384 = arith.constant 384 : index
  %c512 = arith.constant 512 : index
  %s0 = arith.constant 0 : i32
  %s1 = arith.constant 77 : i32
  %s2 = arith.constant 151 : i32
  %xd = call @data(%c512, %c256, %s0) : (index, index, i32) -> tensor<?x?xbf16>
  %wd = call @data(%c384, %c256, %s1) : (index, index, i32) -> tensor<?x?xbf16>
  %gd = call @data(%c512, %c384, %s2) : (index, index, i32) -> tensor<?x?xbf16>
  %x = tensor.cast %xd : tensor<?x?xbf16> to tensor<512x256xbf16>
  %w = tensor.cast %wd : tensor<?x?xbf16> to tensor<384x256xbf16>
  %g = tensor.cast %gd : tensor<?x?xbf16> to tensor<512x384xbf16>
  %out, %gi, %gw = call @layer(%x, %w, %g) : (tensor<512x256xbf16>, tensor<384x256xbf16>, tensor<512x384xbf16>) -> (tensor<512x384xbf16>, tensor<512x256xbf16>, tensor<384x256xbf16>)
  %ewt = tensor.empty() : tensor<256x384xbf16>
  %wt = linalg.transpose ins(%w : tensor<384x256xbf16>) outs(%ewt : tensor<256x384xbf16>) permutation = [1, 0]
  %egt = tensor.empty() : tensor<384x512xbf16>
  %gt = linalg.transpose ins(%g : tensor<512x384xbf16>) outs(%egt : tensor<384x512xbf16>) permutation = [1, 0]
  %rout = call @output(%x, %wt) : (tensor<512x256xbf16>, tensor<256x384xbf16>) -> tensor<512x384xbf16>
  %rgi = call @grad_input(%g, %w) : (tensor<512x384xbf16>, tensor<384x256xbf16>) -> tensor<512x256xbf16>
  %rgw = call @grad_weight(%gt, %x) : (tensor<384x512xbf16>, tensor<512x256xbf16>) -> tensor<384x256xbf16>
  %o1 = tensor.cast %out : tensor<512x384xbf16> to tensor<?x?xbf16>
  %o2 = tensor.cast %rout : tensor<512x384xbf16> to tensor<?x?xbf16>
  call @compare(%o1, %o2) : (tensor<?x?xbf16>, tensor<?x?xbf16>) -> ()
  %i1 = tensor.cast %gi : tensor<512x256xbf16> to tensor<?x?xbf16>
  %i2 = tensor.cast %rgi : tensor<512x256xbf16> to tensor<?x?xbf16>
  call @compare(%i1, %i2) : (tensor<?x?xbf16>, tensor<?x?xbf16>) -> ()
  %w1 = tensor.cast %gw : tensor<384x256xbf16> to tensor<?x?xbf16>
  %w2 = tensor.cast %rgw : tensor<384x256xbf16> to tensor<?x?xbf16>
  call @compare(%w1, %w2) : (tensor<?x?xbf16>, tensor<?x?xbf16>) -> ()
  %n1 = call @nonzeros(%o1) : (tensor<?x?xbf16>) -> i32
  %n2 = call @nonzeros(%i1) : (tensor<?x?xbf16>) -> i32
  %n3 = call @nonzeros(%w1) : (tensor<?x?xbf16>) -> i32
  %n12 = arith.addi %n1, %n2 : i32
  %n = arith.addi %n12, %n3 : i32
  call @print(%n) : (i32) -> ()
  return
}
