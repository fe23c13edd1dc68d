"""The gradients of a convolution as functions of their own, as ``torch.nn.grad``:
conv{1,2,3}d_input (the gradient w.r.t. the input, a transposed convolution of
grad_output) and conv{1,2,3}d_weight (the gradient w.r.t. the weight), for custom
autograd Functions that fuse a convolution with something else.

Each is the vector-Jacobian product of the convolution, computed by minitorch's own
backward: a convolution is linear in its input and in its weight, so differentiating it at
zeros gives the exact gradient. With grad mode on, the result keeps its graph (the
backward Functions are differentiable), so these can be differentiated again.
"""
from __future__ import annotations

from ..autograd.grad_mode import STATE as _GRAD_MODE, enable_grad
from ..tensor import _make
from ._util import check_tensor
from . import conv as _conv

__all__ = ["conv1d_input", "conv1d_weight", "conv2d_input", "conv2d_weight", "conv3d_input",
           "conv3d_weight"]

_CONV = {1: _conv.conv1d, 2: _conv.conv2d, 3: _conv.conv3d}


def _vjp(nsp, fn, which, input, weight, grad_output, stride, padding, dilation, groups):
    """The gradient of conv{nsp}d(input, weight) w.r.t. input (which=0) or weight (1),
    for the upstream gradient grad_output."""
    from ..autograd import grad
    check_tensor(grad_output, fn, "grad_output")
    keep = _GRAD_MODE.enabled and any(
        t._rg for t in (input, weight, grad_output) if t is not None and t._rg is not None)
    with enable_grad():
        x = input.detach().requires_grad_() if which == 0 else input
        w = weight.detach().requires_grad_() if which == 1 else weight
        y = _CONV[nsp](x, w, None, stride, padding, dilation, groups)
        if tuple(y.shape) != tuple(grad_output.shape):
            raise RuntimeError(f"{fn}(): grad_output of shape {tuple(grad_output.shape)} does "
                               f"not match the convolution's output shape {tuple(y.shape)}")
        g, = grad(y, x if which == 0 else w, grad_output, create_graph=keep)
    return g


def _zeros(size, like, fn, arg):
    size = tuple(int(s) for s in size)
    check_tensor(like, fn, "weight" if arg == "input_size" else "input")
    xp_arr = like._data
    from .. import backend
    xp = backend.get_array_module(xp_arr)
    return _make(xp.zeros(size, dtype=xp_arr.dtype))


def _input_fn(nsp):
    name = f"conv{nsp}d_input"

    def f(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
        x = _zeros(input_size, weight, name, "input_size")
        return _vjp(nsp, name, 0, x, weight, grad_output, stride, padding, dilation, groups)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = (f"The gradient of conv{nsp}d w.r.t. its input (of size input_size), for "
                 "grad_output: the transposed convolution of grad_output with weight.")
    return f


def _weight_fn(nsp):
    name = f"conv{nsp}d_weight"

    def f(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
        w = _zeros(weight_size, input, name, "weight_size")
        return _vjp(nsp, name, 1, input, w, grad_output, stride, padding, dilation, groups)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = (f"The gradient of conv{nsp}d w.r.t. its weight (of size weight_size), for "
                 "input and grad_output.")
    return f


conv1d_input, conv1d_weight = _input_fn(1), _weight_fn(1)
conv2d_input, conv2d_weight = _input_fn(2), _weight_fn(2)
conv3d_input, conv3d_weight = _input_fn(3), _weight_fn(3)
