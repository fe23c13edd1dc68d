"""The layers added for real PyTorch programs, as modules, against PyTorch.

- Modules with parameters (Bilinear, EmbeddingBag, PReLU through torch.prelu): torch's
  state_dict loaded into ours, then outputs, input and parameter gradients compared.
- Parameter-free modules (activations, distances, padding, shuffles, Fold/Unfold): the
  same input in both, output and input gradient compared; reprs and attributes.
- Randomized layers (RReLU, Dropout1d/3d, AlphaDropout, gumbel_softmax): statistics,
  eval-mode identity, straight-through gradients.
- In-place variants, errors and warnings where PyTorch raises or warns.
The functions themselves are checked by the op table (tests/test_ops.py).
"""
import warnings

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


def _x(shape, seed=0, lo=-2.5, hi=2.5, kinks=(0.0,)):
    x = np.random.default_rng(seed).uniform(lo, hi, shape)
    for k in kinks:   # keep away from the points where the derivative jumps
        x = np.where(np.abs(x - k) < 0.05, k + 0.1, x)
    return x


def _check(mt_mod, th_mod, inputs, dtype="float64", *, int_inputs=(), load=True, seed=1):
    """Same weights, same inputs: compare output, input gradients, parameter gradients."""
    rtol, atol = TOL[dtype]
    th_mod.to(TH_DT[dtype])
    mt_mod.to(MT_DT[dtype])
    if load:
        mt_mod.load_state_dict(th_mod.state_dict())
    ms, ts = [], []
    for k, a in enumerate(inputs):
        if k in int_inputs:
            ms.append(minitorch.from_numpy(a.copy()))
            ts.append(torch.from_numpy(a.copy()))
        else:
            ms.append(minitorch.from_numpy(a.astype(dtype)).requires_grad_())
            ts.append(torch.from_numpy(a.astype(dtype)).requires_grad_())
    ym, yt = mt_mod(*ms), th_mod(*ts)
    assert tuple(ym.shape) == tuple(yt.shape)
    assert str(ym.dtype).split(".")[-1] == str(yt.dtype).split(".")[-1]
    np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), rtol=rtol, atol=atol)
    g = np.random.default_rng(seed).standard_normal(tuple(yt.shape)).astype(dtype)
    ym.backward(minitorch.from_numpy(g.copy()))
    yt.backward(torch.from_numpy(g.copy()))
    for k, (m, t) in enumerate(zip(ms, ts)):
        if k not in int_inputs:
            np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=atol)
    if list(th_mod.parameters()):
        assert_param_grads_close(mt_mod, th_mod, rtol, atol)
    return ym, yt


