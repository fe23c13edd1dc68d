"""``python -m minitorch.opcheck``: check every registered op and print a table.

For each entry of the op table (minitorch/testing/op_table.py) it runs gradcheck (finite
differences in float64, random upstream gradient, non-contiguous inputs too) and, where
PyTorch supports it, gradgradcheck; and, when torch is installed, compares forward and
backward with PyTorch on the same bytes. One line per op:

    op                      fd max abs  fd max rel  torch fwd  torch bwd  result

Options: ``--ops NAME [NAME ...]`` or ``--family FAMILY`` to check a subset, ``--no-torch``
to skip the PyTorch comparison, ``--device cuda`` to run minitorch on the GPU.
Exit status 1 when any op fails. This module is the only one in the package that touches
torch, and only when run, never on ``import minitorch``.
"""
from __future__ import annotations

import argparse
import importlib
import sys

import minitorch
from minitorch.autograd.gradcheck import check_gradients, check_second_gradients
from minitorch.testing import OPS, compare, build_inputs


def _load_torch():
    try:
        torch = importlib.import_module("torch")
    except ImportError:
        return None
    torch.set_num_threads(1)
    return torch


def check_op(spec, torch=None, device=None):
    """Return a dict with the finite-difference and torch figures for one op."""
    row = {"op": spec.name, "fd_abs": None, "fd_rel": None, "torch_fwd": None,
           "torch_bwd": None, "ok": True, "message": ""}
    fn = lambda *xs: spec.fn(minitorch, *xs)  # noqa: E731
    try:
        if spec.differentiable and spec.finite_diff:
            inputs = build_inputs(minitorch, spec, spec.make_arrays(0), "float64", device=device)
            res = check_gradients(fn, tuple(inputs), check_noncontiguous=True)
            row["fd_abs"], row["fd_rel"] = res.max_abs_err, res.max_rel_err
            if res.ok and spec.gradgrad:
                res2 = check_second_gradients(fn, tuple(inputs))
                row["fd_abs"] = max(row["fd_abs"], res2.max_abs_err)
                row["fd_rel"] = max(row["fd_rel"], res2.max_rel_err)
                res = res2 if not res2.ok else res
            if not res.ok:
                row["ok"], row["message"] = False, res.message
        if torch is not None:
            for dtype in ("float64", "float32"):
                cmp = compare(spec, minitorch, torch, dtype, device=device)
                if dtype == "float64":
                    row["torch_fwd"], row["torch_bwd"] = cmp.max_abs_forward, cmp.max_abs_backward
                if not cmp.ok and row["ok"]:
                    row["ok"], row["message"] = False, f"[{dtype}] {cmp.message}"
    except Exception as exc:  # report and go on with the other ops
        row["ok"], row["message"] = False, f"{type(exc).__name__}: {exc}"
    return row


def _fmt(x):
    return "-" if x is None else f"{x:.1e}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minitorch.opcheck", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ops", nargs="*", help="only these op names")
    parser.add_argument("--family", help="only ops of this family (arithmetic, reduction, ...)")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch comparison")
    parser.add_argument("--device", default=None, help="run minitorch on this device")
    args = parser.parse_args(argv)

    specs = [s for s in OPS if (not args.ops or s.name in args.ops)
             and (not args.family or s.family == args.family)]
    if not specs:
        print("no op matches", file=sys.stderr)
        return 2
    torch = None if args.no_torch else _load_torch()
    if torch is None and not args.no_torch:
        print("(torch is not installed: finite-difference checks only)")
    header = f"{'op':28s} {'fd max abs':>10s} {'fd max rel':>10s} {'torch fwd':>10s} " \
             f"{'torch bwd':>10s}  result"
    print(header)
    print("-" * len(header))
    failures = []
    for spec in specs:
        row = check_op(spec, torch, args.device)
        print(f"{spec.name:28s} {_fmt(row['fd_abs']):>10s} {_fmt(row['fd_rel']):>10s} "
              f"{_fmt(row['torch_fwd']):>10s} {_fmt(row['torch_bwd']):>10s}  "
              f"{'pass' if row['ok'] else 'FAIL'}")
        if not row["ok"]:
            failures.append(row)
    print("-" * len(header))
    print(f"{len(specs) - len(failures)} passed, {len(failures)} failed "
          f"({len(specs)} ops; fd = finite differences in float64, errors are max |analytic - "
          f"numerical| and vs torch)")
    for row in failures:
        print(f"FAIL {row['op']}: {row['message']}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
