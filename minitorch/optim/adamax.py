"""Adamax (PyTorch's update rule)."""
from __future__ import annotations

from .. import backend
from ..autograd.grad_mode import no_grad
from .adam import lerp_
from .optimizer import Optimizer, _check_betas, _check_flags, _check_lr, _to_scalar

__all__ = ["Adamax"]


class Adamax(Optimizer):
    r"""Adamax (Kingma & Ba, section 7): Adam with the infinity norm, exactly
    torch.optim.Adamax.

    For each parameter :math:`\theta` with gradient :math:`g`, at step :math:`t`::

        g <- -g                                  if maximize
        g <- g + lambda * theta                  if weight_decay != 0
        m <- beta1 * m + (1 - beta1) * g         (exp_avg, torch's lerp)
        u <- max(beta2 * u, |g| + eps)           (exp_inf)
        theta <- theta - lr / (1 - beta1^t) * m / u

    State per parameter: ``step`` (a 0-d float32 tensor on the CPU), ``exp_avg``,
    ``exp_inf``. ``foreach`` and ``capturable`` are accepted and change nothing.
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        betas = _check_betas(betas)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        _check_flags("Adamax", differentiable, None, foreach)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False,
                       "capturable": False}

    def step(self, closure=None):
        """One Adamax step over every parameter that has a gradient."""
        loss = self._run_closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr = _to_scalar(group["lr"])
                beta1, beta2 = (_to_scalar(b) for b in group["betas"])
                eps, weight_decay = group["eps"], group["weight_decay"]
                for p, g in self._params_with_grad(group):
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = self._step_tensor()
                        state["exp_avg"] = self._zeros_state(p)
                        state["exp_inf"] = self._zeros_state(p)
                    theta = p._data
                    xp = backend.get_array_module(theta)
                    state["step"]._data += 1
                    if group["maximize"]:
                        g = -g
                    if weight_decay != 0:
                        g = g + weight_decay * theta
                    m, u = state["exp_avg"]._data, state["exp_inf"]._data
                    lerp_(m, g, 1 - beta1)
                    u *= beta2
                    a = xp.abs(g)
                    a += eps
                    xp.maximum(u, a, out=u)
                    clr = lr / (1 - beta1 ** float(state["step"]._data))
                    theta += (-clr * m) / u
                    self._bump(p)
        return loss
