//===- KernelOutliner.cpp - one gpu.func per distinct kernel --------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Outlining that keeps one gpu.func per distinct kernel, and the cache of
// kernels by key that lets the lowering skip building a kernel it has.
//
//===----------------------------------------------------------------------===//

#include "KernelOutliner.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/Utils/GPUUtils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/xxhash.h"

using namespace mlir;
using namespace mlir::fp8;
using namespace mlir::fp8::detail;

/// The module the kernels go to when a launch names none.
static constexpr StringLiteral kKernelModule = "fp8_kernels";

//===----------------------------------------------------------------------===//
// ConstantFolder
//===----------------------------------------------------------------------===//

Attribute ConstantFolder::fold(Value value) {
  auto found = known.find(value);
  if (found != known.end())
    return found->second;
  Attribute result = compute(value);
  known[value] = result;
  return result;
}

Attribute ConstantFolder::compute(Value value) {
  Attribute constant;
  if (matchPattern(value, m_Constant(&constant)))
    return constant;
  Operation *op = value.getDefiningOp();
  if (!op || op->getNumRegions() != 0 || !isPure(op))
    return {};
  SmallVector<Attribute> operands;
  for (Value operand : op->getOperands()) {
    Attribute folded = fold(operand);
    if (!folded)
      return {};
    operands.push_back(folded);
  }
  SmallVector<OpFoldResult> results;
  if (failed(op->fold(operands, results)) ||
      results.size() != op->getNumResults())
    return {};
  OpFoldResult result = results[cast<OpResult>(value).getResultNumber()];
  if (auto attr = dyn_cast<Attribute>(result))
    return attr;
  return fold(cast<Value>(result));
}

/// An arith.constant of `attr` for `type`, or null when arith has none.
static Value materialize(OpBuilder &b, Location loc, Attribute attr,
                         Type type) {
  auto typed = dyn_cast<TypedAttr>(attr);
  if (!typed || typed.getType() != type ||
      !arith::ConstantOp::isBuildableWith(typed, type))
    return {};
  return arith::ConstantOp::create(b, loc, typed);
}

/// Replaces the launch's size operands and the host values its body reads
/// that fold to constants by constants (on the host for the sizes, inside
/// the body for the rest).
static void foldConstantsInto(gpu::LaunchOp launch, ConstantFolder &folder) {
  OpBuilder b(launch);
  Location loc = launch.getLoc();
  auto sizes =
      launch->getOpOperands().drop_front(launch.getAsyncDependencies().size());
  for (OpOperand &size : sizes.take_front(6)) {
    if (matchPattern(size.get(), m_Constant()))
      continue;
    if (Attribute attr = folder.fold(size.get()))
      if (Value constant = materialize(b, loc, attr, size.get().getType()))
        size.set(constant);
  }
  SetVector<Value> captured;
  getUsedValuesDefinedAbove(launch.getBody(), captured);
  b.setInsertionPointToStart(&launch.getBody().front());
  for (Value value : captured) {
    if (matchPattern(value, m_Constant()))
      continue;
    Attribute attr = folder.fold(value);
    if (!attr)
      continue;
    if (Value constant = materialize(b, loc, attr, value.getType()))
      replaceAllUsesInRegionWith(value, constant, launch.getBody());
  }
}

//===----------------------------------------------------------------------===//
// KernelOutliner
//===----------------------------------------------------------------------===//

/// The name a kernel's code gets: `base`, then 8 hex digits of a hash of
/// its text, so that the same kernel has the same name in every program
/// (profiles stay comparable) and the kind stays readable.
static std::string getStableName(gpu::GPUFuncOp func, StringRef base) {
  std::string text;
  {
    llvm::raw_string_ostream os(text);
    // The name must not count: print the kernel under a fixed one.
    StringAttr name = func.getNameAttr();
    func.setName("kernel");
    func->print(os, OpPrintingFlags().enableDebugInfo(false));
    func.setName(name);
  }
  std::string stable;
  llvm::raw_string_ostream os(stable);
  os << base << '_'
     << llvm::format_hex_no_prefix(llvm::xxh3_64bits(text) & 0xffffffff, 8);
  return stable;
}

/// The number of ops nested in `op`: a cheap first test of equality.
static int64_t countOps(Operation *op) {
  int64_t count = 0;
  op->walk([&](Operation *) { ++count; });
  return count;
}

