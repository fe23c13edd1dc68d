"""nn.Module, nn.Parameter and the containers, checked against PyTorch.

The same small model is built in both frameworks from the same layer definitions (written
once, parameterized by the framework: the real layers are tested in their own files), and
the two are compared: registration rules, traversal order and names, state_dict keys and
error messages, hooks, modes, dtype conversion and the printed tree.
"""
from __future__ import annotations

import copy
from collections import OrderedDict

import numpy as np
import pytest
import torch

import minitorch
from minitorch import nn

FRAMEWORKS = {"torch": torch, "minitorch": minitorch}


# ---------------------------------------------------------------------------- the layers
def _values(shape, seed):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def layers(fw):
    """Layer classes for framework `fw` (torch or minitorch): same parameters, buffers,
    forward and extra_repr in both."""
    tnn = fw.nn

    class Lin(tnn.Module):
        def __init__(self, i, o, bias=True, seed=0):
            super().__init__()
            self.in_features, self.out_features = i, o
            self.weight = tnn.Parameter(fw.from_numpy(_values((o, i), seed)))
            if bias:
                self.bias = tnn.Parameter(fw.from_numpy(_values((o,), seed + 1)))
            else:
                self.register_parameter("bias", None)

        def forward(self, x):
            y = x.matmul(self.weight.transpose(0, 1))
            return y if self.bias is None else y + self.bias

        def extra_repr(self):
            return (f"in_features={self.in_features}, out_features={self.out_features}, "
                    f"bias={self.bias is not None}")

    class Act(tnn.Module):
        def forward(self, x):
            return x.relu()

    class Norm(tnn.Module):
        """BatchNorm-like state: affine parameters, running statistics, a step counter
        (int64) and a non-persistent scratch buffer."""

        def __init__(self, n):
            super().__init__()
            self.weight = tnn.Parameter(fw.ones(n))
            self.bias = tnn.Parameter(fw.zeros(n))
            self.register_buffer("running_mean", fw.zeros(n))
            self.register_buffer("running_var", fw.ones(n))
            self.register_buffer("num_batches_tracked", fw.tensor(0))
            self.register_buffer("scratch", fw.zeros(n), persistent=False)

        def forward(self, x):
            return (x - self.running_mean) * self.weight + self.bias

        def extra_repr(self):
            return f"{self.weight.shape[0]}, eps=1e-05"

    class Tag(tnn.Module):
        """A parameterless layer that prints its tag: for container tests."""

        def __init__(self, tag):
            super().__init__()
            self.tag = tag

        def forward(self, x):
            return x

        def extra_repr(self):
            return str(self.tag)

    class Net(tnn.Module):
        def __init__(self):
            super().__init__()
            self.features = tnn.Sequential(Lin(4, 8, seed=0), Act(), Norm(8))
            self.heads = tnn.ModuleList([Lin(8, 3, seed=2), Lin(8, 3, seed=4)])
            self.heads[1].weight = self.heads[0].weight          # a tied parameter
            self.extra = tnn.ModuleDict(OrderedDict(proj=Lin(3, 2, bias=False, seed=6),
                                                    act=Act()))
            self.scale = tnn.Parameter(fw.ones(1))
            self.register_buffer("step", fw.tensor(0))
            self.register_buffer("cache", fw.zeros(2), persistent=False)
            self.shared = self.features[0]                       # a shared module

        def forward(self, x):
            h = self.features(x)
            h = self.heads[0](h) + self.heads[1](h)
            return self.extra["act"](self.extra["proj"](h)) * self.scale

    return dict(Lin=Lin, Act=Act, Norm=Norm, Tag=Tag, Net=Net)


L = {name: layers(fw) for name, fw in FRAMEWORKS.items()}


def both(factory):
    """factory(fw, layer_classes) built once with torch and once with minitorch."""
    return factory(torch, L["torch"]), factory(minitorch, L["minitorch"])


def net_pair():
    return both(lambda fw, c: c["Net"]())


def x_pair(shape=(5, 4), seed=10):
    a = _values(shape, seed)
    return torch.from_numpy(a.copy()), minitorch.from_numpy(a.copy())


def to_np(t):
    return t.detach().numpy()          # torch and minitorch alike


def close(a, b, **kw):
    np.testing.assert_allclose(to_np(a), to_np(b), rtol=1e-4, atol=1e-5, **kw)


def types(mods):
    return [type(m).__name__ for m in mods]


# ---------------------------------------------------------------------------- registration
def _state(m):
    """Everything registration decides: each registry's names in order, the non-persistent
    set, and which names are plain attributes."""
    nps = m.__dict__.get("_non_persistent_buffers_set", m.__dict__.get("_non_persistent_buffers"))
    return (list(m._parameters), [k for k, v in m._parameters.items() if v is None],
            list(m._buffers), list(m._modules), sorted(nps),
            sorted(k for k in ("a", "b", "c", "d", "e") if k in m.__dict__))


