// fp8's CUDA runtime without a GPU: printMemref* prints what mlir-runner's
// runner utilities print (checked against mlir-runner itself below),
// memrefCopy follows strides, FP8_DUMP_DIR writes binary copies, and an
// executable built by fp8-cuda-compile fails with a clear message and
// status 1 where there is no driver.
// REQUIRES: cuda-runtime
// RUN: rm -rf %t && mkdir -p %t/dumps
// RUN: %host_cc %S/Inputs/print.c %fp8_cuda_runtime -ldl -lstdc++ -o %t/print
// RUN: %t/print | FileCheck %s --check-prefix=PRINT
// RUN: %t/print | sed -e 's/base@ = 0x[0-9a-f]*/base@/' > %t/ours.txt
// RUN: mlir-opt %s --finalize-memref-to-llvm --convert-func-to-llvm --reconcile-unrealized-casts \
// RUN:   | mlir-runner -e main -entry-point-result=void %mlir_runner_libs | sed -e 's/base@ = 0x[0-9a-f]*/base@/' > %t/theirs.txt
// RUN: diff %t/ours.txt %t/theirs.txt
//
// RUN: env FP8_DUMP_DIR=%t/dumps FP8_PRINT=none %t/print | FileCheck %s --check-prefix=NONE
// RUN: ls %t/dumps | FileCheck %s --check-prefix=FILES
// 4 magic + 8 header + 16 sizes + 24 data bytes.
// RUN: wc -c < %t/dumps/0000.bin | FileCheck %s --check-prefix=SIZE
//
// PRINT: Unranked Memref base@ = 0x{{[0-9a-f]+}} rank = 2 offset = 0 sizes = [2, 3] strides = [3, 1] data =
// PRINT-NEXT: {{\[}}[1.5,   -2,   0],
// PRINT-NEXT:  [3.25,   1e-08,   65504]]
// PRINT: rank = 2 offset = 0 sizes = [3, 2] strides = [1, 3] data =
// PRINT-NEXT: {{\[}}[1.5,   3.25],
// PRINT-NEXT:  [-2,   1e-08],
// PRINT-NEXT:  [0,   65504]]
// PRINT: rank = 0 offset = 0 sizes = [] strides = [] data =
// PRINT-NEXT: [1137032425]
// PRINT: rank = 2 offset = 0 sizes = [3, 2] strides = [2, 1] data =
// PRINT-NEXT: {{\[}}[1.5,   3.25],
// NONE: data =
// NONE-NEXT: <not printed: FP8_PRINT=none>
// FILES: 0000.bin
// FILES-NEXT: 0001.bin
// FILES-NEXT: 0002.bin
// FILES-NEXT: 0003.bin
// SIZE: 52

// The same memrefs printed by mlir-runner's utilities.
memref.global "private" constant @f : memref<2x3xf32> = dense<[[1.5, -2.0, 0.0], [3.25, 1.0e-8, 65504.0]]>
memref.global "private" constant @s : memref<i32> = dense<1137032425>
memref.global "private" constant @d : memref<3x2xf32> = dense<[[1.5, 3.25], [-2.0, 1.0e-8], [0.0, 65504.0]]>
func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func @main() {
  %f = memref.get_global @f : memref<2x3xf32>
  %fu = memref.cast %f : memref<2x3xf32> to memref<*xf32>
  call @printMemrefF32(%fu) : (memref<*xf32>) -> ()
  %t = memref.reinterpret_cast %f to offset: [0], sizes: [3, 2], strides: [1, 3] : memref<2x3xf32> to memref<3x2xf32, strided<[1, 3]>>
  %tu = memref.cast %t : memref<3x2xf32, strided<[1, 3]>> to memref<*xf32>
  call @printMemrefF32(%tu) : (memref<*xf32>) -> ()
  %s = memref.get_global @s : memref<i32>
  %su = memref.cast %s : memref<i32> to memref<*xi32>
  call @printMemrefI32(%su) : (memref<*xi32>) -> ()
  %d = memref.get_global @d : memref<3x2xf32>
  %du = memref.cast %d : memref<3x2xf32> to memref<*xf32>
  call @printMemrefF32(%du) : (memref<*xf32>) -> ()
  return
}
