"""interpolate (nearest, nearest-exact, linear, bilinear, bicubic, trilinear, area), as
torch.nn.functional.interpolate; pixel_shuffle, pixel_unshuffle, channel_shuffle;
affine_grid and grid_sample (spatial transformers, at the end of the file).

Every mode is separable: resizing an (N, C, H, W) image is a 1-d resampling along W, then
one along H (torch's bilinear kernel groups its products the same way:
h0l * (w0l * x00 + w1l * x01) + h1l * (w0l * x10 + w1l * x11)). A 1-d resampling along an
axis is a linear map with a few taps per output position j (nearest 1, linear 2, cubic 4),

    y[j] = w0[j] * x[i0[j]] + w1[j] * x[i1[j]] + ...   (nearest: y[j] = x[i0[j]])

that is y = A x with a sparse matrix A (A[j, i0[j]] += w0[j], A[j, i1[j]] += w1[j]). So the
derivative is the transposed map, dx = A^T g: every output gradient goes back to the
source positions it was read from, with the same weights. A^T is stored the same way (for
each input position, the outputs that read it and their weights), so the gradient is a
gather and a weighted sum too, and the derivative of A^T is A again: `Resample` with
the two tap lists swapped. Both maps are linear, so any order of derivative is exact.

Source positions follow torch's formulas (aten/src/ATen/native/UpSample.h), computed in
the input's float type for the linear modes (torch's opmath type) and in float32 for
nearest (torch's `float scale`):

    scale = in / out, or 1 / scale_factor when scale_factor is given (and not recomputed)
    nearest:        src = min(floor(dst * scale), in - 1)
    nearest-exact:  src = min(floor((dst + 0.5) * scale), in - 1)
    linear, align_corners=True:  src = dst * (in - 1) / (out - 1)      (0 when out == 1)
    linear, align_corners=False: src = max(scale * (dst + 0.5) - 0.5, 0)
        i0 = min(floor(src), in - 1), i1 = i0 + (i0 < in - 1),
        w1 = clamp(src - i0, 0, 1), w0 = 1 - w1
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from .. import backend
from ..autograd.function import Function
from ._util import check_tensor

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "pixel_shuffle",
           "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle", "affine_grid",
           "grid_sample", "GRID_SAMPLE_INTERPOLATION_MODES", "GRID_SAMPLE_PADDING_MODES"]

_xp = backend.get_array_module

_MODES = ("nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area",
          "lanczos")


# ------------------------------------------------------------------------ the resampling map
def _taps_shape(n, axis, ndim):
    return (n,) + (1,) * (ndim - 1 - axis)


def _resample(x, axis, taps):
    """y = A x along `axis`: y[j] = sum_k w_k[j] * x[i_k[j]] (weight None: 1)."""
    xp = _xp(x)
    y = None
    for i, w in taps:
        term = xp.take(x, i, axis=axis)
        if w is not None:
            term *= w.reshape(_taps_shape(w.shape[0], axis, x.ndim))
        if y is None:
            y = term
        else:
            y += term
    return y


def _transpose_taps(taps, n_in, dtype):  # host: taps from Python sizes, to device later
    """The taps of A^T (one per input position) from the taps of A (one per output
    position): column i of A lists the outputs j that read input i, with their weights;
    slot s of the result holds the s-th of them for every i (weight 0 where column i has
    fewer entries). So A^T g is again a gather plus weighted sum, as fast as the forward
    pass (a scatter-add with np.add.at or reduceat is 5-10x slower). A slot that every
    column fills with weight 1 (nearest upsampling by an integer factor) needs no weight."""
    n_out = taps[0][0].shape[0]
    rows = np.concatenate([np.arange(n_out)] * len(taps))
    cols = np.concatenate([i for i, _ in taps])
    weights = np.concatenate([np.ones(n_out, dtype) if w is None else w for _, w in taps])
    unit = all(w is None for _, w in taps)
    keep = weights != 0
    rows, cols, weights = rows[keep], cols[keep], weights[keep]
    order = np.argsort(cols, kind="stable")
    rows, cols, weights = rows[order], cols[order], weights[order]
    counts = np.bincount(cols, minlength=n_in)
    rank = np.arange(cols.shape[0]) - (np.cumsum(counts) - counts)[cols]
    out = []
    for slot in range(int(counts.max()) if counts.size else 0):
        sel = rank == slot
        idx = np.zeros(n_in, np.int64)
        idx[cols[sel]] = rows[sel]
        if unit and bool(np.all(counts > slot)):
            out.append((idx, None))
            continue
        w = np.zeros(n_in, dtype)
        w[cols[sel]] = weights[sel]
        out.append((idx, w))
    return tuple(out)


class Resample(Function):
    """y = A x along `axis`, A given by its taps (index, weight) per output position
    (weight None: 1) and by the taps of A^T per input position (`taps_t`).

    Derivative: y is linear in x, so dx = A^T g: each output's gradient goes back to
    the inputs it read, with the same weights. That is Resample again with the two tap
    lists swapped, and so on for every higher derivative."""

    @staticmethod
    def forward(ctx, x, axis, taps, taps_t):
        ctx.axis, ctx.taps, ctx.taps_t = axis, taps, taps_t
        return _resample(x, axis, taps)

    @staticmethod
    def backward(ctx, g):
        return Resample.apply(g, ctx.axis, ctx.taps_t, ctx.taps), None, None, None


# ------------------------------------------------------------------------ source indices
def _nearest_taps(n_in, n_out, scale, exact):  # host: index table, see _to_device
    """torch's nearest_idx / nearest_neighbor(_exact)_compute_source_index, in float32."""
    dst = np.arange(n_out, dtype=np.int64)
    if not exact and n_out == n_in:
        idx = dst
    elif not exact and n_out == 2 * n_in:
        idx = dst >> 1
    else:
        s = np.float32(1.0 / scale) if scale is not None and scale > 0 \
            else np.float32(n_in) / np.float32(n_out)
        d = dst.astype(np.float32)
        if exact:
            d = d + np.float32(0.5)
        idx = np.minimum(np.floor(d * s).astype(np.int64), n_in - 1)
    return ((idx, None),)


