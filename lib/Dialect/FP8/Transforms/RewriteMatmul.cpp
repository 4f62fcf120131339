//===- RewriteMatmul.cpp - linalg matmuls into fp8 ops --------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// torchao's `matmul_with_hp_or_float8_args` as a rewrite: each operand of a
// matmul is scaled and cast per its cast config, and the matmul becomes an
// fp8.scaled_matmul.
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/Transforms/Passes.h"
#include "fp8/Support/GpuTarget.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/LLVMIR/ROCDLDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir {
namespace fp8 {
#define GEN_PASS_DEF_FP8REWRITEMATMUL
#include "fp8/Dialect/FP8/Transforms/Passes.h.inc"
} // namespace fp8
} // namespace mlir

using namespace mlir;
using namespace mlir::fp8;

static constexpr int64_t kAlignment = 16;

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

static FailureOr<MatmulRewritePlan> reject(MatmulRewriteRejection *rejection,
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
  MLIRContext *ctx = op.getContext();
  unsigned numDims = batchDims + 3;
  SmallVector<AffineExpr> batch;
  for (int64_t i = 0; i < batchDims; ++i)
    batch.push_back(getAffineDimExpr(i, ctx));
  AffineExpr m = getAffineDimExpr(batchDims, ctx);
  AffineExpr n = getAffineDimExpr(batchDims + 1, ctx);
  AffineExpr k = getAffineDimExpr(batchDims + 2, ctx);
  auto makeMap = [&](AffineExpr a, AffineExpr b) {
    SmallVector<AffineExpr> exprs(batch);
    exprs.append({a, b});
    return AffineMap::get(numDims, 0, exprs, ctx);
  };
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps.size() != 3 || maps[2] != makeMap(m, n))
    return failure();
  if (maps[0] == makeMap(m, k))
    lhsTransposed = false;
  else if (maps[0] == makeMap(k, m))
    lhsTransposed = true;
  else
    return failure();
  if (maps[1] == makeMap(k, n))
    rhsTransposed = false;
  else if (maps[1] == makeMap(n, k))
    rhsTransposed = true;
  else
    return failure();
  return success();
}

static std::string dimToString(int64_t size) {
  return ShapedType::isDynamic(size) ? std::string("?") : std::to_string(size);
}

static bool isHighPrecisionFloat(Type type) {
  return isa<BFloat16Type, Float16Type, Float32Type>(type);
}

FailureOr<MatmulRewritePlan>
fp8::planMatmulRewrite(linalg::LinalgOp op, const RewriteMatmulOptions &options,
                       MatmulRewriteRejection *rejection) {
  using Kind = MatmulRewriteRejection::Kind;
  MatmulRewritePlan plan;
  if (isa<linalg::MatmulOp>(op))
    plan.batchDims = 0;
  else if (isa<linalg::BatchMatmulOp>(op))
    plan.batchDims = 1;
  else
    return reject(rejection, Kind::Unsupported,
                  "only linalg.matmul and linalg.batch_matmul are rewritten");

  // Config and role.
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

  // The chip must convert and multiply the chosen types in hardware.
  if (!options.chip.empty() && !plan.config.getEmulate()) {
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
      return reject(rejection, Kind::Invalid,
                    name + " is not converted in hardware on " + options.chip +
                        " (" + fix + "), or set emulate = true");
    }
  }
  // Types and layout.
  if (!op.hasPureTensorSemantics())
    return reject(rejection, Kind::Unsupported,
                  "only matmuls on tensors are rewritten");
  auto lhsType = cast<RankedTensorType>(op.getDpsInputs()[0].getType());
  auto rhsType = cast<RankedTensorType>(op.getDpsInputs()[1].getType());
  auto resType = cast<RankedTensorType>(op.getDpsInits()[0].getType());
  if (!isHighPrecisionFloat(lhsType.getElementType()) ||
      !isHighPrecisionFloat(rhsType.getElementType()) ||
      !isHighPrecisionFloat(resType.getElementType()))
    return reject(rejection, Kind::Unsupported,
                  "operand and result element types must be bf16, f16 or f32");
  if (failed(matchLayout(op, plan.batchDims, plan.lhsTransposed,
                         plan.rhsTransposed)))
    return reject(rejection, Kind::Unsupported,
                  "unsupported indexing maps (only plain and transposed "
                  "operands are rewritten)");

  // Alignment: the hardware gemms need K and N to be multiples of 16.
  int64_t rank = lhsType.getRank();
  int64_t kSize = lhsType.getDimSize(plan.lhsTransposed ? rank - 2 : rank - 1);
  int64_t nSize = rhsType.getDimSize(plan.rhsTransposed ? rank - 2 : rank - 1);
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

