"""The optimizers added for real PyTorch programs (Adamax, NAdam, RAdam, ASGD, Rprop,
Adafactor, SparseAdam, LBFGS), swa_utils, optimizer hooks, and the API every optimizer
shares with torch (signatures, state_dict layout, closures, param groups), each compared
with torch.optim on the same parameters and gradients."""
import copy
import functools
import inspect

import numpy as np
import pytest
import torch

import minitorch
from minitorch import nn, optim

NAMES = ("W1", "b1", "W2", "b2")
ALL_OPTIMIZERS = ["SGD", "Adam", "AdamW", "Adagrad", "Adadelta", "RMSprop", "Adamax", "NAdam",
                  "RAdam", "ASGD", "Rprop", "Adafactor", "SparseAdam", "LBFGS"]


@functools.lru_cache(maxsize=None)
def _problem(seed):
    r = np.random.default_rng(seed)
    return dict(X=r.standard_normal((16, 5)), Y=r.standard_normal((16, 3)),
                W1=r.standard_normal((5, 8)) * 0.5, b1=r.standard_normal(8) * 0.1,
                W2=r.standard_normal((8, 3)) * 0.5, b2=r.standard_normal(3) * 0.1)


def make_params(lib, dtype, seed=0):
    d = _problem(seed)
    npd = np.dtype(dtype)
    if lib is torch:
        return [torch.nn.Parameter(torch.from_numpy(np.array(d[k], dtype=npd))) for k in NAMES]
    return [nn.Parameter(minitorch.from_numpy(np.array(d[k], dtype=npd))) for k in NAMES]


def mlp_loss(lib, P, dtype, seed=0):
    """A 5-8-3 tanh MLP's mean squared error on fixed data."""
    d = _problem(seed)
    npd = np.dtype(dtype)
    conv = torch.from_numpy if lib is torch else minitorch.from_numpy
    X, Y = conv(d["X"].astype(npd)), conv(d["Y"].astype(npd))
    h = (X @ P[0] + P[1]).tanh()
    return ((h @ P[2] + P[3] - Y) ** 2).mean()


def to_np(t):
    return np.array(t.detach().numpy(), copy=True)


def make_opt(lib, name, params, kw):
    kw = dict(kw)
    if lib is torch and "foreach" in inspect.signature(getattr(torch.optim, name)).parameters:
        kw.setdefault("foreach", False)     # torch's single-tensor reference path
    return getattr(lib.optim, name)(params, **kw)


def run(lib, name, kw, dtype, steps, seed=0, sparse=False):
    """Parameter values after each of `steps` steps of optimizer `name`."""
    P = make_params(lib, dtype, seed)
    opt = make_opt(lib, name, P, kw)
    traj = []
    for _ in range(steps):
        opt.zero_grad()
        mlp_loss(lib, P, dtype, seed).backward()
        if sparse:
            _sparsify_grads(lib, P)
        opt.step()
        traj.append([to_np(p) for p in P])
    return traj, opt


def _sparsify_grads(lib, P):
    """Zero a fixed pattern of gradient entries (a torch sparse gradient holds the rest)."""
    for i, p in enumerate(P):
        mask = (np.arange(p.numel()).reshape(tuple(p.shape)) % (i + 2)) == 0
        if lib is torch:
            g = p.grad.clone()
            g[torch.from_numpy(mask)] = 0
            p.grad = g.to_sparse()
        else:
            g = p.grad.numpy().copy()
            g[mask] = 0
            p.grad = minitorch.from_numpy(g)


TOL = {"float64": dict(rtol=1e-9, atol=1e-12), "float32": dict(rtol=2e-4, atol=2e-5)}


def assert_traj_close(a, b, dtype, what=""):
    assert len(a) == len(b)
    for step, (sa, sb) in enumerate(zip(a, b)):
        for name, x, y in zip(NAMES, sa, sb):
            assert x.dtype == y.dtype, f"{what}: {name} dtype {x.dtype} vs {y.dtype}"
            np.testing.assert_allclose(x, y, **TOL[dtype],
                                       err_msg=f"{what}: step {step}, parameter {name}")


