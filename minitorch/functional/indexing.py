"""Indexing: x[index] and x[index] = v, index_select, gather, scatter and their relatives
(masked_fill/select/scatter, index_add/copy/fill/put/reduce, put, scatter_reduce, the
*_scatter embeddings, nonzero), with the in-place forms.

Reading values at indices and adding values into indices are each other's adjoints, so
each pair below is two Functions whose backwards call one another (double backward for
free):

    GetItem     x[idx]                      <->  IndexPut     zeros[idx] += g
    IndexSelect take(x, idx, dim)           <->  IndexAdd     zeros.index_add(dim, idx, g)
    Gather      take_along(x, idx, dim)     <->  ScatterAdd   zeros.scatter_add(dim, idx, g)

The adds accumulate, so an index that appears twice receives both gradients. Writes
(x[idx] = v, scatter, index_copy, ...) are IndexAssign-like Functions: the overwritten
entries of x get no gradient, and v gets the gradient of the places it went to.

In-place writes and views
-------------------------
An in-place op recorded in the graph (self or an operand requires grad, grad mode on) is
computed out of place and `self` is rebound to the result (minitorch/functional/inplace.py).
When `self` is a *view* sharing memory with a base tensor (x.view(-1), x[:, 0], x.t(),
x.diagonal(), ...), rebinding the view alone would leave the base unchanged, so here the
write is replayed on the base, as PyTorch's CopySlices node does:

    new_view = op(view)                                  (out of place)
    new_base = IndexAssign(base, new_view, positions)    (base with the view's region replaced)

where `positions` are the base elements the view covers, read from the arrays' strides and
addresses. The new values are written into the base's memory (so the base, the view and
every other view of it see them, as in PyTorch), the base is rebound to `new_base`'s node and
the view to a gather of the new base. Gradients: the base's old value gets none where the
view was written, the view's old value and the operands get theirs through `op`. The shared
version counter is bumped, so a backward that needs the old values raises PyTorch's
"modified by an inplace operation" error. (Views of the same base taken earlier see the new
values but keep their old graph node; write through one view at a time, as most programs do.)
"""
from __future__ import annotations

import math
import operator

import numpy as np

from .. import backend
from .. import dtypes as _dt
from ..autograd import grad_mode
from ..autograd.function import Function
from ..tensor import Tensor, _make, _wrap_dim
from ._util import check_tensor, input_shape, broadcast_shapes, sum_to, is_number

_xp = backend.get_array_module


def _host(arr):
    """A (small) index array on the host, for Python-side bookkeeping."""
    return backend.transfer(arr, backend.device("cpu"))


# ---------------------------------------------------------------------------- index objects
class _Index:
    """A PyTorch index compiled for NumPy/CuPy arrays: `pre` (a basic index of ints, slices,
    None and Ellipsis) is applied first, then `adv` (slices, None, Ellipsis and integer or
    bool arrays).

    PyTorch treats an integer as a select done before advanced indexing, where NumPy counts
    it as one more advanced index: `x[0, :, idx]` has shape (4, 2) in PyTorch and (2, 4) in
    NumPy for x of shape (3, 4, 5). Two steps give PyTorch's layout. `adv` is None for a
    basic index (the result is a view); `pre` is None when there is nothing to select first.
    `unique` says that no position is addressed twice (no integer arrays), so a write needs
    no accumulation."""
    __slots__ = ("pre", "adv", "unique", "_read")

    def __init__(self, pre=None, adv=None, unique=False):
        self.pre, self.adv, self.unique = pre, adv, unique
        if pre is not None and adv is None and Ellipsis not in pre:
            pre = pre + (Ellipsis,)  # a[1, ...] is a 0-d view where a[1] would be a scalar
        self._read = pre

    @property
    def view(self) -> bool:
        return self.adv is None

    def _first(self, a):
        return a if self._read is None else a[self._read]

    def get(self, a):
        a = self._first(a)
        return a if self.adv is None else a[self.adv]

    def set(self, a, v):
        """a[index] = v, in place (NumPy assignment: the last write wins on repeats)."""
        if self.adv is None:
            a[self.pre] = v
        else:
            self._first(a)[self.adv] = v

    def add(self, a, v):
        """a[index] += v, in place, repeated positions accumulating."""
        if self.adv is None:
            target = self._first(a)
            target += v
        elif self.unique:
            target = self._first(a)
            target[self.adv] = target[self.adv] + v
        else:
            backend.index_add_at(self._first(a), self.adv, v)

    def result_shape(self, shape):
        """The shape of x[index] for x of `shape` (without reading x)."""
        xp = _xp_of_index(self)
        return self.get(xp.broadcast_to(xp.zeros((), dtype=bool), shape)).shape


def _xp_of_index(index):
    for p in (index.adv or ()):
        if backend.is_array(p) and not isinstance(p, np.ndarray):
            return _xp(p)
    return np


def _is_seq(p) -> bool:
    return isinstance(p, (list, tuple, range)) or (backend.is_array(p) and p.ndim > 0)


def _index_parts(index) -> tuple:
    """The index as a tuple of parts. A list is one index (an index array), unless it holds
    a tensor, a sequence, a slice, None or Ellipsis: then it is a tuple of indices
    (PyTorch's and NumPy's old rule, which PyTorch 2.x still follows)."""
    if type(index) is tuple:
        return index
    if isinstance(index, list) and len(index) < 32:
        for p in index:
            if isinstance(p, (Tensor, slice)) or p is None or p is Ellipsis or _is_seq(p):
                return tuple(index)
    return (index,)


def _slice_bound(v, what):
    if v is None:
        return None
    try:
        return operator.index(v)
    except TypeError:
        raise TypeError(f"slice indices must be integers or None or have an __index__ method, "
                        f"got {what} of type {type(v).__name__}") from None


_BAD_INDEX = ("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables "
              "are valid indices")


def _convert_part(p, xp):
    """One index part -> int, slice, None, Ellipsis or an int64/bool array on xp."""
    if isinstance(p, Tensor):
        d = p._data
        if d.dtype.kind not in "biu":
            raise IndexError(f"tensors used as indices must be long, int, byte or bool tensors, "
                             f"got {p.dtype}")
        if d.dtype == np.uint8:
            d = d.astype(np.bool_)  # PyTorch's legacy byte masks
        if d.ndim == 0 and d.dtype.kind in "iu":
            return int(d.item())  # a 0-d integer tensor indexes like an int (a select)
        dx = _xp(d)
        if dx is not xp:
            if dx is not np:
                raise RuntimeError("indices should be either on cpu or on the same device as "
                                   "the indexed tensor (cpu)")
            d = xp.asarray(d)
        return d if d.dtype.kind == "b" else d.astype(np.int64, copy=False)
    if p is None or p is Ellipsis:
        return p
    if type(p) is slice:
        return slice(_slice_bound(p.start, "start"), _slice_bound(p.stop, "stop"),
                     _slice_bound(p.step, "step"))
    if isinstance(p, (bool, np.bool_)):
        return xp.asarray(bool(p))
    if isinstance(p, (int, np.integer)):
        return int(p)
    if isinstance(p, (list, tuple, range)) or backend.is_array(p):
        if isinstance(p, range):
            p = list(p)
        a = np.asarray(p) if not backend.is_array(p) else p  # host: user-given index data
        if a.size == 0:
            a = a.astype(np.int64)
        if a.dtype.kind not in "biu":
            raise IndexError(f"tensors used as indices must be long, int, byte or bool tensors, "
                             f"got an index of dtype {a.dtype}")
        a = xp.asarray(a)
        return a if a.dtype.kind == "b" else a.astype(np.int64, copy=False)
    if hasattr(p, "__index__"):
        return operator.index(p)
    raise IndexError(f"{_BAD_INDEX} (got {type(p).__name__})")


