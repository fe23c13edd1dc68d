"""The recurrent modules against PyTorch: RNNCell/LSTMCell/GRUCell and RNN/LSTM/GRU.

- Parity: torch builds the module, its state_dict is loaded into ours, both see the same
  bytes (input and initial states); the outputs, h_n (and c_n), the input's gradient, the
  initial states' gradients and every parameter's gradient are compared under a random
  upstream gradient on every output, in float64 (~1e-10) and float32 (~1e-5). The grid
  covers tanh/relu RNN, LSTM, GRU; 1 and 2 layers; bias=False; batch_first;
  bidirectional; initial states given or omitted; unbatched input; dropout in eval mode.
- Double backward, truncated BPTT (detached state between chunks), no_grad inference.
- Dropout in training mode: only between layers, inverted scaling, a fresh mask per
  element (checked structurally and statistically, since random masks cannot match).
- state_dict keys, shapes and order; default initialization; repr; dtypes; errors.
"""
import math

import numpy as np
import pytest
import torch

import minitorch
import minitorch.nn as nn

torch.set_num_threads(1)

# the two sides go through these names (so the torch side can be run against itself)
mt = minitorch
mnn = nn

TOL = {"float64": (1e-10, 1e-10), "float32": (1e-5, 1e-5)}
I_SIZE, H_SIZE, T_LEN, BATCH = 4, 6, 5, 3
MODES = ["RNN_TANH", "RNN_RELU", "LSTM", "GRU"]


def _dt(lib, dtype):
    return getattr(lib, dtype)


def _dname(dtype_obj):
    return str(dtype_obj).rsplit(".", 1)[-1]


def _make_seq(L, mode, input_size=I_SIZE, hidden_size=H_SIZE, **kw):
    if mode.startswith("RNN"):
        return L.RNN(input_size, hidden_size, nonlinearity=mode[4:].lower(), **kw)
    return getattr(L, mode)(input_size, hidden_size, **kw)


def _make_cell(L, mode, input_size=I_SIZE, hidden_size=H_SIZE, **kw):
    if mode.startswith("RNN"):
        return L.RNNCell(input_size, hidden_size, nonlinearity=mode[4:].lower(), **kw)
    return getattr(L, mode + "Cell")(input_size, hidden_size, **kw)


def _pair(make, dtype, train=False, seed=0):
    """The torch module (seeded) and ours with torch's weights loaded, both in dtype."""
    torch.manual_seed(seed)
    th = make(torch.nn).to(_dt(torch, dtype))
    ours = make(mnn).to(_dt(mt, dtype))
    ours.load_state_dict(th.state_dict())
    th.train(train)
    ours.train(train)
    return ours, th


def _tensor(lib, a, dtype, grad):
    t = lib.from_numpy(np.array(a, dtype=dtype))
    return t.requires_grad_() if grad else t


def _flatten(out):
    """(output, h_n) or (output, (h_n, c_n)) or h or (h, c) -> list of tensors."""
    if not isinstance(out, tuple):
        return [out]
    res = []
    for o in out:
        res.extend(_flatten(o))
    return res


def _run(lib, mod, x, hx, dtype, *, x_grad=True, seed=1):
    """Forward with inputs built from numpy arrays x and hx (None, an array or a tuple of
    arrays), backward with seeded random upstream gradients on every output; returns the
    outputs, the gradients of x and hx and of every parameter, as numpy arrays."""
    xt = _tensor(lib, x, dtype, x_grad)
    if hx is None:
        hts = []
        out = mod(xt)
    else:
        hts = [_tensor(lib, h, dtype, True) for h in (hx if isinstance(hx, tuple) else (hx,))]
        out = mod(xt, tuple(hts) if isinstance(hx, tuple) else hts[0])
    outs = _flatten(out)
    rng = np.random.default_rng(seed)
    ups = [lib.from_numpy(rng.standard_normal(tuple(o.shape)).astype(dtype)) for o in outs]
    lib.autograd.backward(outs, ups)
    res = {"dtypes": [_dname(o.dtype) for o in outs],
           "outs": [o.detach().numpy().copy() for o in outs],
           "x.grad": None if not x_grad else xt.grad.numpy().copy(),
           "hx.grad": [h.grad.numpy().copy() for h in hts],
           "grad_dtypes": [_dname(p.grad.dtype) for _, p in mod.named_parameters()],
           "params": {n: p.grad.numpy().copy() for n, p in mod.named_parameters()}}
    if not x_grad:
        assert xt.grad is None
    return res


