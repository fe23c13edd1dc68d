"""Module utilities from training frameworks: model.apply(init_fn) with nn.init
(xavier_uniform_, kaiming_uniform_, orthogonal_, trunc_normal_, zeros_, ones_, constant_,
calculate_gain), forward hooks capturing activations, a forward pre-hook, a full backward
hook, Tensor.register_hook on an intermediate, clip_grad_norm_ (its returned total norm)
and clip_grad_value_, parameters_to_vector / vector_to_parameters, named_modules and
counting parameters per layer type."""
import json
import math

import numpy as np
import torch
import torch.nn as nn

COMPARE = {"init_stats": ("rel", 0.15), "bias_zero": ("exact", None), "orthogonal": ("abs", 1e-5),
           "gain": ("rel", 1e-6), "captured": ("exact", None), "act_mean": ("rel", 1e-5),
           "pre_hook_calls": ("exact", None), "bwd_hook_shapes": ("exact", None),
           "tensor_hook": ("rel", 1e-6), "total_norm": ("rel", 1e-5),
           "clipped_norm": ("rel", 1e-4), "value_clip_max": ("rel", 1e-6),
           "vec_len": ("exact", None), "vec_roundtrip": ("exact", None),
           "modules": ("exact", None), "trunc_in_range": ("exact", None)}

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.Tanh(),
                      nn.Linear(128, 10))


def init_weights(m):
    if isinstance(m, nn.Linear):
        if m.out_features == 10:
            nn.init.xavier_uniform_(m.weight, gain=nn.init.calculate_gain("linear"))
        elif m.in_features == 64:
            nn.init.kaiming_uniform_(m.weight, a=0, mode="fan_in", nonlinearity="relu")
        else:
            nn.init.orthogonal_(m.weight, gain=1.0)
        nn.init.zeros_(m.bias)


model.apply(init_weights)
w0, w2, w4 = model[0].weight, model[2].weight, model[4].weight
init_stats = [w0.std().item(), math.sqrt(2.0 / 64) ,
              w4.std().item(), math.sqrt(2.0 / (128 + 10))]
orth = (w2 @ w2.T - torch.eye(128)).abs().max().item()
t = torch.empty(1000)
nn.init.trunc_normal_(t, std=0.02, a=-0.04, b=0.04)
nn.init.ones_(model[2].bias)
nn.init.constant_(model[2].bias, 0.1)

# deterministic weights for the hook part
rng = np.random.default_rng(0)
with torch.no_grad():
    for _, p in sorted(model.named_parameters()):
        p.copy_(torch.from_numpy(0.1 * rng.standard_normal(p.shape).astype(np.float32)))

activations, pre_calls, bwd_shapes = {}, [], []


def save_activation(name):
    def hook(module, inputs, output):
        activations[name] = output.detach()
    return hook


handles = [model[1].register_forward_hook(save_activation("relu1")),
           model[3].register_forward_hook(save_activation("tanh"))]
handles.append(model[0].register_forward_pre_hook(lambda m, inp: pre_calls.append(inp[0].shape[0])))
handles.append(model[4].register_full_backward_hook(
    lambda m, gin, gout: bwd_shapes.append([list(gout[0].shape), list(gin[0].shape)])))

x = torch.from_numpy(rng.standard_normal((32, 64)).astype(np.float32))
target = torch.from_numpy(rng.integers(0, 10, size=32))
hidden = model[0](x)
seen = []
hidden.register_hook(lambda g: seen.append(g.abs().sum().item()))
out = model[4](model[3](model[2](model[1](hidden))))
loss = nn.functional.cross_entropy(out, target) * 50  # large, so clipping acts
loss.backward()
total_norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
clipped = torch.sqrt(sum((p.grad ** 2).sum() for p in model.parameters())).item()
nn.utils.clip_grad_value_(model.parameters(), clip_value=0.01)
value_max = max(p.grad.abs().max().item() for p in model.parameters())
for h in handles:
    h.remove()
model(x)  # hooks removed: no new captures

vec = nn.utils.parameters_to_vector(model.parameters())
nn.utils.vector_to_parameters(vec * 2, model.parameters())
roundtrip = torch.equal(nn.utils.parameters_to_vector(model.parameters()), vec * 2)
kinds = {}
for name, m in model.named_modules():
    kinds[type(m).__name__] = kinds.get(type(m).__name__, 0) + sum(
        p.numel() for p in m.parameters(recurse=False))
print(f"total grad norm before clipping {total_norm:.3f}")
print("RESULT " + json.dumps({
    "init_stats": init_stats, "bias_zero": bool((model[0].bias != 0).sum() > 0),
    "orthogonal": orth, "gain": [nn.init.calculate_gain(n) for n in ("relu", "tanh", "sigmoid")]
                                + [nn.init.calculate_gain("leaky_relu", 0.2)],
    "captured": sorted(activations), "act_mean": activations["tanh"].abs().mean().item(),
    "pre_hook_calls": pre_calls, "bwd_hook_shapes": bwd_shapes, "tensor_hook": seen,
    "total_norm": total_norm.item(), "clipped_norm": clipped, "value_clip_max": value_max,
    "vec_len": vec.numel(), "vec_roundtrip": bool(roundtrip), "modules": kinds,
    "trunc_in_range": bool(t.abs().max() <= 0.04)}))
