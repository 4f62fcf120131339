//===- FP8Attrs.cpp - fp8 dialect attributes ------------------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// torchao's float8 config (torchao/float8/config.py) as attributes: defaults,
// `from_recipe_name`, `__post_init__` validation and `short_str`.
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/IR/FP8Attrs.h"
#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/Support/Float8Format.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::fp8;

#include "fp8/Dialect/FP8/IR/FP8Enums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "fp8/Dialect/FP8/IR/FP8Attrs.cpp.inc"

void FP8Dialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "fp8/Dialect/FP8/IR/FP8Attrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Types of a type configuration and DTypeSpec
//===----------------------------------------------------------------------===//

FloatType fp8::getE4M3Type(MLIRContext *ctx, TypeConfig typeConfig) {
  if (typeConfig == TypeConfig::FNUZ)
    return Float8E4M3FNUZType::get(ctx);
  return Float8E4M3FNType::get(ctx);
}

FloatType fp8::getE5M2Type(MLIRContext *ctx, TypeConfig typeConfig) {
  if (typeConfig == TypeConfig::FNUZ)
    return Float8E5M2FNUZType::get(ctx);
  return Float8E5M2Type::get(ctx);
}

FloatType DTypeSpec::resolve(MLIRContext *ctx, TypeConfig typeConfig,
                             DTypeSpec fallback) const {
  switch (kind) {
  case Kind::Unset:
    assert(!fallback.isUnset() && "fallback dtype must be set");
    return fallback.resolve(ctx, typeConfig, fallback);
  case Kind::E4M3:
    return getE4M3Type(ctx, typeConfig);
  case Kind::E5M2:
    return getE5M2Type(ctx, typeConfig);
  case Kind::Explicit:
    return cast<FloatType>(type);
  }
  llvm_unreachable("unknown DTypeSpec kind");
}

FailureOr<DTypeSpec> fp8::parseDTypeSpec(AsmParser &parser) {
  if (succeeded(parser.parseOptionalKeyword("e4m3")))
    return DTypeSpec::e4m3();
  if (succeeded(parser.parseOptionalKeyword("e5m2")))
    return DTypeSpec::e5m2();
  Type type;
  if (parser.parseType(type))
    return failure();
  return DTypeSpec::get(type);
}

void fp8::printDTypeSpec(AsmPrinter &printer, const DTypeSpec &spec) {
  switch (spec.getKind()) {
  case DTypeSpec::Kind::Unset:
    return;
  case DTypeSpec::Kind::E4M3:
    printer << "e4m3";
    return;
  case DTypeSpec::Kind::E5M2:
    printer << "e5m2";
    return;
  case DTypeSpec::Kind::Explicit:
    printer << spec.getType();
    return;
  }
}

//===----------------------------------------------------------------------===//
// Enum keywords with torchao's short spellings
//===----------------------------------------------------------------------===//

StringRef fp8::getShortName(ScalingType type) {
  return type == ScalingType::Dynamic ? "dyn" : "dis";
}

StringRef fp8::getShortName(ScalingGranularity granularity) {
  return granularity == ScalingGranularity::Tensorwise ? "ten" : "axs";
}

/// Parses a keyword naming a value of `EnumT`, by its full or short name.
template <typename EnumT>
static FailureOr<EnumT> parseEnumKeyword(AsmParser &parser, StringRef what,
                                         ArrayRef<EnumT> values) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef keyword;
  if (parser.parseKeyword(&keyword))
    return failure();
  for (EnumT value : values)
    if (keyword == stringifyEnum(value) || keyword == getShortName(value))
      return value;
  std::string expected;
  llvm::raw_string_ostream os(expected);
  llvm::interleaveComma(values, os, [&](EnumT value) {
    os << "'" << stringifyEnum(value) << "' ('" << getShortName(value) << "')";
  });
  return parser.emitError(loc)
         << "unknown " << what << " '" << keyword << "'; expected one of "
         << expected;
}

FailureOr<ScalingType> fp8::parseScalingTypeKeyword(AsmParser &parser) {
  return parseEnumKeyword<ScalingType>(
      parser, "scaling type", {ScalingType::Dynamic, ScalingType::Disabled});
}

