"""Indexing beyond the op table (minitorch/functional/indexing.py), against PyTorch:

- x[index] and x[index] = v for every kind of index PyTorch takes (ranges, lists, nested
  lists, bool lists, lists mixing ints and tensors, 0-d integer tensors, negative indices,
  ints mixed with index tensors), values and gradients, and the IndexErrors;
- in-place writes into views inside autograd (`z = y.view(-1); z[z > 0] = 0`), values and
  gradients of the base's inputs;
- nonzero/argwhere, masked_select/scatter, index_add/copy/fill/put/reduce, scatter,
  scatter_reduce, put, the *_scatter functions, unravel_index and every in-place form,
  with their errors.

Gradients of the differentiable functions are also checked by the op table
(minitorch/testing/op_table_shape.py); here they are compared with torch on fixed inputs.
"""
import warnings

import numpy as np
import pytest
import torch

import minitorch

_rng = np.random.default_rng(0)
_A = _rng.standard_normal((3, 4, 5))
_M = _rng.standard_normal((3, 4))


def _np(t):
    return t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else t.detach().numpy()


def _same(a, b, tol=1e-12):
    if isinstance(b, (tuple, list)):
        assert isinstance(a, (tuple, list)) and len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y, tol)
        return
    assert isinstance(a, minitorch.Tensor), type(a)
    assert tuple(a.shape) == tuple(b.shape), (tuple(a.shape), tuple(b.shape))
    assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1], (a.dtype, b.dtype)
    np.testing.assert_allclose(_np(a), _np(b), rtol=tol, atol=tol)


def _conv(lib, key):
    """A key written with markers, converted for one library: ('T', data) is a tensor."""
    if isinstance(key, tuple) and len(key) == 2 and key[0] == "T":
        return lib.tensor(key[1])
    if isinstance(key, tuple):
        return tuple(_conv(lib, k) for k in key)
    if isinstance(key, list):
        return [_conv(lib, k) for k in key]
    return key


# ---------------------------------------------------------------------------- getitem
GETITEM = {
    "list": [0, 2],
    "list_negative": [-1, 0, -3],
    "list_repeat": [1, 1, 2],
    "nested_list_as_tuple": [[0, 1], [1, 2]],
    "nested_list_three": [[0, 2], [1, 3], [4, 0]],
    "range": range(3),
    "range_step": range(0, 3, 2),
    "bool_list": [True, False, True],
    "list_int_tensor": [0, ("T", 1)],
    "list_tensor_tensor": [("T", [0, 2]), ("T", [1, 3])],
    "list_with_slice": [slice(None), [0, 2]],
    "list_with_none": [None, 1],
    "tensor_0d": ("T", 1),
    "tensor_0d_negative": ("T", -1),
    "tensor_0d_and_array": (("T", 2), ("T", [0, 3])),
    "tensor_negative": ("T", [-1, -2]),
    "tensor_2d": ("T", [[0, 1], [2, 0]]),
    "int_slice_array": (0, slice(None), ("T", [1, 2])),
    "array_int_array": (("T", [0, 1]), 2, ("T", [1, 2])),
    "slice_int_array": (slice(None), 0, ("T", [1, 2])),
    "array_slice_int": (("T", [0, 2]), slice(1, 3), -1),
    "ellipsis_int_array": (Ellipsis, 1, ("T", [0, 2])),
    "none_array_int": (None, ("T", [0, 1]), 1),
    "array_none_array": (("T", [0, 1]), None, ("T", [1, 2])),
    "arrays_apart": (("T", [0, 1]), slice(None), ("T", [1, 2])),
    "mask_middle": (slice(None), ("T", [True, False, True, True])),
    "mask_2d_then_slice": (("T", [[True, False, True, False], [False] * 4, [True] * 4]),
                           slice(1, 4)),
    "int_and_mask": (1, ("T", [True, False, True, True])),
    "bool_scalar": True,
    "bool_tensor_0d": ("T", True),
    "empty_list": [],
    "tuple_of_lists": ([0, 1], [2, 3]),
    "tensor_int32": ("T32", None),
    "slice_tensor_bounds": slice(("T", 1), ("T", 3)),
}


def _key(lib, name):
    k = GETITEM[name]
    if k == ("T32", None):
        return lib.tensor([2, 0], dtype=lib.int32)
    if name == "slice_tensor_bounds":
        return slice(lib.tensor(1), lib.tensor(3))
    return _conv(lib, k)


