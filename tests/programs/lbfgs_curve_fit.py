"""Full-batch fits with torch.optim.LBFGS and a closure: a damped oscillation
a * exp(-b t) * cos(w t + phi) with a strong-Wolfe line search, and an L2-regularised
logistic regression with the default (no line search) LBFGS, as scientific scripts do."""
import json

import numpy as np
import torch

COMPARE = {"curve_loss": ("abs", 1e-4), "curve_params": ("abs", 2e-3),
           "logreg_loss": ("rel", 1e-3), "logreg_acc": ("abs", 0.01),
           "n_evals": ("abs", 6)}

rng = np.random.default_rng(0)
t = torch.linspace(0, 6, 200, dtype=torch.float64)
true = dict(a=1.5, b=0.4, w=2.0, phi=0.3)
y = true["a"] * torch.exp(-true["b"] * t) * torch.cos(true["w"] * t + true["phi"])
y = y + torch.from_numpy(0.02 * rng.standard_normal(200))

params = torch.tensor([1.0, 0.3, 1.8, 0.0], dtype=torch.float64, requires_grad=True)
optimizer = torch.optim.LBFGS([params], lr=1, max_iter=100, history_size=10,
                              tolerance_grad=1e-10, tolerance_change=1e-12,
                              line_search_fn="strong_wolfe")
n_evals = 0


def closure():
    global n_evals
    n_evals += 1
    optimizer.zero_grad()
    a, b, w, phi = params
    pred = a * torch.exp(-b * t) * torch.cos(w * t + phi)
    loss = torch.mean((pred - y) ** 2)
    loss.backward()
    return loss


for _ in range(3):
    curve_loss = optimizer.step(closure)
print("fitted", [f"{v:.3f}" for v in params.tolist()], f"mse {curve_loss.item():.2e}")

# logistic regression, float32, default LBFGS settings
X = torch.from_numpy(rng.standard_normal((300, 5)).astype(np.float32))
w_true = torch.tensor([1.0, -2.0, 0.5, 0.0, 1.5])
labels = (X @ w_true + 0.5 * torch.from_numpy(rng.standard_normal(300).astype(np.float32)) > 0).float()
model = torch.nn.Linear(5, 1)
with torch.no_grad():
    model.weight.zero_()
    model.bias.zero_()
opt = torch.optim.LBFGS(model.parameters(), lr=0.5, max_iter=20)
loss_fn = torch.nn.BCEWithLogitsLoss()


def logreg_closure():
    opt.zero_grad()
    out = model(X).squeeze(1)
    loss = loss_fn(out, labels) + 1e-3 * model.weight.pow(2).sum()
    loss.backward()
    return loss


for epoch in range(5):
    loss = opt.step(logreg_closure)
with torch.no_grad():
    acc = ((model(X).squeeze(1) > 0).float() == labels).float().mean().item()
print(f"logistic regression: loss {loss.item():.4f} acc {acc:.3f}")
print("RESULT " + json.dumps({"curve_loss": curve_loss.item(), "curve_params": params.tolist(),
                              "logreg_loss": logreg_closure().item(), "logreg_acc": acc,
                              "n_evals": n_evals}))
