"""torch.func as the per-sample-gradients and model-ensembling tutorials write it:
params = {k: v.detach() for k, v in model.named_parameters()}, functional_call(model,
(params, buffers), (batch,)), grad(compute_loss) with a batch of one made by unsqueeze(0),
vmap(ft_compute_grad, in_dims=(None, None, 0, 0)) over a batch, checked against a Python
loop of loss.backward(); DP-SGD style per-sample clipping and noise from those gradients;
stack_module_state + vmap over an ensemble of models (in_dims=(0, 0, None)); grad_and_value
with has_aux; jacrev/jacfwd/hessian of a small function; and vmap over a plain function
with out_dims and chunk_size. Data and weights come from seeded NumPy."""
import copy
import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad, grad_and_value, hessian, jacfwd, jacrev, stack_module_state, vmap

COMPARE = {"per_sample_match": ("abs", 1e-5), "per_sample_norms": ("rel", 1e-4), "shapes": ("exact", None),
           "dp_losses": ("rel", 1e-4), "ensemble_match": ("abs", 1e-5), "ensemble_shape": ("exact", None),
           "aux": ("rel", 1e-5), "jac": ("abs", 1e-6), "hess": ("abs", 1e-6), "vmap_misc": ("abs", 1e-6),
           "untouched": ("exact", None)}

torch.manual_seed(0)
rng = np.random.default_rng(0)


class SimpleCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, 1)
        self.fc1 = nn.Linear(4 * 3 * 3, 16)
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(x, 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return F.log_softmax(self.fc2(x), dim=1)


def numpy_init(model, scale=0.3):
    with torch.no_grad():
        for _, p in sorted(model.named_parameters()):
            p.copy_(torch.from_numpy((scale * rng.standard_normal(p.shape)).astype(np.float32)))
    return model


model = numpy_init(SimpleCNN())
data = torch.from_numpy(rng.standard_normal((16, 1, 8, 8)).astype(np.float32))
targets = torch.from_numpy(rng.integers(0, 3, size=16))


def loss_fn(predictions, targets):
    return F.nll_loss(predictions, targets)


def compute_grad(sample, target):
    sample, target = sample.unsqueeze(0), target.unsqueeze(0)
    loss = loss_fn(model(sample), target)
    return torch.autograd.grad(loss, list(model.parameters()))


per_sample_loop = [compute_grad(data[i], targets[i]) for i in range(16)]
per_sample_loop = [torch.stack(shards) for shards in zip(*per_sample_loop)]

params = {k: v.detach() for k, v in model.named_parameters()}
buffers = {k: v.detach() for k, v in model.named_buffers()}


def compute_loss(params, buffers, sample, target):
    batch, targets = sample.unsqueeze(0), target.unsqueeze(0)
    predictions = functional_call(model, (params, buffers), (batch,))
    return loss_fn(predictions, targets)


ft_compute_grad = grad(compute_loss)
ft_compute_sample_grad = vmap(ft_compute_grad, in_dims=(None, None, 0, 0))
ft_per_sample_grads = ft_compute_sample_grad(params, buffers, data, targets)
per_sample_match = max((a - ft_per_sample_grads[name]).abs().max().item()
                       for a, (name, _) in zip(per_sample_loop, model.named_parameters()))
norms = torch.stack([g.flatten(1).norm(dim=1) for g in ft_per_sample_grads.values()], 1).norm(dim=1)

# DP-SGD: clip each example's gradient to norm C, average, add (here: zero-std) noise
dp_model = numpy_init(SimpleCNN())
C, noise_multiplier, lr = 1.0, 0.0, 0.5
dp_losses = []


def compute_loss_dp(params, sample, target):
    return loss_fn(functional_call(dp_model, params, (sample.unsqueeze(0),)), target.unsqueeze(0))


for step in range(15):
    p = {k: v.detach() for k, v in dp_model.named_parameters()}
    grads = vmap(grad(compute_loss_dp), in_dims=(None, 0, 0))(p, data, targets)
    total_norm = torch.stack([g.flatten(1).norm(dim=1) for g in grads.values()], 1).norm(dim=1)
    factor = (C / (total_norm + 1e-6)).clamp(max=1.0)
    with torch.no_grad():
        for name, param in dp_model.named_parameters():
            g = (grads[name] * factor.view(-1, *[1] * (grads[name].dim() - 1))).sum(0)
            g = g + noise_multiplier * C * torch.randn_like(g)
            param -= lr * g / len(data)
        dp_losses.append(loss_fn(dp_model(data), targets).item())

# model ensembling
models = [numpy_init(SimpleCNN()) for _ in range(4)]
ens_params, ens_buffers = stack_module_state(models)
base_model = copy.deepcopy(models[0])  # the tutorial also moves it .to("meta")


def fmodel(params, buffers, x):
    return functional_call(base_model, (params, buffers), (x,))


ens_out = vmap(fmodel, in_dims=(0, 0, None))(ens_params, ens_buffers, data)
loop_out = torch.stack([m(data) for m in models])
ensemble_match = (ens_out - loop_out).abs().max().item()


def loss_with_aux(params, x, y):
    out = functional_call(model, params, (x,))
    return loss_fn(out, y), out.argmax(1)


grads_aux, (loss_val, preds) = grad_and_value(loss_with_aux, has_aux=True)(params, data, targets)


def f(x):
    return torch.stack([x[0] ** 2 * x[1], torch.sin(x[1]) * x[2], x.exp().sum()])


def g(x):
    return (x ** 3).sum() + x[0] * x[1] * x[2]


x0 = torch.tensor([1.0, 0.5, -0.3])
batched = vmap(lambda a, b: (a * b).sum(), in_dims=(0, None))(torch.arange(12.0).view(4, 3), x0)
outer = vmap(vmap(torch.dot, in_dims=(None, 0)), in_dims=(0, None))(torch.eye(3), torch.ones(2, 3))
chunked = vmap(torch.trace, chunk_size=2)(torch.arange(18.0).view(2, 3, 3))
moved = vmap(lambda a: a * 2, out_dims=1)(torch.ones(4, 3))
print(f"per-sample grads match the loop to {per_sample_match:.2e}")
print("RESULT " + json.dumps({
    "per_sample_match": per_sample_match, "per_sample_norms": norms.tolist(),
    "shapes": [[k, list(v.shape)] for k, v in ft_per_sample_grads.items()],
    "dp_losses": dp_losses[::3], "ensemble_match": ensemble_match,
    "ensemble_shape": [list(ens_out.shape), sorted(ens_params), str(base_model.fc1.weight.device),
                       list(ens_params["fc1.weight"].shape)],
    "aux": [loss_val.item(), preds.tolist(), grads_aux["fc2.bias"].tolist()],
    "jac": [jacrev(f)(x0).tolist(), (jacrev(f)(x0) - jacfwd(f)(x0)).abs().max().item()],
    "hess": [hessian(g)(x0).tolist(), (jacfwd(jacrev(g))(x0) - hessian(g)(x0)).abs().max().item()],
    "vmap_misc": [batched.tolist(), outer.tolist(), chunked.tolist(), list(moved.shape)],
    "untouched": [all(p.grad is None for p in dp_model.parameters()), model.fc1.weight.grad is None]}))
