"""Sparse COO tensors, emulated on dense arrays: ``sparse_coo_tensor``, ``spmm``, the layout
``sparse_coo``, ``Tensor.to_sparse`` and the sparse methods (``coalesce``, ``indices``,
``values``, ``_nnz``, ``to_dense``...). ``minitorch/sparse.py`` (torch.sparse) builds on it.

minitorch has no sparse storage. A sparse COO tensor here is a Tensor of the class
``SparseCOOTensor`` whose array is the DENSE array it stands for (zeros where nothing is
stored), and which also remembers what PyTorch would store besides: the indices
(``sparse_dim x nnz``, int64), whether they are coalesced and, while they are not, the
stored values with their duplicates. So:

- the flags and accessors behave as PyTorch's: ``is_sparse``, ``layout == sparse_coo``,
  ``_nnz()``, ``indices()`` / ``values()`` (of a coalesced tensor only, as PyTorch),
  ``_indices()`` / ``_values()``, ``coalesce()`` (duplicates summed, indices sorted),
  ``is_coalesced()``, ``sparse_dim()``, ``dense_dim()``, ``to_dense()``;
- arithmetic and products give PyTorch's values and gradients: exact for a dense operand
  (``torch.sparse.mm(A, X)``: dX = A^T g); for the sparse operand (the ``values`` given to
  ``sparse_coo_tensor``, or a sparse leaf) restricted to the stored pattern where
  PyTorch's gradient is sparse (torch.sparse.mm/addmm/sum/softmax, to_dense, values(),
  sparse * dense, scaling...), dense where PyTorch's is (torch.mm, @, spmm, addmm,
  ``sum()``, dense + sparse). Each stored value, duplicates included, gets the gradient
  of its position;
- what PyTorch keeps sparse (negation, scaling, sparse + sparse, sparse * dense or sparse,
  transposes, unsqueeze, zero-preserving pointwise methods such as ``sqrt``/``relu``/
  ``pow``, ``sum(dim)``, dtype and device changes, clone/detach) returns a sparse tensor
  here too; anything else works on it as on its dense tensor and returns a dense tensor
  (where PyTorch would refuse, e.g. ``sparse + dense`` or ``exp``, this gives the dense
  result instead of an error).

Memory and time are those of the dense tensor: an n x n adjacency holds n*n entries
whatever its nnz, and products run as dense BLAS products. Values are PyTorch's; only the
storage differs. Further differences: a sparse leaf's ``.grad`` holds PyTorch's values as
a dense (strided) tensor; torch-level functions (``minitorch.sin(A)``, ``minitorch.mm(A,
B)`` of two sparse tensors) return dense tensors where PyTorch returns sparse ones (the
methods and operators keep the layout); sparse_dim 0 is not supported.
"""
from __future__ import annotations

import numpy as np

from .. import backend
from .. import dtypes as _dt
from ..autograd.function import Function
from ..autograd.grad_mode import STATE as _GRAD
from ..tensor import Tensor, Size, _Layout, _make, _wrap_dim
from ._util import is_number, as_python_scalar
from . import elementwise as E
from . import reduction as R
from . import shape as S
from . import linalg as L
from . import inplace as IP

_xp = backend.get_array_module

__all__ = ["sparse_coo_tensor", "spmm", "sparse_coo", "sparse_csr", "sparse_csc",
           "sparse_bsr", "sparse_bsc"]


# ---------------------------------------------------------------------------- layouts
class _SparseLayout(_Layout):
    """A sparse layout object (``minitorch.sparse_coo``...), of the type of
    ``minitorch.strided`` (``minitorch.layout``). Only sparse_coo has tensors here; the
    compressed layouts exist so that ``x.layout == minitorch.sparse_csr`` can be asked."""

    def __init__(self, name: str):
        self._name = name

    def __repr__(self):
        return f"{_dt.display_prefix()}.{self._name}"

    def __reduce__(self):
        return self._name


sparse_coo = _SparseLayout("sparse_coo")
sparse_csr = _SparseLayout("sparse_csr")
sparse_csc = _SparseLayout("sparse_csc")
sparse_bsr = _SparseLayout("sparse_bsr")
sparse_bsc = _SparseLayout("sparse_bsc")


# ---------------------------------------------------------------------------- what is stored
class _COO:
    """What PyTorch stores for a sparse COO tensor, beside the values (which the dense
    array holds): the indices, int64 (sparse_dim, nnz), on the tensor's device; whether
    they are coalesced; for an uncoalesced tensor with repeated indices the stored values
    (nnz, *dense dims) as an array, since the dense array has them summed (None: read them
    from the dense array); the tensor's version when those were stored; and the pattern as
    a bool array (made on first use)."""

    def __init__(self, indices, coalesced: bool, values=None, version: int = 0):
        self.indices = indices
        self.coalesced = bool(coalesced)
        self.values = None if coalesced else values
        self.version = version
        self.mask = None


