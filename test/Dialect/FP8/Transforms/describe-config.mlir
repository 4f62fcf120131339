// RUN: fp8-opt %s -split-input-file -verify-diagnostics --fp8-describe-config -o /dev/null
// RUN: fp8-opt %s -split-input-file --fp8-describe-config="type-config=fnuz" -o /dev/null 2>&1 | FileCheck %s --check-prefix=FNUZ
// RUN: not fp8-opt %s -split-input-file --fp8-describe-config="type-config=e4m3" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADOPT
// BADOPT: error: unknown type-config 'e4m3'; expected 'ocp' or 'fnuz'

// The nine per-gemm operand configs of each recipe, as torchao's
// Float8LinearConfig.from_recipe_name builds them (C = A @ B per gemm).

// tensorwise: grad_output is e5m2, output_gemm uses fast accumulation.
// expected-remark@+1 {{type_config=ocp; output: dyn_ten_e4m3 @ dyn_ten_e4m3 fast_accum=true; grad_input: dyn_ten_e5m2 @ dyn_ten_e4m3 fast_accum=false; grad_weight: dyn_ten_e5m2 @ dyn_ten_e4m3 fast_accum=false; pow2=false pad_inner_dim=false emulate=false fsdp_float8_all_gather=false}}
func.func @tensorwise() attributes {fp8.config = #fp8.linear<recipe = tensorwise>} { return }
// FNUZ: type_config=fnuz; output: dyn_ten_e4m3 @ dyn_ten_e4m3 fast_accum=true; grad_input: dyn_ten_e5m2 @ dyn_ten_e4m3

// -----

// rowwise: everything axiswise e4m3, power-of-2 scales.
// expected-remark@+1 {{type_config=ocp; output: dyn_axs_e4m3 @ dyn_axs_e4m3 fast_accum=true; grad_input: dyn_axs_e4m3 @ dyn_axs_e4m3 fast_accum=false; grad_weight: dyn_axs_e4m3 @ dyn_axs_e4m3 fast_accum=false; pow2=true pad_inner_dim=false emulate=false fsdp_float8_all_gather=false}}
func.func @rowwise() attributes {fp8.config = #fp8.linear<recipe = rowwise>} { return }
// FNUZ: type_config=fnuz; output: dyn_axs_e4m3 @ dyn_axs_e4m3 fast_accum=true; grad_input: dyn_axs_e4m3 @ dyn_axs_e4m3 fast_accum=false; grad_weight: dyn_axs_e4m3 @ dyn_axs_e4m3 fast_accum=false; pow2=true

// -----

// rowwise_with_gw_hp: grad_weight in high precision, weight_for_grad_input
// tensorwise, e4m3 everywhere, no power-of-2 rounding.
// expected-remark@+1 {{type_config=ocp; output: dyn_axs_e4m3 @ dyn_axs_e4m3 fast_accum=true; grad_input: dyn_axs_e4m3 @ dyn_ten_e4m3 fast_accum=false; grad_weight: dis_ten_e4m3 @ dis_ten_e4m3 fast_accum=false; pow2=false pad_inner_dim=false emulate=false fsdp_float8_all_gather=false}}
func.func @rowwise_with_gw_hp() attributes {fp8.config = #fp8.linear<recipe = rowwise_with_gw_hp>} { return }
// FNUZ: type_config=fnuz; output: dyn_axs_e4m3 @ dyn_axs_e4m3 fast_accum=true; grad_input: dyn_axs_e4m3 @ dyn_ten_e4m3 fast_accum=false; grad_weight: dis_ten_e4m3 @ dis_ten_e4m3 fast_accum=false; pow2=false

// -----

// Overrides after a recipe.
// expected-remark@+1 {{type_config=ocp; output: dyn_axs_e4m3 @ dyn_axs_e4m3 fast_accum=false; grad_input: dyn_axs_e4m3 @ dyn_axs_e4m3 fast_accum=false; grad_weight: dyn_axs_e4m3 @ dyn_axs_e4m3 fast_accum=false; pow2=true pad_inner_dim=true emulate=true fsdp_float8_all_gather=false}}
func.func @overrides() attributes {fp8.config = #fp8.linear<recipe = rowwise, output_gemm = #fp8.gemm<>, pad_inner_dim = true, emulate = true>} { return }
// FNUZ: pow2=true pad_inner_dim=true emulate=true

