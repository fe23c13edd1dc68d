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

- the normalizations take PyTorch's positional torch-level signature
  (``batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,
  cudnn_enabled)``), not nn.functional's.
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

__all__ = ["cosine_similarity", "pairwise_distance", "pdist", "bilinear", "kl_div",
           "margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss",
           "poisson_nll_loss", "triplet_margin_loss", "ctc_loss",
           "binary_cross_entropy_with_logits", "dropout", "dropout_", "feature_dropout",
           "feature_dropout_", "alpha_dropout", "alpha_dropout_", "feature_alpha_dropout",
           "feature_alpha_dropout_", "pixel_shuffle", "pixel_unshuffle", "channel_shuffle",
           "native_channel_shuffle", "embedding", "embedding_renorm_", "conv1d", "conv2d",
           "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "max_pool1d",
           "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "avg_pool1d",
           "adaptive_avg_pool1d", "adaptive_max_pool1d", "constant_pad_nd", "grid_sampler",
           "affine_grid_generator", "batch_norm", "instance_norm", "layer_norm", "group_norm",
           "rms_norm", "norm_except_dim", "detach", "fill"]

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


# ---------------------------------------------------------------- losses (reduction: int enum)
def kl_div(input, target, reduction=1, log_target=False):
    reduction = _loss.check_reduction(_reduction(reduction, "kl_div"), "kl_div")
    return _loss._kl_div(input, target, reduction, log_target)


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=1):
    return _loss.margin_ranking_loss(input1, input2, target, margin,
                                     reduction=_reduction(reduction, "margin_ranking_loss"))


def hinge_embedding_loss(input, target, margin=1.0, reduction=1):
    return _loss.hinge_embedding_loss(input, target, margin,
                                      reduction=_reduction(reduction, "hinge_embedding_loss"))


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=1):
    return _loss.cosine_embedding_loss(input1, input2, target, margin,
                                       reduction=_reduction(reduction, "cosine_embedding_loss"))


def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    return _loss.poisson_nll_loss(input, target, log_input, full, eps=eps,
                                  reduction=_reduction(reduction, "poisson_nll_loss"))


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        reduction=1):
    return _loss.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                     reduction=_reduction(reduction, "triplet_margin_loss"))


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=1,
             zero_infinity=False):
    return _loss.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank,
                          _reduction(reduction, "ctc_loss"), zero_infinity)


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=1):
    return _loss.binary_cross_entropy_with_logits(
        input, target, weight, pos_weight=pos_weight,
        reduction=_reduction(reduction, "binary_cross_entropy_with_logits"))


# ---------------------------------------------------------------- dropout (train, not training)
def dropout(input, p, train):
    return _dropout.dropout(input, p, train)


def dropout_(input, p, train):
    return _dropout.dropout(input, p, train, inplace=True)


def feature_dropout(input, p, train):
    """Channel dropout of a (N, C, *) input (torch.feature_dropout)."""
    return _dropout._feature_dropout(input, _dropout._check_p(p, "feature_dropout"), train, False,
                                     "feature_dropout")


def feature_dropout_(input, p, train):
    return _dropout._feature_dropout(input, _dropout._check_p(p, "feature_dropout_"), train, True,
                                     "feature_dropout_")


def alpha_dropout(input, p, train):
    return _dropout.alpha_dropout(input, p, train)


def alpha_dropout_(input, p, train):
    return _dropout.alpha_dropout(input, p, train, inplace=True)


def feature_alpha_dropout(input, p, train):
    return _dropout.feature_alpha_dropout(input, p, train)


def feature_alpha_dropout_(input, p, train):
    return _dropout.feature_alpha_dropout(input, p, train, inplace=True)


pixel_shuffle = _vision.pixel_shuffle
pixel_unshuffle = _vision.pixel_unshuffle
channel_shuffle = _vision.channel_shuffle
native_channel_shuffle = _vision.channel_shuffle


