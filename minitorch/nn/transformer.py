"""The Transformer (PyTorch's Transformer, TransformerEncoderLayer, TransformerEncoder,
TransformerDecoderLayer, TransformerDecoder) and a sinusoidal positional encoding.

An encoder layer is self-attention followed by a two-layer feed-forward network, each
wrapped in a residual connection and a LayerNorm (Vaswani et al. 2017, Fig. 1 of
Xiong et al. 2020 for the two placements):

    post-norm (norm_first=False, the original):
        x = norm1(x + dropout1(self_attn(x, x, x)))
        x = norm2(x + dropout2(linear2(dropout(activation(linear1(x))))))
    pre-norm (norm_first=True):
        x = x + dropout1(self_attn(norm1(x), ...))
        x = x + dropout2(linear2(dropout(activation(linear1(norm2(x))))))

A decoder layer adds cross-attention over the encoder's output (`memory`) between the two:

    post-norm: x = norm1(x + dropout1(self_attn(x, x, x, tgt_mask)))
               x = norm2(x + dropout2(multihead_attn(x, memory, memory, memory_mask)))
               x = norm3(x + dropout3(ff(x)))
    pre-norm:  x = x + dropout1(self_attn(norm1(x), ...)); x = x + dropout2(
               multihead_attn(norm2(x), memory, ...)); x = x + dropout3(ff(norm3(x)))

nn.Transformer is an encoder (num_encoder_layers layers and a final LayerNorm) feeding a
decoder (num_decoder_layers layers and a final LayerNorm), every weight matrix
xavier_uniform_-initialized.

Submodules are named as in torch (self_attn, multihead_attn, linear1, dropout, linear2,
norm1..norm3, dropout1..dropout3; encoder.layers.N..., decoder.layers.N..., encoder.norm,
decoder.norm), so state_dicts load both ways. There is no Function here: every step
is an existing differentiable op, so gradients (and double backward) come from autograd.

Differences from torch:
- torch's inference fast paths (``torch._transformer_encoder_layer_fwd`` and, in
  TransformerEncoder with ``enable_nested_tensor``, nested tensors) are not implemented;
  minitorch always runs the plain composition above. ``enable_nested_tensor`` is accepted
  and ignored. The one visible consequence: in eval mode with a ``src_key_padding_mask``
  torch's nested-tensor path returns zeros at the padded positions (before the final
  ``norm``), while minitorch returns what the layers compute there (a padded position's
  query still attends to the unpadded keys, so its output is an ordinary value). Rows of
  padded positions are not meaningful in either framework; ignore or mask them.
- Masks are handed to MultiheadAttention as given, which canonicalizes them as torch
  does (bool: True = masked out; float: added to the scores).
"""
from __future__ import annotations

import copy
import math
import numbers

import numpy as np

from .. import backend
from .. import creation
from ..dtypes import float64
from ..functional.activation import gelu, relu
from ..tensor import Tensor
from .containers import ModuleList
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .normalization import LayerNorm

__all__ = ["Transformer", "TransformerEncoderLayer", "TransformerEncoder",
           "TransformerDecoderLayer", "TransformerDecoder", "PositionalEncoding"]


def _get_activation_fn(activation, cls="TransformerEncoderLayer"):
    """'relu' / 'gelu' -> the functional; a callable (function or Module) is kept."""
    if isinstance(activation, str):
        if activation == "relu":
            return relu
        if activation == "gelu":
            return gelu
        raise RuntimeError(f"activation should be relu/gelu, not {activation}")
    if not callable(activation):
        raise TypeError(f"{cls}: activation must be 'relu', 'gelu' or a callable, got "
                        f"{type(activation).__name__}")
    return activation


def _get_clones(module, n):
    """n independent deep copies of module, in a ModuleList."""
    return ModuleList([copy.deepcopy(module) for _ in range(n)])


def _get_seq_len(src, batch_first):
    """The sequence length of (S, E), (S, N, E) or (N, S, E) with batch_first."""
    if src.dim() == 2:
        return src.size(0)
    return src.size(1 if batch_first else 0)


