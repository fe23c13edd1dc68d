"""Tensor.__repr__ in PyTorch's style:

    tensor([[1.0000, 2.5000],
            [3.0000, 4.0000]], dtype=minitorch.float64, requires_grad=True)

The rules are PyTorch's (torch/_tensor_str.py), so ``str(t)`` matches torch's character
for character: one format for the whole tensor chosen from its nonzero finite values
(integer-valued floats print as "1.", scientific notation when the largest / smallest
ratio exceeds 1000, the largest is above 1e8 or the smallest below 1e-4, otherwise 4
decimals), every element right-aligned to the widest, rows wrapped at 80 columns, and
tensors over 1000 elements summarized to 3 items at each edge.
"""
from __future__ import annotations

import math

import numpy as np

from . import dtypes as _dt

PRECISION = 4
THRESHOLD = 1000
EDGEITEMS = 3
LINEWIDTH = 80
SCI_MODE = None   # None: chosen per tensor; True/False: forced (set_printoptions)

_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80),
             "full": (4, math.inf, 3, 80)}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """PyTorch's set_printoptions: digits after the point (`precision`), the element count
    above which a tensor is summarized (`threshold`), items kept at each edge then
    (`edgeitems`), characters per line (`linewidth`), a `profile` ("default", "short",
    "full") setting the four at once, and `sci_mode` (True/False forces scientific
    notation on/off; None lets each tensor choose). Affects repr and str of tensors."""
    global PRECISION, THRESHOLD, EDGEITEMS, LINEWIDTH, SCI_MODE
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions(): profile must be one of "
                             f"{sorted(_PROFILES)}, got {profile!r}")
        PRECISION, THRESHOLD, EDGEITEMS, LINEWIDTH = _PROFILES[profile]
    if precision is not None:
        PRECISION = int(precision)
    if threshold is not None:
        THRESHOLD = threshold
    if edgeitems is not None:
        EDGEITEMS = int(edgeitems)
    if linewidth is not None:
        LINEWIDTH = int(linewidth)
    SCI_MODE = None if sci_mode is None else bool(sci_mode)


def get_printoptions() -> dict:
    """The current print options, as set_printoptions takes them."""
    return {"precision": PRECISION, "threshold": THRESHOLD, "edgeitems": EDGEITEMS,
            "linewidth": LINEWIDTH, "sci_mode": SCI_MODE}


class _Formatter:
    """One number format for a whole tensor (PyTorch's _Formatter)."""

    def __init__(self, values: np.ndarray):
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = values.reshape(-1)
        if not self.floating:
            for v in flat.tolist():
                self.max_width = max(self.max_width, len(_plain(v)))
            return
        flat = flat.astype(np.float64)
        nz = flat[np.isfinite(flat) & (flat != 0)]
        if nz.size == 0:
            return
        absv = np.abs(nz)
        lo, hi = absv.min(), absv.max()
        self.int_mode = bool(np.all(nz == np.ceil(nz)))
        self.sci_mode = bool(hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4) \
            if SCI_MODE is None else SCI_MODE
        vals = nz.tolist()
        if self.sci_mode:
            self.max_width = max(len(f"{v:.{PRECISION}e}") for v in vals)
        elif self.int_mode:
            self.max_width = max(len(f"{v:.0f}") + 1 for v in vals)
        else:
            self.max_width = max(len(f"{v:.{PRECISION}f}") for v in vals)

    def format(self, value) -> str:
        if self.floating:
            if self.sci_mode:
                ret = f"{value:.{PRECISION}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{value:.{PRECISION}f}"
        else:
            ret = _plain(value)
        return ret.rjust(self.max_width)


def _plain(v) -> str:
    return str(v)  # ints and bools as Python prints them: 3, True


def _summarized(arr: np.ndarray) -> np.ndarray:
    """The values that will be printed (edges only for big tensors)."""
    if arr.ndim == 0:
        return arr
    idx = []
    for n in arr.shape:
        idx.append(np.r_[0:EDGEITEMS, n - EDGEITEMS:n] if n > 2 * EDGEITEMS else np.arange(n))
    return arr[np.ix_(*idx)]


def _vector_str(arr, indent, summarize, fmt) -> str:
    element_length = fmt.max_width + 2
    per_line = max(1, (LINEWIDTH - indent) // element_length)
    n = arr.shape[0]
    if summarize and n > 2 * EDGEITEMS:
        data = ([fmt.format(v) for v in arr[:EDGEITEMS].tolist()] + [" ..."] +
                [fmt.format(v) for v in arr[-EDGEITEMS:].tolist()])
    else:
        data = [fmt.format(v) for v in arr.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str(arr, indent, summarize, fmt) -> str:
    if arr.ndim == 0:
        return fmt.format(arr.item())
    if arr.ndim == 1:
        return _vector_str(arr, indent, summarize, fmt)
    n = arr.shape[0]
    if summarize and n > 2 * EDGEITEMS:
        rows = ([_tensor_str(arr[i], indent + 1, summarize, fmt) for i in range(EDGEITEMS)] +
                ["..."] +
                [_tensor_str(arr[i], indent + 1, summarize, fmt) for i in range(n - EDGEITEMS, n)])
    else:
        rows = [_tensor_str(arr[i], indent + 1, summarize, fmt) for i in range(n)]
    return "[" + ("," + "\n" * (arr.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def format_array(arr, prefix="tensor("):
    """The bracketed body of a tensor's repr (without prefix and suffixes)."""
    if arr.size == 0:
        return "[]"
    summarize = arr.size > THRESHOLD
    if arr.dtype == np.float16:
        arr = arr.astype(np.float32)
    fmt = _Formatter(_summarized(arr) if summarize else arr)
    return _tensor_str(arr, len(prefix), summarize, fmt)


def _add_suffixes(text, suffixes, indent):
    out = [text]
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > LINEWIDTH:
            out.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            out.append(", " + suffix)
            last_line_len += len(suffix) + 2
    out.append(")")
    return "".join(out)


def tensor_repr(t) -> str:
    prefix = "tensor("
    arr = t._data if type(t._data) is np.ndarray else t._data.get()
    suffixes = []
    dev = t.device
    if dev.type != "cpu":
        suffixes.append(f"device='{dev}'")
    d = t.dtype
    if arr.size == 0:
        if arr.ndim != 1:
            suffixes.append(f"size={tuple(arr.shape)}")
        if d is not _dt.get_default_dtype():
            suffixes.append(f"dtype={d!r}")
        body = "[]"
    else:
        if d not in (_dt.get_default_dtype(), _dt.int64, _dt.bool_):
            suffixes.append(f"dtype={d!r}")
        body = format_array(arr, prefix)
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t._rg:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, len(prefix))
