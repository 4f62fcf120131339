//===- FP8ToGPU.cpp - fp8 ops to GPU kernels ------------------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The two fp8 ops that need more than an elementwise loop get kernels of
// their own: amax (a reduction) and scaled_matmul (matrix cores). They are
// emitted as gpu.launch on buffers of the tensor operands
// (bufferization.to_buffer / to_tensor), so the rest of the pipeline stays on
// tensors until one-shot bufferization.
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/FP8ToGPU/FP8ToGPU.h"
#include "fp8/Conversion/FP8ToLinalg/FP8ToLinalg.h"
#include "fp8/Dialect/FP8/IR/FP8Ops.h"

#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/AMDGPU/Utils/Chipset.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir {
namespace fp8 {
#define GEN_PASS_DEF_FP8LOWERTOGPU
#define GEN_PASS_DEF_FP8LOWERSUBGROUPREDUCE
#define GEN_PASS_DEF_FP8TRUNCFTONVVM
#define GEN_PASS_DEF_FP8STAGEGLOBALSFORGPU
#define GEN_PASS_DEF_FP8TILELOOPSFORGPU
#include "fp8/Conversion/Passes.h.inc"
} // namespace fp8
} // namespace mlir

using namespace mlir;
using namespace mlir::fp8;

/// Threads per workgroup of the amax kernel.
static constexpr int64_t kAmaxBlock = 256;
/// Reduction elements per thread before the amax grid grows a second axis.
static constexpr int64_t kAmaxPerThread = 16;

static Value cIdx(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

/// A gpu.launch of `gridX x gridY x gridZ` workgroups of `blockX` threads
/// whose kernel is outlined as `name` into the gpu.module @fp8_kernels (one
/// binary for all of fp8's kernels; profilers show the names).
static gpu::LaunchOp createKernel(OpBuilder &b, Location loc, StringRef name,
                                  Value gridX, Value gridY, Value gridZ,
                                  Value blockX,
                                  Value dynamicSharedMemory = nullptr,
                                  TypeRange workgroupMemory = {}) {
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

/// The sizes of `value` (a tensor or memref) as index values.
static SmallVector<Value> getSizes(OpBuilder &b, Location loc, Value value) {
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

static Value product(OpBuilder &b, Location loc, ArrayRef<Value> values) {
  Value result = cIdx(b, loc, 1);
  for (Value value : values)
    result = arith::MulIOp::create(b, loc, result, value);
  return result;
}

/// A read-only buffer view of a tensor.
static Value toBuffer(OpBuilder &b, Location loc, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  auto memrefType = MemRefType::get(type.getShape(), type.getElementType());
  return bufferization::ToBufferOp::create(b, loc, memrefType, tensor,
                                           /*read_only=*/true);
}

/// A new buffer of `shape` with dynamic sizes from `sizes`.
static Value allocBuffer(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                         ArrayRef<Value> sizes, Type elementType) {
  SmallVector<Value> dynamic;
  for (auto [size, value] : llvm::zip(shape, sizes))
    if (ShapedType::isDynamic(size))
      dynamic.push_back(value);
  return memref::AllocOp::create(b, loc, MemRefType::get(shape, elementType),
                                 dynamic);
}

static Value toTensor(OpBuilder &b, Location loc, Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  return bufferization::ToTensorOp::create(
      b, loc, RankedTensorType::get(type.getShape(), type.getElementType()),
      buffer, /*restrict=*/true, /*writable=*/true);
}

static Value widenToF32(OpBuilder &b, Location loc, Value value) {
  if (value.getType().isF32())
    return value;
  return arith::ExtFOp::create(b, loc, b.getF32Type(), value);
}

/// scf.if `condition` with `body` as its (only) region.
static void emitIf(OpBuilder &b, Location loc, Value condition,
                   function_ref<void()> body) {
  scf::IfOp::create(b, loc, condition, [&](OpBuilder &, Location) {
    body();
    scf::YieldOp::create(b, loc);
  });
}

/// `count` consecutive elements of `buffer` from `indices` as one vector
/// load, aligned to its size up to 16 bytes (the indices must keep it so).
static Value loadVector(OpBuilder &b, Location loc, int64_t count, Value buffer,
                        ValueRange indices) {
  Type elementType = cast<MemRefType>(buffer.getType()).getElementType();
  int64_t bytes = count * elementType.getIntOrFloatBitWidth() / 8;
  return vector::LoadOp::create(
      b, loc, VectorType::get({count}, elementType), buffer, indices,
      /*nontemporal=*/false, llvm::MaybeAlign(std::min<int64_t>(bytes, 16)));
}

/// The elements of a 1-D vector, widened to f32.
static SmallVector<Value> widenElements(OpBuilder &b, Location loc,
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
static Value foldAbsMax(OpBuilder &b, Location loc, Value max,
                        ArrayRef<Value> values) {
  for (Value value : values)
    max = arith::MaximumFOp::create(b, loc, max,
                                    math::AbsFOp::create(b, loc, value));
  return max;
}

/// foldAbsMax over the widened elements of a 1-D vector, each folded as
/// soon as it is extracted (fewer live registers than widenElements).
static Value foldAbsMaxOfVector(OpBuilder &b, Location loc, Value max,
                                Value vector) {
  for (int64_t e = 0; e < cast<VectorType>(vector.getType()).getNumElements();
       ++e)
    max = foldAbsMax(b, loc, max,
                     widenToF32(b, loc,
                                vector::ExtractOp::create(
                                    b, loc, vector, ArrayRef<int64_t>{e})));
  return max;
}

namespace {
//===----------------------------------------------------------------------===//
// fp8.amax
//===----------------------------------------------------------------------===//

static bool isFusedIntoCast(AmaxOp op);

/// The amax kernel of emitAmaxKernel and what its caller needs: the flat
/// i32 buffer of f32 bit patterns (one per kept element) and its size.
struct AmaxKernel {
  Value bits;
  Value outputs;
  int64_t staticOutputs;
  SmallVector<Value> sizes;
};

/// Columns per workgroup of the column amax: 32 groups of 8.
static constexpr int64_t kColumnAmaxColumns = 256;
/// Rows a workgroup of the column amax reads at a time (one per warp).
static constexpr int64_t kColumnAmaxRowLanes = 8;

/// The amax over rows (dim 0) of a rows x `columns` matrix, into the f32
/// bits `bits` (zero-initialized), read in its own layout: lane l of warp w
/// reads 8 neighbouring columns (16 bytes of bf16) of rows w, w + 8, ... of
/// the workgroup's chunk of rows, so that a warp reads 512 contiguous bytes
/// of a row; the 8 warps' maxima meet in shared memory and warp 0 folds
/// them into `bits` with atomic max. grid = (columns / 256, row chunks).
static void emitColumnAmax(PatternRewriter &rewriter, Location loc, Value input,
                           Value bits, Value rows, int64_t columns) {
  auto workgroup = gpu::AddressSpaceAttr::get(
      rewriter.getContext(), gpu::GPUDialect::getWorkgroupAddressSpace());
  auto partialType = MemRefType::get({kColumnAmaxRowLanes, kColumnAmaxColumns},
                                     rewriter.getF32Type(), nullptr, workgroup);
  // About 64 rows per warp and chunk, at most 128 chunks.
  Value chunks = arith::CeilDivUIOp::create(
      rewriter, loc, rows, cIdx(rewriter, loc, 64 * kColumnAmaxRowLanes));
  chunks = arith::MaxUIOp::create(
      rewriter, loc,
      arith::MinUIOp::create(rewriter, loc, chunks, cIdx(rewriter, loc, 128)),
      cIdx(rewriter, loc, 1));
  Value rowsPerChunk = arith::CeilDivUIOp::create(rewriter, loc, rows, chunks);
  auto launch = createKernel(
      rewriter, loc, "fp8_amax_columns",
      cIdx(rewriter, loc, llvm::divideCeil(columns, kColumnAmaxColumns)),
      chunks, cIdx(rewriter, loc, 1),
      cIdx(rewriter, loc, 32 * kColumnAmaxRowLanes), nullptr, {partialType});
  OpBuilder::InsertionGuard guard(rewriter);
  OpBuilder &b = rewriter;
  b.setInsertionPointToStart(&launch.getBody().front());
  Value partial = launch.getWorkgroupAttributions()[0];
  Value tid = launch.getThreadIds().x;
  Value lane = arith::RemUIOp::create(b, loc, tid, cIdx(b, loc, 32));
  Value warp = arith::DivUIOp::create(b, loc, tid, cIdx(b, loc, 32));
  Value local = arith::MulIOp::create(b, loc, lane, cIdx(b, loc, 8));
  Value column = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, launch.getBlockIds().x,
                            cIdx(b, loc, kColumnAmaxColumns)),
      local);
  Value first =
      arith::MulIOp::create(b, loc, launch.getBlockIds().y, rowsPerChunk);
  Value end = arith::MinUIOp::create(
      b, loc, arith::AddIOp::create(b, loc, first, rowsPerChunk), rows);
  Value columnOk = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                         column, cIdx(b, loc, columns));
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  SmallVector<Value> init(8, zero);
  // Columns past the end (the last workgroup) read nothing.
  Value start = arith::SelectOp::create(
      b, loc, columnOk, arith::AddIOp::create(b, loc, first, warp), end);
  auto loop = scf::ForOp::create(
      b, loc, start, end, cIdx(b, loc, kColumnAmaxRowLanes), init,
      [&](OpBuilder &, Location, Value row, ValueRange acc) {
        SmallVector<Value> values = widenElements(
            b, loc, loadVector(b, loc, 8, input, ValueRange{row, column}));
        SmallVector<Value> next;
        for (int64_t e = 0; e < 8; ++e)
          next.push_back(foldAbsMax(b, loc, acc[e], values[e]));
        scf::YieldOp::create(b, loc, next);
      });
  for (int64_t e = 0; e < 8; ++e)
    memref::StoreOp::create(
        b, loc, loop.getResult(e), partial,
        ValueRange{warp,
                   arith::AddIOp::create(b, loc, local, cIdx(b, loc, e))});
  gpu::BarrierOp::create(b, loc);
  Value isWarp0 = arith::AndIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, warp,
                            cIdx(b, loc, 0)),
      columnOk);
  scf::IfOp::create(b, loc, isWarp0, [&](OpBuilder &, Location) {
    for (int64_t e = 0; e < 8; ++e) {
      Value col = arith::AddIOp::create(b, loc, local, cIdx(b, loc, e));
      Value max = zero;
      for (int64_t w = 0; w < kColumnAmaxRowLanes; ++w)
        max = arith::MaximumFOp::create(
            b, loc, max,
            memref::LoadOp::create(b, loc, partial,
                                   ValueRange{cIdx(b, loc, w), col}));
      memref::AtomicRMWOp::create(
          b, loc, arith::AtomicRMWKind::maxu,
          arith::BitcastOp::create(b, loc, b.getI32Type(), max), bits,
          ValueRange{arith::AddIOp::create(b, loc, column, cIdx(b, loc, e))});
    }
    scf::YieldOp::create(b, loc);
  });
  gpu::TerminatorOp::create(b, loc);
}

/// Emits the kernel of `op`: one workgroup per output element (x) and per
/// chunk of the reduction (y), 256 threads striding over it (8 elements a
/// load for a whole-tensor amax of a static innermost multiple of 8), a
/// wave-level maximumf and one atomic unsigned max of the f32 bits per
/// wave into a zero-initialized buffer.
static AmaxKernel emitAmaxKernel(PatternRewriter &rewriter, AmaxOp op) {
  Location loc = op.getLoc();
  Value input = op.getInput();
  int64_t rank = op.getInput().getType().getRank();
  SmallVector<int64_t> reduced = op.getReductionDims();
  SmallVector<int64_t> kept;
  for (int64_t dim = 0; dim < rank; ++dim)
    if (!llvm::is_contained(reduced, dim))
      kept.push_back(dim);

  SmallVector<Value> sizes = getSizes(rewriter, loc, input);
  SmallVector<Value> keptSizes, reducedSizes;
  for (int64_t dim : kept)
    keptSizes.push_back(sizes[dim]);
  for (int64_t dim : reduced)
    reducedSizes.push_back(sizes[dim]);
  Value outputs = product(rewriter, loc, keptSizes);
  Value elements = product(rewriter, loc, reducedSizes);
  // The flat output is static when every kept dimension is.
  int64_t staticOutputs = 1;
  for (int64_t dim : kept) {
    int64_t size = op.getInput().getType().getDimSize(dim);
    staticOutputs =
        ShapedType::isDynamic(size) || ShapedType::isDynamic(staticOutputs)
            ? ShapedType::kDynamic
            : staticOutputs * size;
  }

  // The output holds f32 bit patterns, zero (+0.0) initialized; the kernel
  // folds each wave's maximum in with an unsigned atomic max.
  Value buffer = toBuffer(rewriter, loc, input);
  Value bits = allocBuffer(rewriter, loc, {staticOutputs}, {outputs},
                           rewriter.getI32Type());
  Value zero = arith::ConstantIntOp::create(rewriter, loc, 0, 32);
  linalg::FillOp::create(rewriter, loc, zero, bits);

  if (rank == 2 && reduced == SmallVector<int64_t>{0} &&
      !ShapedType::isDynamic(staticOutputs) && staticOutputs % 8 == 0) {
    emitColumnAmax(rewriter, loc, buffer, bits, sizes[0], staticOutputs);
    return {bits, outputs, staticOutputs, sizes};
  }

  // grid = (outputs, chunks): enough chunks that each thread reduces about
  // kAmaxPerThread elements, at most 1024.
  // A whole-tensor amax whose innermost size is a static multiple of 8
  // reads the (contiguous) input as groups of 8: 16-byte loads of bf16.
  int64_t innermost = op.getInput().getType().getShape().empty()
                          ? 1
                          : op.getInput().getType().getShape().back();
  bool groupsOfEight = kept.empty() && rank > 0 &&
                       !ShapedType::isDynamic(innermost) && innermost % 8 == 0;
  Value items = elements;
  if (groupsOfEight) {
    items =
        arith::DivUIOp::create(rewriter, loc, elements, cIdx(rewriter, loc, 8));
    ReassociationIndices all = llvm::to_vector(llvm::seq<int64_t>(0, rank));
    buffer = memref::CollapseShapeOp::create(
        rewriter, loc, buffer, ArrayRef<ReassociationIndices>{all});
  }
  Value perBlock =
      cIdx(rewriter, loc,
           kAmaxBlock * (groupsOfEight ? kAmaxPerThread / 8 : kAmaxPerThread));
  Value chunks = arith::CeilDivUIOp::create(rewriter, loc, items, perBlock);
  chunks =
      arith::MinUIOp::create(rewriter, loc, chunks, cIdx(rewriter, loc, 1024));
  chunks =
      arith::MaxUIOp::create(rewriter, loc, chunks, cIdx(rewriter, loc, 1));
  Value one = cIdx(rewriter, loc, 1);
  auto launch = createKernel(rewriter, loc, "fp8_amax", outputs, chunks, one,
                             cIdx(rewriter, loc, kAmaxBlock));
  {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(&launch.getBody().front());
    Value output = launch.getBlockIds().x;
    Value chunk = launch.getBlockIds().y;
    Value thread = launch.getThreadIds().x;
    SmallVector<OpFoldResult> keptBasis(keptSizes.begin(), keptSizes.end());
    SmallVector<OpFoldResult> reducedBasis(reducedSizes.begin(),
                                           reducedSizes.end());
    ValueRange keptIndex = kept.empty()
                               ? ValueRange()
                               : affine::AffineDelinearizeIndexOp::create(
                                     rewriter, loc, output, keptBasis)
                                     .getResults();
    Value start = arith::AddIOp::create(
        rewriter, loc,
        arith::MulIOp::create(rewriter, loc, chunk,
                              cIdx(rewriter, loc, kAmaxBlock)),
        thread);
    Value step = arith::MulIOp::create(rewriter, loc, launch.getGridSizeY(),
                                       cIdx(rewriter, loc, kAmaxBlock));
    Value init =
        arith::ConstantOp::create(rewriter, loc, rewriter.getF32FloatAttr(0));
    // Groups of eight: the main loop keeps 4 loads in flight per thread
    // (grid-stride, 4 strides a step), the rest go one at a time.
    auto loadEight = [&](OpBuilder &b, Location l, Value group) -> Value {
      return loadVector(
          b, l, 8, buffer,
          ValueRange{arith::MulIOp::create(b, l, group, cIdx(b, l, 8))});
    };
    auto foldEight = [&](OpBuilder &b, Location l, Value all, Value max) {
      return foldAbsMaxOfVector(b, l, max, all);
    };
    Value rest = start, partial = init;
    if (groupsOfEight) {
      constexpr int64_t kUnroll = 4;
      Value span = arith::MulIOp::create(rewriter, loc, step,
                                         cIdx(rewriter, loc, kUnroll - 1));
      Value mainEnd = arith::SelectOp::create(
          rewriter, loc,
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ugt, items,
                                span),
          arith::SubIOp::create(rewriter, loc, items, span),
          cIdx(rewriter, loc, 0));
      Value wideStep = arith::MulIOp::create(rewriter, loc, step,
                                             cIdx(rewriter, loc, kUnroll));
      auto unrolled = scf::ForOp::create(
          rewriter, loc, start, mainEnd, wideStep, ValueRange{init},
          [&](OpBuilder &b, Location l, Value iv, ValueRange iterArgs) {
            SmallVector<Value> loaded;
            for (int64_t u = 0; u < kUnroll; ++u)
              loaded.push_back(loadEight(
                  b, l,
                  arith::AddIOp::create(
                      b, l, iv,
                      arith::MulIOp::create(b, l, step, cIdx(b, l, u)))));
            Value max = iterArgs[0];
            for (Value all : loaded)
              max = foldEight(b, l, all, max);
            scf::YieldOp::create(b, l, max);
          });
      // Where the main loop stopped: start + trips * wideStep.
      Value trips = arith::CeilDivUIOp::create(
          rewriter, loc,
          arith::SubIOp::create(
              rewriter, loc,
              arith::MaxUIOp::create(rewriter, loc, mainEnd, start), start),
          wideStep);
      rest = arith::AddIOp::create(
          rewriter, loc, start,
          arith::MulIOp::create(rewriter, loc, trips, wideStep));
      partial = unrolled.getResult(0);
    }
    auto loop = scf::ForOp::create(
        rewriter, loc, rest, items, step, ValueRange{partial},
        [&](OpBuilder &b, Location l, Value iv, ValueRange iterArgs) {
          if (groupsOfEight) {
            scf::YieldOp::create(
                b, l, foldEight(b, l, loadEight(b, l, iv), iterArgs[0]));
            return;
          }
          ValueRange reducedIndex =
              affine::AffineDelinearizeIndexOp::create(b, l, iv, reducedBasis)
                  .getResults();
          SmallVector<Value> index(rank);
          for (auto [i, dim] : llvm::enumerate(kept))
            index[dim] = keptIndex[i];
          for (auto [i, dim] : llvm::enumerate(reduced))
            index[dim] = reducedIndex[i];
          Value value = memref::LoadOp::create(b, l, buffer, index);
          Value abs = math::AbsFOp::create(b, l, widenToF32(b, l, value));
          Value max = arith::MaximumFOp::create(b, l, iterArgs[0], abs);
          scf::YieldOp::create(b, l, max);
        });
    Value wave = gpu::SubgroupReduceOp::create(
        rewriter, loc, loop.getResult(0), gpu::AllReduceOperation::MAXIMUMF,
        /*uniform=*/true);
    Value lane = gpu::LaneIdOp::create(rewriter, loc, /*upperBound=*/nullptr);
    Value first = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                        lane, cIdx(rewriter, loc, 0));
    scf::IfOp::create(rewriter, loc, first, [&](OpBuilder &b, Location l) {
      Value waveBits = arith::BitcastOp::create(b, l, b.getI32Type(), wave);
      memref::AtomicRMWOp::create(b, l, arith::AtomicRMWKind::maxu, waveBits,
                                  bits, ValueRange{output});
      scf::YieldOp::create(b, l);
    });
    gpu::TerminatorOp::create(rewriter, loc);
  }

  return {bits, outputs, staticOutputs, sizes};
}

