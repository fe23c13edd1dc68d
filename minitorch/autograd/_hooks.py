"""What ``Function.apply`` does while autocast, the profiler or anomaly detection is on.

``Function.apply`` checks one module global (``function._hooked``) per call; only when it
is set does a call come here, so these features cost nothing measurable when off. Each
feature registers itself in ``HOOKS`` and calls ``refresh()``:

- autocast (minitorch/amp): ``HOOKS.autocast(cls, args)`` returns the arguments to use (cast
  to the autocast dtype or to float32) and a function for the output, or None;
- the profiler (autograd/profiler.py): ``HOOKS.profiler.op(cls, t0, t1, args)`` records one
  call's time;
- anomaly detection (autograd/anomaly_mode.py): every node recorded gets a backward that
  checks its gradients for NaN and names the forward call that made the node; while
  profiling, that backward is also timed, as the node's name ("LinearBackward0").

The inner call runs with the hooks off, so the casts autocast makes are plain calls and an
op's forward is timed once.
"""
from __future__ import annotations

import time
import traceback
import warnings

from . import function as _function
from ..tensor import Tensor


class HOOKS:
    autocast = None        # callable(cls, args) -> (args, finish or None)
    profiler = None        # the recorder of the active profile
    anomaly = False        # detect_anomaly / set_detect_anomaly(True)
    anomaly_check_nan = True


def refresh() -> None:
    """Turn the hook check in Function.apply on when any feature needs it."""
    _function._hooked = bool(HOOKS.autocast is not None or HOOKS.profiler is not None
                             or HOOKS.anomaly)


def hooked_apply(cls, args, kwargs):
    _function._hooked = False  # the inner call (and what it calls) takes the plain path
    try:
        finish = None
        if HOOKS.autocast is not None:
            args, finish = HOOKS.autocast(cls, args)
        prof = HOOKS.profiler
        if prof is not None:
            t0 = time.perf_counter_ns()
            out = cls.apply(*args, **kwargs)
            prof.op(cls, t0, time.perf_counter_ns(), args)
        else:
            out = cls.apply(*args, **kwargs)
        if finish is not None:
            out = finish(out)
        if HOOKS.anomaly or prof is not None:
            _instrument(out)
        return out
    finally:
        refresh()


# ---------------------------------------------------------------------------- backward
def _instrument(out):
    """Give the node behind `out` a backward that is timed by the profiler (as a range
    named after the node, e.g. "LinearBackward0") and, in anomaly mode, checks its
    gradients for NaN and names the forward call that made the node."""
    outs = out if isinstance(out, tuple) else (out,)
    for t in outs:
        if isinstance(t, Tensor) and t.grad_fn is not None:
            node = t.grad_fn
            if "backward" in vars(node):
                return
            if HOOKS.anomaly:
                node._anomaly_trace = "".join(traceback.format_stack()[:-3])
            node.backward = _instrumented(type(node).backward)
            return


def _instrumented(original):
    def backward(node, *grads):
        rec = HOOKS.profiler
        entry = rec.open_range(node.name(), kind="backward") if rec is not None else None
        try:
            result = original(node, *grads)
        except Exception:
            if HOOKS.anomaly:
                _warn_trace(node)
            raise
        finally:
            if entry is not None:
                rec.close_range(entry)
        if HOOKS.anomaly and HOOKS.anomaly_check_nan:
            results = result if isinstance(result, tuple) else (result,)
            for i, g in enumerate(results):
                if isinstance(g, Tensor) and g._data.dtype.kind == "f":
                    from .. import backend
                    if bool(backend.get_array_module(g._data).isnan(g._data).any()):
                        _warn_trace(node)
                        raise RuntimeError(f"Function '{node.name()}' returned nan values in "
                                           f"its {i}th output.")
        return result
    return backward


def _warn_trace(node):
    trace = getattr(node, "_anomaly_trace", None)
    if trace:
        warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused "
                      f"the error:\n{trace}", stacklevel=2)
