"""Every learning-rate scheduler against torch.optim.lr_scheduler: the lr (and momentum)
sequences over 60+ steps with two parameter groups, composition, SequentialLR and
ChainedScheduler, state_dict round trips in the middle of a schedule, the deprecated
step(epoch) form and the deprecated verbose argument."""
import inspect
import warnings

import numpy as np
import pytest
import torch

import minitorch
from minitorch import optim
from minitorch.optim import lr_scheduler as L

STEPS = 60


def make_opt(lib, kind="SGD"):
    """An optimizer with two groups (lr 0.1 and 0.05)."""
    if lib is torch:
        P = [torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(3))]
    else:
        P = [minitorch.nn.Parameter(minitorch.zeros(2)), minitorch.nn.Parameter(minitorch.zeros(3))]
    groups = [{"params": [P[0]]}, {"params": [P[1]], "lr": 0.05}]
    if kind == "SGD":
        return lib.optim.SGD(groups, lr=0.1, momentum=0.9)
    return lib.optim.Adam(groups, lr=0.1)


def sched(lib, name, opt, args):
    """Build lib's scheduler `name`; callables in args are called with (lib, opt) first."""
    args = {k: (v(lib, opt) if callable(v) and k.startswith("_") else v) for k, v in args.items()}
    args = {k.lstrip("_"): v for k, v in args.items()}
    return getattr(lib.optim.lr_scheduler, name)(opt, **args)


def lrs_of(opt):
    return [float(g["lr"]) for g in opt.param_groups]


def momenta_of(opt):
    return [g["betas"][0] if "betas" in g else g.get("momentum") for g in opt.param_groups]


class Halve:
    """A picklable callable object (its __dict__ goes into state_dict)."""

    def __init__(self):
        self.factor = 0.95

    def __call__(self, epoch):
        return self.factor ** epoch


CASES = [
    ("StepLR", dict(step_size=7, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[5, 12, 12, 30], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.93)),
    ("CosineAnnealingLR", dict(T_max=17, eta_min=0.001)),
    ("LambdaLR", dict(lr_lambda=lambda e: 1 / (1 + e))),
    ("LambdaLR", dict(lr_lambda=[lambda e: 0.9 ** e, lambda e: 1 - e / 100])),
    ("MultiplicativeLR", dict(lr_lambda=lambda e: 0.97)),
    ("MultiplicativeLR", dict(lr_lambda=[lambda e: 0.97, lambda e: 1.0 if e % 2 else 0.9])),
    ("ConstantLR", {}),
    ("ConstantLR", dict(factor=0.5, total_iters=9)),
    ("LinearLR", {}),
    ("LinearLR", dict(start_factor=0.1, end_factor=0.7, total_iters=23)),
    ("PolynomialLR", {}),
    ("PolynomialLR", dict(total_iters=40, power=2.0)),
    ("CosineAnnealingWarmRestarts", dict(T_0=5)),
    ("CosineAnnealingWarmRestarts", dict(T_0=3, T_mult=2, eta_min=0.002)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=4)),
    ("CyclicLR", dict(base_lr=[0.01, 0.02], max_lr=0.2, step_size_up=3, step_size_down=5,
                      mode="triangular2")),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=6, mode="exp_range", gamma=0.97,
                      base_momentum=0.7, max_momentum=0.95)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=5, scale_fn=lambda x: 0.5 ** x,
                      scale_mode="iterations", cycle_momentum=False)),
    ("OneCycleLR", dict(max_lr=0.3, total_steps=STEPS + 1)),
    ("OneCycleLR", dict(max_lr=[0.3, 0.2], epochs=8, steps_per_epoch=8, pct_start=0.25,
                        anneal_strategy="linear", three_phase=True)),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=STEPS + 5, cycle_momentum=False,
                        div_factor=10.0, final_div_factor=100.0)),
]


@pytest.mark.parametrize("kind", ["SGD", "Adam"])
@pytest.mark.parametrize("name, args", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_lr_and_momentum_sequences_match_torch(name, args, kind):
    opt, topt = make_opt(minitorch, kind), make_opt(torch, kind)
    s, ts = sched(minitorch, name, opt, args), sched(torch, name, topt, args)
    assert lrs_of(opt) == pytest.approx(lrs_of(topt), rel=1e-13, abs=1e-15)
    for i in range(STEPS):
        opt.step()
        topt.step()
        s.step()
        ts.step()
        where = f"{name} step {i}"
        assert s.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-12, abs=1e-15), where
        assert lrs_of(opt) == pytest.approx(lrs_of(topt), rel=1e-12, abs=1e-15), where
        assert momenta_of(opt) == pytest.approx(momenta_of(topt), rel=1e-12), where
        assert s.last_epoch == ts.last_epoch, where


