"""Creating tensors: tensor, as_tensor, asarray, from_numpy, frombuffer, scalar_tensor;
zeros/ones/full/empty (and *_like, empty_strided); arange, range, linspace, logspace, eye,
tril_indices/triu_indices; window functions (hann, hamming, blackman, bartlett, kaiser);
random sampling: rand/randn/randint/randperm (and *_like), normal, bernoulli, multinomial,
poisson, binomial, and the in-place samplers behind Tensor.random_, exponential_, ...

Sizes come in every form PyTorch takes: ``zeros(2, 3)``, ``zeros((2, 3))``,
``zeros([2, 3])``, ``zeros(torch.Size(...))`` and ``zeros(size=(2, 3))``.

dtype inference follows PyTorch: Python floats give the default dtype (float32), ints
give int64, bools give bool; NumPy arrays and NumPy scalars keep their dtype, and a list
mixing them takes the promoted dtype (``tensor([np.float64(1.5), 2])`` is float64).

Random numbers are drawn on the host by the generator of minitorch.random (NumPy's PCG64,
seeded by ``manual_seed`` or a ``Generator``) and copied to the device, so one seed gives
the same numbers on every device.
"""
from __future__ import annotations

import array as _array
import builtins
import collections.abc as _abc
import math
import numbers
import warnings

import numpy as np

from . import backend
from . import dtypes as _dt
from . import random as _random
from .tensor import Tensor, _make
from .autograd.function import Function
from .functional._util import parse_shape


def _resolve(dtype, device, fn):
    """(dtype or None, device): `device` defaults to minitorch.get_default_device()
    (set_default_device, or a ``with minitorch.device(...)`` block)."""
    d = None if dtype is None else _dt.to_dtype(dtype, fn)
    if device is None:
        device = backend.default_device_or_none()
    dev = backend.CPU if device is None else backend.to_device(device, fn)
    return d, dev


def _finish(arr, dev, requires_grad, fn):
    if dev.type != "cpu" or type(arr) is not np.ndarray:
        arr = backend.transfer(arr, dev)
    t = _make(arr)
    if requires_grad:
        if arr.dtype.kind != "f":
            raise RuntimeError(f"{fn}(): only Tensors of floating point dtype can require "
                               f"gradients, got {t.dtype}")
        t._rg = True
    return t


# ---------------------------------------------------------------------------- layouts
class memory_format:
    """A memory format (torch.preserve_format, contiguous_format, channels_last...).
    minitorch arrays are always laid out as NumPy/CuPy chooses, so these are accepted
    wherever PyTorch takes them and otherwise ignored."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"torch.{self.name}"


preserve_format = memory_format("preserve_format")
contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")


# ---------------------------------------------------------------------------- tensor()
# (this module defines torch.range, so Python's range is spelled builtins.range here)
_SEQUENCES = (list, tuple, builtins.range)

def _promote_np(a, b):
    """PyTorch's promotion of two dtypes met while inferring a list's dtype: the higher
    category wins (bool < integer < floating); within one, the wider type."""
    if a is None:
        return b
    cat = {"b": 0, "i": 1, "u": 1, "f": 2}
    ca, cb = cat[a.kind], cat[b.kind]
    if ca != cb:
        return a if ca > cb else b
    return np.promote_types(a, b)


class _StringDataError(ValueError, TypeError):
    """Strings inside the data of tensor(): PyTorch raises ValueError ("too many
    dimensions 'str'"); it is a TypeError too, the natural type for wrong data."""


def _leaf_np_dtype(x):
    """The dtype one element of nested data contributes (None: not an element)."""
    if isinstance(x, Tensor):
        return x._data.dtype
    if isinstance(x, (np.ndarray, np.generic)) and not isinstance(x, np.bool_):
        if x.dtype.kind not in "biuf":
            raise TypeError(f"tensor(): unsupported NumPy dtype {x.dtype}")
        return x.dtype
    if isinstance(x, (bool, np.bool_)):
        return np.dtype(np.bool_)
    if isinstance(x, numbers.Integral):
        return np.dtype(np.int64)
    if isinstance(x, numbers.Real):
        return _dt.get_default_dtype().np
    if isinstance(x, (str, bytes)):
        raise _StringDataError(f"tensor(): too many dimensions '{type(x).__name__}' (strings are "
                               "not numbers)")
    raise RuntimeError(f"tensor(): could not infer dtype of {type(x).__name__}")


def _infer_np_dtype(data):
    """The dtype of nested Python data, PyTorch-style: each number contributes bool, int64
    or the default float; NumPy scalars, arrays and tensors their own dtype; the result is
    their promotion (the default float for no elements at all: tensor([]) is float32)."""
    result = None
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, _SEQUENCES):
            stack.extend(x)
        else:
            result = _promote_np(result, _leaf_np_dtype(x))
    return result if result is not None else _dt.get_default_dtype().np


def _plain(x):
    """Nested data with tensors and ranges replaced by plain lists/values (for np.array)."""
    if isinstance(x, Tensor):
        return backend.transfer(x._data, backend.CPU)
    if isinstance(x, _SEQUENCES):
        return [_plain(y) for y in x]
    return x


