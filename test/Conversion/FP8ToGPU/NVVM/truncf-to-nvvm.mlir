// RUN: fp8-opt %s -split-input-file --fp8-truncf-to-nvvm | FileCheck %s

// Scalar f32 -> f8E4M3FN: the saturating, round-to-nearest-even pair
// conversion with 0 in the high byte, the low byte kept.
// CHECK-LABEL: func @e4m3(
// CHECK-SAME: %[[X:.+]]: f32
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[PAIR:.+]] = nvvm.convert.f32x2.to.f8x2 %[[ZERO]], %[[X]] {rnd = #nvvm.fp_rnd_mode<rn>, sat = #nvvm.sat_mode<satfinite>} : i16(f8E4M3FN)
// CHECK: %[[LOW:.+]] = arith.trunci %[[PAIR]] : i16 to i8
// CHECK: %[[Q:.+]] = arith.bitcast %[[LOW]] : i8 to f8E4M3FN
// CHECK: return %[[Q]]
func.func @e4m3(%x: f32) -> f8E4M3FN {
  %q = arith.truncf %x : f32 to f8E4M3FN
  return %q : f8E4M3FN
}

// -----

// CHECK-LABEL: func @e5m2(
// CHECK: nvvm.convert.f32x2.to.f8x2 %{{.+}}, %{{.+}} {rnd = #nvvm.fp_rnd_mode<rn>, sat = #nvvm.sat_mode<satfinite>} : i16(f8E5M2)
func.func @e5m2(%x: f32) -> f8E5M2 {
  %q = arith.truncf %x : f32 to f8E5M2
  return %q : f8E5M2
}

// -----

// No hardware conversion: fnuz types, non-f32 sources and vectors stay for
// the software conversions.
// CHECK-LABEL: func @left_alone(
// CHECK-NOT: nvvm.convert
// CHECK: arith.truncf %{{.+}} : f32 to f8E4M3FNUZ
// CHECK: arith.truncf %{{.+}} : bf16 to f8E4M3FN
// CHECK: arith.truncf %{{.+}} : vector<2xf32> to vector<2xf8E4M3FN>
func.func @left_alone(%x: f32, %y: bf16, %v: vector<2xf32>)
    -> (f8E4M3FNUZ, f8E4M3FN, vector<2xf8E4M3FN>) {
  %a = arith.truncf %x : f32 to f8E4M3FNUZ
  %b = arith.truncf %y : bf16 to f8E4M3FN
  %c = arith.truncf %v : vector<2xf32> to vector<2xf8E4M3FN>
  return %a, %b, %c : f8E4M3FNUZ, f8E4M3FN, vector<2xf8E4M3FN>
}
