// Edge-case data through the CPU pipeline, against tools/fp8-reference.
//
// An all-zero row: its amax is 0, the scale is max/1e-12 (torchao's eps
// clamp), every code 0.
// RUN: %check_case -- --recipe=rowwise --data=zero-row | FileCheck %s --check-prefix=ROW
// RUN: %check_case -- --recipe=tensorwise --data=zero-row | FileCheck %s --check-prefix=TEN
//
// Values far beyond the fp8 range (1e30 in bf16/f32, 60000 in f16) next to
// ordinary ones: scaling keeps them finite, the clamp saturates.
// RUN: %check_case -- --recipe=rowwise --data=overflow | FileCheck %s --check-prefix=ROW
// RUN: %check_case -- --recipe=tensorwise --data=overflow --dtype=f16 | FileCheck %s --check-prefix=TEN
// RUN: %check_case -- --recipe=tensorwise --role=grad_input --data=overflow --dtype=f32 | FileCheck %s --check-prefix=TEN
//
// One outlier (3000) dominates a tensorwise scale.
// RUN: %check_case -- --recipe=tensorwise --data=outliers | FileCheck %s --check-prefix=TEN
//
// A NaN input: NaN amax, NaN scale, NaN codes (0x7F / 0xFF in e4m3fn,
// 0x80 in fnuz) and NaN results in its row (or everywhere, tensorwise).
// RUN: %check_case -- --recipe=rowwise --data=nan | FileCheck %s --check-prefix=ROW
// RUN: %check_case -- --recipe=tensorwise --data=nan | FileCheck %s --check-prefix=TEN
// RUN: %check_case --pipeline-options="type-config=fnuz" -- --type-config=fnuz --recipe=rowwise --data=nan | FileCheck %s --check-prefix=ROW
//
// TEN: OK: 1026 bit-exact values, 256 gemm values within rtol 1e-05
// ROW: OK: 1056 bit-exact values, 256 gemm values within rtol 1e-05
