//===- HopperKernel.cpp - the sm_90a GEMM kernel body ---------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The body of the persistent, warp-specialized TMA + wgmma GEMM in four
// phases, after upstream's NVGPU tutorial (Ch5.py): initialize (shared
// memory layout and mbarriers), the producer warpgroup's TMA loads, the
// consumer warpgroups' wgmma main loops (cooperative or pingpong), the
// epilogue (HopperEpilogue.cpp).
//
//===----------------------------------------------------------------------===//

#include "HopperGemm.h"
#include "InlineAsm.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::fp8;
using namespace mlir::fp8::detail;

namespace {

/// Registers per thread of the producer warpgroup and of the consumers
/// (setmaxnreg): the producer only issues TMA loads.
constexpr int64_t kProducerRegisters = 40;
constexpr int64_t kConsumerRegisters = 232;

/// The kernel's state: the problem, the shared-memory regions and the
/// thread's place in the CTA.
class HopperKernel {
public:
  HopperKernel(OpBuilder &b, Location loc, gpu::LaunchOp launch,
               ScaledMatmulOp op, const HopperGemmShape &shape,
               const HopperGemmOperands &operands)
      : b(b), loc(loc), h{b, loc}, launch(launch), op(op), shape(shape),
        operands(operands), full{h, Value()}, empty{h, Value()},
        order{h, Value()} {
    aBytes = kHopperBlockM * kHopperBlockK;
    bBytes = shape.blockN * kHopperBlockK;
    kBlocks = llvm::divideCeil(
        cast<RankedTensorType>(op.getLhs().getType()).getDimSize(1),
        kHopperBlockK);
  }

  void emit();

private:
  void initialize();
  void emitProducer();
  void emitConsumers();
  /// One tile of a consumer warpgroup: the main loop, then the epilogue.
  /// Returns the pipeline step after it.
  Value emitConsumerTile(Value tile, Value it, Value round);
  /// Pingpong: waits until the other warpgroup's main loop of `round` is
  /// over.
  void waitForTurn(Value round);
  /// The wgmma main loop over K from pipeline step `it`; returns the step
  /// after it and the accumulators.
  std::pair<Value, SmallVector<Value>> emitMainLoop(Value it);
  /// One K block: its wgmmas; returns the loop's next iteration values.
  SmallVector<Value> emitKBlock(Value kb, ValueRange args);
  /// Frees the stage of step `it` when `when` holds: each consumer
  /// warpgroup's first thread arrives on its empty barrier.
  void release(Value it, Value when);

  /// The tile a CTA computes at step `tile` of the persistent loop, in
  /// groups of kHopperRasterGroup tile rows.
  std::pair<Value, Value> tileCoords(Value tile);
  /// Stage and phase parity of pipeline step `it`.
  Value stageOf(Value it) {
    return arith::RemUIOp::create(b, loc, it, h.i32(shape.stages));
  }
  Value parityOf(Value it) {
    return arith::AndIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, it, h.i32(shape.stages)),
        h.i32(1));
  }
  /// The shared-memory descriptor of a K-major, 128-byte-swizzled tile.
  Value descriptor(Value address);
  Value cmp(arith::CmpIPredicate predicate, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, predicate, x, y);
  }
  void ifThen(Value condition, function_ref<void()> body) {
    scf::IfOp::create(b, loc, condition, [&](OpBuilder &, Location) {
      body();
      scf::YieldOp::create(b, loc);
    });
  }

  OpBuilder &b;
  Location loc;
  HopperBuilder h;
  gpu::LaunchOp launch;
  ScaledMatmulOp op;
  const HopperGemmShape &shape;
  const HopperGemmOperands &operands;
  int64_t aBytes, bBytes, kBlocks;

  // Shared memory (initialize()).
  Value aRegion, bRegion, storeRegion, colInvRegion;
  MBarrierGroup full, empty, order;
  // The thread (emit()).
  Value tid, isThread0, warpgroup;
  // A consumer warpgroup (emitConsumers()).
  Value consumer, consumer32, isLeader, aOffset;
  int64_t halves = 1, numHalf = 0, numAcc = 0;
  SmallVector<Value> zeros;
};

} // namespace

