//===- Main.cpp - main of fp8-cuda-compile executables --------------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// fp8-cuda-compile renames the program's `@main` to `fp8_user_main` and links
// this `main`, which runs it once (FP8_REPEAT=N: N times) and exits with
// status 0; FP8_MEMSTATS=1 then prints the device pool's statistics. Driver
// failures and running out of memory exit with status 1 from inside the
// runtime.
//
//===----------------------------------------------------------------------===//

#include "fp8/Runtime/RuntimeABI.h"

#include <cstdio>
#include <cstdlib>
#include <string>

int main() {
  // FP8_REPEAT=N: run N times (benchmarks: the first run warms up). Every
  // buffer of a run is freed by the program; the pool keeps the memory for
  // the next run.
  const char *repeat = std::getenv("FP8_REPEAT");
  int runs = repeat ? std::atoi(repeat) : 1;
  for (int run = 0; run < (runs > 0 ? runs : 1); ++run) {
    fp8_user_main();
    fp8FlushProfile();
  }
  const char *memstats = std::getenv("FP8_MEMSTATS");
  if (memstats && *memstats && std::string(memstats) != "0")
    fp8PrintMemStats();
  std::fflush(stdout);
  return 0;
}