struct AmaxToGPU : public OpRewritePattern<AmaxOp> {
  /// `leaveFused`: amaxes that a fused cast kernel computes (NVIDIA) are
  /// left to it.
  AmaxToGPU(MLIRContext *context, bool leaveFused)
      : OpRewritePattern<AmaxOp>(context), leaveFused(leaveFused) {}

  LogicalResult matchAndRewrite(AmaxOp op,
                                PatternRewriter &rewriter) const override {
    if (leaveFused && isFusedIntoCast(op))
      return rewriter.notifyMatchFailure(op, "computed by its cast kernel");
    Location loc = op.getLoc();
    AmaxKernel kernel = emitAmaxKernel(rewriter, op);
    Value bits = kernel.bits, outputs = kernel.outputs;
    int64_t staticOutputs = kernel.staticOutputs;
    SmallVector<Value> &sizes = kernel.sizes;
    SmallVector<int64_t> reduced = op.getReductionDims();
    int64_t rank = op.getInput().getType().getRank();

    // Bits back to f32, reshaped to the keep-dim result.
    Value flatBits = toTensor(rewriter, loc, bits);
    auto flatType =
        RankedTensorType::get({staticOutputs}, rewriter.getF32Type());
    Value flatInit = tensor::EmptyOp::create(
        rewriter, loc, flatType,
        ShapedType::isDynamic(staticOutputs) ? ValueRange{outputs}
                                             : ValueRange{});
    AffineMap id = rewriter.getMultiDimIdentityMap(1);
    Value flat =
        linalg::GenericOp::create(
            rewriter, loc, flatType, flatBits, flatInit,
            ArrayRef<AffineMap>{id, id},
            ArrayRef<utils::IteratorType>{utils::IteratorType::parallel},
            [](OpBuilder &b, Location l, ValueRange args) {
              linalg::YieldOp::create(
                  b, l,
                  arith::BitcastOp::create(b, l, b.getF32Type(), args[0])
                      .getResult());
            })
            .getResult(0);
    RankedTensorType resultType = op.getResult().getType();
    if (resultType.getRank() == 0) {
      auto single = RankedTensorType::get({1}, rewriter.getF32Type());
      Value cast = tensor::CastOp::create(rewriter, loc, single, flat);
      rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
          op, resultType, cast, ArrayRef<ReassociationIndices>{});
      return success();
    }
    SmallVector<OpFoldResult> resultSizes;
    for (int64_t dim = 0; dim < rank; ++dim)
      resultSizes.push_back(llvm::is_contained(reduced, dim)
                                ? OpFoldResult(rewriter.getIndexAttr(1))
                            : resultType.isDynamicDim(dim)
                                ? OpFoldResult(sizes[dim])
                                : OpFoldResult(rewriter.getIndexAttr(
                                      resultType.getDimSize(dim))));
    ReassociationIndices all = llvm::to_vector(llvm::seq<int64_t>(0, rank));
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, resultType, flat, ArrayRef<ReassociationIndices>{all}, resultSizes);
    return success();
  }

private:
  bool leaveFused;
};

//===----------------------------------------------------------------------===//
// fp8.cast on NVIDIA GPUs
//===----------------------------------------------------------------------===//

/// Threads per workgroup of the cast kernel.
static constexpr int64_t kCastBlock = 256;

/// Whether `op` converts to a type NVIDIA GPUs convert in hardware.
static bool hasNVVMConversion(CastOp op) {
  return isa<Float8E4M3FNType, Float8E5M2Type>(
      op.getResult().getType().getElementType());
}

/// Whether `op` is the rhs (K x N) of exactly one unbatched, not emulated
/// fp8.scaled_matmul: the matmul kernel then asks for it transposed (N x K,
/// K-major, what the tensor cores read) and emits the cast itself.
static bool isTransposableGemmRhs(CastOp op) {
  if (!hasNVVMConversion(op) || op.getInput().getType().getRank() != 2 ||
      !op.getResult().hasOneUse())
    return false;
  OpOperand &use = *op.getResult().getUses().begin();
  auto matmul = dyn_cast<ScaledMatmulOp>(use.getOwner());
  return matmul && use.get() == matmul.getRhs() &&
         use.getOperandNumber() == 1 && matmul.getNumBatchDims() == 0 &&
         !matmul.getEmulate();
}

/// Whether `use` reads its value as the B operand (K x N) of an unbatched,
/// not emulated fp8.scaled_matmul: NVIDIA's GEMM kernels read B K-major
/// (N x K), what the tensor cores take.
static bool isKMajorRhsUse(OpOperand &use) {
  auto matmul = dyn_cast<ScaledMatmulOp>(use.getOwner());
  return matmul && use.getOperandNumber() == 1 &&
         matmul.getNumBatchDims() == 0 && !matmul.getEmulate();
}

/// Whether `op` swaps the two dimensions of a tensor of rank 2.
static bool isMatrixTranspose(linalg::TransposeOp op) {
  return op.hasPureTensorSemantics() &&
         op.getPermutation() == ArrayRef<int64_t>{1, 0};
}

/// The N x K (K-major) fp8 tensor whose transpose `op` multiplies as B, when
/// B is a linalg.transpose of one (x @ W^T with W stored N x K, or a cast
/// with both layouts, DualLayoutCastToNVVM): the GEMM kernels read it as it
/// is.
static Value getKMajorRhs(ScaledMatmulOp op) {
  if (!isKMajorRhsUse(op->getOpOperand(1)))
    return nullptr;
  auto transpose = op.getRhs().getDefiningOp<linalg::TransposeOp>();
  return transpose && isMatrixTranspose(transpose) ? transpose.getInput()
                                                   : nullptr;
}

namespace {
/// The uses of an fp8.cast result by the layout they read.
struct CastUses {
  /// B operands of GEMMs (isKMajorRhsUse): they want the cast transposed.
  SmallVector<OpOperand *> kMajorRhs;
  /// Transposes of the cast that are not just K-major B operands (A of
  /// grad_output^T @ input, say): replaced by the transposed cast.
  SmallVector<linalg::TransposeOp> transposes;
  /// Whether some use reads the cast as it is.
  bool plain = false;
};
} // namespace

static CastUses classifyCastUses(CastOp op) {
  CastUses uses;
  for (OpOperand &use : op.getResult().getUses()) {
    if (isKMajorRhsUse(use)) {
      uses.kMajorRhs.push_back(&use);
      continue;
    }
    auto transpose = dyn_cast<linalg::TransposeOp>(use.getOwner());
    if (transpose && isMatrixTranspose(transpose) &&
        !llvm::all_of(transpose->getResult(0).getUses(), isKMajorRhsUse)) {
      uses.transposes.push_back(transpose);
      continue;
    }
    uses.plain = true;
  }
  return uses;
}

/// Edge of the square tiles of the transposing cast kernel.
static constexpr int64_t kTransposeTile = 64;

/// Whether emitTransposedCast casts the K x N `op` with the tiled kernel
/// (K and N static multiples of kTransposeTile).
static bool hasTiledTranspose(CastOp op) {
  RankedTensorType type = op.getInput().getType();
  return type.hasStaticShape() && type.getDimSize(0) % kTransposeTile == 0 &&
         type.getDimSize(1) % kTransposeTile == 0;
}

/// Whether DualLayoutCastToNVVM casts `op`: a 2-D cast that some use reads
/// transposed (hasTiledTranspose) and that is not the sole B operand of one
/// GEMM (which casts it itself, isTransposableGemmRhs).
static bool hasDualLayoutCast(CastOp op) {
  if (!hasNVVMConversion(op) || op.getInput().getType().getRank() != 2 ||
      !hasTiledTranspose(op) || isTransposableGemmRhs(op))
    return false;
  CastUses uses = classifyCastUses(op);
  return !uses.kMajorRhs.empty() || !uses.transposes.empty();
}

/// Two f32 values (already clamped) to fp8 with one
/// cvt.rn.satfinite.{e4m3,e5m2}x2.f32: `low` in byte 0, `high` in byte 1.
static Value convertPair(OpBuilder &b, Location l, Value high, Value low,
                         Type target) {
  return NVVM::ConvertF32x2ToF8x2Op::create(
      b, l, VectorType::get({2}, b.getI8Type()), high, low,
      NVVM::FPRoundingModeAttr::get(b.getContext(), NVVM::FPRoundingMode::RN),
      NVVM::SaturationModeAttr::get(b.getContext(),
                                    NVVM::SaturationMode::SATFINITE),
      b.getBoolAttr(false), TypeAttr::get(target));
}

/// Eight f32 values to a vector<8xtarget> with four pair conversions.
static Value convertEight(OpBuilder &b, Location l, ArrayRef<Value> values,
                          Type target) {
  SmallVector<Value> packs;
  for (int64_t p = 0; p < 4; ++p)
    packs.push_back(
        convertPair(b, l, values[2 * p + 1], values[2 * p], target));
  Value low = vector::ShuffleOp::create(b, l, packs[0], packs[1],
                                        ArrayRef<int64_t>{0, 1, 2, 3});
  Value high = vector::ShuffleOp::create(b, l, packs[2], packs[3],
                                         ArrayRef<int64_t>{0, 1, 2, 3});
  Value packed = vector::ShuffleOp::create(
      b, l, low, high, ArrayRef<int64_t>{0, 1, 2, 3, 4, 5, 6, 7});
  return arith::BitcastOp::create(b, l, VectorType::get({8}, target), packed);
}

/// In a cast kernel fused with a whole-tensor amax: the scale of `toScale`
/// (buildAmaxToScale, SPEC section 1) from the amax's f32 bits in
/// `amaxBits`; the thread where `isFirst` holds writes it to `scaleOut`
/// for the GEMM.
static Value emitFusedScale(OpBuilder &b, Location loc, Value amaxBits,
                            AmaxToScaleOp toScale, Value isFirst,
                            Value scaleOut) {
  Value bits =
      memref::LoadOp::create(b, loc, amaxBits, ValueRange{cIdx(b, loc, 0)});
  Value scale = buildAmaxToScale(
      b, loc, arith::BitcastOp::create(b, loc, b.getF32Type(), bits),
      cast<FloatType>(toScale.getDtype()), toScale.getRoundToPowerOf_2());
  emitIf(b, loc, isFirst, [&] {
    memref::StoreOp::create(b, loc, scale, scaleOut, ValueRange{});
  });
  return scale;
}

/// Emits the kernel of an fp8.cast to f8E4M3FN/f8E5M2 and returns its output
/// buffer: each thread converts two neighbours with one
/// cvt.rn.satfinite.{e4m3,e5m2}x2.f32, q = RNE(clamp(f32(x) * scale)).
/// Neighbours along the innermost dimension, or with `transposed` (rank 2,
/// K x N input) along K, written to an N x K buffer so that every pair is
/// one 16-bit store. Pairs load and store as one vector where the sizes
/// keep them aligned (innermost, resp. K, static and even), and a static
/// innermost size that is a multiple of 8 gives each thread 8 elements (one
/// 16-byte load for bf16, four cvts, one 8-byte store); otherwise element
/// by element, an odd last element converted alone.
///
/// With `amaxBits` (the f32 bits of a whole-tensor amax, emitAmaxKernel) the
/// kernel computes the scale itself (buildAmaxToScale with `toScale`'s
/// settings), its first thread writes it to `scaleOut`, and workgroups take
/// the input from its end (what the amax pass left in L2) to its start.
static Value emitPairCast(PatternRewriter &rewriter, CastOp op, bool transposed,
                          Value amaxBits = nullptr,
                          AmaxToScaleOp toScale = nullptr,
                          Value scaleOut = nullptr) {
  Type target = op.getResult().getType().getElementType();
  RankedTensorType inputType = op.getInput().getType();
  int64_t rank = inputType.getRank();
  Location loc = op.getLoc();
  Value input = op.getInput();
  Value scale = op.getScale();
  auto scaleType = cast<RankedTensorType>(scale.getType());

  SmallVector<Value> sizes = getSizes(rewriter, loc, input);
  int64_t pairDim = transposed ? 0 : rank - 1;
  Value pairLength = sizes[pairDim];
  int64_t staticLength = inputType.getShape()[pairDim];
  bool groupsOfEight = !transposed && !ShapedType::isDynamic(staticLength) &&
                       staticLength % 8 == 0;
  Value step = cIdx(rewriter, loc, groupsOfEight ? 8 : 2);
  Value pairsAlong =
      arith::CeilDivUIOp::create(rewriter, loc, pairLength, step);
  // The other elements: N when transposed, else all leading dimensions.
  Value others =
      transposed ? sizes[1]
                 : product(rewriter, loc, ArrayRef<Value>(sizes).drop_back());
  Value pairs = arith::MulIOp::create(rewriter, loc, others, pairsAlong);
  int64_t staticPairLength = inputType.getShape()[pairDim];
  bool aligned =
      !ShapedType::isDynamic(staticPairLength) && staticPairLength % 2 == 0;
  bool vectorLoads = aligned && !transposed;
  // Eight elements per thread (one 16-byte load of bf16, one 8-byte store)
  // where the innermost size allows it.
  int64_t perThread = groupsOfEight ? 8 : 2;

  Value inBuffer = toBuffer(rewriter, loc, input);
  Value scaleBuffer = amaxBits ? Value() : toBuffer(rewriter, loc, scale);
  SmallVector<int64_t> outShape(inputType.getShape());
  SmallVector<Value> outSizes(sizes);
  if (transposed) {
    std::swap(outShape[0], outShape[1]);
    std::swap(outSizes[0], outSizes[1]);
  }
  Value outBuffer = allocBuffer(rewriter, loc, outShape, outSizes, target);

  Value blocks = arith::CeilDivUIOp::create(rewriter, loc, pairs,
                                            cIdx(rewriter, loc, kCastBlock));
  blocks =
      arith::MaxUIOp::create(rewriter, loc, blocks, cIdx(rewriter, loc, 1));
  Value one = cIdx(rewriter, loc, 1);
  auto launch = createKernel(rewriter, loc,
                             transposed ? "fp8_cast_transposed" : "fp8_cast",
                             blocks, one, one, cIdx(rewriter, loc, kCastBlock));
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToStart(&launch.getBody().front());
  // After the amax kernel's front-to-back pass, the end of the input is
  // what L2 still holds: the fused tensorwise cast starts there.
  Value block = launch.getBlockIds().x;
  if (amaxBits)
    block = arith::SubIOp::create(rewriter, loc,
                                  arith::SubIOp::create(rewriter, loc,
                                                        launch.getGridSizeX(),
                                                        cIdx(rewriter, loc, 1)),
                                  block);
  Value pair = arith::AddIOp::create(
      rewriter, loc,
      arith::MulIOp::create(rewriter, loc, block,
                            cIdx(rewriter, loc, kCastBlock)),
      launch.getThreadIds().x);
  Value inRange = arith::CmpIOp::create(rewriter, loc,
                                        arith::CmpIPredicate::ult, pair, pairs);
  Value fusedScale;
  if (amaxBits)
    fusedScale = emitFusedScale(
        rewriter, loc, amaxBits, toScale,
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, pair,
                              cIdx(rewriter, loc, 0)),
        scaleOut);
  scf::IfOp::create(rewriter, loc, inRange, [&](OpBuilder &b, Location l) {
    // Transposed: consecutive threads take consecutive columns n, so that
    // the loads of a warp are contiguous.
    Value other =
        transposed ? arith::RemUIOp::create(b, l, pair, others).getResult()
                   : arith::DivUIOp::create(b, l, pair, pairsAlong).getResult();
    Value pairIndex =
        transposed ? arith::DivUIOp::create(b, l, pair, others).getResult()
                   : arith::RemUIOp::create(b, l, pair, pairsAlong).getResult();
    Value first = arith::MulIOp::create(b, l, pairIndex, step);
    Value next = arith::AddIOp::create(b, l, first, cIdx(b, l, 1));
    Value hasNext = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult, next,
                                          pairLength);
    // Input coordinates of the pair's elements.
    SmallVector<Value> index0, index1;
    if (transposed) {
      index0 = {first, other};
      index1 = {next, other};
    } else {
      if (rank > 1) {
        SmallVector<OpFoldResult> basis(sizes.begin(), sizes.end() - 1);
        llvm::append_range(
            index0, affine::AffineDelinearizeIndexOp::create(b, l, other, basis)
                        .getResults());
      }
      index1 = index0;
      index0.push_back(first);
      index1.push_back(next);
    }
    auto outIndex = [&](ArrayRef<Value> index) {
      SmallVector<Value> result(index);
      if (transposed)
        std::swap(result[0], result[1]);
      return result;
    };

    SaturationBounds bounds =
        buildSaturationBounds(b, l, cast<FloatType>(target));
    auto scaled = [&](Value x, ArrayRef<Value> index) -> Value {
      SmallVector<Value> scaleIndex;
      for (int64_t dim = 0; dim < scaleType.getRank(); ++dim)
        scaleIndex.push_back(scaleType.getDimSize(dim) == 1 ? cIdx(b, l, 0)
                                                            : index[dim]);
      Value s = fusedScale
                    ? fusedScale
                    : memref::LoadOp::create(b, l, scaleBuffer, scaleIndex)
                          .getResult();
      return buildSaturate(
          b, l, arith::MulFOp::create(b, l, widenToF32(b, l, x), s), bounds);
    };

    Type elementType = inputType.getElementType();
    auto cvt = [&](Value high, Value low) {
      return convertPair(b, l, high, low, target);
    };
    if (perThread == 8) {
      // The group starts at a multiple of 8 elements of a row whose length
      // is a multiple of 8, in a buffer aligned to at least 256 bytes.
      int64_t bytes = 8 * elementType.getIntOrFloatBitWidth() / 8;
      Value all = vector::LoadOp::create(
          b, l, VectorType::get({8}, elementType), inBuffer, index0,
          /*nontemporal=*/false, llvm::MaybeAlign(bytes));
      SmallVector<Value> packs;
      for (int64_t p = 0; p < 4; ++p) {
        SmallVector<Value> indexA(index0), indexB(index0);
        indexA.back() = arith::AddIOp::create(b, l, first, cIdx(b, l, 2 * p));
        indexB.back() =
            arith::AddIOp::create(b, l, first, cIdx(b, l, 2 * p + 1));
        packs.push_back(scaled(
            vector::ExtractOp::create(b, l, all, ArrayRef<int64_t>{2 * p}),
            indexA));
        packs.push_back(scaled(
            vector::ExtractOp::create(b, l, all, ArrayRef<int64_t>{2 * p + 1}),
            indexB));
      }
      Value codes = convertEight(b, l, packs, target);
      vector::StoreOp::create(b, l, codes, outBuffer, index0,
                              /*nontemporal=*/false, llvm::MaybeAlign(8));
      scf::YieldOp::create(b, l);
      return;
    }
    Value x0, x1;
    if (vectorLoads) {
      Value both = vector::LoadOp::create(
          b, l, VectorType::get({2}, elementType), inBuffer, index0,
          /*nontemporal=*/false,
          llvm::MaybeAlign(2 * elementType.getIntOrFloatBitWidth() / 8));
      x0 = scaled(vector::ExtractOp::create(b, l, both, ArrayRef<int64_t>{0}),
                  index0);
      x1 = scaled(vector::ExtractOp::create(b, l, both, ArrayRef<int64_t>{1}),
                  index1);
    } else {
      x0 = scaled(memref::LoadOp::create(b, l, inBuffer, index0), index0);
      // An odd last element pairs with 0.
      x1 = scf::IfOp::create(
               b, l, hasNext,
               [&](OpBuilder &tb, Location tl) {
                 Value x = memref::LoadOp::create(tb, tl, inBuffer, index1);
                 scf::YieldOp::create(tb, tl, scaled(x, index1));
               },
               [&](OpBuilder &eb, Location el) {
                 scf::YieldOp::create(
                     eb, el,
                     arith::ConstantOp::create(eb, el, eb.getF32FloatAttr(0))
                         .getResult());
               })
               .getResult(0);
    }
    Value packed = cvt(x1, x0);
    Value codes =
        arith::BitcastOp::create(b, l, VectorType::get({2}, target), packed);
    if (aligned) {
      // The pair starts at an even offset of an even-length row (N x K
      // rows when transposed): one 16-bit store.
      vector::StoreOp::create(b, l, codes, outBuffer, outIndex(index0),
                              /*nontemporal=*/false, llvm::MaybeAlign(2));
    } else {
      Value q0 = vector::ExtractOp::create(b, l, codes, ArrayRef<int64_t>{0});
      memref::StoreOp::create(b, l, q0, outBuffer, outIndex(index0));
      scf::IfOp::create(b, l, hasNext, [&](OpBuilder &tb, Location tl) {
        Value q1 =
            vector::ExtractOp::create(tb, tl, codes, ArrayRef<int64_t>{1});
        memref::StoreOp::create(tb, tl, q1, outBuffer, outIndex(index1));
        scf::YieldOp::create(tb, tl);
      });
    }
    scf::YieldOp::create(b, l);
  });
  gpu::TerminatorOp::create(rewriter, loc);
  return outBuffer;
}

