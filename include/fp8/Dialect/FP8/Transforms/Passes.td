//===- Passes.td - fp8 dialect transformation passes -------*- tablegen -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef FP8_DIALECT_FP8_TRANSFORMS_PASSES_TD
#define FP8_DIALECT_FP8_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def FP8RewriteMatmul : Pass<"fp8-rewrite-matmul", "ModuleOp"> {
  let summary = "Rewrite linalg matmuls into float8 scaling, casts and "
                "scaled matmuls as a torchao Float8LinearConfig prescribes";
  let description = [{
    For every linear-layer contraction -- `linalg.matmul` and
    `linalg.batch_matmul` (any indexing maps), `linalg.generic` with a
    multiply-add body (operands possibly `arith.extf`'d, f32 accumulator),
    `linalg.contract`, `linalg.batch_reduce_matmul`, batch forms whose weight
    is a broadcast 2-D tensor, several M or K dims -- picks the `#fp8.linear`
    config (the op's `fp8.config`, else the nearest enclosing op's, else the
    `config=`/`recipe=` option, else tensorwise) and the role (`fp8.role`,
    else inferred from the dataflow between the function's contractions),
    flattens leading activation dims into M and several reduction dims into
    K (torchao's semantics: one tensorwise scale per tensor, the weight cast
    once), and emits `fp8.amax` -> `fp8.amax_to_scale` -> `fp8.cast` for
    each operand and an `fp8.scaled_matmul` producing the original result
    type.

    Selection (`convert=linear`, the default): a contraction is converted if
    one operand is a weight (a function argument -- only those marked
    `fp8.weight` when the function marks any --, a loop-carried value, a
    constant, global or generated tensor, a call result, seen through
    transposes, broadcasts, reshapes and converts, or a tensor computed from
    constants alone), if it carries
    `fp8.role`/`fp8.config`, or if it is an inferred backward GEMM.
    Activation x activation products (attention) stay in high precision
    unless `convert=all`. `remarks` reports every decision.

    | role        | A cast config               | B cast config          | gemm             |
    |-------------|-----------------------------|------------------------|------------------|
    | output      | input                       | weight                 | output_gemm      |
    | grad_input  | grad_output                 | weight_for_grad_input  | grad_input_gemm  |
    | grad_weight | grad_output_for_grad_weight | input_for_grad_weight  | grad_weight_gemm |

    Matmuls whose operands are both `disabled` stay as they are. Without
    `pad_inner_dim` and `emulate`, a matmul whose K or N is not a multiple of
    16 (or is dynamic) stays in high precision with a warning; `strict` makes
    that an error. The fp8 types come from `type-config`: `auto` reads the
    `chip` option, else the GPU targets of the module (gfx940/941/942 select
    the fnuz types, everything else OCP).

    Sharded programs (the `shard` dialect, after partitioning): with
    `fsdp_float8_all_gather = true`, an operand produced by `shard.all_gather`
    whose cast is dynamic tensorwise is cast before the gather -- local amax,
    `shard.all_reduce` max over the gather's grid axes, cast of the local
    shard, `shard.all_gather` of the fp8 shards -- so the gather moves one
    byte per element; the values equal those of casting after the gather.
    `fp8.amax_grid = @grid` on a matmul all-reduces (max) its operands'
    tensorwise amaxes over every axis of that grid, so that sharded
    activations and gradients get global scales (torchao's `reduce_amax`).
  }];
  let options = [
    Option<"recipe", "recipe", "std::string", /*default=*/"\"\"",
           "torchao recipe: tensorwise, rowwise or rowwise_with_gw_hp">,
    Option<"config", "config", "std::string", /*default=*/"\"\"",
           "a #fp8.linear<...> attribute (without spaces)">,
    Option<"typeConfig", "type-config", "std::string", /*default=*/"\"auto\"",
           "float8 type pair: auto, ocp or fnuz">,
    Option<"chip", "chip", "std::string", /*default=*/"\"\"",
           "target chip (sm_89, sm_90a, gfx942, gfx950, ...) for type-config=auto">,
    Option<"strict", "strict", "bool", /*default=*/"false",
           "make unconvertible (misaligned or dynamic) matmuls and "
           "unrecognized contraction forms an error">,
    Option<"convert", "convert", "std::string", /*default=*/"\"linear\"",
           "which contractions to convert: linear (linear-layer GEMMs: one "
           "operand is a weight, or an inferred backward GEMM) or all "
           "(activation x activation products such as attention too)">,
    Option<"remarks", "remarks", "bool", /*default=*/"false",
           "emit a remark for every contraction: the role inferred and why, "
           "or why it stays in high precision">
  ];
  let dependentDialects = [
    "::mlir::fp8::FP8Dialect",
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::shard::ShardDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def FP8DescribeConfig : Pass<"fp8-describe-config", "ModuleOp"> {
  let summary = "Report the per-gemm operand configs of every #fp8.linear";
  let description = [{
    For each op carrying an `fp8.config` attribute, emits a remark with the
    resolved table torchao's Float8LinearConfig implies: for the output,
    grad_input and grad_weight gemms, the `short_str` of both operand cast
    configs and whether the gemm uses fast accumulation, plus the per-linear
    flags. Dtypes are resolved against `type-config` (ocp or fnuz).
  }];
  let options = [
    Option<"typeConfig", "type-config", "std::string", /*default=*/"\"ocp\"",
           "float8 type pair to resolve dtypes against: ocp or fnuz">
  ];
  let dependentDialects = ["::mlir::fp8::FP8Dialect"];
}

#endif // FP8_DIALECT_FP8_TRANSFORMS_PASSES_TD
