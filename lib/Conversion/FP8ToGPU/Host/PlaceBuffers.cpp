//===- PlaceBuffers.cpp - device, pinned or host memory per buffer --------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// --fp8-place-buffers-for-gpu: every host buffer in the memory its users
// need. Alias classes of memref values (union-find within functions, flows
// across calls) are marked by what touches them: kernels, or ops of unknown
// memory effects. Allocations of kernel classes become gpu.alloc (the
// runtime's stream-ordered device pool), or gpu.alloc host_shared (pinned
// host memory) when an unknown op touches them too; the rest stay host
// memory. Frees and copies follow where buffers may come from. Host code's
// loads, stores and external calls on device memory are then staged
// through host copies (StageHostAccesses.cpp).
//
//===----------------------------------------------------------------------===//

#include "HostBuffers.h"

#include "fp8/Conversion/FP8ToGPU/FP8ToGPU.h"
#include "fp8/Runtime/RuntimeABI.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir {
namespace fp8 {
#define GEN_PASS_DEF_FP8PLACEBUFFERSFORGPU
#include "fp8/Conversion/Passes.h.inc"
} // namespace fp8
} // namespace mlir

using namespace mlir;

/// Whether the address `pointer` (a memref.extract_aligned_pointer_as_index)
/// reaches a kernel: through values computed from it, into a launch or a
/// TMA descriptor (the sm_90a GEMM reads and writes its operands through
/// descriptors only).
static bool reachesKernel(Value pointer) {
  SmallVector<Value> worklist = {pointer};
  DenseSet<Value> seen = {pointer};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (Operation *user : value.getUsers()) {
      if (isa<gpu::LaunchFuncOp>(user))
        return true;
      if (auto call = dyn_cast<func::CallOp>(user);
          call && call.getCallee() == fp8::runtime::kTensorMap2D)
        return true;
      for (Value result : user->getResults())
        if (seen.insert(result).second)
          worklist.push_back(result);
    }
  }
  return false;
}

namespace {

/// What touches the memory of an alias class: kernels, or host ops whose
/// accesses cannot be staged through a copy (unknown memory effects).
enum Touch : unsigned { Kernel = 1, Host = 2 };

/// Where the buffers of an alias class may come from.
enum Origin : unsigned {
  DeviceMemory = 1,
  PinnedMemory = 2,
  HostMemory = 4,
  Elsewhere = 8
};

/// Alias classes of memref values with the union of their touches.
class BufferClasses {
public:
  Value find(Value v) {
    auto it = parent.find(v);
    if (it == parent.end()) {
      parent[v] = v;
      return v;
    }
    if (it->second == v)
      return v;
    Value root = find(it->second);
    parent[v] = root;
    return root;
  }

  void join(Value a, Value b) {
    if (!isMemRef(a) || !isMemRef(b))
      return;
    Value ra = find(a), rb = find(b);
    if (ra == rb)
      return;
    parent[rb] = ra;
    touches[ra] |= touches.lookup(rb);
  }

  void mark(Value v, unsigned touch) {
    if (isMemRef(v))
      touches[find(v)] |= touch;
  }

  unsigned touchesOf(Value v) { return touches.lookup(find(v)); }

  /// What touches `from`'s class touches `to`'s too (a callee's argument
  /// and the caller's operand): without joining the classes, so that one
  /// call site's buffers do not take another's placement.
  void flow(Value from, Value to) {
    if (isMemRef(from) && isMemRef(to))
      edges.push_back({from, to});
  }

  /// Where the buffers of `v`'s class may come from (Origin bits).
  unsigned originsOf(Value v) { return origins.lookup(find(v)); }
  void addOrigin(Value v, unsigned origin) {
    if (isMemRef(v))
      origins[find(v)] |= origin;
  }

  /// Propagates touches along the flows, and origins against them (from
  /// what a callee returns to the caller's result, from the caller's
  /// operand to the callee's argument), until nothing changes.
  void propagateTouches() { propagate(touches, /*forward=*/true); }
  void propagateOrigins() { propagate(origins, /*forward=*/false); }

  static bool isMemRef(Value v) {
    return v && isa<BaseMemRefType>(v.getType());
  }

private:
  void propagate(DenseMap<Value, unsigned> &bits, bool forward) {
    for (bool changed = true; changed;) {
      changed = false;
      for (auto [from, to] : edges) {
        if (!forward)
          std::swap(from, to);
        unsigned before = bits.lookup(find(to));
        unsigned after = before | bits.lookup(find(from));
        if (after != before) {
          bits[find(to)] = after;
          changed = true;
        }
      }
    }
  }

  DenseMap<Value, Value> parent;
  DenseMap<Value, unsigned> touches;
  DenseMap<Value, unsigned> origins;
  SmallVector<std::pair<Value, Value>> edges;
};

} // namespace

static bool hasIdentityLayout(Value v) {
  auto type = dyn_cast<MemRefType>(v.getType());
  return type && type.getLayout().isIdentity();
}

