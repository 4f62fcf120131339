// Every pipeline ends with a check that everything reached the LLVM dialect
// (or, on GPUs, kernel binaries and their launches): an op no pass lowers
// is a located error and a non-zero exit, not output that only looks
// lowered (linalg.softmax used to survive with exit status 0).
// RUN: fp8-opt %s -verify-diagnostics --fp8-cpu-pipeline
// RUN: fp8-opt %s -verify-diagnostics --fp8-nvvm-pipeline
// RUN: fp8-opt %s -verify-diagnostics --fp8-rocdl-pipeline
//
// An unknown kernel format is an error of the option, with exit status 1
// (it used to print an error and exit 0 with no kernels serialized).
// RUN: not fp8-opt %s --fp8-nvvm-pipeline="format=bogus" 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: not fp8-opt %s --fp8-rocdl-pipeline="format=bogus" 2>&1 | FileCheck %s --check-prefix=FORMAT
// FORMAT: for the --format option: Cannot find option named 'bogus'!

func.func @contract(%a: vector<2x3xf32>, %b: vector<3x4xf32>, %c: vector<2x4xf32>) -> vector<2x4xf32> {
  // expected-error-re@+1 {{fp8-{{cpu|nvvm|rocdl}}-pipeline: 'vector.contract' is not lowered to the LLVM dialect (this pipeline has no lowering for it)}}
  %r = vector.contract {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %a, %b, %c : vector<2x3xf32>, vector<3x4xf32> into vector<2x4xf32>
  return %r : vector<2x4xf32>
}
