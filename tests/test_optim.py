"""Optimizers against torch.optim: the same tiny MLP, the same initial weights and data in
both frameworks; every optimizer and option combination follows torch's parameter
trajectory step by step (float64 to ~1e-10, float32 within float32 tolerance), and the
state_dict is torch's format and round-trips."""
import copy
import functools

import numpy as np
import pytest
import torch

import minitorch
from minitorch import nn, optim

NAMES = ("W1", "b1", "W2", "b2")


@functools.lru_cache(maxsize=None)
def _problem(seed):
    r = np.random.default_rng(seed)
    return dict(X=r.standard_normal((16, 5)), Y=r.standard_normal((16, 3)),
                W1=r.standard_normal((5, 8)) * 0.5, b1=r.standard_normal(8) * 0.1,
                W2=r.standard_normal((8, 3)) * 0.5, b2=r.standard_normal(3) * 0.1)


def problem(seed=0):
    """Data X, Y and initial weights of a 5-8-3 tanh MLP (the same bytes every call)."""
    return {k: v.copy() for k, v in _problem(seed).items()}


def make_params(lib, dtype, values=None, device="cpu"):
    """The four parameters of the MLP, from `values` (name -> array) or the seeded problem."""
    d = problem() if values is None else values
    npd = np.dtype(dtype)
    if lib is torch:
        return [torch.nn.Parameter(torch.from_numpy(np.array(d[k], dtype=npd))) for k in NAMES]
    return [nn.Parameter(minitorch.from_numpy(np.array(d[k], dtype=npd)).to(device))
            for k in NAMES]


def closure_loss(lib, P, dtype, sign=1.0, device="cpu"):
    d = problem()
    npd = np.dtype(dtype)
    if lib is torch:
        X, Y = (torch.from_numpy(d[k].astype(npd)) for k in "XY")
    else:
        X, Y = (minitorch.from_numpy(d[k].astype(npd)).to(device) for k in "XY")
    h = (X @ P[0] + P[1]).tanh()
    loss = ((h @ P[2] + P[3] - Y) ** 2).mean()
    return loss * sign


def torch_opt(name, params, kw):
    kw = dict(kw)
    kw.setdefault("foreach", False)   # the single-tensor reference path
    return getattr(torch.optim, name)(params, **kw)


def train(lib, opt, P, dtype, steps, sign=1.0, device="cpu"):
    traj = []
    for _ in range(steps):
        opt.zero_grad()
        closure_loss(lib, P, dtype, sign, device).backward()
        opt.step()
        traj.append([to_np(p) for p in P])
    return traj


def to_np(t):
    if isinstance(t, torch.Tensor):
        return t.detach().numpy().copy()
    return np.array(t.detach().numpy(force=True), copy=True)


TOL = {"float64": dict(rtol=1e-9, atol=1e-12), "float32": dict(rtol=1e-4, atol=1e-5)}


def assert_traj_close(a, b, dtype, what=""):
    """Every parameter at every step within tolerance; names the first step that is not."""
    assert len(a) == len(b)
    tol = TOL[dtype]
    for i, name in enumerate(NAMES):
        x = np.stack([s[i] for s in a])
        y = np.stack([s[i] for s in b])
        assert x.dtype == y.dtype, f"{what} {name}: dtype {x.dtype} vs {y.dtype}"
        bad = np.abs(x - y) > tol["atol"] + tol["rtol"] * np.abs(y)
        if bad.any():
            step = int(np.argwhere(bad)[0][0])
            np.testing.assert_allclose(x[step], y[step], **tol,
                                       err_msg=f"{what}: step {step}, parameter {name}")


