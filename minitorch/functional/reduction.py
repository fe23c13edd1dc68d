"""Reductions: sum, mean, prod, max/min (values and indices), amax/amin, aminmax,
argmax/argmin, var/std (and var_mean/std_mean), nansum/nanmean, count_nonzero, logsumexp,
norm; the cumulative family cumsum, cumprod, cummax/cummin, logcumsumexp (and cumsum_,
cumprod_); the counting functions histc, histogram, bincount; statistics cov, corrcoef;
trapezoid-rule integrals; renorm. (Order statistics that need a sort, such as median, mode
and quantile, live in sorting.py.)

Every reduction takes `dim` as an int, a tuple, or None (all dims), plus `keepdim`. The
backward of a reduction over `dims` first restores the reduced dims as size 1
(`_unsqueeze_reduced`) so that the gradient broadcasts against the input.
"""
from __future__ import annotations

import builtins
import math
import warnings
from collections import namedtuple

import numpy as np

from .. import backend
from ..autograd.function import Function
from ..tensor import Tensor, _make, _wrap_dim
from ._util import check_tensor, norm_dims, kept_shape, input_shape, cast
from . import elementwise as E

_xp = backend.get_array_module

values_indices = namedtuple("values_indices", ["values", "indices"])
max_t = namedtuple("max", ["values", "indices"])
min_t = namedtuple("min", ["values", "indices"])
# PyTorch's torch.return_types: named tuples whose field names programs use
cummax_t = namedtuple("cummax", ["values", "indices"])
cummin_t = namedtuple("cummin", ["values", "indices"])
aminmax_t = namedtuple("aminmax", ["min", "max"])
histogram_t = namedtuple("histogram", ["hist", "bin_edges"])


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
        xp = _xp(x)
        if n == 0:  # the mean of nothing is nan, as in PyTorch (NumPy would also warn)
            return xp.full(_reduced_shape(x.shape, dims, keepdim), xp.nan, dtype=x.dtype)
        return xp.mean(x, axis=_axis(dims, x.ndim), keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        shape = input_shape(ctx, 0)
        return (_unsqueeze_reduced(g, shape, ctx.dims, ctx.keepdim) / ctx.n).expand(shape)


def _reduced_shape(shape, dims, keepdim):
    """The shape of a reduction of `shape` over `dims`."""
    if keepdim:
        return kept_shape(shape, dims)
    return tuple(s for i, s in enumerate(shape) if i not in dims)


def _reduce_dims(dim, input, fn):
    """The sorted dims a reduction runs over (all for None or ()); a 0-d input accepts dim
    0 or -1 and has nothing to reduce over, as in PyTorch."""
    dims = norm_dims(dim, input.ndim, fn)
    return () if input.ndim == 0 else dims


def _check_reducible(input, fn):
    check_tensor(input, fn)


def sum(input, dim=None, keepdim=False, *, dtype=None):
    _check_reducible(input, "sum")
    dims = _reduce_dims(dim, input, "sum")
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
        d = dtypes.to_dtype(dtype, "mean")
        if not d.is_floating_point:
            raise RuntimeError(f"mean(): could not infer output dtype. Optional dtype must be "
                               f"either a floating point or complex dtype. Got: {d}")
        input = cast(input, d.np)
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a "
                           f"floating point or complex dtype. Got: {input.dtype}")
    dims = _reduce_dims(dim, input, "mean")
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


def _check_nonempty(input, dims, name, all_dims, error=RuntimeError):
    """PyTorch's errors for max-like reductions of empty tensors: with no dim given the
    input must have elements; with dims, each reduced dim must be non-empty."""
    shape = input._data.shape
    if all_dims:
        if input._data.size == 0:
            raise error(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                        "Specify the reduction dim with the 'dim' argument.")
        return
    for d in dims:
        if shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _max_min(input, dim, keepdim, is_max, name):
    check_tensor(input, name)
    if dim is None:
        _check_nonempty(input, (), name, True)
        return AmaxAmin.apply(input, tuple(range(input.ndim)), False, is_max)
    if isinstance(dim, Tensor):
        return (E.maximum if is_max else E.minimum)(input, dim)
    d = _wrap_dim(dim, input.ndim, name)
    result = max_t if is_max else min_t
    if input.ndim == 0:
        return result(input.clone(), _make(_xp(input._data).zeros((), dtype=np.int64)))
    _check_nonempty(input, (d,), name, False)
    values, indices = MaxMinDim.apply(input, d, keepdim, is_max)
    return result(values, indices)


