"""Creation functions and random sampling.

Deterministic results (shapes, dtypes, values, errors of the creation functions) are
compared with torch on the same arguments. Random draws cannot be: minitorch's generator
is another algorithm than PyTorch's. They are checked for the right distribution instead,
with seeded draws and moments / frequencies that must land within a few standard errors."""
import warnings

import numpy as np
import pytest
import torch

import minitorch


def _env(lib):
    return {"torch": lib, "np": np, "x": lib.tensor([[1., 5, 2], [4, 0, 3]]),
            "i": lib.tensor([[1, 5, 2], [4, 0, 3]])}


def _run(lib, expr):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return True, eval(expr, _env(lib))
        except Exception as exc:  # noqa: BLE001 - the type is compared with torch's
            return False, exc


def _dtype_name(d):
    return str(d).split(".")[-1]


def assert_same(mine, ref, where="", rtol=1e-5, atol=1e-6):
    if isinstance(ref, torch.Tensor):
        assert isinstance(mine, minitorch.Tensor), f"{where}: got {type(mine).__name__}"
        assert tuple(mine.shape) == tuple(ref.shape), f"{where}: shape {tuple(mine.shape)} vs {tuple(ref.shape)}"
        assert _dtype_name(mine.dtype) == _dtype_name(ref.dtype), f"{where}: dtype {mine.dtype} vs {ref.dtype}"
        assert mine.requires_grad == ref.requires_grad, f"{where}: requires_grad"
        a, b = mine.detach().numpy(), ref.detach().numpy()
        if b.dtype.kind == "f":
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True, err_msg=where)
        else:
            np.testing.assert_array_equal(a, b, err_msg=where)
    elif isinstance(ref, (torch.dtype, torch.Size)):
        assert _dtype_name(mine) == _dtype_name(ref) if isinstance(ref, torch.dtype) else tuple(mine) == tuple(ref)
    else:
        assert mine == ref, f"{where}: {mine!r} vs {ref!r}"


def check(expr):
    ok_t, ref = _run(torch, expr)
    ok_m, mine = _run(minitorch, expr)
    if not ok_t:
        assert not ok_m, f"{expr}: torch raises {type(ref).__name__}, minitorch returned {mine!r}"
        assert isinstance(mine, type(ref)), f"{expr}: {type(mine).__name__} vs torch {type(ref).__name__}: {mine}"
        return
    assert ok_m, f"{expr}: minitorch raised {type(mine).__name__}: {mine}"
    assert_same(mine, ref, expr)


