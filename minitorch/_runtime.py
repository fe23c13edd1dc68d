"""The torch-level runtime switches and small queries PyTorch programs call at the top:
default device and tensor type, determinism, matmul precision, thread counts,
``compile``, ``typename``, ``is_nonzero``...

Where PyTorch's switch selects among kernels minitorch does not have (TF32, cuDNN
autotuning, deterministic kernels), minitorch keeps the setting so that programs can set
and read it back, and says in the docstring that it changes nothing. Thread counts are
real: they go to Numba (minitorch's CPU kernels) and, when the optional threadpoolctl is
installed, to the BLAS library under NumPy.
"""
from __future__ import annotations

import builtins
import os
import warnings

from . import backend
from . import dtypes as _dt
from .tensor import Tensor

__all__ = ["set_default_device", "get_default_device", "set_default_tensor_type",
           "use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
           "is_deterministic_algorithms_warn_only_enabled", "set_deterministic_debug_mode",
           "get_deterministic_debug_mode", "set_float32_matmul_precision",
           "get_float32_matmul_precision", "set_num_threads", "get_num_threads",
           "set_num_interop_threads", "get_num_interop_threads", "compile", "typename",
           "is_nonzero", "is_same_size", "get_device", "is_floating_point", "is_complex",
           "is_storage", "set_warn_always", "is_warn_always_enabled", "can_cast",
           "is_inference", "is_anomaly_enabled", "set_anomaly_enabled", "from_dlpack",
           "is_signed", "result_type", "GradScaler", "e", "pi", "inf", "nan", "newaxis"]

import math as _math  # noqa: E402

e, pi, inf, nan = _math.e, _math.pi, _math.inf, _math.nan
newaxis = None

get_default_device = backend.get_default_device
can_cast = _dt.can_cast


def set_default_device(device) -> None:
    """Make creation functions without ``device=`` (zeros, randn, arange...) build on
    `device` ("cpu", "cuda", "cuda:1", a device, an int; None resets to the CPU)."""
    backend.set_default_device(device)


def result_type(tensor1, tensor2):
    """The dtype an elementwise op on `tensor1` and `tensor2` (Tensors or Python numbers)
    gives, with PyTorch's promotion rules."""
    return _dt.result_type(tensor1, tensor2)


def __getattr__(name):
    if name == "GradScaler":   # minitorch.GradScaler is minitorch.amp.GradScaler
        from .amp import GradScaler
        return GradScaler
    raise AttributeError(name)

_STATE = {"deterministic": False, "warn_only": False, "matmul_precision": "highest",
          "num_threads": None, "interop_threads": None, "warn_always": False}


# ---------------------------------------------------------------------------- defaults
def set_default_tensor_type(t) -> None:
    """The legacy way to set the default float dtype (and device):
    ``set_default_tensor_type(minitorch.DoubleTensor)`` or "torch.cuda.FloatTensor".
    Deprecated in PyTorch for set_default_dtype and set_default_device."""
    from ._tensor_types import parse_type
    d, dev = parse_type(t, "set_default_tensor_type")
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _dt.set_default_dtype(d)
    backend.set_default_device(None if dev in (None, "cpu") else dev)


# ---------------------------------------------------------------------------- determinism
def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Recorded only: minitorch's kernels are deterministic already (NumPy and Numba on
    the CPU; on CUDA, scatter-adds through atomics may sum in varying order)."""
    if not isinstance(mode, bool):
        raise TypeError(f"use_deterministic_algorithms(): argument 'mode' must be bool, got "
                        f"{type(mode).__name__}")
    _STATE["deterministic"] = mode
    _STATE["warn_only"] = bool(warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    return _STATE["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _STATE["warn_only"]


def set_deterministic_debug_mode(debug_mode) -> None:
    """0/"default", 1/"warn", 2/"error", as PyTorch (recorded only)."""
    names = {"default": 0, "warn": 1, "error": 2}
    mode = names.get(debug_mode, debug_mode)
    if mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected one of 0, 1, 2, "
                           f"'default', 'warn', 'error', but got {debug_mode!r}")
    use_deterministic_algorithms(mode > 0, warn_only=mode == 1)


def get_deterministic_debug_mode() -> int:
    if not _STATE["deterministic"]:
        return 0
    return 1 if _STATE["warn_only"] else 2


def set_float32_matmul_precision(precision: str) -> None:
    """"highest", "high" or "medium": PyTorch may then use TF32/bfloat16 inside float32
    matmuls. Recorded only: minitorch's float32 matmuls are always full float32."""
    if precision not in ("highest", "high", "medium"):
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                      "set_float32_matmul_precision call has no effect.", stacklevel=2)
        return
    _STATE["matmul_precision"] = precision


def get_float32_matmul_precision() -> str:
    return _STATE["matmul_precision"]


