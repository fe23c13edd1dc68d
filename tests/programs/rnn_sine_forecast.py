"""Time-series forecasting with nn.RNN and nn.LSTMCell: sliding windows built with
Tensor.unfold, truncated backpropagation through time with the hidden state carried
across chunks and .detach()ed, an explicit h0 from torch.zeros, gradient clipping, a
MultiStepLR, and an autoregressive rollout feeding predictions back as inputs."""
import json

import numpy as np
import torch
import torch.nn as nn

COMPARE = {"windows_shape": ("exact", None), "first_loss": ("rel", 1e-4),
           "final_loss": ("rel", 0.05), "rollout_mse": ("rel", 0.1),
           "cell_loss": ("rel", 0.02), "lr": ("rel", 1e-9)}

rng = np.random.default_rng(0)
t = torch.arange(0, 400, dtype=torch.float32) * 0.1
series = torch.sin(t) + 0.5 * torch.sin(0.3 * t) + 0.05 * torch.from_numpy(
    rng.standard_normal(400).astype(np.float32))
windows = series.unfold(0, 21, 1)                    # (380, 21)
inputs, targets = windows[:, :-1].unsqueeze(-1), windows[:, 1:].unsqueeze(-1)


class Forecaster(nn.Module):
    def __init__(self, hidden=24):
        super().__init__()
        self.hidden = hidden
        self.rnn = nn.RNN(1, hidden, num_layers=1, nonlinearity="tanh", batch_first=True)
        self.fc = nn.Linear(hidden, 1)

    def forward(self, x, h=None):
        if h is None:
            h = torch.zeros(1, x.size(0), self.hidden)
        out, h = self.rnn(x, h)
        return self.fc(out), h


def numpy_init(module):
    with torch.no_grad():
        for _, p in sorted(module.named_parameters()):
            p.copy_(torch.from_numpy(rng.uniform(-0.3, 0.3, p.shape).astype(np.float32)))


model = Forecaster()
numpy_init(model)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=[10, 20], gamma=0.5)
criterion = nn.MSELoss()
losses = []
stream = series[:-1].view(1, -1, 1)
stream_y = series[1:].view(1, -1, 1)
for epoch in range(25):
    h = None
    for start in range(0, stream.size(1), 50):           # truncated BPTT in chunks of 50
        x, y = stream[:, start:start + 50], stream_y[:, start:start + 50]
        if h is not None:
            h = h.detach()
        pred, h = model(x, h)
        loss = criterion(pred, y)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
    scheduler.step()
    losses.append(loss.item())

model.eval()
with torch.no_grad():
    _, h = model(stream[:, :300])
    x = stream[:, 299:300]
    preds = []
    for _ in range(30):
        y, h = model(x, h)
        preds.append(y.item())
        x = y
rollout_mse = ((torch.tensor(preds) - series[300:330]) ** 2).mean().item()

cell = nn.LSTMCell(1, 16)
head = nn.Linear(16, 1)
numpy_init(cell)
numpy_init(head)
opt = torch.optim.SGD(list(cell.parameters()) + list(head.parameters()), lr=0.1, momentum=0.9)
for it in range(15):
    hx, cx = torch.zeros(64, 16), torch.zeros(64, 16)
    outs = []
    for step in range(inputs.size(1)):
        hx, cx = cell(inputs[:64, step], (hx, cx))
        outs.append(head(hx))
    cell_loss = criterion(torch.stack(outs, dim=1), targets[:64])
    opt.zero_grad()
    cell_loss.backward()
    opt.step()
print(f"RNN loss {losses[0]:.4f} -> {losses[-1]:.4f}, rollout mse {rollout_mse:.4f}")
print("RESULT " + json.dumps({
    "windows_shape": list(windows.shape), "first_loss": losses[0], "final_loss": losses[-1],
    "rollout_mse": rollout_mse, "cell_loss": cell_loss.item(),
    "lr": optimizer.param_groups[0]["lr"]}))
