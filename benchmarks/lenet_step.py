"""One LeNet-5 training step: minitorch vs PyTorch (CPU, or CuPy vs torch CUDA).

The workload: LeNet-5 on a batch of 64 1x32x32 images (conv 5x5 1->6, ReLU, max-pool 2,
conv 5x5 6->16, ReLU, max-pool 2, Linear 400-120-84-10 with ReLU), cross-entropy, backward
and one Adam step (zero_grad, forward, loss, backward, step). Both frameworks start from
the same weights (generated once in PyTorch's layout and loaded into each) and see the
same seeded batch; the parent checks that the first step's loss and updated weights agree,
then prints median/min/max ms per step and the ratio minitorch/torch.

    python benchmarks/lenet_step.py                 # both frameworks, table + check
    python benchmarks/lenet_step.py --threads 1     # single-threaded BLAS in both
    python benchmarks/lenet_step.py --json out.json
    python benchmarks/lenet_step.py --device cuda   # CuPy vs torch CUDA (needs a GPU)

Target: at most 1.5x PyTorch's time.
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

# (name, shape) in PyTorch's layout: Conv2d.weight (out, in, kh, kw), Linear.weight (out, in)
SHAPES = [("0.weight", (6, 1, 5, 5)), ("0.bias", (6,)),
          ("3.weight", (16, 6, 5, 5)), ("3.bias", (16,)),
          ("7.weight", (120, 400)), ("7.bias", (120,)),
          ("9.weight", (84, 120)), ("9.bias", (84,)),
          ("11.weight", (10, 84)), ("11.bias", (10,))]


def make_data(seed: int, batch: int):
    """Weights (uniform +-1/sqrt(fan_in), as torch initializes them), a batch, labels."""
    rng = np.random.default_rng(seed)
    state = {}
    for name, shape in SHAPES:
        weight_shape = shape if name.endswith("weight") else state[name[:-4] + "weight"].shape
        bound = 1 / np.sqrt(int(np.prod(weight_shape[1:])))     # 1/sqrt(fan_in)
        state[name] = rng.uniform(-bound, bound, shape).astype(np.float32)
    x = rng.random((batch, 1, 32, 32), dtype=np.float32)
    y = rng.integers(0, 10, batch).astype(np.int64)
    return state, x, y


def build(lib, state, device):
    """The model with `state` loaded, moved to `device` (before the optimizer sees it)."""
    nn = lib.nn
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))
    model.load_state_dict({k: lib.from_numpy(v.copy()) for k, v in state.items()})
    return model.to(device)


def run_framework(name: str, args) -> dict:
    info = harness.framework_info(name, args.device)
    lib, dev = info["lib"], info["device"]
    state, xa, ya = make_data(args.seed, args.batch)
    model = build(lib, state, dev)
    opt = lib.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = lib.nn.CrossEntropyLoss()
    x, y = lib.from_numpy(xa).to(dev), lib.from_numpy(ya).to(dev)
    first = {}

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        if not first:
            first.update(loss=float(loss.item()),
                         conv1_after=harness.to_numpy(model[0].weight)[:2, 0].tolist(),
                         conv2_grad=harness.to_numpy(model[3].weight.grad)[:2, :2].tolist(),
                         fc3_b_after=harness.to_numpy(model[11].bias).tolist(),
                         loss_dtype=str(loss.dtype).rsplit(".", 1)[-1])

    res = harness.time_steps(step, args.reps, args.warmup, sync=info["sync"])
    res.update(harness.describe(info), batch=args.batch, check=first)
    return res


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--batch", type=int, default=64)
    harness.add_common_args(p, reps=30, warmup=5, rounds=3, threads=0, target=1.5)
    args = p.parse_args(argv)
    child = ["--batch", str(args.batch), "--reps", str(args.reps), "--warmup",
             str(args.warmup), "--seed", str(args.seed)]
    title = (f"LeNet-5 (1x32x32, conv-relu-maxpool x2, fc 400-120-84-10), cross-entropy, "
             f"batch {args.batch}: forward + backward + Adam(lr=1e-3) step")
    return harness.main_for(__file__, args, child, run_framework, title)


if __name__ == "__main__":
    sys.exit(main())
