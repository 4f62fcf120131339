//===- ShardToMPI.cpp - shard collectives ready for MPI -------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// What sharded fp8 programs (float8 all-gather, global amaxes) need before
// upstream convert-shard-to-mpi: all-gathers as exact all-reduces, the MPI
// implementation for the LLVM lowering, MPI_Init/MPI_Finalize around @main.
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/ShardToMPI/ShardToMPI.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/DLTI/DLTI.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MPI/IR/MPI.h"
#include "mlir/Dialect/Shard/IR/ShardDialect.h"
#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir {
namespace fp8 {
#define GEN_PASS_DEF_FP8PREPARESHARDFORMPI
#include "fp8/Conversion/Passes.h.inc"
} // namespace fp8
} // namespace mlir

using namespace mlir;
using namespace mlir::fp8;

/// `value` (a static tensor) reinterpreted element by element as `type`, as
/// a linalg.generic (arith.bitcast on tensors does not bufferize).
static Value bitcastElements(OpBuilder &b, Location loc, Value value,
                             Type type) {
  auto tensorType = cast<RankedTensorType>(value.getType());
  Value init = tensor::EmptyOp::create(b, loc, tensorType.getShape(), type);
  AffineMap id = b.getMultiDimIdentityMap(tensorType.getRank());
  SmallVector<utils::IteratorType> iterators(tensorType.getRank(),
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, init.getType(), value, init, ArrayRef<AffineMap>{id, id},
             iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(
                   nb, nl,
                   arith::BitcastOp::create(nb, nl, type, args[0]).getResult());
             })
      .getResult(0);
}

namespace {
/// shard.all_gather -> place the shard in zeros, shard.all_reduce sum.
struct AllGatherToAllReduce : public OpRewritePattern<shard::AllGatherOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(shard::AllGatherOp op,
                                PatternRewriter &rewriter) const override {
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    if (!inputType.hasStaticShape() || !resultType.hasStaticShape())
      return op.emitOpError("fp8-prepare-shard-for-mpi: all-gathers need "
                            "static shapes");
    Type element = inputType.getElementType();
    unsigned width = isa<FloatType, IntegerType>(element)
                         ? element.getIntOrFloatBitWidth()
                         : 0;
    if (!llvm::is_contained({8u, 16u, 32u, 64u}, width))
      return op.emitOpError("fp8-prepare-shard-for-mpi: cannot gather ")
             << element << " elements";
    auto grid = SymbolTable::lookupNearestSymbolFrom<shard::GridOp>(
        op, op.getGridAttr());
    // Verified IR has the grid; static result shapes imply a static group.
    if (!grid)
      return rewriter.notifyMatchFailure(op, "no shard.grid");
    Location loc = op.getLoc();
    int64_t axis = op.getGatherAxis().getSExtValue();

    // The process's position in its gather group.
    ArrayRef<shard::GridAxis> axes = op.getGridAxes();
    SmallVector<Type> indexTypes(axes.size(), rewriter.getIndexType());
    ValueRange position = shard::ProcessMultiIndexOp::create(
                              rewriter, loc, indexTypes, op.getGrid(), axes)
                              .getResults();
    Value linear =
        position.empty()
            ? arith::ConstantIndexOp::create(rewriter, loc, 0).getResult()
            : position.front();
    if (position.size() > 1) {
      SmallVector<OpFoldResult> basis;
      for (shard::GridAxis gridAxis : axes)
        basis.push_back(rewriter.getIndexAttr(grid.getShape()[gridAxis]));
      linear = affine::AffineLinearizeIndexOp::create(rewriter, loc, position,
                                                      basis);
    }
    Value offset =
        arith::MulIOp::create(rewriter, loc, linear,
                              arith::ConstantIndexOp::create(
                                  rewriter, loc, inputType.getDimSize(axis)));

    // The shard as integers, placed in zeros.
    auto intType = rewriter.getIntegerType(width);
    auto intResult = RankedTensorType::get(resultType.getShape(), intType);
    Value bits = op.getInput();
    if (!isa<IntegerType>(element))
      bits = bitcastElements(rewriter, loc, bits, intType);
    Value zero = arith::ConstantIntOp::create(rewriter, loc, intType, 0);
    Value zeros = linalg::FillOp::create(
                      rewriter, loc, zero,
                      ValueRange{tensor::EmptyOp::create(
                          rewriter, loc, resultType.getShape(), intType)})
                      .getResult(0);
    int64_t rank = inputType.getRank();
    SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
    offsets[axis] = offset;
    SmallVector<OpFoldResult> sizes, strides(rank, rewriter.getIndexAttr(1));
    for (int64_t size : inputType.getShape())
      sizes.push_back(rewriter.getIndexAttr(size));
    Value placed = tensor::InsertSliceOp::create(rewriter, loc, bits, zeros,
                                                 offsets, sizes, strides);
    Value summed = shard::AllReduceOp::create(
        rewriter, loc, intResult, op.getGridAttr(), op.getGridAxesAttr(),
        placed,
        shard::ReductionKindAttr::get(rewriter.getContext(),
                                      shard::ReductionKind::Sum));
    if (!isa<IntegerType>(element))
      summed = bitcastElements(rewriter, loc, summed, element);
    rewriter.replaceOp(op, summed);
    return success();
  }
};