# ------------------------------------------------------------------------------ activations
ACTIVATIONS = [
    ("Hardtanh", lambda L: L.Hardtanh(-0.5, 1.5), (-0.5, 1.5)),
    ("ReLU6", lambda L: L.ReLU6(), (0.0, 6.0)),
    ("SELU", lambda L: L.SELU(), (0.0,)),
    ("CELU", lambda L: L.CELU(0.5), (0.0,)),
    ("Mish", lambda L: L.Mish(), ()),
    ("Hardswish", lambda L: L.Hardswish(), (-3.0, 3.0)),
    ("Hardsigmoid", lambda L: L.Hardsigmoid(), (-3.0, 3.0)),
    ("Softsign", lambda L: L.Softsign(), ()),
    ("Softmin", lambda L: L.Softmin(dim=1), ()),
    ("Softmax2d", lambda L: L.Softmax2d(), ()),
    ("LogSigmoid", lambda L: L.LogSigmoid(), ()),
    ("Threshold", lambda L: L.Threshold(0.3, -1.0), (0.3,)),
    ("GLU", lambda L: L.GLU(1), ()),
    ("Tanhshrink", lambda L: L.Tanhshrink(), ()),
    ("Softshrink", lambda L: L.Softshrink(0.7), (-0.7, 0.7)),
    ("Hardshrink", lambda L: L.Hardshrink(0.7), (-0.7, 0.7)),
    ("RReLU_eval", lambda L: L.RReLU(0.1, 0.3).eval(), (0.0,)),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,make,kinks", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activation_modules_match_torch(name, make, kinks, dtype):
    x = _x((2, 4, 3, 2), lo=-7 if name == "ReLU6" else -4, hi=8 if name == "ReLU6" else 4,
           kinks=kinks)
    m, t = make(nn), make(torch.nn)
    assert repr(m) == repr(t)
    _check(m, t, [x], dtype)


INPLACE = [("Hardtanh", lambda L: L.Hardtanh(inplace=True)), ("ReLU6", lambda L: L.ReLU6(True)),
           ("SELU", lambda L: L.SELU(inplace=True)), ("CELU", lambda L: L.CELU(1.5, True)),
           ("Mish", lambda L: L.Mish(inplace=True)), ("Hardswish", lambda L: L.Hardswish(True)),
           ("Hardsigmoid", lambda L: L.Hardsigmoid(True)),
           ("Threshold", lambda L: L.Threshold(0.1, 20.0, True)),
           ("RReLU", lambda L: L.RReLU(0.2, 0.2, True))]


@pytest.mark.parametrize("name,make", INPLACE, ids=[a[0] for a in INPLACE])
def test_inplace_activations_write_into_the_input(name, make):
    x = _x((3, 4), kinks=(0.0, 0.1, 3.0, -3.0))
    xm, xt = minitorch.from_numpy(x.copy()), torch.from_numpy(x.copy())
    m, t = make(nn), make(torch.nn)
    assert repr(m) == repr(t)
    ym, yt = m(xm), t(xt)
    assert ym is xm
    np.testing.assert_allclose(xm.numpy(), xt.numpy(), rtol=1e-12, atol=1e-12)
    # inside the graph: computed out of place, the gradient flows as for the plain op
    a = minitorch.from_numpy(x.copy()).requires_grad_()
    b = torch.from_numpy(x.copy()).requires_grad_()
    hm, ht = a * 1.0, b * 1.0
    make(nn)(hm).sum().backward()
    make(torch.nn)(ht).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-7, atol=1e-12)


def test_torch_level_and_functional_inplace_activations():
    x = _x((4, 5), kinks=(0.0, 0.5))
    for name, args in (("selu_", ()), ("celu_", (0.8,)), ("threshold_", (0.5, -2.0))):
        a, b = minitorch.from_numpy(x.copy()), torch.from_numpy(x.copy())
        getattr(minitorch, name)(a, *args)
        getattr(torch, name)(b, *args)
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)
    a, b = minitorch.from_numpy(x.copy()), torch.from_numpy(x.copy())
    F.hardtanh_(a, -0.3, 0.3)
    torch.nn.functional.hardtanh_(b, -0.3, 0.3)
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_integer_inputs_where_torch_allows_them():
    x = np.array([[-3, 0, 2, 7], [1, 5, -1, 9]])
    for fn in (lambda L, t: L.nn.functional.relu6(t), lambda L, t: L.nn.functional.hardtanh(t, 0, 2),
               lambda L, t: L.nn.functional.threshold(t, 1, 9)):
        ym, yt = fn(minitorch, minitorch.from_numpy(x)), fn(torch, torch.from_numpy(x))
        assert str(ym.dtype).split(".")[-1] == str(yt.dtype).split(".")[-1] == "int64"
        np.testing.assert_array_equal(ym.numpy(), yt.numpy())
    with pytest.raises(NotImplementedError):
        F.mish(minitorch.tensor([1, 2]))


def test_rrelu_training_draws_slopes_in_range():
    minitorch.manual_seed(0)
    x = minitorch.full((2000,), -1.0, requires_grad=True)
    m = nn.RReLU(0.1, 0.3)
    y = m(x)
    slopes = -y.detach().numpy()
    assert 0.1 <= slopes.min() and slopes.max() <= 0.3 and slopes.std() > 0.03
    assert abs(slopes.mean() - 0.2) < 0.01
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), slopes)   # d(r x)/dx = r, the drawn slope
    pos = minitorch.ones(5)
    np.testing.assert_array_equal(m(pos).numpy(), np.ones(5))
    m.eval()
    np.testing.assert_allclose(m(x).detach().numpy(), np.full(2000, -0.2))