CASES = [
    ("SGD", {}),
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, weight_decay=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.5)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.1, maximize=True)),
    ("SGD", dict(lr=0.05, momentum=0.8, dampening=0.1, weight_decay=0.01, maximize=True)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, maximize=True)),
    ("Adam", {}),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1)),
    ("Adam", dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6)),
    ("Adam", dict(lr=0.01, maximize=True)),
    ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1, maximize=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("AdamW", {}),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("AdamW", dict(lr=0.01, maximize=True)),
    ("AdamW", dict(lr=0.02, betas=(0.85, 0.95), eps=1e-5, weight_decay=0.0)),
    ("Adagrad", {}),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05)),
    ("Adagrad", dict(lr=0.1, initial_accumulator_value=0.5)),
    ("Adagrad", dict(lr=0.1, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1, maximize=True)),
    ("Adagrad", dict(lr=0.1, eps=1e-3)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.05, initial_accumulator_value=0.1,
                     maximize=True)),
    ("Adadelta", {}),
    ("Adadelta", dict(lr=0.5, rho=0.8)),
    ("Adadelta", dict(eps=1e-4)),
    ("Adadelta", dict(weight_decay=0.1)),
    ("Adadelta", dict(maximize=True)),
    ("Adadelta", dict(lr=0.7, rho=0.95, eps=1e-5, weight_decay=0.05, maximize=True)),
    ("RMSprop", {}),
    ("RMSprop", dict(lr=0.01, alpha=0.9)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.8)),
    ("RMSprop", dict(lr=0.01, centered=True, momentum=0.5)),
    ("RMSprop", dict(lr=0.01, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, maximize=True)),
    ("RMSprop", dict(lr=0.01, eps=1e-4)),
    ("RMSprop", dict(lr=0.005, alpha=0.95, eps=1e-6, weight_decay=0.05, momentum=0.3,
                     centered=True, maximize=True)),
]


def case_id(case):
    name, kw = case
    return name + "-" + (",".join(f"{k}={v}" for k, v in kw.items()) or "defaults")


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_trajectory_matches_torch(case, dtype):
    name, kw = case
    # maximize=True climbs the negated loss, so both settings descend the same bowl
    sign = -1.0 if kw.get("maximize") else 1.0
    steps = 45
    Pt = make_params(torch, dtype)
    ref = train(torch, torch_opt(name, Pt, kw), Pt, dtype, steps, sign)
    Pm = make_params(minitorch, dtype)
    opt = getattr(optim, name)(Pm, **kw)
    got = train(minitorch, opt, Pm, dtype, steps, sign)
    assert_traj_close(ref, got, dtype, case_id(case))
    # the parameters moved (a test of an optimizer that does nothing would pass otherwise)
    assert not np.allclose(got[-1][0], problem()["W1"])
    # parameters and state keep the dtype
    for p in Pm:
        assert p.dtype == getattr(minitorch, dtype)
        for k, v in opt.state[p].items():
            if k != "step":
                assert isinstance(v, minitorch.Tensor) and v.dtype == p.dtype, k


# ---------------------------------------------------------------------------- state_dict
ROUND_TRIP = [
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.01)),
    ("AdamW", dict(lr=0.01)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)),
    ("Adadelta", dict(lr=0.5)),
    ("RMSprop", dict(lr=0.01, centered=True, momentum=0.5)),
]


def snapshot(P):
    return {k: to_np(p) for k, p in zip(NAMES, P)}


@pytest.mark.parametrize("case", ROUND_TRIP, ids=[case_id(c) for c in ROUND_TRIP])
def test_state_dict_round_trip_resumes_exactly(case):
    name, kw = case
    dtype = "float32"
    # uninterrupted: 40 steps
    P = make_params(minitorch, dtype)
    full = train(minitorch, getattr(optim, name)(P, **kw), P, dtype, 40)
    # interrupted after 20: save weights and optimizer state, rebuild both, load, go on
    P1 = make_params(minitorch, dtype)
    opt1 = getattr(optim, name)(P1, **kw)
    first = train(minitorch, opt1, P1, dtype, 20)
    saved_opt = copy.deepcopy(opt1.state_dict())
    saved_w = snapshot(P1)
    del opt1, P1
    P2 = make_params(minitorch, dtype, saved_w)
    opt2 = getattr(optim, name)(P2, **kw)
    opt2.load_state_dict(saved_opt)
    rest = train(minitorch, opt2, P2, dtype, 20)
    for step, (a, b) in enumerate(zip(full, first + rest)):
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y, err_msg=f"step {step}")
    # loaded state tensors are copies, on the parameter's device, in its dtype
    for p in P2:
        for k, v in opt2.state[p].items():
            assert isinstance(v, minitorch.Tensor)
            if k != "step":
                assert v.dtype == p.dtype and v.device == p.device and v.shape == p.shape


