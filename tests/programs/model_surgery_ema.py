"""Model surgery in a fine-tuning script: freezing by name with named_parameters() filters and
requires_grad_(False), optimizer param groups with different learning rates and
add_param_group when a stage is unfrozen, loading a partial checkpoint saved from a
DataParallel model (the "module." prefix stripped with consume_prefix_in_state_dict_if_present)
with load_state_dict(strict=False) and its missing/unexpected keys, the size-mismatch error
that strict=False does not excuse, state_dict hooks (a load pre-hook renaming legacy keys in
place, a load post-hook clearing expected missing keys, a state_dict post-hook dropping a
cache buffer, a pre-hook counting calls), and three exponential moving averages of the
weights: copy.deepcopy + torch.no_grad() lerp_, the mul_().add_(alpha=) form with buffers
copied, torch.optim.swa_utils.AveragedModel(multi_avg_fn=get_ema_multi_avg_fn(decay)), and
timm's torch._foreach_lerp_ form. Seeded NumPy weights, so figures agree tightly."""
import copy
import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.modules.utils import consume_prefix_in_state_dict_if_present
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

COMPARE = {"frozen": ("exact", None), "losses": ("rel", 1e-4), "frozen_unchanged": ("exact", None),
           "groups": ("exact", None), "load_result": ("exact", None), "mismatch": ("exact", None),
           "hooks": ("exact", None), "state_keys": ("exact", None), "ema": ("rel", 1e-5),
           "ema_agree": ("abs", 1e-6), "ema_flags": ("exact", None), "loaded_values": ("abs", 1e-7)}

rng = np.random.default_rng(0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(6, 16), nn.BatchNorm1d(16), nn.ReLU(),
                                     nn.Linear(16, 16), nn.ReLU())
        self.head = nn.Linear(16, 3)
        self.register_buffer("cache", torch.zeros(4))
        self._register_load_state_dict_pre_hook(self._rename_legacy)

    @staticmethod
    def _rename_legacy(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):
        for old in [k for k in state_dict if k.startswith(prefix + "fc.")]:
            state_dict[prefix + "head." + old[len(prefix) + 3:]] = state_dict.pop(old)

    def forward(self, x):
        return self.head(self.encoder(x))


def numpy_state(model, scale=0.3):
    return {k: torch.from_numpy((scale * rng.standard_normal(v.shape)).astype(np.float32))
            if v.dtype == torch.float32 else v for k, v in sorted(model.state_dict().items())}


model = Net()
model.load_state_dict(numpy_state(model))
with torch.no_grad():
    model.encoder[1].running_var.fill_(1.0)
hook_log = []
model.register_state_dict_pre_hook(lambda module, prefix, keep_vars: hook_log.append("pre"))


def drop_cache(module, state_dict, prefix, local_metadata):
    state_dict.pop(prefix + "cache", None)


def forgive_head(module, incompatible_keys):
    for key in [k for k in incompatible_keys.missing_keys if k.startswith("head.")]:
        incompatible_keys.missing_keys.remove(key)


model.register_state_dict_post_hook(drop_cache)
model.register_load_state_dict_post_hook(forgive_head)

# a partial checkpoint from a DataParallel run: encoder only, with a legacy head name
pretrained = {"module." + k: v for k, v in numpy_state(model, 0.2).items() if k.startswith("encoder.0")}
pretrained["module.fc.weight"] = torch.from_numpy(rng.standard_normal((3, 16)).astype(np.float32))
pretrained["module.extra.scale"] = torch.ones(1)
consume_prefix_in_state_dict_if_present(pretrained, "module.")
result = model.load_state_dict(pretrained, strict=False)
loaded_values = [model.encoder[0].weight[0, :3].tolist(), model.head.weight[0, :3].tolist()]
try:
    model.load_state_dict({"head.weight": torch.zeros(5, 16)}, strict=False)
    mismatch = "no error"
except RuntimeError as e:
    mismatch = ["size mismatch" in str(e), "head.weight" in str(e)]

