"""The corpus in tests/programs/ (see its README): each PyTorch program runs on PyTorch and,
unchanged, on minitorch (`python -m minitorch.as_torch`), and reports the same figures."""
import ast
import glob
import json
import math
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAMS = sorted(glob.glob(os.path.join(HERE, "programs", "*.py")))
ENV = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
           PYTHONHASHSEED="0", MPLBACKEND="Agg")
TIMEOUT = 300


def _compare_spec(path):
    tree = ast.parse(open(path, encoding="utf-8").read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "COMPARE"
                                                for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{os.path.basename(path)} has no COMPARE dict")


def _run(cmd, cwd):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, env=ENV,
                          cwd=cwd)
    assert proc.returncode == 0, (f"{' '.join(cmd)} failed (exit {proc.returncode}):\n"
                                  f"{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, f"{' '.join(cmd)} printed no RESULT line:\n{proc.stdout[-2000:]}"
    return json.loads(lines[-1][len("RESULT "):])


def test_corpus_is_large_enough():
    assert len(PROGRAMS) >= 25, [os.path.basename(p) for p in PROGRAMS]


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: os.path.basename(p)[:-3])
def test_program_agrees_with_pytorch(path, tmp_path):
    spec = _compare_spec(path)
    ref = _run([sys.executable, path], cwd=tmp_path)
    mine = _run([sys.executable, "-m", "minitorch.as_torch", path], cwd=tmp_path)
    assert set(spec) <= set(ref), f"COMPARE names {set(spec) - set(ref)} not in RESULT"
    assert set(ref) == set(mine), (ref, mine)
    for key, (kind, tol) in spec.items():
        a, b = mine[key], ref[key]
        if kind == "exact":
            assert a == b, f"{key}: minitorch {a!r} vs torch {b!r}"
            continue
        assert math.isfinite(a), f"{key}: minitorch gave {a}"
        diff = abs(a - b)
        allowed = tol * abs(b) if kind == "rel" else tol
        assert diff <= allowed, (f"{key}: minitorch {a:.6g} vs torch {b:.6g} "
                                 f"(|diff| {diff:.3g} > {kind} {tol})")
