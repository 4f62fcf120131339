//===- KernelBuilder.cpp - builders every GPU kernel uses -----------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Index constants, the gpu.launch of a kernel outlined into @fp8_kernels,
// buffer views of tensors, vector loads, widening and NaN-propagating
// abs-max folds: the pieces the amax, cast and GEMM emitters share.
//
//===----------------------------------------------------------------------===//

#include "FP8ToGPUInternals.h"
#include "KernelOutliner.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::fp8;
using namespace mlir::fp8::detail;

namespace mlir::fp8::detail {

Value cIdx(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

/// A gpu.launch of `gridX x gridY x gridZ` workgroups of `blockX` threads
/// whose kernel is outlined as `name` into the gpu.module @fp8_kernels (one
/// binary for all of fp8's kernels; profilers show the names).
gpu::LaunchOp createKernel(OpBuilder &b, Location loc, StringRef name,
                                  Value gridX, Value gridY, Value gridZ,
                                  Value blockX, Value dynamicSharedMemory,
                                  TypeRange workgroupMemory) {
  Value one = cIdx(b, loc, 1);
  MLIRContext *context = b.getContext();
  return gpu::LaunchOp::create(
      b, loc, gridX, gridY, gridZ, blockX, one, one, dynamicSharedMemory,
      /*asyncTokenType=*/nullptr, /*asyncDependencies=*/{}, workgroupMemory,
      /*privateAttributions=*/{},
      /*clusterSizeX=*/nullptr, /*clusterSizeY=*/nullptr,
      /*clusterSizeZ=*/nullptr, FlatSymbolRefAttr::get(context, "fp8_kernels"),
      FlatSymbolRefAttr::get(context, name));
}

/// The key a kernel is cached under: its name, the family's key and its
/// workgroup buffers.
static std::string getCacheKey(StringRef name, StringRef key,
                               TypeRange workgroupMemory) {
  std::string full;
  llvm::raw_string_ostream os(full);
  os << name << '|' << key;
  for (Type type : workgroupMemory)
    os << '|' << type;
  return full;
}

gpu::LaunchOp createCachedKernel(OpBuilder &b, Location loc, KernelCache *cache,
                                 StringRef name, StringRef key, ValueRange args,
                                 Value gridX, Value gridY, Value gridZ,
                                 Value blockX, Value dynamicSharedMemory,
                                 TypeRange workgroupMemory) {
  if (cache) {
    Value one = cIdx(b, loc, 1);
    if (cache->launch(b, loc, getCacheKey(name, key, workgroupMemory),
                      {gridX, gridY, gridZ}, {blockX, one, one},
                      dynamicSharedMemory, args))
      return {};
  }
  return createKernel(b, loc, name, gridX, gridY, gridZ, blockX,
                      dynamicSharedMemory, workgroupMemory);
}

void cacheKernel(KernelCache *cache, gpu::LaunchOp launch, StringRef key,
                 ValueRange args) {
  if (!cache)
    return;
  SmallVector<Type> workgroupMemory;
  for (Value buffer : launch.getWorkgroupAttributions())
    workgroupMemory.push_back(buffer.getType());
  (void)cache->insert(
      launch, getCacheKey(*launch.getFunction(), key, workgroupMemory), args);
}

std::string describeForKey(Operation *op) {
  std::string key;
  llvm::raw_string_ostream os(key);
  os << op->getName() << '(' << op->getOperandTypes() << ")->("
     << op->getResultTypes() << ')' << op->getPropertiesAsAttribute()
     << op->getDiscardableAttrDictionary();
  return key;
}

SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value index,
                               ArrayRef<Value> basis) {
  SmallVector<Value> indices(basis.size());
  Value rest = index;
  for (int64_t dim = basis.size() - 1; dim > 0; --dim) {
    indices[dim] = arith::RemUIOp::create(b, loc, rest, basis[dim]);
    rest = arith::DivUIOp::create(b, loc, rest, basis[dim]);
  }
  if (!basis.empty())
    indices[0] = rest;
  return indices;
}

/// The largest gridDim.y and gridDim.z of a launch (CUDA and HIP).
constexpr int64_t kMaxGridYZ = 65535;

/// `count` workgroups along y or z, clamped to kMaxGridYZ.
static Value clampGridYZ(OpBuilder &b, Location loc, Value count) {
  return arith::MinUIOp::create(b, loc, count, cIdx(b, loc, kMaxGridYZ));
}

/// Calls `body` (inside the kernel of `launch`) for every index in
/// [0, count) that this workgroup owns along grid dimension `dim`: its block
/// id, then steps of the grid size. The step is the size the host computed
/// (a kernel argument once outlined): gpu.grid_dim needs the ROCm device
/// library on AMD GPUs.
static void forEachBlockIndex(OpBuilder &b, Location loc,
                              gpu::LaunchOp launch, gpu::Dimension dim,
                              Value count, function_ref<void(Value)> body) {
  auto pick = [&](gpu::KernelDim3 ids) {
    return dim == gpu::Dimension::y ? ids.y : ids.z;
  };
  scf::ForOp::create(b, loc, pick(launch.getBlockIds()), count,
                     pick(launch.getGridSizeOperandValues()), ValueRange{},
                     [&](OpBuilder &, Location l, Value index, ValueRange) {
                       body(index);
                       scf::YieldOp::create(b, l);
                     });
}

gpu::LaunchOp
createTiledGemmKernel(OpBuilder &b, Location loc, StringRef name, Value m,
                      Value n, Value batchCount, int64_t tileRows,
                      int64_t tileCols, int64_t threads,
                      function_ref<void(gpu::LaunchOp, Value, Value)> tile) {
  Value columnTiles =
      arith::CeilDivUIOp::create(b, loc, n, cIdx(b, loc, tileCols));
  Value rowTiles = arith::CeilDivUIOp::create(b, loc, m, cIdx(b, loc, tileRows));
  Value gridY = clampGridYZ(b, loc, rowTiles);
  Value gridZ = clampGridYZ(b, loc, batchCount);
  auto launch = createKernel(b, loc, name, columnTiles, gridY, gridZ,
                             cIdx(b, loc, threads));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  forEachBlockIndex(b, loc, launch, gpu::Dimension::z, batchCount,
                    [&](Value batchIndex) {
                      forEachBlockIndex(
                          b, loc, launch, gpu::Dimension::y, rowTiles,
                          [&](Value rowTile) {
                            tile(launch, rowTile, batchIndex);
                          });
                    });
  gpu::TerminatorOp::create(b, loc);
  return launch;
}

/// The sizes of `value` (a tensor or memref) as index values.
SmallVector<Value> getSizes(OpBuilder &b, Location loc, Value value) {
  SmallVector<Value> sizes;
  auto type = cast<ShapedType>(value.getType());
  for (int64_t dim = 0; dim < type.getRank(); ++dim) {
    if (type.isDynamicDim(dim))
      sizes.push_back(
          isa<MemRefType>(type)
              ? memref::DimOp::create(b, loc, value, dim).getResult()
              : tensor::DimOp::create(b, loc, value, dim).getResult());
    else
      sizes.push_back(cIdx(b, loc, type.getDimSize(dim)));
  }
  return sizes;
}

Value product(OpBuilder &b, Location loc, ArrayRef<Value> values) {
  Value result = cIdx(b, loc, 1);
  for (Value value : values)
    result = arith::MulIOp::create(b, loc, result, value);
  return result;
}

/// A read-only buffer view of a tensor.
Value toBuffer(OpBuilder &b, Location loc, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  auto memrefType = MemRefType::get(type.getShape(), type.getElementType());
  return bufferization::ToBufferOp::create(b, loc, memrefType, tensor,
                                           /*read_only=*/true);
}

/// A new buffer of `shape` with dynamic sizes from `sizes`.
Value allocBuffer(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                         ArrayRef<Value> sizes, Type elementType) {
  SmallVector<Value> dynamic;
  for (auto [size, value] : llvm::zip(shape, sizes))
    if (ShapedType::isDynamic(size))
      dynamic.push_back(value);
  return memref::AllocOp::create(b, loc, MemRefType::get(shape, elementType),
                                 dynamic);
}

Value toTensor(OpBuilder &b, Location loc, Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  return bufferization::ToTensorOp::create(
      b, loc, RankedTensorType::get(type.getShape(), type.getElementType()),
      buffer, /*restrict=*/true, /*writable=*/true);
}

Value expandFlat(OpBuilder &b, Location loc, Value flat,
                 RankedTensorType type, ArrayRef<OpFoldResult> sizes) {
  if (type.getNumDynamicDims() <= 1) {
    ReassociationIndices all =
        llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
    return tensor::ExpandShapeOp::create(
        b, loc, type, flat, ArrayRef<ReassociationIndices>{all}, sizes);
  }
  SmallVector<Value> shape;
  for (OpFoldResult size : sizes)
    shape.push_back(getValueOrCreateConstantIndexOp(b, loc, size));
  Value shapeTensor = tensor::FromElementsOp::create(b, loc, shape);
  return tensor::ReshapeOp::create(b, loc, type, flat, shapeTensor);
}

Value widenToF32(OpBuilder &b, Location loc, Value value) {
  if (value.getType().isF32())
    return value;
  return arith::ExtFOp::create(b, loc, b.getF32Type(), value);
}

/// scf.if `condition` with `body` as its (only) region.
void emitIf(OpBuilder &b, Location loc, Value condition,
                   function_ref<void()> body) {
  scf::IfOp::create(b, loc, condition, [&](OpBuilder &, Location) {
    body();
    scf::YieldOp::create(b, loc);
  });
}

/// `count` consecutive elements of `buffer` from `indices` as one vector
/// load, aligned to its size up to 16 bytes (the indices must keep it so).
Value loadVector(OpBuilder &b, Location loc, int64_t count, Value buffer,
                        ValueRange indices) {
  Type elementType = cast<MemRefType>(buffer.getType()).getElementType();
  int64_t bytes = count * elementType.getIntOrFloatBitWidth() / 8;
  return vector::LoadOp::create(
      b, loc, VectorType::get({count}, elementType), buffer, indices,
      /*nontemporal=*/false, llvm::MaybeAlign(std::min<int64_t>(bytes, 16)));
}

/// The elements of a 1-D vector, widened to f32.
SmallVector<Value> widenElements(OpBuilder &b, Location loc,
                                        Value vector) {
  SmallVector<Value> values;
  for (int64_t e = 0; e < cast<VectorType>(vector.getType()).getNumElements();
       ++e)
    values.push_back(widenToF32(
        b, loc,
        vector::ExtractOp::create(b, loc, vector, ArrayRef<int64_t>{e})));
  return values;
}

/// max(`max`, |v| for v in `values`), NaN-propagating.
Value foldAbsMax(OpBuilder &b, Location loc, Value max,
                        ArrayRef<Value> values) {
  for (Value value : values)
    max = arith::MaximumFOp::create(b, loc, max,
                                    math::AbsFOp::create(b, loc, value));
  return max;
}

/// foldAbsMax over the widened elements of a 1-D vector, each folded as
/// soon as it is extracted (fewer live registers than widenElements).
Value foldAbsMaxOfVector(OpBuilder &b, Location loc, Value max,
                                Value vector) {
  for (int64_t e = 0; e < cast<VectorType>(vector.getType()).getNumElements();
       ++e)
    max = foldAbsMax(b, loc, max,
                     widenToF32(b, loc,
                                vector::ExtractOp::create(
                                    b, loc, vector, ArrayRef<int64_t>{e})));
  return max;
}

} // namespace mlir::fp8::detail
