//===- FP8Attrs.td - fp8 dialect attributes ----------------*- tablegen -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// torchao's float8 configuration (torchao/float8/config.py) as attributes.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_DIALECT_FP8_IR_FP8ATTRS_TD
#define FP8_DIALECT_FP8_IR_FP8ATTRS_TD

include "fp8/Dialect/FP8/IR/FP8Enums.td"
include "mlir/IR/AttrTypeBase.td"

class FP8_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<FP8_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

// Enum parameters accepting torchao's `short_str` spellings as well.
def FP8_ScalingTypeParameter : EnumParameter<FP8_ScalingType> {
  let parser = "::mlir::fp8::parseScalingTypeKeyword($_parser)";
  let defaultValue = "::mlir::fp8::ScalingType::Dynamic";
}
def FP8_ScalingGranularityParameter : EnumParameter<FP8_ScalingGranularity> {
  let parser = "::mlir::fp8::parseScalingGranularityKeyword($_parser)";
  let defaultValue = "::mlir::fp8::ScalingGranularity::Tensorwise";
}
def FP8_DTypeParameter
    : AttrParameter<"::mlir::fp8::DTypeSpec", "target float8 element type"> {
  let parser = "::mlir::fp8::parseDTypeSpec($_parser)";
  let printer = "::mlir::fp8::printDTypeSpec($_printer, $_self)";
  let defaultValue = "::mlir::fp8::DTypeSpec()";
}

//===----------------------------------------------------------------------===//
// CastConfigAttr
//===----------------------------------------------------------------------===//

def FP8_CastConfigAttr : FP8_Attr<"CastConfig", "cast"> {
  let summary = "how one tensor is cast to float8 (torchao CastConfig)";
  let description = [{
    `scaling` is `dynamic` (default) or `disabled` (the tensor stays in high
    precision); `granularity` is `tensorwise` (default, one scale) or
    `axiswise` (one scale per row/column, reduced over the contraction
    dimension). `dtype` is an explicit 8-bit float type, `e4m3`/`e5m2` for the
    type of the active type configuration (torchao's module-level
    `e4m3_dtype`/`e5m2_dtype`), or unset for the operand's default.

    ```mlir
    #fp8.cast<>
    #fp8.cast<scaling = disabled>
    #fp8.cast<granularity = axiswise, dtype = f8E4M3FN>
    #fp8.cast<scaling = dyn, granularity = axs, dtype = e4m3>
    ```
  }];
  let parameters = (ins
    FP8_ScalingTypeParameter:$scaling,
    FP8_ScalingGranularityParameter:$granularity,
    FP8_DTypeParameter:$dtype
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let builders = [
    AttrBuilder<(ins
        CArg<"ScalingType", "ScalingType::Dynamic">:$scaling,
        CArg<"ScalingGranularity", "ScalingGranularity::Tensorwise">:$granularity,
        CArg<"DTypeSpec", "DTypeSpec()">:$dtype), [{
      return $_get($_ctxt, scaling, granularity, dtype);
    }]>
  ];
  let skipDefaultBuilders = 1;
  let extraClassDeclaration = [{
    bool isDisabled() const { return getScaling() == ScalingType::Disabled; }
    bool isAxiswise() const {
      return getGranularity() == ScalingGranularity::Axiswise;
    }
    /// Returns this config with `dtype` replaced by the concrete type it
    /// denotes under `typeConfig`; an unset dtype becomes `fallback`'s type.
    CastConfigAttr resolve(TypeConfig typeConfig, DTypeSpec fallback) const;
    /// torchao's `CastConfig.short_str()`, e.g. `dyn_axs_e4m3`.
    std::string shortStr() const;
  }];
}

//===----------------------------------------------------------------------===//
// GemmConfigAttr
//===----------------------------------------------------------------------===//

def FP8_GemmConfigAttr : FP8_Attr<"GemmConfig", "gemm"> {
  let summary = "configuration of one float8 gemm (torchao Float8GemmConfig)";
  let description = [{
    `fast_accum = true` lets the hardware accumulate in its reduced-precision
    fp8 MMA accumulator; `false` (default) promotes partial sums to full f32.
    A no-op under emulation.

    ```mlir
    #fp8.gemm<fast_accum = true>
    ```
  }];
  let parameters = (ins DefaultValuedParameter<"bool", "false">:$fast_accum);
  let assemblyFormat = "`<` struct(params) `>`";
}

//===----------------------------------------------------------------------===//
// LinearConfigAttr
//===----------------------------------------------------------------------===//

def FP8_LinearConfigAttr : FP8_Attr<"LinearConfig", "linear"> {
  let summary = "float8 configuration of a linear layer (Float8LinearConfig)";
  let description = [{
    All fields of torchao's `Float8LinearConfig`, with identical defaults.
    `recipe = tensorwise|rowwise|rowwise_with_gw_hp` expands exactly like
    `Float8LinearConfig.from_recipe_name`; it must come first and may be
    followed by overrides. Fields equal to their default are not printed, and
    a config equal to a recipe (plus overrides) prints in its shortest form.

    ```mlir
    #fp8.linear<recipe = rowwise>
    #fp8.linear<recipe = rowwise, pad_inner_dim = true>
    #fp8.linear<input = #fp8.cast<granularity = axiswise>,
                weight = #fp8.cast<granularity = axiswise>,
                output_gemm = #fp8.gemm<fast_accum = false>, emulate = true>
    ```

    The verifier applies torchao's `__post_init__` rules, with the seed's
    operand-precision check fixed to compare the two operands of each gemm.
  }];
  let parameters = (ins
    "CastConfigAttr":$input,
    "CastConfigAttr":$input_for_grad_weight,
    "CastConfigAttr":$weight,
    "CastConfigAttr":$weight_for_grad_input,
    "CastConfigAttr":$grad_output,
    "CastConfigAttr":$grad_output_for_grad_weight,
    "GemmConfigAttr":$output_gemm,
    "GemmConfigAttr":$grad_input_gemm,
    "GemmConfigAttr":$grad_weight_gemm,
    "bool":$fsdp_float8_all_gather,
    "bool":$pad_inner_dim,
    "bool":$emulate,
    "bool":$force_recompute_fp8_weight_in_bwd,
    "bool":$round_scales_to_power_of_2
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let skipDefaultBuilders = 1;
  let builders = [
    AttrBuilder<(ins "const LinearConfig &":$fields)>
  ];
  let extraClassDeclaration = [{
    using Fields = LinearConfig;
    /// The config `Float8LinearConfig.from_recipe_name(recipe)` builds.
    static LinearConfigAttr getFromRecipe(MLIRContext *ctx, Recipe recipe);
    /// Like getFromRecipe, by name; emits an error listing the valid names
    /// and returns null for an unknown name.
    static LinearConfigAttr
    getFromRecipeName(function_ref<InFlightDiagnostic()> emitError,
                      MLIRContext *ctx, StringRef name);
    /// The fields of this attribute as a plain struct.
    LinearConfig getFields() const;

    /// `input_for_grad_weight` etc. after torchao's defaulting to the base
    /// config.
    CastConfigAttr getEffectiveInputForGradWeight() const;
    CastConfigAttr getEffectiveWeightForGradInput() const;
    CastConfigAttr getEffectiveGradOutputForGradWeight() const;

    /// The operand cast configs and gemm config of the gemm `role`
    /// (C = A @ B), with dtypes resolved against `typeConfig`.
    GemmOperandConfigs getGemmConfigs(GemmRole role,
                                      TypeConfig typeConfig) const;
  }];
}

#endif // FP8_DIALECT_FP8_IR_FP8ATTRS_TD
