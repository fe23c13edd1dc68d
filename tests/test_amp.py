"""minitorch.amp: autocast (a warned no-op on the CPU; the CUDA policy exercised on NumPy
through a test switch) and GradScaler (against torch.amp.GradScaler("cpu") step by step;
disabled like PyTorch's for CUDA without a GPU)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import minitorch
from minitorch.amp import autocast_mode as am
from minitorch.autograd import function as _function

needs_no_gpu = pytest.mark.skipif(minitorch.cuda.is_available(), reason="a GPU is present")


@pytest.fixture
def lowering_on_cpu():
    """Run the CUDA autocast policy on NumPy arrays (float16 on the host)."""
    am._CPU_LOWERING = True
    yield
    am._CPU_LOWERING = False


# ---------------------------------------------------------------------------- autocast
def test_cpu_autocast_warns_once_and_changes_nothing():
    am._WARNED["cpu"] = False
    x = minitorch.randn(3, 3)
    with pytest.warns(UserWarning, match="autocast on the CPU is not implemented"):
        ctx = minitorch.autocast("cpu")
    with ctx:
        assert (x @ x).dtype is minitorch.float32
        assert not minitorch.is_autocast_enabled("cpu")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with minitorch.autocast("cpu", dtype=minitorch.bfloat16):
            pass
        with minitorch.cpu.amp.autocast():
            pass
    assert not _function._hooked


@needs_no_gpu
def test_cuda_autocast_without_a_gpu_is_disabled_as_torch():
    for make in (lambda: minitorch.autocast("cuda"), lambda: minitorch.amp.autocast("cuda"),
                 lambda: minitorch.cuda.amp.autocast()):
        with pytest.warns(UserWarning, match="CUDA is not available. Disabling autocast"):
            ctx = make()
        with ctx:
            assert minitorch.is_autocast_enabled() == torch.is_autocast_enabled()
            assert not minitorch.is_autocast_enabled("cuda")
    assert not _function._hooked


def test_autocast_argument_checks():
    with pytest.raises(RuntimeError, match="unsupported autocast device_type"):
        minitorch.autocast("mps")
    with pytest.raises(ValueError, match="device_type"):
        minitorch.autocast(0)
    assert minitorch.amp.is_autocast_available("cuda")
    assert not minitorch.amp.is_autocast_available("cpu")
    assert minitorch.get_autocast_dtype("cuda") is minitorch.float16
    assert minitorch.get_autocast_dtype("cpu").name == torch.get_autocast_dtype("cpu").__str__()[6:]


def test_autocast_policy_lowers_products_and_keeps_wrappers_consistent(lowering_on_cpu):
    """Wrappers without their own autocast line: the product runs in float16 and the result
    comes back as float32, so a whole model runs and trains."""
    minitorch.manual_seed(0)
    m1, m2 = minitorch.nn.Linear(4, 8), minitorch.nn.Linear(8, 3)
    x = minitorch.randn(5, 4)
    y = minitorch.tensor([0, 1, 2, 0, 1])
    with minitorch.autocast("cuda"):
        assert minitorch.is_autocast_enabled("cuda") and _function._hooked
        h = m1(x)
        assert h.grad_fn.name() == "CastBackward0"          # computed in float16, cast back
        assert h.grad_fn.next_functions[0][0].name() == "LinearBackward0"
        loss = minitorch.nn.functional.cross_entropy(m2(h.relu()), y)
    assert not _function._hooked and not minitorch.is_autocast_enabled("cuda")
    loss.backward()
    assert m1.weight.grad.dtype is minitorch.float32
    ref = (x @ m1.weight.T + m1.bias)
    half = (x.half() @ m1.weight.half().T + m1.bias.half()).float()
    np.testing.assert_allclose(h.detach().numpy(), half.detach().numpy(), rtol=2e-3, atol=2e-3)
    assert np.abs(h.detach().numpy() - ref.detach().numpy()).max() > 0  # really float16


def test_autocast_runs_range_sensitive_ops_in_float32(lowering_on_cpu):
    x = minitorch.randn(4).half()
    with minitorch.autocast("cuda"):
        assert minitorch.softmax(x, 0).dtype is minitorch.float32
        assert minitorch.log_softmax(x, 0).dtype is minitorch.float32
        assert (x * x).dtype is minitorch.float16               # in neither list
    assert minitorch.softmax(x, 0).dtype is minitorch.float16   # outside: as is


def test_lower_inputs_gives_pytorchs_float16_outputs(lowering_on_cpu):
    x = minitorch.randn(3, 4, requires_grad=True)
    w = minitorch.randn(4, 2)
    assert am.lower_inputs(x, w) == (x, w)                      # outside a region
    with minitorch.autocast("cuda"):
        a, b = am.lower_inputs(x, w)
        out = minitorch.matmul(a, b)
        assert a.dtype is b.dtype is out.dtype is minitorch.float16
        c, = am.fp32_inputs(out)
        assert c.dtype is minitorch.float32
    out.float().sum().backward()
    assert x.grad.dtype is minitorch.float32


def test_autocast_nesting_and_decorator(lowering_on_cpu):
    @minitorch.autocast("cuda")
    def inner():
        return minitorch.is_autocast_enabled("cuda")
    assert inner() is True and not minitorch.is_autocast_enabled("cuda")
    with minitorch.autocast("cuda"):
        with minitorch.autocast("cuda", enabled=False):
            x = minitorch.randn(2, 2)
            assert (x @ x).grad_fn is None and not _function._hooked
        assert _function._hooked
    assert not _function._hooked


# ---------------------------------------------------------------------------- GradScaler
def _model_pair():
    w = np.array([[0.5, -0.25], [1.0, 0.75]], dtype=np.float32)
    mw = minitorch.nn.Parameter(minitorch.tensor(w))
    tw = torch.nn.Parameter(torch.tensor(w))
    return mw, tw


def test_grad_scaler_cpu_matches_torch_step_by_step():
    mw, tw = _model_pair()
    mopt = minitorch.optim.SGD([mw], lr=0.1)
    topt = torch.optim.SGD([tw], lr=0.1)
    ms = minitorch.amp.GradScaler("cpu", init_scale=8.0, growth_interval=2)
    ts = torch.amp.GradScaler("cpu", init_scale=8.0, growth_interval=2)
    assert ms.is_enabled() == ts.is_enabled() is True
    x = np.array([[1.0, 2.0], [3.0, -1.0]], dtype=np.float32)
    for step in range(6):
        mopt.zero_grad()
        topt.zero_grad()
        ml = ms.scale((minitorch.tensor(x) @ mw).pow(2).sum())
        tl = ts.scale((torch.tensor(x) @ tw).pow(2).sum())
        np.testing.assert_allclose(ml.item(), tl.item(), rtol=1e-6)
        ml.backward()
        tl.backward()
        if step in (2, 3):   # an overflow: the step is skipped and the scale backs off
            mw.grad._data[0, 0] = np.inf if step == 2 else np.nan
            tw.grad.data[0, 0] = float("inf") if step == 2 else float("nan")
        if step % 2:
            ms.unscale_(mopt)
            ts.unscale_(topt)
            np.testing.assert_allclose(mw.grad.numpy(), tw.grad.numpy(), rtol=1e-6)
        assert (ms.step(mopt) is None) == (ts.step(topt) is None)
        ms.update()
        ts.update()
        assert ms.get_scale() == ts.get_scale(), step
        assert ms._get_growth_tracker() == int(ts._get_growth_tracker())
        np.testing.assert_allclose(mw.detach().numpy(), tw.detach().numpy(), rtol=1e-6)
    assert ms.state_dict() == {k: (v.item() if hasattr(v, "item") else v)
                               for k, v in ts.state_dict().items()}


def test_grad_scaler_state_dict_roundtrip_and_errors():
    mw, _ = _model_pair()
    opt = minitorch.optim.SGD([mw], lr=0.1)
    s = minitorch.amp.GradScaler("cpu")
    assert s.get_scale() == torch.amp.GradScaler("cpu").get_scale()
    with pytest.raises(RuntimeError, match="scale"):
        s.step(opt)
    s.scale(mw.sum()).backward()
    s.unscale_(opt)
    with pytest.raises(RuntimeError, match="already been called"):
        s.unscale_(opt)
    s.step(opt)
    with pytest.raises(RuntimeError, match="step\\(\\) has already been called"):
        s.step(opt)
    s.update(new_scale=4.0)
    assert s.get_scale() == 4.0
    other = minitorch.amp.GradScaler("cpu")
    other.load_state_dict(s.state_dict())
    assert other.state_dict() == s.state_dict()
    with pytest.raises(RuntimeError, match="empty"):
        other.load_state_dict({})
    scaled = s.scale([mw.sum(), {"a": mw.sum()}])
    assert scaled[1]["a"].item() == pytest.approx(4.0 * mw.sum().item())
    ts = torch.amp.GradScaler("cpu", init_scale=4.0)
    for make in (lambda L: L.ones(2, dtype=L.float16), lambda L: L.ones(2, dtype=L.float16).sum()):
        got, want = s.scale(make(minitorch)), ts.scale(make(torch))
        assert got.dtype.name == str(want.dtype)[6:]   # a 0-d scale never widens a 1-d output


@needs_no_gpu
def test_cuda_grad_scaler_without_a_gpu_is_disabled_as_torch():
    mw, _ = _model_pair()
    opt = minitorch.optim.SGD([mw], lr=0.1)
    for make in (lambda: minitorch.amp.GradScaler(), lambda: minitorch.amp.GradScaler("cuda"),
                 lambda: minitorch.cuda.amp.GradScaler()):
        with pytest.warns(UserWarning, match="CUDA is not available.  Disabling"):
            s = make()
        assert not s.is_enabled() and s.get_scale() == 1.0 and s.state_dict() == {}
        loss = (mw * 2).sum()
        assert s.scale(loss) is loss
        before = mw.detach().clone()
        loss.backward()
        s.unscale_(opt)
        s.step(opt)
        s.update()
        assert not np.allclose(mw.detach().numpy(), before.numpy())
        opt.zero_grad()


def test_grad_scaler_argument_checks():
    with pytest.raises(ValueError, match="growth factor"):
        minitorch.amp.GradScaler("cpu", growth_factor=0.5)
    with pytest.raises(ValueError, match="backoff factor"):
        minitorch.amp.GradScaler("cpu", backoff_factor=2.0)
    assert minitorch.amp.custom_fwd(lambda x: x)(3) == 3
    assert minitorch.amp.custom_fwd(device_type="cuda")(lambda x: x)(3) == 3
    assert minitorch.cuda.amp.custom_bwd(lambda x: x)(4) == 4