/// Bytes per shared-memory row of a tile: 64 codes and 4 bytes of padding
/// (17 words: the 32-bit stores and loads of a warp spread over the banks).
static constexpr int64_t kTransposeRowBytes = kTransposeTile + 4;

static AmaxOp getTransposedFusedAmax(CastOp op);

/// The K x N -> N x K cast of a GEMM's B operand as a tiled transpose when
/// K and N are static multiples of 64, else the pair kernel: a workgroup of
/// 256 threads converts a 64 x 64 tile, each thread a 4 x 4 block (four
/// 8-byte loads of bf16 rows, four 32-bit shared stores of 4 codes along
/// K), then stores rows of the N x K result with 16-byte stores. Both
/// global sides are coalesced.
///
/// A tensorwise scale = amax_to_scale(amax(B)) (getTransposedFusedAmax) is
/// computed on the GPU: the amax kernel, then every thread of this kernel
/// computes the scale from the amax (SPEC section 1) and the first one
/// writes it for the GEMM's epilogue. (Left alone, the rank-0
/// amax_to_scale would run in host code between the two kernels.)
///
/// With `plainOutput` (a K x N fp8 buffer; tiled kernel only) the same pass
/// also writes the cast as it is: each thread stores its 4 codes of each
/// row as one 32-bit word (a half-warp writes 64 contiguous bytes).
static Value emitTransposedCast(PatternRewriter &rewriter, CastOp op,
                                Value plainOutput = nullptr) {
  if (!hasTiledTranspose(op))
    return emitPairCast(rewriter, op, /*transposed=*/true);
  RankedTensorType inputType = op.getInput().getType();
  int64_t k = inputType.getDimSize(0), n = inputType.getDimSize(1);
  Location loc = op.getLoc();
  Type target = op.getResult().getType().getElementType();
  auto scaleType = cast<RankedTensorType>(op.getScale().getType());
  Value input = toBuffer(rewriter, loc, op.getInput());
  AmaxOp amax = getTransposedFusedAmax(op);
  auto toScale =
      amax ? op.getScale().getDefiningOp<AmaxToScaleOp>() : AmaxToScaleOp();
  Value amaxBits = amax ? emitAmaxKernel(rewriter, amax).bits : Value();
  Value scaleOut =
      amax ? memref::AllocOp::create(rewriter, loc,
                                     MemRefType::get({}, rewriter.getF32Type()))
                 .getResult()
           : Value();
  Value scales = amax ? Value() : toBuffer(rewriter, loc, op.getScale());
  Value output =
      memref::AllocOp::create(rewriter, loc, MemRefType::get({n, k}, target));
  auto workgroup = gpu::AddressSpaceAttr::get(
      rewriter.getContext(), gpu::GPUDialect::getWorkgroupAddressSpace());
  auto tileType = MemRefType::get({kTransposeTile, kTransposeRowBytes},
                                  rewriter.getI8Type(), nullptr, workgroup);
  auto launch =
      createKernel(rewriter, loc, "fp8_cast_transposed",
                   cIdx(rewriter, loc, n / kTransposeTile),
                   cIdx(rewriter, loc, k / kTransposeTile),
                   cIdx(rewriter, loc, 1), cIdx(rewriter, loc, kCastBlock),
                   /*dynamicSharedMemory=*/nullptr, {tileType});
  {
    OpBuilder::InsertionGuard guard(rewriter);
    OpBuilder &b = rewriter;
    b.setInsertionPointToStart(&launch.getBody().front());
    Value tile = launch.getWorkgroupAttributions()[0];
    Value tid = launch.getThreadIds().x;
    Value n0 = arith::MulIOp::create(b, loc, launch.getBlockIds().x,
                                     cIdx(b, loc, kTransposeTile));
    Value k0 = arith::MulIOp::create(b, loc, launch.getBlockIds().y,
                                     cIdx(b, loc, kTransposeTile));
    auto add = [&](Value x, int64_t y) {
      return arith::AddIOp::create(b, loc, x, cIdx(b, loc, y)).getResult();
    };
    SaturationBounds bounds =
        buildSaturationBounds(b, loc, cast<FloatType>(target));
    // Phase 1: thread t reads rows k0 + 4 (t / 16) + r, r < 4, at columns
    // n0 + 4 (t % 16) + c, c < 4 (a half-warp reads 128 contiguous bytes of
    // a bf16 row), and writes, per column, its 4 codes along K as one
    // 32-bit word of the tile's row n: with 68-byte rows the warp's stores
    // meet at most two to a bank.
    Value kInTile = arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, tid, cIdx(b, loc, 16)),
        cIdx(b, loc, 4));
    Value nInTile = arith::MulIOp::create(
        b, loc, arith::RemUIOp::create(b, loc, tid, cIdx(b, loc, 16)),
        cIdx(b, loc, 4));
    Value col = arith::AddIOp::create(b, loc, n0, nInTile);
    auto scaleAt = [&](Value row, Value col) -> Value {
      SmallVector<Value> scaleIndex;
      for (int64_t dim = 0; dim < scaleType.getRank(); ++dim)
        scaleIndex.push_back(scaleType.getDimSize(dim) == 1 ? cIdx(b, loc, 0)
                             : dim == 0                     ? row
                                                            : col);
      return memref::LoadOp::create(b, loc, scales, scaleIndex);
    };
    // Scales that do not change along K (tensorwise, or one per column of
    // B) are loaded once.
    SmallVector<Value> columnScales;
    if (amax) {
      Value zero = cIdx(b, loc, 0);
      auto isZero = [&](Value v) {
        return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, v, zero);
      };
      Value first = arith::AndIOp::create(
          b, loc, isZero(tid),
          arith::AndIOp::create(b, loc, isZero(launch.getBlockIds().x),
                                isZero(launch.getBlockIds().y)));
      columnScales.assign(
          4, emitFusedScale(b, loc, amaxBits, toScale, first, scaleOut));
    } else if (scaleType.getRank() == 0 || scaleType.getDimSize(0) == 1) {
      for (int64_t c = 0; c < 4; ++c)
        columnScales.push_back(scaleType.getRank() == 0 && c > 0
                                   ? columnScales[0]
                                   : scaleAt(cIdx(b, loc, 0), add(col, c)));
    }
    // values[r][c]: row k0 + kInTile + r, column col + c, scaled and
    // saturated.
    SmallVector<SmallVector<Value>> values;
    for (int64_t r = 0; r < 4; ++r) {
      Value row = arith::AddIOp::create(b, loc, k0, add(kInTile, r));
      SmallVector<Value> rowValues = widenElements(
          b, loc, loadVector(b, loc, 4, input, ValueRange{row, col}));
      for (int64_t c = 0; c < 4; ++c) {
        Value s =
            columnScales.empty() ? scaleAt(row, add(col, c)) : columnScales[c];
        rowValues[c] = buildSaturate(
            b, loc, arith::MulFOp::create(b, loc, rowValues[c], s), bounds);
      }
      values.push_back(std::move(rowValues));
    }
    // Four values to the 4 codes of one 32-bit word (value i in byte i).
    auto packWord = [&](Value v0, Value v1, Value v2, Value v3) -> Value {
      return vector::ShuffleOp::create(
          b, loc, convertPair(b, loc, v1, v0, target),
          convertPair(b, loc, v3, v2, target), ArrayRef<int64_t>{0, 1, 2, 3});
    };
    if (plainOutput) {
      for (int64_t r = 0; r < 4; ++r) {
        Value word =
            packWord(values[r][0], values[r][1], values[r][2], values[r][3]);
        vector::StoreOp::create(
            b, loc,
            arith::BitcastOp::create(b, loc, VectorType::get({4}, target),
                                     word),
            plainOutput,
            ValueRange{arith::AddIOp::create(b, loc, k0, add(kInTile, r)),
                       col},
            /*nontemporal=*/false, llvm::MaybeAlign(4));
      }
    }
    for (int64_t c = 0; c < 4; ++c) {
      Value word =
          packWord(values[0][c], values[1][c], values[2][c], values[3][c]);
      vector::StoreOp::create(b, loc, word, tile,
                              ValueRange{add(nInTile, c), kInTile},
                              /*nontemporal=*/false, llvm::MaybeAlign(4));
    }
    gpu::BarrierOp::create(b, loc);
    // Phase 2: thread t writes 16 codes of output row n0 + t / 4.
    Value outRow = arith::DivUIOp::create(b, loc, tid, cIdx(b, loc, 4));
    Value outCol = arith::MulIOp::create(
        b, loc, arith::RemUIOp::create(b, loc, tid, cIdx(b, loc, 4)),
        cIdx(b, loc, 16));
    // 68-byte rows: four 32-bit shared loads.
    Value codes =
        vector::LoadOp::create(b, loc, VectorType::get({16}, b.getI8Type()),
                               tile, ValueRange{outRow, outCol},
                               /*nontemporal=*/false, llvm::MaybeAlign(4));
    vector::StoreOp::create(
        b, loc,
        arith::BitcastOp::create(b, loc, VectorType::get({16}, target), codes),
        output,
        ValueRange{arith::AddIOp::create(b, loc, n0, outRow),
                   arith::AddIOp::create(b, loc, k0, outCol)},
        /*nontemporal=*/false, llvm::MaybeAlign(16));
    gpu::TerminatorOp::create(b, loc);
  }
  if (amax) {
    rewriter.replaceOp(toScale, toTensor(rewriter, loc, scaleOut));
    rewriter.eraseOp(amax);
  }
  return output;
}

namespace {
/// B of a scaled matmul in the N x K (K-major) layout the NVIDIA GEMM
/// kernels read, when it comes without a transpose kernel: a cast that the
/// GEMM lowering emits transposed itself (isTransposableGemmRhs), or the
/// N x K input of a transpose (getKMajorRhs).
struct KMajorRhs {
  CastOp cast;
  Value tensor;
  explicit operator bool() const { return cast || tensor; }
};
} // namespace

static KMajorRhs findKMajorRhs(ScaledMatmulOp op) {
  auto rhsCast = op.getRhs().getDefiningOp<CastOp>();
  if (rhsCast && isTransposableGemmRhs(rhsCast))
    return {rhsCast, nullptr};
  return {nullptr, getKMajorRhs(op)};
}

/// The N x K buffer of `rhs` (found, not null): the transposing cast's
/// output, or a view of the K-major tensor.
static Value emitKMajorRhs(PatternRewriter &rewriter, Location loc,
                           const KMajorRhs &rhs) {
  return rhs.cast ? emitTransposedCast(rewriter, rhs.cast)
                  : toBuffer(rewriter, loc, rhs.tensor);
}

/// Replaces the GEMM `op` with `c`, then erases its B's producer (the cast
/// or transpose of a KMajorRhs) when nothing else reads it.
static void replaceGemm(PatternRewriter &rewriter, ScaledMatmulOp op,
                        const KMajorRhs &rhs, Value c) {
  Operation *producer = op.getRhs().getDefiningOp();
  rewriter.replaceOp(op, toTensor(rewriter, op.getLoc(), c));
  if (rhs && producer->use_empty())
    rewriter.eraseOp(producer);
}

/// fp8.cast to f8E4M3FN/f8E5M2 as the pair-wise kernel of emitPairCast. The
/// rhs of a scaled matmul is left to the matmul kernel, which casts it
/// transposed.
struct CastToNVVMPairs : public OpRewritePattern<CastOp> {
  using OpRewritePattern<CastOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(CastOp op,
                                PatternRewriter &rewriter) const override {
    if (!hasNVVMConversion(op))
      return rewriter.notifyMatchFailure(op, "no NVIDIA conversion for type");
    if (op.getInput().getType().getRank() == 0)
      return rewriter.notifyMatchFailure(op, "rank-0 input");
    if (isTransposableGemmRhs(op))
      return rewriter.notifyMatchFailure(op, "cast by the matmul kernel");
    Value buffer = emitPairCast(rewriter, op, /*transposed=*/false);
    rewriter.replaceOp(op, toTensor(rewriter, op.getLoc(), buffer));
    return success();
  }
};

/// The amax of `op`'s input when `op` casts with amax_to_scale of it and
/// that amax has no other use.
static AmaxOp getSoleAmax(CastOp op) {
  auto toScale = op.getScale().getDefiningOp<AmaxToScaleOp>();
  auto amax = toScale ? toScale.getAmax().getDefiningOp<AmaxOp>() : nullptr;
  if (!amax || amax.getInput() != op.getInput() ||
      !amax.getResult().hasOneUse())
    return nullptr;
  return amax;
}

/// getSoleAmax for a cast that is not left to a GEMM: such a cast may
/// compute its amax and scale itself (FusedCastToNVVM).
static AmaxOp getOwnAmax(CastOp op) {
  if (!hasNVVMConversion(op) || isTransposableGemmRhs(op) ||
      hasDualLayoutCast(op))
    return nullptr;
  return getSoleAmax(op);
}

/// Whether `amax` reduces along the innermost dimension, static and a
/// multiple of 8, of a bf16/f16/f32 tensor of rank >= 2: its cast is then
/// one kernel, a warp per row.
static bool isFusableAxiswise(AmaxOp amax) {
  RankedTensorType inputType = amax.getInput().getType();
  int64_t rank = inputType.getRank();
  if (rank < 2 ||
      !isa<BFloat16Type, Float16Type, Float32Type>(inputType.getElementType()))
    return false;
  int64_t k = inputType.getDimSize(rank - 1);
  return !ShapedType::isDynamic(k) && k % 8 == 0 &&
         amax.getReductionDims() == SmallVector<int64_t>{rank - 1};
}

