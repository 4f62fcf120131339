// The stock mlir-opt runs the fp8 passes from the plugin (pass plugins are
// loaded after mlir-opt parses its pass flags, so they are named through
// --pass-pipeline) and produces exactly what fp8-opt produces.
//
// The stock mlir-opt is not instrumented, so an ASan build's plugin cannot
// load into it; the uninstrumented build runs this test.
// UNSUPPORTED: asan
//
// RUN: mlir-opt --load-dialect-plugin=%fp8_plugin --load-pass-plugin=%fp8_plugin %S/../Dialect/FP8/Transforms/rewrite-matmul.mlir -split-input-file --pass-pipeline="builtin.module(fp8-rewrite-matmul)" > %t.plugin
// RUN: fp8-opt %S/../Dialect/FP8/Transforms/rewrite-matmul.mlir -split-input-file --fp8-rewrite-matmul > %t.fp8-opt
// RUN: diff %t.plugin %t.fp8-opt
// RUN: FileCheck %s --input-file=%t.plugin
//
// The whole CPU pipeline through the plugin executes.
// RUN: mlir-opt --load-dialect-plugin=%fp8_plugin --load-pass-plugin=%fp8_plugin %S/../../examples/linear.mlir --pass-pipeline="builtin.module(fp8-cpu-pipeline{recipe=rowwise})" | mlir-runner -e main -entry-point-result=void %mlir_runner_libs | FileCheck %s --check-prefix=RUN-CPU
//
// CHECK-LABEL: func.func @tensorwise_output
// CHECK: fp8.scaled_matmul
// CHECK-LABEL: func.func @rowwise_with_gw_hp
// CHECK: fp8.amax %{{.+}} axiswise(1)
// RUN-CPU-COUNT-3: sizes = [4, 16]
