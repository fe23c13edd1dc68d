"""A character-level nanoGPT, written as Karpathy's model.py/train.py write it: a GPTConfig
dataclass, CausalSelfAttention with one fused c_attn projection split three ways, the
flash path F.scaled_dot_product_attention(q, k, v, is_causal=True) next to the slow path's
register_buffer("bias", torch.tril(...).view(1, 1, T, T)) and masked_fill(-inf) (both must
agree), LayerNorm with optional bias, GELU MLP, weight tying (wte.weight is lm_head.weight),
the special scaled init of c_proj weights, configure_optimizers with AdamW parameter groups
(weight decay on params with dim >= 2 only, fused=False), the cosine learning-rate schedule
with linear warmup through LambdaLR, gradient accumulation, clip_grad_norm_, estimate_loss
under @torch.no_grad() with model.eval(), and generate() with temperature, torch.topk
cropping and torch.multinomial. Weights come from seeded NumPy (dropout 0), so the
training curve is compared tightly; samples only by shape and vocabulary."""
import inspect
import json
import math
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.nn import functional as F

COMPARE = {"losses": ("rel", 2e-3), "eval": ("rel", 5e-3), "lrs": ("rel", 1e-9),
           "flash_vs_slow": ("abs", 1e-5), "n_params": ("exact", None), "groups": ("exact", None),
           "tied": ("exact", None), "sample": ("exact", None), "topk_only": ("exact", None),
           "greedy": ("exact", None), "buffers": ("exact", None), "grad_norm": ("rel", 2e-3)}

torch.manual_seed(1337)
text = ("first citizen: before we proceed any further, hear me speak. all: speak, speak. "
        "first citizen: you are all resolved rather to die than to famish? all: resolved. "
        "resolved. first citizen: first, you know caius marcius is chief enemy to the people. ") * 4
chars = sorted(list(set(text)))
vocab_size = len(chars)
stoi = {ch: i for i, ch in enumerate(chars)}
itos = {i: ch for i, ch in enumerate(chars)}
encode = lambda s: [stoi[c] for c in s]
decode = lambda l: "".join([itos[i] for i in l])
data = torch.tensor(encode(text), dtype=torch.long)
n = int(0.9 * len(data))
train_data, val_data = data[:n], data[n:]
batch_rng = np.random.default_rng(0)


@dataclass
class GPTConfig:
    block_size: int = 16
    vocab_size: int = 50304
    n_layer: int = 2
    n_head: int = 2
    n_embd: int = 32
    dropout: float = 0.0
    bias: bool = True


class LayerNorm(nn.Module):
    """LayerNorm but with an optional bias. PyTorch doesn't support simply bias=False"""

    def __init__(self, ndim, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(ndim))
        self.bias = nn.Parameter(torch.zeros(ndim)) if bias else None

    def forward(self, input):
        return F.layer_norm(input, self.weight.shape, self.weight, self.bias, 1e-5)


class CausalSelfAttention(nn.Module):
    def __init__(self, config, flash=True):
        super().__init__()
        assert config.n_embd % config.n_head == 0
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd, bias=config.bias)
        self.c_proj = nn.Linear(config.n_embd, config.n_embd, bias=config.bias)
        self.attn_dropout = nn.Dropout(config.dropout)
        self.resid_dropout = nn.Dropout(config.dropout)
        self.n_head = config.n_head
        self.n_embd = config.n_embd
        self.dropout = config.dropout
        self.flash = flash and hasattr(torch.nn.functional, "scaled_dot_product_attention")
        if not self.flash:
            self.register_buffer("bias", torch.tril(torch.ones(config.block_size, config.block_size))
                                 .view(1, 1, config.block_size, config.block_size))

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        if self.flash:
            y = torch.nn.functional.scaled_dot_product_attention(
                q, k, v, attn_mask=None, dropout_p=self.dropout if self.training else 0, is_causal=True)
        else:
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
            att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
            att = F.softmax(att, dim=-1)
            att = self.attn_dropout(att)
            y = att @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.resid_dropout(self.c_proj(y))


class MLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd, bias=config.bias)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd, bias=config.bias)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x):
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class Block(nn.Module):
    def __init__(self, config, flash):
        super().__init__()
        self.ln_1 = LayerNorm(config.n_embd, bias=config.bias)
        self.attn = CausalSelfAttention(config, flash)
        self.ln_2 = LayerNorm(config.n_embd, bias=config.bias)
        self.mlp = MLP(config)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, config, flash=True):
        super().__init__()
        self.config = config
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(config.vocab_size, config.n_embd),
            wpe=nn.Embedding(config.block_size, config.n_embd),
            drop=nn.Dropout(config.dropout),
            h=nn.ModuleList([Block(config, flash) for _ in range(config.n_layer)]),
            ln_f=LayerNorm(config.n_embd, bias=config.bias),
        ))
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight  # https://paperswithcode.com/method/weight-tying
        self.apply(self._init_weights)
        for pn, p in self.named_parameters():
            if pn.endswith("c_proj.weight"):
                torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))

    def get_num_params(self, non_embedding=True):
        n_params = sum(p.numel() for p in self.parameters())
        if non_embedding:
            n_params -= self.transformer.wpe.weight.numel()
        return n_params

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx, targets=None):
        device = idx.device
        b, t = idx.size()
        assert t <= self.config.block_size, f"Cannot forward sequence of length {t}"
        pos = torch.arange(0, t, dtype=torch.long, device=device)
        tok_emb = self.transformer.wte(idx)
        pos_emb = self.transformer.wpe(pos)
        x = self.transformer.drop(tok_emb + pos_emb)
        for block in self.transformer.h:
            x = block(x)
        x = self.transformer.ln_f(x)
        if targets is not None:
            logits = self.lm_head(x)
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
        else:
            logits = self.lm_head(x[:, [-1], :])  # note: using list [-1] to preserve the time dim
            loss = None
        return logits, loss

    def configure_optimizers(self, weight_decay, learning_rate, betas, device_type):
        param_dict = {pn: p for pn, p in self.named_parameters()}
        param_dict = {pn: p for pn, p in param_dict.items() if p.requires_grad}
        decay_params = [p for n, p in param_dict.items() if p.dim() >= 2]
        nodecay_params = [p for n, p in param_dict.items() if p.dim() < 2]
        optim_groups = [
            {"params": decay_params, "weight_decay": weight_decay},
            {"params": nodecay_params, "weight_decay": 0.0},
        ]
        num_decay_params = sum(p.numel() for p in decay_params)
        num_nodecay_params = sum(p.numel() for p in nodecay_params)
        print(f"num decayed parameter tensors: {len(decay_params)}, with {num_decay_params:,} parameters")
        print(f"num non-decayed parameter tensors: {len(nodecay_params)}, with {num_nodecay_params:,} parameters")
        fused_available = "fused" in inspect.signature(torch.optim.AdamW).parameters
        use_fused = fused_available and device_type == "cuda"
        extra_args = dict(fused=True) if use_fused else dict()
        optimizer = torch.optim.AdamW(optim_groups, lr=learning_rate, betas=betas, **extra_args)
        return optimizer, [len(decay_params), num_decay_params, len(nodecay_params), num_nodecay_params]

    @torch.no_grad()
    def generate(self, idx, max_new_tokens, temperature=1.0, top_k=None):
        for _ in range(max_new_tokens):
            idx_cond = idx if idx.size(1) <= self.config.block_size else idx[:, -self.config.block_size:]
            logits, _ = self(idx_cond)
            logits = logits[:, -1, :] / temperature
            if top_k is not None:
                v, _ = torch.topk(logits, min(top_k, logits.size(-1)))
                logits[logits < v[:, [-1]]] = -float("Inf")
            probs = F.softmax(logits, dim=-1)
            idx_next = torch.multinomial(probs, num_samples=1)
            idx = torch.cat((idx, idx_next), dim=1)
        return idx


def numpy_init(model, seed):
    """Overwrite every parameter and buffer-free weight with seeded NumPy values."""
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            std = 0.02 / math.sqrt(2 * model.config.n_layer) if name.endswith("c_proj.weight") else 0.02
            if p.dim() >= 2:
                p.copy_(torch.from_numpy((std * rng.standard_normal(p.shape)).astype(np.float32)))


