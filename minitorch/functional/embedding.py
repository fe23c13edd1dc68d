"""embedding lookup (with padding_idx) and one_hot.

An embedding is a table W of shape (num_embeddings, embedding_dim); looking up the integer
tensor `idx` gives y[..., :] = W[idx[...], :], of shape idx.shape + (embedding_dim,).
It is the same as one_hot(idx) @ W, without building the one-hot matrix.
"""
from __future__ import annotations

import numpy as np

from .. import backend
from ..autograd.function import Function
from ..autograd.grad_mode import no_grad
from ..tensor import _make
from ._util import check_tensor, input_shape
from .indexing import IndexAdd

_xp = backend.get_array_module

__all__ = ["embedding", "embedding_bag", "one_hot"]


class Embedding(Function):
    """y = W[idx]  (rows of W picked by the integer tensor idx);

    dW = zeros like W with every row of g added into row idx of it: an index used k times
    gets the sum of its k gradient rows (a scatter-add). The padding_idx row gets no
    gradient; with scale_grad_by_freq each gradient row is divided by how often its index
    occurs in idx. dW is linear in g (IndexAdd, whose backward is a row lookup again), so
    it differentiates again."""

    @staticmethod
    def forward(ctx, w, idx, padding_idx, scale_grad_by_freq):
        xp = _xp(w)
        flat = idx.reshape(-1)
        factor = None
        if padding_idx is not None or scale_grad_by_freq:
            factor = xp.ones(flat.shape, dtype=w.dtype)
            if scale_grad_by_freq:
                counts = xp.bincount(flat, minlength=w.shape[0])
                factor /= counts[flat].astype(w.dtype)
            if padding_idx is not None:
                factor[flat == padding_idx] = 0
            factor = factor[:, None]
        ctx.save_for_backward(flat, factor)
        return xp.take(w, idx, axis=0)

    @staticmethod
    def backward(ctx, g):
        flat, factor = ctx.saved_tensors
        num, dim = input_shape(ctx, 0)
        g2 = g.reshape(-1, dim)
        if factor is not None:
            g2 = g2 * factor
        return IndexAdd.apply(g2, 0, flat._data, num), None, None, None


def _check_indices(input, fn):
    check_tensor(input, fn)
    if input._data.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{fn}(): Expected tensor for argument 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got {input.dtype} instead")
    return input._data


