"""softmax and log_softmax along one dim, stable for inputs as large as +-1e4.

Both subtract the row maximum before exponentiating (the result is unchanged because the
factor exp(-max) cancels), so exp never overflows.
"""
from __future__ import annotations

import numpy as np

from .. import backend
from ..autograd.function import Function
from ..tensor import _wrap_dim
from ._util import check_tensor, cast
from .reduction import sum as _sum
from . import elementwise as E

_xp = backend.get_array_module

__all__ = ["softmax", "log_softmax"]


class Softmax(Function):
    """y = exp(x - max) / sum(exp(x - max));  dx = y * (g - sum(g * y))."""

    @staticmethod
    def forward(ctx, x, dim):
        xp = _xp(x)
        e = xp.exp(x - xp.max(x, axis=dim, keepdims=True))
        y = e / xp.sum(e, axis=dim, keepdims=True)
        ctx.dim = dim
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return y * (g - _sum(g * y, dim=ctx.dim, keepdim=True))


class LogSoftmax(Function):
    """y = x - max - log(sum(exp(x - max)));  dx = g - exp(y) * sum(g)."""

    @staticmethod
    def forward(ctx, x, dim):
        xp = _xp(x)
        shifted = x - xp.max(x, axis=dim, keepdims=True)
        y = shifted - xp.log(xp.sum(xp.exp(shifted), axis=dim, keepdims=True))
        ctx.dim = dim
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g - E.exp(y) * _sum(g, dim=ctx.dim, keepdim=True)


def _prepare(input, dim, dtype, fn):
    check_tensor(input, fn)
    if dim is None:
        raise TypeError(f"{fn}(): argument 'dim' is required (implicit dim choice is deprecated "
                        "in PyTorch and not supported here)")
    if dtype is not None:
        from .. import dtypes
        input = cast(input, dtypes.to_dtype(dtype, fn).np)
    elif input._data.dtype.kind != "f":
        input = cast(input, np.dtype(np.float32))
    return input, _wrap_dim(dim, input.ndim, fn)


def softmax(input, dim=None, dtype=None):
    x, d = _prepare(input, dim, dtype, "softmax")
    if x.ndim == 0:
        x = x.reshape(1)
        return Softmax.apply(x, 0).reshape(())
    return Softmax.apply(x, d)


def log_softmax(input, dim=None, dtype=None):
    x, d = _prepare(input, dim, dtype, "log_softmax")
    if x.ndim == 0:
        x = x.reshape(1)
        return LogSoftmax.apply(x, 0).reshape(())
    return LogSoftmax.apply(x, d)
