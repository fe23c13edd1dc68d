"""Activation functions: softmax / log_softmax along a dim, and the elementwise
nonlinearities of ``nn.functional`` (relu, leaky_relu, prelu, elu, gelu, silu, softplus,
sigmoid, tanh).

Each Function's docstring gives the derivative its backward computes, with `g` the
upstream gradient dL/dy. Backward is written with differentiable operations on Tensors, so
every activation can be differentiated twice.

softmax and log_softmax subtract the row maximum before exponentiating (the result is
unchanged because the factor exp(-max) cancels), so exp never overflows for inputs as
large as +-1e4.

``inplace=True`` (where PyTorch has it) follows the rules of minitorch's other in-place
ops: outside the graph the input's array is overwritten; inside it the result is computed
out of place and the input tensor is rebound to it (see functional/inplace.py).
"""
from __future__ import annotations

import math

import numpy as np

from .. import backend
from ..autograd.function import Function
from ..tensor import Tensor, _wrap_dim
from ._util import check_tensor, cast
from .reduction import sum as _sum
from . import elementwise as E
from . import inplace as _ip

_xp = backend.get_array_module

__all__ = ["softmax", "log_softmax", "relu", "relu_", "leaky_relu", "leaky_relu_", "prelu",
           "elu", "elu_", "gelu", "silu", "softplus", "sigmoid", "tanh"]


# ============================================================================ softmax
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


# ============================================================================ helpers
def _float_input(input, fn):
    """The input checked: a Tensor of a floating dtype (PyTorch has no integer kernels for
    these activations)."""
    check_tensor(input, fn)
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f"{fn}(): not implemented for {input.dtype} tensors; "
                                  "convert the input to a floating point dtype first")
    return input


def _maybe_inplace(compute, input, inplace, fn):
    """compute(input), or with `inplace` the same written into `input` (outside the graph)
    or computed out of place with `input` rebound to the result (inside the graph)."""
    if not inplace:
        return compute(input)
    if _ip._check_inplace_allowed(input, fn):
        return _ip._rebind(input, compute(_ip._old(input)))
    out = compute(input)
    if not input._data.flags.writeable:
        raise RuntimeError(f"{fn}(): this tensor is a read-only view (from expand or "
                           "broadcast_to); clone() it before writing in place")
    input._data[...] = out._data
    input._vc[0] += 1
    return input


def _check_number(value, fn, arg):
    if isinstance(value, Tensor):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{fn}(): argument '{arg}' must be a number, got {type(value).__name__}")
    return float(value)


def _erf_array(x):
    """erf on an array (NumPy has none): scipy's ufunc when SciPy is installed (it is not a
    dependency), else math.erf per element (exact, slower); cupyx's on the GPU."""
    xp = _xp(x)
    if xp is not np:
        from cupyx.scipy.special import erf
        return erf(x)
    try:
        from scipy.special import erf
    except ImportError:
        # host: NumPy-only fallback, reached only when xp is numpy
        return np.frompyfunc(math.erf, 1, 1)(x).astype(x.dtype)
    return erf(x).astype(x.dtype, copy=False)


