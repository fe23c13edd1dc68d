"""Convolution against PyTorch on the same bytes: conv2d, conv1d, conv_transpose1d/2d,
unfold and fold (forward, input, weight and bias gradients, float64 tight and float32),
gradcheck and gradgradcheck (the gradients are themselves differentiable Functions), the
layers loaded from torch state_dicts, their reprs and init, and the errors."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import minitorch
import minitorch.nn as mnn
import minitorch.nn.functional as F
from minitorch.autograd import gradcheck, gradgradcheck

torch.set_num_threads(1)

TOL = {"float64": (1e-7, 1e-9), "float32": (1e-4, 1e-4)}


def _run(lib, fn, arrays, gout, dtype):
    ts = [lib.from_numpy(np.array(a, dtype=dtype)).requires_grad_(True) for a in arrays]
    y = fn(lib, *ts)
    (y * lib.from_numpy(gout.astype(dtype))).sum().backward()
    return y.detach().numpy(), [t.grad.numpy() for t in ts]


def check_vs_torch(fn, arrays, dtype, seed=1):
    """Forward and every input's gradient, minitorch vs torch, same bytes in both."""
    with torch.no_grad():
        shape = fn(torch, *[torch.from_numpy(a) for a in arrays]).shape
    gout = np.random.default_rng(seed).standard_normal(tuple(shape))
    ym, gm = _run(minitorch, fn, arrays, gout, dtype)
    yt, gt = _run(torch, fn, arrays, gout, dtype)
    rtol, atol = TOL[dtype]
    assert ym.shape == yt.shape and ym.dtype == yt.dtype == np.dtype(dtype)
    np.testing.assert_allclose(ym, yt, rtol=rtol, atol=atol, err_msg="forward")
    for i, (a, b) in enumerate(zip(gm, gt)):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"grad of input {i}")


def _F(lib):
    return F if lib is minitorch else TF


# ------------------------------------------------------------------ conv2d grid
# (N, C, H, W, O, kernel, stride, padding, dilation, groups, bias)
CONV2D = [
    (2, 3, 7, 7, 4, 3, 1, 0, 1, 1, True),
    (2, 3, 8, 7, 4, 3, 2, 1, 1, 1, True),
    (1, 2, 9, 8, 3, (3, 2), 3, 2, 1, 1, False),
    (2, 4, 7, 9, 6, (2, 3), (1, 2), (2, 1), 2, 2, True),
    (1, 4, 6, 5, 4, 3, 1, "same", 1, 4, True),          # depthwise, 'same'
    (2, 3, 6, 7, 2, (2, 4), 1, "same", (2, 1), 1, True),  # even kernel: uneven 'same'
    (2, 2, 5, 6, 3, 3, (2, 1), "valid", 1, 1, True),
    (1, 4, 7, 7, 8, 3, 2, 1, 2, 4, False),              # depthwise with multiplier 2
    (3, 2, 5, 5, 2, 1, 1, 0, 1, 2, True),               # 1x1 grouped
]


def _conv2d_case(case):
    N, C, H, W, O, k, s, p, d, g, bias = case
    kh, kw = (k, k) if isinstance(k, int) else k
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((N, C, H, W)), rng.standard_normal((O, C // g, kh, kw))]
    if bias:
        arrays.append(rng.standard_normal(O))

    def fn(lib, x, w, b=None):
        return _F(lib).conv2d(x, w, b, stride=s, padding=p, dilation=d, groups=g)
    return fn, arrays


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CONV2D, ids=str)
def test_conv2d_vs_torch(case, dtype):
    fn, arrays = _conv2d_case(case)
    check_vs_torch(fn, arrays, dtype)


@pytest.mark.slow
@pytest.mark.parametrize("s", [1, 2, 3])
@pytest.mark.parametrize("p", [0, 1, 2, "same", "valid"])
@pytest.mark.parametrize("d", [1, 2])
@pytest.mark.parametrize("g", [1, 2, 4])
def test_conv2d_big_grid(s, p, d, g):
    if p == "same" and s > 1:
        pytest.skip("'same' needs stride 1")
    fn, arrays = _conv2d_case((2, 4, 9, 8, 4, (3, 2), s, p, d, g, True))
    check_vs_torch(fn, arrays, "float64")


def test_conv2d_unbatched_and_noncontiguous():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 8, 6))
    w = rng.standard_normal((2, 3, 3, 3))
    check_vs_torch(lambda lib, x, w: _F(lib).conv2d(x, w, padding=1), [x, w], "float64")
    # a transposed (non-contiguous) input
    xt = rng.standard_normal((2, 3, 6, 8))
    check_vs_torch(lambda lib, x, w: _F(lib).conv2d(x.transpose(2, 3), w, stride=2),
                   [xt, w], "float64")


