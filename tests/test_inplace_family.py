"""The in-place family (x.sin_(), x.pow_(2), x.eq_(y), x.lerp_(y, w), torch.sin_(x), ...,
the shape ones x.unsqueeze_(0), x.t_(), x.resize_(...)) against PyTorch: values, the
returned object, the version counter, dtype rules (an int tensor cannot hold sin's float
result), broadcasting rules, autograd (recorded on tensors in the graph, through views,
refused on leaves that require grad, detected when a saved value is overwritten)."""
import numpy as np
import pytest
import torch

import minitorch

torch.set_num_threads(1)
RNG = np.random.default_rng(7)
X = RNG.uniform(0.1, 0.9, (3, 4))      # inside every domain (asin, logit, erfinv, log...)
Y = RNG.uniform(0.2, 1.2, (3, 4))
Z = RNG.uniform(0.5, 1.5, (4,))


def _pair(arr, dtype=None):
    arr = np.array(arr) if dtype is None else np.array(arr, dtype=dtype)
    return minitorch.from_numpy(arr.copy()), torch.from_numpy(arr.copy())


def _check(name, args_fn, x=X, dtype=None, rtol=1e-12):
    if name == "polygamma_":
        rtol = 1e-8  # torch's trigamma is a short asymptotic series (~1e-9)
    """x.name(*args) in both libraries: same values and dtype, self returned, version +1."""
    m, t = _pair(x, dtype)
    args_m, args_t = args_fn(minitorch, m), args_fn(torch, t)
    v0 = m._version
    out_m = getattr(m, name)(*args_m[0], **args_m[1])
    out_t = getattr(t, name)(*args_t[0], **args_t[1])
    assert out_m is m, name
    assert m._version == v0 + 1, name
    assert str(m.dtype).split(".")[-1] == str(t.dtype).split(".")[-1], name
    np.testing.assert_allclose(m.numpy().astype(float), t.numpy().astype(float), rtol=rtol,
                               atol=1e-14, equal_nan=True, err_msg=name)


NOARGS = """abs_ absolute_ neg_ negative_ sign_ sgn_ exp_ exp2_ expm1_ log_ log2_ log10_ log1p_ sqrt_
rsqrt_ reciprocal_ square_ sin_ cos_ tan_ asin_ acos_ atan_ sinh_ cosh_ tanh_ asinh_ atanh_
arcsin_ arccos_ arctan_ arcsinh_ arctanh_ sigmoid_ relu_ logit_ erf_ erfc_ erfinv_ lgamma_
digamma_ i0_ sinc_ deg2rad_ rad2deg_ floor_ ceil_ round_ trunc_ fix_ frac_ nan_to_num_
conj_physical_ logical_not_ tril_ triu_ zero_""".split()


@pytest.mark.parametrize("name", NOARGS)
def test_unary_inplace_matches_torch(name):
    _check(name, lambda lib, t: ((), {}))


def _t(arr):
    return lambda lib: lib.from_numpy(np.array(arr).copy())


