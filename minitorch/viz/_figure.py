"""A matplotlib Figure on the Agg canvas, and saving it atomically.

matplotlib is imported here, lazily, on the first plot, so `import minitorch` and
`import minitorch.viz` stay fast. Figures are made with matplotlib.figure.Figure on an
explicit FigureCanvasAgg, never through pyplot: no global backend switch, no figure left
open in pyplot's registry, and a user's own pyplot session is not disturbed.
"""
from __future__ import annotations

import os

import numpy as np

from .. import backend
from ..utils.atomic import atomic_write
from ..tensor import Tensor


def new_figure(figsize=(6.4, 4.8), dpi=100):
    """A Figure drawn by the Agg (raster, file-only) canvas."""
    try:
        from matplotlib.figure import Figure
        from matplotlib.backends.backend_agg import FigureCanvasAgg
    except ImportError as e:  # pragma: no cover - matplotlib is a dependency
        raise ImportError("minitorch.viz needs matplotlib: pip install matplotlib") from e
    fig = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def save_figure(fig, path, fn: str, dpi=None) -> str:
    """Write `fig` to `path` (format from its suffix: .png by default, .svg, .pdf, ...),
    creating the parent folders, through a temporary file in the same folder renamed
    into place, so a crash never leaves half a file. Returns the path as a str."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    ext = os.path.splitext(path)[1].lower().lstrip(".") or "png"
    supported = fig.canvas.get_supported_filetypes()
    if ext not in supported:
        raise ValueError(f"{fn}(): cannot write a {ext!r} file ({path!r}); use one of "
                         f"{', '.join(sorted(supported))} (PNG by default)")
    with atomic_write(path, "wb") as f:
        fig.savefig(f, format=ext, dpi=dpi, bbox_inches="tight")
    return path


def to_numpy(x, fn: str, name: str) -> np.ndarray:
    """A CPU NumPy array from a Tensor (detached, any device), a NumPy/CuPy array or a list."""
    if isinstance(x, Tensor):
        return np.asarray(backend.transfer(x.detach()._data, backend.device("cpu")))
    if isinstance(x, np.ndarray):
        return x
    if type(x).__module__.split(".")[0] == "cupy":
        return x.get()
    try:
        return np.asarray(x)
    except Exception as e:
        raise TypeError(f"{fn}(): {name} should be a Tensor, an array or a list, got "
                        f"{type(x).__name__}") from e
