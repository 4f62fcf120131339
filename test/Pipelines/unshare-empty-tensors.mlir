// RUN: fp8-opt %s --fp8-unshare-empty-tensors | FileCheck %s
// RUN: fp8-opt %s --fp8-unshare-empty-tensors="max-elements=16" | FileCheck %s --check-prefix=SIXTEEN

// One-element tensor.empty ops shared by several writers (as CSE leaves the
// scales' destinations of a model) get one per use in their block; larger
// ones stay shared; a use inside a loop keeps sharing (no allocation moves
// into the loop).
// CHECK-LABEL: func @shared
// CHECK: %[[E:.+]] = tensor.empty() : tensor<1xf32>
// CHECK: %[[BIG:.+]] = tensor.empty() : tensor<4x4xf32>
// CHECK: %[[E1:.+]] = tensor.empty() : tensor<1xf32>
// CHECK-NEXT: linalg.fill {{.+}} outs(%[[E1]] :
// CHECK: %[[E2:.+]] = tensor.empty() : tensor<1xf32>
// CHECK-NEXT: linalg.copy {{.+}} outs(%[[E2]] :
// CHECK: scf.for
// CHECK-NOT: tensor.empty
// CHECK: linalg.copy {{.+}} outs(%[[E]] :
// CHECK: linalg.copy {{.+}} outs(%[[BIG]] :
// CHECK: linalg.fill {{.+}} outs(%[[BIG]] :
// CHECK: linalg.fill {{.+}} outs(%[[E]] :
// SIXTEEN-LABEL: func @shared
// SIXTEEN-COUNT-2: tensor.empty() : tensor<4x4xf32>
func.func @shared(%a: tensor<1xf32>, %b: tensor<4x4xf32>, %n: index) -> (tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<4x4xf32>, tensor<4x4xf32>) {
  %e = tensor.empty() : tensor<1xf32>
  %big = tensor.empty() : tensor<4x4xf32>
  %one = arith.constant 1.0 : f32
  %r0 = linalg.fill ins(%one : f32) outs(%e : tensor<1xf32>) -> tensor<1xf32>
  %r1 = linalg.copy ins(%a : tensor<1xf32>) outs(%e : tensor<1xf32>) -> tensor<1xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %loop = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %a) -> tensor<1xf32> {
    %r = linalg.copy ins(%acc : tensor<1xf32>) outs(%e : tensor<1xf32>) -> tensor<1xf32>
    scf.yield %r : tensor<1xf32>
  }
  %b0 = linalg.copy ins(%b : tensor<4x4xf32>) outs(%big : tensor<4x4xf32>) -> tensor<4x4xf32>
  %b1 = linalg.fill ins(%one : f32) outs(%big : tensor<4x4xf32>) -> tensor<4x4xf32>
  %r2 = linalg.fill ins(%one : f32) outs(%e : tensor<1xf32>) -> tensor<1xf32>
  return %r0, %r1, %r2, %b0, %b1 : tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<4x4xf32>, tensor<4x4xf32>
}
