"""The recurrent layer Functions (minitorch/functional/recurrent.py): rnn_layer, lstm_layer,
gru_layer.

- against torch's nn.RNN/LSTM/GRU on the same bytes (one layer; the reverse direction
  through a bidirectional torch module), float64 and float32, outputs and every gradient;
- gradcheck (float64, finite differences) for each kind, reverse, without biases, relu;
- gradgradcheck: the recorded backward (create_graph=True) differentiates again;
- the fused path equals the textbook composite of Tensor ops, and MINITORCH_KERNELS=
  reference gives the same results as the default kernels;
- float32 stays float32; truncated BPTT (detaching the state between batches) cuts the
  graph; errors name the function, the argument and the shapes.

Module-level parity against torch over every option is in tests/test_nn_rnn.py.
"""
import numpy as np
import pytest
import torch

import minitorch
from minitorch.autograd import gradcheck, gradgradcheck
from minitorch.functional import recurrent as R
from minitorch.functional.recurrent import rnn_layer, lstm_layer, gru_layer

torch.set_num_threads(1)

GATES = {"tanh": 1, "relu": 1, "lstm": 4, "gru": 3}


def _arrays(kind, T=4, B=3, I=3, H=5, seed=0, scale=0.5):
    """x, h0, c0, w_ih, w_hh, b_ih, b_hh as float64 arrays (c0 only used by the LSTM)."""
    rng = np.random.default_rng(seed)
    G = GATES[kind]
    return [rng.standard_normal((T, B, I)), rng.standard_normal((B, H)) * scale,
            rng.standard_normal((B, H)) * scale, rng.standard_normal((G * H, I)) * scale,
            rng.standard_normal((G * H, H)) * scale, rng.standard_normal(G * H) * scale,
            rng.standard_normal(G * H) * scale]


def _call(kind, ts, reverse=False, bias=True):
    """Run the layer Function for `kind` on tensors ts = [x, h0, c0, w_ih, w_hh, b_ih, b_hh];
    returns the tuple of outputs."""
    x, h0, c0, w_ih, w_hh, b_ih, b_hh = ts
    if not bias:
        b_ih = b_hh = None
    if kind == "lstm":
        return lstm_layer(x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse=reverse)
    if kind == "gru":
        return gru_layer(x, h0, w_ih, w_hh, b_ih, b_hh, reverse=reverse)
    return rnn_layer(x, h0, w_ih, w_hh, b_ih, b_hh, nonlinearity=kind, reverse=reverse)


def _composite(kind, ts, reverse=False, bias=True):
    x, h0, c0, w_ih, w_hh, b_ih, b_hh = ts
    if not bias:
        b_ih = b_hh = None
    if kind == "lstm":
        return R._lstm_layer_ops(x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse=reverse)
    if kind == "gru":
        return R._gru_layer_ops(x, h0, w_ih, w_hh, b_ih, b_hh, reverse=reverse)
    return R._rnn_layer_ops(x, h0, w_ih, w_hh, b_ih, b_hh, nonlinearity=kind, reverse=reverse)


def _used(kind, bias=True):
    """Indices of the inputs a layer of this kind uses."""
    idx = [0, 1, 3, 4] + ([5, 6] if bias else [])
    return idx + [2] if kind == "lstm" else idx


def _mt(arrays, dtype="float64", grad=True):
    return [minitorch.tensor(a.astype(dtype), requires_grad=grad) for a in arrays]


def _run_mt(kind, arrays, dtype="float64", reverse=False, bias=True, fn=_call, gseed=1):
    """Outputs and gradients of every used input, for a random upstream gradient."""
    ts = _mt(arrays, dtype)
    outs = fn(kind, ts, reverse, bias)
    rng = np.random.default_rng(gseed)
    gs = [minitorch.tensor(rng.standard_normal(o.shape).astype(dtype)) for o in outs]
    minitorch.autograd.backward(list(outs), gs)
    return ([o.detach().numpy() for o in outs],
            {i: ts[i].grad.numpy() for i in _used(kind, bias)})