def _info(t) -> _COO:
    """The stored part of sparse `t`, kept in step with its array: after a device move or a
    dtype change of the array alone (``Module.to`` replaces parameters' and buffers' arrays
    in place) the indices and values follow; after an in-place change of the array by an
    operation that does not know about sparsity, stored duplicates cannot be told apart any
    more and the tensor counts as coalesced."""
    info = t.__dict__["_coo"]
    data = t._data
    if backend.array_device(info.indices) != backend.array_device(data):
        dev = backend.array_device(data)
        vals = None if info.values is None else backend.transfer(info.values, dev)
        info = _COO(backend.transfer(info.indices, dev), info.coalesced, vals, info.version)
        t._coo = info
    if info.values is not None:
        if info.version != t._vc[0]:
            info = _COO(_unique(info.indices, _sparse_shape(t, info)), True, None, t._vc[0])
            t._coo = info
        elif info.values.dtype != data.dtype:
            info = _COO(info.indices, False, info.values.astype(data.dtype), info.version)
            t._coo = info
    return info


def _mark(t: Tensor, indices, coalesced: bool, values=None) -> "SparseCOOTensor":
    """Make `t`, a fresh result that nobody else holds yet, a sparse COO tensor with these
    stored indices (its array already is the dense tensor)."""
    if type(t) is not SparseCOOTensor:
        t.__class__ = SparseCOOTensor
    t._coo = _COO(indices, coalesced, values, t._vc[0])
    return t


def _is_sparse(x) -> bool:
    return isinstance(x, SparseCOOTensor)


def _sd(info) -> int:
    return int(info.indices.shape[0])


def _sparse_shape(t, info) -> tuple:
    return tuple(t._data.shape[:_sd(info)])


def _where(info) -> tuple:
    """The stored positions as an index tuple: one 1-D array per sparse dim."""
    return tuple(info.indices)


def _unique(indices, sparse_shape):
    """The distinct columns of `indices`, sorted lexicographically (coalesce's order)."""
    xp = _xp(indices)
    if indices.shape[1] == 0:
        return indices
    lin = xp.zeros(indices.shape[1], dtype=np.int64)
    for k, n in enumerate(sparse_shape):
        lin = lin * n + indices[k]
    lin = xp.unique(lin)
    rows = []
    for n in reversed(sparse_shape):
        rows.append(lin % n)
        lin = lin // n
    return xp.stack(rows[::-1]).astype(np.int64)


def _pattern_indices(pattern):
    """The indices (sorted, so coalesced) of the True entries of a bool array."""
    xp = _xp(pattern)
    return xp.stack(xp.nonzero(pattern)).astype(np.int64).reshape(pattern.ndim, -1)


def _mask(t, info):
    """The pattern of `t` as a bool array of shape sparse dims + (1,) * dense dims, True
    where a value is stored (broadcasts against the dense array)."""
    if info.mask is None:
        sshape = _sparse_shape(t, info)
        m = _xp(t._data).zeros(sshape, dtype=bool)
        if info.indices.shape[1]:
            m[_where(info)] = True
        info.mask = m.reshape(sshape + (1,) * (t._data.ndim - len(sshape)))
    return info.mask


def _pattern(t, info):
    """The pattern over the sparse dims only (bool array of shape sparse dims)."""
    return _mask(t, info).reshape(_sparse_shape(t, info))


def _stored_values(t, info):
    """The stored values array (nnz, *dense dims), duplicates as stored."""
    if info.values is not None:
        return info.values
    return t._data[_where(info)]


# ---------------------------------------------------------------------------- Functions
class SparseCooTensorWithDimsAndTensors(Function):
    """The dense array of a sparse COO tensor: out = zeros(size), out[indices] += values
    (repeated indices add up, as coalescing does).

    d values = g[indices]: each stored value, duplicates included, gets the gradient at its
    position."""

    @staticmethod
    def forward(ctx, values, where, shape):
        ctx.where = where
        out = _xp(values).zeros(shape, dtype=values.dtype)
        if values.shape[0]:
            backend.index_add_at(out, where, values)
        return out

    @staticmethod
    def backward(ctx, g):
        return Values.apply(g, ctx.where)


class Values(Function):
    """The entries at the stored positions: out = x[indices], of shape (nnz, *dense dims).

    dx = zeros like x with g added at the stored positions (SparseCooTensorWithDimsAndTensors),
    so the gradient of a sparse tensor's values() lies on its pattern."""

    @staticmethod
    def forward(ctx, x, where):
        ctx.where = where
        ctx.shape = x.shape
        return x[where]

    @staticmethod
    def backward(ctx, g):
        return SparseCooTensorWithDimsAndTensors.apply(g, ctx.where, ctx.shape)


class Coalesce(Function):
    """The coalesced tensor has the same dense array (duplicates are summed in it already):
    out = a copy of x;  dx = g."""

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, g):
        return g


class SparseMaskGrad(Function):
    """out = x, with the gradient restricted to the stored pattern:
    dx = g where a value is stored, 0 elsewhere (a `where`, so an infinite or NaN gradient
    off the pattern is dropped, not multiplied by 0). This is what PyTorch's sparse
    gradient for the sparse operand of torch.sparse.mm, torch.sparse.sum... holds."""
    is_view = True

    @staticmethod
    def forward(ctx, x, mask):
        ctx.mask = mask
        return x.view()

    @staticmethod
    def backward(ctx, g):
        return E.where(_make(ctx.mask), g, 0.0)


