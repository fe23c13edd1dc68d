"""nn.utils.rnn (pad/pack/unpack) and RNN/LSTM/GRU on PackedSequence, against PyTorch on
the same inputs and weights: values, lengths, indices, gradients and final states."""
import numpy as np
import pytest
import torch

import minitorch as mt

torch.set_num_threads(1)
RNG = np.random.default_rng(1234)


def _np(t):
    return t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else t.detach().numpy()


def _close(a, b, tol=1e-10):
    np.testing.assert_allclose(_np(a), _np(b), rtol=tol, atol=tol)


def _utils(lib):
    return lib.nn.utils.rnn


# ------------------------------------------------------------------ packing utilities
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pack_padded_matches_torch(batch_first, enforce_sorted):
    lengths = [5, 3, 3, 1] if enforce_sorted else [3, 5, 1, 3]
    shape = (4, 5, 2) if batch_first else (5, 4, 2)
    x = RNG.standard_normal(shape)
    outs = []
    for lib in (torch, mt):
        p = _utils(lib).pack_padded_sequence(lib.tensor(x), lengths, batch_first=batch_first,
                                             enforce_sorted=enforce_sorted)
        outs.append(p)
    pt, pm = outs
    assert isinstance(pm, mt.nn.utils.rnn.PackedSequence)
    assert isinstance(pm, tuple) and pm._fields == pt._fields
    _close(pt.data, pm.data)
    assert pm.batch_sizes.tolist() == pt.batch_sizes.tolist()
    assert pm.batch_sizes.dtype == mt.int64 and pm.batch_sizes.device.type == "cpu"
    if enforce_sorted:
        assert pm.sorted_indices is None and pm.unsorted_indices is None
    else:
        assert pm.sorted_indices.tolist() == pt.sorted_indices.tolist()
        assert pm.unsorted_indices.tolist() == pt.unsorted_indices.tolist()


@pytest.mark.parametrize("batch_first", [False, True])
def test_pad_packed_roundtrip_lengths_and_total_length(batch_first):
    seqs = [RNG.standard_normal((n, 3)) for n in (2, 4, 1, 4)]
    res = []
    for lib in (torch, mt):
        packed = _utils(lib).pack_sequence([lib.tensor(s) for s in seqs], enforce_sorted=False)
        padded, lengths = _utils(lib).pad_packed_sequence(packed, batch_first=batch_first,
                                                          padding_value=-2.5, total_length=6)
        res.append((padded, lengths))
    (pt, lt), (pm, lm) = res
    _close(pt, pm)
    assert tuple(pm.shape) == tuple(pt.shape)
    assert lm.tolist() == lt.tolist() == [2, 4, 1, 4]
    assert lm.dtype == mt.int64


def test_packing_gradients_match_torch():
    seqs = [RNG.standard_normal((n, 2)) for n in (3, 1, 4)]
    g = RNG.standard_normal((4, 3, 2))
    grads = []
    for lib in (torch, mt):
        xs = [lib.tensor(s, requires_grad=True) for s in seqs]
        packed = _utils(lib).pack_sequence(xs, enforce_sorted=False)
        padded, _ = _utils(lib).pad_packed_sequence(packed, padding_value=7.0)
        (padded * lib.tensor(g)).sum().backward()
        grads.append([x.grad for x in xs])
    for a, b in zip(*grads):
        _close(a, b)


def test_pad_sequence_options_match_torch():
    seqs = [RNG.standard_normal((n, 2, 3)) for n in (3, 5, 1)]
    for kw in ({}, {"batch_first": True}, {"padding_value": 4.0},
               {"padding_side": "left"}, {"batch_first": True, "padding_side": "left"}):
        t = _utils(torch).pad_sequence([torch.tensor(s) for s in seqs], **kw)
        m = _utils(mt).pad_sequence([mt.tensor(s) for s in seqs], **kw)
        _close(t, m)
    # a tensor is taken as the list of its rows
    x = RNG.standard_normal((2, 3))
    _close(_utils(torch).pad_sequence(torch.tensor(x)), _utils(mt).pad_sequence(mt.tensor(x)))


def test_unpack_and_unpad_sequence_match_torch():
    seqs = [RNG.standard_normal((n, 2)) for n in (2, 4, 3)]
    t = _utils(torch).unpack_sequence(
        _utils(torch).pack_sequence([torch.tensor(s) for s in seqs], enforce_sorted=False))
    m = _utils(mt).unpack_sequence(
        _utils(mt).pack_sequence([mt.tensor(s) for s in seqs], enforce_sorted=False))
    assert len(t) == len(m) == 3
    for a, b in zip(t, m):
        _close(a, b)
    padded = RNG.standard_normal((4, 3, 2))
    t = _utils(torch).unpad_sequence(torch.tensor(padded), torch.tensor([2, 4, 3]))
    m = _utils(mt).unpad_sequence(mt.tensor(padded), mt.tensor([2, 4, 3]))
    for a, b in zip(t, m):
        _close(a, b)


