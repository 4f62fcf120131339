//===- GpuTargetTest.cpp - chips, supported chips, PTX versions -----------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// GpuTarget: which chip names parse (those LLVM 22 knows), which each GPU
// pipeline supports, the PTX ISA version of each NVIDIA chip, and the one
// error a pipeline reports for any other chip.
//
//===----------------------------------------------------------------------===//

#include "fp8/Support/GpuTarget.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::fp8;

namespace {

using Vendor = GpuTarget::Vendor;

TEST(GpuTargetTest, ParsesOnlyChipsLLVMKnows) {
  for (StringRef chip : {"sm_80", "sm_89", "sm_90a", "sm_100a", "sm_101a",
                         "sm_120a", "sm_121f", "gfx90a", "gfx942", "gfx950",
                         "gfx1200", "gfx940"})
    EXPECT_TRUE(succeeded(GpuTarget::parse(chip))) << chip.str();
  for (StringRef chip : {"", "sm_999", "sm_91", "sm_90b", "sm90a", "h100",
                         "sm_90a ", " sm_90a", "gfx999", "gfx42", "mi300"})
    EXPECT_TRUE(failed(GpuTarget::parse(chip))) << "'" << chip.str() << "'";
}

TEST(GpuTargetTest, SupportedChips) {
  EXPECT_TRUE(GpuTarget::isSupported(Vendor::NVIDIA, "sm_89"));
  EXPECT_TRUE(GpuTarget::isSupported(Vendor::NVIDIA, "sm_120a"));
  EXPECT_FALSE(GpuTarget::isSupported(Vendor::NVIDIA, "sm_80"));
  EXPECT_FALSE(GpuTarget::isSupported(Vendor::NVIDIA, "sm_101a"));
  EXPECT_FALSE(GpuTarget::isSupported(Vendor::NVIDIA, "gfx942"));
  EXPECT_TRUE(GpuTarget::isSupported(Vendor::AMD, "gfx942"));
  EXPECT_TRUE(GpuTarget::isSupported(Vendor::AMD, "gfx950"));
  EXPECT_FALSE(GpuTarget::isSupported(Vendor::AMD, "gfx1200"));
  EXPECT_FALSE(GpuTarget::isSupported(Vendor::AMD, "sm_90a"));
  // Every supported chip parses, with fp8 matrix cores.
  for (Vendor vendor : {Vendor::NVIDIA, Vendor::AMD})
    for (StringRef chip : GpuTarget::getSupportedChips(vendor)) {
      FailureOr<GpuTarget> target = GpuTarget::parse(chip);
      ASSERT_TRUE(succeeded(target)) << chip.str();
      EXPECT_EQ(target->getVendor(), vendor) << chip.str();
      EXPECT_TRUE(target->hasFp8MatrixCores()) << chip.str();
    }
}

TEST(GpuTargetTest, PtxVersions) {
  auto ptx = [](StringRef chip) {
    return GpuTarget::parse(chip)->getPtxFeatures().str();
  };
  EXPECT_EQ(ptx("sm_89"), "+ptx84");
  EXPECT_EQ(ptx("sm_90"), "+ptx84");
  EXPECT_EQ(ptx("sm_90a"), "+ptx84");
  EXPECT_EQ(ptx("sm_100a"), "+ptx86");
  EXPECT_EQ(ptx("sm_103a"), "+ptx88");
  EXPECT_EQ(ptx("sm_110a"), "+ptx90");
  EXPECT_EQ(ptx("sm_120a"), "+ptx87");
  EXPECT_EQ(ptx("sm_121a"), "+ptx88");
  EXPECT_EQ(ptx("gfx942"), "");
  for (StringRef chip : GpuTarget::getSupportedChips(Vendor::NVIDIA))
    EXPECT_FALSE(ptx(chip).empty()) << chip.str();
}

TEST(GpuTargetTest, OneErrorListsTheSupportedChips) {
  MLIRContext ctx;
  std::vector<std::string> errors;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
    errors.push_back(diag.str());
    return success();
  });
  auto emitError = [&] { return mlir::emitError(UnknownLoc::get(&ctx)); };
  EXPECT_TRUE(failed(GpuTarget::parseSupported(Vendor::NVIDIA, "gfx942",
                                               "fp8-nvvm-pipeline", emitError)));
  EXPECT_TRUE(failed(GpuTarget::parseSupported(Vendor::AMD, "sm_90a",
                                               "fp8-rocdl-pipeline", emitError)));
  EXPECT_TRUE(succeeded(GpuTarget::parseSupported(
      Vendor::NVIDIA, "sm_100a", "fp8-nvvm-pipeline", emitError)));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0],
            "fp8-nvvm-pipeline: chip 'gfx942' is an AMD chip; the NVVM "
            "pipeline supports sm_89, sm_90, sm_90a, sm_100, sm_100a, sm_103, "
            "sm_103a, sm_110, sm_110a, sm_120, sm_120a, sm_121, sm_121a");
  EXPECT_EQ(errors[1], "fp8-rocdl-pipeline: chip 'sm_90a' is an NVIDIA chip; "
                       "the ROCDL pipeline supports gfx942, gfx950");
}

} // namespace
