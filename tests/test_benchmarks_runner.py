"""The benchmark runner (benchmarks/run.py) and the harness's device plumbing: listing,
argument parsing, --device forwarding, the one-line exit when CUDA is missing, the table.
No benchmark is run here (speed is never tested), except on a GPU machine, where a quick
gemm run on cuda checks the CUDA path end to end."""
import importlib.util
import json
import os
import subprocess
import sys
import time

import pytest

import minitorch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "benchmarks")
sys.path.insert(0, ROOT)
sys.path.insert(0, BENCH)   # the scripts import harness as a top-level module; so do we

from benchmarks import run  # noqa: E402
import harness  # noqa: E402

NO_CUDA_MT = "CUDA is available to minitorch here; the missing-CUDA message cannot be seen"

ALL = ["overhead", "mlp", "lenet", "conv", "lstm", "mha", "gemm"]


def test_list_prints_every_workload():
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "--list"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    for name in ALL:
        assert name in proc.stdout
    for script in ("op_overhead.py", "mlp_step.py", "gemm.py"):
        assert script in proc.stdout


def test_every_workload_script_exists():
    for script, _, _ in run.WORKLOADS.values():
        assert os.path.exists(os.path.join(ROOT, "benchmarks", script))


def test_default_is_all_and_names_pick_a_subset():
    assert run.parse_args([]).names == ALL
    assert run.parse_args(["mlp", "lenet"]).names == ["mlp", "lenet"]
    assert run.parse_args(["gemm", "mlp", "gemm"]).names == ["gemm", "mlp"]


