// The CPU pipeline frees every buffer of a training loop: the peak RSS of
// scripts/train-program.py's program (a 64 x 64 x 64 fp8 linear layer: the
// master weight re-cast, forward, grad_input, grad_weight, SGD, each step's
// new weights yielded by the loop) is the same within 3% for 10 and 1,000
// steps (leaking one step's buffers would add about 100 MiB at 1,000).
// RUN: %python %S/peak-rss.py --tools %fp8_obj_root/bin --runner %llvm_tools_dir/mlir-runner --runner-libs="-shared-libs=%llvm_lib_dir/libmlir_c_runner_utils.so,%llvm_lib_dir/libmlir_runner_utils.so" --steps 10 1000 | FileCheck %s
// CHECK: steps 10: peak RSS
// CHECK: steps 1000: peak RSS
// CHECK: peak RSS within 3%: yes