# ------------------------------------------------------------------ conv1d
CONV1D = [
    (2, 3, 9, 4, 3, 1, 0, 1, 1),
    (1, 4, 10, 6, 2, 2, 1, 1, 2),
    (2, 4, 11, 4, 3, 3, 2, 2, 4),
    (2, 2, 8, 3, 4, 1, "same", 1, 1),
    (2, 2, 8, 3, 3, 1, "same", 2, 1),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CONV1D, ids=str)
def test_conv1d_vs_torch(case, dtype):
    N, C, L, O, k, s, p, d, g = case
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((N, C, L)), rng.standard_normal((O, C // g, k)),
              rng.standard_normal(O)]
    check_vs_torch(lambda lib, x, w, b: _F(lib).conv1d(x, w, b, s, p, d, g), arrays, dtype)


# ------------------------------------------------------------------ conv_transpose
# (N, Cin, H, W, Cout, kernel, stride, padding, output_padding, groups, dilation)
CONVT2D = [
    (2, 3, 4, 5, 4, 3, 1, 0, 0, 1, 1),
    (2, 4, 4, 3, 6, 3, 2, 1, 1, 2, 1),
    (1, 2, 3, 4, 3, (2, 3), (3, 2), (0, 1), (2, 1), 1, 1),
    (2, 4, 5, 4, 4, 3, 1, 2, 0, 4, 2),
    (1, 2, 4, 4, 2, 2, 1, 0, 1, 1, 2),            # output_padding < dilation
    (2, 2, 3, 3, 4, (3, 1), 2, 0, 0, 2, (1, 3)),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CONVT2D, ids=str)
def test_conv_transpose2d_vs_torch(case, dtype):
    N, C, H, W, O, k, s, p, op, g, d = case
    kh, kw = (k, k) if isinstance(k, int) else k
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((N, C, H, W)), rng.standard_normal((C, O // g, kh, kw)),
              rng.standard_normal(O)]
    check_vs_torch(lambda lib, x, w, b: _F(lib).conv_transpose2d(x, w, b, s, p, op, g, d),
                   arrays, dtype)


@pytest.mark.parametrize("case", [(2, 4, 7, 4, 3, 2, 1, 1, 2, 1), (1, 2, 5, 3, 2, 1, 0, 0, 1, 2)],
                         ids=str)
def test_conv_transpose1d_vs_torch(case):
    N, C, L, O, k, s, p, op, g, d = case
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((N, C, L)), rng.standard_normal((C, O // g, k)),
              rng.standard_normal(O)]
    check_vs_torch(lambda lib, x, w, b: _F(lib).conv_transpose1d(x, w, b, s, p, op, g, d),
                   arrays, "float64")


# ------------------------------------------------------------------ unfold / fold
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("k,d,p,s", [(3, 1, 0, 1), ((2, 3), (2, 1), (1, 2), (2, 1)),
                                     (2, 1, 1, 2), (3, 2, 2, 3)], ids=str)
def test_unfold_fold_vs_torch(k, d, p, s, dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 7, 8))
    check_vs_torch(lambda lib, x: _F(lib).unfold(x, k, d, p, s), [x], dtype)
    with torch.no_grad():
        cols = TF.unfold(torch.from_numpy(x), k, d, p, s).numpy()
    check_vs_torch(lambda lib, c: _F(lib).fold(c, (7, 8), k, d, p, s), [cols], dtype)


def test_unfold_fold_unbatched():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 5, 6))
    check_vs_torch(lambda lib, x: _F(lib).unfold(x, 2, 1, 1, 2), [x], "float64")
    c = rng.standard_normal((3 * 4, 4 * 5))
    check_vs_torch(lambda lib, c: _F(lib).fold(c, (5, 6), 2, 1, 0, 1), [c], "float64")


def test_fold_size_mismatch_error():
    c = minitorch.zeros(1, 12, 10)
    with pytest.raises(RuntimeError, match="fold.*sliding blocks"):
        F.fold(c, (5, 6), 2)


# ------------------------------------------------------------------ gradcheck / gradgradcheck
def _leaves(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return tuple(minitorch.from_numpy(rng.standard_normal(s)).requires_grad_(True)
                 for s in shapes)


GRAD_FNS = {
    "conv2d": (lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, dilation=1, groups=2),
               [(2, 4, 5, 4), (4, 2, 3, 2), (4,)]),
    "conv2d_dilated_same": (lambda x, w, b: F.conv2d(x, w, b, padding="same", dilation=2),
                            [(1, 2, 5, 5), (3, 2, 2, 3), (3,)]),
    "conv1d": (lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1),
               [(2, 3, 7), (2, 3, 3), (2,)]),
    "conv_transpose2d": (lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1,
                                                            output_padding=1, groups=2),
                         [(2, 4, 3, 3), (4, 1, 3, 3), (2,)]),
    "conv_transpose2d_dilated": (lambda x, w, b: F.conv_transpose2d(x, w, b, dilation=2),
                                 [(1, 2, 3, 4), (2, 3, 2, 2), (3,)]),
    "unfold": (lambda x: F.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=2),
               [(2, 2, 5, 6)]),
    "fold": (lambda c: F.fold(c, (4, 5), 2, padding=1, stride=2), [(1, 4, 9)]),
}


