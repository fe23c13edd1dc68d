"""Creating tensors: tensor, as_tensor, from_numpy, zeros/ones/full/empty (and *_like),
arange, linspace, eye, rand/randn/randint/randperm (and *_like).

dtype inference follows PyTorch: Python floats give the default dtype (float32), ints
give int64, bools give bool; NumPy arrays keep their dtype.
"""
from __future__ import annotations

import numbers

import numpy as np

from . import backend
from . import dtypes as _dt
from . import random as _random
from .tensor import Tensor, _make
from .functional._util import parse_shape


def _resolve(dtype, device, fn):
    d = None if dtype is None else _dt.to_dtype(dtype, fn)
    dev = backend.CPU if device is None else backend.to_device(device, fn)
    return d, dev


def _finish(arr, dev, requires_grad, fn):
    if dev.type != "cpu":
        arr = backend.transfer(arr, dev)
    t = _make(arr)
    if requires_grad:
        if arr.dtype.kind != "f":
            raise RuntimeError(f"{fn}(): only Tensors of floating point dtype can require "
                               f"gradients, got {t.dtype}")
        t._rg = True
    return t


def _infer_np_dtype(data):
    """dtype for nested Python data, PyTorch-style: bool < int64 < default float (and the
    default float for no elements at all: tensor([]) is float32, as in PyTorch)."""
    kind = -1
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        elif isinstance(x, Tensor):
            kind = max(kind, {"b": 0, "i": 1, "u": 1, "f": 2}[x._data.dtype.kind])
        elif isinstance(x, (bool, np.bool_)):
            kind = max(kind, 0)
        elif isinstance(x, (numbers.Integral,)):
            kind = max(kind, 1)
        elif isinstance(x, numbers.Real):
            kind = 2
        elif isinstance(x, np.ndarray):
            return None
        else:
            raise TypeError(f"tensor(): could not infer dtype of {type(x).__name__}")
    return [np.bool_, np.int64, _dt.get_default_dtype().np, _dt.get_default_dtype().np][kind]


def _to_array(data, fn):
    if isinstance(data, Tensor):
        return data._data
    if backend.is_array(data):
        return data
    if isinstance(data, (list, tuple)):
        def unwrap(x):
            if isinstance(x, Tensor):
                return x.tolist()
            if isinstance(x, (list, tuple)):
                return [unwrap(y) for y in x]
            return x
        dtype = _infer_np_dtype(data)
        try:
            return np.array(unwrap(data), dtype=dtype)
        except ValueError as exc:  # ragged nesting: [[1, 2], [3]]
            raise ValueError(f"{fn}(): nested sequences must be rectangular (every list at one "
                             f"depth the same length): {exc}") from None
    if isinstance(data, (bool, np.bool_)):
        return np.array(data, dtype=np.bool_)
    if isinstance(data, np.generic):
        return np.asarray(data)
    if isinstance(data, numbers.Integral):
        return np.array(data, dtype=np.int64)
    if isinstance(data, numbers.Real):
        return np.array(data, dtype=_dt.get_default_dtype().np)
    raise TypeError(f"{fn}(): could not convert data of type {type(data).__name__} to a tensor")


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of `data` (nested lists, numbers, arrays, tensors)."""
    d, dev = _resolve(dtype, device, "tensor")
    arr = _to_array(data, "tensor")
    if backend.is_array(arr) and arr.dtype.kind not in "biuf":
        raise TypeError(f"tensor(): unsupported array dtype {arr.dtype}")
    xp = backend.get_array_module(arr)
    arr = xp.array(arr, dtype=None if d is None else d.np, copy=True)
    if arr.dtype not in _dt._FROM_NP and arr.dtype.kind in "iu":
        arr = arr.astype(np.int64)  # uint8, int16...: minitorch's integer type is int64
    _dt.from_numpy_dtype(arr.dtype)
    return _finish(arr, dev if device is not None else backend.array_device(arr), requires_grad, "tensor")


def as_tensor(data, dtype=None, device=None):
    """Like tensor() but shares memory with `data` when no conversion is needed."""
    if isinstance(data, Tensor):
        out = data
        if dtype is not None or device is not None:
            out = data.to(device=device, dtype=dtype)
        return out
    d, dev = _resolve(dtype, device, "as_tensor")
    arr = _to_array(data, "as_tensor")
    if d is not None and arr.dtype != d.np:
        arr = arr.astype(d.np)
    if arr.dtype not in _dt._FROM_NP and arr.dtype.kind in "iu":
        arr = arr.astype(np.int64)
    _dt.from_numpy_dtype(arr.dtype)
    return _finish(arr, dev if device is not None else backend.array_device(arr), False, "as_tensor")


def from_numpy(ndarray):
    """A tensor sharing memory with a NumPy array (changes show in both)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"from_numpy(): expected np.ndarray (got {type(ndarray).__name__})")
    _dt.from_numpy_dtype(ndarray.dtype)
    return _make(ndarray)


def _filled(fn, size, value, dtype, device, requires_grad, default=None):
    if not size:  # zeros() as in PyTorch; zeros(()) is the 0-d tensor
        raise TypeError(f"{fn}() missing 1 required positional argument: 'size'")
    shape = parse_shape(size, fn)
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


