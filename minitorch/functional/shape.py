"""Shape functions: reshape/view, permute/transpose, squeeze/unsqueeze, expand, repeat,
cat/stack/split/chunk, flip, tril/triu, pad.

They move values without changing them, so each backward moves the gradient back the
opposite way: reshape back, permute by the inverse permutation, sum over what was
expanded or repeated, slice what was concatenated, flip again, crop what was padded.
"""
from __future__ import annotations

import math

import numpy as np

from .. import backend
from ..autograd.function import Function
from ..tensor import Tensor, _wrap_dim
from ._util import check_tensor, sum_to, input_shape, parse_shape, cast
from .. import dtypes as _dt

_xp = backend.get_array_module


# ---------------------------------------------------------------------------- reshape
class Reshape(Function):
    """out = x with a new shape (same elements, same order);  dx = g reshaped back."""
    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(input_shape(ctx, 0))


def _infer_shape(shape, numel, fn):
    if shape.count(-1) > 1:
        raise RuntimeError(f"{fn}(): only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"{fn}(): invalid shape dimension {s}")
            known *= s
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"{fn}(): shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"{fn}(): shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def reshape(input, *shape):
    shape = parse_shape(shape, "reshape")
    d = input._data
    if shape == d.shape:
        return input
    return Reshape.apply(input, _infer_shape(shape, d.size, "reshape"))


def view(input, *shape):
    """Like reshape. (NumPy decides whether a copy is needed; minitorch does not raise
    where PyTorch's view would on a non-viewable stride pattern.)"""
    if len(shape) == 1 and (isinstance(shape[0], _dt.dtype) or isinstance(shape[0], type)):
        raise NotImplementedError("view(dtype) reinterpretation is not supported; use .to(dtype)")
    shape = parse_shape(shape, "view")
    d = input._data
    if shape == d.shape:
        return Reshape.apply(input, shape)
    return Reshape.apply(input, _infer_shape(shape, d.size, "view"))


def flatten(input, start_dim=0, end_dim=-1):
    n = input.ndim
    if n == 0:
        return reshape(input, 1)
    s = _wrap_dim(start_dim, n, "flatten")
    e = _wrap_dim(end_dim, n, "flatten")
    if s > e:
        raise RuntimeError("flatten(): start_dim cannot come after end_dim")
    shape = input._data.shape
    return reshape(input, shape[:s] + (-1 if 0 not in shape[s:e + 1] else 0,) + shape[e + 1:]) \
        if s != e else input


def unflatten(input, dim, sizes):
    d = _wrap_dim(dim, input.ndim, "unflatten")
    shape = input._data.shape
    sizes = _infer_shape(tuple(sizes), shape[d], "unflatten")
    return reshape(input, shape[:d] + sizes + shape[d + 1:])


def squeeze(input, dim=None):
    shape = input._data.shape
    if dim is None:
        dims = tuple(i for i, s in enumerate(shape) if s == 1)
    else:
        dd = dim if isinstance(dim, (tuple, list)) else (dim,)
        dims = tuple(_wrap_dim(x, input.ndim, "squeeze") for x in dd)
        dims = tuple(i for i in dims if input.ndim and shape[i] == 1)
    if not dims:
        return input
    return Reshape.apply(input, tuple(s for i, s in enumerate(shape) if i not in dims))


def unsqueeze(input, dim):
    n = input.ndim + 1
    if not -n <= dim < n:
        raise IndexError(f"unsqueeze(): Dimension out of range (expected to be in range of "
                         f"[{-n}, {n - 1}], but got {dim})")
    d = dim % n
    shape = input._data.shape
    return Reshape.apply(input, shape[:d] + (1,) + shape[d:])


# ---------------------------------------------------------------------------- permute
class Permute(Function):
    """out = x with dims reordered by `perm`;  dx = g permuted by the inverse of perm."""
    is_view = True

    @staticmethod
    def forward(ctx, x, perm):
        ctx.perm = perm
        return _xp(x).transpose(x, perm)

    @staticmethod
    def backward(ctx, g):
        inv = [0] * len(ctx.perm)
        for i, p in enumerate(ctx.perm):
            inv[p] = i
        return g.permute(tuple(inv))


def permute(input, *dims):
    dims = parse_shape(dims, "permute")
    n = input.ndim
    if len(dims) != n:
        raise RuntimeError(f"permute(): number of dims don't match in permute: got {len(dims)} "
                           f"dims for a tensor of {n} dims")
    perm = tuple(_wrap_dim(d, n, "permute") for d in dims)
    if len(set(perm)) != n:
        raise RuntimeError(f"permute(): repeated dim in {list(dims)}")
    if perm == tuple(range(n)):
        return input
    return Permute.apply(input, perm)


def transpose(input, dim0, dim1):
    n = input.ndim
    if n == 0:
        return input
    a = _wrap_dim(dim0, n, "transpose")
    b = _wrap_dim(dim1, n, "transpose")
    perm = list(range(n))
    perm[a], perm[b] = perm[b], perm[a]
    return permute(input, perm)


swapaxes = swapdims = transpose


def t(input):
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return transpose(input, 0, 1) if input.ndim == 2 else input


def movedim(input, source, destination):
    n = input.ndim
    src = [_wrap_dim(s, n, "movedim") for s in (source if isinstance(source, (tuple, list)) else [source])]
    dst = [_wrap_dim(d, n, "movedim") for d in (destination if isinstance(destination, (tuple, list)) else [destination])]
    order = [i for i in range(n) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(input, order)


# ---------------------------------------------------------------------------- expand
class Expand(Function):
    """out = x broadcast to `shape` (a read-only view);  dx = g summed back to x's shape."""
    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        return _xp(x).broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, g):
        return sum_to(g, input_shape(ctx, 0))


def expand(input, *sizes):
    sizes = parse_shape(sizes, "expand")
    shape = input._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand(): the number of sizes provided ({len(sizes)}) must be "
                           f"greater or equal to the number of dimensions in the tensor ({len(shape)})")
    lead = len(sizes) - len(shape)
    out = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"expand(): -1 is not allowed in a leading, non-existing dimension {i}")
            out.append(s)
            continue
        cur = shape[i - lead]
        if s == -1:
            s = cur
        if cur != s and cur != 1:
            raise RuntimeError(f"expand(): the expanded size of the tensor ({s}) must match the "
                               f"existing size ({cur}) at non-singleton dimension {i}. "
                               f"Target sizes: {list(sizes)}. Tensor sizes: {list(shape)}")
        out.append(s)
    out = tuple(out)
    if out == shape:
        return input
    return Expand.apply(input, out)