@pytest.mark.parametrize("call, exc", [
    (lambda u, lib: u.pack_padded_sequence(lib.ones(3, 2, 1), [1, 3]), RuntimeError),
    (lambda u, lib: u.pack_padded_sequence(lib.ones(3, 2, 1), [3, 0]), RuntimeError),
    (lambda u, lib: u.pack_padded_sequence(lib.ones(3, 2, 1), [3]), RuntimeError),
    (lambda u, lib: u.pad_sequence([]), RuntimeError),
    (lambda u, lib: u.pad_sequence([lib.ones(2), lib.ones(3)], padding_side="mid"),
     RuntimeError),
    (lambda u, lib: u.pad_packed_sequence(u.pack_sequence([lib.ones(3), lib.ones(2)]),
                                          total_length=2), ValueError),
])
def test_errors_match_torch(call, exc):
    with pytest.raises(exc) as et:
        call(_utils(torch), torch)
    with pytest.raises(exc) as em:
        call(_utils(mt), mt)
    assert str(em.value).split(",")[0] == str(et.value).split(",")[0]


def test_packed_sequence_methods():
    p = _utils(mt).pack_sequence([mt.ones(3, 2), mt.ones(1, 2)])
    assert p.is_cuda is False and p.is_pinned() is False
    assert p.to(mt.float32) is p
    d = p.double()
    assert d.data.dtype == mt.float64 and d.batch_sizes is p.batch_sizes
    assert p.cpu().data.dtype == mt.float32
    data, batch_sizes, sorted_indices, unsorted_indices = p
    assert batch_sizes.tolist() == [2, 1, 1]
    q = _utils(mt).PackedSequence(p.data, p.batch_sizes, mt.tensor([1, 0]))
    assert q.unsorted_indices.tolist() == [1, 0]
    assert _utils(mt).invert_permutation(mt.tensor([2, 0, 1])).tolist() == [1, 2, 0]
    assert _utils(mt).invert_permutation(None) is None


# ------------------------------------------------------------------ recurrent layers
def _run(lib, mod, mode, seqs, h0, batch_first_pack=False):
    xs = [lib.tensor(s, requires_grad=True) for s in seqs]
    packed = _utils(lib).pack_sequence(xs, enforce_sorted=False)
    h = lib.tensor(h0, requires_grad=True)
    hx = (h, h * 0.5) if mode == "LSTM" else h
    out, hn = mod(packed, hx)
    assert isinstance(out, _utils(lib).PackedSequence)
    padded, lengths = _utils(lib).pad_packed_sequence(out, batch_first=True)
    states = list(hn) if mode == "LSTM" else [hn]
    loss = (padded ** 2).sum() + sum((s ** 3).sum() for s in states)
    loss.backward()
    return padded, states, out, [x.grad for x in xs], h.grad, [p.grad for p in mod.parameters()]


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("bidirectional, layers", [(False, 1), (True, 1), (False, 2),
                                                   (True, 2)])
def test_rnn_on_packed_sequence_matches_torch(mode, bidirectional, layers):
    torch.manual_seed(0)
    t = getattr(torch.nn, mode)(3, 4, num_layers=layers, bidirectional=bidirectional).double()
    m = getattr(mt.nn, mode)(3, 4, num_layers=layers, bidirectional=bidirectional).double()
    m.load_state_dict(t.state_dict())
    seqs = [RNG.standard_normal((n, 3)) for n in (3, 5, 1, 5, 2)]
    nd = 2 if bidirectional else 1
    h0 = RNG.standard_normal((layers * nd, 5, 4)) * 0.5
    rt = _run(torch, t, mode, seqs, h0)
    rm = _run(mt, m, mode, seqs, h0)
    _close(rt[0], rm[0])                                     # outputs
    for a, b in zip(rt[1], rm[1]):                           # final states, original order
        _close(a, b)
    _close(rt[2].data, rm[2].data)                           # packed output rows
    assert rm[2].batch_sizes.tolist() == rt[2].batch_sizes.tolist()
    assert rm[2].unsorted_indices.tolist() == rt[2].unsorted_indices.tolist()
    for a, b in zip(rt[3], rm[3]):                           # input gradients
        _close(a, b)
    _close(rt[4], rm[4])                                     # h0 gradient
    for a, b in zip(rt[5], rm[5]):                           # weight gradients
        _close(a, b)


