//===- fp8-reference.cpp - Independent float8 linear reference -----------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Generates one float8 matmul test case and, separately, its expected
// results, computed from the SPEC formulas with llvm::APFloat conversions
// and plain C++ float/double arithmetic. It shares no code with the
// compiler: the recipe tables and numerics are written out again here.
//
//   fp8-reference --recipe=rowwise --role=output --m=16 --k=32 --n=16 \
//       --dtype=bf16 --emit=mlir       # a module whose @main prints results
//   fp8-reference ... --emit=expected  # the numbers it must print
//
// Expected output: one line per memref @main prints, "exact: v v v ..." for
// bit patterns (scales as i32 bits, fp8 codes) or "approx: v v ..." for
// gemm results.
//
// Every bad option value is an error with exit status 1, never a default
// or an abort: values outside an option's set (listed by --help), sizes
// below 1, operands over 2^34 elements, malformed --lhs/--rhs or --func.
//
//===----------------------------------------------------------------------===//

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <optional>
#include <random>
#include <string>
#include <vector>

using llvm::APFloat;
namespace cl = llvm::cl;

namespace {

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

/// cl::parser for an option with a fixed set of values (cl::values) whose
/// error names them all: "fp8-reference: error: --dtype must be one of
/// bf16, f16, f32; got 'bf17'".
template <typename T> class ChoiceParser : public cl::parser<T> {
public:
  using cl::parser<T>::parser;

  bool parse(cl::Option &option, llvm::StringRef argName, llvm::StringRef arg,
             T &value) {
    for (const auto &choice : this->Values)
      if (choice.Name == arg) {
        value = choice.V.getValue();
        return false;
      }
    llvm::errs() << "fp8-reference: error: --" << option.ArgStr
                 << " must be one of ";
    llvm::ListSeparator comma;
    for (const auto &choice : this->Values)
      llvm::errs() << comma << choice.Name;
    llvm::errs() << "; got '" << arg << "'\n";
    return true;
  }

  /// The spelling of `value` on the command line.
  llvm::StringRef nameOf(T value) const {
    for (const auto &choice : this->Values)
      if (choice.V.getValue() == value)
        return choice.Name;
    llvm_unreachable("value without a name");
  }
};

template <typename T> using ChoiceOpt = cl::opt<T, false, ChoiceParser<T>>;

template <typename T> llvm::StringRef nameOf(ChoiceOpt<T> &option) {
  return option.getParser().nameOf(option.getValue());
}

enum class Recipe { Tensorwise, Rowwise, RowwiseWithGwHp };
enum class Role { Output, GradInput, GradWeight, Layer };
enum class Dtype { BF16, F16, F32 };
enum class TypeConfig { Ocp, Fnuz };
enum class Data { Normal, ZeroRow, Overflow, NaN, Outliers, Hash };
enum class Emit { Mlir, Expected, Meta };

} // namespace

static cl::OptionCategory referenceCategory("fp8-reference options");

static ChoiceOpt<Recipe> recipeOpt(
    "recipe", cl::init(Recipe::Tensorwise),
    cl::desc("torchao recipe of the matmul's #fp8.linear"),
    cl::values(clEnumValN(Recipe::Tensorwise, "tensorwise", ""),
               clEnumValN(Recipe::Rowwise, "rowwise", ""),
               clEnumValN(Recipe::RowwiseWithGwHp, "rowwise_with_gw_hp", "")),
    cl::cat(referenceCategory));
static ChoiceOpt<Role> roleOpt(
    "role", cl::init(Role::Output), cl::desc("which GEMM of a linear layer"),
    cl::values(clEnumValN(Role::Output, "output", ""),
               clEnumValN(Role::GradInput, "grad_input", ""),
               clEnumValN(Role::GradWeight, "grad_weight", ""),
               clEnumValN(Role::Layer, "layer",
                          "all three GEMMs of one linear layer in PyTorch's "
                          "layouts; --data=hash only")),
    cl::cat(referenceCategory));
static cl::opt<int> mOpt("m", cl::init(16), cl::desc("M: rows of A and C"),
                         cl::cat(referenceCategory));
static cl::opt<int> kOpt("k", cl::init(32), cl::desc("K: contraction size"),
                         cl::cat(referenceCategory));
static cl::opt<int> nOpt("n", cl::init(16), cl::desc("N: columns of B and C"),
                         cl::cat(referenceCategory));
static ChoiceOpt<Dtype> dtypeOpt("dtype", cl::init(Dtype::BF16),
                                 cl::desc("type of the inputs and the result"),
                                 cl::values(clEnumValN(Dtype::BF16, "bf16", ""),
                                            clEnumValN(Dtype::F16, "f16", ""),
                                            clEnumValN(Dtype::F32, "f32", "")),
                                 cl::cat(referenceCategory));
static ChoiceOpt<TypeConfig> typeConfigOpt(
    "type-config", cl::init(TypeConfig::Ocp), cl::desc("float8 types"),
    cl::values(clEnumValN(TypeConfig::Ocp, "ocp", "f8E4M3FN, f8E5M2"),
               clEnumValN(TypeConfig::Fnuz, "fnuz", "f8E4M3FNUZ, f8E5M2FNUZ")),
    cl::cat(referenceCategory));
static cl::opt<bool> padOpt("pad", cl::desc("pad_inner_dim = true"),
                            cl::cat(referenceCategory));
static cl::opt<bool> emulateOpt("emulate", cl::desc("emulate = true"),
                                cl::cat(referenceCategory));
static cl::opt<bool> transposeBOpt("transpose-b", cl::desc("store B as N x K"),
                                   cl::cat(referenceCategory));
static cl::opt<bool> initOpt("init",
                             cl::desc("accumulate into a non-zero init"),
                             cl::cat(referenceCategory));
static ChoiceOpt<Data> dataOpt(
    "data", cl::init(Data::Normal), cl::desc("input values"),
    cl::values(clEnumValN(Data::Normal, "normal", ""),
               clEnumValN(Data::ZeroRow, "zero-row", ""),
               clEnumValN(Data::Overflow, "overflow", ""),
               clEnumValN(Data::NaN, "nan", ""),
               clEnumValN(Data::Outliers, "outliers", ""),
               clEnumValN(Data::Hash, "hash",
                          "computed in the program from the indices, for "
                          "shapes too large for constants")),
    cl::cat(referenceCategory));
