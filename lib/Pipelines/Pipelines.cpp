//===- Pipelines.cpp - fp8 pass pipelines ---------------------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "fp8/Pipelines/Pipelines.h"
#include "fp8/Pipelines/Passes.h"
#include "fp8/Conversion/Passes.h"
#include "fp8/Dialect/FP8/Transforms/Passes.h"

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/Support/GpuTarget.h"

#include "mlir/Conversion/MPIToLLVM/MPIToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/DLTI/DLTI.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/LLVMIR/ROCDLDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/MPI/IR/MPI.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Shard/IR/ShardDialect.h"
#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVM/ROCDL/Target.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::fp8;

/// Adds --fp8-rewrite-matmul with the pipeline's rewrite options. A `chip`
/// picks the type configuration; only a hardware pipeline (`forHardware`)
/// also rejects the fp8 types the chip cannot convert.
static void addRewritePass(OpPassManager &pm,
                           const RewritePipelineOptions &options,
                           StringRef chip, bool forHardware) {
  FP8RewriteMatmulOptions rewrite;
  rewrite.recipe = options.recipe;
  rewrite.config = options.config;
  rewrite.typeConfig = options.typeConfig;
  rewrite.chip = chip.str();
  rewrite.strict = options.strict;
  rewrite.convert = options.convert;
  rewrite.remarks = options.remarks;
  FailureOr<TypeConfig> chipTypes = getTypeConfigForChip(chip);
  if (!forHardware && succeeded(chipTypes)) {
    if (rewrite.typeConfig == "auto")
      rewrite.typeConfig = stringifyTypeConfig(*chipTypes).str();
    rewrite.chip.clear();
  }
  pm.addPass(createFP8RewriteMatmul(rewrite));
  pm.addPass(createFP8StripAttributes());
}

/// Tensors to buffers, across function boundaries so that tensors passed to
/// printMemrefF32 and friends become plain memrefs. Loops may yield new
/// buffers (a training loop's updated weights): the deallocation passes
/// free the ones each iteration replaces.
static void addBufferization(OpPassManager &pm) {
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.allowReturnAllocsFromLoops = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
}

/// Everything outside GPU kernels (loops, memrefs, arith, math, calls) to
/// the LLVM dialect, with software fp8 conversions. `runtimeAllocs`: memref
/// buffers come from the runtime's _mlir_memref_to_llvm_alloc instead of
/// malloc (the GPU runtimes' host-only buffers; kernel buffers are
/// gpu.alloc by then).
static void addHostToLLVM(OpPassManager &pm, bool runtimeAllocs = false) {
  pm.addPass(createFP8SoftConversions());
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  // Dynamic offsets of views (e.g. a shard placed at its rank's offset)
  // leave affine.apply behind.
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertMathToLLVMPass());
  // What LLVM has no intrinsic for (erf, tanh, atan, ...): libm calls.
  pm.addPass(createConvertMathToLibmPass());
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useGenericFunctions = runtimeAllocs;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
}

namespace {
/// Drops what only the MPI lowering needed once it is done: the module's
/// "MPI:Implementation" entry and the shard.grid declarations. Tools that
/// load neither DLTI nor shard (mlir-runner) could not parse them.
struct DropShardMetadataPass
    : public PassWrapper<DropShardMetadataPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(DropShardMetadataPass)
  StringRef getArgument() const final { return "fp8-drop-shard-metadata"; }
  void runOnOperation() override {
    ModuleOp module = getOperation();
    module->removeAttr("dlti.map");
    for (auto grid :
         llvm::make_early_inc_range(getOperation().getOps<shard::GridOp>()))
      grid.erase();
  }
};

/// Stops a GPU pipeline before its first pass when `vendor`'s pipeline does
/// not compile for `chip`, with one error on the module that lists the
/// chips it does (upstream passes given such a chip fail late, some without
/// a location, some in LLVM fatal errors).
struct CheckChipPass
    : public PassWrapper<CheckChipPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(CheckChipPass)
  CheckChipPass(StringRef pipeline, GpuTarget::Vendor vendor, StringRef chip)
      : pipeline(pipeline.str()), vendor(vendor), chip(chip.str()) {}
  StringRef getArgument() const final { return "fp8-check-chip"; }
  void runOnOperation() override {
    if (failed(GpuTarget::parseSupported(vendor, chip, pipeline, [&] {
          return getOperation().emitError();
        })))
      signalPassFailure();
  }

  std::string pipeline;
  GpuTarget::Vendor vendor;
  std::string chip;
};
} // namespace

