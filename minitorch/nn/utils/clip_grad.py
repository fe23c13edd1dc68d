"""clip_grad_norm_ and clip_grad_value_ (plus their two halves, get_total_norm and
clip_grads_with_norm_), as in torch.nn.utils.

Gradient norm clipping treats all the gradients as one long vector g:

    total_norm = ||g||_p  (the p-norm of the per-tensor p-norms: the same number)
    clip_coef  = min(max_norm / (total_norm + 1e-6), 1)
    g         <- g * clip_coef      (every gradient, in place)

so gradients are only ever scaled down, and the direction of g is kept. Value clipping
clamps each gradient element to [-clip_value, clip_value] instead.
"""
from __future__ import annotations

import types
import warnings

from ...autograd.grad_mode import no_grad
from ...creation import tensor as _tensor
from ...functional.reduction import norm as _norm
from ...functional.shape import stack as _stack
from ...functional.comparison import isfinite as _isfinite
from ...tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm",
           "clip_grads_with_norm_"]


def _as_list(parameters, fn):
    if isinstance(parameters, Tensor):
        return [parameters]
    try:
        return list(parameters)
    except TypeError:
        raise TypeError(f"{fn}(): argument 'parameters' must be a Tensor or an iterable of "
                        f"Tensors, got {type(parameters).__name__}") from None


@no_grad()
def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The p-norm of all `tensors` seen as one vector: ||(||t_1||_p, ..., ||t_k||_p)||_p.
    A 0-d tensor on the first tensor's device (float32 0 when there are none)."""
    tensors = _as_list(tensors, "get_total_norm")
    norm_type = float(norm_type)
    if len(tensors) == 0:
        return _tensor(0.0)
    first_device = tensors[0].device
    norms = [_norm(t, norm_type).to(first_device) for t in tensors]
    total_norm = _norm(_stack(norms), norm_type)
    if error_if_nonfinite and not bool(_isfinite(total_norm)):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the "
            "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
    return total_norm


@no_grad()
def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale every gradient in place by min(max_norm / (total_norm + 1e-6), 1)."""
    parameters = _as_list(parameters, "clip_grads_with_norm_")
    grads = [p.grad for p in parameters if p.grad is not None]
    max_norm = float(max_norm)
    if len(grads) == 0:
        return
    clip_coef = max_norm / (total_norm + 1e-6)
    clip_coef_clamped = clip_coef.clamp(max=1.0)
    for g in grads:
        g.mul_(clip_coef_clamped.to(g.device))


@no_grad()
def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    """Clip the gradients of `parameters` (a Tensor or an iterable of them) so that their
    total p-norm (norm_type; float('inf') for the largest absolute value) is at most
    about max_norm; gradients are changed in place. Returns the total norm before
    clipping, a 0-d tensor. `foreach` is accepted for PyTorch compatibility and ignored."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        is_generator = isinstance(parameters, types.GeneratorType)
        parameters = _as_list(parameters, "clip_grad_norm_")
        if is_generator and len(parameters) == 0:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.",
                          stacklevel=3)
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                   foreach=None):
    """Deprecated spelling of clip_grad_norm_ (as in PyTorch)."""
    warnings.warn("`minitorch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`minitorch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


@no_grad()
def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient element of `parameters` to [-clip_value, clip_value], in
    place. Returns None."""
    parameters = _as_list(parameters, "clip_grad_value_")
    clip_value = float(clip_value)
    for p in parameters:
        if p.grad is not None:
            p.grad.clamp_(min=-clip_value, max=clip_value)
