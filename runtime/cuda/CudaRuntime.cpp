//===- CudaRuntime.cpp - fp8's host runtime on the CUDA driver API
//---------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The functions that host code lowered by `gpu-to-llvm` and
// `finalize-memref-to-llvm{use-generic-functions}` calls (the mgpu* ABI of
// upstream's CUDA runtime wrappers, which Debian does not ship), plus the
// printMemref* functions of MLIR's runner utilities, so that an executable
// built by fp8-cuda-compile needs nothing but the NVIDIA driver.
//
// * libcuda.so.1 is opened with dlopen on first use: executables link and
//   start anywhere and fail with a clear message where there is no driver.
// * Every memref buffer is CUDA managed memory (cuMemAllocManaged), so host
//   loops, printing and kernels all see the same pointers. Kernels launch on
//   a stream that is synchronized before the host touches the data again
//   (gpu-to-llvm synchronizes after every non-async launch).
// * A failing driver call prints the call and the CUDA error name and exits
//   with status 1: a half-executed program must not print results.
// * FP8_DUMP_DIR=<dir>: every printMemref* call also writes its memref to
//   <dir>/NNNN.bin (see writeDump); FP8_PRINT=none then skips the text, for
//   matrices too large to print.
// * FP8_PROFILE: kernel launches timed with events, one stderr line each
//   (printed by fp8FlushProfile, after each run);
//   FP8_REPEAT=N (Main.cpp) runs the program N times, each run's buffers
//   recycled for the next (fp8RecycleAllocations).
//
//===----------------------------------------------------------------------===//

#include "cuda.h"

#include <cinttypes>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace {

//===----------------------------------------------------------------------===//
// The driver, loaded on first use
//===----------------------------------------------------------------------===//

#define FP8_STR(x) #x
// The versioned symbol a cuda.h name stands for (cuMemAlloc -> cuMemAlloc_v2).
#define FP8_SYMBOL(x) FP8_STR(x)

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
  X(cuMemAllocManaged)                                                         \
  X(cuMemFree)                                                                 \
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

struct Driver {
#define FP8_MEMBER(name) decltype(&::name) name = nullptr;
  FP8_CUDA_FUNCTIONS(FP8_MEMBER)
#undef FP8_MEMBER
};

