"""Whole CNNs built the same way in both frameworks, torch's weights loaded into minitorch:
LeNet-5, a small ResNet with basic blocks (conv-bn-relu-conv-bn + identity or downsample
shortcut) and an encoder-decoder with ConvTranspose2d and bilinear Upsample.

For each: forward output, the input gradient and every parameter gradient (by name) are
compared with a random upstream gradient, in float64 (tight) and float32; then a few
optimizer steps in train mode (BatchNorm running statistics move), and eval mode, with the
whole state_dict compared after every step.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch

_NEEDS = ("Conv2d", "ConvTranspose2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d")


def _require_layers():
    missing = [n for n in _NEEDS if not hasattr(minitorch.nn, n)]
    if missing:
        pytest.skip(f"needs nn.{', nn.'.join(missing)} (conv/pooling layers not built yet)")


# ------------------------------------------------------------------------ the models
def lenet(lib):
    """LeNet-5 on 1x32x32: 61,706 parameters."""
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.AvgPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))


def _basic_block_cls(lib):
    nn, F = lib.nn, lib.nn.functional

    class BasicBlock(nn.Module):
        def __init__(self, cin, cout, stride=1):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.downsample = None
            if stride != 1 or cin != cout:
                self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                                nn.BatchNorm2d(cout))

        def forward(self, x):
            identity = x if self.downsample is None else self.downsample(x)
            out = F.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            return F.relu(out + identity)
    return BasicBlock


def resnet(lib):
    nn = lib.nn
    block = _basic_block_cls(lib)
    return nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(),
        block(4, 4), block(4, 8, stride=2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 5))


def encoder_decoder(lib):
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
        nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
        nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False),
        nn.Conv2d(8, 3, 3, padding=1))


MODELS = {"lenet": (lenet, (1, 32, 32), 4), "resnet": (resnet, (3, 9, 9), 4),
          "encoder_decoder": (encoder_decoder, (3, 16, 16), 3)}
TOL = {"float64": (1e-8, 1e-10), "float32": (2e-4, 2e-5)}


def _pair(name, dtype):
    build = MODELS[name][0]
    torch.manual_seed(0)
    t = build(torch).to(getattr(torch, dtype))
    m = build(minitorch).to(getattr(minitorch, dtype))
    m.load_state_dict(t.state_dict())
    return m, t


def _close(a, b, dtype, what, scale=1.0):
    """allclose with atol relative to the largest value (sums of many float32 products
    cancel to values far below it)."""
    rtol, atol = TOL[dtype]
    big = max(1.0, float(np.max(np.abs(b)))) if b.size else 1.0
    np.testing.assert_allclose(a, b, rtol=rtol * scale, atol=atol * scale * big, err_msg=what)


def _step_and_compare(m, t, x, g, dtype, scale=1.0):
    """One forward/backward with the same x and upstream g; compare out, dx, every dparam."""
    mx = minitorch.tensor(x, requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    my, ty = m(mx), t(tx)
    assert tuple(my.shape) == tuple(ty.shape)
    assert my.dtype == getattr(minitorch, dtype)
    _close(my.detach().numpy(), ty.detach().numpy(), dtype, "output", scale)
    my.backward(minitorch.tensor(g))
    ty.backward(torch.tensor(g))
    _close(mx.grad.numpy(), tx.grad.numpy(), dtype, "input gradient", scale)
    tp = dict(t.named_parameters())
    names = [n for n, _ in m.named_parameters()]
    assert names == list(tp)
    for n, p in m.named_parameters():
        assert p.grad is not None, n
        assert p.grad.dtype == getattr(minitorch, dtype), n
        _close(p.grad.numpy(), tp[n].grad.numpy(), dtype, f"gradient of {n}", scale)


def _compare_state(m, t, dtype, scale=1.0):
    ts = t.state_dict()
    ms = m.state_dict()
    assert list(ms) == list(ts)
    for k, v in ts.items():
        _close(ms[k].numpy(), v.numpy(), dtype, f"state_dict[{k!r}]", scale)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", list(MODELS))
def test_model_matches_torch_train_and_eval(name, dtype):
    _require_layers()
    m, t = _pair(name, dtype)
    _, in_shape, batch = MODELS[name]
    rng = np.random.default_rng(0)
    mo = minitorch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
    to = torch.optim.SGD(t.parameters(), lr=0.01, momentum=0.9)
    # float32 differences grow a little with every update
    for step, mode in enumerate(("train", "train", "train", "eval", "train", "eval")):
        scale = 1.0 if dtype == "float64" else 1.0 + 2 * step
        m.train(mode == "train")
        t.train(mode == "train")
        x = rng.standard_normal((batch,) + in_shape).astype(dtype)
        out_shape = tuple(t(torch.tensor(x)).shape) if mode == "eval" else None
        if mode == "train":                    # (the probe above must not move the stats)
            with torch.no_grad():
                out_shape = tuple(t.eval()(torch.tensor(x)).shape)
            t.train()
        g = rng.standard_normal(out_shape).astype(dtype)
        mo.zero_grad()
        to.zero_grad()
        _step_and_compare(m, t, x, g, dtype, scale)
        if mode == "train":
            mo.step()
            to.step()
        _compare_state(m, t, dtype, scale)


@pytest.mark.parametrize("name", list(MODELS))
def test_model_cross_entropy_training_float32(name):
    """A few Adam steps on a real loss, float32 end to end."""
    _require_layers()
    m, t = _pair(name, "float32")
    _, in_shape, batch = MODELS[name]
    rng = np.random.default_rng(1)
    x = rng.standard_normal((batch,) + in_shape).astype(np.float32)
    mo = minitorch.optim.Adam(m.parameters(), lr=1e-3)
    to = torch.optim.Adam(t.parameters(), lr=1e-3)
    for step in range(3):
        mo.zero_grad()
        to.zero_grad()
        my, ty = m(minitorch.tensor(x)), t(torch.tensor(x))
        if name == "encoder_decoder":           # reconstruction
            ml = minitorch.nn.functional.mse_loss(my, minitorch.tensor(x))
            tl = torch.nn.functional.mse_loss(ty, torch.tensor(x))
        else:
            y = rng.integers(0, my.shape[1], batch)
            ml = minitorch.nn.functional.cross_entropy(my, minitorch.tensor(y))
            tl = torch.nn.functional.cross_entropy(ty, torch.tensor(y))
        assert ml.dtype == minitorch.float32
        np.testing.assert_allclose(ml.item(), tl.item(), rtol=1e-4 * (1 + step))
        ml.backward()
        tl.backward()
        mo.step()
        to.step()
    _compare_state(m, t, "float32", scale=20.0)


def test_resnet_block_shortcuts_and_keys():
    _require_layers()
    block = _basic_block_cls(minitorch)
    same, down = block(4, 4), block(4, 8, stride=2)
    assert same.downsample is None
    tblock = _basic_block_cls(torch)
    assert list(down.state_dict()) == list(tblock(4, 8, stride=2).state_dict())
    assert "downsample.1.running_var" in down.state_dict()
    x = minitorch.randn(2, 4, 7, 7)
    assert tuple(same(x).shape) == (2, 4, 7, 7)
    assert tuple(down(x).shape) == (2, 8, 4, 4)


def test_double_backward_gradient_penalty_through_lenet():
    """create_graph=True through conv, pooling and linear layers: the gradient of
    ||d out / d x||^2 with respect to the weights, as torch computes it."""
    _require_layers()
    m, t = _pair("lenet", "float64")
    x = np.random.default_rng(2).standard_normal((2, 1, 32, 32))
    grads = []
    for lib, model in ((minitorch, m), (torch, t)):
        xt = lib.tensor(x, requires_grad=True)
        out = model(xt).sum()
        (gx,) = lib.autograd.grad(out, xt, create_graph=True)
        penalty = (gx * gx).sum()
        penalty.backward()
        grads.append({n: None if p.grad is None else p.grad.numpy().copy()
                      for n, p in model.named_parameters()})
    # the biases only shift relu masks (piecewise constant): torch gives zeros or None
    # where minitorch gives None; a missing gradient counts as zeros
    assert grads[0]["0.weight"] is not None
    for n, g in grads[1].items():
        mine = grads[0][n]
        if g is None or mine is None:
            other = g if mine is None else mine
            assert other is None or not other.any(), n
            continue
        np.testing.assert_allclose(mine, g, rtol=1e-7, atol=1e-10, err_msg=n)


def test_lenet_summary_total_params():
    _require_layers()
    net = lenet(minitorch)
    s = minitorch.summary(net, (1, 32, 32))
    assert s.total_params == 61706
    assert s.total_params == sum(p.numel() for p in lenet(torch).parameters())
    assert s.rows[0].name == "Conv2d-1" and s.rows[0].output_shape == [-1, 6, 28, 28]
    assert s.rows[-1].output_shape == [-1, 10]
