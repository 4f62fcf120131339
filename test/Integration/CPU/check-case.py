#!/usr/bin/env python3
"""Runs one float8 matmul case end to end and compares with the reference.

  check-case.py --tools DIR --runner-libs LIBS [--pipeline-options OPTS] -- ARGS

ARGS go to fp8-reference, which writes the test module (--emit=mlir) and,
independently, the expected numbers (--emit=expected). The module is compiled
with `fp8-opt --fp8-cpu-pipeline`, run with mlir-runner, and every printed
memref is compared with the expected line in the same position: "exact"
lines bit for bit (scale bits, fp8 codes), "approx" lines within --rtol.
Prints one summary line; exits non-zero on any mismatch.
"""
import argparse
import math
import os
import re
import subprocess
import sys


def run(cmd, stdin=None):
    result = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        sys.exit(f"command failed ({result.returncode}): {' '.join(cmd)}")
    return result.stdout


def parse_memrefs(text):
    """The numbers of each memref printed by printMemref*, in order."""
    memrefs = []
    for block in text.split("Unranked Memref")[1:]:
        data = block.split("data =", 1)[1]
        memrefs.append(re.findall(r"-?nan|-?inf|-?[0-9][0-9.e+-]*", data))
    return memrefs


def to_float(token):
    return float(token.replace("-nan", "nan"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tools", required=True)
    parser.add_argument("--runner", default="mlir-runner")
    parser.add_argument("--runner-libs", required=True)
    parser.add_argument("--pipeline-options", default="")
    parser.add_argument("--rtol", type=float, default=1e-5)
    parser.add_argument("--atol-of-max", type=float, default=0.0,
                        help="absolute tolerance as a fraction of the largest "
                        "expected magnitude of the memref")
    parser.add_argument("--gpu", metavar="EXE_DIR",
                        help="compile with fp8-cuda-compile into EXE_DIR "
                        "and run the executable on the GPU instead")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    opts = parser.parse_args()
    args = [a for a in opts.args if a != "--"]

    reference = f"{opts.tools}/fp8-reference"
    module = run([reference, *args, "--emit=mlir"])
    if opts.gpu:
        os.makedirs(opts.gpu, exist_ok=True)
        source = os.path.join(opts.gpu, "case.mlir")
        exe = os.path.join(opts.gpu, "case")
        with open(source, "w") as f:
            f.write(module)
        run([f"{opts.tools}/fp8-cuda-compile", source, "-o", exe,
             "--options", opts.pipeline_options])
        output = run([exe])
    else:
        pipeline = "--fp8-cpu-pipeline"
        if opts.pipeline_options:
            pipeline += f"={opts.pipeline_options}"
        llvm = run([f"{opts.tools}/fp8-opt", pipeline], stdin=module)
        output = run([opts.runner, "-e", "main", "-entry-point-result=void",
                      opts.runner_libs], stdin=llvm)
    expected = [line.split(":", 1) for line in
                run([reference, *args, "--emit=expected"]).splitlines()]
    actual = parse_memrefs(output)
    if len(actual) != len(expected):
        sys.exit(f"FAIL: {len(actual)} memrefs printed, {len(expected)} expected")

    exact, approx, worst = compare(expected, actual, opts.rtol,
                                   opts.atol_of_max)
    print(f"OK: {exact} bit-exact values, {approx} gemm values within rtol "
          f"{opts.rtol:g} (max rel err {worst:.1e})")


def compare(expected, actual, rtol, atol_of_max=0.0):
    """Compares parsed memrefs with "exact"/"approx" expectations; exits with
    a message on the first mismatch. Returns (exact, approx, worst)."""
    exact = approx = 0
    worst = 0.0
    for index, ((kind, values), got) in enumerate(zip(expected, actual)):
        want = values.split()
        finite = [abs(to_float(w)) for w in want if math.isfinite(to_float(w))]
        atol = atol_of_max * max(finite, default=0.0) + 1e-30
        if len(want) != len(got):
            sys.exit(f"FAIL: memref {index}: {len(got)} values, expected {len(want)}")
        for position, (w, g) in enumerate(zip(want, got)):
            if kind == "exact":
                if int(w) != int(g):
                    sys.exit(f"FAIL: memref {index} value {position}: got {g}, expected {w} (bit-exact)")
                exact += 1
                continue
            wf, gf = to_float(w), to_float(g)
            if math.isnan(wf) or math.isnan(gf):
                if not (math.isnan(wf) and math.isnan(gf)):
                    sys.exit(f"FAIL: memref {index} value {position}: got {g}, expected {w}")
            else:
                error = abs(gf - wf) / max(abs(wf), 1e-30)
                if abs(gf - wf) > rtol * abs(wf) + atol:
                    sys.exit(f"FAIL: memref {index} value {position}: got {g}, expected {w} (rtol {rtol}, atol {atol:g})")
                worst = max(worst, error)
            approx += 1
    return exact, approx, worst


if __name__ == "__main__":
    main()
