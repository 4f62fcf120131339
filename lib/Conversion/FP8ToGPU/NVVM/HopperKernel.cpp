//===- HopperKernel.cpp - the sm_90a GEMM kernel body ---------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The body of the persistent, warp-specialized TMA + wgmma GEMM: shared
// memory layout and barriers, the producer warpgroup's TMA loads, the
// consumer warpgroups' wgmma main loops (cooperative or pingpong).
//
//===----------------------------------------------------------------------===//

#include "HopperGemm.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
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

void emitHopperKernel(OpBuilder &b, Location loc, gpu::LaunchOp launch,
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

} // namespace mlir::fp8::detail
