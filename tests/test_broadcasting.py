"""Property tests (hypothesis): broadcasting of binary ops and reductions over drawn dims,
compared with PyTorch forward and backward, plus gradcheck on drawn shapes."""
import dataclasses

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st, HealthCheck
from hypothesis.extra.numpy import mutually_broadcastable_shapes, array_shapes

import minitorch
from minitorch.autograd import gradcheck
from minitorch.testing import OPS, compare
from minitorch.testing.op_table import Arg

torch.set_num_threads(1)
BINARY = [s for s in OPS if s.binary]
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _with_shapes(spec, shapes):
    args = tuple(Arg(tuple(s), a.kind, a.sampler, a.low, a.high) for a, s in zip(spec.args, shapes))
    return dataclasses.replace(spec, args=args)


@pytest.mark.parametrize("spec", BINARY, ids=lambda s: s.name)
@SETTINGS
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=3),
       seed=st.integers(0, 2 ** 16), noncontiguous=st.booleans())
def test_binary_broadcasting_matches_torch(spec, shapes, seed, noncontiguous):
    drawn = _with_shapes(spec, shapes.input_shapes)
    result = compare(drawn, minitorch, torch, "float64", seed=seed, noncontiguous=noncontiguous)
    assert result.ok, f"shapes {shapes.input_shapes}: {result.message}"


@pytest.mark.parametrize("spec", BINARY, ids=lambda s: s.name)
@settings(max_examples=10, deadline=None)
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=3, max_side=3))
def test_binary_broadcasting_gradcheck(spec, shapes):
    drawn = _with_shapes(spec, shapes.input_shapes)
    arrays = drawn.make_arrays(0)
    xs = tuple(minitorch.tensor(a, dtype=minitorch.float64, requires_grad=True) for a in arrays)
    assert gradcheck(lambda *t: spec.fn(minitorch, *t), xs)


REDUCTIONS = {
    "sum": lambda lib, x, dim, keep: x.sum(dim=dim, keepdim=keep),
    "mean": lambda lib, x, dim, keep: x.mean(dim=dim, keepdim=keep),
    "amax": lambda lib, x, dim, keep: x.amax(dim=dim, keepdim=keep),
    "var": lambda lib, x, dim, keep: x.var(dim=dim, keepdim=keep),
    "logsumexp": lambda lib, x, dim, keep: lib.logsumexp(x, dim=dim, keepdim=keep),
    "norm": lambda lib, x, dim, keep: x.norm(p=2, dim=dim, keepdim=keep),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@SETTINGS
@given(data=st.data())
def test_reductions_over_drawn_dims(name, data):
    shape = data.draw(array_shapes(min_dims=1, max_dims=4, min_side=2, max_side=4))
    ndim = len(shape)
    dims = data.draw(st.lists(st.integers(-ndim, ndim - 1), min_size=1, max_size=ndim,
                              unique_by=lambda d: d % ndim))
    keep = data.draw(st.booleans())
    dim = tuple(dims) if len(dims) > 1 else dims[0]
    rng = np.random.default_rng(data.draw(st.integers(0, 1000)))
    # distinct values: amax has no ties
    arr = (rng.permutation(int(np.prod(shape))).reshape(shape) + rng.uniform(0.2, 0.8, shape)) / 10
    fn = REDUCTIONS[name]
    a = minitorch.tensor(arr, requires_grad=True, dtype=minitorch.float64)
    b = torch.tensor(arr, requires_grad=True, dtype=torch.float64)
    ya, yb = fn(minitorch, a, dim, keep), fn(torch, b, dim, keep)
    assert tuple(ya.shape) == tuple(yb.shape)
    np.testing.assert_allclose(ya.detach().numpy(), yb.detach().numpy(), rtol=1e-9, atol=1e-12)
    g = rng.standard_normal(tuple(yb.shape))
    ya.backward(minitorch.tensor(g, dtype=minitorch.float64))
    yb.backward(torch.tensor(g, dtype=torch.float64))
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-9, atol=1e-12)


@SETTINGS
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=4))
def test_incompatible_shapes_raise_naming_the_op(shapes):
    a_shape = shapes.input_shapes[0]
    bad = tuple(s + 1 if s > 1 else 2 for s in a_shape) if a_shape else None
    if not a_shape or any(s == 1 for s in a_shape):
        return
    a, b = minitorch.zeros(a_shape), minitorch.zeros(bad)
    with pytest.raises(RuntimeError) as err:
        _ = a * b
    msg = str(err.value)
    assert "mul" in msg and str(tuple(a_shape)) in msg and str(tuple(bad)) in msg
