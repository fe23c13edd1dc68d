"""The benchmark runner (benchmarks/run.py): listing, argument parsing, the table.
No benchmark is run here (speed is never tested)."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks import run  # noqa: E402

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
    assert opts == {"--reps": "7", "--rounds": str(run.QUICK["rounds"]), "--threads": "1"}
    assert run.script_argv(run.parse_args([]), "p") == ["--json", "p"]


def test_cuda_not_wired_exits_nonzero(capsys):
    if run.scripts_support_cuda():
        pytest.skip("the workload scripts accept --device now")
    assert run.main(["--device", "cuda", "mlp"]) != 0
    assert "not yet wired" in capsys.readouterr().err


def _fake(mt_ms, th_ms, target, check_ok=True, flops=None):
    def fw(name, ms):
        r = {"framework": name, "version": "x", "median_ms": ms, "min_ms": ms * 0.9,
             "max_ms": ms * 1.2}
        if flops:
            r["flops"] = flops
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
