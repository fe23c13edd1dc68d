"""Pointwise math, comparisons and logic against PyTorch beyond the op table: dtype rules
for integer and bool inputs, Python scalars on either side, 0-d tensors, errors,
non-differentiable results (rounding of integers, signbit, isin, gcd, shifts, frexp's
exponent, heaviside, nextafter), where()'s forms, and the Tensor methods. Gradients are
checked by the op table (tests/test_ops.py)."""
import itertools

import numpy as np
import pytest
import torch

import minitorch
from minitorch.functional import pointwise

torch.set_num_threads(1)

VALUES = {
    "float32": [1.5, -2.0, 0.0, 3.25], "float64": [1.5, -2.0, 0.0, 2.0],
    "int64": [1, -2, 0, 3], "int32": [1, 2, 0, -3], "bool": [True, False, True, False],
}


def _make(lib, dtype, zero_d=False):
    arr = np.array(VALUES[dtype], dtype=dtype)
    if zero_d:
        arr = arr[:1].reshape(())
    return lib.from_numpy(arr.copy())


def _outcome(fn):
    """('ok', dtype name, values) or ('error', exception)."""
    try:
        r = fn()
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return ("error", e)
    if isinstance(r, (bool, int, float)):
        return ("ok", type(r).__name__, r)
    if isinstance(r, tuple):
        return ("ok", "tuple", [(str(t.dtype).split(".")[-1], np.asarray(t).tolist()) for t in r])
    return ("ok", str(r.dtype).split(".")[-1], np.asarray(r.detach().numpy()).tolist())


def _same(mine, ref, where):
    """minitorch's outcome equals torch's: the same dtype and values, or an error of the
    same kind (NotImplementedError is a RuntimeError, as in Python)."""
    if ref[0] == "error":
        assert mine[0] == "error", f"{where}: torch raises {ref[1]!r}, minitorch gives {mine}"
        assert isinstance(mine[1], (type(ref[1]), RuntimeError)) or \
            type(ref[1]).__name__ == type(mine[1]).__name__, (where, ref[1], mine[1])
        return
    assert mine[0] == "ok", f"{where}: minitorch raises {mine[1]!r}, torch gives {ref}"
    assert mine[1] == ref[1], f"{where}: dtype {mine[1]} vs torch {ref[1]}"
    np.testing.assert_allclose(np.array(mine[2], dtype=float), np.array(ref[2], dtype=float),
                               rtol=1e-6, atol=1e-7, equal_nan=True, err_msg=where)


# ---------------------------------------------------------------------------- unary dtypes
UNARY = """sinh cosh tan asin acos atan asinh acosh atanh arcsin arccos arctan arcsinh arccosh
arctanh ceil floor round trunc fix frac log2 log10 exp2 erf erfc erfinv lgamma digamma i0 sinc
square sgn signbit deg2rad rad2deg logit positive absolute isneginf isposinf isreal nan_to_num
angle conj conj_physical resolve_conj resolve_neg exp log sqrt sign abs neg negative sigmoid tanh relu
reciprocal rsqrt expm1 log1p sin cos""".split()


@pytest.mark.parametrize("name", UNARY)
def test_unary_dtype_rules_match_torch(name):
    for dtype in VALUES:
        for zero_d in (False, True):
            mine = _outcome(lambda: getattr(minitorch, name)(_make(minitorch, dtype, zero_d)))
            ref = _outcome(lambda: getattr(torch, name)(_make(torch, dtype, zero_d)))
            _same(mine, ref, f"{name}({dtype}{', 0-d' if zero_d else ''})")


@pytest.mark.parametrize("name", [n for n in UNARY if hasattr(torch.Tensor, n)])
def test_unary_methods_match_functions(name):
    x = minitorch.tensor([0.25, -0.5, 0.75])
    a = getattr(x, name)()
    b = getattr(minitorch, name)(x)
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


# ---------------------------------------------------------------------------- binary dtypes
BINARY = """atan2 arctan2 hypot logaddexp logaddexp2 xlogy fmod remainder floor_divide float_power
copysign heaviside fmax fmin gcd lcm bitwise_left_shift bitwise_right_shift ldexp nextafter rsub
maximum minimum add sub mul div pow true_divide""".split()
SCALARS = [2, -1, 1.5, 0.0, True]


