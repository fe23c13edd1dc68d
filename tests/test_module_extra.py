"""The rest of nn.Module's public API, the parameter containers, nn.Buffer, nn.init and
nn.parallel, against PyTorch: traversal and lookup errors, backward hooks (values and
order), state-dict hooks and extra state, conversions, reprs, share_memory, DataParallel."""
import pickle
import warnings

import numpy as np
import pytest
import torch

import minitorch as mt

torch.set_num_threads(1)
RNG = np.random.default_rng(11)


def _np(t):
    return t.detach().numpy()


def _model(lib):
    """A small model with a shared child, a buffer and a None parameter."""
    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.body = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Tanh(),
                                          lib.nn.Linear(4, 2))
            self.bn = lib.nn.BatchNorm1d(2)
            self.alias = self.body[0]
            self.register_buffer("scale", lib.ones(2))
            self.register_parameter("unused", None)

        def forward(self, x):
            return self.bn(self.body(x)) * self.scale
    return Net()


def _pair():
    t = _model(torch).double()
    m = _model(mt).double()
    m.load_state_dict(t.state_dict())
    return t, m


# ------------------------------------------------------------------ traversal and lookup
def test_named_modules_memo_prefix_remove_duplicate_match_torch():
    t, m = _pair()
    for kw in ({}, {"prefix": "root"}, {"remove_duplicate": False}, {"memo": set()}):
        assert [n for n, _ in m.named_modules(**kw)] == [n for n, _ in t.named_modules(**kw)]
    assert [n for n, _ in m.named_children()] == [n for n, _ in t.named_children()]
    assert len(list(m.modules())) == len(list(t.modules()))
    assert [n for n, _ in m.named_parameters(prefix="p", remove_duplicate=False)] == \
        [n for n, _ in t.named_parameters(prefix="p", remove_duplicate=False)]


@pytest.mark.parametrize("method", ["get_submodule", "get_parameter", "get_buffer"])
@pytest.mark.parametrize("target", ["body.0.bias.x", "foo", "body.0.foo", "body.0.weight",
                                    "scale", "bn.running_mean", "body.2", ""])
def test_get_lookups_match_torch(method, target):
    t, m = _pair()
    try:
        rt = getattr(t, method)(target)
    except Exception as e:                                   # noqa: BLE001
        with pytest.raises(type(e)) as em:
            getattr(m, method)(target)
        assert str(em.value) == str(e)
        return
    rm = getattr(m, method)(target)
    assert type(rm).__name__ == type(rt).__name__


def test_set_submodule_matches_torch():
    for lib in (torch, mt):
        net = _model(lib)
        net.set_submodule("body.1", lib.nn.ReLU())
        assert type(net.body[1]).__name__ == "ReLU"
        net.set_submodule("extra", lib.nn.Identity())
        assert isinstance(net.extra, lib.nn.Identity)
        with pytest.raises(AttributeError, match="has no attribute `nope`"):
            net.set_submodule("body.nope", lib.nn.ReLU(), strict=True)
        with pytest.raises(AttributeError, match="`scale` is not an nn.Module"):
            net.set_submodule("scale", lib.nn.ReLU())
        with pytest.raises(ValueError, match="Cannot set the submodule without a target"):
            net.set_submodule("", lib.nn.ReLU())
        with pytest.raises(ValueError, match="is not an nn.Module"):
            net.set_submodule("body.1", 3)


def test_register_module_apply_requires_grad_zero_grad():
    m = _model(mt)
    m.register_module("head", mt.nn.Linear(2, 1))
    assert "head" in dict(m.named_children())
    seen = []
    assert m.apply(lambda mod: seen.append(type(mod).__name__)) is m
    assert seen[-1] == "Net" and seen[0] == "Linear"
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())
    m.requires_grad_()
    m(mt.randn(4, 3)).sum().backward()
    m.zero_grad(set_to_none=False)
    assert all(float(p.grad.abs().sum()) == 0 for p in m.parameters() if p.grad is not None)
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())


