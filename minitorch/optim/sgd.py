"""SGD: stochastic gradient descent, optionally with momentum (PyTorch's update rule)."""
from __future__ import annotations

from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_flags, _to_scalar

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent (optionally with momentum), exactly torch.optim.SGD.

    For each parameter :math:`\theta` with gradient :math:`g` (lr :math:`\gamma`, weight
    decay :math:`\lambda`, momentum :math:`\mu`, dampening :math:`\tau`)::

        g <- -g                         if maximize
        g <- g + lambda * theta         if weight_decay != 0
        if momentum != 0:
            b <- g                      on the first step (no dampening)
            b <- mu * b + (1 - tau) * g afterwards
            g <- g + mu * b             if nesterov, else g <- b
        theta <- theta - gamma * g

    Note the momentum form is PyTorch's (lr applied after the buffer), not Sutskever's.
    The state of a parameter is ``{"momentum_buffer": b}`` when momentum != 0, else empty.
    ``foreach`` and ``fused`` are accepted for compatibility and change nothing.
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None, differentiable=False,
                 fused=None):
        if _to_scalar(lr) < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        _check_flags("SGD", differentiable, fused, foreach)
        super().__init__(params, defaults)

    # defaults for groups saved by older versions (as torch's __setstate__)
    _group_defaults = {"nesterov": False, "maximize": False, "foreach": None,
                       "differentiable": False, "fused": False}

    def step(self, closure=None):
        """One SGD step over every parameter that has a gradient; returns closure()'s loss."""
        loss = self._run_closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr = _to_scalar(group["lr"])
                momentum, dampening = group["momentum"], group["dampening"]
                weight_decay, nesterov = group["weight_decay"], group["nesterov"]
                maximize = group["maximize"]
                for p, g in self._params_with_grad(group):
                    theta = p._data
                    if maximize:
                        g = -g
                    if weight_decay != 0:
                        g = g + weight_decay * theta
                    if momentum != 0:
                        state = self.state[p]
                        buf = state.get("momentum_buffer")
                        if buf is None:
                            buf = self._zeros_state(p)
                            buf._data[...] = g
                            state["momentum_buffer"] = buf
                        else:
                            b = buf._data
                            b *= momentum
                            b += (1 - dampening) * g
                        g = g + momentum * buf._data if nesterov else buf._data
                    theta += -lr * g
                    self._bump(p)
        return loss
