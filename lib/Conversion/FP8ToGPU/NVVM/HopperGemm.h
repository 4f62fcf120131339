//===- HopperGemm.h - the sm_90a TMA + wgmma GEMM ---------------*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Private to the Hopper GEMM files of lib/Conversion/FP8ToGPU/NVVM: tile
// constants, the tile-shape heuristic, the inline-PTX emitter and the
// kernel's phases.
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

/// What every epilogue of a kernel shares: C's TMA descriptor (null:
/// stores from registers) and staging boxes, the column-scale slices,
/// the scales and C.
struct EpilogueContext {
  Value mapC, storeRegion, colInvRegion;
  bool pingpong;
  Value sa, sb, c, m, n;
};

/// The body of the kernel launched as `launch` (HopperKernel.cpp).
void emitHopperKernel(OpBuilder &b, Location loc, gpu::LaunchOp launch,
                      ScaledMatmulOp op, HopperGemmShape shape, bool fastAccum,
                      Value mapA, Value mapB, Value mapC, Value sa, Value sb,
                      Value c, Value m, Value n, Value tilesM, Value tilesN,
                      Value tiles);

/// The epilogue of one 64-row half of a tile (HopperEpilogue.cpp).
void emitEpilogue(OpBuilder &b, Location loc, PtxEmitter &ptx,
                  const EpilogueContext &context, ArrayRef<Value> acc,
                  Value tid, Value consumer, Value rowHalf, Value tm, Value tn,
                  int64_t blockN, bool loadColumnScales);

} // namespace mlir::fp8::detail

#endif // FP8_LIB_CONVERSION_FP8TOGPU_NVVM_HOPPERGEMM_H
