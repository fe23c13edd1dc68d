"""``minitorch.cpu``: PyTorch's CPU device module (``torch.cpu``): the CPU is always
available, synchronize has nothing to wait for, and ``cpu.amp`` holds autocast."""
from . import amp  # noqa: F401

__all__ = ["is_available", "device_count", "current_device", "synchronize", "amp",
           "set_device", "current_stream", "Stream"]


def is_available() -> bool:
    return True


def device_count() -> int:
    return 1


def current_device() -> str:
    return "cpu"


def set_device(device) -> None:
    pass


def synchronize(device=None) -> None:
    """Nothing to wait for: CPU work is done when the call returns."""


class Stream:
    """The CPU's stand-in stream (work runs at once)."""

    def __init__(self, priority: int = -1):
        pass

    def wait_stream(self, stream) -> None:
        pass

    def synchronize(self) -> None:
        pass

    def query(self) -> bool:
        return True


def current_stream(device=None) -> Stream:
    return Stream()
