"""Matrix products: matmul (PyTorch's 1-d and batched broadcasting rules), mm, bmm, dot,
outer, einsum.

For C = A @ B with g = dL/dC:   dA = g @ B^T,   dB = A^T @ g,
each summed back over batch dims that were broadcast.
"""
from __future__ import annotations

import string

import numpy as np

from .. import backend
from ..autograd.function import Function
from ..tensor import _make
from ._util import check_tensor, sum_to, input_shape, cast
from .. import dtypes as _dt

_xp = backend.get_array_module


class MatMul(Function):
    """out = a @ b for a (..., n, k) and b (..., k, m), batch dims broadcast;
    da = g @ b^T,  db = a^T @ g (summed to each input's shape)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _xp(a).matmul(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        ga = sum_to(MatMul.apply(g, b.mT), input_shape(ctx, 0)) if na else None
        gb = sum_to(MatMul.apply(a.mT, g), input_shape(ctx, 1)) if nb else None
        return ga, gb


def _same_dtype(fn, a, b):
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"{fn}(): expected both operands to have the same dtype, but got "
                           f"{a.dtype} and {b.dtype}")


def matmul(input, other):
    """PyTorch's rules: 1-d @ 1-d is a dot product; a 1-d left operand is treated as a row
    (the added dim is removed afterwards), a 1-d right operand as a column; higher dims are
    batch dims and broadcast."""
    check_tensor(input, "matmul")
    check_tensor(other, "matmul", "other")
    a, b = input, other
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"matmul(): both arguments to matmul need to be at least 1D, but "
                           f"they are {a.ndim}D and {b.ndim}D")
    _same_dtype("matmul", a, b)
    ka = a._data.shape[-1]
    kb = b._data.shape[-2] if b.ndim > 1 else b._data.shape[0]
    if ka != kb:
        sa = tuple(a.shape)
        sb = tuple(b.shape)
        raise RuntimeError(f"matmul(): mat1 and mat2 shapes cannot be multiplied "
                           f"({_mat_desc(sa)} and {_mat_desc(sb)}); inputs {sa} and {sb}")
    if a.ndim >= 2 and b.ndim >= 2:
        if a.ndim > 2 or b.ndim > 2:
            from ._util import broadcast_shapes
            broadcast_shapes(a._data.shape[:-2], b._data.shape[:-2], "matmul")
        return MatMul.apply(a, b)
    squeeze_a = a.ndim == 1
    squeeze_b = b.ndim == 1
    a2 = a.unsqueeze(0) if squeeze_a else a
    b2 = b.unsqueeze(-1) if squeeze_b else b
    out = MatMul.apply(a2, b2)
    shape = list(out._data.shape)
    if squeeze_b:
        shape.pop(-1)
    if squeeze_a:
        shape.pop(-1 if squeeze_b else -2)
    return out.reshape(shape)


def _mat_desc(shape):
    if len(shape) == 1:
        return f"1x{shape[0]}"
    return f"{int(np.prod(shape[:-1]))}x{shape[-1]}"  # host: shape tuple


def mm(input, mat2):
    check_tensor(input, "mm")
    check_tensor(mat2, "mm", "mat2")
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(f"mm(): both arguments must be 2-D matrices, got {input.ndim}-D "
                           f"and {mat2.ndim}-D")
    return matmul(input, mat2)


def bmm(input, mat2):
    check_tensor(input, "bmm")
    check_tensor(mat2, "bmm", "mat2")
    if input.ndim != 3 or mat2.ndim != 3:
        raise RuntimeError(f"bmm(): batch1 must be a 3D tensor and batch2 must be a 3D tensor, "
                           f"got {input.ndim}-D and {mat2.ndim}-D")
    if input._data.shape[0] != mat2._data.shape[0]:
        raise RuntimeError(f"bmm(): batch1 and batch2 must have same number of batches, got "
                           f"{input._data.shape[0]} and {mat2._data.shape[0]}")
    return matmul(input, mat2)


def dot(input, other):
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"dot(): 1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    return matmul(input, other)


def outer(input, vec2):
    if input.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError("outer(): expected 1-D tensors")
    return input.unsqueeze(1) * vec2.unsqueeze(0)


# ---------------------------------------------------------------------------- einsum
class Einsum(Function):
    """out = einsum(subs_1, ..., subs_n -> out_subs).

    The gradient for operand i is again an einsum: contract g (indexed by out_subs) with
    every other operand, producing subs_i. Letters of operand i that appear nowhere else
    were summed over, so the result is broadcast back along them; a letter repeated within
    subs_i (a diagonal) is restored by multiplying with an identity matrix."""

    @staticmethod
    def forward(ctx, *ops, in_subs, out_sub):
        ctx.in_subs, ctx.out_sub = in_subs, out_sub
        ctx.save_for_backward(*ops)
        eq = ",".join(in_subs) + "->" + out_sub
        return _xp(ops[0]).einsum(eq, *ops, optimize=len(ops) > 2)

    @staticmethod
    def backward(ctx, g):
        ops = ctx.saved_tensors
        grads = []
        for i, need in enumerate(ctx.needs_input_grad):
            if not need:
                grads.append(None)
                continue
            grads.append(_einsum_grad(i, ops, ctx.in_subs, ctx.out_sub, g, input_shape(ctx, i)))
        return tuple(grads)


def _einsum_grad(i, ops, in_subs, out_sub, g, shape):
    target = in_subs[i]
    others = [(s, o) for k, (s, o) in enumerate(zip(in_subs, ops)) if k != i]
    available = set(out_sub) | {c for s, _ in others for c in s}
    unique = "".join(dict.fromkeys(target))           # target letters, first occurrences
    reduced = "".join(c for c in unique if c in available)
    subs = [out_sub] + [s for s, _ in others]
    tensors = [g] + [o for _, o in others]
    grad = Einsum.apply(*tensors, in_subs=tuple(subs), out_sub=reduced)
    sizes = {c: shape[target.index(c)] for c in unique}
    # letters only in operand i: broadcast the gradient back along them
    if reduced != unique:
        view = [sizes[c] if c in reduced else 1 for c in unique]
        grad = grad.reshape(view).expand([sizes[c] for c in unique])
    # repeated letters: put the values on the diagonal
    if unique != target:
        free = iter(c for c in string.ascii_letters if c not in target and c not in out_sub
                    and all(c not in s for s in in_subs))
        subs_full = []
        eye_terms = []
        seen = set()
        for c in target:
            if c in seen:
                n = next(free)
                subs_full.append(n)
                eye_terms.append((c, n))
            else:
                seen.add(c)
                subs_full.append(c)
        xp = _xp(g._data)
        eyes = [_make(xp.eye(sizes[c], dtype=g._data.dtype)) for c, _ in eye_terms]
        grad = Einsum.apply(grad, *eyes, in_subs=(unique,) + tuple(c + n for c, n in eye_terms),
                            out_sub="".join(subs_full))
    return grad


def _parse_einsum(equation, operands):
    eq = equation.replace(" ", "")
    if "->" in eq:
        lhs, out = eq.split("->")
        explicit = True
    else:
        lhs, out, explicit = eq, None, False
    in_subs = lhs.split(",")
    if len(in_subs) != len(operands):
        raise ValueError(f"einsum(): {len(in_subs)} operands in the equation {equation!r} but "
                         f"{len(operands)} tensors were given")
    used = set(c for c in eq if c.isalpha())
    free = iter(c for c in string.ascii_letters if c not in used)
    ell_dims = max([op.ndim - len(s.replace("...", "")) for s, op in zip(in_subs, operands)
                    if "..." in s] or [0])
    ell = "".join(next(free) for _ in range(ell_dims))
    expanded = []
    for s, op in zip(in_subs, operands):
        if "..." in s:
            n = op.ndim - len(s.replace("...", ""))
            s = s.replace("...", ell[ell_dims - n:] if n else "")
        if len(s) != op.ndim:
            raise ValueError(f"einsum(): the subscripts {s!r} don't match an operand of "
                             f"{op.ndim} dimensions in {equation!r}")
        for c in s:
            if not c.isalpha():
                raise ValueError(f"einsum(): invalid subscript {c!r} in {equation!r}")
        expanded.append(s)
    if explicit:
        out = out.replace("...", ell)
    else:
        counts = {}
        for s in expanded:
            for c in s:
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, k in counts.items() if k == 1 and c not in ell))
    return expanded, out


def einsum(equation, *operands):
    """Einstein summation, e.g. einsum('bij,bjk->bik', a, b); supports '...', implicit
    output, repeated letters (diagonals/traces), and broadcasting of size-1 dims."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    for i, op in enumerate(operands):
        check_tensor(op, "einsum", f"operands[{i}]")
    in_subs, out_sub = _parse_einsum(equation, operands)
    # promote to one dtype, and expand size-1 dims so every letter has one size
    rt = operands[0].dtype
    for op in operands[1:]:
        rt = _dt.promote_types(rt, op.dtype)
    ops = [cast(op, rt.np) for op in operands]
    sizes = {}
    for s, op in zip(in_subs, ops):
        for c, n in zip(s, op._data.shape):
            if sizes.get(c, 1) == 1:
                sizes[c] = n
            elif n not in (1, sizes[c]):
                raise RuntimeError(f"einsum(): operands do not broadcast with remapped shapes: "
                                   f"subscript {c!r} has size {sizes[c]} and {n} in {equation!r}")
    ops = [op.expand([sizes[c] for c in s]) if any(sizes[c] != n for c, n in zip(s, op._data.shape))
           else op for s, op in zip(in_subs, ops)]
    return Einsum.apply(*ops, in_subs=tuple(in_subs), out_sub=out_sub)