@pytest.mark.parametrize("name", list(GETITEM))
def test_getitem_value_and_grad_vs_torch(name):
    m = minitorch.tensor(_A, requires_grad=True)
    t = torch.tensor(_A, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        to_ = t[_key(torch, name)]
    mo = m[_key(minitorch, name)]
    _same(mo, to_)
    g = np.random.default_rng(1).standard_normal(tuple(to_.shape))
    mo.backward(minitorch.tensor(g))
    to_.backward(torch.tensor(g))
    _same(m.grad, t.grad)


def test_int_select_of_1d_is_a_view():
    x = minitorch.zeros(3)
    with minitorch.no_grad():
        x[1].fill_(2.0)
        x[minitorch.tensor(2)].add_(1.0)
    assert x.tolist() == [0.0, 2.0, 1.0]


GETITEM_ERRORS = {
    "int_out_of_range": (lambda lib, x: x[3], IndexError),
    "int_negative_out_of_range": (lambda lib, x: x[-4], IndexError),
    "int_out_of_range_dim1": (lambda lib, x: x[:, 4], IndexError),
    "tensor_out_of_range": (lambda lib, x: x[lib.tensor([0, 3])], IndexError),
    "tensor_out_of_range_dim2": (lambda lib, x: x[:, :, lib.tensor([5])], IndexError),
    "tensor_negative_out_of_range": (lambda lib, x: x[:, lib.tensor([-5])], IndexError),
    "list_out_of_range": (lambda lib, x: x[[0, 7]], IndexError),
    "range_out_of_range": (lambda lib, x: x[range(5)], IndexError),
    "too_many": (lambda lib, x: x[0, 0, 0, 0], IndexError),
    "mask_shape": (lambda lib, x: x[lib.tensor([True, False])], IndexError),
    "float_tensor": (lambda lib, x: x[lib.tensor([1.0])], IndexError),
    "float": (lambda lib, x: x[1.5], IndexError),
    "mixed_list_too_many": (lambda lib, x: x[[0, lib.tensor(1), 1, 1]], IndexError),
}


@pytest.mark.parametrize("name", list(GETITEM_ERRORS))
def test_getitem_errors_vs_torch(name):
    fn, exc = GETITEM_ERRORS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(exc):
            fn(torch, torch.tensor(_A))
    with pytest.raises(exc):
        fn(minitorch, minitorch.tensor(_A))


def test_out_of_range_message_names_dim_and_size():
    x = minitorch.zeros(2, 3)
    with pytest.raises(IndexError, match="out of bounds for dimension 1 with size 3"):
        x[:, 5]
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 1 with size 3"):
        x[:, minitorch.tensor([1, 5])]
    with pytest.raises(IndexError, match="index -3 is out of bounds for dimension 0 with size 2"):
        x[[-3]]


# ---------------------------------------------------------------------------- setitem
SETITEM = {
    "range": (range(2), "scalar"),
    "list": ([0, 2], "row"),
    "nested_list": ([[0, 1], [1, 2]], "scalar"),
    "bool_list": ([True, False, True], "scalar"),
    "tensor_0d": (("T", 1), "plane"),
    "tensor_negative": (("T", [-1]), "plane1"),
    "int_slice_array": ((0, slice(None), ("T", [1, 2])), "col2"),
    "mask_full": ("mask", "scalar"),
    "mask_rows": ("mask_rows", "scalar"),
    "repeated_index": (([0, 0],), "scalar"),
    "ellipsis": ((Ellipsis, 0), "scalar"),
    "value_leading_ones": ((0, 0), "lead1"),
}


def _setitem_key(lib, key, x):
    if key == "mask":
        return x > 0.3
    if key == "mask_rows":
        return lib.tensor([True, False, True])
    return _conv(lib, key)


def _setitem_value(lib, kind):
    rng = np.random.default_rng(2)
    shapes = {"row": (4, 5), "plane": (4, 5), "plane1": (1, 4, 5), "col2": (4, 2),
              "lead1": (1, 5)}
    if kind == "scalar":
        return 2.5
    return lib.tensor(rng.standard_normal(shapes[kind]))


@pytest.mark.parametrize("name", list(SETITEM))
def test_setitem_no_grad_vs_torch(name):
    key, kind = SETITEM[name]
    m, t = minitorch.tensor(_A), torch.tensor(_A)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t[_setitem_key(torch, key, t)] = _setitem_value(torch, kind)
    m[_setitem_key(minitorch, key, m)] = _setitem_value(minitorch, kind)
    _same(m, t)


@pytest.mark.parametrize("name", [n for n in SETITEM if n != "repeated_index"])
def test_setitem_recorded_vs_torch(name):
    key, kind = SETITEM[name]
    m, t = minitorch.tensor(_A, requires_grad=True), torch.tensor(_A, requires_grad=True)
    y, ty = m * 2.0, t * 2.0
    mv, tv = _setitem_value(minitorch, kind), _setitem_value(torch, kind)
    if not isinstance(mv, float):
        mv.requires_grad_()
        tv.requires_grad_()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ty[_setitem_key(torch, key, ty)] = tv * 3.0 if not isinstance(tv, float) else tv
    y[_setitem_key(minitorch, key, y)] = mv * 3.0 if not isinstance(mv, float) else mv
    _same(y, ty)
    g = np.random.default_rng(1).standard_normal(_A.shape)
    (y * minitorch.tensor(g)).sum().backward()
    (ty * torch.tensor(g)).sum().backward()
    _same(m.grad, t.grad)
    if not isinstance(mv, float):
        _same(mv.grad, tv.grad)


SETITEM_ERRORS = {
    "list_value": (lambda lib, x: x.__setitem__(0, [1.0, 2.0]), TypeError),
    "shape_mismatch": (lambda lib, x: x.__setitem__((0, 0), lib.ones(3, dtype=lib.float64)),
                       RuntimeError),
    "out_of_range": (lambda lib, x: x.__setitem__(5, 1.0), IndexError),
    "tensor_out_of_range": (lambda lib, x: x.__setitem__(lib.tensor([5]), 1.0), IndexError),
    "expanded": (lambda lib, x: x[0, 0].expand(3, 5).__setitem__((slice(None), 0), 1.0),
                 RuntimeError),
}


@pytest.mark.parametrize("name", list(SETITEM_ERRORS))
def test_setitem_errors_vs_torch(name):
    fn, exc = SETITEM_ERRORS[name]
    with pytest.raises(exc):
        fn(torch, torch.tensor(_A))
    with pytest.raises(exc):
        fn(minitorch, minitorch.tensor(_A))


# ---------------------------------------------------------------------------- writes into views
def _view_program(lib, w, kind):
    """A pattern from real programs: an in-place write into a view of a non-leaf."""
    if kind == "view_mask":                       # y = w * 1; z = y.view(-1); z[z > 0] = 0
        y = w * 1
        z = y.view(-1)
        z[z > 0] = 0
        return y.sum() + (y * y).sum()
    if kind == "reshape_mask":                    # x = a.reshape(2, 6); x[x < 0] = 0
        a = w * 2.0
        x = a.reshape(4, -1)
        x[x < 0] = 0
        return (a * a).sum()
    if kind == "view_column":                     # out = h.view(B, -1); out[:, 0] = 0
        h = w * 2.0 + 1.0
        out = h.view(3, -1)
        out[:, 0] = 0
        return (out * out).sum() + h.sum()
    if kind == "view_value_with_grad":            # z[...] = a value that has a gradient
        y = w * 3.0
        z = y.view(-1)
        z[:4] = w[0, :4] * w[1, :4]
        return (y * y).sum()
    if kind == "transpose_row":                   # a transposed view
        y = w + 1.0
        y.t()[1] = y.t()[2].detach() * 0 + 5.0
        return (y * y).sum()
    if kind == "slice_of_slice":                  # a view of a view
        y = w * 1.5
        y[1:][:, 1:3][0] = -1.0
        return (y ** 3).sum()
    if kind == "diagonal":                        # diagonal() is a view
        y = w[:, :3] * 2.0
        y.diagonal()[:] = 7.0
        return (y * y).sum()
    if kind == "index_add_on_view":               # an in-place method on a view
        y = w * 1.0
        y[1].index_add_(0, lib.tensor([0, 0, 2]), w[0, :3] * 2.0)
        return (y * y).sum()
    if kind == "masked_fill_on_view":
        y = w * 3.0
        y.view(-1).masked_fill_((w > 0).view(-1), 0.0)
        return y.sum()
    if kind == "scatter_on_view":
        y = w * 2.0
        y[:, :2].scatter_(1, lib.tensor([[1], [0], [1]]), w[:, 2:3] * 3.0)
        return (y * y).sum()
    raise KeyError(kind)


VIEW_KINDS = ["view_mask", "reshape_mask", "view_column", "view_value_with_grad",
              "transpose_row", "slice_of_slice", "diagonal", "index_add_on_view",
              "masked_fill_on_view", "scatter_on_view"]


@pytest.mark.parametrize("kind", VIEW_KINDS)
def test_write_into_view_of_nonleaf_vs_torch(kind):
    data = np.random.default_rng(5).standard_normal((3, 4))
    m = minitorch.tensor(data, requires_grad=True)
    t = torch.tensor(data, requires_grad=True)
    lm, lt = _view_program(minitorch, m, kind), _view_program(torch, t, kind)
    np.testing.assert_allclose(lm.item(), lt.item(), rtol=1e-12)
    lm.backward()
    lt.backward()
    _same(m.grad, t.grad)


def test_write_into_view_updates_base_and_view_values():
    w = minitorch.tensor(np.arange(6.0) - 2.5, requires_grad=True)
    y = w * 1
    z = y.view(2, 3)
    z[z > 0] = 0
    assert y.tolist() == [-2.5, -1.5, -0.5, 0.0, 0.0, 0.0]
    assert z.tolist() == [[-2.5, -1.5, -0.5], [0.0, 0.0, 0.0]]
    assert y.grad_fn is not None and z.grad_fn is not None
    z.sum().backward()
    assert w.grad.tolist() == [1, 1, 1, 0, 0, 0]


def test_write_into_view_of_leaf_requiring_grad_raises():
    w = minitorch.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="view of a leaf Variable"):
        w.view(-1)[0] = 0.0
    with pytest.raises(RuntimeError, match="view of a leaf Variable"):
        w[0].masked_fill_(minitorch.tensor([True, False, True]), 0.0)


