"""TransformerEncoderLayer, TransformerEncoder and PositionalEncoding.

- Parity with torch: the torch module's state_dict loaded into ours, then the output, the
  input's gradient and every parameter's gradient compared under one random upstream
  gradient, float64 (tight) and float32, over norm_first, relu/gelu/callable activations,
  batch_first, unbatched input, bias=False, bool/float/causal src_mask,
  src_key_padding_mask, and a 2-layer encoder with a final norm.
- Torch's inference fast paths never run here: torch takes them only in eval mode with
  grad disabled or no tensor requiring grad, and the comparisons run with grads (the
  torch encoders are also built with enable_nested_tensor=False). The one test that runs
  torch's nested-tensor path documents the difference at padded positions.
- gradcheck over the input and every parameter of a tiny layer (float64, dropout 0) and
  gradgradcheck (torch supports double backward here only through its MATH attention
  backend; its default CPU flash kernel has none).
- PositionalEncoding against the formula written out independently in NumPy.
"""
import copy
import math

import numpy as np
import pytest
import torch

import minitorch
from minitorch.testing.compare import assert_param_grads_close
import minitorch.nn as nn
import minitorch.nn.functional as F
from minitorch.autograd import gradcheck, gradgradcheck

torch.set_num_threads(1)

TOL = {"float64": (1e-9, 1e-10), "float32": (2e-4, 2e-5)}
TH_DT = {"float64": torch.float64, "float32": torch.float32}
MT_DT = {"float64": minitorch.float64, "float32": minitorch.float32}
E, H, FF, S, N = 8, 2, 12, 5, 3      # d_model, nhead, dim_feedforward, seq, batch


def _pair(dtype, *, seed=0, activation="relu", th_activation=None, **kw):
    """A torch TransformerEncoderLayer (seeded init, biases and norms randomized so a
    bias/affine mix-up cannot hide) and a minitorch one with its weights."""
    torch.manual_seed(seed)
    th = torch.nn.TransformerEncoderLayer(E, H, FF, activation=th_activation or activation,
                                          **kw).to(TH_DT[dtype])
    with torch.no_grad():
        for name, p in th.named_parameters():
            if "norm" in name or "bias" in name:
                p.uniform_(0.5 if name.endswith("weight") else -0.5, 1.5 if name.endswith("weight") else 0.5)
    mt = nn.TransformerEncoderLayer(E, H, FF, activation=activation, **kw).to(MT_DT[dtype])
    mt.load_state_dict(th.state_dict())
    return mt, th


def _x(shape, dtype, seed=1):
    x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return (minitorch.from_numpy(x.copy()).requires_grad_(),
            torch.from_numpy(x.copy()).requires_grad_())


def _masks(mt_m, th_m):
    return (None if mt_m is None else minitorch.from_numpy(np.array(mt_m)),
            None if th_m is None else torch.from_numpy(np.array(th_m)))


def _compare(mt_mod, th_mod, xm, xt, dtype, *, mt_kw=None, th_kw=None, seed=2, rows=None):
    """Forward both, compare outputs; backward one random upstream gradient, compare the
    input's gradient and every parameter's (names and order equal torch's)."""
    rtol, atol = TOL[dtype]
    ym, yt = mt_mod(xm, **(mt_kw or {})), th_mod(xt, **(th_kw or {}))
    assert tuple(ym.shape) == tuple(yt.shape)
    assert ym.dtype == MT_DT[dtype]
    np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), rtol=rtol, atol=atol)
    g = np.random.default_rng(seed).standard_normal(tuple(yt.shape)).astype(dtype)
    ym.backward(minitorch.from_numpy(g.copy()))
    yt.backward(torch.from_numpy(g.copy()))
    assert xm.grad.dtype == xm.dtype
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=rtol, atol=atol)
    assert_param_grads_close(mt_mod, th_mod, rtol, atol)
    return ym, yt


def _np(t):
    return t.detach().numpy()


def _shape(batch_first):
    return (N, S, E) if batch_first else (S, N, E)


# ----------------------------------------------------------------- encoder layer parity
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
@pytest.mark.parametrize("norm_first", [False, True])
def test_layer_matches_torch(norm_first, activation, batch_first, dtype):
    mt, th = _pair(dtype, activation=activation, norm_first=norm_first,
                   batch_first=batch_first, dropout=0.0)
    xm, xt = _x(_shape(batch_first), dtype)
    _compare(mt, th, xm, xt, dtype)


