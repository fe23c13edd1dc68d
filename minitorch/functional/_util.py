"""Helpers shared by the differentiable functions: argument checks, dims, dtype promotion
of operands, and `sum_to`, the one place where a broadcast gradient is summed back."""
from __future__ import annotations

import numbers

import numpy as np

from .. import backend
from .. import dtypes as _dt
from ..tensor import Tensor, _wrap_dim

_NUMBER = (numbers.Number, np.generic)


def input_shape(ctx, k: int):
    """The shape of positional input `k` of the node `ctx` (known for inputs with grad)."""
    return ctx._in_meta[k][0]


def is_number(x) -> bool:
    return isinstance(x, _NUMBER) and not isinstance(x, Tensor)


def as_python_scalar(x):
    """NumPy scalars are strong-typed under NEP 50; Python scalars are weak like torch's."""
    if isinstance(x, np.generic):
        return x.item()
    return x


def check_tensor(x, fn: str, arg: str = "input") -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument '{arg}' must be Tensor, not {type(x).__name__}")
    return x


def xp_of(x):
    return backend.get_array_module(x._data if isinstance(x, Tensor) else x)


def cast(t: Tensor, np_dtype) -> Tensor:
    """Differentiable dtype conversion (no-op when the dtype already matches)."""
    if t._data.dtype == np_dtype:
        return t
    from .elementwise import Cast
    return Cast.apply(t, np.dtype(np_dtype))


def broadcast_shapes(a, b, fn: str):
    """Broadcast two shapes with PyTorch's error message, naming the function."""
    if a == b:
        return a
    n = max(len(a), len(b))
    pa = (1,) * (n - len(a)) + tuple(a)
    pb = (1,) * (n - len(b)) + tuple(b)
    out = []
    for i, (x, y) in enumerate(zip(pa, pb)):
        if x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        else:
            raise RuntimeError(
                f"{fn}(): the size of tensor a ({x}) must match the size of tensor b ({y}) at "
                f"non-singleton dimension {i}; got shapes {tuple(a)} and {tuple(b)}")
    return tuple(out)


def binary_operands(a, b, fn: str, float_result: bool = False):
    """Return (a, b) ready for an elementwise Function: Tensors cast to PyTorch's result
    dtype, Python scalars left weak, shapes checked for broadcasting. With `float_result`
    (true division, pow with a float exponent...) integer results become the default float."""
    ta = isinstance(a, Tensor)
    tb = isinstance(b, Tensor)
    if ta and tb:
        da, db = a._data.dtype, b._data.dtype
        if a._data.shape != b._data.shape:
            broadcast_shapes(a._data.shape, b._data.shape, fn)
        if da == db and (da.kind == "f" or not float_result):
            return a, b
        rt = _result_np_dtype(fn, float_result, a, b)
        return cast(a, rt), cast(b, rt)
    if ta:
        return _tensor_and_scalar(a, b, fn, float_result)
    if tb:
        t, scalar = _tensor_and_scalar(b, a, fn, float_result)
        return scalar, t
    raise TypeError(f"{fn}(): expected at least one Tensor operand, got "
                    f"{type(a).__name__} and {type(b).__name__}")


def _tensor_and_scalar(t, scalar, fn, float_result):
    """(tensor, Python scalar) converted for an elementwise op; the scalar stays weak."""
    if not isinstance(scalar, _NUMBER):
        _raise_operand(fn, scalar)
    scalar = as_python_scalar(scalar)
    if t._data.dtype.kind == "f" and not isinstance(scalar, complex):
        return t, scalar
    rt = _result_np_dtype(fn, float_result, t, scalar)
    return cast(t, rt), _scalar_as(scalar, rt)


def _result_np_dtype(fn, float_result, *ops):
    try:
        rt = _dt.result_type(*ops)
    except TypeError as exc:
        raise TypeError(f"{fn}(): {exc}") from None
    if float_result and not rt.is_floating_point:
        rt = _dt.get_default_dtype()
    return rt.np


def _scalar_as(value, np_dtype):
    """A Python scalar converted to the Python type of the result kind (stays weak)."""
    kind = np_dtype.kind
    if kind == "f":
        return float(value)
    if kind in "iu":
        if isinstance(value, float):
            return value
        return _wrap_int(int(value), np_dtype)
    return value


def _wrap_int(value: int, np_dtype) -> int:
    """A Python int outside a narrow integer dtype's range wraps around, as PyTorch casts
    it (uint8 tensor + 300 adds 44); NumPy would raise OverflowError instead."""
    np_dtype = np.dtype(np_dtype)
    if np_dtype.itemsize >= 8:
        return value
    info = np.iinfo(np_dtype)
    if info.min <= value <= info.max:
        return value
    span = 1 << (8 * np_dtype.itemsize)
    return (value - info.min) % span + info.min


def _raise_operand(fn, x):
    raise TypeError(f"{fn}(): unsupported operand of type {type(x).__name__}; expected a "
                    "Tensor or a Python number")


def sum_to(g: Tensor, shape) -> Tensor:
    """Sum a gradient back to `shape`, the shape of an input that was broadcast.

    Broadcasting prepends dims and stretches size-1 dims; the adjoint of copying a value
    to many places is adding the gradients from all of them."""
    gshape = g._data.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and gshape[lead + i] != 1)
    if axes:
        g = g.sum(dim=axes, keepdim=True)
    return g.reshape(shape) if g._data.shape != shape else g


def norm_dims(dim, ndim: int, fn: str):
    """dim as an int, a tuple/list, or None (all) -> sorted tuple of positive dims."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (list, tuple)):
        if len(dim) == 0:
            return tuple(range(ndim))
        dims = tuple(_wrap_dim(d, ndim, fn) for d in dim)
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"{fn}(): dim {dims} appears multiple times in the list of dims")
        return tuple(sorted(dims))
    return (_wrap_dim(dim, ndim, fn),)


def kept_shape(shape, dims):
    """The shape of a keepdim=True reduction over `dims`."""
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def parse_shape(args, fn: str):
    """Accept f(2, 3), f((2, 3)), f([2, 3]) or f(Size) and return a tuple of ints."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    out = []
    for s in args:
        if isinstance(s, Tensor):
            s = s.item()
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"{fn}(): size must be a sequence of ints, got {args!r}")
        out.append(int(s))
    return tuple(out)

