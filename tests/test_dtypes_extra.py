"""The dtypes of issue 12 against PyTorch: int8/int16/uint8 (and the unsigned "shell"
dtypes), bfloat16, the complex names, the aliases, dtype attributes, finfo/iinfo,
promotion, can_cast, and the legacy tensor types (FloatTensor, LongTensor, ...)."""
from __future__ import annotations

import itertools
import pickle
import warnings

import numpy as np
import pytest
import torch

import minitorch
from minitorch import dtypes as D

NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
         "float64"]
INT_NAMES = ["uint8", "int8", "int16", "int32", "int64"]


def mt_dtype(name):
    return getattr(minitorch, name)


def th_dtype(name):
    return getattr(torch, name)


def same_dtype(mt_d, th_d) -> bool:
    return mt_d.name == str(th_d).replace("torch.", "")


# ---------------------------------------------------------------------------- names
@pytest.mark.parametrize("alias", ["long", "short", "int", "float", "double", "half", "cfloat",
                                   "cdouble", "chalf", "bool", "uint8", "int8", "int16",
                                   "bfloat16", "complex64", "complex128", "complex32",
                                   "uint16", "uint32", "uint64"])
def test_dtype_names_and_aliases_match_torch(alias):
    assert same_dtype(getattr(minitorch, alias), getattr(torch, alias))


@pytest.mark.parametrize("name", NAMES + ["complex64", "complex128", "uint16", "uint32",
                                          "uint64"])
def test_dtype_attributes_match_torch(name):
    m, t = mt_dtype(name), th_dtype(name)
    assert m.is_floating_point == t.is_floating_point
    assert m.is_complex == t.is_complex
    assert m.is_signed == t.is_signed
    assert m.itemsize == t.itemsize
    assert same_dtype(m.to_real(), t.to_real())
    if t.is_floating_point or t.is_complex:
        assert same_dtype(m.to_complex(), t.to_complex())
    else:
        with pytest.raises(RuntimeError):
            m.to_complex()


def test_dtypes_pickle_to_themselves():
    for name in NAMES:
        d = mt_dtype(name)
        assert pickle.loads(pickle.dumps(d)) is d


# ---------------------------------------------------------------------------- promotion
@pytest.mark.parametrize("a,b", list(itertools.combinations_with_replacement(NAMES, 2)))
def test_promote_types_table_matches_torch(a, b):
    expect = torch.promote_types(th_dtype(a), th_dtype(b))
    assert same_dtype(minitorch.promote_types(mt_dtype(a), mt_dtype(b)), expect)
    assert same_dtype(minitorch.promote_types(mt_dtype(b), mt_dtype(a)), expect)


@pytest.mark.parametrize("u", ["uint16", "uint32", "uint64"])
def test_shell_unsigned_promote_only_with_themselves_and_floats(u):
    for other in NAMES + ["uint16", "uint32", "uint64"]:
        try:
            expect = torch.promote_types(th_dtype(u), th_dtype(other))
        except RuntimeError:
            with pytest.raises(RuntimeError, match="Promotion for uint16"):
                minitorch.promote_types(mt_dtype(u), mt_dtype(other))
            continue
        assert same_dtype(minitorch.promote_types(mt_dtype(u), mt_dtype(other)), expect)


def _pair(name, values, zero_dim=False):
    arr = np.array(values if not zero_dim else values[0], dtype=np.dtype(name if name != "bool"
                                                                           else np.bool_))
    return minitorch.tensor(arr), torch.tensor(arr)


@pytest.mark.parametrize("a,b", list(itertools.product(
    ["bool", "uint8", "int8", "int16"], ["bool", "uint8", "int8", "int16", "int32", "int64",
                                         "float16", "float32"])))