static cl::opt<unsigned> seedOpt("seed", cl::init(1),
                                 cl::desc("seed of the input values"),
                                 cl::cat(referenceCategory));
static cl::opt<std::string> configOpt(
    "config", cl::init(""),
    cl::desc("#fp8.linear text for the matmul (default: from --recipe)"),
    cl::cat(referenceCategory));
static cl::opt<std::string> lhsOpt(
    "lhs", cl::init(""),
    cl::desc("operand A cast config as short_str, {dyn|dis}_{ten|axs}_"
             "{e4m3|e5m2} (dyn_axs_e4m3, dis_ten_e4m3, ...), instead of the "
             "recipe's; with --rhs"),
    cl::cat(referenceCategory));
static cl::opt<std::string> rhsOpt("rhs", cl::init(""),
                                   cl::desc("operand B cast config, likewise"),
                                   cl::cat(referenceCategory));
static cl::opt<bool> pow2Opt("pow2", cl::desc("power-of-2 scales (with --lhs)"),
                             cl::cat(referenceCategory));
static cl::opt<bool> dynamicOpt("dynamic",
                                cl::desc("give the matmul dynamic shapes"),
                                cl::cat(referenceCategory));
static cl::opt<std::string> funcOpt("func", cl::init("main"),
                                    cl::desc("name of the emitted function"),
                                    cl::cat(referenceCategory));
static cl::opt<bool> noDeclsOpt("no-decls",
                                cl::desc("omit the printMemref declarations"),
                                cl::cat(referenceCategory));
static ChoiceOpt<Emit> emitOpt(
    "emit", cl::init(Emit::Mlir), cl::desc("what to print"),
    cl::values(clEnumValN(Emit::Mlir, "mlir",
                          "a module whose @main prints the results"),
               clEnumValN(Emit::Expected, "expected",
                          "the numbers it must print"),
               clEnumValN(Emit::Meta, "meta",
                          "the case as JSON, for checkers that recompute it, "
                          "e.g. with torch")),
    cl::cat(referenceCategory));
static cl::opt<bool> castChecksOpt(
    "cast-checks", cl::init(true),
    cl::desc("print the operands' scales and fp8 codes after the result "
             "(their casts are the GEMM's, shared after CSE); "
             "--cast-checks=false for benchmarks, where sharing would make "
             "B's cast write both layouts"),
    cl::cat(referenceCategory));
static cl::opt<bool>
    printInputsOpt("print-inputs",
                   cl::desc("also print A and B (as stored, in f32) last"),
                   cl::cat(referenceCategory));

namespace {

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

struct FloatType {
  std::string mlirName;
  const llvm::fltSemantics *sem;
};

FloatType hpType() {
  switch (dtypeOpt) {
  case Dtype::F16:
    return {"f16", &APFloat::IEEEhalf()};
  case Dtype::F32:
    return {"f32", &APFloat::IEEEsingle()};
  case Dtype::BF16:
    return {"bf16", &APFloat::BFloat()};
  }
  llvm_unreachable("unknown dtype");
}

FloatType e4m3() {
  if (typeConfigOpt == TypeConfig::Fnuz)
    return {"f8E4M3FNUZ", &APFloat::Float8E4M3FNUZ()};
  return {"f8E4M3FN", &APFloat::Float8E4M3FN()};
}
FloatType e5m2() {
  if (typeConfigOpt == TypeConfig::Fnuz)
    return {"f8E5M2FNUZ", &APFloat::Float8E5M2FNUZ()};
  return {"f8E5M2", &APFloat::Float8E5M2()};
}

/// Rounds `value` to `sem` (round to nearest even) and back to float.
float roundTo(const llvm::fltSemantics &sem, float value) {
  APFloat f(value);
  bool losesInfo;
  f.convert(sem, APFloat::rmNearestTiesToEven, &losesInfo);
  f.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &losesInfo);
  return f.convertToFloat();
}

uint8_t toFloat8Bits(const llvm::fltSemantics &sem, float value) {
  APFloat f(value);
  bool losesInfo;
  f.convert(sem, APFloat::rmNearestTiesToEven, &losesInfo);
  return static_cast<uint8_t>(f.bitcastToAPInt().getZExtValue());
}

float fromFloat8Bits(const llvm::fltSemantics &sem, uint8_t bits) {
  APFloat f(sem, llvm::APInt(8, bits));
  bool losesInfo;
  f.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &losesInfo);
  return f.convertToFloat();
}

double maxFinite(const llvm::fltSemantics &sem) {
  return APFloat::getLargest(sem).convertToDouble();
}

uint32_t bitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  return bits;
}

//===----------------------------------------------------------------------===//
// torchao's recipes, written out again (Float8LinearConfig.from_recipe_name)
//===----------------------------------------------------------------------===//

struct Cast {
  bool scaled;
  bool axiswise;
  bool e5m2;
};

struct Gemm {
  Cast lhs, rhs;
  bool pow2;
};

/// "dyn_axs_e4m3" -> Cast; std::nullopt unless `text` is
/// {dyn|dis}_{ten|axs}_{e4m3|e5m2}.
std::optional<Cast> parseCast(llvm::StringRef text) {
  llvm::SmallVector<llvm::StringRef, 3> parts;
  text.split(parts, '_');
  if (parts.size() != 3 || (parts[0] != "dyn" && parts[0] != "dis") ||
      (parts[1] != "ten" && parts[1] != "axs") ||
      (parts[2] != "e4m3" && parts[2] != "e5m2"))
    return std::nullopt;
  return Cast{parts[0] == "dyn", parts[1] == "axs", parts[2] == "e5m2"};
}

