//===- Print.cpp - printMemref* and FP8_DUMP_DIR dumps --------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The printMemref* functions of MLIR's runner utilities, same output format,
// so that executables print like mlir-runner does on the CPU path.
// * Device memory is copied to the host first (hostReadable).
// * FP8_DUMP_DIR=<dir>: every printMemref* call also writes its memref to
//   <dir>/NNNN.bin (see writeDump); FP8_PRINT=none then skips the text, for
//   matrices too large to print.
//
//===----------------------------------------------------------------------===//

#include "RuntimeInternals.h"

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace mlir::fp8::runtime::cuda;

namespace {
/// The element types of printMemref*; the code is the dumps' element code.
enum class Element : int32_t { F32 = 0, F64 = 1, I32 = 2, I64 = 3, I8 = 4 };
} // namespace

static int64_t elementSize(Element e) {
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

static void printElement(const char *p, Element e) {
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
static void printData(const char *base, Element e, int64_t rank, int64_t dim,
                      int64_t offset, const int64_t *sizes,
                      const int64_t *strides) {
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
static void writeDump(const Descriptor *d, const char *base, int64_t first,
                      Element e, int64_t rank) {
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
  for (int64_t linear = 0; linear < count; ++linear) {
    int64_t offset = first, rest = linear;
    for (int64_t i = rank - 1; i >= 0; --i) {
      offset += (rest % sizes[i]) * strides[i];
      rest /= sizes[i];
    }
    std::fwrite(base + offset * size, size, 1, file);
  }
  std::fclose(file);
}

static void printMemref(int64_t rank, void *ptr, Element e) {
  const auto *d = static_cast<const Descriptor *>(ptr);
  const int64_t *sizes = d->sizesAndStrides;
  const int64_t *strides = d->sizesAndStrides + rank;
  const char *mode = std::getenv("FP8_PRINT");
  bool text = !(mode && std::strcmp(mode, "none") == 0);
  // Device memory is copied to the host only when something reads it.
  std::vector<char> staging;
  int64_t first = d->offset;
  const char *base = d->aligned;
  if (text || std::getenv("FP8_DUMP_DIR"))
    base = hostReadable(d, rank, elementSize(e), staging, first);
  writeDump(d, base, first, e, rank);
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
  if (!text) {
    std::printf("<not printed: FP8_PRINT=none>\n");
  } else {
    if (rank == 0)
      std::fputc('[', stdout);
    printData(base, e, rank, 0, first, sizes, strides);
    if (rank == 0)
      std::fputc(']', stdout);
    std::fputc('\n', stdout);
  }
  std::fflush(stdout);
}

namespace mlir::fp8::runtime::cuda {

const char *hostReadable(const Descriptor *d, int64_t rank,
                         int64_t elementSize, std::vector<char> &staging,
                         int64_t &offset) {
  offset = d->offset;
  if (!d->aligned || !isDeviceBuffer(d->aligned))
    return d->aligned;
  useContext();
  // The span from the first element to the last (strides are not
  // negative).
  const int64_t *sizes = d->sizesAndStrides;
  const int64_t *strides = d->sizesAndStrides + rank;
  int64_t last = 0;
  for (int64_t i = 0; i < rank; ++i) {
    if (sizes[i] == 0)
      return d->aligned;
    last += (sizes[i] - 1) * strides[i];
  }
  size_t bytes = static_cast<size_t>(last + 1) * elementSize;
  staging.resize(bytes);
  FP8_CHECK(cuCtxSynchronize());
  FP8_CHECK(cuMemcpyDtoH(staging.data(),
                         reinterpret_cast<CUdeviceptr>(
                             d->aligned + d->offset * elementSize),
                         bytes));
  offset = 0;
  return staging.data();
}

} // namespace mlir::fp8::runtime::cuda

extern "C" {

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