def zeros(*size, dtype=None, device=None, requires_grad=False):
    return _filled("zeros", size, 0, dtype, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    return _filled("ones", size, 1, dtype, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False):
    return _filled("empty", size, None, dtype, device, requires_grad)


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False):
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    default = _dt.scalar_dtype(fill_value)
    return _filled("full", (size,), fill_value,
                   dtype, device, requires_grad, default)


def _like(fn, input, dtype, device):
    if not isinstance(input, Tensor):
        raise TypeError(f"{fn}(): argument 'input' must be Tensor, not {type(input).__name__}")
    return (input.dtype if dtype is None else dtype), (input.device if device is None else device)


def zeros_like(input, *, dtype=None, device=None, requires_grad=False):
    dtype, device = _like("zeros_like", input, dtype, device)
    return zeros(input._data.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def ones_like(input, *, dtype=None, device=None, requires_grad=False):
    dtype, device = _like("ones_like", input, dtype, device)
    return ones(input._data.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def empty_like(input, *, dtype=None, device=None, requires_grad=False):
    dtype, device = _like("empty_like", input, dtype, device)
    return empty(input._data.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False):
    dtype, device = _like("full_like", input, dtype, device)
    return full(input._data.shape, fill_value, dtype=dtype, device=device,
                requires_grad=requires_grad)


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """Values from start (default 0) up to, not including, end; int64 when every argument
    is an integer, the default float dtype otherwise."""
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    if vals[2] == 0:
        raise RuntimeError("arange(): step must be nonzero")
    if (vals[1] - vals[0]) * vals[2] < 0:
        raise RuntimeError(f"arange(): upper bound and larger bound inconsistent with step sign "
                           f"(start={vals[0]}, end={vals[1]}, step={vals[2]})")
    d, dev = _resolve(dtype, device, "arange")
    if d is None:
        d = _dt.int64 if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                             for v in vals) else _dt.get_default_dtype()
    n = int(np.ceil((vals[1] - vals[0]) / vals[2]))
    arr = (vals[0] + np.arange(max(n, 0), dtype=np.float64 if d.is_floating_point else np.int64)
           * vals[2]).astype(d.np)
    return _finish(arr, dev, requires_grad, "arange")


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False):
    if steps < 0:
        raise RuntimeError(f"linspace(): number of steps must be non-negative, got {steps}")
    d, dev = _resolve(dtype, device, "linspace")
    d = d or _dt.get_default_dtype()
    arr = np.linspace(float(start), float(end), int(steps)).astype(d.np)
    return _finish(arr, dev, requires_grad, "linspace")


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False):
    d, dev = _resolve(dtype, device, "eye")
    arr = np.eye(n, n if m is None else m, dtype=(d or _dt.get_default_dtype()).np)
    return _finish(arr, dev, requires_grad, "eye")


# ---------------------------------------------------------------------------- random
def _random_float(fn, size, draw, generator, dtype, device, requires_grad):
    if not size:
        raise TypeError(f"{fn}() missing 1 required positional argument: 'size'")
    shape = parse_shape(size, fn)
    d, dev = _resolve(dtype, device, fn)
    d = d or _dt.get_default_dtype()
    if not d.is_floating_point:
        raise RuntimeError(f"{fn}(): expected a floating point dtype, got {d}")
    g = _random.rng(generator)
    npd = d.np if d.np in (np.float32, np.float64) else np.float32
    arr = draw(g, shape, npd).astype(d.np, copy=False)
    return _finish(arr, dev, requires_grad, fn)


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform on [0, 1)."""
    return _random_float("rand", size, lambda g, s, t: g.random(s, dtype=t),
                         generator, dtype, device, requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal."""
    return _random_float("randn", size, lambda g, s, t: g.standard_normal(s, dtype=t),
                         generator, dtype, device, requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad=False):
    """Integers uniform on [low, high); randint(high, size) also works."""
    if size is None:
        if high is None or not isinstance(high, (tuple, list)):
            raise TypeError("randint(): missing the 'size' argument")
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    if high <= low:
        raise RuntimeError(f"randint(): random_ expects 'from' to be less than 'to', but got "
                           f"from={low} >= to={high}")
    shape = parse_shape((size,), "randint")
    d, dev = _resolve(dtype, device, "randint")
    d = d or _dt.int64
    arr = _random.rng(generator).integers(low, high, size=shape).astype(d.np)
    return _finish(arr, dev, requires_grad, "randint")


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    d, dev = _resolve(dtype, device, "randperm")
    arr = _random.rng(generator).permutation(int(n)).astype((d or _dt.int64).np)
    return _finish(arr, dev, requires_grad, "randperm")


def rand_like(input, *, dtype=None, device=None, requires_grad=False):
    dtype, device = _like("rand_like", input, dtype, device)
    return rand(input._data.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def randn_like(input, *, dtype=None, device=None, requires_grad=False):
    dtype, device = _like("randn_like", input, dtype, device)
    return randn(input._data.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, device=None):
    dtype, device = _like("randint_like", input, dtype, device)
    return randint(low, high, input._data.shape, dtype=dtype, device=device)


def bernoulli(input, p=None, *, generator=None):
    """Draws of 1 with probability `input` (or p), 0 otherwise, in input's dtype."""
    probs = input._data if p is None else np.full(input._data.shape, p)
    xp = backend.get_array_module(input._data)
    u = _random.rng(generator).random(input._data.shape)
    out = (u < backend.transfer(probs, backend.CPU)).astype(input._data.dtype)
    return _make(backend.transfer(out, input.device) if xp is not np else out)