# ---------------------------------------------------------------- embedding (table first)
def embedding(weight, input, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """torch.embedding: the table comes first, and a negative padding_idx means none."""
    pad = None if padding_idx is None or padding_idx < 0 else padding_idx
    return _embedding.embedding(input, weight, pad, None, 2.0, scale_grad_by_freq, sparse)


def embedding_renorm_(weight, input, max_norm, norm_type):
    """Rescale, in place, the rows of `weight` that `input` looks up whose norm exceeds
    max_norm to norm max_norm (what embedding(max_norm=...) does first)."""
    _embedding._renorm_(weight, _embedding._check_indices(input, "embedding_renorm_"),
                        float(max_norm), float(norm_type))
    return weight


# ---------------------------------------------------------------- convolution and pooling
conv1d, conv2d, conv3d = _conv.conv1d, _conv.conv2d, _conv.conv3d
conv_transpose1d = _conv.conv_transpose1d
conv_transpose2d = _conv.conv_transpose2d
conv_transpose3d = _conv.conv_transpose3d
avg_pool1d = _pooling.avg_pool1d
adaptive_avg_pool1d = _pooling.adaptive_avg_pool1d
max_pool1d_with_indices = _pooling.max_pool1d_with_indices


def max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _pooling.max_pool1d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _pooling.max_pool2d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _pooling.max_pool3d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def adaptive_max_pool1d(input, output_size):
    """torch.adaptive_max_pool1d returns (values, indices)."""
    return _pooling.adaptive_max_pool1d(input, output_size, True)


def constant_pad_nd(input, pad, value=0):
    """F.pad in constant mode (negative entries crop)."""
    from .shape import pad as _pad
    return _pad(input, pad, "constant", value)




# ---------------------------------------------------------------- spatial transformers (enums)
_GRID_MODES = {0: "bilinear", 1: "nearest", 2: "bicubic"}
_GRID_PADDING = {0: "zeros", 1: "border", 2: "reflection"}


def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    """torch.grid_sampler: grid_sample with the modes as PyTorch's integer enums."""
    return _vision.grid_sample(input, grid, _GRID_MODES[int(interpolation_mode)],
                               _GRID_PADDING[int(padding_mode)], bool(align_corners))


def affine_grid_generator(theta, size, align_corners):
    return _vision.affine_grid(theta, size, bool(align_corners))


# ---------------------------------------------------------------------------- normalization
def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,
               cudnn_enabled=True):
    """torch.batch_norm: F.batch_norm with the arguments in ATen's order."""
    from . import normalization as _norm
    return _norm.batch_norm(input, running_mean, running_var, weight, bias, training,
                            momentum, eps)


def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum,
                  eps, cudnn_enabled=True):
    """torch.instance_norm: F.instance_norm with the arguments in ATen's order."""
    from . import normalization as _norm
    return _norm.instance_norm(input, running_mean, running_var, weight, bias,
                               use_input_stats, momentum, eps)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5, cudnn_enable=True):
    """torch.layer_norm (cudnn_enable is accepted and has no effect)."""
    from . import normalization as _norm
    return _norm.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5, cudnn_enabled=True):
    """torch.group_norm (cudnn_enabled is accepted and has no effect)."""
    from . import normalization as _norm
    return _norm.group_norm(input, num_groups, weight, bias, eps)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """torch.rms_norm: the same as F.rms_norm."""
    from . import normalization as _norm
    return _norm.rms_norm(input, normalized_shape, weight, eps)


def norm_except_dim(v, pow=2, dim=0):
    """The p-norm of `v` over every dim but `dim`, kept with size 1 elsewhere (what weight
    normalization divides by); dim=-1 gives the norm of the whole tensor."""
    from . import reduction as _red
    if dim == -1:
        return _red.norm(v, pow)
    dim = dim % v.ndim
    others = tuple(d for d in range(v.ndim) if d != dim)
    return _red.norm(v, pow, dim=others, keepdim=True)


def detach(input):
    """torch.detach(x): x.detach()."""
    return input.detach()


def fill(input, value):
    """torch.fill(x, value): a new tensor like x, filled with value (differentiable in a
    tensor value, as torch.fill is)."""
    from . import elementwise as _el
    from .shape import expand
    if hasattr(value, "_data"):
        if value.ndim != 0:
            raise RuntimeError(f"fill(): only supports 0-dimension value tensor but got tensor "
                               f"with {value.ndim} dimensions.")
        return expand(_el.cast(value, input._data.dtype), *input.shape).clone()
    return input.detach().clone().fill_(value)
