"""Average pooling over the planes of a (B, H, W) array, forward and backward.

Each face (``reference``, ``numba_impl``, ``cuda_impl``) has the same two functions::

    out = face.forward(x, kernel, stride, padding, out_size, count_include_pad, divisor_override)
    dx  = face.backward(g, in_size, kernel, stride, padding, count_include_pad, divisor_override)

- ``x``: (B, H, W), C-contiguous (B = batch * channels); ``kernel``, ``stride``,
  ``padding``, ``out_size``, ``in_size`` are (h, w) pairs of ints;
- ``out[b, i, j] = sum of window (i, j) / divisor(i, j)``; padding contributes zeros;
- ``backward`` is the adjoint (transpose) of that linear map: every input position
  receives ``g[b, i, j] / divisor(i, j)`` from each window (i, j) that covers it.

The divisor follows PyTorch: window (i, j) spans rows [i*sh - ph, i*sh - ph + kh) clipped
to [.., H + ph) (a ceil_mode window sticking out past the right padding does not count
the part outside); ``count_include_pad`` divides by that clipped size, otherwise by the
number of real input entries in the window; ``divisor_override`` (a nonzero int or None)
replaces both.
"""
from __future__ import annotations

import types

import numpy as np

from ._numba import numba, PARALLEL_MIN_WORK  # noqa: F401
from ._numba import njit as _njit, njit_parallel as _njit_parallel, prange as _prange


def divisors(in_size, kernel, stride, padding, out_size, count_include_pad, divisor_override):
    """The (OH, OW) int64 array of divisors, by PyTorch's rule (see the module docstring)."""
    (H, W), (kh, kw), (sh, sw), (ph, pw), (OH, OW) = in_size, kernel, stride, padding, out_size
    if divisor_override:
        return np.full((OH, OW), divisor_override, dtype=np.int64)

    def one_axis(n_in, k, s, p, n_out):
        start = np.arange(n_out) * s - p
        end = np.minimum(start + k, n_in + p)
        if count_include_pad:
            return end - start
        return np.minimum(end, n_in) - np.maximum(start, 0)

    return one_axis(H, kh, sh, ph, OH)[:, None] * one_axis(W, kw, sw, pw, OW)[None, :]


def _padded_size(n_in, k, s, p, n_out):
    """Rows a zero-padded copy needs so that every window, ceil_mode's last too, fits."""
    return max(n_in + 2 * p, (n_out - 1) * s + k)


# ------------------------------------------------------------------------------ reference
def _reference_forward(x, kernel, stride, padding, out_size, count_include_pad,
                       divisor_override):
    B, H, W = x.shape
    (kh, kw), (sh, sw), (ph, pw), (OH, OW) = kernel, stride, padding, out_size
    xpad = np.zeros((B, _padded_size(H, kh, sh, ph, OH), _padded_size(W, kw, sw, pw, OW)),
                    dtype=x.dtype)
    xpad[:, ph:ph + H, pw:pw + W] = x
    total = np.zeros((B, OH, OW), dtype=x.dtype)
    for a in range(kh):            # add up the window's kh*kw offsets
        for b in range(kw):
            total += xpad[:, a:a + (OH - 1) * sh + 1:sh, b:b + (OW - 1) * sw + 1:sw]
    div = divisors((H, W), kernel, stride, padding, out_size, count_include_pad,
                   divisor_override)
    return total / div.astype(x.dtype)


def _reference_backward(g, in_size, kernel, stride, padding, count_include_pad,
                        divisor_override):
    B, OH, OW = g.shape
    H, W = in_size
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    div = divisors(in_size, kernel, stride, padding, (OH, OW), count_include_pad,
                   divisor_override)
    share = g / div.astype(g.dtype)          # what each entry of window (i, j) receives
    dpad = np.zeros((B, _padded_size(H, kh, sh, ph, OH), _padded_size(W, kw, sw, pw, OW)),
                    dtype=g.dtype)
    for a in range(kh):
        for b in range(kw):
            dpad[:, a:a + (OH - 1) * sh + 1:sh, b:b + (OW - 1) * sw + 1:sw] += share
    return np.ascontiguousarray(dpad[:, ph:ph + H, pw:pw + W])


reference = types.SimpleNamespace(forward=_reference_forward, backward=_reference_backward)


# ------------------------------------------------------------------------------ numba
@_njit
def _numba_forward_row(x, out, div, t, kh, kw, sh, sw, ph, pw):
    """Output row t = b * OH + i: every window (i, j) of plane b."""
    H, W = x.shape[1], x.shape[2]
    OH, OW = out.shape[1], out.shape[2]
    b = t // OH
    i = t % OH
    h0 = max(i * sh - ph, 0)
    h1 = min(i * sh - ph + kh, H)
    for j in range(OW):
        w0 = max(j * sw - pw, 0)
        w1 = min(j * sw - pw + kw, W)
        total = 0.0
        for h in range(h0, h1):
            for w in range(w0, w1):
                total += x[b, h, w]
        out[b, i, j] = total / div[i, j]


