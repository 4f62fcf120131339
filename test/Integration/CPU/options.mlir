// Types, type configs and Float8LinearConfig flags through the CPU pipeline,
// against tools/fp8-reference (see recipes.mlir).
//
// Input/result dtypes.
// RUN: %check_case -- --recipe=rowwise --dtype=f16 | FileCheck %s --check-prefix=ROW
// RUN: %check_case -- --recipe=rowwise --dtype=f32 | FileCheck %s --check-prefix=ROW
// RUN: %check_case -- --recipe=tensorwise --role=grad_input --dtype=f16 | FileCheck %s --check-prefix=TEN
// RUN: %check_case -- --recipe=tensorwise --role=grad_input --dtype=f32 | FileCheck %s --check-prefix=TEN
//
// MI300 fnuz types (max 240 for e4m3fnuz, e5m2fnuz grad_output).
// RUN: %check_case --pipeline-options="type-config=fnuz" -- --type-config=fnuz --recipe=tensorwise --role=grad_input | FileCheck %s --check-prefix=TEN
// RUN: %check_case --pipeline-options="chip=gfx942" -- --type-config=fnuz --recipe=rowwise | FileCheck %s --check-prefix=ROW
// On the CPU a chip only picks the type config; any type runs (in software).
// RUN: %check_case --pipeline-options="chip=gfx942 type-config=ocp" -- --recipe=tensorwise | FileCheck %s --check-prefix=TEN
//
// The weight stored N x K, as nn.Linear keeps it.
// RUN: %check_case -- --recipe=rowwise --transpose-b | FileCheck %s --check-prefix=ROW
// RUN: %check_case -- --recipe=tensorwise --transpose-b --dtype=f32 | FileCheck %s --check-prefix=TEN
//
// pad_inner_dim with K = 40 (padded to 48 after the cast).
// RUN: %check_case -- --recipe=rowwise --pad --k=40 | FileCheck %s --check-prefix=PAD
//
// emulate: f32 matmul of the dequantized operands; any shape.
// RUN: %check_case -- --recipe=tensorwise --emulate --m=3 --k=5 --n=7 | FileCheck %s --check-prefix=EMU
// RUN: %check_case -- --recipe=rowwise --emulate --dtype=f32 | FileCheck %s --check-prefix=ROW
//
// A non-zero init is added after the scaled product.
// RUN: %check_case -- --recipe=tensorwise --init | FileCheck %s --check-prefix=TEN
//
// TEN: OK: 1026 bit-exact values, 256 gemm values within rtol 1e-05
// ROW: OK: 1056 bit-exact values, 256 gemm values within rtol 1e-05
// 16 row scales + 16 column scales + 2 x 640 codes.
// PAD: OK: 1312 bit-exact values, 256 gemm values within rtol 1e-05
// EMU: OK: 52 bit-exact values, 21 gemm values within rtol 1e-05
