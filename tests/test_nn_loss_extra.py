"""The losses added for real PyTorch programs, against PyTorch on the same inputs.

- Loss modules (KLDivLoss, PoissonNLLLoss, GaussianNLLLoss, the margin / hinge / embedding
  losses, the triplet losses, CTCLoss): output and every input's gradient compared with
  torch's under their options, plus attributes, buffers, reprs.
- Every existing loss's options against torch: weight, ignore_index, label_smoothing,
  probability targets, pos_weight, reduction and the legacy size_average / reduce flags.
- CTC over random lengths, both target layouts, float32 and float64.
- Errors and warnings where PyTorch raises or warns.
The differentiable functions themselves are in the op table
(minitorch/testing/op_table_nn_layers.py), checked by tests/test_ops.py.
"""
import itertools
import warnings

import numpy as np
import pytest
import torch

import minitorch
import minitorch.nn as nn
import minitorch.nn.functional as F

torch.set_num_threads(1)

TOL = {"float64": (1e-7, 1e-9), "float32": (1e-4, 1e-5)}


def _pair(arr, dtype=None, grad=False):
    """The same array as a minitorch and a torch tensor (floats cast to `dtype`)."""
    a = np.asarray(arr)
    if dtype is not None and a.dtype.kind == "f":
        a = a.astype(dtype)
    m, t = minitorch.from_numpy(a.copy()), torch.from_numpy(a.copy())
    if grad:
        m.requires_grad_()
        t.requires_grad_()
    return m, t


def _run(mt_loss, th_loss, arrays, diff, dtype="float64", seed=1):
    """Call both losses on the same inputs (those flagged in `diff` require grad); compare
    the value and the gradients of the flagged inputs under a random upstream gradient."""
    rtol, atol = TOL[dtype]
    pairs = [_pair(a, dtype, d) for a, d in zip(arrays, diff)]
    ym = mt_loss(*[m for m, _ in pairs])
    yt = th_loss(*[t for _, t in pairs])
    assert tuple(ym.shape) == tuple(yt.shape)
    assert str(ym.dtype).split(".")[-1] == str(yt.dtype).split(".")[-1]
    np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), rtol=rtol, atol=atol)
    g = np.random.default_rng(seed).standard_normal(tuple(yt.shape)).astype(dtype)
    ym.backward(minitorch.from_numpy(g.copy()))
    yt.backward(torch.from_numpy(g.copy()))
    for (m, t), d in zip(pairs, diff):
        if d:
            assert m.grad is not None and m.grad.dtype == m.dtype
            np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=atol)
    return ym, yt


RNG = np.random.default_rng(0)


def _pm1(shape, seed=0):
    return np.random.default_rng(seed).choice([-1.0, 1.0], shape)


# ------------------------------------------------------------------------------ new modules
def _kl():
    x = np.log(np.random.default_rng(0).dirichlet(np.ones(5), 4))
    t = np.random.default_rng(1).dirichlet(np.ones(5), 4)
    return [x, t]


