"""dropout (inverted: kept values are scaled by 1/(1-p) in training).

In training each element is zeroed with probability p and the survivors are multiplied
by 1/(1-p), so the expected value of every element is unchanged and evaluation needs no
rescaling: in eval mode (training=False) dropout is the identity.

The mask is drawn from minitorch's default generator (``minitorch.manual_seed`` makes it
reproducible) on the CPU and copied to the input's device.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import backend
from .. import random as _random
from ..autograd.function import Function
from ._util import check_tensor, sum_to, input_shape
from .activation import _maybe_inplace

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout",
           "feature_alpha_dropout"]


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


def _scaled_mask(x, p, generator=None, shape=None):
    """keep / (1 - p) in x's dtype on x's device, keep drawn with probability 1 - p; of
    x's shape, or of `shape` (dropout2d's (N, C, 1, 1) channel mask)."""
    shape = x._data.shape if shape is None else shape
    dt = x._data.dtype
    if p == 1.0:
        mask = np.zeros(shape, dtype=dt)  # host: moved by backend.transfer below
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


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Channel dropout: zero each whole channel input[n, c] with probability p and scale
    the kept channels by 1/(1-p) (training); the identity when not training.

    The mask m has shape (N, C, 1, 1) and broadcasts over H and W, so y = x * m and
    dx = g * m (Dropout's derivative with a broadcast mask). A 3-d input is read as
    (N, C, L) with a warning, as torch does; other ranks warn and drop over (N, C) too.
    """
    fn = "dropout2d"
    check_tensor(input, fn)
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise TypeError(f"{fn}(): argument 'p' must be a number, got {type(p).__name__}")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    p = float(p)
    nd = input.ndim
    if nd == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that "
                      "channel-wise 1D dropout behavior is desired - input is interpreted as "
                      "shape (N, C, L), where C is the channel dim. This behavior will change in "
                      "a future release to interpret the input as one without a batch "
                      "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout "
                      "behavior, please switch to using dropout1d instead.", stacklevel=2)
    elif nd != 4:
        warnings.warn(f"dropout2d: Received a {nd}-D input to dropout2d, which is deprecated "
                      "and will result in an error in a future release. To retain the behavior "
                      "and silence this warning, please use dropout instead. Note that dropout2d "
                      "exists to provide channel-wise dropout on inputs with 2 spatial "
                      "dimensions, a channel dimension, and an optional batch dimension (i.e. 3D "
                      "or 4D inputs).", stacklevel=2)
    if nd < 2:
        raise RuntimeError(f"{fn}(): Feature dropout requires at least 2 dimensions in the "
                           f"input, got shape {tuple(input.shape)}")
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{fn}(): expected a floating point input, got {input.dtype}")
    if not training or p == 0.0 or input.numel() == 0:
        return input
    shape = input._data.shape
    mask = _scaled_mask(input, p, shape=shape[:2] + (1,) * (nd - 2))
    return _maybe_inplace(lambda x: Dropout.apply(x, mask), input, inplace, fn)



# ============================================================================ more variants
def _check_p(p, fn):
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise TypeError(f"{fn}(): argument 'p' must be a number, got {type(p).__name__}")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    return float(p)


