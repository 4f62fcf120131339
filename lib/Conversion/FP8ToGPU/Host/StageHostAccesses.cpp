//===- StageHostAccesses.cpp - host code on copies of device memory -------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The last step of --fp8-place-buffers-for-gpu: host code that reads or
// writes device memory does so on a host copy made around the outermost op
// that needs it (a check's whole reduction loop, not each load).
//
//===----------------------------------------------------------------------===//

#include "HostBuffers.h"

#include "fp8/Runtime/RuntimeABI.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/MapVector.h"

using namespace mlir;
using namespace mlir::fp8;

static bool isMemRef(Value v) { return v && isa<BaseMemRefType>(v.getType()); }

/// External functions that read and write memrefs as the runtime does:
/// printing copies device memory to the host itself.
static bool isDeviceAwareRuntimeFunction(StringRef name) {
  return name.starts_with("printMemref") || name == runtime::kTensorMap2D ||
         name == runtime::kMultiprocessorCount;
}

/// Copies `src` to `dst` on the program's stream and waits for it.
static void copyAndWait(OpBuilder &b, Location loc, Value dst, Value src) {
  Value done =
      gpu::MemcpyOp::create(b, loc, b.getType<gpu::AsyncTokenType>(),
                            ValueRange{freshStreamToken(b, loc)}, dst, src)
          .getAsyncToken();
  gpu::WaitOp::create(b, loc, Type(), ValueRange{done});
}

/// The memref operands `op` reads or writes on the host (operand number,
/// whether written): loads, stores, vector transfers, copies left on the
/// host, calls of external functions other than the runtime's.
static SmallVector<std::pair<unsigned, bool>> hostAccesses(Operation *op) {
  SmallVector<std::pair<unsigned, bool>> accesses;
  if (isa_and_nonnull<gpu::GPUDialect>(op->getDialect()))
    return accesses;
  if (auto call = dyn_cast<func::CallOp>(op)) {
    if (calleeWithBody(call) || isDeviceAwareRuntimeFunction(call.getCallee()))
      return accesses;
    for (OpOperand &operand : op->getOpOperands())
      if (isMemRef(operand.get()))
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
    if (!operand || !isMemRef(operand->get()) ||
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
  if (auto call = dyn_cast<func::CallOp>(op))
    return static_cast<bool>(calleeWithBody(call));
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
    copyAndWait(b, loc, copy, root);
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
    if (written)
      copyAndWait(b, loc, root, copy);
    memref::DeallocOp::create(b, loc, copy);
  }
  return success();
}

/// Ops that cannot be staged as a whole are staged deeper, region by
/// region.
LogicalResult fp8::stageHostAccesses(Block &block,
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
          if (isMemRef(operand) && roots.contains(viewRoot(operand)))
            here = false;
      });
    if (here || op.getNumRegions() == 0) {
      if (failed(stageAround(&op, roots, deviceMemory)))
        return failure();
      continue;
    }
    for (Region &region : op.getRegions())
      for (Block &inner : region)
        if (failed(stageHostAccesses(inner, deviceMemory)))
          return failure();
  }
  return success();
}