WITH_ARGS = [
    ("acosh_", lambda lib, t: ((), {}), X + 1),
    ("arccosh_", lambda lib, t: ((), {}), X + 1),
    ("pow_", lambda lib, t: ((2,), {}), X),
    ("pow_", lambda lib, t: ((_t(Y)(lib),), {}), X),
    ("pow_", lambda lib, t: ((t,), {}), X),
    ("remainder_", lambda lib, t: ((0.3,), {}), X),
    ("fmod_", lambda lib, t: ((_t(Z)(lib),), {}), X),
    ("floor_divide_", lambda lib, t: ((0.3,), {}), X),
    ("div_", lambda lib, t: ((_t(Z)(lib),), {"rounding_mode": "trunc"}), X),
    ("divide_", lambda lib, t: ((_t(Z)(lib),), {}), X),
    ("true_divide_", lambda lib, t: ((2.0,), {}), X),
    ("multiply_", lambda lib, t: ((_t(Y)(lib),), {}), X),
    ("subtract_", lambda lib, t: ((_t(Z)(lib),), {"alpha": 2}), X),
    ("atan2_", lambda lib, t: ((_t(Y)(lib),), {}), X),
    ("arctan2_", lambda lib, t: ((_t(Z)(lib),), {}), X),
    ("hypot_", lambda lib, t: ((_t(Y)(lib),), {}), X),
    ("copysign_", lambda lib, t: ((-1.0,), {}), X),
    ("copysign_", lambda lib, t: ((_t(Z - 1)(lib),), {}), X),
    ("heaviside_", lambda lib, t: ((_t(Z)(lib),), {}), X - 0.5),
    ("nextafter_", lambda lib, t: ((_t(Y)(lib),), {}), X),
    ("ldexp_", lambda lib, t: ((_t(Y)(lib),), {}), X),
    ("xlogy_", lambda lib, t: ((_t(Y)(lib),), {}), X),
    ("xlogy_", lambda lib, t: ((2.0,), {}), X),
    ("igamma_", lambda lib, t: ((_t(Y)(lib),), {}), X),
    ("igammac_", lambda lib, t: ((_t(Y)(lib),), {}), X),
    ("lerp_", lambda lib, t: ((_t(Y)(lib), 0.3), {}), X),
    ("lerp_", lambda lib, t: ((_t(Y)(lib), _t(Y / 2)(lib)), {}), X),
    ("addcmul_", lambda lib, t: ((_t(Y)(lib), _t(Z)(lib)), {"value": 0.5}), X),
    ("addcdiv_", lambda lib, t: ((_t(Y)(lib), _t(Z)(lib)), {"value": -2}), X),
    ("addcmul_", lambda lib, t: ((t, t), {}), X),
    ("clamp_min_", lambda lib, t: ((0.5,), {}), X),
    ("clamp_max_", lambda lib, t: ((_t(Z - 0.5)(lib),), {}), X),
    ("clip_", lambda lib, t: ((0.2, 0.6), {}), X),
    ("clamp_", lambda lib, t: ((_t(Z - 0.8)(lib), None), {}), X),
    ("polygamma_", lambda lib, t: ((1,), {}), X),
    ("mvlgamma_", lambda lib, t: ((2,), {}), X + 1),
    ("round_", lambda lib, t: ((), {"decimals": 1}), X),
    ("logit_", lambda lib, t: ((0.2,), {}), X),
    ("nan_to_num_", lambda lib, t: ((), {"nan": 1.0, "posinf": 2.0}), np.array([np.nan, np.inf, 1.0])),
    ("triu_", lambda lib, t: ((1,), {}), X),
    ("tril_", lambda lib, t: ((-1,), {}), X),
    ("cumsum_", lambda lib, t: ((0,), {}), X),
    ("cumprod_", lambda lib, t: ((1,), {}), X),
    ("float_power_", lambda lib, t: ((2.5,), {}), X),
    ("fill_", lambda lib, t: ((1.5,), {}), X),
]


@pytest.mark.parametrize("name,args_fn,x", WITH_ARGS, ids=[w[0] for w in WITH_ARGS])
def test_inplace_with_arguments_matches_torch(name, args_fn, x):
    _check(name, args_fn, x)


COMPARISONS = """eq_ ne_ lt_ le_ gt_ ge_ greater_ greater_equal_ less_ less_equal_ not_equal_
logical_and_ logical_or_ logical_xor_""".split()


@pytest.mark.parametrize("name", COMPARISONS)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool"])
def test_comparison_inplace_keeps_self_dtype(name, dtype):
    x = np.array([[1, 0, 2], [3, -1, 0]])
    for other in (lambda lib: lib.tensor([1, 0, 3]), lambda lib: lib.tensor([[0.5], [3.0]]), lambda lib: 0):
        m, t = _pair(x, dtype)
        try:
            getattr(t, name)(other(torch))
        except TypeError:
            continue  # torch wants a Tensor there (minitorch accepts the number)
        except RuntimeError as e:
            with pytest.raises(RuntimeError):
                getattr(m, name)(other(minitorch))
            assert "can't be cast" in str(e) or "Bool" in str(e)
            continue
        getattr(m, name)(other(minitorch))
        assert str(m.dtype).split(".")[-1] == dtype
        np.testing.assert_array_equal(m.numpy(), t.numpy())