class ToDense(Function):
    """out = a copy of the dense array. dx = g on the stored pattern (masked_grad=True,
    PyTorch's default for a sparse input), or g everywhere (masked_grad=False)."""

    @staticmethod
    def forward(ctx, x, mask):
        ctx.mask = mask
        return x.copy()

    @staticmethod
    def backward(ctx, g):
        if ctx.mask is None:
            return g
        return E.where(_make(ctx.mask), g, 0.0)


def _masked(t):
    """`t` with its gradient restricted to its stored pattern (t itself when no gradient
    is recorded)."""
    if t._rg and _GRAD.enabled:
        return SparseMaskGrad.apply(t, _mask(t, _info(t)))
    return t


def _from_values(values: Tensor, indices, shape, coalesced: bool, raw=None):
    """A sparse tensor from stored values (a Tensor, differentiable) at `indices`."""
    out = SparseCooTensorWithDimsAndTensors.apply(values, tuple(indices), tuple(shape))
    return _mark(out, indices, coalesced, raw)


# ---------------------------------------------------------------------------- construction
def _as_tensor(x, fn, arg, dtype=None, device=None):
    from .. import creation
    if isinstance(x, Tensor):
        return x
    try:
        return creation.tensor(x, dtype=dtype, device=device)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{fn}(): argument '{arg}' must be a Tensor or array-like, got "
                        f"{type(x).__name__}") from err


def _check_indices(idx, shape, sd, fn):
    """Indices inside the size (PyTorch's check_invariants messages); the dense array
    needs valid positions, so minitorch always checks."""
    if idx.shape[1] == 0:
        return
    lo = idx.min(axis=1).tolist()
    hi = idx.max(axis=1).tolist()
    for k in range(sd):
        if int(lo[k]) < 0:
            raise RuntimeError(f"{fn}(): found negative index {int(lo[k])} for dim {k} "
                               "(indices of a sparse COO tensor must be >= 0)")
        if int(hi[k]) >= shape[k]:
            raise RuntimeError(f"{fn}(): size is inconsistent with indices: for dim {k}, "
                               f"size is {shape[k]} but found index {int(hi[k])}")


def _parse_size(size, fn):
    if isinstance(size, Tensor):
        size = size.tolist()
    try:
        return tuple(int(s) for s in size)
    except TypeError as err:
        raise TypeError(f"{fn}(): argument 'size' must be a tuple of ints, got "
                        f"{type(size).__name__}") from err


def _is_size_arg(x) -> bool:
    return isinstance(x, (tuple, list, Size)) and all(
        isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in x) and \
        not isinstance(x, Tensor)


def _empty_sparse(size, dtype, device, fn, requires_grad=False):
    """An all-zero sparse tensor of `size` (every dim sparse, nnz = 0)."""
    from .. import creation
    shape = _parse_size(size, fn)
    d = _dt.get_default_dtype() if dtype is None else _dt.to_dtype(dtype, fn)
    out = creation.zeros(shape, dtype=d, device=device)
    xp = _xp(out._data)
    _mark(out, xp.zeros((len(shape), 0), dtype=np.int64), True)
    if requires_grad:
        out.requires_grad_(True)
    return out


def sparse_coo_tensor(indices=None, values=None, size=None, *, dtype=None, device=None,
                      pin_memory=False, requires_grad=False, check_invariants=None,
                      is_coalesced=None):
    """A sparse COO tensor with `values` at `indices` (int, sparse_dim x nnz); `values` is
    (nnz, *dense dims). `size` defaults to the smallest that holds the indices. Repeated
    indices are kept (uncoalesced) and add up in the dense tensor, as ``coalesce()`` sums
    them. ``sparse_coo_tensor(size)`` is an empty (all-zero) sparse tensor.

    Dense-backed emulation (see the module docstring): the result holds the dense array of
    `size`, so it takes dense memory. Differentiable w.r.t. `values`:
    d values[k] = g[indices[:, k]]. The indices are always checked against `size`
    (`check_invariants` is accepted; PyTorch checks only when asked)."""
    fn = "sparse_coo_tensor"
    if values is None:
        if size is None and _is_size_arg(indices):
            size, indices = indices, None
        if indices is None:
            if size is None:
                raise TypeError(f"{fn}() missing required argument 'values' (or a 'size' for "
                                "an empty sparse tensor)")
            return _empty_sparse(size, dtype, device, fn, requires_grad)
        raise TypeError(f"{fn}() missing required argument 'values'")
    dev = None if device is None else backend.to_device(device, fn)
    vals = _as_tensor(values, fn, "values", dtype=dtype, device=dev)
    if dtype is not None:
        vals = vals.to(_dt.to_dtype(dtype, fn))
    if dev is not None and vals.device != dev:
        vals = vals.to(dev)
    idx_t = _as_tensor(indices, fn, "indices")
    idx = backend.transfer(idx_t._data, vals.device)
    if idx.dtype.kind not in "iuf" and idx.dtype != np.bool_:
        raise TypeError(f"{fn}(): indices must be an integer tensor, got {idx_t.dtype}")
    if idx.ndim != 2:
        raise RuntimeError(f"{fn}(): indices must be a 2-D tensor of shape (sparse_dim, nnz), "
                           f"got shape {tuple(idx.shape)}")
    idx = idx.astype(np.int64)
    if vals.ndim == 0:
        raise RuntimeError(f"{fn}(): values must be at least 1-D (nnz, *dense dims), got a "
                           "0-d tensor")
    sd, nnz = int(idx.shape[0]), int(idx.shape[1])
    if nnz != vals.shape[0]:
        raise RuntimeError(f"{fn}(): indices and values must have same nnz, but got nnz from "
                           f"indices: {nnz}, nnz from values: {vals.shape[0]}")
    if sd == 0:
        raise NotImplementedError(f"{fn}(): sparse_dim 0 (indices with no rows) is not "
                                  "supported by minitorch's dense-backed sparse tensors")
    dense_shape = tuple(vals.shape[1:])
    if size is None:
        hi = idx.max(axis=1) + 1 if nnz else _xp(idx).zeros(sd, dtype=np.int64)
        shape = tuple(int(h) for h in hi.tolist()) + dense_shape
    else:
        shape = _parse_size(size, fn)
        if len(shape) != sd + len(dense_shape):
            raise RuntimeError(f"{fn}(): 'len(size) == sparse_dim + dense_dim' is not "
                               f"satisfied: len(size) = {len(shape)}, sparse_dim = {sd}, "
                               f"dense_dim = {len(dense_shape)}")
        if shape[sd:] != dense_shape:
            raise RuntimeError(f"{fn}(): values has incorrect size, expected "
                               f"{[nnz, *shape[sd:]]}, got {list(vals.shape)}")
    _check_indices(idx, shape, sd, fn)
    coalesced = nnz <= 1 if is_coalesced is None else bool(is_coalesced)
    out = _from_values(vals, idx, shape, coalesced, None if coalesced else vals._data)
    if requires_grad and not out._rg:
        out.requires_grad_(True)
    return out


