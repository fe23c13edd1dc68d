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

__all__ = ["embedding", "one_hot"]


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

