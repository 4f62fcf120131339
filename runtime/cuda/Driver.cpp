//===- Driver.cpp - libcuda opened at run time, checked calls -------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// libcuda.so.1 is opened with dlopen on first use: executables link and
// start anywhere and fail with a clear message where there is no driver.
// A failing driver call prints the call and the CUDA error name and exits
// with status 1.
//
//===----------------------------------------------------------------------===//

#include "RuntimeInternals.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>

#define FP8_STR(x) #x
// The versioned symbol a cuda.h name stands for (cuMemAlloc -> cuMemAlloc_v2).
#define FP8_SYMBOL(x) FP8_STR(x)

namespace mlir::fp8::runtime::cuda {

void fatal(const char *format, ...) {
  va_list args;
  va_start(args, format);
  std::fputs("fp8-cuda-runtime: ", stderr);
  std::vfprintf(stderr, format, args);
  std::fputc('\n', stderr);
  va_end(args);
  std::fflush(stdout);
  std::fflush(stderr);
  // No exit(): destructors (module unloading) would call back into here.
  std::_Exit(1);
}

void *driverHandle() {
  static void *handle = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  return handle;
}

const Driver &driver() {
  static Driver d = [] {
    Driver d;
    const char *library = "libcuda.so.1";
    void *handle = driverHandle();
    if (!handle)
      fatal("no NVIDIA driver: cannot load %s (%s)", library, dlerror());
#define FP8_LOAD(name)                                                         \
  d.name =                                                                     \
      reinterpret_cast<decltype(d.name)>(dlsym(handle, FP8_SYMBOL(name)));     \
  if (!d.name)                                                                 \
    fatal("%s has no %s", library, FP8_SYMBOL(name));
    FP8_CUDA_FUNCTIONS(FP8_LOAD)
#undef FP8_LOAD
    return d;
  }();
  return d;
}

void check(CUresult result, const char *call) {
  if (result == CUDA_SUCCESS)
    return;
  const char *name = nullptr;
  if (driver().cuGetErrorName(result, &name) != CUDA_SUCCESS || !name)
    name = "unknown error";
  fatal("%s failed: %s (%d)", call, name, static_cast<int>(result));
}

int deviceOrdinal() {
  const char *env = std::getenv("FP8_DEVICE");
  return env ? std::atoi(env) : 0;
}

void useContext() {
  static CUcontext context = [] {
    FP8_CHECK(cuInit(0));
    CUdevice device;
    FP8_CHECK(cuDeviceGet(&device, deviceOrdinal()));
    CUcontext ctx;
    FP8_CHECK(cuDevicePrimaryCtxRetain(&ctx, device));
    char name[256] = {0};
    FP8_CHECK(cuDeviceGetName(name, sizeof(name), device));
    std::fprintf(stderr, "fp8-cuda-runtime: device %s\n", name);
    return ctx;
  }();
  thread_local bool current = false;
  if (!current) {
    FP8_CHECK(cuCtxSetCurrent(context));
    current = true;
  }
}

} // namespace mlir::fp8::runtime::cuda