void HopperKernel::emit() {
  tid = launch.getThreadIds().x;
  isThread0 = cmp(arith::CmpIPredicate::eq, tid, cIdx(b, loc, 0));
  initialize();
  warpgroup = arith::DivUIOp::create(b, loc, tid, cIdx(b, loc, 128));
  Value isProducer = cmp(arith::CmpIPredicate::eq, warpgroup, cIdx(b, loc, 0));
  auto ifOp = scf::IfOp::create(b, loc, isProducer, /*withElse=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  emitProducer();
  b.setInsertionPointToStart(ifOp.elseBlock());
  emitConsumers();
}

/// Shared memory: [A stages][B stages][staging boxes][full barriers]
/// [empty barriers][order barriers][column-scale reciprocals], from a
/// 1024-aligned base (32-bit shared-window addresses; the boxes stay
/// 1024-aligned). Thread 0 initializes the barriers.
void HopperKernel::initialize() {
  int64_t stages = shape.stages;
  auto workgroup = gpu::AddressSpaceAttr::get(
      b.getContext(), gpu::GPUDialect::getWorkgroupAddressSpace());
  Value raw = gpu::DynamicSharedMemoryOp::create(
      b, loc,
      MemRefType::get({ShapedType::kDynamic}, b.getI8Type(), nullptr,
                      workgroup));
  Value base =
      h.toI32(memref::ExtractAlignedPointerAsIndexOp::create(b, loc, raw));
  aRegion =
      arith::AndIOp::create(b, loc, h.add(base, h.i32(1023)), h.i32(~1023));
  bRegion = h.add(aRegion, h.i32(stages * aBytes));
  storeRegion = h.add(aRegion, h.i32(stages * (aBytes + bBytes)));
  full.base = h.add(storeRegion, h.i32(shape.storeBytes()));
  empty.base = h.add(full.base, h.i32(stages * 8));
  order.base = h.add(empty.base, h.i32(stages * 8));
  colInvRegion = h.add(order.base, h.i32(16));

  ifThen(isThread0, [&] {
    for (int64_t s = 0; s < stages; ++s) {
      full.init(s, 1);
      // Consumers release a stage once each (pingpong: one warpgroup
      // reads it).
      empty.init(s, shape.pingpong ? 1 : 2);
    }
    // Pingpong: warpgroup c's main loop ends -> order[c] completes a phase.
    order.init(0, 1);
    order.init(1, 1);
    NVVM::FenceMbarrierInitOp::create(b, loc);
    h.fenceProxyAsync();
  });
  gpu::BarrierOp::create(b, loc);
}

std::pair<Value, Value> HopperKernel::tileCoords(Value tile) {
  Value group = cIdx(b, loc, kHopperRasterGroup);
  Value perGroup = h.mul(group, operands.tilesN);
  Value firstM = h.mul(arith::DivUIOp::create(b, loc, tile, perGroup), group);
  Value groupM = arith::MinUIOp::create(
      b, loc, arith::SubIOp::create(b, loc, operands.tilesM, firstM), group);
  Value local = arith::RemUIOp::create(b, loc, tile, perGroup);
  return {h.add(firstM, arith::RemUIOp::create(b, loc, local, groupM)),
          arith::DivUIOp::create(b, loc, local, groupM)};
}

/// Producer: one thread issues the TMA loads of every stage.
void HopperKernel::emitProducer() {
  NVVM::SetMaxRegisterOp::create(
      b, loc, b.getI32IntegerAttr(kProducerRegisters),
      NVVM::SetMaxRegisterActionAttr::get(
          b.getContext(), NVVM::SetMaxRegisterAction::decrease));
  TmaDescriptor mapA{h, operands.mapA}, mapB{h, operands.mapB};
  ifThen(isThread0, [&] {
    scf::ForOp::create(
        b, loc, launch.getBlockIds().x, operands.tiles, launch.getGridSize().x,
        ValueRange{h.i32(0)},
        [&](OpBuilder &, Location, Value tile, ValueRange tileArgs) {
          auto [tm, tn] = tileCoords(tile);
          Value rowA = h.toI32(h.mul(tm, cIdx(b, loc, kHopperBlockM)));
          Value rowB = h.toI32(h.mul(tn, cIdx(b, loc, shape.blockN)));
          auto kLoop = scf::ForOp::create(
              b, loc, h.i32(0), h.i32(kBlocks), h.i32(1), tileArgs,
              [&](OpBuilder &, Location, Value kb, ValueRange args) {
                Value it = args[0];
                Value stage = stageOf(it);
                empty.wait(stage, arith::XOrIOp::create(b, loc, parityOf(it),
                                                        h.i32(1)));
                full.arriveExpectTx(stage, aBytes + bBytes);
                Value kOffset = h.mul(kb, h.i32(kHopperBlockK));
                Value barrier = full.at(stage);
                mapA.load(h.at(aRegion, stage, aBytes), kOffset, rowA,
                          barrier);
                mapB.load(h.at(bRegion, stage, bBytes), kOffset, rowB,
                          barrier);
                scf::YieldOp::create(b, loc, ValueRange{h.add(it, h.i32(1))});
              });
          scf::YieldOp::create(b, loc, kLoop.getResults());
        });
  });
}

/// Shared-memory descriptors: K-major, 128-byte swizzle (layout 1 in bits
/// 62-63), 1024 bytes between 8-row groups (stride field 64),
/// leading-dimension field 1 (unused with this swizzle).
Value HopperKernel::descriptor(Value address) {
  Value bits =
      h.i64((int64_t(1) << 62) | (int64_t(64) << 32) | (int64_t(1) << 16));
  Value field = arith::ShRUIOp::create(
      b, loc,
      arith::AndIOp::create(
          b, loc, arith::ExtUIOp::create(b, loc, b.getI64Type(), address),
          h.i64(0x3FFFF)),
      h.i64(4));
  return arith::OrIOp::create(b, loc, field, bits);
}

/// Consumers. Cooperative: warpgroup 1 computes rows [0, 64) of every tile,
/// warpgroup 2 rows [64, 128). Pingpong: warpgroup 1 takes the CTA's even
/// tiles, warpgroup 2 the odd ones, each all 128 rows; the ring hands them
/// their stages in turn, so one's epilogue runs under the other's main
/// loop.
void HopperKernel::emitConsumers() {
  NVVM::SetMaxRegisterOp::create(
      b, loc, b.getI32IntegerAttr(kConsumerRegisters),
      NVVM::SetMaxRegisterActionAttr::get(
          b.getContext(), NVVM::SetMaxRegisterAction::increase));
  consumer = arith::SubIOp::create(b, loc, warpgroup, cIdx(b, loc, 1));
  Value inGroup = arith::RemUIOp::create(b, loc, tid, cIdx(b, loc, 128));
  isLeader = cmp(arith::CmpIPredicate::eq, inGroup, cIdx(b, loc, 0));
  // Accumulators per thread: 64 x blockN per warpgroup and 64-row half.
  halves = shape.pingpong ? 2 : 1;
  numHalf = shape.blockN / 2;
  numAcc = halves * numHalf;
  zeros.assign(numAcc,
               arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0)));
  aOffset = shape.pingpong
                ? h.i32(0)
                : h.mul(h.toI32(consumer), h.i32(64 * kHopperBlockK));
  // Pingpong: warpgroup c starts at the CTA's tile c and pipeline step
  // c * kBlocks, and moves two tiles (2 * kBlocks steps) at a time.
  Value firstTile = launch.getBlockIds().x, tileStep = launch.getGridSize().x;
  Value tileStart = firstTile, tileStride = tileStep, itStart = h.i32(0);
  if (shape.pingpong) {
    tileStart = h.add(firstTile, h.mul(consumer, tileStep));
    tileStride = h.mul(tileStep, cIdx(b, loc, 2));
    itStart = h.mul(h.toI32(consumer), h.i32(kBlocks));
  }
  consumer32 = h.toI32(consumer);
  scf::ForOp::create(
      b, loc, tileStart, operands.tiles, tileStride,
      ValueRange{itStart, h.i32(0)},
      [&](OpBuilder &, Location, Value tile, ValueRange args) {
        Value itNext = emitConsumerTile(tile, args[0], args[1]);
        scf::YieldOp::create(b, loc,
                             ValueRange{itNext, h.add(args[1], h.i32(1))});
      });
  // The epilogue's last TMA stores must be done before the CTA exits.
  if (operands.mapC)
    emitIf(b, loc, isLeader, [&] {
      NVVM::CpAsyncBulkWaitGroupOp::create(b, loc, b.getI32IntegerAttr(0),
                                           /*read=*/nullptr);
    });
}

