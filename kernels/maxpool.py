"""Max pooling over the planes of a (B, H, W) array: forward with argmax bookkeeping, and
the backward scatter of the gradient to the argmax positions.

Each face (``reference``, ``numba_impl``, ``cuda_impl``) has the same two functions::

    out, idx = face.forward(x, kernel, stride, padding, dilation, out_size)
    dx       = face.backward(g, idx, in_size)

- ``x``: (B, H, W), C-contiguous (B = batch * channels); ``kernel``, ``stride``,
  ``padding``, ``dilation``, ``out_size`` are (h, w) pairs of ints;
- ``out``: (B, OH, OW) in x's dtype, the max of each window; padding counts as -inf, so
  it never wins;
- ``idx``: (B, OH, OW) int64, where the max sits as a flat index ``h * W + w`` inside its
  input plane (PyTorch's ``return_indices``);
- ``backward``: dx (B, H, W) = zeros with ``dx[b, idx[b, o]] += g[b, o]`` (windows overlap
  when stride < kernel, so one input can collect several gradients).

Window (i, j) covers input rows ``i*sh - ph + a*dh`` (a < kh) and columns
``j*sw - pw + b*dw`` (b < kw). As in PyTorch, the first maximum wins on ties (strict >),
a NaN wins over everything (the max is NaN), and a window whose entries are all -inf
reports its first in-bounds position.
"""
from __future__ import annotations

import types

import numpy as np

from ._numba import numba, PARALLEL_MIN_WORK  # noqa: F401
from ._numba import njit as _njit, njit_parallel as _njit_parallel, prange as _prange


