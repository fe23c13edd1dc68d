"""nn.utils.prune against PyTorch on the same weights: the masks, pruned weights,
parameter/buffer names and state_dict keys of l1_unstructured, ln_structured (every n,
dims, importance scores), custom_from_mask, identity and global_unstructured; iterative
pruning through PruningContainer; forward outputs and the gradients reaching weight_orig;
remove and is_pruned; the random methods checked structurally (how many entries or
channels are zeroed); custom pruning methods; and PyTorch's errors."""
import copy

import numpy as np
import pytest
import torch

import minitorch
from minitorch.nn.utils import prune

torch.set_num_threads(1)
import torch.nn.utils.prune as tprune  # noqa: E402  (not imported by torch.nn.utils)


# ---------------------------------------------------------------------------- helpers
def _copy_params(src, dst, lib):
    """Give the minitorch module `dst` (or the torch module) the values of `src`."""
    state = {k: lib.from_numpy(v.detach().numpy().copy()) for k, v in src.state_dict().items()}
    dst.load_state_dict(state)


def _pair(kind="linear", dtype="float32", seed=0):
    """The same layer in torch and in minitorch, with distinct random weights (no ties
    between magnitudes or channel norms)."""
    rng = np.random.default_rng(seed)
    make = {"linear": lambda lib: lib.nn.Linear(6, 5),
            "conv": lambda lib: lib.nn.Conv2d(4, 6, 3),
            "seq": lambda lib: lib.nn.Sequential(lib.nn.Linear(4, 5), lib.nn.ReLU(),
                                                 lib.nn.Linear(5, 3))}[kind]
    tm, mm = make(torch), make(minitorch)
    with torch.no_grad():
        for p in tm.parameters():
            p.copy_(torch.from_numpy(rng.standard_normal(tuple(p.shape))))
    if dtype == "float64":
        tm, mm = tm.double(), mm.double()
    _copy_params(tm, mm, minitorch)
    return tm, mm


def _np(t):
    return t.detach().numpy()