@pytest.mark.parametrize("op", ["add", "mul"])
def test_arithmetic_result_dtype_and_values_match_torch(a, b, op):
    va = [1, 0, 1] if a == "bool" else [3, 7, 100]
    vb = [1, 1, 0] if b == "bool" else [2, 5, 1]
    ma, ta = _pair(a, va)
    mb, tb = _pair(b, vb)
    if op == "add" and a == "bool" and b == "bool":
        return  # torch: bool + bool is logical or (tested elsewhere)
    mo, to = getattr(minitorch, op)(ma, mb), getattr(torch, op)(ta, tb)
    assert same_dtype(mo.dtype, to.dtype), (a, b, op, mo.dtype, to.dtype)
    np.testing.assert_array_equal(mo.numpy().astype(np.float64), to.numpy().astype(np.float64))


@pytest.mark.parametrize("name", ["uint8", "int8", "int16"])
@pytest.mark.parametrize("scalar", [2, 1.5, True])
def test_python_scalars_stay_weak_with_small_ints(name, scalar):
    m, t = _pair(name, [3, 7, 100])
    mo, to = m * scalar, t * scalar
    assert same_dtype(mo.dtype, to.dtype)
    np.testing.assert_allclose(mo.numpy().astype(np.float64), to.numpy().astype(np.float64))


@pytest.mark.parametrize("name", ["uint8", "int8", "int16"])
@pytest.mark.parametrize("other", ["int64", "float64", "int8"])
def test_zero_dim_operands_promote_as_torch(name, other):
    m, t = _pair(name, [3, 7, 100])
    mz, tz = _pair(other, [2], zero_dim=True)
    assert same_dtype((m + mz).dtype, (t + tz).dtype)
    assert same_dtype((mz + m).dtype, (tz + t).dtype)


def test_small_int_overflow_wraps_like_torch():
    m, t = _pair("int8", [100, -100, 127])
    np.testing.assert_array_equal((m + m).numpy(), (t + t).numpy())
    mu, tu = _pair("uint8", [200, 3, 255])
    np.testing.assert_array_equal((mu + mu).numpy(), (tu + tu).numpy())
    np.testing.assert_array_equal((-mu).numpy(), (-tu).numpy())


def test_true_division_of_small_ints_gives_default_float():
    m, t = _pair("uint8", [3, 7, 100])
    assert same_dtype((m / 2).dtype, (t / 2).dtype)
    np.testing.assert_allclose((m / 2).numpy(), (t / 2).numpy())


@pytest.mark.parametrize("a,b", list(itertools.product(NAMES, NAMES)))
def test_can_cast_matches_torch(a, b):
    assert minitorch.can_cast(mt_dtype(a), mt_dtype(b)) == torch.can_cast(th_dtype(a),
                                                                           th_dtype(b))


# ---------------------------------------------------------------------------- tensors
@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "uint16", "uint32", "uint64"])
def test_numpy_arrays_keep_small_int_dtypes(name):
    arr = np.array([1, 2, 3], dtype=name)
    for make in (minitorch.tensor, minitorch.as_tensor, minitorch.from_numpy):
        t = make(arr)
        assert t.dtype is mt_dtype(name)
        assert same_dtype(t.dtype, torch.from_numpy(arr).dtype)


@pytest.mark.parametrize("method,name", [("byte", "uint8"), ("char", "int8"),
                                         ("short", "int16"), ("int", "int32"),
                                         ("long", "int64"), ("half", "float16"),
                                         ("float", "float32"), ("double", "float64"),
                                         ("bool", "bool")])
def test_cast_methods_match_torch(method, name):
    vals = [-1.7, 0.0, 2.5, 300.0] if method != "byte" else [1.7, 0.0, 2.5, 200.0]
    m = getattr(minitorch.tensor(vals), method)()
    t = getattr(torch.tensor(vals), method)()
    assert m.dtype is mt_dtype(name)
    np.testing.assert_array_equal(m.numpy().astype(np.float64), t.numpy().astype(np.float64))