@pytest.mark.parametrize("case", ROUND_TRIP, ids=[case_id(c) for c in ROUND_TRIP])
def test_state_dict_has_torchs_layout(case):
    """Same state keys per parameter index, same values, same param_groups entries."""
    name, kw = case
    dtype = "float64"
    Pt = make_params(torch, dtype)
    ot = torch_opt(name, Pt, kw)
    train(torch, ot, Pt, dtype, 7)
    Pm = make_params(minitorch, dtype)
    om = getattr(optim, name)(Pm, **kw)
    train(minitorch, om, Pm, dtype, 7)
    st, sm = ot.state_dict(), om.state_dict()
    assert set(sm) == {"state", "param_groups"}
    assert sorted(st["state"]) == sorted(sm["state"])
    for i in st["state"]:
        assert set(st["state"][i]) == set(sm["state"][i]), i
        for k, vt in st["state"][i].items():
            vm = sm["state"][i][k]
            assert isinstance(vm, minitorch.Tensor)
            assert tuple(vm.shape) == tuple(vt.shape), k
            if k == "step":
                assert vm.dtype == minitorch.float32 and float(vm) == float(vt)
            else:
                np.testing.assert_allclose(to_np(vm), vt.numpy(), rtol=1e-9, atol=1e-12)
    assert len(st["param_groups"]) == len(sm["param_groups"])
    for gt, gm in zip(st["param_groups"], sm["param_groups"]):
        assert set(gt) == set(gm)
        for k in gt:
            if k != "foreach":        # we pass foreach=False to torch; ours keeps None
                assert gt[k] == gm[k], k


@pytest.mark.parametrize("case", ROUND_TRIP, ids=[case_id(c) for c in ROUND_TRIP])
def test_loading_torchs_state_dict_continues_like_torch(case):
    """A torch optimizer's state_dict (torch tensors) loads into ours; both go on alike."""
    name, kw = case
    dtype = "float64"
    Pt = make_params(torch, dtype)
    ot = torch_opt(name, Pt, kw)
    train(torch, ot, Pt, dtype, 15)
    Pm = make_params(minitorch, dtype, snapshot(Pt))
    om = getattr(optim, name)(Pm, **kw)
    om.load_state_dict(ot.state_dict())
    ref = train(torch, ot, Pt, dtype, 25)
    got = train(minitorch, om, Pm, dtype, 25)
    assert_traj_close(ref, got, dtype, case_id(case))


def test_load_state_dict_casts_to_param_dtype_and_copies():
    P = make_params(minitorch, "float64")
    opt = optim.Adam(P, lr=0.01)
    train(minitorch, opt, P, "float64", 3)
    sd = opt.state_dict()
    P32 = make_params(minitorch, "float32")
    opt32 = optim.Adam(P32, lr=0.01)
    opt32.load_state_dict(sd)
    s = opt32.state[P32[0]]
    assert s["exp_avg"].dtype == minitorch.float32
    assert s["step"].dtype == minitorch.float32 and float(s["step"]) == 3.0
    # a copy: stepping the new optimizer leaves the saved dict alone
    before = to_np(sd["state"][0]["exp_avg"])
    train(minitorch, opt32, P32, "float32", 2)
    np.testing.assert_array_equal(to_np(opt.state[P[0]]["exp_avg"]), before)
    assert float(sd["state"][0]["step"]) == 3.0


