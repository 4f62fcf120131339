// RUN: fp8-opt %s -split-input-file | FileCheck %s
// RUN: fp8-opt %s -split-input-file | fp8-opt -split-input-file | FileCheck %s

// Defaults are omitted when printed; torchao's short spellings parse.
// CHECK-LABEL: func @cast_configs
// CHECK-SAME: a = #fp8.cast<>
// CHECK-SAME: b = #fp8.cast<scaling = disabled>
// CHECK-SAME: c = #fp8.cast<granularity = axiswise, dtype = f8E4M3FN>
// CHECK-SAME: d = #fp8.cast<granularity = axiswise, dtype = e5m2>
// CHECK-SAME: e = #fp8.cast<>
// CHECK-SAME: f = #fp8.cast<dtype = f8E5M2FNUZ>
// CHECK-SAME: g = #fp8.cast<scaling = disabled, dtype = e4m3>
func.func @cast_configs() attributes {
    a = #fp8.cast<>,
    b = #fp8.cast<scaling = disabled>,
    c = #fp8.cast<granularity = axiswise, dtype = f8E4M3FN>,
    d = #fp8.cast<dtype=e5m2,scaling=dyn,granularity=axs>,
    e = #fp8.cast<scaling = dynamic, granularity = ten>,
    f = #fp8.cast<dtype = f8E5M2FNUZ>,
    g = #fp8.cast<scaling = dis, dtype = e4m3>} {
  return
}

// -----

// CHECK-LABEL: func @gemm_configs
// CHECK-SAME: a = #fp8.gemm<fast_accum = true>
// CHECK-SAME: b = #fp8.gemm<>
// CHECK-SAME: c = #fp8.gemm<>
func.func @gemm_configs() attributes {
    a = #fp8.gemm<fast_accum = true>,
    b = #fp8.gemm<fast_accum = false>,
    c = #fp8.gemm<>} {
  return
}

// -----

// The recipes print as their names; the default config is the tensorwise
// recipe and prints as #fp8.linear<>.
// CHECK-LABEL: func @linear_configs
// CHECK-SAME: a = #fp8.linear<>
// CHECK-SAME: b = #fp8.linear<>
// CHECK-SAME: c = #fp8.linear<recipe = rowwise>
// CHECK-SAME: d = #fp8.linear<recipe = rowwise_with_gw_hp>
// CHECK-SAME: e = #fp8.linear<recipe = rowwise, pad_inner_dim = true>
// CHECK-SAME: f = #fp8.linear<input = #fp8.cast<granularity = axiswise>, weight = #fp8.cast<granularity = axiswise>, output_gemm = #fp8.gemm<>, pad_inner_dim = true, emulate = true>
// CHECK-SAME: g = #fp8.linear<recipe = rowwise>
// CHECK-SAME: h = #fp8.linear<round_scales_to_power_of_2 = true>
// CHECK-SAME: i = #fp8.linear<recipe = rowwise_with_gw_hp, grad_input_gemm = #fp8.gemm<fast_accum = true>, emulate = true>
// CHECK-SAME: j = #fp8.linear<fsdp_float8_all_gather = true>
// CHECK-SAME: k = #fp8.linear<grad_output = #fp8.cast<dtype = e4m3>, grad_output_for_grad_weight = #fp8.cast<dtype = e4m3>>
func.func @linear_configs() attributes {
    a = #fp8.linear<>,
    b = #fp8.linear<recipe = tensorwise>,
    c = #fp8.linear<recipe = rowwise>,
    d = #fp8.linear<recipe = rowwise_with_gw_hp>,
    e = #fp8.linear<recipe = rowwise, pad_inner_dim = true>,
    f = #fp8.linear<input = #fp8.cast<granularity = axiswise>, weight = #fp8.cast<granularity = axiswise>,
                    output_gemm = #fp8.gemm<fast_accum = false>, pad_inner_dim = true, emulate = true>,
    g = #fp8.linear<input=#fp8.cast<granularity=axiswise,dtype=e4m3>,weight=#fp8.cast<granularity=axiswise,dtype=e4m3>,grad_output=#fp8.cast<granularity=axiswise,dtype=e4m3>,round_scales_to_power_of_2=true>,
    h = #fp8.linear<round_scales_to_power_of_2 = true>,
    i = #fp8.linear<recipe = rowwise_with_gw_hp, emulate = true, grad_input_gemm = #fp8.gemm<fast_accum = true>>,
    j = #fp8.linear<fsdp_float8_all_gather = true>,
    k = #fp8.linear<grad_output = #fp8.cast<dtype = e4m3>, grad_output_for_grad_weight = #fp8.cast<dtype = e4m3>>} {
  return
}

// -----

// CHECK-LABEL: func @type_config
// CHECK-SAME: a = #fp8.type_config<fnuz>
// CHECK-SAME: b = #fp8.type_config<ocp>
func.func @type_config() attributes {a = #fp8.type_config<fnuz>, b = #fp8.type_config<ocp>} {
  return
}
