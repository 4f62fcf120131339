//===- GpuTarget.h - a GPU chip, parsed once --------------------*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The chip name of the `chip=` options (`sm_90a`, `gfx942`, ...) parsed
// into a struct with the capability predicates every pass asks (as upstream
// parses AMD chips into `amdgpu::Chipset`): patterns and pipelines take a
// GpuTarget, never a string.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_SUPPORT_GPUTARGET_H
#define FP8_SUPPORT_GPUTARGET_H

#include "mlir/Dialect/AMDGPU/Utils/Chipset.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir::fp8 {

/// A GPU chip: an NVIDIA `sm_NN[a|f]` or an AMD `gfxNNN`.
class GpuTarget {
public:
  enum class Vendor { NVIDIA, AMD };

  /// Threads of an NVIDIA warp and of an AMD (CDNA) wave.
  static constexpr unsigned kNvidiaWarpSize = 32;
  static constexpr unsigned kAmdWaveSize = 64;
  /// Multiprocessors of an H100 SXM (and of an H200): the default of the
  /// tile heuristic for sm_90 chips when the pass is not told otherwise.
  static constexpr int64_t kHopperSmCount = 132;

  /// Parses a chip LLVM 22 knows: an NVPTX `sm_NN[a|f]` (`llc
  /// -march=nvptx64 -mcpu=help`) or an AMDGCN `gfxNNN`. Fails for anything
  /// else (`sm_999`, `h100`, `" sm_90a"`).
  static FailureOr<GpuTarget> parse(StringRef chip);

  /// The chips fp8's `vendor` pipeline and kernels compile for: NVIDIA
  /// sm_89 and newer that CUDA 13's ptxas assembles, AMD gfx942 and gfx950.
  static ArrayRef<StringRef> getSupportedChips(Vendor vendor);

  /// Whether `chip` is one of `vendor`'s supported chips.
  static bool isSupported(Vendor vendor, StringRef chip);

  /// Parses `chip` for a pass or pipeline (`user`) that compiles for
  /// `vendor`'s supported chips; otherwise reports one error through
  /// `emitError`: "<user>: chip 'gfx942' is an AMD chip; the NVVM pipeline
  /// supports sm_89, ...".
  static FailureOr<GpuTarget>
  parseSupported(Vendor vendor, StringRef chip, StringRef user,
                 function_ref<InFlightDiagnostic()> emitError);
  /// The same for a pass that compiles for either vendor's supported chips.
  static FailureOr<GpuTarget>
  parseSupported(StringRef chip, StringRef user,
                 function_ref<InFlightDiagnostic()> emitError);

  StringRef getChip() const { return chip; }
  Vendor getVendor() const { return vendor; }
  bool isNVIDIA() const { return vendor == Vendor::NVIDIA; }
  bool isAMD() const { return vendor == Vendor::AMD; }
  /// NVIDIA: the SM version (89 for sm_89); 0 on AMD.
  unsigned getSmVersion() const { return smVersion; }
  /// NVIDIA: an architecture-specific target (`sm_90a`).
  bool isArchSpecific() const { return archSpecific; }
  /// Supported NVIDIA chips: the PTX ISA feature of their kernels
  /// (`+ptx84`): at least 8.4 (mma.sync e4m3/e5m2), at least what LLVM 22
  /// requires for the chip (8.6 on sm_100a, 8.7 on sm_120a). Empty on AMD.
  StringRef getPtxFeatures() const;
  /// AMD: the parsed chipset.
  const amdgpu::Chipset &getChipset() const { return chipset; }

  /// Threads that run in lockstep (warp or wave).
  unsigned getWarpSize() const {
    return isAMD() ? kAmdWaveSize : kNvidiaWarpSize;
  }
  /// MI300 (gfx940/941/942): only the fnuz fp8 types, in hardware.
  bool usesFnuzFp8() const;
  /// Converts the OCP fp8 types (f8E4M3FN, f8E5M2) in hardware.
  bool hasOcpFp8() const;
  /// fp8 matrix-core instructions fp8's kernels use: mma.sync e4m3/e5m2
  /// (sm_89 and newer) or MFMA fp8 (gfx942, gfx950).
  bool hasFp8MatrixCores() const;
  /// wgmma and TMA: sm_90a only (not sm_90, nor later families).
  bool hasWgmma() const { return isNVIDIA() && smVersion == 90 && archSpecific; }
  /// The multiprocessor count the GEMM tile heuristic assumes (the
  /// generated code asks the driver for the real one): 132 on sm_90, 0
  /// (unknown) elsewhere.
  int64_t getDefaultSmCount() const {
    return isNVIDIA() && smVersion == 90 ? kHopperSmCount : 0;
  }

private:
  std::string chip;
  Vendor vendor = Vendor::NVIDIA;
  unsigned smVersion = 0;
  bool archSpecific = false;
  amdgpu::Chipset chipset;
};

} // namespace mlir::fp8

#endif // FP8_SUPPORT_GPUTARGET_H