def _to_array(data, fn, np_dtype=None):
    """`data` as an array: in np_dtype when given (Python floats go straight to it, never
    through float32), else in the inferred dtype."""
    if isinstance(data, Tensor):
        return data._data
    if backend.is_array(data):
        return data
    if isinstance(data, _SEQUENCES):
        dtype = np_dtype if np_dtype is not None else _infer_np_dtype(data)
        try:
            return np.array(_plain(data), dtype=dtype)
        except OverflowError as exc:
            raise ValueError(f"{fn}(): Overflow when unpacking long long: {exc}") from None
        except ValueError as exc:  # ragged nesting: [[1, 2], [3]]
            raise ValueError(f"{fn}(): nested sequences must be rectangular (every list at one "
                             f"depth the same length): {exc}") from None
    if isinstance(data, (np.generic, numbers.Real)):
        dtype = np_dtype if np_dtype is not None else _leaf_np_dtype(data)
        try:
            return np.array(data, dtype=dtype)
        except OverflowError as exc:
            raise ValueError(f"{fn}(): Overflow when unpacking long long: {exc}") from None
    if isinstance(data, (_array.array, memoryview, _abc.Sequence)) and \
            not isinstance(data, (str, bytes, bytearray)):
        # deque, array.array, memoryview...: read as a sequence of Python numbers, as PyTorch
        return _to_array(data.tolist() if isinstance(data, memoryview) else list(data), fn,
                         np_dtype)
    if isinstance(data, (str, bytes)):
        raise TypeError(f"{fn}(): could not convert data of type {type(data).__name__} to a "
                        "tensor")
    raise RuntimeError(f"{fn}(): Could not infer dtype of {type(data).__name__}")


def _supported(arr, fn):
    """arr in a dtype minitorch has: other integer widths become int64."""
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{fn}(): unsupported array dtype {arr.dtype}")
    if arr.dtype not in _dt._FROM_NP and arr.dtype.kind in "iu":
        arr = arr.astype(np.int64)  # integer widths minitorch lacks: int64
    _dt.from_numpy_dtype(arr.dtype)
    return arr


