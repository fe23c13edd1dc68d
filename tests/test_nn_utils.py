"""nn.utils against PyTorch: clip_grad_norm_ (total norm and clipped gradients for
norm_type 2, 1, inf and 3; clipping and not; float32 and float64), clip_grad_value_,
get_total_norm / clip_grads_with_norm_, parameters_to_vector / vector_to_parameters."""
import warnings

import numpy as np
import pytest
import torch

import minitorch
import minitorch.nn as nn
from minitorch.nn.utils import (clip_grad_norm_, clip_grad_value_, get_total_norm,
                                clip_grads_with_norm_, parameters_to_vector,
                                vector_to_parameters)

torch.set_num_threads(1)

SHAPES = [(3, 4), (4,), (2, 2, 3), ()]


def _params(lib, dtypes, seed=0, scale=1.0, grads=True, skip_grad=()):
    """Parameters with the same values and gradients in either library."""
    rng = np.random.default_rng(seed)
    out = []
    for i, (shape, dt) in enumerate(zip(SHAPES, dtypes)):
        v = np.asarray(rng.standard_normal(shape)).astype(dt)
        g = np.asarray(rng.standard_normal(shape) * scale).astype(dt)
        p = lib.nn.Parameter(lib.from_numpy(v.copy()))
        if grads and i not in skip_grad:
            p.grad = lib.from_numpy(g.copy())
        out.append(p)
    return out


def _grads(params):
    return [None if p.grad is None else p.grad.numpy().copy() for p in params]


DTYPES = {"float32": ["float32"] * 4, "float64": ["float64"] * 4,
          "mixed": ["float32", "float64", "float32", "float64"]}


@pytest.mark.parametrize("dtypes", list(DTYPES), ids=str)
@pytest.mark.parametrize("norm_type", [2.0, 1, float("inf"), 3.0, "inf"], ids=repr)
@pytest.mark.parametrize("max_norm", [0.5, 1e3], ids=["clips", "no_clip"])
def test_clip_grad_norm_matches_torch(max_norm, norm_type, dtypes):
    dts = DTYPES[dtypes]
    pm, pt = _params(minitorch, dts, skip_grad=(1,)), _params(torch, dts, skip_grad=(1,))
    nm = clip_grad_norm_(pm, max_norm, norm_type)
    nt = torch.nn.utils.clip_grad_norm_(pt, max_norm, norm_type)
    assert isinstance(nm, minitorch.Tensor) and nm.ndim == 0
    assert str(nm.dtype).split(".")[-1] == str(nt.dtype).split(".")[-1]
    tol = 1e-12 if dtypes == "float64" else 1e-6
    np.testing.assert_allclose(nm.item(), nt.item(), rtol=tol)
    for a, b, dt in zip(_grads(pm), _grads(pt), dts):
        if b is None:
            assert a is None
            continue
        assert a.dtype == b.dtype == np.dtype(dt)
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)
    # the clipped gradients have total norm max_norm (when clipping happened)
    after = get_total_norm([p.grad for p in pm if p.grad is not None], norm_type).item()
    np.testing.assert_allclose(after, min(max_norm, nt.item()), rtol=1e-4)


def test_clip_grad_norm_single_tensor_generator_and_empty():
    p = _params(minitorch, ["float64"])[0]
    q = _params(torch, ["float64"])[0]
    np.testing.assert_allclose(clip_grad_norm_(p, 0.1).item(),
                               torch.nn.utils.clip_grad_norm_(q, 0.1).item(), rtol=1e-12)
    np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-12)
    m = nn.LayerNorm(3)
    out = m(minitorch.randn(4, 3)).sum()
    out.backward()
    assert clip_grad_norm_(m.parameters(), 1.0).item() > 0        # a generator works
    with pytest.warns(UserWarning, match="empty generator"):
        total = clip_grad_norm_((p for p in []), 1.0)
    assert total.item() == 0.0 and total.dtype == minitorch.float32
    none = _params(minitorch, ["float32"] * 4, grads=False)
    assert clip_grad_norm_(none, 1.0).item() == 0.0


def test_clip_grad_norm_nonfinite():
    pm = _params(minitorch, ["float64"] * 4)
    pm[0].grad._data[0, 0] = np.inf
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_(pm, 1.0, error_if_nonfinite=True)
    np.testing.assert_array_equal(pm[2].grad.numpy(), _params(minitorch, ["float64"] * 4)[2]
                                  .grad.numpy())   # nothing was scaled
    pt = _params(torch, ["float64"] * 4)
    pt[0].grad[0, 0] = float("inf")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nm = clip_grad_norm_(pm, 1.0)
        nt = torch.nn.utils.clip_grad_norm_(pt, 1.0)
    assert nm.item() == nt.item() == float("inf")
    for a, b in zip(_grads(pm), _grads(pt)):
        np.testing.assert_array_equal(a, b)   # inf * 0 = nan, as in torch


