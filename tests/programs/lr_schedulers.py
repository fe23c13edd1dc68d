"""Learning-rate schedules as training scripts use them: StepLR, MultiStepLR, ExponentialLR,
CosineAnnealingLR, OneCycleLR (stepped per batch), LinearLR warm-up chained into
CosineAnnealingLR with SequentialLR, CosineAnnealingWarmRestarts (fractional epochs),
LambdaLR, PolynomialLR, ChainedScheduler (ConstantLR with ExponentialLR), and ReduceLROnPlateau driven by a validation loss; get_last_lr() and the
optimizer's param_groups are read back each step."""
import json

import torch
from torch import nn, optim
from torch.optim import lr_scheduler

COMPARE = {"step": ("rel", 1e-6), "multistep": ("rel", 1e-6), "exponential": ("rel", 1e-6),
           "cosine": ("rel", 1e-6), "onecycle": ("rel", 1e-6), "warmup_cosine": ("rel", 1e-6),
           "restarts": ("rel", 1e-6), "lambda": ("rel", 1e-6), "plateau": ("rel", 1e-6),
           "two_groups": ("rel", 1e-6), "onecycle_last_epoch": ("exact", None),
           "polynomial": ("rel", 1e-6), "chained": ("rel", 1e-6)}


def make_opt(lr=0.1, **kw):
    model = nn.Linear(2, 1)
    return optim.SGD(model.parameters(), lr=lr, momentum=0.9, **kw)


def trace(make_sched, epochs, opt=None, per_step=None):
    opt = opt or make_opt()
    sched = make_sched(opt)
    lrs = []
    for epoch in range(epochs):
        opt.step()
        if per_step is None:
            sched.step()
        else:
            per_step(sched, epoch)
        lrs.append(sched.get_last_lr()[0])
    return lrs, sched


results = {}
results["step"], _ = trace(lambda o: lr_scheduler.StepLR(o, step_size=3, gamma=0.5), 10)
results["multistep"], _ = trace(
    lambda o: lr_scheduler.MultiStepLR(o, milestones=[2, 5, 8], gamma=0.1), 10)
results["exponential"], _ = trace(lambda o: lr_scheduler.ExponentialLR(o, gamma=0.9), 10)
results["cosine"], _ = trace(lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=1e-3), 12)
results["onecycle"], sched = trace(
    lambda o: lr_scheduler.OneCycleLR(o, max_lr=1.0, steps_per_epoch=5, epochs=4), 20)
results["onecycle_last_epoch"] = sched.state_dict()["last_epoch"]


def warmup_cosine(o):
    warm = lr_scheduler.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=4)
    cos = lr_scheduler.CosineAnnealingLR(o, T_max=8)
    return lr_scheduler.SequentialLR(o, schedulers=[warm, cos], milestones=[4])


results["warmup_cosine"], _ = trace(warmup_cosine, 12)

iters = 4
results["restarts"], _ = trace(
    lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.01), 10,
    per_step=lambda s, epoch: [s.step(epoch + i / iters) for i in range(1, iters + 1)])
results["polynomial"], _ = trace(lambda o: lr_scheduler.PolynomialLR(o, total_iters=6, power=2.0), 8)
results["chained"], _ = trace(lambda o: lr_scheduler.ChainedScheduler(
    [lr_scheduler.ConstantLR(o, factor=0.5, total_iters=3), lr_scheduler.ExponentialLR(o, gamma=0.9)]), 6)
results["lambda"], _ = trace(lambda o: lr_scheduler.LambdaLR(o, lambda e: 1.0 / (1 + e)), 6)

opt = make_opt(lr=1.0)
plateau = lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2,
                                         threshold=1e-3)
val_losses = [1.0, 0.9, 0.9, 0.9, 0.9, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85]
lrs = []
for v in val_losses:
    opt.step()
    plateau.step(v)
    lrs.append(opt.param_groups[0]["lr"])
results["plateau"] = lrs

model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
opt = optim.Adam([{"params": model[0].parameters()},
                  {"params": model[1].parameters(), "lr": 1e-2}], lr=1e-3)
sched = lr_scheduler.StepLR(opt, step_size=2, gamma=0.1)
two = []
for _ in range(5):
    opt.step()
    sched.step()
    two.extend(g["lr"] for g in opt.param_groups)
results["two_groups"] = two

print("  ".join(f"{lr:.4f}" for lr in results["onecycle"]))
print("RESULT " + json.dumps(results))
