"""batch_norm, layer_norm, group_norm, instance_norm, rms_norm, local_response_norm and
normalize.

Batch norm and layer norm are the same computation over different dims: standardize x
with the mean and the (biased) variance of the values it shares a statistic with,

    xhat = (x - mean) * invstd,   invstd = 1 / sqrt(var + eps),

then scale and shift with the optional affine parameters, y = xhat * weight + bias.
Batch norm takes statistics over every dim except the channel dim 1 (N, L, H, W...), one
per channel; layer norm over the last len(normalized_shape) dims, one per sample; group
norm over each group of C/G channels and the spatial dims, one per (sample, group);
instance norm over the spatial dims, one per (sample, channel).

RMS norm and local response norm divide by a root mean square instead of standardizing;
they are compositions of differentiable ops (their derivatives follow from those).

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

__all__ = ["batch_norm", "layer_norm", "normalize", "group_norm", "instance_norm", "rms_norm",
           "local_response_norm"]


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
    from ..tensor import Size
    return repr(Size(shape))


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
def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """x / max(||x||_p, eps) along dim (an int or a tuple of dims), as PyTorch:
    the norm is clamped from below so zero vectors stay zero. Composed of norm, clamp and
    div, so its derivative (and second derivative) follows from theirs. `out` receives
    the result (outside autograd), as in PyTorch."""
    check_tensor(input, "normalize")
    if isinstance(dim, (tuple, list)):
        norm_dims(dim, input.ndim, "normalize")
    else:
        _wrap_dim(dim, input.ndim, "normalize")
    denom = _norm(input, p, dim, keepdim=True).clamp(min=eps)
    if out is not None:
        from .._aliases import write_out
        return write_out("normalize", (input / denom).detach(), out)
    return input / denom


# ---------------------------------------------------------------------------- group_norm
def _check_float(input, fn):
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{fn}(): expected a floating point input, got {input.dtype}")


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Group normalization (Wu & He 2018) of an (N, C, *) input: the C channels fall into
    num_groups groups of C/G consecutive channels; each (sample, group) is standardized
    with the mean and biased variance of its C/G * prod(*) values, then
    y = xhat * weight[c] + bias[c] per channel. The derivative is Standardize's over each
    group (x seen as (N, G, C/G * prod(*)), statistics over the last dim)."""
    fn = "group_norm"
    check_tensor(input, fn)
    if isinstance(num_groups, bool) or not isinstance(num_groups, numbers.Integral):
        raise TypeError(f"{fn}(): argument 'num_groups' must be int, not "
                        f"{type(num_groups).__name__}")
    shape = tuple(input._data.shape)
    if len(shape) < 2:
        raise RuntimeError("Expected at least 2 dimensions for input tensor but received "
                           f"{len(shape)}")
    n, c = shape[0], shape[1]
    if num_groups <= 0 or c % num_groups != 0:
        raise RuntimeError("Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {list(shape)} and "
                           f"num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is None:
            continue
        if not isinstance(t, Tensor):
            raise TypeError(f"{fn}(): argument '{name}' must be Tensor or None, not "
                            f"{type(t).__name__}")
        if t.ndim != 1 or t.numel() != c:
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number "
                               f"of channels in input, but got {name} of shape "
                               f"{list(t.shape)} and input of shape {list(shape)}")
    _check_float(input, fn)
    param_shape = (1, c) + (1,) * (len(shape) - 2)
    if input.numel() == 0:
        return _affine(input * 1.0, weight, bias, param_shape)
    grouped = input.reshape(n, int(num_groups), -1)
    xhat, _, _ = _standardize(grouped, (2,), eps)
    return _affine(xhat.reshape(shape), weight, bias, param_shape)


