//===- Allocator.cpp - device pool, pinned and host buffers ---------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Where --fp8-place-buffers-for-gpu put each buffer:
// * gpu.alloc / gpu.dealloc (mgpuMemAlloc, mgpuMemFree): buffers only
//   kernels touch, from the device's stream-ordered memory pool
//   (cuMemAllocAsync / cuMemFreeAsync on the program's stream, so a free
//   waits for the kernels launched before it). The pool keeps what is freed
//   (release threshold: never), so a training loop's steps reuse the same
//   memory without driver allocations.
// * gpu.alloc host_shared: buffers both kernels and host code touch, pinned
//   host memory kernels reach over the bus; freed after the stream drains.
// * memref.alloc (the finalize-memref-to-llvm functions): host-only
//   buffers, malloc.
// FP8_POOL_LIMIT caps the device bytes in use; past it, or when the device
// is full, the program prints one out-of-memory line and exits with status
// 1. FP8_MEMSTATS=1 prints the pool's peak and counts at exit
// (fp8PrintMemStats). memrefCopy copies between non-contiguous host memrefs.
//
//===----------------------------------------------------------------------===//

#include "PoolAccounting.h"
#include "RuntimeInternals.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

using namespace mlir::fp8::runtime::cuda;

namespace {

/// The device pool's bookkeeping: live buffers and their sizes.
struct DevicePool {
  std::mutex mutex;
  PoolAccounting accounting;
  std::unordered_map<CUdeviceptr, uint64_t> device;
  std::unordered_map<void *, uint64_t> pinned;
  uint64_t pinnedInUse = 0, pinnedPeak = 0;
  bool ready = false;

  DevicePool() {
    const char *limit = std::getenv("FP8_POOL_LIMIT");
    if (!limit)
      return;
    std::optional<uint64_t> bytes = PoolAccounting::parseBytes(limit);
    if (!bytes)
      fatal("FP8_POOL_LIMIT=%s is not a byte count (digits with an optional "
            "K, M, G or T)",
            limit);
    accounting.limit = *bytes;
  }

  /// Keeps freed memory in the device's default pool for later
  /// allocations instead of returning it to the driver at each sync.
  void setUp() {
    if (ready)
      return;
    useContext();
    CUdevice dev;
    FP8_CHECK(cuCtxGetDevice(&dev));
    CUmemoryPool pool;
    FP8_CHECK(cuDeviceGetDefaultMemPool(&pool, dev));
    cuuint64_t keep = UINT64_MAX;
    FP8_CHECK(cuMemPoolSetAttribute(
        pool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD, &keep));
    ready = true;
  }
};

} // namespace

static DevicePool &devicePool() {
  static DevicePool pool;
  return pool;
}

[[noreturn]] static void outOfMemory(const PoolAccounting &accounting,
                                     uint64_t requested, uint64_t freeBytes) {
  fatal("%s", accounting.outOfMemory(requested, freeBytes).c_str());
}

bool mlir::fp8::runtime::cuda::isDeviceBuffer(const void *ptr) {
  DevicePool &pool = devicePool();
  std::lock_guard<std::mutex> lock(pool.mutex);
  return pool.device.count(reinterpret_cast<CUdeviceptr>(ptr)) != 0;
}

