"""Reductions: sum, mean, prod, max/min (values and indices), amax/amin, argmax/argmin,
var/std, logsumexp, norm, cumsum.

Every reduction takes `dim` as an int, a tuple, or None (all dims), plus `keepdim`. The
backward of a reduction over `dims` first restores the reduced dims as size 1
(`_unsqueeze_reduced`) so that the gradient broadcasts against the input.
"""
from __future__ import annotations

import builtins
from collections import namedtuple

import numpy as np

from .. import backend
from ..autograd.function import Function
from ..tensor import Tensor, _make, _wrap_dim
from ._util import check_tensor, norm_dims, kept_shape, input_shape, cast
from . import elementwise as E

_xp = backend.get_array_module

values_indices = namedtuple("values_indices", ["values", "indices"])


def _unsqueeze_reduced(g: Tensor, in_shape, dims, keepdim: bool) -> Tensor:
    """g as it was before the reduced dims were dropped: size 1 in each reduced dim."""
    if keepdim:
        return g
    return g.reshape(kept_shape(in_shape, dims))


def _axis(dims, ndim):
    return None if len(dims) == ndim else dims


class Sum(Function):
    """out = sum of x over dims;  dx = g broadcast back over the summed dims."""

    @staticmethod
    def forward(ctx, x, dims, keepdim, dtype=None):
        ctx.dims, ctx.keepdim = dims, keepdim
        return _xp(x).sum(x, axis=_axis(dims, x.ndim), keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, g):
        shape = input_shape(ctx, 0)
        return _unsqueeze_reduced(g, shape, ctx.dims, ctx.keepdim).expand(shape)


class Mean(Function):
    """out = mean of x over dims (N elements each);  dx = g / N broadcast back."""

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.dims, ctx.keepdim = dims, keepdim
        n = 1
        for d in dims:
            n *= x.shape[d]
        ctx.n = n
        return _xp(x).mean(x, axis=_axis(dims, x.ndim), keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        shape = input_shape(ctx, 0)
        return (_unsqueeze_reduced(g, shape, ctx.dims, ctx.keepdim) / ctx.n).expand(shape)


def _check_reducible(input, fn):
    check_tensor(input, fn)


def sum(input, dim=None, keepdim=False, *, dtype=None):
    _check_reducible(input, "sum")
    dims = norm_dims(dim, input.ndim, "sum")
    np_dtype = None
    if dtype is not None:
        from .. import dtypes
        np_dtype = dtypes.to_dtype(dtype, "sum").np
        input = cast(input, np_dtype)
        np_dtype = None
    elif input._data.dtype.kind in "biu":
        np_dtype = np.int64  # integer and bool sums are int64, as in PyTorch
    return Sum.apply(input, dims, keepdim, np_dtype)


def mean(input, dim=None, keepdim=False, *, dtype=None):
    _check_reducible(input, "mean")
    if dtype is not None:
        from .. import dtypes
        input = cast(input, dtypes.to_dtype(dtype, "mean").np)
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a "
                           f"floating point or complex dtype. Got: {input.dtype}")
    dims = norm_dims(dim, input.ndim, "mean")
    return Mean.apply(input, dims, keepdim)


class Prod(Function):
    """out = product of x over dims.

    dx_i = g * prod_{j != i} x_j. Where x_i != 0 that is g * out / x_i; where x_i == 0 the
    product of the others is computed directly (exclusive cumulative products from both
    sides), so zeros get the exact gradient."""

    @staticmethod
    def forward(ctx, x, dim, keepdim):
        ctx.dim, ctx.keepdim = dim, keepdim
        out = _xp(x).prod(x, axis=dim, keepdims=keepdim)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        shape = input_shape(ctx, 0)
        dims = (ctx.dim,) if ctx.dim is not None else tuple(range(len(shape)))
        keep = ctx.keepdim and ctx.dim is not None
        g = _unsqueeze_reduced(g, shape, dims, keep)
        o = _unsqueeze_reduced(out, shape, dims, keep)
        zero = x == 0
        if not bool(zero._data.any()):
            return g * (o / x)
        others = _make(_prod_of_others(x._data, ctx.dim))
        safe_x = E.where(zero, 1.0, x)
        return g * E.where(zero, others, o / safe_x)


