"""1-d and 3-d layers against PyTorch: Conv3d, ConvTranspose3d, MaxPool/AvgPool/Adaptive*
pooling in 1-d, 2-d and 3-d (ceil_mode, count_include_pad, divisor_override, indices),
MaxUnpool1d/2d/3d, LPPool1d/2d/3d, Upsample/interpolate in 5-d.

Modules get torch's state_dict; outputs, input gradients and parameter gradients are
compared under a random upstream gradient. The functions are in the op table
(tests/test_ops.py); here: modules, option sweeps, indices, reprs and errors.
"""
import itertools

import numpy as np
import pytest
import torch

import minitorch
import minitorch.nn as nn
import minitorch.nn.functional as F
from minitorch.testing.compare import assert_param_grads_close

torch.set_num_threads(1)

TOL = {"float64": (1e-7, 1e-9), "float32": (1e-4, 1e-5)}
TH_DT = {"float64": torch.float64, "float32": torch.float32}
MT_DT = {"float64": minitorch.float64, "float32": minitorch.float32}


def _distinct(shape, seed=0):
    n = int(np.prod(shape))
    return (np.random.default_rng(seed).permutation(n).reshape(shape) + 0.5) / n * 4 - 2


def _check(mt_mod, th_mod, x, dtype="float64", extra=(), seed=1):
    rtol, atol = TOL[dtype]
    th_mod.to(TH_DT[dtype])
    mt_mod.to(MT_DT[dtype])
    mt_mod.load_state_dict(th_mod.state_dict())
    xm = minitorch.from_numpy(x.astype(dtype)).requires_grad_()
    xt = torch.from_numpy(x.astype(dtype)).requires_grad_()
    ym, yt = mt_mod(xm, *extra), th_mod(xt, *extra)
    outs_m = list(ym) if isinstance(ym, tuple) else [ym]
    outs_t = list(yt) if isinstance(yt, tuple) else [yt]
    for a, b in zip(outs_m, outs_t):
        assert tuple(a.shape) == tuple(b.shape)
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=rtol, atol=atol)
    g = np.random.default_rng(seed).standard_normal(tuple(outs_t[0].shape)).astype(dtype)
    outs_m[0].backward(minitorch.from_numpy(g.copy()))
    outs_t[0].backward(torch.from_numpy(g.copy()))
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=rtol, atol=atol)
    if list(th_mod.parameters()):
        assert_param_grads_close(mt_mod, th_mod, rtol, atol)
    return ym, yt