/// Whether the detached `candidate` is the same code as `kernel`.
static bool isSameKernel(gpu::GPUFuncOp candidate, gpu::GPUFuncOp kernel) {
  StringAttr name = candidate.getNameAttr();
  candidate.setName(kernel.getNameAttr());
  DenseMap<Value, Value> equivalent;
  bool same = OperationEquivalence::isEquivalentTo(
      candidate, kernel,
      [&](Value lhs, Value rhs) {
        return success(lhs == rhs || equivalent.lookup(lhs) == rhs);
      },
      [&](Value lhs, Value rhs) { equivalent[lhs] = rhs; },
      OperationEquivalence::IgnoreLocations);
  candidate.setName(name);
  return same;
}

/// The kernels of one gpu.module by their base name, type and size.
class KernelOutliner::KernelTable {
public:
  explicit KernelTable(gpu::GPUModuleOp module) : symbols(module) {
    for (auto kernel : module.getOps<gpu::GPUFuncOp>())
      if (kernel.isKernel())
        buckets[getKey(kernel, countOps(kernel))].push_back(kernel);
  }

  /// The kernel `candidate` (detached, named by its base) duplicates.
  gpu::GPUFuncOp find(gpu::GPUFuncOp candidate, int64_t ops) {
    for (gpu::GPUFuncOp kernel : buckets.lookup(getKey(candidate, ops)))
      if (isSameKernel(candidate, kernel))
        return kernel;
    return {};
  }

  /// Inserts `candidate` under its stable name, with the symbols it uses
  /// that the module lacks (copied from `parent`'s).
  void insert(gpu::GPUFuncOp candidate, int64_t ops, SymbolTable &parent) {
    std::string key = getKey(candidate, ops);
    candidate.setName(getStableName(candidate, candidate.getName()));
    symbols.insert(candidate);
    SmallVector<Operation *> worklist = {candidate};
    while (!worklist.empty()) {
      std::optional<SymbolTable::UseRange> uses =
          SymbolTable::getSymbolUses(worklist.pop_back_val());
      if (!uses)
        continue;
      for (SymbolTable::SymbolUse use : *uses) {
        StringRef used = use.getSymbolRef().getRootReference();
        if (symbols.lookup(used))
          continue;
        Operation *definition = parent.lookup(used);
        if (!definition)
          continue;
        Operation *copy = definition->clone();
        symbols.insert(copy);
        worklist.push_back(copy);
      }
    }
    buckets[key].push_back(candidate);
  }

private:
  /// The base name (a stable name's hash dropped), type and op count.
  static std::string getKey(gpu::GPUFuncOp kernel, int64_t ops) {
    std::string key;
    llvm::raw_string_ostream os(key);
    StringRef name = kernel.getName();
    auto [base, suffix] = name.rsplit('_');
    if (suffix.size() == 8 && llvm::all_of(suffix, llvm::isHexDigit))
      name = base;
    os << name << '|' << kernel.getFunctionType() << '|' << ops;
    return key;
  }

  /// The kernel module's symbols.
  SymbolTable symbols;
  llvm::StringMap<SmallVector<gpu::GPUFuncOp, 1>> buckets;
};

KernelOutliner::KernelOutliner(ModuleOp module)
    : module(module), symbols(module) {}

KernelOutliner::~KernelOutliner() = default;

KernelOutliner::KernelTable &KernelOutliner::getTable(StringRef moduleName) {
  std::unique_ptr<KernelTable> &table = tables[moduleName];
  if (table)
    return *table;
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  UnitAttr::get(module.getContext()));
  auto kernelModule = symbols.lookup<gpu::GPUModuleOp>(moduleName);
  if (!kernelModule) {
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    kernelModule = gpu::GPUModuleOp::create(b, module.getLoc(), moduleName);
    symbols.insert(kernelModule);
  }
  table = std::make_unique<KernelTable>(kernelModule);
  return *table;
}

/// What upstream's outlining sinks into a kernel instead of passing it.
static bool isSinkingBeneficiary(Operation *op) {
  return isa<arith::ConstantOp, memref::DimOp, arith::SelectOp, arith::CmpIOp>(
      op);
}