def _prod_of_others(x, dim):
    """prod_{j != i} x_j along dim (or over all elements when dim is None), exactly."""
    xp = _xp(x)
    shape = x.shape
    if dim is None:
        x = x.reshape(-1)
        dim = 0
    ones_shape = list(x.shape)
    ones_shape[dim] = 1
    ones = xp.ones(ones_shape, dtype=x.dtype)
    head = (slice(None),) * dim + (slice(0, x.shape[dim] - 1),)   # all but the last
    # left[i] = x_0 * ... * x_{i-1};  right[i] = x_{i+1} * ... * x_{n-1}
    left = xp.concatenate([ones, xp.cumprod(x[head], axis=dim)], axis=dim)
    rev = xp.flip(x, axis=dim)
    right = xp.flip(xp.concatenate([ones, xp.cumprod(rev[head], axis=dim)], axis=dim), axis=dim)
    return (left * right).reshape(shape)


def prod(input, dim=None, keepdim=False, *, dtype=None):
    check_tensor(input, "prod")
    if dtype is not None:
        from .. import dtypes
        input = cast(input, dtypes.to_dtype(dtype, "prod").np)
    elif input._data.dtype.kind in "biu":
        input = cast(input, np.dtype(np.int64))
    if dim is not None:
        if isinstance(dim, (tuple, list)):
            raise TypeError("prod(): argument 'dim' must be int (PyTorch reduces one dim at a time)")
        dim = _wrap_dim(dim, input.ndim, "prod")
        if input.ndim == 0:
            dim = None
    return Prod.apply(input, dim, keepdim)


# ---------------------------------------------------------------------------- max / min
class MaxMinDim(Function):
    """(values, indices) = max or min of x along one dim.

    The gradient goes to the selected index only (first occurrence on ties, as PyTorch's
    max(dim)): dx = scatter(g, indices)."""

    @staticmethod
    def forward(ctx, x, dim, keepdim, is_max):
        xp = _xp(x)
        idx = (xp.argmax if is_max else xp.argmin)(x, axis=dim, keepdims=True)
        values = xp.take_along_axis(x, idx, axis=dim)
        if not keepdim:
            idx = idx.squeeze(dim)
            values = values.squeeze(dim)
        ctx.dim, ctx.keepdim = dim, keepdim
        ctx.save_for_backward(idx)
        return values, idx

    @staticmethod
    def backward(ctx, g, _g_indices):
        idx, = ctx.saved_tensors
        from .indexing import scatter_add_zeros
        shape = input_shape(ctx, 0)
        g = _unsqueeze_reduced(g, shape, (ctx.dim,), ctx.keepdim)
        idx = _unsqueeze_reduced(idx, shape, (ctx.dim,), ctx.keepdim)
        return scatter_add_zeros(shape, ctx.dim, idx, g)


class AmaxAmin(Function):
    """out = max (or min) over dims; the gradient is shared evenly between tied maxima
    (PyTorch's rule for amax/amin and full max()/min()): dx = g * [x == out] / count."""

    @staticmethod
    def forward(ctx, x, dims, keepdim, is_max):
        xp = _xp(x)
        if x.size == 0:
            raise RuntimeError(f"{'amax' if is_max else 'amin'}(): Expected reduction dim to be "
                               "specified for input.numel() == 0. Specify the reduction dim "
                               "with the 'dim' argument.")
        out = (xp.max if is_max else xp.min)(x, axis=_axis(dims, x.ndim), keepdims=keepdim)
        ctx.dims, ctx.keepdim = dims, keepdim
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        shape = input_shape(ctx, 0)
        o = _unsqueeze_reduced(out, shape, ctx.dims, ctx.keepdim)
        g = _unsqueeze_reduced(g, shape, ctx.dims, ctx.keepdim)
        mask = (x == o.detach())
        count = sum(mask, dim=ctx.dims, keepdim=True).to(x.dtype)
        return g * mask / count


