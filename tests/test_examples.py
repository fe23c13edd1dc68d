"""The README's main job runs and learns."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_autograd_demo_trains_and_writes_metrics(tmp_path):
    out = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "autograd_demo.py"),
                          "--steps", "150", "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "gradcheck: True" in out.stdout and "gradgradcheck: True" in out.stdout
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["final_accuracy"] > 0.9
    assert metrics["history"][-1]["loss"] < metrics["history"][0]["loss"] / 3
