#!/usr/bin/env python3
"""Writes cases for bench/torch-crosscheck.py into a folder (default
.device/xcheck): for each case the input tensor (raw little-endian bytes) and
what fp8's CPU pipeline computes from it with fp8.amax -> fp8.amax_to_scale
-> fp8.cast (scale bits and fp8 codes), so that torch on the GPU machine can
recompute torchao's formulas from the same bytes and compare bit for bit.

  torch-crosscheck-gen.py BUILD/bin OUT_DIR
"""
import json
import math
import os
import random
import re
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "scripts"))
import fp8formulas  # noqa: E402

tools, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
LIBS = ("-shared-libs=/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so,"
        "/usr/lib/llvm-22/lib/libmlir_runner_utils.so")
# MLIR name -> torch name, in the order of the cases.
F8 = fp8formulas.TORCH_NAME
rng = random.Random(11)


def bf16_bits(x):
    bits = struct.unpack("<I", struct.pack("<f", x))[0]
    if (bits & 0x7fffffff) > 0x7f800000:
        return 0x7fc0
    return ((bits + 0x7fff + ((bits >> 16) & 1)) >> 16) & 0xffff


def make(rows, cols, mode):
    values = []
    for r in range(rows):
        scale = 10 ** rng.uniform(-6, 6) if mode == "range" else 1.0
        for c in range(cols):
            values.append(rng.gauss(0, 1) * scale)
        if mode == "zero" and r == 0:
            values[-cols:] = [0.0] * cols
        if mode == "edge":
            # amax such that 448/amax and 57344/amax fall just below or on a
            # power of two: probes the power-of-2 rounding.
            k = rng.randrange(-6, 8)
            target = rng.choice([448.0, 57344.0, 240.0]) / 2.0 ** k
            bump = rng.choice([1.0, 1.0 + 2 ** -23, 1.0 + 2 ** -22, 1.0 - 2 ** -24, 1.0 + 2 ** -20])
            values[-cols:] = [0.5 * target] * cols
            values[-1] = target * bump
    return values


cases = []
index = 0
for dtype in ["bf16", "f32"]:
    for f8 in F8:
        for granularity in ["tensorwise", "axiswise"]:
            for pow2 in [False, True]:
                for mode in ["normal", "range", "zero", "edge"]:
                    if mode == "edge" and dtype == "bf16":
                        continue
                    rows, cols = 8, 32
                    values = make(rows, cols, mode)
                    name = f"case{index}"
                    index += 1
                    if dtype == "bf16":
                        raw = b"".join(struct.pack("<H", bf16_bits(v)) for v in values)
                        literal = ", ".join(f"0x{bf16_bits(v):04X}" for v in values)
                    else:
                        raw = b"".join(struct.pack("<f", v) for v in values)
                        literal = ", ".join(f"0x{struct.unpack('<I', struct.pack('<f', v))[0]:08X}" for v in values)
                    with open(os.path.join(out, name + ".bin"), "wb") as f:
                        f.write(raw)
                    scale_type = "tensor<8x1xf32>" if granularity == "axiswise" else "tensor<f32>"
                    gran = "axiswise(1)" if granularity == "axiswise" else "tensorwise"
                    maps = ("affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>"
                            if granularity == "axiswise" else "affine_map<() -> ()>, affine_map<() -> ()>")
                    iters = '["parallel", "parallel"]' if granularity == "axiswise" else "[]"
                    scale_i32 = scale_type.replace("f32", "i32")
                    module = f'''
func.func private @printMemrefI32(tensor<*xi32>)
func.func @main() {{
  %x0 = arith.constant dense<[{literal}]> : tensor<256x{dtype}>
  %x = tensor.expand_shape %x0 [[0, 1]] output_shape [8, 32] : tensor<256x{dtype}> into tensor<8x32x{dtype}>
  %a = fp8.amax %x {gran} : tensor<8x32x{dtype}> -> {scale_type}
  %s = fp8.amax_to_scale %a {"{round_to_power_of_2}" if pow2 else ""} : {scale_type} for {f8}
  %q = fp8.cast %x, %s : tensor<8x32x{dtype}>, {scale_type} -> tensor<8x32x{f8}>
  %se = tensor.empty() : {scale_i32}
  %sb = linalg.generic {{indexing_maps = [{maps}], iterator_types = {iters}}} ins(%s : {scale_type}) outs(%se : {scale_i32}) {{
  ^bb0(%in: f32, %o: i32):
    %b = arith.bitcast %in : f32 to i32
    linalg.yield %b : i32
  }} -> {scale_i32}
  %su = tensor.cast %sb : {scale_i32} to tensor<*xi32>
  call @printMemrefI32(%su) : (tensor<*xi32>) -> ()
  %ce = tensor.empty() : tensor<8x32xi32>
  %cb = linalg.generic {{indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}} ins(%q : tensor<8x32x{f8}>) outs(%ce : tensor<8x32xi32>) {{
  ^bb0(%in: {f8}, %o: i32):
    %b = arith.bitcast %in : {f8} to i8
    %w = arith.extui %b : i8 to i32
    linalg.yield %w : i32
  }} -> tensor<8x32xi32>
  %cu = tensor.cast %cb : tensor<8x32xi32> to tensor<*xi32>
  call @printMemrefI32(%cu) : (tensor<*xi32>) -> ()
  return
}}
'''.replace("{round_to_power_of_2}", "{round_to_power_of_2}")
                    module = module.replace('{"{round_to_power_of_2}" if pow2 else ""}', "")
                    if pow2:
                        module = module.replace(f"fp8.amax_to_scale %a  :", f"fp8.amax_to_scale %a {{round_to_power_of_2}} :")
                    lowered = subprocess.run([f"{tools}/fp8-opt", "--fp8-cpu-pipeline"], input=module,
                                             capture_output=True, text=True, check=True).stdout
                    printed = subprocess.run(["/usr/lib/llvm-22/bin/mlir-runner", "-e", "main",
                                              "-entry-point-result=void", LIBS], input=lowered,
                                             capture_output=True, text=True, check=True).stdout
                    blocks = [re.findall(r"-?\d+", b.split("data =", 1)[1]) for b in printed.split("Unranked Memref")[1:]]
                    cases.append({"name": name, "dtype": dtype, "fp8": F8[f8], "granularity": granularity,
                                  "pow2": pow2, "mode": mode,
                                  "scale_bits": [int(v) for v in blocks[0]],
                                  "codes": [int(v) for v in blocks[1]]})
with open(os.path.join(out, "cases.json"), "w") as f:
    json.dump(cases, f)
print(f"{len(cases)} cases written to {out}")