/// Whether `amax` reduces a whole (non-scalar) tensor: its cast is then the
/// amax kernel and a cast kernel that computes the scale.
static bool isFusableTensorwise(AmaxOp amax) {
  return amax.getInput().getType().getRank() > 0 &&
         amax.getResult().getType().getRank() == 0;
}

/// The amax whose kernel `op`'s fused kernels take over, or null.
static AmaxOp getFusedAmax(CastOp op) {
  AmaxOp amax = getOwnAmax(op);
  return amax && (isFusableAxiswise(amax) || isFusableTensorwise(amax))
             ? amax
             : nullptr;
}

/// The whole-tensor amax of a GEMM's rhs cast, or of a cast with both
/// layouts, that the tiled transposing kernel takes over (it computes the
/// scale from the amax, like the tensorwise fused cast), or null.
static AmaxOp getTransposedFusedAmax(CastOp op) {
  if (!(isTransposableGemmRhs(op) || hasDualLayoutCast(op)) ||
      !hasTiledTranspose(op))
    return nullptr;
  AmaxOp amax = getSoleAmax(op);
  return amax && isFusableTensorwise(amax) ? amax : nullptr;
}

/// Whether a cast takes `op` into its fused kernels.
static bool isFusedIntoCast(AmaxOp op) {
  for (Operation *scaleUser : op.getResult().getUsers())
    for (Operation *user : scaleUser->getUsers())
      if (auto cast = dyn_cast<CastOp>(user))
        if (getFusedAmax(cast) == op || getTransposedFusedAmax(cast) == op)
          return true;
  return false;
}

/// Rows per workgroup of the fused axiswise cast: one warp per row.
static constexpr int64_t kAxiswiseRowsPerBlock = 8;
/// Threads per workgroup of the fused axiswise cast.
static constexpr int64_t kAxiswiseBlock = 256;
/// At most this many bytes of input (64 bf16/f16 or 32 f32 elements, held
/// as f32 registers) are a thread's part of a row in the single-read
/// axiswise cast.
static constexpr int64_t kAxiswiseThreadBytes = 128;

/// How the fused axiswise cast spreads a row of `k` elements of
/// `elementBytes` bytes: `rowThreads` threads per row, each holding
/// `chunks` groups of 8 elements in registers (the row is read from memory
/// once), or chunks == 0 when no row group of at most a workgroup fits the
/// register budget (a warp per row then reads the row twice).
struct AxiswisePlan {
  int64_t rowThreads = 32;
  int64_t chunks = 0;
};
static AxiswisePlan chooseAxiswisePlan(int64_t k, int64_t elementBytes) {
  int64_t maxChunks = kAxiswiseThreadBytes / (8 * elementBytes);
  for (int64_t threads = 32; threads <= kAxiswiseBlock; threads *= 2) {
    int64_t chunks = llvm::divideCeil(k, 8 * threads);
    if (chunks <= maxChunks)
      return {threads, chunks};
  }
  return {};
}

/// The kernel body of the single-read axiswise cast (AxiswisePlan with
/// chunks > 0): `plan.rowThreads` threads per row load their chunks (8
/// elements each, 16-byte loads; chunk c of thread t at columns
/// 8 (c T + t), so that the row group's loads are contiguous) into
/// registers, reduce the amax in the warp and, for groups larger than a
/// warp, across its warps through `partials` in shared memory; compute the
/// scale, then scale, saturate and convert the registers. Rows past `rows`
/// read the last row and store nothing (every thread reaches the barrier).
static void emitAxiswiseRowsInRegisters(OpBuilder &b, Location loc,
                                        gpu::LaunchOp launch, AxiswisePlan plan,
                                        int64_t k, Value rows, Value input,
                                        Value output, Value scales,
                                        Value partials, FloatType dtype,
                                        bool pow2, Type target) {
  Type elementType = cast<MemRefType>(input.getType()).getElementType();
  int64_t rowThreads = plan.rowThreads;
  int64_t warpsPerRow = rowThreads / 32;
  auto idx = [&](int64_t v) { return cIdx(b, loc, v); };
  auto ult = [&](Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y)
        .getResult();
  };
  Value tid = launch.getThreadIds().x;
  Value rowInBlock = arith::DivUIOp::create(b, loc, tid, idx(rowThreads));
  Value t = arith::RemUIOp::create(b, loc, tid, idx(rowThreads));
  Value row = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, launch.getBlockIds().x,
                            idx(kAxiswiseBlock / rowThreads)),
      rowInBlock);
  Value rowOk = ult(row, rows);
  // rows > 0 for the whole workgroup (the kernel is launched once even for
  // an empty input).
  emitIf(b, loc, ult(idx(0), rows), [&] {
    Value safeRow = arith::MinUIOp::create(
        b, loc, row, arith::SubIOp::create(b, loc, rows, idx(1)));
    auto vectorType = VectorType::get({8}, elementType);
    // Chunk c's first column, and whether it is inside the row (only the
    // last chunk can be outside).
    auto column = [&](int64_t c) {
      return arith::MulIOp::create(
                 b, loc, arith::AddIOp::create(b, loc, idx(c * rowThreads), t),
                 idx(8))
          .getResult();
    };
    auto mayBeOutside = [&](int64_t c) { return (c + 1) * rowThreads * 8 > k; };
    SmallVector<SmallVector<Value>> values;
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    Value amax = zero;
    for (int64_t c = 0; c < plan.chunks; ++c) {
      Value col = column(c);
      auto load = [&](OpBuilder &, Location) {
        return loadVector(b, loc, 8, input, ValueRange{safeRow, col});
      };
      Value all;
      if (!mayBeOutside(c)) {
        all = load(b, loc);
      } else {
        // Outside the row: zeros, which leave the amax alone.
        auto ifOp = scf::IfOp::create(
            b, loc, ult(col, idx(k)),
            [&](OpBuilder &, Location) {
              scf::YieldOp::create(b, loc, load(b, loc));
            },
            [&](OpBuilder &, Location) {
              scf::YieldOp::create(
                  b, loc,
                  arith::ConstantOp::create(
                      b, loc,
                      DenseElementsAttr::get(vectorType,
                                             b.getFloatAttr(elementType, 0.0)))
                      .getResult());
            });
        all = ifOp.getResult(0);
      }
      values.push_back(widenElements(b, loc, all));
      amax = foldAbsMax(b, loc, amax, values.back());
    }
    Value rowAmax = gpu::SubgroupReduceOp::create(
        b, loc, amax, gpu::AllReduceOperation::MAXIMUMF, /*uniform=*/true);
    if (warpsPerRow > 1) {
      Value lane = arith::RemUIOp::create(b, loc, tid, idx(32));
      Value warpInRow = arith::DivUIOp::create(b, loc, t, idx(32));
      emitIf(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, idx(0)),
          [&] {
            memref::StoreOp::create(b, loc, rowAmax, partials,
                                    ValueRange{rowInBlock, warpInRow});
          });
      gpu::BarrierOp::create(b, loc);
      rowAmax = zero;
      for (int64_t w = 0; w < warpsPerRow; ++w)
        rowAmax = arith::MaximumFOp::create(
            b, loc, rowAmax,
            memref::LoadOp::create(b, loc, partials,
                                   ValueRange{rowInBlock, idx(w)}));
    }
    Value scale = buildAmaxToScale(b, loc, rowAmax, dtype, pow2);
    emitIf(b, loc, rowOk, [&] {
      emitIf(b, loc,
             arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, t, idx(0)),
             [&] {
               memref::StoreOp::create(b, loc, scale, scales, ValueRange{row});
             });
      SaturationBounds bounds =
          buildSaturationBounds(b, loc, cast<FloatType>(target));
      for (int64_t c = 0; c < plan.chunks; ++c) {
        Value col = column(c);
        auto store = [&] {
          SmallVector<Value> scaled;
          for (Value value : values[c])
            scaled.push_back(buildSaturate(
                b, loc, arith::MulFOp::create(b, loc, value, scale), bounds));
          vector::StoreOp::create(b, loc, convertEight(b, loc, scaled, target),
                                  output, ValueRange{row, col},
                                  /*nontemporal=*/false, llvm::MaybeAlign(8));
        };
        if (!mayBeOutside(c))
          store();
        else
          emitIf(b, loc, ult(col, idx(k)), store);
      }
    });
  });
}

/// fp8.cast(x, amax_to_scale(amax(x) along the innermost dim)) as one
/// kernel (torchao's axiswise/rowwise operands, isFusableAxiswise). Rows
/// that fit in the registers of a group of at most 256 threads
/// (chooseAxiswisePlan: up to 16384 bf16 elements) are read once, into
/// registers (emitAxiswiseRowsInRegisters). Longer rows: a warp per row
/// reduces the row's amax with 16-byte loads and a shuffle reduction,
/// computes the scale (SPEC section 1, the same f64 arithmetic as
/// amax_to_scale), writes it, then reads the row again (from L2) to scale,
/// saturate and convert eight elements per thread (16-byte loads, 8-byte
/// stores). Either way the small scale kernels go away.
static void emitAxiswiseCast(PatternRewriter &rewriter, CastOp op,
                             AmaxOp amax) {
  auto toScale = op.getScale().getDefiningOp<AmaxToScaleOp>();
  RankedTensorType inputType = op.getInput().getType();
  int64_t rank = inputType.getRank();
  int64_t k = inputType.getDimSize(rank - 1);

  Location loc = op.getLoc();
  Type target = op.getResult().getType().getElementType();
  Type elementType = inputType.getElementType();
  auto dtype = cast<FloatType>(toScale.getDtype());
  bool pow2 = toScale.getRoundToPowerOf_2();
  SmallVector<Value> sizes = getSizes(rewriter, loc, op.getInput());
  Value rows = product(rewriter, loc, ArrayRef<Value>(sizes).drop_back());
  int64_t staticRows = 1;
  for (int64_t size : inputType.getShape().drop_back())
    staticRows =
        ShapedType::isDynamic(size) || ShapedType::isDynamic(staticRows)
            ? ShapedType::kDynamic
            : staticRows * size;
  SmallVector<ReassociationIndices> toRows{
      llvm::to_vector(llvm::seq<int64_t>(0, rank - 1)), {rank - 1}};

  Value input = memref::CollapseShapeOp::create(
      rewriter, loc, toBuffer(rewriter, loc, op.getInput()), toRows);
  Value output =
      allocBuffer(rewriter, loc, inputType.getShape(), sizes, target);
  Value output2d =
      memref::CollapseShapeOp::create(rewriter, loc, output, toRows);
  Value scales =
      allocBuffer(rewriter, loc, {staticRows}, {rows}, rewriter.getF32Type());
  AxiswisePlan plan =
      chooseAxiswisePlan(k, elementType.getIntOrFloatBitWidth() / 8);
  int64_t rowsPerBlock =
      plan.chunks ? kAxiswiseBlock / plan.rowThreads : kAxiswiseRowsPerBlock;
  Value blocks = arith::CeilDivUIOp::create(rewriter, loc, rows,
                                            cIdx(rewriter, loc, rowsPerBlock));
  blocks =
      arith::MaxUIOp::create(rewriter, loc, blocks, cIdx(rewriter, loc, 1));
  Value one = cIdx(rewriter, loc, 1);
  SmallVector<Type> workgroupMemory;
  if (plan.chunks && plan.rowThreads > 32)
    workgroupMemory.push_back(MemRefType::get(
        {rowsPerBlock, plan.rowThreads / 32}, rewriter.getF32Type(), nullptr,
        gpu::AddressSpaceAttr::get(
            rewriter.getContext(),
            gpu::GPUDialect::getWorkgroupAddressSpace())));
  auto launch = createKernel(
      rewriter, loc, "fp8_cast_axiswise", blocks, one, one,
      cIdx(rewriter, loc,
           plan.chunks ? kAxiswiseBlock : 32 * kAxiswiseRowsPerBlock),
      /*dynamicSharedMemory=*/nullptr, workgroupMemory);
  if (plan.chunks) {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(&launch.getBody().front());
    emitAxiswiseRowsInRegisters(
        rewriter, loc, launch, plan, k, rows, input, output2d, scales,
        workgroupMemory.empty() ? Value()
                                : Value(launch.getWorkgroupAttributions()[0]),
        dtype, pow2, target);
    gpu::TerminatorOp::create(rewriter, loc);
  } else {
    OpBuilder::InsertionGuard guard(rewriter);
    OpBuilder &b = rewriter;
    b.setInsertionPointToStart(&launch.getBody().front());
    Value tid = launch.getThreadIds().x;
    Value lane = arith::RemUIOp::create(b, loc, tid, cIdx(b, loc, 32));
    Value row = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, launch.getBlockIds().x,
                              cIdx(b, loc, kAxiswiseRowsPerBlock)),
        arith::DivUIOp::create(b, loc, tid, cIdx(b, loc, 32)));
    // The condition is the same for the 32 lanes of a warp, so the
    // shuffle reduction below runs with the whole warp.
    Value rowOk =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row, rows);
    scf::IfOp::create(b, loc, rowOk, [&](OpBuilder &, Location) {
      Value first = arith::MulIOp::create(b, loc, lane, cIdx(b, loc, 8));
      Value end = cIdx(b, loc, k);
      Value step = cIdx(b, loc, 32 * 8);
      auto load8 = [&](Value column) {
        return widenElements(
            b, loc, loadVector(b, loc, 8, input, ValueRange{row, column}));
      };
      Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
      auto amaxLoop = scf::ForOp::create(
          b, loc, first, end, step, ValueRange{zero},
          [&](OpBuilder &, Location, Value column, ValueRange acc) {
            scf::YieldOp::create(b, loc,
                                 foldAbsMax(b, loc, acc[0], load8(column)));
          });
      Value rowAmax = gpu::SubgroupReduceOp::create(
          b, loc, amaxLoop.getResult(0), gpu::AllReduceOperation::MAXIMUMF,
          /*uniform=*/true);
      Value scale = buildAmaxToScale(b, loc, rowAmax, dtype, pow2);
      Value isFirst = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                            lane, cIdx(b, loc, 0));
      scf::IfOp::create(b, loc, isFirst, [&](OpBuilder &, Location) {
        memref::StoreOp::create(b, loc, scale, scales, ValueRange{row});
        scf::YieldOp::create(b, loc);
      });
      SaturationBounds bounds =
          buildSaturationBounds(b, loc, cast<FloatType>(target));
      scf::ForOp::create(
          b, loc, first, end, step, ValueRange{},
          [&](OpBuilder &, Location, Value column, ValueRange) {
            SmallVector<Value> scaled;
            for (Value value : load8(column))
              scaled.push_back(buildSaturate(
                  b, loc, arith::MulFOp::create(b, loc, value, scale), bounds));
            vector::StoreOp::create(b, loc,
                                    convertEight(b, loc, scaled, target),
                                    output2d, ValueRange{row, column},
                                    /*nontemporal=*/false, llvm::MaybeAlign(8));
            scf::YieldOp::create(b, loc);
          });
      scf::YieldOp::create(b, loc);
    });
    gpu::TerminatorOp::create(b, loc);
  }

  // The scales in the keep-dim shape of amax_to_scale's result.
  RankedTensorType scaleType = toScale.getResult().getType();
  SmallVector<OpFoldResult> scaleSizes;
  for (int64_t dim = 0; dim < rank; ++dim)
    scaleSizes.push_back(
        dim == rank - 1 ? OpFoldResult(rewriter.getIndexAttr(1))
        : scaleType.isDynamicDim(dim)
            ? OpFoldResult(sizes[dim])
            : OpFoldResult(rewriter.getIndexAttr(scaleType.getDimSize(dim))));
  Value scaleTensor = tensor::ExpandShapeOp::create(
      rewriter, loc, scaleType, toTensor(rewriter, loc, scales),
      ArrayRef<ReassociationIndices>{
          llvm::to_vector(llvm::seq<int64_t>(0, rank))},
      scaleSizes);
  rewriter.replaceOp(op, toTensor(rewriter, loc, output));
  rewriter.replaceOp(toScale, scaleTensor);
  rewriter.eraseOp(amax);
}

/// fp8.cast(x, amax_to_scale(amax(x))) for a whole-tensor amax as two
/// kernels (two passes over x): the amax kernel, then the cast kernel, in
/// which every thread computes the scale from the amax bits (SPEC section
/// 1) and the first one writes it for the GEMM. The amax_to_scale kernel
/// and the one turning the bits into f32 go away.
static void emitTensorwiseCast(PatternRewriter &rewriter, CastOp op,
                               AmaxOp amax) {
  auto toScale = op.getScale().getDefiningOp<AmaxToScaleOp>();
  Location loc = op.getLoc();
  AmaxKernel kernel = emitAmaxKernel(rewriter, amax);
  Value scale = memref::AllocOp::create(
      rewriter, loc, MemRefType::get({}, rewriter.getF32Type()));
  Value output = emitPairCast(rewriter, op, /*transposed=*/false, kernel.bits,
                              toScale, scale);
  rewriter.replaceOp(op, toTensor(rewriter, loc, output));
  rewriter.replaceOp(toScale, toTensor(rewriter, loc, scale));
  rewriter.eraseOp(amax);
}

/// A cast that computes its own amax and scale (getFusedAmax): the
/// axiswise or the tensorwise fused kernels above.
struct FusedCastToNVVM : public OpRewritePattern<CastOp> {
  FusedCastToNVVM(MLIRContext *context)
      : OpRewritePattern<CastOp>(context, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(CastOp op,
                                PatternRewriter &rewriter) const override {
    AmaxOp amax = getFusedAmax(op);
    if (!amax)
      return rewriter.notifyMatchFailure(op, "scale is not a fusable amax");
    if (isFusableAxiswise(amax))
      emitAxiswiseCast(rewriter, op, amax);
    else
      emitTensorwiseCast(rewriter, op, amax);
    return success();
  }
};

/// A 2-D cast that is read in both layouts, or only transposed, by GEMMs
/// (hasDualLayoutCast): torchao's operands each feed two GEMMs of a linear
/// layer, once as they are and once transposed (input: A of the output
/// GEMM, B of grad_weight; weight: B of output and of grad_input;
/// grad_output: A of grad_input, A^T of grad_weight). One tiled transposing
/// kernel (emitTransposedCast) reads the input once and writes the N x K
/// cast, plus the K x N cast when a use reads it as it is; its tensorwise
/// amax and scale are fused as for a GEMM's B. The uses are rewired: a
/// transpose of the cast becomes the N x K cast, a GEMM's B becomes the
/// transpose of it (getKMajorRhs: the GEMM kernel reads it directly).
struct DualLayoutCastToNVVM : public OpRewritePattern<CastOp> {
  DualLayoutCastToNVVM(MLIRContext *context)
      : OpRewritePattern<CastOp>(context, /*benefit=*/3) {}

