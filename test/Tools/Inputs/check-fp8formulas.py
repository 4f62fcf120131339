#!/usr/bin/env python3
"""Checks scripts/fp8formulas.py (test/Tools/fp8formulas.mlir).

  check-fp8formulas.py FP8_REFERENCE

Prints the module's values for known inputs (the .mlir's CHECK lines hold
the expected ones), then recomputes, with the module's plain-Python amax,
amax_to_scale and to_fp8_saturated, the scales and fp8 codes that
fp8-reference (llvm::APFloat) prints for cases of every float8 type, both
granularities, with and without power-of-2 scales, and data with zero rows,
overflowing values, outliers and NaN: they must agree bit for bit. Where
torch is installed, torchao_cast is compared with the same cases. Exits 1 on
any difference.
"""
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "scripts"))
import fp8formulas as f  # noqa: E402

E4M3, E5M2 = "f8E4M3FN", "f8E5M2"
E4M3FNUZ, E5M2FNUZ = "f8E4M3FNUZ", "f8E5M2FNUZ"


def known_values():
    for dtype in [E4M3, E5M2, E4M3FNUZ, E5M2FNUZ]:
        print(f"max {dtype} {f.FP8_MAX[dtype]:g} code 0x{f.fp8_code(f.FP8_MAX[dtype], dtype):02x}")
    # amax_to_scale: max / amax in f32, eps clamp, power-of-2 rounding down.
    for dtype, amax, pow2 in [
            (E4M3, 1.0, False), (E4M3, 1.0, True), (E4M3, 3.0, False),
            (E4M3, 3.0, True), (E4M3, 448.0, True), (E4M3, 0.0, False),
            (E4M3, 1e-13, True), (E4M3, math.inf, True),
            # 448/56 = 8: a scale of exactly 8, and one 2 f32 ulps below.
            (E4M3, 56.0, True), (E4M3, 56.0 * (1 + 2 ** -23), False),
            (E4M3, 56.0 * (1 + 2 ** -23), True),
            (E5M2, 1.0, False), (E5M2, 1.0, True), (E4M3FNUZ, 1.0, True),
            (E5M2FNUZ, 3.0, False), (E4M3, math.nan, True)]:
        scale = f.amax_to_scale(amax, dtype, pow2)
        print(f"amax_to_scale {dtype} amax={amax!r} pow2={int(pow2)}: "
              f"{scale!r} 0x{f.f32_bits(scale):08x}")
    # Saturated casts: codes (and their values).
    for dtype, x, scale in [
            (E4M3, 1e6, 1.0), (E4M3, -1e6, 1.0), (E4M3, math.inf, 1.0),
            (E4M3, 449.0, 1.0), (E4M3, 3.0e38, 3.0e38),
            (E5M2, 1e6, 1.0), (E5M2, -1e6, 1.0), (E5M2, math.inf, 1.0),
            (E4M3FNUZ, 1e6, 1.0), (E4M3FNUZ, -1e6, 1.0), (E5M2FNUZ, -1e6, 1.0),
            (E4M3, math.nan, 1.0), (E4M3, 1.0, math.nan), (E5M2, math.nan, 1.0),
            (E4M3FNUZ, math.nan, 1.0), (E5M2FNUZ, math.nan, 1.0),
            # Round half to even: 1.0625 between 1 and 1.125, 1.1875
            # between 1.125 and 1.25; subnormals 2^-10 and 3 2^-10 (e4m3's
            # quantum there is 2^-9); e5m2's 18 and 22 (quantum 4); -0 and
            # fnuz's -0.
            (E4M3, 1.0625, 1.0), (E4M3, 1.1875, 1.0), (E4M3, 2.0 ** -10, 1.0),
            (E4M3, 3 * 2.0 ** -10, 1.0), (E4M3, -0.0, 1.0),
            (E4M3FNUZ, -0.0, 1.0), (E5M2, 18.0, 1.0), (E5M2, 22.0, 1.0)]:
        code = f.to_fp8_saturated(x, scale, dtype)
        print(f"to_fp8_saturated {dtype} {x!r}*{scale!r}: 0x{code:02x} = "
              f"{f.fp8_value(code, dtype)!r}")
    # GEMM error bounds.
    for k, fast in [(16, True), (200, False), (4096, True), (4096, False)]:
        print(f"tensor_core_coefficient K={k} fast={int(fast)}: "
              f"{f.tensor_core_coefficient(k, fast)!r}")
    print(f"f32_accumulation_coefficient K=4096: "
          f"{f.f32_accumulation_coefficient(4096)!r}")
    print(f"torch_tensor_core_coefficient K=4096: "
          f"{f.torch_tensor_core_coefficient(4096)!r}")
    print(f"high_precision_coefficient K=4096 bf16: "
          f"{f.high_precision_coefficient(4096, 'bf16')!r}")
    # A dump as runtime/cuda writes it: 2 x 3 int8.
    raw = (b"FP8D" + (4).to_bytes(4, "little") + (2).to_bytes(4, "little")
           + (2).to_bytes(8, "little") + (3).to_bytes(8, "little")
           + bytes([1, 2, 255, 4, 128, 6]))
    path = os.path.join(os.environ.get("TMPDIR", "/tmp"),
                        f"fp8formulas-{os.getpid()}.bin")
    with open(path, "wb") as out:
        out.write(raw)
    try:
        sizes, values = f.read_dump_values(path)
    finally:
        os.remove(path)
    print(f"dump: sizes {list(sizes)} values {values}")


