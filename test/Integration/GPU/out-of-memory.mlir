// Running out of device memory is one line and exit status 1, never a
// hang: under FP8_POOL_LIMIT (the 8 MiB second buffer does not fit in
// 12 MiB next to the first), and on the device (three 60 GiB buffers;
// check-train.py runs that one, too large for a test suite's GPU).
// REQUIRES: cuda-gpu, cuda-runtime, ptxas
// RUN: fp8-cuda-compile %s -o %t
// RUN: env FP8_POOL_LIMIT=12M not %t 2>&1 | FileCheck %s
// RUN: env FP8_POOL_LIMIT=64M %t | FileCheck %s --check-prefix=FITS
// CHECK: fp8-cuda-runtime: out of device memory: requested 8388608 bytes, 4194304 bytes free (8388608 bytes in use by this program, FP8_POOL_LIMIT reached)
// CHECK-NOT: data =
// FITS: [0,   2]
// FITS: [0,   1]
func.func private @printMemrefF32(tensor<*xf32>)
func.func @main() {
  %e0 = tensor.empty() : tensor<2097152xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>], iterator_types = ["parallel"]} outs(%e0 : tensor<2097152xf32>) {
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %c3 = arith.constant 3 : index
    %r = arith.remui %i, %c3 : index
    %ri = arith.index_cast %r : index to i32
    %f = arith.sitofp %ri : i32 to f32
    linalg.yield %f : f32
  } -> tensor<2097152xf32>
  %e1 = tensor.empty() : tensor<2097152xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%a : tensor<2097152xf32>) outs(%e1 : tensor<2097152xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.addf %x, %x : f32
    linalg.yield %y : f32
  } -> tensor<2097152xf32>
  %s = tensor.extract_slice %b[0] [2] [1] : tensor<2097152xf32> to tensor<2xf32>
  %u = tensor.cast %s : tensor<2xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  %sa = tensor.extract_slice %a[0] [2] [1] : tensor<2097152xf32> to tensor<2xf32>
  %ua = tensor.cast %sa : tensor<2xf32> to tensor<*xf32>
  call @printMemrefF32(%ua) : (tensor<*xf32>) -> ()
  return
}
