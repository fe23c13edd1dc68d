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
