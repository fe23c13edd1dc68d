"""torch.sparse: products, sums and softmaxes of sparse COO tensors, ``spdiags``, and the
legacy constructors (``torch.sparse.FloatTensor(indices, values, size)``).

minitorch's sparse COO tensors are emulated on dense arrays (see
minitorch/functional/sparse_coo.py): every function here returns PyTorch's values, layout
and gradients, but computes on, and stores, the dense tensor, so memory and time are those
of the dense tensor (an n x n adjacency takes n*n entries whatever its nnz).
"""
from __future__ import annotations

import numpy as np

from . import backend
from . import dtypes as _dt
from .autograd.function import Function
from .tensor import Tensor, Size, _make, _wrap_dim
from .functional import elementwise as _E
from .functional import sparse_coo as _C
from .functional.sparse_coo import sparse_coo_tensor

_xp = backend.get_array_module

__all__ = ["mm", "addmm", "sum", "softmax", "log_softmax", "spdiags",
           "check_sparse_tensor_invariants", "FloatTensor", "DoubleTensor", "HalfTensor",
           "BFloat16Tensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor",
           "ByteTensor", "BoolTensor"]


def mm(mat1, mat2, reduce=None):
    """mat1 @ mat2 for a sparse COO mat1 and a dense (or sparse) mat2.

    Gradients as PyTorch's: for the sparse mat1 restricted to its stored pattern,
    d mat1 = (g @ mat2^T) on the pattern; for a dense mat2 exact, d mat2 = mat1^T @ g.
    Sparse @ sparse is sparse (the structural pattern of the product, coalesced)."""
    if reduce not in (None, "sum"):
        raise NotImplementedError(f"sparse.mm(): reduce={reduce!r} is supported by PyTorch "
                                  "for CSR tensors only; minitorch has COO tensors")
    return _C.sparse_mm(mat1, mat2, "sparse.mm")


def addmm(mat, mat1, mat2, *, beta=1.0, alpha=1.0):
    """beta * mat + alpha * (mat1 @ mat2) for a sparse mat1, with torch.sparse.mm's
    gradients (the sparse operand's on its pattern); beta = 0 ignores mat (NaN included)."""
    prod = _C.sparse_mm(mat1, mat2, "sparse.addmm")
    if alpha != 1:
        prod = _E.mul(prod, alpha)
    if beta == 0:
        return prod
    dense = mat.to_dense() if _C._is_sparse(mat) else mat
    return _E.add(_E.mul(dense, beta) if beta != 1 else dense, prod)


def sum(input, dim=None, dtype=None):  # noqa: A001  (torch.sparse.sum)
    """Sum of the stored values over `dim` (all dims by default). The result is sparse
    while some sparse dim remains (stored where some summed entry was), dense otherwise;
    the gradient lies on the input's pattern."""
    return _C.sparse_sum(input, dim, False, dtype, "sparse.sum")


class SparseSoftmax(Function):
    """Softmax (or log-softmax) along `dim` over the stored entries only: missing entries
    take no part and stay 0 (not -inf), and a slice with nothing stored stays empty.
    With m the pattern (1 where stored) and y the output:

        softmax:      y = m exp(x - c) / sum(m exp(x - c)),   dx = y (g - sum(g y))
        log_softmax:  y = m (x - c - log sum(m exp(x - c))),
                      dx = m g - m exp(y) sum(m g)

    (sums along dim; y is 0 off the pattern, so these vanish there)."""

    @staticmethod
    def forward(ctx, x, mask, dim, log):
        xp = _xp(x)
        ctx.mask, ctx.dim, ctx.log = mask, dim, log
        held = xp.where(mask, x, -np.inf)
        c = held.max(axis=dim, keepdims=True) if x.shape[dim] else xp.zeros_like(held)
        c = xp.where(xp.isfinite(c), c, 0).astype(x.dtype)
        e = xp.exp(held - c)
        s = e.sum(axis=dim, keepdims=True)
        s = xp.where(s == 0, 1, s).astype(x.dtype)
        if log:
            y = xp.where(mask, x - c - xp.log(s), 0).astype(x.dtype)
        else:
            y = (e / s).astype(x.dtype)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        d = ctx.dim
        if not ctx.log:
            return y * (g - (g * y).sum(dim=d, keepdim=True))
        m = _make(ctx.mask.astype(g._data.dtype))
        gm = g * m
        return gm - y.exp() * m * gm.sum(dim=d, keepdim=True)


def _softmax(input, dim, dtype, log, fn):
    if not _C._is_sparse(input):
        raise RuntimeError(f"{fn}(): expected a sparse COO tensor (layout sparse_coo) but "
                           "got a strided one; use torch.softmax for dense tensors")
    x = input if dtype is None else input.to(_dt.to_dtype(dtype, fn))
    if not x.is_floating_point():
        raise RuntimeError(f"{fn}(): expected a floating point tensor, got {x.dtype} "
                           "(pass dtype=)")
    c = x.coalesce()
    info = _C._info(c)
    d = _wrap_dim(dim, c.ndim, fn)
    out = SparseSoftmax.apply(c, _C._mask(c, info), d, log)
    return _C._mark(out, info.indices, True)


def softmax(input, dim, *, dtype=None):
    """Softmax along `dim` over the stored entries of a sparse tensor (missing entries are
    left out, not taken as 0); sparse result with the input's pattern, coalesced."""
    return _softmax(input, dim, dtype, False, "sparse.softmax")