def _data_device(data, dev, device):
    """Where a tensor built from `data` lives: `device` when given; else a tensor's or a
    CuPy array's own device; else the default device (`dev`)."""
    if device is not None:
        return dev
    if isinstance(data, Tensor):
        return data.device
    if backend.is_array(data) and type(data) is not np.ndarray:
        return backend.array_device(data)
    return dev


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of `data` (nested lists/tuples, numbers, NumPy arrays
    and scalars, tensors). With dtype, Python numbers are converted straight to it (a
    float64 tensor of Python floats keeps every digit)."""
    d, dev = _resolve(dtype, device, "tensor")
    arr = _to_array(data, "tensor", None if d is None else d.np)
    xp = backend.get_array_module(arr)
    arr = _supported(xp.array(arr, dtype=None if d is None else d.np, copy=True), "tensor")
    t = _finish(arr, _data_device(data, dev, device), requires_grad, "tensor")
    # bfloat16 (stored as float32) rounds its values; the leaf keeps requires_grad
    return t if d is None else _dt.finish_cast(t, d)


def as_tensor(data, dtype=None, device=None):
    """Like tensor() but shares memory with `data` (a tensor or an array) when no dtype or
    device conversion is needed."""
    if isinstance(data, Tensor):
        out = data
        if dtype is not None or device is not None:
            out = data.to(device=device, dtype=dtype)
        return out
    d, dev = _resolve(dtype, device, "as_tensor")
    arr = _to_array(data, "as_tensor", None if d is None else d.np)
    if d is not None and arr.dtype != d.np:
        arr = arr.astype(d.np)
    arr = _supported(arr, "as_tensor")
    t = _finish(arr, _data_device(data, dev, device), False, "as_tensor")
    return t if d is None else _dt.finish_cast(t, d)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """`obj` as a tensor, sharing memory with it (a tensor, a NumPy/CuPy array or anything
    with the buffer protocol) when dtype and device allow; copy=True always copies,
    copy=False raises when a copy would be needed."""
    if copy:
        out = tensor(obj, dtype=dtype, device=device)
    else:
        out = as_tensor(obj if not isinstance(obj, memoryview) else np.asarray(obj),
                        dtype=dtype, device=device)
        if copy is False and not _shares(obj, out):
            raise ValueError("asarray(): can't satisfy copy=False: the data needs a copy "
                             "(another dtype or device, or data that is not an array)")
    if requires_grad:
        if not out.is_floating_point():
            raise RuntimeError("asarray(): only Tensors of floating point dtype can require "
                               f"gradients, got {out.dtype}")
        out = out.detach() if isinstance(obj, Tensor) and out is obj else out
        out.requires_grad_(True)
    return out


def _shares(obj, out):
    if isinstance(obj, Tensor):
        return obj._data is out._data or np.shares_memory(obj._data, out._data)
    if isinstance(obj, np.ndarray):
        return isinstance(out._data, np.ndarray) and np.shares_memory(obj, out._data)
    return False


def from_numpy(ndarray):
    """A tensor sharing memory with a NumPy array (changes show in both)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"from_numpy(): expected np.ndarray (got {type(ndarray).__name__})")
    _dt.from_numpy_dtype(ndarray.dtype)
    return _make(ndarray)


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-D tensor over the bytes of an object with the buffer protocol (bytearray,
    memoryview, array.array...), sharing its memory: `count` items of `dtype` from byte
    `offset` (count=-1: all that fit)."""
    d = _dt.to_dtype(dtype, "frombuffer")
    size = len(memoryview(buffer).cast("B"))
    if offset < 0 or offset >= max(size, 1):
        raise ValueError(f"frombuffer(): offset ({offset} bytes) must be non-negative and no "
                         f"greater than buffer length ({size} bytes) minus 1")
    if count == -1 and (size - offset) % d.itemsize:
        raise ValueError(f"frombuffer(): buffer length ({size - offset} bytes) after offset "
                         f"({offset} bytes) must be a multiple of element size ({d.itemsize})")
    arr = np.frombuffer(buffer, dtype=d.np, count=count, offset=offset)
    return _finish(arr, backend.CPU, requires_grad, "frombuffer")


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False, layout=None,
                  pin_memory=False):
    """A 0-d tensor holding the number s, in the default float dtype unless dtype is given."""
    if isinstance(s, Tensor):
        s = s.item()
    d, dev = _resolve(dtype, device, "scalar_tensor")
    arr = np.array(s, dtype=(d or _dt.get_default_dtype()).np)
    return _finish(arr, dev, requires_grad, "scalar_tensor")


# ---------------------------------------------------------------------------- filled
def _size(fn, args, size):
    """The shape from varargs (`zeros(2, 3)`, `zeros((2, 3))`) or the `size=` keyword."""
    if size is not None:
        if args:
            raise TypeError(f"{fn}() got multiple values for argument 'size'")
        args = (size,)
    if not args:  # zeros() as in PyTorch; zeros(()) is the 0-d tensor
        raise TypeError(f"{fn}() missing 1 required positional argument: 'size'")
    return parse_shape(args, fn)


def _filled(fn, shape, value, dtype, device, requires_grad, default=None):
    d, dev = _resolve(dtype, device, fn)
    npd = (d or default or _dt.get_default_dtype()).np
    xp = backend.array_module_for(dev)
    if dev.type == "cuda":
        with xp.cuda.Device(dev.index or 0):
            arr = _fill(xp, shape, value, npd)
    else:
        arr = _fill(xp, shape, value, npd)
    return _finish(arr, dev, requires_grad, fn)


def _fill(xp, shape, value, npd):
    if value is None:
        return xp.empty(shape, dtype=npd)
    if value == 0:
        return xp.zeros(shape, dtype=npd)
    return xp.full(shape, value, dtype=npd)


def zeros(*args, size=None, dtype=None, layout=None, device=None, pin_memory=False,
          requires_grad=False):
    """A tensor of zeros: zeros(2, 3), zeros((2, 3)) or zeros(size=(2, 3))."""
    return _filled("zeros", _size("zeros", args, size), 0, dtype, device, requires_grad)


def ones(*args, size=None, dtype=None, layout=None, device=None, pin_memory=False,
         requires_grad=False):
    """A tensor of ones: ones(2, 3), ones((2, 3)) or ones(size=(2, 3))."""
    return _filled("ones", _size("ones", args, size), 1, dtype, device, requires_grad)


def empty(*args, size=None, dtype=None, layout=None, device=None, pin_memory=False,
          requires_grad=False, memory_format=None):
    """An uninitialized tensor: empty(2, 3), empty((2, 3)) or empty(size=(2, 3))."""
    return _filled("empty", _size("empty", args, size), None, dtype, device, requires_grad)


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                  pin_memory=False):
    """An uninitialized tensor of `size` whose elements sit `stride` elements apart (a view
    of a buffer just large enough, as PyTorch lays it out)."""
    shape = parse_shape((size,), "empty_strided")
    strides = parse_shape((stride,), "empty_strided")
    if len(strides) != len(shape):
        raise RuntimeError(f"empty_strided(): mismatch in length of strides and shape: "
                           f"{len(strides)} vs {len(shape)}")
    d, dev = _resolve(dtype, device, "empty_strided")
    npd = (d or _dt.get_default_dtype()).np
    xp = backend.array_module_for(dev)
    extent = 1 + sum((n - 1) * s for n, s in zip(shape, strides)) if all(shape) else 0
    buf = xp.empty(extent, dtype=npd)
    arr = xp.lib.stride_tricks.as_strided(buf, shape, [s * npd.itemsize for s in strides])
    return _finish(arr, dev, requires_grad, "empty_strided")


def full(size, fill_value, *, dtype=None, layout=None, device=None, pin_memory=False,
         requires_grad=False):
    """A tensor filled with fill_value; its dtype follows the value (bool -> bool, int ->
    int64, float -> the default float) unless dtype is given."""
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    default = _dt.scalar_dtype(fill_value)
    return _filled("full", parse_shape((size,), "full"), fill_value, dtype, device,
                   requires_grad, default)


def _like(fn, input, dtype, device):
    if not isinstance(input, Tensor):
        raise TypeError(f"{fn}(): argument 'input' must be Tensor, not {type(input).__name__}")
    return (input.dtype if dtype is None else dtype), (input.device if device is None else device)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    """zeros of input's shape (and dtype and device unless given)."""
    dtype, device = _like("zeros_like", input, dtype, device)
    return zeros(input._data.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    """ones of input's shape (and dtype and device unless given)."""
    dtype, device = _like("ones_like", input, dtype, device)
    return ones(input._data.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    """An uninitialized tensor of input's shape (and dtype and device unless given)."""
    dtype, device = _like("empty_like", input, dtype, device)
    return empty(input._data.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    """fill_value in input's shape, dtype and device (unless given): full_like(int_t, 2.7)
    holds 2, as in PyTorch."""
    dtype, device = _like("full_like", input, dtype, device)
    return full(input._data.shape, fill_value, dtype=dtype, device=device,
                requires_grad=requires_grad)


# ---------------------------------------------------------------------------- ranges
def _number(v, fn, arg):
    if isinstance(v, Tensor):
        if v.numel() != 1:
            raise RuntimeError(f"{fn}(): argument '{arg}' must be a number or a one-element "
                               f"tensor, got shape {tuple(v.shape)}")
        return v.item()
    if isinstance(v, np.generic):
        return v.item()
    if not isinstance(v, numbers.Real):
        raise TypeError(f"{fn}(): argument '{arg}' must be a number, not {type(v).__name__}")
    return v


def _is_integral(v):
    return isinstance(v, numbers.Integral) and not isinstance(v, bool) or isinstance(v, bool)


def arange(start=0, end=None, step=1, *, dtype=None, layout=None, device=None,
           pin_memory=False, requires_grad=False):
    """Values from start (default 0) up to, not including, end, `step` apart: arange(5),
    arange(1, 4), arange(0, 1, 0.1), arange(end=3). int64 when every argument is an
    integer, the default float dtype otherwise. The length is PyTorch's,
    ceil((end - start) / step) computed in float64 (for int64, in integers after
    truncating each argument, as PyTorch does)."""
    if end is None:
        start, end = 0, start
    vals = [_number(v, "arange", a) for v, a in ((start, "start"), (end, "end"), (step, "step"))]
    d, dev = _resolve(dtype, device, "arange")
    if d is None:
        d = _dt.int64 if all(_is_integral(v) for v in vals) else _dt.get_default_dtype()
    lo, hi, st = vals
    if not d.is_floating_point:
        lo, hi, st = int(lo), int(hi), int(st)  # PyTorch's integral accumulate type
    if st == 0:
        raise RuntimeError("arange(): step must be nonzero")
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"arange(): unsupported range: {lo} -> {hi}")
    if (hi - lo) * st < 0:
        raise RuntimeError(f"arange(): upper bound and lower bound inconsistent with step sign "
                           f"(start={lo}, end={hi}, step={st})")
    if d is _dt.int64:
        sgn = (st > 0) - (st < 0)
        n = (hi - lo + st - sgn) // st
    else:  # other dtypes count in float64 with the arguments as given
        n = math.ceil((float(vals[1]) - float(vals[0])) / float(vals[2]))
    if d.is_floating_point:
        arr = (lo + np.arange(max(n, 0), dtype=np.float64) * st).astype(d.np)
    else:
        arr = (lo + np.arange(max(n, 0), dtype=np.int64) * st).astype(d.np)
    return _finish(arr, dev, requires_grad, "arange")


def range(start=0, end=None, step=1, *, dtype=None, layout=None, device=None,
          requires_grad=False):
    """Deprecated in PyTorch (use arange): values from start to end *inclusive*, step
    apart, in the default float dtype unless dtype is given."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because "
                  "its behavior is inconsistent with Python's range builtin. Instead, use "
                  "torch.arange, which produces values in [start, end).", UserWarning,
                  stacklevel=2)
    if end is None:
        start, end = 0, start
    lo, hi, st = (_number(v, "range", a) for v, a in ((start, "start"), (end, "end"), (step, "step")))
    if st == 0:
        raise RuntimeError("range(): step must be nonzero")
    if (hi - lo) * st < 0:
        raise RuntimeError(f"range(): upper bound and lower bound inconsistent with step sign "
                           f"(start={lo}, end={hi}, step={st})")
    d, dev = _resolve(dtype, device, "range")
    d = d or _dt.get_default_dtype()
    n = int(math.floor((hi - lo) / st)) + 1
    arr = (lo + np.arange(n, dtype=np.float64) * st).astype(d.np)
    return _finish(arr, dev, requires_grad, "range")


def linspace(start, end, steps, *, dtype=None, layout=None, device=None, pin_memory=False,
             requires_grad=False):
    """`steps` evenly spaced values from start to end, both included."""
    start, end = _number(start, "linspace", "start"), _number(end, "linspace", "end")
    steps = int(_number(steps, "linspace", "steps"))
    if steps < 0:
        raise RuntimeError(f"linspace(): number of steps must be non-negative, got {steps}")
    d, dev = _resolve(dtype, device, "linspace")
    d = d or _dt.get_default_dtype()
    arr = np.linspace(float(start), float(end), steps)
    return _finish(_cast_values(arr, d), dev, requires_grad, "linspace")


def _cast_values(arr, d):
    """float64 values in dtype d; integer dtypes truncate toward zero, as PyTorch."""
    if not d.is_floating_point and d is not _dt.bool_:
        arr = np.trunc(arr)
    return arr.astype(d.np)


def logspace(start, end, steps, base=10.0, *, dtype=None, layout=None, device=None,
             pin_memory=False, requires_grad=False):
    """`steps` values from base**start to base**end, evenly spaced in the exponent."""
    start, end = _number(start, "logspace", "start"), _number(end, "logspace", "end")
    steps = int(_number(steps, "logspace", "steps"))
    if steps < 0:
        raise RuntimeError(f"logspace(): number of steps must be non-negative, got {steps}")
    d, dev = _resolve(dtype, device, "logspace")
    d = d or _dt.get_default_dtype()
    arr = np.power(float(base), np.linspace(float(start), float(end), steps))
    if not d.is_floating_point:
        arr = np.round(arr)  # exact powers should not truncate to one below
    return _finish(_cast_values(arr, d), dev, requires_grad, "logspace")


def eye(n, m=None, *, dtype=None, layout=None, device=None, pin_memory=False,
        requires_grad=False):
    """The n x m identity (m defaults to n)."""
    d, dev = _resolve(dtype, device, "eye")
    n = int(_number(n, "eye", "n"))
    m = n if m is None else int(_number(m, "eye", "m"))
    if n < 0 or m < 0:
        raise RuntimeError(f"eye(): n and m must be non-negative, got n={n}, m={m}")
    arr = np.eye(n, m, dtype=(d or _dt.get_default_dtype()).np)
    return _finish(arr, dev, requires_grad, "eye")


def _tri_indices(fn, which, row, col, offset, dtype, device):
    d, dev = _resolve(dtype, device, fn)
    d = d or _dt.int64
    if d.np.kind not in "iu":
        raise RuntimeError(f"{fn}(): \"{fn}\" not implemented for '{d.name}': needs an integer dtype")
    rows, cols = which(int(row), k=int(offset), m=int(col))   # row-major order, as PyTorch
    arr = np.stack([rows, cols]).astype(d.np).reshape(2, -1)
    return _finish(arr, dev, False, fn)


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, col) coordinates of the lower triangle of a row x col matrix (on and below
    diagonal `offset`), as a 2 x N tensor in row-major order."""
    return _tri_indices("tril_indices", np.tril_indices, row, col, offset, dtype, device)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, col) coordinates of the upper triangle (on and above diagonal `offset`)."""
    return _tri_indices("triu_indices", np.triu_indices, row, col, offset, dtype, device)


# ---------------------------------------------------------------------------- windows
def _window(fn, window_length, periodic, dtype, device, requires_grad, body):
    """A window of `window_length` points. periodic=True computes window_length + 1 points
    of the symmetric window and drops the last (the form spectral analysis wants). The
    values are computed in the window's dtype, in PyTorch's order of operations."""
    d, dev = _resolve(dtype, device, fn)
    d = d or _dt.get_default_dtype()
    if not d.is_floating_point:
        raise RuntimeError(f"{fn}() expects floating point dtypes, got: {d}")
    n = int(window_length)
    if n < 0:
        raise RuntimeError(f"{fn}() requires non-negative window_length, got "
                           f"window_length={n}")
    if n <= 1:
        arr = np.ones(n, dtype=d.np)
    else:
        length = n + 1 if periodic else n
        arr = body(np.arange(length, dtype=d.np), length, d.np.type)[:n]
    return _finish(np.ascontiguousarray(arr, dtype=d.np), dev, requires_grad, fn)


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None,
                   layout=None, device=None, pin_memory=False, requires_grad=False):
    """w[k] = alpha - beta cos(2 pi k / (N - 1))."""
    def body(k, length, t):
        return np.cos(k * t(2 * math.pi / (length - 1))) * t(-beta) + t(alpha)
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad, body)


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                pin_memory=False, requires_grad=False):
    """w[k] = 0.5 - 0.5 cos(2 pi k / (N - 1)) (hamming with alpha = beta = 0.5)."""
    def body(k, length, t):
        return np.cos(k * t(2 * math.pi / (length - 1))) * t(-0.5) + t(0.5)
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad, body)


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                    pin_memory=False, requires_grad=False):
    """w[k] = 0.42 - 0.5 cos(2 pi k / (N - 1)) + 0.08 cos(4 pi k / (N - 1))."""
    def body(k, length, t):
        a = k * t(math.pi / (length - 1))
        return np.cos(a * t(4)) * t(0.08) - np.cos(a * t(2)) * t(0.5) + t(0.42)
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad, body)


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                    pin_memory=False, requires_grad=False):
    """The triangle w[k] = 2k / (N - 1) rising to 1 and falling back to 0."""
    def body(k, length, t):
        w = k * t(2.0 / (length - 1))
        half = ((length - 1) >> 1) + 1
        w[half:] = t(2) - w[half:]
        return w
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad, body)


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None,
                  device=None, pin_memory=False, requires_grad=False):
    """w[k] = I0(beta sqrt(1 - ((k - a) / a)^2)) / I0(beta), a = (N - 1) / 2, with I0 the
    modified Bessel function of order 0."""
    def body(k, length, t):
        a = (length - 1) / 2.0
        r = np.abs(1 - ((k.astype(np.float64) - a) / a) ** 2)
        return (np.i0(beta * np.sqrt(r)) / np.i0(beta)).astype(k.dtype)
    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad, body)


# ---------------------------------------------------------------------------- random
def _random_float(fn, shape, draw, generator, dtype, device, requires_grad):
    d, dev = _resolve(dtype, device, fn)
    d = d or _dt.get_default_dtype()
    if not d.is_floating_point:
        raise NotImplementedError(f"{fn}(): not implemented for {d}: needs a floating point "
                                  "dtype")
    g = _random.rng(generator)
    npd = d.np if d.np in (np.float32, np.float64) else np.float32
    arr = draw(g, shape, npd).astype(d.np, copy=False)
    return _finish(arr, dev, requires_grad, fn)


def rand(*args, size=None, generator=None, dtype=None, layout=None, device=None,
         pin_memory=False, requires_grad=False):
    """Uniform on [0, 1): rand(2, 3), rand((2, 3)), rand(size=(2, 3), generator=g)."""
    return _random_float("rand", _size("rand", args, size), lambda g, s, t: g.random(s, dtype=t),
                         generator, dtype, device, requires_grad)


def randn(*args, size=None, generator=None, dtype=None, layout=None, device=None,
          pin_memory=False, requires_grad=False):
    """Standard normal: randn(2, 3), randn((2, 3)), randn(size=(2, 3), generator=g)."""
    return _random_float("randn", _size("randn", args, size),
                         lambda g, s, t: g.standard_normal(s, dtype=t),
                         generator, dtype, device, requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, layout=None,
            device=None, pin_memory=False, requires_grad=False):
    """Integers uniform on [low, high): randint(high, size) or randint(low, high, size),
    also with keywords (randint(0, 10, size=(3,))). int64 unless dtype is given."""
    if size is None:
        if high is None or not isinstance(high, (tuple, list)):
            raise TypeError("randint(): missing the 'size' argument")
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    low, high = int(_number(low, "randint", "low")), int(_number(high, "randint", "high"))
    if high <= low:
        raise RuntimeError(f"randint(): random_ expects 'from' to be less than 'to', but got "
                           f"from={low} >= to={high}")
    shape = parse_shape((size,), "randint")
    d, dev = _resolve(dtype, device, "randint")
    d = d or _dt.int64
    arr = _random.rng(generator).integers(low, high, size=shape).astype(d.np)
    return _finish(arr, dev, requires_grad, "randint")


def randperm(n, *, generator=None, dtype=None, layout=None, device=None, pin_memory=False,
             requires_grad=False):
    """A random permutation of 0..n-1 (int64 unless dtype is given)."""
    d, dev = _resolve(dtype, device, "randperm")
    arr = _random.rng(generator).permutation(int(n)).astype((d or _dt.int64).np)
    return _finish(arr, dev, requires_grad, "randperm")


def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None, generator=None):
    """rand in input's shape (and dtype and device unless given)."""
    dtype, device = _like("rand_like", input, dtype, device)
    return rand(input._data.shape, generator=generator, dtype=dtype, device=device,
                requires_grad=requires_grad)


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None, generator=None):
    """randn in input's shape (and dtype and device unless given)."""
    dtype, device = _like("randn_like", input, dtype, device)
    return randn(input._data.shape, generator=generator, dtype=dtype, device=device,
                 requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None,
                 requires_grad=False, memory_format=None, generator=None):
    """randint in input's shape: randint_like(x, high) or randint_like(x, low, high)."""
    dtype, device = _like("randint_like", input, dtype, device)
    return randint(low, high, input._data.shape, generator=generator, dtype=dtype,
                   device=device, requires_grad=requires_grad)


