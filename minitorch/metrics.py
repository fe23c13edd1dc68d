"""minitorch.metrics: classification metrics, computed with NumPy on the CPU.

    logits = model(x)                                   # (N, C) scores
    minitorch.metrics.accuracy(logits, y)               # 0.93  (argmax over classes)
    cm = minitorch.metrics.confusion_matrix(y, logits)  # (C, C): rows true, columns predicted
    print(minitorch.metrics.classification_report(y, logits, target_names=names))
    minitorch.metrics.roc_auc_score(y, logits.softmax(1))   # one-vs-rest, macro average

Inputs are minitorch Tensors (on any device; they are detached and copied to the CPU),
NumPy or CuPy arrays, or Python lists. Wherever predicted *labels* are expected, (N, C)
scores or logits are accepted too and turned into labels by argmax over the last axis.
An (N, 1) column, as `argmax(dim=1, keepdim=True)` returns, counts as
labels. Labels are class indices 0..C-1, as `nn.CrossEntropyLoss` uses them (unlike scikit-learn,
which also takes strings and arbitrary values). Results are NumPy arrays or Python floats.

The definitions, for class c with TP, FP, FN, TN counted one-vs-rest from the confusion
matrix M (rows = true class, columns = predicted class, as scikit-learn's):

    TP = M[c, c]   FP = sum(M[:, c]) - TP   FN = sum(M[c, :]) - TP   TN = N - TP - FP - FN
    precision   = TP / (TP + FP)
    recall      = TP / (TP + FN)       (sensitivity, true positive rate)
    specificity = TN / (TN + FP)       (true negative rate)
    F-beta      = (1 + b^2) TP / ((1 + b^2) TP + b^2 FN + FP)   (F1: b = 1)

A ratio whose denominator is 0 (precision of a class never predicted, recall of a class
that never occurs, ...) is `zero_division` (0.0 by default; 1.0 or nan if you prefer),
silently: no warnings. Averages (`average=`):

    None        one value per class (a NumPy array of length C)
    'macro'     the unweighted mean over all C classes
    'weighted'  the mean weighted by support (the number of true samples of each class)
    'micro'     the ratio of the summed counts (for single-label data micro precision,
                recall and F1 all equal the accuracy)
    'binary'    the value for class `pos_label` only (two-class problems)

All C = num_classes classes count, including a class absent from both y_true and y_pred
(scikit-learn averages over the labels that occur unless you pass `labels=`); num_classes
defaults to 1 + the largest label seen.
"""
from __future__ import annotations

import numpy as np

from . import backend
from .tensor import Tensor

__all__ = [
    "accuracy", "confusion_matrix", "precision_recall_fscore_support", "precision_score",
    "recall_score", "sensitivity_score", "specificity_score", "f1_score", "fbeta_score",
    "roc_curve", "auc", "roc_auc_score", "classification_report",
    # short aliases
    "precision", "recall", "sensitivity", "specificity",
]

_AVERAGES = (None, "micro", "macro", "weighted", "binary")


# ----------------------------------------------------------------------------- inputs
def _to_numpy(x, fn: str, name: str) -> np.ndarray:
    """A CPU NumPy array from a Tensor, NumPy/CuPy array, list or scalar."""
    if isinstance(x, Tensor):
        return np.asarray(backend.transfer(x.detach()._data, backend.device("cpu")))
    if isinstance(x, np.ndarray):
        return x
    if type(x).__module__.split(".")[0] == "cupy":       # a CuPy array
        return x.get()
    try:
        return np.asarray(x)
    except Exception as e:  # pragma: no cover - odd objects
        raise TypeError(f"{fn}(): {name} should be a Tensor, an array or a list, got "
                        f"{type(x).__name__}") from e