def _linear_taps(n_in, n_out, scale, align_corners, dtype):  # host: see _to_device
    """torch's area_pixel_compute_source_index + guard_index_and_lambda, in `dtype`."""
    dt = np.dtype(dtype)
    dst = np.arange(n_out).astype(dt)
    if align_corners:
        s = dt.type(n_in - 1) / dt.type(n_out - 1) if n_out > 1 else dt.type(0)
        src = s * dst
    else:
        s = dt.type(1.0 / scale) if scale is not None and scale > 0 \
            else dt.type(n_in) / dt.type(n_out)
        src = s * (dst + dt.type(0.5)) - dt.type(0.5)
        src = np.where(src < 0, dt.type(0), src)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    w1 = np.clip(src - i0.astype(dt), 0, 1).astype(dt)
    w0 = (dt.type(1) - w1).astype(dt)
    i1 = i0 + (i0 < n_in - 1)
    return (i0, w0), (i1, w1)


def _to_device(taps, x):
    dev = x.device
    return tuple((backend.transfer(i, dev), None if w is None else backend.transfer(w, dev))
                 for i, w in taps)


def _resample_axis(x, axis, taps, n_in, dtype):
    taps_t = _transpose_taps(taps, n_in, dtype)
    return Resample.apply(x, axis, _to_device(taps, x), _to_device(taps_t, x))


