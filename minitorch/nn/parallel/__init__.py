"""minitorch.nn.parallel: PyTorch's import paths for data parallelism.

- ``DataParallel`` is a one-device wrapper: forward calls the wrapped module on the whole
  batch (minitorch runs one device per process), state_dict keys carry the ``module.``
  prefix as PyTorch's do, so checkpoints move both ways.
- ``DistributedDataParallel`` is importable; constructing it raises a RuntimeError until
  minitorch's distributed training lands (issue 14).
"""
from .data_parallel import DataParallel, data_parallel
from .distributed import DistributedDataParallel

__all__ = ["DataParallel", "DistributedDataParallel", "data_parallel"]
