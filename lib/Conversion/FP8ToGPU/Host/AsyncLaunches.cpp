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

#include "HostBuffers.h"

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

/// Whether the host must wait for the GPU work in flight before `op`:
/// ops that may read or write memory on the host. Not before: launches,
/// allocations (fresh buffers), host frees (what is left of memref.dealloc
/// after fp8-place-buffers-for-gpu is host-only memory no kernel sees),
/// ops with regions and calls of functions of the module (their own ops
/// wait where they need to), the runtime's buffer-free calls, and
/// terminators other than a public function's return (whose caller may
/// read what it returns).
static bool needsWait(Operation *op,
                      function_ref<bool(Value)> isHostOnly) {
  if (op->hasTrait<OpTrait::IsTerminator>()) {
    auto func = dyn_cast<func::FuncOp>(op->getParentOp());
    return isa<func::ReturnOp>(op) && func && func.isPublic();
  }
  // Ops with regions; GPU ops the input already made asynchronous or
  // waits of its own.
  if (op->getNumRegions() != 0 || isa<gpu::AsyncOpInterface, gpu::WaitOp>(op))
    return false;
  if (auto call = dyn_cast<func::CallOp>(op))
    return !isBufferFreeCall(call) && !fp8::calleeWithBody(call);
  if (isa<memref::AllocOp, memref::AllocaOp, memref::DeallocOp,
          gpu::AllocOp>(op))
    return false;
  // Loads and stores of host-only memory (ownership flags, the
  // deallocation helper's pointer lists).
  if (auto effects = dyn_cast<MemoryEffectOpInterface>(op)) {
    SmallVector<MemoryEffects::EffectInstance> instances;
    effects.getEffects(instances);
    return llvm::any_of(instances, [&](MemoryEffects::EffectInstance &e) {
      Value v = e.getValue();
      return !v || !isHostOnly(v);
    });
  }
  return !isMemoryEffectFree(op);
}

/// Whether `op` is a synchronous launch, device allocation (not pinned:
/// host_shared allocations are not stream-ordered), free or copy.
static bool isChainable(Operation *op) {
  auto async = dyn_cast<gpu::AsyncOpInterface>(op);
  if (!async || async.getAsyncToken() || !async.getAsyncDependencies().empty())
    return false;
  if (auto alloc = dyn_cast<gpu::AllocOp>(op))
    return !alloc.getHostShared();
  return isa<gpu::LaunchFuncOp, gpu::DeallocOp, gpu::MemcpyOp>(op);
}

/// `op` (isChainable) as the same op depending on `token` and returning a
/// token.
static Operation *makeAsync(Operation *op, Value token) {
  OpBuilder b(op);
  Location loc = op->getLoc();
  Type tokenType = b.getType<gpu::AsyncTokenType>();
  if (auto launch = dyn_cast<gpu::LaunchFuncOp>(op)) {
    std::optional<gpu::KernelDim3> cluster;
    if (launch.hasClusterSize())
      cluster = launch.getClusterSizeOperandValues();
    auto async = gpu::LaunchFuncOp::create(
        b, loc, launch.getKernel(), launch.getGridSizeOperandValues(),
        launch.getBlockSizeOperandValues(), launch.getDynamicSharedMemorySize(),
        launch.getKernelOperands(), tokenType, ValueRange{token}, cluster);
    async->setDiscardableAttrs(launch->getDiscardableAttrDictionary());
    return async;
  }
  if (auto alloc = dyn_cast<gpu::AllocOp>(op)) {
    auto async = gpu::AllocOp::create(
        b, loc, alloc.getType(), tokenType, ValueRange{token},
        alloc.getDynamicSizes(), alloc.getSymbolOperands(), false);
    alloc.getMemref().replaceAllUsesWith(async.getMemref());
    return async;
  }
  if (auto dealloc = dyn_cast<gpu::DeallocOp>(op))
    return gpu::DeallocOp::create(b, loc, tokenType, ValueRange{token},
                                  dealloc.getMemref());
  auto copy = cast<gpu::MemcpyOp>(op);
  return gpu::MemcpyOp::create(b, loc, tokenType, ValueRange{token},
                               copy.getDst(), copy.getSrc());
}