@pytest.mark.parametrize("name, args", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_state_dict_has_torchs_keys_and_resumes(name, args):
    """Run 20 steps, save the scheduler's and optimizer's state, build fresh ones, load,
    and continue: the same lrs as an uninterrupted run (and as torch)."""
    opt, topt = make_opt(minitorch), make_opt(torch)
    s, ts = sched(minitorch, name, opt, args), sched(torch, name, topt, args)
    for _ in range(20):
        opt.step()
        topt.step()
        s.step()
        ts.step()
    sd, tsd = s.state_dict(), ts.state_dict()
    assert sorted(sd) == sorted(tsd)
    opt2 = make_opt(minitorch)                 # the usual resume order: build both,
    s2 = sched(minitorch, name, opt2, args)    # then load the optimizer's state and the
    opt2.load_state_dict(opt.state_dict())     # scheduler's
    s2.load_state_dict(sd)
    for i in range(20):
        opt2.step()
        topt.step()
        s2.step()
        ts.step()
        assert s2.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-12, abs=1e-15), i


def test_callable_object_state_goes_into_state_dict():
    opt = make_opt(minitorch)
    fn = Halve()
    s = L.LambdaLR(opt, fn)
    fn.factor = 0.5
    sd = s.state_dict()
    assert sd["lr_lambdas"] == [{"factor": 0.5}, {"factor": 0.5}]
    other = Halve()
    s2 = L.LambdaLR(make_opt(minitorch), other)
    s2.load_state_dict(sd)
    assert other.factor == 0.5
    m = L.MultiplicativeLR(make_opt(minitorch), lambda e: 0.9)
    assert m.state_dict()["lr_lambdas"] == [None, None]


def _seq(lib, opt):
    S = lib.optim.lr_scheduler
    return [S.LinearLR(opt, start_factor=0.1, total_iters=5),
            S.CosineAnnealingLR(opt, T_max=20, eta_min=0.001),
            S.ExponentialLR(opt, gamma=0.9)]


@pytest.mark.parametrize("build", [
    lambda lib, opt: lib.optim.lr_scheduler.SequentialLR(opt, _seq(lib, opt), milestones=[5, 25]),
    lambda lib, opt: lib.optim.lr_scheduler.SequentialLR(
        opt, [lib.optim.lr_scheduler.ConstantLR(opt, factor=0.2, total_iters=3),
              lib.optim.lr_scheduler.StepLR(opt, step_size=4, gamma=0.5)], milestones=[3]),
    lambda lib, opt: lib.optim.lr_scheduler.ChainedScheduler(
        [lib.optim.lr_scheduler.ConstantLR(opt, factor=0.1, total_iters=4),
         lib.optim.lr_scheduler.ExponentialLR(opt, gamma=0.95)]),
    lambda lib, opt: lib.optim.lr_scheduler.ChainedScheduler(
        [lib.optim.lr_scheduler.LinearLR(opt, 0.2, total_iters=6),
         lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=7)], optimizer=opt),
    lambda lib, opt: lib.optim.lr_scheduler.ChainedScheduler([
        lib.optim.lr_scheduler.SequentialLR(opt, [
            lib.optim.lr_scheduler.LinearLR(opt, 0.5, total_iters=4),
            lib.optim.lr_scheduler.StepLR(opt, 5, 0.5)], milestones=[4]),
        lib.optim.lr_scheduler.MultiplicativeLR(opt, lambda e: 0.99)]),
], ids=["seq3", "seq-const-step", "chain", "chain-restarts", "chain-of-seq"])
def test_sequential_and_chained_match_torch(build):
    opt, topt = make_opt(minitorch), make_opt(torch)
    s, ts = build(minitorch, opt), build(torch, topt)
    assert s.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-12)
    for i in range(STEPS):
        opt.step()
        topt.step()
        s.step()
        ts.step()
        assert s.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-12, abs=1e-15), i
        assert lrs_of(opt) == pytest.approx(lrs_of(topt), rel=1e-12, abs=1e-15), i
        if i == 30:
            sd, tsd = s.state_dict(), ts.state_dict()
            assert sorted(sd) == sorted(tsd)
            assert len(sd["_schedulers"]) == len(tsd["_schedulers"])
            s.load_state_dict(sd)


