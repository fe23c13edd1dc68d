"""The fused LSTM cell: all four gates' nonlinearities and the cell update in one pass,
and its backward (torch gate order i, f, g, o).

Each face (``reference``, ``numba_impl``, ``cuda_impl``) has the same two functions::

    h, c, act      = face.forward(gates, c_prev)
    dgates, dc_prev = face.backward(dh, dc, act, c_prev, c)

All arrays are 2-D, C-contiguous, float32 or float64 (one dtype throughout; the outputs
come in it); B = batch rows, H = hidden size.

Forward:
- ``gates`` (B, 4H): the pre-activations ``x W_ih^T + b_ih + h_prev W_hh^T + b_hh``,
  columns ``[i | f | g | o]``; ``c_prev`` (B, H);
- ``i = sigmoid(.)``, ``f = sigmoid(.)``, ``g = tanh(.)``, ``o = sigmoid(.)``;
- ``c = f*c_prev + i*g``, ``h = o*tanh(c)``;
- ``act`` (B, 4H) = ``[i | f | g | o]`` (the activations, kept for the backward).

Backward, from ``dh``, ``dc`` (B, H), the gradients reaching this step's h and c
(``dc`` may be all zeros), with ``tc = tanh(c)``:
- ``dct = dc + dh*o*(1 - tc^2)``                       (dL/dc: direct + through h)
- ``di = dct*g * i(1-i)``, ``df = dct*c_prev * f(1-f)``,
  ``dg = dct*i * (1-g^2)``, ``do = dh*tc * o(1-o)``    (sigmoid' = s(1-s), tanh' = 1-t^2)
- ``dgates = [di | df | dg | do]``, ``dc_prev = dct*f``.

The sigmoid is the stable one: ``1/(1+e^-x)`` for x >= 0 and ``e^x/(1+e^x)`` otherwise,
so no exp ever overflows (pre-activations of +-1e4 give 0 or 1, no warnings).
"""
from __future__ import annotations

import math
import types

import numpy as np

from ..backend import get_array_module
from ._numba import PARALLEL_MIN_WORK, numba
from ._numba import njit as _njit
from ._numba import njit_parallel as _njit_parallel
from ._numba import prange as _prange

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))

# The checks run on every call (a char-LSTM step makes 128 of them), so each has a fast
# path: identical dtype objects (NumPy keeps one per builtin dtype) and matching shapes;
# anything else goes to the slow path, which raises the clear error or lets equal dtypes
# that are different objects through.


def _check_forward(gates, c_prev):
    """Shapes and dtypes of the forward's inputs (the Numba face does no bounds checks)."""
    dt, s = gates.dtype, c_prev.shape
    if not ((dt is _FLOATS[0] or dt is _FLOATS[1]) and c_prev.dtype is dt and len(s) == 2
            and gates.shape == (s[0], 4 * s[1])):
        _explain_forward(gates, c_prev)


def _explain_forward(gates, c_prev):
    if gates.ndim != 2 or c_prev.ndim != 2 or gates.shape != (c_prev.shape[0], 4 * c_prev.shape[1]):
        raise ValueError(f"lstm_cell: gates must be (B, 4H) and c_prev (B, H), got gates "
                         f"{tuple(gates.shape)} and c_prev {tuple(c_prev.shape)}")
    if gates.dtype not in _FLOATS or c_prev.dtype != gates.dtype:
        raise TypeError(f"lstm_cell: gates and c_prev must both be float32 or both float64, "
                        f"got {gates.dtype} and {c_prev.dtype}")


def _check_backward(dh, dc, act, c_prev, c):
    dt, s = act.dtype, c.shape
    if not ((dt is _FLOATS[0] or dt is _FLOATS[1]) and dh.dtype is dt and dc.dtype is dt
            and c_prev.dtype is dt and c.dtype is dt and len(s) == 2
            and dh.shape == s and dc.shape == s and c_prev.shape == s
            and act.shape == (s[0], 4 * s[1])):
        _explain_backward(dh, dc, act, c_prev, c)


