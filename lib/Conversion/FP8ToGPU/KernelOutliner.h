//===- KernelOutliner.h - one gpu.func per distinct kernel ------*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Private to lib/Conversion/FP8ToGPU: the outlining of --fp8-outline-kernels
// (Host/OutlineKernels.cpp), which --fp8-lower-to-gpu also runs on its own
// kernels when asked to outline them, and the cache through which the
// lowering launches a kernel it has built before without building it again.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_LIB_CONVERSION_FP8TOGPU_KERNELOUTLINER_H
#define FP8_LIB_CONVERSION_FP8TOGPU_KERNELOUTLINER_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"

#include <memory>

namespace mlir::fp8::detail {

/// Folds host values computed from constants (a kernel's sizes derived from
/// static shapes, say) to their constant, as the canonicalizer would.
class ConstantFolder {
public:
  /// The constant `value` is, or null.
  Attribute fold(Value value);
  /// Forgets what it folded: the IR changed, and an erased value's address
  /// may come back as a new value's.
  void clear() { known.clear(); }

private:
  Attribute compute(Value value);
  DenseMap<Value, Attribute> known;
};

/// Outlines the gpu.launch ops of one module into its gpu.modules, one
/// gpu.func per distinct kernel (the same ops, attributes, types and
/// use-def structure, locations aside): a launch whose kernel is already
/// there launches that one.
class KernelOutliner {
public:
  explicit KernelOutliner(ModuleOp module);
  ~KernelOutliner();

  /// Replaces `launch` by a gpu.launch_func of its kernel, outlined into the
  /// gpu.module the launch names (@fp8_kernels when none) unless that has it
  /// already. Host values that fold to constants become constants first,
  /// and constants, memref.dim, arith.select and arith.cmpi are sunk into
  /// the kernel (upstream's outlining). Fails (with an error) if they cannot
  /// be.
  FailureOr<gpu::LaunchFuncOp> outline(gpu::LaunchOp launch);

  /// outline for every gpu.launch of the module.
  LogicalResult outlineAll();

  ConstantFolder &getFolder() { return folder; }

private:
  class KernelTable;
  KernelTable &getTable(StringRef moduleName);

  ModuleOp module;
  SymbolTable symbols;
  ConstantFolder folder;
  llvm::StringMap<std::unique_ptr<KernelTable>> tables;
};

/// The kernels one run of the lowering has built, by everything that
/// determines their code: a kernel family's `key` (its parameters: tile
/// shape, element types, ...) and, added here, its arguments' types, which
/// of them are constants and their values, and which are the same value. A
/// later launch with the same key launches the kernel already outlined
/// instead of building it again.
class KernelCache {
public:
  /// `check`: build every kernel anyway and fail if one is not the kernel
  /// its key already names (the key missed something its code depends on).
  KernelCache(KernelOutliner &outliner, bool check)
      : outliner(outliner), check(check) {}

  /// Launches the kernel built for `key` and `args` before, on `grid` x
  /// `block` with `sharedMemory` bytes (may be null) of dynamic shared
  /// memory, and returns true; false when there is none (or checking): the
  /// caller builds it as a gpu.launch and calls insert.
  bool launch(OpBuilder &b, Location loc, StringRef key, gpu::KernelDim3 grid,
              gpu::KernelDim3 block, Value sharedMemory, ValueRange args);

  /// Outlines `launch` (the kernel of `key`, reading no host values but
  /// `args`, its sizes and constants) and records it. Fails (with an error)
  /// if it reads another host value, or when checking, if `key` named a
  /// different kernel before.
  LogicalResult insert(gpu::LaunchOp launch, StringRef key, ValueRange args);

  /// Whether an insert failed (the pass then fails).
  bool hasFailed() const { return anyFailed; }

private:
  LogicalResult record(gpu::LaunchOp launch, StringRef key, ValueRange args);
  std::string getFullKey(StringRef key, ValueRange inputs);

  struct Entry {
    SymbolRefAttr kernel;
    /// The kernel's arguments as indices into the launch's sizes, then its
    /// args.
    SmallVector<unsigned> arguments;
  };
  KernelOutliner &outliner;
  bool check;
  bool anyFailed = false;
  llvm::StringMap<Entry> entries;
};

} // namespace mlir::fp8::detail

#endif // FP8_LIB_CONVERSION_FP8TOGPU_KERNELOUTLINER_H
