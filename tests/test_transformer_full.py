"""nn.Transformer, TransformerDecoderLayer and TransformerDecoder against PyTorch on the
same weights: state_dict keys and shapes, outputs and gradients (post-norm and pre-norm,
batch_first, masks, padding masks, causal hints, custom encoder/decoder, activations),
reprs and errors."""
import numpy as np
import pytest
import torch

import minitorch as mt

torch.set_num_threads(1)
pytestmark = pytest.mark.filterwarnings("ignore:enable_nested_tensor is True")
RNG = np.random.default_rng(3)
E, H, FF = 8, 2, 16


def _np(t):
    return t.detach().numpy()


def _same_weights(t, m):
    assert [(k, tuple(v.shape)) for k, v in m.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in t.state_dict().items()]
    res = m.load_state_dict(t.state_dict())
    assert not res.missing_keys and not res.unexpected_keys


def _compare(t, m, args_t, args_m, kwargs_t=None, kwargs_m=None, grad_inputs=(0,),
             tol=1e-9):
    """Forward in both, a random upstream gradient, then outputs and the gradients of the
    listed positional inputs and of every parameter."""
    yt = t(*args_t, **(kwargs_t or {}))
    ym = m(*args_m, **(kwargs_m or {}))
    assert tuple(ym.shape) == tuple(yt.shape)
    np.testing.assert_allclose(_np(ym), _np(yt), rtol=tol, atol=tol)
    g = RNG.standard_normal(tuple(yt.shape))
    (yt * torch.tensor(g)).sum().backward()
    (ym * mt.tensor(g)).sum().backward()
    for i in grad_inputs:
        np.testing.assert_allclose(args_m[i].grad.numpy(), args_t[i].grad.numpy(), rtol=tol,
                                   atol=tol)
    for (name, pt), pm in zip(t.named_parameters(), m.parameters()):
        np.testing.assert_allclose(pm.grad.numpy(), pt.grad.numpy(), rtol=tol, atol=tol,
                                   err_msg=name)


def _inputs(*shapes):
    arrays = [RNG.standard_normal(s) for s in shapes]
    return ([torch.tensor(a, requires_grad=True) for a in arrays],
            [mt.tensor(a, requires_grad=True) for a in arrays])


# ------------------------------------------------------------------ decoder layer
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_decoder_layer_matches_torch(norm_first, batch_first, activation):
    kw = dict(dim_feedforward=FF, dropout=0.0, activation=activation, batch_first=batch_first,
              norm_first=norm_first)
    t = torch.nn.TransformerDecoderLayer(E, H, **kw).double()
    m = mt.nn.TransformerDecoderLayer(E, H, **kw).double()
    _same_weights(t, m)
    shapes = [(2, 4, E), (2, 5, E)] if batch_first else [(4, 2, E), (5, 2, E)]
    (tgt_t, mem_t), (tgt_m, mem_m) = _inputs(*shapes)
    mask_t = torch.nn.Transformer.generate_square_subsequent_mask(4, dtype=torch.float64)
    mask_m = mt.nn.Transformer.generate_square_subsequent_mask(4, dtype=mt.float64)
    kpm = np.zeros((2, 5), bool)
    kpm[1, 3:] = True
    _compare(t, m, (tgt_t, mem_t), (tgt_m, mem_m),
             dict(tgt_mask=mask_t, memory_key_padding_mask=torch.tensor(kpm)),
             dict(tgt_mask=mask_m, memory_key_padding_mask=mt.tensor(kpm)),
             grad_inputs=(0, 1))


def test_decoder_layer_masks_and_unbatched_match_torch():
    t = torch.nn.TransformerDecoderLayer(E, H, FF, dropout=0.0).double()
    m = mt.nn.TransformerDecoderLayer(E, H, FF, dropout=0.0).double()
    _same_weights(t, m)
    (tgt_t, mem_t), (tgt_m, mem_m) = _inputs((3, E), (4, E))          # unbatched
    mem_mask = RNG.random((3, 4)) < 0.3
    mem_mask[:, 0] = False
    tgt_mask = np.triu(np.ones((3, 3), bool), 1)                        # bool causal mask
    _compare(t, m, (tgt_t, mem_t), (tgt_m, mem_m),
             dict(tgt_mask=torch.tensor(tgt_mask), memory_mask=torch.tensor(mem_mask),
                  tgt_is_causal=True),
             dict(tgt_mask=mt.tensor(tgt_mask), memory_mask=mt.tensor(mem_mask),
                  tgt_is_causal=True),
             grad_inputs=(0, 1))