Gemm gemmFor(Recipe recipe, Role role) {
  if (!lhsOpt.empty())
    return {*parseCast(lhsOpt), *parseCast(rhsOpt), pow2Opt};
  if (recipe == Recipe::Rowwise)
    return {{true, true, false}, {true, true, false}, true};
  if (recipe == Recipe::RowwiseWithGwHp) {
    if (role == Role::Output)
      return {{true, true, false}, {true, true, false}, false};
    if (role == Role::GradInput)
      return {{true, true, false}, {true, false, false}, false};
    return {{false, false, false}, {false, false, false}, false};
  }
  // tensorwise: grad_output (A of grad_input and grad_weight) is e5m2.
  bool gradOutputLhs = role != Role::Output;
  return {{true, false, gradOutputLhs}, {true, false, false}, false};
}

//===----------------------------------------------------------------------===//
// Data
//===----------------------------------------------------------------------===//

/// A row-major rows x cols matrix of high-precision values (held as float).
struct Matrix {
  int rows, cols;
  std::vector<float> v;
  float &at(int r, int c) { return v[size_t(r) * cols + c]; }
  float at(int r, int c) const { return v[size_t(r) * cols + c]; }
};

/// --data=hash: element (r, c) of a rows x cols operand, exactly as the
/// generator emitHashGenerator writes computes it in the program: a 32-bit
/// integer hash of the linear index, its top 24 bits as a uniform value in
/// [-1, 1), times a power of two that varies by row (A) or column (B), and
/// one element in 1024 an outlier 37 times larger; then rounded to the
/// input type.
float hashValue(int r, int c, int cols, bool isA) {
  uint32_t h = uint32_t(r) * uint32_t(cols) + uint32_t(c) +
               (isA ? 0x9E3779B9u : 0x7F4A7C15u) * uint32_t(seedOpt);
  h *= 0x85EBCA6Bu;
  h ^= h >> 13;
  h *= 0xC2B2AE35u;
  h ^= h >> 16;
  float u = float(h >> 8) * 0x1p-24f;   // [0, 1), exact
  float v = (u - 0.5f) * 2.0f;          // [-1, 1), exact
  int group = isA ? r : c;
  v = v * std::ldexp(1.0f, group % 5 - 2);
  if ((h & 1023u) == 1023u)
    v = v * 37.0f;
  return v;
}

Matrix makeMatrix(int rows, int cols, std::mt19937 &rng, bool isA) {
  // Hash data is computed by the emitted program itself: only the expected
  // values need it here (a 16384 x 16384 operand takes a minute).
  if (dataOpt == Data::Hash && emitOpt != Emit::Expected)
    return Matrix{rows, cols, {}};
  Matrix m{rows, cols, std::vector<float>(size_t(rows) * cols)};
  if (dataOpt == Data::Hash) {
    const llvm::fltSemantics &sem = *hpType().sem;
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c)
        m.at(r, c) = roundTo(sem, hashValue(r, c, cols, isA));
    return m;
  }
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const llvm::fltSemantics &sem = *hpType().sem;
  for (float &x : m.v)
    x = roundTo(sem, normal(rng) * (isA ? 2.0f : 0.5f));
  if (isA && dataOpt == Data::ZeroRow)
    for (int c = 0; c < cols; ++c)
      m.at(0, c) = 0.0f;
  if (isA && dataOpt == Data::Outliers)
    m.at(rows / 2, cols / 2) = roundTo(sem, 3000.0f);
  if (isA && dataOpt == Data::NaN)
    m.at(rows - 1, 1 % cols) = std::numeric_limits<float>::quiet_NaN();
  if (isA && dataOpt == Data::Overflow) {
    // Large values: f32(x) * scale exceeds max(T) for rows whose amax is
    // another element only if not clamped; make every row contain a huge
    // value and a much smaller one.
    float big = hpType().mlirName == "f16" ? 60000.0f : 1.0e30f;
    for (int r = 0; r < rows; ++r)
      m.at(r, r % cols) = roundTo(sem, (r % 2 ? -big : big));
  }
  return m;
}

//===----------------------------------------------------------------------===//
// SPEC section 1
//===----------------------------------------------------------------------===//

/// Quantization of `x` along its contraction axis `kAxis` (0: rows reduce
/// over... i.e. one scale per column; 1: one scale per row).
struct Quantized {
  std::vector<float> scales;   // one per row (kAxis 1), column (kAxis 0) or 1
  std::vector<uint8_t> codes;  // row-major like x
};

float amaxToScale(double amax, const llvm::fltSemantics &sem, bool pow2) {
  // torchao: f32(f64(max) / clamp(f64(amax), min=1e-12)); clamp keeps NaN.
  double clamped = std::isnan(amax) ? amax : std::max(amax, 1e-12);
  float scale = static_cast<float>(maxFinite(sem) / clamped);
  // Round down to a power of two: 2^floor(log2(scale)), exactly (ilogb).
  if (pow2 && std::isfinite(scale) && scale != 0.0f)
    scale = std::ldexp(1.0f, std::ilogb(scale));
  return scale;
}

Quantized quantize(const Matrix &x, Cast cast, int kAxis, bool pow2,
                   const llvm::fltSemantics &sem) {
  Quantized q;
  auto groupOf = [&](int r, int c) {
    if (!cast.axiswise)
      return 0;
    return kAxis == 1 ? r : c;
  };
  int groups = cast.axiswise ? (kAxis == 1 ? x.rows : x.cols) : 1;
  std::vector<double> amax(groups, 0.0);
  for (int r = 0; r < x.rows; ++r)
    for (int c = 0; c < x.cols; ++c) {
      double a = std::fabs(double(x.at(r, c)));
      double &m = amax[groupOf(r, c)];
      if (std::isnan(a) || std::isnan(m))
        m = std::numeric_limits<double>::quiet_NaN();
      else
        m = std::max(m, a);
    }
  for (double a : amax)
    q.scales.push_back(amaxToScale(a, sem, pow2));
  float max = static_cast<float>(maxFinite(sem));
  for (int r = 0; r < x.rows; ++r)
    for (int c = 0; c < x.cols; ++c) {
      float p = x.at(r, c) * q.scales[groupOf(r, c)];
      if (!std::isnan(p))
        p = std::min(std::max(p, -max), max);
      q.codes.push_back(toFloat8Bits(sem, p));
    }
  return q;
}

//===----------------------------------------------------------------------===//
// Output
//===----------------------------------------------------------------------===//