/// Makes the synchronous GPU ops of `block` asynchronous, each depending
/// on the one before, and inserts a blocking wait before the first op that
/// needs their results. Every stream of fp8's runtime is the program's one
/// in-order stream, so work enqueued by an enclosing block, a loop's
/// earlier iterations or a called function is ordered before this block's
/// too; a block starts with such work possibly in flight, and so does the
/// rest of it after an op with regions or a call.
static void chainLaunches(Block &block, function_ref<bool(Value)> isHostOnly) {
  Value token;
  bool inFlight = true;
  for (Operation &op : llvm::make_early_inc_range(block)) {
    if (isChainable(&op)) {
      OpBuilder b(&op);
      Operation *async =
          makeAsync(&op, token ? token : fp8::freshStreamToken(b, op.getLoc()));
      op.erase();
      token = cast<gpu::AsyncOpInterface>(async).getAsyncToken();
      inFlight = true;
      continue;
    }
    // A blocking wait of the input's own drains the stream.
    if (auto wait = dyn_cast<gpu::WaitOp>(op);
        wait && !wait.getAsyncToken() && !wait.getAsyncDependencies().empty()) {
      token = nullptr;
      inFlight = false;
      continue;
    }
    if (inFlight && needsWait(&op, isHostOnly)) {
      OpBuilder b(&op);
      // Without a chain of its own, the block waits on a fresh token of
      // the program's stream (everything enqueued before).
      Value wait = token ? token : fp8::freshStreamToken(b, op.getLoc());
      gpu::WaitOp::create(b, op.getLoc(), Type(), ValueRange{wait});
      token = nullptr;
      inFlight = false;
    }
    if (op.getNumRegions() != 0 || isa<CallOpInterface>(op))
      inFlight = true;
  }
}

namespace {
/// Host-only memory after --fp8-place-buffers-for-gpu: what memref.alloc
/// and memref.alloca return (kernel buffers are gpu.alloc), and arguments
/// of private functions that every call passes such memory.
class HostOnlyMemory {
public:
  explicit HostOnlyMemory(ModuleOp module) {
    SmallVector<func::FuncOp> privates;
    for (auto func : module.getOps<func::FuncOp>())
      if (func.isPrivate() && !func.isExternal())
        privates.push_back(func);
    DenseMap<Operation *, SmallVector<func::CallOp>> calls;
    module.walk([&](func::CallOp call) {
      calls[SymbolTable::lookupNearestSymbolFrom(call, call.getCalleeAttr())]
          .push_back(call);
    });
    // Optimistic fixpoint: start with every private argument host-only and
    // drop those some call passes anything else.
    for (func::FuncOp func : privates)
      for (BlockArgument arg : func.getArguments())
        if (isa<BaseMemRefType>(arg.getType()))
          args.insert(arg);
    // A private function referenced other than by calls keeps nothing.
    for (func::FuncOp func : privates) {
      std::optional<SymbolTable::UseRange> uses =
          SymbolTable::getSymbolUses(func, module);
      bool onlyCalls = uses && llvm::all_of(*uses, [](SymbolTable::SymbolUse u) {
        return isa<func::CallOp>(u.getUser());
      });
      if (!onlyCalls)
        for (BlockArgument arg : func.getArguments())
          args.erase(arg);
    }
    for (bool changed = true; changed;) {
      changed = false;
      for (func::FuncOp func : privates)
        for (func::CallOp call : calls.lookup(func))
          for (auto [operand, arg] :
               llvm::zip(call.getOperands(), func.getArguments()))
            if (args.contains(arg) && !contains(operand)) {
              args.erase(arg);
              changed = true;
            }
    }
  }

  bool contains(Value v) const {
    v = fp8::viewRoot(v);
    if (auto arg = dyn_cast<BlockArgument>(v))
      return args.contains(arg);
    return isa_and_nonnull<memref::AllocOp, memref::AllocaOp>(v.getDefiningOp());
  }

private:
  DenseSet<BlockArgument> args;
};

struct FP8AsyncLaunchesPass
    : public fp8::impl::FP8AsyncLaunchesBase<FP8AsyncLaunchesPass> {
  void runOnOperation() override {
    HostOnlyMemory hostOnly(getOperation());
    auto isHostOnly = [&](Value v) { return hostOnly.contains(v); };
    // Host functions only: gpu.module's functions are device code.
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      SmallVector<Block *> blocks;
      func->walk([&](Block *block) { blocks.push_back(block); });
      for (Block *block : blocks)
        chainLaunches(*block, isHostOnly);
    }
  }
};
} // namespace