  LogicalResult matchAndRewrite(CastOp op,
                                PatternRewriter &rewriter) const override {
    if (!hasDualLayoutCast(op))
      return rewriter.notifyMatchFailure(op, "not read transposed");
    Location loc = op.getLoc();
    CastUses uses = classifyCastUses(op);
    RankedTensorType type = op.getResult().getType();
    Value plain =
        uses.plain ? memref::AllocOp::create(
                         rewriter, loc,
                         MemRefType::get(type.getShape(), type.getElementType()))
                         .getResult()
                   : Value();
    Value transposed =
        toTensor(rewriter, loc, emitTransposedCast(rewriter, op, plain));
    for (linalg::TransposeOp transpose : uses.transposes)
      rewriter.replaceOp(transpose, transposed);
    for (OpOperand *use : uses.kMajorRhs) {
      Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                           type.getElementType());
      Value rhs = linalg::TransposeOp::create(rewriter, loc, transposed, init,
                                              ArrayRef<int64_t>{1, 0})
                      ->getResult(0);
      rewriter.modifyOpInPlace(use->getOwner(), [&] { use->set(rhs); });
    }
    if (plain)
      rewriter.replaceOp(op, toTensor(rewriter, loc, plain));
    else
      rewriter.eraseOp(op);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// fp8.scaled_matmul on AMD matrix cores
//===----------------------------------------------------------------------===//

/// Loads one operand fragment of `amdgpu.mfma 32x32x16`: 8 consecutive k
/// values of row/column `index` starting at `k`, zero outside the matrix.
/// `rowMajorK` says whether k is the innermost dimension of `buffer`.
static Value loadFragment(OpBuilder &b, Location loc, Value buffer,
                          ValueRange batch, Value index, Value indexBound,
                          Value k, Value kBound, bool kInnermost) {
  auto elementType = cast<MemRefType>(buffer.getType()).getElementType();
  Value zero =
      arith::ConstantOp::create(b, loc, b.getFloatAttr(elementType, 0));
  Value zeroIdx = cIdx(b, loc, 0);
  Value indexOk = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                        index, indexBound);
  Value safeIndex = arith::SelectOp::create(b, loc, indexOk, index, zeroIdx);
  SmallVector<Value> elements;
  for (int64_t i = 0; i < 8; ++i) {
    Value kk = arith::AddIOp::create(b, loc, k, cIdx(b, loc, i));
    Value kOk =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, kk, kBound);
    Value safeK = arith::SelectOp::create(b, loc, kOk, kk, zeroIdx);
    SmallVector<Value> coords(batch);
    if (kInnermost)
      coords.append({safeIndex, safeK});
    else
      coords.append({safeK, safeIndex});
    Value value = memref::LoadOp::create(b, loc, buffer, coords);
    Value ok = arith::AndIOp::create(b, loc, indexOk, kOk);
    elements.push_back(arith::SelectOp::create(b, loc, ok, value, zero));
  }
  return vector::FromElementsOp::create(
      b, loc, VectorType::get({8}, elementType), elements);
}

/// Loads the scale for output (row, col): rank 0, or [b..., M|1, 1] for the
/// lhs, [b..., 1, N|1] for the rhs.
static Value loadScale(OpBuilder &b, Location loc, Value scale,
                       ValueRange batch, Value row, Value col) {
  auto type = cast<MemRefType>(scale.getType());
  if (type.getRank() == 0)
    return memref::LoadOp::create(b, loc, scale, ValueRange{});
  int64_t rank = type.getRank();
  SmallVector<Value> coords(batch);
  Value zero = cIdx(b, loc, 0);
  coords.push_back(type.getDimSize(rank - 2) == 1 ? zero : row);
  coords.push_back(type.getDimSize(rank - 1) == 1 ? zero : col);
  return memref::LoadOp::create(b, loc, scale, coords);
}

/// The epilogue of both matrix-core kernels: C[batch, row, col] =
/// T(acc * (1/sa) * (1/sb)).
static void storeScaled(OpBuilder &b, Location l, Value acc, Value sa, Value sb,
                        Value c, ValueRange batch, Value row, Value col) {
  Type resultElement = cast<MemRefType>(c.getType()).getElementType();
  Value one = arith::ConstantOp::create(b, l, b.getF32FloatAttr(1));
  Value invA =
      arith::DivFOp::create(b, l, one, loadScale(b, l, sa, batch, row, col));
  Value invB =
      arith::DivFOp::create(b, l, one, loadScale(b, l, sb, batch, row, col));
  Value scaled =
      arith::MulFOp::create(b, l, arith::MulFOp::create(b, l, acc, invA), invB);
  if (!resultElement.isF32())
    scaled = arith::TruncFOp::create(b, l, resultElement, scaled);
  SmallVector<Value> coords(batch);
  coords.append({row, col});
  memref::StoreOp::create(b, l, scaled, c, coords);
}

struct ScaledMatmulToMFMA : public OpRewritePattern<ScaledMatmulOp> {
  using OpRewritePattern<ScaledMatmulOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(ScaledMatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getEmulate())
      return rewriter.notifyMatchFailure(op, "emulated: no matrix cores");
    Location loc = op.getLoc();
    int64_t batchDims = op.getNumBatchDims();
    int64_t rank = batchDims + 2;
    RankedTensorType resultType = op.getResult().getType();
    Type resultElement = resultType.getElementType();

    Value a = toBuffer(rewriter, loc, op.getLhs());
    Value bm = toBuffer(rewriter, loc, op.getRhs());
    Value sa = toBuffer(rewriter, loc, op.getLhsScale());
    Value sb = toBuffer(rewriter, loc, op.getRhsScale());
    SmallVector<Value> aSizes = getSizes(rewriter, loc, a);
    SmallVector<Value> bSizes = getSizes(rewriter, loc, bm);
    Value m = aSizes[rank - 2], k = aSizes[rank - 1], n = bSizes[rank - 1];
    SmallVector<Value> cSizes(aSizes.begin(), aSizes.begin() + batchDims);
    cSizes.append({m, n});
    Value c = allocBuffer(rewriter, loc, resultType.getShape(), cSizes,
                          resultElement);
    Value batchCount =
        product(rewriter, loc, ArrayRef<Value>(aSizes).take_front(batchDims));

    // One wave (64 lanes) per 32x32 output tile.
    Value c32 = cIdx(rewriter, loc, 32);
    auto launch =
        createKernel(rewriter, loc, "fp8_scaled_matmul_mfma",
                     arith::CeilDivUIOp::create(rewriter, loc, n, c32),
                     arith::CeilDivUIOp::create(rewriter, loc, m, c32),
                     batchCount, cIdx(rewriter, loc, 64));
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(&launch.getBody().front());
      Value lane = launch.getThreadIds().x;
      Value lr = arith::RemUIOp::create(rewriter, loc, lane, c32);
      Value lk = arith::DivUIOp::create(rewriter, loc, lane, c32);
      Value tileRow =
          arith::MulIOp::create(rewriter, loc, launch.getBlockIds().y, c32);
      Value tileCol =
          arith::MulIOp::create(rewriter, loc, launch.getBlockIds().x, c32);
      SmallVector<Value> batch;
      if (batchDims > 0) {
        SmallVector<OpFoldResult> basis(aSizes.begin(),
                                        aSizes.begin() + batchDims);
        batch = affine::AffineDelinearizeIndexOp::create(
                    rewriter, loc, launch.getBlockIds().z, basis)
                    .getResults();
      }
      Value row = arith::AddIOp::create(rewriter, loc, tileRow, lr);
      Value col = arith::AddIOp::create(rewriter, loc, tileCol, lr);
      Value kLane =
          arith::MulIOp::create(rewriter, loc, lk, cIdx(rewriter, loc, 8));
      auto accType = VectorType::get({16}, rewriter.getF32Type());
      Value zeroAcc = arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(accType, 0.0f));
      // acc(32x32) += A(32x16) * B(16x32), k steps of 16.
      auto loop = scf::ForOp::create(
          rewriter, loc, cIdx(rewriter, loc, 0), k, cIdx(rewriter, loc, 16),
          ValueRange{zeroAcc},
          [&](OpBuilder &b, Location l, Value k0, ValueRange iterArgs) {
            Value kk = arith::AddIOp::create(b, l, k0, kLane);
            Value fa = loadFragment(b, l, a, batch, row, m, kk, k,
                                    /*kInnermost=*/true);
            Value fb = loadFragment(b, l, bm, batch, col, n, kk, k,
                                    /*kInnermost=*/false);
            Value acc = amdgpu::MFMAOp::create(
                b, l, accType, /*m=*/32, /*n=*/32, /*k=*/16, /*blocks=*/1, fa,
                fb, iterArgs[0], /*cbsz=*/0, /*abid=*/0,
                amdgpu::MFMAPermB::none, /*reducePrecision=*/false,
                /*negateA=*/false, /*negateB=*/false, /*negateC=*/false);
            scf::YieldOp::create(b, l, acc);
          });
      Value acc = loop.getResult(0);
      // Lane l holds column l % 32 and, for v in 0..15, row
      // 8 * (v / 4) + 4 * (l / 32) + v % 4 of the tile.
      for (int64_t v = 0; v < 16; ++v) {
        Value r = arith::AddIOp::create(
            rewriter, loc, tileRow,
            arith::AddIOp::create(
                rewriter, loc, cIdx(rewriter, loc, 8 * (v / 4) + v % 4),
                arith::MulIOp::create(rewriter, loc, lk,
                                      cIdx(rewriter, loc, 4))));
        Value inRange = arith::AndIOp::create(
            rewriter, loc,
            arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ult, r,
                                  m),
            arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ult, col,
                                  n));
        scf::IfOp::create(
            rewriter, loc, inRange, [&](OpBuilder &b, Location l) {
              storeScaled(b, l, vector::ExtractOp::create(b, l, acc, v), sa, sb,
                          c, batch, r, col);
              scf::YieldOp::create(b, l);
            });
      }
      gpu::TerminatorOp::create(rewriter, loc);
    }
    rewriter.replaceOp(op, toTensor(rewriter, loc, c));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// fp8.scaled_matmul on NVIDIA tensor cores (sm_89+)
//===----------------------------------------------------------------------===//

/// The PTX name of an 8-bit float type in mma.sync.
static StringRef getPtxName(Type type) {
  return isa<Float8E5M2Type>(type) ? "e5m2" : "e4m3";
}

/// Packs 4 consecutive-in-k fp8 values into an i32 (element j in byte j),
/// zero outside the matrix. `kInnermost`: k is the last dim of `buffer`.
static Value loadPacked4(OpBuilder &b, Location loc, Value buffer,
                         ValueRange batch, Value index, Value indexBound,
                         Value k, Value kBound, bool kInnermost) {
  Value zeroIdx = cIdx(b, loc, 0);
  Value indexOk = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                        index, indexBound);
  Value safeIndex = arith::SelectOp::create(b, loc, indexOk, index, zeroIdx);
  Value packed = arith::ConstantIntOp::create(b, loc, 0, 32);
  for (int64_t j = 0; j < 4; ++j) {
    Value kk = arith::AddIOp::create(b, loc, k, cIdx(b, loc, j));
    Value kOk =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, kk, kBound);
    Value safeK = arith::SelectOp::create(b, loc, kOk, kk, zeroIdx);
    SmallVector<Value> coords(batch);
    if (kInnermost)
      coords.append({safeIndex, safeK});
    else
      coords.append({safeK, safeIndex});
    Value value = memref::LoadOp::create(b, loc, buffer, coords);
    Value byte = arith::ExtUIOp::create(
        b, loc, b.getI32Type(),
        arith::BitcastOp::create(b, loc, b.getI8Type(), value));
    Value ok = arith::AndIOp::create(b, loc, indexOk, kOk);
    byte = arith::SelectOp::create(b, loc, ok, byte,
                                   arith::ConstantIntOp::create(b, loc, 0, 32));
    byte = arith::ShLIOp::create(
        b, loc, byte, arith::ConstantIntOp::create(b, loc, 8 * j, 32));
    packed = arith::OrIOp::create(b, loc, packed, byte);
  }
  return packed;
}

struct ScaledMatmulToMMASync : public OpRewritePattern<ScaledMatmulOp> {
  using OpRewritePattern<ScaledMatmulOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(ScaledMatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getEmulate())
      return rewriter.notifyMatchFailure(op, "emulated: no tensor cores");
    Location loc = op.getLoc();
    int64_t batchDims = op.getNumBatchDims();
    int64_t rank = batchDims + 2;
    RankedTensorType resultType = op.getResult().getType();
    Type resultElement = resultType.getElementType();
    Type f32 = rewriter.getF32Type();

    Value a = toBuffer(rewriter, loc, op.getLhs());
    // B from an fp8.cast is cast straight into N x K (K-major) layout, so
    // that each lane's 4 k values are contiguous bytes; otherwise B is read
    // as stored, K x N.
    KMajorRhs kMajorRhs = findKMajorRhs(op);
    bool bKInnermost = static_cast<bool>(kMajorRhs);
    Value bm = bKInnermost ? emitKMajorRhs(rewriter, loc, kMajorRhs)
                           : toBuffer(rewriter, loc, op.getRhs());
    Value sa = toBuffer(rewriter, loc, op.getLhsScale());
    Value sb = toBuffer(rewriter, loc, op.getRhsScale());
    SmallVector<Value> aSizes = getSizes(rewriter, loc, a);
    SmallVector<Value> bSizes = getSizes(rewriter, loc, bm);
    Value m = aSizes[rank - 2], k = aSizes[rank - 1];
    Value n = bKInnermost ? bSizes[0] : bSizes[rank - 1];
    SmallVector<Value> cSizes(aSizes.begin(), aSizes.begin() + batchDims);
    cSizes.append({m, n});
    Value c = allocBuffer(rewriter, loc, resultType.getShape(), cSizes,
                          resultElement);
    Value batchCount =
        product(rewriter, loc, ArrayRef<Value>(aSizes).take_front(batchDims));

    // One warp per 16x8 output tile: mma.sync.m16n8k32 with f32 accumulators.
    std::string ptx =
        ("mma.sync.aligned.m16n8k32.row.col.f32." +
         getPtxName(op.getLhs().getType().getElementType()) + "." +
         getPtxName(op.getRhs().getType().getElementType()) +
         ".f32 {$0,$1,$2,$3}, {$4,$5,$6,$7}, {$8,$9}, {$10,$11,$12,$13};")
            .str();
    auto launch = createKernel(
        rewriter, loc, "fp8_scaled_matmul_mma_sync",
        arith::CeilDivUIOp::create(rewriter, loc, n, cIdx(rewriter, loc, 8)),
        arith::CeilDivUIOp::create(rewriter, loc, m, cIdx(rewriter, loc, 16)),
        batchCount, cIdx(rewriter, loc, 32));
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(&launch.getBody().front());
      Value lane = launch.getThreadIds().x;
      Value group =
          arith::DivUIOp::create(rewriter, loc, lane, cIdx(rewriter, loc, 4));
      Value inGroup =
          arith::RemUIOp::create(rewriter, loc, lane, cIdx(rewriter, loc, 4));
      Value tileRow = arith::MulIOp::create(
          rewriter, loc, launch.getBlockIds().y, cIdx(rewriter, loc, 16));
      Value tileCol = arith::MulIOp::create(
          rewriter, loc, launch.getBlockIds().x, cIdx(rewriter, loc, 8));
      SmallVector<Value> batch;
      if (batchDims > 0) {
        SmallVector<OpFoldResult> basis(aSizes.begin(),
                                        aSizes.begin() + batchDims);
        batch = affine::AffineDelinearizeIndexOp::create(
                    rewriter, loc, launch.getBlockIds().z, basis)
                    .getResults();
      }
      Value row0 = arith::AddIOp::create(rewriter, loc, tileRow, group);
      Value row8 =
          arith::AddIOp::create(rewriter, loc, row0, cIdx(rewriter, loc, 8));
      Value col = arith::AddIOp::create(rewriter, loc, tileCol, group);
      Value k4 =
          arith::MulIOp::create(rewriter, loc, inGroup, cIdx(rewriter, loc, 4));
      Value zero =
          arith::ConstantOp::create(rewriter, loc, rewriter.getF32FloatAttr(0));
      bool fastAccum = op.useFastAccum();
      auto resultStruct = LLVM::LLVMStructType::getLiteral(
          rewriter.getContext(), SmallVector<Type>(4, f32));
      auto loop = scf::ForOp::create(
          rewriter, loc, cIdx(rewriter, loc, 0), k, cIdx(rewriter, loc, 32),
          ValueRange{zero, zero, zero, zero},
          [&](OpBuilder &b, Location l, Value k0, ValueRange acc) {
            // A: register r holds row g + 8 (r % 2), k = 16 (r / 2) + 4 t + j.
            SmallVector<Value> operands;
            for (int64_t r = 0; r < 4; ++r) {
              Value kk = arith::AddIOp::create(
                  b, l, arith::AddIOp::create(b, l, k0, k4),
                  cIdx(b, l, 16 * (r / 2)));
              operands.push_back(loadPacked4(b, l, a, batch,
                                             r % 2 ? row8 : row0, m, kk, k,
                                             /*kInnermost=*/true));
            }
            // B: register r holds column g, k = 16 r + 4 t + j.
            for (int64_t r = 0; r < 2; ++r) {
              Value kk = arith::AddIOp::create(
                  b, l, arith::AddIOp::create(b, l, k0, k4),
                  cIdx(b, l, 16 * r));
              operands.push_back(
                  loadPacked4(b, l, bm, batch, col, n, kk, k, bKInnermost));
            }
            // With fast accumulation the tensor core accumulates across k
            // steps; otherwise each step starts from zero and is promoted
            // into the f32 accumulators here.
            for (int64_t i = 0; i < 4; ++i)
              operands.push_back(fastAccum ? acc[i] : zero);
            auto mma = LLVM::InlineAsmOp::create(
                b, l, resultStruct, operands, ptx,
                "=f,=f,=f,=f,r,r,r,r,r,r,f,f,f,f", /*has_side_effects=*/false,
                /*is_align_stack=*/false, LLVM::TailCallKind::None,
                /*asm_dialect=*/nullptr, /*operand_attrs=*/nullptr);
            SmallVector<Value> next;
            for (int64_t i = 0; i < 4; ++i) {
              Value d = LLVM::ExtractValueOp::create(b, l, mma.getResult(0), i);
              next.push_back(
                  fastAccum
                      ? d
                      : arith::AddFOp::create(b, l, acc[i], d).getResult());
            }
            scf::YieldOp::create(b, l, next);
          });
      // Accumulator i: row g + 8 (i / 2), column 2 t + i % 2.
      for (int64_t i = 0; i < 4; ++i) {
        Value r = i / 2 ? row8 : row0;
        Value cc = arith::AddIOp::create(
            rewriter, loc, tileCol,
            arith::AddIOp::create(rewriter, loc,
                                  arith::MulIOp::create(rewriter, loc, inGroup,
                                                        cIdx(rewriter, loc, 2)),
                                  cIdx(rewriter, loc, i % 2)));
        Value inRange = arith::AndIOp::create(
            rewriter, loc,
            arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ult, r,
                                  m),
            arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ult, cc,
                                  n));
        Value value = loop.getResult(i);
        scf::IfOp::create(rewriter, loc, inRange,
                          [&](OpBuilder &b, Location l) {
                            storeScaled(b, l, value, sa, sb, c, batch, r, cc);
                            scf::YieldOp::create(b, l);
                          });
      }
      gpu::TerminatorOp::create(rewriter, loc);
    }
    replaceGemm(rewriter, op, kMajorRhs, c);
    return success();
  }
};

} // namespace