CASES = [
    ("Adamax", {}),
    ("Adamax", dict(lr=0.01, weight_decay=0.1)),
    ("Adamax", dict(lr=0.02, betas=(0.8, 0.95), eps=1e-6, maximize=True)),
    ("NAdam", {}),
    ("NAdam", dict(lr=0.01, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("NAdam", dict(lr=0.01, betas=(0.8, 0.99), maximize=True)),
    ("RAdam", {}),
    ("RAdam", dict(lr=0.01)),
    ("RAdam", dict(lr=0.01, betas=(0.9, 0.9))),       # rho_t > 5 from step 6: both branches
    ("RAdam", dict(lr=0.01, weight_decay=0.1)),
    ("RAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("ASGD", {}),
    ("ASGD", dict(lr=0.05, lambd=0.01, alpha=0.5, t0=5)),
    ("ASGD", dict(lr=0.05, t0=3, weight_decay=0.1, maximize=True)),
    ("Rprop", {}),
    ("Rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.1))),
    ("Rprop", dict(lr=0.01, maximize=True)),
    ("Adafactor", {}),
    ("Adafactor", dict(lr=0.05, beta2_decay=-0.5, eps=(1e-20, 1e-3), d=2.0)),
    ("Adafactor", dict(lr=0.02, weight_decay=0.1, maximize=True)),
    ("Adafactor", dict(lr=0.02, eps=(None, 0.1))),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name, kw", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_trajectory_matches_torch(name, kw, dtype):
    mine, opt = run(minitorch, name, kw, dtype, 25)
    ref, topt = run(torch, name, kw, dtype, 25)
    assert_traj_close(mine, ref, dtype, f"{name}{kw}")
    # the state, entry by entry, as torch's
    for p_state, t_state in zip(opt.state_dict()["state"].values(),
                                topt.state_dict()["state"].values()):
        assert sorted(p_state) == sorted(t_state)
        for key in t_state:
            a, b = p_state[key], t_state[key]
            if isinstance(b, torch.Tensor):
                assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1], key
                np.testing.assert_allclose(to_np(a), to_np(b), **TOL[dtype], err_msg=key)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_sparse_adam_matches_torch_on_sparse_gradients(dtype):
    # (torch's dense += sparse is slow on the CPU: few steps)
    for kw in ({}, dict(lr=0.01, betas=(0.8, 0.9), eps=1e-6, maximize=True)):
        mine, _ = run(minitorch, "SparseAdam", kw, dtype, 8, sparse=True)
        ref, _ = run(torch, "SparseAdam", kw, dtype, 8, sparse=True)
        assert_traj_close(mine, ref, dtype, f"SparseAdam{kw}")


def test_sparse_adam_leaves_zero_gradient_entries_alone():
    p = nn.Parameter(minitorch.tensor([1.0, 2.0, 3.0]))
    opt = optim.SparseAdam([p], lr=0.1)
    p.grad = minitorch.tensor([0.5, 0.0, -1.0])
    opt.step()
    assert p[1].item() == 2.0 and opt.state[p]["exp_avg"][1].item() == 0.0
    assert p[0].item() < 1.0 and p[2].item() > 3.0
    assert opt.state[p]["step"] == 1 and isinstance(opt.state[p]["step"], int)


# ----------------------------------------------------------------------------- LBFGS
def lbfgs_run(lib, kw, dtype, steps, seed=0):
    P = make_params(lib, dtype, seed)
    opt = lib.optim.LBFGS(P, **kw)
    calls = [0]

    def closure():
        calls[0] += 1
        opt.zero_grad()
        loss = mlp_loss(lib, P, dtype, seed)
        loss.backward()
        return loss

    losses, traj = [], []
    for _ in range(steps):
        losses.append(float(opt.step(closure).detach()))
        traj.append([to_np(p) for p in P])
    state = opt.state[P[0]]
    return traj, losses, calls[0], (state["func_evals"], state["n_iter"])


LBFGS_CASES = [
    {},
    dict(lr=0.5, max_iter=5),
    dict(history_size=3, max_iter=7),
    dict(line_search_fn="strong_wolfe"),
    dict(line_search_fn="strong_wolfe", history_size=4, max_iter=10, max_eval=14),
    dict(lr=0.3, tolerance_change=1e-4, tolerance_grad=1e-3),
]


@pytest.mark.parametrize("kw", LBFGS_CASES, ids=[str(k) for k in LBFGS_CASES])
def test_lbfgs_matches_torch(kw):
    mine = lbfgs_run(minitorch, kw, "float64", 4)
    ref = lbfgs_run(torch, kw, "float64", 4)
    assert_traj_close(mine[0], ref[0], "float64", f"LBFGS{kw}")
    np.testing.assert_allclose(mine[1], ref[1], rtol=1e-9)
    assert mine[2] == ref[2], "number of closure calls"
    assert mine[3] == ref[3], "func_evals, n_iter"


def test_lbfgs_float32_and_state_layout():
    mine = lbfgs_run(minitorch, dict(line_search_fn="strong_wolfe"), "float32", 3)
    ref = lbfgs_run(torch, dict(line_search_fn="strong_wolfe"), "float32", 3)
    assert mine[0][-1][0].dtype == np.float32
    # float32 dot products round differently from torch's: 20 iterations per step let
    # the paths drift apart slowly
    np.testing.assert_allclose(mine[1][:2], ref[1][:2], rtol=1e-4)
    np.testing.assert_allclose(mine[1][2], ref[1][2], rtol=2e-2)
    P = make_params(minitorch, "float64")
    opt = optim.LBFGS(P, history_size=5)

    def closure():
        opt.zero_grad()
        loss = mlp_loss(minitorch, P, "float64")
        loss.backward()
        return loss

    out = opt.step(closure)
    assert isinstance(out, minitorch.Tensor)
    sd = opt.state_dict()
    tP = make_params(torch, "float64")
    topt = torch.optim.LBFGS(tP, history_size=5)

    def tclosure():
        topt.zero_grad()
        loss = mlp_loss(torch, tP, "float64")
        loss.backward()
        return loss

    topt.step(tclosure)
    tsd = topt.state_dict()
    assert sorted(sd["state"][0]) == sorted(tsd["state"][0])
    assert sd["param_groups"] == tsd["param_groups"]
    assert len(sd["state"][0]["old_dirs"]) == len(tsd["state"][0]["old_dirs"])


def test_lbfgs_resumes_from_its_state_dict():
    """Two steps in one optimizer == one step, state_dict into a fresh one, one step."""
    def closure_for(opt, P):
        def closure():
            opt.zero_grad()
            loss = mlp_loss(minitorch, P, "float64")
            loss.backward()
            return loss
        return closure

    P = make_params(minitorch, "float64")
    opt = optim.LBFGS(P, history_size=4, max_iter=5)
    opt.step(closure_for(opt, P))
    opt.step(closure_for(opt, P))
    P2 = make_params(minitorch, "float64")
    opt2 = optim.LBFGS(P2, history_size=4, max_iter=5)
    opt2.step(closure_for(opt2, P2))
    P3 = [nn.Parameter(p.detach().clone()) for p in P2]
    opt3 = optim.LBFGS(P3, history_size=4, max_iter=5)
    opt3.load_state_dict(copy.deepcopy(opt2.state_dict()))
    opt3.step(closure_for(opt3, P3))
    for a, b in zip(P, P3):
        np.testing.assert_allclose(to_np(a), to_np(b), rtol=1e-12)


def test_lbfgs_needs_a_closure_and_one_group():
    P = make_params(minitorch, "float64")
    opt = optim.LBFGS(P)
    with pytest.raises(TypeError):
        opt.step()                          # as torch: closure is a required argument
    with pytest.raises(RuntimeError, match="closure"):
        opt.step(None)
    with pytest.raises(ValueError, match="parameter groups"):
        optim.LBFGS([{"params": P[:2]}, {"params": P[2:]}])
    with pytest.raises(ValueError, match="line_search_fn"):
        optim.LBFGS(P, line_search_fn="armijo")


def test_lbfgs_fits_a_least_squares_problem():
    rng = np.random.default_rng(3)
    A, b = rng.standard_normal((20, 4)), rng.standard_normal(20)
    x = nn.Parameter(minitorch.zeros(4, dtype=minitorch.float64))
    opt = optim.LBFGS([x], line_search_fn="strong_wolfe", max_iter=50, tolerance_grad=1e-12,
                      tolerance_change=1e-14)
    At, bt = minitorch.from_numpy(A), minitorch.from_numpy(b)

    def closure():
        opt.zero_grad()
        loss = ((At @ x - bt) ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    np.testing.assert_allclose(to_np(x), np.linalg.lstsq(A, b, rcond=None)[0], atol=1e-6)


# ----------------------------------------------------------------------------- the shared API
@pytest.mark.parametrize("name", ALL_OPTIMIZERS)
def test_signature_is_torchs(name):
    mine = inspect.signature(getattr(optim, name).__init__)
    ref = inspect.signature(getattr(torch.optim, name).__init__)
    describe = [(p.name, p.kind, p.default) for p in ref.parameters.values()]
    assert [(p.name, p.kind, p.default) for p in mine.parameters.values()] == describe


FLAG_KW = {
    "SGD": dict(maximize=True, foreach=False, fused=None, differentiable=False),
    "Adam": dict(maximize=True, foreach=False, capturable=True, fused=None),
    "AdamW": dict(maximize=True, foreach=False, capturable=True, fused=None),
    "Adagrad": dict(maximize=True, foreach=False, fused=None),
    "Adadelta": dict(maximize=True, foreach=False, capturable=True),
    "RMSprop": dict(maximize=True, foreach=False, capturable=True),
    "Adamax": dict(maximize=True, foreach=False, capturable=True),
    "NAdam": dict(maximize=True, foreach=False, capturable=True),
    "RAdam": dict(maximize=True, foreach=False, capturable=True),
    "ASGD": dict(maximize=True, foreach=False, capturable=True),
    "Rprop": dict(maximize=True, foreach=False, capturable=True),
    "Adafactor": dict(maximize=True, foreach=False),
    "SparseAdam": dict(maximize=True),
}


@pytest.mark.parametrize("name", sorted(FLAG_KW))
def test_implementation_flags_are_accepted_and_state_dict_layout_is_torchs(name):
    """foreach/fused/capturable only pick an implementation: accepted, same result; the
    state_dict has torch's keys, group entries and state entry names and dtypes."""
    kw = FLAG_KW[name]
    P = make_params(minitorch, "float32")
    opt = getattr(optim, name)(P, **kw)
    tkw = dict(kw)
    if tkw.get("capturable"):
        tkw["capturable"] = False           # torch's capturable needs CUDA tensors
    tP = make_params(torch, "float32")
    topt = getattr(torch.optim, name)(tP, **tkw)
    for o, lib, params in ((opt, minitorch, P), (topt, torch, tP)):
        o.zero_grad()
        mlp_loss(lib, params, "float32").backward()
        if name == "SparseAdam":
            _sparsify_grads(lib, params)
        o.step()
    sd, tsd = opt.state_dict(), topt.state_dict()
    assert list(sd) == list(tsd)
    g, tg = sd["param_groups"][0], tsd["param_groups"][0]
    assert sorted(g) == sorted(tg)
    for key in tg:
        if key not in ("capturable",):
            assert g[key] == tg[key] or (isinstance(tg[key], tuple) and
                                         tuple(g[key]) == tg[key]), key
    assert list(sd["state"]) == list(tsd["state"])
    for key, value in tsd["state"].get(0, {}).items():
        mine = sd["state"][0][key]
        if isinstance(value, torch.Tensor):
            assert isinstance(mine, minitorch.Tensor), key
            assert str(mine.dtype).split(".")[-1] == str(value.dtype).split(".")[-1], key
            assert tuple(mine.shape) == tuple(value.shape), key
        else:
            assert type(mine) is type(value), key
    for a, b in zip(P, tP):
        np.testing.assert_allclose(to_np(a), to_np(b), rtol=2e-4, atol=2e-5)


@pytest.mark.parametrize("name", ["Adamax", "NAdam", "RAdam", "ASGD", "Rprop", "Adafactor"])
def test_torch_state_dict_loads_and_training_continues_identically(name):
    """10 steps in torch; its state_dict loaded into a fresh minitorch optimizer and a
    fresh torch one (loading casts state such as ASGD's eta to the parameters' dtype in
    both); 10 more steps in each."""
    kw = dict(lr=0.01) if name != "ASGD" else dict(lr=0.05, t0=4)
    tP = make_params(torch, "float64")
    topt = make_opt(torch, name, tP, kw)

    def tstep(o):
        o.zero_grad()
        mlp_loss(torch, tP, "float64").backward()
        o.step()

    for _ in range(10):
        tstep(topt)
    P = [nn.Parameter(minitorch.from_numpy(to_np(p))) for p in tP]
    opt = make_opt(minitorch, name, P, kw)
    opt.load_state_dict(topt.state_dict())
    topt2 = make_opt(torch, name, tP, kw)
    topt2.load_state_dict(topt.state_dict())
    for _ in range(10):
        tstep(topt2)
        opt.zero_grad()
        mlp_loss(minitorch, P, "float64").backward()
        opt.step()
    for a, b in zip(P, tP):
        np.testing.assert_allclose(to_np(a), to_np(b), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", ["Adamax", "NAdam", "RAdam", "ASGD", "Rprop", "Adafactor",
                                  "SparseAdam"])
def test_state_dict_round_trip_continues_identically(name):
    kw = {}
    P1 = make_params(minitorch, "float64")
    o1 = getattr(optim, name)(P1, **kw)
    P2 = make_params(minitorch, "float64")
    o2 = getattr(optim, name)(P2, **kw)

    def step(o, P):
        o.zero_grad()
        mlp_loss(minitorch, P, "float64").backward()
        o.step()

    for _ in range(5):
        step(o1, P1)
        step(o2, P2)
    buf = __import__("io").BytesIO()
    minitorch.save(o2.state_dict(), buf)
    buf.seek(0)
    P3 = [nn.Parameter(p.detach().clone()) for p in P2]
    o3 = getattr(optim, name)(P3, **kw)
    o3.load_state_dict(minitorch.load(buf))
    for _ in range(5):
        step(o1, P1)
        step(o3, P3)
    for a, b in zip(P1, P3):
        if name in ("NAdam", "ASGD"):
            # as in torch, loading casts the float32 scalars mu_product / eta, mu to the
            # parameters' float64, so the continued run rounds them differently
            np.testing.assert_allclose(to_np(a), to_np(b), rtol=1e-6)
        else:
            assert to_np(a).tobytes() == to_np(b).tobytes()


@pytest.mark.parametrize("name", [n for n in ALL_OPTIMIZERS if n != "LBFGS"])
def test_step_with_closure_returns_its_loss_and_zero_grad(name):
    P = make_params(minitorch, "float32")
    opt = getattr(optim, name)(P)

    def closure():
        opt.zero_grad()
        loss = mlp_loss(minitorch, P, "float32")
        loss.backward()
        return loss

    before = to_np(P[0])
    loss = opt.step(closure)
    assert isinstance(loss, minitorch.Tensor)
    assert not np.array_equal(before, to_np(P[0]))
    assert opt.step() is None
    opt.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not to_np(p.grad).any() for p in P)
    opt.zero_grad()
    assert all(p.grad is None for p in P)


@pytest.mark.parametrize("name", ["Adamax", "NAdam", "RAdam", "ASGD", "Rprop", "Adafactor"])
def test_param_groups_and_add_param_group_match_torch(name):
    """Two groups with their own lr, the second added later, vs torch."""
    def build(lib):
        P = make_params(lib, "float64")
        opt = make_opt(lib, name, [{"params": P[:2]}], dict(lr=0.01))
        opt.add_param_group({"params": P[2:], "lr": 0.03})
        return P, opt

    (P, opt), (tP, topt) = build(minitorch), build(torch)
    assert opt.param_groups[1]["lr"] == 0.03
    assert sorted(opt.param_groups[1]) == sorted(topt.param_groups[1])
    for _ in range(10):
        for o, lib, params in ((opt, minitorch, P), (topt, torch, tP)):
            o.zero_grad()
            mlp_loss(lib, params, "float64").backward()
            o.step()
    for a, b in zip(P, tP):
        np.testing.assert_allclose(to_np(a), to_np(b), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name, kw, msg", [
    ("Adamax", dict(lr=-1), "Invalid learning rate"),
    ("Adamax", dict(betas=(1.0, 0.9)), "Invalid beta parameter at index 0"),
    ("NAdam", dict(momentum_decay=-1), "Invalid momentum_decay value"),
    ("NAdam", dict(eps=-1), "Invalid epsilon value"),
    ("RAdam", dict(betas=(0.9, 1.5)), "Invalid beta parameter at index 1"),
    ("RAdam", dict(weight_decay=-0.1), "Invalid weight_decay value"),
    ("ASGD", dict(weight_decay=-1), "Invalid weight_decay value"),
    ("Rprop", dict(etas=(1.2, 0.5)), "Invalid eta values"),
    ("Adafactor", dict(beta2_decay=0.5), "beta2_decay should be <= 0"),
    ("Adafactor", dict(d=0.5), "Clipping threshold d should be >= 1"),
    ("SparseAdam", dict(lr=0.0), "Invalid learning rate"),
    ("LBFGS", dict(lr=-0.1), "Invalid learning rate"),
])
def test_invalid_hyperparameters_raise_value_error_like_torch(name, kw, msg):
    with pytest.raises(ValueError, match=msg):
        getattr(optim, name)(make_params(minitorch, "float32"), **kw)
    with pytest.raises(ValueError, match=msg):
        getattr(torch.optim, name)(make_params(torch, "float32"), **kw)


def test_tensor_lr_must_have_one_element():
    with pytest.raises(ValueError, match="Tensor lr must be 1-element"):
        optim.NAdam(make_params(minitorch, "float32"), lr=minitorch.tensor([0.1, 0.2]))
    opt = optim.RAdam(make_params(minitorch, "float32"), lr=minitorch.tensor(0.01))
    assert float(opt.param_groups[0]["lr"]) == pytest.approx(0.01)


# ----------------------------------------------------------------------------- hooks
def test_step_hooks_run_in_order_and_can_be_removed():
    P = make_params(minitorch, "float32")
    opt = optim.NAdam(P)
    calls = []
    h1 = opt.register_step_pre_hook(lambda o, a, k: calls.append(("pre", o is opt)))
    h2 = opt.register_step_post_hook(lambda o, a, k: calls.append(("post", o is opt)))
    g = optim.optimizer.register_optimizer_step_pre_hook(lambda o, a, k: calls.append("global"))
    try:
        opt.step()
        assert calls == ["global", ("pre", True), ("post", True)]
        h1.remove()
        h2.remove()
        g.remove()
        opt.step()
        assert len(calls) == 3
    finally:
        g.remove()


def test_state_dict_hooks():
    P = make_params(minitorch, "float32")
    opt = optim.Adamax(P)
    opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1})
    assert opt.state_dict()["extra"] == 1
    seen = []
    opt.register_load_state_dict_pre_hook(lambda o, sd: seen.append(sorted(sd)))
    opt.register_load_state_dict_post_hook(lambda o: seen.append("done"))
    opt.load_state_dict(opt.state_dict())
    assert seen == [["extra", "param_groups", "state"], "done"]