def test_two_schedulers_on_one_optimizer_compose_like_torch():
    opt, topt = make_opt(minitorch), make_opt(torch)
    a, ta = L.ExponentialLR(opt, 0.9), torch.optim.lr_scheduler.ExponentialLR(topt, 0.9)
    b = L.MultiStepLR(opt, [5, 10], 0.1)
    tb = torch.optim.lr_scheduler.MultiStepLR(topt, [5, 10], 0.1)
    for i in range(20):
        opt.step()
        topt.step()
        a.step()
        b.step()
        ta.step()
        tb.step()
        assert lrs_of(opt) == pytest.approx(lrs_of(topt), rel=1e-12), i


@pytest.mark.parametrize("kw", [
    {}, dict(mode="max", factor=0.5, patience=2), dict(threshold_mode="abs", threshold=0.1,
                                                      cooldown=2, patience=1),
    dict(min_lr=[0.01, 0.02], factor=0.3, patience=0), dict(mode="max", threshold=0.05,
                                                            threshold_mode="rel", eps=1e-3),
])
def test_reduce_lr_on_plateau_matches_torch(kw):
    opt, topt = make_opt(minitorch), make_opt(torch)
    s = L.ReduceLROnPlateau(opt, **kw)
    ts = torch.optim.lr_scheduler.ReduceLROnPlateau(topt, **kw)
    rng = np.random.default_rng(0)
    metrics = np.concatenate([np.linspace(1, 0.5, 10), 0.5 + rng.random(40) * 0.05,
                              np.linspace(0.5, 0.3, 10)])
    for i, m in enumerate(metrics):
        value = minitorch.tensor(float(m)) if i % 3 == 0 else float(m)
        s.step(value)
        ts.step(float(m))
        assert lrs_of(opt) == pytest.approx(lrs_of(topt), rel=1e-12), i
        assert s.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-12)
        assert (s.num_bad_epochs, s.cooldown_counter, s.last_epoch) == (
            ts.num_bad_epochs, ts.cooldown_counter, ts.last_epoch)
    assert sorted(s.state_dict()) == sorted(ts.state_dict())


@pytest.mark.parametrize("name, args", [
    ("StepLR", dict(step_size=3, gamma=0.5)), ("MultiStepLR", dict(milestones=[2, 5])),
    ("ExponentialLR", dict(gamma=0.9)), ("CosineAnnealingLR", dict(T_max=10)),
    ("ConstantLR", dict(factor=0.5, total_iters=4)), ("LinearLR", dict(total_iters=6)),
    ("PolynomialLR", dict(total_iters=8, power=1.5)),
    ("CosineAnnealingWarmRestarts", dict(T_0=4, T_mult=2)),
    ("LambdaLR", dict(lr_lambda=lambda e: 0.5 ** e)),
])
def test_deprecated_step_with_an_epoch_matches_torch(name, args):
    """step(epoch) warns and jumps (the closed form where the scheduler has one);
    CosineAnnealingWarmRestarts also takes fractional epochs."""
    opt, topt = make_opt(minitorch), make_opt(torch)
    s, ts = sched(minitorch, name, opt, args), sched(torch, name, topt, args)
    epochs = [3, 4, 7, 2, 9, 10, 0, 15]
    if name == "CosineAnnealingWarmRestarts":
        epochs = [0.5, 1.25, 3.9, 4.0, 7.5, 13.0, 2.2]
    for e in epochs:
        opt.step()
        topt.step()
        with pytest.warns(UserWarning, match="epoch parameter|deprecated") if \
                name != "CosineAnnealingWarmRestarts" else warnings.catch_warnings():
            s.step(e)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ts.step(e)
        assert lrs_of(opt) == pytest.approx(lrs_of(topt), rel=1e-12, abs=1e-15), e
        assert s.last_epoch == ts.last_epoch


@pytest.mark.parametrize("name, args", [
    ("StepLR", dict(step_size=2)), ("ExponentialLR", dict(gamma=0.5)),
    ("ReduceLROnPlateau", dict(patience=0)), ("LinearLR", {}),
])
def test_verbose_is_accepted_with_a_deprecation_warning(name, args, capsys):
    opt = make_opt(minitorch)
    with pytest.warns(UserWarning, match="verbose parameter is deprecated"):
        s = getattr(L, name)(opt, verbose=True, **args)
    opt.step()
    for _ in range(3):
        s.step(1.0) if name == "ReduceLROnPlateau" else s.step()
    out = capsys.readouterr().out
    assert "learning rate of group 0" in out
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # no warning without verbose
        s = getattr(L, name)(make_opt(minitorch), **args)
    assert "verbose" not in s.state_dict()
    opt = make_opt(minitorch)
    with pytest.warns(UserWarning):
        s = getattr(L, name)(opt, verbose=False, **args)
    opt.step()
    s.step(1.0) if name == "ReduceLROnPlateau" else s.step()
    assert capsys.readouterr().out == ""