# ============================================================================ more products
# Issue 12: the rest of PyTorch's product family (mv, addmm, tensordot, kron, ...), the
# vector norms (linalg.vector_norm, dist, cdist) and the cross product. Everything below
# is a composition of differentiable functions (matmul, mul, sum, ...) except VectorNorm,
# whose backward follows PyTorch's masked formulas at zero.
import math  # noqa: E402
import warnings  # noqa: E402

from ..tensor import Tensor, _wrap_dim  # noqa: E402
from ._util import broadcast_shapes, kept_shape, norm_dims  # noqa: E402
from . import elementwise as E  # noqa: E402
from .shape import stack as _stack, cat as _cat  # noqa: E402

EXPORTS = ["mv", "addmm", "addmv", "addbmm", "baddbmm", "addr", "tensordot", "kron", "inner",
           "chain_matmul", "vdot", "ger", "cross", "dist", "cdist", "vander"]


def _need_dims(fn, name, t, ndim):
    if t.ndim != ndim:
        raise RuntimeError(f"{fn}(): {name} must be a {ndim}-D tensor, got {t.ndim}-D tensor "
                           f"of shape {list(t.shape)}")


def _scaled_sum(fn, input, product, beta, alpha):
    """beta * input + alpha * product, PyTorch's addmm family: with beta == 0 the input is
    ignored (its nan and inf do not propagate), but it must still broadcast to the result."""
    if tuple(broadcast_shapes(input._data.shape, product._data.shape, fn)) != product._data.shape:
        raise RuntimeError(f"{fn}(): the input of shape {list(input.shape)} can't be broadcast "
                           f"to the result's shape {list(product.shape)}")
    if alpha != 1:
        product = product * alpha
    if beta == 0:
        return product
    return (input if beta == 1 else input * beta) + product


