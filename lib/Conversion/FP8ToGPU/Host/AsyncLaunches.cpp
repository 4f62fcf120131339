//===- AsyncLaunches.cpp - Chain host launches on one stream --------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// --fp8-async-launches: consecutive gpu.launch_func ops of a host block run
// asynchronously on one stream; the host waits only before code that may
// touch memory.
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/Passes.h"
#include "fp8/Runtime/RuntimeABI.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir {
namespace fp8 {
#define GEN_PASS_DEF_FP8ASYNCLAUNCHES
#include "fp8/Conversion/Passes.h.inc"
} // namespace fp8
} // namespace mlir

using namespace mlir;

/// Runtime entry points that read no buffer contents (runtime/cuda): a
/// launch in flight need not finish before them.
static bool isBufferFreeCall(func::CallOp call) {
  return call.getCallee() == fp8::runtime::kTensorMap2D ||
         call.getCallee() == fp8::runtime::kMultiprocessorCount;
}

/// Whether the host must wait for the launches in flight before `op`.
static bool needsWait(Operation *op) {
  if (op->hasTrait<OpTrait::IsTerminator>() || op->getNumRegions() != 0)
    return true;
  if (auto call = dyn_cast<func::CallOp>(op))
    return !isBufferFreeCall(call);
  if (isa<memref::AllocOp, memref::AllocaOp>(op))
    return false;
  return !isMemoryEffectFree(op);
}

/// Makes the synchronous launches of `block` asynchronous, chained on one
/// stream per run of launches, with a blocking wait before the first op
/// that needs their results.
static void chainLaunches(Block &block) {
  Value token;
  for (Operation &op : llvm::make_early_inc_range(block)) {
    auto launch = dyn_cast<gpu::LaunchFuncOp>(&op);
    if (launch && !launch.getAsyncToken() &&
        launch.getAsyncDependencies().empty()) {
      OpBuilder b(launch);
      Location loc = launch.getLoc();
      Type tokenType = b.getType<gpu::AsyncTokenType>();
      if (!token)
        token = gpu::WaitOp::create(b, loc, tokenType, ValueRange{})
                    .getAsyncToken();
      std::optional<gpu::KernelDim3> cluster;
      if (launch.hasClusterSize())
        cluster = launch.getClusterSizeOperandValues();
      auto async = gpu::LaunchFuncOp::create(
          b, loc, launch.getKernel(), launch.getGridSizeOperandValues(),
          launch.getBlockSizeOperandValues(),
          launch.getDynamicSharedMemorySize(), launch.getKernelOperands(),
          tokenType, ValueRange{token}, cluster);
      async->setDiscardableAttrs(launch->getDiscardableAttrDictionary());
      launch.erase();
      token = async.getAsyncToken();
      continue;
    }
    if (token && needsWait(&op)) {
      OpBuilder b(&op);
      gpu::WaitOp::create(b, op.getLoc(), Type(), ValueRange{token});
      token = nullptr;
    }
  }
}

namespace {
struct FP8AsyncLaunchesPass
    : public fp8::impl::FP8AsyncLaunchesBase<FP8AsyncLaunchesPass> {
  void runOnOperation() override {
    // Host functions only: a func.func inside a gpu.module is device code.
    if (getOperation()->getParentOfType<gpu::GPUModuleOp>())
      return;
    SmallVector<Block *> blocks;
    getOperation()->walk([&](Block *block) { blocks.push_back(block); });
    for (Block *block : blocks)
      chainLaunches(*block);
  }
};
} // namespace
