"""The boilerplate at the top of most training scripts: a device chosen with
torch.cuda.is_available() (and the MPS check), seeding with torch.manual_seed /
torch.cuda.manual_seed_all / np.random.seed, cudnn flags, .to(device) for model and
batches (non_blocking=True, pin_memory), mixed precision written the portable way
(torch.autocast(device_type=..., enabled=use_amp) and torch.cuda.amp.GradScaler(enabled=...)),
and progress printed with f-string format specs on tensors."""
import json
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

COMPARE = {"device": ("exact", None), "first_loss": ("rel", 1e-4), "final_loss": ("rel", 0.02),
           "formatted": ("exact", None), "scale": ("exact", None), "cpu_flags": ("exact", None),
           "acc": ("abs", 0.02)}

SEED = 42
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)
if torch.cuda.is_available():
    torch.cuda.manual_seed_all(SEED)
torch.backends.cudnn.deterministic = True
torch.backends.cudnn.benchmark = False

if torch.cuda.is_available():
    device = torch.device("cuda")
elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
    device = torch.device("mps")
else:
    device = torch.device("cpu")
use_amp = device.type == "cuda"
torch.set_default_device(device)
torch.backends.cuda.matmul.allow_tf32 = True  # allow tf32 on matmul
torch.backends.cudnn.allow_tf32 = True
torch.set_float32_matmul_precision("high")

X = np.random.randn(512, 20).astype(np.float32)
w_true = np.random.randn(20).astype(np.float32)
y = (X @ w_true > 0).astype(np.int64)
dataset = TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
loader = DataLoader(dataset, batch_size=128, shuffle=False,
                    pin_memory=torch.cuda.is_available(), num_workers=0)

model = nn.Sequential(nn.Linear(20, 64), nn.GELU(), nn.LayerNorm(64), nn.Linear(64, 2))
with torch.no_grad():
    for m in model.modules():
        if isinstance(m, nn.Linear):
            m.weight.copy_(torch.from_numpy((0.2 * np.random.randn(*m.weight.shape)).astype(np.float32)))
            m.bias.zero_()
model = model.to(device)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
scaler = torch.cuda.amp.GradScaler(enabled=use_amp)
new_style_scaler = torch.amp.GradScaler(device.type, enabled=use_amp)
criterion = nn.CrossEntropyLoss()

losses = []
for epoch in range(10):
    model.train()
    for xb, yb in loader:
        xb, yb = xb.to(device, non_blocking=True), yb.to(device, non_blocking=True)
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast(device_type=device.type, dtype=torch.float16, enabled=use_amp):
            logits = model(xb)
            loss = criterion(logits, yb)
        scaler.scale(loss).backward()
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        scaler.step(optimizer)
        scaler.update()
        losses.append(loss.item())
    if epoch % 3 == 0:
        print(f"Epoch [{epoch + 1}/10], Loss: {loss:.4f}, lr {optimizer.param_groups[0]['lr']:.1e}")

model.eval()
correct = 0
with torch.no_grad():
    for xb, yb in loader:
        preds = model(xb.to(device)).argmax(dim=1)
        correct += (preds == yb.to(device)).sum().item()
acc = correct / len(dataset)
t = torch.tensor(3.14159)
formatted = [f"{t:.2f}", f"{t.item():.3f}", "{:.1f}".format(torch.tensor(2.25)),
             f"{torch.tensor(7):d}", f"{torch.tensor(1e-5):.1e}", f"{loss.item():.0f}",
             str(device), device.type, str(torch.device("cpu", 0) if False else torch.device("cpu"))]
cpu_model_param = next(model.parameters())
cpu_flags = [cpu_model_param.is_cuda, cpu_model_param.device.type, xb.is_pinned() if use_amp else False,
             torch.cuda.device_count() if not torch.cuda.is_available() else 0,
             new_style_scaler.is_enabled(), torch.get_float32_matmul_precision(),
             torch.zeros(1).device.type]
print(f"accuracy {100 * acc:.1f}%")
print("RESULT " + json.dumps({"device": device.type, "first_loss": losses[0],
                              "final_loss": losses[-1], "formatted": formatted,
                              "scale": scaler.get_scale() if use_amp else 1.0,
                              "cpu_flags": cpu_flags, "acc": acc}))
