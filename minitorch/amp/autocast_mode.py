"""autocast: run the expensive products in float16 on the GPU, keep the rest accurate.

How it works. While an autocast region is active for CUDA, ``Function.apply`` hands
every op to ``_hook`` (see minitorch/autograd/_hooks.py), which looks the op's Function
class up in two lists, as PyTorch's autocast does:

- LOWER (MatMul, Linear, the convolutions, attention): floating inputs are cast to the
  autocast dtype (float16) before the op, so the product runs in float16 on the GPU;
- FP32 (softmax, log_softmax, logsumexp, normalization, norms, reductions, NLL): float16
  inputs are cast to float32.

The casts are ordinary differentiable ops, so gradients flow back to the float32 weights
in float32. Ops in neither list run in the dtype of their inputs.

The op wrappers (``linear()``, ``matmul()``, ``conv2d()``...) check that their operands
have one dtype before calling their Function. For code paths where a wrapper has not yet
called ``lower_inputs`` itself (so it saw float32 operands and passed them on), the hook
casts the float16 result back to float32, so that the next wrapper's check holds: the
product still ran in float16, but the tensor leaving the op is float32. A wrapper that
calls ``lower_inputs(...)`` first gets PyTorch's behaviour exactly (float16 out).

On the CPU, minitorch has no fast float16/bfloat16 kernels (NumPy's float16 matmul is
much slower than float32), so ``autocast("cpu")`` warns once and leaves the region in
float32 (PyTorch's own autocast also disables itself, with a warning, where it cannot
run).
"""
from __future__ import annotations

import functools
import warnings

import numpy as np

from .. import backend
from .. import dtypes as _dt
from ..tensor import Tensor
from ..autograd._hooks import HOOKS, refresh

__all__ = ["autocast", "is_autocast_available", "is_autocast_enabled", "get_autocast_dtype",
           "set_autocast_enabled", "set_autocast_dtype", "custom_fwd", "custom_bwd",
           "lower_inputs", "fp32_inputs"]

_DEVICES = ("cuda", "cpu")
# per device: [enabled, dtype]
_STATE = {"cuda": [False, _dt.float16], "cpu": [False, _dt.bfloat16]}
_WARNED = {"cpu": False}
# Tests set this to run the CUDA policy on NumPy arrays (float16 on the host).
_CPU_LOWERING = False

# Function class names per policy, resolved against minitorch.functional on first use
_LOWER_NAMES = {"linalg": ["MatMul", "Einsum"], "linear": ["Linear", "Bilinear"],
                "conv": ["Conv2dFunction", "ConvTranspose2dFunction", "ConvGradWeight"],
                "attention": ["ScaledDotProductAttention"]}
_FP32_NAMES = {"activation": ["Softmax", "LogSoftmax", "Softplus", "LogSigmoid"],
               "reduction": ["LogSumExp", "Norm2", "Var", "Sum", "Prod", "CumSum", "CumProd",
                             "LogCumSumExp"],
               "normalization": ["Standardize"], "loss": ["NLL"],
               "elementwise": ["Exp", "Log", "Log1p", "Expm1", "Pow", "Reciprocal", "Rsqrt"]}
_POLICY = None   # Function class -> "lower" | "fp32"


def _policies():
    global _POLICY
    if _POLICY is None:
        import importlib
        table = {}
        for policy, names in (("lower", _LOWER_NAMES), ("fp32", _FP32_NAMES)):
            for module, classes in names.items():
                try:
                    mod = importlib.import_module(f"minitorch.functional.{module}")
                except ImportError:
                    continue
                for name in classes:
                    cls = getattr(mod, name, None)
                    if cls is not None:
                        table[cls] = policy
        _POLICY = table
    return _POLICY


def _on_device(a: Tensor) -> bool:
    """Whether autocast applies to this tensor (a CuPy array under CUDA autocast)."""
    if type(a._data) is np.ndarray:
        return _CPU_LOWERING
    return True


def _cast(t: Tensor, np_dtype) -> Tensor:
    from ..functional.elementwise import Cast
    return Cast.apply(t, np.dtype(np_dtype))


def _hook(cls, args):
    """The autocast step of Function.apply: (args to use, finish for the output or None)."""
    policy = _policies().get(cls)
    if policy is None:
        return args, None
    low = _STATE["cuda"][1].np
    target = low if policy == "lower" else np.dtype(np.float32)
    out = []
    upcast_from = None
    for a in args:
        if isinstance(a, Tensor) and a._data.dtype.kind == "f" and _on_device(a):
            d = a._data.dtype
            if policy == "lower" and d == np.float32:
                a = _cast(a, target)
                upcast_from = d
            elif policy == "fp32" and d == low:
                a = _cast(a, target)
        out.append(a)
    if upcast_from is None:
        return tuple(out), None
    return tuple(out), functools.partial(_back_to, np_dtype=upcast_from)


