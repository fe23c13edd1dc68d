"""The normalization layers against PyTorch on the same weights: GroupNorm,
InstanceNorm1d/2d/3d (affine, running statistics), BatchNorm3d, SyncBatchNorm (and
convert_sync_batchnorm), RMSNorm, LocalResponseNorm, CrossMapLRN2d; reprs, state_dict keys,
running-statistics updates, errors, and F.batch_norm / F.layer_norm edge cases."""
import warnings

import numpy as np
import pytest
import torch

import minitorch as mt

torch.set_num_threads(1)
RNG = np.random.default_rng(7)


def _np(t):
    return t.detach().numpy()


def _pair(name, *args, **kwargs):
    """The same layer in both libraries, minitorch's loaded with torch's (random) state."""
    t = getattr(torch.nn, name)(*args, **kwargs).double()
    for p in t.parameters():
        with torch.no_grad():
            p.copy_(torch.randn_like(p))
    m = getattr(mt.nn, name)(*args, **kwargs).double()
    m.load_state_dict(t.state_dict())
    return t, m


def _check_step(t, m, shape, train=True, tol=1e-10):
    """One forward/backward in both; outputs, input and parameter gradients, buffers."""
    t.train(train)
    m.train(train)
    x = RNG.standard_normal(shape)
    g = RNG.standard_normal(shape)
    xt = torch.tensor(x, requires_grad=True)
    xm = mt.tensor(x, requires_grad=True)
    yt, ym = t(xt), m(xm)
    np.testing.assert_allclose(_np(ym), _np(yt), rtol=tol, atol=tol)
    (yt * torch.tensor(g)).sum().backward()
    (ym * mt.tensor(g)).sum().backward()
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=tol, atol=tol)
    for (n, pt), pm in zip(t.named_parameters(), m.parameters()):
        np.testing.assert_allclose(pm.grad.numpy(), pt.grad.numpy(), rtol=tol, atol=tol,
                                   err_msg=n)
    for (n, bt), bm in zip(t.named_buffers(), m.buffers()):
        np.testing.assert_allclose(bm.numpy(), bt.numpy(), rtol=tol, atol=tol, err_msg=n)


# ------------------------------------------------------------------ layers
@pytest.mark.parametrize("name, args, kwargs, shape", [
    ("GroupNorm", (3, 6), {}, (2, 6, 4)),
    ("GroupNorm", (2, 4), {"affine": False}, (3, 4, 2, 3)),
    ("GroupNorm", (1, 3), {"eps": 1e-3}, (2, 3)),
    ("GroupNorm", (4, 4), {"bias": False}, (2, 4, 5)),
    ("InstanceNorm1d", (3,), {}, (2, 3, 5)),
    ("InstanceNorm1d", (3,), {"affine": True}, (2, 3, 5)),
    ("InstanceNorm1d", (3,), {"affine": True}, (3, 5)),
    ("InstanceNorm2d", (3,), {"affine": True, "track_running_stats": True}, (2, 3, 4, 4)),
    ("InstanceNorm2d", (2,), {"track_running_stats": True, "momentum": None}, (2, 2, 3, 3)),
    ("InstanceNorm3d", (2,), {"affine": True}, (2, 2, 3, 2, 2)),
    ("BatchNorm3d", (3,), {}, (2, 3, 2, 3, 2)),
    ("BatchNorm3d", (3,), {"momentum": None, "affine": False}, (2, 3, 2, 2, 2)),
    ("SyncBatchNorm", (3,), {}, (4, 3)),
    ("SyncBatchNorm", (3,), {}, (2, 3, 4, 2, 2)),
    ("RMSNorm", (4,), {}, (2, 3, 4)),
    ("RMSNorm", ([3, 4],), {"eps": 1e-3}, (2, 3, 4)),
    ("RMSNorm", (4,), {"elementwise_affine": False}, (5, 4)),
    ("LocalResponseNorm", (3,), {}, (2, 5, 4)),
    ("LocalResponseNorm", (2,), {"alpha": 0.1, "beta": 0.5, "k": 2.0}, (2, 4, 3, 3)),
    ("LayerNorm", ([3, 4],), {"bias": False}, (2, 3, 4)),
])
def test_layer_matches_torch(name, args, kwargs, shape):
    t, m = _pair(name, *args, **kwargs)
    assert repr(m) == repr(t)
    assert list(m.state_dict().keys()) == list(t.state_dict().keys())
    for _ in range(2):                                  # running statistics accumulate
        _check_step(t, m, shape, train=True)
    _check_step(t, m, shape, train=False)


