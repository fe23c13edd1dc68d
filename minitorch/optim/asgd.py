"""ASGD: averaged stochastic gradient descent (PyTorch's update rule)."""
from __future__ import annotations

import numpy as np

from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_flags, _check_lr, _to_scalar

__all__ = ["ASGD"]


class ASGD(Optimizer):
    r"""Averaged SGD (Polyak & Juditsky), exactly torch.optim.ASGD.

    For each parameter :math:`\theta` with gradient :math:`g`, at step :math:`t`
    (:math:`\eta` and :math:`\mu` are the values left by the previous step; they start at
    lr and 1)::

        g <- -g                                   if maximize
        g <- g + lambda_wd * theta                if weight_decay != 0
        theta <- theta * (1 - lambd * eta)        (decay term)
        theta <- theta - eta * g
        ax <- ax + mu * (theta - ax)              (ax <- theta while mu == 1)
        eta <- lr / (1 + lambd * lr * t)^alpha
        mu <- 1 / max(1, t - t0)

    ``ax`` is the running (Polyak) average of the iterates: it only starts averaging after
    ``t0`` steps. As in torch, the optimizer itself keeps updating ``theta``; read
    ``optimizer.state[p]["ax"]`` for the average. State per parameter: ``step``, ``eta``
    and ``mu`` (0-d float32 tensors, rounding as torch's), ``ax``.
    """

    _scalar_state_keys = ("step", "eta", "mu")

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False):
        _check_lr(lr)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        _check_flags("ASGD", differentiable, None, foreach)
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False,
                       "capturable": False}

    def step(self, closure=None):
        """One ASGD step over every parameter that has a gradient."""
        loss = self._run_closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr = _to_scalar(group["lr"])
                lambd, alpha, t0 = group["lambd"], group["alpha"], group["t0"]
                weight_decay = group["weight_decay"]
                for p, g in self._params_with_grad(group):
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = self._step_tensor()
                        state["eta"] = self._step_tensor(lr)
                        state["mu"] = self._step_tensor(1.0)
                        state["ax"] = self._zeros_state(p)
                    theta = p._data
                    state["step"]._data += 1
                    if group["maximize"]:
                        g = -g
                    if weight_decay != 0:
                        g = g + weight_decay * theta
                    eta = float(state["eta"]._data)
                    theta *= 1 - lambd * eta
                    theta += -eta * g
                    ax = state["ax"]._data
                    mu = float(state["mu"]._data)
                    if mu != 1:
                        ax += (theta - ax) * mu
                    else:
                        ax[...] = theta
                    step = float(state["step"]._data)
                    _fill(state["eta"], lr / ((1 + lambd * lr * step) ** alpha))
                    _fill(state["mu"], 1 / max(1, step - t0))
                    self._bump(p)
        return loss


def _fill(t, value: float) -> None:
    """Write a Python number into a 0-d state tensor as torch's ``eta.copy_(
    torch.as_tensor(value))`` does: rounded to the default dtype (float32 unless
    changed) on the way, then to the tensor's own dtype."""
    from ..dtypes import float64, get_default_dtype
    if get_default_dtype() is not float64:
        value = np.float32(value)
    t._data[...] = value
