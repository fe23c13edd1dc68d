"""Run a PyTorch program on minitorch, unchanged: ``python -m minitorch.as_torch prog.py``.

``import torch`` and every ``torch.<sub>`` import inside the program (and the modules it
imports) resolve to minitorch; the program's own arguments follow its path, and
``-m package.module`` runs a module instead of a file, as ``python`` does.
"""
from __future__ import annotations

import os
import runpy
import sys

from ._torch_alias import alias_torch

USAGE = "usage: python -m minitorch.as_torch PROGRAM.py [ARGS...] | -m MODULE [ARGS...]"


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip() + "\n\n" + USAGE)
        return 0 if argv else 2
    alias_torch()
    if argv[0] == "-m":
        if len(argv) < 2:
            print(USAGE, file=sys.stderr)
            return 2
        sys.argv = argv[1:]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    else:
        path = os.path.abspath(argv[0])          # __file__ is absolute, as Python makes it
        sys.argv = [argv[0]] + argv[1:]
        sys.path.insert(0, os.path.dirname(path))
        runpy.run_path(path, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
