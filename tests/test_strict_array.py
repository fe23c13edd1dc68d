"""No hidden NumPy-only assumptions under the functional and nn layers (the CuPy path).

CI has no GPU, so this static check is what keeps the CuPy path honest there. It reads
the source of minitorch/functional, minitorch/nn, minitorch/autograd and
minitorch/_tensor_methods.py with `ast` and applies one rule:

* every use of ``np.NAME`` / ``numpy.NAME`` (called or not, also ``np.linalg.qr``,
  ``np.random...``, and ``from numpy import NAME``) is a violation, unless
* NAME is in ALWAYS_FINE: dtypes and scalar types (np.float32, np.int64, np.dtype(...)),
  abstract types for isinstance / issubdtype checks (np.ndarray, np.integer, np.generic),
  dtype queries (np.finfo, np.iinfo, np.issubdtype, np.result_type), constants (np.inf,
  np.nan, np.pi, np.newaxis) and np.errstate; none of these computes on array data; or
* the line (or the ``def`` line of the function around it) carries a marker comment ``# host: <reason>`` saying why NumPy on the host is
  right there (index bookkeeping on Python shapes, a mask drawn on the host and moved
  with backend.transfer, a CPU-side array copied in with copy_, ...). For a call that
  spans several lines, the marker may sit on any of them; a comment line holding only
  the marker covers the line below it; on a ``def`` line it covers the whole function
  (helpers that only build host-side index tables).

Everything else (np.exp, np.matmul, np.sum, np.where, np.zeros as a data buffer,
np.asarray on tensor data, ...) must use the array module of its input:
``xp = backend.get_array_module(x._data)`` and ``xp.exp(...)``; that runs on CuPy arrays
too, where numpy would fail (or silently copy to the host).
"""
from __future__ import annotations

import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent / "minitorch"

SCANNED = sorted(
    {*ROOT.glob("functional/*.py"), *ROOT.glob("nn/**/*.py"), *ROOT.glob("autograd/*.py"),
     ROOT / "_tensor_methods.py"})

ALWAYS_FINE = frozenset({
    # dtypes and scalar types (as dtype arguments, or np.float32(0.5) scalars)
    "dtype", "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
    "uint64", "float16", "float32", "float64", "complex64", "complex128", "intp",
    "half", "single", "double", "longlong",
    # abstract types and array classes for isinstance / issubdtype checks
    "ndarray", "generic", "number", "integer", "signedinteger", "unsignedinteger",
    "floating", "complexfloating", "inexact", "bool",
    # dtype queries: no array data involved
    "finfo", "iinfo", "issubdtype", "result_type", "promote_types", "can_cast",
    # constants
    "inf", "nan", "pi", "e", "newaxis",
    # floating-point error state (CuPy ignores it; harmless)
    "errstate",
})

MARKER = re.compile(r"#\s*host:\s*(\S.{4,})")  # "# host: " and a reason of 5+ characters

HOW_TO_FIX = (
    "Use the array module of the input: `xp = backend.get_array_module(x._data)` "
    "(or `get_array_module` from minitorch.backend) and call `xp.NAME(...)`; or, where "
    "NumPy on the host is right (index/shape bookkeeping, a host-drawn mask moved with "
    "backend.transfer, ...), end the line with `# host: <why>`.")