def test_activation_errors_match_torch():
    x = minitorch.randn(3, 4)
    with pytest.raises(ValueError, match="min_val cannot be greater than max_val"):
        F.hardtanh(x, 1.0, -1.0)
    with pytest.raises(RuntimeError, match="Halving dimension must be even"):
        F.glu(minitorch.randn(3))
    with pytest.raises(ValueError, match="Softmax2d: expected input to be 3D or 4D"):
        nn.Softmax2d()(x)
    with pytest.raises(RuntimeError, match="Lower bound should be less than or equal"):
        F.rrelu(x, 0.5, 0.1, training=True)
    with pytest.raises(RuntimeError, match="alpha cannot be 0"):
        F.celu(x, 0.0)
    with pytest.raises(RuntimeError, match="lambda must be in range"):
        F.softshrink(x, -1.0)
    with pytest.warns(UserWarning, match="Implicit dimension"):
        nn.Softmin()(x)


def test_prelu_module_and_torch_level_prelu():
    x = _x((2, 3, 4), kinks=(0.0,))
    _check(nn.PReLU(3, init=0.1), torch.nn.PReLU(3, init=0.1), [x])
    w = np.array([0.2, -0.3, 0.5])
    ym = minitorch.prelu(minitorch.from_numpy(x), minitorch.from_numpy(w))
    yt = torch.prelu(torch.from_numpy(x), torch.from_numpy(w))
    np.testing.assert_allclose(ym.numpy(), yt.numpy(), rtol=1e-12)


# ------------------------------------------------------------------------------ gumbel softmax
def test_gumbel_softmax_soft_and_hard():
    minitorch.manual_seed(1)
    logits = minitorch.tensor([[2.0, 0.5, -1.0, 0.0]] * 4000, requires_grad=True)
    y = F.gumbel_softmax(logits, tau=0.5)
    assert y.dtype == minitorch.float32
    np.testing.assert_allclose(y.detach().numpy().sum(1), 1.0, rtol=1e-5)
    h = F.gumbel_softmax(logits, tau=0.5, hard=True)
    hv = h.detach().numpy()
    assert set(np.unique(hv)) == {0.0, 1.0} and (hv.sum(1) == 1).all()
    # argmax of logits + Gumbel noise is a sample of softmax(logits)
    freq = hv.mean(0)
    p = torch.softmax(torch.tensor([2.0, 0.5, -1.0, 0.0]), 0).numpy()
    np.testing.assert_allclose(freq, p, atol=0.03)
    # straight-through: the gradient is the soft sample's
    (h * minitorch.arange(4).float()).sum().backward()
    assert logits.grad is not None and np.abs(logits.grad.numpy()).sum() > 0
    np.testing.assert_allclose(logits.grad.numpy().sum(1), 0.0, atol=1e-4)


# ------------------------------------------------------------------------------ distances
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_distance_modules_match_torch(dtype):
    a, b = _x((4, 5), 1), _x((4, 5), 2)
    for make in (lambda L: L.CosineSimilarity(dim=1, eps=1e-6), lambda L: L.CosineSimilarity(0),
                 lambda L: L.PairwiseDistance(), lambda L: L.PairwiseDistance(p=1.5, keepdim=True),
                 lambda L: L.PairwiseDistance(p=float("inf"), eps=0.0)):
        m, t = make(nn), make(torch.nn)
        assert repr(m) == repr(t)
        _check(m, t, [a, b], dtype)


def test_distance_edge_cases():
    z = minitorch.zeros(2, 3, requires_grad=True)
    zt = torch.zeros(2, 3, requires_grad=True)
    F.cosine_similarity(z, minitorch.ones(2, 3)).sum().backward()
    torch.nn.functional.cosine_similarity(zt, torch.ones(2, 3)).sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), zt.grad.numpy(), rtol=1e-6)
    assert tuple(F.pdist(minitorch.randn(1, 3)).shape) == (0,)
    with pytest.raises(RuntimeError, match="pdist only supports 2D tensors"):
        F.pdist(minitorch.randn(2, 3, 4))
    with pytest.raises(RuntimeError, match="floating point"):
        F.cosine_similarity(minitorch.tensor([1, 2]), minitorch.tensor([2, 3]))
    with pytest.raises(RuntimeError, match="must match"):
        F.pairwise_distance(minitorch.randn(3, 4), minitorch.randn(3, 5))


