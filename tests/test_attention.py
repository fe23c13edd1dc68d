"""scaled_dot_product_attention and nn.MultiheadAttention against PyTorch.

- SDPA: forward and every input gradient on the same bytes (float64 tight, float32,
  non-contiguous) over masks (bool, float with its gradient, broadcast shapes), is_causal,
  scale, 2-d/3-d/4-d inputs, broadcast batch dims, L != S, Ev != E, GQA; gradcheck and
  gradgradcheck; second derivatives vs torch; fully masked rows (zeros, as torch's SDPA);
  rows whose Cauchy-Schwarz bound is far above their maximum (the exact-max fallback);
  dropout (structure, reproducibility, gradients with a fixed mask); errors.
- MultiheadAttention: torch's weights loaded, then outputs, attention weights (averaged and
  per head), query/key/value gradients and every parameter gradient, in float64 and
  float32, over batch_first, unbatched, masks, need_weights, kdim/vdim, bias,
  add_bias_kv, add_zero_attn; fully masked rows; gradcheck; state_dict keys; init; dtype;
  errors.
"""
import math

import numpy as np
import pytest
import torch

import minitorch
import minitorch.nn as nn
import minitorch.nn.functional as MF
from minitorch.autograd import gradcheck, gradgradcheck
from minitorch.testing import compare, build_inputs
from minitorch.testing.op_table import OpSpec, F, B

torch.set_num_threads(1)

TOL = {"float64": (1e-9, 1e-10), "float32": (1e-4, 1e-5)}


# ============================================================================ SDPA specs
def _sdpa(**kw):
    def fn(lib, q, k, v, *mask):
        if mask:
            kw2 = dict(kw, attn_mask=mask[0])
        else:
            kw2 = kw
        return lib.nn.functional.scaled_dot_product_attention(q, k, v, **kw2)
    return fn


def _spec(name, fn, *args, **kw):
    return OpSpec(name, fn, tuple(args), family="attention", **kw)


SPECS = [
    _spec("sdpa_4d", _sdpa(), F((2, 3, 4, 5)), F((2, 3, 6, 5)), F((2, 3, 6, 5))),
    _spec("sdpa_3d_ev", _sdpa(), F((2, 4, 5)), F((2, 6, 5)), F((2, 6, 7))),
    _spec("sdpa_2d", _sdpa(), F((4, 3)), F((5, 3)), F((5, 2))),
    _spec("sdpa_self_L_eq_S", _sdpa(), F((2, 2, 5, 4)), F((2, 2, 5, 4)), F((2, 2, 5, 4))),
    _spec("sdpa_scale", _sdpa(scale=0.7), F((2, 4, 5)), F((2, 6, 5)), F((2, 6, 3))),
    _spec("sdpa_causal", _sdpa(is_causal=True), F((2, 2, 5, 4)), F((2, 2, 5, 4)),
          F((2, 2, 5, 3))),
    _spec("sdpa_causal_L_gt_S", _sdpa(is_causal=True), F((2, 7, 4)), F((2, 5, 4)),
          F((2, 5, 3))),
    _spec("sdpa_causal_L_lt_S", _sdpa(is_causal=True), F((2, 3, 4)), F((2, 5, 4)),
          F((2, 5, 3))),
    _spec("sdpa_bool_mask_LS", _sdpa(), F((2, 3, 4, 5)), F((2, 3, 6, 5)), F((2, 3, 6, 5)),
          B((4, 6))),
    _spec("sdpa_bool_mask_full", _sdpa(), F((2, 3, 4, 5)), F((2, 3, 6, 5)), F((2, 3, 6, 5)),
          B((2, 3, 4, 6))),
    _spec("sdpa_bool_mask_keys", _sdpa(), F((2, 3, 4, 5)), F((2, 3, 6, 5)), F((2, 3, 6, 5)),
          B((2, 1, 1, 6))),
    _spec("sdpa_float_mask_LS", _sdpa(), F((2, 3, 4, 5)), F((2, 3, 6, 5)), F((2, 3, 6, 5)),
          F((4, 6))),
    _spec("sdpa_float_mask_heads", _sdpa(scale=0.5), F((2, 3, 4, 5)), F((2, 3, 6, 5)),
          F((2, 3, 6, 2)), F((3, 1, 6))),
    _spec("sdpa_float_mask_full", _sdpa(), F((2, 4, 3)), F((2, 5, 3)), F((2, 5, 3)),
          F((2, 4, 5))),
    _spec("sdpa_broadcast_kv_batch", _sdpa(), F((2, 3, 4, 5)), F((1, 3, 6, 5)),
          F((3, 6, 4))),
    _spec("sdpa_broadcast_q_batch", _sdpa(), F((1, 4, 5)), F((3, 6, 5)), F((3, 6, 4))),
    _spec("sdpa_5d", _sdpa(), F((2, 1, 2, 3, 4)), F((2, 1, 2, 5, 4)), F((2, 1, 2, 5, 3))),
    _spec("sdpa_gqa", _sdpa(enable_gqa=True), F((2, 6, 3, 4)), F((2, 2, 5, 4)),
          F((2, 2, 5, 3))),
    _spec("sdpa_gqa_mask", _sdpa(enable_gqa=True), F((2, 4, 3, 4)), F((2, 2, 5, 4)),
          F((2, 2, 5, 3)), F((4, 3, 5))),
]
ids = lambda s: s.name  # noqa: E731


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_sdpa_matches_torch(spec, dtype):
    result = compare(spec, minitorch, torch, dtype, tolerances=TOL[dtype])
    assert result.ok, result.message


