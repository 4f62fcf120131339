//===- PoolAccounting.h - device pool bookkeeping ---------------*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The bookkeeping of the runtime's device pool, without CUDA (the unit tests
// run it on the CPU): bytes in use and their peak, allocation and free
// counts, FP8_POOL_LIMIT, and the out-of-memory and FP8_MEMSTATS lines.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_RUNTIME_CUDA_POOLACCOUNTING_H
#define FP8_RUNTIME_CUDA_POOLACCOUNTING_H

#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

namespace mlir::fp8::runtime::cuda {

class PoolAccounting {
public:
  /// `limit`: the most bytes in use at once (0: no limit).
  explicit PoolAccounting(uint64_t limit = 0) : limit(limit) {}

  /// A byte count from FP8_POOL_LIMIT's syntax: digits with an optional K,
  /// M, G or T (binary multiples) and an optional B/iB; nullopt when it is
  /// not one.
  static std::optional<uint64_t> parseBytes(const char *text) {
    if (!text || *text < '0' || *text > '9')
      return std::nullopt;
    char *end = nullptr;
    errno = 0;
    unsigned long long value = std::strtoull(text, &end, 10);
    if (errno == ERANGE)
      return std::nullopt;
    std::string suffix(end);
    uint64_t scale = 1;
    if (!suffix.empty() && suffix != "B") {
      switch (suffix[0]) {
      case 'K': case 'k': scale = 1ull << 10; break;
      case 'M': case 'm': scale = 1ull << 20; break;
      case 'G': case 'g': scale = 1ull << 30; break;
      case 'T': case 't': scale = 1ull << 40; break;
      default: return std::nullopt;
      }
      std::string unit = suffix.substr(1);
      if (!(unit.empty() || unit == "B" || unit == "iB"))
        return std::nullopt;
    }
    if (value > UINT64_MAX / scale)
      return std::nullopt;
    return value * scale;
  }

  /// Whether `size` more bytes stay within the limit.
  bool fits(uint64_t size) const {
    return limit == 0 || (size <= limit && inUse <= limit - size);
  }

  void allocated(uint64_t size) {
    inUse += size;
    ++allocations;
    if (inUse > peak)
      peak = inUse;
  }

  void freed(uint64_t size) {
    inUse -= size < inUse ? size : inUse;
    ++frees;
  }

  /// The out-of-memory line for a request of `requested` bytes with
  /// `freeBytes` free (on the device, or under the limit).
  std::string outOfMemory(uint64_t requested, uint64_t freeBytes) const {
    char line[256];
    std::snprintf(line, sizeof(line),
                  "out of device memory: requested %" PRIu64
                  " bytes, %" PRIu64 " bytes free (%" PRIu64
                  " bytes in use by this program%s)",
                  requested, freeBytes, inUse,
                  limit ? ", FP8_POOL_LIMIT reached" : "");
    return line;
  }

  /// The FP8_MEMSTATS line.
  std::string stats() const {
    char line[256];
    std::snprintf(line, sizeof(line),
                  "fp8-memstats: peak %" PRIu64 " device bytes in use, %" PRIu64
                  " allocations, %" PRIu64 " frees, %" PRIu64
                  " bytes still allocated",
                  peak, allocations, frees, inUse);
    return line;
  }

  uint64_t limit;
  uint64_t inUse = 0;
  uint64_t peak = 0;
  uint64_t allocations = 0;
  uint64_t frees = 0;
};

} // namespace mlir::fp8::runtime::cuda

#endif // FP8_RUNTIME_CUDA_POOLACCOUNTING_H
