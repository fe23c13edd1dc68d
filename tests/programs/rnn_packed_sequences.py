"""Variable-length sequence classification: pad_sequence, pack_padded_sequence
(enforce_sorted=False) through a bidirectional 2-layer LSTM and a GRU, h_n of the last
layer's two directions, pad_packed_sequence to recover per-step outputs, and a
masked mean over real time steps."""
import json

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

COMPARE = {"first_loss": ("rel", 1e-4), "final_loss": ("rel", 0.03),
           "acc": ("abs", 0.05), "padded_shape": ("exact", None),
           "unpacked_lengths": ("exact", None), "batch_sizes": ("exact", None),
           "pad_zero": ("exact", None)}

rng = np.random.default_rng(0)


def make_batch(n=32):
    lengths = rng.integers(2, 12, size=n)
    seqs = [torch.from_numpy(rng.standard_normal((L, 3)).astype(np.float32)) for L in lengths]
    labels = torch.tensor([int(s[:, 0].sum() > 0) for s in seqs])
    return seqs, torch.from_numpy(lengths), labels


class SeqClassifier(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.lstm = nn.LSTM(3, hidden, num_layers=2, batch_first=True, bidirectional=True)
        self.gru = nn.GRU(2 * hidden, hidden, batch_first=True)
        self.fc = nn.Linear(2 * hidden + hidden, 2)

    def forward(self, padded, lengths):
        packed = pack_padded_sequence(padded, lengths.cpu(), batch_first=True,
                                      enforce_sorted=False)
        packed_out, (h_n, c_n) = self.lstm(packed)
        last = torch.cat([h_n[-2], h_n[-1]], dim=1)  # forward and backward, top layer
        gru_out, h_gru = self.gru(packed_out)
        out, out_lengths = pad_packed_sequence(gru_out, batch_first=True)
        mask = (torch.arange(out.size(1))[None, :] < out_lengths[:, None]).unsqueeze(-1)
        mean = (out * mask).sum(1) / out_lengths.unsqueeze(1).float()
        return self.fc(torch.cat([last, mean], dim=1)), packed_out, out_lengths


model = SeqClassifier()
with torch.no_grad():
    for _, p in sorted(model.named_parameters()):
        p.copy_(torch.from_numpy(0.3 * rng.standard_normal(p.shape).astype(np.float32)))

optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
criterion = nn.CrossEntropyLoss()
losses = []
for step in range(40):
    seqs, lengths, labels = make_batch()
    padded = pad_sequence(seqs, batch_first=True)
    logits, _, _ = model(padded, lengths)
    loss = criterion(logits, labels)
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
    optimizer.step()
    losses.append(loss.item())

model.eval()
seqs, lengths, labels = make_batch(200)
padded = pad_sequence(seqs, batch_first=True, padding_value=0.0)
with torch.no_grad():
    logits, packed_out, out_lengths = model(padded, lengths)
acc = (logits.argmax(1) == labels).float().mean().item()
short = pad_sequence([torch.ones(2), torch.ones(4)], batch_first=True)
print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f}, accuracy {acc:.3f}")
print("RESULT " + json.dumps({
    "first_loss": losses[0], "final_loss": sum(losses[-5:]) / 5, "acc": acc,
    "padded_shape": list(padded.shape), "unpacked_lengths": out_lengths.tolist()[:10],
    "batch_sizes": packed_out.batch_sizes.tolist(), "pad_zero": short.tolist()}))
