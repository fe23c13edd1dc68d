"""minitorch.nn.modules: PyTorch's import paths for the layers.

Programs write ``from torch.nn.modules.loss import _Loss`` or
``torch.nn.modules.conv.Conv2d``; here each such file (``module``, ``linear``, ``conv``,
``activation``, ``loss``, ``batchnorm``, ``instancenorm``, ``normalization``,
``container``, ``dropout``, ``pooling``, ``rnn``, ``transformer``, ``sparse``, ...)
re-exports the classes from where minitorch keeps them (minitorch/nn/*.py), private base
classes included (``_Loss``, ``_WeightedLoss``, ``_BatchNorm``, ``_NormBase``,
``_ConvNd``, ``_InstanceNorm``, ``_DropoutNd``, ``_MaxPoolNd``, ``RNNBase``). Names are
resolved when first used, so layers added to minitorch.nn later appear here too, and
``minitorch.nn.modules.<Class>`` works for every class of minitorch.nn.
"""
from __future__ import annotations

import importlib

from . import (activation, adaptive, batchnorm, channelshuffle, container, conv,  # noqa: F401
               distance, dropout, flatten, fold, instancenorm, lazy, linear, loss, module,
               normalization, padding, pixelshuffle, pooling, rnn, sparse, transformer,
               upsampling, utils)


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    nn = importlib.import_module("minitorch.nn")
    if hasattr(nn, name):
        return getattr(nn, name)
    raise AttributeError(f"module 'minitorch.nn.modules' has no attribute '{name}'")


def __dir__():
    nn = importlib.import_module("minitorch.nn")
    return sorted(set(globals()) | {n for n in dir(nn) if not n.startswith("_")})