# ------------------------------------------------------------------------------ Bilinear
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("bias", [True, False])
def test_bilinear_module_matches_torch(dtype, bias):
    m, t = nn.Bilinear(3, 4, 5, bias=bias), torch.nn.Bilinear(3, 4, 5, bias=bias)
    assert repr(m) == repr(t)
    assert list(m.state_dict()) == list(t.state_dict())
    _check(m, t, [_x((2, 6, 3), 1), _x((2, 6, 4), 2)], dtype)


def test_bilinear_init_and_errors():
    m = nn.Bilinear(4, 3, 2)
    assert tuple(m.weight.shape) == (2, 4, 3)
    assert np.abs(m.weight.detach().numpy()).max() <= 0.5 and np.abs(m.bias.detach().numpy()).max() <= 0.5
    with pytest.raises(RuntimeError, match="input batch dimensions do not match"):
        F.bilinear(minitorch.randn(3, 4), minitorch.randn(2, 3), m.weight)
    with pytest.raises(RuntimeError, match="input2 size does not match weight size"):
        F.bilinear(minitorch.randn(3, 4), minitorch.randn(3, 2), m.weight)


# ------------------------------------------------------------------------------ padding, shuffles
PAD_MODULES = [
    ("ZeroPad1d", lambda L: L.ZeroPad1d(2), (2, 3, 4)),
    ("ZeroPad2d", lambda L: L.ZeroPad2d((1, 0, 2, 1)), (3, 4)),
    ("ZeroPad3d", lambda L: L.ZeroPad3d(1), (2, 2, 3, 2)),
    ("ConstantPad1d", lambda L: L.ConstantPad1d((2, 0), 3.5), (4,)),
    ("ConstantPad2d", lambda L: L.ConstantPad2d(1, -1.0), (1, 2, 3)),
    ("ConstantPad3d", lambda L: L.ConstantPad3d((1, 0, 0, 1, 1, 0), 0.5), (1, 1, 2, 2, 2)),
    ("ReflectionPad1d", lambda L: L.ReflectionPad1d(2), (3, 4)),
    ("ReflectionPad2d", lambda L: L.ReflectionPad2d((1, 2, 0, 1)), (2, 3, 4)),
    ("ReflectionPad3d", lambda L: L.ReflectionPad3d(1), (1, 2, 2, 3, 3)),
    ("ReplicationPad1d", lambda L: L.ReplicationPad1d((0, 3)), (2, 2, 3)),
    ("ReplicationPad2d", lambda L: L.ReplicationPad2d(2), (1, 2, 2, 3)),
    ("ReplicationPad3d", lambda L: L.ReplicationPad3d((1, 1, 2, 0, 0, 1)), (2, 2, 2, 3)),
    ("CircularPad1d", lambda L: L.CircularPad1d(2), (2, 3, 4)),
    ("CircularPad2d", lambda L: L.CircularPad2d((1, 0, 2, 1)), (2, 3, 4)),
    ("CircularPad3d", lambda L: L.CircularPad3d(1), (1, 1, 2, 3, 2)),
    ("PixelShuffle", lambda L: L.PixelShuffle(2), (2, 8, 3, 2)),
    ("PixelUnshuffle", lambda L: L.PixelUnshuffle(2), (1, 2, 4, 6)),
    ("ChannelShuffle", lambda L: L.ChannelShuffle(2), (2, 4, 3, 1)),
    ("Fold", lambda L: L.Fold((3, 4), (2, 2), stride=1), (2, 8, 6)),
    ("Unfold", lambda L: L.Unfold(2, padding=1, stride=2), (1, 2, 4, 5)),
]


