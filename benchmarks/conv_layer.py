"""One 3x3 convolution layer, forward + backward: minitorch vs PyTorch (CPU, or CuPy vs
torch CUDA).

The workload: Conv2d(64, 64, 3, padding=1) on an input of 32x64x32x32 (float32), the
output contracted with a fixed upstream gradient (``(y * g).sum()``), backward to the
input, the weight and the bias. Both frameworks load the same weights and see the same
seeded input; the parent checks that the first step's output and gradients agree, then
prints median/min/max ms per step and the ratio minitorch/torch.

    python benchmarks/conv_layer.py                 # both frameworks, table + check
    python benchmarks/conv_layer.py --threads 1     # single-threaded BLAS in both
    python benchmarks/conv_layer.py --json out.json
    python benchmarks/conv_layer.py --device cuda   # CuPy vs torch CUDA (cuDNN, TF32 off)

Target: at most 1.5x PyTorch's time (plain NumPy im2col with tensordot is about 2.9x).

Measured on the 2-core development machine (torch 2.13 CPU, NumPy with OpenBLAS 0.3.31,
medians of 3 processes x 8 steps, the machine shared with other jobs, so expect noise):

    threads      minitorch   torch     ratio (medians / minimums)
    default      114 ms      67 ms     1.71x / 2.03x
    --threads 1  146 ms      96 ms     1.52x / 1.34x

The three products (forward, input and weight gradients) are GEMMs of about 19 ms each on
two threads (OpenBLAS reaches ~85 GFLOP/s on these 64x576x1024 shapes; oneDNN in torch
does better), im2col/col2im take ~5 ms per pass, the rest is the bias and the loss.
On a loaded machine use --threads 1: multithreaded BLAS degrades badly when other
processes hold the cores.
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def make_data(seed: int, batch: int, channels: int, size: int):
    """Conv2d weights in PyTorch's layout (out, in, kh, kw), an input and an upstream
    gradient."""
    rng = np.random.default_rng(seed)
    bound = 1 / np.sqrt(channels * 9)
    state = {"weight": rng.uniform(-bound, bound, (channels, channels, 3, 3)).astype(np.float32),
             "bias": rng.uniform(-bound, bound, channels).astype(np.float32)}
    x = rng.standard_normal((batch, channels, size, size), dtype=np.float32)
    g = rng.standard_normal((batch, channels, size, size), dtype=np.float32)
    return state, x, g


def run_framework(name: str, args) -> dict:
    threads = os.environ.get("BENCH_THREADS")
    if threads and threads != "0":
        os.environ.setdefault("NUMBA_NUM_THREADS", threads)   # minitorch's im2col loops
    info = harness.framework_info(name, args.device)
    lib, dev = info["lib"], info["device"]
    state, xa, ga = make_data(args.seed, args.batch, args.channels, args.size)
    conv = lib.nn.Conv2d(args.channels, args.channels, 3, padding=1)
    conv.load_state_dict({k: lib.from_numpy(v.copy()) for k, v in state.items()})
    conv.to(dev)
    x = lib.from_numpy(xa).to(dev).requires_grad_(True)
    g = lib.from_numpy(ga).to(dev)
    first = {}

    def step():
        x.grad = None
        conv.weight.grad = None
        conv.bias.grad = None
        y = conv(x)
        (y * g).sum().backward()
        if not first:
            first.update(y=harness.to_numpy(y)[0, :2, :3, :3].tolist(),
                         x_grad=harness.to_numpy(x.grad)[0, :2, :3, :3].tolist(),
                         w_grad=harness.to_numpy(conv.weight.grad)[:2, :2].tolist(),
                         b_grad=harness.to_numpy(conv.bias.grad)[:8].tolist(),
                         dtype=str(y.dtype).rsplit(".", 1)[-1])

    res = harness.time_steps(step, args.reps, args.warmup, sync=info["sync"])
    # fwd + input grad + weight grad: three products of 2*B*C*C*9*S*S flops (padding 1)
    flops = 3 * 2.0 * args.batch * args.channels ** 2 * 9 * args.size ** 2
    res.update(harness.describe(info), batch=args.batch, flops=flops, check=first)
    return res


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--channels", type=int, default=64)
    p.add_argument("--size", type=int, default=32)
    harness.add_common_args(p, reps=10, warmup=2, rounds=2, threads=0, target=1.5)
    args = p.parse_args(argv)
    child = ["--batch", str(args.batch), "--channels", str(args.channels), "--size",
             str(args.size), "--reps", str(args.reps), "--warmup", str(args.warmup),
             "--seed", str(args.seed)]
    title = (f"Conv2d({args.channels}, {args.channels}, 3, padding=1) on "
             f"{args.batch}x{args.channels}x{args.size}x{args.size} float32: forward + backward")
    # sums of 576 products each: float32 rounding differs between the two GEMMs
    return harness.main_for(__file__, args, child, run_framework, title, rtol=1e-3, atol=1e-3)


if __name__ == "__main__":
    sys.exit(main())
