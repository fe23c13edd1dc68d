"""Op-table entries: shape and indexing (functional/shape.py, indexing.py).

Each entry is checked like the rest of the table (tests/test_ops.py): forward and backward
against PyTorch in float64 and float32, non-contiguous inputs, gradcheck and gradgradcheck.
"""
from __future__ import annotations

import numpy as np  # noqa: F401

from .op_table import (add, _spec, _assign, F, I, B, Arg, normal, uniform, positive,  # noqa: F401
                       away_from, distinct, with_zeros, S34, S234)


def _fixed(*arrays):
    """Exact inputs: floats drawn from the seeded rng by shape, other arrays as given."""
    def make(rng):
        return [rng.standard_normal(a) if isinstance(a, tuple) else np.asarray(a) for a in arrays]
    return make


# ---------------------------------------------------------------- shape (H3: issue 12)
add(
    _spec("meshgrid_ij", lambda lib, a, b: lib.meshgrid(a, b, indexing="ij"), F((3,)), F((4,)),
          family="shape"),
    _spec("meshgrid_xy", lambda lib, a, b, c: lib.meshgrid([a, b, c], indexing="xy"), F((3,)),
          F((2,)), F((4,)), family="shape"),
    _spec("cartesian_prod", lambda lib, a, b: lib.cartesian_prod(a, b), F((3,)), F((4,)),
          family="shape"),
    _spec("combinations", lambda lib, a: lib.combinations(a, 2), F((5,)), family="shape"),
    _spec("combinations_replacement", lambda lib, a: lib.combinations(a, 3, with_replacement=True),
          F((3,)), family="shape"),
    _spec("roll_flat", lambda lib, a: lib.roll(a, 5), F(S234), family="shape"),
    _spec("roll_dims", lambda lib, a: a.roll((1, -2), (0, 2)), F(S234), family="shape"),
    _spec("repeat_interleave_int", lambda lib, a: a.repeat_interleave(2, dim=1), F(S34),
          family="shape"),
    _spec("repeat_interleave_flat", lambda lib, a: lib.repeat_interleave(a, 3), F((2, 3)),
          family="shape"),
    _spec("repeat_interleave_tensor", lambda lib, a, r: lib.repeat_interleave(a, r, dim=0),
          F(S34), I((3,), 3), family="shape", fixed=_fixed(S34, [2, 0, 3])),
    _spec("tile", lambda lib, a: lib.tile(a, (2, 1, 3)), F(S34), family="shape"),
    _spec("tile_short", lambda lib, a: a.tile(2), F(S34), family="shape"),
    _spec("rot90", lambda lib, a: lib.rot90(a), F(S34), family="shape"),
    _spec("rot90_k2", lambda lib, a: a.rot90(2, [1, 2]), F(S234), family="shape"),
    _spec("rot90_k3", lambda lib, a: lib.rot90(a, -1, (2, 0)), F(S234), family="shape"),
    _spec("diag_vector", lambda lib, a: lib.diag(a, 1), F((4,)), family="shape"),
    _spec("diag_matrix", lambda lib, a: a.diag(-1), F(S34), family="shape"),
    _spec("diagonal", lambda lib, a: lib.diagonal(a, 1, 2, 0), F(S234), family="shape"),
    _spec("diagonal_method", lambda lib, a: a.diagonal(dim1=-2, dim2=-1), F(S234), family="shape"),
    _spec("diag_embed", lambda lib, a: lib.diag_embed(a, -1), F(S34), family="shape"),
    _spec("diag_embed_dims", lambda lib, a: a.diag_embed(1, 0, 2), F(S34), family="shape"),
    _spec("diagflat", lambda lib, a: lib.diagflat(a, 1), F((2, 3)), family="shape"),
    _spec("trace", lambda lib, a: lib.trace(a), F(S34), family="shape"),
    _spec("atleast_3d", lambda lib, a, b: lib.atleast_3d(a, b), F((4,)), F(S34), family="shape"),
    _spec("column_stack", lambda lib, a, b: lib.column_stack([a, b]), F((3,)), F((3, 2)),
          family="shape"),
    _spec("dstack", lambda lib, a, b: lib.dstack([a, b]), F(S34), F(S34), family="shape"),
    _spec("hstack", lambda lib, a, b: lib.hstack([a, b]), F((3,)), F((2,)), family="shape"),
    _spec("vstack", lambda lib, a, b: lib.vstack((a, b)), F((4,)), F(S34), family="shape"),
    _spec("block_diag", lambda lib, a, b, c: lib.block_diag(a, b, c), F((2, 3)), F((4,)), F((2, 2)),
          family="shape"),
    _spec("tensor_split_sections", lambda lib, a: lib.tensor_split(a, 3, dim=1), F((2, 7)),
          family="shape"),
    _spec("tensor_split_indices", lambda lib, a: a.tensor_split([1, 3], dim=2), F(S234),
          family="shape"),
    _spec("hsplit", lambda lib, a: lib.hsplit(a, 2), F(S34), family="shape"),
    _spec("vsplit", lambda lib, a: a.vsplit([1]), F(S34), family="shape"),
    _spec("dsplit", lambda lib, a: lib.dsplit(a, 2), F(S234), family="shape"),
    _spec("split_with_sizes", lambda lib, a: a.split_with_sizes([1, 3], dim=-1), F(S234),
          family="shape"),
    _spec("unfold", lambda lib, a: a.unfold(1, 2, 1), F(S34), family="shape",
          notes="overlapping windows: an element's gradient sums over its windows"),
    _spec("unfold_step", lambda lib, a: a.unfold(-1, 2, 3), F((2, 3, 7)), family="shape"),
    _spec("take", lambda lib, a, i: lib.take(a, i), F(S34), I((2, 3), 12, low=-12),
          family="shape"),
    _spec("take_along_dim", lambda lib, a, i: lib.take_along_dim(a, i, dim=1), F(S34),
          I((3, 5), 4), family="shape"),
    _spec("take_along_dim_flat", lambda lib, a, i: a.take_along_dim(i), F(S34), I((6,), 12),
          family="shape"),
    _spec("diff", lambda lib, a: lib.diff(a), F(S234), family="shape"),
    _spec("diff_n2_prepend", lambda lib, a, p: a.diff(n=2, dim=0, prepend=p), F(S34), F((2, 4)),
          family="shape"),
    _spec("view_as", lambda lib, a, b: a.view_as(b) * b, F(S34), F((2, 6)), family="shape"),
    _spec("reshape_as", lambda lib, a, b: a.t().reshape_as(b), F(S34), F((2, 6)), family="shape"),
    _spec("ravel", lambda lib, a: lib.ravel(a), F(S234), family="shape"),
    _spec("moveaxis", lambda lib, a: lib.moveaxis(a, [0, 1], [2, 0]), F(S234), family="shape"),
    _spec("narrow_copy", lambda lib, a: a.narrow_copy(1, 1, 2), F(S234), family="shape"),
    _spec("squeeze_tuple", lambda lib, a: a.squeeze((0, 2)), F((1, 3, 1, 4)), family="shape"),
    _spec("unflatten", lambda lib, a: a.unflatten(-1, (2, -1)), F(S234), family="shape"),
    _spec("adjoint", lambda lib, a: a.adjoint(), F(S234), family="shape"),
    _spec("mH", lambda lib, a: a.mH, F(S234), family="shape"),
    _spec("as_strided_windows", lambda lib, a: lib.as_strided(a.contiguous(), (3, 4), (2, 1), 1),
          F(S34), family="shape", notes="overlapping windows: gradients add up; contiguous "
          "input (PyTorch reads a non-contiguous tensor's storage, minitorch its elements)"),
    _spec("slice_copy", lambda lib, a: lib.slice_copy(a, 2, 1, None, 2), F(S234), family="shape"),
    _spec("permute_copy", lambda lib, a: lib.permute_copy(a, (1, 2, 0)), F(S234), family="shape"),
    _spec("unbind_copy", lambda lib, a: lib.unbind_copy(a, 1), F(S34), family="shape"),
    _spec("fliplr", lambda lib, a: lib.fliplr(a), F(S34), family="shape"),
)


