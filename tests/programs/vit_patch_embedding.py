"""A tiny Vision Transformer: patch embedding with a strided Conv2d (and the same patches
via F.unfold / Tensor.unfold checked against it), .flatten(2).transpose(1, 2), a learnable
class token nn.Parameter(torch.zeros(1, 1, D)) expanded over the batch, learned position
embeddings initialised with nn.init.trunc_normal_(std=.02), pre-norm blocks with
nn.MultiheadAttention, DropPath-style stochastic depth written with torch.rand and
floor_(), and label-smoothed CrossEntropy with AdamW + linear warm-up (LambdaLR)."""
import json
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

COMPARE = {"first_loss": ("rel", 1e-4), "final_loss": ("rel", 0.03), "acc": ("abs", 0.06),
           "unfold_match": ("exact", None), "tokens_shape": ("exact", None),
           "fold_roundtrip": ("exact", None), "drop_path_eval": ("exact", None),
           "lrs": ("rel", 1e-6)}

rng = np.random.default_rng(0)
img, patch, D = 16, 4, 32


def make_data(n):
    labels = rng.integers(0, 3, size=n)
    x = 0.3 * rng.standard_normal((n, 3, img, img))
    for i, c in enumerate(labels):
        x[i, c, 4:12, 4:12] += 1.0          # a bright square in the channel of the class
    return torch.from_numpy(x.astype(np.float32)), torch.from_numpy(labels)


def drop_path(x, drop_prob, training):
    if drop_prob == 0.0 or not training:
        return x
    keep = 1 - drop_prob
    mask = keep + torch.rand((x.shape[0],) + (1,) * (x.ndim - 1), dtype=x.dtype)
    mask.floor_()
    return x.div(keep) * mask


class Block(nn.Module):
    def __init__(self, dim, heads, drop_path=0.0):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))
        self.drop_path = drop_path

    def forward(self, x):
        h = self.norm1(x)
        x = x + drop_path(self.attn(h, h, h, need_weights=False)[0], self.drop_path, self.training)
        return x + drop_path(self.mlp(self.norm2(x)), self.drop_path, self.training)


class ViT(nn.Module):
    def __init__(self, num_classes=3, depth=2):
        super().__init__()
        self.patch_embed = nn.Conv2d(3, D, kernel_size=patch, stride=patch)
        n_patches = (img // patch) ** 2
        self.cls_token = nn.Parameter(torch.zeros(1, 1, D))
        self.pos_embed = nn.Parameter(torch.zeros(1, n_patches + 1, D))
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        self.blocks = nn.Sequential(*[Block(D, 4) for _ in range(depth)])
        self.norm = nn.LayerNorm(D, eps=1e-6)
        self.head = nn.Linear(D, num_classes)

    def forward(self, x):
        x = self.patch_embed(x).flatten(2).transpose(1, 2)      # (B, N, D)
        cls = self.cls_token.expand(x.shape[0], -1, -1)
        x = torch.cat((cls, x), dim=1) + self.pos_embed
        x = self.norm(self.blocks(x))
        return self.head(x[:, 0])


model = ViT()
state = {}
for name, p in sorted(model.state_dict().items()):
    if "norm" in name:
        state[name] = torch.ones_like(p) if name.endswith("weight") else torch.zeros_like(p)
    else:
        fan_in = p[0].numel() if p.dim() > 1 else 1
        state[name] = torch.from_numpy((rng.standard_normal(p.shape) / math.sqrt(fan_in) * 0.5)
                                       .astype(np.float32))
model.load_state_dict(state)

x, _ = make_data(2)
with torch.no_grad():
    conv_tokens = model.patch_embed(x).flatten(2).transpose(1, 2)
    cols = F.unfold(x, kernel_size=patch, stride=patch)                  # (B, 3*p*p, N)
    w = model.patch_embed.weight.view(D, -1)
    unfold_tokens = (w @ cols).transpose(1, 2) + model.patch_embed.bias
    p2 = x.unfold(2, patch, patch).unfold(3, patch, patch)               # (B, C, 4, 4, p, p)
    p2 = p2.permute(0, 2, 3, 1, 4, 5).reshape(2, -1, 3 * patch * patch)
    unfold_match = [bool(torch.allclose(conv_tokens, unfold_tokens, atol=1e-5)),
                    bool(torch.allclose(p2 @ w.T + model.patch_embed.bias, conv_tokens, atol=1e-5))]
    fold_roundtrip = bool(torch.allclose(F.fold(cols, (img, img), kernel_size=patch, stride=patch), x))

warmup = 10
opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.05)
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warmup))
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
losses, lrs = [], []
for step in range(30):
    xb, yb = make_data(32)
    loss = criterion(model(xb), yb)
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    losses.append(loss.item())
    lrs.append(sched.get_last_lr()[0])

model.eval()
xt, yt = make_data(150)
with torch.no_grad():
    acc = (model(xt).argmax(-1) == yt).float().mean().item()
    tokens = model.patch_embed(xt[:5]).flatten(2).transpose(1, 2)
    t = torch.ones(4, 3)
    dp = drop_path(torch.ones(64, 3), 0.5, training=True)
    drop_path_eval = [bool(torch.equal(drop_path(t, 0.5, training=False), t)),
                      set(dp.unique().tolist()) <= {0.0, 2.0}, bool((dp[:, :1] == dp).all())]
print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f}, accuracy {acc:.3f}")
print("RESULT " + json.dumps({
    "first_loss": losses[0], "final_loss": sum(losses[-5:]) / 5, "acc": acc,
    "unfold_match": unfold_match, "tokens_shape": list(tokens.shape),
    "fold_roundtrip": fold_roundtrip, "drop_path_eval": drop_path_eval, "lrs": lrs[:12]}))