def _host(t: Tensor):
    """A tensor's values as a NumPy array (sampling parameters are read on the host)."""
    return backend.transfer(t._data, backend.CPU)


def _like_device(arr, t: Tensor):
    """A host array of draws, as a tensor on t's device."""
    return _make(backend.transfer(arr, t.device) if t.device.type != "cpu" else arr)


class _ZeroGradDraw(Function):
    """out = a sample drawn with tensor parameters (normal(mean, std)); PyTorch keeps it in
    the graph with zero gradients for the parameters (the draw is not reparameterized:
    write mean + std * randn_like(mean) for a pathwise gradient)."""

    @staticmethod
    def forward(ctx, sample, *params):
        ctx.shapes = [(p.shape, p.dtype) if backend.is_array(p) else None for p in params]
        return sample

    @staticmethod
    def backward(ctx, g):
        xp = backend.get_array_module(g._data)
        return (None,) + tuple(None if m is None else _make(xp.zeros(m[0], dtype=m[1]))
                               for m in ctx.shapes)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, layout=None,
           device=None, pin_memory=False, requires_grad=False):
    """Draws from N(mean, std^2). The overloads of PyTorch:
    normal(mean: Tensor, std: Tensor) - elementwise, shapes broadcast;
    normal(mean: float, std: Tensor) and normal(mean: Tensor, std: float = 1.0);
    normal(mean: float, std: float, size, *, dtype, device, requires_grad)."""
    g = _random.rng(generator)
    tm, ts = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not (tm or ts):
        if size is None:
            raise TypeError("normal(): with a float mean and a float std, give the 'size' "
                            "argument: normal(mean, std, size)")
        mean, std = float(_number(mean, "normal", "mean")), float(_number(std, "normal", "std"))
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        shape = parse_shape((size,), "normal")
        return _random_float("normal", shape,
                             lambda gen, s, t: (gen.standard_normal(s, dtype=t) * t.type(std)
                                                + t.type(mean)),
                             generator, dtype, device, requires_grad)
    if size is not None:
        raise TypeError("normal(): 'size' is only taken with a float mean and a float std")
    ref = mean if tm else std
    m = _host(mean) if tm else float(mean)
    s = _host(std) if ts else float(std)
    if np.any(np.asarray(s) < 0):
        raise RuntimeError(f"normal expects all elements of std >= 0.0, got {np.min(s)}")
    out_dtype = (_dt.result_type(mean, std) if tm and ts else ref.dtype)
    if not out_dtype.is_floating_point:
        raise RuntimeError(f"normal(): expected floating point mean and std, got {out_dtype}")
    try:
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
    except ValueError:
        raise RuntimeError(f"normal(): the size of mean {tuple(np.shape(m))} and std "
                           f"{tuple(np.shape(s))} must broadcast") from None
    z = g.standard_normal(shape)
    out = _like_device((m + s * z).astype(out_dtype.np), ref)
    return _ZeroGradDraw.apply(out, mean, std)


