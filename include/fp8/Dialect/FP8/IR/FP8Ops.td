//===- FP8Ops.td - fp8 dialect operations ------------------*- tablegen -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef FP8_DIALECT_FP8_IR_FP8OPS_TD
#define FP8_DIALECT_FP8_IR_FP8OPS_TD

include "fp8/Dialect/FP8/IR/FP8Dialect.td"
include "fp8/Dialect/FP8/IR/FP8Attrs.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def FP8_HighPrecisionFloat : AnyTypeOf<[BF16, F16, F32]>;
def FP8_Float8 : Type<CPred<"::mlir::fp8::isFloat8Type($_self)">,
                      "8-bit float with a mantissa">;

def FP8_HighPrecisionTensor : RankedTensorOf<[BF16, F16, F32]>;
def FP8_Float8Tensor : RankedTensorOf<[FP8_Float8]>;
def FP8_ScaleTensor : RankedTensorOf<[F32]>;

//===----------------------------------------------------------------------===//
// AmaxOp
//===----------------------------------------------------------------------===//

def FP8_AmaxOp : FP8_Op<"amax", [Pure]> {
  let summary = "maximum absolute value, per tensor or along an axis";
  let description = [{
    Computes `max(|x|)` exactly in the source type (NaN propagates) and
    returns it as f32. `tensorwise` reduces every non-batch dimension;
    `axiswise(d)` reduces dimension `d` only. Reduced dimensions are kept as
    size 1, except that an unbatched tensorwise amax is a rank-0 tensor.
    `batch(n)` marks the `n` leading dimensions as batch dimensions, which are
    never reduced.

    ```mlir
    %0 = fp8.amax %x tensorwise : tensor<16x32xbf16> -> tensor<f32>
    %1 = fp8.amax %x axiswise(1) : tensor<16x32xbf16> -> tensor<16x1xf32>
    %2 = fp8.amax %y tensorwise batch(1) : tensor<4x16x32xf16> -> tensor<4x1x1xf32>
    ```
  }];
  let arguments = (ins
    FP8_HighPrecisionTensor:$input,
    FP8_ScalingGranularityAttr:$granularity,
    OptionalAttr<ConfinedAttr<I64Attr, [IntNonNegative]>>:$axis,
    DefaultValuedAttr<ConfinedAttr<I64Attr, [IntNonNegative]>, "0">:$batch_dims
  );
  let results = (outs FP8_ScaleTensor:$result);
  let assemblyFormat = [{
    $input custom<Granularity>($granularity, $axis)
    (`batch` `(` $batch_dims^ `)`)? attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Dimensions of the input that this amax reduces.
    SmallVector<int64_t> getReductionDims();
    /// The result type of an amax over `inputType`.
    static RankedTensorType inferResultType(RankedTensorType inputType,
                                            ScalingGranularity granularity,
                                            std::optional<int64_t> axis,
                                            int64_t batchDims);
  }];
}

//===----------------------------------------------------------------------===//
// AmaxToScaleOp
//===----------------------------------------------------------------------===//

def FP8_AmaxToScaleOp : FP8_Op<"amax_to_scale",
    [Pure, SameOperandsAndResultType]> {
  let summary = "float8 scale from an amax";
  let description = [{
    `scale = f32(f64(max(dtype)) / max(f64(amax), 1e-12))`, elementwise, the
    division done in f64 as torchao does. With `round_to_power_of_2`, the
    scale is then rounded down to a power of two: `exp2(floor(log2(scale)))`.

    ```mlir
    %s = fp8.amax_to_scale %amax {round_to_power_of_2} : tensor<16x1xf32> for f8E4M3FN
    ```
  }];
  let arguments = (ins
    FP8_ScaleTensor:$amax,
    TypeAttrOf<FP8_Float8>:$dtype,
    UnitAttr:$round_to_power_of_2
  );
  let results = (outs FP8_ScaleTensor:$result);
  let assemblyFormat = [{
    $amax attr-dict `:` type($amax) `for` $dtype
  }];
}

//===----------------------------------------------------------------------===//
// CastOp
//===----------------------------------------------------------------------===//

def FP8_CastOp : FP8_Op<"cast", [Pure]> {
  let summary = "scale, saturate and round a tensor to float8";
  let description = [{
    `q = RNE_T(clamp(f32(x) * scale, -max(T), max(T)))` with `T` the result
    element type. NaN stays NaN (0x80 for the fnuz types, whose -0 becomes +0).
    The scale is a rank-0 tensor or has the input's rank with each dimension
    equal to the input's or 1 (broadcast).

    ```mlir
    %q = fp8.cast %x, %s : tensor<16x32xbf16>, tensor<16x1xf32> -> tensor<16x32xf8E4M3FN>
    ```
  }];
  let arguments = (ins FP8_HighPrecisionTensor:$input, FP8_ScaleTensor:$scale);
  let results = (outs FP8_Float8Tensor:$result);
  let assemblyFormat = [{
    $input `,` $scale attr-dict `:` type($input) `,` type($scale) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// ScaledMatmulOp
//===----------------------------------------------------------------------===//

def FP8_ScaledMatmulOp : FP8_Op<"scaled_matmul", [Pure]> {
  let summary = "float8 matmul with scales applied to the f32 accumulator";
  let description = [{
    `C = T(acc * (1/lhs_scale) * (1/rhs_scale))` with `acc = sum_k f32(A) *
    f32(B)` accumulated in f32 and `T` the result element type (the original
    matmul's). `A` is `[batch x] M x K`, `B` is `[batch x] K x N`. Scales are
    rank-0 (tensorwise), or keep-dim `[B x] M x 1` for `A` and `[B x] 1 x N`
    for `B` (axiswise), or `[B x] 1 x 1` (tensorwise per batch).
    `gemm` carries the `#fp8.gemm` config (fast accumulation) for hardware
    lowerings; with `emulate`, `C = T(matmul_f32(f32(A)/sa, f32(B)/sb))`.

    ```mlir
    %c = fp8.scaled_matmul %a, %b scales(%sa, %sb) {gemm = #fp8.gemm<fast_accum = true>}
        : tensor<16x32xf8E4M3FN>, tensor<32x64xf8E4M3FN>, tensor<f32>, tensor<f32>
          -> tensor<16x64xbf16>
    ```
  }];
  let arguments = (ins
    FP8_Float8Tensor:$lhs,
    FP8_Float8Tensor:$rhs,
    FP8_ScaleTensor:$lhs_scale,
    FP8_ScaleTensor:$rhs_scale,
    OptionalAttr<FP8_GemmConfigAttr>:$gemm,
    UnitAttr:$emulate
  );
  let results = (outs FP8_HighPrecisionTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs `scales` `(` $lhs_scale `,` $rhs_scale `)` attr-dict `:`
    type($lhs) `,` type($rhs) `,` type($lhs_scale) `,` type($rhs_scale)
    `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Whether the gemm may accumulate in reduced precision.
    bool useFastAccum() { return getGemm() && getGemm()->getFastAccum(); }
    /// Number of leading batch dimensions (0 for a plain matmul).
    int64_t getNumBatchDims() { return getLhs().getType().getRank() - 2; }
  }];
}

#endif // FP8_DIALECT_FP8_IR_FP8OPS_TD
