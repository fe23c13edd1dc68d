"""conv1d, conv2d, conv3d, conv_transpose1d/2d/3d, unfold and fold through im2col.

Shapes (NCHW): x (N, C, H, W); weight W (O, C/G, kh, kw) with G groups; y (N, O, OH, OW),
OH = floor((H + 2p - d(kh-1) - 1) / s) + 1 (and the same for OW).

With columns col = im2col(x) of shape (N, C*kh*kw, OH*OW) (kernels/im2col.py) and the
weight seen as W2 (O, C*kh*kw) (per group: W2_g (O/G, C/G*kh*kw) against the rows of
col that belong to group g), a convolution is one GEMM per image:

    y[n]  = W2 @ col[n]                                  (O, OH*OW), NCHW as it stands

and its derivatives, with g = dL/dy seen as (N, O, OH*OW):

    dx    = col2im(W2^T @ g[n])        the adjoint of im2col; this is conv_transpose2d(g, W)
    dW2   = sum_n g[n] @ col[n]^T      "conv grad weight"
    db    = sum of g over n, h, w

All three are bilinear, which is what makes double backward work: each is a Function
whose backward is again made of the three (Chainer's Convolution2DGradW pattern). For
the bilinear forms <g, conv(x, W)> = <convT(g, W), x> = <gradW(x, g), W>:

    Conv2d(x, W):        dx = ConvTranspose2d(g, W),   dW = ConvGradWeight(x, g)
    ConvTranspose2d(u, W) = conv's dx:
                         du = Conv2d(g, W),            dW = ConvGradWeight(g, u)
    ConvGradWeight(x, gy) = conv's dW, with upstream G shaped like W:
                         dx = ConvTranspose2d(gy, G),  dgy = Conv2d(x, G)

The GEMMs run a few images at a time on a reused column buffer (`_COL_BUDGET` bytes), so
the columns stay in cache and never take the whole batch's memory; ``np.matmul`` writes
each result straight into the output (no transposing copies). The one exception: when the
whole batch's columns fit in `_KEEP_COLUMNS` bytes and the weight needs a gradient, the
forward im2cols the batch at once and keeps the columns for dW (one im2col pass fewer).
"""
from __future__ import annotations

import numbers

import numpy as np

from .. import backend
from ..autograd.function import Function
from ..autograd.grad_mode import STATE as _GRAD_MODE
from ..kernels import im2col as _k
from ..tensor import Tensor
from ._util import check_tensor

_xp = backend.get_array_module

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "unfold", "fold"]

# bytes of columns processed per GEMM batch (a few images at a time)
_COL_BUDGET = 1 << 22
# up to this many bytes of columns (the whole batch), a forward whose weight needs a
# gradient keeps them for the weight gradient, which then skips its own im2col pass
# (LeNet's two convolutions: 5 and 4 MB); larger ones are recomputed a chunk at a time
_KEEP_COLUMNS = 1 << 24


