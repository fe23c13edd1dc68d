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

__all__ = ["softmax", "log_softmax", "softmin", "relu", "relu_", "leaky_relu", "leaky_relu_",
           "prelu", "rrelu", "rrelu_", "elu", "elu_", "selu", "selu_", "celu", "celu_", "gelu",
           "silu", "mish", "softplus", "sigmoid", "tanh", "hardtanh", "hardtanh_", "relu6",
           "threshold", "threshold_", "hardshrink", "softshrink", "tanhshrink", "softsign",
           "hardsigmoid", "hardswish", "logsigmoid", "glu", "gumbel_softmax"]

# torch-level names (``minitorch.selu`` as ``torch.selu``); more are added at the end of the
# file for the other nn.functional families (see functional/nn_torch.py)
EXPORTS = ["selu", "selu_", "celu", "celu_", "rrelu", "rrelu_", "threshold", "threshold_",
           "hardshrink", "prelu"]

# Tensor methods PyTorch has for these (``x.hardshrink(0.3)``, ``x.prelu(w)``)
TENSOR_METHODS = {}


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


def _implicit_dim(fn, ndim):
    """PyTorch's deprecated implicit softmax dim (0 for 0-, 1- and 3-d inputs, else 1),
    with its warning."""
    import warnings
    warnings.warn(f"Implicit dimension choice for {fn} has been deprecated. Change the call "
                  "to include dim=X as an argument.", UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def functional_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """nn.functional.softmax: softmax with F's signature (``_stacklevel``; no dim picks
    PyTorch's deprecated implicit dim, with its warning)."""
    if dim is None:
        dim = _implicit_dim("softmax", check_tensor(input, "softmax").ndim)
    return softmax(input, dim, dtype)


def functional_log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """nn.functional.log_softmax (see functional_softmax)."""
    if dim is None:
        dim = _implicit_dim("log_softmax", check_tensor(input, "log_softmax").ndim)
    return log_softmax(input, dim, dtype)


functional_softmax.__name__ = functional_softmax.__qualname__ = "softmax"
functional_log_softmax.__name__ = functional_log_softmax.__qualname__ = "log_softmax"


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


# ============================================================================ clipping family
class Hardtanh(Function):
    """y = clamp(x, lo, hi);  dx = g where lo < x < hi, else 0 (PyTorch's choice at the two
    corners). Piecewise linear: backward needs only the constant mask."""

    @staticmethod
    def forward(ctx, x, lo, hi):
        xp = _xp(x)
        inside = (x > lo) & (x < hi)
        ctx.save_for_backward(inside)
        return xp.clip(x, lo, hi).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        inside, = ctx.saved_tensors
        return g * inside, None, None


def _number_like(value, input):
    """A Python number in the input's kind (an int stays an int for integer tensors)."""
    if input._data.dtype.kind in "iub" and float(value).is_integer():
        return int(value)
    return float(value)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """clamp(x, min_val, max_val);  dx = g strictly inside (min_val, max_val), else 0."""
    fn = "hardtanh"
    check_tensor(input, fn)
    lo = _check_number(min_val, fn, "min_val")
    hi = _check_number(max_val, fn, "max_val")
    if lo > hi:
        raise ValueError("min_val cannot be greater than max_val")
    lo, hi = _number_like(lo, input), _number_like(hi, input)
    return _maybe_inplace(lambda x: Hardtanh.apply(x, lo, hi), input, inplace, fn)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """hardtanh(input, min_val, max_val, inplace=True)."""
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input, inplace=False):
    """min(max(x, 0), 6) = hardtanh(x, 0, 6)."""
    return hardtanh(input, 0.0, 6.0, inplace)


class Threshold(Function):
    """y = x where x > threshold, else value;  dx = g where x > threshold, else 0."""

    @staticmethod
    def forward(ctx, x, threshold, value):
        xp = _xp(x)
        keep = x > threshold
        ctx.save_for_backward(keep)
        return xp.where(keep, x, xp.asarray(value, dtype=x.dtype))

    @staticmethod
    def backward(ctx, g):
        keep, = ctx.saved_tensors
        return g * keep, None, None


def threshold(input, threshold, value, inplace=False):
    """x where x > threshold, else value (integer tensors too)."""
    fn = "threshold"
    check_tensor(input, fn)
    th = _number_like(_check_number(threshold, fn, "threshold"), input)
    v = _number_like(_check_number(value, fn, "value"), input)
    return _maybe_inplace(lambda x: Threshold.apply(x, th, v), input, inplace, fn)


def threshold_(input, threshold, value):
    """threshold(input, threshold, value, inplace=True)."""
    return globals()["threshold"](input, threshold, value, inplace=True)


