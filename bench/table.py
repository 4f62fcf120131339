#!/usr/bin/env python3
"""Prints bench.py's JSON as the Markdown tables of bench/README.md.

  table.py RESULTS.json
"""
import json
import math
import sys


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values))


def main():
    data = json.load(open(sys.argv[1]))
    print(f"{data['device']}, torch {data['torch']}\n")
    print("| M x K x N | recipe | GEMM ours TFLOP/s | torch._scaled_mm | ratio "
          "| cast ours GB/s | torch.compile | ratio | % of copy "
          "| B transposed cast GB/s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    rows = sorted((r for r in data["rows"] if "error" not in r),
                  key=lambda r: (r["recipe"] != "tensorwise", r["name"]))
    for r in rows:
        print(f"| {r['m']}x{r['k']}x{r['n']} | {r['recipe']} "
              f"| {r['ours_gemm_tflops']:.0f} | {r['peer_gemm_tflops']:.0f} "
              f"| {r['gemm_ratio']:.3f} | {r['ours_cast_gbs']:.0f} "
              f"| {r['peer_cast_gbs']:.0f} | {r['cast_ratio']:.2f} "
              f"| {100 * r['cast_vs_copy']:.0f}% "
              f"| {r['ours_cast_transposed_gbs']:.0f} |")
    print()
    for recipe in ("tensorwise", "rowwise"):
        mine = [r for r in rows if r["recipe"] == recipe]
        if not mine:
            continue
        ratios = [r["gemm_ratio"] for r in mine]
        copy = [r["cast_vs_copy"] for r in mine]
        print(f"- {recipe}: GEMM {geomean(ratios):.3f}x "
              f"({min(ratios):.3f}-{max(ratios):.3f}x) torch._scaled_mm; "
              f"casts {geomean([r['cast_ratio'] for r in mine]):.2f}x "
              f"torch.compile, {100 * min(copy):.0f}-{100 * max(copy):.0f}% "
              f"of copy")
    if data.get("linear"):
        print("\n| recipe | M | K | N | fp8 ms | of which GEMMs | other kernels "
              "| bf16 ms | speedup |")
        print("|---|---|---|---|---|---|---|---|---|")
        for l in data["linear"]:
            gemms = sum(p["gemm_ms"] for p in l["parts"].values())
            print(f"| {l['recipe']} | {l['m']} | {l['k']} | {l['n']} "
                  f"| {l['ours_ms']:.2f} | {gemms:.2f} "
                  f"| {l['ours_ms'] - gemms:.2f} | {l['bf16_ms']:.2f} "
                  f"| {l['speedup']:.3f}x |")
    if data.get("layers"):
        print("\nWhole layer, one program (each operand cast once):\n")
        print("| recipe | M | K | N | fp8 ms | of which GEMMs | other kernels "
              "| bf16 ms (layer layouts) | speedup | bf16 ms (row-major) "
              "| speedup | GPU wall ms | speedup | torch.compile fp8 ms "
              "| speedup | ours vs it | checked (worst x bound) |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for l in data["layers"]:
            if "error" in l:
                continue
            worst = max(max(c.values()) for c in l["check"].values())
            print(f"| {l['recipe']} | {l['m']} | {l['k']} | {l['n']} "
                  f"| {l['ours_ms']:.2f} | {l['gemm_ms']:.2f} "
                  f"| {l['ours_ms'] - l['gemm_ms']:.2f} | {l['bf16_ms']:.2f} "
                  f"| {l['speedup']:.3f}x | {l.get('bf16_plain_ms', float('nan')):.2f} "
                  f"| {l.get('speedup_vs_plain', float('nan')):.3f}x "
                  f"| {l.get('ours_wall_ms', float('nan')):.2f} "
                  f"| {l['bf16_ms'] / l.get('ours_wall_ms', float('nan')):.3f}x "
                  f"| {l['torch_fp8_ms']:.2f} | {l['torch_fp8_speedup']:.3f}x "
                  f"| {l['vs_torch_fp8']:.3f}x | {worst:.2f} |")


if __name__ == "__main__":
    main()
