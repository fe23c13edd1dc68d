"""Skip-gram word2vec with negative sampling: a vocabulary with collections.Counter, the
unigram^0.75 noise distribution sampled with torch.multinomial(replacement=True),
center/context embeddings, batched dot products with torch.bmm, F.logsigmoid, a
DataLoader over (center, context) pairs shuffled by a torch.Generator, SparseAdam-free
plain Adam, and nearest neighbours by cosine similarity at the end."""
import json
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

COMPARE = {"vocab": ("exact", None), "n_pairs": ("exact", None), "noise_sum": ("rel", 1e-6),
           "first_loss": ("rel", 0.02), "final_loss": ("rel", 0.03),
           "neg_shape": ("exact", None), "neighbour_sim": ("abs", 0.02),
           "noise_freq_err": ("abs", 0.01)}

torch.manual_seed(0)
corpus = ("the king rules the land . the queen rules the land . a king and a queen "
          "live in a castle . the dog runs in the park . a cat runs in the park . "
          "the dog and the cat play .").split() * 5
counts = Counter(corpus)
vocab = sorted(counts, key=lambda w: (-counts[w], w))
w2i = {w: i for i, w in enumerate(vocab)}
ids = [w2i[w] for w in corpus]
window = 2
pairs = [(ids[i], ids[j]) for i in range(len(ids))
         for j in range(max(0, i - window), min(len(ids), i + window + 1)) if j != i]
centers = torch.tensor([c for c, _ in pairs])
contexts = torch.tensor([o for _, o in pairs])

freq = torch.tensor([counts[w] for w in vocab], dtype=torch.float)
noise = freq.pow(0.75)
noise = noise / noise.sum()


class SkipGram(nn.Module):
    def __init__(self, vocab_size, dim=16):
        super().__init__()
        self.in_embed = nn.Embedding(vocab_size, dim)
        self.out_embed = nn.Embedding(vocab_size, dim)
        self.in_embed.weight.data.uniform_(-0.5 / dim, 0.5 / dim)
        self.out_embed.weight.data.zero_()

    def forward(self, center, context, negatives):
        v = self.in_embed(center).unsqueeze(2)                 # (B, D, 1)
        u_pos = self.out_embed(context).unsqueeze(1)           # (B, 1, D)
        u_neg = self.out_embed(negatives)                      # (B, K, D)
        pos = F.logsigmoid(torch.bmm(u_pos, v).squeeze())
        neg = F.logsigmoid(-torch.bmm(u_neg, v).squeeze(2)).sum(1)
        return -(pos + neg).mean()


model = SkipGram(len(vocab))
opt = torch.optim.Adam(model.parameters(), lr=0.02)
loader = DataLoader(TensorDataset(centers, contexts), batch_size=128, shuffle=True,
                    generator=torch.Generator().manual_seed(0))
K = 5
losses = []
for epoch in range(6):
    total = 0.0
    for c, o in loader:
        negatives = torch.multinomial(noise, c.size(0) * K, replacement=True).view(c.size(0), K)
        loss = model(c, o, negatives)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    losses.append(total / len(loader))

emb = F.normalize(model.in_embed.weight.detach(), dim=1)
sims = emb @ emb[w2i["king"]]
sims[w2i["king"]] = -1
best = sims.argmax().item()
draws = torch.multinomial(noise, 20000, replacement=True)
emp = torch.bincount(draws, minlength=len(vocab)).float() / 20000
print(f"epoch losses {[round(l, 3) for l in losses]}; nearest to king: {vocab[best]}")
print("RESULT " + json.dumps({
    "vocab": vocab, "n_pairs": len(pairs), "noise_sum": noise.sum().item(),
    "first_loss": losses[0], "final_loss": losses[-1], "neg_shape": list(negatives.shape),
    "neighbour_sim": sims.max().item(), "noise_freq_err": (emp - noise).abs().max().item()}))
