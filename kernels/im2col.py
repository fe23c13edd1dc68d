"""im2col and col2im for 2-d images: the kernels under convolution, unfold and fold.

Layout. An image batch x (N, C, H, W) becomes columns

    col[n, (c, i, j), (oh, ow)] = x[n, c, oh*sh - ph + i*dh, ow*sw - pw + j*dw]

(0 where the index falls in the padding), stored as an (N, C*kh*kw, OH*OW) array: torch's
``F.unfold`` layout. It is chosen so that a convolution needs no copy before or after its
GEMM: with the weight as W2 (O, C*kh*kw), ``W2 @ col[n]`` is (O, OH*OW), which *is*
``y[n]`` in NCHW, and the matmul can write straight into the output. (The plain approach,
columns as (N*OH*OW, C*kh*kw) and ``tensordot``, spends half its time in the transposing
copies tensordot makes on either side of the GEMM.)

col2im is the adjoint of im2col: every column entry is added back to the pixel it was
read from, so pixels covered by several (overlapping) windows accumulate:

    x[n, c, h, w] = sum of col[n, (c, i, j), (oh, ow)] over all (i, j, oh, ow) with
                    h = oh*sh - ph + i*dh and w = ow*sw - pw + j*dw.

Three faces with one signature (see kernels/__init__.py):

    im2col(x, kernel_size, stride, padding, dilation, col_size=None, out=None)
        -> col (N, C*kh*kw, OH*OW)
    col2im(col, output_size, kernel_size, stride, padding, dilation, col_size=None, out=None)
        -> x (N, C, H, W) with output_size = (H, W)

Every geometric argument is a pair of ints. ``col_size`` = (OH, OW) defaults to the usual
``(H + 2p - d(k-1) - 1) // s + 1``; it may be given smaller (a transposed convolution with
output_padding computes fewer output positions than the formula). ``out``, when given, is
a preallocated C-contiguous result array (reused across calls by the caller); col2im
overwrites it (it zeroes it before accumulating).
"""
from __future__ import annotations

import os

import numpy as np

from . import cuda_function, numba_available

__all__ = ["reference", "numba_impl", "cuda_impl", "reference_col2im", "numba_col2im",
           "cuda_col2im", "conv_out_size"]


def conv_out_size(size, k, s, p, d):
    """Output positions along one axis: floor((size + 2p - d(k-1) - 1) / s) + 1."""
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def _geometry(hw, kernel_size, stride, padding, dilation, col_size):
    (H, W), (kh, kw), (sh, sw), (ph, pw), (dh, dw) = hw, kernel_size, stride, padding, dilation
    if col_size is None:
        col_size = (conv_out_size(H, kh, sh, ph, dh), conv_out_size(W, kw, sw, pw, dw))
    return col_size


def _padded_size(hw, kernel_size, stride, padding, dilation, col_size):
    """The padded image, large enough for every tap's strided slice."""
    return tuple(max(n + 2 * p, (k - 1) * d + s * (o - 1) + 1)
                 for n, k, s, p, d, o in zip(hw, kernel_size, stride, padding, dilation, col_size))


def _xp(a):
    if isinstance(a, np.ndarray):
        return np
    import cupy
    return cupy


# ================================================================== the NumPy reference
def reference(x, kernel_size, stride, padding, dilation, col_size=None, out=None):
    """im2col as in the textbook: pad once, then one strided slice per kernel tap (i, j)."""
    xp = _xp(x)
    N, C, H, W = x.shape
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel_size, stride, padding, dilation
    OH, OW = _geometry((H, W), kernel_size, stride, padding, dilation, col_size)
    xpad = xp.zeros((N, C) + _padded_size((H, W), kernel_size, stride, padding, dilation,
                                          (OH, OW)), dtype=x.dtype)
    xpad[:, :, ph:ph + H, pw:pw + W] = x
    col = out if out is not None else xp.empty((N, C * kh * kw, OH * OW), dtype=x.dtype)
    col6 = col.reshape(N, C, kh, kw, OH, OW)
    for i in range(kh):
        for j in range(kw):
            # tap (i, j) reads rows i*dh, i*dh + sh, ... and columns j*dw, j*dw + sw, ...
            col6[:, :, i, j] = xpad[:, :, i * dh:i * dh + sh * OH:sh, j * dw:j * dw + sw * OW:sw]
    return col