# ============================================================ array-level building blocks
def _chunk(n_images, per_image_elems, itemsize):
    return max(1, min(n_images, _COL_BUDGET // max(1, per_image_elems * itemsize)))


def _conv_forward(x, w, stride, padding, dilation, groups, out_hw, keep=False):
    """y = conv(x, W) on arrays: im2col a few images at a time, one batched GEMM each.
    With `keep`, returns (y, col): the whole batch's columns in one buffer, for
    `_conv_grad_weight(..., col=col)`."""
    xp = _xp(x)
    im2col, _ = _k.pick(x)
    x = xp.ascontiguousarray(x)
    N, C, H, W = x.shape
    O, Cg, kh, kw = w.shape
    G = groups
    OH, OW = out_hw
    K, L, Og = Cg * kh * kw, OH * OW, O // G
    y = xp.empty((N, O, OH, OW), dtype=x.dtype)
    if y.size == 0 or K == 0:
        y[...] = 0
        return (y, None) if keep else y
    w3 = xp.ascontiguousarray(w).reshape(G, Og, K)
    nb = N if keep else _chunk(N, G * K * L, x.itemsize)
    buf = xp.empty((nb, G * K, L), dtype=x.dtype)
    for n0 in range(0, N, nb):
        b = min(nb, N - n0)
        col = im2col(x[n0:n0 + b], (kh, kw), stride, padding, dilation, (OH, OW), out=buf[:b])
        # (G, Og, K) @ (b, G, K, L) -> (b, G, Og, L), written into y[n0:n0+b] as it lies
        xp.matmul(w3, col.reshape(b, G, K, L), out=y[n0:n0 + b].reshape(b, G, Og, L))
    return (y, buf) if keep else y


def _conv_grad_input(g, w, x_hw, stride, padding, dilation, groups):
    """dx = col2im(W2^T @ g) on arrays: the adjoint of _conv_forward in x (this is
    conv_transpose2d)."""
    xp = _xp(g)
    _, col2im = _k.pick(g)
    g = xp.ascontiguousarray(g)
    N, O, OH, OW = g.shape
    _, Cg, kh, kw = w.shape
    G = groups
    H, W = x_hw
    K, L, Og = Cg * kh * kw, OH * OW, O // G
    dx = xp.empty((N, Cg * G, H, W), dtype=g.dtype)
    if dx.size == 0:
        return dx
    if K == 0 or L == 0 or O == 0:
        dx[...] = 0
        return dx
    w3t = xp.ascontiguousarray(w).reshape(G, Og, K).transpose(0, 2, 1)   # (G, K, Og) view
    nb = _chunk(N, G * K * L, g.itemsize)
    buf = xp.empty((nb, G * K, L), dtype=g.dtype)
    for n0 in range(0, N, nb):
        b = min(nb, N - n0)
        dcol = buf[:b]
        xp.matmul(w3t, g[n0:n0 + b].reshape(b, G, Og, L), out=dcol.reshape(b, G, K, L))
        col2im(dcol, (H, W), (kh, kw), stride, padding, dilation, (OH, OW), out=dx[n0:n0 + b])
    return dx


def _conv_grad_weight(x, g, kernel_size, stride, padding, dilation, groups, col=None):
    """dW2 = sum_n g[n] @ col[n]^T on arrays: the adjoint of _conv_forward in W. `col`:
    im2col(x) of the whole batch when the forward kept it (then no im2col here)."""
    xp = _xp(x)
    im2col, _ = _k.pick(x)
    x = xp.ascontiguousarray(x)
    g = xp.ascontiguousarray(g)
    N, C, H, W = x.shape
    _, O, OH, OW = g.shape
    kh, kw = kernel_size
    G = groups
    Cg = C // G
    K, L, Og = Cg * kh * kw, OH * OW, O // G
    dw = xp.zeros((G, Og, K), dtype=x.dtype)
    if N == 0 or K == 0 or L == 0 or O == 0:
        return dw.reshape(O, Cg, kh, kw)
    nb = _chunk(N, G * K * L, x.itemsize)
    kept = col
    buf = xp.empty((nb, G * K, L), dtype=x.dtype) if kept is None else None
    part = xp.empty((nb, G, K, Og), dtype=x.dtype)
    dwt = dw.transpose(0, 2, 1)   # (G, K, Og) view of dw
    for n0 in range(0, N, nb):
        b = min(nb, N - n0)
        if kept is None:
            col = im2col(x[n0:n0 + b], (kh, kw), stride, padding, dilation, (OH, OW),
                         out=buf[:b])
        else:
            col = kept[n0:n0 + b]
        # dW^T = col @ g^T: (b, G, K, L) @ (b, G, L, Og) -> (b, G, K, Og); BLAS reads the
        # transposed view of g, and this orientation (long M = K) runs faster than g @ col^T
        xp.matmul(col.reshape(b, G, K, L), g[n0:n0 + b].reshape(b, G, Og, L).transpose(0, 1, 3, 2),
                  out=part[:b])
        if b == 1:
            dwt += part[0]
        else:
            dwt += part[:b].sum(axis=0)
    return dw.reshape(O, Cg, kh, kw)


def _add_bias(y, b):
    if b is not None:
        y += b.reshape(1, -1, 1, 1)
    return y


def _bias_grad(g):
    """db = sum of g over n, h, w."""
    return g.sum((0, 2, 3))


# ============================================================ the differentiable Functions
class Conv2dFunction(Function):
    """y = conv(x, W) + b.

    dx = conv_transpose(g, W)   (ConvTranspose2dFunction)
    dW = conv_grad_weight(x, g) (ConvGradWeight)
    db = sum of g over (n, h, w)
    """

    @staticmethod
    def forward(ctx, x, w, b=None, *, stride, padding, dilation, groups, out_hw):
        ctx.geom = (stride, padding, dilation, groups)
        ctx.save_for_backward(x, w)
        ctx.col = None
        O, Cg, kh, kw = w.shape
        col_bytes = x.shape[0] * Cg * groups * kh * kw * out_hw[0] * out_hw[1] * x.itemsize
        if col_bytes <= _KEEP_COLUMNS and _GRAD_MODE.enabled and ctx.needs_input_grad[1]:
            y, ctx.col = _conv_forward(x, w, stride, padding, dilation, groups, out_hw,
                                       keep=True)
        else:
            y = _conv_forward(x, w, stride, padding, dilation, groups, out_hw)
        return _add_bias(y, b)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        nx, nw, nb = ctx.needs_input_grad
        stride, padding, dilation, groups = ctx.geom
        gx = gw = gb = None
        if nx:
            gx = ConvTranspose2dFunction.apply(g, w, None, stride=stride, padding=padding,
                                               dilation=dilation, groups=groups,
                                               out_hw=tuple(x.shape[2:]))
        if nw:
            gw = ConvGradWeight.apply(x, g, kernel_size=tuple(w.shape[2:]), stride=stride,
                                      padding=padding, dilation=dilation, groups=groups,
                                      col=ctx.col)
        if nb:
            gb = _bias_grad(g)
        ctx.col = None    # used once; a second backward (retain_graph) recomputes it
        return gx, gw, gb


class ConvTranspose2dFunction(Function):
    """y = conv_transpose(u, W) + b: the gradient of a convolution w.r.t. its input, with
    u in the place of that gradient (W is (C_u, C_out/G, kh, kw)), out_hw = y's size.

    du = conv(g, W)              (Conv2dFunction, computing u's size)
    dW = conv_grad_weight(g, u)  (ConvGradWeight with g as the image, u as the gradient)
    db = sum of g over (n, h, w)
    """

    @staticmethod
    def forward(ctx, u, w, b=None, *, stride, padding, dilation, groups, out_hw):
        ctx.geom = (stride, padding, dilation, groups)
        ctx.save_for_backward(u, w)
        return _add_bias(_conv_grad_input(u, w, out_hw, stride, padding, dilation, groups), b)

    @staticmethod
    def backward(ctx, g):
        u, w = ctx.saved_tensors
        nu, nw, nb = ctx.needs_input_grad
        stride, padding, dilation, groups = ctx.geom
        gu = gw = gb = None
        if nu:
            gu = Conv2dFunction.apply(g, w, None, stride=stride, padding=padding,
                                      dilation=dilation, groups=groups,
                                      out_hw=tuple(u.shape[2:]))
        if nw:
            gw = ConvGradWeight.apply(g, u, kernel_size=tuple(w.shape[2:]), stride=stride,
                                      padding=padding, dilation=dilation, groups=groups)
        if nb:
            gb = _bias_grad(g)
        return gu, gw, gb


class ConvGradWeight(Function):
    """dW = conv_grad_weight(x, gy): the gradient of conv(x, W) w.r.t. W for upstream gy.

    Bilinear in (x, gy); with upstream G (shaped like W):
    dx  = conv_transpose(gy, G)  (ConvTranspose2dFunction, computing x's size)
    dgy = conv(x, G)             (Conv2dFunction, computing gy's size)
    """

    @staticmethod
    def forward(ctx, x, gy, *, kernel_size, stride, padding, dilation, groups, col=None):
        ctx.geom = (stride, padding, dilation, groups)
        ctx.save_for_backward(x, gy)
        return _conv_grad_weight(x, gy, kernel_size, stride, padding, dilation, groups, col)

    @staticmethod
    def backward(ctx, G):
        x, gy = ctx.saved_tensors
        nx, ngy = ctx.needs_input_grad
        stride, padding, dilation, groups = ctx.geom
        gx = ggy = None
        if nx:
            gx = ConvTranspose2dFunction.apply(gy, G, None, stride=stride, padding=padding,
                                               dilation=dilation, groups=groups,
                                               out_hw=tuple(x.shape[2:]))
        if ngy:
            ggy = Conv2dFunction.apply(x, G, None, stride=stride, padding=padding,
                                       dilation=dilation, groups=groups,
                                       out_hw=tuple(gy.shape[2:]))
        return gx, ggy


class Unfold(Function):
    """col = im2col(x) (N, C*kh*kw, L);  dx = col2im(g): fold is unfold's adjoint."""

    @staticmethod
    def forward(ctx, x, *, kernel_size, dilation, padding, stride):
        ctx.args = (kernel_size, dilation, padding, stride)
        ctx.hw = x.shape[2:]
        im2col, _ = _k.pick(x)
        return im2col(_xp(x).ascontiguousarray(x), kernel_size, stride, padding, dilation)

    @staticmethod
    def backward(ctx, g):
        kernel_size, dilation, padding, stride = ctx.args
        return Fold.apply(g, output_size=tuple(ctx.hw), kernel_size=kernel_size,
                          dilation=dilation, padding=padding, stride=stride)


class Fold(Function):
    """x = col2im(col) (sums overlapping patches);  dcol = im2col(g): unfold is fold's
    adjoint."""

    @staticmethod
    def forward(ctx, col, *, output_size, kernel_size, dilation, padding, stride):
        ctx.args = (kernel_size, dilation, padding, stride)
        _, col2im = _k.pick(col)
        return col2im(_xp(col).ascontiguousarray(col), output_size, kernel_size, stride,
                      padding, dilation)

    @staticmethod
    def backward(ctx, g):
        kernel_size, dilation, padding, stride = ctx.args
        return Unfold.apply(g, kernel_size=kernel_size, dilation=dilation, padding=padding,
                            stride=stride)


# ============================================================ argument checks
def _int_tuple(value, n, fn, arg, minimum):
    """An int or a sequence of n ints, each >= minimum, as a tuple of n ints."""
    if isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, bool):
        vals = (int(value),) * n
    elif isinstance(value, (tuple, list)) and len(value) == n and all(
            isinstance(v, (numbers.Integral, np.integer)) and not isinstance(v, bool)
            for v in value):
        vals = tuple(int(v) for v in value)
    else:
        raise TypeError(f"{fn}(): argument '{arg}' must be an int or a tuple of {n} ints, "
                        f"got {value!r}")
    if any(v < minimum for v in vals):
        need = "positive" if minimum == 1 else "non-negative"
        raise ValueError(f"{fn}(): {arg} must be {need}, got {value!r}")
    return vals


def _check_groups(groups, fn):
    if isinstance(groups, bool) or not isinstance(groups, (numbers.Integral, np.integer)) \
            or groups < 1:
        raise ValueError(f"{fn}(): groups must be a positive integer, got {groups!r}")
    return int(groups)


def _check_operands(fn, input, weight, bias, nsp):
    """Types, dims and dtypes; returns (input batched, whether it was unbatched)."""
    check_tensor(input, fn)
    check_tensor(weight, fn, "weight")
    if bias is not None:
        check_tensor(bias, fn, "bias")
    if weight.ndim != nsp + 2:
        raise RuntimeError(f"{fn}(): expected a {nsp + 2}-D weight, got weight of shape "
                           f"{tuple(weight.shape)}")
    if input.ndim not in (nsp + 1, nsp + 2):
        raise RuntimeError(f"{fn}(): expected {nsp + 1}-D (unbatched) or {nsp + 2}-D (batched) "
                           f"input, but got input of size: {list(input.shape)}")
    dt = input._data.dtype
    if dt.kind != "f":
        raise RuntimeError(f"{fn}(): expected a floating point input, got {input.dtype}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t._data.dtype != dt:
            raise RuntimeError(f"{fn}(): expected input and {name} to have the same dtype, "
                               f"but got input {input.dtype} and {name} {t.dtype}")
    unbatched = input.ndim == nsp + 1
    return (input.unsqueeze(0) if unbatched else input), unbatched


def _check_bias(fn, bias, n_out):
    if bias is not None and tuple(bias.shape) != (n_out,):
        raise RuntimeError(f"{fn}(): expected bias of shape ({n_out},), got "
                           f"{tuple(bias.shape)}")


def _check_out_size(fn, in_sp, out_sp, wshape):
    if any(o <= 0 for o in out_sp):
        raise RuntimeError(f"{fn}(): calculated output size {tuple(out_sp)} is too small for "
                           f"input spatial size {tuple(in_sp)} and weight of shape "
                           f"{tuple(wshape)} (output size must be positive)")


# ============================================================ convolution
def _convnd(fn, nsp, input, weight, bias, stride, padding, dilation, groups):
    """conv1d/conv2d: checks in the caller's terms, then the 2-d Function."""
    x, unbatched = _check_operands(fn, input, weight, bias, nsp)
    groups = _check_groups(groups, fn)
    stride = _int_tuple(stride, nsp, fn, "stride", 1)
    dilation = _int_tuple(dilation, nsp, fn, "dilation", 1)
    wshape = tuple(weight.shape)
    O, Cg, ksize = wshape[0], wshape[1], wshape[2:]
    C = x.shape[1]
    if C != Cg * groups:
        raise RuntimeError(f"{fn}(): expected input with {Cg * groups} channels (weight of "
                           f"shape {wshape}, groups={groups}), got {C} channels")
    if O % groups:
        raise RuntimeError(f"{fn}(): out_channels {O} (weight of shape {wshape}) must be "
                           f"divisible by groups={groups}")
    _check_bias(fn, bias, O)
    extra = (0,) * nsp   # one more padded row/column at the end ('same' with an even span)
    if isinstance(padding, str):
        if padding == "valid":
            pad = (0,) * nsp
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError(f"{fn}(): padding='same' is not supported for strided "
                                 f"convolutions (stride={stride})")
            total = tuple(d * (k - 1) for d, k in zip(dilation, ksize))
            pad = tuple(t // 2 for t in total)
            extra = tuple(t - 2 * (t // 2) for t in total)
        else:
            raise ValueError(f"{fn}(): invalid padding string {padding!r}, should be one of "
                             "'valid' or 'same'")
    else:
        pad = _int_tuple(padding, nsp, fn, "padding", 0)
    if any(extra):
        from .shape import pad as _pad
        widths = []
        for e in reversed(extra):
            widths += [0, e]
        x = _pad(x, widths)
    in_sp = tuple(x.shape[2:])
    out_sp = tuple(_k.conv_out_size(n, k, s, p, d)
                   for n, k, s, p, d in zip(in_sp, ksize, stride, pad, dilation))
    _check_out_size(fn, input.shape[-nsp:], out_sp, wshape)
    if nsp == 1:
        x, weight = x.unsqueeze(2), weight.unsqueeze(2)
        stride, pad, dilation, out_sp = (1,) + stride, (0,) + pad, (1,) + dilation, (1,) + out_sp
    y = Conv2dFunction.apply(x, weight, bias, stride=stride, padding=pad, dilation=dilation,
                             groups=groups, out_hw=out_sp)
    if nsp == 1:
        y = y.squeeze(2)
    return y.squeeze(0) if unbatched else y


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-d convolution (cross-correlation), as ``torch.nn.functional.conv2d``.

    input (N, C, H, W) or (C, H, W); weight (O, C/groups, kh, kw); bias (O,) or None;
    stride, dilation: int or (sh, sw); padding: int, (ph, pw), 'valid' (0) or 'same'
    (output size = input size; stride must be 1; an odd total goes to the bottom/right)."""
    return _convnd("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-d convolution, as ``torch.nn.functional.conv1d``: input (N, C, L) or (C, L),
    weight (O, C/groups, k); computed as conv2d on a height-1 image."""
    return _convnd("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def _conv_transposend(fn, nsp, input, weight, bias, stride, padding, output_padding, groups,
                      dilation, output_size=None):
    x, unbatched = _check_operands(fn, input, weight, bias, nsp)
    groups = _check_groups(groups, fn)
    stride = _int_tuple(stride, nsp, fn, "stride", 1)
    dilation = _int_tuple(dilation, nsp, fn, "dilation", 1)
    if isinstance(padding, str):
        raise ValueError(f"{fn}(): string padding ({padding!r}) is not supported for "
                         "transposed convolutions")
    pad = _int_tuple(padding, nsp, fn, "padding", 0)
    opad = _int_tuple(output_padding, nsp, fn, "output_padding", 0)
    wshape = tuple(weight.shape)
    Cin, Og, ksize = wshape[0], wshape[1], wshape[2:]
    C = x.shape[1]
    if C != Cin:
        raise RuntimeError(f"{fn}(): expected input with {Cin} channels (weight of shape "
                           f"{wshape}, groups={groups}), got {C} channels")
    if Cin % groups:
        raise RuntimeError(f"{fn}(): in_channels {Cin} (weight of shape {wshape}) must be "
                           f"divisible by groups={groups}")
    for op, s, d in zip(opad, stride, dilation):
        if op >= s and op >= d:
            raise ValueError(f"{fn}(): output padding must be smaller than either stride or "
                             f"dilation, got output_padding={opad}, stride={stride}, "
                             f"dilation={dilation}")
    _check_bias(fn, bias, Og * groups)
    in_sp = tuple(x.shape[2:])
    out_sp = tuple((n - 1) * s - 2 * p + d * (k - 1) + op + 1
                   for n, s, p, d, k, op in zip(in_sp, stride, pad, dilation, ksize, opad))
    _check_out_size(fn, in_sp, out_sp, wshape)
    if nsp == 1:
        x, weight = x.unsqueeze(2), weight.unsqueeze(2)
        stride, pad, dilation, out_sp = (1,) + stride, (0,) + pad, (1,) + dilation, (1,) + out_sp
    y = ConvTranspose2dFunction.apply(x, weight, bias, stride=stride, padding=pad,
                                      dilation=dilation, groups=groups, out_hw=out_sp)
    if nsp == 1:
        y = y.squeeze(2)
    return y.squeeze(0) if unbatched else y


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    """2-d transposed convolution, as ``torch.nn.functional.conv_transpose2d``: the
    gradient of conv2d w.r.t. its input. input (N, C_in, H, W) or unbatched; weight
    (C_in, C_out/groups, kh, kw); output size (H-1)*s - 2p + d(k-1) + output_padding + 1."""
    return _conv_transposend("conv_transpose2d", 2, input, weight, bias, stride, padding,
                             output_padding, groups, dilation)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    """1-d transposed convolution, as ``torch.nn.functional.conv_transpose1d``."""
    return _conv_transposend("conv_transpose1d", 1, input, weight, bias, stride, padding,
                             output_padding, groups, dilation)


# ============================================================ unfold / fold
def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """im2col, as ``torch.nn.functional.unfold``: (N, C, H, W) -> (N, C*kh*kw, L) with
    L = OH*OW sliding-window positions (unbatched (C, H, W) gives (C*kh*kw, L))."""
    fn = "unfold"
    check_tensor(input, fn)
    if input.ndim not in (3, 4):
        raise RuntimeError(f"{fn}(): expected 3-D (unbatched) or 4-D (batched) input, got "
                           f"input of size {list(input.shape)}")
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{fn}(): expected a floating point input, got {input.dtype}")
    k = _int_tuple(kernel_size, 2, fn, "kernel_size", 1)
    d = _int_tuple(dilation, 2, fn, "dilation", 1)
    p = _int_tuple(padding, 2, fn, "padding", 0)
    s = _int_tuple(stride, 2, fn, "stride", 1)
    x = input.unsqueeze(0) if input.ndim == 3 else input
    out_sp = tuple(_k.conv_out_size(n, *a) for n, a in zip(x.shape[2:], zip(k, s, p, d)))
    if any(o <= 0 for o in out_sp):
        raise RuntimeError(f"{fn}(): calculated number of sliding blocks {out_sp} is too small "
                           f"for input of size {list(input.shape)}, kernel_size={k}, "
                           f"dilation={d}, padding={p}, stride={s}")
    y = Unfold.apply(x, kernel_size=k, dilation=d, padding=p, stride=s)
    return y.squeeze(0) if input.ndim == 3 else y


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """col2im, as ``torch.nn.functional.fold``: (N, C*kh*kw, L) -> (N, C, H, W), summing
    the values of overlapping windows (unbatched (C*kh*kw, L) gives (C, H, W))."""
    fn = "fold"
    check_tensor(input, fn)
    if input.ndim not in (2, 3):
        raise RuntimeError(f"{fn}(): expected 2-D (unbatched) or 3-D (batched) input, got "
                           f"input of size {list(input.shape)}")
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{fn}(): expected a floating point input, got {input.dtype}")
    size = _int_tuple(output_size, 2, fn, "output_size", 1)
    k = _int_tuple(kernel_size, 2, fn, "kernel_size", 1)
    d = _int_tuple(dilation, 2, fn, "dilation", 1)
    p = _int_tuple(padding, 2, fn, "padding", 0)
    s = _int_tuple(stride, 2, fn, "stride", 1)
    x = input.unsqueeze(0) if input.ndim == 2 else input
    rows, L = x.shape[1], x.shape[2]
    if rows % (k[0] * k[1]):
        raise RuntimeError(f"{fn}(): expected size of input's dimension 1 to be divisible by "
                           f"the product of kernel_size, but got input.size(1)={rows} and "
                           f"kernel_size={k}")
    out_sp = tuple(_k.conv_out_size(n, *a) for n, a in zip(size, zip(k, s, p, d)))
    if any(o <= 0 for o in out_sp) or out_sp[0] * out_sp[1] != L:
        raise RuntimeError(f"{fn}(): given output_size={size}, kernel_size={k}, dilation={d}, "
                           f"padding={p}, stride={s}, expected size of input's dimension 2 to "
                           f"match the calculated number of sliding blocks "
                           f"{out_sp[0]} * {out_sp[1]} = {out_sp[0] * out_sp[1]}, but got "
                           f"input.size(2)={L}")
    y = Fold.apply(x, output_size=size, kernel_size=k, dilation=d, padding=p, stride=s)
    return y.squeeze(0) if input.ndim == 2 else y



# ============================================================ 3-d convolution
# A 3-d convolution is a 2-d one over (height, width) whose input channels are the
# (depth tap, channel) pairs: output depth od reads input depths od*sd - pd + i*dd for the
# kd taps i, so gathering those depth slices next to the channels gives
#
#     y[n, :, od] = conv2d(x3[n*OD + od], W3)          x3: (N*OD, G*kd*Cg, H, W)
#                                                       W3: (O, kd*Cg, kh, kw)
#
# one im2col and one GEMM, the same kernels as conv2d. The gather is index_select (its
# adjoint adds back, for overlapping depth windows), so every derivative, and the
# derivatives of those, come from conv2d's bilinear Functions and index_select/IndexAdd.
# The transposed convolution is the adjoint: conv_transpose2d produces every (input
# depth, tap) slice, and IndexAdd adds slice (id, i) into output depth id*sd + i*dd.
def _depth_index(xp, n_out, k, s, d):
    """Input positions od*s + i*d for od < n_out and taps i < k, od-major."""
    return (xp.arange(n_out)[:, None] * s + xp.arange(k)[None, :] * d).reshape(-1)


def _conv3d_padding(fn, padding, stride, dilation, ksize):
    """((front, back), (top, bottom), (left, right)) zero padding for conv3d."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * 3
        if padding == "same":
            if any(st != 1 for st in stride):
                raise ValueError(f"{fn}(): padding='same' is not supported for strided "
                                 f"convolutions (stride={stride})")
            totals = [d * (k - 1) for d, k in zip(dilation, ksize)]
            return tuple((t // 2, t - t // 2) for t in totals)
        raise ValueError(f"{fn}(): invalid padding string {padding!r}, should be one of "
                         "'valid' or 'same'")
    pad = _int_tuple(padding, 3, fn, "padding", 0)
    return tuple((p, p) for p in pad)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-d convolution, as ``torch.nn.functional.conv3d``: input (N, C, D, H, W) or
    (C, D, H, W); weight (O, C/groups, kd, kh, kw); bias (O,) or None; stride, dilation:
    int or triple; padding: int, triple, 'valid' or 'same'. See the comment above for how
    it runs as one conv2d."""
    from .shape import pad as _pad
    fn = "conv3d"
    x, unbatched = _check_operands(fn, input, weight, bias, 3)
    groups = _check_groups(groups, fn)
    stride = _int_tuple(stride, 3, fn, "stride", 1)
    dilation = _int_tuple(dilation, 3, fn, "dilation", 1)
    wshape = tuple(weight.shape)
    O, Cg, ksize = wshape[0], wshape[1], wshape[2:]
    N, C = x.shape[0], x.shape[1]
    if C != Cg * groups:
        raise RuntimeError(f"{fn}(): expected input with {Cg * groups} channels (weight of "
                           f"shape {wshape}, groups={groups}), got {C} channels")
    if O % groups:
        raise RuntimeError(f"{fn}(): out_channels {O} (weight of shape {wshape}) must be "
                           f"divisible by groups={groups}")
    _check_bias(fn, bias, O)
    pads = _conv3d_padding(fn, padding, stride, dilation, ksize)
    if any(a or b for a, b in pads):
        x = _pad(x, [v for ab in reversed(pads) for v in ab])
    D, H, W = x.shape[2:]
    out_sp = tuple(_k.conv_out_size(n, k, st, 0, d)
                   for n, k, st, d in zip((D, H, W), ksize, stride, dilation))
    _check_out_size(fn, tuple(input.shape[-3:]), out_sp, wshape)
    OD = out_sp[0]
    kd = ksize[0]
    xp = _xp(x._data)
    from ..tensor import _make
    idx = _make(_depth_index(xp, OD, kd, stride[0], dilation[0]))
    x3 = x.index_select(2, idx)                               # (N, C, OD*kd, H, W)
    x3 = x3.reshape(N, groups, Cg, OD, kd, H, W).permute(0, 3, 1, 4, 2, 5, 6)
    x3 = x3.reshape(N * OD, groups * kd * Cg, H, W)
    w3 = weight.permute(0, 2, 1, 3, 4).reshape(O, kd * Cg, ksize[1], ksize[2])
    y = Conv2dFunction.apply(x3, w3, None, stride=stride[1:], padding=(0, 0),
                             dilation=dilation[1:], groups=groups, out_hw=out_sp[1:])
    y = y.reshape(N, OD, O, *out_sp[1:]).permute(0, 2, 1, 3, 4)
    if bias is not None:
        y = y + bias.reshape(1, O, 1, 1, 1)
    return y.squeeze(0) if unbatched else y


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    """3-d transposed convolution, as ``torch.nn.functional.conv_transpose3d`` (the
    gradient of conv3d w.r.t. its input): input (N, C_in, D, H, W) or unbatched; weight
    (C_in, C_out/groups, kd, kh, kw); output size (n-1)*s - 2p + d(k-1) + output_padding + 1
    per dim."""
    from .indexing import IndexAdd
    fn = "conv_transpose3d"
    u, unbatched = _check_operands(fn, input, weight, bias, 3)
    groups = _check_groups(groups, fn)
    stride = _int_tuple(stride, 3, fn, "stride", 1)
    dilation = _int_tuple(dilation, 3, fn, "dilation", 1)
    if isinstance(padding, str):
        raise ValueError(f"{fn}(): string padding ({padding!r}) is not supported for "
                         "transposed convolutions")
    pad = _int_tuple(padding, 3, fn, "padding", 0)
    opad = _int_tuple(output_padding, 3, fn, "output_padding", 0)
    wshape = tuple(weight.shape)
    Cin, Og, ksize = wshape[0], wshape[1], wshape[2:]
    N, C, ID = u.shape[0], u.shape[1], u.shape[2]
    if C != Cin:
        raise RuntimeError(f"{fn}(): expected input with {Cin} channels (weight of shape "
                           f"{wshape}, groups={groups}), got {C} channels")
    if Cin % groups:
        raise RuntimeError(f"{fn}(): in_channels {Cin} (weight of shape {wshape}) must be "
                           f"divisible by groups={groups}")
    for op, st, d in zip(opad, stride, dilation):
        if op >= st and op >= d:
            raise ValueError(f"{fn}(): output padding must be smaller than either stride or "
                             f"dilation, got output_padding={opad}, stride={stride}, "
                             f"dilation={dilation}")
    _check_bias(fn, bias, Og * groups)
    in_sp = tuple(u.shape[2:])
    out_sp = tuple((n - 1) * st - 2 * p + d * (k - 1) + op + 1
                   for n, st, p, d, k, op in zip(in_sp, stride, pad, dilation, ksize, opad))
    _check_out_size(fn, in_sp, out_sp, wshape)
    kd, sd, pd, dd = ksize[0], stride[0], pad[0], dilation[0]
    IH, IW = in_sp[1:]
    # every (input depth, tap) slice: a 2-d transposed convolution whose output channels
    # are the (tap, channel) pairs of each group
    u2 = u.permute(0, 2, 1, 3, 4).reshape(N * ID, Cin, IH, IW)
    w2 = weight.permute(0, 2, 1, 3, 4).reshape(Cin, kd * Og, ksize[1], ksize[2])
    z = ConvTranspose2dFunction.apply(u2, w2, None, stride=stride[1:], padding=pad[1:],
                                      dilation=dilation[1:], groups=groups,
                                      out_hw=out_sp[1:])
    OH, OW = out_sp[1:]
    z = z.reshape(N, ID, groups, kd, Og, OH, OW).permute(0, 1, 3, 2, 4, 5, 6)
    z = z.reshape(N, ID * kd, groups * Og, OH, OW)
    full = max((ID - 1) * sd + dd * (kd - 1) + 1, pd + out_sp[0])
    xp = _xp(u._data)
    y = IndexAdd.apply(z, 1, _depth_index(xp, ID, kd, sd, dd), full)   # (N, full, Cout, OH, OW)
    y = y[:, pd:pd + out_sp[0]].permute(0, 2, 1, 3, 4)
    if bias is not None:
        y = y + bias.reshape(1, -1, 1, 1, 1)
    return y.squeeze(0) if unbatched else y
