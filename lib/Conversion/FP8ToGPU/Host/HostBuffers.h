//===- HostBuffers.h - shared by the GPU pipelines' host passes -*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// What --fp8-place-buffers-for-gpu and --fp8-async-launches share about host
// buffers: the buffer a view is of, calls of the module's functions, waits
// on the program's stream, and the staging of host accesses to device
// memory (StageHostAccesses.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef FP8_LIB_CONVERSION_FP8TOGPU_HOST_HOSTBUFFERS_H
#define FP8_LIB_CONVERSION_FP8TOGPU_HOST_HOSTBUFFERS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace mlir::fp8 {

/// The buffer `v` is a view, cast or strided-metadata base of.
Value viewRoot(Value v);

/// The function of the module `call` calls, or null when it calls an
/// external function (a declaration, or a symbol the module lacks).
func::FuncOp calleeWithBody(func::CallOp call);

/// A token of the program's stream at `b`'s insertion point (`gpu.wait
/// async` without dependencies: everything enqueued before).
Value freshStreamToken(OpBuilder &b, Location loc);

/// Host code's loads, stores, vector transfers, copies and external calls
/// on device memory (`isDeviceMemory`) in `block` read and write host
/// copies: each op whose accesses reach buffers defined before it, and
/// which hands none of them to the GPU inside, gets a copy in before it,
/// its accesses redirected, a copy back after when written. Fails with an
/// error on a buffer without an identity layout.
LogicalResult stageHostAccesses(Block &block,
                                function_ref<bool(Value)> isDeviceMemory);

} // namespace mlir::fp8

#endif // FP8_LIB_CONVERSION_FP8TOGPU_HOST_HOSTBUFFERS_H
