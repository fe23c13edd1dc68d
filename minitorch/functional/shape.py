"""Shape functions: reshape/view, permute/transpose, squeeze/unsqueeze, expand, repeat,
cat/stack/split/chunk, flip, tril/triu, pad; and PyTorch's wider shape surface: meshgrid,
roll, repeat_interleave, tile, rot90, diagonals (diag, diagonal, diag_embed, diagflat,
trace), atleast_*d and the *stack family, tensor_split and the *split family, unfold, take,
take_along_dim, diff, cartesian_prod, combinations, block_diag, as_strided and the *_copy
variants.

They move values without changing them, so each backward moves the gradient back the
opposite way: reshape back, permute by the inverse permutation, sum over what was
expanded or repeated, slice what was concatenated, flip again, crop what was padded,
scatter back what was gathered.
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


def _sizes(args, kw, name, fn):
    """f(2, 3), f((2, 3)) or f(name=(2, 3)) -> the sizes (PyTorch takes all three)."""
    if kw is None:
        return args
    if args:
        raise TypeError(f"{fn}(): got sizes both positionally and as '{name}='")
    return (kw,)


def reshape(input, *shape_args, shape=None):
    """input with a new shape of the same number of elements (one size may be -1); a view
    when the memory layout allows."""
    shape = parse_shape(_sizes(shape_args, shape, "shape", "reshape"), "reshape")
    d = input._data
    if shape == d.shape:
        return input
    return Reshape.apply(input, _infer_shape(shape, d.size, "reshape"))


def view(input, *shape, size=None, dtype=None):
    """Like reshape. (NumPy decides whether a copy is needed; minitorch does not raise
    where PyTorch's view would on a non-viewable stride pattern.)"""
    if dtype is not None:
        shape = (dtype,)
    shape = _sizes(shape, size, "size", "view")
    if len(shape) == 1 and (isinstance(shape[0], (_dt.dtype, np.dtype)) or
                            isinstance(shape[0], type)):
        return _view_dtype(input, shape[0])
    shape = parse_shape(shape, "view")
    d = input._data
    if shape == d.shape:
        return Reshape.apply(input, shape)
    return Reshape.apply(input, _infer_shape(shape, d.size, "view"))


def _view_dtype(input, dtype):
    """The same bytes read as another dtype (NumPy's ndarray.view): a view sharing memory,
    outside the graph (PyTorch does not differentiate a reinterpretation either). With a
    different item size the last dim shrinks or grows, and must be contiguous."""
    from ..tensor import _make
    d = _dt.to_dtype(dtype, "view")
    a = input._data
    if d.np.itemsize != a.dtype.itemsize:
        if a.ndim == 0:
            raise RuntimeError(f"view(): self.dim() cannot be 0 to view {input.dtype} as {d} "
                               "(different element sizes)")
        if a.strides[-1] != a.itemsize:
            raise RuntimeError("view(): self.stride(-1) must be 1 to view a tensor as a dtype "
                               "with a different element size")
        if (a.shape[-1] * a.itemsize) % d.np.itemsize:
            raise RuntimeError(f"view(): self.size(-1) must be divisible by "
                               f"{d.np.itemsize // a.itemsize or 1} to view {input.dtype} as {d}")
    out = _make(a.view(d.np))
    out._vc = input._vc
    out._base = input if input._base is None else input._base
    return out


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
    """Expand dim into `sizes` (one of them may be -1)."""
    d = _wrap_dim(dim, input.ndim, "unflatten")
    shape = input._data.shape
    sizes = parse_shape((sizes,), "unflatten")
    if not sizes:
        raise RuntimeError("unflatten(): sizes must be non-empty")
    try:
        sizes = _infer_shape(sizes, shape[d], "unflatten")
    except RuntimeError:
        raise RuntimeError(f"unflatten(): Provided sizes {list(sizes)} don't multiply up to the "
                           f"size of dim {dim} ({shape[d]}) in the input tensor") from None
    return reshape(input, shape[:d] + sizes + shape[d + 1:])


def squeeze(input, dim=None):
    shape = input._data.shape
    if dim is None:
        dims = tuple(i for i, s in enumerate(shape) if s == 1)
    else:
        dd = dim if isinstance(dim, (tuple, list)) else (dim,)
        dims = tuple(_wrap_dim(x, input.ndim, "squeeze") for x in dd)
        if len(set(dims)) != len(dims):
            dup = next(x for x in dims if dims.count(x) > 1)
            raise RuntimeError(f"squeeze(): dim {dup} appears multiple times in the list of dims")
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


def permute(input, *dims_args, dims=None):
    """input with its dims reordered (a view): out.shape[i] = input.shape[dims[i]]."""
    dims = parse_shape(_sizes(dims_args, dims, "dims", "permute"), "permute")
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
    """Swap dims dim0 and dim1 (a view). A 0-d or 1-d tensor comes back unchanged, as in
    PyTorch (its dims must still be in range)."""
    n = input.ndim
    a = _wrap_dim(dim0, n, "transpose")
    b = _wrap_dim(dim1, n, "transpose")
    if n == 0:
        return input
    perm = list(range(n))
    perm[a], perm[b] = perm[b], perm[a]
    return permute(input, perm)


swapdims = transpose


def swapaxes(input, axis0, axis1):
    """transpose() with NumPy's argument names."""
    return transpose(input, axis0, axis1)


def t(input):
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return transpose(input, 0, 1) if input.ndim == 2 else input


def movedim(input, source, destination):
    """Move the dims `source` to the positions `destination` (ints or sequences of the same
    length); the other dims keep their order. A permute, so a view."""
    n = input.ndim
    src = source if isinstance(source, (tuple, list)) else [source]
    dst = destination if isinstance(destination, (tuple, list)) else [destination]
    if len(src) != len(dst):
        raise RuntimeError(f"movedim(): Invalid source or destination dims: source "
                           f"({list(src)} dims) should contain the same number of dims as "
                           f"destination ({list(dst)} dims)")
    src = [_wrap_dim(s, n, "movedim") for s in src]
    dst = [_wrap_dim(d, n, "movedim") for d in dst]
    for name, dims in (("source", src), ("destination", dst)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim(): repeated dim in `{name}` ({dims})")
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


def expand(input, *sizes, size=None):
    """input broadcast to `sizes` (-1 keeps a dim; new dims go in front): a read-only view."""
    sizes = parse_shape(_sizes(sizes, size, "size", "expand"), "expand")
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


def repeat(input, *sizes, repeats=None):
    """input tiled `sizes` times along each dim (leading sizes add new dims)."""
    reps = parse_shape(_sizes(sizes, repeats, "repeats", "repeat"), "repeat")
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


def narrow(input, dim, start, length):
    """input[..., start:start + length, ...] along dim (a view); start may be negative or a
    0-d integer tensor."""
    d = _wrap_dim(dim, input.ndim, "narrow")
    start = _as_int(start, "narrow", "start")
    length = _as_int(length, "narrow", "length")
    size = input._data.shape[d]
    if not -size <= start <= size:
        raise IndexError(f"narrow(): start out of range (expected to be in range of "
                         f"[{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if length < 0:
        raise RuntimeError(f"narrow(): length must be non-negative, got {length}")
    if start + length > size:
        raise RuntimeError(f"narrow(): start ({start}) + length ({length}) exceeds dimension "
                           f"size ({size}).")
    index = (slice(None),) * d + (slice(start, start + length),)
    return input[index]


def split(tensor, split_size_or_sections=None, dim=0, *, split_size=None):
    """Pieces of `split_size` along dim (the last may be smaller), or of the given sizes.
    (`split_size=` is Tensor.split's name for the same argument.)"""
    if split_size_or_sections is None:
        split_size_or_sections = split_size
    if split_size_or_sections is None:
        raise TypeError("split(): missing required argument 'split_size_or_sections'")
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


def flip(input, *dims_args, dims=None):
    """input reversed along `dims` (a view)."""
    dims = parse_shape(_sizes(dims_args, dims, "dims", "flip"), "flip")
    dims = tuple(_wrap_dim(d, input.ndim, "flip") for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"flip(): dims has duplicates: {list(dims)}")
    if not dims:
        return input.clone()
    return Flip.apply(input, dims)


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


# ---------------------------------------------------------------------------- more shape ops
# The functions below complete PyTorch's shape surface. Most are compositions of the
# differentiable ops above (reshape, expand, cat, narrow, index_select, flip, permute), so
# their gradients and second derivatives come for free; the few that need their own
# Function (roll, diagonal and its adjoint diag_embed) put the derivative beside them.

def _host(arr):
    """A small index array on the host (NumPy), for Python-side index bookkeeping."""
    return backend.transfer(arr, backend.device("cpu"))


def _tensor_list(args, fn):
    """f(a, b, c) or f([a, b, c]) -> list of Tensors (may be empty)."""
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        args = tuple(args[0])
    for i, x in enumerate(args):
        check_tensor(x, fn, f"tensors[{i}]")
    return list(args)


def _as_int(value, fn, arg):
    """An int from an int, a NumPy integer or a one-element integer Tensor."""
    if isinstance(value, Tensor):
        if value._data.dtype.kind not in "iu" or value._data.size != 1:
            raise TypeError(f"{fn}(): argument '{arg}' must be an int or a one-element integer "
                            f"tensor, got a {value.dtype} tensor of shape {list(value.shape)}")
        return int(value.item())
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{fn}(): argument '{arg}' must be int, not {type(value).__name__}")
    return int(value)


def view_as(input, other):
    """input viewed with other's shape."""
    return view(input, other._data.shape)


def reshape_as(input, other):
    """input reshaped to other's shape."""
    return reshape(input, other._data.shape)


def ravel(input):
    """The elements in row-major order as a 1-D tensor (a view when possible)."""
    return reshape(input, -1)


def narrow_copy(input, dim, start, length):
    """narrow(), returned as a new tensor instead of a view."""
    return narrow(input, dim, start, length).clone()


moveaxis = movedim


def adjoint(input):
    """The conjugate transpose of the last two dims (the transpose: minitorch is real)."""
    if input.ndim < 2:
        raise RuntimeError(f"adjoint(): tensor.adjoint() is only supported on matrices or "
                           f"batches of matrices. Got {input.ndim}-D tensor.")
    return transpose(input, -2, -1)


def broadcast_shapes(*shapes):
    """The shape that tensors of the given shapes broadcast to (a Size)."""
    from ..tensor import Size
    from ._util import broadcast_shapes as _bs
    out = ()
    for s in shapes:
        s = (s,) if isinstance(s, (int, np.integer)) else tuple(s)
        for v in s:
            if v < 0:
                raise RuntimeError(f"broadcast_shapes(): trying to create a tensor with "
                                   f"negative dimension {v}: {list(s)}")
        out = _bs(out, s, "broadcast_shapes")
    return Size(out)


# ---------------------------------------------------------------------------- meshgrid
_MESHGRID_WARNING = ("torch.meshgrid: in an upcoming release, it will be required to pass the "
                     "indexing argument.")


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 0-d/1-d tensors t_1..t_n of sizes s_1..s_n.

    indexing='ij' (matrix): every output has shape (s_1, ..., s_n) and out_k[i_1..i_n] =
    t_k[i_k]. indexing='xy' (Cartesian, NumPy's default) swaps the first two dims. Without
    `indexing`, PyTorch warns and uses 'ij'; so do we. Each output is t_k reshaped and
    expanded (a broadcast view), so the gradient of t_k is its output's gradient summed over
    the other dims."""
    tensors = _tensor_list(tensors, "meshgrid")
    if not tensors:
        raise RuntimeError("meshgrid(): expects a non-empty TensorList")
    if indexing is None:
        import warnings
        warnings.warn(_MESHGRID_WARNING, UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'meshgrid(): indexing must be one of "xy" or "ij", but received: '
                           f"{indexing}")
    for i, t in enumerate(tensors):
        if t.ndim > 1:
            raise RuntimeError(f"meshgrid(): expected 0D or 1D tensors in the tensor list, but "
                               f"tensors[{i}] has shape {list(t.shape)}")
        if t.dtype != tensors[0].dtype:
            raise RuntimeError(f"meshgrid(): expects all tensors to have the same dtype, got "
                               f"{tensors[0].dtype} and {t.dtype}")
        if t.device != tensors[0].device:
            raise RuntimeError(f"meshgrid(): expects all tensors to have the same device, got "
                               f"{tensors[0].device} and {t.device}")
    sizes = [t.numel() for t in tensors]
    order = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) >= 2:
        order[0], order[1] = 1, 0
    shape = tuple(sizes[k] for k in order)
    out = []
    for k, t in enumerate(tensors):
        pos = order.index(k)
        vshape = [1] * len(shape)
        vshape[pos] = sizes[k]
        out.append(expand(reshape(t, vshape), shape))
    return tuple(out)


def cartesian_prod(*tensors):
    """All tuples (a_1, ..., a_n) with a_k from the 1-D tensor t_k, in row-major order: a
    (prod(len(t_k)), n) tensor (one tensor is returned as it is)."""
    tensors = _tensor_list(tensors, "cartesian_prod")
    if not tensors:
        raise RuntimeError("cartesian_prod(): expects a non-empty TensorList")
    for t in tensors:
        if t.ndim != 1:
            raise RuntimeError(f"cartesian_prod(): Expect a 1D vector, but got shape "
                               f"{list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([reshape(g, -1) for g in grids], dim=1)


def combinations(input, r=2, with_replacement=False):
    """The length-r combinations of a 1-D tensor's elements (as itertools.combinations,
    or combinations_with_replacement), one per row: shape (count, r). r=0 gives an empty
    1-D tensor. A gather of the input (index_select), so it is differentiable."""
    import itertools
    check_tensor(input, "combinations")
    if input.ndim != 1:
        raise RuntimeError(f"combinations(): Expect a 1D vector, but got shape {list(input.shape)}")
    r = _as_int(r, "combinations", "r")
    if r < 0:
        raise RuntimeError(f"combinations(): Expect a non-negative number, but got {r}")
    xp = _xp(input._data)
    if r == 0:
        return _make_like(xp.zeros((0,), dtype=input._data.dtype))
    gen = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = list(gen(range(input._data.shape[0]), r))
    idx = np.asarray(rows, dtype=np.int64).reshape(len(rows), r)  # host: index bookkeeping
    return _index_rows(input, xp.asarray(idx))


def _make_like(arr):
    from ..tensor import _make
    return _make(arr)


def _index_rows(input, idx):
    """input (1-D) taken at the integer array `idx` (any shape), differentiably."""
    from .indexing import index_select
    flat = index_select(input, 0, _make_like(idx.reshape(-1)))
    return reshape(flat, idx.shape)


# ---------------------------------------------------------------------------- roll
class Roll(Function):
    """out = x shifted cyclically: out[i] = x[(i - s) mod n] along each rolled dim;
    dx = g rolled back by -s (a permutation's adjoint is its inverse)."""

    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return _xp(x).roll(x, shifts, axis=dims)

    @staticmethod
    def backward(ctx, g):
        return Roll.apply(g, tuple(-s for s in ctx.shifts), ctx.dims)


def roll(input, shifts, dims=None):
    """Roll `input` by `shifts` along `dims` (ints or tuples of equal length); without dims
    the tensor is flattened, rolled and reshaped back."""
    check_tensor(input, "roll")
    sh = tuple(shifts) if isinstance(shifts, (tuple, list)) else (shifts,)
    sh = tuple(_as_int(s, "roll", "shifts") for s in sh)
    if dims is None:
        dm = ()
    else:
        dm = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    if not sh:
        raise RuntimeError("roll(): `shifts` required")
    if dims is None or not dm:
        if len(sh) != 1:
            raise RuntimeError(f"roll(): shifts and dimensions must align. shifts: {len(sh)}, "
                               f"dims:{len(dm)}")
        flat = reshape(input, -1)
        return reshape(Roll.apply(flat, sh, (0,)), input._data.shape)
    if len(sh) != len(dm):
        raise RuntimeError(f"roll(): shifts and dimensions must align. shifts: {len(sh)}, "
                           f"dims:{len(dm)}")
    dm = tuple(_wrap_dim(d, input.ndim, "roll") for d in dm)
    if input.ndim == 0:
        return input.clone()
    return Roll.apply(input, sh, dm)


# ---------------------------------------------------------------------------- repeat_interleave
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat each element (or each slice along `dim`) `repeats` times, in place order:
    [a, b] with repeats 2 -> [a, a, b, b]. `repeats` is an int or a tensor (one count per
    slice, or one for all). Without `dim` the input is flattened first. The one-argument form
    repeat_interleave(counts) gives [0]*counts[0] + [1]*counts[1] + ... (int64).
    An index_select of the input, so the gradient of each element sums its copies'."""
    check_tensor(input, "repeat_interleave")
    if repeats is None:
        return _repeat_counts(input, output_size)
    if dim is None:
        input = reshape(input, -1)
        d = 0
    else:
        d = _wrap_dim(dim, input.ndim, "repeat_interleave")
        if input.ndim == 0:
            input = reshape(input, 1)
    n = input._data.shape[d]
    if isinstance(repeats, Tensor):
        if repeats._data.dtype.kind not in "iu":
            raise RuntimeError(f"repeat_interleave(): repeats must be an integer tensor, got "
                               f"{repeats.dtype}")
        if repeats.ndim > 1:
            raise RuntimeError("repeat_interleave(): repeats must be 0-dim or 1-dim tensor")
        counts = _host(repeats._data).reshape(-1).astype(np.int64)
        if counts.size == 1:
            counts = np.full(n, counts[0], dtype=np.int64)  # host: counts bookkeeping
        elif counts.size != n:
            raise RuntimeError(f"repeat_interleave(): repeats must have the same size as input "
                               f"along dim, but got repeats.size(0) = {counts.size} and "
                               f"input.size({d}) = {n}")
        if counts.size and counts.min() < 0:
            raise RuntimeError("repeat_interleave(): repeats can not be negative")
    else:
        r = _as_int(repeats, "repeat_interleave", "repeats")
        if r < 0:
            raise RuntimeError(f"repeat_interleave(): Repeats must be non-negative, got {r}")
        counts = np.full(n, r, dtype=np.int64)  # host: counts bookkeeping
    idx = np.repeat(np.arange(n), counts)  # host: index bookkeeping
    if output_size is not None and int(output_size) != idx.size:
        raise RuntimeError(f"repeat_interleave(): allocated size does not match required size "
                           f"(output_size={int(output_size)}, repeats sum to {idx.size})")
    from .indexing import index_select
    xp = _xp(input._data)
    return index_select(input, d, _make_like(xp.asarray(idx, dtype=np.int64)))


def _repeat_counts(counts, output_size):
    if counts.ndim != 1:
        raise RuntimeError(f"repeat_interleave(): repeat_interleave only accept 1D vector as "
                           f"repeat, got shape {list(counts.shape)}")
    if counts._data.dtype.kind not in "iu":
        raise RuntimeError(f"repeat_interleave(): repeats has to be Long or Int tensor, got "
                           f"{counts.dtype}")
    c = _host(counts._data).astype(np.int64)
    if c.size and c.min() < 0:
        raise RuntimeError("repeat_interleave(): repeats can not be negative")
    idx = np.repeat(np.arange(c.size, dtype=np.int64), c)  # host: index bookkeeping
    if output_size is not None and int(output_size) != idx.size:
        raise RuntimeError("repeat_interleave(): allocated size does not match required size")
    return _make_like(_xp(counts._data).asarray(idx))


def tile(input, *dims_args, dims=None):
    """repeat() with `dims` padded with leading 1s to the input's rank (NumPy's tile)."""
    check_tensor(input, "tile")
    reps = parse_shape(_sizes(dims_args, dims, "dims", "tile"), "tile")
    reps = (1,) * (input.ndim - len(reps)) + reps
    return repeat(input, reps)


# ---------------------------------------------------------------------------- rot90
def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90 degrees k times in the plane of `dims`, from the first axis towards the
    second: k=1 is flip(dims[1]) then transpose (a permutation of elements)."""
    check_tensor(input, "rot90")
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"rot90(): expected total rotation dims == 2, but got dims = "
                           f"{len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"rot90(): expected total dims >= 2, but got total dims = {input.ndim}")
    d0, d1 = (_wrap_dim(d, input.ndim, "rot90") for d in dims)
    if d0 == d1:
        raise RuntimeError(f"rot90(): expected rotation dims to be different, but got dim0 = "
                           f"{d0} and dim1 = {d1}")
    k = _as_int(k, "rot90", "k") % 4
    if k == 1:
        return transpose(flip(input, d1), d0, d1)
    if k == 2:
        return flip(input, d0, d1)
    if k == 3:
        return transpose(flip(input, d0), d0, d1)
    return input.clone()


# ---------------------------------------------------------------------------- diagonals
def _diagonal_view(a, offset, d1, d2):
    """The diagonal of array `a` as a writable view (NumPy marks it read-only by default)."""
    out = _xp(a).diagonal(a, offset, d1, d2)
    flags = out.flags
    if hasattr(flags, "writeable") and not flags.writeable and getattr(a.flags, "writeable", False):
        out.flags.writeable = True
    return out


class Diagonal(Function):
    """out[..., i] = x[..., i, i + offset] taken over dims (d1, d2), the diagonal placed last
    (a view of x);  dx = zeros with g written back on that diagonal (DiagonalEmbed)."""
    is_view = True

    @staticmethod
    def forward(ctx, x, offset, d1, d2):
        ctx.args = (offset, d1, d2)
        return _diagonal_view(x, offset, d1, d2)

    @staticmethod
    def backward(ctx, g):
        return DiagonalEmbed.apply(g, tuple(input_shape(ctx, 0)), *ctx.args)


class DiagonalEmbed(Function):
    """out = zeros(shape) with out's diagonal over (d1, d2) = g (g's last dim runs along it);
    dg = the same diagonal of the output gradient (Diagonal)."""

    @staticmethod
    def forward(ctx, g, shape, offset, d1, d2):
        ctx.args = (offset, d1, d2)
        out = _xp(g).zeros(shape, dtype=g.dtype)
        _diagonal_view(out, offset, d1, d2)[...] = g
        return out

    @staticmethod
    def backward(ctx, gg):
        return Diagonal.apply(gg, *ctx.args)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal with `offset` (above the main one when > 0) of the 2-D slices over
    (dim1, dim2): those dims are removed and the diagonal becomes the last dim. A view."""
    check_tensor(input, "diagonal")
    n = input.ndim
    d1 = _wrap_dim(dim1, n, "diagonal")
    d2 = _wrap_dim(dim2, n, "diagonal")
    if d1 == d2:
        raise RuntimeError(f"diagonal(): diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(input, _as_int(offset, "diagonal", "offset"), d1, d2)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """A tensor with one more dim whose 2-D slices over (dim1, dim2) have input's last dim
    on their diagonal `offset`, and zeros elsewhere (the adjoint of diagonal())."""
    check_tensor(input, "diag_embed")
    n = input.ndim + 1
    d1 = _wrap_dim(dim1, n, "diag_embed")
    d2 = _wrap_dim(dim2, n, "diag_embed")
    if d1 == d2:
        raise RuntimeError(f"diag_embed(): diagonal dimensions cannot be identical {dim1}, {dim2}")
    if input.ndim == 0:
        raise IndexError(f"diag_embed(): Dimension out of range (expected to be in range of "
                         f"[-1, 0], but got {dim1})")
    offset = _as_int(offset, "diag_embed", "offset")
    shape = input._data.shape
    size = shape[-1] + abs(offset)
    rest = list(shape[:-1])
    out_shape = []
    for i in range(n):
        out_shape.append(size if i in (d1, d2) else rest.pop(0))
    return DiagonalEmbed.apply(input, tuple(out_shape), offset, d1, d2)


def diag(input, diagonal=0):
    """1-D input: the square matrix with input on diagonal `diagonal`. 2-D input: that
    diagonal of the matrix, as a new 1-D tensor."""
    check_tensor(input, "diag")
    if input.ndim == 1:
        return diag_embed(input, diagonal, 0, 1)
    if input.ndim == 2:
        return Diagonal.apply(input, _as_int(diagonal, "diag", "diagonal"), 0, 1).clone()
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")


def diagflat(input, offset=0):
    """The flattened input on diagonal `offset` of a square matrix."""
    check_tensor(input, "diagflat")
    return diag_embed(reshape(input, -1), offset, 0, 1)


def trace(input):
    """The sum of a matrix's main diagonal (integer inputs give int64, as sum does)."""
    check_tensor(input, "trace")
    if input.ndim != 2:
        raise RuntimeError(f"trace(): expected a matrix, but got tensor with dim {input.ndim}")
    return Diagonal.apply(input, 0, 0, 1).sum()


# ---------------------------------------------------------------------------- atleast, stacks
def _atleast(args, fn, shape_of):
    single = len(args) == 1 and isinstance(args[0], Tensor)
    tensors = _tensor_list(args, fn)
    out = tuple(t if t.ndim >= _MIN_DIMS[fn] else reshape(t, shape_of(t._data.shape))
                for t in tensors)
    return out[0] if single else out


_MIN_DIMS = {"atleast_1d": 1, "atleast_2d": 2, "atleast_3d": 3}


def atleast_1d(*tensors):
    """Each tensor with at least 1 dim (0-d -> (1,)); one tensor in, one out."""
    return _atleast(tensors, "atleast_1d", lambda s: (1,) if len(s) == 0 else s)


def atleast_2d(*tensors):
    """Each tensor with at least 2 dims: 0-d -> (1, 1), (n,) -> (1, n)."""
    return _atleast(tensors, "atleast_2d", lambda s: (1,) * (2 - len(s)) + tuple(s))


def atleast_3d(*tensors):
    """Each tensor with at least 3 dims: 0-d -> (1, 1, 1), (n,) -> (1, n, 1),
    (m, n) -> (m, n, 1) (NumPy's rule)."""
    def shape_of(s):
        if len(s) == 0:
            return (1, 1, 1)
        if len(s) == 1:
            return (1, s[0], 1)
        return tuple(s) + (1,)
    return _atleast(tensors, "atleast_3d", shape_of)


def hstack(tensors):
    """Concatenate along dim 1 (dim 0 for 1-D tensors); 0-d tensors count as 1-D."""
    tensors = list(atleast_1d(_as_tensor_list(tensors, "hstack")))
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    """Concatenate along dim 0 after making every tensor at least 2-D."""
    return cat(list(atleast_2d(_as_tensor_list(tensors, "vstack"))), 0)


row_stack = vstack


def dstack(tensors):
    """Concatenate along dim 2 after making every tensor at least 3-D."""
    return cat(list(atleast_3d(_as_tensor_list(tensors, "dstack"))), 2)


def column_stack(tensors):
    """0-d and 1-d tensors become columns (n, 1); then concatenate along dim 1."""
    tensors = _as_tensor_list(tensors, "column_stack")
    return hstack([reshape(t, -1, 1) if t.ndim <= 1 else t for t in tensors])


def block_diag(*tensors):
    """A block-diagonal matrix with the given blocks (0-d -> 1x1, 1-d -> one row) on its
    diagonal and zeros elsewhere; dtypes promote. Each block is padded to the full width
    and the rows are concatenated, so each block's gradient is its own region's."""
    from ..tensor import _make
    for i, t in enumerate(tensors):
        check_tensor(t, "block_diag", f"tensors[{i}]")
        if t.ndim > 2:
            raise RuntimeError(f"block_diag(): Input tensors must have 2 or fewer dimensions. "
                               f"Input {i} has {t.ndim} dimensions")
    if not tensors:
        return _make(np.zeros((1, 0), dtype=_dt.get_default_dtype().np))  # host: empty result
    blocks = _promote_all([t if t.ndim == 2 else reshape(t, 1, -1) for t in tensors])
    width = builtins_sum(b._data.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        w = b._data.shape[1]
        rows.append(pad(b, (left, width - left - w)))
        left += w
    return cat(rows, 0)


# ---------------------------------------------------------------------------- splits
def _split_at(input, d, cuts, fn):
    """Pieces input[prev:cut] along d with Python slice semantics (views)."""
    out, prev = [], 0
    for c in list(cuts) + [None]:
        out.append(input[(slice(None),) * d + (slice(prev, c),)])
        prev = c
    return tuple(out)


def tensor_split(input, indices_or_sections=None, dim=0, *, sections=None, indices=None,
                 tensor_indices_or_sections=None):
    """Split along dim into `sections` near-equal pieces (the first size % sections pieces
    one longer) or at the given `indices` (Python slice semantics: input[:i0], input[i0:i1],
    ..., input[ik:]). A 0-d tensor counts as an int, a 1-d tensor as indices. Views."""
    check_tensor(input, "tensor_split")
    given = [v for v in (indices_or_sections, sections, indices, tensor_indices_or_sections)
             if v is not None]
    if len(given) != 1:
        raise TypeError("tensor_split(): expected exactly one of indices_or_sections, "
                        "sections or indices")
    spec = given[0]
    if input.ndim == 0:
        raise RuntimeError("tensor_split(): tensor_split expected at least a 1-dimensional "
                           "tensor, but got a tensor with 0 dims")
    d = _wrap_dim(dim, input.ndim, "tensor_split")
    if isinstance(spec, Tensor):
        if spec._data.dtype.kind not in "iu":
            raise RuntimeError(f"tensor_split(): tensor_indices_or_sections must be an integer "
                               f"tensor, got {spec.dtype}")
        if spec.ndim > 1:
            raise RuntimeError("tensor_split(): tensor_indices_or_sections must be a zero-"
                               f"dimensional or one-dimensional tensor, but got a tensor with "
                               f"{spec.ndim} dims")
        spec = int(spec.item()) if spec.ndim == 0 else [int(v) for v in _host(spec._data)]
    if isinstance(spec, (list, tuple)):
        return _split_at(input, d, [_as_int(i, "tensor_split", "indices") for i in spec],
                         "tensor_split")
    n = _as_int(spec, "tensor_split", "sections")
    if n <= 0:
        raise RuntimeError(f"tensor_split(): number of sections must be larger than 0, got {n}")
    size = input._data.shape[d]
    q, r = divmod(size, n)
    cuts, at = [], 0
    for k in range(n - 1):
        at += q + (1 if k < r else 0)
        cuts.append(at)
    return _split_at(input, d, cuts, "tensor_split")


def _split_dim(input, indices_or_sections, d, fn, min_dims):
    check_tensor(input, fn)
    if input.ndim < min_dims:
        raise RuntimeError(f"{fn}(): torch.{fn} requires a tensor with at least {min_dims} "
                           f"dimension, but got a tensor with {input.ndim} dimensions!")
    if isinstance(indices_or_sections, (list, tuple)):
        return tensor_split(input, list(indices_or_sections), d)
    n = _as_int(indices_or_sections, fn, "sections")
    size = input._data.shape[d]
    if n == 0 or size % n:
        raise RuntimeError(f"{fn}(): torch.{fn} attempted to split along dimension {d}, but the "
                           f"size of the dimension {size} is not divisible by the split_size {n}!")
    return tensor_split(input, n, d)


def hsplit(input, indices_or_sections):
    """tensor_split along dim 1 (dim 0 for 1-D input); an int must divide the size."""
    return _split_dim(input, indices_or_sections, 0 if input.ndim == 1 else 1, "hsplit", 1)


def vsplit(input, indices_or_sections):
    """tensor_split along dim 0 of an input with at least 2 dims."""
    return _split_dim(input, indices_or_sections, 0, "vsplit", 2)


def dsplit(input, indices_or_sections):
    """tensor_split along dim 2 of an input with at least 3 dims."""
    return _split_dim(input, indices_or_sections, 2, "dsplit", 3)


def split_with_sizes(input, split_sizes, dim=0):
    """Pieces of the given sizes along dim (they must sum to the dim's size)."""
    check_tensor(input, "split_with_sizes")
    if not isinstance(split_sizes, (list, tuple)):
        raise TypeError(f"split_with_sizes(): argument 'split_sizes' must be a list of ints, "
                        f"got {type(split_sizes).__name__}")
    return split(input, list(split_sizes), dim)


# ---------------------------------------------------------------------------- unfold, take
def unfold(input, dimension, size, step):
    """All windows of `size` elements along `dimension`, `step` apart: that dim becomes the
    window count (dim_size - size) // step + 1 and a new last dim of length `size` holds each
    window. (PyTorch returns a strided view; this is a gather: index_select, then the window
    axis moved last, so the gradient of an element sums over the windows that contain it.)"""
    check_tensor(input, "unfold")
    n = input.ndim
    d = _wrap_dim(dimension, n, "unfold")
    size = _as_int(size, "unfold", "size")
    step = _as_int(step, "unfold", "step")
    x = input if n else reshape(input, 1)
    length = x._data.shape[d]
    if size < 0:
        raise RuntimeError(f"unfold(): size is {size} but must be >= 0")
    if size > length:
        raise RuntimeError(f"unfold(): maximum size for tensor at dimension {d} is {length} but "
                           f"size is {size}")
    if step <= 0:
        raise RuntimeError(f"unfold(): step is {step} but must be > 0")
    count = (length - size) // step + 1
    # host: window index bookkeeping on Python sizes
    idx = (np.arange(count)[:, None] * step + np.arange(size)[None, :]).reshape(-1)
    from .indexing import index_select
    xp = _xp(x._data)
    taken = index_select(x, d, _make_like(xp.asarray(idx, dtype=np.int64)))
    shape = x._data.shape
    windows = reshape(taken, shape[:d] + (count, size) + shape[d + 1:])
    out = movedim(windows, d + 1, -1)
    return reshape(out, (size,)) if n == 0 else out


def take(input, index):
    """input treated as 1-D (row-major), taken at `index` (any shape; negative indices count
    from the end): out has index's shape. Gradient: added back at the indices."""
    from .indexing import _check_index, index_select
    check_tensor(input, "take")
    idx = _check_index(index, "take")
    numel = input._data.size
    if idx.size and (int(idx.max()) >= numel or int(idx.min()) < -numel):
        bad = int(idx.max()) if int(idx.max()) >= numel else int(idx.min())
        raise IndexError(f"take(): out of range: tried to access index {bad} on a tensor of "
                         f"{numel} elements.")
    flat = index_select(reshape(input, -1), 0, _make_like(idx.reshape(-1)))
    return reshape(flat, idx.shape)


def take_along_dim(input, indices, dim=None):
    """Values of input at `indices` along dim (gather, with input and indices broadcast over
    the other dims and negative indices counted from the end); without dim both are
    flattened."""
    from .indexing import _check_index, gather
    from ._util import broadcast_shapes as _bs
    check_tensor(input, "take_along_dim")
    idx = _check_index(indices, "take_along_dim", "indices")
    if dim is None:
        flat = reshape(input, -1)
        return gather(flat, 0, _wrap_index(_make_like(idx.reshape(-1)), flat._data.shape[0]))
    if input.ndim != idx.ndim:
        raise RuntimeError(f"take_along_dim(): input and indices should have the same number of "
                           f"dimensions, but got {input.ndim} dimensions for input, and "
                           f"{idx.ndim} dimensions for indices")
    d = _wrap_dim(dim, input.ndim, "take_along_dim")
    ishape, jshape = list(input._data.shape), list(idx.shape)
    ishape[d] = jshape[d] = 1
    common = list(_bs(tuple(ishape), tuple(jshape), "take_along_dim"))
    xs = common.copy()
    xs[d] = input._data.shape[d]
    js = common.copy()
    js[d] = idx.shape[d]
    x = expand(input, xs)
    ind = _make_like(_xp(idx).broadcast_to(idx, tuple(js)))
    return gather(x, d, _wrap_index(ind, xs[d]))


def _wrap_index(index, n):
    """Negative indices counted from the end (an integer Tensor in, one out)."""
    a = index._data
    if a.size and int(a.min()) < 0:
        if int(a.min()) < -n:
            raise IndexError(f"index {int(a.min())} is out of bounds for dimension with size {n}")
        a = _xp(a).where(a < 0, a + n, a)
        return _make_like(a)
    return index


# ---------------------------------------------------------------------------- diff
def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The n-th forward difference along dim: out[i] = x[i + 1] - x[i], applied n times,
    after concatenating `prepend` and `append` (tensors of the same rank). Bool inputs
    use logical xor, as PyTorch does."""
    check_tensor(input, "diff")
    n = _as_int(n, "diff", "n")
    if input.ndim == 0:
        raise RuntimeError("diff(): diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"diff(): order must be non-negative but got {n}")
    d = _wrap_dim(dim, input.ndim, "diff")
    parts = []
    for name, t in (("prepend", prepend), (None, input), ("append", append)):
        if t is None:
            continue
        check_tensor(t, "diff", name)
        if t.ndim != input.ndim:
            raise RuntimeError("diff(): diff expects prepend or append to be the same dimension "
                               "as input")
        parts.append(t)
    x = cat(parts, d) if len(parts) > 1 else input
    for _ in range(n):
        length = x._data.shape[d]
        if length == 0:
            break
        hi, lo = narrow(x, d, 1, length - 1), narrow(x, d, 0, length - 1)
        x = (hi != lo) if x._data.dtype == np.bool_ else hi - lo
    return x


EXPORTS = [
    "view_as", "reshape_as", "ravel", "narrow_copy", "moveaxis", "adjoint", "broadcast_shapes",
    "meshgrid", "cartesian_prod", "combinations", "roll", "repeat_interleave", "tile", "rot90",
    "diagonal", "diag_embed", "diag", "diagflat", "trace", "atleast_1d", "atleast_2d",
    "atleast_3d", "hstack", "vstack", "row_stack", "dstack", "column_stack", "block_diag",
    "tensor_split", "hsplit", "vsplit", "dsplit", "split_with_sizes", "take", "take_along_dim",
    "diff",
]

TENSOR_METHODS = {
    "view_as": view_as, "reshape_as": reshape_as, "ravel": ravel, "narrow_copy": narrow_copy,
    "moveaxis": moveaxis, "movedim": movedim, "adjoint": adjoint, "roll": roll,
    "repeat_interleave": repeat_interleave, "tile": tile, "rot90": rot90, "diagonal": diagonal,
    "diag_embed": diag_embed, "diag": diag, "diagflat": diagflat, "trace": trace,
    "tensor_split": tensor_split, "hsplit": hsplit, "vsplit": vsplit, "dsplit": dsplit,
    "split_with_sizes": split_with_sizes, "unfold": unfold, "take": take,
    "take_along_dim": take_along_dim, "diff": diff, "transpose": transpose,
    "swapaxes": swapaxes, "swapdims": transpose, "squeeze": squeeze, "narrow": narrow,
    "split": split, "unflatten": unflatten,
    "H": property(lambda self: _matrix_transpose(self, "H")),
    "mH": property(lambda self: _batch_transpose(self, "mH")),
}


def _matrix_transpose(x, name):
    if x.ndim not in (0, 2):
        raise RuntimeError(f"tensor.{name} is only supported on matrices (2-D tensors). Got "
                           f"{x.ndim}-D tensor.")
    return t(x)


def _batch_transpose(x, name):
    if x.ndim < 2:
        raise RuntimeError(f"tensor.{name} is only supported on matrices or batches of "
                           f"matrices. Got {x.ndim}-D tensor.")
    return transpose(x, -2, -1)


# ---------------------------------------------------------------------------- as_strided, *_copy
def _strided_positions(numel, size, stride, offset, fn):  # host: index bookkeeping
    """Flat positions offset + sum_k i_k * stride_k for every index (i_0, ...) of `size`."""
    pos = np.full(tuple(size), offset, dtype=np.int64)
    for d, (n, st) in enumerate(zip(size, stride)):
        pos = pos + (np.arange(n, dtype=np.int64) * st).reshape((n,) + (1,) * (len(size) - d - 1))
    if pos.size and (pos.min() < 0 or pos.max() >= numel):
        need = int(pos.max()) + 1 if pos.size else 0
        raise RuntimeError(f"{fn}(): setStorage: sizes {list(size)}, strides {list(stride)}, "
                           f"storage offset {offset} requiring a storage size of {need} are out "
                           f"of bounds for storage of size {numel}")
    return pos


def _strided_args(input, size, stride, storage_offset, fn):
    size = parse_shape((size,), fn)
    stride = parse_shape((stride,), fn)
    if len(size) != len(stride):
        raise RuntimeError(f"{fn}(): mismatch in length of strides and shape")
    if any(v < 0 for v in size) or any(v < 0 for v in stride):
        raise RuntimeError(f"{fn}(): sizes and strides must be non-negative, got {list(size)} "
                           f"and {list(stride)}")
    offset = 0 if storage_offset is None else _as_int(storage_offset, fn, "storage_offset")
    pos = _strided_positions(input._data.size, size, stride, offset, fn)
    return _xp(input._data).asarray(pos)


def as_strided(input, size, stride, storage_offset=None):
    """A tensor of `size` whose element i reads the input's element at flat (row-major)
    position storage_offset + sum_k i_k * stride_k. For a contiguous tensor that is PyTorch's
    view of the storage; minitorch reads the tensor's own elements in row-major order
    whatever its layout, and returns a copy (a gather: overlapping windows sum their
    gradients, as in PyTorch)."""
    from .indexing import GetItem, _Index
    check_tensor(input, "as_strided")
    pos = _strided_args(input, size, stride, storage_offset, "as_strided")
    return GetItem.apply(reshape(input, -1), _Index(adv=(pos,)))


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """input with the elements that as_strided(input, size, stride, storage_offset) reads
    replaced by src (of shape `size`)."""
    from .indexing import IndexAssign, _Index
    check_tensor(input, "as_strided_scatter")
    check_tensor(src, "as_strided_scatter", "src")
    pos = _strided_args(input, size, stride, storage_offset, "as_strided_scatter")
    if tuple(src._data.shape) != tuple(pos.shape):
        raise RuntimeError(f"as_strided_scatter(): expected src to have a size equal to the "
                           f"slice of self. src size = {list(src.shape)}, slice size = "
                           f"{list(pos.shape)}")
    flat = IndexAssign.apply(reshape(input, -1), cast(src, input._data.dtype), _Index(adv=(pos,)))
    return reshape(flat, input._data.shape)


def _copy_of(fn, name):
    """PyTorch's `<op>_copy`: the op, with outputs that are new tensors instead of views."""
    def op(*args, **kwargs):
        out = fn(*args, **kwargs)
        if isinstance(out, (tuple, list)):
            return tuple(o.clone() for o in out)
        return out.clone()
    op.__name__ = name
    op.__qualname__ = name
    op.__doc__ = f"{fn.__name__}(), returning new tensors instead of views."
    return op


def slice_copy(input, dim=0, start=None, end=None, step=1):
    """input[..., start:end:step, ...] along dim, as a new tensor."""
    d = _wrap_dim(dim, input.ndim, "slice_copy")
    if step is not None and int(step) <= 0:
        raise RuntimeError(f"slice_copy(): slice step must be positive, got {step}")
    return input[(slice(None),) * d + (slice(start, end, step),)].clone()


def clone(input, *, memory_format=None):
    """torch.clone: a copy of input (Tensor.clone), differentiable."""
    check_tensor(input, "clone")
    return input.clone()


def alias_copy(input):
    """A copy of input (PyTorch's alias, as a new tensor)."""
    return input.clone()


def fliplr(input):
    """Reverse the columns (dim 1) of an input with at least 2 dims."""
    if input.ndim < 2:
        raise RuntimeError("fliplr(): Input must be >= 2-d.")
    return flip(input, 1)


def flipud(input):
    """Reverse the rows (dim 0) of an input with at least 1 dim."""
    if input.ndim < 1:
        raise RuntimeError("flipud(): Input must be >= 1-d.")
    return flip(input, 0)


select_copy = _copy_of(select, "select_copy")
diagonal_copy = _copy_of(diagonal, "diagonal_copy")
expand_copy = _copy_of(expand, "expand_copy")
permute_copy = _copy_of(permute, "permute_copy")
t_copy = _copy_of(t, "t_copy")
transpose_copy = _copy_of(transpose, "transpose_copy")
squeeze_copy = _copy_of(squeeze, "squeeze_copy")
unsqueeze_copy = _copy_of(unsqueeze, "unsqueeze_copy")
view_copy = _copy_of(view, "view_copy")
unbind_copy = _copy_of(unbind, "unbind_copy")
split_copy = _copy_of(split, "split_copy")
split_with_sizes_copy = _copy_of(split_with_sizes, "split_with_sizes_copy")
unfold_copy = _copy_of(unfold, "unfold_copy")
as_strided_copy = _copy_of(as_strided, "as_strided_copy")
unsafe_split = split
unsafe_chunk = chunk
unsafe_split_with_sizes = split_with_sizes

EXPORTS += [
    "as_strided", "as_strided_scatter", "as_strided_copy", "slice_copy", "alias_copy",
    "select_copy", "diagonal_copy", "expand_copy", "permute_copy", "t_copy", "transpose_copy",
    "squeeze_copy", "unsqueeze_copy", "view_copy", "unbind_copy", "split_copy",
    "split_with_sizes_copy", "unfold_copy", "unsafe_split", "unsafe_chunk",
    "unsafe_split_with_sizes", "fliplr", "flipud", "clone",
]
TENSOR_METHODS.update({
    "as_strided": as_strided, "as_strided_scatter": as_strided_scatter, "fliplr": fliplr,
    "flipud": flipud, "unsafe_split": unsafe_split, "unsafe_chunk": unsafe_chunk,
    "unsafe_split_with_sizes": unsafe_split_with_sizes,
})


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
