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

    def __init__(self, *args, requires_grad: bool = False, device=None):
        """``Tensor(array)`` wraps a NumPy/CuPy array as it is (its dtype kept): the
        internal form. The PyTorch forms build a
        tensor of the default dtype (float32), as ``torch.Tensor`` does:

        - ``Tensor()``: an empty 1-D tensor;
        - ``Tensor(2, 3)`` or ``Tensor(Size([2, 3]))``: uninitialized, of that size;
        - ``Tensor([1, 2])``, ``Tensor((1, 2))``: a copy of the data, as float32;
        - ``Tensor(other_tensor)``: a new tensor object sharing ``other_tensor``'s data.

        Public construction otherwise goes through ``minitorch.tensor()``. Unlike PyTorch,
        an integer NumPy array keeps its dtype here (minitorch wraps arrays this way
        internally); ``minitorch.FloatTensor(array)`` converts."""
        if len(args) == 2 and isinstance(args[1], bool) and _is_data(args[0]):
            args, requires_grad = args[:1], args[1]   # the old Tensor(array, requires_grad)
        if len(args) == 1 and _is_data(args[0]):
            data = args[0]
            if isinstance(data, Tensor):
                vc = data._vc
                data = data._data
            else:
                vc = None
                if not backend.is_array(data):   # a NumPy scalar
                    data = np.asarray(data)
                    if data.dtype == np.float64 and _dt.get_default_dtype() is _dt.float32:
                        data = data.astype(np.float32)
            _dt.from_numpy_dtype(data.dtype)  # reject unsupported dtypes early
            _init(self, data, False, None, 0, vc)
        else:
            from ._tensor_types import legacy_new
            t = legacy_new(args, _dt.get_default_dtype(), device, "Tensor")
            _init(self, t._data, False, None, 0, t._vc)
        if device is not None and _is_data(args[0] if args else None):
            self._data = backend.transfer(self._data, backend.to_device(device, "Tensor"))
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
        return type(self._data) is not np.ndarray and self.device.type == "cuda"

    @property
    def is_cpu(self) -> bool:
        return type(self._data) is np.ndarray or self.device.type == "cpu"

    # Devices and layouts minitorch does not have: always False, so that device checks
    # in PyTorch programs (`if x.is_mps: ...`) take their CPU/CUDA branch.
    is_xpu = is_mps = is_meta = is_sparse = is_sparse_csr = is_quantized = is_nested = \
        is_mkldnn = is_vulkan = is_ipu = is_hpu = is_mtia = is_maia = is_xla = is_lazy = \
        property(lambda self: False)

    @property
    def layout(self):
        """Always ``minitorch.strided`` (dense arrays)."""
        return strided

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f" or self.dtype is _dt.bfloat16

    def is_complex(self) -> bool:
        """Always False: minitorch has no complex tensors."""
        return False

    def is_signed(self) -> bool:
        return self.dtype.is_signed

    def is_inference(self) -> bool:
        """False: minitorch's inference_mode is no_grad and does not tag tensors."""
        return False

    def get_device(self) -> int:
        """The CUDA device index, -1 for a CPU tensor (as PyTorch)."""
        dev = self.device
        return -1 if dev.type == "cpu" else (dev.index or 0)

    # ------------------------------------------------------------------ no-ops of PyTorch's
    def pin_memory(self, device=None) -> "Tensor":
        """The tensor itself: minitorch copies host arrays to the GPU without pinning."""
        return self

    def is_pinned(self, device=None) -> bool:
        return False

    def record_stream(self, stream) -> None:
        """Nothing to record: CuPy's memory pool orders frees on the current stream."""

    def to_dense(self, dtype=None, *, masked_grad=None) -> "Tensor":
        return self if dtype is None else self.to(dtype)

    @property
    def real(self) -> "Tensor":
        """The tensor itself (minitorch's tensors are real)."""
        return self

    @property
    def imag(self):
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")

    @property
    def output_nr(self) -> int:
        """Which output of its grad_fn this tensor is (0 for leaves)."""
        return self._out_idx

    def dim_order(self) -> tuple:
        """The dims from outermost to innermost in memory (by decreasing stride)."""
        st = self.stride()
        return tuple(sorted(range(self.ndim), key=lambda d: (-st[d], d)))

    def is_nonzero(self) -> bool:
        from ._runtime import is_nonzero
        return is_nonzero(self)

    def is_same_size(self, other) -> bool:
        return tuple(self._data.shape) == tuple(other._data.shape)

    def __complex__(self) -> complex:
        return complex(self.item())

    def __dlpack__(self, *args, **kwargs):
        """DLPack export of the array (NumPy or CuPy), for zero-copy exchange."""
        return self.detach()._data.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()

    # ------------------------------------------------------------------ memory
    def data_ptr(self) -> int:
        """The address of the first element (equal for tensors sharing their start)."""
        return _address(self._data)

    def storage_offset(self) -> int:
        """How many elements this view starts after the start of the array it views."""
        root = _root_array(self._data)
        return (_address(self._data) - _address(root)) // self._data.itemsize

    def untyped_storage(self) -> "_Storage":
        """The memory block behind this tensor (shared by its views): ``data_ptr()``,
        ``nbytes()``, ``size()`` (in bytes)."""
        return _Storage(_root_array(self._data), 1)

    def storage(self) -> "_Storage":
        """As ``untyped_storage()``, sized in elements of this tensor's dtype."""
        return _Storage(_root_array(self._data), self._data.itemsize)

    @property
    def nbytes(self) -> int:
        return int(self._data.nbytes)

    @property
    def itemsize(self) -> int:
        return int(self._data.itemsize)

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

    __array_priority__ = 1000  # NumPy defers mixed operations to Tensor, as for PyTorch

    def __format__(self, format_spec: str) -> str:
        """A 0-d tensor formats as its Python number: ``f"{loss:.3f}"``, ``f"{n:>5}"``.
        Other tensors take only the empty spec (their repr), as in PyTorch."""
        if self._data.ndim == 0:
            return self.item().__format__(format_spec)
        if format_spec:
            raise TypeError("unsupported format string passed to Tensor.__format__")
        return str(self)

    def __round__(self, ndigits=None):
        """``round(t)`` / ``round(t, 2)``: the tensor rounded half to even (as
        ``torch.round(t, decimals=ndigits)``); PyTorch itself leaves round() undefined."""
        xp = backend.get_array_module(self._data)
        return _make(xp.asarray(xp.round(self._data, 0 if ndigits is None else int(ndigits))))

    def __reversed__(self):
        """The tensor flipped along dim 0 (a 0-d tensor is returned as it is)."""
        if self._data.ndim == 0:
            return self
        return self.flip(0)

    def __deepcopy__(self, memo):
        """A leaf's deep copy: new data, the same requires_grad, a copy of ``.grad`` and of
        the Python attributes. Non-leaf tensors refuse, as in PyTorch."""
        if id(self) in memo:
            return memo[id(self)]
        if self.grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) "
                               "support the deepcopy protocol at the moment")
        import copy
        new = _new(type(self))
        _init(new, self._data.copy(), self._rg, None, 0, None)
        memo[id(self)] = new
        if self._grad is not None:
            new._grad = copy.deepcopy(self._grad, memo)
        if self.__dict__:
            new.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return new

    def __reduce_ex__(self, protocol):
        """Pickling (and ``copy.copy``): the data (on the host), the device, requires_grad
        and the Python attributes; the graph and ``.grad`` are not kept, as in PyTorch."""
        data = self._data if type(self._data) is np.ndarray else self._data.get()
        return (_rebuild, (type(self), data, str(self.device), self._rg,
                           self.__dict__ or None))

    # ------------------------------------------------------------------ Python callables
    def apply_(self, callable) -> "Tensor":
        """Replace every element x by ``callable(x)`` (Python numbers; CPU only, slow)."""
        arr = self._check_python_inplace("apply_")
        vals = [callable(v) for v in arr.reshape(-1).tolist()]
        arr[...] = np.asarray(vals, dtype=arr.dtype).reshape(arr.shape)
        self._vc[0] += 1
        return self

    def map_(self, tensor, callable) -> "Tensor":
        """Replace every element x by ``callable(x, y)``, y the matching element of `tensor`
        (broadcast to this shape; Python numbers; CPU only)."""
        arr = self._check_python_inplace("map_")
        if not isinstance(tensor, Tensor):
            raise TypeError(f"map_(): argument 'tensor' must be Tensor, not "
                            f"{type(tensor).__name__}")
        other = np.broadcast_to(tensor.detach().numpy(force=True), arr.shape)
        vals = [callable(a, b) for a, b in zip(arr.reshape(-1).tolist(),
                                              other.reshape(-1).tolist())]
        arr[...] = np.asarray(vals, dtype=arr.dtype).reshape(arr.shape)
        self._vc[0] += 1
        return self

    def _check_python_inplace(self, fn):
        if type(self._data) is not np.ndarray:
            raise TypeError(f"{fn}() is only implemented on CPU tensors")
        if self._rg and self.grad_fn is None:
            from .autograd import grad_mode
            if grad_mode.STATE.enabled:
                raise RuntimeError(f"{fn}(): a leaf Variable that requires grad is being used "
                                   "in an in-place operation.")
        return self._data

    # ------------------------------------------------------------------ shared memory
    def share_memory_(self) -> "Tensor":
        """Move the data into shared memory (an mmap of a memory file), in place: a child
        process forked afterwards (or handed the tensor through minitorch.multiprocessing)
        sees the same memory, so its in-place updates reach the parent (Hogwild training).
        A no-op for CUDA tensors and tensors already shared."""
        if type(self._data) is not np.ndarray or self.is_shared():
            return self
        from ._shared import to_shared
        self._data = to_shared(self._data)
        if self._grad is not None:
            self._grad._data = to_shared(self._grad._data)
        return self

    def is_shared(self) -> bool:
        """Whether the data lives in shared memory (share_memory_) or on a GPU (CUDA tensors
        count as shared, as in PyTorch)."""
        if type(self._data) is not np.ndarray:
            return True
        from ._shared import is_shared_array
        return is_shared_array(self._data)

    # __repr__ lives in minitorch/_format.py; __eq__ and the other operators in
    # minitorch/_tensor_methods.py.


