"""Pooling: max_pool2d, avg_pool2d, adaptive_avg_pool2d, adaptive_max_pool2d, max_unpool2d
(and the 1-d versions, which run as 2-d pooling over a height of 1; the 3-d versions,
which pool over depth and then over (height, width): see the section at the end), plus
lp_pool1d/2d/3d. Layout NCHW; an unbatched (C, H, W) input works too.

The Functions and their derivatives (g = dL/dout, per plane; a window is a set of input
positions, ``idx`` the flat index ``h * W + w`` of each window's max):

    MaxPool2d       out = max over each window (padding = -inf), idx = argmax
                    dx  = MaxPoolScatter(g):  dx[idx[o]] += g[o]   (d max / d x = 1 at the
                          argmax, 0 elsewhere; overlapping windows add up)
    MaxPoolScatter  dx = scatter-add of g at idx, a linear map of g whose adjoint is
                    the gather  dg[o] = gg[idx[o]]   (Gather, whose own backward is the
                    scatter again), so double backward works
    AvgPool2d       out = A x   (A: window sums over PyTorch's divisors), linear
                    dx  = A^T g  (AvgPool2dAdjoint), whose backward is A gg = AvgPool2d(gg)
    adaptive avg    out = R x C^T with constant averaging matrices R (OH, H), C (OW, W):
                    two matmuls, differentiable any number of times
    adaptive max    out = max over adaptive windows, idx as above; backward MaxPoolScatter
    max_unpool2d    out = MaxPoolScatter(x, idx) itself (values put back at their indices)

The hot loops are in kernels/maxpool.py and kernels/avgpool.py (NumPy reference, Numba,
CUDA), chosen by ``kernels.get`` for the input's array type.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from .. import backend, kernels
from ..autograd.function import Function
from ..tensor import _make
from ._util import check_tensor
from .indexing import Gather
from .linalg import matmul

_xp = backend.get_array_module

__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_avg_pool3d",
    "adaptive_max_pool1d",
    "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d",
    "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d",
    "adaptive_max_pool3d_with_indices",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "fractional_max_pool2d",
    "fractional_max_pool2d_with_indices",
    "fractional_max_pool3d",
    "fractional_max_pool3d_with_indices",
    "lp_pool1d",
    "lp_pool2d",
    "lp_pool3d",
    "max_pool1d",
    "max_pool1d_with_indices",
    "max_pool2d",
    "max_pool2d_with_indices",
    "max_pool3d",
    "max_pool3d_with_indices",
    "max_unpool1d",
    "max_unpool2d",
    "max_unpool3d",
]


# ============================================================================ arguments
def _is_int(v) -> bool:
    return isinstance(v, (numbers.Integral, np.integer)) and not isinstance(v, bool)


def _pair(value, fn: str, arg: str, n: int = 2) -> tuple:
    """An int or a sequence of 1 or n ints -> a tuple of n ints (PyTorch accepts both)."""
    if _is_int(value):
        return (int(value),) * n
    if isinstance(value, (tuple, list)) and len(value) in (1, n) and all(_is_int(v) for v in value):
        return tuple(int(v) for v in value) * (n if len(value) == 1 else 1)
    what = "a single int, or a tuple of two ints" if n == 2 else "a single int"
    raise RuntimeError(f"{fn}: {arg} must either be {what}, got {value!r}")


def _check_input(input, fn: str, spatial: int = 2):
    check_tensor(input, fn)
    nd = input.ndim
    shape = tuple(input.shape)
    if nd not in (spatial + 1, spatial + 2) or any(s == 0 for s in shape[-spatial - 1:]):
        names = "(C, H, W) or 4D (N, C, H, W)" if spatial == 2 else "(C, L) or 3D (N, C, L)"
        raise RuntimeError(f"{fn}(): expected a non-empty {spatial + 1}D {names} input with "
                           f"optional 0 batch size, got shape {shape}")
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{fn}(): expected a floating point input, got {input.dtype}")


def _output_size(n_in, k, s, p, d, ceil_mode):
    """PyTorch's pooling_output_shape: floor (or ceil) of the window count; with ceil_mode
    the last window must start inside the input or the left padding."""
    eff = d * (k - 1) + 1
    n = (n_in + 2 * p - eff + ((s - 1) if ceil_mode else 0)) // s + 1
    if ceil_mode and (n - 1) * s >= n_in + p:
        n -= 1
    return n


def _pool_geometry(input, fn, kernel_size, stride, padding, dilation, ceil_mode):
    """Check the arguments the way PyTorch does and return
    (kernel, stride, padding, dilation, out_size) as (h, w) pairs."""
    k = _pair(kernel_size, fn, "kernel_size")
    s = k if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0) \
        else _pair(stride, fn, "stride")
    p = _pair(padding, fn, "padding")
    d = _pair(dilation, fn, "dilation")
    if k[0] <= 0 or k[1] <= 0:
        raise RuntimeError(f"{fn}(): kernel size should be greater than zero, but got "
                           f"kH: {k[0]} kW: {k[1]}")
    if s[0] <= 0 or s[1] <= 0:
        raise RuntimeError(f"{fn}(): stride should be greater than zero, but got "
                           f"dH: {s[0]} dW: {s[1]}")
    if p[0] < 0 or p[1] < 0:
        raise RuntimeError(f"{fn}(): pad must be non-negative, but got pad: {p}")
    if d[0] <= 0 or d[1] <= 0:
        raise RuntimeError(f"{fn}(): dilation should be greater than zero, but got "
                           f"dilationH: {d[0]} dilationW: {d[1]}")
    for kk, pp, dd in zip(k, p, d):
        if pp > ((kk - 1) * dd + 1) // 2:
            raise RuntimeError(f"{fn}(): pad should be at most half of effective kernel size, "
                               f"but got pad={pp}, kernel_size={kk} and dilation={dd}")
    if p[0] > k[0] // 2 or p[1] > k[1] // 2:
        raise RuntimeError(f"{fn}(): pad should be smaller than or equal to half of kernel "
                           f"size, but got padW = {p[1]}, padH = {p[0]}, kW = {k[1]}, "
                           f"kH = {k[0]}")
    H, W = input.shape[-2:]
    out = (_output_size(H, k[0], s[0], p[0], d[0], ceil_mode),
           _output_size(W, k[1], s[1], p[1], d[1], ceil_mode))
    if out[0] < 1 or out[1] < 1:
        C = input.shape[-3]
        raise RuntimeError(f"{fn}(): Given input size: ({C}x{H}x{W}). Calculated output size: "
                           f"({C}x{out[0]}x{out[1]}). Output size is too small")
    return k, s, p, d, out


def _batched(input):
    """(N, C, H, W) view of a 3-d or 4-d input, and whether a batch dim was added."""
    if input.ndim == 3:
        return input.unsqueeze(0), True
    return input, False


def _planes(a):
    """A (N, C, H, W) array as C-contiguous (N*C, H, W) planes for the kernels."""
    xp = _xp(a)
    a = xp.ascontiguousarray(a)
    return a.reshape((-1,) + a.shape[-2:])


# ============================================================================ max pooling
class MaxPool2d(Function):
    """out = max of each window (padding = -inf), idx = flat index h*W + w of the max;
    dx = MaxPoolScatter(g, idx): the gradient goes to the argmax of each window."""

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, dilation, out_size):
        N, C, H, W = x.shape
        planes = _planes(x)
        out, idx = kernels.get("maxpool", planes).forward(planes, kernel, stride, padding,
                                                          dilation, out_size)
        out = out.reshape(N, C, *out_size)
        idx = idx.reshape(N, C, *out_size)
        ctx.idx, ctx.in_size = idx, (H, W)
        ctx.mark_non_differentiable(idx)
        return out, idx

    @staticmethod
    def backward(ctx, g, _g_idx):
        return MaxPoolScatter.apply(g, ctx.idx, ctx.in_size)


class MaxPoolScatter(Function):
    """dx = zeros (N, C, H, W) with dx[n, c, idx[n, c, o]] += g[n, c, o] (a linear map of g);
    its backward is the gather dg[n, c, o] = gg[n, c, idx[n, c, o]], whose backward is this
    scatter again."""

    @staticmethod
    def forward(ctx, g, idx, in_size):
        N, C = g.shape[:2]
        ctx.idx = idx
        dx = kernels.get("maxpool", g).backward(_planes(g), _planes(idx), in_size)
        return dx.reshape(N, C, *in_size)

    @staticmethod
    def backward(ctx, gg):
        N, C, H, W = gg.shape
        idx = ctx.idx
        flat_idx = idx.reshape(N, C, -1)
        dg = Gather.apply(gg.reshape(N, C, H * W), 2, flat_idx)
        return dg.reshape(idx.shape), None, None


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """2-d max pooling over an (N, C, H, W) or (C, H, W) input, as torch.nn.functional.

    ``stride`` defaults to ``kernel_size``; padding is -inf (never the max); with
    ``return_indices`` also returns the int64 flat index ``h * W + w`` of each max inside
    its input plane (what ``max_unpool2d`` takes)."""
    _check_input(input, "max_pool2d")
    return _max_pool2d(input, "max_pool2d", kernel_size, stride, padding, dilation, ceil_mode,
                       return_indices)


def _max_pool2d(input, fn, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    k, s, p, d, out_size = _pool_geometry(input, fn, kernel_size, stride, padding, dilation,
                                          ceil_mode)
    x, added = _batched(input)
    out, idx = MaxPool2d.apply(x, k, s, p, d, out_size)
    if added:
        out, idx = out.squeeze(0), idx.squeeze(0)
    return (out, idx) if return_indices else out


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """1-d max pooling over (N, C, L) or (C, L): 2-d pooling over a height of 1."""
    _check_input(input, "max_pool1d", spatial=1)
    k = _pair(kernel_size, "max_pool1d", "kernel_size", 1)[0]
    s = k if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0) \
        else _pair(stride, "max_pool1d", "stride", 1)[0]
    p = _pair(padding, "max_pool1d", "padding", 1)[0]
    d = _pair(dilation, "max_pool1d", "dilation", 1)[0]
    out = _max_pool2d(input.unsqueeze(-2), "max_pool1d", (1, k), (1, s), (0, p), (1, d),
                      ceil_mode, True)
    out, idx = out[0].squeeze(-2), out[1].squeeze(-2)
    return (out, idx) if return_indices else out


def _unpool_size(in_size, k, s, p, output_size, fn):
    default = tuple((n - 1) * ss - 2 * pp + kk for n, kk, ss, pp in zip(in_size, k, s, p))
    if output_size is None:
        return default
    size = tuple(int(v) for v in output_size)
    if len(size) == len(default) + 2 or len(size) == len(default) + 1:
        size = size[-len(default):]
    if len(size) != len(default):
        raise RuntimeError(f"{fn}(): output_size must have {len(default)} or "
                           f"{len(default) + 2} elements, got {tuple(output_size)}")
    for dim, (n, dflt, ss) in enumerate(zip(size, default, s)):
        if not dflt - ss < n < dflt + ss:
            raise RuntimeError(f'{fn}(): invalid output_size "{size}" (dim {dim} must be '
                               f"between {dflt - ss} and {dflt + ss})")
    return size


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool2d: zeros of the pre-pooling size with each input value
    put back at its ``indices`` position (flat h * W + w in the output plane); the output
    size defaults to (in - 1) * stride - 2 * padding + kernel_size. This is the scatter
    MaxPoolScatter (gradient: gather at the indices). Where indices repeat (overlapping
    windows) the values add up; PyTorch keeps one of them."""
    _check_input(input, "max_unpool2d")
    check_tensor(indices, "max_unpool2d", "indices")
    if tuple(indices.shape) != tuple(input.shape) or indices._data.dtype != np.int64:
        raise RuntimeError(f"max_unpool2d(): expected indices of dtype int64 and the input's "
                           f"shape {tuple(input.shape)}, got {indices.dtype} of shape "
                           f"{tuple(indices.shape)}")
    k = _pair(kernel_size, "max_unpool2d", "kernel_size")
    s = k if stride is None else _pair(stride, "max_unpool2d", "stride")
    p = _pair(padding, "max_unpool2d", "padding")
    H, W = _unpool_size(tuple(input.shape[-2:]), k, s, p, output_size, "max_unpool2d")
    idx = indices._data
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= H * W):
        bad = int(idx.max()) if int(idx.max()) >= H * W else int(idx.min())
        raise RuntimeError(f"max_unpool2d(): Found an invalid max index: {bad} (output volumes "
                           f"are of size {H}x{W})")
    x, added = _batched(input)
    out = MaxPoolScatter.apply(x, idx.reshape(x.shape), (H, W))
    return out.squeeze(0) if added else out


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """1-d max_unpool over (N, C, L) or (C, L)."""
    _check_input(input, "max_unpool1d", spatial=1)
    k = _pair(kernel_size, "max_unpool1d", "kernel_size", 1)[0]
    s = k if stride is None else _pair(stride, "max_unpool1d", "stride", 1)[0]
    p = _pair(padding, "max_unpool1d", "padding", 1)[0]
    (L,) = _unpool_size(tuple(input.shape[-1:]), (k,), (s,), (p,), output_size, "max_unpool1d")
    out = max_unpool2d(input.unsqueeze(-2), indices.unsqueeze(-2), (1, k), (1, s), (0, p),
                       (1, L))
    return out.squeeze(-2)


