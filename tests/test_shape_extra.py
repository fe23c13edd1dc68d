"""Shape functions beyond the op table (minitorch/functional/shape.py), against PyTorch:
values, shapes, dtypes and result types of every form (varargs or lists, ints or tuples,
tensors as sizes), the views they return, warnings, and the errors with their types.

Each case is `fn(lib)` written once and run with lib = minitorch and lib = torch.
Gradients of the differentiable ones are checked by the op table (op_table_shape.py).
"""
import warnings

import numpy as np
import pytest
import torch

import minitorch

_rng = np.random.default_rng(0)
_A = _rng.standard_normal((2, 3, 4))
_M = _rng.standard_normal((3, 4))
_V = np.arange(4.0)


def A(lib):
    return lib.tensor(_A)


def M(lib):
    return lib.tensor(_M, dtype=lib.float32)


def V(lib):
    return lib.tensor(_V)


def I(lib, *vals):  # noqa: E743
    return lib.tensor(list(vals), dtype=lib.int64)


def _flat(r):
    if isinstance(r, (tuple, list)):
        out = []
        for x in r:
            out.extend(_flat(x))
        return out
    return [r]


def _same(a, b):
    """minitorch result `a` equals torch result `b`: structure, shapes, dtypes, values."""
    assert type(a) is not list or type(b) is list
    if isinstance(b, tuple):
        assert isinstance(a, tuple), f"expected a tuple, got {type(a).__name__}"
    fa, fb = _flat(a), _flat(b)
    assert len(fa) == len(fb)
    for x, y in zip(fa, fb):
        if isinstance(y, torch.Tensor):
            assert isinstance(x, minitorch.Tensor), type(x)
            assert tuple(x.shape) == tuple(y.shape), (tuple(x.shape), tuple(y.shape))
            assert str(x.dtype).split(".")[-1] == str(y.dtype).split(".")[-1], (x.dtype, y.dtype)
            np.testing.assert_allclose(x.numpy(force=True) if hasattr(x, "numpy") else x,
                                       y.detach().numpy(), rtol=1e-6, atol=1e-7)
        else:
            assert x == y, (x, y)