def _compare(ours, theirs, dtype):
    rtol, atol = TOL[dtype]
    assert ours["dtypes"] == theirs["dtypes"] == [dtype] * len(theirs["outs"])
    assert ours["grad_dtypes"] == theirs["grad_dtypes"]
    assert len(ours["outs"]) == len(theirs["outs"])
    for k, (a, b) in enumerate(zip(ours["outs"], theirs["outs"])):
        assert a.shape == b.shape, f"output {k}: {a.shape} vs {b.shape}"
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"output {k}")
    if theirs["x.grad"] is not None:
        assert ours["x.grad"].shape == theirs["x.grad"].shape
        np.testing.assert_allclose(ours["x.grad"], theirs["x.grad"], rtol=rtol, atol=atol,
                                   err_msg="input grad")
    assert len(ours["hx.grad"]) == len(theirs["hx.grad"])
    for k, (a, b) in enumerate(zip(ours["hx.grad"], theirs["hx.grad"])):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"initial state {k} grad")
    assert list(ours["params"]) == list(theirs["params"])
    for name, b in theirs["params"].items():
        np.testing.assert_allclose(ours["params"][name], b, rtol=rtol, atol=atol, err_msg=name)


def _seq_inputs(mode, kw, *, T=T_LEN, B=BATCH, I=I_SIZE, H=H_SIZE, hx=True, unbatched=False,
                seed=0):
    rng = np.random.default_rng(seed)
    L, D = kw.get("num_layers", 1), 2 if kw.get("bidirectional") else 1
    if unbatched:
        xshape, hshape = (T, I), (L * D, H)
    else:
        xshape = (B, T, I) if kw.get("batch_first") else (T, B, I)
        hshape = (L * D, B, H)
    x = rng.uniform(-1.5, 1.5, xshape)
    h = None
    if hx:
        h = rng.uniform(-1, 1, hshape)
        if mode == "LSTM":
            h = (h, rng.uniform(-1, 1, hshape))
    return x, h


