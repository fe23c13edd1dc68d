"""PyTorch's legacy tensor types: ``FloatTensor``, ``LongTensor``, ``cuda.FloatTensor``...

Old PyTorch code names tensor types by class::

    x = torch.FloatTensor([1, 2])        # data, converted to float32
    h = torch.FloatTensor(2, 3)          # sizes: uninitialized
    isinstance(x, torch.FloatTensor)     # True for a float32 CPU tensor
    x.type() == "torch.FloatTensor"      # the type string
    x.type(torch.LongTensor)             # a cast

Here each legacy type is a class whose calls build an ordinary ``Tensor`` of its dtype
(and device) and whose ``isinstance`` checks the dtype and the device, so these idioms run
unchanged. ``Tensor.type()`` returns PyTorch's strings ("torch.FloatTensor",
"torch.cuda.LongTensor"), not minitorch's, because programs compare it with those literals;
``Tensor.type(...)`` accepts both spellings ("minitorch.FloatTensor" too).
"""
from __future__ import annotations

import numbers

import numpy as np

from . import backend
from . import dtypes as _dt
from .tensor import Tensor, Size


class _TensorType(type):
    """The metaclass of the legacy types: calling one builds a Tensor, isinstance checks
    dtype and device."""

    def __call__(cls, *args, device=None):
        if device is None and cls.is_cuda:
            device = "cuda"
        return legacy_new(args, cls.dtype, device, cls.__name__)

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj.is_cuda == cls.is_cuda

    def __subclasscheck__(cls, sub):
        return sub is cls

    def __repr__(cls):
        return f"<class '{cls.__module__}.{cls.__name__}'>"


def _make_type(d: _dt.dtype, cuda: bool):
    module = "minitorch.cuda" if cuda else "minitorch"
    return _TensorType(d._legacy, (), {
        "dtype": d, "is_cuda": cuda, "is_sparse": False, "__module__": module,
        "__doc__": f"Legacy constructor of {d.name} tensors{' on CUDA' if cuda else ''}: "
                   f"{d._legacy}(data) copies data, {d._legacy}(*sizes) is uninitialized."})


_STORAGE_DTYPES = (_dt.float32, _dt.float64, _dt.float16, _dt.bfloat16, _dt.int64, _dt.int32,
                   _dt.int16, _dt.int8, _dt.uint8, _dt.bool_, _dt.uint16, _dt.uint32, _dt.uint64)
CPU_TYPES = {d._legacy: _make_type(d, False) for d in _STORAGE_DTYPES}
CUDA_TYPES = {d._legacy: _make_type(d, True) for d in _STORAGE_DTYPES}
# the names `minitorch` exports (minitorch.FloatTensor ...)
EXPORTS = [name for name in CPU_TYPES if not name.startswith("UInt")]


def legacy_new(args, dtype: _dt.dtype, device, fn: str) -> Tensor:
    """``torch.Tensor(...)`` / ``FloatTensor(...)``: sizes give an uninitialized tensor,
    a sequence gives a copy converted to `dtype`, a Tensor of that dtype an alias."""
    from . import creation
    dtype = _dt.to_dtype(dtype, fn)
    if not args:
        return creation.empty(0, dtype=dtype, device=device)
    if len(args) == 1 and isinstance(args[0], Size) or all(_is_size(a) for a in args):
        sizes = tuple(args[0]) if isinstance(args[0], Size) else args
        return creation.empty(*[int(s) for s in sizes], dtype=dtype, device=device)
    if len(args) > 1:
        raise TypeError(f"{fn}(): expected sizes (ints) or one sequence of data, got "
                        f"{tuple(type(a).__name__ for a in args)}")
    data = args[0]
    if isinstance(data, Tensor):
        if data.dtype is not dtype:
            raise TypeError(f"{fn}(): expected a tensor of dtype {dtype}, got one of "
                            f"{data.dtype} (convert it with .to({dtype}) or .type())")
        out = data.detach()
        if device is not None:
            out._data = backend.transfer(out._data, backend.to_device(device, fn))
        return out
    if isinstance(data, (numbers.Number, np.generic, str)) or data is None:
        raise TypeError(f"{fn}(): data must be a sequence (got {type(data).__name__})")
    if backend.is_array(data) and data.dtype.kind in "iub" and dtype.is_floating_point:
        data = data.astype(np.float64)
    t = creation.tensor(data, dtype=dtype, device=device)
    return _dt.finish_cast(t, dtype)


def _is_size(a) -> bool:
    return isinstance(a, (int, np.integer)) and not isinstance(a, (bool, np.bool_))


def type_string(t: Tensor) -> str:
    """PyTorch's type string of a tensor: "torch.FloatTensor", "torch.cuda.LongTensor"."""
    legacy = t.dtype._legacy
    return f"torch.cuda.{legacy}" if t.is_cuda else f"torch.{legacy}"


def parse_type(value, fn: str = "type"):
    """(dtype, device or None) for what ``Tensor.type(...)`` accepts: a dtype, a legacy
    class, or a name such as "torch.FloatTensor", "minitorch.cuda.LongTensor"."""
    if isinstance(value, _TensorType):
        return value.dtype, ("cuda" if value.is_cuda else "cpu")
    if isinstance(value, _dt.dtype):
        return _dt.to_dtype(value, fn), None
    if isinstance(value, str):
        name = value
        for prefix in ("minitorch.", "torch."):
            if name.startswith(prefix):
                name = name[len(prefix):]
                cuda = name.startswith("cuda.")
                name = name[len("cuda."):] if cuda else name
                table = CUDA_TYPES if cuda else CPU_TYPES
                if name in table:
                    return table[name].dtype, ("cuda" if cuda else "cpu")
                break
        raise ValueError(f"invalid type: {value!r}")
    raise ValueError(f"invalid type: {value!r}")
