"""Rprop: resilient backpropagation (PyTorch's update rule)."""
from __future__ import annotations

from .. import backend
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_flags, _check_lr, _to_scalar

__all__ = ["Rprop"]


class Rprop(Optimizer):
    r"""Rprop (Riedmiller & Braun), exactly torch.optim.Rprop: every element has its own
    step size, grown while the gradient keeps its sign and shrunk when it flips; only the
    sign of the gradient is used.

    For each parameter :math:`\theta` with gradient :math:`g` (previous gradient
    :math:`g'`, step sizes :math:`s` starting at lr, etas = (eta-, eta+))::

        g <- -g                                  if maximize
        f = eta+ where g * g' > 0, eta- where g * g' < 0, 1 where g * g' == 0
        s <- clamp(s * f, step_size_min, step_size_max)
        g <- 0 where f == eta-                   (no move after a sign flip)
        theta <- theta - sign(g) * s
        g' <- g

    State per parameter: ``step``, ``prev``, ``step_size``. Full-batch training is what
    Rprop is made for.
    """

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        _check_flags("Rprop", differentiable, None, foreach)
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach,
                        maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False,
                       "capturable": False}

    def step(self, closure=None):
        """One Rprop step over every parameter that has a gradient."""
        loss = self._run_closure(closure)
        with no_grad():
            for group in self.param_groups:
                etaminus, etaplus = group["etas"]
                step_size_min, step_size_max = group["step_sizes"]
                for p, g in self._params_with_grad(group):
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = self._step_tensor()
                        state["prev"] = self._zeros_state(p)
                        state["step_size"] = self._zeros_state(p, _to_scalar(group["lr"]))
                    theta = p._data
                    xp = backend.get_array_module(theta)
                    state["step"]._data += 1
                    if group["maximize"]:
                        g = -g
                    prev, step_size = state["prev"]._data, state["step_size"]._data
                    sign = xp.sign(g * prev)
                    sign[sign > 0] = etaplus
                    sign[sign < 0] = etaminus
                    sign[sign == 0] = 1
                    step_size *= sign
                    xp.clip(step_size, step_size_min, step_size_max, out=step_size)
                    g = g.copy()
                    g[sign == etaminus] = 0
                    theta += -1 * xp.sign(g) * step_size
                    prev[...] = g
                    self._bump(p)
        return loss
