"""batch_norm, layer_norm and normalize.

Batch norm and layer norm are the same computation over different dims: standardize x
with the mean and the (biased) variance of the values it shares a statistic with,

    xhat = (x - mean) * invstd,   invstd = 1 / sqrt(var + eps),

then scale and shift with the optional affine parameters, y = xhat * weight + bias.
Batch norm takes statistics over every dim except the channel dim 1 (N, L, H, W...), one
per channel; layer norm over the last len(normalized_shape) dims, one per sample.

The standardization is one Function (`Standardize`, below, with its derivative); the
affine part is ordinary broadcasting mul/add, whose gradients (dweight = sum(g * xhat),
dbias = sum(g)) come from those ops. Every backward is made of differentiable operations,
so second derivatives work.
"""
from __future__ import annotations

import numbers

from .. import backend
from ..autograd import grad_mode
from ..autograd.function import Function
from ..tensor import Tensor, _make, _wrap_dim
from ._util import check_tensor, norm_dims
from .reduction import norm as _norm

_xp = backend.get_array_module

__all__ = ["batch_norm", "layer_norm", "normalize"]


# ---------------------------------------------------------------------------- the core
def _moments(x, dims):
    """(mean, x - mean, biased var) of array x over dims, kept as size-1 dims."""
    xp = _xp(x)
    mean = xp.mean(x, axis=dims, keepdims=True)
    xc = x - mean
    var = xp.mean(xc * xc, axis=dims, keepdims=True)
    return mean, xc, var


class Standardize(Function):
    """xhat = (x - mean) * invstd over `dims`, where mean and invstd = 1/sqrt(var + eps)
    are the biased statistics of x itself over `dims` (n elements each). The caller has
    computed them (it also needs them for running statistics) and passes them as arrays,
    with xc = x - mean.

    Derivative, with g = dL/dxhat and sums over the n elements sharing a statistic:

        dx = invstd / n * (n * g - sum(g) - xhat * sum(g * xhat))
           = invstd * (g - mean(g) - xhat * mean(g * xhat))

    (the second and third terms are the paths through the mean and through the variance).
    For an ordinary backward the saved mean and invstd are used as constants. With
    create_graph=True they are recomputed from x by differentiable ops, so that the
    gradient's own dependence on x through the statistics is in the graph and the second
    derivative is right.
    """

    @staticmethod
    def forward(ctx, x, mean, xc, invstd, dims, eps):
        ctx.dims, ctx.eps = dims, eps
        ctx.save_for_backward(x, mean, invstd)   # x is the input; mean, invstd constants
        return xc * invstd

    @staticmethod
    def backward(ctx, g):
        x, mean, invstd = ctx.saved_tensors
        dims = ctx.dims
        if grad_mode.STATE.enabled:           # create_graph: statistics as functions of x
            mean = x.mean(dim=dims, keepdim=True)
            xc = x - mean
            invstd = ((xc * xc).mean(dim=dims, keepdim=True) + ctx.eps).rsqrt()
            xhat = xc * invstd
        else:
            xhat = (x - mean) * invstd
        return invstd * (g - g.mean(dim=dims, keepdim=True)
                         - xhat * (g * xhat).mean(dim=dims, keepdim=True))


def _standardize(x: Tensor, dims, eps):
    """xhat of x over dims, plus the batch mean and biased var arrays (size-1 dims kept)."""
    xd = x._data
    mean, xc, var = _moments(xd, dims)
    invstd = 1.0 / _xp(xd).sqrt(var + eps)
    return Standardize.apply(x, mean, xc, invstd, dims, eps), mean, var


# ---------------------------------------------------------------------------- batch_norm
def _check_per_channel(t, name, c, fn):
    if t is None:
        return
    if not isinstance(t, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' must be Tensor or None, not "
                        f"{type(t).__name__}")
    if t.numel() != c:
        raise RuntimeError(f"{fn}(): {name} should contain {c} elements not {t.numel()}")