# ------------------------------------------------------------------------ arguments
def _spatial_tuple(value, n, name, in_spatial):
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(
                "Input and output must have the same number of spatial dimensions, but got "
                f"input with spatial dimensions of {list(in_spatial)} and output size of "
                f"{value if name == 'size' else 'scale_factor of ' + str(value)}. Please "
                "provide input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                "(o1, o2, ...,oK) format.")
        return tuple(value)
    return (value,) * n


def _output_size(input, size, scale_factor, recompute_scale_factor):
    """(output sizes, scales passed to the kernel or None per dim), as torch computes them."""
    fn = "interpolate"
    spatial = tuple(input.shape[2:])
    n = len(spatial)
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if size is not None:
        if recompute_scale_factor is not None and recompute_scale_factor:
            raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
        sizes = _spatial_tuple(size, n, "size", spatial)
        for s in sizes:
            if isinstance(s, bool) or not isinstance(s, numbers.Integral):
                raise TypeError(f"{fn}(): argument 'size' must be an int or a tuple of ints, "
                                f"got {size!r}")
            if s <= 0:
                raise ValueError(f"{fn}(): output size must be positive, got size={size!r}")
        return tuple(int(s) for s in sizes), (None,) * n
    factors = _spatial_tuple(scale_factor, n, "scale_factor", spatial)
    for f in factors:
        if isinstance(f, bool) or not isinstance(f, numbers.Real):
            raise TypeError(f"{fn}(): argument 'scale_factor' must be a float or a tuple of "
                            f"floats, got {scale_factor!r}")
    factors = tuple(float(f) for f in factors)
    sizes = tuple(int(math.floor(float(d) * f)) for d, f in zip(spatial, factors))
    if any(s <= 0 for s in sizes):
        dims = "DHW"[-len(sizes):] if len(sizes) > 1 else "W"
        raise ValueError("Input and output sizes should be greater than 0, but got input ("
                         + ", ".join(f"{d}: {v}" for d, v in zip(dims, spatial)) + ") output ("
                         + ", ".join(f"{d}: {v}" for d, v in zip(dims, sizes)) + ")")
    scales = (None,) * n if recompute_scale_factor else factors
    return sizes, scales


_LINEAR_DIMS = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5}


def _check_mode(input, mode, align_corners, antialias, fn):
    """PyTorch's checks of mode, input rank, align_corners and antialias."""
    if not isinstance(mode, str):
        raise TypeError(f"{fn}(): argument 'mode' must be str, got {type(mode).__name__}")
    if mode not in _MODES or input.ndim not in (3, 4, 5):
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
            f"the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
            f"nearest-exact (got {mode})")
    interpolating = mode in _LINEAR_DIMS or mode == "lanczos"
    if not interpolating and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    if mode == "lanczos" and not antialias:
        raise ValueError("Lanczos mode requires antialias=True")
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos "
                         "modes and requires a 4-D tensor as input")
    if antialias:
        raise NotImplementedError(f"{fn}(): antialias=True (mode '{mode}') is not implemented "
                                  "in minitorch; use antialias=False")
    need = _LINEAR_DIMS.get(mode)
    if need is not None and input.ndim != need:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {need}D input")
    if (interpolating or mode == "area") and input._data.dtype.kind != "f":
        raise RuntimeError(f"{fn}(): mode '{mode}' needs a floating point input, got "
                           f"{input.dtype}")
    return interpolating


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize an (N, C, W), (N, C, H, W) or (N, C, D, H, W) input to `size` or by
    `scale_factor`.

    mode: 'nearest' and 'nearest-exact' (any of the three ranks), 'linear' (3-d),
    'bilinear' and 'bicubic' (4-d), 'trilinear' (5-d) with torch's source-index formulas
    (see the module docstring; bicubic is Keys' cubic convolution with A = -0.75 over 4
    taps, clamped at the borders), and 'area' (adaptive average pooling to the output
    size). align_corners (interpolating modes only) maps the corner pixels' centres onto
    each other. With scale_factor, the kernel uses 1/scale_factor as its step unless
    recompute_scale_factor=True, which uses in/out of the floored output size instead.
    Differentiable to any order (the gradient is the transposed resampling).
    """
    fn = "interpolate"
    check_tensor(input, fn)
    interpolating = _check_mode(input, mode, align_corners, antialias, fn)
    sizes, scales = _output_size(input, size, scale_factor, recompute_scale_factor)
    spatial = tuple(input.shape[2:])
    if any(n == 0 for n in spatial):
        raise ValueError(f"{fn}(): input spatial size must be positive, got {list(spatial)}")
    if mode == "area":
        from . import pooling
        area = {3: pooling.adaptive_avg_pool1d, 4: pooling.adaptive_avg_pool2d,
                5: pooling.adaptive_avg_pool3d}[input.ndim]
        return area(input, sizes if len(sizes) > 1 else sizes[0])
    align = bool(align_corners) if interpolating else False
    if align:
        scales = (None,) * len(sizes)     # align_corners ignores scale factors
    out = input
    dt = input._data.dtype
    # last axis first (W, then H, then D), as torch's kernels group their products
    for k in reversed(range(len(sizes))):
        n_in, n_out = spatial[k], sizes[k]
        if mode == "bicubic":
            taps = _cubic_taps(n_in, n_out, scales[k], align, dt)
        elif interpolating:
            taps = _linear_taps(n_in, n_out, scales[k], align, dt)
        else:
            taps = _nearest_taps(n_in, n_out, scales[k], mode == "nearest-exact")
        out = _resample_axis(out, 2 + k, taps, n_in, dt)
    return out


def _cubic_taps(n_in, n_out, scale, align_corners, dtype):  # host: see _to_device
    """torch's bicubic source positions and weights (UpSample.h): src as for linear but
    not clamped at 0, i0 = floor(src), t = src - i0 clamped to [0, 1], taps i0-1 .. i0+2
    (clamped to the input) with Keys' cubic convolution weights, A = -0.75:
        w(t)   = ((A + 2) t - (A + 3)) t^2 + 1            for |t| <= 1
        w(t)   = ((A t - 5A) t + 8A) t - 4A               for 1 < |t| < 2"""
    dt = np.dtype(dtype)
    A = dt.type(-0.75)
    dst = np.arange(n_out).astype(dt)
    if align_corners:
        s = dt.type(n_in - 1) / dt.type(n_out - 1) if n_out > 1 else dt.type(0)
        src = s * dst
    else:
        s = dt.type(1.0 / scale) if scale is not None and scale > 0 \
            else dt.type(n_in) / dt.type(n_out)
        src = s * (dst + dt.type(0.5)) - dt.type(0.5)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    t = np.clip(src - i0.astype(dt), 0, 1).astype(dt)

    def near(x):   # |x| <= 1
        return ((A + 2) * x - (A + 3)) * x * x + 1

    def far(x):    # 1 < |x| < 2
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A
    one = dt.type(1)
    weights = (far(t + one), near(t), near(one - t), far(one - t + one))
    return tuple((np.clip(i0 - 1 + j, 0, n_in - 1), w.astype(dt))
                 for j, w in enumerate(weights))


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of interpolate (as torch.nn.functional.upsample)."""
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """torch's deprecated upsample_bilinear: bilinear with align_corners=True."""
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ------------------------------------------------------------------------ shuffles
def _check_factor(value, fn, arg):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{fn}(): argument '{arg}' must be int, not {type(value).__name__}")
    if value <= 0:
        raise RuntimeError(f"{fn} expects a positive {arg}, but got {value}")
    return int(value)


