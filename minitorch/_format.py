"""Tensor.__repr__ in PyTorch's style:

    tensor([[1.0000, 2.5000],
            [3.0000, 4.0000]], dtype=minitorch.float64, requires_grad=True)
"""
from __future__ import annotations

import numpy as np

from . import dtypes as _dt

PRECISION = 4
THRESHOLD = 1000
EDGEITEMS = 3
LINEWIDTH = 80


def _float_formatter(values):
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return lambda x: _special(x) or f"{x:.{PRECISION}f}"
    absvals = np.abs(finite.astype(np.float64))
    nonzero = absvals[absvals > 0]
    if np.all(finite == np.round(finite)):
        if absvals.max() >= 1e8:
            return lambda x: _special(x) or f"{x:.{PRECISION}e}"
        return lambda x: _special(x) or f"{x:.0f}."
    sci = nonzero.size and (nonzero.max() / nonzero.min() > 1000.0 or nonzero.max() > 1e8
                            or nonzero.min() < 1e-4)
    if sci:
        return lambda x: _special(x) or f"{x:.{PRECISION}e}"
    return lambda x: _special(x) or f"{x:.{PRECISION}f}"


def _special(x):
    if np.isnan(x):
        return "nan"
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    return None


def _summary_values(arr):
    """The values that will be printed (edges only for big tensors)."""
    if arr.size <= THRESHOLD or arr.ndim == 0:
        return arr.reshape(-1)
    idx = []
    for n in arr.shape:
        if n > 2 * EDGEITEMS:
            idx.append(np.r_[0:EDGEITEMS, n - EDGEITEMS:n])
        else:
            idx.append(np.arange(n))
    return arr[np.ix_(*idx)].reshape(-1)


def format_array(arr, prefix="tensor("):
    values = _summary_values(arr)
    kind = arr.dtype.kind
    if kind == "b":
        fmt = lambda x: "True" if x else "False"  # noqa: E731
    elif kind in "iu":
        fmt = lambda x: str(int(x))  # noqa: E731
    else:
        fmt = _float_formatter(values.astype(np.float64))
    width = max((len(fmt(v)) for v in values), default=1)
    body = np.array2string(
        arr, separator=", ", prefix=prefix, threshold=THRESHOLD, edgeitems=EDGEITEMS,
        max_line_width=LINEWIDTH,
        formatter={"all": lambda x: fmt(x).rjust(width)})
    return body


def tensor_repr(t) -> str:
    arr = t._data if type(t._data) is np.ndarray else t._data.get()
    extras = []
    if arr.size == 0:
        body = "[]"
        if arr.shape != (0,):
            extras.append(f"size={tuple(arr.shape)}")
    else:
        body = format_array(arr)
    dev = t.device
    if dev.type != "cpu":
        extras.append(f"device='{dev}'")
    d = t.dtype
    if d not in (_dt.get_default_dtype(), _dt.int64, _dt.bool_):
        extras.append(f"dtype={d!r}")
    if t.grad_fn is not None:
        extras.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t._rg:
        extras.append("requires_grad=True")
    suffix = "".join(", " + e for e in extras)
    return f"tensor({body}{suffix})"
