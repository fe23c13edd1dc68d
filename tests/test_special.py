"""minitorch.special and the special functions of functional/pointwise.py: values against
PyTorch over wide ranges (float64, and float32), at the poles, infinities and nan, and the
namespace itself. Gradients are checked by the op table (tests/test_ops.py)."""
import numpy as np
import pytest
import torch

import minitorch
from minitorch.kernels import specfun as _specfun

torch.set_num_threads(1)
RNG = np.random.default_rng(1234)


def _both(name, *arrays, dtype="float64"):
    """Run special function `name` in minitorch and torch on the same arrays."""
    fm = _lookup(minitorch, name)
    ft = _lookup(torch, name)
    am = [minitorch.tensor(a.astype(dtype)) if isinstance(a, np.ndarray) else a for a in arrays]
    at = [torch.tensor(a.astype(dtype)) if isinstance(a, np.ndarray) else a for a in arrays]
    return fm(*am), ft(*at)


def _lookup(lib, name):
    obj = lib
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _assert_close(mine, ref, rtol, atol=0.0, name=""):
    m, r = mine.numpy(), ref.numpy()
    assert str(mine.dtype).split(".")[-1] == str(ref.dtype).split(".")[-1], name
    assert m.shape == tuple(ref.shape), name
    np.testing.assert_allclose(m, r, rtol=rtol, atol=atol, equal_nan=True, err_msg=name)


def _wide(lo, hi, n=4000):
    """Uniform draws plus log-spaced magnitudes of both signs, clipped to [lo, hi]."""
    u = RNG.uniform(lo, hi, n)
    mags = 10.0 ** RNG.uniform(-8, np.log10(max(abs(lo), abs(hi), 1.0)), n)
    s = np.concatenate([u, mags, -mags])
    return s[(s >= lo) & (s <= hi)]


# (name, inputs, rtol, atol): float64 agreement with torch over wide ranges
WIDE = [
    ("special.erf", _wide(-8, 8), 1e-14, 1e-300),
    ("special.erfc", _wide(-8, 27), 1e-12, 1e-300),
    ("special.erfinv", np.concatenate([RNG.uniform(-1, 1, 4000), 1 - 10.0 ** -RNG.uniform(1, 15, 500)]),
     1e-12, 1e-300),
    ("special.erfcx", _wide(-26, 1e5), 1e-12, 1e-300),
    ("special.gammaln", np.concatenate([_wide(-50, 170), 10.0 ** RNG.uniform(2, 300, 300)]), 1e-12, 1e-13),
    ("special.digamma", _wide(-30, 1e6), 1e-11, 1e-12),
    ("special.i0", _wide(-700, 700), 1e-13, 0),
    ("special.i0e", _wide(-1e4, 1e4), 1e-13, 0),
    ("special.i1", _wide(-700, 700), 1e-13, 1e-300),
    ("special.i1e", _wide(-1e4, 1e4), 1e-13, 1e-300),
    # torch's ndtr is 0.5 (1 + erf(x / sqrt 2)): it loses digits below x ~ -5 (and is 0 below
    # -8.3), where ours stays accurate (test_ndtr_left_tail_is_accurate)
    ("special.ndtr", _wide(-5, 9), 1e-9, 1e-300),
    ("special.ndtri", np.concatenate([RNG.uniform(0, 1, 4000), 10.0 ** -RNG.uniform(1, 300, 500)]),
     1e-12, 1e-300),
    ("special.log_ndtr", _wide(-1e3, 40), 1e-12, 1e-300),
    ("special.entr", _wide(-2, 1e3), 1e-14, 1e-300),
    ("special.sinc", _wide(-50, 50), 1e-12, 1e-14),
    ("lgamma", _wide(-20.5, 60), 1e-12, 1e-13),
    ("erfinv", RNG.uniform(-0.999, 0.999, 3000), 1e-13, 1e-300),
    ("i0", _wide(-100, 100), 1e-13, 0),
]


@pytest.mark.parametrize("name,x,rtol,atol", WIDE, ids=[w[0] for w in WIDE])
def test_unary_matches_torch_over_wide_ranges(name, x, rtol, atol):
    mine, ref = _both(name, x)
    _assert_close(mine, ref, rtol, atol, name)