def broadcast_to(input, shape):
    return expand(input, tuple(shape))


def expand_as(input, other):
    return expand(input, other._data.shape)


def broadcast_tensors(*tensors):
    from ._util import broadcast_shapes
    shape = ()
    for x in tensors:
        shape = broadcast_shapes(shape, x._data.shape, "broadcast_tensors")
    return tuple(expand(x, shape) for x in tensors)


class Repeat(Function):
    """out = x tiled `reps` times along each dim;
    dx = g viewed as (r0, s0, r1, s1, ...) and summed over the r axes."""

    @staticmethod
    def forward(ctx, x, reps):
        ctx.reps = reps
        return _xp(x).tile(x, reps)

    @staticmethod
    def backward(ctx, g):
        shape = input_shape(ctx, 0)
        reps = ctx.reps
        full = (1,) * (len(reps) - len(shape)) + tuple(shape)
        split = []
        for r, s in zip(reps, full):
            split += [r, s]
        g = g.reshape(split).sum(dim=tuple(range(0, 2 * len(reps), 2)))
        return g.reshape(shape)


def repeat(input, *sizes):
    reps = parse_shape(sizes, "repeat")
    if len(reps) < input.ndim:
        raise RuntimeError("repeat(): Number of dimensions of repeat dims can not be smaller "
                           f"than number of dimensions of tensor ({len(reps)} < {input.ndim})")
    return Repeat.apply(input, reps)


# ---------------------------------------------------------------------------- cat / stack
class Cat(Function):
    """out = the inputs joined along `dim`;  dx_k = the slice of g that x_k filled."""

    @staticmethod
    def forward(ctx, *xs, dim):
        ctx.dim = dim
        ctx.sizes = [x.shape[dim] for x in xs]
        return _xp(xs[0]).concatenate(xs, axis=dim)

    @staticmethod
    def backward(ctx, g):
        grads = []
        start = 0
        d = ctx.dim
        for k, size in enumerate(ctx.sizes):
            if ctx.needs_input_grad[k]:
                grads.append(g.narrow(d, start, size))
            else:
                grads.append(None)
            start += size
        return tuple(grads)


def _as_tensor_list(tensors, fn):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{fn}(): argument 'tensors' must be a tuple or list of Tensors, "
                        f"got {type(tensors).__name__}")
    if len(tensors) == 0:
        raise RuntimeError(f"{fn}(): expected a non-empty list of Tensors")
    for i, x in enumerate(tensors):
        check_tensor(x, fn, f"tensors[{i}]")
    return list(tensors)


