"""Layers and their functions against PyTorch: Linear, Identity, Flatten/Unflatten, the
activations, Dropout, Embedding, one_hot.

- Functions: an op table of our own (the same OpSpec/compare helpers as tests/test_ops.py)
  checked forward and backward against torch in float64 and float32, contiguous and
  strided, then by gradcheck and gradgradcheck.
- Modules: the torch module's state_dict loaded into ours, then the output, the input's
  gradient and every parameter's gradient compared under a random upstream gradient.
- Dropout statistics, Embedding with repeated indices / padding_idx / max_norm, in-place
  semantics, default-initialization ranges, reprs, errors.
"""
import math

import numpy as np
import pytest
import torch

import minitorch
from minitorch.testing.compare import assert_param_grads_close
import minitorch.nn as nn
import minitorch.nn.functional as F
from minitorch.autograd import gradcheck, gradgradcheck
from minitorch.testing import compare, build_inputs
from minitorch.testing.op_table import OpSpec, F as Fa, I, away_from, positive, uniform

torch.set_num_threads(1)

TOL = {"float64": (1e-7, 1e-9), "float32": (1e-4, 1e-5)}
TH_DT = {"float64": torch.float64, "float32": torch.float32}
MT_DT = {"float64": minitorch.float64, "float32": minitorch.float32}


def _spec(name, fn, *args, **kw):
    return OpSpec(name, fn, tuple(args), family="nn", **kw)


def _F(lib):
    return lib.nn.functional


KINK0 = away_from(0.0)

