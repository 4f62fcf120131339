//===- OutlineKernels.cpp - one gpu.func per distinct kernel --------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// --fp8-outline-kernels: every gpu.launch becomes a gpu.launch_func of a
// gpu.func in the gpu.module @fp8_kernels, and launches whose kernels are
// the same code launch the same gpu.func. A model's layers lower to the
// same few kernels over and over; outlining them once is what keeps its
// compile time and binary independent of its depth.
//
//===----------------------------------------------------------------------===//

#include "../KernelOutliner.h"
#include "fp8/Conversion/FP8ToGPU/FP8ToGPU.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"

namespace mlir {
namespace fp8 {
#define GEN_PASS_DEF_FP8OUTLINEKERNELS
#include "fp8/Conversion/Passes.h.inc"
} // namespace fp8
} // namespace mlir

using namespace mlir;
using namespace mlir::fp8;

namespace {
struct FP8OutlineKernelsPass
    : public fp8::impl::FP8OutlineKernelsBase<FP8OutlineKernelsPass> {
  void runOnOperation() override {
    if (failed(fp8::detail::KernelOutliner(getOperation()).outlineAll()))
      signalPassFailure();
  }
};
} // namespace
