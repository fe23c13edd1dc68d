"""linear: y = x W^T + b (nn.Linear's function).

Shapes: x (..., in), W (out, in), b (out,) or broadcastable to it; y (..., out).
With g = dL/dy and the leading dims of x and g flattened into one (N rows):

    dx = g W              (..., out) @ (out, in)  ->  (..., in)
    dW = g^T x            (out, N) @ (N, in)      ->  (out, in)
    db = sum over rows of g                       ->  (out,)

One Function does the whole layer, so a training step records one node per Linear rather
than a transpose, a matmul and an add. Its backward has two faces computing the same
products: with Tensor ops when the backward is itself recorded (create_graph=True, for
double backward), and directly on the arrays otherwise (the usual training step), which
skips the bookkeeping of four small graph operations per layer.
"""
from __future__ import annotations

from .. import backend
from ..autograd.function import Function
from ..autograd.grad_mode import STATE as _GRAD_MODE
from ..tensor import _make
from ._util import check_tensor, sum_to, input_shape
from .linalg import MatMul

_xp = backend.get_array_module

__all__ = ["linear", "bilinear"]


class Linear(Function):
    """y = x @ W^T + b;  dx = g @ W,  dW = g^T @ x,  db = sum of g over the leading dims.

    Backward is built from MatMul, reshape and sum on Tensors, so it differentiates again
    (d(dx)/dW, d(dW)/dx, ... come out of those ops' own backwards)."""

    @staticmethod
    def forward(ctx, x, w, b=None):
        ctx.save_for_backward(x, w)
        out = _matmul_rows(x, w.T)    # BLAS reads the transposed view without a copy
        if b is not None:
            out += b                  # `out` is a fresh array: adding in place is safe
        return out

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        nx, nw, nb = ctx.needs_input_grad
        if not _GRAD_MODE.enabled:
            return _backward_arrays(ctx, g._data, x._data, w._data, nx, nw, nb)
        gx = gw = gb = None
        if nx:
            gx = MatMul.apply(g, w)
        if nw or nb:
            n_out = w._data.shape[0]
            g2 = g if g.ndim == 2 else g.reshape(-1, n_out)
            if nw:
                x2 = x if x.ndim == 2 else x.reshape(-1, w._data.shape[1])
                gw = MatMul.apply(g2.mT, x2)
            if nb:
                gb = sum_to(g2.sum(0), input_shape(ctx, 2))
        return gx, gw, gb


def _matmul_rows(a, m):
    """a (..., k) @ m (k, n) as one GEMM over all rows: NumPy's matmul on a 3-d `a` runs
    one small GEMM per leading index, 3-8x slower (a (128, 16, 256) input, for one)."""
    if a.ndim <= 2:
        return _xp(a).matmul(a, m)
    out = _xp(a).matmul(a.reshape(-1, a.shape[-1]), m)
    return out.reshape(a.shape[:-1] + (m.shape[1],))


def _backward_arrays(ctx, g, x, w, nx, nw, nb):
    """The same gradients as Linear.backward, on arrays (nothing to record)."""
    xp = _xp(g)
    gx = gw = gb = None
    if nx:
        gx = _make(_matmul_rows(g, w))
    if nw or nb:
        g2 = g if g.ndim == 2 else g.reshape(-1, w.shape[0])
        if nw:
            x2 = x if x.ndim == 2 else x.reshape(-1, w.shape[1])
            gw = _make(xp.matmul(g2.T, x2))
        if nb:
            gb = g2.sum(axis=0)
            bshape = input_shape(ctx, 2)
            if gb.shape != bshape:
                gb = gb.sum(keepdims=True).reshape(bshape)   # a broadcast bias: () or (1,)
            gb = _make(gb)
    return gx, gw, gb


