//===- FP8Attrs.h - fp8 dialect attributes ----------------------*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The torchao float8 configuration as attributes: #fp8.cast (CastConfig),
// #fp8.gemm (Float8GemmConfig), #fp8.linear (Float8LinearConfig) and the
// enums they use.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_DIALECT_FP8_IR_FP8ATTRS_H
#define FP8_DIALECT_FP8_IR_FP8ATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/Hashing.h"

#include "fp8/Dialect/FP8/IR/FP8Enums.h.inc"

namespace mlir {
namespace fp8 {

/// The float8 element type a cast config asks for.
///   - unset: the operand's default (e4m3 for input and weight, e5m2 for
///     grad_output) of the active type configuration;
///   - `e4m3` / `e5m2`: the e4m3 / e5m2 type of the active type configuration
///     (torchao's module-level `e4m3_dtype` / `e5m2_dtype`);
///   - an explicit 8-bit float type.
class DTypeSpec {
public:
  enum class Kind : uint8_t { Unset, E4M3, E5M2, Explicit };

  DTypeSpec() = default;
  static DTypeSpec e4m3() { return DTypeSpec(Kind::E4M3, nullptr); }
  static DTypeSpec e5m2() { return DTypeSpec(Kind::E5M2, nullptr); }
  static DTypeSpec get(Type type) { return DTypeSpec(Kind::Explicit, type); }

  Kind getKind() const { return kind; }
  bool isUnset() const { return kind == Kind::Unset; }
  /// The explicit type; null unless getKind() == Kind::Explicit.
  Type getType() const { return type; }

  /// The concrete type under `typeConfig`; `fallback` is used when unset (and
  /// must itself be set).
  FloatType resolve(MLIRContext *ctx, TypeConfig typeConfig,
                    DTypeSpec fallback) const;

  bool operator==(const DTypeSpec &other) const {
    return kind == other.kind && type == other.type;
  }
  bool operator!=(const DTypeSpec &other) const { return !(*this == other); }

private:
  DTypeSpec(Kind kind, Type type) : kind(kind), type(type) {}
  Kind kind = Kind::Unset;
  Type type;
};

inline llvm::hash_code hash_value(const DTypeSpec &spec) {
  return llvm::hash_combine(static_cast<uint8_t>(spec.getKind()),
                            spec.getType());
}

/// The e4m3 and e5m2 types of a type configuration.
FloatType getE4M3Type(MLIRContext *ctx, TypeConfig typeConfig);
FloatType getE5M2Type(MLIRContext *ctx, TypeConfig typeConfig);

/// Parameter parsers/printers used by the generated attribute code. They
/// accept torchao's short spellings (`dyn`, `dis`, `ten`, `axs`) as well.
FailureOr<ScalingType> parseScalingTypeKeyword(AsmParser &parser);
FailureOr<ScalingGranularity> parseScalingGranularityKeyword(AsmParser &parser);
FailureOr<DTypeSpec> parseDTypeSpec(AsmParser &parser);
void printDTypeSpec(AsmPrinter &printer, const DTypeSpec &spec);

/// torchao's `short_str` of the enums: "dyn"/"dis", "ten"/"axs".
StringRef getShortName(ScalingType type);
StringRef getShortName(ScalingGranularity granularity);

class CastConfigAttr;
class GemmConfigAttr;
struct LinearConfig;
struct GemmOperandConfigs;

} // namespace fp8
} // namespace mlir

#define GET_ATTRDEF_CLASSES
#include "fp8/Dialect/FP8/IR/FP8Attrs.h.inc"

namespace mlir {
namespace fp8 {

/// The fields of a Float8LinearConfig, as a plain struct to fill in before
/// building a LinearConfigAttr. A null `*_for_*` cast config means "same as
/// the base config", as in torchao. `LinearConfig(ctx)` holds torchao's
/// defaults (the tensorwise recipe).
struct LinearConfig {
  explicit LinearConfig(MLIRContext *ctx);

  CastConfigAttr input;
  CastConfigAttr inputForGradWeight;
  CastConfigAttr weight;
  CastConfigAttr weightForGradInput;
  CastConfigAttr gradOutput;
  CastConfigAttr gradOutputForGradWeight;
  GemmConfigAttr outputGemm;
  GemmConfigAttr gradInputGemm;
  GemmConfigAttr gradWeightGemm;
  bool fsdpFloat8AllGather = false;
  bool padInnerDim = false;
  bool emulate = false;
  bool forceRecomputeFp8WeightInBwd = false;
  bool roundScalesToPowerOf2 = false;
};

/// The two operand cast configs (C = A @ B) and the gemm config of one gemm.
struct GemmOperandConfigs {
  CastConfigAttr lhs;
  CastConfigAttr rhs;
  GemmConfigAttr gemm;
};

} // namespace fp8
} // namespace mlir

#endif // FP8_DIALECT_FP8_IR_FP8ATTRS_H
