"""Adafactor (PyTorch's update rule: torch.optim.Adafactor)."""
from __future__ import annotations

from .. import backend
from ..autograd.grad_mode import no_grad
from .adam import lerp_
from .optimizer import Optimizer, _check_lr, _to_scalar

__all__ = ["Adafactor"]


class Adafactor(Optimizer):
    r"""Adafactor (Shazeer & Stern), exactly torch.optim.Adafactor: a second-moment
    estimate that, for a matrix, keeps only a row and a column of running means (memory
    O(R + C) instead of O(R C)), relative step sizes, and update clipping. No first moment.

    For each parameter :math:`\theta` with gradient :math:`g` (shape ``(..., R, C)`` or a
    vector), at step :math:`t` (eps = (eps1, eps2); eps1=None means the dtype's eps)::

        g <- -g                                         if maximize
        beta2_hat = t^beta2_decay                       (the weight of the new mean)
        rho = min(lr, 1 / sqrt(t))
        alpha = max(eps2, RMS(theta)) * rho
        theta <- theta * (1 - lr * weight_decay)        if weight_decay != 0
        matrix:  r <- lerp(r, mean(g^2, over C), beta2_hat)      (row_var, (..., R, 1))
                 c <- lerp(c, mean(g^2, over R), beta2_hat)      (col_var, (..., 1, C))
                 V = (r @ c) / max(mean(r over R), eps1)
        vector:  v <- lerp(v, g^2, beta2_hat);  V = v
        U = g / sqrt(max(V, eps1^2))
        theta <- theta - alpha / max(1, RMS(U) / d) * U

    State per parameter: ``step``, and ``row_var`` and ``col_var`` (matrices) or
    ``variance`` (vectors).
    """

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
                 weight_decay=0.0, *, foreach=None, maximize=False):
        _check_lr(lr, "Learning rate should be >= 0 but is: {}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d,
                        weight_decay=weight_decay, foreach=foreach, maximize=maximize)
        super().__init__(params, defaults)

    _group_defaults = {"foreach": None}

    def step(self, closure=None):
        """One Adafactor step over every parameter that has a gradient."""
        loss = self._run_closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr = _to_scalar(group["lr"])
                eps1, eps2 = group["eps"]
                for p, g in self._params_with_grad(group):
                    self._update(p, g, group, lr, eps1, eps2)
        return loss

    def _update(self, p, g, group, lr, eps1, eps2):
        theta = p._data
        xp = backend.get_array_module(theta)
        state = self.state[p]
        if len(state) == 0:
            state["step"] = self._step_tensor()
            if g.ndim > 1:
                state["row_var"] = _zeros(xp, g, g.shape[:-1] + (1,))
                state["col_var"] = _zeros(xp, g, g.shape[:-2] + (1, g.shape[-1]))
            else:
                state["variance"] = self._zeros_state(p)
        if group["maximize"]:
            g = -g
        if eps1 is None:
            eps1 = float(xp.finfo(theta.dtype).eps)
        state["step"]._data += 1
        step = float(state["step"]._data)
        one_minus_beta2_t = step ** group["beta2_decay"]
        rho_t = min(lr, 1 / (step ** 0.5))
        alpha = max(eps2, float(_norm(xp, theta)) / (theta.size ** 0.5)) * rho_t
        if group["weight_decay"] != 0:
            theta *= 1 - lr * group["weight_decay"]
        if g.ndim > 1:
            row_var, col_var = state["row_var"]._data, state["col_var"]._data
            row_mean = _norm(xp, g, -1) ** 2 / g.shape[-1]
            lerp_(row_var, row_mean, one_minus_beta2_t)
            col_mean = _norm(xp, g, -2) ** 2 / g.shape[-2]
            lerp_(col_var, col_mean, one_minus_beta2_t)
            var_estimate = row_var @ col_var
            var_estimate /= xp.maximum(row_var.mean(axis=-2, keepdims=True), eps1)
        else:
            variance = state["variance"]._data
            lerp_(variance, g * g, one_minus_beta2_t)
            var_estimate = variance.copy()
        update = 1 / xp.sqrt(xp.maximum(var_estimate, eps1 * eps1))
        update *= g
        denom = max(1.0, float(_norm(xp, update)) / ((update.size ** 0.5) * group["d"]))
        theta += (-alpha / denom) * update
        self._bump(p)


def _zeros(xp, like, shape):
    from ..tensor import _make
    return _make(xp.zeros(shape, dtype=like.dtype))


def _norm(xp, a, axis=None):
    """The 2-norm of ``a`` (all of it, or along ``axis`` keeping it)."""
    if axis is None:
        return xp.sqrt((a * a).sum())
    return xp.sqrt((a * a).sum(axis=axis, keepdims=True))