# ------------------------------------------------------------------ backward hooks
def _hook_run(lib, with_pre, replace):
    lin = lib.nn.Linear(3, 2).double()
    with lib.no_grad():
        lin.weight.copy_(lib.tensor(np.arange(6.0).reshape(2, 3) / 10))
        lin.bias.copy_(lib.tensor([0.1, -0.2], dtype=lib.float64))
    log = []
    if with_pre:
        def pre(mod, grad_output):
            log.append(("pre", [_np(g).round(6).tolist() for g in grad_output]))
            return (grad_output[0] * 2,)
        lin.register_full_backward_pre_hook(pre)

    def full(mod, grad_input, grad_output):
        log.append(("full", [None if g is None else _np(g).round(6).tolist()
                             for g in grad_input],
                     [_np(g).round(6).tolist() for g in grad_output]))
        if replace:
            return (grad_input[0] * 0 + 1,)
    lin.register_full_backward_hook(full)
    x = lib.tensor(RNG_FIXED, requires_grad=True)
    y = lin(x * 1.5)
    (y ** 2).sum().backward()
    return log, _np(x.grad), _np(lin.weight.grad)


RNG_FIXED = np.random.default_rng(0).standard_normal((4, 3))


@pytest.mark.parametrize("with_pre", [False, True])
@pytest.mark.parametrize("replace", [False, True])
def test_full_backward_hooks_match_torch(with_pre, replace):
    lt, gxt, gwt = _hook_run(torch, with_pre, replace)
    lm, gxm, gwm = _hook_run(mt, with_pre, replace)
    assert lm == lt
    np.testing.assert_allclose(gxm, gxt, rtol=1e-12)
    np.testing.assert_allclose(gwm, gwt, rtol=1e-12)


def test_full_backward_hook_without_input_grad_fires_with_none():
    logs = []
    for lib in (torch, mt):
        lin = lib.nn.Linear(2, 2)
        log = []
        lin.register_full_backward_hook(lambda mod, gi, go: log.append((gi[0] is None,
                                                                        len(go))))
        with pytest.warns(UserWarning, match="no inputs require gradients"):
            lin(lib.ones(1, 2)).sum().backward()
        logs.append(log)
    assert logs[0] == logs[1] == [(True, 1)]


def test_backward_hook_handle_remove_and_mixing_error():
    lin = mt.nn.Linear(2, 2)
    log = []
    h = lin.register_full_backward_hook(lambda *a: log.append(1))
    lin(mt.ones(1, 2, requires_grad=True)).sum().backward()
    h.remove()
    lin(mt.ones(1, 2, requires_grad=True)).sum().backward()
    assert log == [1]
    with pytest.raises(RuntimeError, match="Cannot use both regular backward hooks"):
        lin.register_backward_hook(lambda *a: None)


def test_global_module_hooks():
    from minitorch.nn.modules.module import (register_module_forward_hook,
                                             register_module_forward_pre_hook,
                                             register_module_full_backward_hook)
    names = []
    h1 = register_module_forward_pre_hook(lambda mod, args: names.append(type(mod).__name__))
    h2 = register_module_forward_hook(lambda mod, args, out: out * 1.0)
    grads = []
    h3 = register_module_full_backward_hook(lambda mod, gi, go: grads.append(
        type(mod).__name__))
    try:
        net = mt.nn.Sequential(mt.nn.Linear(2, 2), mt.nn.ReLU())
        net(mt.ones(1, 2, requires_grad=True)).sum().backward()
    finally:
        h1.remove()
        h2.remove()
        h3.remove()
    assert names == ["Sequential", "Linear", "ReLU"]
    assert set(grads) == {"Sequential", "Linear", "ReLU"}
    names.clear()
    net(mt.ones(1, 2))
    assert names == []


# ------------------------------------------------------------------ state_dict machinery
def test_state_dict_metadata_prefix_keep_vars_and_positional_warning():
    t, m = _pair()
    st, sm = t.state_dict(), m.state_dict()
    assert list(sm.keys()) == list(st.keys())
    assert dict(sm._metadata) == {k: dict(v) for k, v in st._metadata.items()}
    assert list(m.state_dict(prefix="net.").keys()) == list(t.state_dict(prefix="net.").keys())
    kv = m.state_dict(keep_vars=True)
    assert kv["body.0.weight"] is m.body[0].weight
    dest = {}
    with pytest.warns(FutureWarning, match="Positional args are being deprecated"):
        m.state_dict(dest, "x.")
    assert "x.bn.running_mean" in dest