@pytest.mark.parametrize("spec", SPECS[:12:3], ids=ids)
def test_sdpa_matches_torch_noncontiguous(spec):
    result = compare(spec, minitorch, torch, "float64", noncontiguous=True,
                     tolerances=TOL["float64"])
    assert result.ok, result.message


@pytest.mark.parametrize("spec", [s for s in SPECS if s.name in (
    "sdpa_4d", "sdpa_bool_mask_full", "sdpa_float_mask_heads", "sdpa_broadcast_kv_batch",
    "sdpa_broadcast_q_batch", "sdpa_gqa_mask")], ids=ids)
def test_sdpa_matches_torch_in_blocks(spec, monkeypatch):
    """Large inputs run a few batch entries at a time; force blocks of one entry."""
    import minitorch.functional.attention as A
    monkeypatch.setattr(A, "CHUNK_ELEMENTS", 1)
    result = compare(spec, minitorch, torch, "float64", tolerances=TOL["float64"])
    assert result.ok, result.message


def _mt_inputs(spec, seed=0):
    return tuple(build_inputs(minitorch, spec, spec.make_arrays(seed), "float64"))


GRAD_SPECS = [s for s in SPECS if s.name in (
    "sdpa_4d", "sdpa_3d_ev", "sdpa_causal", "sdpa_bool_mask_LS", "sdpa_float_mask_heads",
    "sdpa_broadcast_kv_batch", "sdpa_gqa_mask")]


@pytest.mark.parametrize("spec", GRAD_SPECS, ids=ids)
def test_sdpa_gradcheck(spec):
    assert gradcheck(lambda *xs: spec.fn(minitorch, *xs), _mt_inputs(spec),
                     check_noncontiguous=True)


@pytest.mark.parametrize("spec", GRAD_SPECS, ids=ids)
def test_sdpa_gradgradcheck(spec):
    assert gradgradcheck(lambda *xs: spec.fn(minitorch, *xs), _mt_inputs(spec))


def _torch_math_sdpa():
    """torch's math SDPA backend (its flash kernel has no double backward on the CPU)."""
    from torch.nn.attention import sdpa_kernel, SDPBackend
    return sdpa_kernel(SDPBackend.MATH)


def _second_derivatives(lib, spec, arrays):
    """d/d(inputs) of <v, d<u, f>/dq> (create_graph=True)."""
    if lib is torch:
        with _torch_math_sdpa():
            return _second_derivatives(None, spec, arrays)
    lib = lib or torch
    inputs = build_inputs(lib, spec, arrays, "float64")
    out = spec.fn(lib, *inputs)
    u = lib.from_numpy(np.random.default_rng(5).standard_normal(tuple(out.shape)))
    gq, = lib.autograd.grad(out, inputs[0], grad_outputs=u, create_graph=True)
    v = lib.from_numpy(np.random.default_rng(6).standard_normal(tuple(gq.shape)))
    second = lib.autograd.grad(gq, inputs, grad_outputs=v, allow_unused=True)
    return [None if s is None else s.detach().numpy() for s in second]