def linear(input, weight, bias=None):
    """y = input @ weight^T + bias, as ``torch.nn.functional.linear``.

    input (..., in) or (in,); weight (out, in) (or (in,), giving one output per row);
    bias (out,) or anything that broadcasts to it, or None."""
    check_tensor(input, "linear")
    check_tensor(weight, "linear", "weight")
    if bias is not None:
        check_tensor(bias, "linear", "bias")
    if input.ndim == 0 or weight.ndim == 0 or weight.ndim > 2:
        raise RuntimeError(f"linear(): expected input with at least 1 dim and a 1-D or 2-D "
                           f"weight, got input {tuple(input.shape)} and weight "
                           f"{tuple(weight.shape)}")
    dt = input._data.dtype
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t._data.dtype != dt:
            raise RuntimeError(f"linear(): expected input and {name} to have the same dtype, "
                               f"but got {input.dtype} and {t.dtype}")
    if dt.kind != "f":
        raise RuntimeError(f"linear(): expected a floating point input, got {input.dtype}")
    if weight.ndim == 1:  # y = input @ weight (+ bias): one output per row
        out = linear(input, weight.reshape(1, -1), None).squeeze(-1)
        return out if bias is None else out + bias
    n_in = weight._data.shape[1]
    if input._data.shape[-1] != n_in:
        rows = input.numel() // max(input._data.shape[-1], 1) if input.ndim > 1 else 1
        raise RuntimeError(f"linear(): mat1 and mat2 shapes cannot be multiplied "
                           f"({rows}x{input._data.shape[-1]} and {n_in}x{weight._data.shape[0]}); "
                           f"input {tuple(input.shape)}, weight {tuple(weight.shape)} "
                           "(weight is (out_features, in_features))")
    if bias is not None:
        n_out = weight._data.shape[0]
        if bias.ndim > 1 or bias.numel() not in (1, n_out):
            raise RuntimeError(f"linear(): bias of shape {tuple(bias.shape)} does not match "
                               f"out_features = {n_out} (expected shape ({n_out},))")
    if input.ndim == 1:
        return Linear.apply(input.reshape(1, -1), weight, bias).reshape(-1)
    return Linear.apply(input, weight, bias)


def bilinear(input1, input2, weight, bias=None):
    """y[..., o] = sum_ij input1[..., i] W[o, i, j] input2[..., j] + b[o], as
    ``torch.nn.functional.bilinear``: input1 (..., in1), input2 (..., in2) with the same
    leading dims, weight (out, in1, in2), bias (out,) or None.

    Computed as one matmul and a product-sum, T = x1 @ W' with W' = W laid out as
    (in1, out * in2), then y = sum_j T[..., o, j] x2[..., j]; so
        dx1 = (g x2^T) contracted with W,   dx2 = sum_o g_o (x1^T W_o),
        dW[o] = sum over rows of g_o x1 x2^T,   db = sum over rows of g
    come from the matmul, mul and sum backwards (and differentiate again)."""
    fn = "bilinear"
    for arg, t in (("input1", input1), ("input2", input2), ("weight", weight)):
        check_tensor(t, fn, arg)
    if weight.ndim != 3:
        raise RuntimeError(f"{fn}(): weight must be 3-D (out_features, in1_features, "
                           f"in2_features), got shape {tuple(weight.shape)}")
    s1, s2 = tuple(input1.shape), tuple(input2.shape)
    if len(s1) != len(s2) or len(s1) == 0:
        raise RuntimeError(f"{fn}(): input1 and input2 must have the same number of dimensions "
                           f"(at least 1), got shapes {s1} and {s2}")
    for d, (a, b) in enumerate(zip(s1[:-1], s2[:-1])):
        if a != b:
            raise RuntimeError(f"{fn}(): input batch dimensions do not match at dim {d}: got "
                               f"{a} and {b}")
    n_out, n1, n2 = tuple(weight.shape)
    if s1[-1] != n1:
        raise RuntimeError(f"{fn}(): input1 size does not match weight size: got {s1[-1]} but "
                           f"expected {n1}")
    if s2[-1] != n2:
        raise RuntimeError(f"{fn}(): input2 size does not match weight size: got {s2[-1]} but "
                           f"expected {n2}")
    dt = input1._data.dtype
    for arg, t in (("input2", input2), ("weight", weight), ("bias", bias)):
        if t is not None and t._data.dtype != dt:
            raise RuntimeError(f"{fn}(): expected input1 and {arg} to have the same dtype, but "
                               f"got {input1.dtype} and {t.dtype}")
    if dt.kind != "f":
        raise RuntimeError(f"{fn}(): expected floating point inputs, got {input1.dtype}")
    if bias is not None:
        check_tensor(bias, fn, "bias")
        if tuple(bias.shape) != (n_out,):
            got = bias.shape[-1] if bias.ndim else tuple(bias.shape)
            raise RuntimeError(f"{fn}(): bias size does not match weight size: got {got} but "
                               f"expected {n_out}")
    lead = s1[:-1]
    x1 = input1.reshape(-1, n1)
    x2 = input2.reshape(-1, n2)
    wt = weight.permute(1, 0, 2).reshape(n1, n_out * n2)
    t = MatMul.apply(x1, wt).reshape(-1, n_out, n2)
    y = (t * x2.unsqueeze(1)).sum(-1)
    if bias is not None:
        y = y + bias
    return y.reshape(lead + (n_out,))