def _update_running(buf: Tensor, batch_value, momentum: float):
    """buf = momentum * batch_value + (1 - momentum) * buf, in place (no graph), as
    PyTorch's kernel writes it; the buffer's version goes up like any in-place change."""
    arr = buf._data
    new = momentum * batch_value.reshape(arr.shape).astype(arr.dtype, copy=False) \
        + (1.0 - momentum) * arr
    arr[...] = new
    buf._vc[0] += 1


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Batch normalization of an (N, C, *) input, one statistic per channel C (dim 1),
    taken over every other dim.

    training=True: normalize with the batch mean and biased variance; when running_mean /
    running_var are given, update them in place:
        running_mean = (1 - momentum) * running_mean + momentum * batch_mean
        running_var  = (1 - momentum) * running_var  + momentum * batch_var * n / (n - 1)
    (the running variance is the unbiased estimate; n values per channel).
    training=False: normalize with running_mean and running_var, constants:
        y = x * scale + shift,  scale = weight / sqrt(running_var + eps),
                                shift = bias - running_mean * scale
    so dx = g * scale, dweight = sum(g * xhat), dbias = sum(g).
    """
    fn = "batch_norm"
    check_tensor(input, fn)
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{fn}(): expected a floating point input, got {input.dtype}")
    if input.ndim < 2:
        raise ValueError(f"{fn}(): expected an input of shape (N, C, *) with at least 2 dims, "
                         f"got shape {tuple(input.shape)}")
    if momentum is None or not isinstance(momentum, numbers.Real):
        raise TypeError(f"{fn}(): argument 'momentum' must be float, not "
                        f"{type(momentum).__name__} (nn.BatchNorm turns momentum=None into "
                        "a cumulative average factor before calling it)")
    shape = input._data.shape
    c = shape[1]
    for name, t in (("weight", weight), ("bias", bias), ("running_mean", running_mean),
                    ("running_var", running_var)):
        _check_per_channel(t, name, c, fn)
    n = input.numel() // c if c else 0
    if training:
        if n == 1:
            raise ValueError("Expected more than 1 value per channel when training, got input "
                             f"size {_size_str(shape)}")
        if eps <= 0.0:
            raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    elif eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    stat_shape = (1, c) + (1,) * (len(shape) - 2)   # broadcasts per channel
    dims = (0,) + tuple(range(2, len(shape)))

    if not training:
        if running_mean is None or running_var is None:
            raise RuntimeError(f"{fn}(): running_mean and running_var must be defined in "
                               "evaluation mode (training=False)")
        return _batch_norm_eval(input, running_mean, running_var, weight, bias, eps, stat_shape)

    if input.numel() == 0:                   # an empty batch: nothing to normalize or track
        xhat = input * 1.0
    else:
        xhat, mean, var = _standardize(input, dims, eps)
        if running_mean is not None:
            _update_running(running_mean, mean, float(momentum))
        if running_var is not None:
            _update_running(running_var, var * (n / (n - 1)), float(momentum))
    return _affine(xhat, weight, bias, stat_shape)


def _batch_norm_eval(x, running_mean, running_var, weight, bias, eps, stat_shape):
    xp = _xp(x._data)
    dt = x._data.dtype
    rm = backend.transfer(running_mean._data, x.device).astype(dt, copy=False)
    rv = backend.transfer(running_var._data, x.device).astype(dt, copy=False)
    invstd = _make((1.0 / xp.sqrt(rv + eps)).reshape(stat_shape))
    rm = _make(rm.reshape(stat_shape))
    scale = invstd if weight is None else invstd * weight.reshape(stat_shape)
    shift = -(rm * scale) if bias is None else bias.reshape(stat_shape) - rm * scale
    return x * scale + shift


def _affine(xhat, weight, bias, param_shape):
    """y = xhat * weight + bias (either may be None), weight and bias seen in param_shape."""
    y = xhat
    if weight is not None:
        y = y * (weight if weight._data.shape == param_shape else weight.reshape(param_shape))
    if bias is not None:
        y = y + (bias if bias._data.shape == param_shape else bias.reshape(param_shape))
    return y


def _size_str(shape):
    return f"minitorch.Size({list(shape)})"


# ---------------------------------------------------------------------------- layer_norm
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalize over the last len(normalized_shape) dims, whose sizes must be
    normalized_shape: one mean and biased variance per leading index, then
    y = xhat * weight + bias with weight and bias of shape normalized_shape. The
    derivative is Standardize's over those dims; dweight = sum over the leading dims of
    g * xhat, dbias = sum of g."""
    fn = "layer_norm"
    check_tensor(input, fn)
    if isinstance(normalized_shape, numbers.Integral):
        normalized_shape = (int(normalized_shape),)
    try:
        normalized_shape = tuple(int(s) for s in normalized_shape)
    except TypeError:
        raise TypeError(f"{fn}(): argument 'normalized_shape' must be an int or a sequence of "
                        f"ints, got {type(normalized_shape).__name__}") from None
    k = len(normalized_shape)
    if k == 0:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., "
                           "containing at least one element, but got normalized_shape = []")
    shape = tuple(input._data.shape)
    if len(shape) < k or shape[len(shape) - k:] != normalized_shape:
        raise RuntimeError(f"{fn}(): Given normalized_shape={list(normalized_shape)}, expected "
                           f"input with shape [*, {', '.join(map(str, normalized_shape))}], "
                           f"but got input of size{list(shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is None:
            continue
        if not isinstance(t, Tensor):
            raise TypeError(f"{fn}(): argument '{name}' must be Tensor or None, not "
                            f"{type(t).__name__}")
        if tuple(t._data.shape) != normalized_shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but "
                               f"got {name} of shape {list(t._data.shape)} and "
                               f"normalized_shape = {list(normalized_shape)}")
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{fn}(): expected a floating point input, got {input.dtype}")
    if input.numel() == 0:
        xhat = input * 1.0
    else:
        dims = tuple(range(len(shape) - k, len(shape)))
        xhat, _, _ = _standardize(input, dims, eps)
    return _affine(xhat, weight, bias, normalized_shape)


# ---------------------------------------------------------------------------- normalize
def normalize(input, p=2.0, dim=1, eps=1e-12):
    """x / max(||x||_p, eps) along dim (an int or a tuple of dims), as PyTorch:
    the norm is clamped from below so zero vectors stay zero. Composed of norm, clamp and
    div, so its derivative (and second derivative) follows from theirs."""
    check_tensor(input, "normalize")
    if isinstance(dim, (tuple, list)):
        norm_dims(dim, input.ndim, "normalize")
    else:
        _wrap_dim(dim, input.ndim, "normalize")
    denom = _norm(input, p, dim, keepdim=True).clamp(min=eps)
    return input / denom