@pytest.mark.parametrize("spec", [SPECS[0], SPECS[12]], ids=ids)
def test_sdpa_second_derivatives_match_torch(spec):
    arrays = spec.make_arrays(0)
    mine = _second_derivatives(minitorch, spec, arrays)
    ref = _second_derivatives(torch, spec, arrays)
    for a, b in zip(mine, ref):
        a = np.zeros_like(b) if a is None else a
        b = np.zeros_like(a) if b is None else b
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)


# ============================================================================ SDPA cases
def _pair(arr, rg=True):
    return (minitorch.tensor(arr, requires_grad=rg), torch.tensor(arr, requires_grad=rg))


def _run_both(q, k, v, g, **kw):
    """SDPA in both libraries on the same arrays; returns (mine, torch) lists of
    [out, dq, dk, dv] as arrays. kw values that are arrays become tensors (no grad)."""
    res = []
    for lib in (minitorch, torch):
        ts = [lib.tensor(a, requires_grad=True) for a in (q, k, v)]
        kwl = {n: lib.tensor(a) if isinstance(a, np.ndarray) else a for n, a in kw.items()}
        out = lib.nn.functional.scaled_dot_product_attention(*ts, **kwl)
        out.backward(lib.tensor(g))
        res.append([out.detach().numpy()] + [t.grad.numpy() for t in ts])
    return res


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kind", ["bool", "float_inf"])
def test_sdpa_fully_masked_rows_give_zeros_like_torch(kind, dtype):
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal(s).astype(dtype) for s in ((2, 3, 4, 5), (2, 3, 6, 5),
                                                              (2, 3, 6, 5)))
    allow = rng.random((2, 3, 4, 6)) < 0.7
    allow[0, 1, 2] = False          # one fully masked query row
    allow[1, :, 0] = False          # the same row in every head of a batch element
    allow[..., 1, :] = True
    mask = allow if kind == "bool" else np.where(allow, 0.0, -np.inf).astype(dtype)
    g = rng.standard_normal((2, 3, 4, 5)).astype(dtype)
    mine, ref = _run_both(q, k, v, g, attn_mask=mask)
    for a, b in zip(mine, ref):
        assert np.isfinite(a).all()
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    out, dq = mine[0], mine[1]
    assert (out[0, 1, 2] == 0).all() and (out[1, :, 0] == 0).all()
    assert (dq[0, 1, 2] == 0).all()


def test_sdpa_all_keys_masked_and_no_keys():
    rng = np.random.default_rng(1)
    q, k, v = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 5, 4)), \
        rng.standard_normal((2, 5, 3))
    g = rng.standard_normal((2, 3, 3))
    mine, ref = _run_both(q, k, v, g, attn_mask=np.zeros((3, 5), dtype=bool))
    for a, b in zip(mine, ref):
        np.testing.assert_array_equal(a, b)
        assert not a.any()
    # no keys at all: torch gives zeros
    mine, ref = _run_both(q, k[:, :0], v[:, :0], g)
    for a, b in zip(mine, ref):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sdpa_loose_bound_rows_fall_back_to_the_exact_max(dtype):
    """The row shift is a Cauchy-Schwarz bound: with q and k long and nearly orthogonal,
    it lies hundreds above the true maximum, exp underflows, and the rows are recomputed
    exactly. Large finite masks (-1e9 on a whole row: uniform weights) too."""
    rng = np.random.default_rng(2)
    E = 6
    q = np.zeros((1, 2, 3, E))
    q[..., 0] = 40.0
    k = rng.standard_normal((1, 2, 5, E)) * 0.1
    k[..., 1] = 40.0                           # |k| large, q.k small
    k[0, 0, 0, 0] = 1.0
    v = rng.standard_normal((1, 2, 5, 3))
    q, k, v = (a.astype(dtype) for a in (q, k, v))
    g = rng.standard_normal((1, 2, 3, 3)).astype(dtype)
    mine, ref = _run_both(q, k, v, g)
    tol = dict(rtol=1e-9, atol=1e-10) if dtype == np.float64 else dict(rtol=1e-4, atol=1e-5)
    for a, b in zip(mine, ref):
        np.testing.assert_allclose(a, b, **tol)
    mask = np.zeros((3, 5), dtype=dtype)
    mask[1] = -1e9
    mask[2, :3] = -1e9
    mine, ref = _run_both(q, k, v, g, attn_mask=mask)
    for a, b in zip(mine, ref):
        np.testing.assert_allclose(a, b, **tol)


