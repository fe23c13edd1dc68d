"""Pointwise math beyond the basics of elementwise.py: trigonometric and hyperbolic
functions, rounding, logs and exponentials in other bases, special functions (erf, gamma
family, Bessel I0/I1, normal distribution), and the binary and ternary helpers PyTorch
has at the top level (atan2, hypot, logaddexp, xlogy, lerp, addcmul, fmod, copysign, ...).

As in elementwise.py, every Function's docstring gives the derivative its backward
computes (`g` is the upstream gradient dL/d(out)), and backward is built from
differentiable operations so that second derivatives work. Special functions run their
forward through `kernels/specfun.py` (Numba-compiled scalar code on the CPU, cupyx.scipy.special on
the GPU); their derivatives are again special functions (lgamma' = digamma, digamma' =
polygamma(1, .), I0' = I1, ...), so they too can be differentiated again.

Dtypes follow PyTorch: functions with a float result give integer and bool inputs the
default dtype (`minitorch.sin(int_tensor)` is float32); rounding keeps integers as they
are; the kernels PyTorch lacks for some dtypes (`hypot` of integers, `frac` of integers,
`gcd` of floats...) raise NotImplementedError naming the dtype as PyTorch does.
"""
from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from .. import backend
from .. import dtypes as _dt
from ..autograd.function import Function
from ..tensor import Tensor, _make
from ._util import (binary_operands, sum_to, input_shape, check_tensor, is_number,
                    as_python_scalar, broadcast_shapes, cast)
from ..kernels import specfun as _specfun
from . import elementwise as E

_xp = backend.get_array_module

LN2 = math.log(2.0)
LN10 = math.log(10.0)
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
SQRT_PI_OVER_2 = math.sqrt(math.pi) / 2.0
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
SQRT_2PI = math.sqrt(2.0 * math.pi)

frexp_t = namedtuple("frexp", ["mantissa", "exponent"])

# PyTorch's names for dtypes in its error messages ("not implemented for 'Long'")
_TORCH_TYPE_NAMES = {
    "float64": "Double", "float32": "Float", "float16": "Half", "bfloat16": "BFloat16",
    "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
    "uint16": "UInt16", "uint32": "UInt32", "uint64": "UInt64", "bool": "Bool",
}


def torch_type_name(np_dtype) -> str:
    """'Float' for float32, 'Long' for int64...: how PyTorch names a dtype in errors."""
    name = np.dtype(np_dtype).name
    return _TORCH_TYPE_NAMES.get(name, name)


def _not_implemented(fn: str, kernel: str, t: Tensor):
    raise NotImplementedError(f"{fn}(): \"{kernel}\" not implemented for "
                              f"'{torch_type_name(t._data.dtype)}'")


def _as_float(x: Tensor) -> Tensor:
    """Integer and bool tensors become the default float dtype (PyTorch's rule for
    functions with a floating result); float tensors stay as they are."""
    if x._data.dtype.kind == "f":
        return x
    return cast(x, _dt.get_default_dtype().np)


def _special(name: str, *arrays, like):
    """Special function `name` on arrays, in float64, cast to `like`'s dtype."""
    return _specfun.call(name, *arrays).astype(like.dtype, copy=False)


def _tensor_arg(x, fn: str, arg: str, pos: int) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument '{arg}' (position {pos}) must be Tensor, not "
                        f"{type(x).__name__}")
    return x


def _export(fn, name: str, doc: str = None):
    fn.__name__ = fn.__qualname__ = name
    if doc is not None:
        fn.__doc__ = doc
    return fn


