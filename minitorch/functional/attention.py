"""scaled_dot_product_attention: softmax(Q K^T * scale + mask) V, as one fused Function.

Shapes: Q (..., L, E), K (..., S, E), V (..., S, Ev); out (..., L, Ev). The batch dims
broadcast (as torch's math path does through matmul). With s the scale (1/sqrt(E) by
default), M the additive mask (0 where a query may attend, -inf where it may not, or any
float values), and D the dropout mask (keep / (1 - p), or 1):

    S = Q K^T s + M              (..., L, S)   scores
    P = softmax(S) along the last dim          attention probabilities
    W = P * D                                  the weights that are applied
    O = W V                      (..., L, Ev)

Backward, with G = dL/dO (and G_W = dL/dW when the weights are an output too):

    dV = W^T G
    dW = G V^T (+ G_W)
    dP = dW * D
    dS = P * (dP - rowsum(dP * P))       softmax's derivative, row by row
    dQ = dS K s,    dK = dS^T Q s,    dM = dS (summed back to M's shape)

and rowsum(dP * P) = rowsum(dW * W) = rowsum(G * O) (+ rowsum(G_W * W)): the (L, Ev)
product replaces an (L, S) one.

Fully masked rows. A query row whose every key is masked (-inf) has no softmax; torch
2.13's SDPA returns zeros for it (output and gradients), while its MultiheadAttention with
need_weights=True gives NaN. minitorch always gives the zeros: P's row is 0, so O's row is
0, and dS's row (a multiple of P's) is 0, so no gradient flows from it.

The Function's backward has two faces: on raw arrays when the backward is not recorded
(the usual training step), and, under create_graph=True, with Tensor ops that recompute P
from Q, K and M through a differentiable safe softmax, so double backward works.
"""
from __future__ import annotations

import math

import numpy as np

from .. import backend
from ..autograd.function import Function
from ..autograd.grad_mode import STATE as _GRAD_MODE
from ..tensor import _make
from ._util import check_tensor, sum_to, broadcast_shapes, input_shape
from .dropout import _scaled_mask
from .linalg import matmul as _matmul
from .reduction import sum as _sum

_xp = backend.get_array_module

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]


# ============================================================================ helpers
def _safe_softmax_(s, masked):
    """softmax of `s` along the last dim, in place (s is a fresh array). With `masked`,
    rows that are all -inf give zeros instead of NaN (their max is replaced by 0, so every
    exp is 0, and their sum of 0 is replaced by 1)."""
    xp = _xp(s)
    if s.shape[-1] == 0:   # no keys: an empty softmax, and O = 0 (torch's result)
        return s
    m = s.max(axis=-1, keepdims=True)
    dead = None
    if masked:
        dead = m == -np.inf
        if dead.any():
            m[dead] = 0
        else:
            dead = None
    s -= m
    xp.exp(s, out=s)
    den = s.sum(axis=-1, keepdims=True)
    if dead is not None:
        den[dead] = 1
    s *= 1 / den
    return s


def _sum_to_array(a, shape):
    """Sum an array gradient back to the `shape` it was broadcast from."""
    if a.shape == tuple(shape):
        return a
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape)
                                      if n == 1 and a.shape[lead + i] != 1)
    return a.sum(axis=axes, keepdims=True).reshape(shape)


class _SafeSoftmax(Function):
    """P = softmax(S) along the last dim, rows that are all -inf giving 0;
    dS = P * (G - rowsum(G * P)) (0 on those rows, since P is). Used by the recorded face
    of SDPA's backward, so that P is a differentiable function of Q, K and M."""

    @staticmethod
    def forward(ctx, s):
        p = _safe_softmax_(s.copy(), True)
        ctx.save_for_backward(p)
        return p

    @staticmethod
    def backward(ctx, g):
        p, = ctx.saved_tensors
        return p * (g - _sum(g * p, dim=-1, keepdim=True))