def test_sdpa_positive_float_mask_and_large_scores():
    rng = np.random.default_rng(3)
    q, k, v = (rng.standard_normal(s) * 6 for s in ((2, 4, 5), (2, 6, 5), (2, 6, 3)))
    mask = rng.standard_normal((4, 6)) * 30 + 20
    g = rng.standard_normal((2, 4, 3))
    mine, ref = _run_both(q, k, v, g, attn_mask=mask)
    for a, b in zip(mine, ref):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-10)


def test_sdpa_float_mask_gradient_broadcast():
    rng = np.random.default_rng(4)
    q, k, v = (rng.standard_normal(s) for s in ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5)))
    m = rng.standard_normal((1, 4, 6))
    grads = []
    for lib in (minitorch, torch):
        ts = [lib.tensor(a, requires_grad=True) for a in (q, k, v, m)]
        out = lib.nn.functional.scaled_dot_product_attention(*ts[:3], attn_mask=ts[3])
        out.backward(lib.tensor(np.random.default_rng(9).standard_normal(out.shape)))
        grads.append(ts[3].grad.numpy())
    assert grads[0].shape == (1, 4, 6)
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-9, atol=1e-10)


def test_sdpa_float32_stays_float32():
    rng = np.random.default_rng(0)
    ts = [minitorch.tensor(rng.standard_normal(s).astype(np.float32), requires_grad=True)
          for s in ((2, 4, 5), (2, 6, 5), (2, 6, 3))]
    m = minitorch.tensor(rng.standard_normal((4, 6)).astype(np.float32), requires_grad=True)
    out = MF.scaled_dot_product_attention(*ts, attn_mask=m, dropout_p=0.2)
    assert out.dtype == minitorch.float32
    out.sum().backward()
    assert all(t.grad.dtype == minitorch.float32 for t in ts + [m])


# ------------------------------------------------------------------------- dropout
def _attn_identity_values(p, seed):
    """With V = I (S = Ev), the output rows are the attention weights themselves."""
    rng = np.random.default_rng(0)
    q = minitorch.tensor(rng.standard_normal((2, 64, 8)))
    k = minitorch.tensor(rng.standard_normal((2, 32, 8)))
    v = minitorch.tensor(np.broadcast_to(np.eye(32), (2, 32, 32)).copy())
    minitorch.manual_seed(seed)
    return MF.scaled_dot_product_attention(q, k, v, dropout_p=p).numpy()


def test_sdpa_dropout_structure():
    p = 0.25
    w0 = _attn_identity_values(0.0, 0)
    w = _attn_identity_values(p, 0)
    dropped = w == 0
    # every kept weight is the p = 0 weight scaled by 1 / (1 - p)
    np.testing.assert_allclose(w[~dropped], w0[~dropped] / (1 - p), rtol=1e-12)
    assert abs(dropped.mean() - p) < 0.03
    # the same seed gives the same mask; another seed another
    np.testing.assert_array_equal(w, _attn_identity_values(p, 0))
    assert not np.array_equal(w, _attn_identity_values(p, 1))
    assert not _attn_identity_values(1.0, 0).any()


def test_sdpa_dropout_gradients():
    """With the generator reseeded per call the mask is fixed, so gradcheck applies."""
    rng = np.random.default_rng(5)
    ts = tuple(minitorch.tensor(rng.standard_normal(s), requires_grad=True)
               for s in ((2, 3, 4), (2, 5, 4), (2, 5, 3)))
    mask = minitorch.tensor(rng.random((3, 5)) < 0.8)

    def fn(q, k, v):
        minitorch.manual_seed(3)
        return MF.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=0.4)
    assert gradcheck(fn, ts)
    assert gradgradcheck(fn, ts)