def _bool_mask(seed=3):
    m = np.random.default_rng(seed).random((S, S)) < 0.4
    np.fill_diagonal(m, False)                 # no fully masked row
    return m


def _float_mask(seed=4):
    return np.random.default_rng(seed).uniform(-2, 1, (S, S))


def _causal_bool():
    return np.triu(np.ones((S, S), bool), 1)


def _padding(batch_first=False):
    lengths = [S, S - 2, 2]                    # every sequence keeps some keys
    return np.arange(S)[None, :] >= np.array(lengths)[:, None]


MASK_CASES = {
    "bool_src_mask": lambda dt: dict(src_mask=_bool_mask()),
    "float_src_mask": lambda dt: dict(src_mask=_float_mask().astype(dt)),
    "causal_bool_is_causal": lambda dt: dict(src_mask=_causal_bool(), is_causal=True),
    "causal_float_is_causal": lambda dt: dict(
        src_mask=np.where(_causal_bool(), -np.inf, 0.0).astype(dt), is_causal=True),
    "causal_bool_no_hint": lambda dt: dict(src_mask=_causal_bool()),
    "padding": lambda dt: dict(src_key_padding_mask=_padding()),
    "padding_float": lambda dt: dict(
        src_key_padding_mask=np.where(_padding(), -np.inf, 0.0).astype(dt)),
    "padding_and_bool_mask": lambda dt: dict(src_mask=_bool_mask(),
                                             src_key_padding_mask=_padding()),
    "3d_bool_mask": lambda dt: dict(src_mask=np.stack([_bool_mask(s) for s in range(N * H)])),
}


def _mask_kwargs(case, dtype):
    kw = MASK_CASES[case](dtype)
    mt_kw, th_kw = {}, {}
    for k, v in kw.items():
        if isinstance(v, np.ndarray):
            mt_kw[k], th_kw[k] = minitorch.from_numpy(v.copy()), torch.from_numpy(v.copy())
        else:
            mt_kw[k] = th_kw[k] = v
    return mt_kw, th_kw


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("case", list(MASK_CASES))
def test_layer_masks_match_torch(case, norm_first, dtype):
    mt, th = _pair(dtype, norm_first=norm_first, batch_first=True, dropout=0.0)
    xm, xt = _x(_shape(True), dtype)
    mt_kw, th_kw = _mask_kwargs(case, dtype)
    ym, _ = _compare(mt, th, xm, xt, dtype, mt_kw=mt_kw, th_kw=th_kw)
    assert np.isfinite(ym.detach().numpy()).all()