# ============================================================================ SDPA
class ScaledDotProductAttention(Function):
    """O = (softmax(Q K^T s + M) * D) V; see the module docstring for the derivatives.

    forward(q, k, v, mask, scale, drop, want_weights): `mask` is an additive float array
    or Tensor (None for none), `drop` the scaled keep mask (None for none). Returns O, or
    (O, W) with `want_weights`.

    How the arrays are computed (fewer passes over the (L, S) scores than the textbook):

    * softmax is shift-invariant, so any row constant c_i >= max_j S_ij works in place of
      the row maximum. c_i = s |q_i| max_j |k_j| (+ the row's largest positive mask value)
      bounds the row by Cauchy-Schwarz and costs O(L E). It is folded into the product:
      [Q s, -c] [K, 1]^T = Q K^T s - c, so E = exp(S - c) needs no max and no subtraction
      pass. Rows where the bound was so loose that their sum underflows (den below
      2^40 * tiny) are recomputed with the exact maximum, so no precision is lost.
    * P = E / den is not formed (unless the weights are returned): O = (E V) / den is a
      row scaling of the small (L, Ev) result. In backward dS = diag(1/den) (E * (dP - r)),
      and the row scaling moves onto the small operands: dQ = (T K) s / den,
      dK = T^T (Q s / den), dV = E^T (G / den), with T = E * (dP - r).
    * dP - r = [G, -r] [V, 1]^T, one product (without dropout or weight gradient).

    A fully masked row has den = 0; 1/den is replaced by 0, so its P, O and dS are 0.
    """

    @staticmethod
    def forward(ctx, q, k, v, mask, scale, drop, want_weights):
        xp = _xp(q)
        dt = q.dtype
        batch = broadcast_shapes(broadcast_shapes(q.shape[:-2], k.shape[:-2], _FN),
                                 v.shape[:-2], _FN)
        L, S, Ev = q.shape[-2], k.shape[-2], v.shape[-1]
        if S == 0:      # no keys: O = 0 (torch's result), nothing to differentiate
            return _no_keys(ctx, q, v, batch, mask, want_weights)
        # c_i >= every score of row i (see the class docstring)
        # (einsum reads the strided head views of MultiheadAttention faster than k * k)
        kmax = xp.sqrt(xp.einsum("...i,...i->...", k, k).max(axis=-1))    # (kb...)
        c = xp.sqrt(xp.einsum("...i,...i->...", q, q))                     # (qb..., L)
        c = c * (kmax[..., None] * scale)
        if mask is not None and mask.size and mask.max() > 0:
            c = c + xp.maximum(mask.max(axis=-1), 0)
        qa = xp.empty(batch + (L, q.shape[-1] + 1), dtype=dt)
        xp.multiply(q, scale, out=qa[..., :-1])
        xp.negative(c, out=qa[..., -1])
        ka = xp.empty(k.shape[:-1] + (k.shape[-1] + 1,), dtype=dt)
        xp.copyto(ka[..., :-1], k)
        ka[..., -1] = 1
        kat = _transposed_copy(ka)         # [K, 1]^T: the right operand of Q K^T
        va = xp.empty(v.shape[:-1] + (Ev + 1,), dtype=dt)
        xp.copyto(va[..., :-1], v)
        va[..., -1] = 1
        e = xp.empty(batch + (L, S), dtype=dt)
        den = xp.empty(batch + (L, 1), dtype=dt)
        out = xp.empty(batch + (L, Ev), dtype=dt)
        kb, vb, ktb = _bcast(ka, batch), _bcast(va, batch), _bcast(kat, batch)
        mb = None if mask is None else xp.broadcast_to(mask, batch + (L, S))
        qb = _bcast(q, batch)

        def block(sl):                     # a block of batch entries at a time: cache
            eb = e[sl]
            xp.matmul(qa[sl], ktb[sl], out=eb)                            # Q K^T s - c
            if mb is not None:
                eb += mb[sl]
            xp.exp(eb, out=eb)
            db = den[sl]
            eb.sum(axis=-1, keepdims=True, out=db)
            _exact_rows(eb, db, qb[sl], kb[sl][..., :-1], None if mb is None else mb[sl],
                        scale)
            if drop is not None:
                eb = eb * drop[sl]
            xp.matmul(eb, vb[sl][..., :-1], out=out[sl])
        _run_blocks(block, _chunks(batch, L * S), xp)
        dead = den == 0
        if dead.any():                                   # fully masked rows
            den[dead] = 1
        inv = 1 / den
        if dead.any():
            inv[dead] = 0
        out *= inv
        eu = e if drop is None else e * drop if want_weights else None
        ctx.scale = scale
        ctx.mshape = None if mask is None else mask.shape
        ctx.inv = inv
        ctx.save_for_backward(q, k, v, mask, e, drop, qa, ka, va, out)
        if want_weights:
            return out, eu * inv
        return out

    @staticmethod
    def backward(ctx, g, gw=None):
        if getattr(ctx, "empty", False):
            return tuple(None if not n else _make(_xp(g._data).zeros(input_shape(ctx, i),
                                                                     dtype=g._data.dtype))
                         for i, n in enumerate(ctx.needs_input_grad[:4]))
        q, k, v, mask, e, drop, qa, ka, va, out = ctx.saved_tensors
        nq, nk, nv, nm = ctx.needs_input_grad[:4]
        if not _GRAD_MODE.enabled:
            return _backward_arrays(ctx, g._data, None if gw is None else gw._data, q._data,
                                    k._data, v._data, e._data,
                                    None if drop is None else drop._data, qa._data, ka._data,
                                    va._data, out._data, nq, nk, nv, nm)
        return _backward_tensors(ctx, g, gw, q, k, v, mask, drop, nq, nk, nv, nm)


