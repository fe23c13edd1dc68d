"""``minitorch.cuda``: whether CuPy and a GPU are here."""
from . import backend


def is_available() -> bool:
    """True when CuPy imports and sees at least one CUDA device."""
    return backend.cuda_available()


def device_count() -> int:
    return backend.cuda_device_count()


def synchronize(device=None) -> None:
    """Wait for all queued GPU work to finish (no-op without a GPU)."""
    backend.synchronize()


def current_device() -> int:
    """The index of the current CUDA device (an error without one)."""
    from .accelerator import current_device_index
    return current_device_index()


def set_device(device) -> None:
    """Make a CUDA device (an index or ``device("cuda", i)``) the current one."""
    from .accelerator import set_device_index
    set_device_index(device)


def manual_seed(seed: int) -> None:
    from .random import manual_seed as _seed
    _seed(seed)


manual_seed_all = manual_seed
