//===- SoftFP8.cpp - Software 8-bit float conversions ---------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Upstream MLIR 22 cannot lower arith.truncf/extf with an 8-bit float side to
// LLVM on the CPU. These patterns expand them into integer arithmetic on the
// bit patterns (round to nearest even, the inf/NaN/-0 rules of each type),
// elementwise, so they vectorize like any other integer code.
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/SoftFP8/SoftFP8.h"
#include "fp8/Support/Float8Format.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"
#include "llvm/ADT/APFloat.h"

#include <cmath>

namespace mlir {
namespace fp8 {
#define GEN_PASS_DEF_FP8SOFTCONVERSIONS
#include "fp8/Conversion/Passes.h.inc"
} // namespace fp8
} // namespace mlir

using namespace mlir;
using namespace mlir::fp8;

/// Returns `elementType` in the shape of `like` (scalar or vector).
static Type withShapeOf(Type like, Type elementType) {
  if (auto shapedType = dyn_cast<ShapedType>(like))
    return shapedType.clone(elementType);
  return elementType;
}

namespace {
/// Emits integer/float arithmetic on scalars or vectors of one shape.
class Emitter {
public:
  Emitter(RewriterBase &rewriter, Location loc, Type shapeLike)
      : b(rewriter), loc(loc), shapeLike(shapeLike) {}

  Type type(Type elementType) const {
    return withShapeOf(shapeLike, elementType);
  }
  Type intType(unsigned width) const {
    return type(b.getIntegerType(width));
  }
  Value constInt(unsigned width, uint64_t value) {
    Type element = b.getIntegerType(width);
    TypedAttr attr = b.getIntegerAttr(element, APInt(width, value));
    if (auto shapedType = dyn_cast<ShapedType>(type(element)))
      attr = SplatElementsAttr::get(shapedType, attr);
    return arith::ConstantOp::create(b, loc, attr);
  }
  Value constLike(Value like, uint64_t value) {
    return constInt(getElementTypeOrSelf(like.getType()).getIntOrFloatBitWidth(),
                    value);
  }
  Value constF32(float value) {
    Type element = b.getF32Type();
    TypedAttr attr = b.getF32FloatAttr(value);
    if (auto shapedType = dyn_cast<ShapedType>(type(element)))
      attr = SplatElementsAttr::get(shapedType, attr);
    return arith::ConstantOp::create(b, loc, attr);
  }

  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value andI(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
  Value orI(Value x, Value y) { return arith::OrIOp::create(b, loc, x, y); }
  Value shl(Value x, Value y) { return arith::ShLIOp::create(b, loc, x, y); }
  Value lshr(Value x, Value y) { return arith::ShRUIOp::create(b, loc, x, y); }
  Value minU(Value x, Value y) { return arith::MinUIOp::create(b, loc, x, y); }
  Value cmp(arith::CmpIPredicate pred, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, pred, x, y);
  }
  Value select(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, loc, c, x, y);
  }
  Value bitcast(Type elementType, Value x) {
    return arith::BitcastOp::create(b, loc, type(elementType), x);
  }
  Value trunc(unsigned width, Value x) {
    return arith::TruncIOp::create(b, loc, intType(width), x);
  }
  Value zext(unsigned width, Value x) {
    return arith::ExtUIOp::create(b, loc, intType(width), x);
  }

  /// (x + 2^(s-1) - 1 + ((x >> s) & 1)) >> s: x / 2^s rounded to nearest
  /// even. `s` must be >= 1.
  Value roundShiftRightEven(Value x, Value s) {
    Value one = constLike(x, 1);
    Value halfMinusOne = sub(shl(one, sub(s, one)), one);
    Value lsb = andI(lshr(x, s), one);
    return lshr(add(add(x, halfMinusOne), lsb), s);
  }

  RewriterBase &b;
  Location loc;
  Type shapeLike;
};
} // namespace

