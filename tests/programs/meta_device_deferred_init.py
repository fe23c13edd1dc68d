"""Loading a model without paying for its random initialisation, as large-model loaders
(torchtune, Hugging Face's low_cpu_mem_usage, the PyTorch tutorial on meta-device
initialisation) do: build the model under `with torch.device("meta"):` (shapes only, no
storage: is_meta, device.type == "meta"), then either load_state_dict(state, assign=True) so
the checkpoint's tensors become the parameters, or to_empty(device="cpu") followed by
reset_parameters() on each submodule that has one / copy_ from the checkpoint; also
torch.nn.utils.skip_init and torch.empty_like of a meta tensor. The loaded model must
compute the same outputs as the model that saved the checkpoint."""
import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

COMPARE = {"meta_flags": ("exact", None), "assign_out": ("abs", 1e-6), "assign_flags": ("exact", None),
           "to_empty_out": ("abs", 1e-6), "reset_shapes": ("exact", None), "skip_init": ("exact", None),
           "train_losses": ("rel", 1e-4)}
# what minitorch cannot do yet (tests/programs/README.md, "Known gaps")
KNOWN_GAP = ("minitorch has no 'meta' device (tensors with a shape and no storage): "
             "torch.device('meta') raises")

torch.manual_seed(0)
rng = np.random.default_rng(0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 8)
        self.norm = nn.LayerNorm(8)
        self.fc = nn.Linear(8, 3)

    def forward(self, idx):
        return self.fc(F.gelu(self.norm(self.emb(idx)))).mean(1)


source = Net()
state = {k: torch.from_numpy((0.5 * rng.standard_normal(v.shape)).astype(np.float32))
         for k, v in sorted(source.state_dict().items())}
source.load_state_dict(state)
idx = torch.from_numpy(rng.integers(0, 10, size=(4, 5)))
expected = source(idx)

with torch.device("meta"):
    model = Net()
meta_flags = [model.fc.weight.is_meta, model.fc.weight.device.type, list(model.emb.weight.shape),
              str(model.norm.weight.dtype), model.fc.weight.requires_grad,
              torch.empty_like(model.fc.weight).is_meta]

model.load_state_dict(state, assign=True)
assign_flags = [model.fc.weight.device.type, isinstance(model.fc.weight, nn.Parameter),
                model.fc.weight.requires_grad, model.fc.weight.data_ptr() == state["fc.weight"].data_ptr()]
assign_out = (model(idx) - expected).abs().max().item()

with torch.device("meta"):
    other = Net()
other = other.to_empty(device="cpu")
for m in other.modules():
    if hasattr(m, "reset_parameters"):
        m.reset_parameters()
reset_shapes = [list(p.shape) for p in other.parameters()] + [other.norm.weight.sum().item()]
with torch.no_grad():
    for name, p in other.named_parameters():
        p.copy_(state[name])
to_empty_out = (other(idx) - expected).abs().max().item()

lin = torch.nn.utils.skip_init(nn.Linear, 4, 2)
skip = [list(lin.weight.shape), lin.weight.device.type, str(lin.weight.dtype)]

optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
target = torch.from_numpy(rng.integers(0, 3, size=4))
losses = []
for _ in range(10):
    loss = F.cross_entropy(model(idx), target)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
print(f"outputs match after assign-loading: {assign_out:.2e}")
print("RESULT " + json.dumps({
    "meta_flags": meta_flags, "assign_out": assign_out, "assign_flags": assign_flags,
    "to_empty_out": to_empty_out, "reset_shapes": reset_shapes, "skip_init": skip,
    "train_losses": losses}))