FailureOr<ScalingGranularity>
fp8::parseScalingGranularityKeyword(AsmParser &parser) {
  return parseEnumKeyword<ScalingGranularity>(
      parser, "scaling granularity",
      {ScalingGranularity::Tensorwise, ScalingGranularity::Axiswise});
}

//===----------------------------------------------------------------------===//
// CastConfigAttr
//===----------------------------------------------------------------------===//

LogicalResult
CastConfigAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       ScalingType scaling, ScalingGranularity granularity,
                       DTypeSpec dtype) {
  if (granularity == ScalingGranularity::Axiswise &&
      scaling != ScalingType::Dynamic)
    return emitError() << "only dynamic scaling type is supported for "
                          "axiswise scaling granularity";
  if (dtype.getKind() == DTypeSpec::Kind::Explicit &&
      !isFloat8Type(dtype.getType()))
    return emitError() << "must specify an 8-bit floating-point dtype, got "
                       << dtype.getType();
  return success();
}

CastConfigAttr CastConfigAttr::resolve(TypeConfig typeConfig,
                                       DTypeSpec fallback) const {
  FloatType type = getDtype().resolve(getContext(), typeConfig, fallback);
  return CastConfigAttr::get(getContext(), getScaling(), getGranularity(),
                             DTypeSpec::get(type));
}

std::string CastConfigAttr::shortStr() const {
  std::string dtype;
  switch (getDtype().getKind()) {
  case DTypeSpec::Kind::Unset:
    dtype = "default";
    break;
  case DTypeSpec::Kind::E4M3:
    dtype = "e4m3";
    break;
  case DTypeSpec::Kind::E5M2:
    dtype = "e5m2";
    break;
  case DTypeSpec::Kind::Explicit:
    dtype = getFloat8ShortName(cast<FloatType>(getDtype().getType()));
    break;
  }
  return (getShortName(getScaling()) + "_" + getShortName(getGranularity()) +
          "_" + dtype)
      .str();
}

//===----------------------------------------------------------------------===//
// LinearConfig and the recipes
//===----------------------------------------------------------------------===//

LinearConfig::LinearConfig(MLIRContext *ctx)
    : input(CastConfigAttr::get(ctx)), weight(CastConfigAttr::get(ctx)),
      gradOutput(CastConfigAttr::get(ctx)),
      outputGemm(GemmConfigAttr::get(ctx, /*fast_accum=*/true)),
      gradInputGemm(GemmConfigAttr::get(ctx, /*fast_accum=*/false)),
      gradWeightGemm(GemmConfigAttr::get(ctx, /*fast_accum=*/false)) {}

LinearConfigAttr LinearConfigAttr::get(MLIRContext *ctx,
                                       const LinearConfig &f) {
  return Base::get(ctx, f.input, f.inputForGradWeight, f.weight,
                   f.weightForGradInput, f.gradOutput,
                   f.gradOutputForGradWeight, f.outputGemm, f.gradInputGemm,
                   f.gradWeightGemm, f.fsdpFloat8AllGather, f.padInnerDim,
                   f.emulate, f.forceRecomputeFp8WeightInBwd,
                   f.roundScalesToPowerOf2);
}

LinearConfigAttr
LinearConfigAttr::getChecked(function_ref<InFlightDiagnostic()> emitError,
                             MLIRContext *ctx, const LinearConfig &f) {
  return Base::getChecked(
      emitError, ctx, f.input, f.inputForGradWeight, f.weight,
      f.weightForGradInput, f.gradOutput, f.gradOutputForGradWeight,
      f.outputGemm, f.gradInputGemm, f.gradWeightGemm, f.fsdpFloat8AllGather,
      f.padInnerDim, f.emulate, f.forceRecomputeFp8WeightInBwd,
      f.roundScalesToPowerOf2);
}

