"""minitorch.testing.assert_close / assert_allclose / make_tensor against torch.testing:
the same inputs pass or fail alike, with the same exception type and the same message
(up to the library's name in reprs such as ``torch.float32``)."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch

import minitorch
from minitorch.testing import assert_allclose, assert_close, make_tensor

NAN, INF = float("nan"), float("inf")


def convert(lib, value):
    """A pytree of (marked) values with the tensors made by `lib`."""
    if isinstance(value, tuple) and value and value[0] == "T":
        _, data, kw = value
        dtype = getattr(lib, kw.get("dtype", "float32"))
        out = lib.tensor(data, dtype=dtype)
        if kw.get("t"):
            out = out.t()
        if kw.get("requires_grad"):
            out.requires_grad_(True)
        return out
    if isinstance(value, dict):
        return {k: convert(lib, v) for k, v in value.items()}
    if isinstance(value, list):
        return [convert(lib, v) for v in value]
    if isinstance(value, tuple):
        return tuple(convert(lib, v) for v in value)
    return value


def T(data, **kw):
    return ("T", data, kw)


def outcome(lib, fn, actual, expected, **kw):
    try:
        fn(convert(lib, actual), convert(lib, expected), **kw)
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        text = str(e).replace("minitorch.tensor.Tensor", "minitorch.Tensor")
        return type(e), text.replace("minitorch.", "LIB.").replace("torch.", "LIB.")
    return None


CASES = {
    "equal": (T([1., 2.]), T([1., 2.]), {}),
    "float_close_enough": (T([1., 2.]), T([1., 2.000001]), {}),
    "float": (T([1., 2., 3.]), T([1., 2.1, 3.]), {}),
    "float_2d": (T(np.arange(12.).reshape(3, 4).tolist()),
                 T((np.arange(12.).reshape(3, 4) + [0, 0, 0, 1.]).tolist()), {}),
    "float64": (T([1., 2.], dtype="float64"), T([1., 2.5], dtype="float64"), {}),
    "float16": (T([1.], dtype="float16"), T([1.001], dtype="float16"), {}),
    "int": (T([1, 2, 3], dtype="int64"), T([1, 2, 4], dtype="int64"), {}),
    "int_three": (T([1, 2, 3], dtype="int32"), T([1, 2, 6], dtype="int32"), {}),
    "bool": (T([True, False], dtype="bool"), T([True, True], dtype="bool"), {}),
    "shape": (T([0., 0.]), T([0., 0., 0.]), {}),
    "dtype": (T([0., 0.]), T([0., 0.], dtype="float64"), {}),
    "dtype_unchecked": (T([0., 0.]), T([0., 0.], dtype="float64"), {"check_dtype": False}),
    "dtype_unchecked_diff": (T([0., 1.]), T([0., 1.5], dtype="float64"),
                             {"check_dtype": False}),
    "nan": (T([NAN]), T([NAN]), {}),
    "nan_equal": (T([NAN, 1.]), T([NAN, 1.]), {"equal_nan": True}),
    "inf": (T([INF]), T([1.]), {}),
    "inf_equal": (T([INF, -INF]), T([INF, -INF]), {}),
    "rel_inf": (T([0.]), T([1e-3]), {}),
    "zero_d": (T(1.), T(2.), {}),
    "empty": (T([]), T([]), {}),
    "tolerances": (T([1.]), T([1.05]), {"rtol": 0.1, "atol": 0.0}),
    "tolerances_fail": (T([1.]), T([1.5]), {"rtol": 0.1, "atol": 0.0}),
    "rtol_only": (T([1.]), T([2.]), {"rtol": 1.0}),
    "atol_only": (T([1.]), T([2.]), {"atol": 1.0}),
    "stride": (T([[1., 2.], [3., 4.]]), T([[1., 3.], [2., 4.]], t=True), {"check_stride": True}),
    "stride_unchecked": (T([[1., 2.], [3., 4.]]), T([[1., 3.], [2., 4.]], t=True), {}),
    "requires_grad_ignored": (T([1.], requires_grad=True), T([1.]), {}),
    "scalar": (1.0, 1.1, {}),
    "scalar_ok": (1.0, 1.0 + 1e-9, {}),
    "int_scalar": (1, 2, {}),
    "bool_scalar": (True, False, {}),
    "mixed_number": (1, 1.0, {}),
    "mixed_number_unchecked": (1, 1.0, {"check_dtype": False}),
    "nan_scalar": (NAN, NAN, {}),
    "nan_scalar_equal": (NAN, NAN, {"equal_nan": True}),
    "numpy_scalar": (np.float64(1.0), 1.0, {}),
    "tensor_vs_number": (T(1.), 1.0, {}),
    "strings": ("a", "b", {}),
    "none": (None, None, {}),
    "none_vs_number": (None, 1, {}),
    "list": ([T(1.), T(2.)], [T(1.), T(2.5)], {}),
    "list_len": ([1, 2], [1, 2, 3], {}),
    "tuple_vs_list": ((1, 2), [1, 2], {}),
    "dict": ({"a": T(1.)}, {"a": T(1.5)}, {}),
    "dict_keys": ({"a": 1}, {"b": 1}, {}),
    "nested": ({"a": [1., 2.]}, {"a": [1., 2.5]}, {}),
    "numpy": (np.array([1., 2.]), np.array([1., 2.5]), {}),
    "numpy_ok": (np.array([1., 2.]), np.array([1., 2.]), {}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_assert_close_like_torch(name):
    actual, expected, kw = CASES[name]
    ref = outcome(torch, torch.testing.assert_close, actual, expected, **kw)
    got = outcome(minitorch, assert_close, actual, expected, **kw)
    assert got == ref


@pytest.mark.parametrize("msg", ["custom", lambda m: "Header\n" + m + "\nFooter"])
def test_custom_message(msg):
    ref = outcome(torch, torch.testing.assert_close, [T([1.]), T([2.])], [T([1.]), T([3.])],
                  msg=msg)
    got = outcome(minitorch, assert_close, [T([1.]), T([2.])], [T([1.]), T([3.])], msg=msg)
    assert got == ref and got is not None


@pytest.mark.parametrize("case", [
    (T([0., 0.]), T([1., 1.]), {}),
    (T([1., 2.]), T([1., 2.00001]), {}),
    (T([1., NAN]), T([1., NAN]), {}),
    ([1.0, 2.0], [1.0, 2.0001], {}),
    (T([1, 2], dtype="int64"), [1, 3], {}),
    (T([1., 2.]), T([1., 2.5]), {"rtol": 0.0, "atol": 0.1}),
])
def test_assert_allclose_like_torch(case):
    actual, expected, kw = case
    with warnings.catch_warnings(record=True) as ref_w:
        warnings.simplefilter("always")
        ref = outcome(torch, torch.testing.assert_allclose, actual, expected, **kw)
    with warnings.catch_warnings(record=True) as got_w:
        warnings.simplefilter("always")
        got = outcome(minitorch, assert_allclose, actual, expected, **kw)
    assert got == ref
    assert [w.category for w in got_w] == [w.category for w in ref_w] == [FutureWarning]


def test_default_tolerance_boundaries_float32():
    """Just inside / just outside float32's rtol 1.3e-6, atol 1e-5."""
    base = 1000.0
    inside = base + 0.5 * (1e-5 + 1.3e-6 * base)
    outside = base + 2.0 * (1e-5 + 1.3e-6 * base)
    assert_close(minitorch.tensor([inside]), minitorch.tensor([base]))
    with pytest.raises(AssertionError, match="Greatest absolute difference"):
        assert_close(minitorch.tensor([outside]), minitorch.tensor([base]))