# ---------------------------------------------------------------- indexing (H3: issue 12)
def _inplace(method):
    """y = a * 1, then an in-place method on y (recorded in the graph)."""
    def fn(lib, a, *args):
        y = a * 1.0
        method(lib, y, *args)
        return y
    return fn


def _view_write(lib, a):
    """y = a * 1; z = y.view(-1); z[z > 0] = 0: a masked write into a view of a non-leaf."""
    y = a * 1.0
    z = y.view(-1)
    z[z > 0] = 0
    return y


def _view_column(lib, a, v):
    """out = h.view(B, -1); out[:, 0] = v: a write into a view, with a value that has a
    gradient."""
    h = a * 2.0
    out = h.view(3, -1)
    out[:, 0] = v * v
    return h


def _transposed_view(lib, a, v):
    y = a + 0.5
    y.t()[1:3] = v
    return y * y


_PERM = [2, 0, 1]
_SR_INDEX = [[0, 1, 0, 2], [1, 1, 0, 0], [2, 2, 2, 1], [0, 0, 0, 0], [2, 1, 0, 2]]

add(
    _spec("getitem_range", lambda lib, a: a[range(1, 3)], F(S34), family="indexing"),
    _spec("getitem_list", lambda lib, a: a[[0, 2, 0]], F(S34), family="indexing"),
    _spec("getitem_nested_list", lambda lib, a: a[[[0, 1, 2], [1, 2, 3]]], F(S34),
          family="indexing", notes="a list of lists is a tuple of index lists, as in PyTorch"),
    _spec("getitem_int_then_array", lambda lib, a, i: a[0, :, i], F(S234), I((2, 2), 4),
          family="indexing", notes="PyTorch's layout: the int selects before the array"),
    _spec("getitem_0d_tensor", lambda lib, a: a[lib.tensor(1)], F(S34), family="indexing"),
    _spec("getitem_bool_list", lambda lib, a: a[:, [True, False, True, True]], F(S34),
          family="indexing"),
    _spec("getitem_negative_tensor", lambda lib, a, i: a[i], F(S34), I((4,), 0, low=-3),
          family="indexing"),
    _spec("setitem_view_mask", _view_write, F(S34, away_from(0.0)), family="indexing"),
    _spec("setitem_view_column", _view_column, F(S34), F((3,)), family="indexing"),
    _spec("setitem_transposed_view", _transposed_view, F(S34), F((2, 3)), family="indexing"),
    _spec("masked_select", lambda lib, a, m: lib.masked_select(a, m), F(S234), B((3, 4)),
          family="indexing"),
    _spec("masked_scatter", lambda lib, a, m, s: a.masked_scatter(m, s), F(S34), B(S34), F((13,)),
          family="indexing"),
    _spec("index_add", lambda lib, a, i, s: lib.index_add(a, 1, i, s, alpha=-1.5), F(S234),
          I((5,), 3), F((2, 5, 4)), family="indexing"),
    _spec("index_copy", lambda lib, a, i, s: a.index_copy(0, i, s), F(S34), I((3,), 3), F(S34),
          family="indexing", fixed=_fixed(S34, _PERM, S34)),
    _spec("index_fill_tensor", lambda lib, a, i, v: a.index_fill(1, i, v), F(S34), I((2,), 4),
          F(()), family="indexing"),
    _spec("index_put", lambda lib, a, i, j, v: lib.index_put(a, (i, j), v), F(S34), I((3,), 3),
          I((3,), 4), F((3,)), family="indexing",
          fixed=_fixed(S34, [0, 2, 1], [3, 3, 0], (3,))),
    _spec("index_put_accumulate", lambda lib, a, i, v: a.index_put((i,), v, accumulate=True),
          F(S34), I((5,), 3), F((4,)), family="indexing"),
    _spec("scatter", lambda lib, a, i, s: lib.scatter(a, 0, i, s), F(S34), I((2, 4), 3),
          F((2, 4)), family="indexing",
          fixed=_fixed(S34, [[0, 1, 2, 0], [2, 0, 1, 1]], (2, 4))),
    _spec("scatter_value", lambda lib, a, i: a.scatter(1, i, -0.5), F(S34), I((3, 2), 4),
          family="indexing"),
    _spec("put_accumulate", lambda lib, a, i, s: a.put(i, s, accumulate=True), F(S34),
          I((2, 3), 12, low=-12), F((6,)), family="indexing"),
    _spec("put", lambda lib, a, i, s: lib.put(a, i, s), F(S34), I((3,), 12), F((3,)),
          family="indexing", fixed=_fixed(S34, [5, -1, 0], (3,))),
    _spec("select_scatter", lambda lib, a, s: lib.select_scatter(a, s, 1, -1), F(S234), F((2, 4)),
          family="indexing"),
    _spec("slice_scatter", lambda lib, a, s: a.slice_scatter(s, 2, 1, None, 2), F(S234),
          F((2, 3, 2)), family="indexing"),
    _spec("diagonal_scatter", lambda lib, a, s: lib.diagonal_scatter(a, s, -1), F(S34), F((2,)),
          family="indexing"),
    _spec("diagonal_scatter_dims", lambda lib, a, s: a.diagonal_scatter(s, 1, 0, 2), F(S234),
          F((3, 2)), family="indexing"),
    _spec("index_reduce_prod", lambda lib, a, i, s: a.index_reduce(0, i, s, "prod"),
          F(S34, uniform(0.5, 1.5)), I((4,), 3), F((4, 4), uniform(0.5, 1.5)), family="indexing"),
    _spec("index_reduce_mean", lambda lib, a, i, s: lib.index_reduce(a, 1, i, s, "mean",
                                                                     include_self=False),
          F(S34), I((5,), 4), F((3, 5)), family="indexing"),
    _spec("index_reduce_amax", lambda lib, a, i, s: a.index_reduce(0, i, s, "amax"),
          F(S34, distinct), I((4,), 3), F((4, 4), distinct), family="indexing"),
    _spec("masked_fill_inplace", _inplace(lambda lib, y, m: y.masked_fill_(m, 2.0)), F(S34),
          B(S34), family="indexing"),
    _spec("index_add_inplace", _inplace(lambda lib, y, i, s: y.index_add_(0, i, s)), F(S34),
          I((4,), 3), F((4, 4)), family="indexing"),
    _spec("scatter_add_inplace", _inplace(lambda lib, y, i, s: y.scatter_add_(1, i, s)), F(S34),
          I((3, 6), 4), F((3, 6)), family="indexing"),
    _spec("index_put_inplace_view", _inplace(lambda lib, y, i, v: y[1:].index_put_((i,), v)),
          F(S34), I((1,), 2), F((4,)), family="indexing",
          notes="an in-place method on a view of a non-leaf: replayed on the base"),
    _spec("fill_diagonal_inplace", _inplace(lambda lib, y: y.fill_diagonal_(3.0)), F((4, 3)),
          family="indexing"),
)

for _red, _sampler in (("sum", normal), ("prod", uniform(0.5, 1.5)), ("mean", normal),
                       ("amax", distinct), ("amin", distinct)):
    for _inc in (True, False):
        add(_spec(f"scatter_reduce_{_red}{'' if _inc else '_exclude_self'}",
                  (lambda r, inc: lambda lib, a, i, s: a.scatter_reduce(
                      0, i, s, r, include_self=inc))(_red, _inc),
                  F(S34, _sampler), I((5, 4), 3), F((5, 4), _sampler), family="indexing",
                  fixed=(lambda smp: lambda rng: [smp(rng, S34), np.array(_SR_INDEX),
                                                  smp(rng, (5, 4))])(_sampler)))
