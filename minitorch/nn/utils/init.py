"""nn.utils.skip_init: build a module without running its parameter initialization
(PyTorch builds it on the 'meta' device and calls to_empty)."""
from __future__ import annotations

import inspect

__all__ = ["skip_init"]


def skip_init(module_cls, *args, **kwargs):
    """module_cls(*args, **kwargs) with uninitialized (here: zero) parameters and buffers;
    the class must accept a `device` argument, as PyTorch requires."""
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    final_device = kwargs.pop("device", "cpu")
    module = module_cls(*args, **kwargs)
    return module.to_empty(device=final_device)