def test_device_mismatch_message():
    from minitorch.testing import asserts
    pair = asserts._TensorLikePair(minitorch.ones(2), minitorch.ones(2))
    pair.expected = type("Fake", (), {"shape": pair.actual.shape, "layout": pair.actual.layout,
                                      "device": "cuda:0", "dtype": pair.actual.dtype})()
    with pytest.raises(asserts._ErrorMeta, match="attribute 'device' do not match"):
        pair._compare_attributes(pair.actual, pair.expected)


# ---------------------------------------------------------------------------- make_tensor
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int8", "uint8", "int16",
                                   "int32", "int64", "bool"])
def test_make_tensor_dtype_shape_range(dtype):
    mt_dtype = getattr(minitorch, dtype)
    x = make_tensor(3, 40, dtype=mt_dtype, device="cpu")
    ref = torch.testing.make_tensor(3, 40, dtype=getattr(torch, dtype), device="cpu")
    assert x.dtype == mt_dtype and tuple(x.shape) == tuple(ref.shape) == (3, 40)
    values = x.numpy().astype(np.float64)
    lo, hi = {"bool": (0, 1), "uint8": (0, 9)}.get(
        dtype, (-9, 9))
    assert values.min() >= lo and values.max() <= hi
    assert len(np.unique(values)) > 1