def max(input, dim=None, keepdim=False):
    """max(x) -> the largest value; max(x, dim) -> (values, indices); max(x, other) ->
    elementwise maximum."""
    return _max_min(input, dim, keepdim, True, "max")


def min(input, dim=None, keepdim=False):
    """min(x) -> the smallest value; min(x, dim) -> (values, indices); min(x, other) ->
    elementwise minimum."""
    return _max_min(input, dim, keepdim, False, "min")


def _amax_amin(input, dim, keepdim, is_max, name):
    check_tensor(input, name)
    dims = _reduce_dims(dim, input, name)
    all_dims = dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0)
    _check_nonempty(input, dims, name, all_dims)
    return AmaxAmin.apply(input, dims, keepdim, is_max)


def amax(input, dim=(), keepdim=False):
    """The largest value over dims (all when dim is empty); ties share the gradient."""
    return _amax_amin(input, dim, keepdim, True, "amax")


def amin(input, dim=(), keepdim=False):
    """The smallest value over dims (all when dim is empty); ties share the gradient."""
    return _amax_amin(input, dim, keepdim, False, "amin")


def aminmax(input, *, dim=None, keepdim=False):
    """(min, max) in one call, as the named tuple aminmax(min, max); each part behaves like
    amin/amax (tied extremes share the gradient)."""
    check_tensor(input, "aminmax")
    dims = _reduce_dims(dim, input, "aminmax")
    if input._data.size == 0 and (dim is None or input._data.shape[dims[0]] == 0):
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                           "operation has no identity.")
    if dim is None and keepdim:
        dims = tuple(range(input.ndim))
    return aminmax_t(AmaxAmin.apply(input, dims, keepdim, False),
                     AmaxAmin.apply(input, dims, keepdim, True))


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
    if dim is None:
        _check_nonempty(input, (), name, True, IndexError)
        out = f(x.reshape(-1))
        if keepdim:
            out = xp.asarray(out).reshape((1,) * x.ndim)
        return _make(xp.asarray(out, dtype=np.int64))
    d = _wrap_dim(dim, x.ndim, name)
    if x.ndim == 0:
        return _make(xp.zeros((), dtype=np.int64))
    _check_nonempty(input, (d,), name, False)
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
        if ctx.denom <= 0:
            warnings.warn("var(): degrees of freedom is <= 0. Correction should be strictly less "
                          "than the reduction factor (input numel divided by output numel).",
                          UserWarning, stacklevel=4)
        with np.errstate(divide="ignore", invalid="ignore"):
            if n == 0:
                return xp.full(_reduced_shape(x.shape, dims, keepdim), xp.nan, dtype=x.dtype)
            mu = xp.mean(x, axis=_axis(dims, x.ndim), keepdims=True)
            d = x - mu
            # 0/0 = nan and c/0 = inf where the correction leaves no degrees of freedom
            return xp.sum(d * d, axis=_axis(dims, x.ndim), keepdims=keepdim) / builtins.max(ctx.denom, 0)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        shape = input_shape(ctx, 0)
        g = _unsqueeze_reduced(g, shape, ctx.dims, ctx.keepdim)
        centered = x - mean(x, dim=ctx.dims, keepdim=True)
        # no degrees of freedom: 2 / 0 = inf, as PyTorch (0 * inf = nan where x == mean)
        scale = 2.0 / ctx.denom if ctx.denom > 0 else float("inf")
        with np.errstate(invalid="ignore"):
            return g * centered * scale


def _correction(fn, correction, unbiased):
    if unbiased is not None:
        if correction is not None:
            raise TypeError(f"{fn}(): give either 'unbiased' or 'correction', not both")
        return 1 if unbiased else 0
    return 1 if correction is None else correction


