// The NVVM pipeline on the chips after Hopper: the PTX ISA version is the
// chip's (GpuTarget::getPtxFeatures: 8.6 on sm_100a, 8.7 on sm_120a, 8.8
// on sm_103a, 9.0 on sm_110a; LLVM 22 emits no older PTX for them), the
// GEMM runs on mma.sync e4m3, and ptxas assembles every kernel.
// REQUIRES: ptxas
// RUN: fp8-opt %s --fp8-nvvm-pipeline="chip=sm_100a recipe=tensorwise" > %t.100a.mlir
// RUN: %python %fp8_src_root/scripts/ptx-info.py %t.100a.mlir --ptxas /usr/local/cuda/bin/ptxas --dump %t.100a | FileCheck %s --check-prefix=PTXAS
// RUN: FileCheck %s --check-prefix=SM100A < %t.100a/fp8_kernels.ptx
// RUN: fp8-opt %s --fp8-nvvm-pipeline="chip=sm_120a recipe=tensorwise" > %t.120a.mlir
// RUN: %python %fp8_src_root/scripts/ptx-info.py %t.120a.mlir --ptxas /usr/local/cuda/bin/ptxas --dump %t.120a | FileCheck %s --check-prefix=PTXAS
// RUN: FileCheck %s --check-prefix=SM120A < %t.120a/fp8_kernels.ptx
// RUN: fp8-opt %s --fp8-nvvm-pipeline="chip=sm_103a recipe=tensorwise" > %t.103a.mlir
// RUN: %python %fp8_src_root/scripts/ptx-info.py %t.103a.mlir --ptxas /usr/local/cuda/bin/ptxas --dump %t.103a | FileCheck %s --check-prefix=PTXAS
// RUN: FileCheck %s --check-prefix=SM103A < %t.103a/fp8_kernels.ptx
// RUN: fp8-opt %s --fp8-nvvm-pipeline="chip=sm_110a recipe=tensorwise" > %t.110a.mlir
// RUN: %python %fp8_src_root/scripts/ptx-info.py %t.110a.mlir --ptxas /usr/local/cuda/bin/ptxas --dump %t.110a | FileCheck %s --check-prefix=PTXAS
// RUN: FileCheck %s --check-prefix=SM110A < %t.110a/fp8_kernels.ptx
// sm_89 and sm_90a keep PTX 8.4.
// RUN: fp8-opt %s --fp8-nvvm-pipeline="chip=sm_89 recipe=tensorwise" | FileCheck %s --check-prefix=PTX84

// PTXAS-DAG: fp8_kernels fp8_scaled_matmul_mma_sync{{.*}}: registers={{[0-9]+}} {{.*}} warnings=0
// PTXAS-DAG: fp8_kernels fp8_cast_{{[0-9a-f]+}}: registers={{[0-9]+}} {{.*}} warnings=0
// PTXAS-NOT: warnings=[1-9]

// SM100A: .version 8.6
// SM100A: .target sm_100a
// SM100A: mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32
// SM120A: .version 8.7
// SM120A: .target sm_120a
// SM120A: mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32
// SM103A: .version 8.8
// SM103A: .target sm_103a
// SM110A: .version 9.0
// SM110A: .target sm_110a

// PTX84: #nvvm.target<chip = "sm_89", features = "+ptx84">

module {
  func.func @f(%x: tensor<16x64xbf16>, %a: tensor<128x256xbf16>, %b: tensor<256x128xbf16>) -> (tensor<16x1xf32>, tensor<128x128xbf16>) {
    %0 = fp8.amax %x axiswise(1) : tensor<16x64xbf16> -> tensor<16x1xf32>
    %e = tensor.empty() : tensor<128x128xbf16>
    %r = linalg.matmul ins(%a, %b : tensor<128x256xbf16>, tensor<256x128xbf16>) outs(%e : tensor<128x128xbf16>) -> tensor<128x128xbf16>
    return %0, %r : tensor<16x1xf32>, tensor<128x128xbf16>
  }
}
