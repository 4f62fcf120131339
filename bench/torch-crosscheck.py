#!/usr/bin/env python3
"""On the GPU machine: recomputes torchao's dynamic scaling (torchao/float8
float8_utils.amax_to_scale and to_fp8_saturated, as written there) with torch
on the GPU and on the CPU, from the inputs fp8 used, and compares scales and
fp8 bytes with what fp8's CPU pipeline printed (bench/torch-crosscheck-gen.py).
  torch-crosscheck.py DIR
"""
import json
import os
import sys

import torch

EPS = 1e-12


def amax_to_scale(amax, float8_dtype, round_scales_to_power_of_2):
    # torchao.float8.float8_utils.amax_to_scale
    amax = amax.to(torch.float64)
    res = torch.finfo(float8_dtype).max / torch.clamp(amax, min=EPS)
    res = res.to(torch.float32)
    if round_scales_to_power_of_2:
        res = torch.exp2(torch.floor(torch.log2(res)))
    return res


def cast(x, case, device):
    dtype = getattr(torch, case["fp8"])
    x = x.to(device)
    if case["granularity"] == "axiswise":
        amax = torch.amax(torch.abs(x), dim=1, keepdim=True)
    else:
        amax = torch.max(torch.abs(x))
    scale = amax_to_scale(amax, dtype, case["pow2"])
    # torchao hp_tensor_and_scale_to_float8 / to_fp8_saturated
    scaled = x.to(torch.float32) * scale
    maxv = torch.finfo(dtype).max
    q = scaled.clamp(min=-maxv, max=maxv).to(dtype)
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