def _var_args(fn, input, dim, unbiased, keepdim, correction):
    """PyTorch's var/std overloads -> (dims, correction, keepdim):
    var(x), var(x, unbiased: bool), var(x, dim, unbiased, keepdim) and
    var(x, dim=None, *, correction=1, keepdim=False); dim an int, a tuple/list or None."""
    check_tensor(input, fn)
    if isinstance(dim, bool):  # var(x, False): the old positional `unbiased`
        if unbiased is not None:
            raise TypeError(f"{fn}(): got 'unbiased' twice (positionally as a bool and by name)")
        dim, unbiased = None, dim
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{fn}(): std and var only support floating point and complex dtypes, "
                           f"got {input.dtype}")
    dims = _reduce_dims(dim, input, fn)
    return dims, _correction(fn, correction, unbiased), keepdim


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Variance with Bessel's correction by default (correction=1): sum((x - mean)^2) / (N - c)."""
    dims, corr, keepdim = _var_args("var", input, dim, unbiased, keepdim, correction)
    return Var.apply(input, dims, corr, keepdim)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """sqrt(var): d std = d var / (2 std)."""
    return E.sqrt(var(input, dim, unbiased, keepdim, correction=correction))


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(var, mean) over the same dims, as a tuple."""
    dims, corr, keepdim = _var_args("var_mean", input, dim, unbiased, keepdim, correction)
    return Var.apply(input, dims, corr, keepdim), mean(input, dims, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(std, mean) over the same dims, as a tuple."""
    dims, corr, keepdim = _var_args("std_mean", input, dim, unbiased, keepdim, correction)
    return E.sqrt(Var.apply(input, dims, corr, keepdim)), mean(input, dims, keepdim)


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
        from .. import dtypes
        input = cast(input, dtypes.get_default_dtype().np)
    dims = _reduce_dims(dim, input, "logsumexp")
    return LogSumExp.apply(input, dims, keepdim)


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
    if p == "nuc" or (p == "fro" and isinstance(dim, (tuple, list)) and len(dim) > 2):
        # matrix norms over a pair of dims (all dims of a matrix when dim is None), as
        # PyTorch sends them to linalg.matrix_norm (which checks the pair)
        from .decomposition import matrix_norm
        pair = tuple(range(input.ndim)) if dim is None else dim
        return matrix_norm(input, p, pair, keepdim)
    dims = _reduce_dims(dim, input, "norm")
    if p is None or p == "fro" or p == 2:
        return Norm2.apply(input, dims, keepdim)
    if isinstance(p, str):
        raise ValueError(f"norm(): p must be a number, 'fro' or 'nuc', got {p!r}")
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


def _accumulate(ufunc_name, x, axis):
    """`ufunc.accumulate` along axis (running max, running logaddexp, ...). CuPy builds
    without ufunc.accumulate get a plain sequential scan along the axis."""
    xp = _xp(x)
    ufunc = getattr(xp, ufunc_name)
    try:
        return ufunc.accumulate(x, axis=axis)
    except (AttributeError, NotImplementedError, TypeError):
        out = xp.array(x, copy=True)
        lanes = xp.moveaxis(out, axis, 0)  # a view: writing it fills `out`
        for i in range(1, lanes.shape[0]):
            lanes[i] = ufunc(lanes[i - 1], lanes[i])
        return out


def _reverse_cumsum(t: Tensor, dim: int) -> Tensor:
    """out_j = sum_{i >= j} t_i along dim (the adjoint of cumsum), differentiable."""
    return t.flip(dim).cumsum(dim).flip(dim)


def _dtype_arg(input, dtype, fn):
    """input cast to `dtype=` when given (differentiably), else input itself."""
    if dtype is None:
        return input
    from .. import dtypes
    return cast(input, dtypes.to_dtype(dtype, fn).np)


def _cum_dim(input, dim, fn):
    """The dim of a cumulative op; a 0-d tensor accepts dim 0 or -1."""
    return _wrap_dim(dim, input.ndim, fn)


# ---------------------------------------------------------------------------- cumprod
class CumProd(Function):
    """out_i = prod_{j <= i} x_j along dim;  dx = _cumprod_grad(x, out, g) (below)."""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        out = _xp(x).cumprod(x, axis=dim)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        return _cumprod_grad(x, out, g, ctx.dim)