# (id, constructor kwargs, hx given, unbatched input, eval mode)
SEQ_CONFIGS = [
    ("default", {}, False, False),
    ("hx", {}, True, False),
    ("2layers", {"num_layers": 2}, False, False),
    ("2layers_hx", {"num_layers": 2}, True, False),
    ("nobias_hx", {"bias": False}, True, False),
    ("nobias_2layers", {"bias": False, "num_layers": 2}, False, False),
    ("batch_first", {"batch_first": True}, False, False),
    ("batch_first_hx", {"batch_first": True}, True, False),
    ("bidir", {"bidirectional": True}, False, False),
    ("bidir_hx", {"bidirectional": True}, True, False),
    ("2layers_bidir", {"num_layers": 2, "bidirectional": True}, False, False),
    ("2layers_bidir_hx_batch_first", {"num_layers": 2, "bidirectional": True, "batch_first": True},
     True, False),
    ("unbatched", {}, False, True),
    ("unbatched_hx", {}, True, True),
    ("unbatched_2layers_bidir_hx", {"num_layers": 2, "bidirectional": True}, True, True),
    ("unbatched_batch_first_hx", {"batch_first": True}, True, True),
    ("dropout_eval", {"num_layers": 2, "dropout": 0.5}, True, False),
    ("everything", {"num_layers": 2, "bias": False, "batch_first": True, "bidirectional": True,
                    "dropout": 0.3}, True, False),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("cfg", SEQ_CONFIGS, ids=[c[0] for c in SEQ_CONFIGS])
@pytest.mark.parametrize("mode", MODES)
def test_sequence_module_matches_torch(mode, cfg, dtype):
    _, kw, hx, unbatched = cfg
    ours, th = _pair(lambda L: _make_seq(L, mode, **kw), dtype)   # eval mode
    x, h = _seq_inputs(mode, kw, hx=hx, unbatched=unbatched)
    _compare(_run(mt, ours, x, h, dtype), _run(torch, th, x, h, dtype), dtype)


@pytest.mark.parametrize("mode", MODES)
def test_sequence_module_edge_sizes_and_frozen_input(mode):
    """One time step, batch 1, and an input that does not require grad (parameters still
    get their gradients), in training mode (no dropout) to be sure mode does not matter."""
    for T, B, x_grad in ((1, 3, True), (4, 1, True), (6, 2, False)):
        kw = {"num_layers": 2, "bidirectional": True}
        ours, th = _pair(lambda L: _make_seq(L, mode, **kw), "float64", train=True)
        x, h = _seq_inputs(mode, kw, T=T, B=B, hx=True)
        _compare(_run(mt, ours, x, h, "float64", x_grad=x_grad),
                 _run(torch, th, x, h, "float64", x_grad=x_grad), "float64")


@pytest.mark.slow
@pytest.mark.parametrize("cfg", SEQ_CONFIGS, ids=[c[0] for c in SEQ_CONFIGS])
@pytest.mark.parametrize("mode", MODES)
def test_sequence_module_matches_torch_bigger(mode, cfg):
    _, kw, hx, unbatched = cfg
    kw = dict(kw, num_layers=kw.get("num_layers", 1) + 1)
    ours, th = _pair(lambda L: _make_seq(L, mode, input_size=7, hidden_size=19, **kw), "float64")
    x, h = _seq_inputs(mode, kw, T=23, B=5, I=7, H=19, hx=hx, unbatched=unbatched, seed=3)
    _compare(_run(mt, ours, x, h, "float64"), _run(torch, th, x, h, "float64"), "float64")


# ------------------------------------------------------------------------------ cells
CELL_KINDS = [("RNN_TANH", {}), ("RNN_RELU", {}), ("LSTM", {}), ("GRU", {}),
              ("RNN_TANH", {"bias": False}), ("RNN_RELU", {"bias": False}),
              ("LSTM", {"bias": False}), ("GRU", {"bias": False})]
CELL_INPUTS = [("batched_hx", False, True), ("batched", False, False),
               ("unbatched_hx", True, True), ("unbatched", True, False)]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("inp", CELL_INPUTS, ids=[c[0] for c in CELL_INPUTS])
@pytest.mark.parametrize("kind", CELL_KINDS,
                         ids=[m + ("_nobias" if kw else "") for m, kw in CELL_KINDS])
def test_cell_matches_torch(kind, inp, dtype):
    mode, kw = kind
    _, unbatched, hx = inp
    ours, th = _pair(lambda L: _make_cell(L, mode, **kw), dtype)
    rng = np.random.default_rng(5)
    lead = () if unbatched else (BATCH,)
    x = rng.uniform(-1.5, 1.5, lead + (I_SIZE,))
    h = None
    if hx:
        h = rng.uniform(-1, 1, lead + (H_SIZE,))
        if mode == "LSTM":
            h = (h, rng.uniform(-1, 1, lead + (H_SIZE,)))
    _compare(_run(mt, ours, x, h, dtype), _run(torch, th, x, h, dtype), dtype)


@pytest.mark.parametrize("mode", MODES)
def test_cell_unrolled_by_hand_matches_torch(mode):
    """A cell applied step by step (the char-RNN way), the state carried in Python."""
    res = []
    for lib, L in ((mt, mnn), (torch, torch.nn)):
        torch.manual_seed(0)
        cell = _make_cell(torch.nn, mode).double()
        mod = _make_cell(L, mode).to(lib.float64)
        mod.load_state_dict(cell.state_dict())
        x = _tensor(lib, np.random.default_rng(0).uniform(-1, 1, (T_LEN, BATCH, I_SIZE)),
                    "float64", True)
        state, total = None, 0
        for t in range(T_LEN):
            state = mod(x[t]) if state is None else mod(x[t], state)
            h = state[0] if mode == "LSTM" else state
            total = total + (h * h).sum()
        total.backward()
        res.append([total.item(), x.grad.numpy()] + [p.grad.numpy() for p in mod.parameters()])
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)


