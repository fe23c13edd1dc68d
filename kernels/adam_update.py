"""The moment and parameter update of one Adam step for one parameter, in place.

Each face has the same signature::

    face(theta, g, m, v, vmax, beta1, beta2, step_size, bias_correction2_sqrt, eps)

``theta`` (the parameter), ``m`` and ``v`` (the moments) and ``vmax`` (amsgrad's running
maximum of v, or None) are updated in place; ``g`` is the gradient after maximize and
weight decay have been applied by the optimizer. All arrays have one shape and one dtype
(float32 or float64). The arithmetic is torch.optim.Adam's, operation for operation:

    m <- lerp(m, g, 1 - beta1)           torch's two-branch lerp (see optim.adam.lerp_)
    v <- v * beta2 + ((1 - beta2) * g) * g
    vmax <- max(vmax, v)                 (amsgrad; vmax then stands in for v below)
    denom <- sqrt(v) / bias_correction2_sqrt + eps
    theta <- theta + (-step_size * m) / denom

Every scalar is rounded to the arrays' dtype before it is used, as NumPy does with a Python
float against a float32 array, so the faces agree bit for bit.

- ``reference``: NumPy/CuPy array statements: about a dozen passes over the parameter,
  with temporaries. CuPy arrays use it too (``cuda_impl``): each statement is then a CuPy
  elementwise kernel.
- ``numba_impl``: three vectorized passes (moments, amsgrad's maximum, parameter) with no
  temporaries.
"""
from __future__ import annotations

import numpy as np

from ._numba import numba

__all__ = ["reference", "numba_impl", "cuda_impl"]


def reference(theta, g, m, v, vmax, beta1, beta2, step_size, bias_correction2_sqrt, eps):
    from minitorch.backend import get_array_module
    from minitorch.optim.adam import lerp_
    xp = get_array_module(theta)
    lerp_(m, g, 1 - beta1)
    v *= beta2
    v += (1 - beta2) * g * g
    if vmax is not None:
        xp.maximum(vmax, v, out=vmax)
        denom = xp.sqrt(vmax) / bias_correction2_sqrt
    else:
        denom = xp.sqrt(v) / bias_correction2_sqrt
    denom += eps
    theta += -step_size * m / denom


cuda_impl = reference


if numba is not None:
    # error_model="numpy": no ZeroDivisionError test on the divisions, so the loops are
    # branch-free and LLVM vectorizes them; the lerp branch is chosen outside the loop
    _jit = numba.njit(cache=True, nogil=True, error_model="numpy")

    @_jit
    def _moments(g, m, v, small, w, one_minus_w, b2, one_minus_b2):
        """m <- lerp(m, g, w), v <- v*b2 + ((1-b2)*g)*g."""
        if small:
            for k in range(g.size):
                m[k] = m[k] + w * (g[k] - m[k])
        else:
            for k in range(g.size):
                m[k] = g[k] - (g[k] - m[k]) * one_minus_w
        for k in range(g.size):
            v[k] = v[k] * b2 + one_minus_b2 * g[k] * g[k]

    @_jit
    def _max_into(vmax, v):
        """vmax <- max(vmax, v), a NaN in either winning (xp.maximum)."""
        for k in range(v.size):
            a = vmax[k]
            if v[k] > a or v[k] != v[k]:
                a = v[k]
            vmax[k] = a

    @_jit
    def _step(theta, m, d, neg_step, bc2s, eps):
        """theta <- theta + (-step_size*m) / (sqrt(d)/bc2s + eps)."""
        for k in range(theta.size):
            theta[k] = theta[k] + (neg_step * m[k]) / (np.sqrt(d[k]) / bc2s + eps)


def numba_impl(theta, g, m, v, vmax, beta1, beta2, step_size, bias_correction2_sqrt, eps):
    arrays = (theta, g, m, v) if vmax is None else (theta, g, m, v, vmax)
    dt = theta.dtype
    if dt not in (np.float32, np.float64) or any(
            a.dtype != dt or a.shape != theta.shape or not a.flags.c_contiguous for a in arrays):
        return reference(theta, g, m, v, vmax, beta1, beta2, step_size,
                         bias_correction2_sqrt, eps)
    s = dt.type
    weight = 1 - beta1
    theta, g, m, v = (a.reshape(-1) for a in (theta, g, m, v))
    _moments(g, m, v, abs(weight) < 0.5, s(weight), s(1 - weight), s(beta2), s(1 - beta2))
    d = v
    if vmax is not None:
        d = vmax.reshape(-1)
        _max_into(d, v)
    _step(theta, m, d, s(-step_size), s(bias_correction2_sqrt), s(eps))