# ----------------------------------------------------------------------------- swa_utils
def _nets():
    torch.manual_seed(0)
    tnet = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.BatchNorm1d(6),
                               torch.nn.ReLU(), torch.nn.Linear(6, 2)).double()
    net = minitorch.nn.Sequential(minitorch.nn.Linear(4, 6), minitorch.nn.BatchNorm1d(6),
                                  minitorch.nn.ReLU(), minitorch.nn.Linear(6, 2)).double()
    net.load_state_dict({k: minitorch.from_numpy(to_np(v))
                         for k, v in tnet.state_dict().items()})
    return net, tnet


def _perturb(net, tnet, k):
    rng = np.random.default_rng(k)
    with torch.no_grad(), minitorch.no_grad():
        for (n, p), (tn, tp) in zip(net.named_parameters(), tnet.named_parameters()):
            delta = rng.standard_normal(tuple(tp.shape))
            tp.add_(torch.from_numpy(delta))
            p.add_(minitorch.from_numpy(delta))


@pytest.mark.parametrize("kind", ["swa", "ema", "ema_avg_fn", "swa_avg_fn", "buffers"])
def test_averaged_model_matches_torch(kind):
    from torch.optim import swa_utils as tswa
    from minitorch.optim import swa_utils as swa
    net, tnet = _nets()
    kw = {"swa": ({}, {}),
          "ema": (dict(multi_avg_fn=swa.get_ema_multi_avg_fn(0.9)),
                  dict(multi_avg_fn=tswa.get_ema_multi_avg_fn(0.9))),
          "ema_avg_fn": (dict(avg_fn=swa.get_ema_avg_fn(0.8)),
                         dict(avg_fn=tswa.get_ema_avg_fn(0.8))),
          "swa_avg_fn": (dict(avg_fn=swa.get_swa_avg_fn()), dict(avg_fn=tswa.get_swa_avg_fn())),
          "buffers": (dict(use_buffers=True), dict(use_buffers=True))}[kind]
    avg, tavg = swa.AveragedModel(net, **kw[0]), tswa.AveragedModel(tnet, **kw[1])
    x = np.random.default_rng(1).standard_normal((8, 4))
    for k in range(6):
        _perturb(net, tnet, k)
        net(minitorch.from_numpy(x))            # moves the BatchNorm running statistics
        tnet(torch.from_numpy(x))
        avg.update_parameters(net)
        tavg.update_parameters(tnet)
    assert int(avg.n_averaged.item()) == int(tavg.n_averaged) == 6
    sd, tsd = avg.state_dict(), tavg.state_dict()
    assert list(sd) == list(tsd)
    for key in tsd:
        np.testing.assert_allclose(to_np(sd[key]), to_np(tsd[key]), rtol=1e-12,
                                   atol=1e-14, err_msg=key)
    avg.eval()
    tavg.eval()
    np.testing.assert_allclose(avg(minitorch.from_numpy(x)).detach().numpy(),
                               tavg(torch.from_numpy(x)).detach().numpy(), rtol=1e-10)


