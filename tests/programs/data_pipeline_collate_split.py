"""A data pipeline the way small NLP/tabular projects assemble one: the documentation's
IterableDataset over a range, sharded across num_workers=2 by a worker_init_fn that
rewrites each worker's copy of dataset.start/end via torch.utils.data.get_worker_info();
a map-style Dataset returning dicts of variable-length token tensors and a collate_fn that
pads them (pad_sequence, lengths, attention mask); random_split with
generator=torch.Generator().manual_seed(42), by counts and by fractions; Subset (its
.indices and .dataset); ConcatDataset (cumulative_sizes, indexing across the seam);
DataLoader(shuffle=True, generator=...) reproducibility; drop_last; and a small masked-mean
model trained on the padded batches in a fixed order."""
import json
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import ConcatDataset, DataLoader, Dataset, IterableDataset, Subset, random_split

COMPARE = {"single": ("exact", None), "multi": ("exact", None), "multi_items": ("exact", None), "losses": ("rel", 1e-4),
           "n_batches": ("exact", None), "split_sizes": ("exact", None), "split_disjoint": ("exact", None),
           "split_repeat": ("exact", None), "subset": ("exact", None), "concat": ("exact", None),
           "reproducible": ("exact", None), "shuffled_count": ("exact", None), "collate": ("exact", None)}


class MyIterableDataset(IterableDataset):
    def __init__(self, start, end):
        super().__init__()
        assert end > start, "this example code only works with end >= start"
        self.start = start
        self.end = end

    def __iter__(self):
        return iter(range(self.start, self.end))


def worker_init_fn(worker_id):
    worker_info = torch.utils.data.get_worker_info()
    dataset = worker_info.dataset  # the dataset copy in this worker process
    overall_start = dataset.start
    overall_end = dataset.end
    per_worker = int(math.ceil((overall_end - overall_start) / float(worker_info.num_workers)))
    worker_id = worker_info.id
    dataset.start = overall_start + worker_id * per_worker
    dataset.end = min(dataset.start + per_worker, overall_end)


class TokenDataset(Dataset):
    def __init__(self, n, seed):
        rng = np.random.default_rng(seed)
        self.samples = []
        for _ in range(n):
            length = int(rng.integers(1, 9))
            tokens = rng.integers(1, 20, size=length)
            self.samples.append({"input_ids": torch.from_numpy(tokens),
                                 "label": int((tokens > 10).mean() > 0.5)})

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        return self.samples[idx]


def pad_collate(batch):
    ids = [item["input_ids"] for item in batch]
    lengths = torch.tensor([len(x) for x in ids])
    padded = pad_sequence(ids, batch_first=True, padding_value=0)
    mask = torch.arange(padded.size(1))[None, :] < lengths[:, None]
    labels = torch.tensor([item["label"] for item in batch])
    return {"input_ids": padded, "attention_mask": mask, "lengths": lengths, "labels": labels}


class MeanPool(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(20, 8, padding_idx=0)
        self.fc = nn.Linear(8, 2)

    def forward(self, input_ids, attention_mask):
        h = self.emb(input_ids)
        m = attention_mask.unsqueeze(-1).float()
        return self.fc((h * m).sum(1) / m.sum(1).clamp(min=1))


if __name__ == "__main__":
    torch.manual_seed(0)
    ds = MyIterableDataset(start=3, end=17)
    single = [b.tolist() for b in DataLoader(ds, batch_size=4, num_workers=0)]
    multi = [b.tolist() for b in DataLoader(ds, batch_size=4, num_workers=2, worker_init_fn=worker_init_fn)]

    train_full, extra = TokenDataset(300, seed=0), TokenDataset(60, seed=1)
    combined = ConcatDataset([train_full, extra])
    train_set, val_set = random_split(combined, [300, 60], generator=torch.Generator().manual_seed(42))
    a, b, c = random_split(range(10), [0.5, 0.3, 0.2], generator=torch.Generator().manual_seed(42))
    again = random_split(range(10), [0.5, 0.3, 0.2], generator=torch.Generator().manual_seed(42))
    head = Subset(train_full, range(0, 50))

    g = torch.Generator()
    g.manual_seed(7)
    loader = DataLoader(train_set, batch_size=32, shuffle=True, collate_fn=pad_collate, generator=g)
    order1 = [batch["labels"].tolist() for batch in loader]
    g.manual_seed(7)
    order2 = [batch["labels"].tolist() for batch in loader]
    first = pad_collate([train_full[i] for i in range(4)])

    rng = np.random.default_rng(0)
    model = MeanPool()
    with torch.no_grad():
        for _, p in sorted(model.named_parameters()):
            p.copy_(torch.from_numpy((0.3 * rng.standard_normal(p.shape)).astype(np.float32)))
        model.emb.weight[0].zero_()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    fixed_loader = DataLoader(combined, batch_size=40, shuffle=False, collate_fn=pad_collate, drop_last=True)
    losses = []
    for epoch in range(5):
        for batch in fixed_loader:
            loss = F.cross_entropy(model(batch["input_ids"], batch["attention_mask"]), batch["labels"])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        losses.append(loss.item())
        print(f"epoch {epoch}: loss {loss.item():.4f}")
    print("RESULT " + json.dumps({
        "single": single, "multi": multi, "multi_items": sorted(x for b in multi for x in b), "losses": losses, "n_batches": [len(fixed_loader), len(loader)],
        "split_sizes": [len(train_set), len(val_set), len(a), len(b), len(c)],
        "split_disjoint": sorted(train_set.indices + val_set.indices) == list(range(360)),
        "split_repeat": [list(a) == list(again[0]), list(c) == list(again[2]),
                         sorted(list(a) + list(b) + list(c)) == list(range(10))],
        "subset": [len(head), head.indices == range(0, 50), head.dataset is train_full,
                   head[3]["input_ids"].tolist() == train_full[3]["input_ids"].tolist()],
        "concat": [len(combined), combined.cumulative_sizes, combined[300]["input_ids"].tolist(),
                   combined[-1]["label"] == extra[59]["label"]],
        "reproducible": order1 == order2, "shuffled_count": sum(len(o) for o in order1),
        "collate": [list(first["input_ids"].shape), first["attention_mask"].sum(1).tolist(),
                    first["lengths"].tolist(), str(first["attention_mask"].dtype), first["input_ids"].tolist()]}))
