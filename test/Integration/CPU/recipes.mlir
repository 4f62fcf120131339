// Every recipe x role through --fp8-cpu-pipeline and mlir-runner, compared
// with tools/fp8-reference (SPEC section 1 with llvm::APFloat conversions):
// scales and fp8 codes bit for bit, gemm results within rtol 1e-5.
//
// RUN: %check_case -- --recipe=tensorwise --role=output | FileCheck %s --check-prefix=TEN
// RUN: %check_case -- --recipe=tensorwise --role=grad_input | FileCheck %s --check-prefix=TEN
// RUN: %check_case -- --recipe=tensorwise --role=grad_weight | FileCheck %s --check-prefix=TEN
// RUN: %check_case -- --recipe=rowwise --role=output | FileCheck %s --check-prefix=ROW
// RUN: %check_case -- --recipe=rowwise --role=grad_input | FileCheck %s --check-prefix=ROW
// RUN: %check_case -- --recipe=rowwise --role=grad_weight | FileCheck %s --check-prefix=ROW
// RUN: %check_case -- --recipe=rowwise_with_gw_hp --role=output | FileCheck %s --check-prefix=ROW
// RUN: %check_case -- --recipe=rowwise_with_gw_hp --role=grad_input | FileCheck %s --check-prefix=GWHP-GI
// RUN: %check_case -- --recipe=rowwise_with_gw_hp --role=grad_weight | FileCheck %s --check-prefix=HP
//
// 16x32 @ 32x16: 2 tensorwise scales + 2 x 512 codes, 256 results.
// TEN: OK: 1026 bit-exact values, 256 gemm values within rtol 1e-05
// Axiswise: 16 row scales of A and 16 column scales of B.
// ROW: OK: 1056 bit-exact values, 256 gemm values within rtol 1e-05
// GWHP-GI: OK: 1041 bit-exact values, 256 gemm values within rtol 1e-05
// grad_weight stays a bf16 matmul: only its result is compared.
// HP: OK: 0 bit-exact values, 256 gemm values within rtol 1e-05