# ---------------------------------------------------------------------------- products
def _structural_product(a, ia, b, ib):
    """Indices (coalesced) of the pattern of a @ b for sparse 2-D a and b: (i, j) where some
    k has a[i, k] and b[k, j] stored."""
    pa = _pattern(a, ia).astype(np.float32)
    pb = _pattern(b, ib).astype(np.float32)
    return _pattern_indices((pa @ pb) > 0)


def sparse_mm(mat1, mat2, fn="sparse.mm"):
    """mat1 @ mat2 with a sparse mat1 (and dense or sparse mat2), as torch.sparse.mm: the
    gradient for a sparse operand lies on its pattern (dA = (g mat2^T) on A's pattern);
    for a dense operand it is exact (dX = A^T g). Sparse @ sparse is sparse, with the
    structural pattern of the product."""
    for m, arg in ((mat1, "mat1"), (mat2, "mat2")):
        if not isinstance(m, Tensor):
            raise TypeError(f"{fn}(): argument '{arg}' must be Tensor, not {type(m).__name__}")
        if m.ndim != 2:
            raise RuntimeError(f"{fn}(): '{arg}' must be a matrix, got a {m.ndim}-D tensor")
    a = _masked(mat1) if _is_sparse(mat1) else mat1
    b = _masked(mat2) if _is_sparse(mat2) else mat2
    out = L.mm(a, b)
    if _is_sparse(mat1) and _is_sparse(mat2):
        return _mark(out, _structural_product(mat1, _info(mat1), mat2, _info(mat2)), True)
    return out


def spmm(input, mat2):
    """torch.spmm: input @ mat2 for a sparse (or dense) input and a dense mat2, as
    torch.mm: dense result, gradients as for the dense product (PyTorch's gradient for
    the sparse input of mm/spmm is dense too). Sparse @ sparse gives a sparse result."""
    if _is_sparse(input) and _is_sparse(mat2):
        return sparse_mm(input, mat2, "spmm")
    return L.mm(input, mat2)


# ---------------------------------------------------------------------------- sums
def sparse_sum(input, dim=None, keepdim=False, dtype=None, fn="sparse.sum"):
    """Sum of a sparse tensor over `dim` (all dims by default); the gradient lies on the
    pattern (dx = g broadcast back, on the stored positions). The result is sparse while
    some sparse dim remains (stored where some summed entry was), dense otherwise."""
    if not _is_sparse(input):
        raise RuntimeError(f"{fn}(): expected a sparse COO tensor (layout sparse_coo) but "
                           "got a strided one; use Tensor.sum for dense tensors")
    x = input if dtype is None else input.to(_dt.to_dtype(dtype, fn))
    if dim is None:
        return R.sum(_masked(x))
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    dims = sorted({_wrap_dim(d, x.ndim, fn) for d in dims})
    info = _info(x)
    sd = _sd(info)
    out = R.sum(_masked(x), dim=tuple(dims), keepdim=keepdim)
    kept = [k for k in range(sd) if k not in dims]
    if keepdim:
        idx = info.indices.copy()
        for k in dims:
            if k < sd:
                idx[k] = 0
        return _mark(out, _unique(idx, tuple(1 if k in dims else n for k, n in
                                             enumerate(x.shape[:sd]))), False)
    if not kept:
        return out
    sub = info.indices[kept]
    return _mark(out, _unique(sub, tuple(x.shape[k] for k in kept)), True)


