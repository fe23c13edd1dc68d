"""DistributedDataParallel: importable now, built with minitorch's distributed training
(issue 14); constructing it raises a RuntimeError that says so."""
from __future__ import annotations

from ..module import Module

__all__ = ["DistributedDataParallel"]


class DistributedDataParallel(Module):
    """Not built yet: distributed data-parallel training lands with minitorch.distributed
    (issue 14). Train on one process (or wrap in nn.DataParallel, a one-device wrapper)."""

    def __init__(self, module=None, device_ids=None, output_device=None, dim=0, *args,
                 **kwargs):
        raise RuntimeError("nn.parallel.DistributedDataParallel is not built yet in minitorch "
                           "(distributed training is issue 14); run on one process, or use "
                           "nn.DataParallel, a one-device wrapper")
