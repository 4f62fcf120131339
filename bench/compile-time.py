#!/usr/bin/env python3
"""Compile time at model scale: N-layer forward + backward modules through
fp8-opt's pipelines, with wall time, peak memory and kernel counts.

A layer is PyTorch's linear layer in its layouts (x: M x H, weight: H x H,
grad_output: M x H, bf16, `fp8.role` set): output = x @ w^T, grad_input =
g @ w, grad_weight = g^T @ x. The forward pass chains the layers' outputs,
the backward pass their grad_inputs; the module returns the last output,
the first grad_input and every grad_weight (3 N matmuls).

  compile-time.py --tools BUILD/bin [--layers 1 12 48 96] [--m 8192]
                  [--hidden 4096] [--repeat 3] [--json OUT.json]
  compile-time.py --emit N [--m M] [--hidden H]   # print the module

Runs here (no GPU needed): --fp8-cpu-pipeline, --fp8-nvvm-pipeline
(chip=sm_90a, PTX and format=bin cubins; bin needs ptxas) and
--fp8-rocdl-pipeline (chip=gfx942, ISA). Each time is the median of
--repeat runs of the whole fp8-opt process (parse, pipeline, print to
/dev/null); peak RSS is the largest of them. Kernels: the distinct
kernels in the output (PTX .entry / gpu.func kernels / AMD kernel
symbols), and the launches. Prints one row per (pipeline, layers), then
each pipeline's ratio of the largest to the 12-layer time.
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
import time


def emit(layers, m, hidden):
    """The N-layer module (see the docstring)."""
    act = f"tensor<{m}x{hidden}xbf16>"
    wt = f"tensor<{hidden}x{hidden}xbf16>"
    args = [f"%x: {act}"] + [f"%w{i}: {wt}" for i in range(layers)]
    args.append(f"%g: {act}")
    results = [act, act] + [wt] * layers
    out = [f"func.func @model({', '.join(args)}) -> ({', '.join(results)}) {{",
           "  %zero = arith.constant 0.0 : bf16",
           f"  %ea = tensor.empty() : {act}",
           f"  %ca = linalg.fill ins(%zero : bf16) outs(%ea : {act}) -> {act}",
           f"  %ew = tensor.empty() : {wt}",
           f"  %cw = linalg.fill ins(%zero : bf16) outs(%ew : {wt}) -> {wt}"]
    nt = ("indexing_maps = [affine_map<(m, n, k) -> (m, k)>, "
          "affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]")
    tn = ("indexing_maps = [affine_map<(m, n, k) -> (k, m)>, "
          "affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]")
    h = "%x"
    for i in range(layers):
        out.append(f"  %h{i + 1} = linalg.matmul {nt} {{fp8.role = \"output\"}} "
                   f"ins({h}, %w{i} : {act}, {wt}) outs(%ca : {act}) -> {act}")
        h = f"%h{i + 1}"
    g = "%g"
    for i in reversed(range(layers)):
        x = "%x" if i == 0 else f"%h{i}"
        out.append(f"  %gw{i} = linalg.matmul {tn} {{fp8.role = \"grad_weight\"}} "
                   f"ins({g}, {x} : {act}, {act}) outs(%cw : {wt}) -> {wt}")
        out.append(f"  %g{i} = linalg.matmul {{fp8.role = \"grad_input\"}} "
                   f"ins({g}, %w{i} : {act}, {wt}) outs(%ca : {act}) -> {act}")
        g = f"%g{i}"
    grads = ", ".join(f"%gw{i}" for i in range(layers))
    out.append(f"  return {h}, {g}, {grads} : {', '.join(results)}")
    out.append("}")
    return "\n".join(out) + "\n"


PIPELINES = [
    ("cpu", "--fp8-cpu-pipeline"),
    ("nvvm-ptx", "--fp8-nvvm-pipeline=chip=sm_90a"),
    ("nvvm-cubin", "--fp8-nvvm-pipeline=chip=sm_90a format=bin"),
    ("rocdl", "--fp8-rocdl-pipeline=chip=gfx942"),
]


def count_kernels(text):
    """Distinct kernels and launches in fp8-opt's output."""
    launches = len(re.findall(r"gpu\.launch_func ", text))
    # PTX entries (escaped text in gpu.binary) or AMD kernel symbols; the
    # binaries' names are all the kernels they hold.
    entries = set(re.findall(r"\.entry ([A-Za-z0-9_]+)\(", text))
    if not entries:
        entries = set(re.findall(r"\.amdhsa_kernel ([A-Za-z0-9_]+)", text))
    if not entries:
        entries = set(re.findall(r"gpu\.launch_func <[^>]*> @(\w+::@\w+)",
                                 text))
    return len(entries), launches