def bernoulli(input, p=None, *, generator=None):
    """1 with probability `input` (or the float p), 0 otherwise, in input's dtype."""
    if not isinstance(input, Tensor):
        raise TypeError(f"bernoulli(): argument 'input' must be Tensor, not {type(input).__name__}")
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f"bernoulli(): not implemented for {input.dtype} inputs; the "
                                  "probabilities must be floating point")
    probs = _host(input) if p is None else np.full(input._data.shape, float(p))
    if probs.size and (np.any(probs < 0) or np.any(probs > 1) or np.any(np.isnan(probs))):
        raise RuntimeError("bernoulli(): expected every probability p to satisfy 0 <= p <= 1")
    u = _random.rng(generator).random(input._data.shape)
    return _like_device((u < probs).astype(input._data.dtype), input)


def multinomial(input, num_samples, replacement=False, *, generator=None):
    """Category indices drawn from the (unnormalized, non-negative) weights in each row of
    a 1-D or 2-D input: (num_samples,) or (rows, num_samples), int64.

    With replacement: each draw is independent (inverse of the row's CDF at a uniform).
    Without: no category twice; the categories come in the order of successive draws
    proportional to the remaining weights (keys w_i / E_i with E_i ~ Exp(1), largest
    first: PyTorch's exponential race). Zero-weight categories come only after every
    positive one, as in PyTorch."""
    if not isinstance(input, Tensor):
        raise TypeError(f"multinomial(): argument 'input' must be Tensor, not {type(input).__name__}")
    if input.ndim not in (1, 2):
        raise RuntimeError(f"multinomial(): prob_dist must be 1 or 2 dim, got {input.ndim}")
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"multinomial(): only supports floating-point dtypes for input, got: "
                           f"{input.dtype}")
    n = int(num_samples)
    if n <= 0:
        raise RuntimeError(f"multinomial(): cannot sample n_sample <= 0 samples (got {n})")
    w = _host(input).astype(np.float64).reshape(-1, input._data.shape[-1])
    k = w.shape[1]
    if not replacement and n > k:
        raise RuntimeError(f"multinomial(): cannot sample n_sample > prob_dist.size(-1) samples "
                           f"without replacement (n_sample={n}, categories={k})")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise RuntimeError("multinomial(): probability tensor contains either `inf`, `nan` or "
                           "element < 0")
    total = w.sum(axis=1)
    if np.any(total <= 0):
        raise RuntimeError("multinomial(): invalid multinomial distribution (sum of "
                           "probabilities <= 0)")
    g = _random.rng(generator)
    if replacement or n == 1:  # one draw is the same with or without replacement
        idx = _draw_with_replacement(g, w / total[:, None], n)
    else:
        keys = w / g.standard_exponential(w.shape)
        idx = _largest_first(keys, n)
    if input.ndim == 1:
        idx = idx[0]
    return _like_device(idx.astype(np.int64), input)


