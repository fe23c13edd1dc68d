"""Sorting and selection: sort, argsort, msort, topk, kthvalue, median/nanmedian, mode,
quantile/nanquantile, unique, unique_consecutive, searchsorted, bucketize.

Every function that returns values chosen from its input (sort, topk, kthvalue, median,
mode, quantile...) finds the *indices* on the raw arrays and then takes the values with
`gather(input, dim, indices)`. gather is differentiable twice, so the gradient of each
chosen value flows back to the position it came from (a scatter-add), and double backward
works with no extra code:

    values = gather(x, dim, idx)      d x = scatter_add(zeros_like(x), dim, idx, g)

Ties: sort(stable=True) keeps equal elements in their original order (descending too),
as PyTorch documents; NaN sorts as the largest value. Where PyTorch leaves the index of a
tie unspecified (topk, kthvalue, median with dim), minitorch returns the one a stable sort
gives.
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from .. import backend
from ..autograd.function import Function
from ..tensor import Tensor, _make, _wrap_dim
from ._util import check_tensor
from . import elementwise as E
from .indexing import gather
from . import reduction as R

_xp = backend.get_array_module

# PyTorch's torch.return_types: named tuples whose field names programs use
sort_t = namedtuple("sort", ["values", "indices"])
topk_t = namedtuple("topk", ["values", "indices"])
kthvalue_t = namedtuple("kthvalue", ["values", "indices"])
median_t = namedtuple("median", ["values", "indices"])
nanmedian_t = namedtuple("nanmedian", ["values", "indices"])
mode_t = namedtuple("mode", ["values", "indices"])


# ---------------------------------------------------------------------------- helpers
def _stable_argsort(x, axis, descending):
    """Indices that sort x along axis, equal elements in their original order.

    Descending: sort the reversed array ascending (stable), reverse the result and map the
    positions back, so ties still come out in ascending original index and NaN (NumPy's
    largest) comes first, as in PyTorch."""
    xp = _xp(x)
    if not descending:
        return xp.argsort(x, axis=axis, kind="stable")
    n = x.shape[axis]
    rev = xp.argsort(xp.flip(x, axis=axis), axis=axis, kind="stable")
    return (n - 1) - xp.flip(rev, axis=axis)


def _as_int64(idx):
    return _make(idx.astype(np.int64, copy=False))


def _one_dim(input, dim, fn):
    """Wrap dim (a 0-d input accepts 0 and -1) and refuse an empty reduced dim."""
    d = _wrap_dim(dim, input.ndim, fn)
    if input.ndim and input._data.shape[d] == 0:
        raise IndexError(f"{fn}(): Expected reduction dim {d} to have non-zero size.")
    return d


def _select(input, d, idx, keepdim, result):
    """(gather(input, d, idx), idx) with idx of size 1 along d, squeezed unless keepdim."""
    values = gather(input, d, _make(idx))
    if not keepdim:
        values = values.squeeze(d)
        idx = idx.squeeze(d)
    return result(values, _as_int64(idx))


def _scalar_case(input, result):
    """sort/median/mode... of a 0-d tensor: the value itself at index 0."""
    return result(input.clone(), _make(_xp(input._data).zeros((), dtype=np.int64)))


# ---------------------------------------------------------------------------- sort
def sort(input, dim=-1, descending=False, stable=False):
    """(values, indices) sorted along dim; NaN is the largest value. minitorch's sort is
    always stable (equal elements keep their order), so stable=True and False agree."""
    check_tensor(input, "sort")
    if input.ndim == 0:
        _wrap_dim(dim, 0, "sort")
        return _scalar_case(input, sort_t)
    d = _wrap_dim(dim, input.ndim, "sort")
    idx = _stable_argsort(input._data, d, bool(descending))
    return sort_t(gather(input, d, _make(idx)), _as_int64(idx))


def argsort(input, dim=-1, descending=False, stable=False):
    """The indices that sort input along dim (stable; see sort)."""
    return sort(input, dim, descending, stable).indices


def msort(input):
    """input sorted along its first dim (values only)."""
    return sort(input, 0).values


def topk(input, k, dim=-1, largest=True, sorted=True):
    """The k largest (or smallest) elements along dim: (values, indices), largest first
    (smallest first for largest=False). NaN counts as the largest value."""
    check_tensor(input, "topk")
    d = _wrap_dim(dim, input.ndim, "topk")
    n = input._data.shape[d] if input.ndim else 1
    k = int(k)
    if not 0 <= k <= n and input.ndim:
        raise RuntimeError(f"topk(): selected index k out of range: k={k} for a dim of size {n}")
    if input.ndim == 0:
        return _scalar_case(input, topk_t)
    idx = _stable_argsort(input._data, d, bool(largest))
    idx = idx[(slice(None),) * d + (slice(0, k),)]
    return topk_t(gather(input, d, _make(idx)), _as_int64(idx))


def kthvalue(input, k, dim=-1, keepdim=False):
    """The k-th smallest element along dim (k counts from 1): (values, indices)."""
    check_tensor(input, "kthvalue")
    d = _wrap_dim(dim, input.ndim, "kthvalue")
    n = input._data.shape[d] if input.ndim else 1
    k = int(k)
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}: "
                         f"k={k}, size {n}")
    if input.ndim == 0:
        return _scalar_case(input, kthvalue_t)
    idx = _stable_argsort(input._data, d, False)
    return _select(input, d, idx[(slice(None),) * d + (slice(k - 1, k),)], keepdim, kthvalue_t)


# ---------------------------------------------------------------------------- median, mode
class EvenSelect(Function):
    """out = v, a value chosen from x as a whole (median() with no dim).

    As PyTorch does for median() (and max()), the gradient is shared evenly by the
    elements equal to v:  dx = g * [x == v] / count  (NaN matches NaN when v is NaN)."""

    @staticmethod
    def forward(ctx, x, value):
        xp = _xp(x)
        mask = xp.isnan(x) if value.dtype.kind == "f" and bool(xp.isnan(value)) else x == value
        ctx.save_for_backward(mask.astype(x.dtype) / max(int(mask.sum()), 1))
        return xp.array(value, dtype=x.dtype, copy=True).reshape(())

    @staticmethod
    def backward(ctx, g):
        share, = ctx.saved_tensors
        return g * share, None


def _median_all(input, ignore_nan, fn):
    check_tensor(input, fn)
    x = input._data.reshape(-1)
    xp = _xp(x)
    if x.size == 0:
        return _make(xp.full((), xp.nan, dtype=x.dtype if x.dtype.kind == "f" else np.float32))
    s = xp.sort(x)
    if x.dtype.kind == "f" and ignore_nan:
        n = int((~xp.isnan(x)).sum())
        value = s[max(n - 1, 0) // 2]
    elif x.dtype.kind == "f" and bool(xp.isnan(s[-1])):
        value = s[-1]  # NaN propagates
    else:
        value = s[(x.size - 1) // 2]  # the lower of the two middle values
    if x.dtype.kind != "f":
        return _make(xp.asarray(value, dtype=x.dtype).reshape(()))
    return EvenSelect.apply(input, value)


def _median_dim(input, dim, keepdim, ignore_nan, fn, result):
    check_tensor(input, fn)
    d = _one_dim(input, dim, fn)
    if input.ndim == 0:
        return _scalar_case(input, result)
    x = input._data
    xp = _xp(x)
    order = xp.argsort(x, axis=d, kind="stable")   # NaNs last, in their original order
    n = x.shape[d]
    if x.dtype.kind == "f":
        valid = (~xp.isnan(x)).sum(axis=d, keepdims=True)
        if ignore_nan:  # the lower median of the non-NaN values (index 0 when all are NaN)
            k = xp.maximum(valid - 1, 0) // 2
        else:           # a lane with NaN gives its first NaN
            k = xp.where(valid < n, valid, (n - 1) // 2)
    else:
        k = xp.full(order.shape[:d] + (1,) + order.shape[d + 1:], (n - 1) // 2, dtype=np.int64)
    idx = xp.take_along_axis(order, k.astype(np.int64), axis=d)
    return _select(input, d, idx, keepdim, result)


def median(input, dim=None, keepdim=False):
    """median(x): the lower of the two middle values of all elements (NaN if any is NaN),
    its gradient shared by the elements equal to it. median(x, dim): (values, indices)."""
    if dim is None:
        return _median_all(input, False, "median")
    return _median_dim(input, dim, keepdim, False, "median", median_t)


def nanmedian(input, dim=None, keepdim=False):
    """median ignoring NaN (NaN only where every element is NaN)."""
    if dim is None:
        return _median_all(input, True, "nanmedian")
    return _median_dim(input, dim, keepdim, True, "nanmedian", nanmedian_t)


def mode(input, dim=-1, keepdim=False):
    """The most frequent value along dim and an index where it occurs: (values, indices).
    Among equally frequent values the smallest wins, and the index is its last occurrence
    (PyTorch's CPU results). NaNs never equal each other, so each counts once."""
    check_tensor(input, "mode")
    d = _one_dim(input, dim, "mode")
    if input.ndim == 0:
        return _scalar_case(input, mode_t)
    x = input._data
    xp = _xp(x)
    order = xp.moveaxis(xp.argsort(x, axis=d, kind="stable"), d, -1)
    s = xp.take_along_axis(xp.moveaxis(x, d, -1), order, axis=-1)
    n = s.shape[-1]
    pos = xp.arange(n, dtype=np.int64)
    new_run = xp.ones(s.shape, dtype=bool)
    new_run[..., 1:] = s[..., 1:] != s[..., :-1]
    run_start = R._accumulate("maximum", xp.where(new_run, pos, 0), -1)
    run_len = pos - run_start + 1          # length of the run so far, at each position
    best = xp.argmax(run_len == run_len.max(axis=-1, keepdims=True), axis=-1)  # first = smallest value
    last = xp.take_along_axis(order, best[..., None], axis=-1)  # its last occurrence
    idx = xp.moveaxis(last, -1, d)
    return _select(input, d, idx, keepdim, mode_t)


# ---------------------------------------------------------------------------- quantile
_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan, fn):
    """PyTorch's algorithm: sort the lane; rank = q * (n - 1) (n = the non-NaN count for
    nanquantile; a lane with NaN gives NaN for quantile); take the values at floor and ceil
    of the rank and interpolate. The values come from gather on the sorted values, so the
    gradient reaches the (at most two) elements each quantile interpolates between."""
    check_tensor(input, fn)
    x = input._data
    if x.dtype.kind != "f":
        raise RuntimeError(f"{fn}() input tensor must be either float or double dtype, got "
                           f"{input.dtype}")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{fn}() interpolation must be one of linear, lower, higher, midpoint "
                           f"or nearest, but got {interpolation}")
    xp = _xp(x)
    scalar_q = not isinstance(q, Tensor) or q.ndim == 0
    if isinstance(q, Tensor):
        if q.ndim > 1:
            raise RuntimeError(f"{fn}() q must be a scalar or 1D tensor")
        if q._data.dtype != x.dtype:
            raise RuntimeError(f"{fn}() q tensor must be same dtype as the input tensor, got "
                               f"{q.dtype} and {input.dtype}")
        qa = q._data.reshape(-1)
    else:
        qa = xp.asarray([float(q)], dtype=x.dtype)
    if qa.size and (bool((qa < 0).any()) or bool((qa > 1).any())):
        bad = float(qa[(qa < 0) | (qa > 1)][0])
        raise RuntimeError(f"{fn}() q must be in the range [0, 1] but got {bad}")
    if x.size == 0:
        raise RuntimeError(f"{fn}() input tensor must be non-empty")

    # the lanes: dim moved last (all elements as one lane when dim is None)
    if dim is None:
        lanes = input.reshape(-1)
        out_shape = (1,) * input.ndim if keepdim else ()
    else:
        d = _wrap_dim(dim, input.ndim, fn)
        if input.ndim == 0:
            lanes = input.reshape(1)
            out_shape = ()
        else:
            lanes = input.movedim(d, -1)
            shape = list(x.shape)
            if keepdim:
                shape[d] = 1
            else:
                del shape[d]
            out_shape = tuple(shape)
    sorted_ = sort(lanes, -1).values                     # (..., n), differentiable
    s = sorted_._data
    n = s.shape[-1]
    nan = xp.isnan(s)
    # rank = q * factor: factor is n - 1, or (non-NaN count - 1) for nanquantile; where
    # PyTorch overrides it (a NaN lane in quantile: the last index; a negative rank in an
    # all-NaN lane of nanquantile: 0) the rank is a constant
    if ignore_nan:
        factor = (~nan).sum(axis=-1, keepdims=True).astype(x.dtype) - 1
        ranks = qa * factor                                   # (..., Q)
        override = ranks < 0
        fixed = x.dtype.type(0)
    else:
        factor = xp.full(s.shape[:-1] + (1,), n - 1, dtype=x.dtype)
        ranks = qa * factor
        override = xp.broadcast_to(nan.any(axis=-1, keepdims=True), ranks.shape)
        fixed = x.dtype.type(n - 1)
    ranks = xp.where(override, fixed, ranks)
    if interpolation == "lower":
        ranks = xp.floor(ranks)
    elif interpolation == "higher":
        ranks = xp.ceil(ranks)
    elif interpolation == "nearest":
        ranks = xp.round(ranks)                           # half to even, as torch.round
    below = ranks.astype(np.int64)
    values = gather(sorted_, -1, _make(below))            # (..., Q)
    if interpolation in ("linear", "midpoint"):
        upper = gather(sorted_, -1, _make(xp.ceil(ranks).astype(np.int64)))
        if interpolation == "midpoint":
            weights = _make(xp.full(ranks.shape, 0.5, x.dtype))
        elif isinstance(q, Tensor):   # the weight is differentiable in q, as in PyTorch
            rank_t = E.where(_make(override), _make(ranks), q.reshape(-1) * _make(factor))
            weights = rank_t - _make(below.astype(x.dtype))
        else:
            weights = _make((ranks - below).astype(x.dtype))
        values = values + weights * (upper - values)      # lerp(below, above, w)
    # (..., Q) -> (Q, *out_shape)
    values = values.movedim(-1, 0).reshape((qa.size,) + out_shape)
    return values.reshape(out_shape) if scalar_q else values


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The q-th quantiles (q a float or a 1-D tensor in [0, 1]) of all elements, or along
    dim. With a 1-D q the quantiles stack along a new first dim. interpolation: linear,
    lower, higher, midpoint or nearest (rounding half to even)."""
    return _quantile(input, q, dim, keepdim, interpolation, False, "quantile")


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """quantile ignoring NaN (NaN only for lanes of all NaN)."""
    return _quantile(input, q, dim, keepdim, interpolation, True, "nanquantile")


# ---------------------------------------------------------------------------- unique
def _unique_flat(x, sorted_, return_inverse, return_counts):
    xp = _xp(x)
    flat = x.reshape(-1)
    order = xp.argsort(flat, kind="stable")
    s = flat[order]
    new = xp.ones(s.shape, dtype=bool)
    new[1:] = s[1:] != s[:-1]       # NaN != NaN: each NaN is its own value, as PyTorch
    values = s[new]
    starts = xp.nonzero(new)[0]
    out = [values]
    if return_inverse:
        inv = xp.empty(flat.shape, dtype=np.int64)
        inv[order] = xp.cumsum(new) - 1
        out.append(inv.reshape(x.shape))
    if return_counts:
        out.append(xp.diff(xp.append(starts, flat.size)).astype(np.int64))
    return out


def _unique_dim(x, dim, consecutive):
    """Unique slices along dim: (values, inverse, counts), slices compared whole."""
    xp = _xp(x)
    moved = xp.moveaxis(x, dim, 0)
    n = moved.shape[0]
    rows = moved.reshape(n, -1)
    if consecutive:
        order = xp.arange(n)
    else:  # lexicographic order of the rows (last key first for lexsort)
        order = xp.lexsort(rows.T[::-1]) if rows.shape[1] else xp.arange(n)
    s = rows[order]
    new = xp.ones(n, dtype=bool)
    if n > 1:
        new[1:] = (s[1:] != s[:-1]).any(axis=1)
    starts = xp.nonzero(new)[0]
    values = xp.moveaxis(moved[order][new], 0, dim)
    inv = xp.empty(n, dtype=np.int64)
    inv[order] = xp.cumsum(new) - 1
    counts = xp.diff(xp.append(starts, n)).astype(np.int64)
    return values, inv, counts


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values (sorted ascending), with optionally the inverse indices (where
    each input element went) and the counts. With dim, the distinct slices along dim.
    Not differentiable."""
    check_tensor(input, "unique")
    x = input._data
    if dim is None:
        out = _unique_flat(x, sorted, return_inverse, return_counts)
    else:
        d = _wrap_dim(dim, input.ndim, "unique")
        values, inv, counts = _unique_dim(x, d, False)
        out = [values] + ([inv] if return_inverse else []) + ([counts] if return_counts else [])
    out = [_make(a) for a in out]
    return out[0] if len(out) == 1 else tuple(out)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse each run of equal consecutive elements (or slices along dim) to one."""
    check_tensor(input, "unique_consecutive")
    x = input._data
    xp = _xp(x)
    if dim is None:
        flat = x.reshape(-1)
        new = xp.ones(flat.shape, dtype=bool)
        new[1:] = flat[1:] != flat[:-1]
        starts = xp.nonzero(new)[0]
        values = flat[new]
        inv = (xp.cumsum(new) - 1).reshape(x.shape)
        counts = xp.diff(xp.append(starts, flat.size)).astype(np.int64)
    else:
        d = _wrap_dim(dim, input.ndim, "unique_consecutive")
        values, inv, counts = _unique_dim(x, d, True)
    out = [values] + ([inv.astype(np.int64)] if return_inverse else []) + \
        ([counts] if return_counts else [])
    out = [_make(a) for a in out]
    return out[0] if len(out) == 1 else tuple(out)


# ---------------------------------------------------------------------------- searchsorted
def _side(right, side, fn):
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"{fn}(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError(f"{fn}(): side and right can't be set to opposites, got side of "
                               "left while right was True")
        return side
    return "right" if right else "left"


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None,
                 sorter=None):
    """Where each value would be inserted into sorted_sequence (its last dim) to keep it
    sorted: the first position with seq[i] >= value (side='left'), or > value
    (side='right' / right=True). An N-D sequence searches row by row; its leading dims
    must match the values'. Not differentiable; int64 (int32 with out_int32)."""
    check_tensor(sorted_sequence, "searchsorted", "sorted_sequence")
    seq = sorted_sequence._data
    xp = _xp(seq)
    side = _side(right, side, "searchsorted")
    scalar = not isinstance(input, Tensor)
    vals = xp.asarray(input) if scalar else input._data
    if sorter is not None:
        check_tensor(sorter, "searchsorted", "sorter")
        if sorter._data.shape != seq.shape:
            raise RuntimeError("searchsorted(): boundary and sorter must have the same size, got "
                               f"{tuple(seq.shape)} and {tuple(sorter.shape)}")
        seq = xp.take_along_axis(seq, sorter._data.astype(np.int64), axis=-1)
    if seq.ndim == 0:
        raise RuntimeError("searchsorted(): boundaries tensor should have at least 1 dimension")
    out_dtype = np.int32 if out_int32 else np.int64
    if seq.ndim == 1:
        return _make(xp.asarray(xp.searchsorted(seq, vals, side=side)).astype(out_dtype))
    if vals.ndim != seq.ndim or vals.shape[:-1] != seq.shape[:-1]:
        raise RuntimeError("searchsorted(): boundaries tensor should be 1 dimension or the first "
                           "N-1 dimensions of boundaries tensor and input value tensor must "
                           f"match, but we got boundaries tensor {list(seq.shape)} and input "
                           f"value tensor {list(vals.shape)}")
    rows_s = seq.reshape(-1, seq.shape[-1])
    rows_v = vals.reshape(-1, vals.shape[-1])
    out = xp.empty(rows_v.shape, dtype=out_dtype)
    for r in range(rows_s.shape[0]):
        out[r] = xp.searchsorted(rows_s[r], rows_v[r], side=side)
    return _make(out.reshape(vals.shape))


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The bucket of each value given 1-D sorted boundaries: i with
    boundaries[i-1] < x <= boundaries[i] (right=False) or boundaries[i-1] <= x < boundaries[i]
    (right=True). Same as searchsorted(boundaries, input, right=right)."""
    check_tensor(boundaries, "bucketize", "boundaries")
    if boundaries.ndim != 1:
        raise RuntimeError(f"bucketize(): boundaries tensor must be 1 dimension, but got "
                           f"dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


__all__ = ["sort", "argsort", "msort", "topk", "kthvalue", "median", "nanmedian", "mode",
           "quantile", "nanquantile", "unique", "unique_consecutive", "searchsorted",
           "bucketize"]

# name -> function attached to Tensor as a method (see minitorch/_tensor_methods.py)
TENSOR_METHODS: dict = {
    "sort": sort, "argsort": argsort, "msort": msort, "topk": topk, "kthvalue": kthvalue,
    "median": median, "nanmedian": nanmedian, "mode": mode, "quantile": quantile,
    "nanquantile": nanquantile, "unique": unique, "unique_consecutive": unique_consecutive,
}
