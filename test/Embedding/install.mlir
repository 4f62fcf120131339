// cmake --install into a fresh prefix, then an out-of-tree project
// (examples/embed) finds it with find_package(FP8), builds a C++ driver and a
// C program against it, and both run.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: cmake --install %fp8_obj_root --prefix %t/prefix > %t/install.log
// RUN: cmake -G Ninja -S %fp8_src_root/examples/embed -B %t/build -DCMAKE_PREFIX_PATH=%t/prefix -DCMAKE_C_COMPILER=%host_cc -DCMAKE_CXX_COMPILER=%host_cxx > %t/configure.log
// RUN: ninja -C %t/build > %t/build.log
// RUN: %t/build/fp8-embed %s rowwise | FileCheck %s --check-prefix=CPP
// RUN: %t/build/fp8-embed-c %s 2>&1 | FileCheck %s --check-prefix=C
//
// The installed tree has the headers (with generated .inc and .td), the
// libraries, the plugin and the CMake package.
// RUN: ls %t/prefix/include/fp8/Dialect/FP8/IR/FP8Attrs.h.inc %t/prefix/include/fp8/Dialect/FP8/IR/FP8Ops.td %t/prefix/include/fp8-c/FP8.h %t/prefix/include/fp8/Runtime/RuntimeABI.h %t/prefix/lib/libFP8Dialect.a %t/prefix/lib/FP8Plugin.so %t/prefix/lib/cmake/fp8/FP8Config.cmake %t/prefix/bin/fp8-opt

// CPP: config: #fp8.linear<recipe = rowwise>
// CPP: table: type_config=ocp; output: dyn_axs_e4m3 @ dyn_axs_e4m3 fast_accum=true
// CPP: lowered to the LLVM dialect
// CPP: sizes = [2, 16]
// CPP-NEXT: {{\[\[}}16,   16,   16,

// C: error: unknown recipe 'blockwise'
// C: config: #fp8.linear<recipe = rowwise>
// C: pow2 = 1, pad_inner_dim = 0, emulate = 0
// C: output: dyn_axs_e4m3 (f8E4M3FNUZ) dyn_axs_e4m3 (f8E4M3FNUZ) fast_accum=1
// C: grad_input: dyn_axs_e4m3 (f8E4M3FNUZ) dyn_axs_e4m3 (f8E4M3FNUZ) fast_accum=0
// C: grad_weight: dyn_axs_e4m3 (f8E4M3FNUZ) dyn_axs_e4m3 (f8E4M3FNUZ) fast_accum=0
// C: unknown recipe gives null: 1
// C: lowered:
// C: llvm.func @main()
// C-NOT: fp8.
// C: invalid --fp8-cpu-pipeline options:
// C: bad option fails: 1

// A 2x16 @ 16x16 matmul of ones: 16 everywhere, exactly representable.
func.func private @printMemrefF32(tensor<*xf32>)
func.func @main() {
  %a = arith.constant dense<1.0> : tensor<2x16xf32>
  %b = arith.constant dense<1.0> : tensor<16x16xf32>
  %e = tensor.empty() : tensor<2x16xf32>
  %r = linalg.matmul ins(%a, %b : tensor<2x16xf32>, tensor<16x16xf32>) outs(%e : tensor<2x16xf32>) -> tensor<2x16xf32>
  %u = tensor.cast %r : tensor<2x16xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