def _check_positive_int(value, cls, arg):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{cls}: '{arg}' must be a positive int, got {value!r}")
    return int(value)


def _check_probability(p, cls):
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= p <= 1.0:
        raise ValueError(f"{cls}: 'dropout' must be a probability in [0, 1], got {p!r}")
    return float(p)


def _generate_square_subsequent_mask(sz, device=None, dtype=None):
    """The (sz, sz) causal mask of torch's Transformer.generate_square_subsequent_mask:
    -inf above the diagonal (query i may not see key j > i), 0 elsewhere."""
    return creation.full((sz, sz), float("-inf"), dtype=dtype, device=device).triu(1)


def _detect_is_causal_mask(mask, is_causal=None, size=None):
    """torch's rule: an explicit is_causal is returned as is; with is_causal None, the mask
    counts as causal when it equals the square subsequent mask of size `size` (a bool mask
    with True exactly above the diagonal, or a float one with -inf there and 0 elsewhere)."""
    if is_causal is not None or mask is None:
        return is_causal is True
    sz = size if size is not None else mask.shape[-2]
    if tuple(mask.shape) != (sz, sz):
        return False
    data = mask._data
    xp = backend.get_array_module(data)
    above = xp.triu(xp.ones((sz, sz), dtype=bool), 1)
    if data.dtype == bool:
        return bool(xp.all(data == above))
    return bool(xp.all(xp.where(above, data == -xp.inf, data == 0)))


class TransformerEncoderLayer(Module):
    """Self-attention and a feed-forward network (d_model -> dim_feedforward -> d_model),
    each with a residual connection, dropout and LayerNorm, as torch's
    nn.TransformerEncoderLayer (post-norm by default, pre-norm with norm_first=True; see
    the module docstring).

    Input (S, N, E), or (N, S, E) with batch_first, or unbatched (S, E); the output has the
    input's shape. forward(src, src_mask=None, src_key_padding_mask=None, is_causal=False):
    src_mask (S, S) or (N*nhead, S, S), bool (True = may not attend) or float (added to the
    scores); src_key_padding_mask (N, S) (True = padding); is_causal is a hint that
    src_mask is the causal mask (torch requires src_mask with it).

    Backward needs no code of its own: d/dx of x + f(x) is I + f'(x) (the residual path
    carries the gradient straight through), and LayerNorm, attention, Linear, the
    activation and dropout each supply their own derivative."""

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=relu,
                 layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True,
                 device=None, dtype=None):
        super().__init__()
        from . import attention as _attention   # MultiheadAttention lives there
        cls = "TransformerEncoderLayer"
        d_model = _check_positive_int(d_model, cls, "d_model")
        nhead = _check_positive_int(nhead, cls, "nhead")
        dim_feedforward = _check_positive_int(dim_feedforward, cls, "dim_feedforward")
        dropout = _check_probability(dropout, cls)
        kw = {"device": device, "dtype": dtype}
        self.self_attn = _attention.MultiheadAttention(d_model, nhead, dropout=dropout,
                                                       bias=bias, batch_first=batch_first,
                                                       **kw)
        # feed-forward network
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw)

        self.norm_first = bool(norm_first)
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = _get_activation_fn(activation)
        # torch's flag for its fast path (1: relu, 2: gelu, 0: other); kept for parity
        from .activation import GELU, ReLU
        if self.activation is relu or isinstance(self.activation, ReLU):
            self.activation_relu_or_gelu = 1
        elif self.activation is gelu or isinstance(self.activation, GELU):
            self.activation_relu_or_gelu = 2
        else:
            self.activation_relu_or_gelu = 0

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        if not isinstance(src, Tensor):
            raise TypeError(f"TransformerEncoderLayer.forward(): 'src' must be a Tensor, "
                            f"got {type(src).__name__}")
        d_model = self.linear1.in_features
        if src.ndim not in (2, 3) or src.shape[-1] != d_model:
            raise ValueError(f"TransformerEncoderLayer.forward(): 'src' must be (S, N, E), "
                             f"(N, S, E) with batch_first or (S, E), with E = d_model = "
                             f"{d_model}; got shape {tuple(src.shape)}")
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
            x = self.norm2(x + self._ff_block(x))
        return x

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal):
        """Self-attention (query = key = value = x) without the weights, then dropout1."""
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                           need_weights=False, is_causal=is_causal)[0]
        return self.dropout1(x)

    def _ff_block(self, x):
        """linear2(dropout(activation(linear1(x)))), then dropout2."""
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout2(x)