def test_layer_causal_mask_from_generator_equals_bool_causal():
    from minitorch.nn.transformer import _generate_square_subsequent_mask
    m = _generate_square_subsequent_mask(S, dtype=minitorch.float64)
    t = torch.nn.Transformer.generate_square_subsequent_mask(S, dtype=torch.float64)
    np.testing.assert_array_equal(m.numpy(), t.numpy())
    mt, th = _pair("float64", batch_first=True, dropout=0.0)
    xm, xt = _x(_shape(True), "float64")
    _compare(mt, th, xm, xt, "float64", mt_kw=dict(src_mask=m, is_causal=True),
             th_kw=dict(src_mask=t, is_causal=True))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_layer_unbatched_matches_torch(dtype):
    for batch_first in (False, True):
        mt, th = _pair(dtype, batch_first=batch_first, dropout=0.0, norm_first=batch_first)
        xm, xt = _x((S, E), dtype)
        _compare(mt, th, xm, xt, dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_layer_options_match_torch(dtype):
    # bias=False (no Linear/LayerNorm/attention biases), another eps, a callable activation
    mt, th = _pair(dtype, bias=False, layer_norm_eps=1e-3, dropout=0.0)
    assert "linear1.bias" not in mt.state_dict() and "norm1.bias" not in mt.state_dict()
    xm, xt = _x(_shape(False), dtype)
    _compare(mt, th, xm, xt, dtype)
    mt, th = _pair(dtype, activation=lambda x: F.gelu(x, approximate="tanh"),
                   th_activation=lambda x: torch.nn.functional.gelu(x, approximate="tanh"),
                   dropout=0.0, norm_first=True)
    xm, xt = _x(_shape(False), dtype)
    _compare(mt, th, xm, xt, dtype)
    mt, th = _pair(dtype, activation=nn.SiLU(), th_activation=torch.nn.SiLU(), dropout=0.0)
    xm, xt = _x(_shape(False), dtype)
    _compare(mt, th, xm, xt, dtype)


def test_layer_activation_flags_and_errors():
    assert nn.TransformerEncoderLayer(E, H, FF).activation is F.relu
    assert nn.TransformerEncoderLayer(E, H, FF, activation="gelu").activation is F.gelu
    assert nn.TransformerEncoderLayer(E, H, FF).activation_relu_or_gelu == 1
    assert nn.TransformerEncoderLayer(E, H, FF, activation="gelu").activation_relu_or_gelu == 2
    assert nn.TransformerEncoderLayer(E, H, FF, activation=nn.GELU()).activation_relu_or_gelu == 2
    assert nn.TransformerEncoderLayer(E, H, FF, activation=F.silu).activation_relu_or_gelu == 0
    with pytest.raises(RuntimeError, match="relu/gelu"):
        nn.TransformerEncoderLayer(E, H, FF, activation="tanh")
    with pytest.raises(TypeError, match="activation"):
        nn.TransformerEncoderLayer(E, H, FF, activation=3)
    with pytest.raises(ValueError, match="dropout"):
        nn.TransformerEncoderLayer(E, H, FF, dropout=1.5)
    with pytest.raises(ValueError, match="dim_feedforward"):
        nn.TransformerEncoderLayer(E, H, 0)
    layer = nn.TransformerEncoderLayer(E, H, FF)
    with pytest.raises(ValueError, match="d_model = 8"):
        layer(minitorch.randn(S, N, E + 1))
    with pytest.raises(ValueError, match=r"got shape \(5,\)"):
        layer(minitorch.randn(S))
    with pytest.raises(TypeError, match="'src' must be a Tensor"):
        layer(np.zeros((S, N, E)))


def test_layer_defaults_and_state_dict_keys_both_ways():
    th = torch.nn.TransformerEncoderLayer(E, H)
    mt = nn.TransformerEncoderLayer(E, H)
    assert list(mt.state_dict()) == list(th.state_dict())
    for k, v in th.state_dict().items():
        assert tuple(mt.state_dict()[k].shape) == tuple(v.shape), k
    assert mt.linear1.out_features == 2048 and mt.dropout.p == 0.1
    assert mt.norm1.eps == 1e-5 and mt.norm_first is False and mt.self_attn.batch_first is False
    # minitorch -> torch
    th2 = torch.nn.TransformerEncoderLayer(E, H)
    th2.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in mt.state_dict().items()})
    for k, v in mt.state_dict().items():
        np.testing.assert_array_equal(th2.state_dict()[k].numpy(), v.numpy())


# ----------------------------------------------------------------- dropout
def test_dropout_eval_equals_no_dropout():
    mt, th = _pair("float64", dropout=0.3, batch_first=True)
    mt.eval()
    th.eval()
    xm, xt = _x(_shape(True), "float64")
    mt_kw, th_kw = _mask_kwargs("padding", "float64")
    _compare(mt, th, xm, xt, "float64", mt_kw=mt_kw, th_kw=th_kw)
    # and equals a dropout-0 layer with the same weights, in training mode
    mt0 = nn.TransformerEncoderLayer(E, H, FF, dropout=0.0, batch_first=True).double()
    mt0.load_state_dict(mt.state_dict())
    x = minitorch.from_numpy(xm.detach().numpy().copy())
    np.testing.assert_array_equal(_np(mt(x, **mt_kw)), _np(mt0(x, **mt_kw)))


def test_dropout_training_is_random_and_seeded():
    mt = nn.TransformerEncoderLayer(E, H, FF, dropout=0.5).double()
    x = minitorch.from_numpy(np.random.default_rng(0).standard_normal((S, N, E)))
    minitorch.manual_seed(7)
    a = _np(mt(x))
    b = _np(mt(x))
    minitorch.manual_seed(7)
    c = _np(mt(x))
    assert not np.allclose(a, b)
    np.testing.assert_array_equal(a, c)
    mt.eval()
    np.testing.assert_array_equal(_np(mt(x)), _np(mt(x)))