def _feature_dropout(input, p, training, inplace, fn):
    """Channel dropout of a batched (N, C, *) input: one mask entry per (n, c)."""
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{fn}(): expected a floating point input, got {input.dtype}")
    if not training or p == 0.0 or input.numel() == 0:
        return input
    shape = input._data.shape
    mask = _scaled_mask(input, p, shape=shape[:2] + (1,) * (input.ndim - 2))
    return _maybe_inplace(lambda x: Dropout.apply(x, mask), input, inplace, fn)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Channel dropout for (N, C, L) or unbatched (C, L) inputs: each whole channel is
    zeroed with probability p, the others scaled by 1/(1-p)."""
    fn = "dropout1d"
    check_tensor(input, fn)
    p = _check_p(p, fn)
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D "
                           "input. Note that dropout1d exists to provide channel-wise dropout on "
                           "inputs with 1 spatial dimension, a channel dimension, and an "
                           "optional batch dimension (i.e. 2D or 3D inputs).")
    if input.ndim == 2:
        return _unbatched_feature_dropout(input, p, training, inplace, fn)
    return _feature_dropout(input, p, training, inplace, fn)


def _unbatched_feature_dropout(input, p, training, inplace, fn):
    """Feature dropout of an unbatched input: channels are dim 0."""
    if not training or p == 0.0 or input.numel() == 0:
        return input
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{fn}(): expected a floating point input, got {input.dtype}")
    mask = _scaled_mask(input, p, shape=input._data.shape[:1] + (1,) * (input.ndim - 1))
    return _maybe_inplace(lambda x: Dropout.apply(x, mask), input, inplace, fn)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Channel dropout for (N, C, D, H, W) or unbatched (C, D, H, W) inputs."""
    fn = "dropout3d"
    check_tensor(input, fn)
    p = _check_p(p, fn)
    nd = input.ndim
    if nd not in (4, 5):
        warnings.warn(f"dropout3d: Received a {nd}-D input to dropout3d, which is deprecated "
                      "and will result in an error in a future release. To retain the behavior "
                      "and silence this warning, please use dropout instead. Note that "
                      "dropout3d exists to provide channel-wise dropout on inputs with 3 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension "
                      "(i.e. 4D or 5D inputs).", stacklevel=2)
    if nd != 5:
        return _unbatched_feature_dropout(input, p, training, inplace, fn)
    return _feature_dropout(input, p, training, inplace, fn)


_SELU_ALPHA_PRIME = 1.7580993408473766   # -scale * alpha of SELU: its negative saturation


class AlphaDropout(Function):
    """y = x * m + b with constants m = a keep and b = alpha' a (p - (1 - keep)), where
    alpha' = 1.7581 (SELU's saturation value) and a = ((alpha'^2 p + 1)(1 - p))^(-1/2):
    dropped units are set to SELU's saturation, then an affine map restores zero mean and
    unit variance. dx = g * m."""

    @staticmethod
    def forward(ctx, x, mask, shift):
        ctx.save_for_backward(mask)
        return x * mask + shift

    @staticmethod
    def backward(ctx, g):
        mask, = ctx.saved_tensors
        return sum_to(g * mask, input_shape(ctx, 0)), None, None


def _alpha_dropout(input, p, training, inplace, fn, feature):
    check_tensor(input, fn)
    p = _check_p(p, fn)
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{fn}(): expected a floating point input, got {input.dtype}")
    if not training or p == 0.0 or input.numel() == 0:
        return input
    shape = input._data.shape
    if feature:
        if input.ndim < 2:
            raise RuntimeError(f"{fn}(): Feature dropout requires at least 2 dimensions in the "
                               f"input, got shape {tuple(shape)}")
        shape = shape[:2] + (1,) * (input.ndim - 2)
    dt = input._data.dtype
    if p == 1.0:   # PyTorch: input * 0
        zeros = backend.transfer(np.zeros(shape, dtype=dt), input.device)  # host: moved here
        return _maybe_inplace(lambda x: Dropout.apply(x, zeros), input, inplace, fn)
    u = _random.rng().random(shape, dtype=np.float64 if dt == np.float64 else np.float32)
    keep = (u >= p).astype(dt)   # host: drawn on the CPU, moved with backend.transfer
    a = 1.0 / np.sqrt((_SELU_ALPHA_PRIME ** 2 * p + 1) * (1 - p))  # host: a Python number
    mask = backend.transfer((keep * a).astype(dt), input.device)
    shift = backend.transfer(((keep - 1) * (_SELU_ALPHA_PRIME * a)
                              + _SELU_ALPHA_PRIME * a * p).astype(dt), input.device)
    return _maybe_inplace(lambda x: AlphaDropout.apply(x, mask, shift), input, inplace, fn)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout for SELU networks: keeps the input's mean and variance (see AlphaDropout).
    Note training defaults to False, as in PyTorch."""
    return _alpha_dropout(input, p, training, inplace, "alpha_dropout", False)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels (one mask entry per (n, c))."""
    return _alpha_dropout(input, p, training, inplace, "feature_alpha_dropout", True)