def test_state_dict_and_load_hooks_match_torch():
    logs = []
    for lib in (torch, mt):
        net = _model(lib)
        log = []
        net.register_state_dict_pre_hook(lambda mod, prefix, keep: log.append(("pre", prefix)))

        def post(mod, sd, prefix, meta):
            sd[prefix + "added"] = lib.zeros(1)
        net.register_state_dict_post_hook(post)
        sd = net.state_dict()
        assert "added" in sd
        net.register_load_state_dict_pre_hook(
            lambda mod, sd, prefix, *rest: sd.pop(prefix + "added", None))

        def load_post(mod, keys):
            log.append(("post", list(keys.missing_keys), list(keys.unexpected_keys)))
            keys.missing_keys.clear()
        net.bn.register_load_state_dict_post_hook(load_post)
        del sd["bn.running_var"]
        res = net.load_state_dict(sd, strict=False)
        log.append(("result", list(res.missing_keys)))
        logs.append(log)
    assert logs[0] == logs[1]


def test_extra_state_round_trip_like_torch():
    def make(lib):
        class WithExtra(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.lin = lib.nn.Linear(2, 2)
                self.counter = 0

            def get_extra_state(self):
                return {"counter": self.counter}

            def set_extra_state(self, state):
                self.counter = state["counter"]
        return WithExtra()
    for lib in (torch, mt):
        a, b = make(lib), make(lib)
        a.counter = 7
        sd = a.state_dict()
        assert list(sd.keys()) == ["_extra_state", "lin.weight", "lin.bias"]
        b.load_state_dict(sd)
        assert b.counter == 7
        del sd["_extra_state"]
        with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "_extra_state"'):
            b.load_state_dict(sd)
    with pytest.raises(RuntimeError, match='Unexpected key\\(s\\).*"_extra_state"'):
        mt.nn.Linear(2, 2).load_state_dict({"weight": mt.ones(2, 2), "bias": mt.ones(2),
                                            "_extra_state": 1})


def test_load_from_state_dict_override_can_rename_keys():
    class Renaming(mt.nn.Linear):
        def _load_from_state_dict(self, sd, prefix, *args):
            if prefix + "w" in sd:
                sd[prefix + "weight"] = sd.pop(prefix + "w")
            super()._load_from_state_dict(sd, prefix, *args)
    m = mt.nn.Sequential(Renaming(2, 2))
    m.load_state_dict({"0.w": mt.full((2, 2), 3.0), "0.bias": mt.zeros(2)})
    assert float(m[0].weight.sum()) == 12.0


def test_load_state_dict_returns_named_tuple_and_assign():
    m = mt.nn.Linear(2, 2)
    res = m.load_state_dict({"weight": mt.ones(2, 2), "extra": mt.ones(1)}, strict=False)
    assert res.missing_keys == ["bias"] and res.unexpected_keys == ["extra"]
    assert res._fields == ("missing_keys", "unexpected_keys")
    new_w = mt.full((2, 2), 2.0, dtype=mt.float64)
    m.load_state_dict({"weight": new_w, "bias": mt.zeros(2)}, assign=True)
    assert isinstance(m.weight, mt.nn.Parameter) and m.weight.dtype == mt.float64


# ------------------------------------------------------------------ conversions
def test_dtype_conversions_match_torch():
    for conv in (lambda n: n.double(), lambda n: n.half(), lambda n: n.float(),
                 lambda n: n.type(_lib(n).float64), lambda n: n.type("torch.DoubleTensor"),
                 lambda n: n.to(_lib(n).float64, False), lambda n: n.to(dtype=_lib(n).float16),
                 lambda n: n.to(_lib(n).ones(1, dtype=_lib(n).float64))):
        t, m = conv(_model(torch)), conv(_model(mt))
        assert [str(v.dtype).split(".")[-1] for v in m.state_dict().values()] == \
            [str(v.dtype).split(".")[-1] for v in t.state_dict().values()]


def _lib(net):
    return torch if isinstance(net, torch.nn.Module) else mt


def test_bfloat16_and_unsupported_backends():
    m = mt.nn.Linear(2, 2).bfloat16()
    assert m.weight.dtype in (mt.bfloat16, mt.float32)       # float32 stand-in without ml_dtypes
    with pytest.raises(RuntimeError, match="no XPU backend"):
        mt.nn.Linear(2, 2).xpu()
    assert mt.nn.Linear(2, 2).compile() is None


def test_to_empty_keeps_shapes_and_parameters():
    m = _model(mt)
    w = m.body[0].weight
    m.to_empty(device="cpu")
    assert m.body[0].weight is w and tuple(w.shape) == (4, 3)
    assert m.bn.num_batches_tracked.dtype == mt.int64


def test_share_memory_calls_share_memory_on_every_tensor(monkeypatch):
    calls = []

    def fake_share(self):
        calls.append(tuple(self.shape))
        return self
    monkeypatch.setattr(mt.Tensor, "share_memory_", fake_share, raising=False)
    m = _model(mt)
    assert m.share_memory() is m
    expected = [tuple(p.shape) for p in m.parameters()] + [tuple(b.shape) for b in m.buffers()]
    assert sorted(calls) == sorted(expected)
    with pytest.raises(RuntimeError, match="Can't share memory on an uninitialized"):
        mt.nn.LazyLinear(2).share_memory()


def test_repr_and_dir_match_torch():
    t, m = _pair()
    assert repr(m) == repr(t)
    assert {"body", "bn", "scale", "forward", "state_dict"} <= set(dir(m))


def test_pickle_round_trip_and_setstate_fills_missing_registries():
    m = mt.nn.Sequential(mt.nn.Linear(2, 3), mt.nn.BatchNorm1d(3))
    r = pickle.loads(pickle.dumps(m))
    x = mt.randn(4, 2)
    m.eval()
    r.eval()
    np.testing.assert_allclose(_np(r(x)), _np(m(x)))
    state = dict(mt.nn.Linear(2, 2).__dict__)
    for key in ("_backward_pre_hooks", "_state_dict_hooks", "_load_state_dict_post_hooks",
                "_forward_hooks_always_called"):
        state.pop(key)
    fresh = mt.nn.Linear.__new__(mt.nn.Linear)
    fresh.__setstate__(state)
    fresh(mt.ones(1, 2))
    fresh.state_dict()


def test_nn_buffer_registers_like_torch():
    for lib in (torch, mt):
        net = lib.nn.Module()
        net.a = lib.nn.Buffer(lib.ones(2))
        net.b = lib.nn.Buffer(lib.zeros(1), persistent=False)
        assert list(net.state_dict().keys()) == ["a"]
        assert [n for n, _ in net.named_buffers()] == ["a", "b"]


# ------------------------------------------------------------------ containers
def test_parameter_list_matches_torch():
    res = []
    for lib in (torch, mt):
        pl = lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2, 3)), lib.zeros(4)])
        pl.append(lib.ones(1))
        pl.extend([lib.ones(2)])
        pl += [lib.zeros(3)]
        pl.append("not a tensor")
        assert isinstance(pl[1], lib.nn.Parameter) and isinstance(pl[-1], str)
        assert isinstance(pl[1:3], lib.nn.ParameterList) and len(pl[1:3]) == 2
        res.append((repr(pl), [n for n, _ in pl.named_parameters()], len(pl),
                    list(pl.state_dict().keys())))
        with pytest.raises(RuntimeError, match="ParameterList should not be called"):
            pl(1)
        with pytest.raises(TypeError):
            pl.extend(lib.ones(2))
    rt, rm = res
    assert rm[1:] == rt[1:]
    assert rm[0].replace("minitorch", "torch") == rt[0]


