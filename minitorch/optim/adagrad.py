"""Adagrad (PyTorch's update rule)."""
from __future__ import annotations

from .. import backend
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_flags, _to_scalar

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad (Duchi et al.), exactly torch.optim.Adagrad.

    For each parameter :math:`\theta` with gradient :math:`g`, at step :math:`t`::

        g <- -g                                  if maximize
        g <- g + lambda * theta                  if weight_decay != 0
        clr <- lr / (1 + (t - 1) * lr_decay)
        s <- s + g * g                           (s starts at initial_accumulator_value)
        theta <- theta - clr * g / (sqrt(s) + eps)

    As in torch, the state (``step`` and ``sum``) of every parameter is created in the
    constructor, so ``state_dict()`` has it before the first step.
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0,
                 initial_accumulator_value=0, eps=1e-10, foreach=None, *, maximize=False,
                 differentiable=False, fused=None):
        if not 0.0 <= _to_scalar(lr):
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: "
                             f"{initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        _check_flags("Adagrad", differentiable, fused, foreach)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, initial_accumulator_value)

    def _init_state(self, p, initial_accumulator_value):
        state = self.state[p]
        state["step"] = self._step_tensor()
        state["sum"] = self._zeros_state(p, initial_accumulator_value)

    # defaults for groups saved by older versions (as torch's __setstate__)
    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False,
                       "fused": None}

    def step(self, closure=None):
        """One Adagrad step over every parameter that has a gradient."""
        loss = self._run_closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr = _to_scalar(group["lr"])
                lr_decay, eps = group["lr_decay"], group["eps"]
                weight_decay, maximize = group["weight_decay"], group["maximize"]
                for p, g in self._params_with_grad(group):
                    state = self.state[p]
                    if len(state) == 0:   # a group added after construction (as torch)
                        self._init_state(p, self.defaults["initial_accumulator_value"])
                    theta = p._data
                    xp = backend.get_array_module(theta)
                    state["step"]._data += 1
                    step = float(state["step"]._data)
                    if maximize:
                        g = -g
                    if weight_decay != 0:
                        g = g + weight_decay * theta
                    clr = lr / (1 + (step - 1) * lr_decay)
                    s = state["sum"]._data
                    s += g * g
                    std = xp.sqrt(s)
                    std += eps
                    theta += -clr * g / std
                    self._bump(p)
        return loss