def _binary_cases():
    dtypes = list(VALUES)
    for a, b in itertools.product(dtypes, dtypes):
        yield ("T", a, False), ("T", b, False)
        yield ("T", a, False), ("T", b, True)
    for a in dtypes:
        for s in SCALARS:
            yield ("T", a, False), ("S", s)
            yield ("S", s), ("T", a, False)


def _arg(lib, spec):
    return _make(lib, spec[1], spec[2]) if spec[0] == "T" else spec[1]


@pytest.mark.parametrize("name", BINARY)
def test_binary_dtype_rules_match_torch(name):
    """Wherever torch accepts the operands, minitorch gives the same dtype and values
    (minitorch may accept a Python number where torch insists on a Tensor)."""
    for a, b in _binary_cases():
        ref = _outcome(lambda: getattr(torch, name)(_arg(torch, a), _arg(torch, b)))
        if ref[0] == "error" and ("must be Tensor" in str(ref[1]) or
                                  "invalid combination" in str(ref[1]) or
                                  "ldexp_cpu_exp" in str(ref[1])):
            continue  # minitorch accepts a number there (and ldexp(float, bool exponent))
        mine = _outcome(lambda: getattr(minitorch, name)(_arg(minitorch, a), _arg(minitorch, b)))
        _same(mine, ref, f"{name}({a}, {b})")


# ---------------------------------------------------------------------------- comparisons
COMPARISONS = """eq ne lt le gt ge greater greater_equal less less_equal not_equal logical_and
logical_or logical_xor bitwise_and bitwise_or bitwise_xor""".split()


@pytest.mark.parametrize("name", COMPARISONS)
def test_comparisons_and_logic_match_torch(name):
    """Mixed dtypes, 0-d tensors (which do not promote within a category) and Python
    numbers on either side; results and dtypes as torch's."""
    for a, b in _binary_cases():
        ref = _outcome(lambda: getattr(torch, name)(_arg(torch, a), _arg(torch, b)))
        if ref[0] == "error" and isinstance(ref[1], TypeError):
            continue  # torch wants a Tensor first; minitorch accepts the number
        mine = _outcome(lambda: getattr(minitorch, name)(_arg(minitorch, a), _arg(minitorch, b)))
        _same(mine, ref, f"{name}({a}, {b})")


def test_comparison_operators_with_numbers_on_either_side():
    for lib_pair in ((minitorch, torch),):
        m = minitorch.tensor([1, 2, 3])
        t = torch.tensor([1, 2, 3])
        for op in (lambda x: x < 2.5, lambda x: 2.5 < x, lambda x: x == 2, lambda x: 2 != x,
                   lambda x: x >= True, lambda x: (x & 1) | (x ^ 2), lambda x: 6 & x, lambda x: ~x,
                   lambda x: x << 2, lambda x: 1 << x, lambda x: x >> 1, lambda x: 16 >> x):
            _same(_outcome(lambda: op(m)), _outcome(lambda: op(t)), "operator")
    del lib_pair


def test_compare_in_the_common_dtype_as_torch():
    # a float32 tensor meets a float64 0-d tensor in float32; an int tensor meets 1.5 in
    # float32: values NumPy would call different compare equal, as in torch
    a = minitorch.tensor([1.1], dtype=minitorch.float32)
    assert bool(a == minitorch.tensor(1.1, dtype=minitorch.float64))
    assert bool(torch.tensor([1.1]) == torch.tensor(1.1, dtype=torch.float64))
    assert bool(minitorch.tensor([16777217]) == 16777216.0) == bool(torch.tensor([16777217]) == 16777216.0)


def test_bitwise_on_floats_raises_like_torch():
    for fn in ("bitwise_and", "bitwise_or", "bitwise_xor"):
        with pytest.raises(NotImplementedError, match="not implemented for 'Float'"):
            getattr(minitorch, fn)(minitorch.tensor([1.0]), minitorch.tensor([2.0]))
    with pytest.raises(NotImplementedError):
        ~minitorch.tensor([1.0])
    with pytest.raises(NotImplementedError, match="'Float'"):
        minitorch.bitwise_left_shift(minitorch.tensor([1]), 1.5)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool"])
