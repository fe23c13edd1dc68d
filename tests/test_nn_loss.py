"""Losses (minitorch/functional/loss.py, minitorch/nn/loss.py) against PyTorch.

Every loss and every option combination runs on the same bytes in both libraries: the
forward value and the gradients with respect to the input and (where PyTorch
differentiates it) the target are compared in float64 (tight) and float32, under a random
upstream gradient. gradcheck and gradgradcheck check the gradients against finite
differences. Then: logits of +-1e4, float32 end to end, modules against functions, and
the error messages.
"""
import itertools
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st, HealthCheck

import minitorch
from minitorch.autograd import gradcheck, gradgradcheck
from minitorch.testing import compare, build_inputs, run_forward_backward
from minitorch.testing.op_table import OpSpec, F, I

torch.set_num_threads(1)

REDUCTIONS = ("none", "mean", "sum")
_W = np.random.default_rng(123)
CLASS_W = _W.uniform(0.3, 2.0, 4)   # per-class weights, C = 4 everywhere below


def const(lib, arr, like):
    """A constant tensor (weights) in `like`'s dtype and on its device."""
    return lib.from_numpy(np.array(arr, copy=True)).to(dtype=like.dtype, device=like.device)


# ============================================================================ the specs
def _class_shapes():
    # unbatched (C,), batched (N, C), spatial (N, C, d1, d2)
    return {"1d": (4,), "2d": (3, 4), "4d": (2, 4, 2, 3)}


def _index_target(rng, shape, ignore):
    cdim = 0 if len(shape) == 1 else 1
    tshape = () if len(shape) == 1 else shape[:1] + shape[2:]
    t = rng.integers(0, shape[cdim], tshape).astype(np.int64)
    if ignore is not None and t.size > 1:
        flat = t.reshape(-1)
        flat[::3] = ignore          # some targets ignored (-100, or a real class index)
        if ignore >= 0:
            flat[1] = (ignore + 1) % shape[cdim]   # and at least one that is not
    return t


def _prob_target(rng, shape):
    cdim = 0 if len(shape) == 1 else 1
    p = rng.uniform(0.05, 1.0, shape)
    return p / p.sum(axis=cdim, keepdims=True)


def ce_spec(shape_name, target, weight, ignore, ls, reduction):
    shape = _class_shapes()[shape_name]
    cdim = 0 if len(shape) == 1 else 1
    tshape = () if len(shape) == 1 else shape[:1] + shape[2:]

    def fixed(rng):
        x = rng.standard_normal(shape) * 1.5
        t = _index_target(rng, shape, ignore) if target == "index" else _prob_target(rng, shape)
        return [x, t]

    def fn(lib, x, t):
        kw = {"reduction": reduction, "label_smoothing": ls}
        if weight:
            kw["weight"] = const(lib, CLASS_W, x)
        if ignore is not None:
            kw["ignore_index"] = ignore
        return lib.nn.functional.cross_entropy(x, t, **kw)

    args = (F(shape), I(tshape, shape[cdim]) if target == "index" else F(shape))
    name = (f"cross_entropy-{shape_name}-{target}-w{int(weight)}-ign{ignore}-ls{ls}-"
            f"{reduction}")
    return OpSpec(name, fn, args, family="loss", fixed=fixed)


def nll_spec(shape_name, weight, ignore, reduction):
    shape = _class_shapes()[shape_name]
    cdim = 0 if len(shape) == 1 else 1
    tshape = () if len(shape) == 1 else shape[:1] + shape[2:]

    def fixed(rng):
        return [rng.standard_normal(shape), _index_target(rng, shape, ignore)]

    def fn(lib, x, t):
        kw = {"reduction": reduction}
        if weight:
            kw["weight"] = const(lib, CLASS_W, x)
        if ignore is not None:
            kw["ignore_index"] = ignore
        return lib.nn.functional.nll_loss(x, t, **kw)

    return OpSpec(f"nll_loss-{shape_name}-w{int(weight)}-ign{ignore}-{reduction}", fn,
                  (F(shape), I(tshape, shape[cdim])), family="loss", fixed=fixed)


def _diff_away(kinks, lo=-2.5, hi=2.5, margin=0.15):
    def draw(rng, shape):
        d = rng.uniform(lo, hi, shape)
        for k in kinks:
            near = np.abs(d - k) < margin
            d = np.where(near, k + np.where(d >= k, margin, -margin) * 1.5, d)
        return d
    return draw


