"""Fine-tuning structure: a pretrained-style backbone whose weights come from a saved
state_dict, frozen with requires_grad_(False) and unfrozen later, a new head, parameter
groups with discriminative learning rates built from named_parameters() (no weight decay
on biases and norm weights), ModuleDict/ModuleList/ParameterDict/ParameterList,
register_buffer(persistent=False), children()/named_children(), model.train(False),
and the counts of trainable versus total parameters at each phase."""
import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

COMPARE = {"phase1_loss": ("rel", 0.02), "phase2_loss": ("rel", 0.02), "counts": ("exact", None),
           "group_sizes": ("exact", None), "state_keys": ("exact", None),
           "children": ("exact", None), "frozen_unchanged": ("exact", None),
           "training_flags": ("exact", None), "missing_unexpected": ("exact", None)}

rng = np.random.default_rng(0)


class Backbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(10, 32), nn.Linear(32, 32)])
        self.norm = nn.LayerNorm(32)
        self.register_buffer("scale", torch.tensor(0.5), persistent=False)
        self.register_buffer("calls", torch.zeros((), dtype=torch.long))

    def forward(self, x):
        for layer in self.layers:
            x = F.relu(layer(x))
        return self.norm(x) * self.scale * 2


class Model(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.backbone = Backbone()
        self.heads = nn.ModuleDict({"cls": nn.Linear(32, n_classes), "aux": nn.Linear(32, 1)})
        self.temps = nn.ParameterDict({"cls": nn.Parameter(torch.ones(1))})
        self.prompts = nn.ParameterList([nn.Parameter(torch.zeros(10)) for _ in range(2)])

    def forward(self, x):
        h = self.backbone(x + self.prompts[0] + self.prompts[1])
        return self.heads["cls"](h) / self.temps["cls"], self.heads["aux"](h)


pretrained = {k: torch.from_numpy(0.3 * rng.standard_normal(v.shape).astype(np.float32))
              for k, v in sorted(Backbone().state_dict().items()) if v.dtype == torch.float32}
pretrained["calls"] = torch.tensor(0)
model = Model(n_classes=3)
result = model.backbone.load_state_dict(pretrained, strict=True)
with torch.no_grad():
    for name, p in sorted(model.heads.named_parameters()):
        p.copy_(torch.from_numpy(0.1 * rng.standard_normal(p.shape).astype(np.float32)))
missing = model.load_state_dict({"heads.aux.bias": torch.zeros(1)}, strict=False)

X = torch.from_numpy(rng.standard_normal((256, 10)).astype(np.float32))
y = torch.from_numpy((X[:, 0] > X[:, 1]).numpy().astype(np.int64) + (X[:, 2] > 1).numpy())
aux_y = X[:, 3:4] * 2

counts = []


def count():
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    counts.append([trainable, sum(p.numel() for p in model.parameters())])


def run(opt, steps):
    for _ in range(steps):
        logits, aux = model(X)
        loss = F.cross_entropy(logits, y) + 0.1 * F.mse_loss(aux, aux_y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item()


# phase 1: frozen backbone, train the heads only
for p in model.backbone.parameters():
    p.requires_grad = False
count()
before = model.backbone.layers[0].weight.clone()
opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-2)
phase1 = run(opt, 30)
frozen_unchanged = bool(torch.equal(before, model.backbone.layers[0].weight))

# phase 2: unfreeze, discriminative learning rates, no decay on biases/norms
model.backbone.requires_grad_(True)
count()
decay, no_decay, head_params = [], [], []
for name, p in model.named_parameters():
    if not name.startswith("backbone"):
        head_params.append(p)
    elif p.ndim == 1:
        no_decay.append(p)
    else:
        decay.append(p)
opt = torch.optim.AdamW([{"params": decay, "lr": 1e-3, "weight_decay": 0.05},
                         {"params": no_decay, "lr": 1e-3, "weight_decay": 0.0},
                         {"params": head_params, "lr": 1e-2}], lr=5e-3)
phase2 = run(opt, 30)
model.train(False)
flags = [model.training, model.backbone.training, model.heads["cls"].training]
model.train()
flags.append(all(m.training for m in model.modules()))
print(f"phase 1 loss {phase1:.4f}, phase 2 loss {phase2:.4f}")
print("RESULT " + json.dumps({
    "phase1_loss": phase1, "phase2_loss": phase2, "counts": counts,
    "group_sizes": [len(g["params"]) for g in opt.param_groups],
    "state_keys": list(model.state_dict().keys()),
    "children": [name for name, _ in model.named_children()] + [type(c).__name__ for c in model.backbone.children()],
    "frozen_unchanged": frozen_unchanged, "training_flags": flags,
    "missing_unexpected": [len(missing.missing_keys), missing.unexpected_keys,
                           result.missing_keys, result.unexpected_keys]}))