def test_isclose_allclose_equal_match_torch(dtype):
    base = {"float32": [1.0, np.nan, np.inf, -np.inf, 1e-9, 100.0],
            "float64": [1.0, np.nan, np.inf, -np.inf, 1e-9, 100.0],
            "int64": [1, 5, -3, 0, 7, 100], "bool": [True, False, True, True, False, False]}[dtype]
    other = {"float32": [1.0 + 1e-6, np.nan, np.inf, np.inf, 0.0, 100.001],
             "float64": [1.0 + 1e-6, np.nan, np.inf, np.inf, 0.0, 100.001],
             "int64": [1, 6, -3, 1, 5, 101], "bool": [True, True, True, False, False, True]}[dtype]
    a, b = np.array(base, dtype=dtype), np.array(other, dtype=dtype)
    for kw in ({}, {"equal_nan": True}, {"rtol": 0.0, "atol": 1.0}, {"rtol": 0.1, "atol": 0.0}):
        mine = _outcome(lambda: minitorch.isclose(minitorch.tensor(a), minitorch.tensor(b), **kw))
        ref = _outcome(lambda: torch.isclose(torch.tensor(a), torch.tensor(b), **kw))
        _same(mine, ref, f"isclose {kw}")
        assert minitorch.allclose(minitorch.tensor(a), minitorch.tensor(b), **kw) == \
            torch.allclose(torch.tensor(a), torch.tensor(b), **kw)
    # nan != nan: equal(a, a) is False when a holds a nan, as in torch
    assert minitorch.equal(minitorch.tensor(a), minitorch.tensor(a)) == torch.equal(torch.tensor(a), torch.tensor(a))
    assert minitorch.equal(minitorch.tensor(b), minitorch.tensor(a)) == torch.equal(torch.tensor(b), torch.tensor(a))
    assert not minitorch.equal(minitorch.tensor(a), minitorch.tensor(a[:3]))


def test_isclose_errors_and_equal_across_dtypes():
    with pytest.raises(RuntimeError, match="Float did not match Double"):
        minitorch.isclose(minitorch.tensor([1.0]), minitorch.tensor([1.0], dtype=minitorch.float64))
    with pytest.raises(RuntimeError, match="rtol must be greater"):
        minitorch.isclose(minitorch.tensor([1.0]), minitorch.tensor([1.0]), rtol=-1)
    # equal() compares values across dtypes, as torch.equal does
    assert minitorch.equal(minitorch.tensor([1, 2]), minitorch.tensor([1.0, 2.0])) == \
        torch.equal(torch.tensor([1, 2]), torch.tensor([1.0, 2.0]))


# ---------------------------------------------------------------------------- where
def test_where_scalar_forms_give_torchs_dtypes():
    c_m, c_t = minitorch.tensor([True, False, True]), torch.tensor([True, False, True])
    for a, b in ((1.0, 0.0), (1, 0), (1, 0.5), (True, False), (True, 0), (2.5, True)):
        _same(_outcome(lambda: minitorch.where(c_m, a, b)), _outcome(lambda: torch.where(c_t, a, b)),
              f"where(c, {a!r}, {b!r})")
    x_m, x_t = minitorch.tensor([1, 2, 3], dtype=minitorch.int32), torch.tensor([1, 2, 3], dtype=torch.int32)
    for other in (5, 0.5, True):
        _same(_outcome(lambda: minitorch.where(c_m, x_m, other)),
              _outcome(lambda: torch.where(c_t, x_t, other)), f"where(c, int32, {other!r})")
        _same(_outcome(lambda: x_m.where(c_m, other)), _outcome(lambda: x_t.where(c_t, other)),
              "Tensor.where")


def test_where_single_argument_is_nonzero_as_tuple():
    for arr in ([[0, 1], [1, 1]], [0.0, 2.0, 0.0, -1.0], [[[True]]], 3.0, 0, []):
        mine = minitorch.where(minitorch.tensor(arr))
        ref = torch.where(torch.tensor(arr))
        assert len(mine) == len(ref)
        for m, r in zip(mine, ref):
            assert m.dtype == minitorch.int64
            np.testing.assert_array_equal(np.asarray(m), r.numpy())


def test_where_condition_must_be_bool():
    with pytest.raises(RuntimeError, match="where expected condition to be a boolean tensor"):
        minitorch.where(minitorch.tensor([1.0, 0.0]), minitorch.ones(2), minitorch.zeros(2))