REGISTRATION_STEPS = [
    ("param a", lambda fw, m: setattr(m, "a", fw.nn.Parameter(fw.zeros(2)))),
    ("buffer b", lambda fw, m: m.register_buffer("b", fw.zeros(2))),
    ("module c", lambda fw, m: setattr(m, "c", fw.nn.Module())),
    ("param d", lambda fw, m: m.register_parameter("d", fw.nn.Parameter(fw.ones(1)))),
    ("reassign param a keeps its place",
     lambda fw, m: setattr(m, "a", fw.nn.Parameter(fw.ones(2)))),
    ("reassign module c keeps its place", lambda fw, m: setattr(m, "c", fw.nn.Module())),
    ("plain tensor to a param name", lambda fw, m: setattr(m, "a", fw.zeros(2))),
    ("None to param a", lambda fw, m: setattr(m, "a", None)),
    ("param again on None slot", lambda fw, m: setattr(m, "a", fw.nn.Parameter(fw.ones(3)))),
    ("tensor to buffer b", lambda fw, m: setattr(m, "b", fw.ones(2))),
    ("int to buffer b", lambda fw, m: setattr(m, "b", 3)),
    ("None to buffer b", lambda fw, m: setattr(m, "b", None)),
    ("tensor to module c", lambda fw, m: setattr(m, "c", fw.zeros(1))),
    ("None to module c", lambda fw, m: setattr(m, "c", None)),
    ("module over buffer b", lambda fw, m: setattr(m, "b", fw.nn.Module())),
    ("param over module b", lambda fw, m: setattr(m, "b", fw.nn.Parameter(fw.zeros(1)))),
    ("module over param d", lambda fw, m: setattr(m, "d", fw.nn.Module())),
    ("plain attr e", lambda fw, m: setattr(m, "e", 5)),
    ("param over plain e", lambda fw, m: setattr(m, "e", fw.nn.Parameter(fw.zeros(1)))),
    ("register_buffer over param e", lambda fw, m: m.register_buffer("e", fw.zeros(1))),
    ("register_parameter over module d", lambda fw, m: m.register_parameter("d", None)),
    ("add_module over param a", lambda fw, m: m.add_module("a", fw.nn.Module())),
    ("register_parameter with a tensor", lambda fw, m: m.register_parameter("x", fw.zeros(1))),
    ("register_parameter 'a.b'", lambda fw, m: m.register_parameter("a.b", None)),
    ("register_buffer ''", lambda fw, m: m.register_buffer("", None)),
    ("add_module 'x.y'", lambda fw, m: m.add_module("x.y", None)),
    ("add_module 1", lambda fw, m: m.add_module(1, None)),
    ("add_module non-module", lambda fw, m: m.add_module("x", 3)),
    ("register_buffer int", lambda fw, m: m.register_buffer("x", 3)),
    ("register_buffer over class attr", lambda fw, m: m.register_buffer("forward", None)),
    ("non-persistent buffer over b",
     lambda fw, m: (delattr(m, "b"), m.register_buffer("b", fw.ones(1), persistent=False))),
    ("tensor to non-persistent b stays non-persistent", lambda fw, m: setattr(m, "b", fw.zeros(1))),
    ("re-register b persistent", lambda fw, m: m.register_buffer("b", fw.zeros(1))),
    ("del param a", lambda fw, m: delattr(m, "a")),
    ("del buffer b", lambda fw, m: delattr(m, "b")),
    ("del module d", lambda fw, m: delattr(m, "d")),
    ("del plain attr", lambda fw, m: (setattr(m, "e2", 1), delattr(m, "e2"))),
    ("del missing", lambda fw, m: delattr(m, "nope")),
    ("add_module None", lambda fw, m: m.add_module("a", None)),
    ("register_module", lambda fw, m: m.register_module("d", fw.nn.Module())),
]


def test_registration_follows_torch_step_by_step():
    mt, mm = torch.nn.Module(), nn.Module()
    for label, step in REGISTRATION_STEPS:
        outcome = []
        for fw, m in ((torch, mt), (minitorch, mm)):
            try:
                step(fw, m)
                outcome.append(None)
            except Exception as exc:  # noqa: BLE001 - the exception type is compared
                outcome.append(type(exc).__name__)
        assert outcome[0] == outcome[1], f"{label}: torch {outcome[0]}, minitorch {outcome[1]}"
        assert _state(mt) == _state(mm), f"{label}: {_state(mt)} vs {_state(mm)}"