# ---------------------------------------------------------------------------- instance_norm
def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Instance normalization (Ulyanov et al. 2016) of an (N, C, *) input: each (sample,
    channel) is standardized over its spatial dims *, then y = xhat * weight[c] + bias[c].

    use_input_stats=True (training, or no running statistics): the statistics of each
    instance; running_mean / running_var (C,), when given, are updated in place with the
    average over the batch of the per-instance statistics (unbiased variance), as PyTorch:
        running = (1 - momentum) * running + momentum * mean_n(stat[n, c])
    use_input_stats=False: normalize with running_mean / running_var, constants.
    The derivative is Standardize's over the spatial dims."""
    fn = "instance_norm"
    check_tensor(input, fn)
    shape = tuple(input._data.shape)
    if len(shape) < 2:
        raise ValueError(f"{fn}(): expected an input of shape (N, C, *) with at least 2 dims, "
                         f"got shape {shape}")
    n, c = shape[0], shape[1]
    spatial = 1
    for s in shape[2:]:
        spatial *= s
    if use_input_stats and spatial == 1:
        raise ValueError("Expected more than 1 spatial element when training, got input size "
                         f"{_size_str(shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        _check_per_channel(t, name, c, fn)
    for name, t in (("running_mean", running_mean), ("running_var", running_var)):
        _check_per_channel(t, name, c, fn)
    _check_float(input, fn)
    stat_shape = (1, c) + (1,) * (len(shape) - 2)
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise RuntimeError("Expected running_mean and running_var to be defined when "
                               "use_input_stats is false")
        return _batch_norm_eval(input, running_mean, running_var, weight, bias, eps,
                                stat_shape)
    if input.numel() == 0:
        return _affine(input * 1.0, weight, bias, stat_shape)
    dims = tuple(range(2, len(shape)))
    xhat, mean, var = _standardize(input, dims, eps)
    if running_mean is not None:
        _update_running(running_mean, mean.mean(axis=0), float(momentum))
    if running_var is not None:
        _update_running(running_var, (var * (spatial / (spatial - 1))).mean(axis=0),
                        float(momentum))
    return _affine(xhat, weight, bias, stat_shape)


# ---------------------------------------------------------------------------- rms_norm
def rms_norm(input, normalized_shape, weight=None, eps=None):
    """Root-mean-square normalization (Zhang & Sennrich 2019) over the last
    len(normalized_shape) dims:

        y = x / sqrt(mean(x^2) + eps) * weight

    with eps = the machine epsilon of the input's dtype when None (PyTorch's default).
    Composed of mul, mean, rsqrt and mul, so its derivatives come from theirs:
    dy/dx = r (g - x * mean(g * x) * r^2) for y = x * r, r = (mean(x^2) + eps)^(-1/2)."""
    fn = "rms_norm"
    check_tensor(input, fn)
    if isinstance(normalized_shape, numbers.Integral):
        normalized_shape = (int(normalized_shape),)
    normalized_shape = tuple(int(s) for s in normalized_shape)
    k = len(normalized_shape)
    shape = tuple(input._data.shape)
    if len(shape) < k or shape[len(shape) - k:] != normalized_shape:
        raise RuntimeError(f"Given normalized_shape={list(normalized_shape)}, expected input "
                           f"with shape [*{', '.join(map(str, normalized_shape))}], but got "
                           f"input of size{list(shape)}")
    if weight is not None:
        if not isinstance(weight, Tensor):
            raise TypeError(f"{fn}(): argument 'weight' must be Tensor or None, not "
                            f"{type(weight).__name__}")
        if tuple(weight._data.shape) != normalized_shape:
            raise RuntimeError("Expected weight to be of same shape as normalized_shape, but "
                               f"got weight of shape {list(weight._data.shape)} and "
                               f"normalized_shape = {list(normalized_shape)}")
    _check_float(input, fn)
    if eps is None:
        eps = float(_xp(input._data).finfo(input._data.dtype).eps)
    dims = tuple(range(len(shape) - k, len(shape)))
    if input.numel() == 0 or k == 0:
        y = input * 1.0 if k else input * (input * input + eps).rsqrt()
    else:
        y = input * ((input * input).mean(dim=dims, keepdim=True) + eps).rsqrt()
    return y if weight is None else y * weight


# ---------------------------------------------------------------------------- local_response_norm
def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """Local response normalization across channels (Krizhevsky et al. 2012) of an
    (N, C, *) input:

        y[c] = x[c] / (k + alpha / size * sum_{c' in window(c)} x[c']^2) ^ beta

    the window running from c - size//2 to c + (size-1)//2, channels outside [0, C) counting
    as zero (PyTorch's zero padding, and its division by `size` whatever the window's
    overlap). Composed of pad, slicing, sums and pow: its derivative comes from those."""
    fn = "local_response_norm"
    check_tensor(input, fn)
    dim = input.ndim
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {dim} dimensions)")
    if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size <= 0:
        raise ValueError(f"{fn}(): 'size' must be a positive int, got {size!r}")
    _check_float(input, fn)
    if input.numel() == 0:
        return input * 1.0
    from .shape import pad as _pad
    c = input._data.shape[1]
    sq = input * input
    # zero-pad the channel dim: size // 2 before, (size - 1) // 2 after
    pads = [0, 0] * (dim - 2) + [size // 2, (size - 1) // 2]
    padded = _pad(sq, tuple(pads))
    total = padded[:, 0:c]
    for j in range(1, size):
        total = total + padded[:, j:j + c]
    div = (total * (alpha / size) + k) ** beta
    return input / div
