"""Comparisons and logic. Their outputs are bool tensors and carry no gradient."""
from __future__ import annotations


import numpy as np

from .. import backend
from .. import dtypes as _dt
from ..tensor import Tensor, _make
from ._util import is_number, as_python_scalar, broadcast_shapes, _raise_operand, check_tensor

_xp = backend.get_array_module


def _operands(input, other, fn, promote=True):
    """The arrays (or weak Python scalars) to compare and their array module. With
    `promote`, tensors are first cast to PyTorch's common dtype, so that a float32 tensor
    meets a float64 0-d tensor in float32, and an int tensor meets 1.5 in float32, as in
    PyTorch (NumPy would compare both in float64)."""
    ta, tb = isinstance(input, Tensor), isinstance(other, Tensor)
    for x, t in ((input, ta), (other, tb)):
        if not t and not is_number(x):
            _raise_operand(fn, x)
    if not (ta or tb):
        raise TypeError(f"{fn}(): expected at least one Tensor operand, got "
                        f"{type(input).__name__} and {type(other).__name__}")
    if ta and tb:
        if type(input._data) is not type(other._data):
            raise RuntimeError(f"{fn}(): expected both tensors on the same device, got "
                               f"{input.device} and {other.device}")
        broadcast_shapes(input._data.shape, other._data.shape, fn)
    xp = _xp(input._data if ta else other._data)
    rt = _dt.result_type(input, other).np if promote else None
    a = _cast(input._data, rt) if ta else _wrap_int(as_python_scalar(input), rt)
    b = _cast(other._data, rt) if tb else _wrap_int(as_python_scalar(other), rt)
    return a, b, xp


def _wrap_int(value, np_dtype):
    """A Python int out of an integer result dtype's range wraps around into it, as
    PyTorch converts it (uint8 == -1 compares with 255); NumPy would compare exactly."""
    if np_dtype is None or np_dtype.kind not in "iu" or value.__class__ is not int:
        return value
    info = np.iinfo(np_dtype)
    if info.min <= value <= info.max or not -2 ** 63 <= value < 2 ** 64:
        return value
    return int(np.array(value % 2 ** 64, dtype=np.uint64).astype(np_dtype))  # host: one scalar


def _cast(arr, np_dtype):
    if np_dtype is None or arr.dtype == np_dtype:
        return arr
    return arr.astype(np_dtype)


def _compare(ufunc_name, fn, promote=True):
    def op(input, other):
        a, b, xp = _operands(input, other, fn, promote)
        with np.errstate(invalid="ignore"):
            return _make(xp.asarray(getattr(xp, ufunc_name)(a, b)))
    op.__name__ = op.__qualname__ = fn
    op.__doc__ = f"Elementwise {fn} (broadcasting); returns a bool tensor."
    return op


eq = _compare("equal", "eq")
ne = _compare("not_equal", "ne")
lt = _compare("less", "lt")
le = _compare("less_equal", "le")
gt = _compare("greater", "gt")
ge = _compare("greater_equal", "ge")
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def _logical(ufunc_name, fn):
    def op(input, other):
        return _make(_compare(ufunc_name, fn, promote=False)(input, other)._data.astype(bool))
    op.__name__ = op.__qualname__ = fn
    op.__doc__ = f"Elementwise {fn} of the truth values; returns a bool tensor."
    return op


logical_and = _logical("logical_and", "logical_and")
logical_or = _logical("logical_or", "logical_or")
logical_xor = _logical("logical_xor", "logical_xor")


def logical_not(input):
    check_tensor(input, "logical_not")
    xp = _xp(input._data)
    return _make(xp.asarray(xp.logical_not(input._data)))


