"""What the Numba faces of the kernels share: the decorators (identity functions when
Numba is missing, so the modules still import and offer only their NumPy reference), and
the size below which a kernel runs on one thread."""
try:
    import numba
    njit = numba.njit(cache=True)
    njit_parallel = numba.njit(cache=True, parallel=True)
    prange = numba.prange
except ImportError:  # pragma: no cover - the Numba face is then not offered
    numba = None
    njit = njit_parallel = lambda f: f  # noqa: E731
    prange = range

# below this much work (window entries visited) a Numba face runs on one thread: starting
# the thread pool costs more than it saves on small inputs (gradcheck, tests)
PARALLEL_MIN_WORK = 1 << 16
