"""Indexing: x[index], index_select, gather, masked_fill, and their scatter-add adjoints.

Reading values at indices and adding values into indices are each other's adjoints, so
each pair below is two Functions whose backwards call one another (double backward for
free):

    GetItem     x[idx]                      <->  IndexPut     zeros[idx] += g
    IndexSelect take(x, idx, dim)           <->  IndexAdd     zeros.index_add(dim, idx, g)
    Gather      take_along(x, idx, dim)     <->  ScatterAdd   zeros.scatter_add(dim, idx, g)

The adds accumulate, so an index that appears twice receives both gradients.
"""
from __future__ import annotations

import numpy as np

from .. import backend
from ..autograd.function import Function
from ..tensor import Tensor, _make, _wrap_dim
from .. import dtypes as _dt
from ._util import check_tensor, input_shape, broadcast_shapes, sum_to

_xp = backend.get_array_module


# ---------------------------------------------------------------------------- getitem
def _is_basic(index) -> bool:
    """True when the index has only ints, slices, None and Ellipsis (a NumPy view)."""
    parts = index if type(index) is tuple else (index,)
    for p in parts:
        if not (p is None or p is Ellipsis or type(p) is slice or
                (isinstance(p, (int, np.integer)) and not isinstance(p, (bool, np.bool_)))):
            return False
    return True


def _convert_index(index, xp, shape):
    """Tensors and lists inside an index become arrays (int64 or bool) on the right device."""
    parts = index if type(index) is tuple else (index,)
    out = []
    for p in parts:
        if isinstance(p, Tensor):
            d = p._data
            if d.dtype.kind not in "biu":
                raise IndexError(f"tensors used as indices must be long, int or bool tensors, "
                                 f"got {p.dtype}")
            if backend.get_array_module(d) is not xp:
                raise RuntimeError("indices should be either on cpu or on the same device as "
                                   "the indexed tensor")
            out.append(d)
        elif isinstance(p, (list, np.ndarray)) or backend.is_array(p):
            a = xp.asarray(p)
            if a.dtype.kind not in "biu" and a.size:
                raise IndexError(f"index arrays must be integer or bool, got {a.dtype}")
            out.append(a if a.size or a.dtype.kind in "biu" else a.astype(np.int64))
        elif isinstance(p, (bool, np.bool_)):
            out.append(xp.asarray(p))
        elif p is None or p is Ellipsis or type(p) is slice or isinstance(p, (int, np.integer)):
            out.append(p)
        else:
            raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None and long or "
                             f"byte Variables are valid indices (got {type(p).__name__})")
    return tuple(out)


class GetItem(Function):
    """out = x[index];  dx = zeros like x with g added at index (IndexPut)."""

    @staticmethod
    def forward(ctx, x, index, basic):
        ctx.index, ctx.basic = index, basic
        out = x[index]
        return out

    @staticmethod
    def backward(ctx, g):
        return IndexPut.apply(g, ctx.index, ctx.basic, input_shape(ctx, 0))


class GetItemView(GetItem):
    """Basic indexing (ints, slices, None, ...): the result is a view of x."""
    is_view = True


class IndexPut(Function):
    """out = zeros(shape) with out[index] += g (repeated indices accumulate);
    dg = dout[index]."""

    @staticmethod
    def forward(ctx, g, index, basic, shape):
        ctx.index, ctx.basic = index, basic
        xp = _xp(g)
        out = xp.zeros(shape, dtype=g.dtype)
        if basic:
            out[index] = g
        else:
            backend.index_add_at(out, index, g)
        return out

    @staticmethod
    def backward(ctx, gg):
        cls = GetItemView if ctx.basic else GetItem
        return cls.apply(gg, ctx.index, ctx.basic)


def getitem(input, index):
    if _is_basic(index):
        try:
            return GetItemView.apply(input, index, True)
        except IndexError as exc:
            raise IndexError(f"Tensor.__getitem__: {exc} (tensor of shape {tuple(input.shape)})") from None
    xp = _xp(input._data)
    index = _convert_index(index, xp, input._data.shape)
    try:
        return GetItem.apply(input, index, False)
    except IndexError as exc:
        raise IndexError(f"Tensor.__getitem__: {exc} (tensor of shape {tuple(input.shape)})") from None