def mv(input, vec):
    """Matrix-vector product: out_i = sum_j input_ij vec_j, for input (n, m), vec (m,)."""
    check_tensor(input, "mv")
    check_tensor(vec, "mv", "vec")
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"mv(): vector + matrix @ vector expected, got {input.ndim}-D matrix "
                           f"and {vec.ndim}-D vector")
    if input._data.shape[1] != vec._data.shape[0]:
        raise RuntimeError(f"mv(): size mismatch, got mat ({input._data.shape[0]}x"
                           f"{input._data.shape[1]}) and vec ({vec._data.shape[0]})")
    return matmul(input, vec)


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta * input + alpha * (mat1 @ mat2), mat1 (n, m), mat2 (m, p)."""
    check_tensor(input, "addmm")
    _need_dims("addmm", "mat1", check_tensor(mat1, "addmm", "mat1"), 2)
    _need_dims("addmm", "mat2", check_tensor(mat2, "addmm", "mat2"), 2)
    return _scaled_sum("addmm", input, mm(mat1, mat2), beta, alpha)


def addmv(input, mat, vec, *, beta=1, alpha=1):
    """beta * input + alpha * (mat @ vec), mat (n, m), vec (m,)."""
    check_tensor(input, "addmv")
    return _scaled_sum("addmv", input, mv(mat, vec), beta, alpha)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * sum_b batch1[b] @ batch2[b] (the batch is reduced)."""
    check_tensor(input, "addbmm")
    return _scaled_sum("addbmm", input, bmm(batch1, batch2).sum(0), beta, alpha)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * (batch1 @ batch2), batch by batch."""
    check_tensor(input, "baddbmm")
    return _scaled_sum("baddbmm", input, bmm(batch1, batch2), beta, alpha)


def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """beta * input + alpha * outer(vec1, vec2)."""
    check_tensor(input, "addr")
    _need_dims("addr", "vec1", check_tensor(vec1, "addr", "vec1"), 1)
    _need_dims("addr", "vec2", check_tensor(vec2, "addr", "vec2"), 1)
    return _scaled_sum("addr", input, outer(vec1, vec2), beta, alpha)


def ger(input, vec2):
    """The old name of outer."""
    return outer(input, vec2)


def vdot(input, other):
    """sum_i input_i * other_i for 1-D tensors (conjugating the first, a no-op for reals)."""
    check_tensor(input, "vdot")
    check_tensor(other, "vdot", "other")
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"vdot(): 1D tensors expected, but got {input.ndim}D and "
                           f"{other.ndim}D tensors")
    return dot(input, other)


def _dim_list(dims, ndim, fn):
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, (int, np.integer)):
        dims = [dims]
    return [_wrap_dim(d, ndim, fn) for d in dims]


def tensordot(a, b, dims=2):
    """Contract dims of a with dims of b: dims=k pairs a's last k dims with b's first k;
    dims=([a dims], [b dims]) names them. Done as one matmul: a is permuted to
    (free, contracted) and b to (contracted, free), both flattened to matrices."""
    check_tensor(a, "tensordot", "a")
    check_tensor(b, "tensordot", "b")
    if isinstance(dims, Tensor) and dims.ndim == 0:
        dims = int(dims.item())
    if isinstance(dims, (int, np.integer)):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.ndim, b.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        da, db = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        try:
            da, db = dims
        except (TypeError, ValueError):
            raise TypeError("tensordot(): argument 'dims' must be an int or a pair of lists "
                            f"of dims, got {dims!r}") from None
        da, db = _dim_list(da, a.ndim, "tensordot"), _dim_list(db, b.ndim, "tensordot")
    if len(da) != len(db):
        raise RuntimeError(f"both dimension lists should have same length, got {len(da)} "
                           f"and {len(db)}")
    for x, y in zip(da, db):
        if a._data.shape[x] != b._data.shape[y]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a._data.shape[x]} in dim {x} and second has size "
                               f"{b._data.shape[y]} in dim {y}")
    free_a = [d for d in range(a.ndim) if d not in da]
    free_b = [d for d in range(b.ndim) if d not in db]
    k = int(np.prod([a._data.shape[d] for d in da]))  # host: shape arithmetic
    sa = [a._data.shape[d] for d in free_a]
    sb = [b._data.shape[d] for d in free_b]
    am = a.permute(free_a + da).reshape(int(np.prod(sa)), k)  # host: shape arithmetic
    bm = b.permute(db + free_b).reshape(k, int(np.prod(sb)))  # host: shape arithmetic
    return matmul(am, bm).reshape(sa + sb)


def inner(input, other):
    """sum over the last dim of both: out[i..., j...] = sum_k input[i..., k] other[j..., k];
    a 0-d operand multiplies elementwise."""
    check_tensor(input, "inner")
    check_tensor(other, "inner", "other")
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input._data.shape[-1] != other._data.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but "
                           f"got shapes {list(input.shape)} and {list(other.shape)}")
    return tensordot(input, other, dims=([-1], [-1]))


def kron(input, other):
    """Kronecker product: out[i*p + k, j*q + l] = a[i, j] * b[k, l] (any number of dims;
    the shorter shape is padded with leading ones)."""
    check_tensor(input, "kron")
    check_tensor(other, "kron", "other")
    n = max(input.ndim, other.ndim)
    sa = (1,) * (n - input.ndim) + tuple(input._data.shape)
    sb = (1,) * (n - other.ndim) + tuple(other._data.shape)
    a = input.reshape([v for s in sa for v in (s, 1)])
    b = other.reshape([v for s in sb for v in (1, s)])
    return (a * b).reshape([x * y for x, y in zip(sa, sb)])


def multi_dot(tensors):
    """A_1 @ A_2 @ ... @ A_n; the first may be 1-D (a row) and the last 1-D (a column)."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    for i, t in enumerate(tensors):
        check_tensor(t, "multi_dot", f"tensors[{i}]")
        ok = t.ndim == 2 or (t.ndim == 1 and i in (0, len(tensors) - 1))
        if not ok:
            where_ = "first and last" if t.ndim == 1 else "all"
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D (1D is allowed for the "
                               f"first and last tensors only), got {t.ndim}D ({where_})")
    first, last = tensors[0], tensors[-1]
    mats = list(tensors)
    if first.ndim == 1:
        mats[0] = first.unsqueeze(0)
    if last.ndim == 1:
        mats[-1] = last.unsqueeze(-1)
    out = mats[0]
    for i, m in enumerate(mats[1:], 1):
        if out._data.shape[-1] != m._data.shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i - 1} and {i} with shapes "
                               f"{list(tensors[i - 1].shape)} and {list(tensors[i].shape)} "
                               "cannot be multiplied")
        out = matmul(out, m)
    if first.ndim == 1 and last.ndim == 1:
        return out.reshape(())
    if first.ndim == 1:
        return out.squeeze(0)
    if last.ndim == 1:
        return out.squeeze(-1)
    return out


