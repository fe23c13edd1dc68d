"""Pooling (functional and modules) against PyTorch on the same bytes: forward values,
argmax indices and input gradients (random upstream gradient), float64 tight and float32;
gradcheck and gradgradcheck; double backward against torch; module reprs; errors."""
import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import minitorch
import minitorch.nn as mnn  # noqa: F401 - the module tests eval('mnn.' + expr)
import minitorch.nn.functional as MF
from minitorch.autograd import gradcheck, gradgradcheck

torch.set_num_threads(1)

TOL = {"float64": (1e-10, 1e-12), "float32": (1e-5, 1e-6)}


def _distinct(rng, shape):
    """No ties anywhere (gaps of ~1/n), so the max is differentiable."""
    n = int(np.prod(shape))
    return ((rng.permutation(n) + rng.uniform(0.3, 0.7, n)) / n * 4 - 2).reshape(shape)


def _run(lib, fn, x, g_seed=1, dtype="float64", grad=True):
    """fn(lib, x) forward then backward with a seeded random upstream gradient."""
    t = lib.from_numpy(x.astype(dtype)).requires_grad_(True)
    out = fn(lib, t)
    idx = None
    if isinstance(out, tuple):
        out, idx = out
        idx = idx.numpy()
    if not grad:
        return out.detach().numpy(), idx, None, str(out.dtype).split(".")[-1]
    g = np.random.default_rng(g_seed).standard_normal(tuple(out.shape)).astype(dtype)
    out.backward(lib.from_numpy(g))
    return out.detach().numpy(), idx, t.grad.numpy(), str(out.dtype).split(".")[-1]


def check_vs_torch(fn, x, dtypes=("float64", "float32"), grad=True):
    for dtype in dtypes:
        rtol, atol = TOL[dtype]
        mo, mi, mg, mdt = _run(minitorch, fn, x, dtype=dtype, grad=grad)
        to, ti, tg, tdt = _run(torch, fn, x, dtype=dtype, grad=grad)
        assert mdt == tdt == dtype
        assert mo.shape == to.shape
        np.testing.assert_allclose(mo, to, rtol=rtol, atol=atol, err_msg=f"forward {dtype}")
        if ti is not None:
            assert mi.dtype == np.int64
            np.testing.assert_array_equal(mi, ti, err_msg=f"indices {dtype}")
        if not grad:
            continue
        assert mg.dtype == np.dtype(dtype)
        np.testing.assert_allclose(mg, tg, rtol=rtol, atol=atol, err_msg=f"gradient {dtype}")


def both_raise(fn, x):
    """Arguments PyTorch rejects are rejected here too (a RuntimeError)."""
    with pytest.raises(RuntimeError):
        fn(torch, torch.from_numpy(x))
    with pytest.raises(RuntimeError):
        fn(minitorch, minitorch.from_numpy(x))


def _torch_accepts(fn, x):
    try:
        fn(torch, torch.from_numpy(x))
        return True
    except RuntimeError:
        return False


# ------------------------------------------------------------------------------ max_pool2d
IMG = (2, 3, 7, 9)  # odd sizes
MAX_GRID = (list(itertools.product([(2, 3), 3], [None, 1, 2, 3], [0, 1], [1, 2], [False, True]))
            + list(itertools.product([(4, 5)], [None, 2], [2], [1, 2], [False, True])))


@pytest.mark.parametrize("k,s,p,d,ceil", MAX_GRID)
def test_max_pool2d_grid(k, s, p, d, ceil):
    x = _distinct(np.random.default_rng(0), IMG)

    def fn(lib, t):
        return lib.nn.functional.max_pool2d(t, k, s, p, d, ceil_mode=ceil, return_indices=True)
    if not _torch_accepts(fn, x):
        both_raise(fn, x)
        return
    check_vs_torch(fn, x)


@pytest.mark.parametrize("shape", [(1, 1, 5, 5), (1, 2, 4, 7), (3, 6, 8), (2, 1, 1, 3)])
def test_max_pool2d_shapes_batch1_unbatched(shape):
    x = np.random.default_rng(1).standard_normal(shape)
    k = (1, 2) if shape[-2] == 1 else 2
    check_vs_torch(lambda lib, t: lib.nn.functional.max_pool2d(
        t, k, 1, 0, ceil_mode=True, return_indices=True), x)


