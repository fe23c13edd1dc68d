"""One MLP training step: minitorch vs PyTorch (CPU, or CuPy vs torch CUDA).

The workload: an MLP 784-256-256-10 with ReLU, cross-entropy on a batch of 128, backward,
and one SGD step with lr 0.1 (zero_grad, forward, loss, backward, step). Both frameworks
start from the same weights (generated once in PyTorch's layout and loaded into each) and
see the same seeded batch; the parent checks that the first step's loss and updated
weights agree, then prints median/min/max ms per step and the ratio minitorch/torch.

    python benchmarks/mlp_step.py                   # both frameworks, table + check
    python benchmarks/mlp_step.py --threads 1       # single-threaded BLAS in both
    python benchmarks/mlp_step.py --json out.json
    python benchmarks/mlp_step.py --device cuda     # CuPy vs torch CUDA (needs a GPU)

Target: at most 1.3x PyTorch's time.
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SIZES = (784, 256, 256, 10)


def make_data(seed: int, batch: int):
    """Weights in PyTorch's layout (Linear.weight is (out, in)), a batch and its labels."""
    rng = np.random.default_rng(seed)
    state = {}
    for i, (fan_in, fan_out) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        bound = 1 / np.sqrt(fan_in)
        state[f"{2 * i}.weight"] = rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32)
        state[f"{2 * i}.bias"] = rng.uniform(-bound, bound, fan_out).astype(np.float32)
    x = rng.random((batch, SIZES[0]), dtype=np.float32)
    y = rng.integers(0, SIZES[-1], batch).astype(np.int64)
    return state, x, y


def build(lib, state, device):
    """The model with `state` loaded, moved to `device` (before the optimizer sees it)."""
    nn = lib.nn
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                          nn.Linear(256, 10))
    model.load_state_dict({k: lib.from_numpy(v.copy()) for k, v in state.items()})
    return model.to(device)


def run_framework(name: str, args) -> dict:
    info = harness.framework_info(name, args.device)
    lib, dev = info["lib"], info["device"]
    state, xa, ya = make_data(args.seed, args.batch)
    model = build(lib, state, dev)
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
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
                         w0_after=harness.to_numpy(model[0].weight)[:4, :8].tolist(),
                         b4_after=harness.to_numpy(model[4].bias).tolist(),
                         loss_dtype=str(loss.dtype).rsplit(".", 1)[-1])

    res = harness.time_steps(step, args.reps, args.warmup, sync=info["sync"])
    # the GEMMs: forward 2*B*sum(in*out), backward about twice that
    flops = 3 * 2.0 * args.batch * (784 * 256 + 256 * 256 + 256 * 10)
    res.update(harness.describe(info), batch=args.batch, flops=flops, check=first)
    return res


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--batch", type=int, default=128)
    harness.add_common_args(p, reps=50, warmup=5, rounds=3, threads=0, target=1.3)
    args = p.parse_args(argv)
    child = ["--batch", str(args.batch), "--reps", str(args.reps), "--warmup",
             str(args.warmup), "--seed", str(args.seed)]
    title = (f"MLP {'-'.join(map(str, SIZES))} (ReLU), cross-entropy, batch {args.batch}: "
             "forward + backward + SGD(lr=0.1) step")
    return harness.main_for(__file__, args, child, run_framework, title)


if __name__ == "__main__":
    sys.exit(main())