def log_softmax(input, dim, *, dtype=None):
    """Log-softmax along `dim` over the stored entries (see softmax)."""
    return _softmax(input, dim, dtype, True, "sparse.log_softmax")


def spdiags(diagonals, offsets, shape, layout=None):
    """A sparse (m, n) matrix with diagonals[i] on diagonal offsets[i] (0 the main, > 0
    above, < 0 below); as PyTorch (and SciPy), column j of the result takes
    diagonals[i, j]. Stored diagonal by diagonal (uncoalesced). Differentiable w.r.t.
    diagonals."""
    fn = "spdiags"
    _C._check_layout(layout, fn)
    if not isinstance(diagonals, Tensor) or not isinstance(offsets, Tensor):
        raise TypeError(f"{fn}(): diagonals and offsets must be Tensors")
    diags = diagonals if diagonals.ndim == 2 else diagonals.reshape(1, -1)
    offs = [int(o) for o in offsets.reshape(-1).tolist()]
    if diagonals.ndim > 2:
        raise RuntimeError(f"{fn}(): diagonals must be 1-D or 2-D, got {diagonals.ndim}-D")
    if len(offs) != diags.shape[0]:
        raise RuntimeError(f"{fn}(): number of diagonals ({diags.shape[0]}) does not match "
                           f"the number of offsets ({len(offs)})")
    if len(set(offs)) != len(offs):
        raise RuntimeError(f"{fn}(): offset tensor contains duplicate values")
    m, n = (int(s) for s in shape)
    rows, cols, which = [], [], []
    for i, o in enumerate(offs):
        j = np.arange(max(0, o), min(n, m + o, diags.shape[1]))  # host: index bookkeeping
        rows.append(j - o)
        cols.append(j)
        which.append(np.full(j.size, i))  # host: index bookkeeping
    rows, cols, which = (np.concatenate(a) if a else np.zeros(0, np.int64)  # host: indices
                         for a in (rows, cols, which))
    dev = diagonals.device
    idx = backend.transfer(np.stack([rows, cols]).astype(np.int64), dev)  # host: indices
    pick = (_make(backend.transfer(which.astype(np.int64), dev)),  # host: indices
            _make(backend.transfer(cols.astype(np.int64), dev)))  # host: indices
    vals = diags[pick]
    return sparse_coo_tensor(_make(idx), vals, (m, n))


class check_sparse_tensor_invariants:
    """PyTorch's switch for checking sparse tensors' indices at construction. minitorch
    always checks them (its dense arrays need valid positions), so this only records the
    setting; usable as a context manager and a decorator, as PyTorch's."""
    _enabled = False

    def __init__(self, enable=True):
        self.state = enable
        self.saved_state = None

    @staticmethod
    def is_enabled():
        return check_sparse_tensor_invariants._enabled

    @staticmethod
    def enable():
        check_sparse_tensor_invariants._enabled = True

    @staticmethod
    def disable():
        check_sparse_tensor_invariants._enabled = False

    def __enter__(self):
        self.saved_state = check_sparse_tensor_invariants._enabled
        check_sparse_tensor_invariants._enabled = self.state

    def __exit__(self, *exc):
        check_sparse_tensor_invariants._enabled = self.saved_state

    def __call__(self, func):
        import functools

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with check_sparse_tensor_invariants(self.state):
                return func(*args, **kwargs)
        return wrapper


# ---------------------------------------------------------------------------- legacy types
class _SparseType(type):
    """``torch.sparse.FloatTensor(indices, values[, size])``, ``(*sizes)`` or ``(size)``:
    PyTorch's legacy sparse constructors. As PyTorch's, given values keep their dtype;
    isinstance checks sparse layout and dtype."""

    def __call__(cls, *args, device=None):
        fn = f"sparse.{cls.__name__}"
        if args and isinstance(args[0], Tensor) or \
                (len(args) >= 2 and not isinstance(args[0], (int, np.integer))):
            if len(args) not in (2, 3):
                raise TypeError(f"{fn}(): expected (indices, values) or (indices, values, "
                                f"size), got {len(args)} arguments")
            return sparse_coo_tensor(*args, device=device)
        if len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
            size = tuple(args[0])
        else:
            size = args if args else (0,)
        return sparse_coo_tensor(size=size, dtype=cls.dtype, device=device)

    def __instancecheck__(cls, obj):
        return _C._is_sparse(obj) and obj.dtype is cls.dtype and not obj.is_cuda

    def __repr__(cls):
        return f"<class '{_dt.display_prefix()}.sparse.{cls.__name__}'>"


def _sparse_type(d):
    return _SparseType(d._legacy, (), {"dtype": d, "is_sparse": True, "is_cuda": False,
                                       "__module__": __name__,
                                       "__doc__": f"Legacy constructor of sparse {d.name} "
                                                  "tensors (dense-backed emulation)."})


FloatTensor = _sparse_type(_dt.float32)
DoubleTensor = _sparse_type(_dt.float64)
HalfTensor = _sparse_type(_dt.float16)
BFloat16Tensor = _sparse_type(_dt.bfloat16)
LongTensor = _sparse_type(_dt.int64)
IntTensor = _sparse_type(_dt.int32)
ShortTensor = _sparse_type(_dt.int16)
CharTensor = _sparse_type(_dt.int8)
ByteTensor = _sparse_type(_dt.uint8)
BoolTensor = _sparse_type(_dt.bool_)
