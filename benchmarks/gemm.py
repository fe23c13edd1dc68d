"""A raw GEMM, the machine's ceiling: minitorch.matmul (NumPy's BLAS) vs torch.matmul (CPU),
or CuPy's cuBLAS vs torch CUDA's.

The workload: C = A @ B with A and B float32 of N x N (default 1024 on the CPU, 4096 on
cuda, where 1024^3 is too small to keep a GPU busy: a few hundred microseconds, mostly
launch), no autograd (the tensors do not require grad). It measures what the BLAS under each framework reaches on
this machine, so the other workloads' GEMM-heavy ratios can be read against it. Both
frameworks see the same seeded A and B; the parent checks a slice of the first product
and prints median/min/max ms and GFLOP/s (2 N^3 flops per product).

    python benchmarks/gemm.py                   # both frameworks, table + check
    python benchmarks/gemm.py --n 2048 --threads 1
    python benchmarks/gemm.py --json out.json
    python benchmarks/gemm.py --device cuda     # N = 4096: cuBLAS through CuPy vs torch CUDA

On cuda both run full float32 (torch with TF32 off; CuPy does not use TF32 unless
CUPY_TF32=1), and each product is followed by a device synchronize inside the timing.

No target: this is a reference point (the ratio shows the BLAS gap, not minitorch's).
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


# the default N per device: 1024^3 keeps 2 CPU cores busy for tens of ms; a GPU needs more
DEFAULT_N = {"cpu": 1024, "cuda": 4096}


def make_data(seed: int, n: int):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    return a, b


def run_framework(name: str, args) -> dict:
    info = harness.framework_info(name, args.device)
    lib, dev = info["lib"], info["device"]
    aa, ba = make_data(args.seed, args.n)
    a, b = lib.from_numpy(aa).to(dev), lib.from_numpy(ba).to(dev)
    first = {}

    def step():
        c = lib.matmul(a, b)
        if not first:
            host = harness.to_numpy(c)
            first.update(c_slice=np.asarray(host[:4, :8], np.float64).tolist(),
                         c_row_sum=float(np.asarray(host[-1], np.float64).sum()),
                         c_dtype=str(c.dtype).rsplit(".", 1)[-1])

    res = harness.time_steps(step, args.reps, args.warmup, sync=info["sync"])
    res.update(harness.describe(info), n=args.n, flops=2.0 * args.n ** 3, check=first)
    return res


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=None,
                   help=f"matrix size N (default {DEFAULT_N['cpu']} on cpu, "
                        f"{DEFAULT_N['cuda']} on cuda)")
    harness.add_common_args(p, reps=20, warmup=3, rounds=3, threads=0, target=float("inf"))  # no target: report only
    args = p.parse_args(argv)
    if args.n is None:
        args.n = DEFAULT_N[args.device]
    if args.n < 1:
        p.error(f"--n: expected a positive matrix size, got {args.n}")
    child = ["--n", str(args.n), "--reps", str(args.reps), "--warmup", str(args.warmup),
             "--seed", str(args.seed)]
    title = f"GEMM float32 {args.n}x{args.n} @ {args.n}x{args.n}, no autograd"
    return harness.main_for(__file__, args, child, run_framework, title, rtol=1e-4, atol=1e-2)


if __name__ == "__main__":
    sys.exit(main())