def _labels(x, fn: str, name: str, allow_scores: bool = True) -> np.ndarray:
    """A 1-D int64 array of class indices. (N, C) scores (C > 1) become labels by argmax
    when `allow_scores`; (N, 1) is a column of labels (what argmax(dim=1, keepdim=True)
    gives); float arrays holding whole numbers are accepted as labels."""
    a = _to_numpy(x, fn, name)
    if a.ndim == 2 and a.shape[1] == 1:     # (N, 1) labels, as argmax(dim=1, keepdim=True)
        a = a[:, 0]
    if a.ndim == 2 and allow_scores:
        if a.shape[1] == 0:
            raise ValueError(f"{fn}(): {name} has shape {tuple(a.shape)}; (N, C) scores need "
                             "C >= 1 columns")
        a = a.argmax(axis=1)
    elif a.ndim == 0:
        a = a.reshape(1)
    elif a.ndim != 1:
        need = "a 1-D array of labels or (N, C) scores" if allow_scores else "a 1-D array of labels"
        raise ValueError(f"{fn}(): {name} should be {need}, got shape {tuple(a.shape)}")
    if a.dtype == np.bool_:
        a = a.astype(np.int64)
    elif a.dtype.kind == "f":
        if a.size and not np.all(np.isfinite(a) & (a == np.round(a))):
            raise ValueError(f"{fn}(): {name} should hold integer class labels, got "
                             f"non-integer values of dtype {a.dtype} (pass (N, C) scores for "
                             "argmax, or labels)")
        a = a.astype(np.int64)
    elif a.dtype.kind in "iu":
        a = a.astype(np.int64, copy=False)
    else:
        raise TypeError(f"{fn}(): {name} should hold integer class labels, got dtype {a.dtype}")
    if a.size and a.min() < 0:
        raise ValueError(f"{fn}(): {name} holds a negative label ({int(a.min())}); labels are "
                         "class indices 0..C-1")
    return a


def _pair(y_true, y_pred, fn: str, num_classes=None):
    """Checked (y_true, y_pred, num_classes)."""
    t = _labels(y_true, fn, "y_true", allow_scores=False)
    p = _labels(y_pred, fn, "y_pred")
    if t.shape[0] != p.shape[0]:
        raise ValueError(f"{fn}(): y_true and y_pred have different numbers of samples: "
                         f"{t.shape[0]} and {p.shape[0]}")
    if t.shape[0] == 0:
        raise ValueError(f"{fn}(): got no samples (y_true and y_pred are empty)")
    seen = int(max(t.max(), p.max())) + 1
    if num_classes is None:
        num_classes = seen
    else:
        if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) \
                or num_classes < 1:
            raise ValueError(f"{fn}(): num_classes should be a positive int, got "
                             f"{num_classes!r}")
        num_classes = int(num_classes)
        if seen > num_classes:
            raise ValueError(f"{fn}(): found label {seen - 1} but num_classes={num_classes} "
                             f"(labels must be in 0..{num_classes - 1})")
    return t, p, num_classes