# ------------------------------------------------------------------------------ convolution
CONVS = [
    ("Conv3d", lambda L: L.Conv3d(2, 4, 3), (2, 2, 4, 5, 4)),
    ("Conv3d_full", lambda L: L.Conv3d(4, 6, (2, 3, 1), stride=(2, 1, 2), padding=(1, 0, 1),
                                       dilation=(1, 2, 1), groups=2, bias=False), (1, 4, 5, 6, 5)),
    ("Conv3d_same", lambda L: L.Conv3d(2, 3, (3, 2, 3), padding="same"), (2, 2, 4, 4, 3)),
    ("Conv3d_reflect", lambda L: L.Conv3d(2, 2, 3, padding=1, padding_mode="reflect"), (1, 2, 3, 4, 4)),
    ("Conv3d_circular", lambda L: L.Conv3d(2, 2, (1, 3, 3), padding=(0, 1, 2),
                                           padding_mode="circular"), (1, 2, 2, 4, 5)),
    ("Conv3d_replicate_unbatched", lambda L: L.Conv3d(3, 2, 2, padding=1, padding_mode="replicate"),
     (3, 3, 4, 3)),
    ("ConvTranspose3d", lambda L: L.ConvTranspose3d(2, 3, 3), (2, 2, 3, 4, 3)),
    ("ConvTranspose3d_full", lambda L: L.ConvTranspose3d(4, 6, (2, 3, 2), stride=(2, 1, 3),
                                                         padding=(1, 1, 0), output_padding=(1, 0, 2),
                                                         groups=2, dilation=(1, 2, 1)), (1, 4, 3, 3, 2)),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,make,shape", CONVS, ids=[c[0] for c in CONVS])
def test_conv3d_modules_match_torch(name, make, shape, dtype):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # torch's note on 'same' with even kernels
        m, t = make(nn), make(torch.nn)
        assert repr(m) == repr(t)
        assert list(m.state_dict()) == list(t.state_dict())
        for k, v in t.state_dict().items():
            assert tuple(m.state_dict()[k].shape) == tuple(v.shape), k
        _check(m, t, np.random.default_rng(0).standard_normal(shape), dtype)


def test_conv_transpose3d_output_size():
    m, t = nn.ConvTranspose3d(2, 3, 3, stride=2), torch.nn.ConvTranspose3d(2, 3, 3, stride=2)
    x = np.random.default_rng(0).standard_normal((1, 2, 3, 3, 3))
    _check(m, t, x, extra=((8, 7, 8),))
    with pytest.raises(ValueError, match="requested an output size"):
        m(minitorch.from_numpy(x), (10, 7, 7))


def test_conv3d_default_init_bounds():
    m = nn.Conv3d(2, 4, (2, 3, 3))
    bound = 1 / np.sqrt(2 * 18)
    assert np.abs(m.weight.detach().numpy()).max() <= bound
    assert np.abs(m.bias.detach().numpy()).max() <= bound
    assert np.abs(m.weight.detach().numpy()).max() > bound / 2


def test_conv3d_errors():
    x = minitorch.randn(1, 2, 3, 3, 3)
    with pytest.raises(RuntimeError, match="expected input with 4 channels"):
        F.conv3d(x, minitorch.randn(3, 4, 1, 1, 1))
    with pytest.raises(RuntimeError, match="5-D weight"):
        F.conv3d(x, minitorch.randn(3, 2, 1, 1))
    with pytest.raises(RuntimeError, match="too small"):
        F.conv3d(x, minitorch.randn(3, 2, 4, 1, 1))
    with pytest.raises(ValueError, match="strided"):
        F.conv3d(x, minitorch.randn(3, 2, 1, 1, 1), stride=2, padding="same")
    with pytest.raises(ValueError, match="output padding must be smaller"):
        F.conv_transpose3d(x, minitorch.randn(2, 3, 1, 1, 1), output_padding=1)


# ------------------------------------------------------------------------------ pooling
POOLS = [
    ("MaxPool3d", lambda L: L.MaxPool3d(2), (2, 2, 4, 6, 4)),
    ("MaxPool3d_full", lambda L: L.MaxPool3d((3, 2, 3), (2, 1, 2), (1, 1, 1), dilation=(1, 2, 1),
                                             ceil_mode=True), (1, 2, 5, 6, 7)),
    ("MaxPool3d_indices", lambda L: L.MaxPool3d(2, 1, return_indices=True), (2, 3, 3, 4)),
    ("AvgPool3d", lambda L: L.AvgPool3d(2), (2, 2, 4, 6, 4)),
    ("AvgPool3d_full", lambda L: L.AvgPool3d((3, 2, 3), (2, 1, 2), (1, 1, 1), ceil_mode=True,
                                             count_include_pad=False), (1, 2, 5, 6, 7)),
    ("AvgPool3d_divisor", lambda L: L.AvgPool3d(3, 2, 1, divisor_override=7), (1, 2, 5, 5, 5)),
    ("AdaptiveAvgPool3d", lambda L: L.AdaptiveAvgPool3d((2, None, 3)), (2, 2, 5, 4, 7)),
    ("AdaptiveMaxPool3d", lambda L: L.AdaptiveMaxPool3d(3, return_indices=True), (1, 2, 5, 4, 7)),
    ("LPPool1d", lambda L: L.LPPool1d(2, 3, 2), (2, 3, 9)),
    ("LPPool2d", lambda L: L.LPPool2d(1.5, (2, 3), ceil_mode=True), (1, 2, 5, 7)),
    ("LPPool3d", lambda L: L.LPPool3d(3, 2), (1, 2, 4, 4, 6)),
    ("MaxPool1d", lambda L: L.MaxPool1d(3, 2, 1, ceil_mode=True, return_indices=True), (2, 3, 10)),
    ("AvgPool1d", lambda L: L.AvgPool1d(3, 2, 1, ceil_mode=True, count_include_pad=False), (2, 3, 10)),
    ("AdaptiveMaxPool1d", lambda L: L.AdaptiveMaxPool1d(4, return_indices=True), (2, 3, 10)),
    ("Upsample_5d", lambda L: L.Upsample(scale_factor=2, mode="nearest"), (1, 2, 2, 3, 2)),
    ("Upsample_bicubic", lambda L: L.Upsample(size=(5, 7), mode="bicubic", align_corners=True),
     (1, 2, 3, 4)),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,make,shape", POOLS, ids=[p[0] for p in POOLS])
def test_pooling_modules_match_torch(name, make, shape, dtype):
    m, t = make(nn), make(torch.nn)
    assert repr(m) == repr(t)
    x = _distinct(shape)
    if name.startswith("LPPool"):
        x = np.abs(x) + 0.1
    _check(m, t, x, dtype)


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_pooling_option_sweep_matches_torch(dims):
    """ceil_mode, count_include_pad and divisor_override over random geometries."""
    rng = np.random.default_rng(dims)
    fns = {1: ("max_pool1d", "avg_pool1d"), 2: ("max_pool2d", "avg_pool2d"),
           3: ("max_pool3d", "avg_pool3d")}[dims]
    for trial in range(12):
        k = tuple(int(v) for v in rng.integers(1, 4, dims))
        s = tuple(int(v) for v in rng.integers(1, 4, dims))
        p = tuple(int(rng.integers(0, kk // 2 + 1)) for kk in k)
        size = tuple(int(kk + rng.integers(0, 5)) for kk in k)
        x = _distinct((1, 2) + size, seed=trial)
        ceil = bool(trial % 2)
        for fn in fns:
            kw = dict(kernel_size=k, stride=s, padding=p, ceil_mode=ceil)
            if fn.startswith("avg"):
                kw["count_include_pad"] = bool(trial % 3)
                if dims > 1 and trial % 4 == 0:
                    kw["divisor_override"] = 3
            else:
                kw["return_indices"] = True
            xm = minitorch.from_numpy(x).requires_grad_()
            xt = torch.from_numpy(x).requires_grad_()
            ym = getattr(F, fn)(xm, **kw)
            yt = getattr(torch.nn.functional, fn)(xt, **kw)
            if isinstance(yt, tuple):
                np.testing.assert_array_equal(ym[1].numpy(), yt[1].numpy(), err_msg=str(kw))
                ym, yt = ym[0], yt[0]
            np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), rtol=1e-12,
                                       atol=1e-12, err_msg=f"{fn} {kw}")
            g = rng.standard_normal(tuple(yt.shape))
            ym.backward(minitorch.from_numpy(g))
            yt.backward(torch.from_numpy(g))
            np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-12, atol=1e-12,
                                       err_msg=f"{fn} {kw}")


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_max_unpool_modules_match_torch(dims):
    shape = (2, 3) + (6, 4, 6)[:dims][::-1]
    x = _distinct(shape)
    P = {1: "MaxPool1d", 2: "MaxPool2d", 3: "MaxPool3d"}[dims]
    U = {1: "MaxUnpool1d", 2: "MaxUnpool2d", 3: "MaxUnpool3d"}[dims]
    pm, pt = getattr(nn, P)(2, return_indices=True), getattr(torch.nn, P)(2, return_indices=True)
    um, ut = getattr(nn, U)(2), getattr(torch.nn, U)(2)
    assert repr(um) == repr(ut)
    xm = minitorch.from_numpy(x).requires_grad_()
    xt = torch.from_numpy(x).requires_grad_()
    vm, im = pm(xm)
    vt, it = pt(xt)
    np.testing.assert_array_equal(im.numpy(), it.numpy())
    ym, yt = um(vm, im, output_size=shape[2:]), ut(vt, it, output_size=shape[2:])
    np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy())
    g = np.random.default_rng(0).standard_normal(shape)
    ym.backward(minitorch.from_numpy(g))
    yt.backward(torch.from_numpy(g))
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy())


