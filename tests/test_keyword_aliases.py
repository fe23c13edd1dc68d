"""PyTorch's extra keyword spellings (minitorch/_aliases.py): ``axis=``/``keepdims=`` for
``dim=``/``keepdim=`` on functions and methods, and ``out=`` on torch-level functions, each
compared with what torch does on the same call."""
import warnings

import numpy as np
import pytest
import torch

import minitorch

X = np.random.default_rng(0).standard_normal((3, 4, 5))


def _both(arr=X):
    return minitorch.tensor(arr), torch.tensor(arr)


@pytest.mark.parametrize("name", ["sum", "mean", "amax", "amin", "prod", "std", "var",
                                  "logsumexp", "argmax", "argmin"])
@pytest.mark.parametrize("keep", [False, True])
def test_axis_keepdims_function_and_method(name, keep):
    m, t = _both()
    want = getattr(torch, name)(t, axis=1, keepdims=keep)
    for got in (getattr(minitorch, name)(m, axis=1, keepdims=keep),
                getattr(m, name)(axis=1, keepdims=keep)):
        assert tuple(got.shape) == tuple(want.shape)
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)


def test_axis_on_max_returns_values_and_indices():
    m, t = _both()
    got, want = minitorch.max(m, axis=2, keepdims=True), torch.max(t, axis=2, keepdims=True)
    np.testing.assert_array_equal(got.values.numpy(), want.values.numpy())
    np.testing.assert_array_equal(got.indices.numpy(), want.indices.numpy())


def test_axis_on_cat_softmax_cumsum_squeeze():
    m, t = _both()
    np.testing.assert_allclose(minitorch.cat([m, m], axis=1).numpy(),
                               torch.cat([t, t], axis=1).numpy())
    np.testing.assert_allclose(minitorch.softmax(m, axis=-1).numpy(),
                               torch.softmax(t, axis=-1).numpy(), rtol=1e-12)
    np.testing.assert_allclose(m.cumsum(axis=0).numpy(), t.cumsum(axis=0).numpy())
    m1, t1 = _both(X[:, :1])
    assert tuple(m1.squeeze(axis=1).shape) == tuple(t1.squeeze(axis=1).shape)


def test_both_dim_and_axis_is_an_error():
    m, _ = _both()
    with pytest.raises(TypeError, match="sum"):
        minitorch.sum(m, dim=0, axis=1)


def test_aliases_keep_gradients():
    m = minitorch.tensor(X, requires_grad=True)
    t = torch.tensor(X, requires_grad=True)
    m.mean(axis=(0, 2), keepdims=True).sum().backward()
    t.mean(axis=(0, 2), keepdims=True).sum().backward()
    np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), rtol=1e-12)


# ------------------------------------------------------------------------------ out=
def test_out_receives_the_result_in_place():
    m, t = _both()
    mo, to = minitorch.empty(3, 4, 5, dtype=minitorch.float64), torch.empty(3, 4, 5, dtype=torch.float64)
    view = mo[0]
    r = minitorch.mul(m, 2.0, out=mo)
    torch.mul(t, 2.0, out=to)
    assert r is mo
    np.testing.assert_allclose(mo.numpy(), to.numpy())
    np.testing.assert_allclose(view.numpy(), to[0].numpy())   # written in place, views see it


@pytest.mark.parametrize("call", [
    lambda lib, a: lib.matmul(a[0], a[1].T, out=lib.empty(0, dtype=lib.float64)),
    lambda lib, a: lib.sum(a, 1, out=lib.empty(0, dtype=lib.float64)),
    lambda lib, a: lib.exp(a, out=lib.empty(0, dtype=lib.float64)),
    lambda lib, a: lib.cat([a, a], 0, out=lib.empty(0, dtype=lib.float64)),
    lambda lib, a: lib.zeros(2, 3, out=lib.empty(0)),
    lambda lib, a: lib.arange(5, out=lib.empty(0, dtype=lib.int64)),
])
def test_out_on_many_functions_resizes_empty_outputs(call):
    m, t = _both()
    got, want = call(minitorch, m), call(torch, t)
    assert tuple(got.shape) == tuple(want.shape)
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
    np.testing.assert_allclose(got.numpy(), want.numpy())


def test_out_of_wrong_shape_is_resized_with_a_warning_as_torch():
    m, t = _both()
    with warnings.catch_warnings(record=True) as mine:
        warnings.simplefilter("always")
        o = minitorch.empty(2, dtype=minitorch.float64)
        minitorch.add(m, m, out=o)
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        torch.add(t, t, out=torch.empty(2, dtype=torch.float64))
    assert tuple(o.shape) == (3, 4, 5)
    assert len(mine) == len(theirs) == 1


def test_out_casts_like_torch():
    m, t = _both()
    # float64 result into a float32 out: allowed
    o = minitorch.empty(3, 4, 5)
    minitorch.add(m, 1, out=o)
    assert o.dtype == minitorch.float32
    # float result into an integer out: refused by both
    with pytest.raises(RuntimeError):
        torch.add(t, 1, out=torch.empty(3, 4, 5, dtype=torch.int64))
    with pytest.raises(RuntimeError, match="can't be cast"):
        minitorch.add(m, 1, out=minitorch.empty(3, 4, 5, dtype=minitorch.int64))


def test_out_with_autograd_is_refused_as_torch():
    w = minitorch.randn(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="out="):
        minitorch.mul(w, 2, out=minitorch.empty(3))
    with minitorch.no_grad():
        o = minitorch.empty(3)
        minitorch.mul(w, 2, out=o)
    np.testing.assert_allclose(o.numpy(), w.detach().numpy() * 2)


def test_out_tuple_for_functions_with_two_results():
    m, _ = _both()
    vals, idx = minitorch.empty(0, dtype=minitorch.float64), minitorch.empty(0, dtype=minitorch.int64)
    r = minitorch.max(m, 1, out=(vals, idx))
    assert r.values is vals and r.indices is idx
    np.testing.assert_array_equal(idx.numpy(), X.argmax(1))
