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

  /// Parses `sm_` + 2 or 3 digits + an optional `a`/`f` suffix, or an AMD
  /// `gfx9xx`/`gfx1[0-2]xx` name. Fails for anything else.
  static FailureOr<GpuTarget> parse(StringRef chip);

  StringRef getChip() const { return chip; }
  Vendor getVendor() const { return vendor; }
  bool isNVIDIA() const { return vendor == Vendor::NVIDIA; }
  bool isAMD() const { return vendor == Vendor::AMD; }
  /// NVIDIA: the SM version (89 for sm_89); 0 on AMD.
  unsigned getSmVersion() const { return smVersion; }
  /// NVIDIA: an architecture-specific target (`sm_90a`).
  bool isArchSpecific() const { return archSpecific; }
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