@pytest.mark.parametrize("p,d", [(1, 1), (1, 2), (2, 2)])
def test_max_pool2d_all_negative_with_padding(p, d):
    # padding is -inf, never 0: an all-negative input keeps its (negative) maxima
    x = -np.random.default_rng(2).uniform(1, 2, (2, 2, 6, 5))
    fn = lambda lib, t: lib.nn.functional.max_pool2d(
        t, 4, 2, p, d, ceil_mode=True, return_indices=True)
    check_vs_torch(fn, x)
    out = MF.max_pool2d(minitorch.from_numpy(x), 4, 2, p, d, ceil_mode=True)
    assert (out.numpy() < 0).all()


def test_max_pool2d_ties_pick_first_like_torch():
    x = np.random.default_rng(3).integers(0, 3, (2, 2, 7, 8)).astype(np.float64)
    check_vs_torch(lambda lib, t: lib.nn.functional.max_pool2d(t, 3, 1, 1,
                                                               return_indices=True), x)
    x[:] = 1.0
    check_vs_torch(lambda lib, t: lib.nn.functional.max_pool2d(t, 2, 2, 1,
                                                               return_indices=True), x)


def test_max_pool2d_nan_and_inf_like_torch():
    x = np.random.default_rng(4).standard_normal((1, 2, 6, 6))
    x[0, 0, 1, 1] = np.nan
    x[0, 0, 1, 2] = np.nan
    x[0, 1, :3, :3] = -np.inf
    mo, mi = MF.max_pool2d(minitorch.from_numpy(x), 3, 2, 1, return_indices=True)
    to, ti = TF.max_pool2d(torch.from_numpy(x), 3, 2, 1, return_indices=True)
    np.testing.assert_array_equal(mo.numpy(), to.numpy())
    np.testing.assert_array_equal(mi.numpy(), ti.numpy())


def test_max_pool2d_float32_stays_float32_and_indices_int64():
    x = minitorch.randn(2, 3, 6, 6, requires_grad=True)
    out, idx = MF.max_pool2d(x, 2, return_indices=True)
    assert out.dtype == minitorch.float32 and idx.dtype == minitorch.int64
    assert not idx.requires_grad
    out.sum().backward()
    assert x.grad.dtype == minitorch.float32


def test_max_pool2d_noncontiguous_input():
    x = _distinct(np.random.default_rng(5), (2, 3, 9, 7)).transpose(0, 1, 3, 2)
    check_vs_torch(lambda lib, t: lib.nn.functional.max_pool2d(t, 3, 2, 1,
                                                               return_indices=True), x)


# ------------------------------------------------------------------------------ avg_pool2d
AVG_GRID = (list(itertools.product([(2, 3), 3], [None, 1, 3], [0, 1], [False, True],
                                   [True, False]))
            + list(itertools.product([(4, 5)], [None, 2], [2], [False, True], [True, False])))


@pytest.mark.parametrize("k,s,p,ceil,cip", AVG_GRID)
def test_avg_pool2d_grid(k, s, p, ceil, cip):
    x = np.random.default_rng(0).standard_normal(IMG)

    def fn(lib, t):
        return lib.nn.functional.avg_pool2d(t, k, s, p, ceil_mode=ceil, count_include_pad=cip)
    if not _torch_accepts(fn, x):
        both_raise(fn, x)
        return
    check_vs_torch(fn, x)


@pytest.mark.parametrize("div", [1, 3, 7, -2])
@pytest.mark.parametrize("ceil", [False, True])
def test_avg_pool2d_divisor_override(div, ceil):
    x = np.random.default_rng(6).standard_normal((1, 2, 7, 6))
    check_vs_torch(lambda lib, t: lib.nn.functional.avg_pool2d(
        t, 3, 2, 1, ceil_mode=ceil, divisor_override=div), x)


@pytest.mark.parametrize("shape", [(1, 1, 5, 5), (3, 6, 8), (2, 1, 1, 4)])
def test_avg_pool2d_shapes_batch1_unbatched(shape):
    x = np.random.default_rng(7).standard_normal(shape)
    k = (1, 3) if shape[-2] == 1 else 3
    check_vs_torch(lambda lib, t: lib.nn.functional.avg_pool2d(t, k, 2, (0, 1), True,
                                                               False), x)


# ------------------------------------------------------------------------------ adaptive
ADAPTIVE_SIZES = [1, 3, (4, None), (None, 2), (2, 5), (7, 9), (10, 11), (3, 1)]


@pytest.mark.parametrize("in_hw", [(7, 9), (5, 5), (4, 6)])
@pytest.mark.parametrize("size", ADAPTIVE_SIZES)
def test_adaptive_avg_pool2d(in_hw, size):
    x = np.random.default_rng(8).standard_normal((2, 3) + in_hw)
    check_vs_torch(lambda lib, t: lib.nn.functional.adaptive_avg_pool2d(t, size), x)