# ---------------------------------------------------------------------------- the class
def _scalar_like(x) -> bool:
    return is_number(x) or (isinstance(x, Tensor) and not _is_sparse(x) and x.ndim == 0)


def _scalar_array(x):
    return x._data if isinstance(x, Tensor) else as_python_scalar(x)


def _linear(self, compute, raw_fn, co=None):
    """An operation linear in the stored values (negation, scaling): computed on the dense
    array, with the gradient for `self` restricted to its pattern; same indices."""
    info = _info(self)
    out = compute(_masked(self))
    raw = None if info.values is None else raw_fn(info.values)
    return _mark(out, info.indices, info.coalesced if co is None else co, raw)


def _on_values(self, f):
    """A zero-preserving function applied to the stored values (after coalescing, as
    PyTorch does): f(values) put back at the same positions."""
    c = self.coalesce()
    info = _info(c)
    vals = f(Values.apply(c, _where(info)))
    return _from_values(vals, info.indices, c.shape, True)


def _pointwise(name):
    """A method of SparseCOOTensor running Tensor's method `name` on the stored values
    (looked up when called: Tensor gets its methods after this module is imported)."""
    def method(self, *args, **kwargs):
        base = getattr(Tensor, name)
        return _on_values(self, lambda v: base(v, *args, **kwargs))
    method.__name__ = name
    method.__doc__ = (f"``{name}`` of the stored values (a zero-preserving function, so the "
                      "result is sparse with the same pattern, coalesced).")
    return method


def _keeps_layout(name):
    """A method of SparseCOOTensor running Tensor's method `name` (a conversion: dtype,
    device, copy) and keeping the sparse layout."""
    def method(self, *args, **kwargs):
        out = getattr(Tensor, name)(self, *args, **kwargs)
        if out is self or not isinstance(out, Tensor) or tuple(out.shape) != tuple(self.shape):
            return out
        info = _info(self)
        return _mark(out, info.indices, info.coalesced, info.values)
    method.__name__ = name
    method.__doc__ = f"``{name}`` of the dense tensor, keeping the sparse layout and indices."
    return method