def test_parameter_dict_matches_torch():
    res = []
    for lib in (torch, mt):
        pd = lib.nn.ParameterDict({"b": lib.ones(2), "a": lib.zeros(3)})   # sorted from a dict
        pd["c"] = lib.nn.Parameter(lib.ones(1))
        pd.update([("d", lib.ones(2))])
        pd.setdefault("e", lib.ones(5))
        popped = pd.pop("a")
        k, v = pd.popitem()
        both = pd | lib.nn.ParameterDict({"z": lib.ones(1)})
        res.append((list(pd.keys()), [n for n, _ in pd.named_parameters()], k,
                    tuple(popped.shape), list(both.keys()), "b" in pd, pd.get("nope", 3),
                    list(pd.fromkeys(["x", "y"]).keys()), len(pd.copy())))
        with pytest.raises(TypeError, match="not a string"):
            pd[1]
    assert res[0] == res[1]


def test_sequential_and_module_containers_match_torch():
    res = []
    for lib in (torch, mt):
        s = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.ReLU())
        s.append(lib.nn.Tanh())
        s.insert(1, lib.nn.Identity())
        s.extend([lib.nn.Sigmoid()])
        s2 = s[1:3]
        ml = lib.nn.ModuleList([lib.nn.ReLU()])
        ml.insert(0, lib.nn.Tanh())
        ml.extend([lib.nn.Identity()])
        md = lib.nn.ModuleDict({"x": lib.nn.ReLU()})
        md.update({"y": lib.nn.Tanh()})
        res.append(([type(x).__name__ for x in s], type(s2).__name__, len(s2),
                     [type(x).__name__ for x in ml], list(md.keys()),
                     [type(v).__name__ for v in md.values()], type(ml.pop(0)).__name__))
    assert res[0] == res[1]


