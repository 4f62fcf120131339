// Option and strict-mode errors end the pass with a located diagnostic.
// RUN: not fp8-opt %s --fp8-rewrite-matmul="strict=true" 2>&1 | FileCheck %s --check-prefix=STRICT
// RUN: not fp8-opt %s --fp8-rewrite-matmul="recipe=blockwise" 2>&1 | FileCheck %s --check-prefix=RECIPE
// RUN: not fp8-opt %s --fp8-rewrite-matmul="config=#fp8.linear<recipe=rowwise,pad=true>" 2>&1 | FileCheck %s --check-prefix=CONFIG
// RUN: not fp8-opt %s --fp8-rewrite-matmul="config=#fp8.cast<>" 2>&1 | FileCheck %s --check-prefix=NOTLINEAR
// RUN: not fp8-opt %s --fp8-rewrite-matmul="config=#fp8.linear<>junk" 2>&1 | FileCheck %s --check-prefix=TRAILING
// RUN: not fp8-opt %s --fp8-rewrite-matmul="recipe=rowwise config=#fp8.linear<>" 2>&1 | FileCheck %s --check-prefix=BOTH
// RUN: not fp8-opt %s --fp8-rewrite-matmul="type-config=e4m3" 2>&1 | FileCheck %s --check-prefix=TYPECONFIG
// RUN: not fp8-opt %s --fp8-rewrite-matmul="chip=h100" 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not fp8-opt %s --fp8-rewrite-matmul="recipie=rowwise" 2>&1 | FileCheck %s --check-prefix=TYPO
// RUN: not fp8-opt %s --fp8-rewrite-matmul="chip=gfx42" 2>&1 | FileCheck %s --check-prefix=CHIP2
//
// A type the chip cannot convert in hardware is an error unless emulated.
// RUN: not fp8-opt %s --fp8-rewrite-matmul="chip=gfx942 type-config=ocp config=#fp8.linear<pad_inner_dim=true,emulate=false>" 2>&1 | FileCheck %s --check-prefix=OCP942
// RUN: not fp8-opt %s --fp8-rewrite-matmul="chip=gfx950 type-config=fnuz config=#fp8.linear<emulate=false,pad_inner_dim=true>" 2>&1 | FileCheck %s --check-prefix=FNUZ950
// RUN: not fp8-opt %s --fp8-rewrite-matmul="chip=sm_90a type-config=fnuz config=#fp8.linear<pad_inner_dim=true>" 2>&1 | FileCheck %s --check-prefix=FNUZ90
// RUN: not fp8-opt %s --fp8-rewrite-matmul="chip=sm_80 config=#fp8.linear<pad_inner_dim=true>" 2>&1 | FileCheck %s --check-prefix=SM80

// STRICT: rewrite-matmul-errors.mlir:{{[0-9]+}}:8: error: matmul stays in high precision: K = 40 and N = 24 must be known multiples of 16
// STRICT-NEXT: %r = linalg.matmul
// RECIPE: error: invalid recipe= option: unknown recipe 'blockwise'; valid recipe names are 'tensorwise', 'rowwise', 'rowwise_with_gw_hp'
// CONFIG: error: invalid config= option '#fp8.linear<recipe=rowwise,pad=true>': unknown key 'pad' in #fp8.linear
// NOTLINEAR: error: invalid config= option '#fp8.cast<>': expected a #fp8.linear<...> attribute
// TRAILING: error: invalid config= option '#fp8.linear<>junk': unexpected trailing characters 'junk'
// BOTH: error: the recipe= and config= options are mutually exclusive
// TYPECONFIG: error: unknown type-config 'e4m3'; expected 'auto', 'ocp' or 'fnuz'
// CHIP: error: unknown chip 'h100'; expected an NVIDIA sm_XX or AMD gfxNNN name
// TYPO: no such option recipie
// CHIP2: error: unknown chip 'gfx42'; expected an NVIDIA sm_XX or AMD gfxNNN name
// OCP942: error: f8E4M3FN is not converted in hardware on gfx942 (MI300 converts f8E4M3FNUZ/f8E5M2FNUZ: use type-config=fnuz (or auto)), or set emulate = true
// FNUZ950: error: f8E4M3FNUZ is not converted in hardware on gfx950 (it converts f8E4M3FN/f8E5M2: use type-config=ocp (or auto)), or set emulate = true
// FNUZ90: error: f8E4M3FNUZ is not converted in hardware on sm_90a (it converts f8E4M3FN/f8E5M2: use type-config=ocp (or auto)), or set emulate = true
// SM80: error: f8E4M3FN is not converted in hardware on sm_80 (it has no float8 hardware), or set emulate = true

func.func @misaligned(%a: tensor<16x40xbf16>, %b: tensor<40x24xbf16>) -> tensor<16x24xbf16> {
  %e = tensor.empty() : tensor<16x24xbf16>
  %r = linalg.matmul ins(%a, %b : tensor<16x40xbf16>, tensor<40x24xbf16>) outs(%e : tensor<16x24xbf16>) -> tensor<16x24xbf16>
  return %r : tensor<16x24xbf16>
}
