//===- fp8-nvvm-fuzzer.cpp - Fuzz the NVVM pipeline -----------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Parses arbitrary text as a module and compiles it with
// --fp8-nvvm-pipeline to PTX (format=isa: the NVPTX backend, no ptxas, no
// GPU), alternating sm_90a (TMA + wgmma GEMMs) and sm_89 (mma.sync) by the
// input's first byte.
//
//===----------------------------------------------------------------------===//

#include "FuzzModule.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return fp8fuzz::fuzzModule(data, size, [&](mlir::OpPassManager &pm) {
    mlir::fp8::RewritePipelineOptions options;
    options.chip = size && data[0] % 2 ? "sm_89" : "sm_90a";
    mlir::fp8::buildFP8NVVMPipeline(pm, options);
  });
}