# --------------------------------------------------------------------------- errors
def test_sdpa_errors():
    q = minitorch.randn(2, 4, 5)
    k = minitorch.randn(2, 6, 5)
    v = minitorch.randn(2, 6, 3)
    f = MF.scaled_dot_product_attention
    with pytest.raises(RuntimeError, match="is_causal"):
        f(q, k, v, attn_mask=minitorch.ones(4, 6, dtype=minitorch.bool), is_causal=True)
    with pytest.raises(RuntimeError, match=r"attn_mask of shape \(4, 5\)"):
        f(q, k, v, attn_mask=minitorch.ones(4, 5, dtype=minitorch.bool))
    with pytest.raises(RuntimeError, match="attn_mask"):
        f(q, k, v, attn_mask=minitorch.ones(3, 2, 4, 6, dtype=minitorch.bool))
    with pytest.raises(RuntimeError, match="attn_mask dtype"):
        f(q, k, v, attn_mask=minitorch.ones(4, 6, dtype=minitorch.int64))
    with pytest.raises(RuntimeError, match="attn_mask dtype"):
        f(q, k, v, attn_mask=minitorch.ones(4, 6, dtype=minitorch.float64))
    with pytest.raises(RuntimeError, match="same dtype"):
        f(q, k.double(), v)
    with pytest.raises(RuntimeError, match="at least 2 dimensional"):
        f(q[0, 0], k[0, 0], v[0, 0])
    with pytest.raises(RuntimeError, match="embedding size"):
        f(q, k[..., :4], v)
    with pytest.raises(RuntimeError, match="sequence length"):
        f(q, k, v[:, :5])
    with pytest.raises(RuntimeError, match="dropout probability"):
        f(q, k, v, dropout_p=1.5)
    with pytest.raises(RuntimeError, match="heads in key and value"):
        f(minitorch.randn(1, 5, 4, 5), minitorch.randn(1, 2, 6, 5),
          minitorch.randn(1, 2, 6, 3), enable_gqa=True)
    with pytest.raises(TypeError, match="query"):
        f(q.numpy(), k, v)


# ============================================================================ MHA
def _make_pair(E, H, dtype, seed=0, **kw):
    """A torch MHA with random (non-default) weights and a minitorch one loaded from it."""
    torch.manual_seed(seed)
    tdt = getattr(torch, np.dtype(dtype).name)
    tm = torch.nn.MultiheadAttention(E, H, dtype=tdt, **kw)
    with torch.no_grad():
        for p in tm.parameters():
            p.copy_(torch.randn_like(p) * 0.4)
    mm = nn.MultiheadAttention(E, H, dtype=getattr(minitorch, np.dtype(dtype).name), **kw)
    mm.load_state_dict(tm.state_dict())
    return mm, tm


MHA_CASES = {
    # name: (module kwargs, forward kwargs builder, self_attention, unbatched, sizes)
    "self": ({}, None, True, False),
    "self_batch_first": ({"batch_first": True}, None, True, False),
    "self_unbatched": ({}, None, True, True),
    "self_no_weights": ({}, lambda r, L, S, B, H: {"need_weights": False}, True, False),
    "self_per_head": ({}, lambda r, L, S, B, H: {"average_attn_weights": False}, True, False),
    "self_causal_hint": ({"batch_first": True}, lambda r, L, S, B, H: {
        "attn_mask": np.triu(np.ones((L, S), bool), 1), "is_causal": True,
        "need_weights": False}, True, False),
    "cross": ({}, None, False, False),
    "cross_bool_mask_2d": ({}, lambda r, L, S, B, H: {
        "attn_mask": r.random((L, S)) < 0.3}, False, False),
    "cross_float_mask_3d": ({}, lambda r, L, S, B, H: {
        "attn_mask": r.standard_normal((B * H, L, S))}, False, False),
    "cross_kpm": ({}, lambda r, L, S, B, H: {
        "key_padding_mask": r.random((B, S)) < 0.3}, False, False),
    "cross_kpm_float_no_weights": ({"batch_first": True}, lambda r, L, S, B, H: {
        "key_padding_mask": r.standard_normal((B, S)), "need_weights": False}, False, False),
    "cross_both_masks_bf": ({"batch_first": True}, lambda r, L, S, B, H: {
        "key_padding_mask": r.random((B, S)) < 0.3,
        "attn_mask": r.random((B * H, L, S)) < 0.2, "average_attn_weights": False},
        False, False),
    "cross_unbatched_masks": ({}, lambda r, L, S, B, H: {
        "key_padding_mask": r.random(S) < 0.3, "attn_mask": r.random((H, L, S)) < 0.2},
        False, True),
    "kdim_vdim": ({"kdim": 3, "vdim": 6}, None, False, False),
    "kdim_vdim_bf_mask": ({"kdim": 3, "vdim": 6, "batch_first": True},
                          lambda r, L, S, B, H: {"attn_mask": r.random((L, S)) < 0.3},
                          False, False),
    "no_bias": ({"bias": False}, None, False, False),
    "no_bias_self": ({"bias": False}, None, True, False),
    "add_bias_kv": ({"add_bias_kv": True}, lambda r, L, S, B, H: {
        "key_padding_mask": r.random((B, S)) < 0.3}, False, False),
    "add_zero_attn": ({"add_zero_attn": True}, lambda r, L, S, B, H: {
        "attn_mask": r.random((L, S)) < 0.3}, True, False),
    "bias_kv_zero_attn_bf": ({"add_bias_kv": True, "add_zero_attn": True,
                              "batch_first": True}, lambda r, L, S, B, H: {
        "attn_mask": r.standard_normal((L, S))}, False, False),
}