class Shrink(Function):
    """hardshrink: y = x where |x| > l, else 0;            dx = g where |x| > l.
    softshrink: y = x - l sign(x) where |x| > l, else 0;   dx = g where |x| > l.
    Both are piecewise linear (second derivative 0): backward needs only the mask."""

    @staticmethod
    def forward(ctx, x, lambd, soft):
        xp = _xp(x)
        outside = (x > lambd) | (x < -lambd)
        ctx.save_for_backward(outside)
        y = x - xp.sign(x).astype(x.dtype) * lambd if soft else x
        return xp.where(outside, y, xp.zeros((), dtype=x.dtype))

    @staticmethod
    def backward(ctx, g):
        outside, = ctx.saved_tensors
        return g * outside, None, None


def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, else 0."""
    _float_input(input, "hardshrink")
    return Shrink.apply(input, _check_number(lambd, "hardshrink", "lambd"), False)


def softshrink(input, lambd=0.5):
    """x - lambd where x > lambd, x + lambd where x < -lambd, else 0."""
    _float_input(input, "softshrink")
    lam = _check_number(lambd, "softshrink", "lambd")
    if lam < 0:
        raise RuntimeError(f"softshrink(): lambda must be in range [0, inf) for input dtype "
                           f"{input.dtype}, but found {lambd}")
    return Shrink.apply(input, lam, True)


class HardSigmoid(Function):
    """y = clamp(x / 6 + 1/2, 0, 1) = relu6(x + 3) / 6;  dx = g / 6 where -3 < x < 3."""

    @staticmethod
    def forward(ctx, x):
        xp = _xp(x)
        ctx.save_for_backward((x > -3) & (x < 3))
        return (xp.clip(x + 3, 0, 6) / 6).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        inside, = ctx.saved_tensors
        return g * inside * (1.0 / 6)


def hardsigmoid(input, inplace=False):
    """relu6(x + 3) / 6, a piecewise-linear sigmoid."""
    _float_input(input, "hardsigmoid")
    return _maybe_inplace(HardSigmoid.apply, input, inplace, "hardsigmoid")


class HardSwish(Function):
    """y = x * relu6(x + 3) / 6;
    dx = g * (0 where x <= -3, x / 3 + 1/2 where x < 3, 1 elsewhere) (PyTorch's corners).
    The middle piece is built on the saved x, so the second derivative (1/3) follows."""

    @staticmethod
    def forward(ctx, x):
        xp = _xp(x)
        ctx.save_for_backward(x, x > -3, x < 3)
        return (x * xp.clip(x + 3, 0, 6) / 6).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, above, below = ctx.saved_tensors
        mid = E.where(below, x * (1.0 / 3) + 0.5, 1.0)
        return g * E.where(above, mid, 0.0)


def hardswish(input, inplace=False):
    """x * relu6(x + 3) / 6 (MobileNetV3)."""
    _float_input(input, "hardswish")
    return _maybe_inplace(HardSwish.apply, input, inplace, "hardswish")


# ============================================================================ elu family
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


class ScaledElu(Function):
    """y = scale * x where x > 0, else scale * alpha * (exp(x / s) - 1)   (s = input scale);
    dx = g * scale where x > 0, else g * (y + scale * alpha) / s.
    selu: scale, alpha = PyTorch's SELU constants, s = 1;  celu: scale = 1, s = alpha.
    Backward uses the saved output, so the second derivative follows from it."""

    @staticmethod
    def forward(ctx, x, alpha, scale, input_scale):
        xp = _xp(x)
        pos = x > 0
        neg = (scale * alpha) * xp.expm1(xp.minimum(x, 0) / input_scale)
        y = xp.where(pos, x * scale, neg).astype(x.dtype, copy=False)
        ctx.consts = (alpha, scale, input_scale)
        ctx.save_for_backward(pos, y)
        return y

    @staticmethod
    def backward(ctx, g):
        pos, y = ctx.saved_tensors
        alpha, scale, s = ctx.consts
        return E.where(pos, g * scale, g * ((y + scale * alpha) * (1.0 / s))), None, None, None


def selu(input, inplace=False):
    """scale * elu(x, alpha) with PyTorch's SELU constants (self-normalizing networks)."""
    _float_input(input, "selu")
    return _maybe_inplace(lambda x: ScaledElu.apply(x, _SELU_ALPHA, _SELU_SCALE, 1.0),
                          input, inplace, "selu")


def selu_(input):
    """selu(input, inplace=True)."""
    return selu(input, inplace=True)


def celu(input, alpha=1.0, inplace=False):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    _float_input(input, "celu")
    a = _check_number(alpha, "celu", "alpha")
    if a == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _maybe_inplace(lambda x: ScaledElu.apply(x, a, 1.0, a), input, inplace, "celu")


def celu_(input, alpha=1.0):
    """celu(input, alpha, inplace=True)."""
    return celu(input, alpha, inplace=True)


class RReluNoise(Function):
    """y = x * r with a constant per-element slope r (1 where x > 0, drawn where x <= 0);
    dx = g * r."""

    @staticmethod
    def forward(ctx, x, r):
        ctx.save_for_backward(r)
        return x * r

    @staticmethod
    def backward(ctx, g):
        r, = ctx.saved_tensors
        return g * r, None


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky ReLU: in training, each negative element gets its own slope drawn
    uniformly from [lower, upper]; in eval, the mean slope (lower + upper) / 2."""
    fn = "rrelu"
    _float_input(input, fn)
    lo = _check_number(lower, fn, "lower")
    hi = _check_number(upper, fn, "upper")
    if lo > hi:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if not training:
        return leaky_relu(input, (lo + hi) / 2, inplace)
    from .. import random as _random
    dt = input._data.dtype
    slopes = _random.rng().uniform(lo, hi, tuple(input.shape)).astype(dt)  # host: drawn on the CPU, moved below
    r = _xp(input._data).where(input._data > 0, dt.type(1), backend.transfer(slopes, input.device))
    return _maybe_inplace(lambda x: RReluNoise.apply(x, r), input, inplace, fn)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    """rrelu(..., inplace=True)."""
    return rrelu(input, lower, upper, training, inplace=True)


# ============================================================================ smooth, elementwise
class LogSigmoid(Function):
    """y = log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|))  (exp never overflows);
    dx = g * sigmoid(-x)."""

    @staticmethod
    def forward(ctx, x):
        xp = _xp(x)
        ctx.save_for_backward(x)
        return xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x)))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * E.sigmoid(-x)


def logsigmoid(input):
    """log(1 / (1 + exp(-x))), computed stably."""
    _float_input(input, "logsigmoid")
    return LogSigmoid.apply(input)


class Mish(Function):
    """y = x * tanh(softplus(x));  with t = tanh(softplus(x)) and softplus' = sigmoid:
    dx = g * (t + x * sigmoid(x) * (1 - t^2)), built on the saved x (differentiable)."""

    @staticmethod
    def forward(ctx, x):
        xp = _xp(x)
        ctx.save_for_backward(x)
        return (x * xp.tanh(xp.logaddexp(0, x))).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        t = E.tanh(softplus(x))
        return g * (t + x * E.sigmoid(x) * (1 - t * t))


def mish(input, inplace=False):
    """x * tanh(softplus(x))."""
    _float_input(input, "mish")
    return _maybe_inplace(Mish.apply, input, inplace, "mish")


def softsign(input):
    """x / (1 + |x|);  dx = g / (1 + |x|)^2 (from the composition)."""
    check_tensor(input, "softsign")
    return input / (E.abs(input) + 1)


def tanhshrink(input):
    """x - tanh(x);  dx = g * tanh(x)^2 (from the composition)."""
    check_tensor(input, "tanhshrink")
    return input - E.tanh(input)


def glu(input, dim=-1):
    """Gated linear unit: split input in two halves a, b along dim; a * sigmoid(b)."""
    _float_input(input, "glu")
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = _wrap_dim(dim, input.ndim, "glu")
    n = input._data.shape[d]
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {n}")
    a, b = input.narrow(d, 0, n // 2), input.narrow(d, n // 2, n // 2)
    return a * E.sigmoid(b)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-x) along dim."""
    check_tensor(input, "softmin")
    if dim is None:
        dim = _implicit_dim("softmin", input.ndim)
    if dtype is not None:
        from .. import dtypes
        input = cast(input, dtypes.to_dtype(dtype, "softmin").np)
    return softmax(-input, dim)


