"""The regularization tools: nn.utils.l1_penalty (value and gradient against the torch
expression) and optim.EarlyStopping (patience, min_delta, mode, best-weight restoring)."""
import copy

import numpy as np
import pytest
import torch

import minitorch
from minitorch import nn, optim
from minitorch.nn.utils import l1_penalty


class TwoLayer(nn.Module):
    """A small model from Parameters and matmul (enough for these tests)."""

    def __init__(self, arrays=None):
        super().__init__()
        r = np.random.default_rng(1)
        a = arrays or dict(w1=r.standard_normal((3, 4)), b1=r.standard_normal(4),
                           w2=r.standard_normal((4, 2)))
        self.w1 = nn.Parameter(minitorch.from_numpy(a["w1"].astype(np.float32)))
        self.b1 = nn.Parameter(minitorch.from_numpy(a["b1"].astype(np.float32)))
        self.w2 = nn.Parameter(minitorch.from_numpy(a["w2"].astype(np.float32)))

    def forward(self, x):
        return (x @ self.w1 + self.b1).tanh() @ self.w2


# ---------------------------------------------------------------------------- l1_penalty
def arrays(seed=0):
    r = np.random.default_rng(seed)
    out = [r.standard_normal((4, 3)), r.standard_normal(5), r.standard_normal((2, 3, 2))]
    out[0][1, 2] = 0.0                 # an exact zero: the subgradient there is 0, as torch
    return out


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("weight", [1.0, 0.01, 3])
def test_l1_penalty_value_and_gradient_match_torch(dtype, weight):
    arrs = [a.astype(dtype) for a in arrays()]
    pt = [torch.tensor(a, requires_grad=True) for a in arrs]
    pm = [nn.Parameter(minitorch.from_numpy(a.copy())) for a in arrs]
    upstream = 0.7
    ref = weight * sum(p.abs().sum() for p in pt)
    (ref * upstream).backward()
    out = l1_penalty(pm, weight=weight)
    (out * upstream).backward()
    tol = dict(rtol=1e-12, atol=0) if dtype == "float64" else dict(rtol=1e-5, atol=1e-6)
    assert out.dtype == getattr(minitorch, dtype) and out.shape == ()
    np.testing.assert_allclose(out.item(), ref.item(), **tol)
    for a, b in zip(pm, pt):
        assert a.grad.dtype == a.dtype
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), **tol)
    assert pm[0].grad.numpy()[1, 2] == 0.0


def test_l1_penalty_gradcheck():
    from minitorch.autograd import gradcheck, gradgradcheck
    r = np.random.default_rng(2)
    # values kept away from the kink at 0, where finite differences are meaningless
    xs = [minitorch.from_numpy(np.sign(a) * (0.2 + np.abs(a))).requires_grad_()
          for a in (r.standard_normal((3, 4)), r.standard_normal(5))]
    assert gradcheck(lambda a, b: l1_penalty([a, b], weight=0.3), xs)
    assert gradgradcheck(lambda a, b: l1_penalty([a, b], weight=0.3), xs)


def test_l1_penalty_on_a_module_and_a_tensor():
    model = TwoLayer()
    expected = sum(np.abs(p.detach().numpy()).sum() for p in model.parameters())
    out = l1_penalty(model)
    assert out.dtype == minitorch.float32
    np.testing.assert_allclose(out.item(), expected, rtol=1e-6)
    np.testing.assert_allclose(l1_penalty(model, weight=0.5).item(), expected / 2, rtol=1e-6)
    w = model.w1
    np.testing.assert_allclose(l1_penalty(w).item(), np.abs(w.detach().numpy()).sum(),
                               rtol=1e-6)
    # used as in the course: added to the loss, it pulls every weight toward 0
    x = minitorch.randn(8, 3)
    loss = (model(x) ** 2).mean() + l1_penalty(model, weight=1e-2)
    loss.backward()
    assert all(p.grad is not None for p in model.parameters())


