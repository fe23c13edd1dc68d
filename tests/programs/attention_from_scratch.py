"""Causal self-attention written by hand as in GPT-from-scratch lectures: a lower-triangular
mask kept with register_buffer, masked_fill(-inf), F.softmax, nn.ModuleList of heads
concatenated with torch.cat, a fused qkv projection split with .split()/.view()/
.transpose(), checked against F.scaled_dot_product_attention(is_causal=True) and
nn.MultiheadAttention with an attn_mask; then trained as a tiny bigram-plus-attention LM."""
import json
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

COMPARE = {"sdpa_match": ("exact", None), "mha_match": ("exact", None),
           "first_loss": ("rel", 1e-4), "final_loss": ("rel", 0.02),
           "attn_weights_shape": ("exact", None), "buffers": ("exact", None),
           "mha_weight_rowsum": ("abs", 1e-5)}

rng = np.random.default_rng(0)
n_embd, n_head, block_size = 32, 4, 16


class Head(nn.Module):
    def __init__(self, head_size):
        super().__init__()
        self.key = nn.Linear(n_embd, head_size, bias=False)
        self.query = nn.Linear(n_embd, head_size, bias=False)
        self.value = nn.Linear(n_embd, head_size, bias=False)
        self.register_buffer("tril", torch.tril(torch.ones(block_size, block_size)))

    def forward(self, x):
        B, T, C = x.shape
        k, q = self.key(x), self.query(x)
        wei = q @ k.transpose(-2, -1) * k.shape[-1] ** -0.5
        wei = wei.masked_fill(self.tril[:T, :T] == 0, float("-inf"))
        wei = F.softmax(wei, dim=-1)
        return wei @ self.value(x)


class MultiHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.heads = nn.ModuleList([Head(n_embd // n_head) for _ in range(n_head)])
        self.proj = nn.Linear(n_embd, n_embd)

    def forward(self, x):
        return self.proj(torch.cat([h(x) for h in self.heads], dim=-1))


class FusedAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd, bias=False)

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(n_embd, dim=2)
        q = q.view(B, T, n_head, C // n_head).transpose(1, 2)
        k = k.view(B, T, n_head, C // n_head).transpose(1, 2)
        v = v.view(B, T, n_head, C // n_head).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(torch.ones(T, T).tril().view(1, 1, T, T) == 0, float("-inf"))
        y_manual = F.softmax(att, dim=-1) @ v
        y_sdpa = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return y_manual.transpose(1, 2).contiguous().view(B, T, C), y_sdpa


def numpy_init(module, scale=0.2):
    with torch.no_grad():
        for _, p in sorted(module.named_parameters()):
            p.copy_(torch.from_numpy(scale * rng.standard_normal(p.shape).astype(np.float32)))


x = torch.from_numpy(rng.standard_normal((2, 10, n_embd)).astype(np.float32))
fused = FusedAttention()
numpy_init(fused)
with torch.no_grad():
    y_manual, y_sdpa = fused(x)
    y_sdpa = y_sdpa.transpose(1, 2).reshape(2, 10, n_embd)
sdpa_match = torch.allclose(y_manual, y_sdpa, atol=1e-5)

mha = nn.MultiheadAttention(n_embd, n_head, batch_first=True)
numpy_init(mha)
causal = torch.triu(torch.ones(10, 10, dtype=torch.bool), diagonal=1)
with torch.no_grad():
    out, weights = mha(x, x, x, attn_mask=causal, need_weights=True)
    qkv = F.linear(x, mha.in_proj_weight, mha.in_proj_bias)
    q, k, v = qkv.chunk(3, dim=-1)
    split = lambda t: t.view(2, 10, n_head, -1).transpose(1, 2)
    ref = F.scaled_dot_product_attention(split(q), split(k), split(v), attn_mask=~causal)
    ref = mha.out_proj(ref.transpose(1, 2).reshape(2, 10, n_embd))
mha_match = torch.allclose(out, ref, atol=1e-5)

text = "hello world, attention is all you need. hello attention. " * 6
chars = sorted(set(text))
data = torch.tensor([chars.index(c) for c in text])


class TinyLM(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.tok = nn.Embedding(vocab, n_embd)
        self.pos = nn.Embedding(block_size, n_embd)
        self.sa = MultiHead()
        self.ln = nn.LayerNorm(n_embd)
        self.head = nn.Linear(n_embd, vocab)

    def forward(self, idx, targets=None):
        B, T = idx.shape
        x = self.tok(idx) + self.pos(torch.arange(T))
        x = x + self.sa(self.ln(x))
        logits = self.head(x)
        loss = None if targets is None else F.cross_entropy(logits.view(B * T, -1), targets.view(B * T))
        return logits, loss


lm = TinyLM(len(chars))
numpy_init(lm)
with torch.no_grad():
    lm.ln.weight.fill_(1.0)
    lm.ln.bias.zero_()
opt = torch.optim.AdamW(lm.parameters(), lr=5e-3)
losses = []
for step in range(50):
    ix = rng.integers(0, len(data) - block_size - 1, size=16)
    xb = torch.stack([data[i:i + block_size] for i in ix])
    yb = torch.stack([data[i + 1:i + block_size + 1] for i in ix])
    _, loss = lm(xb, yb)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    losses.append(loss.item())
print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f}")
print("RESULT " + json.dumps({
    "sdpa_match": bool(sdpa_match), "mha_match": bool(mha_match), "first_loss": losses[0],
    "final_loss": sum(losses[-5:]) / 5, "attn_weights_shape": list(weights.shape),
    "buffers": sorted(name for name, _ in lm.named_buffers())[:2],
    "mha_weight_rowsum": weights.sum(-1).flatten().tolist()}))
