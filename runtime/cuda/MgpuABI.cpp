//===- MgpuABI.cpp - the mgpu* functions gpu-to-llvm calls ----------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The mgpu* ABI of upstream's CUDA runtime wrappers (which Debian does not
// ship), as host code lowered by `gpu-to-llvm` calls it: modules, kernel
// launches, streams, events, copies and host registration (gpu.alloc memory
// is Allocator.cpp's). Every stream the program asks for is the program's
// one stream, synchronized before the host touches the data again.
//
//===----------------------------------------------------------------------===//

#include "RuntimeInternals.h"

#include <cstdint>
#include <cstdio>

using namespace mlir::fp8::runtime::cuda;

extern "C" {

//===----------------------------------------------------------------------===//
// Modules and launches
//===----------------------------------------------------------------------===//

CUmodule mgpuModuleLoad(void *data, size_t /*gpuBlobSize*/) {
  useContext();
  CUmodule module = nullptr;
  FP8_CHECK(cuModuleLoadData(&module, data));
  return module;
}

CUmodule mgpuModuleLoadJIT(void *data, int optLevel) {
  useContext();
  CUmodule module = nullptr;
  char log[8192] = {0};
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER,
                            CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
                            CU_JIT_OPTIMIZATION_LEVEL};
  void *values[] = {log, reinterpret_cast<void *>(sizeof(log)),
                    reinterpret_cast<void *>(static_cast<intptr_t>(optLevel))};
  CUresult result =
      driver().cuModuleLoadDataEx(&module, data, 3, options, values);
  if (result != CUDA_SUCCESS)
    std::fprintf(stderr, "fp8-cuda-runtime: PTX JIT log:\n%s\n", log);
  check(result, "cuModuleLoadDataEx");
  return module;
}

void mgpuModuleUnload(CUmodule module) {
  useContext();
  CUresult result = driver().cuModuleUnload(module);
  // Modules are unloaded by global destructors, which may run after the
  // driver has shut down at exit: then there is nothing left to unload.
  if (result != CUDA_ERROR_DEINITIALIZED)
    check(result, "cuModuleUnload(module)");
}

CUfunction mgpuModuleGetFunction(CUmodule module, const char *name) {
  useContext();
  CUfunction function = nullptr;
  FP8_CHECK(cuModuleGetFunction(&function, module, name));
  return function;
}

void mgpuLaunchKernel(CUfunction function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t smem, CUstream stream,
                      void **params, void **extra, size_t /*paramsCount*/) {
  // An empty grid (a zero-size tensor: an MoE expert without tokens) has
  // nothing to do; CUDA would reject it as an invalid launch.
  if (gridX <= 0 || gridY <= 0 || gridZ <= 0)
    return;
  useContext();
  if (smem > 48 * 1024)
    FP8_CHECK(cuFuncSetAttribute(
        function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, smem));
  const long grid[3] = {static_cast<long>(gridX), static_cast<long>(gridY),
                        static_cast<long>(gridZ)};
  const long block[3] = {static_cast<long>(blockX), static_cast<long>(blockY),
                         static_cast<long>(blockZ)};
  profileLaunchStart(function, grid, block, stream);
  FP8_CHECK(cuLaunchKernel(function, gridX, gridY, gridZ, blockX, blockY,
                           blockZ, smem, stream, params, extra));
  profileLaunchStop(stream);
}

//===----------------------------------------------------------------------===//
// Streams and events
//===----------------------------------------------------------------------===//

/// The program's one stream: every chain of launches, allocations, frees
/// and copies runs on it in program order, so a stream-ordered free
/// (mgpuMemFree) always follows the kernels that read the buffer, whichever
/// chain launched them.
static CUstream programStream() {
  static CUstream stream = [] {
    useContext();
    CUstream s = nullptr;
    FP8_CHECK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
    return s;
  }();
  return stream;
}

CUstream mgpuStreamCreate() { return programStream(); }

/// The program's stream lives as long as the program.
void mgpuStreamDestroy(CUstream /*stream*/) {}

void mgpuStreamSynchronize(CUstream stream) {
  useContext();
  FP8_CHECK(cuStreamSynchronize(stream));
}

void mgpuStreamWaitEvent(CUstream stream, CUevent event) {
  useContext();
  FP8_CHECK(cuStreamWaitEvent(stream, event, 0));
}

CUevent mgpuEventCreate() {
  useContext();
  CUevent event = nullptr;
  FP8_CHECK(cuEventCreate(&event, CU_EVENT_DISABLE_TIMING));
  return event;
}

void mgpuEventDestroy(CUevent event) {
  useContext();
  FP8_CHECK(cuEventDestroy(event));
}

void mgpuEventSynchronize(CUevent event) {
  useContext();
  FP8_CHECK(cuEventSynchronize(event));
}

void mgpuEventRecord(CUevent event, CUstream stream) {
  useContext();
  FP8_CHECK(cuEventRecord(event, stream));
}

//===----------------------------------------------------------------------===//
// Copies and host registration
//===----------------------------------------------------------------------===//

void mgpuMemcpy(void *dst, void *src, size_t sizeBytes, CUstream stream) {
  useContext();
  FP8_CHECK(cuMemcpyAsync(reinterpret_cast<CUdeviceptr>(dst),
                          reinterpret_cast<CUdeviceptr>(src), sizeBytes,
                          stream));
}

void mgpuMemset32(void *dst, unsigned value, size_t count, CUstream stream) {
  useContext();
  FP8_CHECK(cuMemsetD32Async(reinterpret_cast<CUdeviceptr>(dst), value, count,
                             stream));
}

void mgpuMemset16(void *dst, unsigned short value, size_t count,
                  CUstream stream) {
  useContext();
  FP8_CHECK(cuMemsetD16Async(reinterpret_cast<CUdeviceptr>(dst), value, count,
                             stream));
}

void mgpuMemHostRegisterMemRef(int64_t rank, void *ptr,
                               int64_t elementSizeBytes) {
  useContext();
  const auto *d = static_cast<const Descriptor *>(ptr);
  int64_t count = 1;
  for (int64_t i = 0; i < rank; ++i)
    count *= d->sizesAndStrides[i];
  FP8_CHECK(cuMemHostRegister(d->aligned + d->offset * elementSizeBytes,
                              count * elementSizeBytes, 0));
}

void mgpuMemHostUnregisterMemRef(int64_t /*rank*/, void *ptr,
                                 int64_t elementSizeBytes) {
  useContext();
  const auto *d = static_cast<const Descriptor *>(ptr);
  FP8_CHECK(cuMemHostUnregister(d->aligned + d->offset * elementSizeBytes));
}

void mgpuSetDefaultDevice(int32_t device) {
  if (device != 0)
    fatal("mgpuSetDefaultDevice(%d): set FP8_DEVICE instead", device);
}

} // extern "C"
