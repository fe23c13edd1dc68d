"""``minitorch.accelerator``: PyTorch's device-agnostic accelerator API, for scripts
written for recent PyTorch::

    dev = minitorch.accelerator.current_accelerator() if minitorch.accelerator.is_available() \\
        else minitorch.device("cpu")

minitorch has one accelerator type, CUDA through CuPy. "Built with it" (PyTorch's
compile-time check) means CuPy imports; "available" means CuPy also sees a GPU.
"""
from __future__ import annotations

from . import backend
from .backend import device

__all__ = ["is_available", "current_accelerator", "device_count", "current_device_index",
           "set_device_index", "synchronize"]


def _cupy():
    return backend._try_cupy()


def is_available() -> bool:
    """True when CuPy imports and sees at least one CUDA device."""
    return backend.cuda_available()


def current_accelerator(check_available: bool = False):
    """``device("cuda")`` when minitorch can use CUDA (CuPy imports; with
    ``check_available=True`` a GPU must also be present), else None."""
    if _cupy() is None:
        return None
    if check_available and not is_available():
        return None
    return device("cuda")


def device_count() -> int:
    """How many CUDA devices CuPy sees (0 without CuPy or a GPU)."""
    return backend.cuda_device_count()


def _require(fn: str):
    if not is_available():
        raise RuntimeError(f"accelerator.{fn}(): no accelerator is available (CuPy with a CUDA "
                           "GPU is needed: pip install 'minitorch-xp[cuda]')")
    return _cupy()


def current_device_index() -> int:
    """The index of the current CUDA device."""
    return int(_require("current_device_index").cuda.runtime.getDevice())


def set_device_index(index) -> None:
    """Make CUDA device `index` (an int or a ``device("cuda", i)``) the current one."""
    cp = _require("set_device_index")
    if isinstance(index, (str, device)):
        index = device(index).index or 0
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError(f"accelerator.set_device_index(): index must be an int or a cuda "
                        f"device, got {type(index).__name__}")
    if not 0 <= index < device_count():
        raise ValueError(f"accelerator.set_device_index(): index {index} is out of range "
                         f"(there are {device_count()} devices)")
    cp.cuda.Device(index).use()


def synchronize(device=None) -> None:
    """Wait until the queued GPU work is done (nothing to wait for without a GPU)."""
    backend.synchronize()