def pixel_shuffle(input, upscale_factor):
    """(*, C r^2, H, W) -> (*, C, H r, W r): each group of r^2 channels becomes an r x r
    block of pixels (sub-pixel convolution). A reshape and a permute, so the gradient is
    pixel_unshuffle of the upstream gradient."""
    fn = "pixel_shuffle"
    check_tensor(input, fn)
    r = _check_factor(upscale_factor, fn, "upscale_factor")
    if input.ndim < 3:
        raise RuntimeError(f"{fn} expects input to have at least 3 dimensions, but got input "
                           f"with {input.ndim} dimension(s)")
    *lead, c, h, w = tuple(input.shape)
    if c % (r * r):
        raise RuntimeError(f"{fn} expects its input's 'channel' dimension to be divisible by "
                           f"the square of upscale_factor, but input.size(-3)={c} is not "
                           f"divisible by {r * r}")
    k = len(lead)
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    x = x.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)
    return x.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H r, W r) -> (*, C r^2, H, W), the inverse of pixel_shuffle."""
    fn = "pixel_unshuffle"
    check_tensor(input, fn)
    r = _check_factor(downscale_factor, fn, "downscale_factor")
    if input.ndim < 3:
        raise RuntimeError(f"{fn} expects input to have at least 3 dimensions, but got input "
                           f"with {input.ndim} dimension(s)")
    *lead, c, h, w = tuple(input.shape)
    if h % r:
        raise RuntimeError(f"{fn} expects height to be divisible by downscale_factor, but "
                           f"input.size(-2)={h} is not divisible by {r}")
    if w % r:
        raise RuntimeError(f"{fn} expects width to be divisible by downscale_factor, but "
                           f"input.size(-1)={w} is not divisible by {r}")
    k = len(lead)
    x = input.reshape(*lead, c, h // r, r, w // r, r)
    x = x.permute(*range(k), k, k + 2, k + 4, k + 1, k + 3)
    return x.reshape(*lead, c * r * r, h // r, w // r)


def channel_shuffle(input, groups):
    """(N, C, *) with C = g * k: channel i * k + j moves to j * g + i (ShuffleNet's shuffle
    of g groups), a reshape and a transpose."""
    fn = "channel_shuffle"
    check_tensor(input, fn)
    if isinstance(groups, bool) or not isinstance(groups, numbers.Integral) or groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of "
                           f"groups:{groups}")
    if input.ndim <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with "
                           f"sizes {list(input.shape)}")
    n, c, *rest = tuple(input.shape)
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels "
                           f"and {groups} groups.")
    x = input.reshape(n, int(groups), c // int(groups), *rest).transpose(1, 2)
    return x.reshape(n, c, *rest)


native_channel_shuffle = channel_shuffle



# ------------------------------------------------------------------------ spatial transformers
GRID_SAMPLE_INTERPOLATION_MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}
GRID_SAMPLE_PADDING_MODES = {"zeros": 0, "border": 1, "reflection": 2}

_ALIGN_WARNING = ("Default grid_sample and affine_grid behavior has changed to "
                  "align_corners=False since 1.3.0. Please specify align_corners=True if the "
                  "old behavior is desired. See the documentation of grid_sample for details.")


def _base_coords(n, align_corners, dtype):  # host: a small table, moved by the caller
    """torch's linspace_from_neg_one: n points on [-1, 1] (pixel corners), or the pixel
    centres (scaled by (n - 1) / n) when align_corners is False; [0] for n <= 1."""
    if n <= 1:
        return np.zeros(max(n, 1), dtype=dtype)
    r = np.linspace(-1.0, 1.0, n).astype(dtype)
    return r if align_corners else (r * (n - 1) / n).astype(dtype)


def affine_grid(theta, size, align_corners=None):
    """Sampling grid of an affine map, as torch.nn.functional.affine_grid: theta (N, 2, 3)
    with size (N, C, H, W) gives (N, H, W, 2); theta (N, 3, 4) with size (N, C, D, H, W)
    gives (N, D, H, W, 3). Each output point is theta @ (x, y[, z], 1) over the normalized
    base coordinates; one batched matmul, so d/dtheta comes from matmul's backward."""
    import warnings
    from ..tensor import _make
    fn = "affine_grid"
    check_tensor(theta, fn, "theta")
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, UserWarning, stacklevel=2)
        align_corners = False
    if theta._data.dtype.kind != "f":
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = [int(v) for v in size]
    shape = tuple(theta.shape)
    if len(size) == 4:
        if theta.ndim != 3 or shape[-2:] != (2, 3):
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size "
                             f"{size}. Got {list(shape)}.")
        spatial = size[-2:]
    elif len(size) == 5:
        if theta.ndim != 3 or shape[-2:] != (3, 4):
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size "
                             f"{size}. Got {list(shape)}.")
        spatial = size[-3:]
    else:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D "
                                  f"affine transforms, respectively. Got size {size}.")
    if align_corners and min(spatial) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size "
                      "grids when align_corners=True. This is not an intended use case of "
                      "affine_grid. See the documentation of affine_grid for details.",
                      UserWarning, stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    dt = theta._data.dtype
    axes = [_base_coords(n, align_corners, dt) for n in spatial]          # (D,) H, W
    mesh = np.meshgrid(*axes, indexing="ij")                               # host: see above
    # the coordinate order is x (width), y (height)[, z (depth)], then the constant 1
    base = np.stack([m for m in reversed(mesh)] + [np.ones_like(mesh[0])], -1)  # host: above
    n_pts = math.prod(spatial)
    base = base.reshape(1, n_pts, -1).copy()                            # host: as above
    base = _make(backend.transfer(base, theta.device))
    grid = base.matmul(theta.transpose(1, 2))                              # (N, P, 2 or 3)
    return grid.reshape(size[0], *spatial, len(spatial))