def test_cross_map_lrn2d_forward_matches_torch():
    """PyTorch's CrossMapLRN2d forward (a Lua Torch running-sum window) is matched; its
    hand-written backward does not match its own forward (torch's gradcheck fails), so
    minitorch differentiates the forward instead: checked by finite differences."""
    for size, c in [(3, 6), (4, 5), (5, 3), (2, 8)]:
        t = torch.nn.CrossMapLRN2d(size, 0.1, 0.5, 1.5)
        m = mt.nn.CrossMapLRN2d(size, 0.1, 0.5, 1.5)
        x = RNG.standard_normal((2, c, 3, 2))
        np.testing.assert_allclose(_np(m(mt.tensor(x))), _np(t(torch.tensor(x))), rtol=1e-12)
    assert repr(m) == repr(t)
    xm = mt.tensor(RNG.standard_normal((1, 4, 2, 2)), requires_grad=True)
    assert mt.autograd.gradcheck(lambda a: mt.nn.CrossMapLRN2d(3, 0.2, 0.6, 1.0)(a), (xm,))
    with pytest.raises(ValueError, match="Expected input to be 4D"):
        mt.nn.CrossMapLRN2d(3)(mt.ones(2, 3, 4))


def test_instance_norm_running_stats_then_eval_matches_torch():
    t, m = _pair("InstanceNorm1d", 3, affine=True, track_running_stats=True, momentum=0.4)
    for _ in range(3):
        _check_step(t, m, (4, 3, 6), train=True)
    # PyTorch's instance norms never count batches
    assert int(m.num_batches_tracked.item()) == int(t.num_batches_tracked.item()) == 0
    _check_step(t, m, (2, 3, 6), train=False)          # normalizes with running stats


def test_instance_norm_size_mismatch_warns_or_raises_like_torch():
    with pytest.warns(UserWarning, match="does not match num_features"):
        mt.nn.InstanceNorm1d(3)(mt.randn(2, 4, 5))
    with pytest.raises(ValueError) as et:
        torch.nn.InstanceNorm1d(3, affine=True)(torch.randn(2, 4, 5))
    with pytest.raises(ValueError) as em:
        mt.nn.InstanceNorm1d(3, affine=True)(mt.randn(2, 4, 5))
    assert str(em.value) == str(et.value)


@pytest.mark.parametrize("make, shape", [
    (lambda lib: lib.nn.InstanceNorm1d(3), (2, 3, 4, 5)),
    (lambda lib: lib.nn.InstanceNorm2d(3), (2, 3)),
    (lambda lib: lib.nn.BatchNorm3d(3), (2, 3, 4, 5)),
    (lambda lib: lib.nn.SyncBatchNorm(3), (3,)),
    (lambda lib: lib.nn.GroupNorm(4, 6), None),
])
def test_layer_errors_match_torch(make, shape):
    with pytest.raises(ValueError) as et:
        mod = make(torch)
        mod(torch.randn(*shape))
    with pytest.raises(ValueError) as em:
        mod = make(mt)
        mod(mt.randn(*shape))
    assert str(em.value) == str(et.value)