def _cumprod_grad(x: Tensor, out: Tensor, g: Tensor, d: int) -> Tensor:
    """dx_j = sum_{i >= j} g_i * prod_{k <= i, k != j} x_k for out = cumprod(x) along d.

    With no zero in a lane that is reverse_cumsum(g * out)_j / x_j. With zeros, let z be
    the first zero of the lane and y be x with x_z replaced by 1:
    - j < z: the same formula (every out_i with i >= z is 0 already);
    - j = z: sum_{i >= z} g_i * cumprod(y)_i;
    - j > z: x_z * (the same gradient for cumprod(y)), which is 0 but carries the right
      derivative with respect to x_z.
    Everything is a differentiable op (y's own zeros are handled by recursion), so second
    derivatives are exact at zeros too."""
    zero = x._data == 0
    if not bool(zero.any()):
        return _reverse_cumsum(g * out, d) / x
    seen = _xp(zero).cumsum(zero, axis=d)      # zeros at or before each position
    before = _make(seen == 0)                   # j < z
    first = _make(zero & (seen == 1))           # j = z
    after = _make(seen >= 1) & ~first           # j > z
    y = E.where(first, 1.0, x)
    out_y = cumprod(y, d)                       # prod_{k <= i, k != z} x_k for i >= z
    part_before = E.where(before, _reverse_cumsum(g * out, d) / E.where(before, x, 1.0), 0.0)
    at_zero = sum(E.where(before, 0.0, g * out_y), d, keepdim=True)
    x_z = sum(E.where(first, x, 0.0), d, keepdim=True)
    part_after = x_z * _cumprod_grad(y, out_y, g, d)
    return part_before + E.where(first, at_zero, 0.0) + E.where(after, part_after, 0.0)


def cumprod(input, dim, *, dtype=None):
    """Cumulative product along dim; integer and bool inputs give int64 (as PyTorch)."""
    check_tensor(input, "cumprod")
    input = _dtype_arg(input, dtype, "cumprod")
    if dtype is None and input._data.dtype.kind in "biu":
        input = cast(input, np.dtype(np.int64))
    d = _cum_dim(input, dim, "cumprod")
    if input.ndim == 0:
        return input.clone()
    return CumProd.apply(input, d)


# ---------------------------------------------------------------------------- cummax / cummin
def _cum_extreme(input, dim, is_max, name, result):
    """Running max (or min) along dim and where it was attained. On ties the index moves to
    the latest position (x_i >= running max), and a NaN, once seen, is the running value
    (a later NaN takes the index), as PyTorch. The values are `gather(x, indices)`, so the
    gradient of each output goes back to the element it came from."""
    check_tensor(input, name)
    d = _cum_dim(input, dim, name)
    x = input._data
    xp = _xp(x)
    if input.ndim == 0:
        return result(input.clone(), _make(xp.zeros((), dtype=np.int64)))
    running = _accumulate("maximum" if is_max else "minimum", x, d)
    attained = x == running
    if x.dtype.kind == "f":
        attained |= xp.isnan(x)
    pos_shape = [1] * x.ndim
    pos_shape[d] = x.shape[d]
    pos = xp.arange(x.shape[d], dtype=np.int64).reshape(pos_shape)
    idx = _accumulate("maximum", xp.where(attained, pos, 0), d)   # latest position attained
    from .indexing import gather
    return result(gather(input, d, _make(idx)), _make(idx))


def cummax(input, dim):
    """Running maximum along dim: the named tuple (values, indices)."""
    return _cum_extreme(input, dim, True, "cummax", cummax_t)


def cummin(input, dim):
    """Running minimum along dim: the named tuple (values, indices)."""
    return _cum_extreme(input, dim, False, "cummin", cummin_t)


