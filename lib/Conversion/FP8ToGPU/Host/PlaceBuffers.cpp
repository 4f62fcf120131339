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
// through host copies (stageBlock).
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/FP8ToGPU/FP8ToGPU.h"
#include "fp8/Runtime/RuntimeABI.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/MapVector.h"
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

/// What touches the memory of an alias class: kernels, or host ops whose
/// accesses cannot be staged through a copy (unknown memory effects).
enum Touch : unsigned { Kernel = 1, Host = 2 };

/// Where the buffers of an alias class may come from.
enum Origin : unsigned { DeviceMemory = 1, PinnedMemory = 2, HostMemory = 4,
                         Elsewhere = 8 };

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

  /// Propagates origins along the flows, against the touches: from what a
  /// callee returns to the caller's result, from the caller's operand to
  /// the callee's argument.
  void propagateOrigins() {
    for (bool changed = true; changed;) {
      changed = false;
      for (auto [to, from] : edges) {
        unsigned before = originsOf(to);
        unsigned after = before | originsOf(from);
        if (after != before) {
          origins[find(to)] = after;
          changed = true;
        }
      }
    }
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
  DenseMap<Value, unsigned> origins;
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

/// The buffer `v` is a view or cast of.
static Value viewRoot(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (auto view = dyn_cast<ViewLikeOpInterface>(def))
      v = view.getViewSource();
    else if (auto cast = dyn_cast<memref::CastOp>(def))
      v = cast.getSource();
    else if (auto meta = dyn_cast<memref::ExtractStridedMetadataOp>(def))
      v = meta.getSource();
    else
      break;
  }
  return v;
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
  // Identity layouts become a driver copy; the rest run memrefCopy on the
  // host, on staged copies of device memory (stageHostAccesses).
  if (isa<memref::CopyOp>(op))
    return;
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


//===----------------------------------------------------------------------===//
// Staged host accesses
//===----------------------------------------------------------------------===//

/// The memref operands `op` reads or writes on the host (operand number,
/// whether written): loads, stores, vector transfers, copies left on the
/// host, calls of external functions other than the runtime's.
static SmallVector<std::pair<unsigned, bool>> hostAccesses(Operation *op) {
  SmallVector<std::pair<unsigned, bool>> accesses;
  if (isa_and_nonnull<gpu::GPUDialect>(op->getDialect()))
    return accesses;
  if (auto call = dyn_cast<func::CallOp>(op)) {
    auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
        op, call.getCalleeAttr());
    if ((callee && !callee.isExternal()) ||
        isDeviceAwareRuntimeFunction(call.getCallee()))
      return accesses;
    for (OpOperand &operand : op->getOpOperands())
      if (BufferClasses::isMemRef(operand.get()))
        accesses.push_back({operand.getOperandNumber(), true});
    return accesses;
  }
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  if (!effects)
    return accesses;
  SmallVector<MemoryEffects::EffectInstance> instances;
  effects.getEffects(instances);
  for (MemoryEffects::EffectInstance &instance : instances) {
    OpOperand *operand = instance.getEffectValue<OpOperand *>();
    if (!operand || !BufferClasses::isMemRef(operand->get()) ||
        !isa<MemoryEffects::Read, MemoryEffects::Write>(instance.getEffect()))
      continue;
    bool write = isa<MemoryEffects::Write>(instance.getEffect());
    auto it = llvm::find_if(accesses, [&](auto &a) {
      return a.first == operand->getOperandNumber();
    });
    if (it == accesses.end())
      accesses.push_back({operand->getOperandNumber(), write});
    else
      it->second |= write;
  }
  return accesses;
}

/// Ops that hand a buffer to the GPU or to code that may (kernels,
/// copies, frees, the module's functions): an op containing one for a
/// buffer cannot swap that buffer for a host copy as a whole.
static bool handsToGPU(Operation *op) {
  if (isa_and_nonnull<gpu::GPUDialect>(op->getDialect()))
    return true;
  if (auto call = dyn_cast<func::CallOp>(op)) {
    auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
        op, call.getCalleeAttr());
    return callee && !callee.isExternal();
  }
  return false;
}

/// `value` (a chain of views and casts of `root`) rebuilt on `copy` at
/// `b`'s insertion point.
static Value rebuildView(OpBuilder &b, Value value, Value root, Value copy) {
  if (value == root)
    return copy;
  Operation *def = value.getDefiningOp();
  Value source;
  if (auto view = dyn_cast<ViewLikeOpInterface>(def))
    source = view.getViewSource();
  else if (auto cast = dyn_cast<memref::CastOp>(def))
    source = cast.getSource();
  else
    source = llvm::cast<memref::ExtractStridedMetadataOp>(def).getSource();
  IRMapping mapping;
  mapping.map(source, rebuildView(b, source, root, copy));
  Operation *clone = b.clone(*def, mapping);
  return clone->getResult(llvm::cast<OpResult>(value).getResultNumber());
}