CASES = """
torch.zeros(2, 3)
torch.zeros((2, 3))
torch.zeros([2])
torch.zeros(size=(2, 3))
torch.zeros(size=[2])
torch.zeros(torch.Size([2, 1]))
torch.zeros(())
torch.zeros([])
torch.zeros(0)
torch.zeros(2, dtype=torch.int64)
torch.zeros(2, 3.0)
torch.zeros()
torch.ones((2, 3))
torch.ones(size=(1,), dtype=torch.bool)
torch.ones(2, requires_grad=True)
torch.ones(2, dtype=torch.int64, requires_grad=True)
torch.empty(size=(2,)).shape
torch.empty(2, 3).dtype
torch.empty((2, 3), dtype=torch.float64).shape
torch.randn(size=(2, 3)).shape
torch.rand(size=(2,)).dtype
torch.rand(2, 3, dtype=torch.float64).dtype
torch.rand(3, dtype=torch.int64)
torch.randn(4, generator=torch.Generator().manual_seed(0)).shape
torch.full((2, 2), True)
torch.full((2,), 3)
torch.full((2,), 3.5)
torch.full(size=(2,), fill_value=1)
torch.full([2], 2, dtype=torch.float32)
torch.full((2,), torch.tensor(3.))
torch.full((2,), torch.tensor(3))
torch.full((2,), np.float64(1.5))
torch.full((2,), np.int32(2))
torch.full((), 4)
torch.zeros_like(x, memory_format=torch.preserve_format)
torch.ones_like(i, dtype=torch.float32)
torch.full_like(x, 7)
torch.full_like(i, 2.7)
torch.full_like(x, True)
torch.empty_like(x).shape
torch.rand_like(x).dtype
torch.randn_like(x, dtype=torch.float64).dtype
torch.randint_like(x, 5).dtype
torch.randint_like(x, 3, 5).dtype
torch.randint_like(i, high=5).dtype
torch.arange(5)
torch.arange(1, 4)
torch.arange(0, 1, 0.1)
torch.arange(1, 2.5, 0.5)
torch.arange(-1.0, 1.0, 0.3)
torch.arange(5.0)
torch.arange(0, 10, 3)
torch.arange(10, 0, -3)
torch.arange(0, 0.30000000000000004, 0.1)
torch.arange(0.5, 2)
torch.arange(start=1, end=4, step=2)
torch.arange(end=3)
torch.arange(3, dtype=torch.float64)
torch.arange(torch.tensor(3))
torch.arange(torch.tensor(3.0))
torch.arange(np.int64(4))
torch.arange(np.float32(1.5))
torch.arange(0, 1, 0)
torch.arange(1, 0, 1)
torch.arange(0, 5, 1.5, dtype=torch.int64)
torch.arange(0, 5, 1.5, dtype=torch.int32)
torch.arange(0.5, 4.7, dtype=torch.int64)
torch.arange(2, requires_grad=True)
torch.arange(2.0, requires_grad=True)
torch.linspace(0, 1, 5)
torch.linspace(0, 1, steps=5)
torch.linspace(start=-1, end=1, steps=3)
torch.linspace(0, 1, 1)
torch.linspace(0, 1, 0)
torch.linspace(0, 1, -1)
torch.linspace(0, 10, 5, dtype=torch.int64)
torch.linspace(-3, 10, 7, dtype=torch.int64)
torch.linspace(torch.tensor(0.), torch.tensor(1.), 3)
torch.linspace(0, 1, 4, dtype=torch.float64)
torch.logspace(0, 2, 3)
torch.logspace(0, 2, steps=3, base=2)
torch.logspace(0, 1, 4, base=10.0, dtype=torch.float64)
torch.logspace(0, 3, 4, dtype=torch.int64)
torch.logspace(-2, 2, 5)
torch.range(0, 3)
torch.range(1, 2, 0.5)
torch.range(0, 3, dtype=torch.int64)
torch.range(start=0, end=1, step=0.25)
torch.range(3, 0, -1)
torch.scalar_tensor(3)
torch.scalar_tensor(3.5, dtype=torch.float64)
torch.scalar_tensor(True)
torch.empty_strided((2, 3), (1, 2)).shape
torch.empty_strided((2, 3), (1, 2)).stride()
torch.empty_strided((2, 3), (3, 1), dtype=torch.int64).dtype
torch.tril_indices(3, 3)
torch.tril_indices(3, 4, 1)
torch.tril_indices(4, 3, -1)
torch.triu_indices(3, 3)
torch.triu_indices(3, 4, offset=1)
torch.triu_indices(4, 3, -1)
torch.tril_indices(0, 3)
torch.triu_indices(3, 3, dtype=torch.int32)
torch.eye(3)
torch.eye(2, 3)
torch.eye(n=2, m=3, dtype=torch.int64)
torch.eye(3, requires_grad=True)
torch.hann_window(5)
torch.hann_window(5, periodic=False)
torch.hann_window(1)
torch.hann_window(0)
torch.hann_window(400).sum()
torch.hamming_window(5)
torch.hamming_window(5, False)
torch.hamming_window(5, periodic=True, alpha=0.5, beta=0.5)
torch.blackman_window(6)
torch.blackman_window(6, False)
torch.bartlett_window(5)
torch.bartlett_window(6, periodic=False)
torch.bartlett_window(7)
torch.kaiser_window(6)
torch.kaiser_window(6, False, beta=5.0)
torch.kaiser_window(1)
torch.kaiser_window(16, dtype=torch.float64)
torch.hann_window(4, dtype=torch.float64)
torch.hann_window(4, dtype=torch.int64)
torch.hann_window(-1)
torch.tensor([1, 2])
torch.tensor([1., 2])
torch.tensor([True, False])
torch.tensor([True, 1])
torch.tensor([True, 1.5])
torch.tensor([[1, 2], [3, 4.]])
torch.tensor([torch.tensor(1), torch.tensor(2)])
torch.tensor([torch.tensor(1.), torch.tensor(2)])
torch.tensor([torch.tensor(1., dtype=torch.float64), 2.5])
torch.tensor([[torch.tensor(1.5)], [torch.tensor(2)]])
torch.tensor(torch.tensor([1., 2]))
torch.tensor(np.float64(1.5))
torch.tensor(np.float32(1.5))
torch.tensor(np.int32(3))
torch.tensor(np.int64(3))
torch.tensor(np.bool_(True))
torch.tensor([np.float64(1.5), 2])
torch.tensor([np.int32(1), 2])
torch.tensor([np.float32(1.5), np.float32(2)])
torch.tensor([np.float32(1.5), 2.5])
torch.tensor(np.array([1.5, 2]))
torch.tensor(np.array([1, 2], dtype=np.int32))
torch.tensor(np.array([1, 2], dtype=np.uint8))
torch.tensor([np.uint8(1), np.int8(2)])
torch.tensor(np.array(3.0))
torch.tensor(3)
torch.tensor(3.0)
torch.tensor(True)
torch.tensor([])
torch.tensor([[]])
torch.tensor([], dtype=torch.int64)
torch.tensor(0.1, dtype=torch.float64).item() == 0.1
torch.tensor([0.1, 1e300], dtype=torch.float64).tolist()
torch.tensor([1, 2], dtype=torch.float32)
torch.tensor([1.7, -2.7], dtype=torch.int64)
torch.tensor([0.0, 0.5], dtype=torch.bool)
torch.tensor(range(3))
torch.tensor((1, 2))
torch.tensor([range(2), range(2)])
torch.tensor([[1, 2], [3]])
torch.tensor("a")
torch.tensor(["a", "b"])
torch.tensor([1, 2**62])
torch.tensor([1, 2**64])
torch.tensor(2**63)
torch.tensor([1, None])
torch.tensor([1.5], requires_grad=True)
torch.tensor([1], requires_grad=True)
torch.as_tensor([1, 2])
torch.as_tensor([1., 2], dtype=torch.float64)
torch.as_tensor(np.array([1.5, 2]))
torch.as_tensor(np.array([1, 2], dtype=np.int32))
torch.as_tensor(3.5)
torch.as_tensor(x, dtype=torch.float64)
torch.asarray([1, 2])
torch.asarray([1., 2])
torch.asarray(np.array([1.5, 2]))
torch.asarray(np.array([1.5, 2]), dtype=torch.float32)
torch.asarray(x)
torch.asarray(3)
torch.asarray([[1, 2]], dtype=torch.float64)
torch.asarray(np.float64(1.5))
torch.asarray([1.5], requires_grad=True)
torch.frombuffer(bytearray(b"\\x01\\x00\\x00\\x00\\x02\\x00\\x00\\x00"), dtype=torch.int32)
torch.frombuffer(bytearray(8), dtype=torch.float32)
torch.frombuffer(bytearray(8), dtype=torch.float32, count=1, offset=4)
torch.from_numpy(np.array([1, 2], dtype=np.int32))
torch.randint(10, (3,)).shape
torch.randint(10, (3,)).dtype
torch.randint(0, 10, size=(3,)).shape
torch.randint(3, 10, (2,), dtype=torch.float32).dtype
torch.randint(high=5, size=(2,)).shape
torch.randint(low=2, high=5, size=(2,)).shape
torch.randint(5, 2, (3,))
torch.randperm(5).dtype
torch.randperm(5, dtype=torch.float32).sort().values
torch.normal(2., 3., (2,)).dtype
torch.normal(2., 3., size=(2,), dtype=torch.float64).dtype
torch.normal(torch.zeros(2, dtype=torch.float64), 1.).dtype
torch.normal(0., torch.ones(2, 1)).shape
torch.normal(torch.zeros(3), torch.ones(2, 1)).shape
torch.normal(0., -1., (2,))
torch.normal(torch.zeros(2), -1.)
torch.normal(torch.zeros(2), torch.ones(3))
torch.normal(torch.zeros(2), torch.zeros(2))
torch.multinomial(torch.tensor([1., 0, 0]), 2)
torch.multinomial(torch.tensor([1., 1, 0]), 3).sort().values
torch.multinomial(torch.tensor([1., 1, 0]), 4)
torch.multinomial(torch.tensor([1., 1, 0]), 0)
torch.multinomial(torch.tensor([1., -1, 0]), 1)
torch.multinomial(torch.tensor([0., 0]), 1)
torch.multinomial(torch.tensor(1.), 1)
torch.multinomial(torch.tensor([1, 2]), 1)
torch.multinomial(torch.tensor([1., 0, 0]), 4, True)
torch.multinomial(torch.ones(2, 3, 4), 1)
torch.multinomial(torch.tensor([[1., 0], [0, 1]]), 1)
torch.multinomial(torch.tensor([float("nan"), 1]), 1)
torch.multinomial(torch.tensor([float("inf"), 1]), 1)
torch.tensor([[0., 3.], [2., 0.]]).multinomial(1)
torch.poisson(torch.tensor([0., 0.]))
torch.poisson(torch.tensor([1, 2]))
torch.poisson(torch.tensor([-1., 2.]))
torch.poisson(torch.ones(2, 3, dtype=torch.float64)).dtype
torch.binomial(torch.tensor([10., 5]), torch.tensor([0., 1.]))
torch.binomial(torch.tensor([10, 5]), torch.tensor([0.5, 0.2]))
torch.zeros(3).random_(5, 2)
torch.zeros(3).exponential_(-1)
torch.zeros(3).bernoulli_(1.5)
torch.zeros(3).bernoulli_(torch.tensor([0., 1, 1]))
torch.zeros(3).geometric_(0)
torch.zeros(3, dtype=torch.int64).exponential_()
torch.zeros(2, requires_grad=True).exponential_()
torch.zeros(2, requires_grad=True).bernoulli_()
torch.tensor([0., 1.]).bernoulli()
torch.bernoulli(torch.tensor([0., 1.]))
torch.bernoulli(torch.tensor([1, 0]))
torch.Generator().initial_seed()
torch.Generator().manual_seed(3).initial_seed()
"""