def _largest_first(keys, n):
    """The column indices of the n largest keys of each row, largest first (a partial
    sort: sampling a few of many categories, as in text generation, stays cheap)."""
    k = keys.shape[1]
    if n < k:
        part = np.argpartition(-keys, n - 1, axis=1)[:, :n]
    else:
        part = np.broadcast_to(np.arange(k), keys.shape)
    order = np.argsort(-np.take_along_axis(keys, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def _draw_with_replacement(g, p, n):
    """n independent categories per row of p (rows sum to 1): the first j with
    cdf_j > u for u ~ U[0, 1). Rows are searched at once by shifting row r's CDF to
    [r, r + 1], which keeps the concatenation sorted."""
    rows, k = p.shape
    cdf = np.cumsum(p, axis=1)
    cdf[:, -1] = 1.0
    offsets = np.arange(rows, dtype=np.float64)[:, None]
    u = g.random((rows, n)) + offsets
    flat = (cdf + offsets).reshape(-1)
    idx = np.searchsorted(flat, u.reshape(-1), side="right").reshape(rows, n)
    return np.minimum(idx - (offsets.astype(np.int64) * k), k - 1)


def poisson(input, generator=None):
    """Draws from Poisson(rate) for each rate in input (a float tensor), in input's dtype."""
    if not isinstance(input, Tensor):
        raise TypeError(f"poisson(): argument 'input' must be Tensor, not {type(input).__name__}")
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f"poisson(): not implemented for {input.dtype} rates; needs a "
                                  "floating point tensor")
    lam = _host(input)
    if lam.size and (np.any(lam < 0) or np.any(np.isnan(lam))):
        raise RuntimeError("poisson(): invalid Poisson rate, expected rate to be non-negative")
    out = _random.rng(generator).poisson(lam.astype(np.float64))
    return _like_device(np.asarray(out).astype(input._data.dtype), input)


def binomial(count, prob, generator=None):
    """Draws from Binomial(count, prob) elementwise (float tensors; shapes broadcast)."""
    for t, name in ((count, "count"), (prob, "prob")):
        if not isinstance(t, Tensor):
            raise TypeError(f"binomial(): argument '{name}' must be Tensor, not {type(t).__name__}")
        if t._data.dtype.kind != "f":
            raise ValueError(f"binomial only supports floating-point dtypes for {name}, got: "
                             f"{t.dtype}")
    n, p = _host(count), _host(prob)
    if np.any(p < 0) or np.any(p > 1) or np.any(n < 0):
        raise RuntimeError("binomial(): expected count >= 0 and 0 <= prob <= 1")
    out = _random.rng(generator).binomial(np.floor(n).astype(np.int64), p.astype(np.float64))
    return _like_device(np.asarray(out).astype(count._data.dtype), count)


# ---------------------------------------------------------------------------- in place
def _fill_inplace(self, values, fn):
    """Write host `values` into self, as Tensor.uniform_ does: a leaf that requires grad
    must be filled under no_grad (PyTorch's rule); the version counter is bumped."""
    from .autograd.grad_mode import is_grad_enabled, no_grad
    if self.requires_grad and self.grad_fn is None and is_grad_enabled():
        raise RuntimeError(f"{fn}(): a leaf Variable that requires grad is being used in an "
                           "in-place operation. Wrap it in `with minitorch.no_grad():`.")
    from .functional import inplace as IP
    with no_grad():
        IP.copy_(self, _make(np.asarray(values).astype(self._data.dtype)))
    return self


def _float_only(self, fn, what):
    if self._data.dtype.kind != "f":
        raise RuntimeError(f"{fn}(): {what} is a continuous probability distribution. dtype "
                           f"must be a floating point but you specified {self.dtype}")


def _random_bounds(self, frm, to):
    """random_'s range [from, to): random_() covers every integer the dtype holds exactly
    (up to 2**mantissa for floats), random_(to) is [0, to), random_(from, to)."""
    if to is None and frm is not None and not isinstance(frm, bool):
        frm, to = 0, frm
    frm = 0 if frm is None else int(frm)
    if to is None:
        kind, np_dtype = self._data.dtype.kind, self._data.dtype
        if kind == "f":
            to = 2 ** (np.finfo(np_dtype).nmant + 1) + 1
        elif kind == "b":
            to = 2
        else:
            to = int(np.iinfo(np_dtype).max) + 1
    to = int(to)
    if frm >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={frm} "
                           f">= to={to}")
    return frm, to