def regression_spec(name, reduction, option=None, weight=False, tshape=None):
    """mse/l1/smooth_l1/huber: input x, target y = x - d with d kept away from the kinks."""
    shape = (3, 5)
    kinks = {"mse_loss": (), "l1_loss": (0.0,)}.get(name, ())
    if name == "smooth_l1_loss":
        kinks = (0.0, option, -option) if option else (0.0,)
    if name == "huber_loss":
        kinks = (option, -option)
    draw_d = _diff_away(kinks)
    tshape = shape if tshape is None else tshape

    def fixed(rng):
        x = rng.standard_normal(shape)
        if tshape == shape:
            return [x, x - draw_d(rng, shape)]
        return [x, rng.standard_normal(tshape) * 0.1 + 5.0]   # broadcast target, far away

    wnp = _W.uniform(0.2, 2.0, shape)

    def fn(lib, x, t):
        f = getattr(lib.nn.functional, name)
        kw = {"reduction": reduction}
        if name == "smooth_l1_loss":
            kw["beta"] = option
        if name == "huber_loss":
            kw["delta"] = option
        if weight:
            kw["weight"] = const(lib, wnp, x)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # broadcast-target warning, checked elsewhere
            return f(x, t, **kw)

    label = f"{name}-{reduction}-opt{option}-w{int(weight)}-t{tshape}"
    return OpSpec(label, fn, (F(shape), F(tshape)), family="loss", fixed=fixed)


def bce_spec(reduction, weight):
    shape = (3, 4)
    wnp = _W.uniform(0.2, 2.0, (4,))

    def fixed(rng):
        return [rng.uniform(0.05, 0.95, shape), rng.uniform(0.0, 1.0, shape)]

    def fn(lib, x, t):
        kw = {"reduction": reduction}
        if weight:
            kw["weight"] = const(lib, wnp, x)
        return lib.nn.functional.binary_cross_entropy(x, t, **kw)

    return OpSpec(f"binary_cross_entropy-{reduction}-w{int(weight)}", fn,
                  (F(shape), F(shape)), family="loss", fixed=fixed)


def bce_logits_spec(reduction, weight, pos_weight):
    shape = (3, 4)
    wnp = _W.uniform(0.2, 2.0, (3, 1))
    pnp = _W.uniform(0.2, 3.0, (4,))

    def fixed(rng):
        return [rng.standard_normal(shape) * 2, rng.uniform(0.0, 1.0, shape)]

    def fn(lib, x, t):
        kw = {"reduction": reduction}
        if weight:
            kw["weight"] = const(lib, wnp, x)
        if pos_weight:
            kw["pos_weight"] = const(lib, pnp, x)
        return lib.nn.functional.binary_cross_entropy_with_logits(x, t, **kw)

    return OpSpec(f"bce_with_logits-{reduction}-w{int(weight)}-pw{int(pos_weight)}", fn,
                  (F(shape), F(shape)), family="loss", fixed=fixed)


def _all_specs():
    specs = []
    for shape, target, weight, ignore, ls, red in itertools.product(
            ("1d", "2d", "4d"), ("index", "probs"), (False, True), (None, -100, 1),
            (0.0, 0.25), REDUCTIONS):
        if target == "probs" and ignore is not None:
            continue   # ignore_index is not supported for class probabilities
        if shape == "1d" and ignore is not None:
            continue   # one unbatched sample: ignoring it is the all-ignored case (below)
        specs.append(ce_spec(shape, target, weight, ignore, ls, red))
    for shape, weight, ignore, red in itertools.product(
            ("1d", "2d", "4d"), (False, True), (None, -100, 2), REDUCTIONS):
        if shape == "1d" and ignore is not None:
            continue
        specs.append(nll_spec(shape, weight, ignore, red))
    for red in REDUCTIONS:
        specs += [regression_spec("mse_loss", red), regression_spec("l1_loss", red),
                  regression_spec("mse_loss", red, weight=True),
                  regression_spec("l1_loss", red, weight=True),
                  regression_spec("mse_loss", red, tshape=(5,)),
                  regression_spec("smooth_l1_loss", red, 1.0),
                  regression_spec("smooth_l1_loss", red, 0.5),
                  regression_spec("smooth_l1_loss", red, 0.0),
                  regression_spec("huber_loss", red, 1.0),
                  regression_spec("huber_loss", red, 0.7),
                  regression_spec("huber_loss", red, 0.7, weight=True)]
        specs += [bce_spec(red, w) for w in (False, True)]
        specs += [bce_logits_spec(red, w, p) for w in (False, True) for p in (False, True)]
    return specs


