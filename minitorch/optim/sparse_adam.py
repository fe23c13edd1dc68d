"""SparseAdam: Adam that only touches the entries a gradient has (PyTorch's rule)."""
from __future__ import annotations

import math

from .. import backend
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_betas, _check_lr, _to_scalar

__all__ = ["SparseAdam"]


class SparseAdam(Optimizer):
    r"""SparseAdam, torch.optim.SparseAdam's update on the non-zero entries of the gradient.

    torch's SparseAdam takes sparse gradients (``nn.Embedding(sparse=True)``) and updates
    the moments and the parameter only at the entries the gradient holds. minitorch has no
    sparse tensors, so the gradient is dense and **its non-zero entries** stand for the
    entries a sparse gradient would hold (the masking torch's documentation describes).
    That equals torch's result whenever every entry the sparse gradient holds is non-zero
    (the usual case: an embedding row that was looked up gets a non-zero gradient).

    At the non-zero entries of :math:`g`, at step :math:`t` (every entry counts steps the
    same: ``step`` is one Python int per parameter, as torch's)::

        g <- -g                                     if maximize
        m <- m + (1 - beta1) * (g - m)
        v <- v + (1 - beta2) * (g^2 - v)
        theta <- theta - lr sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps)

    Entries where :math:`g = 0` are left as they are (parameter and moments).
    """

    _scalar_state_keys = ()          # step is a plain int, as torch keeps it

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
        _check_lr(lr)
        if not 0.0 < _to_scalar(lr):
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        betas = _check_betas(betas)
        defaults = dict(lr=lr, betas=betas, eps=eps, maximize=maximize)
        super().__init__(params, defaults)

    _group_defaults = {"maximize": False}

    def step(self, closure=None):
        """One SparseAdam step over every parameter that has a gradient."""
        loss = self._run_closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr = _to_scalar(group["lr"])
                beta1, beta2 = group["betas"]
                eps = group["eps"]
                for p, g in self._params_with_grad(group):
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = 0
                        state["exp_avg"] = self._zeros_state(p)
                        state["exp_avg_sq"] = self._zeros_state(p)
                    state["step"] += 1
                    if group.get("maximize", False):
                        g = -g
                    self._update(p, g, state, lr, beta1, beta2, eps)
        return loss

    def _update(self, p, g, state, lr, beta1, beta2, eps):
        xp = backend.get_array_module(p._data)
        mask = g != 0
        if not bool(mask.any()):
            return
        gv = g[mask]
        m, v, theta = state["exp_avg"]._data, state["exp_avg_sq"]._data, p._data
        old_m, old_v = m[mask], v[mask]
        m_update = (gv - old_m) * (1 - beta1)
        v_update = (gv ** 2 - old_v) * (1 - beta2)
        m[mask] = old_m + m_update
        v[mask] = old_v + v_update
        numer = m_update + old_m
        denom = xp.sqrt(v_update + old_v) + eps
        step = state["step"]
        step_size = lr * math.sqrt(1 - beta2 ** step) / (1 - beta1 ** step)
        theta[mask] = theta[mask] + (-step_size * (numer / denom))
        self._bump(p)