def test_assignment_before_init_and_getattr_errors():
    class Early(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(minitorch.zeros(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Early()
    m = nn.Module()
    with pytest.raises(AttributeError, match="'Module' object has no attribute 'nope'"):
        m.nope
    m.w = nn.Parameter(minitorch.zeros(2))
    assert m.w is m._parameters["w"] and "w" in dir(m)


def test_registered_values_are_reachable_as_attributes():
    _, mm = net_pair()
    assert mm.scale is mm._parameters["scale"]
    assert mm.step is mm._buffers["step"]
    assert mm.features is mm._modules["features"]
    assert mm.get_submodule("features.2") is mm.features[2]
    assert mm.get_parameter("features.0.weight") is mm.features[0].weight
    assert mm.get_buffer("features.2.running_var") is mm.features[2].running_var
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        mm.get_submodule("features.nope")
    with pytest.raises(AttributeError, match="is not an nn.Parameter"):
        mm.get_parameter("features.2.running_var")


# ---------------------------------------------------------------------------- traversal
@pytest.mark.parametrize("method,kwargs", [
    ("named_parameters", {}),
    ("named_parameters", {"remove_duplicate": False}),
    ("named_parameters", {"recurse": False}),
    ("named_parameters", {"prefix": "model"}),
    ("named_buffers", {}),
    ("named_buffers", {"remove_duplicate": False}),
    ("named_buffers", {"recurse": False}),
    ("named_children", {}),
    ("named_modules", {}),
    ("named_modules", {"remove_duplicate": False}),
    ("named_modules", {"prefix": "root"}),
])
def test_named_traversals_match_torch(method, kwargs):
    mt, mm = net_pair()
    got_t = [(n, type(v).__name__, tuple(getattr(v, "shape", ())))
             for n, v in getattr(mt, method)(**kwargs)]
    got_m = [(n, type(v).__name__, tuple(getattr(v, "shape", ())))
             for n, v in getattr(mm, method)(**kwargs)]
    got_t = [(n, t.replace("Tensor", "T"), s) for n, t, s in got_t]
    got_m = [(n, t.replace("Tensor", "T"), s) for n, t, s in got_m]
    assert got_m == got_t


def test_unnamed_traversals_match_torch():
    mt, mm = net_pair()
    assert len(list(mm.parameters())) == len(list(mt.parameters())) == 9   # tied once
    assert [tuple(p.shape) for p in mm.parameters()] == [tuple(p.shape) for p in mt.parameters()]
    assert [tuple(p.shape) for p in mm.parameters(recurse=False)] == [(1,)]
    assert [tuple(b.shape) for b in mm.buffers()] == [tuple(b.shape) for b in mt.buffers()]
    assert types(mm.children()) == types(mt.children())
    assert types(mm.modules()) == types(mt.modules())
    assert types(mm.modules(remove_duplicate=False)) == types(mt.modules(remove_duplicate=False))
    # tied: the same object, listed once
    assert mm.heads[0].weight is mm.heads[1].weight
    assert sum(p is mm.heads[0].weight for p in mm.parameters()) == 1


# ---------------------------------------------------------------------------- modes, grads
def test_train_eval_propagate_like_torch():
    class Frozen(minitorch.nn.Module):
        """Stays in eval whatever its parent asks (a child's train() override is used)."""

        def __init__(self, fw):
            super().__init__()
            self.inner = fw.nn.Module()

        def train(self, mode=True):
            return super().train(False)

    class FrozenT(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = torch.nn.Module()

        def train(self, mode=True):
            return super().train(False)

    mt, mm = net_pair()
    mt.frozen, mm.frozen = FrozenT(), Frozen(minitorch)
    for step in ("eval", "train", "train_false", "train_true"):
        for m in (mt, mm):
            if step == "train_false":
                r = m.train(False)
            elif step == "train_true":
                r = m.train(True)
            else:
                r = getattr(m, step)()
            assert r is m
        assert [(n, x.training) for n, x in mm.named_modules()] == \
            [(n, x.training) for n, x in mt.named_modules()]
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        mm.train(1)


def test_zero_grad_sets_none_and_requires_grad_():
    _, mm = net_pair()
    _, x = x_pair()
    mm(x).sum().backward()
    assert all(p.grad is not None for p in mm.parameters())
    mm.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.numpy().any() for p in mm.parameters())
    mm.zero_grad()
    assert all(p.grad is None for p in mm.parameters())
    assert mm.requires_grad_(False) is mm
    assert not any(p.requires_grad for p in mm.parameters())
    mm.requires_grad_()
    assert all(p.requires_grad for p in mm.parameters())


def test_apply_visits_children_first_like_torch():
    mt, mm = net_pair()
    seen_t, seen_m = [], []
    assert mt.apply(lambda m: seen_t.append(type(m).__name__)) is mt
    assert mm.apply(lambda m: seen_m.append(type(m).__name__)) is mm
    assert seen_m == seen_t
    assert seen_m[-1] == "Net" and seen_m[0] == "Lin"


def test_apply_can_reinitialize():
    _, mm = net_pair()

    def init(m):
        if type(m).__name__ == "Lin":
            with minitorch.no_grad():
                m.weight.fill_(0.5)
    mm.apply(init)
    assert (mm.extra["proj"].weight.detach().numpy() == 0.5).all()


# ---------------------------------------------------------------------------- dtype, device
def test_double_float_keep_parameter_objects_and_int_buffers():
    _, mm = net_pair()
    _, x = x_pair()
    params = list(mm.parameters())
    mm(x).sum().backward()
    assert mm.double() is mm
    assert [id(p) for p in mm.parameters()] == [id(p) for p in params]
    assert all(p.dtype == minitorch.float64 for p in params)
    assert all(p.grad.dtype == minitorch.float64 for p in params)
    assert mm.step.dtype == minitorch.int64
    assert mm.features[2].num_batches_tracked.dtype == minitorch.int64
    assert mm.features[2].running_mean.dtype == minitorch.float64
    assert mm.cache.dtype == minitorch.float64                 # non-persistent too
    assert mm(x.double()).dtype == minitorch.float64
    mm.float()
    assert [id(p) for p in mm.parameters()] == [id(p) for p in params]
    assert all(p.dtype == minitorch.float32 for p in params)
    assert mm.to(minitorch.float64) is mm and mm.scale.dtype == minitorch.float64
    mm.to(dtype=minitorch.float32)
    mm.to(minitorch.zeros(1, dtype=minitorch.float64))           # to(tensor)
    assert mm.scale.dtype == minitorch.float64
    mm.to("cpu", minitorch.float32)
    assert mm.to("cpu") is mm and mm.scale.device == minitorch.device("cpu")
    assert mm.cpu() is mm and mm.scale.dtype == minitorch.float32


def test_half_converts_floating_state():
    _, mm = net_pair()
    mm.half()
    assert mm.scale.dtype == minitorch.float16 and mm.step.dtype == minitorch.int64


def test_optimizer_style_update_still_works_after_double():
    """Parameters collected before .double() are the ones the model uses afterwards."""
    _, mm = net_pair()
    _, x = x_pair()
    params = list(mm.parameters())
    mm.double()
    x = x.double()
    before = mm(x).sum().item()
    mm(x).sum().backward()
    with minitorch.no_grad():
        for p in params:
            p.sub_(0.01 * p.grad)
    after = mm(x).sum().item()
    assert after < before


def test_to_rejects_integer_dtype_like_torch():
    mt, mm = net_pair()
    with pytest.raises(TypeError) as et:
        mt.to(torch.int64)
    with pytest.raises(TypeError) as em:
        mm.to(minitorch.int64)
    assert str(em.value) == str(et.value).replace("torch.", "minitorch.").replace(
        "floating point or complex dtypes", "floating point dtypes")
    assert mm.scale.dtype == minitorch.float32


@pytest.mark.skipif(minitorch.cuda.is_available(), reason="checks the error without a GPU")
@pytest.mark.parametrize("call", [lambda m: m.cuda(), lambda m: m.to("cuda"),
                                  lambda m: m.cuda(0), lambda m: m.to(device="cuda:1")])
def test_cuda_without_gpu_raises_clear_error_and_changes_nothing(call):
    _, mm = net_pair()
    before = [(p.device, p.dtype) for p in mm.parameters()]
    with pytest.raises(RuntimeError, match=r"Module\.(cuda|to)\(\): device 'cuda"):
        call(mm)
    assert [(p.device, p.dtype) for p in mm.parameters()] == before


def test_cuda_rejects_cpu_device():
    with pytest.raises(ValueError, match="expected a CUDA device"):
        nn.Module().cuda("cpu")


# ---------------------------------------------------------------------------- state_dict
def test_state_dict_keys_order_shapes_and_dtypes_match_torch():
    mt, mm = net_pair()
    st, sm = mt.state_dict(), mm.state_dict()
    assert list(sm) == list(st)
    assert "cache" not in sm and "features.2.scratch" not in sm
    assert "shared.weight" in sm and "heads.1.weight" in sm     # shared: both paths, like torch
    for k in st:
        assert tuple(sm[k].shape) == tuple(st[k].shape), k
        assert str(sm[k].dtype).split(".")[-1] == str(st[k].dtype).split(".")[-1], k
        np.testing.assert_array_equal(sm[k].numpy(), st[k].numpy())
    assert all(type(v) is minitorch.Tensor and not v.requires_grad for v in sm.values())
    kv = mm.state_dict(keep_vars=True)
    assert kv["scale"] is mm.scale
    pre = mm.state_dict(prefix="model.")
    assert list(pre) == ["model." + k for k in sm]


def test_state_dict_shares_memory_with_the_module():
    _, mm = net_pair()
    sd = mm.state_dict()
    sd["scale"].fill_(3.0)
    assert mm.scale.item() == 3.0


def test_load_torch_state_dict_directly():
    mt, mm = net_pair()
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for p in mt.parameters():
            p.add_(torch.randn(p.shape, generator=g))
        for name, b in mt.named_buffers():
            if b.is_floating_point():
                b.add_(1.5)
        mt.step.fill_(7)
    result = mm.load_state_dict(mt.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    for k, v in mt.state_dict().items():
        np.testing.assert_array_equal(mm.state_dict()[k].numpy(), v.numpy())
    assert mm.step.dtype == minitorch.int64 and mm.step.item() == 7
    xt, xm = x_pair()
    close(mm(xm), mt(xt))
    assert mm.heads[0].weight is mm.heads[1].weight              # still tied


def test_load_own_state_dict_and_casting():
    _, src = net_pair()
    _, dst = net_pair()
    with minitorch.no_grad():
        for p in src.parameters():
            p.mul_(-2.0)
    src.double()
    dst.load_state_dict(src.state_dict())
    assert dst.scale.dtype == minitorch.float32                 # cast to the target's dtype
    for k, v in src.state_dict().items():
        np.testing.assert_allclose(dst.state_dict()[k].numpy(), v.numpy(), rtol=1e-6)
    # loading bumps the version counter, like an in-place copy
    w = dst.scale
    v0 = w._version
    dst.load_state_dict(src.state_dict())
    assert w._version > v0 and dst.scale is w


def test_load_state_dict_of_model_with_shared_module_roundtrips():
    mt, mm = net_pair()
    sd = mm.state_dict()
    assert mm.load_state_dict(sd) == ([], [])
    assert mt.load_state_dict(mt.state_dict()) == ([], [])


def _edit(sd, drop=(), add=(), reshape=()):
    sd = OrderedDict(sd)
    for k in drop:
        del sd[k]
    for k in add:
        sd[k] = next(iter(sd.values()))
    for k in reshape:
        sd[k] = sd[k].reshape(-1)[:1] if sd[k].numel() > 1 else sd[k].reshape(1, 1)
    return sd


EDITS = [
    dict(drop=["features.2.running_mean"]),
    dict(drop=["scale", "extra.proj.weight"]),
    dict(add=["extra.proj.bias"]),                 # a None parameter slot
    dict(add=["bogus", "features.9.weight", "features.0.weight.x", "cache"]),
    dict(drop=["step"], add=["extra.act.weight"]),
]


@pytest.mark.parametrize("edit", EDITS)
def test_strict_false_returns_the_same_keys_as_torch(edit):
    mt, mm = net_pair()
    rt = mt.load_state_dict(_edit(mt.state_dict(), **edit), strict=False)
    rm = mm.load_state_dict(_edit(mt.state_dict(), **edit), strict=False)
    assert rm.missing_keys == rt.missing_keys
    assert rm.unexpected_keys == rt.unexpected_keys
    assert repr(rm) == repr(rt)


def _torch_message(exc):
    return str(exc).replace("torch.Size", "minitorch.Size")


@pytest.mark.parametrize("edit", EDITS + [
    dict(reshape=["features.0.weight"]),
    dict(reshape=["features.2.running_var", "extra.proj.weight"], drop=["scale"], add=["z"]),
])
def test_strict_errors_have_torch_wording(edit):
    mt, mm = net_pair()
    with pytest.raises(RuntimeError) as et:
        mt.load_state_dict(_edit(mt.state_dict(), **edit))
    with pytest.raises(RuntimeError) as em:
        mm.load_state_dict(_edit(mt.state_dict(), **edit))
    assert str(em.value) == _torch_message(et.value)
    for k in edit.get("drop", []) + edit.get("add", []) + edit.get("reshape", []):
        assert f"{k}" in str(em.value)


def test_size_mismatch_raises_even_when_not_strict_and_changes_nothing():
    mt, mm = net_pair()
    before = {k: v.numpy().copy() for k, v in mm.state_dict().items()}
    sd = _edit(mt.state_dict(), reshape=["features.0.bias"])
    with torch.no_grad():
        sd["scale"] = torch.tensor([5.0])
    with pytest.raises(RuntimeError, match=r"size mismatch for features\.0\.bias: copying a "
                                           r"param with shape minitorch\.Size\(\[1\]\) from "
                                           r"checkpoint, the shape in current model is "
                                           r"minitorch\.Size\(\[8\]\)\."):
        mm.load_state_dict(sd, strict=False)
    for k, v in mm.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k])


def test_load_state_dict_bad_inputs():
    mt, mm = net_pair()
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        mm.load_state_dict([("scale", minitorch.ones(1))])
    sd = mt.state_dict()
    sd["scale"] = [1.0]
    with pytest.raises(RuntimeError) as et:
        mt.load_state_dict(sd)
    with pytest.raises(RuntimeError) as em:
        mm.load_state_dict(sd)
    assert str(em.value) == str(et.value).replace("torch.Tensor", "Tensor")
    assert 'While copying the parameter named "scale"' in str(em.value)


def test_load_state_dict_0d_from_1_element_and_numpy_values():
    m = nn.Module()
    m.register_buffer("count", minitorch.tensor(0))
    m.load_state_dict({"count": minitorch.tensor([4])})
    assert m.count.item() == 4 and m.count.shape == ()
    m.load_state_dict({"count": np.array(9)})
    assert m.count.item() == 9


def test_load_state_dict_assign_takes_the_tensors():
    mt, mm = net_pair()
    sd = OrderedDict((k, minitorch.from_numpy(v.numpy().copy()))
                     for k, v in mt.state_dict().items())
    old = mm.scale
    mm.load_state_dict(sd, assign=True)
    assert isinstance(mm.scale, nn.Parameter) and mm.scale is not old and mm.scale.requires_grad
    assert mm.scale._data is sd["scale"]._data
    assert mm.step._data is sd["step"]._data


# ---------------------------------------------------------------------------- hooks
def test_forward_hooks_modify_inputs_and_outputs_like_torch():
    mt, mm = net_pair()
    xt, xm = x_pair()
    handles = []
    for m in (mt, mm):
        handles.append([
            m.features.register_forward_pre_hook(lambda mod, args: args[0] * 2),
            m.features.register_forward_pre_hook(lambda mod, args: (args[0] + 1,)),
            m.heads[0].register_forward_hook(lambda mod, args, out: out - 3),
            m.register_forward_hook(lambda mod, args, out: None),     # None keeps the output
        ])
    close(mm(xm), mt(xt))
    for hs in handles:
        hs[0].remove()
        hs[0].remove()                                            # twice is harmless
    close(mm(xm), mt(xt))
    for hs in handles:
        for h in hs:
            h.remove()
    assert not mm.features._forward_pre_hooks and not mm.heads[0]._forward_hooks
    close(mm(xm), mt(xt))


def test_hook_order_prepend_kwargs_and_context_manager():
    calls = {"torch": [], "minitorch": []}

    class Echo:
        def __init__(self, fw):
            self.fw = fw

        def make(self, tag):
            return lambda *a: calls[self.fw].append(tag)

    for fw, name in ((torch, "torch"), (minitorch, "minitorch")):
        m = L[name]["Act"]()
        e = Echo(name)
        m.register_forward_pre_hook(e.make("pre1"))
        m.register_forward_pre_hook(e.make("pre0"), prepend=True)
        m.register_forward_hook(e.make("post1"))
        m.register_forward_hook(e.make("post0"), prepend=True)
        m.register_forward_hook(lambda mod, args, kwargs, out, name=name: calls[name].append(
            ("kw", sorted(kwargs))), with_kwargs=True)
        with m.register_forward_hook(e.make("ctx")):
            m(fw.ones(2))
        m(fw.ones(2))
    assert calls["minitorch"] == calls["torch"]
    assert calls["minitorch"][:2] == ["pre0", "pre1"]


def test_pre_hook_with_kwargs_replaces_args_and_kwargs():
    class Scale(nn.Module):
        def forward(self, x, factor=1.0):
            return x * factor

    m = Scale()
    h = m.register_forward_pre_hook(lambda mod, args, kwargs: ((args[0] + 1,), {"factor": 10.0}),
                                    with_kwargs=True)
    assert m(minitorch.ones(1)).item() == 20.0
    h.remove()
    m.register_forward_pre_hook(lambda mod, args, kwargs: 5, with_kwargs=True)
    with pytest.raises(RuntimeError, match="forward pre-hook must return None or a tuple"):
        m(minitorch.ones(1))


def test_always_call_hook_runs_when_forward_fails():
    class Boom(nn.Module):
        def forward(self, x):
            raise ValueError("boom")

    m, seen = Boom(), []
    m.register_forward_hook(lambda mod, args, out: seen.append("normal"))
    m.register_forward_hook(lambda mod, args, out: seen.append(out), always_call=True)
    with pytest.raises(ValueError, match="boom"):
        m(minitorch.ones(1))
    assert seen == [None]


def test_feature_maps_captured_through_hooks_match_torch():
    mt, mm = net_pair()
    xt, xm = x_pair()
    maps = {"torch": OrderedDict(), "minitorch": OrderedDict()}
    handles = []
    for name, m in (("torch", mt), ("minitorch", mm)):
        for qual, mod in m.named_modules():
            if not list(mod.children()):
                handles.append(mod.register_forward_hook(
                    lambda mod, args, out, qual=qual, name=name:
                        maps[name].__setitem__(qual, out.detach())))
    mt(xt), mm(xm)
    assert list(maps["minitorch"]) == list(maps["torch"])
    assert list(maps["minitorch"]) == ["features.0", "features.1", "features.2", "heads.0",
                                       "heads.1", "extra.proj", "extra.act"]
    for k in maps["torch"]:
        close(maps["minitorch"][k], maps["torch"][k])
    for h in handles:
        h.remove()
    assert all(not m._forward_hooks for m in mm.modules())


# ---------------------------------------------------------------------------- repr
def test_repr_tree_matches_torch():
    mt, mm = net_pair()
    assert repr(mm) == repr(mt)
    for a, b in zip(mm.modules(), mt.modules()):
        assert repr(a) == repr(b)


def test_repr_compresses_repeated_modulelist_entries_like_torch():
    def build(fw, c):
        return fw.nn.Sequential(
            fw.nn.ModuleList([c["Lin"](8, 8) for _ in range(3)] + [c["Act"](), c["Act"]()]
                             + [c["Lin"](8, 2)]),
            fw.nn.ModuleList(),
            fw.nn.ModuleDict({"a": c["Tag"]("multi\n\nline"), "b": c["Norm"](3)}),
            fw.nn.Sequential(),
            c["Lin"](2, 2, bias=False))
    mt, mm = both(build)
    assert repr(mm) == repr(mt)
    assert "(0-2): 3 x Lin(in_features=8, out_features=8, bias=True)" in repr(mm)


def test_repr_shows_none_children():
    mt, mm = both(lambda fw, c: fw.nn.Sequential(c["Act"]()))
    mt.add_module("gone", None)
    mm.add_module("gone", None)
    assert repr(mm) == repr(mt)


# ---------------------------------------------------------------------------- containers
def _tags(fw, c, names):
    return [c["Tag"](n) for n in names]


SEQUENTIAL_OPS = [
    ("index", lambda fw, c, s: s[1]),
    ("negative index", lambda fw, c, s: s[-1]),
    ("slice", lambda fw, c, s: s[1:3]),
    ("step slice", lambda fw, c, s: s[::-2]),
    ("len", lambda fw, c, s: len(s)),
    ("iter", lambda fw, c, s: fw.nn.Sequential(*list(iter(s)))),
    ("append", lambda fw, c, s: s.append(c["Tag"]("x"))),
    ("insert 0", lambda fw, c, s: s.insert(0, c["Tag"]("first"))),
    ("insert -1", lambda fw, c, s: s.insert(-1, c["Tag"]("neg"))),
    ("insert end", lambda fw, c, s: s.insert(len(s), c["Tag"]("end"))),
    ("extend", lambda fw, c, s: s.extend(fw.nn.Sequential(*_tags(fw, c, "yz")))),
    ("setitem", lambda fw, c, s: s.__setitem__(-2, c["Tag"]("set"))),
    ("del index", lambda fw, c, s: s.__delitem__(0)),
    ("del slice", lambda fw, c, s: s.__delitem__(slice(1, 3))),
    ("pop", lambda fw, c, s: s.pop(1)),
    ("add", lambda fw, c, s: s + fw.nn.Sequential(c["Tag"]("p"))),
    ("iadd", lambda fw, c, s: s.__iadd__(fw.nn.Sequential(c["Tag"]("q")))),
    ("mul", lambda fw, c, s: s * 2),
    ("rmul", lambda fw, c, s: 2 * s),
    ("imul", lambda fw, c, s: s.__imul__(2)),
    ("index out of range", lambda fw, c, s: s[10]),
    ("setitem non-module", lambda fw, c, s: s.__setitem__(0, 3)),
    ("add non-sequential", lambda fw, c, s: s + c["Tag"]("r")),
    ("mul zero", lambda fw, c, s: s * 0),
    ("insert out of range", lambda fw, c, s: s.insert(20, c["Tag"]("far"))),
]


def _outcome(thunk):
    try:
        r = thunk()
    except Exception as exc:  # noqa: BLE001
        return "raises " + type(exc).__name__
    return repr(r) if not isinstance(r, int) else r


@pytest.mark.parametrize("label,op", SEQUENTIAL_OPS, ids=[o[0] for o in SEQUENTIAL_OPS])
@pytest.mark.parametrize("named", [False, True])
def test_sequential_ops_match_torch(label, op, named):
    def build(fw, c):
        mods = _tags(fw, c, "abcd")
        if named:
            return fw.nn.Sequential(OrderedDict(zip(["w", "x", "y", "z"], mods)))
        return fw.nn.Sequential(*mods)
    st, sm = both(build)
    rt = _outcome(lambda: op(torch, L["torch"], st))
    rm = _outcome(lambda: op(minitorch, L["minitorch"], sm))
    if named and label == "imul":
        # torch's __imul__ looks the layers up as "0", "1", ... and raises KeyError on a
        # named Sequential; minitorch repeats the layers under new keys
        assert rt == "raises KeyError" and rm.count("Tag(a)") == 2
        return
    assert rm == rt
    assert repr(sm) == repr(st)


def test_sequential_forward_and_slices_share_layers():
    st, sm = both(lambda fw, c: fw.nn.Sequential(c["Lin"](4, 6), c["Act"](),
                                                 c["Lin"](6, 2, seed=3)))
    xt, xm = x_pair()
    close(sm(xm), st(xt))
    close(sm[1:](sm[0](xm)), st(xt))
    assert sm[0:2][0] is sm[0]
    assert isinstance(sm[:1], nn.Sequential)
    assert [type(m).__name__ for m in sm] == ["Lin", "Act", "Lin"]


MODULELIST_OPS = [
    ("index", lambda fw, c, m: m[2]),
    ("negative", lambda fw, c, m: m[-2]),
    ("slice", lambda fw, c, m: m[1:]),
    ("len", lambda fw, c, m: len(m)),
    ("append", lambda fw, c, m: m.append(c["Tag"]("x"))),
    ("extend", lambda fw, c, m: m.extend(_tags(fw, c, "xy"))),
    ("extend non-iterable", lambda fw, c, m: m.extend(3)),
    ("insert 1", lambda fw, c, m: m.insert(1, c["Tag"]("i"))),
    ("insert end", lambda fw, c, m: m.insert(3, c["Tag"]("i"))),
    ("iadd", lambda fw, c, m: m.__iadd__(_tags(fw, c, "pq"))),
    ("add", lambda fw, c, m: m + fw.nn.ModuleList(_tags(fw, c, "r"))),
    ("setitem", lambda fw, c, m: m.__setitem__(-1, c["Tag"]("s"))),
    ("setitem out of range", lambda fw, c, m: m.__setitem__(3, c["Tag"]("s"))),
    ("del", lambda fw, c, m: m.__delitem__(1)),
    ("del slice", lambda fw, c, m: m.__delitem__(slice(None, None, 2))),
    ("pop", lambda fw, c, m: m.pop(0)),
    ("index out of range", lambda fw, c, m: m[3]),
    ("index by str", lambda fw, c, m: m["0"]),
    ("iter", lambda fw, c, m: [type(x).__name__ for x in m]),
]


@pytest.mark.parametrize("label,op", MODULELIST_OPS, ids=[o[0] for o in MODULELIST_OPS])
def test_modulelist_ops_match_torch(label, op):
    lt, lm = both(lambda fw, c: fw.nn.ModuleList(_tags(fw, c, "abc")))
    assert _outcome(lambda: op(minitorch, L["minitorch"], lm)) == \
        _outcome(lambda: op(torch, L["torch"], lt))
    assert repr(lm) == repr(lt)


def test_modulelist_registers_parameters_and_negative_insert():
    ml = nn.ModuleList([L["minitorch"]["Lin"](2, 2) for _ in range(2)])
    assert [n for n, _ in ml.named_parameters()] == ["0.weight", "0.bias", "1.weight", "1.bias"]
    ml.insert(-1, L["minitorch"]["Act"]())             # as list.insert
    assert types(ml) == ["Lin", "Act", "Lin"] and list(ml._modules) == ["0", "1", "2"]
    with pytest.raises(NotImplementedError):
        ml(minitorch.ones(2))


MODULEDICT_OPS = [
    ("getitem", lambda fw, c, d: d["b"]),
    ("missing", lambda fw, c, d: d["nope"]),
    ("setitem new", lambda fw, c, d: d.__setitem__("z", c["Tag"]("z"))),
    ("setitem existing keeps place", lambda fw, c, d: d.__setitem__("a", c["Tag"]("A"))),
    ("setitem non-module", lambda fw, c, d: d.__setitem__("q", 3)),
    ("del", lambda fw, c, d: d.__delitem__("a")),
    ("pop", lambda fw, c, d: d.pop("b")),
    ("len", lambda fw, c, d: len(d)),
    ("contains", lambda fw, c, d: ("a" in d, "q" in d)),
    ("iter", lambda fw, c, d: list(d)),
    ("keys", lambda fw, c, d: list(d.keys())),
    ("values", lambda fw, c, d: types(d.values())),
    ("items", lambda fw, c, d: [(k, type(v).__name__) for k, v in d.items()]),
    ("clear", lambda fw, c, d: d.clear()),
    ("update dict", lambda fw, c, d: d.update({"y": c["Tag"]("y"), "a": c["Tag"]("a2")})),
    ("update pairs", lambda fw, c, d: d.update([("p", c["Tag"]("p")), ["q", c["Tag"]("q")]])),
    ("update moduledict", lambda fw, c, d: d.update(fw.nn.ModuleDict({"m": c["Tag"]("m")}))),
    ("update bad element", lambda fw, c, d: d.update([3])),
    ("update bad length", lambda fw, c, d: d.update([("a", c["Tag"]("a"), 1)])),
    ("update non-iterable", lambda fw, c, d: d.update(3)),
    ("dotted key", lambda fw, c, d: d.__setitem__("a.b", c["Tag"]("x"))),
]


@pytest.mark.parametrize("label,op", MODULEDICT_OPS, ids=[o[0] for o in MODULEDICT_OPS])
def test_moduledict_ops_match_torch(label, op):
    dt, dm = both(lambda fw, c: fw.nn.ModuleDict({"b": c["Tag"]("b"), "a": c["Tag"]("a")}))
    assert _outcome(lambda: op(minitorch, L["minitorch"], dm)) == \
        _outcome(lambda: op(torch, L["torch"], dt))
    assert repr(dm) == repr(dt)


# ---------------------------------------------------------------------------- Parameter
def test_parameter_basics_and_repr_match_torch():
    a = np.array([[1.5, -2.0], [0.25, 3.0]], dtype=np.float32)
    pt = torch.nn.Parameter(torch.from_numpy(a.copy()))
    pm = nn.Parameter(minitorch.from_numpy(a.copy()))
    assert repr(pm) == repr(pt) and str(pm) == str(pt)
    assert repr(pm).startswith("Parameter containing:\ntensor(")
    assert isinstance(pm, minitorch.Tensor) and pm.requires_grad and pm.is_leaf
    frozen_t = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64), requires_grad=False)
    frozen_m = nn.Parameter(minitorch.zeros(2, dtype=minitorch.float64), requires_grad=False)
    assert repr(frozen_m) == repr(frozen_t).replace("torch.", "minitorch.")
    assert not frozen_m.requires_grad
    assert nn.Parameter().shape == (0,)
    assert type(pm * 2) is minitorch.Tensor and type(pm.detach()) is minitorch.Tensor