std::string literal(float value) {
  if (std::isnan(value))
    return hpType().mlirName == "f32" ? "0x7FC00000"
           : hpType().mlirName == "f16" ? "0x7E00"
                                        : "0x7FC0";
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.9g", value);
  std::string text = buffer;
  if (text.find_first_of(".e") == std::string::npos)
    text += ".0";
  return text;
}

void printDense(llvm::raw_ostream &os, const Matrix &m) {
  os << "dense<[";
  for (int r = 0; r < m.rows; ++r) {
    os << (r ? ", [" : "[");
    for (int c = 0; c < m.cols; ++c)
      os << (c ? ", " : "") << literal(m.at(r, c));
    os << "]";
  }
  os << "]>";
}

std::string tensorType(int rows, int cols, const std::string &element) {
  return "tensor<" + std::to_string(rows) + "x" + std::to_string(cols) + "x" +
         element + ">";
}

/// Defines `%name` (rows x cols of the input type) with a linalg.generic
/// that computes hashValue for every element.
/// `base` (default: per operand) picks the pattern.
void emitHashGenerator(llvm::raw_ostream &os, const std::string &name, int rows,
                       int cols, bool isA, uint32_t base = 0) {
  std::string hp = hpType().mlirName;
  std::string type = tensorType(rows, cols, hp);
  if (!base)
    base = isA ? 0x9E3779B9u : 0x7F4A7C15u;
  uint32_t salt = base * uint32_t(seedOpt);
  std::string p = "%" + name;
  os << "  " << p << "_e = tensor.empty() : " << type << "\n"
     << "  " << p << " = linalg.generic {indexing_maps = [affine_map<(i, j) "
        "-> (i, j)>], iterator_types = [\"parallel\", \"parallel\"]} outs("
     << p << "_e : " << type << ") {\n"
     << "  ^bb0(%out: " << hp << "):\n"
     << "    %i = linalg.index 0 : index\n"
     << "    %j = linalg.index 1 : index\n"
     << "    %i32 = arith.index_cast %i : index to i32\n"
     << "    %j32 = arith.index_cast %j : index to i32\n"
     << "    %cols = arith.constant " << cols << " : i32\n"
     << "    %row = arith.muli %i32, %cols : i32\n"
     << "    %lin = arith.addi %row, %j32 : i32\n"
     << "    %salt = arith.constant " << int32_t(salt) << " : i32\n"
     << "    %h0 = arith.addi %lin, %salt : i32\n"
     << "    %m1 = arith.constant " << int32_t(0x85EBCA6Bu) << " : i32\n"
     << "    %h1 = arith.muli %h0, %m1 : i32\n"
     << "    %c13 = arith.constant 13 : i32\n"
     << "    %s1 = arith.shrui %h1, %c13 : i32\n"
     << "    %h2 = arith.xori %h1, %s1 : i32\n"
     << "    %m2 = arith.constant " << int32_t(0xC2B2AE35u) << " : i32\n"
     << "    %h3 = arith.muli %h2, %m2 : i32\n"
     << "    %c16 = arith.constant 16 : i32\n"
     << "    %s3 = arith.shrui %h3, %c16 : i32\n"
     << "    %h = arith.xori %h3, %s3 : i32\n"
     << "    %c8 = arith.constant 8 : i32\n"
     << "    %top = arith.shrui %h, %c8 : i32\n"
     << "    %uf = arith.uitofp %top : i32 to f32\n"
     << "    %ulp = arith.constant 5.96046448e-08 : f32\n"
     << "    %u = arith.mulf %uf, %ulp : f32\n"
     << "    %half = arith.constant 0.5 : f32\n"
     << "    %two = arith.constant 2.0 : f32\n"
     << "    %d = arith.subf %u, %half : f32\n"
     << "    %v0 = arith.mulf %d, %two : f32\n"
     << "    %g = arith.index_cast " << (isA ? "%i" : "%j")
     << " : index to i32\n"
     << "    %c5 = arith.constant 5 : i32\n"
     << "    %gm = arith.remui %g, %c5 : i32\n"
     << "    %bias = arith.constant 125 : i32\n"
     << "    %e = arith.addi %gm, %bias : i32\n"
     << "    %c23 = arith.constant 23 : i32\n"
     << "    %eb = arith.shli %e, %c23 : i32\n"
     << "    %pow = arith.bitcast %eb : i32 to f32\n"
     << "    %v1 = arith.mulf %v0, %pow : f32\n"
     << "    %mask = arith.constant 1023 : i32\n"
     << "    %low = arith.andi %h, %mask : i32\n"
     << "    %isout = arith.cmpi eq, %low, %mask : i32\n"
     << "    %c37 = arith.constant 37.0 : f32\n"
     << "    %big = arith.mulf %v1, %c37 : f32\n"
     << "    %v = arith.select %isout, %big, %v1 : f32\n";
  if (hp == "f32")
    os << "    linalg.yield %v : f32\n";
  else
    os << "    %t = arith.truncf %v : f32 to " << hp << "\n"
       << "    linalg.yield %t : " << hp << "\n";
  os << "  } -> " << type << "\n";
}

/// Prints `%name` (rows x cols of the input type) as f32.
void emitPrintF32(llvm::raw_ostream &os, const std::string &name, int rows,
                  int cols) {
  std::string hp = hpType().mlirName;
  std::string type = tensorType(rows, cols, hp);
  std::string f32 = tensorType(rows, cols, "f32");
  std::string p = "%" + name;
  os << "  " << p << "_pe = tensor.empty() : " << f32 << "\n"
     << "  " << p << "_pf = linalg.generic {indexing_maps = [affine_map<(i, j) "
        "-> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = "
        "[\"parallel\", \"parallel\"]} ins(" << p << " : " << type
     << ") outs(" << p << "_pe : " << f32 << ") {\n"
     << "  ^bb0(%in: " << hp << ", %out: f32):\n";
  if (hp == "f32")
    os << "    linalg.yield %in : f32\n";
  else
    os << "    %w = arith.extf %in : " << hp << " to f32\n"
       << "    linalg.yield %w : f32\n";
  os << "  } -> " << f32 << "\n"
     << "  " << p << "_pu = tensor.cast " << p << "_pf : " << f32
     << " to tensor<*xf32>\n"
     << "  call @printMemrefF32(" << p << "_pu) : (tensor<*xf32>) -> ()\n";
}