extern "C" {

/// gpu.alloc: device memory from the pool, ordered on `stream`; pinned host
/// memory for host_shared buffers.
void *mgpuMemAlloc(uint64_t sizeBytes, CUstream stream, bool isHostShared) {
  if (sizeBytes == 0)
    return nullptr;
  useContext();
  DevicePool &pool = devicePool();
  std::lock_guard<std::mutex> lock(pool.mutex);
  if (isHostShared) {
    void *ptr = nullptr;
    FP8_CHECK(cuMemHostAlloc(&ptr, sizeBytes,
                             CU_MEMHOSTALLOC_PORTABLE |
                                 CU_MEMHOSTALLOC_DEVICEMAP));
    pool.pinned[ptr] = sizeBytes;
    pool.pinnedInUse += sizeBytes;
    if (pool.pinnedInUse > pool.pinnedPeak)
      pool.pinnedPeak = pool.pinnedInUse;
    return ptr;
  }
  pool.setUp();
  PoolAccounting &accounting = pool.accounting;
  if (!accounting.fits(sizeBytes))
    outOfMemory(accounting, sizeBytes,
                accounting.limit > accounting.inUse
                    ? accounting.limit - accounting.inUse
                    : 0);
  CUdeviceptr ptr = 0;
  CUresult result = driver().cuMemAllocAsync(&ptr, sizeBytes, stream);
  if (result == CUDA_ERROR_OUT_OF_MEMORY) {
    size_t freeBytes = 0, total = 0;
    FP8_CHECK(cuMemGetInfo(&freeBytes, &total));
    outOfMemory(accounting, sizeBytes, freeBytes);
  }
  check(result, "cuMemAllocAsync");
  pool.device[ptr] = sizeBytes;
  accounting.allocated(sizeBytes);
  return reinterpret_cast<void *>(ptr);
}

/// gpu.dealloc: back to the pool once the work before it on `stream` is
/// done; pinned memory after the stream drains; anything else is host
/// memory from _mlir_memref_to_llvm_alloc.
void mgpuMemFree(void *ptr, CUstream stream) {
  if (!ptr)
    return;
  useContext();
  DevicePool &pool = devicePool();
  std::lock_guard<std::mutex> lock(pool.mutex);
  auto it = pool.device.find(reinterpret_cast<CUdeviceptr>(ptr));
  if (it != pool.device.end()) {
    FP8_CHECK(cuMemFreeAsync(reinterpret_cast<CUdeviceptr>(ptr), stream));
    pool.accounting.freed(it->second);
    pool.device.erase(it);
    return;
  }
  auto pinned = pool.pinned.find(ptr);
  if (pinned == pool.pinned.end()) {
    // A buffer that may come from either kind of allocation (a value of
    // either of two callees' results) and came from the host allocator.
    std::free(ptr);
    return;
  }
  if (stream)
    FP8_CHECK(cuStreamSynchronize(stream));
  else
    FP8_CHECK(cuCtxSynchronize());
  FP8_CHECK(cuMemFreeHost(ptr));
  pool.pinnedInUse -= pinned->second;
  pool.pinned.erase(pinned);
}

void fp8PrintMemStats(void) {
  DevicePool &pool = devicePool();
  std::lock_guard<std::mutex> lock(pool.mutex);
  std::fprintf(stderr, "%s; pinned host memory: peak %" PRIu64 " bytes\n",
               pool.accounting.stats().c_str(), pool.pinnedPeak);
}

/// Host-only buffers (no kernel touches them).
void *_mlir_memref_to_llvm_alloc(size_t size) {
  void *ptr = std::malloc(size ? size : 1);
  if (!ptr)
    fatal("out of host memory: requested %zu bytes", size);
  return ptr;
}

void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size) {
  size_t rounded = (size + alignment - 1) / alignment * alignment;
  void *ptr = std::aligned_alloc(alignment, rounded ? rounded : alignment);
  if (!ptr)
    fatal("out of host memory: requested %zu bytes aligned to %zu", size,
          alignment);
  return ptr;
}

void _mlir_memref_to_llvm_free(void *ptr) { std::free(ptr); }

/// memref.copy between non-contiguous memrefs (MLIR's c_runner_utils ABI).
void memrefCopy(int64_t elemSize, FP8UnrankedMemRef *src,
                FP8UnrankedMemRef *dst) {
  int64_t rank = src->rank;
  const auto *s = static_cast<const Descriptor *>(src->descriptor);
  const auto *d = static_cast<const Descriptor *>(dst->descriptor);
  const int64_t *sizes = s->sizesAndStrides;
  const int64_t *srcStrides = s->sizesAndStrides + rank;
  const int64_t *dstStrides = d->sizesAndStrides + rank;
  int64_t count = 1;
  for (int64_t i = 0; i < rank; ++i)
    count *= sizes[i];
  for (int64_t linear = 0; linear < count; ++linear) {
    int64_t srcOffset = s->offset, dstOffset = d->offset, rest = linear;
    for (int64_t i = rank - 1; i >= 0; --i) {
      int64_t index = rest % sizes[i];
      rest /= sizes[i];
      srcOffset += index * srcStrides[i];
      dstOffset += index * dstStrides[i];
    }
    std::memcpy(d->aligned + dstOffset * elemSize,
                s->aligned + srcOffset * elemSize, elemSize);
  }
}

} // extern "C"