def _mha_both(case, dtype, E=8, H=2, L=4, S=5, B=3, seed=0):
    """Run one MHA case in both libraries: returns two dicts of arrays (out, weights,
    input grads, parameter grads by name)."""
    mkw, fkw_fn, self_attn, unbatched = MHA_CASES[case]
    mm, tm = _make_pair(E, H, dtype, seed, **mkw)
    rng = np.random.default_rng(seed + 1)
    bf = mkw.get("batch_first", False)
    kd, vd = mkw.get("kdim", E), mkw.get("vdim", E)
    if self_attn:
        S = L

    def shp(n, e):
        if unbatched:
            return (n, e)
        return (B, n, e) if bf else (n, B, e)
    if self_attn:
        arrays = [rng.standard_normal(shp(L, E))]
    else:
        arrays = [rng.standard_normal(shp(L, E)), rng.standard_normal(shp(S, kd)),
                  rng.standard_normal(shp(S, vd))]
    arrays = [a.astype(dtype) for a in arrays]
    fkw = fkw_fn(rng, L, S, B, H) if fkw_fn else {}
    fkw = {k: (v.astype(dtype) if isinstance(v, np.ndarray) and v.dtype.kind == "f" else v)
           for k, v in fkw.items()}
    results = []
    for lib, mod in ((minitorch, mm), (torch, tm)):
        xs = [lib.tensor(a, requires_grad=True) for a in arrays]
        kw = {k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in fkw.items()}
        args = xs * 3 if self_attn else xs
        out, w = mod(*args, **kw)
        g = np.random.default_rng(7).standard_normal(tuple(out.shape)).astype(dtype)
        loss = (out * lib.tensor(g)).sum()
        if w is not None:
            gw = np.random.default_rng(8).standard_normal(tuple(w.shape)).astype(dtype)
            loss = loss + (w * lib.tensor(gw)).sum()
        loss.backward()
        res = {"out": out.detach().numpy(), "weights": None if w is None else
               w.detach().numpy(), "dtype": str(out.dtype).split(".")[-1]}
        for i, x in enumerate(xs):
            res[f"d_input{i}"] = x.grad.numpy()
        for n, p in mod.named_parameters():
            res[f"d_{n}"] = p.grad.numpy()
            res[f"dtype_{n}"] = str(p.grad.dtype).split(".")[-1]
        results.append(res)
    return results


@pytest.mark.parametrize("case", ["self", "cross_both_masks_bf", "add_bias_kv"])
def test_mha_matches_torch_in_blocks(case, monkeypatch):
    import minitorch.functional.attention as A
    monkeypatch.setattr(A, "CHUNK_ELEMENTS", 40)
    test_mha_matches_torch(case, np.float64)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", list(MHA_CASES))
def test_mha_matches_torch(case, dtype):
    mine, ref = _mha_both(case, dtype)
    assert set(mine) == set(ref)
    rtol, atol = (1e-9, 1e-10) if dtype == np.float64 else (1e-4, 1e-5)
    for key in ref:
        a, b = mine[key], ref[key]
        if b is None or isinstance(b, str):
            assert a == b, key
            continue
        assert a.shape == b.shape, key
        scale = max(1.0, float(np.abs(b).max()))    # gradients here reach ~10
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol * scale, err_msg=key)