def reference_cases():
    """fp8-reference argument lists: every float8 type as A or B,
    tensorwise and axiswise, pow2 or not, each kind of data."""
    index = 0
    for type_config in ["ocp", "fnuz"]:
        for lhs_dtype, rhs_dtype in [("e4m3", "e4m3"), ("e5m2", "e4m3"),
                                     ("e4m3", "e5m2")]:
            for granularity in ["ten", "axs"]:
                for pow2 in [False, True]:
                    for data in ["normal", "zero-row", "overflow", "nan",
                                 "outliers"]:
                        dtype = ["bf16", "f16", "f32"][index % 3]
                        index += 1
                        args = [f"--type-config={type_config}",
                                f"--lhs=dyn_{granularity}_{lhs_dtype}",
                                f"--rhs=dyn_{granularity}_{rhs_dtype}",
                                f"--dtype={dtype}", f"--data={data}",
                                f"--seed={index}", "--m=16", "--k=32",
                                "--n=16"]
                        yield args + (["--pow2"] if pow2 else [])
    # The GPU cases' generator (--data=hash): a power of two per row of A
    # and per column of B, outliers.
    for recipe in ["tensorwise", "rowwise"]:
        yield [f"--recipe={recipe}", "--data=hash", "--dtype=bf16",
               "--m=64", "--k=128", "--n=32"]


def float8_name(short, type_config):
    if type_config == "fnuz":
        return E4M3FNUZ if short == "e4m3" else E5M2FNUZ
    return E4M3 if short == "e4m3" else E5M2


def casts_of(args):
    """(A's cast, B's cast, pow2) of a case: cast = (dtype, axiswise)."""
    opts = dict(a[2:].split("=", 1) for a in args if "=" in a)
    type_config = opts.get("type-config", "ocp")
    if "recipe" in opts:
        axiswise = opts["recipe"] == "rowwise"
        return ((E4M3, axiswise), (E4M3, axiswise), axiswise)
    lhs, rhs = opts["lhs"].split("_"), opts["rhs"].split("_")
    return ((float8_name(lhs[2], type_config), lhs[1] == "axs"),
            (float8_name(rhs[2], type_config), rhs[1] == "axs"),
            "--pow2" in args)