def test_load_state_dict_accepts_a_plain_number_step():
    P = make_params(minitorch, "float32")
    opt = optim.Adam(P, lr=0.01)
    train(minitorch, opt, P, "float32", 3)
    sd = copy.deepcopy(opt.state_dict())
    for s in sd["state"].values():
        s["step"] = 3                      # e.g. from a JSON checkpoint
    opt2 = optim.Adam(make_params(minitorch, "float32"), lr=0.01)
    opt2.load_state_dict(sd)
    for s in opt2.state.values():
        assert isinstance(s["step"], minitorch.Tensor) and float(s["step"]) == 3.0


def test_load_state_dict_errors():
    P = make_params(minitorch, "float32")
    opt = optim.SGD(P, lr=0.1, momentum=0.9)
    sd = opt.state_dict()
    other = optim.SGD([{"params": P[:2]}, {"params": P[2:]}], lr=0.1)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        other.load_state_dict(sd)
    small = optim.SGD(P[:3], lr=0.1)
    with pytest.raises(ValueError, match="doesn't match the size"):
        small.load_state_dict(sd)
    with pytest.raises(ValueError, match="'state' and 'param_groups'"):
        opt.load_state_dict({"foo": 1})


def test_state_dict_groups_and_lr_restored():
    P = make_params(minitorch, "float32")
    opt = optim.SGD([{"params": P[:2], "lr": 0.3}, {"params": P[2:]}], lr=0.1, momentum=0.9)
    sd = opt.state_dict()
    assert sd["param_groups"][0]["params"] == [0, 1]
    assert sd["param_groups"][1]["params"] == [2, 3]
    assert sd["state"] == {}                    # no step yet: no momentum buffers
    sd = copy.deepcopy(sd)
    sd["param_groups"][1]["lr"] = 0.01
    P2 = make_params(minitorch, "float32")
    opt2 = optim.SGD([{"params": P2[:2]}, {"params": P2[2:]}], lr=0.5, momentum=0.9)
    opt2.load_state_dict(sd)
    assert [g["lr"] for g in opt2.param_groups] == [0.3, 0.01]
    assert opt2.param_groups[0]["params"][0] is P2[0]


# ---------------------------------------------------------------------------- groups
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adagrad", "Adadelta", "RMSprop"])
def test_param_groups_with_different_lr(name, dtype):
    extra = {"SGD": dict(momentum=0.9), "RMSprop": dict(momentum=0.5)}.get(name, {})

    def groups(P):
        return [{"params": P[:2], "lr": 0.02}, {"params": P[2:], "lr": 0.005, **extra}]

    Pt = make_params(torch, dtype)
    ref = train(torch, torch_opt(name, groups(Pt), dict(lr=0.01)), Pt, dtype, 40)
    Pm = make_params(minitorch, dtype)
    got = train(minitorch, getattr(optim, name)(groups(Pm), lr=0.01), Pm, dtype, 40)
    assert_traj_close(ref, got, dtype, name)


def test_add_param_group_mid_training_matches_torch():
    dtype = "float64"

    def run(lib, opt_mod):
        P = make_params(lib, dtype)
        opt = opt_mod.Adam(P[:2], lr=0.01, **({"foreach": False} if lib is torch else {}))
        traj = train(lib, opt, P, dtype, 10)
        opt.add_param_group({"params": P[2:], "lr": 0.003, "amsgrad": True})
        traj += train(lib, opt, P, dtype, 30)
        return traj, opt

    ref, ot = run(torch, torch.optim)
    got, om = run(minitorch, optim)
    assert_traj_close(ref, got, dtype, "add_param_group")
    assert om.param_groups[1]["betas"] == ot.param_groups[1]["betas"]
    assert om.param_groups[1]["amsgrad"] is True


def test_add_param_group_rejects_a_parameter_in_two_groups():
    P = make_params(minitorch, "float32")
    opt = optim.SGD(P[:2], lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [P[1], P[2]]})
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([{"params": P[:2]}, {"params": P[1:]}], lr=0.1)
    with pytest.raises(TypeError, match="must be a dict"):
        opt.add_param_group(P[3])
    opt.add_param_group({"params": P[3]})        # a single tensor is fine
    assert opt.param_groups[1]["params"] == [P[3]] or opt.param_groups[1]["params"][0] is P[3]
    assert opt.param_groups[1]["lr"] == 0.1      # the defaults fill the group