def _check_int(i, d, size):
    if not -size <= i < size:
        raise IndexError(f"index {i} is out of bounds for dimension {d} with size {size}")


def _check_array(a, d, size):
    if a.size:
        lo, hi = int(a.min()), int(a.max())
        if hi >= size or lo < -size:
            raise _OutOfBounds(f"index {hi if hi >= size else lo} is out of bounds for "
                               f"dimension {d} with size {size}")


def _compile_index(index, shape, xp) -> _Index:
    """Convert a user index for a tensor of `shape` into an _Index, with PyTorch's
    IndexErrors (too many indices, out of bounds naming the dim and size, mask shape)."""
    parts = [_convert_part(p, xp) for p in _index_parts(index)]
    try:
        return _compile_parts(parts, shape, xp, check=True)
    except _OutOfBounds as exc:
        # PyTorch checks index arrays only where it reads: an empty selection never fails
        try:
            idx = _compile_parts(parts, shape, xp, check=False)
            if 0 in idx.result_shape(shape):
                return idx
        except IndexError:
            pass
        raise IndexError(str(exc)) from None


class _OutOfBounds(IndexError):
    pass


def _compile_parts(parts, shape, xp, check) -> _Index:
    parts = list(parts)
    ndim = len(shape)
    used = 0
    n_ellipsis = 0
    for p in parts:
        if p is Ellipsis:
            n_ellipsis += 1
        elif p is not None:
            used += p.ndim if backend.is_array(p) and p.dtype.kind == "b" else 1
    if n_ellipsis > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if used > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    if n_ellipsis:
        # spelled out as slices: an Ellipsis that covers no dim does not separate two index
        # arrays in PyTorch (their dims stay in place), where NumPy would move them first
        at = next(i for i, p in enumerate(parts) if p is Ellipsis)
        parts[at:at + 1] = [slice(None)] * (ndim - used)
    d = 0
    has_int = has_array = has_int_array = False
    for i, p in enumerate(parts):
        if p is None:
            pass
        elif type(p) is slice:
            d += 1
        elif type(p) is int:
            _check_int(p, d, shape[d])
            has_int = True
            d += 1
        elif p.dtype.kind == "b":
            has_array = True
            k = p.ndim
            if tuple(p.shape) != tuple(shape[d:d + k]):
                raise IndexError(f"The shape of the mask {list(p.shape)} at index {d} does not "
                                 f"match the shape of the indexed tensor {list(shape)} at index "
                                 f"{d}")
            d += k
        else:
            has_array = has_int_array = True
            if check:
                _check_array(p, d, shape[d])
            elif shape[d]:
                parts[i] = xp.clip(p, -shape[d], shape[d] - 1)
            d += 1
    if not has_array:
        return _Index(pre=tuple(parts))
    if not has_int:
        return _Index(adv=tuple(parts), unique=not has_int_array)
    pre, adv = [], []
    for p in parts:
        if type(p) is int:
            pre.append(p)
        elif p is Ellipsis:
            pre.append(p)
            adv.append(p)
        elif p is None or type(p) is slice:
            pre.append(p)
            adv.append(slice(None))
        else:
            pre.extend([slice(None)] * (p.ndim if p.dtype.kind == "b" else 1))
            adv.append(p)
    # None was applied by `pre` (its new dim is a plain slice for `adv`)
    return _Index(pre=tuple(pre), adv=tuple(adv), unique=not has_int_array)


# ---------------------------------------------------------------------------- getitem
class GetItem(Function):
    """out = x[index];  dx = zeros like x with g added at index (IndexPut)."""

    @staticmethod
    def forward(ctx, x, index):
        ctx.index = index
        return index.get(x)

    @staticmethod
    def backward(ctx, g):
        return IndexPut.apply(g, ctx.index, input_shape(ctx, 0))


class GetItemView(GetItem):
    """Basic indexing (ints, slices, None, ...): the result is a view of x."""
    is_view = True


class IndexPut(Function):
    """out = zeros(shape) with out[index] += g (repeated indices accumulate);
    dg = dout[index]."""

    @staticmethod
    def forward(ctx, g, index, shape):
        ctx.index = index
        out = _xp(g).zeros(shape, dtype=g.dtype)
        index.add(out, g)
        return out

    @staticmethod
    def backward(ctx, gg):
        return _getitem_cls(ctx.index).apply(gg, ctx.index)


def _getitem_cls(index):
    return GetItemView if index.view else GetItem


def getitem(input, index):
    """x[index] with PyTorch's semantics: ints, slices, None, Ellipsis, 0-d integer tensors
    (like ints), integer/bool tensors, lists, nested lists and ranges (like tensors). Basic
    indexes give a view."""
    idx = _compile(index, input)
    return _getitem_cls(idx).apply(input, idx)


def _compile(index, input) -> _Index:
    shape = input._data.shape
    idx = _compile_basic(index, shape)
    return idx if idx is not None else _compile_index(index, shape, _xp(input._data))


_BASIC = (int, slice, type(None), type(Ellipsis))


def _compile_basic(index, shape):
    """The common case fast: an int, a slice or a tuple of ints, slices (with int or None
    bounds), None and Ellipsis. None for anything else (then _compile_index decides)."""
    parts = index if type(index) is tuple else (index,)
    d = 0
    n_ellipsis = 0
    for p in parts:
        t = type(p)
        if t not in _BASIC:
            return None
        if t is slice:
            if not (type(p.start) in (int, type(None)) and type(p.stop) in (int, type(None))
                    and type(p.step) in (int, type(None))):
                return None
            d += 1
        elif t is int:
            if n_ellipsis or d >= len(shape):
                return None  # dims counted from the end, or too many: the general path
            if not -shape[d] <= p < shape[d]:
                _check_int(p, d, shape[d])
            d += 1
        elif p is Ellipsis:
            n_ellipsis += 1
    if d > len(shape) or n_ellipsis > 1:
        return None
    return _Index(pre=parts)


class IndexAssign(Function):
    """out = x with out[index] = v (v broadcast to x[index]'s shape);
    dx = g with zeros at index,  dv = g[index] summed back to v's shape."""

    @staticmethod
    def forward(ctx, x, v, index):
        xp = _xp(x)
        out = x.copy()
        _assign(index, out, v, "__setitem__")
        mask = xp.zeros(x.shape, dtype=bool)
        index.set(mask, True)
        ctx.mask, ctx.index = mask, index
        return out

    @staticmethod
    def backward(ctx, g):
        from .elementwise import where
        nx, nv = ctx.needs_input_grad[:2]
        gx = where(_make(ctx.mask), 0.0, g) if nx else None
        gv = None
        if nv:
            vshape, vdtype = ctx._in_meta[1][:2]
            gsel = _getitem_cls(ctx.index).apply(g, ctx.index)
            gv = _sum_to_value(gsel, vshape)
            if gv._data.dtype != vdtype:
                gv = gv.to(_dt.from_numpy_dtype(vdtype))
        return gx, gv


def _sum_to_value(gsel, vshape):
    """The gradient of a value broadcast into a selection: summed back to its shape (which
    may also have extra leading 1s: x[0] = v with v of shape (1, n))."""
    vs = tuple(vshape)
    while len(vs) > gsel.ndim and vs[0] == 1:
        vs = vs[1:]
    gv = sum_to(gsel, vs)
    return gv.reshape(vshape) if vs != tuple(vshape) else gv


def _assign(index, out, v, fn):
    """index.set with PyTorch's RuntimeError when v does not broadcast to the selection."""
    try:
        index.set(out, v)
    except ValueError:
        vshape = list(getattr(v, "shape", ()))
        raise RuntimeError(f"{fn}(): shape mismatch: value tensor of shape {vshape} cannot be "
                           f"broadcast to indexing result of shape "
                           f"{list(index.result_shape(out.shape))}") from None