def _run_torch(kind, arrays, dtype, reverse=False, bias=True, gseed=1):
    """The same with torch's modules (reverse: the backward half of a bidirectional one)."""
    tdt = getattr(torch, dtype)
    ts = [torch.tensor(a, dtype=tdt, requires_grad=True) for a in arrays]
    x, h0, c0, w_ih, w_hh, b_ih, b_hh = ts
    T, B, I = arrays[0].shape
    H = arrays[1].shape[1]
    cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}.get(kind, torch.nn.RNN)
    kw = {} if kind in ("lstm", "gru") else {"nonlinearity": kind}
    m = cls(I, H, bias=bias, bidirectional=reverse, **kw).to(tdt)
    sfx = "_reverse" if reverse else ""
    params = dict(m.named_parameters())
    params.update({f"weight_ih_l0{sfx}": w_ih, f"weight_hh_l0{sfx}": w_hh})
    if bias:
        params.update({f"bias_ih_l0{sfx}": b_ih, f"bias_hh_l0{sfx}": b_hh})
    nd = 2 if reverse else 1
    hx = h0.unsqueeze(0).expand(nd, B, H)
    if kind == "lstm":
        hx = (hx, c0.unsqueeze(0).expand(nd, B, H))
    out, hn = torch.func.functional_call(m, params, (x, hx))
    out = out[..., H:] if reverse else out
    outs = [out, hn[0][-1], hn[1][-1]] if kind == "lstm" else [out, hn[-1]]
    rng = np.random.default_rng(gseed)
    gs = [torch.tensor(rng.standard_normal(o.shape), dtype=tdt) for o in outs]
    torch.autograd.backward(outs, gs)
    return ([o.detach().numpy() for o in outs],
            {i: ts[i].grad.numpy() for i in _used(kind, bias)})


def _assert_same(a, b, rtol, atol):
    outs_a, grads_a = a
    outs_b, grads_b = b
    for k, (x, y) in enumerate(zip(outs_a, outs_b)):
        assert x.shape == y.shape and x.dtype == y.dtype, f"output {k}"
        np.testing.assert_allclose(x, y, rtol=rtol, atol=atol, err_msg=f"output {k}")
    assert grads_a.keys() == grads_b.keys()
    for i in grads_a:
        assert grads_a[i].dtype == grads_b[i].dtype, f"grad of input {i}"
        np.testing.assert_allclose(grads_a[i], grads_b[i], rtol=rtol, atol=atol,
                                   err_msg=f"grad of input {i}")


KINDS = ["tanh", "relu", "lstm", "gru"]


# ------------------------------------------------------------------------ torch parity
@pytest.mark.parametrize("dtype,tol", [("float64", 1e-10), ("float32", 1e-5)])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("kind", KINDS)
def test_matches_torch(kind, reverse, dtype, tol):
    arrays = _arrays(kind)
    _assert_same(_run_mt(kind, arrays, dtype, reverse), _run_torch(kind, arrays, dtype, reverse),
                 rtol=tol, atol=tol)


@pytest.mark.parametrize("kind", KINDS)
def test_matches_torch_without_bias(kind):
    arrays = _arrays(kind, seed=3)
    _assert_same(_run_mt(kind, arrays, bias=False), _run_torch(kind, arrays, "float64",
                                                               bias=False), 1e-10, 1e-10)


# ------------------------------------------------------------------------ gradcheck
def _fn(kind, reverse=False, bias=True):
    def f(*ts):
        return _call(kind, list(ts), reverse, bias)
    return f


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("kind", KINDS)
def test_gradcheck(kind, reverse):
    ts = _mt(_arrays(kind, T=3, B=2, I=2, H=2, seed=5))
    assert gradcheck(_fn(kind, reverse), tuple(ts))


@pytest.mark.parametrize("kind", KINDS)
def test_gradcheck_without_bias_noncontiguous(kind):
    ts = _mt(_arrays(kind, T=2, B=2, I=2, H=2, seed=6))
    assert gradcheck(_fn(kind, True, bias=False), tuple(ts), check_noncontiguous=True)


@pytest.mark.parametrize("kind", KINDS)
def test_gradgradcheck(kind):
    ts = _mt(_arrays(kind, T=2, B=2, I=2, H=2, seed=7))
    assert gradgradcheck(_fn(kind, kind == "gru"), tuple(ts), per_element_limit=0)


