"""Every common optimizer on the Rosenbrock function from the same start, as optimizer
comparison notebooks do: SGD (momentum, Nesterov, weight decay), Adam (amsgrad), AdamW,
RMSprop (centered, momentum), Adagrad, Adadelta, Adamax, NAdam, RAdam, ASGD, Rprop;
plus per-parameter-group options, optimizer.add_param_group, and the state_dict's
per-parameter state (step, exp_avg...) after a few steps."""
import json

import torch
import torch.optim as optim

COMPARE = {"paths": ("rel", 2e-4), "state_keys": ("exact", None), "groups": ("exact", None),
           "added_group_lr": ("exact", None), "defaults": ("exact", None)}

torch.set_default_dtype(torch.float64)


def rosenbrock(xy):
    x, y = xy[0], xy[1]
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


configs = {
    "sgd_momentum": (optim.SGD, dict(lr=1e-4, momentum=0.9)),
    "sgd_nesterov": (optim.SGD, dict(lr=1e-4, momentum=0.9, nesterov=True, weight_decay=1e-3)),
    "adam": (optim.Adam, dict(lr=5e-2)),
    "adam_amsgrad": (optim.Adam, dict(lr=5e-2, amsgrad=True, betas=(0.8, 0.99))),
    "adamw": (optim.AdamW, dict(lr=5e-2, weight_decay=0.1)),
    "rmsprop": (optim.RMSprop, dict(lr=1e-3)),
    "rmsprop_centered": (optim.RMSprop, dict(lr=1e-3, centered=True, momentum=0.5)),
    "adagrad": (optim.Adagrad, dict(lr=0.3, lr_decay=1e-3)),
    "adadelta": (optim.Adadelta, dict(lr=1.0, rho=0.9)),
    "adamax": (optim.Adamax, dict(lr=5e-2)),
    "nadam": (optim.NAdam, dict(lr=5e-2)),
    "radam": (optim.RAdam, dict(lr=2e-4, decoupled_weight_decay=True, weight_decay=1e-2)),
    "asgd": (optim.ASGD, dict(lr=1e-4)),
    "rprop": (optim.Rprop, dict(lr=1e-3)),
}
paths = {}
for name, (cls, kwargs) in configs.items():
    xy = torch.tensor([-1.5, 2.0], requires_grad=True)
    opt = cls([xy], **kwargs)
    values = []
    for it in range(150):
        opt.zero_grad()
        loss = rosenbrock(xy)
        loss.backward()
        opt.step()
        if it % 30 == 29:
            values.append(loss.item())
    paths[name] = values + xy.tolist()
    print(f"{name:>16}: f = {values[-1]:.5f} at ({xy[0].item():.3f}, {xy[1].item():.3f})")

w = torch.zeros(3, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
opt = optim.Adam([{"params": [w]}, {"params": [b], "lr": 1e-1, "weight_decay": 0.0}],
                 lr=1e-3, weight_decay=1e-2)
for _ in range(3):
    opt.zero_grad()
    ((w.sum() + b - 1) ** 2).sum().backward()
    opt.step()
sd = opt.state_dict()
state_keys = sorted(sd["state"][0].keys())
groups = [[g["lr"], g["weight_decay"], g["params"]] for g in sd["param_groups"]]
extra = torch.zeros(2, requires_grad=True)
opt.add_param_group({"params": [extra], "lr": 0.5})
print("RESULT " + json.dumps({
    "paths": paths, "state_keys": state_keys, "groups": groups,
    "added_group_lr": [g["lr"] for g in opt.param_groups],
    "defaults": [opt.defaults["lr"], list(opt.defaults["betas"]), opt.defaults["eps"]]}))