class SparseCOOTensor(Tensor):
    """A sparse COO tensor, emulated on its dense array (see the module docstring): a
    Tensor whose array is the dense tensor, plus the stored indices."""
    __slots__ = ()

    # ---------------------------------------------------------------- flags
    is_sparse = property(lambda self: True)

    @property
    def layout(self):
        """``minitorch.sparse_coo``."""
        return sparse_coo

    def is_coalesced(self) -> bool:
        return _info(self).coalesced

    def _coalesced_(self, coalesced: bool):
        """Declare the indices coalesced (or not) without checking, as PyTorch's."""
        info = _info(self)
        self._coo = _COO(info.indices, coalesced,
                         None if coalesced else _stored_values(self, info), self._vc[0])
        return self

    def sparse_dim(self) -> int:
        return _sd(_info(self))

    def dense_dim(self) -> int:
        return self.ndim - _sd(_info(self))

    def _nnz(self) -> int:
        return int(_info(self).indices.shape[1])

    def is_contiguous(self, memory_format=None) -> bool:
        return False

    # ---------------------------------------------------------------- what is stored
    def coalesce(self):
        """Repeated indices summed (the dense array has them summed already) and the indices
        sorted; the tensor itself when already coalesced. d self = g."""
        info = _info(self)
        if info.coalesced:
            return self
        return _mark(Coalesce.apply(self), _unique(info.indices, _sparse_shape(self, info)),
                     True)

    def _check_coalesced(self, what):
        if not _info(self).coalesced:
            raise RuntimeError(f"Cannot get {what} on an uncoalesced tensor, please call "
                               ".coalesce() first")

    def indices(self) -> Tensor:
        """The stored indices (int64, sparse_dim x nnz) of a coalesced tensor."""
        self._check_coalesced("indices")
        return _make(_info(self).indices)

    def values(self) -> Tensor:
        """The stored values (nnz, *dense dims) of a coalesced tensor; differentiable: the
        gradient goes to the stored positions."""
        self._check_coalesced("values")
        return Values.apply(self, _where(_info(self)))

    def _indices(self) -> Tensor:
        """The stored indices, coalesced or not."""
        return _make(_info(self).indices)

    def _values(self) -> Tensor:
        """The stored values, duplicates as stored, outside the graph (as PyTorch's)."""
        return _make(_stored_values(self, _info(self)))

    def to_dense(self, dtype=None, *, masked_grad=None) -> Tensor:
        """The dense tensor (a copy). Its gradient lies on the pattern unless
        masked_grad=False."""
        mask = None if masked_grad is False else _mask(self, _info(self))
        out = ToDense.apply(self, mask)
        return out if dtype is None else out.to(dtype)

    def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
        _check_layout(layout, "to_sparse")
        if sparse_dim is not None and sparse_dim != self.sparse_dim():
            raise RuntimeError("to_sparse: conversion from Sparse to Sparse with sparse_dim "
                               f"argument != self.sparse_dim() is not supported (got "
                               f"{sparse_dim}, have {self.sparse_dim()})")
        return self

    def to_sparse_coo(self):
        return self

    def sparse_mask(self, mask):
        return sparse_mask(self, mask)

    def type(self, dtype=None, non_blocking=False, **kwargs):
        """``type()`` is PyTorch's sparse type string ("torch.sparse.FloatTensor");
        ``type(t)`` converts, keeping the sparse layout."""
        if dtype is None and not kwargs:
            cuda = "cuda." if self.is_cuda else ""
            return f"torch.{cuda}sparse.{self.dtype._legacy}"
        return _keeps_layout("type")(self, dtype, non_blocking, **kwargs)

    def __deepcopy__(self, memo):
        new = Tensor.__deepcopy__(self, memo)
        new._coo.version = new._vc[0]   # a new array, with its own version count
        return new

    # ---------------------------------------------------------------- printing
    def __repr__(self):
        """PyTorch's form: indices, values, then size, nnz, dtype, layout, grad (on a new
        line, wrapped at the print width)."""
        from .. import _format
        info = _info(self)
        d = self.dtype
        tail = [] if self.device.type == "cpu" else [f"device='{self.device}'"]
        tail += [f"size={tuple(self.shape)}", f"nnz={self._nnz()}"]
        if d not in (_dt.get_default_dtype(), _dt.int64, _dt.bool_):
            tail.append(f"dtype={d!r}")
        tail.append(f"layout={sparse_coo!r}")
        if self.grad_fn is not None:
            tail.append(f"grad_fn=<{self.grad_fn.name()}>")
        elif self._rg:
            tail.append("requires_grad=True")
        out = [f"tensor(indices={_inner_repr(info.indices, 22)},\n"
               f"       values={_inner_repr(_stored_values(self, info), 21)},\n"
               f"       {tail[0]}"]
        width = 7 + len(tail[0])
        for item in tail[1:]:
            if width + len(item) + 2 > _format.LINEWIDTH:
                out.append(",\n       " + item)
                width = 7 + len(item)
            else:
                out.append(", " + item)
                width += len(item) + 2
        return "".join(out) + ")"

    __str__ = __repr__

    # ---------------------------------------------------------------- arithmetic
    def __neg__(self):
        return _linear(self, E.neg, lambda v: -v)

    neg = negative = __neg__

    def mul(self, other):
        """sparse * number (same indices), sparse * dense (the stored values times the
        dense entries there), sparse * sparse (where both store); sparse results."""
        if _scalar_like(other):
            s = _scalar_array(other)
            return _linear(self, lambda x: E.mul(x, other), lambda v: v * s)
        if _is_sparse(other):
            return _mul_sparse(self, other)
        if isinstance(other, Tensor):
            try:
                shape = np.broadcast_shapes(tuple(self.shape), tuple(other.shape))  # host: shapes
            except ValueError:
                shape = None
            if shape == tuple(self.shape):
                c = self.coalesce()
                info = _info(c)
                where = _where(info)
                o = other if tuple(other.shape) == shape else S.expand(other, shape)
                vals = E.mul(Values.apply(c, where), Values.apply(o, where))
                return _from_values(vals, info.indices, c.shape, True)
        return E.mul(self, other)

    __mul__ = __rmul__ = multiply = mul

    def div(self, other, *, rounding_mode=None):
        """sparse / number: same indices; other divisors work on the dense tensor."""
        if _scalar_like(other) and rounding_mode is None:
            s = _scalar_array(other)
            return _linear(self, lambda x: E.div(x, other), lambda v: v / s)
        return E.div(self, other, rounding_mode=rounding_mode)

    __truediv__ = divide = true_divide = div

    def add(self, other, *, alpha=1):
        """sparse + sparse is sparse (union of the patterns when both are coalesced, the
        stored entries of both otherwise); sparse + dense or number is the dense sum
        (PyTorch refuses it; here it is what it means)."""
        if _is_sparse(other) and tuple(other.shape) == tuple(self.shape) and \
                other.sparse_dim() == self.sparse_dim():
            return _add_sparse(self, other, alpha)
        return E.add(self, other, alpha=alpha)

    __add__ = add

    def sub(self, other, *, alpha=1):
        if _is_sparse(other):
            return self.add(other, alpha=-alpha)
        return E.sub(self, other, alpha=alpha)

    __sub__ = subtract = sub

    def pow(self, exponent):
        """Stored values to a positive number power (sparse); other exponents work on the
        dense tensor (PyTorch refuses those)."""
        if is_number(exponent) and exponent > 0:
            return _on_values(self, lambda v: E.pow(v, exponent))
        return E.pow(self, exponent)

    __pow__ = pow

    def matmul(self, other):
        """sparse @ sparse is sparse (as torch.sparse.mm); sparse @ dense is the dense
        product, as torch.mm."""
        if _is_sparse(other) and self.ndim == 2 and other.ndim == 2:
            return sparse_mm(self, other, "matmul")
        return L.matmul(self, other)

    __matmul__ = matmul

    def mm(self, mat2):
        if _is_sparse(mat2):
            return sparse_mm(self, mat2, "mm")
        return L.mm(self, mat2)

    # ---------------------------------------------------------------- in place
    def mul_(self, other):
        if _scalar_like(other):
            info = _info(self)
            IP.mul_(self, other)
            s = _scalar_array(other)
            raw = None if info.values is None else (info.values * s).astype(self._data.dtype)
            self._coo = _COO(info.indices, info.coalesced, raw, self._vc[0])
            return self
        return IP.mul_(self, other)

    def div_(self, other):
        if _scalar_like(other):
            return self.mul_(1.0 / _scalar_array(other))
        return IP.div_(self, other)

    def neg_(self):
        return self.mul_(-1)

    def zero_(self):
        info = _info(self)
        IP.zero_(self)
        self._coo = _COO(info.indices[:, :0], True, None, self._vc[0])
        return self

    def add_(self, other, *, alpha=1):
        if _is_sparse(other) and tuple(other.shape) == tuple(self.shape) and \
                other.sparse_dim() == self.sparse_dim():
            info, oinfo = _info(self), _info(other)
            IP.add_(self, other, alpha=alpha)
            idx, co, raw = _sum_pattern(self, info, other, oinfo, alpha)
            self._coo = _COO(idx, co, raw, self._vc[0])
            return self
        return IP.add_(self, other, alpha=alpha)

    def sub_(self, other, *, alpha=1):
        return self.add_(other, alpha=-alpha)

    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)

    # ---------------------------------------------------------------- shape
    def transpose(self, dim0, dim1):
        """Swap two sparse dims (indices rows swapped, uncoalesced as PyTorch's) or two
        dense dims; mixing a sparse and a dense dim gives the dense transpose."""
        n = self.ndim
        d0, d1 = _wrap_dim(dim0, n, "transpose"), _wrap_dim(dim1, n, "transpose")
        perm = list(range(n))
        perm[d0], perm[d1] = perm[d1], perm[d0]
        return _permuted(self, S.transpose(self, d0, d1), perm)

    swapaxes = swapdims = transpose

    def t(self):
        if self.ndim < 2:
            return self
        return self.transpose(0, 1)

    @property
    def T(self):
        return self.permute(*reversed(range(self.ndim)))

    @property
    def mT(self):
        return self.transpose(-2, -1)

    def permute(self, *dims):
        if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
            dims = tuple(dims[0])
        out = S.permute(self, dims)
        return _permuted(self, out, [_wrap_dim(d, self.ndim, "permute") for d in dims])

    def unsqueeze(self, dim):
        info = _info(self)
        sd = _sd(info)
        d = _wrap_dim(dim, self.ndim + 1, "unsqueeze")
        out = S.unsqueeze(self, d)
        xp = _xp(info.indices)
        if d <= sd:
            zero = xp.zeros((1, info.indices.shape[1]), dtype=np.int64)
            idx = xp.concatenate([info.indices[:d], zero, info.indices[d:]], axis=0)
            return _mark(out, idx, False, info.values)
        raw = None if info.values is None else xp.expand_dims(info.values, d - sd + 1)
        return _mark(out, info.indices, info.coalesced, raw)

    def sum(self, dim=None, keepdim=False, *, dtype=None):
        """Over all dims: the dense 0-d sum (PyTorch's gradient is dense too). Over some
        dims: as torch.sparse.sum, sparse while a sparse dim remains."""
        if dim is None:
            return R.sum(self, dtype=dtype)
        return sparse_sum(self, dim, keepdim, dtype, "sum")


