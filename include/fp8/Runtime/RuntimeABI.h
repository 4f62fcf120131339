//===- RuntimeABI.h - what generated code calls at run time -----*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The one declaration of the host runtime ABI: every function that host code
// lowered by fp8's GPU pipelines calls (upstream `gpu-to-llvm`'s mgpu*
// functions, `finalize-memref-to-llvm{use-generic-functions}`'s allocation
// and copy, the printMemref* of MLIR's runner utilities, and fp8's own
// entry points), with the C types they have in fp8's runtime (runtime/cuda,
// which includes this header, so a definition that drifts from it does not
// compile). An embedder with its own GPU runtime implements the same
// prototypes. `index` is int64_t; CUDA handles are the opaque pointers of
// cuda.h, which this header does not need.
//
// The compiler side names the functions it emits calls to through the
// constants in mlir::fp8::runtime, never through string literals.
//
// The header is C and C++; the constants are C++ only.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_RUNTIME_RUNTIMEABI_H
#define FP8_RUNTIME_RUNTIMEABI_H

// The C headers in C++ too: they declare size_t and int64_t globally.
#include <stddef.h>
#include <stdint.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

// The handle types of cuda.h (CUmodule, CUfunction, CUstream, CUevent) are
// pointers to these.
struct CUmod_st;
struct CUfunc_st;
struct CUstream_st;
struct CUevent_st;

/// An unranked memref as generated code passes it to memrefCopy: the rank and
/// the address of the ranked descriptor (allocated, aligned, offset,
/// sizes[rank], strides[rank]).
struct FP8UnrankedMemRef {
  int64_t rank;
  void *descriptor;
};

#ifdef __cplusplus
extern "C" {
#endif

//===----------------------------------------------------------------------===//
// gpu-to-llvm (upstream's mgpu* ABI of the CUDA runtime wrappers)
//===----------------------------------------------------------------------===//

struct CUmod_st *mgpuModuleLoad(void *data, size_t gpuBlobSize);
struct CUmod_st *mgpuModuleLoadJIT(void *data, int optLevel);
void mgpuModuleUnload(struct CUmod_st *module);
struct CUfunc_st *mgpuModuleGetFunction(struct CUmod_st *module,
                                        const char *name);
void mgpuLaunchKernel(struct CUfunc_st *function, intptr_t gridX,
                      intptr_t gridY, intptr_t gridZ, intptr_t blockX,
                      intptr_t blockY, intptr_t blockZ, int32_t smem,
                      struct CUstream_st *stream, void **params, void **extra,
                      size_t paramsCount);

struct CUstream_st *mgpuStreamCreate(void);
void mgpuStreamDestroy(struct CUstream_st *stream);
void mgpuStreamSynchronize(struct CUstream_st *stream);
void mgpuStreamWaitEvent(struct CUstream_st *stream, struct CUevent_st *event);

struct CUevent_st *mgpuEventCreate(void);
void mgpuEventDestroy(struct CUevent_st *event);
void mgpuEventSynchronize(struct CUevent_st *event);
void mgpuEventRecord(struct CUevent_st *event, struct CUstream_st *stream);

void *mgpuMemAlloc(uint64_t sizeBytes, struct CUstream_st *stream,
                   bool isHostShared);
void mgpuMemFree(void *ptr, struct CUstream_st *stream);
void mgpuMemcpy(void *dst, void *src, size_t sizeBytes,
                struct CUstream_st *stream);
void mgpuMemset32(void *dst, unsigned value, size_t count,
                  struct CUstream_st *stream);
void mgpuMemset16(void *dst, unsigned short value, size_t count,
                  struct CUstream_st *stream);
void mgpuMemHostRegisterMemRef(int64_t rank, void *ptr,
                               int64_t elementSizeBytes);
void mgpuMemHostUnregisterMemRef(int64_t rank, void *ptr,
                                 int64_t elementSizeBytes);
void mgpuSetDefaultDevice(int32_t device);

//===----------------------------------------------------------------------===//
// finalize-memref-to-llvm{use-generic-functions=1}
//===----------------------------------------------------------------------===//

void *_mlir_memref_to_llvm_alloc(size_t size);
void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size);
void _mlir_memref_to_llvm_free(void *ptr);
/// memref.copy between non-contiguous memrefs, elements of `elemSize` bytes.
void memrefCopy(int64_t elemSize, struct FP8UnrankedMemRef *src,
                struct FP8UnrankedMemRef *dst);

//===----------------------------------------------------------------------===//
// printMemref* (MLIR's runner utilities: `ptr` is the ranked descriptor)
//===----------------------------------------------------------------------===//

void printMemrefF32(int64_t rank, void *ptr);
void printMemrefF64(int64_t rank, void *ptr);
void printMemrefI32(int64_t rank, void *ptr);
void printMemrefI64(int64_t rank, void *ptr);
void printMemrefI8(int64_t rank, void *ptr);

//===----------------------------------------------------------------------===//
// fp8's own entry points
//===----------------------------------------------------------------------===//

/// The device address of a TMA descriptor (CUtensorMap) for a row-major
/// `rows` x `cols` matrix of `elementBytes`-byte elements (1, 2 or 4) at
/// `base`, read and written in `boxRows` x `boxCols` boxes swizzled by 128
/// bytes, out-of-bounds elements zero; 0 for an empty matrix. MLIR type:
/// (index, index, index, index, index, index) -> i64.
uint64_t fp8TensorMap2D(uint64_t base, int64_t rows, int64_t cols,
                        int64_t boxRows, int64_t boxCols, int64_t elementBytes);
/// Multiprocessors of the current device (the persistent grid's size). MLIR
/// type: () -> index.
int64_t fp8MultiprocessorCount(void);

/// For a program's `main`, after each run of the program: waits for the
/// launches since the last call and, with FP8_PROFILE set, prints one line
/// per kernel.
void fp8FlushProfile(void);
/// Prints on stderr the device pool's peak bytes in use, its allocation and
/// free counts, the bytes still allocated and the peak of pinned host memory
/// (the executable's `main` calls it at exit under FP8_MEMSTATS=1).
void fp8PrintMemStats(void);

/// The program's `@main`, renamed by fp8-cuda-compile; the runtime's `main`
/// calls it.
void fp8_user_main(void);

#ifdef __cplusplus
} // extern "C"

namespace mlir::fp8::runtime {

/// The names of the runtime functions the compiler emits calls to (besides
/// the ones upstream's conversions emit).
inline constexpr char kTensorMap2D[] = "fp8TensorMap2D";
inline constexpr char kMultiprocessorCount[] = "fp8MultiprocessorCount";

} // namespace mlir::fp8::runtime
#endif // __cplusplus

#endif // FP8_RUNTIME_RUNTIMEABI_H
