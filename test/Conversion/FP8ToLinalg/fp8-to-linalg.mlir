// RUN: fp8-opt %s -split-input-file --fp8-lower-to-linalg | FileCheck %s

// amax: max(|x|) widened to f32, NaN-propagating maximumf, keep-dim.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func @amax_axiswise
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<16xf32>)
// CHECK: %[[RED:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: ins(%{{.+}} : tensor<16x32xbf16>) outs(%[[INIT]] : tensor<16xf32>)
// CHECK: ^bb0(%[[IN:.+]]: bf16, %[[ACC:.+]]: f32):
// CHECK:   %[[W:.+]] = arith.extf %[[IN]] : bf16 to f32
// CHECK:   %[[ABS:.+]] = math.absf %[[W]] : f32
// CHECK:   %[[MAX:.+]] = arith.maximumf %[[ABS]], %[[ACC]] : f32
// CHECK:   linalg.yield %[[MAX]]
// CHECK: tensor.expand_shape %[[RED]] {{\[}}[0, 1]] output_shape [16, 1] : tensor<16xf32> into tensor<16x1xf32>
func.func @amax_axiswise(%x: tensor<16x32xbf16>) -> tensor<16x1xf32> {
  %0 = fp8.amax %x axiswise(1) : tensor<16x32xbf16> -> tensor<16x1xf32>
  return %0 : tensor<16x1xf32>
}

// -----

// CHECK-LABEL: func @amax_columns
// CHECK: linalg.generic {{.+}} iterator_types = ["reduction", "parallel"]
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0, 1]] output_shape [1, 32] : tensor<32xf32> into tensor<1x32xf32>
func.func @amax_columns(%x: tensor<16x32xf16>) -> tensor<1x32xf32> {
  %0 = fp8.amax %x axiswise(0) : tensor<16x32xf16> -> tensor<1x32xf32>
  return %0 : tensor<1x32xf32>
}

// -----

// CHECK-LABEL: func @amax_tensorwise
// CHECK: %[[R:.+]] = linalg.generic {{.+}} iterator_types = ["reduction", "reduction"]
// CHECK-SAME: outs(%{{.+}} : tensor<f32>)
// CHECK-NOT: expand_shape
// CHECK: return %[[R]]
func.func @amax_tensorwise(%x: tensor<16x32xf32>) -> tensor<f32> {
  %0 = fp8.amax %x tensorwise : tensor<16x32xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// CHECK-LABEL: func @amax_batch
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "reduction", "reduction"]
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0, 1, 2]] output_shape [4, 1, 1] : tensor<4xf32> into tensor<4x1x1xf32>
func.func @amax_batch(%x: tensor<4x16x32xbf16>) -> tensor<4x1x1xf32> {
  %0 = fp8.amax %x tensorwise batch(1) : tensor<4x16x32xbf16> -> tensor<4x1x1xf32>
  return %0 : tensor<4x1x1xf32>
}

// -----

// amax_to_scale: f64 division by the eps-clamped amax, rounded to f32, then
// the power-of-2 floor, exactly from the bits (exponent; leading mantissa bit
// for subnormals; NaN kept).
// CHECK-LABEL: func @amax_to_scale
// CHECK: ^bb0(%[[A:.+]]: f32, %{{.+}}: f32):
// CHECK:   %[[A64:.+]] = arith.extf %[[A]] : f32 to f64
// CHECK:   %[[EPS:.+]] = arith.constant 9.9999999999999998E-13 : f64
// CHECK:   %[[C:.+]] = arith.maximumf %[[A64]], %[[EPS]] : f64
// CHECK:   %[[MAX:.+]] = arith.constant 2.400000e+02 : f64
// CHECK:   %[[D:.+]] = arith.divf %[[MAX]], %[[C]] : f64
// CHECK:   %[[S:.+]] = arith.truncf %[[D]] : f64 to f32
// CHECK:   %[[BITS:.+]] = arith.bitcast %[[S]] : f32 to i32
// CHECK:   %[[EXP:.+]] = arith.andi %[[BITS]], %{{.+}} : i32
// CHECK:   math.ctlz
// CHECK:   %[[P:.+]] = arith.select %{{.+}}, %[[S]], %{{.+}} : f32
// CHECK:   linalg.yield %[[P]] : f32
func.func @amax_to_scale(%a: tensor<16x1xf32>) -> tensor<16x1xf32> {
  %0 = fp8.amax_to_scale %a {round_to_power_of_2} : tensor<16x1xf32> for f8E4M3FNUZ
  return %0 : tensor<16x1xf32>
}

// -----

// CHECK-LABEL: func @amax_to_scale_e5m2
// CHECK: arith.constant 5.734400e+04 : f64
// CHECK-NOT: math.ctlz
func.func @amax_to_scale_e5m2(%a: tensor<f32>) -> tensor<f32> {
  %0 = fp8.amax_to_scale %a : tensor<f32> for f8E5M2
  return %0 : tensor<f32>
}

// -----

