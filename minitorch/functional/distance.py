"""Distances and similarities between vectors: cosine_similarity, pairwise_distance, pdist.

All three are compositions of differentiable ops (norm, division, sum, index_select), so
their gradients, and the gradients of those, come from the ops' own backwards:

    cosine_similarity(x1, x2) = sum_d (x1 / max(|x1|, eps)) * (x2 / max(|x2|, eps))
    pairwise_distance(x1, x2) = || x1 - x2 + eps ||_p           over the last dim
    pdist(x)[k]               = || x[i] - x[j] ||_p              for the k-th pair i < j

As in PyTorch, cosine_similarity normalizes each input before the dot product (the result
stays in [-1, 1]) and clamps the norms at eps *outside* the graph: the value uses the
clamped norm, the gradient treats the clamp as the identity. At a zero vector the norm's
own gradient is 0 (see reduction.Norm2), so x1 = 0 gets the gradient x2 / (eps |x2|).
"""
from __future__ import annotations

import numpy as np

from .. import backend
from .. import dtypes as _dt
from ..tensor import _make, _wrap_dim
from ._util import check_tensor, broadcast_shapes, cast
from . import elementwise as E
from .reduction import norm

_xp = backend.get_array_module

__all__ = ["cosine_similarity", "pairwise_distance", "pdist"]


def _float_pair(x1, x2, fn):
    """x1, x2 checked, promoted to their common floating dtype, and their broadcast shape."""
    check_tensor(x1, fn, "x1")
    check_tensor(x2, fn, "x2")
    shape = broadcast_shapes(tuple(x1.shape), tuple(x2.shape), fn)
    rt = _dt.result_type(x1, x2)
    if not rt.is_floating_point:
        raise RuntimeError(f"{fn}(): expected common dtype to be floating point, yet common "
                           f"dtype is {rt}")
    return cast(x1, rt.np), cast(x2, rt.np), shape


def _clamp_value_only(n, eps):
    """max(n, eps) in value, with the gradient of n (PyTorch clamps under no_grad)."""
    nd = n.detach()
    return n + (E.clamp(nd, min=eps) - nd)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Cosine of the angle between x1 and x2 along `dim` (they broadcast):
    sum(x1 * x2) / (max(|x1|, eps) * max(|x2|, eps)), computed as the dot product of the
    two normalized vectors."""
    fn = "cosine_similarity"
    x1, x2, shape = _float_pair(x1, x2, fn)
    if tuple(x1.shape) != shape:
        x1 = x1.expand(shape)
    if tuple(x2.shape) != shape:
        x2 = x2.expand(shape)
    d = _wrap_dim(dim, len(shape), fn)
    n1 = _clamp_value_only(norm(x1, 2, d, keepdim=True), eps)
    n2 = _clamp_value_only(norm(x2, 2, d, keepdim=True), eps)
    return ((x1 / n1) * (x2 / n2)).sum(d)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p over the last dim of the broadcast inputs (a scalar for two
    vectors); p = 0 counts the non-zero differences, p = inf takes the largest."""
    fn = "pairwise_distance"
    x1, x2, shape = _float_pair(x1, x2, fn)
    if len(shape) == 0:
        raise RuntimeError(f"{fn}(): expected inputs with at least 1 dimension, got 0-d tensors")
    return norm(x1 - x2 + eps, p, len(shape) - 1, keepdim)


def pdist(input, p=2.0):
    """The p-norm distance between every pair of rows of an (N, M) input: a vector of
    N (N - 1) / 2 distances, for the pairs (i, j) with i < j in row-major order (the upper
    triangle of cdist(input, input))."""
    fn = "pdist"
    check_tensor(input, fn)
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"pdist(): only supports floating-point dtypes, got {input.dtype}")
    if p < 0:
        raise RuntimeError(f"pdist only supports non-negative p values, got {p}")
    n = input._data.shape[0]
    i, j = np.triu_indices(n, 1)  # host: index table from a Python size, moved below
    xp = _xp(input._data)
    rows_i = _make(xp.asarray(i, dtype=np.int64))
    rows_j = _make(xp.asarray(j, dtype=np.int64))
    diff = input.index_select(0, rows_i) - input.index_select(0, rows_j)
    return norm(diff, p, 1)
