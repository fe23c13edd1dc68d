"""A two-layer graph convolutional network for node classification, in the style of the
original GCN code: a symmetric-normalised adjacency D^-1/2 (A + I) D^-1/2 stored as
torch.sparse_coo_tensor and applied with torch.sparse.mm / torch.spmm, weights as
nn.Parameter(torch.FloatTensor(in, out)) reset with uniform_(-stdv, stdv), masks for
train/val/test splits, F.log_softmax + F.nll_loss, and message passing checked against
a scatter-style index_add_ implementation."""
import json
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.parameter import Parameter

COMPARE = {"first_loss": ("rel", 1e-4), "final_loss": ("rel", 0.02), "val_acc": ("abs", 0.04),
           "test_acc": ("abs", 0.04), "nnz": ("exact", None), "spmm_match": ("exact", None),
           "dense_match": ("exact", None), "is_sparse": ("exact", None)}

rng = np.random.default_rng(0)
n, k, f = 120, 3, 8
community = rng.integers(0, k, size=n)
src, dst = [], []
for i in range(n):
    for j in range(i + 1, n):
        p = 0.15 if community[i] == community[j] else 0.01
        if rng.random() < p:
            src += [i, j]
            dst += [j, i]
features = torch.from_numpy((np.eye(k)[community] @ rng.standard_normal((k, f)) * 0.5
                             + rng.standard_normal((n, f))).astype(np.float32))
labels = torch.from_numpy(community)

edge_index = torch.tensor([src + list(range(n)), dst + list(range(n))])  # with self loops
deg = torch.zeros(n).index_add_(0, edge_index[0], torch.ones(edge_index.size(1)))
d_inv_sqrt = deg.pow(-0.5)
values = d_inv_sqrt[edge_index[0]] * d_inv_sqrt[edge_index[1]]
adj = torch.sparse_coo_tensor(edge_index, values, (n, n)).coalesce()


class GraphConvolution(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.weight = Parameter(torch.FloatTensor(in_features, out_features))
        self.bias = Parameter(torch.FloatTensor(out_features)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.weight.size(1))
        self.weight.data.uniform_(-stdv, stdv)
        if self.bias is not None:
            self.bias.data.uniform_(-stdv, stdv)

    def forward(self, input, adj):
        support = torch.mm(input, self.weight)
        output = torch.spmm(adj, support)
        return output + self.bias if self.bias is not None else output


class GCN(nn.Module):
    def __init__(self, nfeat, nhid, nclass, dropout):
        super().__init__()
        self.gc1 = GraphConvolution(nfeat, nhid)
        self.gc2 = GraphConvolution(nhid, nclass)
        self.dropout = dropout

    def forward(self, x, adj):
        x = F.relu(self.gc1(x, adj))
        x = F.dropout(x, self.dropout, training=self.training)
        return F.log_softmax(self.gc2(x, adj), dim=1)


model = GCN(f, 16, k, dropout=0.0)
with torch.no_grad():
    for _, p in sorted(model.named_parameters()):
        p.copy_(torch.from_numpy(rng.uniform(-0.3, 0.3, p.shape).astype(np.float32)))
idx_train, idx_val, idx_test = torch.arange(0, 30), torch.arange(30, 70), torch.arange(70, n)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
losses = []
for epoch in range(60):
    model.train()
    optimizer.zero_grad()
    output = model(features, adj)
    loss_train = F.nll_loss(output[idx_train], labels[idx_train])
    loss_train.backward()
    optimizer.step()
    losses.append(loss_train.item())


def accuracy(output, labels):
    preds = output.max(1)[1].type_as(labels)
    return preds.eq(labels).double().sum().item() / len(labels)


model.eval()
with torch.no_grad():
    output = model(features, adj)
h = torch.from_numpy(rng.standard_normal((n, 4)).astype(np.float32))
messages = h[edge_index[1]] * values.unsqueeze(1)
scatter = torch.zeros(n, 4).index_add_(0, edge_index[0], messages)
spmm_match = torch.allclose(torch.sparse.mm(adj, h), scatter, atol=1e-5)
dense_match = torch.allclose(adj.to_dense() @ h, scatter, atol=1e-5)
print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f}, test acc {accuracy(output[idx_test], labels[idx_test]):.3f}")
print("RESULT " + json.dumps({
    "first_loss": losses[0], "final_loss": losses[-1],
    "val_acc": accuracy(output[idx_val], labels[idx_val]),
    "test_acc": accuracy(output[idx_test], labels[idx_test]), "nnz": adj._nnz(),
    "spmm_match": bool(spmm_match), "dense_match": bool(dense_match),
    "is_sparse": [adj.is_sparse, adj.layout == torch.sparse_coo, h.is_sparse]}))