def _first_valid(start, step):
    """The first position start + m*step (m >= 0) that is >= 0 (start may be in padding)."""
    start = np.asarray(start)
    m = np.where(start < 0, (-start + step - 1) // step, 0)
    return start + m * step


# ------------------------------------------------------------------------------ reference
def _reference_forward(x, kernel, stride, padding, dilation, out_size):
    B, H, W = x.shape
    (kh, kw), (sh, sw), (ph, pw), (dh, dw), (OH, OW) = kernel, stride, padding, dilation, out_size
    # pad with -inf, wide enough for the last (ceil_mode) window
    Hp = max(H + 2 * ph, (OH - 1) * sh + (kh - 1) * dh + 1)
    Wp = max(W + 2 * pw, (OW - 1) * sw + (kw - 1) * dw + 1)
    xpad = np.full((B, Hp, Wp), -np.inf, dtype=x.dtype)
    xpad[:, ph:ph + H, pw:pw + W] = x
    rows0 = np.arange(OH) * sh - ph          # first row of each window (maybe in padding)
    cols0 = np.arange(OW) * sw - pw
    best = np.full((B, OH, OW), -np.inf, dtype=x.dtype)
    idx = np.empty((B, OH, OW), dtype=np.int64)
    idx[...] = (_first_valid(rows0, dh)[:, None] * W + _first_valid(cols0, dw)[None, :])
    # visit the window's kh*kw offsets; at each, keep the entries that beat the best so far
    for a in range(kh):
        for b in range(kw):
            v = xpad[:, a * dh:a * dh + (OH - 1) * sh + 1:sh, b * dw:b * dw + (OW - 1) * sw + 1:sw]
            flat = (rows0 + a * dh)[:, None] * W + (cols0 + b * dw)[None, :]
            better = (v > best) | np.isnan(v)
            best = np.where(better, v, best)
            idx = np.where(better, flat, idx)
    return best, idx


def _reference_backward(g, idx, in_size):
    B = g.shape[0]
    H, W = in_size
    dx = np.zeros((B, H * W), dtype=g.dtype)
    flat_idx = idx.reshape(B, -1)
    ok = (flat_idx >= 0) & (flat_idx < H * W)
    rows = np.broadcast_to(np.arange(B)[:, None], flat_idx.shape)
    np.add.at(dx, (rows[ok], flat_idx[ok]), g.reshape(B, -1)[ok])   # dx[b, idx] += g
    return dx.reshape(B, H, W)


reference = types.SimpleNamespace(forward=_reference_forward, backward=_reference_backward)


# ------------------------------------------------------------------------------ numba
@_njit
def _numba_forward_row(x, out, idx, ninf, t, kh, kw, sh, sw, ph, pw, dh, dw):
    """Output row t = b * OH + i: every window (i, j) of plane b. `ninf` holds -inf in x's
    dtype, so the comparisons never mix float32 with float64."""
    H, W = x.shape[1], x.shape[2]
    OH, OW = out.shape[1], out.shape[2]
    b = t // OH
    i = t % OH
    h0 = i * sh - ph
    h1 = min(h0 + (kh - 1) * dh + 1, H)
    while h0 < 0:
        h0 += dh
    for j in range(OW):
        w0 = j * sw - pw
        w1 = min(w0 + (kw - 1) * dw + 1, W)
        while w0 < 0:
            w0 += dw
        best = ninf[0]
        where = h0 * W + w0
        h = h0
        while h < h1:
            w = w0
            while w < w1:
                v = x[b, h, w]
                if v > best or v != v:  # noqa: PLR0124 - v != v: a NaN wins, as in PyTorch
                    best = v
                    where = h * W + w
                w += dw
            h += dh
        out[b, i, j] = best
        idx[b, i, j] = where


@_njit
def _numba_forward_serial(x, out, idx, ninf, kh, kw, sh, sw, ph, pw, dh, dw):
    for t in range(out.shape[0] * out.shape[1]):
        _numba_forward_row(x, out, idx, ninf, t, kh, kw, sh, sw, ph, pw, dh, dw)


@_njit_parallel
def _numba_forward_parallel(x, out, idx, ninf, kh, kw, sh, sw, ph, pw, dh, dw):
    for t in _prange(out.shape[0] * out.shape[1]):
        _numba_forward_row(x, out, idx, ninf, t, kh, kw, sh, sw, ph, pw, dh, dw)


@_njit
def _numba_backward_plane(g, idx, dx, b):
    OH, OW = g.shape[1], g.shape[2]
    HW = dx.shape[1]
    for i in range(OH):
        for j in range(OW):
            k = idx[b, i, j]
            if 0 <= k < HW:
                dx[b, k] += g[b, i, j]


@_njit
def _numba_backward_serial(g, idx, dx):
    for b in range(g.shape[0]):
        _numba_backward_plane(g, idx, dx, b)


@_njit_parallel
def _numba_backward_parallel(g, idx, dx):
    for b in _prange(g.shape[0]):     # one plane per thread: no two threads write one place
        _numba_backward_plane(g, idx, dx, b)


def _numba_forward(x, kernel, stride, padding, dilation, out_size):
    B = x.shape[0]
    out = np.empty((B,) + tuple(out_size), dtype=x.dtype)
    idx = np.empty((B,) + tuple(out_size), dtype=np.int64)
    work = out.size * kernel[0] * kernel[1]
    run = _numba_forward_parallel if work >= PARALLEL_MIN_WORK else _numba_forward_serial
    ninf = np.full(1, -np.inf, dtype=x.dtype)
    run(np.ascontiguousarray(x), out, idx, ninf, *kernel, *stride, *padding, *dilation)
    return out, idx


def _numba_backward(g, idx, in_size):
    B = g.shape[0]
    H, W = in_size
    dx = np.zeros((B, H * W), dtype=g.dtype)
    run = _numba_backward_parallel if g.size >= PARALLEL_MIN_WORK else _numba_backward_serial
    run(np.ascontiguousarray(g), np.ascontiguousarray(idx), dx)
    return dx.reshape(B, H, W)


numba_impl = types.SimpleNamespace(forward=_numba_forward, backward=_numba_backward)


# ------------------------------------------------------------------------------ cuda
def _launch(function, x, n, args):
    from . import launch
    launch("maxpool", function, x, n, args)


def _cuda_forward(x, kernel, stride, padding, dilation, out_size):
    import cupy as cp
    x = cp.ascontiguousarray(x)
    B, H, W = x.shape
    OH, OW = out_size
    out = cp.empty((B, OH, OW), dtype=x.dtype)
    idx = cp.empty((B, OH, OW), dtype=cp.int64)
    n = B * OH * OW
    i64 = np.int64
    _launch("maxpool_forward", x, n,
            (x, out, idx, i64(n), i64(H), i64(W), i64(OH), i64(OW),
             *[i64(v) for v in (*kernel, *stride, *padding, *dilation)]))
    return out, idx


def _cuda_backward(g, idx, in_size):
    import cupy as cp
    g = cp.ascontiguousarray(g)
    idx = cp.ascontiguousarray(idx)
    B, OH, OW = g.shape
    H, W = in_size
    dx = cp.zeros((B, H, W), dtype=g.dtype)
    n = B * OH * OW
    i64 = np.int64
    _launch("maxpool_backward", g, n, (g, idx, dx, i64(n), i64(OH * OW), i64(H * W)))
    return dx


cuda_impl = types.SimpleNamespace(forward=_cuda_forward, backward=_cuda_backward)