LinearConfig LinearConfigAttr::getFields() const {
  LinearConfig f(getContext());
  f.input = getInput();
  f.inputForGradWeight = getInputForGradWeight();
  f.weight = getWeight();
  f.weightForGradInput = getWeightForGradInput();
  f.gradOutput = getGradOutput();
  f.gradOutputForGradWeight = getGradOutputForGradWeight();
  f.outputGemm = getOutputGemm();
  f.gradInputGemm = getGradInputGemm();
  f.gradWeightGemm = getGradWeightGemm();
  f.fsdpFloat8AllGather = getFsdpFloat8AllGather();
  f.padInnerDim = getPadInnerDim();
  f.emulate = getEmulate();
  f.forceRecomputeFp8WeightInBwd = getForceRecomputeFp8WeightInBwd();
  f.roundScalesToPowerOf2 = getRoundScalesToPowerOf_2();
  return f;
}

/// Float8LinearConfig.from_recipe_name, field by field.
static LinearConfig getRecipeFields(MLIRContext *ctx, Recipe recipe) {
  LinearConfig f(ctx);
  auto axiswise = ScalingGranularity::Axiswise;
  auto dynamic = ScalingType::Dynamic;
  switch (recipe) {
  case Recipe::Tensorwise:
    return f;
  case Recipe::Rowwise:
    f.input = CastConfigAttr::get(ctx, dynamic, axiswise, DTypeSpec::e4m3());
    f.weight = CastConfigAttr::get(ctx, dynamic, axiswise, DTypeSpec::e4m3());
    f.gradOutput =
        CastConfigAttr::get(ctx, dynamic, axiswise, DTypeSpec::e4m3());
    // Power-of-2 scales are the default for row-wise scaling.
    f.roundScalesToPowerOf2 = true;
    return f;
  case Recipe::RowwiseWithGwHp:
    // output_hp = input_fp8_axiswise_dim0 @ weight_t_axiswise_dim1
    f.input = CastConfigAttr::get(ctx, dynamic, axiswise);
    f.weight = CastConfigAttr::get(ctx, dynamic, axiswise);
    // grad_input_hp = grad_output_fp8_axiswise_dim0 @ weight_fp8_tensorwise
    f.gradOutput =
        CastConfigAttr::get(ctx, dynamic, axiswise, DTypeSpec::e4m3());
    f.weightForGradInput = CastConfigAttr::get(ctx);
    // grad_weight_hp = input_t_hp @ grad_output_hp
    f.inputForGradWeight = CastConfigAttr::get(ctx, ScalingType::Disabled);
    f.gradOutputForGradWeight =
        CastConfigAttr::get(ctx, ScalingType::Disabled,
                            ScalingGranularity::Tensorwise, DTypeSpec::e4m3());
    return f;
  }
  llvm_unreachable("unknown recipe");
}

LinearConfigAttr LinearConfigAttr::getFromRecipe(MLIRContext *ctx,
                                                 Recipe recipe) {
  return get(ctx, getRecipeFields(ctx, recipe));
}

static const Recipe kAllRecipes[] = {Recipe::Tensorwise, Recipe::Rowwise,
                                     Recipe::RowwiseWithGwHp};

/// "'tensorwise', 'rowwise', 'rowwise_with_gw_hp'".
static std::string getValidRecipeNames() {
  std::string names;
  llvm::raw_string_ostream os(names);
  llvm::interleaveComma(kAllRecipes, os, [&](Recipe recipe) {
    os << "'" << stringifyRecipe(recipe) << "'";
  });
  return names;
}

LinearConfigAttr
LinearConfigAttr::getFromRecipeName(function_ref<InFlightDiagnostic()> emitError,
                                    MLIRContext *ctx, StringRef name) {
  std::optional<Recipe> recipe = symbolizeRecipe(name);
  if (!recipe) {
    emitError() << "unknown recipe '" << name << "'; valid recipe names are "
                << getValidRecipeNames();
    return {};
  }
  return getFromRecipe(ctx, *recipe);
}

//===----------------------------------------------------------------------===//
// LinearConfigAttr: __post_init__
//===----------------------------------------------------------------------===//

static CastConfigAttr orBase(CastConfigAttr override, CastConfigAttr base) {
  return override ? override : base;
}

CastConfigAttr LinearConfigAttr::getEffectiveInputForGradWeight() const {
  return orBase(getInputForGradWeight(), getInput());
}
CastConfigAttr LinearConfigAttr::getEffectiveWeightForGradInput() const {
  return orBase(getWeightForGradInput(), getWeight());
}
CastConfigAttr LinearConfigAttr::getEffectiveGradOutputForGradWeight() const {
  return orBase(getGradOutputForGradWeight(), getGradOutput());
}

