"""The seam between devices and array libraries: "cpu" is NumPy, "cuda[:N]" is CuPy.

Everything above this module asks `get_array_module(array)` for `xp` and writes one code
path for both devices. CuPy is optional: it is imported lazily, the first time a CUDA
device is asked for or a CuPy array is seen.
"""
from __future__ import annotations

import numpy as np

_cupy = None          # the cupy module once imported
_cupy_error = None    # why it could not be imported


def _try_cupy():
    global _cupy, _cupy_error
    if _cupy is None and _cupy_error is None:
        try:
            import cupy  # noqa: WPS433 (optional dependency)
            _cupy = cupy
        except Exception as exc:  # ImportError, or a CUDA driver error raised at import
            _cupy_error = exc
    return _cupy


class device:
    """A device, as in PyTorch: ``device("cpu")``, ``device("cuda")``, ``device("cuda", 1)``."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        if not isinstance(type, str):
            raise TypeError(f"device(): expected a string such as 'cpu' or 'cuda:0', got {type!r}")
        if ":" in type:
            if index is not None:
                raise ValueError(f"device(): index given twice in {type!r} and index={index}")
            type, _, idx = type.partition(":")
            if not idx.isdigit():
                raise ValueError(f"device(): invalid device string {type}:{idx!r}; "
                                 "expected 'cpu', 'cuda' or 'cuda:N'")
            index = int(idx)
        if type not in ("cpu", "cuda"):
            raise ValueError(f"device(): expected 'cpu' or 'cuda', got {type!r}")
        if type == "cpu":
            index = None
        self.type = type
        self.index = index

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        if not isinstance(other, device):
            return NotImplemented
        if self.type != other.type:
            return False
        # "cuda" without an index matches the current device, like PyTorch's comparisons in
        # practice: cuda == cuda:0 when 0 is current.
        return (self.index if self.index is not None else 0) == \
            (other.index if other.index is not None else 0)

    def __hash__(self):
        return hash((self.type, self.index or 0))

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else \
            f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __reduce__(self):
        return (device, (self.type, self.index))

    # ``with minitorch.device("cuda"): ...``: the default device inside the block, as in
    # PyTorch (set_default_device for the block; nesting restores the outer one)
    def __enter__(self):
        _DEFAULT_STACK.append(_DEFAULT["device"])
        _DEFAULT["device"] = self
        return self

    def __exit__(self, *exc):
        _DEFAULT["device"] = _DEFAULT_STACK.pop()
        return False


CPU = device("cpu")

# The default device of the creation functions (set_default_device); None means CPU.
_DEFAULT = {"device": None}
_DEFAULT_STACK = []


def set_default_device(dev) -> None:
    """Make creation functions without ``device=`` (zeros, randn, tensor...) build on
    `dev` ("cpu", "cuda", "cuda:1", a device, an int; None resets to the CPU)."""
    _DEFAULT["device"] = None if dev is None else to_device(dev, "set_default_device")


def get_default_device() -> device:
    """The device creation functions use when given none (CPU unless changed)."""
    dev = _DEFAULT["device"]
    return CPU if dev is None else dev


def default_device_or_none():
    """The default device when one was set, else None (the hot path: a dict lookup)."""
    return _DEFAULT["device"]


def to_device(value, fn: str = "to") -> device:
    if isinstance(value, device):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return device("cuda", value)
    try:
        return device(value)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{fn}(): {exc}") from None


def get_array_module(array):
    """numpy for NumPy arrays and scalars, cupy for CuPy arrays."""
    if type(array) is np.ndarray:
        return np
    cp = _cupy
    if cp is not None and isinstance(array, cp.ndarray):
        return cp
    return np


def array_device(array) -> device:
    if type(array) is np.ndarray:
        return CPU
    cp = _cupy
    if cp is not None and isinstance(array, cp.ndarray):
        return device("cuda", array.device.id)
    return CPU


def is_array(x) -> bool:
    if isinstance(x, np.ndarray):
        return True
    cp = _cupy
    return cp is not None and isinstance(x, cp.ndarray)


def cuda_available() -> bool:
    cp = _try_cupy()
    if cp is None:
        return False
    try:
        return cp.cuda.runtime.getDeviceCount() > 0
    except Exception:
        return False


def cuda_device_count() -> int:
    cp = _try_cupy()
    if cp is None:
        return 0
    try:
        return cp.cuda.runtime.getDeviceCount()
    except Exception:
        return 0


class CudaUnavailableError(RuntimeError, AssertionError):
    """CUDA asked for where there is none. PyTorch raises AssertionError ("Torch not compiled
    with CUDA enabled") there; programs catch either, so this is both."""


def require_cuda(fn: str, dev: device):
    """Return cupy, or raise a clear error saying why CUDA cannot be used."""
    cp = _try_cupy()
    if cp is None:
        raise CudaUnavailableError(
            f"{fn}(): device '{dev}' needs CuPy, which could not be imported "
            f"({_cupy_error}). Install the 'cuda' extra: pip install 'minitorch-xp[cuda]' "
            "(Torch not compiled with CUDA enabled)")
    count = cuda_device_count()
    idx = dev.index or 0
    if idx >= count:
        raise RuntimeError(f"{fn}(): device '{dev}' asked for, but {count} CUDA device(s) are "
                           "available")
    return cp


def array_module_for(dev: device):
    return np if dev.type == "cpu" else require_cuda("device", dev)


def transfer(array, dev: device):
    """Copy `array` to `dev` (no copy when it is already there)."""
    if dev.type == "cpu":
        if type(array) is np.ndarray:
            return array
        return array.get()
    cp = require_cuda("to", dev)
    idx = dev.index or 0
    if isinstance(array, cp.ndarray) and array.device.id == idx:
        return array
    with cp.cuda.Device(idx):
        return cp.asarray(array)


_gpu_seen = False   # a GPU answered once: synchronize() skips asking again (timed loops)


def synchronize():
    global _gpu_seen
    cp = _try_cupy()
    if cp is not None and (_gpu_seen or cuda_available()):
        _gpu_seen = True
        cp.cuda.runtime.deviceSynchronize()


def index_add_at(target, index, values):
    """target[index] += values with repeated indices accumulating (np.add.at / scatter_add)."""
    xp = get_array_module(target)
    if xp is np:
        rows = index[0] if isinstance(index, tuple) and len(index) == 1 else index
        if (isinstance(rows, np.ndarray) and rows.ndim == 1 and rows.dtype.kind in "iu"
                and values.ndim >= 2 and rows.size >= _ROWS_SORTED_MIN
                and values.shape[0] == rows.size):
            return _add_rows_sorted(target, rows, values)
        np.add.at(target, index, values)
    else:
        import cupyx  # noqa: WPS433
        cupyx.scatter_add(target, index, values)
    return target


# below this many rows np.add.at is as fast as sorting
_ROWS_SORTED_MIN = 64


def _add_rows_sorted(target, rows, values):
    """target[rows] += values for a 1-D integer `rows` whose entries may repeat (NumPy).

    np.add.at adds one row at a time (about 1 ms for an embedding gradient of 2048 rows
    of 64). Instead: a stable sort groups equal rows (keeping their order), one
    np.add.reduceat sums each group, and one fancy-index add puts the sums in place (no
    repeats are left, so plain ``+=`` is exact). Negative rows are wrapped first, so that
    -1 and n-1 fall into one group."""
    n = target.shape[0]
    if rows.size and (rows.min() < -n or rows.max() >= n):
        bad = rows[(rows < -n) | (rows >= n)][0]
        raise IndexError(f"index {int(bad)} is out of bounds for axis 0 with size {n}")
    rows = np.where(rows < 0, rows + n, rows)
    order = np.argsort(rows, kind="stable")
    r = rows[order]
    starts = np.flatnonzero(np.concatenate(([True], r[1:] != r[:-1])))
    target[r[starts]] += np.add.reduceat(values[order], starts, axis=0)
    return target