CASES = {
    # meshgrid, cartesian_prod, combinations
    "meshgrid_ij": lambda lib: lib.meshgrid(V(lib), V(lib)[:3], indexing="ij"),
    "meshgrid_xy": lambda lib: lib.meshgrid(V(lib), V(lib)[:3], V(lib)[:2], indexing="xy"),
    "meshgrid_list": lambda lib: lib.meshgrid([V(lib), V(lib)[:2]], indexing="xy"),
    "meshgrid_0d": lambda lib: lib.meshgrid(lib.tensor(2.0, dtype=lib.float64), V(lib), indexing="ij"),
    "meshgrid_one_xy": lambda lib: lib.meshgrid(V(lib), indexing="xy"),
    "meshgrid_int": lambda lib: lib.meshgrid(I(lib, 1, 2), I(lib, 3, 4, 5), indexing="ij"),
    "cartesian_prod": lambda lib: lib.cartesian_prod(V(lib), V(lib)[:2], V(lib)[1:]),
    "cartesian_prod_one": lambda lib: lib.cartesian_prod(V(lib)),
    "cartesian_prod_int": lambda lib: lib.cartesian_prod(I(lib, 1, 2), I(lib, 3, 4, 5)),
    "combinations": lambda lib: lib.combinations(V(lib)),
    "combinations_r3": lambda lib: lib.combinations(V(lib), 3),
    "combinations_repl": lambda lib: lib.combinations(V(lib), r=3, with_replacement=True),
    "combinations_r0": lambda lib: lib.combinations(V(lib), 0),
    "combinations_too_many": lambda lib: lib.combinations(V(lib), 5),
    # roll, repeat_interleave, tile, rot90
    "roll_flat": lambda lib: lib.roll(A(lib), 5),
    "roll_dim": lambda lib: A(lib).roll(-1, 1),
    "roll_dims": lambda lib: lib.roll(A(lib), (1, -2), (0, 2)),
    "roll_list": lambda lib: lib.roll(A(lib), shifts=[7], dims=[-1]),
    "roll_0d": lambda lib: lib.roll(lib.tensor(3.0), 1),
    "roll_same_dim_twice": lambda lib: lib.roll(A(lib), (1, 2), (2, 2)),
    "repeat_interleave_int": lambda lib: lib.repeat_interleave(M(lib), 2),
    "repeat_interleave_dim": lambda lib: M(lib).repeat_interleave(2, dim=-1),
    "repeat_interleave_tensor": lambda lib: lib.repeat_interleave(M(lib), I(lib, 1, 0, 3), dim=0),
    "repeat_interleave_tensor0d": lambda lib: lib.repeat_interleave(M(lib), lib.tensor(2), dim=1),
    "repeat_interleave_tensor1": lambda lib: lib.repeat_interleave(M(lib), I(lib, 2), dim=1),
    "repeat_interleave_output_size": lambda lib: M(lib).repeat_interleave(I(lib, 1, 2, 1), dim=0,
                                                                          output_size=4),
    "repeat_interleave_counts": lambda lib: lib.repeat_interleave(I(lib, 2, 0, 3)),
    "repeat_interleave_0d": lambda lib: lib.repeat_interleave(lib.tensor(3.0), 2),
    "repeat_interleave_intinput": lambda lib: I(lib, 4, 5).repeat_interleave(2),
    "tile_short": lambda lib: lib.tile(M(lib), (2,)),
    "tile_long": lambda lib: M(lib).tile(2, 1, 2),
    "tile_empty": lambda lib: M(lib).tile(()),
    "rot90": lambda lib: lib.rot90(A(lib)),
    "rot90_k2": lambda lib: lib.rot90(A(lib), 2, [1, 2]),
    "rot90_k3_rev": lambda lib: A(lib).rot90(3, [2, 0]),
    "rot90_kneg": lambda lib: lib.rot90(M(lib), -1),
    "rot90_k4": lambda lib: lib.rot90(M(lib), 4),
    # diagonals
    "diag_vec": lambda lib: lib.diag(V(lib)),
    "diag_vec_offset": lambda lib: lib.diag(V(lib), 2),
    "diag_vec_neg": lambda lib: V(lib).diag(-1),
    "diag_mat": lambda lib: lib.diag(M(lib)),
    "diag_mat_offset": lambda lib: lib.diag(M(lib), 1),
    "diag_mat_neg": lambda lib: lib.diag(M(lib), diagonal=-2),
    "diag_mat_far": lambda lib: lib.diag(M(lib), 9),
    "diag_int": lambda lib: lib.diag(I(lib, 1, 2)),
    "diagonal": lambda lib: lib.diagonal(A(lib)),
    "diagonal_dims": lambda lib: lib.diagonal(A(lib), 1, 2, 0),
    "diagonal_neg": lambda lib: A(lib).diagonal(offset=-1, dim1=-1, dim2=-2),
    "diagonal_far": lambda lib: A(lib).diagonal(10),
    "diag_embed": lambda lib: lib.diag_embed(M(lib)),
    "diag_embed_dims": lambda lib: lib.diag_embed(M(lib), 1, 0, 2),
    "diag_embed_neg": lambda lib: M(lib).diag_embed(-2, dim1=-1, dim2=0),
    "diagflat": lambda lib: lib.diagflat(M(lib)),
    "diagflat_offset": lambda lib: M(lib).diagflat(-1),
    "diagflat_0d": lambda lib: lib.diagflat(lib.tensor(2.0)),
    "trace": lambda lib: lib.trace(M(lib)),
    "trace_int": lambda lib: lib.tensor([[1, 2], [3, 4]], dtype=lib.int32).trace(),
    # atleast, stacks, block_diag
    "atleast_1d": lambda lib: lib.atleast_1d(lib.tensor(1.0)),
    "atleast_1d_many": lambda lib: lib.atleast_1d(lib.tensor(1.0), V(lib)),
    "atleast_2d": lambda lib: lib.atleast_2d(V(lib)),
    "atleast_2d_list": lambda lib: lib.atleast_2d([lib.tensor(1.0), V(lib), M(lib)]),
    "atleast_3d": lambda lib: lib.atleast_3d(lib.tensor(1.0), V(lib), M(lib), A(lib)),
    "atleast_3d_tuple1": lambda lib: lib.atleast_3d((V(lib),)),
    "atleast_3d_4d": lambda lib: lib.atleast_3d(A(lib)[None]),
    "column_stack": lambda lib: lib.column_stack([V(lib), lib.ones(4, 2, dtype=lib.float64), V(lib)]),
    "column_stack_0d": lambda lib: lib.column_stack((lib.tensor(1.0), lib.tensor(2.0))),
    "row_stack": lambda lib: lib.row_stack([V(lib), V(lib)]),
    "vstack_0d": lambda lib: lib.vstack([lib.tensor(1.0), lib.tensor(2.0)]),
    "hstack_0d": lambda lib: lib.hstack([lib.tensor(1.0), lib.tensor(2.0)]),
    "hstack_mixed_dtype": lambda lib: lib.hstack([I(lib, 1), V(lib)]),
    "dstack_1d": lambda lib: lib.dstack([V(lib), V(lib)]),
    "dstack_2d": lambda lib: lib.dstack((M(lib), M(lib))),
    "dstack_3d": lambda lib: lib.dstack([A(lib), A(lib)[:, :, :1]]),
    "block_diag": lambda lib: lib.block_diag(lib.tensor(1.0), V(lib), M(lib).double(),
                                             lib.ones(2, 2, dtype=lib.int64)),
    "block_diag_int": lambda lib: lib.block_diag(I(lib, 1, 2), lib.tensor([[3], [4]])),
    "block_diag_one": lambda lib: lib.block_diag(M(lib)),
    "block_diag_empty": lambda lib: lib.block_diag(),
    "block_diag_empty_block": lambda lib: lib.block_diag(M(lib), lib.zeros(0, 2), M(lib)),
    # splits
    "tensor_split_sections": lambda lib: lib.tensor_split(V(lib), 3),
    "tensor_split_more_sections": lambda lib: lib.tensor_split(M(lib), 5, dim=1),
    "tensor_split_indices": lambda lib: lib.tensor_split(A(lib), [1, 5], dim=2),
    "tensor_split_unsorted": lambda lib: A(lib).tensor_split([3, 1], dim=-1),
    "tensor_split_negative": lambda lib: lib.tensor_split(A(lib), [-1], 2),
    "tensor_split_empty": lambda lib: lib.tensor_split(A(lib), (), dim=2),
    "tensor_split_tensor1d": lambda lib: lib.tensor_split(A(lib), I(lib, 1, 2), dim=1),
    "tensor_split_tensor0d": lambda lib: lib.tensor_split(A(lib), lib.tensor(2), dim=1),
    "tensor_split_kw_sections": lambda lib: lib.tensor_split(A(lib), sections=2, dim=2),
    "tensor_split_kw_indices": lambda lib: lib.tensor_split(A(lib), indices=[1], dim=2),
    "hsplit": lambda lib: lib.hsplit(A(lib), 3),
    "hsplit_list": lambda lib: A(lib).hsplit([1, 2]),
    "hsplit_1d": lambda lib: lib.hsplit(V(lib), 2),
    "vsplit": lambda lib: lib.vsplit(A(lib), 2),
    "vsplit_list": lambda lib: M(lib).vsplit([2]),
    "dsplit": lambda lib: lib.dsplit(A(lib), [1, 3]),
    "dsplit_int": lambda lib: A(lib).dsplit(2),
    "split_with_sizes": lambda lib: lib.split_with_sizes(A(lib), [1, 3], dim=2),
    "split_with_sizes_method": lambda lib: A(lib).split_with_sizes([2, 1], 1),
    "split_sizes_keyword": lambda lib: lib.split(A(lib), split_size_or_sections=[2, 2], dim=-1),
    "split_method_keyword": lambda lib: A(lib).split(split_size=2, dim=-1),
    "chunk_uneven": lambda lib: lib.chunk(lib.arange(5), 3),
    "chunk_more_than_size": lambda lib: lib.chunk(lib.arange(3), 5),
    # unfold, take, take_along_dim
    "unfold": lambda lib: A(lib).unfold(2, 2, 1),
    "unfold_step": lambda lib: A(lib).unfold(-1, 3, 2),
    "unfold_dim0": lambda lib: A(lib).unfold(0, 1, 1),
    "unfold_size0": lambda lib: A(lib).unfold(2, 0, 1),
    "unfold_0d": lambda lib: lib.tensor(1.5).unfold(0, 1, 1),
    "unfold_int": lambda lib: lib.arange(7).unfold(0, 3, 3),
    "take": lambda lib: lib.take(A(lib), I(lib, 0, 23, -1, 5)),
    "take_2d_index": lambda lib: A(lib).take(lib.tensor([[0, -24], [3, 3]])),
    "take_0d_index": lambda lib: lib.take(M(lib), lib.tensor(5)),
    "take_along_dim_flat": lambda lib: lib.take_along_dim(A(lib), lib.tensor([[0, 5]])),
    "take_along_dim": lambda lib: lib.take_along_dim(
        A(lib), lib.tensor(_rng_int((2, 1, 4), 3)), dim=1),
    "take_along_dim_broadcast": lambda lib: A(lib).take_along_dim(
        lib.tensor(_rng_int((1, 2, 1), 3)), dim=1),
    "take_along_dim_negative": lambda lib: lib.take_along_dim(
        A(lib), lib.tensor(-_rng_int((2, 3, 2), 4) - 1), dim=-1),
    "take_along_dim_argsort": lambda lib: lib.take_along_dim(M(lib), M(lib).argmax(1, keepdim=True), 1),
    # diff
    "diff": lambda lib: lib.diff(A(lib)),
    "diff_n2_dim": lambda lib: A(lib).diff(n=2, dim=1),
    "diff_prepend_append": lambda lib: lib.diff(A(lib), 1, 1, prepend=A(lib)[:, :1], append=lib.zeros(2, 2, 4, dtype=lib.float64)),
    "diff_bool": lambda lib: lib.diff(lib.tensor([True, False, False, True])),
    "diff_int": lambda lib: lib.diff(lib.tensor([1, 4, 9, 16])),
    "diff_n0": lambda lib: lib.diff(V(lib), n=0),
    "diff_n_large": lambda lib: lib.diff(V(lib), n=10),
    "diff_append_other_len": lambda lib: lib.diff(V(lib), append=lib.tensor([1.0, 2.0], dtype=lib.float64)),
    # small forms
    "view_as": lambda lib: A(lib).view_as(lib.zeros(6, 4)),
    "reshape_as": lambda lib: A(lib).transpose(0, 2).reshape_as(lib.zeros(4, 6)),
    "ravel": lambda lib: lib.ravel(A(lib).transpose(0, 1)),
    "ravel_method": lambda lib: A(lib).ravel(),
    "moveaxis": lambda lib: lib.moveaxis(A(lib), [0, 1], [2, 0]),
    "moveaxis_method": lambda lib: A(lib).moveaxis(-1, 0),
    "movedim_same": lambda lib: A(lib).movedim(0, 0),
    "narrow_copy": lambda lib: lib.narrow_copy(A(lib), 1, 1, 2),
    "narrow_copy_method": lambda lib: A(lib).narrow_copy(-1, lib.tensor(1), 2),
    "narrow_tensor_start": lambda lib: A(lib).narrow(-1, lib.tensor(1), 2),
    "narrow_negative_start": lambda lib: lib.narrow(A(lib), 2, -3, 2),
    "squeeze_tuple": lambda lib: lib.zeros(1, 2, 1).squeeze((0, 2)),
    "squeeze_tuple_partial": lambda lib: lib.zeros(1, 2, 1).squeeze((0, 1)),
    "squeeze_list_kw": lambda lib: lib.squeeze(lib.zeros(1, 2, 1), dim=[0, 2]),
    "squeeze_0d": lambda lib: lib.tensor(1.0).squeeze(0),
    "squeeze_0d_tuple": lambda lib: lib.tensor(1.0).squeeze((0,)),
    "view_size": lambda lib: A(lib).view(lib.Size([4, -1])),
    "view_list": lambda lib: A(lib).view([-1, 12]),
    "view_minus_one": lambda lib: A(lib).view(-1),
    "view_0d": lambda lib: lib.tensor(1.0).view(1, 1),
    "view_to_0d": lambda lib: lib.tensor([1.0]).view(()),
    "reshape_empty": lambda lib: lib.zeros(0, 3).reshape(3, 0, 2),
    "transpose_0d": lambda lib: lib.tensor(1.0).transpose(0, -1),
    "transpose_1d": lambda lib: V(lib).transpose(0, -1),
    "t_1d": lambda lib: V(lib).t(),
    "t_0d": lambda lib: lib.t(lib.tensor(2.0)),
    "swapaxes": lambda lib: lib.swapaxes(A(lib), 0, 2),
    "swapdims_method": lambda lib: A(lib).swapdims(-1, 0),
    "swapaxes_method": lambda lib: A(lib).swapaxes(1, 2),
    "permute_list": lambda lib: A(lib).permute([2, 0, 1]),
    "permute_fn": lambda lib: lib.permute(A(lib), (2, 0, -2)),
    "expand_minus_one": lambda lib: A(lib)[:, :1].expand(-1, 5, -1),
    "expand_new_dims": lambda lib: V(lib).expand(2, 3, -1),
    "expand_size": lambda lib: V(lib).expand(lib.Size([3, 4])),
    "unflatten": lambda lib: A(lib).unflatten(1, (3, 1)),
    "unflatten_minus_one": lambda lib: A(lib).unflatten(-1, [-1, 2]),
    "unflatten_size": lambda lib: lib.unflatten(A(lib), -1, lib.Size([2, 2])),
    "flatten_range": lambda lib: A(lib).flatten(1, -1),
    "flatten_0d": lambda lib: lib.tensor(1.0).flatten(),
    "flatten_0d_range": lambda lib: lib.flatten(lib.tensor(1.0), 0, -1),
    "flatten_kw": lambda lib: lib.flatten(A(lib), start_dim=0, end_dim=1),
    "adjoint": lambda lib: A(lib).adjoint(),
    "adjoint_fn": lambda lib: lib.adjoint(M(lib)),
    "H": lambda lib: M(lib).H,
    "mH": lambda lib: A(lib).mH,
    "broadcast_shapes": lambda lib: tuple(lib.broadcast_shapes((2, 1, 4), (3, 1), 4)),
    "broadcast_shapes_empty": lambda lib: tuple(lib.broadcast_shapes()),
    "hstack_2d": lambda lib: lib.hstack([M(lib), M(lib)[:, :1]]),
    # keyword spellings PyTorch takes
    "reshape_kw": lambda lib: A(lib).reshape(shape=(4, 6)),
    "reshape_fn_kw": lambda lib: lib.reshape(A(lib), shape=(-1,)),
    "view_kw": lambda lib: A(lib).view(size=(6, 4)),
    "permute_kw": lambda lib: A(lib).permute(dims=(1, 2, 0)),
    "permute_fn_kw": lambda lib: lib.permute(A(lib), dims=[2, 1, 0]),
    "expand_kw": lambda lib: V(lib).expand(size=(2, 4)),
    "repeat_kw": lambda lib: M(lib).repeat(repeats=(2, 1)),
    "flip_kw": lambda lib: A(lib).flip(dims=(0, 2)),
    "flip_fn_kw": lambda lib: lib.flip(A(lib), dims=[1]),
    "tile_kw": lambda lib: lib.tile(M(lib), dims=(2,)),
    "tile_method_kw": lambda lib: M(lib).tile(dims=(2, 1)),
    "swapaxes_kw": lambda lib: lib.swapaxes(A(lib), axis0=0, axis1=2),
    "swapdims_kw": lambda lib: A(lib).swapdims(dim0=0, dim1=1),
    "view_dtype_same_size": lambda lib: lib.tensor([1.0, -2.0]).view(lib.int32),
    "view_dtype_smaller": lambda lib: lib.tensor([[1, 2], [3, 4]], dtype=lib.int64).view(lib.int32),
    "view_dtype_larger": lambda lib: lib.tensor([[1, 2, 3, 4]], dtype=lib.int32).view(lib.int64),
    "view_dtype_kw": lambda lib: lib.tensor([1.5]).view(dtype=lib.int32),
    # as_strided and the *_copy family
    "as_strided": lambda lib: lib.as_strided(M(lib), (2, 2), (1, 2), 1),
    "as_strided_windows": lambda lib: V(lib).as_strided((3, 2), (1, 1)),
    "as_strided_zero_stride": lambda lib: lib.as_strided(V(lib), (2, 3), (0, 1)),
    "as_strided_scatter": lambda lib: lib.as_strided_scatter(M(lib), lib.ones(2, 2), (2, 2), (1, 2), 1),
    "as_strided_copy": lambda lib: lib.as_strided_copy(M(lib), (3,), (5,)),
    "slice_copy": lambda lib: lib.slice_copy(A(lib), 1, 1, 3),
    "slice_copy_step": lambda lib: lib.slice_copy(A(lib), -1, step=2),
    "select_copy": lambda lib: lib.select_copy(A(lib), 2, -1),
    "diagonal_copy": lambda lib: lib.diagonal_copy(A(lib), 1, 1, 2),
    "expand_copy": lambda lib: lib.expand_copy(V(lib), (2, 4)),
    "permute_copy": lambda lib: lib.permute_copy(A(lib), (2, 0, 1)),
    "t_copy": lambda lib: lib.t_copy(M(lib)),
    "transpose_copy": lambda lib: lib.transpose_copy(A(lib), 0, 2),
    "squeeze_copy": lambda lib: lib.squeeze_copy(lib.zeros(1, 3, 1), 0),
    "unsqueeze_copy": lambda lib: lib.unsqueeze_copy(M(lib), 1),
    "view_copy": lambda lib: lib.view_copy(A(lib), (4, 6)),
    "unbind_copy": lambda lib: lib.unbind_copy(M(lib), 1),
    "split_copy": lambda lib: lib.split_copy(A(lib), 2, -1),
    "split_with_sizes_copy": lambda lib: lib.split_with_sizes_copy(A(lib), [1, 2], 1),
    "unfold_copy": lambda lib: lib.unfold_copy(A(lib), 2, 2, 2),
    "alias_copy": lambda lib: lib.alias_copy(M(lib)),
    "clone_fn": lambda lib: lib.clone(M(lib).t()),
    "unsafe_split": lambda lib: lib.unsafe_split(A(lib), 2, 2),
    "unsafe_chunk": lambda lib: lib.unsafe_chunk(A(lib), 2, 1),
    "unsafe_split_with_sizes": lambda lib: lib.unsafe_split_with_sizes(A(lib), [3, 1], -1),
    "fliplr": lambda lib: lib.fliplr(M(lib)),
    "flipud_1d": lambda lib: V(lib).flipud(),
    "vstack_1d": lambda lib: lib.vstack([V(lib), V(lib)]),
}


