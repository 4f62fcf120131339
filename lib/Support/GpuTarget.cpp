//===- GpuTarget.cpp - a GPU chip, parsed once ----------------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "fp8/Support/GpuTarget.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVectorExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Regex.h"
#include "llvm/TargetParser/TargetParser.h"

using namespace mlir;
using namespace mlir::fp8;

namespace {
/// An NVIDIA chip fp8 compiles for and the PTX ISA version of its kernels:
/// 8.4 for mma.sync e4m3/e5m2, or the newer version LLVM 22's NVPTX backend
/// requires for the chip (it emits no PTX below it; `llc -mcpu=sm_100a`
/// writes `.version 8.6`).
struct NvidiaChip {
  StringLiteral name;
  StringLiteral ptxFeatures;
};
} // namespace

/// sm_89 and newer; not sm_101/sm_101a, which LLVM 22 knows but CUDA 13's
/// ptxas does not (renamed sm_110), nor the family (`f`) targets.
static constexpr NvidiaChip kNvidiaChips[] = {
    {"sm_89", "+ptx84"},   {"sm_90", "+ptx84"},   {"sm_90a", "+ptx84"},
    {"sm_100", "+ptx86"},  {"sm_100a", "+ptx86"}, {"sm_103", "+ptx88"},
    {"sm_103a", "+ptx88"}, {"sm_110", "+ptx90"},  {"sm_110a", "+ptx90"},
    {"sm_120", "+ptx87"},  {"sm_120a", "+ptx87"}, {"sm_121", "+ptx88"},
    {"sm_121a", "+ptx88"},
};

/// The NVPTX processors of LLVM 22 (`llc -march=nvptx64 -mcpu=help`).
static bool isNvptxProcessor(StringRef chip) {
  static const llvm::Regex processor(
      "^sm_(2[01]|3[0257]|5[023]|6[012]|7[025]|8[06789]|90a?|"
      "(10[013]|110|12[01])[af]?)$");
  return processor.match(chip);
}

static ArrayRef<StringRef> getNvidiaChipNames() {
  static const SmallVector<StringRef> names = llvm::map_to_vector(
      kNvidiaChips, [](const NvidiaChip &chip) -> StringRef {
        return chip.name;
      });
  return names;
}

static constexpr StringRef kAmdChips[] = {"gfx942", "gfx950"};

FailureOr<GpuTarget> GpuTarget::parse(StringRef chip) {
  GpuTarget target;
  target.chip = chip.str();
  StringRef rest = chip;
  if (rest.starts_with("sm_")) {
    if (!isNvptxProcessor(chip))
      return failure();
    rest = rest.drop_front(3);
    target.vendor = Vendor::NVIDIA;
    (void)rest.take_while(llvm::isDigit).getAsInteger(10, target.smVersion);
    target.archSpecific = rest.ends_with("a");
    return target;
  }
  // gfx940 and gfx941, MI300's first names, left LLVM in release 21; the
  // rewrite still picks their (fnuz) float8 types.
  bool isMi300Name = chip == "gfx940" || chip == "gfx941";
  if (!chip.starts_with("gfx") ||
      (!isMi300Name &&
       llvm::AMDGPU::parseArchAMDGCN(chip) == llvm::AMDGPU::GK_NONE))
    return failure();
  FailureOr<amdgpu::Chipset> chipset = amdgpu::Chipset::parse(chip);
  if (failed(chipset))
    return failure();
  target.vendor = Vendor::AMD;
  target.chipset = *chipset;
  return target;
}

ArrayRef<StringRef> GpuTarget::getSupportedChips(Vendor vendor) {
  if (vendor == Vendor::AMD)
    return kAmdChips;
  return getNvidiaChipNames();
}

bool GpuTarget::isSupported(Vendor vendor, StringRef chip) {
  FailureOr<GpuTarget> target = parse(chip);
  return succeeded(target) && target->getVendor() == vendor &&
         llvm::is_contained(getSupportedChips(vendor), chip);
}

static StringRef getVendorName(GpuTarget::Vendor vendor) {
  return vendor == GpuTarget::Vendor::AMD ? "an AMD" : "an NVIDIA";
}

static StringRef getPipelineName(GpuTarget::Vendor vendor) {
  return vendor == GpuTarget::Vendor::AMD ? "the ROCDL pipeline"
                                          : "the NVVM pipeline";
}

/// Appends "<pipeline> supports a, b, c" for `vendor`.
static void appendSupported(InFlightDiagnostic &diag,
                            GpuTarget::Vendor vendor) {
  diag << getPipelineName(vendor) << " supports ";
  llvm::interleaveComma(GpuTarget::getSupportedChips(vendor), diag,
                        [&](StringRef chip) { diag << chip; });
}

/// The reason `chip` is not one of `vendor`'s supported chips: another
/// vendor's, unknown to LLVM, or known but without fp8 kernels.
static void appendReason(InFlightDiagnostic &diag, StringRef chip,
                         FailureOr<GpuTarget> &target) {
  diag << "chip '" << chip << "' ";
  if (failed(target))
    diag << "is not a chip LLVM 22 knows";
  else if (target->isNVIDIA() && !target->hasFp8MatrixCores())
    diag << "has no fp8 matrix cores";
  else if (target->isAMD() && !target->hasFp8MatrixCores())
    diag << "has no fp8 MFMA";
  else
    diag << "is not supported";
}

FailureOr<GpuTarget>
GpuTarget::parseSupported(Vendor vendor, StringRef chip, StringRef user,
                          function_ref<InFlightDiagnostic()> emitError) {
  FailureOr<GpuTarget> target = parse(chip);
  if (isSupported(vendor, chip))
    return target;
  InFlightDiagnostic diag = emitError();
  diag << user << ": ";
  if (succeeded(target) && target->getVendor() != vendor)
    diag << "chip '" << chip << "' is " << getVendorName(target->getVendor())
         << " chip";
  else
    appendReason(diag, chip, target);
  diag << "; ";
  appendSupported(diag, vendor);
  return failure();
}

FailureOr<GpuTarget>
GpuTarget::parseSupported(StringRef chip, StringRef user,
                          function_ref<InFlightDiagnostic()> emitError) {
  FailureOr<GpuTarget> target = parse(chip);
  if (succeeded(target) &&
      llvm::is_contained(getSupportedChips(target->getVendor()), chip))
    return target;
  InFlightDiagnostic diag = emitError();
  diag << user << ": ";
  appendReason(diag, chip, target);
  diag << "; ";
  appendSupported(diag, Vendor::NVIDIA);
  diag << "; ";
  appendSupported(diag, Vendor::AMD);
  return failure();
}

StringRef GpuTarget::getPtxFeatures() const {
  for (const NvidiaChip &nvidia : kNvidiaChips)
    if (nvidia.name == chip)
      return nvidia.ptxFeatures;
  return "";
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