def _back_to(result, np_dtype):
    """The float16 result of a lowered op whose wrapper did not lower its operands itself,
    cast back to the operands' dtype (see the module docstring)."""
    if isinstance(result, tuple):
        return tuple(_back_to(r, np_dtype) for r in result)
    if isinstance(result, Tensor) and result._data.dtype.kind == "f" and \
            result._data.dtype != np_dtype:
        return _cast(result, np_dtype)
    return result


def lower_inputs(*tensors):
    """For op wrappers (linear, matmul, conv...): inside a CUDA autocast region, the
    float32 tensors among `tensors` cast to the autocast dtype; otherwise `tensors` as
    they are. Returns a tuple (None entries stay None)."""
    if HOOKS.autocast is None:
        return tensors
    low = _STATE["cuda"][1].np
    return tuple(_cast(t, low) if isinstance(t, Tensor) and t._data.dtype == np.float32
                 and _on_device(t) else t for t in tensors)


def fp32_inputs(*tensors):
    """For op wrappers that need range (softmax, losses, norms): inside a CUDA autocast
    region, the float16 tensors among `tensors` cast to float32."""
    if HOOKS.autocast is None:
        return tensors
    low = _STATE["cuda"][1].np
    return tuple(_cast(t, np.float32) if isinstance(t, Tensor) and t._data.dtype == low
                 and _on_device(t) else t for t in tensors)


def _apply_state():
    HOOKS.autocast = _hook if _STATE["cuda"][0] else None
    refresh()


# ---------------------------------------------------------------------------- queries
def is_autocast_available(device_type: str) -> bool:
    """Whether autocast can lower precision on `device_type` in minitorch: "cuda" only."""
    return device_type == "cuda"


def is_autocast_enabled(device_type: str | None = None) -> bool:
    return _STATE[_check_device(device_type or "cuda")][0]


def get_autocast_dtype(device_type: str):
    return _STATE[_check_device(device_type)][1]


def set_autocast_enabled(device_type, enabled=None) -> None:
    """``set_autocast_enabled(device_type, enabled)`` (or the old one-argument CUDA form)."""
    if enabled is None:
        device_type, enabled = "cuda", device_type
    _STATE[_check_device(device_type)][0] = bool(enabled)
    _apply_state()


def set_autocast_dtype(device_type: str, dtype) -> None:
    _STATE[_check_device(device_type)][1] = _dt.to_dtype(dtype, "set_autocast_dtype")


def _check_device(device_type):
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    dev = device_type.split(":")[0]
    if dev not in _DEVICES:
        raise RuntimeError(f"User specified an unsupported autocast device_type "
                           f"'{device_type}' (minitorch supports 'cuda' and 'cpu')")
    return dev


# ---------------------------------------------------------------------------- autocast
class autocast:
    """``with autocast("cuda"): ...`` or ``@autocast("cuda")``: mixed precision for the
    block (see the module docstring). `dtype` defaults to float16 on CUDA; bfloat16 is
    not available on CuPy (the region is then disabled with a warning)."""

    def __init__(self, device_type: str, dtype=None, enabled: bool = True,
                 cache_enabled=None):
        self.device = _check_device(device_type)
        self.fast_dtype = _STATE[self.device][1] if dtype is None else \
            _dt.to_dtype(dtype, "autocast")
        self._enabled = bool(enabled)
        if not self._enabled:
            return
        if self.device == "cuda":
            if not backend.cuda_available() and not _CPU_LOWERING:
                warnings.warn("CUDA is not available. Disabling autocast.", stacklevel=2)
                self._enabled = False
            elif self.fast_dtype is not _dt.float16:
                warnings.warn(f"In CUDA autocast, but the target dtype {self.fast_dtype} is not "
                              "supported by minitorch (CuPy has float16 only). Disabling "
                              "autocast.", stacklevel=2)
                self._enabled = False
        elif not _WARNED["cpu"]:
            _WARNED["cpu"] = True
            warnings.warn("minitorch: autocast on the CPU is not implemented (NumPy has no "
                          "fast float16/bfloat16 kernels); the region runs in float32. "
                          "Disabling autocast.", stacklevel=2)
            self._enabled = False
        else:
            self._enabled = False

    def __enter__(self):
        st = _STATE[self.device]
        self._prev = (st[0], st[1])
        if self._enabled:
            st[0], st[1] = True, self.fast_dtype
        else:
            st[0] = False
        _apply_state()
        return self

    def __exit__(self, *exc):
        st = _STATE[self.device]
        st[0], st[1] = self._prev
        _apply_state()
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)
        return wrapper


# ---------------------------------------------------------------------------- custom ops
def custom_fwd(fwd=None, *, device_type: str = "cuda", cast_inputs=None):
    """Decorator for a custom Function's forward. minitorch's forward receives arrays,
    which autocast never casts, so this returns `fwd` as it is (with or without
    arguments: ``@custom_fwd``, ``@custom_fwd(device_type="cuda", cast_inputs=...)``)."""
    if fwd is None:
        return lambda f: f
    return fwd


def custom_bwd(bwd=None, *, device_type: str = "cuda"):
    """Decorator for a custom Function's backward; returns it as it is (see custom_fwd)."""
    if bwd is None:
        return lambda f: f
    return bwd
