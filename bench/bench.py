#!/usr/bin/env python3
"""Hopper benchmark (issue #8), on the GPU machine: our kernels and their
peers in one run, on the same device, with warm-up and medians.

  bench.py BENCH_DIR [--json OUT.json]

BENCH_DIR comes from build-bench.py. For each program (a whole fp8 linear
of one recipe and shape) the executable runs FP8_REPEAT=10 times with
FP8_PROFILE=1 (the runtime times every kernel launch with CUDA events); the
first two runs are warm-up (an empty device pool, cold caches), the
median of the other eight is reported per kernel (the JSON keeps every
run's times):
  GEMM  the scaled-GEMM kernel (fp8_scaled_matmul_*);
  cast  the input operand's amax + amax_to_scale + cast kernels, or its
        fused fp8_cast_axiswise (3 bytes per element: read bf16, write fp8,
        as in the issue's table);
  layer everything from the first fp8 kernel to the (last) GEMM (the
        operands' casts, B's transposed cast, the GEMMs), summed; its GPU
        wall time is the span from the first one's start to the last
        one's end on the GPU's clock (FP8_PROFILE's end_ms), idle gaps
        included.
Programs named linear-* are the three GEMMs of one fp8 linear layer
(forward and backward) compiled one by one; their layer times add up and
are compared with three bf16 torch.mm of the same shapes. Programs named
layer-* (fp8-reference --role=layer) are the whole layer in one program,
PyTorch's layouts (x: M x K, w: N x K, grad_output: M x N), so each operand
is cast once for both of its GEMMs; their time (first fp8 kernel to last
GEMM) is compared with the three bf16 torch.mm and with torchao's fp8
layer written in torch and compiled by torch.compile (torch_layer). Each
layer program is first run once and checked (check_layer): its three
outputs against an f64 product of torchao's casts of its printed inputs
and against torch._scaled_mm on them, with check-cases.py's bounds.
Peers, timed here with CUDA events (median of 20 after 5 warm-up calls):
torch._scaled_mm (tensorwise: cuBLASLt, fast accumulation; rowwise:
CUTLASS), bf16 torch.mm, torch.compile'd torchao casts (tensorwise and
axiswise amax + scale + saturated cast), and a bf16 device-to-device copy.
Correctness of the single-GEMM programs is checked separately
(test/Integration/GPU/check-cases.py); here every program must exit 0. Prints a table of ratios and writes JSON.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

try:
    import torch
except ImportError:  # --help works without it; main() says it is needed
    torch = None

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
import fp8formulas  # noqa: E402  (torchao's formulas, check-cases.py's bounds)

LINE = re.compile(r"fp8-profile: (\S+) grid=(\d+),(\d+),(\d+) "
                  r"block=(\d+),(\d+),(\d+) ms=([0-9.]+)"
                  r"(?: end_ms=([0-9.]+))?")
# Runs of each program (FP8_REPEAT): the first WARMUP_RUNS (an empty device
# pool, cold caches and clocks) are dropped, the rest give medians.
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
    matches = list(LINE.finditer(result.stderr))
    launches = [(m.group(1), tuple(map(int, m.group(2, 3, 4))),
                 tuple(map(int, m.group(5, 6, 7))), float(m.group(8)))
                for m in matches]
    # Each kernel's end on the GPU's clock, from the run's first kernel
    # (runtime/cuda, fp8FlushProfile).
    end = [float(m.group(9) or "nan") for m in matches]
    per_run = len(launches) // RUNS
    runs = [launches[i * per_run:(i + 1) * per_run] for i in range(RUNS)]
    m, k, n = meta["m"], meta["k"], meta["n"]

    def kind(name):
        # A kernel's name without the hash of its code
        # (--fp8-outline-kernels: fp8_cast_1a2b3c4d is an fp8_cast).
        return re.sub(r"_[0-9a-f]{8}$", "", name)

    def gemm(run):
        return sum(ms for name, _, _, ms in run
                   if name.startswith("fp8_scaled_matmul"))

    def cast(run):
        # The lhs operand's amax, scale and cast: from its fp8_amax (or the
        # fused fp8_cast_axiswise) to its fp8_cast kernel, both included.
        # None where there is none (a layer's casts are all transposing).
        first = next(i for i, (name, _, _, _) in enumerate(run)
                     if name.startswith(("fp8_amax", "fp8_cast_axiswise")))
        last = next((i for i, (name, _, _, _) in enumerate(run)
                     if i >= first and (kind(name) == "fp8_cast"
                                        or name.startswith("fp8_cast_axiswise"))),
                    None)
        if last is None:
            return None
        return sum(ms for _, _, _, ms in run[first:last + 1])

    def transposed(run):
        return sum(ms for name, _, _, ms in run
                   if name.startswith("fp8_cast_transposed"))

    def layer_range(run):
        # Everything from the first fp8 kernel to the last GEMM: the casts
        # with their amaxes and scales, the transposed casts, the GEMMs
        # (and a one-thread kernel right before the first amax: the one
        # that zeroes it).
        fp8 = [i for i, (name, _, _, _) in enumerate(run)
               if name.startswith("fp8_")]
        first = fp8[0]
        if first > 0 and run[first - 1][1] == (1, 1, 1):
            first -= 1
        last = max(i for i in fp8 if run[i][0].startswith("fp8_scaled_matmul"))
        return first, last

    def layer(run):
        first, last = layer_range(run)
        return sum(ms for _, _, _, ms in run[first:last + 1])

    def wall(index):
        # The GPU's wall time over the same range: from the first kernel's
        # start (its end less its time) to the last one's end, idle gaps
        # between kernels included (host work, launch latency).
        run = runs[index]
        first, last = layer_range(run)
        e = end[index * per_run:(index + 1) * per_run]
        return e[last] - (e[first] - run[first][3])

    timed = runs[WARMUP_RUNS:]
    casts = [cast(r) for r in runs]
    return {"gemm_ms": statistics.median(gemm(r) for r in timed),
            "cast_ms": (None if None in casts
                        else statistics.median(casts[WARMUP_RUNS:])),
            "cast_transposed_ms": statistics.median(transposed(r) for r in timed),
            "layer_ms": statistics.median(layer(r) for r in timed),
            "layer_wall_ms": statistics.median(
                wall(i) for i in range(WARMUP_RUNS, RUNS)),
            "per_run": {"gemm_ms": [gemm(r) for r in runs],
                        "cast_ms": casts,
                        "layer_ms": [layer(r) for r in runs],
                        "layer_wall_ms": [wall(i) for i in range(RUNS)],
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
    # torchao's amax_to_scale + to_fp8_saturated of the input (rowwise:
    # per row, without the recipe's power-of-2 rounding of the scales).
    config = {"dtype": "f8E4M3FN", "axiswise": recipe != "tensorwise"}
    compiled = torch.compile(
        lambda x: fp8formulas.torchao_cast(x, config, 1, False, x.device))
    cast = time_cuda(lambda: compiled(x))
    copy = time_cuda(lambda: x.clone())
    return {"scaled_mm_ms": mm, "bf16_mm_ms": bf16, "cast_ms": cast,
            "copy_ms": copy}


# A linear layer's GEMMs as torchao computes them from x (M x K), w (N x K)
# and g (M x N): (role, operands, A's cast, B's cast, fast accumulation).
# A is scaled per row, B per column (axiswise reduces over K).
def layer_gemms(recipe):
    tensorwise = recipe == "tensorwise"
    e4m3 = {"dtype": "f8E4M3FN", "axiswise": not tensorwise}
    grad = {"dtype": "f8E5M2" if tensorwise else "f8E4M3FN",
            "axiswise": not tensorwise}
    return [("output", lambda x, w, g: (x, w.t()), e4m3, e4m3, True),
            ("grad_input", lambda x, w, g: (g, w), grad, e4m3, False),
            ("grad_weight", lambda x, w, g: (g.t(), x), grad, e4m3, False)]


def torchao_gemm(a, b, cast_a, cast_b, pow2, fast):
    """torchao's scaled GEMM a @ b: its casts (axiswise scales per row of A
    and per column of B) and torch._scaled_mm on them (A row-major, B
    column-major, as cuBLASLt and CUTLASS take them). Returns
    (sa, qa, sb, qb, result)."""
    sa, qa = fp8formulas.torchao_cast(a, cast_a, 1, pow2, a.device)
    sb, qb = fp8formulas.torchao_cast(b, cast_b, 0, pow2, b.device)
    result = torch._scaled_mm(
        qa.contiguous(), qb.t().contiguous().t(),
        scale_a=(1.0 / sa).contiguous(), scale_b=(1.0 / sb).contiguous(),
        out_dtype=torch.bfloat16, use_fast_accum=fast)
    return sa, qa, sb, qb, result


def check_layer(case_dir, meta):
    """Runs a --role=layer program once and checks its three GEMMs against
    torchao's casts of the inputs it printed, in f64 and against
    torch._scaled_mm (check-cases.py's bounds for the wgmma kernel)."""
    dumps = tempfile.mkdtemp(prefix="fp8-layer-")
    try:
        env = dict(os.environ, FP8_DUMP_DIR=dumps, FP8_PRINT="none")
        result = subprocess.run([os.path.join(case_dir, "case")], env=env,
                                capture_output=True, text=True)
        if result.returncode:
            raise RuntimeError(result.stderr[-500:])
        d = [fp8formulas.read_dump(os.path.join(dumps, f))
             for f in sorted(os.listdir(dumps))]
    finally:
        shutil.rmtree(dumps)
    cuda = torch.device("cuda")
    x, w, g = (t.to(cuda).to(torch.bfloat16) for t in d[3:6])
    pow2 = meta["recipe"] == "rowwise"
    report = {}
    for (role, operands, cast_a, cast_b, fast), ours in zip(
            layer_gemms(meta["recipe"]), d[0:3]):
        a, b = operands(x, w, g)
        sa, qa, sb, qb, theirs = torchao_gemm(a, b, cast_a, cast_b, pow2, fast)
        theirs = theirs.double()
        k = a.shape[1]
        a64, b64 = qa.double(), qb.double()
        ref = (a64 @ b64) / sa.double() / sb.double()
        absref = (a64.abs() @ b64.abs()) / sa.double() / sb.double()
        del a64, b64
        u = fp8formulas.UNIT_ROUNDOFF["bf16"]
        bound = (fp8formulas.tensor_core_coefficient(k, fast) * absref
                 + u * ref.abs() + 1e-30)
        ours = ours.to(cuda).double()
        ratio = ((ours - ref).abs() / bound).max().item()
        torch_bound = (fp8formulas.torch_tensor_core_coefficient(k) * absref
                       + u * ref.abs() + 1e-30)
        tratio = ((ours - theirs).abs() / (bound + torch_bound)).max().item()
        report[role] = {"f64_ratio": ratio, "torch_ratio": tratio}
        if not (ratio <= 1.0 and tratio <= 1.0):
            raise RuntimeError(f"{role}: error {ratio:.3g} x the f64 bound, "
                               f"{tratio:.3g} x the joint torch bound")
        del ref, absref, bound, ours, theirs
    return report


def torch_layer(recipe):
    """torchao's fp8 linear layer, forward and backward, in torch (casts,
    transposes for cuBLASLt/CUTLASS layouts, three torch._scaled_mm),
    compiled by torch.compile: the peer of a --role=layer program."""
    pow2 = recipe == "rowwise"
    gemms = layer_gemms(recipe)

    def layer(x, w, g):
        return [torchao_gemm(*operands(x, w, g), cast_a, cast_b, pow2, fast)[4]
                for _, operands, cast_a, cast_b, fast in gemms]

    return torch.compile(layer)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bench")
    parser.add_argument("--json")
    opts = parser.parse_args()
    if torch is None:
        sys.exit("bench.py needs torch (with CUDA)")
    device = torch.cuda.get_device_name(0)
    print(f"{device}, torch {torch.__version__}", flush=True)
    rows = []
    linears = {}
    layers = []
    for name in sorted(os.listdir(opts.bench)):
        case_dir = os.path.join(opts.bench, name)
        meta = json.load(open(os.path.join(case_dir, "meta.json")))
        if meta.get("role") == "layer":
            layers.append((case_dir, meta))
            continue
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
    layer_rows = []
    for case_dir, meta in layers:
        m, k, n = meta["m"], meta["k"], meta["n"]
        recipe = meta["recipe"]
        try:
            check = check_layer(case_dir, meta)
            o = ours(case_dir, meta)
            x = torch.randn(m, k, device="cuda", dtype=torch.bfloat16)
            w = torch.randn(n, k, device="cuda", dtype=torch.bfloat16)
            g = torch.randn(m, n, device="cuda", dtype=torch.bfloat16)
            # bf16 in the layer's layouts (what nn.Linear's forward and
            # backward run), and the same GEMMs on contiguous row-major
            # operands (the per-GEMM "linear" rows' peer).
            bf16_parts = [time_cuda(lambda: torch.mm(x, w.t())),
                          time_cuda(lambda: torch.mm(g, w)),
                          time_cuda(lambda: torch.mm(g.t(), x))]
            bf16 = sum(bf16_parts)
            wt, gt = w.t().contiguous(), g.t().contiguous()
            bf16_plain = (time_cuda(lambda: torch.mm(x, wt))
                          + time_cuda(lambda: torch.mm(g, w))
                          + time_cuda(lambda: torch.mm(gt, x)))
            del wt, gt
            compiled = torch_layer(recipe)
            torch_fp8 = time_cuda(lambda: compiled(x, w, g))
            del x, w, g
        except Exception as e:
            print(f"layer {recipe} {m}x{k}x{n}: FAILED {e}", flush=True)
            layer_rows.append({"recipe": recipe, "m": m, "k": k, "n": n,
                               "error": str(e)})
            continue
        r = {"recipe": recipe, "m": m, "k": k, "n": n,
             "ours_ms": o["layer_ms"], "ours_wall_ms": o["layer_wall_ms"],
             "gemm_ms": o["gemm_ms"],
             "bf16_ms": bf16, "bf16_parts_ms": bf16_parts,
             "bf16_plain_ms": bf16_plain, "torch_fp8_ms": torch_fp8,
             "speedup": bf16 / o["layer_ms"],
             "speedup_vs_plain": bf16_plain / o["layer_ms"],
             "torch_fp8_speedup": bf16 / torch_fp8,
             "vs_torch_fp8": torch_fp8 / o["layer_ms"], "check": check,
             "per_run": o["per_run"], "kernels": o["kernels"],
             # GPU wall time over kernel time of every run, the first (the
             # device pool still empty) included.
             "wall_over_kernel": [
                 wall / kernels for wall, kernels in
                 zip(o["per_run"]["layer_wall_ms"], o["per_run"]["layer_ms"])]}
        layer_rows.append(r)
        worst = max(max(c.values()) for c in check.values())
        print(f"layer  {recipe:10s} M={m} K={k} N={n}: fp8 fwd+bwd "
              f"{r['ours_ms']:.3f} ms (GEMMs {r['gemm_ms']:.3f}), bf16 torch.mm x3 "
              f"{bf16:.3f} ms: speedup {r['speedup']:.3f}x (row-major bf16 "
              f"{bf16_plain:.3f} ms: {r['speedup_vs_plain']:.3f}x); GPU wall time of "
              f"our layer {r['ours_wall_ms']:.3f} ms "
              f"({bf16 / r['ours_wall_ms']:.3f}x); torch.compile'd "
              f"torchao-style fp8 layer {torch_fp8:.3f} ms (speedup "
              f"{r['torch_fp8_speedup']:.3f}x; ours {r['vs_torch_fp8']:.3f}x "
              f"faster); checked vs f64 and torch._scaled_mm: worst "
              f"{worst:.3g} x bound; GPU wall / kernel time per run "
              f"(first run first): "
              + " ".join(f"{x:.3f}" for x in r["wall_over_kernel"])
              + f" (max {max(r['wall_over_kernel']):.3f})", flush=True)
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
                       "rows": rows, "linear": linear_rows,
                       "layers": layer_rows}, f, indent=1)
    bad = (len(ok) != len(rows)
           or any("error" in r for r in linear_rows + layer_rows))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
