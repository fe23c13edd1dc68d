"""1-D convolutional classifier for waveforms (sine, square, sawtooth, noise): Conv1d
with padding="same" and dilation, GroupNorm, GELU, AvgPool1d and AdaptiveMaxPool1d,
Flatten, class weights in CrossEntropyLoss, RMSprop, a confusion matrix from bincount,
and F.conv1d/F.pad used directly for a moving-average filter."""
import json
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

COMPARE = {"first_loss": ("rel", 1e-4), "final_loss": ("rel", 0.03), "acc": ("abs", 0.03),
           "confusion_total": ("exact", None), "smoothed": ("rel", 1e-5),
           "out_shapes": ("exact", None)}

rng = np.random.default_rng(0)
L = 64


def make_waves(n):
    labels = rng.integers(0, 4, size=n)
    t = np.linspace(0, 1, L)
    waves = np.empty((n, 1, L), dtype=np.float32)
    for i, lab in enumerate(labels):
        f, ph = rng.uniform(2, 5), rng.uniform(0, 2 * math.pi)
        s = np.sin(2 * math.pi * f * t + ph)
        if lab == 1:
            s = np.sign(s)
        elif lab == 2:
            s = 2 * ((f * t + ph / (2 * math.pi)) % 1) - 1
        elif lab == 3:
            s = rng.standard_normal(L) * 0.7
        waves[i, 0] = s + 0.2 * rng.standard_normal(L)
    return torch.from_numpy(waves), torch.from_numpy(labels)


model = nn.Sequential(
    nn.Conv1d(1, 8, kernel_size=5, padding="same"), nn.GroupNorm(2, 8), nn.GELU(),
    nn.AvgPool1d(2),
    nn.Conv1d(8, 16, kernel_size=3, dilation=2, padding=2), nn.GroupNorm(4, 16), nn.GELU(),
    nn.AdaptiveMaxPool1d(4), nn.Flatten(), nn.Linear(64, 4))
with torch.no_grad():
    for name, p in sorted(model.named_parameters()):
        if p.dim() > 1:
            fan_in = p[0].numel()
            p.copy_(torch.from_numpy((rng.standard_normal(p.shape) / math.sqrt(fan_in)).astype(np.float32)))
        elif name.endswith("bias"):
            p.zero_()

class_weights = torch.tensor([1.0, 1.0, 1.5, 0.5])
criterion = nn.CrossEntropyLoss(weight=class_weights)
optimizer = torch.optim.RMSprop(model.parameters(), lr=3e-3, alpha=0.9)
losses = []
for step in range(40):
    xb, yb = make_waves(64)
    loss = criterion(model(xb), yb)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())

xt, yt = make_waves(400)
model.eval()
with torch.no_grad():
    pred = model(xt).argmax(1)
acc = (pred == yt).float().mean().item()
confusion = torch.bincount(yt * 4 + pred, minlength=16).view(4, 4)

signal = torch.arange(10.0).view(1, 1, -1) ** 2 / 10
kernel = torch.full((1, 1, 3), 1 / 3)
smoothed = F.conv1d(F.pad(signal, (1, 1), mode="replicate"), kernel)
shapes = [list(m(torch.zeros(2, 1, L)).shape) for m in (model[:1], model[:4], model[:8])]
print(f"loss {losses[0]:.3f} -> {losses[-1]:.3f}, test accuracy {acc:.3f}")
print(confusion)
print("RESULT " + json.dumps({
    "first_loss": losses[0], "final_loss": sum(losses[-5:]) / 5, "acc": acc,
    "confusion_total": int(confusion.sum()), "smoothed": smoothed.flatten().tolist(),
    "out_shapes": shapes}))