def _explain_backward(dh, dc, act, c_prev, c):
    B, H = c.shape if c.ndim == 2 else (-1, -1)
    for name, a, shape in (("dh", dh, (B, H)), ("dc", dc, (B, H)), ("act", act, (B, 4 * H)),
                           ("c_prev", c_prev, (B, H)), ("c", c, (B, H))):
        if a.shape != shape:
            raise ValueError(f"lstm_cell backward: {name} must be {shape} (c is (B, H)), "
                             f"got {tuple(a.shape)}")
        if a.dtype != act.dtype or a.dtype not in _FLOATS:
            raise TypeError(f"lstm_cell backward: {name} must be float32 or float64 like act "
                            f"({act.dtype}), got {a.dtype}")


# ------------------------------------------------------------------------------ reference
def _sigmoid(xp, x):
    """Stable logistic: e = exp(-|x|) <= 1, then 1/(1+e) (x >= 0) or e/(1+e) (x < 0)."""
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _reference_forward(gates, c_prev):
    _check_forward(gates, c_prev)
    xp = get_array_module(gates)
    H = c_prev.shape[1]
    i = _sigmoid(xp, gates[:, 0 * H:1 * H])
    f = _sigmoid(xp, gates[:, 1 * H:2 * H])
    g = xp.tanh(gates[:, 2 * H:3 * H])
    o = _sigmoid(xp, gates[:, 3 * H:4 * H])
    c = f * c_prev + i * g
    h = o * xp.tanh(c)
    act = xp.concatenate([i, f, g, o], axis=1)
    return h, c, act


def _reference_backward(dh, dc, act, c_prev, c):
    _check_backward(dh, dc, act, c_prev, c)
    xp = get_array_module(act)
    H = c.shape[1]
    i, f, g, o = (act[:, k * H:(k + 1) * H] for k in range(4))
    tc = xp.tanh(c)
    dct = dc + dh * o * (1 - tc * tc)          # dL/dc = dc + dL/dh * dh/dc
    di = dct * g * i * (1 - i)                 # c = f*c_prev + i*g ; i = sigmoid(.)
    df = dct * c_prev * f * (1 - f)            # f = sigmoid(.)
    dg = dct * i * (1 - g * g)                 # g = tanh(.)
    do = dh * tc * o * (1 - o)                 # h = o*tanh(c) ; o = sigmoid(.)
    dgates = xp.concatenate([di, df, dg, do], axis=1)
    dc_prev = dct * f
    return dgates, dc_prev


reference = types.SimpleNamespace(forward=_reference_forward, backward=_reference_backward)

# ------------------------------------------------------------------------------ numba
# One pass per row computes all the gates of a hidden unit. Without Intel's SVML, Numba
# calls libm's exp/tanh one value at a time and the loop does not vectorize (slower than
# NumPy's SIMD ufuncs), so exp is written out below (Cephes: t = n*ln2 + r, exp(r) by a
# polynomial (float32) or Pade form (float64), times 2^n built from its bits): plain
# arithmetic that LLVM vectorizes, within ~1 ulp of exp. It is only ever called with
# t <= 0 (sigmoid and tanh need exp(-|x|) and exp(-2|x|)), where nothing overflows.
# error_model="numpy": no ZeroDivisionError check on the divisions (it blocks SIMD).
if numba is not None:
    _njit = numba.njit(cache=True, error_model="numpy")
    _njit_parallel = numba.njit(cache=True, parallel=True, error_model="numpy")


def _exp_nonpos(t):
    """exp(t) for t <= 0 (or NaN / -inf); Numba compiles _exp32 / _exp64 in its place."""
    return math.exp(t)


_F, _D = np.float32, np.float64


def _exp32(t):
    """float32 exp(t), t <= 0: 0 below -87 (where exp(t) < 2**-125), NaN stays NaN."""
    tc = max(t, _F(-87.0))
    n = np.floor(tc * _F(1.44269504088896341) + _F(0.5))     # t = n*ln2 + r
    r = tc - n * _F(0.693359375) + n * _F(2.12194440e-4)         # ln2 in two parts
    p = (((((_F(1.9875691500e-4) * r + _F(1.3981999507e-3)) * r + _F(8.3334519073e-3)) * r
           + _F(4.1665795894e-2)) * r + _F(1.6666665459e-1)) * r + _F(5.0000001201e-1)) * (r * r) \
        + r + _F(1.0)                                             # exp(r), |r| <= ln2/2
    e = p * _i32_as_f32((np.int32(n) + np.int32(127)) << np.int32(23))   # * 2^n
    return e if t >= _F(-87.0) else (t - t if t != t else _F(0.0))  # noqa: PLR0124