SPECS = [
    _spec("linear", lambda lib, x, w, b: _F(lib).linear(x, w, b), Fa((3, 4)), Fa((5, 4)), Fa((5,))),
    _spec("linear_nobias", lambda lib, x, w: _F(lib).linear(x, w), Fa((3, 4)), Fa((5, 4))),
    _spec("linear_3d", lambda lib, x, w, b: _F(lib).linear(x, w, b), Fa((2, 3, 4)), Fa((5, 4)), Fa((5,))),
    _spec("linear_1d_input", lambda lib, x, w, b: _F(lib).linear(x, w, b), Fa((4,)), Fa((5, 4)), Fa((5,))),
    _spec("linear_1d_weight", lambda lib, x, w: _F(lib).linear(x, w), Fa((3, 4)), Fa((4,))),
    _spec("linear_scalar_bias", lambda lib, x, w, b: _F(lib).linear(x, w, b), Fa((3, 4)), Fa((5, 4)), Fa(())),
    _spec("linear_bias_1", lambda lib, x, w, b: _F(lib).linear(x, w, b), Fa((2, 3, 4)), Fa((5, 4)), Fa((1,))),
    _spec("relu_F", lambda lib, x: _F(lib).relu(x), Fa((3, 4), KINK0)),
    _spec("leaky_relu", lambda lib, x: _F(lib).leaky_relu(x), Fa((3, 4), KINK0)),
    _spec("leaky_relu_0.2", lambda lib, x: _F(lib).leaky_relu(x, 0.2), Fa((2, 3, 4), KINK0)),
    _spec("leaky_relu_negslope", lambda lib, x: _F(lib).leaky_relu(x, negative_slope=-1.5), Fa((3, 4), KINK0)),
    _spec("prelu_single", lambda lib, x, w: _F(lib).prelu(x, w), Fa((2, 3, 4), KINK0), Fa((1,), positive(0.1, 0.5))),
    _spec("prelu_channels", lambda lib, x, w: _F(lib).prelu(x, w), Fa((2, 3, 4), KINK0), Fa((3,))),
    _spec("prelu_2d", lambda lib, x, w: _F(lib).prelu(x, w), Fa((4, 3), KINK0), Fa((3,))),
    _spec("prelu_1d", lambda lib, x, w: _F(lib).prelu(x, w), Fa((5,), KINK0), Fa((1,))),
    _spec("elu", lambda lib, x: _F(lib).elu(x), Fa((3, 4), KINK0)),
    _spec("elu_alpha", lambda lib, x: _F(lib).elu(x, alpha=0.7), Fa((2, 3, 4), away_from(0.0, lo=-4, hi=3))),
    _spec("gelu", lambda lib, x: _F(lib).gelu(x), Fa((2, 3, 4), uniform(-4, 4))),
    _spec("gelu_tanh", lambda lib, x: _F(lib).gelu(x, approximate="tanh"), Fa((2, 3, 4), uniform(-4, 4))),
    _spec("silu", lambda lib, x: _F(lib).silu(x), Fa((2, 3, 4), uniform(-6, 6))),
    _spec("softplus", lambda lib, x: _F(lib).softplus(x), Fa((2, 3, 4), uniform(-6, 6))),
    _spec("softplus_beta_threshold", lambda lib, x: _F(lib).softplus(x, beta=2.0, threshold=3.0),
          Fa((3, 5), away_from(1.5, lo=-3, hi=3))),
    _spec("sigmoid_F", lambda lib, x: _F(lib).sigmoid(x), Fa((3, 4))),
    _spec("tanh_F", lambda lib, x: _F(lib).tanh(x), Fa((3, 4))),
    _spec("softmax_F", lambda lib, x: _F(lib).softmax(x, dim=1), Fa((2, 3, 4))),
    _spec("log_softmax_F", lambda lib, x: _F(lib).log_softmax(x, -1), Fa((2, 3, 4))),
    _spec("dropout_eval", lambda lib, x: _F(lib).dropout(x, 0.5, training=False) * 1.0, Fa((3, 4))),
    _spec("dropout_p0", lambda lib, x: _F(lib).dropout(x, 0.0) * 1.0, Fa((3, 4))),
    _spec("dropout_p1", lambda lib, x: _F(lib).dropout(x, 1.0), Fa((3, 4))),
    _spec("embedding", lambda lib, w, i: _F(lib).embedding(i, w), Fa((6, 3)), I((2, 5), 6),
          fixed=lambda rng: [rng.standard_normal((6, 3)), np.array([[0, 2, 2, 5, 2], [1, 0, 2, 3, 3]])]),
    # padding_idx and scale_grad_by_freq change the gradient on purpose (it is no longer
    # the derivative of the forward), so finite differences do not apply: torch checks them
    _spec("embedding_padding", lambda lib, w, i: _F(lib).embedding(i, w, padding_idx=2), Fa((6, 3)), I((2, 5), 6),
          finite_diff=False, fixed=lambda rng: [rng.standard_normal((6, 3)), np.array([[0, 2, 2, 5, 2], [1, 0, 2, 3, 3]])]),
    _spec("embedding_padding_negative", lambda lib, w, i: _F(lib).embedding(i, w, padding_idx=-1),
          Fa((6, 3)), I((7,), 6), finite_diff=False,
          fixed=lambda rng: [rng.standard_normal((6, 3)), np.array([5, 0, 5, 1, 1, 4, 5])]),
    _spec("embedding_scale_grad_by_freq",
          lambda lib, w, i: _F(lib).embedding(i, w, padding_idx=0, scale_grad_by_freq=True),
          Fa((6, 3)), I((2, 5), 6), finite_diff=False,
          fixed=lambda rng: [rng.standard_normal((6, 3)), np.array([[0, 2, 2, 5, 2], [1, 0, 2, 3, 3]])]),
    _spec("embedding_scalar_index", lambda lib, w, i: _F(lib).embedding(i, w), Fa((4, 3)), I((), 4)),
    _spec("one_hot", lambda lib, i: _F(lib).one_hot(i), I((2, 5), 4), differentiable=False),
    _spec("one_hot_classes", lambda lib, i: _F(lib).one_hot(i, num_classes=7), I((6,), 4), differentiable=False),
]
DIFF = [s for s in SPECS if s.differentiable and s.finite_diff]
ids = lambda s: s.name  # noqa: E731


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_function_matches_torch(spec, dtype, device):
    result = compare(spec, minitorch, torch, dtype, device=device)
    assert result.ok, result.message


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_function_matches_torch_noncontiguous(spec, device):
    result = compare(spec, minitorch, torch, "float64", noncontiguous=True, device=device)
    assert result.ok, result.message