def test_convert_sync_batchnorm_keeps_parameters_and_buffers():
    for lib in (torch, mt):
        model = lib.nn.Sequential(lib.nn.Conv2d(2, 3, 1), lib.nn.BatchNorm2d(3),
                                  lib.nn.Sequential(lib.nn.BatchNorm1d(4)))
        model[1](lib.randn(4, 3, 2, 2))                        # give it running stats
        w, rm = model[1].weight, model[1].running_mean
        out = lib.nn.SyncBatchNorm.convert_sync_batchnorm(model)
        assert type(out[1]).__name__ == "SyncBatchNorm"
        assert type(out[2][0]).__name__ == "SyncBatchNorm"
        assert out[1].weight is w and out[1].running_mean is rm
        assert int(out[1].num_batches_tracked.item()) == 1
        assert list(out.state_dict().keys()) == ["0.weight", "0.bias", "1.weight", "1.bias",
                                                 "1.running_mean", "1.running_var",
                                                 "1.num_batches_tracked", "2.0.weight",
                                                 "2.0.bias", "2.0.running_mean",
                                                 "2.0.running_var", "2.0.num_batches_tracked"]


def test_batchnorm_loads_checkpoint_without_num_batches_tracked_like_torch():
    """PyTorch treats a state_dict without version metadata as pre-0.4 and fills in
    num_batches_tracked; such checkpoints load strictly."""
    sd = {"weight": np.ones(3), "bias": np.zeros(3), "running_mean": np.full(3, 0.5),
          "running_var": np.full(3, 2.0)}
    for lib in (torch, mt):
        bn = lib.nn.BatchNorm1d(3).double()
        res = bn.load_state_dict({k: lib.tensor(v) for k, v in sd.items()})
        assert not res.missing_keys and not res.unexpected_keys
        assert float(bn.running_mean[0]) == 0.5
    # with version metadata of the current version, the key is missing as usual
    t = torch.nn.BatchNorm1d(3)
    full = t.state_dict()
    del full["num_batches_tracked"]
    with pytest.raises(RuntimeError, match="num_batches_tracked"):
        t.load_state_dict(full)
    m = mt.nn.BatchNorm1d(3)
    full = m.state_dict()
    del full["num_batches_tracked"]
    with pytest.raises(RuntimeError, match="num_batches_tracked"):
        m.load_state_dict(full)


def test_instance_norm_rejects_old_running_stats_like_torch():
    sd = {"running_mean": np.zeros(3), "running_var": np.ones(3)}
    errs = []
    for lib in (torch, mt):
        with pytest.raises(RuntimeError) as e:
            lib.nn.InstanceNorm1d(3).load_state_dict({k: lib.tensor(v) for k, v in sd.items()})
        errs.append(str(e.value))
    assert errs[0].replace("torch", "") == errs[1].replace("torch", "")


def test_float32_stays_float32():
    x = mt.randn(2, 4, 3)
    for mod in (mt.nn.GroupNorm(2, 4), mt.nn.InstanceNorm1d(4, affine=True),
                mt.nn.RMSNorm(3), mt.nn.LocalResponseNorm(2), mt.nn.SyncBatchNorm(4)):
        xr = x.detach().requires_grad_(True)
        y = mod(xr)
        y.sum().backward()
        assert y.dtype == mt.float32 and xr.grad.dtype == mt.float32
        for p in mod.parameters():
            assert p.grad.dtype == mt.float32


