// RUN: fp8-opt %s -split-input-file --fp8-tile-loops-for-gpu | FileCheck %s

// A one-dimensional elementwise loop: tiles of 256 (workgroups of 256
// threads after gpu-map-parallel-loops), a bounds check inside.
// CHECK-LABEL: func @one_dim(
// CHECK-SAME: %[[M:[^:]+]]: memref<?xf32>, %[[N:[^:]+]]: index
// CHECK: %[[STEP:.+]] = arith.muli %c1{{.*}}, %c256{{.*}} : index
// CHECK: scf.parallel (%[[I:.+]]) = (%{{.+}}) to (%[[N]]) step (%[[STEP]])
// CHECK:   scf.parallel (%[[J:.+]]) = (%{{.+}}) to (%[[STEP]])
// CHECK:     %[[K:.+]] = arith.addi %[[J]], %[[I]] : index
// CHECK:     %[[IN:.+]] = arith.cmpi ult, %{{.+}}, %[[N]] : index
// CHECK:     %[[OK:.+]] = arith.andi %{{.+}}, %[[IN]] : i1
// CHECK:     scf.if %[[OK]]
// CHECK:       memref.store %{{.+}}, %[[M]][%[[K]]] : memref<?xf32>
func.func @one_dim(%m: memref<?xf32>, %n: index, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %v, %m[%i] : memref<?xf32>
  }
  return
}

// -----

// Two dimensions: 1 along the first, 256 along the second (as before).
// CHECK-LABEL: func @two_dims
// CHECK: %[[S0:.+]] = arith.muli %c1{{.*}}, %c1{{.*}} : index
// CHECK: %[[S1:.+]] = arith.muli %c1{{.*}}, %c256{{.*}} : index
// CHECK: scf.parallel (%{{.+}}, %{{.+}}) = (%{{.+}}, %{{.+}}) to (%{{.+}}, %{{.+}}) step (%[[S0]], %[[S1]])
// CHECK:   scf.parallel (%{{.+}}, %{{.+}}) = (%{{.+}}, %{{.+}}) to (%[[S0]], %[[S1]])
func.func @two_dims(%m: memref<?x?xf32>, %a: index, %b: index, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%a, %b) step (%c1, %c1) {
    memref.store %v, %m[%i, %j] : memref<?x?xf32>
  }
  return
}

// -----

// Loops with reductions are left alone.
// CHECK-LABEL: func @reduction
// CHECK: scf.parallel
// CHECK-NOT: scf.parallel
// CHECK: scf.reduce
func.func @reduction(%m: memref<?xf32>, %n: index) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %r = scf.parallel (%i) = (%c0) to (%n) step (%c1) init (%zero) -> f32 {
    %x = memref.load %m[%i] : memref<?xf32>
    scf.reduce(%x : f32) {
    ^bb0(%l: f32, %r: f32):
      %s = arith.addf %l, %r : f32
      scf.reduce.return %s : f32
    }
  }
  return %r : f32
}
