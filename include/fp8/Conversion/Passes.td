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

def FP8LowerToGPU : Pass<"fp8-lower-to-gpu", "ModuleOp"> {
  let summary = "Lower fp8.amax, fp8.cast and fp8.scaled_matmul to GPU "
                "kernels";
  let description = [{
    Emits a `gpu.launch` on buffers of the tensor operands for each op that
    needs more than an elementwise loop, outlined later into
    `@fp8_kernels::@fp8_<kernel>`; the remaining fp8 ops are left for
    `--fp8-lower-to-linalg`.

    - `fp8.amax`: a reduction kernel (NaN-propagating `maximumf`, a
      `gpu.subgroup_reduce` per wave, an unsigned atomic max on the f32 bits).
    - `fp8.cast` (NVIDIA, OCP types): `cvt.rn.satfinite` pair kernels; casts
      whose scale comes from their own amax are fused; the B operand of a
      GEMM is cast K-major by the GEMM's lowering; a 2-D cast read in both
      layouts is one kernel writing both.
    - `fp8.scaled_matmul` (not emulated): `amdgpu.mfma` on gfx942/gfx950,
      `mma.sync.m16n8k32` on sm_89+, and on sm_90a a persistent
      warp-specialized TMA + `wgmma` kernel.

    With `outline-kernels`, the kernels are outlined into `@fp8_kernels`
    at the end, one `gpu.func` per distinct kernel (`--fp8-outline-kernels`),
    and a GEMM whose kernel was built before (the same tile shape, types,
    static sizes and arguments: its cache key) launches it without building
    it again: a model's repeated layers cost their host code, not their
    kernels.

    The kernels, their tile shapes and the cast plan are described in
    docs/gpu-kernels.md. The pass adds the runtime's declarations
    (`fp8TensorMap2D`, `fp8MultiprocessorCount`) to the module.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"gfx942\"",
           "target chip (gfx942, gfx950, sm_89, sm_90a, ...)">,
    Option<"gemmSchedule", "gemm-schedule", "::mlir::fp8::GemmSchedule",
           /*default=*/"::mlir::fp8::GemmSchedule::Auto",
           "sm_90a GEMM: auto, cooperative (two warpgroups share a 128 x N "
           "tile) or pingpong (each warpgroup its own 128 x 128 tile, one's "
           "epilogue under the other's main loop; fast accumulation only)",
           [{::llvm::cl::values(
             clEnumValN(::mlir::fp8::GemmSchedule::Auto, "auto",
                        "the default: cooperative"),
             clEnumValN(::mlir::fp8::GemmSchedule::Cooperative, "cooperative",
                        "two warpgroups share each tile"),
             clEnumValN(::mlir::fp8::GemmSchedule::Pingpong, "pingpong",
                        "each warpgroup its own tile, in turn"))}]>,
    Option<"smCount", "sm-count", "int64_t", /*default=*/"0",
           "multiprocessors the sm_90a tile heuristic plans for (0: the "
           "chip's default, 132 on sm_90; the launch asks the driver)">,
    Option<"outlineKernels", "outline-kernels", "bool", /*default=*/"false",
           "outline the kernels as --fp8-outline-kernels does (one gpu.func "
           "per distinct kernel), and launch a GEMM kernel built before "
           "without building it again (the pipelines do)">,
    Option<"checkKernelCache", "check-kernel-cache", "bool",
           /*default=*/"false",
           "with outline-kernels: build every GEMM kernel anyway and fail if "
           "one differs from the kernel its cache key names (a test of the "
           "keys)">
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
  let summary = "Collapse elementwise parallel loops to one dimension and "
                "tile them into 256-iteration workgroups for GPU mapping";
  let description = [{
    Every innermost `scf.parallel` without reductions (the elementwise
    loops left after the fp8 kernels) becomes one loop over all its points,
    the innermost dimension fastest (upstream `collapseParallelLoops`),
    tiled by 256 so that `gpu-map-parallel-loops` maps the tiles to
    `blockIdx.x` and the points of a tile to `threadIdx.x`. Consecutive
    threads so touch consecutive elements, every workgroup is full whatever
    the shape, and only `gridDim.x` (up to 2^31 - 1) grows with the sizes:
    mapping the dimensions as they are would put the second and third on
    `gridDim.y` and `gridDim.z`, which stop at 65,535 (a (B, S, 131072)
    tensor), and leave 240 of 256 threads idle when the tiled dimension is
    16. Tiles carry bounds checks instead of `min` bounds, so launch sizes
    stay static.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::affine::AffineDialect"];
}

def FP8AsyncLaunches : Pass<"fp8-async-launches", "ModuleOp"> {
  let summary = "Chain the host's kernel launches, device allocations, "
                "frees and copies on the program's stream, waiting only where "
                "host code needs their results";
  let description = [{
    `gpu-to-llvm` gives every synchronous GPU op its own stream and waits
    for it, so the GPU idles while the host launches the next kernel. This
    pass makes the synchronous `gpu.launch_func`, `gpu.alloc` (not
    `host_shared`), `gpu.dealloc` and `gpu.memcpy` of each block of the
    host functions asynchronous, each depending on the one before
    (`gpu.wait async` starts the chain), so they run in program order and a
    free is stream-ordered after the kernels before it. The host waits
    (a blocking `gpu.wait`) only before an op that may read or write memory
    the GPU may use: loads, stores and copies of memory other than
    host-only buffers, calls of external functions (printing) and the
    return of a public function (its caller may read what it returns).

    It relies on fp8's runtime, where every stream is the program's one
    in-order stream: work enqueued by an enclosing block, earlier loop
    iterations or a called function is ordered before a block's own, so
    ops with regions, calls of the module's functions and other
    terminators need no wait; a block that needs to wait without a chain of
    its own waits on a fresh token of the stream. Host-only memory (no wait
    for its loads and stores) is what `memref.alloc` and `memref.alloca`
    return once `--fp8-place-buffers-for-gpu` has moved every kernel
    buffer to `gpu.alloc`, and the arguments of private functions every
    call passes such memory (upstream's deallocation helper). The
    runtime's `fp8TensorMap2D` / `fp8MultiprocessorCount` read no buffer.
    GPU ops that are already asynchronous, and `gpu.module`s, are left
    alone.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def FP8PlaceBuffersForGPU : Pass<"fp8-place-buffers-for-gpu", "ModuleOp"> {
  let summary = "Put kernel buffers in device memory, and stage host code's "
                "accesses to them through host copies";
  let description = [{
    Runs on bufferized host code after kernel outlining and deallocation.
    Every memref value of the host functions (outside `gpu.module`s) is
    put in an alias class: views, casts, loop-carried and branch values.
    What a callee does to an argument counts for the caller's operand, and
    what a caller does to a result for what the callee returns (each call
    site on its own). A class is *kernel* if a `gpu.launch_func` takes one
    of its values or an address taken from one
    (`memref.extract_aligned_pointer_as_index`) reaches a launch or a TMA
    descriptor (`fp8TensorMap2D`). Then:

    - `memref.alloc` of a kernel class becomes `gpu.alloc` (device memory
      from the runtime's stream-ordered pool); one that an op of unknown
      memory effects also touches becomes `gpu.alloc host_shared` (pinned
      host memory); the rest stay `memref.alloc` (host memory);
    - `memref.dealloc` and identity-layout `memref.copy` of buffers that may
      come from `gpu.alloc` (origins follow calls: a callee's returned
      buffer, a caller's argument) become `gpu.dealloc` and `gpu.memcpy`;
    - host code that reads or writes device memory (loads, stores, vector
      transfers, copies left on the host, calls of external functions other
      than the runtime's printing, which copies by itself) does so on a host
      copy: around the outermost op that accesses the buffer without
      handing it to the GPU inside (a whole loop nest, not each load), the
      buffer is copied to a new host buffer, the accesses are redirected to
      it (views rebuilt on it), and it is copied back if written, then
      freed.

    `memref.alloca` (stack memory) or `memref.get_global` of a kernel class
    is an error (`fp8-stage-globals-for-gpu` copies constant globals into
    allocations before this pass), as is a host access to device memory
    whose buffer does not have an identity layout.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::memref::MemRefDialect"];
}

def FP8StageGlobalsForGPU : Pass<"fp8-stage-globals-for-gpu", "ModuleOp"> {
  let summary = "Copy constant globals into allocated buffers GPU kernels "
                "can read";
  let description = [{
    Bufferization turns constant tensors into `memref.global` constants,
    which live in the host executable's read-only data where no GPU can read
    them. In host functions (outside `gpu.module`) every `memref.get_global`
    of a statically shaped, identity-layout global is replaced by a
    `memref.alloc` that the global is copied into once
    (`--fp8-place-buffers-for-gpu` then makes the allocation device memory
    and the copy a `gpu.memcpy` when a kernel reads it). A `memref.get_global` of a mutable
    (non-`constant`) global is an error: its copy would keep the writes of
    kernels and host code from the global.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def FP8OutlineKernels : Pass<"fp8-outline-kernels", "ModuleOp"> {
  let summary = "Outline GPU kernels, one gpu.func per distinct kernel";
  let description = [{
    Every `gpu.launch` becomes a `gpu.launch_func` of a `gpu.func` in the
    `gpu.module` the launch names (`@fp8_kernels` when it names none), as
    upstream's `--gpu-kernel-outlining` does, except that a kernel that is
    the same code as one the module already has (the same ops, attributes,
    types and use-def structure; locations aside) is not added again: the
    launch calls the existing one. A model's layers thus add launches, not
    kernels, and the binary, the device compilation and its time stay those
    of the distinct kernels.

    Before outlining, host values that fold to constants (a kernel's sizes
    computed from static shapes) are replaced by constants, and constants,
    `memref.dim`, `arith.select` and `arith.cmpi` are sunk into the kernel
    (what upstream's `--gpu-launch-sink-index-computations` sinks; its
    outlining alone passes even constants as arguments): kernels are
    specialized for what is static, and a launch grid of static size is a
    `known_grid_size`.

    A kernel is named after the launch's `function` (upstream's
    `<function>_kernel` when it has none) followed by `_` and 8 hex digits
    of a hash of its code: the same kernel gets the same name in every
    program, and profiles keep the kind (`fp8_scaled_matmul_wgmma_...`).
    Symbols a kernel uses are copied into its module. Running the pass
    again (the pipelines do, after the elementwise loops become launches)
    adds to the kernels already there.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::arith::ArithDialect"];
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