def _bitwise(ufunc_name, fn):
    def op(input, other):
        for x in (input, other):
            if isinstance(x, Tensor) and x._data.dtype.kind not in "biu":
                raise NotImplementedError(f"{fn}(): \"{fn}_cpu\" not implemented for "
                                          f"'{_tname(x._data.dtype)}' (bitwise operations "
                                          "need bool or integer tensors)")
            if not isinstance(x, Tensor) and isinstance(x, float):
                raise NotImplementedError(f"{fn}(): \"{fn}_cpu\" not implemented for 'Float' "
                                          "(bitwise operations need bool or integer operands)")
        a, b, xp = _operands(input, other, fn)
        return _make(xp.asarray(getattr(xp, ufunc_name)(a, b)))
    op.__name__ = op.__qualname__ = fn
    op.__doc__ = f"Elementwise {fn} of bool or integer tensors (and Python ints)."
    return op


def _tname(np_dtype):
    from .pointwise import torch_type_name
    return torch_type_name(np_dtype)


bitwise_and = _bitwise("bitwise_and", "bitwise_and")
bitwise_or = _bitwise("bitwise_or", "bitwise_or")
bitwise_xor = _bitwise("bitwise_xor", "bitwise_xor")


def bitwise_not(input):
    check_tensor(input, "bitwise_not")
    if input._data.dtype.kind not in "biu":
        raise NotImplementedError(f"bitwise_not(): \"bitwise_not_cpu\" not implemented for "
                                  f"'{_tname(input._data.dtype)}' (needs a bool or integer "
                                  "tensor)")
    xp = _xp(input._data)
    return _make(xp.asarray(xp.invert(input._data)))


def isnan(input):
    xp = _xp(input._data)
    return _make(xp.asarray(xp.isnan(input._data)))


def isinf(input):
    xp = _xp(input._data)
    return _make(xp.asarray(xp.isinf(input._data)))


def isfinite(input):
    xp = _xp(input._data)
    return _make(xp.asarray(xp.isfinite(input._data)))


def any(input, dim=None, keepdim=False):
    from ._util import norm_dims
    dims = None if dim is None else norm_dims(dim, input.ndim, "any")
    return _make(_xp(input._data).asarray(_xp(input._data).any(input._data, axis=dims, keepdims=keepdim)))


def all(input, dim=None, keepdim=False):
    from ._util import norm_dims
    dims = None if dim is None else norm_dims(dim, input.ndim, "all")
    return _make(_xp(input._data).asarray(_xp(input._data).all(input._data, axis=dims, keepdims=keepdim)))


def _close_args(input, other, rtol, atol, fn):
    check_tensor(input, fn)
    check_tensor(other, fn, "other")
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(f"{fn}(): {_tname(input._data.dtype)} did not match "
                           f"{_tname(other._data.dtype)} (both tensors need one dtype)")
    if rtol < 0:
        raise RuntimeError(f"{fn}(): rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"{fn}(): atol must be greater than or equal to zero, but got {atol}")
    broadcast_shapes(input._data.shape, other._data.shape, fn)


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol * |other|, elementwise (infinities equal when they
    have one sign; nan equal to nan with equal_nan). Both tensors must share one dtype."""
    _close_args(input, other, rtol, atol, "isclose")
    a, b = input._data, other._data
    xp = _xp(a)
    if a.dtype.kind in "biu":  # exact integer arithmetic: |a - b| <= atol + rtol |b|
        diff = xp.abs(a.astype(np.float64) - b.astype(np.float64))
        return _make(xp.asarray(diff <= atol + rtol * xp.abs(b.astype(np.float64))))
    with np.errstate(invalid="ignore"):
        return _make(xp.asarray(xp.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    """Whether isclose() holds everywhere (a Python bool)."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input, other) -> bool:
    """True when both tensors have the same shape and the same values (dtypes may
    differ, as in PyTorch)."""
    check_tensor(input, "equal")
    check_tensor(other, "equal", "other")
    if input._data.shape != other._data.shape:
        return False
    a, b, _ = _operands(input, other, "equal")
    return bool((a == b).all())


EXPORTS = ["bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "greater", "less",
           "greater_equal", "less_equal", "not_equal"]

TENSOR_METHODS = {
    "bitwise_and": bitwise_and, "bitwise_or": bitwise_or, "bitwise_xor": bitwise_xor,
    "bitwise_not": bitwise_not, "greater_equal": greater_equal, "less_equal": less_equal,
    "not_equal": not_equal, "greater": greater, "less": less,
}
