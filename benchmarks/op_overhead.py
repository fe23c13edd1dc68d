"""Per-op overhead: minitorch vs PyTorch (CPU, or CuPy vs torch CUDA) on a chain of tiny
elementwise ops.

The workload is all overhead and no arithmetic: a chain of N (default 1,000) elementwise
ops on a 16-element float32 tensor that requires grad, ended by ``.sum().backward()``.
With 16 elements the math takes nanoseconds, so the time measured is what each framework
spends per op in Python/C++ bookkeeping: dispatch, building the graph node, creating the
output tensor, and in backward, walking the graph and checking gradients.

Each framework runs in its own process (this script re-launches itself with
``--framework minitorch`` and ``--framework torch``) on the same seeded data and the same
op sequence. The parent compares the first result of each (final value and the gradients
of x, w and b) and prints median/min/max milliseconds per full chain (forward+backward)
and the ratio minitorch/torch.

    python benchmarks/op_overhead.py                  # both frameworks, print a table
    python benchmarks/op_overhead.py --json out.json  # ... and write the raw results
    python benchmarks/op_overhead.py --framework minitorch   # one framework, JSON to stdout
    python benchmarks/op_overhead.py --device cuda    # CuPy vs torch CUDA (needs a GPU)

On cuda each op is a kernel launch on 16 elements, so this measures launch and dispatch
cost per op (each step ends with a device synchronize inside the timing).

The machine should be otherwise idle; the frameworks are alternated over --rounds
processes each so that load from elsewhere affects both alike.
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SIZE = 16

# The op cycle, repeated until the chain has --ops ops. Tensor-tensor and tensor-scalar
# ops (both operand orders), unary math; tanh and sigmoid keep the values bounded, so a
# chain of any length neither overflows nor underflows.
CYCLE = (
    ("x * w", lambda x, w, b: x * w),
    ("x + b", lambda x, w, b: x + b),
    ("tanh", lambda x, w, b: x.tanh()),
    ("x * 0.5", lambda x, w, b: x * 0.5),
    ("exp", lambda x, w, b: x.exp()),          # x in [-0.5, 0.5] here
    ("x - 0.1", lambda x, w, b: x - 0.1),
    ("sin", lambda x, w, b: x.sin()),
    ("sigmoid", lambda x, w, b: x.sigmoid()),
    ("2.0 * x", lambda x, w, b: 2.0 * x),
    ("x - b", lambda x, w, b: x - b),
)


def make_data(seed: int):
    """The same float32 bytes for both frameworks."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(SIZE).astype(np.float32)
    w = rng.uniform(0.5, 1.5, SIZE).astype(np.float32)
    b = rng.uniform(-0.5, 0.5, SIZE).astype(np.float32)
    return x, w, b


def chain(x, w, b, n_ops: int):
    """Forward of the chain; returns the scalar loss."""
    ops = CYCLE
    k = len(ops)
    y = x
    for i in range(n_ops):
        y = ops[i % k][1](y, w, b)
    return y.sum()


def run_framework(name: str, args) -> dict:
    """Time forward+backward of the chain in this process."""
    info = harness.framework_info(name, args.device)
    lib, dev = info["lib"], info["device"]
    xa, wa, ba = make_data(args.seed)
    x, w, b = (lib.tensor(a.copy(), device=dev, requires_grad=True) for a in (xa, wa, ba))
    first = {}

    def step():
        x.grad = w.grad = b.grad = None
        loss = chain(x, w, b, args.ops)
        loss.backward()
        if not first:
            first.update(loss=float(loss.item()), grad_x=_np(x.grad), grad_w=_np(w.grad),
                         grad_b=_np(b.grad), loss_dtype=str(loss.dtype).rsplit(".", 1)[-1],
                         grad_x_dtype=str(x.grad.dtype).rsplit(".", 1)[-1])

    res = harness.time_steps(step, args.reps, args.warmup, sync=info["sync"])
    res.update(harness.describe(info), n_ops=args.ops, size=SIZE, check=first)
    return res


def _np(t):
    return harness.to_numpy(t).tolist()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--ops", type=int, default=1000, help="ops in the chain (default 1000)")
    harness.add_common_args(p, threads=1, target=2.0)
    args = p.parse_args(argv)
    child = ["--ops", str(args.ops), "--reps", str(args.reps), "--warmup", str(args.warmup),
             "--seed", str(args.seed)]
    title = (f"chain of {args.ops} elementwise ops on {SIZE} float32 elements, forward + "
             f"backward\nops per cycle: {', '.join(name for name, _ in CYCLE)}")
    return harness.main_for(__file__, args, child, run_framework, title,
                            per_item=("us/op", args.ops))


if __name__ == "__main__":
    sys.exit(main())