@pytest.mark.parametrize("name", ["special.erf", "special.erfinv", "special.gammaln", "special.digamma",
                                  "special.i0e", "special.i1", "special.ndtr", "special.ndtri",
                                  "special.log_ndtr", "special.erfcx", "special.entr"])
def test_float32_in_float32_out(name):
    x = RNG.uniform(0.05, 0.95, 500)
    mine, ref = _both(name, x, dtype="float32")
    _assert_close(mine, ref, 2e-6, 1e-6, name)


EDGES = np.array([0.0, -0.0, 1.0, -1.0, -2.0, -2.5, 0.5, np.inf, -np.inf, np.nan, 1e-300, -1e-300,
                  2.0, 10.0, 20.0, 1e17, -1e17])


@pytest.mark.parametrize("name", ["special.erf", "special.erfc", "special.erfinv", "special.erfcx",
                                  "special.gammaln", "special.digamma", "special.i0", "special.i0e",
                                  "special.i1", "special.i1e", "special.ndtr", "special.ndtri",
                                  "special.log_ndtr", "special.entr", "special.sinc", "special.expit",
                                  "special.logit", "special.exp2", "special.expm1", "special.log1p"])
def test_poles_infinities_and_nan_as_torch(name):
    mine, ref = _both(name, EDGES)
    _assert_close(mine, ref, 1e-12, 1e-300, name)
    # the sign of zeros and infinities too
    m, r = mine.numpy(), ref.numpy()
    both = ~np.isnan(r)
    assert np.array_equal(np.signbit(m[both]), np.signbit(r[both])), name


def test_ndtr_left_tail_is_accurate():
    x = -10.0 ** RNG.uniform(0.5, 1.55, 300)  # -3.2 .. -35
    mine = minitorch.special.ndtr(minitorch.tensor(x)).numpy()
    via_log = np.exp(torch.special.log_ndtr(torch.tensor(x)).numpy())  # torch's log_ndtr is exact
    np.testing.assert_allclose(mine, via_log, rtol=1e-11)
    sp = pytest.importorskip("scipy.special")
    np.testing.assert_allclose(mine, sp.ndtr(x), rtol=1e-12)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 7])
def test_polygamma_matches_torch(n):
    x = np.concatenate([RNG.uniform(-6, 30, 2000), 10.0 ** RNG.uniform(-3, 6, 200),
                        [0.0, -1.0, -2.0, -0.5, np.inf, np.nan]])
    mine = minitorch.polygamma(n, minitorch.tensor(x))
    ref = torch.polygamma(n, torch.tensor(x))
    # torch's own trigamma is a short asymptotic series (~1e-9); ours sums zeta(2, x)
    _assert_close(mine, ref, 1e-8 if n == 1 else 1e-11, 1e-12, f"polygamma({n})")


def test_zeta_matches_torch():
    x = RNG.uniform(1.0001, 30, 3000)
    q = np.concatenate([RNG.uniform(0.01, 100, 2500), -RNG.uniform(0.1, 10, 500)])
    x[2500:] = np.round(x[2500:]) + 1  # q < 0 needs an integer x
    mine = minitorch.special.zeta(minitorch.tensor(x), minitorch.tensor(q))
    ref = torch.special.zeta(torch.tensor(x), torch.tensor(q))
    _assert_close(mine, ref, 1e-12, 1e-300, "zeta")
    edges = [(1.0, 2.0), (0.5, 2.0), (2.0, 0.0), (2.0, -1.0), (2.5, -1.5), (np.nan, 1.0), (3.0, np.inf)]
    xs, qs = (np.array(v) for v in zip(*edges))
    _assert_close(minitorch.special.zeta(minitorch.tensor(xs), minitorch.tensor(qs)),
                  torch.special.zeta(torch.tensor(xs), torch.tensor(qs)), 1e-12, 0, "zeta edges")


def test_zeta_scalar_arguments():
    q = RNG.uniform(0.5, 5, 20)
    _assert_close(minitorch.special.zeta(2.0, minitorch.tensor(q)),
                  torch.special.zeta(2.0, torch.tensor(q)), 1e-13, 0)
    _assert_close(minitorch.special.zeta(minitorch.tensor(q + 1), 3.0),
                  torch.special.zeta(torch.tensor(q + 1), 3.0), 1e-13, 0)


