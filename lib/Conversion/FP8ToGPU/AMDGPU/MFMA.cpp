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
/// The buffers and sizes of one MFMA GEMM kernel: C[b..., M, N] =
/// A[b..., M, K] * B[b..., K, N] with the scales `sa` and `sb`.
struct MFMAGemm {
  Value a, bm, sa, sb, c;
  Value m, n, k;
  int64_t batchDims;
  /// The batch sizes (of A).
  SmallVector<Value> batchSizes;
  /// The index constant 32, made on the host for the grid and read by the
  /// kernel body too.
  Value c32;
};
} // namespace

/// Lane l of the wave computing the 32 x 32 tile at (`tileRow`, `tileCol`)
/// holds column l % 32 of `acc` and, for v in 0..15, row
/// 8 * (v / 4) + 4 * (l / 32) + v % 4 of the tile: stores them scaled.
static void storeMFMATile(OpBuilder &b, Location loc, const MFMAGemm &gemm,
                          ValueRange batch, Value acc, Value tileRow, Value col,
                          Value lk) {
  for (int64_t v = 0; v < 16; ++v) {
    Value r = arith::AddIOp::create(
        b, loc, tileRow,
        arith::AddIOp::create(
            b, loc, cIdx(b, loc, 8 * (v / 4) + v % 4),
            arith::MulIOp::create(b, loc, lk, cIdx(b, loc, 4))));
    Value inRange = arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, r, gemm.m),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, col, gemm.n));
    scf::IfOp::create(b, loc, inRange, [&](OpBuilder &ib, Location l) {
      storeScaled(ib, l, vector::ExtractOp::create(ib, l, acc, v), gemm.sa,
                  gemm.sb, gemm.c, batch, r, col);
      scf::YieldOp::create(ib, l);
    });
  }
}

/// The kernel body for one 32x32 output tile (row tile `rowTile`, column
/// tile the block's x) of batch `batchIndex`: one wave (64 lanes),
/// acc(32x32) += A(32x16) * B(16x32) in k steps of 16, then the scaled
/// stores.
static void emitMFMATile(OpBuilder &b, Location loc, gpu::LaunchOp launch,
                         const MFMAGemm &gemm, Value rowTile,
                         Value batchIndex) {
  Value c32 = gemm.c32;
  Value lane = launch.getThreadIds().x;
  Value lr = arith::RemUIOp::create(b, loc, lane, c32);
  Value lk = arith::DivUIOp::create(b, loc, lane, c32);
  Value tileRow = arith::MulIOp::create(b, loc, rowTile, c32);
  Value tileCol = arith::MulIOp::create(b, loc, launch.getBlockIds().x, c32);
  SmallVector<Value> batch;
  if (gemm.batchDims > 0) {
    batch = delinearize(b, loc, batchIndex, gemm.batchSizes);
  }
  Value row = arith::AddIOp::create(b, loc, tileRow, lr);
  Value col = arith::AddIOp::create(b, loc, tileCol, lr);
  Value kLane = arith::MulIOp::create(b, loc, lk, cIdx(b, loc, 8));
  auto accType = VectorType::get({16}, b.getF32Type());
  Value zeroAcc =
      arith::ConstantOp::create(b, loc, DenseElementsAttr::get(accType, 0.0f));
  auto loop = scf::ForOp::create(
      b, loc, cIdx(b, loc, 0), gemm.k, cIdx(b, loc, 16), ValueRange{zeroAcc},
      [&](OpBuilder &lb, Location l, Value k0, ValueRange iterArgs) {
        Value kk = arith::AddIOp::create(lb, l, k0, kLane);
        Value fa = loadFragment(lb, l, gemm.a, batch, row, gemm.m, kk, gemm.k,
                                /*kInnermost=*/true);
        Value fb = loadFragment(lb, l, gemm.bm, batch, col, gemm.n, kk, gemm.k,
                                /*kInnermost=*/false);
        Value acc = amdgpu::MFMAOp::create(
            lb, l, accType, /*m=*/32, /*n=*/32, /*k=*/16, /*blocks=*/1, fa, fb,
            iterArgs[0], /*cbsz=*/0, /*abid=*/0, amdgpu::MFMAPermB::none,
            /*reducePrecision=*/false, /*negateA=*/false, /*negateB=*/false,
            /*negateC=*/false);
        scf::YieldOp::create(lb, l, acc);
      });
  storeMFMATile(b, loc, gemm, batch, loop.getResult(0), tileRow, col, lk);
}

namespace {
/// fp8.scaled_matmul (not emulated) as amdgpu.mfma 32x32x16 on fp8/bf8
/// operands with f32 accumulation (emitMFMAKernelBody).
struct ScaledMatmulToMFMA : public OpRewritePattern<ScaledMatmulOp> {
  using OpRewritePattern<ScaledMatmulOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(ScaledMatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getEmulate())
      return rewriter.notifyMatchFailure(op, "emulated: no matrix cores");
    Location loc = op.getLoc();
    MFMAGemm gemm;
    gemm.batchDims = op.getNumBatchDims();
    int64_t rank = gemm.batchDims + 2;
    RankedTensorType resultType = op.getResult().getType();

    gemm.a = toBuffer(rewriter, loc, op.getLhs());
    gemm.bm = toBuffer(rewriter, loc, op.getRhs());
    gemm.sa = toBuffer(rewriter, loc, op.getLhsScale());
    gemm.sb = toBuffer(rewriter, loc, op.getRhsScale());
    SmallVector<Value> aSizes = getSizes(rewriter, loc, gemm.a);
    SmallVector<Value> bSizes = getSizes(rewriter, loc, gemm.bm);
    gemm.m = aSizes[rank - 2];
    gemm.k = aSizes[rank - 1];
    gemm.n = bSizes[rank - 1];
    gemm.batchSizes.assign(aSizes.begin(), aSizes.begin() + gemm.batchDims);
    SmallVector<Value> cSizes(gemm.batchSizes);
    cSizes.append({gemm.m, gemm.n});
    gemm.c = allocBuffer(rewriter, loc, resultType.getShape(), cSizes,
                         resultType.getElementType());
    Value batchCount = product(rewriter, loc, gemm.batchSizes);

    // One wave (64 lanes) per 32x32 output tile.
    gemm.c32 = cIdx(rewriter, loc, 32);
    // Row tiles on y and batches on z, each walked in grid-size steps beyond
    // what a launch allows there.
    createTiledGemmKernel(rewriter, loc, "fp8_scaled_matmul_mfma", gemm.m,
                          gemm.n, batchCount, 32, 32, 64,
                          [&](gpu::LaunchOp launch, Value rowTile,
                              Value batchIndex) {
                            emitMFMATile(rewriter, loc, launch, gemm, rowTile,
                                         batchIndex);
                          });
    rewriter.replaceOp(op, toTensor(rewriter, loc, gemm.c));
    return success();
  }
};
} // namespace

void mlir::fp8::detail::populateScaledMatmulToMFMAPatterns(
    RewritePatternSet &patterns) {
  patterns.add<ScaledMatmulToMFMA>(patterns.getContext());
}
