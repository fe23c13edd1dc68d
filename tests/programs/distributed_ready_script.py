"""A training script written to run both under torchrun and as a plain process: argparse
flags, LOCAL_RANK/WORLD_SIZE from the environment, torch.distributed imported at the top
and used only when is_available() and is_initialized(), DistributedSampler sharding
(explicit num_replicas/rank, set_epoch each epoch), DDP wrapping skipped on one process,
a torch.onnx import for an optional export, rank-0-only checkpointing via a helper, and
model.module unwrapping guarded by hasattr."""
import argparse
import json
import os
import tempfile

import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn
import torch.onnx  # noqa: F401  (scripts import it for the optional export below)
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler

COMPARE = {"world": ("exact", None), "shards": ("exact", None), "epoch_orders_differ": ("exact", None),
           "final_loss": ("rel", 0.08), "saved": ("exact", None), "dist_initialized": ("exact", None)}

parser = argparse.ArgumentParser(description="toy distributed-ready trainer")
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--batch-size", type=int, default=32)
parser.add_argument("--lr", type=float, default=0.05)
parser.add_argument("--export-onnx", action="store_true")
args = parser.parse_args([])

local_rank = int(os.environ.get("LOCAL_RANK", 0))
world_size = int(os.environ.get("WORLD_SIZE", 1))
distributed = dist.is_available() and dist.is_initialized()
rank = dist.get_rank() if distributed else 0


def is_main_process():
    return rank == 0


rng = np.random.default_rng(0)
X = torch.from_numpy(rng.standard_normal((256, 6)).astype(np.float32))
y = (X[:, :2].sum(1) > 0).long()
dataset = TensorDataset(X, y)

# how the data would be split across two ranks (no process group is needed for this)
shard0 = list(DistributedSampler(dataset, num_replicas=2, rank=0, shuffle=False))
shard1 = list(DistributedSampler(dataset, num_replicas=2, rank=1, shuffle=False))
sampler = DistributedSampler(dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=0) \
    if distributed or world_size == 1 else None
loader = DataLoader(dataset, batch_size=args.batch_size, sampler=sampler, shuffle=False)

model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 2))
with torch.no_grad():
    for _, p in sorted(model.named_parameters()):
        p.copy_(torch.from_numpy(0.3 * rng.standard_normal(p.shape).astype(np.float32)))
if distributed:
    model = DDP(model, device_ids=None)
optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
criterion = nn.CrossEntropyLoss()
orders = []
for epoch in range(args.epochs):
    if sampler is not None:
        sampler.set_epoch(epoch)
        orders.append(list(sampler)[:5])
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
    if is_main_process():
        print(f"epoch {epoch}: loss {total / len(dataset):.4f}")

saved = None
if is_main_process():
    raw = model.module if hasattr(model, "module") else model
    path = os.path.join(tempfile.mkdtemp(), "model.pt")
    torch.save(raw.state_dict(), path)
    saved = sorted(torch.load(path).keys())
if args.export_onnx:
    torch.onnx.export(model, X[:1], "model.onnx")
if distributed:
    dist.destroy_process_group()
print(f"torch.distributed available: {dist.is_available()}")  # a build choice: not compared
print("RESULT " + json.dumps({
    "world": [local_rank, world_size, rank, distributed],
    "shards": [len(shard0), len(shard1), shard0[:4], shard1[:4], sorted(shard0 + shard1) == list(range(256))],
    "epoch_orders_differ": orders[0] != orders[1], "final_loss": total / len(dataset),
    "saved": saved, "dist_initialized": dist.is_initialized()}))
