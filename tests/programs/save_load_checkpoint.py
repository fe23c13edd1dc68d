"""Checkpointing as training scripts do it: model and optimizer state_dict saved with
torch.save to an in-memory BytesIO and to a file, a checkpoint dict with the epoch and
loss, torch.load(map_location="cpu"), load_state_dict into fresh objects, and training
resumed so that it continues exactly where it stopped."""
import io
import json
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

COMPARE = {"keys": ("exact", None), "opt_keys": ("exact", None), "same_after_load": ("exact", None),
           "resumed_equal": ("exact", None), "epoch": ("exact", None),
           "final_loss": ("rel", 1e-4), "bn_batches": ("exact", None),
           "strict_missing": ("exact", None)}

rng = np.random.default_rng(0)
X = torch.from_numpy(rng.standard_normal((128, 10)).astype(np.float32))
Y = torch.from_numpy((rng.standard_normal((128, 1)) > 0).astype(np.float32))


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 20)
        self.bn = nn.BatchNorm1d(20)
        self.fc2 = nn.Linear(20, 1)

    def forward(self, x):
        return self.fc2(F.relu(self.bn(self.fc1(x))))


def fresh():
    model = Classifier()
    with torch.no_grad():
        for _, p in sorted(model.named_parameters()):
            p.copy_(torch.from_numpy(0.3 * rng.standard_normal(p.shape).astype(np.float32)))
    return model


def train(model, opt, steps):
    for _ in range(steps):
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(X), Y)
        loss.backward()
        opt.step()
    return loss.item()


model = fresh()
opt = optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-4)
loss = train(model, opt, 20)

# 1) in memory
buffer = io.BytesIO()
torch.save(model.state_dict(), buffer)
buffer.seek(0)
clone = fresh()
clone.load_state_dict(torch.load(buffer))
model.eval(); clone.eval()
with torch.no_grad():
    same = torch.equal(model(X), clone(X))

# 2) a full checkpoint in a file
path = os.path.join(tempfile.mkdtemp(), "checkpoint.pth")
torch.save({"epoch": 20, "model_state_dict": model.state_dict(),
            "optimizer_state_dict": opt.state_dict(), "loss": loss}, path)
model.train()
ref_loss = train(model, opt, 15)

ckpt = torch.load(path, map_location="cpu")
resumed = fresh()
resumed.load_state_dict(ckpt["model_state_dict"])
resumed_opt = optim.Adam(resumed.parameters(), lr=1e-2, weight_decay=1e-4)
resumed_opt.load_state_dict(ckpt["optimizer_state_dict"])
resumed.train()
new_loss = train(resumed, resumed_opt, 15)

incompatible = fresh().load_state_dict({k: v for k, v in ckpt["model_state_dict"].items()
                                        if not k.startswith("fc2")}, strict=False)

sd = model.state_dict()
print(f"resumed at epoch {ckpt['epoch']}: {new_loss:.5f} vs uninterrupted {ref_loss:.5f}")
print("RESULT " + json.dumps({
    "keys": list(sd.keys()), "opt_keys": sorted(ckpt["optimizer_state_dict"].keys()),
    "same_after_load": bool(same), "resumed_equal": abs(new_loss - ref_loss) < 1e-6,
    "epoch": ckpt["epoch"], "final_loss": new_loss,
    "bn_batches": int(sd["bn.num_batches_tracked"]),
    "strict_missing": sorted(incompatible.missing_keys)}))