@pytest.mark.parametrize("name,make,shape", PAD_MODULES, ids=[p[0] for p in PAD_MODULES])
def test_parameter_free_layer_modules_match_torch(name, make, shape):
    m, t = make(nn), make(torch.nn)
    assert repr(m) == repr(t)
    for attr in ("padding", "value", "upscale_factor", "downscale_factor", "groups"):
        if hasattr(t, attr):
            assert getattr(m, attr) == getattr(t, attr), attr
    _check(m, t, [_x(shape)])


def test_padding_module_errors_match_torch():
    with pytest.raises(NotImplementedError, match="Padding size 4 is not supported for 2D input"):
        nn.ReflectionPad2d(1)(minitorch.randn(2, 3))
    with pytest.raises(NotImplementedError, match="Padding size 2 is not supported for 1D"):
        nn.ReplicationPad1d(1)(minitorch.randn(3))
    with pytest.raises(ValueError, match="expected 3D or 4D input"):
        nn.CircularPad2d(1)(minitorch.randn(3, 4))
    with pytest.raises(RuntimeError, match="Padding length should be less than or equal"):
        nn.ZeroPad2d(1)(minitorch.randn(3))
    with pytest.raises(TypeError):
        nn.ZeroPad2d((1, 2, 3))


def test_shuffle_errors_match_torch():
    with pytest.raises(RuntimeError, match="at least 3 dimensions"):
        F.pixel_shuffle(minitorch.randn(2, 3), 2)
    with pytest.raises(RuntimeError, match="divisible by the square of upscale_factor"):
        F.pixel_shuffle(minitorch.randn(5, 2, 3), 2)
    with pytest.raises(RuntimeError, match="height to be divisible by downscale_factor"):
        F.pixel_unshuffle(minitorch.randn(4, 3, 4), 2)
    with pytest.raises(RuntimeError, match="Number of channels must be divisible by groups"):
        F.channel_shuffle(minitorch.randn(1, 5, 2), 2)
    with pytest.raises(RuntimeError, match="> 2 dims"):
        F.channel_shuffle(minitorch.randn(2, 4), 2)


# ------------------------------------------------------------------------------ dropout variants
def test_channel_dropout_zeroes_whole_channels():
    minitorch.manual_seed(0)
    x = minitorch.ones(8, 16, 3, 4, 2)
    y = nn.Dropout3d(0.25)(x).numpy()
    per_channel = y.reshape(8, 16, -1)
    assert ((per_channel == 0).all(-1) | (per_channel == 1 / 0.75).all(-1)).all()
    assert 0.1 < (per_channel[..., 0] == 0).mean() < 0.4
    y1 = nn.Dropout1d(0.5)(minitorch.ones(40, 6)).numpy()      # unbatched (C, L)
    assert ((y1 == 0).all(1) | (y1 == 2).all(1)).all()
    m = nn.Dropout1d(0.5).eval()
    x1 = minitorch.randn(2, 3, 4)
    assert m(x1) is x1
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input"):
        F.dropout1d(minitorch.randn(2, 3, 4, 5))
    with pytest.warns(UserWarning, match="dropout3d: Received a 3-D input"):
        F.dropout3d(minitorch.randn(2, 3, 4))
    assert repr(nn.Dropout3d(0.2)) == repr(torch.nn.Dropout3d(0.2))


def test_alpha_dropout_keeps_mean_and_variance():
    minitorch.manual_seed(0)
    x = minitorch.randn(400, 500)
    for m in (nn.AlphaDropout(0.3), nn.FeatureAlphaDropout(0.3)):
        inp = x if isinstance(m, nn.AlphaDropout) else x.reshape(400, 500, 1)
        y = m(inp).numpy()
        assert abs(y.mean()) < 0.02 and abs(y.std() - 1) < 0.02
        assert m.eval()(inp) is inp
        assert repr(m) == repr(getattr(torch.nn, type(m).__name__)(0.3))
    # dropped units sit at SELU's saturation value mapped by the affine correction
    y = F.alpha_dropout(minitorch.zeros(10000), 0.5, True).numpy()
    a = 1 / np.sqrt((1.7580993408473766 ** 2 * 0.5 + 1) * 0.5)
    np.testing.assert_allclose(np.unique(y), sorted([-1.7580993408473766 * a * 0.5,
                                                     1.7580993408473766 * a * 0.5]), rtol=1e-6)
    x = minitorch.randn(5, requires_grad=True)
    F.alpha_dropout(x, 0.5, training=True).sum().backward()
    grads = np.unique(x.grad.numpy())
    assert all(g == 0 or abs(g - a) < 1e-6 for g in grads)


