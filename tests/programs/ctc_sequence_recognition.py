"""Sequence recognition with nn.CTCLoss, as in toy speech/OCR tutorials: feature frames that
repeat each target symbol a random number of times, a bidirectional GRU emitting
(T, N, C) log-probabilities via log_softmax(2), CTCLoss(blank=0, zero_infinity=True)
with per-sample input and target lengths (concatenated 1-D targets), greedy decoding with
argmax + unique_consecutive + blank removal, and the F.ctc_loss value on fixed inputs."""
import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

COMPARE = {"first_loss": ("rel", 1e-4), "final_loss": ("rel", 0.03), "seq_acc": ("abs", 0.1),
           "fixed_ctc": ("rel", 1e-5), "fixed_ctc_sum": ("rel", 1e-5), "decoded": ("exact", None)}

rng = np.random.default_rng(0)
C = 6  # blank + 5 symbols


def make_batch(n=16):
    feats, targets, in_lens, tgt_lens = [], [], [], []
    for _ in range(n):
        L = rng.integers(2, 5)
        seq = rng.integers(1, C, size=L)
        frames = []
        for s in seq:
            frames += [np.eye(C)[s] + 0.3 * rng.standard_normal(C) for _ in range(rng.integers(2, 4))]
            frames.append(0.3 * rng.standard_normal(C))          # a gap between symbols
        feats.append(np.array(frames, np.float32))
        targets.append(seq)
        in_lens.append(len(frames))
        tgt_lens.append(L)
    T = max(in_lens)
    x = np.zeros((T, n, C), np.float32)
    for i, f in enumerate(feats):
        x[:len(f), i] = f
    return (torch.from_numpy(x), torch.from_numpy(np.concatenate(targets)),
            torch.tensor(in_lens), torch.tensor(tgt_lens), targets)


class Recognizer(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(C, 16, bidirectional=True)
        self.fc = nn.Linear(32, C)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out).log_softmax(2)


model = Recognizer()
with torch.no_grad():
    for _, p in sorted(model.named_parameters()):
        p.copy_(torch.from_numpy(0.3 * rng.standard_normal(p.shape).astype(np.float32)))
ctc_loss = nn.CTCLoss(blank=0, zero_infinity=True)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
losses = []
for step in range(50):
    x, targets, in_lens, tgt_lens, _ = make_batch()
    log_probs = model(x)
    loss = ctc_loss(log_probs, targets, in_lens, tgt_lens)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())


def greedy_decode(log_probs, lengths):
    best = log_probs.argmax(2).T           # (N, T)
    out = []
    for seq, L in zip(best, lengths):
        collapsed = torch.unique_consecutive(seq[:L])
        out.append(collapsed[collapsed != 0].tolist())
    return out


x, _, in_lens, _, raw = make_batch(40)
with torch.no_grad():
    decoded = greedy_decode(model(x), in_lens)
seq_acc = float(np.mean([d == list(t) for d, t in zip(decoded, raw)]))
fixed = torch.linspace(-1, 1, 5 * 2 * 4).view(5, 2, 4).log_softmax(2)
tg = torch.tensor([[1, 2], [3, 3]])
fixed_ctc = F.ctc_loss(fixed, tg, torch.tensor([5, 4]), torch.tensor([2, 2]), reduction="mean").item()
fixed_sum = F.ctc_loss(fixed, tg, torch.tensor([5, 5]), torch.tensor([2, 1]), reduction="sum").item()
print(f"CTC loss {losses[0]:.3f} -> {losses[-1]:.3f}, sequence accuracy {seq_acc:.2f}")
print("RESULT " + json.dumps({"first_loss": losses[0], "final_loss": sum(losses[-5:]) / 5,
                              "seq_acc": seq_acc, "fixed_ctc": fixed_ctc, "fixed_ctc_sum": fixed_sum,
                              "decoded": greedy_decode(fixed, [5, 4])}))
