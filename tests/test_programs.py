"""The corpus in tests/programs/ (see its README): each PyTorch program runs on PyTorch and,
unchanged, on minitorch (`python -m minitorch.as_torch`), and reports the same figures.

Where PyTorch is not installed (or PROGRAMS_USE_RECORDED=1), the PyTorch side comes from
tests/programs/reference.json, recorded with `python tests/test_programs.py --record
[NAME...]`; where it is installed, the live run must also agree with the recorded one (a
stale reference fails). Run `python tests/test_programs.py [NAME...]` for a
one-line-per-program summary (the first error of each failing program), the quickest way
to see where minitorch stands.
"""
import ast
import glob
import importlib.util
import json
import math
import os
import subprocess
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAMS = sorted(glob.glob(os.path.join(HERE, "programs", "*.py")))
REFERENCE = os.path.join(HERE, "programs", "reference.json")
ENV = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
           PYTHONHASHSEED="0", MPLBACKEND="Agg")
TIMEOUT = 300
HAVE_TORCH = importlib.util.find_spec("torch") is not None
# PROGRAMS_USE_RECORDED=1 compares with reference.json even where PyTorch is installed
# (half the time: only the minitorch runs).
LIVE_TORCH = HAVE_TORCH and os.environ.get("PROGRAMS_USE_RECORDED", "") in ("", "0")


def _name(path):
    return os.path.basename(path)[:-3]