@pytest.mark.parametrize("in_hw", [(7, 9), (5, 5), (4, 6)])
@pytest.mark.parametrize("size", ADAPTIVE_SIZES)
def test_adaptive_max_pool2d(in_hw, size):
    x = _distinct(np.random.default_rng(9), (2, 3) + in_hw)
    check_vs_torch(lambda lib, t: lib.nn.functional.adaptive_max_pool2d(t, size, True), x)


def test_adaptive_unbatched_and_ties():
    x = np.random.default_rng(10).integers(0, 2, (3, 7, 5)).astype(np.float64)
    check_vs_torch(lambda lib, t: lib.nn.functional.adaptive_max_pool2d(t, (3, 2), True), x)
    check_vs_torch(lambda lib, t: lib.nn.functional.adaptive_avg_pool2d(t, (3, 2)), x)


# ------------------------------------------------------------------------------ 1-d
@pytest.mark.parametrize("k,s,p,d,ceil", [(2, None, 0, 1, False), (3, 2, 1, 2, True),
                                          (4, 3, 2, 1, True), (1, 1, 0, 3, False)])
def test_max_pool1d(k, s, p, d, ceil):
    for shape in [(2, 3, 11), (3, 8)]:
        x = _distinct(np.random.default_rng(11), shape)
        check_vs_torch(lambda lib, t: lib.nn.functional.max_pool1d(
            t, k, s, p, d, ceil_mode=ceil, return_indices=True), x)


@pytest.mark.parametrize("k,s,p,ceil,cip", [(2, None, 0, False, True), (3, 2, 1, True, False),
                                            (4, 3, 2, True, True)])
def test_avg_pool1d(k, s, p, ceil, cip):
    for shape in [(2, 3, 11), (3, 8)]:
        x = np.random.default_rng(12).standard_normal(shape)
        check_vs_torch(lambda lib, t: lib.nn.functional.avg_pool1d(t, k, s, p, ceil, cip), x)


@pytest.mark.parametrize("size", [1, 4, 13])
def test_adaptive_pool1d(size):
    x = _distinct(np.random.default_rng(13), (2, 3, 10))
    check_vs_torch(lambda lib, t: lib.nn.functional.adaptive_avg_pool1d(t, size), x)
    check_vs_torch(lambda lib, t: lib.nn.functional.adaptive_max_pool1d(t, size, True), x)


# ------------------------------------------------------------------------------ max_unpool
@pytest.mark.parametrize("k,s,p,shape,size", [
    (2, None, 0, (2, 3, 8, 6), None), ((2, 3), (2, 3), (1, 1), (2, 3, 6, 7), None),
    (2, 2, 0, (2, 3, 7, 9), (7, 9)), (3, 3, 1, (2, 3, 7, 9), (1, 2, 7, 9))])
def test_max_unpool2d(k, s, p, shape, size):
    x = _distinct(np.random.default_rng(18), shape)

    def fn(lib, t):
        F = lib.nn.functional
        out, idx = F.max_pool2d(t, k, s, p, return_indices=True)
        return F.max_unpool2d(out * 2, idx, k, s, p, output_size=size)
    check_vs_torch(fn, x)
    check_vs_torch(lambda lib, t: fn(lib, t[0]), x)      # unbatched


def test_max_unpool1d_and_modules():
    x = _distinct(np.random.default_rng(19), (2, 3, 9))

    def fn(lib, t):
        out, idx = lib.nn.functional.max_pool1d(t, 3, return_indices=True)
        return lib.nn.MaxUnpool1d(3)(out, idx, output_size=(2, 3, 10))
    check_vs_torch(fn, x)
    for expr in ["MaxUnpool2d(2)", "MaxUnpool2d((2, 3), 1, 1)", "MaxUnpool1d(2)"]:
        assert repr(eval("mnn." + expr)) == repr(eval("torch.nn." + expr))


