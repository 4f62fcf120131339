//===- Passes.td - passes of the fp8 pipelines -------------*- tablegen -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Passes the pipelines (Pipelines.h) add around upstream's: they make what
// real programs contain lower, and make what does not lower an error.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_PIPELINES_PASSES
#define FP8_PIPELINES_PASSES

include "mlir/Pass/PassBase.td"

def FP8DecomposeAggregates
    : InterfacePass<"fp8-decompose-aggregates", "mlir::FunctionOpInterface"> {
  let summary = "Decompose linalg's aggregate ops (linalg.softmax) into "
                "the linalg ops they stand for";
  let description = [{
    Every op implementing `linalg::AggregatedOpInterface` (`linalg.softmax`:
    max, subtract, exp, sum, divide) is replaced by its decomposition, which
    every pipeline lowers; nothing lowers the aggregate op as it is. An op
    whose decomposition fails stays, and `fp8-check-lowered` reports it.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::tensor::TensorDialect"];
}

def FP8ApproximateDeviceMath
    : Pass<"fp8-approximate-device-math", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Math functions in AMD kernels as polynomial "
                "approximations, without the ROCm device library";
  let description = [{
    The ROCDL lowering sends `math.erf`, `math.tanh`, `math.exp`,
    `math.log`, `math.sin`, ... (and `math.floor`, `llvm.intr.floor`) to the
    ROCm device library (`__ocml_*`), which serializing the kernels then
    needs. This pass expands them with upstream's expansions and polynomial
    approximations (`math::populateExpansionPatterns`,
    `populateMathPolynomialApproximationPatterns`), and the floors those
    use as `t - (x < t)` with `t = llvm.intr.trunc(x)`, exact for every `x`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def FP8AlignWorkgroupMemory
    : Pass<"fp8-align-workgroup-memory", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Align kernels' workgroup memory for wide accesses";
  let description = [{
    Gives every `gpu.func` workgroup attribution without one an `llvm.align`
    of `alignment` bytes. The GPU lowerings otherwise align such a buffer to
    its element type (1 byte for the transposing cast's i8 tile), while the
    kernels read and write it with 32-bit and wider accesses.
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"16",
           "bytes each workgroup buffer is aligned to">
  ];
}

def FP8FreeAfterLastUse : Pass<"fp8-free-after-last-use"> {
  let summary = "Move each unconditional deallocation up to right after the "
                "last use of its buffer";
  let description = [{
    Upstream's ownership-based buffer deallocation frees a buffer at the end
    of the block that owns it, so every buffer of a training step stays
    allocated until the step ends. This pass moves each `memref.dealloc`
    (and `gpu.dealloc`) whose buffer is allocated in the same block up to
    right after the last op of that block that uses the buffer or any of its
    aliases (views, casts, and ops in nested regions that use them), the way
    PyTorch frees a tensor when its last reference goes. Deallocations whose
    buffer or an alias is used by the block's terminator, or that are
    conditional (inside an `scf.if` built from ownership flags), stay where
    they are. GPU launches are uses, so a buffer is never freed before the
    launch of the last kernel that reads it; the GPU runtime's frees are
    stream-ordered after those kernels.
  }];
}

def FP8SplitDeallocs : Pass<"fp8-split-deallocs"> {
  let summary = "Split bufferization.dealloc ops of distinct allocations";
  let description = [{
    Upstream's ownership-based deallocation frees everything a block owns
    with one `bufferization.dealloc` at its end: a model's function gets one
    with thousands of buffers, which
    `--buffer-deallocation-simplification` then splits by checking every
    buffer against every other (quadratic). This pass, run between the
    two, does the split where it is evident: when each buffer of a dealloc
    is (a view or the base buffer of) its own allocation in the function (`memref.alloc` or
    `memref.alloca`, no two from the same), every buffer gets its own
    dealloc, with only the retained values that may alias it (those not of
    another allocation in the function); buffers under a constant false
    condition (the function's arguments) drop out. A retained value's updated
    condition is the disjunction of those of the deallocs that kept it
    (false when none did), as the simplification would compute it.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::bufferization::BufferizationDialect"];
}

def FP8UnshareEmptyTensors : Pass<"fp8-unshare-empty-tensors"> {
  let summary = "Give each use of a small tensor.empty its own op";
  let description = [{
    CSE merges equal `tensor.empty` ops, so that after the reference
    lowering every amax-to-scale of a model writes into the same
    `tensor.empty() : tensor<1xf32>`. One-shot bufferization then checks each
    of those writes against every other for conflicts: quadratic in the
    number of layers (4 s of the ROCDL pipeline for 96 layers). This pass
    clones each `tensor.empty` of at most `max-elements` elements (static
    shape) for every use after the first, before bufferization; larger ones
    stay shared, so that their buffers are still reused where values die.
    Each clone becomes its own (tiny) allocation.
  }];
  let options = [
    Option<"maxElements", "max-elements", "int64_t", /*default=*/"1",
           "largest tensor.empty (in elements) to give each use its own">
  ];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def FP8StripAttributes : Pass<"fp8-strip-attributes", "::mlir::ModuleOp"> {
  let summary = "Drop the fp8 attributes the matmul rewrite has consumed";
  let description = [{
    Removes every discardable attribute whose name starts with `fp8.`
    (`fp8.config`, `fp8.role`, `fp8.amax_grid`) and every such function
    argument and result attribute (`fp8.weight`). The pipelines run it after
    `--fp8-rewrite-matmul`: a `#fp8.linear` left on a function would reach
    the LLVM dialect, whose output then no longer parses without the fp8
    dialect (mlir-runner, mlir-translate).
  }];
}

def FP8CheckLowered : Pass<"fp8-check-lowered", "::mlir::ModuleOp"> {
  let summary = "Fail on anything a pipeline did not lower to the LLVM "
                "dialect";
  let description = [{
    The last pass of every fp8 pipeline. Anything outside the LLVM dialect
    (and the GPU pipelines' `gpu.binary` and `gpu.launch_func`) is an op no
    pass lowered, so the output would not translate or run: each one is a
    located error `<pipeline>: '<op>' is not lowered to the LLVM dialect`
    and the pass fails. `builtin.unrealized_conversion_cast`s are reported
    only when nothing else is left (they surround the op that was not
    lowered).
  }];
  let options = [
    Option<"pipeline", "pipeline", "std::string",
           /*default=*/"\"fp8-check-lowered\"",
           "the pipeline's name, which the errors start with">
  ];
}

#endif // FP8_PIPELINES_PASSES
