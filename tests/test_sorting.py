"""Sorting and selection against torch on the same inputs: values, indices (where PyTorch
defines them: stable sort, ties of cummax, mode's CPU rule), dtypes, shapes, named-tuple
types, empty and 0-d inputs, and errors. Gradients of the value outputs are checked by
the op table (minitorch/testing/op_table_reduction.py)."""
import warnings

import numpy as np
import pytest
import torch

import minitorch

NAN = float("nan")


def _env(lib):
    rng = np.random.default_rng(1)
    return {
        "torch": lib, "np": np, "nan": NAN,
        "x": lib.tensor([[1., 5, 2], [4, 0, 3]]),
        "i": lib.tensor([[1, 5, 2], [4, 0, 3]]),
        "z": lib.zeros(0, 3),
        "s": lib.tensor(2.5),
        "rep": lib.from_numpy(rng.integers(0, 4, (5, 9))),
        "repf": lib.from_numpy(rng.integers(0, 4, (6, 8)).astype(np.float64)),
        "r": lib.from_numpy(rng.standard_normal((3, 4, 5))),
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


def assert_same(mine, ref, where="", values_only=False):
    if isinstance(ref, torch.Tensor):
        assert isinstance(mine, minitorch.Tensor), f"{where}: got {type(mine).__name__}"
        assert tuple(mine.shape) == tuple(ref.shape), f"{where}: shape {tuple(mine.shape)} vs {tuple(ref.shape)}"
        assert _dtype_name(mine.dtype) == _dtype_name(ref.dtype), f"{where}: dtype {mine.dtype} vs {ref.dtype}"
        a, b = mine.detach().numpy(), ref.detach().numpy()
        if b.dtype.kind == "f":
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7, equal_nan=True, err_msg=where)
        else:
            np.testing.assert_array_equal(a, b, err_msg=where)
    elif isinstance(ref, tuple):
        assert isinstance(mine, tuple) and len(mine) == len(ref), f"{where}: {mine!r}"
        if type(ref).__module__ == "torch.return_types":
            assert type(mine).__name__ == type(ref).__name__, f"{where}: {type(mine).__name__}"
            for field in ("values", "indices"):
                if hasattr(ref, field):
                    assert hasattr(mine, field), f"{where}: no field {field}"
        items = list(zip(mine, ref))[:1] if values_only else zip(mine, ref)
        for k, (m, r) in enumerate(items):
            assert_same(m, r, f"{where}[{k}]")
    else:
        assert mine == ref, f"{where}: {mine!r} vs {ref!r}"


def check(expr, values_only=False):
    ok_t, ref = _run(torch, expr)
    ok_m, mine = _run(minitorch, expr)
    if not ok_t:
        assert not ok_m, f"{expr}: torch raises {type(ref).__name__}, minitorch returned {mine!r}"
        assert isinstance(mine, type(ref)), f"{expr}: {type(mine).__name__} vs torch {type(ref).__name__}: {mine}"
        return
    assert ok_m, f"{expr}: minitorch raised {type(mine).__name__}: {mine}"
    assert_same(mine, ref, expr, values_only)