class Erf(Function):
    """y = erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt;  dx = g * 2/sqrt(pi) * exp(-x^2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _erf_array(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * (E.exp(-(x * x)) * _TWO_OVER_SQRT_PI)


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT1_2 = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_KAPPA = 0.044715


# ============================================================================ relu family
def relu(input, inplace=False):
    """max(x, 0);  dx = g where x > 0 (see elementwise.Relu)."""
    check_tensor(input, "relu")
    return _maybe_inplace(E.relu, input, inplace, "relu")


def relu_(input):
    """relu(input, inplace=True)."""
    return relu(input, inplace=True)


def sigmoid(input):
    """1 / (1 + exp(-x));  dx = g * y * (1 - y) (see elementwise.Sigmoid)."""
    return E.sigmoid(input)


def tanh(input):
    """tanh(x);  dx = g * (1 - y^2) (see elementwise.Tanh)."""
    return E.tanh(input)


class LeakyRelu(Function):
    """y = x if x > 0 else slope * x;  dx = g if x > 0 else slope * g.

    y is piecewise linear in x, so the second derivative is zero: backward needs only the
    mask [x > 0], saved as a constant."""

    @staticmethod
    def forward(ctx, x, slope):
        xp = _xp(x)
        pos = x > 0
        ctx.slope = slope
        ctx.save_for_backward(pos)
        return xp.where(pos, x, x * slope)

    @staticmethod
    def backward(ctx, g):
        pos, = ctx.saved_tensors
        return E.where(pos, g, g * ctx.slope), None


def leaky_relu(input, negative_slope=0.01, inplace=False):
    _float_input(input, "leaky_relu")
    slope = _check_number(negative_slope, "leaky_relu", "negative_slope")
    return _maybe_inplace(lambda x: LeakyRelu.apply(x, slope), input, inplace, "leaky_relu")


def leaky_relu_(input, negative_slope=0.01):
    """leaky_relu(input, negative_slope, inplace=True)."""
    return leaky_relu(input, negative_slope, inplace=True)


def prelu(input, weight):
    """y = x if x > 0 else a * x, with a learned slope `a` per channel (dim 1) or one slope
    shared by all elements.

    Written with `where` and `*`, whose backwards give PyTorch's derivatives:
    dx = g if x > 0 else a * g,   da = sum of g * x over the elements where x <= 0 (and,
    for per-channel slopes, over every dim except the channel dim)."""
    _float_input(input, "prelu")
    check_tensor(weight, "prelu", "weight")
    if weight.ndim > 1:
        raise RuntimeError(f"prelu(): Expected `weight` to be a scalar or 1D tensor, but got: "
                           f"ndim = {weight.ndim}")
    if weight._data.dtype != input._data.dtype:
        raise RuntimeError(f"prelu(): expected `weight` to have the input's dtype {input.dtype}, "
                           f"got {weight.dtype}")
    n = weight.numel()
    channels = input._data.shape[1] if input.ndim >= 2 else 1
    if n != 1 and n != channels:
        raise RuntimeError(f"prelu(): Mismatch of parameter numbers and input channel size. "
                           f"Found parameter numbers = {n} and channel size = {channels}.")
    if n == 1:
        a = weight.reshape(())
    else:
        a = weight.reshape((n,) + (1,) * (input.ndim - 2))
    return E.where(input > 0, input, a * input)


class Elu(Function):
    """y = x if x > 0 else alpha * (exp(x) - 1);
    dx = g if x > 0 else g * alpha * exp(x) = g * (y + alpha).

    Backward uses the saved output y (a graph-connected Tensor), so the second derivative
    alpha * exp(x) = y + alpha comes out of differentiating it again."""

    @staticmethod
    def forward(ctx, x, alpha):
        xp = _xp(x)
        pos = x > 0
        # expm1 of min(x, 0): the branch not taken never overflows
        y = xp.where(pos, x, alpha * xp.expm1(xp.minimum(x, 0)))
        ctx.alpha = alpha
        ctx.save_for_backward(pos, y)
        return y

    @staticmethod
    def backward(ctx, g):
        pos, y = ctx.saved_tensors
        return E.where(pos, g, g * (y + ctx.alpha)), None


def elu(input, alpha=1.0, inplace=False):
    _float_input(input, "elu")
    a = _check_number(alpha, "elu", "alpha")
    return _maybe_inplace(lambda x: Elu.apply(x, a), input, inplace, "elu")


def elu_(input, alpha=1.0):
    """elu(input, alpha, inplace=True)."""
    return elu(input, alpha, inplace=True)


# ============================================================================ smooth ones
class Gelu(Function):
    """Exact: y = x * Phi(x), Phi(x) = (1 + erf(x / sqrt 2)) / 2 the normal CDF;
        dx = g * (Phi(x) + x * phi(x)),  phi(x) = exp(-x^2 / 2) / sqrt(2 pi).
    approximate='tanh': y = x/2 * (1 + t), t = tanh(u), u = sqrt(2/pi) (x + 0.044715 x^3);
        dx = g * (0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2)).
    The bracket is built from Tensor ops on the saved x, so it differentiates again."""

    @staticmethod
    def forward(ctx, x, approximate):
        xp = _xp(x)
        ctx.approximate = approximate
        ctx.save_for_backward(x)
        if approximate == "tanh":
            inner = _SQRT_2_OVER_PI * (x + _GELU_KAPPA * (x * x * x))
            return 0.5 * x * (1 + xp.tanh(inner))
        return x * (0.5 * (1 + _erf_array(x * _SQRT1_2)))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        if ctx.approximate == "tanh":
            x2 = x * x
            t = E.tanh((x + x2 * x * _GELU_KAPPA) * _SQRT_2_OVER_PI)
            d = (t + 1) * 0.5 + x * (1 - t * t) * ((x2 * (3 * _GELU_KAPPA) + 1)
                                                  * (0.5 * _SQRT_2_OVER_PI))
        else:
            cdf = (Erf.apply(x * _SQRT1_2) + 1) * 0.5
            pdf = E.exp(x * x * -0.5) * _INV_SQRT_2PI
            d = cdf + x * pdf
        return g * d, None


def gelu(input, approximate="none"):
    _float_input(input, "gelu")
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"gelu(): approximate argument must be either none or tanh, got "
                           f"{approximate!r}")
    return Gelu.apply(input, approximate)


class Silu(Function):
    """y = x * sigmoid(x) (the swish);  dx = g * s * (1 + x * (1 - s)),  s = sigmoid(x)."""

    @staticmethod
    def forward(ctx, x):
        xp = _xp(x)
        e = xp.exp(-xp.abs(x))  # the stable sigmoid of elementwise.Sigmoid
        s = xp.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)
        ctx.save_for_backward(x)
        return x * s

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        s = E.sigmoid(x)
        return g * (s * (1 + x * (1 - s)))


def silu(input, inplace=False):
    _float_input(input, "silu")
    return _maybe_inplace(Silu.apply, input, inplace, "silu")


class Softplus(Function):
    """y = log(1 + exp(beta x)) / beta, and y = x where beta x > threshold (PyTorch's
    linear regime, where the two agree to float precision);
    dx = g * sigmoid(beta x), and g where beta x > threshold."""

    @staticmethod
    def forward(ctx, x, beta, threshold):
        xp = _xp(x)
        bx = x * beta
        linear = bx > threshold
        ctx.beta = beta
        ctx.save_for_backward(x, linear)
        # logaddexp(0, z) = log(1 + exp(z)) without overflow
        return xp.where(linear, x, xp.logaddexp(0, bx) / beta).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, linear = ctx.saved_tensors
        return E.where(linear, g, g * E.sigmoid(x * ctx.beta)), None, None


def softplus(input, beta=1.0, threshold=20.0):
    _float_input(input, "softplus")
    b = _check_number(beta, "softplus", "beta")
    th = _check_number(threshold, "softplus", "threshold")
    return Softplus.apply(input, b, th)