SPECS = _all_specs()
ids = lambda s: s.name  # noqa: E731


# ============================================================================ against torch
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_matches_torch(spec, dtype, device):
    result = compare(spec, minitorch, torch, dtype, device=device)
    assert result.ok, result.message


def test_spec_count():
    # the option grid above is what the issue asks for; it only grows
    assert sum(s.name.startswith("cross_entropy") for s in SPECS) >= 100
    assert len(SPECS) >= 200


def _mt_inputs(spec, dtype="float64"):
    return build_inputs(minitorch, spec, spec.make_arrays(0), dtype)


# gradcheck everything; per-element checks on the smaller inputs, directional on the rest
@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_gradcheck(spec):
    inputs = _mt_inputs(spec)
    assert gradcheck(lambda *xs: spec.fn(minitorch, *xs), tuple(inputs), per_element_limit=30)


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_gradgradcheck(spec):
    inputs = _mt_inputs(spec)
    assert gradgradcheck(lambda *xs: spec.fn(minitorch, *xs), tuple(inputs), per_element_limit=0)


# a few specs with full per-element gradgradcheck and non-contiguous inputs
_FULL = [s for s in SPECS if s.name in {
    "cross_entropy-2d-index-w1-ign-100-ls0.25-mean", "cross_entropy-2d-probs-w1-ignNone-ls0.25-sum",
    "nll_loss-4d-w1-ign2-mean", "binary_cross_entropy-mean-w1", "bce_with_logits-none-w1-pw1",
    "huber_loss-mean-opt0.7-w0-t(3, 5)", "smooth_l1_loss-sum-opt0.5-w0-t(3, 5)"}]


@pytest.mark.parametrize("spec", _FULL, ids=ids)
def test_full_checks(spec):
    assert len(_FULL) == 7
    inputs = _mt_inputs(spec)
    f = lambda *xs: spec.fn(minitorch, *xs)  # noqa: E731
    assert gradcheck(f, tuple(inputs), check_noncontiguous=True)
    assert gradgradcheck(f, tuple(inputs))


@pytest.mark.parametrize("spec", _FULL, ids=ids)
def test_second_derivative_matches_torch(spec):
    """d/dx <grad_x L, v> against torch's double backward."""
    arrays = spec.make_arrays(0)
    res = []
    for lib in (minitorch, torch):
        ins = build_inputs(lib, spec, arrays, "float64")
        x = ins[0]
        out = spec.fn(lib, *ins)
        rng = np.random.default_rng(5)
        g = lib.from_numpy(rng.standard_normal(tuple(out.shape)))
        gx, = lib.autograd.grad(out, x, grad_outputs=g, create_graph=True)
        v = lib.from_numpy(rng.standard_normal(tuple(x.shape)))
        if not gx.requires_grad:   # the loss is linear in x (nll_loss)
            res.append(np.zeros(tuple(x.shape)))
            continue
        hv, = lib.autograd.grad((gx * v).sum(), x, allow_unused=True)
        res.append(np.zeros(tuple(x.shape)) if hv is None else hv.detach().numpy())
    np.testing.assert_allclose(res[0], res[1], rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("spec", SPECS[::7], ids=ids)
def test_float32_stays_float32(spec):
    inputs = build_inputs(minitorch, spec, spec.make_arrays(0), "float32")
    outs, dtypes, grads = run_forward_backward(minitorch, spec, inputs)
    assert dtypes == ["float32"] and outs[0].dtype == np.float32
    assert grads and all(g is None or g[1] == "float32" for g in grads)


# ============================================================================ property test
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_cross_entropy_random_shapes(data):
    """Random N-d shapes and options, index or probability targets, vs torch."""
    nd = data.draw(st.integers(1, 4), "ndim")
    shape = tuple(data.draw(st.lists(st.integers(1, 3), min_size=nd, max_size=nd), "shape"))
    if nd >= 2:
        shape = shape[:1] + (data.draw(st.integers(2, 5), "C"),) + shape[2:]
    cdim = 0 if nd == 1 else 1
    C = shape[cdim]
    probs = data.draw(st.booleans(), "probs")
    ls = data.draw(st.sampled_from([0.0, 0.1, 1.0]), "ls")
    red = data.draw(st.sampled_from(REDUCTIONS), "reduction")
    use_w = data.draw(st.booleans(), "weight")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16), "seed"))
    x = rng.standard_normal(shape)
    w = rng.uniform(0.5, 2.0, C)
    if probs:
        t = _prob_target(rng, shape)
        ignore = -100
    else:
        t = rng.integers(0, C, shape[:cdim] + shape[cdim + 1:])
        ignore = int(data.draw(st.sampled_from([-100, 0])))
        if ignore == 0 and red == "mean" and (t != 0).sum() == 0:
            t.reshape(-1)[0] = C - 1 if C > 1 else 0   # keep the mean defined
    outs = []
    for lib in (minitorch, torch):
        xi = lib.from_numpy(x.copy()).requires_grad_(True)
        ti = lib.from_numpy(t.copy())
        kw = {"reduction": red, "label_smoothing": ls, "ignore_index": ignore}
        if use_w:
            kw["weight"] = lib.from_numpy(w.copy())
        out = lib.nn.functional.cross_entropy(xi, ti, **kw)
        g = lib.from_numpy(np.random.default_rng(1).standard_normal(tuple(out.shape)))
        gx, = lib.autograd.grad(out, xi, grad_outputs=g)
        outs.append((out.detach().numpy(), gx.numpy()))
    np.testing.assert_allclose(outs[0][0], outs[1][0], rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=1e-9, atol=1e-10)


