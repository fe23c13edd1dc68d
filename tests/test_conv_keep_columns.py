"""conv2d keeps the forward's im2col columns for the weight gradient when they are small
(functional/conv.py, _KEEP_COLUMNS): the gradients must not change, and the backward must
then skip its own im2col pass."""
import numpy as np
import pytest

import minitorch
from minitorch.functional import conv as C


def _grads(seed, dtype, stride=1, padding=1, groups=1):
    rng = np.random.default_rng(seed)
    x = minitorch.tensor(rng.standard_normal((3, 4, 9, 8)).astype(dtype), requires_grad=True)
    w = minitorch.tensor(rng.standard_normal((6, 4 // groups, 3, 3)).astype(dtype),
                         requires_grad=True)
    b = minitorch.tensor(rng.standard_normal(6).astype(dtype), requires_grad=True)
    y = minitorch.nn.functional.conv2d(x, w, b, stride=stride, padding=padding, groups=groups)
    r = minitorch.tensor(rng.standard_normal(tuple(y.shape)).astype(dtype))
    (y * r).sum().backward()
    return [t.grad.numpy() for t in (x, w, b)]


def _count_im2col(monkeypatch):
    calls = []
    real_pick = C._k.pick

    def pick(array):
        im2col, col2im = real_pick(array)

        def counted(*a, **k):
            calls.append(1)
            return im2col(*a, **k)
        return counted, col2im
    monkeypatch.setattr(C._k, "pick", pick)
    return calls


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("stride,padding,groups", [(1, 1, 1), (2, 0, 2)])
def test_kept_columns_give_the_same_gradients(monkeypatch, dtype, stride, padding, groups):
    kept = _grads(0, dtype, stride, padding, groups)
    monkeypatch.setattr(C, "_KEEP_COLUMNS", 0)           # recompute in the backward
    recomputed = _grads(0, dtype, stride, padding, groups)
    for a, b in zip(kept, recomputed):
        np.testing.assert_array_equal(a, b)


def test_backward_skips_im2col_when_columns_are_kept(monkeypatch):
    calls = _count_im2col(monkeypatch)
    _grads(1, np.float32)
    with_keep = len(calls)
    calls.clear()
    monkeypatch.setattr(C, "_KEEP_COLUMNS", 0)
    _grads(1, np.float32)
    assert with_keep == 1 and len(calls) == 2            # forward only vs forward + dW


def test_no_columns_kept_without_grad_or_when_weight_is_frozen(monkeypatch):
    calls = _count_im2col(monkeypatch)
    x = minitorch.randn(2, 3, 6, 6, requires_grad=True)
    w = minitorch.randn(4, 3, 3, 3)                       # frozen weight: no dW, no columns
    y = minitorch.nn.functional.conv2d(x, w)
    assert y.grad_fn.col is None
    with minitorch.no_grad():
        minitorch.nn.functional.conv2d(x, w.requires_grad_())
    assert len(calls) == 2                                # two forwards, nothing more
    y = minitorch.nn.functional.conv2d(x, w)
    assert y.grad_fn.col is not None
    y.sum().backward()
    assert y.grad_fn.col is None                          # released after use