def chain_matmul(*matrices):
    """Deprecated spelling of linalg.multi_dot for 2-D matrices given as arguments."""
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch "
                  "release. Use torch.linalg.multi_dot instead, which accepts a list of two or "
                  "more tensors rather than multiple parameters.", UserWarning, stacklevel=2)
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    for i, m in enumerate(matrices):
        _need_dims("chain_matmul", f"matrices[{i}]", check_tensor(m, "chain_matmul"), 2)
    return matrices[0].clone() if len(matrices) == 1 else multi_dot(matrices)


def vecdot(x, y, *, dim=-1):
    """sum over dim of x * y (broadcasting), the batched dot product of linalg.vecdot."""
    check_tensor(x, "linalg.vecdot", "x")
    check_tensor(y, "linalg.vecdot", "y")
    prod = x * y
    return prod.sum(_wrap_dim(dim, prod.ndim, "linalg.vecdot"))


# ---------------------------------------------------------------------------- cross
def _cross3(a, b, d):
    """c = a x b along dim d (size 3): c_0 = a_1 b_2 - a_2 b_1, and cyclically."""
    a0, a1, a2 = (a.select(d, i) for i in range(3))
    b0, b1, b2 = (b.select(d, i) for i in range(3))
    return _stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], d)


def linalg_cross(input, other, *, dim=-1):
    """torch.linalg.cross: the cross product of 3-vectors along `dim`, broadcasting the
    other dims. d(a x b) = da x b + a x db, so the gradients are again cross products,
    which the composition gives."""
    check_tensor(input, "linalg.cross")
    check_tensor(other, "linalg.cross", "other")
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = _wrap_dim(dim, input.ndim, "linalg.cross")
    na, nb = input._data.shape[d], other._data.shape[d]
    if na != 3 or nb != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {na} "
                           f"and {nb}")
    shape = broadcast_shapes(input._data.shape, other._data.shape, "linalg.cross")
    a = input if input._data.shape == shape else input.expand(shape)
    b = other if other._data.shape == shape else other.expand(shape)
    return _cross3(a, b, d)


