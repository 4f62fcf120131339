//===- GpuTarget.cpp - a GPU chip, parsed once ----------------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "fp8/Support/GpuTarget.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Regex.h"

using namespace mlir;
using namespace mlir::fp8;

FailureOr<GpuTarget> GpuTarget::parse(StringRef chip) {
  static const llvm::Regex known(
      "^(sm_[0-9]{2,3}[af]?|gfx(9[0-9][0-9a-f]|1[0-2][0-9][0-9a-f]))$");
  if (!known.match(chip))
    return failure();
  GpuTarget target;
  target.chip = chip.str();
  StringRef rest = chip;
  if (rest.consume_front("sm_")) {
    target.vendor = Vendor::NVIDIA;
    (void)rest.take_while(llvm::isDigit).getAsInteger(10, target.smVersion);
    target.archSpecific = rest.ends_with("a");
    return target;
  }
  FailureOr<amdgpu::Chipset> chipset = amdgpu::Chipset::parse(chip);
  if (failed(chipset))
    return failure();
  target.vendor = Vendor::AMD;
  target.chipset = *chipset;
  return target;
}

bool GpuTarget::usesFnuzFp8() const {
  return isAMD() && chipset.majorVersion == 9 && chipset.minorVersion == 4 &&
         chipset.steppingVersion <= 2;
}

bool GpuTarget::hasOcpFp8() const {
  if (isNVIDIA())
    return smVersion >= 89;
  // gfx950 (MI350) and gfx12 (Navi 4).
  return chip == "gfx950" || chipset.majorVersion == 12;
}

bool GpuTarget::hasFp8MatrixCores() const {
  if (isNVIDIA())
    return smVersion >= 89;
  return chip == "gfx942" || chip == "gfx950";
}