def test_final_state_is_each_sequences_last_step():
    """h_n of a sequence equals the output at its own last step (forward direction)."""
    m = mt.nn.GRU(2, 3).double()
    seqs = [mt.tensor(RNG.standard_normal((n, 2))) for n in (4, 2, 3)]
    out, hn = m(_utils(mt).pack_sequence(seqs, enforce_sorted=False))
    padded, lengths = _utils(mt).pad_packed_sequence(out)
    for b, n in enumerate(lengths.tolist()):
        _close(padded[n - 1, b], hn[0, b])
    # and equals running the sequence alone
    for b, s in enumerate(seqs):
        _, h_alone = m(s.unsqueeze(1))
        _close(h_alone[0, 0], hn[0, b])


def test_packed_lstm_float32_stays_float32_and_no_hx():
    m = mt.nn.LSTM(3, 2, batch_first=True)
    p = _utils(mt).pack_padded_sequence(mt.randn(2, 4, 3), [4, 2], batch_first=True)
    out, (h, c) = m(p)
    assert out.data.dtype == mt.float32 and h.dtype == mt.float32 and c.dtype == mt.float32
    assert tuple(h.shape) == (1, 2, 2)


def test_packed_hidden_size_error_matches_torch():
    with pytest.raises(RuntimeError, match="Expected hidden size"):
        torch.nn.GRU(2, 3)(_utils(torch).pack_sequence([torch.ones(2, 2)]), torch.zeros(1, 2, 3))
    with pytest.raises(RuntimeError, match="Expected hidden size"):
        mt.nn.GRU(2, 3)(_utils(mt).pack_sequence([mt.ones(2, 2)]), mt.zeros(1, 2, 3))


# ------------------------------------------------------------------ LSTM projections
@pytest.mark.parametrize("bidirectional, layers, bias, packed", [
    (False, 1, True, False), (True, 2, True, False), (False, 2, False, True),
    (True, 1, True, True)])
def test_lstm_proj_size_matches_torch(bidirectional, layers, bias, packed):
    torch.manual_seed(0)
    kw = dict(num_layers=layers, bidirectional=bidirectional, proj_size=2, bias=bias)
    t = torch.nn.LSTM(3, 5, **kw).double()
    m = mt.nn.LSTM(3, 5, **kw).double()
    assert [n for n, _ in m.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert repr(m) == repr(t)
    m.load_state_dict(t.state_dict())
    nd = 2 if bidirectional else 1
    seqs = [RNG.standard_normal((n, 3)) for n in (3, 5, 2)]
    x = RNG.standard_normal((4, 3, 3))
    h0 = RNG.standard_normal((layers * nd, 3, 2))
    c0 = RNG.standard_normal((layers * nd, 3, 5))
    res = []
    for lib, mod in ((torch, t), (mt, m)):
        if packed:
            xs = [lib.tensor(s, requires_grad=True) for s in seqs]
            inp, xg = _utils(lib).pack_sequence(xs, enforce_sorted=False), xs[1]
        else:
            inp = xg = lib.tensor(x, requires_grad=True)
        hx = (lib.tensor(h0, requires_grad=True), lib.tensor(c0, requires_grad=True))
        out, (h, c) = mod(inp, hx)
        o = out.data if packed else out
        ((o ** 2).sum() + (h ** 3).sum() + (c ** 2).sum()).backward()
        res.append([o, h, c, xg.grad, hx[0].grad, hx[1].grad] +
                   [p.grad for p in mod.parameters()])
    for a, b in zip(*res):
        _close(a, b)


def test_lstm_proj_size_errors_match_torch():
    for kw in ({"proj_size": 5}, {"proj_size": -1}):
        with pytest.raises(ValueError) as et:
            torch.nn.LSTM(3, 5, **kw)
        with pytest.raises(ValueError) as em:
            mt.nn.LSTM(3, 5, **kw)
        assert str(em.value) == str(et.value)
    with pytest.raises(RuntimeError, match=r"Expected hidden\[0\] size \(1, 2, 2\)"):
        mt.nn.LSTM(3, 4, proj_size=2)(mt.randn(5, 2, 3), (mt.zeros(1, 2, 4), mt.zeros(1, 2, 4)))
    y, (h, c) = mt.nn.LSTM(3, 4, proj_size=2)(mt.randn(5, 3))      # unbatched, float32
    assert tuple(y.shape) == (5, 2) and tuple(h.shape) == (1, 2) and tuple(c.shape) == (1, 4)
    assert y.dtype == mt.float32