def run_once(fp8_opt, pipeline, path, keep):
    """Wall seconds and peak RSS (KiB) of one fp8-opt process."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen([fp8_opt, path, pipeline, "-o", keep],
                                   stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            err.seek(0)
            sys.exit(f"{pipeline} on {path} failed:\n"
                     f"{err.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tools", help="directory holding fp8-opt")
    parser.add_argument("--layers", type=int, nargs="+",
                        default=[1, 12, 48, 96])
    parser.add_argument("--m", type=int, default=8192)
    parser.add_argument("--hidden", type=int, default=4096)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pipelines", nargs="+",
                        default=[name for name, _ in PIPELINES])
    parser.add_argument("--json")
    parser.add_argument("--emit", type=int, metavar="N",
                        help="print the N-layer module and exit")
    opts = parser.parse_args()
    if opts.emit is not None:
        sys.stdout.write(emit(opts.emit, opts.m, opts.hidden))
        return
    if not opts.tools:
        parser.error("--tools is required")
    fp8_opt = os.path.join(opts.tools, "fp8-opt")
    pipelines = [(n, p) for n, p in PIPELINES if n in opts.pipelines]
    if any(n == "nvvm-cubin" for n, _ in pipelines) and \
            not shutil.which("ptxas") and \
            not os.path.exists("/usr/local/cuda/bin/ptxas"):
        sys.exit("compile-time.py: nvvm-cubin needs ptxas (CUDA toolkit)")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'pipeline':<11} {'layers':>6} {'matmuls':>7} {'wall s':>7} "
              f"{'peak MiB':>8} {'kernels':>7} {'launches':>8} {'out MB':>6}")
        for name, pipeline in pipelines:
            for layers in opts.layers:
                path = os.path.join(tmp, f"model-{layers}.mlir")
                if not os.path.exists(path):
                    with open(path, "w") as f:
                        f.write(emit(layers, opts.m, opts.hidden))
                out = os.path.join(tmp, "out.mlir")
                walls, peak = [], 0
                for _ in range(opts.repeat):
                    wall, rss = run_once(fp8_opt, pipeline, path, out)
                    walls.append(wall)
                    peak = max(peak, rss)
                with open(out) as f:
                    text = f.read()
                kernels, launches = count_kernels(text)
                row = {"pipeline": name, "layers": layers,
                       "matmuls": 3 * layers,
                       "wall_s": statistics.median(walls),
                       "walls_s": walls, "peak_mib": peak / 1024,
                       "kernels": kernels, "launches": launches,
                       "output_mb": len(text) / 1e6}
                rows.append(row)
                print(f"{name:<11} {layers:>6} {3 * layers:>7} "
                      f"{row['wall_s']:>7.2f} {row['peak_mib']:>8.0f} "
                      f"{kernels:>7} {launches:>8} {row['output_mb']:>6.1f}",
                      flush=True)
    print()
    for name, _ in pipelines:
        times = {r["layers"]: r["wall_s"] for r in rows
                 if r["pipeline"] == name}
        largest = max(times)
        if 12 in times and largest != 12:
            print(f"{name}: {largest} layers / 12 layers = "
                  f"{times[largest] / times[12]:.2f}x")
    note = "peak MiB: the largest resident set of the fp8-opt processes"
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"machine": os.uname().nodename, "cpus": os.cpu_count(),
                       "m": opts.m, "hidden": opts.hidden, "rows": rows,
                       "note": note}, f, indent=1)


if __name__ == "__main__":
    main()
