#!/usr/bin/env bash
# Builds the fuzzers (ASan + UBSan + libFuzzer) in build-fuzz/ and runs one
# for a given time with a seed corpus made from every .mlir test. Crashing
# inputs are copied to fuzz/crashers/ (reduce each into a lit regression
# test next to the code it broke).
#   fuzz/run.sh attr|module|nvvm|rocdl SECONDS [JOBS]
# attr: the #fp8.* attribute parser; module: parsing, verification and the
# CPU pipeline; nvvm, rocdl: the GPU pipelines down to PTX / AMD assembly.
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:?attr, module, nvvm or rocdl}
seconds=${2:-60}
jobs=${3:-1}
FP8_BUILD_DIR=build-fuzz FP8_NINJA_TARGETS="fp8-$which-fuzzer" \
  FP8_CMAKE_ARGS="-DFP8_ENABLE_SANITIZERS=ON -DFP8_ENABLE_FUZZERS=ON" \
  bash scripts/setup.sh >/dev/null
corpus=build-fuzz/corpus-$which
seeds=build-fuzz/seeds-$which
mkdir -p "$corpus" "$seeds" fuzz/crashers
python3 - "$which" "$seeds" <<'PY'
import pathlib, re, sys
which, out = sys.argv[1], pathlib.Path(sys.argv[2])
n = 0
for path in pathlib.Path("test").rglob("*.mlir"):
    text = path.read_text()
    if which == "attr":
        pieces = set(re.findall(r"#fp8\.[a-z_]+<[^\n]*?>(?=[,}\s)]|$)", text))
    else:
        pieces = text.split("// -----")
    for piece in pieces:
        if len(piece) < 8192:
            (out / f"seed{n}").write_text(piece)
            n += 1
print(f"{n} seeds")
PY
# libMLIR.so is not instrumented: the LLVM allocators inlined into our
# (instrumented) code poison memory that libMLIR's copies then use, which ASan
# would report; manual poisoning is switched off so only real errors remain.
export ASAN_OPTIONS=${ASAN_OPTIONS:-allow_user_poisoning=0}
# Fork mode: a crash is kept and the run goes on, so one finding does not
# end it.
status=0
"build-fuzz/bin/fp8-$which-fuzzer" "$corpus" "$seeds" \
  -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 \
  -fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
  -print_final_stats=1 \
  -artifact_prefix=build-fuzz/ 2>&1 | tee "build-fuzz/fuzz-$which.log" | tail -20 || status=$?
for crash in build-fuzz/crash-* build-fuzz/timeout-* build-fuzz/leak-* build-fuzz/oom-*; do
  [ -e "$crash" ] || continue
  cp "$crash" "fuzz/crashers/$which-$(basename "$crash")"
  echo "kept $crash as fuzz/crashers/$which-$(basename "$crash")"
done
exit $status
