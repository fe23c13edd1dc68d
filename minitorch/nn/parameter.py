"""nn.Parameter, nn.Buffer and the uninitialized placeholders of the lazy modules.

- ``Parameter``: a Tensor that a Module registers as a learnable weight.
- ``Buffer``: a Tensor marked so that ``module.name = nn.Buffer(t)`` registers a buffer
  (PyTorch 2.5+), persistent unless ``persistent=False``.
- ``UninitializedParameter`` / ``UninitializedBuffer``: what a lazy module (nn.LazyLinear,
  ...) holds before it has seen an input. They have a dtype and a device but no shape;
  ``materialize(shape)`` gives them an (uninitialized) array of that shape and turns the
  very same object into a Parameter / Tensor, so an optimizer built on ``parameters()``
  before the first forward keeps working with the materialized weights.
"""
from __future__ import annotations

from ..tensor import Tensor, _init

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer",
           "UninitializedTensorMixin", "is_lazy"]


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


# ------------------------------------------------------------------------------ Buffer
class _BufferMeta(type):
    """``isinstance(t, nn.Buffer)`` is true for any Tensor marked as a buffer, as in
    PyTorch (``nn.Buffer(t)`` returns a plain Tensor carrying the mark)."""

    def __instancecheck__(cls, instance):
        if cls is Buffer:
            return isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False)
        return super().__instancecheck__(instance)


class Buffer(Tensor, metaclass=_BufferMeta):
    """``self.name = nn.Buffer(tensor, persistent=True)`` inside a Module registers
    `tensor` (detached, keeping requires_grad) as a buffer, like ``register_buffer``."""

    def __new__(cls, data=None, *, persistent: bool = True):
        if data is None:
            from ..creation import empty
            data = empty(0)
        if not isinstance(data, Tensor):
            data = Tensor(data)
        t = data.detach()
        if data.requires_grad:
            t.requires_grad_(True)
        t.persistent = persistent
        t._is_buffer = True
        return t


# ------------------------------------------------------------------------------ lazy
_SHAPE_MSG = ("Can't access the shape of an uninitialized parameter or buffer. This error "
              "usually happens in `load_state_dict` when trying to load an uninitialized "
              "parameter into an initialized one. Call `forward` to initialize the parameters "
              "before accessing their attributes.")


def _use_msg(cls, what):
    return (f"Attempted to use an uninitialized parameter in {what}. This error happens when "
            "you are using a `LazyModule` or explicitly manipulating "
            f"`torch.nn.parameter.{cls.__name__}` objects. When using LazyModules Call "
            "`forward` with a dummy batch to initialize the parameters before calling torch "
            "functions")


class UninitializedTensorMixin:
    """Shared by UninitializedParameter and UninitializedBuffer: a 0-element array holds
    the dtype and the device; the shape is unknown until ``materialize``."""

    cls_to_become = Tensor

    def materialize(self, shape, device=None, dtype=None) -> None:
        """Give the tensor an array of `shape` (on `device`, of `dtype`; by default the
        ones it was created with) and turn it into ``cls_to_become`` in place. The values
        are uninitialized (zeros here): the lazy module initializes them next."""
        from .. import creation
        if isinstance(shape, int):
            shape = (shape,)
        shape = tuple(int(s) for s in shape)
        device = self.device if device is None else device
        dtype = self.dtype if dtype is None else dtype
        self._data = creation.zeros(shape, dtype=dtype, device=device)._data
        self._vc[0] += 1
        self.__class__ = self.cls_to_become

    # what has no meaning without a shape raises, as PyTorch does
    @property
    def shape(self):
        raise RuntimeError(_SHAPE_MSG)

    def size(self, dim=None):
        raise RuntimeError(_SHAPE_MSG)

    @property
    def ndim(self):
        raise RuntimeError(_SHAPE_MSG)

    def dim(self):
        raise ValueError(_use_msg(type(self), "dim"))

    def numel(self):
        raise ValueError(_use_msg(type(self), "numel"))

    nelement = numel
    ndimension = dim

    def __len__(self):
        raise ValueError(_use_msg(type(self), "__len__"))

    def share_memory_(self):
        raise RuntimeError("Can't share memory on an uninitialized parameter or buffer. Call "
                           "`forward` to initialize the parameters before calling "
                           "`module.share_memory()`.")

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        return (type(self), (self.requires_grad,))


def _uninitialized(cls, requires_grad, device, dtype):
    from .. import creation
    data = creation.empty(0, device=device, dtype=dtype)
    t = object.__new__(cls)
    _init(t, data._data, False, None, 0, None)
    if requires_grad:
        t.requires_grad = True
    return t


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A parameter whose shape is not known yet (see nn.LazyLinear); becomes a Parameter
    when ``materialize(shape)`` is called (by the lazy module's first forward or by
    ``load_state_dict``)."""

    cls_to_become = Parameter

    def __new__(cls, requires_grad: bool = True, device=None, dtype=None):
        return _uninitialized(cls, requires_grad, device, dtype)

    def __init__(self, requires_grad: bool = True, device=None, dtype=None):
        pass

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.requires_grad, self.device, self.dtype)
        memo[id(self)] = result
        return result


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer whose shape is not known yet; assigned as a Module attribute it registers
    as a buffer (persistent unless ``persistent=False``); becomes a Tensor on
    ``materialize``."""

    cls_to_become = Tensor

    def __new__(cls, requires_grad: bool = False, device=None, dtype=None,
                persistent: bool = True):
        t = _uninitialized(cls, requires_grad, device, dtype)
        t.persistent = persistent
        t._is_buffer = True
        return t

    def __init__(self, requires_grad: bool = False, device=None, dtype=None,
                 persistent: bool = True):
        pass

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.requires_grad, self.device, self.dtype,
                            getattr(self, "persistent", True))
        memo[id(self)] = result
        return result


def is_lazy(param) -> bool:
    """Whether `param` is an UninitializedParameter / UninitializedBuffer."""
    return isinstance(param, UninitializedTensorMixin)
