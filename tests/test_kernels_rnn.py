"""The fused recurrent-cell kernels (kernels/lstm_cell.py, kernels/gru_cell.py): every face
agrees with torch (forward, and the backward with torch autograd's gradients for a random
upstream gradient), the faces agree with each other (float32 and float64, odd sizes),
float32 stays float32, extreme pre-activations give finite results with no warnings, bad
input gets a clear error, the CUDA faces agree with the reference on a GPU and the .cu
files compile to PTX."""
import warnings

import numpy as np
import pytest
import torch

import minitorch
from minitorch import kernels

CUDA_REASON = "CuPy and a CUDA GPU are not available here; the CUDA faces run on a GPU machine"
SHAPES = [(1, 1), (1, 7), (3, 1), (5, 13), (17, 33), (32, 256)]
DTYPES = [np.float32, np.float64]
TOL = {np.float32: {"rtol": 1e-5, "atol": 2e-6}, np.float64: {"rtol": 1e-10, "atol": 1e-12}}


def _faces(name):
    return sorted(kernels.faces(name).items())


def _lstm_inputs(rng, B, H, dtype, scale=2.0):
    gates = (rng.standard_normal((B, 4 * H)) * scale).astype(dtype)
    c_prev = rng.standard_normal((B, H)).astype(dtype)
    dh = rng.standard_normal((B, H)).astype(dtype)
    dc = rng.standard_normal((B, H)).astype(dtype)
    return gates, c_prev, dh, dc


def _gru_inputs(rng, B, H, dtype, scale=2.0):
    gi = (rng.standard_normal((B, 3 * H)) * scale).astype(dtype)
    gh = (rng.standard_normal((B, 3 * H)) * scale).astype(dtype)
    h_prev = rng.standard_normal((B, H)).astype(dtype)
    dh = rng.standard_normal((B, H)).astype(dtype)
    return gi, gh, h_prev, dh


def _torch_lstm(gates, c_prev, dh, dc):
    """h, c and the gradients w.r.t. gates and c_prev, from torch ops and autograd."""
    g = torch.tensor(gates, requires_grad=True)
    cp = torch.tensor(c_prev, requires_grad=True)
    i, f, gg, o = g.chunk(4, 1)
    c = torch.sigmoid(f) * cp + torch.sigmoid(i) * torch.tanh(gg)
    h = torch.sigmoid(o) * torch.tanh(c)
    torch.autograd.backward([h, c], [torch.tensor(dh), torch.tensor(dc)])
    return h.detach().numpy(), c.detach().numpy(), g.grad.numpy(), cp.grad.numpy()


def _torch_gru(gi, gh, h_prev, dh):
    """h and the gradients w.r.t. gi, gh and h_prev (gh held fixed: the direct path)."""
    ti = torch.tensor(gi, requires_grad=True)
    th = torch.tensor(gh, requires_grad=True)
    hp = torch.tensor(h_prev, requires_grad=True)
    ir, iz, in_ = ti.chunk(3, 1)
    hr, hz, hn = th.chunk(3, 1)
    r = torch.sigmoid(ir + hr)
    z = torch.sigmoid(iz + hz)
    n = torch.tanh(in_ + r * hn)
    h = (1 - z) * n + z * hp
    h.backward(torch.tensor(dh))
    return h.detach().numpy(), ti.grad.numpy(), th.grad.numpy(), hp.grad.numpy()


# ------------------------------------------------------------------------------ vs torch
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("B,H", SHAPES)
def test_lstm_faces_match_torch(B, H, dtype):
    rng = np.random.default_rng(B * 1000 + H)
    gates, c_prev, dh, dc = _lstm_inputs(rng, B, H, dtype)
    h_t, c_t, dg_t, dcp_t = _torch_lstm(gates, c_prev, dh, dc)
    for name, face in _faces("lstm_cell"):
        h, c, act = face.forward(gates, c_prev)
        dgates, dc_prev = face.backward(dh, dc, act, c_prev, c)
        for got, want in ((h, h_t), (c, c_t), (dgates, dg_t), (dc_prev, dcp_t)):
            assert got.dtype == dtype and got.shape == want.shape, name
            np.testing.assert_allclose(got, want, err_msg=name, **TOL[dtype])
        assert act.dtype == dtype and act.shape == (B, 4 * H)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("B,H", SHAPES)
