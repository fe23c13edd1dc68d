"""MultiheadAttention (torch's parameters, layout, initialization and forward)."""
from __future__ import annotations

from .. import creation
from ..functional.attention import multi_head_attention_forward
from . import init
from .linear import Linear
from .module import Module
from .parameter import Parameter

__all__ = ["MultiheadAttention"]


class NonDynamicallyQuantizableLinear(Linear):
    """A Linear under another name: MultiheadAttention's out_proj, as in PyTorch (whose
    quantization tools treat it specially); it prints and saves as PyTorch's does."""


class MultiheadAttention(Module):
    """Multi-head attention: out = concat_h(softmax(q_h k_h^T / sqrt(hd) + mask) v_h) Wo^T
    + bo, with q, k, v the in-projections of query, key and value (hd = embed_dim /
    num_heads), as ``torch.nn.MultiheadAttention``.

    Parameters (torch's names and shapes): in_proj_weight (3E, E) with the q, k, v rows
    stacked, or q_proj_weight (E, E), k_proj_weight (E, kdim), v_proj_weight (E, vdim) when
    kdim or vdim differs from embed_dim; in_proj_bias (3E,); out_proj (Linear(E, E));
    bias_k, bias_v (1, 1, E) with add_bias_kv. Initialization: xavier_uniform_ on the
    projection weights, zero in_proj_bias and out_proj.bias, xavier_normal_ on bias_k/v.

    forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
    average_attn_weights=True, is_causal=False) -> (attn_output, attn_weights or None).
    Shapes (L, B, E) or (B, L, E) with batch_first, or unbatched (L, E). Masks: bool True
    = may NOT attend, float = added to the scores; attn_mask (L, S) or (B*num_heads, L, S),
    key_padding_mask (B, S). Dropout applies to the attention weights in training mode.

    Fully masked query rows give zero attention weights and out = out_proj.bias for that
    row (torch's need_weights=False result; torch's need_weights=True path gives NaN).
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
                 add_zero_attn=False, kdim=None, vdim=None, batch_first=False, device=None,
                 dtype=None):
        super().__init__()
        for name, val in (("embed_dim", embed_dim), ("num_heads", num_heads)):
            if isinstance(val, bool) or not isinstance(val, int) or val <= 0:
                raise ValueError(f"MultiheadAttention: embed_dim and num_heads must be "
                                 f"greater than 0, got {name}={val!r}")
        if embed_dim % num_heads != 0:
            raise ValueError(f"MultiheadAttention: embed_dim must be divisible by num_heads, "
                             f"got embed_dim={embed_dim} and num_heads={num_heads}")
        if isinstance(dropout, bool) or not 0.0 <= float(dropout) <= 1.0:
            raise ValueError(f"MultiheadAttention: dropout probability has to be between 0 "
                             f"and 1, but got {dropout}")
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = float(dropout)
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        kw = dict(device=device, dtype=dtype)
        if not self._qkv_same_embed_dim:
            self.q_proj_weight = Parameter(creation.empty((embed_dim, embed_dim), **kw))
            self.k_proj_weight = Parameter(creation.empty((embed_dim, self.kdim), **kw))
            self.v_proj_weight = Parameter(creation.empty((embed_dim, self.vdim), **kw))
            self.register_parameter("in_proj_weight", None)
        else:
            self.in_proj_weight = Parameter(creation.empty((3 * embed_dim, embed_dim), **kw))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(creation.empty(3 * embed_dim, **kw))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, **kw)
        if add_bias_kv:
            self.bias_k = Parameter(creation.empty((1, 1, embed_dim), **kw))
            self.bias_v = Parameter(creation.empty((1, 1, embed_dim), **kw))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True,
                attn_mask=None, average_attn_weights=True, is_causal=False):
        separate = not self._qkv_same_embed_dim
        return multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight,
            self.in_proj_bias, self.bias_k, self.bias_v, self.add_zero_attn, self.dropout,
            self.out_proj.weight, self.out_proj.bias, training=self.training,
            key_padding_mask=key_padding_mask, need_weights=need_weights,
            attn_mask=attn_mask, use_separate_proj_weight=separate,
            q_proj_weight=self.q_proj_weight, k_proj_weight=self.k_proj_weight,
            v_proj_weight=self.v_proj_weight, average_attn_weights=average_attn_weights,
            is_causal=is_causal, batch_first=self.batch_first)

    def extra_repr(self):
        return ""