def test_max_unpool2d_gradcheck_and_errors():
    rng = np.random.default_rng(20)
    out, idx = MF.max_pool2d(minitorch.from_numpy(_distinct(rng, (1, 2, 4, 6))), 2,
                             return_indices=True)
    v = minitorch.from_numpy(rng.standard_normal(tuple(out.shape))).requires_grad_(True)
    fn = lambda t: MF.max_unpool2d(t, idx, 2)
    assert gradcheck(fn, (v,)) and gradgradcheck(fn, (v,))
    with pytest.raises(RuntimeError, match=r"Found an invalid max index: \d+ \(output volumes "
                       r"are of size 4x6\)"):
        MF.max_unpool2d(out, idx + 100, 2)
    with pytest.raises(RuntimeError, match=r'invalid output_size "\(7, 7\)" \(dim 0 must be '
                       r"between 2 and 6\)"):
        MF.max_unpool2d(out, idx, 2, output_size=(7, 7))


# ------------------------------------------------------------------------------ gradcheck
GRAD_FNS = {
    "max_pool2d": lambda t: MF.max_pool2d(t, 2, 1, 1),
    "max_pool2d_dilated_ceil": lambda t: MF.max_pool2d(t, (2, 3), 2, 1, 2, ceil_mode=True),
    "avg_pool2d": lambda t: MF.avg_pool2d(t, 3, 2, 1, True, False),
    "avg_pool2d_divisor": lambda t: MF.avg_pool2d(t, 2, 1, 1, divisor_override=3),
    "adaptive_avg_pool2d": lambda t: MF.adaptive_avg_pool2d(t, (3, 4)),
    "adaptive_max_pool2d": lambda t: MF.adaptive_max_pool2d(t, (3, 4)),
    "max_pool1d": lambda t: MF.max_pool1d(t[0, 0], 3, 2, 1),
    "avg_pool1d": lambda t: MF.avg_pool1d(t[0, 0], 3, 2, 1),
}


@pytest.mark.parametrize("name", list(GRAD_FNS))
def test_gradcheck_and_gradgradcheck(name):
    x = minitorch.from_numpy(_distinct(np.random.default_rng(14), (1, 2, 5, 6)))
    x.requires_grad_(True)
    assert gradcheck(GRAD_FNS[name], (x,), check_noncontiguous=True)
    assert gradgradcheck(GRAD_FNS[name], (x,))


