"""dropout (inverted: kept values are scaled by 1/(1-p) in training).

In training each element is zeroed with probability p and the survivors are multiplied
by 1/(1-p), so the expected value of every element is unchanged and evaluation needs no
rescaling: in eval mode (training=False) dropout is the identity.

The mask is drawn from minitorch's default generator (``minitorch.manual_seed`` makes it
reproducible) on the CPU and copied to the input's device.
"""
from __future__ import annotations

import numpy as np

from .. import backend
from .. import random as _random
from ..autograd.function import Function
from ._util import check_tensor
from .activation import _maybe_inplace

__all__ = ["dropout"]


class Dropout(Function):
    """y = x * m, with m = keep / (1 - p) a constant mask (keep ~ Bernoulli(1 - p));
    dx = g * m: the gradient flows only through the kept units, scaled like them."""

    @staticmethod
    def forward(ctx, x, mask):
        ctx.save_for_backward(mask)
        return x * mask

    @staticmethod
    def backward(ctx, g):
        mask, = ctx.saved_tensors
        return g * mask, None


def _scaled_mask(x, p, generator=None):
    """keep / (1 - p) in x's dtype on x's device, keep drawn with probability 1 - p."""
    shape = x._data.shape
    dt = x._data.dtype
    if p == 1.0:
        mask = np.zeros(shape, dtype=dt)
    else:
        u = _random.rng(generator).random(shape, dtype=np.float64 if dt == np.float64
                                          else np.float32)
        mask = (u >= p).astype(dt)
        mask *= 1.0 / (1.0 - p)
    return backend.transfer(mask, x.device)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the rest by 1/(1-p) (training);
    return the input unchanged when not training (or p == 0)."""
    check_tensor(input, "dropout")
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise TypeError(f"dropout(): argument 'p' must be a number, got {type(p).__name__}")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    p = float(p)
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"dropout(): expected a floating point input, got {input.dtype}")
    if not training or p == 0.0 or input.numel() == 0:
        return input
    mask = _scaled_mask(input, p)
    return _maybe_inplace(lambda x: Dropout.apply(x, mask), input, inplace, "dropout")
