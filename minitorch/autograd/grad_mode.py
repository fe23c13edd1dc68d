"""Grad mode: whether operations record the graph. `no_grad`, `enable_grad` and
`set_grad_enabled` work as context managers and as decorators, as in PyTorch.

The flag is process-global (not per thread) so that reading it costs one attribute load on
the hot path of every operation.
"""
from __future__ import annotations

import functools


class _State:
    enabled = True


STATE = _State


def is_grad_enabled() -> bool:
    return STATE.enabled


class _GradModeContext:
    """Base for the three grad-mode managers: remembers the old mode and restores it."""

    _mode: bool = True

    def __enter__(self):
        self._prev = STATE.enabled
        STATE.enabled = self._mode
        return self

    def __exit__(self, *exc):
        STATE.enabled = self._prev
        return False

    def __call__(self, fn):
        mode = self._mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            prev = STATE.enabled
            STATE.enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                STATE.enabled = prev
        return wrapper


class no_grad(_GradModeContext):
    """Operations inside record no graph: outputs have requires_grad=False."""

    _mode = False


class enable_grad(_GradModeContext):
    """Turn graph recording back on inside a no_grad block."""

    _mode = True


class set_grad_enabled(_GradModeContext):
    """``set_grad_enabled(mode)`` sets the mode now (as a call) or for a block (as a
    context manager), and restores the previous mode when the block ends."""

    def __init__(self, mode: bool):
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled(): argument 'mode' must be bool, got {type(mode).__name__}")
        self._prev = STATE.enabled
        self._mode = mode
        STATE.enabled = mode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        STATE.enabled = self._prev
        return False

    def __call__(self, fn):
        # Used as a decorator: the mode applies inside fn only, not from now on.
        STATE.enabled = self._prev
        return super().__call__(fn)