def test_make_tensor_options():
    x = make_tensor((4, 6), dtype=minitorch.float32, device="cpu", low=2, high=3,
                    requires_grad=True, noncontiguous=True)
    assert tuple(x.shape) == (4, 6) and not x.is_contiguous() and x.requires_grad
    assert x.is_leaf
    assert 2 <= float(x.min()) and float(x.max()) < 3
    z = make_tensor(50, dtype=minitorch.int64, device="cpu", low=-1, high=2,
                    exclude_zero=True)
    assert 0 not in z.numpy() and set(np.unique(z.numpy())) <= {-1, 1}
    f = make_tensor(50, dtype=minitorch.float32, device="cpu", low=0, high=1e-30,
                    exclude_zero=True)
    assert (f.numpy() > 0).all()
    b = make_tensor(2, 2, dtype=minitorch.uint8, device="cpu", low=-100, high=5)
    assert b.numpy().min() >= 0                       # clamped to the dtype's range
    one = make_tensor(1, dtype=minitorch.float32, device="cpu", noncontiguous=True)
    assert tuple(one.shape) == (1,)                   # ignored below two elements


@pytest.mark.parametrize("kw", [
    {"dtype": "int64", "requires_grad": True},
    {"dtype": "float32", "low": 3, "high": 2},
    {"dtype": "float32", "low": math.nan},
    {"dtype": "uint8", "low": 300, "high": 400},
    {"dtype": "float32", "noncontiguous": True, "memory_format": "contiguous_format"},
])
def test_make_tensor_errors_like_torch(kw):
    def call(lib, fn):
        args = dict(kw)
        args["dtype"] = getattr(lib, args["dtype"])
        if "memory_format" in args:
            args["memory_format"] = getattr(lib, args["memory_format"])
        fn(2, 3, device="cpu", **args)

    with pytest.raises(Exception) as ref:
        call(torch, torch.testing.make_tensor)
    with pytest.raises(type(ref.value)) as got:
        call(minitorch, make_tensor)
    assert str(got.value).split(",")[0].replace("minitorch.", "torch.") == \
        str(ref.value).split(",")[0]


def test_make_tensor_is_random_and_seeded():
    minitorch.manual_seed(5)
    a = make_tensor(10, dtype=minitorch.float32, device="cpu")
    minitorch.manual_seed(5)
    b = make_tensor(10, dtype=minitorch.float32, device="cpu")
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_existing_testing_names_kept():
    import minitorch.testing as mtest
    for name in ["OPS", "BY_NAME", "OpSpec", "compare", "assert_close", "assert_allclose",
                 "make_tensor"]:
        assert name in mtest.__all__ and hasattr(mtest, name)
