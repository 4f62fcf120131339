//===- SoftFP8Test.cpp - Software fp8 conversions vs llvm::APFloat --------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The code under test is the code --fp8-soft-conversions generates: small
// kernels doing arith.truncf/extf on memrefs are expanded by the pass, lowered
// to LLVM, JIT-compiled with mlir::ExecutionEngine and run over inputs; every
// result is compared bit for bit with llvm::APFloat's round-to-nearest-even
// conversion. Each kernel exists in a scalar and a vector<8> form.
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/Passes.h"
#include "fp8/Support/Float8Format.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

using namespace mlir;

namespace {

/// The 8-bit float types under test: MLIR name and APFloat semantics.
struct Float8Case {
  const char *name;
  const llvm::fltSemantics &(*semantics)();
};

const Float8Case kFloat8Types[] = {
    {"f8E4M3FN", llvm::APFloat::Float8E4M3FN},
    {"f8E5M2", llvm::APFloat::Float8E5M2},
    {"f8E4M3FNUZ", llvm::APFloat::Float8E4M3FNUZ},
    {"f8E5M2FNUZ", llvm::APFloat::Float8E5M2FNUZ},
    {"f8E4M3", llvm::APFloat::Float8E4M3},
    {"f8E3M4", llvm::APFloat::Float8E3M4},
    {"f8E4M3B11FNUZ", llvm::APFloat::Float8E4M3B11FNUZ},
};

/// A wide source/destination type: MLIR name, storage width, semantics.
struct WideType {
  const char *name;
  unsigned bytes;
  const llvm::fltSemantics &(*semantics)();
};
const WideType kF32 = {"f32", 4, llvm::APFloat::IEEEsingle};
const WideType kF16 = {"f16", 2, llvm::APFloat::IEEEhalf};
const WideType kBF16 = {"bf16", 2, llvm::APFloat::BFloat};

std::string replaceAll(std::string text, StringRef from, StringRef to) {
  size_t pos = 0;
  while ((pos = text.find(from.str(), pos)) != std::string::npos) {
    text.replace(pos, from.size(), to.str());
    pos += to.size();
  }
  return text;
}

/// Kernels over memref<?xW> <-> memref<?xi8>, scalar and vector<8>. `n`
/// must be a multiple of 8.
const char *kKernels = R"mlir(
func.func @encode_scalar(%in: memref<?xWIDE>, %out: memref<?xi8>) attributes {llvm.emit_c_interface} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %in, %c0 : memref<?xWIDE>
  scf.for %i = %c0 to %n step %c1 {
    %x = memref.load %in[%i] : memref<?xWIDE>
    %t = arith.truncf %x : WIDE to F8
    %b = arith.bitcast %t : F8 to i8
    memref.store %b, %out[%i] : memref<?xi8>
  }
  return
}
func.func @encode_vector(%in: memref<?xWIDE>, %out: memref<?xi8>) attributes {llvm.emit_c_interface} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %n = memref.dim %in, %c0 : memref<?xWIDE>
  scf.for %i = %c0 to %n step %c8 {
    %x = vector.load %in[%i] : memref<?xWIDE>, vector<8xWIDE>
    %t = arith.truncf %x : vector<8xWIDE> to vector<8xF8>
    %b = arith.bitcast %t : vector<8xF8> to vector<8xi8>
    vector.store %b, %out[%i] : memref<?xi8>, vector<8xi8>
  }
  return
}
func.func @decode_scalar(%in: memref<?xi8>, %out: memref<?xWIDE>) attributes {llvm.emit_c_interface} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %in, %c0 : memref<?xi8>
  scf.for %i = %c0 to %n step %c1 {
    %b = memref.load %in[%i] : memref<?xi8>
    %t = arith.bitcast %b : i8 to F8
    %x = arith.extf %t : F8 to WIDE
    memref.store %x, %out[%i] : memref<?xWIDE>
  }
  return
}
func.func @decode_vector(%in: memref<?xi8>, %out: memref<?xWIDE>) attributes {llvm.emit_c_interface} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %n = memref.dim %in, %c0 : memref<?xi8>
  scf.for %i = %c0 to %n step %c8 {
    %b = vector.load %in[%i] : memref<?xi8>, vector<8xi8>
    %t = arith.bitcast %b : vector<8xi8> to vector<8xF8>
    %x = arith.extf %t : vector<8xF8> to vector<8xWIDE>
    vector.store %x, %out[%i] : memref<?xWIDE>, vector<8xWIDE>
  }
  return
}
)mlir";