@pytest.mark.parametrize("name", ["special.gammainc", "special.gammaincc", "igamma", "igammac"])
def test_incomplete_gamma_matches_torch(name):
    a = 10.0 ** RNG.uniform(-2, 2.5, 3000)
    x = 10.0 ** RNG.uniform(-3, 2.7, 3000)
    mine, ref = _both(name, a, x)
    # torch's uniform asymptotic expansion (a > 20, x ~ a) is good to ~2e-9; ours to ~1e-14
    _assert_close(mine, ref, 5e-9, 1e-13, name)
    sp = pytest.importorskip("scipy.special")
    exact = (sp.gammaincc if name.endswith(("cc", "igammac")) else sp.gammainc)(a, x)
    np.testing.assert_allclose(mine.numpy(), exact, rtol=1e-10, atol=1e-300)
    ea = np.array([0.0, 0.0, 1.0, 1.0, -1.0, 1.0, np.inf, 2.0, np.nan])
    ex = np.array([1.0, 0.0, 0.0, np.inf, 1.0, -1.0, 3.0, np.nan, 1.0])
    mine, ref = _both(name, ea, ex)
    _assert_close(mine, ref, 1e-12, 0, name + " edges")


def test_xlogy_xlog1py_entr_match_torch():
    x = np.array([0.0, 0.0, 0.0, 1.5, -2.0, 3.0, np.nan, 0.0, 2.0])
    y = np.array([0.0, np.nan, -1.0, 0.0, 3.0, np.inf, 1.0, np.inf, -1.0])
    for name in ("special.xlogy", "xlogy", "special.xlog1py"):
        mine, ref = _both(name, x, y)
        _assert_close(mine, ref, 1e-14, 0, name)
    mine = minitorch.xlogy(2.0, minitorch.tensor(y))
    ref = torch.xlogy(2.0, torch.tensor(y))
    _assert_close(mine, ref, 1e-14, 0, "xlogy(scalar, tensor)")


def test_integer_inputs_give_the_default_float():
    i = np.array([1, 2, 3])
    for name in ("special.erf", "special.gammaln", "special.i1e", "special.ndtr", "special.expit",
                 "special.entr", "special.sinc", "special.exp2", "special.log1p", "digamma"):
        mine, ref = _both(name, i, dtype="int64")
        _assert_close(mine, ref, 1e-6, 1e-7, name)
    mine = minitorch.special.multigammaln(minitorch.tensor([2, 3]), 2)
    ref = torch.special.multigammaln(torch.tensor([2, 3]), 2)
    _assert_close(mine, ref, 1e-6, 0)


def test_mvlgamma_values_and_errors():
    x = RNG.uniform(2.0, 10.0, 50)
    for p in (1, 2, 5):
        _assert_close(minitorch.mvlgamma(minitorch.tensor(x), p), torch.mvlgamma(torch.tensor(x), p),
                      1e-12, 0, f"p={p}")
    with pytest.raises(RuntimeError, match="p has to be greater than or equal to 1"):
        minitorch.mvlgamma(minitorch.tensor(x), 0)
    with pytest.raises(RuntimeError, match="negative n"):
        minitorch.polygamma(-1, minitorch.tensor(x))


def test_special_composites_match_torch():
    x = RNG.standard_normal((3, 5))
    cases = [
        lambda lib, t: lib.special.softmax(t, 1),
        lambda lib, t: lib.special.log_softmax(t, dim=0),
        lambda lib, t: lib.special.logsumexp(t, 1),
        lambda lib, t: lib.special.logsumexp(t, (0, 1), keepdim=True),
        lambda lib, t: lib.special.round(t * 10, decimals=1),
        lambda lib, t: lib.special.logit(t.sigmoid(), eps=0.2),
        lambda lib, t: lib.special.psi(t.abs() + 0.5),
        lambda lib, t: lib.special.polygamma(2, t.abs() + 0.5),
        lambda lib, t: lib.special.modified_bessel_i0(t * 5),
        lambda lib, t: lib.special.modified_bessel_i1(t * 5),
    ]
    for k, fn in enumerate(cases):
        _assert_close(fn(minitorch, minitorch.tensor(x)), fn(torch, torch.tensor(x)), 1e-12, 1e-13,
                      f"case {k}")