/// Wraps `op` in host copies of the device buffers `roots` (root, whether
/// written): a copy in before, its accesses redirected to it, a copy back
/// after when written, then freed.
static LogicalResult stageAround(Operation *op,
                                 const llvm::MapVector<Value, bool> &roots,
                                 function_ref<bool(Value)> deviceMemory) {
  OpBuilder b(op);
  Location loc = op->getLoc();
  Type tokenType = b.getType<gpu::AsyncTokenType>();
  DenseMap<Value, Value> copies;
  for (auto [root, written] : roots) {
    auto type = cast<MemRefType>(root.getType());
    if (!type.getLayout().isIdentity())
      return op->emitOpError()
             << "reads or writes device memory of type " << type
             << " on the host; only identity layouts can be copied there";
    SmallVector<Value> sizes;
    for (int64_t i = 0, e = type.getRank(); i < e; ++i)
      if (type.isDynamicDim(i))
        sizes.push_back(memref::DimOp::create(b, loc, root, i));
    Value copy = memref::AllocOp::create(b, loc, type, sizes);
    Value start = gpu::WaitOp::create(b, loc, tokenType, ValueRange{})
                      .getAsyncToken();
    Value in = gpu::MemcpyOp::create(b, loc, tokenType, ValueRange{start},
                                     copy, root)
                   .getAsyncToken();
    gpu::WaitOp::create(b, loc, Type(), ValueRange{in});
    copies[root] = copy;
  }
  op->walk([&](Operation *inner) {
    for (auto [number, write] : hostAccesses(inner)) {
      Value operand = inner->getOperand(number);
      if (!deviceMemory(operand))
        continue;
      Value root = viewRoot(operand);
      auto it = copies.find(root);
      if (it == copies.end())
        continue;
      OpBuilder at(inner);
      inner->setOperand(number, rebuildView(at, operand, root, it->second));
    }
  });
  b.setInsertionPointAfter(op);
  for (auto [root, written] : roots) {
    Value copy = copies[root];
    if (written) {
      Value start = gpu::WaitOp::create(b, loc, tokenType, ValueRange{})
                        .getAsyncToken();
      Value out = gpu::MemcpyOp::create(b, loc, tokenType, ValueRange{start},
                                        root, copy)
                      .getAsyncToken();
      gpu::WaitOp::create(b, loc, Type(), ValueRange{out});
    }
    memref::DeallocOp::create(b, loc, copy);
  }
  return success();
}

/// Stages the host accesses to device memory in `block`: each op whose
/// accesses reach buffers defined before it, which nothing inside it hands
/// to the GPU, gets host copies of them around it; other ops are staged
/// deeper, region by region.
static LogicalResult stageBlock(Block &block,
                                function_ref<bool(Value)> deviceMemory) {
  for (Operation &op : llvm::make_early_inc_range(block)) {
    llvm::MapVector<Value, bool> roots;
    op.walk([&](Operation *inner) {
      for (auto [number, write] : hostAccesses(inner)) {
        Value operand = inner->getOperand(number);
        if (deviceMemory(operand))
          roots[viewRoot(operand)] |= write;
      }
    });
    if (roots.empty())
      continue;
    bool here = llvm::all_of(roots, [&](auto &entry) {
      Value root = entry.first;
      Operation *def = root.getDefiningOp();
      Operation *owner = def ? def : root.getParentBlock()->getParentOp();
      return !op.isAncestor(owner);
    });
    if (here)
      op.walk([&](Operation *inner) {
        if (!here || !handsToGPU(inner))
          return;
        for (Value operand : inner->getOperands())
          if (BufferClasses::isMemRef(operand) &&
              roots.contains(viewRoot(operand)))
            here = false;
      });
    if (here || op.getNumRegions() == 0) {
      if (failed(stageAround(&op, roots, deviceMemory)))
        return failure();
      continue;
    }
    for (Region &region : op.getRegions())
      for (Block &inner : region)
        if (failed(stageBlock(inner, deviceMemory)))
          return failure();
  }
  return success();
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

    // Placement of each allocation, then where each class's buffers may
    // come from (a buffer a callee returns, an argument a caller passes).
    SmallVector<std::pair<memref::AllocOp, bool>> allocs;
    for (func::FuncOp func : functions) {
      if (func.isPublic())
        for (BlockArgument arg : func.getArguments())
          classes.addOrigin(arg, Elsewhere);
      func.walk([&](Operation *op) {
        if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
          unsigned touches = classes.touchesOf(alloc);
          bool kernel = touches & Kernel, host = touches & Host;
          if (kernel)
            allocs.push_back({alloc, host});
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
    auto gpuMemory = [&](Value v) {
      return (classes.originsOf(v) & (DeviceMemory | PinnedMemory)) != 0;
    };

    // Decide everything first: the rewrites make new values.
    SmallVector<memref::DeallocOp> deallocs;
    SmallVector<memref::CopyOp> copies;
    for (func::FuncOp func : functions) {
      func.walk([&](Operation *op) {
        if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
          if (gpuMemory(dealloc.getMemref()))
            deallocs.push_back(dealloc);
        } else if (auto copy = dyn_cast<memref::CopyOp>(op)) {
          if ((gpuMemory(copy.getSource()) || gpuMemory(copy.getTarget())) &&
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

    // Host code reads and writes device memory through staged copies.
    auto deviceMemory = [&](Value v) {
      Value root = viewRoot(v);
      if (isa_and_nonnull<gpu::AllocOp>(root.getDefiningOp()))
        return !cast<gpu::AllocOp>(root.getDefiningOp()).getHostShared();
      return (classes.originsOf(root) & DeviceMemory) != 0;
    };
    for (func::FuncOp func : functions)
      if (!func.isExternal())
        for (Block &block : func.getBody())
          if (failed(stageBlock(block, deviceMemory)))
            return signalPassFailure();
  }
};
} // namespace
