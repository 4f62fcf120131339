#!/usr/bin/env python3
"""Checks that every diagnostic the fp8 libraries can emit is exercised.

For each emitError/emitOpError/emitWarning/emitRemark (and each rejection
message of the matmul planner) in lib/, takes the first string literal of
the statement and looks for it in the tests' expected-error/warning/remark
and CHECK lines. Prints what is missing and exits 1 if anything is.
Usage: check-diagnostics.py SOURCE_ROOT
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")

# Diagnostics that no input can reach, with the reason.
UNREACHABLE = {
    # The parser requires these, so the verifier cannot see them missing.
    "missing cast or gemm config": "parser always fills the base configs",
    "axiswise amax requires an axis": "the custom syntax requires the axis",
    # Bail-outs for ops the pass itself filters before planning.
    "only linalg.matmul and linalg.batch_matmul are rewritten": "callers pass only matmuls",
    "not a matmul": "notifyMatchFailure, not a diagnostic",
    "failed to lower to linalg": "every fp8 op has a lowering pattern",
    "unknown AMD chip": "the ROCDL pipeline validates the chip first",
    # Reported only with remarks=true (test/Dialect/FP8/Transforms/
    # frontend-roles.mlir checks it); torchao leaves such gemms alone.
    "both operands stay in high precision": "a remark, checked by FileCheck",
    # A contraction matched before the rewrite matches again after its
    # operands' producers were rewritten (same dims, same layouts).
    "internal error: contraction no longer": "an invariant",
    # Kernel outlining and its cache: invariants of the GPU lowering's own
    # kernel builders (test/Conversion/FP8ToGPU/kernel-cache.mlir runs the
    # cache's check over every kernel family it covers).
    "could not sink values into the kernel": "upstream's sinking never fails",
    "passes its kernel a host value that is not among the":
        "each cached family lists what its body reads",
    "kernel cache: key": "each cached family's key covers its code",
}

CALL = re.compile(
    r"(emitError|emitOpError|emitWarning|emitRemark|reject)\s*\((.*?);",
    re.S)
LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')

def fragments(text):
    """Distinctive literal pieces of one diagnostic statement."""
    for literal in LITERAL.findall(text):
        piece = literal.encode().decode("unicode_escape").strip(" '(")
        if len(piece) >= 12:
            yield piece

tests = []
for path in root.joinpath("test").rglob("*.mlir"):
    for line in path.read_text().splitlines():
        if re.search(r"expected-(error|warning|remark)|[A-Z0-9_]+:\s", line):
            tests.append(line)
corpus = "\n".join(tests)

missing = []
checked = 0
for path in sorted(root.joinpath("lib").rglob("*.cpp")):
    source = path.read_text()
    for match in CALL.finditer(source):
        pieces = list(fragments(match.group(2)))
        if not pieces:
            continue
        first = pieces[0]
        if any(first.startswith(key) for key in UNREACHABLE):
            continue
        checked += 1
        # Long messages may be split across literals; the first piece, cut
        # where a streamed value would be, must appear in a test.
        probe = first[:60]
        if probe not in corpus:
            line = source[: match.start()].count("\n") + 1
            missing.append(f"{path.relative_to(root)}:{line}: {first}")

print(f"{checked} diagnostics checked, {len(missing)} without a test")
for entry in missing:
    print("  missing:", entry)
sys.exit(1 if missing else 0)