@pytest.mark.parametrize("name", list(GRAD_FNS))
def test_gradcheck(name):
    fn, shapes = GRAD_FNS[name]
    assert gradcheck(fn, _leaves(*shapes), check_noncontiguous=True)


@pytest.mark.parametrize("name", list(GRAD_FNS))
def test_gradgradcheck(name):
    fn, shapes = GRAD_FNS[name]
    assert gradgradcheck(fn, _leaves(*shapes))


def test_gradient_penalty_matches_torch():
    """create_graph=True through a conv: d/dW of ||dy/dx||^2 (a gradient penalty)."""
    rng = np.random.default_rng(5)
    xa, wa = rng.standard_normal((2, 3, 6, 6)), rng.standard_normal((4, 3, 3, 3))
    out = {}
    for lib in (minitorch, torch):
        x = lib.from_numpy(xa.copy()).requires_grad_(True)
        w = lib.from_numpy(wa.copy()).requires_grad_(True)
        y = _F(lib).conv2d(x, w, stride=2, padding=1)
        (gx,) = lib.autograd.grad((y * y).sum(), x, create_graph=True)
        (gx * gx).sum().backward()
        out[lib.__name__] = (w.grad.numpy(), x.grad.numpy())
    for a, b in zip(out["minitorch"], out["torch"]):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-9)


# ------------------------------------------------------------------ modules
MODULES = [
    ("Conv2d", dict(in_channels=3, out_channels=4, kernel_size=3, padding=1), (2, 3, 6, 5)),
    ("Conv2d", dict(in_channels=4, out_channels=6, kernel_size=(3, 2), stride=2, dilation=(1, 2),
                    groups=2, bias=False), (2, 4, 7, 8)),
    ("Conv2d", dict(in_channels=2, out_channels=3, kernel_size=3, padding="same",
                    padding_mode="reflect"), (1, 2, 5, 6)),
    ("Conv2d", dict(in_channels=2, out_channels=2, kernel_size=2, padding=1,
                    padding_mode="circular"), (1, 2, 4, 4)),
    ("Conv1d", dict(in_channels=3, out_channels=5, kernel_size=3, stride=2, padding=1), (2, 3, 9)),
    ("Conv1d", dict(in_channels=4, out_channels=4, kernel_size=3, groups=4, padding=2,
                    padding_mode="replicate"), (2, 4, 6)),
    ("ConvTranspose2d", dict(in_channels=4, out_channels=2, kernel_size=3, stride=2, padding=1,
                             output_padding=1), (2, 4, 3, 4)),
    ("ConvTranspose2d", dict(in_channels=4, out_channels=6, kernel_size=2, groups=2,
                             dilation=2, bias=False), (1, 4, 3, 3)),
    ("ConvTranspose1d", dict(in_channels=3, out_channels=2, kernel_size=4, stride=2), (2, 3, 5)),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,kwargs,shape", MODULES, ids=lambda v: str(v))
def test_module_vs_torch(name, kwargs, shape, dtype):
    tdt = getattr(torch, dtype)
    torch.manual_seed(0)
    tm = getattr(torch.nn, name)(**kwargs).to(tdt)
    mm = getattr(mnn, name)(**kwargs).to(getattr(minitorch, dtype))
    mm.load_state_dict(tm.state_dict())
    assert repr(mm) == repr(tm)
    assert list(mm.state_dict().keys()) == list(tm.state_dict().keys())
    for k, v in tm.state_dict().items():
        assert tuple(mm.state_dict()[k].shape) == tuple(v.shape)
    xa = np.random.default_rng(1).standard_normal(shape)
    res = {}
    for lib, mod in ((minitorch, mm), (torch, tm)):
        x = lib.from_numpy(xa.astype(dtype)).requires_grad_(True)
        y = mod(x)
        g = lib.from_numpy(np.random.default_rng(2).standard_normal(tuple(y.shape)).astype(dtype))
        (y * g).sum().backward()
        res[lib.__name__] = [y.detach().numpy(), x.grad.numpy()] + [
            p.grad.numpy() for p in mod.parameters()]
    rtol, atol = TOL[dtype]
    for a, b in zip(res["minitorch"], res["torch"]):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def test_conv_transpose2d_output_size():
    tm = torch.nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1).double()
    mm = mnn.ConvTranspose2d(2, 3, 3, stride=2, padding=1).double()
    mm.load_state_dict(tm.state_dict())
    xa = np.random.default_rng(0).standard_normal((1, 2, 4, 4))
    yt = tm(torch.from_numpy(xa), output_size=[8, 8])
    ym = mm(minitorch.from_numpy(xa), output_size=[8, 8])
    assert tuple(ym.shape) == tuple(yt.shape) == (1, 3, 8, 8)
    np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError, match="output size"):
        mm(minitorch.from_numpy(xa), output_size=[10, 10])


