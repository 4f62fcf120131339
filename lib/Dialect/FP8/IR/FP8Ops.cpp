//===- FP8Ops.cpp - fp8 dialect operations --------------------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/IR/FP8Ops.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::fp8;

//===----------------------------------------------------------------------===//
// custom<Granularity>: `tensorwise` | `axiswise` `(` axis `)`
//===----------------------------------------------------------------------===//

static ParseResult parseGranularity(OpAsmParser &parser,
                                    ScalingGranularityAttr &granularity,
                                    IntegerAttr &axis) {
  FailureOr<ScalingGranularity> value = parseScalingGranularityKeyword(parser);
  if (failed(value))
    return failure();
  granularity = ScalingGranularityAttr::get(parser.getContext(), *value);
  if (*value == ScalingGranularity::Tensorwise)
    return success();
  int64_t axisValue;
  if (parser.parseLParen() || parser.parseInteger(axisValue) ||
      parser.parseRParen())
    return failure();
  axis = parser.getBuilder().getI64IntegerAttr(axisValue);
  return success();
}

static void printGranularity(OpAsmPrinter &printer, Operation *,
                             ScalingGranularityAttr granularity,
                             IntegerAttr axis) {
  printer << stringifyScalingGranularity(granularity.getValue());
  if (axis)
    printer << "(" << axis.getInt() << ")";
}

//===----------------------------------------------------------------------===//
// AmaxOp
//===----------------------------------------------------------------------===//

RankedTensorType AmaxOp::inferResultType(RankedTensorType inputType,
                                         ScalingGranularity granularity,
                                         std::optional<int64_t> axis,
                                         int64_t batchDims) {
  Type f32 = Float32Type::get(inputType.getContext());
  if (granularity == ScalingGranularity::Tensorwise && batchDims == 0)
    return RankedTensorType::get({}, f32);
  SmallVector<int64_t> shape(inputType.getShape());
  for (int64_t dim = batchDims, rank = shape.size(); dim < rank; ++dim)
    if (granularity == ScalingGranularity::Tensorwise || dim == *axis)
      shape[dim] = 1;
  return RankedTensorType::get(shape, f32);
}

SmallVector<int64_t> AmaxOp::getReductionDims() {
  SmallVector<int64_t> dims;
  if (getGranularity() == ScalingGranularity::Axiswise) {
    dims.push_back(*getAxis());
    return dims;
  }
  for (int64_t dim = getBatchDims(), rank = getInput().getType().getRank();
       dim < rank; ++dim)
    dims.push_back(dim);
  return dims;
}

LogicalResult AmaxOp::verify() {
  RankedTensorType inputType = getInput().getType();
  int64_t rank = inputType.getRank();
  int64_t batchDims = getBatchDims();
  if (batchDims >= rank && !(batchDims == 0 && rank == 0))
    return emitOpError() << "batch(" << batchDims
                         << ") leaves no dimension to reduce in a rank-"
                         << rank << " input";
  bool axiswise = getGranularity() == ScalingGranularity::Axiswise;
  if (axiswise) {
    if (!getAxis())
      return emitOpError("axiswise amax requires an axis");
    int64_t axis = *getAxis();
    if (axis < batchDims || axis >= rank)
      return emitOpError() << "axis " << axis
                           << " is out of range for a rank-" << rank
                           << " input with " << batchDims
                           << " batch dimension(s)";
  } else if (getAxis()) {
    return emitOpError("tensorwise amax takes no axis");
  }
  RankedTensorType expected =
      inferResultType(inputType, getGranularity(), getAxis(), batchDims);
  if (expected != getResult().getType())
    return emitOpError() << "result type " << getResult().getType()
                         << " does not match the expected " << expected;
  return success();
}

//===----------------------------------------------------------------------===//
// CastOp
//===----------------------------------------------------------------------===//

/// Checks that `scaleType` broadcasts to `shape`: rank 0, or the same rank
/// with each dimension equal to the tensor's or 1.
static LogicalResult verifyScaleBroadcast(Operation *op, StringRef name,
                                          RankedTensorType scaleType,
                                          ArrayRef<int64_t> shape) {
  if (scaleType.getRank() == 0)
    return success();
  if (scaleType.getRank() != static_cast<int64_t>(shape.size()))
    return op->emitOpError()
           << name << " must be rank 0 or have rank " << shape.size()
           << ", got " << scaleType;
  for (auto [dim, size] : llvm::enumerate(scaleType.getShape())) {
    if (size == 1 || ShapedType::isDynamic(size) ||
        ShapedType::isDynamic(shape[dim]) || size == shape[dim])
      continue;
    return op->emitOpError()
           << name << " dimension " << dim << " is " << size
           << ", expected 1 or " << shape[dim];
  }
  return success();
}