/// --role=layer: a whole linear layer, forward and backward, in PyTorch's
/// layouts, with hash inputs x (M x K), weight w (N x K) and grad_output g
/// (M x N): output = x @ w^T, grad_input = g @ w, grad_weight = g^T @ x.
/// Prints the three results, then x, w and g (f32).
void emitLayer(llvm::raw_ostream &os, int m, int k, int n,
               const std::string &config) {
  std::string hp = hpType().mlirName;
  os << "func.func private @printMemrefF32(tensor<*xf32>)\n"
     << "func.func @" << funcOpt << "() {\n";
  emitHashGenerator(os, "input", m, k, /*isA=*/true);
  emitHashGenerator(os, "weight", n, k, /*isA=*/false);
  emitHashGenerator(os, "grad_output", m, n, /*isA=*/true, 0x2545F491u);
  os << "  %zero = arith.constant 0.0 : " << hp << "\n";
  struct LayerGemm {
    const char *name, *role, *lhs, *rhs, *maps;
    int rows, cols, lhsRows, lhsCols, rhsRows, rhsCols;
  };
  const char *nk = "indexing_maps = [affine_map<(m, n, k) -> (m, k)>, "
                   "affine_map<(m, n, k) -> (n, k)>, "
                   "affine_map<(m, n, k) -> (m, n)>] ";
  const char *km = "indexing_maps = [affine_map<(m, n, k) -> (k, m)>, "
                   "affine_map<(m, n, k) -> (k, n)>, "
                   "affine_map<(m, n, k) -> (m, n)>] ";
  LayerGemm gemms[] = {
      {"output", "output", "input", "weight", nk, m, n, m, k, n, k},
      {"grad_input", "grad_input", "grad_output", "weight", "", m, k, m, n, n,
       k},
      {"grad_weight", "grad_weight", "grad_output", "input", km, n, k, m, n, m,
       k}};
  for (const LayerGemm &g : gemms) {
    std::string c = tensorType(g.rows, g.cols, hp);
    std::string p = std::string("%") + g.name;
    os << "  " << p << "_e = tensor.empty() : " << c << "\n"
       << "  " << p << "_init = linalg.fill ins(%zero : " << hp << ") outs("
       << p << "_e : " << c << ") -> " << c << "\n"
       << "  " << p << " = linalg.matmul " << g.maps << "{fp8.role = \""
       << g.role << "\", fp8.config = " << config << "} ins(%" << g.lhs << ", %"
       << g.rhs << " : " << tensorType(g.lhsRows, g.lhsCols, hp) << ", "
       << tensorType(g.rhsRows, g.rhsCols, hp) << ") outs(" << p
       << "_init : " << c << ") -> " << c << "\n";
  }
  emitPrintF32(os, "output", m, n);
  emitPrintF32(os, "grad_input", m, k);
  emitPrintF32(os, "grad_weight", n, k);
  emitPrintF32(os, "input", m, k);
  emitPrintF32(os, "weight", n, k);
  emitPrintF32(os, "grad_output", m, n);
  os << "  return\n}\n";
}

/// Emits the standalone amax/scale/cast of `name` and prints scale bits and
/// fp8 codes.
void emitCastCheck(llvm::raw_ostream &os, const std::string &name,
                   const Matrix &x, Cast cast, int kAxis, bool pow2,
                   const FloatType &f8) {
  std::string hp = hpType().mlirName;
  std::string xType = tensorType(x.rows, x.cols, hp);
  std::string scaleType =
      cast.axiswise ? (kAxis == 1 ? tensorType(x.rows, 1, "f32")
                                  : tensorType(1, x.cols, "f32"))
                    : "tensor<f32>";
  std::string gran =
      cast.axiswise ? "axiswise(" + std::to_string(kAxis) + ")" : "tensorwise";
  std::string p = "%" + name;
  os << "  " << p << "_amax = fp8.amax " << p << " " << gran << " : " << xType
     << " -> " << scaleType << "\n";
  os << "  " << p << "_scale = fp8.amax_to_scale " << p << "_amax"
     << (pow2 ? " {round_to_power_of_2}" : "") << " : " << scaleType
     << " for " << f8.mlirName << "\n";
  os << "  " << p << "_q = fp8.cast " << p << ", " << p << "_scale : " << xType
     << ", " << scaleType << " -> " << tensorType(x.rows, x.cols, f8.mlirName)
     << "\n";
  // Scale bits.
  std::string scaleI32 = scaleType;
  scaleI32.replace(scaleI32.find("f32"), 3, "i32");
  std::string rankMaps = scaleType == "tensor<f32>"
                             ? "affine_map<() -> ()>, affine_map<() -> ()>"
                             : "affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>";
  std::string iters = scaleType == "tensor<f32>" ? "[]" : "[\"parallel\", \"parallel\"]";
  os << "  " << p << "_sbe = tensor.empty() : " << scaleI32 << "\n";
  os << "  " << p << "_sb = linalg.generic {indexing_maps = [" << rankMaps
     << "], iterator_types = " << iters << "} ins(" << p << "_scale : "
     << scaleType << ") outs(" << p << "_sbe : " << scaleI32 << ") {\n"
     << "  ^bb0(%in: f32, %out: i32):\n"
     << "    %bits = arith.bitcast %in : f32 to i32\n"
     << "    linalg.yield %bits : i32\n"
     << "  } -> " << scaleI32 << "\n";
  os << "  " << p << "_sbu = tensor.cast " << p << "_sb : " << scaleI32
     << " to tensor<*xi32>\n";
  os << "  call @printMemrefI32(" << p << "_sbu) : (tensor<*xi32>) -> ()\n";
  // fp8 codes as i32.
  std::string codesType = tensorType(x.rows, x.cols, "i32");
  os << "  " << p << "_ce = tensor.empty() : " << codesType << "\n";
  os << "  " << p
     << "_c = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, "
        "affine_map<(i, j) -> (i, j)>], iterator_types = [\"parallel\", "
        "\"parallel\"]} ins("
     << p << "_q : " << tensorType(x.rows, x.cols, f8.mlirName) << ") outs("
     << p << "_ce : " << codesType << ") {\n"
     << "  ^bb0(%in: " << f8.mlirName << ", %out: i32):\n"
     << "    %b8 = arith.bitcast %in : " << f8.mlirName << " to i8\n"
     << "    %b32 = arith.extui %b8 : i8 to i32\n"
     << "    linalg.yield %b32 : i32\n"
     << "  } -> " << codesType << "\n";
  os << "  " << p << "_cu = tensor.cast " << p << "_c : " << codesType
     << " to tensor<*xi32>\n";
  os << "  call @printMemrefI32(" << p << "_cu) : (tensor<*xi32>) -> ()\n";
}

