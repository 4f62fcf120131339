// The demo example rewrites and runs: one fp8 matmul (rowwise) and one left
// in bf16 by its all-disabled config.
// RUN: fp8-opt %S/../../../examples/linear.mlir --fp8-rewrite-matmul | FileCheck %s --check-prefix=IR
// RUN: fp8-opt %S/../../../examples/linear.mlir --fp8-cpu-pipeline | mlir-runner -e main -entry-point-result=void %mlir_runner_libs | FileCheck %s --check-prefix=EXEC

// IR-LABEL: func.func @linear
// IR: fp8.amax %{{.+}} axiswise(1) : tensor<4x32xbf16> -> tensor<4x1xf32>
// IR: fp8.amax %{{.+}} axiswise(1) : tensor<16x32xbf16> -> tensor<16x1xf32>
// IR: fp8.scaled_matmul {{.+}} : tensor<4x32xf8E4M3FN>, tensor<32x16xf8E4M3FN>, tensor<4x1xf32>, tensor<1x16xf32> -> tensor<4x16xbf16>
// IR: } else {
// IR: linalg.matmul

// Three 4x16 results; every entry of the third, |fp8 - bf16|, is below 0.2
// for these O(1) values.
// EXEC-COUNT-3: sizes = [4, 16]
// EXEC-COUNT-4: {{^( |\[)\[(0|0\.[01][0-9]*|[0-9.]+e-[0-9]+)(, +(0|0\.[01][0-9]*|[0-9.]+e-[0-9]+))*\]}}