def _address(arr) -> int:
    if type(arr) is np.ndarray or isinstance(arr, np.ndarray):
        return int(arr.__array_interface__["data"][0])
    return int(arr.data.ptr)  # CuPy


def _root_array(arr):
    """The array at the bottom of a chain of views (the one that owns the memory)."""
    while getattr(arr, "base", None) is not None and backend.is_array(arr.base):
        arr = arr.base
    return arr


class _Storage:
    """A tensor's memory block, as far as programs inspect it: its address and size."""

    def __init__(self, root, itemsize: int):
        self._root = root
        self._itemsize = itemsize

    def data_ptr(self) -> int:
        return _address(self._root)

    def nbytes(self) -> int:
        return int(self._root.nbytes)

    def size(self) -> int:
        return int(self._root.nbytes) // self._itemsize

    __len__ = size

    def element_size(self) -> int:
        return self._itemsize

    def __repr__(self):
        return f"<minitorch storage of {self.size()} items at {hex(self.data_ptr())}>"


class _Layout:
    """``minitorch.strided``: the only layout (dense, strided arrays)."""

    def __repr__(self):
        return "minitorch.strided"

    def __reduce__(self):
        return "strided"


strided = _Layout()


# Tensor and Size print as ``minitorch.Tensor`` / ``minitorch.Size`` (PyTorch: torch.Tensor,
# torch.Size), the names users reach them by.
Tensor.__module__ = "minitorch"


class Size(tuple):
    """``tensor.shape``: a tuple that prints like PyTorch's torch.Size."""

    def __repr__(self):
        return f"{_dt.display_prefix()}.Size({list(self)})"

    # as torch.Size: slicing, concatenation and repetition give a Size again
    def __getitem__(self, index):
        out = tuple.__getitem__(self, index)
        return Size(out) if isinstance(index, slice) else out

    def __add__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple.__add__(self, other))

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple.__add__(other, self))

    def __mul__(self, n):
        return Size(tuple.__mul__(self, n))

    __rmul__ = __mul__

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n


Size.__module__ = "minitorch"


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


def _rebuild(cls, data, device, requires_grad, attrs):
    """Unpickle a Tensor (see Tensor.__reduce_ex__)."""
    if device != "cpu":
        data = backend.transfer(data, backend.device(device))
    t = _new(cls)
    _init(t, data, False, None, 0, None)
    if requires_grad:
        t._rg = True
    if attrs:
        t.__dict__.update(attrs)
    return t


def _is_data(x) -> bool:
    """An array or Tensor: what the internal ``Tensor(array)`` form wraps as it is."""
    return isinstance(x, (Tensor, np.generic)) or backend.is_array(x)


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
