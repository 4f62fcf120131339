#!/usr/bin/env bash
# Installs what is missing (Debian packages), configures and builds fp8.
# Idempotent: with everything present and built it only runs a no-op ninja.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools clang-22
          lld-22 ninja-build cmake libgtest-dev python3 mpich libmpich-dev)
missing=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

BUILD_DIR=${FP8_BUILD_DIR:-build}
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  echo "== configuring $BUILD_DIR"
  cmake -G Ninja -S . -B "$BUILD_DIR" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    ${FP8_CMAKE_ARGS:-} >/dev/null
fi
echo "== building"
# Progress lines are dropped; errors and warnings stay. pipefail keeps
# ninja's exit status.
ninja -C "$BUILD_DIR" -j2 ${FP8_NINJA_TARGETS:-all} |
  { grep -vE '^\[[0-9]+/[0-9]+\] ' || true; }
