"""A character-level LSTM language model in the style of char-rnn tutorials: a vocabulary
from sorted(set(text)), stoi/itos dicts, random training windows, Embedding -> LSTM ->
Linear, CrossEntropyLoss over the flattened sequence, gradient clipping, then sampling
with a temperature, top-k filtering (torch.topk) and torch.multinomial."""
import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

COMPARE = {"vocab_size": ("exact", None), "first_loss": ("rel", 1e-4),
           "final_loss": ("rel", 0.03), "sample_len": ("exact", None),
           "in_vocab": ("exact", None), "bigram_hit_rate": ("abs", 0.2),
           "topk_shape": ("exact", None), "no_replacement_unique": ("exact", None)}

torch.manual_seed(1337)
text = ("the quick brown fox jumps over the lazy dog. " * 3 +
        "a lazy cat sleeps in the warm sun while the dog watches. " * 3 +
        "the fox and the cat are friends now. " * 3)
chars = sorted(set(text))
vocab_size = len(chars)
stoi = {ch: i for i, ch in enumerate(chars)}
itos = {i: ch for ch, i in stoi.items()}
encode = lambda s: [stoi[c] for c in s]
decode = lambda l: "".join(itos[i] for i in l)
data = torch.tensor(encode(text), dtype=torch.long)

rng = np.random.default_rng(0)
block_size, batch_size = 16, 16


def get_batch():
    ix = torch.from_numpy(rng.integers(0, len(data) - block_size - 1, size=batch_size))
    x = torch.stack([data[i:i + block_size] for i in ix])
    y = torch.stack([data[i + 1:i + block_size + 1] for i in ix])
    return x, y


class CharLSTM(nn.Module):
    def __init__(self, vocab_size, n_embd=16, hidden=48):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, n_embd)
        self.lstm = nn.LSTM(n_embd, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab_size)

    def forward(self, idx, state=None):
        out, state = self.lstm(self.embed(idx), state)
        return self.head(out), state


model = CharLSTM(vocab_size)
with torch.no_grad():
    for name, p in sorted(model.named_parameters()):
        p.copy_(torch.from_numpy(0.2 * rng.standard_normal(p.shape).astype(np.float32)))

optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
losses = []
for step in range(80):
    xb, yb = get_batch()
    logits, _ = model(xb)
    B, T, C = logits.shape
    loss = F.cross_entropy(logits.view(B * T, C), yb.view(B * T))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    losses.append(loss.item())
    if step % 20 == 0:
        print(f"step {step}: loss {loss.item():.4f}")


@torch.no_grad()
def generate(model, idx, max_new_tokens, temperature=0.8, top_k=5):
    model.eval()
    logits, state = model(idx)
    out = idx
    for _ in range(max_new_tokens):
        logits = logits[:, -1, :] / temperature
        v, _ = torch.topk(logits, min(top_k, logits.size(-1)))
        logits[logits < v[:, [-1]]] = -float("Inf")
        probs = F.softmax(logits, dim=-1)
        idx_next = torch.multinomial(probs, num_samples=1)
        out = torch.cat((out, idx_next), dim=1)
        logits, state = model(idx_next, state)
    return out


context = torch.tensor([encode("the ")], dtype=torch.long)
sample = decode(generate(model, context, 120)[0].tolist())
print(sample)
bigrams = {text[i:i + 2] for i in range(len(text) - 1)}
hits = sum(sample[i:i + 2] in bigrams for i in range(len(sample) - 1)) / (len(sample) - 1)
picked = torch.multinomial(torch.ones(vocab_size), 10, replacement=False)
print("RESULT " + json.dumps({
    "vocab_size": vocab_size, "first_loss": losses[0], "final_loss": sum(losses[-10:]) / 10,
    "sample_len": len(sample), "in_vocab": all(c in stoi for c in sample),
    "bigram_hit_rate": hits, "topk_shape": list(torch.topk(torch.randn(4, 9), 3).indices.shape),
    "no_replacement_unique": len(set(picked.tolist())) == 10}))
