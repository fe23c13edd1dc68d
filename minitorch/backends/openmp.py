"""``minitorch.backends.openmp``: minitorch's CPU parallelism is Numba's and the BLAS
library's (see minitorch.set_num_threads), not an OpenMP runtime of its own."""


def is_available() -> bool:
    return False
