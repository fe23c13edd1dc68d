"""minitorch.kernels: the hot paths, each with three faces behind one signature.

For a kernel NAME there is a module ``kernels/NAME.py`` defining

- ``reference(...)``: NumPy that reads like the textbook (always available);
- ``numba_impl(...)``: a Numba version for the CPU (used when numba imports);
- ``cuda_impl(...)``: CUDA C from ``kernels/NAME.cu`` run through CuPy's RawModule.

``kernels.get("NAME", array)`` picks the face for an array: CuPy arrays get the CUDA one,
NumPy arrays the Numba one, unless the environment variable ``MINITORCH_KERNELS=reference``
forces the NumPy reference (``=numba`` forces Numba on the CPU). Tests call every face
that is available and check they agree.

The folder is a top-level directory so that learners find the fast code next to the
framework; it installs as the ``minitorch.kernels`` package (see pyproject.toml).
"""
from __future__ import annotations

import importlib
import os

import numpy as np

_numba_ok = None


def numba_available() -> bool:
    global _numba_ok
    if _numba_ok is None:
        try:
            import numba  # noqa: F401
            _numba_ok = True
        except Exception:
            _numba_ok = False
    return _numba_ok


def mode() -> str:
    """'auto' (default), 'reference' or 'numba', from $MINITORCH_KERNELS."""
    m = os.environ.get("MINITORCH_KERNELS", "auto").lower()
    if m not in ("auto", "reference", "numba"):
        raise ValueError(f"MINITORCH_KERNELS must be 'auto', 'reference' or 'numba', got {m!r}")
    return m


def module(name: str):
    return importlib.import_module(f"{__name__}.{name}")


def faces(name: str, device: str = "cpu") -> dict:
    """Every available implementation of kernel `name` on `device`, by face name."""
    mod = module(name)
    if device == "cuda":
        return {"cuda": mod.cuda_impl}
    out = {"reference": mod.reference}
    if numba_available() and hasattr(mod, "numba_impl"):
        out["numba"] = mod.numba_impl
    return out


def get(name: str, array):
    """The implementation of kernel `name` to use for `array` (numpy or cupy)."""
    mod = module(name)
    if type(array) is not np.ndarray and not isinstance(array, np.ndarray):
        return mod.cuda_impl
    m = mode()
    if m == "reference" or not numba_available() or not hasattr(mod, "numba_impl"):
        return mod.reference
    return mod.numba_impl


def cuda_source(name: str) -> str:
    """The text of kernels/NAME.cu."""
    with open(os.path.join(os.path.dirname(__file__), name + ".cu")) as f:
        return f.read()


_modules = {}


def cuda_function(name: str, function: str, options=("--std=c++11",)):
    """A compiled function from kernels/NAME.cu (compiled once per process by CuPy)."""
    import cupy
    mod = _modules.get(name)
    if mod is None:
        mod = _modules[name] = cupy.RawModule(code=cuda_source(name), options=options)
    return mod.get_function(function)


THREADS_PER_BLOCK = 256
_SUFFIX = {np.dtype(np.float32): "float", np.dtype(np.float64): "double"}


def launch(name: str, function: str, x, n: int, args) -> None:
    """Run FUNCTION_float or FUNCTION_double (by x's dtype) from kernels/NAME.cu with one
    thread per element of n (grid-stride loops in the kernels cover any excess)."""
    suffix = _SUFFIX.get(x.dtype)
    if suffix is None:
        raise TypeError(f"{name} CUDA kernel: float32 or float64 expected, got {x.dtype}")
    if n == 0:
        return
    fn = cuda_function(name, f"{function}_{suffix}")
    blocks = min((n + THREADS_PER_BLOCK - 1) // THREADS_PER_BLOCK, 65535 * 16)
    fn((blocks,), (THREADS_PER_BLOCK,), args)
