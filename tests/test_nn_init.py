"""nn.init: every initializer's bounds and standard deviation against PyTorch's formulas.

Statistical tests use fixed seeds and large tensors (>= 100k values), with tolerances set
from the sampling error: the relative standard error of an empirical std is about
1/sqrt(2n) (normal) or sqrt(0.2/n) (uniform), ~0.15% at these sizes, so "within 1%" is
several standard errors wide yet still catches a wrong formula (a wrong fan or gain
changes the std by 10% or more). The maximum of n uniform draws on [-b, b] falls below
(1 - eps) b with probability (1 - eps/2)^n, so it must sit within 0.1% of the bound.
"""
import math
import warnings

import numpy as np
import pytest
import torch

import minitorch
import minitorch.nn as nn
from minitorch.nn import init

torch.set_num_threads(1)


def _t(*shape, dtype=minitorch.float32, requires_grad=False):
    return minitorch.empty(*shape, dtype=dtype, requires_grad=requires_grad)


def _std_close(values, expected, tol):
    assert abs(values.std() / expected - 1) < tol, (values.std(), expected, tol)


def _uniform_on(values, bound):
    """U(-bound, bound): the max within 0.1% of the bound and never past it, the std
    bound/sqrt(3) within 5 standard errors (relative SE sqrt(0.2/n)), the mean 0."""
    a = np.abs(values)
    assert a.max() <= bound * (1 + 1e-6)          # float32 rounding of the bound
    assert a.max() > bound * (1 - 1e-3)
    _std_close(values, bound / math.sqrt(3), 5 * math.sqrt(0.2 / values.size))
    assert abs(values.mean()) < 5 * bound / math.sqrt(3) / math.sqrt(values.size)


def _normal_with(values, std):
    """N(0, std^2): the std within 5 standard errors (relative SE 1/sqrt(2n)), the mean 0."""
    _std_close(values, std, 5 / math.sqrt(2 * values.size))
    assert abs(values.mean()) < 5 * std / math.sqrt(values.size)


# ------------------------------------------------------------------------------ gain and fans
GAINS = [("linear", None), ("conv1d", None), ("conv2d", None), ("conv3d", None),
         ("conv_transpose1d", None), ("conv_transpose2d", None), ("conv_transpose3d", None),
         ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", None),
         ("leaky_relu", 0.2), ("leaky_relu", 1), ("leaky_relu", math.sqrt(5)), ("selu", None)]


@pytest.mark.parametrize("name,param", GAINS)
def test_calculate_gain_equals_torch(name, param):
    assert init.calculate_gain(name, param) == torch.nn.init.calculate_gain(name, param)


def test_calculate_gain_errors():
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", True)
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", "0.1")