# ------------------------------------------------------------------------------ graphs
def _grads_of(lib, mod, tensors):
    return [None if t.grad is None else t.grad.numpy().copy() for t in tensors] + \
        [p.grad.numpy().copy() for p in mod.parameters()]


@pytest.mark.parametrize("mode", MODES)
def test_double_backward_matches_torch(mode):
    """grad(output, x, create_graph=True), then a loss on that gradient, backward: the
    second-order gradients of x, h0 and the parameters agree with torch."""
    kw = {"num_layers": 2, "bidirectional": True}
    ours, th = _pair(lambda L: _make_seq(L, mode, input_size=3, hidden_size=4, **kw), "float64")
    x, h = _seq_inputs(mode, kw, T=4, B=2, I=3, H=4, hx=True, seed=7)
    h = h[0] if mode == "LSTM" else h
    res = []
    for lib, mod in ((mt, ours), (torch, th)):
        xt, ht = _tensor(lib, x, "float64", True), _tensor(lib, h, "float64", True)
        state = (ht, ht * 0.5) if mode == "LSTM" else ht
        out, _ = mod(xt, state)
        g = lib.from_numpy(np.random.default_rng(8).standard_normal(tuple(out.shape)))
        (gx,) = lib.autograd.grad(out, xt, g, create_graph=True)
        ((gx * gx).sum() + (out * out).sum()).backward()
        res.append(_grads_of(lib, mod, [xt, ht]))
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("detach", [True, False], ids=["detached", "through"])
@pytest.mark.parametrize("mode", MODES)
def test_state_carried_between_chunks_matches_torch(mode, detach):
    """Truncated BPTT: the final state of one chunk starts the next, detached (the
    char-RNN training loop) or not (gradients flow back into the first chunk);
    parameter gradients accumulate over the two backward calls / the one graph."""
    kw = {"num_layers": 2, "batch_first": True}
    ours, th = _pair(lambda L: _make_seq(L, mode, **kw), "float64", train=True)
    rng = np.random.default_rng(11)
    chunks = [rng.uniform(-1, 1, (BATCH, T_LEN, I_SIZE)) for _ in range(3)]
    res = []
    for lib, mod in ((mt, ours), (torch, th)):
        state, total, xs = None, 0, []
        for c in chunks:
            xt = _tensor(lib, c, "float64", True)
            xs.append(xt)
            out, state = mod(xt, state)
            loss = (out * out).mean()
            if detach:
                loss.backward()
                state = tuple(s.detach() for s in state) if mode == "LSTM" else state.detach()
            else:
                total = total + loss
        if not detach:
            total.backward()
        res.append(_grads_of(lib, mod, xs))
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("mode,used", [(m, u) for m in MODES for u in ("output", "h_n")]
                         + [("LSTM", "c_n")])