/// Ends `pipeline` with the check that everything reached the LLVM dialect.
static void addCheckLowered(OpPassManager &pm, StringRef pipeline) {
  FP8CheckLoweredOptions options;
  options.pipeline = pipeline.str();
  pm.addPass(createFP8CheckLowered(options));
}

/// Adds the chip check of the `vendor` GPU pipeline `pipeline`; returns
/// whether the pipeline goes on (the chip is supported).
static bool addCheckChip(OpPassManager &pm, StringRef pipeline,
                         GpuTarget::Vendor vendor, StringRef chip) {
  pm.addPass(std::make_unique<CheckChipPass>(pipeline, vendor, chip));
  return GpuTarget::isSupported(vendor, chip);
}

void fp8::buildFP8CPUPipeline(OpPassManager &pm,
                              const RewritePipelineOptions &options) {
  // fp8 ops on tensors, then their reference lowering.
  addRewritePass(pm, options, options.chip, /*forHardware=*/false);
  pm.addPass(createFP8LowerToLinalg());
  pm.addNestedPass<func::FuncOp>(createFP8DecomposeAggregates());
  pm.addPass(createFP8SoftConversions());
  bool sharded = !options.mpi.empty();
  if (sharded) {
    // Collectives: all-gathers as exact all-reduces, then MPI (upstream).
    FP8PrepareShardForMPIOptions mpi;
    mpi.mpi = options.mpi;
    pm.addPass(createFP8PrepareShardForMPI(mpi));
    pm.addPass(createConvertShardToMPIPass());
  }
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createFP8UnshareEmptyTensors());
  addBufferization(pm);
  // The ownership-based deallocation cannot see through the mpi ops (they
  // declare no memory effects): sharded programs keep their buffers until
  // they exit.
  if (!sharded) {
    bufferization::buildBufferDeallocationPipeline(pm);
    pm.addNestedPass<func::FuncOp>(createFP8FreeAfterLastUse());
  }
  // Loops, then the LLVM dialect.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  addHostToLLVM(pm);
  // The mpi dialect (MPI_* calls in the chosen implementation's ABI).
  if (sharded) {
    pm.addPass(createConvertToLLVMPass());
    pm.addPass(std::make_unique<DropShardMetadataPass>());
  }
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  addCheckLowered(pm, "fp8-cpu-pipeline");
}

/// Frees every host buffer after its last use (launches of kernels that
/// read it included), then places each in device, pinned or host memory.
/// Runs after outlining on the host functions only: kernels allocate
/// nothing, and upstream's deallocation would walk their gpu.func too.
static void addGPUDeallocation(OpPassManager &pm) {
  OpPassManager &host = pm.nest<func::FuncOp>();
  memref::ExpandReallocPassOptions realloc;
  realloc.emitDeallocs = false;
  host.addPass(memref::createExpandReallocPass(realloc));
  host.addPass(bufferization::createOwnershipBasedBufferDeallocationPass());
  // What the simplification below would split, split without its pairwise
  // alias checks (quadratic in a model's thousands of buffers).
  host.addPass(createFP8SplitDeallocs());
  host.addPass(createCanonicalizerPass());
  host.addPass(bufferization::createBufferDeallocationSimplificationPass());
  // At module level: the general lowering adds a helper function.
  pm.addPass(bufferization::createLowerDeallocationsPass());
  OpPassManager &lowered = pm.nest<func::FuncOp>();
  lowered.addPass(createCSEPass());
  lowered.addPass(createCanonicalizerPass());
  // bufferization.clone to memref.alloc + memref.copy before placement.
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addNestedPass<func::FuncOp>(createFP8FreeAfterLastUse());
  pm.addPass(createFP8PlaceBuffersForGPU());
}

