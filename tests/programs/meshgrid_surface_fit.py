"""Fit a 2-D function on a grid: torch.meshgrid with indexing="ij" and "xy",
torch.stack of the flattened coordinates, an MLP with Tanh trained full-batch with Adam
and a StepLR, and the fitted surface evaluated on a finer grid with torch.linspace;
also the analytic gradient field through autograd on the grid."""
import json
import math

import numpy as np
import torch
import torch.nn as nn

COMPARE = {"grid_shapes": ("exact", None), "xy_is_transpose": ("exact", None),
           "first_loss": ("rel", 1e-4), "final_loss": ("rel", 0.05),
           "fine_mse": ("rel", 0.05), "grad_err": ("abs", 1e-5), "cartesian": ("exact", None)}

xs = torch.linspace(-2, 2, 25)
ys = torch.linspace(-1, 1, 15)
X, Y = torch.meshgrid(xs, ys, indexing="ij")
Xxy, Yxy = torch.meshgrid(xs, ys, indexing="xy")
target = lambda x, y: torch.sin(x) * torch.cos(2 * y) + 0.1 * x * y
Z = target(X, Y)
inputs = torch.stack([X.flatten(), Y.flatten()], dim=1)
labels = Z.reshape(-1, 1)

rng = np.random.default_rng(0)
model = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(),
                      nn.Linear(32, 1))
with torch.no_grad():
    for name, p in sorted(model.named_parameters()):
        fan_in = p.shape[-1] if p.dim() > 1 else 1
        p.copy_(torch.from_numpy((rng.standard_normal(p.shape) / math.sqrt(fan_in))
                                 .astype(np.float32)))

optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=150, gamma=0.3)
loss_fn = nn.MSELoss()
losses = []
for it in range(300):
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), labels)
    loss.backward()
    optimizer.step()
    scheduler.step()
    losses.append(loss.item())
    if it % 100 == 0:
        print(f"iter {it:4d}  mse {loss.item():.5f}")

fx, fy = torch.meshgrid(torch.linspace(-2, 2, 41), torch.linspace(-1, 1, 21), indexing="ij")
with torch.no_grad():
    fine = model(torch.stack([fx.reshape(-1), fy.reshape(-1)], -1)).view(fx.shape)
fine_mse = ((fine - target(fx, fy)) ** 2).mean().item()

gx = X.clone().requires_grad_(True)
gy = Y.clone().requires_grad_(True)
target(gx, gy).sum().backward()
dzdx = torch.cos(X) * torch.cos(2 * Y) + 0.1 * Y
dzdy = -2 * torch.sin(X) * torch.sin(2 * Y) + 0.1 * X
grad_err = max((gx.grad - dzdx).abs().max().item(), (gy.grad - dzdy).abs().max().item())
cart = torch.cartesian_prod(torch.tensor([1, 2]), torch.tensor([3, 4, 5]))
print("RESULT " + json.dumps({
    "grid_shapes": [list(X.shape), list(Xxy.shape)],
    "xy_is_transpose": bool(torch.equal(Xxy, X.T) and torch.equal(Yxy, Y.T)),
    "first_loss": losses[0], "final_loss": losses[-1], "fine_mse": fine_mse,
    "grad_err": grad_err, "cartesian": cart.tolist()}))