def _max_min(input, dim, keepdim, is_max, name):
    check_tensor(input, name)
    if dim is None:
        return AmaxAmin.apply(input, tuple(range(input.ndim)), False, is_max)
    if isinstance(dim, Tensor):
        return (E.maximum if is_max else E.minimum)(input, dim)
    d = _wrap_dim(dim, input.ndim, name)
    if input.ndim == 0:
        return values_indices(input.clone(), _make(_xp(input._data).zeros((), dtype=np.int64)))
    if input._data.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    values, indices = MaxMinDim.apply(input, d, keepdim, is_max)
    return values_indices(values, indices)


def max(input, dim=None, keepdim=False):
    """max(x) -> the largest value; max(x, dim) -> (values, indices); max(x, other) ->
    elementwise maximum."""
    return _max_min(input, dim, keepdim, True, "max")


def min(input, dim=None, keepdim=False):
    """min(x) -> the smallest value; min(x, dim) -> (values, indices); min(x, other) ->
    elementwise minimum."""
    return _max_min(input, dim, keepdim, False, "min")


def amax(input, dim=(), keepdim=False):
    check_tensor(input, "amax")
    return AmaxAmin.apply(input, norm_dims(dim, input.ndim, "amax"), keepdim, True)


def amin(input, dim=(), keepdim=False):
    check_tensor(input, "amin")
    return AmaxAmin.apply(input, norm_dims(dim, input.ndim, "amin"), keepdim, False)


def argmax(input, dim=None, keepdim=False):
    check_tensor(input, "argmax")
    return _arg(input, dim, keepdim, True, "argmax")


def argmin(input, dim=None, keepdim=False):
    check_tensor(input, "argmin")
    return _arg(input, dim, keepdim, False, "argmin")


def _arg(input, dim, keepdim, is_max, name):
    x = input._data
    xp = _xp(x)
    f = xp.argmax if is_max else xp.argmin
    if x.size == 0:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
    if dim is None:
        out = f(x.reshape(-1))
        if keepdim:
            out = xp.asarray(out).reshape((1,) * x.ndim)
        return _make(xp.asarray(out, dtype=np.int64))
    d = _wrap_dim(dim, x.ndim, name)
    if x.ndim == 0:
        return _make(xp.zeros((), dtype=np.int64))
    return _make(xp.asarray(f(x, axis=d, keepdims=keepdim), dtype=np.int64))


# ---------------------------------------------------------------------------- var / std
class Var(Function):
    """out = sum((x - mean)^2) / (N - correction) over dims;
    dx = g * 2 (x - mean) / (N - correction)."""

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        n = 1
        for d in dims:
            n *= x.shape[d]
        ctx.dims, ctx.keepdim, ctx.denom = dims, keepdim, n - correction
        ctx.save_for_backward(x)
        xp = _xp(x)
        mu = xp.mean(x, axis=_axis(dims, x.ndim), keepdims=True)
        d = x - mu
        return xp.sum(d * d, axis=_axis(dims, x.ndim), keepdims=keepdim) / builtins.max(ctx.denom, 0)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        shape = input_shape(ctx, 0)
        g = _unsqueeze_reduced(g, shape, ctx.dims, ctx.keepdim)
        centered = x - mean(x, dim=ctx.dims, keepdim=True)
        return g * centered * (2.0 / ctx.denom)


def _correction(fn, correction, unbiased):
    if unbiased is not None:
        if correction is not None:
            raise TypeError(f"{fn}(): give either 'unbiased' or 'correction', not both")
        return 1 if unbiased else 0
    return 1 if correction is None else correction


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Variance with Bessel's correction by default (correction=1)."""
    check_tensor(input, "var")
    if isinstance(dim, bool):  # var(x, False): the old positional `unbiased`
        dim, unbiased = None, dim
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"var(): input dtype should be floating point, got {input.dtype}")
    dims = norm_dims(dim, input.ndim, "var")
    return Var.apply(input, dims, _correction("var", correction, unbiased), keepdim)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """sqrt(var): d std = d var / (2 std)."""
    return E.sqrt(var(input, dim, unbiased, keepdim, correction=correction))


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return (var(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim))


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return (std(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim))


