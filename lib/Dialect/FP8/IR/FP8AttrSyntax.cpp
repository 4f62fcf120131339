//===- FP8AttrSyntax.cpp - #fp8.linear's custom syntax -------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Parsing and printing #fp8.linear<...>: a recipe name, then `key = value`
// entries that override its fields, printed back as the shortest such form.
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/IR/FP8Attrs.h"
#include "fp8/Dialect/FP8/IR/FP8Dialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace mlir::fp8;

//===----------------------------------------------------------------------===//
// LinearConfigAttr: custom syntax
//===----------------------------------------------------------------------===//

namespace {
/// One `key = value` entry of #fp8.linear: how to parse it into, print it
/// from, and compare it between LinearConfig structs.
struct LinearField {
  StringRef key;
  ParseResult (*parse)(AsmParser &, LinearConfig &);
  void (*print)(AsmPrinter &, const LinearConfig &);
  bool (*equal)(const LinearConfig &, const LinearConfig &);
  /// False for a `*_for_*` cast config left null (defaulting to its base).
  bool (*isSet)(const LinearConfig &);
};
} // namespace

template <typename AttrT>
static ParseResult parseFieldAttr(AsmParser &parser, AttrT &result) {
  SMLoc loc = parser.getCurrentLocation();
  Attribute attr;
  if (parser.parseAttribute(attr))
    return failure();
  result = dyn_cast<AttrT>(attr);
  if (!result) {
    StringRef expected = std::is_same_v<AttrT, CastConfigAttr>
                             ? "#fp8.cast<...>"
                             : "#fp8.gemm<...>";
    return parser.emitError(loc) << "expected " << expected << ", got " << attr;
  }
  return success();
}

static ParseResult parseFieldBool(AsmParser &parser, bool &result) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef keyword;
  if (parser.parseKeyword(&keyword))
    return failure();
  if (keyword != "true" && keyword != "false")
    return parser.emitError(loc)
           << "expected 'true' or 'false', got '" << keyword << "'";
  result = keyword == "true";
  return success();
}

#define FP8_LINEAR_FIELD(KEY, MEMBER, PARSE, PRINT, IS_SET)                     \
  LinearField {                                                                \
    KEY, [](AsmParser &p, LinearConfig &f) { return PARSE(p, f.MEMBER); },     \
        [](AsmPrinter &p, const LinearConfig &f) { PRINT; },                   \
        [](const LinearConfig &a, const LinearConfig &b) {                     \
          return a.MEMBER == b.MEMBER;                                         \
        },                                                                     \
        [](const LinearConfig &f) { return IS_SET; }                           \
  }
#define FP8_ATTR_FIELD(KEY, MEMBER)                                            \
  FP8_LINEAR_FIELD(KEY, MEMBER, parseFieldAttr, p << f.MEMBER,                 \
                   static_cast<bool>(f.MEMBER))
#define FP8_BOOL_FIELD(KEY, MEMBER)                                            \
  FP8_LINEAR_FIELD(KEY, MEMBER, parseFieldBool,                                \
                   p << (f.MEMBER ? "true" : "false"), (static_cast<void>(f), true))

/// The keys of #fp8.linear, in printing order.
static ArrayRef<LinearField> getLinearFields() {
  static const LinearField fields[] = {
      FP8_ATTR_FIELD("input", input),
      FP8_ATTR_FIELD("input_for_grad_weight", inputForGradWeight),
      FP8_ATTR_FIELD("weight", weight),
      FP8_ATTR_FIELD("weight_for_grad_input", weightForGradInput),
      FP8_ATTR_FIELD("grad_output", gradOutput),
      FP8_ATTR_FIELD("grad_output_for_grad_weight", gradOutputForGradWeight),
      FP8_ATTR_FIELD("output_gemm", outputGemm),
      FP8_ATTR_FIELD("grad_input_gemm", gradInputGemm),
      FP8_ATTR_FIELD("grad_weight_gemm", gradWeightGemm),
      FP8_BOOL_FIELD("fsdp_float8_all_gather", fsdpFloat8AllGather),
      FP8_BOOL_FIELD("pad_inner_dim", padInnerDim),
      FP8_BOOL_FIELD("emulate", emulate),
      FP8_BOOL_FIELD("force_recompute_fp8_weight_in_bwd",
                     forceRecomputeFp8WeightInBwd),
      FP8_BOOL_FIELD("round_scales_to_power_of_2", roundScalesToPowerOf2),
  };
  return fields;
}
#undef FP8_ATTR_FIELD
#undef FP8_BOOL_FIELD
#undef FP8_LINEAR_FIELD

