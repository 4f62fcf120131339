//===- AttrsTest.cpp - C++ API of the fp8 config attributes ---------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// What an embedder calls: recipes, per-gemm operand configs, dtype
// resolution against a type configuration, short_str, checked building.
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/Dialect/FP8/Transforms/Passes.h"
#include "fp8/Support/Float8Format.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::fp8;

namespace {

class AttrsTest : public ::testing::Test {
protected:
  AttrsTest() { ctx.loadDialect<FP8Dialect>(); }

  /// "dyn_axs_e4m3"-style description of the resolved gemm operands.
  std::string describe(LinearConfigAttr config, GemmRole role,
                       TypeConfig typeConfig) {
    GemmOperandConfigs gemm = config.getGemmConfigs(role, typeConfig);
    return gemm.lhs.shortStr() + " " + gemm.rhs.shortStr() +
           (gemm.gemm.getFastAccum() ? " fast" : " slow");
  }

  MLIRContext ctx;
};

TEST_F(AttrsTest, TensorwiseRecipeIsTheDefault) {
  LinearConfigAttr recipe = LinearConfigAttr::getFromRecipe(&ctx, Recipe::Tensorwise);
  EXPECT_EQ(recipe, LinearConfigAttr::get(&ctx, LinearConfig(&ctx)));
  EXPECT_EQ(describe(recipe, GemmRole::Output, TypeConfig::OCP),
            "dyn_ten_e4m3 dyn_ten_e4m3 fast");
  EXPECT_EQ(describe(recipe, GemmRole::GradInput, TypeConfig::OCP),
            "dyn_ten_e5m2 dyn_ten_e4m3 slow");
  EXPECT_EQ(describe(recipe, GemmRole::GradWeight, TypeConfig::OCP),
            "dyn_ten_e5m2 dyn_ten_e4m3 slow");
  EXPECT_FALSE(recipe.getRoundScalesToPowerOf_2());
}

TEST_F(AttrsTest, RowwiseRecipe) {
  LinearConfigAttr recipe = LinearConfigAttr::getFromRecipe(&ctx, Recipe::Rowwise);
  for (GemmRole role :
       {GemmRole::Output, GemmRole::GradInput, GemmRole::GradWeight})
    EXPECT_EQ(describe(recipe, role, TypeConfig::OCP).substr(0, 25),
              "dyn_axs_e4m3 dyn_axs_e4m3");
  EXPECT_TRUE(recipe.getRoundScalesToPowerOf_2());
  EXPECT_TRUE(recipe.getOutputGemm().getFastAccum());
}

TEST_F(AttrsTest, RowwiseWithGwHpRecipe) {
  LinearConfigAttr recipe =
      LinearConfigAttr::getFromRecipe(&ctx, Recipe::RowwiseWithGwHp);
  EXPECT_EQ(describe(recipe, GemmRole::Output, TypeConfig::OCP),
            "dyn_axs_e4m3 dyn_axs_e4m3 fast");
  EXPECT_EQ(describe(recipe, GemmRole::GradInput, TypeConfig::OCP),
            "dyn_axs_e4m3 dyn_ten_e4m3 slow");
  EXPECT_EQ(describe(recipe, GemmRole::GradWeight, TypeConfig::OCP),
            "dis_ten_e4m3 dis_ten_e4m3 slow");
  EXPECT_FALSE(recipe.getRoundScalesToPowerOf_2());
}

TEST_F(AttrsTest, DTypeResolutionFollowsTypeConfig) {
  LinearConfigAttr config = LinearConfigAttr::get(&ctx, LinearConfig(&ctx));
  GemmOperandConfigs ocp =
      config.getGemmConfigs(GemmRole::GradInput, TypeConfig::OCP);
  GemmOperandConfigs fnuz =
      config.getGemmConfigs(GemmRole::GradInput, TypeConfig::FNUZ);
  EXPECT_TRUE(isa<Float8E5M2Type>(ocp.lhs.getDtype().getType()));
  EXPECT_TRUE(isa<Float8E4M3FNType>(ocp.rhs.getDtype().getType()));
  EXPECT_TRUE(isa<Float8E5M2FNUZType>(fnuz.lhs.getDtype().getType()));
  EXPECT_TRUE(isa<Float8E4M3FNUZType>(fnuz.rhs.getDtype().getType()));
  // An explicit dtype is never remapped.
  LinearConfig fields(&ctx);
  fields.input = CastConfigAttr::get(&ctx, ScalingType::Dynamic,
                                     ScalingGranularity::Tensorwise,
                                     DTypeSpec::get(Float8E4M3FNType::get(&ctx)));
  GemmOperandConfigs explicitFnuz = LinearConfigAttr::get(&ctx, fields)
                                        .getGemmConfigs(GemmRole::Output,
                                                        TypeConfig::FNUZ);
  EXPECT_TRUE(isa<Float8E4M3FNType>(explicitFnuz.lhs.getDtype().getType()));
}

TEST_F(AttrsTest, Float8Formats) {
  EXPECT_EQ(getFloat8MaxFinite(Float8E4M3FNType::get(&ctx)), 448.0);
  EXPECT_EQ(getFloat8MaxFinite(Float8E5M2Type::get(&ctx)), 57344.0);
  EXPECT_EQ(getFloat8MaxFinite(Float8E4M3FNUZType::get(&ctx)), 240.0);
  EXPECT_EQ(getFloat8MaxFinite(Float8E5M2FNUZType::get(&ctx)), 57344.0);
  Float8Format fnuz = getFloat8Format(Float8E4M3FNUZType::get(&ctx));
  EXPECT_EQ(fnuz.bias, 8);
  EXPECT_TRUE(fnuz.negativeZeroIsNaN);
  EXPECT_EQ(fnuz.nanBits, 0x80);
  Float8Format e5m2 = getFloat8Format(Float8E5M2Type::get(&ctx));
  EXPECT_EQ(e5m2.bias, 15);
  EXPECT_TRUE(e5m2.hasInf);
  EXPECT_EQ(e5m2.infBits, 0x7c);
  EXPECT_FALSE(isFloat8Type(Float8E8M0FNUType::get(&ctx)));
  EXPECT_FALSE(isFloat8Type(Float16Type::get(&ctx)));
  EXPECT_EQ(getFloat8ShortName(Float8E4M3FNUZType::get(&ctx)), "e4m3");
}

TEST_F(AttrsTest, CheckedBuildReportsTorchaoErrors) {
  std::string message;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  LinearConfig fields(&ctx);
  // The seed compares cc1 with itself here; the fixed check compares the
  // two operands of grad_weight.
  fields.inputForGradWeight = CastConfigAttr::get(&ctx, ScalingType::Disabled);
  auto onError = [&] { return mlir::emitError(UnknownLoc::get(&ctx)); };
  EXPECT_FALSE(LinearConfigAttr::getChecked(onError, &ctx, fields));
  EXPECT_EQ(message, "incompatible operand precision for grad_weight");

  EXPECT_FALSE(
      LinearConfigAttr::getFromRecipeName(onError, &ctx, "blockwise"));
  EXPECT_EQ(message, "unknown recipe 'blockwise'; valid recipe names are "
                     "'tensorwise', 'rowwise', 'rowwise_with_gw_hp'");
}

TEST_F(AttrsTest, ChipTypeConfigs) {
  EXPECT_EQ(*getTypeConfigForChip("gfx942"), TypeConfig::FNUZ);
  EXPECT_EQ(*getTypeConfigForChip("gfx940"), TypeConfig::FNUZ);
  EXPECT_EQ(*getTypeConfigForChip("gfx950"), TypeConfig::OCP);
  EXPECT_EQ(*getTypeConfigForChip("gfx1201"), TypeConfig::OCP);
  EXPECT_EQ(*getTypeConfigForChip("sm_90a"), TypeConfig::OCP);
  EXPECT_TRUE(failed(getTypeConfigForChip("h100")));
}

} // namespace