def test_decoder_layer_tgt_key_padding_mask_matches_torch():
    t = torch.nn.TransformerDecoderLayer(E, H, FF, dropout=0.0, batch_first=True).double()
    m = mt.nn.TransformerDecoderLayer(E, H, FF, dropout=0.0, batch_first=True).double()
    _same_weights(t, m)
    (tgt_t, mem_t), (tgt_m, mem_m) = _inputs((3, 4, E), (3, 2, E))
    kpm = np.zeros((3, 4), bool)
    kpm[0, 2:] = True
    kpm[2, 3] = True
    _compare(t, m, (tgt_t, mem_t), (tgt_m, mem_m),
             dict(tgt_key_padding_mask=torch.tensor(kpm)),
             dict(tgt_key_padding_mask=mt.tensor(kpm)), grad_inputs=(0, 1))


# ------------------------------------------------------------------ decoder stack
def test_decoder_stack_matches_torch_and_detects_causal_mask():
    lt = torch.nn.TransformerDecoderLayer(E, H, FF, dropout=0.0)
    lm = mt.nn.TransformerDecoderLayer(E, H, FF, dropout=0.0)
    t = torch.nn.TransformerDecoder(lt, 3, norm=torch.nn.LayerNorm(E)).double()
    m = mt.nn.TransformerDecoder(lm, 3, norm=mt.nn.LayerNorm(E)).double()
    assert repr(m) == repr(t)
    _same_weights(t, m)
    assert m.layers[0] is not m.layers[1]                   # deep copies
    (tgt_t, mem_t), (tgt_m, mem_m) = _inputs((5, 2, E), (3, 2, E))
    mask_t = torch.nn.Transformer.generate_square_subsequent_mask(5, dtype=torch.float64)
    mask_m = mt.nn.Transformer.generate_square_subsequent_mask(5, dtype=mt.float64)
    _compare(t, m, (tgt_t, mem_t), (tgt_m, mem_m), dict(tgt_mask=mask_t),
             dict(tgt_mask=mask_m), grad_inputs=(0, 1))
    seen = []
    m.layers[0].register_forward_pre_hook(
        lambda mod, args, kwargs: seen.append(kwargs["tgt_is_causal"]), with_kwargs=True)
    m(tgt_m, mem_m, tgt_mask=mask_m)
    m(tgt_m, mem_m, tgt_mask=mt.zeros(5, 5, dtype=mt.float64))
    assert seen == [True, False]


# ------------------------------------------------------------------ full Transformer
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_transformer_matches_torch(norm_first, batch_first):
    kw = dict(d_model=E, nhead=H, num_encoder_layers=2, num_decoder_layers=2,
              dim_feedforward=FF, dropout=0.0, batch_first=batch_first, norm_first=norm_first)
    t = torch.nn.Transformer(**kw).double()
    m = mt.nn.Transformer(**kw).double()
    assert repr(m) == repr(t)
    _same_weights(t, m)
    shapes = [(3, 6, E), (3, 4, E)] if batch_first else [(6, 3, E), (4, 3, E)]
    (src_t, tgt_t), (src_m, tgt_m) = _inputs(*shapes)
    skpm = np.zeros((3, 6), bool)
    skpm[2, 4:] = True
    tmask_t = t.generate_square_subsequent_mask(4, dtype=torch.float64)
    tmask_m = m.generate_square_subsequent_mask(4, dtype=mt.float64)
    _compare(t, m, (src_t, tgt_t), (src_m, tgt_m),
             dict(tgt_mask=tmask_t, src_key_padding_mask=torch.tensor(skpm),
                  memory_key_padding_mask=torch.tensor(skpm)),
             dict(tgt_mask=tmask_m, src_key_padding_mask=mt.tensor(skpm),
                  memory_key_padding_mask=mt.tensor(skpm)),
             grad_inputs=(0, 1))