def test_named_parameters_are_accepted_and_named():
    P = make_params(minitorch, "float32")
    opt = optim.SGD(list(zip(NAMES, P)), lr=0.1)
    assert opt.param_groups[0]["param_names"] == list(NAMES)
    assert opt.param_groups[0]["params"][0] is P[0]
    assert opt.state_dict()["param_groups"][0]["param_names"] == list(NAMES)


# ---------------------------------------------------------------------------- errors
@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adagrad", "Adadelta", "RMSprop"])
def test_invalid_learning_rate(name):
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        getattr(optim, name)(make_params(minitorch, "float32"), lr=-1)


@pytest.mark.parametrize("name,kw,match", [
    ("SGD", dict(momentum=-0.1), "Invalid momentum value"),
    ("SGD", dict(weight_decay=-1), "Invalid weight_decay value"),
    ("SGD", dict(nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    ("SGD", dict(nesterov=True, momentum=0.9, dampening=0.1), "Nesterov"),
    ("Adam", dict(betas=(1.0, 0.999)), "Invalid beta parameter at index 0"),
    ("Adam", dict(betas=(0.9, -0.1)), "Invalid beta parameter at index 1"),
    ("Adam", dict(eps=-1e-8), "Invalid epsilon value"),
    ("AdamW", dict(weight_decay=-0.1), "Invalid weight_decay value"),
    ("Adagrad", dict(lr_decay=-1), "Invalid lr_decay value"),
    ("Adagrad", dict(initial_accumulator_value=-1), "Invalid initial_accumulator_value"),
    ("Adadelta", dict(rho=1.5), "Invalid rho value"),
    ("RMSprop", dict(alpha=-0.5), "Invalid alpha value"),
    ("RMSprop", dict(momentum=-1), "Invalid momentum value"),
])
def test_invalid_hyperparameters(name, kw, match):
    with pytest.raises(ValueError, match=match):
        getattr(optim, name)(make_params(minitorch, "float32"), **kw)
    # torch says the same
    with pytest.raises(ValueError, match=match):
        getattr(torch.optim, name)(make_params(torch, "float32"), **kw)


def test_bad_parameter_lists():
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.Adam(iter(()))
    with pytest.raises(TypeError, match="can only optimize Tensors.*ndarray"):
        optim.SGD([np.zeros(3)], lr=0.1)
    with pytest.raises(TypeError, match="can only optimize Tensors.*torch"):
        optim.SGD([torch.zeros(3, requires_grad=True)], lr=0.1)
    with pytest.raises(TypeError, match="iterable of Tensors or dicts"):
        optim.SGD(nn.Parameter(minitorch.zeros(3)), lr=0.1)
    with pytest.raises(TypeError, match="ordered collections"):
        optim.SGD([{"params": {nn.Parameter(minitorch.zeros(3))}}], lr=0.1)
    x = minitorch.ones(3, requires_grad=True)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([x * 2], lr=0.1)
    with pytest.raises(ValueError, match="differentiable=True is not supported"):
        optim.Adam([x], differentiable=True)


# ---------------------------------------------------------------------------- behaviour
def test_step_updates_in_place_under_no_grad():
    P = make_params(minitorch, "float32")
    arrays = [p._data for p in P]
    versions = [p._version for p in P]
    alias = P[0].view(-1)                          # a view sees the update
    opt = optim.SGD(P, lr=0.1, momentum=0.9)
    closure_loss(minitorch, P, "float32").backward()
    opt.step()
    for p, arr, v in zip(P, arrays, versions):
        assert p._data is arr                      # same array object, changed in place
        assert p._version > v
        assert p.is_leaf and p.requires_grad and p.grad_fn is None
    np.testing.assert_array_equal(to_np(alias), to_np(P[0]).reshape(-1))
    assert not np.allclose(to_np(P[0]), problem()["W1"].astype(np.float32))


def test_zero_grad_and_params_without_grad():
    P = make_params(minitorch, "float32")
    opt = optim.Adam(P, lr=0.1)
    closure_loss(minitorch, P, "float32").backward()
    opt.zero_grad(set_to_none=False)
    for p in P:
        assert p.grad is not None and not p.grad.numpy().any()
    opt.zero_grad()
    assert all(p.grad is None for p in P)
    # only P[0] gets a gradient: the others are neither moved nor given state
    before = [to_np(p) for p in P]
    (P[0] ** 2).sum().backward()
    opt.step()
    assert not np.array_equal(to_np(P[0]), before[0])
    for p, b in zip(P[1:], before[1:]):
        np.testing.assert_array_equal(to_np(p), b)
        assert p not in opt.state or len(opt.state[p]) == 0
    assert set(opt.state_dict()["state"]) == {0}


def test_step_with_closure_returns_loss():
    P = make_params(minitorch, "float32")
    opt = optim.SGD(P, lr=0.1)
    calls = []

    def closure():
        assert minitorch.is_grad_enabled()
        opt.zero_grad()
        loss = closure_loss(minitorch, P, "float32")
        loss.backward()
        calls.append(loss.item())
        return loss

    with minitorch.no_grad():                       # even when called under no_grad
        loss = opt.step(closure)
    assert calls and loss.item() == calls[0]
    assert opt.step(closure).item() < calls[0]


def test_tensor_learning_rate_and_scalar_lr_agree():
    P1, P2 = make_params(minitorch, "float32"), make_params(minitorch, "float32")
    a = train(minitorch, optim.SGD(P1, lr=0.1, momentum=0.9), P1, "float32", 5)
    b = train(minitorch, optim.SGD(P2, lr=minitorch.tensor(0.1, dtype=minitorch.float64),
                                   momentum=0.9), P2, "float32", 5)
    for x, y in zip(a[-1], b[-1]):
        np.testing.assert_array_equal(x, y)


def test_repr_lists_the_groups():
    opt = optim.SGD(make_params(minitorch, "float32"), lr=0.1, momentum=0.9)
    text = repr(opt)
    assert text.startswith("SGD (\nParameter Group 0\n")
    assert "    lr: 0.1\n" in text and "    momentum: 0.9\n" in text


def test_custom_optimizer_subclass():
    """The base class is enough to write an optimizer, as in the course."""

    class SignSGD(optim.Optimizer):
        def __init__(self, params, lr=optim.optimizer.required):
            super().__init__(params, dict(lr=lr))

        @minitorch.no_grad()
        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        p.sub_(p.grad.sign() * group["lr"])

    with pytest.raises(ValueError, match="required optimization parameter lr"):
        SignSGD(make_params(minitorch, "float32"))
    P = make_params(minitorch, "float32")
    opt = SignSGD(P, lr=0.01)
    closure_loss(minitorch, P, "float32").backward()
    g = to_np(P[0].grad)
    opt.step()
    np.testing.assert_allclose(to_np(P[0]), problem()["W1"].astype(np.float32)
                               - 0.01 * np.sign(g), rtol=1e-6)


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop"])
def test_on_device_matches_cpu(device, name):
    kw = dict(lr=0.01, momentum=0.9) if name != "Adam" else dict(lr=0.01, amsgrad=True)
    P = make_params(minitorch, "float32")
    ref = train(minitorch, getattr(optim, name)(P, **kw), P, "float32", 20)
    Pd = make_params(minitorch, "float32", device=device)
    opt = getattr(optim, name)(Pd, **kw)
    got = train(minitorch, opt, Pd, "float32", 20, device=device)
    assert_traj_close(ref, got, "float32", f"{name} on {device}")
    for p in Pd:
        for k, v in opt.state[p].items():
            if k != "step":
                assert v.device == p.device
