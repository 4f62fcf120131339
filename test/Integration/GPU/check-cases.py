#!/usr/bin/env python3
"""Runs the cases of build-cases.py on the GPU machine and checks them.

  check-cases.py CASES_DIR [--json OUT.json]

For every case the executable runs with FP8_DUMP_DIR set (each printed memref
also lands in a binary file; FP8_PRINT=none skips the text for shapes without
expected.txt.gz) and is checked four ways:
 1. expected.txt.gz (shapes up to 128^3): fp8-reference's APFloat evaluation of
    SPEC section 1 -- scale bits and fp8 codes bit for bit, GEMM outputs
    within one rounding of the output type (for the wgmma kernel, whose
    tensor-core accumulation is not f32, the GEMM is left to 3);
 2. scales and fp8 bytes recomputed from the printed inputs with torchao's
    formulas (float8_utils.amax_to_scale, to_fp8_saturated; written once in
    scripts/fp8formulas.py with the error bounds below) by torch on the CPU
    and on the GPU: bit for bit;
 3. the GEMM against an f64 reference of the same fp8 operands and scales:
    |ours - ref| <= (K + 4) * 2^-24 * (|A| @ |B|) / (sa * sb) + u_out * |ref|
    (f32 accumulation in any order, the epilogue's f32 roundings, the final
    rounding to the output type); GEMMs the recipe keeps in high precision
    use the accumulation type's unit roundoff instead of 2^-24. The sm_90a
    wgmma kernel accumulates in the tensor cores (about 14 bits): its bound
    is ((B + 4) 2^-14 + (ceil(K/128) + 4) 2^-24) |A||B| / (sa sb) +
    u_out |ref| with B = K under fast accumulation and B = min(K, 128)
    otherwise (128-deep blocks promoted to f32 registers); "f32 units" is
    its error in units of the f32 bound above;
 4. torch._scaled_mm on the same fp8 operands and scales (cuBLASLt for
    tensorwise, CUTLASS for rowwise), same fast-accumulation flag. Hopper's
    fp8 tensor-core (wgmma) accumulation keeps about 14 bits (DeepSeek-V3
    report, section 3.3.2), so torch's own error is bounded by the bound of 3
    with 2^-14 in place of 2^-24, and the check is
    |ours - torch| <= bound_ours + bound_torch. torch's measured error is
    reported in units of our f32 bound ("torch err"); mixed axiswise x
    tensorwise scales and e5m2 x e5m2 have no torch kernel.
Prints one line per case and a summary; exits 1 on any failure.
"""
import argparse
import gzip
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

try:
    import torch
except ImportError:  # --help works without it; main() says it is needed
    torch = None

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "check_case", os.path.join(HERE, "..", "CPU", "check-case.py"))
check_case = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_case)
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "scripts"))
import fp8formulas  # noqa: E402  (torchao's formulas, the dump reader)

UNIT_ROUNDOFF = fp8formulas.UNIT_ROUNDOFF


def codes_to_fp8(codes, cast):
    return codes.to(torch.uint8).view(fp8formulas.torch_dtype(cast["dtype"]))


def uses_tensor_core_accumulation(meta):
    """Whether the case's GEMM runs on the sm_90a wgmma kernel: a float8
    GEMM whose K (after pad_inner_dim) is a multiple of 16."""
    k = meta["k"]
    kp = (k + 15) // 16 * 16 if meta.get("pad") else k
    return meta["converted"] and kp % 16 == 0