def test_transformer_init_is_xavier_and_float32():
    mt.manual_seed(0)
    m = mt.nn.Transformer(d_model=16, nhead=4, num_encoder_layers=1, num_decoder_layers=1,
                          dim_feedforward=32)
    w = m.encoder.layers[0].linear1.weight.detach().numpy()       # (32, 16): xavier bound
    bound = np.sqrt(6.0 / (16 + 32))
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.8 * bound
    assert all(p.dtype == mt.float32 for p in m.parameters())
    y = m(mt.randn(5, 2, 16), mt.randn(3, 2, 16))
    assert y.dtype == mt.float32 and tuple(y.shape) == (3, 2, 16)


def _doubling_encoder(lib):
    class Doubling(lib.nn.Module):
        """A custom encoder: any module taking the encoder's keyword arguments."""

        def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
            return src * 2.0
    return Doubling()


def test_transformer_custom_encoder_decoder_and_callable_activation():
    dec_layer = mt.nn.TransformerDecoderLayer(E, H, FF, dropout=0.0,
                                              activation=mt.nn.functional.silu)
    dec = mt.nn.TransformerDecoder(dec_layer, 1)
    m = mt.nn.Transformer(d_model=E, nhead=H, custom_encoder=_doubling_encoder(mt),
                          custom_decoder=dec)
    assert isinstance(m.decoder, mt.nn.TransformerDecoder)
    tl = torch.nn.TransformerDecoderLayer(E, H, FF, dropout=0.0,
                                          activation=torch.nn.functional.silu)
    t = torch.nn.Transformer(d_model=E, nhead=H, custom_encoder=_doubling_encoder(torch),
                             custom_decoder=torch.nn.TransformerDecoder(tl, 1))
    _same_weights(t.double(), m.double())
    (src_t, tgt_t), (src_m, tgt_m) = _inputs((4, 2, E), (3, 2, E))
    _compare(t, m, (src_t, tgt_t), (src_m, tgt_m), grad_inputs=(0, 1))


def test_transformer_dropout_trains_and_eval_is_deterministic():
    m = mt.nn.Transformer(d_model=E, nhead=H, num_encoder_layers=1, num_decoder_layers=1,
                          dim_feedforward=FF, dropout=0.5)
    src, tgt = mt.randn(4, 2, E), mt.randn(3, 2, E)
    m.eval()
    np.testing.assert_array_equal(_np(m(src, tgt)), _np(m(src, tgt)))
    m.train()
    assert not np.allclose(_np(m(src, tgt)), _np(m(src, tgt)))


@pytest.mark.parametrize("call", [
    lambda lib, m: m(lib.randn(3, 2, E), lib.randn(4, 3, E)),
    lambda lib, m: m(lib.randn(3, 2, E), lib.randn(4, 2, E - 2)),
    lambda lib, m: m.decoder.layers[0](lib.randn(3, 2, E), lib.randn(4, 2, E),
                                       tgt_is_causal=True),
])
def test_errors_match_torch(call):
    t = torch.nn.Transformer(E, H, 1, 1, FF)
    m = mt.nn.Transformer(E, H, 1, 1, FF)
    with pytest.raises(RuntimeError) as et:
        call(torch, t)
    with pytest.raises(RuntimeError) as em:
        call(mt, m)
    assert str(em.value) == str(et.value)


def test_generate_square_subsequent_mask_matches_torch():
    for sz in (1, 4):
        np.testing.assert_array_equal(
            _np(mt.nn.Transformer.generate_square_subsequent_mask(sz)),
            _np(torch.nn.Transformer.generate_square_subsequent_mask(sz)))
    assert mt.nn.Transformer.generate_square_subsequent_mask(2).dtype == mt.float32


def test_decoder_state_dict_loads_into_torch():
    m = mt.nn.TransformerDecoder(mt.nn.TransformerDecoderLayer(E, H, FF), 2)
    t = torch.nn.TransformerDecoder(torch.nn.TransformerDecoderLayer(E, H, FF), 2)
    t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in m.state_dict().items()})
    np.testing.assert_array_equal(t.layers[1].multihead_attn.in_proj_weight.detach().numpy(),
                                  m.layers[1].multihead_attn.in_proj_weight.detach().numpy())