CASES = """
torch.sort(x)
torch.sort(x, 0)
torch.sort(x, dim=1, descending=True)
torch.sort(torch.tensor([1., nan, 3, nan, 2]), descending=True)
torch.sort(torch.tensor([1., nan, 3, nan, 2]))
torch.sort(torch.tensor([3, 1, 2, 1, 3, 1]), stable=True)
torch.sort(torch.tensor([3, 1, 2, 1, 3, 1]), stable=True, descending=True)
torch.sort(rep, stable=True)
torch.sort(rep, dim=0, stable=True, descending=True)
torch.sort(repf, dim=1, descending=True, stable=True)
torch.sort(torch.tensor([True, False, True]))
torch.sort(s)
torch.sort(z, 0)
torch.sort(z)
torch.sort(r, 1)
torch.sort(x, 2)
x.sort(descending=True)
x.argsort()
torch.argsort(torch.tensor([3, 1, 2, 1, 3, 1]), descending=True, stable=True)
torch.argsort(rep, stable=True)
torch.argsort(x, dim=0, descending=True)
torch.argsort(s)
torch.msort(x)
torch.msort(r)
x.msort()
torch.topk(x, 2)
torch.topk(x, 1, dim=0)
torch.topk(x, 2, largest=False)
torch.topk(x, 2, 1, True, True)
torch.topk(x, 0)
torch.topk(x, 4)
torch.topk(s, 1)
torch.topk(torch.tensor([1., nan, 3]), 2)
torch.topk(r, 3, dim=1)
torch.topk(r, 2, dim=-1, largest=False)
x.topk(k=2, dim=0)
torch.kthvalue(x, 2)
torch.kthvalue(x, 1, 0, True)
torch.kthvalue(x, 4)
torch.kthvalue(i, 3, dim=1)
torch.kthvalue(r, 4, 2)
torch.kthvalue(s, 1)
x.kthvalue(2, dim=1, keepdim=True)
torch.median(x)
torch.median(x, 1)
torch.median(x, 0, keepdim=True)
torch.median(i, 1)
torch.median(r, -1)
torch.median(torch.tensor([1., nan, 3]))
torch.median(torch.tensor([[1., nan, 3], [2, 1, 0]]), 1)
torch.median(torch.tensor([2, 1, 2, 1, 2, 1]), 0)
torch.median(torch.tensor([]))
torch.median(s, 0)
torch.median(z, 1)
torch.median(z, 0)
torch.median(i)
x.median(dim=1)
torch.nanmedian(torch.tensor([1., nan, 3]))
torch.nanmedian(torch.tensor([[1., nan, 3], [nan, nan, nan]]), 1)
torch.nanmedian(torch.tensor([[1., nan, 3, 4, nan], [nan, 2, nan, 0, 1]]), 1, keepdim=True)
torch.mode(torch.tensor([1, 2, 2, 3, 3]))
torch.mode(torch.tensor([[1., 2, 2, 3, 3, 1, 1], [0, 0, 5, 5, 5, 0, 9]]), 1)
torch.mode(torch.tensor([3, 1, 3, 1]), 0, True)
torch.mode(rep, 1)
torch.mode(rep, 0)
torch.mode(repf, -1, keepdim=True)
torch.mode(s)
torch.mode(torch.tensor([1., nan, nan]))
torch.mode(torch.zeros(0))
torch.quantile(x, 0.3)
torch.quantile(x, 0.3, dim=1)
torch.quantile(x, torch.tensor([0.25, 0.5]), dim=1, keepdim=True)
torch.quantile(x, torch.tensor([0.25, 0.5]), dim=0)
torch.quantile(x, torch.tensor([0.25, 0.5]), keepdim=True)
torch.quantile(x, torch.tensor(0.5))
torch.quantile(x, 0.4, interpolation="lower")
torch.quantile(x, 0.4, interpolation="higher")
torch.quantile(x, 0.45, interpolation="midpoint")
torch.quantile(x, 0.5, interpolation="nearest")
torch.quantile(torch.tensor([1., 2, 3, 4]), torch.tensor([0.5, 0.1666666, 0.8333333]), interpolation="nearest")
torch.quantile(torch.tensor([1., 2, 3, 4, 5, 6]), 0.3, interpolation="nearest")
torch.quantile(torch.tensor([1., 2, 3, 4, 5]), 0.375, interpolation="nearest")
torch.quantile(torch.tensor([1., 2, 3, 4, 5]), 0.625, interpolation="nearest")
torch.quantile(r, torch.linspace(0, 1, 7, dtype=torch.float64), dim=1)
torch.quantile(torch.tensor([1., nan, 3]), 0.5)
torch.nanquantile(torch.tensor([1., nan, 3]), 0.5)
torch.nanquantile(torch.tensor([[1., nan, 3], [nan, nan, nan]]), 0.5, dim=1)
torch.quantile(x, 1.5)
torch.quantile(i, 0.5)
torch.quantile(x, torch.tensor([[0.5]]))
torch.quantile(x, torch.tensor([0.5], dtype=torch.float64))
torch.quantile(x, 0.5, interpolation="bogus")
torch.quantile(s, 0.5)
torch.quantile(s, 0.5, dim=0)
torch.quantile(z, 0.5, dim=1)
torch.quantile(z, 0.5)
torch.unique(torch.tensor([3, 1, 2, 1, 3]))
torch.unique(torch.tensor([3, 1, 2, 1, 3]), return_inverse=True)
torch.unique(torch.tensor([3, 1, 2, 1, 3]), return_counts=True)
torch.unique(torch.tensor([3, 1, 2, 1, 3]), return_inverse=True, return_counts=True)
torch.unique(rep, return_inverse=True, return_counts=True)
torch.unique(torch.tensor([[3, 1], [2, 1], [3, 1]]), dim=0, return_inverse=True, return_counts=True)
torch.unique(torch.tensor([[3, 1], [2, 1], [3, 1]]), dim=1, return_inverse=True, return_counts=True)
torch.unique(torch.tensor([[3, 1, 3], [2, 1, 2]]), dim=1)
torch.unique(rep[:, :2], dim=0, return_counts=True)
torch.unique(torch.tensor([[3., 1], [2, 1]]), return_inverse=True)
torch.unique(torch.tensor([1., nan, nan, 2]))
torch.unique(torch.tensor(3))
torch.unique(torch.tensor([]), return_counts=True)
torch.unique(torch.tensor([True, False, True]))
torch.tensor([2, 2, 1]).unique(return_counts=True)
torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 3, 1, 1, 2]), return_inverse=True, return_counts=True)
torch.unique_consecutive(torch.tensor([[1, 1], [1, 1], [2, 3]]), dim=0, return_counts=True)
torch.unique_consecutive(torch.tensor([[1., 2], [1, 2]]), return_inverse=True)
torch.unique_consecutive(torch.tensor([[1, 1], [1, 1], [2, 3]]), return_inverse=True, dim=0)
torch.unique_consecutive(rep, return_counts=True, dim=1)
torch.tensor([1, 1, 2]).unique_consecutive()
torch.searchsorted(torch.tensor([1, 3, 5, 7]), torch.tensor([3, 6, 9]))
torch.searchsorted(torch.tensor([1, 3, 5, 7]), torch.tensor([3, 6, 9]), right=True)
torch.searchsorted(torch.tensor([1, 3, 5, 7]), torch.tensor([3, 6, 9]), side="right")
torch.searchsorted(torch.tensor([1, 3, 5, 7]), torch.tensor([3, 6, 9]), side="left", right=True)
torch.searchsorted(torch.tensor([[1, 3, 5, 7], [2, 4, 6, 8]]), torch.tensor([[3, 6, 9], [3, 6, 9]]))
torch.searchsorted(torch.tensor([[1, 3, 5, 7], [2, 4, 6, 8]]), torch.tensor([3, 6, 9]))
torch.searchsorted(torch.tensor([1., 3, 5, 7]), torch.tensor([3, 6, 9]))
torch.searchsorted(torch.tensor([1., 3, 5, 7]), 4.5)
torch.searchsorted(torch.tensor([1., 3, 5, 7]), torch.tensor(4.5))
torch.searchsorted(torch.tensor([7, 1, 5, 3]), torch.tensor([3, 6]), sorter=torch.tensor([1, 3, 2, 0]))
torch.searchsorted(torch.tensor([1, 3, 5, 7]), torch.tensor([3, 6, 9]), out_int32=True)
torch.searchsorted(r.sort().values, r, right=True)
torch.bucketize(torch.tensor([3, 6, 9]), torch.tensor([1, 3, 5, 7]))
torch.bucketize(torch.tensor([[3, 6, 9]]), torch.tensor([1, 3, 5, 7]), right=True)
torch.bucketize(torch.tensor([3, 6, 9]), torch.tensor([1, 3, 5, 7]), out_int32=True)
torch.bucketize(3, torch.tensor([1, 3, 5, 7]))
torch.bucketize(torch.tensor([3]), torch.tensor([[1, 3, 5, 7]]))
torch.bucketize(r, torch.linspace(-1, 1, 5, dtype=torch.float64))
"""


