"""The table of differentiable operations that drives the op tests and the opcheck report.

Each entry is an `OpSpec`: a name, a function ``fn(lib, *tensors)`` that is written once
and runs with ``lib = minitorch`` or ``lib = torch`` (the APIs are the same), and the
inputs to draw. Float inputs are differentiated; integer and bool inputs (indices,
masks) are not. Samplers keep inputs away from kinks (relu/abs at 0, ties of max) and
out of domains where the function is undefined (log of negatives), so finite differences
are meaningful.

Nothing here imports torch: the caller passes whichever library it compares.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np


# ------------------------------------------------------------------------------ samplers
def normal(rng, shape):
    return rng.standard_normal(shape)


def uniform(lo, hi):
    def draw(rng, shape):
        return rng.uniform(lo, hi, shape)
    return draw


def positive(lo=0.5, hi=2.0):
    return uniform(lo, hi)


def away_from(*kinks, margin=0.1, lo=-1.5, hi=1.5):
    """Uniform on [lo, hi] with no value within `margin` of a kink."""
    def draw(rng, shape):
        x = rng.uniform(lo, hi, shape)
        for k in kinks:
            near = np.abs(x - k) < margin
            x = np.where(near, k + np.where(x >= k, margin, -margin) * 1.5, x)
        return x
    return draw


def distinct(rng, shape):
    """Values with gaps of at least ~0.4 * 4 / n between any two (no ties anywhere)."""
    n = int(np.prod(shape)) or 1
    ranks = rng.permutation(n).reshape(shape)
    return (ranks + rng.uniform(0.3, 0.7, shape)) / n * 4 - 2


def with_zeros(rng, shape):
    """Values in +-[0.5, 1.5] with a single zero in the first row and two in the second."""
    x = rng.uniform(0.5, 1.5, shape) * rng.choice([-1.0, 1.0], shape)
    flat = x.reshape(shape[0], -1)
    flat[0, 0] = 0.0
    if flat.shape[0] > 1 and flat.shape[1] > 1:
        flat[1, :2] = 0.0
    return flat.reshape(shape)


# ------------------------------------------------------------------------------ specs
@dataclass(frozen=True)
class Arg:
    """One input: a float tensor (differentiated), or an int/bool tensor (not)."""
    shape: tuple
    kind: str = "float"          # "float" | "int" | "bool"
    sampler: Callable = normal   # for floats
    low: int = 0                 # for ints: uniform on [low, high)
    high: int = 2


def I(shape, high, low=0):  # noqa: E743 - short names keep the table readable
    return Arg(tuple(shape), "int", low=low, high=high)


def B(shape):
    return Arg(tuple(shape), "bool")


def F(shape, sampler=normal):
    return Arg(tuple(shape), "float", sampler)


@dataclass
class OpSpec:
    name: str
    fn: Callable
    args: tuple
    family: str = ""
    differentiable: bool = True
    gradgrad: bool = True          # PyTorch can differentiate it twice
    finite_diff: bool = True       # smooth at the sampled point, so gradcheck applies
    keeps_dtype: bool = True       # float32 in -> float32 out (False for casts)
    binary: bool = False           # elementwise binary: used by the broadcasting tests
    fixed: Callable = None         # optional: rng -> list of arrays, replacing sampling
    tol32: tuple = (1e-4, 1e-5)    # (rtol, atol) for float32 comparisons
    notes: str = ""
    tags: tuple = field(default_factory=tuple)

    def make_arrays(self, seed=0):
        """The inputs as NumPy arrays (float64 for floats), the same for every library."""
        rng = np.random.default_rng(seed)
        if self.fixed is not None:
            return self.fixed(rng)
        out = []
        for a in self.args:
            if a.kind == "float":
                out.append(np.asarray(a.sampler(rng, a.shape), dtype=np.float64))
            elif a.kind == "int":
                out.append(rng.integers(a.low, a.high, a.shape).astype(np.int64))
            else:
                out.append(rng.random(a.shape) < 0.5)
        return out


def _assign(a, index, value):
    """y = a * 1; y[index] = value; the recorded __setitem__ on a tensor in the graph."""
    y = a * 1.0
    y[index] = value
    return y


def _spec(name, fn, *args, **kw):
    return OpSpec(name, fn, tuple(args), **kw)


S34 = (3, 4)
S234 = (2, 3, 4)

# Every entry below is one checked operation. Keep names unique.
OPS: list[OpSpec] = []


def add(*specs):
    OPS.extend(specs)


# ---------------------------------------------------------------- arithmetic
add(
    _spec("add", lambda lib, a, b: a + b, F(S34), F((4,)), family="arithmetic", binary=True),
    _spec("add_alpha", lambda lib, a, b: lib.add(a, b, alpha=0.5), F(S34), F(S34), family="arithmetic"),
    _spec("add_scalar", lambda lib, a: a + 2.5, F(S34), family="arithmetic"),
    _spec("radd_scalar", lambda lib, a: 2.5 + a, F(S34), family="arithmetic"),
    _spec("sub", lambda lib, a, b: a - b, F(S234), F((3, 1)), family="arithmetic", binary=True),
    _spec("rsub_scalar", lambda lib, a: 1.5 - a, F(S34), family="arithmetic"),
    _spec("mul", lambda lib, a, b: a * b, F((4, 1)), F((3, 1, 5)), family="arithmetic", binary=True),
    _spec("mul_scalar", lambda lib, a: a * 3, F(S34), family="arithmetic"),
    _spec("rmul_scalar", lambda lib, a: -0.5 * a, F(S34), family="arithmetic"),
    _spec("div", lambda lib, a, b: a / b, F(S34), F((4,), away_from(0.0, margin=0.3)),
          family="arithmetic", binary=True),
    _spec("div_scalar", lambda lib, a: a / 4.0, F(S34), family="arithmetic"),
    _spec("rdiv_scalar", lambda lib, a: 2.0 / a, F(S34, away_from(0.0, margin=0.3)), family="arithmetic"),
    _spec("neg", lambda lib, a: -a, F(S34), family="arithmetic"),
    _spec("pow_scalar", lambda lib, a: a ** 3, F(S34), family="arithmetic"),
    _spec("pow_frac", lambda lib, a: a ** 1.5, F(S34, positive()), family="arithmetic"),
    _spec("pow_tensor", lambda lib, a, b: a ** b, F(S34, positive()), F((4,), uniform(-1, 2)),
          family="arithmetic", binary=True),
    _spec("rpow_scalar", lambda lib, a: 2.0 ** a, F(S34), family="arithmetic"),
    _spec("matmul_op", lambda lib, a, b: a @ b, F(S34), F((4, 2)), family="linalg"),
)

# ---------------------------------------------------------------- unary
_unary = [
    ("exp", normal), ("log", positive(0.2, 3)), ("log1p", uniform(-0.5, 2)),
    ("expm1", normal), ("sqrt", positive(0.2, 3)), ("rsqrt", positive(0.2, 3)),
    ("abs", away_from(0.0)), ("sign", away_from(0.0)), ("sin", normal), ("cos", normal),
    ("tanh", normal), ("sigmoid", normal), ("relu", away_from(0.0)),
    ("reciprocal", away_from(0.0, margin=0.3)),
]
for _n, _s in _unary:
    add(_spec(_n, (lambda n: lambda lib, a: getattr(lib, n)(a))(_n), F(S234, _s), family="elementwise"),
        _spec(_n + "_method", (lambda n: lambda lib, a: getattr(a, n)())(_n), F((5,), _s),
              family="elementwise"))

add(
    _spec("clamp", lambda lib, a: lib.clamp(a, -0.5, 0.5), F(S34, away_from(-0.5, 0.5)), family="elementwise"),
    _spec("clamp_min", lambda lib, a: a.clamp(min=0.2), F(S34, away_from(0.2)), family="elementwise"),
    _spec("clamp_max", lambda lib, a: a.clamp(max=-0.1), F(S34, away_from(-0.1)), family="elementwise"),
    _spec("clamp_tensor", lambda lib, a, lo, hi: lib.clamp(a, lo - 1.0, hi + 1.0),
          F(S34, distinct), F((4,), uniform(-1.2, -0.2)), F((3, 1), uniform(-0.7, 0.3)),
          family="elementwise"),
    _spec("maximum", lambda lib, a, b: lib.maximum(a, b), F(S34, distinct), F((4,), distinct),
          family="elementwise", binary=True),
    _spec("minimum", lambda lib, a, b: lib.minimum(a, b), F(S34, distinct), F(S34, distinct),
          family="elementwise", binary=True),
    _spec("where", lambda lib, c, a, b: lib.where(c, a, b), B(S34), F(S34), F((4,)), family="elementwise"),
    _spec("where_scalar", lambda lib, c, a: lib.where(c, a, 0.5), B((3, 1)), F(S34), family="elementwise"),
    _spec("where_cmp", lambda lib, a, b: lib.where(a > 0, a * 2, b), F(S34, away_from(0.0)), F(S34),
          family="elementwise"),
)

# ---------------------------------------------------------------- reductions
add(
    _spec("sum", lambda lib, a: a.sum(), F(S234), family="reduction"),
    _spec("sum_dim", lambda lib, a: a.sum(1), F(S234), family="reduction"),
    _spec("sum_dims_keepdim", lambda lib, a: a.sum(dim=(0, 2), keepdim=True), F(S234), family="reduction"),
    _spec("sum_neg_dim", lambda lib, a: lib.sum(a, -1), F(S234), family="reduction"),
    _spec("mean", lambda lib, a: a.mean(), F(S234), family="reduction"),
    _spec("mean_dims", lambda lib, a: a.mean((0, 1)), F(S234), family="reduction"),
    _spec("mean_keepdim", lambda lib, a: a.mean(2, keepdim=True), F(S234), family="reduction"),
    _spec("prod", lambda lib, a: a.prod(), F((2, 3), uniform(0.5, 1.5)), family="reduction"),
    _spec("prod_dim", lambda lib, a: a.prod(1), F(S34, uniform(-1.5, 1.5)), family="reduction"),
    _spec("prod_dim_keepdim", lambda lib, a: a.prod(0, keepdim=True), F(S34, uniform(0.5, 1.5)), family="reduction"),
    _spec("prod_with_zeros", lambda lib, a: a.prod(1), F(S34, with_zeros), family="reduction",
          gradgrad=False, notes="gradient exact at zeros; second derivative only away from them"),
    _spec("max_all", lambda lib, a: a.max(), F(S34, distinct), family="reduction"),
    _spec("min_all", lambda lib, a: lib.min(a), F(S34, distinct), family="reduction"),
    _spec("max_dim", lambda lib, a: tuple(a.max(1)), F(S234, distinct), family="reduction"),
    _spec("max_dim_keepdim", lambda lib, a: tuple(lib.max(a, 0, keepdim=True)), F(S34, distinct), family="reduction"),
    _spec("min_dim", lambda lib, a: tuple(a.min(-1)), F(S34, distinct), family="reduction"),
    _spec("max_binary", lambda lib, a, b: lib.max(a, b), F(S34, distinct), F(S34, distinct), family="reduction"),
    _spec("amax", lambda lib, a: a.amax(dim=(0, 2)), F(S234, distinct), family="reduction"),
    _spec("amin", lambda lib, a: lib.amin(a, 1, keepdim=True), F(S234, distinct), family="reduction"),
    _spec("amax_ties", lambda lib, a: a.amax(1), F((2, 3)), family="reduction",
          fixed=lambda rng: [np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])], finite_diff=False,
          gradgrad=False, notes="ties share the gradient evenly (a kink: checked against torch)"),
    _spec("max_all_ties", lambda lib, a: a.max(), F((2, 3)), family="reduction",
          fixed=lambda rng: [np.array([[1.0, 3.0, 3.0], [2.0, 0.5, 3.0]])], finite_diff=False,
          gradgrad=False, notes="ties share the gradient evenly (a kink: checked against torch)"),
    _spec("var", lambda lib, a: a.var(), F(S234), family="reduction"),
    _spec("var_dim", lambda lib, a: a.var(1), F(S234), family="reduction"),
    _spec("var_correction0", lambda lib, a: a.var(dim=(0, 2), correction=0, keepdim=True), F(S234), family="reduction"),
    _spec("std", lambda lib, a: a.std(), F(S234), family="reduction"),
    _spec("std_dim", lambda lib, a: lib.std(a, 0, correction=0), F(S34), family="reduction"),
    _spec("logsumexp", lambda lib, a: lib.logsumexp(a, 1), F(S234), family="reduction"),
    _spec("logsumexp_dims", lambda lib, a: a.logsumexp((0, 2), keepdim=True), F(S234), family="reduction"),
    _spec("norm", lambda lib, a: a.norm(), F(S234), family="reduction"),
    _spec("norm_dim", lambda lib, a: lib.norm(a, dim=1), F(S34), family="reduction"),
    _spec("norm_p1", lambda lib, a: a.norm(p=1, dim=0), F(S34, away_from(0.0)), family="reduction"),
    _spec("norm_p3", lambda lib, a: a.norm(p=3), F(S34, away_from(0.0)), family="reduction"),
    _spec("norm_inf", lambda lib, a: a.norm(p=float("inf"), dim=1), F(S34, distinct), family="reduction"),
    _spec("cumsum", lambda lib, a: a.cumsum(1), F(S234), family="reduction"),
    _spec("cumsum_dim0", lambda lib, a: lib.cumsum(a, 0), F(S34), family="reduction"),
    _spec("softmax", lambda lib, a: lib.softmax(a, dim=1), F(S234), family="activation"),
    _spec("softmax_last", lambda lib, a: a.softmax(-1), F(S34), family="activation"),
    _spec("log_softmax", lambda lib, a: lib.log_softmax(a, dim=0), F(S234), family="activation"),
    _spec("log_softmax_last", lambda lib, a: a.log_softmax(-1), F(S34), family="activation"),
)

# ---------------------------------------------------------------- non-differentiable outputs
add(
    _spec("argmax", lambda lib, a: a.argmax(1), F(S34, distinct), family="reduction", differentiable=False),
    _spec("argmin_all", lambda lib, a: lib.argmin(a), F(S34, distinct), family="reduction", differentiable=False),
    _spec("argmax_keepdim", lambda lib, a: a.argmax(0, keepdim=True), F(S34, distinct), family="reduction",
          differentiable=False),
    _spec("eq", lambda lib, a, b: a == b, I(S34, 3), I((4,), 3), family="comparison", differentiable=False),
    _spec("ne", lambda lib, a, b: a != b, I(S34, 3), I((4,), 3), family="comparison", differentiable=False),
    _spec("lt", lambda lib, a, b: a < b, F(S34), F((4,)), family="comparison", differentiable=False),
    _spec("le", lambda lib, a: a <= 0.1, F(S34), family="comparison", differentiable=False),
    _spec("gt", lambda lib, a, b: lib.gt(a, b), F(S34), F(S34), family="comparison", differentiable=False),
    _spec("ge", lambda lib, a: 0.0 >= a, F(S34), family="comparison", differentiable=False),
    _spec("logical", lambda lib, a, b: (a & b) | ~a ^ lib.logical_not(b), B(S34), B((4,)),
          family="comparison", differentiable=False),
)

# ---------------------------------------------------------------- linear algebra
_EINSUMS = [
    ("einsum_matmul", "ij,jk->ik", [(3, 4), (4, 2)]),
    ("einsum_batch", "bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]),
    ("einsum_outer", "i,j->ij", [(3,), (4,)]),
    ("einsum_sum", "ij->i", [(3, 4)]),
    ("einsum_transpose", "ij->ji", [(3, 4)]),
    ("einsum_implicit", "ij,jk", [(3, 4), (4, 2)]),
    ("einsum_ellipsis", "...ij,...jk->...ik", [(2, 3, 4), (4, 2)]),
    ("einsum_trace", "ii->", [(3, 3)]),
    ("einsum_diag", "ii->i", [(4, 4)]),
    ("einsum_three", "ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("einsum_bilinear", "bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),
]
for _n, _eq, _shapes in _EINSUMS:
    add(_spec(_n, (lambda eq: lambda lib, *ts: lib.einsum(eq, *ts))(_eq), *[F(s) for s in _shapes],
              family="linalg"))

add(
    _spec("matmul_2d", lambda lib, a, b: lib.matmul(a, b), F(S34), F((4, 5)), family="linalg"),
    _spec("matmul_1d_1d", lambda lib, a, b: lib.matmul(a, b), F((4,)), F((4,)), family="linalg"),
    _spec("matmul_1d_2d", lambda lib, a, b: lib.matmul(a, b), F((3,)), F(S34), family="linalg"),
    _spec("matmul_2d_1d", lambda lib, a, b: lib.matmul(a, b), F(S34), F((4,)), family="linalg"),
    _spec("matmul_batched_broadcast", lambda lib, a, b: a @ b, F(S234), F((4, 2)), family="linalg"),
    _spec("matmul_batch_both", lambda lib, a, b: a @ b, F((2, 1, 3, 4)), F((3, 4, 2)), family="linalg"),
    _spec("matmul_1d_batched", lambda lib, a, b: a @ b, F((3,)), F((2, 3, 4)), family="linalg"),
    _spec("matmul_batched_1d", lambda lib, a, b: a @ b, F(S234), F((4,)), family="linalg"),
    _spec("mm", lambda lib, a, b: lib.mm(a, b), F(S34), F((4, 2)), family="linalg"),
    _spec("bmm", lambda lib, a, b: lib.bmm(a, b), F(S234), F((2, 4, 3)), family="linalg"),
)

# ---------------------------------------------------------------- shape
add(
    _spec("reshape", lambda lib, a: a.reshape(4, -1), F(S234), family="shape"),
    _spec("reshape_fn", lambda lib, a: lib.reshape(a, (6, 4)), F(S234), family="shape"),
    _spec("view", lambda lib, a: a.view(2, 12), F(S234), family="shape"),
    _spec("flatten", lambda lib, a: a.flatten(), F(S234), family="shape"),
    _spec("flatten_range", lambda lib, a: lib.flatten(a, 1), F(S234), family="shape"),
    _spec("permute", lambda lib, a: a.permute(2, 0, 1), F(S234), family="shape"),
    _spec("transpose", lambda lib, a: a.transpose(0, 2), F(S234), family="shape"),
    _spec("T", lambda lib, a: a.T, F(S34), family="shape"),
    _spec("mT", lambda lib, a: a.mT, F(S234), family="shape"),
    _spec("squeeze", lambda lib, a: a.squeeze(), F((3, 1, 4, 1)), family="shape"),
    _spec("squeeze_dim", lambda lib, a: a.squeeze(1), F((3, 1, 4)), family="shape"),
    _spec("unsqueeze", lambda lib, a: a.unsqueeze(-1), F(S34), family="shape"),
    _spec("expand", lambda lib, a: a.expand(2, 3, 4), F((3, 1)), family="shape"),
    _spec("broadcast_to", lambda lib, a: lib.broadcast_to(a, (2, 3, 4)), F((4,)), family="shape"),
    _spec("repeat", lambda lib, a: a.repeat(2, 1, 3), F(S34), family="shape"),
    _spec("cat", lambda lib, a, b: lib.cat([a, b], dim=1), F(S34), F((3, 2)), family="shape"),
    _spec("cat_three", lambda lib, a, b, c: lib.cat((a, b, c)), F(S34), F((1, 4)), F((2, 4)), family="shape"),
    _spec("stack", lambda lib, a, b: lib.stack([a, b], dim=1), F(S34), F(S34), family="shape"),
    _spec("split", lambda lib, a: a.split(2, dim=1), F((3, 5)), family="shape"),
    _spec("split_sizes", lambda lib, a: lib.split(a, [1, 2], 0), F(S34), family="shape"),
    _spec("chunk", lambda lib, a: a.chunk(3, dim=-1), F((2, 7)), family="shape"),
    _spec("flip", lambda lib, a: a.flip(0, 2), F(S234), family="shape"),
    _spec("flip_one", lambda lib, a: lib.flip(a, [1]), F(S34), family="shape"),
    _spec("tril", lambda lib, a: a.tril(), F((4, 4)), family="shape"),
    _spec("triu_offset", lambda lib, a: lib.triu(a, 1), F(S234), family="shape"),
    _spec("tril_negative", lambda lib, a: lib.tril(a, -1), F(S34), family="shape"),
    _spec("pad_constant", lambda lib, a: lib.nn.functional.pad(a, (1, 2, 0, 1)), F(S234), family="shape"),
    _spec("pad_value_crop", lambda lib, a: lib.nn.functional.pad(a, (-1, 2), value=0.5), F(S34), family="shape"),
    _spec("pad_reflect", lambda lib, a: lib.nn.functional.pad(a, (2, 1), mode="reflect"), F(S234), family="shape"),
    _spec("pad_replicate", lambda lib, a: lib.nn.functional.pad(a, (1, 2, 2, 0), mode="replicate"),
          F((1, 2, 3, 4)), family="shape"),
    _spec("pad_circular", lambda lib, a: lib.nn.functional.pad(a, (1, 2), mode="circular"), F(S234), family="shape"),
    _spec("clone", lambda lib, a: a.clone(), F(S34), family="shape"),
    _spec("contiguous", lambda lib, a: a.T.contiguous(), F(S34), family="shape"),
    _spec("to_double", lambda lib, a: a.double() * 2, F(S34), family="shape", keeps_dtype=False),
    _spec("to_float", lambda lib, a: a.to(lib.float32) * 2, F(S34), family="shape", keeps_dtype=False,
          finite_diff=False, gradgrad=False,
          notes="a float32 round trip is too coarse for finite differences: checked against torch"),
)

# ---------------------------------------------------------------- indexing
add(
    _spec("getitem_int", lambda lib, a: a[1], F(S234), family="indexing"),
    _spec("getitem_slice", lambda lib, a: a[:, 1:3], F(S234), family="indexing"),
    _spec("getitem_step", lambda lib, a: a[::2, 1::2], F((5, 4)), family="indexing"),
    _spec("getitem_none_ellipsis", lambda lib, a: a[None, ..., 2], F(S234), family="indexing"),
    _spec("getitem_mask", lambda lib, a, m: a[m], F(S34), B(S34), family="indexing"),
    _spec("getitem_mask_rows", lambda lib, a: a[a[:, 0] > 0], F(S34, away_from(0.0)), family="indexing"),
    _spec("getitem_int_array", lambda lib, a, i: a[i], F(S34), I((5,), 3), family="indexing",
          notes="repeated indices accumulate"),
    _spec("getitem_two_arrays", lambda lib, a, i, j: a[i, j], F(S34), I((6,), 3), I((6,), 4), family="indexing"),
    _spec("getitem_mixed", lambda lib, a, i: a[:, i, 1:], F(S234), I((2, 2), 3), family="indexing"),
    _spec("gather", lambda lib, a, i: lib.gather(a, 1, i), F(S34), I((3, 5), 4), family="indexing"),
    _spec("gather_dim0_smaller", lambda lib, a, i: a.gather(0, i), F(S34), I((2, 3), 3), family="indexing"),
    _spec("index_select", lambda lib, a, i: lib.index_select(a, 1, i), F(S234), I((5,), 3), family="indexing"),
    _spec("index_select_dim0", lambda lib, a, i: a.index_select(0, i), F(S34), I((4,), 3), family="indexing"),
    _spec("setitem_slice", lambda lib, a, v: _assign(a, (slice(None), slice(1, 3)), v), F(S34), F((3, 2)),
          family="indexing"),
    _spec("setitem_broadcast", lambda lib, a, v: _assign(a, 1, v), F(S34), F((4,)), family="indexing"),
    _spec("setitem_mask", lambda lib, a, m: _assign(a, m, 0.5), F(S34), B(S34), family="indexing"),
    _spec("setitem_int_array", lambda lib, a, i, v: _assign(a, i, v), F(S34), I((2,), 3, ), F((2, 4)),
          family="indexing", fixed=lambda rng: [rng.standard_normal(S34), np.array([2, 0]),
                                                rng.standard_normal((2, 4))]),
    _spec("masked_fill", lambda lib, a, m: a.masked_fill(m, -1.5), F(S34), B(S34), family="indexing"),
    _spec("masked_fill_broadcast", lambda lib, a, m: lib.masked_fill(a, m, 2.0), F(S234), B((3, 1)), family="indexing"),
)

# More families, one file each (they import the helpers above and call `add`).
from . import (op_table_pointwise, op_table_reduction, op_table_shape,  # noqa: E402,F401
               op_table_linalg, op_table_nn, op_table_nn_layers)

BY_NAME = {spec.name: spec for spec in OPS}
if len(BY_NAME) != len(OPS):  # pragma: no cover - guards the table itself
    raise RuntimeError("op_table: duplicate op names")