def random_(self, from_=None, to=None, *, generator=None, **kwargs):
    """Fill with integers uniform on [from, to): random_(to), random_(from, to), or
    random_() for the whole range the dtype represents exactly."""
    if "from" in kwargs:
        from_ = kwargs.pop("from")
    if kwargs:
        raise TypeError(f"random_() got unexpected keyword arguments {sorted(kwargs)}")
    lo, hi = _random_bounds(self, from_, to)
    vals = _random.rng(generator).integers(lo, hi, size=self._data.shape, dtype=np.int64,
                                           endpoint=False) if hi <= 2 ** 63 else \
        _random.rng(generator).integers(lo, hi, size=self._data.shape, dtype=np.uint64)
    return _fill_inplace(self, vals, "random_")


def exponential_(self, lambd=1.0, *, generator=None):
    """Fill with draws from Exp(lambd) (density lambd exp(-lambd x))."""
    _float_only(self, "exponential_", "Exponential distribution")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    vals = _random.rng(generator).standard_exponential(self._data.shape) / float(lambd)
    return _fill_inplace(self, vals, "exponential_")


def bernoulli_(self, p=0.5, *, generator=None):
    """Fill with 1 with probability p (a float or a tensor broadcast to self), else 0."""
    if isinstance(p, Tensor):
        probs = np.broadcast_to(_host(p).astype(np.float64), self._data.shape)
        if probs.size and (np.any(probs < 0) or np.any(probs > 1)):
            raise RuntimeError("bernoulli_(): expected 0 <= p <= 1 for every element of p")
    else:
        if not 0 <= float(p) <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
        probs = float(p)
    u = _random.rng(generator).random(self._data.shape)
    return _fill_inplace(self, u < probs, "bernoulli_")


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fill with draws from Cauchy(median, sigma): median + sigma tan(pi (u - 1/2))."""
    _float_only(self, "cauchy_", "Cauchy distribution")
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma}")
    vals = float(median) + float(sigma) * _random.rng(generator).standard_cauchy(self._data.shape)
    return _fill_inplace(self, vals, "cauchy_")


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fill with exp(N(mean, std^2)) draws."""
    _float_only(self, "log_normal_", "LogNormal distribution")
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std}")
    vals = _random.rng(generator).lognormal(float(mean), float(std), self._data.shape)
    return _fill_inplace(self, vals, "log_normal_")


