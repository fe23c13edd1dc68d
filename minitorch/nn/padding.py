"""Padding modules: Zero/Constant/Reflection/Replication/CircularPad{1,2,3}d over F.pad.

`padding` is an int (the same on every side) or a tuple in F.pad's order: (left, right)
for the last dim, then (top, bottom), then (front, back). An NdPad pads the last N dims
of an (N+1)-d (unbatched) or (N+2)-d (batched) input; the constant modes also take any
input with at least N dims, as in PyTorch. The gradient of padding is the crop of the
upstream gradient (constant), or adds the reflected/replicated/wrapped positions back
onto the ones they were copied from (see F.pad).
"""
from __future__ import annotations

import numbers

from ..functional.shape import pad as _pad
from .module import Module

__all__ = ["ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d",
           "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
           "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d",
           "CircularPad2d", "CircularPad3d"]


def _padding_tuple(padding, n, cls):
    """An int or a tuple of 2n ints -> a tuple of 2n ints (torch's _ntuple(2n))."""
    if isinstance(padding, numbers.Integral) and not isinstance(padding, bool):
        return (int(padding),) * (2 * n)
    if isinstance(padding, (tuple, list)) and len(padding) == 2 * n and all(
            isinstance(p, numbers.Integral) and not isinstance(p, bool) for p in padding):
        return tuple(int(p) for p in padding)
    raise TypeError(f"{cls}: padding must be an int or a tuple of {2 * n} ints, got {padding!r}")


class _PadNd(Module):
    _n = 1
    _mode = "constant"

    def __init__(self, padding):
        super().__init__()
        self.padding = _padding_tuple(padding, self._n, type(self).__name__)

    def _check_dims(self, input):
        """PyTorch's rule for the non-constant modes: 2n padding values pad an (n+1)-d or
        (n+2)-d input."""
        nd, size = input.ndim, 2 * self._n
        if nd not in (self._n + 1, self._n + 2):
            raise NotImplementedError(
                f"Padding size {size} is not supported for {nd}D input tensor.\n"
                "Supported combinations for non-constant padding:\n"
                "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
                "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
                "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")

    def forward(self, input):
        self._check_dims(input)
        return _pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def _check_dims(self, input):
        if len(self.padding) > 2 * input.ndim:
            raise RuntimeError(f"Padding length should be less than or equal to two times the "
                               f"input dimension but got padding length {len(self.padding)} "
                               f"and input of dimension {input.ndim}")

    def forward(self, input):
        self._check_dims(input)
        return _pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with `value`: (N, C, W) -> (N, C, W + left + right)."""
    _n = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last 2 dims with `value`."""
    _n = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last 3 dims with `value`."""
    _n = 3


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd):
    """Pad the last dim with zeros."""
    _n = 1


class ZeroPad2d(_ZeroPadNd):
    """Pad the last 2 dims with zeros."""
    _n = 2


class ZeroPad3d(_ZeroPadNd):
    """Pad the last 3 dims with zeros."""
    _n = 3


class ReflectionPad1d(_PadNd):
    """Pad the last dim with its reflection (the edge value not repeated): padding must be
    smaller than the dim."""
    _n, _mode = 1, "reflect"


class ReflectionPad2d(_PadNd):
    """Pad the last 2 dims with their reflection."""
    _n, _mode = 2, "reflect"


class ReflectionPad3d(_PadNd):
    """Pad the last 3 dims with their reflection."""
    _n, _mode = 3, "reflect"


class ReplicationPad1d(_PadNd):
    """Pad the last dim by repeating its edge values."""
    _n, _mode = 1, "replicate"


class ReplicationPad2d(_PadNd):
    """Pad the last 2 dims by repeating their edge values."""
    _n, _mode = 2, "replicate"


class ReplicationPad3d(_PadNd):
    """Pad the last 3 dims by repeating their edge values."""
    _n, _mode = 3, "replicate"


class _CircularPadNd(_PadNd):
    _mode = "circular"

    def _check_dims(self, input):
        n = self._n
        if input.ndim not in (n + 1, n + 2):
            raise ValueError(f"expected {n + 1}D or {n + 2}D input (got {input.ndim}D input)")


class CircularPad1d(_CircularPadNd):
    """Pad the last dim with the values from its other end (periodic boundary)."""
    _n = 1


class CircularPad2d(_CircularPadNd):
    """Pad the last 2 dims periodically."""
    _n = 2


class CircularPad3d(_CircularPadNd):
    """Pad the last 3 dims periodically."""
    _n = 3
