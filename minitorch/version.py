"""``minitorch.version``: as ``torch.version``: no CUDA toolkit of its own (CuPy brings
CUDA at run time), no HIP."""
__version__ = "0.1.0"
cuda = None
hip = None
debug = False
git_version = "unknown"
