#!/usr/bin/env python3
"""Random float8 matmul cases through --fp8-cpu-pipeline vs the reference.

Each valid case draws a config (a recipe, or a random valid #fp8.linear with
per-operand cast configs, *_for_* overrides and flags), a role, shapes from
{1, 15, 16, 17, 32, 40, 48} (or dynamic ones), bf16/f16/f32, ocp/fnuz,
pad/emulate/pow2, a transposed weight, a non-zero init, and data with
outliers, zero rows, huge values or NaN. The per-gemm operand configs are
derived here from torchao's role table (independently of the compiler) and
given to tools/fp8-reference, which writes the case and its expected output.
Cases are batched into modules; scales and fp8 codes must match bit for bit,
gemm results within rtol.

Each invalid case draws a config that breaks one of torchao's rules (or the
syntax) and checks that fp8-opt exits 1 with a diagnostic, never a crash.

  property-test.py --tools BUILD/bin --runner-libs LIBS [--cases N] [--seed S]
"""
import argparse
import importlib.util
import os
import random
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "check_case", os.path.join(HERE, "..", "test", "Integration", "CPU", "check-case.py"))
check_case = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_case)

SIZES = [1, 15, 16, 17, 32, 40, 48]
DEFAULT = {"input": "e4m3", "weight": "e4m3", "grad_output": "e5m2"}


def cast_text(cast):
    scaling, granularity, dtype = cast
    parts = []
    if scaling != "dyn":
        parts.append("scaling = disabled")
    if granularity != "ten":
        parts.append("granularity = axiswise")
    if dtype:
        parts.append(f"dtype = {dtype}")
    return "#fp8.cast<" + ", ".join(parts) + ">"


def random_config(rng):
    """A valid random Float8LinearConfig: its #fp8.linear text and fields."""
    if rng.random() < 0.4:
        recipe = rng.choice(["tensorwise", "rowwise", "rowwise_with_gw_hp"])
        fields = recipe_fields(recipe)
        text = f"#fp8.linear<recipe = {recipe}"
        if rng.random() < 0.3:
            fields["pow2"] = not fields["pow2"]
            text += f", round_scales_to_power_of_2 = {str(fields['pow2']).lower()}"
        return text + ">", fields
    fields = {"pow2": rng.random() < 0.5}
    disabled = rng.random() < 0.1
    for operand in ["input", "weight", "grad_output"]:
        dtype = rng.choice(["", "e4m3", "e5m2"])
        granularity = "ten" if disabled else rng.choice(["ten", "axs"])
        fields[operand] = ("dis" if disabled else "dyn", granularity, dtype)
        # Overrides keep the dtype (torchao requires one dtype per operand).
        if not disabled and rng.random() < 0.3:
            fields[operand + "_for"] = ("dyn", rng.choice(["ten", "axs"]), dtype)
    parts = [f"{name} = {cast_text(fields[name])}" for name in ["input", "weight", "grad_output"]]
    for name, key in [("input_for_grad_weight", "input_for"),
                      ("weight_for_grad_input", "weight_for"),
                      ("grad_output_for_grad_weight", "grad_output_for")]:
        if key in fields:
            parts.append(f"{name} = {cast_text(fields[key])}")
    if rng.random() < 0.5:
        parts.append(f"grad_input_gemm = #fp8.gemm<fast_accum = {rng.choice(['true', 'false'])}>")
    parts.append(f"round_scales_to_power_of_2 = {str(fields['pow2']).lower()}")
    return "#fp8.linear<" + ", ".join(parts) + ">", fields


def recipe_fields(recipe):
    if recipe == "rowwise":
        axs = ("dyn", "axs", "e4m3")
        return {"input": axs, "weight": axs, "grad_output": axs, "pow2": True}
    if recipe == "rowwise_with_gw_hp":
        return {"input": ("dyn", "axs", ""), "weight": ("dyn", "axs", ""),
                "grad_output": ("dyn", "axs", "e4m3"),
                "weight_for": ("dyn", "ten", ""),
                "input_for": ("dis", "ten", ""),
                "grad_output_for": ("dis", "ten", "e4m3"), "pow2": False}
    ten = ("dyn", "ten", "")
    return {"input": ten, "weight": ten, "grad_output": ten, "pow2": False}


def operands(fields, role):
    """torchao's matmul_with_hp_or_float8_args role table, as short_str."""
    def get(operand, override):
        return fields.get(override, fields[operand]), operand
    if role == "output":
        pair = [get("input", "input"), get("weight", "weight")]
    elif role == "grad_input":
        pair = [get("grad_output", "grad_output"), get("weight", "weight_for")]
    else:
        pair = [get("grad_output", "grad_output_for"), get("input", "input_for")]
    result = []
    for (scaling, granularity, dtype), operand in pair:
        result.append(f"{scaling}_{granularity}_{dtype or DEFAULT[operand]}")
    return result


