"""torchao's float8 formulas, written once for fp8's Python scripts.

bench/bench.py, bench/torch-crosscheck*.py and
test/Integration/GPU/check-cases.py import this file by path (they run from
different folders, here and on the GPU machine):

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "scripts"))
    import fp8formulas

What is here:
  - the float8 types by their MLIR names: largest finite value, torch name;
  - torchao's dynamic scaling (torchao/float8/float8_utils.py): amax,
    amax_to_scale (f64 division, eps clamp, f32 result, optional rounding down
    to a power of two) and the saturated cast (to_fp8_saturated);
  - the GEMM error bounds of check-cases.py (f32 accumulation, the sm_90a
    wgmma kernel's tensor-core accumulation, torch._scaled_mm's);
  - the reader of the binary memref dumps of fp8's CUDA runtime
    (FP8_DUMP_DIR).

The plain functions take Python floats and need only the standard library.
The torch ones (the *_torch functions, torchao_cast, read_dump) import torch
(and numpy) on their first call, so that this module imports where torch is
not installed. tools/fp8-reference (C++, llvm::APFloat) stays the independent
oracle; test/Tools/fp8formulas.mlir checks the plain functions against known
values and against it.
"""
import array
import math
import struct
import sys

# The float8 types by MLIR name: largest finite value, torch dtype name.
FP8_MAX = {"f8E4M3FN": 448.0, "f8E5M2": 57344.0,
           "f8E4M3FNUZ": 240.0, "f8E5M2FNUZ": 57344.0}
TORCH_NAME = {"f8E4M3FN": "float8_e4m3fn", "f8E5M2": "float8_e5m2",
              "f8E4M3FNUZ": "float8_e4m3fnuz", "f8E5M2FNUZ": "float8_e5m2fnuz"}
MLIR_NAME = {torch_name: name for name, torch_name in TORCH_NAME.items()}

# Encodings: (exponent bits, mantissa bits, bias, fnuz). fnuz: no infinity,
# no negative zero, 0x80 the only NaN; f8E4M3FN: no infinity, S.1111.111 is
# NaN; f8E5M2: IEEE-style.
_FORMAT = {"f8E4M3FN": (4, 3, 7, False), "f8E5M2": (5, 2, 15, False),
           "f8E4M3FNUZ": (4, 3, 8, True), "f8E5M2FNUZ": (5, 2, 16, True)}

# torchao's float8_utils.EPS: amax is clamped to it before the division.
EPS = 1e-12

# Unit roundoff of the high-precision types (2^-(mantissa bits + 1)).
UNIT_ROUNDOFF = {"bf16": 2.0 ** -8, "f16": 2.0 ** -11, "f32": 2.0 ** -24}
# Hopper's fp8 tensor-core (wgmma) accumulation keeps about 14 bits
# (DeepSeek-V3 report, section 3.3.2).
TENSOR_CORE_UNIT = 2.0 ** -14
# The K block after which the sm_90a kernel without fast accumulation
# promotes the tensor cores' sums into f32 registers.
PROMOTION_BLOCK = 128


# Plain Python: scales and casts of single values
# ---------------------------------------------------------------------------

