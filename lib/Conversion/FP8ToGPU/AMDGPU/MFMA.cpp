//===- MFMA.cpp - fp8.scaled_matmul on AMD matrix cores -------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// fp8.scaled_matmul as amdgpu.mfma 32x32x16 fp8/bf8: one wave per 32 x 32
// output tile, scales applied in the epilogue.
//
//===----------------------------------------------------------------------===//

#include "../FP8ToGPUInternals.h"

#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
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

namespace {
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
} // namespace

void mlir::fp8::detail::populateScaledMatmulToMFMAPatterns(
    RewritePatternSet &patterns) {
  patterns.add<ScaledMatmulToMFMA>(patterns.getContext());
}