def _no_keys(ctx, q, v, batch, mask, want_weights):
    xp = _xp(q)
    L, Ev = q.shape[-2], v.shape[-1]
    ctx.empty = True
    out = xp.zeros(batch + (L, Ev), dtype=q.dtype)
    if want_weights:
        return out, xp.zeros(batch + (L, 0), dtype=q.dtype)
    return out


def _transposed_copy(a):
    """a with its last two axes swapped, C-contiguous. NumPy's stacked matmul runs about 2x
    slower when its right operand is a transposed view (small (128, 33) heads), so the
    products A B^T get B^T copied once (the copy costs a tenth of what it saves)."""
    return _xp(a).ascontiguousarray(_xp(a).swapaxes(a, -1, -2))


def _bcast(a, batch):
    """`a` viewed with the full batch dims (no copy)."""
    shape = tuple(batch) + a.shape[-2:]
    return a if a.shape == shape else _xp(a).broadcast_to(a, shape)


# score elements per block of batch entries: 512 KiB of float32, which stays in L2 cache
CHUNK_ELEMENTS = 1 << 17


def _chunks(batch, per_entry):
    """Slices of the first batch dim covering about CHUNK_ELEMENTS score elements each
    (the (L, S) blocks of one slice stay in cache between the passes over them)."""
    target = CHUNK_ELEMENTS
    if not batch or batch[0] <= 1:
        return [Ellipsis]
    inner = per_entry
    for d in batch[1:]:
        inner *= d
    n = max(1, target // max(inner, 1))
    if n >= batch[0]:
        return [Ellipsis]
    return [slice(i, i + n) for i in range(0, batch[0], n)]


def _run_blocks(block, slices, xp):
    """block(sl) for every slice, in order. (A thread pool over the blocks was tried: with
    NumPy's per-call overhead and OpenBLAS's own threads it did not pay on 2 cores.)"""
    for sl in slices:
        block(sl)


def _exact_rows(e, den, q, k, mask, scale):
    """Recompute, with the exact row maximum, the rows of E = exp(S - c) whose sum fell
    below 2^40 * tiny (the bound c was far above the row's maximum, or the row is fully
    masked). Fully masked rows (all -inf) are left at E = 0, den = 0. All arrays have the
    same batch dims here (broadcast views)."""
    xp = _xp(e)
    fi = np.finfo(e.dtype)
    low = den[..., 0] < fi.tiny * 2.0 ** 40
    if not low.any():
        return
    idx = xp.nonzero(low)
    mrows = None
    if mask is not None:
        mrows = mask[idx]                                            # (n, S)
        live = ~xp.isneginf(mrows).all(axis=-1)
        if not live.all():
            idx = tuple(i[live] for i in idx)
            mrows = mrows[live]
            if idx[0].size == 0:
                return
    qr = q[idx]                                                      # (n, E)
    kr = k[idx[:-1]]                                                 # (n, S, E)
    s = xp.matmul(kr, qr[..., None])[..., 0] * scale                 # (n, S)
    if mrows is not None:
        s = s + mrows
    m = s.max(axis=-1, keepdims=True)
    m[m == -np.inf] = 0
    er = xp.exp(s - m)
    e[idx] = er
    den[idx] = er.sum(axis=-1, keepdims=True)


def _backward_arrays(ctx, g, gw, q, k, v, e, drop, qa, ka, va, out, nq, nk, nv, nm):
    """The gradients on arrays (nothing recorded): see the class docstring; T stands for
    E * (dP - r), so that dS = T / den. The contiguous copies made by forward ([Q s, -c],
    [K, 1], [V, 1]) serve the products here too (BLAS on strided head views is slower),
    and G is copied once into [G, -r]. Blocks of batch entries are done one at a time,
    so that T stays in cache between the passes over it."""
    xp = _xp(g)
    dt = g.dtype
    scale = ctx.scale
    inv = ctx.inv
    batch = e.shape[:-2]
    if gw is not None and not gw.any():
        gw = None     # weights returned but unused: the engine's zeros, four passes saved
    L, S = e.shape[-2:]
    ga = xp.empty(batch + (L, g.shape[-1] + 1), dtype=dt)
    xp.copyto(ga[..., :-1], g)
    g = ga[..., :-1]
    r = xp.einsum("...i,...i->...", g, out)[..., None]           # rowsum(dP * P)
    if gw is not None:
        w = e * inv if drop is None else e * drop * inv
        r = r + (gw * w).sum(axis=-1, keepdims=True)
    xp.negative(r, out=ga[..., -1:])
    gi = ga[..., :-1] * inv                                      # G / den
    qi = qa[..., :-1] * inv                                      # Q s / den
    kb, vtb = _bcast(ka, batch), _bcast(_transposed_copy(va), batch)   # [V, 1]^T
    gq = xp.empty(batch + (L, q.shape[-1]), dtype=dt) if nq else None
    gk = xp.empty(batch + (S, k.shape[-1]), dtype=dt) if nk else None
    gv = xp.empty(batch + (S, v.shape[-1]), dtype=dt) if nv else None
    gm = xp.empty(batch + (L, S), dtype=dt) if nm else None
    simple = gw is None and drop is None

    def block(sl):
        eb = e[sl]
        eu = eb if drop is None else eb * drop[sl]
        if nv:                                                   # dV = (E D)^T (G / den)
            xp.matmul(xp.swapaxes(eu, -1, -2), gi[sl], out=gv[sl])
        if not (nq or nk or nm):
            return
        if simple:
            t = xp.matmul(ga[sl], vtb[sl])                       # G V^T - r
        else:
            t = xp.matmul(ga[sl][..., :-1], vtb[sl][..., :-1, :])
            if gw is not None:
                t += gw[sl]                                      # dW = G V^T + G_W
            if drop is not None:
                t *= drop[sl]                                    # dP = dW * D
            t += ga[sl][..., -1:]                                # - r
        t *= eb                                                  # T = E (dP - r)
        if nq:
            xp.matmul(t, kb[sl][..., :-1], out=gq[sl])
        if nk:                                                   # dK = T^T (Q s / den)
            xp.matmul(xp.swapaxes(t, -1, -2), qi[sl], out=gk[sl])
        if nm:                                                   # dM = T / den
            xp.multiply(t, inv[sl], out=gm[sl])
    _run_blocks(block, _chunks(batch, L * S), xp)
    if nq:                                                       # dQ = T K s / den
        gq *= inv * scale
        gq = _make(_sum_to_array(gq, q.shape))
    if nk:
        gk = _make(_sum_to_array(gk, k.shape))
    if nv:
        gv = _make(_sum_to_array(gv, v.shape))
    if nm:
        gm = _make(_sum_to_array(gm, ctx.mshape))
    return gq, gk, gv, gm


def _backward_tensors(ctx, g, gw, q, k, v, mask, drop, nq, nk, nv, nm):
    """The same gradients with Tensor ops (recorded under create_graph=True). P is
    recomputed from Q, K and M through _SafeSoftmax, so it carries their graph."""
    scale = ctx.scale
    s = _matmul(q, k.mT) * scale
    if mask is not None:
        s = s + mask
    p = _SafeSoftmax.apply(s)
    w = p if drop is None else p * drop
    gq = gk = gv = gm = None
    if nv:
        gv = sum_to(_matmul(w.mT, g), v._data.shape)
    if nq or nk or nm:
        dw = _matmul(g, v.mT)
        if gw is not None:
            dw = dw + gw
        dp = dw if drop is None else dw * drop
        ds = p * (dp - _sum(dp * p, dim=-1, keepdim=True))
        if nq:
            gq = sum_to(_matmul(ds, k) * scale, q._data.shape)
        if nk:
            gk = sum_to(_matmul(ds.mT, q) * scale, k._data.shape)
        if nm:
            gm = sum_to(ds, ctx.mshape)
    return gq, gk, gv, gm


# ============================================================================ the API
_FN = "scaled_dot_product_attention"


def _check_inputs(query, key, value, check_batch=True):
    for name, t in (("query", query), ("key", key), ("value", value)):
        check_tensor(t, _FN, name)
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2:
        raise RuntimeError(f"{_FN}(): expected query, key, and value to all be at least 2 "
                           f"dimensional, but got query.dim: {query.ndim} key.dim: {key.ndim} "
                           f"and value.dim: {value.ndim} instead")
    dq, dk, dv = query._data.dtype, key._data.dtype, value._data.dtype
    if not (dq == dk == dv):
        raise RuntimeError(f"{_FN}(): expected query, key, and value to have the same dtype, "
                           f"but got query.dtype: {query.dtype} key.dtype: {key.dtype} and "
                           f"value.dtype: {value.dtype} instead")
    if dq.kind != "f":
        raise RuntimeError(f"{_FN}(): expected floating point query, key and value, got "
                           f"{query.dtype}")
    qs, ks, vs = query._data.shape, key._data.shape, value._data.shape
    if qs[-1] != ks[-1]:
        raise RuntimeError(f"{_FN}(): query and key must have the same embedding size (last "
                           f"dim), got query {qs} and key {ks}")
    if ks[-2] != vs[-2]:
        raise RuntimeError(f"{_FN}(): key and value must have the same sequence length "
                           f"(dim -2), got key {ks} and value {vs}")
    if not check_batch:
        return None
    batch = broadcast_shapes(qs[:-2], ks[:-2], _FN)
    return broadcast_shapes(batch, vs[:-2], _FN)


def _additive_mask(attn_mask, query, scores_shape):
    """attn_mask as an additive float (a constant array for a bool mask, the Tensor itself
    for a float one), checked against the shape of the scores."""
    check_tensor(attn_mask, _FN, "attn_mask")
    md = attn_mask._data.dtype
    qd = query._data.dtype
    if md != np.bool_ and md != qd:
        raise RuntimeError(f"{_FN}(): expected attn_mask dtype to be bool or to match query "
                           f"dtype, but got attn_mask.dtype: {attn_mask.dtype} and "
                           f"query.dtype: {query.dtype} instead")
    ms = attn_mask._data.shape
    ok = len(ms) <= len(scores_shape) and all(
        m == n or m == 1 for m, n in zip(ms[::-1], scores_shape[::-1]))
    if not ok:
        raise RuntimeError(f"{_FN}(): attn_mask of shape {ms} does not broadcast to the shape "
                           f"of the attention scores {scores_shape} (batch..., L, S)")
    if md == np.bool_:
        xp = _xp(attn_mask._data)
        return xp.where(attn_mask._data, qd.type(0), qd.type(-np.inf))
    return attn_mask


def _causal_mask(query, L, S):
    xp = _xp(query._data)
    dt = query._data.dtype
    return xp.where(xp.tri(L, S, dtype=bool), dt.type(0), dt.type(-np.inf))


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    """softmax(query @ key^T * scale + mask) @ value, as
    ``torch.nn.functional.scaled_dot_product_attention``.

    query (..., L, E), key (..., S, E), value (..., S, Ev) -> (..., L, Ev); the batch dims
    broadcast. attn_mask: bool (True = may attend) or float (added to the scores), of a
    shape that broadcasts to (..., L, S). is_causal: query i attends to keys 0..i (a
    top-left aligned lower triangle); it excludes attn_mask. scale defaults to 1/sqrt(E).
    dropout_p > 0 drops attention weights (always, as torch does: pass 0 in eval), with
    minitorch's generator. enable_gqa: key/value with fewer heads (dim -3) than query, each
    serving num_q_heads / num_kv_heads query heads. Fully masked query rows give zeros.
    """
    batch = _check_inputs(query, key, value, check_batch=not enable_gqa)
    if isinstance(dropout_p, bool) or not isinstance(dropout_p, (int, float, np.integer,
                                                                 np.floating)):
        raise TypeError(f"{_FN}(): argument 'dropout_p' must be a number, got "
                        f"{type(dropout_p).__name__}")
    dropout_p = float(dropout_p)
    if not 0.0 <= dropout_p <= 1.0:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got "
                           f"{dropout_p}")
    if attn_mask is not None and is_causal:
        raise RuntimeError(f"{_FN}(): explicit attn_mask should not be set when "
                           "is_causal=True")
    E = query._data.shape[-1]
    L = query._data.shape[-2]
    S = key._data.shape[-2]
    scale = 1.0 / math.sqrt(E) if scale is None else float(scale)

    if enable_gqa:
        return _gqa(query, key, value, attn_mask, dropout_p, is_causal, scale)

    scores_shape = tuple(batch) + (L, S)
    mask = None
    if attn_mask is not None:
        mask = _additive_mask(attn_mask, query, scores_shape)
    elif is_causal:
        mask = _causal_mask(query, L, S)
    drop = None
    if dropout_p > 0.0:
        drop = _scaled_mask(query, dropout_p, shape=scores_shape)
    return ScaledDotProductAttention.apply(query, key, value, mask, scale, drop, False)