@pytest.mark.parametrize("name,args", [("Conv2d", (3, 8, (3, 5))), ("Conv1d", (4, 6, 3)),
                                       ("ConvTranspose2d", (6, 4, 3))])
def test_default_init(name, args):
    """PyTorch's bounds: weight and bias within 1/sqrt(fan_in), fan_in = size(1) * kernel."""
    minitorch.manual_seed(0)
    m = getattr(mnn, name)(*args)
    w = m.weight.detach().numpy()
    fan_in = w.shape[1] * int(np.prod(w.shape[2:]))
    bound = 1 / math.sqrt(fan_in)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.8 * bound
    assert np.abs(m.bias.detach().numpy()).max() <= bound
    assert m.weight.dtype == minitorch.float32


# ------------------------------------------------------------------ errors
def test_channel_mismatch_names_both_counts():
    x = minitorch.zeros(1, 4, 8, 8)
    w = minitorch.zeros(8, 3, 3, 3)
    msg = (r"conv2d\(\): expected input with 3 channels \(weight of shape \(8, 3, 3, 3\), "
           r"groups=1\), got 4 channels")
    with pytest.raises(RuntimeError, match=msg):
        F.conv2d(x, w)
    with pytest.raises(RuntimeError, match="expected input with 4 channels.*got 3 channels"):
        F.conv2d(minitorch.zeros(1, 3, 8, 8), minitorch.zeros(4, 2, 3, 3), groups=2)
    with pytest.raises(RuntimeError, match="expected input with 3 channels.*got 4"):
        mnn.Conv2d(3, 8, 3)(x)
    with pytest.raises(RuntimeError, match="conv1d.*expected input with 2 channels.*got 3"):
        F.conv1d(minitorch.zeros(1, 3, 8), minitorch.zeros(4, 2, 3))
    with pytest.raises(RuntimeError, match="conv_transpose2d.*expected input with 5 channels"):
        F.conv_transpose2d(x, minitorch.zeros(5, 2, 3, 3))


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(stride=0), ValueError, "stride must be positive"),
    (dict(stride=(1, 2, 3)), TypeError, "'stride' must be an int or a tuple of 2 ints"),
    (dict(padding=-1), ValueError, "padding must be non-negative"),
    (dict(padding="full"), ValueError, "invalid padding string"),
    (dict(padding="same", stride=2), ValueError, "'same' is not supported for strided"),
    (dict(dilation=0), ValueError, "dilation must be positive"),
    (dict(groups=0), ValueError, "groups must be a positive integer"),
])
def test_bad_arguments(kwargs, exc, match):
    x, w = minitorch.zeros(1, 2, 6, 6), minitorch.zeros(2, 2, 3, 3)
    with pytest.raises(exc, match=match):
        F.conv2d(x, w, **kwargs)


def test_other_errors():
    x = minitorch.zeros(1, 2, 6, 6)
    with pytest.raises(RuntimeError, match="expected bias of shape"):
        F.conv2d(x, minitorch.zeros(3, 2, 3, 3), minitorch.zeros(4))
    with pytest.raises(RuntimeError, match="output size .* too small"):
        F.conv2d(x, minitorch.zeros(3, 2, 7, 7))
    with pytest.raises(RuntimeError, match="same dtype"):
        F.conv2d(x, minitorch.zeros(3, 2, 3, 3, dtype=minitorch.float64))
    with pytest.raises(RuntimeError, match="4-D weight"):
        F.conv2d(x, minitorch.zeros(3, 2, 3))
    with pytest.raises(ValueError, match="output padding must be smaller"):
        F.conv_transpose2d(x, minitorch.zeros(2, 2, 3, 3), stride=2, output_padding=2)
    with pytest.raises(ValueError, match="in_channels .* divisible by groups"):
        mnn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="'same' is not supported for strided"):
        mnn.Conv2d(3, 4, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="padding_mode"):
        mnn.Conv2d(3, 4, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match="Only 'zeros' padding mode"):
        mnn.ConvTranspose2d(3, 4, 3, padding_mode="reflect")


def test_float32_stays_float32():
    x = minitorch.randn(2, 3, 5, 5, requires_grad=True)
    conv = mnn.Conv2d(3, 4, 3, padding=1)
    y = conv(x)
    assert y.dtype == minitorch.float32
    y.sum().backward()
    assert x.grad.dtype == conv.weight.grad.dtype == conv.bias.grad.dtype == minitorch.float32