//===----------------------------------------------------------------------===//
// fp8.scaled_matmul on Hopper: TMA, an mbarrier pipeline and wgmma (sm_90a)
//===----------------------------------------------------------------------===//

/// Tile sizes of the Hopper kernel: a CTA computes kHopperBlockM x blockN of
/// C, reading kHopperBlockK (128 bytes of fp8, one 128-byte swizzle row) of
/// K per pipeline stage.
static constexpr int64_t kHopperBlockM = 128;
static constexpr int64_t kHopperBlockK = 128;
/// Threads: one producer warpgroup (TMA) and two consumer warpgroups (wgmma,
/// 64 rows of the tile each).
static constexpr int64_t kHopperThreads = 384;
/// Dynamic shared memory a CTA may use on sm_90 (227 KB).
static constexpr int64_t kHopperSmemBytes = 227 * 1024;
/// One TMA-store box of the epilogue: 64 rows of 128 bytes (the 128-byte
/// swizzle's row), staged in shared memory. Each consumer warpgroup owns
/// two, written and stored in turn.
static constexpr int64_t kHopperStoreBoxBytes = 64 * 128;
/// Tiles are visited in groups of this many tile rows, so that CTAs running
/// at the same time share A and B tiles in L2.
static constexpr int64_t kHopperRasterGroup = 8;

/// The tile shape and pipeline depth of one Hopper GEMM.
struct HopperGemmShape {
  int64_t blockN;
  int64_t stages;
  /// Each consumer warpgroup computes whole tiles (both 64-row halves),
  /// the two alternating, instead of sharing every tile.
  bool pingpong = false;
  /// Bytes of a C element when the epilogue stores C with TMA (through
  /// swizzled shared-memory boxes), 0 when it stores from registers.
  int64_t storeElementBytes = 0;

  int64_t stageBytes() const {
    return (kHopperBlockM + blockN) * kHopperBlockK;
  }
  /// The epilogue's staging boxes: two per consumer warpgroup.
  int64_t storeBytes() const {
    return storeElementBytes ? 4 * kHopperStoreBoxBytes : 0;
  }
  /// Column-scale reciprocals: one slice of blockN floats per tile in
  /// flight (both warpgroups share a tile unless pingpong).
  int64_t columnScaleBytes() const { return (pingpong ? 2 : 1) * blockN * 4; }
  /// Dynamic shared memory but the stages: staging boxes, full and empty
  /// barriers (16 bytes a stage), the two pingpong order barriers, the
  /// column-scale reciprocals, and slack to align the base to the 1024
  /// bytes of the 128-byte swizzle pattern.
  int64_t fixedBytes() const {
    return storeBytes() + 16 + columnScaleBytes() + 1024;
  }
  int64_t smemBytes() const {
    return stages * (stageBytes() + 16) + fixedBytes();
  }
};

/// The heuristic (docs/passes.md): n = 256 with fast accumulation (128
/// accumulators per thread), 192 without (96 accumulators and 96 promoted
/// sums), when the problem has enough such tiles to give every
/// multiprocessor of an H100 (132) at least one; otherwise n = 128 (also
/// whenever M or N is dynamic). As many stages
/// as fit in shared memory, at most 8. `schedule` pingpong (fast
/// accumulation only: a warpgroup then holds 128 accumulators for a whole
/// 128 x 128 tile) forces 128 x 128 tiles.
static HopperGemmShape chooseHopperGemmShape(int64_t m, int64_t n,
                                             bool fastAccum, StringRef schedule,
                                             int64_t storeElementBytes) {
  HopperGemmShape shape{128, 0};
  shape.storeElementBytes = storeElementBytes;
  // Without fast accumulation a thread holds the block's and the promoted
  // sums: 2 x blockN / 2 registers, so 192 columns at most.
  int64_t wide = fastAccum ? 256 : 192;
  if (schedule == "pingpong" && fastAccum)
    shape.pingpong = true;
  else if (!ShapedType::isDynamic(m) && !ShapedType::isDynamic(n) &&
           llvm::divideCeil(m, kHopperBlockM) * llvm::divideCeil(n, wide) >=
               132)
    shape.blockN = wide;
  shape.stages = std::min<int64_t>(8, (kHopperSmemBytes - shape.fixedBytes()) /
                                          (shape.stageBytes() + 16));
  return shape;
}

namespace {
/// Emits the inline PTX of the Hopper kernel. Every statement has side
/// effects, so LLVM keeps them in program order.
struct PtxEmitter {
  OpBuilder &b;
  Location loc;

  Value emit(Type result, ValueRange operands, StringRef ptx,
             StringRef constraints) {
    auto op = LLVM::InlineAsmOp::create(
        b, loc, result, operands, ptx, constraints, /*has_side_effects=*/true,
        /*is_align_stack=*/false, LLVM::TailCallKind::None,
        /*asm_dialect=*/nullptr, /*operand_attrs=*/nullptr);
    return result ? op.getResult(0) : Value();
  }
  void emit(ValueRange operands, StringRef ptx, StringRef constraints) {
    emit(Type(), operands, ptx, constraints);
  }

  Value i32(int64_t value) {
    return arith::ConstantIntOp::create(b, loc, value, 32);
  }
  Value toI32(Value index) {
    return arith::IndexCastUIOp::create(b, loc, b.getI32Type(), index);
  }

  void mbarrierInit(Value barrier, int64_t count) {
    emit({barrier, i32(count)}, "mbarrier.init.shared::cta.b64 [$0], $1;",
         "r,r");
  }
  /// Spins until the phase of `barrier` with parity `parity` has completed.
  void mbarrierWait(Value barrier, Value parity) {
    emit({barrier, parity},
         "{\n.reg .pred p;\nwait:\n"
         "mbarrier.try_wait.parity.shared::cta.b64 p, [$0], $1;\n"
         "@!p bra wait;\n}",
         "r,r");
  }
  void mbarrierArrive(Value barrier) {
    emit({barrier}, "mbarrier.arrive.shared::cta.b64 _, [$0];", "r");
  }
  void mbarrierExpectTx(Value barrier, int64_t bytes) {
    emit({barrier, i32(bytes)},
         "mbarrier.arrive.expect_tx.shared::cta.b64 _, [$0], $1;", "r,r");
  }
  /// A 2-d TMA load of the box at (`inner`, `outer`) into shared memory at
  /// `dst`, completing on `barrier`.
  void tmaLoad(Value dst, Value map, Value inner, Value outer, Value barrier) {
    emit({dst, map, inner, outer, barrier},
         "cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::"
         "complete_tx::bytes [$0], [$1, {$2, $3}], [$4];",
         "r,l,r,r,r");
  }
  /// Passes `values` through an empty statement: code that reads the
  /// accumulators after it cannot move above the statement before it.
  SmallVector<Value> fence(ArrayRef<Value> values) {
    std::string constraints;
    for (size_t i = 0; i < values.size(); ++i)
      constraints += (i ? ",=f" : "=f");
    for (size_t i = 0; i < values.size(); ++i)
      constraints += "," + std::to_string(i);
    Type type = LLVM::LLVMStructType::getLiteral(
        b.getContext(), SmallVector<Type>(values.size(), b.getF32Type()));
    Value result = emit(type, values, "", constraints);
    SmallVector<Value> out;
    for (size_t i = 0; i < values.size(); ++i)
      out.push_back(LLVM::ExtractValueOp::create(b, loc, result, i));
    return out;
  }
  /// D = A B (+ D when `accumulate`): one wgmma.m64nNk32 on shared-memory
  /// descriptors, f32 accumulators.
  SmallVector<Value> wgmma(StringRef aType, StringRef bType, int64_t n,
                           Value descA, Value descB, ArrayRef<Value> acc,
                           bool accumulate) {
    std::string ptx =
        "{\n.reg .pred p;\nsetp.ne.b32 p, $" + std::to_string(acc.size() + 2) +
        ", 0;\nwgmma.mma_async.sync.aligned.m64n" + std::to_string(n) +
        "k32.f32." + aType.str() + "." + bType.str() + " {";
    std::string constraints;
    for (size_t i = 0; i < acc.size(); ++i) {
      ptx += (i ? ", $" : "$") + std::to_string(i);
      constraints += (i ? ",=f" : "=f");
    }
    ptx += "}, $" + std::to_string(acc.size()) + ", $" +
           std::to_string(acc.size() + 1) + ", p, 1, 1;\n}";
    constraints += ",l,l,r";
    for (size_t i = 0; i < acc.size(); ++i)
      constraints += "," + std::to_string(i);
    SmallVector<Value> operands{descA, descB, i32(accumulate)};
    operands.append(acc.begin(), acc.end());
    Type type = LLVM::LLVMStructType::getLiteral(
        b.getContext(), SmallVector<Type>(acc.size(), b.getF32Type()));
    Value result = emit(type, operands, ptx, constraints);
    SmallVector<Value> out;
    for (size_t i = 0; i < acc.size(); ++i)
      out.push_back(LLVM::ExtractValueOp::create(b, loc, result, i));
    return out;
  }
};

/// Lowers fp8.scaled_matmul for sm_90a to a persistent, warp-specialized
/// kernel: TMA loads A (M x K) and B (N x K, cast K-major by this kernel's
/// prologue) tiles into a multi-stage shared-memory ring guarded by full
/// and empty mbarriers; two consumer warpgroups issue wgmma.m64nNk32 on
/// 128-byte-swizzled descriptors and apply the scales in the epilogue.
/// Without fast accumulation each 128-deep K block starts from zero and is
/// added into separate f32 registers (the promotion DeepGEMM and CUTLASS
/// use: the tensor cores' fp8 accumulation keeps fewer bits than f32).
/// Falls back to the mma.sync kernel (lower benefit) for batched matmuls, a
/// B that is not an fp8.cast, and a K that is dynamic or not a multiple of
/// 16 (TMA needs 16-byte row strides).
struct ScaledMatmulToWGMMA : public OpRewritePattern<ScaledMatmulOp> {
  ScaledMatmulToWGMMA(MLIRContext *context, StringRef schedule)
      : OpRewritePattern<ScaledMatmulOp>(context, /*benefit=*/2),
        schedule(schedule.str()) {}

  LogicalResult matchAndRewrite(ScaledMatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getEmulate())
      return rewriter.notifyMatchFailure(op, "emulated: no tensor cores");
    if (op.getNumBatchDims() != 0)
      return rewriter.notifyMatchFailure(op, "batched: mma.sync kernel");
    KMajorRhs kMajorRhs = findKMajorRhs(op);
    if (!kMajorRhs)
      return rewriter.notifyMatchFailure(
          op, "B is neither a cast to K-major nor a transposed K-major value");
    auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
    int64_t staticK = lhsType.getDimSize(1);
    if (ShapedType::isDynamic(staticK) || staticK % 16 != 0)
      return rewriter.notifyMatchFailure(op, "K not a static multiple of 16");
    auto module = op->getParentOfType<ModuleOp>();
    if (!module)
      return rewriter.notifyMatchFailure(op, "not in a module");

    Location loc = op.getLoc();
    RankedTensorType resultType = op.getResult().getType();
    Type resultElement = resultType.getElementType();
    bool fastAccum = op.useFastAccum();
    // C goes out through TMA when its rows are a static multiple of 16
    // bytes (the tensor map's row stride).
    int64_t elementBytes = resultElement.getIntOrFloatBitWidth() / 8;
    int64_t staticN = resultType.getDimSize(1);
    int64_t storeElementBytes =
        !ShapedType::isDynamic(staticN) && (staticN * elementBytes) % 16 == 0
            ? elementBytes
            : 0;
    HopperGemmShape shape = chooseHopperGemmShape(
        lhsType.getDimSize(0), staticN, fastAccum, schedule, storeElementBytes);
    int64_t blockN = shape.blockN;

    // Runtime entry points (runtime/cuda): TMA descriptors and the size of
    // the persistent grid.
    Type indexType = rewriter.getIndexType(), i64 = rewriter.getI64Type();
    auto declare = [&](StringRef name, FunctionType type) {
      if (module.lookupSymbol(name))
        return;
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToEnd(module.getBody());
      auto func = func::FuncOp::create(rewriter, loc, name, type);
      func.setPrivate();
    };
    declare("fp8TensorMap2D",
            rewriter.getFunctionType(SmallVector<Type>(6, indexType), {i64}));
    declare("fp8MultiprocessorCount",
            rewriter.getFunctionType({}, {indexType}));

    Value a = toBuffer(rewriter, loc, op.getLhs());
    Value bt = emitKMajorRhs(rewriter, loc, kMajorRhs);
    Value sa = toBuffer(rewriter, loc, op.getLhsScale());
    Value sb = toBuffer(rewriter, loc, op.getRhsScale());
    Value m = getSizes(rewriter, loc, a)[0];
    Value n = getSizes(rewriter, loc, bt)[0];
    Value k = cIdx(rewriter, loc, staticK);
    Value c = allocBuffer(rewriter, loc, resultType.getShape(), {m, n},
                          resultElement);
    auto tensorMap = [&](Value buffer, Value rows, Value cols, int64_t boxRows,
                         int64_t boxCols, int64_t bytes) {
      Value base =
          memref::ExtractAlignedPointerAsIndexOp::create(rewriter, loc, buffer);
      return func::CallOp::create(
                 rewriter, loc, "fp8TensorMap2D", TypeRange{i64},
                 ValueRange{base, rows, cols, cIdx(rewriter, loc, boxRows),
                            cIdx(rewriter, loc, boxCols),
                            cIdx(rewriter, loc, bytes)})
          .getResult(0);
    };
    Value mapA = tensorMap(a, m, k, kHopperBlockM, kHopperBlockK, 1);
    Value mapB = tensorMap(bt, n, k, blockN, kHopperBlockK, 1);
    // The epilogue's boxes: 64 rows of one 128-byte swizzle row each.
    Value mapC =
        storeElementBytes
            ? tensorMap(c, m, n, 64, 128 / storeElementBytes, storeElementBytes)
            : Value();
    Value tilesM = arith::CeilDivUIOp::create(
        rewriter, loc, m, cIdx(rewriter, loc, kHopperBlockM));
    Value tilesN = arith::CeilDivUIOp::create(rewriter, loc, n,
                                              cIdx(rewriter, loc, blockN));
    Value tiles = arith::MulIOp::create(rewriter, loc, tilesM, tilesN);
    Value sms = func::CallOp::create(rewriter, loc, "fp8MultiprocessorCount",
                                     TypeRange{indexType}, ValueRange{})
                    .getResult(0);
    Value one = cIdx(rewriter, loc, 1);
    Value grid = arith::MaxUIOp::create(
        rewriter, loc, arith::MinUIOp::create(rewriter, loc, tiles, sms), one);
    Value smem =
        arith::ConstantIntOp::create(rewriter, loc, shape.smemBytes(), 32);
    auto launch =
        createKernel(rewriter, loc, "fp8_scaled_matmul_wgmma", grid, one, one,
                     cIdx(rewriter, loc, kHopperThreads), smem);
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(&launch.getBody().front());
      emitHopperKernel(rewriter, loc, launch, op, shape, fastAccum, mapA, mapB,
                       mapC, sa, sb, c, m, n, tilesM, tilesN, tiles);
      gpu::TerminatorOp::create(rewriter, loc);
    }
    replaceGemm(rewriter, op, kMajorRhs, c);
    return success();
  }

