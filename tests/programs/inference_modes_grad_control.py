"""Gradient-mode control as evaluation loops use it: torch.no_grad() as a context and as a
decorator, torch.inference_mode(), torch.enable_grad() inside no_grad, set_grad_enabled
toggled by a flag, is_grad_enabled / is_inference_mode_enabled, requires_grad_(False)
for a frozen feature extractor, .detach() versus .data, and a validation pass that
accumulates metrics without building a graph."""
import json

import numpy as np
import torch
import torch.nn as nn

COMPARE = {"flags": ("exact", None), "val_loss": ("rel", 1e-4), "val_acc": ("abs", 1e-6),
           "grad_fn_none": ("exact", None), "frozen_grads": ("exact", None),
           "decorated": ("exact", None), "train_loss": ("rel", 1e-3),
           "inference_tensors": ("exact", None)}
# what minitorch cannot match yet (tests/programs/README.md, "Known gaps")
KNOWN_GAPS = {"inference_tensors": "minitorch's inference_mode records no graph but does not "
                                   "tag the tensors made inside (is_inference() is False)"}

rng = np.random.default_rng(0)
X = torch.from_numpy(rng.standard_normal((200, 6)).astype(np.float32))
y = torch.from_numpy((rng.standard_normal(200) > 0).astype(np.int64))
backbone = nn.Sequential(nn.Linear(6, 16), nn.ReLU())
head = nn.Linear(16, 2)
with torch.no_grad():
    for mod in (backbone, head):
        for _, p in sorted(mod.named_parameters()):
            p.copy_(torch.from_numpy(0.4 * rng.standard_normal(p.shape).astype(np.float32)))
backbone.requires_grad_(False)  # frozen feature extractor
opt = torch.optim.SGD(filter(lambda p: p.requires_grad,
                             list(backbone.parameters()) + list(head.parameters())), lr=0.1)
criterion = nn.CrossEntropyLoss()

flags = []
for epoch in range(20):
    for train in (True, False):
        with torch.set_grad_enabled(train):
            out = head(backbone(X))
            loss = criterion(out, y)
            if train:
                opt.zero_grad()
                loss.backward()
                opt.step()
                train_loss = loss.item()
            else:
                val_loss = loss.item()
                val_acc = (out.argmax(1) == y).float().mean().item()
        if epoch == 0:
            flags.append([train, out.requires_grad, torch.is_grad_enabled()])


@torch.no_grad()
def predict(x):
    return head(backbone(x)).softmax(-1)


@torch.inference_mode()
def predict_fast(x):
    return head(backbone(x)).softmax(-1)


p1 = predict(X[:4])
p2 = predict_fast(X[:4])
with torch.no_grad():
    inside = torch.is_grad_enabled()
    with torch.enable_grad():
        w = torch.ones(2, requires_grad=True)
        enabled = (w * 2).requires_grad
    no_graph = (w * 2).requires_grad
with torch.inference_mode():
    im_enabled = torch.is_inference_mode_enabled()
    t = torch.ones(3) * 2
with torch.inference_mode(mode=False):
    im_off = torch.is_inference_mode_enabled()
flags.extend([inside, enabled, no_graph, im_enabled, im_off, torch.is_inference_mode_enabled()])
inference_tensors = [t.is_inference(), torch.ones(1).is_inference()]

a = torch.randn(3, requires_grad=True)
b = (a * 2).detach()
c = (a * 2).data
grad_fn_none = [b.grad_fn is None, b.requires_grad, c.requires_grad, (a * 2).grad_fn is not None,
                str((a * 2).grad_fn).startswith("<MulBackward0 object"),
                (a * 2).grad_fn.name(), a.sum().grad_fn.name()]
frozen_grads = [p.grad is None for p in backbone.parameters()] + \
               [p.grad is not None for p in head.parameters()]
print(f"val loss {val_loss:.4f} acc {val_acc:.3f}")
print("RESULT " + json.dumps({
    "flags": flags, "val_loss": val_loss, "val_acc": val_acc, "grad_fn_none": grad_fn_none,
    "frozen_grads": frozen_grads, "decorated": [p1.requires_grad, p2.requires_grad,
                                                bool(torch.allclose(p1, p2))],
    "train_loss": train_loss, "inference_tensors": inference_tensors}))
