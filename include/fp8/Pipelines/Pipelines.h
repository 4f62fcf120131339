//===- Pipelines.h - fp8 pass pipelines -------------------------*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef FP8_PIPELINES_PIPELINES_H
#define FP8_PIPELINES_PIPELINES_H

#include "fp8/Conversion/FP8ToGPU/FP8ToGPU.h"

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class DialectRegistry;
class OpPassManager;
namespace fp8 {

/// What the GPU pipelines serialize their kernels as.
enum class KernelFormat {
  /// Assembly text: PTX, AMD GCN assembly.
  Isa,
  /// Code objects: cubin (ptxas), HSACO (ld.lld).
  Bin,
};

/// The options of --fp8-rewrite-matmul, shared by every pipeline.
struct RewritePipelineOptions
    : public PassPipelineOptions<RewritePipelineOptions> {
  Option<std::string> recipe{
      *this, "recipe",
      llvm::cl::desc("torchao recipe: tensorwise, rowwise, rowwise_with_gw_hp"),
      llvm::cl::init("")};
  Option<std::string> config{
      *this, "config",
      llvm::cl::desc("a #fp8.linear<...> attribute (without spaces)"),
      llvm::cl::init("")};
  Option<std::string> typeConfig{
      *this, "type-config",
      llvm::cl::desc("float8 type pair: auto, ocp or fnuz"),
      llvm::cl::init("auto")};
  Option<std::string> chip{
      *this, "chip",
      llvm::cl::desc("target chip for type-config=auto (sm_90a, gfx942, ...)"),
      llvm::cl::init("")};
  Option<bool> strict{
      *this, "strict",
      llvm::cl::desc("make unconvertible matmuls an error"),
      llvm::cl::init(false)};
  Option<std::string> convert{
      *this, "convert",
      llvm::cl::desc("contractions to convert: linear (linear-layer GEMMs) "
                     "or all (attention too)"),
      llvm::cl::init("linear")};
  Option<bool> remarks{
      *this, "remarks",
      llvm::cl::desc("a remark per contraction: inferred role, or why it "
                     "stays in high precision"),
      llvm::cl::init(false)};
  Option<KernelFormat> format{
      *this, "format", llvm::cl::desc("GPU pipelines: kernel binary format"),
      llvm::cl::init(KernelFormat::Isa),
      llvm::cl::values(
          clEnumValN(KernelFormat::Isa, "isa",
                     "assembly text (PTX, AMD GCN assembly)"),
          clEnumValN(KernelFormat::Bin, "bin",
                     "code objects (cubin with ptxas, HSACO with ld.lld)"))};
  Option<std::string> toolkit{
      *this, "toolkit",
      llvm::cl::desc("GPU pipelines: toolkit path for the kernel binaries "
                     "(ROCm: TOOLKIT/llvm/bin/ld.lld links code objects; "
                     "default /opt/rocm)"),
      llvm::cl::init("")};
  Option<GemmSchedule> gemmSchedule{
      *this, "gemm-schedule",
      llvm::cl::desc("NVVM pipeline, sm_90a: GEMM kernel schedule"),
      llvm::cl::init(GemmSchedule::Auto),
      llvm::cl::values(
          clEnumValN(GemmSchedule::Auto, "auto", "the default: cooperative"),
          clEnumValN(GemmSchedule::Cooperative, "cooperative",
                     "two warpgroups share each tile"),
          clEnumValN(GemmSchedule::Pingpong, "pingpong",
                     "each warpgroup its own tile, in turn"))};
  Option<std::string> mpi{
      *this, "mpi",
      llvm::cl::desc("CPU pipeline: sharded programs (shard dialect) run "
                     "their collectives through MPI with this "
                     "implementation's ABI: mpich (default: none, "
                     "no shard collectives allowed)"),
      llvm::cl::init("")};
};

/// Rewrites matmuls to fp8 ops, lowers them to linalg with software fp8
/// conversions, bufferizes (across function boundaries) and lowers
/// everything to the LLVM dialect, ready for mlir-runner or
/// mlir-translate --mlir-to-llvmir.
void buildFP8CPUPipeline(OpPassManager &pm,
                         const RewritePipelineOptions &options);

/// Rewrites matmuls to fp8 ops for an AMD GPU (`chip`, default gfx942: the
/// fnuz types on MI300, OCP on gfx950), turns amax and scaled matmuls into
/// wave-reduction and MFMA kernels, the elementwise work into GPU kernels
/// (hardware fp8 conversions, v_cvt_pk_fp8/bf8_f32), compiles the kernels
/// with the AMDGPU backend (`format`) and lowers the host code to the LLVM
/// dialect with launches through the GPU runtime calls.
void buildFP8ROCDLPipeline(OpPassManager &pm,
                           const RewritePipelineOptions &options);

/// The same for an NVIDIA GPU (`chip`, default sm_90a; sm_89 and newer):
/// warp-reduction amax and mma.sync.m16n8k32 e4m3/e5m2 kernels, saturating
/// cvt.rn.satfinite conversions; PTX (`format=isa`) or cubin (`format=bin`,
/// ptxas from `toolkit`, default /usr/local/cuda).
void buildFP8NVVMPipeline(OpPassManager &pm,
                          const RewritePipelineOptions &options);

/// Registers --fp8-cpu-pipeline, --fp8-rocdl-pipeline, --fp8-nvvm-pipeline.
void registerFP8Pipelines();

/// Registers the fp8 dialect and every upstream dialect and interface
/// implementation (bufferization, LLVM lowering) that the fp8 passes and
/// pipelines consume or produce, so a tool can parse their input and run
/// them. fp8-opt, the plugin and the C API use this.
void registerFP8PipelineDialects(DialectRegistry &registry);

/// Registers every fp8 pass and pipeline.
void registerAllFP8Passes();

} // namespace fp8
} // namespace mlir

#endif // FP8_PIPELINES_PIPELINES_H