def test_clip_grad_norm_does_not_record_graph_and_bumps_version():
    p = _params(minitorch, ["float32"])[0]
    v = p.grad._version
    with minitorch.enable_grad():
        total = clip_grad_norm_([p], 0.01)
    assert not total.requires_grad and p.grad.grad_fn is None
    assert p.grad._version > v


def test_get_total_norm_and_clip_grads_with_norm_match_torch():
    pm, pt = _params(minitorch, ["float32"] * 4), _params(torch, ["float32"] * 4)
    tm = get_total_norm([p.grad for p in pm], 2.0)
    tt = torch.nn.utils.get_total_norm([p.grad for p in pt], 2.0)
    np.testing.assert_allclose(tm.item(), tt.item(), rtol=1e-6)
    clip_grads_with_norm_(pm, 0.3, tm)
    torch.nn.utils.clip_grads_with_norm_(pt, 0.3, tt)
    for a, b in zip(_grads(pm), _grads(pt)):
        np.testing.assert_allclose(a, b, rtol=1e-6)


@pytest.mark.parametrize("clip_value", [0.5, 2, 0.0])
def test_clip_grad_value_matches_torch(clip_value):
    pm = _params(minitorch, DTYPES["mixed"], scale=2.0, skip_grad=(2,))
    pt = _params(torch, DTYPES["mixed"], scale=2.0, skip_grad=(2,))
    assert clip_grad_value_(pm, clip_value) is None
    torch.nn.utils.clip_grad_value_(pt, clip_value)
    for a, b in zip(_grads(pm), _grads(pt)):
        if b is None:
            assert a is None
            continue
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
        assert np.abs(a).max() <= clip_value
    q = _params(minitorch, ["float32"])[0]
    clip_grad_value_(q, 0.1)   # a single tensor
    assert np.abs(q.grad.numpy()).max() <= 0.1


def test_parameters_to_vector_matches_torch_and_is_differentiable():
    pm, pt = _params(minitorch, ["float64"] * 4), _params(torch, ["float64"] * 4)
    vm, vt = parameters_to_vector(pm), torch.nn.utils.parameters_to_vector(pt)
    assert tuple(vm.shape) == tuple(vt.shape) == (12 + 4 + 12 + 1,)
    np.testing.assert_array_equal(vm.detach().numpy(), vt.detach().numpy())
    w = np.random.default_rng(3).standard_normal(vm.shape)
    for p in pm:
        p.grad = None
    (vm * minitorch.from_numpy(w)).sum().backward()
    off = 0
    for p in pm:
        n = p.numel()
        np.testing.assert_array_equal(p.grad.numpy(), w[off:off + n].reshape(tuple(p.shape)))
        off += n


def test_vector_to_parameters_round_trip():
    m = nn.BatchNorm1d(3)
    ln = nn.LayerNorm((2, 3))
    params = list(m.parameters()) + list(ln.parameters())
    vec = parameters_to_vector(params).detach()
    new = minitorch.arange(vec.numel(), dtype=minitorch.float32) * 0.5
    vector_to_parameters(new, params)
    np.testing.assert_array_equal(m.weight.detach().numpy(), [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(ln.bias.detach().numpy(), (np.arange(6) * 0.5 + 6 * 0.5 + 3.0)
                                  .reshape(2, 3))
    assert tuple(ln.weight.shape) == (2, 3) and ln.weight.requires_grad
    np.testing.assert_array_equal(parameters_to_vector(params).detach().numpy(), new.numpy())
    # the same as torch on the same numbers
    tp = [torch.nn.Parameter(torch.zeros(tuple(p.shape))) for p in params]
    torch.nn.utils.vector_to_parameters(torch.from_numpy(new.numpy().copy()), tp)
    for a, b in zip(params, tp):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    # a generator of parameters works too
    vector_to_parameters(new[:6] * 2, m.parameters())
    np.testing.assert_array_equal(m.bias.detach().numpy(), [3.0, 4.0, 5.0])


@pytest.mark.parametrize("call, exc, text", [
    (lambda ps: vector_to_parameters(minitorch.zeros(5), ps), ValueError,
     "'vec' has 5 elements but the parameters have 29 in total"),
    (lambda ps: vector_to_parameters(minitorch.zeros(30), ps), ValueError,
     "'vec' has 30 elements"),
    (lambda ps: vector_to_parameters(minitorch.zeros(29, 1), ps), ValueError, "1-dimensional"),
    (lambda ps: vector_to_parameters(np.zeros(29), ps), TypeError, "expected minitorch.Tensor"),
    (lambda ps: parameters_to_vector([]), RuntimeError, "non-empty"),
    (lambda ps: parameters_to_vector([ps[0], 3.0]), TypeError, "got an element of type float"),
    (lambda ps: clip_grad_norm_(5, 1.0), TypeError, "argument 'parameters'"),
])
def test_errors(call, exc, text):
    ps = _params(minitorch, ["float32"] * 4)
    before = [p.detach().numpy().copy() for p in ps]
    with pytest.raises(exc, match=None) as info:
        call(ps)
    assert text in str(info.value)
    for p, b in zip(ps, before):   # nothing was half-written
        np.testing.assert_array_equal(p.detach().numpy(), b)
