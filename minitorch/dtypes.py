"""Dtypes: minitorch.float32 and friends, and PyTorch's type-promotion rules.

A `dtype` wraps a NumPy dtype (CuPy uses the same dtype objects). PyTorch's promotion
differs from NumPy's in three places that matter here, and `result_type` follows PyTorch:

- int tensor + float tensor gives the float tensor's dtype (NumPy: int64 + float16 -> float64);
- a 0-dim tensor only changes the result when it is of a higher category
  (bool < integer < floating) than the dimensioned operands;
- a Python float is "weak": it gives the default dtype (float32) to an integer tensor and
  never widens a float tensor. A Python int never widens an integer tensor.
"""
from __future__ import annotations

import sys as _sys

import numpy as np



def display_prefix() -> str:
    """How dtypes, sizes and tensors print their module: ``torch`` while minitorch stands
    in for torch (``python -m minitorch.as_torch``, or ``sys.modules["torch"] = minitorch``),
    so a PyTorch program prints what it printed before; ``minitorch`` otherwise."""
    t = _sys.modules.get("torch")
    return "torch" if t is not None and getattr(t, "__name__", None) == "minitorch" \
        else "minitorch"

class dtype:
    """A minitorch dtype, e.g. ``minitorch.float32``. Compares equal only to itself.

    Attributes as PyTorch's: ``is_floating_point``, ``is_complex``, ``is_signed``,
    ``itemsize`` and ``to_real()`` / ``to_complex()``; ``np`` is the NumPy dtype of the
    arrays that hold it."""

    __slots__ = ("name", "_np", "is_floating_point", "is_complex", "is_signed", "itemsize",
                 "_category", "_legacy", "abbr")

    def __init__(self, name: str, np_dtype, category: int, legacy: str, abbr: str,
                 signed: bool = True, itemsize: int | None = None):
        self.name = name
        self._np = None if np_dtype is None else np.dtype(np_dtype)
        self.is_floating_point = category == 2
        self.is_complex = category == 3
        self.is_signed = category > 0 and signed
        self.itemsize = itemsize if itemsize is not None else self._np.itemsize
        self._category = category  # 0 bool, 1 integer, 2 floating, 3 complex (no storage)
        self._legacy = legacy      # PyTorch's legacy tensor type name: "FloatTensor"
        self.abbr = abbr

    @property
    def np(self):
        """The NumPy dtype that stores this dtype (TypeError for complex dtypes)."""
        if self._np is None:
            _raise_no_storage(self)
        return self._np

    def to_real(self) -> "dtype":
        """The real dtype of a complex one (complex64 -> float32); real dtypes map to
        themselves."""
        return _TO_REAL.get(self, self)

    def to_complex(self) -> "dtype":
        """The complex dtype with this float dtype's precision (float32 -> complex64)."""
        if self.is_complex:
            return self
        try:
            return _TO_COMPLEX[self]
        except KeyError:
            raise RuntimeError(f"Unknown Complex ScalarType for {self.name}") from None

    def __repr__(self) -> str:
        return f"{display_prefix()}.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))


class _BFloat16(dtype):
    """bfloat16: 8 exponent bits like float32, 7 mantissa bits.

    minitorch stores bfloat16 as float32: casting to bfloat16 rounds every value to
    bfloat16's precision (round to nearest even), so values match PyTorch's bfloat16, but
    the tensor's ``dtype`` reports float32 and arithmetic runs in float32 (results are not
    rounded again). Why not a real 2-byte dtype: CuPy has none, and the one NumPy can get
    from the ml_dtypes package is of NumPy kind "V", which code asking ``dtype.kind ==
    "f"`` (autograd, printing, many ops) does not take for a floating type."""

    __slots__ = ()

    @property
    def np(self):
        return np.dtype(np.float32)


def _raise_no_storage(d):
    raise TypeError(f"minitorch has no {d.name} tensors: complex dtypes are not supported "
                    "(the dtype exists so that code can name and compare it)")


