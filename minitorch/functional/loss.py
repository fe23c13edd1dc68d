"""Loss functions with PyTorch's names, signatures, defaults and numerics.

Every loss takes ``reduction`` = 'none' (one value per element or sample), 'sum' or 'mean'
(the default), plus the legacy ``size_average``/``reduce`` flags where PyTorch still has
them. All are differentiable with respect to the input and, where PyTorch is, the target,
and every backward is built from differentiable operations, so double backward works.

Stability for logits as large as +-1e4:

- ``cross_entropy`` goes through ``log_softmax`` (max subtracted before exp), never
  ``log(softmax(x))``, which would give log(0) = -inf;
- ``binary_cross_entropy_with_logits`` uses log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)),
  whose exp never overflows;
- ``binary_cross_entropy`` (which takes probabilities) clamps each log at -100 as PyTorch
  does, so probabilities of exactly 0 and 1 give finite losses, and its gradient divides
  by max(x (1 - x), 1e-12).
"""
from __future__ import annotations

import numbers
import warnings

import numpy as np

from .. import backend
from ..autograd.function import Function
from ..tensor import Tensor, _make
from ._util import check_tensor, broadcast_shapes, input_shape
from .activation import log_softmax, LogSigmoid, softplus
from .elementwise import where, sigmoid, log, log1p, clamp
from .indexing import ScatterAdd

_xp = backend.get_array_module

__all__ = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div",
           "poisson_nll_loss", "gaussian_nll_loss", "margin_ranking_loss",
           "hinge_embedding_loss", "cosine_embedding_loss", "soft_margin_loss",
           "multilabel_soft_margin_loss", "multilabel_margin_loss", "multi_margin_loss",
           "triplet_margin_loss", "triplet_margin_with_distance_loss", "ctc_loss",
           "linear_cross_entropy"]

_REDUCTIONS = ("none", "mean", "sum")


# ============================================================================ helpers
def legacy_reduction(size_average, reduce) -> str:
    """The reduction named by the deprecated size_average/reduce flags (None means True)."""
    warnings.warn("size_average and reduce args will be deprecated, please use "
                  "reduction='sum' instead.", UserWarning, stacklevel=3)
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if size_average and reduce:
        return "mean"
    return "sum" if reduce else "none"


def check_reduction(reduction, fn: str) -> str:
    if reduction == "elementwise_mean":   # PyTorch's pre-1.0 name, still accepted
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' "
                      "instead.", UserWarning, stacklevel=3)
        return "mean"
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{fn}(): argument 'reduction' must be one of 'none', 'mean' or "
                         f"'sum', got {reduction!r}")
    return reduction


