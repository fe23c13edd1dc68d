"""Array utilities from preprocessing and evaluation code: repeat_interleave (also with
per-element repeats, as for building segment ids), roll for a shift augmentation,
unique (sorted, return_inverse, return_counts) and unique_consecutive for a vocabulary,
sort (descending, stable), argsort, topk for precision@k, cumsum/cumprod for discounted
returns, flip, diff, searchsorted/bucketize for binning, histc, kthvalue, median, mode."""
import json

import numpy as np
import torch

COMPARE = {"repeat": ("exact", None), "roll": ("exact", None), "unique": ("exact", None),
           "sort": ("exact", None), "topk": ("exact", None), "returns": ("rel", 1e-6),
           "cumsum": ("exact", None), "binning": ("exact", None), "stats": ("exact", None),
           "precision_at_k": ("rel", 1e-6), "flip_diff": ("exact", None)}

rng = np.random.default_rng(0)
lengths = torch.tensor([2, 3, 1])
segment_ids = torch.repeat_interleave(torch.arange(3), lengths)
repeat = [segment_ids.tolist(), torch.tensor([[1, 2], [3, 4]]).repeat_interleave(2, dim=0).tolist(),
          torch.tensor([1, 2]).repeat_interleave(3).tolist(), torch.tensor([5, 6]).repeat(2, 2).tolist()]

img = torch.arange(12).view(3, 4)
roll = [torch.roll(img, shifts=1, dims=1).tolist(), img.roll(-1, 0).tolist(),
        torch.roll(img, shifts=(1, 2), dims=(0, 1)).tolist(), img.roll(5).tolist()]

words = torch.tensor([4, 1, 4, 7, 1, 1, 9, 4])
vals, inverse, counts = torch.unique(words, sorted=True, return_inverse=True, return_counts=True)
uc, uc_counts = torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 2, 1, 3]), return_counts=True)
unique = [vals.tolist(), inverse.tolist(), counts.tolist(), uc.tolist(), uc_counts.tolist(),
          torch.tensor([[1, 2], [1, 2], [0, 5]]).unique(dim=0).tolist(), words.unique().tolist()]

scores = torch.tensor([0.3, 0.9, 0.1, 0.9, 0.5, 0.7])
s_desc, i_desc = torch.sort(scores, descending=True, stable=True)
sort = [s_desc.tolist(), i_desc.tolist(), torch.argsort(scores).tolist()[:2],
        scores.sort().indices.tolist()[:2], torch.sort(torch.tensor([[3, 1], [0, 2]]), dim=0)[0].tolist()]

topv, topi = torch.topk(scores, k=3)
smallest = scores.topk(2, largest=False)
topk = [topv.tolist(), sorted(topi.tolist()), smallest.values.tolist(), smallest.indices.tolist()]

# recommendation metric: precision@3 per user
user_scores = torch.from_numpy(rng.standard_normal((4, 10)).astype(np.float32))
relevant = torch.from_numpy(rng.random((4, 10)) < 0.3)
_, top3 = user_scores.topk(3, dim=1)
precision_at_k = relevant.gather(1, top3).float().mean(1).tolist()

rewards = torch.tensor([0.0, 0.0, 1.0, 0.0, 2.0])
gamma = 0.9
discounts = torch.cumprod(torch.full((5,), gamma), 0) / gamma
returns = torch.flip(torch.cumsum(torch.flip(rewards * discounts, [0]), 0), [0]) / discounts
cumsum = [torch.arange(1, 6).cumsum(0).tolist(), torch.tensor([[1, 2], [3, 4]]).cumsum(dim=1).tolist(),
          str(torch.tensor([1, 2], dtype=torch.int32).cumsum(0).dtype).split(".")[-1],
          torch.cummax(torch.tensor([1, 3, 2, 5, 4]), 0)[0].tolist(),
          torch.logcumsumexp(torch.zeros(3), 0).tolist()]

edges = torch.tensor([0.0, 1.0, 2.5, 4.0])
data = torch.tensor([-1.0, 0.0, 0.5, 1.0, 3.0, 4.0, 7.0])
binning = [torch.bucketize(data, edges).tolist(), torch.bucketize(data, edges, right=True).tolist(),
           torch.searchsorted(edges, data).tolist(), torch.searchsorted(edges, torch.tensor([2.5]), right=True).tolist(),
           torch.histc(data, bins=4, min=0, max=4).tolist(),
           torch.bincount(torch.tensor([0, 2, 2, 5])).tolist()]

m = torch.tensor([[3.0, 1.0, 2.0, 2.5], [9.0, 6.0, 7.0, 8.0]])  # no ties: tied indices are unspecified
kv = torch.kthvalue(m, 2, dim=1)
med = m.median(dim=1)
mode = torch.mode(torch.tensor([[1, 2, 2, 3], [4, 4, 0, 4]]), dim=1)
stats = [kv.values.tolist(), kv.indices.tolist(), med.values.tolist(), m.median().item(),
         mode.values.tolist(), m.max(dim=1).indices.tolist(), m.min(1).values.tolist(),
         torch.quantile(m, 0.25, dim=1).tolist(), m.amax(dim=0).tolist()]
flip_diff = [m.flip(1).tolist(), torch.fliplr(m).tolist(), torch.diff(m, dim=1).tolist(),
             torch.diff(torch.tensor([1, 4, 9, 16]), n=2).tolist()]

print(f"segment ids {segment_ids.tolist()}, returns {[f'{r:.3f}' for r in returns.tolist()]}")
print("RESULT " + json.dumps({"repeat": repeat, "roll": roll, "unique": unique, "sort": sort,
                              "topk": topk, "returns": returns.tolist(), "cumsum": cumsum,
                              "binning": binning, "stats": stats,
                              "precision_at_k": precision_at_k, "flip_diff": flip_diff}))