# ---------------------------------------------------------------------------- logcumsumexp
class LogCumSumExp(Function):
    """out_i = log sum_{j <= i} exp(x_j) along dim, as a running logaddexp (stable at any
    magnitude).

    dx_j = sum_{i >= j} g_i exp(x_j - out_i). PyTorch's stable form splits g by sign,
    g = g+ - g-, and sums in log space:
        dx_j = exp(x_j + rlcse(log g+ - out)_j) - exp(x_j + rlcse(log g- - out)_j)
    with rlcse the reversed logcumsumexp, and log 0 replaced by the lowest finite number.
    Everything is a differentiable op, so double backward works."""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        out = _accumulate("logaddexp", x, dim)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        d = ctx.dim
        lowest = float(np.finfo(x._data.dtype).min)

        def rlcse(t):
            return logcumsumexp(t.flip(d), d).flip(d)
        # log(0) = -inf is replaced by `lowest` just below; lowest - out may round to -inf
        with np.errstate(divide="ignore", over="ignore"):
            log_abs = E.log(E.abs(g))
            pos = E.where(g > 0, log_abs, lowest)
            neg = E.where(g < 0, log_abs, lowest)
            return E.exp(rlcse(pos - out) + x) - E.exp(rlcse(neg - out) + x)


def logcumsumexp(input, dim):
    """log(cumsum(exp(x))) along dim, computed without overflow or underflow."""
    check_tensor(input, "logcumsumexp")
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f"logcumsumexp(): not implemented for {input.dtype} inputs; "
                                  "needs a floating point tensor")
    d = _cum_dim(input, dim, "logcumsumexp")
    if input.ndim == 0:
        return input.clone()
    return LogCumSumExp.apply(input, d)


def _inplace_from(self, fn_name, result_fn):
    """self.<fn_name>(...): self rebound to result_fn(self), with PyTorch's in-place rules
    (recorded in the graph when needed; a leaf that requires grad refuses)."""
    from .inplace import _check_inplace_allowed, _old, _rebind
    if _check_inplace_allowed(self, fn_name):
        return _rebind(self, result_fn(_old(self)))
    out = result_fn(self.detach())
    self._data[...] = out._data.astype(self._data.dtype, copy=False)
    self._bump_version()
    return self


def cumsum_(self, dim, *, dtype=None):
    """In-place cumsum along dim."""
    return _inplace_from(self, "cumsum_", lambda t: cumsum(t, dim, dtype=dtype))


def cumprod_(self, dim, *, dtype=None):
    """In-place cumprod along dim."""
    return _inplace_from(self, "cumprod_", lambda t: cumprod(t, dim, dtype=dtype))


# ---------------------------------------------------------------------------- nan-aware
def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """sum with NaN counted as zero;  dx = g where x is not NaN, 0 where it is."""
    check_tensor(input, "nansum")
    x = input._data
    if x.dtype.kind == "f":
        input = E.where(_make(_xp(x).asarray(_xp(x).isnan(x))), 0.0, input)
    return sum(input, dim, keepdim, dtype=dtype)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """mean over the non-NaN elements: nansum / count of non-NaN (NaN where there are none)."""
    check_tensor(input, "nanmean")
    input = _dtype_arg(input, dtype, "nanmean")
    if input._data.dtype.kind != "f":
        raise RuntimeError("nanmean(): expected input to have floating point or complex dtype "
                           f"but got {input.dtype}")
    x = input._data
    count = sum(_make(_xp(x).asarray(~_xp(x).isnan(x))), dim, keepdim)
    with np.errstate(divide="ignore", invalid="ignore"):
        return nansum(input, dim, keepdim) / count


def count_nonzero(input, dim=None):
    """The number of non-zero elements over dim (an int, a tuple/list, or None for all), int64."""
    check_tensor(input, "count_nonzero")
    return sum(input != 0, dim)


def sum_to_size(self, *size):
    """self summed down to `size` (a shape self broadcasts from): the adjoint of expand."""
    from ._util import parse_shape, sum_to, broadcast_shapes
    shape = parse_shape(size, "sum_to_size")
    ok = len(shape) <= self.ndim
    if ok:
        try:
            ok = broadcast_shapes(shape, self._data.shape, "sum_to_size") == self._data.shape
        except RuntimeError:
            ok = False
    if not ok:
        raise RuntimeError(f"sum_to_size(): size {list(shape)} is not expandable to size "
                           f"{list(self.shape)}")
    return sum_to(self, shape)


# ---------------------------------------------------------------------------- counting
def _float_input(input, fn):
    check_tensor(input, fn)
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f"{fn}(): not implemented for {input.dtype} inputs; needs a "
                                  "floating point tensor")
    return input._data


