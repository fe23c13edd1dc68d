"""NAdam: Adam with Nesterov momentum (PyTorch's update rule)."""
from __future__ import annotations

from .. import backend
from ..autograd.grad_mode import no_grad
from .adam import lerp_
from .optimizer import Optimizer, _check_betas, _check_flags, _check_lr, _to_scalar

__all__ = ["NAdam"]


class NAdam(Optimizer):
    r"""NAdam (Dozat, "Incorporating Nesterov Momentum into Adam"), exactly
    torch.optim.NAdam.

    For each parameter :math:`\theta` with gradient :math:`g`, at step :math:`t`
    (:math:`\psi` = momentum_decay)::

        g <- -g                                       if maximize
        theta <- theta * (1 - lr * lambda)            if weight_decay and decoupled
        g <- g + lambda * theta                       if weight_decay and not decoupled
        mu_t     = beta1 * (1 - 0.5 * 0.96^(t * psi))
        mu_{t+1} = beta1 * (1 - 0.5 * 0.96^((t + 1) * psi))
        P <- P * mu_t                                 (mu_product, the running product)
        m <- beta1 * m + (1 - beta1) * g
        v <- beta2 * v + (1 - beta2) * g * g
        denom = sqrt(v / (1 - beta2^t)) + eps
        theta <- theta - lr (1 - mu_t) / (1 - P) * g / denom
                       - lr mu_{t+1} / (1 - P mu_{t+1}) * m / denom

    ``decoupled_weight_decay=True`` gives NAdamW. State per parameter: ``step`` and
    ``mu_product`` (0-d float32 tensors on the CPU, as torch keeps them), ``exp_avg``,
    ``exp_avg_sq``.
    """

    _scalar_state_keys = ("step", "mu_product")

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        betas = _check_betas(betas)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        _check_flags("NAdam", differentiable, None, foreach)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    _group_defaults = {"maximize": False, "foreach": None, "capturable": False,
                       "differentiable": False, "decoupled_weight_decay": False}

    def step(self, closure=None):
        """One NAdam step over every parameter that has a gradient."""
        loss = self._run_closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr = _to_scalar(group["lr"])
                beta1, beta2 = (_to_scalar(b) for b in group["betas"])
                eps, weight_decay = group["eps"], group["weight_decay"]
                psi = group["momentum_decay"]
                for p, g in self._params_with_grad(group):
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = self._step_tensor()
                        state["mu_product"] = self._step_tensor(1.0)
                        state["exp_avg"] = self._zeros_state(p)
                        state["exp_avg_sq"] = self._zeros_state(p)
                    theta = p._data
                    xp = backend.get_array_module(theta)
                    state["step"]._data += 1
                    step = float(state["step"]._data)
                    if group["maximize"]:
                        g = -g
                    bias_correction2 = 1 - beta2 ** step
                    if weight_decay != 0:
                        if group["decoupled_weight_decay"]:
                            theta *= 1 - lr * weight_decay
                        else:
                            g = g + weight_decay * theta
                    mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * psi)))
                    mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * psi)))
                    mu_product = state["mu_product"]._data
                    mu_product *= mu              # in the state's own dtype, as torch
                    mu_product = float(mu_product)
                    m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
                    lerp_(m, g, 1 - beta1)
                    v *= beta2
                    v += (1 - beta2) * g * g
                    denom = xp.sqrt(v / bias_correction2)
                    denom += eps
                    mu_product_next = mu_product * mu_next
                    theta += (-lr * (1.0 - mu) / (1.0 - mu_product)) * g / denom
                    theta += ((-lr * mu_next) / (1.0 - mu_product_next)) * m / denom
                    self._bump(p)
        return loss