//===----------------------------------------------------------------------===//
// Rewrite
//===----------------------------------------------------------------------===//

/// Swaps the last two dimensions of a tensor.
static Value transposeLastTwo(RewriterBase &rewriter, Location loc,
                              Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> perm = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  std::swap(perm[rank - 1], perm[rank - 2]);
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, value);
  SmallVector<OpFoldResult> permuted;
  for (int64_t dim : perm)
    permuted.push_back(sizes[dim]);
  Value init =
      tensor::EmptyOp::create(rewriter, loc, permuted, type.getElementType());
  return linalg::TransposeOp::create(rewriter, loc, value, init, perm)
      ->getResult(0);
}

/// Zero-pads dimension `dim` of an fp8 tensor to a multiple of 16.
static Value padToAlignment(RewriterBase &rewriter, Location loc, Value value,
                            int64_t dim) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> low(rank, rewriter.getIndexAttr(0));
  SmallVector<OpFoldResult> high(rank, rewriter.getIndexAttr(0));
  SmallVector<int64_t> shape(type.getShape());
  int64_t size = type.getDimSize(dim);
  if (ShapedType::isDynamic(size)) {
    // high = (16 - size % 16) % 16
    Value sizeValue = tensor::DimOp::create(rewriter, loc, value, dim);
    Value align = arith::ConstantIndexOp::create(rewriter, loc, kAlignment);
    Value rem = arith::RemUIOp::create(rewriter, loc, sizeValue, align);
    Value missing = arith::SubIOp::create(rewriter, loc, align, rem);
    high[dim] =
        arith::RemUIOp::create(rewriter, loc, missing, align).getResult();
  } else {
    int64_t padded = llvm::alignTo(size, kAlignment);
    high[dim] = rewriter.getIndexAttr(padded - size);
    shape[dim] = padded;
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  Value zero = arith::ConstantOp::create(
      rewriter, loc, rewriter.getFloatAttr(type.getElementType(), 0.0));
  return tensor::PadOp::create(rewriter, loc, resultType, value, low, high,
                               zero);
}

namespace {
/// The fp8 operand of a scaled matmul and its scale, in canonical layout.
struct ScaledOperand {
  Value data;
  Value scale;
};
} // namespace

/// A device grid over which tensorwise amaxes are all-reduced (max), so
/// that every process scales with the global amax (torchao's reduce_amax).
struct AmaxGrid {
  FlatSymbolRefAttr grid;
  SmallVector<shard::GridAxis> axes;
};

/// The tensorwise amax of `value`, all-reduced over `amaxGrid` if given.
static Value tensorwiseAmax(RewriterBase &rewriter, Location loc, Value value,
                            const AmaxGrid *amaxGrid) {
  MLIRContext *ctx = rewriter.getContext();
  auto type = cast<RankedTensorType>(value.getType());
  RankedTensorType amaxType = AmaxOp::inferResultType(
      type, ScalingGranularity::Tensorwise, std::nullopt, /*batchDims=*/0);
  Value amax = AmaxOp::create(
      rewriter, loc, amaxType, value,
      ScalingGranularityAttr::get(ctx, ScalingGranularity::Tensorwise),
      IntegerAttr(), rewriter.getI64IntegerAttr(0));
  if (amaxGrid)
    amax = shard::AllReduceOp::create(rewriter, loc, amax,
                                      amaxGrid->grid.getValue(), amaxGrid->axes,
                                      shard::ReductionKind::Max);
  return amax;
}

/// amax -> amax_to_scale -> cast for one operand whose contraction dimension
/// is `kDim`; the result is transposed to canonical layout when `transposed`.
/// Unbatched tensorwise amaxes are all-reduced over `amaxGrid` if given.
static ScaledOperand castOperand(RewriterBase &rewriter, Location loc,
                                 Value value, CastConfigAttr castConfig,
                                 int64_t kDim, bool transposed,
                                 int64_t batchDims, bool pow2,
                                 const AmaxGrid *amaxGrid) {
  MLIRContext *ctx = rewriter.getContext();
  auto type = cast<RankedTensorType>(value.getType());
  auto dtype = cast<FloatType>(castConfig.getDtype().getType());
  ScalingGranularity granularity = castConfig.getGranularity();
  std::optional<int64_t> axis;
  if (granularity == ScalingGranularity::Axiswise)
    axis = kDim;
  RankedTensorType amaxType =
      AmaxOp::inferResultType(type, granularity, axis, batchDims);
  Value amax;
  if (granularity == ScalingGranularity::Tensorwise && batchDims == 0)
    amax = tensorwiseAmax(rewriter, loc, value, amaxGrid);
  else
    amax =
        AmaxOp::create(rewriter, loc, amaxType, value,
                       ScalingGranularityAttr::get(ctx, granularity),
                       axis ? rewriter.getI64IntegerAttr(*axis) : IntegerAttr(),
                       rewriter.getI64IntegerAttr(batchDims));
  Value scale =
      AmaxToScaleOp::create(rewriter, loc, amaxType, amax, TypeAttr::get(dtype),
                            pow2 ? rewriter.getUnitAttr() : nullptr);
  Value data = CastOp::create(rewriter, loc,
                              RankedTensorType::get(type.getShape(), dtype),
                              value, scale);
  if (transposed) {
    data = transposeLastTwo(rewriter, loc, data);
    if (amaxType.getRank() > 0)
      scale = transposeLastTwo(rewriter, loc, scale);
  }
  return {data, scale};
}