def _bin_counts(x, edges, weights=None):
    """Counts of x in the bins [edges_i, edges_{i+1}) (the last bin also holds its right
    edge); values outside [edges_0, edges_-1] and NaN are not counted."""
    xp = _xp(x)
    nbins = edges.shape[0] - 1
    x = x.reshape(-1)
    inside = (x >= edges[0]) & (x <= edges[-1])
    idx = xp.searchsorted(edges, x, side="right") - 1
    idx = xp.minimum(idx, nbins - 1)
    w = None if weights is None else weights.reshape(-1)[inside]
    counts = xp.bincount(idx[inside], weights=w, minlength=nbins)
    return counts[:nbins]


def _range_of(x, lo, hi, fn):
    """The histogram range: (lo, hi) as given, or the data's min and max when lo == hi;
    an empty range is widened by 1 on each side, as PyTorch does."""
    lo, hi = float(lo), float(hi)
    if lo == hi and x.size:
        lo, hi = float(x.min()), float(x.max())
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"{fn}(): range of [{lo}, {hi}] is not finite")
    if lo > hi:
        raise RuntimeError(f"{fn}(): max must be larger than min")
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    return lo, hi


def histc(input, bins=100, min=0, max=0):
    """Histogram of input's values in `bins` equal bins over [min, max] (the data's range
    when min == max); values outside are ignored. Not differentiable. Same dtype as input."""
    x = _float_input(input, "histc")
    if bins <= 0:
        raise RuntimeError(f"histc(): bins must be > 0, but got {bins}")
    xp = _xp(x)
    lo, hi = _range_of(x, min, max, "histc")
    edges = xp.linspace(lo, hi, int(bins) + 1).astype(x.dtype)
    return _make(_bin_counts(x, edges).astype(x.dtype))


def histogram(input, bins=100, *, range=None, weight=None, density=False):
    """(hist, bin_edges): `bins` equal bins over `range` (default: the data's min and max) or
    the given monotonically increasing edges (a 1-D tensor). `weight` weighs each element;
    `density` normalizes so that the histogram integrates to 1."""
    x = _float_input(input, "histogram")
    xp = _xp(x)
    if isinstance(bins, Tensor):
        edges = bins._data.astype(x.dtype)
        if edges.ndim != 1 or edges.shape[0] < 1:
            raise RuntimeError("histogram(): bins must be a 1-D tensor of bin edges")
    else:
        if int(bins) <= 0:
            raise RuntimeError(f"histogram(): bins must be > 0, but got {bins}")
        lo, hi = (0.0, 0.0) if range is None else range
        lo, hi = _range_of(x, lo, hi, "histogram")
        edges = xp.linspace(lo, hi, int(bins) + 1).astype(x.dtype)
    w = None
    if weight is not None:
        check_tensor(weight, "histogram", "weight")
        if weight._data.shape != x.shape:
            raise RuntimeError(f"histogram(): weight should have the same shape as input, got "
                               f"{tuple(weight.shape)} and {tuple(x.shape)}")
        w = weight._data
    hist = _bin_counts(x, edges, w).astype(x.dtype)
    if density:
        widths = edges[1:] - edges[:-1]
        with np.errstate(divide="ignore", invalid="ignore"):
            hist = hist / (hist.sum() * widths)
    return histogram_t(_make(hist.astype(x.dtype)), _make(edges))


def bincount(input, weights=None, minlength=0):
    """Counts of each non-negative integer in a 1-D tensor (length max+1, at least
    minlength). With `weights`, sums of the weights instead: in the weights' dtype when it
    is floating point, float64 otherwise (PyTorch's rule). Not differentiable."""
    check_tensor(input, "bincount")
    x = input._data
    if x.dtype.kind not in "iu":
        raise NotImplementedError(f"bincount(): not implemented for {input.dtype} inputs; needs "
                                  "an integer tensor")
    if x.ndim != 1 or (x.size and int(x.min()) < 0):
        raise RuntimeError("bincount(): only supports 1-d non-negative integral inputs, got "
                           f"shape {tuple(x.shape)}" + (f" with min {int(x.min())}" if x.size else ""))
    if minlength < 0:
        raise RuntimeError(f"bincount(): minlength should be >= 0, got {minlength}")
    xp = _xp(x)
    if weights is None:
        return _make(xp.bincount(x, minlength=int(minlength)).astype(np.int64))
    check_tensor(weights, "bincount", "weights")
    w = weights._data
    if w.ndim != 1 or w.shape[0] != x.shape[0]:
        raise RuntimeError(f"bincount(): weights should be 1-d and have the same length as input, "
                           f"got {tuple(w.shape)} and {tuple(x.shape)}")
    out_dtype = w.dtype if w.dtype.kind == "f" else np.dtype(np.float64)
    return _make(xp.bincount(x, weights=w.astype(np.float64), minlength=int(minlength))
                 .astype(out_dtype))


