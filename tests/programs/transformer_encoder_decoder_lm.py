"""A small GPT-style character model built from nn.TransformerEncoder (pre-norm layers,
GELU, a causal mask passed as mask= with is_causal=True), and a captioning-style
nn.TransformerDecoder attending to a memory of image features with key-padding masks;
both trained a few steps with AdamW and a cosine schedule."""
import json
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

COMPARE = {"lm_first": ("rel", 1e-4), "lm_final": ("rel", 0.03),
           "dec_first": ("rel", 1e-4), "dec_final": ("rel", 0.03),
           "causal_equal": ("exact", None), "out_shape": ("exact", None)}

rng = np.random.default_rng(0)


def numpy_init(module):
    state = {}
    for name, p in sorted(module.state_dict().items()):
        if p.dim() > 1:
            w = rng.standard_normal(p.shape) / math.sqrt(p.shape[-1])
            state[name] = torch.from_numpy(w.astype(np.float32))
        elif "norm" in name and name.endswith("weight"):
            state[name] = torch.ones_like(p)
        else:
            state[name] = torch.from_numpy(0.02 * rng.standard_normal(p.shape).astype(np.float32))
    module.load_state_dict(state)


class TinyGPT(nn.Module):
    def __init__(self, vocab, d_model=32, n_layer=2, block=24):
        super().__init__()
        self.tok = nn.Embedding(vocab, d_model)
        self.pos = nn.Embedding(block, d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=4 * d_model,
                                           dropout=0.0, activation="gelu", batch_first=True,
                                           norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, num_layers=n_layer,
                                            enable_nested_tensor=False)
        self.ln_f = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab, bias=False)

    def forward(self, idx):
        T = idx.size(1)
        pos = torch.arange(T, device=idx.device)
        x = self.tok(idx) + self.pos(pos)
        mask = nn.Transformer.generate_square_subsequent_mask(T, device=idx.device)
        x = self.blocks(x, mask=mask, is_causal=True)
        return self.head(self.ln_f(x))


text = "to be or not to be that is the question whether tis nobler in the mind " * 4
chars = sorted(set(text))
data = torch.tensor([chars.index(c) for c in text])
gpt = TinyGPT(len(chars))
numpy_init(gpt)
opt = torch.optim.AdamW(gpt.parameters(), lr=3e-3, weight_decay=0.1)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=40)
lm_losses = []
for step in range(40):
    ix = rng.integers(0, len(data) - 25, size=16)
    x = torch.stack([data[i:i + 24] for i in ix])
    y = torch.stack([data[i + 1:i + 25] for i in ix])
    logits = gpt(x)
    loss = F.cross_entropy(logits.view(-1, logits.size(-1)), y.view(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    lm_losses.append(loss.item())

# causality: the first outputs must not depend on later tokens
with torch.no_grad():
    gpt.eval()
    a = gpt(data[:24].unsqueeze(0))
    b = gpt(torch.cat([data[:12], data[40:52]]).unsqueeze(0))
    causal_equal = torch.allclose(a[:, :12], b[:, :12], atol=1e-5)

# decoder over a memory of 5 "region features"; padded memory slots are masked out
decoder_layer = nn.TransformerDecoderLayer(d_model=16, nhead=2, dim_feedforward=32,
                                           dropout=0.0, batch_first=True)
decoder = nn.TransformerDecoder(decoder_layer, num_layers=2, norm=nn.LayerNorm(16))
embed = nn.Embedding(10, 16)
proj = nn.Linear(16, 10)
captioner = nn.ModuleDict({"decoder": decoder, "embed": embed, "proj": proj})
numpy_init(captioner)
memory = torch.from_numpy(rng.standard_normal((8, 5, 16)).astype(np.float32))
memory_pad = torch.zeros(8, 5, dtype=torch.bool)
memory_pad[:, 3:] = True
captions = torch.from_numpy(rng.integers(0, 10, size=(8, 7)))
tgt_mask = nn.Transformer.generate_square_subsequent_mask(6)
opt = torch.optim.Adam(captioner.parameters(), lr=5e-3)
dec_losses = []
for step in range(30):
    out = decoder(embed(captions[:, :-1]), memory, tgt_mask=tgt_mask,
                  memory_key_padding_mask=memory_pad, tgt_is_causal=True)
    loss = F.cross_entropy(proj(out).transpose(1, 2), captions[:, 1:])
    opt.zero_grad()
    loss.backward()
    opt.step()
    dec_losses.append(loss.item())

print(f"lm loss {lm_losses[0]:.3f} -> {lm_losses[-1]:.3f}; "
      f"decoder loss {dec_losses[0]:.3f} -> {dec_losses[-1]:.3f}")
print("RESULT " + json.dumps({"lm_first": lm_losses[0], "lm_final": lm_losses[-1],
                              "dec_first": dec_losses[0], "dec_final": dec_losses[-1],
                              "causal_equal": bool(causal_equal), "out_shape": list(out.shape)}))
