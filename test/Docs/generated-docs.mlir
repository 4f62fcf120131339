// docs/passes.md and docs/dialect.md are what mlir-tblgen makes of the .td
// files today (run scripts/gen-docs.sh after changing a .td file).
// RUN: rm -rf %t && mkdir -p %t
// RUN: bash %fp8_src_root/scripts/gen-docs.sh %t
// RUN: diff %t/passes.md %fp8_src_root/docs/passes.md
// RUN: diff %t/dialect.md %fp8_src_root/docs/dialect.md
// RUN: FileCheck %s --input-file=%t/passes.md
// CHECK: `-fp8-rewrite-matmul`
// CHECK: -type-config
// CHECK: `-fp8-soft-conversions`
