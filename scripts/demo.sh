#!/usr/bin/env bash
# Sets up and builds fp8, then runs the main job on the shipped example:
# shows the torchao config table, the rewritten (fp8) IR, and executes the
# layer on the CPU, printing the fp8 result, the bf16 result and the error.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BIN=${FP8_BUILD_DIR:-build}/bin
LLVM=/usr/lib/llvm-22
EXAMPLE=${1:-examples/linear.mlir}

echo
echo "== the #fp8.linear configs in $EXAMPLE, per gemm (C = A @ B)"
"$BIN/fp8-opt" "$EXAMPLE" --fp8-describe-config -o /dev/null 2>&1 | grep remark: | sed 's/^.*remark: /  /'

echo
echo "== $EXAMPLE after --fp8-rewrite-matmul (function @linear)"
"$BIN/fp8-opt" "$EXAMPLE" --fp8-rewrite-matmul |
  sed -n '/func.func @linear/,/^  }$/p'

echo
echo "== executed on the CPU: --fp8-cpu-pipeline | mlir-runner"
echo "   (1) fp8 rowwise result, (2) bf16 result, (3) |(1) - (2)|"
"$BIN/fp8-opt" "$EXAMPLE" --fp8-cpu-pipeline |
  "$LLVM/bin/mlir-runner" -e main -entry-point-result=void \
    -shared-libs="$LLVM/lib/libmlir_c_runner_utils.so,$LLVM/lib/libmlir_runner_utils.so"