NEW_MODULES = [
    ("KLDivLoss_batchmean", lambda L: L.KLDivLoss(reduction="batchmean"), _kl(), (True, True)),
    ("KLDivLoss_sum_log_target", lambda L: L.KLDivLoss(reduction="sum", log_target=True),
     [_kl()[0], np.log(_kl()[1])], (True, True)),
    ("KLDivLoss_none", lambda L: L.KLDivLoss(reduction="none"), _kl(), (True, False)),
    ("PoissonNLLLoss", lambda L: L.PoissonNLLLoss(), [RNG.standard_normal((3, 4)),
                                                      RNG.poisson(2.0, (3, 4)).astype(float)],
     (True, False)),
    ("PoissonNLLLoss_rate_full", lambda L: L.PoissonNLLLoss(log_input=False, full=True, eps=1e-4,
                                                            reduction="sum"),
     [RNG.uniform(0.2, 3, (3, 4)), RNG.poisson(2.0, (3, 4)).astype(float)], (True, False)),
    ("GaussianNLLLoss", lambda L: L.GaussianNLLLoss(), [RNG.standard_normal((4, 3)),
                                                        RNG.standard_normal((4, 3)),
                                                        RNG.uniform(0.3, 2, (4, 3))],
     (True, True, True)),
    ("GaussianNLLLoss_full_short_var", lambda L: L.GaussianNLLLoss(full=True, reduction="none"),
     [RNG.standard_normal((4, 3)), RNG.standard_normal((4, 3)), RNG.uniform(0.3, 2, (4,))],
     (True, False, True)),
    ("MarginRankingLoss", lambda L: L.MarginRankingLoss(margin=0.2),
     [RNG.standard_normal(6), RNG.standard_normal(6), _pm1(6)], (True, True, False)),
    ("HingeEmbeddingLoss", lambda L: L.HingeEmbeddingLoss(margin=1.5, reduction="sum"),
     [RNG.uniform(0, 3, (3, 4)), _pm1((3, 4))], (True, False)),
    ("CosineEmbeddingLoss", lambda L: L.CosineEmbeddingLoss(margin=0.1),
     [RNG.standard_normal((5, 3)), RNG.standard_normal((5, 3)), _pm1(5)], (True, True, False)),
    ("SoftMarginLoss", lambda L: L.SoftMarginLoss(reduction="none"),
     [RNG.standard_normal((3, 4)), _pm1((3, 4))], (True, False)),
    ("MultiLabelSoftMarginLoss", lambda L: L.MultiLabelSoftMarginLoss(),
     [RNG.standard_normal((3, 4)), RNG.integers(0, 2, (3, 4)).astype(float)], (True, False)),
    ("MultiLabelMarginLoss", lambda L: L.MultiLabelMarginLoss(),
     [RNG.standard_normal((2, 4)), np.array([[3, 0, -1, 1], [0, 1, 2, 3]])], (True, False)),
    ("MultiMarginLoss", lambda L: L.MultiMarginLoss(p=2, margin=0.7),
     [RNG.standard_normal((5, 4)), RNG.integers(0, 4, 5)], (True, False)),
    ("TripletMarginLoss", lambda L: L.TripletMarginLoss(margin=1.5, p=1.0, swap=True),
     [RNG.standard_normal((4, 3)) for _ in range(3)], (True, True, True)),
    ("TripletMarginWithDistanceLoss", lambda L: L.TripletMarginWithDistanceLoss(margin=2.0),
     [RNG.standard_normal((4, 3)) for _ in range(3)], (True, True, True)),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,make,arrays,diff", NEW_MODULES, ids=[m[0] for m in NEW_MODULES])
def test_new_loss_modules_match_torch(name, make, arrays, diff, dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _run(make(nn), make(torch.nn), arrays, diff, dtype)


def test_weighted_new_losses_keep_weight_buffers():
    w = np.array([0.5, 1.0, 2.0, 1.5])
    for name in ("MultiMarginLoss", "MultiLabelSoftMarginLoss"):
        wm, wt = _pair(w)
        lm, lt = getattr(nn, name)(weight=wm), getattr(torch.nn, name)(weight=wt)
        assert list(lm.state_dict()) == list(lt.state_dict()) == ["weight"]
        x = RNG.standard_normal((5, 4))
        tgt = RNG.integers(0, 4, 5) if name == "MultiMarginLoss" else \
            RNG.integers(0, 2, (5, 4)).astype(float)
        _run(lm, lt, [x, tgt], (True, False))
        assert list(getattr(nn, name)().state_dict()) == []


def test_loss_attributes_and_reprs_match_torch():
    cases = [("KLDivLoss", {}), ("KLDivLoss", {"reduction": "batchmean", "log_target": True}),
             ("PoissonNLLLoss", {"full": True}), ("GaussianNLLLoss", {"eps": 1e-3}),
             ("MarginRankingLoss", {"margin": 0.5}), ("HingeEmbeddingLoss", {}),
             ("CosineEmbeddingLoss", {}), ("SoftMarginLoss", {}), ("MultiLabelMarginLoss", {}),
             ("MultiMarginLoss", {"p": 2}), ("TripletMarginLoss", {"swap": True}),
             ("CTCLoss", {"blank": 3, "zero_infinity": True}), ("NLLLoss2d", {})]
    for name, kw in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")      # NLLLoss2d is deprecated in both
            m, t = getattr(nn, name)(**kw), getattr(torch.nn, name)(**kw)
        assert repr(m) == repr(t), name
        for attr in ("reduction", "margin", "p", "eps", "swap", "full", "log_input",
                     "log_target", "blank", "zero_infinity", "ignore_index"):
            if hasattr(t, attr):
                assert getattr(m, attr) == getattr(t, attr), (name, attr)
    m, t = nn.TripletMarginWithDistanceLoss(), torch.nn.TripletMarginWithDistanceLoss()
    assert repr(m) == repr(t)
    assert [n for n, _ in m.named_modules()] == [n for n, _ in t.named_modules()]


def test_triplet_with_custom_distance_function():
    def dist(lib):
        return lambda a, b: (a - b).abs().sum(-1)
    arrays = [RNG.standard_normal((4, 3)) for _ in range(3)]
    _run(nn.TripletMarginWithDistanceLoss(distance_function=dist(minitorch), swap=True),
         torch.nn.TripletMarginWithDistanceLoss(distance_function=dist(torch), swap=True),
         arrays, (True, True, True))


def test_legacy_size_average_reduce_on_new_losses():
    x, y = RNG.standard_normal((3, 4)), _pm1((3, 4))
    for size_average, reduce in itertools.product((None, True, False), repeat=2):
        if size_average is None and reduce is None:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = nn.SoftMarginLoss(size_average=size_average, reduce=reduce)
            t = torch.nn.SoftMarginLoss(size_average=size_average, reduce=reduce)
        assert m.reduction == t.reduction
        _run(m, t, [x, y], (True, False))


# ------------------------------------------------------------------------------ existing options
def _ce_cases():
    rng = np.random.default_rng(3)
    x2 = rng.standard_normal((6, 5))
    x4 = rng.standard_normal((2, 5, 3, 2))
    t2 = rng.integers(0, 5, 6)
    t2[[1, 4]] = 2
    t4 = rng.integers(0, 5, (2, 3, 2))
    w = rng.uniform(0.2, 2.0, 5)
    for (x, t), weight, ignore, red, eps in itertools.product(
            [(x2, t2), (x4, t4)], [None, w], [-100, 2], ["mean", "sum", "none"], [0.0, 0.2]):
        yield x, t, weight, ignore, red, eps


@pytest.mark.parametrize("case", list(_ce_cases()))
def test_cross_entropy_and_nll_options_match_torch(case):
    x, t, w, ignore, red, eps = case
    kw = dict(ignore_index=ignore, reduction=red)
    for lib_pair in ((F.cross_entropy, torch.nn.functional.cross_entropy),):
        wm, wt = (None, None) if w is None else _pair(w)
        _run(lambda a, b: lib_pair[0](a, b, weight=wm, label_smoothing=eps, **kw),
             lambda a, b: lib_pair[1](a, b, weight=wt, label_smoothing=eps, **kw),
             [x, t], (True, False))
    if eps == 0.0:
        wm, wt = (None, None) if w is None else _pair(w)
        _run(lambda a, b: nn.NLLLoss(weight=wm, **kw)(a.log_softmax(1), b),
             lambda a, b: torch.nn.NLLLoss(weight=wt, **kw)(a.log_softmax(1), b),
             [x, t], (True, False))


@pytest.mark.parametrize("red", ["mean", "sum", "none"])
@pytest.mark.parametrize("eps", [0.0, 0.3])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_probability_targets_match_torch(red, eps, weighted):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 4, 3))
    p = rng.dirichlet(np.ones(4), (2, 3)).transpose(0, 2, 1).copy()
    w = rng.uniform(0.5, 2, 4)
    wm, wt = _pair(w) if weighted else (None, None)
    _run(lambda a, b: nn.CrossEntropyLoss(weight=wm, reduction=red, label_smoothing=eps)(a, b),
         lambda a, b: torch.nn.CrossEntropyLoss(weight=wt, reduction=red, label_smoothing=eps)(a, b),
         [x, p], (True, True))


