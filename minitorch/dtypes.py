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

import numpy as np


class dtype:
    """A minitorch dtype, e.g. ``minitorch.float32``. Compares equal only to itself."""

    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize", "_category")

    def __init__(self, name: str, np_dtype, category: int):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = category == 2
        self.is_signed = category > 0
        self.itemsize = self.np.itemsize
        self._category = category  # 0 bool, 1 integer, 2 floating

    def __repr__(self) -> str:
        return f"minitorch.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))


bool_ = dtype("bool", np.bool_, 0)
int32 = dtype("int32", np.int32, 1)
int64 = dtype("int64", np.int64, 1)
float16 = dtype("float16", np.float16, 2)
float32 = dtype("float32", np.float32, 2)
float64 = dtype("float64", np.float64, 2)

ALL = (bool_, int32, int64, float16, float32, float64)
_FROM_NP = {d.np: d for d in ALL}
_FROM_NAME = {d.name: d for d in ALL}
_FROM_NAME.update({"float": float32, "double": float64, "half": float16, "long": int64,
                   "int": int32, "bool_": bool_})

_default_dtype = float32


def _by_name(name: str) -> dtype:
    return _FROM_NAME[name]


def from_numpy_dtype(np_dtype) -> dtype:
    """The minitorch dtype of a NumPy/CuPy array dtype; TypeError for unsupported ones."""
    try:
        return _FROM_NP[np_dtype]
    except KeyError:
        pass
    try:
        return _FROM_NP[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        names = ", ".join(d.name for d in ALL)
        raise TypeError(f"minitorch supports the dtypes {names}; got {np_dtype!r}") from None


def to_dtype(value, fn: str = "dtype", arg: str = "dtype") -> dtype:
    """Accept a minitorch dtype, a NumPy dtype, a Python type or a name; return a dtype."""
    if isinstance(value, dtype):
        return value
    if isinstance(value, str) and value in _FROM_NAME:
        return _FROM_NAME[value]
    if value is float:
        return _default_dtype
    if value is int:
        return int64
    if value is bool:
        return bool_
    try:
        return from_numpy_dtype(value)
    except TypeError:
        raise TypeError(f"{fn}(): argument '{arg}' must be a minitorch dtype such as "
                        f"minitorch.float32, got {value!r}") from None


def get_default_dtype() -> dtype:
    return _default_dtype


def set_default_dtype(d) -> None:
    """Set the dtype that Python floats and float factories produce (float32 or float64)."""
    global _default_dtype
    d = to_dtype(d, "set_default_dtype")
    if not d.is_floating_point:
        raise TypeError(f"set_default_dtype(): only floating dtypes are allowed, got {d}")
    _default_dtype = d


def promote_types(a: dtype, b: dtype) -> dtype:
    """PyTorch's promote_types: the higher category wins; within one, the wider type."""
    if a is b:
        return a
    if a._category != b._category:
        return a if a._category > b._category else b
    return a if a.itemsize >= b.itemsize else b


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