def test_mha_fully_masked_rows():
    """torch gives NaN on its need_weights=True path and zeros (out = out_proj.bias) on
    its need_weights=False (SDPA) path; minitorch gives the zeros on both."""
    E, H, L, B = 8, 2, 4, 3
    mm, tm = _make_pair(E, H, np.float64)
    x = np.random.default_rng(0).standard_normal((L, B, E))
    kpm = np.zeros((B, L), bool)
    kpm[1] = True                          # batch element 1: every key padded
    am = np.zeros((L, L), bool)
    am[2] = True                           # query 2: every key masked
    res = []
    for lib, mod, nw in ((minitorch, mm, True), (minitorch, mm, False), (torch, tm, False)):
        mod.zero_grad()
        xt = lib.tensor(x, requires_grad=True)
        out, w = mod(xt, xt, xt, key_padding_mask=lib.tensor(kpm), attn_mask=lib.tensor(am),
                     need_weights=nw)
        out.backward(lib.tensor(np.random.default_rng(1).standard_normal(out.shape)))
        grads = [xt.grad.numpy()] + [p.grad.numpy() for p in mod.parameters()]
        res.append((out.detach().numpy(), None if w is None else w.detach().numpy(), grads))
    (o1, w1, g1), (o2, _, g2), (o3, _, g3) = res
    assert np.isfinite(o1).all() and np.isfinite(w1).all()
    assert all(np.isfinite(g).all() for g in g1)
    bias = mm.out_proj.bias.detach().numpy()
    np.testing.assert_allclose(o1[:, 1], np.broadcast_to(bias, (L, E)), rtol=1e-12)
    np.testing.assert_allclose(o1[2], np.broadcast_to(bias, (B, E)), rtol=1e-12)
    assert not w1[1].any() and not w1[:, 2].any()
    for a, b, c in zip([o1] + g1, [o2] + g2, [o3] + g3):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(a, c, rtol=1e-9, atol=1e-10)
    # torch's own need_weights=True path: NaN where minitorch gives zeros
    tout, _ = tm(*[torch.tensor(x)] * 3, key_padding_mask=torch.tensor(kpm),
                 attn_mask=torch.tensor(am))
    assert torch.isnan(tout).any()


def test_mha_gradcheck():
    E, H, L, S, B = 4, 2, 3, 4, 2
    mod = nn.MultiheadAttention(E, H, dtype=minitorch.float64, add_bias_kv=True)
    rng = np.random.default_rng(0)
    xs = tuple(minitorch.tensor(rng.standard_normal(s), requires_grad=True)
               for s in ((L, B, E), (S, B, E), (S, B, E)))
    kpm = minitorch.tensor(rng.random((B, S)) < 0.3)

    def fn(q, k, v):
        out, w = mod(q, k, v, key_padding_mask=kpm)
        return out, w
    assert gradcheck(fn, xs)
    assert gradcheck(lambda q: mod(q, q, q, need_weights=False)[0], xs[:1])
    # double backward through the returned weights too (output and per-head weights)
    assert gradgradcheck(lambda q: mod(q, q, q, average_attn_weights=False), xs[:1])
    assert gradgradcheck(lambda q, k: mod(q, k, k, need_weights=False)[0], xs[:2])


def test_mha_parameter_gradcheck():
    """The packed self-attention path (one in-projection, heads split as views) with the
    parameters as the checked inputs."""
    E, H, L, B = 4, 2, 3, 2
    rng = np.random.default_rng(1)
    x = minitorch.tensor(rng.standard_normal((B, L, E)))
    ws = tuple(minitorch.tensor(rng.standard_normal(s) * 0.5, requires_grad=True)
               for s in ((3 * E, E), (3 * E,), (E, E), (E,)))

    def fn(wi, bi, wo, bo):
        return MF.multi_head_attention_forward(
            x, x, x, E, H, wi, bi, None, None, False, 0.0, wo, bo, batch_first=True)[0]
    assert gradcheck(fn, ws)
    assert gradgradcheck(fn, ws)


def test_mha_second_derivatives_match_torch():
    E, H, L, B = 4, 2, 3, 2
    mm, tm = _make_pair(E, H, np.float64)
    x = np.random.default_rng(2).standard_normal((L, B, E))
    res = []
    for lib, mod in ((minitorch, mm), (torch, tm)):
        xt = lib.tensor(x, requires_grad=True)
        if lib is torch:
            with _torch_math_sdpa():
                out, _ = mod(xt, xt, xt, need_weights=False)
        else:
            out, _ = mod(xt, xt, xt, need_weights=False)
        u = lib.tensor(np.random.default_rng(3).standard_normal(out.shape))
        gx, = lib.autograd.grad(out, xt, grad_outputs=u, create_graph=True)
        v = lib.tensor(np.random.default_rng(4).standard_normal(gx.shape))
        ps = [xt] + list(mod.parameters())
        second = lib.autograd.grad(gx, ps, grad_outputs=v, allow_unused=True)
        res.append([np.zeros(tuple(p.shape)) if s is None else s.detach().numpy()
                    for s, p in zip(second, ps)])
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)