def test_creation_with_new_dtypes():
    for name in ("uint8", "int8", "int16"):
        m = minitorch.zeros(2, 3, dtype=mt_dtype(name))
        assert m.dtype is mt_dtype(name) and m.shape == (2, 3)
        r = minitorch.arange(5, dtype=mt_dtype(name))
        np.testing.assert_array_equal(r.numpy(), torch.arange(5, dtype=th_dtype(name)).numpy())
    assert minitorch.full((2,), 7, dtype=minitorch.uint8).dtype is minitorch.uint8


@pytest.mark.parametrize("name", ["complex64", "complex128", "cfloat"])
def test_complex_dtypes_give_a_clear_error(name):
    d = getattr(minitorch, name)
    with pytest.raises(TypeError, match="complex"):
        minitorch.zeros(2, dtype=d)
    with pytest.raises(TypeError, match="complex"):
        minitorch.ones(2).to(d)
    with pytest.raises(TypeError, match="complex"):
        minitorch.tensor(np.array([1 + 2j]))
    with pytest.raises(TypeError, match="complex"):
        minitorch.ones(2).cfloat()
    assert not minitorch.ones(2).is_complex()
    assert not minitorch.is_complex(minitorch.ones(2))


# ---------------------------------------------------------------------------- bfloat16
def test_bfloat16_values_match_torch():
    vals = np.array([1.0001, 3.14159, -2.71828, 65504.0, 1e-30, 1e30, 0.0, -0.0, np.inf, np.nan,
                     1.00390625, 1.01171875], dtype=np.float32)   # two ties (to even)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = minitorch.tensor(vals).bfloat16()
        m2 = minitorch.tensor(vals).to(minitorch.bfloat16)
        m3 = minitorch.BFloat16Tensor(vals.tolist())
    t = torch.tensor(vals).bfloat16().float().numpy()
    for got in (m, m2, m3):
        np.testing.assert_array_equal(got.float().numpy(), t)
        assert got.dtype is minitorch.float32   # the documented float32 storage
    assert not D.has_real_bfloat16()