def test_unknown_name_is_a_clear_error(capsys):
    with pytest.raises(SystemExit) as exc:
        run.parse_args(["mlp", "resnet"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "unknown workload" in err and "'resnet'" in err and "overhead" in err


def test_quick_and_pass_through_options():
    args = run.parse_args(["mlp", "--quick", "--threads", "1", "--reps", "7"])
    argv = run.script_argv(args, "/tmp/x.json")
    assert argv[:2] == ["--json", "/tmp/x.json"]
    opts = dict(zip(argv[2::2], argv[3::2]))
    assert opts == {"--device": "cpu", "--reps": "7", "--rounds": str(run.QUICK["rounds"]),
                    "--threads": "1"}
    assert run.script_argv(run.parse_args([]), "p") == ["--json", "p", "--device", "cpu"]


def test_runner_forwards_device_cuda():
    args = run.parse_args(["--device", "cuda", "--quick", "gemm"])
    argv = run.script_argv(args, "p")
    assert argv[argv.index("--device") + 1] == "cuda"
    with pytest.raises(SystemExit):
        run.parse_args(["--device", "tpu"])


def _load_script(script):
    spec = importlib.util.spec_from_file_location(f"_bench_{script[:-3]}",
                                                  os.path.join(BENCH, script))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("script", [w[0] for w in run.WORKLOADS.values()])
@pytest.mark.parametrize("device", ["cpu", "cuda"])
def test_every_script_accepts_device(script, device, monkeypatch):
    """Each script's argparse takes --device cpu|cuda and hands it to main_for (which is
    replaced here, so nothing runs)."""
    seen = {}

    def fake_main_for(script_path, args, child_argv, run_framework, title, **kw):
        seen.update(args=args, child=child_argv, run_framework=run_framework)
        return 0

    module = _load_script(script)
    monkeypatch.setattr(module.harness, "main_for", fake_main_for)
    assert module.main(["--device", device]) == 0
    assert seen["args"].device == device
    assert callable(seen["run_framework"])
    assert "--device" not in seen["child"]          # spawn adds it, once
    if script == "gemm.py":
        assert seen["args"].n == {"cpu": 1024, "cuda": 4096}[device]
        assert "--n" in seen["child"]               # the child gets the size explicitly


def test_script_rejects_unknown_device(capsys):
    module = _load_script("mlp_step.py")
    with pytest.raises(SystemExit) as exc:
        module.main(["--device", "tpu"])
    assert exc.value.code == 2
    assert "--device" in capsys.readouterr().err


def test_spawn_forwards_framework_and_device(monkeypatch):
    calls = []

    def fake_run(cmd, **kw):
        calls.append(cmd)
        return subprocess.CompletedProcess(cmd, 0, stdout='noise\n{"ok": 1}\n', stderr="")

    monkeypatch.setattr(harness.subprocess, "run", fake_run)
    assert harness.spawn("benchmarks/gemm.py", "torch", ["--n", "8"], 0, "cuda") == {"ok": 1}
    cmd = calls[0]
    assert cmd[cmd.index("--framework") + 1] == "torch"
    assert cmd[cmd.index("--device") + 1] == "cuda"
    assert cmd[-2:] == ["--n", "8"]


def test_spawn_passes_a_device_error_on(monkeypatch, capsys):
    line = harness.DEVICE_ERROR + "cuda: CUDA is not available to torch (because)"

    def fake_run(cmd, **kw):
        return subprocess.CompletedProcess(cmd, 2, stdout="", stderr="warning: x\n" + line + "\n")

    monkeypatch.setattr(harness.subprocess, "run", fake_run)
    with pytest.raises(SystemExit) as exc:
        harness.spawn("benchmarks/gemm.py", "torch", [], 0, "cuda")
    assert exc.value.code == 2
    assert capsys.readouterr().err.strip() == line


def test_time_steps_syncs_inside_the_timing():
    calls = []

    def sync():
        calls.append(1)
        time.sleep(0.004)

    res = harness.time_steps(lambda: None, reps=3, warmup=2, sync=sync)
    assert len(calls) == 1 + 2 + 3             # once before, then after every step
    assert res["min_ms"] >= 3.5                # the sync's wait is part of each step's time
    assert len(harness.time_steps(lambda: None, reps=2, warmup=1)["times_ms"]) == 2


def test_sync_for_picks_the_framework_synchronize():
    assert harness.sync_for("minitorch", "cpu") is None
    assert harness.sync_for("torch", "cpu") is None
    assert harness.sync_for("minitorch", "cuda") is minitorch.cuda.synchronize
    torch = pytest.importorskip("torch")
    assert harness.sync_for("torch", "cuda") is torch.cuda.synchronize


def test_framework_info_on_cpu_and_to_numpy():
    info = harness.framework_info("minitorch", "cpu")
    assert info["lib"] is minitorch and info["device"] == minitorch.device("cpu")
    assert info["sync"] is None and info["gpu"] is None
    t = minitorch.tensor([1.0, 2.0], requires_grad=True)
    assert harness.to_numpy(t).tolist() == [1.0, 2.0]
    d = harness.describe(info)
    assert d["device"] == "cpu" and d["gpu_peak_mb"] is None and d["framework"] == "minitorch"


@pytest.mark.skipif(minitorch.cuda.is_available(), reason=NO_CUDA_MT)
def test_child_without_cuda_exits_2_with_one_line():
    """The real child process: --framework minitorch --device cuda on a machine without
    CUDA fails fast, status 2, one line naming minitorch and what to install."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, os.path.join(BENCH, "gemm.py"), "--framework",
                           "minitorch", "--device", "cuda"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2
    err = proc.stderr.strip()
    assert err.startswith("benchmarks: --device cuda: CUDA is not available to minitorch")
    assert "minitorch.cuda.is_available() is False" in err and "minitorch-xp[cuda]" in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert proc.stdout == ""
    assert time.perf_counter() - t0 < 30


def test_torch_without_cuda_message(capsys):
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("torch sees a GPU here; the missing-CUDA message cannot be seen")
    with pytest.raises(SystemExit) as exc:
        harness.require_device("torch", "cuda")
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("benchmarks: --device cuda: CUDA is not available to torch")
    assert "torch.cuda.is_available() is False" in err and len(err.splitlines()) == 1


@pytest.mark.skipif(minitorch.cuda.is_available(), reason=NO_CUDA_MT)
def test_runner_stops_at_the_first_device_error(capsys):
    """python -m benchmarks --device cuda without CUDA: the first workload's one line,
    exit 2, and no other workload is started."""
    assert run.main(["--device", "cuda", "gemm", "mlp"]) == 2
    err = capsys.readouterr().err
    assert "running gemm" in err and "running mlp" not in err
    lines = [ln for ln in err.splitlines() if ln.startswith(harness.DEVICE_ERROR)]
    assert len(lines) == 1 and "CUDA is not available to minitorch" in lines[0]
    assert "Traceback" not in err


def _cuda_everywhere():
    if not minitorch.cuda.is_available():
        return False
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


@pytest.mark.cuda
@pytest.mark.skipif(not _cuda_everywhere(),
                    reason="needs a GPU that both CuPy (minitorch) and a CUDA build of torch "
                           "can use; runs python -m benchmarks --quick --device cuda gemm there")
def test_quick_gemm_on_cuda(tmp_path):
    out = tmp_path / "gemm.json"
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--device", "cuda",
                           "--json", str(out), "gemm"], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "device cuda" in proc.stdout
    res = json.loads(out.read_text())
    assert res["device"] == "cuda"
    gemm = res["workloads"]["gemm"]
    assert gemm["check_ok"]
    for fw in ("minitorch", "torch"):
        assert gemm["results"][fw]["device"] == "cuda"
        assert gemm["results"][fw]["n"] == 4096


def _fake(mt_ms, th_ms, target, check_ok=True, flops=None, gpu_mb=None, gpu=None):
    def fw(name, ms):
        r = {"framework": name, "version": "x", "median_ms": ms, "min_ms": ms * 0.9,
             "max_ms": ms * 1.2}
        if flops:
            r["flops"] = flops
        if gpu_mb:
            r.update(gpu_peak_mb=gpu_mb[name], gpu=gpu, device="cuda")
        return r
    return {"results": {"minitorch": fw("minitorch", mt_ms), "torch": fw("torch", th_ms)},
            "ratio_median": mt_ms / th_ms, "check_ok": check_ok, "target": target,
            "peak_rss_mb": 123.4, "exit_code": 0 if check_ok else 1}


def test_table_ratio_and_verdicts():
    table = run.format_table({
        "mlp": _fake(12.0, 10.0, 1.3),
        "conv": _fake(20.0, 10.0, 1.5, check_ok=False),
        "gemm": _fake(10.0, 10.0, None, flops=2e9),
        "lstm": {"error": "char_lstm_step.py failed (exit 1):\nboom", "exit_code": 1},
    })
    rows = {line.split()[0]: line for line in table.splitlines()[2:] if line.strip()}
    assert "1.20x" in rows["mlp"] and "1.3x" in rows["mlp"]
    assert " met " in rows["mlp"] + " " and "NOT met" not in rows["mlp"] and "PASS" in rows["mlp"]
    assert "2.00x" in rows["conv"] and "NOT met" in rows["conv"] and "FAIL" in rows["conv"]
    assert "1.00x" in rows["gemm"] and "200.0/200.0" in rows["gemm"]  # 2 GFLOP in 10 ms
    assert "123" in rows["mlp"]
    assert "ERROR" in rows["lstm"] and "boom" in table


def test_table_and_header_on_cuda():
    gpu_mb = {"minitorch": 512.0, "torch": 600.4}
    results = {"mlp": _fake(2.0, 1.0, 1.3, gpu_mb=gpu_mb, gpu="NVIDIA Test GPU"),
               "gemm": _fake(3.0, 3.0, None, flops=2e9, gpu_mb=gpu_mb, gpu="NVIDIA Test GPU")}
    table = run.format_table(results)
    assert "GPU MB mt/torch" in table.splitlines()[0]
    rows = {line.split()[0]: line for line in table.splitlines()[2:] if line.strip()}
    assert "512/600" in rows["mlp"] and "2.00x" in rows["mlp"] and "NOT met" in rows["mlp"]
    head = run.header(run.parse_args(["--device", "cuda"]), results)
    assert "device cuda (NVIDIA Test GPU)" in head
    # no GPU memory column on the CPU
    assert "GPU MB" not in run.format_table({"mlp": _fake(2.0, 1.0, 1.3)})
    assert "device cpu" in run.header(run.parse_args([]), {"mlp": _fake(2.0, 1.0, 1.3)})


def test_runner_prints_what_ran_before_a_device_error(monkeypatch, capsys):
    line = harness.DEVICE_ERROR + "cuda: CUDA is not available to torch (because)"
    seen = []

    def fake_run_workload(name, args):
        seen.append(name)
        if name == "gemm":
            return _fake(3.0, 3.0, None, flops=2e9)
        return {"error": "mlp_step.py failed (exit 2)", "exit_code": 2, "device_error": line}

    monkeypatch.setattr(run, "run_workload", fake_run_workload)
    assert run.main(["--device", "cuda", "gemm", "mlp", "lenet"]) == 2
    assert seen == ["gemm", "mlp"]                       # lenet never started
    out, err = capsys.readouterr()
    assert "gemm" in out and "mlp " not in out
    assert err.strip().splitlines()[-1] == line


def test_device_error_line_needs_status_2_and_the_marker():
    text = "noise\n" + harness.DEVICE_ERROR + "cuda: CUDA is not available to x\n"
    assert run.device_error_line(2, text) == text.splitlines()[1]
    assert run.device_error_line(1, text) is None
    assert run.device_error_line(2, "usage: error: argument --n\n") is None