// cast: f32 multiply by the broadcast scale, clamp to +-max, truncf.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[BCAST:.+]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func @cast
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[BCAST]], #[[ID]]]
// CHECK: ^bb0(%[[X:.+]]: bf16, %[[S:.+]]: f32, %{{.+}}: f8E4M3FN):
// CHECK:   %[[W:.+]] = arith.extf %[[X]] : bf16 to f32
// CHECK:   %[[M:.+]] = arith.mulf %[[W]], %[[S]] : f32
// CHECK:   %[[HI:.+]] = arith.constant 4.480000e+02 : f32
// CHECK:   %[[LO:.+]] = arith.constant -4.480000e+02 : f32
// CHECK:   %[[C1:.+]] = arith.maximumf %[[M]], %[[LO]] : f32
// CHECK:   %[[C2:.+]] = arith.minimumf %[[C1]], %[[HI]] : f32
// CHECK:   %[[Q:.+]] = arith.truncf %[[C2]] : f32 to f8E4M3FN
// CHECK:   linalg.yield %[[Q]]
func.func @cast(%x: tensor<16x32xbf16>, %s: tensor<16x1xf32>) -> tensor<16x32xf8E4M3FN> {
  %0 = fp8.cast %x, %s : tensor<16x32xbf16>, tensor<16x1xf32> -> tensor<16x32xf8E4M3FN>
  return %0 : tensor<16x32xf8E4M3FN>
}

// -----

// scaled_matmul: widen both operands, f32 matmul with loops (m, k, n),
// reciprocal scales on the accumulator, round to the result type.
// CHECK-DAG: #[[A:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[B:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[C:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[SB:.+]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-LABEL: func @scaled_matmul
// CHECK: %[[A32:.+]] = linalg.generic {{.+}} ins(%{{.+}} : tensor<16x32xf8E4M3FN>) outs(%{{.+}} : tensor<16x32xf32>)
// CHECK:   arith.extf %{{.+}} : f8E4M3FN to f32
// CHECK: %[[B32:.+]] = linalg.generic {{.+}} ins(%{{.+}} : tensor<32x64xf8E5M2>) outs(%{{.+}} : tensor<32x64xf32>)
// CHECK:   arith.extf %{{.+}} : f8E5M2 to f32
// CHECK: %[[ACC:.+]] = linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME: ins(%[[A32]], %[[B32]] : tensor<16x32xf32>, tensor<32x64xf32>)
// CHECK:   arith.mulf
// CHECK:   arith.addf
// CHECK: linalg.generic {{.+}} ins(%[[ACC]], %{{.+}}, %{{.+}} : tensor<16x64xf32>, tensor<f32>, tensor<1x64xf32>)
// CHECK: ^bb0(%[[V:.+]]: f32, %[[SA:.+]]: f32, %[[SBV:.+]]: f32, %{{.+}}: bf16):
// CHECK:   %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK:   %[[IA:.+]] = arith.divf %[[ONE]], %[[SA]] : f32
// CHECK:   %[[IB:.+]] = arith.divf %[[ONE]], %[[SBV]] : f32
// CHECK:   %[[T:.+]] = arith.mulf %[[V]], %[[IA]] : f32
// CHECK:   %[[U:.+]] = arith.mulf %[[T]], %[[IB]] : f32
// CHECK:   %[[R:.+]] = arith.truncf %[[U]] : f32 to bf16
// CHECK:   linalg.yield %[[R]] : bf16
func.func @scaled_matmul(%a: tensor<16x32xf8E4M3FN>, %b: tensor<32x64xf8E5M2>, %sa: tensor<f32>, %sb: tensor<1x64xf32>) -> tensor<16x64xbf16> {
  %0 = fp8.scaled_matmul %a, %b scales(%sa, %sb) : tensor<16x32xf8E4M3FN>, tensor<32x64xf8E5M2>, tensor<f32>, tensor<1x64xf32> -> tensor<16x64xbf16>
  return %0 : tensor<16x64xbf16>
}

// -----

// emulate: divide each operand by its scale, then an f32 matmul.
// CHECK-LABEL: func @emulate
// CHECK: linalg.generic {{.+}} ins(%{{.+}}, %{{.+}} : tensor<16x32xf8E4M3FN>, tensor<16x1xf32>)
// CHECK:   %[[W:.+]] = arith.extf %{{.+}} : f8E4M3FN to f32
// CHECK:   arith.divf %[[W]], %{{.+}} : f32
// CHECK: linalg.generic {{.+}} ins(%{{.+}}, %{{.+}} : tensor<32x64xf8E4M3FN>, tensor<f32>)
// CHECK:   arith.divf
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "reduction", "parallel"]
// CHECK-NOT: arith.truncf
// CHECK: return
func.func @emulate(%a: tensor<16x32xf8E4M3FN>, %b: tensor<32x64xf8E4M3FN>, %sa: tensor<16x1xf32>, %sb: tensor<f32>) -> tensor<16x64xf32> {
  %0 = fp8.scaled_matmul %a, %b scales(%sa, %sb) {emulate} : tensor<16x32xf8E4M3FN>, tensor<32x64xf8E4M3FN>, tensor<16x1xf32>, tensor<f32> -> tensor<16x64xf32>
  return %0 : tensor<16x64xf32>
}

// -----

// CHECK-LABEL: func @batched
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "reduction", "parallel"]
// CHECK-SAME: ins(%{{.+}}, %{{.+}} : tensor<2x16x32xf32>, tensor<2x32x64xf32>)
// CHECK: arith.truncf %{{.+}} : f32 to f16
func.func @batched(%a: tensor<2x16x32xf8E4M3FN>, %b: tensor<2x32x64xf8E4M3FN>, %sa: tensor<2x1x1xf32>, %sb: tensor<2x1x64xf32>) -> tensor<2x16x64xf16> {
  %0 = fp8.scaled_matmul %a, %b scales(%sa, %sb) : tensor<2x16x32xf8E4M3FN>, tensor<2x32x64xf8E4M3FN>, tensor<2x1x1xf32>, tensor<2x1x64xf32> -> tensor<2x16x64xf16>
  return %0 : tensor<2x16x64xf16>
}
