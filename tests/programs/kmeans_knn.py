"""Classic algorithms vectorised with tensor ops: k-means with torch.cdist, argmin,
index_add_ and bincount for the centroid update (and torch.allclose as a stopping test),
k-nearest-neighbour classification with topk(largest=False) and torch.mode voting,
pairwise distances by broadcasting, F.normalize + cosine similarity search, and
torch.bucketize for a histogram equaliser."""
import json

import numpy as np
import torch
import torch.nn.functional as F

COMPARE = {"iterations": ("exact", None), "inertia": ("rel", 1e-5), "centroids": ("abs", 1e-4),
           "cluster_sizes": ("exact", None), "knn_acc": ("exact", None),
           "cdist_match": ("exact", None), "cos_top": ("exact", None),
           "cos_sim": ("rel", 1e-5), "equalised": ("exact", None)}

rng = np.random.default_rng(0)
centers = np.array([[0.0, 0.0], [5.0, 5.0], [0.0, 6.0]])
labels_np = rng.integers(0, 3, size=300)
points = torch.from_numpy((centers[labels_np] + rng.standard_normal((300, 2))).astype(np.float32))
labels = torch.from_numpy(labels_np)

k = 3
centroids = points[torch.tensor([0, 100, 200])].clone()
for iteration in range(50):
    dists = torch.cdist(points, centroids)
    assign = dists.argmin(dim=1)
    sums = torch.zeros_like(centroids).index_add_(0, assign, points)
    counts = torch.bincount(assign, minlength=k).clamp(min=1).unsqueeze(1)
    new_centroids = sums / counts
    if torch.allclose(new_centroids, centroids):
        break
    centroids = new_centroids
inertia = (points - centroids[assign]).pow(2).sum().item()
order = torch.argsort(centroids[:, 0] * 10 + centroids[:, 1])  # a label-free ordering
sizes = torch.bincount(assign, minlength=k)[order].tolist()

train_x, train_y, test_x, test_y = points[:200], labels[:200], points[200:], labels[200:]
d = torch.cdist(test_x, train_x)
knn_d, knn_i = d.topk(5, dim=1, largest=False)
votes = train_y[knn_i]
pred = torch.mode(votes, dim=1).values
knn_acc = (pred == test_y).sum().item()

diff = test_x[:, None, :] - train_x[None, :, :]
brute = diff.pow(2).sum(-1).sqrt()
cdist_match = bool(torch.allclose(brute, d, atol=1e-3))

emb = F.normalize(torch.from_numpy(rng.standard_normal((50, 16)).astype(np.float32)), dim=1)
query = F.normalize(emb[7] + 0.1 * emb[3], dim=0)
sims = emb @ query
cos = F.cosine_similarity(emb[:5], query.unsqueeze(0), dim=1)
top = sims.topk(3).indices.tolist()

gray = torch.from_numpy(rng.integers(0, 256, size=(16, 16)).astype(np.uint8))
hist = torch.bincount(gray.flatten().long(), minlength=256)
cdf = hist.cumsum(0)
edges = torch.linspace(0, float(cdf[-1]), 9)[1:-1]
equalised = torch.bucketize(cdf[gray.long()].float(), edges)
print(f"k-means converged after {iteration} iterations, inertia {inertia:.2f}; kNN {knn_acc}/100")
print("RESULT " + json.dumps({
    "iterations": iteration, "inertia": inertia, "centroids": centroids[order].flatten().tolist(),
    "cluster_sizes": sizes, "knn_acc": knn_acc, "cdist_match": cdist_match, "cos_top": top,
    "cos_sim": cos.tolist(), "equalised": torch.bincount(equalised.flatten(), minlength=8).tolist()}))