@pytest.mark.parametrize("expr", [c for c in CASES.strip().splitlines() if c.strip()])
def test_same_as_torch(expr):
    check(expr)


def test_float64_data_is_not_rounded_through_float32():
    vals = [0.1, 1 / 3, 1e-300, 1e300, 123456789.123456789]
    t = minitorch.tensor(vals, dtype=minitorch.float64)
    assert t.tolist() == vals
    assert minitorch.tensor(0.1, dtype=minitorch.float64).item() == 0.1
    assert minitorch.tensor([[0.1]], dtype="float64").tolist() == [[0.1]]
    assert minitorch.as_tensor([0.1], dtype=minitorch.float64).tolist() == [0.1]


@pytest.mark.parametrize("seed", range(3))
def test_arange_length_rule_matches_torch_on_random_float_steps(seed):
    rng = np.random.default_rng(seed)
    for _ in range(60):
        start = float(np.round(rng.uniform(-3, 3), rng.integers(0, 4)))
        step = float(np.round(rng.uniform(0.05, 1.5), rng.integers(1, 4))) * rng.choice([-1, 1])
        end = start + step * rng.integers(0, 12) + float(np.round(rng.uniform(0, 1), 2)) * step
        a, b = minitorch.arange(start, end, step), torch.arange(start, end, step)
        assert tuple(a.shape) == tuple(b.shape), (start, end, step)
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-6)


