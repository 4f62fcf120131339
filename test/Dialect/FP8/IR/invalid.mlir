// RUN: fp8-opt %s -split-input-file -verify-diagnostics

// expected-error@+1 {{only dynamic scaling type is supported for axiswise scaling granularity}}
func.func @axiswise_disabled() attributes {a = #fp8.cast<scaling = disabled, granularity = axiswise>} { return }

// -----

// expected-error@+1 {{must specify an 8-bit floating-point dtype, got 'f16'}}
func.func @dtype_f16() attributes {a = #fp8.cast<dtype = f16>} { return }

// -----

// expected-error@+1 {{must specify an 8-bit floating-point dtype, got 'i8'}}
func.func @dtype_i8() attributes {a = #fp8.cast<dtype = i8>} { return }

// -----

// f8E8M0FNU is 8 bits wide but has no mantissa.
// expected-error@+1 {{must specify an 8-bit floating-point dtype, got 'f8E8M0FNU'}}
func.func @dtype_e8m0() attributes {a = #fp8.cast<dtype = f8E8M0FNU>} { return }

// -----

// expected-error@+2 {{unknown scaling type 'static'; expected one of 'dynamic' ('dyn'), 'disabled' ('dis')}}
// expected-error@+1 {{failed to parse FP8_CastConfigAttr parameter 'scaling'}}
func.func @bad_scaling() attributes {a = #fp8.cast<scaling = static>} { return }

// -----

// expected-error@+2 {{unknown scaling granularity 'rowwise'; expected one of 'tensorwise' ('ten'), 'axiswise' ('axs')}}
// expected-error@+1 {{failed to parse FP8_CastConfigAttr parameter 'granularity'}}
func.func @bad_granularity() attributes {a = #fp8.cast<granularity = rowwise>} { return }

// -----

// expected-error@+1 {{incompatible operand precision for output}}
func.func @precision_output() attributes {a = #fp8.linear<input = #fp8.cast<scaling = disabled>>} { return }

// -----

// expected-error@+1 {{incompatible operand precision for grad_input}}
func.func @precision_grad_input() attributes {a = #fp8.linear<weight_for_grad_input = #fp8.cast<scaling = disabled>>} { return }

// -----

// torchao's seed compares the first operand with itself, so it accepts this
// config; the fixed check compares input_for_grad_weight with
// grad_output_for_grad_weight.
// expected-error@+1 {{incompatible operand precision for grad_weight}}
func.func @precision_grad_weight() attributes {a = #fp8.linear<input_for_grad_weight = #fp8.cast<scaling = disabled>>} { return }

// -----

// expected-error@+1 {{input must be cast to the same dtype in both matmuls it's used in}}
func.func @input_dtype() attributes {a = #fp8.linear<input_for_grad_weight = #fp8.cast<dtype = e5m2>>} { return }

// -----

// grad_output defaults to e5m2 in the gemm that does not override it.
// expected-error@+1 {{grad_output must be cast to the same dtype in both matmuls it's used in}}
func.func @grad_output_dtype() attributes {a = #fp8.linear<grad_output_for_grad_weight = #fp8.cast<dtype = e4m3>>} { return }

// -----

// An explicit OCP type and the abstract e4m3 only agree under ocp.
// expected-error@+1 {{weight must be cast to the same dtype in both matmuls it's used in}}
func.func @weight_dtype() attributes {a = #fp8.linear<weight = #fp8.cast<dtype = f8E4M3FN>, weight_for_grad_input = #fp8.cast<dtype = e4m3>>} { return }

// -----

// expected-error@+1 {{fsdp_float8_all_gather only supports tensorwise scaling granularity, got axiswise weight}}
func.func @fsdp_axiswise() attributes {a = #fp8.linear<recipe = rowwise, fsdp_float8_all_gather = true>} { return }

// -----

// expected-error@+1 {{unknown recipe 'blockwise'; valid recipe names are 'tensorwise', 'rowwise', 'rowwise_with_gw_hp'}}
func.func @unknown_recipe() attributes {a = #fp8.linear<recipe = blockwise>} { return }

// -----

// expected-error@+1 {{unknown key 'inputs' in #fp8.linear; expected one of recipe, input, input_for_grad_weight, weight}}
func.func @unknown_key() attributes {a = #fp8.linear<inputs = #fp8.cast<>>} { return }

// -----

// expected-error@+1 {{duplicate key 'emulate'}}
func.func @duplicate_key() attributes {a = #fp8.linear<emulate = true, emulate = false>} { return }

// -----

// expected-error@+1 {{'recipe' must come first, before the fields it overrides}}
func.func @recipe_last() attributes {a = #fp8.linear<emulate = true, recipe = rowwise>} { return }

// -----

// expected-error@+1 {{expected 'true' or 'false', got 'yes'}}
func.func @bad_bool() attributes {a = #fp8.linear<emulate = yes>} { return }

// -----

// expected-error@+1 {{expected #fp8.cast<...>, got #fp8.gemm<>}}
func.func @wrong_field_attr() attributes {a = #fp8.linear<input = #fp8.gemm<>>} { return }

// -----

// expected-error@+1 {{expected #fp8.gemm<...>, got #fp8.cast<>}}
func.func @wrong_gemm_attr() attributes {a = #fp8.linear<output_gemm = #fp8.cast<>>} { return }

// -----

// expected-error@+1 {{duplicate or unknown struct parameter name: scaling}}
func.func @duplicate_cast_key() attributes {a = #fp8.cast<scaling = dynamic, scaling = disabled>} { return }

// -----

// expected-warning@+1 {{`force_recompute_fp8_weight_in_bwd` is deprecated and has no effect}}
func.func @deprecated() attributes {a = #fp8.linear<force_recompute_fp8_weight_in_bwd = true>} { return }

// -----

func.func @amax_bad_result(%x: tensor<16x32xbf16>) {
  // expected-error@+1 {{result type 'tensor<1x32xf32>' does not match the expected 'tensor<16x1xf32>'}}
  %0 = fp8.amax %x axiswise(1) : tensor<16x32xbf16> -> tensor<1x32xf32>
  return
}

// -----

func.func @amax_axis_range(%x: tensor<16x32xbf16>) {
  // expected-error@+1 {{axis 2 is out of range for a rank-2 input with 0 batch dimension(s)}}
  %0 = fp8.amax %x axiswise(2) : tensor<16x32xbf16> -> tensor<16x32xf32>
  return
}

// -----

func.func @amax_axis_batch(%x: tensor<2x16x32xbf16>) {
  // expected-error@+1 {{axis 0 is out of range for a rank-3 input with 1 batch dimension(s)}}
  %0 = fp8.amax %x axiswise(0) batch(1) : tensor<2x16x32xbf16> -> tensor<1x16x32xf32>
  return
}

// -----

func.func @amax_batch_all(%x: tensor<16x32xbf16>) {
  // expected-error@+1 {{batch(2) leaves no dimension to reduce in a rank-2 input}}
  %0 = fp8.amax %x tensorwise batch(2) : tensor<16x32xbf16> -> tensor<16x32xf32>
  return
}

// -----

func.func @amax_int(%x: tensor<16x32xi8>) {
  // expected-error@+1 {{operand #0 must be ranked tensor of bfloat16 type or 16-bit float or 32-bit float values}}
  %0 = fp8.amax %x tensorwise : tensor<16x32xi8> -> tensor<f32>
  return
}

// -----

func.func @amax_to_scale_dtype(%a: tensor<f32>) {
  // expected-error@+1 {{attribute 'dtype' failed to satisfy constraint: type attribute of 8-bit float with a mantissa}}
  %0 = fp8.amax_to_scale %a : tensor<f32> for bf16
  return
}

// -----

func.func @cast_shape(%x: tensor<16x32xbf16>, %s: tensor<f32>) {
  // expected-error@+1 {{result shape 'tensor<16x16xf8E4M3FN>' does not match the input shape 'tensor<16x32xbf16>'}}
  %0 = fp8.cast %x, %s : tensor<16x32xbf16>, tensor<f32> -> tensor<16x16xf8E4M3FN>
  return
}

// -----

func.func @cast_scale_shape(%x: tensor<16x32xbf16>, %s: tensor<16x2xf32>) {
  // expected-error@+1 {{scale dimension 1 is 2, expected 1 or 32}}
  %0 = fp8.cast %x, %s : tensor<16x32xbf16>, tensor<16x2xf32> -> tensor<16x32xf8E4M3FN>
  return
}

// -----

func.func @cast_scale_rank(%x: tensor<16x32xbf16>, %s: tensor<16xf32>) {
  // expected-error@+1 {{scale must be rank 0 or have rank 2, got 'tensor<16xf32>'}}
  %0 = fp8.cast %x, %s : tensor<16x32xbf16>, tensor<16xf32> -> tensor<16x32xf8E4M3FN>
  return
}

// -----

func.func @cast_to_f16(%x: tensor<16x32xbf16>, %s: tensor<f32>) {
  // expected-error@+1 {{result #0 must be ranked tensor of 8-bit float with a mantissa values}}
  %0 = fp8.cast %x, %s : tensor<16x32xbf16>, tensor<f32> -> tensor<16x32xf16>
  return
}

// -----

func.func @matmul_k(%a: tensor<16x32xf8E4M3FN>, %b: tensor<48x64xf8E4M3FN>, %s: tensor<f32>) {
  // expected-error@+1 {{contraction dimensions differ: lhs has K = 32, rhs has K = 48}}
  %0 = fp8.scaled_matmul %a, %b scales(%s, %s) : tensor<16x32xf8E4M3FN>, tensor<48x64xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<16x64xbf16>
  return
}

// -----

func.func @matmul_result(%a: tensor<16x32xf8E4M3FN>, %b: tensor<32x64xf8E4M3FN>, %s: tensor<f32>) {
  // expected-error@+1 {{result type 'tensor<16x32xbf16>' does not match M = 16, N = 64}}
  %0 = fp8.scaled_matmul %a, %b scales(%s, %s) : tensor<16x32xf8E4M3FN>, tensor<32x64xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<16x32xbf16>
  return
}

// -----

func.func @matmul_rank(%a: tensor<16x32xf8E4M3FN>, %b: tensor<2x32x64xf8E4M3FN>, %s: tensor<f32>) {
  // expected-error@+1 {{expects lhs, rhs and result of one rank >= 2, got 'tensor<16x32xf8E4M3FN>', 'tensor<2x32x64xf8E4M3FN>' and 'tensor<16x64xbf16>'}}
  %0 = fp8.scaled_matmul %a, %b scales(%s, %s) : tensor<16x32xf8E4M3FN>, tensor<2x32x64xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<16x64xbf16>
  return
}

// -----

func.func @matmul_batch(%a: tensor<2x16x32xf8E4M3FN>, %b: tensor<3x32x64xf8E4M3FN>, %s: tensor<f32>) {
  // expected-error@+1 {{batch dimension 0 differs between operands and result}}
  %0 = fp8.scaled_matmul %a, %b scales(%s, %s) : tensor<2x16x32xf8E4M3FN>, tensor<3x32x64xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<2x16x64xbf16>
  return
}

// -----

func.func @matmul_lhs_scale(%a: tensor<16x32xf8E4M3FN>, %b: tensor<32x64xf8E4M3FN>, %sa: tensor<1x32xf32>, %s: tensor<f32>) {
  // expected-error@+1 {{lhs_scale has type 'tensor<1x32xf32>'; expected rank 0 or shape [16|1x1]}}
  %0 = fp8.scaled_matmul %a, %b scales(%sa, %s) : tensor<16x32xf8E4M3FN>, tensor<32x64xf8E4M3FN>, tensor<1x32xf32>, tensor<f32> -> tensor<16x64xbf16>
  return
}

// -----

func.func @matmul_rhs_scale(%a: tensor<16x32xf8E4M3FN>, %b: tensor<32x64xf8E4M3FN>, %sb: tensor<64x1xf32>, %s: tensor<f32>) {
  // expected-error@+1 {{rhs_scale has type 'tensor<64x1xf32>'; expected rank 0 or shape [1x64|1]}}
  %0 = fp8.scaled_matmul %a, %b scales(%s, %sb) : tensor<16x32xf8E4M3FN>, tensor<32x64xf8E4M3FN>, tensor<f32>, tensor<64x1xf32> -> tensor<16x64xbf16>
  return
}

// -----

func.func @matmul_int_result(%a: tensor<16x32xf8E4M3FN>, %b: tensor<32x64xf8E4M3FN>, %s: tensor<f32>) {
  // expected-error@+1 {{result #0 must be ranked tensor of bfloat16 type or 16-bit float or 32-bit float values}}
  %0 = fp8.scaled_matmul %a, %b scales(%s, %s) : tensor<16x32xf8E4M3FN>, tensor<32x64xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<16x64xi32>
  return
}

// -----

func.func @matmul_hp_operand(%a: tensor<16x32xbf16>, %b: tensor<32x64xf8E4M3FN>, %s: tensor<f32>) {
  // expected-error@+1 {{operand #0 must be ranked tensor of 8-bit float with a mantissa values}}
  %0 = fp8.scaled_matmul %a, %b scales(%s, %s) : tensor<16x32xbf16>, tensor<32x64xf8E4M3FN>, tensor<f32>, tensor<f32> -> tensor<16x64xbf16>
  return
}

// -----

func.func @amax_tensorwise_axis(%x: tensor<16x32xbf16>) {
  // expected-error@+1 {{tensorwise amax takes no axis}}
  %0 = "fp8.amax"(%x) <{granularity = #fp8.granularity<tensorwise>, axis = 1 : i64, batch_dims = 0 : i64}> : (tensor<16x32xbf16>) -> tensor<f32>
  return
}
