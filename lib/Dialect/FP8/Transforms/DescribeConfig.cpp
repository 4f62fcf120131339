//===- DescribeConfig.cpp - Report resolved #fp8.linear configs -----------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/Transforms/Passes.h"

namespace mlir {
namespace fp8 {
#define GEN_PASS_DEF_FP8DESCRIBECONFIG
#include "fp8/Dialect/FP8/Transforms/Passes.h.inc"
} // namespace fp8
} // namespace mlir

using namespace mlir;
using namespace mlir::fp8;

std::string fp8::describeLinearConfig(LinearConfigAttr config,
                                      TypeConfig typeConfig) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "type_config=" << stringifyTypeConfig(typeConfig);
  for (GemmRole role :
       {GemmRole::Output, GemmRole::GradInput, GemmRole::GradWeight}) {
    GemmOperandConfigs gemm = config.getGemmConfigs(role, typeConfig);
    os << "; " << stringifyGemmRole(role) << ": " << gemm.lhs.shortStr()
       << " @ " << gemm.rhs.shortStr()
       << " fast_accum=" << (gemm.gemm.getFastAccum() ? "true" : "false");
  }
  auto flag = [&](StringRef name, bool value) {
    os << " " << name << "=" << (value ? "true" : "false");
  };
  os << ";";
  flag("pow2", config.getRoundScalesToPowerOf_2());
  flag("pad_inner_dim", config.getPadInnerDim());
  flag("emulate", config.getEmulate());
  flag("fsdp_float8_all_gather", config.getFsdpFloat8AllGather());
  return text;
}

namespace {
struct FP8DescribeConfigPass
    : public fp8::impl::FP8DescribeConfigBase<FP8DescribeConfigPass> {
  using Base::Base;

  void runOnOperation() override {
    std::optional<TypeConfig> types = symbolizeTypeConfig(typeConfig);
    if (!types) {
      getOperation().emitError()
          << "unknown type-config '" << typeConfig
          << "'; expected 'ocp' or 'fnuz'";
      return signalPassFailure();
    }
    auto helper =
        getContext().getOrLoadDialect<FP8Dialect>()->getConfigAttrHelper();
    getOperation()->walk([&](Operation *op) {
      if (auto config =
              dyn_cast_or_null<LinearConfigAttr>(op->getAttr(helper.getName())))
        op->emitRemark() << describeLinearConfig(config, *types);
    });
  }
};
} // namespace
