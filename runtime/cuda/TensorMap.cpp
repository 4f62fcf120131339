//===- TensorMap.cpp - TMA descriptors and the persistent grid's size -----===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The runtime side of the sm_90a GEMM (lib/Conversion/FP8ToGPU/NVVM/
// HopperGemm.cpp emits the calls): TMA descriptors (CUtensorMap) for its
// operands and result, and the number of multiprocessors its persistent
// grid spans.
//
//===----------------------------------------------------------------------===//

#include "RuntimeInternals.h"

#include <map>
#include <mutex>
#include <tuple>

using namespace mlir::fp8::runtime::cuda;

/// The TMA element type of `elementBytes`-byte elements (1, 2 or 4): the
/// descriptors only move bytes, so unsigned integers of the same size.
static CUtensorMapDataType tensorMapDataType(int64_t elementBytes) {
  switch (elementBytes) {
  case 1:
    return CU_TENSOR_MAP_DATA_TYPE_UINT8;
  case 2:
    return CU_TENSOR_MAP_DATA_TYPE_UINT16;
  case 4:
    return CU_TENSOR_MAP_DATA_TYPE_UINT32;
  default:
    fatal("fp8TensorMap2D: %lld-byte elements (1, 2 or 4 expected)",
          static_cast<long long>(elementBytes));
  }
}

extern "C" {

/// Swizzled by 128 bytes: the layout wgmma reads K-major operands in, and
/// the one the GEMM's epilogue stages its output in. Out-of-bounds elements
/// read as zero and are not written. Descriptors live in device memory, made
/// once per distinct argument tuple (the kernel reads them through a generic
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
  CUtensorMapDataType type = tensorMapDataType(elementBytes);
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

} // extern "C"
