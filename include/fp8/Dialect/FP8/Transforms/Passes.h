//===- Passes.h - fp8 dialect transformation passes -------------*- C++ -*-===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef FP8_DIALECT_FP8_TRANSFORMS_PASSES_H
#define FP8_DIALECT_FP8_TRANSFORMS_PASSES_H

#include "fp8/Dialect/FP8/IR/FP8Ops.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Shard/IR/ShardDialect.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
namespace fp8 {

#define GEN_PASS_DECL
#include "fp8/Dialect/FP8/Transforms/Passes.h.inc"

/// What the matmul rewrite needs to know besides the IR.
struct RewriteMatmulOptions {
  /// Config for matmuls without an `fp8.config` of their own or on an
  /// enclosing op; null means torchao's default (tensorwise).
  LinearConfigAttr defaultConfig;
  /// The float8 type pair in effect.
  TypeConfig typeConfig = TypeConfig::OCP;
  /// The target chip, if any: fp8 types it cannot convert in hardware are
  /// rejected unless the config emulates.
  std::string chip;
};

/// K and N of a hardware float8 GEMM must be multiples of this
/// (pad_inner_dim pads K up to it).
constexpr int64_t kFloat8GemmAlignment = 16;

/// How one matmul is rewritten; see planMatmulRewrite.
struct MatmulRewritePlan {
  LinearConfigAttr config;
  GemmRole role = GemmRole::Output;
  GemmOperandConfigs operands;
  /// Leading batch dimensions (1 for linalg.batch_matmul).
  int64_t batchDims = 0;
  /// Whether A is stored K x M and B is stored N x K.
  bool lhsTransposed = false;
  bool rhsTransposed = false;
  /// Whether K is zero-padded to a multiple of 16 after the cast.
  bool padK = false;
};

/// Why a matmul is not rewritten.
struct MatmulRewriteRejection {
  enum class Kind {
    /// Both operands stay in high precision by config: nothing to do.
    HighPrecision,
    /// Bad `fp8.config`/`fp8.role` attributes or unsupported IR: an error.
    Invalid,
    /// K or N not a multiple of 16 (or dynamic), unsupported indexing maps
    /// or memref operands: a warning, unless strict.
    Unsupported,
  };
  Kind kind;
  std::string message;
};

/// The shape facts a plan depends on.
struct MatmulShape {
  int64_t batchDims = 0;
  bool lhsTransposed = false;
  bool rhsTransposed = false;
  Type lhsElementType, rhsElementType, resultElementType;
  /// The (flattened) contraction and N sizes; ShapedType::kDynamic if
  /// unknown.
  int64_t k = 0, n = 0;
};

struct Contraction;

/// Decides how `op` (a linalg.matmul or linalg.batch_matmul) is rewritten,
/// or why it is not. Emits nothing; the pass turns rejections into
/// diagnostics.
FailureOr<MatmulRewritePlan>
planMatmulRewrite(linalg::LinalgOp op, const RewriteMatmulOptions &options,
                  MatmulRewriteRejection *rejection = nullptr);

/// Decides how a recognized contraction is rewritten once normalized
/// (flattened, see normalizeContraction): an explicit `fp8.role` wins over
/// `inferredRole`.
FailureOr<MatmulRewritePlan>
planContractionRewrite(const Contraction &contraction,
                       std::optional<GemmRole> inferredRole,
                       const RewriteMatmulOptions &options,
                       MatmulRewriteRejection *rejection = nullptr);

/// Rewrites a linalg.matmul or linalg.batch_matmul per `plan`: amax, scale
/// and cast of each operand, an fp8.scaled_matmul, and an add of a non-zero
/// init. Returns the value that replaced the op's result.
Value rewriteMatmulToFloat8(RewriterBase &rewriter, linalg::LinalgOp op,
                            const MatmulRewritePlan &plan);

/// The `#fp8.linear` config that applies to `op`: its own `fp8.config`, else
/// the nearest enclosing op's, else `fallback` (null: the default config).
/// Returns failure if an `fp8.config` attribute is not a #fp8.linear.
FailureOr<LinearConfigAttr> lookupLinearConfig(Operation *op,
                                               LinearConfigAttr fallback);

/// Resolves a chip name to its type configuration: gfx940/941/942 (MI300)
/// use fnuz, gfx950/gfx12xx and sm_* use OCP. Fails for unknown names.
FailureOr<TypeConfig> getTypeConfigForChip(StringRef chip);

/// Whether `chip` converts and multiplies the 8-bit float `type` in hardware:
/// the fnuz types on gfx940/941/942 (MI300), the OCP types on gfx950,
/// gfx12xx and sm_89 and newer.
bool chipSupportsFloat8Type(StringRef chip, Type type);

/// Determines the type configuration of `module`: `option` (auto, ocp, fnuz)
/// wins if not auto, then `chip`, then the module's #rocdl.target /
/// #nvvm.target attributes, then OCP. Emits an error on `module` and fails
/// for a bad option, an unknown chip or conflicting targets.
FailureOr<TypeConfig> resolveTypeConfig(ModuleOp module, StringRef option,
                                        StringRef chip);

/// Parses the `recipe=`/`config=` pass options into a config (null when both
/// are empty). Emits an error at `loc` and fails on bad input.
FailureOr<LinearConfigAttr> parseConfigOptions(Location loc, StringRef recipe,
                                               StringRef config);

/// One line describing the resolved per-gemm operand configs of `config`
/// ("output: dyn_ten_e4m3 @ dyn_ten_e4m3 fast_accum=true; ...").
std::string describeLinearConfig(LinearConfigAttr config,
                                 TypeConfig typeConfig);

/// Adds the patterns rewriting linalg.matmul / linalg.batch_matmul into fp8
/// ops per their #fp8.linear config and role.
void populateFP8RewriteMatmulPatterns(RewritePatternSet &patterns,
                                      const RewriteMatmulOptions &options);

#define GEN_PASS_REGISTRATION
#include "fp8/Dialect/FP8/Transforms/Passes.h.inc"

} // namespace fp8
} // namespace mlir

#endif // FP8_DIALECT_FP8_TRANSFORMS_PASSES_H
