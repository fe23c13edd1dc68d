"""A one-dimensional GAN in the usual two-optimizer loop: the discriminator steps on real
and detached fake samples, the generator steps to fool it, both with BCEWithLogitsLoss
and Adam(betas=(0.5, 0.999)); noise and data come from seeded NumPy."""
import json

import numpy as np
import torch
import torch.nn as nn

COMPARE = {"d_loss": ("rel", 0.03), "g_loss": ("rel", 0.03), "fake_mean": ("abs", 0.05),
           "fake_std": ("abs", 0.05), "d_real_prob": ("abs", 0.02)}

rng = np.random.default_rng(0)
latent_dim, batch = 4, 64

generator = nn.Sequential(nn.Linear(latent_dim, 32), nn.ReLU(), nn.Linear(32, 1))
discriminator = nn.Sequential(nn.Linear(1, 32), nn.LeakyReLU(0.2), nn.Linear(32, 1))
for net in (generator, discriminator):
    with torch.no_grad():
        for _, p in sorted(net.named_parameters()):
            p.copy_(torch.from_numpy(0.3 * rng.standard_normal(p.shape).astype(np.float32)))

criterion = nn.BCEWithLogitsLoss()
opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-3, betas=(0.5, 0.999))
opt_g = torch.optim.Adam(generator.parameters(), lr=2e-3, betas=(0.5, 0.999))
real_label = torch.ones(batch, 1)
fake_label = torch.zeros(batch, 1)

for step in range(250):
    real = torch.from_numpy((2.0 + 0.5 * rng.standard_normal((batch, 1))).astype(np.float32))
    z = torch.from_numpy(rng.standard_normal((batch, latent_dim)).astype(np.float32))
    fake = generator(z)

    # (1) update D: maximize log(D(x)) + log(1 - D(G(z)))
    opt_d.zero_grad()
    loss_real = criterion(discriminator(real), real_label)
    loss_fake = criterion(discriminator(fake.detach()), fake_label)
    d_loss = (loss_real + loss_fake) / 2
    d_loss.backward()
    opt_d.step()

    # (2) update G: maximize log(D(G(z)))
    opt_g.zero_grad()
    g_loss = criterion(discriminator(fake), real_label)
    g_loss.backward()
    opt_g.step()
    if step % 50 == 0:
        print(f"[{step}] Loss_D: {d_loss.item():.4f} Loss_G: {g_loss.item():.4f}")

with torch.no_grad():
    z = torch.from_numpy(rng.standard_normal((2000, latent_dim)).astype(np.float32))
    samples = generator(z)
    d_real = torch.sigmoid(discriminator(torch.full((1, 1), 2.0))).item()
print(f"generated mean {samples.mean():.3f} std {samples.std():.3f}")
print("RESULT " + json.dumps({"d_loss": d_loss.item(), "g_loss": g_loss.item(),
                              "fake_mean": samples.mean().item(),
                              "fake_std": samples.std().item(), "d_real_prob": d_real}))