def test_gru_faces_match_torch(B, H, dtype):
    rng = np.random.default_rng(B * 1000 + H + 7)
    gi, gh, h_prev, dh = _gru_inputs(rng, B, H, dtype)
    h_t, dgi_t, dgh_t, dhp_t = _torch_gru(gi, gh, h_prev, dh)
    for name, face in _faces("gru_cell"):
        h, act = face.forward(gi, gh, h_prev)
        dgi, dgh, dh_prev = face.backward(dh, act, h_prev)
        for got, want in ((h, h_t), (dgi, dgi_t), (dgh, dgh_t), (dh_prev, dhp_t)):
            assert got.dtype == dtype and got.shape == want.shape, name
            np.testing.assert_allclose(got, want, err_msg=name, **TOL[dtype])
        assert act.dtype == dtype and act.shape == (B, 4 * H)


def test_cells_match_torch_cell_functions():
    """The gates as the cell functions compute them: torch.lstm_cell / torch.gru_cell with
    weights give the same h (and c) as the kernels fed x W_ih^T + b_ih (+ h W_hh^T + b_hh)."""
    rng = np.random.default_rng(3)
    B, I, H = 4, 5, 6
    x, h0, c0 = (rng.standard_normal(s) for s in ((B, I), (B, H), (B, H)))
    for name, G in (("lstm_cell", 4), ("gru_cell", 3)):
        w_ih, w_hh = rng.standard_normal((G * H, I)), rng.standard_normal((G * H, H))
        b_ih, b_hh = rng.standard_normal(G * H), rng.standard_normal(G * H)
        T = [torch.tensor(a) for a in (x, h0, c0, w_ih, w_hh, b_ih, b_hh)]
        gi, gh = x @ w_ih.T + b_ih, h0 @ w_hh.T + b_hh
        for face_name, face in _faces(name):
            if name == "lstm_cell":
                h_t, c_t = torch.lstm_cell(T[0], (T[1], T[2]), *T[3:])
                h, c, _ = face.forward(gi + gh, c0)
                np.testing.assert_allclose(c, c_t.numpy(), rtol=1e-10, atol=1e-12)
            else:
                h_t = torch.gru_cell(T[0], T[1], *T[3:])
                h, _ = face.forward(gi, gh, h0)
            np.testing.assert_allclose(h, h_t.numpy(), rtol=1e-10, atol=1e-12, err_msg=face_name)


# ------------------------------------------------------------------------------ faces agree
@pytest.mark.parametrize("dtype", DTYPES)
def test_faces_agree_on_odd_sizes(dtype):
    rng = np.random.default_rng(11)
    faces_l, faces_g = _faces("lstm_cell"), _faces("gru_cell")
    if len(faces_l) < 2:
        pytest.skip("numba is not installed: only the reference face")
    tol = {"rtol": 1e-5, "atol": 1e-6} if dtype == np.float32 else {"rtol": 1e-12, "atol": 1e-14}
    for B, H in [(1, 1), (2, 3), (7, 1), (9, 17), (31, 65), (3, 100)]:
        gates, c_prev, dh, dc = _lstm_inputs(rng, B, H, dtype, scale=4.0)
        outs = [f.forward(gates, c_prev) for _, f in faces_l]
        for a, b in zip(outs[0], outs[1]):
            np.testing.assert_allclose(a, b, **tol)
        backs = [f.backward(dh, dc, o[2], c_prev, o[1]) for (_, f), o in zip(faces_l, outs)]
        for a, b in zip(backs[0], backs[1]):
            np.testing.assert_allclose(a, b, **tol)
        gi, gh, h_prev, dh = _gru_inputs(rng, B, H, dtype, scale=4.0)
        outs = [f.forward(gi, gh, h_prev) for _, f in faces_g]
        for a, b in zip(outs[0], outs[1]):
            np.testing.assert_allclose(a, b, **tol)
        backs = [f.backward(dh, o[1], h_prev) for (_, f), o in zip(faces_g, outs)]
        for a, b in zip(backs[0], backs[1]):
            np.testing.assert_allclose(a, b, **tol)


