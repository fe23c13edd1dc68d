"""Gaussian-blob classification: a custom map-style Dataset returning dicts, a collate_fn,
random_split and a shuffling DataLoader driven by a seeded torch.Generator, drop_last,
CrossEntropyLoss and SGD with momentum, then an accuracy loop under torch.no_grad()."""
import json

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, random_split

COMPARE = {"n_train": ("exact", None), "n_batches": ("exact", None),
           "batch_shapes": ("exact", None), "train_acc": ("abs", 0.04),
           "test_acc": ("abs", 0.06), "final_loss": ("rel", 0.3)}

torch.manual_seed(0)


class Blobs(Dataset):
    def __init__(self, n, seed=0):
        rng = np.random.default_rng(seed)
        centers = np.array([[2.0, 0.0], [-2.0, 0.0], [0.0, 2.5]])
        self.labels = rng.integers(0, 3, size=n)
        self.points = centers[self.labels] + 0.8 * rng.standard_normal((n, 2))

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        return {"x": self.points[idx].astype(np.float32), "y": int(self.labels[idx])}


def collate(batch):
    xs = torch.stack([torch.from_numpy(item["x"]) for item in batch])
    ys = torch.tensor([item["y"] for item in batch], dtype=torch.long)
    return xs, ys


dataset = Blobs(600)
g = torch.Generator().manual_seed(42)
train_set, test_set = random_split(dataset, [480, 120], generator=g)
train_loader = DataLoader(train_set, batch_size=32, shuffle=True, drop_last=True,
                          collate_fn=collate, generator=g)
test_loader = DataLoader(test_set, batch_size=50, collate_fn=collate)

rng = np.random.default_rng(1)
model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))
with torch.no_grad():
    for _, p in sorted(model.named_parameters()):
        p.copy_(torch.from_numpy(0.5 * rng.standard_normal(p.shape).astype(np.float32)))

criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)


def accuracy(loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for xb, yb in loader:
            pred = model(xb).argmax(dim=1)
            correct += (pred == yb).sum().item()
            total += yb.size(0)
    model.train()
    return correct / total


shapes = set()
for epoch in range(8):
    running = 0.0
    for i, (xb, yb) in enumerate(train_loader):
        shapes.add(tuple(xb.shape))
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        running += loss.item()
    print(f"epoch {epoch}: loss {running / len(train_loader):.4f}")

print("RESULT " + json.dumps({
    "n_train": len(train_set), "n_batches": len(train_loader),
    "batch_shapes": sorted(shapes), "train_acc": accuracy(train_loader),
    "test_acc": accuracy(test_loader), "final_loss": running / len(train_loader)}))