def reference_col2im(col, output_size, kernel_size, stride, padding, dilation,
                     col_size=None, out=None):
    """col2im as in the textbook: add each tap's slice back into a padded image, crop."""
    xp = _xp(col)
    H, W = output_size
    N = col.shape[0]
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel_size, stride, padding, dilation
    OH, OW = _geometry((H, W), kernel_size, stride, padding, dilation, col_size)
    C = col.shape[1] // (kh * kw)
    col6 = col.reshape(N, C, kh, kw, OH, OW)
    xpad = xp.zeros((N, C) + _padded_size((H, W), kernel_size, stride, padding, dilation,
                                          (OH, OW)), dtype=col.dtype)
    for i in range(kh):
        for j in range(kw):
            xpad[:, :, i * dh:i * dh + sh * OH:sh, j * dw:j * dw + sw * OW:sw] += col6[:, :, i, j]
    res = xpad[:, :, ph:ph + H, pw:pw + W]
    if out is None:
        return xp.ascontiguousarray(res)
    out[...] = res
    return out


# ================================================================== Numba (CPU)
_numba_kernels = None


def _build_numba():
    """Compile (or load from cache) the two loops once, on first use."""
    global _numba_kernels
    if _numba_kernels is not None:
        return _numba_kernels
    # Numba's OpenMP workers would otherwise spin after each parallel loop while the next
    # GEMM's BLAS threads want the same cores (2 here): let them sleep at once. This is
    # read when Numba first loads libgomp; an explicit setting by the user wins.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import numba

    @numba.njit(parallel=True, cache=True, nogil=True)
    def im2col_loop(x, col, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW):
        N, C, H, W = x.shape
        rows = N * C * kh * kw
        # one (n, c, i, j) row of col per iteration: each writes OH*OW contiguous values
        for r in numba.prange(rows):
            j = r % kw
            i = (r // kw) % kh
            c = (r // (kw * kh)) % C
            n = r // (kw * kh * C)
            krow = (c * kh + i) * kw + j
            for oh in range(OH):
                h = oh * sh - ph + i * dh
                base = oh * OW
                if h < 0 or h >= H:
                    for ow in range(OW):
                        col[n, krow, base + ow] = 0
                    continue
                for ow in range(OW):
                    w = ow * sw - pw + j * dw
                    if w >= 0 and w < W:
                        col[n, krow, base + ow] = x[n, c, h, w]
                    else:
                        col[n, krow, base + ow] = 0

    @numba.njit(parallel=True, cache=True, nogil=True)
    def col2im_loop(col, x, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW):
        N, C, H, W = x.shape
        # one (n, c) image plane per iteration: no two iterations write the same pixel
        for p in numba.prange(N * C):
            c = p % C
            n = p // C
            for h in range(H):
                for w in range(W):
                    x[n, c, h, w] = 0
            for i in range(kh):
                for j in range(kw):
                    krow = (c * kh + i) * kw + j
                    for oh in range(OH):
                        h = oh * sh - ph + i * dh
                        if h < 0 or h >= H:
                            continue
                        base = oh * OW
                        for ow in range(OW):
                            w = ow * sw - pw + j * dw
                            if w >= 0 and w < W:
                                x[n, c, h, w] += col[n, krow, base + ow]

    _numba_kernels = (im2col_loop, col2im_loop)
    return _numba_kernels


def numba_impl(x, kernel_size, stride, padding, dilation, col_size=None, out=None):
    """im2col with a Numba parallel loop over the rows of col (the output is allocated
    here, with NumPy, not inside the kernel)."""
    N, C, H, W = x.shape
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel_size, stride, padding, dilation
    OH, OW = _geometry((H, W), kernel_size, stride, padding, dilation, col_size)
    col = out if out is not None else np.empty((N, C * kh * kw, OH * OW), dtype=x.dtype)
    if col.size:
        im2col_loop, _ = _build_numba()
        im2col_loop(np.ascontiguousarray(x), col, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW)
    return col


def numba_col2im(col, output_size, kernel_size, stride, padding, dilation,
                 col_size=None, out=None):
    """col2im with a Numba parallel loop over image planes (race-free accumulation)."""
    H, W = output_size
    N = col.shape[0]
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel_size, stride, padding, dilation
    OH, OW = _geometry((H, W), kernel_size, stride, padding, dilation, col_size)
    C = col.shape[1] // (kh * kw)
    x = out if out is not None else np.empty((N, C, H, W), dtype=col.dtype)
    if x.size:
        _, col2im_loop = _build_numba()
        col2im_loop(np.ascontiguousarray(col), x, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW)
    return x


# ================================================================== CUDA (CuPy)
_BLOCK = 256


def _cuda_name(base, dtype):
    if dtype == np.float32:
        return base + "_f32"
    if dtype == np.float64:
        return base + "_f64"
    raise TypeError(f"im2col (cuda): expected float32 or float64, got {dtype}")


def cuda_impl(x, kernel_size, stride, padding, dilation, col_size=None, out=None):
    """im2col in CUDA C (kernels/im2col.cu): one thread per element of col."""
    import cupy
    N, C, H, W = x.shape
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel_size, stride, padding, dilation
    OH, OW = _geometry((H, W), kernel_size, stride, padding, dilation, col_size)
    x = cupy.ascontiguousarray(x)
    col = out if out is not None else cupy.empty((N, C * kh * kw, OH * OW), dtype=x.dtype)
    total = col.size
    if total:
        fn = cuda_function("im2col", _cuda_name("im2col", x.dtype))
        i32 = np.int32
        fn(((total + _BLOCK - 1) // _BLOCK,), (_BLOCK,),
           (x, col, np.int64(total), i32(C), i32(H), i32(W), i32(kh), i32(kw), i32(sh), i32(sw),
            i32(ph), i32(pw), i32(dh), i32(dw), i32(OH), i32(OW)))
    return col


def cuda_col2im(col, output_size, kernel_size, stride, padding, dilation,
                col_size=None, out=None):
    """col2im in CUDA C: one thread per pixel, gathering every column entry that reads
    it (no atomics)."""
    import cupy
    H, W = output_size
    N = col.shape[0]
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel_size, stride, padding, dilation
    OH, OW = _geometry((H, W), kernel_size, stride, padding, dilation, col_size)
    C = col.shape[1] // (kh * kw)
    col = cupy.ascontiguousarray(col)
    x = out if out is not None else cupy.empty((N, C, H, W), dtype=col.dtype)
    total = x.size
    if total:
        fn = cuda_function("im2col", _cuda_name("col2im", col.dtype))
        i32 = np.int32
        fn(((total + _BLOCK - 1) // _BLOCK,), (_BLOCK,),
           (col, x, np.int64(total), i32(C), i32(H), i32(W), i32(kh), i32(kw), i32(sh), i32(sw),
            i32(ph), i32(pw), i32(dh), i32(dw), i32(OH), i32(OW)))
    return x


# ------------------------------------------------------------------ col2im dispatch
COL2IM = {"reference": reference_col2im, "numba": numba_col2im, "cuda": cuda_col2im}
IM2COL = {"reference": reference, "numba": numba_impl, "cuda": cuda_impl}


def faces(device="cpu"):
    """(name, im2col, col2im) for every face available on `device`."""
    if device == "cuda":
        return [("cuda", cuda_impl, cuda_col2im)]
    out = [("reference", reference, reference_col2im)]
    if numba_available():
        out.append(("numba", numba_impl, numba_col2im))
    return out


def pick(array):
    """(im2col, col2im) for `array`, following kernels.get's rules."""
    from . import get
    f = get("im2col", array)
    name = {reference: "reference", numba_impl: "numba", cuda_impl: "cuda"}[f]
    return IM2COL[name], COL2IM[name]