LogicalResult LinearConfigAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, CastConfigAttr input,
    CastConfigAttr inputForGradWeight, CastConfigAttr weight,
    CastConfigAttr weightForGradInput, CastConfigAttr gradOutput,
    CastConfigAttr gradOutputForGradWeight, GemmConfigAttr outputGemm,
    GemmConfigAttr gradInputGemm, GemmConfigAttr gradWeightGemm,
    bool fsdpFloat8AllGather, bool padInnerDim, bool emulate,
    bool forceRecomputeFp8WeightInBwd, bool roundScalesToPowerOf2) {
  if (!input || !weight || !gradOutput || !outputGemm || !gradInputGemm ||
      !gradWeightGemm)
    return emitError() << "missing cast or gemm config";
  CastConfigAttr inputGw = orBase(inputForGradWeight, input);
  CastConfigAttr weightGi = orBase(weightForGradInput, weight);
  CastConfigAttr gradOutputGw = orBase(gradOutputForGradWeight, gradOutput);

  // Float8 all-gather only supports tensorwise scaling.
  if (fsdpFloat8AllGather && weight.isAxiswise())
    return emitError() << "fsdp_float8_all_gather only supports tensorwise "
                          "scaling granularity, got axiswise weight";

  // Both operands of each gemm are in high precision, or both in float8.
  // (torchao's seed compares the first operand with itself here, so this
  // check could never fire; it compares the two operands.)
  struct GemmOperands {
    CastConfigAttr lhs, rhs;
    StringRef name;
  };
  for (const GemmOperands &gemm :
       {GemmOperands{input, weight, "output"},
        GemmOperands{gradOutput, weightGi, "grad_input"},
        GemmOperands{inputGw, gradOutputGw, "grad_weight"}}) {
    if (gemm.lhs.isDisabled() != gemm.rhs.isDisabled())
      return emitError() << "incompatible operand precision for " << gemm.name;
  }

  // After defaulting, each operand uses one dtype in both gemms. Abstract
  // `e4m3`/`e5m2` dtypes must agree under every type configuration.
  struct OperandUses {
    CastConfigAttr first, second;
    StringRef name;
    DTypeSpec fallback;
  };
  MLIRContext *ctx = input.getContext();
  for (const OperandUses &uses :
       {OperandUses{input, inputGw, "input", DTypeSpec::e4m3()},
        OperandUses{weight, weightGi, "weight", DTypeSpec::e4m3()},
        OperandUses{gradOutput, gradOutputGw, "grad_output",
                    DTypeSpec::e5m2()}}) {
    for (TypeConfig typeConfig : {TypeConfig::OCP, TypeConfig::FNUZ}) {
      if (uses.first.getDtype().resolve(ctx, typeConfig, uses.fallback) !=
          uses.second.getDtype().resolve(ctx, typeConfig, uses.fallback))
        return emitError() << uses.name
                           << " must be cast to the same dtype in both "
                              "matmuls it's used in";
    }
  }
  return success();
}

GemmOperandConfigs LinearConfigAttr::getGemmConfigs(GemmRole role,
                                                    TypeConfig typeConfig) const {
  DTypeSpec e4m3 = DTypeSpec::e4m3(), e5m2 = DTypeSpec::e5m2();
  switch (role) {
  case GemmRole::Output:
    return {getInput().resolve(typeConfig, e4m3),
            getWeight().resolve(typeConfig, e4m3), getOutputGemm()};
  case GemmRole::GradInput:
    return {getGradOutput().resolve(typeConfig, e5m2),
            getEffectiveWeightForGradInput().resolve(typeConfig, e4m3),
            getGradInputGemm()};
  case GemmRole::GradWeight:
    return {getEffectiveGradOutputForGradWeight().resolve(typeConfig, e5m2),
            getEffectiveInputForGradWeight().resolve(typeConfig, e4m3),
            getGradWeightGemm()};
  }
  llvm_unreachable("unknown gemm role");
}
