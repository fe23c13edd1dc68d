"""Regularization helpers the course teaches: the L1 penalty.

Weight decay (an L2 penalty folded into the update) lives in the optimizers
(``weight_decay=``); an L1 penalty is added to the loss by hand::

    loss = criterion(model(x), y) + nn.utils.l1_penalty(model, weight=1e-4)

It pushes weights to exactly zero (sparse models), where L2 only shrinks them.
"""
from __future__ import annotations

from ...tensor import Tensor

__all__ = ["l1_penalty"]


def l1_penalty(parameters, weight: float = 1.0) -> Tensor:
    r"""``weight * sum_p sum_i |p_i|`` over a Module's parameters, a tensor or an iterable
    of tensors; a differentiable 0-d tensor in the parameters' dtype.

    Gradient: :math:`\partial/\partial p_i = weight \cdot sign(p_i)` (0 at exactly 0, the
    subgradient torch's ``abs`` uses).
    """
    if hasattr(parameters, "parameters") and callable(parameters.parameters):
        params = list(parameters.parameters())
    elif isinstance(parameters, Tensor):
        params = [parameters]
    else:
        try:
            params = list(parameters)
        except TypeError:
            raise TypeError(f"l1_penalty(): parameters must be a Module, a Tensor or an iterable "
                            f"of Tensors, got {type(parameters).__name__}") from None
    if isinstance(weight, bool) or not isinstance(weight, (int, float)):
        if not (isinstance(weight, Tensor) and weight.numel() == 1):
            raise TypeError(f"l1_penalty(): weight must be a number, got "
                            f"{type(weight).__name__}")
    total = None
    for i, p in enumerate(params):
        if not isinstance(p, Tensor):
            raise TypeError(f"l1_penalty(): parameter {i} is a {type(p).__name__}, not a Tensor")
        if not p.is_floating_point():
            raise TypeError(f"l1_penalty(): parameter {i} has dtype {p.dtype}; a floating "
                            "point tensor is needed")
        term = p.abs().sum()
        total = term if total is None else total + term
    if total is None:
        from ...creation import tensor
        return tensor(0.0)
    return total * weight
