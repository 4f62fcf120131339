// The cast and amax kernels' launch bounds, shared memory and memory
// instructions in the PTX of --fp8-nvvm-pipeline (sm_90a). fp8's kernels
// share one binary (@fp8_kernels), whose PTX is one line: each check below
// continues on it (`\09` is the escaped tab), the kernels in the order they
// were outlined.
// RUN: fp8-opt %s --fp8-nvvm-pipeline="chip=sm_90a" | FileCheck %s

// The tiled transposing cast: 256 threads, the 64 x 68-byte tile, 8-byte
// bf16 loads, 4-code stores of the rows as they are, the tile written as
// pairs of 2-code halves and read back as 32-bit words after the barrier,
// 16-byte stores of the transposed rows.
// CHECK: gpu.binary @fp8_kernels
// CHECK-SAME: .entry fp8_cast_transposed_{{[0-9a-f]+}}(
// CHECK-SAME: .maxntid 256, 1, 1
// The tile is aligned for those 32-bit accesses (it was .align 1, its
// element type's alignment, before the pipelines aligned kernels'
// workgroup memory to 16 bytes).
// CHECK-SAME: .shared .align 16 .b8 __wg_fp8_cast_transposed_{{[0-9a-f]+}}_0[4352];
// CHECK-SAME: ld.global.v4.b16
// CHECK-SAME: cvt.rn.satfinite.e5m2x2.f32
// CHECK-SAME: st.global.v2.b16
// CHECK-SAME: st.shared.v2.b16
// CHECK-SAME: bar.sync \090;
// CHECK-SAME: ld.shared.b32
// CHECK-SAME: st.global.v4.b32
// CHECK-SAME: ret;
// The amax along columns: 8 row lanes x 256 columns of f32 partials
// (8 KB), 16-byte loads, one atomic max per column.
// CHECK-SAME: .entry fp8_amax_columns_{{[0-9a-f]+}}(
// CHECK-SAME: .maxntid 256, 1, 1
// CHECK-SAME: .shared .align 16 .b8 __wg_fp8_amax_columns_{{[0-9a-f]+}}_0[8192];
// CHECK-SAME: ld.global.v4.b32
// CHECK-SAME: bar.sync \090;
// CHECK-SAME: atom.global.max.u32
// CHECK-SAME: ret;
// Rows of 6000 bf16, 4 warps a row and 2 rows a workgroup: 2 x 4 f32 of
// warp maxima in shared memory; 16-byte loads, 8-byte stores.
// CHECK-SAME: .entry fp8_cast_axiswise_{{[0-9a-f]+}}(
// CHECK-SAME: .maxntid 256, 1, 1
// CHECK-SAME: .shared .align 16 .b8 __wg_fp8_cast_axiswise_{{[0-9a-f]+}}_0[32];
// CHECK-SAME: ld.global.v4.b32
// CHECK-SAME: shfl.sync.bfly.b32
// CHECK-SAME: bar.sync \090;
// CHECK-SAME: cvt.rn.satfinite.e4m3x2.f32
// CHECK-SAME: st.global.v2.b32
// CHECK-SAME: ret;
func.func @kernels(%g: tensor<64x128xbf16>, %s: tensor<1x128xf32>, %x: tensor<16x6000xbf16>, %y: tensor<64x256xbf16>) -> (tensor<64x128xf8E5M2>, tensor<128x64xf8E5M2>, tensor<16x6000xf8E4M3FN>, tensor<1x256xf32>) {
  %q = fp8.cast %g, %s : tensor<64x128xbf16>, tensor<1x128xf32> -> tensor<64x128xf8E5M2>
  %e = tensor.empty() : tensor<128x64xf8E5M2>
  %t = linalg.transpose ins(%q : tensor<64x128xf8E5M2>) outs(%e : tensor<128x64xf8E5M2>) permutation = [1, 0]
  %amax = fp8.amax %x axiswise(1) : tensor<16x6000xbf16> -> tensor<16x1xf32>
  %scale = fp8.amax_to_scale %amax : tensor<16x1xf32> for f8E4M3FN
  %qx = fp8.cast %x, %scale : tensor<16x6000xbf16>, tensor<16x1xf32> -> tensor<16x6000xf8E4M3FN>
  %cols = fp8.amax %y axiswise(0) : tensor<64x256xbf16> -> tensor<1x256xf32>
  return %q, %t, %qx, %cols : tensor<64x128xf8E5M2>, tensor<128x64xf8E5M2>, tensor<16x6000xf8E4M3FN>, tensor<1x256xf32>
}
