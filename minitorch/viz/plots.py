"""Plots of training: curves, confusion matrices, misclassified samples, feature maps and
conv filters. Each function takes a `path` (format from its suffix, PNG by default),
creates the parent folders, writes the file atomically and returns the path."""
from __future__ import annotations

import math
import numbers

import numpy as np

from ..autograd import no_grad
from ..tensor import Tensor, _make
from ..utils.image import make_grid
from ._figure import new_figure, save_figure, to_numpy

__all__ = ["plot_curves", "plot_confusion_matrix", "plot_misclassified",
           "capture_feature_maps", "plot_feature_maps", "plot_filters"]

# ----------------------------------------------------------------------------- curves
_PREFIXES = (("train_", "train"), ("training_", "train"), ("val_", "val"),
             ("valid_", "val"), ("validation_", "val"), ("test_", "test"))
_SUFFIXES = (("_train", "train"), ("_val", "val"), ("_valid", "val"), ("_test", "test"))
_X_KEYS = ("epoch", "epochs", "step", "steps")


def _split_key(key):
    """'train_loss' -> ('loss', 'train'); 'loss_val' -> ('loss', 'val'); 'lr' -> ('lr', '')."""
    low = key.lower()
    for pre, split in _PREFIXES:
        if low.startswith(pre) and len(key) > len(pre):
            return key[len(pre):], split
    for suf, split in _SUFFIXES:
        if low.endswith(suf) and len(key) > len(suf):
            return key[:-len(suf)], split
    return key, ""


