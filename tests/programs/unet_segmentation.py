"""Binary segmentation with a two-level U-Net: double-conv blocks, MaxPool2d down,
ConvTranspose2d and nn.Upsample / F.interpolate(mode="bilinear", align_corners=...) up,
skip connections with torch.cat and F.pad to fix odd sizes, a Dice + BCEWithLogitsLoss
(pos_weight) objective, IoU from logical ops, and InstanceNorm2d in the bottleneck."""
import json
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

COMPARE = {"first_loss": ("rel", 1e-4), "final_loss": ("rel", 0.05), "iou": ("abs", 0.05),
           "shapes": ("exact", None), "interp": ("rel", 1e-5), "pad_shape": ("exact", None)}

rng = np.random.default_rng(0)


def make_batch(n, size=24):
    yy, xx = np.mgrid[:size, :size]
    imgs = np.zeros((n, 1, size, size), np.float32)
    masks = np.zeros((n, 1, size, size), np.float32)
    for i in range(n):
        cx, cy, r = rng.uniform(6, 18), rng.uniform(6, 18), rng.uniform(3, 6)
        m = ((xx - cx) ** 2 + (yy - cy) ** 2) < r ** 2
        masks[i, 0] = m
        imgs[i, 0] = m * 0.8 + 0.4 * rng.standard_normal((size, size))
    return torch.from_numpy(imgs), torch.from_numpy(masks)


def double_conv(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(inplace=True),
                         nn.Conv2d(cout, cout, 3, padding=1), nn.ReLU(inplace=True))


class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.down1 = double_conv(1, 8)
        self.down2 = double_conv(8, 16)
        self.pool = nn.MaxPool2d(2)
        self.bottleneck = nn.Sequential(nn.Conv2d(16, 16, 3, padding=1), nn.InstanceNorm2d(16, affine=True),
                                        nn.ReLU())
        self.up2 = nn.ConvTranspose2d(16, 16, 2, stride=2)
        self.conv_up2 = double_conv(32, 8)
        self.up1 = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)
        self.conv_up1 = double_conv(16, 8)
        self.out = nn.Conv2d(8, 1, 1)

    def forward(self, x):
        c1 = self.down1(x)
        c2 = self.down2(self.pool(c1))
        b = self.bottleneck(self.pool(c2))
        u2 = self.up2(b)
        diffY, diffX = c2.size(2) - u2.size(2), c2.size(3) - u2.size(3)
        u2 = F.pad(u2, [diffX // 2, diffX - diffX // 2, diffY // 2, diffY - diffY // 2])
        u2 = self.conv_up2(torch.cat([c2, u2], dim=1))
        u1 = self.conv_up1(torch.cat([c1, self.up1(u2)], dim=1))
        return self.out(u1)


def dice_loss(logits, target, smooth=1.0):
    probs = torch.sigmoid(logits)
    inter = (probs * target).sum(dim=(2, 3))
    union = probs.sum(dim=(2, 3)) + target.sum(dim=(2, 3))
    return 1 - ((2 * inter + smooth) / (union + smooth)).mean()


model = UNet()
state = {}
for name, p in sorted(model.state_dict().items()):
    if p.dim() > 1:
        fan_in = p[0].numel()
        state[name] = torch.from_numpy((rng.standard_normal(p.shape) * math.sqrt(2.0 / fan_in)).astype(np.float32))
    elif name.startswith("bottleneck.1") and name.endswith("weight"):
        state[name] = torch.ones_like(p)
    else:
        state[name] = torch.zeros_like(p)
model.load_state_dict(state)
bce = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0]))
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
losses = []
for step in range(25):
    x, m = make_batch(8)
    logits = model(x)
    loss = bce(logits, m) + dice_loss(logits, m)
    opt.zero_grad()
    loss.backward()
    opt.step()
    losses.append(loss.item())

model.eval()
x, m = make_batch(16)
with torch.no_grad():
    pred = torch.sigmoid(model(x)) > 0.5
target = m.bool()
iou = ((pred & target).sum().float() / (pred | target).sum().float()).item()
small = torch.arange(16.0).view(1, 1, 4, 4)
interp = [F.interpolate(small, scale_factor=2, mode="bilinear", align_corners=False).sum().item(),
          F.interpolate(small, size=(3, 5), mode="bilinear", align_corners=True)[0, 0, 1].tolist(),
          F.interpolate(small, scale_factor=0.5, mode="nearest").flatten().tolist(),
          F.interpolate(small, size=(6, 6), mode="bicubic", align_corners=False)[0, 0, 2].tolist(),
          F.adaptive_avg_pool2d(small, 3).flatten().tolist()]
odd = model(torch.zeros(1, 1, 18, 18)).shape  # 9 -> 4 -> 8: F.pad restores 9
print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f}, IoU {iou:.3f}")
print("RESULT " + json.dumps({
    "first_loss": losses[0], "final_loss": sum(losses[-3:]) / 3, "iou": iou,
    "shapes": [list(odd), list(model(x[:2]).shape)], "interp": interp,
    "pad_shape": list(F.pad(small, (1, 2, 0, 1), mode="reflect").shape)}))