# ============================================================================ +-1e4 logits
def _both(arr, rg=True):
    out = []
    for lib in (minitorch, torch):
        t = lib.from_numpy(np.array(arr, copy=True))
        if rg and arr.dtype.kind == "f":
            t.requires_grad_(True)
        out.append(t)
    return out


EXTREME = [
    ("cross_entropy index", lambda L, x, t: L.nn.functional.cross_entropy(x, t)),
    ("cross_entropy index smoothing weight",
     lambda L, x, t: L.nn.functional.cross_entropy(
         x, t, weight=const(L, CLASS_W, x), label_smoothing=0.2, reduction="none")),
    ("cross_entropy probs", lambda L, x, p: L.nn.functional.cross_entropy(
        x, p, label_smoothing=0.1, weight=const(L, CLASS_W, x), reduction="sum")),
    ("nll of log_softmax", lambda L, x, t: L.nn.functional.nll_loss(
        L.nn.functional.log_softmax(x, 1), t, reduction="none")),
    ("bce_with_logits", lambda L, x, y: L.nn.functional.binary_cross_entropy_with_logits(
        x, y, reduction="none")),
    ("bce_with_logits pos_weight", lambda L, x, y: L.nn.functional.binary_cross_entropy_with_logits(
        x, y, pos_weight=const(L, CLASS_W, x), weight=const(L, CLASS_W[::-1], x))),
    ("mse", lambda L, x, y: L.nn.functional.mse_loss(x, y)),
    ("l1", lambda L, x, y: L.nn.functional.l1_loss(x, y, reduction="sum")),
    ("smooth_l1", lambda L, x, y: L.nn.functional.smooth_l1_loss(x, y, reduction="none")),
    ("huber", lambda L, x, y: L.nn.functional.huber_loss(x, y, delta=2.0)),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name,fn", EXTREME, ids=[e[0] for e in EXTREME])
def test_extreme_logits_finite_and_match_torch(name, fn, dtype):
    rng = np.random.default_rng(0)
    x = (rng.choice([-1e4, 1e4], (6, 4)) * rng.uniform(0.5, 1.0, (6, 4))).astype(dtype)
    x[0] = [1e4, -1e4, 1e4, 0.0]      # ties at the top and zero
    x[1] = [-1e4, -1e4, -1e4, -1e4]
    if "index" in name or "nll" in name:
        t = rng.integers(0, 4, 6)
        t[0], t[1] = 1, 3   # the target is a -1e4 logit: loss 2e4, still finite
    elif "probs" in name:
        t = _prob_target(rng, (6, 4)).astype(dtype)
    elif "bce" in name:
        t = rng.uniform(0, 1, (6, 4)).astype(dtype)
        t[0] = [0.0, 1.0, 0.0, 1.0]
    else:
        t = (-x + rng.standard_normal((6, 4))).astype(dtype)
    (xm, xt), (tm, tt) = _both(x), _both(t)
    a, b = fn(minitorch, xm, tm), fn(torch, xt, tt)
    g = np.random.default_rng(1).standard_normal(tuple(b.shape)).astype(dtype)
    ins_m = [xm] + ([tm] if tm.requires_grad else [])
    ins_t = [xt] + ([tt] if tt.requires_grad else [])
    ga = minitorch.autograd.grad(a, ins_m, grad_outputs=minitorch.from_numpy(g))
    gb = torch.autograd.grad(b, ins_t, grad_outputs=torch.from_numpy(g))
    av = a.detach().numpy()
    assert np.isfinite(av).all(), f"{name}: loss not finite: {av}"
    assert av.dtype == dtype
    rtol = 1e-10 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(av, b.detach().numpy(), rtol=rtol, atol=1e-3 * (dtype == np.float32))
    for p, q in zip(ga, gb):
        assert np.isfinite(p.numpy()).all(), f"{name}: gradient not finite"
        assert p.numpy().dtype == dtype
        np.testing.assert_allclose(p.numpy(), q.numpy(), rtol=rtol, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_bce_at_probabilities_zero_and_one(dtype):
    """log clamped at -100 (loss 100, not inf) and gradient (x-y)/max(x(1-x), 1e-12)."""
    x = np.array([0.0, 1.0, 0.0, 1.0, 0.5, 1e-30], dtype=dtype)
    y = np.array([0.0, 1.0, 1.0, 0.0, 0.3, 1.0], dtype=dtype)
    w = np.array([1.0, 2.0, 0.5, 1.5, 1.0, 1.0], dtype=dtype)
    res = []
    for lib in (minitorch, torch):
        xi = lib.from_numpy(x.copy()).requires_grad_(True)
        yi = lib.from_numpy(y.copy())
        out = lib.nn.functional.binary_cross_entropy(xi, yi, weight=lib.from_numpy(w.copy()),
                                                     reduction="none")
        gx, = lib.autograd.grad(out.sum(), xi)
        res.append((out.detach().numpy(), gx.numpy()))
    (a, ga), (b, gb) = res
    assert np.isfinite(a).all() and np.isfinite(ga).all()
    assert a.dtype == dtype and ga.dtype == dtype
    np.testing.assert_allclose(a, b, rtol=1e-6)
    np.testing.assert_allclose(ga, gb, rtol=1e-6)
    assert a[2] == pytest.approx(50.0) and a[3] == pytest.approx(150.0)


def test_all_targets_ignored_nan_loss_zero_grad():
    """As PyTorch: 'mean' over no targets is nan, its gradient is zero; 'sum' is 0."""
    x = np.random.default_rng(0).standard_normal((3, 4))
    t = np.full(3, -100)
    for ls in (0.0, 0.2):
        res = []
        for lib in (minitorch, torch):
            xi = lib.from_numpy(x.copy()).requires_grad_(True)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                out = lib.nn.functional.cross_entropy(xi, lib.from_numpy(t.copy()),
                                                      label_smoothing=ls)
                gx, = lib.autograd.grad(out, xi)
            s = lib.nn.functional.cross_entropy(xi, lib.from_numpy(t.copy()), reduction="sum",
                                                label_smoothing=ls)
            res.append((out.item(), gx.numpy(), s.item()))
        assert np.isnan(res[0][0]) and np.isnan(res[1][0])
        np.testing.assert_array_equal(res[0][1], res[1][1])
        assert res[0][2] == res[1][2] == 0.0


def test_unbatched_ignored_target():
    x = minitorch.randn(4, requires_grad=True)
    t = minitorch.tensor(-100)
    out = minitorch.nn.functional.cross_entropy(x, t, reduction="none")
    assert out.shape == () and out.item() == 0.0


# ============================================================================ modules
MODULES = [
    ("MSELoss", {}, "reg"), ("MSELoss", {"reduction": "sum"}, "reg"),
    ("L1Loss", {"reduction": "none"}, "reg"),
    ("SmoothL1Loss", {"beta": 0.5}, "reg"), ("HuberLoss", {"delta": 0.7, "reduction": "sum"}, "reg"),
    ("CrossEntropyLoss", {}, "index"),
    ("CrossEntropyLoss", {"weight": CLASS_W, "ignore_index": 1, "label_smoothing": 0.1,
                          "reduction": "sum"}, "index"),
    ("CrossEntropyLoss", {"weight": CLASS_W, "label_smoothing": 0.2}, "probs"),
    ("NLLLoss", {"weight": CLASS_W, "reduction": "none"}, "index"),
    ("BCELoss", {"weight": CLASS_W}, "bce"),
    ("BCEWithLogitsLoss", {"weight": CLASS_W, "pos_weight": CLASS_W[::-1].copy()}, "logits"),
    ("BCEWithLogitsLoss", {"reduction": "none"}, "logits"),
]
_FUNC = {"MSELoss": "mse_loss", "L1Loss": "l1_loss", "SmoothL1Loss": "smooth_l1_loss",
         "HuberLoss": "huber_loss", "CrossEntropyLoss": "cross_entropy", "NLLLoss": "nll_loss",
         "BCELoss": "binary_cross_entropy", "BCEWithLogitsLoss": "binary_cross_entropy_with_logits"}


def _module_data(kind, rng):
    x = rng.standard_normal((5, 4))
    if kind == "reg":
        return x, x - _diff_away((0.0, 0.5, -0.5, 0.7, -0.7))(rng, (5, 4))
    if kind == "index":
        return x, rng.integers(0, 4, 5)
    if kind == "probs":
        return x, _prob_target(rng, (5, 4))
    if kind == "bce":
        return rng.uniform(0.05, 0.95, (5, 4)), rng.uniform(0, 1, (5, 4))
    return x, rng.uniform(0, 1, (5, 4))


def _make_module(lib, name, kw, dtype):
    kw = {k: (lib.from_numpy(np.array(v, dtype=dtype)) if isinstance(v, np.ndarray) else v)
          for k, v in kw.items()}
    return getattr(lib.nn, name)(**kw)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name,kw,kind", MODULES, ids=[f"{m[0]}-{i}" for i, m in enumerate(MODULES)])
def test_module_matches_torch_and_function(name, kw, kind, dtype):
    rng = np.random.default_rng(0)
    x, t = _module_data(kind, rng)
    x = x.astype(dtype)
    t = t.astype(dtype) if t.dtype.kind == "f" else t
    res = []
    for lib in (minitorch, torch):
        m = _make_module(lib, name, kw, dtype)
        xi = lib.from_numpy(x.copy()).requires_grad_(True)
        ti = lib.from_numpy(t.copy())
        out = m(xi, ti)
        g = lib.from_numpy(np.random.default_rng(2).standard_normal(tuple(out.shape)).astype(dtype))
        gx, = lib.autograd.grad(out, xi, grad_outputs=g)
        res.append((out.detach().numpy(), gx.numpy(), m))
        if lib is minitorch:
            # the module is exactly the function with the module's options
            fkw = {k: getattr(m, k) for k in ("weight", "pos_weight", "ignore_index",
                                               "label_smoothing", "beta", "delta")
                   if hasattr(m, k)}
            f = getattr(minitorch.nn.functional, _FUNC[name])
            ref = f(xi, ti, reduction=m.reduction, **fkw)
            np.testing.assert_array_equal(ref.detach().numpy(), res[0][0])
    (a, ga, mm), (b, gb, tm) = res
    rtol, atol = (1e-10, 1e-12) if dtype == np.float64 else (1e-5, 1e-6)
    assert a.dtype == dtype and ga.dtype == dtype
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)
    np.testing.assert_allclose(ga, gb, rtol=rtol, atol=atol)
    assert repr(mm) == repr(tm)
    assert list(mm.state_dict()) == list(tm.state_dict())
    for k, v in tm.state_dict().items():
        np.testing.assert_array_equal(mm.state_dict()[k].numpy(), v.numpy())
    assert mm.reduction == tm.reduction


def test_module_buffers_and_state_dict():
    ce = minitorch.nn.CrossEntropyLoss()
    assert ce.weight is None and dict(ce.named_buffers()) == {} and list(ce.state_dict()) == []
    w = minitorch.tensor(CLASS_W.tolist())
    ce = minitorch.nn.CrossEntropyLoss(weight=w, ignore_index=3, label_smoothing=0.1)
    assert ce.weight is w and list(ce.state_dict()) == ["weight"]
    assert ce.ignore_index == 3 and ce.label_smoothing == 0.1 and ce.reduction == "mean"
    # torch's state_dict loads, and .double() converts the weight buffer
    tce = torch.nn.CrossEntropyLoss(weight=torch.tensor(CLASS_W[::-1].copy(), dtype=torch.float32))
    ce.load_state_dict(tce.state_dict())
    np.testing.assert_allclose(ce.weight.numpy(), CLASS_W[::-1], rtol=1e-6)
    ce.double()
    assert ce.weight.dtype == minitorch.float64
    x = minitorch.randn(2, 4, dtype=minitorch.float64)
    assert ce(x, minitorch.tensor([0, 1])).dtype == minitorch.float64
    b = minitorch.nn.BCEWithLogitsLoss(pos_weight=minitorch.ones(3))
    assert list(b.state_dict()) == ["pos_weight"] and b.weight is None
    assert minitorch.nn.SmoothL1Loss(beta=0.5).beta == 0.5
    assert minitorch.nn.HuberLoss(delta=2.0).delta == 2.0
    assert repr(minitorch.nn.CrossEntropyLoss(weight=w)) == "CrossEntropyLoss()"
    assert repr(minitorch.nn.HuberLoss(delta=2.0)) == "HuberLoss()"


def test_legacy_size_average_reduce():
    x = np.random.default_rng(0).standard_normal((3, 4))
    y = np.random.default_rng(1).standard_normal((3, 4))
    for sa, rd in [(False, None), (None, False), (True, True), (False, True)]:
        with pytest.warns(UserWarning):
            m = minitorch.nn.MSELoss(size_average=sa, reduce=rd)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tm = torch.nn.MSELoss(size_average=sa, reduce=rd)
            b = torch.nn.functional.mse_loss(torch.from_numpy(x), torch.from_numpy(y),
                                             size_average=sa, reduce=rd)
        assert m.reduction == tm.reduction
        with pytest.warns(UserWarning):
            a = minitorch.nn.functional.mse_loss(minitorch.from_numpy(x), minitorch.from_numpy(y),
                                                 size_average=sa, reduce=rd)
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)