def test_size_keyword_on_every_creation_function():
    for fn in (minitorch.zeros, minitorch.ones, minitorch.empty, minitorch.rand, minitorch.randn):
        assert fn(size=(2, 3)).shape == (2, 3)
        assert fn(size=[4]).shape == (4,)
        assert fn((2, 1)).shape == (2, 1)
        assert fn(2, 1).shape == (2, 1)
        assert fn(minitorch.Size([3])).shape == (3,)
        with pytest.raises(TypeError):
            fn(2, size=(2,))


def test_out_keyword_on_creation_functions():
    out = minitorch.empty(3)
    r = minitorch.zeros(3, out=out)
    assert r is out and out.tolist() == [0.0, 0.0, 0.0]
    out = minitorch.empty(4, dtype=minitorch.int64)
    minitorch.arange(4, out=out)
    assert out.tolist() == [0, 1, 2, 3]


def test_asarray_as_tensor_from_numpy_frombuffer_share_memory():
    a = np.arange(4.0)
    for t in (minitorch.asarray(a), minitorch.as_tensor(a), minitorch.from_numpy(a)):
        a[0] = 42.0
        assert t[0].item() == 42.0
        a[0] = 0.0
    c = minitorch.asarray(a, copy=True)
    a[1] = -1.0
    assert c[1].item() == 1.0
    with pytest.raises(ValueError):
        minitorch.asarray(a, dtype=minitorch.float32, copy=False)
    x = minitorch.tensor([1.0, 2.0])
    assert minitorch.asarray(x) is x
    buf = bytearray(np.array([1, 2, 3], dtype=np.int32).tobytes())
    t = minitorch.frombuffer(buf, dtype=minitorch.int32)
    buf[0] = 9
    assert t.tolist() == [9, 2, 3]