def _gqa(query, key, value, attn_mask, dropout_p, is_causal, scale):
    """Grouped-query attention: query (..., Hq, L, E), key/value (..., H, S, *) with H
    dividing Hq; query head h uses key/value head h // (Hq / H). Done by viewing the query
    as (..., H, Hq/H, L, E) and the key/value as (..., H, 1, S, *), so they broadcast."""
    if query.ndim < 3 or key.ndim < 3 or value.ndim < 3:
        raise RuntimeError(f"{_FN}(): enable_gqa=True needs query, key and value with a head "
                           f"dim (-3), got shapes {tuple(query.shape)}, {tuple(key.shape)}, "
                           f"{tuple(value.shape)}")
    hq, hk, hv = query.shape[-3], key.shape[-3], value.shape[-3]
    if hk != hv or hk == 0 or hq % hk != 0:
        raise RuntimeError(f"{_FN}(): number of heads in key and value must divide the number "
                           f"of heads in query, got query {hq}, key {hk}, value {hv} heads")
    grp = hq // hk
    L = query.shape[-2]
    q5 = query.reshape(*query.shape[:-3], hk, grp, L, query.shape[-1])
    k5 = key.unsqueeze(-3)
    v5 = value.unsqueeze(-3)
    m5 = None
    if attn_mask is not None:
        check_tensor(attn_mask, _FN, "attn_mask")
        m = attn_mask
        while m.ndim < 3:
            m = m.unsqueeze(0)
        mh = m.shape[-3]
        if mh == hq:
            m5 = m.reshape(*m.shape[:-3], hk, grp, m.shape[-2], m.shape[-1])
        elif mh == 1:
            m5 = m.unsqueeze(-3)
        else:
            raise RuntimeError(f"{_FN}(): attn_mask of shape {tuple(attn_mask.shape)} does "
                               f"not broadcast over {hq} query heads")
    out = scaled_dot_product_attention(q5, k5, v5, m5, dropout_p, is_causal, scale)
    return out.reshape(*out.shape[:-4], hq, L, out.shape[-1])


