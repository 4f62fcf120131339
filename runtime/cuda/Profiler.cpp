//===- Profiler.cpp - FP8_PROFILE: kernel times ---------------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// With FP8_PROFILE set, every kernel launch is bracketed by two CUDA events,
// without waiting for them (launches stay asynchronous), and fp8FlushProfile
// (Main.cpp calls it after each run of @main) reports every launch since the
// last flush on stderr as
//   fp8-profile: <kernel> grid=X,Y,Z block=X,Y,Z ms=<GPU time> end_ms=<T>
// where T is the kernel's end on the GPU's clock, in ms from the start of the
// first kernel of the batch: differences of T measure the GPU's wall time
// including its idle gaps between kernels. bench/ parses these lines.
//
//===----------------------------------------------------------------------===//

#include "RuntimeInternals.h"

#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <string>
#include <utility>
#include <vector>

using namespace mlir::fp8::runtime::cuda;

namespace {

/// The launches since the last flush. The profiling entry points of the
/// driver are looked up only with FP8_PROFILE set, so older drivers without
/// them still run programs.
struct Profiler {
  using ElapsedFn = CUresult (*)(float *, CUevent, CUevent);
  using NameFn = CUresult (*)(const char **, CUfunction);
  ElapsedFn elapsed = nullptr;
  NameFn name = nullptr;
  struct Launch {
    std::string kernel;
    long grid[3], block[3];
    CUevent start, stop;
  };
  std::vector<Launch> launches;
};

} // namespace

/// The profiler, or null without FP8_PROFILE.
static Profiler *profiler() {
  static Profiler *p = []() -> Profiler * {
    if (!std::getenv("FP8_PROFILE"))
      return nullptr;
    static Profiler profiler;
    void *handle = driverHandle();
    profiler.elapsed = reinterpret_cast<Profiler::ElapsedFn>(
        dlsym(handle, "cuEventElapsedTime_v2"));
    if (!profiler.elapsed)
      profiler.elapsed = reinterpret_cast<Profiler::ElapsedFn>(
          dlsym(handle, "cuEventElapsedTime"));
    profiler.name =
        reinterpret_cast<Profiler::NameFn>(dlsym(handle, "cuFuncGetName"));
    if (!profiler.elapsed)
      fatal("FP8_PROFILE: the driver has no cuEventElapsedTime");
    return &profiler;
  }();
  return p;
}

void mlir::fp8::runtime::cuda::profileLaunchStart(CUfunction function,
                                                  const long grid[3],
                                                  const long block[3],
                                                  CUstream stream) {
  Profiler *p = profiler();
  if (!p)
    return;
  Profiler::Launch launch{"kernel",
                          {grid[0], grid[1], grid[2]},
                          {block[0], block[1], block[2]},
                          nullptr,
                          nullptr};
  const char *name = nullptr;
  if (p->name && p->name(&name, function) == CUDA_SUCCESS && name)
    launch.kernel = name;
  FP8_CHECK(cuEventCreate(&launch.start, CU_EVENT_DEFAULT));
  FP8_CHECK(cuEventCreate(&launch.stop, CU_EVENT_DEFAULT));
  FP8_CHECK(cuEventRecord(launch.start, stream));
  p->launches.push_back(std::move(launch));
}

void mlir::fp8::runtime::cuda::profileLaunchStop(CUstream stream) {
  if (Profiler *p = profiler())
    FP8_CHECK(cuEventRecord(p->launches.back().stop, stream));
}

extern "C" {

/// FP8_PROFILE: waits for the launches since the last call and prints them.
void fp8FlushProfile() {
  if (!std::getenv("FP8_PROFILE") || !driverHandle())
    return;
  Profiler *p = profiler();
  if (!p || p->launches.empty())
    return;
  useContext();
  FP8_CHECK(cuCtxSynchronize());
  CUevent origin = p->launches.front().start;
  for (const Profiler::Launch &l : p->launches) {
    float ms = 0, end = 0;
    check(p->elapsed(&ms, l.start, l.stop), "cuEventElapsedTime");
    check(p->elapsed(&end, origin, l.stop), "cuEventElapsedTime");
    std::fprintf(stderr,
                 "fp8-profile: %s grid=%ld,%ld,%ld block=%ld,%ld,%ld ms=%.6f "
                 "end_ms=%.6f\n",
                 l.kernel.c_str(), l.grid[0], l.grid[1], l.grid[2], l.block[0],
                 l.block[1], l.block[2], ms, end);
  }
  for (const Profiler::Launch &l : p->launches) {
    FP8_CHECK(cuEventDestroy(l.start));
    FP8_CHECK(cuEventDestroy(l.stop));
  }
  p->launches.clear();
}

} // extern "C"