@pytest.mark.parametrize("red", ["mean", "sum", "none"])
def test_bce_options_match_torch(red):
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((4, 3)), rng.uniform(0, 1, (4, 3))
    w, pw = rng.uniform(0.5, 2, (1, 3)), rng.uniform(0.5, 3, 3)
    wm, wt = _pair(w)
    pm, pt = _pair(pw)
    _run(nn.BCEWithLogitsLoss(weight=wm, pos_weight=pm, reduction=red),
         torch.nn.BCEWithLogitsLoss(weight=wt, pos_weight=pt, reduction=red), [x, y], (True, True))
    _run(nn.BCELoss(weight=wm, reduction=red), torch.nn.BCELoss(weight=wt, reduction=red),
         [1 / (1 + np.exp(-x)), y], (True, True))


@pytest.mark.parametrize("size_average,reduce", [(False, None), (None, False), (True, True),
                                                 (False, True), (True, False)])
@pytest.mark.parametrize("name", ["MSELoss", "L1Loss", "SmoothL1Loss", "BCELoss", "NLLLoss",
                                  "CrossEntropyLoss", "BCEWithLogitsLoss", "KLDivLoss",
                                  "PoissonNLLLoss", "MarginRankingLoss", "HingeEmbeddingLoss",
                                  "MultiMarginLoss", "MultiLabelSoftMarginLoss",
                                  "TripletMarginLoss"])