def _numpy_aliases(tree):
    names = {"np", "numpy"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name == "numpy":
                    names.add(a.asname or "numpy")
    return names


def _chain(node):
    """For an attribute chain np.a.b: ("np", ["a", "b"]); else (None, [])."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return node.id, parts[::-1]
    return None, []


def check_source(src: str, filename: str = "<src>"):
    """Violations in `src`: a list of (filename, line, "np.name", source line)."""
    tree = ast.parse(src, filename)
    lines = src.splitlines()
    aliases = _numpy_aliases(tree)

    # a marker on a def's signature line(s) covers the whole function: for helpers that
    # only do host-side bookkeeping (e.g. building index tables from Python sizes)
    covered = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            head_end = node.body[0].lineno - 1 if node.body else node.lineno
            if any(MARKER.search(lines[i - 1]) for i in range(node.lineno, head_end + 1)):
                covered.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))

    # a comment line holding only a marker covers the next line (for long lines)
    for i, text in enumerate(lines, start=1):
        if text.strip().startswith("#") and MARKER.search(text):
            covered.add(i + 1)

    def marked(first, last):
        return first in covered or \
            any(MARKER.search(lines[i - 1]) for i in range(first, last + 1))

    # a call's span covers its numpy attribute, so a marker on any line of a multi-line
    # call counts; other references need the marker on their own line
    parent = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parent[id(child)] = node

    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and \
                node.module.split(".")[0] == "numpy":
            for a in node.names:
                if a.name not in ALWAYS_FINE and not marked(node.lineno, node.end_lineno):
                    out.append((filename, node.lineno, f"from {node.module} import {a.name}",
                                lines[node.lineno - 1].strip()))
            continue
        if not isinstance(node, ast.Attribute):
            continue
        up = parent.get(id(node))
        if isinstance(up, ast.Attribute) and up.value is node:
            continue   # only the whole chain np.a.b, not its prefix np.a
        root, parts = _chain(node)
        if root not in aliases or parts[0] in ALWAYS_FINE:
            continue
        first, last = node.lineno, node.end_lineno or node.lineno
        if isinstance(up, ast.Call) and up.func is node:
            first, last = up.lineno, up.end_lineno or up.lineno
        if not marked(first, last):
            out.append((filename, node.lineno, f"{root}.{'.'.join(parts)}",
                        lines[node.lineno - 1].strip()))
    return sorted(set(out), key=lambda v: (v[0], v[1], v[2]))


# ------------------------------------------------------------------------------ tests
def test_scanned_files_exist():
    rel = {p.relative_to(ROOT).as_posix() for p in SCANNED}
    assert {"functional/elementwise.py", "nn/module.py", "_tensor_methods.py"} <= rel


def test_no_direct_numpy_on_array_data():
    violations = []
    for path in SCANNED:
        rel = path.relative_to(ROOT.parent).as_posix()
        violations += check_source(path.read_text(encoding="utf-8"), rel)
    if violations:
        listing = "\n".join(f"  {f}:{line}: {name}  |  {code}"
                            for f, line, name, code in violations)
        pytest.fail(f"{len(violations)} direct numpy use(s) under functional/nn/autograd "
                    f"that would break (or leave the GPU) with CuPy arrays:\n{listing}\n"
                    f"{HOW_TO_FIX}")


# --------------------------------------------------------------------- self-tests
def _names(src):
    return [v[2] for v in check_source(src)]


def test_checker_flags_numpy_on_tensor_data():
    assert _names("import numpy as np\ny = np.exp(x._data)\n") == ["np.exp"]
    assert _names("import numpy\ny = numpy.matmul(a, b)\n") == ["numpy.matmul"]
    assert _names("import numpy as onp\nz = onp.zeros(x.shape)\n") == ["onp.zeros"]
    assert _names("import numpy as np\nq, r = np.linalg.qr(a)\n") == ["np.linalg.qr"]
    assert _names("import numpy as np\nf = np.where\n") == ["np.where"]
    assert _names("from numpy import concatenate\n") == ["from numpy import concatenate"]


def test_checker_accepts_xp_dtypes_and_marked_lines():
    ok = """
import numpy as np
xp = backend.get_array_module(x._data)
y = xp.exp(x._data)
z = x._data.astype(np.float32)
if isinstance(a, np.ndarray) and np.issubdtype(a.dtype, np.integer):
    lim = np.finfo(np.float32).max + np.inf
with np.errstate(divide="ignore"):
    pass
idx = np.arange(n)  # host: index bookkeeping on a Python int
# host: a long line follows, reason given above it
perm = np.argsort(axes)
m = np.zeros(  # host: small matrix built on the host, moved with xp.asarray
    (3, 4))
"""
    assert _names(ok) == []


def test_marker_needs_a_reason():
    assert _names("import numpy as np\nidx = np.arange(n)  # host:\n") == ["np.arange"]
    assert _names("import numpy as np\nidx = np.arange(n)  # hostile\n") == ["np.arange"]
    # a marker line above covers only the line right below it
    assert _names("import numpy as np\n# host: index bookkeeping\na = 1\nb = np.exp(x)\n") \
        == ["np.exp"]


def test_marker_on_def_line_covers_the_function_only():
    src = """
import numpy as np
def taps(n):  # host: index tables from Python sizes
    return np.arange(n)
def forward(x):
    return np.exp(x)
"""
    assert [v[1:3] for v in check_source(src)] == [(6, "np.exp")]
