"""The torch-level spellings of nn.functional ops: ``minitorch.conv2d``, ``minitorch.pdist``,
``minitorch.kl_div`` ... as ``torch.conv2d``, ``torch.pdist``, ``torch.kl_div``.

Most are the nn.functional function itself. A few have another signature at torch level,
and get a thin wrapper here:

- ``embedding(weight, input, ...)`` takes the table first;
- ``dropout(input, p, train)`` (and the alpha / feature variants) take ``train``, not
  ``training``;
- the losses take ``reduction`` as PyTorch's integer enum (0 'none', 1 'mean', 2 'sum'),
  and accept the strings too;
- ``adaptive_max_pool1d`` and ``max_pool1d_with_indices`` return (values, indices).

These names reach ``minitorch.<name>`` through functional/activation.py's EXPORTS (the
module the torch-level wiring reads for this family).
"""
from __future__ import annotations

from . import conv as _conv
from . import distance as _distance
from . import dropout as _dropout
from . import embedding as _embedding
from . import linear as _linear
from . import loss as _loss
from . import pooling as _pooling
from . import vision as _vision

__all__ = ["cosine_similarity", "pairwise_distance", "pdist", "bilinear"]

cosine_similarity = _distance.cosine_similarity
pairwise_distance = _distance.pairwise_distance
pdist = _distance.pdist
bilinear = _linear.bilinear

_REDUCTION_ENUM = {0: "none", 1: "mean", 2: "sum"}


def _reduction(reduction, fn):
    """PyTorch's integer reduction enum (or the string) as the string."""
    if isinstance(reduction, str):
        return reduction
    if reduction in _REDUCTION_ENUM and not isinstance(reduction, bool):
        return _REDUCTION_ENUM[int(reduction)]
    raise ValueError(f"{fn}(): reduction must be 0 ('none'), 1 ('mean') or 2 ('sum'), got "
                     f"{reduction!r}")


del _conv, _dropout, _embedding, _loss, _pooling, _vision
