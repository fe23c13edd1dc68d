"""Learning-rate schedulers against torch.optim.lr_scheduler: the same optimizer groups and
the same calls give the same learning-rate (and momentum) sequences, to the last bit, and
state_dicts round-trip."""
import copy
import warnings

import numpy as np
import pytest
import torch

import minitorch
from minitorch import nn, optim
from minitorch.optim import lr_scheduler as mls
from torch.optim import lr_scheduler as tls


def make_optimizer(lib, name="SGD", lrs=(0.1, 0.02), **kw):
    """An optimizer with one parameter group per lr (two by default)."""
    if lib is torch:
        params = [torch.nn.Parameter(torch.ones(2)) for _ in lrs]
        cls = getattr(torch.optim, name)
    else:
        params = [nn.Parameter(minitorch.ones(2)) for _ in lrs]
        cls = getattr(optim, name)
    groups = [{"params": [p], "lr": lr} for p, lr in zip(params, lrs)]
    return cls(groups, **kw)


def fake_step(opt):
    """Give every parameter a gradient and step, so the optimizer's order is the usual
    one (scheduler.step() after optimizer.step())."""
    for g in opt.param_groups:
        for p in g["params"]:
            p.grad = p.detach() * 0 + 0.5
    opt.step()


def momenta(opt):
    out = []
    for g in opt.param_groups:
        out.append(g["betas"][0] if "betas" in g else g.get("momentum"))
    return out


def run(lib, make_sched, steps, name="SGD", metrics=None, opt_kw=None, lrs=(0.1, 0.02)):
    opt = make_optimizer(lib, name, lrs, **(opt_kw or {}))
    sched = make_sched(lib, opt)
    seq = [(list(sched.get_last_lr()), [g["lr"] for g in opt.param_groups], momenta(opt))]
    for i in range(steps):
        fake_step(opt)
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[i])
        seq.append((list(sched.get_last_lr()), [g["lr"] for g in opt.param_groups],
                    momenta(opt)))
    return seq, sched, opt


def S(lib):
    return tls if lib is torch else mls


SCHEDULERS = {
    "StepLR": lambda lib, o: S(lib).StepLR(o, step_size=7, gamma=0.5),
    "StepLR-default-gamma": lambda lib, o: S(lib).StepLR(o, 3),
    "MultiStepLR": lambda lib, o: S(lib).MultiStepLR(o, milestones=[5, 12, 12, 30], gamma=0.3),
    "ExponentialLR": lambda lib, o: S(lib).ExponentialLR(o, gamma=0.93),
    "CosineAnnealingLR": lambda lib, o: S(lib).CosineAnnealingLR(o, T_max=20),
    "CosineAnnealingLR-eta_min": lambda lib, o: S(lib).CosineAnnealingLR(o, T_max=13,
                                                                          eta_min=0.001),
    "LambdaLR": lambda lib, o: S(lib).LambdaLR(o, lambda e: 0.95 ** e + 0.01 * (e % 4)),
    "LambdaLR-per-group": lambda lib, o: S(lib).LambdaLR(
        o, [lambda e: 1.0 / (1 + e), lambda e: min(1.0, (e + 1) / 10)]),
    "OneCycleLR": lambda lib, o: S(lib).OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=80),
    "OneCycleLR-linear": lambda lib, o: S(lib).OneCycleLR(o, max_lr=0.8, total_steps=80,
                                                          anneal_strategy="linear",
                                                          pct_start=0.25),
    "OneCycleLR-three-phase": lambda lib, o: S(lib).OneCycleLR(o, max_lr=0.3, total_steps=80,
                                                               three_phase=True),
    "OneCycleLR-epochs": lambda lib, o: S(lib).OneCycleLR(o, max_lr=0.3, epochs=8,
                                                          steps_per_epoch=10, div_factor=10.0,
                                                          final_div_factor=100.0,
                                                          base_momentum=0.8,
                                                          max_momentum=[0.9, 0.99]),
    "OneCycleLR-no-momentum": lambda lib, o: S(lib).OneCycleLR(o, max_lr=0.3, total_steps=80,
                                                               cycle_momentum=False),
}
STEPS = 80


def assert_same_sequence(ref, got, what):
    assert len(ref) == len(got)
    for i, (r, g) in enumerate(zip(ref, got)):
        assert r == g, f"{what}: step {i}: torch {r}, minitorch {g}"   # bit for bit


