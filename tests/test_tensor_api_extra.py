"""The Tensor API of issue 12 against PyTorch: type strings and conversions, new_*,
device/layout flags, memory queries, __format__, __reversed__, copy/deepcopy/pickle,
apply_/map_, the Tensor(...) constructor forms, next_functions order, print options."""
from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest
import torch

import minitorch


def same_dtype(m, t) -> bool:
    return m.dtype.name == str(t.dtype).replace("torch.", "")


def pair(values, **kw):
    arr = np.array(values, dtype=np.float32)
    return minitorch.tensor(arr, **kw), torch.tensor(arr, **kw)


# ---------------------------------------------------------------------------- type()
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int32", "int16",
                                   "int8", "uint8", "bool"])
def test_type_string_matches_torch(dtype):
    m = minitorch.zeros(2, dtype=getattr(minitorch, dtype))
    t = torch.zeros(2, dtype=getattr(torch, dtype))
    assert m.type() == t.type()
    assert minitorch.typename(m) == torch.typename(t)


@pytest.mark.parametrize("target", ["torch.DoubleTensor", "minitorch.DoubleTensor",
                                    "torch.LongTensor", "torch.ByteTensor", "torch.BoolTensor",
                                    "torch.HalfTensor", "torch.IntTensor"])
def test_type_with_a_name_converts_as_torch(target):
    m, t = pair([[1.5, -2.0], [0.0, 3.7]])
    mo, to = m.type(target), t.type(target.replace("minitorch.", "torch."))
    assert same_dtype(mo, to)
    np.testing.assert_array_equal(mo.numpy().astype(np.float64), to.numpy().astype(np.float64))


def test_type_with_dtypes_and_classes():
    m, t = pair([1.5, -2.0])
    assert m.type(minitorch.int64).dtype is minitorch.int64
    assert m.type(minitorch.LongTensor).dtype is minitorch.int64
    assert same_dtype(m.type(minitorch.LongTensor), t.type(torch.LongTensor))
    assert m.type(minitorch.float32) is m
    assert m.type("torch.FloatTensor") is m
    assert m.type(dtype="torch.DoubleTensor").dtype is minitorch.float64


@pytest.mark.parametrize("bad", ["FloatTensor", "float", float, "torch.NopeTensor"])
def test_type_rejects_what_torch_rejects(bad):
    m, t = pair([1.0])
    with pytest.raises(ValueError):
        t.type(bad)
    with pytest.raises(ValueError, match="invalid type"):
        m.type(bad)


def test_type_conversion_is_differentiable():
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    y = x.type(minitorch.DoubleTensor)
    assert y.dtype is minitorch.float64 and y.requires_grad
    (y * y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])
    assert x.grad.dtype is minitorch.float32


# ---------------------------------------------------------------------------- new_*
@pytest.mark.parametrize("args", [(2, 3), ((2, 3),), ([4],), (3,)])
@pytest.mark.parametrize("fn", ["new_zeros", "new_ones", "new_empty"])
def test_new_factories_take_varargs_sizes_like_torch(fn, args):
    m, t = pair([1.0, 2.0])
    mo, to = getattr(m, fn)(*args), getattr(t, fn)(*args)
    assert tuple(mo.shape) == tuple(to.shape)
    assert same_dtype(mo, to)
    if fn != "new_empty":
        np.testing.assert_array_equal(mo.numpy(), to.numpy())


def test_new_factories_with_size_objects_and_keywords():
    m = minitorch.zeros(2, dtype=minitorch.float64)
    t = torch.zeros(2, dtype=torch.float64)
    assert m.new_zeros(minitorch.Size([2, 2])).shape == (2, 2)
    assert m.new_zeros(size=(3,)).shape == (3,)
    assert m.new_ones(2, dtype=minitorch.int64).dtype is minitorch.int64
    assert m.new_ones(2, requires_grad=True).requires_grad
    mf, tf = m.new_full((2, 2), 7), t.new_full((2, 2), 7)
    assert same_dtype(mf, tf)
    np.testing.assert_array_equal(mf.numpy(), tf.numpy())
    mt_, tt = m.new_tensor([1, 2]), t.new_tensor([1, 2])
    assert same_dtype(mt_, tt)
    np.testing.assert_array_equal(mt_.numpy(), tt.numpy())
    with pytest.raises(TypeError):
        m.new_zeros()


def test_legacy_new():
    m = minitorch.zeros(2, dtype=minitorch.int64)
    t = torch.zeros(2, dtype=torch.int64)
    assert m.new(2, 3).shape == t.new(2, 3).shape
    assert same_dtype(m.new([1, 2]), t.new([1, 2]))
    assert m.new().shape == t.new().shape