class TransformerEncoder(Module):
    """A stack of num_layers deep copies of encoder_layer (`layers`, a ModuleList, so the
    keys are layers.0.self_attn.in_proj_weight, ...) and an optional final `norm`.

    As in torch, every copy starts with the same weights as encoder_layer; re-initialize
    them if that matters. forward(src, mask=None, src_key_padding_mask=None,
    is_causal=None) runs the layers in turn with the same masks; is_causal=None detects a
    causal `mask` (torch's rule). `enable_nested_tensor` and `mask_check` are accepted
    for torch compatibility and ignored (they only drive torch's eval-mode nested-tensor
    fast path; see the module docstring for what that changes at padded positions)."""

    def __init__(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True,
                 mask_check=True):
        super().__init__()
        if not isinstance(encoder_layer, Module):
            raise TypeError(f"TransformerEncoder: 'encoder_layer' must be a Module, got "
                            f"{type(encoder_layer).__name__}")
        if isinstance(num_layers, bool) or not isinstance(num_layers, numbers.Integral) \
                or num_layers < 0:
            raise ValueError(f"TransformerEncoder: 'num_layers' must be a non-negative int, "
                             f"got {num_layers!r}")
        if norm is not None and not isinstance(norm, Module):
            raise TypeError(f"TransformerEncoder: 'norm' must be a Module or None, got "
                            f"{type(norm).__name__}")
        self.layers = ModuleList([copy.deepcopy(encoder_layer) for _ in range(num_layers)])
        self.num_layers = int(num_layers)
        self.norm = norm
        self.enable_nested_tensor = enable_nested_tensor
        self.use_nested_tensor = False      # never: no nested tensors in minitorch
        self.mask_check = mask_check

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        if not isinstance(src, Tensor):
            raise TypeError(f"TransformerEncoder.forward(): 'src' must be a Tensor, got "
                            f"{type(src).__name__}")
        seq_len = None
        if src.ndim == 2:
            seq_len = src.shape[0]
        elif src.ndim == 3 and len(self.layers):
            attn = getattr(self.layers[0], "self_attn", None)
            seq_len = src.shape[1 if getattr(attn, "batch_first", False) else 0]
        is_causal = _detect_is_causal_mask(mask, is_causal, seq_len)
        output = src
        for mod in self.layers:
            output = mod(output, src_mask=mask, is_causal=is_causal,
                         src_key_padding_mask=src_key_padding_mask)
        if self.norm is not None:
            output = self.norm(output)
        return output


