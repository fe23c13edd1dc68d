"""``minitorch.compiler``: PyTorch's compiler controls. minitorch runs eagerly and has no
compiler (see minitorch.compile), so these decorate nothing and report nothing."""
from __future__ import annotations

__all__ = ["disable", "is_compiling", "is_dynamo_compiling", "reset", "allow_in_graph",
           "assume_constant_result", "compile"]


def disable(fn=None, recursive: bool = True, *, reason=None):
    """``@compiler.disable`` / ``@compiler.disable(recursive=False)``: returns fn."""
    if fn is None:
        return lambda f: f
    return fn


def is_compiling() -> bool:
    return False


is_dynamo_compiling = is_compiling


def reset() -> None:
    pass


def allow_in_graph(fn):
    return fn


def assume_constant_result(fn):
    return fn


def compile(*args, **kwargs):
    from ._runtime import compile as _compile
    return _compile(*args, **kwargs)
