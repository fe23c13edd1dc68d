"""``minitorch.backends``: PyTorch's backend switches, for programs that set them.

PyTorch uses these to pick among kernel libraries (cuDNN, cuBLAS TF32, oneDNN, MPS...).
minitorch runs its own kernels on NumPy/Numba (CPU) and CuPy (CUDA), so most switches
select nothing: they are kept as settable flags that read back what was set, and each
says so. The queries answer truthfully for minitorch: ``mps.is_available()`` is False,
``cuda.is_built()`` is whether CuPy imports, ``cudnn.is_available()`` is False (no cuDNN
path in minitorch).
"""
from . import cudnn, cuda, mps, mkldnn, mkl, openmp, cpu  # noqa: F401

__all__ = ["cudnn", "cuda", "mps", "mkldnn", "mkl", "openmp", "cpu"]