# ---------------------------------------------------------------------------- statistics
def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the rows of `input` (variables; columns are observations),
    a 0-d tensor for one variable. Frequency weights (integers) and observation weights
    weigh the columns; `correction` is the ddof. Built from differentiable ops:
        w = fweights * aweights,  mean = sum(x w) / sum(w),
        cov = (x - mean) w (x - mean)^T / (sum(w) - correction * sum(w * aweights) / sum(w))
    (the denominator is sum(w) - correction without aweights)."""
    check_tensor(input, "cov")
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {input.ndim} dimensions")
    x = input.reshape(1, -1) if input.ndim < 2 else input
    if x._data.dtype.kind != "f":
        from .. import dtypes
        x = cast(x, dtypes.get_default_dtype().np)
    n = x._data.shape[1]
    w = None
    if fweights is not None:
        check_tensor(fweights, "cov", "fweights")
        if fweights._data.dtype.kind not in "iu" or fweights.ndim > 1 or \
                fweights._data.shape[0:1] != (n,):
            raise RuntimeError(f"cov(): expected fweights to be a 1-D integer tensor with {n} "
                               f"elements, got {fweights.dtype} of shape {tuple(fweights.shape)}")
        if fweights._data.size and int(fweights._data.min()) < 0:
            raise RuntimeError("cov(): fweights cannot be negative")
        w = cast(fweights, x._data.dtype)
    if aweights is not None:
        check_tensor(aweights, "cov", "aweights")
        if aweights._data.dtype.kind != "f" or aweights.ndim > 1 or \
                aweights._data.shape[0:1] != (n,):
            raise RuntimeError(f"cov(): expected aweights to be a 1-D floating point tensor with "
                               f"{n} elements, got {aweights.dtype} of shape {tuple(aweights.shape)}")
        if aweights._data.size and float(aweights._data.min()) < 0:
            raise RuntimeError("cov(): aweights cannot be negative")
        aw = cast(aweights, x._data.dtype)
        w = aw if w is None else w * aw
    if w is None:
        w_sum = float(n)
        avg = mean(x, 1, keepdim=True)
    else:
        w_sum = sum(w)
        avg = sum(x * w, 1, keepdim=True) / w_sum
    if correction == 0:
        norm = w_sum
    elif aweights is None:
        norm = w_sum - correction
    else:
        norm = w_sum - correction * sum(w * cast(aweights, x._data.dtype)) / w_sum
    if float(norm if not isinstance(norm, Tensor) else norm.item()) <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the number of observations.", UserWarning, stacklevel=2)
        norm = norm * 0 if isinstance(norm, Tensor) else 0.0
    xm = x - avg
    xw = xm if w is None else xm * w
    with np.errstate(divide="ignore", invalid="ignore"):
        c = xw.matmul(xm.transpose(0, 1)) / norm
    return c.reshape(()) if input.ndim < 2 else c


def corrcoef(input):
    """Pearson correlation coefficients of the rows of `input`: cov / (std_i std_j),
    clipped to [-1, 1]."""
    c = cov(input)
    if c.ndim == 0:
        return c / c
    k = _make(_xp(c._data).arange(c._data.shape[0]))
    std = E.sqrt(c[k, k])                      # the square roots of the variances
    with np.errstate(divide="ignore", invalid="ignore"):
        c = c / std.reshape(-1, 1) / std.reshape(1, -1)
    return E.clamp(c, -1.0, 1.0)


def _trapezoid_terms(y, x, dx, dim, fn):
    """The areas of the trapezoids along dim: (y_{i+1} + y_i) / 2 * (x_{i+1} - x_i)."""
    check_tensor(y, fn, "y")
    d = _wrap_dim(dim, y.ndim, fn)
    if y._data.dtype.kind != "f":
        from .. import dtypes
        y = cast(y, dtypes.get_default_dtype().np)
    n = y._data.shape[d]
    lo = y.narrow(d, 0, builtins.max(n - 1, 0))
    hi = y.narrow(d, builtins.min(1, n), builtins.max(n - 1, 0))
    avg = (lo + hi) / 2.0
    if x is None:
        return avg * (1.0 if dx is None else float(dx)), d
    if dx is not None:
        raise TypeError(f"{fn}(): give either x or dx, not both")
    check_tensor(x, fn, "x")
    if x.ndim == 1:
        if x._data.shape[0] != n:
            raise RuntimeError(f"{fn}: There must be one `x` value for each sample point")
        shape = [1] * y.ndim
        shape[d] = builtins.max(n - 1, 0)
        steps = (x[1:] - x[:-1]).reshape(shape)
    else:
        xd = _wrap_dim(dim, x.ndim, fn)
        m = x._data.shape[xd]
        steps = x.narrow(xd, builtins.min(1, m), builtins.max(m - 1, 0)) - \
            x.narrow(xd, 0, builtins.max(m - 1, 0))
    return avg * steps, d


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The integral of y along dim by the trapezoid rule, with sample points x (a 1-D
    tensor along dim, or broadcastable to y) or a constant spacing dx (default 1)."""
    terms, d = _trapezoid_terms(y, x, dx, dim, "trapezoid")
    return sum(terms, d)


