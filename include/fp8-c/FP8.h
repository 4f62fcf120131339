/*===-- fp8-c/FP8.h - C API of the fp8 dialect, passes, pipelines -*- C -*-===*\
|*                                                                            *|
|* Part of the fp8 project, under the Apache License v2.0 with LLVM          *|
|* Exceptions. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception       *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/
/* The fp8 dialect, its #fp8.linear / #fp8.cast / #fp8.gemm attributes (the
 * torchao Float8LinearConfig), its passes and pipelines, for C callers. It
 * follows the MLIR C API conventions and uses its types (MlirContext,
 * MlirAttribute, MlirDialectRegistry, ...); libFP8CAPI also exports the MLIR
 * core C API (mlir-c/IR.h, mlir-c/Pass.h) so that C programs link one library.
 */

#ifndef FP8_C_FP8_H
#define FP8_C_FP8_H

#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"
#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(FP8, fp8);

/* Registers the fp8 dialect and every upstream dialect and interface the fp8
 * passes and pipelines use (func, arith, linalg, tensor, bufferization, llvm,
 * ...). */
MLIR_CAPI_EXPORTED void mlirFP8RegisterPipelineDialects(MlirDialectRegistry registry);

/* Registers the fp8 passes (--fp8-rewrite-matmul, ...) and pipelines
 * (--fp8-cpu-pipeline), so that mlirParsePassPipeline knows them. */
MLIR_CAPI_EXPORTED void mlirFP8RegisterPasses(void);

/* Adds --fp8-cpu-pipeline with `options` ("recipe=rowwise type-config=fnuz",
 * may be empty) to `passManager`. Errors (a bad option) go to `errorCallback`
 * and return failure. */
MLIR_CAPI_EXPORTED MlirLogicalResult mlirFP8BuildCPUPipeline(
    MlirOpPassManager passManager, MlirStringRef options,
    MlirStringCallback errorCallback, void *userData);

/*===----------------------------------------------------------------------===
 * Gemm roles and type configurations
 *===----------------------------------------------------------------------===*/

typedef enum MlirFP8GemmRole {
  MlirFP8GemmRoleOutput = 0,
  MlirFP8GemmRoleGradInput = 1,
  MlirFP8GemmRoleGradWeight = 2,
} MlirFP8GemmRole;

typedef enum MlirFP8TypeConfig {
  MlirFP8TypeConfigOCP = 0,
  MlirFP8TypeConfigFNUZ = 1,
} MlirFP8TypeConfig;

/*===----------------------------------------------------------------------===
 * #fp8.linear (Float8LinearConfig)
 *===----------------------------------------------------------------------===*/

MLIR_CAPI_EXPORTED bool mlirAttributeIsAFP8LinearConfig(MlirAttribute attr);

/* Float8LinearConfig.from_recipe_name(name). An unknown name emits an error
 * diagnostic (listing the valid names) on the context and returns a null
 * attribute. */
MLIR_CAPI_EXPORTED MlirAttribute
mlirFP8LinearConfigAttrGetFromRecipe(MlirContext ctx, MlirStringRef name);

MLIR_CAPI_EXPORTED bool mlirFP8LinearConfigGetPadInnerDim(MlirAttribute attr);
MLIR_CAPI_EXPORTED bool mlirFP8LinearConfigGetEmulate(MlirAttribute attr);
MLIR_CAPI_EXPORTED bool
mlirFP8LinearConfigGetRoundScalesToPowerOf2(MlirAttribute attr);
MLIR_CAPI_EXPORTED bool
mlirFP8LinearConfigGetFsdpFloat8AllGather(MlirAttribute attr);

/* The cast config (#fp8.cast) of operand A (`rhs` false) or B (`rhs` true) of
 * gemm `role`, with its dtype resolved against `typeConfig`. */
MLIR_CAPI_EXPORTED MlirAttribute mlirFP8LinearConfigGetOperandCastConfig(
    MlirAttribute attr, MlirFP8GemmRole role, bool rhs,
    MlirFP8TypeConfig typeConfig);

/* The gemm config (#fp8.gemm) of gemm `role`. */
MLIR_CAPI_EXPORTED MlirAttribute
mlirFP8LinearConfigGetGemmConfig(MlirAttribute attr, MlirFP8GemmRole role);

/*===----------------------------------------------------------------------===
 * #fp8.cast (CastConfig) and #fp8.gemm (Float8GemmConfig)
 *===----------------------------------------------------------------------===*/

MLIR_CAPI_EXPORTED bool mlirAttributeIsAFP8CastConfig(MlirAttribute attr);
MLIR_CAPI_EXPORTED bool mlirFP8CastConfigIsDisabled(MlirAttribute attr);
MLIR_CAPI_EXPORTED bool mlirFP8CastConfigIsAxiswise(MlirAttribute attr);
/* The explicit dtype, or a null type when it is unset or `e4m3`/`e5m2`
 * (resolve it through mlirFP8LinearConfigGetOperandCastConfig). */
MLIR_CAPI_EXPORTED MlirType mlirFP8CastConfigGetDType(MlirAttribute attr);
/* torchao's CastConfig.short_str(), e.g. "dyn_axs_e4m3". */
MLIR_CAPI_EXPORTED void mlirFP8CastConfigGetShortStr(MlirAttribute attr,
                                                     MlirStringCallback callback,
                                                     void *userData);

MLIR_CAPI_EXPORTED bool mlirAttributeIsAFP8GemmConfig(MlirAttribute attr);
MLIR_CAPI_EXPORTED bool mlirFP8GemmConfigGetFastAccum(MlirAttribute attr);

#ifdef __cplusplus
}
#endif

#endif /* FP8_C_FP8_H */