def _same_state(tm, mm):
    """Same parameter, buffer and state_dict names (in order) and values."""
    assert [n for n, _ in mm.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert [n for n, _ in mm.named_buffers()] == [n for n, _ in tm.named_buffers()]
    ts, ms = tm.state_dict(), mm.state_dict()
    assert list(ms.keys()) == list(ts.keys())
    for k in ts:
        assert str(ms[k].dtype).split(".")[-1] == str(ts[k].dtype).split(".")[-1], k
        np.testing.assert_array_equal(_np(ms[k]), _np(ts[k]), err_msg=k)


def _same_pruned(tm, mm, name="weight"):
    np.testing.assert_array_equal(_np(getattr(mm, name + "_mask")),
                                  _np(getattr(tm, name + "_mask")))
    np.testing.assert_array_equal(_np(getattr(mm, name)), _np(getattr(tm, name)))
    _same_state(tm, mm)


def _hook(module, name="weight"):
    found = [h for h in module._forward_pre_hooks.values()
             if isinstance(h, (prune.BasePruningMethod, tprune.BasePruningMethod))
             and h._tensor_name == name]
    assert len(found) == 1
    return found[0]


# ---------------------------------------------------------------------------- deterministic
@pytest.mark.parametrize("amount", [0, 3, 30, 0.0, 0.3, 0.5, 1.0])
@pytest.mark.parametrize("kind", ["linear", "conv"])
def test_l1_unstructured_matches_torch(kind, amount):
    tm, mm = _pair(kind)
    assert tprune.l1_unstructured(tm, "weight", amount) is tm
    assert prune.l1_unstructured(mm, "weight", amount) is mm
    _same_pruned(tm, mm)
    assert type(_hook(mm)).__name__ == "L1Unstructured"
    assert isinstance(mm.weight_orig, minitorch.nn.Parameter)
    assert not isinstance(mm.weight, minitorch.nn.Parameter)
    assert "weight" not in mm._parameters and "weight_mask" in mm._buffers


def test_l1_unstructured_bias_and_float64():
    tm, mm = _pair("linear", "float64")
    tprune.l1_unstructured(tm, "bias", 2)
    prune.l1_unstructured(mm, "bias", 2)
    _same_pruned(tm, mm, "bias")
    assert mm.bias_mask.dtype == minitorch.float64


@pytest.mark.parametrize("n", [1, 2, 3, float("inf"), float("-inf"), 0.5])
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("amount", [1, 0.34, 0.5])
def test_ln_structured_matches_torch(amount, dim, n):
    tm, mm = _pair("conv", seed=1)
    tprune.ln_structured(tm, "weight", amount, n, dim)
    prune.ln_structured(mm, "weight", amount, n, dim)
    _same_pruned(tm, mm)


@pytest.mark.parametrize("amount", [0, 4, 1.0])
def test_ln_structured_edge_amounts(amount):
    tm, mm = _pair("conv", seed=2)
    tprune.ln_structured(tm, "weight", amount, 2, 1)
    prune.ln_structured(mm, "weight", amount, 2, 1)
    _same_pruned(tm, mm)


@pytest.mark.parametrize("n", ["nuc", "fro"])
@pytest.mark.parametrize("dim", [0, 2])
def test_ln_structured_matrix_norms_on_a_3d_weight(dim, n):
    """'nuc' and 'fro' need two dims to reduce: a Conv1d weight (out, in, k)."""
    tm, mm = torch.nn.Conv1d(4, 6, 3), minitorch.nn.Conv1d(4, 6, 3)
    _copy_params(tm, mm, minitorch)
    tprune.ln_structured(tm, "weight", 0.5, n, dim)
    prune.ln_structured(mm, "weight", 0.5, n, dim)
    _same_pruned(tm, mm)


def test_importance_scores_matches_torch():
    tm, mm = _pair("conv", seed=4)
    scores = np.random.default_rng(5).standard_normal(tuple(tm.weight.shape)).astype("float32")
    tprune.l1_unstructured(tm, "weight", 0.4, importance_scores=torch.from_numpy(scores))
    prune.l1_unstructured(mm, "weight", 0.4, importance_scores=minitorch.from_numpy(scores))
    _same_pruned(tm, mm)
    tprune.ln_structured(tm, "weight", 2, 1, 0, importance_scores=torch.from_numpy(scores))
    prune.ln_structured(mm, "weight", 2, 1, 0, importance_scores=minitorch.from_numpy(scores))
    _same_pruned(tm, mm)


@pytest.mark.parametrize("mask_dtype", ["int64", "bool", "float32"])
def test_custom_from_mask_and_identity(mask_dtype):
    tm, mm = _pair("linear")
    mask = (np.arange(30).reshape(5, 6) % 3 != 0).astype(mask_dtype)
    tprune.custom_from_mask(tm, "weight", torch.from_numpy(mask))
    assert prune.custom_from_mask(mm, "weight", minitorch.from_numpy(mask)) is mm
    tprune.identity(tm, "bias")
    assert prune.identity(mm, "bias") is mm
    _same_pruned(tm, mm)
    _same_pruned(tm, mm, "bias")
    assert mm.bias_mask.dtype == minitorch.float32 and bool((mm.bias_mask == 1).all())


def test_iterative_pruning_composes_like_torch():
    tm, mm = _pair("conv", seed=6)
    mask = (np.arange(6 * 4 * 9).reshape(6, 4, 3, 3) % 7 != 0).astype("float32")
    steps = [(lambda p, m, lib: p.l1_unstructured(m, "weight", 0.2)),
             (lambda p, m, lib: p.l1_unstructured(m, "weight", 10)),
             (lambda p, m, lib: p.ln_structured(m, "weight", 0.5, 2, 0)),
             (lambda p, m, lib: p.custom_from_mask(m, "weight", lib.from_numpy(mask))),
             (lambda p, m, lib: p.ln_structured(m, "weight", 1, 1, 1)),
             (lambda p, m, lib: p.identity(m, "weight"))]
    for i, step in enumerate(steps):
        step(tprune, tm, torch)
        step(prune, mm, minitorch)
        _same_pruned(tm, mm)
        hook = _hook(mm)
        if i == 0:
            assert isinstance(hook, prune.L1Unstructured)
        else:
            assert isinstance(hook, prune.PruningContainer) and len(hook) == i + 1
            assert [type(h).__name__ for h in hook] == \
                [type(h).__name__ for h in _hook(tm)]
            assert hook[-1] is list(hook)[-1]
    assert len(mm._forward_pre_hooks) == 1


@pytest.mark.parametrize("amount", [7, 0.25])
def test_global_unstructured_matches_torch(amount):
    tm, mm = _pair("seq", seed=7)
    tparams = [(tm[0], "weight"), (tm[0], "bias"), (tm[2], "weight")]
    mparams = [(mm[0], "weight"), (mm[0], "bias"), (mm[2], "weight")]
    assert tprune.global_unstructured(tparams, tprune.L1Unstructured, amount=amount) is None
    assert prune.global_unstructured(mparams, prune.L1Unstructured, amount=amount) is None
    for (t, n), (m, _) in zip(tparams, mparams):
        _same_pruned(t, m, n)
        assert isinstance(_hook(m, n), prune.CustomFromMask)
    _same_state(tm, mm)
    # a second global round respects the first masks; importance scores replace values
    rng = np.random.default_rng(8)
    scores = [rng.standard_normal(tuple(t.weight.shape)).astype("float32")
              for t in (tm[0], tm[2])]
    tprune.global_unstructured(tparams, tprune.L1Unstructured, amount=5, importance_scores={
        (tm[0], "weight"): torch.from_numpy(scores[0]),
        (tm[2], "weight"): torch.from_numpy(scores[1])})
    prune.global_unstructured(mparams, prune.L1Unstructured, amount=5, importance_scores={
        (mm[0], "weight"): minitorch.from_numpy(scores[0]),
        (mm[2], "weight"): minitorch.from_numpy(scores[1])})
    _same_state(tm, mm)
    assert isinstance(_hook(mm[0]), prune.PruningContainer)


def test_global_unstructured_random_counts():
    _, mm = _pair("seq")
    params = [(mm[0], "weight"), (mm[2], "weight")]
    prune.global_unstructured(iter(params), prune.RandomUnstructured, amount=9)
    assert int((mm[0].weight_mask == 0).sum()) + int((mm[2].weight_mask == 0).sum()) == 9


def test_prune_method_and_container_api():
    x = np.random.default_rng(9).standard_normal((4, 5)).astype("float32")
    tout = tprune.L1Unstructured(amount=6).prune(torch.from_numpy(x))
    mout = prune.L1Unstructured(amount=6).prune(minitorch.from_numpy(x))
    np.testing.assert_array_equal(_np(mout), _np(tout))
    dm = (np.arange(20).reshape(4, 5) % 2).astype("float32")
    tout = tprune.LnStructured(2, n=1, dim=0).prune(torch.from_numpy(x),
                                                    default_mask=torch.from_numpy(dm))
    mout = prune.LnStructured(2, n=1, dim=0).prune(minitorch.from_numpy(x),
                                                   default_mask=minitorch.from_numpy(dm))
    np.testing.assert_array_equal(_np(mout), _np(tout))
    assert prune.Identity.PRUNING_TYPE == "unstructured"
    assert prune.LnStructured.PRUNING_TYPE == "structured"
    assert prune.CustomFromMask.PRUNING_TYPE == "global"
    with pytest.raises(TypeError):
        prune.BasePruningMethod()
    a, b = prune.L1Unstructured(0.1), prune.RandomUnstructured(0.1)
    a._tensor_name, b._tensor_name = "weight", "bias"
    c = prune.PruningContainer(a)
    assert c._tensor_name == "weight" and len(c) == 1 and c[0] is a
    with pytest.raises(ValueError, match="Can only add pruning methods acting on the "
                                         "parameter named 'weight'"):
        c.add_pruning_method(b)
    with pytest.raises(TypeError, match="is not a BasePruningMethod subclass"):
        c.add_pruning_method(object())


# ---------------------------------------------------------------------------- forward/grad
def test_forward_gradients_and_training_follow_torch():
    tm, mm = _pair("conv", seed=10)
    tprune.l1_unstructured(tm, "weight", 0.5)
    prune.l1_unstructured(mm, "weight", 0.5)
    tprune.random_unstructured(tm, "bias", 0)      # amount 0: a mask of ones
    prune.random_unstructured(mm, "bias", 0)
    x = np.random.default_rng(11).standard_normal((2, 4, 5, 5)).astype("float32")
    topt = torch.optim.SGD(tm.parameters(), lr=0.1)
    mopt = minitorch.optim.SGD(mm.parameters(), lr=0.1)
    for _ in range(2):
        ty = tm(torch.from_numpy(x))
        my = mm(minitorch.from_numpy(x))
        np.testing.assert_allclose(_np(my), _np(ty), rtol=1e-5, atol=1e-5)
        (ty ** 2).sum().backward()
        (my ** 2).sum().backward()
        np.testing.assert_allclose(_np(mm.weight_orig.grad), _np(tm.weight_orig.grad),
                                   rtol=1e-4, atol=1e-4)
        assert bool((mm.weight_orig.grad[mm.weight_mask == 0] == 0).all())
        assert mm.weight_mask.grad is None and not mm.weight_mask.requires_grad
        for opt in (topt, mopt):
            opt.step()
            opt.zero_grad()
    # the pre-hook recomputed weight from the trained weight_orig
    np.testing.assert_allclose(_np(mm.weight), _np(tm.weight), rtol=1e-5, atol=1e-6)


def test_state_dict_load_and_deepcopy():
    tm, mm = _pair("linear", seed=12)
    tprune.ln_structured(tm, "weight", 2, 2, 0)
    _, mm2 = _pair("linear", seed=13)
    prune.identity(mm2, "weight")
    mm2.load_state_dict({k: minitorch.from_numpy(_np(v).copy())
                         for k, v in tm.state_dict().items()})
    x = np.random.default_rng(14).standard_normal((3, 6)).astype("float32")
    np.testing.assert_allclose(_np(mm2(minitorch.from_numpy(x))),
                               _np(tm(torch.from_numpy(x))), rtol=1e-5, atol=1e-6)
    with pytest.raises(RuntimeError, match="graph leaves"):   # weight is mask * orig
        copy.deepcopy(mm2)
    with minitorch.no_grad():                                 # as in PyTorch: a no-grad
        mm2(minitorch.from_numpy(x))                          # forward makes it a leaf
    clone = copy.deepcopy(mm2)
    with minitorch.no_grad():
        clone.weight_orig.fill_(1.0)
    clone(minitorch.from_numpy(x))
    np.testing.assert_array_equal(_np(clone.weight), _np(clone.weight_mask))
    assert not bool((mm2.weight == clone.weight).all())


# ---------------------------------------------------------------------------- remove
def test_remove_and_is_pruned_like_torch():
    tm, mm = _pair("seq", seed=15)
    assert not prune.is_pruned(mm)
    for p, m in ((tprune, tm), (prune, mm)):
        p.l1_unstructured(m[0], "weight", 0.4)
        p.l1_unstructured(m[0], "weight", 2)
        p.custom_from_mask(m[2], "bias", m[2].bias.new_tensor([1.0, 0.0, 1.0]))
    assert prune.is_pruned(mm) and prune.is_pruned(mm[0]) and not prune.is_pruned(mm[1])
    orig = mm[0].weight_orig
    assert tprune.remove(tm[0], "weight") is tm[0]
    assert prune.remove(mm[0], "weight") is mm[0]
    _same_state(tm, mm)
    assert mm[0].weight is orig and isinstance(mm[0].weight, minitorch.nn.Parameter)
    assert len(mm[0]._forward_pre_hooks) == 0 and prune.is_pruned(mm)
    tprune.remove(tm[2], "bias")
    prune.remove(mm[2], "bias")
    _same_state(tm, mm)
    assert not prune.is_pruned(mm)
    # the weight keeps training from its pruned values (no more mask)
    assert "weight_orig" not in dict(mm[0].named_parameters())
    with pytest.raises(ValueError, match="Parameter 'weight' of module .* has to be pruned "
                                         "before pruning can be removed"):
        prune.remove(mm[0], "weight")


# ---------------------------------------------------------------------------- random
@pytest.mark.parametrize("amount", [0, 1, 0.3, 1.0])
def test_random_unstructured_counts(amount):
    _, mm = _pair("conv")
    prune.random_unstructured(mm, "weight", amount)
    n = mm.weight_orig.numel()
    k = amount if isinstance(amount, int) else round(amount * n)
    assert int((mm.weight_mask == 0).sum()) == k
    assert int((mm.weight == 0).sum()) == k
    before = mm.weight_mask.numpy().copy()
    prune.random_unstructured(mm, "weight", 0.5)          # half of what is left
    after = mm.weight_mask.numpy()
    assert int((after == 0).sum()) == k + round(0.5 * (n - k))
    assert not (after[before == 0]).any()                  # old zeros stay zero


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("amount", [2, 0.5])
def test_random_structured_prunes_whole_channels(amount, dim):
    _, mm = _pair("conv", seed=16)
    prune.random_structured(mm, "weight", amount, dim)
    mask = mm.weight_mask.numpy()
    nch = mask.shape[dim]
    k = amount if isinstance(amount, int) else round(amount * nch)
    other = tuple(d for d in range(mask.ndim) if d != dim % mask.ndim)
    per_channel = mask.sum(axis=other)
    assert set(np.unique(per_channel)) <= {0, mask.size // nch}
    assert int((per_channel == 0).sum()) == k
    # a second round only draws from the channels still alive
    prune.random_structured(mm, "weight", 1, dim)
    per_channel2 = mm.weight_mask.numpy().sum(axis=other)
    assert int((per_channel2 == 0).sum()) == k + 1
    assert not per_channel2[per_channel == 0].any()


# ---------------------------------------------------------------------------- custom method
class _EveryOther:
    """The torch tutorial's FooBarPruningMethod, written for either library."""

    @staticmethod
    def make(base):
        class EveryOther(base):
            PRUNING_TYPE = "unstructured"

            def compute_mask(self, t, default_mask):
                mask = default_mask.clone()
                mask.view(-1)[::2] = 0
                return mask
        return EveryOther


def test_user_defined_pruning_method():
    tm, mm = _pair("linear")
    tcls, mcls = _EveryOther.make(tprune.BasePruningMethod), \
        _EveryOther.make(prune.BasePruningMethod)
    tcls.apply(tm, "bias")
    mcls.apply(mm, "bias")
    _same_pruned(tm, mm, "bias")
    tprune.l1_unstructured(tm, "bias", 1)
    prune.l1_unstructured(mm, "bias", 1)
    _same_pruned(tm, mm, "bias")


# ---------------------------------------------------------------------------- errors
def _same_error(fn):
    """fn(lib, prune_module, module) raises the same exception type in both libraries, and
    the same message when it is prune's own (not printing a module, not from linalg)."""
    tm, mm = _pair("linear")
    with pytest.raises(Exception) as te:
        fn(torch, tprune, tm)
    with pytest.raises(Exception) as me:
        fn(minitorch, prune, mm)
    assert type(me.value) is type(te.value), (me.value, te.value)
    if not any(w in str(te.value) for w in ("Linear", "torch", "linalg")):
        assert str(me.value) == str(te.value)
    return tm, mm


@pytest.mark.parametrize("amount", [-1, 1.5, -0.1, "0.3", None, 31])
def test_bad_amounts(amount):
    tm, mm = _same_error(lambda lib, p, m: p.l1_unstructured(m, "weight", amount))
    # a failed first pruning is rolled back (31 > 30 fails only when computing the mask)
    assert [n for n, _ in mm.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert "weight" in mm._parameters and not hasattr(mm, "weight_mask")


@pytest.mark.parametrize("call", [
    lambda lib, p, m: p.random_structured(m, "bias", 1, 0),           # 1-d: no channels
    lambda lib, p, m: p.ln_structured(m, "bias", 1, 2, 0),
    lambda lib, p, m: p.ln_structured(m, "weight", 1, 2, 2),          # dim out of range
    lambda lib, p, m: p.random_structured(m, "weight", 1, 5),
    lambda lib, p, m: p.ln_structured(m, "weight", 6, 2, 0),          # 6 > 5 channels
    lambda lib, p, m: p.ln_structured(lib.nn.Conv2d(2, 3, 2), "weight", 1, "nuc", 0),
    lambda lib, p, m: p.ln_structured(lib.nn.Conv2d(2, 3, 2), "weight", 1, "fro", 0),
    lambda lib, p, m: p.ln_structured(m, "weight", 1, "bad", 0),
    lambda lib, p, m: p.l1_unstructured(m, "weight", 1, importance_scores=lib.ones(3)),
    lambda lib, p, m: p.custom_from_mask(m, "weight", lib.ones(3)),
    lambda lib, p, m: p.remove(m, "weight"),
    lambda lib, p, m: p.global_unstructured(5, p.L1Unstructured, amount=1),
    lambda lib, p, m: p.global_unstructured([(m, "weight")], p.L1Unstructured,
                                            importance_scores=[1], amount=1),
    lambda lib, p, m: p.global_unstructured([(m, "weight")], p.LnStructured, amount=1, n=2,
                                            dim=0),
    lambda lib, p, m: p.global_unstructured([(m, "weight")], p.L1Unstructured, amount=40),
], ids=["struct_1d", "ln_1d", "ln_dim", "rand_dim", "ln_too_many", "nuc_3_dims",
        "fro_3_dims", "bad_norm", "scores_shape",
        "mask_shape", "remove_unpruned", "global_not_iterable", "global_scores_not_dict",
        "global_structured", "global_too_many"])
def test_errors_match_torch(call):
    _same_error(call)