def test_unused_outputs_get_no_gradient(mode, used):
    """A loss on one of the outputs only (the others get no gradient at all): the output
    alone (sequence labelling), h_n alone (classification from the final state), c_n."""
    kw = {"num_layers": 2, "bidirectional": True}
    ours, th = _pair(lambda L: _make_seq(L, mode, **kw), "float64")
    x, h = _seq_inputs(mode, kw, hx=True, seed=4)
    res = []
    for lib, mod in ((mt, ours), (torch, th)):
        xt = _tensor(lib, x, "float64", True)
        hts = [_tensor(lib, a, "float64", True) for a in (h if mode == "LSTM" else (h,))]
        out, state = mod(xt, tuple(hts) if mode == "LSTM" else hts[0])
        pick = {"output": out, "h_n": state[0] if mode == "LSTM" else state,
                "c_n": state[1] if mode == "LSTM" else None}[used]
        (pick * pick).sum().backward()
        res.append(_grads_of(lib, mod, [xt] + hts))
    for a, b in zip(*res):
        assert a is not None and b is not None
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_strided_inputs_match_torch(mode):
    """Input and initial state handed over as non-contiguous views (a transposed batch,
    a sliced state), in both layouts."""
    for batch_first in (False, True):
        kw = {"num_layers": 2, "bidirectional": True, "batch_first": batch_first}
        ours, th = _pair(lambda L: _make_seq(L, mode, **kw), "float64")
        rng = np.random.default_rng(6)
        x = rng.uniform(-1, 1, (T_LEN, BATCH, I_SIZE) if batch_first else (BATCH, T_LEN, I_SIZE))
        h = rng.uniform(-1, 1, (4, BATCH, 2 * H_SIZE))
        res = []
        for lib, mod in ((mt, ours), (torch, th)):
            xl, hl = _tensor(lib, x, "float64", True), _tensor(lib, h, "float64", True)
            xv, hv = xl.transpose(0, 1), hl[:, :, ::2]
            state = (hv, hl[:, :, 1::2]) if mode == "LSTM" else hv
            out, fin = mod(xv, state)
            outs = [out] + (list(fin) if mode == "LSTM" else [fin])
            ups = [lib.from_numpy(np.random.default_rng(k).standard_normal(tuple(o.shape)))
                   for k, o in enumerate(outs)]
            lib.autograd.backward(outs, ups)
            res.append([o.detach().numpy() for o in outs] + _grads_of(lib, mod, [xl, hl]))
        for a, b in zip(*res):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_no_grad_inference_matches_torch(mode):
    kw = {"num_layers": 2, "bidirectional": True, "batch_first": True}
    ours, th = _pair(lambda L: _make_seq(L, mode, **kw), "float32")
    x, h = _seq_inputs(mode, kw, hx=True)
    outs = []
    for lib, mod in ((mt, ours), (torch, th)):
        hx = tuple(_tensor(lib, a, "float32", False) for a in h) if mode == "LSTM" \
            else _tensor(lib, h, "float32", False)
        with lib.no_grad():
            o = _flatten(mod(_tensor(lib, x, "float32", True), hx))
        assert all(not t.requires_grad and _dname(t.dtype) == "float32" for t in o)
        outs.append([t.numpy() for t in o])
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------------------ dropout
def test_dropout_between_layers_statistics():
    """RNN(relu, 2 layers, dropout p) whose layer 1 is the identity (weight_ih_l1 = I,
    weight_hh_l1 = 0, no bias): its output is exactly dropout(layer 0's output), so in
    training mode each element is 0 or eval/(1-p), a fraction p of them 0, a fresh mask
    per element and per call; h_n of layer 0 is untouched by dropout."""
    p, H = 0.3, 16
    mnn_mod = _make_seq(mnn, "RNN_RELU", input_size=5, hidden_size=H, num_layers=2, dropout=p)
    with mt.no_grad():
        mnn_mod.weight_ih_l1.copy_(mt.eye(H))
        mnn_mod.weight_hh_l1.zero_()
        mnn_mod.bias_ih_l1.zero_()
        mnn_mod.bias_hh_l1.zero_()
    x = _tensor(mt, np.random.default_rng(0).uniform(-1, 1, (40, 8, 5)), "float32", False)
    mt.manual_seed(0)
    ev_out, ev_h = mnn_mod.eval()(x)
    mnn_mod.train()
    tr_out, tr_h = mnn_mod(x)
    tr_out2, _ = mnn_mod(x)
    ev, tr, tr2 = ev_out.detach().numpy(), tr_out.detach().numpy(), tr_out2.detach().numpy()
    assert tr.shape == ev.shape == (40, 8, H) and tr.dtype == np.float32
    np.testing.assert_allclose(tr_h.detach().numpy()[0], ev_h.detach().numpy()[0], rtol=1e-6, atol=1e-7)
    live = ev > 1e-3
    assert live.sum() > 1000
    ratio = tr[live] / ev[live]
    kept = np.abs(ratio - 1 / (1 - p)) < 1e-4
    dropped = ratio == 0
    assert np.all(kept | dropped)
    n = live.sum()
    assert abs(dropped.mean() - p) < 4 * math.sqrt(p * (1 - p) / n)
    assert not np.array_equal(tr, tr2)                     # a new mask each call
    # the last layer's output is never dropped: h_n[1] equals the output's last step
    np.testing.assert_array_equal(tr_h.detach().numpy()[1], tr[-1])


