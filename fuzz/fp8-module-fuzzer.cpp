//===- fp8-module-fuzzer.cpp - Fuzz parsing and the CPU pipeline ----------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Parses arbitrary text as a module, verifies it, and runs
// --fp8-rewrite-matmul and --fp8-cpu-pipeline on it.
//
//===----------------------------------------------------------------------===//

#include "FuzzModule.h"

#include "fp8/Dialect/FP8/Transforms/Passes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return fp8fuzz::fuzzModule(
      data, size,
      [](mlir::OpPassManager &pm) {
        mlir::fp8::RewritePipelineOptions options;
        mlir::fp8::buildFP8CPUPipeline(pm, options);
      },
      [](mlir::OpPassManager &pm) {
        pm.addPass(mlir::fp8::createFP8RewriteMatmul());
      });
}