def test_write_into_view_of_plain_buffer_with_grad_value():
    w = minitorch.tensor([1.0, 2.0], requires_grad=True)
    tw = torch.tensor([1.0, 2.0], requires_grad=True)
    buf, tbuf = minitorch.zeros(3, 2), torch.zeros(3, 2)
    buf.view(-1)[2:4] = w * w
    tbuf.view(-1)[2:4] = tw * tw
    _same(buf, tbuf)
    (buf * buf).sum().backward()
    (tbuf * tbuf).sum().backward()
    _same(w.grad, tw.grad)


def test_write_into_view_bumps_shared_version_and_guards_saved_values():
    w = minitorch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = w * 1
    s = y.sigmoid()   # saves its output, not y: unaffected
    p = y * y         # saves y: the write below makes its backward fail, as in PyTorch
    v = y[:2]
    before = y._version
    v[0] = 3.0
    assert y._version == before + 1 == v._version
    s.sum().backward(retain_graph=True)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        p.sum().backward()


def test_write_into_view_of_saved_output_raises_like_torch():
    """tanh saves its output: writing into a view of it breaks the backward, in both."""
    for lib in (minitorch, torch):
        w = lib.tensor(_M, requires_grad=True)
        h = w.tanh()
        h.view(-1)[0] = 0.0
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            h.sum().backward()