@pytest.mark.parametrize("name", ["max", "avg", "adaptive_max"])
def test_double_backward_matches_torch(name):
    fns = {"max": lambda F, t: F.max_pool2d(t, 3, 2, 1, ceil_mode=True),
           "avg": lambda F, t: F.avg_pool2d(t, 3, 2, 1, ceil_mode=True, count_include_pad=False),
           "adaptive_max": lambda F, t: F.adaptive_max_pool2d(t, (3, 4))}
    rng = np.random.default_rng(15)
    x = _distinct(rng, (2, 2, 7, 6))
    results = []
    for lib in (minitorch, torch):
        t = lib.from_numpy(x.copy()).requires_grad_(True)
        out = fns[name](lib.nn.functional, t)
        g = lib.from_numpy(np.random.default_rng(1).standard_normal(tuple(out.shape)))
        g.requires_grad_(True)
        dx, = lib.autograd.grad(out, t, g, create_graph=True)
        v = lib.from_numpy(np.random.default_rng(2).standard_normal(tuple(dx.shape)))
        gg, = lib.autograd.grad(dx, g, v)
        results.append((dx.detach().numpy(), gg.numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------------------ modules
MODULES = ["MaxPool2d(2)", "MaxPool2d((2, 3), 1, 1, 2, True, True)", "MaxPool2d(3, stride=2)",
           "AvgPool2d(3)", "AvgPool2d(3, 2, 1, True, False, 4)", "AvgPool2d((2, 3), (1, 2))",
           "AdaptiveAvgPool2d((None, 3))", "AdaptiveAvgPool2d(2)", "AdaptiveMaxPool2d(2, True)",
           "AdaptiveMaxPool2d((3, None))", "MaxPool1d(2)", "MaxPool1d(3, 2, 1, 2, True)",
           "AvgPool1d(3)", "AvgPool1d(3, 2, 1)", "AdaptiveAvgPool1d(3)", "AdaptiveMaxPool1d(2)"]


@pytest.mark.parametrize("expr", MODULES)
def test_module_repr_and_forward(expr):
    m = eval("mnn." + expr)
    tm = eval("torch.nn." + expr)
    assert repr(m) == repr(tm)
    assert list(m.state_dict()) == [] and list(m.parameters()) == []
    shape = (2, 3, 11) if "1d" in expr else (2, 3, 7, 9)
    x = _distinct(np.random.default_rng(16), shape)
    check_vs_torch(lambda lib, t: (m if lib is minitorch else tm)(t), x)


# ------------------------------------------------------------------------------ errors
def _x(shape=(1, 2, 5, 5)):
    return minitorch.randn(*shape)


@pytest.mark.parametrize("call,match", [
    (lambda: MF.max_pool2d(_x(), 2, padding=2), (r"max_pool2d\(\): pad should be at most half "
     r"of effective kernel size, but got pad=2, kernel_size=2 and dilation=1")),
    (lambda: MF.max_pool2d(_x(), 3, padding=2, dilation=2), ("pad should be smaller than or "
     "equal to half of kernel size")),
    (lambda: MF.max_pool2d(_x(), 0, stride=1), "kernel size should be greater than zero"),
    (lambda: MF.max_pool2d(_x(), 2, stride=0), "stride should be greater than zero"),
    (lambda: MF.max_pool2d(_x(), 2, dilation=0), "dilation should be greater than zero"),
    (lambda: MF.max_pool2d(_x(), 2, padding=-1), "pad must be non-negative"),
    (lambda: MF.max_pool2d(_x(), 7), (r"Given input size: \(2x5x5\). Calculated output size: "
     r"\(2x0x0\). Output size is too small")),
    (lambda: MF.max_pool2d(_x((5, 5)), 2), r"max_pool2d\(\): expected a non-empty 3D"),
    (lambda: MF.max_pool2d(_x((1, 0, 4, 4)), 2), r"got shape \(1, 0, 4, 4\)"),
    (lambda: MF.max_pool2d(_x(), (2, 2, 2)), "kernel_size must either be a single int"),
    (lambda: MF.max_pool2d(_x().long(), 2), ("expected a floating point input, got "
     "minitorch.int64")),
    (lambda: MF.avg_pool2d(_x(), 2, padding=2), r"avg_pool2d\(\): pad should be at most half"),
    (lambda: MF.avg_pool2d(_x(), 2, divisor_override=0), "divisor must be not zero"),
    (lambda: MF.avg_pool2d(_x(), 7), "Output size is too small"),
    (lambda: MF.max_pool1d(_x((2, 3, 5)), 2, padding=2), r"max_pool1d\(\): pad should be"),
    (lambda: MF.avg_pool1d(_x((2, 3, 5)), 2, padding=2), r"avg_pool1d\(\): pad should be"),
    (lambda: MF.max_pool1d(_x(), 2), r"max_pool1d\(\): expected a non-empty 2D"),
    (lambda: MF.adaptive_avg_pool2d(_x(), (2, 3, 4)), "output_size must be 2"),
    (lambda: MF.adaptive_max_pool2d(_x(), -1), "non-negative"),
    (lambda: MF.adaptive_avg_pool2d(_x((5, 5)), 2), r"adaptive_avg_pool2d\(\): expected"),
])
def test_errors(call, match):
    with pytest.raises(RuntimeError, match=match):
        call()


def test_avg_pool2d_divisor_override_type():
    with pytest.raises(TypeError, match="divisor_override must be an int"):
        MF.avg_pool2d(_x(), 2, divisor_override=1.5)


# ------------------------------------------------------------------------------ big grid
def _window_all_padding(fn, x):
    """A dilated window can fall entirely on padding (H=1, pad 1, dilation 2): torch then
    reports an index outside the plane and its backward writes into the next plane; we
    compare forward and indices only there (our backward drops such indices)."""
    _, idx = fn(torch, torch.from_numpy(x))
    return bool((idx >= x.shape[-1] * x.shape[-2]).any())


@pytest.mark.slow
@pytest.mark.parametrize("hw", [(1, 1), (12, 13)])
@pytest.mark.parametrize("k", [1, 2, (3, 1), (5, 4)])
@pytest.mark.parametrize("s", [None, 1, 2, 3])
@pytest.mark.parametrize("p", [0, 1, 2])
@pytest.mark.parametrize("ceil", [False, True])
def test_big_grid(hw, k, s, p, ceil):
    x = _distinct(np.random.default_rng(17), (2, 2) + hw)
    for d in (1, 2):
        def mx(lib, t, d=d):
            return lib.nn.functional.max_pool2d(t, k, s, p, d, ceil, return_indices=True)
        if _torch_accepts(mx, x):
            check_vs_torch(mx, x, grad=not _window_all_padding(mx, x))
        else:
            both_raise(mx, x)
    for cip in (True, False):
        def av(lib, t, cip=cip):
            return lib.nn.functional.avg_pool2d(t, k, s, p, ceil, cip)
        if _torch_accepts(av, x):
            check_vs_torch(av, x)
        else:
            both_raise(av, x)