def cross(input, other, dim=None):
    """torch.cross: as linalg.cross, but `dim` defaults (with PyTorch's deprecation warning)
    to the first dimension of size 3."""
    check_tensor(input, "cross")
    check_tensor(other, "cross", "other")
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\n"
                      "Please either pass the dim explicitly or simply use torch.linalg.cross.\n"
                      "The default value of dim will change to agree with that of linalg.cross "
                      "in a future release.", UserWarning, stacklevel=2)
        shape = broadcast_shapes(input._data.shape, other._data.shape, "cross")
        sizes3 = [i for i, s in enumerate(shape) if s == 3]
        if not sizes3:
            raise RuntimeError("no dimension of size 3 in input")
        dim = sizes3[0]
    return linalg_cross(input, other, dim=dim)


# ---------------------------------------------------------------------------- norms
class VectorNorm(Function):
    """out = (sum |x|^p)^(1/p) over dims, with p = inf (max |x|), -inf (min |x|) and 0 (the
    number of non-zeros) as limits.

    The gradient, written as PyTorch writes it (masked where the norm is zero):
      p = 1:      dx = g * sign(x)
      p = 2:      dx = g * x / out                     (0 where out == 0)
      p = +-inf:  dx = g * sign(x) * [|x| == out] / (number of entries equal to out)
      p < 1:      dx = g * sign(x) |x|^(p-1) * out^(1-p)  (0 where x == 0)
      otherwise:  dx = g * x |x|^(p-2) / out^(p-1)        (0 where out == 0)
      p = 0:      no gradient (a count)."""

    @staticmethod
    def forward(ctx, x, ord, dims, keepdim):
        xp = _xp(x)
        ax = tuple(dims)
        ctx.ord, ctx.dims, ctx.keepdim = ord, dims, keepdim
        a = xp.abs(x)
        if ord == math.inf:
            out = xp.max(a, axis=ax, keepdims=keepdim)
        elif ord == -math.inf:
            out = xp.min(a, axis=ax, keepdims=keepdim)
        elif ord == 0:
            out = xp.sum(x != 0, axis=ax, keepdims=keepdim).astype(x.dtype)
        elif ord == 1:
            out = xp.sum(a, axis=ax, keepdims=keepdim)
        elif ord == 2:
            out = xp.sqrt(xp.sum(x * x, axis=ax, keepdims=keepdim))
        else:
            out = xp.sum(a ** ord, axis=ax, keepdims=keepdim) ** (1.0 / ord)
        out = xp.asarray(out, dtype=x.dtype)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        p = ctx.ord
        if p == 0:
            return None
        shape = kept_shape(x.shape, ctx.dims)
        g = g.reshape(shape)
        norm = out.reshape(shape)
        if p == 1:
            return g * E.sign(x)
        zero = norm == 0
        safe = E.where(zero, 1.0, norm)
        if p == 2:
            return g * x / safe * ~zero
        if p in (math.inf, -math.inf):
            mask = ((E.abs(x) == norm) | x.isnan()).to(x.dtype)
            return E.sign(x) * g * mask / mask.sum(ctx.dims, keepdim=True)
        if p < 1:
            xz = x == 0
            ax = E.where(xz, 1.0, E.abs(x))
            return E.sign(x) * E.pow(ax, p - 1) * ~xz * g * E.pow(norm, 1 - p)
        if p < 2:
            scaled = E.sign(x) * E.pow(E.abs(x), p - 1)
        else:
            scaled = x * E.pow(E.abs(x), p - 2)
        return scaled * (g / E.pow(safe, p - 1) * ~zero)