@_njit
def _numba_forward_serial(x, out, div, kh, kw, sh, sw, ph, pw):
    for t in range(out.shape[0] * out.shape[1]):
        _numba_forward_row(x, out, div, t, kh, kw, sh, sw, ph, pw)


@_njit_parallel
def _numba_forward_parallel(x, out, div, kh, kw, sh, sw, ph, pw):
    for t in _prange(out.shape[0] * out.shape[1]):
        _numba_forward_row(x, out, div, t, kh, kw, sh, sw, ph, pw)


@_njit
def _numba_backward_plane(g, dx, div, b, kh, kw, sh, sw, ph, pw):
    """Scatter form for plane b: every entry of window (i, j) receives g / divisor (dx
    arrives zeroed)."""
    OH, OW = g.shape[1], g.shape[2]
    H, W = dx.shape[1], dx.shape[2]
    for i in range(OH):
        h0 = max(i * sh - ph, 0)
        h1 = min(i * sh - ph + kh, H)
        for j in range(OW):
            w0 = max(j * sw - pw, 0)
            w1 = min(j * sw - pw + kw, W)
            share = g[b, i, j] / div[i, j]
            for h in range(h0, h1):
                for w in range(w0, w1):
                    dx[b, h, w] += share


@_njit
def _numba_backward_serial(g, dx, div, kh, kw, sh, sw, ph, pw):
    for b in range(g.shape[0]):
        _numba_backward_plane(g, dx, div, b, kh, kw, sh, sw, ph, pw)


@_njit_parallel
def _numba_backward_parallel(g, dx, div, kh, kw, sh, sw, ph, pw):
    for b in _prange(g.shape[0]):     # one plane per thread: no two threads write one place
        _numba_backward_plane(g, dx, div, b, kh, kw, sh, sw, ph, pw)


def _numba_forward(x, kernel, stride, padding, out_size, count_include_pad, divisor_override):
    B, H, W = x.shape
    out = np.empty((B,) + tuple(out_size), dtype=x.dtype)
    div = divisors((H, W), kernel, stride, padding, out_size, count_include_pad,
                   divisor_override).astype(np.float64)
    work = out.size * kernel[0] * kernel[1]
    run = _numba_forward_parallel if work >= PARALLEL_MIN_WORK else _numba_forward_serial
    run(np.ascontiguousarray(x), out, div, *kernel, *stride, *padding)
    return out


def _numba_backward(g, in_size, kernel, stride, padding, count_include_pad, divisor_override):
    B, OH, OW = g.shape
    dx = np.zeros((B,) + tuple(in_size), dtype=g.dtype)
    div = divisors(in_size, kernel, stride, padding, (OH, OW), count_include_pad,
                   divisor_override).astype(np.float64)
    work = g.size * kernel[0] * kernel[1]
    run = _numba_backward_parallel if work >= PARALLEL_MIN_WORK else _numba_backward_serial
    run(np.ascontiguousarray(g), dx, div, *kernel, *stride, *padding)
    return dx


numba_impl = types.SimpleNamespace(forward=_numba_forward, backward=_numba_backward)


# ------------------------------------------------------------------------------ cuda
def _launch(function, x, n, args):
    from . import launch
    launch("avgpool", function, x, n, args)


def _cuda_args(kernel, stride, padding, count_include_pad, divisor_override):
    i64 = np.int64
    return (*[i64(v) for v in (*kernel, *stride, *padding)], np.int32(bool(count_include_pad)),
            i64(divisor_override or 0))


def _cuda_forward(x, kernel, stride, padding, out_size, count_include_pad, divisor_override):
    import cupy as cp
    x = cp.ascontiguousarray(x)
    B, H, W = x.shape
    OH, OW = out_size
    out = cp.empty((B, OH, OW), dtype=x.dtype)
    n = B * OH * OW
    i64 = np.int64
    _launch("avgpool_forward", x, n, (x, out, i64(n), i64(H), i64(W), i64(OH), i64(OW),
                                      *_cuda_args(kernel, stride, padding, count_include_pad,
                                                  divisor_override)))
    return out


def _cuda_backward(g, in_size, kernel, stride, padding, count_include_pad, divisor_override):
    import cupy as cp
    g = cp.ascontiguousarray(g)
    B, OH, OW = g.shape
    H, W = in_size
    dx = cp.empty((B, H, W), dtype=g.dtype)
    n = B * H * W
    i64 = np.int64
    _launch("avgpool_backward", g, n, (g, dx, i64(n), i64(H), i64(W), i64(OH), i64(OW),
                                       *_cuda_args(kernel, stride, padding, count_include_pad,
                                                   divisor_override)))
    return dx


cuda_impl = types.SimpleNamespace(forward=_cuda_forward, backward=_cuda_backward)