# ============================================================================ gumbel softmax
def gumbel_softmax(logits, tau=1.0, hard=False, eps=1e-10, dim=-1):
    """Sample from the Gumbel-softmax distribution: softmax((logits + G) / tau) with
    G = -log(Exp(1)) Gumbel noise. hard=True returns the one-hot argmax in the forward pass
    with the soft sample's gradient (straight-through: y_hard - y_soft.detach() + y_soft)."""
    check_tensor(logits, "gumbel_softmax", "logits")
    if logits._data.dtype.kind != "f":
        raise RuntimeError(f"gumbel_softmax(): expected floating point logits, got {logits.dtype}")
    from .. import random as _random
    from ..tensor import _make
    dt = logits._data.dtype
    noise = _random.rng().exponential(1.0, tuple(logits.shape))  # host: drawn on the CPU
    gumbels = _make(backend.transfer(-np.log(noise).astype(dt), logits.device))  # host: see above
    y_soft = softmax((logits + gumbels) / tau, dim)
    if not hard:
        return y_soft
    d = _wrap_dim(dim, max(logits.ndim, 1), "gumbel_softmax")
    xp = _xp(y_soft._data)
    ys = y_soft._data if logits.ndim else y_soft._data.reshape(1)
    index = xp.argmax(ys, axis=d)
    hard_arr = xp.zeros_like(ys)
    xp.put_along_axis(hard_arr, xp.expand_dims(index, d), 1.0, axis=d)
    y_hard = _make(hard_arr.reshape(y_soft._data.shape))
    return y_hard - y_soft.detach() + y_soft


TENSOR_METHODS.update({"hardshrink": hardshrink, "prelu": prelu})