# ------------------------------------------------------------------ nn.init
@pytest.mark.parametrize("name, args, kwargs, shape", [
    ("xavier_uniform_", (), {}, (200, 300)),
    ("xavier_normal_", (), {"gain": 2.0}, (200, 300)),
    ("kaiming_uniform_", (), {"mode": "fan_out", "nonlinearity": "relu"}, (200, 30, 3)),
    ("kaiming_normal_", (), {"a": 0.2}, (300, 200)),
    ("trunc_normal_", (), {"mean": 0.5, "std": 2.0, "a": -1.0, "b": 1.5}, (300, 200)),
    ("uniform_", (-2.0, 3.0), {}, (300, 200)),
    ("normal_", (1.0, 0.5), {}, (300, 200)),
    ("sparse_", (0.3,), {"std": 0.2}, (300, 200)),
    ("orthogonal_", (), {"gain": 1.5}, (50, 80)),
])
def test_init_statistics_match_torch(name, args, kwargs, shape):
    torch.manual_seed(0)
    mt.manual_seed(0)
    t = getattr(torch.nn.init, name)(torch.empty(*shape, dtype=torch.float64), *args, **kwargs)
    m = getattr(mt.nn.init, name)(mt.empty(*shape, dtype=mt.float64), *args, **kwargs)
    a, b = _np(t).ravel(), _np(m).ravel()
    assert abs(a.mean() - b.mean()) < 0.05 * max(a.std(), 1e-3) + 0.02
    assert abs(a.std() - b.std()) < 0.05 * a.std()
    if name in ("xavier_uniform_", "kaiming_uniform_", "trunc_normal_", "uniform_"):
        span = a.max() - a.min()                    # bounded: the same support
        assert abs(a.min() - b.min()) < 0.01 * span and abs(a.max() - b.max()) < 0.01 * span
    assert np.isclose((a == 0).mean(), (b == 0).mean(), atol=0.01)
    if name == "orthogonal_":
        gram = _np(m) @ _np(m).T
        np.testing.assert_allclose(gram, 1.5 ** 2 * np.eye(shape[0]), atol=1e-9)