# ---------------------------------------------------------------------------- flags, memory
FLAGS = ["is_cpu", "is_cuda", "is_xpu", "is_mps", "is_meta", "is_sparse", "is_quantized",
         "is_nested", "is_mkldnn"]


@pytest.mark.parametrize("flag", FLAGS)
def test_device_and_layout_flags_match_torch(flag):
    m, t = pair([1.0, 2.0])
    assert getattr(m, flag) == getattr(t, flag)


def test_query_methods_match_torch():
    m, t = pair([1.0, 2.0])
    assert m.is_complex() == t.is_complex()
    assert m.is_signed() == t.is_signed()
    assert m.is_inference() == t.is_inference()
    assert m.get_device() == t.get_device() == -1
    assert minitorch.get_device(m) == -1
    assert m.is_floating_point() == t.is_floating_point()
    assert minitorch.zeros(1, dtype=minitorch.uint8).is_signed() == \
        torch.zeros(1, dtype=torch.uint8).is_signed()
    assert repr(m.layout) == "minitorch.strided"


@pytest.mark.parametrize("dtype", ["float32", "float64", "int8", "int16", "int64", "bool"])
def test_sizes_in_bytes_match_torch(dtype):
    m = minitorch.zeros(3, 5, dtype=getattr(minitorch, dtype))
    t = torch.zeros(3, 5, dtype=getattr(torch, dtype))
    assert (m.nbytes, m.itemsize, m.element_size()) == (t.nbytes, t.itemsize, t.element_size())


@pytest.mark.parametrize("view", [lambda x: x, lambda x: x[1], lambda x: x[:, 2],
                                  lambda x: x[1:, 1:], lambda x: x[2:].t(),
                                  lambda x: x.reshape(-1)[5:]])
def test_storage_offset_matches_torch(view):
    m = minitorch.arange(12.0).reshape(3, 4)
    t = torch.arange(12.0).reshape(3, 4)
    assert view(m).storage_offset() == view(t).storage_offset()


def test_data_ptr_and_storage_follow_views():
    m = minitorch.arange(12.0).reshape(3, 4)
    assert m.data_ptr() == m[0].data_ptr()
    assert m[1].data_ptr() == m.data_ptr() + 4 * m.element_size()
    assert m.clone().data_ptr() != m.data_ptr()
    assert m[1:].untyped_storage().data_ptr() == m.untyped_storage().data_ptr()
    assert m.untyped_storage().nbytes() == 48
    assert m.storage().size() == 12


# ---------------------------------------------------------------------------- Python protocols
@pytest.mark.parametrize("spec", ["", ".3f", ">8", "8.2f", "e", ".2%", "+.1f", "<10", "^12.4f"])
def test_format_of_zero_dim_matches_torch(spec):
    for value in (3.14159, -0.5, 1234.5678):
        m, t = pair(value)
        assert format(m, spec) == format(t, spec)
    mi, ti = minitorch.tensor(7), torch.tensor(7)
    for s in ("", "03d", ">5", "x"):
        assert format(mi, s) == format(ti, s)


def test_format_of_non_scalars():
    m, t = pair([1.5, 2.5])
    assert f"{m}" == str(m)
    with pytest.raises(TypeError, match="unsupported format string"):
        f"{m:.2f}"
    with pytest.raises(TypeError):
        f"{t:.2f}"


def test_round_and_reversed():
    m, t = pair([2.567, -1.5, 0.5, 3.45])
    np.testing.assert_array_equal(round(m).numpy(), torch.round(t).numpy())
    np.testing.assert_allclose(round(m, 1).numpy(), torch.round(t, decimals=1).numpy())
    np.testing.assert_array_equal(round(minitorch.tensor(2.5)).numpy(),
                                  torch.round(torch.tensor(2.5)).numpy())
    np.testing.assert_array_equal(minitorch.stack(list(reversed(m))).numpy(),
                                  torch.stack(list(reversed(t))).numpy())
    np.testing.assert_array_equal(reversed(m).numpy(), reversed(t).numpy())
    s = minitorch.tensor(2.0)
    assert reversed(s) is s