def test_reshape_copy_is_not_a_view():
    """reshape of a non-contiguous tensor copies (in PyTorch too): writes stay local."""
    w = minitorch.tensor(_M, requires_grad=True)
    t = torch.tensor(_M, requires_grad=True)
    a, ta = w.t() * 1.0, t.t() * 1.0
    x, tx = a.t().reshape(-1), ta.t().reshape(-1)
    x[x < 0] = 0
    tx[tx < 0] = 0
    _same(a, ta)
    (x.sum() + a.sum() * 2).backward()
    (tx.sum() + ta.sum() * 2).backward()
    _same(w.grad, t.grad)


# ---------------------------------------------------------------------------- functions
def _idx(lib, data):
    return lib.tensor(data, dtype=lib.int64)


FUNCS = {
    "nonzero": lambda lib, x: lib.nonzero(x > 0.2),
    "nonzero_tuple": lambda lib, x: lib.nonzero(x > 0.2, as_tuple=True),
    "nonzero_method_float": lambda lib, x: (x * (x > 0)).nonzero(),
    "nonzero_0d": lambda lib, x: lib.nonzero(lib.tensor(1.0)),
    "nonzero_0d_zero": lambda lib, x: lib.tensor(0.0).nonzero(),
    "nonzero_0d_tuple": lambda lib, x: lib.tensor(3).nonzero(as_tuple=True),
    "argwhere": lambda lib, x: lib.argwhere(x[0] < 0),
    "nonzero_static_pad": lambda lib, x: lib.nonzero_static(x > 0, size=40),
    "nonzero_static_cut": lambda lib, x: lib.nonzero_static(x > 0, size=3, fill_value=7),
    "unravel_index": lambda lib, x: lib.unravel_index(_idx(lib, [5, 7, 0]), (3, 4)),
    "unravel_index_2d": lambda lib, x: lib.unravel_index(_idx(lib, [[5], [59]]), (3, 4, 5)),
    "unravel_index_0d": lambda lib, x: lib.unravel_index(lib.tensor(5), (3, 4)),
    "unravel_index_wrap": lambda lib, x: lib.unravel_index(_idx(lib, [-1, 12, 13]), (3, 4)),
    "masked_select": lambda lib, x: lib.masked_select(x, x > 0),
    "masked_select_broadcast": lambda lib, x: x.masked_select(lib.tensor([True, False, True, True, False])),
    "masked_select_broadcast_input": lambda lib, x: lib.masked_select(x[0, 0], x[0] > 0),
    "masked_scatter": lambda lib, x: x.masked_scatter(x > 0, lib.arange(100.0, dtype=lib.float64)),
    "masked_scatter_broadcast": lambda lib, x: x[0, 0].masked_scatter(x[0] > 0, -x.reshape(-1)),
    "index_add": lambda lib, x: lib.index_add(x, 1, _idx(lib, [0, 2, 0]), x[:, :3] * 2),
    "index_add_alpha": lambda lib, x: x.index_add(2, _idx(lib, [4, 1]), x[..., :2], alpha=-0.5),
    "index_add_int": lambda lib, x: lib.arange(6).reshape(2, 3).index_add(0, _idx(lib, [1, 1]),
                                                                       lib.ones(2, 3, dtype=lib.int64), alpha=3),
    "index_copy": lambda lib, x: lib.index_copy(x, 0, _idx(lib, [2, 0]), x[:2] * 10),
    "index_copy_dim": lambda lib, x: x.index_copy(-1, _idx(lib, [1]), x[..., :1] - 5),
    "index_fill": lambda lib, x: lib.index_fill(x, 1, _idx(lib, [0, -1]), -2.0),
    "index_fill_tensor_value": lambda lib, x: x.index_fill(2, _idx(lib, [3]), lib.tensor(1.5, dtype=lib.float64)),
    "index_fill_0d_index": lambda lib, x: x.index_fill(0, lib.tensor(1), 9.0),
    "index_fill_int": lambda lib, x: lib.ones(2, 3, dtype=lib.int64).index_fill(1, _idx(lib, [1]), 2.7),
    "index_put": lambda lib, x: lib.index_put(x, (_idx(lib, [0, 2]), _idx(lib, [1, 1])), x[0, 0, :1] * 0 + 4.0),
    "index_put_accumulate": lambda lib, x: x.index_put((_idx(lib, [0, 0, 2]),), x[1], accumulate=True),
    "index_put_mask": lambda lib, x: x.index_put((x > 0,), lib.tensor(0.0, dtype=lib.float64)),
    "index_put_list": lambda lib, x: x.index_put([_idx(lib, [1])], lib.tensor(3.0, dtype=lib.float64)),
    "scatter": lambda lib, x: lib.scatter(x, 1, _idx(lib, [[[0, 1, 2, 3, 0]]]), x[:1, :1] * 10),
    "scatter_src_larger": lambda lib, x: lib.scatter(x.detach(), 1, _idx(lib, [[[0, 1, 2, 3, 0]]]), x.detach() * 10),
    "scatter_value": lambda lib, x: x.scatter(2, _idx(lib, [[[4], [0]]]), 1.5),
    "scatter_value_kw": lambda lib, x: lib.scatter(x, 0, _idx(lib, [[[2, 1]]]), value=-1.0),
    "scatter_reduce_add": lambda lib, x: x.scatter(0, _idx(lib, [[[0, 0, 1]], [[0, 2, 2]]]), x[:2] + 1, reduce="add"),
    "scatter_reduce_multiply": lambda lib, x: x.scatter(0, _idx(lib, [[[0, 0, 1]]]), 2.0, reduce="multiply"),
    "scatter_onehot": lambda lib, x: lib.zeros(4, 5).scatter_(1, _idx(lib, [[0], [3], [3], [1]]), 1),
    "put": lambda lib, x: lib.put(x, _idx(lib, [1, -1, 7]), x[0, 0, :3] * 3),
    "put_accumulate": lambda lib, x: x.put(_idx(lib, [[1, 1], [2, 1]]), x[0, :2, :2], accumulate=True),
    "select_scatter": lambda lib, x: lib.select_scatter(x, x[0] * 5, 0, -1),
    "select_scatter_dim": lambda lib, x: x.select_scatter(x[:, 1] + 1, 1, 2),
    "slice_scatter": lambda lib, x: lib.slice_scatter(x, x[:, :, :2] * 0, 2, 1, 4, 2),
    "slice_scatter_default": lambda lib, x: x.slice_scatter(x * 2),
    "slice_scatter_start": lambda lib, x: lib.slice_scatter(x, x[1:] * 2, start=1),
    "diagonal_scatter": lambda lib, x: lib.diagonal_scatter(x[0], x[0, 0, :4], 1),
    "diagonal_scatter_dims": lambda lib, x: x.diagonal_scatter(x.diagonal(0, 0, 2) * 0 - 1, 0, 0, 2),
    "index_reduce_prod": lambda lib, x: x.index_reduce(0, _idx(lib, [0, 0, 2, 1]), lib.cat([x, x[:1]]), "prod"),
    "index_reduce_mean": lambda lib, x: lib.index_reduce(x, 1, _idx(lib, [0, 0]), x[:, :2] * 3, "mean", include_self=False),
    "index_reduce_amax": lambda lib, x: x.index_reduce(2, _idx(lib, [1, 1, 3]), x[..., :3] * 2, "amax"),
}

