"""The fused GRU cell: the three gates' nonlinearities and the state update in one pass,
and its backward (torch gate order r, z, n).

Each face (``reference``, ``numba_impl``, ``cuda_impl``) has the same two functions::

    h, act              = face.forward(gi, gh, h_prev)
    dgi, dgh, dh_prev   = face.backward(dh, act, h_prev)

All arrays are 2-D, C-contiguous, float32 or float64 (one dtype throughout; the outputs
come in it); B = batch rows, H = hidden size.

Forward:
- ``gi`` (B, 3H) = ``x W_ih^T + b_ih``, ``gh`` (B, 3H) = ``h_prev W_hh^T + b_hh``, columns
  ``[r | z | n]``; ``h_prev`` (B, H);
- ``r = sigmoid(gi_r + gh_r)``, ``z = sigmoid(gi_z + gh_z)``, ``n = tanh(gi_n + r*gh_n)``;
- ``h = (1-z)*n + z*h_prev``;
- ``act`` (B, 4H) = ``[r | z | n | gh_n]`` (kept for the backward).

Backward, from ``dh`` (B, H):
- ``dn = dh*(1-z) * (1-n^2)``            (gradient at n's pre-activation; tanh' = 1-n^2)
- ``dr = dn*gh_n * r(1-r)``              (n's pre-activation has r*gh_n; sigmoid' = s(1-s))
- ``dz = dh*(h_prev-n) * z(1-z)``        (dh/dz = h_prev - n)
- ``dgi = [dr | dz | dn]``, ``dgh = [dr | dz | dn*r]``;
- ``dh_prev = dh*z``: only the direct path; the caller adds ``dgh @ W_hh``.

The sigmoid is the stable one: ``1/(1+e^-x)`` for x >= 0 and ``e^x/(1+e^x)`` otherwise,
so no exp ever overflows.
"""
from __future__ import annotations

import types

import numpy as np

from ..backend import get_array_module
from ._numba import PARALLEL_MIN_WORK  # noqa: F401
from ._numba import prange as _prange

# the vectorizable sigmoid/tanh (exp written out for LLVM; see lstm_cell.py) and decorators
from .lstm_cell import (
    _FLOATS,
    _ONE,
    PARALLEL_WORK,
    _nb_sigmoid,
    _nb_tanh,
    _njit,
    _njit_parallel,
)


def _check_forward(gi, gh, h_prev):
    """Shapes and dtypes of the forward's inputs (the Numba face does no bounds checks);
    a fast path for the usual case, as in lstm_cell.py."""
    dt, s = gi.dtype, h_prev.shape
    if not ((dt is _FLOATS[0] or dt is _FLOATS[1]) and gh.dtype is dt and h_prev.dtype is dt
            and len(s) == 2 and gi.shape == (s[0], 3 * s[1]) and gh.shape == gi.shape):
        _explain_forward(gi, gh, h_prev)


def _explain_forward(gi, gh, h_prev):
    B, H = h_prev.shape if h_prev.ndim == 2 else (-1, -1)
    for a, shape in ((gi, (B, 3 * H)), (gh, (B, 3 * H)), (h_prev, (B, H))):
        if a.shape != shape:
            raise ValueError(f"gru_cell: gi and gh must be (B, 3H) and h_prev (B, H), got gi "
                             f"{tuple(gi.shape)}, gh {tuple(gh.shape)}, h_prev {tuple(h_prev.shape)}")
        if a.dtype != gi.dtype or a.dtype not in _FLOATS:
            raise TypeError(f"gru_cell: gi, gh and h_prev must all be float32 or all float64, "
                            f"got {gi.dtype}, {gh.dtype}, {h_prev.dtype}")


def _check_backward(dh, act, h_prev):
    dt, s = act.dtype, h_prev.shape
    if not ((dt is _FLOATS[0] or dt is _FLOATS[1]) and dh.dtype is dt and h_prev.dtype is dt
            and len(s) == 2 and dh.shape == s and act.shape == (s[0], 4 * s[1])):
        _explain_backward(dh, act, h_prev)


