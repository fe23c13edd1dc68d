"""``minitorch.backends.cuda``: CUDA-side switches. ``is_built()`` says whether CuPy
imports (minitorch's CUDA). The TF32 and attention-kernel switches select among
PyTorch's kernels; minitorch has one of each, so they are recorded only."""
from __future__ import annotations

import contextlib

__all__ = ["is_built", "matmul", "enable_flash_sdp", "flash_sdp_enabled",
           "enable_mem_efficient_sdp", "mem_efficient_sdp_enabled", "enable_math_sdp",
           "math_sdp_enabled", "enable_cudnn_sdp", "cudnn_sdp_enabled", "sdp_kernel",
           "preferred_linalg_library", "preferred_blas_library"]


def is_built() -> bool:
    """Whether minitorch can use CUDA at all: CuPy imports (a GPU may still be absent)."""
    from .. import backend
    return backend._try_cupy() is not None


class _Matmul:
    """``backends.cuda.matmul``: cuBLAS switches, recorded only (minitorch's float32
    matmuls are full float32; float16 ones accumulate as CuPy does)."""

    def __init__(self):
        self.allow_tf32 = False
        self.allow_fp16_reduced_precision_reduction = True
        self.allow_bf16_reduced_precision_reduction = True
        self.allow_fp16_accumulation = False

    def __repr__(self):
        return (f"<backends.cuda.matmul allow_tf32={self.allow_tf32} (recorded only)>")


matmul = _Matmul()

_SDP = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True}


def enable_flash_sdp(enabled: bool) -> None:
    _SDP["flash"] = bool(enabled)


def flash_sdp_enabled() -> bool:
    return _SDP["flash"]


def enable_mem_efficient_sdp(enabled: bool) -> None:
    _SDP["mem_efficient"] = bool(enabled)


def mem_efficient_sdp_enabled() -> bool:
    return _SDP["mem_efficient"]


def enable_math_sdp(enabled: bool) -> None:
    _SDP["math"] = bool(enabled)


def math_sdp_enabled() -> bool:
    return _SDP["math"]


def enable_cudnn_sdp(enabled: bool) -> None:
    _SDP["cudnn"] = bool(enabled)


def cudnn_sdp_enabled() -> bool:
    return _SDP["cudnn"]


@contextlib.contextmanager
def sdp_kernel(enable_flash=True, enable_math=True, enable_mem_efficient=True,
               enable_cudnn=True):
    """Choose attention kernels for a block (recorded only: minitorch's
    scaled_dot_product_attention has one implementation, the math one)."""
    old = dict(_SDP)
    _SDP.update(flash=bool(enable_flash), math=bool(enable_math),
                mem_efficient=bool(enable_mem_efficient), cudnn=bool(enable_cudnn))
    try:
        yield
    finally:
        _SDP.update(old)


_LIBS = {"linalg": "default", "blas": "cublas"}


def preferred_linalg_library(backend=None):
    """Recorded only."""
    if backend is not None:
        _LIBS["linalg"] = str(backend)
    return _LIBS["linalg"]


def preferred_blas_library(backend=None):
    """Recorded only."""
    if backend is not None:
        _LIBS["blas"] = str(backend)
    return _LIBS["blas"]
