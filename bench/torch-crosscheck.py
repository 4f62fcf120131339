#!/usr/bin/env python3
"""On the GPU machine: recomputes torchao's dynamic scaling (torchao/float8
float8_utils.amax_to_scale and to_fp8_saturated, as written there:
scripts/fp8formulas.py) with torch on the GPU and on the CPU, from the inputs
fp8 used, and compares scales and fp8 bytes with what fp8's CPU pipeline
printed (bench/torch-crosscheck-gen.py).
  torch-crosscheck.py DIR
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "scripts"))
import fp8formulas  # noqa: E402


def cast(x, case, device):
    """Scale bits and fp8 codes of x (per row when axiswise)."""
    config = {"dtype": fp8formulas.MLIR_NAME[case["fp8"]],
              "axiswise": case["granularity"] == "axiswise"}
    scale, q = fp8formulas.torchao_cast(x, config, 1, case["pow2"], device)
    return scale.reshape(-1).view(torch.int32).cpu().tolist(), q.view(torch.uint8).reshape(-1).cpu().tolist()


def main():
    folder = sys.argv[1]
    cases = json.load(open(os.path.join(folder, "cases.json")))
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    print(f"torch {torch.__version__}, devices {devices}",
          torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")
    total = {d: [0, 0, 0, 0] for d in devices}  # scales ok/bad, codes ok/bad
    for case in cases:
        raw = open(os.path.join(folder, case["name"] + ".bin"), "rb").read()
        if case["dtype"] == "bf16":
            x = torch.frombuffer(bytearray(raw), dtype=torch.bfloat16).reshape(8, 32)
        else:
            x = torch.frombuffer(bytearray(raw), dtype=torch.float32).reshape(8, 32)
        for device in devices:
            scales, codes = cast(x, case, device)
            bad_scales = [(i, a, b) for i, (a, b) in enumerate(zip(scales, case["scale_bits"])) if a != b]
            bad_codes = sum(a != b for a, b in zip(codes, case["codes"]))
            t = total[device]
            t[0] += len(scales) - len(bad_scales); t[1] += len(bad_scales)
            t[2] += len(codes) - bad_codes; t[3] += bad_codes
            if bad_scales or bad_codes:
                print(f"  {device} {case['name']} {case['dtype']} {case['fp8']} {case['granularity']} "
                      f"pow2={case['pow2']} {case['mode']}: {len(bad_scales)} scales and {bad_codes} codes differ; "
                      f"first scale (index, torch bits, fp8 bits) {bad_scales[:2]}")
    for device, (so, sb, co, cb) in total.items():
        print(f"{device}: scales {so} identical, {sb} different; fp8 bytes {co} identical, {cb} different")


if __name__ == "__main__":
    main()