# ============================================================================ MHA
class _SplitHeads(Function):
    """The packed self-attention projection (L, B, 3E) (or (B, L, 3E) batch first) viewed
    as q, k, v of shape (B, H, L, hd) each: a reshape to (L, B, 3, H, hd) and a permutation,
    no copy. The gradient is the inverse: the three (B, H, L, hd) gradients written into one
    (L, B, 3E) array (stack, permute back, reshape)."""
    is_view = True

    @staticmethod
    def forward(ctx, qkv, heads, batch_first):
        a, b, e3 = qkv.shape
        hd = e3 // (3 * heads)
        axes = (2, 0, 3, 1, 4) if batch_first else (2, 1, 3, 0, 4)
        t = qkv.reshape(a, b, 3, heads, hd).transpose(axes)
        ctx.axes = axes
        ctx.heads = heads
        ctx.shape5 = (a, b, 3, heads, hd)
        return t[0], t[1], t[2]

    @staticmethod
    def backward(ctx, gq, gk, gv):
        a, b, _, heads, hd = ctx.shape5
        axes = ctx.axes
        if not _GRAD_MODE.enabled:
            xp = _xp(gq._data)
            g = xp.empty(ctx.shape5, dtype=gq._data.dtype)
            view = g.transpose(axes)
            view[0] = gq._data
            view[1] = gk._data
            view[2] = gv._data
            return _make(g.reshape(a, b, 3 * heads * hd))
        from .shape import stack
        inv = tuple(int(i) for i in np.argsort(axes))  # host: Python axes tuple
        g = stack([gq, gk, gv]).permute(*inv)
        return g.reshape(a, b, 3 * heads * hd)