@pytest.mark.parametrize("mode", MODES)
def test_dropout_training_mode_shapes_and_grads(mode):
    """Training with dropout: the output differs from eval, layer 0's final state does
    not, shapes and dtype are right and every parameter (and the input) gets a finite,
    nonzero gradient."""
    kw = {"num_layers": 2, "dropout": 0.5, "bidirectional": True}
    mod = _make_seq(mnn, mode, **kw)
    x, h = _seq_inputs(mode, kw, T=8, B=4, hx=False)
    xt = _tensor(mt, x, "float32", True)
    mod.eval()
    ev_out, ev_state = mod(xt)
    mt.manual_seed(1)
    mod.train()
    out, state = mod(xt)
    assert tuple(out.shape) == (8, 4, 2 * H_SIZE) and _dname(out.dtype) == "float32"
    assert not np.allclose(out.detach().numpy(), ev_out.detach().numpy())
    hn, ev_hn = (state[0], ev_state[0]) if mode == "LSTM" else (state, ev_state)
    assert tuple(hn.shape) == (4, 4, H_SIZE)
    np.testing.assert_allclose(hn.detach().numpy()[:2], ev_hn.detach().numpy()[:2], rtol=1e-6, atol=1e-7)
    (out.sum() + (hn * hn).sum()).backward()
    for name, p in [("input", xt)] + list(mod.named_parameters()):
        g = p.grad.numpy()
        assert _dname(p.grad.dtype) == "float32" and np.all(np.isfinite(g)), name
        assert np.abs(g).max() > 0, name


def test_dropout_single_layer_warns_like_torch_and_is_inert():
    with pytest.warns(UserWarning, match="dropout"):
        torch.nn.LSTM(3, 4, dropout=0.5)
    with pytest.warns(UserWarning, match="dropout"):
        mod = mnn.LSTM(3, 4, dropout=0.5)
    x = mt.randn(5, 2, 3)
    mod.train()
    a, _ = mod(x)
    b, _ = mod.eval()(x)
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6, atol=1e-7)


# ------------------------------------------------------------------------------ layout & init
LAYOUT_CASES = [(m, kw) for m in MODES for kw in (
    {}, {"num_layers": 2}, {"bidirectional": True}, {"num_layers": 3, "bidirectional": True},
    {"num_layers": 2, "bias": False, "bidirectional": True})]


