//===- HopperGemm.h - the sm_90a TMA + wgmma GEMM ---------------*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Private to the Hopper GEMM files of lib/Conversion/FP8ToGPU/NVVM: tile
// constants, the tile-shape heuristic, the typed NVVM builders of the
// kernel (mbarrier group, TMA descriptor, warpgroup MMA) and its phases.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_LIB_CONVERSION_FP8TOGPU_NVVM_HOPPERGEMM_H
#define FP8_LIB_CONVERSION_FP8TOGPU_NVVM_HOPPERGEMM_H

#include "NVVMInternals.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::fp8::detail {

/// Tile sizes of the Hopper kernel: a CTA computes kHopperBlockM x blockN of
/// C, reading kHopperBlockK (128 bytes of fp8, one 128-byte swizzle row) of
/// K per pipeline stage.
constexpr int64_t kHopperBlockM = 128;
constexpr int64_t kHopperBlockK = 128;
/// Threads: one producer warpgroup (TMA) and two consumer warpgroups (wgmma,
/// 64 rows of the tile each).
constexpr int64_t kHopperThreads = 384;
/// Dynamic shared memory a CTA may use on sm_90 (227 KB).
constexpr int64_t kHopperSmemBytes = 227 * 1024;
/// One TMA-store box of the epilogue: 64 rows of 128 bytes (the 128-byte
/// swizzle's row), staged in shared memory. Each consumer warpgroup owns
/// two, written and stored in turn.
constexpr int64_t kHopperStoreBoxBytes = 64 * 128;
/// Tiles are visited in groups of this many tile rows, so that CTAs running
/// at the same time share A and B tiles in L2.
constexpr int64_t kHopperRasterGroup = 8;

/// The tile shape and pipeline depth of one Hopper GEMM.
struct HopperGemmShape {
  int64_t blockN;
  int64_t stages;
  /// Each consumer warpgroup computes whole tiles (both 64-row halves),
  /// the two alternating, instead of sharing every tile.
  bool pingpong = false;
  /// The tensor cores accumulate across K blocks (torchao's
  /// use_fast_accum); otherwise each block's sum is added in f32 registers.
  bool fastAccum = false;
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

/// The heuristic (docs/gpu-kernels.md) for an M x N problem on `smCount`
/// multiprocessors.
HopperGemmShape chooseHopperGemmShape(int64_t m, int64_t n, bool fastAccum,
                                      GemmSchedule schedule, int64_t smCount,
                                      int64_t storeElementBytes);

/// What the Hopper kernel builds its phases from (after upstream's
/// nvdsl: mbarrier group, TMA descriptor, warpgroup): typed NVVM ops on the
/// kernel's 32-bit shared-window addresses, at one location.
struct HopperBuilder {
  OpBuilder &b;
  Location loc;

  Value i32(int64_t value) {
    return arith::ConstantIntOp::create(b, loc, value, 32);
  }
  Value i64(int64_t value) {
    return arith::ConstantIntOp::create(b, loc, value, 64);
  }
  Value toI32(Value index) {
    return arith::IndexCastUIOp::create(b, loc, b.getI32Type(), index);
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  /// `address` + `index` x `bytes`: element `index` of an array.
  Value at(Value address, Value index, int64_t bytes) {
    return add(address, mul(index, i32(bytes)));
  }
  /// The shared-memory pointer of a 32-bit shared-window address.
  Value sharedPointer(Value address);
  /// A 32-bit float from / to shared memory.
  Value loadShared(Type type, Value address);
  void storeShared(Value value, Value address, int64_t alignment);
  /// bar.sync `id`, `threads`: a named barrier of some warps.
  void namedBarrier(Value id, int64_t threads);
  /// Makes shared-memory writes of the generic proxy visible to the async
  /// proxy (TMA).
  void fenceProxyAsync();
};

/// mbarriers of 8 bytes each, from `base`: the stage ring's full and empty
/// barriers, the pingpong order barriers.
struct MBarrierGroup {
  HopperBuilder &h;
  Value base;

  Value at(Value index) { return h.at(base, index, 8); }
  Value at(int64_t index) { return h.add(base, h.i32(8 * index)); }
  void init(int64_t index, int64_t count);
  /// Spins until the phase of barrier `index` with parity `parity` has
  /// completed.
  void wait(Value index, Value parity);
  void arrive(Value index);
  /// Arrives and expects `bytes` of TMA transfers to complete the phase.
  void arriveExpectTx(Value index, int64_t bytes);
};

/// A 2-d tensor map (a runtime TMA descriptor in global memory).
struct TmaDescriptor {
  HopperBuilder &h;
  Value map;

  /// The box at (`inner`, `outer`) into shared memory at `dst`, completing
  /// on the mbarrier at `barrier`.
  void load(Value dst, Value inner, Value outer, Value barrier);
  /// The box at `src` in shared memory to (`inner`, `outer`), as a bulk
  /// group of its own.
  void store(Value src, Value inner, Value outer);
};

/// The wgmma instructions of one warpgroup on f32 accumulators.
struct WarpgroupMma {
  HopperBuilder &h;
  /// The A and B element types (f8E4M3FN or f8E5M2).
  Type aType, bType;

  void fence();
  void commitGroup();
  /// Waits until at most `pending` committed groups are in flight.
  void waitGroup(int64_t pending);
  /// D = A B (+ D when `accumulate`): one wgmma.m64nNk32 on shared-memory
  /// descriptors.
  SmallVector<Value> mma(int64_t n, Value descA, Value descB,
                         ArrayRef<Value> acc, bool accumulate);
};

/// Operands of the kernel body: the tensor maps of A, B (N x K) and C (null:
/// C stored from registers), the scale and C buffers, the problem and tile
/// counts.
struct HopperGemmOperands {
  Value mapA, mapB, mapC;
  Value sa, sb, c;
  Value m, n;
  Value tilesM, tilesN, tiles;
};

/// The body of the kernel launched as `launch` (HopperKernel.cpp).
void emitHopperKernel(OpBuilder &b, Location loc, gpu::LaunchOp launch,
                      ScaledMatmulOp op, const HopperGemmShape &shape,
                      const HopperGemmOperands &operands);

/// Where one 64-row half of a tile is, and who computes it.
struct EpilogueTile {
  /// The thread in the CTA, its consumer warpgroup (0 or 1) and the 64-row
  /// half of the tile it stores.
  Value tid, consumer, rowHalf;
  /// The tile's row and column.
  Value tm, tn;
  /// Whether this half computes the tile's column-scale reciprocals (the
  /// first half of a tile).
  bool loadColumnScales;
};

/// Shared memory the epilogue uses: the staging boxes of C and the
/// column-scale reciprocals.
struct EpilogueRegions {
  Value store, columnInverse;
};

/// The epilogue of one 64-row half of a tile (HopperEpilogue.cpp).
void emitEpilogue(HopperBuilder &h, const HopperGemmShape &shape,
                  const HopperGemmOperands &operands,
                  const EpilogueRegions &regions, ArrayRef<Value> acc,
                  const EpilogueTile &tile);

} // namespace mlir::fp8::detail

#endif // FP8_LIB_CONVERSION_FP8TOGPU_NVVM_HOPPERGEMM_H