/// The target-independent front of the GPU pipelines: the rewrite for
/// `chip`, the amax and matrix-core kernels, the reference lowering of the
/// rest, bufferization, elementwise loops mapped to GPU kernels, outlining.
static void addGPUKernels(OpPassManager &pm,
                          const RewritePipelineOptions &options,
                          StringRef chip) {
  addRewritePass(pm, options, chip, /*forHardware=*/true);
  // The GEMMs of one layer cast the same operands (torchao's input, weight
  // and grad_output each feed two): one amax, scale and cast each, which
  // the kernels then write in both layouts (DualLayoutCastToNVVM).
  pm.addPass(createCSEPass());
  FP8LowerToGPUOptions kernels;
  kernels.chip = chip.str();
  kernels.gemmSchedule = options.gemmSchedule;
  // Each distinct kernel once (a model's layers repeat the same few), so
  // that nothing after this point works on more than those; a GEMM kernel
  // built before is not even built again.
  kernels.outlineKernels = true;
  pm.addPass(createFP8LowerToGPU(kernels));
  pm.addPass(createFP8LowerToLinalg());
  pm.addNestedPass<func::FuncOp>(createFP8DecomposeAggregates());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // CSE merged the scales' tensor.empty of every layer into one: without
  // this, bufferization compares each write to it with every other.
  pm.addPass(createFP8UnshareEmptyTensors());
  addBufferization(pm);
  pm.addPass(createFP8StageGlobalsForGPU());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  // Elementwise loops become 256-thread workgroups (along the only
  // dimension, or the second of two or more); bounds checks inside keep
  // static launch sizes.
  pm.addNestedPass<func::FuncOp>(createFP8TileLoopsForGPU());
  pm.addNestedPass<func::FuncOp>(createGpuMapParallelLoopsPass());
  pm.addNestedPass<func::FuncOp>(createConvertParallelLoopToGpuPass());
  pm.addPass(createLowerAffinePass());
  // The elementwise loops' kernels, into the same module, deduplicated.
  pm.addPass(createFP8OutlineKernels());
  addGPUDeallocation(pm);
  // The launches of a block on one stream: the host waits only before code
  // that touches memory, so the GPU does not idle between kernels.
  pm.addPass(createFP8AsyncLaunches());
}

