// RUN: fp8-opt %s -split-input-file --fp8-rewrite-matmul | FileCheck %s

// type-config=auto reads the GPU targets of the module.
// CHECK-LABEL: func @rocdl_gfx942
// CHECK: fp8.amax_to_scale %{{.+}} : tensor<f32> for f8E4M3FNUZ
// CHECK: fp8.scaled_matmul {{.+}} : tensor<16x32xf8E4M3FNUZ>, tensor<32x64xf8E4M3FNUZ>
module {
  gpu.module @kernels [#rocdl.target<chip = "gfx942">] {}
  func.func @rocdl_gfx942(%a: tensor<16x32xbf16>, %b: tensor<32x64xbf16>) -> tensor<16x64xbf16> {
    %e = tensor.empty() : tensor<16x64xbf16>
    %r = linalg.matmul ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
    return %r : tensor<16x64xbf16>
  }
}

// -----

// CHECK-LABEL: func @rocdl_gfx950
// CHECK: fp8.scaled_matmul {{.+}} : tensor<16x32xf8E4M3FN>, tensor<32x64xf8E4M3FN>
module {
  gpu.module @kernels [#rocdl.target<chip = "gfx950">] {}
  func.func @rocdl_gfx950(%a: tensor<16x32xbf16>, %b: tensor<32x64xbf16>) -> tensor<16x64xbf16> {
    %e = tensor.empty() : tensor<16x64xbf16>
    %r = linalg.matmul ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
    return %r : tensor<16x64xbf16>
  }
}

// -----

// CHECK-LABEL: func @nvvm_sm90a
// CHECK: fp8.scaled_matmul {{.+}} : tensor<16x32xf8E4M3FN>, tensor<32x64xf8E4M3FN>
module {
  gpu.module @kernels [#nvvm.target<chip = "sm_90a">] {}
  func.func @nvvm_sm90a(%a: tensor<16x32xbf16>, %b: tensor<32x64xbf16>) -> tensor<16x64xbf16> {
    %e = tensor.empty() : tensor<16x64xbf16>
    %r = linalg.matmul ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
    return %r : tensor<16x64xbf16>
  }
}

// -----

// Two MI300 modules agree.
// CHECK-LABEL: func @two_mi300
// CHECK: fp8.scaled_matmul {{.+}} : tensor<16x32xf8E4M3FNUZ>, tensor<32x64xf8E4M3FNUZ>
module {
  gpu.module @a [#rocdl.target<chip = "gfx942">] {}
  gpu.module @b [#rocdl.target<chip = "gfx940">] {}
  func.func @two_mi300(%a: tensor<16x32xbf16>, %b: tensor<32x64xbf16>) -> tensor<16x64xbf16> {
    %e = tensor.empty() : tensor<16x64xbf16>
    %r = linalg.matmul ins(%a, %b : tensor<16x32xbf16>, tensor<32x64xbf16>) outs(%e : tensor<16x64xbf16>) -> tensor<16x64xbf16>
    return %r : tensor<16x64xbf16>
  }
}
