//===- MMASync.cpp - fp8.scaled_matmul as mma.sync ------------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// fp8.scaled_matmul on sm_89 and newer: one warp per 16 x 8 output tile
// of mma.sync.m16n8k32 e4m3/e5m2, f32 accumulators promoted every k step
// without fast accumulation.
//
//===----------------------------------------------------------------------===//

#include "InlineAsm.h"
#include "NVVMInternals.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
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

/// The PTX name of an 8-bit float type in mma.sync.
StringRef getPtxName(Type type) {
  return isa<Float8E5M2Type>(type) ? "e5m2" : "e4m3";
}

} // namespace mlir::fp8::detail

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

/// The operands of the mma.sync kernel: A (M x K), B (N x K when
/// `bKInnermost`, else K x N), the scales, C, the sizes and A's batch sizes.
struct MmaSyncOperands {
  Value a, b, sa, sb, c, m, n, k;
  SmallVector<Value> batchSizes;
  bool bKInnermost;
};

/// Stores the scaled accumulators of a thread: accumulator i holds row
/// g + 8 (i / 2), column 2 t + i % 2 of the tile (`rows`: g and g + 8).
static void storeAccumulators(OpBuilder &b, Location loc, ValueRange acc,
                              const MmaSyncOperands &operands,
                              ArrayRef<Value> batch, ArrayRef<Value> rows,
                              Value tileCol, Value inGroup) {
  for (int64_t i = 0; i < 4; ++i) {
    Value r = rows[i / 2];
    Value cc = arith::AddIOp::create(
        b, loc, tileCol,
        arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, inGroup, cIdx(b, loc, 2)),
            cIdx(b, loc, i % 2)));
    Value inRange = arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, r,
                              operands.m),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, cc,
                              operands.n));
    Value value = acc[i];
    scf::IfOp::create(b, loc, inRange, [&](OpBuilder &, Location l) {
      storeScaled(b, l, value, operands.sa, operands.sb, operands.c, batch, r,
                  cc);
      scf::YieldOp::create(b, l);
    });
  }
}

/// The body of the mma.sync kernel launched as `launch` for one 16 x 8 tile
/// of C (row tile `rowTile`, column tile the block's x) in batch
/// `batchIndex`: one warp, K in steps of 32.
static void emitMmaSyncTile(OpBuilder &b, Location loc, gpu::LaunchOp launch,
                            ScaledMatmulOp op, const MmaSyncOperands &operands,
                            Value rowTile, Value batchIndex) {
  Value a = operands.a, bm = operands.b, m = operands.m, n = operands.n,
        k = operands.k;
  bool bKInnermost = operands.bKInnermost;
  int64_t batchDims = operands.batchSizes.size();
  ArrayRef<Value> aSizes = operands.batchSizes;
  std::string ptx =
      ("mma.sync.aligned.m16n8k32.row.col.f32." +
       getPtxName(op.getLhs().getType().getElementType()) + "." +
       getPtxName(op.getRhs().getType().getElementType()) +
       ".f32 {$0,$1,$2,$3}, {$4,$5,$6,$7}, {$8,$9}, {$10,$11,$12,$13};")
          .str();
  Value lane = launch.getThreadIds().x;
  Value group =
      arith::DivUIOp::create(b, loc, lane, cIdx(b, loc, 4));
  Value inGroup =
      arith::RemUIOp::create(b, loc, lane, cIdx(b, loc, 4));
  Value tileRow = arith::MulIOp::create(b, loc, rowTile, cIdx(b, loc, 16));
  Value tileCol = arith::MulIOp::create(
      b, loc, launch.getBlockIds().x, cIdx(b, loc, 8));
  SmallVector<Value> batch;
  if (batchDims > 0) {
    batch = delinearize(b, loc, batchIndex, aSizes.take_front(batchDims));
  }
  Value row0 = arith::AddIOp::create(b, loc, tileRow, group);
  Value row8 =
      arith::AddIOp::create(b, loc, row0, cIdx(b, loc, 8));
  Value col = arith::AddIOp::create(b, loc, tileCol, group);
  Value k4 =
      arith::MulIOp::create(b, loc, inGroup, cIdx(b, loc, 4));
  Value zero =
      arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  bool fastAccum = op.useFastAccum();
  Type resultStruct = getF32Struct(b.getContext(), 4);
  auto loop = scf::ForOp::create(
      b, loc, cIdx(b, loc, 0), k, cIdx(b, loc, 32),
      ValueRange{zero, zero, zero, zero},
      [&](OpBuilder &, Location l, Value k0, ValueRange acc) {
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
        // MLIR 22's nvvm.mma.sync rejects e4m3/e5m2 operands.
        Value mma = emitInlinePtx(b, l, resultStruct, operands, ptx,
                                  "=f,=f,=f,=f,r,r,r,r,r,r,f,f,f,f",
                                  /*sideEffects=*/false);
        SmallVector<Value> next;
        for (int64_t i = 0; i < 4; ++i) {
          Value d = LLVM::ExtractValueOp::create(b, l, mma, i);
          next.push_back(
              fastAccum
                  ? d
                  : arith::AddFOp::create(b, l, acc[i], d).getResult());
        }
        scf::YieldOp::create(b, l, next);
      });
  storeAccumulators(b, loc, loop.getResults(), operands, batch,
                    {row0, row8}, tileCol, inGroup);
}

namespace {
struct ScaledMatmulToMMASync : public OpRewritePattern<ScaledMatmulOp> {
  ScaledMatmulToMMASync(MLIRContext *context, const CastPlan &plan)
      : OpRewritePattern<ScaledMatmulOp>(context), plan(plan) {}

  LogicalResult matchAndRewrite(ScaledMatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getEmulate())
      return rewriter.notifyMatchFailure(op, "emulated: no tensor cores");
    Location loc = op.getLoc();
    int64_t batchDims = op.getNumBatchDims();
    int64_t rank = batchDims + 2;
    RankedTensorType resultType = op.getResult().getType();
    Type resultElement = resultType.getElementType();

    Value a = toBuffer(rewriter, loc, op.getLhs());
    // B from an fp8.cast is cast straight into N x K (K-major) layout, so
    // that each lane's 4 k values are contiguous bytes; otherwise B is read
    // as stored, K x N.
    KMajorRhs kMajorRhs = findKMajorRhs(op, plan);
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
    // Row tiles on y and batches on z, each walked in grid-size steps beyond
    // what a launch allows there.
    MmaSyncOperands operands{
        a,  bm, sa, sb, c, m, n, k,
        SmallVector<Value>(aSizes.begin(), aSizes.begin() + batchDims),
        bKInnermost};
    createTiledGemmKernel(rewriter, loc, "fp8_scaled_matmul_mma_sync", m, n,
                          batchCount, 16, 8, 32,
                          [&](gpu::LaunchOp launch, Value rowTile,
                              Value batchIndex) {
                            emitMmaSyncTile(rewriter, loc, launch, op,
                                            operands, rowTile, batchIndex);
                          });
    replaceGemm(rewriter, op, kMajorRhs, c);
    return success();
  }

private:
  /// The casts' strategies: which B this kernel casts itself.
  const CastPlan &plan;
};
} // namespace

void mlir::fp8::detail::populateScaledMatmulToMMASyncPatterns(
    RewritePatternSet &patterns, const CastPlan &plan) {
  patterns.add<ScaledMatmulToMMASync>(patterns.getContext(), plan);
}