def _reduction(fn, size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        return legacy_reduction(size_average, reduce)
    return check_reduction(reduction, fn)


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


def _check_float(t: Tensor, fn: str, arg: str):
    if t._data.dtype.kind != "f":
        raise RuntimeError(f"{fn}(): argument '{arg}' must be a floating point tensor, got "
                           f"{t.dtype}")


def _shape(t) -> tuple:
    return tuple(t._data.shape)


def _check_same_shape(fn, input, target):
    if _shape(target) != _shape(input):
        raise ValueError(f"{fn}(): argument 'target' of shape {_shape(target)} must have the "
                         f"input's shape {_shape(input)}")


def _check_same_dtype(fn, input, other, arg):
    if other._data.dtype != input._data.dtype:
        raise RuntimeError(f"{fn}(): argument '{arg}' must have the input's dtype {input.dtype}, "
                           f"got {other.dtype}")


def _check_broadcasts_to(fn, t, arg, shape):
    """`t` must broadcast to `shape` (the shape of the elementwise loss) without growing it."""
    check_tensor(t, fn, arg)
    s = _shape(t)
    try:
        out = broadcast_shapes(shape, s, fn)
    except RuntimeError:
        out = None
    if out != tuple(shape):
        raise RuntimeError(f"{fn}(): argument '{arg}' of shape {s} must broadcast to the input's "
                           f"shape {tuple(shape)}")


# ============================================================================ regression
def _pointwise_pair(fn, input, target):
    """Check input and target of an elementwise loss. Like PyTorch, targets of another
    (broadcastable) shape are allowed with a warning; others raise."""
    check_tensor(input, fn, "input")
    check_tensor(target, fn, "target")
    _check_float(input, fn, "input")
    a, b = _shape(input), _shape(target)
    if a != b:
        try:
            broadcast_shapes(a, b, fn)
        except RuntimeError:
            raise RuntimeError(f"{fn}(): argument 'target' of shape {b} must have the input's "
                               f"shape {a} (or broadcast with it)") from None
        warnings.warn(f"{fn}(): Using a target size ({b}) that is different to the input size "
                      f"({a}). This will likely lead to incorrect results due to broadcasting. "
                      "Please ensure they have the same size.", UserWarning, stacklevel=3)


def _weighted(fn, loss, input, weight, reduction, mean_by_weight):
    """Apply an elementwise weight (of the input's shape) and reduce. PyTorch's weighted mse
    and l1 divide by sum(weight) for 'mean'; weighted huber takes the plain mean."""
    if weight is None:
        return _reduce(loss, reduction)
    check_tensor(weight, fn, "weight")
    if _shape(weight) != _shape(input):
        raise ValueError(f"{fn}(): argument 'weight' of shape {_shape(weight)} must have the "
                         f"input's shape {_shape(input)}")
    loss = loss * weight
    if reduction == "mean" and mean_by_weight:
        return loss.sum() / weight.sum()
    return _reduce(loss, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """(x - y)^2 per element;  d/dx = 2 (x - y) = -d/dy."""
    reduction = _reduction("mse_loss", size_average, reduce, reduction)
    _pointwise_pair("mse_loss", input, target)
    d = input - target
    return _weighted("mse_loss", d * d, input, weight, reduction, True)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """|x - y| per element;  d/dx = sign(x - y) (0 at x == y) = -d/dy."""
    reduction = _reduction("l1_loss", size_average, reduce, reduction)
    _pointwise_pair("l1_loss", input, target)
    return _weighted("l1_loss", (input - target).abs(), input, weight, reduction, True)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """With d = x - y:  0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta.
    d/dx = d / beta inside, sign(d) outside (the two agree at |d| == beta)."""
    reduction = _reduction("smooth_l1_loss", size_average, reduce, reduction)
    _pointwise_pair("smooth_l1_loss", input, target)
    if not isinstance(beta, numbers.Real) or beta < 0:
        raise RuntimeError(f"smooth_l1_loss(): argument 'beta' must be a number >= 0 "
                           f"(smooth_l1_loss does not support negative values for beta), "
                           f"got {beta!r}")
    if beta == 0:
        return _reduce((input - target).abs(), reduction)
    beta = float(beta)
    d = input - target
    ad = d.abs()
    return _reduce(where(ad < beta, 0.5 * d * d / beta, ad - 0.5 * beta), reduction)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """With d = x - y:  0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta).
    d/dx = d inside, delta sign(d) outside. Equals delta * smooth_l1_loss(beta=delta)."""
    reduction = check_reduction(reduction, "huber_loss")
    _pointwise_pair("huber_loss", input, target)
    if not isinstance(delta, numbers.Real) or delta <= 0:
        raise RuntimeError(f"huber_loss(): argument 'delta' must be a number > 0 (huber_loss "
                           f"does not support non-positive values for delta), got {delta!r}")
    delta = float(delta)
    d = input - target
    ad = d.abs()
    loss = where(ad < delta, 0.5 * d * d, delta * (ad - 0.5 * delta))
    return _weighted("huber_loss", loss, input, weight, reduction, False)


# ============================================================================ nll / cross entropy
class NLL(Function):
    """Negative log-likelihood of the target classes (the input holds log-probabilities).

    With p_i = x[i, t_i] (the input at sample i's target class, along the class dim) and
    w_i = weight[t_i] (0 where t_i == ignore_index):

        'none':  out_i = -w_i p_i
        'sum' :  out   = -sum_i w_i p_i
        'mean':  out   = -sum_i w_i p_i / sum_i w_i

    The loss is linear in x:  dx[i, t_i] = c_i g  (zero at every other class), with
    c_i = -w_i, divided by sum_i w_i for 'mean', and c_i = 0 for ignored samples (so a
    batch where every target is ignored gives a nan loss but zero gradient, as PyTorch).
    Backward scatters g * c into zeros with ScatterAdd, itself differentiable (its
    adjoint is gather), so double backward works.
    """

    @staticmethod
    def forward(ctx, x, index, wt, valid, cdim, reduction):
        xp = _xp(x)
        picked = xp.take_along_axis(x, index, axis=cdim).squeeze(cdim)
        loss = -(wt * picked)
        if valid is not None:   # None: no target is ignored
            loss = xp.where(valid, loss, 0)
        ctx.index, ctx.cdim = index, cdim
        if reduction != "mean":
            ctx.coef = xp.asarray(-wt)
            return xp.asarray(loss if reduction == "none" else loss.sum())
        wsum = wt.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            coef = -wt / wsum
            ctx.coef = xp.asarray(coef if valid is None else xp.where(valid, coef, 0),
                                  dtype=x.dtype)
            return xp.asarray(loss.sum() / wsum)

    @staticmethod
    def backward(ctx, g):
        gi = (g * _make(ctx.coef)).unsqueeze(ctx.cdim)
        return ScatterAdd.apply(gi, ctx.cdim, ctx.index, input_shape(ctx, 0)), None, None, None


def _check_class_input(fn, input):
    check_tensor(input, fn, "input")
    _check_float(input, fn, "input")
    if input.ndim < 1:
        raise ValueError(f"{fn}(): argument 'input' must have 1 or more dimensions, (C) or "
                         f"(N, C, d1, ...), got a 0-d tensor")
    return 0 if input.ndim == 1 else 1


def _check_class_weight(fn, weight, input, n_classes, same_dtype=True):
    if weight is None:
        return None
    check_tensor(weight, fn, "weight")
    if _shape(weight) != (n_classes,):
        raise RuntimeError(f"{fn}(): argument 'weight' must be a 1-d tensor with one entry per "
                           f"class ({n_classes}), got shape {_shape(weight)}")
    if same_dtype:
        _check_same_dtype(fn, input, weight, "weight")
    else:
        _check_float(weight, fn, "weight")
    return weight


def _class_index_target(fn, input, target, cdim, ignore_index, probs_allowed=False):
    """Check class-index targets: int64 (or uint8) of shape (N, d1, ...) for input
    (N, C, d1, ...), or 0-d for an unbatched (C,) input. Returns the mask of samples not
    ignored (None when none is) and the targets as int64 with ignored ones replaced by 0."""
    if not isinstance(ignore_index, (int, np.integer)) or isinstance(ignore_index, bool):
        raise TypeError(f"{fn}(): argument 'ignore_index' must be int, got "
                        f"{type(ignore_index).__name__}")
    t = target._data
    xs = _shape(input)
    want = () if cdim == 0 else xs[:1] + xs[2:]
    alt = f", or class probabilities: a floating point tensor of shape {xs}" if probs_allowed else ""
    if t.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"{fn}(): argument 'target' must hold class indices as int64 (or "
                           f"uint8) of shape {want}{alt}; got {target.dtype} of shape {t.shape}")
    if t.shape != want:
        if cdim == 1 and (t.ndim == 0 or t.shape[0] != xs[0]):
            n = t.shape[0] if t.ndim else 0   # PyTorch counts a 0-d target as batch 0
            raise ValueError(f"{fn}(): Expected input batch_size ({xs[0]}) to match target "
                             f"batch_size ({n}): argument 'target' of shape {t.shape} "
                             f"needs shape {want} for input of shape {xs}{alt}")
        raise RuntimeError(f"{fn}(): argument 'target' of shape {t.shape} needs shape {want} "
                           f"(class indices) for input of shape {xs}{alt}")
    xp = _xp(t)
    t = t.astype(np.int64, copy=False)
    ignore_index = int(ignore_index)
    n = xs[cdim]
    lo, hi = (int(t.min()), int(t.max())) if t.size else (0, 0)
    if lo > ignore_index or hi < ignore_index:    # the common case: nothing ignored
        valid = None
        bad = (t < 0) | (t >= n) if lo < 0 or hi >= n else None
    else:
        valid = t != ignore_index
        bad = valid & ((t < 0) | (t >= n))
    if bad is not None and bool(bad.any()):
        v = int(t[bad].reshape(-1)[0])
        raise IndexError(f"{fn}(): Target {v} is out of bounds: argument 'target' must hold "
                         f"class indices in [0, {n - 1}] (or ignore_index={ignore_index})")
    return valid, (t if valid is None else xp.where(valid, t, 0))


def _nll(input, valid, safe, weight, cdim, reduction):
    """The NLL of log-probabilities `input` at targets `safe` (samples where `valid` is
    False ignored; valid None: none ignored). Returns the loss and the per-sample weights
    w_i (0 where ignored)."""
    xp = _xp(input._data)
    dt = input._data.dtype
    if weight is not None:
        wt = xp.asarray(weight._data[safe])   # (a 0-d index gives a scalar)
        if valid is not None:
            wt = xp.where(valid, wt, 0)
    else:
        wt = xp.ones(safe.shape, dt) if valid is None else valid.astype(dt)
    index = xp.expand_dims(safe, cdim)
    return NLL.apply(input, index, wt, valid, cdim, reduction), wt


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log-likelihood: input (N, C) or (N, C, d1, ...) or (C,) of log-probabilities,
    target class indices (N,), (N, d1, ...) or (); see NLL for the formula."""
    fn = "nll_loss"
    reduction = _reduction(fn, size_average, reduce, reduction)
    cdim = _check_class_input(fn, input)
    check_tensor(target, fn, "target")
    weight = _check_class_weight(fn, weight, input, input._data.shape[cdim])
    valid, safe = _class_index_target(fn, input, target, cdim, ignore_index)
    return _nll(input, valid, safe, weight, cdim, reduction)[0]


def _check_label_smoothing(fn, label_smoothing):
    if not isinstance(label_smoothing, numbers.Real) or not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"{fn}(): argument 'label_smoothing' must be between 0.0 and 1.0, "
                           f"got {label_smoothing!r}")
    return float(label_smoothing)


def _class_view(t: Tensor, ndim: int, cdim: int) -> Tensor:
    """A per-class vector (C,) shaped to broadcast along the class dim of an ndim input."""
    if ndim <= 1:
        return t
    shape = [1] * ndim
    shape[cdim] = t._data.shape[0]
    return t.reshape(shape)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    """Cross entropy between softmax(input) along the class dim and the target.

    input: logits (N, C), (N, C, d1, ...) or unbatched (C,). target, either
    - class indices (int64) of shape (N,), (N, d1, ...) or (): with logp = log_softmax(x),
          loss_i = -w_{t_i} logp[i, t_i],  'mean' divides by sum_i w_{t_i} over samples not
      ignored (ignore_index); with label smoothing eps,
          loss = (1 - eps) nll + (eps / C) smooth,   smooth_i = -sum_c w_c logp[i, c]
      (0 for ignored samples), whose 'mean' has the same divisor as nll's — PyTorch's formula;
    - class probabilities (float, the input's shape): with q = (1 - eps) p + eps / C,
          loss_i = -sum_c w_c q[i, c] logp[i, c],   'mean' divides by the number of samples
      N * d1 * ... (not by the weights); ignore_index is not supported here.
    Gradient (index targets, no weights, 'sum'): d/dx = softmax(x) - onehot(t), computed
    through the log_softmax and NLL backward.
    """
    fn = "cross_entropy"
    reduction = _reduction(fn, size_average, reduce, reduction)
    cdim = _check_class_input(fn, input)
    check_tensor(target, fn, "target")
    eps = _check_label_smoothing(fn, label_smoothing)
    n_classes = input._data.shape[cdim]
    if _shape(target) == _shape(input):
        if target._data.dtype.kind != "f":
            raise RuntimeError(f"{fn}(): a target of the input's shape {_shape(input)} holds "
                               f"class probabilities and must be floating point, got "
                               f"{target.dtype}; class indices (int64) have shape "
                               f"{_shape(input)[:cdim] + _shape(input)[cdim + 1:]}")
        if not isinstance(ignore_index, (int, np.integer)) or ignore_index >= 0:
            raise RuntimeError(f"{fn}(): ignore_index is not supported for floating point "
                               f"(class probability) targets, got ignore_index={ignore_index!r}")
        weight = _check_class_weight(fn, weight, input, n_classes, same_dtype=False)
        return _cross_entropy_probs(input, target, weight, cdim, n_classes, reduction, eps)
    weight = _check_class_weight(fn, weight, input, n_classes)
    valid, safe = _class_index_target(fn, input, target, cdim, ignore_index, probs_allowed=True)
    logp = log_softmax(input, cdim)
    nll, wt = _nll(logp, valid, safe, weight, cdim, reduction)
    if eps == 0.0:
        return nll
    # label smoothing on class indices, exactly PyTorch's cross_entropy_loss_label_smoothing
    if weight is not None:
        smooth = -(logp * _class_view(weight.detach(), logp.ndim, cdim)).sum(cdim)
    else:
        smooth = -logp.sum(cdim)
    if valid is not None:
        smooth = where(_make(_xp(valid).asarray(~valid)), 0.0, smooth)
    if reduction == "mean":
        with np.errstate(divide="ignore", invalid="ignore"):
            smooth = smooth.sum() / _make(_xp(wt).asarray(wt.sum()))
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - eps) * nll + smooth * (eps / n_classes)


def _cross_entropy_probs(input, target, weight, cdim, n_classes, reduction, eps):
    """Cross entropy with class-probability targets (PyTorch's cross_entropy_loss_prob_target)."""
    logp = log_softmax(input, cdim)
    if eps > 0.0:
        target = target * (1 - eps) + eps / n_classes
    prod = logp * target
    if weight is not None:
        prod = prod * _class_view(weight, logp.ndim, cdim)
    if reduction == "none":
        return -prod.sum(cdim)
    total = -prod.sum()
    if reduction == "sum":
        return total
    count = input.numel() // n_classes if n_classes else 0
    return total / count if count else total * float("nan")


# ============================================================================ binary
class BinaryCrossEntropy(Function):
    """Elementwise BCE of probabilities x against targets y, PyTorch's clamped form:

        out = -w (y max(log x, -100) + (1 - y) max(log(1 - x), -100))

    The clamp keeps x = 0 and x = 1 finite. The gradients are PyTorch's:
        dx = g w (x - y) / max(x (1 - x), 1e-12)
        dy = g w (log(1 - x) - log x)          (= -g w logit(x))
    built from differentiable ops so double backward works. w is a constant.
    """

    @staticmethod
    def forward(ctx, x, y, w):
        xp = _xp(x)
        with np.errstate(divide="ignore"):
            out = (y - 1) * xp.maximum(xp.log1p(-x), -100) - y * xp.maximum(xp.log(x), -100)
        if w is not None:
            out = out * w
        ctx.w = w
        ctx.save_for_backward(x, y)
        return out

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        nx, ny = ctx.needs_input_grad[:2]
        if ctx.w is not None:
            g = g * _make(ctx.w)
        gx = g * (x - y) / clamp((1 - x) * x, min=1e-12) if nx else None
        gy = g * (log1p(-x) - log(x)) if ny else None
        return gx, gy, None


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """Binary cross entropy of probabilities `input` (in [0, 1]) against `target` (in [0, 1],
    same shape and dtype); `weight` broadcasts to the input's shape. See BinaryCrossEntropy."""
    fn = "binary_cross_entropy"
    reduction = _reduction(fn, size_average, reduce, reduction)
    check_tensor(input, fn, "input")
    check_tensor(target, fn, "target")
    _check_float(input, fn, "input")
    _check_same_shape(fn, input, target)
    _check_same_dtype(fn, input, target, "target")
    x, y = input._data, target._data
    if x.size and not bool(((x >= 0) & (x <= 1)).all()):
        raise RuntimeError(f"{fn}(): all elements of argument 'input' should be between 0 and 1 "
                           "(probabilities; use binary_cross_entropy_with_logits for logits)")
    if y.size and not bool(((y >= 0) & (y <= 1)).all()):
        raise RuntimeError(f"{fn}(): all elements of argument 'target' should be between 0 "
                           "and 1")
    w = None
    if weight is not None:
        _check_broadcasts_to(fn, weight, "weight", x.shape)
        _check_same_dtype(fn, input, weight, "weight")
        w = weight._data
    return _reduce(BinaryCrossEntropy.apply(input, target, w), reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """Binary cross entropy of sigmoid(input) against `target`, computed stably from logits.

    With logsig(x) = log(sigmoid(x)) (see LogSigmoid) and l = 1 + (pos_weight - 1) y:
        loss = w ((1 - y) x - l logsig(x))
    which without pos_weight is the familiar max(x, 0) - x y + log(1 + exp(-|x|)).
        d/dx = w (l sigmoid(x) - pos_weight y)   (= w (sigmoid(x) - y) without pos_weight)
        d/dy = w (-x - (pos_weight - 1) logsig(x))
    """
    fn = "binary_cross_entropy_with_logits"
    reduction = _reduction(fn, size_average, reduce, reduction)
    check_tensor(input, fn, "input")
    check_tensor(target, fn, "target")
    _check_float(input, fn, "input")
    _check_same_shape(fn, input, target)
    _check_float(target, fn, "target")
    shape = _shape(input)
    logsig = LogSigmoid.apply(input)
    if pos_weight is not None:
        _check_broadcasts_to(fn, pos_weight, "pos_weight", shape)
        logsig = logsig * ((pos_weight - 1) * target + 1)
    loss = (1 - target) * input - logsig
    if weight is not None:
        _check_broadcasts_to(fn, weight, "weight", shape)
        loss = loss * weight
    return _reduce(loss, reduction)


# ============================================================================ divergences
def _float_operands(fn, *named):
    for arg, t in named:
        check_tensor(t, fn, arg)
        _check_float(t, fn, arg)


def _xlogx(t: Tensor) -> Tensor:
    """t * log(t), and 0 where t == 0 (PyTorch's xlogy(t, t)); differentiable where t > 0."""
    zero = t == 0
    return where(zero, 0.0, t * log(where(zero, 1.0, t)))


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Kullback-Leibler divergence with `input` given as log-probabilities:

        log_target=False:  loss = target * (log(target) - input)   (0 where target == 0)
        log_target=True:   loss = exp(target) * (target - input)

    reduction 'batchmean' divides the sum by the batch size input.size(0), which is the
    KL divergence per sample; 'mean' divides by the number of elements (with PyTorch's
    warning). d/dinput = -target (or -exp(target)); d/dtarget = log(target) + 1 - input
    (or exp(target) (target - input + 1))."""
    fn = "kl_div"
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    else:
        if reduction == "mean":
            warnings.warn("reduction: 'mean' divides the total loss by both the batch size and "
                          "the support size.'batchmean' divides only by the batch size, and "
                          "aligns with the KL div math definition.'mean' will be changed to "
                          "behave the same as 'batchmean' in the next major release.",
                          UserWarning, stacklevel=2)
        if reduction != "batchmean":
            check_reduction(reduction, fn)
    return _kl_div(input, target, reduction, log_target)


def _kl_div(input, target, reduction, log_target):
    """kl_div without the argument juggling (torch.kl_div, which does not warn)."""
    fn = "kl_div"
    _float_operands(fn, ("input", input), ("target", target))
    broadcast_shapes(_shape(input), _shape(target), fn)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = _xlogx(target) - target * input
    if reduction == "batchmean":
        total = loss.sum()
        return total / input._data.shape[0] if input.ndim != 0 else total
    return _reduce(loss, reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    """Negative log-likelihood of a Poisson target with rate r:

        log_input=True  (input = log r):  loss = exp(input) - target * input
        log_input=False (input = r):      loss = input - target * log(input + eps)

    full=True adds Stirling's approximation of log(target!),
    target log(target) - target + log(2 pi target) / 2, for targets > 1 (0 elsewhere)."""
    fn = "poisson_nll_loss"
    reduction = _reduction(fn, size_average, reduce, reduction)
    _float_operands(fn, ("input", input), ("target", target))
    broadcast_shapes(_shape(input), _shape(target), fn)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * log(input + eps)
    if full:
        small = target <= 1
        t = where(small, 2.0, target)           # no log(0) in the branch that is masked out
        stirling = t * log(t) - t + 0.5 * log(t * (2 * np.pi))
        loss = loss + where(small, 0.0, stirling)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Negative log-likelihood of `target` under a Gaussian with mean `input` and variance
    `var`:  loss = (log(max(var, eps)) + (input - target)^2 / max(var, eps)) / 2
    (+ log(2 pi) / 2 with full=True). `var` has the input's shape (heteroscedastic), or one
    dim fewer, or a size-1 dim where the input has more (shared), or is a float. As in
    PyTorch the clamp at eps acts on the value only: the gradient passes as if unclamped."""
    fn = "gaussian_nll_loss"
    _float_operands(fn, ("input", input), ("target", target))
    if isinstance(var, (int, float)) and not isinstance(var, bool):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        from ..creation import full as _full
        var = _full(tuple(input.shape), float(var), dtype=input.dtype, device=input.device)
    else:
        check_tensor(var, fn, "var")
        if var._data.size and bool((var._data < 0).any()):
            raise ValueError("var has negative entry/entries")
    vs, xs = _shape(var), _shape(input)
    if vs != xs:
        if xs[:-1] == vs:
            var = var.unsqueeze(-1)
        elif not (len(xs) == len(vs) and sum(v for x, v in zip(xs, vs) if x != v) == 1):
            raise ValueError("var is of incorrect size")
    check_reduction(reduction, fn)
    vd = var.detach()
    var = var + (clamp(vd, min=eps) - vd)
    loss = 0.5 * (log(var) + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * np.log(2 * np.pi)  # host: a Python constant
    return _reduce(loss, reduction)


# ============================================================================ margins
def margin_ranking_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None,
                        reduction="mean"):
    """max(0, -target * (input1 - input2) + margin), target in {1, -1} saying which input
    should rank higher. d/dinput1 = -target where the hinge is active, d/dinput2 = target."""
    fn = "margin_ranking_loss"
    reduction = _reduction(fn, size_average, reduce, reduction)
    for arg, t in (("input1", input1), ("input2", input2), ("target", target)):
        check_tensor(t, fn, arg)
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension "
                           f"but got sizes: input1: {input1.shape}, input2: {input2.shape}, "
                           f"target: {target.shape} ")
    loss = clamp(-target * (input1 - input2) + margin, min=0)
    return _reduce(loss, reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    """input where target == 1, max(0, margin - input) where target == -1 (input is
    usually a distance; target says similar (1) or dissimilar (-1))."""
    fn = "hinge_embedding_loss"
    reduction = _reduction(fn, size_average, reduce, reduction)
    check_tensor(input, fn, "input")
    check_tensor(target, fn, "target")
    margin_part = where(target != 1, clamp(margin - input, min=0), 0.0)
    self_part = where(target != -1, input, 0.0)
    return _reduce(margin_part + self_part, reduction)


_COS_EPS = 1e-12


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None,
                          reduction="mean"):
    """1 - cos(x1, x2) where target == 1, max(0, cos(x1, x2) - margin) where target == -1,
    with cos = x1.x2 / sqrt((|x1|^2 + 1e-12) (|x2|^2 + 1e-12)) over the feature dim
    (PyTorch's formula). Inputs (N, D) with target (N,), or (D,) with a 0-d target."""
    fn = "cosine_embedding_loss"
    reduction = _reduction(fn, size_average, reduce, reduction)
    for arg, t in (("input1", input1), ("input2", input2), ("target", target)):
        check_tensor(t, fn, arg)
    td = target.ndim
    if td not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    need = 2 if td == 1 else 1
    if input1.ndim != need or input2.ndim != need:
        raise RuntimeError(f"{td}D target tensor expects {need}D input tensors, but found inputs "
                           f"with sizes {list(input1.shape)} and {list(input2.shape)}.")
    prod = (input1 * input2).sum(td)
    mag1 = (input1 * input1).sum(td) + _COS_EPS
    mag2 = (input2 * input2).sum(td) + _COS_EPS
    cos = prod / (mag1 * mag2).sqrt()
    pos = where(target == 1, 1 - cos, 0.0)
    neg = where(target == -1, clamp(cos - margin, min=0), 0.0)
    return _reduce(pos + neg, reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + exp(-target * input)) (two-class logistic loss, target in {1, -1}), computed
    as a softplus so it never overflows. d/dinput = -target * sigmoid(-target * input)."""
    fn = "soft_margin_loss"
    reduction = _reduction(fn, size_average, reduce, reduction)
    _pointwise_pair(fn, input, target)
    return _reduce(softplus(-(input * target), 1.0, float("inf")), reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    """Per-class binary logistic loss averaged over the C classes (last dim):
    loss_n = -sum_c w_c (y_c logsig(x_c) + (1 - y_c) logsig(-x_c)) / C."""
    fn = "multilabel_soft_margin_loss"
    reduction = _reduction(fn, size_average, reduce, reduction)
    check_tensor(input, fn, "input")
    check_tensor(target, fn, "target")
    _check_float(input, fn, "input")
    loss = -(target * LogSigmoid.apply(input) + (1 - target) * LogSigmoid.apply(-input))
    if weight is not None:
        check_tensor(weight, fn, "weight")
        loss = loss * weight
    cdim = input.ndim - 1
    loss = loss.sum(cdim) / input._data.shape[cdim]
    return _reduce(loss, reduction)


def _class_rows(fn, input, target):
    """input as (N, C) rows (a 1-d input is one row), checked to be floating point."""
    check_tensor(input, fn, "input")
    check_tensor(target, fn, "target")
    _check_float(input, fn, "input")
    if input.ndim not in (1, 2) or input._data.size == 0 and input.ndim == 1:
        raise RuntimeError(f"{fn}(): Expected non-empty vector or matrix with optional 0-dim "
                           f"batch size, but got: {list(input.shape)}")
    if target._data.dtype != np.int64:
        raise RuntimeError(f"{fn}(): expected scalar type Long but found {target.dtype} for "
                           "argument 'target'")
    return input.reshape(-1, input._data.shape[-1])


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Multi-class multi-label hinge loss. Each row of `target` (int64, the input's shape)
    lists the sample's classes, ended by the first -1. With J those classes:

        loss_n = sum_{j in J} sum_{i not in J} max(0, 1 - (x[j] - x[i])) / C

    (a class listed twice counts twice, as in PyTorch); built from gather, relu, products
    with constant masks and sums, so every derivative follows."""
    fn = "multilabel_margin_loss"
    reduction = _reduction(fn, size_average, reduce, reduction)
    x = _class_rows(fn, input, target)
    if _shape(target) != _shape(input):
        raise RuntimeError(f"{fn}(): inconsistent target size: {list(target.shape)} for input "
                           f"of size: {list(input.shape)}")
    xp = _xp(x._data)
    n, c = x._data.shape
    t = target._data.reshape(n, c)
    listed = xp.cumprod(t >= 0, axis=1).astype(bool)          # entries before the first -1
    if bool((listed & (t >= c)).any()):
        raise RuntimeError(f"{fn}(): argument #2 'target' is out of range: class indices must be "
                           f"in [0, {c - 1}] (or -1 to end the list)")
    # the listed classes come first in each row: take the first `k` columns, k = the
    # longest list, so the hinge terms are (n, k, c) rather than (n, c, c)
    k = int(listed.sum(axis=1).max()) if n else 0
    is_target = xp.zeros((n, c), dtype=bool)
    rows = xp.broadcast_to(xp.arange(n)[:, None], (n, c))
    is_target[rows[listed], t[listed]] = True
    safe = xp.where(listed[:, :k], t[:, :k], 0)
    xj = x.gather(1, _make(xp.ascontiguousarray(safe)))              # (n, k): x at the listed j
    hinge = (1 - xj.unsqueeze(2) + x.unsqueeze(1)).relu()            # (n, k, c)
    weights = listed[:, :k, None] & ~is_target[:, None, :]            # j listed, i not a target
    loss = (hinge * _make(weights.astype(x._data.dtype))).sum((1, 2)) / c
    if input.ndim == 1:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    """Multi-class hinge loss: with y the target class of a sample,

        loss_n = sum_{i != y} w_y max(0, margin - x[y] + x[i])^p / C      (p = 1 or 2)

    built from gather, relu and sums, so every derivative follows."""
    fn = "multi_margin_loss"
    reduction = _reduction(fn, size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None:
        check_tensor(weight, fn, "weight")
        if weight.ndim != 1:
            raise ValueError("weight must be one-dimensional")
    x = _class_rows(fn, input, target)
    n, c = x._data.shape
    t = target._data.reshape(-1)
    if t.shape[0] != n:
        raise RuntimeError(f"{fn}(): inconsistent target size: {list(target.shape)} for input of "
                           f"size: {list(input.shape)}")
    if t.size and (int(t.min()) < 0 or int(t.max()) >= c):
        raise RuntimeError("target out of range")
    xp = _xp(x._data)
    idx = _make(xp.ascontiguousarray(t[:, None]))
    z = (margin - x.gather(1, idx) + x).relu()
    h = z if p == 1 else z * z
    if weight is not None:
        if weight._data.shape[0] != c:
            raise RuntimeError(f"{fn}(): inconsistent weight size, expected {c} but got "
                               f"{list(weight.shape)}")
        h = h * weight[_make(xp.asarray(t))].unsqueeze(1)
    not_y = _make((xp.arange(c)[None, :] != t[:, None]).astype(x._data.dtype))
    loss = (h * not_y).sum(1) / c
    if input.ndim == 1:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def _triplet_dims(fn, anchor, positive, negative):
    for arg, t in (("anchor", anchor), ("positive", positive), ("negative", negative)):
        check_tensor(t, fn, arg)
    a, p, n = anchor.ndim, positive.ndim, negative.ndim
    if not a == p == n:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the "
                           f"same number of dimensions, but got: anchor {a}D, positive {p}D, "
                           f"and negative {n}D inputs")


def _triplet(dist, anchor, positive, negative, margin, swap, reduction):
    """max(0, margin + d(a, p) - d(a, n)), with d(a, n) replaced by min(d(a, n), d(p, n))
    when swap is set (the 'distance swap')."""
    from .elementwise import minimum
    d_pos = dist(anchor, positive)
    d_neg = dist(anchor, negative)
    if swap:
        d_neg = minimum(d_neg, dist(positive, negative))
    return _reduce(clamp(margin + d_pos - d_neg, min=0), reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """Triplet loss max(0, margin + ||a - p + eps||_p - ||a - n + eps||_p) per sample
    (pairwise_distance over the last dim); swap: use the smaller of d(a, n) and d(p, n)."""
    fn = "triplet_margin_loss"
    reduction = _reduction(fn, size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _triplet_dims(fn, anchor, positive, negative)
    from .distance import pairwise_distance

    def dist(a, b):
        return pairwise_distance(a, b, p, eps)
    return _triplet(dist, anchor, positive, negative, margin, swap, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    """Triplet loss with any distance function (default pairwise_distance):
    max(0, margin + d(a, p) - d(a, n)), swap as in triplet_margin_loss."""
    fn = "triplet_margin_with_distance_loss"
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _triplet_dims(fn, anchor, positive, negative)
    if distance_function is None:
        from .distance import pairwise_distance as distance_function
    return _triplet(distance_function, anchor, positive, negative, margin, swap, reduction)


# ============================================================================ CTC
def _lse(*terms):
    """log(sum(exp(t))) of same-shaped arrays, elementwise; -inf where every term is -inf."""
    xp = _xp(terms[0])
    m = terms[0]
    for t in terms[1:]:
        m = xp.maximum(m, t)
    safe = xp.where(xp.isfinite(m), m, 0)
    total = sum(xp.exp(t - safe) for t in terms)
    with np.errstate(divide="ignore"):
        return xp.where(xp.isfinite(m), xp.log(total) + safe, m)


def _shift(a, k, fill):
    """a shifted right by k along the last axis (the first k entries become `fill`)."""
    xp = _xp(a)
    out = xp.full_like(a, fill)
    out[..., k:] = a[..., :a.shape[-1] - k]
    return out


def _ctc_alpha(lpe, skip, valid, in_len):
    """Forward variables in log space, alpha[t, n, s] = log P(the first t+1 frames emit the
    prefix ext[:s+1] of the extended label sequence ext = (blank, l1, blank, l2, ..., blank)):

        alpha[0, s]  = lp[0, ext_s] for s in {0, 1}, -inf elsewhere
        alpha[t, s]  = lse(alpha[t-1, s], alpha[t-1, s-1], alpha[t-1, s-2] if skip_s)
                       + lp[t, ext_s]

    where skip_s allows jumping over a blank between two different labels."""
    xp = _xp(lpe)
    T = lpe.shape[0]
    alpha = xp.full(lpe.shape, -np.inf, dtype=lpe.dtype)
    alpha[0, :, :2] = lpe[0, :, :2]
    alpha[0] = xp.where(valid, alpha[0], -np.inf)
    for t in range(1, T):
        a = alpha[t - 1]
        a2 = xp.where(skip, _shift(a, 2, -np.inf), -np.inf)
        alpha[t] = xp.where(valid, _lse(a, _shift(a, 1, -np.inf), a2) + lpe[t], -np.inf)
    return alpha


def _ctc_beta(lpe, skip, valid, in_len, last):
    """Backward variables, beta[t, n, s] = log P(frames t.. emit the suffix ext[s:]),
    including frame t's own emission (as PyTorch's kernel):

        beta[T_n - 1, s] = lp[T_n - 1, ext_s] for the last two s, -inf elsewhere
        beta[t, s]       = lse(beta[t+1, s], beta[t+1, s+1], beta[t+1, s+2] if skip_{s+2})
                           + lp[t, ext_s]"""
    xp = _xp(lpe)
    T, N, S = lpe.shape
    beta = xp.full(lpe.shape, -np.inf, dtype=lpe.dtype)
    skip_next = xp.zeros_like(skip)
    skip_next[:, :-2] = skip[:, 2:]
    b = xp.full((N, S), -np.inf, dtype=lpe.dtype)
    for t in range(T - 1, -1, -1):
        nb1 = xp.full_like(b, -np.inf)
        nb1[:, :-1] = b[:, 1:]
        nb2 = xp.full_like(b, -np.inf)
        nb2[:, :-2] = b[:, 2:]
        rec = _lse(b, nb1, xp.where(skip_next, nb2, -np.inf)) + lpe[t]
        start = xp.where(last, lpe[t], -np.inf)
        b = xp.where((t == in_len - 1)[:, None], start,
                     xp.where((t < in_len - 1)[:, None] & valid, rec, -np.inf))
        beta[t] = b
    return beta


def _ctc(lp, labels, in_len, tgt_len, blank, need_grad):
    """Per-sample negative log-likelihood of CTC (Graves et al. 2006) and, when asked, the
    gradient PyTorch returns for it w.r.t. log_probs (see CTCLoss)."""
    xp = _xp(lp)
    T, N, C = lp.shape
    S = 2 * labels.shape[1] + 1
    ext = xp.full((N, S), blank, dtype=np.int64)
    ext[:, 1::2] = labels
    skip = xp.zeros((N, S), dtype=bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    pos = xp.arange(S)[None, :]
    valid = pos < (2 * tgt_len + 1)[:, None]
    last = (pos == 2 * tgt_len[:, None]) | ((pos == 2 * tgt_len[:, None] - 1) & (tgt_len[:, None] > 0))
    lpe = xp.take_along_axis(lp, xp.broadcast_to(ext[None], (T, N, S)), axis=2)
    alpha = _ctc_alpha(lpe, skip, valid, in_len)
    rows = xp.arange(N)
    t_end = xp.maximum(in_len - 1, 0)
    end = alpha[t_end, rows]                                      # (N, S)
    ll = _lse_rows(xp.where(last, end, -np.inf))      # end in the last label or blank
    ll = xp.where(in_len == 0, xp.where(tgt_len == 0, 0.0, -np.inf), ll).astype(lp.dtype)
    nll = -ll
    if not need_grad:
        return nll, None
    beta = _ctc_beta(lpe, skip, valid, in_len, last)
    # occupancy of (t, s) times exp(lp): exp(alpha + beta - ll) (alpha and beta both hold
    # frame t's emission once), summed over the positions s that carry each class c
    with np.errstate(invalid="ignore", over="ignore"):
        occ = xp.exp(alpha + beta + nll[None, :, None])
    occ = xp.where(xp.isfinite(nll)[None, :, None], occ, xp.nan)
    onehot = (ext[:, :, None] == xp.arange(C)[None, None, :]).astype(lp.dtype)   # (N, S, C)
    per_class = xp.matmul(occ.transpose(1, 0, 2), onehot).transpose(1, 0, 2)        # (T, N, C)
    with np.errstate(divide="ignore", invalid="ignore"):
        grad = xp.exp(lp) - xp.where(per_class > 0, xp.exp(xp.log(per_class) - lp), 0)
    in_time = xp.arange(T)[:, None] < in_len[None, :]
    grad = xp.where(in_time[:, :, None], grad, 0).astype(lp.dtype)
    return nll, grad


def _lse_rows(a):
    """log(sum(exp(a))) over the last axis of a 2-d array (-inf for a row of -inf)."""
    xp = _xp(a)
    m = a.max(axis=1)
    safe = xp.where(xp.isfinite(m), m, 0)
    with np.errstate(divide="ignore"):
        return xp.where(xp.isfinite(m), xp.log(xp.exp(a - safe[:, None]).sum(axis=1)) + safe, m)


class CTCLoss(Function):
    """Connectionist temporal classification: nll_n = -log sum over all alignments of the
    n-th target of prod_t p[t, n, a_t], by the forward (alpha) recursion in log space.

    Gradient (PyTorch's, from the alpha and beta variables):
        dlp[t, n, c] = g_n (exp(lp[t, n, c]) - sum_{s: ext_s = c} exp(alpha + beta - lp + nll))
    for t < input_length_n (0 after). The second term is the true derivative of nll; the
    exp(lp) term is what PyTorch adds, assuming log_probs come from log_softmax: through
    log_softmax's backward it cancels, so the gradient w.r.t. the logits is exact either way.
    The backward is g times a constant array: not differentiable again, like PyTorch's."""

    @staticmethod
    def forward(ctx, lp, labels, in_len, tgt_len, blank, zero_infinity):
        need = bool(ctx.needs_input_grad[0])
        nll, grad = _ctc(lp, labels, in_len, tgt_len, blank, need)
        if zero_infinity:
            inf = _xp(nll).isinf(nll)
            nll = _xp(nll).where(inf, 0, nll).astype(lp.dtype)
            if grad is not None:
                grad = _xp(grad).where(inf[None, :, None], 0, grad).astype(lp.dtype)
        ctx.save_for_backward(grad)
        return nll

    @staticmethod
    def backward(ctx, g):
        grad, = ctx.saved_tensors
        return grad * g.reshape(1, -1, 1), None, None, None, None, None


def _lengths(value, fn, arg, n):
    """input_lengths / target_lengths: a tensor or a sequence of ints -> int64 array (n,)."""
    if isinstance(value, Tensor):
        arr = value._data
        if arr.dtype.kind not in "iu":
            raise RuntimeError(f"{fn}(): argument '{arg}' must hold integers, got {value.dtype}")
        arr = arr.reshape(-1).astype(np.int64)
    elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        arr = np.array([int(value)], dtype=np.int64)  # host: lengths, moved to the device below
    else:
        try:
            arr = np.array([int(v) for v in value], dtype=np.int64)  # host: as above
        except TypeError:
            raise TypeError(f"{fn}(): argument '{arg}' must be a Tensor or a tuple of ints, got "
                            f"{type(value).__name__}") from None
    if arr.shape[0] != n:
        raise RuntimeError(f"{arg} must be of size batch_size")
    return arr


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):
    """The CTC loss of log-probabilities `log_probs` (T, N, C) (or unbatched (T, C),
    normally the output of log_softmax) against label sequences:

    - targets: (N, S) padded (row n holds its target_lengths[n] labels first) or 1-d, all
      targets concatenated (length sum(target_lengths)); labels in [0, C) except `blank`;
    - input_lengths (N,) and target_lengths (N,): tensors or tuples of ints.

    reduction 'mean' divides each loss by its target length (at least 1), then averages
    over the batch; zero_infinity replaces infinite losses (targets no alignment can
    reach) and their gradients by 0. See CTCLoss for the algorithm and the gradient."""
    fn = "ctc_loss"
    check_reduction(reduction, fn)
    check_tensor(log_probs, fn, "log_probs")
    check_tensor(targets, fn, "targets")
    _check_float(log_probs, fn, "log_probs")
    unbatched = log_probs.ndim == 2
    if log_probs.ndim not in (2, 3):
        raise RuntimeError(f"{fn}(): log_probs must be (T, N, C) or unbatched (T, C), got shape "
                           f"{_shape(log_probs)}")
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    T, N, C = _shape(lp)
    if not isinstance(blank, (int, np.integer)) or not 0 <= blank < C:
        raise RuntimeError("blank must be in label range")
    xp = _xp(lp._data)
    in_len = _lengths(input_lengths, fn, "input_lengths", N)
    tgt_len = _lengths(target_lengths, fn, "target_lengths", N)
    in_host, tgt_host = backend.transfer(in_len, backend.CPU), backend.transfer(tgt_len, backend.CPU)
    if in_host.size and (int(in_host.max()) > T or int(in_host.min()) < 0):
        bad = int(in_host.max()) if int(in_host.max()) > T else int(in_host.min())
        raise RuntimeError(f"Expected input_lengths to have value at most {T}, but got value "
                           f"{bad}")
    if tgt_host.size and int(tgt_host.min()) < 0:
        raise RuntimeError(f"{fn}(): target_lengths must be non-negative, got {tgt_host.tolist()}")
    labels = _padded_targets(fn, targets, unbatched, tgt_host, N)
    labels = xp.asarray(labels)
    if labels.size and (int(labels.min()) < 0 or int(labels.max()) >= C):
        raise RuntimeError(f"{fn}(): target labels must be in [0, {C - 1}], got values in "
                           f"[{int(labels.min())}, {int(labels.max())}]")
    nll = CTCLoss.apply(lp, labels, xp.asarray(in_len), xp.asarray(tgt_len), int(blank),
                        bool(zero_infinity))
    if reduction == "none":
        return nll.reshape(()) if unbatched else nll
    if reduction == "sum":
        return nll.sum()
    divisor = _make(xp.asarray(np.maximum(tgt_host, 1)).astype(lp._data.dtype))  # host: lengths
    return (nll / divisor).mean()


def _padded_targets(fn, targets, unbatched, tgt_len, n):
    """The targets as an (N, S_max) int64 array (padding where a target is shorter)."""
    t = backend.transfer(targets._data, backend.CPU)
    if t.dtype.kind not in "iuf":
        raise RuntimeError(f"{fn}(): targets must hold integer labels, got {targets.dtype}")
    t = t.astype(np.int64)
    longest = int(tgt_len.max()) if tgt_len.size else 0
    if unbatched:
        t = t.reshape(1, -1)
    if t.ndim == 2:
        if t.shape[1] < longest:
            raise RuntimeError(f"Expected tensor to have size at least {longest} at dimension 1, "
                               f"but got size {t.shape[1]} for argument #2 'targets' (while "
                               "checking arguments for ctc_loss)")
        if t.shape[0] != n:
            raise RuntimeError(f"{fn}(): targets of shape {tuple(targets.shape)} must have "
                               f"batch size {n}")
        out = t[:, :max(longest, 0)].copy()
    elif t.ndim == 1:
        total = int(tgt_len.sum())
        if t.shape[0] < total:
            raise RuntimeError(f"{fn}(): 1-d (concatenated) targets must hold sum(target_lengths)"
                               f" = {total} labels, got {t.shape[0]}")
        out = np.zeros((n, longest), dtype=np.int64)  # host: small label table
        starts = np.concatenate([[0], np.cumsum(tgt_len)[:-1]]).astype(np.int64)  # host: as above
        for k in range(n):
            out[k, :tgt_len[k]] = t[starts[k]:starts[k] + tgt_len[k]]
    else:
        raise RuntimeError(f"{fn}(): targets must be 1-d (concatenated) or 2-d (padded), got "
                           f"shape {tuple(targets.shape)}")
    # positions past each target's length are padding: make them a valid label (never read)
    mask = np.arange(out.shape[1])[None, :] >= tgt_len[:, None]  # host: as above
    out[mask] = 0
    return out



# ============================================================================ linear + CE
def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None,
                         reduction="mean", ignore_index=None, label_smoothing=0.0, options=None):
    """cross_entropy(linear(input, W, b), target) as one call (PyTorch 2.13): input (N, in)
    or (in,); linear_weight (C, *out_features, in) gives logits (N, C, *out_features).
    PyTorch may evaluate it in batch chunks to save memory (``options``); the value and
    gradients are those of the plain composition, which is what minitorch computes."""
    import math
    from .linear import linear
    fn = "linear_cross_entropy"
    check_tensor(input, fn, "input")
    check_tensor(linear_weight, fn, "linear_weight")
    if input.ndim < 1 or input.ndim > 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.ndim}")
    if linear_weight.ndim < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got "
                           f"{linear_weight.ndim}")
    batches = tuple(input.shape[:-1])
    n_in = input.shape[-1]
    if n_in != linear_weight.shape[-1]:
        raise RuntimeError(f"expected equal input and linear_weight last dimensions "
                           f"(in_features), got {n_in} and {linear_weight.shape[-1]}, "
                           "respectively")
    n_classes = linear_weight.shape[0]
    out_features = tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (n_classes, *out_features):
        raise RuntimeError(f"expected linear_bias shape {(n_classes, *out_features)}, got "
                           f"{tuple(linear_bias.shape)}")
    if out_features and not batches:
        raise RuntimeError(f"K-dimensional loss defined by linear_weight shape "
                           f"{tuple(linear_weight.shape)} requires batched input, (N, {n_in}), "
                           f"got unbatched input with shape {tuple(input.shape)}")
    logits_shape = (*batches, n_classes, *out_features)
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains "
                           "probabilities")
    ignore_index = -100 if ignore_index is None else ignore_index
    n_out = math.prod(out_features) * n_classes
    w = linear_weight.reshape(n_out, n_in) if out_features else linear_weight
    b = linear_bias.reshape(n_out) if (linear_bias is not None and out_features) else linear_bias
    logits = linear(input, w, b).reshape(logits_shape)
    return cross_entropy(logits, target, weight=weight, reduction=reduction,
                         ignore_index=ignore_index, label_smoothing=label_smoothing)
