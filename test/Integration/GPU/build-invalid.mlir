// fp8-cuda-compile reports programs it cannot build around `@main()` with
// a located error and exit status 1, before linking anything, and leaves
// no temporary folder behind.
// REQUIRES: cuda-runtime
// RUN: rm -rf %t && split-file %s %t
// RUN: not fp8-cuda-compile %t/args.mlir -o %t/args 2>&1 | FileCheck %s --check-prefix=ARGS -DFILE=%t/args.mlir
// RUN: not fp8-cuda-compile %t/result.mlir -o %t/result 2>&1 | FileCheck %s --check-prefix=RESULT -DFILE=%t/result.mlir
// RUN: not fp8-cuda-compile %t/none.mlir -o %t/none 2>&1 | FileCheck %s --check-prefix=NONE -DFILE=%t/none.mlir
// RUN: not test -e %t/args
// RUN: not test -e %t/result
// RUN: not test -e %t/none
// The temporary folders are gone, also after a failure (TMPDIR is this
// test's own folder).
// RUN: mkdir -p %t/tmp && env TMPDIR=%t/tmp not fp8-cuda-compile %t/args.mlir -o %t/args
// RUN: env TMPDIR=%t/tmp not fp8-cuda-compile %t/bad.mlir -o %t/bad
// RUN: ls -A %t/tmp | count 0
// An input that does not exist and a --keep folder that cannot be made.
// RUN: not fp8-cuda-compile %t/missing.mlir -o %t/missing 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: touch %t/file
// RUN: not fp8-cuda-compile %t/args.mlir -o %t/x --keep %t/file/work 2>&1 | FileCheck %s --check-prefix=KEEP

// ARGS: [[FILE]]:1:11: error: @main must take no arguments and return nothing
// RESULT: [[FILE]]:1:11: error: @main must take no arguments and return nothing
// NONE: [[FILE]]: error: no `func.func @main()` to run
// MISSING: fp8-cuda-compile: error: cannot read '{{.+}}missing.mlir'
// KEEP: fp8-cuda-compile: error: cannot create the folder '{{.+}}file/work': Not a directory

//--- args.mlir
func.func @main(%x: memref<4xf32>) {
  return
}
//--- result.mlir
func.func @main() -> i32 {
  %c = arith.constant 0 : i32
  return %c : i32
}
//--- none.mlir
func.func @f() {
  return
}
//--- bad.mlir
func.func @main() { %x = }
