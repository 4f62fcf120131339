// fp8 attributes that configure nothing are warned about, and the rest of
// the module is rewritten as without them.
// RUN: fp8-opt %s -split-input-file --fp8-rewrite-matmul -verify-diagnostics | FileCheck %s

// A role only means something on a matmul; a config on an op that neither
// is nor contains a matmul configures nothing.
// CHECK-LABEL: func @elementwise
// CHECK-NOT: fp8.amax
// CHECK: linalg.generic {{.+}} attrs = {fp8.config = #fp8.linear<recipe = rowwise>, fp8.role = "output"}
// CHECK-NOT: fp8.cast
func.func @elementwise(%x: tensor<16x32xbf16>, %init: tensor<16x32xbf16>) -> tensor<16x32xbf16> {
  // expected-warning @below {{'fp8.role' is ignored on 'linalg.generic': only contractions (linalg.matmul, batch_matmul, contract or a multiply-add linalg.generic) take a role}}
  // expected-warning @below {{'fp8.config' on 'linalg.generic' configures no matmul: it applies to the contractions it is on or that are nested in it}}
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<16x32xbf16>) outs(%init : tensor<16x32xbf16>) attrs = {fp8.role = "output", fp8.config = #fp8.linear<recipe = rowwise>} {
  ^bb0(%a: bf16, %b: bf16):
    linalg.yield %a : bf16
  } -> tensor<16x32xbf16>
  return %y : tensor<16x32xbf16>
}

// -----

// A config on a function with no matmul configures nothing; on a function
// that holds one it configures it (no warning), as does a role on the
// matmul itself.
// CHECK-LABEL: func @no_matmul
// expected-warning @below {{'fp8.config' on 'func.func' configures no matmul}}
func.func @no_matmul(%x: tensor<16xbf16>) -> tensor<16xbf16> attributes {fp8.config = #fp8.linear<recipe = tensorwise>} {
  return %x : tensor<16xbf16>
}
// CHECK-LABEL: func @with_matmul
// CHECK: fp8.scaled_matmul
func.func @with_matmul(%a: tensor<16x32xbf16>, %b: tensor<32x16xbf16>, %c: tensor<16x16xbf16>) -> tensor<16x16xbf16> attributes {fp8.config = #fp8.linear<recipe = tensorwise>} {
  %r = linalg.matmul {fp8.role = "grad_input"} ins(%a, %b : tensor<16x32xbf16>, tensor<32x16xbf16>) outs(%c : tensor<16x16xbf16>) -> tensor<16x16xbf16>
  return %r : tensor<16x16xbf16>
}