@pytest.mark.parametrize("key", list(SCHEDULERS))
def test_lr_sequence_matches_torch(key):
    make = SCHEDULERS[key]
    kw = dict(momentum=0.9)            # so OneCycleLR has a momentum to cycle
    ref, _, _ = run(torch, make, STEPS, opt_kw=kw)
    got, _, _ = run(minitorch, make, STEPS, opt_kw=kw)
    assert_same_sequence(ref, got, key)
    lrs = [s[0][0] for s in got]
    assert len(set(lrs)) > 2           # the schedule changed the lr


@pytest.mark.parametrize("key", ["OneCycleLR", "OneCycleLR-three-phase", "OneCycleLR-epochs"])
def test_one_cycle_cycles_adams_beta1(key):
    make = SCHEDULERS[key]
    ref, _, ot = run(torch, make, STEPS, name="Adam")
    got, _, om = run(minitorch, make, STEPS, name="Adam")
    assert_same_sequence(ref, got, key)
    assert len({s[2][0] for s in got}) > 10                    # beta1 moved
    assert om.param_groups[0]["betas"][1] == 0.999             # beta2 untouched
    for gt, gm in zip(ot.param_groups, om.param_groups):
        for k in ("initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum"):
            assert gt[k] == gm[k], k


def test_one_cycle_errors():
    opt = make_optimizer(minitorch, momentum=0.9)
    with pytest.raises(ValueError, match="either total_steps OR"):
        mls.OneCycleLR(opt, max_lr=0.1)
    with pytest.raises(ValueError, match="positive integer total_steps"):
        mls.OneCycleLR(opt, max_lr=0.1, total_steps=0)
    with pytest.raises(ValueError, match="anneal_strategy"):
        mls.OneCycleLR(opt, max_lr=0.1, total_steps=10, anneal_strategy="exp")
    with pytest.raises(ValueError, match="pct_start"):
        mls.OneCycleLR(opt, max_lr=0.1, total_steps=10, pct_start=1.5)
    with pytest.raises(ValueError, match="max_lr must have the same length"):
        mls.OneCycleLR(opt, max_lr=[0.1, 0.2, 0.3], total_steps=10)
    with pytest.raises(ValueError, match="momentum or beta1"):
        mls.OneCycleLR(make_optimizer(minitorch, "Adagrad"), max_lr=0.1, total_steps=10)
    s = mls.OneCycleLR(opt, max_lr=0.1, total_steps=3)
    for _ in range(3):
        fake_step(opt)
        s.step()
    fake_step(opt)
    with pytest.raises(ValueError, match="Tried to step 4 times"):
        s.step()


def test_chained_schedulers_match_torch():
    def make(lib, o):
        return [S(lib).ExponentialLR(o, gamma=0.97), S(lib).MultiStepLR(o, [10, 20], 0.5)]

    seqs = []
    for lib in (torch, minitorch):
        opt = make_optimizer(lib)
        scheds = make(lib, opt)
        seq = []
        for _ in range(40):
            fake_step(opt)
            for s in scheds:
                s.step()
            seq.append([g["lr"] for g in opt.param_groups])
        seqs.append(seq)
    assert_same_sequence(*seqs, "ExponentialLR+MultiStepLR")


