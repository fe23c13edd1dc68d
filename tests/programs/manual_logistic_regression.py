"""The first lesson of many courses: logistic regression from scratch with tensors that
require grad, torch.sigmoid, a hand-written binary cross-entropy with torch.log and
clamping, the update under torch.no_grad() with w -= lr * w.grad and w.grad.zero_(),
then the same model as nn.Linear + nn.BCELoss with optim.SGD for comparison."""
import json

import numpy as np
import torch

COMPARE = {"manual_losses": ("rel", 1e-4), "module_losses": ("rel", 1e-4),
           "same_path": ("exact", None), "weights": ("rel", 1e-4), "acc": ("abs", 1e-6),
           "grad_none_after_zero": ("exact", None)}

np.random.seed(0)
n = 300
x_np = np.concatenate([np.random.randn(n // 2, 2) + [1.5, 1.5],
                       np.random.randn(n // 2, 2) - [1.5, 1.5]]).astype(np.float32)
y_np = np.concatenate([np.ones(n // 2), np.zeros(n // 2)]).astype(np.float32)
x = torch.tensor(x_np)
y = torch.tensor(y_np).view(-1, 1)

w = torch.zeros((2, 1), requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr = 0.5
manual = []
for epoch in range(100):
    y_hat = torch.sigmoid(x.mm(w) + b)
    eps = 1e-7
    loss = -(y * torch.log(y_hat.clamp(min=eps)) + (1 - y) * torch.log((1 - y_hat).clamp(min=eps))).mean()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
        w.grad.zero_()
        b.grad.zero_()
    manual.append(loss.item())
    if (epoch + 1) % 25 == 0:
        print(f"epoch: {epoch + 1}, loss = {loss.item():.4f}")

model = torch.nn.Linear(2, 1)
torch.nn.init.zeros_(model.weight)
torch.nn.init.zeros_(model.bias)
criterion = torch.nn.BCELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=lr)
module_losses = []
for epoch in range(100):
    loss = criterion(torch.sigmoid(model(x)), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    module_losses.append(loss.item())

with torch.no_grad():
    predicted = torch.sigmoid(x @ w + b).round()
    acc = predicted.eq(y).sum() / float(y.shape[0])
optimizer.zero_grad()
print(f"accuracy: {acc.item():.4f}")
print("RESULT " + json.dumps({
    "manual_losses": manual[::10], "module_losses": module_losses[::10],
    "same_path": bool(np.allclose(manual, module_losses, rtol=1e-4)),
    "weights": w.flatten().tolist() + b.tolist(), "acc": acc.item(),
    "grad_none_after_zero": [p.grad is None for p in model.parameters()]}))
