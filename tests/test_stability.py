"""Numerically stable forms: softmax, log_softmax, logsumexp and sigmoid at +-1e4 stay
finite and agree with PyTorch, in float32 and float64, forward and backward."""
import numpy as np
import pytest
import torch

import minitorch

LARGE = np.array([[1e4, -1e4, 0.0, 5e3], [-1e4, -1e4, -1e4 + 1, -9999.5], [3.0, 1e4, 1e4, -2.0]])

FUNCS = {
    "softmax": lambda lib, x: lib.softmax(x, dim=1),
    "log_softmax": lambda lib, x: lib.log_softmax(x, dim=1),
    "log_softmax_dim0": lambda lib, x: x.log_softmax(0),
    "logsumexp": lambda lib, x: lib.logsumexp(x, 1),
    "sigmoid": lambda lib, x: lib.sigmoid(x),
    "tanh": lambda lib, x: lib.tanh(x),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(FUNCS))
def test_finite_and_matches_torch_at_1e4(name, dtype):
    fn = FUNCS[name]
    a = minitorch.tensor(LARGE, dtype=getattr(minitorch, dtype), requires_grad=True)
    b = torch.tensor(LARGE, dtype=getattr(torch, dtype), requires_grad=True)
    ya, yb = fn(minitorch, a), fn(torch, b)
    assert np.isfinite(ya.detach().numpy()).all()
    rtol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(ya.detach().numpy(), yb.detach().numpy(), rtol=rtol, atol=1e-6)
    g = np.random.default_rng(0).standard_normal(tuple(yb.shape))
    ya.backward(minitorch.tensor(g, dtype=getattr(minitorch, dtype)))
    yb.backward(torch.tensor(g, dtype=getattr(torch, dtype)))
    assert np.isfinite(a.grad.numpy()).all()
    assert a.grad.dtype == getattr(minitorch, dtype)
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=rtol, atol=1e-5)


def test_softmax_rows_sum_to_one_at_extremes():
    x = minitorch.tensor(LARGE, dtype=minitorch.float32)
    s = minitorch.softmax(x, dim=1).sum(1).numpy()
    np.testing.assert_allclose(s, 1.0, rtol=1e-6)


def test_logsumexp_of_all_minus_inf_row_is_minus_inf():
    x = minitorch.tensor([[-np.inf, -np.inf], [0.0, 0.0]])
    out = minitorch.logsumexp(x, 1).numpy()
    assert out[0] == -np.inf and np.isclose(out[1], np.log(2))