def _mt_inputs(spec, device="cpu"):
    return tuple(build_inputs(minitorch, spec, spec.make_arrays(0), "float64", device=device))


@pytest.mark.parametrize("spec", DIFF, ids=ids)
def test_gradcheck(spec, device):
    assert gradcheck(lambda *xs: spec.fn(minitorch, *xs), _mt_inputs(spec, device),
                     check_noncontiguous=True)


@pytest.mark.parametrize("spec", DIFF, ids=ids)
def test_gradgradcheck(spec, device):
    assert gradgradcheck(lambda *xs: spec.fn(minitorch, *xs), _mt_inputs(spec, device))


def test_activations_keep_extreme_inputs_finite():
    x = minitorch.tensor([-1e4, -80.0, -1.0, 0.0, 1.0, 80.0, 1e4], requires_grad=True)
    for fn in (F.elu, F.gelu, lambda t: F.gelu(t, approximate="tanh"), F.silu, F.softplus,
               F.leaky_relu, lambda t: F.softplus(t, beta=0.5, threshold=100.0)):
        x.grad = None
        y = fn(x)
        y.backward(minitorch.ones_like(y))
        assert np.isfinite(y.detach().numpy()).all() and np.isfinite(x.grad.numpy()).all()
    y = F.softplus(x)
    assert y[0].item() == 0.0 and y[-1].item() == 1e4


def test_gelu_without_scipy(monkeypatch):
    # NumPy has no erf: without SciPy, gelu falls back to math.erf per element
    import sys
    monkeypatch.setitem(sys.modules, "scipy.special", None)
    x0 = np.random.default_rng(0).uniform(-4, 4, (3, 5))
    for dtype, tol in (("float64", 1e-12), ("float32", 1e-6)):
        xm = minitorch.from_numpy(x0.astype(dtype)).requires_grad_()
        xt = torch.from_numpy(x0.astype(dtype)).requires_grad_()
        ym, yt = F.gelu(xm), torch.nn.functional.gelu(xt)
        assert ym.dtype == xm.dtype
        np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
        (gm,) = minitorch.autograd.grad(ym.sum(), xm)
        (gt,) = torch.autograd.grad(yt.sum(), xt)
        np.testing.assert_allclose(gm.numpy(), gt.numpy(), rtol=tol, atol=tol)


# ------------------------------------------------------------------------------ modules
def _same_module(mt_mod, th_mod, dtype):
    th_mod.to(TH_DT[dtype])
    mt_mod.to(MT_DT[dtype])
    mt_mod.load_state_dict(th_mod.state_dict())
    return mt_mod, th_mod


def _check_module(mt_mod, th_mod, x, dtype, *, int_input=False, seed=0):
    """Same weights in both; compare the output, the input's gradient and every
    parameter's gradient under one random upstream gradient."""
    rtol, atol = TOL[dtype]
    mt_mod, th_mod = _same_module(mt_mod, th_mod, dtype)
    if int_input:
        xm, xt = minitorch.from_numpy(x.copy()), torch.from_numpy(x.copy())
    else:
        xm = minitorch.from_numpy(x.astype(dtype)).requires_grad_()
        xt = torch.from_numpy(x.astype(dtype)).requires_grad_()
    ym, yt = mt_mod(xm), th_mod(xt)
    assert tuple(ym.shape) == tuple(yt.shape)
    assert str(ym.dtype).split(".")[-1] == str(yt.dtype).split(".")[-1]
    np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), rtol=rtol, atol=atol)
    g = np.random.default_rng(seed + 1).standard_normal(tuple(yt.shape)).astype(dtype)
    ym.backward(minitorch.from_numpy(g.copy()))
    yt.backward(torch.from_numpy(g.copy()))
    if not int_input:
        assert xm.grad.dtype == xm.dtype
        np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=rtol, atol=atol)
    assert_param_grads_close(mt_mod, th_mod, rtol, atol)
    return ym, yt


