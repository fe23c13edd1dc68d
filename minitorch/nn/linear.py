"""Identity and Linear (PyTorch's layout and default initialization)."""
from __future__ import annotations

import math

from .. import creation
from ..functional.linear import linear, bilinear
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["Identity", "Linear", "Bilinear"]


class Identity(Module):
    """Returns its input; accepts and ignores any arguments (a placeholder layer)."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


def _check_features(value, cls, arg):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{cls}: '{arg}' must be a non-negative int, got {value!r}")
    return value


class Linear(Module):
    """y = x W^T + b with W (out_features, in_features) and b (out_features,).

    Default initialization (PyTorch's): W ~ U(-1/sqrt(in_features), 1/sqrt(in_features))
    through kaiming_uniform_(a=sqrt(5)), and b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = _check_features(in_features, "Linear", "in_features")
        self.out_features = _check_features(out_features, "Linear", "out_features")
        self.weight = Parameter(creation.empty((out_features, in_features), device=device,
                                               dtype=dtype))
        if bias:
            self.bias = Parameter(creation.empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        # kaiming_uniform_ with a = sqrt(5): gain sqrt(2 / (1 + 5)), so the bound
        # gain * sqrt(3 / fan_in) is 1 / sqrt(fan_in)
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        return linear(input, self.weight, self.bias)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Bilinear(Module):
    """y = x1^T W x2 + b per output feature: W (out_features, in1_features, in2_features),
    b (out_features,). Initialized as PyTorch: both uniform on +-1/sqrt(in1_features)."""

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None,
                 dtype=None):
        super().__init__()
        self.in1_features = _check_features(in1_features, "Bilinear", "in1_features")
        self.in2_features = _check_features(in2_features, "Bilinear", "in2_features")
        self.out_features = _check_features(out_features, "Bilinear", "out_features")
        self.weight = Parameter(creation.empty((out_features, in1_features, in2_features),
                                               device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(creation.empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1 / math.sqrt(self.weight.shape[1]) if self.weight.shape[1] else 0.0
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