@pytest.mark.parametrize("mode,kw", LAYOUT_CASES,
                         ids=[f"{m}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for m, kw in LAYOUT_CASES])
def test_state_dict_keys_shapes_order_and_attributes_match_torch(mode, kw):
    ours, th = _make_seq(mnn, mode, 5, 7, **kw), _make_seq(torch.nn, mode, 5, 7, **kw)
    sm, st = ours.state_dict(), th.state_dict()
    assert list(sm) == list(st)
    for k in st:
        assert tuple(sm[k].shape) == tuple(st[k].shape), k
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in th.named_parameters()]
    for attr in ("input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout",
                 "bidirectional", "mode"):
        assert getattr(ours, attr) == getattr(th, attr), attr
    if mode.startswith("RNN"):
        assert ours.nonlinearity == th.nonlinearity
    # a loaded torch state dict round-trips exactly
    ours.load_state_dict(st)
    for k, v in ours.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), st[k].numpy())


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("mode", MODES)
def test_cell_state_dict_matches_torch(mode, bias):
    ours, th = _make_cell(mnn, mode, 5, 7, bias=bias), _make_cell(torch.nn, mode, 5, 7, bias=bias)
    sm, st = ours.state_dict(), th.state_dict()
    assert list(sm) == list(st)
    for k in st:
        assert tuple(sm[k].shape) == tuple(st[k].shape), k
    for attr in ("input_size", "hidden_size", "bias"):
        assert getattr(ours, attr) == getattr(th, attr), attr
    if mode.startswith("RNN"):
        assert ours.nonlinearity == th.nonlinearity


@pytest.mark.parametrize("mode", MODES)
def test_default_init_is_uniform_one_over_sqrt_hidden(mode):
    H = 64
    mt.manual_seed(0)
    for mod in (_make_seq(mnn, mode, 10, H, num_layers=2, bidirectional=True),
                _make_cell(mnn, mode, 10, H)):
        bound = 1 / math.sqrt(H)
        everything = []
        for name, p in mod.named_parameters():
            w = p.detach().numpy()
            assert w.dtype == np.float32 and p.requires_grad and p.is_leaf, name
            assert np.abs(w).max() <= bound, name
            everything.append(w.ravel())
        w = np.concatenate(everything)
        assert np.abs(w).max() > 0.999 * bound
        assert abs(w.std() / (bound / math.sqrt(3)) - 1) < 0.02
        assert abs(w.mean()) < 5 * bound / math.sqrt(3) / math.sqrt(w.size)
    # seeded: the same weights again
    mt.manual_seed(3)
    a = _make_seq(mnn, mode, 3, 4).state_dict()
    mt.manual_seed(3)
    b = _make_seq(mnn, mode, 3, 4).state_dict()
    for k in a:
        np.testing.assert_array_equal(a[k].numpy(), b[k].numpy())


@pytest.mark.parametrize("mode", MODES)
def test_dtype_factory_argument_and_to(mode):
    mod = _make_seq(mnn, mode, 3, 4, dtype=mt.float64)
    assert all(p.dtype == mt.float64 for p in mod.parameters())
    cell = _make_cell(mnn, mode, 3, 4, dtype=mt.float64)
    assert all(p.dtype == mt.float64 for p in cell.parameters())
    out, _ = mod(mt.randn(2, 1, 3, dtype=mt.float64))
    assert out.dtype == mt.float64
    mod.float()
    out, _ = mod(mt.randn(2, 1, 3))
    assert out.dtype == mt.float32


def test_repr_matches_torch():
    def build(L):
        return L.ModuleList([
            L.RNN(3, 4), L.RNN(3, 4, nonlinearity="relu"), L.RNN(3, 4, 2, bias=False),
            L.LSTM(3, 4), L.LSTM(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.1,
                                 bidirectional=True),
            L.GRU(3, 4, batch_first=True), L.GRU(3, 4, 3, dropout=0.5, bidirectional=True),
            L.RNNCell(3, 4), L.RNNCell(3, 4, bias=False, nonlinearity="relu"),
            L.LSTMCell(3, 4), L.LSTMCell(3, 4, bias=False), L.GRUCell(3, 4), L.GRUCell(3, 4, False)])
    assert repr(build(mnn)) == repr(build(torch.nn))


