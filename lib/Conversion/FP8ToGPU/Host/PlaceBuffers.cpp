//===- PlaceBuffers.cpp - device, pinned or host memory per buffer --------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// --fp8-place-buffers-for-gpu: every host buffer in the memory its users
// need. Alias classes of memref values (union-find over the module's host
// functions) are marked by what touches them: kernels, host code, or both.
// Allocations of kernel-only classes become gpu.alloc (the runtime's
// stream-ordered device pool), those of classes both touch gpu.alloc
// host_shared (pinned host memory), and the rest stay host memory.
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/FP8ToGPU/FP8ToGPU.h"
#include "fp8/Runtime/RuntimeABI.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/StringSwitch.h"

namespace mlir {
namespace fp8 {
#define GEN_PASS_DEF_FP8PLACEBUFFERSFORGPU
#include "fp8/Conversion/Passes.h.inc"
} // namespace fp8
} // namespace mlir

using namespace mlir;

namespace {

struct LaunchFuncMemoryEffects
    : public MemoryEffectOpInterface::ExternalModel<LaunchFuncMemoryEffects,
                                                    gpu::LaunchFuncOp> {
  void getEffects(Operation *op,
                  SmallVectorImpl<MemoryEffects::EffectInstance> &effects)
      const {
    for (OpOperand &operand :
         cast<gpu::LaunchFuncOp>(op).getKernelOperandsMutable()) {
      if (!isa<BaseMemRefType>(operand.get().getType()))
        continue;
      effects.emplace_back(MemoryEffects::Read::get(), &operand);
      effects.emplace_back(MemoryEffects::Write::get(), &operand);
    }
  }
};

} // namespace

void fp8::registerLaunchFuncMemoryEffects(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *context, gpu::GPUDialect *) {
    gpu::LaunchFuncOp::attachInterface<LaunchFuncMemoryEffects>(*context);
  });
}

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

/// What touches the memory of an alias class.
enum Touch : unsigned { Kernel = 1, Host = 2 };

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

  /// Propagates touches along the flows until nothing changes.
  void propagate() {
    for (bool changed = true; changed;) {
      changed = false;
      for (auto [from, to] : edges) {
        unsigned before = touchesOf(to);
        unsigned after = before | touchesOf(from);
        if (after != before) {
          touches[find(to)] = after;
          changed = true;
        }
      }
    }
  }

  static bool isMemRef(Value v) {
    return v && isa<BaseMemRefType>(v.getType());
  }

private:
  DenseMap<Value, Value> parent;
  DenseMap<Value, unsigned> touches;
  SmallVector<std::pair<Value, Value>> edges;
};

} // namespace

/// External functions that read and write memrefs as the runtime does:
/// printing copies device memory to the host itself.
static bool isDeviceAwareRuntimeFunction(StringRef name) {
  return name.starts_with("printMemref") ||
         name == fp8::runtime::kTensorMap2D ||
         name == fp8::runtime::kMultiprocessorCount;
}

static bool hasIdentityLayout(Value v) {
  auto type = dyn_cast<MemRefType>(v.getType());
  return type && type.getLayout().isIdentity();
}