def geometric_(self, p, *, generator=None):
    """Fill with the number of Bernoulli(p) trials up to and including the first success
    (values 1, 2, ...)."""
    if not 0 < float(p) < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
    vals = _random.rng(generator).geometric(float(p), self._data.shape)
    return _fill_inplace(self, vals, "geometric_")


def _bernoulli_method(self, p=None, *, generator=None):
    """Tensor.bernoulli(): draws with self's values (or the float p) as probabilities."""
    return bernoulli(self, p, generator=generator)


def _multinomial_method(self, num_samples, replacement=False, *, generator=None):
    return multinomial(self, num_samples, replacement, generator=generator)


# torch-level names minitorch/__init__.py does not import by name (they reach
# `minitorch.<name>` through functional/reduction.py's EXPORTS)
TORCH_LEVEL = ("asarray", "frombuffer", "scalar_tensor", "empty_strided", "range", "logspace",
               "tril_indices", "triu_indices", "hann_window", "hamming_window",
               "blackman_window", "bartlett_window", "kaiser_window", "normal", "multinomial",
               "poisson", "binomial", "preserve_format", "contiguous_format", "channels_last",
               "channels_last_3d", "memory_format")

# name -> function attached to Tensor as a method
TENSOR_METHODS = {
    "random_": random_, "exponential_": exponential_, "bernoulli_": bernoulli_,
    "cauchy_": cauchy_, "log_normal_": log_normal_, "geometric_": geometric_,
    "bernoulli": _bernoulli_method, "multinomial": _multinomial_method,
}