def _explain_backward(dh, act, h_prev):
    B, H = h_prev.shape if h_prev.ndim == 2 else (-1, -1)
    for name, a, shape in (("dh", dh, (B, H)), ("act", act, (B, 4 * H)), ("h_prev", h_prev, (B, H))):
        if a.shape != shape:
            raise ValueError(f"gru_cell backward: {name} must be {shape} (h_prev is (B, H)), "
                             f"got {tuple(a.shape)}")
        if a.dtype != act.dtype or a.dtype not in _FLOATS:
            raise TypeError(f"gru_cell backward: {name} must be float32 or float64 like act "
                            f"({act.dtype}), got {a.dtype}")


# ------------------------------------------------------------------------------ reference
def _sigmoid(xp, x):
    """Stable logistic: e = exp(-|x|) <= 1, then 1/(1+e) (x >= 0) or e/(1+e) (x < 0)."""
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _reference_forward(gi, gh, h_prev):
    _check_forward(gi, gh, h_prev)
    xp = get_array_module(gi)
    H = h_prev.shape[1]
    r = _sigmoid(xp, gi[:, 0 * H:1 * H] + gh[:, 0 * H:1 * H])
    z = _sigmoid(xp, gi[:, 1 * H:2 * H] + gh[:, 1 * H:2 * H])
    gh_n = gh[:, 2 * H:3 * H]
    n = xp.tanh(gi[:, 2 * H:3 * H] + r * gh_n)
    h = (1 - z) * n + z * h_prev
    act = xp.concatenate([r, z, n, gh_n], axis=1)
    return h, act


def _reference_backward(dh, act, h_prev):
    _check_backward(dh, act, h_prev)
    xp = get_array_module(act)
    H = h_prev.shape[1]
    r, z, n, gh_n = (act[:, k * H:(k + 1) * H] for k in range(4))
    dn = dh * (1 - z) * (1 - n * n)            # h = (1-z)*n + z*h_prev ; n = tanh(.)
    dr = dn * gh_n * r * (1 - r)               # n's pre-activation = gi_n + r*gh_n
    dz = dh * (h_prev - n) * z * (1 - z)       # z = sigmoid(.)
    dgi = xp.concatenate([dr, dz, dn], axis=1)
    dgh = xp.concatenate([dr, dz, dn * r], axis=1)
    dh_prev = dh * z
    return dgi, dgh, dh_prev


reference = types.SimpleNamespace(forward=_reference_forward, backward=_reference_backward)

# ------------------------------------------------------------------------------ numba
# One pass per row computes the three gates of a hidden unit; `one` is 1 in the arrays'
# dtype, so float32 arithmetic never widens to float64.
@_njit
def _nb_forward_row(gi, gh, h_prev, h, act, one, b):
    H = h_prev.shape[1]
    for j in range(H):
        r = _nb_sigmoid(gi[b, j] + gh[b, j], one)
        z = _nb_sigmoid(gi[b, H + j] + gh[b, H + j], one)
        ghn = gh[b, 2 * H + j]
        n = _nb_tanh(gi[b, 2 * H + j] + r * ghn, one)
        h[b, j] = (one - z) * n + z * h_prev[b, j]
        act[b, j] = r
        act[b, H + j] = z
        act[b, 2 * H + j] = n
        act[b, 3 * H + j] = ghn


@_njit
def _nb_forward_serial(gi, gh, h_prev, h, act, one):
    for b in range(h_prev.shape[0]):
        _nb_forward_row(gi, gh, h_prev, h, act, one, b)


@_njit_parallel
def _nb_forward_parallel(gi, gh, h_prev, h, act, one):
    for b in _prange(h_prev.shape[0]):
        _nb_forward_row(gi, gh, h_prev, h, act, one, b)


