# -*- Python -*-
# lit configuration of the fp8 test suite.

import os
import shutil
import sys

import lit.formats
from lit.llvm import llvm_config

config.name = "FP8"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.fp8_obj_root, "test")
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py", "lit.site.cfg.py", "Inputs", "check-case.py"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%shlibext", ".so"))
config.substitutions.append(("%llvm_lib_dir", config.llvm_lib_dir))
config.substitutions.append(
    ("%mlir_runner_libs",
     "-shared-libs=%s/libmlir_c_runner_utils.so,%s/libmlir_runner_utils.so"
     % (config.llvm_lib_dir, config.llvm_lib_dir)))

# One float8 matmul case end to end against the independent reference.
config.substitutions.append(
    ("%check_case",
     "%s %s/Integration/CPU/check-case.py --tools %s --runner %s/mlir-runner "
     "--runner-libs=-shared-libs=%s/libmlir_c_runner_utils.so,%s/libmlir_runner_utils.so"
     % (sys.executable, config.test_source_root, config.fp8_tools_dir,
        config.llvm_tools_dir, config.llvm_lib_dir, config.llvm_lib_dir)))

config.substitutions.append(
    ("%fp8_plugin", os.path.join(config.fp8_obj_root, "lib", "FP8Plugin.so")))
config.substitutions.append(("%fp8_obj_root", config.fp8_obj_root))
config.substitutions.append(("%llvm_tools_dir", config.llvm_tools_dir))
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%fp8_src_root", config.fp8_src_root))
config.substitutions.append(("%host_cxx", config.host_cxx))
config.substitutions.append(("%host_cc", config.host_cc))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()
# `not` and `count` at the start of a RUN line are found through PATH.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.fp8_tools_dir, append_path=True)

tool_dirs = [config.fp8_tools_dir, config.llvm_tools_dir]
tools = ["fp8-opt", "mlir-runner", "mlir-opt", "mlir-translate", "llc"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# An ASan+UBSan build: its plugin cannot load into the uninstrumented
# stock mlir-opt.
if config.fp8_sanitizers:
    config.available_features.add("asan")
    # libMLIR.so is not instrumented: the LLVM allocators inlined into our
    # code poison memory that libMLIR's own copies then use. Manual poisoning
    # off; everything else (overflows, use-after-free, UB) stays on.
    config.environment["ASAN_OPTIONS"] = "allow_user_poisoning=0"
    config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"

# ptxas (CUDA toolkit) turns PTX into cubins.
if os.path.exists("/usr/local/cuda/bin/ptxas"):
    config.available_features.add("ptxas")

# fp8's CUDA runtime (built where cuda.h is) and fp8-cuda-compile.
runtime = os.path.join(config.fp8_obj_root, "lib", "libfp8_cuda_runtime.a")
if os.path.exists(runtime):
    config.available_features.add("cuda-runtime")
config.substitutions.append(("%fp8_cuda_runtime", runtime))

# Sharded programs run under MPICH's launcher (MLIR 22 lowers MPI calls
# for MPICH; see --fp8-prepare-shard-for-mpi). The feature needs a launcher
# that actually starts a process, not just the binary.
import subprocess
mpirun = shutil.which("mpirun.mpich") or shutil.which("mpiexec.hydra")
mpi_lib = "/usr/lib/x86_64-linux-gnu/libmpich.so"
if mpirun and os.path.exists(mpi_lib):
    try:
        started = subprocess.run([mpirun, "-n", "1", "true"], timeout=60,
                                 capture_output=True).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        started = False
    if started:
        config.available_features.add("mpi")
    else:
        lit_config.note("MPI tests skipped: %s -n 1 true does not start" % mpirun)
else:
    lit_config.note("MPI tests skipped: no MPICH (mpirun.mpich, libmpich.so); "
                    "scripts/setup.sh installs it")
config.substitutions.append(("%mpirun", str(mpirun)))
config.substitutions.append(("%mpi_lib", mpi_lib))

# GPU tests need an NVIDIA driver; everything else runs anywhere.
if os.path.exists("/dev/nvidiactl") or shutil.which("nvidia-smi"):
    config.available_features.add("cuda-gpu")
