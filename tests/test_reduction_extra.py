"""Reductions beyond the op table: the non-differentiable results (indices, counts, dtypes,
shapes), the argument forms PyTorch accepts, empty and 0-d inputs, and the errors, each
run on the same inputs in minitorch and in torch.

The gradients of the differentiable functions are checked by the op table
(minitorch/testing/op_table_reduction.py, run by tests/test_ops.py)."""
import warnings

import numpy as np
import pytest
import torch

import minitorch

NAN = float("nan")


def _env(lib):
    return {
        "torch": lib, "np": np, "nan": NAN,
        "x": lib.tensor([[1., 5, 2], [4, 0, 3]]),
        "i": lib.tensor([[1, 5, 2], [4, 0, 3]]),
        "z": lib.zeros(0, 3),
        "s": lib.tensor(2.5),
        "f": lib.tensor([[1., NAN, 2], [NAN, NAN, NAN], [0., 3, -1]]),
        "r": lib.from_numpy(np.random.default_rng(0).standard_normal((4, 5, 6))),
        "w": lib.tensor([[1., 5, 2, 0], [4, 0, 3, 1], [2, 2, 2, 3]]),
    }


def _run(lib, expr):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return True, eval(expr, _env(lib))
        except Exception as exc:  # noqa: BLE001 - the type is compared with torch's
            return False, exc


def _dtype_name(d):
    return str(d).split(".")[-1]


def assert_same(mine, ref, rtol=1e-5, atol=1e-6, where=""):
    """minitorch result == torch result: tensors by shape, dtype and values; tuples
    (named tuples by their type name) item by item; anything else by ==."""
    if isinstance(ref, torch.Tensor):
        assert isinstance(mine, minitorch.Tensor), f"{where}: got {type(mine).__name__}"
        assert tuple(mine.shape) == tuple(ref.shape), f"{where}: shape {tuple(mine.shape)} vs {tuple(ref.shape)}"
        assert _dtype_name(mine.dtype) == _dtype_name(ref.dtype), f"{where}: dtype {mine.dtype} vs {ref.dtype}"
        a, b = mine.detach().numpy(), ref.detach().numpy()
        if b.dtype.kind == "f":
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True, err_msg=where)
        else:
            np.testing.assert_array_equal(a, b, err_msg=where)
    elif isinstance(ref, tuple):
        assert isinstance(mine, tuple) and len(mine) == len(ref), f"{where}: {mine!r}"
        if type(ref).__module__ == "torch.return_types":
            assert type(mine).__name__ == type(ref).__name__, f"{where}: {type(mine).__name__}"
        for k, (m, r) in enumerate(zip(mine, ref)):
            assert_same(m, r, rtol, atol, f"{where}[{k}]")
    else:
        assert mine == ref, f"{where}: {mine!r} vs {ref!r}"


def check(expr, rtol=1e-5, atol=1e-6):
    ok_t, ref = _run(torch, expr)
    ok_m, mine = _run(minitorch, expr)
    if not ok_t:
        assert not ok_m, f"{expr}: torch raises {type(ref).__name__}, minitorch returned {mine!r}"
        assert isinstance(mine, type(ref)), f"{expr}: {type(mine).__name__} vs torch {type(ref).__name__}: {mine}"
        return
    assert ok_m, f"{expr}: minitorch raised {type(mine).__name__}: {mine}"
    assert_same(mine, ref, rtol, atol, expr)


