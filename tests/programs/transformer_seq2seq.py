"""Sequence reversal with nn.Transformer (batch_first): token and learned positional
embeddings, a causal target mask from generate_square_subsequent_mask, source and target
key-padding masks, teacher forcing with CrossEntropyLoss(ignore_index=PAD), then greedy
decoding token by token under torch.no_grad()."""
import json
import math

import numpy as np
import torch
import torch.nn as nn

COMPARE = {"first_loss": ("rel", 1e-4), "final_loss": ("rel", 0.03),
           "token_acc": ("abs", 0.08), "mask": ("exact", None), "n_params": ("exact", None)}

PAD, BOS, EOS, VOCAB = 0, 1, 2, 12
rng = np.random.default_rng(0)


def make_batch(n=32):
    lengths = rng.integers(3, 7, size=n)
    src = np.full((n, 7), PAD)
    tgt = np.full((n, 8), PAD)
    for i, L in enumerate(lengths):
        seq = rng.integers(3, VOCAB, size=L)
        src[i, :L] = seq
        tgt[i, 0] = BOS
        tgt[i, 1:L + 1] = seq[::-1]
        tgt[i, L + 1] = EOS
    return torch.from_numpy(src), torch.from_numpy(tgt)


class Seq2Seq(nn.Module):
    def __init__(self, d_model=32):
        super().__init__()
        self.d_model = d_model
        self.embed = nn.Embedding(VOCAB, d_model, padding_idx=PAD)
        self.pos = nn.Parameter(torch.zeros(1, 16, d_model))
        self.transformer = nn.Transformer(d_model=d_model, nhead=4, num_encoder_layers=1,
                                          num_decoder_layers=1, dim_feedforward=64,
                                          dropout=0.0, batch_first=True)
        self.out = nn.Linear(d_model, VOCAB)

    def encode_tokens(self, tokens):
        return self.embed(tokens) * math.sqrt(self.d_model) + self.pos[:, :tokens.size(1)]

    def forward(self, src, tgt_in):
        tgt_mask = self.transformer.generate_square_subsequent_mask(tgt_in.size(1))
        h = self.transformer(self.encode_tokens(src), self.encode_tokens(tgt_in),
                             tgt_mask=tgt_mask, src_key_padding_mask=(src == PAD),
                             tgt_key_padding_mask=(tgt_in == PAD),
                             memory_key_padding_mask=(src == PAD))
        return self.out(h)


model = Seq2Seq()
state = {}
for name, p in sorted(model.state_dict().items()):
    if p.dim() > 1:
        state[name] = torch.from_numpy((rng.standard_normal(p.shape) / math.sqrt(p.shape[-1]))
                                       .astype(np.float32))
    elif "norm" in name and name.endswith("weight"):
        state[name] = torch.ones_like(p)
    else:
        state[name] = torch.zeros_like(p)
model.load_state_dict(state)

criterion = nn.CrossEntropyLoss(ignore_index=PAD)
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
losses = []
for step in range(60):
    src, tgt = make_batch()
    logits = model(src, tgt[:, :-1])
    loss = criterion(logits.reshape(-1, VOCAB), tgt[:, 1:].reshape(-1))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
    if step % 20 == 0:
        print(f"step {step} loss {loss.item():.4f}")

model.eval()
src, tgt = make_batch(64)
with torch.no_grad():
    ys = torch.full((src.size(0), 1), BOS, dtype=torch.long)
    for _ in range(tgt.size(1) - 1):
        next_tok = model(src, ys)[:, -1].argmax(-1, keepdim=True)
        ys = torch.cat([ys, next_tok], dim=1)
keep = tgt[:, 1:] != PAD
acc = (ys[:, 1:][keep] == tgt[:, 1:][keep]).float().mean().item()
mask = nn.Transformer.generate_square_subsequent_mask(3)
print(f"greedy token accuracy {acc:.3f}")
print("RESULT " + json.dumps({
    "first_loss": losses[0], "final_loss": sum(losses[-5:]) / 5, "token_acc": acc,
    "mask": [[v if v == 0 else "-inf" for v in row] for row in mask.tolist()],
    "n_params": sum(p.numel() for p in model.parameters())}))
