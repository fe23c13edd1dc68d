"""torch.utils.swap_tensors(t1, t2): the two Python objects exchange everything they hold
(values, gradient, requires_grad, graph node, hooks, attributes), so every reference to
`t1` now sees what `t2` was, and the other way round."""
from __future__ import annotations

from ..tensor import Tensor

__all__ = ["swap_tensors"]

_SLOTS = ("_data", "_rg", "_grad", "grad_fn", "_out_idx", "_vc", "_base", "_hooks",
          "_retains_grad")


def swap_tensors(t1, t2) -> None:
    if not (isinstance(t1, Tensor) and isinstance(t2, Tensor)):
        raise TypeError(f"swap_tensors(): expected two Tensors, got {type(t1).__name__} and "
                        f"{type(t2).__name__}")
    if type(t1) is not type(t2):
        t1.__class__, t2.__class__ = t2.__class__, t1.__class__
    for name in _SLOTS:
        a, b = getattr(t1, name), getattr(t2, name)
        setattr(t1, name, b)
        setattr(t2, name, a)
    t1.__dict__, t2.__dict__ = t2.__dict__, t1.__dict__