def check(case_dir, meta):
    record = {"name": meta["name"], "ok": True, "notes": []}

    def fail(message):
        record["ok"] = False
        record["notes"].append(message)

    dumps = tempfile.mkdtemp(prefix="fp8-dumps-")
    expected_path = os.path.join(case_dir, "expected.txt.gz")
    has_expected = os.path.exists(expected_path)
    env = dict(os.environ, FP8_DUMP_DIR=dumps)
    if not has_expected:
        env["FP8_PRINT"] = "none"
    start = time.time()
    result = subprocess.run([os.path.join(case_dir, "case")], env=env,
                            capture_output=True, text=True)
    record["run_s"] = round(time.time() - start, 2)
    if result.returncode != 0:
        fail(f"exit {result.returncode}: {result.stderr[-400:]}")
        shutil.rmtree(dumps)
        return record
    files = sorted(os.listdir(dumps))
    d = [fp8formulas.read_dump(os.path.join(dumps, f)) for f in files]
    shutil.rmtree(dumps)

    m, k, n = meta["m"], meta["k"], meta["n"]
    lhs, rhs = meta["lhs"], meta["rhs"]
    hp = {"bf16": torch.bfloat16, "f16": torch.float16,
          "f32": torch.float32}[meta["dtype"]]
    out = d[0].double()
    a_hp = d[-2].to(hp)
    b_hp = d[-1].to(hp)
    record["exact"] = 0

    # 1. The independent APFloat reference.
    if has_expected:
        expected = [line.split(":", 1) for line in gzip.open(expected_path, "rt").read().splitlines()]
        actual = check_case.parse_memrefs(result.stdout)
        if len(actual) != len(expected):
            fail(f"{len(actual)} memrefs printed, {len(expected)} expected")
        else:
            if uses_tensor_core_accumulation(meta):
                # The GEMM output is checked by 3 with the tensor-core
                # model; here only the scales and fp8 codes, bit for bit.
                pairs = [(e, a) for e, a in zip(expected, actual)
                         if e[0] == "exact"]
                expected = [e for e, _ in pairs]
                actual = [a for _, a in pairs]
            try:
                u = UNIT_ROUNDOFF[meta["dtype"]]
                exact, approx, worst = check_case.compare(
                    expected, actual, rtol=4 * u, atol_of_max=1e-5)
                record["apfloat_exact"] = exact
            except SystemExit as e:
                fail(f"vs fp8-reference: {e}")

    # 2. torchao's casts on CPU and GPU.
    scaled = lhs["scaled"]
    if scaled:
        got = {"a": (d[1], d[2]), "b": (d[3], d[4])}
        for device in ["cpu", "cuda"]:
            for name, x, cast, k_axis in [("a", a_hp, lhs, 1), ("b", b_hp, rhs, 0)]:
                scale, q = fp8formulas.torchao_cast(x, cast, k_axis,
                                                    meta["pow2"], device)
                want_bits = scale.reshape(-1).view(torch.int32).cpu()
                want_codes = q.view(torch.uint8).to(torch.int32).cpu().reshape(-1)
                got_bits, got_codes = got[name][0].reshape(-1), got[name][1].reshape(-1)
                bad_s = int((want_bits != got_bits).sum())
                bad_c = int((want_codes != got_codes).sum())
                if bad_s or bad_c:
                    fail(f"{device} torchao {name}: {bad_s} scales, {bad_c} codes differ")
                if device == "cpu":
                    record["exact"] += want_bits.numel() + want_codes.numel()

    # 3. The GEMM against f64.
    cuda = torch.device("cuda")
    if meta["converted"]:
        aq = codes_to_fp8(d[2], lhs).to(cuda)
        bq = codes_to_fp8(d[4], rhs).to(cuda)
        sa = d[1].view(torch.float32).to(cuda).double()
        sb = d[3].view(torch.float32).to(cuda).double()
        sa = sa.reshape(m, 1) if lhs["axiswise"] else sa.reshape(())
        sb = sb.reshape(1, n) if rhs["axiswise"] else sb.reshape(())
        a64, b64 = aq.double(), bq.double()
        ref = (a64 @ b64) / sa / sb
        absref = (a64.abs() @ b64.abs()) / sa / sb
        coefficient = fp8formulas.f32_accumulation_coefficient(k)
        # The sm_90a kernel (wgmma; K after padding a multiple of 16)
        # accumulates in the tensor cores.
        if uses_tensor_core_accumulation(meta):
            tensor_core = fp8formulas.tensor_core_coefficient(
                k, meta["fast_accum"])
        else:
            tensor_core = None
    else:
        tensor_core = None
        a64, b64 = a_hp.to(cuda).double(), b_hp.to(cuda).double()
        ref = a64 @ b64
        absref = a64.abs() @ b64.abs()
        coefficient = fp8formulas.high_precision_coefficient(k, meta["dtype"])
    out_u = UNIT_ROUNDOFF[meta["dtype"]]
    ours = out.to(cuda)
    bound = coefficient * absref + out_u * ref.abs() + 1e-30
    err = (ours - ref).abs()
    if tensor_core is not None:
        # Also reported: the error in units of the f32-accumulation bound.
        record["f32_units"] = (err / bound).max().item()
        bound = tensor_core * absref + out_u * ref.abs() + 1e-30
    ratio = (err / bound).max().item()
    record["f64_ratio"] = ratio
    record["max_rel_err"] = ((ours - ref).abs().max() / ref.abs().max().clamp(min=1e-30)).item()
    if not ratio <= 1.0:
        fail(f"GEMM vs f64: error {ratio:.3g} x the bound")

    # 4. torch._scaled_mm on the same operands.
    if meta["converted"] and not (lhs["dtype"] == rhs["dtype"] == "f8E5M2"):
        kp = (k + 15) // 16 * 16
        a_mm = torch.zeros(m, kp, dtype=aq.dtype, device=cuda)
        b_mm = torch.zeros(n, kp, dtype=bq.dtype, device=cuda)
        a_mm[:, :k] = aq
        b_mm[:, :k] = bq.t()
        inv_a = (1.0 / sa.float()).float()
        inv_b = (1.0 / sb.float()).float()
        if not lhs["axiswise"]:
            inv_a = inv_a.reshape(())
        if not rhs["axiswise"]:
            inv_b = inv_b.reshape(())
        out_dtype = hp
        try:
            theirs = torch._scaled_mm(a_mm, b_mm.t(), scale_a=inv_a.contiguous(),
                                      scale_b=inv_b.contiguous(), out_dtype=out_dtype,
                                      use_fast_accum=meta["fast_accum"])
            theirs = theirs.double()
            torch_bound = (fp8formulas.torch_tensor_core_coefficient(k) * absref
                           + out_u * ref.abs() + 1e-30)
            record["torch_err"] = ((theirs - ref).abs() / bound).max().item()
            tratio = ((ours - theirs).abs() / (bound + torch_bound)).max().item()
            record["torch_ratio"] = tratio
            if not tratio <= 1.0:
                fail(f"vs torch._scaled_mm: {tratio:.3g} x the bound")
        except RuntimeError as e:
            record["notes"].append(f"torch._scaled_mm unavailable: {str(e).splitlines()[0][:120]}")
    return record


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cases")
    parser.add_argument("--json")
    opts = parser.parse_args()
    if torch is None:
        sys.exit("check-cases.py needs torch (with CUDA)")
    print(f"torch {torch.__version__}, {torch.cuda.get_device_name(0)}", flush=True)
    records = []
    for name in sorted(os.listdir(opts.cases)):
        case_dir = os.path.join(opts.cases, name)
        meta = json.load(open(os.path.join(case_dir, "meta.json")))
        r = check(case_dir, meta)
        records.append(r)
        print(f"{'PASS' if r['ok'] else 'FAIL'} {name}: bit-exact {r.get('exact', 0)}"
              f" (apfloat {r.get('apfloat_exact', '-')}), f64 ratio {r.get('f64_ratio', float('nan')):.3g},"
              f" (f32 units {r.get('f32_units', float('nan')):.3g}),"
              f" torch ratio {r.get('torch_ratio', float('nan')):.3g}"
              f" (torch err {r.get('torch_err', float('nan')):.3g}),"
              f" max rel err {r.get('max_rel_err', float('nan')):.2e}, {r.get('run_s')} s"
              + ("; " + "; ".join(r["notes"]) if r["notes"] else ""), flush=True)
    failed = [r for r in records if not r["ok"]]
    exact = sum(r.get("exact", 0) for r in records)
    worst = max((r.get("f64_ratio", 0) for r in records), default=0)
    worst_t = max((r.get("torch_ratio", 0) for r in records), default=0)
    worst_te = max((r.get("torch_err", 0) for r in records), default=0)
    compared = sum("torch_ratio" in r for r in records)
    print(f"{len(records) - len(failed)} passed, {len(failed)} failed; "
          f"{exact} scales and fp8 codes bit-exact; worst GEMM error "
          f"{worst:.3g} x bound vs f64; {compared} compared with torch._scaled_mm, "
          f"worst {worst_t:.3g} x the joint bound (torch's own error up to "
          f"{worst_te:.3g} x our accumulation model's bound)")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"device": torch.cuda.get_device_name(0),
                       "torch": torch.__version__, "cases": records}, f, indent=1)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