class PositionalEncoding(Module):
    """Adds the sinusoidal position code of "Attention Is All You Need" (section 3.5) to
    the input, then applies dropout (not in torch; the PyTorch tutorial's module, with
    batch_first and odd d_model):

        pe[pos, 2i]   = sin(pos / 10000^(2i / d_model))
        pe[pos, 2i+1] = cos(pos / 10000^(2i / d_model))

    Input (S, N, d_model), (N, S, d_model) with batch_first, or (S, d_model); S may not
    exceed max_len. The table `pe` (max_len, d_model) is a non-persistent buffer: it
    follows .to() but is not in the state_dict (it is recomputed, never learned). It is
    computed and kept in float64 (or in `dtype` when given), so a float64 model gets the
    exact table; forward casts the rows it uses to the input's dtype, so float32 stays
    float32. The gradient is that of x + const: the identity (times the dropout mask)."""

    def __init__(self, d_model, max_len=5000, dropout=0.0, batch_first=False, device=None,
                 dtype=None):
        super().__init__()
        cls = "PositionalEncoding"
        self.d_model = _check_positive_int(d_model, cls, "d_model")
        self.max_len = _check_positive_int(max_len, cls, "max_len")
        self.batch_first = bool(batch_first)
        self.dropout = Dropout(_check_probability(dropout, cls))
        # the sinusoid table is built once on the host; creation.tensor(device=) moves it
        pos = np.arange(self.max_len, dtype=np.float64)[:, None]  # host: sinusoid table
        # 1 / 10000^(2i / d_model) for 2i = 0, 2, 4, ...
        inv_freq = np.exp(np.arange(0, self.d_model, 2, dtype=np.float64)  # host: sinusoid table
                          * (-math.log(10000.0) / self.d_model))
        pe = np.zeros((self.max_len, self.d_model), dtype=np.float64)  # host: sinusoid table
        pe[:, 0::2] = np.sin(pos * inv_freq)  # host: sinusoid table
        pe[:, 1::2] = np.cos(pos * inv_freq[: self.d_model // 2])   # host: table; odd d_model: 1 fewer
        self.register_buffer("pe", creation.tensor(pe, dtype=dtype or float64, device=device),
                             persistent=False)

    def forward(self, x):
        if not isinstance(x, Tensor):
            raise TypeError(f"PositionalEncoding.forward(): input must be a Tensor, got "
                            f"{type(x).__name__}")
        if x.ndim not in (2, 3) or x.shape[-1] != self.d_model:
            raise ValueError(f"PositionalEncoding.forward(): input must be (S, N, d_model), "
                             f"(N, S, d_model) with batch_first or (S, d_model), with "
                             f"d_model = {self.d_model}; got shape {tuple(x.shape)}")
        seq_dim = 1 if (self.batch_first and x.ndim == 3) else 0
        seq_len = x.shape[seq_dim]
        if seq_len > self.max_len:
            raise ValueError(f"PositionalEncoding.forward(): sequence length {seq_len} "
                             f"(dim {seq_dim} of input shape {tuple(x.shape)}) is longer "
                             f"than max_len = {self.max_len}; build the module with a larger "
                             "max_len")
        pe = self.pe[:seq_len]
        if pe.dtype != x.dtype:
            pe = pe.to(x.dtype)
        if x.ndim == 3 and not self.batch_first:
            pe = pe.unsqueeze(1)            # (S, 1, E) broadcasts over the batch
        return self.dropout(x + pe)

    def extra_repr(self):
        return (f"d_model={self.d_model}, max_len={self.max_len}, "
                f"batch_first={self.batch_first}")


# ============================================================================ decoder
def _check_tensor_arg(value, cls, arg, d_model):
    if not isinstance(value, Tensor):
        raise TypeError(f"{cls}.forward(): '{arg}' must be a Tensor, got "
                        f"{type(value).__name__}")
    if value.ndim not in (2, 3) or value.shape[-1] != d_model:
        raise ValueError(f"{cls}.forward(): '{arg}' must be (L, N, E), (N, L, E) with "
                         f"batch_first or (L, E), with E = d_model = {d_model}; got shape "
                         f"{tuple(value.shape)}")


class TransformerDecoderLayer(Module):
    """Self-attention over the target, cross-attention over the encoder's output
    (`memory`) and a feed-forward network, each with a residual connection, dropout and
    LayerNorm, as torch's nn.TransformerDecoderLayer (post-norm by default, pre-norm with
    norm_first=True; see the module docstring).

    forward(tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
    memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False):
    tgt (T, N, E) / memory (S, N, E) ((N, T, E), (N, S, E) with batch_first; or unbatched
    (T, E), (S, E)); tgt_mask (T, T) and memory_mask (T, S), bool (True = may not attend)
    or float (added to the scores); key padding masks (N, T) / (N, S), True = padding.
    The gradient comes from the ops composed (residuals, attention, LayerNorm, Linear)."""

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=relu,
                 layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True,
                 device=None, dtype=None):
        super().__init__()
        from . import attention as _attention
        cls = "TransformerDecoderLayer"
        d_model = _check_positive_int(d_model, cls, "d_model")
        nhead = _check_positive_int(nhead, cls, "nhead")
        dim_feedforward = _check_positive_int(dim_feedforward, cls, "dim_feedforward")
        dropout = _check_probability(dropout, cls)
        kw = {"device": device, "dtype": dtype}
        self.self_attn = _attention.MultiheadAttention(d_model, nhead, dropout=dropout,
                                                       batch_first=batch_first, bias=bias,
                                                       **kw)
        self.multihead_attn = _attention.MultiheadAttention(d_model, nhead, dropout=dropout,
                                                            batch_first=batch_first,
                                                            bias=bias, **kw)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw)
        self.norm_first = bool(norm_first)
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm3 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.dropout3 = Dropout(dropout)
        self.activation = _get_activation_fn(activation, cls)

    def __setstate__(self, state):
        state.setdefault("activation", relu)
        super().__setstate__(state)

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None,
                tgt_key_padding_mask=None, memory_key_padding_mask=None,
                tgt_is_causal=False, memory_is_causal=False):
        cls = "TransformerDecoderLayer"
        d_model = self.linear1.in_features
        _check_tensor_arg(tgt, cls, "tgt", d_model)
        _check_tensor_arg(memory, cls, "memory", d_model)
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask,
                                   tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask,
                                    memory_key_padding_mask, memory_is_causal)
            x = x + self._ff_block(self.norm3(x))
        else:
            x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask,
                                              tgt_is_causal))
            x = self.norm2(x + self._mha_block(x, memory, memory_mask,
                                               memory_key_padding_mask, memory_is_causal))
            x = self.norm3(x + self._ff_block(x))
        return x

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal=False):
        """Self-attention over the target, then dropout1."""
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                           is_causal=is_causal, need_weights=False)[0]
        return self.dropout1(x)

    def _mha_block(self, x, mem, attn_mask, key_padding_mask, is_causal=False):
        """Cross-attention: queries from the target, keys and values from memory; then
        dropout2."""
        x = self.multihead_attn(x, mem, mem, attn_mask=attn_mask,
                                key_padding_mask=key_padding_mask, is_causal=is_causal,
                                need_weights=False)[0]
        return self.dropout2(x)

    def _ff_block(self, x):
        """linear2(dropout(activation(linear1(x)))), then dropout3."""
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout3(x)