def test_numpy_interop():
    m, t = pair([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(np.asarray(m), np.asarray(t))
    assert np.asarray(m, dtype=np.float64).dtype == np.float64
    assert m.__array_priority__ == t.__array_priority__
    out = np.float64(2.0) * m
    assert isinstance(out, minitorch.Tensor)


def test_item_and_tolist():
    assert minitorch.tensor(3).tolist() == torch.tensor(3).tolist()
    assert minitorch.tensor([[2.5]]).item() == torch.tensor([[2.5]]).item()
    assert minitorch.tensor([3]).tolist() == [3]
    assert isinstance(minitorch.tensor(2.5).tolist(), float)
    with pytest.raises(RuntimeError):
        minitorch.tensor([1.0, 2.0]).item()


def test_deepcopy_keeps_requires_grad_grad_and_attributes():
    a = minitorch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a.grad = minitorch.ones(3)
    a.note = {"k": [1]}
    b = copy.deepcopy(a)
    ta = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    ta.grad = torch.ones(3)
    tb = copy.deepcopy(ta)
    assert b.requires_grad == tb.requires_grad and b.is_leaf == tb.is_leaf
    np.testing.assert_array_equal(b.grad.numpy(), tb.grad.numpy())
    assert b.data_ptr() != a.data_ptr() and b.grad.data_ptr() != a.grad.data_ptr()
    assert b.note == a.note and b.note is not a.note
    shared = [a, a]
    c = copy.deepcopy(shared)
    assert c[0] is c[1]


def test_deepcopy_of_non_leaf_raises_as_torch():
    a = minitorch.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="graph leaves"):
        copy.deepcopy(a * 2)
    with pytest.raises(RuntimeError, match="graph leaves"):
        copy.deepcopy(torch.tensor([1.0], requires_grad=True) * 2)


def test_copy_shares_data():
    a = minitorch.tensor([1.0, 2.0], requires_grad=True)
    a.grad = minitorch.ones(2)
    c = copy.copy(a)
    ta = torch.tensor([1.0, 2.0], requires_grad=True)
    ta.grad = torch.ones(2)
    tc = copy.copy(ta)
    assert c is not a and c.requires_grad == tc.requires_grad
    assert (c.grad is None) == (tc.grad is None)
    assert c.data_ptr() == a.data_ptr()


@pytest.mark.parametrize("dtype", ["float32", "float64", "int8", "uint8", "bool"])
def test_pickle_roundtrip(dtype):
    m = minitorch.tensor([1, 0, 3]).to(getattr(minitorch, dtype))
    out = pickle.loads(pickle.dumps(m))
    assert out.dtype is m.dtype
    np.testing.assert_array_equal(out.numpy(), m.numpy())


def test_pickle_keeps_requires_grad_not_grad():
    a = minitorch.tensor([1.0, 2.0], requires_grad=True)
    a.grad = minitorch.ones(2)
    ta = torch.tensor([1.0, 2.0], requires_grad=True)
    ta.grad = torch.ones(2)
    out, tout = pickle.loads(pickle.dumps(a)), pickle.loads(pickle.dumps(ta))
    assert out.requires_grad == tout.requires_grad
    assert (out.grad is None) == (tout.grad is None)
    nl = pickle.loads(pickle.dumps(a * 2))
    np.testing.assert_array_equal(nl.numpy(force=True), [2.0, 4.0])
    view = pickle.loads(pickle.dumps(minitorch.arange(6.0).reshape(2, 3).t()))
    np.testing.assert_array_equal(view.numpy(), np.arange(6.0).reshape(2, 3).T)


def test_apply_and_map_match_torch():
    m, t = pair([1.0, 2.0, -3.0])
    m.apply_(lambda z: z * 3 + 1)
    t.apply_(lambda z: z * 3 + 1)
    np.testing.assert_array_equal(m.numpy(), t.numpy())
    m.map_(minitorch.tensor([1.0]), lambda p, q: p * q - 2)
    t.map_(torch.tensor([1.0]), lambda p, q: p * q - 2)
    np.testing.assert_array_equal(m.numpy(), t.numpy())
    v = minitorch.arange(6.0).reshape(2, 3)
    v.t().apply_(lambda z: -z)
    np.testing.assert_array_equal(v.numpy(), -np.arange(6.0).reshape(2, 3))
    leaf = minitorch.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        leaf.apply_(lambda z: z)


# ---------------------------------------------------------------------------- constructors
CTOR_CASES = [(), (2, 3), (4,), ([1, 2],), ((2, 3),), ([[1.5, 2.0], [3.0, 4.0]],), (0,)]


@pytest.mark.parametrize("args", CTOR_CASES)
def test_tensor_constructor_forms_match_torch(args):
    m, t = minitorch.Tensor(*args), torch.Tensor(*args)
    assert tuple(m.shape) == tuple(t.shape)
    assert same_dtype(m, t)
    if args and isinstance(args[0], (list, tuple)):
        np.testing.assert_array_equal(m.numpy(), t.numpy())


def test_tensor_constructor_with_size_and_tensor():
    assert minitorch.Tensor(minitorch.Size([2, 4])).shape == (2, 4)
    src = minitorch.tensor([1.0, 2.0])
    alias = minitorch.Tensor(src)
    assert alias is not src and alias.data_ptr() == src.data_ptr()
    assert minitorch.Tensor(minitorch.tensor([1, 2])).dtype is minitorch.int64
    with pytest.raises(TypeError, match="sequence"):
        minitorch.Tensor(2.5)
    assert minitorch.Tensor([1.0], requires_grad=True).requires_grad


def test_tensor_constructor_keeps_internal_array_wrapping():
    arr = np.array([True, False])
    t = minitorch.Tensor(arr)
    assert t.dtype is minitorch.bool and t._data is arr
    f64 = np.zeros(2)
    assert minitorch.Tensor(f64).dtype is minitorch.float64
    assert minitorch.Tensor(np.zeros(2, np.float32), True).requires_grad
    assert isinstance(minitorch.nn.Parameter(minitorch.zeros(2)), minitorch.Tensor)


# ---------------------------------------------------------------------------- next_functions
def _structure(fn_node, leaves):
    """next_functions as comparable labels: None, the leaf's name, or the node's type."""
    out = []
    for node, idx in fn_node.next_functions:
        if node is None:
            out.append(None)
        elif type(node).__name__ == "AccumulateGrad":
            out.append(next(n for n, v in leaves.items() if v is node.variable))
        else:
            out.append("node")
    return out


EXPRS = {
    "2*b": lambda b, c, L: 2 * b, "b*2": lambda b, c, L: b * 2,
    "2.5+b": lambda b, c, L: 2.5 + b, "b+2": lambda b, c, L: b + 2,
    "b-2": lambda b, c, L: b - 2, "b/2": lambda b, c, L: b / 2,
    "c*b": lambda b, c, L: c * b, "b*c": lambda b, c, L: b * c,
    "c+b": lambda b, c, L: c + b, "c-b": lambda b, c, L: c - b, "c/b": lambda b, c, L: c / b,
    "b*b": lambda b, c, L: b * b, "-b": lambda b, c, L: -b,
    "mul(2,b)": lambda b, c, L: L.mul(b, 2), "add(b,c)": lambda b, c, L: L.add(b, c, alpha=2),
    "sub(c,b)": lambda b, c, L: L.sub(c, b), "b.double()": lambda b, c, L: b.double(),
    "b**2": lambda b, c, L: b ** 2, "2**b": lambda b, c, L: 2 ** b,
    "t2*b": lambda b, c, L: L.tensor(2.0) * b, "b*t2": lambda b, c, L: b * L.tensor(2.0),
    "b*c2": lambda b, c, L: b * (c * 2),
}


@pytest.mark.parametrize("name", list(EXPRS))
def test_next_functions_order_matches_torch(name):
    b = minitorch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    c = minitorch.tensor([0.5, -1.0, 2.0])
    tb = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    tc = torch.tensor([0.5, -1.0, 2.0])
    m = EXPRS[name](b, c, minitorch)
    t = EXPRS[name](tb, tc, torch)
    assert _structure(m.grad_fn, {"b": b}) == _structure(t.grad_fn, {"b": tb})


def test_accumulate_grad_node_is_one_object_per_leaf():
    b = minitorch.tensor([1.0], requires_grad=True)
    y = b * b
    first, second = y.grad_fn.next_functions
    assert first[0] is second[0]
    assert (b + 1).grad_fn.next_functions[0][0] is first[0]
    assert first[0].variable is b
    assert first[0].next_functions == ()


def test_next_functions_leave_out_non_tensor_arguments():
    b = minitorch.tensor([[1.0, 2.0]], requires_grad=True)
    tb = torch.tensor([[1.0, 2.0]], requires_grad=True)
    for fn in (lambda x: x.reshape(2), lambda x: x.sum(0), lambda x: x.transpose(0, 1)):
        assert len(fn(b).grad_fn.next_functions) == len(fn(tb).grad_fn.next_functions) == 1


# ---------------------------------------------------------------------------- print options
@pytest.fixture
def restore_printoptions():
    yield
    minitorch.set_printoptions(profile="default")
    torch.set_printoptions(profile="default")


@pytest.mark.parametrize("opts", [dict(precision=2), dict(precision=6), dict(sci_mode=True),
                                  dict(sci_mode=False), dict(threshold=5, edgeitems=2),
                                  dict(linewidth=30), dict(profile="short"),
                                  dict(profile="full")])
def test_set_printoptions_matches_torch(opts, restore_printoptions):
    vals = [[0.123456, 12.5, -3.0, 1e-5 if opts.get("sci_mode") is False else 2.25],
            [100.0, 0.5, 7.125, -8.0]]
    big = np.arange(1200, dtype=np.float32).reshape(30, 40) / 7
    minitorch.set_printoptions(**opts)
    torch.set_printoptions(**opts)
    for arr in (np.array(vals, dtype=np.float32), big, np.arange(12, dtype=np.float32)):
        assert str(minitorch.tensor(arr)) == str(torch.tensor(arr))


def test_get_printoptions_roundtrip(restore_printoptions):
    minitorch.set_printoptions(precision=3, linewidth=100)
    got = minitorch.get_printoptions()
    assert got["precision"] == 3 and got["linewidth"] == 100
    with pytest.raises(ValueError, match="profile"):
        minitorch.set_printoptions(profile="tiny")


# ---------------------------------------------------------------------------- small extras
def test_real_tensor_extras_match_torch():
    m, t = pair([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert m.real is m and t.real is t
    with pytest.raises(RuntimeError, match="non-complex"):
        m.imag
    assert m.dim_order() == t.dim_order() and m.t().dim_order() == t.t().dim_order()
    assert m.output_nr == t.output_nr == 0
    assert m.is_pinned() == t.is_pinned() and m.pin_memory() is m
    assert m.to_dense() is m
    m.record_stream(None)
    assert complex(minitorch.tensor(2.5)) == complex(torch.tensor(2.5))
    assert m.is_same_size(minitorch.zeros(2, 3)) and not m.is_same_size(minitorch.zeros(3))


class _TwoOutputs(minitorch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2, x * 3

    @staticmethod
    def backward(ctx, g1, g2):
        return g1 * 2 + g2 * 3


def test_output_nr_numbers_the_outputs_of_a_node():
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    a, b = _TwoOutputs.apply(x)
    assert (a.output_nr, b.output_nr) == (0, 1)


def test_dlpack_exchange_with_torch_and_numpy():
    m = minitorch.arange(4.0)
    t = torch.from_dlpack(m)
    t[0] = 9.0
    assert m[0].item() == 9.0                       # shared memory
    back = minitorch.from_dlpack(torch.arange(3.0))
    np.testing.assert_array_equal(back.numpy(), [0.0, 1.0, 2.0])
    assert minitorch.from_dlpack(np.arange(2)).dtype is minitorch.int64
    assert minitorch.from_dlpack(m) is m


def test_uniform_and_normal_in_place_checks_as_torch():
    for lib in (minitorch, torch):
        w = lib.zeros(3, requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable"):
            w.uniform_()
        with lib.no_grad():
            w.uniform_(-0.1, 0.1)
        assert float(w.detach().abs().max()) <= 0.1
        w.data.normal_(0, 0.01)
        with pytest.raises(RuntimeError, match="from=2"):
            lib.zeros(3).uniform_(2, 1)
        with pytest.raises(RuntimeError, match="std >= 0.0"):
            lib.zeros(3).normal_(0, -1)
        with pytest.raises(NotImplementedError):
            lib.zeros(3, dtype=lib.long).uniform_()
        x = lib.zeros(1000).uniform_(**{"from": 2.0, "to": 3.0})
        assert 2.0 <= float(x.min()) and float(x.max()) < 3.0


def test_size_slices_and_concatenation_stay_sizes_as_torch():
    m, t = minitorch.zeros(2, 3, 4).shape, torch.zeros(2, 3, 4).shape
    for f in (lambda s: s[1:], lambda s: s + (5,), lambda s: (1,) + s, lambda s: s * 2,
              lambda s: s[::-1], lambda s: s + s):
        got, want = f(m), f(t)
        assert type(got).__name__ == type(want).__name__ == "Size"
        assert tuple(got) == tuple(want)
    assert type(m[0]) is int and m[-1] == 4


def test_names_print_as_torch_while_minitorch_stands_in_for_torch():
    import subprocess
    import sys
    code = ("import sys, minitorch; print(repr(minitorch.float64), minitorch.zeros(2).shape); "
            "sys.modules['torch'] = minitorch; import torch; "
            "print(torch.zeros(2, dtype=torch.float64), torch.ones(3).shape, torch.int8)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True).stdout.splitlines()
    assert out[0] == "minitorch.float64 minitorch.Size([2])"
    assert out[1] == "tensor([0., 0.], dtype=torch.float64) torch.Size([3]) torch.int8"
