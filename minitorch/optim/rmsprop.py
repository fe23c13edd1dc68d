"""RMSprop (PyTorch's update rule: alpha, momentum, centered)."""
from __future__ import annotations

from .. import backend
from ..autograd.grad_mode import no_grad
from .adam import lerp_
from .optimizer import Optimizer, _check_flags, _to_scalar

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop (Hinton), exactly torch.optim.RMSprop.

    For each parameter :math:`\theta` with gradient :math:`g`::

        g <- -g                                   if maximize
        g <- g + lambda * theta                   if weight_decay != 0
        v <- alpha * v + (1 - alpha) * g * g      (square_avg)
        if centered:
            a <- alpha * a + (1 - alpha) * g      (grad_avg)
            r <- sqrt(v - a * a) + eps
        else:
            r <- sqrt(v) + eps                    (eps outside the root, as torch)
        if momentum > 0:
            b <- momentum * b + g / r;  theta <- theta - lr * b
        else:
            theta <- theta - lr * g / r

    State per parameter: ``step``, ``square_avg``, plus ``momentum_buffer`` (momentum > 0)
    and ``grad_avg`` (centered).
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        if not 0.0 <= _to_scalar(lr):
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        _check_flags("RMSprop", differentiable, None, foreach)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    # defaults for groups saved by older versions (as torch's __setstate__)
    _group_defaults = {"momentum": 0, "centered": False, "foreach": None, "maximize": False,
                       "differentiable": False, "capturable": False}

    def step(self, closure=None):
        """One RMSprop step over every parameter that has a gradient."""
        loss = self._run_closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr = _to_scalar(group["lr"])
                alpha, eps = group["alpha"], group["eps"]
                weight_decay, momentum = group["weight_decay"], group["momentum"]
                centered, maximize = group["centered"], group["maximize"]
                for p, g in self._params_with_grad(group):
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = self._step_tensor()
                        state["square_avg"] = self._zeros_state(p)
                        if momentum > 0:
                            state["momentum_buffer"] = self._zeros_state(p)
                        if centered:
                            state["grad_avg"] = self._zeros_state(p)
                    theta = p._data
                    xp = backend.get_array_module(theta)
                    state["step"]._data += 1
                    if maximize:
                        g = -g
                    if weight_decay != 0:
                        g = g + weight_decay * theta
                    v = state["square_avg"]._data
                    v *= alpha
                    v += (1 - alpha) * g * g
                    if centered:
                        a = lerp_(state["grad_avg"]._data, g, 1 - alpha)
                        avg = xp.sqrt(v + (-1 * a) * a)
                    else:
                        avg = xp.sqrt(v)
                    avg += eps
                    if momentum > 0:
                        b = state["momentum_buffer"]._data
                        b *= momentum
                        b += g / avg
                        theta += -lr * b
                    else:
                        theta += -lr * g / avg
                    self._bump(p)
        return loss