# ------------------------------------------------------------------------------ errors
def _errors(lib, L):
    """(callable, exception type, pattern the message must match), the same for both."""
    lstm, gru = L.LSTM(3, 4), L.GRU(3, 4)
    x = lib.randn(5, 2, 3)
    return [
        (lambda: lstm(lib.randn(5, 2, 7)), RuntimeError, r"input_size.*3.*7"),
        (lambda: gru(lib.randn(5, 2, 7)), RuntimeError, r"input_size.*3.*7"),
        (lambda: gru(x, lib.randn(1, 2, 5)), RuntimeError, r"[Hh]idden.*\(1, 2, 4\).*\[1, 2, 5\]"),
        (lambda: gru(x, lib.randn(1, 3, 4)), RuntimeError, r"[Hh]idden.*\(1, 2, 4\).*\[1, 3, 4\]"),
        (lambda: lstm(x, (lib.randn(1, 3, 4), lib.randn(1, 2, 4))), RuntimeError,
         r"[Hh]idden\[0\].*\(1, 2, 4\).*\[1, 3, 4\]"),
        (lambda: lstm(x, (lib.randn(1, 2, 4), lib.randn(2, 2, 4))), RuntimeError,
         r"[Hh]idden\[1\].*\(1, 2, 4\).*\[2, 2, 4\]"),
        (lambda: lstm(lib.randn(5, 3), (lib.randn(1, 2, 4), lib.randn(1, 2, 4))), RuntimeError,
         r"unbatched 2-D input.*2-D"),
        (lambda: gru(lib.randn(2, 5, 2, 3)), ValueError, r"2D or 3D.*4D"),
        (lambda: L.GRUCell(3, 4)(lib.randn(2, 7)), RuntimeError, r"input_size.*7.*3"),
        (lambda: L.GRUCell(3, 4)(lib.randn(2, 3), lib.randn(2, 5)), RuntimeError,
         r"hidden_size.*5.*4"),
        (lambda: L.RNNCell(3, 4)(lib.randn(2, 3), lib.randn(3, 4)), RuntimeError,
         r"batch size 2.*batch size 3"),
        (lambda: L.LSTMCell(3, 4)(lib.randn(2, 3, 3)), ValueError, r"LSTMCell.*1D or 2D.*3D"),
        (lambda: L.RNN(3, 4, nonlinearity="sigmoid"), ValueError, r"nonlinearity 'sigmoid'"),
        (lambda: L.GRU(3, 4, proj_size=2), ValueError, r"proj_size"),
        (lambda: L.RNN(3, 4, dropout=1.5), ValueError, r"dropout"),
        (lambda: L.LSTM(3, 4, num_layers=0), ValueError, r"num_layers"),
        (lambda: L.LSTM(3, 0), ValueError, r"hidden_size"),
    ]


@pytest.mark.parametrize("which", ["torch", "minitorch"])
def test_errors_are_torchs(which):
    lib, L = (torch, torch.nn) if which == "torch" else (mt, mnn)
    for k, (fn, exc, pattern) in enumerate(_errors(lib, L)):
        with pytest.raises(exc, match=pattern):
            fn()


def test_invalid_proj_size_says_so():
    """proj_size must be smaller than hidden_size, as PyTorch requires: a clear error
    naming it (the projections themselves are checked in tests/test_rnn_packing.py)."""
    with pytest.raises(ValueError, match="proj_size"):
        torch.nn.LSTM(3, 4, proj_size=4)
    with pytest.raises(ValueError, match="proj_size"):
        mnn.LSTM(3, 4, proj_size=4)


def test_dtype_mismatch_is_an_error():
    with pytest.raises((RuntimeError, ValueError, TypeError), match="float64"):
        mnn.LSTM(3, 4)(mt.randn(5, 2, 3, dtype=mt.float64))