/// torchao's float8 all-gather (fsdp_float8_all_gather): an operand that a
/// shard.all_gather assembles from shards is cast before the gather, on the
/// local shard, with the scale of the global amax (the local amaxes
/// all-reduced with max over the gather's grid axes), and the fp8 shards are
/// gathered: one byte per element crosses the network instead of two (bf16)
/// or four (f32). The values are those of casting the gathered tensor.
static ScaledOperand castBeforeGather(RewriterBase &rewriter, Location loc,
                                      shard::AllGatherOp gather,
                                      CastConfigAttr castConfig,
                                      bool transposed, bool pow2) {
  auto dtype = cast<FloatType>(castConfig.getDtype().getType());
  Value shardValue = gather.getInput();
  AmaxGrid group{gather.getGridAttr(), llvm::to_vector(gather.getGridAxes())};
  Value amax = tensorwiseAmax(rewriter, loc, shardValue, &group);
  Value scale = AmaxToScaleOp::create(rewriter, loc, amax.getType(), amax,
                                      TypeAttr::get(dtype),
                                      pow2 ? rewriter.getUnitAttr() : nullptr);
  auto shardType = cast<RankedTensorType>(shardValue.getType());
  Value local = CastOp::create(
      rewriter, loc, RankedTensorType::get(shardType.getShape(), dtype),
      shardValue, scale);
  auto gatheredType =
      RankedTensorType::get(gather.getResult().getType().getShape(), dtype);
  Value data = shard::AllGatherOp::create(
      rewriter, loc, gatheredType, gather.getGridAttr(),
      gather.getGridAxesAttr(), local, gather.getGatherAxisAttr());
  if (transposed)
    data = transposeLastTwo(rewriter, loc, data);
  return {data, scale};
}

/// The all-gather that produces `operand` when the config casts it before
/// the gather: fsdp_float8_all_gather, dynamic tensorwise scaling,
/// unbatched.
static shard::AllGatherOp getFloat8AllGather(Value operand,
                                             const MatmulRewritePlan &plan,
                                             CastConfigAttr castConfig) {
  if (!plan.config.getFsdpFloat8AllGather() || plan.batchDims != 0 ||
      castConfig.getScaling() != ScalingType::Dynamic ||
      castConfig.getGranularity() != ScalingGranularity::Tensorwise)
    return nullptr;
  // shard-partition leaves an identity tensor.cast after the gather.
  if (auto cast = operand.getDefiningOp<tensor::CastOp>())
    if (cast.getSource().getType() == cast.getType())
      operand = cast.getSource();
  return operand.getDefiningOp<shard::AllGatherOp>();
}

/// Whether `init` is known to be all zeros (or undefined), so that the
/// matmul does not accumulate into it.
static bool isZeroInit(Value init) {
  if (init.getDefiningOp<tensor::EmptyOp>())
    return true;
  if (auto fill = init.getDefiningOp<linalg::FillOp>())
    return matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
  return matchPattern(init, m_AnyZeroFloat());
}

