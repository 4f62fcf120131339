//===- Allocator.cpp - memref buffers in managed memory -------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The functions of finalize-memref-to-llvm{use-generic-functions=1}: every
// memref buffer is CUDA managed memory (cuMemAllocManaged), so host loops,
// printing and kernels all see the same pointers; buffers of a finished run
// are recycled for the next (FP8_REPEAT, fp8RecycleAllocations). memrefCopy
// copies between non-contiguous memrefs on the host.
//
//===----------------------------------------------------------------------===//

#include "RuntimeInternals.h"

#include <cstring>
#include <dlfcn.h>
#include <map>
#include <mutex>

using namespace mlir::fp8::runtime::cuda;

/// cuMemPrefetchAsync of the driver (the CUmemLocation form of CUDA 12.2+),
/// or null on older drivers.
using PrefetchFn = CUresult (*)(CUdeviceptr, size_t, CUmemLocation, unsigned,
                                CUstream);
static PrefetchFn prefetchFunction() {
  static PrefetchFn fn = reinterpret_cast<PrefetchFn>(
      dlsym(driverHandle(), "cuMemPrefetchAsync_v2"));
  return fn;
}

namespace {

/// Buffers of finished runs (fp8RecycleAllocations), by size, handed out
/// again by the next allocations of the same size: the pipelines free no
/// buffers (upstream's ownership-based deallocation rejects gpu.launch_func),
/// so without this every run of a program pays cuMemAllocManaged and the
/// first-touch migration for every buffer, as PyTorch would without its
/// caching allocator.
struct AllocationCache {
  std::mutex mutex;
  std::multimap<size_t, CUdeviceptr> free;
  std::map<CUdeviceptr, size_t> live;
};

} // namespace

static AllocationCache &allocationCache() {
  static AllocationCache cache;
  return cache;
}

extern "C" {

void *_mlir_memref_to_llvm_alloc(size_t size) {
  useContext();
  size = size ? size : 1;
  CUdeviceptr ptr = 0;
  {
    AllocationCache &cache = allocationCache();
    std::lock_guard<std::mutex> lock(cache.mutex);
    auto it = cache.free.find(size);
    if (it != cache.free.end()) {
      ptr = it->second;
      cache.free.erase(it);
    } else {
      // Managed allocations are at least 256-byte aligned.
      FP8_CHECK(cuMemAllocManaged(&ptr, size, CU_MEM_ATTACH_GLOBAL));
    }
    cache.live[ptr] = size;
  }
  // Populate the pages on the GPU now, before the next launch: most buffers
  // are first written by a kernel, and faulting fresh pages in from a kernel
  // runs at a few tens of GB/s. Host code that touches a buffer migrates it
  // back on demand.
  if (PrefetchFn prefetch = prefetchFunction()) {
    CUmemLocation location = {CU_MEM_LOCATION_TYPE_DEVICE, deviceOrdinal()};
    check(prefetch(ptr, size, location, 0, nullptr), "cuMemPrefetchAsync");
    // Kernels run on non-blocking streams, which do not wait for the null
    // stream's prefetch: without this, a kernel could fault pages that are
    // still on their way (slower, and timings vary run to run).
    FP8_CHECK(cuStreamSynchronize(nullptr));
  }
  return reinterpret_cast<void *>(ptr);
}

void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size) {
  if (alignment > 256)
    fatal("memref alignment %zu exceeds the 256 bytes of managed memory",
          alignment);
  return _mlir_memref_to_llvm_alloc(size);
}

void _mlir_memref_to_llvm_free(void *ptr) {
  if (!ptr)
    return;
  useContext();
  // Kernels reading the buffer may still be in flight on another stream.
  FP8_CHECK(cuCtxSynchronize());
  {
    AllocationCache &cache = allocationCache();
    std::lock_guard<std::mutex> lock(cache.mutex);
    cache.live.erase(reinterpret_cast<CUdeviceptr>(ptr));
  }
  FP8_CHECK(cuMemFree(reinterpret_cast<CUdeviceptr>(ptr)));
}

/// Called by Main.cpp after each run of the program's @main (FP8_REPEAT):
/// every buffer that run allocated is dead (@main returns nothing, staged
/// globals are copied again each run), so they all go to the cache for the
/// next run's allocations of the same sizes.
void fp8RecycleAllocations() {
  AllocationCache &cache = allocationCache();
  std::lock_guard<std::mutex> lock(cache.mutex);
  if (cache.live.empty())
    return;
  useContext();
  FP8_CHECK(cuCtxSynchronize());
  for (auto [ptr, size] : cache.live)
    cache.free.emplace(size, ptr);
  cache.live.clear();
}

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
