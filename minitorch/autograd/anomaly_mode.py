"""Anomaly detection: ``detect_anomaly()`` and ``set_detect_anomaly(mode)``, as PyTorch's.

While it is on, every node recorded remembers the Python stack of the forward call that
made it, and its backward checks the gradients it returns: a NaN raises
``RuntimeError: Function 'MulBackward0' returned nan values in its 0th output.`` after a
warning that shows the forward call responsible. It slows every op down; use it to debug.
"""
from __future__ import annotations

import functools
import warnings

from ._hooks import HOOKS, refresh

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled"]


def is_anomaly_enabled() -> bool:
    return HOOKS.anomaly


def is_anomaly_check_nan_enabled() -> bool:
    return HOOKS.anomaly_check_nan


def _set(mode: bool, check_nan: bool):
    HOOKS.anomaly = bool(mode)
    HOOKS.anomaly_check_nan = bool(check_nan)
    refresh()


class detect_anomaly:
    """Context manager and decorator turning anomaly detection on for a block."""

    def __init__(self, check_nan: bool = True):
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the "
                      "runtime and should only be enabled for debugging.", stacklevel=2)

    def __enter__(self):
        self._prev = (HOOKS.anomaly, HOOKS.anomaly_check_nan)
        _set(True, self.check_nan)
        return self

    def __exit__(self, *exc):
        _set(*self._prev)
        return False

    def __call__(self, fn):
        check_nan = self.check_nan

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            prev = (HOOKS.anomaly, HOOKS.anomaly_check_nan)
            _set(True, check_nan)
            try:
                return fn(*args, **kwargs)
            finally:
                _set(*prev)
        return wrapper


class set_detect_anomaly:
    """``set_detect_anomaly(mode, check_nan=True)`` turns anomaly detection on or off now;
    used as a context manager, it restores the previous setting at the end."""

    def __init__(self, mode: bool, check_nan: bool = True):
        self._prev = (HOOKS.anomaly, HOOKS.anomaly_check_nan)
        _set(mode, check_nan)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _set(*self._prev)
        return False