def test_adaptive_and_torch_level_pooling_indices():
    x = _distinct((2, 3, 5, 7, 6))
    vm, im = F.adaptive_max_pool3d(minitorch.from_numpy(x), (2, 3, 4), return_indices=True)
    vt, it = torch.nn.functional.adaptive_max_pool3d(torch.from_numpy(x), (2, 3, 4),
                                                     return_indices=True)
    np.testing.assert_array_equal(im.numpy(), it.numpy())
    np.testing.assert_array_equal(vm.numpy(), vt.numpy())
    x1 = _distinct((2, 3, 9))
    for name, args in (("adaptive_max_pool1d", (4,)), ("max_pool1d_with_indices", (3, 2, 1))):
        a = getattr(minitorch, name)(minitorch.from_numpy(x1), *args)
        b = getattr(torch, name)(torch.from_numpy(x1), *args)
        assert isinstance(a, tuple) and len(a) == 2
        np.testing.assert_array_equal(a[1].numpy(), b[1].numpy())
    y = minitorch.max_pool3d(minitorch.from_numpy(x), 2)
    np.testing.assert_array_equal(y.numpy(), torch.max_pool3d(torch.from_numpy(x), 2).numpy())


def test_pooling_3d_errors_match_torch():
    x = minitorch.randn(1, 1, 4, 4, 4)
    with pytest.raises(RuntimeError, match="pad should be at most half"):
        F.max_pool3d(x, 3, 1, 2)
    with pytest.raises(RuntimeError, match="non-empty 4D or 5D"):
        F.max_pool3d(minitorch.randn(2, 4, 4, 4, 4, 4), 2)
    with pytest.raises(RuntimeError, match="Output size is too small"):
        F.avg_pool3d(minitorch.randn(1, 1, 1, 4, 4), 2)
    with pytest.raises(RuntimeError, match="divisor must be not zero"):
        F.avg_pool3d(x, 2, divisor_override=0)
    with pytest.raises(RuntimeError, match="invalid max index"):
        F.max_unpool3d(*F.max_pool3d(minitorch.randn(1, 1, 4, 4, 5), 2, return_indices=True), 2)