def test_namespace_has_the_names_torch_special_has():
    implemented = ["erf", "erfc", "erfinv", "erfcx", "gammaln", "digamma", "psi", "polygamma",
                   "multigammaln", "gammainc", "gammaincc", "zeta", "i0", "i0e", "i1", "i1e", "ndtr",
                   "ndtri", "log_ndtr", "expit", "logit", "entr", "xlogy", "xlog1py", "log1p",
                   "expm1", "exp2", "sinc", "round", "softmax", "log_softmax", "logsumexp",
                   "modified_bessel_i0", "modified_bessel_i1"]
    for name in implemented:
        assert hasattr(torch.special, name), name
        assert callable(getattr(minitorch.special, name)), name
    assert set(implemented) <= set(minitorch.special.__all__)


def test_scalar_kernels_without_numba_agree(monkeypatch):
    """The pure-Python face (np.vectorize of the same scalar code, used without Numba)
    gives the same values as the compiled one."""
    x = np.concatenate([RNG.uniform(-5, 5, 200), RNG.uniform(15, 30, 50)])
    p = RNG.uniform(0.001, 0.999, 200)
    for name, arg in (("erfinv", np.tanh(x)), ("digamma", x), ("i0e", x), ("i1", x),
                      ("ndtri", p), ("log_ndtr", x), ("erfcx", x)):
        compiled = _specfun.call(name, arg)
        slow = np.vectorize(_specfun._PY[name], otypes=[np.float64])(arg)
        np.testing.assert_allclose(compiled, slow, rtol=1e-15, atol=0, equal_nan=True, err_msg=name)


NO_DERIVATIVE = ["bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_k0",
                 "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
                 "airy_ai", "spherical_bessel_j0", "modified_bessel_i0", "modified_bessel_i1"]


@pytest.mark.parametrize("name", NO_DERIVATIVE)
def test_bessel_and_airy_match_torch(name):
    x = np.concatenate([RNG.uniform(-30, 30, 3000), 10.0 ** RNG.uniform(-8, 2.8, 400),
                        -10.0 ** RNG.uniform(-8, 2.8, 400),
                        [0.0, -0.0, np.inf, -np.inf, np.nan, 2.0, 5.0, 8.0, 2.09, -2.09, 103.9]])
    mine, ref = _both("special." + name, x)
    # agreement to ~1e-13 except within a few ulps of a zero crossing (absolute 1e-15)
    _assert_close(mine, ref, 1e-12, 1e-15, name)
    w = minitorch.tensor([0.5, 1.5], requires_grad=True)
    assert not getattr(minitorch.special, name)(w).requires_grad  # no derivative, as torch
    mine, ref = _both("special." + name, np.array([1, 2, 3]), dtype="int64")
    _assert_close(mine, ref, 1e-6, 1e-7, name + " of ints")


POLYNOMIALS = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
               "chebyshev_polynomial_w", "shifted_chebyshev_polynomial_t",
               "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
               "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he",
               "laguerre_polynomial_l", "legendre_polynomial_p"]


@pytest.mark.parametrize("name", POLYNOMIALS)
def test_orthogonal_polynomials_match_torch(name):
    xs = np.concatenate([RNG.uniform(-1.5, 1.5, 300), [1.0, -1.0, 0.0, 0.5, 2.0]])
    ns = np.array([-1, 0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 15, 30, 4.7])
    x, n = np.meshgrid(xs, ns)
    mine, ref = _both("special." + name, x, n)
    _assert_close(mine, ref, 1e-11, 1e-12, name)
    fm, ft = getattr(minitorch.special, name), getattr(torch.special, name)
    _assert_close(fm(minitorch.tensor(xs), 3), ft(torch.tensor(xs), 3), 1e-12, 1e-13, "n a number")
    _assert_close(fm(0.3, minitorch.tensor([0, 2, 5])), ft(0.3, torch.tensor([0, 2, 5])), 2e-6, 1e-6,
                  "x a number (float32, as torch)")
    _assert_close(fm(minitorch.tensor([1, 2]), minitorch.tensor([3, 2])),
                  ft(torch.tensor([1, 2]), torch.tensor([3, 2])), 1e-6, 1e-6, "ints")
    assert not fm(minitorch.tensor([0.5], requires_grad=True), 2).requires_grad


def test_every_torch_special_function_exists():
    skip = {"Tensor", "torch", "common_args", "multi_dim_common"}
    names = [n for n in dir(torch.special) if not n.startswith("_") and n not in skip]
    missing = [n for n in names if not callable(getattr(minitorch.special, n, None))]
    assert not missing, missing
