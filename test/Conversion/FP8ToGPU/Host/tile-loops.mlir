// RUN: fp8-opt %s -split-input-file --fp8-tile-loops-for-gpu | FileCheck %s
// RUN: fp8-opt %s -split-input-file --fp8-tile-loops-for-gpu --gpu-map-parallel-loops | FileCheck %s --check-prefix=GPU

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

// Two dimensions: collapsed into one loop over A x B points (the second
// dimension fastest), tiled by 256 like a one-dimensional loop; each point
// recovers its indices inside the bounds check.
// CHECK-LABEL: func @two_dims
// CHECK-SAME: %[[M:[^:]+]]: memref<?x?xf32>, %[[A:[^:]+]]: index, %[[B:[^:]+]]: index
// CHECK: %[[A1:.+]] = arith.muli %{{.+}}, %[[A]] : index
// CHECK: %[[N:.+]] = arith.muli %[[A1]], %[[B]] : index
// CHECK: %[[STEP:.+]] = arith.muli %c1{{.*}}, %c256{{.*}} : index
// CHECK: scf.parallel (%[[I:.+]]) = (%{{.+}}) to (%[[N]]) step (%[[STEP]])
// CHECK:   scf.parallel (%[[J:.+]]) = (%{{.+}}) to (%[[STEP]])
// CHECK:     %[[K:.+]] = arith.addi %[[J]], %[[I]] : index
// CHECK:     %[[IN:.+]] = arith.cmpi ult, %{{.+}}, %[[N]] : index
// CHECK:     scf.if
// CHECK:       %[[COL:.+]] = arith.remsi %[[K]], %[[B]] : index
// CHECK:       %[[ROW:.+]] = arith.divsi %[[K]], %[[B]] : index
// CHECK:       memref.store %{{.+}}, %[[M]][%[[ROW]], %[[COL]]] : memref<?x?xf32>
// CHECK-NOT: scf.parallel
func.func @two_dims(%m: memref<?x?xf32>, %a: index, %b: index, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%a, %b) step (%c1, %c1) {
    memref.store %v, %m[%i, %j] : memref<?x?xf32>
  }
  return
}

// -----

// Three dimensions (B, S, H = 2 x 16 x 131072 logits): one loop of
// 4,194,304 points in workgroups of 256, all full, so the launch has
// 16,384 workgroups along x (mapped as they were, S / 256 would go on y with
// 240 of 256 threads idle and H on z, over its 65,535 limit).
// CHECK-LABEL: func @logits
// CHECK: %[[N:.+]] = arith.muli %{{.+}}, %c131072{{.*}} : index
// CHECK: scf.parallel (%{{.+}}) = (%{{.+}}) to (%[[N]]) step (%{{.+}})
// CHECK:   scf.parallel
// CHECK:     scf.if
// CHECK:       %[[H:.+]] = arith.remsi %{{.+}}, %c131072{{.*}} : index
// CHECK:       %[[BS:.+]] = arith.divsi %{{.+}}, %c131072{{.*}} : index
// CHECK:       %[[S:.+]] = arith.remsi %[[BS]], %c16{{.*}} : index
// CHECK:       %[[B:.+]] = arith.divsi %[[BS]], %c16{{.*}} : index
// CHECK:       memref.store %{{.+}}, %{{.+}}[%[[B]], %[[S]], %[[H]]] : memref<2x16x131072xf32>
// CHECK-NOT: scf.parallel
// The tiles map to blockIdx.x, their points to threadIdx.x.
// GPU-LABEL: func @logits
// GPU: } {mapping = [#gpu.loop_dim_map<processor = thread_x, map = (d0) -> (d0), bound = (d0) -> (d0)>]}
// GPU: } {mapping = [#gpu.loop_dim_map<processor = block_x, map = (d0) -> (d0), bound = (d0) -> (d0)>]}
func.func @logits(%m: memref<2x16x131072xf32>, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %h = arith.constant 131072 : index
  scf.parallel (%b, %s, %i) = (%c0, %c0, %c0) to (%c2, %c16, %h) step (%c1, %c1, %c1) {
    memref.store %v, %m[%b, %s, %i] : memref<2x16x131072xf32>
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
