"""A miniature DCGAN on 16x16 images: the generator upsamples with ConvTranspose2d +
BatchNorm2d + ReLU to a Tanh output, the discriminator downsamples with strided Conv2d +
LeakyReLU(0.2, inplace=True) to a Sigmoid, weights_init dispatching on
m.__class__.__name__.find("Conv") with nn.init.normal_(m.weight.data, 0.0, 0.02),
nn.BCELoss with real_label/fake_label filled via torch.full, fixed noise for progress
checks, and optimizer.step() for D then G each iteration."""
import json

import numpy as np
import torch
import torch.nn as nn

COMPARE = {"g_shape": ("exact", None), "d_shape": ("exact", None), "init_std": ("abs", 0.006),
           "bn_init_mean": ("abs", 0.02), "errD": ("rel", 0.15), "errG": ("rel", 0.15),
           "fake_range": ("exact", None), "n_params": ("exact", None)}

torch.manual_seed(999)
nz, ngf, ndf, nc = 8, 8, 8, 1


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif classname.find("BatchNorm") != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 4, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 4), nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, nc, 4, 2, 1, bias=False), nn.Tanh())

    def forward(self, input):
        return self.main(input)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, 1, 4, 1, 0, bias=False), nn.Sigmoid())

    def forward(self, input):
        return self.main(input)


netG, netD = Generator(), Discriminator()
netG.apply(weights_init)
netD.apply(weights_init)
init_std = netD.main[0].weight.std().item()
bn_init_mean = netG.main[1].weight.mean().item()

rng = np.random.default_rng(0)
yy, xx = np.mgrid[:16, :16]
blobs = np.stack([np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / 8.0)
                  for cx, cy in rng.uniform(4, 12, size=(64, 2))])
real_images = torch.from_numpy((blobs * 2 - 1).astype(np.float32)).unsqueeze(1)

criterion = nn.BCELoss()
fixed_noise = torch.randn(16, nz, 1, 1)
real_label, fake_label = 1.0, 0.0
optimizerD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
optimizerG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
for i in range(15):
    netD.zero_grad()
    b_size = real_images.size(0)
    label = torch.full((b_size,), real_label, dtype=torch.float)
    output = netD(real_images).view(-1)
    errD_real = criterion(output, label)
    errD_real.backward()
    noise = torch.randn(b_size, nz, 1, 1)
    fake = netG(noise)
    label.fill_(fake_label)
    output = netD(fake.detach()).view(-1)
    errD_fake = criterion(output, label)
    errD_fake.backward()
    errD = errD_real + errD_fake
    optimizerD.step()

    netG.zero_grad()
    label.fill_(real_label)
    output = netD(fake).view(-1)
    errG = criterion(output, label)
    errG.backward()
    optimizerG.step()
    if i % 5 == 0:
        print(f"[{i}/15] Loss_D: {errD.item():.4f} Loss_G: {errG.item():.4f} "
              f"D(x): {output.mean().item():.4f}")

with torch.no_grad():
    samples = netG(fixed_noise).detach().cpu()
print("RESULT " + json.dumps({
    "g_shape": list(samples.shape), "d_shape": list(netD(samples).shape),
    "init_std": init_std, "bn_init_mean": bn_init_mean, "errD": errD.item(), "errG": errG.item(),
    "fake_range": bool(samples.min() >= -1 and samples.max() <= 1),
    "n_params": [sum(p.numel() for p in net.parameters()) for net in (netG, netD)]}))