@pytest.mark.parametrize("expr", [c for c in CASES.strip().splitlines() if c.strip()])
def test_same_as_torch(expr):
    check(expr)


@pytest.mark.parametrize("seed", range(4))
def test_stable_sort_of_many_ties_matches_torch(seed):
    a = np.random.default_rng(seed).integers(0, 5, (7, 40))
    for dim in (0, 1):
        for desc in (False, True):
            m = minitorch.sort(minitorch.tensor(a), dim=dim, descending=desc, stable=True)
            t = torch.sort(torch.tensor(a), dim=dim, descending=desc, stable=True)
            assert_same(m, t, f"seed {seed} dim {dim} descending {desc}")


@pytest.mark.parametrize("seed", range(3))
def test_median_values_and_mode_indices_on_random_ties(seed):
    """median's index on ties is left open by PyTorch (values compared); mode follows the
    CPU rule: the smallest most frequent value at its last occurrence."""
    a = np.random.default_rng(seed).integers(0, 4, (6, 11))
    check_median = minitorch.median(minitorch.tensor(a), 1)
    ref = torch.median(torch.tensor(a), 1)
    assert_same(check_median.values, ref.values, "median values")
    picked = np.take_along_axis(a, check_median.indices.numpy()[:, None], 1)[:, 0]
    np.testing.assert_array_equal(picked, ref.values.numpy())   # the index points at the value
    assert_same(minitorch.mode(minitorch.tensor(a), 1), torch.mode(torch.tensor(a), 1), "mode")