/// The host half of the GPU pipelines and the kernel binaries.
static void addGPUHostAndBinaries(OpPassManager &pm,
                                  const RewritePipelineOptions &options,
                                  StringRef defaultToolkit) {
  addHostToLLVM(pm, /*runtimeAllocs=*/true);
  pm.addPass(createGpuToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget =
      options.format == KernelFormat::Bin ? "bin" : "isa";
  binary.toolkitPath = options.toolkit.empty() ? defaultToolkit.str()
                                               : options.toolkit.getValue();
  pm.addPass(createGpuModuleToBinaryPass(binary));
}

/// The device passes both GPU pipelines share, after the chip's hardware
/// conversions: wave reductions for `chip`, software conversions for the
/// rest (f32 -> bf16 too unless `nativeBF16`), then structured control flow
/// down to branches.
static void addDeviceCommon(OpPassManager &device, StringRef chip,
                            bool nativeBF16) {
  device.addPass(createFP8AlignWorkgroupMemory());
  FP8LowerSubgroupReduceOptions reduce;
  reduce.chip = chip.str();
  device.addPass(createFP8LowerSubgroupReduce(reduce));
  FP8SoftConversionsOptions soft;
  soft.expandBF16 = !nativeBF16;
  device.addPass(createFP8SoftConversions(soft));
  device.addPass(createLowerAffinePass());
  device.addPass(createSCFToControlFlowPass());
}

void fp8::buildFP8ROCDLPipeline(OpPassManager &pm,
                                const RewritePipelineOptions &options) {
  std::string chip = options.chip.empty() ? "gfx942" : options.chip.getValue();
  if (!addCheckChip(pm, "fp8-rocdl-pipeline", GpuTarget::Vendor::AMD, chip))
    return;
  addGPUKernels(pm, options, chip);
  GpuROCDLAttachTargetOptions target;
  target.chip = chip;
  pm.addPass(createGpuROCDLAttachTarget(target));

  // Device code: hardware fp8 conversions (saturating, as the casts clamp
  // anyway), wave reductions on DPP, software conversions only for types the
  // chip lacks (emulate), then ROCDL.
  OpPassManager &device = pm.nest<gpu::GPUModuleOp>();
  ArithToAMDGPUConversionPassOptions arithToAMDGPU;
  arithToAMDGPU.chipset = chip;
  arithToAMDGPU.saturateFP8Truncf = true;
  device.addPass(createArithToAMDGPUConversionPass(arithToAMDGPU));
  device.addPass(createFP8ApproximateDeviceMath());
  addDeviceCommon(device, chip, /*nativeBF16=*/false);
  ConvertGpuOpsToROCDLOpsOptions rocdl;
  rocdl.chipset = chip;
  device.addPass(createConvertGpuOpsToROCDLOps(rocdl));

  addGPUHostAndBinaries(pm, options, /*defaultToolkit=*/"");
  addCheckLowered(pm, "fp8-rocdl-pipeline");
}

void fp8::buildFP8NVVMPipeline(OpPassManager &pm,
                               const RewritePipelineOptions &options) {
  std::string chip = options.chip.empty() ? "sm_90a" : options.chip.getValue();
  if (!addCheckChip(pm, "fp8-nvvm-pipeline", GpuTarget::Vendor::NVIDIA, chip))
    return;
  addGPUKernels(pm, options, chip);
  GpuNVVMAttachTargetOptions target;
  target.chip = chip;
  // PTX ISA 8.4 (mma.sync with e4m3/e5m2 operands) or what the chip needs.
  target.features = GpuTarget::parse(chip)->getPtxFeatures().str();
  pm.addPass(createGpuNVVMAttachTarget(target));

  // Device code: saturating cvt.rn.satfinite conversions, warp reductions
  // on shuffles, software conversions for the rest, then NVVM.
  OpPassManager &device = pm.nest<gpu::GPUModuleOp>();
  device.addPass(createFP8TruncFToNVVM());
  // sm_80 and newer: cvt.rn.bf16.f32.
  addDeviceCommon(device, chip, /*nativeBF16=*/true);
  device.addPass(createConvertGpuOpsToNVVMOps());

  addGPUHostAndBinaries(pm, options, /*defaultToolkit=*/"/usr/local/cuda");
  addCheckLowered(pm, "fp8-nvvm-pipeline");
}

void fp8::registerFP8Pipelines() {
  PassPipelineRegistration<RewritePipelineOptions>(
      "fp8-cpu-pipeline",
      "Rewrite matmuls to float8 per a torchao recipe and lower everything "
      "to the LLVM dialect for the CPU (runs under mlir-runner)",
      buildFP8CPUPipeline);
  PassPipelineRegistration<RewritePipelineOptions>(
      "fp8-rocdl-pipeline",
      "Rewrite matmuls to float8 for an AMD GPU (chip=gfx942|gfx950) and "
      "compile: MFMA and wave-reduction kernels, hardware fp8 conversions",
      buildFP8ROCDLPipeline);
  PassPipelineRegistration<RewritePipelineOptions>(
      "fp8-nvvm-pipeline",
      "Rewrite matmuls to float8 for an NVIDIA GPU (chip=sm_89|sm_90a|"
      "sm_100a|sm_120a|...) and "
      "compile: mma.sync and warp-reduction kernels, cvt.rn.satfinite casts",
      buildFP8NVVMPipeline);
}

void fp8::registerFP8PipelineDialects(DialectRegistry &registry) {
  registry.insert<FP8Dialect, affine::AffineDialect, amdgpu::AMDGPUDialect,
                  arith::ArithDialect, bufferization::BufferizationDialect,
                  cf::ControlFlowDialect, func::FuncDialect, gpu::GPUDialect,
                  LLVM::LLVMDialect, linalg::LinalgDialect, math::MathDialect,
                  memref::MemRefDialect, mpi::MPIDialect, NVVM::NVVMDialect,
                  ROCDL::ROCDLDialect, scf::SCFDialect, shard::ShardDialect,
                  tensor::TensorDialect, vector::VectorDialect, DLTIDialect>();
  // Bufferization models of the ops the CPU pipeline bufferizes, and the
  // LLVM-lowering interfaces (convert-to-llvm, translation).
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  registerAllExtensions(registry);
  registerLaunchFuncMemoryEffects(registry);
  mpi::registerConvertMPIToLLVMInterface(registry);
  // Kernel serialization (gpu-module-to-binary) and LLVM IR translation.
  ROCDL::registerROCDLTargetInterfaceExternalModels(registry);
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  registerAllToLLVMIRTranslations(registry);
}

void fp8::registerAllFP8Passes() {
  registerFP8Passes();
  registerFP8ConversionPasses();
  registerFP8PipelinePasses();
  registerFP8Pipelines();
}