# ------------------------------------------------------------------------------ embeddings
EMB_CASES = [
    (dict(mode="mean"), [0, 4, 4]),
    (dict(mode="sum", padding_idx=2), [0, 3, 7]),
    (dict(mode="max"), [0, 2, 2, 6]),
    (dict(mode="sum", include_last_offset=True), [0, 5, 10]),
    (dict(mode="mean", max_norm=1.0), [0, 5]),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kw,offsets", EMB_CASES, ids=[str(c[0]) for c in EMB_CASES])
def test_embedding_bag_module_matches_torch(kw, offsets, dtype):
    idx = np.array([1, 2, 4, 5, 4, 3, 2, 9, 0, 7])
    m, t = nn.EmbeddingBag(10, 3, **kw), torch.nn.EmbeddingBag(10, 3, **kw)
    assert repr(m) == repr(t)
    rtol, atol = TOL[dtype]
    t.to(TH_DT[dtype])
    m.to(MT_DT[dtype])
    m.load_state_dict(t.state_dict())
    ym = m(minitorch.from_numpy(idx), minitorch.from_numpy(np.array(offsets)))
    yt = t(torch.from_numpy(idx), torch.from_numpy(np.array(offsets)))
    np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), rtol=rtol, atol=atol)
    g = np.random.default_rng(0).standard_normal(tuple(yt.shape)).astype(dtype)
    ym.backward(minitorch.from_numpy(g.copy()))
    yt.backward(torch.from_numpy(g.copy()))
    assert_param_grads_close(m, t, rtol, atol)
    if "max_norm" in kw:   # the looked-up rows were renormalized in place, as in torch
        np.testing.assert_allclose(m.weight.detach().numpy(), t.weight.detach().numpy(),
                                   rtol=rtol, atol=atol)


def test_embedding_bag_2d_per_sample_weights_and_errors():
    w = np.random.default_rng(0).standard_normal((6, 4))
    idx = np.array([[0, 1, 2], [3, 3, 5]])
    psw = np.array([[0.5, 1.0, 2.0], [1.0, -1.0, 0.3]])
    m = nn.EmbeddingBag.from_pretrained(minitorch.from_numpy(w), mode="sum", freeze=False)
    t = torch.nn.EmbeddingBag.from_pretrained(torch.from_numpy(w), mode="sum", freeze=False)
    pm, pt = minitorch.from_numpy(psw).requires_grad_(), torch.from_numpy(psw).requires_grad_()
    ym, yt = m(minitorch.from_numpy(idx), per_sample_weights=pm), t(torch.from_numpy(idx),
                                                                   per_sample_weights=pt)
    np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), rtol=1e-12)
    ym.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(pm.grad.numpy(), pt.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(m.weight.grad.numpy(), t.weight.grad.numpy(), rtol=1e-12)
    assert nn.EmbeddingBag.from_pretrained(minitorch.from_numpy(w)).weight.requires_grad is False
    i1 = minitorch.tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match="offsets\\[0\\] has to be 0"):
        F.embedding_bag(i1, m.weight, minitorch.tensor([1, 2]))
    with pytest.raises(ValueError, match="offsets has to be None"):
        F.embedding_bag(minitorch.from_numpy(idx), m.weight, minitorch.tensor([0]))
    with pytest.raises(NotImplementedError, match="per_sample_weights is only supported"):
        F.embedding_bag(i1, m.weight, minitorch.tensor([0]), per_sample_weights=minitorch.ones(3))
    with pytest.raises(ValueError, match="max mode does not support scaling"):
        F.embedding_bag(i1, m.weight, minitorch.tensor([0]), mode="max", scale_grad_by_freq=True)