NAMES = ["ChainedScheduler", "ConstantLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts",
         "CyclicLR", "ExponentialLR", "LRScheduler", "LambdaLR", "LinearLR", "MultiStepLR",
         "MultiplicativeLR", "OneCycleLR", "PolynomialLR", "ReduceLROnPlateau", "SequentialLR",
         "StepLR"]


@pytest.mark.parametrize("name", NAMES)
def test_signatures_are_torchs_plus_verbose(name):
    mine = inspect.signature(getattr(L, name).__init__).parameters
    ref = inspect.signature(getattr(torch.optim.lr_scheduler, name).__init__).parameters
    names = [n for n in mine if n != "verbose"]
    assert names == list(ref)
    for n in ref:
        assert mine[n].default == ref[n].default, n
        assert mine[n].kind == ref[n].kind, n
    assert set(L.__all__) >= set(torch.optim.lr_scheduler.__all__)


def test_custom_scheduler_subclassing_old_base_name():
    class Warmup(L._LRScheduler):
        def __init__(self, optimizer, warmup, last_epoch=-1):
            self.warmup = warmup
            super().__init__(optimizer, last_epoch)

        def get_lr(self):
            return [b * min(1.0, (self.last_epoch + 1) / self.warmup) for b in self.base_lrs]

    opt = make_opt(minitorch)
    s = Warmup(opt, 4)
    seen = []
    for _ in range(6):
        seen.append(s.get_last_lr()[0])
        opt.step()
        s.step()
    assert seen == pytest.approx([0.025, 0.05, 0.075, 0.1, 0.1, 0.1])
    assert isinstance(s, L.LRScheduler)


@pytest.mark.parametrize("build, exc, msg", [
    (lambda o: L.LinearLR(o, start_factor=0), ValueError, "Starting multiplicative factor"),
    (lambda o: L.LinearLR(o, end_factor=1.5), ValueError, "Ending multiplicative factor"),
    (lambda o: L.ConstantLR(o, factor=2), ValueError, "between 0 and 1"),
    (lambda o: L.CosineAnnealingWarmRestarts(o, T_0=0), ValueError, "positive integer T_0"),
    (lambda o: L.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0), ValueError, "T_mult >= 1"),
    (lambda o: L.CyclicLR(o, 0.1, 1.0, mode="zigzag"), ValueError, "mode is invalid"),
    (lambda o: L.SequentialLR(o, [L.StepLR(o, 2)], milestones=[3]), ValueError,
     "one more than the number of milestone"),
    (lambda o: L.SequentialLR(o, [L.ReduceLROnPlateau(o), L.StepLR(o, 2)], milestones=[3]),
     ValueError, "does not support `ReduceLROnPlateau`"),
    (lambda o: L.ChainedScheduler([]), ValueError, "at least one scheduler"),
    (lambda o: L.ChainedScheduler([L.StepLR(o, 2), L.StepLR(make_opt(minitorch), 2)]),
     ValueError, "same optimizer"),
    (lambda o: L.LambdaLR(o, [lambda e: 1.0]), ValueError, "Expected 2 lr_lambdas"),
    (lambda o: L.MultiplicativeLR(o, 0.9), TypeError, "lr_lambda should be a function"),
])
def test_bad_arguments_raise_like_torch(build, exc, msg):
    with pytest.raises(exc, match=msg):
        build(make_opt(minitorch))


def test_cyclic_lr_on_an_optimizer_without_momentum():
    p = minitorch.nn.Parameter(minitorch.zeros(2))
    opt = optim.Adagrad([p], lr=0.1)
    with pytest.raises(ValueError, match="momentum or beta1"):
        L.CyclicLR(opt, 0.01, 0.1)
    s = L.CyclicLR(opt, 0.01, 0.1, step_size_up=2, cycle_momentum=False)
    seq = []
    for _ in range(5):
        opt.step()
        s.step()
        seq.append(round(s.get_last_lr()[0], 10))
    assert seq == [0.055, 0.1, 0.055, 0.01, 0.055]


def test_get_lr_outside_step_warns():
    opt = make_opt(minitorch)
    s = L.LinearLR(opt)
    with pytest.warns(UserWarning, match="get_last_lr"):
        s.get_lr()
    assert s.get_last_lr() == pytest.approx([0.1 / 3, 0.05 / 3])
