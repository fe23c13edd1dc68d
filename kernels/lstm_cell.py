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

import types

from ..backend import get_array_module


# ------------------------------------------------------------------------------ reference
def _sigmoid(xp, x):
    """Stable logistic: e = exp(-|x|) <= 1, then 1/(1+e) (x >= 0) or e/(1+e) (x < 0)."""
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _reference_forward(gates, c_prev):
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

# the Numba face (being written): the reference for now
numba_impl = reference


# ------------------------------------------------------------------------------ cuda
def _cuda_missing(*args, **kwargs):
    raise NotImplementedError("lstm_cell: the CUDA face is being written")


cuda_impl = types.SimpleNamespace(forward=_cuda_missing, backward=_cuda_missing)
