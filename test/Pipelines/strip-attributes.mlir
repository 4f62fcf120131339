// A function-level fp8.config and fp8.weight argument marks are consumed by
// the rewrite and dropped (--fp8-strip-attributes, run by every pipeline):
// the LLVM-dialect output parses without the fp8 dialect and runs.
// RUN: fp8-opt %s --fp8-strip-attributes | FileCheck %s --check-prefix=STRIP
// RUN: fp8-opt %s --fp8-cpu-pipeline | FileCheck %s --check-prefix=LLVM
// RUN: fp8-opt %s --fp8-cpu-pipeline | mlir-runner -e main -entry-point-result=void %mlir_runner_libs | FileCheck %s
// RUN: fp8-opt %s --fp8-nvvm-pipeline="chip=sm_90a" | FileCheck %s --check-prefix=LLVM
// RUN: fp8-opt %s --fp8-rocdl-pipeline="chip=gfx942" | FileCheck %s --check-prefix=LLVM

// STRIP: func.func private @layer(%{{.+}}: tensor<16x32xbf16>, %{{.+}}: tensor<32x16xbf16>) -> tensor<16x16xf32> {
// STRIP: linalg.matmul ins(
// STRIP-NOT: fp8.
// LLVM-NOT: fp8.
// CHECK: [32,  32]
func.func private @printMemrefF32(tensor<*xf32>)
func.func private @layer(%x: tensor<16x32xbf16>, %w: tensor<32x16xbf16> {fp8.weight}) -> tensor<16x16xf32> attributes {fp8.config = #fp8.linear<recipe = rowwise>} {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x16xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<16x16xf32>) -> tensor<16x16xf32>
  %r = linalg.matmul {fp8.role = "output"} ins(%x, %w : tensor<16x32xbf16>, tensor<32x16xbf16>) outs(%i : tensor<16x16xf32>) -> tensor<16x16xf32>
  return %r : tensor<16x16xf32>
}
func.func @main() {
  %one = arith.constant 1.0 : bf16
  %ex = tensor.empty() : tensor<16x32xbf16>
  %x = linalg.fill ins(%one : bf16) outs(%ex : tensor<16x32xbf16>) -> tensor<16x32xbf16>
  %ew = tensor.empty() : tensor<32x16xbf16>
  %w = linalg.fill ins(%one : bf16) outs(%ew : tensor<32x16xbf16>) -> tensor<32x16xbf16>
  %r = call @layer(%x, %w) : (tensor<16x32xbf16>, tensor<32x16xbf16>) -> tensor<16x16xf32>
  %s = tensor.extract_slice %r[0, 0] [1, 2] [1, 1] : tensor<16x16xf32> to tensor<2xf32>
  %u = tensor.cast %s : tensor<2xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