def _inner_repr(arr, indent: int) -> str:
    """``tensor([...])`` of the indices or values inside a sparse tensor's repr, its lines
    indented as PyTorch's (`indent` columns before the numbers)."""
    from .._format import format_array
    host = arr if type(arr) is np.ndarray else arr.get()
    if host.size == 0:
        return f"tensor([], size={tuple(host.shape)})"
    return "tensor(" + format_array(host, " " * indent) + ")"


def _permuted(self, out, perm):
    """Mark the permuted dense tensor `out` sparse when `perm` keeps the sparse dims among
    themselves (their indices rows reordered); otherwise `out` stays dense."""
    info = _info(self)
    sd = _sd(info)
    if sorted(perm[:sd]) != list(range(sd)):
        return out
    raw = None if info.values is None else \
        info.values.transpose([0] + [p - sd + 1 for p in perm[sd:]])
    if perm[:sd] == list(range(sd)):
        return _mark(out, info.indices, info.coalesced, raw)
    return _mark(out, info.indices[perm[:sd]], False, raw)


def _sum_pattern(a, ia, b, ib, alpha):
    """Indices, coalesced flag and stored values of a + alpha * b (both sparse): the union
    of the patterns when both are coalesced; otherwise the stored entries pairwise summed
    when both store the same index list (as PyTorch's merge gives), else both sets of
    entries (PyTorch merges those pairwise too, so its nnz can be smaller; the values of
    the sum are the same)."""
    xp = _xp(ia.indices)
    if ia.coalesced and ib.coalesced:
        return _pattern_indices(_pattern(a, ia) | _pattern(b, ib)), True, None
    va, vb = _stored_values(a, ia), _stored_values(b, ib)
    vb = (vb * alpha).astype(va.dtype)
    if ia.indices.shape == ib.indices.shape and bool((ia.indices == ib.indices).all()):
        return ia.indices, False, va + vb
    idx = xp.concatenate([ia.indices, ib.indices], axis=1)
    return idx, False, xp.concatenate([va, vb], axis=0)