namespace {
struct RewriteMatmulPattern
    : public OpInterfaceRewritePattern<linalg::LinalgOp> {
  RewriteMatmulPattern(MLIRContext *ctx, const RewriteMatmulOptions &options)
      : OpInterfaceRewritePattern<linalg::LinalgOp>(ctx), options(options) {}

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op))
      return rewriter.notifyMatchFailure(op, "not a matmul");
    MatmulRewriteRejection rejection;
    FailureOr<MatmulRewritePlan> plan =
        planMatmulRewrite(op, options, &rejection);
    if (failed(plan))
      return rewriter.notifyMatchFailure(op, rejection.message);

    Location loc = op.getLoc();
    Value lhs = op.getDpsInputs()[0], rhs = op.getDpsInputs()[1];
    Value init = op.getDpsInits()[0];
    int64_t rank = cast<RankedTensorType>(lhs.getType()).getRank();
    bool pow2 = plan->config.getRoundScalesToPowerOf_2();
    // The contraction dimension as stored: A is [b,] m x k or k x m, B is
    // [b,] k x n or n x k.
    // fp8.amax_grid = @grid: tensorwise amaxes are global over the grid.
    std::optional<AmaxGrid> amaxGrid;
    if (auto gridRef = op->getAttrOfType<FlatSymbolRefAttr>("fp8.amax_grid")) {
      auto gridOp =
          SymbolTable::lookupNearestSymbolFrom<shard::GridOp>(op, gridRef);
      amaxGrid = AmaxGrid{gridRef, {}};
      for (int64_t axis = 0; axis < gridOp.getRank(); ++axis)
        amaxGrid->axes.push_back(axis);
    }
    const AmaxGrid *grid = amaxGrid ? &*amaxGrid : nullptr;
    auto operand = [&](Value value, CastConfigAttr castConfig, int64_t kDim,
                       bool transposed) {
      if (shard::AllGatherOp gather =
              getFloat8AllGather(value, *plan, castConfig))
        return castBeforeGather(rewriter, loc, gather, castConfig, transposed,
                                pow2);
      return castOperand(rewriter, loc, value, castConfig, kDim, transposed,
                         plan->batchDims, pow2, grid);
    };
    ScaledOperand a =
        operand(lhs, plan->operands.lhs,
                plan->lhsTransposed ? rank - 2 : rank - 1, plan->lhsTransposed);
    ScaledOperand b =
        operand(rhs, plan->operands.rhs,
                plan->rhsTransposed ? rank - 1 : rank - 2, plan->rhsTransposed);
    if (plan->padK) {
      a.data = padToAlignment(rewriter, loc, a.data, rank - 1);
      b.data = padToAlignment(rewriter, loc, b.data, rank - 2);
    }
    Value result = ScaledMatmulOp::create(
        rewriter, loc, init.getType(), a.data, b.data, a.scale, b.scale,
        plan->operands.gemm,
        plan->config.getEmulate() ? rewriter.getUnitAttr() : nullptr);
    // A matmul accumulates into its init; add it after the scaled product.
    if (!isZeroInit(init))
      result = linalg::AddOp::create(rewriter, loc, ValueRange{result, init},
                                     ValueRange{init})
                   ->getResult(0);
    rewriter.replaceOp(op, result);
    // A high-precision all-gather replaced by the float8 one must not run.
    SmallVector<Value, 2> operands = {lhs};
    if (rhs != lhs)
      operands.push_back(rhs);
    for (Value operand : operands) {
      if (auto cast = operand.getDefiningOp<tensor::CastOp>()) {
        if (!cast->use_empty() ||
            !cast.getSource().getDefiningOp<shard::AllGatherOp>())
          continue;
        operand = cast.getSource();
        rewriter.eraseOp(cast);
      }
      if (auto gather = operand.getDefiningOp<shard::AllGatherOp>())
        if (gather->use_empty())
          rewriter.eraseOp(gather);
    }
    return success();
  }

  RewriteMatmulOptions options;
};
} // namespace

void fp8::populateFP8RewriteMatmulPatterns(
    RewritePatternSet &patterns, const RewriteMatmulOptions &options) {
  patterns.add<RewriteMatmulPattern>(patterns.getContext(), options);
}

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

namespace {
struct FP8RewriteMatmulPass
    : public fp8::impl::FP8RewriteMatmulBase<FP8RewriteMatmulPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<LinearConfigAttr> defaultConfig =
        parseConfigOptions(module.getLoc(), recipe, config);
    if (failed(defaultConfig))
      return signalPassFailure();
    FailureOr<TypeConfig> types = resolveTypeConfig(module, typeConfig, chip);
    if (failed(types))
      return signalPassFailure();
    RewriteMatmulOptions options{*defaultConfig, *types, chip};

    // Diagnose every matmul once, before rewriting.
    bool hadError = false;
    module.walk([&](linalg::LinalgOp op) {
      if (!isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op))
        return;
      MatmulRewriteRejection rejection;
      if (succeeded(planMatmulRewrite(op, options, &rejection)))
        return;
      switch (rejection.kind) {
      case MatmulRewriteRejection::Kind::HighPrecision:
        return;
      case MatmulRewriteRejection::Kind::Unsupported:
        if (!strict) {
          op.emitWarning() << rejection.message;
          return;
        }
        [[fallthrough]];
      case MatmulRewriteRejection::Kind::Invalid:
        op.emitError() << rejection.message;
        hadError = true;
        return;
      }
    });
    if (hadError)
      return signalPassFailure();

    // One walk, no folding or dead-code removal: everything but the matmuls
    // stays exactly as it was.
    RewritePatternSet patterns(&getContext());
    populateFP8RewriteMatmulPatterns(patterns, options);
    walkAndApplyPatterns(module, std::move(patterns));
  }
};
} // namespace
