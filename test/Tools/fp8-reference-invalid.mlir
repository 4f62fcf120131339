// fp8-reference, the tests' oracle, rejects every bad option value with an
// error and exit status 1: a typo must not quietly become the default (a
// test would compare two defaults), and no shape may abort it.

// Sizes: at least 1, each operand at most 2^34 elements.
// RUN: not fp8-reference --m=-1 2>&1 | FileCheck %s --check-prefix=M
// M: fp8-reference: error: --m must be at least 1; got -1
// RUN: not fp8-reference --k=0 2>&1 | FileCheck %s --check-prefix=K
// K: fp8-reference: error: --k must be at least 1; got 0
// RUN: not fp8-reference --n=0 --emit=expected 2>&1 | FileCheck %s --check-prefix=N
// N: fp8-reference: error: --n must be at least 1; got 0
// RUN: not fp8-reference --m=1048576 --k=1048576 --emit=expected 2>&1 | FileCheck %s --check-prefix=HUGE-A
// HUGE-A: fp8-reference: error: A (--m x --k) would have 1099511627776 elements; at most 17179869184 (2^34)
// RUN: not fp8-reference --m=1 --k=2000000000 --n=2000000000 --data=hash 2>&1 | FileCheck %s --check-prefix=HUGE-B
// HUGE-B: fp8-reference: error: B (--k x --n) would have 4000000000000000000 elements; at most 17179869184 (2^34)

// Options with a fixed set of values.
// RUN: not fp8-reference --recipe=rowwize 2>&1 | FileCheck %s --check-prefix=RECIPE
// RECIPE: fp8-reference: error: --recipe must be one of tensorwise, rowwise, rowwise_with_gw_hp; got 'rowwize'
// RUN: not fp8-reference --role=grad_inputs 2>&1 | FileCheck %s --check-prefix=ROLE
// ROLE: fp8-reference: error: --role must be one of output, grad_input, grad_weight, layer; got 'grad_inputs'
// RUN: not fp8-reference --dtype=bf17 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: fp8-reference: error: --dtype must be one of bf16, f16, f32; got 'bf17'
// RUN: not fp8-reference --type-config=fnz 2>&1 | FileCheck %s --check-prefix=TYPE-CONFIG
// TYPE-CONFIG: fp8-reference: error: --type-config must be one of ocp, fnuz; got 'fnz'
// RUN: not fp8-reference --data=zero_row 2>&1 | FileCheck %s --check-prefix=DATA
// DATA: fp8-reference: error: --data must be one of normal, zero-row, overflow, nan, outliers, hash; got 'zero_row'
// RUN: not fp8-reference --emit=expect 2>&1 | FileCheck %s --check-prefix=EMIT
// EMIT: fp8-reference: error: --emit must be one of mlir, expected, meta; got 'expect'

// Cast configs (torchao's short_str), in pairs.
// RUN: not fp8-reference --lhs=dyn_axs_e4m2 --rhs=dyn_axs_e4m3 2>&1 | FileCheck %s --check-prefix=LHS
// LHS: fp8-reference: error: --lhs must be {dyn|dis}_{ten|axs}_{e4m3|e5m2}; got 'dyn_axs_e4m2'
// RUN: not fp8-reference --lhs=dyn_axs_e4m3 --rhs=dyn_row_e4m3 2>&1 | FileCheck %s --check-prefix=RHS
// RHS: fp8-reference: error: --rhs must be {dyn|dis}_{ten|axs}_{e4m3|e5m2}; got 'dyn_row_e4m3'
// RUN: not fp8-reference --lhs=dyn_ten_e4m3 2>&1 | FileCheck %s --check-prefix=LHS-ONLY
// LHS-ONLY: fp8-reference: error: --lhs and --rhs go together; got only --lhs
// RUN: not fp8-reference --rhs=dyn_ten_e4m3 2>&1 | FileCheck %s --check-prefix=RHS-ONLY
// RHS-ONLY: fp8-reference: error: --lhs and --rhs go together; got only --rhs
// RUN: not fp8-reference --lhs=dyn_ten_e4m3 --rhs=dis_ten_e4m3 2>&1 | FileCheck %s --check-prefix=MIXED
// MIXED: fp8-reference: error: --lhs and --rhs must both be dyn_ or both dis_; got 'dyn_ten_e4m3' and 'dis_ten_e4m3'
// RUN: not fp8-reference --recipe=rowwise --pow2 2>&1 | FileCheck %s --check-prefix=POW2
// POW2: fp8-reference: error: --pow2 needs --lhs and --rhs (a recipe sets its own)

// The emitted function's name.
// RUN: not fp8-reference --func=2case 2>&1 | FileCheck %s --check-prefix=FUNC
// FUNC: fp8-reference: error: --func must be an MLIR bare identifier ([A-Za-z_][A-Za-z0-9_$.]*); got '2case'

// --role=layer writes hash data into a program.
// RUN: not fp8-reference --role=layer 2>&1 | FileCheck %s --check-prefix=LAYER
// RUN: not fp8-reference --role=layer --data=hash --emit=expected 2>&1 | FileCheck %s --check-prefix=LAYER
// LAYER: fp8-reference: error: --role=layer takes --data=hash and --emit=mlir or --emit=meta

// Valid spellings still work, and --help lists the values.
// RUN: fp8-reference --recipe=rowwise_with_gw_hp --role=grad_input --dtype=f16 --type-config=fnuz --data=zero-row --emit=meta | FileCheck %s --check-prefix=META
// META: {"m": 16, "k": 32, "n": 16, "dtype": "f16", "role": "grad_input", "recipe": "rowwise_with_gw_hp", "lhs": {"scaled": true, "axiswise": true, "dtype": "f8E4M3FNUZ"}, "rhs": {"scaled": true, "axiswise": false, "dtype": "f8E4M3FNUZ"}
// RUN: fp8-reference --help | FileCheck %s --check-prefix=HELP
// HELP: --dtype=<value>
// HELP-NEXT: =bf16
// HELP-NEXT: =f16
// HELP-NEXT: =f32