def test_topk_unsorted_and_largest_sets_match_torch():
    a = np.random.default_rng(3).permutation(30).reshape(3, 10).astype(np.float64)
    m = minitorch.topk(minitorch.tensor(a), 4, sorted=False)
    t = torch.topk(torch.tensor(a), 4, sorted=False)
    assert sorted(map(tuple, np.sort(m.values.numpy(), 1))) == sorted(map(tuple, np.sort(t.values.numpy(), 1)))


def test_sort_values_gradient_goes_back_to_positions():
    a = minitorch.tensor([3.0, 1.0, 2.0], requires_grad=True)
    v, idx = minitorch.sort(a)
    (v * minitorch.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert idx.tolist() == [1, 2, 0]
    assert a.grad.tolist() == [100.0, 1.0, 10.0]


def test_median_all_ties_share_gradient():
    a = minitorch.tensor([1.0, 2.0, 2.0, 2.0, 5.0], requires_grad=True)
    minitorch.median(a).backward()
    np.testing.assert_allclose(a.grad.numpy(), [0, 1 / 3, 1 / 3, 1 / 3, 0])


def test_integer_and_bool_results_carry_no_gradient():
    a = minitorch.tensor([[3.0, 1.0], [0.5, 2.0]], requires_grad=True)
    assert not minitorch.argsort(a).requires_grad
    assert minitorch.sort(a).values.requires_grad and not minitorch.sort(a).indices.requires_grad
    assert not minitorch.unique(a).requires_grad


def test_numpy_keyword_names():
    x = minitorch.tensor([[3.0, 1.0, 2.0]])
    assert minitorch.median(x, axis=1, keepdims=True).values.tolist() == [[2.0]]
    assert minitorch.sort(x, axis=1).values.tolist() == [[1.0, 2.0, 3.0]]


def _random_case(rng):
    nd = int(rng.integers(0, 4))
    shape = tuple(int(s) for s in rng.integers(1, 5, nd))
    kind = rng.choice(["f64", "f32", "int", "ties"])
    if kind == "int":
        a = rng.integers(-3, 4, shape)
    elif kind == "ties":
        a = rng.integers(0, 3, shape).astype(np.float64)
    else:
        a = rng.standard_normal(shape).astype(np.float64 if kind == "f64" else np.float32)
    dim = int(rng.integers(-nd, nd)) if nd else 0
    n = shape[dim] if nd else 1
    return a, kind, dim, int(rng.integers(1, n + 1)), bool(rng.integers(0, 2)), float(rng.random())


@pytest.mark.parametrize("seed", range(6))
def test_random_shapes_dims_and_dtypes_match_torch(seed):
    """Random ranks (0-d included), sizes, dims (negative too), dtypes and ties. Where
    PyTorch leaves a tie's index open (topk, kthvalue, median with dim, max with dim) only
    the values are compared."""
    rng = np.random.default_rng(100 + seed)
    for _ in range(12):
        a, kind, dim, k, keep, q = _random_case(rng)
        ties = kind in ("ties", "int")
        exprs = [
            (f"T.sort(a, dim={dim}, descending={bool(rng.integers(0, 2))}, stable=True)", False),
            (f"T.argsort(a, dim={dim}, stable=True)", False),
            (f"T.topk(a, {k}, {dim})", ties), (f"T.kthvalue(a, {k}, {dim}, {keep})", ties),
            (f"T.median(a, {dim}, {keep})", ties), ("T.median(a)", False),
            (f"T.mode(a, {dim}, {keep})", False), (f"T.quantile(a, {q}, {dim}, {keep})", False),
            ("T.unique(a, return_inverse=True, return_counts=True)", False),
            (f"T.unique(a, dim={dim}, return_counts=True)" if a.ndim else "T.unique(a)", False),
            ("T.unique_consecutive(a, return_inverse=True, return_counts=True)", False),
            ("T.searchsorted(T.sort(a.flatten()).values, a)", False),
            (f"T.max(a, {dim}, {keep})", ties),
        ]
        for expr, values_only in exprs:
            got = {}
            for name, lib in (("torch", torch), ("mt", minitorch)):
                try:
                    got[name] = (True, eval(expr, {"T": lib, "a": lib.from_numpy(np.array(a))}))
                except Exception as exc:  # noqa: BLE001 - compared below
                    got[name] = (False, exc)
            (ok_t, ref), (ok_m, mine) = got["torch"], got["mt"]
            where = f"{expr} on {kind} {a.shape}"
            assert ok_t == ok_m, f"{where}: torch {ref!r} vs minitorch {mine!r}"
            if ok_t:
                assert_same(mine, ref, where, values_only=values_only)
            else:
                assert isinstance(mine, type(ref)), f"{where}: {mine!r} vs {ref!r}"