/// Joins the memref values `op` passes between its operands, results,
/// regions and successors, and marks what it touches.
static void visit(Operation *op, BufferClasses &classes,
                  SymbolTableCollection &symbols) {
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
  if (auto copy = dyn_cast<memref::CopyOp>(op)) {
    // Identity layouts become a driver copy; the rest run memrefCopy on
    // the host.
    if (!hasIdentityLayout(copy.getSource()) ||
        !hasIdentityLayout(copy.getTarget())) {
      classes.mark(copy.getSource(), Host);
      classes.mark(copy.getTarget(), Host);
    }
    return;
  }
  // Calls: what the callee does to an argument is done to the operand;
  // what the caller does to a result, to what the callee returns.
  if (auto call = dyn_cast<func::CallOp>(op)) {
    auto callee =
        symbols.lookupNearestSymbolFrom<func::FuncOp>(op, call.getCalleeAttr());
    if (callee && !callee.isExternal()) {
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
    if (isDeviceAwareRuntimeFunction(call.getCallee()))
      return;
    for (Value v : memrefOperands())
      classes.mark(v, Host);
    for (Value v : op->getResults())
      classes.mark(v, Host);
    return;
  }
  // What a public function returns is read by callers we cannot see.
  if (auto ret = dyn_cast<func::ReturnOp>(op)) {
    auto func = dyn_cast<func::FuncOp>(ret->getParentOp());
    if (func && func.isPublic())
      for (Value v : memrefOperands())
        classes.mark(v, Host);
    return;
  }
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
  // What is left reads or writes memory on the host unless it says it does
  // not: loads, stores, vector transfers, unknown ops.
  if (auto effects = dyn_cast<MemoryEffectOpInterface>(op)) {
    SmallVector<MemoryEffects::EffectInstance> instances;
    effects.getEffects(instances);
    for (MemoryEffects::EffectInstance &instance : instances) {
      if (!isa<MemoryEffects::Read, MemoryEffects::Write>(
              instance.getEffect()))
        continue;
      if (Value v = instance.getValue())
        classes.mark(v, Host);
      else
        for (Value operand : memrefOperands())
          classes.mark(operand, Host);
    }
    return;
  }
  if (!op->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
    for (Value operand : memrefOperands())
      classes.mark(operand, Host);
}

namespace {
struct FP8PlaceBuffersForGPUPass
    : public fp8::impl::FP8PlaceBuffersForGPUBase<FP8PlaceBuffersForGPUPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> functions(module.getOps<func::FuncOp>());
    BufferClasses classes;
    SymbolTableCollection symbols;
    for (func::FuncOp func : functions) {
      if (func.isExternal())
        continue;
      // Buffers a public function is given come from callers we cannot
      // see: they may be host memory.
      if (func.isPublic())
        for (BlockArgument arg : func.getArguments())
          classes.mark(arg, Host);
      func.walk([&](Operation *op) { visit(op, classes, symbols); });
    }
    classes.propagate();

    // Memory kernels cannot read.
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
    if (failedPlacement)
      return signalPassFailure();

    // Decide everything first: the rewrites make new values.
    SmallVector<std::pair<memref::AllocOp, bool>> allocs;
    SmallVector<memref::DeallocOp> deallocs;
    SmallVector<memref::CopyOp> copies;
    for (func::FuncOp func : functions) {
      func.walk([&](Operation *op) {
        if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
          unsigned touches = classes.touchesOf(alloc);
          if (touches & Kernel)
            allocs.push_back({alloc, (touches & Host) != 0});
        } else if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
          if (classes.touchesOf(dealloc.getMemref()) & Kernel)
            deallocs.push_back(dealloc);
        } else if (auto copy = dyn_cast<memref::CopyOp>(op)) {
          if (((classes.touchesOf(copy.getSource()) |
                classes.touchesOf(copy.getTarget())) &
               Kernel) &&
              hasIdentityLayout(copy.getSource()) &&
              hasIdentityLayout(copy.getTarget()))
            copies.push_back(copy);
        }
      });
    }

    IRRewriter rewriter(&getContext());
    for (auto [alloc, hostShared] : allocs) {
      rewriter.setInsertionPoint(alloc);
      auto device = gpu::AllocOp::create(
          rewriter, alloc.getLoc(), alloc.getType(), /*asyncToken=*/Type(),
          /*asyncDependencies=*/ValueRange(), alloc.getDynamicSizes(),
          alloc.getSymbolOperands(), hostShared);
      rewriter.replaceOp(alloc, device.getMemref());
    }
    for (memref::DeallocOp dealloc : deallocs) {
      rewriter.setInsertionPoint(dealloc);
      gpu::DeallocOp::create(rewriter, dealloc.getLoc(), /*asyncToken=*/Type(),
                             ValueRange(), dealloc.getMemref());
      rewriter.eraseOp(dealloc);
    }
    for (memref::CopyOp copy : copies) {
      Value source = copy.getSource(), target = copy.getTarget();
      rewriter.setInsertionPoint(copy);
      if (source.getType() != target.getType())
        source = memref::CastOp::create(rewriter, copy.getLoc(),
                                        target.getType(), source);
      gpu::MemcpyOp::create(rewriter, copy.getLoc(), /*asyncToken=*/Type(),
                            ValueRange(), target, source);
      rewriter.eraseOp(copy);
    }
  }
};
} // namespace