def test_interpolate_mode_errors_match_torch():
    x4 = minitorch.zeros(1, 1, 4, 4)
    with pytest.raises(NotImplementedError, match="trilinear mode needs 5D input"):
        F.interpolate(x4, size=3, mode="trilinear")
    with pytest.raises(NotImplementedError, match="bicubic mode needs 4D input"):
        F.interpolate(minitorch.zeros(1, 1, 4), size=3, mode="bicubic")
    with pytest.raises(ValueError, match="align_corners option can only be set"):
        F.interpolate(x4, size=3, mode="area", align_corners=True)
    with pytest.raises(ValueError, match="Anti-alias option is restricted"):
        F.interpolate(x4, size=3, mode="nearest", antialias=True)
    with pytest.raises(ValueError, match="Lanczos mode requires antialias=True"):
        F.interpolate(x4, size=3, mode="lanczos")
    with pytest.raises(NotImplementedError, match="Only 3D, 4D and 5D"):
        F.interpolate(minitorch.zeros(2, 2), size=3)


def test_interpolate_sizes_from_scale_factors_like_torch():
    rng = np.random.default_rng(0)
    for mode, shape in itertools.product(("nearest", "area", "trilinear"), [(1, 1, 5, 7, 6)]):
        for sf in (0.5, 1.3, (2.0, 0.7, 1.5)):
            for rsf in (None, True):
                x = rng.standard_normal(shape)
                kw = dict(scale_factor=sf, mode=mode, recompute_scale_factor=rsf)
                a = F.interpolate(minitorch.from_numpy(x), **kw)
                b = torch.nn.functional.interpolate(torch.from_numpy(x), **kw)
                assert tuple(a.shape) == tuple(b.shape), kw
                np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12,
                                           err_msg=str(kw))


# ------------------------------------------------------------------------------ fractional pooling
@pytest.mark.parametrize("dims", [2, 3])
def test_fractional_max_pool_modules_match_torch(dims):
    rng = np.random.default_rng(dims)
    shape = (2, 3, 9, 8) if dims == 2 else (2, 2, 6, 7, 5)
    samples = rng.random((2, shape[1], dims))
    name = f"FractionalMaxPool{dims}d"
    kw = dict(output_size=(4, 3)) if dims == 2 else dict(output_ratio=(0.5, 0.6, 0.7))
    m = getattr(nn, name)(2, return_indices=True, _random_samples=minitorch.from_numpy(samples),
                          **kw)
    t = getattr(torch.nn, name)(2, return_indices=True, _random_samples=torch.from_numpy(samples),
                                **kw)
    assert repr(m) == repr(t)
    assert list(m.state_dict()) == list(t.state_dict()) == ["_random_samples"]
    _check(m, t, _distinct(shape))
    # without samples: windows are random but always cover the input's extent
    y = getattr(nn, name)(2, **kw)(minitorch.from_numpy(_distinct(shape)))
    assert tuple(y.shape) == tuple(getattr(torch.nn, name)(2, **kw)(
        torch.from_numpy(_distinct(shape))).shape)
    with pytest.raises(ValueError, match="output_ratio must be between 0 and 1"):
        getattr(nn, name)(2, output_ratio=1.5)
    with pytest.raises(ValueError, match="requires specifying either"):
        getattr(nn, name)(2)
