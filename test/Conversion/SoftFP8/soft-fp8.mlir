// RUN: fp8-opt %s -split-input-file --fp8-soft-conversions | FileCheck %s
// RUN: fp8-opt %s -split-input-file --fp8-soft-conversions="saturate=true" | FileCheck %s --check-prefix=SAT
// RUN: fp8-opt %s -split-input-file --fp8-soft-conversions --convert-arith-to-llvm | FileCheck %s --check-prefix=LLVM

// The expansion is integer code on the bit patterns; the exhaustive checks
// against APFloat are in unittests/SoftFP8Test.cpp.
// CHECK-LABEL: func @trunc_f32_e4m3fn
// CHECK-SAME: (%[[X:.+]]: f32)
// CHECK: %[[BITS:.+]] = arith.bitcast %[[X]] : f32 to i32
// CHECK: arith.shrui
// CHECK: arith.minui
// Overflow gives the NaN pattern 0x7F without saturation, 0x7E (448) with.
// CHECK: arith.constant 127 : i8
// CHECK: %[[F8:.+]] = arith.bitcast %{{.+}} : i8 to f8E4M3FN
// CHECK: return %[[F8]]
// SAT-LABEL: func @trunc_f32_e4m3fn
// SAT: arith.constant 126 : i8
// LLVM-LABEL: func @trunc_f32_e4m3fn
// LLVM-NOT: arith.truncf
// LLVM: llvm.bitcast %{{.+}} : f32 to i32
func.func @trunc_f32_e4m3fn(%x: f32) -> f8E4M3FN {
  %0 = arith.truncf %x : f32 to f8E4M3FN
  return %0 : f8E4M3FN
}

// -----

// bf16 and f16 sources are widened to f32 first (exact).
// CHECK-LABEL: func @trunc_bf16_e5m2
// CHECK: %[[W:.+]] = arith.extf %{{.+}} : vector<8xbf16> to vector<8xf32>
// CHECK: arith.bitcast %[[W]] : vector<8xf32> to vector<8xi32>
// CHECK: arith.bitcast %{{.+}} : vector<8xi8> to vector<8xf8E5M2>
func.func @trunc_bf16_e5m2(%x: vector<8xbf16>) -> vector<8xf8E5M2> {
  %0 = arith.truncf %x : vector<8xbf16> to vector<8xf8E5M2>
  return %0 : vector<8xf8E5M2>
}

// -----

// Decoding: integer rebias for normals, mantissa * 2^(1-bias-m) for
// subnormals; fnuz has a single NaN, 0x80.
// CHECK-LABEL: func @ext_e4m3fnuz_f32
// CHECK: arith.bitcast %{{.+}} : f8E4M3FNUZ to i8
// CHECK: arith.extui %{{.+}} : i8 to i32
// CHECK: arith.uitofp
// CHECK: arith.constant 9.765625E-4 : f32
// CHECK: arith.constant 128 : i32
// CHECK: arith.bitcast %{{.+}} : i32 to f32
func.func @ext_e4m3fnuz_f32(%x: f8E4M3FNUZ) -> f32 {
  %0 = arith.extf %x : f8E4M3FNUZ to f32
  return %0 : f32
}

// -----

// To bf16 the decoded f32 is truncated (every fp8 value is exact in bf16).
// CHECK-LABEL: func @ext_e5m2_bf16
// CHECK: arith.shrui %{{.+}}, %{{.+}} : i32
// CHECK: arith.trunci %{{.+}} : i32 to i16
// CHECK: arith.bitcast %{{.+}} : i16 to bf16
func.func @ext_e5m2_bf16(%x: f8E5M2) -> bf16 {
  %0 = arith.extf %x : f8E5M2 to bf16
  return %0 : bf16
}

// -----

// 8-bit float constants become i8 constants (here 1.0 = 0x38 in e4m3fn).
// CHECK-LABEL: func @constants
// CHECK: %[[C:.+]] = arith.constant 56 : i8
// CHECK: arith.bitcast %[[C]] : i8 to f8E4M3FN
// CHECK: %[[V:.+]] = arith.constant dense<[0, -64]> : vector<2xi8>
// CHECK: arith.bitcast %[[V]] : vector<2xi8> to vector<2xf8E5M2>
func.func @constants() -> (f8E4M3FN, vector<2xf8E5M2>) {
  %0 = arith.constant 1.0 : f8E4M3FN
  %1 = arith.constant dense<[0.0, -2.0]> : vector<2xf8E5M2>
  return %0, %1 : f8E4M3FN, vector<2xf8E5M2>
}

// -----

// f32 -> bf16 rounds to nearest even in integer code, NaN made quiet.
// CHECK-LABEL: func @trunc_f32_bf16
// CHECK: arith.bitcast %{{.+}} : f32 to i32
// CHECK: arith.constant 2139095040 : i32
// CHECK: arith.constant 64 : i32
// CHECK: arith.trunci %{{.+}} : i32 to i16
// CHECK: arith.bitcast %{{.+}} : i16 to bf16
func.func @trunc_f32_bf16(%x: f32) -> bf16 {
  %0 = arith.truncf %x : f32 to bf16
  return %0 : bf16
}

// -----

// Other conversions are left alone.
// CHECK-LABEL: func @untouched
// CHECK: arith.truncf %{{.+}} : f32 to f16
// CHECK: arith.extf %{{.+}} : f16 to f32
func.func @untouched(%x: f32) -> f32 {
  %0 = arith.truncf %x : f32 to f16
  %1 = arith.extf %0 : f16 to f32
  return %1 : f32
}
