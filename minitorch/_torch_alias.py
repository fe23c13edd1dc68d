"""Let `torch` be minitorch: ``python -m minitorch.as_torch program.py`` and
``sys.modules["torch"] = minitorch``.

A program written for PyTorch imports ``torch``, ``torch.nn``, ``torch.nn.functional``,
``torch.utils.data``... With ``sys.modules["torch"] = minitorch`` alone, Python would load
``torch.nn`` from minitorch's folder a second time under the new name: two copies of
every class (``torch.nn.Module`` would not be ``minitorch.nn.Module``). The finder below,
put on ``sys.meta_path`` when minitorch is imported, answers an import of ``torch.<sub>``
with the module ``minitorch.<sub>`` itself, and only while ``sys.modules["torch"]`` is
minitorch: with the real PyTorch installed and imported as usual it does nothing.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str):
        self.target = target

    def create_module(self, spec):
        return importlib.import_module(self.target)

    def exec_module(self, module):
        pass  # already executed under its own name


class TorchAliasFinder(importlib.abc.MetaPathFinder):
    """Resolve ``torch.x.y`` to ``minitorch.x.y`` while ``torch`` is minitorch."""

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith("torch."):
            return None
        torch = sys.modules.get("torch")
        if torch is None or getattr(torch, "__name__", None) != "minitorch":
            return None
        target_name = "minitorch" + fullname[len("torch"):]
        try:
            spec = importlib.util.find_spec(target_name)
        except (ImportError, ValueError):
            spec = None
        if spec is None:
            return None  # ImportError: No module named 'torch.x', as for any missing module
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(target_name),
                                              is_package=spec.submodule_search_locations
                                              is not None)


_FINDER = TorchAliasFinder()


def install_finder() -> None:
    if not any(isinstance(f, TorchAliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _FINDER)


def alias_torch() -> None:
    """Make ``import torch`` (and every ``torch.<sub>``) give minitorch in this process, and
    in the child processes that ``multiprocessing`` starts with "spawn" (they re-import the
    program: without this they would import the real torch, or fail without it)."""
    import minitorch
    install_finder()
    sys.modules["torch"] = minitorch
    _alias_in_spawned_children()


_CHILD_PREFIX = "import minitorch._torch_alias as _mt_alias; _mt_alias.alias_torch(); "


def _alias_in_spawned_children() -> None:
    import multiprocessing.spawn as spawn
    if getattr(spawn.get_command_line, "_minitorch_alias", False):
        return
    original = spawn.get_command_line

    def get_command_line(**kwds):
        cmd = original(**kwds)
        if "-c" in cmd:
            i = cmd.index("-c") + 1
            cmd = cmd[:i] + [_CHILD_PREFIX + cmd[i]] + cmd[i + 1:]
        return cmd
    get_command_line._minitorch_alias = True
    spawn.get_command_line = get_command_line
