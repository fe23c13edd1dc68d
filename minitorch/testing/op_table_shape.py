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
)