def _series(values):
    """A float array from a list of numbers (None -> nan), or None if it is not one."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        return None
    out = []
    for v in values:
        if v is None:
            out.append(float("nan"))
        elif isinstance(v, (numbers.Real, np.generic)) and not isinstance(v, bool):
            out.append(float(v))
        elif isinstance(v, Tensor) and v.numel() == 1:
            out.append(float(v.item()))
        else:
            return None
    return np.asarray(out, dtype=np.float64)


def _history_dict(history, fn):
    if isinstance(history, dict):
        return history
    if isinstance(history, (list, tuple)) and all(isinstance(r, dict) for r in history):
        keys = []
        for r in history:                          # per-epoch records -> dict of lists
            keys += [k for k in r if k not in keys]
        return {k: [r.get(k) for r in history] for k in keys}
    raise TypeError(f"{fn}(): history should be a dict of lists (e.g. {{'train_loss': [...], "
                    f"'val_loss': [...]}}) or a list of per-epoch dicts, got "
                    f"{type(history).__name__}")


def plot_curves(history, path, title=None, xlabel=None):
    """Training curves: one panel per quantity (loss first, then accuracy, then the rest),
    train vs validation (vs test) in each.

    history: a dict of lists such as {"train_loss": [...], "val_loss": [...],
    "train_acc": [...], "val_acc": [...]} (whatever keys exist; "val_"/"valid_"/"test_"
    prefixes or "_val"/"_test" suffixes name the split, a bare "loss" is plotted as is), or
    a list of per-epoch dicts. A list under "epoch" (or "step") gives the x values,
    otherwise 1, 2, ...; None entries are gaps; non-numeric entries are ignored.
    Returns `path`."""
    fn = "plot_curves"
    hist = _history_dict(history, fn)
    xs = None
    for k in _X_KEYS:
        if k in hist:
            xs = _series(hist[k])
            if xlabel is None:
                xlabel = k.rstrip("s")
            break
    groups = {}
    for key, values in hist.items():
        if key in _X_KEYS:
            continue
        y = _series(values)
        if y is None or y.size == 0:
            continue
        base, split = _split_key(str(key))
        groups.setdefault(base, []).append((split or str(key), y))
    if not groups:
        raise ValueError(f"{fn}(): history has no list of numbers to plot (keys: "
                         f"{list(hist)[:10]})")

    def rank(name):
        low = name.lower()
        return 0 if "loss" in low else 1 if "acc" in low else 2
    names = sorted(groups, key=rank)                # stable: first-seen order within a rank
    from matplotlib.ticker import MaxNLocator
    n = len(names)
    ncols = min(n, 3)
    nrows = math.ceil(n / ncols)
    fig = new_figure(figsize=(4.8 * ncols, 3.6 * nrows))
    for i, name in enumerate(names):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        for label, y in groups[name]:
            x = xs if xs is not None and xs.size == y.size else np.arange(1, y.size + 1)
            ax.plot(x, y, marker="o" if y.size <= 30 else None, markersize=3, label=label)
        ax.set_title(name)
        ax.set_xlabel(xlabel or "epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(True, alpha=0.3)
        if len(groups[name]) > 1 or groups[name][0][0] != name:
            ax.legend()
    if title:
        fig.suptitle(title, y=1.02)
    return save_figure(fig, path, fn)


# ----------------------------------------------------------------------------- confusion
def plot_confusion_matrix(cm, path, class_names=None, normalize=False, title=None,
                          cmap="Blues", annotate=None):
    """A heatmap of a confusion matrix (rows = true class, columns = predicted, as
    metrics.confusion_matrix returns it), each cell annotated with its count.

    normalize: False (counts), True or 'true' (each row divided by its sum: recall on the
    diagonal), 'pred' (each column: precision on the diagonal) or 'all'; normalized cells
    show two decimals. annotate: write the numbers in the cells (default: when there are
    at most 30 classes). Returns `path`."""
    fn = "plot_confusion_matrix"
    m = to_numpy(cm, fn, "cm")
    if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape[0] == 0:
        raise ValueError(f"{fn}(): cm should be a square (C, C) matrix, got shape "
                         f"{tuple(m.shape)}")
    k = m.shape[0]
    if class_names is None:
        names = [str(i) for i in range(k)]
    else:
        names = [str(c) for c in class_names]
        if len(names) != k:
            raise ValueError(f"{fn}(): class_names has {len(names)} names for a {k}x{k} "
                             "matrix")
    if normalize is True:
        normalize = "true"
    if normalize not in (False, None, "true", "pred", "all"):
        raise ValueError(f"{fn}(): normalize should be False, True, 'true', 'pred' or 'all', "
                         f"got {normalize!r}")
    values = m.astype(np.float64)
    if normalize:
        axis = {"true": 1, "pred": 0, "all": None}[normalize]
        den = values.sum(axis=axis, keepdims=axis is not None)
        values = np.divide(values, den, out=np.zeros_like(values), where=den != 0)
    if annotate is None:
        annotate = k <= 30
    side = max(4.0, 0.45 * k + 2.5)
    fig = new_figure(figsize=(side + 1.0, side))
    ax = fig.add_subplot(1, 1, 1)
    im = ax.imshow(values, cmap=cmap, interpolation="nearest",
                   vmin=0.0, vmax=1.0 if normalize else None)
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    long = max(len(n) for n in names) > 3
    ax.set_xticklabels(names, rotation=45 if long else 0, ha="right" if long else "center")
    ax.set_yticklabels(names)
    ax.set_xlabel("Predicted label")
    ax.set_ylabel("True label")
    if annotate:
        vmax = values.max() if values.size else 0.0
        size = max(6, min(10, 120 // k))
        for i in range(k):
            for j in range(k):
                v = values[i, j]
                text = f"{v:.2f}" if normalize else f"{int(m[i, j])}"
                color = "white" if vmax > 0 and v > vmax / 2 else "black"
                ax.text(j, i, text, ha="center", va="center", color=color, fontsize=size)
    ax.set_title(title or ("Confusion matrix" + (" (normalized)" if normalize else "")))
    return save_figure(fig, path, fn)


# ----------------------------------------------------------------------------- samples
def _images(images, fn):
    """(N, H, W) gray or (N, H, W, 3) RGB float images from (N, H, W), (N, 1, H, W),
    (N, 3, H, W), (N, H, W, 3) or flattened square (N, H*W) input."""
    a = to_numpy(images, fn, "images").astype(np.float64)
    if a.ndim == 2:
        side = int(round(math.sqrt(a.shape[1])))
        if side * side != a.shape[1]:
            raise ValueError(f"{fn}(): flattened images of {a.shape[1]} values are not square; "
                             "pass (N, H, W) or (N, C, H, W)")
        a = a.reshape(a.shape[0], side, side)
    elif a.ndim == 4 and a.shape[1] == 1:
        a = a[:, 0]
    elif a.ndim == 4 and a.shape[1] == 3:
        a = np.moveaxis(a, 1, -1)
    elif not (a.ndim == 3 or (a.ndim == 4 and a.shape[3] == 3)):
        raise ValueError(f"{fn}(): images should be (N, H, W), (N, 1, H, W), (N, 3, H, W) or "
                         f"(N, H*W), got shape {tuple(a.shape)}")
    return a


def plot_misclassified(images, y_true, y_pred, path, class_names=None, max_images=25,
                       title=None):
    """A grid of the first `max_images` samples whose prediction is wrong, each titled
    "true: <name>" / "pred: <name>".

    images: (N, H, W), (N, 1, H, W), (N, 3, H, W) or flattened square (N, H*W); y_true
    (N,) labels; y_pred (N,) labels or (N, C) scores (argmax). Each image is scaled by its
    own min and max. With nothing misclassified the figure says so. Returns `path`."""
    from ..metrics import _labels
    fn = "plot_misclassified"
    imgs = _images(images, fn)
    t = _labels(y_true, fn, "y_true", allow_scores=False)
    p = _labels(y_pred, fn, "y_pred")
    if not (imgs.shape[0] == t.shape[0] == p.shape[0]):
        raise ValueError(f"{fn}(): images, y_true and y_pred have different numbers of "
                         f"samples: {imgs.shape[0]}, {t.shape[0]}, {p.shape[0]}")
    if isinstance(max_images, bool) or not isinstance(max_images, numbers.Integral) \
            or max_images < 1:
        raise ValueError(f"{fn}(): max_images should be a positive int, got {max_images!r}")
    names = None if class_names is None else [str(c) for c in class_names]

    def name(label):
        return names[label] if names is not None and label < len(names) else str(label)
    wrong = np.nonzero(t != p)[0]
    shown = wrong[:max_images]
    head = title or (f"Misclassified: {wrong.size} of {t.shape[0]}"
                     + (f" (first {shown.size} shown)" if wrong.size > shown.size else ""))
    if shown.size == 0:
        fig = new_figure(figsize=(4, 2))
        fig.text(0.5, 0.5, "no misclassified samples", ha="center", va="center")
        fig.suptitle(head)
        return save_figure(fig, path, fn)
    # one axes showing one canvas (drawing 25 separate axes is several times slower): each
    # cell is an image with room above it for its two-line title
    h, w = imgs.shape[1:3]
    ncols = min(shown.size, max(1, math.ceil(math.sqrt(shown.size))))
    nrows = math.ceil(shown.size / ncols)
    padx, room = max(2, round(0.2 * w)), max(4, round(0.4 * h))
    cell_w, cell_h = w + padx, h + room
    rgb = imgs.ndim == 4
    canvas = np.full((nrows * cell_h, ncols * cell_w) + ((3,) if rgb else ()),
                     1.0 if rgb else np.nan)
    spots = []
    for i, idx in enumerate(shown):
        r, c = divmod(i, ncols)
        top, left = r * cell_h + room, c * cell_w + padx // 2
        img = imgs[idx]
        lo, hi = float(np.nanmin(img)), float(np.nanmax(img))
        canvas[top:top + h, left:left + w] = (img - lo) / (hi - lo) if hi > lo else 0.0
        spots.append((left + w / 2 - 0.5, top - 1, idx))
    inch = 1.4 / max(w, h)                       # an image is 1.4 inches on its long side
    fig = new_figure(figsize=(canvas.shape[1] * inch, canvas.shape[0] * inch + 0.5))
    ax = fig.add_axes((0, 0, 1, canvas.shape[0] * inch / (canvas.shape[0] * inch + 0.5)))
    ax.imshow(canvas, cmap=None if rgb else "gray", vmin=0, vmax=1, interpolation="nearest")
    for x, y, idx in spots:
        ax.text(x, y, f"true: {name(t[idx])}\npred: {name(p[idx])}", ha="center",
                va="bottom", fontsize=8, color="tab:red")
    ax.axis("off")
    fig.suptitle(head)
    return save_figure(fig, path, fn)


# ----------------------------------------------------------------------------- feature maps
def capture_feature_maps(model, module, x):
    """Run model(x) under no_grad and return what `module` (a submodule of `model`, or its
    dotted name such as "features.0") output during that call, caught by a forward hook
    that is removed before returning (even if the call raises). If the module runs several
    times, its first output is returned; a tuple output comes back as a tuple."""
    fn = "capture_feature_maps"
    if isinstance(module, str):
        module = model.get_submodule(module)
    if not hasattr(module, "register_forward_hook"):
        raise TypeError(f"{fn}(): module should be an nn.Module or a submodule's name, got "
                        f"{type(module).__name__}")
    caught = []

    def hook(mod, args, output):
        if not caught:
            caught.append(output)
    handle = module.register_forward_hook(hook)
    try:
        with no_grad():
            model(x)
    finally:
        handle.remove()
    if not caught:
        raise RuntimeError(f"{fn}(): the module {type(module).__name__} did not run during "
                           "model(x); is it part of the model's forward?")
    out = caught[0]
    if isinstance(out, Tensor):
        return out.detach()
    if isinstance(out, tuple):
        return tuple(o.detach() if isinstance(o, Tensor) else o for o in out)
    return out


def _grid_image(arr, nrow, padding, normalize, scale_each, pad_value):
    """make_grid on a (B, C, h, w) NumPy batch, back as an (H, W) or (H, W, 3) array."""
    grid = make_grid(_make(np.ascontiguousarray(arr)), nrow=nrow, padding=padding,
                     normalize=normalize, scale_each=scale_each, pad_value=pad_value)
    g = to_numpy(grid, "make_grid", "grid")
    if arr.shape[1] == 1:
        return g[0]
    return np.moveaxis(g, 0, -1)


def _show_grid(img, path, fn, title, cmap):
    h, w = img.shape[:2]
    width = min(12.0, max(3.0, w / 25.0))
    height = min(14.0, max(2.0, width * h / w)) + (0.4 if title else 0.0)
    fig = new_figure(figsize=(width, height))
    ax = fig.add_subplot(1, 1, 1)
    ax.imshow(img, cmap=cmap if img.ndim == 2 else None, interpolation="nearest",
              vmin=0.0, vmax=1.0)
    ax.axis("off")
    if title:
        ax.set_title(title)
    return save_figure(fig, path, fn)


def plot_feature_maps(maps, path, nrow=8, max_maps=64, title=None, cmap="viridis"):
    """The channels of one sample's activations side by side, each scaled to its own
    min..max, laid out by minitorch.utils.make_grid `nrow` per row.

    maps: (C, H, W), (N, C, H, W) (the first sample is drawn) or (H, W), for example what
    capture_feature_maps returns. At most `max_maps` channels are drawn. Returns `path`."""
    fn = "plot_feature_maps"
    a = to_numpy(maps, fn, "maps").astype(np.float32)
    if a.ndim == 4:
        a = a[0]
    elif a.ndim == 2:
        a = a[None]
    if a.ndim != 3 or 0 in a.shape:
        raise ValueError(f"{fn}(): maps should be (C, H, W), (N, C, H, W) or (H, W), got "
                         f"shape {tuple(to_numpy(maps, fn, 'maps').shape)}")
    a = a[:max_maps, None]                     # (C, 1, H, W): one gray image per channel
    img = _grid_image(a, nrow, 1, True, True, float("nan"))
    return _show_grid(img, path, fn, title or f"Feature maps ({a.shape[0]} channels)", cmap)


def plot_filters(conv_weight, path, nrow=None, max_filters=64, title=None, cmap="gray",
                 scale_each=False):
    """The kernels of a convolution weight (out, in, kh, kw) as a grid of small images.

    in == 3: each filter drawn in colour (its 3 input channels as RGB), `nrow` (default 8)
    per row. in == 1: one gray image per filter. Otherwise each output filter is a row of
    its `in` kernels (nrow defaults to in, at most 32). At most `max_filters` output
    filters are drawn. Values are scaled by the min and max of all drawn kernels (each by
    its own with scale_each=True). Returns `path`."""
    fn = "plot_filters"
    w = to_numpy(conv_weight, fn, "conv_weight").astype(np.float32)
    if w.ndim != 4 or 0 in w.shape:
        raise ValueError(f"{fn}(): conv_weight should be (out_channels, in_channels, kh, kw), "
                         f"got shape {tuple(w.shape)}")
    w = w[:max_filters]
    out_ch, in_ch = w.shape[:2]
    if in_ch == 3:
        img = _grid_image(w, nrow or 8, 1, True, scale_each, 1.0)
    else:
        if nrow is None:
            nrow = 8 if in_ch == 1 else min(in_ch, 32)
        img = _grid_image(w.reshape(-1, 1, *w.shape[2:]), nrow, 1, True, scale_each,
                          float("nan"))
    return _show_grid(img, path, fn,
                      title or f"Filters {out_ch}x{in_ch}x{w.shape[2]}x{w.shape[3]}", cmap)
