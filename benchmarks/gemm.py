"""A raw GEMM, the machine's ceiling: minitorch.matmul (NumPy's BLAS) vs torch.matmul (CPU).

The workload: C = A @ B with A and B float32 of N x N (default 1024), no autograd (the
tensors do not require grad). It measures what the BLAS under each framework reaches on
this machine, so the other workloads' GEMM-heavy ratios can be read against it. Both
frameworks see the same seeded A and B; the parent checks a slice of the first product
and prints median/min/max ms and GFLOP/s (2 N^3 flops per product).

    python benchmarks/gemm.py                   # both frameworks, table + check
    python benchmarks/gemm.py --n 2048 --threads 1
    python benchmarks/gemm.py --json out.json

No target: this is a reference point (the ratio shows the BLAS gap, not minitorch's).
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def make_data(seed: int, n: int):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    return a, b


def run_framework(name: str, args) -> dict:
    info = harness.framework_info(name)
    lib = info["lib"]
    aa, ba = make_data(args.seed, args.n)
    a, b = lib.from_numpy(aa), lib.from_numpy(ba)
    first = {}

    def step():
        c = lib.matmul(a, b)
        if not first:
            first.update(c_slice=np.asarray(c.numpy()[:4, :8], np.float64).tolist(),
                         c_row_sum=float(np.asarray(c.numpy()[-1], np.float64).sum()),
                         c_dtype=str(c.dtype).rsplit(".", 1)[-1])

    res = harness.time_steps(step, args.reps, args.warmup)
    res.update(framework=name, version=info["version"], n=args.n,
               flops=2.0 * args.n ** 3, check=first)
    return res


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=1024, help="matrix size N (default 1024)")
    harness.add_common_args(p, reps=20, warmup=3, rounds=3, threads=0, target=float("inf"))  # no target: report only
    args = p.parse_args(argv)
    child = ["--n", str(args.n), "--reps", str(args.reps), "--warmup", str(args.warmup),
             "--seed", str(args.seed)]
    title = f"GEMM float32 {args.n}x{args.n} @ {args.n}x{args.n}, no autograd"
    return harness.main_for(__file__, args, child, run_framework, title, rtol=1e-4, atol=1e-2)


if __name__ == "__main__":
    sys.exit(main())
