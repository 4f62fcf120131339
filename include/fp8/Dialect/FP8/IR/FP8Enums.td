//===- FP8Enums.td - fp8 dialect enums ---------------------*- tablegen -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef FP8_DIALECT_FP8_IR_FP8ENUMS_TD
#define FP8_DIALECT_FP8_IR_FP8ENUMS_TD

include "fp8/Dialect/FP8/IR/FP8Dialect.td"
include "mlir/IR/EnumAttr.td"

// torchao ScalingType.
def FP8_ScalingType : I32EnumAttr<"ScalingType", "fp8 scaling type", [
    I32EnumAttrCase<"Dynamic", 0, "dynamic">,
    I32EnumAttrCase<"Disabled", 1, "disabled">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::fp8";
}

// torchao ScalingGranularity.
def FP8_ScalingGranularity : I32EnumAttr<"ScalingGranularity",
    "fp8 scaling granularity", [
    I32EnumAttrCase<"Tensorwise", 0, "tensorwise">,
    I32EnumAttrCase<"Axiswise", 1, "axiswise">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::fp8";
}

// torchao Float8LinearRecipeName.
def FP8_Recipe : I32EnumAttr<"Recipe", "float8 linear recipe name", [
    I32EnumAttrCase<"Tensorwise", 0, "tensorwise">,
    I32EnumAttrCase<"Rowwise", 1, "rowwise">,
    I32EnumAttrCase<"RowwiseWithGwHp", 2, "rowwise_with_gw_hp">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::fp8";
}

// torchao Float8TypeConfig: which e4m3/e5m2 pair is in effect.
def FP8_TypeConfig : I32EnumAttr<"TypeConfig", "float8 type configuration", [
    I32EnumAttrCase<"OCP", 0, "ocp">,
    I32EnumAttrCase<"FNUZ", 1, "fnuz">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::fp8";
}

// The three gemms of a float8 linear layer (torchao
// matmul_with_hp_or_float8_args).
def FP8_GemmRole : I32EnumAttr<"GemmRole", "gemm of a float8 linear layer", [
    I32EnumAttrCase<"Output", 0, "output">,
    I32EnumAttrCase<"GradInput", 1, "grad_input">,
    I32EnumAttrCase<"GradWeight", 2, "grad_weight">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::fp8";
}

def FP8_ScalingGranularityAttr
    : EnumAttr<FP8_Dialect, FP8_ScalingGranularity, "granularity"> {
  let assemblyFormat = "`<` $value `>`";
}
def FP8_TypeConfigAttr
    : EnumAttr<FP8_Dialect, FP8_TypeConfig, "type_config"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // FP8_DIALECT_FP8_IR_FP8ENUMS_TD