def test_numba_parallel_path_agrees():
    """Large enough B*H runs the prange kernels; they agree with the reference."""
    rng = np.random.default_rng(5)
    from minitorch.kernels import lstm_cell
    faces_l, faces_g = dict(_faces("lstm_cell")), dict(_faces("gru_cell"))
    if "numba" not in faces_l:
        pytest.skip("numba is not installed")
    B, H = 64, lstm_cell.PARALLEL_WORK // 64 + 3
    gates, c_prev, dh, dc = _lstm_inputs(rng, B, H, np.float32)
    r, n = faces_l["reference"].forward(gates, c_prev), faces_l["numba"].forward(gates, c_prev)
    for a, b in zip(r, n):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    rb = faces_l["reference"].backward(dh, dc, r[2], c_prev, r[1])
    nb = faces_l["numba"].backward(dh, dc, n[2], c_prev, n[1])
    for a, b in zip(rb, nb):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    gi, gh, h_prev, dh = _gru_inputs(rng, B, H, np.float32)
    r, n = faces_g["reference"].forward(gi, gh, h_prev), faces_g["numba"].forward(gi, gh, h_prev)
    for a, b in zip(r, n):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    rb, nb = faces_g["reference"].backward(dh, r[1], h_prev), faces_g["numba"].backward(dh, n[1], h_prev)
    for a, b in zip(rb, nb):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------------------ extremes
EXTREMES = [-1e4, -100.0, -30.0, -0.0, 0.0, 30.0, 100.0, 1e4]


@pytest.mark.parametrize("dtype", DTYPES)
def test_extreme_preactivations_are_finite_without_warnings(dtype):
    vals = np.array(EXTREMES, dtype=dtype)
    H = len(vals)
    rng = np.random.default_rng(1)
    # every gate sees every extreme value (rolled per gate), c_prev and dh are extreme too
    gates = np.concatenate([np.roll(vals, k) for k in range(4)])[None, :].repeat(2, 0)
    c_prev = np.stack([vals, -vals]).astype(dtype)
    dh, dc = rng.standard_normal((2, H)).astype(dtype), rng.standard_normal((2, H)).astype(dtype)
    gi = np.concatenate([np.roll(vals, k) for k in range(3)])[None, :].repeat(2, 0)
    gh = np.concatenate([np.roll(vals, k + 1) for k in range(3)])[None, :].repeat(2, 0)
    gh = np.ascontiguousarray(gh / 2)
    h_t, c_t, dg_t, dcp_t = _torch_lstm(gates, c_prev, dh, dc)
    gh_t, dgi_t, dgh_t, dhp_t = _torch_gru(gi, gh, c_prev, dh)
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        for name, face in _faces("lstm_cell"):
            h, c, act = face.forward(gates, c_prev)
            back = face.backward(dh, dc, act, c_prev, c)
            for got, want in zip((h, c, *back), (h_t, c_t, dg_t, dcp_t)):
                assert got.dtype == dtype and np.isfinite(got).all(), name
                np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5, err_msg=name)
            # the activations are exact at the ends: sigmoid -> 0 or 1, tanh -> -1 or 1
            i = act[0, :H]
            assert i[gates[0, :H] >= 100].min() == 1 and i[gates[0, :H] <= -1e4].max() == 0
        for name, face in _faces("gru_cell"):
            h, act = face.forward(gi, gh, c_prev)
            back = face.backward(dh, act, c_prev)
            for got, want in zip((h, *back), (gh_t, dgi_t, dgh_t, dhp_t)):
                assert got.dtype == dtype and np.isfinite(got).all(), name
                np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5, err_msg=name)


@pytest.mark.parametrize("dtype", DTYPES)
def test_nan_propagates(dtype):
    """A NaN pre-activation gives NaN in its unit's outputs (and nowhere else)."""
    B, H = 2, 9
    gates = np.zeros((B, 4 * H), dtype)
    gates[0, [0, H + 1, 2 * H + 2, 3 * H + 3]] = np.nan   # one NaN in each gate
    c_prev = np.ones((B, H), dtype)
    gi, gh = np.zeros((B, 3 * H), dtype), np.zeros((B, 3 * H), dtype)
    gi[0, [0, H + 1, 2 * H + 2]] = np.nan
    for name, face in _faces("lstm_cell"):
        h, _, _ = face.forward(gates, c_prev)
        assert np.isnan(h[0, :4]).all() and not np.isnan(h[0, 4:]).any() and not np.isnan(h[1]).any(), name
    for name, face in _faces("gru_cell"):
        h, _ = face.forward(gi, gh, c_prev)
        assert np.isnan(h[0, :3]).all() and not np.isnan(h[0, 3:]).any() and not np.isnan(h[1]).any(), name