private:
  std::string schedule;

  static void emitHopperKernel(OpBuilder &b, Location loc, gpu::LaunchOp launch,
                               ScaledMatmulOp op, HopperGemmShape shape,
                               bool fastAccum, Value mapA, Value mapB,
                               Value mapC, Value sa, Value sb, Value c, Value m,
                               Value n, Value tilesM, Value tilesN,
                               Value tiles) {
    PtxEmitter ptx{b, loc};
    int64_t blockN = shape.blockN, stages = shape.stages;
    int64_t aBytes = kHopperBlockM * kHopperBlockK;
    int64_t bBytes = blockN * kHopperBlockK;
    int64_t kBlocks = llvm::divideCeil(
        cast<RankedTensorType>(op.getLhs().getType()).getDimSize(1),
        kHopperBlockK);
    Type i64 = b.getI64Type();
    auto c32 = [&](int64_t v) { return ptx.i32(v); };
    auto c64 = [&](int64_t v) {
      return arith::ConstantIntOp::create(b, loc, v, 64).getResult();
    };
    auto add = [&](Value x, Value y) {
      return arith::AddIOp::create(b, loc, x, y).getResult();
    };
    auto mul = [&](Value x, Value y) {
      return arith::MulIOp::create(b, loc, x, y).getResult();
    };
    auto cmp = [&](arith::CmpIPredicate p, Value x, Value y) {
      return arith::CmpIOp::create(b, loc, p, x, y).getResult();
    };

    // Shared memory: [A stages][B stages][staging boxes][full barriers]
    // [empty barriers][order barriers][column-scale reciprocals], from a
    // 1024-aligned base (32-bit shared-window addresses; the boxes stay
    // 1024-aligned).
    auto workgroup = gpu::AddressSpaceAttr::get(
        b.getContext(), gpu::GPUDialect::getWorkgroupAddressSpace());
    Value raw = gpu::DynamicSharedMemoryOp::create(
        b, loc,
        MemRefType::get({ShapedType::kDynamic}, b.getI8Type(), nullptr,
                        workgroup));
    Value base =
        ptx.toI32(memref::ExtractAlignedPointerAsIndexOp::create(b, loc, raw));
    base = arith::AndIOp::create(b, loc, add(base, c32(1023)), c32(~1023));
    Value bRegion = add(base, c32(stages * aBytes));
    Value storeRegion = add(base, c32(stages * (aBytes + bBytes)));
    Value fullRegion = add(storeRegion, c32(shape.storeBytes()));
    Value emptyRegion = add(fullRegion, c32(stages * 8));
    Value orderRegion = add(emptyRegion, c32(stages * 8));
    Value colInvRegion = add(orderRegion, c32(16));
    auto at = [&](Value region, Value stage, int64_t bytes) {
      return add(region, mul(stage, c32(bytes)));
    };

    Value tid = launch.getThreadIds().x;
    Value isThread0 = cmp(arith::CmpIPredicate::eq, tid, cIdx(b, loc, 0));
    scf::IfOp::create(b, loc, isThread0, [&](OpBuilder &, Location) {
      for (int64_t s = 0; s < stages; ++s) {
        ptx.mbarrierInit(add(fullRegion, c32(8 * s)), 1);
        // Consumers release a stage once each (pingpong: one warpgroup
        // reads it).
        ptx.mbarrierInit(add(emptyRegion, c32(8 * s)), shape.pingpong ? 1 : 2);
      }
      // Pingpong: warpgroup c's main loop ends -> order[c] completes a phase.
      ptx.mbarrierInit(orderRegion, 1);
      ptx.mbarrierInit(add(orderRegion, c32(8)), 1);
      ptx.emit({}, "fence.mbarrier_init.release.cluster;", "");
      ptx.emit({}, "fence.proxy.async.shared::cta;", "");
      scf::YieldOp::create(b, loc);
    });
    gpu::BarrierOp::create(b, loc);

    // The tile a CTA computes at step `tile` of the persistent loop, in
    // groups of kHopperRasterGroup tile rows.
    auto tileCoords = [&](Value tile) -> std::pair<Value, Value> {
      Value group = cIdx(b, loc, kHopperRasterGroup);
      Value perGroup = mul(group, tilesN);
      Value firstM = mul(arith::DivUIOp::create(b, loc, tile, perGroup), group);
      Value groupM = arith::MinUIOp::create(
          b, loc, arith::SubIOp::create(b, loc, tilesM, firstM), group);
      Value local = arith::RemUIOp::create(b, loc, tile, perGroup);
      return {add(firstM, arith::RemUIOp::create(b, loc, local, groupM)),
              arith::DivUIOp::create(b, loc, local, groupM)};
    };
    // Stage and phase parity of pipeline step `it`.
    auto stageOf = [&](Value it) {
      return arith::RemUIOp::create(b, loc, it, c32(stages)).getResult();
    };
    auto parityOf = [&](Value it) {
      return arith::AndIOp::create(
                 b, loc, arith::DivUIOp::create(b, loc, it, c32(stages)),
                 c32(1))
          .getResult();
    };

    Value warpgroup =
        arith::DivUIOp::create(b, loc, tid, cIdx(b, loc, 128)).getResult();
    Value isProducer =
        cmp(arith::CmpIPredicate::eq, warpgroup, cIdx(b, loc, 0));
    Value firstTile = launch.getBlockIds().x;
    Value tileStep = launch.getGridSize().x;
    auto ifOp = scf::IfOp::create(b, loc, isProducer, /*withElse=*/true);
    {
      // Producer: one thread issues the TMA loads of every stage.
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(ifOp.thenBlock());
      ptx.emit({}, "setmaxnreg.dec.sync.aligned.u32 40;", "");
      scf::IfOp::create(b, loc, isThread0, [&](OpBuilder &, Location) {
        scf::ForOp::create(
            b, loc, firstTile, tiles, tileStep, ValueRange{c32(0)},
            [&](OpBuilder &, Location, Value tile, ValueRange tileArgs) {
              auto [tm, tn] = tileCoords(tile);
              Value rowA = ptx.toI32(mul(tm, cIdx(b, loc, kHopperBlockM)));
              Value rowB = ptx.toI32(mul(tn, cIdx(b, loc, blockN)));
              auto kLoop = scf::ForOp::create(
                  b, loc, c32(0), c32(kBlocks), c32(1), tileArgs,
                  [&](OpBuilder &, Location, Value kb, ValueRange args) {
                    Value it = args[0];
                    Value stage = stageOf(it);
                    Value full = at(fullRegion, stage, 8);
                    ptx.mbarrierWait(
                        at(emptyRegion, stage, 8),
                        arith::XOrIOp::create(b, loc, parityOf(it), c32(1)));
                    ptx.mbarrierExpectTx(full, aBytes + bBytes);
                    Value kOffset = mul(kb, c32(kHopperBlockK));
                    ptx.tmaLoad(at(base, stage, aBytes), mapA, kOffset, rowA,
                                full);
                    ptx.tmaLoad(at(bRegion, stage, bBytes), mapB, kOffset, rowB,
                                full);
                    scf::YieldOp::create(b, loc, ValueRange{add(it, c32(1))});
                  });
              scf::YieldOp::create(b, loc, kLoop.getResults());
            });
        scf::YieldOp::create(b, loc);
      });
    }
    {
      // Consumers. Cooperative: warpgroup 1 computes rows [0, 64) of every
      // tile, warpgroup 2 rows [64, 128). Pingpong: warpgroup 1 takes the
      // CTA's even tiles, warpgroup 2 the odd ones, each all 128 rows; the
      // ring hands them their stages in turn, so one's epilogue runs under
      // the other's main loop.
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(ifOp.elseBlock());
      ptx.emit({}, "setmaxnreg.inc.sync.aligned.u32 232;", "");
      Value consumer =
          arith::SubIOp::create(b, loc, warpgroup, cIdx(b, loc, 1));
      Value inGroup = arith::RemUIOp::create(b, loc, tid, cIdx(b, loc, 128));
      Value isLeader = cmp(arith::CmpIPredicate::eq, inGroup, cIdx(b, loc, 0));
      // Accumulators per thread: 64 x blockN per warpgroup and 64-row half.
      int64_t halves = shape.pingpong ? 2 : 1;
      int64_t numHalf = blockN / 2;
      int64_t numAcc = halves * numHalf;
      Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
      SmallVector<Value> zeros(numAcc, zero);
      StringRef aType = getPtxName(op.getLhs().getType().getElementType());
      StringRef bType = getPtxName(op.getRhs().getType().getElementType());
      // Shared-memory descriptors: K-major, 128-byte swizzle (layout 1 in
      // bits 62-63), 1024 bytes between 8-row groups (stride field 64),
      // leading-dimension field 1 (unused with this swizzle).
      Value descBits =
          c64((int64_t(1) << 62) | (int64_t(64) << 32) | (int64_t(1) << 16));
      auto descriptor = [&](Value address) {
        Value field = arith::ShRUIOp::create(
            b, loc,
            arith::AndIOp::create(b, loc,
                                  arith::ExtUIOp::create(b, loc, i64, address),
                                  c64(0x3FFFF)),
            c64(4));
        return arith::OrIOp::create(b, loc, field, descBits).getResult();
      };
      Value aOffset = shape.pingpong
                          ? c32(0)
                          : mul(ptx.toI32(consumer), c32(64 * kHopperBlockK));
      // Pingpong: warpgroup c starts at the CTA's tile c and pipeline step
      // c * kBlocks, and moves two tiles (2 * kBlocks steps) at a time.
      Value tileStart = firstTile, tileStride = tileStep, itStart = c32(0);
      if (shape.pingpong) {
        tileStart = add(firstTile, mul(consumer, tileStep));
        tileStride = mul(tileStep, cIdx(b, loc, 2));
        itStart = mul(ptx.toI32(consumer), c32(kBlocks));
      }

      // Pingpong order: the main loops alternate strictly (warpgroup 1
      // waits for the end of warpgroup 0's, which then waits for the end of
      // warpgroup 1's, ...), so that a warpgroup never waits on a stage
      // barrier more than one phase ahead (phase parities would alias).
      Value consumer32 = ptx.toI32(consumer);
      Value myOrder = add(orderRegion, mul(consumer32, c32(8)));
      Value otherOrder =
          add(orderRegion,
              mul(arith::SubIOp::create(b, loc, c32(1), consumer32), c32(8)));
      EpilogueContext epilogue{
          mapC, storeRegion, colInvRegion, shape.pingpong, sa, sb, c, m, n};
      scf::ForOp::create(
          b, loc, tileStart, tiles, tileStride, ValueRange{itStart, c32(0)},
          [&](OpBuilder &, Location, Value tile, ValueRange tileArgs) {
            auto [tm, tn] = tileCoords(tile);
            Value round = tileArgs[1];
            if (shape.pingpong) {
              // Warpgroup 0's i-th main loop waits for phase i - 1 of
              // order[1] (none before its first); warpgroup 1's waits for
              // phase i of order[0].
              Value isFirst = cmp(arith::CmpIPredicate::eq, consumer32, c32(0));
              Value mustWait = arith::OrIOp::create(
                  b, loc,
                  arith::XOrIOp::create(
                      b, loc, isFirst,
                      arith::ConstantIntOp::create(b, loc, 1, 1)),
                  cmp(arith::CmpIPredicate::ugt, round, c32(0)));
              Value phase = arith::SelectOp::create(
                  b, loc, isFirst, arith::SubIOp::create(b, loc, round, c32(1)),
                  round);
              scf::IfOp::create(b, loc, mustWait, [&](OpBuilder &, Location) {
                ptx.mbarrierWait(otherOrder,
                                 arith::AndIOp::create(b, loc, phase, c32(1)));
                scf::YieldOp::create(b, loc);
              });
            }
            SmallVector<Value> init{tileArgs[0]};
            init.append(zeros);
            if (!fastAccum)
              init.append(zeros);
            // The stage of step `it` is free again once both consumer
            // warpgroups have read it: each one's first thread arrives.
            auto release = [&](Value it, Value when) {
              scf::IfOp::create(
                  b, loc, arith::AndIOp::create(b, loc, isLeader, when),
                  [&](OpBuilder &, Location) {
                    ptx.mbarrierArrive(at(emptyRegion, stageOf(it), 8));
                    scf::YieldOp::create(b, loc);
                  });
            };
            Value always = arith::ConstantIntOp::create(b, loc, 1, 1);
            auto kLoop = scf::ForOp::create(
                b, loc, c32(0), c32(kBlocks), c32(1), init,
                [&](OpBuilder &, Location, Value kb, ValueRange args) {
                  Value it = args[0];
                  Value stage = stageOf(it);
                  ptx.mbarrierWait(at(fullRegion, stage, 8), parityOf(it));
                  Value descA =
                      descriptor(add(at(base, stage, aBytes), aOffset));
                  Value descB = descriptor(at(bRegion, stage, bBytes));
                  SmallVector<Value> acc(args.begin() + 1,
                                         args.begin() + 1 + numAcc);
                  ptx.emit({}, "wgmma.fence.sync.aligned;", "");
                  for (int64_t kk = 0; kk < kHopperBlockK / 32; ++kk) {
                    // 32 bytes of K further along the swizzled rows; the
                    // second half's A rows start 64 x 128 bytes later.
                    for (int64_t half = 0; half < halves; ++half) {
                      Value step = c64(2 * kk + half * 64 * kHopperBlockK / 16);
                      auto part = MutableArrayRef<Value>(acc).slice(
                          half * numHalf, numHalf);
                      SmallVector<Value> out = ptx.wgmma(
                          aType, bType, blockN,
                          arith::AddIOp::create(b, loc, descA, step),
                          arith::AddIOp::create(b, loc, descB, c64(2 * kk)),
                          SmallVector<Value>(part), fastAccum || kk > 0);
                      llvm::copy(out, part.begin());
                    }
                  }
                  ptx.emit({}, "wgmma.commit_group.sync.aligned;", "");
                  SmallVector<Value> next{add(it, c32(1))};
                  if (fastAccum) {
                    // Keep this block's wgmmas in flight; the previous
                    // block's are done, so its stage can be refilled.
                    ptx.emit({}, "wgmma.wait_group.sync.aligned 1;", "");
                    acc = ptx.fence(acc);
                    release(arith::SubIOp::create(b, loc, it, c32(1)),
                            cmp(arith::CmpIPredicate::ugt, kb, c32(0)));
                    next.append(acc);
                  } else {
                    // Promotion: the block's sum is added in f32 registers.
                    // (Promoting the previous block under this block's
                    // wgmmas, in new registers per block, measured 1.6x
                    // slower on an H100.)
                    ptx.emit({}, "wgmma.wait_group.sync.aligned 0;", "");
                    acc = ptx.fence(acc);
                    release(it, always);
                    next.append(acc);
                    for (int64_t i = 0; i < numAcc; ++i)
                      next.push_back(arith::AddFOp::create(
                          b, loc, args[1 + numAcc + i], acc[i]));
                  }
                  scf::YieldOp::create(b, loc, next);
                });
            ValueRange results = kLoop.getResults();
            if (shape.pingpong)
              scf::IfOp::create(b, loc, isLeader, [&](OpBuilder &, Location) {
                ptx.mbarrierArrive(myOrder);
                scf::YieldOp::create(b, loc);
              });
            SmallVector<Value> sums(
                results.begin() + 1 + (fastAccum ? 0 : numAcc),
                results.begin() + 1 + (fastAccum ? 0 : numAcc) + numAcc);
            if (fastAccum) {
              ptx.emit({}, "wgmma.wait_group.sync.aligned 0;", "");
              sums = ptx.fence(sums);
              release(arith::SubIOp::create(b, loc, results[0], c32(1)),
                      cmp(arith::CmpIPredicate::ugt, c32(kBlocks), c32(0)));
            }
            for (int64_t half = 0; half < halves; ++half)
              emitEpilogue(b, loc, ptx, epilogue,
                           ArrayRef<Value>(sums).slice(half * numHalf, numHalf),
                           tid, consumer,
                           shape.pingpong ? cIdx(b, loc, half) : consumer, tm,
                           tn, blockN, half == 0);
            // Pingpong: skip the other warpgroup's tile.
            Value itNext =
                shape.pingpong ? add(results[0], c32(kBlocks)) : results[0];
            scf::YieldOp::create(b, loc,
                                 ValueRange{itNext, add(round, c32(1))});
          });
      // The epilogue's last TMA stores must be done before the CTA exits.
      if (mapC)
        emitIf(b, loc, isLeader,
               [&] { ptx.emit({}, "cp.async.bulk.wait_group 0;", ""); });
    }
  }

  /// What every epilogue of a kernel shares: C's TMA descriptor (null:
  /// stores from registers) and staging boxes, the column-scale slices,
  /// the scales and C.
  struct EpilogueContext {
    Value mapC, storeRegion, colInvRegion;
    bool pingpong;
    Value sa, sb, c, m, n;
  };

  /// Accumulator 4j + 2h + e of a thread holds row 16 w + l / 4 + 8 h and
  /// column 8 j + 2 (l % 4) + e of its warpgroup's 64 x N block (w: warp in
  /// the warpgroup, l: lane).
  /// `consumer` picks the warpgroup's staging boxes and barrier, `rowHalf`
  /// the tile's 64-row half; the column reciprocals are computed only with
  /// `loadColumnScales` (the first half of a tile).
  ///
  /// With a TMA descriptor for C, the scaled values go 128 bytes of a row
  /// at a time into a 64-row box in shared memory, swizzled like the TMA
  /// (16-byte chunk c of row r at chunk c ^ (r % 8): the warp's stores hit
  /// 32 different banks), and one thread stores the box with
  /// cp.async.bulk.tensor while the warpgroup fills the next one and then
  /// goes back to its main loop: the global stores overlap the tensor
  /// cores' work, and out-of-bounds rows and columns are clipped by the
  /// TMA. Otherwise each thread stores its pairs of columns directly.
  static void emitEpilogue(OpBuilder &b, Location loc, PtxEmitter &ptx,
                           const EpilogueContext &context, ArrayRef<Value> acc,
                           Value tid, Value consumer, Value rowHalf, Value tm,
                           Value tn, int64_t blockN, bool loadColumnScales) {
    Value sa = context.sa, sb = context.sb, c = context.c, m = context.m,
          n = context.n;
    auto add = [&](Value x, Value y) {
      return arith::AddIOp::create(b, loc, x, y).getResult();
    };
    auto mul = [&](Value x, int64_t y) {
      return arith::MulIOp::create(b, loc, x, cIdx(b, loc, y)).getResult();
    };
    auto ult = [&](Value x, Value y) {
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y)
          .getResult();
    };
    Type resultElement = cast<MemRefType>(c.getType()).getElementType();
    Value oneF = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(1));
    Value zeroIdx = cIdx(b, loc, 0);
    auto reciprocal = [&](Value scale, Value row, Value col) {
      return arith::DivFOp::create(b, loc, oneF,
                                   loadScale(b, loc, scale, {}, row, col))
          .getResult();
    };
    bool rowScale = cast<MemRefType>(sa.getType()).getRank() != 0;
    bool colScale = cast<MemRefType>(sb.getType()).getRank() != 0;
    Value invA = rowScale ? Value() : reciprocal(sa, zeroIdx, zeroIdx);
    Value invB = colScale ? Value() : reciprocal(sb, zeroIdx, zeroIdx);

    // Column scales: the tile's blockN reciprocals are computed once into
    // shared memory, by both warpgroups between two barriers of the pair
    // (id 3), or with pingpong by the tile's warpgroup into its own slice
    // between two warpgroup barriers (ids 1 and 2; 0 is the CTA's).
    Value inGroup = arith::RemUIOp::create(b, loc, tid, cIdx(b, loc, 128));
    Value consumer32 = ptx.toI32(consumer);
    Value myInv;
    auto groupBarrier = [&]() {
      ptx.emit({ptx.toI32(add(consumer, cIdx(b, loc, 1)))}, "bar.sync $0, 128;",
               "r");
    };
    auto scaleBarrier = [&]() {
      if (context.pingpong)
        return groupBarrier();
      ptx.emit({}, "bar.sync 3, 256;", "");
    };
    if (colScale) {
      myInv = context.colInvRegion;
      if (context.pingpong)
        myInv = arith::AddIOp::create(
            b, loc, myInv,
            arith::MulIOp::create(b, loc, consumer32, ptx.i32(4 * blockN)));
      if (loadColumnScales) {
        scaleBarrier();
        int64_t perGroup = context.pingpong ? blockN : blockN / 2;
        Value first = context.pingpong ? zeroIdx : mul(consumer, perGroup);
        for (int64_t part = 0; part < (perGroup + 127) / 128; ++part) {
          Value index = add(inGroup, cIdx(b, loc, 128 * part));
          auto fill = [&] {
            Value local = add(first, index);
            Value col = add(mul(tn, blockN), local);
            Value safeCol =
                arith::SelectOp::create(b, loc, ult(col, n), col, zeroIdx);
            Value inv = reciprocal(sb, zeroIdx, safeCol);
            ptx.emit({add(myInv, arith::MulIOp::create(b, loc, ptx.toI32(local),
                                                       ptx.i32(4))),
                      inv},
                     "st.shared.f32 [$0], $1;", "r,f");
          };
          if (perGroup >= 128 * (part + 1)) {
            fill();
            continue;
          }
          emitIf(b, loc, ult(index, cIdx(b, loc, perGroup)), fill);
        }
        scaleBarrier();
      }
    }
    auto columnInverse = [&](Value local) {
      return ptx.emit(
          b.getF32Type(),
          {arith::AddIOp::create(
              b, loc, myInv,
              arith::MulIOp::create(b, loc, ptx.toI32(local), ptx.i32(4)))},
          "ld.shared.f32 $0, [$1];", "=f,r");
    };

    // With a static even N, neighbouring columns are stored as one vector;
    // when static sizes are whole tiles, no store needs a bounds check.
    int64_t staticM = cast<MemRefType>(c.getType()).getDimSize(0);
    int64_t staticN = cast<MemRefType>(c.getType()).getDimSize(1);
    bool pairs = !ShapedType::isDynamic(staticN) && staticN % 2 == 0;
    bool wholeTiles = !ShapedType::isDynamic(staticM) &&
                      staticM % kHopperBlockM == 0 && pairs &&
                      staticN % blockN == 0;
    auto guarded = [&](Value ok, function_ref<void()> body) {
      if (wholeTiles)
        return body();
      emitIf(b, loc, ok, body);
    };
    Value lane = arith::RemUIOp::create(b, loc, tid, cIdx(b, loc, 32));
    Value warp = arith::RemUIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, tid, cIdx(b, loc, 32)),
        cIdx(b, loc, 4));
    Value row0 =
        add(add(mul(tm, kHopperBlockM), mul(rowHalf, 64)),
            add(mul(warp, 16),
                arith::DivUIOp::create(b, loc, lane, cIdx(b, loc, 4))));
    Value col0 =
        add(mul(tn, blockN),
            mul(arith::RemUIOp::create(b, loc, lane, cIdx(b, loc, 4)), 2));
    // The reciprocal row scale of the thread's rows row0 + 8 h.
    auto rowInverse = [&](Value row) {
      if (!rowScale)
        return invA;
      Value safeRow =
          arith::SelectOp::create(b, loc, ult(row, m), row, zeroIdx);
      return reciprocal(sa, safeRow, zeroIdx);
    };
    // C's element at accumulator `index`, column `colE`, of a row whose
    // reciprocal scale is `rowInv`.
    auto scaledAt = [&](int64_t index, Value rowInv, Value colE) {
      Value colInv = colScale ? columnInverse(arith::SubIOp::create(
                                    b, loc, colE, mul(tn, blockN)))
                              : invB;
      Value value = arith::MulFOp::create(
          b, loc, arith::MulFOp::create(b, loc, acc[index], rowInv), colInv);
      if (!resultElement.isF32())
        value = arith::TruncFOp::create(b, loc, resultElement, value);
      return value;
    };

    if (context.mapC) {
      int64_t elementBytes = resultElement.getIntOrFloatBitWidth() / 8;
      int64_t boxCols = 128 / elementBytes;
      Value isLeader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                             inGroup, zeroIdx);
      auto leaderDoes = [&](ValueRange operands, StringRef ptxText,
                            StringRef constraints) {
        emitIf(b, loc, isLeader,
               [&] { ptx.emit(operands, ptxText, constraints); });
      };
      // Byte offsets in a box: row warp * 16 + lane / 4 (+ 8 h) at 128
      // bytes a row; the thread's first column starts 2 (lane % 4)
      // elements into each 8-column group.
      Value lane32 = ptx.toI32(lane);
      Value quad = arith::DivUIOp::create(b, loc, lane32, ptx.i32(4));
      Value rowBytes = arith::MulIOp::create(
          b, loc,
          arith::AddIOp::create(
              b, loc,
              arith::MulIOp::create(b, loc, ptx.toI32(warp), ptx.i32(16)),
              quad),
          ptx.i32(128));
      Value laneBytes = arith::MulIOp::create(
          b, loc, arith::RemUIOp::create(b, loc, lane32, ptx.i32(4)),
          ptx.i32(2 * elementBytes));
      Value boxes = arith::AddIOp::create(
          b, loc, context.storeRegion,
          arith::MulIOp::create(b, loc, consumer32,
                                ptx.i32(2 * kHopperStoreBoxBytes)));
      Value rowInv[2] = {rowInverse(row0),
                         rowInverse(add(row0, cIdx(b, loc, 8)))};
      Type pairType = VectorType::get({2}, resultElement);
      for (int64_t box = 0; box < blockN / boxCols; ++box) {
        Value buffer = arith::AddIOp::create(
            b, loc, boxes, ptx.i32((box % 2) * kHopperStoreBoxBytes));
        // The TMA has read this buffer's previous box (at most the other
        // buffer's store still reads), and the warpgroup knows it.
        leaderDoes({}, "cp.async.bulk.wait_group.read 1;", "");
        groupBarrier();
        for (int64_t jj = 0; jj < boxCols / 8; ++jj) {
          int64_t j = box * (boxCols / 8) + jj;
          Value col = add(col0, cIdx(b, loc, 8 * j));
          Value byteCol = arith::AddIOp::create(b, loc, laneBytes,
                                                ptx.i32(8 * elementBytes * jj));
          Value chunk = arith::XOrIOp::create(
              b, loc, arith::ShRUIOp::create(b, loc, byteCol, ptx.i32(4)),
              quad);
          Value inChunk = arith::AndIOp::create(b, loc, byteCol, ptx.i32(15));
          for (int64_t h = 0; h < 2; ++h) {
            Value address = arith::AddIOp::create(
                b, loc,
                arith::AddIOp::create(
                    b, loc, add(buffer, rowBytes),
                    arith::ShLIOp::create(b, loc, chunk, ptx.i32(4))),
                arith::AddIOp::create(b, loc, inChunk, ptx.i32(1024 * h)));
            Value first = scaledAt(4 * j + 2 * h, rowInv[h], col);
            Value second = scaledAt(4 * j + 2 * h + 1, rowInv[h],
                                    add(col, cIdx(b, loc, 1)));
            if (elementBytes == 4) {
              ptx.emit({address, first, second},
                       "st.shared.v2.f32 [$0], {$1, $2};", "r,f,f");
              continue;
            }
            Value pair = vector::FromElementsOp::create(
                b, loc, pairType, ValueRange{first, second});
            Value bits = vector::ExtractOp::create(
                b, loc,
                vector::BitCastOp::create(
                    b, loc, VectorType::get({1}, b.getI32Type()), pair),
                ArrayRef<int64_t>{0});
            ptx.emit({address, bits}, "st.shared.b32 [$0], $1;", "r,r");
          }
        }
        // The generic-proxy writes become visible to the TMA (async
        // proxy), then one thread stores the box.
        ptx.emit({}, "fence.proxy.async.shared::cta;", "");
        groupBarrier();
        Value x = ptx.toI32(add(mul(tn, blockN), cIdx(b, loc, box * boxCols)));
        Value y = ptx.toI32(add(mul(tm, kHopperBlockM), mul(rowHalf, 64)));
        leaderDoes({context.mapC, x, y, buffer},
                   "cp.async.bulk.tensor.2d.global.shared::cta.bulk_group "
                   "[$0, {$1, $2}], [$3];\n"
                   "cp.async.bulk.commit_group;",
                   "l,r,r,r");
      }
      return;
    }

    for (int64_t h = 0; h < 2; ++h) {
      Value row = add(row0, cIdx(b, loc, 8 * h));
      Value rowOk = ult(row, m);
      Value rowInv = rowInverse(row);
      for (int64_t j = 0; j < blockN / 8; ++j) {
        Value col = add(col0, cIdx(b, loc, 8 * j));
        auto scaled = [&](int64_t e, Value colE) {
          return scaledAt(4 * j + 2 * h + e, rowInv, colE);
        };
        if (pairs) {
          // col is even and so is N: the pair is in or out as a whole.
          Value ok = arith::AndIOp::create(b, loc, rowOk, ult(col, n));
          guarded(ok, [&] {
            Value col1 = add(col, cIdx(b, loc, 1));
            Value pair = vector::FromElementsOp::create(
                b, loc, VectorType::get({2}, resultElement),
                ValueRange{scaled(0, col), scaled(1, col1)});
            // Even column, even N, 256-byte aligned buffer: one store.
            vector::StoreOp::create(
                b, loc, pair, c, ValueRange{row, col}, /*nontemporal=*/false,
                llvm::MaybeAlign(2 * resultElement.getIntOrFloatBitWidth() /
                                 8));
          });
          continue;
        }
        for (int64_t e = 0; e < 2; ++e) {
          Value colE = add(col, cIdx(b, loc, e));
          Value ok = arith::AndIOp::create(b, loc, rowOk, ult(colE, n));
          scf::IfOp::create(b, loc, ok, [&](OpBuilder &, Location) {
            memref::StoreOp::create(b, loc, scaled(e, colE), c,
                                    ValueRange{row, colE});
            scf::YieldOp::create(b, loc);
          });
        }
      }
    }
  }
};
} // namespace