def test_update_bn_matches_torch():
    from torch.optim import swa_utils as tswa
    from minitorch.optim import swa_utils as swa
    net, tnet = _nets()
    rng = np.random.default_rng(2)
    batches = [rng.standard_normal((5, 4)) for _ in range(4)]
    net.eval()
    tnet.eval()
    swa.update_bn([(minitorch.from_numpy(b), 0) for b in batches], net)
    tswa.update_bn([(torch.from_numpy(b), 0) for b in batches], tnet)
    assert not net.training and net[1].momentum == tnet[1].momentum == 0.1
    for key in ("1.running_mean", "1.running_var", "1.num_batches_tracked"):
        np.testing.assert_allclose(to_np(net.state_dict()[key]),
                                   to_np(tnet.state_dict()[key]), rtol=1e-12, err_msg=key)


@pytest.mark.parametrize("kw", [dict(swa_lr=0.05), dict(swa_lr=0.01, anneal_epochs=3,
                                                        anneal_strategy="linear"),
                                dict(swa_lr=[0.02, 0.03], anneal_epochs=0)])
def test_swalr_matches_torch(kw):
    from torch.optim import swa_utils as tswa
    from minitorch.optim import swa_utils as swa
    P, tP = make_params(minitorch, "float32"), make_params(torch, "float32")
    opt = optim.SGD([{"params": P[:2]}, {"params": P[2:], "lr": 0.2}], lr=0.1)
    topt = torch.optim.SGD([{"params": tP[:2]}, {"params": tP[2:], "lr": 0.2}], lr=0.1)
    s, ts = swa.SWALR(opt, **kw), tswa.SWALR(topt, **kw)
    for _ in range(15):
        opt.step()
        topt.step()
        s.step()
        ts.step()
        assert s.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-12)
    sd = s.state_dict()
    assert "anneal_func" not in sd and sd["_anneal_strategy"] == ts.state_dict()["_anneal_strategy"]