CASES = """
torch.max(z, 1)
torch.max(z, 0)
torch.max(z)
torch.min(torch.tensor([]))
torch.sum(z, 0)
torch.mean(z, 0)
torch.mean(z)
torch.prod(z, 1)
torch.amax(z, 1)
torch.amax(z, 0)
torch.amax(z)
torch.argmax(z, 1)
torch.argmax(z, 0)
torch.argmax(z)
torch.max(s, 0)
torch.max(s, 1)
torch.argmax(s, 0)
torch.max(x, 1)
torch.min(x, dim=0, keepdim=True)
x.max(1, True)
torch.logsumexp(s, 0)
torch.logsumexp(i, 1)
torch.var(x, 1, True)
torch.var(x, 1, False, True)
torch.var(x, [0, 1])
torch.var(x, unbiased=False)
torch.var(x, False)
torch.var(x, dim=1, correction=2)
torch.var(x, 0, correction=0.5)
torch.std(x, 1, True)
torch.std(x, None, True, True)
torch.std(x, dim=None, correction=0)
torch.var_mean(x, 1)
torch.std_mean(x, dim=1, keepdim=True)
torch.var_mean(x, False)
torch.var(i)
torch.std(s)
torch.var(z, 0)
torch.mean(i)
torch.mean(i, dtype=torch.float64)
torch.mean(i, dtype=torch.int64)
torch.sum(i, dtype=torch.float32)
torch.sum(x, 1, dtype=torch.int64)
torch.sum(torch.tensor([True, True]))
torch.prod(torch.tensor([True, True]))
torch.sum(torch.tensor([1, 2], dtype=torch.int32))
torch.mean(x, (0, 1))
torch.sum(x, dim=None, keepdim=True)
torch.mean(x, None, True)
x.sum_to_size(1, 3)
x.sum_to_size((2, 1))
x.sum_to_size(3)
x.sum_to_size(2, 2)
x.sum_to_size(1, 2, 3)
torch.nansum(torch.tensor([1., nan, 2]))
torch.nansum(i, 1)
torch.nansum(f, 0, keepdim=True)
torch.nansum(x, dtype=torch.float64)
torch.nansum(torch.tensor([True, False]))
torch.nanmean(f, 1)
torch.nanmean(f)
torch.nanmean(x, 1, True)
torch.nanmean(i)
torch.count_nonzero(i)
torch.count_nonzero(x, 0)
torch.count_nonzero(x, (0, 1))
torch.count_nonzero(x, dim=[0, 1])
torch.count_nonzero(s)
x.count_nonzero(1)
torch.cumprod(x, 1)
torch.cumprod(i, 0)
torch.cumprod(i, 0, dtype=torch.float32)
torch.cumprod(torch.tensor([True, True, False]), 0)
torch.cumprod(s, 0)
x.cumprod(dim=-1)
torch.cumprod(x, 2)
torch.cumsum(x, dim=1, dtype=torch.int64)
torch.cummax(x, 1)
torch.cummin(i, 0)
torch.cummax(torch.tensor([1., 3, 3, 2, 3]), 0)
torch.cummin(torch.tensor([3., 1, 1, 2, 1]), 0)
torch.cummax(torch.tensor([1., nan, 3, nan, 5]), 0)
torch.cummin(torch.tensor([1., nan, 0, nan]), 0)
torch.cummax(s, 0)
torch.cummax(r, 1)
torch.cummin(r, -1)
torch.cummax(torch.tensor([True, False, True]), 0)
torch.logcumsumexp(x, 1)
torch.logcumsumexp(torch.tensor([-1000., 0, 1000]), 0)
torch.logcumsumexp(torch.tensor([-float("inf"), -float("inf")]), 0)
torch.logcumsumexp(torch.tensor([float("inf"), 1.]), 0)
torch.logcumsumexp(r, 2)
torch.logcumsumexp(i, 0)
torch.aminmax(x)
torch.aminmax(x, dim=1)
torch.aminmax(x, dim=1, keepdim=True)
torch.aminmax(x, keepdim=True)
torch.aminmax(i)
torch.aminmax(z)
torch.aminmax(r, dim=-1)
torch.histc(x, bins=4)
torch.histc(x, 3, 0, 4)
torch.histc(x, 3, min=1, max=1)
torch.histc(torch.tensor([1., 1]), bins=3)
torch.histc(r, bins=7, min=-1, max=1)
torch.histc(r.double(), 10)
torch.histc(torch.tensor([0., 1, 2, 3, 4]), 4, 0, 4)
torch.histc(torch.tensor([], dtype=torch.float32), 4)
torch.histc(x, bins=-1)
torch.histc(x, 4, 3, 1)
torch.histc(torch.tensor([1., nan]), 4)
torch.histc(i, 4)
x.histc(4)
torch.histogram(x, 3)
torch.histogram(x, torch.tensor([0., 1, 5]))
torch.histogram(x, 3, range=(0., 6.), density=True)
torch.histogram(x, 3, weight=torch.ones(2, 3) * 0.5)
torch.histogram(r.double(), 5)
torch.bincount(torch.tensor([0, 2, 2, 5]))
torch.bincount(torch.tensor([0, 2, 2, 5]), minlength=8)
torch.bincount(torch.tensor([0, 2, 2]), torch.tensor([0.5, 1., 2.]))
torch.bincount(torch.tensor([0, 2, 2]), torch.tensor([0.5, 1., 2.], dtype=torch.float64))
torch.bincount(torch.tensor([0, 2, 2]), torch.tensor([1, 1, 2]))
torch.bincount(torch.tensor([], dtype=torch.int64))
torch.bincount(torch.tensor([], dtype=torch.int64), minlength=3)
torch.bincount(torch.tensor([-1, 2]))
torch.bincount(torch.tensor([1., 2]))
torch.bincount(torch.tensor([[1, 2]]))
torch.bincount(torch.tensor([1, 2]), torch.tensor([1.]))
torch.tensor([1, 1, 3]).bincount()
torch.tensor([1, 1, 3]).bincount(minlength=6)
"""


