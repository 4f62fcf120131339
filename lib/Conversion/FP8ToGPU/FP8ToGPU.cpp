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
#include "fp8/Dialect/FP8/IR/FP8Ops.h"

#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/AMDGPU/Utils/Chipset.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
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

namespace {
//===----------------------------------------------------------------------===//
// fp8.amax
//===----------------------------------------------------------------------===//

struct AmaxToGPU : public OpRewritePattern<AmaxOp> {
  using OpRewritePattern<AmaxOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(AmaxOp op,
                                PatternRewriter &rewriter) const override {
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

    // grid = (outputs, chunks): enough chunks that each thread reduces about
    // kAmaxPerThread elements, at most 1024.
    Value perBlock = cIdx(rewriter, loc, kAmaxBlock * kAmaxPerThread);
    Value chunks =
        arith::CeilDivUIOp::create(rewriter, loc, elements, perBlock);
    chunks = arith::MinUIOp::create(rewriter, loc, chunks,
                                    cIdx(rewriter, loc, 1024));
    chunks =
        arith::MaxUIOp::create(rewriter, loc, chunks, cIdx(rewriter, loc, 1));
    Value one = cIdx(rewriter, loc, 1);
    auto launch =
        gpu::LaunchOp::create(rewriter, loc, outputs, chunks, one,
                              cIdx(rewriter, loc, kAmaxBlock), one, one);
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
      auto loop = scf::ForOp::create(
          rewriter, loc, start, elements, step, ValueRange{init},
          [&](OpBuilder &b, Location l, Value iv, ValueRange iterArgs) {
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
      Value first =
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, lane,
                                cIdx(rewriter, loc, 0));
      scf::IfOp::create(rewriter, loc, first, [&](OpBuilder &b, Location l) {
        Value waveBits = arith::BitcastOp::create(b, l, b.getI32Type(), wave);
        memref::AtomicRMWOp::create(b, l, arith::AtomicRMWKind::maxu, waveBits,
                                    bits, ValueRange{output});
        scf::YieldOp::create(b, l);
      });
      gpu::TerminatorOp::create(rewriter, loc);
    }

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
static Value emitPairCast(PatternRewriter &rewriter, CastOp op,
                          bool transposed) {
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
  Value two = cIdx(rewriter, loc, 2);
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
  Value scaleBuffer = toBuffer(rewriter, loc, scale);
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
  auto launch =
      gpu::LaunchOp::create(rewriter, loc, blocks, one, one,
                            cIdx(rewriter, loc, kCastBlock), one, one);
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToStart(&launch.getBody().front());
  Value pair = arith::AddIOp::create(
      rewriter, loc,
      arith::MulIOp::create(rewriter, loc, launch.getBlockIds().x,
                            cIdx(rewriter, loc, kCastBlock)),
      launch.getThreadIds().x);
  Value inRange = arith::CmpIOp::create(rewriter, loc,
                                        arith::CmpIPredicate::ult, pair, pairs);
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

    double max =
        APFloat::getLargest(cast<FloatType>(target).getFloatSemantics())
            .convertToDouble();
    Value hi = arith::ConstantOp::create(b, l, b.getF32FloatAttr(max));
    Value lo = arith::ConstantOp::create(b, l, b.getF32FloatAttr(-max));
    auto scaled = [&](Value x, ArrayRef<Value> index) -> Value {
      SmallVector<Value> scaleIndex;
      for (int64_t dim = 0; dim < scaleType.getRank(); ++dim)
        scaleIndex.push_back(scaleType.getDimSize(dim) == 1 ? cIdx(b, l, 0)
                                                            : index[dim]);
      Value s = memref::LoadOp::create(b, l, scaleBuffer, scaleIndex);
      Value product = arith::MulFOp::create(b, l, widenToF32(b, l, x), s);
      return arith::MinimumFOp::create(
          b, l, arith::MaximumFOp::create(b, l, product, lo), hi);
    };

    Type elementType = inputType.getElementType();
    auto cvt = [&](Value high, Value low) -> Value {
      // cvt packs its first operand into the high byte.
      return NVVM::ConvertF32x2ToF8x2Op::create(
          b, l, VectorType::get({2}, b.getI8Type()), high, low,
          NVVM::FPRoundingModeAttr::get(b.getContext(),
                                        NVVM::FPRoundingMode::RN),
          NVVM::SaturationModeAttr::get(b.getContext(),
                                        NVVM::SaturationMode::SATFINITE),
          b.getBoolAttr(false), TypeAttr::get(target));
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
        Value xa = scaled(
            vector::ExtractOp::create(b, l, all, ArrayRef<int64_t>{2 * p}),
            indexA);
        Value xb = scaled(
            vector::ExtractOp::create(b, l, all, ArrayRef<int64_t>{2 * p + 1}),
            indexB);
        packs.push_back(cvt(xb, xa));
      }
      Value low = vector::ShuffleOp::create(b, l, packs[0], packs[1],
                                            ArrayRef<int64_t>{0, 1, 2, 3});
      Value high = vector::ShuffleOp::create(b, l, packs[2], packs[3],
                                             ArrayRef<int64_t>{0, 1, 2, 3});
      Value packed8 = vector::ShuffleOp::create(
          b, l, low, high, ArrayRef<int64_t>{0, 1, 2, 3, 4, 5, 6, 7});
      Value codes =
          arith::BitcastOp::create(b, l, VectorType::get({8}, target), packed8);
      vector::StoreOp::create(b, l, codes, outBuffer, index0,
                              /*nontemporal=*/false, llvm::MaybeAlign(8));
      scf::YieldOp::create(b, l);
      return;
    }
    Value x0, x1;
    if (vectorLoads) {
      Value both = vector::LoadOp::create(
          b, l, VectorType::get({2}, elementType), inBuffer, index0);
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
      vector::StoreOp::create(b, l, codes, outBuffer, outIndex(index0));
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
    Value one = cIdx(rewriter, loc, 1);
    auto launch = gpu::LaunchOp::create(
        rewriter, loc, arith::CeilDivUIOp::create(rewriter, loc, n, c32),
        arith::CeilDivUIOp::create(rewriter, loc, m, c32), batchCount,
        cIdx(rewriter, loc, 64), one, one);
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
    auto rhsCast = op.getRhs().getDefiningOp<CastOp>();
    bool bKInnermost = rhsCast && isTransposableGemmRhs(rhsCast);
    Value bm = bKInnermost
                   ? emitPairCast(rewriter, rhsCast, /*transposed=*/true)
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
    Value one = cIdx(rewriter, loc, 1);
    auto launch = gpu::LaunchOp::create(
        rewriter, loc,
        arith::CeilDivUIOp::create(rewriter, loc, n, cIdx(rewriter, loc, 8)),
        arith::CeilDivUIOp::create(rewriter, loc, m, cIdx(rewriter, loc, 16)),
        batchCount, cIdx(rewriter, loc, 32), one, one);
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
    rewriter.replaceOp(op, toTensor(rewriter, loc, c));
    if (bKInnermost)
      rewriter.eraseOp(rhsCast);
    return success();
  }
};

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
    RewritePatternSet patterns(&getContext());
    if (!populateFP8ToGPUPatterns(patterns, chip)) {
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

bool fp8::populateFP8ToGPUPatterns(RewritePatternSet &patterns,
                                   StringRef chip) {
  if (chip == "gfx942" || chip == "gfx950") {
    patterns.add<AmaxToGPU, ScaledMatmulToMFMA>(patterns.getContext());
    return true;
  }
  if (getSmVersion(chip) >= 89) {
    patterns.add<AmaxToGPU, CastToNVVMPairs, ScaledMatmulToMMASync>(
        patterns.getContext());
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
