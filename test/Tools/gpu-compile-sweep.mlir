// A fixed-seed sample of scripts/gpu-compile-sweep.py: random valid GEMMs
// (dynamic batch and sizes, every recipe and role) compile through both GPU
// pipelines for two chips each. A dynamic batch with a dynamic M crashed
// both pipelines before (4 of these 48 compilations).
// RUN: %python %fp8_src_root/scripts/gpu-compile-sweep.py --tools %fp8_obj_root/bin --configs 12 --seed 7 | FileCheck %s
// CHECK: 12 configs in 12 modules x 4 pipelines: 0 failures
// Four GEMMs a module (some repeated): their kernels outlined and
// deduplicated together, and the kernel cache's keys checked
// (check-kernel-cache=1) for sm_90a, sm_89, gfx942 and gfx950.
// RUN: %python %fp8_src_root/scripts/gpu-compile-sweep.py --tools %fp8_obj_root/bin --configs 12 --per-module 4 --seed 7 | FileCheck %s --check-prefix=MODULES
// MODULES: 12 configs in 3 modules x 8 pipelines: 0 failures
