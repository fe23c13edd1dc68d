"""Token tagging with padded batches: nn.Embedding(padding_idx=0), a 1-layer GRU,
CrossEntropyLoss(ignore_index=-100 on padded targets, label_smoothing=0.1) on (N, C, T)
logits, plus a bag-of-words classifier on nn.EmbeddingBag(mode="mean") with offsets;
F.one_hot, F.log_softmax/F.nll_loss cross-checks, and the padding row's zero gradient."""
import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

COMPARE = {"tag_first": ("rel", 1e-4), "tag_final": ("rel", 0.02), "bag_first": ("rel", 1e-4),
           "bag_final": ("rel", 0.02), "pad_grad_zero": ("exact", None),
           "nll_matches": ("exact", None), "one_hot": ("exact", None),
           "smoothing_values": ("rel", 1e-5), "tag_acc": ("abs", 0.03)}

rng = np.random.default_rng(0)
VOCAB, TAGS, PAD = 30, 4, 0


def make_batch(n=24, T=10):
    tokens = np.zeros((n, T), dtype=np.int64)
    tags = np.full((n, T), -100, dtype=np.int64)
    for i in range(n):
        L = rng.integers(4, T + 1)
        tokens[i, :L] = rng.integers(1, VOCAB, size=L)
        tags[i, :L] = tokens[i, :L] % TAGS          # the tag is a function of the token
    return torch.from_numpy(tokens), torch.from_numpy(tags)


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, 16, padding_idx=PAD)
        self.rnn = nn.GRU(16, 24, batch_first=True)
        self.proj = nn.Linear(24, TAGS)

    def forward(self, tokens):
        out, _ = self.rnn(self.emb(tokens))
        return self.proj(out).permute(0, 2, 1)  # (N, C, T) as cross_entropy wants


def numpy_init(model):
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            p.copy_(torch.from_numpy(0.3 * rng.standard_normal(p.shape).astype(np.float32)))
        if hasattr(model, "emb"):
            model.emb.weight[PAD].fill_(0)


tagger = Tagger()
numpy_init(tagger)
criterion = nn.CrossEntropyLoss(ignore_index=-100, label_smoothing=0.1)
opt = torch.optim.Adam(tagger.parameters(), lr=1e-2)
tag_losses = []
for step in range(50):
    tokens, tags = make_batch()
    loss = criterion(tagger(tokens), tags)
    opt.zero_grad()
    loss.backward()
    if step == 0:
        pad_grad_zero = bool((tagger.emb.weight.grad[PAD] == 0).all())
    opt.step()
    tag_losses.append(loss.item())

tokens, tags = make_batch(100)
with torch.no_grad():
    pred = tagger(tokens).argmax(1)
valid = tags != -100
tag_acc = (pred[valid] == tags[valid]).float().mean().item()

bag = nn.EmbeddingBag(VOCAB, 8, mode="mean")
clf = nn.Linear(8, 2)
with torch.no_grad():
    bag.weight.copy_(torch.from_numpy(0.5 * rng.standard_normal((VOCAB, 8)).astype(np.float32)))
    clf.weight.copy_(torch.from_numpy(0.5 * rng.standard_normal((2, 8)).astype(np.float32)))
    clf.bias.zero_()
opt = torch.optim.SGD(list(bag.parameters()) + list(clf.parameters()), lr=0.5)
bag_losses = []
for step in range(60):
    lengths = rng.integers(2, 6, size=16)
    flat = torch.from_numpy(rng.integers(1, VOCAB, size=int(lengths.sum())))
    offsets = torch.from_numpy(np.concatenate([[0], np.cumsum(lengths)[:-1]]))
    labels = torch.tensor([int((flat[o:o + L] < 15).sum() * 2 > L)
                           for o, L in zip(offsets.tolist(), lengths.tolist())])
    loss = F.cross_entropy(clf(bag(flat, offsets)), labels)
    opt.zero_grad()
    loss.backward()
    opt.step()
    bag_losses.append(loss.item())

logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 0.3]])
target = torch.tensor([0, 2])
nll_matches = torch.allclose(F.nll_loss(F.log_softmax(logits, dim=1), target),
                             F.cross_entropy(logits, target))
smooth = [F.cross_entropy(logits, target, label_smoothing=s).item() for s in (0.0, 0.2, 0.5)]
print(f"tagger {tag_losses[0]:.3f} -> {tag_losses[-1]:.3f} (acc {tag_acc:.3f}), "
      f"bag {bag_losses[0]:.3f} -> {bag_losses[-1]:.3f}")
print("RESULT " + json.dumps({
    "tag_first": tag_losses[0], "tag_final": sum(tag_losses[-5:]) / 5,
    "bag_first": bag_losses[0], "bag_final": sum(bag_losses[-10:]) / 10,
    "pad_grad_zero": pad_grad_zero, "nll_matches": bool(nll_matches),
    "one_hot": F.one_hot(target, num_classes=3).tolist(), "smoothing_values": smooth,
    "tag_acc": tag_acc}))
