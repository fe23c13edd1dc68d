"""nn.Parameter: a Tensor that a Module registers as a learnable weight."""
from __future__ import annotations

from ..tensor import Tensor, _init


class Parameter(Tensor):
    """A leaf tensor with ``requires_grad=True`` (by default) that, assigned as a Module
    attribute, shows up in ``module.parameters()``. It shares the array of `data`.
    Operations on a Parameter give plain Tensors; ``copy.deepcopy`` gives a new Parameter
    with a copy of the values (and no grad, as in PyTorch)."""

    def __new__(cls, data=None, requires_grad: bool = True):
        if data is None:
            from ..creation import empty
            data = empty(0)
        if not isinstance(data, Tensor):
            data = Tensor(data)
        p = object.__new__(cls)
        _init(p, data._data, False, None, 0, None)
        if requires_grad:
            p.requires_grad = True
        return p

    def __init__(self, data=None, requires_grad: bool = True):
        pass  # everything happens in __new__

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(Tensor(self._data.copy()), self.requires_grad)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, protocol):
        return (type(self), (Tensor(self._data), self.requires_grad))

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__