/// Encodes a wide IEEE float `input` (f32 or f64) as an 8-bit float `target`
/// with round to nearest even; returns the i8 bits. Wide-source subnormals
/// all round to zero, which holds for every 8-bit format.
static Value encodeFloat8(Emitter &e, Value input, FloatType target,
                          bool saturate) {
  Float8Format f = getFloat8Format(target);
  auto srcType = cast<FloatType>(getElementTypeOrSelf(input.getType()));
  unsigned w = srcType.getWidth();
  unsigned sm = srcType.getFPMantissaWidth() - 1;
  int64_t srcBias = (int64_t(1) << (w - sm - 2)) - 1;
  unsigned m = f.mantissaBits;
  int64_t emin = f.minNormalExponent();
  using P = arith::CmpIPredicate;

  Value bits = e.bitcast(e.b.getIntegerType(w), input);
  Value sign = e.lshr(bits, e.constInt(w, w - 1));
  Value abs = e.andI(bits, e.constInt(w, (uint64_t(1) << (w - 1)) - 1));
  uint64_t srcInf = ((uint64_t(1) << (w - sm - 1)) - 1) << sm;
  Value isNaN = e.cmp(P::ugt, abs, e.constInt(w, srcInf));
  Value expField = e.lshr(abs, e.constInt(w, sm));
  Value mantissa = e.andI(abs, e.constInt(w, (uint64_t(1) << sm) - 1));

  // Normal target range: rebias the exponent in place and round off the
  // extra mantissa bits (a carry correctly bumps the exponent).
  Value rebased = e.sub(abs, e.constInt(w, uint64_t(srcBias - f.bias) << sm));
  Value normal = e.roundShiftRightEven(rebased, e.constInt(w, sm - m));
  // Subnormal target range: shift the full significand by the exponent
  // deficit (clamped; anything shifted by more than sm + 1 rounds to 0).
  Value significand = e.orI(mantissa, e.constInt(w, uint64_t(1) << sm));
  // shift = sm - m + (emin - e) = sm - m + emin + srcBias - expField, >= 1
  // whenever the subnormal branch is taken.
  Value shift = e.sub(e.constInt(w, uint64_t(int64_t(sm - m) + emin + srcBias)),
                      expField);
  shift = e.minU(shift, e.constInt(w, sm + 2));
  Value subnormal = e.roundShiftRightEven(significand, shift);
  // expField >= emin + srcBias <=> value is in the normal range of target.
  Value isNormal =
      e.cmp(P::uge, expField, e.constInt(w, uint64_t(emin + srcBias)));
  Value magnitude = e.select(isNormal, normal, subnormal);

  Value overflow = e.cmp(P::ugt, magnitude, e.constInt(w, f.maxFiniteBits));
  Value magnitude8 = e.trunc(8, magnitude);
  Value sign8 = e.shl(e.trunc(8, sign), e.constInt(8, 7));

  // Finite result (or saturated/inf on overflow).
  uint8_t overflowBits = saturate   ? f.maxFiniteBits
                         : f.hasInf ? f.infBits
                                    : f.nanBits;
  Value finite =
      e.select(overflow, e.constInt(8, overflowBits), magnitude8);
  Value result = e.orI(sign8, finite);
  if (f.negativeZeroIsNaN) {
    // No -0: a zero magnitude is +0. Overflow without saturation is the one
    // NaN (0x80), whatever the sign.
    Value isZero = e.cmp(P::eq, finite, e.constInt(8, 0));
    result = e.select(isZero, e.constInt(8, 0), result);
    if (!saturate && !f.hasInf)
      result = e.select(overflow, e.constInt(8, f.nanBits), result);
  }

  // NaN inputs.
  Value nan;
  if (f.ieeeNaN) {
    // Keep the sign and the top payload bits, and make it quiet.
    Value payload = e.trunc(8, e.lshr(mantissa, e.constInt(w, sm - m)));
    uint8_t quietExp = uint8_t(((1u << f.exponentBits) - 1) << m) |
                       uint8_t(1u << (m - 1));
    nan = e.orI(e.orI(sign8, payload), e.constInt(8, quietExp));
  } else if (f.negativeZeroIsNaN) {
    nan = e.constInt(8, f.nanBits);
  } else {
    nan = e.orI(sign8, e.constInt(8, f.nanBits));
  }
  return e.select(isNaN, nan, result);
}

