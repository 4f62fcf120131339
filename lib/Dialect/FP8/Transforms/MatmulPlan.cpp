//===- MatmulPlan.cpp - which matmuls become fp8, and how -----------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The analysis half of fp8-rewrite-matmul: a matmul's Float8LinearConfig
// (attribute, module default or options), the float8 types a chip converts,
// and the plan (role, operand cast configs, layout, padding) or the reason
// the matmul stays in high precision.
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/Transforms/Passes.h"
#include "fp8/Dialect/FP8/Transforms/Contractions.h"
#include "fp8/Support/GpuTarget.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/LLVMIR/ROCDLDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/IR/AsmState.h"

using namespace mlir;
using namespace mlir::fp8;

static constexpr int64_t kAlignment = kFloat8GemmAlignment;

//===----------------------------------------------------------------------===//
// Config, role and type configuration lookup
//===----------------------------------------------------------------------===//

FailureOr<LinearConfigAttr> fp8::lookupLinearConfig(Operation *op,
                                                    LinearConfigAttr fallback) {
  auto helper =
      op->getContext()->getOrLoadDialect<FP8Dialect>()->getConfigAttrHelper();
  for (Operation *cur = op; cur; cur = cur->getParentOp()) {
    Attribute attr = cur->getAttr(helper.getName());
    if (!attr)
      continue;
    if (auto config = dyn_cast<LinearConfigAttr>(attr))
      return config;
    return failure();
  }
  if (fallback)
    return fallback;
  return LinearConfigAttr::get(op->getContext(),
                               LinearConfig(op->getContext()));
}

FailureOr<TypeConfig> fp8::getTypeConfigForChip(StringRef chip) {
  FailureOr<GpuTarget> target = GpuTarget::parse(chip);
  if (failed(target))
    return failure();
  // MI300 (gfx940/941/942) only converts the fnuz types in hardware.
  return target->usesFnuzFp8() ? TypeConfig::FNUZ : TypeConfig::OCP;
}

bool fp8::chipSupportsFloat8Type(StringRef chip, Type type) {
  FailureOr<GpuTarget> target = GpuTarget::parse(chip);
  if (failed(target))
    return false;
  if (target->usesFnuzFp8())
    return isa<Float8E4M3FNUZType, Float8E5M2FNUZType>(type);
  return target->hasOcpFp8() && isa<Float8E4M3FNType, Float8E5M2Type>(type);
}