@_njit
def _nb_backward_row(dh, act, h_prev, dgi, dgh, dh_prev, one, b):
    H = h_prev.shape[1]
    for j in range(H):
        r = act[b, j]
        z = act[b, H + j]
        n = act[b, 2 * H + j]
        ghn = act[b, 3 * H + j]
        dhj = dh[b, j]
        dn = dhj * (one - z) * (one - n * n)               # n = tanh(.): 1-n^2
        dr = dn * ghn * r * (one - r)                       # r = sigmoid(.): r(1-r)
        dz = dhj * (h_prev[b, j] - n) * z * (one - z)      # dh/dz = h_prev - n
        dgi[b, j] = dr
        dgi[b, H + j] = dz
        dgi[b, 2 * H + j] = dn
        dgh[b, j] = dr
        dgh[b, H + j] = dz
        dgh[b, 2 * H + j] = dn * r
        dh_prev[b, j] = dhj * z


@_njit
def _nb_backward_serial(dh, act, h_prev, dgi, dgh, dh_prev, one):
    for b in range(h_prev.shape[0]):
        _nb_backward_row(dh, act, h_prev, dgi, dgh, dh_prev, one, b)


@_njit_parallel
def _nb_backward_parallel(dh, act, h_prev, dgi, dgh, dh_prev, one):
    for b in _prange(h_prev.shape[0]):
        _nb_backward_row(dh, act, h_prev, dgi, dgh, dh_prev, one, b)


def _numba_forward(gi, gh, h_prev):
    _check_forward(gi, gh, h_prev)
    B, H = h_prev.shape
    dtype = gi.dtype
    h = np.empty((B, H), dtype)
    act = np.empty((B, 4 * H), dtype)
    run = _nb_forward_parallel if B * H >= PARALLEL_WORK and B > 1 else _nb_forward_serial
    run(gi, gh, h_prev, h, act, _ONE[dtype])
    return h, act


def _numba_backward(dh, act, h_prev):
    _check_backward(dh, act, h_prev)
    B, H = h_prev.shape
    dtype = act.dtype
    dgi = np.empty((B, 3 * H), dtype)
    dgh = np.empty((B, 3 * H), dtype)
    dh_prev = np.empty((B, H), dtype)
    run = _nb_backward_parallel if B * H >= PARALLEL_WORK and B > 1 else _nb_backward_serial
    run(dh, act, h_prev, dgi, dgh, dh_prev, _ONE[dtype])
    return dgi, dgh, dh_prev


numba_impl = types.SimpleNamespace(forward=_numba_forward, backward=_numba_backward)


# ------------------------------------------------------------------------------ cuda
# kernels/gru_cell.cu: one thread per (row, hidden unit) element, float and double.
def _cuda_forward(gi, gh, h_prev):
    import cupy as cp

    from . import launch
    _check_forward(gi, gh, h_prev)
    gi, gh, h_prev = (cp.ascontiguousarray(a) for a in (gi, gh, h_prev))
    B, H = h_prev.shape
    h = cp.empty((B, H), gi.dtype)
    act = cp.empty((B, 4 * H), gi.dtype)
    n = B * H
    launch("gru_cell", "gru_cell_forward", gi, n,
           (gi, gh, h_prev, h, act, np.int64(n), np.int64(H)))
    return h, act


def _cuda_backward(dh, act, h_prev):
    import cupy as cp

    from . import launch
    _check_backward(dh, act, h_prev)
    dh, act, h_prev = (cp.ascontiguousarray(a) for a in (dh, act, h_prev))
    B, H = h_prev.shape
    dgi = cp.empty((B, 3 * H), act.dtype)
    dgh = cp.empty((B, 3 * H), act.dtype)
    dh_prev = cp.empty((B, H), act.dtype)
    n = B * H
    launch("gru_cell", "gru_cell_backward", act, n,
           (dh, act, h_prev, dgi, dgh, dh_prev, np.int64(n), np.int64(H)))
    return dgi, dgh, dh_prev


cuda_impl = types.SimpleNamespace(forward=_cuda_forward, backward=_cuda_backward)
