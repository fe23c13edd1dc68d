"""Autograd: Function (how to add a differentiable op), the backward engine, grad modes,
and gradcheck / gradgradcheck for checking derivatives by finite differences."""
from .grad_mode import no_grad, enable_grad, set_grad_enabled, is_grad_enabled
from .function import Function
from .engine import backward, grad
from .gradcheck import gradcheck, gradgradcheck, GradcheckError

__all__ = ["Function", "backward", "grad", "no_grad", "enable_grad", "set_grad_enabled",
           "is_grad_enabled", "gradcheck", "gradgradcheck", "GradcheckError"]