/// Pingpong order: the main loops alternate strictly (warpgroup 1 waits for
/// the end of warpgroup 0's, which then waits for the end of warpgroup
/// 1's, ...), so that a warpgroup never waits on a stage barrier more than
/// one phase ahead (phase parities would alias). Warpgroup 0's i-th main
/// loop waits for phase i - 1 of order[1] (none before its first);
/// warpgroup 1's waits for phase i of order[0].
void HopperKernel::waitForTurn(Value round) {
  Value other = arith::SubIOp::create(b, loc, h.i32(1), consumer32);
  Value isFirst = cmp(arith::CmpIPredicate::eq, consumer32, h.i32(0));
  Value mustWait = arith::OrIOp::create(
      b, loc,
      arith::XOrIOp::create(b, loc, isFirst,
                            arith::ConstantIntOp::create(b, loc, 1, 1)),
      cmp(arith::CmpIPredicate::ugt, round, h.i32(0)));
  Value phase = arith::SelectOp::create(
      b, loc, isFirst, arith::SubIOp::create(b, loc, round, h.i32(1)), round);
  ifThen(mustWait, [&] {
    order.wait(other, arith::AndIOp::create(b, loc, phase, h.i32(1)));
  });
}

Value HopperKernel::emitConsumerTile(Value tile, Value it, Value round) {
  auto [tm, tn] = tileCoords(tile);
  if (shape.pingpong)
    waitForTurn(round);
  auto [itAfter, sums] = emitMainLoop(it);
  if (shape.pingpong)
    ifThen(isLeader, [&] { order.arrive(consumer32); });
  if (shape.fastAccum) {
    WarpgroupMma{h, Type(), Type()}.waitGroup(0);
    sums = pinRegisters(b, loc, sums);
    release(arith::SubIOp::create(b, loc, itAfter, h.i32(1)),
            cmp(arith::CmpIPredicate::ugt, h.i32(kBlocks), h.i32(0)));
  }
  EpilogueRegions regions{storeRegion, colInvRegion};
  for (int64_t half = 0; half < halves; ++half) {
    EpilogueTile where{tid,
                       consumer,
                       shape.pingpong ? cIdx(b, loc, half) : consumer,
                       tm,
                       tn,
                       /*loadColumnScales=*/half == 0};
    emitEpilogue(h, shape, operands, regions,
                 ArrayRef<Value>(sums).slice(half * numHalf, numHalf), where);
  }
  // Pingpong: skip the other warpgroup's tile.
  return shape.pingpong ? h.add(itAfter, h.i32(kBlocks)) : itAfter;
}