def _unnormalize(coord, size, align_corners):
    """[-1, 1] -> pixel units: corners at the first and last pixel centres
    (align_corners) or at the outer pixel edges."""
    if align_corners:
        return (coord + 1) * ((size - 1) / 2)
    return ((coord + 1) * size - 1) / 2


def _reflect(coord, twice_low, twice_high):
    """torch's reflect_coordinates on a Tensor: fold `coord` into [low, high] by mirror
    reflections. The number of flips is piecewise constant, so the derivative is +-1."""
    from .elementwise import where
    if twice_low == twice_high:
        return coord * 0.0
    low = twice_low / 2
    span = (twice_high - twice_low) / 2
    dist = (coord - low).abs()
    xp = _xp(dist._data)
    flips = xp.floor(dist._data / span)
    from ..tensor import _make
    extra = dist - _make(flips * span)
    even = _make(flips % 2 == 0)
    return where(even, extra + low, (span - extra) + low)


def _compute_coordinates(coord, size, padding_mode, align_corners):
    """torch's compute_coordinates: clamp into the image (border), or reflect and clamp."""
    if padding_mode == "border":
        return coord.clamp(0, size - 1)
    if padding_mode == "reflection":
        if align_corners:
            coord = _reflect(coord, 0, 2 * (size - 1))
        else:
            coord = _reflect(coord, -1, 2 * size - 1)
        return coord.clamp(0, size - 1)
    return coord


