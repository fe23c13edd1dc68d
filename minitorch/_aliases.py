"""The keyword spellings PyTorch accepts on top of a function's own signature.

PyTorch's argument parser lets NumPy users write ``x.sum(axis=0, keepdims=True)`` for
``x.sum(dim=0, keepdim=True)``, and gives most ``torch.<op>`` functions an ``out=`` argument
that receives the result. minitorch's functions are written with PyTorch's own names only;
this module adds the other spellings in one place, when the package is imported:

- ``accept_numpy_names(fn)``: ``axis=`` becomes ``dim=`` and ``keepdims=`` becomes
  ``keepdim=`` for a function that has those parameters;
- ``accept_out(fn)``: ``out=`` (a Tensor, or a tuple of Tensors for functions that return
  several) receives the result, as ``torch.add(a, b, out=c)`` does;
- ``install(namespace, out=...)`` wraps every function of a namespace that needs it.

A wrapper is a thin Python layer: when the caller passes none of these keywords, it calls
the function straight away.
"""
from __future__ import annotations

import functools
import inspect
import types
import warnings

import numpy as np

_ALIASES = (("axis", "dim"), ("keepdims", "keepdim"))


def _parameters(fn):
    try:
        return inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return {}


def _rename(name, kwargs, params):
    for alias, real in _ALIASES:
        if alias in kwargs and real in params and alias not in params:
            if real in kwargs:
                raise TypeError(f"{name}() received both '{real}' and its alias '{alias}'")
            kwargs[real] = kwargs.pop(alias)


def _wrap(fn, aliases: bool, out: bool):
    """One wrapper doing both jobs, so that a function pays for one extra call at most."""
    params = _parameters(fn)
    aliases = aliases and any(real in params for _, real in _ALIASES)
    out = out and "out" not in params and not _has_var_keyword(params)
    if not (aliases or out):
        return fn
    name = fn.__name__

    if out:
        @functools.wraps(fn)
        def wrapper(*args, out=None, **kwargs):
            if kwargs and aliases:
                _rename(name, kwargs, params)
            if out is None:
                return fn(*args, **kwargs)
            _refuse_autograd(name, args, kwargs, out)
            return write_out(name, fn(*args, **kwargs), out)
    else:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if kwargs:
                _rename(name, kwargs, params)
            return fn(*args, **kwargs)
    wrapper._minitorch_keywords = True
    return wrapper


def _has_var_keyword(params) -> bool:
    return any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def accept_numpy_names(fn):
    """``fn`` that also takes ``axis=`` for ``dim=`` and ``keepdims=`` for ``keepdim=``."""
    return _wrap(fn, aliases=True, out=False)


def accept_out(fn):
    """``fn`` that also takes ``out=`` (and the NumPy names)."""
    return _wrap(fn, aliases=True, out=True)


def install(namespace: dict, *, out: bool, modules=("minitorch.",)) -> None:
    """Wrap, in place, every plain function of `namespace` defined in one of `modules`."""
    for key, value in list(namespace.items()):
        if key.startswith("_") or not isinstance(value, types.FunctionType):
            continue
        if getattr(value, "_minitorch_keywords", False):
            continue
        if not (value.__module__ or "").startswith(tuple(modules)):
            continue
        namespace[key] = _wrap(value, aliases=True, out=out)


# ---------------------------------------------------------------------------- out=
def _refuse_autograd(name, args, kwargs, out):
    from .autograd.grad_mode import STATE
    from .tensor import Tensor
    if not STATE.enabled:
        return
    outs = out if isinstance(out, (tuple, list)) else (out,)
    candidates = list(args) + list(kwargs.values()) + list(outs)
    for a in candidates:
        items = a if isinstance(a, (tuple, list)) else (a,)
        if any(isinstance(t, Tensor) and t.requires_grad for t in items):
            raise RuntimeError(f"{name}(): functions with out=... arguments don't support "
                               "automatic differentiation, but one of the arguments requires "
                               "grad.")


def write_out(name: str, result, out):
    """Copy `result` (a Tensor or a tuple of them) into `out` and return `out`.

    As in PyTorch: the result must be castable to out's dtype without changing kind
    (float into an int tensor is an error; int into float, float64 into float32 are fine);
    an `out` of another shape is resized (with a warning when it held elements)."""
    from .tensor import Tensor
    if isinstance(result, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(result):
            raise TypeError(f"{name}(): argument 'out' must be a tuple of {len(result)} "
                            f"Tensors, got {type(out).__name__}")
        written = [write_out(name, r, o) for r, o in zip(result, out)]
        return type(result)(*written) if hasattr(result, "_fields") else tuple(written)
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if not isinstance(result, Tensor):
        raise TypeError(f"{name}(): does not take an 'out' argument (it returns "
                        f"{type(result).__name__})")
    src, dst = result._data, out._data
    if not _can_cast(src.dtype, dst.dtype):
        raise RuntimeError(f"{name}(): result type {result.dtype} can't be cast to the "
                           f"desired output type {out.dtype}")
    if type(src) is not type(dst):
        raise RuntimeError(f"{name}(): expected out on device {result.device}, got "
                           f"{out.device}")
    if dst.shape != src.shape:
        if dst.size:
            warnings.warn(f"An output with one or more elements was resized since it had "
                          f"shape {list(dst.shape)}, which does not match the required output "
                          f"shape {list(src.shape)}. This behavior is deprecated, and in a "
                          "future PyTorch release outputs will not be resized unless they "
                          "have zero elements. You can explicitly reuse an out tensor t by "
                          "resizing it, inplace, to zero elements with t.resize_(0).",
                          UserWarning, stacklevel=3)
        out._data = src.astype(dst.dtype, copy=True)
    else:
        dst[...] = src
    out._bump_version()
    return out


def _can_cast(src, dst) -> bool:
    """PyTorch's canCast: no float to integral, no non-bool to bool."""
    src, dst = np.dtype(src), np.dtype(dst)
    if src.kind == "f" and dst.kind in "biu":
        return False
    if src.kind != "b" and dst.kind == "b":
        return False
    return True