/// Joins the memref values `op` passes between its operands, results,
/// regions and successors, and marks what it touches.
static void visit(Operation *op, BufferClasses &classes) {
  auto memrefOperands = [&] {
    return llvm::make_filter_range(op->getOperands(), BufferClasses::isMemRef);
  };
  // Kernels.
  if (auto launch = dyn_cast<gpu::LaunchFuncOp>(op)) {
    for (Value v : launch.getKernelOperands())
      classes.mark(v, Kernel);
    return;
  }
  // An address a kernel receives as an integer.
  if (auto pointer = dyn_cast<memref::ExtractAlignedPointerAsIndexOp>(op)) {
    if (reachesKernel(pointer))
      classes.mark(pointer.getSource(), Kernel);
    return;
  }
  // Ops whose effects are known and touch no memory contents.
  if (isa<memref::AllocOp, memref::AllocaOp, memref::DeallocOp,
          memref::GetGlobalOp, memref::DimOp>(op))
    return;
  // Identity layouts become a driver copy; the rest run memrefCopy on the
  // host, on staged copies of device memory (StageHostAccesses.cpp).
  if (isa<memref::CopyOp>(op))
    return;
  // Calls: what the callee does to an argument is done to the operand;
  // what the caller does to a result, to what the callee returns.
  if (auto call = dyn_cast<func::CallOp>(op)) {
    if (func::FuncOp callee = fp8::calleeWithBody(call)) {
      for (auto [operand, arg] :
           llvm::zip(call.getOperands(), callee.getArguments()))
        classes.flow(arg, operand);
      callee.walk([&](func::ReturnOp ret) {
        for (auto [result, returned] :
             llvm::zip(call.getResults(), ret.getOperands()))
          classes.flow(result, returned);
      });
      return;
    }
    // External functions read and write staged host copies
    // (stageHostAccesses); what they return is memory we cannot place.
    for (Value v : op->getResults())
      classes.mark(v, Host);
    return;
  }
  // Functions and their returns are handled with the calls.
  if (isa<func::FuncOp, func::ReturnOp>(op))
    return;
  // Branches: forwarded values join the successors' arguments.
  if (auto branch = dyn_cast<BranchOpInterface>(op)) {
    for (unsigned i = 0, e = op->getNumSuccessors(); i < e; ++i) {
      SuccessorOperands forwarded = branch.getSuccessorOperands(i);
      Block *successor = op->getSuccessor(i);
      for (unsigned j = 0, n = forwarded.size(); j < n; ++j)
        if (Value v = forwarded[j])
          classes.join(v, successor->getArgument(j));
    }
    return;
  }
  // Ops with regions (loops, conditionals): every memref among operands,
  // results, region arguments and the values their terminators forward is
  // one class (a superset of what flows where).
  if (op->getNumRegions() != 0) {
    SmallVector<Value> values(memrefOperands());
    llvm::append_range(values, llvm::make_filter_range(
                                   op->getResults(), BufferClasses::isMemRef));
    for (Region &region : op->getRegions())
      for (Block &block : region) {
        llvm::append_range(
            values, llvm::make_filter_range(block.getArguments(),
                                            BufferClasses::isMemRef));
        if (!block.empty() &&
            block.back().hasTrait<OpTrait::IsTerminator>())
          llvm::append_range(
              values, llvm::make_filter_range(block.back().getOperands(),
                                              BufferClasses::isMemRef));
      }
    for (Value v : values)
      classes.join(values.front(), v);
    return;
  }
  // Terminators of regions were handled with their parent op.
  if (op->hasTrait<OpTrait::IsTerminator>())
    return;
  // Views, casts and anything else that returns memrefs: results alias
  // operands.
  for (Value result : op->getResults())
    for (Value operand : memrefOperands())
      classes.join(operand, result);
  // Loads, stores and vector transfers read and write staged host copies
  // of device memory (stageHostAccesses). Ops whose effects are unknown
  // need memory both sides reach.
  if (!isa<MemoryEffectOpInterface>(op) &&
      !op->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
    for (Value operand : memrefOperands())
      classes.mark(operand, Host);
}

namespace {
struct FP8PlaceBuffersForGPUPass
    : public fp8::impl::FP8PlaceBuffersForGPUBase<FP8PlaceBuffersForGPUPass> {
  void runOnOperation() override {
    SmallVector<func::FuncOp> functions;
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (!func.isExternal())
        functions.push_back(func);
    BufferClasses classes;
    for (func::FuncOp func : functions)
      func.walk([&](Operation *op) { visit(op, classes); });
    classes.propagateTouches();
    if (failed(checkKernelMemory(functions, classes)))
      return signalPassFailure();
    // Frees and copies are decided on the values the analysis saw, before
    // the allocations they free or copy are replaced.
    SmallVector<memref::AllocOp> kernelAllocs =
        placeAllocations(functions, classes);
    rewriteFreesAndCopies(functions, classes);
    replaceAllocations(kernelAllocs, classes);
    // Host code reads and writes device memory through staged copies.
    auto deviceMemory = [&](Value v) {
      Value root = fp8::viewRoot(v);
      if (auto alloc = root.getDefiningOp<gpu::AllocOp>())
        return !alloc.getHostShared();
      return (classes.originsOf(root) & DeviceMemory) != 0;
    };
    for (func::FuncOp func : functions)
      for (Block &block : func.getBody())
        if (failed(fp8::stageHostAccesses(block, deviceMemory)))
          return signalPassFailure();
  }

  /// Stack memory and globals kernels would read are errors.
  static LogicalResult checkKernelMemory(ArrayRef<func::FuncOp> functions,
                                         BufferClasses &classes) {
    bool failedPlacement = false;
    for (func::FuncOp func : functions) {
      func.walk([&](Operation *op) {
        if (!isa<memref::AllocaOp, memref::GetGlobalOp>(op) ||
            !(classes.touchesOf(op->getResult(0)) & Kernel))
          return;
        op->emitOpError()
            << (isa<memref::AllocaOp>(op) ? "allocates stack memory"
                                          : "reads a global")
            << " that a GPU kernel uses; kernels can only read heap "
               "allocations";
        failedPlacement = true;
      });
    }
    return failure(failedPlacement);
  }

  /// The allocations kernels use, and where each class's buffers may come
  /// from (a buffer a callee returns, an argument a caller passes).
  static SmallVector<memref::AllocOp>
  placeAllocations(ArrayRef<func::FuncOp> functions, BufferClasses &classes) {
    SmallVector<memref::AllocOp> kernelAllocs;
    for (func::FuncOp func : functions) {
      if (func.isPublic())
        for (BlockArgument arg : func.getArguments())
          classes.addOrigin(arg, Elsewhere);
      func.walk([&](Operation *op) {
        if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
          unsigned touches = classes.touchesOf(alloc);
          bool kernel = touches & Kernel, host = touches & Host;
          if (kernel)
            kernelAllocs.push_back(alloc);
          classes.addOrigin(alloc, !kernel ? HostMemory
                                   : host  ? PinnedMemory
                                           : DeviceMemory);
        } else if (isa<memref::AllocaOp, memref::GetGlobalOp>(op)) {
          classes.addOrigin(op->getResult(0), HostMemory);
        } else if (isa<func::CallOp>(op)) {
          for (Value result : op->getResults())
            if (classes.touchesOf(result) & Host)
              classes.addOrigin(result, Elsewhere);
        }
      });
    }
    classes.propagateOrigins();
    return kernelAllocs;
  }

  /// Kernel buffers to gpu.alloc (host_shared next to unknown ops).
  void replaceAllocations(ArrayRef<memref::AllocOp> kernelAllocs,
                          BufferClasses &classes) {
    IRRewriter rewriter(&getContext());
    for (memref::AllocOp alloc : kernelAllocs) {
      rewriter.setInsertionPoint(alloc);
      auto device = gpu::AllocOp::create(
          rewriter, alloc.getLoc(), alloc.getType(), /*asyncToken=*/Type(),
          /*asyncDependencies=*/ValueRange(), alloc.getDynamicSizes(),
          alloc.getSymbolOperands(),
          /*hostShared=*/(classes.touchesOf(alloc) & Host) != 0);
      rewriter.replaceOp(alloc, device.getMemref());
    }
  }

  /// Frees and identity-layout copies of buffers that may come from
  /// gpu.alloc to gpu.dealloc and gpu.memcpy.
  void rewriteFreesAndCopies(ArrayRef<func::FuncOp> functions,
                             BufferClasses &classes) {
    auto gpuMemory = [&](Value v) {
      return (classes.originsOf(v) & (DeviceMemory | PinnedMemory)) != 0;
    };
    IRRewriter rewriter(&getContext());
    for (func::FuncOp func : functions) {
      func.walk([&](Operation *op) {
        if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
          if (!gpuMemory(dealloc.getMemref()))
            return;
          rewriter.setInsertionPoint(dealloc);
          gpu::DeallocOp::create(rewriter, dealloc.getLoc(),
                                 /*asyncToken=*/Type(), ValueRange(),
                                 dealloc.getMemref());
          rewriter.eraseOp(dealloc);
          return;
        }
        auto copy = dyn_cast<memref::CopyOp>(op);
        if (!copy)
          return;
        Value source = copy.getSource(), target = copy.getTarget();
        if (!(gpuMemory(source) || gpuMemory(target)) ||
            !hasIdentityLayout(source) || !hasIdentityLayout(target))
          return;
        rewriter.setInsertionPoint(copy);
        if (source.getType() != target.getType())
          source = memref::CastOp::create(rewriter, copy.getLoc(),
                                          target.getType(), source);
        gpu::MemcpyOp::create(rewriter, copy.getLoc(), /*asyncToken=*/Type(),
                              ValueRange(), target, source);
        rewriter.eraseOp(copy);
      });
    }
  }
};
} // namespace
