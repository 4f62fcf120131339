//===- Passes.td - fp8 conversion passes -------------------*- tablegen -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef FP8_CONVERSION_PASSES_TD
#define FP8_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// FP8ToLinalg
//===----------------------------------------------------------------------===//

def FP8LowerToLinalg : Pass<"fp8-lower-to-linalg"> {
  let summary = "Lower fp8 dialect ops to linalg, tensor, arith and math";
  let description = [{
    The reference lowering, numerically the contract of SPEC section 1:
    `fp8.amax` becomes a NaN-propagating max-of-abs reduction, `fp8.amax_to_scale`
    f64 arithmetic rounded to f32 (and the power-of-2 floor),
    `fp8.cast` an elementwise f32 multiply, clamp and `arith.truncf` to the
    fp8 type, and `fp8.scaled_matmul` an f32 matmul of the widened operands
    with reciprocal scales applied to the accumulator (or the `emulate`
    formula). fp8 `arith.truncf`/`arith.extf` are left for
    `--fp8-soft-conversions` or a hardware lowering.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

//===----------------------------------------------------------------------===//
// FP8ToGPU
//===----------------------------------------------------------------------===//

def FP8LowerToGPU : Pass<"fp8-lower-to-gpu"> {
  let summary = "Lower fp8.amax, fp8.cast and fp8.scaled_matmul to GPU "
                "kernels";
  let description = [{
    `fp8.amax` becomes a kernel with one workgroup per output element (and
    more along the reduction when it is long): each thread reduces a strided
    slice with NaN-propagating `maximumf`, `gpu.subgroup_reduce` combines a
    wave (DPP on AMD), and one lane per wave folds the result into the output
    with an unsigned atomic max on the f32 bit pattern (non-negative floats,
    and NaN above them, order like their bits).

    `fp8.scaled_matmul` (unless `emulate`) becomes a matrix-core kernel: on
    AMD (`chip=gfx942|gfx950`) one wave per 32x32 output tile issuing
    `amdgpu.mfma 32x32x16` on fp8/bf8 operands with f32 accumulation, the
    reciprocal scales and the conversion to the result type in the epilogue.
    On `chip=sm_90a`, a persistent warp-specialized kernel (grid = the
    multiprocessors, tiles in groups of 8 tile rows): a producer warpgroup
    issues TMA loads (`cp.async.bulk.tensor`, 128-byte swizzle, descriptors
    from the runtime's `fp8TensorMap2D`) into a ring of stages guarded by
    full/empty mbarriers; two consumer warpgroups issue
    `wgmma.mma_async.m64nNk32` on e4m3/e5m2 shared-memory descriptors. Tiles
    are 128 x 256 with fast accumulation, 128 x 192 without (the promoted
    sums take registers too), when the problem has at least 132 such tiles,
    else 128 x 128; as many stages as fit in the 227 KB of shared memory
    (4 to 6 with TMA stores, 4 to 7 without). `gemm-schedule=cooperative` (the two warpgroups share each
    tile) or `pingpong` (each warpgroup its own 128 x 128 tile, main loops
    in turn, one's epilogue under the other's main loop); `auto` is
    cooperative. Without fast accumulation each 128-deep K block starts from
    zero and is added into f32 registers (the tensor cores' fp8
    accumulation keeps about 14 bits). The epilogue applies 1/sa and 1/sb
    (rowwise: through shared memory). When C's rows are a static multiple
    of 16 bytes it stages C in 64-row boxes of 128 bytes (swizzled like the
    TMA, two boxes per warpgroup) and one thread stores each box with a TMA
    bulk store (`fp8TensorMap2D` with the element size), which clips
    partial tiles and overlaps the next tile's main loop; otherwise it
    stores pairs from registers. The mma.sync kernel
    (one warp per 16x8 tile, `mma.sync.m16n8k32`, every k step promoted
    without fast accumulation) serves sm_89, batched matmuls, K not a
    static multiple of 16 and a B that is neither cast here nor a transpose
    of a K-major tensor.

    On NVIDIA, `fp8.cast` to f8E4M3FN/f8E5M2 converts two neighbouring
    elements with one `cvt.rn.satfinite.{e4m3,e5m2}x2.f32` (eight per
    thread with 16-byte loads and 8-byte stores when the innermost size is
    a static multiple of 8). A cast whose scale is `amax_to_scale` of its
    own input's amax is fused: along the innermost dimension into one
    kernel (32 to 256 threads per row holding up to 64 bf16 elements each in
    registers, so the row is read once: amax, scale, cast; a warp per row
    reading it twice for rows longer than 16384 bf16), whole-tensor into two
    (the amax kernel, then the cast kernel computing and writing the
    scale). The B operand of a `fp8.scaled_matmul` is cast by the matmul
    lowering into N x K (K-major) layout, through shared memory in 64 x 64
    tiles when K and N are static multiples of 64 (a tensorwise B's kernel
    also computes the scale from its amax). A B that is the transpose of an
    N x K fp8 tensor (x @ W^T with W stored N x K) is read as it is. A 2-D
    cast that other GEMMs read transposed, or that more than one GEMM
    reads (a linear layer's input, weight and grad_output after CSE), is
    one tiled kernel writing both layouts (K x N with 32-bit stores of 4
    codes, N x K through shared memory); transposes of it and GEMMs'
    B operands then read the N x K copy. An amax over the rows of a matrix
    with a static column count that is a multiple of 8 reads whole rows
    (fp8_amax_columns). Kernels are outlined as `@fp8_kernels::@fp8_<op>`.
    Kernels are `gpu.launch` ops on buffers of the tensor operands; the
    remaining fp8 ops are left for `--fp8-lower-to-linalg`.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"gfx942\"",
           "target chip (gfx942, gfx950, sm_89, sm_90a, ...)">,
    Option<"gemmSchedule", "gemm-schedule", "std::string",
           /*default=*/"\"auto\"",
           "sm_90a GEMM: auto, cooperative (two warpgroups share a 128 x N "
           "tile) or pingpong (each warpgroup its own 128 x 128 tile, one's "
           "epilogue under the other's main loop; fast accumulation only)">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::amdgpu::AMDGPUDialect",
    "::mlir::NVVM::NVVMDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def FP8LowerSubgroupReduce : Pass<"fp8-lower-subgroup-reduce"> {
  let summary = "Lower gpu.subgroup_reduce for a chip";
  let description = [{
    Expands the wave-level reductions of the fp8 kernels before the GPU
    dialect is converted: DPP row/wave operations on AMD (`chip=gfx9..`,
    64-lane waves), `gpu.shuffle` butterflies elsewhere (32-lane warps).
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"gfx942\"",
           "target chip">
  ];
  let dependentDialects = [
    "::mlir::amdgpu::AMDGPUDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def FP8TruncFToNVVM : Pass<"fp8-truncf-to-nvvm"> {
  let summary = "Lower f32 -> e4m3/e5m2 truncations to NVVM hardware casts";
  let description = [{
    `arith.truncf` from f32 to f8E4M3FN or f8E5M2 becomes
    `nvvm.convert.f32x2.to.f8x2` with round-to-nearest and `satfinite`
    (`cvt.rn.satfinite.e4m3x2.f32` on sm_89+). Upstream MLIR has no lowering
    of fp8 truncations for NVVM. The fp8 casts clamp before converting, so
    saturation changes nothing there.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::NVVM::NVVMDialect"
  ];
}

def FP8TileLoopsForGPU : Pass<"fp8-tile-loops-for-gpu", "func::FuncOp"> {
  let summary = "Tile elementwise parallel loops into 256-iteration "
                "workgroups for GPU mapping";
  let description = [{
    Tiles every innermost `scf.parallel` without reductions (the
    elementwise loops left after the fp8 kernels) so that
    `gpu-map-parallel-loops` maps the tiles to blocks and the 256 points of
    a tile to threads: a one-dimensional loop by 256, a loop of two or more
    dimensions by 1 along the first and 256 along the second (upstream
    `scf-parallel-loop-tiling{parallel-loop-tile-sizes=1,256}`, which tiles
    a one-dimensional loop by 1 and so launches one thread per workgroup).
    Tiles carry bounds checks instead of `min` bounds, so launch sizes stay
    static.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect"];
}

def FP8AsyncLaunches : Pass<"fp8-async-launches", "func::FuncOp"> {
  let summary = "Chain a host function's kernel launches on one stream, "
                "waiting only where host code needs their results";
  let description = [{
    `gpu-to-llvm` gives every synchronous `gpu.launch_func` its own stream
    and waits for it, so the GPU idles while the host launches the next
    kernel. This pass makes consecutive launches of a block asynchronous on
    one stream (`gpu.wait async` creates it, each launch depends on the
    previous one, so they still run in program order) and inserts a
    blocking `gpu.wait` before the first op after them that may read or
    write memory on the host: loads, stores, copies, calls (printing), ops
    with regions, deallocations, and the block's terminator. Ops with no
    memory effects, allocations (fresh buffers no kernel uses yet) and the
    runtime's `fp8TensorMap2D` / `fp8MultiprocessorCount` (they read no
    buffer) do not wait. Launches that are already asynchronous, and those
    inside `gpu.module`s, are left alone.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def FP8StageGlobalsForGPU : Pass<"fp8-stage-globals-for-gpu", "ModuleOp"> {
  let summary = "Copy constant globals into allocated buffers GPU kernels "
                "can read";
  let description = [{
    Bufferization turns constant tensors into `memref.global` constants,
    which live in the host executable's read-only data where no GPU can read
    them. In host functions (outside `gpu.module`) every `memref.get_global`
    of a statically shaped, identity-layout global is replaced by a
    `memref.alloc` that the global is copied into once; with a runtime that
    allocates memrefs as managed memory (fp8's CUDA runtime), kernels and
    host code then share every buffer.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

//===----------------------------------------------------------------------===//
// ShardToMPI
//===----------------------------------------------------------------------===//

def FP8PrepareShardForMPI : Pass<"fp8-prepare-shard-for-mpi", "ModuleOp"> {
  let summary = "Make sharded fp8 programs executable by upstream "
                "convert-shard-to-mpi and the MPI lowering";
  let description = [{
    MLIR 22 lowers `shard.all_reduce` to MPI but has no MPI all-gather. This
    pass rewrites each `shard.all_gather` (tensors, static shapes) into an
    exact equivalent: every process writes its shard, bitcast to integers of
    the element's width, at its offset (`shard.process_multi_index`) in a
    zero-filled result, and a `shard.all_reduce` with `sum` adds the results
    (x + 0 = x for every bit pattern, so fp8 codes and bf16 bits arrive
    unchanged). It also records the MPI implementation whose ABI the LLVM
    lowering must use (module attribute `dlti.map` with
    `"MPI:Implementation"`: `mpi=mpich`; `mpi=openmpi` is refused because
    MLIR 22's lowering passes OpenMPI 4 wrong handles) and, when the
    module has collectives and a `func.func @main`, brackets `@main` with
    `mpi.init` and `mpi.finalize`.

    Traffic: an all-reduce moves about twice the bytes of an all-gather, for
    fp8 and high-precision gathers alike, so the 2x (bf16) and 4x (f32)
    savings of the float8 all-gather are preserved; an MPI all-gather (or
    NCCL's) halves both.
  }];
  let options = [
    Option<"mpi", "mpi", "std::string", /*default=*/"\"mpich\"",
           "MPI implementation whose ABI to call: mpich">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::affine::AffineDialect",
    "::mlir::DLTIDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::mpi::MPIDialect",
    "::mlir::shard::ShardDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

//===----------------------------------------------------------------------===//
// SoftFP8
//===----------------------------------------------------------------------===//

def FP8SoftConversions : Pass<"fp8-soft-conversions"> {
  let summary = "Expand arith conversions to and from 8-bit floats into "
                "integer bit manipulation";
  let description = [{
    Rewrites every `arith.truncf` to an 8-bit float type (from f32, f64, f16
    or bf16; round to nearest even), every `arith.extf` from one, and every
    8-bit float `arith.constant`, into integer arithmetic on the i8 bit
    patterns, so that `--convert-arith-to-llvm` can lower the result. All
    8-bit float types with a mantissa are handled (f8E4M3FN, f8E5M2,
    f8E4M3FNUZ, f8E5M2FNUZ, f8E4M3, f8E3M4, f8E4M3B11FNUZ), with their inf,
    NaN and negative-zero rules; results are bit-identical to
    `llvm::APFloat`. With `saturate`, out-of-range finite values and
    infinities become the largest finite value of the sign (NaN stays NaN).
    Also expands `arith.truncf` from f32 to bf16 (round to nearest even),
    which LLVM otherwise lowers to a libgcc routine older systems lack;
    `expand-bf16=false` leaves it to the target (the NVVM pipeline does:
    sm_80 and newer convert with `cvt.rn.bf16.f32`).
    Works on scalars, vectors and tensors.
  }];
  let options = [
    Option<"saturate", "saturate", "bool", /*default=*/"false",
           "clamp out-of-range values to the largest finite value">,
    Option<"expandBF16", "expand-bf16", "bool", /*default=*/"true",
           "also expand f32 -> bf16 truncations">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // FP8_CONVERSION_PASSES_TD
