"""Geometry and resolution layers from two classic tutorials: a spatial transformer whose
localisation net predicts a 2x3 affine theta (initialised to identity with
fc_loc[-1].weight.data.zero_() and bias.data.copy_), applied with F.affine_grid +
F.grid_sample; and an ESPCN-style super-resolution net with nn.PixelShuffle (checked
against nn.PixelUnshuffle), trained on bicubic-downsampled images and scored by PSNR
computed with torch.log10."""
import json
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

COMPARE = {"identity_err": ("abs", 1e-5), "shift": ("rel", 1e-4), "rotated": ("rel", 1e-4),
           "stn_first": ("rel", 1e-4), "stn_final": ("rel", 0.03), "shuffle_roundtrip": ("exact", None),
           "sr_first": ("rel", 1e-4), "sr_final": ("rel", 0.03), "psnr": ("abs", 0.3),
           "psnr_bicubic": ("abs", 1e-3)}

rng = np.random.default_rng(0)
yy, xx = np.mgrid[:16, :16] / 15.0
base = np.sin(6 * xx) * np.cos(4 * yy)
images = torch.from_numpy(np.stack([np.roll(base, (rng.integers(-3, 4), rng.integers(-3, 4)), (0, 1))
                                    for _ in range(32)])[:, None].astype(np.float32))


def npinit(module, scale=0.2):
    with torch.no_grad():
        for _, p in sorted(module.named_parameters()):
            p.copy_(torch.from_numpy(scale * rng.standard_normal(p.shape).astype(np.float32)))


class STN(nn.Module):
    def __init__(self):
        super().__init__()
        self.localization = nn.Sequential(nn.Conv2d(1, 4, 5), nn.MaxPool2d(2), nn.ReLU(True))
        self.fc_loc = nn.Sequential(nn.Linear(4 * 6 * 6, 16), nn.ReLU(True), nn.Linear(16, 3 * 2))

    def init_identity(self):
        self.fc_loc[2].weight.data.zero_()
        self.fc_loc[2].bias.data.copy_(torch.tensor([1, 0, 0, 0, 1, 0], dtype=torch.float))

    def forward(self, x):
        xs = self.localization(x).view(-1, 4 * 6 * 6)
        theta = self.fc_loc(xs).view(-1, 2, 3)
        grid = F.affine_grid(theta, x.size(), align_corners=False)
        return F.grid_sample(x, grid, align_corners=False)


stn = STN()
npinit(stn)
stn.init_identity()
identity_err = (stn(images) - images).abs().max().item()
theta = torch.tensor([[[1.0, 0.0, 0.25], [0.0, 1.0, 0.0]]])
shift = F.grid_sample(images[:1], F.affine_grid(theta, (1, 1, 16, 16), align_corners=False),
                      mode="bilinear", padding_mode="zeros", align_corners=False)[0, 0, 5, :6].tolist()
ang = math.pi / 6
rot = torch.tensor([[[math.cos(ang), -math.sin(ang), 0.0], [math.sin(ang), math.cos(ang), 0.0]]])
rotated = F.grid_sample(images[:2], F.affine_grid(rot.expand(2, 2, 3), (2, 1, 16, 16), align_corners=True),
                        mode="nearest", padding_mode="border", align_corners=True).sum().item()
target = torch.roll(images, shifts=1, dims=3)
opt = torch.optim.Adam(stn.parameters(), lr=2e-3)
stn_losses = []
for step in range(20):
    loss = F.mse_loss(stn(images), target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    stn_losses.append(loss.item())


class ESPCN(nn.Module):
    def __init__(self, upscale=2):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 5, padding=2)
        self.conv2 = nn.Conv2d(16, 8, 3, padding=1)
        self.conv3 = nn.Conv2d(8, upscale ** 2, 3, padding=1)
        self.pixel_shuffle = nn.PixelShuffle(upscale)

    def forward(self, x):
        x = torch.tanh(self.conv1(x))
        x = torch.tanh(self.conv2(x))
        return self.pixel_shuffle(self.conv3(x))


def psnr(a, b):
    return (10 * torch.log10(1.0 / F.mse_loss(a, b))).item()


hr = (images + 1) / 2
lr_img = F.interpolate(hr, scale_factor=0.5, mode="bicubic", align_corners=False)
sr = ESPCN()
npinit(sr, scale=0.1)
shuffle_roundtrip = bool(torch.equal(nn.PixelUnshuffle(2)(nn.PixelShuffle(2)(torch.arange(32.0).view(1, 8, 2, 2))),
                                     torch.arange(32.0).view(1, 8, 2, 2)))
opt = torch.optim.Adam(sr.parameters(), lr=1e-2)
sr_losses = []
for step in range(80):
    loss = F.mse_loss(sr(lr_img), hr)
    opt.zero_grad()
    loss.backward()
    opt.step()
    sr_losses.append(loss.item())
with torch.no_grad():
    score = psnr(sr(lr_img).clamp(0, 1), hr)
bicubic = psnr(F.interpolate(lr_img, scale_factor=2, mode="bicubic", align_corners=False).clamp(0, 1), hr)
print(f"STN {stn_losses[0]:.4f} -> {stn_losses[-1]:.4f}; SR PSNR {score:.2f} dB (bicubic {bicubic:.2f} dB)")
print("RESULT " + json.dumps({
    "identity_err": identity_err, "shift": shift, "rotated": rotated, "stn_first": stn_losses[0],
    "stn_final": stn_losses[-1], "shuffle_roundtrip": shuffle_roundtrip, "sr_first": sr_losses[0],
    "sr_final": sr_losses[-1], "psnr": score, "psnr_bicubic": bicubic}))