/// JIT-compiled conversion kernels for one (wide type, fp8 type, saturate).
class Kernels {
public:
  Kernels(const WideType &wide, const Float8Case &f8, bool saturate) {
    DialectRegistry registry;
    registry.insert<arith::ArithDialect, func::FuncDialect,
                    LLVM::LLVMDialect, memref::MemRefDialect, scf::SCFDialect,
                    vector::VectorDialect>();
    registerBuiltinDialectTranslation(registry);
    registerLLVMDialectTranslation(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();

    std::string source = replaceAll(
        replaceAll(kKernels, "WIDE", wide.name), "F8", f8.name);
    module = parseSourceString<ModuleOp>(source, &context);
    if (!module)
      return;
    PassManager pm(&context);
    fp8::FP8SoftConversionsOptions soft;
    soft.saturate = saturate;
    pm.addPass(fp8::createFP8SoftConversions(soft));
    pm.addPass(createSCFToControlFlowPass());
    pm.addPass(createConvertVectorToLLVMPass());
    pm.addPass(memref::createExpandStridedMetadataPass());
    pm.addPass(createFinalizeMemRefToLLVMConversionPass());
    pm.addPass(createArithToLLVMConversionPass());
    pm.addPass(createConvertIndexToLLVMPass());
    pm.addPass(createConvertControlFlowToLLVMPass());
    pm.addPass(createConvertFuncToLLVMPass());
    pm.addPass(createReconcileUnrealizedCastsPass());
    if (failed(pm.run(*module)))
      return;
    ExecutionEngineOptions options;
    options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Default;
    auto created = ExecutionEngine::create(*module, options);
    if (!created) {
      llvm::consumeError(created.takeError());
      return;
    }
    engine = std::move(*created);
  }

  bool ok() const { return engine != nullptr; }

  /// Runs `@name(in, out)` (`in`/`out` element sizes in bytes).
  void run(StringRef name, void *in, unsigned inBytes, void *out,
           unsigned outBytes, int64_t n) {
    ASSERT_EQ(n % 8, 0);
    StridedMemRefType<char, 1> inRef{static_cast<char *>(in),
                                     static_cast<char *>(in), 0, {n}, {1}};
    StridedMemRefType<char, 1> outRef{static_cast<char *>(out),
                                      static_cast<char *>(out), 0, {n}, {1}};
    (void)inBytes;
    (void)outBytes;
    auto fn = engine->lookup(("_mlir_ciface_" + name).str());
    ASSERT_TRUE(static_cast<bool>(fn)) << "missing kernel " << name.str();
    reinterpret_cast<void (*)(void *, void *)>(*fn)(&inRef, &outRef);
  }

private:
  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  std::unique_ptr<ExecutionEngine> engine;
};

/// APFloat's encoding of the wide value with `bits` (optionally clamped to
/// the largest finite fp8 value first).
uint8_t referenceEncode(const WideType &wide, uint64_t bits,
                        const Float8Case &f8, bool saturate) {
  llvm::APFloat value(wide.semantics(), llvm::APInt(wide.bytes * 8, bits));
  bool losesInfo;
  if (saturate && !value.isNaN()) {
    llvm::APFloat max = llvm::APFloat::getLargest(f8.semantics());
    max.convert(wide.semantics(), llvm::APFloat::rmNearestTiesToEven,
                &losesInfo);
    llvm::APFloat negMax = max;
    negMax.changeSign();
    if (value.compare(max) == llvm::APFloat::cmpGreaterThan)
      value = max;
    else if (value.compare(negMax) == llvm::APFloat::cmpLessThan)
      value = negMax;
  }
  value.convert(f8.semantics(), llvm::APFloat::rmNearestTiesToEven,
                &losesInfo);
  return static_cast<uint8_t>(value.bitcastToAPInt().getZExtValue());
}

uint64_t referenceDecode(const WideType &wide, uint8_t code,
                         const Float8Case &f8) {
  llvm::APFloat value(f8.semantics(), llvm::APInt(8, code));
  bool losesInfo;
  value.convert(wide.semantics(), llvm::APFloat::rmNearestTiesToEven,
                &losesInfo);
  return value.bitcastToAPInt().getZExtValue();
}

std::string hex(uint64_t value) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format_hex(value, 10);
  return text;
}