def test_legacy_flags_map_to_reduction_like_torch(name, size_average, reduce):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = getattr(nn, name)(size_average=size_average, reduce=reduce)
        t = getattr(torch.nn, name)(size_average=size_average, reduce=reduce)
    assert m.reduction == t.reduction


# ------------------------------------------------------------------------------ torch-level
def test_torch_level_losses_take_the_reduction_enum():
    x, y = RNG.standard_normal(5), RNG.standard_normal(5)
    t = _pm1(5)
    for red in (0, 1, 2):
        _run(lambda a, b, c: minitorch.margin_ranking_loss(a, b, c, 0.1, red),
             lambda a, b, c: torch.margin_ranking_loss(a, b, c, 0.1, red), [x, y, t],
             (True, True, False))
        _run(lambda a, b: minitorch.hinge_embedding_loss(a, b, 1.0, red),
             lambda a, b: torch.hinge_embedding_loss(a, b, 1.0, red), [np.abs(x), t], (True, False))
        _run(lambda a, b: minitorch.binary_cross_entropy_with_logits(a, b, reduction=red),
             lambda a, b: torch.binary_cross_entropy_with_logits(a, b, reduction=red),
             [x, np.abs(t)], (True, True))
    with pytest.raises(ValueError):
        minitorch.kl_div(*_pair(x)[:1], _pair(y)[0], 5)


