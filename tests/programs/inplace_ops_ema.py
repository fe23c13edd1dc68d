"""In-place idioms: a hand-written SGD-with-momentum step with p.add_(buf, alpha=-lr) under
torch.no_grad(), an exponential moving average of the weights with mul_().add_(),
clamp_ for weight clipping (WGAN style), sin_/exp_/sqrt_/pow_, addcmul_/addcdiv_/lerp_,
zero_/fill_/copy_/normal_ on slices, masked_fill_, the version counter error when a
saved tensor is modified in place, and in-place ops on leaf tensors that require grad."""
import copy
import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

COMPARE = {"first_loss": ("rel", 1e-5), "final_loss": ("rel", 1e-3), "ema_loss": ("rel", 1e-3),
           "clamped": ("exact", None), "chain": ("rel", 1e-6), "fused": ("rel", 1e-6),
           "slices": ("exact", None), "inplace_error": ("exact", None),
           "leaf_error": ("exact", None), "returns_self": ("exact", None)}

rng = np.random.default_rng(0)
X = torch.from_numpy(rng.standard_normal((256, 8)).astype(np.float32))
y = torch.from_numpy(rng.integers(0, 3, size=256))
model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 3))
with torch.no_grad():
    for _, p in sorted(model.named_parameters()):
        p.copy_(torch.from_numpy(0.3 * rng.standard_normal(p.shape).astype(np.float32)))
ema = copy.deepcopy(model)
for p in ema.parameters():
    p.requires_grad_(False)

lr, momentum, decay = 0.1, 0.9, 0.95
buffers = [torch.zeros_like(p) for p in model.parameters()]
losses = []
for step in range(100):
    loss = F.cross_entropy(model(X), y)
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for p, buf in zip(model.parameters(), buffers):
            buf.mul_(momentum).add_(p.grad)
            p.add_(buf, alpha=-lr)
        for p_ema, p in zip(ema.parameters(), model.parameters()):
            p_ema.mul_(decay).add_(p, alpha=1 - decay)
    losses.append(loss.item())
with torch.no_grad():
    ema_loss = F.cross_entropy(ema(X), y).item()

w = torch.linspace(-0.1, 0.1, 9)
w.clamp_(-0.05, 0.05)
clamped = [round(v, 6) for v in w.tolist()]

t = torch.linspace(0.1, 1.0, 5)
t.sin_().exp_().sqrt_().pow_(2).mul_(0.5).sub_(0.1).div_(2.0).neg_().abs_()
a = torch.ones(4)
a.addcmul_(torch.arange(4.0), torch.full((4,), 0.5), value=2.0)
a.addcdiv_(torch.ones(4), torch.arange(1.0, 5.0), value=-1.0)
a.lerp_(torch.zeros(4), 0.25)
s = torch.arange(6.0)
s.sqrt_().floor_()
s.masked_fill_(s > 1, -1.0)

grid = torch.ones(3, 4)
grid[0].zero_()
grid[:, 1].fill_(7)
grid[2, 2:].copy_(torch.tensor([8.0, 9.0]))
grid.t_()
grid.unsqueeze_(0)

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
z = x.exp()
z.add_(1)  # exp's output is saved for backward, so this must fail at backward time
try:
    z.sum().backward()
    inplace_error = "none"
except RuntimeError as e:
    inplace_error = "modified by an inplace operation" in str(e)
leaf = torch.zeros(3, requires_grad=True)
try:
    leaf.add_(1)
    leaf_error = "none"
except RuntimeError as e:
    leaf_error = "leaf Variable that requires grad" in str(e)
u = torch.zeros(2)
returns_self = [u.add_(1) is u, u.mul_(3) is u, u.clamp_(max=2.5) is u, u.tolist()]

print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f}, ema {ema_loss:.4f}")
print("RESULT " + json.dumps({
    "first_loss": losses[0], "final_loss": losses[-1], "ema_loss": ema_loss,
    "clamped": clamped, "chain": t.tolist(), "fused": a.tolist(),
    "slices": [grid.tolist(), list(grid.shape), s.tolist()],
    "inplace_error": inplace_error, "leaf_error": leaf_error, "returns_self": returns_self}))
