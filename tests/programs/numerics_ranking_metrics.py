"""Hand-written numerics and evaluation code: a numerically stable softmax/log-softmax by
subtracting the max (torch.where for fully masked rows, clamp, logsumexp) against
F.softmax on huge logits, masked mean and masked max over padded positions, cumsum
tricks (exclusive cumsum, running mean, segment ids from boundaries, the trapezoid AUC
from a sorted ROC curve), F.one_hot, ranking metrics from argsort (ranks with double
argsort, AUC via the Mann-Whitney rank sum, MRR, precision@k and NDCG@k with torch.topk
and torch.log2), torch.unique(return_counts=True, return_inverse=True) for inverse-frequency
class weights in a weighted CrossEntropyLoss, torch.bincount, torch.bucketize histograms
and torch.searchsorted. Integer and float64 data from seeded NumPy: exact comparisons."""
import json
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

COMPARE = {"stable": ("abs", 1e-6), "stable_vs_builtin": ("abs", 1e-4), "lse": ("rel", 1e-6), "masked_rows": ("exact", None), "masked": ("abs", 1e-12),
           "cumsum": ("abs", 1e-12), "one_hot": ("exact", None), "ranks": ("exact", None),
           "auc": ("abs", 1e-6), "retrieval": ("abs", 1e-6), "unique": ("exact", None),
           "class_weights": ("abs", 1e-6), "weighted_loss": ("rel", 1e-6), "hist": ("exact", None),
           "dtypes": ("exact", None)}

rng = np.random.default_rng(0)


def stable_softmax(x, mask=None, dim=-1):
    if mask is not None:
        x = torch.where(mask, x, torch.tensor(float("-inf"), dtype=x.dtype))
    m = x.max(dim=dim, keepdim=True).values
    m = torch.where(torch.isfinite(m), m, torch.zeros_like(m))       # all-masked rows
    e = torch.exp(x - m)
    return e / e.sum(dim=dim, keepdim=True).clamp(min=1e-30)


def stable_log_softmax(x, dim=-1):
    return x - torch.logsumexp(x, dim=dim, keepdim=True)


big = torch.tensor([[1000.0, 1001.0, 1002.0], [-1000.0, -1000.5, -999.0], [0.0, 50.0, -50.0]])
mask = torch.tensor([[True, True, False], [False, False, False], [True, False, True]])
naive = torch.exp(big) / torch.exp(big).sum(-1, keepdim=True)
sm = stable_softmax(big, mask)
stable_vs_builtin = [(stable_softmax(big) - F.softmax(big, -1)).abs().max().item(),
                     (stable_log_softmax(big) - F.log_softmax(big, -1)).abs().max().item()]
stable = sm.tolist()
lse = torch.logsumexp(big, dim=1).tolist()
masked_rows = [bool(torch.isnan(naive).any()), sm[1].tolist(), bool(torch.isfinite(sm).all())]

# masked statistics over padded sequences
lengths = torch.from_numpy(rng.integers(1, 7, size=5))
values = torch.from_numpy(rng.standard_normal((5, 6)))
valid = torch.arange(6)[None, :] < lengths[:, None]
masked_mean = (values * valid).sum(1) / valid.sum(1)
masked_max = values.masked_fill(~valid, float("-inf")).max(1).values
masked = [masked_mean.tolist(), masked_max.tolist(),
          torch.nanmean(torch.where(valid, values, torch.tensor(float("nan"), dtype=values.dtype)), dim=1).tolist()]

# cumsum tricks
x = torch.from_numpy(rng.integers(0, 10, size=8).astype(np.float64))
exclusive = torch.cumsum(x, 0) - x
running_mean = torch.cumsum(x, 0) / torch.arange(1, 9)
boundaries = torch.tensor([1, 0, 0, 1, 0, 1, 0, 0])
segment_ids = torch.cumsum(boundaries, 0) - 1
segment_sums = torch.zeros(3, dtype=x.dtype).index_add_(0, segment_ids, x)
cumsum = [exclusive.tolist(), running_mean.tolist(), segment_ids.tolist(), segment_sums.tolist(),
          torch.cumprod(torch.tensor([1.0, 2.0, 0.5, 4.0]), 0).tolist(), torch.cummax(x, 0).values.tolist()]

labels = torch.from_numpy(rng.integers(0, 4, size=10))
one_hot = [F.one_hot(labels).tolist(), F.one_hot(labels, num_classes=6).sum(0).tolist(),
           str(F.one_hot(labels).dtype)]

