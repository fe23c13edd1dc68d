"""DataParallel as a one-device wrapper (torch.nn.parallel.data_parallel's names).

PyTorch's DataParallel splits a batch across GPUs along `dim`, runs a replica of the module
on each and gathers the outputs on `output_device`. minitorch runs one device per process,
so the wrapper runs the module once on the whole batch; the result is what PyTorch gives
(the replicas compute the same function). What a program sees is PyTorch's: the wrapped
module is ``.module``, parameters and state_dict keys read ``module.<name>``, and
``device_ids`` / ``output_device`` / ``dim`` are kept.
"""
from __future__ import annotations

import numbers

from ... import backend
from ..module import Module

__all__ = ["DataParallel", "data_parallel"]


def _device_index(d, fn):
    """A device id (int, 'cuda:1', device) as an int."""
    if isinstance(d, bool):
        raise TypeError(f"{fn}: device ids must be ints or devices, got {d!r}")
    if isinstance(d, numbers.Integral):
        return int(d)
    dev = backend.to_device(d, fn)
    return 0 if dev.index is None else dev.index


class DataParallel(Module):
    """DataParallel(module, device_ids=None, output_device=None, dim=0).

    forward(*inputs, **kwargs) = module(*inputs, **kwargs) (minitorch has no multi-GPU
    scatter/gather; one device computes what the replicas would). device_ids defaults to
    [0] when a CUDA device is present and to [] on the CPU, as PyTorch's; output_device to
    device_ids[0]. With device_ids, the module must live on cuda:device_ids[0] and the
    Tensor inputs are moved there first, as PyTorch's scatter does."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DataParallel: 'module' must be an nn.Module, got "
                            f"{type(module).__name__}")
        self.module = module
        if not backend.cuda_available():       # PyTorch: no GPU, no devices (ids ignored)
            self.device_ids = []
            return
        if device_ids is None:
            device_ids = [0]
        device_ids = [_device_index(d, "DataParallel") for d in device_ids]
        self.device_ids = device_ids
        self.dim = dim
        if not device_ids:
            return
        if output_device is None:
            output_device = device_ids[0]
        self.output_device = _device_index(output_device, "DataParallel")
        self.src_device_obj = backend.to_device(f"cuda:{device_ids[0]}", "DataParallel")

    def forward(self, *inputs, **kwargs):
        if not self.device_ids:
            return self.module(*inputs, **kwargs)
        # PyTorch's checks and its scatter onto device_ids[0], for one device
        for t in _chain(self.module.parameters(), self.module.buffers()):
            if t.device != self.src_device_obj:
                raise RuntimeError("module must have its parameters and buffers on device "
                                   f"{self.src_device_obj} (device_ids[0]) but found one of "
                                   f"them on device: {t.device}")
        inputs = _to_device(inputs, self.src_device_obj)
        kwargs = _to_device(kwargs, self.src_device_obj)
        return self.module(*inputs, **kwargs)


def _chain(*iterables):
    for it in iterables:
        yield from it


def _to_device(obj, device):
    """Tensors inside obj (tuples, lists, dicts) moved to device, as scatter does."""
    from ...tensor import Tensor
    if isinstance(obj, Tensor):
        return obj.to(device)
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return type(obj)(*(_to_device(o, device) for o in obj))
    if isinstance(obj, (tuple, list)):
        return type(obj)(_to_device(o, device) for o in obj)
    if isinstance(obj, dict):
        return type(obj)((k, _to_device(v, device)) for k, v in obj.items())
    return obj


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0,
                  module_kwargs=None):
    """The functional form: module(*inputs, **module_kwargs) on one device (see
    DataParallel)."""
    if not isinstance(inputs, tuple):
        inputs = (inputs,) if inputs is not None else ()
    return module(*inputs, **(module_kwargs or {}))
