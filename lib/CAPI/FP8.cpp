//===- FP8.cpp - C API of the fp8 dialect, passes and pipelines -----------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "fp8-c/FP8.h"

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/Pipelines/Pipelines.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Pass.h"
#include "mlir/CAPI/Registration.h"
#include "mlir/CAPI/Support.h"
#include "mlir/CAPI/Utils.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;
using namespace mlir::fp8;

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(FP8, fp8, FP8Dialect)

void mlirFP8RegisterPipelineDialects(MlirDialectRegistry registry) {
  registerFP8PipelineDialects(*unwrap(registry));
}

void mlirFP8RegisterPasses(void) { registerAllFP8Passes(); }

MlirLogicalResult mlirFP8BuildCPUPipeline(MlirOpPassManager passManager,
                                          MlirStringRef options,
                                          MlirStringCallback errorCallback,
                                          void *userData) {
  std::string message;
  llvm::raw_string_ostream errors(message);
  RewritePipelineOptions parsed;
  if (failed(parsed.parseFromString(unwrap(options), errors))) {
    mlir::detail::CallbackOstream stream(errorCallback, userData);
    stream << "invalid --fp8-cpu-pipeline options: " << message;
    return wrap(failure());
  }
  buildFP8CPUPipeline(*unwrap(passManager), parsed);
  return wrap(success());
}

static GemmRole unwrap(MlirFP8GemmRole role) {
  return static_cast<GemmRole>(role);
}
static TypeConfig unwrap(MlirFP8TypeConfig typeConfig) {
  return static_cast<TypeConfig>(typeConfig);
}

bool mlirAttributeIsAFP8LinearConfig(MlirAttribute attr) {
  return isa<LinearConfigAttr>(unwrap(attr));
}

MlirAttribute mlirFP8LinearConfigAttrGetFromRecipe(MlirContext ctx,
                                                   MlirStringRef name) {
  MLIRContext *context = unwrap(ctx);
  context->getOrLoadDialect<FP8Dialect>();
  return wrap(LinearConfigAttr::getFromRecipeName(
      [&] { return emitError(UnknownLoc::get(context)); }, context,
      unwrap(name)));
}

bool mlirFP8LinearConfigGetPadInnerDim(MlirAttribute attr) {
  return cast<LinearConfigAttr>(unwrap(attr)).getPadInnerDim();
}
bool mlirFP8LinearConfigGetEmulate(MlirAttribute attr) {
  return cast<LinearConfigAttr>(unwrap(attr)).getEmulate();
}
bool mlirFP8LinearConfigGetRoundScalesToPowerOf2(MlirAttribute attr) {
  return cast<LinearConfigAttr>(unwrap(attr)).getRoundScalesToPowerOf_2();
}
bool mlirFP8LinearConfigGetFsdpFloat8AllGather(MlirAttribute attr) {
  return cast<LinearConfigAttr>(unwrap(attr)).getFsdpFloat8AllGather();
}

MlirAttribute mlirFP8LinearConfigGetOperandCastConfig(
    MlirAttribute attr, MlirFP8GemmRole role, bool rhs,
    MlirFP8TypeConfig typeConfig) {
  GemmOperandConfigs configs = cast<LinearConfigAttr>(unwrap(attr))
                                   .getGemmConfigs(unwrap(role),
                                                   unwrap(typeConfig));
  return wrap(rhs ? configs.rhs : configs.lhs);
}

MlirAttribute mlirFP8LinearConfigGetGemmConfig(MlirAttribute attr,
                                               MlirFP8GemmRole role) {
  return wrap(cast<LinearConfigAttr>(unwrap(attr))
                  .getGemmConfigs(unwrap(role), TypeConfig::OCP)
                  .gemm);
}

bool mlirAttributeIsAFP8CastConfig(MlirAttribute attr) {
  return isa<CastConfigAttr>(unwrap(attr));
}
bool mlirFP8CastConfigIsDisabled(MlirAttribute attr) {
  return cast<CastConfigAttr>(unwrap(attr)).isDisabled();
}
bool mlirFP8CastConfigIsAxiswise(MlirAttribute attr) {
  return cast<CastConfigAttr>(unwrap(attr)).isAxiswise();
}
MlirType mlirFP8CastConfigGetDType(MlirAttribute attr) {
  return wrap(cast<CastConfigAttr>(unwrap(attr)).getDtype().getType());
}
void mlirFP8CastConfigGetShortStr(MlirAttribute attr,
                                  MlirStringCallback callback,
                                  void *userData) {
  mlir::detail::CallbackOstream stream(callback, userData);
  stream << cast<CastConfigAttr>(unwrap(attr)).shortStr();
}

bool mlirAttributeIsAFP8GemmConfig(MlirAttribute attr) {
  return isa<GemmConfigAttr>(unwrap(attr));
}
bool mlirFP8GemmConfigGetFastAccum(MlirAttribute attr) {
  return cast<GemmConfigAttr>(unwrap(attr)).getFastAccum();
}