def test_init_deterministic_functions_match_torch():
    for name, shape, args in [("eye_", (3, 5), ()), ("dirac_", (4, 2, 3, 3), ()),
                              ("dirac_", (6, 3, 3), (2,)), ("zeros_", (2, 3), ()),
                              ("ones_", (2, 3), ()), ("constant_", (2, 3), (0.7,))]:
        t = getattr(torch.nn.init, name)(torch.empty(*shape, dtype=torch.float64), *args)
        m = getattr(mt.nn.init, name)(mt.empty(*shape, dtype=mt.float64), *args)
        np.testing.assert_array_equal(_np(m), _np(t))
    for nl, p in [("linear", None), ("tanh", None), ("relu", None), ("leaky_relu", 0.3),
                  ("selu", None), ("conv_transpose3d", None), ("sigmoid", None)]:
        expected = torch.nn.init.calculate_gain(nl, p)
        assert mt.nn.init.calculate_gain(nl, p) == pytest.approx(expected)
    with pytest.raises(ValueError):
        mt.nn.init.calculate_gain("nope")
    with pytest.warns(FutureWarning, match="deprecated in favor of `nn.init.xavier_uniform_`"):
        mt.nn.init.xavier_uniform(mt.empty(2, 2))


# ------------------------------------------------------------------ nn.parallel
def test_data_parallel_is_a_one_device_wrapper_like_torch():
    torch.manual_seed(0)
    inner_t = torch.nn.Linear(3, 2).double()
    inner_m = mt.nn.Linear(3, 2).double()
    inner_m.load_state_dict(inner_t.state_dict())
    t, m = torch.nn.DataParallel(inner_t), mt.nn.DataParallel(inner_m)
    assert repr(m) == repr(t)
    assert list(m.state_dict().keys()) == list(t.state_dict().keys()) == \
        ["module.weight", "module.bias"]
    assert m.module is inner_m and m.device_ids == t.device_ids == []
    assert hasattr(m, "dim") == hasattr(t, "dim")        # set only when there are GPUs
    assert mt.nn.DataParallel(mt.nn.Linear(2, 2), device_ids=[0]).device_ids == \
        torch.nn.DataParallel(torch.nn.Linear(2, 2), device_ids=[0]).device_ids
    x = RNG.standard_normal((5, 3))
    np.testing.assert_allclose(_np(m(mt.tensor(x))), _np(t(torch.tensor(x))), rtol=1e-12)
    assert mt.nn.parallel.DataParallel is mt.nn.DataParallel
    np.testing.assert_allclose(
        _np(mt.nn.parallel.data_parallel(inner_m, mt.tensor(x))), _np(inner_m(mt.tensor(x))))
    sd = m.state_dict()
    from minitorch.nn.modules.utils import consume_prefix_in_state_dict_if_present
    consume_prefix_in_state_dict_if_present(sd, "module.")
    assert list(sd.keys()) == ["weight", "bias"]
    mt.nn.Linear(3, 2).double().load_state_dict(sd)


def test_distributed_data_parallel_raises_not_built_yet():
    from minitorch.nn.parallel import DistributedDataParallel
    with pytest.raises(RuntimeError, match="not built yet"):
        DistributedDataParallel(mt.nn.Linear(2, 2))


def test_no_warning_on_plain_call():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _model(mt)(mt.randn(3, 3))


# ------------------------------------------------------------------ nn.utils extras
def _close(a, b, tol=1e-10):
    np.testing.assert_allclose(_np(a), _np(b), rtol=tol, atol=tol)


@pytest.mark.parametrize("dim", [0, 1, None])
def test_weight_norm_hook_api_matches_torch(dim):
    with pytest.warns(FutureWarning):
        t = torch.nn.utils.weight_norm(torch.nn.Conv1d(3, 4, 2).double(), dim=dim)
    with pytest.warns(FutureWarning, match="deprecated in favor of"):
        m = mt.nn.utils.weight_norm(mt.nn.Conv1d(3, 4, 2).double(), dim=dim)
    assert list(m.state_dict()) == list(t.state_dict()) == ["bias", "weight_g", "weight_v"]
    m.load_state_dict(t.state_dict())
    x = RNG.standard_normal((2, 3, 5))
    yt, ym = t(torch.tensor(x)), m(mt.tensor(x))
    _close(yt, ym)
    (yt ** 2).sum().backward()
    (ym ** 2).sum().backward()
    _close(t.weight_g.grad, m.weight_g.grad)
    _close(t.weight_v.grad, m.weight_v.grad)
    mt.nn.utils.remove_weight_norm(m)
    assert list(m.state_dict()) == ["bias", "weight"]
    assert isinstance(m.weight, mt.nn.Parameter)