def _promote_all(tensors):
    rt = tensors[0].dtype
    for x in tensors[1:]:
        rt = _dt.promote_types(rt, x.dtype)
    return [cast(x, rt.np) for x in tensors]


def cat(tensors, dim=0):
    tensors = _as_tensor_list(tensors, "cat")
    # PyTorch skips 1-d empty tensors in cat (legacy behaviour); so do we
    tensors = [x for x in tensors if not (x.ndim == 1 and x._data.shape[0] == 0)] or tensors[:1]
    ref = tensors[0]
    d = _wrap_dim(dim, ref.ndim, "cat")
    for i, x in enumerate(tensors):
        if x.ndim != ref.ndim:
            raise RuntimeError(f"cat(): Tensors must have same number of dimensions: got "
                               f"{ref.ndim} and {x.ndim}")
        for k in range(ref.ndim):
            if k != d and x._data.shape[k] != ref._data.shape[k]:
                raise RuntimeError(
                    f"cat(): Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{ref._data.shape[k]} but got size {x._data.shape[k]} for tensor number {i} "
                    "in the list.")
    tensors = _promote_all(tensors)
    if len(tensors) == 1:
        return tensors[0].clone()
    return Cat.apply(*tensors, dim=d)


concat = concatenate = cat


def stack(tensors, dim=0):
    tensors = _as_tensor_list(tensors, "stack")
    shape = tensors[0]._data.shape
    for i, x in enumerate(tensors):
        if x._data.shape != shape:
            raise RuntimeError(f"stack(): stack expects each tensor to be equal size, but got "
                               f"{list(shape)} at entry 0 and {list(x.shape)} at entry {i}")
    n = len(shape) + 1
    if not -n <= dim < n:
        raise IndexError(f"stack(): Dimension out of range (expected to be in range of "
                         f"[{-n}, {n - 1}], but got {dim})")
    d = dim % n
    return cat([unsqueeze(x, d) for x in tensors], d)


def hstack(tensors):
    tensors = _as_tensor_list(tensors, "hstack")
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    tensors = _as_tensor_list(tensors, "vstack")
    return cat([x.reshape(1, -1) if x.ndim < 2 else x for x in tensors], 0)


def narrow(input, dim, start, length):
    d = _wrap_dim(dim, input.ndim, "narrow")
    size = input._data.shape[d]
    if start < 0:
        start += size
    if not (0 <= start and length >= 0 and start + length <= size):
        raise IndexError(f"narrow(): start ({start}) + length ({length}) exceeds dimension size ({size}).")
    index = (slice(None),) * d + (slice(start, start + length),)
    return input[index]


def split(tensor, split_size_or_sections, dim=0):
    """Pieces of `split_size` along dim (the last may be smaller), or of the given sizes."""
    d = _wrap_dim(dim, tensor.ndim, "split")
    size = tensor._data.shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = list(split_size_or_sections)
        if builtins_sum(sizes) != size:
            raise RuntimeError(f"split(): split_with_sizes expects split_sizes to sum exactly to "
                               f"{size} (input tensor's size at dimension {d}), but got "
                               f"split_sizes={sizes}")
    else:
        step = int(split_size_or_sections)
        if step <= 0:
            raise RuntimeError(f"split(): split_size must be positive, got {step}")
        sizes = [min(step, size - s) for s in range(0, size, step)] or [0]
    out, start = [], 0
    for s in sizes:
        out.append(narrow(tensor, d, start, s))
        start += s
    return tuple(out)


