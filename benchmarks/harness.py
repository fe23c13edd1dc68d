"""What every benchmark shares: timing a step in this process, running each framework in a
fresh process (alternated, so load from elsewhere hits both), pooling and printing.

A benchmark script defines ``run_framework(name, args) -> dict`` (with "times_ms",
"cpu_times_ms" from `time_steps`, a "version" and a "check" dict of first-step values) and
calls `main_for(...)`, which re-launches the script with ``--framework NAME`` per process.
"""
from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

FRAMEWORKS = ("minitorch", "torch")


def time_steps(step, reps: int, warmup: int) -> dict:
    """Call step() warmup + reps times; time the last reps (wall clock and CPU)."""
    times, cpu = [], []
    for rep in range(warmup + reps):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        step()
        t1, c1 = time.perf_counter(), time.process_time()
        if rep >= warmup:
            times.append((t1 - t0) * 1e3)
            cpu.append((c1 - c0) * 1e3)
    return {"times_ms": times, "cpu_times_ms": cpu, "median_ms": statistics.median(times),
            "min_ms": min(times), "max_ms": max(times),
            "cpu_median_ms": statistics.median(cpu)}


def framework_info(name: str) -> dict:
    """Import the framework, return its module and version (torch gets its thread count
    from --threads through the environment)."""
    if name == "torch":
        import torch
        threads = int(os.environ.get("BENCH_THREADS", "0"))
        if threads:
            torch.set_num_threads(threads)
        return {"lib": torch, "version": torch.__version__}
    if name == "minitorch":
        import minitorch
        return {"lib": minitorch, "version": getattr(minitorch, "__version__", "dev")}
    raise ValueError(f"unknown framework {name!r}")


def spawn(script: str, name: str, argv: list, threads: int) -> dict:
    """Run one framework in a fresh interpreter and read its JSON result."""
    env = dict(os.environ)
    if threads:
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            env[var] = str(threads)
        env["BENCH_THREADS"] = str(threads)
    proc = subprocess.run([sys.executable, os.path.abspath(script), "--framework", name] + argv,
                          env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"{name} run failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def pool(rounds: list) -> dict:
    """One result from several processes of one framework: timings pooled, the check from
    the first."""
    res = dict(rounds[0])
    times = [t for r in rounds for t in r["times_ms"]]
    cpu = [t for r in rounds for t in r["cpu_times_ms"]]
    res.update(times_ms=times, rounds=len(rounds), median_ms=statistics.median(times),
               min_ms=min(times), max_ms=max(times),
               round_medians_ms=[r["median_ms"] for r in rounds],
               cpu_times_ms=cpu, cpu_median_ms=statistics.median(cpu))
    return res


def compare_checks(a: dict, b: dict, rtol: float, atol: float):
    """Compare the first-step values of two runs; returns (ok, printable lines)."""
    ok, lines = True, []
    for key in a:
        va, vb = a[key], b.get(key)
        if isinstance(va, str):
            good = va == vb
            lines.append(f"  {key:14s} {va} vs {vb}  {'ok' if good else 'MISMATCH'}")
        else:
            va, vb = np.asarray(va, np.float64), np.asarray(vb, np.float64)
            good = va.shape == vb.shape and bool(np.allclose(va, vb, rtol=rtol, atol=atol))
            diff = float(np.max(np.abs(va - vb))) if va.shape == vb.shape and va.size else float("nan")
            lines.append(f"  {key:14s} max |diff| = {diff:.2e}  {'ok' if good else 'MISMATCH'}")
        ok &= good
    return ok, lines


def add_common_args(p, reps=30, warmup=5, rounds=3, threads=0, target=2.0):
    p.add_argument("--framework", choices=FRAMEWORKS,
                   help="run only this framework in this process and print its JSON result")
    p.add_argument("--reps", type=int, default=reps, help=f"timed repetitions (default {reps})")
    p.add_argument("--warmup", type=int, default=warmup, help=f"untimed repetitions first (default {warmup})")
    p.add_argument("--rounds", type=int, default=rounds,
                   help=f"processes per framework, alternated, timings pooled (default {rounds})")
    p.add_argument("--threads", type=int, default=threads,
                   help="BLAS/torch threads in both processes (0: each library's default)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", metavar="PATH", help="write the raw results to PATH")
    p.add_argument("--target", type=float, default=target, help="ratio minitorch/torch to meet")


def main_for(script, args, child_argv, run_framework, title, per_item=None,
             rtol=1e-4, atol=1e-5) -> int:
    """The parent side: alternate the frameworks, pool, compare, print, write --json."""
    if args.framework:
        res = run_framework(args.framework, args)
        print(json.dumps(res))
        return 0
    runs = {name: [] for name in FRAMEWORKS}
    for _ in range(args.rounds):
        for name in FRAMEWORKS:
            runs[name].append(spawn(script, name, child_argv, args.threads))
    results = {name: pool(rs) for name, rs in runs.items()}
    mt, th = results["minitorch"], results["torch"]
    ok, lines = compare_checks(mt["check"], th["check"], rtol, atol)
    ratio = mt["median_ms"] / th["median_ms"]
    ratio_min = mt["min_ms"] / th["min_ms"]
    ratio_cpu = mt["cpu_median_ms"] / th["cpu_median_ms"]
    print(title)
    print(f"{args.reps} reps after {args.warmup} warm-up, in each of {args.rounds} processes per "
          f"framework (alternated); threads: {args.threads or 'library default'}")
    extra = f" {per_item[0]:>8s}" if per_item else ""
    print(f"{'framework':22s} {'median ms':>10s} {'min ms':>10s} {'max ms':>10s}{extra} "
          f"{'cpu median ms':>14s}")
    for r in (mt, th):
        per = f" {1e3 * r['median_ms'] / per_item[1]:8.2f}" if per_item else ""
        print(f"{r['framework'] + ' ' + r['version']:22.22s} {r['median_ms']:10.2f} "
              f"{r['min_ms']:10.2f} {r['max_ms']:10.2f}{per} {r['cpu_median_ms']:14.2f}")
    print(f"ratio minitorch/torch: {ratio:.2f}x of medians, {ratio_min:.2f}x of minimums, "
          f"{ratio_cpu:.2f}x of CPU-time medians")
    print(f"target <= {args.target:g}x of medians: {'met' if ratio <= args.target else 'NOT met'}")
    print("check, first step (minitorch vs torch):")
    print("\n".join(lines))
    print("check: " + ("PASS" if ok else "FAIL"))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"results": results, "ratio_median": ratio, "ratio_min": ratio_min,
                       "ratio_cpu_median": ratio_cpu, "check_ok": ok}, f, indent=1)
    return 0 if ok else 1
