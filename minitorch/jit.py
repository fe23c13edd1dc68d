"""``minitorch.jit``: PyTorch's TorchScript entry points, for programs that call them.

minitorch has no compiler or serialized graph format: ``script`` and ``trace`` warn once
and return their argument, which then runs as ordinary eager code; the decorators
(``ignore``, ``unused``, ``export``, ``interface``) return what they decorate;
``is_scripting()`` and ``is_tracing()`` are False. ``save``/``load`` raise: use
``minitorch.save(model.state_dict(), path)`` instead.
"""
from __future__ import annotations

import warnings

__all__ = ["script", "trace", "trace_module", "ignore", "unused", "export", "interface",
           "is_scripting", "is_tracing", "annotate", "fork", "wait", "save", "load",
           "freeze", "optimize_for_inference", "ScriptModule", "ScriptFunction", "Final",
           "Attribute", "enable_onednn_fusion"]

_WARNED = set()


def _warn_once(what: str):
    if what not in _WARNED:
        _WARNED.add(what)
        warnings.warn(f"minitorch.jit.{what}() returns its argument unchanged: minitorch has no "
                      "TorchScript; the model runs as eager code", stacklevel=3)


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """Returns `obj` (a Module or function) unchanged, with a warning the first time."""
    _warn_once("script")
    return obj


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None,
          check_tolerance=1e-5, strict=True, _force_outplace=False, _module_class=None,
          _compilation_unit=None, example_kwarg_inputs=None, _store_inputs=True):
    """Returns `func` (a Module or function) unchanged, with a warning the first time; the
    example inputs are not run."""
    _warn_once("trace")
    return func


def trace_module(mod, inputs, *args, **kwargs):
    _warn_once("trace_module")
    return mod


def ignore(drop=False, **kwargs):
    """``@jit.ignore`` or ``@jit.ignore(drop=True)``: returns the function."""
    if callable(drop):
        return drop
    return lambda fn: fn


def unused(fn):
    return fn


def export(fn):
    return fn


def interface(obj):
    return obj


def is_scripting() -> bool:
    return False


def is_tracing() -> bool:
    return False


def annotate(the_type, the_value):
    return the_value


class _Future:
    def __init__(self, value):
        self._value = value

    def wait(self):
        return self._value

    def value(self):
        return self._value

    def done(self) -> bool:
        return True


def fork(func, *args, **kwargs) -> _Future:
    """Runs func(*args, **kwargs) now; ``wait`` returns its result."""
    return _Future(func(*args, **kwargs))


def wait(future):
    return future.wait()


def freeze(mod, preserved_attrs=None, optimize_numerics=True):
    return mod


def optimize_for_inference(mod, other_methods=None):
    return mod


def enable_onednn_fusion(enabled: bool) -> None:
    pass


def save(m, f, _extra_files=None):
    raise NotImplementedError("minitorch.jit.save(): minitorch has no TorchScript format; save "
                              "the weights with minitorch.save(model.state_dict(), path)")


def load(f, map_location=None, _extra_files=None, _restore_shapes=False):
    raise NotImplementedError("minitorch.jit.load(): minitorch has no TorchScript format; load "
                              "weights with model.load_state_dict(minitorch.load(path))")


class ScriptModule:
    """Stand-in for isinstance checks: nothing minitorch returns is a ScriptModule."""


class ScriptFunction:
    """Stand-in for isinstance checks."""


class _FinalMeta(type):
    def __getitem__(cls, item):
        return item


class Final(metaclass=_FinalMeta):
    """``jit.Final[int]`` is ``int``."""


def Attribute(value, type=None):  # noqa: N802 (PyTorch's name)
    return value