def to_f32(x):
    """x rounded to float32 (round to nearest even; overflow to +-inf)."""
    try:
        return struct.unpack("<f", struct.pack("<f", x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


def f32_bits(x):
    """The bits of float32 x as an unsigned integer."""
    return struct.unpack("<I", struct.pack("<f", x))[0]


def amax(values):
    """max(|v|) of an iterable of floats, NaN if any is NaN (torch.max);
    0 for none."""
    result = 0.0
    for v in values:
        if math.isnan(v):
            return math.nan
        result = max(result, abs(v))
    return result


def amax_to_scale(amax_value, dtype, pow2=False):
    """torchao.float8.float8_utils.amax_to_scale of one amax:
    f32(f64(max(dtype)) / clamp(f64(amax), min=EPS)); with pow2
    (round_scales_to_power_of_2) rounded down to a power of two, exactly
    (torchao writes exp2(floor(log2(scale)))). A NaN amax gives a NaN scale."""
    if math.isnan(amax_value):
        return amax_value
    scale = to_f32(FP8_MAX[dtype] / max(amax_value, EPS))
    if pow2 and math.isfinite(scale) and scale != 0.0:
        scale = math.ldexp(1.0, math.frexp(scale)[1] - 1)
    return scale


def to_fp8_saturated(x, scale, dtype):
    """torchao's hp_tensor_and_scale_to_float8 + to_fp8_saturated of one
    value: the f32 product x * scale clamped to [-max, max] (NaN stays NaN)
    and rounded to nearest even. Returns the fp8 code (0-255)."""
    product = to_f32(x * scale)
    if not math.isnan(product):
        maxv = FP8_MAX[dtype]
        product = min(max(product, -maxv), maxv)
    return fp8_code(product, dtype)


def fp8_code(x, dtype):
    """The code of x rounded to nearest even in `dtype`; x is NaN or has
    |x| <= max(dtype) (to_fp8_saturated clamps first)."""
    ebits, mbits, bias, fnuz = _FORMAT[dtype]
    if math.isnan(x):
        if fnuz:
            return 0x80
        sign = 0x80 if math.copysign(1.0, x) < 0 else 0
        # Quiet NaN, as llvm::APFloat converts one: the top mantissa bit
        # set (f8E4M3FN has a single NaN per sign: all ones).
        return sign | (0x7F if dtype == "f8E4M3FN" else 0x7E)
    if not abs(x) <= FP8_MAX[dtype]:
        raise ValueError(f"{x} is out of range of {dtype}")
    sign = 0x80 if math.copysign(1.0, x) < 0 else 0
    a = abs(x)
    # Quantum of a's binade (of the subnormals below 2^(1 - bias)).
    exponent = max(math.frexp(a)[1] - 1, 1 - bias) if a else 1 - bias
    steps = round(a / 2.0 ** (exponent - mbits))  # half to even, exact
    if steps == 0:
        return 0 if fnuz else sign  # fnuz has no negative zero
    if steps == 2 << mbits:  # rounded up into the next binade
        exponent, steps = exponent + 1, 1 << mbits
    if steps < 1 << mbits:  # subnormal
        return sign | steps
    field = exponent + bias
    assert 0 < field < 1 << ebits
    return sign | field << mbits | (steps - (1 << mbits))


def fp8_value(code, dtype):
    """The value of an fp8 code (NaN, +-inf included)."""
    ebits, mbits, bias, fnuz = _FORMAT[dtype]
    sign = -1.0 if code & 0x80 else 1.0
    field = (code >> mbits) & ((1 << ebits) - 1)
    mantissa = code & ((1 << mbits) - 1)
    if fnuz and code == 0x80:
        return math.nan
    if dtype == "f8E4M3FN" and code & 0x7F == 0x7F:
        return math.nan
    if dtype == "f8E5M2" and field == (1 << ebits) - 1:
        return sign * math.inf if mantissa == 0 else math.nan
    if field == 0:
        return sign * math.ldexp(mantissa, 1 - bias - mbits)
    return sign * math.ldexp((1 << mbits) + mantissa, field - bias - mbits)


# GEMM error bounds, in units of |A| @ |B| / (sa sb) (check-cases.py's 3)
# ---------------------------------------------------------------------------

def f32_accumulation_coefficient(k):
    """An fp8 GEMM accumulated in f32 in any order, then the epilogue's f32
    roundings: (K + 4) 2^-24."""
    return (k + 4) * UNIT_ROUNDOFF["f32"]


def high_precision_coefficient(k, dtype):
    """A GEMM the recipe keeps in high precision, accumulated in `dtype`:
    K u(dtype)."""
    return k * UNIT_ROUNDOFF[dtype]


def tensor_core_coefficient(k, fast_accum):
    """The sm_90a wgmma kernel: the tensor cores keep about 14 bits,
    accumulating over all of K with fast accumulation and over 128-deep K
    blocks otherwise, the blocks then summed in f32 registers:
    (B + 4) 2^-14 + (ceil(K/128) + 4) 2^-24, B = K or min(K, 128)."""
    block = k if fast_accum else min(k, PROMOTION_BLOCK)
    return ((block + 4) * TENSOR_CORE_UNIT
            + (-(-k // PROMOTION_BLOCK) + 4) * UNIT_ROUNDOFF["f32"])


def torch_tensor_core_coefficient(k):
    """torch._scaled_mm (cuBLASLt, CUTLASS) on Hopper, whose accumulation
    keeps about 14 bits over all of K: (K + 4) 2^-14."""
    return (k + 4) * TENSOR_CORE_UNIT


# Memref dumps of fp8's CUDA runtime (FP8_DUMP_DIR)
# ---------------------------------------------------------------------------

# Element code -> (array/struct type code, numpy dtype name).
DUMP_ELEMENTS = {0: ("f", "float32"), 1: ("d", "float64"), 2: ("i", "int32"),
                 3: ("q", "int64"), 4: ("b", "int8")}


def parse_dump(raw):
    """A dump's bytes -> (element code, sizes, offset of the elements).
    Layout (runtime/cuda, writeDump): "FP8D", int32 element code, int32
    rank, int64 sizes[rank], then the elements, row-major, little-endian."""
    if raw[:4] != b"FP8D":
        raise ValueError("not an FP8D dump")
    code, rank = struct.unpack_from("<ii", raw, 4)
    sizes = struct.unpack_from(f"<{rank}q", raw, 12)
    return code, sizes, 12 + 8 * rank


def read_dump_values(path):
    """A dump file -> (sizes, flat list of its elements)."""
    with open(path, "rb") as f:
        raw = f.read()
    code, sizes, offset = parse_dump(raw)
    values = array.array(DUMP_ELEMENTS[code][0])
    values.frombytes(raw[offset:])
    return sizes, values.tolist()


def read_dump(path):
    """A dump file -> a CPU torch tensor of its sizes and element type."""
    import numpy as np
    torch = _import_torch()
    with open(path, "rb") as f:
        raw = f.read()
    assert raw[:4] == b"FP8D", path
    code, sizes, offset = parse_dump(raw)
    data = np.frombuffer(raw, dtype=getattr(np, DUMP_ELEMENTS[code][1]),
                         offset=offset)
    return torch.from_numpy(data.copy()).reshape(sizes)


# torch: torchao's formulas as torchao writes them
# ---------------------------------------------------------------------------

# The scripts' own torch where they imported it before this module (so that
# torch.compile, tracing torchao_cast, finds it bound), else bound by the
# first torch-based call.
torch = sys.modules.get("torch")


def _import_torch():
    global torch
    if torch is None:
        import torch as module
        torch = module
    return torch


def torch_dtype(dtype):
    """The torch dtype of a float8 type's MLIR name."""
    return getattr(_import_torch(), TORCH_NAME[dtype])


def amax_to_scale_torch(amax_value, float8_dtype, pow2):
    """torchao.float8.float8_utils.amax_to_scale, as written there."""
    _import_torch()
    amax_value = amax_value.to(torch.float64)
    res = torch.finfo(float8_dtype).max / torch.clamp(amax_value, min=EPS)
    res = res.to(torch.float32)
    if pow2:
        res = torch.exp2(torch.floor(torch.log2(res)))
    return res


def to_fp8_saturated_torch(x, scale, float8_dtype):
    """torchao's hp_tensor_and_scale_to_float8 + to_fp8_saturated."""
    _import_torch()
    maxv = torch.finfo(float8_dtype).max
    return (x.to(torch.float32) * scale).clamp(min=-maxv, max=maxv).to(
        float8_dtype)


def torchao_cast(x, cast, k_axis, pow2, device):
    """(scale, fp8) of x as torchao computes them on `device`. cast:
    {"dtype": MLIR name, "axiswise": bool}; k_axis: the contraction axis
    (axiswise scales are per row for A, k_axis 1, per column for B, 0)."""
    _import_torch()
    dtype = torch_dtype(cast["dtype"])
    x = x.to(device)
    if cast["axiswise"]:
        amax_value = torch.amax(torch.abs(x), dim=k_axis, keepdim=True)
    else:
        amax_value = torch.max(torch.abs(x))
    scale = amax_to_scale_torch(amax_value, dtype, pow2)
    return scale, to_fp8_saturated_torch(x, scale, dtype)
