"""Losses beyond cross-entropy in one training script: knowledge distillation with
nn.KLDivLoss(reduction="batchmean") on temperature-scaled log_softmax/softmax, triplet
metric learning with nn.TripletMarginLoss and hard-negative mining by
nn.PairwiseDistance, nn.CosineSimilarity / CosineEmbeddingLoss, nn.Bilinear scoring,
nn.LazyLinear materialised on the first batch, plus the value of each classic loss
(Huber, SmoothL1, MarginRanking, HingeEmbedding, MultiLabelSoftMargin, MultiMargin,
SoftMargin, PoissonNLL, GaussianNLL, L1) on fixed inputs."""
import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

COMPARE = {"kd_first": ("rel", 1e-4), "kd_final": ("rel", 0.02), "triplet_first": ("rel", 1e-4),
           "triplet_final": ("rel", 0.05), "lazy_shape": ("exact", None),
           "loss_values": ("rel", 1e-5), "cos": ("rel", 1e-5), "bilinear_shape": ("exact", None)}

rng = np.random.default_rng(0)
T = 4.0


def npinit(module, scale=0.3):
    with torch.no_grad():
        for _, p in sorted(module.named_parameters()):
            p.copy_(torch.from_numpy(scale * rng.standard_normal(p.shape).astype(np.float32)))


X = torch.from_numpy(rng.standard_normal((256, 12)).astype(np.float32))
teacher = nn.Sequential(nn.Linear(12, 64), nn.ReLU(), nn.Linear(64, 5))
student = nn.Sequential(nn.LazyLinear(16), nn.ReLU(), nn.Linear(16, 5))
npinit(teacher)
student(X[:2])  # materialise the lazy layer
lazy_shape = list(student[0].weight.shape)
npinit(student)
y = teacher(X).argmax(1).detach()
kd_loss_fn = nn.KLDivLoss(reduction="batchmean")
opt = torch.optim.Adam(student.parameters(), lr=1e-2)
kd = []
for step in range(60):
    with torch.no_grad():
        t_logits = teacher(X)
    s_logits = student(X)
    soft = kd_loss_fn(F.log_softmax(s_logits / T, dim=1), F.softmax(t_logits / T, dim=1)) * T * T
    loss = 0.7 * soft + 0.3 * F.cross_entropy(s_logits, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    kd.append(loss.item())

embed = nn.Sequential(nn.Linear(12, 16), nn.Tanh(), nn.Linear(16, 8))
npinit(embed)
classes = torch.from_numpy(rng.integers(0, 4, size=256))
centers = torch.from_numpy(rng.standard_normal((4, 12)).astype(np.float32)) * 0.7
Xc = centers[classes] + X * 0.5
triplet = nn.TripletMarginLoss(margin=2.0, p=2)
pdist = nn.PairwiseDistance(p=2)
opt = torch.optim.SGD(embed.parameters(), lr=0.05)
trip = []
for step in range(40):
    e = embed(Xc)
    anchors, positives, negatives = [], [], []
    for i in range(0, 64):
        same = (classes == classes[i]).nonzero().flatten()
        pos = same[same != i][0]
        diff = (classes != classes[i]).nonzero().flatten()
        d_neg = pdist(e[i].unsqueeze(0).expand(len(diff), -1), e[diff])
        neg = diff[d_neg.argmin()]                       # hardest negative
        anchors.append(i); positives.append(pos); negatives.append(neg)
    loss = triplet(e[anchors], e[torch.stack(positives)], e[torch.stack(negatives)])
    opt.zero_grad()
    loss.backward()
    opt.step()
    trip.append(loss.item())

a = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.2, -0.3]])
b = torch.tensor([[1.0, 0.0, 1.0], [-1.0, 0.5, 0.5]])
cos = nn.CosineSimilarity(dim=1, eps=1e-8)(a, b).tolist()
bil = nn.Bilinear(3, 3, 4)
target_pm = torch.tensor([1.0, -1.0])
losses = [
    nn.HuberLoss(delta=0.5)(a, b), nn.SmoothL1Loss(beta=0.5)(a, b), nn.L1Loss()(a, b),
    nn.MarginRankingLoss(margin=0.1)(a[:, 0], b[:, 0], target_pm),
    nn.HingeEmbeddingLoss(margin=1.0)(a.abs().sum(1), target_pm),
    nn.MultiLabelSoftMarginLoss()(a, (b > 0).float()),
    nn.MultiMarginLoss()(a, torch.tensor([2, 0])), nn.SoftMarginLoss()(a[:, 0], target_pm),
    nn.PoissonNLLLoss()(a, b.abs()), nn.GaussianNLLLoss()(a, b, torch.ones(2, 3) * 0.5),
    nn.CosineEmbeddingLoss(margin=0.2)(a, b, target_pm),
    nn.KLDivLoss(reduction="sum", log_target=True)(F.log_softmax(a, 1), F.log_softmax(b, 1)),
    nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0, 1.0, 0.5]))(a, (b > 0).float()),
    nn.NLLLoss(weight=torch.tensor([1.0, 2.0, 0.5]))(F.log_softmax(a, 1), torch.tensor([1, 2])),
]
print(f"distillation {kd[0]:.4f} -> {kd[-1]:.4f}; triplet {trip[0]:.4f} -> {trip[-1]:.4f}")
print("RESULT " + json.dumps({
    "kd_first": kd[0], "kd_final": kd[-1], "triplet_first": trip[0],
    "triplet_final": sum(trip[-5:]) / 5, "lazy_shape": lazy_shape,
    "loss_values": [l.item() for l in losses], "cos": cos,
    "bilinear_shape": list(bil(a, b).shape)}))