SR_INDEX = [[[0, 1, 0, 2, 2]], [[1, 1, 0, 0, 2]], [[2, 2, 2, 1, 0]], [[0, 0, 0, 0, 0]]]


def _scatter_reduce_case(reduce, include_self, int_input=False):
    def fn(lib, x):
        idx = _idx(lib, SR_INDEX)            # (4, 1, 5) into dim 0 of size 3
        src = lib.cat([x, x[:1] * 2]).narrow(1, 0, 1)
        if int_input:
            return lib.scatter_reduce((x * 10).long(), 0, idx, (src * 10).long(), reduce,
                                      include_self=include_self)
        return x.scatter_reduce(0, idx, src, reduce, include_self=include_self)
    return fn


for _red in ("sum", "prod", "mean", "amax", "amin"):
    for _inc in (True, False):
        FUNCS[f"scatter_reduce_{_red}_{_inc}"] = _scatter_reduce_case(_red, _inc)
        FUNCS[f"scatter_reduce_{_red}_{_inc}_int"] = _scatter_reduce_case(_red, _inc, True)


@pytest.mark.parametrize("name", list(FUNCS))
def test_functions_vs_torch(name):
    fn = FUNCS[name]
    m, t = minitorch.tensor(_A, requires_grad=True), torch.tensor(_A, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        to_ = fn(torch, t)
    mo = fn(minitorch, m)
    _same(mo, to_)
    outs_t = [o for o in (to_ if isinstance(to_, tuple) else (to_,)) if o.requires_grad]
    if not outs_t or name.startswith("scatter_reduce_add") or name == "scatter_reduce_multiply":
        return   # PyTorch has no derivative for scatter(..., reduce=...)
    outs_m = [o for o in (mo if isinstance(mo, tuple) else (mo,)) if o.requires_grad]
    rng = np.random.default_rng(3)
    gs = [rng.standard_normal(tuple(o.shape)) for o in outs_t]
    for o, g in zip(outs_m, gs):
        (o * minitorch.tensor(g)).sum().backward(retain_graph=True)
    torch.autograd.backward([(o * torch.tensor(g)).sum() for o, g in zip(outs_t, gs)])
    _same(m.grad, t.grad, tol=1e-10)


def test_scatter_reduce_prod_with_zeros_gradient_vs_torch():
    x = np.array([[0.0, 2.0, 3.0], [1.0, 0.0, 4.0]])
    s = np.array([[0.0, 5.0, 0.0], [2.0, 0.0, 0.0], [3.0, 1.0, 2.0]])
    idx = [[0, 1, 1], [0, 1, 0], [1, 0, 1]]
    for inc in (True, False):
        mx, ms = (minitorch.tensor(a, requires_grad=True) for a in (x, s))
        tx, ts = (torch.tensor(a, requires_grad=True) for a in (x, s))
        mo = mx.scatter_reduce(0, minitorch.tensor(idx), ms, "prod", include_self=inc)
        to_ = tx.scatter_reduce(0, torch.tensor(idx), ts, "prod", include_self=inc)
        _same(mo, to_)
        g = np.arange(6.0).reshape(2, 3) + 1
        mo.backward(minitorch.tensor(g))
        to_.backward(torch.tensor(g))
        _same(mx.grad, tx.grad)
        _same(ms.grad, ts.grad)


def test_scatter_reduce_amax_ties_share_gradient_vs_torch():
    x = np.array([[1.0, 5.0], [2.0, 0.0]])
    s = np.array([[1.0, 5.0], [1.0, 5.0]])
    idx = [[0, 0], [0, 0]]
    mx, ms = (minitorch.tensor(a, requires_grad=True) for a in (x, s))
    tx, ts = (torch.tensor(a, requires_grad=True) for a in (x, s))
    mx.scatter_reduce(0, minitorch.tensor(idx), ms, "amax").sum().backward()
    tx.scatter_reduce(0, torch.tensor(idx), ts, "amax").sum().backward()
    _same(mx.grad, tx.grad)
    _same(ms.grad, ts.grad)


def test_scatter_with_reduce_warns_for_tensor_src():
    x = minitorch.zeros(2, 2)
    with pytest.warns(UserWarning, match="scatter_reduce"):
        x.scatter(0, minitorch.tensor([[0, 1]]), minitorch.ones(1, 2), reduce="add")


FUNC_ERRORS = {
    "unravel_float": (lambda lib, x: lib.unravel_index(lib.tensor([1.0]), (3, 4)), TypeError),
    "masked_select_int_mask": (lambda lib, x: x.masked_select((x > 0).int()), RuntimeError),
    "masked_scatter_few": (lambda lib, x: x.masked_scatter(x > -10, lib.ones(3, dtype=lib.float64)), RuntimeError),
    "masked_scatter_dtype": (lambda lib, x: x.masked_scatter(x > 0, lib.ones(60)), RuntimeError),
    "masked_fill_int_mask": (lambda lib, x: x.masked_fill((x > 0).int(), 1.0), RuntimeError),
    "masked_fill_1d_value": (lambda lib, x: x.masked_fill(x > 0, lib.ones(1, dtype=lib.float64)), RuntimeError),
    "index_add_dtype": (lambda lib, x: x.index_add(1, _idx(lib, [1]), lib.ones(3, 1, 5)), RuntimeError),
    "index_add_count": (lambda lib, x: x.index_add(1, _idx(lib, [1, 2]), x[:, :1]), RuntimeError),
    "index_add_shape": (lambda lib, x: x.index_add(1, _idx(lib, [1]), x[:2, :1]), RuntimeError),
    "index_add_out_of_range": (lambda lib, x: x.index_add(1, _idx(lib, [4]), x[:, :1]), IndexError),
    "index_add_negative": (lambda lib, x: x.index_add(1, _idx(lib, [-1]), x[:, :1]), IndexError),
    "index_copy_dtype": (lambda lib, x: x.index_copy(1, _idx(lib, [1]), lib.ones(3, 1, 5)), RuntimeError),
    "index_copy_out_of_range": (lambda lib, x: x.index_copy(1, _idx(lib, [4]), x[:, :1]), IndexError),
    "index_fill_2d_index": (lambda lib, x: x.index_fill(1, _idx(lib, [[1]]), 5.0), RuntimeError),
    "index_fill_1d_value": (lambda lib, x: x.index_fill(1, _idx(lib, [1]), lib.ones(1)), RuntimeError),
    "index_fill_out_of_range": (lambda lib, x: x.index_fill(1, _idx(lib, [4]), 5.0), IndexError),
    "index_fill_float_index": (lambda lib, x: x.index_fill(1, lib.tensor([1.0]), 5.0), IndexError),
    "index_put_dtype": (lambda lib, x: x.index_put((_idx(lib, [0]),), lib.tensor(1.0)), RuntimeError),
    "index_put_number": (lambda lib, x: x.index_put((_idx(lib, [0]),), 1.0), TypeError),
    "index_put_none": (lambda lib, x: lib.index_put(x, (None, _idx(lib, [0])), lib.tensor(1.0, dtype=lib.float64)), TypeError),
    "scatter_out_of_range": (lambda lib, x: x.scatter(0, _idx(lib, [[[5]]]), 2.0), RuntimeError),
    "scatter_negative": (lambda lib, x: x.scatter(0, _idx(lib, [[[-1]]]), 2.0), RuntimeError),
    "scatter_float_index": (lambda lib, x: x.scatter(0, lib.tensor([[[1.0]]]), 2.0), RuntimeError),
    "scatter_index_too_big": (lambda lib, x: x.scatter(0, lib.zeros(3, 5, 5, dtype=lib.int64), 2.0), RuntimeError),
    "scatter_index_bigger_than_src": (lambda lib, x: x.scatter(0, lib.zeros(3, 2, 2, dtype=lib.int64), x[:2, :2, :2]), RuntimeError),
    "scatter_rank": (lambda lib, x: x.scatter(0, lib.zeros(3, 2, dtype=lib.int64), 2.0), RuntimeError),
    "scatter_dtype": (lambda lib, x: x.scatter(0, lib.zeros(1, 1, 1, dtype=lib.int64), lib.ones(1, 1, 1)), RuntimeError),
    "scatter_bad_reduce": (lambda lib, x: x.scatter(0, lib.zeros(1, 1, 1, dtype=lib.int64), 2.0, reduce="mean"), RuntimeError),
    "scatter_reduce_bad": (lambda lib, x: x.scatter_reduce(0, lib.zeros(1, 1, 1, dtype=lib.int64), x, "foo"), RuntimeError),
    "scatter_add_dtype": (lambda lib, x: x.scatter_add(0, lib.zeros(1, 1, 1, dtype=lib.int64), lib.ones(1, 1, 1)), RuntimeError),
    "put_count": (lambda lib, x: x.put(_idx(lib, [1, 2]), x[0, 0, :3]), IndexError),
    "put_out_of_range": (lambda lib, x: x.put(_idx(lib, [60]), x[0, 0, :1]), IndexError),
    "put_dtype": (lambda lib, x: x.put(_idx(lib, [1]), lib.ones(1)), RuntimeError),
    "select_scatter_shape": (lambda lib, x: lib.select_scatter(x, x[0, 0], 0, 0), RuntimeError),
    "select_scatter_out_of_range": (lambda lib, x: lib.select_scatter(x, x[0], 0, 3), IndexError),
    "slice_scatter_shape": (lambda lib, x: lib.slice_scatter(x, x, 2, 1, 4, 2), RuntimeError),
    "diagonal_scatter_shape": (lambda lib, x: lib.diagonal_scatter(x[0], x[0, 0], 0), RuntimeError),
    "index_reduce_sum": (lambda lib, x: x.index_reduce(0, _idx(lib, [0]), x[:1], "sum"), RuntimeError),
    "fill_diagonal_1d": (lambda lib, x: lib.zeros(3).fill_diagonal_(1.0), RuntimeError),
    "fill_diagonal_unequal": (lambda lib, x: lib.zeros(3, 3, 2).fill_diagonal_(1.0), RuntimeError),
}


@pytest.mark.parametrize("name", list(FUNC_ERRORS))
def test_function_errors_vs_torch(name):
    fn, exc = FUNC_ERRORS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(exc):
            fn(torch, torch.tensor(_A))
        with pytest.raises(exc):
            fn(minitorch, minitorch.tensor(_A))


# ---------------------------------------------------------------------------- in-place forms
INPLACE = {
    "masked_fill_": lambda lib, y, w: y.masked_fill_(y > 0, 0.5),
    "masked_fill_tensor_value": lambda lib, y, w: y.masked_fill_(y < 0, w[0, 0, 0] * 2),
    "index_fill_": lambda lib, y, w: y.index_fill_(1, _idx(lib, [0, 3]), -1.0),
    "index_add_": lambda lib, y, w: y.index_add_(2, _idx(lib, [0, 0]), w[..., 1:3] * 2, alpha=2),
    "index_copy_": lambda lib, y, w: y.index_copy_(0, _idx(lib, [1]), w[2:] * w[2:]),
    "index_reduce_": lambda lib, y, w: y.index_reduce_(0, _idx(lib, [1, 1]), w[:2] + 3, "mean"),
    "scatter_": lambda lib, y, w: y.scatter_(2, _idx(lib, [[[4, 0]]]), w[:1, :1, :2] * 7),
    "scatter_value_": lambda lib, y, w: y.scatter_(2, _idx(lib, [[[4, 0]]]), 3.0),
    "scatter_add_": lambda lib, y, w: y.scatter_add_(0, _idx(lib, [[[2, 2, 0, 1, 1]]]), w[1:2, :1] ** 2),
    "scatter_reduce_": lambda lib, y, w: y.scatter_reduce_(0, _idx(lib, [[[2, 2, 0, 1, 1]]]), w[1:2, :1] * 4, "amax", include_self=False),
    "index_put_": lambda lib, y, w: y.index_put_((_idx(lib, [0, 0]), _idx(lib, [1, 2])), w[0, :2] * 5, accumulate=True),
    "index_put_fn": lambda lib, y, w: lib.index_put_(y, (_idx(lib, [2]),), w[0, 0] - 1),
    "masked_scatter_": lambda lib, y, w: y.masked_scatter_(y > 0.5, w.reshape(-1) * -1),
    "put_": lambda lib, y, w: y.put_(_idx(lib, [0, 59, 0]), w[1, 1, :3] * 2, accumulate=True),
    "fill_diagonal_": lambda lib, y, w: y[0].fill_diagonal_(4.0),
    "fill_diagonal_wrap": lambda lib, y, w: y.reshape(20, 3).fill_diagonal_(4.0, wrap=True),
    "fill_diagonal_3d": lambda lib, y, w: y[:, :3, :3].fill_diagonal_(9.0),
    "fill_diagonal_tall_nowrap": lambda lib, y, w: y.reshape(12, 5)[:, :2].fill_diagonal_(-3.0),
}


@pytest.mark.parametrize("name", list(INPLACE))
@pytest.mark.parametrize("mode", ["no_grad", "recorded"])
def test_inplace_vs_torch(name, mode):
    fn = INPLACE[name]
    m, t = minitorch.tensor(_A, requires_grad=True), torch.tensor(_A, requires_grad=True)
    if mode == "no_grad":
        ym, yt = minitorch.tensor(_A), torch.tensor(_A)
        with minitorch.no_grad(), torch.no_grad():
            v0 = ym._version
            rm = fn(minitorch, ym, m.detach())
            fn(torch, yt, t.detach())
        if not name.startswith("fill_diagonal") and name != "index_put_fn":
            assert rm is ym
        assert ym._version > v0
        _same(ym, yt)
        return
    ym, yt = m * 1.0, t * 1.0
    rm = fn(minitorch, ym, m)
    fn(torch, yt, t)
    if not name.startswith("fill_diagonal") and name != "index_put_fn":
        assert rm is ym
    _same(ym, yt)
    g = np.random.default_rng(4).standard_normal(_A.shape)
    (ym * minitorch.tensor(g)).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    _same(m.grad, t.grad)


def test_inplace_on_leaf_requiring_grad_raises():
    w = minitorch.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        w.index_fill_(0, minitorch.tensor([0]), 1.0)
    with pytest.raises(RuntimeError, match="leaf"):
        w.scatter_(0, minitorch.tensor([[0]]), 1.0)


def test_inplace_no_grad_views_see_the_write():
    x = minitorch.zeros(2, 3)
    row = x[1]
    row.index_fill_(0, minitorch.tensor([0, 2]), 1.0)
    x.view(-1).put_(minitorch.tensor([1]), minitorch.tensor([5.0]))
    assert x.tolist() == [[0.0, 5.0, 0.0], [1.0, 0.0, 1.0]]


def test_float32_kept():
    x = minitorch.ones(3, 4, requires_grad=True)
    i = minitorch.tensor([[0, 1, 2, 0]])
    outs = [x.scatter_reduce(0, i, x[:1] * 2, "prod"), x.scatter(0, i, 2.0),
            x.index_add(1, minitorch.tensor([0]), x[:, :1]), x.masked_scatter(x > 0, x * 2),
            x.put(minitorch.tensor([3]), x[0, :1]), minitorch.diagonal_scatter(x, x[0, :3])]
    for o in outs:
        assert o.dtype == minitorch.float32
        (g,) = minitorch.autograd.grad(o.sum(), [x])
        assert g.dtype == minitorch.float32


# ---------------------------------------------------------------------------- random indexes
def _random_index(rng, shape):
    """A random mix of ints, slices, None, Ellipsis, index tensors, lists, masks and 0-d
    tensors, as markers that _build turns into either library's objects."""
    parts, d, ellipsis = [], 0, False
    while d < len(shape) and rng.random() < 0.8:
        kind = rng.choice(["int", "slice", "arr", "list", "mask", "t0", "none", "ell"])
        n = shape[d]
        if kind == "none":
            parts.append(None)
            continue
        if kind == "ell":
            if not ellipsis:
                parts.append(Ellipsis)
                ellipsis = True
            continue
        if kind == "int":
            parts.append(int(rng.integers(-n, n)))
        elif kind == "slice":
            lo, hi = (int(v) if rng.random() < 0.7 else None for v in rng.integers(-n - 1, n + 2, 2))
            parts.append(slice(lo, hi, int(rng.integers(1, 3)) if rng.random() < 0.5 else None))
        elif kind == "arr":
            parts.append(("A", rng.integers(-n, n, size=tuple(rng.integers(1, 3, rng.integers(1, 3))))))
        elif kind == "list":
            parts.append(("L", [int(v) for v in rng.integers(-n, n, rng.integers(1, 4))]))
        elif kind == "mask":
            parts.append(("M", rng.random(n) < 0.5))
        else:
            parts.append(("T", int(rng.integers(-n, n))))
        d += 1
    return parts


def _build(lib, parts):
    out = []
    for p in parts:
        if isinstance(p, tuple):
            out.append(list(p[1]) if p[0] == "L" else lib.tensor(p[1]))
        else:
            out.append(p)
    return tuple(out)


@pytest.mark.parametrize("seed", range(4))
def test_random_indexes_vs_torch(seed):
    """Random PyTorch indexes: x[index] (value and gradient) and x[index] = v, as torch."""
    rng = np.random.default_rng(100 + seed)
    checked = 0
    for _ in range(150):
        shape = tuple(int(s) for s in rng.integers(1, 5, rng.integers(1, 5)))
        a = rng.standard_normal(shape)
        parts = _random_index(rng, shape)
        t = torch.tensor(a, requires_grad=True)
        m = minitorch.tensor(a, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                tr = t[_build(torch, parts)]
            except IndexError:
                with pytest.raises(IndexError):
                    m[_build(minitorch, parts)]
                continue
        mr = m[_build(minitorch, parts)]
        _same(mr, tr)
        g = rng.standard_normal(tuple(tr.shape))
        tr.backward(torch.tensor(g))
        mr.backward(minitorch.tensor(g))
        _same(m.grad, t.grad)
        positions = torch.arange(t.numel()).reshape(shape)[_build(torch, parts)]
        if positions.numel() == positions.unique().numel():   # no repeated writes
            v = rng.standard_normal(tuple(tr.shape))
            t2, m2 = torch.tensor(a), minitorch.tensor(a)
            t2[_build(torch, parts)] = torch.tensor(v)
            m2[_build(minitorch, parts)] = minitorch.tensor(v)
            _same(m2, t2)
        checked += 1
    assert checked > 100
