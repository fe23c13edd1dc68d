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
from .activation import log_softmax
from .elementwise import where, sigmoid, log, log1p, clamp
from .indexing import ScatterAdd

_xp = backend.get_array_module

__all__ = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss",
           "binary_cross_entropy", "binary_cross_entropy_with_logits"]

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
        if t.ndim >= 1 and cdim == 1 and t.shape[0] != xs[0]:
            raise ValueError(f"{fn}(): Expected input batch_size ({xs[0]}) to match target "
                             f"batch_size ({t.shape[0]}): argument 'target' of shape {t.shape} "
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
class LogSigmoid(Function):
    """y = log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|))  (exp never overflows);
    dx = g * sigmoid(-x)."""

    @staticmethod
    def forward(ctx, x):
        xp = _xp(x)
        ctx.save_for_backward(x)
        return xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x)))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * sigmoid(-x)


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
