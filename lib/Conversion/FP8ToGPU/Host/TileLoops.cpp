//===- TileLoops.cpp - elementwise loops tiled for GPU workgroups ---------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// --fp8-tile-loops-for-gpu: innermost scf.parallel loops without
// reductions tiled into 256-thread workgroups.
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/FP8ToGPU/FP8ToGPU.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"

namespace mlir {
namespace fp8 {
#define GEN_PASS_DEF_FP8TILELOOPSFORGPU
#include "fp8/Conversion/Passes.h.inc"
} // namespace fp8
} // namespace mlir

using namespace mlir;
using namespace mlir::fp8;

namespace {
struct FP8TileLoopsForGPUPass
    : public fp8::impl::FP8TileLoopsForGPUBase<FP8TileLoopsForGPUPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<scf::ParallelOp, 2> loops;
    getInnermostParallelLoops(getOperation(), loops);
    for (scf::ParallelOp loop : loops) {
      if (loop.getNumReductions() != 0)
        continue;
      SmallVector<int64_t, 2> tileSizes = loop.getNumLoops() == 1
                                              ? SmallVector<int64_t, 2>{256}
                                              : SmallVector<int64_t, 2>{1, 256};
      scf::tileParallelLoop(loop, tileSizes, /*noMinMaxBounds=*/true);
    }
  }
};
} // namespace
