// --fp8-split-deallocs: a dealloc of distinct allocations becomes one per
// allocation, each keeping only the retained values that may alias it.
// RUN: fp8-opt %s -split-input-file --fp8-split-deallocs | FileCheck %s

// Three allocations (one through a view), the argument under a false
// condition dropped, %r retained: it is %a's allocation, so only %a's
// dealloc keeps it; %arg (not an allocation here) is kept by all three,
// and its updated condition is their disjunction.
// CHECK-LABEL: func.func @split(
// CHECK-SAME: %[[ARG:.+]]: memref<4xf32>, %[[C:.+]]: i1)
// CHECK: %[[A:.+]] = memref.alloc() : memref<4xf32>
// CHECK: %[[B:.+]] = memref.alloc() : memref<8xf32>
// CHECK: %[[V:.+]] = memref.subview %[[B]]
// CHECK: %[[D:.+]] = memref.alloca() : memref<2xf32>
// CHECK: %[[DA:.+]]:2 = bufferization.dealloc (%[[A]] : memref<4xf32>) if (%[[C]]) retain (%[[A]], %[[ARG]] : memref<4xf32>, memref<4xf32>)
// CHECK: %[[DB:.+]] = bufferization.dealloc (%[[V]] : memref<4xf32, strided<[1], offset: 4>>) if (%[[C]]) retain (%[[ARG]] : memref<4xf32>)
// CHECK: %[[OR1:.+]] = arith.ori %[[DA]]#1, %[[DB]] : i1
// CHECK: %[[DD:.+]] = bufferization.dealloc (%[[D]] : memref<2xf32>) if (%[[C]]) retain (%[[ARG]] : memref<4xf32>)
// CHECK: %[[OR2:.+]] = arith.ori %[[OR1]], %[[DD]] : i1
// CHECK-NOT: bufferization.dealloc
// CHECK: return %[[DA]]#0, %[[OR2]]
func.func @split(%arg: memref<4xf32>, %c: i1) -> (i1, i1) {
  %false = arith.constant false
  %a = memref.alloc() : memref<4xf32>
  %b = memref.alloc() : memref<8xf32>
  %v = memref.subview %b[4] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1], offset: 4>>
  %d = memref.alloca() : memref<2xf32>
  %r:2 = bufferization.dealloc (%arg, %a, %v, %d : memref<4xf32>, memref<4xf32>, memref<4xf32, strided<[1], offset: 4>>, memref<2xf32>) if (%false, %c, %c, %c) retain (%a, %arg : memref<4xf32>, memref<4xf32>)
  return %r#0, %r#1 : i1, i1
}

// -----

// Left alone: two buffers of one allocation (they alias), and a buffer
// that is not an allocation of the function (a block argument under a
// condition that is not constant false).
// CHECK-LABEL: func.func @same_allocation(
// CHECK: bufferization.dealloc (%{{.+}}, %{{.+}} : memref<8xf32>, memref<4xf32, strided<[1], offset: 4>>)
// CHECK-LABEL: func.func @not_an_allocation(
// CHECK: bufferization.dealloc (%{{.+}}, %{{.+}} : memref<4xf32>, memref<4xf32>)
func.func @same_allocation(%c: i1) {
  %b = memref.alloc() : memref<8xf32>
  %v = memref.subview %b[4] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1], offset: 4>>
  bufferization.dealloc (%b, %v : memref<8xf32>, memref<4xf32, strided<[1], offset: 4>>) if (%c, %c)
  return
}
func.func @not_an_allocation(%arg: memref<4xf32>, %c: i1) {
  %a = memref.alloc() : memref<4xf32>
  bufferization.dealloc (%arg, %a : memref<4xf32>, memref<4xf32>) if (%c, %c)
  return
}