/// Encodes `inputs` (bit patterns of `wide`) with both kernels and compares
/// with APFloat; returns the number of values checked.
int64_t checkEncode(const WideType &wide, const Float8Case &f8, bool saturate,
                    std::vector<uint64_t> inputs) {
  while (inputs.size() % 8)
    inputs.push_back(0);
  Kernels kernels(wide, f8, saturate);
  EXPECT_TRUE(kernels.ok());
  if (!kernels.ok())
    return 0;
  int64_t n = inputs.size();
  std::vector<char> in(n * wide.bytes);
  for (int64_t i = 0; i < n; ++i)
    std::memcpy(&in[i * wide.bytes], &inputs[i], wide.bytes);
  int64_t checked = 0;
  for (StringRef kernel : {"encode_scalar", "encode_vector"}) {
    std::vector<uint8_t> out(n, 0xAA);
    kernels.run(kernel, in.data(), wide.bytes, out.data(), 1, n);
    int failures = 0;
    for (int64_t i = 0; i < n; ++i) {
      uint8_t expected = referenceEncode(wide, inputs[i], f8, saturate);
      if (out[i] != expected && ++failures <= 5)
        ADD_FAILURE() << kernel.str() << " " << wide.name << " " << hex(inputs[i])
                      << " -> " << f8.name << (saturate ? " (saturate)" : "")
                      << ": got " << hex(out[i]) << ", APFloat gives "
                      << hex(expected);
    }
    EXPECT_EQ(failures, 0) << kernel.str() << " " << wide.name << " -> "
                           << f8.name;
    checked += n;
  }
  return checked;
}

/// All 2^16 bit patterns.
std::vector<uint64_t> all16() {
  std::vector<uint64_t> inputs(1 << 16);
  for (uint64_t i = 0; i < inputs.size(); ++i)
    inputs[i] = i;
  return inputs;
}

uint32_t floatBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  return bits;
}

/// f32 patterns: a stride over the whole 32-bit space (every exponent),
/// every rounding boundary of the fp8 type and its neighbours (+-1, +-2
/// ulp), each fp8 value and its neighbours, both signs, specials.
std::vector<uint64_t> f32Patterns(const Float8Case &f8, uint32_t stride) {
  std::vector<uint64_t> inputs;
  for (uint64_t bits = 0; bits < (uint64_t(1) << 32); bits += stride)
    inputs.push_back(bits);
  auto addAround = [&](float value) {
    uint32_t bits = floatBits(value) & 0x7fffffff;
    for (int delta = -2; delta <= 2; ++delta)
      for (uint32_t sign : {0u, 0x80000000u})
        inputs.push_back(sign | uint32_t(int64_t(bits) + delta));
  };
  for (unsigned code = 0; code < 0x80; ++code) {
    llvm::APFloat value(f8.semantics(), llvm::APInt(8, code));
    if (!value.isFinite())
      continue;
    llvm::APFloat next = value;
    next.next(/*nextDown=*/false);
    float v = value.convertToFloat();
    addAround(v);
    // The midpoint to the next value up (or past the largest finite).
    float step = next.isFinite() ? next.convertToFloat() - v
                 : code ? v - llvm::APFloat(f8.semantics(),
                                            llvm::APInt(8, code - 1))
                                  .convertToFloat()
                        : 0.0f;
    addAround(v + step / 2);
  }
  for (uint32_t special :
       {0x00000000u, 0x00000001u, 0x007fffffu, 0x00800000u, 0x7f7fffffu,
        0x7f800000u, 0x7f800001u, 0x7fbfffffu, 0x7fc00000u, 0x7fffffffu})
    for (uint32_t sign : {0u, 0x80000000u})
      inputs.push_back(sign | special);
  return inputs;
}