INT_OPS = [("bitwise_and_", 6), ("bitwise_or_", 6), ("bitwise_xor_", 6), ("bitwise_left_shift_", 2),
           ("bitwise_right_shift_", 1), ("gcd_", "t4"), ("lcm_", "t4"), ("remainder_", 3), ("fmod_", 3),
           ("floor_divide_", 3), ("pow_", 2), ("mul_", 3), ("add_", 2), ("sub_", 1), ("abs_", None),
           ("neg_", None), ("sign_", None), ("square_", None), ("bitwise_not_", None),
           ("floor_", None), ("round_", None)]


@pytest.mark.parametrize("name,arg", INT_OPS, ids=[o[0] for o in INT_OPS])
def test_integer_tensors_keep_integer_results(name, arg):
    x = np.array([5, -6, 7, 12])
    m, t = _pair(x)
    if arg == "t4":
        getattr(m, name)(minitorch.tensor(4))
        getattr(t, name)(torch.tensor(4))
    else:
        getattr(m, name)(*(() if arg is None else (arg,)))
        getattr(t, name)(*(() if arg is None else (arg,)))
    assert m.dtype == minitorch.int64
    np.testing.assert_array_equal(m.numpy(), t.numpy())


FLOAT_RESULTS = ["sin_", "exp_", "sqrt_", "sigmoid_", "erf_", "lgamma_", "log2_", "frac_", "reciprocal_",
                 "rsqrt_", "tanh_", "deg2rad_", "i0_"]


@pytest.mark.parametrize("name", FLOAT_RESULTS)
def test_integer_tensor_cannot_hold_a_float_result(name):
    m, t = _pair([1, 2, 3])
    with pytest.raises(RuntimeError) as ref:
        getattr(t, name)()
    with pytest.raises(RuntimeError) as mine:
        getattr(m, name)()
    if "can't be cast" in str(ref.value):
        assert "result type Float can't be cast to the desired output type Long" in str(mine.value)
    np.testing.assert_array_equal(m.numpy(), [1, 2, 3])  # untouched


def test_float_scalar_into_int_tensor_raises_as_torch():
    for name, args in (("mul_", (2.5,)), ("clamp_", (None, 3.5)), ("pow_", (0.5,)), ("div_", (2,)),
                       ("add_", (0.5,)), ("lerp_", (minitorch.tensor([1, 1]), 0.5))):
        m = minitorch.tensor([5, 6])
        with pytest.raises((RuntimeError, NotImplementedError)):
            getattr(m, name)(*args)


def test_self_is_never_broadcast_up():
    for name, args in (("add_", (np.ones((2, 3)),)), ("lerp_", (np.ones((2, 3)), 0.5)),
                       ("atan2_", (np.ones((2, 3)),)), ("eq_", (np.ones((2, 3)),)),
                       ("addcmul_", (np.ones(3), np.ones((2, 3))))):
        m = minitorch.ones(3)
        margs = tuple(minitorch.tensor(a, dtype=minitorch.float32) if isinstance(a, np.ndarray) else a
                      for a in args)
        with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
            getattr(m, name)(*margs)
    m = minitorch.ones(2, 3)
    m.mul_(minitorch.tensor([1.0, 2.0, 3.0]))  # the other way round is fine
    np.testing.assert_array_equal(m.numpy(), [[1, 2, 3], [1, 2, 3]])


def test_float_power_needs_a_double_tensor():
    m = minitorch.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="has dtype Float but the operation's result requires dtype Double"):
        m.float_power_(2)


