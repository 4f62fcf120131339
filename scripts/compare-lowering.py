#!/usr/bin/env python3
"""Proves that a change leaves the generated code alone: runs every program
through the CPU, NVVM and ROCDL pipelines with two builds of fp8-opt and
diffs what they print (final LLVM-dialect IR with the kernels' PTX or AMD
ISA embedded, diagnostics, exit status).

Programs: every `// -----` chunk of every .mlir under test/ and examples/,
plus the GPU acceptance cases (test/Integration/GPU/build-cases.py) and the
benchmark programs (bench/build-bench.py) as fp8-reference writes them.
Pipelines: --fp8-cpu-pipeline, --fp8-nvvm-pipeline with chip=sm_89 and
chip=sm_90a (cooperative and pingpong), --fp8-rocdl-pipeline with
chip=gfx942 and chip=gfx950.

  compare-lowering.py --base OLD/bin --new NEW/bin [--jobs 2] [--keep DIR]
                      [--no-reference] [--kernels-only]

--kernels-only compares the GPU pipelines' gpu.binary ops (the kernels'
PTX or ISA) and exit statuses only: for changes to host code.

OLD/bin and NEW/bin each hold fp8-opt; NEW/bin also fp8-reference. Build
the base from the commit before the change, e.g.
  git worktree add /tmp/base HEAD~1 && FP8_BUILD_DIR=/tmp/base/build \\
      bash /tmp/base/scripts/setup.sh
Prints one line per differing (program, pipeline) and a summary; exits 1
when anything differs.
"""
import argparse
import concurrent.futures
import hashlib
import importlib.util
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PIPELINES = {
    "cpu": "--fp8-cpu-pipeline",
    "nvvm-sm_89": "--fp8-nvvm-pipeline=chip=sm_89",
    "nvvm-sm_90a": "--fp8-nvvm-pipeline=chip=sm_90a",
    "nvvm-sm_90a-pingpong":
        "--fp8-nvvm-pipeline=chip=sm_90a gemm-schedule=pingpong",
    "rocdl-gfx942": "--fp8-rocdl-pipeline=chip=gfx942",
    "rocdl-gfx950": "--fp8-rocdl-pipeline=chip=gfx950",
}
# Benchmark and case programs only run through the NVVM pipelines they are
# built for (the CPU and ROCDL pipelines see them as test inputs too).
GPU_PROGRAM_PIPELINES = ["nvvm-sm_89", "nvvm-sm_90a", "nvvm-sm_90a-pingpong"]


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_chunks(folder):
    """(name, text) of every split-input chunk of the .mlir files."""
    for directory in ("test", "examples"):
        for dirpath, _, files in os.walk(os.path.join(ROOT, directory)):
            for file in sorted(files):
                if not file.endswith(".mlir"):
                    continue
                path = os.path.join(dirpath, file)
                rel = os.path.relpath(path, ROOT)
                with open(path) as f:
                    text = f.read()
                for i, chunk in enumerate(text.split("\n// -----")):
                    yield f"{rel}#{i}", chunk


def reference_programs(reference):
    """(name, text) of the GPU acceptance cases and benchmark programs."""
    cases = load(os.path.join(ROOT, "test/Integration/GPU/build-cases.py"),
                 "build_cases")
    bench = load(os.path.join(ROOT, "bench/build-bench.py"), "build_bench")
    jobs = [(f"case:{name}", ["--data=hash", "--print-inputs"] + args)
            for name, args in cases.cases(10**9)]
    for recipe in bench.RECIPES:
        for m, k, n in bench.SHAPES:
            jobs.append((f"bench:{recipe}-{m}x{k}x{n}",
                         ["--data=hash", "--cast-checks=false",
                          f"--recipe={recipe}", f"--m={m}", f"--k={k}",
                          f"--n={n}"]))
        for lin in bench.LINEARS:
            for role, shape in list(bench.ROLES.items()) + [
                    ("layer", lambda m, k, n: (m, k, n))]:
                m, k, n = shape(*lin)
                jobs.append((f"bench:{recipe}-{'x'.join(map(str, lin))}-{role}",
                             ["--data=hash", "--cast-checks=false",
                              f"--recipe={recipe}", f"--role={role}",
                              f"--m={m}", f"--k={k}", f"--n={n}"]))
    for name, args in jobs:
        result = subprocess.run([reference, "--emit=mlir"] + args,
                                capture_output=True, text=True)
        if result.returncode:
            sys.exit(f"fp8-reference failed for {name}: {result.stderr}")
        yield name, result.stdout


TIMING = re.compile(rb"LLVMIRToISATimeInMs = [0-9]+ : i64, ")


BINARY = re.compile(rb"^\s*gpu\.binary .*$", re.MULTILINE)
KERNELS_ONLY = False


def run(tool, path, flag):
    try:
        result = subprocess.run([tool, path, flag], capture_output=True,
                                timeout=600)
        # gpu-module-to-binary records how long ptxas/llc took.
        stdout = TIMING.sub(b"", result.stdout)
        if KERNELS_ONLY:
            # The kernels (PTX or ISA inside gpu.binary), not the host code.
            stdout = b"\n".join(BINARY.findall(stdout))
        return result.returncode, stdout, result.stderr
    except subprocess.TimeoutExpired:
        return "timeout", b"", b""


def compare(job):
    base, new, path, flag = job
    return run(base, path, flag) == run(new, path, flag)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True, help="old build's bin/")
    parser.add_argument("--new", required=True, help="new build's bin/")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--keep", help="write the programs here")
    parser.add_argument("--no-reference", action="store_true",
                        help="only the test and example inputs")
    parser.add_argument("--kernels-only", action="store_true",
                        help="compare the GPU pipelines' kernels (gpu.binary) "
                             "and exit statuses, not the host code")
    opts = parser.parse_args()
    global KERNELS_ONLY
    KERNELS_ONLY = opts.kernels_only
    folder = opts.keep or tempfile.mkdtemp(prefix="fp8-compare-")
    os.makedirs(folder, exist_ok=True)
    programs = list(test_chunks(folder))
    if not opts.no_reference:
        programs += list(reference_programs(
            os.path.join(opts.new, "fp8-reference")))
    jobs, names = [], []
    for name, text in programs:
        digest = hashlib.sha1(name.encode()).hexdigest()[:12]
        path = os.path.join(folder, f"{digest}.mlir")
        with open(path, "w") as f:
            f.write(text)
        gpu_program = not name.startswith(("test/", "examples/"))
        for pipeline, flag in PIPELINES.items():
            if gpu_program and pipeline not in GPU_PROGRAM_PIPELINES:
                continue
            if opts.kernels_only and pipeline == "cpu":
                continue
            jobs.append((os.path.join(opts.base, "fp8-opt"),
                         os.path.join(opts.new, "fp8-opt"), path, flag))
            names.append(f"{name} [{pipeline}]")
    with concurrent.futures.ThreadPoolExecutor(opts.jobs) as pool:
        same = list(pool.map(compare, jobs))
    differing = [name for name, ok in zip(names, same) if not ok]
    for name in differing:
        print(f"DIFFERS: {name}")
    print(f"{len(programs)} programs, {len(jobs)} (program, pipeline) "
          f"compilations compared: {len(differing)} differ")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
