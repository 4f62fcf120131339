// A fixed-seed sample of the random property test (scripts/property-test.py;
// 10,000 cases are run the same way with --cases 10000): random recipes and
// random valid #fp8.linear configs, roles, shapes 1/15/16/17/32/40/48 and
// dynamic, bf16/f16/f32, ocp/fnuz, pad/emulate/pow2, transposed weights,
// inits, outliers/zero rows/huge values/NaN, each compared with
// tools/fp8-reference; and random invalid configs, each of which must end in
// a diagnostic, never a crash.
// RUN: %python %fp8_src_root/scripts/property-test.py --tools %fp8_obj_root/bin --runner-libs=-shared-libs=%llvm_lib_dir/libmlir_c_runner_utils.so,%llvm_lib_dir/libmlir_runner_utils.so --cases 200 --invalid 50 --seed 7 | FileCheck %s
// CHECK: OK: 200 random cases ({{[0-9]+}} bit-exact values, {{[0-9]+}} gemm values, max rel err {{.*}}); 50 invalid configs rejected with a diagnostic
