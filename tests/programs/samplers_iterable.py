"""Data plumbing beyond TensorDataset: an IterableDataset streaming a synthetic series
(with worker-info sharding code), WeightedRandomSampler rebalancing a skewed label set,
BatchSampler over a SequentialSampler, ConcatDataset and Subset, and a RandomSampler
with replacement over 10**10 samples that must draw lazily."""
import json
import math

import torch
from torch.utils.data import (BatchSampler, ConcatDataset, DataLoader, IterableDataset,
                              RandomSampler, SequentialSampler, Subset, TensorDataset,
                              WeightedRandomSampler, get_worker_info)

COMPARE = {"stream_batches": ("exact", None), "stream_sum": ("rel", 1e-6),
           "minority_share": ("abs", 0.05), "weighted_len": ("exact", None),
           "batch_sampler": ("exact", None), "concat_len": ("exact", None),
           "subset_sum": ("rel", 1e-6), "random_sampler_len": ("exact", None),
           "random_sampler_unique": ("exact", None),
           "huge_sampler": ("exact", None)}

torch.manual_seed(0)


class SineStream(IterableDataset):
    def __init__(self, start, end, window=8):
        super().__init__()
        self.start, self.end, self.window = start, end, window

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            lo, hi = self.start, self.end
        else:  # split the range between workers
            per = int(math.ceil((self.end - self.start) / info.num_workers))
            lo = self.start + info.id * per
            hi = min(lo + per, self.end)
        for t in range(lo, hi):
            xs = torch.sin(torch.arange(t, t + self.window, dtype=torch.float32) * 0.1)
            yield xs[:-1], xs[-1:]


stream = DataLoader(SineStream(0, 100), batch_size=16)
total, n = 0.0, 0
for xb, yb in stream:
    total += xb.sum().item() + yb.sum().item()
    n += 1

# 90 % of the labels are 0: weight each sample by 1 / (its class frequency)
labels = torch.tensor([0] * 900 + [1] * 100)
features = torch.arange(1000, dtype=torch.float32).unsqueeze(1)
counts = torch.bincount(labels)
weights = 1.0 / counts[labels].float()
sampler = WeightedRandomSampler(weights, num_samples=2000, replacement=True)
loader = DataLoader(TensorDataset(features, labels), batch_size=100, sampler=sampler)
seen = torch.cat([yb for _, yb in loader])
minority = (seen == 1).float().mean().item()

batches = list(BatchSampler(SequentialSampler(range(10)), batch_size=4, drop_last=False))

a = TensorDataset(torch.ones(5, 2))
b = TensorDataset(torch.zeros(7, 2))
both = ConcatDataset([a, b])
sub = Subset(TensorDataset(torch.arange(20.0)), indices=[1, 3, 5, 7])
subset_sum = sum(x.item() for (x,) in sub)

rs = RandomSampler(range(50), replacement=True, num_samples=200)
drawn = list(rs)
perm = list(RandomSampler(range(50)))
huge = RandomSampler(range(10), replacement=True, num_samples=10 ** 10)  # must draw lazily
it = iter(huge)
first = [next(it) for _ in range(1000)]
huge_sampler = [len(huge), all(0 <= i < 10 for i in first), len(set(first)) == 10]

print(f"minority share after reweighting: {minority:.3f}")
print("RESULT " + json.dumps({
    "stream_batches": n, "stream_sum": total, "minority_share": minority,
    "weighted_len": len(sampler), "batch_sampler": batches, "concat_len": len(both),
    "subset_sum": subset_sum, "random_sampler_len": len(drawn),
    "random_sampler_unique": sorted(perm) == list(range(50)), "huge_sampler": huge_sampler}))
