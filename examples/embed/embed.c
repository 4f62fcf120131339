/*===- embed.c - Using fp8 from C ------------------------------------------===*\
|*                                                                            *|
|* Part of the fp8 project, under the Apache License v2.0 with LLVM          *|
|* Exceptions. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception       *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/
/*   fp8-embed-c FILE.mlir
 *
 * Reads the rowwise recipe's fields through the C API, parses FILE, runs
 * --fp8-cpu-pipeline="recipe=rowwise" on it and prints the lowered IR. */

#include "fp8-c/FP8.h"

#include <stdio.h>
#include <stdlib.h>

static void printToStdout(MlirStringRef text, void *userData) {
  (void)userData;
  fwrite(text.data, 1, text.length, stdout);
}

static char *readFile(const char *path) {
  FILE *file = fopen(path, "rb");
  if (!file)
    return NULL;
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  fseek(file, 0, SEEK_SET);
  char *text = malloc(size + 1);
  if (fread(text, 1, size, file) != (size_t)size) {
    fclose(file);
    free(text);
    return NULL;
  }
  text[size] = 0;
  fclose(file);
  return text;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: fp8-embed-c FILE.mlir\n");
    return 2;
  }
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  mlirFP8RegisterPipelineDialects(registry);
  MlirContext ctx = mlirContextCreateWithRegistry(registry, false);
  mlirDialectRegistryDestroy(registry);
  mlirDialectHandleLoadDialect(mlirGetDialectHandle__fp8__(), ctx);
  mlirFP8RegisterPasses();

  /* The rowwise recipe, field by field. */
  MlirAttribute config =
      mlirFP8LinearConfigAttrGetFromRecipe(ctx, mlirStringRefCreateFromCString("rowwise"));
  if (mlirAttributeIsNull(config) || !mlirAttributeIsAFP8LinearConfig(config))
    return 1;
  printf("config: ");
  mlirAttributePrint(config, printToStdout, NULL);
  printf("\npow2 = %d, pad_inner_dim = %d, emulate = %d\n",
         mlirFP8LinearConfigGetRoundScalesToPowerOf2(config),
         mlirFP8LinearConfigGetPadInnerDim(config),
         mlirFP8LinearConfigGetEmulate(config));
  const char *roles[] = {"output", "grad_input", "grad_weight"};
  for (int role = 0; role < 3; ++role) {
    printf("%s:", roles[role]);
    for (int rhs = 0; rhs < 2; ++rhs) {
      MlirAttribute cast = mlirFP8LinearConfigGetOperandCastConfig(
          config, (MlirFP8GemmRole)role, rhs, MlirFP8TypeConfigFNUZ);
      printf(" ");
      mlirFP8CastConfigGetShortStr(cast, printToStdout, NULL);
      printf(" (");
      mlirTypePrint(mlirFP8CastConfigGetDType(cast), printToStdout, NULL);
      printf(")");
    }
    MlirAttribute gemm = mlirFP8LinearConfigGetGemmConfig(config, (MlirFP8GemmRole)role);
    printf(" fast_accum=%d\n", mlirFP8GemmConfigGetFastAccum(gemm));
  }
  /* An unknown recipe is a diagnostic and a null attribute. */
  MlirAttribute bad =
      mlirFP8LinearConfigAttrGetFromRecipe(ctx, mlirStringRefCreateFromCString("blockwise"));
  printf("unknown recipe gives null: %d\n", mlirAttributeIsNull(bad));

  char *source = readFile(argv[1]);
  if (!source)
    return 1;
  MlirModule module = mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(source));
  free(source);
  if (mlirModuleIsNull(module))
    return 1;

  MlirPassManager pm = mlirPassManagerCreate(ctx);
  MlirOpPassManager opm = mlirPassManagerGetAsOpPassManager(pm);
  if (mlirLogicalResultIsFailure(mlirFP8BuildCPUPipeline(
          opm, mlirStringRefCreateFromCString("recipe=rowwise"), printToStdout, NULL)))
    return 1;
  if (mlirLogicalResultIsFailure(
          mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(module))))
    return 1;
  printf("lowered:\n");
  mlirOperationPrint(mlirModuleGetOperation(module), printToStdout, NULL);
  printf("\n");

  /* A bad pipeline option is reported, not fatal. */
  MlirPassManager pm2 = mlirPassManagerCreate(ctx);
  MlirLogicalResult bad2 = mlirFP8BuildCPUPipeline(
      mlirPassManagerGetAsOpPassManager(pm2),
      mlirStringRefCreateFromCString("recipie=rowwise"), printToStdout, NULL);
  printf("\nbad option fails: %d\n", mlirLogicalResultIsFailure(bad2));

  mlirPassManagerDestroy(pm2);
  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
  return 0;
}