def _compare_spec(path):
    tree = ast.parse(open(path, encoding="utf-8").read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "COMPARE"
                                                for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{os.path.basename(path)} has no COMPARE dict")


def _known_gaps(path):
    """(KNOWN_GAP, KNOWN_GAPS) of a program: a reason why minitorch cannot run it at all
    yet, and {figure: reason} for figures it cannot match yet. Both are documented gaps,
    checked strictly: when one starts to agree, the test fails until the entry goes."""
    tree = ast.parse(open(path, encoding="utf-8").read())
    whole, parts = None, {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            names = [getattr(t, "id", None) for t in node.targets]
            if "KNOWN_GAP" in names:
                whole = ast.literal_eval(node.value)
            if "KNOWN_GAPS" in names:
                parts = ast.literal_eval(node.value)
    return whole, parts


def _commands(path):
    return {"torch": [sys.executable, path],
            "minitorch": [sys.executable, "-m", "minitorch.as_torch", path]}


def _start(cmd, cwd):
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=ENV, cwd=cwd)


def _finish(proc, cmd):
    """The RESULT dict of a finished run, or AssertionError with its output's tail."""
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError(f"{' '.join(cmd)} ran past {TIMEOUT} s") from None
    assert proc.returncode == 0, (f"{' '.join(cmd)} failed (exit {proc.returncode}):\n"
                                  f"{out[-2000:]}\n{err[-4000:]}")
    lines = [line for line in out.splitlines() if line.startswith("RESULT ")]
    assert lines, f"{' '.join(cmd)} printed no RESULT line:\n{out[-2000:]}"
    return json.loads(lines[-1][len("RESULT "):])


def _run_both(path, cwd, live_torch=None):
    """(torch's RESULT, minitorch's RESULT); the two processes run side by side."""
    live_torch = LIVE_TORCH if live_torch is None else live_torch
    cmds = _commands(path)
    mine_proc = _start(cmds["minitorch"], cwd)
    if live_torch:
        ref_proc = _start(cmds["torch"], cwd)
        ref = _finish(ref_proc, cmds["torch"])
    else:
        recorded = json.load(open(REFERENCE, encoding="utf-8"))
        if _name(path) not in recorded:
            mine_proc.kill()
            mine_proc.communicate()
            pytest.skip(f"no live PyTorch run and {REFERENCE} has no {_name(path)}")
        ref = recorded[_name(path)]
    return ref, _finish(mine_proc, cmds["minitorch"])


def _close(key, kind, tol, a, b):
    """Assert that minitorch's `a` matches torch's `b` (numbers, or nested lists/dicts)."""
    if isinstance(b, dict):
        assert isinstance(a, dict) and set(a) == set(b), f"{key}: minitorch {a!r} vs torch {b!r}"
        for k in b:
            _close(f"{key}[{k!r}]", kind, tol, a[k], b[k])
        return
    if isinstance(b, list):
        assert isinstance(a, list) and len(a) == len(b), (
            f"{key}: minitorch {a!r} vs torch {b!r} (different lengths)")
        for i, (x, y) in enumerate(zip(a, b)):
            _close(f"{key}[{i}]", kind, tol, x, y)
        return
    if isinstance(b, (bool, str)) or b is None:
        assert a == b, f"{key}: minitorch {a!r} vs torch {b!r}"
        return
    assert isinstance(a, (int, float)) and not isinstance(a, bool), (
        f"{key}: minitorch gave {a!r}, torch {b!r}")
    assert math.isfinite(a) or a == b, f"{key}: minitorch gave {a}, torch {b}"
    diff = abs(a - b) if math.isfinite(a) else 0.0
    allowed = tol * abs(b) if kind == "rel" else tol
    assert diff <= allowed, (f"{key}: minitorch {a:.6g} vs torch {b:.6g} "
                             f"(|diff| {diff:.3g} > {kind} {tol})")


def _exact(key, a, b):
    """Assert a == b, naming the first element that differs in nested lists/dicts."""
    if a == b:
        return
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            _exact(f"{key}[{i}]", x, y)
    if isinstance(a, dict) and isinstance(b, dict) and set(a) == set(b):
        for k in b:
            _exact(f"{key}[{k!r}]", a[k], b[k])
    raise AssertionError(f"{key}: minitorch {a!r} vs torch {b!r}")


def check_agreement(spec, ref, mine, gaps=None):
    """Compare every figure named in `spec`; one AssertionError lists all that differ.
    Figures in `gaps` ({name: reason}) must still differ (a documented gap that closes
    fails the check, so that its entry is removed)."""
    gaps = gaps or {}
    assert set(spec) <= set(ref), f"COMPARE names {set(spec) - set(ref)} not in RESULT"
    assert set(gaps) <= set(spec), f"KNOWN_GAPS names {set(gaps) - set(spec)} not in COMPARE"
    assert set(ref) == set(mine), (f"RESULT keys differ: minitorch {sorted(mine)} "
                                   f"vs torch {sorted(ref)}")
    problems = []
    for key, reason in gaps.items():
        try:
            check_agreement({key: spec[key]}, {key: ref[key]}, {key: mine[key]})
        except AssertionError:
            continue
        problems.append(f"{key} agrees now: remove it from KNOWN_GAPS ({reason})")
    for key, (kind, tol) in spec.items():
        if key in gaps:
            continue
        assert kind in ("exact", "rel", "abs"), f"{key}: unknown comparison {kind!r}"
        try:
            if kind == "exact":
                _exact(key, mine[key], ref[key])
            else:
                _close(key, kind, tol, mine[key], ref[key])
        except AssertionError as exc:
            problems.append(str(exc))
    assert not problems, "\n".join(problems)


def test_corpus_is_large_enough():
    assert len(PROGRAMS) >= 25, [os.path.basename(p) for p in PROGRAMS]


def test_every_program_declares_what_it_compares():
    for path in PROGRAMS:
        spec = _compare_spec(path)
        assert spec, f"{_name(path)}: empty COMPARE"
        for key, (kind, _tol) in spec.items():
            assert kind in ("exact", "rel", "abs"), (_name(path), key, kind)


def test_every_program_has_a_recorded_reference():
    recorded = json.load(open(REFERENCE, encoding="utf-8"))
    missing = [_name(p) for p in PROGRAMS if _name(p) not in recorded]
    assert not missing, (f"record them with `python tests/test_programs.py --record "
                         f"{' '.join(missing)}` (needs PyTorch)")


def test_close_compares_nested_values():
    _close("x", "rel", 0.01, [1.0, [2.0, 3.0]], [1.001, [2.0, 3.01]])
    with pytest.raises(AssertionError, match=r"x\[1\]\[0\]"):
        _close("x", "rel", 0.01, [1.0, [2.5, 3.0]], [1.0, [2.0, 3.0]])
    with pytest.raises(AssertionError, match="lengths"):
        _close("x", "abs", 1.0, [1.0], [1.0, 2.0])
    with pytest.raises(AssertionError):
        _close("x", "abs", 1.0, float("nan"), 1.0)


@pytest.mark.parametrize("path", PROGRAMS, ids=_name)
def test_program_agrees_with_pytorch(path, tmp_path):
    spec = _compare_spec(path)
    whole, gaps = _known_gaps(path)
    if whole:
        try:
            ref, mine = _run_both(path, tmp_path)
            check_agreement(spec, ref, mine, gaps)
        except AssertionError:
            pytest.xfail(f"known gap: {whole}")
        raise AssertionError(f"{_name(path)} runs and agrees now: remove its KNOWN_GAP ({whole})")
    ref, mine = _run_both(path, tmp_path)
    check_agreement(spec, ref, mine, gaps)
    recorded = json.load(open(REFERENCE, encoding="utf-8")).get(_name(path))
    if LIVE_TORCH and recorded is not None:
        try:
            check_agreement(spec, ref, recorded)
        except AssertionError as exc:
            raise AssertionError(f"reference.json is stale for {_name(path)}: re-record it with "
                                 f"`python tests/test_programs.py --record {_name(path)}`\n{exc}")


def _first_error(message):
    """What went wrong, in one line: the exception line of a crash's traceback, or the
    figures that differ."""
    lines = [line for line in str(message).splitlines() if line.strip()]
    if lines and " failed (exit " in lines[0]:
        for line in reversed(lines):
            if not line.startswith((" ", "Traceback")) and ("Error" in line or "Exception" in line
                                                            or "Warning" in line):
                return line.strip()[:300]
    return " | ".join(line[:200] for line in lines)[:600] or "?"


def _main(argv):
    record = "--record" in argv
    names = [a for a in argv if not a.startswith("--")]
    paths = [p for p in PROGRAMS if not names or _name(p) in names]
    recorded = json.load(open(REFERENCE, encoding="utf-8")) if os.path.exists(REFERENCE) else {}
    failures = 0
    for path in paths:
        with tempfile.TemporaryDirectory() as cwd:
            if record:
                recorded[_name(path)] = _finish(_start(_commands(path)["torch"], cwd),
                                                _commands(path)["torch"])
                print(f"recorded {_name(path)}")
                continue
            whole, gaps = _known_gaps(path)
            try:
                ref, mine = _run_both(path, cwd)
                check_agreement(_compare_spec(path), ref, mine, gaps)
                print(f"ok    {_name(path)}" + (f" (known gaps: {', '.join(gaps)})" if gaps else "")
                      + (f" -- but it has KNOWN_GAP: {whole}" if whole else ""))
            except (AssertionError, pytest.skip.Exception) as exc:
                if whole:
                    print(f"gap   {_name(path)}: {whole}")
                    continue
                failures += 1
                print(f"FAIL  {_name(path)}: {_first_error(exc)}")
    if record:
        tmp = REFERENCE + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(dict(sorted(recorded.items())), f, indent=1)
            f.write("\n")
        os.replace(tmp, REFERENCE)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