class IndexAssign(Function):
    """out = x with out[index] = v (v broadcast to x[index]'s shape);
    dx = g with zeros at index,  dv = g[index] summed back to v's shape."""

    @staticmethod
    def forward(ctx, x, v, index, basic):
        xp = _xp(x)
        out = x.copy()
        out[index] = v
        mask = xp.zeros(x.shape, dtype=bool)
        mask[index] = True
        ctx.mask, ctx.index, ctx.basic = mask, index, basic
        return out

    @staticmethod
    def backward(ctx, g):
        from .elementwise import where
        nx, nv = ctx.needs_input_grad[:2]
        gx = where(_make(ctx.mask), 0.0, g) if nx else None
        gv = None
        if nv:
            vshape, vdtype = ctx._in_meta[1][:2]
            gsel = (GetItemView if ctx.basic else GetItem).apply(g, ctx.index, ctx.basic)
            vs = tuple(vshape)
            while len(vs) > gsel.ndim and vs[0] == 1:   # x[0] = v of shape (1, n)
                vs = vs[1:]
            gv = sum_to(gsel, vs)
            if vs != tuple(vshape):
                gv = gv.reshape(vshape)
            if gv._data.dtype != vdtype:
                gv = gv.to(_dt.from_numpy_dtype(vdtype))
        return gx, gv


def setitem(input, index, value):
    """x[index] = value, in place. Under grad mode, when `input` or `value` takes part in
    autograd, the assignment is recorded (IndexAssign): the overwritten entries get no
    gradient and `value` gets the gradient of the entries it went to, as in PyTorch."""
    from .inplace import _check_inplace_allowed, _old, _rebind
    record = _check_inplace_allowed(input, "__setitem__", value)
    xp = _xp(input._data)
    basic = _is_basic(index)
    if not basic:
        index = _convert_index(index, xp, input._data.shape)
    if isinstance(value, Tensor):
        v = value._data
        if backend.get_array_module(v) is not xp:
            raise RuntimeError("__setitem__(): value is on a different device than the tensor")
    else:
        v = value
    if record:
        _rebind(input, IndexAssign.apply(_old(input), value, index, basic))
        return
    input._data[index] = v
    input._vc[0] += 1


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


def _check_gather_shapes(fn, input, dim, idx):
    if idx.ndim != input.ndim:
        raise RuntimeError(f"{fn}(): Index tensor must have the same number of dimensions as "
                           f"input tensor ({idx.ndim} vs {input.ndim})")
    for i, (a, b) in enumerate(zip(idx.shape, input._data.shape)):
        if i != dim and a > b:
            raise RuntimeError(f"{fn}(): Size does not match at dimension {i} expected index "
                               f"{list(idx.shape)} to be smaller than self {list(input.shape)} "
                               f"apart from dimension {dim}")
    n = input._data.shape[dim]
    if idx.size and (int(idx.max()) >= n or int(idx.min()) < 0):
        raise RuntimeError(f"{fn}(): index out of bounds: values must be in [0, {n - 1}] for "
                           f"dimension {dim}, got min {int(idx.min())}, max {int(idx.max())}")


def gather(input, dim, index):
    check_tensor(input, "gather")
    idx = _check_index(index, "gather")
    d = _wrap_dim(dim, input.ndim, "gather")
    _check_gather_shapes("gather", input, d, idx)
    return Gather.apply(input, d, idx)


def scatter_add_zeros(shape, dim, index, src):
    """zeros(shape) with src scatter-added at index along dim (differentiable in src)."""
    idx = index._data if isinstance(index, Tensor) else index
    return ScatterAdd.apply(src, dim, idx, tuple(shape))


def scatter_add(input, dim, index, src):
    """out = input + zeros.scatter_add(dim, index, src): d input = g, d src = gather(g)."""
    check_tensor(input, "scatter_add")
    idx = _check_index(index, "scatter_add")
    d = _wrap_dim(dim, input.ndim, "scatter_add")
    _check_gather_shapes("scatter_add", input, d, idx)
    corner = tuple(slice(0, s) for s in idx.shape)
    src = src[corner] if src._data.shape != idx.shape else src
    return input + ScatterAdd.apply(src, d, idx, tuple(input._data.shape))


# ---------------------------------------------------------------------------- masked_fill
def masked_fill(input, mask, value):
    """input with `value` where mask is True (mask broadcasts to input's shape);
    d input = g where not mask; d value (a 0-d tensor) = sum of g where mask."""
    from .elementwise import where, cast
    check_tensor(input, "masked_fill")
    check_tensor(mask, "masked_fill", "mask")
    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"masked_fill(): expected mask to be a bool tensor, got {mask.dtype}")
    shape = input._data.shape
    if broadcast_shapes(shape, mask._data.shape, "masked_fill") != shape:
        raise RuntimeError(f"masked_fill(): mask of shape {tuple(mask.shape)} does not broadcast "
                           f"to the input's shape {tuple(shape)}")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"masked_fill(): only supports a 0-dimensional value tensor, but "
                               f"got tensor with {value.ndim} dimension(s).")
        value = cast(value, input._data.dtype)
    elif input._data.dtype.kind in "iub" and isinstance(value, float):
        value = int(value) if input._data.dtype.kind != "b" else bool(value)
    out = where(mask, value, input)
    if out._data.shape != shape:  # pragma: no cover - guarded above
        raise RuntimeError("masked_fill(): mask changed the shape")
    return out