def get_batch(split, batch_size=8):
    d = train_data if split == "train" else val_data
    ix = torch.from_numpy(batch_rng.integers(0, len(d) - config.block_size, size=batch_size))
    x = torch.stack([d[i:i + config.block_size] for i in ix])
    y = torch.stack([d[i + 1:i + 1 + config.block_size] for i in ix])
    return x, y


config = GPTConfig(vocab_size=vocab_size)
model = GPT(config)
numpy_init(model, 0)
slow = GPT(config, flash=False)
missing = slow.load_state_dict(model.state_dict(), strict=False)  # the mask buffers stay
device_type = "cpu"
ctx = nullcontext() if device_type == "cpu" else torch.amp.autocast(device_type=device_type, dtype=torch.bfloat16)

learning_rate, min_lr, warmup_iters, lr_decay_iters, max_iters = 3e-3, 3e-4, 10, 60, 60


def lr_lambda(it):
    if it < warmup_iters:
        return (it + 1) / (warmup_iters + 1)
    if it > lr_decay_iters:
        return min_lr / learning_rate
    decay_ratio = (it - warmup_iters) / (lr_decay_iters - warmup_iters)
    coeff = 0.5 * (1.0 + math.cos(math.pi * decay_ratio))
    return (min_lr + coeff * (learning_rate - min_lr)) / learning_rate


optimizer, groups = model.configure_optimizers(0.1, learning_rate, (0.9, 0.95), device_type)
scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)


@torch.no_grad()
def estimate_loss(eval_iters=4):
    out = {}
    model.eval()
    for split in ["train", "val"]:
        losses = torch.zeros(eval_iters)
        for k in range(eval_iters):
            X, Y = get_batch(split)
            with ctx:
                logits, loss = model(X, Y)
            losses[k] = loss.item()
        out[split] = losses.mean().item()
    model.train()
    return out


# flash and slow attention paths agree on the same weights
xb, yb = get_batch("train")
with torch.no_grad():
    flash_vs_slow = (model(xb, yb)[0] - slow(xb, yb)[0]).abs().max().item()

gradient_accumulation_steps = 2
losses, lrs, grad_norms = [], [], []
for it in range(max_iters):
    for micro_step in range(gradient_accumulation_steps):
        X, Y = get_batch("train")
        with ctx:
            logits, loss = model(X, Y)
            loss = loss / gradient_accumulation_steps
        loss.backward()
    grad_norms.append(torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0).item())
    lrs.append(optimizer.param_groups[0]["lr"])
    optimizer.step()
    scheduler.step()
    optimizer.zero_grad(set_to_none=True)
    losses.append(loss.item() * gradient_accumulation_steps)
    if it % 20 == 0:
        print(f"iter {it}: loss {losses[-1]:.4f}, lr {lrs[-1]:.2e}")
ev = estimate_loss()
print(f"train loss {ev['train']:.4f}, val loss {ev['val']:.4f}")

model.eval()
context = torch.tensor([encode("first ")], dtype=torch.long)
sample = model.generate(context, max_new_tokens=30, temperature=0.8, top_k=5)[0].tolist()
greedy = model.generate(context, max_new_tokens=10, temperature=1e-4, top_k=1)[0].tolist()
with torch.no_grad():
    logits, _ = model(context)
    top5 = set(torch.topk(logits[0, -1], 5).indices.tolist())
nxt = model.generate(context, max_new_tokens=1, top_k=5)[0, -1].item()
print(decode(sample))
print("RESULT " + json.dumps({
    "losses": losses[::10] + [losses[-1]], "eval": [ev["train"], ev["val"]], "lrs": lrs[::5],
    "flash_vs_slow": flash_vs_slow, "n_params": [model.get_num_params(), model.get_num_params(False)],
    "groups": groups, "tied": [model.transformer.wte.weight is model.lm_head.weight,
                               len(list(model.parameters())), len(model.state_dict())],
    "sample": [len(sample), sample[:6] == encode("first "), all(0 <= t < vocab_size for t in sample)],
    "topk_only": nxt in top5, "greedy": decode(greedy),
    "buffers": [name for name, _ in slow.named_buffers()] + missing.missing_keys + missing.unexpected_keys,
    "grad_norm": grad_norms[::10]}))
