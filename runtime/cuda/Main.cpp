//===- Main.cpp - entry point of fp8-cuda-compile executables
//--------------===//
//
// Part of the fp8 project, under the Apache License v2.0 with LLVM Exceptions.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// fp8-cuda-compile renames the program's `@main` to `fp8_user_main` and links
// this `main`, which runs it once and exits with status 0. Driver failures
// exit with status 1 from inside the runtime.
//
//===----------------------------------------------------------------------===//

#include <cstdio>

extern "C" void fp8_user_main();

int main() {
  fp8_user_main();
  std::fflush(stdout);
  return 0;
}
