//===- TileLoops.cpp - elementwise loops tiled for GPU workgroups ---------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// --fp8-tile-loops-for-gpu: innermost scf.parallel loops without
// reductions collapsed to one dimension and tiled into 256-thread
// workgroups.
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/FP8ToGPU/FP8ToGPU.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/IR/PatternMatch.h"

#include <numeric>

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
    IRRewriter rewriter(&getContext());
    for (scf::ParallelOp loop : loops) {
      if (loop.getNumReductions() != 0 || loop.getNumLoops() == 0)
        continue;
      // All dimensions as one, the innermost fastest: consecutive threads
      // touch consecutive elements, every workgroup is full, and only
      // gridDim.x (up to 2^31 - 1) grows with the sizes.
      if (loop.getNumLoops() > 1) {
        Operation *next = loop->getNextNode();
        std::vector<unsigned> all(loop.getNumLoops());
        std::iota(all.begin(), all.end(), 0);
        collapseParallelLoops(rewriter, loop, {all});
        loop = cast<scf::ParallelOp>(next->getPrevNode());
      }
      scf::tileParallelLoop(loop, {kThreads}, /*noMinMaxBounds=*/true);
    }
  }

  static constexpr int64_t kThreads = 256;
};
} // namespace