/// The "exact:" lines of one operand: scale bits, then fp8 codes.
void printQuantized(const Quantized &q) {
  llvm::outs() << "exact:";
  for (float scale : q.scales)
    llvm::outs() << " " << bitsOf(scale);
  llvm::outs() << "\nexact:";
  for (uint8_t code : q.codes)
    llvm::outs() << " " << unsigned(code);
  llvm::outs() << "\n";
}

/// With --print-inputs, the "approx:" lines of A and B as stored.
void printInputs(const Matrix &a, const Matrix &b) {
  if (!printInputsOpt)
    return;
  for (const Matrix *x : {&a, &b}) {
    llvm::outs() << "approx:";
    for (float v : x->v)
      llvm::outs() << " " << llvm::format("%.9g", v);
    llvm::outs() << "\n";
  }
}

//===----------------------------------------------------------------------===//
// Checking the command line
//===----------------------------------------------------------------------===//

/// The most elements any one operand (A: M x K, B: K x N, C: M x N) may
/// have: 2^34 (64 GiB as f32). Larger shapes are errors, not allocations.
constexpr uint64_t kMaxElements = uint64_t(1) << 34;

bool fail(const llvm::Twine &message) {
  llvm::errs() << "fp8-reference: error: " << message << "\n";
  return false;
}

/// An MLIR bare identifier: [A-Za-z_][A-Za-z0-9_$.]*.
bool isBareIdentifier(llvm::StringRef name) {
  if (name.empty() || !(llvm::isAlpha(name[0]) || name[0] == '_'))
    return false;
  return llvm::all_of(name, [](char c) {
    return llvm::isAlnum(c) || c == '_' || c == '$' || c == '.';
  });
}

bool checkShape() {
  for (const cl::opt<int> *size : {&mOpt, &kOpt, &nOpt})
    if (*size < 1)
      return fail("--" + size->ArgStr + " must be at least 1; got " +
                  llvm::Twine(size->getValue()));
  struct Operand {
    const char *name;
    const cl::opt<int> &rows, &cols;
  } operands[] = {{"A", mOpt, kOpt}, {"B", kOpt, nOpt}, {"C", mOpt, nOpt}};
  for (const Operand &x : operands) {
    uint64_t elements = uint64_t(x.rows) * uint64_t(x.cols);
    if (elements > kMaxElements)
      return fail(llvm::Twine(x.name) + " (--" + x.rows.ArgStr + " x --" +
                  x.cols.ArgStr + ") would have " + llvm::Twine(elements) +
                  " elements; at most " + llvm::Twine(kMaxElements) +
                  " (2^34)");
  }
  return true;
}

bool checkCasts() {
  if (lhsOpt.empty() != rhsOpt.empty())
    return fail("--lhs and --rhs go together; got only --" +
                llvm::Twine(lhsOpt.empty() ? "rhs" : "lhs"));
  if (pow2Opt && lhsOpt.empty())
    return fail("--pow2 needs --lhs and --rhs (a recipe sets its own)");
  for (const cl::opt<std::string> *cast : {&lhsOpt, &rhsOpt})
    if (!cast->empty() && !parseCast(*cast))
      return fail("--" + cast->ArgStr +
                  " must be {dyn|dis}_{ten|axs}_{e4m3|e5m2}; got '" +
                  cast->getValue() + "'");
  if (!lhsOpt.empty() && parseCast(lhsOpt)->scaled != parseCast(rhsOpt)->scaled)
    return fail("--lhs and --rhs must both be dyn_ or both dis_; got '" +
                lhsOpt + "' and '" + rhsOpt + "'");
  return true;
}

/// Checks what cl::opt cannot: sizes, cast configs, names and combinations.
/// Prints the first error and returns false.
bool checkOptions() {
  if (!checkShape() || !checkCasts())
    return false;
  if (!isBareIdentifier(funcOpt))
    return fail("--func must be an MLIR bare identifier "
                "([A-Za-z_][A-Za-z0-9_$.]*); got '" +
                funcOpt + "'");
  if (roleOpt == Role::Layer &&
      (dataOpt != Data::Hash || emitOpt == Emit::Expected))
    return fail("--role=layer takes --data=hash and --emit=mlir or "
                "--emit=meta");
  return true;
}

/// Allocation failure (a shape within kMaxElements that still does not fit
/// in memory): an error, not an abort.
void outOfMemory() {
  llvm::errs() << "fp8-reference: error: out of memory for the " << mOpt
               << " x " << kOpt << " x " << nOpt << " (M x K x N) case\n";
  std::exit(1);
}

//===----------------------------------------------------------------------===//
// The case
//===----------------------------------------------------------------------===//

std::string recipeConfig() {
  return "#fp8.linear<recipe = " + nameOf(recipeOpt).str();
}

/// --role=layer: the module or its JSON.
void emitLayerCase(int m, int k, int n) {
  if (emitOpt == Emit::Meta) {
    llvm::outs() << "{\"m\": " << m << ", \"k\": " << k << ", \"n\": " << n
                 << ", \"dtype\": \"" << hpType().mlirName
                 << "\", \"role\": \"layer\", \"recipe\": \""
                 << nameOf(recipeOpt) << "\"}\n";
    return;
  }
  emitLayer(llvm::outs(), m, k, n,
            configOpt.empty() ? recipeConfig() + ">" : std::string(configOpt));
}