def chunk(input, chunks, dim=0):
    """`chunks` pieces of ceil(size / chunks) along dim (fewer when they run out)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk(): chunks must be greater than 0, got {chunks}")
    d = _wrap_dim(dim, input.ndim, "chunk")
    size = input._data.shape[d]
    step = max(math.ceil(size / chunks), 1)
    return split(input, step, d)


def unbind(input, dim=0):
    d = _wrap_dim(dim, input.ndim, "unbind")
    return tuple(select(input, d, i) for i in range(input._data.shape[d]))


def select(input, dim, index):
    d = _wrap_dim(dim, input.ndim, "select")
    return input[(slice(None),) * d + (index,)]


builtins_sum = sum


# ---------------------------------------------------------------------------- flip, tril
class Flip(Function):
    """out = x reversed along dims;  dx = g reversed along the same dims."""
    is_view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return _xp(x).flip(x, axis=dims)

    @staticmethod
    def backward(ctx, g):
        return Flip.apply(g, ctx.dims)


def flip(input, *dims):
    dims = parse_shape(dims, "flip")
    dims = tuple(_wrap_dim(d, input.ndim, "flip") for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"flip(): dims has duplicates: {list(dims)}")
    if not dims:
        return input.clone()
    return Flip.apply(input, dims)


def fliplr(input):
    return flip(input, 1)


def flipud(input):
    return flip(input, 0)


class TriangularPart(Function):
    """out = the lower (tril) or upper (triu) triangle of the last two dims, zero elsewhere;
    dx = the same triangle of g."""

    @staticmethod
    def forward(ctx, x, diagonal, lower):
        ctx.diagonal, ctx.lower = diagonal, lower
        xp = _xp(x)
        return xp.tril(x, diagonal) if lower else xp.triu(x, diagonal)

    @staticmethod
    def backward(ctx, g):
        return TriangularPart.apply(g, ctx.diagonal, ctx.lower)


def tril(input, diagonal=0):
    if input.ndim < 2:
        raise RuntimeError(f"tril(): input tensor must have at least 2 dimensions, got {input.ndim}")
    return TriangularPart.apply(input, int(diagonal), True)


def triu(input, diagonal=0):
    if input.ndim < 2:
        raise RuntimeError(f"triu(): input tensor must have at least 2 dimensions, got {input.ndim}")
    return TriangularPart.apply(input, int(diagonal), False)


# ---------------------------------------------------------------------------- pad
class ConstantPad(Function):
    """out = x with `pads[d] = (before, after)` entries of `value` added on each dim
    (negative amounts crop);  dx = g cropped back: the same op with the amounts negated."""

    @staticmethod
    def forward(ctx, x, pads, value):
        ctx.pads = pads
        xp = _xp(x)
        crop = tuple(slice(max(-a, 0), x.shape[i] - max(-b, 0)) for i, (a, b) in enumerate(pads))
        x = x[crop]
        grow = [(max(a, 0), max(b, 0)) for a, b in pads]
        if any(a or b for a, b in grow):
            x = xp.pad(x, grow, mode="constant", constant_values=value)
        else:
            x = x.copy()
        return x

    @staticmethod
    def backward(ctx, g):
        return ConstantPad.apply(g, tuple((-a, -b) for a, b in ctx.pads), 0)


_PAD_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def pad(input, pad, mode="constant", value=None):
    """Pad the last len(pad)//2 dims: pad = (left, right) for the last dim, then (top,
    bottom) for the one before, and so on. Modes: constant (negative pads crop), reflect,
    replicate, circular."""
    check_tensor(input, "pad")
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError(f"pad(): padding length must be divisible by 2, got {len(pad)}")
    k = len(pad) // 2
    if k > input.ndim:
        raise RuntimeError(f"pad(): padding length too large: {len(pad)} entries for a "
                           f"{input.ndim}-d input")
    pads = [(0, 0)] * (input.ndim - k) + [(pad[2 * i], pad[2 * i + 1]) for i in reversed(range(k))]
    shape = input._data.shape
    if mode == "constant":
        for d, (a, b) in enumerate(pads):
            if shape[d] + a + b < 0:
                raise RuntimeError(f"pad(): the padded size of dim {d} would be negative "
                                   f"({shape[d]} + {a} + {b})")
        return ConstantPad.apply(input, tuple(pads), 0 if value is None else value)
    if mode not in _PAD_MODES:
        raise ValueError(f"pad(): mode must be 'constant', 'reflect', 'replicate' or "
                         f"'circular', got {mode!r}")
    if value not in (None, 0):
        raise ValueError(f"pad(): padding mode '{mode}' doesn't take in value argument")
    from .indexing import index_select
    out = input
    xp = _xp(input._data)
    for d, (a, b) in enumerate(pads):
        if a == 0 and b == 0:
            continue
        n = shape[d]
        if a < 0 or b < 0:
            raise RuntimeError("pad(): negative padding is only supported in constant mode")
        if mode == "reflect" and (a >= n or b >= n):
            raise RuntimeError(f"pad(): padding size should be less than the corresponding input "
                               f"dimension, but got: padding ({a}, {b}) at dimension {d} of "
                               f"input {list(shape)}")
        if mode == "circular" and (a > n or b > n):
            raise RuntimeError(f"pad(): padding value causes wrapping around more than once "
                               f"(padding ({a}, {b}) for size {n})")
        # host: index bookkeeping on a Python size, moved with xp.asarray
        idx = np.pad(np.arange(n), (a, b), mode=_PAD_MODES[mode])
        from ..tensor import _make
        out = index_select(out, d, _make(xp.asarray(idx, dtype=np.int64)))
    return out