@pytest.mark.parametrize("shape", [(5, 3), (8, 4, 3, 3), (6, 2, 5), (2, 3, 1, 2, 2), (7, 0)])
def test_fans_equal_torch(shape):
    assert init._calculate_fan_in_and_fan_out(_t(*shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    for mode in ("fan_in", "fan_out", "FAN_IN"):
        assert init._calculate_correct_fan(_t(*shape), mode) == \
            torch.nn.init._calculate_correct_fan(torch.empty(shape), mode)


def test_fan_errors():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(_t(5))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(_t(5))
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(_t(3, 4), mode="fan_avg")


# ------------------------------------------------------------------------------ basic fills
def test_uniform_and_normal():
    minitorch.manual_seed(0)
    u = init.uniform_(_t(400, 500), -0.3, 0.7).numpy()
    assert u.min() >= -0.3 and u.max() < 0.7
    assert u.min() < -0.299 and u.max() > 0.699
    assert abs(u.mean() - 0.2) < 5 * (1 / math.sqrt(12)) / math.sqrt(u.size)
    _std_close(u, 1 / math.sqrt(12), 5 * math.sqrt(0.2 / u.size))
    n = init.normal_(_t(400, 500), mean=2.0, std=0.5).numpy()
    _normal_with(n - 2.0, 0.5)
    d = init.uniform_(_t(1000))  # defaults U(0, 1)
    assert 0 <= d.numpy().min() and d.numpy().max() < 1


def _truncnorm_moments(mean, std, a, b):
    phi = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda z: (1 + math.erf(z / math.sqrt(2))) / 2            # noqa: E731
    al, be = (a - mean) / std, (b - mean) / std
    z = cdf(be) - cdf(al)
    m = (phi(al) - phi(be)) / z
    var = 1 + (al * phi(al) - be * phi(be)) / z - m * m
    return mean + std * m, std * math.sqrt(var)


@pytest.mark.parametrize("mean,std,a,b", [(0.0, 1.0, -2.0, 2.0), (0.0, 0.02, -0.04, 0.04),
                                          (1.0, 2.0, 0.0, 5.0)])
def test_trunc_normal(mean, std, a, b):
    minitorch.manual_seed(1)
    v = init.trunc_normal_(_t(200_000, dtype=minitorch.float64), mean, std, a, b).numpy()
    assert v.min() >= a and v.max() <= b
    m, s = _truncnorm_moments(mean, std, a, b)
    assert abs(v.mean() - m) < 5 * s / math.sqrt(v.size)
    _std_close(v, s, 0.01)   # ~7 standard errors at n = 200k


def test_constant_ones_zeros_eye_dirac_equal_torch():
    assert np.all(init.constant_(_t(3, 4), 0.3).numpy() == np.float32(0.3))
    assert np.all(init.ones_(_t(2, 5)).numpy() == 1)
    assert np.all(init.zeros_(_t(2, 5)).numpy() == 0)
    for shape in [(3, 3), (3, 5), (5, 2)]:
        np.testing.assert_array_equal(init.eye_(_t(*shape)).numpy(),
                                      torch.nn.init.eye_(torch.empty(shape)).numpy())
    with pytest.raises(ValueError, match="2 dimensions"):
        init.eye_(_t(2, 2, 2))
    for shape, groups in [((4, 4, 3), 1), ((6, 3, 3, 3), 2), ((4, 2, 3, 3, 3), 2), ((2, 5, 4, 4), 1)]:
        np.testing.assert_array_equal(init.dirac_(_t(*shape), groups).numpy(),
                                      torch.nn.init.dirac_(torch.empty(shape), groups).numpy())
    with pytest.raises(ValueError, match="3, 4, or 5 dimensions"):
        init.dirac_(_t(3, 3))


# ------------------------------------------------------------------------------ Glorot / He
@pytest.mark.parametrize("shape", [(300, 500), (64, 32, 3, 3)])
@pytest.mark.parametrize("gain", [1.0, math.sqrt(2)])
def test_xavier(shape, gain):
    t = _t(*shape)
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(t)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    minitorch.manual_seed(2)
    _uniform_on(init.xavier_uniform_(t, gain=gain).numpy(), math.sqrt(3) * std)
    _normal_with(init.xavier_normal_(_t(*shape), gain=gain).numpy(), std)


KAIMING = [dict(), dict(a=math.sqrt(5)), dict(nonlinearity="relu"),
           dict(mode="fan_out", nonlinearity="relu"), dict(a=0.2, mode="fan_out"),
           dict(nonlinearity="tanh"), dict(nonlinearity="linear", mode="fan_out")]


@pytest.mark.parametrize("kw", KAIMING, ids=[str(k) for k in KAIMING])
@pytest.mark.parametrize("shape", [(300, 500), (64, 32, 3, 3)])
def test_kaiming(kw, shape):
    t = _t(*shape)
    fan = init._calculate_correct_fan(t, kw.get("mode", "fan_in"))
    gain = init.calculate_gain(kw.get("nonlinearity", "leaky_relu"), kw.get("a", 0))
    std = gain / math.sqrt(fan)
    minitorch.manual_seed(3)
    _uniform_on(init.kaiming_uniform_(t, **kw).numpy(), math.sqrt(3) * std)
    _normal_with(init.kaiming_normal_(_t(*shape), **kw).numpy(), std)


INITS = [  # (name, call, bounded: whether the range itself is part of the formula)
    ("uniform_", lambda I, t: I.uniform_(t, -0.5, 0.25), True),
    ("normal_", lambda I, t: I.normal_(t, 0.1, 0.3), False),
    ("trunc_normal_", lambda I, t: I.trunc_normal_(t, 0.0, 0.5, -0.6, 0.6), True),
    ("xavier_uniform_", lambda I, t: I.xavier_uniform_(t, gain=1.5), True),
    ("xavier_normal_", lambda I, t: I.xavier_normal_(t), False),
    ("kaiming_uniform_", lambda I, t: I.kaiming_uniform_(t, a=math.sqrt(5)), True),
    ("kaiming_uniform_relu_fan_out",
     lambda I, t: I.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu"), True),
    ("kaiming_normal_", lambda I, t: I.kaiming_normal_(t, nonlinearity="relu"), False),
    ("kaiming_normal_fan_out", lambda I, t: I.kaiming_normal_(t, a=0.1, mode="fan_out"), False),
    ("orthogonal_", lambda I, t: I.orthogonal_(t, gain=2.0), False),
    ("sparse_", lambda I, t: I.sparse_(t, 0.3, std=0.05), False),
]


@pytest.mark.parametrize("name,fn,bounded", INITS, ids=[n for n, _, _ in INITS])
def test_distribution_matches_torch(name, fn, bounded):
    """Ours and torch's on the same shape: the same std, mean and quantiles, and for the
    bounded ones the same range (different random streams, so statistically).

    n = 100k: the std agrees to ~0.3% (1.5% allowed), the 1%..99% quantiles to ~0.012 std
    (0.05 allowed), the extremes of a bounded law to ~1e-5 of the range (0.002 allowed)."""
    shape = (250, 400)
    minitorch.manual_seed(4)
    torch.manual_seed(4)
    ours = fn(init, _t(*shape)).numpy().ravel().astype(np.float64)
    theirs = fn(torch.nn.init, torch.empty(shape)).numpy().ravel().astype(np.float64)
    spread = theirs.std()
    assert abs(ours.std() / spread - 1) < 0.015
    assert abs(ours.mean() - theirs.mean()) < 6 * spread / math.sqrt(ours.size)
    qs = [0.01, 0.1, 0.5, 0.9, 0.99]
    np.testing.assert_allclose(np.quantile(ours, qs), np.quantile(theirs, qs), rtol=0,
                               atol=0.05 * spread)
    if bounded:
        assert abs(ours.max() - theirs.max()) < 0.002 * spread
        assert abs(ours.min() - theirs.min()) < 0.002 * spread
    if name == "sparse_":
        assert (ours == 0).sum() == (theirs == 0).sum()


# ------------------------------------------------------------------------------ orthogonal
@pytest.mark.parametrize("shape", [(6, 6), (4, 9), (9, 4), (8, 3, 2, 2), (3, 2, 5)])
@pytest.mark.parametrize("gain", [1.0, 0.5])
def test_orthogonal(shape, gain):
    minitorch.manual_seed(5)
    for dtype, tol in ((minitorch.float64, 1e-12), (minitorch.float32, 1e-5)):
        w = init.orthogonal_(_t(*shape, dtype=dtype), gain=gain).numpy().astype(np.float64)
        rows = shape[0]
        m = w.reshape(rows, -1)
        if rows <= m.shape[1]:
            np.testing.assert_allclose(m @ m.T, gain ** 2 * np.eye(rows), atol=tol)
        else:
            np.testing.assert_allclose(m.T @ m, gain ** 2 * np.eye(m.shape[1]), atol=tol)
    with pytest.raises(ValueError, match="2 or more dimensions"):
        init.orthogonal_(_t(4))


def test_orthogonal_is_haar_distributed():
    # the sign correction makes Q uniform: each entry of a random n x n orthogonal matrix
    # has mean 0 and variance 1/n (without it the diagonal is biased positive)
    minitorch.manual_seed(6)
    diag = np.concatenate([np.diag(init.orthogonal_(_t(8, 8, dtype=minitorch.float64)).numpy())
                           for _ in range(400)])
    assert abs(diag.mean()) < 5 * math.sqrt(1 / 8) / math.sqrt(diag.size)
    _std_close(diag, math.sqrt(1 / 8), 0.05)    # n = 3200: SE ~1.3%


def test_sparse():
    minitorch.manual_seed(7)
    w = init.sparse_(_t(50, 400, dtype=minitorch.float64), sparsity=0.3, std=0.02).numpy()
    assert np.all((w == 0).sum(axis=0) == math.ceil(0.3 * 50))
    _normal_with(w[w != 0], 0.02)
    with pytest.raises(ValueError, match="2 dimensions"):
        init.sparse_(_t(2, 2, 2), 0.1)


# ------------------------------------------------------------------------------ mechanics
def test_in_place_no_grad_same_object_and_version():
    p = nn.Parameter(minitorch.zeros(30, 20))
    v = p._version
    for fn in (lambda t: init.uniform_(t), lambda t: init.normal_(t), lambda t: init.constant_(t, 2),
               lambda t: init.xavier_uniform_(t), lambda t: init.kaiming_normal_(t),
               lambda t: init.orthogonal_(t), lambda t: init.trunc_normal_(t), lambda t: init.eye_(t),
               lambda t: init.zeros_(t), lambda t: init.ones_(t), lambda t: init.sparse_(t, 0.5)):
        out = fn(p)
        assert out is p
        assert p.requires_grad and p.is_leaf and p.grad_fn is None
        assert p.dtype == minitorch.float32
        assert p._version > v
        v = p._version


def test_generator_and_seed_reproducibility():
    g = minitorch.Generator().manual_seed(11)
    a = init.kaiming_uniform_(_t(20, 30), generator=g).numpy().copy()
    g.manual_seed(11)
    b = init.kaiming_uniform_(_t(20, 30), generator=g).numpy()
    np.testing.assert_array_equal(a, b)
    # a generator leaves the default stream alone
    minitorch.manual_seed(3)
    c = init.normal_(_t(100)).numpy().copy()
    minitorch.manual_seed(3)
    init.orthogonal_(_t(5, 5), generator=g)
    np.testing.assert_array_equal(init.normal_(_t(100)).numpy(), c)
    # different seeds give different draws
    minitorch.manual_seed(4)
    assert not np.array_equal(init.normal_(_t(100)).numpy(), c)


def test_float64_keeps_full_precision():
    minitorch.manual_seed(0)
    v = init.normal_(_t(1000, dtype=minitorch.float64)).numpy()
    assert v.dtype == np.float64
    assert not np.array_equal(v, v.astype(np.float32).astype(np.float64))


def test_zero_element_tensor_is_a_noop():
    t = _t(0, 5)
    with pytest.warns(UserWarning, match="zero-element"):
        assert init.kaiming_uniform_(t) is t
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert init.orthogonal_(_t(0, 3)).shape == (0, 3)


def test_not_a_tensor():
    with pytest.raises(TypeError, match=r"nn.init.uniform_\(\).*Tensor"):
        init.uniform_(np.zeros(3))