bool_ = dtype("bool", np.bool_, 0, "BoolTensor", "b1", signed=False)
uint8 = dtype("uint8", np.uint8, 1, "ByteTensor", "u8", signed=False)
int8 = dtype("int8", np.int8, 1, "CharTensor", "i8")
int16 = dtype("int16", np.int16, 1, "ShortTensor", "i16")
int32 = dtype("int32", np.int32, 1, "IntTensor", "i32")
int64 = dtype("int64", np.int64, 1, "LongTensor", "i64")
# PyTorch's "shell" unsigned dtypes: storage and casts, promotion only with themselves and
# floating dtypes
uint16 = dtype("uint16", np.uint16, 1, "UInt16Tensor", "u16", signed=False)
uint32 = dtype("uint32", np.uint32, 1, "UInt32Tensor", "u32", signed=False)
uint64 = dtype("uint64", np.uint64, 1, "UInt64Tensor", "u64", signed=False)
float16 = dtype("float16", np.float16, 2, "HalfTensor", "f16")
bfloat16 = _BFloat16("bfloat16", None, 2, "BFloat16Tensor", "bf16", itemsize=2)
float32 = dtype("float32", np.float32, 2, "FloatTensor", "f32")
float64 = dtype("float64", np.float64, 2, "DoubleTensor", "f64")
complex32 = dtype("complex32", None, 3, "ComplexHalfTensor", "c32", itemsize=4)
complex64 = dtype("complex64", None, 3, "ComplexFloatTensor", "c64", itemsize=8)
complex128 = dtype("complex128", None, 3, "ComplexDoubleTensor", "c128", itemsize=16)

_SHELL_UNSIGNED = (uint16, uint32, uint64)
_TO_REAL = {complex32: float16, complex64: float32, complex128: float64}
_TO_COMPLEX = {float16: complex32, bfloat16: complex64, float32: complex64,
               float64: complex128}

# dtypes with array storage of their own (bfloat16 is stored as float32)
ALL = (bool_, uint8, int8, int16, int32, int64, uint16, uint32, uint64, float16, float32,
       float64)
EVERY = ALL + (bfloat16, complex32, complex64, complex128)
_FROM_NP = {d.np: d for d in ALL}
_FROM_NAME = {d.name: d for d in EVERY}
# PyTorch's aliases (torch.float, torch.long, torch.cfloat...)
ALIASES = {"float": float32, "double": float64, "half": float16, "long": int64,
           "int": int32, "short": int16, "cfloat": complex64, "cdouble": complex128,
           "chalf": complex32}
_FROM_NAME.update(ALIASES)
_FROM_NAME["bool_"] = bool_

_default_dtype = float32

# ---------------------------------------------------------------------------- bfloat16
_BF16 = {"warned": False}


def has_real_bfloat16() -> bool:
    """False: bfloat16 tensors are stored as float32 (see _BFloat16)."""
    return False


def round_to_bfloat16(arr):
    """float32 values rounded to the nearest bfloat16 (ties to even), still float32: the
    stand-in's cast. bfloat16 is the top 16 bits of a float32, so add half of the dropped
    part (plus the tie-breaking bit) and clear the low 16 bits; NaN stays NaN."""
    from . import backend
    xp = backend.get_array_module(arr)
    a = xp.ascontiguousarray(arr, dtype=xp.float32)
    bits = a.view(xp.uint32)
    lsb = (bits >> 16) & 1
    rounded = ((bits + 0x7FFF + lsb) & 0xFFFF0000).astype(xp.uint32).view(xp.float32)
    return xp.where(xp.isnan(a), a, rounded)


def warn_bfloat16_stand_in():
    if not _BF16["warned"]:
        _BF16["warned"] = True
        import warnings
        warnings.warn("minitorch stores bfloat16 as float32: values are rounded to bfloat16 "
                      "precision, the dtype reports float32 and arithmetic runs in float32",
                      stacklevel=3)


def finish_cast(t, d: dtype):
    """A tensor freshly created as `d`: for bfloat16 (stored as float32), round its values
    to bfloat16 (a new tensor with no graph; the caller owns it)."""
    if d is bfloat16:
        warn_bfloat16_stand_in()
        t._data = round_to_bfloat16(t._data)
    return t


def _by_name(name: str) -> dtype:
    return _FROM_NAME[name]