def test_embedding_options_match_torch():
    w = np.random.default_rng(1).standard_normal((7, 3)) * 2
    idx = np.array([[0, 2, 2, 6], [1, 3, 2, 5]])
    for kw in (dict(padding_idx=2), dict(max_norm=1.5, norm_type=1.0), dict(padding_idx=-1),
               dict(scale_grad_by_freq=True)):
        m = nn.Embedding.from_pretrained(minitorch.from_numpy(w.copy()), freeze=False, **kw)
        t = torch.nn.Embedding.from_pretrained(torch.from_numpy(w.copy()), freeze=False, **kw)
        assert repr(m) == repr(t)
        ym, yt = m(minitorch.from_numpy(idx)), t(torch.from_numpy(idx))
        np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), rtol=1e-12)
        g = np.random.default_rng(2).standard_normal(tuple(yt.shape))
        ym.backward(minitorch.from_numpy(g))
        yt.backward(torch.from_numpy(g))
        np.testing.assert_allclose(m.weight.grad.numpy(), t.weight.grad.numpy(), rtol=1e-12)
    frozen = nn.Embedding.from_pretrained(minitorch.from_numpy(w))
    assert frozen.weight.requires_grad is False
    out = minitorch.embedding(minitorch.from_numpy(w), minitorch.from_numpy(idx))   # weight first
    np.testing.assert_allclose(out.numpy(), w[idx])


# ------------------------------------------------------------------------------ spatial transformer
def test_spatial_transformer_matches_torch_and_warns():
    rng = np.random.default_rng(0)
    x, theta = rng.standard_normal((2, 3, 6, 7)), rng.uniform(-0.8, 0.8, (2, 2, 3))
    outs = []
    for lib in (minitorch, torch):
        xt, tt = lib.from_numpy(x.copy()).requires_grad_(), lib.from_numpy(theta.copy()).requires_grad_()
        with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
            grid = lib.nn.functional.affine_grid(tt, (2, 3, 5, 4))
        with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
            y = lib.nn.functional.grid_sample(xt, grid)
        (y * y).sum().backward()
        outs.append((y.detach().numpy(), xt.grad.numpy(), tt.grad.numpy()))
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_grid_sample_errors_match_torch():
    x = minitorch.randn(1, 1, 3, 3)
    g = minitorch.zeros(1, 2, 2, 2)
    with pytest.raises(ValueError, match="expected mode to be 'bilinear', 'nearest' or 'bicubic'"):
        F.grid_sample(x, g, mode="area", align_corners=False)
    with pytest.raises(ValueError, match="expected padding_mode"):
        F.grid_sample(x, g, padding_mode="wrap", align_corners=False)
    with pytest.raises(RuntimeError, match="size 2 in last dimension"):
        F.grid_sample(x, g[..., :1], align_corners=False)
    with pytest.raises(RuntimeError, match="same batch size"):
        F.grid_sample(x, minitorch.zeros(2, 2, 2, 2), align_corners=False)
    with pytest.raises(ValueError, match="Nx2x3"):
        F.affine_grid(minitorch.zeros(1, 3, 4), (1, 1, 3, 3), align_corners=False)
    with pytest.raises(NotImplementedError, match="4D and 5D sizes"):
        F.affine_grid(minitorch.zeros(1, 2, 3), (1, 3, 3), align_corners=False)


def test_functional_softmax_signature_and_implicit_dim_like_torch():
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    for name in ("softmax", "log_softmax", "softmin"):
        with pytest.warns(UserWarning, match=f"Implicit dimension choice for {name}"):
            a = getattr(F, name)(minitorch.from_numpy(x))
        with pytest.warns(UserWarning):
            b = getattr(torch.nn.functional, name)(torch.from_numpy(x))
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)
        a = getattr(F, name)(minitorch.from_numpy(x), 2, 3, minitorch.float32)   # _stacklevel
        b = getattr(torch.nn.functional, name)(torch.from_numpy(x), 2, 3, torch.float32)
        assert a.dtype == minitorch.float32
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)
    with pytest.raises(TypeError):
        minitorch.softmax(minitorch.from_numpy(x))     # torch.softmax needs dim