def test_parameter_shares_memory_with_its_data():
    t = minitorch.zeros(3)
    p = nn.Parameter(t)
    t.fill_(2.0)
    assert p.numpy(force=True).tolist() == [2.0, 2.0, 2.0]
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(minitorch.tensor([1, 2]))
    assert not nn.Parameter(minitorch.tensor([1, 2]), requires_grad=False).requires_grad


def test_parameter_deepcopy_is_independent_and_keeps_requires_grad():
    p = nn.Parameter(minitorch.ones(2), requires_grad=False)
    q = copy.deepcopy(p)
    assert type(q) is nn.Parameter and not q.requires_grad
    q.fill_(5.0)
    assert p.numpy().tolist() == [1.0, 1.0]


# ---------------------------------------------------------------------------- deepcopy
def test_deepcopy_gives_independent_parameters_keeping_ties():
    _, mm = net_pair()
    _, x = x_pair()
    mm(x).sum().backward()
    cp = copy.deepcopy(mm)
    close(cp(x), mm(x))
    snapshot = [p.detach().numpy().copy() for p in mm.parameters()]
    pairs = list(zip(mm.parameters(), cp.parameters()))
    assert len(pairs) == 9
    assert all(a is not b and a._data is not b._data for a, b in pairs)
    assert all(b.grad is None for _, b in pairs)                  # as torch's Parameter
    assert cp.heads[0].weight is cp.heads[1].weight               # tie preserved
    assert cp.shared is cp.features[0]                            # sharing preserved
    with minitorch.no_grad():
        for p in cp.parameters():
            p.fill_(0.0)
        cp.features[2].running_mean.fill_(4.0)
    for p, s in zip(mm.parameters(), snapshot):
        np.testing.assert_array_equal(p.detach().numpy(), s)
    assert (mm.features[2].running_mean.numpy() == 0).all()
    assert list(cp.state_dict()) == list(mm.state_dict())