# ============================================================================ avg pooling
class AvgPool2d(Function):
    """out = A x: window sums over PyTorch's divisors (a linear map);
    dx = A^T g (AvgPool2dAdjoint): each input gets g / divisor from every window over it."""

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, out_size, count_include_pad,
                divisor_override):
        N, C, H, W = x.shape
        ctx.args = (kernel, stride, padding, count_include_pad, divisor_override)
        ctx.in_size = (H, W)
        planes = _planes(x)
        out = kernels.get("avgpool", planes).forward(planes, kernel, stride, padding, out_size,
                                                     count_include_pad, divisor_override)
        return out.reshape(N, C, *out_size)

    @staticmethod
    def backward(ctx, g):
        return AvgPool2dAdjoint.apply(g, ctx.in_size, *ctx.args)


class AvgPool2dAdjoint(Function):
    """dx = A^T g, the transpose of average pooling (linear in g); its backward is
    A gg = AvgPool2d(gg)."""

    @staticmethod
    def forward(ctx, g, in_size, kernel, stride, padding, count_include_pad, divisor_override):
        N, C, OH, OW = g.shape
        ctx.args = (kernel, stride, padding, (OH, OW), count_include_pad, divisor_override)
        dx = kernels.get("avgpool", g).backward(_planes(g), in_size, kernel, stride, padding,
                                                count_include_pad, divisor_override)
        return dx.reshape(N, C, *in_size)

    @staticmethod
    def backward(ctx, gg):
        return AvgPool2d.apply(gg, *ctx.args)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """2-d average pooling over an (N, C, H, W) or (C, H, W) input, as torch.nn.functional.

    Zero padding; ``count_include_pad`` divides by the window size including padding (but
    not the part of a ceil_mode window past the right padding), otherwise by the number of
    real inputs; ``divisor_override`` replaces the divisor."""
    _check_input(input, "avg_pool2d")
    return _avg_pool2d(input, "avg_pool2d", kernel_size, stride, padding, ceil_mode,
                       count_include_pad, divisor_override)