class TransformerDecoder(Module):
    """A stack of num_layers deep copies of decoder_layer (`layers`, keys
    layers.0.self_attn.in_proj_weight, ...) and an optional final `norm`, as torch's
    nn.TransformerDecoder. forward(tgt, memory, tgt_mask=None, memory_mask=None,
    tgt_key_padding_mask=None, memory_key_padding_mask=None, tgt_is_causal=None,
    memory_is_causal=False) runs the layers in turn with the same memory and masks;
    tgt_is_causal=None detects a causal tgt_mask (torch's rule)."""

    def __init__(self, decoder_layer, num_layers, norm=None):
        super().__init__()
        if not isinstance(decoder_layer, Module):
            raise TypeError(f"TransformerDecoder: 'decoder_layer' must be a Module, got "
                            f"{type(decoder_layer).__name__}")
        if isinstance(num_layers, bool) or not isinstance(num_layers, numbers.Integral) \
                or num_layers < 0:
            raise ValueError(f"TransformerDecoder: 'num_layers' must be a non-negative int, "
                             f"got {num_layers!r}")
        if norm is not None and not isinstance(norm, Module):
            raise TypeError(f"TransformerDecoder: 'norm' must be a Module or None, got "
                            f"{type(norm).__name__}")
        self.layers = _get_clones(decoder_layer, int(num_layers))
        self.num_layers = int(num_layers)
        self.norm = norm

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None,
                tgt_key_padding_mask=None, memory_key_padding_mask=None, tgt_is_causal=None,
                memory_is_causal=False):
        if not isinstance(tgt, Tensor):
            raise TypeError(f"TransformerDecoder.forward(): 'tgt' must be a Tensor, got "
                            f"{type(tgt).__name__}")
        seq_len = None
        if len(self.layers):
            attn = getattr(self.layers[0], "self_attn", None)
            seq_len = _get_seq_len(tgt, getattr(attn, "batch_first", False))
        tgt_is_causal = _detect_is_causal_mask(tgt_mask, tgt_is_causal, seq_len)
        output = tgt
        for mod in self.layers:
            output = mod(output, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                         tgt_key_padding_mask=tgt_key_padding_mask,
                         memory_key_padding_mask=memory_key_padding_mask,
                         tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)
        if self.norm is not None:
            output = self.norm(output)
        return output


