"""RAdam: rectified Adam (PyTorch's update rule)."""
from __future__ import annotations

from .. import backend
from ..autograd.grad_mode import no_grad
from .adam import lerp_
from .optimizer import Optimizer, _check_betas, _check_flags, _check_lr, _to_scalar

__all__ = ["RAdam"]


class RAdam(Optimizer):
    r"""RAdam (Liu et al., "On the Variance of the Adaptive Learning Rate and Beyond"),
    exactly torch.optim.RAdam.

    For each parameter :math:`\theta` with gradient :math:`g`, at step :math:`t`::

        g <- -g                                       if maximize
        theta <- theta * (1 - lr * lambda)            if weight_decay and decoupled
        g <- g + lambda * theta                       if weight_decay and not decoupled
        m <- beta1 * m + (1 - beta1) * g
        v <- beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1^t)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
        if rho_t > 5 (the variance of the adaptive lr is tractable):
            l = sqrt(1 - beta2^t) / (sqrt(v) + eps)
            r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
            theta <- theta - m_hat * lr * l * r
        else:                                          (SGD with momentum, early steps)
            theta <- theta - m_hat * lr

    ``decoupled_weight_decay=True`` gives RAdamW. State per parameter: ``step``,
    ``exp_avg``, ``exp_avg_sq``.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        betas = _check_betas(betas)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        _check_flags("RAdam", differentiable, None, foreach)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False,
                       "decoupled_weight_decay": False, "capturable": False}

    def step(self, closure=None):
        """One RAdam step over every parameter that has a gradient."""
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
                        state["exp_avg_sq"] = self._zeros_state(p)
                    theta = p._data
                    xp = backend.get_array_module(theta)
                    state["step"]._data += 1
                    step = float(state["step"]._data)
                    if group["maximize"]:
                        g = -g
                    if weight_decay != 0:
                        if group["decoupled_weight_decay"]:
                            theta *= 1 - lr * weight_decay
                        else:
                            g = g + weight_decay * theta
                    m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
                    lerp_(m, g, 1 - beta1)
                    v *= beta2
                    v += (1 - beta2) * g * g
                    bias_correction1 = 1 - beta1 ** step
                    bias_correction2 = 1 - beta2 ** step
                    m_hat = m / bias_correction1
                    rho_inf = 2 / (1 - beta2) - 1
                    rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
                    if rho_t > 5.0:
                        denom = xp.sqrt(v)
                        denom += eps
                        adaptive_lr = (bias_correction2 ** 0.5) / denom
                        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                                / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                        theta -= m_hat * lr * adaptive_lr * rect
                    else:
                        theta -= m_hat * lr
                    self._bump(p)
        return loss