# ---------------------------------------------------------------------------- rounding & co
def test_round_decimals_and_half_to_even():
    x = np.array([0.5, 1.5, 2.5, -0.5, -2.5, 1.2345, 1234.5678, -0.045, 1e-3])
    for d in (0, 1, 2, 3, -1, -2):
        _same(_outcome(lambda: minitorch.round(minitorch.tensor(x), decimals=d)),
              _outcome(lambda: torch.round(torch.tensor(x), decimals=d)), f"decimals={d}")
        _same(_outcome(lambda: minitorch.tensor(x, dtype=minitorch.float32).round(decimals=d)),
              _outcome(lambda: torch.tensor(x, dtype=torch.float32).round(decimals=d)), f"f32 {d}")
    with pytest.raises(NotImplementedError, match="'Long'"):
        minitorch.round(minitorch.tensor([1, 15]), decimals=-1)


def test_nan_to_num_defaults_and_arguments():
    x = np.array([np.nan, np.inf, -np.inf, 1.0, -0.0])
    for kw in ({}, {"nan": 1.5}, {"posinf": 9.0, "neginf": -9.0}, {"nan": -1, "posinf": 1e38}):
        for dtype in ("float32", "float64"):
            _same(_outcome(lambda: minitorch.nan_to_num(minitorch.tensor(x.astype(dtype)), **kw)),
                  _outcome(lambda: torch.nan_to_num(torch.tensor(x.astype(dtype)), **kw)), str(kw))


def test_frexp_named_tuple():
    x = np.array([1.5, 8.0, 0.0, -3.0, 1e-310, np.inf, 0.75])
    for dtype in ("float32", "float64"):
        m = minitorch.frexp(minitorch.tensor(x.astype(dtype)))
        t = torch.frexp(torch.tensor(x.astype(dtype)))
        assert m.exponent.dtype == minitorch.int32
        assert m.mantissa.dtype == getattr(minitorch, dtype)
        np.testing.assert_array_equal(np.asarray(m.mantissa), t.mantissa.numpy())
        np.testing.assert_array_equal(np.asarray(m.exponent)[np.isfinite(x)],
                                      t.exponent.numpy()[np.isfinite(x)])
        mantissa, exponent = minitorch.tensor(x.astype(dtype)).frexp()
        assert mantissa.shape == exponent.shape
    with pytest.raises(RuntimeError, match="floating-point"):
        minitorch.frexp(minitorch.tensor([1, 2]))


def test_integer_only_functions():
    a = np.array([12, -18, 0, 7, 0])
    b = np.array([8, 12, 5, 0, 0])
    for fn in ("gcd", "lcm"):
        _same(_outcome(lambda: getattr(minitorch, fn)(minitorch.tensor(a), minitorch.tensor(b))),
              _outcome(lambda: getattr(torch, fn)(torch.tensor(a), torch.tensor(b))), fn)
        with pytest.raises(NotImplementedError, match="'Float'"):
            getattr(minitorch, fn)(minitorch.tensor([1.0]), minitorch.tensor([2.0]))


@pytest.mark.parametrize("dtype", ["int64", "int32"])
def test_shifts_at_and_past_the_width(dtype):
    a = np.array([1, -1, 5, -8, 3, 1 << 20, -7], dtype=dtype)
    s = np.array([0, 1, 63, 3, -1, 31, 100], dtype=dtype)
    for fn in ("bitwise_left_shift", "bitwise_right_shift"):
        _same(_outcome(lambda: getattr(minitorch, fn)(minitorch.tensor(a), minitorch.tensor(s))),
              _outcome(lambda: getattr(torch, fn)(torch.tensor(a), torch.tensor(s))), fn)


def test_heaviside_lerp_addc_errors_as_torch():
    with pytest.raises(RuntimeError, match="different dtypes"):
        minitorch.heaviside(minitorch.tensor([1.0]), minitorch.tensor([1.0], dtype=minitorch.float64))
    with pytest.raises(TypeError, match="must be Tensor"):
        minitorch.heaviside(minitorch.tensor([1.0]), 0.5)
    with pytest.raises(RuntimeError, match="expected dtype"):
        minitorch.lerp(minitorch.tensor([1.0]), minitorch.tensor([1.0], dtype=minitorch.float64), 0.5)
    with pytest.raises(NotImplementedError, match="'Long'"):
        minitorch.lerp(minitorch.tensor([1]), minitorch.tensor([2]), 0.5)
    with pytest.raises(RuntimeError, match="Integer division with addcdiv"):
        minitorch.addcdiv(minitorch.tensor([1.0]), minitorch.tensor([1]), minitorch.tensor([2]))
    with pytest.raises(RuntimeError, match="must not be a floating point"):
        minitorch.addcmul(minitorch.tensor([1]), minitorch.tensor([1]), minitorch.tensor([2]), value=0.5)
    with pytest.raises(NotImplementedError, match="'Long'"):
        minitorch.hypot(minitorch.tensor([3]), minitorch.tensor([4]))
    with pytest.raises(TypeError, match="'other' \\(position 2\\) must be Tensor"):
        minitorch.atan2(minitorch.tensor([1.0]), 2.0)
    for bad in (lambda: minitorch.fmod(minitorch.tensor([3]), 0),
                lambda: minitorch.remainder(minitorch.tensor([3]), minitorch.tensor([0])),
                lambda: minitorch.floor_divide(minitorch.tensor([3]), 0)):
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            bad()