def _merge_heads(o, batch_first):
    """(B, H, L, hd) -> (L, B, E), or (B, L, E) batch first."""
    B, H, L, hd = o.shape
    if batch_first:
        return o.permute(0, 2, 1, 3).reshape(B, L, H * hd)
    return o.permute(2, 0, 1, 3).reshape(L, B, H * hd)


def _split_heads(x, heads, batch_first):
    """(L, B, E) (or (B, L, E) batch first) -> (B, H, L, hd), a view when it can be."""
    a, b, e = x.shape
    hd = e // heads
    if batch_first:
        return x.reshape(a, b, heads, hd).permute(0, 2, 1, 3)
    return x.reshape(a, b, heads, hd).permute(1, 2, 0, 3)


_MHA = "multi_head_attention_forward"


def _mask_as_float(mask, name, dtype):
    """A MultiheadAttention mask as an additive float Tensor: bool True (= masked) -> -inf,
    a constant; a float mask is cast to the query's dtype and kept (differentiable)."""
    check_tensor(mask, _MHA, name)
    md = mask._data.dtype
    if md == np.bool_:
        xp = _xp(mask._data)
        return _make(xp.where(mask._data, dtype.type(-np.inf), dtype.type(0)))
    if md.kind != "f":
        raise RuntimeError(f"{_MHA}(): only bool and floating types of {name} are supported, "
                           f"got {mask.dtype}")
    from ._util import cast
    return cast(mask, dtype)


