#!/usr/bin/env python3
"""Peak resident memory of a training loop on the CPU for few and many steps.

  peak-rss.py --tools BIN --runner RUNNER --runner-libs=-shared-libs=LIBS [--steps 10 1000] [--tolerance 0.03]

Generates scripts/train-program.py's program (a 64 x 64 x 64 fp8 linear
layer trained for S steps; every step allocates its casts, GEMM results and
new weights), lowers it with --fp8-cpu-pipeline and runs it with
mlir-runner once per S, reading each run's peak RSS from wait4. A program
that leaked a step's buffers would grow by about 100 KiB per step. Prints
the peaks and `peak RSS within N%: yes|no`; exits 1 on `no`.
"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def peak_rss_kib(cmd, stdin_text):
    process = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    process.stdin.write(stdin_text.encode())
    process.stdin.close()
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status):
        sys.exit("%s failed: %s" % (cmd[0], process.stderr.read().decode()[-500:]))
    return usage.ru_maxrss


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", required=True)
    parser.add_argument("--runner", default="mlir-runner")
    parser.add_argument("--runner-libs", required=True)
    parser.add_argument("--steps", type=int, nargs=2, default=[10, 1000])
    parser.add_argument("--tolerance", type=float, default=0.03)
    args = parser.parse_args()
    peaks = []
    for steps in args.steps:
        program = subprocess.run(
            [sys.executable, os.path.join(ROOT, "scripts", "train-program.py"),
             "--steps", str(steps)], capture_output=True, text=True,
            check=True).stdout
        lowered = subprocess.run(
            [os.path.join(args.tools, "fp8-opt"), "--fp8-cpu-pipeline"],
            input=program, capture_output=True, text=True, check=True).stdout
        peak = peak_rss_kib([args.runner, "-e", "main",
                             "-entry-point-result=void", args.runner_libs],
                            lowered)
        peaks.append(peak)
        print("steps %d: peak RSS %d KiB" % (steps, peak))
    ratio = max(peaks) / min(peaks)
    ok = ratio <= 1 + args.tolerance
    print("ratio %.4f; peak RSS within %g%%: %s"
          % (ratio, args.tolerance * 100, "yes" if ok else "no"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
