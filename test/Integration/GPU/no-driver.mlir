// Where there is no NVIDIA GPU, an executable from fp8-cuda-compile stops
// with one clear line and status 1 before printing any result.
// REQUIRES: cuda-runtime, ptxas
// UNSUPPORTED: cuda-gpu
// RUN: rm -rf %t && mkdir -p %t
// RUN: fp8-reference --recipe=tensorwise --role=output > %t/case.mlir
// RUN: fp8-cuda-compile %t/case.mlir -o %t/case
// RUN: not %t/case > %t/out.txt 2> %t/err.txt
// RUN: FileCheck %s < %t/err.txt
// RUN: count 0 < %t/out.txt
// CHECK: fp8-cuda-runtime: {{no NVIDIA driver|cuInit|cuDeviceGet}}
