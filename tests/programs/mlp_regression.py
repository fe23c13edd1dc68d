"""A two-layer MLP fit to a noisy sine with DataLoader, MSELoss and Adam; weights start
from NumPy so both libraries follow the same trajectory."""
import json

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

COMPARE = {"first_loss": ("rel", 1e-4), "final_loss": ("rel", 0.02), "params": ("exact", None)}

rng = np.random.default_rng(0)
x = rng.uniform(-3, 3, size=(512, 1)).astype(np.float32)
y = (np.sin(x) + 0.1 * rng.standard_normal(x.shape)).astype(np.float32)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(1, 32)
        self.out = nn.Linear(32, 1)

    def forward(self, x):
        return self.out(torch.tanh(self.hidden(x)))


model = Net()
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.from_numpy(rng.standard_normal(tuple(p.shape)).astype(np.float32) * 0.5))

g = torch.Generator().manual_seed(0)
loader = DataLoader(TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=512,
                    shuffle=False)
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
loss_fn = nn.MSELoss()
losses = []
for epoch in range(150):
    for xb, yb in loader:
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        losses.append(loss.item())

n_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
print(f"final loss {losses[-1]:.4f}")
print("RESULT " + json.dumps({"first_loss": losses[0], "final_loss": losses[-1],
                              "params": n_params}))
