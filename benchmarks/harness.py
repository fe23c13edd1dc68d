"""What every benchmark shares: timing a step in this process, running each framework in a
fresh process (alternated, so load from elsewhere hits both), pooling and printing.

A benchmark script defines ``run_framework(name, args) -> dict`` (with "times_ms",
"cpu_times_ms" from `time_steps`, the fields of `describe` and a "check" dict of
first-step values) and calls `main_for(...)`, which re-launches the script with
``--framework NAME --device DEV`` per process.

Devices (``--device cpu|cuda``): `framework_info(name, device)` imports the framework,
checks that the device is usable (for cuda: ``torch.cuda.is_available()`` /
``minitorch.cuda.is_available()``; if not, one line on stderr and exit status 2, no
traceback) and returns the framework's device object and the synchronize function that
`time_steps` calls after each step (GPU work is asynchronous: without it a step would be
timed as its launch). Build the model and data on ``info["device"]`` (``.to(device)``)
and read values back with `to_numpy` (``.detach().cpu().numpy()``, which both frameworks
spell the same way). On cuda, torch runs with TF32 off (float32 GEMMs and convolutions,
as CuPy does unless ``CUPY_TF32=1``), so the two compute the same float32 math.
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
DEVICES = ("cpu", "cuda")
# the start of the one line a child prints (then exit status DEVICE_ERROR_EXIT) when the
# device asked for cannot be used; the parent and run.py pass it on and stop there
DEVICE_ERROR = "benchmarks: --device "
DEVICE_ERROR_EXIT = 2


def time_steps(step, reps: int, warmup: int, sync=None) -> dict:
    """Call step() warmup + reps times; time the last reps (wall clock and CPU).

    sync: None, or a function called after each step inside the timed region (for a GPU:
    wait until the step's queued kernels have finished; see `sync_for`)."""
    times, cpu = [], []
    if sync is not None:
        sync()                      # nothing queued from the set-up leaks into the timing
    for rep in range(warmup + reps):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        step()
        if sync is not None:
            sync()
        t1, c1 = time.perf_counter(), time.process_time()
        if rep >= warmup:
            times.append((t1 - t0) * 1e3)
            cpu.append((c1 - c0) * 1e3)
    return {"times_ms": times, "cpu_times_ms": cpu, "median_ms": statistics.median(times),
            "min_ms": min(times), "max_ms": max(times),
            "cpu_median_ms": statistics.median(cpu)}


def device_error(message: str):
    """Print the one-line device error and exit with DEVICE_ERROR_EXIT (no traceback)."""
    print(message, file=sys.stderr, flush=True)
    raise SystemExit(DEVICE_ERROR_EXIT)


def require_device(name: str, device: str):
    """Exit with one clear line (status 2) when `name` cannot use `device`."""
    if device not in DEVICES:
        device_error(f"{DEVICE_ERROR}{device}: unknown device; choose from {', '.join(DEVICES)}")
    if device == "cpu":
        return
    if name == "torch":
        import torch
        if not torch.cuda.is_available():
            why = (f"torch {torch.__version__} is a CPU-only build" if torch.version.cuda is None
                   else f"torch {torch.__version__} (CUDA {torch.version.cuda}) sees no CUDA device")
            device_error(f"{DEVICE_ERROR}cuda: CUDA is not available to torch "
                         f"(torch.cuda.is_available() is False; {why}); install a CUDA build of "
                         "torch on a machine with an NVIDIA GPU")
    elif name == "minitorch":
        import minitorch
        if not minitorch.cuda.is_available():
            try:
                import cupy  # noqa: F401
                why = "CuPy imports but sees no CUDA device"
            except Exception as exc:  # ImportError, or a CUDA driver error at import
                why = f"CuPy could not be imported: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
            device_error(f"{DEVICE_ERROR}cuda: CUDA is not available to minitorch "
                         f"(minitorch.cuda.is_available() is False; {why}); install "
                         "minitorch-xp[cuda] on a machine with an NVIDIA GPU")
    else:
        raise ValueError(f"unknown framework {name!r}")


def sync_for(name: str, device: str):
    """The function that waits for `name`'s queued work on `device`: None on the CPU,
    torch.cuda.synchronize or minitorch.cuda.synchronize on cuda."""
    if device == "cpu":
        return None
    if name == "torch":
        import torch
        return torch.cuda.synchronize
    if name == "minitorch":
        import minitorch
        return minitorch.cuda.synchronize
    raise ValueError(f"unknown framework {name!r}")


def gpu_name(name: str, device: str):
    """The GPU's name as the framework reports it (None on the CPU or when unknown)."""
    if device == "cpu":
        return None
    try:
        if name == "torch":
            import torch
            return torch.cuda.get_device_name(0)
        import cupy
        props = cupy.cuda.runtime.getDeviceProperties(cupy.cuda.runtime.getDevice())
        raw = props.get("name", b"")
        return raw.decode() if isinstance(raw, bytes) else str(raw) or None
    except Exception:
        return None


def framework_info(name: str, device: str = "cpu") -> dict:
    """Import the framework and check that it can use `device` (else exit 2 with one line);
    return its module ("lib"), "version", its device object ("device"), the step
    synchronizer for `time_steps` ("sync") and the GPU name ("gpu", None on the CPU).
    torch gets its thread count from --threads through the environment (harmless on the
    GPU: it only sets the CPU threads)."""
    if name not in FRAMEWORKS:
        raise ValueError(f"unknown framework {name!r}")
    require_device(name, device)
    if name == "torch":
        import torch
        threads = int(os.environ.get("BENCH_THREADS", "0"))
        if threads:
            torch.set_num_threads(threads)
        if device == "cuda":
            # full float32 in cuBLAS and cuDNN, as CuPy computes (TF32 would fail the check)
            torch.backends.cuda.matmul.allow_tf32 = False
            torch.backends.cudnn.allow_tf32 = False
        lib, version = torch, torch.__version__
    else:
        import minitorch
        lib, version = minitorch, getattr(minitorch, "__version__", "dev")
    return {"lib": lib, "version": version, "name": name, "device_name": device,
            "device": lib.device(device), "sync": sync_for(name, device),
            "gpu": gpu_name(name, device)}


def gpu_peak_mb(info: dict):
    """Peak GPU memory of this process in MB, where the framework can tell (None on the
    CPU): torch.cuda.max_memory_allocated for torch; for minitorch the bytes CuPy's default
    memory pool holds (the pool keeps freed blocks, so this is about the peak in use)."""
    if info["device_name"] == "cpu":
        return None
    try:
        if info["name"] == "torch":
            return info["lib"].cuda.max_memory_allocated() / 2 ** 20
        import cupy
        return cupy.get_default_memory_pool().total_bytes() / 2 ** 20
    except Exception:
        return None


def backend_of(info: dict) -> str:
    """What computes underneath: "NumPy x.y" / "CuPy x.y" for minitorch, the CUDA and
    cuDNN versions for torch on cuda ("" for torch on the CPU)."""
    try:
        if info["name"] == "minitorch":
            if info["device_name"] == "cpu":
                return f"NumPy {np.__version__}"
            import cupy
            return f"CuPy {cupy.__version__}"
        if info["device_name"] == "cpu":
            return ""
        torch = info["lib"]
        return f"CUDA {torch.version.cuda}, cuDNN {torch.backends.cudnn.version()}"
    except Exception:
        return ""


def describe(info: dict) -> dict:
    """The fields every result carries: framework, version, backend, device, gpu and
    gpu_peak_mb (call it after the timing, so that the GPU peak covers the steps)."""
    return {"framework": info["name"], "version": info["version"], "backend": backend_of(info),
            "device": info["device_name"], "gpu": info["gpu"], "gpu_peak_mb": gpu_peak_mb(info)}


def to_numpy(t) -> np.ndarray:
    """A tensor of either framework, on either device, as a NumPy array (for the checks)."""
    return np.asarray(t.detach().cpu().numpy())


def spawn(script: str, name: str, argv: list, threads: int, device: str = "cpu") -> dict:
    """Run one framework in a fresh interpreter (``--framework NAME --device DEV`` plus
    argv) and read its JSON result. A child that cannot use the device (exit status 2 and
    the DEVICE_ERROR line) stops this process the same way, with the same one line."""
    env = dict(os.environ)
    if threads:
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            env[var] = str(threads)
        env["BENCH_THREADS"] = str(threads)
    proc = subprocess.run([sys.executable, os.path.abspath(script), "--framework", name,
                           "--device", device] + argv,
                          env=env, capture_output=True, text=True)
    if proc.returncode == DEVICE_ERROR_EXIT:
        lines = [ln for ln in proc.stderr.splitlines() if ln.startswith(DEVICE_ERROR)]
        if lines:
            device_error(lines[-1])
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"{name} run failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def check_device(name: str, device: str):
    """In a fresh interpreter, check that `name` can use `device` (exits this process with
    the child's one line, status 2, if not), so that a framework without the device stops
    the run before the other one has spent minutes on its timings."""
    if device == "cpu":
        return
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import harness; "
            "harness.require_device(sys.argv[2], sys.argv[3])")
    proc = subprocess.run([sys.executable, "-c", code, os.path.dirname(os.path.abspath(__file__)),
                           name, device], capture_output=True, text=True)
    if proc.returncode == 0:
        return
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith(DEVICE_ERROR)]
    if proc.returncode == DEVICE_ERROR_EXIT and lines:
        device_error(lines[-1])
    sys.stderr.write(proc.stderr)
    raise SystemExit(f"{name}: checking --device {device} failed (exit {proc.returncode})")


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
    peaks = [r["gpu_peak_mb"] for r in rounds if r.get("gpu_peak_mb") is not None]
    if peaks:
        res["gpu_peak_mb"] = max(peaks)
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
    p.add_argument("--device", choices=DEVICES, default="cpu",
                   help="run both frameworks on this device: cpu (NumPy vs torch CPU) or cuda "
                        "(CuPy vs torch CUDA; needs both to see a GPU, else exit 2) "
                        "(default cpu)")
    p.add_argument("--threads", type=int, default=threads,
                   help="BLAS/torch threads in both processes (0: each library's default; "
                        "CPU threads only, so it changes little with --device cuda)")
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
    for name in FRAMEWORKS:
        check_device(name, args.device)
    runs = {name: [] for name in FRAMEWORKS}
    for _ in range(args.rounds):
        for name in FRAMEWORKS:
            runs[name].append(spawn(script, name, child_argv, args.threads, args.device))
    results = {name: pool(rs) for name, rs in runs.items()}
    mt, th = results["minitorch"], results["torch"]
    ok, lines = compare_checks(mt["check"], th["check"], rtol, atol)
    ratio = mt["median_ms"] / th["median_ms"]
    ratio_min = mt["min_ms"] / th["min_ms"]
    ratio_cpu = mt["cpu_median_ms"] / th["cpu_median_ms"]
    print(title)
    gpu = th.get("gpu") or mt.get("gpu")
    print(f"device: {args.device}{f' ({gpu})' if gpu else ''}; {args.reps} reps after "
          f"{args.warmup} warm-up, in each of {args.rounds} processes per framework "
          f"(alternated); threads: {args.threads or 'library default'}")
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
            json.dump({"device": args.device, "gpu": gpu, "results": results,
                       "ratio_median": ratio, "ratio_min": ratio_min,
                       "ratio_cpu_median": ratio_cpu, "check_ok": ok}, f, indent=1)
    return 0 if ok else 1
