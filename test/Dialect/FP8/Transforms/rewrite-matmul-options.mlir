// RUN: fp8-opt %s --fp8-rewrite-matmul="recipe=rowwise" | FileCheck %s --check-prefix=ROWWISE
// RUN: fp8-opt %s --fp8-rewrite-matmul="config=#fp8.linear<recipe=rowwise_with_gw_hp,emulate=true>" | FileCheck %s --check-prefix=CONFIG
// RUN: fp8-opt %s --fp8-rewrite-matmul="type-config=fnuz" | FileCheck %s --check-prefix=FNUZ
// RUN: fp8-opt %s --fp8-rewrite-matmul="chip=gfx942" | FileCheck %s --check-prefix=FNUZ
// RUN: fp8-opt %s --fp8-rewrite-matmul="chip=gfx940" | FileCheck %s --check-prefix=FNUZ
// RUN: fp8-opt %s --fp8-rewrite-matmul="chip=gfx950" | FileCheck %s --check-prefix=OCP
// RUN: fp8-opt %s --fp8-rewrite-matmul="chip=sm_90a" | FileCheck %s --check-prefix=OCP
// RUN: fp8-opt %s --fp8-rewrite-matmul="chip=gfx942 type-config=ocp config=#fp8.linear<emulate=true>" | FileCheck %s --check-prefix=OCP
// RUN: fp8-opt %s --fp8-rewrite-matmul | FileCheck %s --check-prefix=OCP

// ROWWISE: fp8.amax %{{.+}} axiswise(1) : tensor<32x64xbf16> -> tensor<32x1xf32>
// ROWWISE: fp8.amax_to_scale %{{.+}} {round_to_power_of_2} : tensor<32x1xf32> for f8E4M3FN
// ROWWISE: fp8.amax %{{.+}} axiswise(0) : tensor<64x128xbf16> -> tensor<1x128xf32>
// ROWWISE: fp8.scaled_matmul {{.+}} {gemm = #fp8.gemm<>} : tensor<32x64xf8E4M3FN>, tensor<64x128xf8E4M3FN>, tensor<32x1xf32>, tensor<1x128xf32>

// rowwise_with_gw_hp grad_input: axiswise grad_output, tensorwise weight.
// CONFIG: fp8.amax %{{.+}} axiswise(1) : tensor<32x64xbf16> -> tensor<32x1xf32>
// CONFIG: fp8.amax %{{.+}} tensorwise : tensor<64x128xbf16> -> tensor<f32>
// CONFIG: fp8.scaled_matmul {{.+}} {emulate, gemm = #fp8.gemm<>} : tensor<32x64xf8E4M3FN>, tensor<64x128xf8E4M3FN>, tensor<32x1xf32>, tensor<f32>

// MI300 (gfx940/941/942) uses the fnuz types: grad_output e5m2fnuz, weight
// e4m3fnuz (max 240 instead of 448).
// FNUZ: fp8.amax_to_scale %{{.+}} : tensor<f32> for f8E5M2FNUZ
// FNUZ: fp8.amax_to_scale %{{.+}} : tensor<f32> for f8E4M3FNUZ
// FNUZ: fp8.scaled_matmul {{.+}} : tensor<32x64xf8E5M2FNUZ>, tensor<64x128xf8E4M3FNUZ>

// OCP: fp8.amax_to_scale %{{.+}} : tensor<f32> for f8E5M2
// OCP: fp8.amax_to_scale %{{.+}} : tensor<f32> for f8E4M3FN
// OCP: fp8.scaled_matmul {{.+}} : tensor<32x64xf8E5M2>, tensor<64x128xf8E4M3FN>

func.func @grad_input(%go: tensor<32x64xbf16>, %w: tensor<64x128xbf16>) -> tensor<32x128xbf16> {
  %e = tensor.empty() : tensor<32x128xbf16>
  %r = linalg.matmul {fp8.role = "grad_input"} ins(%go, %w : tensor<32x64xbf16>, tensor<64x128xbf16>) outs(%e : tensor<32x128xbf16>) -> tensor<32x128xbf16>
  return %r : tensor<32x128xbf16>
}
