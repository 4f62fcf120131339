#!/usr/bin/env python3
"""Compiles random valid linear-layer GEMMs through both GPU pipelines (no
GPU needed): linalg.matmul and linalg.batch_matmul with static or dynamic
sizes (each about 40% dynamic), bf16/f16/f32, every recipe and role, some
emulated, each through --fp8-nvvm-pipeline (sm_90a, sm_89) and
--fp8-rocdl-pipeline (gfx942, gfx950). Any non-zero exit (a diagnostic or
a crash) is a failure: these programs are all valid.

  gpu-compile-sweep.py --tools BUILD/bin [--configs N] [--seed S]
                       [--per-module K]

--per-module K puts K configs (functions @f0 ... @fK-1, some repeated) in
one module, so that the kernels of one compilation are outlined and
deduplicated together, and also runs each module through
--fp8-lower-to-gpu with the kernel cache's check (check-kernel-cache=1:
every cached kernel built again and compared with the one its key names)
for each chip.

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


def program(rng, name="f"):
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
    return (f"func.func @{name}(%a: tensor<{a}>, %b: tensor<{b}>, "
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
    parser.add_argument("--per-module", type=int, default=1)
    opts = parser.parse_args()
    rng = random.Random(opts.seed)
    failures = []
    pipelines = [[p] for p in PIPELINES]
    if opts.per_module > 1:
        for chip in ["sm_90a", "sm_89", "gfx942", "gfx950"]:
            pipelines.append([f"--fp8-rewrite-matmul=chip={chip}", "--cse",
                              f"--fp8-lower-to-gpu=chip={chip} "
                              "outline-kernels=1 check-kernel-cache=1"])
    modules = 0
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "gemm.mlir")
        for _ in range(0, opts.configs, opts.per_module):
            count = min(opts.per_module, opts.configs - modules * opts.per_module)
            modules += 1
            texts = []
            for i in range(count):
                # Every third function repeats an earlier one's config.
                if texts and rng.random() < 0.33:
                    texts.append(rng.choice(texts).replace(
                        "func.func @f", f"func.func @f{i}_", 1))
                else:
                    texts.append(program(rng, f"f{i}"))
            text = "".join(texts)
            with open(path, "w") as f:
                f.write(text)
            for pipeline in pipelines:
                result = subprocess.run(
                    [os.path.join(opts.tools, "fp8-opt"), path, *pipeline,
                     "-o", os.devnull], capture_output=True, text=True)
                if result.returncode:
                    failures.append((" ".join(pipeline), result.returncode,
                                     text, result.stderr[-400:]))
    print(f"{opts.configs} configs in {modules} modules x {len(pipelines)} "
          f"pipelines: {len(failures)} failures")
    for pipeline, code, text, err in failures[:3]:
        print(f"--- {pipeline}: exit status {code}\n{text}{err}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