# ---------------------------------------------------------------------------- real layers
def _real(fw):
    tnn = fw.nn

    class Model(tnn.Module):
        def __init__(self):
            super().__init__()
            self.body = tnn.Sequential(tnn.Flatten(), tnn.Linear(12, 8), tnn.BatchNorm1d(8),
                                       tnn.ReLU(), tnn.Dropout(0.2))
            self.blocks = tnn.ModuleList([tnn.Linear(8, 8) for _ in range(2)])
            self.norm = tnn.LayerNorm(8)
            self.head = tnn.ModuleDict({"out": tnn.Linear(8, 3), "act": tnn.Tanh()})

        def forward(self, x):
            h = self.body(x)
            for blk in self.blocks:
                h = h + blk(h).relu()
            return self.head["act"](self.head["out"](self.norm(h)))

    return Model()


def test_real_layers_tree_keys_and_weights_load_from_torch():
    mt, mm = _real(torch), _real(minitorch)
    assert repr(mm) == repr(mt)
    assert [(k, tuple(v.shape)) for k, v in mm.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in mt.state_dict().items()]
    assert [n for n, _ in mm.named_modules()] == [n for n, _ in mt.named_modules()]
    xt, xm = x_pair((6, 3, 4))
    mt.train()
    mt(xt)                                        # moves BatchNorm's running statistics
    mm.load_state_dict(mt.state_dict())
    mt.eval(), mm.eval()
    close(mm(xm), mt(xt))
    assert mm.body[2].num_batches_tracked.item() == 1