# ----------------------------------------------------------------- encoder
def _encoder_pair(dtype, *, num_layers=2, final_norm=True, seed=0, **kw):
    """Torch encoder (enable_nested_tensor=False: no fast path) with randomized layers
    (each copy different) and its minitorch twin built from a minitorch layer."""
    torch.manual_seed(seed)
    th_layer = torch.nn.TransformerEncoderLayer(E, H, FF, **kw)
    th = torch.nn.TransformerEncoder(th_layer, num_layers,
                                     norm=torch.nn.LayerNorm(E) if final_norm else None,
                                     enable_nested_tensor=False).to(TH_DT[dtype])
    with torch.no_grad():
        for p in th.parameters():
            p.uniform_(-0.5, 0.5) if p.ndim == 1 else p.mul_(1.5)
    mt_layer = nn.TransformerEncoderLayer(E, H, FF, **kw)
    mt = nn.TransformerEncoder(mt_layer, num_layers,
                               norm=nn.LayerNorm(E) if final_norm else None).to(MT_DT[dtype])
    assert list(mt.state_dict()) == list(th.state_dict())
    mt.load_state_dict(th.state_dict())
    return mt, th


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_matches_torch(norm_first, dtype):
    mt, th = _encoder_pair(dtype, norm_first=norm_first, dropout=0.0)
    xm, xt = _x(_shape(False), dtype)
    _compare(mt, th, xm, xt, dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", ["bool_src_mask", "float_src_mask", "causal_bool_no_hint",
                                  "causal_float_is_causal", "padding",
                                  "padding_and_bool_mask"])
def test_encoder_masks_match_torch(case, dtype):
    mt, th = _encoder_pair(dtype, batch_first=True, dropout=0.0, activation="gelu")
    xm, xt = _x(_shape(True), dtype)
    mt_kw, th_kw = _mask_kwargs(case, dtype)
    ren = {"src_mask": "mask"}
    mt_kw = {ren.get(k, k): v for k, v in mt_kw.items()}
    th_kw = {ren.get(k, k): v for k, v in th_kw.items()}
    _compare(mt, th, xm, xt, dtype, mt_kw=mt_kw, th_kw=th_kw)


def test_encoder_without_norm_and_eval_dropout():
    mt, th = _encoder_pair("float64", final_norm=False, num_layers=3, dropout=0.2)
    assert mt.norm is None and len(mt.layers) == 3 and mt.num_layers == 3
    mt.eval()
    th.eval()
    xm, xt = _x(_shape(False), "float64")
    _compare(mt, th, xm, xt, "float64")


def test_encoder_layers_are_independent_deep_copies():
    layer = nn.TransformerEncoderLayer(E, H, FF)
    enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=True, mask_check=False)
    assert enc.enable_nested_tensor is True and enc.use_nested_tensor is False
    a, b = enc.layers[0], enc.layers[1]
    assert a is not b and a is not layer
    wa, wb = a.linear1.weight, b.linear1.weight
    assert wa is not wb and wa is not layer.linear1.weight
    np.testing.assert_array_equal(wa.detach().numpy(), wb.detach().numpy())   # same start
    with minitorch.no_grad():
        wa.add_(1.0)
    assert not np.allclose(wa.detach().numpy(), wb.detach().numpy())
    assert not np.allclose(wa.detach().numpy(), layer.linear1.weight.detach().numpy())
    params = list(enc.parameters())
    assert len({id(p) for p in params}) == len(params) == 2 * len(list(layer.parameters()))
    assert enc.layers[0].activation is F.relu
    with pytest.raises(TypeError, match="encoder_layer"):
        nn.TransformerEncoder("layer", 2)
    with pytest.raises(ValueError, match="num_layers"):
        nn.TransformerEncoder(layer, -1)


def test_detect_is_causal_mask():
    from minitorch.nn.transformer import _detect_is_causal_mask as detect
    from minitorch.nn.transformer import _generate_square_subsequent_mask as gen
    causal_f = gen(4)
    causal_b = minitorch.from_numpy(np.triu(np.ones((4, 4), bool), 1))
    assert detect(causal_f, None, 4) and detect(causal_b, None, 4) and detect(causal_f)
    assert not detect(causal_f, None, 3)
    assert not detect(minitorch.zeros(4, 4), None, 4)
    assert detect(None, True) and not detect(causal_f, False) and not detect(None, None)
    notcausal = causal_b.numpy().copy()
    notcausal[0, 3] = False
    assert not detect(minitorch.from_numpy(notcausal), None, 4)


@pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors")
def test_padded_positions_vs_torch_nested_tensor_fast_path():
    """torch's eval-mode, no-grad fast path (nested tensors) returns zeros at padded
    positions before the final norm; minitorch computes them like any other position.
    The unpadded positions agree."""
    mt, th = _encoder_pair("float32", final_norm=False, batch_first=True, dropout=0.0)
    th_fast = torch.nn.TransformerEncoder(copy.deepcopy(th.layers[0]), 2,
                                          enable_nested_tensor=True)
    th_fast.load_state_dict(th.state_dict())
    mt.eval()
    th_fast.eval()
    x = np.random.default_rng(1).standard_normal(_shape(True)).astype("float32")
    pad = _padding()
    with torch.no_grad():
        yt = th_fast(torch.from_numpy(x), src_key_padding_mask=torch.from_numpy(pad)).numpy()
    ym = _np(mt(minitorch.from_numpy(x), src_key_padding_mask=minitorch.from_numpy(pad)))
    np.testing.assert_allclose(ym[~pad], yt[~pad], rtol=1e-4, atol=1e-4)
    assert np.all(yt[pad] == 0)                      # torch's fast path
    assert np.isfinite(ym[pad]).all() and np.all(np.abs(ym[pad]).sum(-1) > 0)


# ----------------------------------------------------------------- gradient checks
def _tiny_layer_fn(**kw):
    """A tiny float64 layer as a function of (src, *parameters), so gradcheck covers the
    input and every parameter."""
    layer = nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0, **kw).double()
    names = [n for n, _ in layer.named_parameters()]
    params = [p.detach().clone().requires_grad_() for _, p in layer.named_parameters()]

    def fn(x, *ps):
        for name, p in zip(names, ps):
            mod_path, _, leaf = name.rpartition(".")
            layer.get_submodule(mod_path)._parameters[leaf] = p
        return layer(x, src_mask=mask)

    x = minitorch.from_numpy(np.random.default_rng(0).standard_normal((3, 2, 4))).requires_grad_()
    mask = minitorch.from_numpy(np.triu(np.ones((3, 3), bool), 1))
    return fn, (x, *params)


@pytest.mark.parametrize("norm_first", [False, True])
def test_gradcheck_tiny_layer(norm_first):
    fn, inputs = _tiny_layer_fn(norm_first=norm_first, activation="gelu")
    assert gradcheck(fn, inputs)


def test_gradgradcheck_tiny_layer():
    # torch: only its MATH attention backend has double backward (checked here too)
    from torch.nn.attention import SDPBackend, sdpa_kernel
    th = torch.nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0).double()
    xt = torch.randn(3, 2, 4, dtype=torch.float64, requires_grad=True)
    with sdpa_kernel(SDPBackend.MATH):
        assert torch.autograd.gradgradcheck(lambda x: th(x), (xt,))
    fn, inputs = _tiny_layer_fn(norm_first=True)
    assert gradgradcheck(fn, inputs)


# ----------------------------------------------------------------- positional encoding
def _pe_reference(max_len, d_model):
    """The formula, element by element: angle = pos / 10000^(2i/d_model) for the pair
    (2i, 2i+1); even columns sin, odd columns cos."""
    pe = np.empty((max_len, d_model))
    for pos in range(max_len):
        for j in range(d_model):
            i2 = j - (j % 2)
            angle = pos / (10000.0 ** (i2 / d_model))
            pe[pos, j] = math.sin(angle) if j % 2 == 0 else math.cos(angle)
    return pe