def _rng_int(shape, high):
    return np.random.default_rng(3).integers(0, high, shape)


@pytest.mark.parametrize("name", list(CASES))
def test_matches_torch(name):
    fn = CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = fn(torch)
    _same(fn(minitorch), expected)


ERRORS = {
    "meshgrid_empty": (lambda lib: lib.meshgrid(indexing="ij"), RuntimeError),
    "meshgrid_2d": (lambda lib: lib.meshgrid(M(lib), V(lib), indexing="ij"), RuntimeError),
    "meshgrid_dtypes": (lambda lib: lib.meshgrid(I(lib, 1), V(lib), indexing="ij"), RuntimeError),
    "meshgrid_bad_indexing": (lambda lib: lib.meshgrid(V(lib), indexing="xx"), RuntimeError),
    "cartesian_prod_2d": (lambda lib: lib.cartesian_prod(M(lib), V(lib)), RuntimeError),
    "combinations_2d": (lambda lib: lib.combinations(M(lib)), RuntimeError),
    "combinations_negative": (lambda lib: lib.combinations(V(lib), -1), RuntimeError),
    "roll_no_dims_two_shifts": (lambda lib: lib.roll(A(lib), (1, 2)), RuntimeError),
    "roll_misaligned": (lambda lib: lib.roll(A(lib), (1, 2), 0), RuntimeError),
    "roll_bad_dim": (lambda lib: lib.roll(A(lib), 1, 3), IndexError),
    "roll_no_shifts": (lambda lib: lib.roll(A(lib), [], []), RuntimeError),
    "repeat_interleave_negative": (lambda lib: lib.repeat_interleave(M(lib), -1), RuntimeError),
    "repeat_interleave_negative_tensor": (
        lambda lib: lib.repeat_interleave(M(lib), I(lib, -1, 1, 1), dim=0), RuntimeError),
    "repeat_interleave_wrong_len": (
        lambda lib: lib.repeat_interleave(M(lib), I(lib, 1, 2), dim=0), RuntimeError),
    "repeat_interleave_output_size": (
        lambda lib: lib.repeat_interleave(M(lib), I(lib, 1, 2, 1), dim=0, output_size=5),
        RuntimeError),
    "repeat_interleave_counts_2d": (lambda lib: lib.repeat_interleave(lib.tensor([[1, 2]])),
                                    RuntimeError),
    "rot90_one_dim": (lambda lib: lib.rot90(M(lib), 1, [0]), RuntimeError),
    "rot90_same_dims": (lambda lib: lib.rot90(M(lib), 1, [0, 0]), RuntimeError),
    "rot90_1d": (lambda lib: lib.rot90(V(lib)), RuntimeError),
    "rot90_bad_dim": (lambda lib: lib.rot90(M(lib), 1, [0, 2]), IndexError),
    "diag_3d": (lambda lib: lib.diag(A(lib)), RuntimeError),
    "diag_0d": (lambda lib: lib.diag(lib.tensor(1.0)), RuntimeError),
    "diagonal_same_dims": (lambda lib: lib.diagonal(A(lib), 0, 1, 1), RuntimeError),
    "diagonal_1d": (lambda lib: lib.diagonal(V(lib)), IndexError),
    "diag_embed_0d": (lambda lib: lib.diag_embed(lib.tensor(1.0)), IndexError),
    "trace_1d": (lambda lib: lib.trace(V(lib)), RuntimeError),
    "block_diag_3d": (lambda lib: lib.block_diag(A(lib)), RuntimeError),
    "tensor_split_zero": (lambda lib: lib.tensor_split(A(lib), 0), RuntimeError),
    "tensor_split_0d": (lambda lib: lib.tensor_split(lib.tensor(1.0), 2), RuntimeError),
    "hsplit_indivisible": (lambda lib: lib.hsplit(A(lib), 2), RuntimeError),
    "hsplit_0d": (lambda lib: lib.hsplit(lib.tensor(1.0), 2), RuntimeError),
    "vsplit_1d": (lambda lib: lib.vsplit(V(lib), 2), RuntimeError),
    "vsplit_zero": (lambda lib: lib.vsplit(A(lib), 0), RuntimeError),
    "dsplit_2d": (lambda lib: lib.dsplit(M(lib), 2), RuntimeError),
    "split_with_sizes_sum": (lambda lib: A(lib).split_with_sizes([1, 2], -1), RuntimeError),
    "unfold_too_big": (lambda lib: A(lib).unfold(2, 5, 1), RuntimeError),
    "unfold_step0": (lambda lib: A(lib).unfold(2, 2, 0), RuntimeError),
    "take_out_of_range": (lambda lib: lib.take(A(lib), I(lib, 24)), IndexError),
    "take_out_of_range_neg": (lambda lib: lib.take(A(lib), I(lib, -25)), IndexError),
    "take_along_dim_rank": (lambda lib: lib.take_along_dim(A(lib), I(lib, 0), dim=1), RuntimeError),
    "diff_0d": (lambda lib: lib.diff(lib.tensor(1.0)), RuntimeError),
    "diff_negative_n": (lambda lib: lib.diff(V(lib), n=-1), RuntimeError),
    "diff_prepend_rank": (lambda lib: lib.diff(V(lib), prepend=lib.tensor(1.0)), RuntimeError),
    "diff_prepend_number": (lambda lib: lib.diff(V(lib), prepend=1), TypeError),
    "movedim_repeated": (lambda lib: A(lib).movedim((0, 0), (1, 2)), RuntimeError),
    "movedim_lengths": (lambda lib: A(lib).movedim((0, 1), (1,)), RuntimeError),
    "narrow_past_end": (lambda lib: lib.zeros(4).narrow(0, 3, 2), RuntimeError),
    "narrow_start_out_of_range": (lambda lib: lib.zeros(4).narrow(0, -5, 2), IndexError),
    "squeeze_repeated": (lambda lib: lib.zeros(1, 2, 1).squeeze((0, 0)), RuntimeError),
    "transpose_0d_bad": (lambda lib: lib.tensor(1.0).transpose(0, 1), IndexError),
    "permute_repeated": (lambda lib: A(lib).permute(0, 0, 1), RuntimeError),
    "permute_count": (lambda lib: A(lib).permute(0, 1), RuntimeError),
    "expand_bad": (lambda lib: A(lib).expand(2, 5, 4), RuntimeError),
    "view_bad": (lambda lib: A(lib).view(5, -1), RuntimeError),
    "reshape_empty_ambiguous": (lambda lib: lib.zeros(0, 3).reshape(3, 0, -1), RuntimeError),
    "view_two_minus_ones": (lambda lib: A(lib).view(-1, -1), RuntimeError),
    "unflatten_bad": (lambda lib: A(lib).unflatten(-1, (3, 2)), RuntimeError),
    "adjoint_1d": (lambda lib: V(lib).adjoint(), RuntimeError),
    "H_3d": (lambda lib: A(lib).H, RuntimeError),
    "mH_1d": (lambda lib: V(lib).mH, RuntimeError),
    "broadcast_shapes_bad": (lambda lib: lib.broadcast_shapes((2, 3), (4,)), RuntimeError),
    "view_dtype_indivisible": (lambda lib: lib.tensor([1, 2, 3], dtype=lib.int32).view(lib.int64),
                               RuntimeError),
    "view_dtype_noncontiguous": (lambda lib: lib.zeros(4, 4, dtype=lib.int32).t().view(lib.int64),
                                 RuntimeError),
    "as_strided_out_of_bounds": (lambda lib: lib.as_strided(M(lib), (2, 2), (1, 20)), RuntimeError),
    "as_strided_lengths": (lambda lib: lib.as_strided(M(lib), (2, 2), (1,)), RuntimeError),
    "fliplr_1d": (lambda lib: lib.fliplr(V(lib)), RuntimeError),
    "flipud_0d": (lambda lib: lib.flipud(lib.tensor(1.0)), RuntimeError),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_torch(name):
    fn, exc = ERRORS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(exc):
            fn(torch)
        with pytest.raises(exc):
            fn(minitorch)


def test_meshgrid_warns_without_indexing():
    with pytest.warns(UserWarning, match="indexing argument"):
        out = minitorch.meshgrid(minitorch.arange(2), minitorch.arange(3))
    assert [tuple(o.shape) for o in out] == [(2, 3), (2, 3)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        minitorch.meshgrid(minitorch.arange(2), indexing="ij")


def test_meshgrid_gradient_sums_over_the_grid():
    a = minitorch.tensor([1.0, 2.0], requires_grad=True)
    b = minitorch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    ta = torch.tensor([1.0, 2.0], requires_grad=True)
    tb = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x, y = minitorch.meshgrid(a, b, indexing="xy")
    tx, ty = torch.meshgrid(ta, tb, indexing="xy")
    (x * y * y).sum().backward()
    (tx * ty * ty).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy())
    np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy())


