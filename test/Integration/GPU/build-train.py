#!/usr/bin/env python3
"""Builds the training-loop checks for the GPU machine (check-train.py).

  build-train.py --tools BUILD/bin OUT_DIR [--chip sm_90a]

OUT_DIR gets executables of scripts/train-program.py's program (one fp8
linear layer trained by SGD, @main loops over the steps):
  small-S   M = N = K = 64, S = 1, 2, 10, 1000 steps, and small-S.cpu.txt:
            the same program run here by the CPU pipeline (mlir-runner)
  codes     M = 256, N = K = 128, 10 steps, printing the scales and float8
            codes of the first 3 steps' casts (--codes 3), and codes.cpu.txt
  large-S   M = 8192, N = K = 4096 (timing, memory), S = 1, 10, 1000
  oom       a program whose buffers exceed any GPU's memory (three f32
            buffers of 60 GiB)
"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
RUNNER_LIBS = ",".join(
    "/usr/lib/llvm-22/lib/lib%s.so" % name
    for name in ("mlir_c_runner_utils", "mlir_runner_utils"))

OOM = """// Three 60 GiB buffers live at once (c = a + b): more than any GPU has.
func.func private @printMemrefF32(tensor<*xf32>)
func.func @main() {
  %one = arith.constant 1.0 : f32
  %e0 = tensor.empty() : tensor<16106127360xf32>
  %a = linalg.fill ins(%one : f32) outs(%e0 : tensor<16106127360xf32>) -> tensor<16106127360xf32>
  %e1 = tensor.empty() : tensor<16106127360xf32>
  %b = linalg.fill ins(%one : f32) outs(%e1 : tensor<16106127360xf32>) -> tensor<16106127360xf32>
  %e2 = tensor.empty() : tensor<16106127360xf32>
  %c = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%a, %b : tensor<16106127360xf32>, tensor<16106127360xf32>) outs(%e2 : tensor<16106127360xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<16106127360xf32>
  %s0 = tensor.extract_slice %a[0] [2] [1] : tensor<16106127360xf32> to tensor<2xf32>
  %s1 = tensor.extract_slice %b[1] [2] [1] : tensor<16106127360xf32> to tensor<2xf32>
  %s2 = tensor.extract_slice %c[2] [2] [1] : tensor<16106127360xf32> to tensor<2xf32>
  %u0 = tensor.cast %s0 : tensor<2xf32> to tensor<*xf32>
  %u1 = tensor.cast %s1 : tensor<2xf32> to tensor<*xf32>
  %u2 = tensor.cast %s2 : tensor<2xf32> to tensor<*xf32>
  call @printMemrefF32(%u0) : (tensor<*xf32>) -> ()
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()
  call @printMemrefF32(%u2) : (tensor<*xf32>) -> ()
  return
}
"""


def run(cmd, **kw):
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if result.returncode:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), result.stderr[-2000:]))
    return result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", required=True)
    parser.add_argument("--chip", default="sm_90a")
    parser.add_argument("out")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    tools = os.path.abspath(args.tools)
    program = os.path.join(ROOT, "scripts", "train-program.py")

    def build(name, source):
        path = os.path.join(args.out, name + ".mlir")
        with open(path, "w") as f:
            f.write(source)
        run([os.path.join(tools, "fp8-cuda-compile"), path, "-o",
             os.path.join(args.out, name), "--options", "chip=" + args.chip])
        return path

    def build_with_cpu(name, source):
        path = build(name, source)
        lowered = run([os.path.join(tools, "fp8-opt"), path,
                       "--fp8-cpu-pipeline"])
        out = run(["/usr/lib/llvm-22/bin/mlir-runner", "-e", "main", "-entry-point-result=void",
                   "-shared-libs=" + RUNNER_LIBS], input=lowered)
        with open(os.path.join(args.out, name + ".cpu.txt"), "w") as f:
            f.write(out)

    for steps in (1, 2, 10, 1000):
        build_with_cpu("small-%d" % steps,
                       run([sys.executable, program, "--steps", str(steps)]))
    build_with_cpu("codes", run([sys.executable, program, "--m", "256",
                                 "--n", "128", "--k", "128", "--steps", "10",
                                 "--codes", "3"]))
    for steps in (1, 10, 1000):
        build("large-%d" % steps,
              run([sys.executable, program, "--m", "8192", "--n", "4096",
                   "--k", "4096", "--steps", str(steps)]))
    build("oom", OOM)
    for name in os.listdir(args.out):
        if name.endswith(".mlir"):
            os.remove(os.path.join(args.out, name))
    print("built", args.out)


if __name__ == "__main__":
    main()