def _renorm_(weight, idx, max_norm, norm_type):
    """Rescale, in place and outside the graph, the rows of weight that idx looks up whose
    norm exceeds max_norm to norm max_norm (PyTorch's embedding_renorm_)."""
    xp = _xp(weight._data)
    rows = xp.unique(idx.reshape(-1))
    sub = weight._data[rows]
    a = xp.abs(sub)
    if norm_type == float("inf"):
        norms = a.max(axis=1)
    elif norm_type == 0:
        norms = (a != 0).sum(axis=1).astype(sub.dtype)
    else:
        norms = (a ** norm_type).sum(axis=1) ** (1.0 / norm_type)
    big = norms > max_norm
    if bool(big.any()):
        scale = (max_norm / (norms + 1e-7)).astype(sub.dtype)
        with no_grad():
            weight._data[rows[big]] = sub[big] * scale[big][:, None]
            weight._vc[0] += 1


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Look up rows of `weight` (num_embeddings, embedding_dim) at the integer tensor
    `input`; the row `padding_idx` gets no gradient. With `max_norm`, the looked-up rows
    whose norm exceeds it are first rescaled in place (as PyTorch does)."""
    idx = _check_indices(input, "embedding")
    check_tensor(weight, "embedding", "weight")
    if weight.ndim != 2:
        raise RuntimeError(f"embedding(): 'weight' must be 2-D (num_embeddings, embedding_dim), "
                           f"got shape {tuple(weight.shape)}")
    if sparse:
        raise NotImplementedError("embedding(): sparse=True needs sparse gradients, which "
                                  "minitorch does not have; use sparse=False")
    num = weight._data.shape[0]
    if padding_idx is not None:
        if not -num <= padding_idx < num:
            raise AssertionError(f"Padding_idx must be within num_embeddings (got padding_idx="
                                 f"{padding_idx} for num_embeddings={num})")
        padding_idx = int(padding_idx) % num
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= num):
        raise IndexError(f"embedding(): index out of range in self: indices must be in "
                         f"[0, {num - 1}], got min {int(idx.min())}, max {int(idx.max())}")
    if max_norm is not None:
        _renorm_(weight, idx, float(max_norm), float(norm_type))
    return Embedding.apply(weight, input, padding_idx, bool(scale_grad_by_freq))


def one_hot(tensor, num_classes=-1):
    """An int64 tensor of shape tensor.shape + (num_classes,) with a 1 at each class index
    (num_classes=-1: one more than the largest index)."""
    idx = check_tensor(tensor, "one_hot")._data
    if idx.dtype != np.int64:
        raise RuntimeError(f"one_hot is only applicable to index tensor of type LongTensor "
                           f"(int64), got {tensor.dtype}")
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)):
        raise TypeError(f"one_hot(): argument 'num_classes' must be int, got "
                        f"{type(num_classes).__name__}")
    xp = _xp(idx)
    if num_classes == -1:
        if idx.size == 0:
            raise RuntimeError("one_hot(): Can not infer total number of classes from empty "
                               "tensor; pass num_classes")
        num_classes = int(idx.max()) + 1
    elif num_classes < -1:
        raise RuntimeError(f"one_hot(): num_classes should be -1 or non-negative, got {num_classes}")
    if idx.size:
        if int(idx.min()) < 0:
            raise RuntimeError(f"one_hot(): Class values must be non-negative, got "
                               f"{int(idx.min())}")
        if int(idx.max()) >= num_classes:
            raise RuntimeError(f"one_hot(): Class values must be smaller than num_classes "
                               f"({num_classes}), got {int(idx.max())}")
    out = (idx[..., None] == xp.arange(num_classes)).astype(np.int64)
    return _make(out)



# ============================================================================ embedding_bag
def _bags(fn, input, offsets, include_last_offset):
    """The flat indices and, for each of them, its bag: (flat index array, bag id array,
    number of bags). A 2-d input is one bag per row; a 1-d input is cut at `offsets`."""
    xp = _xp(input._data)
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is "
                             "a mini-batch of fixed length sequences. However, found offsets of "
                             f"type {type(offsets)}")
        b, length = input._data.shape
        bag = xp.repeat(xp.arange(b), length)
        return input._data.reshape(-1), bag, b
    if input.ndim != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.ndim}")
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    check_tensor(offsets, fn, "offsets")
    if offsets.ndim != 1:
        raise ValueError(f"offsets has to be a 1D Tensor, but got Tensor of dimension "
                         f"{offsets.ndim}")
    off = offsets._data.astype(np.int64)
    n = input._data.shape[0]
    if off.size and int(off[0]) != 0:
        raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch "
                           f"has to start from position 0. However, got {int(off[0])}")
    if off.size and int(off[-1]) > n:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {n} but got "
                           f"offsets[-1] of {int(off[-1])}")
    n_bags = off.shape[0] - 1 if include_last_offset else off.shape[0]
    if include_last_offset:
        off = off.copy()
        off[-1] = n   # PyTorch ignores what follows the last offset's position
    # bag of position i = (number of offsets <= i) - 1
    bag = xp.searchsorted(off[:n_bags], xp.arange(n), side="right") - 1
    return input._data, bag, max(n_bags, 0)


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,
                  mode="mean", sparse=False, per_sample_weights=None, include_last_offset=False,
                  padding_idx=None):
    """Sums, means or maxima of bags of embeddings, without building the (bag, item, dim)
    intermediate for sum and mean: out[b] = reduce over the items i of bag b of
    w_i * weight[input[i]] (w_i = per_sample_weights, mode 'sum' only).

    Bags: the rows of a 2-d input, or the slices of a 1-d input that start at `offsets`.
    Items equal to padding_idx are left out of their bag (not counted by 'mean'); an empty
    bag gives zeros. Gradients: sum and mean scatter the upstream gradient back to the
    looked-up rows (IndexAdd, whose adjoint is a row lookup); max sends it to the row that
    held each maximum."""
    fn = "embedding_bag"
    _check_indices(input, fn)
    check_tensor(weight, fn, "weight")
    if weight.ndim != 2:
        raise RuntimeError(f"{fn}(): 'weight' must be 2-D (num_embeddings, embedding_dim), got "
                           f"shape {tuple(weight.shape)}")
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, but got {mode!r}")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    if per_sample_weights is not None:
        if mode != "sum":
            raise NotImplementedError(
                "embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                f"supported for mode='sum' (got mode='{mode}'). Please open a feature request "
                "on GitHub.")
        check_tensor(per_sample_weights, fn, "per_sample_weights")
        if tuple(per_sample_weights.shape) != tuple(input.shape):
            raise ValueError(f"embedding_bag: If per_sample_weights ({tuple(per_sample_weights.shape)}) "
                             f"is not None, then it must have the same shape as the input "
                             f"({tuple(input.shape)})")
    flat, bag, n_bags = _bags(fn, input, offsets, include_last_offset)
    xp = _xp(weight._data)
    num, dim = weight._data.shape
    if padding_idx is not None:
        if not -num <= padding_idx < num:
            raise AssertionError(f"padding_idx must be within the number of embeddings, -{num} "
                                 f"through {num - 1}, got {padding_idx}")
        padding_idx = int(padding_idx) % num
    from ..tensor import _make
    rows = embedding(_make(flat), weight, padding_idx, max_norm, norm_type, scale_grad_by_freq,
                     sparse)                                        # (M, dim)
    keep = xp.ones(flat.shape, dtype=bool) if padding_idx is None else flat != padding_idx
    if mode == "max":
        return _bag_max(rows, bag, keep, n_bags)
    w = keep.astype(weight._data.dtype)
    if mode == "mean":
        counts = xp.bincount(bag[keep], minlength=n_bags).astype(weight._data.dtype)
        w = w / xp.maximum(counts, 1)[bag]
    scaled = rows * _make(w[:, None])
    if per_sample_weights is not None:
        scaled = scaled * per_sample_weights.reshape(-1, 1)
    return IndexAdd.apply(scaled, 0, bag, n_bags)


def _bag_max(rows, bag, keep, n_bags):
    """Elementwise max over each bag: the items laid out densely as (bags, longest bag,
    dim) with -inf where a bag is shorter (or an item is padding), max over the items;
    empty bags give 0."""
    from ..tensor import _make
    from .elementwise import where
    xp = _xp(rows._data)
    dim = rows._data.shape[1]
    bag_k = bag[keep]
    pos = xp.nonzero(keep)[0]
    counts = xp.bincount(bag_k, minlength=n_bags)
    longest = int(counts.max()) if counts.size else 0
    if n_bags == 0 or longest == 0:
        return _make(xp.zeros((n_bags, dim), dtype=rows._data.dtype))
    starts = xp.cumsum(counts) - counts
    slot = xp.arange(bag_k.shape[0]) - starts[bag_k]
    take = xp.zeros((n_bags, longest), dtype=np.int64)
    filled = xp.zeros((n_bags, longest), dtype=bool)
    take[bag_k, slot] = pos
    filled[bag_k, slot] = True
    dense = rows.index_select(0, _make(take.reshape(-1))).reshape(n_bags, longest, dim)
    dense = where(_make(filled[:, :, None]), dense, float("-inf"))
    out = dense.max(1)[0]
    return where(_make((counts > 0)[:, None]), out, 0.0)
