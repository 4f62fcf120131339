#!/usr/bin/env python3
"""Builds the H100 acceptance cases of the NVVM path into OUT (run here; no
GPU needed), for check-cases.py to run on the GPU machine.

  build-cases.py --tools BUILD/bin OUT [--max-size N] [--jobs J]

Each case is one float8 matmul written by fp8-reference with --data=hash
(inputs computed in the program from the indices, so 4096^3 needs no
constants) and --print-inputs, compiled by fp8-cuda-compile for sm_90a:
OUT/<case>/case (the executable), meta.json (fp8-reference --emit=meta) and,
for shapes up to 128^3, expected.txt.gz (fp8-reference --emit=expected, the
independent APFloat reference of SPEC section 1).
The matrix: 3 recipes x 3 roles x {bf16, f32} inputs x shapes 16^3, 64x128x32,
256^3, 1024^3, 4096^3 and 100x200x48 with pad_inner_dim (K=200 and M=100
unaligned), plus e5m2 x e5m2 tensorwise cases.
"""
import argparse
import concurrent.futures
import gzip
import json
import os
import subprocess
import sys

RECIPES = ["tensorwise", "rowwise", "rowwise_with_gw_hp"]
ROLES = ["output", "grad_input", "grad_weight"]
SHAPES = [(16, 16, 16), (64, 128, 32), (256, 256, 256), (100, 200, 48),
          (1024, 1024, 1024), (4096, 4096, 4096)]
E5M2 = ("--config=#fp8.linear<input = #fp8.cast<dtype = e5m2>, "
        "weight = #fp8.cast<dtype = e5m2>>")


def cases(max_size):
    for m, k, n in SHAPES:
        if max(m, k, n) > max_size:
            continue
        shape = [f"--m={m}", f"--k={k}", f"--n={n}"]
        if k % 16:
            shape.append("--pad")
        for dtype in ["bf16", "f32"]:
            for recipe in RECIPES:
                for role in ROLES:
                    name = f"{recipe}-{role}-{dtype}-{m}x{k}x{n}"
                    yield name, [f"--recipe={recipe}", f"--role={role}",
                                 f"--dtype={dtype}", *shape]
            if (m, k, n) in [(256, 256, 256), (4096, 4096, 4096)]:
                yield (f"e5m2xe5m2-output-{dtype}-{m}x{k}x{n}",
                       [E5M2, "--lhs=dyn_ten_e5m2", "--rhs=dyn_ten_e5m2",
                        "--role=output", f"--dtype={dtype}", *shape])


def run(cmd, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode:
        sys.exit(f"failed: {' '.join(cmd)}\n{result.stderr}")
    return result.stdout


def build(tools, out, name, args):
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    reference = [os.path.join(tools, "fp8-reference"), "--data=hash",
                 "--print-inputs", *args]
    with open(os.path.join(folder, "case.mlir"), "w") as f:
        f.write(run(reference + ["--emit=mlir"]))
    meta = json.loads(run(reference + ["--emit=meta"]))
    meta["name"] = name
    meta["args"] = args
    with open(os.path.join(folder, "meta.json"), "w") as f:
        json.dump(meta, f)
    if meta["m"] * meta["k"] * meta["n"] <= 128 ** 3:
        with gzip.open(os.path.join(folder, "expected.txt.gz"), "wt") as f:
            f.write(run(reference + ["--emit=expected"]))
    run([os.path.join(tools, "fp8-cuda-compile"),
         os.path.join(folder, "case.mlir"), "-o",
         os.path.join(folder, "case"), "--options", "chip=sm_90a"])
    os.remove(os.path.join(folder, "case.mlir"))
    return name


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tools", required=True)
    parser.add_argument("--max-size", type=int, default=4096)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("out")
    opts = parser.parse_args()
    pending = list(cases(opts.max_size))
    with concurrent.futures.ThreadPoolExecutor(opts.jobs) as pool:
        list(pool.map(lambda c: build(opts.tools, opts.out, *c), pending))
    print(f"{len(pending)} cases built in {opts.out}")


if __name__ == "__main__":
    main()