def _avg_pool2d(input, fn, kernel_size, stride, padding, ceil_mode, count_include_pad,
                divisor_override):
    if divisor_override is not None:
        if not _is_int(divisor_override):
            raise TypeError(f"{fn}(): divisor_override must be an int or None, got "
                            f"{type(divisor_override).__name__}")
        if divisor_override == 0:
            raise RuntimeError(f"{fn}(): divisor must be not zero")
        divisor_override = int(divisor_override)
    k, s, p, _, out_size = _pool_geometry(input, fn, kernel_size, stride, padding,
                                          1, ceil_mode)
    x, added = _batched(input)
    out = AvgPool2d.apply(x, k, s, p, out_size, bool(count_include_pad), divisor_override)
    return out.squeeze(0) if added else out


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """1-d average pooling over (N, C, L) or (C, L): 2-d pooling over a height of 1."""
    _check_input(input, "avg_pool1d", spatial=1)
    k = _pair(kernel_size, "avg_pool1d", "kernel_size", 1)[0]
    s = k if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0) \
        else _pair(stride, "avg_pool1d", "stride", 1)[0]
    p = _pair(padding, "avg_pool1d", "padding", 1)[0]
    out = _avg_pool2d(input.unsqueeze(-2), "avg_pool1d", (1, k), (1, s), (0, p), ceil_mode,
                      count_include_pad, None)
    return out.squeeze(-2)