# ---------------------------------------------------------------------------- autograd
def test_leaf_that_requires_grad_is_refused_and_allowed_under_no_grad():
    for name, args in (("sin_", ()), ("pow_", (2,)), ("lerp_", (minitorch.ones(3), 0.5)), ("eq_", (1.0,)),
                       ("unsqueeze_", (0,)), ("t_", ())):
        w = minitorch.tensor([0.5, 1.0, 1.5], requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            getattr(w, name)(*args)
        with minitorch.no_grad():
            getattr(w, name)(*args)
        assert w.requires_grad and w.grad_fn is None


RECORDED = [
    lambda y, lib: y.sin_(),
    lambda y, lib: y.pow_(3),
    lambda y, lib: y.mul_(2).sigmoid_(),
    lambda y, lib: y.lerp_(y.detach() * 2 + 1, 0.3),
    lambda y, lib: y.addcmul_(lib.ones_like(y) * 0.5, lib.ones_like(y) * 3, value=0.5),
    lambda y, lib: y.atan2_(lib.ones_like(y)),
    lambda y, lib: y.clamp_min_(0.6).exp2_(),
    lambda y, lib: y.erfinv_().square_(),
    lambda y, lib: y.floor_(),
    lambda y, lib: y.xlogy_(y + 1),
    lambda y, lib: y.unsqueeze_(0).transpose_(0, 1).squeeze_(),
    lambda y, lib: y.t_().log_(),
    lambda y, lib: y.eq_(0.5),
]


@pytest.mark.parametrize("k", range(len(RECORDED)))
def test_recorded_inplace_gradients_match_torch(k):
    fn = RECORDED[k]
    x = RNG.uniform(0.2, 0.8, (2, 3))
    g = RNG.standard_normal((2, 3))
    grads = []
    for lib in (minitorch, torch):
        a = lib.tensor(x, requires_grad=True)
        y = a * 1.5
        out = fn(y, lib)
        assert out is y
        assert y.requires_grad
        gg = lib.tensor(g if tuple(y.shape) == (2, 3) else g.T)
        (y * gg).sum().backward()
        grads.append(a.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10, atol=1e-12)


def test_inplace_through_a_view_writes_to_the_base_with_gradients():
    x = RNG.uniform(0.2, 0.8, (3, 4))
    results = []
    for lib in (minitorch, torch):
        a = lib.tensor(x, requires_grad=True)
        y = a * 2
        y[1:].sin_()
        y[:, 0].mul_(3).pow_(2)
        y.view(-1)[::5].neg_()
        w = lib.tensor(np.arange(12.0).reshape(3, 4))
        (y * w).sum().backward()
        results.append((y.detach().numpy().copy(), a.grad.numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-12)


def test_recorded_inplace_keeps_what_earlier_nodes_saved():
    """minitorch computes a recorded in-place op out of place (README): a node that saved
    the tensor's earlier value keeps it, so where PyTorch refuses (sigmoid_ saved its output,
    mul_ changed it) minitorch gives the gradient of the program as written."""
    x = RNG.uniform(0.2, 0.8, 5)
    a = minitorch.tensor(x, requires_grad=True)
    y = a * 1.0
    y.sigmoid_().mul_(2)
    y.sum().backward()
    s = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(a.grad.numpy(), 2 * s * (1 - s), rtol=1e-12)


def test_overwriting_a_saved_value_is_detected():
    a = minitorch.tensor([0.3, 0.6], requires_grad=True)
    y = a * 2
    z = y.sin()          # saves y
    y.cos_()             # changes it
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_unrecorded_inplace_is_seen_by_views():
    base = minitorch.arange(6.0)
    view = base[2:]
    view.sqrt_()
    base[:2].exp2_()
    np.testing.assert_allclose(base.numpy(), np.concatenate([2.0 ** np.arange(2), np.sqrt(np.arange(2, 6))]))


def test_augmented_assignments():
    pairs = [(lambda x: x.__ifloordiv__(2), "//="), (lambda x: x.__imod__(3), "%="),
             (lambda x: x.__ipow__(2), "**="), (lambda x: x.__iand__(6), "&="),
             (lambda x: x.__ior__(1), "|="), (lambda x: x.__ixor__(3), "^="),
             (lambda x: x.__ilshift__(2), "<<="), (lambda x: x.__irshift__(1), ">>=")]
    for op, label in pairs:
        m, t = _pair([5, -6, 7])
        ident = id(m)
        m2, t2 = op(m), op(t)
        assert id(m2) == ident, label
        np.testing.assert_array_equal(m2.numpy(), t2.numpy(), err_msg=label)
    m = minitorch.tensor([5, 6])
    m //= 2
    m <<= 1
    assert m.tolist() == [4, 6]


TORCH_LEVEL = """abs_ neg_ negative_ exp_ exp2_ expm1_ log_ log2_ log10_ log1p_ sqrt_ rsqrt_ reciprocal_
square_ sin_ cos_ tan_ asin_ acos_ atan_ sinh_ cosh_ tanh_ asinh_ atanh_ arcsin_ arccos_ arctan_
arcsinh_ arctanh_ sigmoid_ relu_ logit_ erf_ erfc_ i0_ sinc_ deg2rad_ rad2deg_ floor_ ceil_ round_
trunc_ fix_ frac_ nan_to_num_ clamp_min_ clamp_max_ conj_physical_ zero_""".split()


@pytest.mark.parametrize("name", TORCH_LEVEL)
def test_torch_level_inplace_functions(name):
    m, t = _pair(X)
    args = (0.5,) if name in ("clamp_min_", "clamp_max_") else ()
    assert getattr(minitorch, name)(m, *args) is m
    getattr(torch, name)(t, *args)
    np.testing.assert_allclose(m.numpy(), t.numpy(), rtol=1e-12, atol=1e-14)


def test_torch_level_binary_inplace_functions():
    for name, other in (("ldexp_", Y), ("xlogy_", Y), ("gcd_", None), ("lcm_", None)):
        if other is None:
            m, t = _pair([12, 18, 7])
            getattr(minitorch, name)(m, minitorch.tensor([8, 12, 5]))
            getattr(torch, name)(t, torch.tensor([8, 12, 5]))
        else:
            m, t = _pair(X)
            getattr(minitorch, name)(m, minitorch.tensor(other))
            getattr(torch, name)(t, torch.tensor(other))
        np.testing.assert_allclose(m.numpy(), t.numpy(), rtol=1e-12)
    m, t = _pair(X)
    minitorch.clamp_(m, 0.3, 0.6)
    torch.clamp_(t, 0.3, 0.6)
    minitorch.fill_(m, 2.0)
    torch.fill_(t, 2.0)
    np.testing.assert_array_equal(m.numpy(), t.numpy())


# ---------------------------------------------------------------------------- shape in place
SHAPE_OPS = [
    ("unsqueeze_", (0,)), ("unsqueeze_", (-1,)), ("squeeze_", ()), ("squeeze_", (1,)), ("t_", ()),
    ("transpose_", (0, 2)), ("swapaxes_", (1, 2)), ("swapdims_", (0, 1)),
]


@pytest.mark.parametrize("name,args", SHAPE_OPS, ids=[s[0] + str(s[1]) for s in SHAPE_OPS])
def test_shape_inplace_matches_torch_and_shares_memory(name, args):
    x = RNG.standard_normal((2, 1, 3)) if name != "t_" else RNG.standard_normal((2, 3))
    m, t = _pair(x)
    keep = m[...]
    v0 = m._version
    assert getattr(m, name)(*args) is m
    getattr(t, name)(*args)
    assert tuple(m.shape) == tuple(t.shape)
    assert m.stride() == t.stride()
    assert m._version > v0
    np.testing.assert_array_equal(m.numpy(), t.numpy())
    m.mul_(2)  # the same memory: an earlier view sees the change
    np.testing.assert_array_equal(keep.numpy(), 2 * x)


def test_resize_like_torch():
    m, t = minitorch.arange(4.0), torch.arange(4.0)
    m.resize_(2, 2)
    t.resize_(2, 2)
    assert m.tolist() == t.tolist()  # (t.numpy() would pin torch's storage: no resizing)
    m.resize_(6)
    t.resize_(6)
    assert m.tolist()[:4] == t.tolist()[:4]
    assert tuple(m.shape) == (6,)
    m.resize_((1, 3))
    t.resize_((1, 3))
    assert m.tolist() == t.tolist()
    m.resize_as_(minitorch.zeros(3, 1))
    assert tuple(m.shape) == (3, 1)
    a = minitorch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
        a.resize_(3)


def test_as_strided_like_torch():
    m, t = _pair(np.arange(6.0))
    m.as_strided_((2, 2), (1, 2), 1)
    t.as_strided_((2, 2), (1, 2), 1)
    np.testing.assert_array_equal(m.numpy(), t.numpy())
    m2, t2 = _pair(np.arange(6.0))
    m2, t2 = m2[2:], t2[2:]
    m2.as_strided_((2,), (2,), 0)  # the offset counts from the storage's start
    t2.as_strided_((2,), (2,), 0)
    np.testing.assert_array_equal(m2.numpy(), t2.numpy())
    with pytest.raises(RuntimeError, match="storage"):
        minitorch.arange(4.0).as_strided_((3,), (2,))