def test_memory_format_and_layout_names():
    for name in ("preserve_format", "contiguous_format", "channels_last", "channels_last_3d",
                 "strided"):
        assert hasattr(minitorch, name), name
    x = minitorch.ones(2, 3)
    assert minitorch.zeros_like(x, memory_format=minitorch.preserve_format).shape == (2, 3)
    assert minitorch.empty(2, layout=minitorch.strided).shape == (2,)


# ---------------------------------------------------------------------------- distributions
def _z(sample_mean, mean, var, n):
    """How many standard errors a sample mean is from the expected mean."""
    return abs(sample_mean - mean) / np.sqrt(var / n)


N = 200_000


def test_rand_randn_randint_randperm_distributions():
    minitorch.manual_seed(0)
    u = minitorch.rand(N).numpy()
    assert u.dtype == np.float32 and u.min() >= 0 and u.max() < 1
    assert _z(u.mean(), 0.5, 1 / 12, N) < 5 and abs(u.var() - 1 / 12) < 2e-3
    g = minitorch.randn(N, dtype=minitorch.float64).numpy()
    assert _z(g.mean(), 0, 1, N) < 5 and abs(g.std() - 1) < 0.01
    k = minitorch.randint(3, 7, (N,)).numpy()
    assert set(np.unique(k)) == {3, 4, 5, 6}
    assert np.abs(np.bincount(k - 3) / N - 0.25).max() < 0.01
    p = minitorch.randperm(50).numpy()
    assert sorted(p) == list(range(50)) and not np.array_equal(p, np.arange(50))