def quantize(rows, cols, values, cast, k_axis, pow2):
    """Scales and codes of a row-major matrix with the module's formulas;
    axiswise scales per row (k_axis 1) or per column (k_axis 0)."""
    dtype, axiswise = cast

    def group(r, c):
        return (r if k_axis == 1 else c) if axiswise else 0

    groups = (rows if k_axis == 1 else cols) if axiswise else 1
    members = [[] for _ in range(groups)]
    for r in range(rows):
        for c in range(cols):
            members[group(r, c)].append(values[r * cols + c])
    scales = [f.amax_to_scale(f.amax(m), dtype, pow2) for m in members]
    codes = [f.to_fp8_saturated(values[r * cols + c], scales[group(r, c)],
                                dtype)
             for r in range(rows) for c in range(cols)]
    return scales, codes


def torch_quantize(rows, cols, values, cast, k_axis, pow2):
    import torch
    x = torch.tensor(values, dtype=torch.float32).reshape(rows, cols)
    scale, q = f.torchao_cast(x, {"dtype": cast[0], "axiswise": cast[1]},
                              k_axis, pow2, "cpu")
    return (scale.reshape(-1).tolist(),
            q.view(torch.uint8).reshape(-1).tolist())


def compare_with_reference(reference):
    try:
        import torch  # noqa: F401
        quantizers = [("fp8formulas", quantize), ("torchao_cast", torch_quantize)]
    except ImportError:
        quantizers = [("fp8formulas", quantize)]
    cases = scales = codes = 0
    different = {name: 0 for name, _ in quantizers}
    nan_scales = 0
    for args in reference_cases():
        opts = dict(a[2:].split("=", 1) for a in args if "=" in a)
        m, k, n = int(opts["m"]), int(opts["k"]), int(opts["n"])
        result = subprocess.run([reference, *args, "--emit=expected",
                                 "--print-inputs"],
                                capture_output=True, text=True)
        if result.returncode:
            sys.exit(f"fp8-reference {' '.join(args)}: {result.stderr}")
        lines = [line.split(":", 1)[1].split()
                 for line in result.stdout.splitlines()]
        # The GEMM, A's scales and codes, B's scales and codes, A and B.
        _, sa, qa, sb, qb, a, b = lines
        cast_a, cast_b, pow2 = casts_of(args)
        # Printed with 9 digits: the nearest f32 is the value.
        a = [f.to_f32(float(v)) for v in a]
        b = [f.to_f32(float(v)) for v in b]
        want = [([int(v) for v in sa], [int(v) for v in qa]),
                ([int(v) for v in sb], [int(v) for v in qb])]
        nan_scales += sum(bits & 0x7FFFFFFF > 0x7F800000
                          for bits in want[0][0] + want[1][0])
        for name, quantizer in quantizers:
            got = [quantizer(m, k, a, cast_a, 1, pow2),
                   quantizer(k, n, b, cast_b, 0, pow2)]
            for operand, (gs, gc), (ws, wc) in zip("AB", got, want):
                gs = [f.f32_bits(s) for s in gs]
                bad_s = sum(x != y for x, y in zip(gs, ws)) + abs(len(gs) - len(ws))
                bad_c = sum(x != y for x, y in zip(gc, wc)) + abs(len(gc) - len(wc))
                if bad_s or bad_c:
                    different[name] += bad_s + bad_c
                    print(f"DIFFERENT {name} {' '.join(args)} {operand}: "
                          f"{bad_s} scales, {bad_c} codes")
        cases += 1
        scales += len(want[0][0]) + len(want[1][0])
        codes += len(want[0][1]) + len(want[1][1])
    for name, _ in quantizers:
        print(f"{name} vs fp8-reference: {cases} cases, {scales} scales "
              f"({nan_scales} NaN) and {codes} fp8 codes, "
              f"{different[name]} different")
    return sum(different.values())


def main():
    known_values()
    sys.exit(1 if compare_with_reference(sys.argv[1]) else 0)


if __name__ == "__main__":
    main()