FailureOr<TypeConfig> fp8::resolveTypeConfig(ModuleOp module, StringRef option,
                                             StringRef chip) {
  if (option == "ocp")
    return TypeConfig::OCP;
  if (option == "fnuz")
    return TypeConfig::FNUZ;
  if (option != "auto")
    return module.emitError() << "unknown type-config '" << option
                              << "'; expected 'auto', 'ocp' or 'fnuz'";
  if (!chip.empty()) {
    FailureOr<TypeConfig> typeConfig = getTypeConfigForChip(chip);
    if (failed(typeConfig))
      return module.emitError()
             << "unknown chip '" << chip
             << "'; expected an NVIDIA sm_XX or AMD gfxNNN name";
    return typeConfig;
  }
  // Collect the targets of all GPU modules; they must agree.
  std::optional<TypeConfig> found;
  std::string foundTarget;
  WalkResult walk = module.walk([&](gpu::GPUModuleOp gpuModule) {
    ArrayAttr targets = gpuModule.getTargetsAttr();
    if (!targets)
      return WalkResult::advance();
    for (Attribute target : targets) {
      std::string name;
      FailureOr<TypeConfig> typeConfig = failure();
      if (auto rocdl = dyn_cast<ROCDL::ROCDLTargetAttr>(target)) {
        name = rocdl.getChip().str();
        typeConfig = getTypeConfigForChip(rocdl.getChip());
      } else if (auto nvvm = dyn_cast<NVVM::NVVMTargetAttr>(target)) {
        name = nvvm.getChip().str();
        typeConfig = TypeConfig::OCP;
      } else {
        continue;
      }
      if (failed(typeConfig)) {
        gpuModule.emitError() << "unknown chip '" << name << "' in GPU target";
        return WalkResult::interrupt();
      }
      if (found && *found != *typeConfig) {
        InFlightDiagnostic diag =
            gpuModule.emitError()
            << "conflicting GPU targets: '" << foundTarget << "' uses the "
            << stringifyTypeConfig(*found) << " float8 types but '" << name
            << "' uses the " << stringifyTypeConfig(*typeConfig)
            << " ones; compile them separately or set "
               "type-config explicitly";
        return WalkResult::interrupt();
      }
      found = *typeConfig;
      foundTarget = name;
    }
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  return found.value_or(TypeConfig::OCP);
}

FailureOr<LinearConfigAttr>
fp8::parseConfigOptions(Location loc, StringRef recipe, StringRef config) {
  MLIRContext *ctx = loc.getContext();
  if (!recipe.empty() && !config.empty())
    return emitError(loc) << "the recipe= and config= options are mutually "
                             "exclusive; write `config=#fp8.linear<recipe="
                          << recipe << ",...>` instead";
  if (!recipe.empty()) {
    LinearConfigAttr attr = LinearConfigAttr::getFromRecipeName(
        [&] { return emitError(loc) << "invalid recipe= option: "; }, ctx,
        recipe);
    if (!attr)
      return failure();
    return attr;
  }
  if (config.empty())
    return LinearConfigAttr();
  // Parse with a handler that collects the parser's messages, then report
  // them at `loc` with the option text.
  std::string messages;
  Attribute attr;
  {
    ScopedDiagnosticHandler handler(ctx, [&](Diagnostic &diag) {
      if (diag.getSeverity() != DiagnosticSeverity::Error)
        return failure();
      if (!messages.empty())
        messages += "; ";
      messages += diag.str();
      return success();
    });
    size_t numRead = 0;
    attr = parseAttribute(config, ctx, Type(), &numRead);
    if (attr && numRead != config.size()) {
      messages = "unexpected trailing characters '" +
                 config.drop_front(numRead).str() + "'";
      attr = {};
    }
  }
  if (!attr)
    return emitError(loc) << "invalid config= option '" << config
                          << "': " << messages;
  auto linear = dyn_cast<LinearConfigAttr>(attr);
  if (!linear)
    return emitError(loc) << "invalid config= option '" << config
                          << "': expected a #fp8.linear<...> attribute";
  return linear;
}

//===----------------------------------------------------------------------===//
// Planning
//===----------------------------------------------------------------------===//

/// Records why a matmul is not rewritten (when asked) and fails.
static LogicalResult reject(MatmulRewriteRejection *rejection,
                            MatmulRewriteRejection::Kind kind,
                            const Twine &message) {
  if (rejection)
    *rejection = {kind, message.str()};
  return failure();
}

/// Matches the indexing maps of a (batch) matmul to a layout: A stored
/// [b,] m x k or [b,] k x m; B stored [b,] k x n or [b,] n x k; C [b,] m x n.
static LogicalResult matchLayout(linalg::LinalgOp op, int64_t batchDims,
                                 bool &lhsTransposed, bool &rhsTransposed) {
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  for (bool lhs : {false, true})
    for (bool rhs : {false, true})
      if (maps == getMatmulMaps(op.getContext(), batchDims, lhs, rhs)) {
        lhsTransposed = lhs;
        rhsTransposed = rhs;
        return success();
      }
  return failure();
}

static std::string dimToString(int64_t size) {
  return ShapedType::isDynamic(size) ? std::string("?") : std::to_string(size);
}

static bool isHighPrecisionFloat(Type type) {
  return isa<BFloat16Type, Float16Type, Float32Type>(type);
}

/// The plan's config, role and operand cast configs, from the op's
/// attributes and the options.
static LogicalResult planConfigAndRole(linalg::LinalgOp op,
                                       const RewriteMatmulOptions &options,
                                       MatmulRewritePlan &plan,
                                       MatmulRewriteRejection *rejection) {
  using Kind = MatmulRewriteRejection::Kind;
  FailureOr<LinearConfigAttr> config =
      lookupLinearConfig(op, options.defaultConfig);
  if (failed(config))
    return reject(rejection, Kind::Invalid,
                  "'fp8.config' must be a #fp8.linear<...> attribute");
  plan.config = *config;
  auto roleHelper =
      op.getContext()->getOrLoadDialect<FP8Dialect>()->getRoleAttrHelper();
  if (Attribute roleAttr = op->getAttr(roleHelper.getName())) {
    auto roleString = dyn_cast<StringAttr>(roleAttr);
    std::optional<GemmRole> role =
        roleString ? symbolizeGemmRole(roleString.getValue()) : std::nullopt;
    if (!role)
      return reject(rejection, Kind::Invalid,
                    "'fp8.role' must be \"output\", \"grad_input\" or "
                    "\"grad_weight\"");
    plan.role = *role;
  }
  if (Attribute gridAttr = op->getAttr("fp8.amax_grid")) {
    auto gridRef = dyn_cast<FlatSymbolRefAttr>(gridAttr);
    if (!gridRef ||
        !SymbolTable::lookupNearestSymbolFrom<shard::GridOp>(op, gridRef))
      return reject(rejection, Kind::Invalid,
                    "'fp8.amax_grid' must name a shard.grid (e.g. @grid)");
  }
  plan.operands = plan.config.getGemmConfigs(plan.role, options.typeConfig);
  if (plan.operands.lhs.isDisabled() && plan.operands.rhs.isDisabled())
    return reject(rejection, Kind::HighPrecision,
                  "both operands stay in high precision");
  return success();
}

/// The chip (when the options name one) must convert and multiply the
/// chosen types in hardware, unless the config emulates.
static LogicalResult checkHardwareTypes(linalg::LinalgOp op,
                                        const RewriteMatmulOptions &options,
                                        const MatmulRewritePlan &plan,
                                        MatmulRewriteRejection *rejection) {
  if (options.chip.empty() || plan.config.getEmulate())
    return success();
  for (CastConfigAttr operand : {plan.operands.lhs, plan.operands.rhs}) {
    Type dtype = operand.getDtype().getType();
    if (chipSupportsFloat8Type(options.chip, dtype))
      continue;
    std::string name;
    llvm::raw_string_ostream os(name);
    os << dtype;
    FailureOr<TypeConfig> native = getTypeConfigForChip(options.chip);
    std::string fix =
        succeeded(native) && *native == TypeConfig::FNUZ
            ? "MI300 converts f8E4M3FNUZ/f8E5M2FNUZ: use type-config=fnuz "
              "(or auto)"
            : "it converts f8E4M3FN/f8E5M2: use type-config=ocp (or auto)";
    bool anyFp8 = chipSupportsFloat8Type(
                      options.chip, Float8E4M3FNType::get(op.getContext())) ||
                  chipSupportsFloat8Type(
                      options.chip, Float8E4M3FNUZType::get(op.getContext()));
    if (!anyFp8)
      fix = "it has no float8 hardware";
    return reject(rejection, MatmulRewriteRejection::Kind::Invalid,
                  name + " is not converted in hardware on " + options.chip +
                      " (" + fix + "), or set emulate = true");
  }
  return success();
}

/// The plan for a matmul of the given shape, shared by named matmuls and
/// normalized frontend contractions.
static FailureOr<MatmulRewritePlan>
planShape(linalg::LinalgOp op, const MatmulShape &shape,
          std::optional<GemmRole> inferredRole,
          const RewriteMatmulOptions &options,
          MatmulRewriteRejection *rejection) {
  using Kind = MatmulRewriteRejection::Kind;
  MatmulRewritePlan plan;
  plan.batchDims = shape.batchDims;
  plan.lhsTransposed = shape.lhsTransposed;
  plan.rhsTransposed = shape.rhsTransposed;
  if (inferredRole)
    plan.role = *inferredRole;
  if (failed(planConfigAndRole(op, options, plan, rejection)))
    return failure();
  if (failed(checkHardwareTypes(op, options, plan, rejection)))
    return failure();
  if (!isHighPrecisionFloat(shape.lhsElementType) ||
      !isHighPrecisionFloat(shape.rhsElementType) ||
      !isHighPrecisionFloat(shape.resultElementType))
    return reject(rejection, Kind::Unsupported,
                  "operand and result element types must be bf16, f16 or f32");

  // Alignment: the hardware gemms need K and N to be multiples of 16.
  int64_t kSize = shape.k, nSize = shape.n;
  auto aligned = [](int64_t size) {
    return !ShapedType::isDynamic(size) && size % kAlignment == 0;
  };
  bool pad = plan.config.getPadInnerDim();
  if (!plan.config.getEmulate()) {
    SmallVector<std::string> problems;
    if (!aligned(kSize) && !pad)
      problems.push_back("K = " + dimToString(kSize));
    if (!aligned(nSize))
      problems.push_back("N = " + dimToString(nSize));
    if (!problems.empty()) {
      std::string hint = pad ? "set emulate = true to convert it anyway"
                             : "set pad_inner_dim = true to pad K, or "
                               "emulate = true";
      return reject(
          rejection, Kind::Unsupported,
          "matmul stays in high precision: " + llvm::join(problems, " and ") +
              " must be known multiples of 16 for the float8 gemm (" + hint +
              ")");
    }
  }
  plan.padK = pad && !aligned(kSize);
  return plan;
}

FailureOr<MatmulRewritePlan>
fp8::planMatmulRewrite(linalg::LinalgOp op, const RewriteMatmulOptions &options,
                       MatmulRewriteRejection *rejection) {
  using Kind = MatmulRewriteRejection::Kind;
  MatmulShape shape;
  if (isa<linalg::MatmulOp>(op))
    shape.batchDims = 0;
  else if (isa<linalg::BatchMatmulOp>(op))
    shape.batchDims = 1;
  else
    return reject(rejection, Kind::Unsupported,
                  "only linalg.matmul and linalg.batch_matmul are rewritten");
  if (!op.hasPureTensorSemantics()) {
    // Attribute errors first, as for tensors.
    MatmulRewritePlan plan;
    if (failed(planConfigAndRole(op, options, plan, rejection)) ||
        failed(checkHardwareTypes(op, options, plan, rejection)))
      return failure();
    return reject(rejection, Kind::Unsupported,
                  "only matmuls on tensors are rewritten");
  }
  auto lhsType = cast<RankedTensorType>(op.getDpsInputs()[0].getType());
  auto rhsType = cast<RankedTensorType>(op.getDpsInputs()[1].getType());
  auto resType = cast<RankedTensorType>(op.getDpsInits()[0].getType());
  shape.lhsElementType = lhsType.getElementType();
  shape.rhsElementType = rhsType.getElementType();
  shape.resultElementType = resType.getElementType();
  if (failed(matchLayout(op, shape.batchDims, shape.lhsTransposed,
                         shape.rhsTransposed))) {
    MatmulRewritePlan plan;
    if (failed(planConfigAndRole(op, options, plan, rejection)) ||
        failed(checkHardwareTypes(op, options, plan, rejection)))
      return failure();
    if (!isHighPrecisionFloat(shape.lhsElementType) ||
        !isHighPrecisionFloat(shape.rhsElementType) ||
        !isHighPrecisionFloat(shape.resultElementType))
      return reject(
          rejection, Kind::Unsupported,
          "operand and result element types must be bf16, f16 or f32");
    return reject(rejection, Kind::Unsupported,
                  "unsupported indexing maps (only plain and transposed "
                  "operands are rewritten)");
  }
  int64_t rank = lhsType.getRank();
  shape.k = lhsType.getDimSize(shape.lhsTransposed ? rank - 2 : rank - 1);
  shape.n = rhsType.getDimSize(shape.rhsTransposed ? rank - 2 : rank - 1);
  return planShape(op, shape, std::nullopt, options, rejection);
}

FailureOr<MatmulRewritePlan> fp8::planContractionRewrite(
    const Contraction &contraction, std::optional<GemmRole> inferredRole,
    const RewriteMatmulOptions &options,
    MatmulRewriteRejection *rejection) {
  MatmulShape shape;
  shape.batchDims = contraction.batch.empty() ? 0 : 1;
  shape.lhsTransposed = contraction.lhsTransposed;
  shape.rhsTransposed = contraction.rhsTransposed;
  shape.lhsElementType = getElementTypeOrSelf(contraction.lhs.source);
  shape.rhsElementType = getElementTypeOrSelf(contraction.rhs.source);
  linalg::LinalgOp op = contraction.op;
  shape.resultElementType = getElementTypeOrSelf(op.getDpsInits()[0]);
  shape.k = contraction.flatSize(contraction.k);
  shape.n = contraction.flatSize(contraction.n);
  return planShape(op, shape, inferredRole, options, rejection);
}