struct FP8PrepareShardForMPIPass
    : public fp8::impl::FP8PrepareShardForMPIBase<FP8PrepareShardForMPIPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    StringRef implementation = "MPICH";
    if (mpi == "openmpi") {
      // MLIR 22's lowering of the mpi dialect names OpenMPI's reduction ops
      // ompi_mpi_<op> (the library exports ompi_mpi_op_<op>) and, with those
      // renamed, still crashes in MPI_Allreduce against Debian's OpenMPI
      // 4.1: refuse rather than build a program that cannot run.
      module.emitError() << "fp8-prepare-shard-for-mpi: MLIR 22 cannot "
                            "lower MPI calls for OpenMPI (wrong handles for "
                            "OpenMPI 4); use mpi=mpich";
      return signalPassFailure();
    }
    if (mpi != "mpich") {
      module.emitError() << "fp8-prepare-shard-for-mpi: unknown MPI "
                            "implementation '"
                         << mpi << "'; expected mpich";
      return signalPassFailure();
    }

    bool failedGather = false;
    RewritePatternSet patterns(&getContext());
    populateFP8AllGatherToAllReducePatterns(patterns);
    // Pattern failures on all-gathers have been reported by the pattern.
    walkAndApplyPatterns(module, std::move(patterns));
    module.walk([&](shard::AllGatherOp) { failedGather = true; });
    if (failedGather)
      return signalPassFailure();

    bool hasCollectives = false;
    module.walk([&](Operation *op) {
      if (isa<shard::ShardDialect>(op->getDialect()) && !isa<shard::GridOp>(op))
        hasCollectives = true;
    });
    if (!hasCollectives)
      return;

    // The implementation whose ABI (handles, datatypes) the LLVM lowering
    // of the mpi dialect uses.
    std::string text =
        ("#dlti.map<\"MPI:Implementation\" = \"" + implementation + "\">")
            .str();
    module->setAttr("dlti.map", parseAttribute(text, &getContext()));

    // MPI_Init at the start of @main, MPI_Finalize before each return.
    auto main = module.lookupSymbol<func::FuncOp>("main");
    if (!main || main.isExternal())
      return;
    bool hasInit = false;
    main.walk([&](mpi::InitOp) { hasInit = true; });
    if (hasInit)
      return;
    OpBuilder builder(main.getBody());
    mpi::InitOp::create(builder, main.getLoc(), Type());
    main.walk([&](func::ReturnOp ret) {
      builder.setInsertionPoint(ret);
      mpi::FinalizeOp::create(builder, ret.getLoc(), Type());
    });
  }
};
} // namespace

void fp8::populateFP8AllGatherToAllReducePatterns(RewritePatternSet &patterns) {
  patterns.add<AllGatherToAllReduce>(patterns.getContext());
}