# PyTorch's error messages name dtypes by their C++ scalar type
_SCALAR_TYPE = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char",
                "uint8": "Byte", "bool": "Bool", "float16": "Half", "bfloat16": "BFloat16",
                "float32": "Float", "float64": "Double"}


def scalar_type_name(dtype) -> str:
    name = str(dtype).replace("minitorch.", "").replace("torch.", "")
    return _SCALAR_TYPE.get(name, name)


def _check_float(t, fn):
    if t._data.dtype.kind != "f":
        raise RuntimeError(f"{fn}: Expected a floating point or complex tensor as input. "
                           f"Got {scalar_type_name(t.dtype)}")


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """torch.linalg.vector_norm: (sum |x|^ord)^(1/ord) over dim (all dims when None, the
    input seen as one vector); ord may be inf, -inf, 0 or any real number."""
    check_tensor(x, "linalg.vector_norm", "x")
    if isinstance(ord, (str, bool)) or not isinstance(ord, (int, float, np.number)):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' (position 2) must be Number, not "
                        f"{type(ord).__name__}")
    if dtype is not None:
        from .. import dtypes as _dtypes
        d = _dtypes.to_dtype(dtype, "linalg.vector_norm")
        if not d.is_floating_point:
            raise RuntimeError(f"linalg.vector_norm: dtype should be floating point or complex. "
                               f"Got {d.name}")
        x = cast(x, d.np)
    _check_float(x, "linalg.vector_norm")
    if isinstance(dim, (int, np.integer)):
        dim = (dim,)
    dims = norm_dims(dim, x.ndim, "linalg.vector_norm")
    if x.ndim == 0:
        dims = ()
    if x._data.size == 0 and ord < 0:
        raise RuntimeError(f"linalg.vector_norm cannot compute the {ord} norm on an empty "
                           "tensor because the operation does not have an identity")
    return VectorNorm.apply(x, float(ord), dims, bool(keepdim))


