//===- FP8Dialect.td - fp8 dialect definition --------------*- tablegen -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef FP8_DIALECT_FP8_IR_FP8DIALECT_TD
#define FP8_DIALECT_FP8_IR_FP8DIALECT_TD

include "mlir/IR/OpBase.td"

def FP8_Dialect : Dialect {
  let name = "fp8";
  let summary = "torchao float8 training recipes as IR";
  let description = [{
    The `fp8` dialect expresses torchao's `Float8LinearConfig` (cast configs,
    gemm configs, recipes, the e4m3/e5m2 type configuration) as attributes, and
    the dynamic-scaling computation (amax, scale, saturated cast, scaled matmul)
    as tensor-level operations with value semantics.

    ```mlir
    %amax  = fp8.amax %x axiswise(1) : tensor<16x32xbf16> -> tensor<16x1xf32>
    %scale = fp8.amax_to_scale %amax {round_to_power_of_2} : tensor<16x1xf32> for f8E4M3FN
    %q     = fp8.cast %x, %scale : tensor<16x32xbf16>, tensor<16x1xf32> -> tensor<16x32xf8E4M3FN>
    ```
  }];
  let cppNamespace = "::mlir::fp8";
  let useDefaultAttributePrinterParser = 1;
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
  let discardableAttrs = (ins
    "::mlir::fp8::LinearConfigAttr":$config,
    "::mlir::StringAttr":$role
  );
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
}

class FP8_Op<string mnemonic, list<Trait> traits = []>
    : Op<FP8_Dialect, mnemonic, traits>;

#endif // FP8_DIALECT_FP8_IR_FP8DIALECT_TD