[[noreturn]] void fatal(const char *format, ...) {
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

#define FP8_CHECK(call) check(driver().call, #call)

/// Makes the primary context of device 0 (or FP8_DEVICE) current on the
/// calling thread.
void useContext() {
  static CUcontext context = [] {
    FP8_CHECK(cuInit(0));
    const char *env = std::getenv("FP8_DEVICE");
    CUdevice device;
    FP8_CHECK(cuDeviceGet(&device, env ? std::atoi(env) : 0));
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

//===----------------------------------------------------------------------===//
// FP8_PROFILE: kernel times
//===----------------------------------------------------------------------===//

/// With FP8_PROFILE set, every kernel launch is bracketed by two CUDA
/// events, without waiting for them (launches stay asynchronous), and
/// fp8FlushProfile (Main.cpp calls it after each run of @main) reports
/// every launch since the last flush on stderr as
///   fp8-profile: <kernel> grid=X,Y,Z block=X,Y,Z ms=<GPU time> end_ms=<T>
/// where T is the kernel's end on the GPU's clock, in ms from the start of
/// the first kernel of the batch: differences of T measure the GPU's wall
/// time including its idle gaps between kernels. bench/ parses these
/// lines. The profiling entry points are looked up only then, so older
/// drivers without them still run programs.
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

Profiler *profiler() {
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

//===----------------------------------------------------------------------===//
// Memref descriptors and printing (the format of MLIR's RunnerUtils)
//===----------------------------------------------------------------------===//

/// The ranked descriptor an unranked memref points at: allocated, aligned,
/// offset, sizes[rank], strides[rank].
struct Descriptor {
  void *allocated;
  char *aligned;
  int64_t offset;
  int64_t sizesAndStrides[];
};

enum class Element : int32_t { F32 = 0, F64 = 1, I32 = 2, I64 = 3, I8 = 4 };

int64_t elementSize(Element e) {
  switch (e) {
  case Element::F32:
  case Element::I32:
    return 4;
  case Element::F64:
  case Element::I64:
    return 8;
  case Element::I8:
    return 1;
  }
  return 1;
}

void printElement(const char *p, Element e) {
  switch (e) {
  case Element::F32: {
    float v;
    std::memcpy(&v, p, 4);
    std::printf("%g", v);
    return;
  }
  case Element::F64: {
    double v;
    std::memcpy(&v, p, 8);
    std::printf("%g", v);
    return;
  }
  case Element::I32: {
    int32_t v;
    std::memcpy(&v, p, 4);
    std::printf("%" PRId32, v);
    return;
  }
  case Element::I64: {
    int64_t v;
    std::memcpy(&v, p, 8);
    std::printf("%" PRId64, v);
    return;
  }
  case Element::I8:
    std::printf("%d", static_cast<int>(static_cast<int8_t>(*p)));
    return;
  }
}

/// Prints dimension `dim` of the memref at element offset `offset`, nested
/// brackets, rows on their own lines (as MemRefDataPrinter does).
void printData(const char *base, Element e, int64_t rank, int64_t dim,
               int64_t offset, const int64_t *sizes, const int64_t *strides) {
  if (dim == rank) {
    printElement(base + offset * elementSize(e), e);
    return;
  }
  std::fputc('[', stdout);
  for (int64_t i = 0; i < sizes[dim]; ++i) {
    if (i > 0) {
      // Innermost elements are separated by ",   ", rows by ", \n ".
      std::fputs(dim + 1 == rank ? ",   " : ", ", stdout);
      if (dim + 1 < rank) {
        std::fputc('\n', stdout);
        for (int64_t s = 0; s <= dim; ++s)
          std::fputc(' ', stdout);
      }
    }
    printData(base, e, rank, dim + 1, offset + i * strides[dim], sizes,
              strides);
  }
  std::fputc(']', stdout);
}

/// FP8_DUMP_DIR/NNNN.bin: "FP8D", int32 element code, int32 rank, int64
/// sizes[rank], then the elements densely in row-major order.
void writeDump(const Descriptor *d, Element e, int64_t rank) {
  static int counter = 0;
  const char *dir = std::getenv("FP8_DUMP_DIR");
  if (!dir)
    return;
  char path[4096];
  std::snprintf(path, sizeof(path), "%s/%04d.bin", dir, counter++);
  FILE *file = std::fopen(path, "wb");
  if (!file)
    fatal("cannot write %s", path);
  const int64_t *sizes = d->sizesAndStrides;
  const int64_t *strides = d->sizesAndStrides + rank;
  int32_t header[2] = {static_cast<int32_t>(e), static_cast<int32_t>(rank)};
  std::fwrite("FP8D", 1, 4, file);
  std::fwrite(header, sizeof(header), 1, file);
  std::fwrite(sizes, sizeof(int64_t), rank, file);
  int64_t count = 1;
  for (int64_t i = 0; i < rank; ++i)
    count *= sizes[i];
  int64_t size = elementSize(e);
  const char *base = d->aligned;
  for (int64_t linear = 0; linear < count; ++linear) {
    int64_t offset = d->offset, rest = linear;
    for (int64_t i = rank - 1; i >= 0; --i) {
      offset += (rest % sizes[i]) * strides[i];
      rest /= sizes[i];
    }
    std::fwrite(base + offset * size, size, 1, file);
  }
  std::fclose(file);
}

void printMemref(int64_t rank, void *ptr, Element e) {
  const auto *d = static_cast<const Descriptor *>(ptr);
  const int64_t *sizes = d->sizesAndStrides;
  const int64_t *strides = d->sizesAndStrides + rank;
  writeDump(d, e, rank);
  auto list = [&](const int64_t *values) {
    for (int64_t i = 0; i < rank; ++i)
      std::printf(i ? ", %" PRId64 : "%" PRId64, values[i]);
  };
  std::printf("Unranked Memref base@ = %p rank = %" PRId64 " offset = %" PRId64
              " sizes = [",
              static_cast<void *>(d->aligned), rank, d->offset);
  list(sizes);
  std::printf("] strides = [");
  list(strides);
  std::printf("] data = \n");
  const char *mode = std::getenv("FP8_PRINT");
  if (mode && std::strcmp(mode, "none") == 0) {
    std::printf("<not printed: FP8_PRINT=none>\n");
  } else {
    if (rank == 0)
      std::fputc('[', stdout);
    printData(d->aligned, e, rank, 0, d->offset, sizes, strides);
    if (rank == 0)
      std::fputc(']', stdout);
    std::fputc('\n', stdout);
  }
  std::fflush(stdout);
}

} // namespace

//===----------------------------------------------------------------------===//
// The mgpu* ABI of gpu-to-llvm
//===----------------------------------------------------------------------===//

extern "C" {

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
  useContext();
  if (smem > 48 * 1024)
    FP8_CHECK(cuFuncSetAttribute(
        function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, smem));
  Profiler *p = profiler();
  Profiler::Launch launch{"kernel",
                          {static_cast<long>(gridX), static_cast<long>(gridY),
                           static_cast<long>(gridZ)},
                          {static_cast<long>(blockX), static_cast<long>(blockY),
                           static_cast<long>(blockZ)},
                          nullptr,
                          nullptr};
  if (p) {
    const char *name = nullptr;
    if (p->name && p->name(&name, function) == CUDA_SUCCESS && name)
      launch.kernel = name;
    FP8_CHECK(cuEventCreate(&launch.start, CU_EVENT_DEFAULT));
    FP8_CHECK(cuEventCreate(&launch.stop, CU_EVENT_DEFAULT));
    FP8_CHECK(cuEventRecord(launch.start, stream));
  }
  FP8_CHECK(cuLaunchKernel(function, gridX, gridY, gridZ, blockX, blockY,
                           blockZ, smem, stream, params, extra));
  if (!p)
    return;
  FP8_CHECK(cuEventRecord(launch.stop, stream));
  p->launches.push_back(std::move(launch));
}

/// FP8_PROFILE: waits for the launches since the last call and prints
/// them (see Profiler).
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

CUstream mgpuStreamCreate() {
  useContext();
  CUstream stream = nullptr;
  FP8_CHECK(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING));
  return stream;
}

void mgpuStreamDestroy(CUstream stream) {
  useContext();
  FP8_CHECK(cuStreamDestroy(stream));
}

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

/// gpu.alloc: device memory (host_shared allocations are managed).
void *mgpuMemAlloc(uint64_t sizeBytes, CUstream /*stream*/, bool isHostShared) {
  useContext();
  CUdeviceptr ptr = 0;
  if (sizeBytes == 0)
    return nullptr;
  if (isHostShared)
    FP8_CHECK(cuMemAllocManaged(&ptr, sizeBytes, CU_MEM_ATTACH_GLOBAL));
  else
    FP8_CHECK(cuMemAlloc(&ptr, sizeBytes));
  return reinterpret_cast<void *>(ptr);
}

void mgpuMemFree(void *ptr, CUstream /*stream*/) {
  if (!ptr)
    return;
  useContext();
  FP8_CHECK(cuMemFree(reinterpret_cast<CUdeviceptr>(ptr)));
}

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

//===----------------------------------------------------------------------===//
// Hopper GEMM support: TMA descriptors and the persistent grid's size
//===----------------------------------------------------------------------===//

/// The device address of a TMA descriptor (CUtensorMap) for a row-major
/// `rows` x `cols` matrix of `elementBytes`-byte elements (1, 2 or 4) at
/// `base`, accessed in `boxRows` x `boxCols` boxes swizzled by 128 bytes
/// (the layout wgmma reads K-major operands in, and the one the GEMM's
/// epilogue stages its output in); out-of-bounds elements read as zero and
/// are not written. Descriptors live in device memory, made once per
/// distinct argument tuple (the kernel reads them through a generic
/// pointer). An empty matrix gets 0: its kernel touches nothing.
uint64_t fp8TensorMap2D(uint64_t base, int64_t rows, int64_t cols,
                        int64_t boxRows, int64_t boxCols,
                        int64_t elementBytes) {
  if (rows <= 0 || cols <= 0)
    return 0;
  useContext();
  using Key = std::tuple<uint64_t, int64_t, int64_t, int64_t, int64_t, int64_t>;
  static std::map<Key, CUdeviceptr> cache;
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  Key key{base, rows, cols, boxRows, boxCols, elementBytes};
  auto it = cache.find(key);
  if (it != cache.end())
    return it->second;
  CUtensorMapDataType type;
  switch (elementBytes) {
  case 1:
    type = CU_TENSOR_MAP_DATA_TYPE_UINT8;
    break;
  case 2:
    type = CU_TENSOR_MAP_DATA_TYPE_UINT16;
    break;
  case 4:
    type = CU_TENSOR_MAP_DATA_TYPE_UINT32;
    break;
  default:
    fatal("fp8TensorMap2D: %lld-byte elements (1, 2 or 4 expected)",
          static_cast<long long>(elementBytes));
  }
  if (base % 16 != 0 || (cols * elementBytes) % 16 != 0)
    fatal("fp8TensorMap2D: a %lld x %lld matrix of %lld-byte elements at "
          "0x%llx is not 16-byte aligned",
          static_cast<long long>(rows), static_cast<long long>(cols),
          static_cast<long long>(elementBytes),
          static_cast<unsigned long long>(base));
  CUtensorMap map;
  cuuint64_t dims[2] = {static_cast<cuuint64_t>(cols),
                        static_cast<cuuint64_t>(rows)};
  cuuint64_t strides[1] = {static_cast<cuuint64_t>(cols * elementBytes)};
  cuuint32_t box[2] = {static_cast<cuuint32_t>(boxCols),
                       static_cast<cuuint32_t>(boxRows)};
  cuuint32_t elementStrides[2] = {1, 1};
  FP8_CHECK(cuTensorMapEncodeTiled(
      &map, type, 2, reinterpret_cast<void *>(base), dims, strides, box,
      elementStrides, CU_TENSOR_MAP_INTERLEAVE_NONE, CU_TENSOR_MAP_SWIZZLE_128B,
      CU_TENSOR_MAP_L2_PROMOTION_L2_256B, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE));
  CUdeviceptr device;
  FP8_CHECK(cuMemAlloc(&device, sizeof(map)));
  FP8_CHECK(cuMemcpyHtoD(device, &map, sizeof(map)));
  cache.emplace(key, device);
  return device;
}

/// The number of multiprocessors of the current device: the grid of a
/// persistent kernel.
int64_t fp8MultiprocessorCount() {
  useContext();
  static int count = [] {
    CUdevice device;
    FP8_CHECK(cuCtxGetDevice(&device));
    int value = 0;
    FP8_CHECK(cuDeviceGetAttribute(
        &value, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device));
    return value;
  }();
  return count;
}

void mgpuSetDefaultDevice(int32_t device) {
  if (device != 0)
    fatal("mgpuSetDefaultDevice(%d): set FP8_DEVICE instead", device);
}

//===----------------------------------------------------------------------===//
// memref allocation (finalize-memref-to-llvm{use-generic-functions=1})
//===----------------------------------------------------------------------===//

/// cuMemPrefetchAsync of the driver (the CUmemLocation form of CUDA 12.2+),
/// or null on older drivers.
using PrefetchFn = CUresult (*)(CUdeviceptr, size_t, CUmemLocation, unsigned,
                                CUstream);
static PrefetchFn prefetchFunction() {
  static PrefetchFn fn = reinterpret_cast<PrefetchFn>(
      dlsym(driverHandle(), "cuMemPrefetchAsync_v2"));
  return fn;
}

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

static AllocationCache &allocationCache() {
  static AllocationCache cache;
  return cache;
}

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
    const char *env = std::getenv("FP8_DEVICE");
    CUmemLocation location = {CU_MEM_LOCATION_TYPE_DEVICE,
                              env ? std::atoi(env) : 0};
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

/// memref.copy between non-contiguous memrefs (MLIR's c_runner_utils ABI):
/// {rank, descriptor} pairs, elements of `elemSize` bytes.
struct UnrankedMemref {
  int64_t rank;
  Descriptor *descriptor;
};

void memrefCopy(int64_t elemSize, UnrankedMemref *src, UnrankedMemref *dst) {
  int64_t rank = src->rank;
  const Descriptor *s = src->descriptor;
  const Descriptor *d = dst->descriptor;
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

//===----------------------------------------------------------------------===//
// printMemref* (MLIR's runner utilities, same output format)
//===----------------------------------------------------------------------===//

void printMemrefF32(int64_t rank, void *ptr) {
  printMemref(rank, ptr, Element::F32);
}
void printMemrefF64(int64_t rank, void *ptr) {
  printMemref(rank, ptr, Element::F64);
}
void printMemrefI32(int64_t rank, void *ptr) {
  printMemref(rank, ptr, Element::I32);
}
void printMemrefI64(int64_t rank, void *ptr) {
  printMemref(rank, ptr, Element::I64);
}
void printMemrefI8(int64_t rank, void *ptr) {
  printMemref(rank, ptr, Element::I8);
}

} // extern "C"