/// Decodes the i8 bits of an 8-bit float `source` to f32, exactly.
static Value decodeFloat8(Emitter &e, Value bits8, FloatType source) {
  Float8Format f = getFloat8Format(source);
  unsigned m = f.mantissaBits;
  using P = arith::CmpIPredicate;
  Value c = e.zext(32, bits8);
  Value sign = e.shl(e.lshr(c, e.constInt(32, 7)), e.constInt(32, 31));
  Value mag = e.andI(c, e.constInt(32, 0x7f));
  Value expField = e.lshr(mag, e.constInt(32, m));
  Value mantissa = e.andI(mag, e.constInt(32, (1u << m) - 1));

  // Normal: rebias the exponent, widen the mantissa.
  Value normal = e.orI(
      e.shl(e.add(expField, e.constInt(32, uint32_t(127 - f.bias))),
            e.constInt(32, 23)),
      e.shl(mantissa, e.constInt(32, 23 - m)));
  // Subnormal: mantissa * 2^(1 - bias - m), exact in f32.
  Value mantissaF = arith::UIToFPOp::create(e.b, e.loc, e.type(e.b.getF32Type()),
                                            mantissa);
  Value subnormalF = arith::MulFOp::create(
      e.b, e.loc, mantissaF,
      e.constF32(std::ldexp(1.0f, 1 - f.bias - int(m))));
  Value subnormal = e.bitcast(e.b.getI32Type(), subnormalF);
  Value isSubnormal = e.cmp(P::eq, expField, e.constInt(32, 0));
  Value result = e.orI(sign, e.select(isSubnormal, subnormal, normal));

  uint32_t expAllOnes = (1u << f.exponentBits) - 1;
  if (f.ieeeNaN) {
    Value isSpecial = e.cmp(P::eq, expField, e.constInt(32, expAllOnes));
    // Infinity, or a NaN keeping sign and payload, made quiet.
    Value special = e.orI(
        e.orI(sign, e.constInt(32, 0x7f800000)),
        e.shl(mantissa, e.constInt(32, 23 - m)));
    Value isNaN = e.cmp(P::ne, mantissa, e.constInt(32, 0));
    special = e.select(isNaN, e.orI(special, e.constInt(32, 0x00400000)),
                       special);
    result = e.select(isSpecial, special, result);
    return e.bitcast(e.b.getF32Type(), result);
  }
  // A single NaN pattern per sign (or just 0x80): its f32 bits come from
  // APFloat's own conversion, so payload and sign conventions agree.
  auto nanToF32 = [&](uint8_t code) -> uint32_t {
    llvm::APFloat value(source.getFloatSemantics(), llvm::APInt(8, code));
    bool losesInfo;
    value.convert(llvm::APFloat::IEEEsingle(),
                  llvm::APFloat::rmNearestTiesToEven, &losesInfo);
    return static_cast<uint32_t>(value.bitcastToAPInt().getZExtValue());
  };
  if (f.negativeZeroIsNaN) {
    Value isNaN = e.cmp(P::eq, c, e.constInt(32, 0x80));
    result = e.select(isNaN, e.constInt(32, nanToF32(0x80)), result);
  } else {
    Value isNaN = e.cmp(P::eq, mag, e.constInt(32, f.nanBits));
    Value isNegative = e.cmp(P::ne, sign, e.constInt(32, 0));
    Value nan = e.select(isNegative, e.constInt(32, nanToF32(f.nanBits | 0x80)),
                         e.constInt(32, nanToF32(f.nanBits)));
    result = e.select(isNaN, nan, result);
  }
  return e.bitcast(e.b.getF32Type(), result);
}

namespace {
struct TruncFToFloat8 : public OpRewritePattern<arith::TruncFOp> {
  TruncFToFloat8(MLIRContext *ctx, const SoftFP8Options &options)
      : OpRewritePattern<arith::TruncFOp>(ctx), options(options) {}

  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &rewriter) const override {
    auto target = dyn_cast<FloatType>(getElementTypeOrSelf(op.getType()));
    if (!target || !isFloat8Type(target))
      return rewriter.notifyMatchFailure(op, "result is not an 8-bit float");
    if (op.getRoundingmodeAttr() &&
        op.getRoundingmode() != arith::RoundingMode::to_nearest_even)
      return rewriter.notifyMatchFailure(
          op, "only round-to-nearest-even is supported");
    Emitter e(rewriter, op.getLoc(), op.getType());
    Value input = op.getIn();
    Type sourceElement = getElementTypeOrSelf(input.getType());
    // f16 and bf16 widen exactly to f32 first (f16 subnormals are f32
    // normals, which the encoder needs).
    if (isa<Float16Type, BFloat16Type>(sourceElement))
      input = arith::ExtFOp::create(rewriter, op.getLoc(),
                                    e.type(rewriter.getF32Type()), input);
    else if (!isa<Float32Type, Float64Type>(sourceElement))
      return rewriter.notifyMatchFailure(op, "unsupported source type");
    Value bits = encodeFloat8(e, input, target, options.saturate);
    rewriter.replaceOpWithNewOp<arith::BitcastOp>(op, op.getType(), bits);
    return success();
  }

  SoftFP8Options options;
};

struct ExtFFromFloat8 : public OpRewritePattern<arith::ExtFOp> {
  using OpRewritePattern<arith::ExtFOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::ExtFOp op,
                                PatternRewriter &rewriter) const override {
    auto source = dyn_cast<FloatType>(getElementTypeOrSelf(op.getIn().getType()));
    if (!source || !isFloat8Type(source))
      return rewriter.notifyMatchFailure(op, "source is not an 8-bit float");
    Emitter e(rewriter, op.getLoc(), op.getType());
    Value bits = e.bitcast(rewriter.getI8Type(), op.getIn());
    Value f32 = decodeFloat8(e, bits, source);
    Type resultElement = getElementTypeOrSelf(op.getType());
    // Every 8-bit float value is exact in f16, bf16, f32 and f64; for bf16
    // that makes the conversion a plain truncation of the f32 bits.
    if (isa<BFloat16Type>(resultElement)) {
      Value bits32 = e.bitcast(rewriter.getI32Type(), f32);
      Value high = e.trunc(16, e.lshr(bits32, e.constInt(32, 16)));
      f32 = e.bitcast(resultElement, high);
    } else if (resultElement.getIntOrFloatBitWidth() < 32)
      f32 = arith::TruncFOp::create(rewriter, op.getLoc(), op.getType(), f32);
    else if (resultElement.getIntOrFloatBitWidth() > 32)
      f32 = arith::ExtFOp::create(rewriter, op.getLoc(), op.getType(), f32);
    rewriter.replaceOp(op, f32);
    return success();
  }
};