/// One GEMM: its operands, their float8 casts and types.
struct Case {
  int m, k, n;
  Matrix a, bKN, init;
  Matrix bStored; // B as stored: K x N, or N x K with --transpose-b
  Gemm gemm;
  FloatType lhsType, rhsType, hp;
  int bK; // contraction axis of stored B
  /// Whether the rewrite converts the GEMM: a scaled gemm unless the
  /// hardware alignment rule (K, N known multiples of 16; K may be padded)
  /// fails without emulate.
  bool converted;
};

Case makeCase() {
  int m = mOpt, k = kOpt, n = nOpt;
  std::mt19937 rng(seedOpt);
  Matrix a = makeMatrix(m, k, rng, /*isA=*/true);
  Matrix bKN = makeMatrix(k, n, rng, /*isA=*/false);
  Matrix init = makeMatrix(m, n, rng, /*isA=*/false);
  Matrix bStored = bKN;
  if (transposeBOpt) {
    bStored = Matrix{n, k, std::vector<float>(bKN.v.size())};
    if (!bKN.v.empty())
      for (int r = 0; r < k; ++r)
        for (int c = 0; c < n; ++c)
          bStored.at(c, r) = bKN.at(r, c);
  }
  Gemm gemm = gemmFor(recipeOpt, roleOpt);
  bool kAligned = !dynamicOpt && k % 16 == 0;
  bool nAligned = !dynamicOpt && n % 16 == 0;
  bool converted = gemm.lhs.scaled &&
                   (emulateOpt || ((kAligned || padOpt) && nAligned));
  return Case{m,
              k,
              n,
              std::move(a),
              std::move(bKN),
              std::move(init),
              std::move(bStored),
              gemm,
              gemm.lhs.e5m2 ? e5m2() : e4m3(),
              gemm.rhs.e5m2 ? e5m2() : e4m3(),
              hpType(),
              transposeBOpt ? 1 : 0,
              converted};
}

/// The matmul (and its result's print) of --emit=mlir.
void emitMatmul(llvm::raw_ostream &os, const Case &c) {
  const std::string &hp = c.hp.mlirName;
  std::string config = configOpt;
  if (config.empty()) {
    config = recipeConfig();
    if (padOpt)
      config += ", pad_inner_dim = true";
    if (emulateOpt)
      config += ", emulate = true";
    config += ">";
  }
  std::string cType = tensorType(c.m, c.n, hp);
  std::string aType = tensorType(c.m, c.k, hp);
  std::string bType = tensorType(c.bStored.rows, c.bStored.cols, hp);
  std::string matmulC = cType;
  if (dynamicOpt) {
    // Unknown shapes: the rewrite cannot prove alignment.
    std::string dyn = "tensor<?x?x" + hp + ">";
    os << "  %ad = tensor.cast %a : " << aType << " to " << dyn << "\n"
       << "  %bd = tensor.cast %b : " << bType << " to " << dyn << "\n"
       << "  %cd = tensor.cast %init : " << cType << " to " << dyn << "\n";
    aType = bType = matmulC = dyn;
  }
  os << "  %r0 = linalg.matmul";
  if (transposeBOpt)
    os << " indexing_maps = [affine_map<(m, n, k) -> (m, k)>, "
          "affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]";
  os << " {fp8.role = \"" << nameOf(roleOpt) << "\", fp8.config = " << config
     << "}";
  if (dynamicOpt)
    os << " ins(%ad, %bd : " << aType << ", " << bType
       << ") outs(%cd : " << matmulC << ") -> " << matmulC << "\n"
       << "  %r = tensor.cast %r0 : " << matmulC << " to " << cType << "\n";
  else
    os << " ins(%a, %b : " << aType << ", " << bType
       << ") outs(%init : " << cType << ") -> " << cType
       << "\n  %r = tensor.cast %r0 : " << cType << " to " << cType << "\n";
  std::string cF32 = tensorType(c.m, c.n, "f32");
  os << "  %re = tensor.empty() : " << cF32 << "\n"
     << "  %rf = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, "
        "j)>, "
        "affine_map<(i, j) -> (i, j)>], iterator_types = [\"parallel\", "
        "\"parallel\"]} ins(%r : "
     << cType << ") outs(%re : " << cF32 << ") {\n"
     << "  ^bb0(%in: " << hp << ", %out: f32):\n";
  if (hp == "f32")
    os << "    linalg.yield %in : f32\n";
  else
    os << "    %w = arith.extf %in : " << hp << " to f32\n"
       << "    linalg.yield %w : f32\n";
  os << "  } -> " << cF32 << "\n"
     << "  %ru = tensor.cast %rf : " << cF32 << " to tensor<*xf32>\n"
     << "  call @printMemrefF32(%ru) : (tensor<*xf32>) -> ()\n";
}

/// --emit=mlir: a module whose function prints the results.
void emitModule(const Case &c) {
  llvm::raw_ostream &os = llvm::outs();
  const std::string &hp = c.hp.mlirName;
  if (!noDeclsOpt)
    os << "func.func private @printMemrefF32(tensor<*xf32>)\n"
          "func.func private @printMemrefI32(tensor<*xi32>)\n";
  os << "func.func @" << funcOpt << "() {\n";
  if (dataOpt == Data::Hash) {
    emitHashGenerator(os, "a", c.m, c.k, /*isA=*/true);
    emitHashGenerator(os, "b", c.bStored.rows, c.bStored.cols, /*isA=*/false);
  } else {
    os << "  %a = arith.constant ";
    printDense(os, c.a);
    os << " : " << tensorType(c.m, c.k, hp) << "\n  %b = arith.constant ";
    printDense(os, c.bStored);
    os << " : " << tensorType(c.bStored.rows, c.bStored.cols, hp) << "\n";
  }
  std::string cType = tensorType(c.m, c.n, hp);
  if (initOpt) {
    os << "  %init = arith.constant ";
    printDense(os, c.init);
    os << " : " << cType << "\n";
  } else {
    os << "  %zero = arith.constant 0.0 : " << hp << "\n"
       << "  %empty = tensor.empty() : " << cType << "\n"
       << "  %init = linalg.fill ins(%zero : " << hp
       << ") outs(%empty : " << cType << ") -> " << cType << "\n";
  }
  emitMatmul(os, c);
  if (c.gemm.lhs.scaled && castChecksOpt) {
    emitCastCheck(os, "a", c.a, c.gemm.lhs, 1, c.gemm.pow2, c.lhsType);
    emitCastCheck(os, "b", c.bStored, c.gemm.rhs, c.bK, c.gemm.pow2, c.rhsType);
  }
  if (printInputsOpt) {
    emitPrintF32(os, "a", c.m, c.k);
    emitPrintF32(os, "b", c.bStored.rows, c.bStored.cols);
  }
  os << "  return\n}\n";
}