void HopperKernel::release(Value it, Value when) {
  ifThen(arith::AndIOp::create(b, loc, isLeader, when),
         [&] { empty.arrive(stageOf(it)); });
}

std::pair<Value, SmallVector<Value>> HopperKernel::emitMainLoop(Value it) {
  bool fastAccum = shape.fastAccum;
  SmallVector<Value> init{it};
  init.append(zeros);
  if (!fastAccum)
    init.append(zeros);
  auto kLoop = scf::ForOp::create(
      b, loc, h.i32(0), h.i32(kBlocks), h.i32(1), init,
      [&](OpBuilder &, Location, Value kb, ValueRange args) {
        scf::YieldOp::create(b, loc, emitKBlock(kb, args));
      });
  ValueRange results = kLoop.getResults();
  int64_t first = 1 + (fastAccum ? 0 : numAcc);
  return {results[0], SmallVector<Value>(results.begin() + first,
                                         results.begin() + first + numAcc)};
}

SmallVector<Value> HopperKernel::emitKBlock(Value kb, ValueRange args) {
  bool fastAccum = shape.fastAccum;
  Value it = args[0];
  Value stage = stageOf(it);
  full.wait(stage, parityOf(it));
  Value descA = descriptor(h.add(h.at(aRegion, stage, aBytes), aOffset));
  Value descB = descriptor(h.at(bRegion, stage, bBytes));
  SmallVector<Value> acc(args.begin() + 1, args.begin() + 1 + numAcc);
  WarpgroupMma wgmma{h, op.getLhs().getType().getElementType(),
                     op.getRhs().getType().getElementType()};
  wgmma.fence();
  for (int64_t kk = 0; kk < kHopperBlockK / 32; ++kk) {
    // 32 bytes of K further along the swizzled rows; the second half's A
    // rows start 64 x 128 bytes later.
    for (int64_t half = 0; half < halves; ++half) {
      Value step = h.i64(2 * kk + half * 64 * kHopperBlockK / 16);
      auto part = MutableArrayRef<Value>(acc).slice(half * numHalf, numHalf);
      SmallVector<Value> out = wgmma.mma(
          shape.blockN, arith::AddIOp::create(b, loc, descA, step),
          arith::AddIOp::create(b, loc, descB, h.i64(2 * kk)),
          SmallVector<Value>(part), fastAccum || kk > 0);
      llvm::copy(out, part.begin());
    }
  }
  wgmma.commitGroup();
  SmallVector<Value> next{h.add(it, h.i32(1))};
  if (fastAccum) {
    // Keep this block's wgmmas in flight; the previous block's are done,
    // so its stage can be refilled.
    wgmma.waitGroup(1);
    acc = pinRegisters(b, loc, acc);
    release(arith::SubIOp::create(b, loc, it, h.i32(1)),
            cmp(arith::CmpIPredicate::ugt, kb, h.i32(0)));
    next.append(acc);
    return next;
  }
  // Promotion: the block's sum is added in f32 registers. (Promoting the
  // previous block under this block's wgmmas, in new registers per block,
  // measured 1.6x slower on an H100.)
  wgmma.waitGroup(0);
  acc = pinRegisters(b, loc, acc);
  release(it, arith::ConstantIntOp::create(b, loc, 1, 1));
  next.append(acc);
  for (int64_t i = 0; i < numAcc; ++i)
    next.push_back(
        arith::AddFOp::create(b, loc, args[1 + numAcc + i], acc[i]));
  return next;
}

void mlir::fp8::detail::emitHopperKernel(OpBuilder &b, Location loc,
                                         gpu::LaunchOp launch,
                                         ScaledMatmulOp op,
                                         const HopperGemmShape &shape,
                                         const HopperGemmOperands &operands) {
  HopperKernel(b, loc, launch, op, shape, operands).emit();
}