/// f32 -> bf16 with round to nearest even: LLVM lowers it to a libcall
/// (__truncsfbf2) that older libgcc versions lack, so expand it too.
struct TruncFToBFloat16 : public OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern<arith::TruncFOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &rewriter) const override {
    if (!isa<BFloat16Type>(getElementTypeOrSelf(op.getType())) ||
        !isa<Float32Type>(getElementTypeOrSelf(op.getIn().getType())))
      return rewriter.notifyMatchFailure(op, "not an f32 -> bf16 truncation");
    if (op.getRoundingmodeAttr() &&
        op.getRoundingmode() != arith::RoundingMode::to_nearest_even)
      return rewriter.notifyMatchFailure(
          op, "only round-to-nearest-even is supported");
    using P = arith::CmpIPredicate;
    Emitter e(rewriter, op.getLoc(), op.getType());
    Value bits = e.bitcast(rewriter.getI32Type(), op.getIn());
    Value abs = e.andI(bits, e.constInt(32, 0x7fffffff));
    Value isNaN = e.cmp(P::ugt, abs, e.constInt(32, 0x7f800000));
    // A carry out of the mantissa bumps the exponent (up to inf): correct.
    Value rounded = e.roundShiftRightEven(bits, e.constInt(32, 16));
    // NaN keeps sign and top payload bits and becomes quiet (as APFloat).
    Value nan =
        e.orI(e.lshr(bits, e.constInt(32, 16)), e.constInt(32, 0x0040));
    Value result = e.trunc(16, e.select(isNaN, nan, rounded));
    rewriter.replaceOpWithNewOp<arith::BitcastOp>(op, op.getType(), result);
    return success();
  }
};

struct Float8Constant : public OpRewritePattern<arith::ConstantOp> {
  using OpRewritePattern<arith::ConstantOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::ConstantOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    auto element = dyn_cast<FloatType>(getElementTypeOrSelf(type));
    if (!element || !isFloat8Type(element) ||
        !(isa<FloatType>(type) || isa<VectorType>(type)))
      return rewriter.notifyMatchFailure(op, "not an 8-bit float constant");
    Type i8 = rewriter.getI8Type();
    TypedAttr bits;
    if (auto floatAttr = dyn_cast<FloatAttr>(op.getValue()))
      bits = rewriter.getIntegerAttr(i8, floatAttr.getValue().bitcastToAPInt());
    else if (auto dense = dyn_cast<DenseFPElementsAttr>(op.getValue()))
      bits = dense.bitcast(i8);
    else
      return rewriter.notifyMatchFailure(op, "unsupported constant attribute");
    Value intConst = arith::ConstantOp::create(rewriter, op.getLoc(), bits);
    rewriter.replaceOpWithNewOp<arith::BitcastOp>(op, type, intConst);
    return success();
  }
};

struct FP8SoftConversionsPass
    : public fp8::impl::FP8SoftConversionsBase<FP8SoftConversionsPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    SoftFP8Options options;
    options.saturate = saturate;
    options.expandBF16 = expandBF16;
    populateSoftFP8ConversionPatterns(patterns, options);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
    // Anything left (an unsupported source type or rounding mode) would not
    // lower to LLVM; report it here, where it is still recognizable.
    WalkResult result = getOperation()->walk([](Operation *op) {
      if (!isa<arith::TruncFOp, arith::ExtFOp>(op))
        return WalkResult::advance();
      for (Type type : llvm::concat<Type>(op->getOperandTypes(),
                                          op->getResultTypes()))
        if (isFloat8Type(getElementTypeOrSelf(type))) {
          op->emitError() << "cannot expand this 8-bit float conversion in "
                             "software (supported: from f64/f32/f16/bf16 "
                             "with round-to-nearest-even, to any float)";
          return WalkResult::interrupt();
        }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace

void fp8::populateSoftFP8ConversionPatterns(RewritePatternSet &patterns,
                                            const SoftFP8Options &options) {
  patterns.add<TruncFToFloat8>(patterns.getContext(), options);
  patterns.add<ExtFFromFloat8, Float8Constant>(patterns.getContext());
  if (options.expandBF16)
    patterns.add<TruncFToBFloat16>(patterns.getContext());
}