def _bounded_index(idx, size, padding_mode, align_corners):  # host-or-device index math
    """An integer tap position mapped as torch's get_value_bounded does (through
    compute_coordinates, then truncated), and whether it lies inside the image."""
    xp = _xp(idx)
    c = idx.astype(np.float64)
    if padding_mode == "border":
        c = xp.clip(c, 0, size - 1)
    elif padding_mode == "reflection":
        lo2, hi2 = (0, 2 * (size - 1)) if align_corners else (-1, 2 * size - 1)
        if lo2 == hi2:
            c = xp.zeros_like(c)
        else:
            low, span = lo2 / 2, (hi2 - lo2) / 2
            dist = xp.abs(c - low)
            flips = xp.floor(dist / span)
            extra = dist - flips * span
            c = xp.where(flips % 2 == 0, extra + low, span - extra + low)
        c = xp.clip(c, 0, size - 1)
    i = c.astype(np.int64)
    return i, (i >= 0) & (i < size)


def _cubic_weights(t):
    """Keys' cubic convolution weights (A = -0.75) of the taps at -1, 0, 1, 2 around a
    fractional position t in [0, 1), as Tensors (differentiable in t)."""
    A = -0.75

    def near(x):
        return ((A + 2) * x - (A + 3)) * x * x + 1

    def far(x):
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A
    return far(t + 1), near(t), near(1 - t), far(2 - t)


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Sample `input` (N, C, H, W) at the points of `grid` (N, Ho, Wo, 2) (or (N, C, D, H, W)
    at (N, Do, Ho, Wo, 3)), coordinates normalized to [-1, 1] with x the width axis.

    mode: 'bilinear' (trilinear for 5-d), 'nearest' or 'bicubic' (4-d); padding_mode:
    'zeros' (outside points read 0), 'border' (clamped), 'reflection' (mirrored). The
    output is a sum over the taps of input[tap] * weight(grid): the gather's adjoint gives
    d/dinput (a scatter-add of g * weight), the weights' polynomials give d/dgrid, and
    both differentiate again (nearest: the grid gets no gradient, as in PyTorch)."""
    import itertools
    import warnings
    from ..tensor import _make
    fn = "grid_sample"
    check_tensor(input, fn)
    check_tensor(grid, fn, "grid")
    if mode not in GRID_SAMPLE_INTERPOLATION_MODES:
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in GRID_SAMPLE_PADDING_MODES:
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, UserWarning, stacklevel=2)
        align_corners = False
    nd = input.ndim
    if nd not in (4, 5) or grid.ndim != nd:
        raise RuntimeError(f"grid_sampler(): expected 4D or 5D input and grid with same number "
                           f"of dimensions, but got input with sizes {list(input.shape)} and "
                           f"grid with sizes {list(grid.shape)}")
    n_sp = nd - 2
    if grid.shape[-1] != n_sp:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {n_sp} in last "
                           f"dimension, but got grid with sizes {list(grid.shape)}")
    if grid.shape[0] != input.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, "
                           f"but got input with sizes {list(input.shape)} and grid with sizes "
                           f"{list(grid.shape)}")
    if input._data.dtype.kind != "f" or grid._data.dtype != input._data.dtype:
        raise RuntimeError(f"grid_sampler(): expected input and grid to have the same floating "
                           f"point dtype, but got input {input.dtype} and grid {grid.dtype}")
    if mode == "bicubic" and nd != 4:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    N, C = input.shape[:2]
    spatial = tuple(input.shape[2:])                 # (D,) H, W
    out_sp = tuple(grid.shape[1:-1])
    P = math.prod(out_sp)
    sizes = spatial[::-1]                            # coordinate k reads spatial axis -1-k
    strides = [math.prod(spatial[len(spatial) - k:]) for k in range(n_sp)]   # W: 1, H: W
    flat_x = input.reshape(N, C, -1)
    g = grid.reshape(N, P, n_sp)
    xp = _xp(input._data)

    def gather(lin, valid):
        """input at the flat positions lin (N, P), 0 where not valid: (N, C, P)."""
        lin = xp.where(valid, lin, 0)
        idx = _make(xp.broadcast_to(lin[:, None, :], (N, C, P)).copy())
        return flat_x.gather(2, idx), valid

    out = None
    if mode == "bicubic":
        coords = [_unnormalize(g[..., k], sizes[k], align_corners) for k in range(2)]
        base = [xp.floor(c._data).astype(np.int64) for c in coords]
        ts = [c - _make(b.astype(input._data.dtype)) for c, b in zip(coords, base)]
        wx, wy = _cubic_weights(ts[0]), _cubic_weights(ts[1])
        for i, j in itertools.product(range(4), range(4)):
            ix, vx = _bounded_index(base[0] - 1 + j, sizes[0], padding_mode, align_corners)
            iy, vy = _bounded_index(base[1] - 1 + i, sizes[1], padding_mode, align_corners)
            vals, valid = gather(ix * strides[0] + iy * strides[1], vx & vy)
            w = wx[j] * wy[i] * _make(valid.astype(input._data.dtype))
            term = vals * w.unsqueeze(1)
            out = term if out is None else out + term
        return out.reshape(N, C, *out_sp)
    coords = [_compute_coordinates(_unnormalize(g[..., k], sizes[k], align_corners), sizes[k],
                                   padding_mode, align_corners) for k in range(n_sp)]
    if mode == "nearest":
        idx = [xp.rint(c._data).astype(np.int64) for c in coords]   # round half to even
        valid = xp.ones((N, P), dtype=bool)
        lin = 0
        for k in range(n_sp):
            valid &= (idx[k] >= 0) & (idx[k] < sizes[k])
            lin = lin + idx[k] * strides[k]
        vals, valid = gather(lin, valid)
        return (vals * _make(valid[:, None, :].astype(input._data.dtype))).reshape(N, C, *out_sp)
    base = [xp.floor(c._data).astype(np.int64) for c in coords]
    frac = [c - _make(b.astype(input._data.dtype)) for c, b in zip(coords, base)]
    for corner in itertools.product((0, 1), repeat=n_sp):
        w = None
        valid = xp.ones((N, P), dtype=bool)
        lin = 0
        for k, bit in enumerate(corner):
            wk = frac[k] if bit else 1 - frac[k]
            w = wk if w is None else w * wk
            ik = base[k] + bit
            valid &= (ik >= 0) & (ik < sizes[k])
            lin = lin + ik * strides[k]
        vals, valid = gather(lin, valid)
        term = vals * (w * _make(valid.astype(input._data.dtype))).unsqueeze(1)
        out = term if out is None else out + term
    return out.reshape(N, C, *out_sp)
