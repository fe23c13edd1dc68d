"""A variational autoencoder on synthetic binary images: encoder to (mu, logvar), the
reparameterisation trick with torch.randn_like(std), F.binary_cross_entropy(reduction="sum")
plus the analytic KL term -0.5 * sum(1 + logvar - mu^2 - exp(logvar)), per-epoch average
loss over a DataLoader, and sampling new images from torch.randn in the latent space."""
import json

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset

COMPARE = {"first_epoch": ("rel", 0.02), "final_epoch": ("rel", 0.05), "sample_shape": ("exact", None),
           "sample_range": ("exact", None), "kl_zero": ("abs", 1e-6), "recon_mean": ("abs", 0.05)}

torch.manual_seed(1)
rng = np.random.default_rng(0)
base = (rng.random((6, 64)) < 0.35).astype(np.float32)
noise = (rng.random((600, 64)) < 0.05).astype(np.float32)
data = torch.from_numpy(np.abs(base[rng.integers(0, 6, size=600)] - noise))
loader = DataLoader(TensorDataset(data), batch_size=64, shuffle=True)


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 32)
        self.fc21 = nn.Linear(32, 4)
        self.fc22 = nn.Linear(32, 4)
        self.fc3 = nn.Linear(4, 32)
        self.fc4 = nn.Linear(32, 64)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z):
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z))))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 64))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


def loss_function(recon_x, x, mu, logvar):
    BCE = F.binary_cross_entropy(recon_x, x.view(-1, 64), reduction="sum")
    KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return BCE + KLD


model = VAE()
with torch.no_grad():
    for _, p in sorted(model.named_parameters()):
        p.copy_(torch.from_numpy(0.2 * rng.standard_normal(p.shape).astype(np.float32)))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
history = []
for epoch in range(1, 9):
    model.train()
    train_loss = 0
    for batch_idx, (data_b,) in enumerate(loader):
        optimizer.zero_grad()
        recon_batch, mu, logvar = model(data_b)
        loss = loss_function(recon_batch, data_b, mu, logvar)
        loss.backward()
        train_loss += loss.item()
        optimizer.step()
    history.append(train_loss / len(loader.dataset))
    print(f"====> Epoch: {epoch} Average loss: {history[-1]:.4f}")

model.eval()
with torch.no_grad():
    sample = model.decode(torch.randn(16, 4)).cpu()
    mu, logvar = model.encode(data[:100])
    recon = model.decode(mu)
zero = torch.zeros(3, 4)
kl_zero = (-0.5 * torch.sum(1 + zero - zero.pow(2) - zero.exp())).item()
print("RESULT " + json.dumps({
    "first_epoch": history[0], "final_epoch": history[-1], "sample_shape": list(sample.view(16, 1, 8, 8).shape),
    "sample_range": bool(((sample >= 0) & (sample <= 1)).all()), "kl_zero": kl_zero,
    "recon_mean": ((recon > 0.5).float() == data[:100]).float().mean().item()}))
