//===- RuntimeInternals.h - shared by the CUDA runtime's files --*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// fp8's host runtime on the CUDA driver API implements the ABI of
// fp8/Runtime/RuntimeABI.h, so that an executable built by fp8-cuda-compile
// needs nothing but the NVIDIA driver. One file per concern:
//
//   Driver.cpp     libcuda.so.1 opened on first use, the function table,
//                  error checks, the current context
//   MgpuABI.cpp    gpu-to-llvm's mgpu* functions (modules, launches, the
//                  program's stream, events, copies)
//   Profiler.cpp   FP8_PROFILE: kernel times
//   Allocator.cpp  gpu.alloc memory (the stream-ordered device pool,
//                  pinned host memory), host buffers, FP8_MEMSTATS,
//                  memrefCopy
//   TensorMap.cpp  the Hopper GEMM's TMA descriptors and grid size
//   Print.cpp      printMemref* and FP8_DUMP_DIR dumps
//   Main.cpp       the executable's main
//
// * A failing driver call prints the call and the CUDA error name and exits
//   with status 1: a half-executed program must not print results.
// * Buffers only kernels touch are device memory; printing copies them to
//   the host (Print.cpp), buffers host code reads are pinned or host memory
//   (--fp8-place-buffers-for-gpu decides).
//
// Everything declared here is hidden: a shared library built from the
// runtime exports only the functions of RuntimeABI.h and `main`.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_RUNTIME_CUDA_RUNTIMEINTERNALS_H
#define FP8_RUNTIME_CUDA_RUNTIMEINTERNALS_H

#include "fp8/Runtime/RuntimeABI.h"

#include "cuda.h"

#include <cstdint>
#include <vector>

#pragma GCC visibility push(hidden)

namespace mlir::fp8::runtime::cuda {

//===----------------------------------------------------------------------===//
// The driver (Driver.cpp)
//===----------------------------------------------------------------------===//

// Every driver function we call: X(name).
#define FP8_CUDA_FUNCTIONS(X)                                                  \
  X(cuInit)                                                                    \
  X(cuGetErrorName)                                                            \
  X(cuDeviceGet)                                                               \
  X(cuDeviceGetName)                                                           \
  X(cuDevicePrimaryCtxRetain)                                                  \
  X(cuCtxSetCurrent)                                                           \
  X(cuModuleLoadData)                                                          \
  X(cuModuleLoadDataEx)                                                        \
  X(cuModuleUnload)                                                            \
  X(cuModuleGetFunction)                                                       \
  X(cuFuncSetAttribute)                                                        \
  X(cuLaunchKernel)                                                            \
  X(cuStreamCreate)                                                            \
  X(cuStreamDestroy)                                                           \
  X(cuStreamSynchronize)                                                       \
  X(cuStreamWaitEvent)                                                         \
  X(cuEventCreate)                                                             \
  X(cuEventDestroy)                                                            \
  X(cuEventRecord)                                                             \
  X(cuEventSynchronize)                                                        \
  X(cuMemAlloc)                                                                \
  X(cuMemAllocAsync)                                                           \
  X(cuMemFreeAsync)                                                            \
  X(cuMemHostAlloc)                                                            \
  X(cuMemFreeHost)                                                             \
  X(cuMemGetInfo)                                                              \
  X(cuDeviceGetDefaultMemPool)                                                 \
  X(cuMemPoolSetAttribute)                                                     \
  X(cuMemcpyDtoH)                                                              \
  X(cuMemcpyAsync)                                                             \
  X(cuMemsetD16Async)                                                          \
  X(cuMemsetD32Async)                                                          \
  X(cuMemHostRegister)                                                         \
  X(cuMemHostUnregister)                                                       \
  X(cuCtxSynchronize)                                                          \
  X(cuCtxGetDevice)                                                            \
  X(cuDeviceGetAttribute)                                                      \
  X(cuMemcpyHtoD)                                                              \
  X(cuTensorMapEncodeTiled)

/// The driver's functions, one member per FP8_CUDA_FUNCTIONS entry.
struct Driver {
#define FP8_MEMBER(name) decltype(&::name) name = nullptr;
  FP8_CUDA_FUNCTIONS(FP8_MEMBER)
#undef FP8_MEMBER
};

/// Prints "fp8-cuda-runtime: <message>" on stderr and exits with status 1.
[[noreturn]] void fatal(const char *format, ...);

/// The dlopen handle of libcuda.so.1, or null where there is none.
void *driverHandle();

/// The driver's functions, loaded on first use; fatal without a driver.
const Driver &driver();

/// Fatal unless `result` is CUDA_SUCCESS; `call` names the failing call.
void check(CUresult result, const char *call);

/// Calls driver function `call` (`cuName(args)`) and checks its result.
#define FP8_CHECK(call)                                                        \
  ::mlir::fp8::runtime::cuda::check(::mlir::fp8::runtime::cuda::driver().call, \
                                    #call)

/// Whether `ptr` is a live buffer of the device pool (mgpuMemAlloc without
/// host_shared): the aligned pointer of every memref on such a buffer.
bool isDeviceBuffer(const void *ptr);

/// Where the elements of `d` (a rank-`rank` memref of `elementSize`-byte
/// elements) can be read on the host, as a base pointer and the element
/// offset of the first element (`d`'s strides apply): `d->aligned` and
/// `d->offset` for host and pinned memory; for device memory, a copy of the
/// memref's span in `staging`, made after the device is idle.
const char *hostReadable(const struct Descriptor *d, int64_t rank,
                         int64_t elementSize, std::vector<char> &staging,
                         int64_t &offset);

/// The device ordinal the runtime uses: FP8_DEVICE, or 0.
int deviceOrdinal();

/// Makes the primary context of the device current on the calling thread.
void useContext();

//===----------------------------------------------------------------------===//
// Memref descriptors
//===----------------------------------------------------------------------===//

/// The ranked descriptor an unranked memref points at: allocated, aligned,
/// offset, sizes[rank], strides[rank].
struct Descriptor {
  void *allocated;
  char *aligned;
  int64_t offset;
  int64_t sizesAndStrides[];
};

//===----------------------------------------------------------------------===//
// FP8_PROFILE (Profiler.cpp)
//===----------------------------------------------------------------------===//

/// Called around cuLaunchKernel by mgpuLaunchKernel: with FP8_PROFILE set,
/// records events before and after the launch of `function` on `stream` for
/// fp8FlushProfile; without it, nothing.
void profileLaunchStart(CUfunction function, const long grid[3],
                        const long block[3], CUstream stream);
void profileLaunchStop(CUstream stream);

} // namespace mlir::fp8::runtime::cuda

#pragma GCC visibility pop

#endif // FP8_RUNTIME_CUDA_RUNTIMEINTERNALS_H
