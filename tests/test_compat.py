"""`python -m minitorch.compat`: the API coverage report, and the ratchet that keeps the
names minitorch has from shrinking (tests/compat_required.txt)."""
import json
import os
import subprocess
import sys

import pytest
import torch

import minitorch
from minitorch import compat

HERE = os.path.dirname(__file__)
REQUIRED = os.path.join(HERE, "compat_required.txt")


def _required():
    with open(REQUIRED, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                label, name = line.split(" ", 1)
                yield label, name


def test_required_names_exist():
    """Every name listed once stays: removing one is a regression for programs using it."""
    missing = []
    for label, name in _required():
        ns = compat._resolve(minitorch, compat.NAMESPACES[label])
        if ns is None or not hasattr(ns, name):
            missing.append(f"{label}.{name}")
    assert not missing, f"names minitorch used to have are gone: {missing}"


def test_required_list_covers_the_issue_floor():
    names = {(label, name) for label, name in _required()}
    assert len(names) >= 1000
    for must in [("torch", "meshgrid"), ("torch", "multinomial"), ("torch", "topk"),
                 ("linalg", "svd"), ("Tensor", "view_as"), ("nn", "LazyLinear"),
                 ("optim", "LBFGS"), ("nn", "Transformer")]:
        assert must in names, must


def test_cli_prints_the_table_from_torch():
    out = subprocess.run([sys.executable, "-m", "minitorch.compat"], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert f"torch {torch.__version__}" in out.stdout
    for label in ("torch", "Tensor", "nn.functional", "optim", "utils.data", "autograd", "all"):
        assert any(line.startswith(label + " ") for line in out.stdout.splitlines()), label


def test_cli_lists_missing_names_and_writes_json(tmp_path):
    path = tmp_path / "compat.json"
    out = subprocess.run([sys.executable, "-m", "minitorch.compat", "--snapshot", "--missing",
                          "nn", "--signatures", "torch", "--json", str(path)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "snapshot of torch" in out.stdout
    assert "nn:" in out.stdout and "missing" in out.stdout
    data = json.loads(path.read_text())
    assert set(data["report"]) == set(compat.NAMESPACES)
    bad = subprocess.run([sys.executable, "-m", "minitorch.compat", "--missing", "nope"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "unknown namespace" in bad.stderr


def test_snapshot_agrees_with_installed_torch():
    """The packaged snapshot is what the installed torch gives (same version)."""
    snap = compat.snapshot_names()
    live = compat.torch_names(torch)
    assert set(snap) == set(live)
    for label in live:
        assert set(snap[label]) == set(live[label]), label


def test_filter_counts_real_api_and_drops_internals():
    assert compat.is_counted("torch", "matmul", torch.matmul)
    assert compat.is_counted("nn", "Linear", torch.nn.Linear)
    for name in ("_C", "quantize_per_tensor", "sparse_coo_tensor", "ScriptModule", "os",
                 "view_copy"):
        assert not compat.is_counted("torch", name, getattr(torch, name, None)), name


def test_signature_differences_are_found():
    def mine(input, dim=None):
        return input
    ref = {"torch": {"f": ["input", "dim", "keepdim"]}}
    fake = type("M", (), {"f": staticmethod(mine)})
    report = compat.compare(ref, fake)
    assert report["torch"]["signature"] == {"f": ["keepdim"]}
    report = compat.compare({"torch": {"g": None}}, fake)
    assert report["torch"]["missing"] == ["g"]


@pytest.mark.parametrize("text, names", [
    ("input, other, *, alpha=1, out=None", ["input", "other", "alpha", "out"]),
    ("*size, *, out=None, dtype=None, layout=torch.strided", ["out", "dtype", "layout"]),
])
def test_docstring_signatures_parse(text, names):
    assert compat._parse_params(text) == names
