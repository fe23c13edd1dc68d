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

from ..backend import get_array_module


# ------------------------------------------------------------------------------ reference
def _sigmoid(xp, x):
    """Stable logistic: e = exp(-|x|) <= 1, then 1/(1+e) (x >= 0) or e/(1+e) (x < 0)."""
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _reference_forward(gi, gh, h_prev):
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

# the Numba face (being written): the reference for now
numba_impl = reference


# ------------------------------------------------------------------------------ cuda
def _cuda_missing(*args, **kwargs):
    raise NotImplementedError("gru_cell: the CUDA face is being written")


cuda_impl = types.SimpleNamespace(forward=_cuda_missing, backward=_cuda_missing)