# freeze the first encoder stage and every norm layer by name
for name, p in model.named_parameters():
    if name.startswith("encoder.0") or name.startswith("encoder.1"):
        p.requires_grad_(False)
frozen = [name for name, p in model.named_parameters() if not p.requires_grad]
trainable = [name for name, p in model.named_parameters() if p.requires_grad]
optimizer = torch.optim.SGD([{"params": [p for n, p in model.named_parameters() if n.startswith("encoder") and p.requires_grad],
                              "lr": 0.01},
                             {"params": model.head.parameters(), "lr": 0.1}], momentum=0.9)

ema_lerp = copy.deepcopy(model)
ema_lerp.requires_grad_(False)
ema_mul = copy.deepcopy(model).eval()
ema_swa = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(0.9), use_buffers=True)
ema_foreach = copy.deepcopy(model)
decay = 0.9


@torch.no_grad()
def update_emas():
    for e, p in zip(ema_lerp.parameters(), model.parameters()):
        e.lerp_(p, 1.0 - decay)
    for e, b in zip(ema_lerp.buffers(), model.buffers()):
        e.copy_(b)
    for e, p in zip(ema_mul.state_dict().values(), model.state_dict().values()):
        if e.dtype.is_floating_point:
            e.mul_(decay).add_(p.detach(), alpha=1 - decay)
        else:
            e.copy_(p)
    ema_swa.update_parameters(model)
    ema_params = [p for p in ema_foreach.parameters()]
    model_params = [p for p in model.parameters()]
    torch._foreach_lerp_(ema_params, model_params, weight=1.0 - decay)


X = torch.from_numpy(rng.standard_normal((96, 6)).astype(np.float32))
y = torch.from_numpy((X[:, 0] + X[:, 1] > 0).numpy().astype(np.int64) + (X[:, 2] > 0.5).numpy())
before = model.encoder[0].weight.clone()
losses = []
for step in range(40):
    if step == 20:        # unfreeze the first stage with its own learning rate
        stage = [p for n, p in model.named_parameters() if n.startswith("encoder.0")]
        for p in stage:
            p.requires_grad_(True)
        optimizer.add_param_group({"params": stage, "lr": 0.001})
    if step == 19:
        frozen_unchanged = torch.equal(before, model.encoder[0].weight)
    loss = F.cross_entropy(model(X), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    update_emas()
    losses.append(loss.item())

model.eval()
ema_lerp.eval()
ema_swa.eval()
ema_foreach.eval()
with torch.no_grad():
    out_lerp, out_mul, out_swa = ema_lerp(X), ema_mul(X), ema_swa(X)
    ema_loss = F.cross_entropy(out_swa, y).item()
sd = model.state_dict()
print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f}, EMA loss {ema_loss:.4f}")
print("RESULT " + json.dumps({
    "frozen": [frozen, trainable], "losses": losses[::5] + [losses[-1]],
    "frozen_unchanged": [frozen_unchanged, torch.equal(before, model.encoder[0].weight)],
    "groups": [[len(g["params"]), g["lr"], g["momentum"]] for g in optimizer.param_groups],
    "load_result": [sorted(result.missing_keys), sorted(result.unexpected_keys)],
    "mismatch": mismatch, "hooks": [hook_log.count("pre") > 0, "cache" in sd, "head.weight" in sd],
    "state_keys": list(sd.keys()) + list(ema_swa.state_dict().keys())[:3],
    "ema": [ema_loss, out_lerp[0].tolist(), out_mul[0].tolist(), out_swa[0].tolist()],
    "ema_agree": [max((a - b).abs().max().item() for a, b in zip(ema_foreach.parameters(), ema_lerp.parameters()))],
    "ema_flags": [any(p.requires_grad for p in ema_lerp.parameters()), ema_mul.training,
                  int(ema_swa.n_averaged), ema_lerp.encoder[1].num_batches_tracked.item()],
    "loaded_values": loaded_values}))
