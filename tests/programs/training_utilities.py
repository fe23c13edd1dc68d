"""The utilities a training framework reaches for: torch.utils.checkpoint.checkpoint
(use_reentrant=False) to trade compute for memory, nn.utils.parametrizations.weight_norm
and spectral_norm, torch.nn.utils.prune (l1_unstructured, remove), a custom
parametrization with nn.utils.parametrize.register_parametrization, the autograd
profiler table, torch.autograd.set_detect_anomaly, module import paths like
torch.nn.modules.linear.Linear, and DataParallel wrapped only when several GPUs exist."""
import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.utils.parametrize as parametrize
import torch.nn.utils.prune as prune
from torch.nn.modules.linear import Linear
from torch.nn.modules.loss import MSELoss
from torch.utils.checkpoint import checkpoint

COMPARE = {"ckpt_loss": ("rel", 1e-5), "ckpt_grads_equal": ("exact", None),
           "wn_keys": ("exact", None), "wn_loss": ("rel", 1e-3), "sn_sigma": ("abs", 0.05),
           "pruned": ("exact", None), "sym": ("exact", None), "profiled": ("exact", None),
           "anomaly": ("exact", None), "paths": ("exact", None), "dp": ("exact", None)}

rng = np.random.default_rng(0)


def npinit(module, scale=0.3):
    with torch.no_grad():
        for _, p in sorted(module.named_parameters()):
            p.copy_(torch.from_numpy(scale * rng.standard_normal(p.shape).astype(np.float32)))


class Deep(nn.Module):
    def __init__(self, use_ckpt):
        super().__init__()
        self.blocks = nn.ModuleList([nn.Sequential(Linear(16, 16), nn.Tanh()) for _ in range(4)])
        self.use_ckpt = use_ckpt

    def forward(self, x):
        for block in self.blocks:
            x = checkpoint(block, x, use_reentrant=False) if self.use_ckpt else block(x)
        return x


x = torch.from_numpy(rng.standard_normal((8, 16)).astype(np.float32))
plain, ckpt = Deep(False), Deep(True)
npinit(plain)
ckpt.load_state_dict(plain.state_dict())
plain(x).pow(2).mean().backward()
loss = ckpt(x).pow(2).mean()
loss.backward()
ckpt_grads_equal = all(torch.allclose(a.grad, b.grad, atol=1e-6)
                       for a, b in zip(plain.parameters(), ckpt.parameters()))

layer = nn.utils.parametrizations.weight_norm(nn.Linear(16, 4))
wn_keys = sorted(layer.state_dict().keys())
npinit(layer)
opt = torch.optim.SGD(layer.parameters(), lr=0.1)
target = torch.from_numpy(rng.standard_normal((8, 4)).astype(np.float32))
for _ in range(20):
    wn_loss = MSELoss()(layer(x), target)
    opt.zero_grad()
    wn_loss.backward()
    opt.step()

torch.manual_seed(0)
sn = nn.utils.parametrizations.spectral_norm(nn.Linear(16, 16))
sn.train()
for _ in range(20):
    sn(x)  # power iterations
sn.eval()
sn_sigma = torch.linalg.matrix_norm(sn.weight, ord=2).item()

net = nn.Linear(10, 10)
npinit(net)
prune.l1_unstructured(net, name="weight", amount=0.3)
names_pruned = sorted(n for n, _ in net.named_buffers()) + sorted(n for n, _ in net.named_parameters())
zeros = int((net.weight == 0).sum())
prune.remove(net, "weight")
pruned = [names_pruned, zeros, sorted(n for n, _ in net.named_parameters()),
          int((net.weight == 0).sum())]


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)


sq = nn.Linear(5, 5)
parametrize.register_parametrization(sq, "weight", Symmetric())
sym = [bool(torch.equal(sq.weight, sq.weight.T)), parametrize.is_parametrized(sq),
       sorted(sq.parametrizations.keys())]

with torch.autograd.profiler.profile() as prof:
    plain(x).sum().backward()
table = prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=5)
profiled = [isinstance(table, str), len(table) > 0]

with torch.autograd.set_detect_anomaly(True):
    w = torch.tensor([1.0, 0.0], requires_grad=True)
    try:
        torch.sqrt(w * 0).sum().backward()   # 0 * inf = nan in the backward
        anomaly = "no error"
    except RuntimeError as e:
        anomaly = "nan" in str(e).lower()

paths = [Linear is nn.Linear, MSELoss is nn.MSELoss,
         torch.nn.modules.conv.Conv2d is nn.Conv2d,
         torch.nn.modules.activation.ReLU is nn.ReLU,
         torch.nn.modules.batchnorm.BatchNorm1d is nn.BatchNorm1d,
         isinstance(nn.Linear(1, 1), torch.nn.modules.module.Module)]
model = nn.Linear(3, 1)
if torch.cuda.device_count() > 1:
    model = nn.DataParallel(model)
wrapped = nn.DataParallel(nn.Linear(3, 1)) if not torch.cuda.is_available() else None
dp = [isinstance(model, nn.Linear), hasattr(torch.nn.parallel, "DistributedDataParallel"),
      type(wrapped).__name__, isinstance(wrapped.module, nn.Linear)]
print(table.splitlines()[0] if table else "")
print("RESULT " + json.dumps({
    "ckpt_loss": loss.item(), "ckpt_grads_equal": ckpt_grads_equal, "wn_keys": wn_keys,
    "wn_loss": wn_loss.item(), "sn_sigma": sn_sigma, "pruned": pruned, "sym": sym,
    "profiled": profiled, "anomaly": anomaly, "paths": paths, "dp": dp}))