def _divide(num, den, zero_division):
    """num / den elementwise, `zero_division` where den == 0, without warnings."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    out = np.full(np.broadcast(num, den).shape, float(zero_division), dtype=np.float64)
    np.divide(num, den, out=out, where=den != 0)
    return out


def _check_zero_division(zero_division, fn):
    try:
        z = float(zero_division)
    except (TypeError, ValueError):
        raise ValueError(f"{fn}(): zero_division should be a number (0.0, 1.0 or nan), got "
                         f"{zero_division!r}") from None
    if not (z in (0.0, 1.0) or np.isnan(z)):
        raise ValueError(f"{fn}(): zero_division should be 0.0, 1.0 or nan, got "
                         f"{zero_division!r}")
    return z


# ----------------------------------------------------------------------------- basics
def accuracy(pred_or_logits, target) -> float:
    """The fraction of samples whose predicted label equals the target.

    `pred_or_logits` is a 1-D array of predicted labels or (N, C) scores/logits (then the
    prediction is their argmax over classes); `target` holds the true labels, shape (N,).
    Returns a Python float in [0, 1]."""
    fn = "accuracy"
    t = _labels(target, fn, "target", allow_scores=False)
    p = _labels(pred_or_logits, fn, "pred_or_logits")
    if t.shape[0] != p.shape[0]:
        raise ValueError(f"{fn}(): pred_or_logits and target have different numbers of "
                         f"samples: {p.shape[0]} and {t.shape[0]}")
    if t.shape[0] == 0:
        raise ValueError(f"{fn}(): got no samples")
    return float(np.mean(t == p))


def confusion_matrix(y_true, y_pred, num_classes=None) -> np.ndarray:
    """The (C, C) int64 matrix M with M[i, j] = the number of samples of true class i
    predicted as class j (rows = true class, columns = predicted class, as scikit-learn).

    `y_pred` may be (N, C) scores (argmax). `num_classes` defaults to 1 + the largest label
    in y_true or y_pred."""
    t, p, k = _pair(y_true, y_pred, "confusion_matrix", num_classes)
    return np.bincount(t * k + p, minlength=k * k).reshape(k, k).astype(np.int64)


def _counts(cm):
    """Per-class one-vs-rest (tp, fp, fn, tn) as int64 arrays."""
    tp = np.diag(cm).astype(np.int64)
    fp = cm.sum(axis=0) - tp
    fn = cm.sum(axis=1) - tp
    tn = cm.sum() - tp - fp - fn
    return tp, fp, fn, tn


def _check_average(average, fn, num_classes, pos_label):
    if average not in _AVERAGES:
        raise ValueError(f"{fn}(): average should be one of None, 'micro', 'macro', "
                         f"'weighted', 'binary', got {average!r}")
    if average == "binary":
        if num_classes > 2:
            raise ValueError(f"{fn}(): average='binary' needs two classes, found "
                             f"{num_classes}; choose average=None, 'micro', 'macro' or "
                             "'weighted'")
        if pos_label not in (0, 1):
            raise ValueError(f"{fn}(): pos_label should be 0 or 1, got {pos_label!r}")


def _average(values, num, den, average, support, zero_division, pos_label):
    """Reduce per-class `values` (= num / den) as `average` says."""
    if average is None:
        return values
    if average == "binary":
        return float(values[pos_label])
    if average == "micro":
        return float(_divide(num.sum(), den.sum(), zero_division))
    # with zero_division=nan the undefined values are left out of the mean (scikit-learn's
    # rule); an average over no defined value is nan
    ok = ~np.isnan(values)
    if average == "macro":
        return float(values[ok].mean()) if ok.any() else float("nan")
    # weighted by support
    total = support[ok].sum()
    if total == 0:
        return float(zero_division)
    return float((values[ok] * support[ok]).sum() / total)


def precision_recall_fscore_support(y_true, y_pred, *, num_classes=None, average=None,
                                    beta=1.0, pos_label=1, zero_division=0.0):
    """Precision, recall, F-beta and support, as scikit-learn's function of that name.

    Returns (precision, recall, fbeta, support): with average=None, four arrays of length
    C (support = the number of true samples of each class, int64); with an average, three
    floats and support None. See the module docstring for the definitions, `average` and
    `zero_division`. For the binary F-score the micro average is computed from summed
    counts: (1 + b^2) sum TP / ((1 + b^2) sum TP + b^2 sum FN + sum FP)."""
    fn = "precision_recall_fscore_support"
    t, p, k = _pair(y_true, y_pred, fn, num_classes)
    _check_average(average, fn, k, pos_label)
    z = _check_zero_division(zero_division, fn)
    beta = float(beta)
    if not beta >= 0:
        raise ValueError(f"{fn}(): beta should be >= 0, got {beta}")
    if average == "binary":
        k = 2
    tp, fp, fn_, _ = _counts(np.bincount(t * k + p, minlength=k * k).reshape(k, k))
    support = tp + fn_
    b2 = beta * beta
    prec = _divide(tp, tp + fp, z)
    rec = _divide(tp, tp + fn_, z)
    f_num = (1 + b2) * tp
    f_den = (1 + b2) * tp + b2 * fn_ + fp
    f = _divide(f_num, f_den, z)
    if average is None:
        return prec, rec, f, support
    return (_average(prec, tp, tp + fp, average, support, z, pos_label),
            _average(rec, tp, tp + fn_, average, support, z, pos_label),
            _average(f, f_num, f_den, average, support, z, pos_label),
            None)


def precision_score(y_true, y_pred, *, num_classes=None, average=None, pos_label=1,
                    zero_division=0.0):
    """Precision TP / (TP + FP) per class (average=None) or averaged; see the module
    docstring. Note the default average=None (scikit-learn's precision_score defaults to
    'binary')."""
    return precision_recall_fscore_support(y_true, y_pred, num_classes=num_classes,
                                           average=average, pos_label=pos_label,
                                           zero_division=zero_division)[0]


def recall_score(y_true, y_pred, *, num_classes=None, average=None, pos_label=1,
                 zero_division=0.0):
    """Recall (sensitivity, true positive rate) TP / (TP + FN) per class or averaged."""
    return precision_recall_fscore_support(y_true, y_pred, num_classes=num_classes,
                                           average=average, pos_label=pos_label,
                                           zero_division=zero_division)[1]


sensitivity_score = recall_score


def fbeta_score(y_true, y_pred, *, beta, num_classes=None, average=None, pos_label=1,
                zero_division=0.0):
    """F-beta (1 + b^2) TP / ((1 + b^2) TP + b^2 FN + FP) per class or averaged."""
    return precision_recall_fscore_support(y_true, y_pred, num_classes=num_classes,
                                           average=average, beta=beta, pos_label=pos_label,
                                           zero_division=zero_division)[2]


def f1_score(y_true, y_pred, *, num_classes=None, average=None, pos_label=1,
             zero_division=0.0):
    """F1 = 2 TP / (2 TP + FN + FP), the harmonic mean of precision and recall, per class
    or averaged."""
    return fbeta_score(y_true, y_pred, beta=1.0, num_classes=num_classes, average=average,
                       pos_label=pos_label, zero_division=zero_division)


def specificity_score(y_true, y_pred, *, num_classes=None, average=None, pos_label=1,
                      zero_division=0.0):
    """Specificity (true negative rate) TN / (TN + FP) of each class against the rest, or
    averaged: 'macro' (unweighted mean), 'weighted' (by each class's support, the number
    of its true samples), 'micro' (sum TN / (sum TN + sum FP)), 'binary' (class
    pos_label). A class whose samples are all of it has no negatives: zero_division."""
    fn = "specificity_score"
    t, p, k = _pair(y_true, y_pred, fn, num_classes)
    _check_average(average, fn, k, pos_label)
    z = _check_zero_division(zero_division, fn)
    if average == "binary":
        k = 2
    tp, fp, fn_, tn = _counts(np.bincount(t * k + p, minlength=k * k).reshape(k, k))
    spec = _divide(tn, tn + fp, z)
    return _average(spec, tn, tn + fp, average, tp + fn_, z, pos_label)


# short aliases
precision, recall, sensitivity, specificity = (precision_score, recall_score, recall_score,
                                               specificity_score)


# ----------------------------------------------------------------------------- ROC
def _binary_target(y_true, fn, pos_label):
    t = _to_numpy(y_true, fn, "y_true")
    if t.ndim != 1:
        raise ValueError(f"{fn}(): y_true should be 1-D, got shape {tuple(t.shape)}")
    values = np.unique(t)
    if pos_label is None:
        if not (set(values.tolist()) <= {0, 1} or set(values.tolist()) <= {-1, 1}):
            raise ValueError(f"{fn}(): y_true should hold binary labels {{0, 1}} or {{-1, 1}} "
                             f"(or pass pos_label=), got the values {values.tolist()[:10]}")
        pos_label = 1
    elif len(values) > 2:
        raise ValueError(f"{fn}(): y_true should hold two classes, got {len(values)}: "
                         f"{values.tolist()[:10]}")
    return t == pos_label


def _scores_1d(scores, fn, n):
    s = _to_numpy(scores, fn, "scores")
    if s.ndim != 1:
        raise ValueError(f"{fn}(): scores should be 1-D (the score of the positive class), got "
                         f"shape {tuple(s.shape)}; for (N, 2) probabilities pass [:, 1]")
    if s.shape[0] != n:
        raise ValueError(f"{fn}(): y_true and scores have different numbers of samples: "
                         f"{n} and {s.shape[0]}")
    if s.dtype.kind not in "biuf":
        raise TypeError(f"{fn}(): scores should be numbers, got dtype {s.dtype}")
    s = s.astype(np.float64)
    if not np.all(np.isfinite(s)):
        raise ValueError(f"{fn}(): scores contain NaN or infinity")
    return s


def roc_curve(y_true, scores, *, pos_label=None, drop_intermediate=True):
    """The ROC curve of a binary problem, as scikit-learn's roc_curve.

    y_true: (N,) labels in {0, 1} or {-1, 1} (or any two values with `pos_label`);
    scores: (N,) scores of the positive class (probabilities, logits, decision values).
    Returns (fpr, tpr, thresholds), float64 arrays: thresholds are the distinct scores in
    decreasing order, preceded by +inf; point i counts a sample positive when its score is
    >= thresholds[i], so the curve starts at (0, 0). Tied scores form a single point (the
    curve moves diagonally across a tie). drop_intermediate=True drops the points on a
    straight horizontal or vertical run, which do not change the curve or its area.
    Raises ValueError when y_true holds only one class (scikit-learn warns and returns
    NaN)."""
    fn = "roc_curve"
    pos = _binary_target(y_true, fn, pos_label)
    s = _scores_1d(scores, fn, pos.shape[0])
    n_pos = int(pos.sum())
    if pos.shape[0] == 0:
        raise ValueError(f"{fn}(): got no samples")
    if n_pos == 0 or n_pos == pos.shape[0]:
        raise ValueError(f"{fn}(): only one class present in y_true; the ROC curve needs "
                         "positive and negative samples")
    order = np.argsort(s, kind="mergesort")[::-1]
    s = s[order]
    pos = pos[order]
    # the last index of each run of equal scores
    distinct = np.where(np.diff(s))[0]
    ends = np.r_[distinct, s.shape[0] - 1]
    tps = np.cumsum(pos, dtype=np.int64)[ends]
    fps = 1 + ends - tps
    thresholds = s[ends]
    if drop_intermediate and len(fps) > 2:
        keep = np.where(np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True])[0]
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    tps = np.r_[0, tps]
    fps = np.r_[0, fps]
    thresholds = np.r_[np.inf, thresholds]
    return fps / fps[-1], tps / tps[-1], thresholds


def auc(x, y) -> float:
    """The area under a curve by the trapezoidal rule; x must be monotonic (increasing or
    decreasing)."""
    x = np.asarray(_to_numpy(x, "auc", "x"), dtype=np.float64)
    y = np.asarray(_to_numpy(y, "auc", "y"), dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape or x.shape[0] < 2:
        raise ValueError(f"auc(): x and y should be 1-D of the same length >= 2, got shapes "
                         f"{tuple(x.shape)} and {tuple(y.shape)}")
    dx = np.diff(x)
    direction = 1.0
    if np.any(dx < 0):
        if np.all(dx <= 0):
            direction = -1.0
        else:
            raise ValueError("auc(): x is neither increasing nor decreasing")
    return float(direction * np.sum(dx * (y[1:] + y[:-1]) / 2.0))


def _binary_auc(pos, s):
    fpr, tpr, _ = roc_curve(pos.astype(np.int64), s, drop_intermediate=False)
    return auc(fpr, tpr)


def roc_auc_score(y_true, scores, *, average="macro", multi_class="ovr", pos_label=None):
    """The area under the ROC curve.

    Binary: y_true (N,) as in roc_curve and scores (N,) of the positive class; the area
    equals the probability that a random positive scores above a random negative, ties
    counting 1/2.

    Multiclass, one-vs-rest: y_true (N,) labels 0..C-1 and scores (N, C) (probabilities or
    logits; unlike scikit-learn they need not sum to 1). The AUC of each class c is that of
    (y_true == c) against scores[:, c]; average='macro' (default) is their unweighted mean,
    'weighted' weights them by prevalence, None returns the C values, 'micro' is the AUC of
    all one-hot targets against all scores flattened. Every class must occur in y_true,
    and at least one sample must be of another class. Returns a float (or an array)."""
    fn = "roc_auc_score"
    s = _to_numpy(scores, fn, "scores")
    if s.ndim == 1:
        pos = _binary_target(y_true, fn, pos_label)
        s = _scores_1d(s, fn, pos.shape[0])
        if pos.shape[0] == 0:
            raise ValueError(f"{fn}(): got no samples")
        if pos.all() or not pos.any():
            raise ValueError(f"{fn}(): only one class present in y_true; ROC AUC is not "
                             "defined in that case")
        return _binary_auc(pos, s)
    if s.ndim != 2:
        raise ValueError(f"{fn}(): scores should be (N,) for a binary problem or (N, C) for "
                         f"one-vs-rest, got shape {tuple(s.shape)}")
    if multi_class != "ovr":
        raise ValueError(f"{fn}(): only multi_class='ovr' is supported, got {multi_class!r}")
    if average not in (None, "macro", "weighted", "micro"):
        raise ValueError(f"{fn}(): average should be 'macro', 'weighted', 'micro' or None, got "
                         f"{average!r}")
    t = _labels(y_true, fn, "y_true", allow_scores=False)
    n, c = s.shape
    if t.shape[0] != n:
        raise ValueError(f"{fn}(): y_true and scores have different numbers of samples: "
                         f"{t.shape[0]} and {n}")
    if n == 0:
        raise ValueError(f"{fn}(): got no samples")
    if c < 2:
        raise ValueError(f"{fn}(): scores of shape {tuple(s.shape)} need C >= 2 columns")
    if t.max() >= c:
        raise ValueError(f"{fn}(): y_true holds label {int(t.max())} but scores have only {c} "
                         "columns")
    s = s.astype(np.float64)
    if not np.all(np.isfinite(s)):
        raise ValueError(f"{fn}(): scores contain NaN or infinity")
    onehot = t[:, None] == np.arange(c)[None, :]
    if average == "micro":
        return _binary_auc(onehot.ravel(), s.ravel())
    counts = onehot.sum(axis=0)
    missing = np.where((counts == 0) | (counts == n))[0]
    if missing.size:
        c0 = int(missing[0])
        raise ValueError(f"{fn}(): class {c0} has {'no' if counts[c0] == 0 else 'only'} "
                         f"samples in y_true; its one-vs-rest ROC AUC is not defined")
    per = np.array([_binary_auc(onehot[:, j], s[:, j]) for j in range(c)])
    if average is None:
        return per
    if average == "macro":
        return float(per.mean())
    return float((per * counts).sum() / counts.sum())


# ----------------------------------------------------------------------------- report
def classification_report(y_true, y_pred, *, num_classes=None, target_names=None, digits=2,
                          output_dict=False, zero_division=0.0):
    """A text report of precision, recall, F1 and support per class, then the accuracy,
    the macro and the weighted averages, laid out as scikit-learn's classification_report:

                      precision    recall  f1-score   support

                   0       0.50      1.00      0.67         1
                   ...
            accuracy                           0.60         5
           macro avg       0.50      0.56      0.49         5
        weighted avg       0.70      0.60      0.61         5

    target_names: one name per class (default "0", "1", ...). With output_dict=True returns
    {name: {"precision", "recall", "f1-score", "support"}, ..., "accuracy": float,
    "macro avg": {...}, "weighted avg": {...}} with float scores and int supports."""
    fn = "classification_report"
    t, p, k = _pair(y_true, y_pred, fn, num_classes)
    if target_names is None:
        names = [str(i) for i in range(k)]
    else:
        names = [str(n) for n in target_names]
        if len(names) != k:
            raise ValueError(f"{fn}(): target_names has {len(names)} names but there are {k} "
                             "classes")
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)) or digits < 0:
        raise ValueError(f"{fn}(): digits should be a non-negative int, got {digits!r}")
    kw = {"num_classes": k, "zero_division": zero_division}
    prec, rec, f1, sup = precision_recall_fscore_support(t, p, **kw)
    headers = ["precision", "recall", "f1-score", "support"]
    acc = float(np.mean(t == p))
    total = int(sup.sum())
    avgs = {}
    for avg in ("macro", "weighted"):
        ap, ar, af, _ = precision_recall_fscore_support(t, p, average=avg, **kw)
        avgs[avg + " avg"] = (ap, ar, af, total)
    if output_dict:
        out = {}
        for name, row in zip(names, zip(prec, rec, f1, sup)):
            out[name] = {"precision": float(row[0]), "recall": float(row[1]),
                         "f1-score": float(row[2]), "support": int(row[3])}
        out["accuracy"] = acc
        for key, row in avgs.items():
            out[key] = {"precision": row[0], "recall": row[1], "f1-score": row[2],
                        "support": row[3]}
        return out
    width = max(max(len(n) for n in names), len("weighted avg"), digits)
    head_fmt = "{:>{width}s} " + " {:>9}" * len(headers)
    report = head_fmt.format("", *headers, width=width) + "\n\n"
    row_fmt = "{:>{width}s} " + " {:>9.{digits}f}" * 3 + " {:>9}\n"
    for name, row in zip(names, zip(prec, rec, f1, sup)):
        report += row_fmt.format(name, *row[:3], int(row[3]), width=width, digits=digits)
    report += "\n"
    acc_fmt = "{:>{width}s} " + " {:>9}" * 2 + " {:>9.{digits}f}" + " {:>9}\n"
    report += acc_fmt.format("accuracy", "", "", acc, total, width=width, digits=digits)
    for key, row in avgs.items():
        report += row_fmt.format(key, *row, width=width, digits=digits)
    return report
