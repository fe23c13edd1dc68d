"""Second-order autograd as research code uses it: a WGAN-GP critic trained with a gradient
penalty from torch.autograd.grad(create_graph=True, retain_graph=True) on interpolates,
a Hessian-vector product by double backward, the exact Hessian of a small function row
by row, an input-gradient saliency map, and a MAML-style inner step whose outer loss
differentiates through the inner update."""
import json

import numpy as np
import torch
import torch.nn as nn

COMPARE = {"critic_first": ("rel", 1e-4), "critic_final": ("rel", 0.02),
           "gp_final": ("rel", 0.05), "hvp": ("rel", 1e-5), "hessian": ("rel", 1e-5),
           "saliency": ("rel", 1e-5), "maml_grad": ("rel", 1e-4), "allow_unused": ("exact", None)}

rng = np.random.default_rng(0)
critic = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 1))
with torch.no_grad():
    for _, p in sorted(critic.named_parameters()):
        p.copy_(torch.from_numpy(0.5 * rng.standard_normal(p.shape).astype(np.float32)))
opt = torch.optim.Adam(critic.parameters(), lr=1e-3, betas=(0.5, 0.9))
lambda_gp = 10.0


def gradient_penalty(critic, real, fake, alpha):
    interpolates = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    d_interpolates = critic(interpolates)
    gradients = torch.autograd.grad(outputs=d_interpolates, inputs=interpolates,
                                    grad_outputs=torch.ones_like(d_interpolates),
                                    create_graph=True, retain_graph=True, only_inputs=True)[0]
    return ((gradients.norm(2, dim=1) - 1) ** 2).mean()


losses, gps = [], []
for step in range(60):
    real = torch.from_numpy((rng.standard_normal((64, 2)) + [2, 0]).astype(np.float32))
    fake = torch.from_numpy(rng.standard_normal((64, 2)).astype(np.float32))
    alpha = torch.from_numpy(rng.random((64, 1)).astype(np.float32))
    gp = gradient_penalty(critic, real, fake, alpha)
    loss = critic(fake).mean() - critic(real).mean() + lambda_gp * gp
    opt.zero_grad()
    loss.backward()
    opt.step()
    losses.append(loss.item())
    gps.append(gp.item())

# Hessian-vector product of f(w) = sum(tanh(A w)^2) + 0.5 |w|^4
A = torch.from_numpy(rng.standard_normal((5, 3)))
w = torch.from_numpy(rng.standard_normal(3)).requires_grad_()
v = torch.tensor([1.0, -0.5, 2.0], dtype=torch.float64)
f = lambda w: torch.tanh(A @ w).pow(2).sum() + 0.5 * w.dot(w) ** 2
g, = torch.autograd.grad(f(w), w, create_graph=True)
hvp, = torch.autograd.grad(g, w, grad_outputs=v)
g2, = torch.autograd.grad(f(w), w, create_graph=True)
hessian = torch.stack([torch.autograd.grad(g2[i], w, retain_graph=True)[0] for i in range(3)])

x = torch.from_numpy(rng.standard_normal((1, 2)).astype(np.float32)).requires_grad_()
critic(x).sum().backward()
saliency = x.grad.abs().flatten().tolist()

# MAML: one inner SGD step on a linear model, outer loss on the adapted weights
w0 = torch.tensor([[0.5], [-0.3]], requires_grad=True)
xs = torch.from_numpy(rng.standard_normal((10, 2)).astype(np.float32))
ys = xs @ torch.tensor([[1.0], [2.0]])
inner_loss = ((xs @ w0 - ys) ** 2).mean()
grad_w, = torch.autograd.grad(inner_loss, w0, create_graph=True)
w_adapted = w0 - 0.1 * grad_w
outer_loss = ((xs @ w_adapted - ys) ** 2).mean()
outer_loss.backward()

unused = torch.ones(2, requires_grad=True)
res = torch.autograd.grad((w0 * 2).sum(), [w0, unused], allow_unused=True)
print(f"critic loss {losses[0]:.4f} -> {losses[-1]:.4f}, gp {gps[-1]:.4f}")
print("RESULT " + json.dumps({
    "critic_first": losses[0], "critic_final": sum(losses[-5:]) / 5, "gp_final": sum(gps[-5:]) / 5,
    "hvp": hvp.tolist(), "hessian": hessian.flatten().tolist(), "saliency": saliency,
    "maml_grad": w0.grad.flatten().tolist(), "allow_unused": [r is None for r in res]}))