@pytest.mark.parametrize("key", ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR"])
def test_step_with_epoch_uses_the_closed_form_like_torch(key):
    out = []
    for lib in (torch, minitorch):
        opt = make_optimizer(lib)
        sched = SCHEDULERS[key](lib, opt)
        seq = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for epoch in (3, 10, 4, 25, 7):
                fake_step(opt)
                sched.step(epoch)
                seq.append(list(sched.get_last_lr()))
        out.append(seq)
    assert_same_sequence(*out, key)


# ---------------------------------------------------------------------------- plateau
def plateau_metrics(n=90, seed=3):
    """Decreasing with noise, long flat stretches and exact repeats."""
    r = np.random.default_rng(seed)
    m, out = 1.0, []
    for i in range(n):
        if (i // 12) % 2 == 0:
            m = m * 0.97 + r.normal() * 0.003
        elif r.random() < 0.3:
            m = m * (1 + r.normal() * 0.02)
        out.append(float(m))
    out[40:44] = [out[39]] * 4
    return out


PLATEAU = {
    "defaults": {},
    "patience-factor": dict(patience=2, factor=0.5),
    "abs-threshold": dict(patience=1, threshold=0.01, threshold_mode="abs", factor=0.7),
    "cooldown": dict(patience=0, cooldown=3, factor=0.8),
    "min_lr": dict(patience=1, factor=0.3, min_lr=0.005),
    "min_lr-per-group": dict(patience=1, factor=0.3, min_lr=[0.001, 0.0049]),
    "eps": dict(patience=1, factor=0.9, eps=0.004),
    "max-mode": dict(mode="max", patience=2, factor=0.5),
    "max-abs": dict(mode="max", patience=1, threshold=0.02, threshold_mode="abs"),
}


@pytest.mark.parametrize("key", list(PLATEAU))
def test_reduce_lr_on_plateau_matches_torch(key):
    kw = PLATEAU[key]
    metrics = plateau_metrics()
    if kw.get("mode") == "max":
        metrics = [-m for m in metrics]

    def make(lib, o):
        return S(lib).ReduceLROnPlateau(o, **kw)

    ref, st, _ = run(torch, make, len(metrics), metrics=metrics)
    got, sm, _ = run(minitorch, make, len(metrics), metrics=metrics)
    assert_same_sequence(ref, got, key)
    assert len({s[1][0] for s in got}) > 1          # it did reduce
    for attr in ("best", "num_bad_epochs", "cooldown_counter", "last_epoch", "min_lrs"):
        assert getattr(st, attr) == getattr(sm, attr), attr


def test_reduce_lr_on_plateau_takes_a_tensor_metric_and_validates():
    opt = make_optimizer(minitorch)
    s = mls.ReduceLROnPlateau(opt, patience=0)
    s.step(minitorch.tensor(1.0))
    s.step(minitorch.tensor(2.0))
    assert s.get_last_lr() == [0.1 * 0.1, 0.02 * 0.1]
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        mls.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode"):
        mls.ReduceLROnPlateau(opt, mode="median")
    with pytest.raises(ValueError, match="threshold mode"):
        mls.ReduceLROnPlateau(opt, threshold_mode="pct")
    with pytest.raises(ValueError, match="expected 2 min_lrs"):
        mls.ReduceLROnPlateau(opt, min_lr=[0.1])


# ---------------------------------------------------------------------------- state_dict
def _plain(sd):
    """A scheduler state_dict with its Counter/lists as plain, comparable values."""
    return {k: (dict(v) if k == "milestones" else v) for k, v in sd.items()}


@pytest.mark.parametrize("key", list(SCHEDULERS) + ["ReduceLROnPlateau"])
def test_state_dict_matches_torch_and_round_trips(key):
    metrics = plateau_metrics()
    if key == "ReduceLROnPlateau":
        def make(lib, o):
            return S(lib).ReduceLROnPlateau(o, patience=1, factor=0.5, cooldown=1)
    else:
        make = SCHEDULERS[key]
    kw = dict(momentum=0.9)

    def drive(sched, opt, start, n):
        out = []
        for i in range(start, start + n):
            fake_step(opt)
            sched.step(metrics[i]) if key == "ReduceLROnPlateau" else sched.step()
            out.append(([g["lr"] for g in opt.param_groups], momenta(opt)))
        return out

    # the same state as torch's after 20 steps: every attribute but the optimizer
    ref, st, ot = run(torch, make, 20, metrics=metrics if key == "ReduceLROnPlateau" else None,
                      opt_kw=kw)
    got, sm, om = run(minitorch, make, 20,
                      metrics=metrics if key == "ReduceLROnPlateau" else None, opt_kw=kw)
    sdt, sdm = st.state_dict(), sm.state_dict()
    assert set(sdt) == set(sdm), set(sdt) ^ set(sdm)
    for k in sdt:
        assert _plain(sdt)[k] == _plain(sdm)[k], k
    if key.startswith("LambdaLR"):
        assert all(f is None for f in sdm["lr_lambdas"])     # functions are not saved
    # uninterrupted: 20 more steps
    cont = drive(sm, om, 20, 20)
    # interrupted: an identical run saves both states at step 20; a fresh optimizer and
    # scheduler load them (scheduler built first, as torch asks) and go on
    _, sm2, om2 = run(minitorch, make, 20,
                      metrics=metrics if key == "ReduceLROnPlateau" else None, opt_kw=kw)
    ck_opt, ck_sched = copy.deepcopy(om2.state_dict()), copy.deepcopy(sm2.state_dict())
    del sm2, om2
    _, sm3, om3 = run(minitorch, make, 0, opt_kw=kw)
    om3.load_state_dict(ck_opt)
    sm3.load_state_dict(ck_sched)
    assert sm3.get_last_lr() == ck_sched["_last_lr"]
    resumed = drive(sm3, om3, 20, 20)
    assert resumed == cont


def test_lambda_lr_state_dict_keeps_callable_objects_state():
    class Warmup:
        def __init__(self, n):
            self.n = n

        def __call__(self, e):
            return min(1.0, (e + 1) / self.n)

    opt = make_optimizer(minitorch)
    s = mls.LambdaLR(opt, [Warmup(5), lambda e: 1.0])
    sd = s.state_dict()
    assert sd["lr_lambdas"] == [{"n": 5}, None]
    s2 = mls.LambdaLR(make_optimizer(minitorch), [Warmup(99), lambda e: 1.0])
    s2.load_state_dict(sd)
    assert s2.lr_lambdas[0].n == 5
    assert "lr_lambdas" in sd            # load_state_dict leaves the dict as it was


# ---------------------------------------------------------------------------- base class
def test_initial_lr_and_resuming_with_last_epoch():
    opt = make_optimizer(minitorch)
    mls.StepLR(opt, step_size=2)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.02]
    with pytest.raises(KeyError, match="initial_lr"):
        mls.StepLR(make_optimizer(minitorch), step_size=2, last_epoch=5)
    for lib in (torch, minitorch):     # resuming at epoch 5 gives torch's lrs
        o = make_optimizer(lib)
        for g in o.param_groups:
            g["initial_lr"] = g["lr"]
        s = S(lib).CosineAnnealingLR(o, T_max=10, last_epoch=5)
        lrs = [s.get_last_lr()]
        for _ in range(6):
            fake_step(o)
            s.step()
            lrs.append(s.get_last_lr())
        if lib is torch:
            ref = lrs
    assert lrs == ref


def test_scheduler_needs_an_optimizer_and_warns_on_wrong_order():
    with pytest.raises(TypeError, match="is not an Optimizer"):
        mls.StepLR(torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1), 3)
    opt = make_optimizer(minitorch)
    s = mls.StepLR(opt, 3)
    with pytest.warns(UserWarning, match=r"before `optimizer.step\(\)`"):
        s.step()
    opt = make_optimizer(minitorch)
    s = mls.StepLR(opt, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fake_step(opt)
        s.step()                        # the right order: no warning


def test_get_last_lr_is_a_copy():
    opt = make_optimizer(minitorch)
    s = mls.ExponentialLR(opt, 0.5)
    last = s.get_last_lr()
    last[0] = 123.0
    fake_step(opt)
    s.step()
    assert s.get_last_lr() == [0.05, 0.01]


def test_one_cycle_with_sgd_momentum_trains_like_torch():
    """The schedule drives the optimizer: with lr and momentum cycling every step, the
    weights follow torch's."""
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((20, 4)), rng.standard_normal((20, 2))
    W0 = rng.standard_normal((4, 2))
    out = []
    for lib, opt_mod, sched_mod in ((torch, torch.optim, tls), (minitorch, optim, mls)):
        Xl, Yl = lib.from_numpy(X.copy()), lib.from_numpy(Y.copy())
        W = (torch.nn.Parameter if lib is torch else nn.Parameter)(lib.from_numpy(W0.copy()))
        kw = dict(foreach=False) if lib is torch else {}
        opt = opt_mod.SGD([W], lr=0.1, momentum=0.9, nesterov=True, **kw)
        sched = sched_mod.OneCycleLR(opt, max_lr=0.05, total_steps=50)
        for _ in range(50):
            opt.zero_grad()
            ((Xl @ W - Yl) ** 2).mean().backward()
            opt.step()
            sched.step()
        out.append(W.detach().numpy().copy())
    np.testing.assert_allclose(out[1], out[0], rtol=1e-10, atol=1e-12)
