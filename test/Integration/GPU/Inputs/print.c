// Calls fp8's CUDA runtime printing and copying functions on host memory
// (no GPU needed): runtime.mlir compares the text with mlir-runner's.
#include <stdint.h>
#include <stdio.h>

void printMemrefF32(int64_t rank, void *descriptor);
void printMemrefI32(int64_t rank, void *descriptor);
struct Unranked {
  int64_t rank;
  void *descriptor;
};
void memrefCopy(int64_t elemSize, struct Unranked *src, struct Unranked *dst);

struct Memref2D {
  void *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
};
struct Memref0D {
  void *allocated, *aligned;
  int64_t offset;
};

void fp8_user_main(void) {
  float f[6] = {1.5f, -2.0f, 0.0f, 3.25f, 1e-8f, 65504.0f};
  struct Memref2D mf = {f, f, 0, {2, 3}, {3, 1}};
  printMemrefF32(2, &mf);
  // A transposed view: strides (1, 3).
  struct Memref2D mt = {f, f, 0, {3, 2}, {1, 3}};
  printMemrefF32(2, &mt);
  int32_t s = 1137032425;
  struct Memref0D ms = {&s, &s, 0};
  printMemrefI32(0, &ms);
  // memrefCopy of the transposed view into a dense 3x2 buffer.
  float dense[6] = {0};
  struct Memref2D md = {dense, dense, 0, {3, 2}, {2, 1}};
  struct Unranked src = {2, &mt}, dst = {2, &md};
  memrefCopy(sizeof(float), &src, &dst);
  printMemrefF32(2, &md);
}