def _setitem_value(input, value, fn="__setitem__"):
    if isinstance(value, Tensor):
        if backend.get_array_module(value._data) is not _xp(input._data):
            raise RuntimeError(f"{fn}(): value is on {value.device}, the tensor on "
                               f"{input.device}; move one of them first")
        return value
    if is_number(value) or backend.is_array(value):
        return value
    raise TypeError(f"{fn}(): can't assign a {type(value).__name__} to a {input.dtype} tensor; "
                    "use a Tensor or a number")


def setitem(input, index, value):
    """x[index] = value, in place, for every index getitem accepts. Under grad mode, when
    `input` or `value` takes part in autograd, the assignment is recorded (IndexAssign): the
    overwritten entries get no gradient and `value` gets the gradient of the entries it went
    to, as in PyTorch. On a view, the write is replayed on its base (module docstring)."""
    idx = _compile(index, input)
    value = _setitem_value(input, value)
    if _inplace_recorded(input, "__setitem__", value):
        return _apply_recorded(input, lambda old: IndexAssign.apply(old, value, idx))
    _check_writeable(input, "__setitem__")
    _assign(idx, input._data, value._data if isinstance(value, Tensor) else value, "__setitem__")
    input._vc[0] += 1
    return input


# ---------------------------------------------------------------------------- in place
def _inplace_recorded(self, fn, *others) -> bool:
    """Whether an in-place op on `self` must be recorded in the graph; raise where PyTorch
    does. Like inplace._check_inplace_allowed, except that a view taking part in autograd
    is allowed (its write is replayed on its base, see _write_through_view)."""
    if not grad_mode.STATE.enabled:
        return False
    if self._rg and self.grad_fn is None:
        raise RuntimeError(f"{fn}(): a leaf Variable that requires grad is being used in an "
                           "in-place operation. Wrap it in `with minitorch.no_grad():` (as "
                           "optimizers do) or work on a copy.")
    record = self._rg or any(isinstance(o, Tensor) and o._rg for o in others)
    base = self._base
    if record and base is not None and base._rg and base.grad_fn is None \
            and _view_positions(self) is not None:
        raise RuntimeError(f"{fn}(): a view of a leaf Variable that requires grad is being used "
                           "in an in-place operation.")
    return record


def _check_writeable(self, fn):
    if not getattr(self._data.flags, "writeable", True):
        raise RuntimeError(f"{fn}(): this tensor is a read-only view (from expand or "
                           "broadcast_to) where several elements share one memory location; "
                           "clone() it before writing in place")


def _apply_recorded(self, compute):
    """Record `self = compute(old self)` in the graph: rebind self, or write through the
    base when self is a view of it."""
    from .inplace import _old, _rebind
    pos = _view_positions(self)
    if pos is None:
        return _rebind(self, compute(_old(self)))
    snapshot = _make(self._data.copy(), self._rg, self.grad_fn, self._out_idx)
    return _write_through_view(self, compute(snapshot), pos)


def _inplace(self, fn, compute, *others):
    """Apply the out-of-place `compute(t) -> Tensor` to `self` in place. Not recorded: the
    result is written into self's array (its views see it) and the version bumps; recorded:
    _apply_recorded."""
    if _inplace_recorded(self, fn, *others):
        return _apply_recorded(self, compute)
    _check_writeable(self, fn)
    with grad_mode.no_grad():
        new = compute(self)
    self._data[...] = new._data
    self._vc[0] += 1
    return self


def _address(a) -> int:
    data = a.data
    return data.ptr if hasattr(data, "ptr") else a.__array_interface__["data"][0]


def _offsets(shape, strides):  # host: element offsets from a shape and strides
    """For every element of an array of `shape` and `strides` (in elements), its offset
    from the first element."""
    off = np.zeros(shape, dtype=np.int64)
    for d, (n, s) in enumerate(zip(shape, strides)):
        step = np.arange(n, dtype=np.int64) * s
        off = off + step.reshape((n,) + (1,) * (len(shape) - d - 1))
    return off