# ---------------------------------------------------------------------------- logsumexp
class LogSumExp(Function):
    """out = log(sum(exp(x))) over dims, computed as m + log(sum(exp(x - m))) with
    m = max(x) so that it neither overflows nor underflows;  dx = g * exp(x - out)."""

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        xp = _xp(x)
        ax = _axis(dims, x.ndim)
        m = xp.max(x, axis=ax, keepdims=True) if x.size else xp.zeros(kept_shape(x.shape, dims), x.dtype)
        m = xp.where(xp.isfinite(m), m, 0).astype(x.dtype, copy=False)
        with np.errstate(divide="ignore"):  # rows of all -inf give log(0) = -inf, as PyTorch
            out = xp.log(xp.sum(xp.exp(x - m), axis=ax, keepdims=True)) + m
        if not keepdim:
            out = out.reshape([s for i, s in enumerate(x.shape) if i not in dims])
        ctx.dims, ctx.keepdim = dims, keepdim
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        shape = input_shape(ctx, 0)
        g = _unsqueeze_reduced(g, shape, ctx.dims, ctx.keepdim)
        o = _unsqueeze_reduced(out, shape, ctx.dims, ctx.keepdim)
        return g * E.exp(x - o)


def logsumexp(input, dim, keepdim=False):
    check_tensor(input, "logsumexp")
    if input._data.dtype.kind != "f":
        input = cast(input, np.dtype(np.float32))
    return LogSumExp.apply(input, norm_dims(dim, input.ndim, "logsumexp"), keepdim)


# ---------------------------------------------------------------------------- norm
class Norm2(Function):
    """out = sqrt(sum(x^2)) over dims;  dx = g * x / out (0 where out == 0, as PyTorch)."""

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        xp = _xp(x)
        out = xp.sqrt(xp.sum(x * x, axis=_axis(dims, x.ndim), keepdims=keepdim))
        ctx.dims, ctx.keepdim = dims, keepdim
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        shape = input_shape(ctx, 0)
        g = _unsqueeze_reduced(g, shape, ctx.dims, ctx.keepdim)
        o = _unsqueeze_reduced(out, shape, ctx.dims, ctx.keepdim)
        zero = o == 0
        return g * x / E.where(zero, 1.0, o) * ~zero


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """Vector p-norm over dims (all elements when dim is None): p = 2 ('fro'), 1, inf,
    -inf, 0 (count of non-zeros) or any other number: (sum |x|^p)^(1/p)."""
    check_tensor(input, "norm")
    if dtype is not None:
        from .. import dtypes
        input = cast(input, dtypes.to_dtype(dtype, "norm").np)
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"norm(): input dtype should be floating point, got {input.dtype}")
    dims = norm_dims(dim, input.ndim, "norm")
    if p is None or p == "fro" or p == 2:
        return Norm2.apply(input, dims, keepdim)
    if isinstance(p, str):
        raise ValueError(f"norm(): p must be a number or 'fro', got {p!r}")
    a = E.abs(input)
    if p == float("inf"):
        return amax(a, dims, keepdim)
    if p == float("-inf"):
        return amin(a, dims, keepdim)
    if p == 0:
        return sum((input != 0).to(input.dtype), dims, keepdim)
    if p == 1:
        return sum(a, dims, keepdim)
    return E.pow(sum(E.pow(a, p), dims, keepdim), 1.0 / p)


# ---------------------------------------------------------------------------- cumsum
class CumSum(Function):
    """out_i = sum_{j <= i} x_j along dim;  dx_j = sum_{i >= j} g_i, a reversed cumsum."""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return _xp(x).cumsum(x, axis=dim, dtype=x.dtype if x.dtype.kind == "f" else np.int64)

    @staticmethod
    def backward(ctx, g):
        d = ctx.dim
        return g.flip(d).cumsum(d).flip(d)


def cumsum(input, dim, *, dtype=None):
    check_tensor(input, "cumsum")
    if dtype is not None:
        from .. import dtypes
        input = cast(input, dtypes.to_dtype(dtype, "cumsum").np)
    if input.ndim == 0:
        return input.clone()
    return CumSum.apply(input, _wrap_dim(dim, input.ndim, "cumsum"))