Attribute LinearConfigAttr::parse(AsmParser &parser, Type) {
  MLIRContext *ctx = parser.getContext();
  SMLoc startLoc = parser.getCurrentLocation();
  LinearConfig fields(ctx);
  llvm::StringSet<> seen;
  if (parser.parseLess())
    return {};
  if (failed(parser.parseOptionalGreater())) {
    bool first = true;
    do {
      SMLoc keyLoc = parser.getCurrentLocation();
      StringRef key;
      if (parser.parseKeyword(&key) || parser.parseEqual())
        return {};
      if (!seen.insert(key).second) {
        parser.emitError(keyLoc) << "duplicate key '" << key << "'";
        return {};
      }
      if (key == "recipe") {
        if (!first) {
          parser.emitError(keyLoc)
              << "'recipe' must come first, before the fields it overrides";
          return {};
        }
        SMLoc nameLoc = parser.getCurrentLocation();
        StringRef name;
        if (parser.parseKeyword(&name))
          return {};
        LinearConfigAttr recipe = getFromRecipeName(
            [&] { return parser.emitError(nameLoc); }, ctx, name);
        if (!recipe)
          return {};
        fields = recipe.getFields();
        first = false;
        continue;
      }
      first = false;
      const LinearField *field = llvm::find_if(
          getLinearFields(), [&](const LinearField &f) { return f.key == key; });
      if (field == getLinearFields().end()) {
        std::string keys;
        llvm::raw_string_ostream os(keys);
        os << "recipe";
        for (const LinearField &f : getLinearFields())
          os << ", " << f.key;
        parser.emitError(keyLoc)
            << "unknown key '" << key << "' in #fp8.linear; expected one of "
            << keys;
        return {};
      }
      if (field->parse(parser, fields))
        return {};
    } while (succeeded(parser.parseOptionalComma()));
    if (parser.parseGreater())
      return {};
  }
  if (fields.forceRecomputeFp8WeightInBwd)
    mlir::emitWarning(parser.getEncodedSourceLoc(startLoc))
        << "`force_recompute_fp8_weight_in_bwd` is deprecated and has no "
           "effect; see https://github.com/pytorch/ao/issues/2251";
  return getChecked([&] { return parser.emitError(startLoc); }, ctx, fields);
}

void LinearConfigAttr::print(AsmPrinter &printer) const {
  // Print relative to the recipe that needs the fewest overrides; the plain
  // defaults are the tensorwise recipe.
  LinearConfig fields = getFields();
  MLIRContext *ctx = getContext();
  std::optional<Recipe> bestRecipe;
  SmallVector<const LinearField *> bestDiff;
  for (uint32_t value = 0; value <= getMaxEnumValForRecipe(); ++value) {
    std::optional<Recipe> recipe = symbolizeRecipe(value);
    if (!recipe)
      continue;
    LinearConfig base = LinearConfigAttr::getFromRecipe(ctx, *recipe).getFields();
    SmallVector<const LinearField *> diff;
    bool printable = true;
    for (const LinearField &field : getLinearFields()) {
      if (field.equal(fields, base))
        continue;
      diff.push_back(&field);
      printable &= field.isSet(fields);
    }
    if (printable && (!bestRecipe || diff.size() < bestDiff.size())) {
      bestRecipe = *recipe;
      bestDiff = std::move(diff);
    }
  }
  printer << "<";
  bool needComma = false;
  if (*bestRecipe != Recipe::Tensorwise) {
    printer << "recipe = " << stringifyRecipe(*bestRecipe);
    needComma = true;
  }
  for (const LinearField *field : bestDiff) {
    if (needComma)
      printer << ", ";
    printer << field->key << " = ";
    field->print(printer, fields);
    needComma = true;
  }
  printer << ">";
}
