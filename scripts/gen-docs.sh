#!/usr/bin/env bash
# Regenerates docs/passes.md and docs/dialect.md from the .td files
# (mlir-tblgen -gen-pass-doc / -gen-dialect-doc). test/Docs checks they are
# current. Usage: scripts/gen-docs.sh [OUTPUT_DIR] (default docs/).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs}
tblgen=/usr/lib/llvm-22/bin/mlir-tblgen
inc=(-I include -I /usr/lib/llvm-22/include)
{
  echo "# fp8 passes"
  echo
  echo "Generated from the .td files by scripts/gen-docs.sh; do not edit."
  echo
  echo "## Dialect transformations"
  "$tblgen" -gen-pass-doc "${inc[@]}" include/fp8/Dialect/FP8/Transforms/Passes.td
  echo
  echo "## Conversions"
  "$tblgen" -gen-pass-doc "${inc[@]}" include/fp8/Conversion/Passes.td
  echo
  echo "## Pipeline passes"
  "$tblgen" -gen-pass-doc "${inc[@]}" include/fp8/Pipelines/Passes.td
} > "$out/passes.md"
{
  echo "# The fp8 dialect"
  echo
  echo "Generated from the .td files by scripts/gen-docs.sh; do not edit."
  echo
  "$tblgen" -gen-dialect-doc -dialect=fp8 "${inc[@]}" include/fp8/Dialect/FP8/IR/FP8Ops.td
} > "$out/dialect.md"
