"""interpolate / Upsample, dropout2d / Dropout2d and BatchNorm2d against PyTorch.

interpolate runs through the op-table helpers (same bytes into both libraries, forward and
input gradient with a random upstream gradient, float64 tight and float32), plus gradcheck
and gradgradcheck on small sizes; the modules load the same weights into both frameworks.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import minitorch
import minitorch.nn.functional as F
from minitorch.autograd import gradcheck, gradgradcheck
from minitorch.testing import build_inputs, compare
from minitorch.testing.op_table import OpSpec, F as Fa

TF = torch.nn.functional


def _interp(shape, mode, align=None, **kw):
    name = f"interpolate-{mode}-{shape}-{align}-" + "-".join(f"{k}={v}" for k, v in kw.items())

    def fn(lib, x):
        return lib.nn.functional.interpolate(x, mode=mode, align_corners=align, **kw)
    return OpSpec(name, fn, (Fa(shape),), family="vision")


CASES = [
    ((2, 3, 5, 7), dict(size=(8, 9))),
    ((2, 3, 5, 7), dict(size=(3, 2))),           # downsampling
    ((1, 2, 4, 4), dict(scale_factor=2)),
    ((2, 1, 5, 6), dict(scale_factor=1.7)),
    ((2, 1, 5, 6), dict(scale_factor=(0.6, 2.5))),
    ((2, 1, 5, 6), dict(scale_factor=1.7, recompute_scale_factor=True)),
    ((1, 2, 3, 3), dict(size=1)),
    ((1, 1, 1, 3), dict(size=(4, 5))),           # one source row
    ((1, 2, 5, 7), dict(size=(5, 7))),           # identity size
]
MODES = [("nearest", None), ("nearest-exact", None), ("bilinear", False), ("bilinear", True)]
SPECS = [_interp(shape, mode, align, **kw) for shape, kw in CASES for mode, align in MODES]
SPECS += [_interp((2, 3, 7), mode, align, **kw)
          for kw in (dict(size=11), dict(scale_factor=0.5), dict(scale_factor=2.3))
          for mode, align in (("nearest", None), ("nearest-exact", None), ("linear", False),
                              ("linear", True))]
ids = [s.name for s in SPECS]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_interpolate_matches_torch(spec, dtype):
    result = compare(spec, minitorch, torch, dtype)
    assert result.ok, result.message


@pytest.mark.parametrize("spec", SPECS[::3], ids=ids[::3])
def test_interpolate_noncontiguous(spec):
    result = compare(spec, minitorch, torch, "float64", noncontiguous=True)
    assert result.ok, result.message


SMALL = [_interp((1, 2, 3, 4), "bilinear", False, size=(5, 3)),
         _interp((1, 2, 3, 4), "bilinear", True, scale_factor=1.5),
         _interp((1, 2, 3, 4), "nearest", None, size=(5, 7)),
         _interp((1, 2, 3, 4), "nearest-exact", None, scale_factor=0.7),
         _interp((2, 2, 5), "linear", False, size=7)]


@pytest.mark.parametrize("spec", SMALL, ids=[s.name for s in SMALL])
def test_interpolate_gradcheck_gradgradcheck(spec):
    inputs = build_inputs(minitorch, spec, spec.make_arrays(0), "float64")
    fn = lambda x: spec.fn(minitorch, x)  # noqa: E731
    assert gradcheck(fn, tuple(inputs), check_noncontiguous=True)
    assert gradgradcheck(fn, tuple(inputs))


def test_interpolate_float32_exact_nearest_and_dtype():
    x = np.random.default_rng(0).standard_normal((2, 3, 6, 5)).astype(np.float32)
    for kw in (dict(scale_factor=3), dict(size=(7, 13)), dict(scale_factor=0.45)):
        mine = F.interpolate(minitorch.tensor(x), **kw)
        ref = TF.interpolate(torch.tensor(x), **kw)
        assert mine.dtype == minitorch.float32
        np.testing.assert_array_equal(mine.numpy(), ref.numpy())   # a pure gather: exact
    y = F.interpolate(minitorch.tensor(x), scale_factor=2, mode="bilinear")
    assert y.dtype == minitorch.float32


def test_interpolate_large_gradient_accumulates_like_torch():
    # many outputs read the same source: the scatter-add must sum them all
    x = np.random.default_rng(1).standard_normal((1, 1, 3, 4))
    g = np.random.default_rng(2).standard_normal((1, 1, 31, 29))
    for mode, align in (("nearest", None), ("bilinear", False), ("bilinear", True)):
        mx = minitorch.tensor(x, requires_grad=True)
        tx = torch.tensor(x, requires_grad=True)
        F.interpolate(mx, size=(31, 29), mode=mode, align_corners=align).backward(
            minitorch.tensor(g))
        TF.interpolate(tx, size=(31, 29), mode=mode, align_corners=align).backward(
            torch.tensor(g))
        np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_interpolate_int_input_nearest():
    x = np.arange(12).reshape(1, 1, 3, 4)
    mine = F.interpolate(minitorch.tensor(x), scale_factor=2)
    assert mine.dtype == minitorch.int64
    np.testing.assert_array_equal(mine.numpy(), np.repeat(np.repeat(x, 2, 2), 2, 3))


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(), ValueError, "either size or scale_factor should be defined"),
    (dict(size=4, scale_factor=2), ValueError, "only one of size or scale_factor"),
    (dict(size=4, align_corners=True), ValueError, "align_corners option can only be set"),
    (dict(size=(4, 4, 4)), ValueError, "same number of spatial dimensions"),
    (dict(scale_factor=(2, 2, 2)), ValueError, "same number of spatial dimensions"),
    (dict(size=4, recompute_scale_factor=True), ValueError, "not meaningful"),
    (dict(scale_factor=0.1), ValueError, "sizes should be greater than 0"),
    (dict(size=4, mode="linear"), NotImplementedError, "linear mode needs 3D input"),
    (dict(size=4, mode="foo"), NotImplementedError, "foo"),
    (dict(size=2.5), TypeError, "size"),
])
def test_interpolate_errors(kwargs, exc, match):
    x = minitorch.zeros(1, 1, 4, 4)
    with pytest.raises(exc, match=match):
        F.interpolate(x, **kwargs)


def test_interpolate_bilinear_needs_4d_and_float():
    with pytest.raises(NotImplementedError, match="bilinear mode needs 4D input"):
        F.interpolate(minitorch.zeros(1, 1, 4), size=3, mode="bilinear")
    with pytest.raises(RuntimeError, match="floating point"):
        F.interpolate(minitorch.zeros(1, 1, 4, 4, dtype=minitorch.int64), size=3,
                      mode="bilinear")
    with pytest.raises(TypeError, match="interpolate"):
        F.interpolate(np.zeros((1, 1, 4, 4)), size=3)


# ------------------------------------------------------------------------ Upsample
@pytest.mark.parametrize("kwargs", [dict(scale_factor=2), dict(size=(4, 4), mode="bilinear"),
                                    dict(scale_factor=(2, 3)),
                                    dict(scale_factor=1.5, mode="bilinear", align_corners=True),
                                    dict(size=5, mode="nearest-exact")])
def test_upsample_module(kwargs):
    m, t = minitorch.nn.Upsample(**kwargs), torch.nn.Upsample(**kwargs)
    assert repr(m) == repr(t)
    x = np.random.default_rng(0).standard_normal((2, 3, 3, 4))
    mx = minitorch.tensor(x, requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    my, ty = m(mx), t(tx)
    np.testing.assert_allclose(my.detach().numpy(), ty.detach().numpy(), rtol=1e-12, atol=1e-12)
    g = np.random.default_rng(1).standard_normal(tuple(ty.shape))
    my.backward(minitorch.tensor(g))
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-12)
    assert m.state_dict() == {} and list(m.parameters()) == []


def test_upsampling_aliases():
    assert repr(minitorch.nn.UpsamplingNearest2d(scale_factor=2)) == repr(
        torch.nn.UpsamplingNearest2d(scale_factor=2))
    assert repr(minitorch.nn.UpsamplingBilinear2d(size=(3, 4))) == repr(
        torch.nn.UpsamplingBilinear2d(size=(3, 4)))
    x = np.random.default_rng(0).standard_normal((1, 2, 3, 4))
    np.testing.assert_allclose(
        minitorch.nn.UpsamplingBilinear2d(scale_factor=2)(minitorch.tensor(x)).numpy(),
        torch.nn.UpsamplingBilinear2d(scale_factor=2)(torch.tensor(x)).numpy(), atol=1e-12)


# ------------------------------------------------------------------------ dropout2d
def test_dropout2d_zeroes_whole_channels():
    minitorch.manual_seed(0)
    x = minitorch.ones(16, 32, 3, 5, requires_grad=True)
    y = F.dropout2d(x, p=0.4)
    a = y.detach().numpy()
    per_channel = a.reshape(16, 32, -1)
    assert np.all(per_channel.min(axis=2) == per_channel.max(axis=2))   # constant per (n, c)
    np.testing.assert_allclose(np.unique(a), [0.0, 1 / 0.6], rtol=1e-6)
    assert 0.3 < (per_channel[:, :, 0] == 0).mean() < 0.5
    g = np.random.default_rng(0).standard_normal(a.shape)
    y.backward(minitorch.tensor(g, dtype=minitorch.float32))
    np.testing.assert_allclose(x.grad.numpy(), g * a, rtol=1e-6)     # same mask, same scale
    assert y.dtype == minitorch.float32 and x.grad.dtype == minitorch.float32


def test_dropout2d_eval_p0_p1_and_reproducible():
    x = minitorch.randn(2, 3, 4, 4)
    assert F.dropout2d(x, 0.5, training=False) is x
    assert F.dropout2d(x, 0.0) is x
    assert np.all(F.dropout2d(x, 1.0).numpy() == 0)
    minitorch.manual_seed(3)
    a = F.dropout2d(x, 0.5).numpy()
    minitorch.manual_seed(3)
    b = F.dropout2d(x, 0.5).numpy()
    np.testing.assert_array_equal(a, b)


def test_dropout2d_gradcheck_and_double_backward():
    x = minitorch.randn(2, 3, 2, 2, dtype=minitorch.float64, requires_grad=True)

    def fn(x):
        minitorch.manual_seed(5)
        return F.dropout2d(x, 0.3)
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


def test_dropout2d_3d_warns_and_errors():
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
        y = F.dropout2d(minitorch.ones(4, 8, 5), 0.5)
    a = y.numpy()
    assert np.all(a.min(axis=2) == a.max(axis=2))
    with pytest.warns(UserWarning, match="Received a 5-D input"):
        F.dropout2d(minitorch.ones(2, 3, 2, 2, 2), 0.5)
    with pytest.raises(ValueError, match="between 0 and 1, but got 1.5"):
        F.dropout2d(minitorch.ones(2, 3, 2, 2), 1.5)


def test_dropout2d_inplace():
    minitorch.manual_seed(1)
    x = minitorch.ones(4, 6, 2, 2)
    y = F.dropout2d(x, 0.5, inplace=True)
    assert y is x
    assert set(np.unique(x.numpy())) <= {0.0, 2.0}


def test_dropout2d_module():
    m = minitorch.nn.Dropout2d(0.3)
    assert repr(m) == repr(torch.nn.Dropout2d(0.3))
    x = minitorch.ones(8, 16, 2, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = m(x)
    assert (y.numpy() == 0).any()
    m.eval()
    assert m(x) is x


# ------------------------------------------------------------------------ BatchNorm2d
def _bn_pair(dtype, **kw):
    t = torch.nn.BatchNorm2d(3, **kw).to(getattr(torch, dtype))
    m = minitorch.nn.BatchNorm2d(3, **kw).to(getattr(minitorch, dtype))
    if t.weight is not None:
        with torch.no_grad():
            t.weight.copy_(torch.linspace(0.5, 1.5, 3))
            t.bias.copy_(torch.linspace(-0.2, 0.3, 3))
    m.load_state_dict(t.state_dict())
    return m, t


@pytest.mark.parametrize("dtype, tol", [("float64", 1e-10), ("float32", 1e-5)])
@pytest.mark.parametrize("kw", [dict(), dict(momentum=None), dict(affine=False),
                                dict(track_running_stats=False)])
def test_batchnorm2d_matches_torch(dtype, tol, kw):
    m, t = _bn_pair(dtype, **kw)
    assert repr(m) == repr(t)
    assert list(m.state_dict()) == list(t.state_dict())
    rng = np.random.default_rng(0)
    for mode in ("train", "train", "train", "eval", "train", "eval"):
        m.train(mode == "train")
        t.train(mode == "train")
        x = (rng.standard_normal((4, 3, 5, 3)) * 2 + 1).astype(dtype)
        g = rng.standard_normal(x.shape).astype(dtype)
        mx = minitorch.tensor(x, requires_grad=True)
        tx = torch.tensor(x, requires_grad=True)
        my, ty = m(mx), t(tx)
        np.testing.assert_allclose(my.detach().numpy(), ty.detach().numpy(), rtol=tol, atol=tol)
        my.backward(minitorch.tensor(g))
        ty.backward(torch.tensor(g))
        np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=tol, atol=tol)
        for (name, p), q in zip(m.named_parameters(), t.parameters()):
            np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=tol, atol=tol,
                                       err_msg=name)
            p.grad, q.grad = None, None
        for k, v in t.state_dict().items():
            np.testing.assert_allclose(m.state_dict()[k].numpy(), v.numpy(), rtol=tol,
                                       atol=tol, err_msg=k)
        assert my.dtype == getattr(minitorch, dtype)


def test_batchnorm2d_wrong_dims():
    m, t = minitorch.nn.BatchNorm2d(3), torch.nn.BatchNorm2d(3)
    for shape in ((2, 3), (2, 3, 4), (1, 2, 3, 4, 5)):
        with pytest.raises(ValueError) as theirs:
            t(torch.zeros(shape))
        with pytest.raises(ValueError) as mine:
            m(minitorch.zeros(shape))
        assert str(mine.value) == str(theirs.value)


def test_batchnorm2d_gradgradcheck():
    m = minitorch.nn.BatchNorm2d(2).double()
    x = minitorch.randn(3, 2, 2, 2, dtype=minitorch.float64, requires_grad=True)
    assert gradcheck(lambda x: m(x), (x,))
    assert gradgradcheck(lambda x: m(x), (x,))


# ------------------------------------------------------------------------ on each device
@pytest.mark.parametrize("mode, align", [("nearest", None), ("bilinear", False),
                                         ("bilinear", True)])
def test_interpolate_on_device(device, mode, align):
    x = np.random.default_rng(0).standard_normal((2, 3, 5, 6)).astype(np.float32)
    g = np.random.default_rng(1).standard_normal((2, 3, 9, 13)).astype(np.float32)
    mx = minitorch.tensor(x, device=device, requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    my = F.interpolate(mx, size=(9, 13), mode=mode, align_corners=align)
    ty = TF.interpolate(tx, size=(9, 13), mode=mode, align_corners=align)
    assert my.device == mx.device and my.dtype == minitorch.float32
    my.backward(minitorch.tensor(g, device=device))
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(my.detach().cpu().numpy(), ty.detach().numpy(), rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(mx.grad.cpu().numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-5)