# ------------------------------------------------------------------------------ dispatch, errors
def test_get_picks_numba_unless_forced(monkeypatch):
    x = np.zeros((2, 8), np.float32)
    for name in ("lstm_cell", "gru_cell"):
        mod = kernels.module(name)
        want = mod.numba_impl if kernels.numba_available() else mod.reference
        assert kernels.get(name, x) is want
        monkeypatch.setenv("MINITORCH_KERNELS", "reference")
        assert kernels.get(name, x) is mod.reference
        monkeypatch.delenv("MINITORCH_KERNELS")


@pytest.mark.parametrize("face", ["reference", "numba"])
def test_bad_input_gets_a_clear_error(face):
    faces_l, faces_g = dict(_faces("lstm_cell")), dict(_faces("gru_cell"))
    if face not in faces_l:
        pytest.skip("numba is not installed")
    L, G = faces_l[face], faces_g[face]
    f32, f64 = np.zeros((2, 12), np.float32), np.zeros((2, 3), np.float32)
    with pytest.raises(ValueError, match=r"lstm_cell.*gates.*\(2, 12\).*c_prev.*\(2, 4\)"):
        L.forward(f32, np.zeros((2, 4), np.float32))
    with pytest.raises(TypeError, match=r"lstm_cell.*float32 and float64"):
        L.forward(f32, f64.astype(np.float64))
    with pytest.raises(TypeError, match=r"lstm_cell.*int64"):
        L.forward(f32.astype(np.int64), f64.astype(np.int64))
    with pytest.raises(ValueError, match=r"lstm_cell backward: dc must be \(2, 3\)"):
        L.backward(f64, np.zeros((2, 2), np.float32), f32, f64, f64)
    with pytest.raises(ValueError, match=r"gru_cell: gi and gh must be \(B, 3H\)"):
        G.forward(np.zeros((2, 9), np.float32), np.zeros((2, 8), np.float32), f64)
    with pytest.raises(TypeError, match=r"gru_cell backward: h_prev must be float32 or float64"):
        G.backward(f64, f32, f64.astype(np.float64))


# ------------------------------------------------------------------------------ CUDA
@pytest.mark.parametrize("name", ["lstm_cell", "gru_cell"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_cuda_matches_reference(name, dtype):
    if not minitorch.cuda.is_available():
        pytest.skip(CUDA_REASON)
    import cupy as cp
    mod = kernels.module(name)
    ref, cuda = mod.reference, mod.cuda_impl
    rng = np.random.default_rng(2)
    tol = {"rtol": 1e-5, "atol": 1e-6} if dtype == np.float32 else {"rtol": 1e-12, "atol": 1e-13}
    for B, H in [(1, 1), (3, 7), (32, 256), (5, 300)]:
        if name == "lstm_cell":
            gates, c_prev, dh, dc = _lstm_inputs(rng, B, H, dtype, scale=4.0)
            gates[0, :2] = (1e4, -1e4)
            r = ref.forward(gates, c_prev)
            g = cuda.forward(cp.asarray(gates), cp.asarray(c_prev))
            rb = ref.backward(dh, dc, r[2], c_prev, r[1])
            gb = cuda.backward(cp.asarray(dh), cp.asarray(dc), g[2], cp.asarray(c_prev), g[1])
        else:
            gi, gh, h_prev, dh = _gru_inputs(rng, B, H, dtype, scale=4.0)
            gi[0, :2] = (1e4, -1e4)
            r = ref.forward(gi, gh, h_prev)
            g = cuda.forward(cp.asarray(gi), cp.asarray(gh), cp.asarray(h_prev))
            rb = ref.backward(dh, r[1], h_prev)
            gb = cuda.backward(cp.asarray(dh), g[1], cp.asarray(h_prev))
        for a, b in zip((*r, *rb), (*g, *gb)):
            assert b.dtype == dtype
            np.testing.assert_allclose(a, cp.asnumpy(b), **tol)