@pytest.mark.parametrize("expr", [c for c in CASES.strip().splitlines() if c.strip()])
def test_same_as_torch(expr):
    check(expr)


def test_numpy_keyword_names_on_new_reductions():
    x = minitorch.tensor([[1., NAN, 2], [3, 4, NAN]])
    t = torch.tensor([[1., NAN, 2], [3, 4, NAN]])
    assert_same(minitorch.nansum(x, axis=1, keepdims=True), torch.nansum(t, axis=1, keepdims=True))
    assert_same(x.nanmean(axis=0), t.nanmean(axis=0))
    assert_same(minitorch.cumprod(x, axis=1), torch.cumprod(t, axis=1))


def test_reductions_of_empty_inputs_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(minitorch.mean(minitorch.zeros(0)).item())
        assert minitorch.mean(minitorch.zeros(0, 3), 0).shape == (3,)
        assert np.isnan(minitorch.nanmean(minitorch.tensor([NAN, NAN])).item())


def test_var_without_degrees_of_freedom_warns_like_torch():
    with pytest.warns(UserWarning, match="degrees of freedom"):
        v = minitorch.var(minitorch.tensor([1.0]))
    assert np.isnan(v.item())
    with pytest.warns(UserWarning, match="degrees of freedom"):
        v = minitorch.var(minitorch.tensor([1.0, 2.0]), correction=2)
    assert np.isinf(v.item())


@pytest.mark.parametrize("name", ["cumsum_", "cumprod_"])
def test_cumulative_in_place(name):
    base = np.array([[0.5, -1.5, 2.0], [1.2, 0.3, -0.7]])
    a, b = minitorch.tensor(base), torch.tensor(base)
    ra, rb = getattr(a, name)(1), getattr(b, name)(1)
    assert ra is a
    assert_same(a, b, where=name)
    # on a non-leaf inside the graph: recorded, and the gradient matches torch
    wa = minitorch.tensor(base, requires_grad=True)
    wb = torch.tensor(base, requires_grad=True)
    ya, yb = wa * 2.0, wb * 2.0
    getattr(ya, name)(0)
    getattr(yb, name)(0)
    g = np.arange(6.0).reshape(2, 3)
    ya.backward(minitorch.tensor(g))
    yb.backward(torch.tensor(g))
    np.testing.assert_allclose(wa.grad.numpy(), wb.grad.numpy(), rtol=1e-12)
    # a leaf that requires grad refuses, as in PyTorch
    with pytest.raises(RuntimeError, match="leaf"):
        getattr(minitorch.tensor(base, requires_grad=True), name)(0)


