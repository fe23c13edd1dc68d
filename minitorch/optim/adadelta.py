"""Adadelta (PyTorch's update rule)."""
from __future__ import annotations

from .. import backend
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_flags, _to_scalar

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler), exactly torch.optim.Adadelta.

    For each parameter :math:`\theta` with gradient :math:`g`::

        g <- -g                                  if maximize
        g <- g + lambda * theta                  if weight_decay != 0
        v <- rho * v + (1 - rho) * g * g         (square_avg)
        d <- sqrt(u + eps) / sqrt(v + eps) * g   (u: acc_delta, the old value)
        u <- rho * u + (1 - rho) * d * d
        theta <- theta - lr * d

    State per parameter: ``step``, ``square_avg``, ``acc_delta``.
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        if not 0.0 <= _to_scalar(lr):
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        _check_flags("Adadelta", differentiable, None, foreach)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    # defaults for groups saved by older versions (as torch's __setstate__)
    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False,
                       "capturable": False}

    def step(self, closure=None):
        """One Adadelta step over every parameter that has a gradient."""
        loss = self._run_closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr = _to_scalar(group["lr"])
                rho, eps = group["rho"], group["eps"]
                weight_decay, maximize = group["weight_decay"], group["maximize"]
                for p, g in self._params_with_grad(group):
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = self._step_tensor()
                        state["square_avg"] = self._zeros_state(p)
                        state["acc_delta"] = self._zeros_state(p)
                    theta = p._data
                    xp = backend.get_array_module(theta)
                    state["step"]._data += 1
                    if maximize:
                        g = -g
                    if weight_decay != 0:
                        g = g + weight_decay * theta
                    v, u = state["square_avg"]._data, state["acc_delta"]._data
                    v *= rho
                    v += (1 - rho) * g * g
                    std = xp.sqrt(v + eps)
                    delta = xp.sqrt(u + eps)
                    delta /= std
                    delta *= g
                    u *= rho
                    u += (1 - rho) * delta * delta
                    theta += -lr * delta
                    self._bump(p)
        return loss