def trapz(y, x=None, *, dx=None, dim=-1):
    """Alias of trapezoid (trapz(y, x, dim=...) or trapz(y, dx=..., dim=...))."""
    terms, d = _trapezoid_terms(y, x, dx, dim, "trapz")
    return sum(terms, d)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running trapezoid-rule integral of y along dim (one value fewer than y)."""
    terms, d = _trapezoid_terms(y, x, dx, dim, "cumulative_trapezoid")
    return cumsum(terms, d)


def renorm(input, p, dim, maxnorm):
    """Each slice input.select(dim, i) whose p-norm exceeds maxnorm is rescaled to norm
    maxnorm (PyTorch's factor maxnorm / (norm + 1e-7)); the others are unchanged."""
    check_tensor(input, "renorm")
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"renorm(): expected a floating point tensor, got {input.dtype}")
    if p <= 0:
        raise RuntimeError(f"renorm(): non-positive norm not supported, got p={p}")
    if maxnorm < 0:
        raise RuntimeError(f"renorm(): expected maxnorm to be >= 0 but got {maxnorm}")
    d = _wrap_dim(dim, input.ndim, "renorm")
    others = tuple(k for k in range(input.ndim) if k != d)
    nrm = norm(input, p, others, keepdim=True)
    factor = E.where(nrm > maxnorm, float(maxnorm) / (nrm + 1e-7), 1.0)
    return input * factor


def renorm_(self, p, dim, maxnorm):
    """In-place renorm."""
    return _inplace_from(self, "renorm_", lambda t: renorm(t, p, dim, maxnorm))


# New public names (picked up by functional/__init__.py into minitorch.<name>).
EXPORTS = ["nansum", "nanmean", "count_nonzero", "cumprod", "cummax", "cummin", "logcumsumexp",
           "aminmax", "histc", "histogram", "bincount", "cov", "corrcoef", "trapezoid", "trapz",
           "cumulative_trapezoid", "renorm"]


# name -> function attached to Tensor as a method (see minitorch/_tensor_methods.py)
TENSOR_METHODS = {
    "nansum": nansum, "nanmean": nanmean, "count_nonzero": count_nonzero, "cumprod": cumprod,
    "cummax": cummax, "cummin": cummin, "logcumsumexp": logcumsumexp, "aminmax": aminmax,
    "histc": histc, "histogram": histogram, "bincount": bincount, "sum_to_size": sum_to_size,
    "cumsum_": cumsum_, "cumprod_": cumprod_, "cov": cov, "corrcoef": corrcoef,
    "renorm": renorm, "renorm_": renorm_,
}