def test_cumsum_in_place_bumps_version():
    a = minitorch.tensor([1.0, 2.0, 3.0])
    v = a._version
    a.cumsum_(0)
    assert a._version > v and a.tolist() == [1.0, 3.0, 6.0]


def test_cumprod_gradient_with_zeros_matches_torch_randomly():
    rng = np.random.default_rng(5)
    for _ in range(5):
        base = rng.standard_normal((4, 7))
        base[rng.random((4, 7)) < 0.3] = 0.0
        a = minitorch.tensor(base, requires_grad=True)
        b = torch.tensor(base, requires_grad=True)
        g = rng.standard_normal((4, 7))
        minitorch.cumprod(a, 1).backward(minitorch.tensor(g))
        torch.cumprod(b, 1).backward(torch.tensor(g))
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_max_min_return_named_tuples_with_torch_names():
    r = minitorch.max(minitorch.tensor([[1.0, 3.0]]), 1)
    assert type(r).__name__ == "max" and r.values.tolist() == [3.0] and r.indices.tolist() == [1]
    r = minitorch.min(minitorch.tensor([[1.0, 3.0]]), dim=1)
    assert type(r).__name__ == "min" and r.indices.tolist() == [0]
    mm = minitorch.aminmax(minitorch.tensor([2.0, -1.0]))
    assert (mm.min.item(), mm.max.item()) == (-1.0, 2.0)


def test_float32_stays_float32():
    x = minitorch.tensor([[1.0, 2.0], [3.0, 0.5]])
    for out in (minitorch.nansum(x), minitorch.nanmean(x, 0), minitorch.cumprod(x, 1),
                minitorch.cummax(x, 1).values, minitorch.logcumsumexp(x, 0),
                minitorch.histc(x, 3), minitorch.aminmax(x).max):
        assert out.dtype == minitorch.float32


STAT_CASES = """
torch.cov(w)
torch.cov(w[0])
torch.cov(w, correction=0)
torch.cov(w, fweights=torch.tensor([1, 2, 1, 3]))
torch.cov(w, aweights=torch.tensor([0.5, 1, 2, 1]))
torch.cov(w, correction=2, fweights=torch.tensor([1, 2, 1, 3]), aweights=torch.tensor([0.5, 1, 2, 1]))
torch.cov(w, fweights=torch.tensor([1., 2, 1, 3]))
torch.cov(w, fweights=torch.tensor([1, -2, 1, 3]))
torch.cov(w[:, :1])
torch.cov(torch.tensor([[1, 2], [3, 5]]))
torch.cov(torch.ones(2, 2, 2))
w.cov()
torch.corrcoef(w)
torch.corrcoef(w[0])
torch.corrcoef(torch.tensor([[1., 1, 1], [1, 2, 3]]))
torch.corrcoef(torch.tensor([[1, 2, 4], [1, 2, 3]]))
w.corrcoef()
torch.trapezoid(w)
torch.trapezoid(w, dx=0.5, dim=0)
torch.trapezoid(w, torch.tensor([0., 1, 3, 6]))
torch.trapezoid(w, torch.tensor([[0., 1, 3, 6]] * 3))
torch.trapz(w, dx=2)
torch.trapz(w, torch.tensor([0., 1, 3, 6]))
torch.trapezoid(torch.tensor([1, 2, 3]))
torch.trapezoid(torch.tensor([1.]))
torch.trapezoid(w, torch.tensor([0., 1, 3]))
torch.cumulative_trapezoid(w)
torch.cumulative_trapezoid(w, dx=0.5, dim=0)
torch.cumulative_trapezoid(w, torch.tensor([0., 1, 3, 6]))
torch.cumulative_trapezoid(torch.tensor([1, 2, 3]))
torch.renorm(w, 2, 0, 5)
torch.renorm(w, 1, 1, 4)
w.renorm(p=2, dim=1, maxnorm=1)
torch.renorm(w, 0, 1, 4)
w.clone().renorm_(2, 0, 5)
"""


