"""Autograd: Function (how to add a differentiable op), the backward engine, grad modes,
and gradcheck / gradgradcheck for checking derivatives by finite differences; also
PyTorch's autograd.functional (jacobian, hessian, vjp, jvp...), anomaly detection and
the profiler."""
from .grad_mode import (no_grad, enable_grad, set_grad_enabled, is_grad_enabled,
                        inference_mode, is_inference_mode_enabled)
from .function import Function
from .engine import backward, grad
from .gradcheck import gradcheck, gradgradcheck, GradcheckError
from .anomaly_mode import (detect_anomaly, set_detect_anomaly, is_anomaly_enabled,
                           is_anomaly_check_nan_enabled)
from . import functional
from . import profiler
from ..tensor import Tensor as _Tensor


class _VariableMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, _Tensor)

    def __call__(cls, data=None, requires_grad: bool = False, volatile: bool = False):
        if data is None:
            from ..creation import empty
            data = empty(0)
        if not isinstance(data, _Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        out = data.detach()
        if requires_grad:
            out.requires_grad_(True)
        return out


class Variable(metaclass=_VariableMeta):
    """The pre-0.4 PyTorch wrapper, now the tensor itself: ``Variable(t)`` is a tensor
    sharing t's data, ``Variable(t, requires_grad=True)`` a leaf that requires grad, and
    every tensor is an instance of Variable."""


__all__ = ["Function", "backward", "grad", "no_grad", "enable_grad", "set_grad_enabled",
           "is_grad_enabled", "inference_mode", "is_inference_mode_enabled", "gradcheck",
           "gradgradcheck", "GradcheckError", "detect_anomaly", "set_detect_anomaly",
           "is_anomaly_enabled", "is_anomaly_check_nan_enabled", "functional", "profiler",
           "Variable"]