def dist(input, other, p=2):
    """The p-norm of input - other (broadcast), as one vector."""
    check_tensor(input, "dist")
    check_tensor(other, "dist", "other")
    return vector_norm(input - other, p)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """Pairwise p-norm distances: out[..., i, j] = ||x1[..., i, :] - x2[..., j, :]||_p.

    For p = 2 with more than 25 rows on either side (or compute_mode
    'use_mm_for_euclid_dist') PyTorch uses |x|^2 + |y|^2 - 2 x.y, one matmul, clamped at
    1e-30 before the square root; so do we, for the same numbers. Otherwise the
    differences are formed explicitly and their norms taken."""
    check_tensor(x1, "cdist", "x1")
    check_tensor(x2, "cdist", "x2")
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D")
    if x1._data.shape[-1] != x2._data.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: "
                           f"{x1._data.shape[-1]} X2: {x2._data.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    modes = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
             "donot_use_mm_for_euclid_dist")
    if compute_mode not in modes and compute_mode is not None:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    _check_float(x1, "cdist")
    r1, r2 = x1._data.shape[-2], x2._data.shape[-2]
    use_mm = p == 2 and (compute_mode == "use_mm_for_euclid_dist" or (
        compute_mode in (None, modes[0]) and (r1 > 25 or r2 > 25)))
    if use_mm:
        return _euclidean_dist(x1, x2)
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    return vector_norm(diff, p, dim=-1)