class SoftFP8Test : public ::testing::TestWithParam<Float8Case> {
protected:
  static void SetUpTestSuite() {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  }
};

TEST_P(SoftFP8Test, DecodeAll256CodesToF32) {
  const Float8Case &f8 = GetParam();
  Kernels kernels(kF32, f8, /*saturate=*/false);
  ASSERT_TRUE(kernels.ok());
  std::vector<uint8_t> in(256);
  for (unsigned i = 0; i < 256; ++i)
    in[i] = i;
  for (StringRef kernel : {"decode_scalar", "decode_vector"}) {
    std::vector<uint32_t> out(256, 0xdeadbeef);
    kernels.run(kernel, in.data(), 1, out.data(), 4, 256);
    for (unsigned i = 0; i < 256; ++i)
      EXPECT_EQ(out[i], referenceDecode(kF32, i, f8))
          << kernel.str() << " " << f8.name << " code " << hex(i);
  }
}

TEST_P(SoftFP8Test, DecodeAll256CodesToF16AndBF16) {
  const Float8Case &f8 = GetParam();
  for (const WideType &wide : {kF16, kBF16}) {
    Kernels kernels(wide, f8, /*saturate=*/false);
    ASSERT_TRUE(kernels.ok());
    std::vector<uint8_t> in(256);
    for (unsigned i = 0; i < 256; ++i)
      in[i] = i;
    for (StringRef kernel : {"decode_scalar", "decode_vector"}) {
      std::vector<uint16_t> out(256, 0xbeef);
      kernels.run(kernel, in.data(), 1, out.data(), 2, 256);
      for (unsigned i = 0; i < 256; ++i)
        EXPECT_EQ(out[i], referenceDecode(wide, i, f8))
            << kernel.str() << " " << f8.name << " -> " << wide.name
            << " code " << hex(i);
    }
  }
}

TEST_P(SoftFP8Test, EncodeEveryBF16AndF16Pattern) {
  for (bool saturate : {false, true}) {
    EXPECT_EQ(checkEncode(kBF16, GetParam(), saturate, all16()), 2 << 16);
    EXPECT_EQ(checkEncode(kF16, GetParam(), saturate, all16()), 2 << 16);
  }
}

TEST_P(SoftFP8Test, EncodeF32Patterns) {
  // A prime stride over the whole 32-bit space (every exponent), plus every
  // rounding boundary of the type: 10.5 million distinct f32 patterns for
  // the four types torch has (stride 409), 2.6 million for the others (stride
  // 1637); each checked by both kernels, with and without saturation.
  StringRef name = GetParam().name;
  bool torchType = name == "f8E4M3FN" || name == "f8E5M2" ||
                   name == "f8E4M3FNUZ" || name == "f8E5M2FNUZ";
  std::vector<uint64_t> inputs =
      f32Patterns(GetParam(), torchType ? 409 : 1637);
  EXPECT_GE(inputs.size(), torchType ? 10000000u : 2600000u);
  for (bool saturate : {false, true})
    EXPECT_EQ(checkEncode(kF32, GetParam(), saturate, inputs),
              2 * int64_t(llvm::alignTo(inputs.size(), 8)));
}

TEST_P(SoftFP8Test, EncodeRandomF32) {
  std::mt19937 rng(1234);
  std::vector<uint64_t> inputs(1 << 20);
  for (uint64_t &bits : inputs)
    bits = rng();
  checkEncode(kF32, GetParam(), /*saturate=*/true, inputs);
}

INSTANTIATE_TEST_SUITE_P(
    AllFloat8Types, SoftFP8Test, ::testing::ValuesIn(kFloat8Types),
    [](const ::testing::TestParamInfo<Float8Case> &info) {
      return std::string(info.param.name);
    });

} // namespace