def from_numpy_dtype(np_dtype) -> dtype:
    """The minitorch dtype of a NumPy/CuPy array dtype; TypeError for unsupported ones."""
    try:
        return _FROM_NP[np_dtype]
    except (KeyError, TypeError):
        pass
    try:
        return _FROM_NP[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        pass
    if getattr(np_dtype, "name", None) == "bfloat16":
        raise TypeError("minitorch stores bfloat16 as float32: convert bfloat16 arrays with "
                        ".astype(numpy.float32) first")
    kind = getattr(np_dtype, "kind", None)
    if kind == "c":
        raise TypeError(f"minitorch does not support complex tensors; got an array of dtype "
                        f"{np_dtype}")
    names = ", ".join(d.name for d in ALL)
    raise TypeError(f"minitorch supports the dtypes {names}; got {np_dtype!r}")


def to_dtype(value, fn: str = "dtype", arg: str = "dtype", storage: bool = True) -> dtype:
    """Accept a minitorch dtype, a NumPy dtype, a Python type or a name; return a dtype.
    With `storage` (the default) a dtype that cannot hold a tensor (complex) is a
    TypeError naming `fn`."""
    d = _lookup(value)
    if d is None:
        raise TypeError(f"{fn}(): argument '{arg}' must be a minitorch dtype such as "
                        f"minitorch.float32, got {value!r}")
    if storage and d.is_complex:
        raise TypeError(f"{fn}(): minitorch has no {d.name} tensors (complex dtypes are not "
                        "supported)")
    return d


def _lookup(value):
    if isinstance(value, dtype):
        return value
    if isinstance(value, str):
        name = value[len("minitorch."):] if value.startswith("minitorch.") else \
            value[len("torch."):] if value.startswith("torch.") else value
        return _FROM_NAME.get(name)
    if value is float:
        return _default_dtype
    if value is int:
        return int64
    if value is bool:
        return bool_
    if value is complex:
        return complex64
    legacy = getattr(value, "dtype", None)  # FloatTensor and friends
    if isinstance(legacy, dtype) and isinstance(value, type):
        return legacy
    try:
        return from_numpy_dtype(value)
    except TypeError:
        pass
    try:
        npd = np.dtype(value)
    except TypeError:
        return None
    if npd.kind == "c":
        return complex64 if npd.itemsize == 8 else complex128
    return None


def get_default_dtype() -> dtype:
    return _default_dtype


def set_default_dtype(d) -> None:
    """Set the dtype that Python floats and float factories produce (float32 or float64)."""
    global _default_dtype
    d = to_dtype(d, "set_default_dtype")
    if not d.is_floating_point:
        raise TypeError(f"set_default_dtype(): only floating dtypes are allowed, got {d}")
    _default_dtype = d


def promote_types(type1: dtype, type2: dtype) -> dtype:
    """PyTorch's promote_types: the higher category (bool < integer < floating < complex)
    wins; within one, the wider type, with PyTorch's three special cases:

    - uint8 with a signed integer of the same or smaller width gives the next wider signed
      type (uint8 + int8 -> int16);
    - float16 with bfloat16 gives float32 (neither holds the other);
    - uint16/uint32/uint64 promote only with themselves and floating types (RuntimeError
      otherwise, as in PyTorch)."""
    a = to_dtype(type1, "promote_types", "type1", storage=False)
    b = to_dtype(type2, "promote_types", "type2", storage=False)
    if a is b:
        return a
    if a in _SHELL_UNSIGNED or b in _SHELL_UNSIGNED:
        other = b if a in _SHELL_UNSIGNED else a
        if other._category < 2:
            raise RuntimeError(f"Promotion for uint16, uint32, uint64 types is not supported, "
                               f"attempted to promote {a.name} and {b.name}")
    if a._category != b._category:
        return a if a._category > b._category else b
    cat = a._category
    if cat == 2 and {a, b} == {float16, bfloat16}:
        return float32
    if cat == 3:
        return a if a.itemsize >= b.itemsize else b
    if cat == 1 and a.is_signed != b.is_signed:
        unsigned, signed = (a, b) if b.is_signed else (b, a)
        if signed.itemsize > unsigned.itemsize:
            return signed
        return {1: int16, 2: int32, 4: int64, 8: int64}[unsigned.itemsize]
    return a if a.itemsize >= b.itemsize else b


def can_cast(from_, to) -> bool:
    """PyTorch's can_cast: whether an in-place op may write a result of dtype `from_`
    into a tensor of dtype `to` (no move down a category: float -> int, int -> bool,
    complex -> float; narrowing within a category is allowed)."""
    a = to_dtype(from_, "can_cast", "from_", storage=False)
    b = to_dtype(to, "can_cast", "to", storage=False)
    return a._category <= b._category


def _combine_categories(higher, lower):
    # PyTorch's ResultTypeState combination: `higher` is the stronger tier.
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.is_floating_point:
        return higher
    if higher is bool_ or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


def scalar_dtype(value) -> dtype:
    """The dtype a Python scalar takes when it is "wrapped" (weak) in an operation."""
    if isinstance(value, (bool, np.bool_)):
        return bool_
    if isinstance(value, (int, np.integer)):
        return int64
    if isinstance(value, (float, np.floating)):
        return _default_dtype
    raise TypeError(f"expected a Tensor or a Python number, got {type(value).__name__}")


def result_type(*operands) -> dtype:
    """The dtype of an elementwise op on Tensors and Python scalars, as PyTorch computes it."""
    dim_result = zero_result = wrapped_result = None
    for op in operands:
        d = getattr(op, "dtype", None)
        if isinstance(d, dtype):
            if op.ndim == 0:
                zero_result = d if zero_result is None else promote_types(zero_result, d)
            else:
                dim_result = d if dim_result is None else promote_types(dim_result, d)
        else:
            s = scalar_dtype(op)
            wrapped_result = s if wrapped_result is None else promote_types(wrapped_result, s)
    return _combine_categories(dim_result, _combine_categories(zero_result, wrapped_result))


# ---------------------------------------------------------------------------- finfo / iinfo
class finfo:
    """Machine limits of a floating dtype, as ``torch.finfo``: ``bits``, ``eps`` (the
    gap between 1 and the next float), ``max``, ``min``, ``tiny`` = ``smallest_normal``
    (the smallest positive normal number), ``resolution`` (10**-precision decimal
    digits) and ``dtype`` (its name). ``finfo()`` describes the default dtype."""

    def __init__(self, type=None):
        d = _default_dtype if type is None else _lookup(type)
        if d is None or not (d.is_floating_point or d.is_complex):
            raise TypeError(f"minitorch.finfo() requires a floating point input type, got "
                            f"{type!r}. Use minitorch.iinfo to handle integer types")
        d = d.to_real()
        if d is bfloat16:
            # 8 exponent bits (as float32), 7 stored mantissa bits
            self.bits, self.eps = 16, 2.0 ** -7
            self.max = float((2 - 2.0 ** -7) * 2.0 ** 127)
            self.tiny = self.smallest_normal = 2.0 ** -126
            self.resolution = 0.01
        else:
            info = np.finfo(d.np)
            self.bits = int(info.bits)
            self.eps = float(info.eps)
            self.max = float(info.max)
            self.tiny = self.smallest_normal = float(info.smallest_normal)
            self.resolution = 10.0 ** -int(info.precision)
        self.min = -self.max
        self.dtype = d.name

    def __eq__(self, other):
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self):
        return hash(("finfo", self.dtype))

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """Limits of an integer dtype, as ``torch.iinfo``: ``bits``, ``max``, ``min`` (Python
    ints) and ``dtype`` (its name)."""

    def __init__(self, type):
        d = _lookup(type)
        if d is bool_:
            raise TypeError("minitorch.bool is not supported by minitorch.iinfo")
        if d is None or d._category != 1:
            raise TypeError(f"minitorch.iinfo() requires an integer input type, got {type!r}. "
                            "Use minitorch.finfo to handle floating types")
        info = np.iinfo(d.np)
        self.bits = int(info.bits)
        self.max = int(info.max)
        self.min = int(info.min)
        self.dtype = d.name

    def __eq__(self, other):
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self):
        return hash(("iinfo", self.dtype))

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"