def test_views_share_memory_like_torch():
    """diagonal, split pieces, view_as, moveaxis, ravel of a contiguous tensor are views."""
    x = minitorch.zeros(3, 3)
    with minitorch.no_grad():
        x.diagonal().fill_(1.0)
    np.testing.assert_array_equal(x.numpy(), np.eye(3))
    y = minitorch.zeros(2, 4)
    with minitorch.no_grad():
        y.tensor_split(2, dim=1)[1].fill_(5.0)
        y.ravel()[0:1].fill_(2.0)
    np.testing.assert_array_equal(y.numpy(), [[2, 0, 5, 5], [0, 0, 5, 5]])
    assert x.diagonal()._version == x._version


def test_diag_of_matrix_is_a_copy():
    x = minitorch.zeros(3, 3)
    d = minitorch.diag(x)
    with minitorch.no_grad():
        d.fill_(1.0)
    assert float(x.sum()) == 0.0


def test_trace_and_diagonal_gradients_vs_torch():
    m = minitorch.tensor(_A, requires_grad=True)
    t = torch.tensor(_A, requires_grad=True)
    (minitorch.trace(m[0]) * 2 + m.diagonal(1, 1, 2).sum()).backward()
    (torch.trace(t[0]) * 2 + t.diagonal(1, 1, 2).sum()).backward()
    np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy())