class Transformer(Module):
    """The encoder-decoder Transformer of "Attention Is All You Need", as torch's
    nn.Transformer: `encoder` (TransformerEncoder of num_encoder_layers layers and a final
    LayerNorm, or custom_encoder) reads src; `decoder` (TransformerDecoder of
    num_decoder_layers layers and a final LayerNorm, or custom_decoder) reads tgt and the
    encoder's output. Every parameter with more than one dim is re-initialized with
    xavier_uniform_ (as torch).

    forward(src, tgt, src_mask=None, tgt_mask=None, memory_mask=None,
    src_key_padding_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None,
    src_is_causal=None, tgt_is_causal=None, memory_is_causal=False) -> (T, N, E) (or
    (N, T, E) with batch_first). ``Transformer.generate_square_subsequent_mask(sz)``
    gives the causal float mask for tgt_mask."""

    def __init__(self, d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6,
                 dim_feedforward=2048, dropout=0.1, activation=relu, custom_encoder=None,
                 custom_decoder=None, layer_norm_eps=1e-5, batch_first=False,
                 norm_first=False, bias=True, device=None, dtype=None):
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            encoder_layer = TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout,
                                                    activation, layer_norm_eps, batch_first,
                                                    norm_first, bias, **kw)
            encoder_norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
            self.encoder = TransformerEncoder(encoder_layer, num_encoder_layers, encoder_norm)
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            decoder_layer = TransformerDecoderLayer(d_model, nhead, dim_feedforward, dropout,
                                                    activation, layer_norm_eps, batch_first,
                                                    norm_first, bias, **kw)
            decoder_norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
            self.decoder = TransformerDecoder(decoder_layer, num_decoder_layers, decoder_norm)
        self._reset_parameters()
        self.d_model = d_model
        self.nhead = nhead
        self.batch_first = batch_first

    def forward(self, src, tgt, src_mask=None, tgt_mask=None, memory_mask=None,
                src_key_padding_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None,
                memory_is_causal=False):
        for name, t in (("src", src), ("tgt", tgt)):
            if not isinstance(t, Tensor):
                raise TypeError(f"Transformer.forward(): '{name}' must be a Tensor, got "
                                f"{type(t).__name__}")
        is_batched = src.dim() == 3
        if not self.batch_first and is_batched and src.size(1) != tgt.size(1):
            raise RuntimeError("the batch number of src and tgt must be equal")
        if self.batch_first and is_batched and src.size(0) != tgt.size(0):
            raise RuntimeError("the batch number of src and tgt must be equal")
        if src.size(-1) != self.d_model or tgt.size(-1) != self.d_model:
            raise RuntimeError("the feature number of src and tgt must be equal to d_model")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask,
                              is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask,
                            tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz, device=None, dtype=None):
        """The (sz, sz) causal mask: -inf above the diagonal, 0 elsewhere (float32 unless
        `dtype`)."""
        return _generate_square_subsequent_mask(sz, device=device, dtype=dtype)

    def _reset_parameters(self):
        from . import init
        for p in self.parameters():
            if p.dim() > 1:
                init.xavier_uniform_(p)
