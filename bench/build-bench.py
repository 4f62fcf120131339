#!/usr/bin/env python3
"""Builds the Hopper benchmark programs into OUT (here; the GPU machine has
no LLVM): one fp8-cuda-compile executable per GEMM shape and recipe of
issue #8, each a whole fp8 linear (hash-generated bf16 inputs, amax, scale,
cast, scaled GEMM) whose kernels bench.py times on the GPU; and, for the
end-to-end linear layers (LINEARS), the three GEMMs of forward and backward
as their recipe prescribes: output (M x K x N), grad_input (M x N x K) and
grad_weight (N x M x K), each with its casts, as three programs, and the
whole layer as one (fp8-reference --role=layer: the casts shared between
the GEMMs).

  build-bench.py --tools BUILD/bin OUT [--options gemm-schedule=pingpong]
      [--no-linear]
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys

# M x K x N of issue #8.
SHAPES = [(8192, 8192, 8192), (4096, 4096, 4096), (16384, 4096, 14336),
          (16384, 14336, 4096), (16384, 4096, 4096), (1024, 8192, 8192)]
RECIPES = ["tensorwise", "rowwise"]
# M, K, N of the fp8 linear layers timed forward + backward.
LINEARS = [(16384, 8192, 8192), (16384, 4096, 14336)]
ROLES = {"output": lambda m, k, n: (m, k, n),
         "grad_input": lambda m, k, n: (m, n, k),
         "grad_weight": lambda m, k, n: (n, m, k)}


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"failed: {' '.join(cmd)}\n{result.stderr}")
    return result.stdout


def build(tools, out, options, recipe, shape, role="output", linear=None):
    m, k, n = shape
    name = f"{recipe}-{m}x{k}x{n}"
    if role == "layer":
        name = f"layer-{recipe}-{m}x{k}x{n}"
    elif linear:
        name = f"linear-{recipe}-{'x'.join(map(str, linear))}-{role}"
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    # No cast checks: printing B's codes would make its cast write both
    # layouts (the checks are check-cases.py's business).
    args = [os.path.join(tools, "fp8-reference"), "--data=hash",
            "--cast-checks=false",
            f"--recipe={recipe}", f"--role={role}", f"--m={m}", f"--k={k}",
            f"--n={n}"]
    source = os.path.join(folder, "case.mlir")
    with open(source, "w") as f:
        f.write(run(args + ["--emit=mlir"]))
    meta = json.loads(run(args + ["--emit=meta"]))
    meta["name"] = name
    if linear:
        meta["linear"] = list(linear)
    with open(os.path.join(folder, "meta.json"), "w") as f:
        json.dump(meta, f)
    run([os.path.join(tools, "fp8-cuda-compile"), source, "-o",
         os.path.join(folder, "case"), "--options",
         " ".join(["chip=sm_90a"] + options)])
    os.remove(source)
    return name


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tools", required=True)
    parser.add_argument("out")
    parser.add_argument("--options", action="append", default=[],
                        help="more --fp8-nvvm-pipeline options, e.g. "
                             "gemm-schedule=pingpong")
    parser.add_argument("--no-linear", action="store_true",
                        help="only the GEMM shapes")
    opts = parser.parse_args()
    jobs = [(r, s) for r in RECIPES for s in SHAPES]
    if not opts.no_linear:
        jobs += [(r, f(*lin), role, lin) for r in RECIPES for lin in LINEARS
                 for role, f in ROLES.items()]
        jobs += [(r, lin, "layer") for r in RECIPES for lin in LINEARS]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda c: build(opts.tools, opts.out, opts.options, *c),
                      jobs))
    print(f"{len(jobs)} benchmark programs in {opts.out}")


if __name__ == "__main__":
    main()