# ============================================================================ adaptive
def _adaptive_size(output_size, in_size, fn, n=2):
    if _is_int(output_size) or output_size is None:
        output_size = (output_size,) * n
    if not isinstance(output_size, (tuple, list)) or len(output_size) != n:
        raise RuntimeError(f"{fn}(): output_size must be {n} (an int or a tuple of {n} ints "
                           f"or None), got {output_size!r}")
    out = []
    for o, i in zip(output_size, in_size):
        if o is None:
            o = i
        if not _is_int(o) or o < 0:
            raise RuntimeError(f"{fn}(): elements of output_size must be non-negative ints or "
                               f"None, got {tuple(output_size)}")
        out.append(int(o))
    return tuple(out)


def _windows(n_in, n_out):
    """PyTorch's adaptive windows: [floor(i*in/out), ceil((i+1)*in/out)) for each i."""
    return [((i * n_in) // n_out, -((-(i + 1) * n_in) // n_out)) for i in range(n_out)]


def _averaging_matrix(n_in, n_out, xp, dtype):
    """(n_out, n_in) matrix whose row i averages adaptive window i."""
    m = np.zeros((n_out, n_in))  # host: small table, moved by xp.asarray
    for i, (a, b) in enumerate(_windows(n_in, n_out)):
        m[i, a:b] = 1.0 / (b - a)
    return xp.asarray(m.astype(dtype))


def adaptive_avg_pool2d(input, output_size):
    """Average over PyTorch's adaptive windows (rows [floor(i*H/OH), ceil((i+1)*H/OH)), the
    same for columns); ``output_size`` is an int or an (OH, OW) pair whose entries may be
    None (keep that size). Computed as R @ x @ C^T with constant averaging matrices, so
    every derivative comes from matmul."""
    _check_input(input, "adaptive_avg_pool2d")
    H, W = input.shape[-2:]
    OH, OW = _adaptive_size(output_size, (H, W), "adaptive_avg_pool2d")
    xp = _xp(input._data)
    dt = input._data.dtype
    rows = _make(_averaging_matrix(H, OH, xp, dt))
    cols_t = _make(_averaging_matrix(W, OW, xp, dt).T.copy())
    return matmul(matmul(rows, input), cols_t)


class AdaptiveMaxPool2d(Function):
    """out = max over each adaptive window, idx = flat index h*W + w of it (first max on
    ties); dx = MaxPoolScatter(g, idx)."""

    @staticmethod
    def forward(ctx, x, out_size):
        xp = _xp(x)
        N, C, H, W = x.shape
        OH, OW = out_size
        out = xp.empty((N, C, OH, OW), dtype=x.dtype)
        idx = xp.empty((N, C, OH, OW), dtype=np.int64)
        for i, (h0, h1) in enumerate(_windows(H, OH)):
            for j, (w0, w1) in enumerate(_windows(W, OW)):
                win = x[:, :, h0:h1, w0:w1].reshape(N, C, -1)
                k = win.argmax(axis=-1)
                out[:, :, i, j] = xp.take_along_axis(win, k[..., None], axis=-1)[..., 0]
                idx[:, :, i, j] = (h0 + k // (w1 - w0)) * W + w0 + k % (w1 - w0)
        ctx.idx, ctx.in_size = idx, (H, W)
        ctx.mark_non_differentiable(idx)
        return out, idx

    @staticmethod
    def backward(ctx, g, _g_idx):
        return MaxPoolScatter.apply(g, ctx.idx, ctx.in_size)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max over PyTorch's adaptive windows (see adaptive_avg_pool2d); with
    ``return_indices`` also the int64 flat index h * W + w of each max in its plane."""
    _check_input(input, "adaptive_max_pool2d")
    H, W = input.shape[-2:]
    out_size = _adaptive_size(output_size, (H, W), "adaptive_max_pool2d")
    x, added = _batched(input)
    out, idx = AdaptiveMaxPool2d.apply(x, out_size)
    if added:
        out, idx = out.squeeze(0), idx.squeeze(0)
    return (out, idx) if return_indices else out


def adaptive_avg_pool1d(input, output_size):
    """1-d adaptive average pooling over (N, C, L) or (C, L)."""
    _check_input(input, "adaptive_avg_pool1d", spatial=1)
    (o,) = _adaptive_size(output_size, input.shape[-1:], "adaptive_avg_pool1d", 1)
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, o)).squeeze(-2)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """1-d adaptive max pooling over (N, C, L) or (C, L)."""
    _check_input(input, "adaptive_max_pool1d", spatial=1)
    (o,) = _adaptive_size(output_size, input.shape[-1:], "adaptive_max_pool1d", 1)
    out, idx = adaptive_max_pool2d(input.unsqueeze(-2), (1, o), True)
    out, idx = out.squeeze(-2), idx.squeeze(-2)
    return (out, idx) if return_indices else out



# ============================================================================ *_with_indices
def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    """max_pool1d returning (values, indices)."""
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    """max_pool2d returning (values, indices)."""
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=True):
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=True):
    return adaptive_max_pool2d(input, output_size, True)


# ============================================================================ 3-d pooling
# Every 3-d window here is a product of a depth window and an (height, width) window, and
# max, sums and PyTorch's divisors (products of per-dim counts) all factor over such
# products. So 3-d pooling is a 1-d pooling over depth followed by the 2-d pooling of each
# resulting depth slice, each stage differentiable (and twice) on its own:
#
#     max:      max over the window = max over the depth taps of the per-slice maxima
#     average:  sum over depth (divisor 1), then average over (h, w) with the 3-d divisor
#               (PyTorch's divisor is the product of the per-dim ones), or divisor_override
#     adaptive: the same with PyTorch's adaptive windows along each dim
#
# A 3-d max index is d * H * W + h * W + w of the input plane, as PyTorch's.
def _check_input3d(input, fn):
    check_tensor(input, fn)
    shape = tuple(input.shape)
    if input.ndim not in (4, 5) or any(v == 0 for v in shape[-4:]):
        raise RuntimeError(f"{fn}(): non-empty 4D or 5D (batch mode) tensor expected for "
                           f"input, got shape {shape}")
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{fn}(): expected a floating point input, got {input.dtype}")
    return (input.unsqueeze(0), True) if input.ndim == 4 else (input, False)


def _pool3d_geometry(x, fn, kernel_size, stride, padding, dilation, ceil_mode):
    """PyTorch's checks and output size for a 3-d pooling, as triples (d, h, w)."""
    k = _pair(kernel_size, fn, "kernel_size", 3)
    s = k if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0) \
        else _pair(stride, fn, "stride", 3)
    p = _pair(padding, fn, "padding", 3)
    d = _pair(dilation, fn, "dilation", 3)
    if min(k) <= 0:
        raise RuntimeError(f"{fn}(): kernel size should be greater than zero, but got {k}")
    if min(s) <= 0:
        raise RuntimeError(f"{fn}(): stride should be greater than zero, but got {s}")
    if min(d) <= 0:
        raise RuntimeError(f"{fn}(): dilation should be greater than zero, but got {d}")
    if min(p) < 0:
        raise RuntimeError(f"{fn}(): pad must be non-negative, but got pad: {p}")
    for kk, pp, dd in zip(k, p, d):
        if pp > ((kk - 1) * dd + 1) // 2:
            raise RuntimeError(f"{fn}(): pad should be at most half of effective kernel size, "
                               f"but got pad={pp}, kernel_size={kk} and dilation={dd}")
    size = tuple(x.shape[2:])
    out = tuple(_output_size(n, kk, ss, pp, dd, ceil_mode)
                for n, kk, ss, pp, dd in zip(size, k, s, p, d))
    if min(out) < 1:
        C = x.shape[1]
        raise RuntimeError(f"{fn}(): Given input size: ({C}x{size[0]}x{size[1]}x{size[2]}). "
                           f"Calculated output size: ({C}x{out[0]}x{out[1]}x{out[2]}). "
                           "Output size is too small")
    return k, s, p, d, out


def _depth_taps(x, k, s, p, d, n_out, fill):
    """(N, C, n_out, k, H, W): for each output depth, the k input depth slices of its
    window, with `fill` where the window reaches into the padding (or past the end, with
    ceil_mode). Built with pad and index_select, so it is differentiable."""
    from ..tensor import _make
    from .shape import pad as _pad
    D = x.shape[2]
    back = max(0, (n_out - 1) * s + (k - 1) * d + 1 - D - p)
    if p or back:
        x = _pad(x, (0, 0, 0, 0, p, back), value=fill)
    xp = _xp(x._data)
    idx = (xp.arange(n_out)[:, None] * s + xp.arange(k)[None, :] * d).reshape(-1)
    N, C, _, H, W = x.shape
    return x.index_select(2, _make(idx)).reshape(N, C, n_out, k, H, W)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """3-d max pooling over (N, C, D, H, W) or (C, D, H, W), as torch.nn.functional:
    padding is -inf; with return_indices also the int64 flat index d*H*W + h*W + w of each
    max in its input volume (what max_unpool3d takes)."""
    fn = "max_pool3d"
    x, added = _check_input3d(input, fn)
    k, s, p, d, out = _pool3d_geometry(x, fn, kernel_size, stride, padding, dilation,
                                       ceil_mode)
    N, C, D, H, W = x.shape
    taps = _depth_taps(x, k[0], s[0], p[0], d[0], out[0], float("-inf"))
    depth_max, depth_arg = taps.max(3)                       # (N, C, OD, H, W)
    planes = depth_max.reshape(N, C * out[0], H, W)
    y, idx2 = _max_pool2d(planes, fn, k[1:], s[1:], p[1:], d[1:], ceil_mode, True)
    y = y.reshape(N, C, *out)
    if return_indices:
        xp = _xp(x._data)
        arg = depth_arg._data.reshape(N, C * out[0], H * W)
        tap = xp.take_along_axis(arg, idx2._data.reshape(N, C * out[0], -1), axis=2)
        start = (xp.arange(out[0]) * s[0] - p[0]).reshape(1, 1, -1, 1)
        flat = (start + tap.reshape(N, C, out[0], -1) * d[0]) * (H * W) \
            + idx2._data.reshape(N, C, out[0], -1)
        idx = _make(flat.reshape(N, C, *out).astype(np.int64))
        return (y.squeeze(0), idx.squeeze(0)) if added else (y, idx)
    return y.squeeze(0) if added else y


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    """max_pool3d returning (values, indices)."""
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """3-d average pooling over (N, C, D, H, W) or (C, D, H, W), as torch.nn.functional:
    zero padding, count_include_pad and divisor_override as in avg_pool2d (the divisor is
    the product of the per-dim window counts)."""
    fn = "avg_pool3d"
    x, added = _check_input3d(input, fn)
    k, s, p, _, out = _pool3d_geometry(x, fn, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None:
        if not _is_int(divisor_override):
            raise TypeError(f"{fn}(): divisor_override must be an int or None, got "
                            f"{type(divisor_override).__name__}")
        if divisor_override == 0:
            raise RuntimeError(f"{fn}(): divisor must be not zero")
    N, C, D, H, W = x.shape
    # depth stage: depth moved last, a (1, kd) 2-d pooling with PyTorch's depth divisor (or
    # a plain sum when divisor_override replaces the whole divisor)
    cols = x.permute(0, 1, 3, 4, 2).reshape(N, C * H * W, 1, D)
    depth = AvgPool2d.apply(cols, (1, k[0]), (1, s[0]), (0, p[0]), (1, out[0]),
                            bool(count_include_pad), 1 if divisor_override else None)
    depth = depth.reshape(N, C, H, W, out[0]).permute(0, 1, 4, 2, 3)
    planes = depth.reshape(N, C * out[0], H, W)
    y = AvgPool2d.apply(planes, k[1:], s[1:], p[1:], out[1:], bool(count_include_pad),
                        int(divisor_override) if divisor_override else None)
    y = y.reshape(N, C, *out)
    return y.squeeze(0) if added else y


def adaptive_avg_pool3d(input, output_size):
    """Average over PyTorch's adaptive windows along depth, height and width (output_size
    an int or a triple whose entries may be None): three matmuls by constant averaging
    matrices."""
    fn = "adaptive_avg_pool3d"
    x, added = _check_input3d(input, fn)
    D, H, W = x.shape[2:]
    OD, OH, OW = _adaptive_size(output_size, (D, H, W), fn, 3)
    xp = _xp(x._data)
    dt = x._data.dtype
    md = _make(_averaging_matrix(D, OD, xp, dt))                  # (OD, D)
    mh = _make(_averaging_matrix(H, OH, xp, dt))
    mw_t = _make(_averaging_matrix(W, OW, xp, dt).T.copy())
    y = matmul(matmul(mh, x), mw_t)                               # (N, C, D, OH, OW)
    N, C = x.shape[:2]
    y = matmul(md, y.reshape(N, C, D, OH * OW)).reshape(N, C, OD, OH, OW)
    return y.squeeze(0) if added else y


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """Max over PyTorch's adaptive windows along depth, height and width; with
    return_indices also the flat index d*H*W + h*W + w of each max."""
    from .shape import stack
    fn = "adaptive_max_pool3d"
    x, added = _check_input3d(input, fn)
    N, C, D, H, W = x.shape
    OD, OH, OW = _adaptive_size(output_size, (D, H, W), fn, 3)
    if OD * OH * OW == 0:
        y = _make(_xp(x._data).zeros((N, C, OD, OH, OW), dtype=x._data.dtype))
        i = _make(_xp(x._data).zeros((N, C, OD, OH, OW), dtype=np.int64))
        y, i = (y.squeeze(0), i.squeeze(0)) if added else (y, i)
        return (y, i) if return_indices else y
    windows = _windows(D, OD)
    vals, args = zip(*(x[:, :, a:b].max(2) for a, b in windows))
    depth_max = stack(vals, 2)                                    # (N, C, OD, H, W)
    planes = depth_max.reshape(N, C * OD, H, W)
    y, idx2 = adaptive_max_pool2d(planes, (OH, OW), True)
    y = y.reshape(N, C, OD, OH, OW)
    if return_indices:
        xp = _xp(x._data)
        arg = xp.stack([a._data for a in args], 2).reshape(N, C * OD, H * W)
        tap = xp.take_along_axis(arg, idx2._data.reshape(N, C * OD, -1), axis=2)
        start = xp.asarray([a for a, _ in windows]).reshape(1, 1, -1, 1)
        flat = (start + tap.reshape(N, C, OD, -1)) * (H * W) + idx2._data.reshape(N, C, OD, -1)
        idx = _make(flat.reshape(N, C, OD, OH, OW).astype(np.int64))
        return (y.squeeze(0), idx.squeeze(0)) if added else (y, idx)
    return y.squeeze(0) if added else y


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=True):
    return adaptive_max_pool3d(input, output_size, True)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool3d: zeros of the pre-pooling size with each value put
    back at its flat index d*H*W + h*W + w (the scatter MaxPoolScatter, over the volume
    seen as one row)."""
    fn = "max_unpool3d"
    x, added = _check_input3d(input, fn)
    check_tensor(indices, fn, "indices")
    if tuple(indices.shape) != tuple(input.shape) or indices._data.dtype != np.int64:
        raise RuntimeError(f"{fn}(): expected indices of dtype int64 and the input's shape "
                           f"{tuple(input.shape)}, got {indices.dtype} of shape "
                           f"{tuple(indices.shape)}")
    k = _pair(kernel_size, fn, "kernel_size", 3)
    s = k if stride is None else _pair(stride, fn, "stride", 3)
    p = _pair(padding, fn, "padding", 3)
    D, H, W = _unpool_size(tuple(input.shape[-3:]), k, s, p, output_size, fn)
    idx = indices._data
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= D * H * W):
        bad = int(idx.max()) if int(idx.max()) >= D * H * W else int(idx.min())
        raise RuntimeError(f"{fn}(): Found an invalid max index: {bad} (output volumes are of "
                           f"size {D}x{H}x{W})")
    N, C = x.shape[:2]
    flat = x.reshape(N, C, 1, -1)
    out = MaxPoolScatter.apply(flat, idx.reshape(N, C, 1, -1), (1, D * H * W))
    out = out.reshape(N, C, D, H, W)
    return out.squeeze(0) if added else out


# ============================================================================ power-average
def _lp_finish(out, norm_type, window):
    """(sign(out) relu(|out|) * window) ** (1 / p): PyTorch's form, exact for the
    average of x^p over a window of `window` elements."""
    from .elementwise import sign, relu
    return (sign(out) * relu(out.abs()) * window) ** (1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling: (sum of x^p over each window)^(1/p); p = inf is max pooling,
    p = 1 sum pooling."""
    k = _pair(kernel_size, "lp_pool1d", "kernel_size", 1)[0]
    out = avg_pool1d(input ** norm_type, k, stride if stride is not None else k, 0, ceil_mode)
    return _lp_finish(out, norm_type, k)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """2-d power-average pooling; see lp_pool1d."""
    kh, kw = _pair(kernel_size, "lp_pool2d", "kernel_size")
    out = avg_pool2d(input ** norm_type, (kh, kw), stride, 0, ceil_mode)
    return _lp_finish(out, norm_type, kh * kw)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """3-d power-average pooling; see lp_pool1d."""
    kd, kh, kw = _pair(kernel_size, "lp_pool3d", "kernel_size", 3)
    out = avg_pool3d(input ** norm_type, (kd, kh, kw), stride, 0, ceil_mode)
    return _lp_finish(out, norm_type, kd * kh * kw)



# ============================================================================ fractional max
def _fractional_starts(xp, samples, n_in, n_out, k, dtype):
    """PyTorch's generate_intervals for every plane at once: window starts
    int((i + u) a) - int(u a), a = (n_in - k) / (n_out - 1), and the last window flush
    with the end; u (N, C) is the plane's random sample, computed in the input's dtype."""
    i = xp.arange(n_out).astype(dtype)
    if n_out > 1:
        alpha = dtype.type(n_in - k) / dtype.type(n_out - 1)
        starts = ((i + samples[..., None]) * alpha).astype(np.int64) \
            - (samples * alpha).astype(np.int64)[..., None]
    else:
        starts = xp.zeros(samples.shape + (n_out,), dtype=np.int64)
    starts[..., n_out - 1] = n_in - k
    return starts


def _fractional_max_pool(input, kernel_size, output_size, output_ratio, samples, fn, nsp):
    """Max pooling over pseudo-random windows of size kernel_size, spread so that
    output_size windows cover the input (Graham 2014); one set of windows per (n, c)
    plane, from `_random_samples` (N, C, nsp) in [0, 1) (drawn when None). The windows
    are gathered from the flattened plane, so the gradient is the gather's adjoint (a
    scatter-add to each max)."""
    from .. import random as _random
    check_tensor(input, fn)
    if input.ndim not in (nsp + 1, nsp + 2):
        raise RuntimeError(f"{fn}(): Expected {nsp + 1}D or {nsp + 2}D tensor, but got: "
                           f"{list(input.shape)}")
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{fn}(): expected a floating point input, got {input.dtype}")
    x = input.unsqueeze(0) if input.ndim == nsp + 1 else input
    N, C = x.shape[:2]
    spatial = tuple(x.shape[2:])
    k = _pair(kernel_size, fn, "kernel_size", nsp)
    if output_size is None:
        if output_ratio is None:
            raise ValueError(f"{fn} requires specifying either an output_size or an "
                             "output_ratio")
        ratio = output_ratio if isinstance(output_ratio, (tuple, list)) else (output_ratio,) * nsp
        if len(ratio) == 1:
            ratio = tuple(ratio) * nsp
        out = tuple(int(n * r) for n, r in zip(spatial, ratio))
    else:
        out = _pair(output_size, fn, "output_size", nsp)
    for name, n, kk, o in zip(("depth", "height", "width")[3 - nsp:], spatial, k, out):
        if o + kk - 1 > n:
            raise RuntimeError(f"{fn}(): pool {name} {kk} too large relative to input {name} "
                               f"{n} for output size {o} (output_size + kernel_size - 1 must "
                               f"be at most the input size)")
    xp = _xp(x._data)
    dt = x._data.dtype
    if samples is None:
        u = _random.rng().random((N, C, nsp)).astype(dt)  # host: drawn on the CPU, moved below
        u = backend.transfer(u, x.device)
    else:
        check_tensor(samples, fn, "_random_samples")
        u = samples._data.astype(dt)
        if u.shape != (N, C, nsp):
            raise RuntimeError(f"{fn}(): expected _random_samples of shape {(N, C, nsp)}, got "
                               f"{tuple(u.shape)}")
    # PyTorch's sample order: (w, h) in 2-d, (t, h, w) in 3-d
    order = (1, 0) if nsp == 2 else (0, 1, 2)
    flat = 0
    ndim_idx = 2 + 2 * nsp          # (N, C, o_1..o_n, k_1..k_n)
    for a in range(nsp):
        starts = _fractional_starts(xp, u[..., order[a]], spatial[a], out[a], k[a], np.dtype(dt))
        pos = starts[..., None] + xp.arange(k[a])                     # (N, C, o_a, k_a)
        shape = [N, C] + [1] * (ndim_idx - 2)
        shape[2 + a], shape[2 + nsp + a] = out[a], k[a]
        stride = math.prod(spatial[a + 1:])
        flat = flat + pos.reshape(shape) * stride
    flat = xp.broadcast_to(flat, (N, C) + out + k).reshape(N, C, -1)
    vals = x.reshape(N, C, -1).gather(2, _make(xp.ascontiguousarray(flat)))
    vals = vals.reshape(N, C, *out, math.prod(k))
    y, arg = vals.max(-1)
    idx = xp.take_along_axis(flat.reshape(N, C, *out, -1), arg._data[..., None], -1)[..., 0]
    idx = _make(idx)
    if input.ndim == nsp + 1:
        y, idx = y.squeeze(0), idx.squeeze(0)
    return y, idx


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):
    """2-d fractional max pooling of (N, C, H, W) or (C, H, W); see _fractional_max_pool.
    With return_indices also the flat index h * W + w of each max."""
    y, idx = _fractional_max_pool(input, kernel_size, output_size, output_ratio,
                                  _random_samples, "fractional_max_pool2d", 2)
    return (y, idx) if return_indices else y


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return _fractional_max_pool(input, kernel_size, output_size, output_ratio,
                                _random_samples, "fractional_max_pool2d", 2)


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):
    """3-d fractional max pooling of (N, C, D, H, W) or (C, D, H, W)."""
    y, idx = _fractional_max_pool(input, kernel_size, output_size, output_ratio,
                                  _random_samples, "fractional_max_pool3d", 3)
    return (y, idx) if return_indices else y


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return _fractional_max_pool(input, kernel_size, output_size, output_ratio,
                                _random_samples, "fractional_max_pool3d", 3)