def _pad_last(m, n_zero_cols):
    """Append zero columns (= may attend) to a float mask along its last dim."""
    from .shape import pad
    return pad(m, (0, n_zero_cols))


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads,
                                 in_proj_weight, in_proj_bias, bias_k, bias_v, add_zero_attn,
                                 dropout_p, out_proj_weight, out_proj_bias, training=True,
                                 key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None,
                                 k_proj_weight=None, v_proj_weight=None, static_k=None,
                                 static_v=None, average_attn_weights=True, is_causal=False,
                                 batch_first=False):
    """Multi-head attention, as ``torch.nn.functional.multi_head_attention_forward``.

    query (L, B, E), key (S, B, kdim), value (S, B, vdim), or unbatched (L, E), (S, kdim),
    (S, vdim); with the minitorch-only `batch_first=True`, (B, L, E) etc. (no transposes
    are made). Per head h (hd = E / num_heads):

        q = query Wq^T + bq,  k = key Wk^T + bk,  v = value Wv^T + bv   (in-projection)
        O_h = softmax(q_h k_h^T / sqrt(hd) + mask) v_h                  (fused SDPA)
        out = concat_h(O_h) Wo^T + bo                                   (out-projection)

    Masks: bool True = may NOT attend (the opposite of SDPA's), float = added.
    attn_mask (L, S) or (B * num_heads, L, S); key_padding_mask (B, S). Returns
    (out, weights) with weights (B, L, S) averaged over heads, (B, num_heads, L, S) with
    average_attn_weights=False, or None with need_weights=False. Fully masked rows give
    zero weights and a zero attention output (so out = bo); torch gives NaN on its
    need_weights=True path and these zeros on its need_weights=False path.
    static_k / static_v are not supported.
    """
    for name, t in (("query", query), ("key", key), ("value", value)):
        check_tensor(t, _MHA, name)
    if static_k is not None or static_v is not None:
        raise NotImplementedError(f"{_MHA}(): static_k / static_v are not supported")
    nd = query.ndim
    if nd not in (2, 3):
        raise RuntimeError(f"{_MHA}(): query should be unbatched 2D or batched 3D tensor but "
                           f"received {nd}-D query tensor")
    if key.ndim != nd or value.ndim != nd:
        raise RuntimeError(f"{_MHA}(): for a {nd}-D query, expected {nd}-D key and value, but "
                           f"found {key.ndim}-D and {value.ndim}-D tensors")
    batched = nd == 3
    if key_padding_mask is not None:
        check_tensor(key_padding_mask, _MHA, "key_padding_mask")
        if key_padding_mask.ndim != nd - 1:
            raise RuntimeError(f"{_MHA}(): for a {nd}-D query, expected key_padding_mask to be "
                               f"{nd - 1}-D, but got shape {tuple(key_padding_mask.shape)}")
    if attn_mask is not None:
        check_tensor(attn_mask, _MHA, "attn_mask")
        if attn_mask.ndim not in (2, 3):
            raise RuntimeError(f"{_MHA}(): expected attn_mask to be None, 2-D or 3-D, but "
                               f"got shape {tuple(attn_mask.shape)}")
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the "
                           "Transformer module method `generate_square_subsequent_mask` to "
                           "create this mask.")
    same = query is key and key is value
    if not batched:
        bf = False
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if same:
            key = value = query
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    else:
        bf = bool(batch_first)
    if bf:
        B, L, E = query.shape
        S = key.shape[1]
    else:
        L, B, E = query.shape
        S = key.shape[0]
    dtype = query._data.dtype
    if E != embed_dim_to_check:
        raise RuntimeError(f"{_MHA}(): was expecting embedding dimension of "
                           f"{embed_dim_to_check}, but got {E}")
    H = num_heads
    hd = E // H
    if hd * H != E:
        raise RuntimeError(f"{_MHA}(): embed_dim {E} not divisible by num_heads {H}")
    sb = key.shape[:2]
    if value.shape[:2] != sb or (not use_separate_proj_weight and key.shape != value.shape):
        raise RuntimeError(f"{_MHA}(): key shape {tuple(key.shape)} does not match value "
                           f"shape {tuple(value.shape)}")
    if (key.shape[0] if bf else key.shape[1]) != B:
        raise RuntimeError(f"{_MHA}(): query and key must have the same batch size, got "
                           f"query {tuple(query.shape)} and key {tuple(key.shape)}")

    # ---- masks (float, additive; checked against (L, S) before bias_k / zero_attn)
    if attn_mask is not None:
        want = (L, S) if attn_mask.ndim == 2 else (B * H, L, S)
        if tuple(attn_mask.shape) != want:
            raise RuntimeError(f"{_MHA}(): the shape of the {attn_mask.ndim}D attn_mask is "
                               f"{tuple(attn_mask.shape)}, but should be {want}")
        attn_mask = _mask_as_float(attn_mask, "attn_mask", dtype)
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (B, S):
            raise RuntimeError(f"{_MHA}(): expecting key_padding_mask shape of {(B, S)} "
                               f"(batch, source length), but got "
                               f"{tuple(key_padding_mask.shape)}")
        key_padding_mask = _mask_as_float(key_padding_mask, "key_padding_mask", dtype)

    # ---- in-projection
    from .linear import linear
    extra = (bias_k is not None) or add_zero_attn
    packed = same and not use_separate_proj_weight and not extra
    if packed:
        q, k, v = _SplitHeads.apply(linear(query, in_proj_weight, in_proj_bias), H, bf)
    else:
        if use_separate_proj_weight:
            wq, wk, wv = q_proj_weight, k_proj_weight, v_proj_weight
        else:
            wq, wk, wv = in_proj_weight[:E], in_proj_weight[E:2 * E], in_proj_weight[2 * E:]
        if in_proj_bias is None:
            bq = bk = bv = None
        else:
            bq, bk, bv = in_proj_bias[:E], in_proj_bias[E:2 * E], in_proj_bias[2 * E:]
        q = linear(query, wq, bq)
        k = linear(key, wk, bk)
        v = linear(value, wv, bv)
        seq = 1 if bf else 0
        from .shape import cat
        if bias_k is not None or bias_v is not None:
            if bias_k is None or bias_v is None:
                raise RuntimeError(f"{_MHA}(): bias_k and bias_v must be given together")
            shape = (B, 1, E) if bf else (1, B, E)
            k = cat([k, bias_k.reshape(1, 1, E).expand(*shape)], seq)
            v = cat([v, bias_v.reshape(1, 1, E).expand(*shape)], seq)
            attn_mask = None if attn_mask is None else _pad_last(attn_mask, 1)
            key_padding_mask = (None if key_padding_mask is None
                                else _pad_last(key_padding_mask, 1))
            S += 1
        if add_zero_attn:
            from ..creation import zeros
            shape = (B, 1, E) if bf else (1, B, E)
            z = zeros(shape, dtype=q.dtype, device=q.device)
            k = cat([k, z], seq)
            v = cat([v, z], seq)
            attn_mask = None if attn_mask is None else _pad_last(attn_mask, 1)
            key_padding_mask = (None if key_padding_mask is None
                                else _pad_last(key_padding_mask, 1))
            S += 1
        q, k, v = _split_heads(q, H, bf), _split_heads(k, H, bf), _split_heads(v, H, bf)

    # ---- one additive mask broadcasting to (B, H, L, S)
    mask = None
    if attn_mask is not None:
        mask = attn_mask.reshape(B, H, L, S) if attn_mask.ndim == 3 else attn_mask
    if key_padding_mask is not None:
        kpm = key_padding_mask.reshape(B, 1, 1, S)
        mask = kpm if mask is None else mask + kpm

    # ---- attention
    p = float(dropout_p) if training else 0.0
    scale = 1.0 / math.sqrt(hd)
    m_arr = mask
    drop = _scaled_mask(query, p, shape=(B, H, L, S)) if p > 0.0 else None
    if need_weights:
        o, w = ScaledDotProductAttention.apply(q, k, v, m_arr, scale, drop, True)
        if average_attn_weights:
            w = w.mean(dim=1)
        if not batched:
            w = w.squeeze(0)
    else:
        o = ScaledDotProductAttention.apply(q, k, v, m_arr, scale, drop, False)
        w = None
    out = linear(_merge_heads(o, bf), out_proj_weight, out_proj_bias)
    if not batched:
        out = out.squeeze(1)
    return out, w
