// Every recipe x role through --fp8-nvvm-pipeline, executed on the GPU and
// compared with tools/fp8-reference: scales and fp8 codes bit for bit, GEMM
// results within one bf16 rounding (the GPU accumulates in another order).
// The full acceptance matrix (shapes to 4096^3, torch cross-checks) is
// run by build-cases.py / check-cases.py, see README.md here.
// REQUIRES: cuda-gpu, cuda-runtime, ptxas
// RUN: %check_case --gpu %t/ten-out --rtol=0.0079 --atol-of-max=1e-5 -- --recipe=tensorwise --role=output --print-inputs | FileCheck %s
// RUN: %check_case --gpu %t/ten-gi --rtol=0.0079 --atol-of-max=1e-5 -- --recipe=tensorwise --role=grad_input | FileCheck %s
// RUN: %check_case --gpu %t/ten-gw --rtol=0.0079 --atol-of-max=1e-5 -- --recipe=tensorwise --role=grad_weight | FileCheck %s
// RUN: %check_case --gpu %t/row-out --rtol=0.0079 --atol-of-max=1e-5 -- --recipe=rowwise --role=output | FileCheck %s
// RUN: %check_case --gpu %t/row-gi --rtol=0.0079 --atol-of-max=1e-5 -- --recipe=rowwise --role=grad_input --dtype=f32 | FileCheck %s
// RUN: %check_case --gpu %t/row-gw --rtol=0.0079 --atol-of-max=1e-5 -- --recipe=rowwise --role=grad_weight | FileCheck %s
// RUN: %check_case --gpu %t/hp-out --rtol=0.0079 --atol-of-max=1e-5 -- --recipe=rowwise_with_gw_hp --role=output | FileCheck %s
// RUN: %check_case --gpu %t/hp-gi --rtol=0.0079 --atol-of-max=1e-5 -- --recipe=rowwise_with_gw_hp --role=grad_input --m=100 --k=200 --n=48 --pad | FileCheck %s
// RUN: %check_case --gpu %t/hp-gw --rtol=0.0079 --atol-of-max=1e-5 -- --recipe=rowwise_with_gw_hp --role=grad_weight | FileCheck %s
// CHECK: OK: {{[0-9]+}} bit-exact values, {{[1-9][0-9]*}} gemm values within rtol 0.0079