def _exp64(t):
    """float64 exp(t), t <= 0: 0 below -708 (where exp(t) < 2**-1021), NaN stays NaN."""
    tc = max(t, _D(-708.0))
    n = np.floor(tc * _D(1.4426950408889634074) + _D(0.5))
    r = tc - n * _D(6.93145751953125e-1) - n * _D(1.42860682030941723212e-6)
    rr = r * r
    px = r * ((_D(1.26177193074810590878e-4) * rr + _D(3.02994407707441961300e-2)) * rr
              + _D(9.99999999999999999910e-1))
    qx = (((_D(3.00198505138664455042e-6) * rr + _D(2.52448340349684104192e-3)) * rr
           + _D(2.27265548208155028766e-1)) * rr + _D(2.00000000000000000009e0))
    p = _D(1.0) + _D(2.0) * px / (qx - px)                         # exp(r) = 1 + 2rP/(Q-rP)
    e = p * _i64_as_f64((np.int64(n) + np.int64(1023)) << np.int64(52))
    return e if t >= _D(-708.0) else (t - t if t != t else _D(0.0))  # noqa: PLR0124


if numba is not None:
    from llvmlite import ir as _ir
    from numba.extending import intrinsic as _intrinsic
    from numba.extending import overload as _overload

    @_intrinsic
    def _i32_as_f32(typingctx, i):
        """The float32 whose bits are the int32 i."""
        def codegen(context, builder, sig, args):
            return builder.bitcast(args[0], _ir.FloatType())
        return numba.types.float32(numba.types.int32), codegen

    @_intrinsic
    def _i64_as_f64(typingctx, i):
        """The float64 whose bits are the int64 i."""
        def codegen(context, builder, sig, args):
            return builder.bitcast(args[0], _ir.DoubleType())
        return numba.types.float64(numba.types.int64), codegen

    @_overload(_exp_nonpos)
    def _exp_nonpos_overload(t):
        if t == numba.types.float32:
            return _exp32
        if t == numba.types.float64:
            return _exp64
        return None


# `one` is 1 in the arrays' dtype, so float32 arithmetic never widens to float64.
@_njit
def _nb_sigmoid(x, one):
    """Stable logistic without a branch: e = exp(-|x|) <= 1, s = 1/(1+e); s for x >= 0,
    e*s = e/(1+e) for x < 0."""
    e = _exp_nonpos(-abs(x))
    s = one / (one + e)
    return s if x >= one - one else e * s


@_njit
def _nb_tanh(x, one):
    """tanh(x) = sign(x) (1-e)/(1+e) with e = exp(-2|x|) <= 1 (absolute error ~eps)."""
    e = _exp_nonpos(-(abs(x) + abs(x)))
    t = (one - e) / (one + e)
    return t if x >= one - one else -t


@_njit
def _nb_forward_row(gates, c_prev, h, c, act, one, b):
    H = c_prev.shape[1]
    for j in range(H):
        i = _nb_sigmoid(gates[b, j], one)
        f = _nb_sigmoid(gates[b, H + j], one)
        g = _nb_tanh(gates[b, 2 * H + j], one)
        o = _nb_sigmoid(gates[b, 3 * H + j], one)
        cc = f * c_prev[b, j] + i * g                       # c = f*c_prev + i*g
        c[b, j] = cc
        h[b, j] = o * _nb_tanh(cc, one)                     # h = o*tanh(c)
        act[b, j] = i
        act[b, H + j] = f
        act[b, 2 * H + j] = g
        act[b, 3 * H + j] = o


@_njit
def _nb_forward_serial(gates, c_prev, h, c, act, one):
    for b in range(c_prev.shape[0]):
        _nb_forward_row(gates, c_prev, h, c, act, one, b)


@_njit_parallel
def _nb_forward_parallel(gates, c_prev, h, c, act, one):
    for b in _prange(c_prev.shape[0]):
        _nb_forward_row(gates, c_prev, h, c, act, one, b)