def test_parametrizations_weight_norm_matches_torch_and_loads_old_keys():
    t = torch.nn.utils.parametrizations.weight_norm(torch.nn.Linear(3, 4).double())
    m = mt.nn.utils.parametrizations.weight_norm(mt.nn.Linear(3, 4).double())
    assert type(m).__name__ == "ParametrizedLinear" and isinstance(m, mt.nn.Linear)
    assert repr(m) == repr(t)
    assert list(m.state_dict()) == list(t.state_dict())
    m.load_state_dict(t.state_dict())
    x = RNG.standard_normal((2, 3))
    yt, ym = t(torch.tensor(x)), m(mt.tensor(x))
    _close(yt, ym)
    (yt ** 2).sum().backward()
    (ym ** 2).sum().backward()
    for i in (0, 1):
        _close(getattr(t.parametrizations.weight, f"original{i}").grad,
               getattr(m.parametrizations.weight, f"original{i}").grad)
    # a checkpoint of the older API (weight_g, weight_v) loads through the compat hook
    with pytest.warns(FutureWarning):
        old = mt.nn.utils.weight_norm(mt.nn.Linear(3, 4).double())
    m.load_state_dict(old.state_dict())
    _close(m.weight, old.weight)


def test_register_parametrization_matches_torch():
    def build(lib):
        class Symmetric(lib.nn.Module):
            def forward(self, X):
                return X.triu() + X.triu(1).transpose(-1, -2)

            def right_inverse(self, A):
                return A.triu()
        lin = lib.nn.Linear(3, 3).double()
        p = lin.weight
        lib.nn.utils.parametrize.register_parametrization(lin, "weight", Symmetric())
        return lin, p
    (t, pt), (m, pm) = build(torch), build(mt)
    assert m.parametrizations.weight.original is pm            # the same Parameter object
    assert list(m.state_dict()) == list(t.state_dict())
    m.load_state_dict(t.state_dict())
    _close(t.weight, m.weight)
    np.testing.assert_allclose(_np(m.weight), _np(m.weight).T)
    assert mt.nn.utils.parametrize.is_parametrized(m, "weight")
    assert mt.nn.utils.parametrize.type_before_parametrizations(m) is mt.nn.Linear
    x = RNG.standard_normal((2, 3))
    (t(torch.tensor(x)) ** 2).sum().backward()
    (m(mt.tensor(x)) ** 2).sum().backward()
    _close(pt.grad, pm.grad)
    value = RNG.standard_normal((3, 3))
    t.weight = torch.tensor(value)                              # through right_inverse
    m.weight = mt.tensor(value)
    _close(t.weight, m.weight)
    with mt.nn.utils.parametrize.cached():
        assert m.weight is m.weight
    mt.nn.utils.parametrize.remove_parametrizations(m, "weight")
    torch.nn.utils.parametrize.remove_parametrizations(t, "weight")
    assert type(m) is mt.nn.Linear and m.weight is pm
    _close(t.weight, m.weight)
    with pytest.raises(ValueError, match="does not have a parameter, a buffer"):
        mt.nn.utils.parametrize.register_parametrization(m, "nope", mt.nn.Identity())