@pytest.mark.parametrize("d_model", [6, 7, 1])
def test_positional_encoding_table(d_model):
    m = nn.PositionalEncoding(d_model, max_len=50)
    assert m.pe.dtype == minitorch.float64 and tuple(m.pe.shape) == (50, d_model)
    np.testing.assert_allclose(m.pe.numpy(), _pe_reference(50, d_model), rtol=1e-12, atol=1e-13)
    m32 = nn.PositionalEncoding(d_model, max_len=50, dtype=minitorch.float32)
    assert m32.pe.dtype == minitorch.float32
    np.testing.assert_allclose(m32.pe.numpy(), _pe_reference(50, d_model), rtol=1e-6, atol=1e-6)
    assert "pe" not in m.state_dict() and len(m.state_dict()) == 0
    assert [n for n, _ in m.named_buffers()] == ["pe"]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_positional_encoding_forward_and_grad(dtype):
    ref = _pe_reference(20, 6)
    x0 = np.random.default_rng(0).standard_normal((5, 3, 6)).astype(dtype)
    for batch_first, x, want in (
            (False, x0, x0 + ref[:5, None, :]),
            (True, x0, x0 + ref[None, :3, :]),
            (False, x0[:, 0], x0[:, 0] + ref[:5]),
            (True, x0[:, 0], x0[:, 0] + ref[:5])):
        m = nn.PositionalEncoding(6, max_len=20, batch_first=batch_first).to(MT_DT[dtype])
        xm = minitorch.from_numpy(x.copy()).requires_grad_()
        y = m(xm)
        assert y.dtype == MT_DT[dtype]
        tol = 1e-12 if dtype == "float64" else 1e-6
        np.testing.assert_allclose(y.detach().numpy(), want, rtol=tol, atol=tol)
        g = np.random.default_rng(1).standard_normal(x.shape).astype(dtype)
        y.backward(minitorch.from_numpy(g.copy()))
        assert xm.grad.dtype == MT_DT[dtype]
        np.testing.assert_array_equal(xm.grad.numpy(), g)      # d(x + pe)/dx = I


def test_positional_encoding_dropout_and_modes():
    m = nn.PositionalEncoding(6, max_len=20, dropout=0.5)
    x = minitorch.from_numpy(np.random.default_rng(0).standard_normal((8, 4, 6)).astype("float32"))
    clean = x.numpy() + _pe_reference(20, 6)[:8, None, :]
    minitorch.manual_seed(0)
    y = m(x).numpy()
    kept = y != 0
    assert 0.3 < kept.mean() < 0.7
    np.testing.assert_allclose(y[kept], 2 * clean[kept], rtol=1e-5, atol=1e-5)
    m.eval()
    np.testing.assert_allclose(m(x).numpy(), clean, rtol=1e-6, atol=1e-6)
    assert m(x).dtype == minitorch.float32          # the table follows the input's dtype
    m.float()
    assert m.pe.dtype == minitorch.float32 and m(x).dtype == minitorch.float32
    assert m(x.double()).dtype == minitorch.float64
    assert "max_len=20" in repr(m)


def test_positional_encoding_errors():
    m = nn.PositionalEncoding(6, max_len=10)
    with pytest.raises(ValueError, match="sequence length 11.*max_len = 10"):
        m(minitorch.zeros(11, 2, 6))
    m(minitorch.zeros(10, 2, 6))
    mb = nn.PositionalEncoding(6, max_len=10, batch_first=True)
    mb(minitorch.zeros(30, 10, 6))
    with pytest.raises(ValueError, match="sequence length 11"):
        mb(minitorch.zeros(2, 11, 6))
    with pytest.raises(ValueError, match="d_model = 6"):
        m(minitorch.zeros(3, 2, 5))
    with pytest.raises(ValueError, match="max_len"):
        nn.PositionalEncoding(6, max_len=0)
    with pytest.raises(ValueError, match="d_model"):
        nn.PositionalEncoding(0)
    with pytest.raises(ValueError, match="dropout"):
        nn.PositionalEncoding(6, dropout=-0.1)


def test_transformer_stack_float32_end_to_end():
    """Embedding-free stack: positional encoding then a 2-layer encoder, float32 in and
    out, gradients float32."""
    pe = nn.PositionalEncoding(E, max_len=16, batch_first=True)
    enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(E, H, FF, batch_first=True,
                                                           dropout=0.1), 2, norm=nn.LayerNorm(E))
    x = minitorch.randn(N, S, E, requires_grad=True)
    y = enc(pe(x), src_key_padding_mask=minitorch.from_numpy(_padding()))
    assert y.dtype == minitorch.float32
    y.sum().backward()
    assert x.grad.dtype == minitorch.float32
    assert all(p.grad is not None and p.grad.dtype == minitorch.float32
               for p in enc.parameters())