def test_ternary_int_and_scalar_forms_match_torch():
    a, b, c = (np.array(v) for v in ([1, 2, 3], [4, 5, 6], [2, 1, 3]))
    for fn in (lambda lib, x, y, z: lib.addcmul(x, y, z, value=2),
               lambda lib, x, y, z: lib.addcdiv(x.float(), y, z, value=2),
               lambda lib, x, y, z: lib.lerp(x.float(), y.float(), z.float() / 4),
               lambda lib, x, y, z: x.float().lerp(y.float(), 0.25)):
        _same(_outcome(lambda: fn(minitorch, *(minitorch.tensor(v) for v in (a, b, c)))),
              _outcome(lambda: fn(torch, *(torch.tensor(v) for v in (a, b, c)))), "ternary")


def test_isin_forms_match_torch():
    el = np.array([[1, 2, 3], [4, 5, 6]])
    for test in (np.array([2, 5, 9]), np.array([[6], [1]]), 4):
        for invert in (False, True):
            mt_test = minitorch.tensor(test) if isinstance(test, np.ndarray) else test
            t_test = torch.tensor(test) if isinstance(test, np.ndarray) else test
            _same(_outcome(lambda: minitorch.isin(minitorch.tensor(el), mt_test, invert=invert)),
                  _outcome(lambda: torch.isin(torch.tensor(el), t_test, invert=invert)), "isin")
    _same(_outcome(lambda: minitorch.isin(3, minitorch.tensor([1, 3]))),
          _outcome(lambda: torch.isin(3, torch.tensor([1, 3]))), "isin(scalar)")
    _same(_outcome(lambda: minitorch.isin(minitorch.tensor([1.0, 2.5]), minitorch.tensor([2.5]))),
          _outcome(lambda: torch.isin(torch.tensor([1.0, 2.5]), torch.tensor([2.5]))), "isin float")


def test_integer_pow_with_negative_exponents_as_torch():
    a, e = np.array([2, -1, 1, -1, 3, 0]), np.array([-1, -3, -5, -2, 2, 0])
    _same(_outcome(lambda: minitorch.pow(minitorch.tensor(a), minitorch.tensor(e))),
          _outcome(lambda: torch.pow(torch.tensor(a), torch.tensor(e))), "pow int")
    _same(_outcome(lambda: 2 ** minitorch.tensor(e)), _outcome(lambda: 2 ** torch.tensor(e)), "rpow")
    for exp in (2, True, False):
        _same(_outcome(lambda: minitorch.tensor([True, False]) ** exp),
              _outcome(lambda: torch.tensor([True, False]) ** exp), f"bool ** {exp!r}")
    with pytest.raises(RuntimeError, match="negative integer powers"):
        minitorch.tensor([2]) ** -1


# ---------------------------------------------------------------------------- the surface
def test_every_pointwise_name_is_a_tensor_method_where_torch_has_one():
    for name in pointwise.__all__:
        assert hasattr(torch, name), name
        assert callable(getattr(minitorch, name)), name
        if hasattr(torch.Tensor, name) and name in pointwise.TENSOR_METHODS:
            assert callable(getattr(minitorch.Tensor, name)), f"Tensor.{name}"
    for name in ("igamma", "igammac", "polygamma", "bitwise_and", "greater_equal", "not_equal",
                 "is_conj", "is_neg", "arctan2", "absolute", "clamp_min", "clamp_max"):
        assert callable(getattr(minitorch.Tensor, name)), name


def test_polygamma_method_takes_n_first():
    x = np.array([0.7, 1.5, 3.0])
    np.testing.assert_allclose(np.asarray(minitorch.tensor(x).polygamma(2)),
                               torch.tensor(x).polygamma(2).numpy(), rtol=1e-12)
    with pytest.raises(TypeError):
        minitorch.polygamma(1.5, minitorch.tensor(x))