def test_optimizer_keeps_working_after_double():
    mm = _real(minitorch)
    opt = minitorch.optim.SGD(mm.parameters(), lr=0.1)
    mm.double()
    _, x = x_pair((6, 3, 4))
    x = x.double()
    before = [p.detach().numpy().copy() for p in mm.parameters()]
    loss = (mm(x) ** 2).sum()
    loss.backward()
    opt.step()
    for p, b in zip(mm.parameters(), before):
        assert p.dtype == minitorch.float64
        np.testing.assert_allclose(p.detach().numpy(), b - 0.1 * p.grad.numpy(), rtol=1e-12)
    opt.zero_grad()
    assert all(p.grad is None for p in mm.parameters())


def test_module_to_device_and_back(device):
    mt, mm = _real(torch), _real(minitorch)
    params = list(mm.parameters())
    assert mm.to(device) is mm
    assert [id(p) for p in mm.parameters()] == [id(p) for p in params]
    assert all(p.device == minitorch.device(device) for p in params)
    assert all(b.device == minitorch.device(device) for b in mm.buffers())
    mm.load_state_dict(mt.state_dict())                          # CPU torch tensors
    assert all(p.device == minitorch.device(device) for p in mm.parameters())
    xt, xm = x_pair((6, 3, 4))
    mt.eval(), mm.eval()
    out = mm(xm.to(device))
    assert out.device == minitorch.device(device)
    close(out.cpu(), mt(xt))
    mm.cpu()
    assert all(p.device == minitorch.device("cpu") for p in mm.parameters())
    assert [id(p) for p in mm.parameters()] == [id(p) for p in params]
