// The same linear layer for MI300 (gfx942) and MI350 (gfx950): type-config
// auto picks the fnuz types (e4m3 max 240) on gfx942 and OCP (448) on
// gfx950.
// RUN: fp8-opt %s --fp8-rewrite-matmul="chip=gfx942" --fp8-lower-to-gpu="chip=gfx942" --fp8-lower-to-linalg | FileCheck %s --check-prefix=IR942
// RUN: fp8-opt %s --fp8-rewrite-matmul="chip=gfx950" --fp8-lower-to-gpu="chip=gfx950" --fp8-lower-to-linalg | FileCheck %s --check-prefix=IR950
//
// The whole pipeline, down to gfx942/gfx950 assembly from the AMDGPU backend
// (gpu-module-to-binary format=isa, the code llc -mcpu=... emits).
// RUN: fp8-opt %s --fp8-rocdl-pipeline="chip=gfx942" | FileCheck %s --check-prefix=ISA942
// RUN: fp8-opt %s --fp8-rocdl-pipeline="chip=gfx950" | FileCheck %s --check-prefix=ISA950
// RUN: fp8-opt %s --fp8-rocdl-pipeline="chip=gfx942 recipe=rowwise" | FileCheck %s --check-prefix=ROW942
// RUN: fp8-opt %s --fp8-rocdl-pipeline="chip=gfx950 recipe=rowwise" | FileCheck %s --check-prefix=ROW950
// e5m2 on both operands: bf8 x bf8.
// RUN: fp8-opt %s --fp8-rocdl-pipeline="chip=gfx942 config=#fp8.linear<input=#fp8.cast<dtype=e5m2>,weight=#fp8.cast<dtype=e5m2>>" | FileCheck %s --check-prefix=BF8
// RUN: fp8-opt %s --fp8-rocdl-pipeline="chip=gfx950 config=#fp8.linear<input=#fp8.cast<dtype=e5m2>,weight=#fp8.cast<dtype=e5m2>>" | FileCheck %s --check-prefix=BF8
// Code objects (hsaco) linked by ld.lld.
// RUN: rm -rf %t && mkdir -p %t/toolkit/llvm/bin && ln -s %llvm_tools_dir/ld.lld %t/toolkit/llvm/bin/ld.lld
// RUN: fp8-opt %s --fp8-rocdl-pipeline="chip=gfx942 format=bin toolkit=%t/toolkit" | FileCheck %s --check-prefix=BIN
// A type the chip lacks compiles only emulated, in software on the device.
// RUN: fp8-opt %s --fp8-rocdl-pipeline="chip=gfx942 type-config=ocp config=#fp8.linear<emulate=true>" | FileCheck %s --check-prefix=EMU

// IR942-LABEL: func.func @layer
// IR942: arith.constant 2.400000e+02 : f64
// IR942: arith.truncf %{{.+}} : f32 to f8E4M3FNUZ
// IR942: amdgpu.mfma 32x32x16 {{.+}} : vector<8xf8E4M3FNUZ>, vector<8xf8E4M3FNUZ>, vector<16xf32>
// grad_input: e5m2fnuz grad_output times e4m3fnuz weight.
// IR942: arith.constant 5.734400e+04 : f64
// IR942: arith.truncf %{{.+}} : f32 to f8E5M2FNUZ
// IR942: amdgpu.mfma 32x32x16 {{.+}} : vector<8xf8E5M2FNUZ>, vector<8xf8E4M3FNUZ>, vector<16xf32>

// IR950-LABEL: func.func @layer
// IR950: arith.constant 4.480000e+02 : f64
// IR950: arith.truncf %{{.+}} : f32 to f8E4M3FN
// IR950: amdgpu.mfma 32x32x16 {{.+}} : vector<8xf8E4M3FN>, vector<8xf8E4M3FN>, vector<16xf32>
// IR950: arith.truncf %{{.+}} : f32 to f8E5M2
// IR950: amdgpu.mfma 32x32x16 {{.+}} : vector<8xf8E5M2>, vector<8xf8E4M3FN>, vector<16xf32>

// ISA942: gpu.binary
// ISA942-SAME: amdgcn-amd-amdhsa--gfx942
// ISA942-DAG: v_cvt_pk_fp8_f32
// ISA942-DAG: v_cvt_pk_bf8_f32
// ISA942-DAG: v_mfma_f32_32x32x16_fp8_fp8
// ISA942-DAG: v_mfma_f32_32x32x16_bf8_fp8
// The amax wave reduction runs on DPP.
// ISA942-DAG: _dpp
// ISA942-DAG: row_bcast:31
// ISA942-NOT: ocml

// ISA950: amdgcn-amd-amdhsa--gfx950
// ISA950-DAG: v_cvt_pk_fp8_f32
// ISA950-DAG: v_cvt_pk_bf8_f32
// ISA950-DAG: v_mfma_f32_32x32x16_fp8_fp8
// ISA950-DAG: v_mfma_f32_32x32x16_bf8_fp8

// rowwise is e4m3 everywhere: no bf8.
// ROW942-NOT: bf8
// ROW942: v_mfma_f32_32x32x16_fp8_fp8
// ROW942-NOT: bf8
// ROW950-NOT: bf8
// ROW950: v_mfma_f32_32x32x16_fp8_fp8
// ROW950-NOT: bf8

// BIN: gpu.binary @fp8_kernels [#gpu.object<#rocdl.target<chip = "gfx942">, bin = "\7FELF

// BF8-DAG: v_cvt_pk_bf8_f32
// BF8-DAG: v_mfma_f32_32x32x16_bf8_bf8

// EMU: amdgcn-amd-amdhsa--gfx942
// EMU-NOT: v_mfma
// EMU-NOT: v_cvt_pk_fp8

func.func @layer(%x: tensor<64x128xbf16>, %w: tensor<128x64xbf16>, %go: tensor<64x64xbf16>, %wt: tensor<64x128xbf16>)
    -> (tensor<64x64xbf16>, tensor<64x128xbf16>) {
  %e = tensor.empty() : tensor<64x64xbf16>
  %y = linalg.matmul {fp8.role = "output"} ins(%x, %w : tensor<64x128xbf16>, tensor<128x64xbf16>) outs(%e : tensor<64x64xbf16>) -> tensor<64x64xbf16>
  %e2 = tensor.empty() : tensor<64x128xbf16>
  %gi = linalg.matmul {fp8.role = "grad_input"} ins(%go, %wt : tensor<64x64xbf16>, tensor<64x128xbf16>) outs(%e2 : tensor<64x128xbf16>) -> tensor<64x128xbf16>
  return %y, %gi : tensor<64x64xbf16>, tensor<64x128xbf16>
}
