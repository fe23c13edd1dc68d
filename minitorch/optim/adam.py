"""Adam and AdamW (PyTorch's update rules, amsgrad included)."""
from __future__ import annotations

from .. import kernels
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_flags, _to_scalar

__all__ = ["Adam", "AdamW"]


def lerp_(start, end, weight: float):
    """start <- start + weight * (end - start), in place, in torch's two-branch form
    (``end - (end - start) * (1 - weight)`` for weight >= 0.5), which rounds like torch."""
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        start[...] = end - (end - start) * (1 - weight)
    return start


class Adam(Optimizer):
    r"""Adam (Kingma & Ba), exactly torch.optim.Adam.

    For each parameter :math:`\theta` with gradient :math:`g`, at step :math:`t`::

        g <- -g                                      if maximize
        theta <- theta * (1 - lr * lambda)           if weight_decay and decoupled (AdamW)
        g <- g + lambda * theta                      if weight_decay and not decoupled
        m <- beta1 * m + (1 - beta1) * g             (as torch: m.lerp_(g, 1 - beta1))
        v <- beta2 * v + (1 - beta2) * g * g
        v_max <- max(v_max, v)                       if amsgrad (and v_max is used below)
        denom <- sqrt(v) / sqrt(1 - beta2^t) + eps   (eps after the bias correction)
        theta <- theta - lr / (1 - beta1^t) * m / denom

    State per parameter: ``step`` (a 0-d float32 tensor on the CPU), ``exp_avg``,
    ``exp_avg_sq`` and, with amsgrad, ``max_exp_avg_sq``. ``foreach``, ``fused`` and
    ``capturable`` are accepted for compatibility and change nothing.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        if not 0.0 <= _to_scalar(lr):
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        betas = tuple(_to_scalar(b) for b in betas)
        if len(betas) != 2:
            raise ValueError(f"{type(self).__name__}: betas must be a pair (beta1, beta2), got "
                             f"{len(betas)} values")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        _check_flags(type(self).__name__, differentiable, fused, foreach)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    # defaults for groups saved by older versions (as torch's __setstate__)
    _group_defaults = {"amsgrad": False, "maximize": False, "foreach": None,
                       "capturable": False, "differentiable": False,
                       "decoupled_weight_decay": False, "fused": None}

    def step(self, closure=None):
        """One Adam step over every parameter that has a gradient; returns closure()'s loss."""
        loss = self._run_closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr = _to_scalar(group["lr"])
                beta1, beta2 = (_to_scalar(b) for b in group["betas"])
                eps, weight_decay = group["eps"], group["weight_decay"]
                amsgrad, maximize = group["amsgrad"], group["maximize"]
                decoupled = group.get("decoupled_weight_decay", False)
                for p, g in self._params_with_grad(group):
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = self._step_tensor()
                        state["exp_avg"] = self._zeros_state(p)
                        state["exp_avg_sq"] = self._zeros_state(p)
                        if amsgrad:
                            state["max_exp_avg_sq"] = self._zeros_state(p)
                    theta = p._data
                    m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
                    state["step"]._data += 1
                    step = float(state["step"]._data)
                    if maximize:
                        g = -g
                    if weight_decay != 0:
                        if decoupled:
                            theta *= 1 - lr * weight_decay
                        else:
                            g = g + weight_decay * theta
                    bias_correction1 = 1 - beta1 ** step
                    bias_correction2 = 1 - beta2 ** step
                    step_size = lr / bias_correction1
                    bias_correction2_sqrt = bias_correction2 ** 0.5
                    vmax = state["max_exp_avg_sq"]._data if amsgrad else None
                    # m, v (and vmax) and theta in place, op for op as the class docstring
                    # (one Numba pass on the CPU; kernels/adam_update.py)
                    kernels.get("adam_update", theta)(theta, g, m, v, vmax, beta1, beta2,
                                                      step_size, bias_correction2_sqrt, eps)
                    self._bump(p)
        return loss


class AdamW(Adam):
    r"""AdamW (Loshchilov & Hutter): Adam whose weight decay is decoupled from the
    gradient, ``theta <- theta * (1 - lr * weight_decay)`` before the Adam update, so it
    does not pass through the moment estimates. Exactly torch.optim.AdamW (default
    weight_decay=1e-2); see Adam for the rest of the rule."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