@_njit
def _nb_backward_row(dh, dc, act, c_prev, c, dgates, dc_prev, one, b):
    H = c.shape[1]
    for j in range(H):
        i = act[b, j]
        f = act[b, H + j]
        g = act[b, 2 * H + j]
        o = act[b, 3 * H + j]
        tc = _nb_tanh(c[b, j], one)
        dhj = dh[b, j]
        dct = dc[b, j] + dhj * o * (one - tc * tc)         # dL/dc: direct + through h
        dgates[b, j] = dct * g * i * (one - i)              # i = sigmoid: s' = s(1-s)
        dgates[b, H + j] = dct * c_prev[b, j] * f * (one - f)
        dgates[b, 2 * H + j] = dct * i * (one - g * g)      # g = tanh: t' = 1-t^2
        dgates[b, 3 * H + j] = dhj * tc * o * (one - o)
        dc_prev[b, j] = dct * f


@_njit
def _nb_backward_serial(dh, dc, act, c_prev, c, dgates, dc_prev, one):
    for b in range(c.shape[0]):
        _nb_backward_row(dh, dc, act, c_prev, c, dgates, dc_prev, one, b)


@_njit_parallel
def _nb_backward_parallel(dh, dc, act, c_prev, c, dgates, dc_prev, one):
    for b in _prange(c.shape[0]):
        _nb_backward_row(dh, dc, act, c_prev, c, dgates, dc_prev, one, b)


# rows go to threads (prange) when B*H (hidden units updated) reaches this: below it the
# whole call takes less than waking the thread pool does
PARALLEL_WORK = PARALLEL_MIN_WORK

_ONE = {np.dtype(np.float32): np.float32(1), np.dtype(np.float64): np.float64(1)}


def _numba_forward(gates, c_prev):
    _check_forward(gates, c_prev)
    B, H = c_prev.shape
    dtype = gates.dtype
    h = np.empty((B, H), dtype)
    c = np.empty((B, H), dtype)
    act = np.empty((B, 4 * H), dtype)
    run = _nb_forward_parallel if B * H >= PARALLEL_WORK and B > 1 else _nb_forward_serial
    run(gates, c_prev, h, c, act, _ONE[dtype])
    return h, c, act


def _numba_backward(dh, dc, act, c_prev, c):
    _check_backward(dh, dc, act, c_prev, c)
    B, H = c.shape
    dtype = act.dtype
    dgates = np.empty((B, 4 * H), dtype)
    dc_prev = np.empty((B, H), dtype)
    run = _nb_backward_parallel if B * H >= PARALLEL_WORK and B > 1 else _nb_backward_serial
    run(dh, dc, act, c_prev, c, dgates, dc_prev, _ONE[dtype])
    return dgates, dc_prev


numba_impl = types.SimpleNamespace(forward=_numba_forward, backward=_numba_backward)


# ------------------------------------------------------------------------------ cuda
# kernels/lstm_cell.cu: one thread per (row, hidden unit) element, float and double.
def _cuda_forward(gates, c_prev):
    import cupy as cp

    from . import launch
    _check_forward(gates, c_prev)
    gates, c_prev = cp.ascontiguousarray(gates), cp.ascontiguousarray(c_prev)
    B, H = c_prev.shape
    h = cp.empty((B, H), gates.dtype)
    c = cp.empty((B, H), gates.dtype)
    act = cp.empty((B, 4 * H), gates.dtype)
    n = B * H
    launch("lstm_cell", "lstm_cell_forward", gates, n,
           (gates, c_prev, h, c, act, np.int64(n), np.int64(H)))
    return h, c, act


def _cuda_backward(dh, dc, act, c_prev, c):
    import cupy as cp

    from . import launch
    _check_backward(dh, dc, act, c_prev, c)
    dh, dc, act, c_prev, c = (cp.ascontiguousarray(a) for a in (dh, dc, act, c_prev, c))
    B, H = c.shape
    dgates = cp.empty((B, 4 * H), act.dtype)
    dc_prev = cp.empty((B, H), act.dtype)
    n = B * H
    launch("lstm_cell", "lstm_cell_backward", act, n,
           (dh, dc, act, c_prev, c, dgates, dc_prev, np.int64(n), np.int64(H)))
    return dgates, dc_prev


cuda_impl = types.SimpleNamespace(forward=_cuda_forward, backward=_cuda_backward)
