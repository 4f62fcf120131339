// RUN: fp8-opt %s -split-input-file -verify-diagnostics --fp8-prepare-shard-for-mpi
// RUN: not fp8-opt %s -split-input-file --fp8-prepare-shard-for-mpi="mpi=openmpi" 2>&1 | FileCheck %s --check-prefix=OMPI
// RUN: not fp8-opt %s -split-input-file --fp8-prepare-shard-for-mpi="mpi=lam" 2>&1 | FileCheck %s --check-prefix=LAM
// RUN: not fp8-opt %s -split-input-file --fp8-cpu-pipeline="mpi=openmpi" 2>&1 | FileCheck %s --check-prefix=OMPI
// OMPI: error: fp8-prepare-shard-for-mpi: MLIR 22 cannot lower MPI calls for OpenMPI (wrong handles for OpenMPI 4); use mpi=mpich
// LAM: error: fp8-prepare-shard-for-mpi: unknown MPI implementation 'lam'; expected mpich

shard.grid @grid(shape = 2)
func.func @dynamic(%x: tensor<?x4xbf16>) -> tensor<?x4xbf16> {
  // expected-error@+1 {{fp8-prepare-shard-for-mpi: all-gathers need static shapes}}
  %g = shard.all_gather %x on @grid grid_axes = [0] gather_axis = 0 : tensor<?x4xbf16> -> tensor<?x4xbf16>
  return %g : tensor<?x4xbf16>
}

// -----

shard.grid @grid(shape = 2)
func.func @index(%x: tensor<2x4xindex>) -> tensor<4x4xindex> {
  // expected-error@+1 {{fp8-prepare-shard-for-mpi: cannot gather 'index' elements}}
  %g = shard.all_gather %x on @grid grid_axes = [0] gather_axis = 0 : tensor<2x4xindex> -> tensor<4x4xindex>
  return %g : tensor<4x4xindex>
}