def test_clamp_min_max_with_tensors_and_ints():
    x = np.array([[1, -2, 3], [4, 5, -6]])
    lo = np.array([0, 0, 4])
    _same(_outcome(lambda: minitorch.clamp_min(minitorch.tensor(x), minitorch.tensor(lo))),
          _outcome(lambda: torch.clamp_min(torch.tensor(x), torch.tensor(lo))), "clamp_min")
    _same(_outcome(lambda: minitorch.tensor(x).clamp_max(2)), _outcome(lambda: torch.tensor(x).clamp_max(2)),
          "clamp_max")
    _same(_outcome(lambda: minitorch.tensor(x).clamp_max(2.5)),
          _outcome(lambda: torch.tensor(x).clamp_max(2.5)), "clamp_max float")


def test_float32_stays_float32_for_scalar_arguments():
    x = minitorch.tensor([0.5, 1.5], dtype=minitorch.float32)
    for out in (minitorch.xlogy(x, 2.0), minitorch.copysign(x, -1.0), minitorch.fmod(x, 0.3),
                minitorch.lerp(x, x * 2, 0.3), minitorch.addcmul(x, x, x, value=0.5),
                minitorch.logit(x / 2, eps=1e-3), minitorch.rsub(x, 1.0), minitorch.special.zeta(x + 1, 2.0),
                minitorch.deg2rad(x), minitorch.round(x, decimals=1), minitorch.mvlgamma(x + 2, 2)):
        assert out.dtype == minitorch.float32


def test_gradient_forms_match_torch():
    x = np.array([[1, 2, 4, 8, 16], [10, 20, 40, 80, 160], [3, 1, 4, 1, 5]])
    for kw in ({}, {"spacing": 2.0}, {"spacing": [2.0, 0.5]}, {"dim": 1, "edge_order": 2},
               {"dim": [0], "spacing": [3.0]}, {"dim": -1, "spacing": 0.25, "edge_order": 1}):
        mine = minitorch.gradient(minitorch.tensor(x), **kw)
        ref = torch.gradient(torch.tensor(x), **kw)
        assert isinstance(mine, tuple) and len(mine) == len(ref)
        for m, r in zip(mine, ref):
            assert m.dtype == minitorch.float32
            np.testing.assert_allclose(np.asarray(m), r.numpy(), rtol=1e-6, err_msg=str(kw))
    coords = np.array([0.0, 0.5, 1.5, 1.75, 3.0])
    for order in (1, 2):
        mine = minitorch.gradient(minitorch.tensor(x * 1.0), spacing=(minitorch.tensor(coords),), dim=1,
                                  edge_order=order)
        ref = torch.gradient(torch.tensor(x * 1.0), spacing=(torch.tensor(coords),), dim=1, edge_order=order)
        np.testing.assert_allclose(np.asarray(mine[0]), ref[0].numpy(), rtol=1e-12)
    with pytest.raises(RuntimeError, match="at least edge_order\\+1"):
        minitorch.gradient(minitorch.ones(2, 2), edge_order=2)
    with pytest.raises(RuntimeError, match="list of length"):
        minitorch.gradient(minitorch.ones(3, 3), spacing=[1.0])


def test_complex_api_on_real_tensors():
    x = minitorch.tensor([1.0, -2.0])
    with pytest.raises(RuntimeError, match="non-complex"):
        minitorch.imag(x)
    assert minitorch.is_conj(x) is False and minitorch.is_neg(x) is False
    assert x.is_conj() is False and x.is_neg() is False
    assert minitorch.real(x) is x and minitorch.conj(x) is x and x.resolve_conj() is x
    assert not minitorch.is_complex(x) and minitorch.is_floating_point(x)


@pytest.mark.skipif(not hasattr(minitorch, "uint8"), reason="needs the small integer dtypes")
def test_out_of_range_python_ints_wrap_as_torch():
    for dtype, values, scalars in (("uint8", [0, 255, 3], [-1, 256, 255, 511]),
                                   ("int8", [-128, 127, 0], [128, -129, 255])):
        m = minitorch.tensor(values, dtype=getattr(minitorch, dtype))
        t = torch.tensor(values, dtype=getattr(torch, dtype))
        for s in scalars:
            for op in (lambda x: x == s, lambda x: x < s, lambda x: x != s, lambda x: x >= s):
                np.testing.assert_array_equal(np.asarray(op(m)), op(t).numpy(), err_msg=f"{dtype} {s}")