def _x(shape, seed=0, kink=True):
    x = np.random.default_rng(seed).uniform(-2.5, 2.5, shape)
    if kink:  # keep away from 0, where relu-like derivatives jump
        x = np.where(np.abs(x) < 0.05, 0.1, x)
    return x


MODULES = [
    ("Linear", lambda L: L.Linear(4, 5), (3, 4)),
    ("Linear_nobias", lambda L: L.Linear(4, 5, bias=False), (3, 4)),
    ("Linear_3d", lambda L: L.Linear(4, 2), (2, 3, 4)),
    ("Linear_1d", lambda L: L.Linear(4, 3), (4,)),
    ("Identity", lambda L: L.Identity(7, key="ignored"), (3, 4)),
    ("Flatten", lambda L: L.Flatten(), (2, 3, 4, 5)),
    ("Flatten_range", lambda L: L.Flatten(0, 1), (2, 3, 4)),
    ("Unflatten", lambda L: L.Unflatten(1, (2, -1)), (3, 6)),
    ("Unflatten_list", lambda L: L.Unflatten(-1, [2, 2, 1]), (3, 4)),
    ("ReLU", lambda L: L.ReLU(), (3, 4)),
    ("LeakyReLU", lambda L: L.LeakyReLU(0.2), (3, 4)),
    ("PReLU", lambda L: L.PReLU(), (2, 3, 4)),
    ("PReLU_channels", lambda L: L.PReLU(3, init=0.1), (2, 3, 4)),
    ("ELU", lambda L: L.ELU(alpha=0.5), (3, 4)),
    ("GELU", lambda L: L.GELU(), (3, 4)),
    ("GELU_tanh", lambda L: L.GELU(approximate="tanh"), (3, 4)),
    ("SiLU", lambda L: L.SiLU(), (3, 4)),
    ("Sigmoid", lambda L: L.Sigmoid(), (3, 4)),
    ("Tanh", lambda L: L.Tanh(), (3, 4)),
    ("Softplus", lambda L: L.Softplus(beta=2, threshold=3), (3, 4)),
    ("Softmax", lambda L: L.Softmax(dim=1), (2, 3, 4)),
    ("LogSoftmax", lambda L: L.LogSoftmax(-1), (2, 3, 4)),
    ("MLP", lambda L: L.Sequential(L.Linear(6, 8), L.ReLU(), L.Linear(8, 8), L.GELU(),
                                   L.Dropout(0.3), L.Linear(8, 3), L.LogSoftmax(dim=1)), (5, 6)),
    ("Conv-style head", lambda L: L.Sequential(L.Flatten(), L.Linear(12, 6), L.PReLU(6), L.ELU(),
                                               L.Linear(6, 4), L.Unflatten(1, (2, 2)), L.SiLU()),
     (3, 3, 2, 2)),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,make,shape", MODULES, ids=[m[0] for m in MODULES])
def test_module_matches_torch(name, make, shape, dtype):
    torch.manual_seed(0)
    th_mod = make(torch.nn).eval()
    mt_mod = make(nn).eval()
    _check_module(mt_mod, th_mod, _x(shape), dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_embedding_module_matches_torch(dtype):
    idx = np.array([[1, 3, 3, 0], [3, 9, 1, 1], [0, 0, 0, 7]])
    for kw in ({}, {"padding_idx": 3}, {"padding_idx": -1}, {"padding_idx": 0,
                                                             "scale_grad_by_freq": True}):
        torch.manual_seed(0)
        th_mod, mt_mod = torch.nn.Embedding(10, 4, **kw), nn.Embedding(10, 4, **kw)
        _check_module(mt_mod, th_mod, idx, dtype, int_input=True)
        if "padding_idx" in kw:
            p = mt_mod.padding_idx
            assert np.all(mt_mod.weight.grad.numpy()[p] == 0)


def test_embedding_repeated_indices_accumulate():
    w = minitorch.randn(5, 2, dtype=minitorch.float64, requires_grad=True)
    idx = minitorch.tensor([4, 1, 4, 4, 2])
    g = minitorch.arange(10, dtype=minitorch.float64).reshape(5, 2)
    F.embedding(idx, w).backward(g)
    expected = np.zeros((5, 2))
    for k, i in enumerate([4, 1, 4, 4, 2]):
        expected[i] += g.numpy()[k]
    np.testing.assert_array_equal(w.grad.numpy(), expected)
    assert np.all(w.grad.numpy()[[0, 3]] == 0)


def test_embedding_max_norm_matches_torch():
    idx = np.array([[1, 4, 4], [0, 2, 1]])
    for norm_type in (2.0, 1.0, 3.0):
        torch.manual_seed(1)
        th_mod = torch.nn.Embedding(6, 3, max_norm=1.0, norm_type=norm_type).double()
        mt_mod = nn.Embedding(6, 3, max_norm=1.0, norm_type=norm_type).double()
        mt_mod.load_state_dict(th_mod.state_dict())
        _check_module(mt_mod, th_mod, idx, "float64", int_input=True)
        # the rows looked up were renormalized in place, the others untouched
        np.testing.assert_allclose(mt_mod.weight.detach().numpy(),
                                   th_mod.weight.detach().numpy(), rtol=1e-12)
        norms = np.linalg.norm(mt_mod.weight.detach().numpy()[[0, 1, 2, 4]], ord=norm_type,
                               axis=1)
        assert np.all(norms <= 1.0 + 1e-6)


def test_embedding_from_pretrained_and_errors():
    w = minitorch.randn(4, 3)
    emb = nn.Embedding.from_pretrained(w)
    assert not emb.weight.requires_grad
    np.testing.assert_array_equal(emb(minitorch.tensor([2])).numpy(), w.numpy()[[2]])
    assert nn.Embedding.from_pretrained(w, freeze=False).weight.requires_grad
    with pytest.raises(IndexError, match="out of range"):
        emb(minitorch.tensor([4]))
    with pytest.raises(IndexError, match="out of range"):
        emb(minitorch.tensor([-1]))
    with pytest.raises(RuntimeError, match="Long, Int"):
        emb(minitorch.tensor([1.0]))
    with pytest.raises(AssertionError, match="Padding_idx"):
        nn.Embedding(4, 3, padding_idx=4)
    with pytest.raises(AssertionError, match="Padding_idx"):
        F.embedding(minitorch.tensor([1]), w, padding_idx=-5)
    with pytest.raises(NotImplementedError, match="sparse"):
        nn.Embedding(4, 3, sparse=True)
    # int32 indices work as in torch
    np.testing.assert_array_equal(emb(minitorch.tensor([1, 2], dtype=minitorch.int32)).numpy(),
                                  w.numpy()[[1, 2]])


def test_one_hot_matches_torch_and_errors():
    idx = np.array([[0, 3, 1], [2, 2, 0]])
    out = F.one_hot(minitorch.from_numpy(idx))
    assert out.dtype == minitorch.int64 and not out.requires_grad
    np.testing.assert_array_equal(out.numpy(), torch.nn.functional.one_hot(torch.from_numpy(idx)).numpy())
    assert tuple(F.one_hot(minitorch.tensor(2), 4).shape) == (4,)
    assert tuple(F.one_hot(minitorch.zeros(0, dtype=minitorch.int64), 3).shape) == (0, 3)
    with pytest.raises(RuntimeError, match="LongTensor"):
        F.one_hot(minitorch.tensor([1, 2], dtype=minitorch.int32))
    with pytest.raises(RuntimeError, match="non-negative"):
        F.one_hot(minitorch.tensor([1, -2]))
    with pytest.raises(RuntimeError, match="smaller than num_classes"):
        F.one_hot(minitorch.tensor([1, 5]), 3)
    with pytest.raises(RuntimeError, match="empty"):
        F.one_hot(minitorch.zeros(0, dtype=minitorch.int64))


# ------------------------------------------------------------------------------ dropout
def test_dropout_statistics():
    minitorch.manual_seed(0)
    p, n = 0.3, 200_000
    x = minitorch.rand(n) + 0.5                       # no zeros in the input
    x.requires_grad_()
    y = F.dropout(x, p)
    assert y.dtype == minitorch.float32
    yv, xv = y.detach().numpy(), x.detach().numpy()
    dropped = yv == 0
    sigma = math.sqrt(p * (1 - p) / n)                # binomial std of the fraction
    assert abs(dropped.mean() - p) < 5 * sigma
    # survivors are scaled by exactly 1 / (1 - p)
    np.testing.assert_allclose(yv[~dropped], xv[~dropped] / (1 - p), rtol=1e-6)
    # the expectation is preserved
    assert abs(yv.mean() - xv.mean()) < 5 * yv.std() / math.sqrt(n)
    # the gradient flows only through the kept units, scaled the same way
    g = minitorch.randn(n)
    y.backward(g)
    gx = x.grad.numpy()
    assert np.all(gx[dropped] == 0)
    np.testing.assert_allclose(gx[~dropped], g.numpy()[~dropped] / (1 - p), rtol=1e-6)


def test_dropout_eval_and_modes():
    x = minitorch.randn(4, 5, requires_grad=True)
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    m = nn.Dropout(0.5)
    assert m.training
    m.eval()
    assert m(x) is x
    m.train()
    minitorch.manual_seed(3)
    y = m(x)
    assert (y.detach().numpy() == 0).any()
    assert y.grad_fn is not None
    z = F.dropout(x, 1.0)
    z.sum().backward()
    assert np.all(z.detach().numpy() == 0) and np.all(x.grad.numpy() == 0)


def test_dropout_reproducible_from_seed_and_float64():
    x = minitorch.ones(1000, dtype=minitorch.float64)
    minitorch.manual_seed(7)
    a = F.dropout(x, 0.4).numpy()
    minitorch.manual_seed(7)
    b = F.dropout(x, 0.4).numpy()
    c = F.dropout(x, 0.4).numpy()
    assert a.dtype == np.float64
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(b, c)
    assert set(np.unique(a)) == {0.0, 1 / 0.6}


def test_dropout_gradcheck_with_fixed_mask():
    x = minitorch.randn(3, 4, dtype=minitorch.float64, requires_grad=True)

    def fn(t):
        minitorch.manual_seed(5)          # the same mask on every call
        return F.dropout(t, 0.4)
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


def test_dropout_bad_p():
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError, match="between 0 and 1"):
            F.dropout(minitorch.ones(3), p)
        with pytest.raises(ValueError, match="between 0 and 1"):
            nn.Dropout(p)


# ------------------------------------------------------------------------------ in place
@pytest.mark.parametrize("make", [lambda L: L.ReLU(inplace=True),
                                  lambda L: L.LeakyReLU(0.1, inplace=True),
                                  lambda L: L.ELU(inplace=True),
                                  lambda L: L.SiLU(inplace=True)],
                         ids=["ReLU", "LeakyReLU", "ELU", "SiLU"])
def test_inplace_activations(make):
    x0 = _x((3, 4))
    # outside the graph: the input's array is overwritten, as in torch
    xm, xt = minitorch.from_numpy(x0.copy()), torch.from_numpy(x0.copy())
    assert make(nn)(xm) is xm
    make(torch.nn)(xt)
    np.testing.assert_allclose(xm.numpy(), xt.numpy(), rtol=1e-12)
    # inside the graph (on a non-leaf) gradients are those of the out-of-place op
    am = minitorch.from_numpy(x0.copy()).requires_grad_()
    at = torch.from_numpy(x0.copy()).requires_grad_()
    hm, ht = am * 2, at * 2
    outm, outt = make(nn)(hm), make(torch.nn)(ht)
    assert outm is hm
    (outm * outm).sum().backward()
    (outt * outt).sum().backward()
    np.testing.assert_allclose(hm.detach().numpy(), ht.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(am.grad.numpy(), at.grad.numpy(), rtol=1e-10)
    # a leaf that requires grad cannot be changed in place (torch's rule)
    with pytest.raises(RuntimeError, match="leaf"):
        make(nn)(minitorch.randn(3, requires_grad=True))


def test_functional_inplace_variants():
    for name, args in (("relu_", ()), ("leaky_relu_", (0.3,)), ("elu_", (0.5,))):
        x0 = _x((4, 3))
        xm, xt = minitorch.from_numpy(x0.copy()), torch.from_numpy(x0.copy())
        assert getattr(F, name)(xm, *args) is xm
        getattr(torch.nn.functional, name)(xt, *args)
        np.testing.assert_allclose(xm.numpy(), xt.numpy(), rtol=1e-12)


def test_inplace_dropout_writes_input():
    x = minitorch.ones(100)
    minitorch.manual_seed(0)
    y = F.dropout(x, 0.5, inplace=True)
    assert y is x and set(np.unique(x.numpy())) == {0.0, 2.0}


def test_inplace_sees_modified_saved_value():
    # sigmoid saves its output; changing that output in place breaks its backward, in
    # torch and here
    for lib in (minitorch, torch):
        x = lib.randn(3, requires_grad=True)
        s = x.sigmoid()
        lib.nn.functional.relu(s, inplace=True)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            s.sum().backward()


# ------------------------------------------------------------------------------ init & repr
def test_linear_default_init_matches_torch_formulas():
    minitorch.manual_seed(0)
    lin = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    w, b = lin.weight.detach().numpy(), lin.bias.detach().numpy()
    assert lin.weight.shape == (300, 400) and lin.bias.shape == (300,)
    assert w.dtype == np.float32 and lin.weight.requires_grad and lin.weight.is_leaf
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.999 * bound
    assert abs(w.std() / (bound / math.sqrt(3)) - 1) < 0.01
    assert abs(w.mean()) < 5 * bound / math.sqrt(3) / math.sqrt(w.size)
    assert np.abs(b).max() <= bound and np.abs(b).max() > 0.9 * bound
    # torch's default layer, same shape: the same bound and std
    torch.manual_seed(0)
    wt = torch.nn.Linear(400, 300).weight.detach().numpy()
    assert abs(np.abs(wt).max() - np.abs(w).max()) < 1e-3 * bound
    assert abs(wt.std() / w.std() - 1) < 0.01
    # no bias: the parameter is registered as None, as torch does
    nb = nn.Linear(3, 2, bias=False, dtype=minitorch.float64)
    assert nb.bias is None and [n for n, _ in nb.named_parameters()] == ["weight"]
    assert nb.weight.dtype == minitorch.float64
    # seeded: the same weights again
    minitorch.manual_seed(0)
    np.testing.assert_array_equal(nn.Linear(400, 300).weight.detach().numpy(), w)


def test_embedding_and_prelu_default_init():
    minitorch.manual_seed(1)
    emb = nn.Embedding(1000, 64, padding_idx=5)
    w = emb.weight.detach().numpy()
    assert w.shape == (1000, 64) and w.dtype == np.float32
    assert np.all(w[5] == 0)
    rest = np.delete(w, 5, axis=0)
    n = rest.size
    assert abs(rest.mean()) < 5 / math.sqrt(n)
    assert abs(rest.std() - 1) < 5 / math.sqrt(2 * n)
    p = nn.PReLU(3, init=0.1)
    np.testing.assert_array_equal(p.weight.detach().numpy(), np.full(3, 0.1, np.float32))
    assert nn.PReLU().weight.shape == (1,) and float(nn.PReLU().weight) == 0.25


def test_model_repr_matches_torch():
    def build(L):
        return L.Sequential(
            L.Flatten(), L.Linear(12, 8), L.ReLU(), L.ReLU(inplace=True), L.LeakyReLU(),
            L.LeakyReLU(0.2, inplace=True), L.PReLU(), L.PReLU(8, init=0.1), L.ELU(),
            L.ELU(alpha=0.5, inplace=True), L.GELU(), L.GELU(approximate="tanh"), L.SiLU(),
            L.SiLU(inplace=True), L.Sigmoid(), L.Tanh(), L.Softplus(), L.Softplus(beta=2, threshold=10),
            L.Dropout(), L.Dropout(p=0.25, inplace=True), L.Linear(8, 4, bias=False),
            L.Unflatten(1, (2, 2)), L.Unflatten(1, [2, -1]), L.Softmax(dim=-1), L.LogSoftmax(1),
            L.Softmax(), L.Identity(), L.Sequential(L.Embedding(10, 3), L.Embedding(10, 3, padding_idx=0),
                                                    L.Embedding(5, 2, max_norm=1.0, norm_type=1.0,
                                                                scale_grad_by_freq=True)),
            L.Flatten(0, 2))
    assert repr(build(nn)) == repr(build(torch.nn))


def test_module_state_dict_keys_and_layouts_match_torch():
    def build(L):
        return L.Sequential(L.Linear(3, 4), L.PReLU(4), L.Embedding(7, 4, padding_idx=1),
                            L.Linear(4, 2, bias=False))
    sm, st = build(nn).state_dict(), build(torch.nn).state_dict()
    assert list(sm) == list(st)
    for k in st:
        assert tuple(sm[k].shape) == tuple(st[k].shape), k


def test_softmax_module_implicit_dim_warns_like_torch():
    x = minitorch.randn(2, 3)
    with pytest.warns(UserWarning, match="Implicit dimension"):
        y = nn.Softmax()(x)
    np.testing.assert_allclose(y.numpy().sum(1), 1, rtol=1e-6)


# ------------------------------------------------------------------------------ errors
def test_errors_name_the_function_and_argument():
    x = minitorch.randn(2, 3)
    with pytest.raises(RuntimeError, match=r"linear\(\).*2x3 and 4x5"):
        F.linear(x, minitorch.randn(5, 4))
    with pytest.raises(RuntimeError, match=r"linear\(\).*same dtype"):
        F.linear(x.double(), minitorch.randn(4, 3))
    with pytest.raises(RuntimeError, match=r"linear\(\).*bias"):
        F.linear(x, minitorch.randn(4, 3), minitorch.randn(5))
    with pytest.raises(TypeError, match=r"linear\(\).*'input'"):
        F.linear(x.numpy(), minitorch.randn(4, 3))
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes"):
        nn.Linear(4, 2)(x)
    with pytest.raises(RuntimeError, match="approximate"):
        F.gelu(x, approximate="fast")
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers"):
        F.prelu(minitorch.randn(2, 3, 4), minitorch.randn(4))
    with pytest.raises(RuntimeError, match="scalar or 1D"):
        F.prelu(x, minitorch.randn(3, 1))
    with pytest.raises(NotImplementedError, match=r"leaky_relu\(\).*int64"):
        F.leaky_relu(minitorch.tensor([1, -2]))
    with pytest.raises(TypeError, match="negative_slope"):
        F.leaky_relu(x, "0.1")
    with pytest.raises(ValueError, match="in_features"):
        nn.Linear(-1, 3)
    with pytest.raises(TypeError, match="unflattened_size"):
        nn.Unflatten(1, 6)
    # relu keeps integer tensors integer, as torch does
    assert F.relu(minitorch.tensor([1, -2])).dtype == minitorch.int64
