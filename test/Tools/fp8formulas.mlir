// scripts/fp8formulas.py, the one copy of torchao's float8 formulas that the
// Python checkers and benchmarks import (bench/bench.py,
// bench/torch-crosscheck*.py, test/Integration/GPU/check-cases.py): its
// values for known inputs, then its scales and fp8 codes against
// tools/fp8-reference (llvm::APFloat) on cases of every float8 type, both
// granularities, with and without power-of-2 scales, and data with zero
// rows, overflowing values, outliers and NaN.
// RUN: %python %S/Inputs/check-fp8formulas.py %fp8_obj_root/bin/fp8-reference | FileCheck %s

// Largest finite values and their codes.
// CHECK: max f8E4M3FN 448 code 0x7e
// CHECK-NEXT: max f8E5M2 57344 code 0x7b
// CHECK-NEXT: max f8E4M3FNUZ 240 code 0x7f
// CHECK-NEXT: max f8E5M2FNUZ 57344 code 0x7f

// amax_to_scale: f32(max / clamp(amax, 1e-12)), pow2 rounds down (also
// 2 f32 ulps below 8: 4); inf gives 0, NaN stays NaN.
// CHECK-NEXT: amax_to_scale f8E4M3FN amax=1.0 pow2=0: 448.0 0x43e00000
// CHECK-NEXT: amax_to_scale f8E4M3FN amax=1.0 pow2=1: 256.0 0x43800000
// CHECK-NEXT: amax_to_scale f8E4M3FN amax=3.0 pow2=0: 149.3333282470703 0x43155555
// CHECK-NEXT: amax_to_scale f8E4M3FN amax=3.0 pow2=1: 128.0 0x43000000
// CHECK-NEXT: amax_to_scale f8E4M3FN amax=448.0 pow2=1: 1.0 0x3f800000
// CHECK-NEXT: amax_to_scale f8E4M3FN amax=0.0 pow2=0: 447999985582080.0 0x57cbba10
// CHECK-NEXT: amax_to_scale f8E4M3FN amax=1e-13 pow2=1: 281474976710656.0 0x57800000
// CHECK-NEXT: amax_to_scale f8E4M3FN amax=inf pow2=1: 0.0 0x00000000
// CHECK-NEXT: amax_to_scale f8E4M3FN amax=56.0 pow2=1: 8.0 0x41000000
// CHECK-NEXT: amax_to_scale f8E4M3FN amax=56.000006675720215 pow2=0: 7.999999046325684 0x40fffffe
// CHECK-NEXT: amax_to_scale f8E4M3FN amax=56.000006675720215 pow2=1: 4.0 0x40800000
// CHECK-NEXT: amax_to_scale f8E5M2 amax=1.0 pow2=0: 57344.0 0x47600000
// CHECK-NEXT: amax_to_scale f8E5M2 amax=1.0 pow2=1: 32768.0 0x47000000
// CHECK-NEXT: amax_to_scale f8E4M3FNUZ amax=1.0 pow2=1: 128.0 0x43000000
// CHECK-NEXT: amax_to_scale f8E5M2FNUZ amax=3.0 pow2=0: 19114.666015625 0x46955555
// CHECK-NEXT: amax_to_scale f8E4M3FN amax=nan pow2=1: nan 0x7fc00000

// Saturated casts: +-max for overflow and inf, NaN codes per type, round
// half to even, subnormals, -0 (none in fnuz).
// CHECK-NEXT: to_fp8_saturated f8E4M3FN 1000000.0*1.0: 0x7e = 448.0
// CHECK-NEXT: to_fp8_saturated f8E4M3FN -1000000.0*1.0: 0xfe = -448.0
// CHECK-NEXT: to_fp8_saturated f8E4M3FN inf*1.0: 0x7e = 448.0
// CHECK-NEXT: to_fp8_saturated f8E4M3FN 449.0*1.0: 0x7e = 448.0
// CHECK-NEXT: to_fp8_saturated f8E4M3FN 3e+38*3e+38: 0x7e = 448.0
// CHECK-NEXT: to_fp8_saturated f8E5M2 1000000.0*1.0: 0x7b = 57344.0
// CHECK-NEXT: to_fp8_saturated f8E5M2 -1000000.0*1.0: 0xfb = -57344.0
// CHECK-NEXT: to_fp8_saturated f8E5M2 inf*1.0: 0x7b = 57344.0
// CHECK-NEXT: to_fp8_saturated f8E4M3FNUZ 1000000.0*1.0: 0x7f = 240.0
// CHECK-NEXT: to_fp8_saturated f8E4M3FNUZ -1000000.0*1.0: 0xff = -240.0
// CHECK-NEXT: to_fp8_saturated f8E5M2FNUZ -1000000.0*1.0: 0xff = -57344.0
// CHECK-NEXT: to_fp8_saturated f8E4M3FN nan*1.0: 0x7f = nan
// CHECK-NEXT: to_fp8_saturated f8E4M3FN 1.0*nan: 0x7f = nan
// CHECK-NEXT: to_fp8_saturated f8E5M2 nan*1.0: 0x7e = nan
// CHECK-NEXT: to_fp8_saturated f8E4M3FNUZ nan*1.0: 0x80 = nan
// CHECK-NEXT: to_fp8_saturated f8E5M2FNUZ nan*1.0: 0x80 = nan
// CHECK-NEXT: to_fp8_saturated f8E4M3FN 1.0625*1.0: 0x38 = 1.0
// CHECK-NEXT: to_fp8_saturated f8E4M3FN 1.1875*1.0: 0x3a = 1.25
// CHECK-NEXT: to_fp8_saturated f8E4M3FN 0.0009765625*1.0: 0x00 = 0.0
// CHECK-NEXT: to_fp8_saturated f8E4M3FN 0.0029296875*1.0: 0x02 = 0.00390625
// CHECK-NEXT: to_fp8_saturated f8E4M3FN -0.0*1.0: 0x80 = -0.0
// CHECK-NEXT: to_fp8_saturated f8E4M3FNUZ -0.0*1.0: 0x00 = 0.0
// CHECK-NEXT: to_fp8_saturated f8E5M2 18.0*1.0: 0x4c = 16.0
// CHECK-NEXT: to_fp8_saturated f8E5M2 22.0*1.0: 0x4e = 24.0

// GEMM error bounds (check-cases.py), in units of |A||B| / (sa sb).
// CHECK-NEXT: tensor_core_coefficient K=16 fast=1: 0.001221001148223877
// CHECK-NEXT: tensor_core_coefficient K=200 fast=0: 0.008056998252868652
// CHECK-NEXT: tensor_core_coefficient K=4096 fast=1: 0.2502462863922119
// CHECK-NEXT: tensor_core_coefficient K=4096 fast=0: 0.008058786392211914
// CHECK-NEXT: f32_accumulation_coefficient K=4096: 0.00024437904357910156
// CHECK-NEXT: torch_tensor_core_coefficient K=4096: 0.250244140625
// CHECK-NEXT: high_precision_coefficient K=4096 bf16: 16.0

// A runtime memref dump (FP8D header, 2 x 3 int8).
// CHECK-NEXT: dump: sizes [2, 3] values [1, 2, -1, 4, -128, 6]

// Scales and codes bit for bit against fp8-reference.
// CHECK-NOT: DIFFERENT
// CHECK: fp8formulas vs fp8-reference: 122 cases, {{[0-9]+}} scales ({{[1-9][0-9]*}} NaN) and {{[0-9]+}} fp8 codes, 0 different
