#!/usr/bin/env python3
"""Compiles random valid linear-layer GEMMs through both GPU pipelines (no
GPU needed): linalg.matmul and linalg.batch_matmul with static or dynamic
sizes (each about 40% dynamic), bf16/f16/f32, every recipe and role, some
emulated, each through --fp8-nvvm-pipeline (sm_90a, sm_89) and
--fp8-rocdl-pipeline (gfx942, gfx950). Any non-zero exit (a diagnostic or
a crash) is a failure: these programs are all valid.

  gpu-compile-sweep.py --tools BUILD/bin [--configs N] [--seed S]

Prints "N configs x 4 pipelines: F failures" (and the first failures'
programs) and exits 1 when F > 0. Before the amax reshape fix (dc99cf1),
8 of the 600 compilations of seed 1's 150 configs crashed.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile

PIPELINES = ["--fp8-nvvm-pipeline=chip=sm_90a", "--fp8-nvvm-pipeline=chip=sm_89",
             "--fp8-rocdl-pipeline=chip=gfx942",
             "--fp8-rocdl-pipeline=chip=gfx950"]


def size(rng, value):
    return "?" if rng.random() < 0.4 else str(value)


def program(rng):
    batched = rng.random() < 0.6
    batch = [size(rng, rng.choice([1, 2, 3, 5]))] if batched else []
    m = size(rng, rng.choice([16, 32, 48, 100]))
    k = str(rng.choice([32, 64, 96]))
    n = size(rng, rng.choice([16, 32, 40]))
    dtype = rng.choice(["bf16", "f16", "f32"])
    recipe = rng.choice(["tensorwise", "rowwise", "rowwise_with_gw_hp"])
    role = rng.choice(["output", "grad_input", "grad_weight"])
    emulate = ", emulate = true" if rng.random() < 0.2 else ""
    a = "x".join(batch + [m, k, dtype])
    b = "x".join(batch + [k, n, dtype])
    c = "x".join(batch + [m, n, dtype])
    op = "linalg.batch_matmul" if batched else "linalg.matmul"
    return (f"func.func @f(%a: tensor<{a}>, %b: tensor<{b}>, "
            f"%c: tensor<{c}>) -> tensor<{c}> {{\n"
            f"  %r = {op} {{fp8.role = \"{role}\", fp8.config = "
            f"#fp8.linear<recipe = {recipe}{emulate}>}} ins(%a, %b : "
            f"tensor<{a}>, tensor<{b}>) outs(%c : tensor<{c}>) -> "
            f"tensor<{c}>\n  return %r : tensor<{c}>\n}}\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tools", required=True)
    parser.add_argument("--configs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    opts = parser.parse_args()
    rng = random.Random(opts.seed)
    failures = []
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "gemm.mlir")
        for _ in range(opts.configs):
            text = program(rng)
            with open(path, "w") as f:
                f.write(text)
            for pipeline in PIPELINES:
                result = subprocess.run(
                    [os.path.join(opts.tools, "fp8-opt"), path, pipeline,
                     "-o", os.devnull], capture_output=True, text=True)
                if result.returncode:
                    failures.append((pipeline, result.returncode, text,
                                     result.stderr[-400:]))
    print(f"{opts.configs} configs x {len(PIPELINES)} pipelines: "
          f"{len(failures)} failures")
    for pipeline, code, text, err in failures[:3]:
        print(f"--- {pipeline}: exit status {code}\n{text}{err}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
