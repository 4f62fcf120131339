#!/usr/bin/env python3
"""Reads the kernels out of `--fp8-nvvm-pipeline="format=isa"` output (PTX
in gpu.binary attributes), assembles each with ptxas and prints one line per
kernel:

  <binary> <kernel>: registers=N spill_stores=N spill_loads=N stack=N
      wgmma=N tma_load=N tma_store=N mbarrier=N warnings=N

(wgmma, TMA and mbarrier counts are static instruction counts in the PTX.)

  ptx-info.py INPUT.mlir [--ptxas PATH] [--arch sm_90a] [--dump DIR]

--dump writes <binary>.ptx files too. Exits 1 when ptxas rejects a kernel.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

# TMA tensor copies global -> shared and shared -> global.
tma_load = re.compile(r"cp\.async\.bulk\.tensor\.\dd\.shared")
tma_store = re.compile(r"cp\.async\.bulk\.tensor\.\dd\.global")

BINARY = re.compile(r'gpu\.binary @(\w+)\s+\[#gpu\.object<#nvvm\.target<'
                    r'chip = "(\w+)"[^\n]*?assembly = "')


def unescape(text, start):
    """Decodes an MLIR string literal body from `start` to its closing
    quote."""
    out = bytearray()
    i = start
    while text[i] != '"':
        if text[i] == "\\":
            nxt = text[i + 1]
            if nxt in '\\"':
                out += nxt.encode()
                i += 2
            elif nxt == "n":
                out += b"\n"
                i += 2
            elif nxt == "t":
                out += b"\t"
                i += 2
            else:
                out.append(int(text[i + 1:i + 3], 16))
                i += 3
        else:
            out += text[i].encode()
            i += 1
    return out.decode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("--ptxas", default="ptxas")
    parser.add_argument("--arch")
    parser.add_argument("--dump")
    opts = parser.parse_args()
    text = open(opts.input).read()
    failed = False
    found = 0
    for match in BINARY.finditer(text):
        found += 1
        name, chip = match.group(1), match.group(2)
        ptx = unescape(text, match.end())
        if opts.dump:
            os.makedirs(opts.dump, exist_ok=True)
            with open(os.path.join(opts.dump, name + ".ptx"), "w") as f:
                f.write(ptx)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, name + ".ptx")
            with open(path, "w") as f:
                f.write(ptx)
            result = subprocess.run(
                [opts.ptxas, "-arch=" + (opts.arch or chip), "-v", path, "-o",
                 os.path.join(tmp, name + ".cubin")],
                capture_output=True, text=True)
        log = result.stdout + result.stderr
        if result.returncode:
            sys.stderr.write(f"{name}: ptxas failed\n{log}")
            failed = True
            continue
        # ptxas -v: "Compiling entry function 'K'" then K's properties.
        info = {}
        current = None
        for line in log.splitlines():
            entry = re.search(r"Compiling entry function '(\w+)'", line)
            if entry:
                current = info.setdefault(entry.group(1), {"warnings": []})
                continue
            if current is None:
                continue
            for key, pattern in [("registers", r"Used (\d+) registers"),
                                 ("spill_stores", r"(\d+) bytes spill stores"),
                                 ("spill_loads", r"(\d+) bytes spill loads"),
                                 ("stack", r"(\d+) bytes stack frame")]:
                m = re.search(pattern, line)
                if m:
                    current[key] = int(m.group(1))
            if "warning" in line:
                current["warnings"].append(line)
        # The PTX of each entry, for instruction counts.
        bodies = re.split(r"\.visible \.entry (\w+)\(", ptx)
        for kernel, body in zip(bodies[1::2], bodies[2::2]):
            k = info.get(kernel, {"warnings": []})
            print(f"{name} {kernel}: registers={k.get('registers', 0)} "
                  f"spill_stores={k.get('spill_stores', 0)} "
                  f"spill_loads={k.get('spill_loads', 0)} "
                  f"stack={k.get('stack', 0)} "
                  f"wgmma={body.count('wgmma.mma_async')} "
                  f"tma_load={len(re.findall(tma_load, body))} "
                  f"tma_store={len(re.findall(tma_store, body))} "
                  f"mbarrier={body.count('mbarrier.')} "
                  f"warnings={len(k['warnings'])}")
            for line in k["warnings"]:
                print("  " + line)
    if not found:
        sys.exit(f"{opts.input}: no gpu.binary with PTX (format=isa)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
