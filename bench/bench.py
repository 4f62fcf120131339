#!/usr/bin/env python3
"""Hopper benchmark (issue #8), on the GPU machine: our kernels and their
peers in one run, on the same device, with warm-up and medians.

  bench.py BENCH_DIR [--json OUT.json]

BENCH_DIR comes from build-bench.py. For each program (a whole fp8 linear
of one recipe and shape) the executable runs FP8_REPEAT=10 times with
FP8_PROFILE=1 (the runtime times every kernel launch with CUDA events); the
first two runs are warm-up (fresh managed allocations, cold caches), the
median of the other eight is reported per kernel (the JSON keeps every
run's times):
  GEMM  the scaled-GEMM kernel (fp8_scaled_matmul_*);
  cast  the input operand's amax + amax_to_scale + cast kernels, or its
        fused fp8_cast_axiswise (3 bytes per element: read bf16, write fp8,
        as in the issue's table);
  layer everything from the first fp8 kernel to the GEMM (both operands'
        casts, B's transposed cast, the GEMM).
Programs named linear-* are the three GEMMs of one fp8 linear layer
(forward and backward); their layer times add up and are compared with
three bf16 torch.mm of the same shapes.
Peers, timed here with CUDA events (median of 20 after 5 warm-up calls):
torch._scaled_mm (tensorwise: cuBLASLt, fast accumulation; rowwise:
CUTLASS), bf16 torch.mm, torch.compile'd torchao casts (tensorwise and
axiswise amax + scale + saturated cast), and a bf16 device-to-device copy.
Correctness is checked separately (test/Integration/GPU/check-cases.py);
here every program must exit 0. Prints a table of ratios and writes JSON.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys

import torch

LINE = re.compile(r"fp8-profile: (\S+) grid=(\d+),(\d+),(\d+) "
                  r"block=(\d+),(\d+),(\d+) ms=([0-9.]+)")
# Runs of each program (FP8_REPEAT): the first WARMUP_RUNS (fresh managed
# allocations, cold caches and clocks) are dropped, the rest give medians.
RUNS = 10
WARMUP_RUNS = 2


def time_cuda(fn, warmup=5, iters=20):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        start = torch.cuda.Event(enable_timing=True)
        stop = torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop))
    return statistics.median(times)


def ours(case_dir, meta):
    env = dict(os.environ, FP8_PROFILE="1", FP8_REPEAT=str(RUNS),
               FP8_PRINT="none")
    result = subprocess.run([os.path.join(case_dir, "case")], env=env,
                            capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(result.stderr[-500:])
    launches = [(m.group(1), tuple(map(int, m.group(2, 3, 4))),
                 tuple(map(int, m.group(5, 6, 7))), float(m.group(8)))
                for m in LINE.finditer(result.stderr)]
    per_run = len(launches) // RUNS
    runs = [launches[i * per_run:(i + 1) * per_run] for i in range(RUNS)]
    m, k, n = meta["m"], meta["k"], meta["n"]

    def gemm(run):
        return sum(ms for name, _, _, ms in run
                   if name.startswith("fp8_scaled_matmul"))

    def cast(run):
        # The lhs operand's amax, scale and cast: from its fp8_amax (or the
        # fused fp8_cast_axiswise) to its fp8_cast kernel, both included.
        first = next(i for i, (name, _, _, _) in enumerate(run)
                     if name.startswith(("fp8_amax", "fp8_cast_axiswise")))
        last = next(i for i, (name, _, _, _) in enumerate(run)
                    if i >= first and (name == "fp8_cast"
                                       or name.startswith("fp8_cast_axiswise")))
        return sum(ms for _, _, _, ms in run[first:last + 1])

    def transposed(run):
        return sum(ms for name, _, _, ms in run
                   if name.startswith("fp8_cast_transposed"))

    def layer(run):
        # Everything from the first fp8 kernel to the GEMM: the casts with
        # their amaxes and scales, the transposed cast of B, the GEMM.
        fp8 = [i for i, (name, _, _, _) in enumerate(run)
               if name.startswith("fp8_")]
        last = max(i for i in fp8 if run[i][0].startswith("fp8_scaled_matmul"))
        return sum(ms for _, _, _, ms in run[fp8[0]:last + 1])

    timed = runs[WARMUP_RUNS:]
    return {"gemm_ms": statistics.median(gemm(r) for r in timed),
            "cast_ms": statistics.median(cast(r) for r in timed),
            "cast_transposed_ms": statistics.median(transposed(r) for r in timed),
            "layer_ms": statistics.median(layer(r) for r in timed),
            "per_run": {"gemm_ms": [gemm(r) for r in runs],
                        "cast_ms": [cast(r) for r in runs],
                        "cast_transposed_ms": [transposed(r) for r in runs]},
            "kernels": [(name, grid, block, ms) for name, grid, block, ms in runs[-1]]}


def peers(recipe, m, k, n):
    dev = "cuda"
    e4m3 = torch.float8_e4m3fn
    a = torch.randn(m, k, device=dev).to(e4m3)
    b = torch.randn(n, k, device=dev).to(e4m3).t()
    if recipe == "tensorwise":
        sa = torch.tensor(1.0, device=dev)
        sb = torch.tensor(1.0, device=dev)
    else:
        sa = torch.ones(m, 1, device=dev)
        sb = torch.ones(1, n, device=dev)
    mm = time_cuda(lambda: torch._scaled_mm(a, b, scale_a=sa, scale_b=sb,
                                            out_dtype=torch.bfloat16,
                                            use_fast_accum=True))
    x = torch.randn(m, k, device=dev, dtype=torch.bfloat16)
    w = torch.randn(k, n, device=dev, dtype=torch.bfloat16)
    bf16 = time_cuda(lambda: torch.mm(x, w))
    maxv = torch.finfo(e4m3).max

    def cast_fn(x):
        # torchao: amax_to_scale + to_fp8_saturated.
        if recipe == "tensorwise":
            amax = torch.max(torch.abs(x))
        else:
            amax = torch.amax(torch.abs(x), dim=1, keepdim=True)
        scale = (maxv / torch.clamp(amax.to(torch.float64), min=1e-12)).to(torch.float32)
        return (x.to(torch.float32) * scale).clamp(-maxv, maxv).to(e4m3), scale

    compiled = torch.compile(cast_fn)
    cast = time_cuda(lambda: compiled(x))
    copy = time_cuda(lambda: x.clone())
    return {"scaled_mm_ms": mm, "bf16_mm_ms": bf16, "cast_ms": cast,
            "copy_ms": copy}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bench")
    parser.add_argument("--json")
    opts = parser.parse_args()
    device = torch.cuda.get_device_name(0)
    print(f"{device}, torch {torch.__version__}", flush=True)
    rows = []
    linears = {}
    for name in sorted(os.listdir(opts.bench)):
        case_dir = os.path.join(opts.bench, name)
        meta = json.load(open(os.path.join(case_dir, "meta.json")))
        if "linear" in meta:
            linears.setdefault((meta["recipe"], tuple(meta["linear"])),
                               []).append((case_dir, meta))
            continue
        m, k, n = meta["m"], meta["k"], meta["n"]
        try:
            o = ours(case_dir, meta)
        except Exception as e:  # report and go on with the other shapes
            print(f"{name}: FAILED {e}", flush=True)
            rows.append({"name": name, "error": str(e)})
            continue
        p = peers(meta["recipe"], m, k, n)
        flops = 2.0 * m * k * n
        row = {
            "name": name, "recipe": meta["recipe"], "m": m, "k": k, "n": n,
            "ours_gemm_tflops": flops / o["gemm_ms"] / 1e9,
            "peer_gemm_tflops": flops / p["scaled_mm_ms"] / 1e9,
            "bf16_tflops": flops / p["bf16_mm_ms"] / 1e9,
            "ours_cast_gbs": 3.0 * m * k / o["cast_ms"] / 1e6,
            "ours_cast_transposed_gbs": 3.0 * k * n / o["cast_transposed_ms"] / 1e6,
            "peer_cast_gbs": 3.0 * m * k / p["cast_ms"] / 1e6,
            "copy_gbs": 4.0 * m * k / p["copy_ms"] / 1e6,
            "ours": o, "peers": p,
        }
        row["gemm_ratio"] = row["ours_gemm_tflops"] / row["peer_gemm_tflops"]
        row["cast_ratio"] = row["ours_cast_gbs"] / row["peer_cast_gbs"]
        row["cast_vs_copy"] = row["ours_cast_gbs"] / row["copy_gbs"]
        rows.append(row)
        print(f"{name:28s} GEMM ours {row['ours_gemm_tflops']:8.1f} TFLOP/s, "
              f"torch._scaled_mm {row['peer_gemm_tflops']:7.1f} "
              f"(ratio {row['gemm_ratio']:.3f}), bf16 mm {row['bf16_tflops']:6.1f} | "
              f"cast ours {row['ours_cast_gbs']:7.1f} GB/s, torch.compile "
              f"{row['peer_cast_gbs']:7.1f} (ratio {row['cast_ratio']:.3f}), "
              f"copy {row['copy_gbs']:7.1f} ({row['cast_vs_copy']:.1%} of it); "
              f"B transposed cast {row['ours_cast_transposed_gbs']:7.1f} GB/s",
              flush=True)
    linear_rows = []
    for (recipe, (lm, lk, ln)), programs in sorted(linears.items()):
        ours_ms = bf16_ms = 0.0
        parts = {}
        try:
            for case_dir, meta in programs:
                o = ours(case_dir, meta)
                x = torch.randn(meta["m"], meta["k"], device="cuda",
                                dtype=torch.bfloat16)
                w = torch.randn(meta["k"], meta["n"], device="cuda",
                                dtype=torch.bfloat16)
                b = time_cuda(lambda: torch.mm(x, w))
                ours_ms += o["layer_ms"]
                bf16_ms += b
                parts[meta["role"]] = {"ours_ms": o["layer_ms"],
                                       "gemm_ms": o["gemm_ms"], "bf16_ms": b,
                                       "kernels": o["kernels"]}
        except Exception as e:
            print(f"linear {recipe} {lm}x{lk}x{ln}: FAILED {e}", flush=True)
            linear_rows.append({"recipe": recipe, "error": str(e)})
            continue
        r = {"recipe": recipe, "m": lm, "k": lk, "n": ln, "ours_ms": ours_ms,
             "bf16_ms": bf16_ms, "speedup": bf16_ms / ours_ms, "parts": parts}
        linear_rows.append(r)
        print(f"linear {recipe:10s} M={lm} K={lk} N={ln}: fp8 fwd+bwd "
              f"{ours_ms:.3f} ms (GEMMs "
              f"{sum(p['gemm_ms'] for p in parts.values()):.3f}), bf16 torch.mm x3 "
              f"{bf16_ms:.3f} ms: speedup {r['speedup']:.3f}x", flush=True)
    ok = [r for r in rows if "error" not in r]
    for recipe in ["tensorwise", "rowwise"]:
        rs = [r for r in ok if r["recipe"] == recipe]
        if rs:
            gm = statistics.geometric_mean(r["gemm_ratio"] for r in rs)
            print(f"{recipe}: GEMM geometric-mean ratio vs torch._scaled_mm "
                  f"{gm:.4f} (min {min(r['gemm_ratio'] for r in rs):.4f}); "
                  f"cast ratio vs torch.compile geometric mean "
                  f"{statistics.geometric_mean(r['cast_ratio'] for r in rs):.3f}")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"device": device, "torch": torch.__version__,
                       "rows": rows, "linear": linear_rows}, f, indent=1)
    bad = len(ok) != len(rows) or any("error" in r for r in linear_rows)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
