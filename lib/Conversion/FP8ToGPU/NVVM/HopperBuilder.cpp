//===- HopperBuilder.cpp - typed NVVM ops of the sm_90a GEMM --------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The mbarrier, TMA, named-barrier, proxy-fence and wgmma ops of the Hopper
// kernel as NVVM dialect ops on !llvm.ptr<3> (the kernel computes 32-bit
// shared-window addresses).
//
//===----------------------------------------------------------------------===//

#include "HopperGemm.h"
#include "InlineAsm.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

using namespace mlir;
using namespace mlir::fp8;
using namespace mlir::fp8::detail;

/// The suspend-time hint of an mbarrier wait, in nanoseconds (the value
/// upstream's NVGPU examples use): a waiting thread sleeps until the phase
/// completes or this long.
static constexpr int64_t kMBarrierSuspendNs = 10000000;

/// Shared memory, as NVVM numbers it.
static constexpr unsigned kSharedAddressSpace = 3;
static constexpr unsigned kSharedClusterAddressSpace = 7;

Value HopperBuilder::sharedPointer(Value address) {
  auto type = LLVM::LLVMPointerType::get(b.getContext(), kSharedAddressSpace);
  return LLVM::IntToPtrOp::create(b, loc, type, address);
}

Value HopperBuilder::loadShared(Type type, Value address) {
  return LLVM::LoadOp::create(b, loc, type, sharedPointer(address),
                              type.getIntOrFloatBitWidth() / 8);
}

void HopperBuilder::storeShared(Value value, Value address,
                                int64_t alignment) {
  LLVM::StoreOp::create(b, loc, value, sharedPointer(address), alignment);
}

void HopperBuilder::namedBarrier(Value id, int64_t threads) {
  NVVM::BarrierOp::create(b, loc, /*res=*/Type(), id, i32(threads),
                          /*reductionOp=*/nullptr,
                          /*reductionPredicate=*/nullptr);
}

void HopperBuilder::fenceProxyAsync() {
  NVVM::FenceProxyOp::create(
      b, loc,
      NVVM::ProxyKindAttr::get(b.getContext(), NVVM::ProxyKind::async_shared),
      NVVM::SharedSpaceAttr::get(b.getContext(),
                                 NVVM::SharedSpace::shared_cta));
}

void MBarrierGroup::init(int64_t index, int64_t count) {
  NVVM::MBarrierInitOp::create(h.b, h.loc, h.sharedPointer(at(index)),
                               h.i32(count), /*predicate=*/Value());
}

void MBarrierGroup::wait(Value index, Value parity) {
  NVVM::MBarrierTryWaitParityOp::create(h.b, h.loc,
                                        h.sharedPointer(at(index)), parity,
                                        h.i32(kMBarrierSuspendNs));
}

void MBarrierGroup::arrive(Value index) {
  NVVM::MBarrierArriveOp::create(
      h.b, h.loc, /*res=*/Type(), h.sharedPointer(at(index)),
      /*count=*/Value(),
      NVVM::MemScopeKindAttr::get(h.b.getContext(), NVVM::MemScopeKind::CTA));
}

void MBarrierGroup::arriveExpectTx(Value index, int64_t bytes) {
  NVVM::MBarrierArriveExpectTxOp::create(
      h.b, h.loc, /*res=*/Type(), h.sharedPointer(at(index)), h.i32(bytes),
      NVVM::MemScopeKindAttr::get(h.b.getContext(), NVVM::MemScopeKind::CTA),
      h.b.getBoolAttr(false), /*predicate=*/Value());
}

/// The tensor map as the generic pointer the TMA ops take (the runtime
/// returns its address as an i64).
static Value getMapPointer(HopperBuilder &h, Value map) {
  if (isa<LLVM::LLVMPointerType>(map.getType()))
    return map;
  return LLVM::IntToPtrOp::create(
      h.b, h.loc, LLVM::LLVMPointerType::get(h.b.getContext()), map);
}

