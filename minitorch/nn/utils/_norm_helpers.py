"""Shared arithmetic of weight_norm and spectral_norm (both APIs)."""
from __future__ import annotations

from ...tensor import Tensor


def norm_except_dim(v: Tensor, pow: float = 2, dim: int = 0) -> Tensor:
    """The p-norm of v over every dim but `dim`, kept as size-1 dims (dim == -1: the norm
    of the whole tensor, a 0-d tensor, PyTorch's convention)."""
    if dim == -1:
        return v.norm(pow)
    dims = tuple(d for d in range(v.ndim) if d != dim)
    return v.norm(pow, dim=dims, keepdim=True) if dims else v.abs()


def weight_norm_compute(v: Tensor, g: Tensor, dim: int = 0) -> Tensor:
    """w = g * v / ||v|| (norm over every dim but `dim`), PyTorch's _weight_norm:
    a composition of differentiable ops, so dw/dg and dw/dv come from them."""
    return v * (g / norm_except_dim(v, 2, dim))


def reshape_to_matrix(weight: Tensor, dim: int) -> Tensor:
    """weight as a (size(dim), -1) matrix (dim moved to the front)."""
    if dim != 0:
        weight = weight.permute(dim, *[d for d in range(weight.ndim) if d != dim])
    return weight.reshape(weight.shape[0], -1)


def normalize_into(buf: Tensor, vec: Tensor, eps: float) -> None:
    """buf <- vec / max(||vec||, eps), in place (power-iteration vectors, no graph)."""
    n = float(vec.norm())
    buf._data[...] = (vec / max(n, eps))._data
    buf._vc[0] += 1