LogicalResult CastOp::verify() {
  RankedTensorType inputType = getInput().getType();
  RankedTensorType resultType = getResult().getType();
  if (failed(verifyCompatibleShape(inputType.getShape(),
                                   resultType.getShape())))
    return emitOpError() << "result shape " << resultType
                         << " does not match the input shape " << inputType;
  return verifyScaleBroadcast(*this, "scale", getScale().getType(),
                              inputType.getShape());
}

//===----------------------------------------------------------------------===//
// ScaledMatmulOp
//===----------------------------------------------------------------------===//

static bool compatibleDim(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

/// Checks an operand scale: rank 0, or `[batch...] x rows x cols` where each
/// of rows/cols is 1 or the given size.
static LogicalResult verifyMatmulScale(Operation *op, StringRef name,
                                       RankedTensorType scaleType,
                                       ArrayRef<int64_t> batch, int64_t rows,
                                       int64_t cols) {
  if (scaleType.getRank() == 0)
    return success();
  SmallVector<int64_t> full(batch);
  full.append({rows, cols});
  auto describe = [&](InFlightDiagnostic diag) -> InFlightDiagnostic {
    diag << name << " has type " << scaleType
         << "; expected rank 0 or shape [";
    llvm::interleave(
        full, diag,
        [&](int64_t size) {
          if (size == 1)
            diag << "1";
          else
            diag << (ShapedType::isDynamic(size) ? std::string("?")
                                                 : std::to_string(size))
                 << "|1";
        },
        "x");
    diag << "]";
    return diag;
  };
  if (scaleType.getRank() != static_cast<int64_t>(full.size()))
    return describe(op->emitOpError());
  for (auto [dim, size] : llvm::enumerate(scaleType.getShape())) {
    bool isBatch = dim < batch.size();
    bool ok = isBatch ? compatibleDim(size, full[dim])
                      : (size == 1 || compatibleDim(size, full[dim]));
    if (!ok)
      return describe(op->emitOpError());
  }
  return success();
}

LogicalResult ScaledMatmulOp::verify() {
  RankedTensorType lhsType = getLhs().getType();
  RankedTensorType rhsType = getRhs().getType();
  RankedTensorType resultType = getResult().getType();
  int64_t rank = lhsType.getRank();
  if (rank < 2 || rhsType.getRank() != rank || resultType.getRank() != rank)
    return emitOpError() << "expects lhs, rhs and result of one rank >= 2, got "
                         << lhsType << ", " << rhsType << " and "
                         << resultType;
  ArrayRef<int64_t> lhs = lhsType.getShape(), rhs = rhsType.getShape(),
                    res = resultType.getShape();
  int64_t batchDims = rank - 2;
  for (int64_t dim = 0; dim < batchDims; ++dim)
    if (!compatibleDim(lhs[dim], rhs[dim]) || !compatibleDim(lhs[dim], res[dim]))
      return emitOpError() << "batch dimension " << dim
                           << " differs between operands and result";
  int64_t m = lhs[rank - 2], k = lhs[rank - 1];
  int64_t rhsK = rhs[rank - 2], n = rhs[rank - 1];
  if (!compatibleDim(k, rhsK))
    return emitOpError() << "contraction dimensions differ: lhs has K = " << k
                         << ", rhs has K = " << rhsK;
  if (!compatibleDim(res[rank - 2], m) || !compatibleDim(res[rank - 1], n))
    return emitOpError() << "result type " << resultType
                         << " does not match M = " << m << ", N = " << n;
  ArrayRef<int64_t> batch = lhs.take_front(batchDims);
  if (failed(verifyMatmulScale(*this, "lhs_scale", getLhsScale().getType(),
                               batch, m, 1)) ||
      failed(verifyMatmulScale(*this, "rhs_scale", getRhsScale().getType(),
                               batch, 1, n)))
    return failure();
  return success();
}

#define GET_OP_CLASSES
#include "fp8/Dialect/FP8/IR/FP8Ops.cpp.inc"