def _add_sparse(a, b, alpha):
    ia, ib = _info(a), _info(b)
    idx, co, raw = _sum_pattern(a, ia, b, ib, alpha)
    out = E.add(_masked(a), _masked(b), alpha=alpha)
    return _mark(out, idx, co, raw)


def _mul_sparse(a, b):
    """Elementwise product of two sparse tensors: stored where both store."""
    if tuple(a.shape) != tuple(b.shape) or a.sparse_dim() != b.sparse_dim():
        raise RuntimeError(f"mul(): sparse operands must have the same size and sparse_dim, "
                           f"got {tuple(a.shape)} and {tuple(b.shape)}")
    ia, ib = _info(a), _info(b)
    idx = _pattern_indices(_pattern(a, ia) & _pattern(b, ib))
    where = tuple(idx)
    vals = E.mul(Values.apply(a, where), Values.apply(b, where))
    return _from_values(vals, idx, a.shape, ia.coalesced and ib.coalesced)


def sparse_mask(input, mask):
    """`input`'s entries at the stored positions of the sparse `mask` (a sparse tensor with
    mask's indices); d input = g at those positions."""
    if not _is_sparse(mask):
        raise RuntimeError("sparse_mask(): expected mask to be a sparse COO tensor, got a "
                           "strided one")
    if tuple(input.shape) != tuple(mask.shape):
        raise RuntimeError(f"sparse_mask(): operands have incompatible sizes, self "
                           f"{list(input.shape)} and mask {list(mask.shape)}")
    info = _info(mask)
    vals = Values.apply(input, _where(info))
    return _from_values(vals, info.indices, input.shape, info.coalesced,
                        None if info.coalesced else vals._data)


for _name in ("abs", "absolute", "sqrt", "square", "sin", "tan", "asin", "arcsin", "atan",
              "arctan", "sinh", "asinh", "arcsinh", "tanh", "atanh", "arctanh", "erf",
              "erfinv", "expm1", "log1p", "relu", "sign", "sgn", "floor", "ceil", "round",
              "trunc", "fix", "frac", "nan_to_num", "deg2rad", "rad2deg"):
    setattr(SparseCOOTensor, _name, _pointwise(_name))
for _name in ("to", "cpu", "cuda", "float", "double", "half", "bfloat16", "long", "int",
              "short", "char", "byte", "bool", "type_as", "clone", "detach", "contiguous"):
    setattr(SparseCOOTensor, _name, _keeps_layout(_name))
del _name


# ---------------------------------------------------------------------------- dense tensors
def _check_layout(layout, fn):
    if layout is not None and layout is not sparse_coo:
        raise NotImplementedError(f"{fn}(): layout {layout!r} is not supported; minitorch "
                                  "has only sparse_coo (emulated on dense arrays)")


def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
    """The sparse COO form of a dense tensor: every nonzero entry stored (with sparse_dim
    < ndim, every slice over the first sparse_dim dims that has a nonzero), coalesced.
    Dense-backed: the result keeps a copy of the dense array. d self = g."""
    _check_layout(layout, "to_sparse")
    n = self.ndim
    sd = n if sparse_dim is None else int(sparse_dim)
    if not 0 <= sd <= n:
        raise RuntimeError(f"dense_to_sparse: sparse_dim argument must be in [0,{n}] range, "
                           f"but {sd} is given")
    if sd == 0:
        raise NotImplementedError("to_sparse(): sparse_dim 0 is not supported by minitorch's "
                                  "dense-backed sparse tensors")
    nz = self._data != 0
    if sd < n:
        nz = nz.any(axis=tuple(range(sd, n)))
    return _mark(E.Clone.apply(self), _pattern_indices(nz), True)


def to_sparse_coo(self):
    return to_sparse(self)


def _needs_sparse(name, kind="sparse coordinate tensor layout"):
    def method(self, *args, **kwargs):
        raise RuntimeError(f"{name} expected {kind} but got Strided")
    method.__name__ = name
    return method


def _dense_sparse_dim(self) -> int:
    return 0


def _dense_dense_dim(self) -> int:
    return self.ndim


TENSOR_METHODS = {
    "to_sparse": to_sparse, "to_sparse_coo": to_sparse_coo, "sparse_mask": sparse_mask,
    "coalesce": _needs_sparse("coalesce"), "is_coalesced": _needs_sparse("is_coalesced"),
    "indices": _needs_sparse("indices"), "_indices": _needs_sparse("_indices"),
    "values": _needs_sparse("values", "sparse tensor layout"),
    "_values": _needs_sparse("_values", "sparse tensor layout"),
    "_nnz": _needs_sparse("_nnz", "sparse tensor layout"),
    "_coalesced_": _needs_sparse("_coalesced_"),
    "sparse_dim": _dense_sparse_dim, "dense_dim": _dense_dense_dim,
}
