"""``minitorch.backends.mps``: Apple's Metal backend, which minitorch does not have."""


def is_available() -> bool:
    """False: minitorch runs on the CPU (NumPy) and CUDA (CuPy) only."""
    return False


def is_built() -> bool:
    return False


def is_macos13_or_newer(minor: int = 0) -> bool:
    return False