/// --emit=meta: the case as JSON.
void emitMeta(const Case &c) {
  auto castJson = [](Cast cast, const FloatType &t) {
    return std::string("{\"scaled\": ") + (cast.scaled ? "true" : "false") +
           ", \"axiswise\": " + (cast.axiswise ? "true" : "false") +
           ", \"dtype\": \"" + t.mlirName + "\"}";
  };
  auto boolean = [](bool value) { return value ? "true" : "false"; };
  llvm::outs() << "{\"m\": " << c.m << ", \"k\": " << c.k << ", \"n\": " << c.n
               << ", \"dtype\": \"" << c.hp.mlirName << "\", \"role\": \""
               << nameOf(roleOpt) << "\", \"recipe\": \"" << nameOf(recipeOpt)
               << "\", \"lhs\": " << castJson(c.gemm.lhs, c.lhsType)
               << ", \"rhs\": " << castJson(c.gemm.rhs, c.rhsType)
               << ", \"pow2\": " << boolean(c.gemm.pow2)
               << ", \"fast_accum\": " << boolean(roleOpt == Role::Output)
               << ", \"transpose_b\": " << boolean(transposeBOpt)
               << ", \"emulate\": " << boolean(emulateOpt)
               << ", \"pad\": " << boolean(padOpt)
               << ", \"converted\": " << boolean(c.converted)
               << ", \"print_inputs\": " << boolean(printInputsOpt) << "}\n";
}

/// The result of a GEMM left in high precision: the original matmul, f32
/// acc for f32 inputs, and for bf16/f16 the result type's own arithmetic is
/// what linalg.matmul computes (accumulate in the result type).
std::vector<float> highPrecisionResult(const Case &c) {
  const llvm::fltSemantics &sem = *c.hp.sem;
  std::vector<float> out(size_t(c.m) * c.n);
  for (int i = 0; i < c.m; ++i)
    for (int j = 0; j < c.n; ++j) {
      float acc = initOpt ? c.init.at(i, j) : 0.0f;
      for (int l = 0; l < c.k; ++l)
        acc = roundTo(sem, acc + roundTo(sem, c.a.at(i, l) * c.bKN.at(l, j)));
      out[size_t(i) * c.n + j] = acc;
    }
  return out;
}

/// The result of a converted GEMM from the operands' codes and scales.
std::vector<float> scaledResult(const Case &c, const Quantized &qa,
                                const Quantized &qb) {
  int k = c.k, n = c.n;
  const llvm::fltSemantics &sem = *c.hp.sem;
  auto aVal = [&](int i, int l) {
    return fromFloat8Bits(*c.lhsType.sem, qa.codes[size_t(i) * k + l]);
  };
  auto bVal = [&](int l, int j) {
    uint8_t code = transposeBOpt ? qb.codes[size_t(j) * k + l]
                                 : qb.codes[size_t(l) * n + j];
    return fromFloat8Bits(*c.rhsType.sem, code);
  };
  auto sa = [&](int i) {
    return c.gemm.lhs.axiswise ? qa.scales[i] : qa.scales[0];
  };
  auto sb = [&](int j) {
    return c.gemm.rhs.axiswise ? qb.scales[j] : qb.scales[0];
  };
  std::vector<float> out(size_t(c.m) * n);
  for (int i = 0; i < c.m; ++i)
    for (int j = 0; j < n; ++j) {
      float acc = 0.0f;
      float value;
      if (emulateOpt) {
        for (int l = 0; l < k; ++l)
          acc = acc + (aVal(i, l) / sa(i)) * (bVal(l, j) / sb(j));
        value = roundTo(sem, acc);
      } else {
        for (int l = 0; l < k; ++l)
          acc = acc + aVal(i, l) * bVal(l, j);
        value = roundTo(sem, acc * (1.0f / sa(i)) * (1.0f / sb(j)));
      }
      if (initOpt)
        value = roundTo(sem, value + c.init.at(i, j));
      out[size_t(i) * n + j] = value;
    }
  return out;
}

/// --emit=expected: the GEMM, the operands' scales and codes when scaled,
/// and with --print-inputs A and B.
void printExpected(const Case &c) {
  std::optional<Quantized> qa, qb;
  if (c.gemm.lhs.scaled) {
    qa = quantize(c.a, c.gemm.lhs, 1, c.gemm.pow2, *c.lhsType.sem);
    qb = quantize(c.bStored, c.gemm.rhs, c.bK, c.gemm.pow2, *c.rhsType.sem);
  }
  std::vector<float> out =
      c.converted ? scaledResult(c, *qa, *qb) : highPrecisionResult(c);
  llvm::outs() << "approx:";
  for (float v : out)
    llvm::outs() << " " << llvm::format("%.9g", v);
  llvm::outs() << "\n";
  if (qa) {
    printQuantized(*qa);
    printQuantized(*qb);
  }
  printInputs(c.a, c.bStored);
}

} // namespace

int main(int argc, char **argv) {
  cl::HideUnrelatedOptions(referenceCategory);
  cl::ParseCommandLineOptions(argc, argv, "fp8 reference case generator\n");
  if (!checkOptions())
    return 1;
  std::set_new_handler(outOfMemory);
  if (roleOpt == Role::Layer) {
    emitLayerCase(mOpt, kOpt, nOpt);
    return 0;
  }
  Case c = makeCase();
  switch (emitOpt) {
  case Emit::Mlir:
    emitModule(c);
    break;
  case Emit::Meta:
    emitMeta(c);
    break;
  case Emit::Expected:
    printExpected(c);
    break;
  }
  return 0;
}