def test_normal_every_overload_has_the_right_moments():
    minitorch.manual_seed(1)
    x = minitorch.normal(2.0, 3.0, (N,)).numpy()
    assert _z(x.mean(), 2.0, 9.0, N) < 5 and abs(x.std() - 3.0) < 0.03
    mean = minitorch.tensor([-2.0, 0.0, 5.0]).expand(N // 10, 3)
    std = minitorch.tensor([0.5, 1.0, 2.0])
    y = minitorch.normal(mean, std).numpy()
    np.testing.assert_allclose(y.mean(0), [-2, 0, 5], atol=0.05)
    np.testing.assert_allclose(y.std(0), [0.5, 1.0, 2.0], rtol=0.03)
    z = minitorch.normal(mean, 2.0).numpy()
    np.testing.assert_allclose(z.std(0), [2.0] * 3, rtol=0.03)
    w = minitorch.normal(1.0, std.expand(N // 10, 3)).numpy()
    np.testing.assert_allclose(w.mean(0), [1.0] * 3, atol=0.05)


def test_normal_with_tensor_parameters_has_zero_gradient_like_torch():
    m = minitorch.zeros(3, requires_grad=True)
    s = minitorch.ones(3, requires_grad=True)
    out = minitorch.normal(m, s)
    assert out.requires_grad
    out.sum().backward()
    assert m.grad.tolist() == [0.0] * 3 and s.grad.tolist() == [0.0] * 3


def test_multinomial_with_replacement_frequencies():
    minitorch.manual_seed(2)
    w = np.array([1.0, 0.0, 3.0, 6.0])
    draws = minitorch.multinomial(minitorch.tensor(w), N, replacement=True).numpy()
    assert draws.dtype == np.int64 and draws.shape == (N,)
    freq = np.bincount(draws, minlength=4) / N
    np.testing.assert_allclose(freq, w / w.sum(), atol=0.006)
    assert freq[1] == 0
    rows = minitorch.multinomial(minitorch.tensor([[5.0, 0.0, 0.0], [0.0, 0.0, 2.0]]), 7, True)
    assert rows.tolist() == [[0] * 7, [2] * 7]


def test_multinomial_without_replacement_is_successive_sampling():
    """First draw proportional to the weights; second draw proportional to the remaining
    weights (P(j second) = sum_i w_i/W * w_j/(W - w_i)); no repeats in a row."""
    minitorch.manual_seed(3)
    w = np.array([1.0, 2.0, 3.0, 4.0])
    n = 60_000
    draws = minitorch.multinomial(minitorch.tensor(np.tile(w, (n, 1))), 3).numpy()
    assert draws.shape == (n, 3)
    assert all(len(set(r)) == 3 for r in draws[:2000])
    W = w.sum()
    first = np.bincount(draws[:, 0], minlength=4) / n
    np.testing.assert_allclose(first, w / W, atol=0.01)
    second_expected = np.array([sum(w[i] / W * w[j] / (W - w[i]) for i in range(4) if i != j)
                                for j in range(4)])
    second = np.bincount(draws[:, 1], minlength=4) / n
    np.testing.assert_allclose(second, second_expected, atol=0.01)


def test_multinomial_without_replacement_takes_zero_weights_last():
    minitorch.manual_seed(4)
    for _ in range(20):
        d = minitorch.multinomial(minitorch.tensor([0.0, 1.0, 0.0, 2.0]), 4).tolist()
        assert set(d[:2]) == {1, 3} and set(d[2:]) == {0, 2}
        assert set(minitorch.multinomial(minitorch.tensor([0.0, 1.0, 0.0, 2.0]), 2).tolist()) == {1, 3}


def test_poisson_binomial_moments():
    minitorch.manual_seed(5)
    rates = minitorch.tensor([0.5, 3.0, 20.0]).expand(N // 4, 3).contiguous()
    p = minitorch.poisson(rates).numpy()
    assert p.dtype == np.float32 and (p == np.round(p)).all()
    np.testing.assert_allclose(p.mean(0), [0.5, 3.0, 20.0], rtol=0.02)
    np.testing.assert_allclose(p.var(0), [0.5, 3.0, 20.0], rtol=0.05)
    b = minitorch.binomial(minitorch.full((N,), 10.0), minitorch.full((N,), 0.3)).numpy()
    assert b.min() >= 0 and b.max() <= 10
    assert _z(b.mean(), 3.0, 2.1, N) < 5 and abs(b.var() - 2.1) < 0.05


def test_in_place_samplers_distributions():
    minitorch.manual_seed(6)
    e = minitorch.empty(N).exponential_(2.0).numpy()
    assert e.min() >= 0 and _z(e.mean(), 0.5, 0.25, N) < 5
    b = minitorch.empty(N).bernoulli_(0.3).numpy()
    assert set(np.unique(b)) == {0.0, 1.0} and _z(b.mean(), 0.3, 0.21, N) < 5
    probs = minitorch.tensor([0.1, 0.9]).expand(N // 2, 2).contiguous()
    bt = minitorch.zeros(N // 2, 2).bernoulli_(probs).numpy()
    np.testing.assert_allclose(bt.mean(0), [0.1, 0.9], atol=0.01)
    c = minitorch.empty(N).cauchy_(1.0, 2.0).numpy()
    q1, med, q3 = np.percentile(c, [25, 50, 75])
    assert abs(med - 1.0) < 0.05 and abs((q3 - q1) - 4.0) < 0.1
    ln = minitorch.empty(N, dtype=minitorch.float64).log_normal_(1.0, 0.5).numpy()
    assert ln.min() > 0 and abs(np.log(ln).mean() - 1.0) < 0.01 and abs(np.log(ln).std() - 0.5) < 0.01
    geo = minitorch.empty(N).geometric_(0.25).numpy()
    assert geo.min() == 1 and (geo == np.round(geo)).all() and _z(geo.mean(), 4.0, 12.0, N) < 5
    r = minitorch.empty(N).random_(3, 7).numpy()
    assert set(np.unique(r)) == {3.0, 4.0, 5.0, 6.0}
    r = minitorch.empty(N, dtype=minitorch.int64).random_(10).numpy()
    assert r.min() == 0 and r.max() == 9
    r = minitorch.empty(1000).random_().numpy()
    assert r.min() >= 0 and r.max() <= 2 ** 24 and (r == np.round(r)).all()
    r = minitorch.empty(1000, dtype=minitorch.int64).random_().numpy()
    assert r.min() >= 0 and r.max() > 2 ** 40
    s = minitorch.empty(N).uniform_(-2, 3).numpy()
    assert s.min() >= -2 and s.max() < 3 and _z(s.mean(), 0.5, 25 / 12, N) < 5
    n = minitorch.empty(N).normal_(1.0, 0.5).numpy()
    assert _z(n.mean(), 1.0, 0.25, N) < 5 and abs(n.std() - 0.5) < 0.01


def test_in_place_samplers_keep_dtype_return_self_and_bump_version():
    t = minitorch.zeros(5, dtype=minitorch.float64)
    v = t._version
    for call in (lambda: t.exponential_(), lambda: t.bernoulli_(0.5), lambda: t.cauchy_(),
                 lambda: t.log_normal_(), lambda: t.geometric_(0.5), lambda: t.random_(3)):
        assert call() is t and t.dtype == minitorch.float64
    assert t._version > v
    w = minitorch.zeros(3, requires_grad=True)
    with minitorch.no_grad():
        w.exponential_()
    assert w.requires_grad and (w.detach().numpy() > 0).all()


def test_bernoulli_functional_and_method():
    minitorch.manual_seed(7)
    p = minitorch.tensor([0.2, 0.8]).expand(N // 2, 2).contiguous()
    d = minitorch.bernoulli(p).numpy()
    np.testing.assert_allclose(d.mean(0), [0.2, 0.8], atol=0.01)
    assert p.bernoulli().dtype == minitorch.float32
    assert abs(minitorch.bernoulli(p, 0.5).numpy().mean() - 0.5) < 0.01


# ---------------------------------------------------------------------------- generators
def test_manual_seed_reproduces_every_sampler():
    def draws():
        return (minitorch.rand(3).tolist(), minitorch.randn(2).tolist(),
                minitorch.randint(0, 100, (3,)).tolist(), minitorch.randperm(5).tolist(),
                minitorch.normal(0.0, 1.0, (2,)).tolist(),
                minitorch.multinomial(minitorch.ones(6), 3).tolist(),
                minitorch.empty(2).exponential_().tolist())
    g = minitorch.manual_seed(11)
    assert g is minitorch.default_generator and minitorch.initial_seed() == 11
    a = draws()
    minitorch.manual_seed(11)
    assert draws() == a


def test_generator_objects_are_independent_streams():
    g1 = minitorch.Generator().manual_seed(7)
    g2 = minitorch.Generator().manual_seed(7)
    assert minitorch.rand(4, generator=g1).tolist() == minitorch.rand(4, generator=g2).tolist()
    state = minitorch.get_rng_state()
    minitorch.randn(3, generator=g1)
    minitorch.multinomial(minitorch.ones(4), 2, generator=g1)
    minitorch.empty(3).normal_(generator=g1)
    assert minitorch.equal(minitorch.get_rng_state(), state)


def test_generator_state_round_trip_and_clone():
    g = minitorch.Generator().manual_seed(123)
    minitorch.rand(5, generator=g)
    s = g.get_state()
    assert isinstance(s, minitorch.Tensor) and s.ndim == 1
    a = minitorch.randn(4, generator=g).tolist()
    g.set_state(s)
    assert minitorch.randn(4, generator=g).tolist() == a
    g.set_state(s.clone())
    c = g.clone_state()
    assert minitorch.rand(3, generator=c).tolist() == minitorch.rand(3, generator=g).tolist()
    assert c.initial_seed() == 123
    with pytest.raises(RuntimeError):
        g.set_state(minitorch.zeros(3, dtype=minitorch.int64))


def test_default_state_functions_and_fork_rng():
    minitorch.manual_seed(5)
    state = minitorch.get_rng_state()
    a = minitorch.rand(3).tolist()
    minitorch.set_rng_state(state)
    assert minitorch.rand(3).tolist() == a
    minitorch.random.set_rng_state(state)
    with minitorch.random.fork_rng():
        minitorch.rand(10)
    assert minitorch.rand(3).tolist() == a
    with minitorch.random.fork_rng(enabled=False):
        minitorch.rand(1)
    assert minitorch.random.default_generator is minitorch.default_generator
    s = minitorch.seed()
    assert isinstance(s, int) and minitorch.initial_seed() == s


def test_generator_api_names():
    g = minitorch.Generator(device="cpu")
    assert g.device == minitorch.device("cpu")
    assert g.initial_seed() == torch.Generator().initial_seed()
    assert g.manual_seed(-1) is g and g.initial_seed() == 2 ** 64 - 1
    assert isinstance(g.seed(), int)
    for name in ("manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state",
                 "fork_rng", "default_generator", "Generator"):
        assert hasattr(minitorch.random, name), name