def _view_positions(view):  # host: memory bookkeeping from shapes, strides and addresses
    """For a view sharing memory with its base: the flat (row-major) position in the base
    of each of its elements (an int64 NumPy array of the view's shape). None when `view` is
    not a view, or does not share the base's memory (a reshape that had to copy)."""
    base = view._base
    if base is None:
        return None
    a, b = view._data, base._data
    if type(a) is not type(b) or a.dtype != b.dtype:
        return None
    if a.size == 0:
        return np.zeros(a.shape, dtype=np.int64)
    item = a.itemsize
    off = _address(a) - _address(b)
    if off % item or any(s % item for s in a.strides) or any(s % item for s in b.strides):
        return None
    voff = _offsets(a.shape, [s // item for s in a.strides]) + off // item
    if b.flags.c_contiguous:
        if voff.min() < 0 or voff.max() >= b.size:
            return None
        return voff
    boff = _offsets(b.shape, [s // item for s in b.strides]).reshape(-1)
    order = np.argsort(boff, kind="stable")
    sorted_off = boff[order]
    at = np.minimum(np.searchsorted(sorted_off, voff.reshape(-1)), sorted_off.size - 1)
    if not np.array_equal(sorted_off[at], voff.reshape(-1)):
        return None
    return order[at].reshape(a.shape)


def _write_through_view(view, new_view, pos):
    """Record `view[...] = new_view` on view's base (see the module docstring):
    new_base = IndexAssign(base, new_view, positions) -- the base's old value gets no
    gradient at the view's positions, new_view gets the gradient of those positions -- then
    write the values into the base's memory and rebind base and view to the new nodes."""
    base = view._base
    if np.unique(pos).size != pos.size:  # host: bookkeeping
        raise RuntimeError("unsupported operation: more than one element of the written-to "
                           "tensor refers to a single memory location. Please clone() the "
                           "tensor before performing the operation.")
    xp = _xp(base._data)
    coords = np.unravel_index(pos, base._data.shape)  # host: bookkeeping
    index = _Index(adv=tuple(xp.asarray(c) for c in coords))
    old_base = _make(base._data, base._rg, base.grad_fn, base._out_idx)
    new_base = IndexAssign.apply(old_base, new_view, index)
    base._data[...] = new_base._data
    base.grad_fn, base._out_idx, base._rg = new_base.grad_fn, new_base._out_idx, new_base._rg
    base._vc[0] += 1
    regathered = GetItem.apply(base, index)
    view.grad_fn, view._out_idx, view._rg = (regathered.grad_fn, regathered._out_idx,
                                             regathered._rg)
    return view


# ---------------------------------------------------------------------------- index_select
def _check_index(index, fn, arg="index"):
    check_tensor(index, fn, arg)
    if index._data.dtype.kind not in "iu":
        raise RuntimeError(f"{fn}(): Expected dtype int64 for {arg}, got {index.dtype}")
    return index._data


class IndexSelect(Function):
    """out = x taken at `index` along dim;  dx = zeros with g added back at index."""

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.dim = dim
        ctx.save_for_backward(index)
        return _xp(x).take(x, index, axis=dim)

    @staticmethod
    def backward(ctx, g, *_):
        index, = ctx.saved_tensors
        return IndexAdd.apply(g, ctx.dim, index._data, input_shape(ctx, 0)[ctx.dim]), None, None


class IndexAdd(Function):
    """out = zeros (size n along dim) with g added at `index` along dim;
    dg = dout taken at index along dim."""

    @staticmethod
    def forward(ctx, g, dim, index, n):
        ctx.dim = dim
        ctx.save_for_backward(index)
        xp = _xp(g)
        shape = list(g.shape)
        shape[dim] = n
        out = xp.zeros(shape, dtype=g.dtype)
        backend.index_add_at(out, (slice(None),) * dim + (index,), g)
        return out

    @staticmethod
    def backward(ctx, gg, *_):
        index, = ctx.saved_tensors
        return IndexSelect.apply(gg, ctx.dim, index._data), None, None, None


def index_select(input, dim, index):
    check_tensor(input, "index_select")
    idx = _check_index(index, "index_select")
    if idx.ndim > 1:
        raise IndexError(f"index_select(): Index is supposed to be a vector, got {idx.ndim} dims")
    d = _wrap_dim(dim, input.ndim, "index_select")
    n = input._data.shape[d] if input.ndim else 1
    if idx.size and (int(idx.max()) >= n or int(idx.min()) < -n):
        raise IndexError(f"index_select(): index out of range in self: index values must be "
                         f"in [{-n}, {n - 1}], got min {int(idx.min())}, max {int(idx.max())}")
    if input.ndim == 0:
        return input.reshape(1)[idx.reshape(-1)].reshape(())
    return IndexSelect.apply(input, d, idx.reshape(-1))


def _index_vector(index, fn, n, d, *, negative, oob=IndexError, arg="index"):
    """A 0-d or 1-d integer index tensor along a dim of size n -> a 1-d int64 array
    (negative values wrapped when `negative`), with PyTorch's errors."""
    check_tensor(index, fn, arg)
    if index._data.dtype.kind not in "iu":
        raise IndexError(f"{fn}(): Expected dtype int64 for {arg}, got {index.dtype}")
    idx = index._data
    if idx.ndim > 1:
        raise RuntimeError(f"{fn}(): Index has to be a vector/scalar, got {idx.ndim} dims")
    idx = idx.reshape(-1).astype(np.int64, copy=False)
    if idx.size:
        lo, hi = int(idx.min()), int(idx.max())
        low = -n if negative else 0
        if hi >= n or lo < low:
            raise oob(f"{fn}(): index {hi if hi >= n else lo} is out of bounds for dimension {d} "
                      f"with size {n}")
        if lo < 0:
            idx = _xp(idx).where(idx < 0, idx + n, idx)
    return idx


def _same_dtype(fn, self, other, what="source"):
    if self._data.dtype != other._data.dtype:
        raise RuntimeError(f"{fn}(): self ({self.dtype}) and {what} ({other.dtype}) must have the "
                           "same scalar type")


def _as_nd(x):
    """0-d tensors are indexed as 1-d ones, as PyTorch does."""
    return x.reshape(1) if x.ndim == 0 else x


def _slice_shape_check(fn, input, d, n_idx, source):
    """source must have input's shape with dim d of size n_idx."""
    src = source._data.shape if source.ndim else (1,)
    shp = input._data.shape if input.ndim else (1,)
    if len(src) != len(shp) or any(a != b for i, (a, b) in enumerate(zip(src, shp)) if i != d):
        raise RuntimeError(f"{fn}(): source tensor shape must match self tensor shape, excluding "
                           f"the specified dimension. Got self.shape = {list(input.shape)} "
                           f"source.shape = {list(source.shape)}")
    if src[d] != n_idx:
        raise RuntimeError(f"{fn}(): Number of indices ({n_idx}) should be equal to "
                           f"source.size(dim): ({src[d]}), for dim: {d}")


def index_add(input, dim, index, source, *, alpha=1):
    """out = input with alpha * source[..., i, ...] added to out[..., index[i], ...] along
    dim (repeated indices accumulate);  d input = g,  d source = alpha * g[..., index, ...]."""
    check_tensor(input, "index_add")
    check_tensor(source, "index_add", "source")
    _same_dtype("index_add", input, source)
    x = _as_nd(input)
    d = _wrap_dim(dim, input.ndim, "index_add")
    n = x._data.shape[d]
    idx = _index_vector(index, "index_add", n, d, negative=False)
    _slice_shape_check("index_add", input, d, idx.size, source)
    src = _as_nd(source)
    if alpha != 1:
        src = src * alpha
        if src._data.dtype != x._data.dtype:
            src = src.to(input.dtype)
    out = x + IndexAdd.apply(src, d, idx, n)
    return out.reshape(()) if input.ndim == 0 else out


def index_copy(input, dim, index, source):
    """out = input with out[..., index[i], ...] = source[..., i, ...] along dim;
    d input = g with zeros at the copied slices,  d source = g[..., index, ...]."""
    check_tensor(input, "index_copy")
    check_tensor(source, "index_copy", "source")
    if input._data.dtype != source._data.dtype:
        raise RuntimeError(f"index_copy(): self and source expected to have the same dtype, but "
                           f"got (self) {input.dtype} and (source) {source.dtype}")
    x = _as_nd(input)
    d = _wrap_dim(dim, input.ndim, "index_copy")
    idx = _index_vector(index, "index_copy", x._data.shape[d], d, negative=False)
    _slice_shape_check("index_copy", input, d, idx.size, source)
    out = IndexAssign.apply(x, _as_nd(source), _Index(adv=(slice(None),) * d + (idx,)))
    return out.reshape(()) if input.ndim == 0 else out


def index_fill(input, dim, index, value):
    """out = input with `value` in every slice input[..., index[i], ...] along dim; value is
    a number or a 0-d tensor (which then gets the sum of those slices' gradients)."""
    check_tensor(input, "index_fill")
    if isinstance(value, Tensor) and value.ndim != 0:
        raise RuntimeError(f"index_fill(): only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value.ndim} dimension(s).")
    x = _as_nd(input)
    d = _wrap_dim(dim, input.ndim, "index_fill")
    n = x._data.shape[d]
    idx = _index_vector(index, "index_fill", n, d, negative=True)
    xp = _xp(x._data)
    mask = xp.zeros(n, dtype=bool)
    mask[idx] = True
    shape = [1] * x.ndim
    shape[d] = n
    out = masked_fill(x, _make(mask.reshape(shape)), value)
    return out.reshape(()) if input.ndim == 0 else out


def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    """out[..., index[i], ...] = reduce(out[..., index[i], ...], source[..., i, ...]) for
    reduce in prod, mean, amax, amin: scatter_reduce with the index spread along dim."""
    check_tensor(input, "index_reduce")
    check_tensor(source, "index_reduce", "source")
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): reduce argument must be either prod, mean, amax or "
                           f"amin, got {reduce}")
    _same_dtype("index_reduce", input, source)
    x = _as_nd(input)
    d = _wrap_dim(dim, input.ndim, "index_reduce")
    idx = _index_vector(index, "index_reduce", x._data.shape[d], d, negative=False)
    _slice_shape_check("index_reduce", input, d, idx.size, source)
    src = _as_nd(source)
    shape = [1] * src.ndim
    shape[d] = idx.size
    full = _xp(idx).broadcast_to(idx.reshape(shape), src._data.shape)
    out = scatter_reduce(x, d, _make(full), src, reduce, include_self=include_self)
    return out.reshape(()) if input.ndim == 0 else out


# ---------------------------------------------------------------------------- gather
class Gather(Function):
    """out[i][j][k] = x[i][index[i][j][k]][k] for dim=1 (and likewise for other dims);
    dx = zeros with g scatter-added at index (ScatterAdd)."""

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.dim = dim
        ctx.save_for_backward(index)
        # PyTorch lets index be smaller than x outside `dim`: use the matching corner of x
        corner = tuple(slice(0, s) if i != dim else slice(None) for i, s in enumerate(index.shape))
        return _xp(x).take_along_axis(x[corner], index, axis=dim)

    @staticmethod
    def backward(ctx, g, *_):
        index, = ctx.saved_tensors
        return ScatterAdd.apply(g, ctx.dim, index._data, input_shape(ctx, 0)), None, None


class ScatterAdd(Function):
    """out = zeros(shape) with out[..index[i][j]..] += g[i][j] along dim (repeated indices
    accumulate);  dg = gather(dout, dim, index)."""

    @staticmethod
    def forward(ctx, g, dim, index, shape):
        ctx.dim = dim
        ctx.save_for_backward(index)
        xp = _xp(g)
        out = xp.zeros(shape, dtype=g.dtype)
        backend.index_add_at(out, _scatter_index(xp, index, dim), g)
        return out

    @staticmethod
    def backward(ctx, gg, *_):
        index, = ctx.saved_tensors
        return Gather.apply(gg, ctx.dim, index._data), None, None, None


def _scatter_index(xp, index, dim):
    """Full fancy index for scattering along dim: index itself on dim, aranges elsewhere."""
    grids = []
    for d, n in enumerate(index.shape):
        if d == dim:
            grids.append(index)
        else:
            shape = [1] * index.ndim
            shape[d] = n
            grids.append(xp.arange(n).reshape(shape))
    return tuple(grids)


def _check_gather_shapes(fn, input, dim, idx, src=None):
    if idx.ndim != input.ndim:
        raise RuntimeError(f"{fn}(): Index tensor must have the same number of dimensions as "
                           f"input tensor ({idx.ndim} vs {input.ndim})")
    if src is not None and src.ndim != idx.ndim:
        raise RuntimeError(f"{fn}(): Index tensor must have the same number of dimensions as "
                           f"src tensor ({idx.ndim} vs {src.ndim})")
    for i, (a, b) in enumerate(zip(idx.shape, input._data.shape)):
        if (i != dim and a > b) or (src is not None and a > src._data.shape[i]):
            raise RuntimeError(f"{fn}(): Expected index {list(idx.shape)} to be no larger than "
                               f"self {list(input.shape)} apart from dimension {dim}"
                               + ("" if src is None else
                                  f" and to be no larger size than src {list(src.shape)}"))
    n = input._data.shape[dim] if input.ndim else 1
    if idx.size:
        lo, hi = int(idx.min()), int(idx.max())
        if hi >= n or lo < 0:
            raise RuntimeError(f"{fn}(): index {hi if hi >= n else lo} is out of bounds for "
                               f"dimension {dim} with size {n}")


def gather(input, dim, index, *, sparse_grad=False):
    """out[...] = input[... index[...] ...] along dim (see Gather); `sparse_grad` is accepted
    and ignored (gradients are dense)."""
    check_tensor(input, "gather")
    idx = _check_index(index, "gather")
    d = _wrap_dim(dim, input.ndim, "gather")
    _check_gather_shapes("gather", input, d, idx)
    return Gather.apply(input, d, idx)


def scatter_add_zeros(shape, dim, index, src):
    """zeros(shape) with src scatter-added at index along dim (differentiable in src)."""
    idx = index._data if isinstance(index, Tensor) else index
    return ScatterAdd.apply(src, dim, idx, tuple(shape))


def _src_corner(src, idx):
    """src cut to index's shape (PyTorch reads only that corner of a larger src)."""
    if src._data.shape == idx.shape:
        return src
    return src[tuple(slice(0, s) for s in idx.shape)]


def scatter_add(input, dim, index, src):
    """out = input + zeros.scatter_add(dim, index, src): d input = g, d src = gather(g)."""
    check_tensor(input, "scatter_add")
    check_tensor(src, "scatter_add", "src")
    idx = _check_index(index, "scatter_add")
    d = _wrap_dim(dim, input.ndim, "scatter_add")
    _check_gather_shapes("scatter_add", input, d, idx, src)
    if input._data.dtype != src._data.dtype:
        raise RuntimeError(f"scatter_add(): Expected self.dtype to be equal to src.dtype, got "
                           f"{input.dtype} and {src.dtype}")
    return input + ScatterAdd.apply(_src_corner(src, idx), d, idx, tuple(input._data.shape))


# ---------------------------------------------------------------------------- scatter
class Scatter(Function):
    """out = x with out[..index..] = src along dim (where an index repeats, the last write
    wins);  dx = g with zeros where src was written,  dsrc = gather(g, dim, index) (PyTorch's
    rule, which also sends gradient to a src value overwritten by a repeat)."""

    @staticmethod
    def forward(ctx, x, src, dim, index):
        xp = _xp(x)
        sidx = _scatter_index(xp, index, dim)
        out = x.copy()
        out[sidx] = src
        mask = xp.zeros(x.shape, dtype=bool)
        mask[sidx] = True
        ctx.mask, ctx.dim, ctx.index = mask, dim, index
        return out

    @staticmethod
    def backward(ctx, g):
        from .elementwise import where
        nx, nsrc = ctx.needs_input_grad[:2]
        gx = where(_make(ctx.mask), 0.0, g) if nx else None
        gsrc = Gather.apply(g, ctx.dim, ctx.index) if nsrc else None
        return gx, gsrc


_SCATTER_REDUCE = {"add": "sum", "multiply": "prod"}


def scatter(input, dim, index, src=None, value=None, *, reduce=None):
    """out = input with src[i][j] (or the number `value`) written to out[index[i][j]][j] for
    dim=0 (likewise for other dims). reduce='add'/'multiply' combines with the old value
    instead (scatter_reduce with 'sum'/'prod', include_self=True)."""
    check_tensor(input, "scatter")
    if src is not None and not isinstance(src, Tensor):
        src, value = None, src  # scatter(input, dim, index, 2.0): the value overload
    if (src is None) == (value is None):
        raise TypeError("scatter(): expected exactly one of a Tensor `src` or a number `value`")
    idx = _check_index(index, "scatter")
    d = _wrap_dim(dim, input.ndim, "scatter")
    xp = _xp(input._data)
    if src is not None:
        _check_gather_shapes("scatter", input, d, idx, src)
        if input._data.dtype != src._data.dtype:
            raise RuntimeError(f"scatter(): Expected self.dtype to be equal to src.dtype, got "
                               f"{input.dtype} and {src.dtype}")
        src = _src_corner(src, idx)
        if reduce is not None:
            import warnings
            warnings.warn("The reduce argument of torch.scatter with Tensor src is deprecated and "
                          "will be removed in a future PyTorch release. Use torch.scatter_reduce "
                          "instead for more reduction options.", UserWarning, stacklevel=2)
    else:
        _check_gather_shapes("scatter", input, d, idx)
        if not is_number(value):
            raise TypeError(f"scatter(): argument 'value' must be a number, got "
                            f"{type(value).__name__}")
        src = _make(xp.full(idx.shape, value, dtype=input._data.dtype))
    if reduce is not None:
        if reduce not in _SCATTER_REDUCE:
            raise RuntimeError(f"scatter(): reduce argument must be either add or multiply, got "
                               f"{reduce!r}")
        return _scatter_reduce(input, d, idx, src, _SCATTER_REDUCE[reduce], True)
    if input.ndim == 0:
        return Scatter.apply(input.reshape(1), src.reshape(1), 0, idx.reshape(1)).reshape(())
    return Scatter.apply(input, src, d, idx)


# ---------------------------------------------------------------------------- scatter_reduce
_REDUCE_UFUNC = {"sum": "add", "mean": "add", "prod": "multiply", "amax": "maximum",
                 "amin": "minimum"}


def _reduce_identity(reduce, dtype):
    """The start value of a reduction that leaves out self (include_self=False)."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    big = reduce == "amin"
    if dtype.kind == "f":
        return np.inf if big else -np.inf
    if dtype.kind == "b":
        return big
    info = np.iinfo(dtype)
    return info.max if big else info.min


def _ufunc_at(out, index, values, name):
    """out[index] = ufunc(out[index], values) with repeats applied one after another."""
    if name == "add":
        backend.index_add_at(out, index, values)
        return
    xp = _xp(out)
    try:
        getattr(xp, name).at(out, index, values)
        return
    except (AttributeError, NotImplementedError, TypeError):
        if xp is np:
            raise
    # CuPy without ufunc.at for this operation: compute on the host
    host = _host(out).copy()
    getattr(np, name).at(host, tuple(_host(i) for i in index), _host(values))  # host: fallback
    out[...] = xp.asarray(host)


def _scatter_reduce_array(x, src, dim, index, reduce, include_self):
    xp = _xp(x)
    sidx = _scatter_index(xp, index, dim)
    out = x.copy()
    if not include_self:
        out[sidx] = _reduce_identity(reduce, x.dtype)
    _ufunc_at(out, sidx, src, _REDUCE_UFUNC[reduce])
    if reduce == "mean":
        count = _scatter_counts(xp, x.shape, sidx, include_self, out.dtype)
        if out.dtype.kind == "f":
            out = out / count
        else:
            out = out // count
    return out


def _scatter_counts(xp, shape, sidx, include_self, dtype):
    """How many values were combined at each position (1 where nothing was scattered)."""
    count = xp.ones(shape, dtype=dtype) if include_self else xp.zeros(shape, dtype=dtype)
    backend.index_add_at(count, sidx, xp.ones(sidx[0].shape, dtype=dtype))
    count[count == 0] = 1
    return count


class ScatterReduce(Function):
    """out = x where nothing is scattered; at a position p that index sends src values to,
    out[p] = reduce(x[p] (when include_self), the src values sent to p).

    Gradients (PyTorch's rules, written with differentiable ops so double backward works):
      sum:   dx = g,        dsrc = gather(g)
      mean:  dx = g / n,    dsrc = gather(g / n)      n = values averaged at each position
      prod:  dx = g * out / x,   dsrc = gather(g * out) / src   (zeros handled exactly: a
             factor that is the only zero gets the product of the others)
      amax, amin: g is shared evenly among the values (x and src) equal to the result.
    With include_self=False, dx is 0 at the scattered positions."""

    @staticmethod
    def forward(ctx, x, src, dim, index, reduce, include_self):
        ctx.args = (dim, index, reduce, include_self)
        out = _scatter_reduce_array(x, src, dim, index, reduce, include_self)
        if reduce in ("prod", "amax", "amin"):
            ctx.save_for_backward(x, src, out)
        return out

    @staticmethod
    def backward(ctx, g):
        dim, index, reduce, include_self = ctx.args
        nx, nsrc = ctx.needs_input_grad[:2]
        idx = _make(index)
        if reduce == "sum":
            gx, gsrc = g, gather(g, dim, idx)
        elif reduce == "mean":
            xp = _xp(g._data)
            n = _scatter_counts(xp, g._data.shape, _scatter_index(xp, index, dim), include_self,
                                g._data.dtype)
            gx = g / _make(n)
            gsrc = gather(gx, dim, idx)
        elif reduce == "prod":
            gx, gsrc = _prod_grads(ctx, g, dim, idx, include_self)
        else:
            gx, gsrc = _extreme_grads(ctx, g, dim, idx)
        if nx and not include_self:
            gx = Scatter.apply(gx, _make(_xp(index).zeros(index.shape, dtype=g._data.dtype)),
                               dim, index)
        return (gx if nx else None), (gsrc if nsrc else None)


def _prod_grads(ctx, g, dim, idx, include_self):
    from .elementwise import where
    x, src, out = ctx.saved_tensors
    masked_x = masked_fill(x, x == 0, 1.0)
    gx = g * scatter_reduce(masked_x, dim, idx, src, "prod", include_self=include_self) / masked_x
    src_zero = src == 0
    zeros_at = scatter_add(_make(_xp(x._data).zeros(x._data.shape, dtype=x._data.dtype)), dim,
                           idx, src_zero.to(x.dtype))
    single_zero = src_zero & (gather(zeros_at, dim, idx) == 1)
    masked_src = masked_fill(src, single_zero, 1.0)
    without = scatter_reduce(x, dim, idx, masked_src, "prod", include_self=include_self)
    gsrc = where(single_zero, gather(g * without, dim, idx),
                 gather(g * out, dim, idx) / masked_fill(src, src_zero, 1.0))
    return gx, gsrc


def _extreme_grads(ctx, g, dim, idx):
    x, src, out = ctx.saved_tensors
    value = gather(out, dim, idx)
    x_is = (x == out).to(g.dtype)
    src_is = (src == value).to(g.dtype)
    share = g / scatter_add(x_is, dim, idx, src_is)
    return x_is * share, src_is * gather(share, dim, idx)


_REDUCE_ALIASES = {"max": "amax", "min": "amin"}


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """Combine src into input at index along dim with reduce in 'sum', 'prod', 'mean',
    'amax', 'amin' (see ScatterReduce)."""
    check_tensor(input, "scatter_reduce")
    check_tensor(src, "scatter_reduce", "src")
    reduce = _REDUCE_ALIASES.get(reduce, reduce)
    if reduce not in _REDUCE_UFUNC:
        raise RuntimeError(f"scatter_reduce(): reduce argument must be either sum, prod, mean, "
                           f"amax or amin, got {reduce}")
    idx = _check_index(index, "scatter_reduce")
    d = _wrap_dim(dim, input.ndim, "scatter_reduce")
    _check_gather_shapes("scatter_reduce", input, d, idx, src)
    if input._data.dtype != src._data.dtype:
        raise RuntimeError(f"scatter_reduce(): Expected self.dtype to be equal to src.dtype, got "
                           f"{input.dtype} and {src.dtype}")
    return _scatter_reduce(input, d, idx, _src_corner(src, idx), reduce, bool(include_self))


def _scatter_reduce(input, d, idx, src, reduce, include_self):
    if input.ndim == 0:
        out = ScatterReduce.apply(input.reshape(1), src.reshape(1), 0, idx.reshape(1), reduce,
                                  include_self)
        return out.reshape(())
    return ScatterReduce.apply(input, src, d, idx, reduce, include_self)


# ---------------------------------------------------------------------------- masks
def _check_mask(mask, fn):
    check_tensor(mask, fn, "mask")
    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"{fn}(): expected BoolTensor for mask, got {mask.dtype}")
    return mask._data


def masked_fill(input, mask, value):
    """input with `value` where mask is True (mask broadcasts to input's shape);
    d input = g where not mask; d value (a 0-d tensor) = sum of g where mask."""
    from .elementwise import where
    value = _masked_fill_value(input, mask, value, "masked_fill")
    return where(mask, value, input)


def _masked_fill_value(input, mask, value, fn):
    """Check masked_fill's arguments; return the value in input's dtype."""
    from .elementwise import cast
    check_tensor(input, fn)
    check_tensor(mask, fn, "mask")
    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"{fn}(): only supports boolean masks, but got mask with dtype "
                           f"{mask.dtype}")
    shape = input._data.shape
    if broadcast_shapes(shape, mask._data.shape, "masked_fill") != shape:
        raise RuntimeError(f"{fn}(): mask of shape {tuple(mask.shape)} does not broadcast "
                           f"to the input's shape {tuple(shape)}")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"{fn}(): only supports a 0-dimensional value tensor, but "
                               f"got tensor with {value.ndim} dimension(s).")
        value = cast(value, input._data.dtype)
    elif input._data.dtype.kind in "iub" and isinstance(value, float):
        value = int(value) if input._data.dtype.kind != "b" else bool(value)
    elif not isinstance(value, Tensor) and not is_number(value):
        raise TypeError(f"{fn}(): argument 'value' must be a number or a 0-d Tensor, got "
                        f"{type(value).__name__}")
    return value


def _broadcast_with_mask(input, mask, fn):
    from .shape import expand
    shape = broadcast_shapes(input._data.shape, mask._data.shape, fn)
    x = expand(input, shape) if input._data.shape != shape else input
    m = mask._data
    if m.shape != shape:
        m = _xp(m).broadcast_to(m, shape)
    return x, m


def masked_select(input, mask):
    """The elements of input where mask is True (both broadcast), as a 1-D tensor;
    gradient: put back at those positions."""
    check_tensor(input, "masked_select")
    _check_mask(mask, "masked_select")
    x, m = _broadcast_with_mask(input, mask, "masked_select")
    return GetItem.apply(x, _Index(adv=(m,), unique=True))


def masked_scatter(input, mask, source):
    """input with the positions where mask is True filled, in row-major order, with the
    first elements of source;  d input = g where not mask,  d source = g at the mask's
    positions (in order) and 0 for the unused rest."""
    from .elementwise import where
    check_tensor(input, "masked_scatter")
    check_tensor(source, "masked_scatter", "source")
    _check_mask(mask, "masked_scatter")
    if input._data.dtype != source._data.dtype:
        raise RuntimeError(f"masked_scatter(): expected self and source to have same dtypes but "
                           f"got {input.dtype} and {source.dtype}")
    x, m = _broadcast_with_mask(input, mask, "masked_scatter")
    k = int(m.sum())
    if source.numel() < k:
        raise RuntimeError(f"masked_scatter(): Number of elements of source < number of ones in "
                           f"mask ({source.numel()} < {k})")
    from .shape import reshape
    values = reshape(source, -1)[:k]
    placed = IndexPut.apply(values, _Index(adv=(m,), unique=True), x._data.shape)
    return where(_make(m), placed, x)


# ---------------------------------------------------------------------------- index_put, put
def index_put(input, indices, values, accumulate=False):
    """out = input with out[indices] = values (indices: a tuple of index tensors, as in
    x[i, j]); accumulate=True adds instead, repeated indices adding up."""
    check_tensor(input, "index_put")
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put(): argument 'indices' must be a tuple of Tensors, got "
                        f"{type(indices).__name__}")
    for i, t in enumerate(indices):
        if not isinstance(t, Tensor):
            raise TypeError(f"index_put(): expected Tensor as element {i} in argument 'indices', "
                            f"but got {type(t).__name__}")
    if not isinstance(values, Tensor):
        raise TypeError(f"index_put(): argument 'values' must be Tensor, not "
                        f"{type(values).__name__}")
    if input._data.dtype != values._data.dtype:
        raise RuntimeError(f"index_put(): Index put requires the source and destination dtypes "
                           f"match, got {input.dtype} for the destination and {values.dtype} "
                           "for the source.")
    idx = _compile_index(tuple(indices), input._data.shape, _xp(input._data))
    return _index_put(input, idx, values, accumulate)


def _index_put(input, idx, values, accumulate):
    if not accumulate:
        return IndexAssign.apply(input, values, idx)
    from .shape import expand
    sel = idx.result_shape(input._data.shape)
    v = values
    while v.ndim > len(sel) and v._data.shape[0] == 1:
        v = v.reshape(v._data.shape[1:])
    try:
        v = expand(v, sel)
    except RuntimeError:
        raise RuntimeError(f"index_put(): shape mismatch: value tensor of shape "
                           f"{list(values.shape)} cannot be broadcast to indexing result of shape "
                           f"{list(sel)}") from None
    return input + IndexPut.apply(v, idx, input._data.shape)


def put(input, index, source, accumulate=False):
    """input seen as 1-D (row-major) with out[index[i]] = source[i] (index and source of the
    same number of elements, any shapes; negative indices count from the end); accumulate
    adds instead."""
    from .shape import reshape
    check_tensor(input, "put")
    check_tensor(source, "put", "source")
    idx = _check_index(index, "put")
    if input._data.dtype != source._data.dtype:
        raise RuntimeError(f"put(): self and source expected to have the same dtype, but got "
                           f"self.dtype = {input.dtype} and source.dtype = {source.dtype}")
    if idx.size != source.numel():
        raise IndexError(f"put(): Expected source and index to have the same number of elements, "
                         f"but got source.numel() = {source.numel()}, index.numel() = {idx.size}")
    numel = input.numel()
    if idx.size:
        lo, hi = int(idx.min()), int(idx.max())
        if hi >= numel or lo < -numel:
            raise IndexError(f"put(): out of range: tried to access index "
                             f"{hi if hi >= numel else lo} on a tensor of {numel} elements.")
    flat = reshape(input, -1)
    out = _index_put(flat, _Index(adv=(idx.reshape(-1),)), reshape(source, -1), accumulate)
    return reshape(out, input._data.shape)


# ---------------------------------------------------------------------------- *_scatter
def _embed(fn, input, src, index):
    """input with input[index] (a basic index) replaced by src of exactly that shape."""
    from .elementwise import cast
    check_tensor(input, fn)
    check_tensor(src, fn, "src")
    want = tuple(index.result_shape(input._data.shape))
    if tuple(src._data.shape) != want:
        raise RuntimeError(f"{fn}(): expected src to have a size equal to the slice of self. "
                           f"src size = {list(src.shape)}, slice size = {list(want)}")
    return IndexAssign.apply(input, cast(src, input._data.dtype), index)


def select_scatter(input, src, dim, index):
    """input with input.select(dim, index) replaced by src."""
    check_tensor(input, "select_scatter")
    d = _wrap_dim(dim, input.ndim, "select_scatter")
    n = input._data.shape[d]
    index = int(index)
    if not -n <= index < n:
        raise IndexError(f"select_scatter(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {d}")
    return _embed("select_scatter", input, src, _Index(pre=(slice(None),) * d + (index,)))


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """input with input[..., start:end:step, ...] along dim replaced by src."""
    check_tensor(input, "slice_scatter")
    d = _wrap_dim(dim, input.ndim, "slice_scatter")
    if step is not None and int(step) <= 0:
        raise RuntimeError(f"slice_scatter(): slice step must be positive, got {step}")
    sl = slice(None if start is None else int(start), None if end is None else int(end),
               None if step is None else int(step))
    return _embed("slice_scatter", input, src, _Index(pre=(slice(None),) * d + (sl,)))


class DiagonalScatter(Function):
    """out = x with its diagonal (offset, over d1, d2) replaced by src;
    dx = g with that diagonal zeroed,  dsrc = g's diagonal."""

    @staticmethod
    def forward(ctx, x, src, offset, d1, d2):
        from .shape import _diagonal_view
        ctx.args, ctx.src_shape = (offset, d1, d2), src.shape
        out = x.copy()
        _diagonal_view(out, offset, d1, d2)[...] = src
        return out

    @staticmethod
    def backward(ctx, g):
        from .shape import Diagonal
        nx, nsrc = ctx.needs_input_grad[:2]
        gx = gsrc = None
        if nx:
            zeros = _make(_xp(g._data).zeros(ctx.src_shape, dtype=g._data.dtype))
            gx = DiagonalScatter.apply(g, zeros, *ctx.args)
        if nsrc:
            gsrc = Diagonal.apply(g, *ctx.args)
        return gx, gsrc


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """input with input.diagonal(offset, dim1, dim2) replaced by src."""
    from .elementwise import cast
    from .shape import diagonal
    check_tensor(input, "diagonal_scatter")
    check_tensor(src, "diagonal_scatter", "src")
    diag = diagonal(input.detach(), offset, dim1, dim2)
    if tuple(src._data.shape) != tuple(diag._data.shape):
        raise RuntimeError(f"diagonal_scatter(): expected src to have a size equal to the slice "
                           f"of self. src size = {list(src.shape)}, slice size = "
                           f"{list(diag.shape)}")
    n = input.ndim
    d1, d2 = _wrap_dim(dim1, n, "diagonal_scatter"), _wrap_dim(dim2, n, "diagonal_scatter")
    return DiagonalScatter.apply(input, cast(src, input._data.dtype), int(offset), d1, d2)


# ---------------------------------------------------------------------------- nonzero
def nonzero(input, *, as_tuple=False):
    """The indices of the nonzero elements: an (n, ndim) int64 tensor, or with
    as_tuple=True one 1-D tensor per dim (a 0-d input counts as 1-D)."""
    check_tensor(input, "nonzero")
    a = input._data
    xp = _xp(a)
    if as_tuple:
        return tuple(_make(i.astype(np.int64)) for i in xp.nonzero(a.reshape(-1) if a.ndim == 0
                                                                    else a))
    return _make(xp.argwhere(a).astype(np.int64))


def argwhere(input):
    """nonzero(input): an (n, ndim) int64 tensor of the nonzero elements' indices."""
    return nonzero(input)


def nonzero_static(input, *, size, fill_value=-1):
    """nonzero() with exactly `size` rows: cut, or padded with fill_value."""
    out = nonzero(input)._data
    xp = _xp(out)
    size = int(size)
    if size < 0:
        raise RuntimeError(f"nonzero_static(): 'size' must be an non-negative integer, got {size}")
    if out.shape[0] >= size:
        return _make(out[:size])
    pad = xp.full((size - out.shape[0], out.shape[1]), fill_value, dtype=np.int64)
    return _make(xp.concatenate([out, pad], axis=0))


def unravel_index(indices, shape):
    """The coordinates, in a tensor of `shape`, of flat (row-major) `indices`: a tuple of
    int64 tensors shaped like indices. (Values are taken modulo the number of elements.)"""
    if isinstance(indices, Tensor):
        a = indices._data
        if a.dtype.kind not in "iu":
            raise TypeError(f"unravel_index(): expected 'indices' to be integer dtype, but got "
                            f"{indices.dtype}")
    elif isinstance(indices, (int, np.integer)) and not isinstance(indices, bool):
        a = np.asarray(int(indices), dtype=np.int64)  # host: a Python int
    else:
        raise TypeError(f"unravel_index(): expected 'indices' to be a tensor or an int, got "
                        f"{type(indices).__name__}")
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    for s in shape:
        if s < 0:
            raise RuntimeError(f"unravel_index(): 'shape' cannot have negative values, but got "
                               f"{tuple(shape)}")
    xp = _xp(a)
    rest = a.astype(np.int64)
    total = 1
    for s in shape:
        total *= s
    if total:
        rest = rest % total
    out = []
    for s in reversed(shape):
        out.append(rest % s if s else rest * 0)
        rest = rest // s if s else rest
    return tuple(_make(xp.asarray(o)) for o in reversed(out))


# ---------------------------------------------------------------------------- in-place forms
def masked_fill_(self, mask, value):
    if not _inplace_recorded(self, "masked_fill_", value):
        value = _masked_fill_value(self, mask, value, "masked_fill_")
        _check_writeable(self, "masked_fill_")
        v = value._data if isinstance(value, Tensor) else value
        m = mask._data
        if m.shape != self._data.shape:
            m = _xp(m).broadcast_to(m, self._data.shape)
        self._data[m] = v
        self._vc[0] += 1
        return self
    return _apply_recorded(self, lambda old: masked_fill(old, mask, value))


def index_fill_(self, dim, index, value):
    return _inplace(self, "index_fill_", lambda t: index_fill(t, dim, index, value), value)


def index_add_(self, dim, index, source, *, alpha=1):
    return _inplace(self, "index_add_", lambda t: index_add(t, dim, index, source, alpha=alpha),
                    source)


def index_copy_(self, dim, index, source):
    return _inplace(self, "index_copy_", lambda t: index_copy(t, dim, index, source), source)


def index_reduce_(self, dim, index, source, reduce, *, include_self=True):
    return _inplace(self, "index_reduce_", lambda t: index_reduce(
        t, dim, index, source, reduce, include_self=include_self), source)


def scatter_(self, dim, index, src=None, value=None, *, reduce=None):
    return _inplace(self, "scatter_", lambda t: scatter(t, dim, index, src, value, reduce=reduce),
                    src)


def scatter_add_(self, dim, index, src):
    return _inplace(self, "scatter_add_", lambda t: scatter_add(t, dim, index, src), src)


def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
    return _inplace(self, "scatter_reduce_", lambda t: scatter_reduce(
        t, dim, index, src, reduce, include_self=include_self), src)


def index_put_(self, indices, values, accumulate=False):
    return _inplace(self, "index_put_", lambda t: index_put(t, indices, values, accumulate),
                    values)


def masked_scatter_(self, mask, source):
    if broadcast_shapes(self._data.shape, mask._data.shape, "masked_scatter_") != self._data.shape:
        raise RuntimeError(f"masked_scatter_(): mask of shape {list(mask.shape)} does not "
                           f"broadcast to the tensor's shape {list(self.shape)}")
    return _inplace(self, "masked_scatter_", lambda t: masked_scatter(t, mask, source), source)


def put_(self, index, source, accumulate=False):
    return _inplace(self, "put_", lambda t: put(t, index, source, accumulate), source)


def fill_diagonal_(self, fill_value, wrap=False):
    """Fill the main diagonal (x[i, i, ..., i]) with fill_value, in place. A tall matrix with
    wrap=True starts again every (columns + 1) rows, as NumPy's fill_diagonal."""
    shape = self._data.shape
    if len(shape) < 2:
        raise RuntimeError("fill_diagonal_(): dimensions must larger than 1")
    if len(shape) > 2 and len(set(shape)) != 1:
        raise RuntimeError("fill_diagonal_(): all dimensions of input must be of equal length")
    xp = _xp(self._data)
    if len(shape) == 2:
        step = shape[1] + 1
        end = None if wrap else shape[1] * shape[1]
    else:
        step = 1 + sum(math.prod(shape[:k + 1]) for k in range(len(shape) - 1))
        end = None
    mask = xp.zeros(self._data.size, dtype=bool)
    mask[:end:step] = True
    m = _make(mask.reshape(shape))
    return _inplace(self, "fill_diagonal_", lambda t: masked_fill(t, m, fill_value), fill_value)


EXPORTS = [
    "index_add", "index_copy", "index_fill", "index_reduce", "index_put", "index_put_",
    "scatter", "scatter_reduce", "masked_select", "masked_scatter", "put", "select_scatter",
    "slice_scatter", "diagonal_scatter", "nonzero", "argwhere", "nonzero_static",
    "unravel_index", "gather", "scatter_add", "masked_fill", "index_select",
]

TENSOR_METHODS = {
    "index_add": index_add, "index_copy": index_copy, "index_fill": index_fill,
    "index_reduce": index_reduce, "index_put": index_put, "scatter": scatter,
    "scatter_reduce": scatter_reduce, "masked_select": masked_select,
    "masked_scatter": masked_scatter, "put": put, "select_scatter": select_scatter,
    "slice_scatter": slice_scatter, "diagonal_scatter": diagonal_scatter, "nonzero": nonzero,
    "argwhere": argwhere, "nonzero_static": nonzero_static, "gather": gather,
    "scatter_add": scatter_add,
    "masked_fill_": masked_fill_, "index_fill_": index_fill_, "index_add_": index_add_,
    "index_copy_": index_copy_, "index_reduce_": index_reduce_, "scatter_": scatter_,
    "scatter_add_": scatter_add_, "scatter_reduce_": scatter_reduce_, "index_put_": index_put_,
    "masked_scatter_": masked_scatter_, "put_": put_, "fill_diagonal_": fill_diagonal_,
}