# ranking metrics from scores (distinct values, so ranks are well defined)
scores = torch.from_numpy(rng.permutation(20).astype(np.float64) / 20 + rng.standard_normal(20) * 0.1)
targets = torch.from_numpy((rng.random(20) < 0.4).astype(np.int64))
order = torch.argsort(scores, descending=True)
ranks = torch.argsort(torch.argsort(scores)) + 1                   # 1 = lowest score
n_pos, n_neg = targets.sum(), (1 - targets).sum()
auc_mw = (ranks[targets == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
tps = torch.cumsum(targets[order], 0)
fps = torch.cumsum(1 - targets[order], 0)
tpr = torch.cat([torch.zeros(1), tps / n_pos])
fpr = torch.cat([torch.zeros(1), fps / n_neg])
auc_trapz = torch.trapezoid(tpr, fpr)
auc_manual = ((fpr[1:] - fpr[:-1]) * (tpr[1:] + tpr[:-1]) / 2).sum()

query_scores = torch.from_numpy(rng.standard_normal((4, 8)))
relevance = torch.from_numpy(rng.integers(0, 3, size=(4, 8)).astype(np.float64))
relevance[:, 0] = torch.tensor([2.0, 0.0, 1.0, 2.0])
k = 3
topk = torch.topk(query_scores, k, dim=1)
gains = torch.gather(relevance, 1, topk.indices)
discounts = 1.0 / torch.log2(torch.arange(2, k + 2, dtype=torch.float64))
dcg = (gains * discounts).sum(1)
ideal = (torch.sort(relevance, dim=1, descending=True).values[:, :k] * discounts).sum(1)
ndcg = dcg / ideal.clamp(min=1e-12)
precision_at_k = (gains > 0).float().mean(1)
first_hit = ((torch.gather(relevance, 1, torch.argsort(query_scores, dim=1, descending=True)) > 0)
             .float().argmax(1))
mrr = (1.0 / (first_hit + 1).float()).mean()
retrieval = [ndcg.tolist(), precision_at_k.tolist(), mrr.item(), topk.indices.tolist()]

# class weights from label frequencies
y = torch.from_numpy(rng.choice(5, size=200, p=[0.5, 0.25, 0.15, 0.07, 0.03]))
classes, inverse, counts = torch.unique(y, sorted=True, return_inverse=True, return_counts=True)
weights = len(y) / (len(classes) * counts.float())
logits = torch.from_numpy(rng.standard_normal((200, 5)).astype(np.float32))
loss_w = nn.CrossEntropyLoss(weight=weights)(logits, y)
manual = (-F.log_softmax(logits, 1)[torch.arange(200), y] * weights[y]).sum() / weights[y].sum()
values_u, counts_c = torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 2, 3, 1, 1]), return_counts=True)

edges = torch.tensor([-1.0, 0.0, 1.0])
hist = [torch.bucketize(torch.tensor([-2.0, -1.0, -0.5, 0.0, 0.5, 2.0]), edges).tolist(),
        torch.bucketize(torch.tensor([-1.0, 0.0, 1.0]), edges, right=True).tolist(),
        torch.searchsorted(torch.tensor([1, 3, 5, 7]), torch.tensor([0, 3, 6, 9])).tolist(),
        torch.bincount(y, minlength=6).tolist(),
        torch.histc(values.flatten().float(), bins=4, min=-2, max=2).tolist()]
print(f"AUC {auc_mw.item():.4f}, NDCG@3 {ndcg.mean().item():.4f}, weighted CE {loss_w.item():.4f}")
print("RESULT " + json.dumps({
    "stable": stable, "stable_vs_builtin": stable_vs_builtin, "lse": lse, "masked_rows": masked_rows, "masked": masked, "cumsum": cumsum, "one_hot": one_hot,
    "ranks": [ranks.tolist(), order.tolist()],
    "auc": [auc_mw.item(), auc_trapz.item(), auc_manual.item()], "retrieval": retrieval,
    "unique": [classes.tolist(), counts.tolist(), inverse[:10].tolist(), values_u.tolist(), counts_c.tolist()],
    "class_weights": weights.tolist(), "weighted_loss": [loss_w.item(), manual.item()], "hist": hist,
    "dtypes": [str(counts.dtype), str(weights.dtype), str(auc_mw.dtype), str(ranks.dtype),
               str(masked_mean.dtype), str(running_mean.dtype), str(segment_ids.dtype)]}))