def test_mha_dropout_on_weights():
    E, H, L, B = 8, 2, 16, 2
    mod = nn.MultiheadAttention(E, H, dropout=0.5, dtype=minitorch.float64)
    x = minitorch.tensor(np.random.default_rng(0).standard_normal((L, B, E)))
    mod.eval()
    _, w0 = mod(x, x, x, average_attn_weights=False)
    mod.train()
    minitorch.manual_seed(0)
    _, w = mod(x, x, x, average_attn_weights=False)
    w0, w = w0.detach().numpy(), w.detach().numpy()
    kept = w != 0
    np.testing.assert_allclose(w[kept], 2 * w0[kept], rtol=1e-12)
    assert 0.4 < 1 - kept.mean() < 0.6


@pytest.mark.parametrize("kw", [{}, {"kdim": 3, "vdim": 5}, {"bias": False},
                                {"add_bias_kv": True}, {"kdim": 3, "add_bias_kv": True,
                                                        "bias": False}])
def test_mha_state_dict_and_init(kw):
    mm = nn.MultiheadAttention(8, 2, **kw)
    tm = torch.nn.MultiheadAttention(8, 2, **kw)
    msd, tsd = mm.state_dict(), tm.state_dict()
    assert list(msd) == list(tsd)
    for key in tsd:
        assert tuple(msd[key].shape) == tuple(tsd[key].shape), key
        assert msd[key].dtype == minitorch.float32
    E = 8
    if "kdim" not in kw:
        bound = math.sqrt(6 / (E + 3 * E))           # xavier_uniform_ on (3E, E)
        w = mm.in_proj_weight.detach().numpy()
        assert np.abs(w).max() <= bound and np.abs(w).max() > 0.5 * bound
    if kw.get("bias", True):
        assert not mm.in_proj_bias.detach().numpy().any()
        assert not mm.out_proj.bias.detach().numpy().any()
    assert mm.head_dim == 4 and mm.batch_first is False
    assert mm._qkv_same_embed_dim == ("kdim" not in kw)


def test_mha_float32_stays_float32():
    mod = nn.MultiheadAttention(8, 2, batch_first=True)
    x = minitorch.randn(2, 5, 8, requires_grad=True)
    kpm = minitorch.tensor(np.random.default_rng(0).standard_normal((2, 5)).astype(np.float32))
    out, w = mod(x, x, x, key_padding_mask=kpm)
    assert out.dtype == minitorch.float32 and w.dtype == minitorch.float32
    (out.sum() + w.sum()).backward()
    assert x.grad.dtype == minitorch.float32
    assert all(p.grad.dtype == minitorch.float32 for p in mod.parameters())


def test_mha_errors():
    with pytest.raises(ValueError, match="divisible by num_heads"):
        nn.MultiheadAttention(10, 3)
    with pytest.raises(ValueError, match="greater than 0"):
        nn.MultiheadAttention(8, 0)
    mod = nn.MultiheadAttention(8, 2)
    x = minitorch.randn(4, 3, 8)
    with pytest.raises(RuntimeError, match=r"2D attn_mask is \(4, 5\), but should be \(4, 4\)"):
        mod(x, x, x, attn_mask=minitorch.zeros(4, 5, dtype=minitorch.bool))
    with pytest.raises(RuntimeError, match=r"3D attn_mask is \(2, 4, 4\), but should be "
                                           r"\(6, 4, 4\)"):
        mod(x, x, x, attn_mask=minitorch.zeros(2, 4, 4, dtype=minitorch.bool))
    with pytest.raises(RuntimeError, match="key_padding_mask shape"):
        mod(x, x, x, key_padding_mask=minitorch.zeros(4, 3, dtype=minitorch.bool))
    with pytest.raises(RuntimeError, match="Need attn_mask"):
        mod(x, x, x, is_causal=True)
    with pytest.raises(RuntimeError, match="embedding dimension of 8"):
        mod(minitorch.randn(4, 3, 6), x, x)
    with pytest.raises(RuntimeError, match="batched 3D"):
        mod(minitorch.randn(2, 4, 3, 8), x, x)
    with pytest.raises(RuntimeError, match="integer|bool and floating"):
        mod(x, x, x, key_padding_mask=minitorch.zeros(3, 4, dtype=minitorch.int64))


def test_mha_exported():
    assert nn.MultiheadAttention is minitorch.nn.attention.MultiheadAttention
    assert MF.scaled_dot_product_attention is \
        minitorch.functional.attention.scaled_dot_product_attention
    assert MF.multi_head_attention_forward is \
        minitorch.functional.attention.multi_head_attention_forward
