//===- GemmCommon.cpp - what every GEMM kernel shares ---------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Scale loads and the scaled store of C = T(acc * (1/sa) * (1/sb)) that
// the MFMA, mma.sync and wgmma kernels share.
//
//===----------------------------------------------------------------------===//

#include "FP8ToGPUInternals.h"

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

namespace mlir::fp8::detail {

/// Loads the scale for output (row, col): rank 0, or [b..., M|1, 1] for the
/// lhs, [b..., 1, N|1] for the rhs.
Value loadScale(OpBuilder &b, Location loc, Value scale,
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
void storeScaled(OpBuilder &b, Location l, Value acc, Value sa, Value sb,
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

} // namespace mlir::fp8::detail