def test_float32_kept():
    x = minitorch.ones(3, 4)
    for out in (minitorch.roll(x, 1), minitorch.diag(x), minitorch.diag_embed(x),
                x.unfold(1, 2, 1), minitorch.take(x, minitorch.tensor([1])),
                minitorch.block_diag(x, x), minitorch.diff(x), x.repeat_interleave(2),
                minitorch.cartesian_prod(x[0], x[1])):
        assert out.dtype == minitorch.float32


def test_copy_variants_do_not_share_memory():
    x = minitorch.zeros(2, 3)
    for out in (minitorch.select_copy(x, 0, 0), minitorch.t_copy(x), minitorch.view_copy(x, -1),
                minitorch.slice_copy(x, 1, 0, 2), minitorch.split_copy(x, 1)[0]):
        with minitorch.no_grad():
            out.fill_(1.0)
    assert float(x.sum()) == 0.0


def test_as_strided_scatter_gradients_by_finite_differences():
    """PyTorch 2.13 returns the gradient of the *written* positions for `input` (the
    complement of the right one), so this one is checked by finite differences only."""
    from minitorch.autograd import gradcheck, gradgradcheck
    rng = np.random.default_rng(0)
    a = minitorch.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    s = minitorch.tensor(rng.standard_normal((2, 2)), requires_grad=True)
    fn = lambda a, s: minitorch.as_strided_scatter(a, s, (2, 2), (1, 4), 1)  # noqa: E731
    assert gradcheck(fn, (a, s))
    assert gradgradcheck(fn, (a, s))
    (g,) = minitorch.autograd.grad(fn(a, s).sum(), [a])
    assert g.tolist() == [[1, 0, 0, 1], [1, 0, 0, 1], [1, 1, 1, 1]]


def test_view_dtype_shares_memory():
    x = minitorch.zeros(2, dtype=minitorch.int32)
    y = x.view(minitorch.float32)
    with minitorch.no_grad():
        y.fill_(1.0)
    assert x.tolist() == [1065353216, 1065353216]
