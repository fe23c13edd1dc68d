"""``minitorch.backends.mkl``: minitorch calls MKL only through NumPy's BLAS, if at all."""


def is_available() -> bool:
    return False
