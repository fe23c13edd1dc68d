"""``minitorch.backends.cpu``."""


def get_cpu_capability() -> str:
    """"DEFAULT": minitorch does not select kernels by vector instruction set (NumPy and
    Numba do that themselves)."""
    return "DEFAULT"
