"""Elementwise functions: arithmetic, unary math, clamp/maximum/minimum/where, dtype casts.

Each Function's docstring gives the derivative its backward computes. `g` is the
upstream gradient dL/d(out); every backward returns dL/d(input) per input, summed back
to the input's shape when the input was broadcast (`sum_to`).
"""
from __future__ import annotations

import numpy as np

from .. import backend
from ..autograd.function import Function
from ..tensor import Tensor, _make
from ._util import (binary_operands, sum_to, input_shape, check_tensor, is_number,
                    as_python_scalar, broadcast_shapes, cast)

_xp = backend.get_array_module
_PY_SCALARS = (int, float, bool)


# ============================================================================ arithmetic
class Add(Function):
    """out = a + b;  da = g,  db = g."""

    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, g):
        na, nb = ctx.needs_input_grad
        return (sum_to(g, input_shape(ctx, 0)) if na else None,
                sum_to(g, input_shape(ctx, 1)) if nb else None)


class Sub(Function):
    """out = a - b;  da = g,  db = -g."""

    @staticmethod
    def forward(ctx, a, b):
        return a - b

    @staticmethod
    def backward(ctx, g):
        na, nb = ctx.needs_input_grad
        return (sum_to(g, input_shape(ctx, 0)) if na else None,
                sum_to(-g, input_shape(ctx, 1)) if nb else None)


class Mul(Function):
    """out = a * b;  da = g * b,  db = g * a."""

    @staticmethod
    def forward(ctx, a, b):
        # by a Python scalar k, d(a*k)/da = k: the tensor itself is not needed
        ctx.save_for_backward(None if b.__class__ in _PY_SCALARS else a,
                              None if a.__class__ in _PY_SCALARS else b)
        return a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return (sum_to(g * b, input_shape(ctx, 0)) if na else None,
                sum_to(g * a, input_shape(ctx, 1)) if nb else None)


class Div(Function):
    """out = a / b;  da = g / b,  db = -g * a / b**2."""

    @staticmethod
    def forward(ctx, a, b):
        # by a Python scalar k, d(a/k)/da = 1/k: `a` is not needed
        ctx.save_for_backward(None if b.__class__ in _PY_SCALARS else a, b)
        return a / b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return (sum_to(g / b, input_shape(ctx, 0)) if na else None,
                sum_to(-g * a / (b * b), input_shape(ctx, 1)) if nb else None)


class Neg(Function):
    """out = -x;  dx = -g."""

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, g):
        return -g


class Pow(Function):
    """out = a ** b.

    da = g * b * a**(b-1)        (zero where b == 0, as PyTorch)
    db = g * a**b * log(a)       (zero where a == 0 and b >= 0, as PyTorch)
    """

    @staticmethod
    def forward(ctx, a, b):
        out = _int_pow(a, b) if _is_int_power(a, b) else a ** b
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        ga = gb = None
        if na:
            if is_number(b):
                ga = g * 0.0 if b == 0 else g * (b * a ** (b - 1))
            else:
                ga = where(b == 0, 0.0, g * (b * a ** (b - 1)))
            ga = sum_to(ga, input_shape(ctx, 0))
        if nb:
            if is_number(a):
                # host: a is a Python number (log of a negative one: nan, as torch)
                gb = g * out * float(np.log(a)) if a != 0 else where(b >= 0, 0.0, g * out * float("-inf"))
            else:
                gb = where((a == 0) & (b >= 0), 0.0, g * out * log(a))
            gb = sum_to(gb, input_shape(ctx, 1))
        return ga, gb


def _is_int_power(a, b) -> bool:
    ref = a if backend.is_array(a) else b
    return ref.dtype.kind in "iu" and backend.is_array(b)