def test_bfloat16_cast_passes_the_gradient_through():
    x = minitorch.tensor([1.0001, 2.5, -3.3], requires_grad=True)
    tx = torch.tensor([1.0001, 2.5, -3.3], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (x.bfloat16().float() * minitorch.tensor([1.0, 2.0, 3.0])).sum().backward()
    (tx.bfloat16().float() * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
    assert x.grad.dtype is minitorch.float32


def test_bfloat16_storage_warns_once():
    D._BF16["warned"] = False
    with pytest.warns(UserWarning, match="stores bfloat16 as float32"):
        minitorch.ones(2).bfloat16()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        minitorch.ones(2).bfloat16()


# ---------------------------------------------------------------------------- finfo / iinfo
@pytest.mark.parametrize("name", ["float16", "bfloat16", "float32", "float64"])
def test_finfo_matches_torch(name):
    m, t = minitorch.finfo(mt_dtype(name)), torch.finfo(th_dtype(name))
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution"):
        assert getattr(m, attr) == getattr(t, attr), attr
    assert m.dtype == t.dtype
    assert repr(m) == repr(t)


def test_finfo_default_and_errors():
    assert minitorch.finfo().dtype == "float32"
    assert minitorch.finfo(minitorch.complex64).dtype == "float32"
    with pytest.raises(TypeError, match="iinfo"):
        minitorch.finfo(minitorch.int32)
    with pytest.raises(TypeError, match="bool"):
        minitorch.iinfo(minitorch.bool)
    with pytest.raises(TypeError, match="finfo"):
        minitorch.iinfo(minitorch.float32)


@pytest.mark.parametrize("name", INT_NAMES)
def test_iinfo_matches_torch(name):
    m, t = minitorch.iinfo(mt_dtype(name)), torch.iinfo(th_dtype(name))
    assert (m.bits, m.max, m.min, m.dtype) == (t.bits, t.max, t.min, t.dtype)
    assert repr(m) == repr(t)


# ---------------------------------------------------------------------------- legacy types
LEGACY = ["FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor",
          "CharTensor", "ByteTensor", "BoolTensor"]


@pytest.mark.parametrize("name", LEGACY)
def test_legacy_constructor_with_data_matches_torch(name):
    data = [[1.7, 0.0], [2.2, 3.9]]
    m, t = getattr(minitorch, name)(data), getattr(torch, name)(data)
    assert same_dtype(m.dtype, t.dtype)
    np.testing.assert_array_equal(m.numpy().astype(np.float64), t.numpy().astype(np.float64))


@pytest.mark.parametrize("name", LEGACY)
def test_legacy_constructor_with_sizes_matches_torch(name):
    for args in [(2, 3), (4,), (minitorch.Size([2, 2]),), ()]:
        targs = tuple(torch.Size(list(a)) if isinstance(a, minitorch.Size) else a for a in args)
        m, t = getattr(minitorch, name)(*args), getattr(torch, name)(*targs)
        assert tuple(m.shape) == tuple(t.shape)
        assert same_dtype(m.dtype, t.dtype)


def test_legacy_constructor_from_numpy_and_tensors():
    arr = np.array([1, 2])
    m, t = minitorch.FloatTensor(arr), torch.FloatTensor(arr)
    assert same_dtype(m.dtype, t.dtype)
    np.testing.assert_array_equal(m.numpy(), t.numpy())
    src = minitorch.tensor([1.0, 2.0])
    alias = minitorch.FloatTensor(src)
    alias[0] = 5.0
    assert src[0].item() == 5.0
    with pytest.raises(TypeError):
        minitorch.FloatTensor(minitorch.tensor([1, 2]))
    with pytest.raises(TypeError, match="sequence"):
        minitorch.FloatTensor(2.5)


def test_legacy_isinstance_matches_torch():
    cases = [("float32", "FloatTensor"), ("float64", "FloatTensor"), ("int64", "LongTensor"),
             ("int32", "LongTensor"), ("bool", "BoolTensor"), ("uint8", "ByteTensor")]
    for dname, tname in cases:
        m = minitorch.zeros(2, dtype=mt_dtype(dname))
        t = torch.zeros(2, dtype=th_dtype(dname))
        assert isinstance(m, getattr(minitorch, tname)) == isinstance(t, getattr(torch, tname))
    assert not isinstance(minitorch.zeros(2), minitorch.cuda.FloatTensor)
    assert not isinstance(3.0, minitorch.FloatTensor)
    assert minitorch.FloatTensor.dtype is minitorch.float32
    assert minitorch.cuda.LongTensor.is_cuda and not minitorch.LongTensor.is_cuda


def test_legacy_cuda_type_needs_a_gpu():
    if minitorch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(RuntimeError, match="CuPy|CUDA"):
        minitorch.cuda.FloatTensor(2)


def test_narrow_integer_scalars_wrap_like_torch():
    for dt, value, op in [("uint8", 300, "add"), ("uint8", -300, "sub"), ("int8", 200, "mul"),
                          ("int16", 70000, "add"), ("uint8", 256 * 3 + 1, "add")]:
        a = np.array([120, 3, 0], dtype=dt)
        got = getattr(minitorch, op)(minitorch.tensor(a), value)
        want = getattr(torch, op)(torch.tensor(a), value)
        assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_tensor_and_as_tensor_round_bfloat16_as_torch():
    import warnings
    vals = [1.0001, 3.14159, -2.71828, 1e-3]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for make in ("tensor", "as_tensor"):
            got = getattr(minitorch, make)(vals, dtype=minitorch.bfloat16)
            want = getattr(torch, make)(vals, dtype=torch.bfloat16).float()
            np.testing.assert_array_equal(got.numpy(), want.numpy())
        assert minitorch.tensor(vals, dtype=minitorch.bfloat16, requires_grad=True).requires_grad