void TmaDescriptor::load(Value dst, Value inner, Value outer, Value barrier) {
  OpBuilder &b = h.b;
  // The destination is this CTA's shared memory in the cluster window.
  Value cluster = LLVM::AddrSpaceCastOp::create(
      b, h.loc,
      LLVM::LLVMPointerType::get(b.getContext(), kSharedClusterAddressSpace),
      h.sharedPointer(dst));
  NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp::create(
      b, h.loc, cluster, getMapPointer(h, map), ValueRange{inner, outer},
      h.sharedPointer(barrier), /*im2colOffsets=*/ValueRange{},
      /*multicastMask=*/Value(), /*l2CacheHint=*/Value(),
      NVVM::TMALoadModeAttr::get(b.getContext(), NVVM::TMALoadMode::TILE),
      /*isCTAOnly=*/b.getBoolAttr(false), /*group=*/nullptr,
      /*predicate=*/Value());
}

void TmaDescriptor::store(Value src, Value inner, Value outer) {
  OpBuilder &b = h.b;
  NVVM::CpAsyncBulkTensorSharedCTAToGlobalOp::create(
      b, h.loc, getMapPointer(h, map), h.sharedPointer(src),
      ValueRange{inner, outer},
      /*l2CacheHint=*/Value(),
      NVVM::TMAStoreModeAttr::get(b.getContext(), NVVM::TMAStoreMode::TILE),
      /*predicate=*/Value());
  NVVM::CpAsyncBulkCommitGroupOp::create(b, h.loc);
}

void WarpgroupMma::fence() { NVVM::WgmmaFenceAlignedOp::create(h.b, h.loc); }

void WarpgroupMma::commitGroup() {
  NVVM::WgmmaGroupSyncAlignedOp::create(h.b, h.loc);
}

void WarpgroupMma::waitGroup(int64_t pending) {
  NVVM::WgmmaWaitGroupSyncOp::create(h.b, h.loc,
                                     h.b.getI64IntegerAttr(pending));
}

/// The wgmma name of an fp8 element type.
static NVVM::WGMMATypes getWgmmaType(Type type) {
  return isa<Float8E5M2Type>(type) ? NVVM::WGMMATypes::e5m2
                                   : NVVM::WGMMATypes::e4m3;
}

SmallVector<Value> WarpgroupMma::mma(int64_t n, Value descA, Value descB,
                                     ArrayRef<Value> acc, bool accumulate) {
  OpBuilder &b = h.b;
  MLIRContext *context = b.getContext();
  Type accType = getF32Struct(context, acc.size());
  Value inouts = LLVM::UndefOp::create(b, h.loc, accType);
  for (auto [i, value] : llvm::enumerate(acc))
    inouts = LLVM::InsertValueOp::create(b, h.loc, inouts, value, i);
  auto typeAttr = [&](NVVM::WGMMATypes type) {
    return NVVM::WGMMATypesAttr::get(context, type);
  };
  auto one = NVVM::WGMMAScaleInAttr::get(context, NVVM::WGMMAScaleIn::one);
  Value result = NVVM::WgmmaMmaAsyncOp::create(
      b, h.loc, accType, inouts, descA, descB,
      NVVM::MMAShapeAttr::get(context, 64, n, 32),
      typeAttr(getWgmmaType(aType)), typeAttr(getWgmmaType(bType)),
      typeAttr(NVVM::WGMMATypes::f32),
      NVVM::WGMMAScaleOutAttr::get(context, accumulate
                                                ? NVVM::WGMMAScaleOut::one
                                                : NVVM::WGMMAScaleOut::zero),
      one, one, NVVM::MMALayoutAttr::get(context, NVVM::MMALayout::row),
      NVVM::MMALayoutAttr::get(context, NVVM::MMALayout::col),
      /*satfinite=*/nullptr);
  SmallVector<Value> out;
  for (size_t i = 0; i < acc.size(); ++i)
    out.push_back(LLVM::ExtractValueOp::create(b, h.loc, result, i));
  return out;
}