def test_spectral_norm_both_apis_match_torch():
    t = torch.nn.utils.spectral_norm(torch.nn.Linear(5, 4).double())
    m = mt.nn.utils.spectral_norm(mt.nn.Linear(5, 4).double())
    assert list(m.state_dict()) == list(t.state_dict())
    assert m.state_dict()._metadata[""]["spectral_norm"] == {"weight.version": 1}
    m.load_state_dict(t.state_dict())
    for _ in range(3):                                   # power iterations in training
        x = RNG.standard_normal((2, 5))
        yt, ym = t(torch.tensor(x)), m(mt.tensor(x))
        _close(yt, ym)
        (yt ** 2).sum().backward()
        (ym ** 2).sum().backward()
        _close(t.weight_orig.grad, m.weight_orig.grad)
        _close(t.weight_u, m.weight_u)
    t.eval()
    m.eval()
    _close(t(torch.tensor(x)), m(mt.tensor(x)))
    mt.nn.utils.remove_spectral_norm(m)
    torch.nn.utils.remove_spectral_norm(t)
    _close(t.weight, m.weight)
    t = torch.nn.utils.parametrizations.spectral_norm(torch.nn.ConvTranspose2d(2, 3, 2).double())
    m = mt.nn.utils.parametrizations.spectral_norm(mt.nn.ConvTranspose2d(2, 3, 2).double())
    assert list(m.state_dict()) == list(t.state_dict())
    m.load_state_dict(t.state_dict())
    x = RNG.standard_normal((1, 2, 3, 3))
    yt, ym = t(torch.tensor(x)), m(mt.tensor(x))
    _close(yt, ym)
    (yt ** 2).sum().backward()
    (ym ** 2).sum().backward()
    _close(t.parametrizations.weight.original.grad, m.parametrizations.weight.original.grad)


def test_fusion_matches_torch():
    from torch.nn.utils import fusion as tf

    from minitorch.nn.utils import fusion as mf
    tc, tb = torch.nn.Conv2d(2, 3, 2).double(), torch.nn.BatchNorm2d(3).double()
    tb(torch.randn(4, 3, 2, 2, dtype=torch.float64))
    mc, mb = mt.nn.Conv2d(2, 3, 2).double(), mt.nn.BatchNorm2d(3).double()
    mc.load_state_dict(tc.state_dict())
    mb.load_state_dict(tb.state_dict())
    for mod in (tc, tb, mc, mb):
        mod.eval()
    ft, fm = tf.fuse_conv_bn_eval(tc, tb), mf.fuse_conv_bn_eval(mc, mb)
    x = RNG.standard_normal((1, 2, 3, 3))
    _close(ft(torch.tensor(x)), fm(mt.tensor(x)))
    _close(fm(mt.tensor(x)), mb(mc(mt.tensor(x))))
    tl, tb1 = torch.nn.Linear(3, 2).double().eval(), torch.nn.BatchNorm1d(2).double().eval()
    ml, mb1 = mt.nn.Linear(3, 2).double().eval(), mt.nn.BatchNorm1d(2).double().eval()
    ml.load_state_dict(tl.state_dict())
    x = RNG.standard_normal((4, 3))
    _close(tf.fuse_linear_bn_eval(tl, tb1)(torch.tensor(x)),
           mf.fuse_linear_bn_eval(ml, mb1)(mt.tensor(x)))
    with pytest.raises(AssertionError, match="Fusion only for eval"):
        mf.fuse_conv_bn_eval(mc.train(), mb)


def test_functional_call_matches_torch():
    from torch.func import functional_call as tcall

    from minitorch.nn.utils.stateless import functional_call as mcall
    t, m = _pair()
    t.eval()
    m.eval()
    w = RNG.standard_normal((4, 3))
    x = RNG.standard_normal((5, 3))
    wt = torch.tensor(w, requires_grad=True)
    wm = mt.tensor(w, requires_grad=True)
    yt = tcall(t, {"body.0.weight": wt}, (torch.tensor(x),))
    ym = mcall(m, {"body.0.weight": wm}, (mt.tensor(x),))
    _close(yt, ym)
    yt.sum().backward()
    ym.sum().backward()
    _close(wt.grad, wm.grad)
    assert m.body[0].weight is not wm and m.body[0].weight.grad is None   # restored
    with pytest.raises(RuntimeError, match="Missing key"):
        mcall(m, {"body.0.weight": wm}, (mt.tensor(x),), strict=True)


def test_skip_init_builds_without_initializing():
    m = mt.nn.utils.skip_init(mt.nn.Linear, 3, 4)
    assert type(m) is mt.nn.Linear and tuple(m.weight.shape) == (4, 3)
    with pytest.raises(RuntimeError, match="must support a 'device' arg"):
        mt.nn.utils.skip_init(mt.nn.ReLU)