# ------------------------------------------------------------------------------ CTC
def _ctc_case(seed, concat, dtype):
    rng = np.random.default_rng(seed)
    T, N, C = rng.integers(4, 12), rng.integers(1, 5), rng.integers(2, 7)
    in_len = rng.integers(1, T + 1, N)
    in_len[0] = T
    tgt_len = np.array([rng.integers(0, max(1, (il + 1) // 2) + 1) for il in in_len])
    S = max(int(tgt_len.max()), 1)
    labels = rng.integers(1, C, (N, S))
    if concat:
        labels = np.concatenate([labels[i, :tgt_len[i]] for i in range(N)])
    return rng.standard_normal((T, N, C)).astype(dtype), labels, in_len, tgt_len


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("concat", [False, True])
def test_ctc_random_lengths_match_torch(seed, concat):
    dtype = "float64" if seed % 2 else "float32"
    x, labels, in_len, tgt_len = _ctc_case(seed, concat, dtype)
    red = ("mean", "sum", "none")[seed % 3]
    lengths = (tuple(int(v) for v in in_len), tuple(int(v) for v in tgt_len)) if seed % 4 == 1 \
        else None

    def loss(lib, F_):
        def f(a, b):
            il, tl = lengths or (lib.from_numpy(in_len.copy()), lib.from_numpy(tgt_len.copy()))
            return F_.ctc_loss(a.log_softmax(2), b, il, tl, reduction=red, zero_infinity=True)
        return f
    _run(loss(minitorch, F), loss(torch, torch.nn.functional), [x, labels], (True, False), dtype)


def test_ctc_impossible_alignment_is_infinite_unless_zero_infinity():
    x = np.random.default_rng(0).standard_normal((3, 1, 4))
    labels = np.array([[1, 1, 1]])   # needs 5 frames (blanks between the repeats)
    for zi in (False, True):
        lm = F.ctc_loss(_pair(x)[0].log_softmax(2), _pair(labels)[0], [3], [3], reduction="none",
                        zero_infinity=zi)
        lt = torch.nn.functional.ctc_loss(_pair(x)[1].log_softmax(2), _pair(labels)[1], [3], [3],
                                          reduction="none", zero_infinity=zi)
        np.testing.assert_array_equal(lm.detach().numpy(), lt.detach().numpy())
    assert np.isinf(F.ctc_loss(_pair(x)[0].log_softmax(2), _pair(labels)[0], [3], [3]).item())


def test_ctc_module_and_errors():
    x, labels, in_len, tgt_len = _ctc_case(3, False, "float64")
    lp = minitorch.from_numpy(x).log_softmax(2)
    a = nn.CTCLoss(reduction="sum")(lp, minitorch.from_numpy(labels), minitorch.from_numpy(in_len),
                                    minitorch.from_numpy(tgt_len))
    b = torch.nn.CTCLoss(reduction="sum")(torch.from_numpy(x).log_softmax(2),
                                          torch.from_numpy(labels), torch.from_numpy(in_len),
                                          torch.from_numpy(tgt_len))
    np.testing.assert_allclose(a.item(), b.item(), rtol=1e-10)
    T, N, C = x.shape
    t = minitorch.from_numpy(labels)
    with pytest.raises(RuntimeError, match="blank must be in label range"):
        F.ctc_loss(lp, t, in_len.tolist(), tgt_len.tolist(), blank=C)
    with pytest.raises(RuntimeError, match="at most"):
        F.ctc_loss(lp, t, [T + 1] * N, tgt_len.tolist())
    with pytest.raises(RuntimeError, match="batch_size"):
        F.ctc_loss(lp, t, [T] * (N + 1), tgt_len.tolist())
    with pytest.raises(RuntimeError, match="size at least"):
        F.ctc_loss(lp, t, in_len.tolist(), [labels.shape[1] + 1] * N)


# ------------------------------------------------------------------------------ errors
def test_loss_errors_match_torch():
    x = minitorch.randn(3, 4)
    with pytest.warns(UserWarning, match="batchmean"):
        F.kl_div(x, x.exp())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.kl_div(x, x.exp(), reduction="batchmean")
    with pytest.raises(ValueError):
        F.kl_div(x, x, reduction="avg")
    with pytest.raises(ValueError, match="margin must be greater than 0"):
        F.triplet_margin_loss(x, x, x, margin=0.0)
    with pytest.raises(ValueError, match="expected margin to be greater than 0"):
        nn.TripletMarginLoss(margin=-1.0)
    with pytest.raises(RuntimeError, match="same number of dimensions"):
        F.triplet_margin_loss(x, x[0], x)
    with pytest.raises(ValueError, match="only p == 1 and p == 2"):
        F.multi_margin_loss(x, minitorch.tensor([0, 1, 2]), p=3)
    with pytest.raises(RuntimeError, match="target out of range"):
        F.multi_margin_loss(x, minitorch.tensor([0, 1, 4]))
    with pytest.raises(ValueError, match="var has negative"):
        F.gaussian_nll_loss(x, x, -x.abs())
    with pytest.raises(ValueError, match="incorrect size"):
        F.gaussian_nll_loss(x, x, minitorch.ones(2, 2))
    with pytest.raises(RuntimeError, match="same dimension"):
        F.margin_ranking_loss(x, x, minitorch.ones(3))
    with pytest.raises(RuntimeError, match="1D target tensor expects 2D"):
        F.cosine_embedding_loss(x[0], x[0], minitorch.ones(3))
    with pytest.raises(RuntimeError, match="Long"):
        F.multilabel_margin_loss(x, minitorch.zeros(3, 4))


def test_gaussian_nll_float_var_matches_torch():
    x, y = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))
    _run(lambda a, b: F.gaussian_nll_loss(a, b, 0.7, full=True),
         lambda a, b: torch.nn.functional.gaussian_nll_loss(a, b, 0.7, full=True), [x, y],
         (True, True))


# ------------------------------------------------------------------------------ adaptive softmax
@pytest.mark.parametrize("head_bias", [False, True])
def test_adaptive_log_softmax_matches_torch(head_bias):
    t = torch.nn.AdaptiveLogSoftmaxWithLoss(8, 20, [4, 10], div_value=2.0,
                                            head_bias=head_bias).double()
    m = nn.AdaptiveLogSoftmaxWithLoss(8, 20, [4, 10], div_value=2.0, head_bias=head_bias).double()
    assert repr(m) == repr(t)
    assert list(m.state_dict()) == list(t.state_dict())
    m.load_state_dict(t.state_dict())
    x = np.random.default_rng(0).standard_normal((6, 8))
    y = np.array([0, 5, 19, 3, 12, 7])
    xm, xt = _pair(x, grad=True)
    om, ot = m(xm, minitorch.from_numpy(y)), t(xt, torch.from_numpy(y))
    np.testing.assert_allclose(om.output.detach().numpy(), ot.output.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(om.loss.item(), ot.loss.item(), rtol=1e-12)
    om.loss.backward()
    ot.loss.backward()
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-14)
    for (name, a), b in zip(m.named_parameters(), t.parameters()):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-14,
                                   err_msg=name)
    np.testing.assert_allclose(m.log_prob(xm).detach().numpy(), t.log_prob(xt).detach().numpy(),
                               rtol=1e-12)
    np.testing.assert_array_equal(m.predict(xm).numpy(), t.predict(xt).numpy())
    with pytest.raises(RuntimeError, match="Target values should be in"):
        m(xm, minitorch.from_numpy(np.array([0, 1, 2, 3, 4, 20])))
    with pytest.raises(ValueError, match="cutoffs should be a sequence"):
        nn.AdaptiveLogSoftmaxWithLoss(8, 20, [10, 4])


# ------------------------------------------------------------------------------ linear + CE
@pytest.mark.parametrize("kw", [dict(bias=True), dict(out_features=(3,), bias=True, label_smoothing=0.1),
                                dict(ignore_index=2, reduction="sum")], ids=["bias", "kdim", "ignore"])
def test_linear_cross_entropy_loss_matches_torch(kw):
    t = torch.nn.LinearCrossEntropyLoss(4, 5, **kw).double()
    m = nn.LinearCrossEntropyLoss(4, 5, **kw).double()
    assert repr(m) == repr(t)
    assert list(m.state_dict()) == list(t.state_dict())
    m.load_state_dict(t.state_dict())
    x = np.random.default_rng(0).standard_normal((6, 4))
    y = np.random.default_rng(1).integers(0, 5, (6,) + kw.get("out_features", ()))
    xm, xt = _pair(x, grad=True)
    lm, lt = m(xm, minitorch.from_numpy(y)), t(xt, torch.from_numpy(y))
    lm.backward()
    lt.backward()
    np.testing.assert_allclose(lm.item(), lt.item(), rtol=1e-12)
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(m.linear.weight.grad.numpy(), t.linear.weight.grad.numpy(),
                               rtol=1e-10, atol=1e-14)
    # the chunking hints are accepted (the value is the same)
    opts = nn.LinearCrossEntropyOptions(batch_chunk_size=2)
    assert nn.LinearCrossEntropyLoss(4, 5, options=opts).options.batch_chunk_size == 2
    with pytest.raises(RuntimeError, match="expected input with dimensionality 1 or 2"):
        F.linear_cross_entropy(minitorch.randn(2, 3, 4), minitorch.randn(5, 4),
                               minitorch.tensor([0, 1]))


def test_elementwise_mean_is_the_deprecated_name_of_mean():
    x, y = minitorch.tensor([1.0, 2.0]), minitorch.tensor([0.0, 0.0])
    with pytest.warns(UserWarning, match="elementwise_mean"):
        assert F.mse_loss(x, y, reduction="elementwise_mean").item() == 2.5
    with pytest.warns(UserWarning, match="elementwise_mean"):
        assert nn.L1Loss(reduction="elementwise_mean")(x, y).item() == 1.5