def _ones_like(t):
    """A constant tensor of ones with t's shape, dtype and device."""
    return _make(_xp(t._data).ones(t._data.shape, dtype=t._data.dtype))


def _euclidean_dist(x1, x2):
    """sqrt(max(|x|^2 - 2 x.y + |y|^2, 1e-30)) as one matmul of augmented matrices."""
    n1 = (x1 * x1).sum(-1, keepdim=True)
    n2 = (x2 * x2).sum(-1, keepdim=True)
    a = _cat([x1 * -2.0, n1, _ones_like(n1)], -1)
    b = _cat([x2, _ones_like(n2), n2], -1)
    return E.sqrt(E.clamp(matmul(a, b.mT), min=1e-30))


def vander(x, N=None, increasing=False):
    """torch.vander: columns x^(N-1), ..., x^1, x^0 of a 1-D x (or increasing powers)."""
    check_tensor(x, "vander", "x")
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    if N is not None and N < 0:
        raise RuntimeError("N must be non-negative.")
    out = _powers(x, x._data.shape[0] if N is None else N)
    return out if increasing else out.flip(-1)


def linalg_vander(x, *, N=None):
    """torch.linalg.vander: out[..., i, j] = x[..., i]^j for j < N (increasing powers)."""
    check_tensor(x, "linalg.vander", "x")
    if x.ndim == 0:
        raise RuntimeError("linalg.vander: x must have at least one dimension")
    n = x._data.shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    return _powers(x, n)


def _powers(x, n):
    """stack([1, x, x^2, ..., x^(n-1)], -1), by repeated multiplication so that the
    gradient is exact at x = 0 (d x^j/dx = j x^(j-1))."""
    if n == 0:
        return x.unsqueeze(-1)[..., :0]
    cols = [_ones_like(x)]
    for _ in range(1, n):
        cols.append(cols[-1] * x)
    return _stack(cols, -1)


def _inplace_from(self, fn_name, result_fn):
    """self.<fn_name>(...): self rebound to result_fn(self), with PyTorch's in-place rules
    (recorded in the graph when needed; a leaf that requires grad refuses)."""
    from .inplace import _check_inplace_allowed, _old, _rebind
    if _check_inplace_allowed(self, fn_name):
        return _rebind(self, result_fn(_old(self)))
    from ..autograd.grad_mode import no_grad
    with no_grad():
        out = result_fn(self.detach())
    self._data[...] = out._data.astype(self._data.dtype, copy=False)
    self._bump_version()
    return self


def _method_inplace(fn, name):
    def method(self, *args, **kwargs):
        return _inplace_from(self, name, lambda t: fn(t, *args, **kwargs))
    method.__name__ = name
    method.__doc__ = f"In-place {fn.__name__}."
    return method


TENSOR_METHODS = {
    "mv": mv, "addmm": addmm, "addmv": addmv, "addbmm": addbmm, "baddbmm": baddbmm,
    "addr": addr, "ger": ger, "vdot": vdot, "inner": inner, "kron": kron, "cross": cross,
    "dist": dist,
}
for _n in ("addmm", "addmv", "addbmm", "baddbmm", "addr"):
    TENSOR_METHODS[_n + "_"] = _method_inplace(TENSOR_METHODS[_n], _n + "_")
del _n
addmv_ = TENSOR_METHODS["addmv_"]   # torch.addmv_(input, mat, vec) exists at torch level too
EXPORTS.append("addmv_")
