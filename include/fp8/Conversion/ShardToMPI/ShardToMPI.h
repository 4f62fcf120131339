//===- ShardToMPI.h - shard collectives ready for MPI -----------*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef FP8_CONVERSION_SHARDTOMPI_SHARDTOMPI_H
#define FP8_CONVERSION_SHARDTOMPI_SHARDTOMPI_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
namespace fp8 {

#define GEN_PASS_DECL_FP8PREPARESHARDFORMPI
#include "fp8/Conversion/Passes.h.inc"

/// Adds a pattern that expresses shard.all_gather (on tensors, static
/// shapes) as what MLIR 22's MPI lowering can execute: each process places
/// its shard, as integers of the element's width, at its offset in a
/// zero-filled result and a shard.all_reduce sums them, which reproduces
/// every bit pattern exactly (MLIR 22 has no MPI all-gather).
void populateFP8AllGatherToAllReducePatterns(RewritePatternSet &patterns);

} // namespace fp8
} // namespace mlir

#endif // FP8_CONVERSION_SHARDTOMPI_SHARDTOMPI_H
