"""Activation checkpointing in a deep residual MLP, the way memory-constrained training code
uses it: torch.utils.checkpoint.checkpoint(block, x, use_reentrant=False) per block behind a
gradient_checkpointing flag (only while training and torch.is_grad_enabled()), the older
use_reentrant=True form, checkpoint_sequential over an nn.Sequential in segments, a block
with dropout whose mask must be replayed identically on recomputation (preserve_rng_state),
keyword arguments passed through checkpoint, and the forward counts that show the
recomputation. Gradients with and without checkpointing must agree, and a short training
run from seeded NumPy weights is compared tightly."""
import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint, checkpoint_sequential

COMPARE = {"grad_diff": ("abs", 1e-6), "losses": ("rel", 1e-4), "counts": ("exact", None),
           "seq_diff": ("abs", 1e-6), "dropout_diff": ("abs", 1e-6), "reentrant_diff": ("abs", 1e-6),
           "no_grad_counts": ("exact", None), "requires_grad": ("exact", None), "kwargs": ("abs", 1e-6)}

torch.manual_seed(0)
rng = np.random.default_rng(0)


class Block(nn.Module):
    calls = 0

    def __init__(self, dim, p=0.0):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, 2 * dim)
        self.fc2 = nn.Linear(2 * dim, dim)
        self.drop = nn.Dropout(p)

    def forward(self, x, scale=1.0):
        Block.calls += 1
        return x + scale * self.drop(self.fc2(F.gelu(self.fc1(self.norm(x)))))


class DeepMLP(nn.Module):
    def __init__(self, dim=16, depth=10, p=0.0):
        super().__init__()
        self.inp = nn.Linear(4, dim)
        self.blocks = nn.ModuleList([Block(dim, p) for _ in range(depth)])
        self.out = nn.Linear(dim, 1)
        self.gradient_checkpointing = False

    def forward(self, x):
        x = self.inp(x)
        for block in self.blocks:
            if self.gradient_checkpointing and self.training and torch.is_grad_enabled():
                x = checkpoint(block, x, use_reentrant=False)
            else:
                x = block(x)
        return self.out(x).squeeze(-1)


init = None


def make(p=0.0):
    global init
    model = DeepMLP(p=p)
    if init is None:
        init = {k: torch.from_numpy((0.2 * rng.standard_normal(v.shape)).astype(np.float32))
                for k, v in sorted(model.state_dict().items())}
    model.load_state_dict(init)
    return model


X = torch.from_numpy(rng.standard_normal((128, 4)).astype(np.float32))
y = torch.sin(X[:, 0]) + X[:, 1] * X[:, 2]


def grads_of(model):
    model.zero_grad()
    F.mse_loss(model(X), y).backward()
    return [p.grad.clone() for p in model.parameters()]


plain, ckpt = make(), make()
ckpt.gradient_checkpointing = True
Block.calls = 0
g_plain = grads_of(plain)
counts = [Block.calls]
Block.calls = 0
g_ckpt = grads_of(ckpt)
counts.append(Block.calls)                       # forward once, recomputed once in backward
grad_diff = max((a - b).abs().max().item() for a, b in zip(g_plain, g_ckpt))

Block.calls = 0
with torch.no_grad():
    ckpt(X)
ckpt.eval()
ckpt(X)
no_grad_counts = Block.calls
ckpt.train()

# training with checkpointing on
optimizer = torch.optim.Adam(ckpt.parameters(), lr=3e-3)
losses = []
for step in range(60):
    loss = F.mse_loss(ckpt(X), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f}")

# checkpoint_sequential over an nn.Sequential, input that requires grad
seq = nn.Sequential(*[make().blocks[i] for i in range(6)])
x_in = torch.from_numpy(rng.standard_normal((32, 16)).astype(np.float32)).requires_grad_()
seq(x_in).pow(2).mean().backward()
g_ref = [x_in.grad.clone()] + [p.grad.clone() for p in seq.parameters()]
x_in.grad = None
seq.zero_grad()
out = checkpoint_sequential(seq, 3, x_in, use_reentrant=False)
out.pow(2).mean().backward()
g_seq = [x_in.grad.clone()] + [p.grad.clone() for p in seq.parameters()]
seq_diff = max((a - b).abs().max().item() for a, b in zip(g_ref, g_seq))

# the reentrant variant needs an input that requires grad
x_in.grad = None
seq.zero_grad()
h = x_in
for block in seq:
    h = checkpoint(block, h, use_reentrant=True)
h.pow(2).mean().backward()
reentrant_diff = max((a - b).abs().max().item()
                     for a, b in zip(g_ref, [x_in.grad] + [p.grad for p in seq.parameters()]))

# dropout: the recomputation replays the same mask, so the gradients match a plain run
drop_model = make(p=0.3)
torch.manual_seed(123)
g_drop_plain = grads_of(drop_model)
drop_model.gradient_checkpointing = True
torch.manual_seed(123)
g_drop_ckpt = grads_of(drop_model)
dropout_diff = max((a - b).abs().max().item() for a, b in zip(g_drop_plain, g_drop_ckpt))

# keyword arguments go through to the block
block = make().blocks[0]
xk = x_in.detach().requires_grad_()
a = checkpoint(block, xk, scale=0.5, use_reentrant=False)
b = block(xk, scale=0.5)
print("RESULT " + json.dumps({
    "grad_diff": grad_diff, "losses": losses[::10] + [losses[-1]], "counts": counts,
    "seq_diff": seq_diff, "dropout_diff": dropout_diff, "reentrant_diff": reentrant_diff,
    "no_grad_counts": no_grad_counts,
    "requires_grad": [out.requires_grad, a.requires_grad, h.requires_grad, out.grad_fn is not None],
    "kwargs": (a - b).abs().max().item()}))