def random_case(rng, index):
    text, fields = random_config(rng)
    role = rng.choice(["output", "grad_input", "grad_weight"])
    lhs, rhs = operands(fields, role)
    pad = rng.random() < 0.3
    emulate = rng.random() < 0.2
    if pad or emulate:
        text = text[:-1] + (", pad_inner_dim = true" if pad else "") + \
            (", emulate = true" if emulate else "") + ">"
    args = [
        f"--config={text}", f"--lhs={lhs}", f"--rhs={rhs}",
        f"--role={role}", f"--m={rng.choice(SIZES)}", f"--k={rng.choice(SIZES)}",
        f"--n={rng.choice(SIZES)}", f"--dtype={rng.choice(['bf16', 'f16', 'f32'])}",
        f"--data={rng.choice(['normal', 'normal', 'zero-row', 'overflow', 'nan', 'outliers'])}",
        f"--seed={rng.randrange(1 << 30)}", f"--func=case{index}", "--no-decls",
    ]
    if fields["pow2"]:
        args.append("--pow2")
    if pad:
        args.append("--pad")
    if emulate:
        args.append("--emulate")
    if rng.random() < 0.4:
        args.append("--transpose-b")
    if rng.random() < 0.2:
        args.append("--init")
    if rng.random() < 0.1:
        args.append("--dynamic")
    return args


INVALID = [
    "#fp8.linear<input = #fp8.cast<scaling = disabled, granularity = axiswise>>",
    "#fp8.linear<input = #fp8.cast<scaling = disabled>>",
    "#fp8.linear<weight_for_grad_input = #fp8.cast<scaling = disabled>>",
    "#fp8.linear<input_for_grad_weight = #fp8.cast<scaling = disabled>>",
    "#fp8.linear<input_for_grad_weight = #fp8.cast<dtype = e5m2>>",
    "#fp8.linear<grad_output_for_grad_weight = #fp8.cast<dtype = e4m3>>",
    "#fp8.linear<recipe = rowwise, fsdp_float8_all_gather = true>",
    "#fp8.linear<recipe = colwise>",
    "#fp8.linear<emulate = maybe>",
    "#fp8.linear<input = #fp8.cast<dtype = f16>>",
    "#fp8.linear<pad_inner_dim = true, pad_inner_dim = true>",
    "#fp8.linear<input = #fp8.gemm<>>",
]


def random_invalid(rng):
    text = rng.choice(INVALID)
    if rng.random() < 0.5:  # garble it a little more
        position = rng.randrange(len(text))
        text = text[:position] + rng.choice([",", ">", "<", "=", " x", ""]) + text[position:]
    return text


def run(cmd, stdin):
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tools", required=True)
    parser.add_argument("--runner", default="/usr/lib/llvm-22/bin/mlir-runner")
    parser.add_argument("--runner-libs", required=True)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--invalid", type=int, default=50)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rtol", type=float, default=1e-5)
    opts = parser.parse_args()
    rng = random.Random(opts.seed)
    reference = os.path.join(opts.tools, "fp8-reference")
    fp8_opt = os.path.join(opts.tools, "fp8-opt")

    done = exact = approx = 0
    worst = 0.0
    while done < opts.cases:
        type_config = rng.choice(["ocp", "fnuz"])
        count = min(opts.batch, opts.cases - done)
        cases = [random_case(rng, i) + [f"--type-config={type_config}"] for i in range(count)]
        module = ["func.func private @printMemrefF32(tensor<*xf32>)",
                  "func.func private @printMemrefI32(tensor<*xi32>)"]
        expected = []
        for args in cases:
            outputs = []
            for emit in ["mlir", "expected"]:
                result = run([reference, *args, f"--emit={emit}"], None)
                if result.returncode != 0:
                    sys.exit(f"FAIL: fp8-reference exited {result.returncode} on {args}: "
                             f"{result.stderr[-2000:]}")
                outputs.append(result.stdout)
            module.append(outputs[0])
            expected += [line.split(":", 1) for line in outputs[1].splitlines()]
        module.append("func.func @main() {")
        module += [f"  call @case{i}() : () -> ()" for i in range(count)]
        module.append("  return\n}")
        lowered = run([fp8_opt, f"--fp8-cpu-pipeline=type-config={type_config}"], "\n".join(module))
        if lowered.returncode != 0:
            print(lowered.stderr[-3000:])
            sys.exit(f"FAIL: fp8-opt exited {lowered.returncode} on a batch with {cases}")
        output = run([opts.runner, "-e", "main", "-entry-point-result=void", opts.runner_libs],
                     lowered.stdout)
        if output.returncode != 0:
            print(output.stderr[-3000:])
            sys.exit(f"FAIL: mlir-runner exited {output.returncode}")
        actual = check_case.parse_memrefs(output.stdout)
        if len(actual) != len(expected):
            sys.exit(f"FAIL: {len(actual)} memrefs printed, {len(expected)} expected, cases {cases}")
        e, a, w = check_case.compare(expected, actual, opts.rtol)
        exact, approx, worst = exact + e, approx + a, max(worst, w)
        done += count

    rejected = 0
    for _ in range(opts.invalid):
        config = random_invalid(rng)
        source = ("func.func @f(%a: tensor<16x32xf32>, %b: tensor<32x16xf32>, %c: tensor<16x16xf32>) -> tensor<16x16xf32> {\n"
                  f"  %r = linalg.matmul {{fp8.config = {config}}} ins(%a, %b : tensor<16x32xf32>, tensor<32x16xf32>) "
                  "outs(%c : tensor<16x16xf32>) -> tensor<16x16xf32>\n  return %r : tensor<16x16xf32>\n}\n")
        result = run([fp8_opt, "--fp8-cpu-pipeline"], source)
        if result.returncode != 1 or "error:" not in result.stderr:
            sys.exit(f"FAIL: invalid config {config!r}: exit {result.returncode}, stderr {result.stderr[-500:]!r}")
        rejected += 1

    print(f"OK: {done} random cases ({exact} bit-exact values, {approx} gemm values, "
          f"max rel err {worst:.1e}); {rejected} invalid configs rejected with a diagnostic")


if __name__ == "__main__":
    main()
