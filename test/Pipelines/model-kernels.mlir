// A model's depth adds launches, not kernels: bench/compile-time.py's
// N-layer model (forward and backward of N linear layers) compiles to the
// same distinct kernels for 1 and 4 layers, through the NVVM pipeline (PTX
// entries) and the ROCDL pipeline (AMD kernel symbols), and launches them
// 4 times as often.
// RUN: %python %fp8_src_root/bench/compile-time.py --emit 1 --m 256 --hidden 128 > %t.1.mlir
// RUN: %python %fp8_src_root/bench/compile-time.py --emit 4 --m 256 --hidden 128 > %t.4.mlir
// RUN: fp8-opt %t.1.mlir --fp8-nvvm-pipeline="chip=sm_90a" > %t.nv1
// RUN: fp8-opt %t.4.mlir --fp8-nvvm-pipeline="chip=sm_90a" > %t.nv4
// RUN: grep -o '\.entry [a-z0-9_]*' %t.nv1 | sort -u > %t.nv1.kernels
// RUN: grep -o '\.entry [a-z0-9_]*' %t.nv4 | sort -u > %t.nv4.kernels
// RUN: diff %t.nv1.kernels %t.nv4.kernels
// RUN: wc -l < %t.nv4.kernels | FileCheck %s
// RUN: grep -c "gpu.launch_func" %t.nv1 | FileCheck %s --check-prefix=LAUNCH1
// RUN: grep -c "gpu.launch_func" %t.nv4 | FileCheck %s --check-prefix=LAUNCH4
// RUN: grep -c "gpu.binary" %t.nv4 | FileCheck %s --check-prefix=ONE
// RUN: fp8-opt %t.1.mlir --fp8-rocdl-pipeline="chip=gfx942" | grep -o '\.amdhsa_kernel [a-z0-9_]*' | sort -u > %t.amd1.kernels
// RUN: fp8-opt %t.4.mlir --fp8-rocdl-pipeline="chip=gfx942" | grep -o '\.amdhsa_kernel [a-z0-9_]*' | sort -u > %t.amd4.kernels
// RUN: diff %t.amd1.kernels %t.amd4.kernels
// RUN: wc -l < %t.amd4.kernels | FileCheck %s --check-prefix=ROCDL
//
// On NVIDIA, 9 kernels: 2 amaxes (x and g share one: the same shape), 3
// transposing casts (x, w, g: each written in both layouts), 3 wgmma GEMMs
// (one per layout) and the one-thread kernel that zeroes an amax, launched
// before each of the 3 amaxes: 12 launches a layer.
// CHECK: {{^}}9{{$}}
// LAUNCH1: {{^}}12{{$}}
// LAUNCH4: {{^}}48{{$}}
// All kernels in one binary.
// ONE: {{^}}1{{$}}
// On AMD, 12: the amaxes, 3 MFMA GEMMs and 7 elementwise kernels (the
// casts and scales, lowered as loops).
// ROCDL: {{^}}12{{$}}