# ------------------------------------------------------------------ functional edge cases
@pytest.mark.parametrize("call", [
    lambda F, lib, x: F.group_norm(x, 4),
    lambda F, lib, x: F.group_norm(x[0, 0], 3),
    lambda F, lib, x: F.group_norm(x, 3, lib.ones(5, dtype=lib.float64)),
    lambda F, lib, x: F.instance_norm(x[:, :, :1]),
    lambda F, lib, x: F.instance_norm(x, lib.zeros(2, dtype=lib.float64)),
    lambda F, lib, x: F.instance_norm(x, use_input_stats=False),
    lambda F, lib, x: F.local_response_norm(x[0], 2),
    lambda F, lib, x: F.rms_norm(x, (3,)),
    lambda F, lib, x: F.rms_norm(x, [4], lib.ones(3, dtype=lib.float64)),
    lambda F, lib, x: F.layer_norm(x, [5]),
    lambda F, lib, x: F.layer_norm(x, [4], lib.ones(3, dtype=lib.float64)),
    lambda F, lib, x: F.batch_norm(x, None, None, training=False),
    lambda F, lib, x: F.batch_norm(x[:1, :, :1], None, None, training=True),
    lambda F, lib, x: F.batch_norm(x, lib.zeros(4, dtype=lib.float64),
                                   lib.ones(4, dtype=lib.float64)),
])
def test_functional_errors_match_torch(call):
    x = RNG.standard_normal((2, 6, 4))
    with pytest.raises(Exception) as et:
        call(torch.nn.functional, torch, torch.tensor(x))
    with pytest.raises(Exception) as em:
        call(mt.nn.functional, mt, mt.tensor(x))
    assert type(em.value) is type(et.value), (em.value, et.value)


def test_functional_values_match_torch_on_edge_inputs():
    F, G = mt.nn.functional, torch.nn.functional
    x = RNG.standard_normal((0, 6, 4))                      # empty batch
    assert tuple(F.group_norm(mt.tensor(x), 3).shape) == tuple(G.group_norm(torch.tensor(x),
                                                                          3).shape)
    x = RNG.standard_normal((2, 6))                         # no spatial dims
    np.testing.assert_allclose(_np(F.group_norm(mt.tensor(x), 3)),
                               _np(G.group_norm(torch.tensor(x), 3)), rtol=1e-12)
    x = RNG.standard_normal((3, 4)).astype(np.float32)      # rms_norm default eps per dtype
    np.testing.assert_allclose(_np(F.rms_norm(mt.tensor(x), [4])),
                               _np(G.rms_norm(torch.tensor(x), [4])), rtol=1e-6)
    x = RNG.standard_normal((3, 4)) * 1e-9
    np.testing.assert_allclose(_np(F.rms_norm(mt.tensor(x), [4])),
                               _np(G.rms_norm(torch.tensor(x), [4])), rtol=1e-10)
    x = RNG.standard_normal((2, 3, 4))
    np.testing.assert_allclose(_np(F.layer_norm(mt.tensor(x), mt.Size([3, 4]))),
                               _np(G.layer_norm(torch.tensor(x), torch.Size([3, 4]))),
                               rtol=1e-12)
    # batch_norm: momentum 0 and 1, and the running variance's n / (n - 1)
    for momentum in (0.0, 1.0, 0.25):
        rm_t, rv_t = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
        rm_m, rv_m = mt.zeros(3, dtype=mt.float64), mt.ones(3, dtype=mt.float64)
        G.batch_norm(torch.tensor(x), rm_t, rv_t, training=True, momentum=momentum)
        F.batch_norm(mt.tensor(x), rm_m, rv_m, training=True, momentum=momentum)
        np.testing.assert_allclose(rm_m.numpy(), rm_t.numpy(), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(rv_m.numpy(), rv_t.numpy(), rtol=1e-12)


def test_group_norm_double_backward_matches_torch():
    x = RNG.standard_normal((2, 4, 3))
    w = RNG.standard_normal(4)
    res = []
    for lib in (torch, mt):
        xt = lib.tensor(x, requires_grad=True)
        wt = lib.tensor(w, requires_grad=True)
        y = lib.nn.functional.group_norm(xt, 2, wt)
        (gx,) = lib.autograd.grad((y ** 3).sum(), xt, create_graph=True)
        (gx ** 2).sum().backward()
        res.append((xt.grad, wt.grad))
    for a, b in zip(*res):
        np.testing.assert_allclose(_np(b), _np(a), rtol=1e-9)


def test_module_warns_nothing_on_matching_input():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mt.nn.InstanceNorm2d(3)(mt.randn(2, 3, 4, 4))
