"""What ``Function.apply`` does while autocast, the profiler or anomaly detection is on.

``Function.apply`` checks one module global (``function._hooked``) per call; only when it
is set does a call come here, so these features cost nothing measurable when off. Each
feature registers itself in ``HOOKS`` and calls ``refresh()``:

- autocast (minitorch/amp): ``HOOKS.autocast(cls, args)`` returns the arguments to use (cast
  to the autocast dtype or to float32) and a function for the output, or None;
- the profiler (autograd/profiler.py): ``HOOKS.profiler.op(cls, t0, t1, args)`` records one
  call's time;
- anomaly detection (autograd/anomaly_mode.py): every node recorded gets a backward that
  checks its gradients for NaN and names the forward call that made the node.

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
        if HOOKS.anomaly:
            _watch(out, cls)
        return out
    finally:
        refresh()


# ---------------------------------------------------------------------------- anomaly
def _watch(out, cls):
    """Give the node behind `out` a backward that checks its results (anomaly mode)."""
    outs = out if isinstance(out, tuple) else (out,)
    for t in outs:
        if isinstance(t, Tensor) and t.grad_fn is not None and \
                "backward" not in vars(t.grad_fn):
            node = t.grad_fn
            node._anomaly_trace = "".join(traceback.format_stack()[:-3])
            node.backward = _checked_backward(type(node).backward)
            break


def _checked_backward(original):
    def backward(node, *grads):
        try:
            result = original(node, *grads)
        except Exception:
            _warn_trace(node)
            raise
        if HOOKS.anomaly_check_nan:
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
