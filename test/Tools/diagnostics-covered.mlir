// Every diagnostic string emitted in lib/ is exercised by a test
// (expected-error/warning/remark or a CHECK line); see
// scripts/check-diagnostics.py for the few that no input can reach.
// RUN: %python %fp8_src_root/scripts/check-diagnostics.py %fp8_src_root | FileCheck %s
// CHECK: diagnostics checked, 0 without a test
