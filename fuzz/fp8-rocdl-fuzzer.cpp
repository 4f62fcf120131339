//===- fp8-rocdl-fuzzer.cpp - Fuzz the ROCDL pipeline ---------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Parses arbitrary text as a module and compiles it with
// --fp8-rocdl-pipeline to AMD GPU assembly (format=isa: the AMDGPU
// backend, no ROCm), alternating gfx942 (fnuz types) and gfx950 (OCP) by
// the input's first byte.
//
//===----------------------------------------------------------------------===//

#include "FuzzModule.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return fp8fuzz::fuzzModule(data, size, [&](mlir::OpPassManager &pm) {
    mlir::fp8::RewritePipelineOptions options;
    options.chip = size && data[0] % 2 ? "gfx950" : "gfx942";
    mlir::fp8::buildFP8ROCDLPipeline(pm, options);
  });
}