# ---------------------------------------------------------------------------- threads
def set_num_threads(int) -> None:  # noqa: A002 (PyTorch's parameter name)
    """Threads for CPU work: Numba's parallel kernels (minitorch's own) and, when the
    optional threadpoolctl is installed, the BLAS library NumPy uses (matmul). Without
    threadpoolctl, BLAS keeps the thread count it started with (set OMP_NUM_THREADS before
    starting Python to change it)."""
    n = int
    if isinstance(n, bool) or not isinstance(n, builtins.int) or n < 1:
        raise RuntimeError(f"set_num_threads(): number of threads must be a positive "
                           f"integer, got {n!r}")
    _STATE["num_threads"] = n
    try:
        import numba
        numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
    except (ImportError, ValueError):
        pass
    try:
        from threadpoolctl import threadpool_limits  # optional
    except ImportError:
        return
    threadpool_limits(limits=n)


def get_num_threads() -> int:
    """The thread count set by set_num_threads, else the one CPU work starts with
    (OMP_NUM_THREADS, else the CPUs this process may use)."""
    if _STATE["num_threads"] is not None:
        return _STATE["num_threads"]
    env = os.environ.get("OMP_NUM_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover (not Linux)
        return os.cpu_count() or 1


def set_num_interop_threads(int) -> None:  # noqa: A002 (PyTorch's parameter name)
    """Recorded only: minitorch runs one operation at a time (no inter-op pool)."""
    n = int
    if isinstance(n, bool) or not isinstance(n, builtins.int) or n < 1:
        raise RuntimeError(f"set_num_interop_threads(): number of threads must be a "
                           f"positive integer, got {n!r}")
    _STATE["interop_threads"] = n


def get_num_interop_threads() -> int:
    return _STATE["interop_threads"] or get_num_threads()


# ---------------------------------------------------------------------------- compile
def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None,
            options=None, name=None, disable=False, recompile_limit=None,
            isolate_recompiles=False, shapes_spec=None):
    """PyTorch's compiler entry point. minitorch has no compiler: this returns `model`
    (a Module or a function) unchanged, so ``model = torch.compile(model)`` runs as
    eager code. Without `model` it returns a decorator that does the same."""
    if model is None:
        def decorator(fn):
            return fn
        return decorator
    return model


# ---------------------------------------------------------------------------- queries
def typename(obj) -> str:
    """A tensor's type string ("torch.FloatTensor", as Tensor.type()), else the
    qualified class name of `obj` ("int", "minitorch.nn.linear.Linear")."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    qual = getattr(obj, "__qualname__", None)
    if qual is None:
        module = type(obj).__module__
        qual = type(obj).__qualname__
    if module in ("builtins", "__builtin__"):
        return qual
    return f"{module}.{qual}"


def is_nonzero(input) -> bool:
    """Whether a one-element tensor is nonzero; RuntimeError for other sizes."""
    if not isinstance(input, Tensor):
        raise TypeError(f"is_nonzero(): argument 'input' must be Tensor, not "
                        f"{type(input).__name__}")
    n = input.numel()
    if n == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input.item())


def is_same_size(input, other) -> bool:
    return tuple(input.shape) == tuple(other.shape)


def get_device(input) -> int:
    """-1 for a CPU tensor, the CUDA device index otherwise."""
    return input.get_device()


def is_floating_point(input) -> bool:
    return input.is_floating_point()


def is_complex(input) -> bool:
    """Always False: minitorch has no complex tensors."""
    return False


def is_inference(input) -> bool:
    return input.is_inference()


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    """Turn anomaly detection on or off (autograd.set_detect_anomaly without the block)."""
    from .autograd.anomaly_mode import set_detect_anomaly
    set_detect_anomaly(enabled, check_nan)


def is_signed(input) -> bool:
    return input.is_signed()


def is_anomaly_enabled() -> bool:
    from .autograd.anomaly_mode import is_anomaly_enabled as _enabled
    return _enabled()


def from_dlpack(ext_tensor) -> Tensor:
    """A tensor sharing memory with any DLPack producer (a NumPy/CuPy array, a torch or
    JAX tensor...): NumPy's from_dlpack for CPU memory, CuPy's for GPU memory."""
    import numpy as np
    if isinstance(ext_tensor, Tensor):
        return ext_tensor
    kind = ext_tensor.__dlpack_device__()[0] if hasattr(ext_tensor, "__dlpack_device__") else 1
    if kind == 1:  # kDLCPU
        arr = np.from_dlpack(ext_tensor)
    else:
        cp = backend._try_cupy()
        if cp is None:
            raise RuntimeError("from_dlpack(): the data is on a GPU and CuPy is not available")
        arr = cp.from_dlpack(ext_tensor)
    _dt.from_numpy_dtype(arr.dtype)
    from .tensor import _make
    return _make(arr)


def is_storage(obj) -> bool:
    from .tensor import _Storage
    return isinstance(obj, _Storage)


def set_warn_always(b: bool) -> None:
    """Recorded only (minitorch's warnings follow Python's warning filters)."""
    _STATE["warn_always"] = bool(b)


def is_warn_always_enabled() -> bool:
    return _STATE["warn_always"]