def test_gradgradcheck_lstm_without_bias_reverse():
    ts = _mt(_arrays("lstm", T=2, B=1, I=2, H=2, seed=8))
    assert gradgradcheck(_fn("lstm", True, bias=False), tuple(ts), per_element_limit=0)


def test_double_backward_with_a_tensor_passed_twice():
    """The same tensor as h0 and c0 (and the recorded backward targets it twice)."""
    a = _arrays("lstm", T=2, B=2, I=2, H=2, seed=9)
    ts = _mt(a)
    s = ts[1]

    def f(x, s, w_ih, w_hh):
        return lstm_layer(x, s, s, w_ih, w_hh)

    assert gradgradcheck(f, (ts[0], s, ts[3], ts[4]), per_element_limit=0)


@pytest.mark.parametrize("kind", KINDS)
def test_recorded_backward_equals_array_backward(kind):
    """create_graph=True (composite recompute) and the lean array backward agree."""
    arrays = _arrays(kind, seed=10)
    rng = np.random.default_rng(0)
    res = []
    for create in (False, True):
        ts = _mt(arrays)
        outs = _call(kind, ts)
        gs = [minitorch.tensor(rng.standard_normal(o.shape)) for o in outs]
        rng = np.random.default_rng(0)
        used = [ts[i] for i in _used(kind)]
        grads = minitorch.autograd.grad(list(outs), used, gs, create_graph=create)
        assert all(g.requires_grad == create for g in grads)
        res.append([g.detach().numpy() for g in grads])
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------------ fused vs composite
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("kind", KINDS)
def test_fused_equals_composite(kind, reverse, bias):
    arrays = _arrays(kind, T=5, B=2, I=3, H=4, seed=11)
    _assert_same(_run_mt(kind, arrays, reverse=reverse, bias=bias),
                 _run_mt(kind, arrays, reverse=reverse, bias=bias, fn=_composite),
                 rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_reference_kernels_give_the_same_results(kind, dtype, monkeypatch):
    arrays = _arrays(kind, seed=12)
    fast = _run_mt(kind, arrays, dtype, reverse=True)
    monkeypatch.setenv("MINITORCH_KERNELS", "reference")
    ref = _run_mt(kind, arrays, dtype, reverse=True)
    tol = 1e-12 if dtype == "float64" else 2e-6
    _assert_same(fast, ref, rtol=tol, atol=tol)


# ------------------------------------------------------------------------ dtype
@pytest.mark.parametrize("kind", KINDS)
def test_float32_stays_float32(kind):
    outs, grads = _run_mt(kind, _arrays(kind), "float32", reverse=True)
    assert all(o.dtype == np.float32 for o in outs)
    assert all(g.dtype == np.float32 for g in grads.values())


def test_only_the_inputs_that_need_grad_get_one():
    a = _arrays("lstm", seed=13)
    ts = [minitorch.tensor(v, requires_grad=i in (3, 6)) for i, v in enumerate(a)]
    out, h, c = _call("lstm", ts)
    (out.sum() + c.sum()).backward()
    assert ts[3].grad is not None and ts[6].grad is not None
    assert all(ts[i].grad is None for i in (0, 1, 2, 4, 5))
    # the gradient of b_ih equals that of b_hh: both enter the gates the same way
    ts2 = _mt(a)
    out, h, c = _call("lstm", ts2)
    (out.sum() + c.sum()).backward()
    np.testing.assert_allclose(ts[6].grad.numpy(), ts2[5].grad.numpy(), rtol=1e-13)
    np.testing.assert_allclose(ts[3].grad.numpy(), ts2[3].grad.numpy(), rtol=1e-13)


def test_outputs_are_independent_arrays():
    """h_n is not a view of out: changing one in place leaves the other."""
    ts = _mt(_arrays("gru"), grad=False)
    out, h = _call("gru", ts)
    last = out[-1].numpy().copy()
    h.add_(1.0)
    np.testing.assert_array_equal(out[-1].numpy(), last)


# ------------------------------------------------------------------------ truncated BPTT
def test_detached_state_cuts_the_graph_between_batches():
    """Truncated BPTT: the second batch starts from the first one's detached state; its
    loss reaches the parameters and its own input only, exactly as if the state were a
    constant, and backward works although the first graph was freed."""
    rng = np.random.default_rng(14)
    T, B, I, H = 4, 2, 3, 5
    model = minitorch.nn.LSTM(I, H).double()
    params = list(model.parameters())
    x1 = minitorch.tensor(rng.standard_normal((T, B, I)), requires_grad=True)
    x2 = minitorch.tensor(rng.standard_normal((T, B, I)), requires_grad=True)
    out1, (h, c) = model(x1)
    out1.sum().backward()
    for p in params:
        p.grad = None
    x1.grad = None
    h, c = h.detach(), c.detach()
    out2, _ = model(x2, (h, c))
    (out2 * out2).sum().backward()
    assert x1.grad is None                  # nothing flows back into the first batch
    got = [p.grad.numpy().copy() for p in params]
    # the same as starting from a constant state
    for p in params:
        p.grad = None
    h0 = minitorch.tensor(h.numpy().copy())
    c0 = minitorch.tensor(c.numpy().copy())
    out3, _ = model(x2, (h0, c0))
    (out3 * out3).sum().backward()
    for a, p in zip(got, params):
        np.testing.assert_allclose(a, p.grad.numpy(), rtol=1e-13, atol=1e-14)


def test_without_detach_the_second_backward_reaches_the_freed_graph():
    rng = np.random.default_rng(15)
    cell = minitorch.nn.GRU(3, 4).double()
    x = minitorch.tensor(rng.standard_normal((3, 2, 3)))
    out, h = cell(x)
    out.sum().backward()
    out2, _ = cell(x, h)                     # h still carries the first graph
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        out2.sum().backward()


# ------------------------------------------------------------------------ errors
def _t(*shape, dtype="float64"):
    return minitorch.zeros(*shape, dtype=getattr(minitorch, dtype))


def test_errors_name_the_function_argument_and_shapes():
    x, h = _t(4, 2, 3), _t(2, 5)
    w_ih, w_hh = _t(20, 3), _t(20, 5)
    with pytest.raises(RuntimeError, match=r"lstm_layer\(\).*3-D.*\(2, 3\)"):
        lstm_layer(_t(2, 3), h, h, w_ih, w_hh)
    with pytest.raises(RuntimeError, match=r"lstm_layer\(\): w_ih must be .*\(20, 3\).*\(20, 4\)"):
        lstm_layer(x, h, h, _t(20, 4), w_hh)
    with pytest.raises(RuntimeError, match=r"lstm_layer\(\): w_hh must be"):
        lstm_layer(x, h, h, w_ih, _t(15, 5))
    with pytest.raises(RuntimeError, match=r"lstm_layer\(\): c0 must be .*\(2, 5\).*\(3, 5\)"):
        lstm_layer(x, h, _t(3, 5), w_ih, w_hh)
    with pytest.raises(RuntimeError, match=r"lstm_layer\(\): b_hh must be .*\(20,\).*\(5,\)"):
        lstm_layer(x, h, h, w_ih, w_hh, _t(20), _t(5))
    with pytest.raises(RuntimeError, match=r"gru_layer\(\): h0 must be"):
        gru_layer(x, _t(2, 4), _t(15, 3), _t(15, 5))
    with pytest.raises(RuntimeError,
                       match=r"rnn_layer\(\): expected w_hh to have the input's dtype"):
        rnn_layer(x, h, _t(5, 3), _t(5, 5, dtype="float32"))
    with pytest.raises(RuntimeError, match=r"sequence length"):
        rnn_layer(_t(0, 2, 3), h, _t(5, 3), _t(5, 5))
    with pytest.raises(ValueError, match=r"Unknown nonlinearity 'sigmoid'"):
        rnn_layer(x, h, _t(5, 3), _t(5, 5), nonlinearity="sigmoid")
    with pytest.raises(TypeError, match=r"gru_layer\(\): argument 'h0' must be Tensor"):
        gru_layer(x, np.zeros((2, 5)), _t(15, 3), _t(15, 5))
    with pytest.raises(RuntimeError, match=r"floating point"):
        rnn_layer(minitorch.zeros(4, 2, 3, dtype=minitorch.int64), h, _t(5, 3), _t(5, 5))