@pytest.mark.parametrize("expr", [c for c in STAT_CASES.strip().splitlines() if c.strip()])
def test_statistics_same_as_torch(expr):
    check(expr)


@pytest.mark.parametrize("seed", range(4))
def test_random_shapes_values_and_gradients_match_torch(seed):
    """Random ranks (0-d included), sizes and dims: forward values and the gradient for a
    random upstream gradient, float64, against torch (distinct values: no ties)."""
    rng = np.random.default_rng(200 + seed)
    for _ in range(10):
        nd = int(rng.integers(0, 4))
        shape = tuple(int(s) for s in rng.integers(1, 5, nd))
        size = int(np.prod(shape)) if shape else 1
        a = rng.permutation(size).reshape(shape) / 3.0 - 1.0 + rng.uniform(0, 0.01, shape)
        dim = int(rng.integers(-nd, nd)) if nd else 0
        n = shape[dim] if nd else 1
        k, keep, q = int(rng.integers(1, n + 1)), bool(rng.integers(0, 2)), float(rng.random())
        for expr in (f"T.sort(x, {dim}, True)[0]", f"T.topk(x, {k}, {dim})[0]",
                     f"T.kthvalue(x, {k}, {dim}, {keep})[0]", f"T.median(x, {dim}, {keep})[0]",
                     "T.median(x)", f"T.mode(x, {dim}, {keep})[0]", f"T.cumprod(x, {dim})",
                     f"T.cummax(x, {dim})[0]", f"T.cummin(x, {dim})[0]", f"T.logcumsumexp(x, {dim})",
                     f"T.quantile(x, {q}, {dim}, {keep})", f"T.nanmean(x, {dim}, {keep})",
                     f"T.var(x, {dim}, correction=0)", f"T.nansum(x, {dim}, {keep})",
                     f"T.logsumexp(x, {dim}, {keep})", f"T.amax(x, {dim}, {keep})",
                     f"T.count_nonzero(x, {dim}) * x.sum()"):
            res = []
            for lib in (torch, minitorch):
                x = lib.tensor(a, dtype=lib.float64, requires_grad=True)
                y = eval(expr, {"T": lib, "x": x})
                g = np.random.default_rng(7).standard_normal(tuple(y.shape))
                (y * lib.tensor(g)).sum().backward()
                res.append((y.detach().numpy(), x.grad.numpy()))
            (yt, gt), (ym, gm) = res
            np.testing.assert_allclose(ym, yt, rtol=1e-9, atol=1e-12, err_msg=f"{expr} {shape}")
            np.testing.assert_allclose(gm, gt, rtol=1e-8, atol=1e-10, err_msg=f"grad {expr} {shape}")


@pytest.mark.parametrize("kw", [dict(p="nuc"), dict(p="nuc", dim=(1, 2)), dict(p="nuc", dim=1),
                                dict(p="fro", dim=(0, 1, 2)), dict(p="fro", dim=(0, 2))])
def test_norm_matrix_orders_as_torch(kw):
    x = np.random.default_rng(3).standard_normal((2, 3, 4))
    try:
        want = torch.norm(torch.tensor(x), **kw)
    except RuntimeError as e:
        with pytest.raises(RuntimeError, match="2-tuple"):
            minitorch.norm(minitorch.tensor(x), **kw)
        assert "2-tuple" in str(e)
        return
    got = minitorch.norm(minitorch.tensor(x), **kw)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-10)
