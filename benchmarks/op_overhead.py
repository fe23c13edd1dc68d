"""Per-op overhead: minitorch vs PyTorch (CPU) on a chain of tiny elementwise ops.

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

The machine should be otherwise idle; the frameworks are alternated over --rounds
processes each so that load from elsewhere affects both alike.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

FRAMEWORKS = ("minitorch", "torch")
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


def run_framework(name: str, n_ops: int, reps: int, warmup: int, seed: int) -> dict:
    """Time `reps` forward+backward passes of the chain in this process."""
    if name == "torch":
        import torch
        torch.set_num_threads(1)
        version = torch.__version__

        def leaf(a):
            return torch.tensor(a, requires_grad=True)

        def to_numpy(t):
            return t.detach().numpy().copy()
    elif name == "minitorch":
        import minitorch
        version = getattr(minitorch, "__version__", "dev")

        def leaf(a):
            return minitorch.tensor(a.copy(), requires_grad=True)

        def to_numpy(t):
            return np.array(t.detach().numpy(), copy=True)
    else:
        raise ValueError(f"unknown framework {name!r}")

    xa, wa, ba = make_data(seed)
    x, w, b = leaf(xa), leaf(wa), leaf(ba)

    check = None
    times = []
    cpu_times = []
    for rep in range(warmup + reps):
        x.grad = w.grad = b.grad = None
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        loss = chain(x, w, b, n_ops)
        loss.backward()
        t1, c1 = time.perf_counter(), time.process_time()
        if check is None:
            check = {
                "loss": float(loss.item()),
                "grad_x": to_numpy(x.grad).tolist(),
                "grad_w": to_numpy(w.grad).tolist(),
                "grad_b": to_numpy(b.grad).tolist(),
                "loss_dtype": str(loss.dtype).rsplit(".", 1)[-1],
                "grad_x_dtype": str(x.grad.dtype).rsplit(".", 1)[-1],
            }
        del loss
        if rep >= warmup:
            times.append((t1 - t0) * 1e3)
            cpu_times.append((c1 - c0) * 1e3)

    return {
        "framework": name,
        "version": version,
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "n_ops": n_ops,
        "size": SIZE,
        "reps": reps,
        "warmup": warmup,
        "seed": seed,
        "times_ms": times,              # wall clock, per full chain (forward + backward)
        "median_ms": statistics.median(times),
        "min_ms": min(times),
        "max_ms": max(times),
        "cpu_times_ms": cpu_times,      # CPU time of this process, same runs
        "cpu_median_ms": statistics.median(cpu_times),
        "check": check,
    }


def spawn(name: str, args) -> dict:
    """Run one framework in a fresh interpreter and read its JSON result."""
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env[var] = "1"
    cmd = [sys.executable, os.path.abspath(__file__), "--framework", name,
           "--ops", str(args.ops), "--reps", str(args.reps), "--warmup", str(args.warmup),
           "--seed", str(args.seed)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"{name} run failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _pool(rounds: list) -> dict:
    """One result from several processes of the same framework: all timings pooled, the
    correctness check from the first."""
    res = dict(rounds[0])
    times = [t for r in rounds for t in r["times_ms"]]
    cpu = [t for r in rounds for t in r["cpu_times_ms"]]
    res.update(times_ms=times, rounds=len(rounds), median_ms=statistics.median(times),
               min_ms=min(times), max_ms=max(times),
               round_medians_ms=[r["median_ms"] for r in rounds],
               cpu_times_ms=cpu, cpu_median_ms=statistics.median(cpu))
    return res


def compare(a: dict, b: dict, rtol: float = 1e-4, atol: float = 1e-5):
    """Compare the first results of two runs; returns (ok, lines)."""
    ok = True
    lines = []
    for key in ("loss", "grad_x", "grad_w", "grad_b"):
        va, vb = np.asarray(a[key], np.float64), np.asarray(b[key], np.float64)
        diff = float(np.max(np.abs(va - vb)))
        good = bool(np.allclose(va, vb, rtol=rtol, atol=atol))
        ok &= good
        lines.append(f"  {key:7s} max |diff| = {diff:.2e}  {'ok' if good else 'MISMATCH'}")
    for key in ("loss_dtype", "grad_x_dtype"):
        good = a[key] == b[key]
        ok &= good
        lines.append(f"  {key:12s} {a[key]} vs {b[key]}  {'ok' if good else 'MISMATCH'}")
    return ok, lines


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--framework", choices=FRAMEWORKS,
                   help="run only this framework in this process and print its JSON result")
    p.add_argument("--ops", type=int, default=1000, help="ops in the chain (default 1000)")
    p.add_argument("--reps", type=int, default=30, help="timed repetitions (default 30)")
    p.add_argument("--warmup", type=int, default=5, help="untimed repetitions first (default 5)")
    p.add_argument("--rounds", type=int, default=3,
                   help="processes per framework, alternated, timings pooled (default 3)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", metavar="PATH", help="write the raw results to PATH")
    p.add_argument("--target", type=float, default=2.0,
                   help="ratio minitorch/torch to meet (default 2.0)")
    args = p.parse_args(argv)

    if args.framework:
        res = run_framework(args.framework, args.ops, args.reps, args.warmup, args.seed)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(res, f, indent=1)
        print(json.dumps(res))
        return 0

    # Alternate the frameworks over --rounds processes each and pool the timings, so that
    # a burst of load from elsewhere on the machine hits both rather than one.
    runs = {name: [] for name in FRAMEWORKS}
    for _ in range(args.rounds):
        for name in FRAMEWORKS:
            runs[name].append(spawn(name, args))
    results = {name: _pool(rs) for name, rs in runs.items()}
    mt, th = results["minitorch"], results["torch"]
    ok, lines = compare(mt["check"], th["check"])
    ratio = mt["median_ms"] / th["median_ms"]
    ratio_min = mt["min_ms"] / th["min_ms"]
    ratio_cpu = mt["cpu_median_ms"] / th["cpu_median_ms"]

    print(f"chain of {args.ops} elementwise ops on {SIZE} float32 elements, forward + "
          f"backward; {args.reps} reps after {args.warmup} warm-up, in each of "
          f"{args.rounds} processes per framework (alternated)")
    print(f"ops per cycle: {', '.join(name for name, _ in CYCLE)}")
    print(f"{'framework':22s} {'median ms':>10s} {'min ms':>10s} {'max ms':>10s} {'us/op':>8s} "
          f"{'cpu median ms':>14s}")
    for r in (mt, th):
        print(f"{r['framework'] + ' ' + r['version']:22.22s} {r['median_ms']:10.2f} "
              f"{r['min_ms']:10.2f} {r['max_ms']:10.2f} {1e3 * r['median_ms'] / args.ops:8.2f} "
              f"{r['cpu_median_ms']:14.2f}")
    print(f"ratio minitorch/torch: {ratio:.2f}x of medians, {ratio_min:.2f}x of minimums, "
          f"{ratio_cpu:.2f}x of CPU-time medians")
    print(f"target <= {args.target:g}x of medians: {'met' if ratio <= args.target else 'NOT met'}")
    print("check, first run (minitorch vs torch):")
    print("\n".join(lines))
    print("check: " + ("PASS" if ok else "FAIL"))

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"results": results, "ratio_median": ratio, "ratio_min": ratio_min,
                       "ratio_cpu_median": ratio_cpu, "check_ok": ok}, f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