def test_broadcast_target_warns_like_torch():
    x, y = minitorch.randn(3, 4), minitorch.randn(4)
    with pytest.warns(UserWarning, match=r"mse_loss\(\).*target size"):
        out = minitorch.nn.functional.mse_loss(x, y, reduction="none")
    assert out.shape == (3, 4)


# ============================================================================ errors
mF = minitorch.nn.functional


def _x(*shape, dtype=None):
    return minitorch.randn(*shape, dtype=dtype or minitorch.float32)


def _long(*vals):
    return minitorch.tensor(list(vals))


ERRORS = [
    # (call, exception, fragments the message must contain)
    (lambda: mF.mse_loss(_x(3), _x(3), reduction="avg"), ValueError,
     ["mse_loss", "reduction", "'avg'", "'none', 'mean' or 'sum'"]),
    (lambda: mF.cross_entropy(_x(3, 4), _long(0, 1, 2), reduction="bad"), ValueError,
     ["cross_entropy", "reduction", "'bad'"]),
    (lambda: minitorch.nn.CrossEntropyLoss(reduction="max"), ValueError,
     ["CrossEntropyLoss", "reduction", "'max'"]),
    (lambda: mF.cross_entropy(_x(3, 4), _long(0, 1, 2).to(minitorch.int32)), RuntimeError,
     ["cross_entropy", "'target'", "int32", "int64", "(3,)", "probabilities"]),
    (lambda: mF.cross_entropy(_x(3, 4), _x(3)), RuntimeError,
     ["cross_entropy", "'target'", "float32", "int64"]),
    (lambda: mF.cross_entropy(_x(3, 4), _long(0, 1)), ValueError,
     ["cross_entropy", "batch_size (3)", "batch_size (2)", "'target'"]),
    (lambda: mF.cross_entropy(_x(2, 4, 3), minitorch.zeros(2, 4, dtype=minitorch.int64)),
     RuntimeError, ["cross_entropy", "'target'", "(2, 4)", "(2, 3)"]),
    (lambda: mF.cross_entropy(_x(3, 4), _long(0, 1, 4)), IndexError,
     ["cross_entropy", "Target 4 is out of bounds", "[0, 3]"]),
    (lambda: mF.nll_loss(_x(3, 4), _long(0, -1, 2)), IndexError,
     ["nll_loss", "Target -1", "[0, 3]"]),
    (lambda: mF.cross_entropy(_x(3, 4), _x(3, 4).to(minitorch.int64)), RuntimeError,
     ["cross_entropy", "probabilities", "int64"]),
    (lambda: mF.cross_entropy(_x(3, 4), _x(3, 4).softmax(1), ignore_index=1), RuntimeError,
     ["cross_entropy", "ignore_index", "not supported"]),
    (lambda: mF.cross_entropy(_x(3, 4), _long(0, 1, 2), label_smoothing=1.5), RuntimeError,
     ["cross_entropy", "label_smoothing", "1.5"]),
    (lambda: mF.cross_entropy(_x(3, 4), _long(0, 1, 2), weight=_x(3)), RuntimeError,
     ["cross_entropy", "'weight'", "(3,)", "(4)"]),
    (lambda: mF.nll_loss(_x(3, 4), _long(0, 1, 2), weight=_x(4, dtype=minitorch.float64)),
     RuntimeError, ["nll_loss", "'weight'", "float32", "float64"]),
    (lambda: mF.cross_entropy(_x(3, 4), _long(0, 1, 2), ignore_index=1.5), TypeError,
     ["cross_entropy", "ignore_index", "float"]),
    (lambda: mF.nll_loss(minitorch.tensor(1.0), minitorch.tensor(0)), ValueError,
     ["nll_loss", "'input'", "0-d"]),
    (lambda: mF.nll_loss(_x(3, 4).to(minitorch.int64), _long(0, 1, 2)), RuntimeError,
     ["nll_loss", "'input'", "floating point", "int64"]),
    (lambda: mF.cross_entropy([[1.0]], _long(0)), TypeError,
     ["cross_entropy", "'input'", "Tensor", "list"]),
    (lambda: mF.mse_loss(_x(3, 4), _x(5)), RuntimeError,
     ["mse_loss", "'target'", "(5,)", "(3, 4)"]),
    (lambda: mF.l1_loss(_x(3), _x(3), weight=_x(4)), ValueError,
     ["l1_loss", "'weight'", "(4,)", "(3,)"]),
    (lambda: mF.smooth_l1_loss(_x(3), _x(3), beta=-1.0), RuntimeError,
     ["smooth_l1_loss", "beta", "-1.0"]),
    (lambda: mF.huber_loss(_x(3), _x(3), delta=0.0), RuntimeError,
     ["huber_loss", "delta", "0.0"]),
    (lambda: mF.binary_cross_entropy(_x(3).sigmoid(), _x(4).sigmoid()), ValueError,
     ["binary_cross_entropy", "'target'", "(4,)", "(3,)"]),
    (lambda: mF.binary_cross_entropy(_x(3).sigmoid() + 1, _x(3).sigmoid()), RuntimeError,
     ["binary_cross_entropy", "'input'", "between 0 and 1"]),
    (lambda: mF.binary_cross_entropy(_x(3).sigmoid(), _x(3) + 5), RuntimeError,
     ["binary_cross_entropy", "'target'", "between 0 and 1"]),
    (lambda: mF.binary_cross_entropy(_x(3).sigmoid(), _x(3, dtype=minitorch.float64).sigmoid()),
     RuntimeError, ["binary_cross_entropy", "'target'", "float32", "float64"]),
    (lambda: mF.binary_cross_entropy(_x(2, 3).sigmoid(), _x(2, 3).sigmoid(), weight=_x(4)),
     RuntimeError, ["binary_cross_entropy", "'weight'", "(4,)", "(2, 3)"]),
    (lambda: mF.binary_cross_entropy_with_logits(_x(3, 2), _x(3, 1)), ValueError,
     ["binary_cross_entropy_with_logits", "'target'", "(3, 1)", "(3, 2)"]),
    (lambda: mF.binary_cross_entropy_with_logits(_x(3, 2), _x(3, 2), pos_weight=_x(3)),
     RuntimeError, ["binary_cross_entropy_with_logits", "'pos_weight'", "(3,)", "(3, 2)"]),
    (lambda: mF.binary_cross_entropy_with_logits(_x(3, 2), _x(3, 2).to(minitorch.int64)),
     RuntimeError, ["binary_cross_entropy_with_logits", "'target'", "floating point", "int64"]),
]


@pytest.mark.parametrize("call,exc,fragments", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_errors(call, exc, fragments):
    with pytest.raises(exc) as info:
        call()
    msg = str(info.value)
    for f in fragments:
        assert f in msg, f"{f!r} not in {msg!r}"
