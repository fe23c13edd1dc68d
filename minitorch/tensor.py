"""Tensor: an array (NumPy or CuPy) plus what autograd needs.

A Tensor holds
- ``_data``: the array (numpy.ndarray on "cpu", cupy.ndarray on "cuda");
- ``requires_grad``, ``grad`` and ``grad_fn`` (the Function node that made it, None for
  leaves) with ``_out_idx`` (which of that node's outputs it is);
- a version counter, shared with its views, that in-place operations bump so that backward
  can tell when a value it saved has changed.

The operations (``+``, ``exp``, ``sum``, ``reshape``...) live in ``minitorch.functional``
and are attached as methods by ``minitorch/_tensor_methods.py``; this file only has what
every tensor is.
"""
from __future__ import annotations

import numpy as np

from . import backend
from . import dtypes as _dt


class Tensor:
    __slots__ = ("_data", "_rg", "_grad", "grad_fn", "_out_idx", "_vc", "_base",
                 "_hooks", "_retains_grad", "__weakref__", "__dict__")

    def __init__(self, data, requires_grad: bool = False):
        # Public construction goes through minitorch.tensor(); Tensor(array) wraps as is.
        if isinstance(data, Tensor):
            data = data._data
        if not backend.is_array(data):
            data = np.asarray(data)
            if data.dtype == np.float64 and _dt.get_default_dtype() is _dt.float32:
                data = data.astype(np.float32)
        _dt.from_numpy_dtype(data.dtype)  # reject unsupported dtypes early
        _init(self, data, False, None, 0, None)
        if requires_grad:
            self.requires_grad = True

    # ------------------------------------------------------------------ basics
    @property
    def data(self) -> "Tensor":
        """A tensor sharing this one's array, outside the graph (like ``detach()``)."""
        return self.detach()

    @data.setter
    def data(self, value: "Tensor"):
        if not isinstance(value, Tensor):
            raise TypeError(f"Tensor.data: expected a Tensor, got {type(value).__name__}")
        self._data = value._data

    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim, "size")]

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return int(self._data.size)

    nelement = numel

    @property
    def dtype(self) -> _dt.dtype:
        return _dt.from_numpy_dtype(self._data.dtype)

    @property
    def device(self) -> backend.device:
        return backend.array_device(self._data)

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def is_contiguous(self) -> bool:
        return bool(self._data.flags.c_contiguous)

    def stride(self, dim=None):
        """Strides in elements, as PyTorch reports them."""
        item = self._data.itemsize
        st = tuple(s // item for s in self._data.strides)
        return st if dim is None else st[_wrap_dim(dim, self.ndim, "stride")]

    def element_size(self) -> int:
        return self._data.itemsize

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    # ------------------------------------------------------------------ autograd state
    @property
    def requires_grad(self) -> bool:
        return self._rg

    @requires_grad.setter
    def requires_grad(self, value: bool):
        value = bool(value)
        if self.grad_fn is not None and not value:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If you "
                               "want to use a computed variable in a subgraph that doesn't require "
                               "differentiation use var_no_grad = var.detach().")
        if value and self._data.dtype.kind != "f":
            raise RuntimeError(f"only Tensors of floating point dtype can require gradients, "
                               f"got {self.dtype}")
        self._rg = value

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self):
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got "
                                f"{type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError(f"assigned grad has data of a different size: got "
                                   f"{tuple(value.shape)}, the tensor has {tuple(self.shape)}")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(f"assigned grad has data of a different type: got "
                                   f"{value.dtype}, the tensor has {self.dtype}")
        self._grad = value

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def _version(self) -> int:
        return self._vc[0]

    def _bump_version(self):
        self._vc[0] += 1

    def retain_grad(self) -> None:
        """Keep ``.grad`` for a non-leaf tensor after backward (a no-op on leaves)."""
        if not self._rg:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return
        import weakref
        from .autograd import grad_mode
        ref = weakref.ref(self)

        def _retain(grad):
            t = ref()
            if t is not None:
                g = grad.detach().clone() if not grad_mode.STATE.enabled else grad.clone()
                t._grad = g if t._grad is None else t._grad + g
            return None
        self.grad_fn._add_output_hook(self._out_idx, _retain)
        self._retains_grad = _retain  # truthy; kept to move it behind later hooks

    @property
    def retains_grad(self) -> bool:
        return bool(self._retains_grad)

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned Tensor
        replaces the gradient. Returns a handle whose ``remove()`` unregisters it."""
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            handle = self.grad_fn._add_output_hook(self._out_idx, hook)
            retain = self._retains_grad
            if retain:  # .grad is what the hooks return: retain_grad's hook runs last (PyTorch)
                fns = self.grad_fn._out_hooks[self._out_idx]
                if retain in fns:
                    fns.remove(retain)
                    fns.append(retain)
            return handle
        if self._hooks is None:
            self._hooks = []
        return RemovableHandle(self._hooks, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad``. A non-scalar tensor needs
        ``gradient``, the upstream gradient (vector-Jacobian product)."""
        from .autograd.engine import backward as _backward
        _backward([self], None if gradient is None else [gradient], retain_graph,
                  create_graph, inputs=inputs)

    def detach(self) -> "Tensor":
        """A new tensor sharing this one's array (and version counter) outside the graph."""
        t = _make(self._data)
        t._vc = self._vc
        return t

    def detach_(self) -> "Tensor":
        if self._base is not None and self.grad_fn is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._out_idx = 0
        self._rg = False
        return self

    # ------------------------------------------------------------------ conversions
    def numpy(self, *, force: bool = False):
        """The NumPy array (shared, not copied, on the CPU)."""
        if self._rg and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        if type(self._data) is not np.ndarray:
            if not force:
                raise TypeError(f"can't convert {self.device} device type tensor to numpy. "
                                "Use Tensor.cpu() to copy the tensor to host memory first.")
            return self._data.get()
        return self._data

    def __array__(self, dtype=None, copy=None):
        arr = self.detach().numpy(force=True)
        return arr if dtype is None else arr.astype(dtype)

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted "
                               "to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        arr = self._data if type(self._data) is np.ndarray else self._data.get()
        return arr.tolist()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {self._data.size} values is "
                               "ambiguous")
        return bool(self.item())

    def __index__(self):
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __hash__(self):
        return id(self)

    # __repr__ lives in minitorch/_format.py; __eq__ and the other operators in
    # minitorch/_tensor_methods.py.