# ============================================================================ trigonometric
class Tan(Function):
    """out = tan(x);  dx = g * (1 + out^2)."""

    @staticmethod
    def forward(ctx, x):
        out = _xp(x).tan(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * (1 + out * out)


class Asin(Function):
    """out = asin(x);  dx = g / sqrt(1 - x^2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(invalid="ignore", divide="ignore"):  # nan/inf as in torch
            return _xp(x).arcsin(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * E.rsqrt(1 - x * x)


class Acos(Function):
    """out = acos(x);  dx = -g / sqrt(1 - x^2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(invalid="ignore", divide="ignore"):  # nan/inf as in torch
            return _xp(x).arccos(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return -g * E.rsqrt(1 - x * x)


class Atan(Function):
    """out = atan(x);  dx = g / (1 + x^2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).arctan(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / (1 + x * x)


class Sinh(Function):
    """out = sinh(x);  dx = g * cosh(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).sinh(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * cosh(x)


class Cosh(Function):
    """out = cosh(x);  dx = g * sinh(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).cosh(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * sinh(x)


class Asinh(Function):
    """out = asinh(x);  dx = g / sqrt(x^2 + 1)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).arcsinh(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * E.rsqrt(x * x + 1)


class Acosh(Function):
    """out = acosh(x);  dx = g / sqrt(x^2 - 1)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(invalid="ignore", divide="ignore"):  # nan/inf as in torch
            return _xp(x).arccosh(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * E.rsqrt(x * x - 1)


class Atanh(Function):
    """out = atanh(x);  dx = g / (1 - x^2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(invalid="ignore", divide="ignore"):  # nan/inf as in torch
            return _xp(x).arctanh(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / (1 - x * x)


class Sinc(Function):
    """out = sin(pi x) / (pi x), 1 at x == 0;
    dx = g * (cos(pi x) pi x - sin(pi x)) / (pi x^2), 0 at x == 0 (PyTorch's formula)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        xp = _xp(x)
        px = x * math.pi
        with np.errstate(invalid="ignore", divide="ignore"):
            out = xp.sin(px) / px
        return xp.where(x == 0, 1, out).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        px = x * math.pi
        d = (px * E.cos(px) - E.sin(px)) / (px * x)
        return g * E.where(x == 0, 0.0, d)


# ============================================================================ exp and log
class Exp2(Function):
    """out = 2^x;  dx = g * out * ln 2."""

    @staticmethod
    def forward(ctx, x):
        out = _xp(x).exp2(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * out * LN2


class Log2(Function):
    """out = log2(x);  dx = g / (x ln 2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(invalid="ignore", divide="ignore"):  # nan/inf as in torch
            return _xp(x).log2(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / (x * LN2)


class Log10(Function):
    """out = log10(x);  dx = g / (x ln 10)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(invalid="ignore", divide="ignore"):  # nan/inf as in torch
            return _xp(x).log10(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / (x * LN10)


class Logit(Function):
    """out = log(z / (1 - z)) with z = clamp(x, eps, 1 - eps) when eps is given.

    dx = g / (x (1 - x)) inside [eps, 1 - eps] (inclusive) and 0 outside; without eps,
    nan outside [0, 1] (PyTorch's rule)."""

    @staticmethod
    def forward(ctx, x, eps=None):
        xp = _xp(x)
        ctx.save_for_backward(x)
        ctx.eps = eps
        z = x if eps is None else xp.clip(x, eps, 1 - eps)
        with np.errstate(divide="ignore", invalid="ignore"):
            return xp.log(z / (1 - z))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        eps = ctx.eps
        lo, hi = (0.0, 1.0) if eps is None else (eps, 1.0 - eps)
        inside = (x >= lo) & (x <= hi)
        return E.where(inside, g / (x * (1 - x)), 0.0 if eps is not None else float("nan"))


class XLogY(Function):
    """out = x log y, defined as 0 where x == 0 (unless y is nan).

    dx = xlogy(g, y) = g log y, set to 0 where x == 0 and y <= 0 (where out is the
    constant 0; PyTorch's rule);   dy = g * x / y."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return _xlog_forward(x, y, "log")

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        nx, ny = ctx.needs_input_grad
        gx = sum_to(_masked_dx(xlogy(g, y), x, y, 0), input_shape(ctx, 0)) if nx else None
        gy = sum_to(g * x / y, input_shape(ctx, 1)) if ny else None
        return gx, gy


class XLog1pY(Function):
    """out = x log(1 + y), 0 where x == 0 (unless y is nan).

    dx = xlog1py(g, y), set to 0 where x == 0 and y <= -1;   dy = g * x / (1 + y)."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return _xlog_forward(x, y, "log1p")

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        nx, ny = ctx.needs_input_grad
        gx = sum_to(_masked_dx(special_xlog1py(g, y), x, y, -1), input_shape(ctx, 0)) if nx else None
        gy = sum_to(g * x / (y + 1), input_shape(ctx, 1)) if ny else None
        return gx, gy


def _masked_dx(d, x, y, edge):
    """d with 0 where x == 0 and y <= edge: there the output is 0 whatever x is near 0
    on one side only, and PyTorch defines the derivative as 0."""
    y_low = (y <= edge) if isinstance(y, Tensor) else _make(_xp(x._data).asarray(y <= edge))
    return E.where((x == 0) & y_low, 0.0, d)


def _xlog_forward(x, y, logname):
    ref = x if backend.is_array(x) else y
    xp = _xp(ref)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = x * getattr(xp, logname)(y)
    out = xp.where(x == 0, 0, out)
    out = xp.where(xp.isnan(y), xp.nan, out)
    return out.astype(ref.dtype, copy=False)


class Entr(Function):
    """out = -x log x for x > 0, 0 at x == 0, -inf for x < 0;  dx = -g (1 + log x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        xp = _xp(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = -x * xp.log(x)
        out = xp.where(x == 0, 0, out)
        out = xp.where(x < 0, -xp.inf, out)
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return -g * (E.log(x) + 1)


# ============================================================================ special functions
class Erf(Function):
    """out = erf(x);  dx = g * 2/sqrt(pi) * exp(-x^2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _special("erf", x, like=x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * E.exp(-(x * x)) * TWO_OVER_SQRT_PI


class Erfc(Function):
    """out = erfc(x) = 1 - erf(x);  dx = -g * 2/sqrt(pi) * exp(-x^2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _special("erfc", x, like=x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * E.exp(-(x * x)) * -TWO_OVER_SQRT_PI


class Erfinv(Function):
    """out = erfinv(x);  dx = g * sqrt(pi)/2 * exp(out^2)  (the inverse function rule)."""

    @staticmethod
    def forward(ctx, x):
        out = _special("erfinv", x, like=x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * E.exp(out * out) * SQRT_PI_OVER_2


class Erfcx(Function):
    """out = exp(x^2) erfc(x);  dx = g * (2 x out - 2/sqrt(pi))."""

    @staticmethod
    def forward(ctx, x):
        out = _special("erfcx", x, like=x)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        return g * (x * out * 2 - TWO_OVER_SQRT_PI)


class Lgamma(Function):
    """out = log |Gamma(x)|;  dx = g * digamma(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _special("lgamma", x, like=x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * digamma(x)


class Digamma(Function):
    """out = digamma(x) = Gamma'(x)/Gamma(x);  dx = g * polygamma(1, x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _special("digamma", x, like=x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * polygamma(1, x)


class Polygamma(Function):
    """out = polygamma(n, x), the n-th derivative of digamma;
    dx = g * polygamma(n + 1, x)."""

    @staticmethod
    def forward(ctx, x, n):
        ctx.save_for_backward(x)
        ctx.n = n
        if n == 0:
            return _special("digamma", x, like=x)
        return _special("polygamma", float(n), x, like=x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * polygamma(ctx.n + 1, x), None


class I0(Function):
    """out = I0(x), the modified Bessel function of order 0;  dx = g * I1(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _special("i0", x, like=x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * special_i1(x)


class I0e(Function):
    """out = exp(-|x|) I0(x);  dx = g * (i1e(x) - sgn(x) out)."""

    @staticmethod
    def forward(ctx, x):
        out = _special("i0e", x, like=x)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        return g * (special_i1e(x) - E.sign(x) * out)


def _safe_x(x):
    """(|x| > eps, x with its tiny entries replaced by eps): I1's derivative has a 0/0 at
    x == 0, where its limit is 1/2 (PyTorch's i1_backward does the same)."""
    eps = float(np.finfo(x._data.dtype).eps)
    big = E.abs(x) > eps
    return big, E.where(big, x, eps)


class I1(Function):
    """out = I1(x);  dx = g * (I0(x) - out / x), and g / 2 at x == 0."""

    @staticmethod
    def forward(ctx, x):
        out = _special("i1", x, like=x)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        big, sx = _safe_x(x)
        return g * E.where(big, i0(sx) - out / sx, 0.5)


class I1e(Function):
    """out = exp(-|x|) I1(x);  dx = g * (i0e(x) - out (sgn(x) + 1/x)), g / 2 at x == 0."""

    @staticmethod
    def forward(ctx, x):
        out = _special("i1e", x, like=x)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        big, sx = _safe_x(x)
        return g * E.where(big, special_i0e(sx) - out * (E.sign(sx) + E.reciprocal(sx)), 0.5)


class Ndtr(Function):
    """out = Phi(x), the standard normal CDF;  dx = g * exp(-x^2/2) / sqrt(2 pi)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _special("ndtr", x, like=x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * E.exp(x * x * -0.5) * INV_SQRT_2PI


class Ndtri(Function):
    """out = Phi^-1(x);  dx = g * sqrt(2 pi) * exp(out^2 / 2)."""

    @staticmethod
    def forward(ctx, x):
        out = _special("ndtri", x, like=x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * E.exp(out * out * 0.5) * SQRT_2PI


class LogNdtr(Function):
    """out = log Phi(x);  dx = g * exp(-x^2/2 - out) / sqrt(2 pi)."""

    @staticmethod
    def forward(ctx, x):
        out = _special("log_ndtr", x, like=x)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        return g * E.exp(-(x * x * 0.5 + out)) * INV_SQRT_2PI


class Zeta(Function):
    """out = zeta(x, q) = sum_k (k + q)^-x (Hurwitz);  dq = -g * x * zeta(x + 1, q).
    The derivative in x is not implemented (as in PyTorch)."""

    @staticmethod
    def forward(ctx, x, q):
        ctx.save_for_backward(x, q)
        ref = x if backend.is_array(x) else q
        return _special("zeta", x, q, like=ref)

    @staticmethod
    def backward(ctx, g):
        x, q = ctx.saved_tensors
        nx, nq = ctx.needs_input_grad
        if nx:
            raise NotImplementedError("the derivative for 'zeta' with respect to 'self' (the "
                                      "exponent) is not implemented")
        return None, sum_to(-g * x * special_zeta(x + 1, q), input_shape(ctx, 1))


class GammaInc(Function):
    """out = P(a, x) (lower) or Q(a, x) = 1 - P(a, x) (upper), regularized incomplete
    gamma; dx = +-g * x^(a-1) e^-x / Gamma(a)  (+ for P, - for Q). The derivative in a is
    not implemented (as in PyTorch)."""

    @staticmethod
    def forward(ctx, a, x, upper):
        ctx.save_for_backward(a, x)
        ctx.upper = upper
        return _special("gammaincc" if upper else "gammainc", a, x, like=a)

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        na, nx = ctx.needs_input_grad[:2]
        if na:
            name = "igammac" if ctx.upper else "igamma"
            raise NotImplementedError(f"the derivative for '{name}' with respect to 'self' is "
                                      "not implemented")
        d = E.exp((a - 1) * E.log(x) - x - lgamma(a))
        return None, sum_to(-g * d if ctx.upper else g * d, input_shape(ctx, 1)), None


# ============================================================================ rounding
class _ZeroGrad(Function):
    """Base of the piecewise-constant functions (floor, ceil, round, trunc): their
    derivative is 0 wherever it exists, and PyTorch returns 0 everywhere: dx = 0."""

    @staticmethod
    def backward(ctx, g):
        return g * 0.0


class Floor(_ZeroGrad):
    """out = floor(x);  dx = 0."""

    @staticmethod
    def forward(ctx, x):
        return _xp(x).floor(x)


class Ceil(_ZeroGrad):
    """out = ceil(x);  dx = 0."""

    @staticmethod
    def forward(ctx, x):
        return _xp(x).ceil(x)


class Trunc(_ZeroGrad):
    """out = trunc(x);  dx = 0."""

    @staticmethod
    def forward(ctx, x):
        return _xp(x).trunc(x)


class Round(_ZeroGrad):
    """Round half to even; with `decimals`, rint(x * 10^d) / 10^d (for d < 0,
    rint(x / 10^-d) * 10^-d), as PyTorch computes it."""

    @staticmethod
    def forward(ctx, x, decimals=0):
        xp = _xp(x)
        if decimals == 0:
            return xp.rint(x)
        if decimals > 0:
            p = float(10 ** decimals)
            return (xp.rint(x * p) / p).astype(x.dtype, copy=False)
        p = float(10 ** -decimals)
        return (xp.rint(x / p) * p).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        return g * 0.0, None


class Frac(Function):
    """out = x - trunc(x);  dx = g."""

    @staticmethod
    def forward(ctx, x):
        return x - _xp(x).trunc(x)

    @staticmethod
    def backward(ctx, g):
        return g


def _rounding(cls, name, kernel):
    def fn(input):
        check_tensor(input, name)
        kind = input._data.dtype.kind
        if kind == "b":
            _not_implemented(name, kernel, input)
        if kind in "iu":  # already integers: a copy, as PyTorch returns
            return _make(input._data.copy())
        return cls.apply(input)
    return _export(fn, name, f"{name}(input): elementwise {name}; integer tensors are "
                   "returned as they are (copied); the gradient is 0.")


floor = _rounding(Floor, "floor", "floor_vml_cpu")
ceil = _rounding(Ceil, "ceil", "ceil_vml_cpu")
trunc = _rounding(Trunc, "trunc", "trunc_vml_cpu")
fix = _rounding(Trunc, "fix", "trunc_vml_cpu")


def round(input, *, decimals=0):
    """Round half to even (PyTorch's rule); `decimals` rounds to that many decimal
    places (negative: to tens, hundreds...). Integers are returned as they are; the
    gradient is 0."""
    check_tensor(input, "round")
    kind = input._data.dtype.kind
    if kind == "b" or (kind in "iu" and decimals != 0):
        _not_implemented("round", "round_cpu" if decimals else "round_vml_cpu", input)
    if kind in "iu":
        return _make(input._data.copy())
    return Round.apply(input, int(decimals))


def frac(input):
    """The fractional part x - trunc(x) (sign of x); floating tensors only."""
    check_tensor(input, "frac")
    if input._data.dtype.kind != "f":
        _not_implemented("frac", "frac_cpu", input)
    return Frac.apply(input)


# ============================================================================ unary wrappers
def _float_unary(cls, name):
    """The public function for a Function of one float input (ints -> default float)."""
    def fn(input):
        check_tensor(input, name)
        return cls.apply(_as_float(input))
    return _export(fn, name, cls.__doc__)


sinh = _float_unary(Sinh, "sinh")
cosh = _float_unary(Cosh, "cosh")
tan = _float_unary(Tan, "tan")
asin = _float_unary(Asin, "asin")
acos = _float_unary(Acos, "acos")
atan = _float_unary(Atan, "atan")
asinh = _float_unary(Asinh, "asinh")
acosh = _float_unary(Acosh, "acosh")
atanh = _float_unary(Atanh, "atanh")
arcsin, arccos, arctan = asin, acos, atan
arcsinh, arccosh, arctanh = asinh, acosh, atanh
sinc = _float_unary(Sinc, "sinc")
exp2 = _float_unary(Exp2, "exp2")
log2 = _float_unary(Log2, "log2")
log10 = _float_unary(Log10, "log10")
erf = _float_unary(Erf, "erf")
erfc = _float_unary(Erfc, "erfc")
erfinv = _float_unary(Erfinv, "erfinv")
lgamma = _float_unary(Lgamma, "lgamma")
digamma = _float_unary(Digamma, "digamma")
i0 = _float_unary(I0, "i0")
special_i0e = _float_unary(I0e, "i0e")
special_i1 = _float_unary(I1, "i1")
special_i1e = _float_unary(I1e, "i1e")
special_erfcx = _float_unary(Erfcx, "erfcx")
special_ndtr = _float_unary(Ndtr, "ndtr")
special_ndtri = _float_unary(Ndtri, "ndtri")
special_log_ndtr = _float_unary(LogNdtr, "log_ndtr")
special_entr = _float_unary(Entr, "entr")


def polygamma(n, input):
    """The n-th derivative of digamma at `input` (n >= 0; polygamma(0, x) = digamma(x))."""
    check_tensor(input, "polygamma")
    if isinstance(n, Tensor):
        n = n.item()
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"polygamma(): argument 'n' must be int, not {type(n).__name__}")
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return Polygamma.apply(_as_float(input), int(n))


def _polygamma_method(self, n):
    return polygamma(n, self)


def mvlgamma(input, p):
    """The multivariate log-gamma function of dimension p:
    log Gamma_p(x) = p (p - 1) / 4 * log(pi) + sum_{j<p} lgamma(x - j / 2)
    (a composition of lgamma, so its derivative is the sum of digammas)."""
    check_tensor(input, "mvlgamma")
    if not isinstance(p, (int, np.integer)) or isinstance(p, bool):
        raise TypeError(f"mvlgamma(): argument 'p' must be int, not {type(p).__name__}")
    if p < 1:
        raise RuntimeError("mvlgamma(): p has to be greater than or equal to 1")
    x = _as_float(input)
    xp = _xp(x._data)
    offsets = _make(xp.arange(p, dtype=x._data.dtype) * -0.5)
    terms = lgamma(x.unsqueeze(-1) + offsets)
    return terms.sum(-1) + (p * (p - 1) / 4.0) * math.log(math.pi)


def logit(input, eps=None):
    """log(x / (1 - x)); with eps, x is first clamped to [eps, 1 - eps]."""
    check_tensor(input, "logit")
    return Logit.apply(_as_float(input), None if eps is None else float(eps))


def deg2rad(input):
    """Degrees to radians: x * pi / 180."""
    check_tensor(input, "deg2rad")
    return _as_float(input) * (math.pi / 180.0)


def rad2deg(input):
    """Radians to degrees: x * 180 / pi."""
    check_tensor(input, "rad2deg")
    return _as_float(input) * (180.0 / math.pi)


def square(input):
    """x * x (bool tensors give int64, as in PyTorch)."""
    check_tensor(input, "square")
    if input._data.dtype == np.bool_:
        input = cast(input, np.dtype(np.int64))
    return E.pow(input, 2)


def sgn(input):
    """The sign of x (sign() for real tensors; bool stays bool)."""
    check_tensor(input, "sgn")
    if input._data.dtype == np.bool_:
        return _make(input._data.copy())
    return E.sign(input)


def signbit(input):
    """True where the sign bit is set (negative numbers and -0.0); a bool tensor."""
    check_tensor(input, "signbit")
    d = input._data
    xp = _xp(d)
    if d.dtype.kind == "b":
        return _make(xp.zeros(d.shape, dtype=bool))
    if d.dtype.kind in "iu":
        return _make(xp.asarray(d < 0))
    return _make(xp.asarray(xp.signbit(d)))


def positive(input):
    """The input itself (PyTorch's +x); an error for bool tensors."""
    check_tensor(input, "positive")
    if input._data.dtype == np.bool_:
        raise RuntimeError("positive(): the `+` operator, on a bool tensor is not supported.")
    return input


def absolute(input):
    """Alias of abs()."""
    check_tensor(input, "absolute")
    if input._data.dtype == np.bool_:
        _not_implemented("absolute", "abs_cpu", input)
    return E.abs(input)


def _isinf_sign(name, sign):
    def fn(input):
        check_tensor(input, name)
        d = input._data
        xp = _xp(d)
        if d.dtype.kind != "f":
            return _make(xp.zeros(d.shape, dtype=bool))
        return _make(xp.asarray(d == sign * xp.inf))
    return _export(fn, name, f"True where the input is {'+' if sign > 0 else '-'}inf.")


isposinf = _isinf_sign("isposinf", 1)
isneginf = _isinf_sign("isneginf", -1)


def isreal(input):
    """True everywhere for real tensors (minitorch has no complex dtypes)."""
    check_tensor(input, "isreal")
    return _make(_xp(input._data).ones(input._data.shape, dtype=bool))


def is_complex(input) -> bool:
    check_tensor(input, "is_complex")
    return False


def is_floating_point(input) -> bool:
    check_tensor(input, "is_floating_point")
    return input._data.dtype.kind == "f"


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """For each entry of `elements`, whether it occurs in `test_elements` (either may be
    a scalar); a bool tensor of elements' shape."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin(): at least one of 'elements' and 'test_elements' must be a "
                        "Tensor")
    ref = elements if isinstance(elements, Tensor) else test_elements
    xp = _xp(ref._data)
    a = elements._data if isinstance(elements, Tensor) else xp.asarray(elements)
    b = test_elements._data if isinstance(test_elements, Tensor) else xp.asarray(test_elements)
    out = xp.isin(a, b.reshape(-1), assume_unique=assume_unique, invert=invert)
    return _make(xp.asarray(out))


class NanToNum(Function):
    """out = x with nan, +inf and -inf replaced;  dx = g where x is finite, else 0."""

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        ctx.save_for_backward(x)
        xp = _xp(x)
        fi = np.finfo(x.dtype)
        out = xp.where(xp.isnan(x), nan, x)
        out = xp.where(x == xp.inf, fi.max if posinf is None else posinf, out)
        out = xp.where(x == -xp.inf, fi.min if neginf is None else neginf, out)
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return E.where(_isfinite(x), g, 0.0), None, None, None


def _isfinite(x):
    xp = _xp(x._data)
    return _make(xp.asarray(xp.isfinite(x._data)))


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """Replace nan by `nan` (0), +inf by `posinf` (the dtype's max) and -inf by `neginf`
    (the dtype's lowest); integer and bool tensors are returned as copies."""
    check_tensor(input, "nan_to_num")
    if input._data.dtype.kind != "f":
        return _make(input._data.copy())
    return NanToNum.apply(input, float(nan), None if posinf is None else float(posinf),
                          None if neginf is None else float(neginf))


def clamp_min(input, min):
    """max(input, min): clamp(input, min=min)."""
    return E.clamp(input, min=min)


def clamp_max(input, max):
    """min(input, max): clamp(input, max=max)."""
    return E.clamp(input, max=max)


class Angle(_ZeroGrad):
    """The argument of a real number: pi for x < 0, 0 otherwise (nan stays nan);
    piecewise constant, dx = 0."""

    @staticmethod
    def forward(ctx, x):
        xp = _xp(x)
        out = xp.where(x < 0, math.pi, 0.0).astype(x.dtype)
        return xp.where(xp.isnan(x), x, out)


def angle(input):
    """The elementwise angle (argument) of a real tensor: pi where x < 0, else 0."""
    check_tensor(input, "angle")
    return Angle.apply(_as_float(input))


def conj(input):
    """The complex conjugate: for real tensors the input itself."""
    check_tensor(input, "conj")
    return input


def real(input):
    """The real part: for real tensors the input itself."""
    check_tensor(input, "real")
    return input


def conj_physical(input):
    """The conjugate as a new tensor: for real tensors, a differentiable copy."""
    check_tensor(input, "conj_physical")
    return E.Clone.apply(input) if input._data.dtype.kind == "f" else _make(input._data.copy())


resolve_conj = conj
resolve_neg = conj


def _false(self) -> bool:
    return False


# ============================================================================ frexp
class Frexp(Function):
    """x = mantissa * 2^exponent with |mantissa| in [0.5, 1);
    d mantissa / dx = 2^-exponent, the exponent (int32) is not differentiable."""

    @staticmethod
    def forward(ctx, x):
        xp = _xp(x)
        m, e = xp.frexp(x)
        e = e.astype(np.int32, copy=False)
        ctx.save_for_backward(e)
        ctx.mark_non_differentiable(e)
        return m.astype(x.dtype, copy=False), e

    @staticmethod
    def backward(ctx, gm, ge):
        e, = ctx.saved_tensors
        xp = _xp(e._data)
        scale = xp.asarray(xp.exp2(-e._data.astype(gm._data.dtype)))  # 2^-exponent
        return gm * _make(scale)


def frexp(input):
    """Decompose into (mantissa, exponent) with input = mantissa * 2**exponent; a named
    tuple, the exponent int32."""
    check_tensor(input, "frexp")
    if input._data.dtype.kind != "f":
        raise RuntimeError("frexp(): torch.frexp() only supports floating-point dtypes, got "
                           f"{input.dtype}")
    m, e = Frexp.apply(input)
    return frexp_t(m, e)


# ============================================================================ binary functions
def _float_pair(input, other, fn, *, scalars=False, int_kernel=None):
    """Operands of a binary function with a floating result: both Tensors (unless
    `scalars`), promoted to their common dtype, and integers to the default float
    (or NotImplementedError naming `int_kernel` when PyTorch has no integer kernel)."""
    if not scalars:
        _tensor_arg(input, fn, "input", 1)
        _tensor_arg(other, fn, "other", 2)
    a, b = binary_operands(input, other, fn)
    ref = a if isinstance(a, Tensor) else b
    if ref._data.dtype.kind != "f":
        if int_kernel is not None:
            _not_implemented(fn, int_kernel, ref)
        a, b = binary_operands(input, other, fn, float_result=True)
    return a, b


class Atan2(Function):
    """out = atan2(y, x), the angle of the point (x, y);
    dy = g * x / (x^2 + y^2),  dx = -g * y / (x^2 + y^2)."""

    @staticmethod
    def forward(ctx, y, x):
        ctx.save_for_backward(y, x)
        return _xp(y).arctan2(y, x)

    @staticmethod
    def backward(ctx, g):
        y, x = ctx.saved_tensors
        ny, nx = ctx.needs_input_grad
        r = x * x + y * y
        return (sum_to(g * x / r, input_shape(ctx, 0)) if ny else None,
                sum_to(-g * y / r, input_shape(ctx, 1)) if nx else None)


class Hypot(Function):
    """out = sqrt(a^2 + b^2);  da = g * a / out,  db = g * b / out."""

    @staticmethod
    def forward(ctx, a, b):
        out = _xp(a).hypot(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return (sum_to(g * a / out, input_shape(ctx, 0)) if na else None,
                sum_to(g * b / out, input_shape(ctx, 1)) if nb else None)


class LogAddExp(Function):
    """out = log(e^a + e^b);  da = g / (1 + e^(b - a)),  db = g / (1 + e^(a - b))."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _xp(a).logaddexp(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return (sum_to(g / (E.exp(b - a) + 1), input_shape(ctx, 0)) if na else None,
                sum_to(g / (E.exp(a - b) + 1), input_shape(ctx, 1)) if nb else None)


class LogAddExp2(Function):
    """out = log2(2^a + 2^b);  da = g / (1 + 2^(b - a)),  db = g / (1 + 2^(a - b))."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _xp(a).logaddexp2(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return (sum_to(g / (exp2(b - a) + 1), input_shape(ctx, 0)) if na else None,
                sum_to(g / (exp2(a - b) + 1), input_shape(ctx, 1)) if nb else None)


class Fmod(Function):
    """out = a - trunc(a / b) * b (C's fmod: the sign of the dividend);
    da = g,  db = -g * trunc(a / b)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ref = a if backend.is_array(a) else b
        return _xp(ref).fmod(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        ga = sum_to(g, input_shape(ctx, 0)) if na else None
        gb = None
        if nb:
            q = E.div(_detached(a), _detached(b), rounding_mode="trunc")
            gb = sum_to(-g * q, input_shape(ctx, 1))
        return ga, gb


def _detached(x):
    return x.detach() if isinstance(x, Tensor) else x


class Copysign(Function):
    """out = |a| with the sign of b;  da = g * out / a (0 where a == 0),  db = 0."""

    @staticmethod
    def forward(ctx, a, b):
        out = _xp(a).copysign(a, b)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        ga = gb = None
        if na:
            ratio = E.where(a == 0, 0.0, out / E.where(a == 0, 1.0, a))
            ga = sum_to(g * ratio, input_shape(ctx, 0))
        if nb:
            gb = sum_to(g * 0.0, input_shape(ctx, 1))
        return ga, gb


class FMaxMin(Function):
    """out = fmax(a, b) (or fmin): like maximum, but a nan loses to a number.
    da = g where (a >= b or b is nan) [a <= b for fmin], db = g elsewhere (ties go to a,
    PyTorch's rule)."""

    @staticmethod
    def forward(ctx, a, b, is_max):
        ctx.save_for_backward(a, b)
        ctx.is_max = is_max
        xp = _xp(a)
        return xp.fmax(a, b) if is_max else xp.fmin(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad[:2]
        to_a = ((a >= b) if ctx.is_max else (a <= b)) | _isnan(b)
        return (sum_to(E.where(to_a, g, 0.0), input_shape(ctx, 0)) if na else None,
                sum_to(E.where(to_a, 0.0, g), input_shape(ctx, 1)) if nb else None, None)


def _isnan(x):
    xp = _xp(x._data)
    return _make(xp.asarray(xp.isnan(x._data)))


class Lerp(Function):
    """out = start + weight * (end - start), computed as PyTorch does for accuracy
    (end - (end - start) * (1 - weight) when |weight| >= 1/2);
    dstart = g * (1 - weight),  dend = g * weight,  dweight = g * (end - start)."""

    @staticmethod
    def forward(ctx, start, end, weight):
        ctx.save_for_backward(start, end, weight)
        xp = _xp(start)
        diff = end - start
        if not backend.is_array(weight):
            out = start + weight * diff if abs(weight) < 0.5 else end - diff * (1 - weight)
            return xp.asarray(out).astype(start.dtype, copy=False)
        small = xp.abs(weight) < 0.5
        out = xp.where(small, start + weight * diff, end - diff * (1 - weight))
        return out.astype(start.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        start, end, weight = ctx.saved_tensors
        ns, ne, nw = ctx.needs_input_grad
        gs = sum_to(g * (1 - weight), input_shape(ctx, 0)) if ns else None
        ge = sum_to(g * weight, input_shape(ctx, 1)) if ne else None
        gw = sum_to(g * (end - start), input_shape(ctx, 2)) if nw else None
        return gs, ge, gw


def atan2(input, other):
    """The angle of (other, input): atan2(y=input, x=other), in (-pi, pi]."""
    a, b = _float_pair(input, other, "atan2")
    return Atan2.apply(a, b)


arctan2 = _export(lambda input, other: atan2(input, other), "arctan2", "Alias of atan2().")


def hypot(input, other):
    """sqrt(input^2 + other^2) without overflow."""
    a, b = _float_pair(input, other, "hypot", int_kernel="hypot_cpu")
    return Hypot.apply(a, b)


def logaddexp(input, other):
    """log(exp(input) + exp(other)), stable for large arguments."""
    a, b = _float_pair(input, other, "logaddexp", int_kernel="logaddexp_cpu")
    return LogAddExp.apply(a, b)


def logaddexp2(input, other):
    """log2(2**input + 2**other), stable for large arguments."""
    a, b = _float_pair(input, other, "logaddexp2", int_kernel="logaddexp2_cpu")
    return LogAddExp2.apply(a, b)


def xlogy(input, other):
    """input * log(other), 0 where input == 0 (either may be a Python number)."""
    a, b = _float_pair(input, other, "xlogy", scalars=True)
    return XLogY.apply(a, b)


def special_xlog1py(input, other):
    """input * log1p(other), 0 where input == 0 (either may be a Python number)."""
    a, b = _float_pair(input, other, "xlog1py", scalars=True)
    return XLog1pY.apply(a, b)


def special_zeta(input, other):
    """The Hurwitz zeta function zeta(x=input, q=other) (either may be a number)."""
    a, b = _float_pair(input, other, "zeta", scalars=True)
    return Zeta.apply(a, b)


def igamma(input, other):
    """The regularized lower incomplete gamma function P(a=input, x=other)."""
    a, b = _float_pair(input, other, "igamma", int_kernel="igamma_cpu")
    return GammaInc.apply(a, b, False)


def igammac(input, other):
    """The regularized upper incomplete gamma function Q(a=input, x=other)."""
    a, b = _float_pair(input, other, "igammac", int_kernel="igammac_cpu")
    return GammaInc.apply(a, b, True)


def fmod(input, other):
    """C-style remainder input - trunc(input / other) * other (the sign of input)."""
    check_tensor(input, "fmod")
    a, b = binary_operands(input, other, "fmod")
    ref = a if isinstance(a, Tensor) else b
    if ref._data.dtype == np.bool_:
        _not_implemented("fmod", "fmod_cpu", ref)
    if ref._data.dtype.kind in "iu":
        E._check_int_divisor(b, "fmod")
        xp = _xp(ref._data)
        return _make(xp.asarray(xp.fmod(_data(a), _data(b))).astype(ref._data.dtype, copy=False))
    return Fmod.apply(a, b)


def _data(x):
    return x._data if isinstance(x, Tensor) else x


def floor_divide(input, other):
    """input / other rounded down (floor), as `//`; integers stay integers."""
    return E.div(input, other, rounding_mode="floor")


def float_power(input, exponent):
    """input ** exponent computed in float64 (the result is always float64)."""
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError("float_power(): at least one of 'input' and 'exponent' must be a Tensor")
    f64 = np.dtype(np.float64)
    a = cast(input, f64) if isinstance(input, Tensor) else float(as_python_scalar(input))
    b = cast(exponent, f64) if isinstance(exponent, Tensor) else float(as_python_scalar(exponent))
    return E.pow(a, b)


def copysign(input, other):
    """|input| with the sign of other (other may be a Python number)."""
    check_tensor(input, "copysign")
    a, b = _float_pair(input, other, "copysign", scalars=True)
    return Copysign.apply(a, b)


def heaviside(input, values):
    """The Heaviside step: 0 where input < 0, `values` where input == 0, 1 where > 0.
    Both tensors must have one dtype (PyTorch's rule); no gradient."""
    _tensor_arg(input, "heaviside", "input", 1)
    _tensor_arg(values, "heaviside", "values", 2)
    if input._data.dtype != values._data.dtype:
        raise RuntimeError("heaviside(): heaviside is not yet implemented for tensors with "
                           f"different dtypes, got {input.dtype} and {values.dtype}")
    broadcast_shapes(input._data.shape, values._data.shape, "heaviside")
    x, v = input._data, values._data
    xp = _xp(x)
    out = xp.where(x == 0, v, x > 0).astype(x.dtype, copy=False)
    return _make(xp.asarray(out))


def _fmaxmin(input, other, is_max):
    fn = "fmax" if is_max else "fmin"
    _tensor_arg(input, fn, "input", 1)
    _tensor_arg(other, fn, "other", 2)
    a, b = binary_operands(input, other, fn)
    if a._data.dtype.kind != "f":
        xp = _xp(a._data)
        out = xp.fmax(a._data, b._data) if is_max else xp.fmin(a._data, b._data)
        return _make(xp.asarray(out))
    return FMaxMin.apply(a, b, is_max)


def fmax(input, other):
    """The elementwise maximum, a nan losing to a number (NumPy's fmax)."""
    return _fmaxmin(input, other, True)


def fmin(input, other):
    """The elementwise minimum, a nan losing to a number (NumPy's fmin)."""
    return _fmaxmin(input, other, False)


def _int_pair(input, other, fn, kernel, *, scalars=False):
    """Operands of an integer-only binary function, as arrays, and their xp."""
    if not scalars:
        _tensor_arg(input, fn, "input", 1)
        _tensor_arg(other, fn, "other", 2)
    a, b = binary_operands(input, other, fn)
    for x in (a, b):
        if isinstance(x, Tensor) and x._data.dtype.kind not in "iu":
            _not_implemented(fn, kernel, x)
        elif not isinstance(x, Tensor) and not isinstance(x, (int, np.integer)):
            _not_implemented(fn, kernel, _make(np.asarray(x)))  # host: a Python scalar
    ref = a if isinstance(a, Tensor) else b
    return _data(a), _data(b), _xp(ref._data), ref._data.dtype


def gcd(input, other):
    """The greatest common divisor (non-negative) of integer tensors."""
    a, b, xp, dt = _int_pair(input, other, "gcd", "gcd_cpu")
    return _make(xp.asarray(xp.gcd(a, b)).astype(dt, copy=False))


def lcm(input, other):
    """The least common multiple (non-negative) of integer tensors."""
    a, b, xp, dt = _int_pair(input, other, "lcm", "lcm_cpu")
    return _make(xp.asarray(xp.lcm(a, b)).astype(dt, copy=False))


def bitwise_left_shift(input, other):
    """input << other for integers; a shift by a negative amount or by the bit width or
    more gives 0 (PyTorch's rule)."""
    a, b, xp, dt = _int_pair(input, other, "bitwise_left_shift", "lshift_cpu", scalars=True)
    bits = dt.itemsize * 8
    b_arr = xp.asarray(b)
    bad = (b_arr < 0) | (b_arr >= bits)
    safe = xp.where(bad, 0, b_arr).astype(dt, copy=False)
    with np.errstate(over="ignore"):
        out = xp.left_shift(xp.asarray(a, dtype=dt), safe)
    return _make(xp.asarray(xp.where(bad, 0, out).astype(dt, copy=False)))


def bitwise_right_shift(input, other):
    """input >> other for integers (arithmetic for signed types); a shift by a negative
    amount or past the width gives the sign fill (PyTorch's rule)."""
    a, b, xp, dt = _int_pair(input, other, "bitwise_right_shift", "rshift_cpu", scalars=True)
    signed = dt.kind == "i"
    max_shift = dt.itemsize * 8 - (1 if signed else 0)
    b_arr = xp.asarray(b)
    bad = (b_arr < 0) | (b_arr >= max_shift)
    shift = xp.where(bad, max_shift, b_arr).astype(dt, copy=False)
    out = xp.right_shift(xp.asarray(a, dtype=dt), shift)
    return _make(xp.asarray(out.astype(dt, copy=False)))


def ldexp(input, other):
    """input * 2**other (a floating result); differentiable in both, as PyTorch's
    composition mul(input, pow(2, other))."""
    _tensor_arg(input, "ldexp", "input", 1)
    _tensor_arg(other, "ldexp", "other", 2)
    return E.mul(input, E.pow(2.0, other))


def nextafter(input, other):
    """The next representable float after input in the direction of other (no grad)."""
    a, b = _float_pair(input, other, "nextafter", int_kernel="nextafter_cpu")
    xp = _xp(a._data)
    return _make(xp.asarray(xp.nextafter(a._data, b._data)))


def rsub(input, other, *, alpha=1):
    """other - alpha * input (the reflected subtraction)."""
    return E.sub(other, input, alpha=alpha)


# ============================================================================ ternary
def lerp(input, end, weight):
    """Linear interpolation input + weight * (end - input); weight a number or a Tensor.
    input, end (and a Tensor weight) must share one floating dtype, as in PyTorch."""
    check_tensor(input, "lerp")
    _tensor_arg(end, "lerp", "end", 2)
    dt = input._data.dtype
    if dt.kind != "f":
        _not_implemented("lerp", "lerp_kernel_scalar" if not isinstance(weight, Tensor)
                         else "lerp_kernel_tensor", input)
    if end._data.dtype != dt:
        raise RuntimeError(f"lerp(): expected dtype {input.dtype} for `end` but got dtype "
                           f"{end.dtype}")
    shape = broadcast_shapes(input._data.shape, end._data.shape, "lerp")
    if isinstance(weight, Tensor):
        if weight._data.dtype != dt:
            raise RuntimeError(f"lerp(): expected dtype {input.dtype} for `weight` but got "
                               f"dtype {weight.dtype}")
        broadcast_shapes(shape, weight._data.shape, "lerp")
    elif is_number(weight):
        weight = float(as_python_scalar(weight))
    else:
        raise TypeError(f"lerp(): argument 'weight' must be a Tensor or a number, not "
                        f"{type(weight).__name__}")
    return Lerp.apply(input, end, weight)


def addcmul(input, tensor1, tensor2, *, value=1):
    """input + value * tensor1 * tensor2 (the gradient flows to all three)."""
    check_tensor(input, "addcmul")
    _tensor_arg(tensor1, "addcmul", "tensor1", 2)
    _tensor_arg(tensor2, "addcmul", "tensor2", 3)
    _check_value(value, "addcmul", input, tensor1, tensor2)
    prod = E.mul(tensor1, tensor2)
    return E.add(input, prod if value == 1 else E.mul(prod, value))


def addcdiv(input, tensor1, tensor2, *, value=1):
    """input + value * tensor1 / tensor2 (true division; integer tensor1 and tensor2 are
    an error, as in PyTorch)."""
    check_tensor(input, "addcdiv")
    _tensor_arg(tensor1, "addcdiv", "tensor1", 2)
    _tensor_arg(tensor2, "addcdiv", "tensor2", 3)
    if tensor1._data.dtype.kind in "biu" and tensor2._data.dtype.kind in "biu":
        raise RuntimeError("addcdiv(): Integer division with addcdiv is no longer supported, "
                           "and in a future release addcdiv will perform a true division of "
                           "tensor1 and tensor2. The historic addcdiv behavior can be "
                           "implemented as (input + value * torch.trunc(tensor1 / tensor2))."
                           "to(input.dtype) for integer inputs and as (input + value * "
                           "tensor1 / tensor2) for float inputs.")
    _check_value(value, "addcdiv", input, tensor1, tensor2)
    q = E.div(tensor1, tensor2)
    return E.add(input, q if value == 1 else E.mul(q, value))


def _check_value(value, fn, *tensors):
    if isinstance(value, Tensor):
        value = value.item()
    if not is_number(value):
        raise TypeError(f"{fn}(): argument 'value' must be a number, not {type(value).__name__}")
    rt = _dt.result_type(*tensors)
    if not rt.is_floating_point and isinstance(as_python_scalar(value), float):
        raise RuntimeError(f"{fn}(): For integral input tensors, argument value must not be a "
                           "floating point number.")


# ============================================================================ gradient
def gradient(input, *, spacing=1, dim=None, edge_order=1):
    """Estimate the derivative of a sampled function along each of `dim` (all dims by
    default) by finite differences, as numpy.gradient: central differences inside,
    one-sided ones of order `edge_order` (1 or 2) at the ends. `spacing` is a number (the
    same step everywhere), a list of numbers (one step per dim) or a list of 1-D
    coordinate tensors (one per dim, for uneven grids). Returns a tuple with one tensor per
    dim; differentiable (a composition of slices and arithmetic)."""
    check_tensor(input, "gradient")
    from ..tensor import _wrap_dim
    if dim is None:
        dims = list(range(input.ndim))
    elif isinstance(dim, (list, tuple)):
        dims = [_wrap_dim(d, input.ndim, "gradient") for d in dim]
    else:
        dims = [_wrap_dim(dim, input.ndim, "gradient")]
    if edge_order not in (1, 2):
        raise RuntimeError(f"torch.gradient only supports edge_order=1 and edge_order=2, got "
                           f"{edge_order}")
    steps = _gradient_spacing(spacing, dims, input, dim)
    x = _as_float(input)
    out = []
    for d, h in zip(dims, steps):
        if x.shape[d] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least "
                               "edge_order+1")
        out.append(_gradient_uniform(x, d, float(h), edge_order) if is_number(h)
                   else _gradient_coordinates(x, d, h, edge_order))
    return tuple(out)


def _gradient_spacing(spacing, dims, input, dim):
    if isinstance(spacing, Tensor) and spacing.ndim == 0:
        spacing = spacing.item()
    if is_number(spacing):
        return [as_python_scalar(spacing)] * len(dims)
    steps = list(spacing)
    if len(steps) != len(dims):
        what = (f"'self.dim() = {input.ndim}', since dim argument was not given" if dim is None
                else f"the number of dims given ({len(dims)})")
        raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar, or a "
                           f"list of length equal to {what}, but got a list of length {len(steps)}")
    out = []
    for d, h in zip(dims, steps):
        if isinstance(h, Tensor) and h.ndim == 0:
            h = h.item()
        if isinstance(h, Tensor):
            if h.ndim != 1 or h.shape[0] != input.shape[d]:
                raise RuntimeError(f"torch.gradient expected each tensor in spacing to be 1-D "
                                   f"with {input.shape[d]} elements (the size of dim {d}), got "
                                   f"shape {list(h.shape)}")
            h = _as_float(h)
        out.append(h)
    return out


def _gradient_uniform(x, d, h, edge_order):
    """Step h: (f[i+1] - f[i-1]) / 2h inside; (f1 - f0) / h at the ends (order 1) or
    (-3 f0 + 4 f1 - f2) / 2h (order 2)."""
    n = x.shape[d]

    def at(i, length=1):
        return x.narrow(d, i, length)
    inner = (at(2, n - 2) - at(0, n - 2)) / (2.0 * h)
    if edge_order == 1:
        first = (at(1) - at(0)) / h
        last = (at(n - 1) - at(n - 2)) / h
    else:
        first = (at(0) * -1.5 + at(1) * 2.0 - at(2) * 0.5) / h
        last = (at(n - 3) * 0.5 - at(n - 2) * 2.0 + at(n - 1) * 1.5) / h
    from .shape import cat
    return cat([first, inner, last], dim=d)


def _gradient_coordinates(x, d, coords, edge_order):
    """Uneven grid (NumPy's second-order formulas): with steps h1 = x_i - x_{i-1} and
    h2 = x_{i+1} - x_i, f'_i = -h2/(h1 (h1+h2)) f_{i-1} + (h2-h1)/(h1 h2) f_i
    + h1/(h2 (h1+h2)) f_{i+1}; the ends one-sided (order 1 or 2)."""
    from .shape import cat
    n = x.shape[d]
    shape = [1] * x.ndim
    shape[d] = -1

    def at(i, length=1):
        return x.narrow(d, i, length)

    def c(t):  # a coefficient vector laid along dim d
        return t.reshape(shape)
    dx = coords[1:] - coords[:-1]
    h1, h2 = dx[:-1], dx[1:]
    a = -h2 / (h1 * (h1 + h2))
    b = (h2 - h1) / (h1 * h2)
    cc = h1 / (h2 * (h1 + h2))
    inner = c(a) * at(0, n - 2) + c(b) * at(1, n - 2) + c(cc) * at(2, n - 2)
    if edge_order == 1:
        first = (at(1) - at(0)) / c(dx[:1])
        last = (at(n - 1) - at(n - 2)) / c(dx[-1:])
    else:
        d1, d2 = dx[:1], dx[1:2]
        first = (c(-(d1 * 2 + d2) / (d1 * (d1 + d2))) * at(0) + c((d1 + d2) / (d1 * d2)) * at(1)
                 + c(-d1 / (d2 * (d1 + d2))) * at(2))
        d1, d2 = dx[-2:-1], dx[-1:]
        last = (c(d2 / (d1 * (d1 + d2))) * at(n - 3) + c(-(d2 + d1) / (d1 * d2)) * at(n - 2)
                + c((d2 * 2 + d1) / (d2 * (d1 + d2))) * at(n - 1))
    return cat([first, inner, last], dim=d)


def imag(input):
    """The imaginary part: an error for real tensors, as in PyTorch."""
    check_tensor(input, "imag")
    raise RuntimeError("imag(): imag is not implemented for tensors with non-complex dtypes.")


def is_conj(input) -> bool:
    """False: minitorch tensors are real."""
    check_tensor(input, "is_conj")
    return False


def is_neg(input) -> bool:
    """False: minitorch tensors are real."""
    check_tensor(input, "is_neg")
    return False


# ============================================================================ no-derivative specials
def special_nondiff(name: str, input, n=None):
    """torch.special's functions without a derivative (Bessel J/Y/K, Airy Ai, spherical
    j0, the orthogonal polynomials P_n(x)): values only, in PyTorch's result dtype (the
    default float for integer inputs); `n` may be a Tensor or a number, as may `input`
    when `n` is a Tensor."""
    if n is None:
        check_tensor(input, name)
        x = _as_float(input)
        xp = _xp(x._data)
        return _make(xp.asarray(_specfun.call(name, x._data)).astype(x._data.dtype, copy=False))
    if not isinstance(input, Tensor) and not isinstance(n, Tensor):
        raise TypeError(f"{name}(): at least one of 'input' and 'n' must be a Tensor")
    a, b = binary_operands(input, n, name, float_result=True)
    ref = a if isinstance(a, Tensor) else b
    xp = _xp(ref._data)
    out = _specfun.call(name, _data(a), _data(b))
    return _make(xp.asarray(out).astype(ref._data.dtype, copy=False))


# ============================================================================ registration
__all__ = [
    # trigonometric and hyperbolic
    "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "arcsin",
    "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "atan2", "arctan2", "sinc",
    "hypot", "deg2rad", "rad2deg",
    # exp and log
    "exp2", "log2", "log10", "logaddexp", "logaddexp2", "xlogy", "logit", "ldexp", "frexp",
    "float_power",
    # special functions
    "erf", "erfc", "erfinv", "lgamma", "digamma", "polygamma", "mvlgamma", "i0", "igamma",
    "igammac",
    # rounding and signs
    "floor", "ceil", "round", "trunc", "fix", "frac", "sgn", "signbit", "copysign",
    "positive", "absolute", "square", "heaviside", "nan_to_num", "nextafter",
    # binary and ternary helpers
    "fmod", "floor_divide", "fmax", "fmin", "gcd", "lcm", "bitwise_left_shift",
    "bitwise_right_shift", "rsub", "lerp", "addcmul", "addcdiv", "clamp_min", "clamp_max",
    # tests
    "isneginf", "isposinf", "isreal", "isin", "is_complex", "is_floating_point",
    # real-valued stand-ins of the complex API
    "angle", "conj", "conj_physical", "resolve_conj", "resolve_neg", "real", "imag", "is_conj",
    "is_neg",
    # finite differences
    "gradient",
]

# name -> function attached to Tensor as a method (see minitorch/_tensor_methods.py)
TENSOR_METHODS: dict = {n: globals()[n] for n in __all__ if n not in (
    "isin", "is_complex", "is_floating_point", "rsub", "real", "imag", "gradient", "is_conj",
    "is_neg")}
TENSOR_METHODS.update({
    "polygamma": _polygamma_method,
    "arctan2": atan2,
    "igamma": igamma,
    "igammac": igammac,
    "is_conj": _false,
    "is_neg": _false,
    "__lshift__": bitwise_left_shift,
    "__rshift__": bitwise_right_shift,
    "__rlshift__": lambda self, other: bitwise_left_shift(other, self),
    "__rrshift__": lambda self, other: bitwise_right_shift(other, self),
})
