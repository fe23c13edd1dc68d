"""Comparisons and logic. Their outputs are bool tensors and carry no gradient."""
from __future__ import annotations


from .. import backend
from ..tensor import Tensor, _make
from ._util import is_number, as_python_scalar, broadcast_shapes, _raise_operand

_xp = backend.get_array_module


def _compare(ufunc_name, fn):
    def op(input, other):
        if isinstance(input, Tensor):
            a = input._data
            xp = _xp(a)
        else:
            if not is_number(input):
                _raise_operand(fn, input)
            a = as_python_scalar(input)
        if isinstance(other, Tensor):
            b = other._data
            if isinstance(input, Tensor):
                if type(b) is not type(a):
                    raise RuntimeError(f"{fn}(): expected both tensors on the same device, got "
                                       f"{input.device} and {other.device}")
                broadcast_shapes(a.shape, b.shape, fn)
            else:
                xp = _xp(b)
        else:
            if not is_number(other):
                _raise_operand(fn, other)
            b = as_python_scalar(other)
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
        return _make(_compare(ufunc_name, fn)(input, other)._data.astype(bool))
    op.__name__ = op.__qualname__ = fn
    op.__doc__ = f"Elementwise {fn} of the truth values; returns a bool tensor."
    return op


logical_and = _logical("logical_and", "logical_and")
logical_or = _logical("logical_or", "logical_or")
logical_xor = _logical("logical_xor", "logical_xor")


def logical_not(input):
    return _make(_xp(input._data).logical_not(input._data))


def _bitwise(ufunc_name, fn):
    def op(input, other):
        for x in (input, other):
            if isinstance(x, Tensor) and x._data.dtype.kind not in "biu":
                raise RuntimeError(f"{fn}(): \"{fn}_cpu\" not implemented for '{x.dtype}' "
                                   "(bitwise operations need bool or integer tensors)")
        return _compare(ufunc_name, fn)(input, other)
    op.__name__ = op.__qualname__ = fn
    return op


bitwise_and = _bitwise("bitwise_and", "bitwise_and")
bitwise_or = _bitwise("bitwise_or", "bitwise_or")
bitwise_xor = _bitwise("bitwise_xor", "bitwise_xor")


def bitwise_not(input):
    if input._data.dtype.kind not in "biu":
        raise RuntimeError(f"bitwise_not(): needs a bool or integer tensor, got {input.dtype}")
    return _make(_xp(input._data).invert(input._data))


def isnan(input):
    return _make(_xp(input._data).isnan(input._data))


def isinf(input):
    return _make(_xp(input._data).isinf(input._data))


def isfinite(input):
    return _make(_xp(input._data).isfinite(input._data))


def any(input, dim=None, keepdim=False):
    from ._util import norm_dims
    dims = None if dim is None else norm_dims(dim, input.ndim, "any")
    return _make(_xp(input._data).asarray(_xp(input._data).any(input._data, axis=dims, keepdims=keepdim)))


def all(input, dim=None, keepdim=False):
    from ._util import norm_dims
    dims = None if dim is None else norm_dims(dim, input.ndim, "all")
    return _make(_xp(input._data).asarray(_xp(input._data).all(input._data, axis=dims, keepdims=keepdim)))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    return bool(_xp(input._data).allclose(input._data, other._data, rtol=rtol, atol=atol,
                                          equal_nan=equal_nan))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _make(_xp(input._data).isclose(input._data, other._data, rtol=rtol, atol=atol,
                                          equal_nan=equal_nan))


def equal(input, other) -> bool:
    """True when both tensors have the same shape and the same values."""
    return input._data.shape == other._data.shape and bool((input._data == other._data).all())
