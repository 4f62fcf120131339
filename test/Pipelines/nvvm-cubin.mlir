// ptxas accepts the kernels for sm_89 and sm_90a (format=bin: cubins).
// REQUIRES: ptxas
// RUN: fp8-opt %S/rocdl.mlir --fp8-nvvm-pipeline="chip=sm_89 format=bin" | FileCheck %s
// RUN: fp8-opt %S/rocdl.mlir --fp8-nvvm-pipeline="chip=sm_90a format=bin" | FileCheck %s
// RUN: fp8-opt %S/rocdl.mlir --fp8-nvvm-pipeline="chip=sm_90a format=bin recipe=rowwise" | FileCheck %s
// CHECK: gpu.binary @fp8_kernels [#gpu.object<#nvvm.target<chip = "sm_{{89|90a}}", features = "+ptx84">, properties = {{{.+}}}, bin = "\7FELF