namespace {
/// arith.truncf f32 -> f8E4M3FN/f8E5M2 as cvt.rn.satfinite.{e4m3,e5m2}x2.f32
/// (the value in the low byte, 0 in the high one).
struct TruncFToNVVM : public OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern<arith::TruncFOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &rewriter) const override {
    Type target = op.getType();
    if (!isa<Float8E4M3FNType, Float8E5M2Type>(target) ||
        !op.getIn().getType().isF32())
      return rewriter.notifyMatchFailure(op, "not a scalar f32 -> OCP fp8");
    Location loc = op.getLoc();
    Value zero =
        arith::ConstantOp::create(rewriter, loc, rewriter.getF32FloatAttr(0));
    Value pair = NVVM::ConvertF32x2ToF8x2Op::create(
        rewriter, loc, rewriter.getI16Type(), zero, op.getIn(),
        NVVM::FPRoundingModeAttr::get(rewriter.getContext(),
                                      NVVM::FPRoundingMode::RN),
        NVVM::SaturationModeAttr::get(rewriter.getContext(),
                                      NVVM::SaturationMode::SATFINITE),
        rewriter.getBoolAttr(false), TypeAttr::get(target));
    Value low =
        arith::TruncIOp::create(rewriter, loc, rewriter.getI8Type(), pair);
    rewriter.replaceOpWithNewOp<arith::BitcastOp>(op, target, low);
    return success();
  }
};

/// memref.get_global -> memref.alloc + memref.copy in host code. The copy
/// reads the global through a get_global marked `fp8.staged`, which the
/// pattern then leaves alone.
struct StageGlobalForGPU : public OpRewritePattern<memref::GetGlobalOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(memref::GetGlobalOp op,
                                PatternRewriter &rewriter) const override {
    if (op->hasAttr("fp8.staged"))
      return rewriter.notifyMatchFailure(op, "already staged");
    if (op->getParentOfType<gpu::GPUModuleOp>())
      return rewriter.notifyMatchFailure(op, "device code");
    MemRefType type = op.getType();
    if (!type.hasStaticShape() || !type.getLayout().isIdentity())
      return rewriter.notifyMatchFailure(op, "not a static identity memref");
    Location loc = op.getLoc();
    auto source =
        memref::GetGlobalOp::create(rewriter, loc, type, op.getName());
    source->setAttr("fp8.staged", rewriter.getUnitAttr());
    Value copy = memref::AllocOp::create(
        rewriter, loc, MemRefType::get(type.getShape(), type.getElementType()));
    memref::CopyOp::create(rewriter, loc, source, copy);
    rewriter.replaceOp(op, copy);
    return success();
  }
};

struct FP8TileLoopsForGPUPass
    : public fp8::impl::FP8TileLoopsForGPUBase<FP8TileLoopsForGPUPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<scf::ParallelOp, 2> loops;
    getInnermostParallelLoops(getOperation(), loops);
    for (scf::ParallelOp loop : loops) {
      if (loop.getNumReductions() != 0)
        continue;
      SmallVector<int64_t, 2> tileSizes = loop.getNumLoops() == 1
                                              ? SmallVector<int64_t, 2>{256}
                                              : SmallVector<int64_t, 2>{1, 256};
      scf::tileParallelLoop(loop, tileSizes, /*noMinMaxBounds=*/true);
    }
  }
};

struct FP8StageGlobalsForGPUPass
    : public fp8::impl::FP8StageGlobalsForGPUBase<FP8StageGlobalsForGPUPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFP8StageGlobalsForGPUPatterns(patterns);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
    // The marker has done its job.
    getOperation()->walk(
        [](memref::GetGlobalOp op) { op->removeAttr("fp8.staged"); });
  }
};

struct FP8LowerToGPUPass
    : public fp8::impl::FP8LowerToGPUBase<FP8LowerToGPUPass> {
  using Base::Base;

  void runOnOperation() override {
    if (gemmSchedule != "auto" && gemmSchedule != "cooperative" &&
        gemmSchedule != "pingpong") {
      getOperation()->emitError()
          << "fp8-lower-to-gpu: unknown gemm-schedule '" << gemmSchedule
          << "'; expected auto, cooperative or pingpong";
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    if (!populateFP8ToGPUPatterns(patterns, chip, gemmSchedule)) {
      getOperation()->emitError()
          << "fp8-lower-to-gpu: no fp8 matrix-core kernels for chip '" << chip
          << "'; supported: gfx942, gfx950, sm_89 and newer";
      return signalPassFailure();
    }
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};
struct FP8LowerSubgroupReducePass
    : public fp8::impl::FP8LowerSubgroupReduceBase<FP8LowerSubgroupReducePass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateGpuBreakDownSubgroupReducePatterns(patterns);
    if (StringRef(chip).starts_with("gfx")) {
      FailureOr<amdgpu::Chipset> chipset = amdgpu::Chipset::parse(chip);
      if (failed(chipset)) {
        getOperation()->emitError() << "unknown AMD chip '" << chip << "'";
        return signalPassFailure();
      }
      populateGpuLowerSubgroupReduceToDPPPatterns(patterns, /*subgroupSize=*/64,
                                                  *chipset, /*benefit=*/2);
      populateGpuLowerSubgroupReduceToShufflePatterns(patterns, 64);
    } else {
      populateGpuLowerSubgroupReduceToShufflePatterns(patterns, 32);
    }
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
struct FP8TruncFToNVVMPass
    : public fp8::impl::FP8TruncFToNVVMBase<FP8TruncFToNVVMPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFP8TruncFToNVVMPatterns(patterns);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};
} // namespace

/// The SM version of an `sm_NN[a]` chip name, or 0.
static unsigned getSmVersion(StringRef chip) {
  unsigned version = 0;
  if (chip.consume_front("sm_"))
    (void)chip.take_while(llvm::isDigit).getAsInteger(10, version);
  return version;
}

bool fp8::populateFP8ToGPUPatterns(RewritePatternSet &patterns, StringRef chip,
                                   StringRef gemmSchedule) {
  if (chip == "gfx942" || chip == "gfx950") {
    patterns.add<AmaxToGPU>(patterns.getContext(), /*leaveFused=*/false);
    patterns.add<ScaledMatmulToMFMA>(patterns.getContext());
    return true;
  }
  if (getSmVersion(chip) >= 89) {
    patterns.add<AmaxToGPU>(patterns.getContext(), /*leaveFused=*/true);
    patterns.add<CastToNVVMPairs, FusedCastToNVVM, DualLayoutCastToNVVM,
                 ScaledMatmulToMMASync>(patterns.getContext());
    // wgmma is sm_90a only (not in sm_90 nor in later families).
    if (chip == "sm_90a")
      patterns.add<ScaledMatmulToWGMMA>(patterns.getContext(), gemmSchedule);
    return true;
  }
  return false;
}

void fp8::populateFP8TruncFToNVVMPatterns(RewritePatternSet &patterns) {
  patterns.add<TruncFToNVVM>(patterns.getContext());
}

void fp8::populateFP8StageGlobalsForGPUPatterns(RewritePatternSet &patterns) {
  patterns.add<StageGlobalForGPU>(patterns.getContext());
}
