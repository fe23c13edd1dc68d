"""A dense autoencoder on synthetic 8x8 "glyph" images (values in [0, 1]): an encoder and a
decoder as nn.Sequential, Sigmoid output with nn.BCELoss, Adam with a ReduceLROnPlateau
on the epoch loss, DataLoader over a TensorDataset, the latent codes of a batch, and a
denoising variant fed with Gaussian-corrupted inputs clamped back to [0, 1]."""
import json

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

COMPARE = {"first_epoch": ("rel", 1e-4), "final_epoch": ("rel", 0.02),
           "denoise_final": ("rel", 0.03), "latent_shape": ("exact", None),
           "recon_mse": ("rel", 0.05), "lrs": ("rel", 1e-6)}

rng = np.random.default_rng(0)
base = np.zeros((4, 8, 8), dtype=np.float32)
base[0, 1:7, 3:5] = 1          # |
base[1, 3:5, 1:7] = 1          # -
base[2][np.eye(8, dtype=bool)] = 1   # \
base[3, 1:7, 1:7] = 1
base[3, 2:6, 2:6] = 0          # ring
idx = rng.integers(0, 4, size=400)
images = np.clip(base[idx] + 0.1 * rng.standard_normal((400, 8, 8)), 0, 1).astype(np.float32)
data = torch.from_numpy(images).view(-1, 64)
loader = DataLoader(TensorDataset(data), batch_size=50, shuffle=False)


class AutoEncoder(nn.Module):
    def __init__(self, latent=4):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(64, 32), nn.ReLU(True), nn.Linear(32, latent))
        self.decoder = nn.Sequential(nn.Linear(latent, 32), nn.ReLU(True), nn.Linear(32, 64),
                                     nn.Sigmoid())

    def forward(self, x):
        return self.decoder(self.encoder(x))


def build():
    model = AutoEncoder()
    with torch.no_grad():
        for _, p in sorted(model.named_parameters()):
            p.copy_(torch.from_numpy(0.2 * rng.standard_normal(p.shape).astype(np.float32)))
    return model


def train(model, noise=0.0, epochs=15):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1, threshold=0.03)
    criterion = nn.BCELoss()
    history, lrs = [], []
    for epoch in range(epochs):
        total = 0.0
        for (img,) in loader:
            inp = img
            if noise:
                corrupt = torch.from_numpy(rng.standard_normal(img.shape).astype(np.float32))
                inp = torch.clamp(img + noise * corrupt, 0.0, 1.0)
            loss = criterion(model(inp), img)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * img.size(0)
        history.append(total / len(loader.dataset))
        sched.step(history[-1])
        lrs.append(opt.param_groups[0]["lr"])
    return history, lrs


ae = build()
history, lrs = train(ae)
denoiser = build()
d_history, _ = train(denoiser, noise=0.3)
with torch.no_grad():
    codes = ae.encoder(data[:10])
    recon_mse = nn.functional.mse_loss(ae(data), data).item()
print(f"epoch loss {history[0]:.4f} -> {history[-1]:.4f}; denoising {d_history[-1]:.4f}")
print("RESULT " + json.dumps({"first_epoch": history[0], "final_epoch": history[-1],
                              "denoise_final": d_history[-1], "latent_shape": list(codes.shape),
                              "recon_mse": recon_mse, "lrs": lrs}))