class Size(tuple):
    """``tensor.shape``: a tuple that prints like PyTorch's torch.Size."""

    def __repr__(self):
        return f"minitorch.Size({list(self)})"

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n


class RemovableHandle:
    """Returned by hook registrations; ``remove()`` takes the hook out again."""

    def __init__(self, hooks: list, hook):
        self._hooks = hooks
        self._hook = hook
        hooks.append(hook)

    def remove(self):
        try:
            self._hooks.remove(self._hook)
        except ValueError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _init(t, data, rg, grad_fn, out_idx, vc):
    t._data = data
    t._rg = rg
    t._grad = None
    t.grad_fn = grad_fn
    t._out_idx = out_idx
    t._vc = [0] if vc is None else vc
    t._base = None
    t._hooks = None
    t._retains_grad = False


_new = object.__new__


def _make(data, rg: bool = False, grad_fn=None, out_idx: int = 0) -> Tensor:
    """Fast internal constructor: wrap an array without any checks."""
    t = _new(Tensor)
    t._data = data
    t._rg = rg
    t._grad = None
    t.grad_fn = grad_fn
    t._out_idx = out_idx
    t._vc = [0]
    t._base = None
    t._hooks = None
    t._retains_grad = False
    return t


def _wrap_dim(dim, ndim: int, fn: str) -> int:
    """Turn a possibly negative dim into a positive one, with PyTorch's IndexError."""
    if isinstance(dim, Tensor):
        dim = dim.item()
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"{fn}(): argument 'dim' must be int, got {type(dim).__name__}")
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"{fn}(): Dimension out of range (expected to be in range of "
                         f"[{-n}, {n - 1}], but got {dim})")
    return int(dim) % n if ndim > 0 else 0
