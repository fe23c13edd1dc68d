"""Grad mode: whether operations record the graph. `no_grad`, `enable_grad` and
`set_grad_enabled` work as context managers and as decorators, as in PyTorch.

The flag is process-global (not per thread) so that reading it costs one attribute load on
the hot path of every operation.
"""
from __future__ import annotations

import functools
import inspect


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
        if inspect.isgeneratorfunction(fn):
            return _wrap_generator(fn, mode)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            prev = STATE.enabled
            STATE.enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                STATE.enabled = prev
        return wrapper


class _NoArgDecorator(_GradModeContext):
    """Also usable as a bare decorator, ``@no_grad`` without parentheses, as in PyTorch."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        if not callable(orig_func):
            raise TypeError(f"{cls.__name__}() takes no arguments (got {orig_func!r})")
        return cls()(orig_func)


def _wrap_generator(fn, mode):
    """A generator function whose body runs in `mode` at every step, while the caller's
    code between steps keeps its own mode (PyTorch's _wrap_generator)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        gen = fn(*args, **kwargs)

        def step(method, *arg):
            prev = STATE.enabled
            STATE.enabled = mode
            try:
                return method(*arg)
            finally:
                STATE.enabled = prev

        try:
            response = step(gen.send, None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    step(gen.close)
                    raise
                except BaseException as exc:  # thrown in by the caller: pass it on
                    response = step(gen.throw, exc)
                else:
                    response = step(gen.send, request)
        except StopIteration as stop:
            return stop.value
    return wrapper


class no_grad(_NoArgDecorator):
    """Operations inside record no graph: outputs have requires_grad=False."""

    _mode = False


class enable_grad(_NoArgDecorator):
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


class _Inference:
    enabled = False


INFERENCE = _Inference


def is_inference_mode_enabled() -> bool:
    return INFERENCE.enabled


class inference_mode(_GradModeContext):
    """``inference_mode(mode=True)``: no_grad for inference, as a context manager or a
    decorator (``@inference_mode()``, ``@inference_mode``). minitorch records no graph
    inside (like no_grad) and reports ``is_inference_mode_enabled()``; it does not tag the
    tensors made inside (``Tensor.is_inference()`` is False), which PyTorch does to forbid
    their later use in autograd. ``inference_mode(False)`` changes nothing."""

    def __new__(cls, mode=True):
        if isinstance(mode, bool) or mode is None:
            return super().__new__(cls)
        if not callable(mode):
            raise TypeError(f"inference_mode(): argument 'mode' must be bool, got "
                            f"{type(mode).__name__}")
        return cls()(mode)

    def __init__(self, mode: bool = True):
        self.mode = bool(mode)

    def __enter__(self):
        self._prev = (STATE.enabled, INFERENCE.enabled)
        if self.mode:
            STATE.enabled = False
            INFERENCE.enabled = True
        return self

    def __exit__(self, *exc):
        STATE.enabled, INFERENCE.enabled = self._prev
        return False

    def clone(self):
        return type(self)(self.mode)

    def __call__(self, fn):
        mode = self.mode
        if inspect.isgeneratorfunction(fn):
            if not mode:
                return fn
            return _wrap_generator(fn, False)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with inference_mode(mode):
                return fn(*args, **kwargs)
        return wrapper