FailureOr<gpu::LaunchFuncOp> KernelOutliner::outline(gpu::LaunchOp launch) {
  StringRef moduleName = launch.getModule().value_or(kKernelModule);
  std::string base;
  if (launch.getFunction())
    base = launch.getFunction()->str();
  else if (auto function = launch->getParentOfType<FunctionOpInterface>())
    base = (function.getName() + "_kernel").str();
  else
    base = "kernel";
  folder.clear();
  foldConstantsInto(launch, folder);
  if (failed(sinkOperationsIntoLaunchOp(launch, isSinkingBeneficiary)))
    return launch.emitOpError("could not sink values into the kernel");
  SmallVector<Value> operands;
  gpu::GPUFuncOp candidate = outlineKernelFunc(launch, base, operands);
  KernelTable &table = getTable(moduleName);
  int64_t ops = countOps(candidate);
  gpu::GPUFuncOp kernel = table.find(candidate, ops);
  if (kernel) {
    candidate.erase();
  } else {
    table.insert(candidate, ops, symbols);
    kernel = candidate;
  }
  OpBuilder b(launch);
  std::optional<gpu::KernelDim3> cluster;
  if (launch.hasClusterSize())
    cluster = launch.getClusterSizeOperandValues();
  auto launchFunc = gpu::LaunchFuncOp::create(
      b, launch.getLoc(), kernel, launch.getGridSizeOperandValues(),
      launch.getBlockSizeOperandValues(), launch.getDynamicSharedMemorySize(),
      operands,
      launch.getAsyncToken() ? launch.getAsyncToken().getType() : nullptr,
      launch.getAsyncDependencies(), cluster);
  launch.replaceAllUsesWith(launchFunc);
  launch.erase();
  return launchFunc;
}

LogicalResult KernelOutliner::outlineAll() {
  SmallVector<gpu::LaunchOp> launches;
  module.walk([&](gpu::LaunchOp launch) { launches.push_back(launch); });
  for (gpu::LaunchOp launch : launches)
    if (failed(outline(launch)))
      return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// KernelCache
//===----------------------------------------------------------------------===//

/// A launch's sizes (grid, then workgroup, then the dynamic shared memory,
/// which may be null), then `args`: what a cached kernel may read.
static SmallVector<Value> getInputs(gpu::KernelDim3 grid, gpu::KernelDim3 block,
                                    Value sharedMemory, ValueRange args) {
  SmallVector<Value> inputs = {grid.x,  grid.y,  grid.z,      block.x,
                               block.y, block.z, sharedMemory};
  llvm::append_range(inputs, args);
  return inputs;
}

std::string KernelCache::getFullKey(StringRef key, ValueRange inputs) {
  outliner.getFolder().clear();
  std::string full;
  llvm::raw_string_ostream os(full);
  os << key;
  for (auto [index, input] : llvm::enumerate(inputs)) {
    os << '|';
    if (!input) {
      os << "none";
      continue;
    }
    // The same value as an earlier input, its constant or its type.
    auto first = llvm::find(inputs, input);
    if (first != inputs.begin() + index) {
      os << '=' << (first - inputs.begin());
      continue;
    }
    if (Attribute constant = outliner.getFolder().fold(input))
      os << constant;
    else
      os << input.getType();
  }
  return full;
}

bool KernelCache::launch(OpBuilder &b, Location loc, StringRef key,
                         gpu::KernelDim3 grid, gpu::KernelDim3 block,
                         Value sharedMemory, ValueRange args) {
  if (check)
    return false;
  SmallVector<Value> inputs = getInputs(grid, block, sharedMemory, args);
  auto found = entries.find(getFullKey(key, inputs));
  if (found == entries.end())
    return false;
  SmallVector<Value> operands;
  for (unsigned index : found->second.arguments)
    operands.push_back(inputs[index]);
  gpu::LaunchFuncOp::create(b, loc, found->second.kernel, grid, block,
                            sharedMemory, operands, /*asyncObject=*/Value());
  return true;
}

LogicalResult KernelCache::insert(gpu::LaunchOp launch, StringRef key,
                                  ValueRange args) {
  if (succeeded(record(launch, key, args)))
    return success();
  anyFailed = true;
  return failure();
}

LogicalResult KernelCache::record(gpu::LaunchOp launch, StringRef key,
                                  ValueRange args) {
  SmallVector<Value> inputs = getInputs(
      launch.getGridSizeOperandValues(), launch.getBlockSizeOperandValues(),
      launch.getDynamicSharedMemorySize(), args);
  std::string fullKey = getFullKey(key, inputs);
  Location loc = launch.getLoc();
  FailureOr<gpu::LaunchFuncOp> launchFunc = outliner.outline(launch);
  if (failed(launchFunc))
    return failure();
  Entry entry{launchFunc->getKernel(), {}};
  for (Value operand : launchFunc->getKernelOperands()) {
    auto found = llvm::find(inputs, operand);
    if (found == inputs.end())
      return launchFunc->emitOpError()
             << "passes its kernel a host value that is not among the "
                "arguments it was cached with (key '"
             << key << "'): " << operand;
    entry.arguments.push_back(found - inputs.begin());
  }
  auto [existing, inserted] = entries.try_emplace(fullKey, entry);
  if (!inserted && (existing->second.kernel != entry.kernel ||
                    existing->second.arguments != entry.arguments))
    return emitError(loc) << "kernel cache: key '" << key
                          << "' names two different kernels, "
                          << existing->second.kernel << " and " << entry.kernel;
  return success();
}