def _int_pow(a, b):
    """Integer a ** b where b may hold negative exponents (an array): PyTorch gives
    1 for a == 1, +-1 for a == -1 (by b's parity) and 0 otherwise, where NumPy raises."""
    xp = _xp(b)
    neg = b < 0
    if not bool(neg.any()):
        return a ** b
    dt = (a if backend.is_array(a) else b).dtype
    a_arr = xp.asarray(a, dtype=dt)
    pos = a_arr ** xp.where(neg, 0, b).astype(dt, copy=False)
    odd = (b % 2) != 0
    at_neg = xp.where(a_arr == 1, 1, xp.where(a_arr == -1, xp.where(odd, -1, 1), 0))
    return xp.where(neg, at_neg, pos).astype(dt, copy=False)


def add(input, other, *, alpha=1):
    """input + alpha * other."""
    if alpha != 1:
        other = mul(other, alpha)
    a, b = binary_operands(input, other, "add")
    return Add.apply(a, b)


def sub(input, other, *, alpha=1):
    """input - alpha * other."""
    ba, bb = _is_bool(input), _is_bool(other)
    if ba and bb:
        raise RuntimeError("sub(): subtraction with two bool tensors is not supported; "
                           "use the `^` or `logical_xor()` operator instead.")
    if ba or bb:  # PyTorch refuses a bool operand (tensor or Python bool) on either side
        raise RuntimeError("sub(): subtraction with a bool tensor is not supported. If you "
                           "are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    if alpha != 1:
        other = mul(other, alpha)
    a, b = binary_operands(input, other, "sub")
    return Sub.apply(a, b)


def _is_bool(x) -> bool:
    return x.__class__ in (bool, np.bool_) or (isinstance(x, Tensor) and
                                               x._data.dtype == np.bool_)


def mul(input, other):
    a, b = binary_operands(input, other, "mul")
    return Mul.apply(a, b)


def div(input, other, *, rounding_mode=None):
    """True division (int / int gives float, as in PyTorch); rounding_mode 'trunc' or
    'floor' rounds the quotient (integers stay integers; the gradient is 0, as PyTorch's).
    Integer division by zero raises, as in PyTorch."""
    if rounding_mode is None:
        a, b = binary_operands(input, other, "div", float_result=True)
        return Div.apply(a, b)
    if rounding_mode not in ("trunc", "floor"):
        raise ValueError(f"div(): rounding_mode must be None, 'trunc' or 'floor', got {rounding_mode!r}")
    a, b = binary_operands(input, other, "div")
    ref = a if isinstance(a, Tensor) else b
    if ref._data.dtype == np.bool_:
        raise NotImplementedError(f"div(): \"div_{rounding_mode}_cpu\" not implemented for 'Bool'")
    if ref._data.dtype.kind in "iu":
        _check_int_divisor(b, "div")
        ad = a._data if isinstance(a, Tensor) else a
        bd = b._data if isinstance(b, Tensor) else b
        xp = _xp(ref._data)
        if rounding_mode == "floor":
            out = xp.floor_divide(ad, bd)
        else:
            out = _int_trunc_divide(xp, ad, bd)
        return _make(xp.asarray(out).astype(ref._data.dtype, copy=False))
    return RoundedDiv.apply(a, b, rounding_mode)


def _int_trunc_divide(xp, a, b):
    """Integer division rounded toward zero, exactly (no float round trip)."""
    q = xp.floor_divide(a, b)
    r = a - q * b   # floor's remainder: trunc is one more when a/b < 0 and inexact
    return q + ((r != 0) & ((xp.asarray(a) < 0) != (xp.asarray(b) < 0)))


def _check_int_divisor(b, fn):
    """Integer division by zero is an error in PyTorch (NumPy would warn and give 0)."""
    if isinstance(b, Tensor):
        if b._data.dtype.kind in "iub" and bool((b._data == 0).any()):
            raise RuntimeError(f"{fn}(): ZeroDivisionError")
    elif isinstance(b, (int, np.integer)) and not isinstance(b, bool) and b == 0:
        raise RuntimeError(f"{fn}(): ZeroDivisionError")


class RoundedDiv(Function):
    """out = floor(a / b) or trunc(a / b): piecewise constant, so da = db = 0 (PyTorch
    returns zeros, not None)."""

    @staticmethod
    def forward(ctx, a, b, mode):
        ref = a if backend.is_array(a) else b
        xp = _xp(ref)
        with np.errstate(divide="ignore", invalid="ignore"):
            if mode == "floor":
                return xp.asarray(xp.floor_divide(a, b))
            return xp.asarray(xp.trunc(xp.true_divide(a, b))).astype(ref.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        na, nb = ctx.needs_input_grad[:2]
        return (sum_to(g * 0.0, input_shape(ctx, 0)) if na else None,
                sum_to(g * 0.0, input_shape(ctx, 1)) if nb else None, None)


def neg(input):
    check_tensor(input, "neg")
    if input._data.dtype == np.bool_:
        raise RuntimeError("neg(): negation, the `-` operator, on a bool tensor is not supported. "
                           "Use the `~` or `logical_not()` operator instead.")
    return Neg.apply(input)


def pow(input, exponent):
    """input ** exponent; either may be a Python number (not both)."""
    if isinstance(input, Tensor) and is_number(exponent):
        exponent = as_python_scalar(exponent)
        kind = input._data.dtype.kind
        if kind != "f":
            from .. import dtypes as _dt
            rt = _dt.result_type(input, exponent)  # int ** 2.5 is float, bool ** 2 int64
            if rt.np.kind == "b":  # bool ** bool: a or not b
                xp = _xp(input._data)
                return _make(input._data.copy() if exponent else
                             xp.ones(input._data.shape, dtype=bool))
            input = cast(input, rt.np)
            if rt.np.kind in "iu" and exponent < 0:
                raise RuntimeError("pow(): Integers to negative integer powers are not allowed.")
        return Pow.apply(input, exponent)
    if _is_bool(input) and _is_bool(exponent):
        raise NotImplementedError("pow(): \"pow\" not implemented for 'Bool'")
    a, b = binary_operands(input, exponent, "pow")
    return Pow.apply(a, b)


def true_divide(input, other):
    return div(input, other)


def remainder(input, other):
    """Python-style modulus (sign of the divisor): a - floor(a / b) * b; da = g, db = -g*floor(a/b)."""
    if (_is_bool(input) or input.__class__ is bool) and (_is_bool(other) or other.__class__ is bool):
        raise NotImplementedError("remainder(): \"remainder_cpu\" not implemented for 'Bool'")
    if input.__class__ is bool:  # a Python bool operand counts as 0 or 1 here (PyTorch)
        input = int(input)
    if other.__class__ is bool:
        other = int(other)
    a, b = binary_operands(input, other, "remainder")
    q = div(a.detach() if isinstance(a, Tensor) else a,
            b.detach() if isinstance(b, Tensor) else b, rounding_mode="floor")
    return sub(a, mul(q, b))


# ============================================================================ unary math
class Exp(Function):
    """out = exp(x);  dx = g * out."""

    @staticmethod
    def forward(ctx, x):
        out = _xp(x).exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * out


class Log(Function):
    """out = log(x);  dx = g / x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).log(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / x


class Log1p(Function):
    """out = log(1 + x);  dx = g / (1 + x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).log1p(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g / (x + 1)


class Expm1(Function):
    """out = exp(x) - 1;  dx = g * (out + 1)."""

    @staticmethod
    def forward(ctx, x):
        out = _xp(x).expm1(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * (out + 1)


class Sqrt(Function):
    """out = sqrt(x);  dx = g / (2 * out)."""

    @staticmethod
    def forward(ctx, x):
        out = _xp(x).sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g / (out * 2)


class Rsqrt(Function):
    """out = 1 / sqrt(x);  dx = -g * out**3 / 2."""

    @staticmethod
    def forward(ctx, x):
        xp = _xp(x)
        out = xp.reciprocal(xp.sqrt(x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * (out * out * out) * -0.5


class Reciprocal(Function):
    """out = 1 / x;  dx = -g * out**2."""

    @staticmethod
    def forward(ctx, x):
        out = _xp(x).reciprocal(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return -g * (out * out)


class Abs(Function):
    """out = |x|;  dx = g * sign(x)  (0 at x == 0, as PyTorch)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).abs(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * sign(x)


class Sign(Function):
    """out = sign(x);  dx = 0 everywhere (and undefined at 0; PyTorch uses 0)."""

    @staticmethod
    def forward(ctx, x):
        return _xp(x).sign(x)

    @staticmethod
    def backward(ctx, g):
        return g * 0.0


class Sin(Function):
    """out = sin(x);  dx = g * cos(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).sin(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * cos(x)


class Cos(Function):
    """out = cos(x);  dx = -g * sin(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _xp(x).cos(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return -g * sin(x)


class Tanh(Function):
    """out = tanh(x);  dx = g * (1 - out**2)."""

    @staticmethod
    def forward(ctx, x):
        out = _xp(x).tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * (1 - out * out)


class Sigmoid(Function):
    """out = 1 / (1 + exp(-x));  dx = g * out * (1 - out).

    Forward is the stable form: exp(-|x|) never overflows, and
    sigmoid(x) = 1/(1+e) for x >= 0, e/(1+e) for x < 0 with e = exp(-|x|)."""

    @staticmethod
    def forward(ctx, x):
        xp = _xp(x)
        e = xp.exp(-xp.abs(x))
        d = 1 + e
        out = xp.where(x >= 0, 1 / d, e / d).astype(x.dtype, copy=False)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * (out * (1 - out))


class Relu(Function):
    """out = max(x, 0);  dx = g where out > 0, else 0 (PyTorch's choice at x == 0)."""

    @staticmethod
    def forward(ctx, x):
        out = _xp(x).maximum(x, 0)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * (out > 0)


def _unary(cls, name, float_only=True):
    def fn(input):
        if not isinstance(input, Tensor):
            check_tensor(input, name)  # raises the TypeError
        if float_only and input._data.dtype.kind != "f":
            input = cast(input, np.dtype(np.float32))
        return cls.apply(input)
    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = cls.__doc__
    return fn


exp = _unary(Exp, "exp")
log = _unary(Log, "log")
log1p = _unary(Log1p, "log1p")
expm1 = _unary(Expm1, "expm1")
sqrt = _unary(Sqrt, "sqrt")
rsqrt = _unary(Rsqrt, "rsqrt")
reciprocal = _unary(Reciprocal, "reciprocal")
sin = _unary(Sin, "sin")
cos = _unary(Cos, "cos")
tanh = _unary(Tanh, "tanh")
sigmoid = _unary(Sigmoid, "sigmoid")
_abs = _unary(Abs, "abs", float_only=False)
_sign = _unary(Sign, "sign", float_only=False)
_relu = _unary(Relu, "relu", float_only=False)


def abs(input):
    """|x| (integers stay integers; bool tensors are refused, as in PyTorch)."""
    if isinstance(input, Tensor) and input._data.dtype == np.bool_:
        raise NotImplementedError("abs(): \"abs_cpu\" not implemented for 'Bool'")
    return _abs(input)


def sign(input):
    """-1, 0 or 1 by the sign of x (a bool tensor is its own sign)."""
    if isinstance(input, Tensor) and input._data.dtype == np.bool_:
        return _make(input._data.copy())
    return _sign(input)


def relu(input):
    """max(x, 0) (bool tensors are refused, as in PyTorch)."""
    if isinstance(input, Tensor) and input._data.dtype == np.bool_:
        raise RuntimeError("relu(): Boolean inputs not supported for relu")
    return _relu(input)


abs.__doc__, sign.__doc__, relu.__doc__ = Abs.__doc__, Sign.__doc__, Relu.__doc__


# ============================================================================ clamp & co
class Clamp(Function):
    """out = min(max(x, lo), hi) with Python-number bounds;
    dx = g where lo <= x <= hi (inclusive, as PyTorch), else 0."""

    @staticmethod
    def forward(ctx, x, lo=None, hi=None):
        ctx.save_for_backward(x)
        ctx.bounds = (lo, hi)
        xp = _xp(x)
        out = x
        if lo is not None:
            out = xp.maximum(out, lo)
        if hi is not None:
            out = xp.minimum(out, hi)
        return out if out is not x else x.copy()

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        lo, hi = ctx.bounds
        if lo is not None and hi is not None:
            mask = (x >= lo) & (x <= hi)
        elif lo is not None:
            mask = x >= lo
        else:
            mask = x <= hi
        return g * mask


class ClampTensor(Function):
    """out = min(max(x, lo), hi) with Tensor bounds (either may be None), as PyTorch:
    dx  = g where lo <= x <= hi
    dlo = g where x < lo and lo < hi
    dhi = g where x > hi or hi < lo
    """

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x, lo, hi)
        xp = _xp(x)
        out = x
        if lo is not None:
            out = xp.maximum(out, lo)
        if hi is not None:
            out = xp.minimum(out, hi)
        return xp.array(out, copy=True) if out is x else out

    @staticmethod
    def backward(ctx, g):
        x, lo, hi = ctx.saved_tensors
        nx, nlo, nhi = ctx.needs_input_grad
        zero = 0.0
        gx = glo = ghi = None
        if nx:
            pred = None
            if lo is not None:
                pred = x >= lo
            if hi is not None:
                pred = (x <= hi) if pred is None else pred & (x <= hi)
            gx = sum_to(where(pred, g, zero), input_shape(ctx, 0))
        if nlo:
            pred = x < lo
            if hi is not None:
                pred = pred & (lo < hi)
            glo = sum_to(where(pred, g, zero), input_shape(ctx, 1))
        if nhi:
            pred = x > hi
            if lo is not None:
                pred = pred | (hi < lo)
            ghi = sum_to(where(pred, g, zero), input_shape(ctx, 2))
        return gx, glo, ghi


def clamp(input, min=None, max=None):
    """Limit values to [min, max]; bounds are Python numbers or Tensors."""
    check_tensor(input, "clamp")
    if min is None and max is None:
        raise RuntimeError("clamp(): At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        x = input
        lo, hi = min, max
        if lo is not None and not isinstance(lo, Tensor):
            lo = full_like_scalar(x, lo)
        if hi is not None and not isinstance(hi, Tensor):
            hi = full_like_scalar(x, hi)
        for b in (lo, hi):
            if b is not None:
                x, _ = binary_operands(x, b, "clamp")
        lo = cast(lo, x._data.dtype) if lo is not None else None
        hi = cast(hi, x._data.dtype) if hi is not None else None
        out_shape = x._data.shape
        for b in (lo, hi):
            if b is not None:
                out_shape = broadcast_shapes(out_shape, b._data.shape, "clamp")
        return ClampTensor.apply(x, lo, hi)
    lo = as_python_scalar(min) if min is not None else None
    hi = as_python_scalar(max) if max is not None else None
    if input._data.dtype.kind != "f" and (isinstance(lo, float) or isinstance(hi, float)):
        input = cast(input, np.dtype(np.float32))
    return Clamp.apply(input, lo, hi)


clip = clamp


def full_like_scalar(x: Tensor, value) -> Tensor:
    xp = _xp(x._data)
    return _make(xp.asarray(value, dtype=x._data.dtype))


class Maximum(Function):
    """out = max(a, b);  the gradient goes to the larger input, split in half on ties
    (PyTorch's rule): da = g * ([a > b] + [a == b] / 2)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _xp(a).maximum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return _split_grad(ctx, g, a > b, a == b)


class Minimum(Function):
    """out = min(a, b);  da = g * ([a < b] + [a == b] / 2), and symmetrically for b."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _xp(a).minimum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return _split_grad(ctx, g, a < b, a == b)


def _split_grad(ctx, g, a_wins, tie):
    na, nb = ctx.needs_input_grad
    half = g * 0.5
    ga = gb = None
    if na:
        ga = sum_to(where(tie, half, where(a_wins, g, 0.0)), input_shape(ctx, 0))
    if nb:
        gb = sum_to(where(tie, half, where(a_wins, 0.0, g)), input_shape(ctx, 1))
    return ga, gb


def maximum(input, other):
    a, b = binary_operands(input, other, "maximum")
    if not (isinstance(a, Tensor) and isinstance(b, Tensor)):
        raise TypeError("maximum(): both arguments must be Tensors")
    return Maximum.apply(a, b)


def minimum(input, other):
    a, b = binary_operands(input, other, "minimum")
    if not (isinstance(a, Tensor) and isinstance(b, Tensor)):
        raise TypeError("minimum(): both arguments must be Tensors")
    return Minimum.apply(a, b)


class Where(Function):
    """out = cond ? a : b;  da = g where cond else 0,  db = g where not cond else 0."""

    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.save_for_backward(cond)
        return _xp(cond).where(cond, a, b)

    @staticmethod
    def backward(ctx, g):
        cond, = ctx.saved_tensors
        _, na, nb = ctx.needs_input_grad
        return (None,
                sum_to(where(cond, g, 0.0), input_shape(ctx, 1)) if na else None,
                sum_to(where(cond, 0.0, g), input_shape(ctx, 2)) if nb else None)


_NO_ARG = object()


def where(condition, input=_NO_ARG, other=_NO_ARG):
    """Elementwise select: `input` where `condition` is True, `other` elsewhere; either
    may be a Python number (both numbers give PyTorch's dtype: floats the default float,
    ints int64, bools bool). With only `condition`, the indices of its nonzero entries,
    one int64 tensor per dim (like nonzero(as_tuple=True))."""
    check_tensor(condition, "where", "condition")
    if input is _NO_ARG and other is _NO_ARG:
        return _nonzero_tuple(condition)
    if input is _NO_ARG or other is _NO_ARG:
        raise TypeError("where() takes a condition and both 'input' and 'other' (or only "
                        "the condition)")
    if condition._data.dtype != np.bool_:
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {_torch_name(condition._data.dtype)}")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        return _where_scalars(condition, input, other)
    a, b = binary_operands(input, other, "where")
    for x in (a, b):
        if isinstance(x, Tensor):
            broadcast_shapes(condition._data.shape, x._data.shape, "where")
    return Where.apply(condition, a, b)


def _torch_name(np_dtype):
    from .pointwise import torch_type_name
    return torch_type_name(np_dtype)


def _where_scalars(condition, a, b):
    """where(cond, number, number): a constant of the two numbers' result dtype."""
    for x, arg in ((a, "input"), (b, "other")):
        if not is_number(x):
            raise TypeError(f"where(): argument '{arg}' must be a Tensor or a number, not "
                            f"{type(x).__name__}")
    from .. import dtypes as _dt
    a, b = as_python_scalar(a), as_python_scalar(b)
    dt = _dt.result_type(a, b).np
    xp = _xp(condition._data)
    return _make(xp.where(condition._data, xp.asarray(a, dtype=dt), xp.asarray(b, dtype=dt)))


def _nonzero_tuple(condition):
    d = condition._data
    xp = _xp(d)
    if d.ndim == 0:
        d = d.reshape(1)
    return tuple(_make(i.astype(np.int64, copy=False)) for i in xp.nonzero(d))


# ============================================================================ dtype casts
class Cast(Function):
    """out = x converted to another dtype;  dx = g converted back to x's dtype."""

    @staticmethod
    def forward(ctx, x, dtype):
        ctx.src = x.dtype
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, g):
        return cast(g, ctx.src), None


class Clone(Function):
    """out = a copy of x;  dx = g."""

    @staticmethod
    def forward(ctx, x):
        return _xp(x).array(x, copy=True)

    @staticmethod
    def backward(ctx, g):
        return g


class Contiguous(Function):
    """out = x laid out C-contiguously;  dx = g."""

    @staticmethod
    def forward(ctx, x):
        return _xp(x).ascontiguousarray(x)

    @staticmethod
    def backward(ctx, g):
        return g


class ToDevice(Function):
    """out = x copied to another device;  dx = g copied back."""

    @staticmethod
    def forward(ctx, x, dev):
        ctx.src = backend.array_device(x)
        return backend.transfer(x, dev)

    @staticmethod
    def backward(ctx, g):
        return ToDevice.apply(g, ctx.src), None
