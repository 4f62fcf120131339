#!/usr/bin/env bash
# Sets up, builds and runs every test: the lit suite (IR, diagnostics,
# CPU execution) and the GoogleTest unit tests. Ends with one line
# "N passed, N failed[, N skipped]" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
BUILD_DIR=${FP8_BUILD_DIR:-build}
results=$(mktemp -d)

echo "== lit"
/usr/lib/llvm-22/bin/lit -sv --xunit-xml-output="$results/lit.xml" "$BUILD_DIR/test"
echo "== unit tests"
# See test/lit.cfg.py: instrumented code next to the uninstrumented libMLIR.
export ASAN_OPTIONS=${ASAN_OPTIONS:-allow_user_poisoning=0}
"$BUILD_DIR/bin/FP8UnitTests" --gtest_brief=1 --gtest_output="xml:$results/unit.xml"

python3 - "$results/lit.xml" "$results/unit.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET

passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        failed += 1  # the runner died before writing its report
        continue
    for case in root.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None or case.get("result") == "skipped":
            skipped += 1
        else:
            passed += 1
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed or not passed else 0)
PY
