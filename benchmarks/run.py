"""The one benchmark runner: ``python -m benchmarks [NAME ...]``.

Runs each workload script (benchmarks/*.py, each of which already runs minitorch and
PyTorch in separate processes on the same seeded data and checks the first step) as a
subprocess with ``--json TMPFILE`` plus the pass-through options, reads its raw results and
prints one table: median and min-max ms per framework, the ratio minitorch/torch of the
medians, the target and whether it is met, GFLOP/s where the workload reports its flop
count, the peak RSS of the workload's processes, and the first-step check.

    python -m benchmarks                 # every workload
    python -m benchmarks mlp lenet       # some of them
    python -m benchmarks --list
    python -m benchmarks --quick         # few reps, one process per framework: a smoke run
    python -m benchmarks --threads 1 --json all.json
    python -m benchmarks --device cuda   # CuPy vs PyTorch CUDA, same workloads (needs a GPU)

--device cuda runs every workload on the GPU in both frameworks (gemm at 4096^3 instead
of 1024^3). If either framework cannot use CUDA, the first workload stops the run with
one line naming which and why, exit status 2.

Peak memory: the maximum resident set size over the workload's processes (the script's
parent and its minitorch and torch children, via wait4's rusage), so it is the larger of
the two frameworks' peaks, not each one's. On cuda the table adds each framework's peak GPU
memory (torch.cuda.max_memory_allocated; for minitorch the bytes CuPy's memory pool holds).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402  (as the workload scripts import it)

# short name -> (script, target ratio minitorch/torch of medians or None, description)
WORKLOADS = {
    "overhead": ("op_overhead.py", 2.0, "per-op overhead: 1,000 tiny elementwise ops, fwd+bwd"),
    "mlp": ("mlp_step.py", 1.3, "MLP 784-256-256-10 training step, batch 128"),
    "lenet": ("lenet_step.py", 1.5, "LeNet-5 training step"),
    "conv": ("conv_layer.py", 1.5, "Conv2d(64, 64, 3) fwd+bwd, 32x64x32x32"),
    "lstm": ("char_lstm_step.py", 1.5, "char-LSTM training step"),
    "mha": ("mha_step.py", 1.3, "MultiheadAttention(256, 8) fwd+bwd"),
    "gemm": ("gemm.py", None,
             "raw float32 GEMM 1024^3 (4096^3 on cuda), the BLAS ceiling (no target)"),
}

# warm-up stays at each script's default: torch's first steps (oneDNN set-up) are slow,
# and one warm-up step left the LeNet and LSTM torch medians 10x too high
QUICK = {"reps": 5, "rounds": 1}


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks",
                                description="Run the minitorch vs PyTorch benchmarks; one table.")
    p.add_argument("names", nargs="*", metavar="NAME",
                   help=f"workloads to run (default: all): {', '.join(WORKLOADS)}")
    p.add_argument("--list", action="store_true", help="list the workloads and exit")
    p.add_argument("--quick", action="store_true",
                   help=f"smoke run: --reps {QUICK['reps']} --rounds {QUICK['rounds']} "
                        "unless given")
    p.add_argument("--reps", type=int, help="timed repetitions per process (default: each script's)")
    p.add_argument("--warmup", type=int, help="untimed repetitions first (default: each script's)")
    p.add_argument("--rounds", type=int, help="processes per framework (default: each script's)")
    p.add_argument("--threads", type=int, help="BLAS/torch threads in both frameworks")
    p.add_argument("--device", default="cpu", choices=("cpu", "cuda"),
                   help="cpu: NumPy vs torch CPU; cuda: CuPy vs torch CUDA (default cpu)")
    p.add_argument("--json", metavar="PATH", help="write the raw combined results to PATH")
    args = p.parse_args(argv)
    unknown = [n for n in args.names if n not in WORKLOADS]
    if unknown:
        p.error(f"unknown workload(s) {', '.join(map(repr, unknown))}; "
                f"choose from {', '.join(WORKLOADS)}")
    if not args.names:
        args.names = list(WORKLOADS)
    else:  # keep the order given, drop repeats
        args.names = list(dict.fromkeys(args.names))
    if args.quick:
        for key, value in QUICK.items():
            if getattr(args, key) is None:
                setattr(args, key, value)
    return args


def list_text() -> str:
    lines = [f"{'name':9s} {'script':18s} {'target':>7s}  workload"]
    for name, (script, target, desc) in WORKLOADS.items():
        tgt = f"{target:g}x" if target is not None else "-"
        lines.append(f"{name:9s} {script:18s} {tgt:>7s}  {desc}")
    return "\n".join(lines)


def script_argv(args, json_path: str) -> list:
    """The options passed through to a workload script (--device always)."""
    argv = ["--json", json_path, "--device", args.device]
    for key in ("reps", "warmup", "rounds", "threads"):
        value = getattr(args, key)
        if value is not None:
            argv += [f"--{key}", str(value)]
    return argv


def run_workload(name: str, args) -> dict:
    """Run one workload script; returns its JSON results plus peak_rss_mb and exit code."""
    script = WORKLOADS[name][0]
    with tempfile.TemporaryDirectory(prefix="mtbench-") as tmp:
        json_path = os.path.join(tmp, "result.json")
        out_path = os.path.join(tmp, "stdout.txt")
        with open(out_path, "w") as out:
            proc = subprocess.Popen([sys.executable, os.path.join(HERE, script)]
                                    + script_argv(args, json_path),
                                    stdout=out, stderr=subprocess.STDOUT)
            # wait4's rusage covers the script and the framework processes it reaped
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
        with open(out_path) as f:
            text = f.read()
        if not os.path.exists(json_path):
            res = {"error": f"{script} failed (exit {proc.returncode}):\n{text[-3000:]}",
                   "exit_code": proc.returncode}
            device_line = device_error_line(proc.returncode, text)
            if device_line:
                res["device_error"] = device_line
            return res
        with open(json_path) as f:
            res = json.load(f)
    res.update(exit_code=proc.returncode, peak_rss_mb=usage.ru_maxrss / 1024.0,
               script=script, target=WORKLOADS[name][1])
    return res


def device_error_line(exit_code: int, text: str):
    """The one line a workload prints when its --device cannot be used (exit status 2 and
    a line starting with harness.DEVICE_ERROR), else None."""
    if exit_code != harness.DEVICE_ERROR_EXIT:
        return None
    lines = [ln for ln in text.splitlines() if ln.startswith(harness.DEVICE_ERROR)]
    return lines[-1] if lines else None


def _fmt_ms(r: dict) -> str:
    return f"{r['median_ms']:9.2f} ({r['min_ms']:.1f}-{r['max_ms']:.1f})"


def format_table(results: dict) -> str:
    """One table from {name: result of run_workload}."""
    gpu_mem = any(r.get("gpu_peak_mb") is not None for res in results.values()
                  for r in res.get("results", {}).values())
    head = (f"{'workload':9s} {'minitorch ms (min-max)':>26s} {'torch ms (min-max)':>26s} "
            f"{'ratio':>6s} {'target':>6s} {'met?':>7s} {'GFLOP/s mt/torch':>17s} "
            f"{'peak MB':>8s}{' ' + format('GPU MB mt/torch', '>16s') if gpu_mem else ''} "
            f"{'check':>5s}")
    lines = [head, "-" * len(head)]
    for name, res in results.items():
        if "error" in res:
            lines.append(f"{name:9s} ERROR (exit {res.get('exit_code')}): see below")
            continue
        mt, th = res["results"]["minitorch"], res["results"]["torch"]
        ratio = res["ratio_median"]
        target = res.get("target")
        if target is None:
            tgt, met = "-", "-"
        else:
            tgt, met = f"{target:g}x", ("met" if ratio <= target else "NOT met")
        flops = mt.get("flops")
        gf = (f"{flops / mt['median_ms'] / 1e6:.1f}/{flops / th['median_ms'] / 1e6:.1f}"
              if flops else "-")
        peak = f"{res['peak_rss_mb']:.0f}" if res.get("peak_rss_mb") else "-"
        gpu = ""
        if gpu_mem:
            gpu = " " + format("/".join(f"{r['gpu_peak_mb']:.0f}" if r.get("gpu_peak_mb")
                                        is not None else "-" for r in (mt, th)), ">16s")
        check = "PASS" if res.get("check_ok") else "FAIL"
        lines.append(f"{name:9s} {_fmt_ms(mt):>26s} {_fmt_ms(th):>26s} {ratio:5.2f}x "
                     f"{tgt:>6s} {met:>7s} {gf:>17s} {peak:>8s}{gpu} {check:>5s}")
    errors = [f"[{name}] {res['error']}" for name, res in results.items() if "error" in res]
    return "\n".join(lines + errors)


def gpu_of(results: dict):
    """The GPU's name from the workloads' results (torch's get_device_name first), or None."""
    for fw in ("torch", "minitorch"):
        for res in results.values():
            gpu = res.get("results", {}).get(fw, {}).get("gpu")
            if gpu:
                return gpu
    return None


def header(args, results: dict) -> str:
    import platform
    versions, backends = {}, {}
    for res in results.values():
        for fw, r in res.get("results", {}).items():
            versions.setdefault(fw, r.get("version"))
            if r.get("backend") and args.device != "cpu":
                backends.setdefault(fw, r["backend"])
    vers = ", ".join(f"{k} {v}" + (f" ({backends[k]})" if k in backends else "")
                     for k, v in versions.items())
    import numpy
    if args.device == "cuda":
        gpu = gpu_of(results)
        where = f"device cuda ({gpu or 'GPU name unknown'})"
        threads = ""
    else:
        where = f"device cpu, {os.cpu_count()} cores"
        threads = f", threads: {args.threads or 'library default'}"
    return (f"minitorch vs PyTorch, {where}{threads}; Python "
            f"{platform.python_version()}, NumPy {numpy.__version__}, {vers}\n"
            "ratio = minitorch median / torch median; peak MB = max RSS over the "
            "workload's processes" + ("; GPU MB = peak GPU memory, minitorch/torch"
                                      if args.device == "cuda" else ""))


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.list:
        print(list_text())
        return 0
    results = {}
    for name in args.names:
        print(f"running {name} ({WORKLOADS[name][0]}) on {args.device} ...", file=sys.stderr,
              flush=True)
        res = run_workload(name, args)
        if res.get("device_error"):
            # the device is unusable: every other workload would fail the same way, so
            # stop here (with the table of those that ran, if any)
            if results:
                print(header(args, results))
                print(format_table(results))
            print(res["device_error"], file=sys.stderr)
            return harness.DEVICE_ERROR_EXIT
        results[name] = res
    print(header(args, results))
    print(format_table(results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": args.device, "gpu": gpu_of(results), "threads": args.threads,
                       "workloads": results}, f, indent=1)
    bad = [n for n, r in results.items() if "error" in r or not r.get("check_ok")]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