def test_l1_penalty_shrinks_weights_to_exact_zero_with_sgd():
    """With only the penalty, SGD moves each weight by lr*weight per step toward 0."""
    p = nn.Parameter(minitorch.tensor([0.5, -0.25, 0.0]))
    opt = optim.SGD([p], lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        l1_penalty([p], weight=0.5).backward()
        opt.step()
    np.testing.assert_allclose(p.detach().numpy(), [0.35, -0.1, 0.0], rtol=1e-6)


def test_l1_penalty_errors_and_empty():
    assert l1_penalty([]).item() == 0.0
    with pytest.raises(TypeError, match="l1_penalty\\(\\).*not a Tensor"):
        l1_penalty([np.ones(3)])
    with pytest.raises(TypeError, match="l1_penalty\\(\\): parameters must be"):
        l1_penalty(3.0)
    with pytest.raises(TypeError, match="floating point"):
        l1_penalty([minitorch.tensor([1, 2])])
    with pytest.raises(TypeError, match="weight must be a number"):
        l1_penalty([minitorch.ones(2)], weight="0.1")


# ---------------------------------------------------------------------------- EarlyStopping
def test_stops_after_patience_epochs_without_improvement():
    es = optim.EarlyStopping(patience=3)
    losses = [1.0, 0.8, 0.7, 0.75, 0.71, 0.7, 0.9]
    stops = [es.step(v) for v in losses]
    # 0.7 at epoch 2 is the best; epochs 3, 4, 5 do not beat it (0.7 == 0.7 is no gain)
    assert stops == [False, False, False, False, False, True, True]
    assert es.best_score == 0.7 and es.best_epoch == 2
    assert es.stopped_epoch == 5 and es.should_stop
    assert es.counter == 3                # frozen once stopped


def test_counter_resets_on_improvement():
    es = optim.EarlyStopping(patience=2)
    out = []
    for v in [5.0, 6.0, 4.0, 4.5, 3.0, 3.5, 3.6, 1.0]:
        out.append((es.step(v), es.counter))
    assert out[:6] == [(False, 0), (False, 1), (False, 0), (False, 1), (False, 0), (False, 1)]
    assert out[6] == (True, 2)
    assert out[7] == (True, 2)            # after the stop, a better metric changes nothing
    assert es.best_epoch == 4 and es.best_score == 3.0


def test_min_delta_is_the_smallest_improvement_that_counts():
    es = optim.EarlyStopping(patience=2, min_delta=0.1)
    assert not es.step(1.0)
    assert not es.step(0.95)          # better, but by less than min_delta
    assert es.counter == 1 and es.best_score == 1.0
    assert not es.step(0.85)          # beats 1.0 - 0.1
    assert es.counter == 0 and es.best_score == 0.85 and es.best_epoch == 2
    assert not es.step(0.8)
    assert es.step(0.76)              # two epochs without a 0.1 gain
    assert es.stopped_epoch == 4


def test_max_mode():
    es = optim.EarlyStopping(patience=1, mode="max", min_delta=0.01)
    assert not es.step(0.5)
    assert not es.step(0.7)
    assert es.step(0.705)             # +0.005 < min_delta
    assert es.best_score == 0.7 and es.best_epoch == 1


def test_patience_zero_and_nan_and_tensor_metrics():
    es = optim.EarlyStopping(patience=0)
    assert not es.step(minitorch.tensor(1.0))
    assert es.step(minitorch.tensor(1.5))
    es = optim.EarlyStopping(patience=2)
    es.step(1.0)
    assert not es.step(float("nan"))
    assert es.step(float("nan"))      # NaN never improves
    assert es.best_score == 1.0


def _weights(model):
    return {k: v.numpy().copy() for k, v in model.state_dict().items()}


def test_restores_best_weights_when_it_stops():
    model = TwoLayer()
    es = optim.EarlyStopping(patience=2)
    best = None
    for epoch, loss in enumerate([1.0, 0.5, 0.6, 0.7]):
        with minitorch.no_grad():
            for p in model.parameters():
                p.add_(0.1 * (epoch + 1))     # "training" changes the weights
        if epoch == 1:
            best = _weights(model)
        stop = es.step(loss, model)
    assert stop and es.best_epoch == 1
    now = _weights(model)
    for k in best:
        np.testing.assert_array_equal(now[k], best[k])
    # the kept copy is a copy: later changes to the model do not reach it
    with minitorch.no_grad():
        model.w1.mul_(0.0)
    es.restore(model)
    np.testing.assert_array_equal(model.w1.detach().numpy(), best["w1"])


def test_keeps_last_weights_without_restore_best_weights():
    model = TwoLayer()
    es = optim.EarlyStopping(patience=1, restore_best_weights=False)
    es.step(1.0, model)
    with minitorch.no_grad():
        model.w1.add_(1.0)
    last = _weights(model)
    assert es.step(2.0, model)
    np.testing.assert_array_equal(model.w1.detach().numpy(), last["w1"])
    with pytest.raises(RuntimeError, match="no weights kept"):
        es.restore(model)


def test_early_stopping_in_a_training_loop():
    """Train on noise-free data while 'validating' on data that disagrees: the validation
    loss goes down, then up; training stops and the best weights come back."""
    rng = np.random.default_rng(0)
    Xtr = minitorch.from_numpy(rng.standard_normal((32, 3)).astype(np.float32))
    Ytr = minitorch.from_numpy(rng.standard_normal((32, 2)).astype(np.float32))
    Xva = minitorch.from_numpy(rng.standard_normal((32, 3)).astype(np.float32))
    Yva = minitorch.from_numpy(rng.standard_normal((32, 2)).astype(np.float32))
    model = TwoLayer()
    opt = optim.Adam(model.parameters(), lr=0.05)
    es = optim.EarlyStopping(patience=4, min_delta=1e-4)
    history, snapshots = [], []
    for epoch in range(200):
        opt.zero_grad()
        ((model(Xtr) - Ytr) ** 2).mean().backward()
        opt.step()
        with minitorch.no_grad():
            val = ((model(Xva) - Yva) ** 2).mean().item()
        history.append(val)
        snapshots.append(_weights(model))
        if es.step(val, model):
            break
    assert es.should_stop and epoch < 199
    assert es.best_epoch == int(np.argmin(history))
    assert epoch - es.best_epoch == 4
    for k, v in _weights(model).items():
        np.testing.assert_array_equal(v, snapshots[es.best_epoch][k])


def test_state_dict_resumes_and_reset():
    model = TwoLayer()
    es = optim.EarlyStopping(patience=3)
    for v in [1.0, 0.9, 0.95]:
        es.step(v, model)
    sd = copy.deepcopy(es.state_dict())
    es2 = optim.EarlyStopping(patience=3)
    es2.load_state_dict(sd)
    assert (es2.best_score, es2.best_epoch, es2.counter, es2.epoch) == (0.9, 1, 1, 3)
    assert not es2.step(0.99, model)
    assert es2.step(0.99, model)
    es2.reset()
    assert es2.best_score is None and es2.counter == 0 and not es2.should_stop


def test_early_stopping_validates_arguments():
    with pytest.raises(ValueError, match="patience"):
        optim.EarlyStopping(patience=-1)
    with pytest.raises(ValueError, match="min_delta"):
        optim.EarlyStopping(min_delta=-0.1)
    with pytest.raises(ValueError, match="mode"):
        optim.EarlyStopping(mode="lowest")
    es = optim.EarlyStopping()
    with pytest.raises(TypeError, match="metric must be a number"):
        es.step("low")
    with pytest.raises(TypeError, match="model must be an nn.Module"):
        es.step(1.0, model=[1, 2])
    assert "EarlyStopping(patience=5" in repr(es)
    assert optim.EarlyStopping.__doc__ and "Example" in optim.EarlyStopping.__doc__
