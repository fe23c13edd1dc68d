"""``torch._foreach_*``: one op applied to every tensor of a list.

PyTorch fuses these into few kernel launches for optimizers and EMA updates (timm's
``ModelEmaV3`` calls ``torch._foreach_lerp_``); here each is the plain loop over the list,
with the same argument forms as PyTorch:

- ``_foreach_add(self, other, alpha=1)``: `other` is a list of tensors (paired with
  `self`), a list of numbers (one per tensor), or one number or tensor for all;
- ``_foreach_lerp(self, end, weight)``, ``_foreach_addcmul(self, t1, t2, value=1)``,
  ``_foreach_addcdiv``: the same pairing for every list argument;
- unary ops (``_foreach_sqrt``...) and reductions (``_foreach_norm(tensors, ord=2)``,
  ``_foreach_max``) return a tuple; the in-place ``_foreach_<op>_`` change each tensor and
  return the list itself, as PyTorch's do.

The names start with ``_`` (they are private in PyTorch too); minitorch/__init__.py binds
each in ``__all__`` as ``minitorch._foreach_<op>``.
"""
from __future__ import annotations

from ..tensor import Tensor

_UNARY = ("abs", "acos", "asin", "atan", "ceil", "cos", "cosh", "erf", "erfc", "exp", "expm1",
          "floor", "frac", "lgamma", "log", "log10", "log1p", "log2", "neg", "reciprocal",
          "round", "rsqrt", "sigmoid", "sign", "sin", "sinh", "sqrt", "tan", "tanh", "trunc")
_BINARY = ("add", "sub", "mul", "div", "pow", "maximum", "minimum", "clamp_min", "clamp_max")


def _spread(arg, n: int, fn: str, what: str) -> list:
    """One value per tensor: a list/tuple is paired (its length must match), anything else
    (a number, a tensor) is used for every tensor."""
    if isinstance(arg, (list, tuple)):
        if len(arg) != n:
            raise RuntimeError(f"{fn}(): Tensor lists must have the same number of tensors, "
                               f"got {n} and {len(arg)} ({what})")
        return list(arg)
    return [arg] * n


def _check_list(tensors, fn: str) -> list:
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{fn}(): argument 'self' must be a list or tuple of Tensors, got "
                        f"{type(tensors).__name__}")
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"{fn}(): expected a list of Tensors, got an element of type "
                            f"{type(t).__name__}")
    return list(tensors)


def _method(t, name):
    return getattr(t, name)


def _make_unary(op: str, inplace: bool):
    name = f"_foreach_{op}{'_' if inplace else ''}"

    def fn(self):
        tensors = _check_list(self, name)
        if inplace:
            for t in tensors:
                _method(t, op + "_")()
            return self
        return tuple(_method(t, op)() for t in tensors)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"torch.{name}: {op} of every tensor of the list" + (" (in place)." if inplace else ".")
    return fn


def _make_binary(op: str, inplace: bool):
    name = f"_foreach_{op}{'_' if inplace else ''}"
    takes_alpha = op in ("add", "sub")

    def fn(self, other, *, alpha=1):
        if op == "pow" and not isinstance(self, (list, tuple)):
            # _foreach_pow(scalar, exponents): the number to each tensor's power
            return tuple(o.new_full(o.shape, self).pow(o) for o in other)
        tensors = _check_list(self, name)
        others = _spread(other, len(tensors), name, "other")
        kw = {"alpha": alpha} if takes_alpha and alpha != 1 else {}
        if inplace:
            for t, o in zip(tensors, others):
                if hasattr(t, op + "_"):
                    _method(t, op + "_")(o, **kw)
                else:   # maximum/minimum have no Tensor method of their own in place
                    t.copy_(_method(t, op)(o, **kw))
            return self
        return tuple(_method(t, op)(o, **kw) for t, o in zip(tensors, others))
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"torch.{name}: {op} of every tensor of the list with its partner in "
                  "`other` (a list of tensors or numbers, or one value for all)"
                  + (", in place." if inplace else "."))
    return fn


def _make_ternary(op: str, inplace: bool):
    name = f"_foreach_{op}{'_' if inplace else ''}"

    def fn(self, tensor1, tensor2, value=1):
        tensors = _check_list(self, name)
        n = len(tensors)
        t1s = _spread(tensor1, n, name, "tensor1")
        t2s = _spread(tensor2, n, name, "tensor2")
        values = _spread(_as_list_of_numbers(value), n, name, "value")
        out = []
        for t, a, b, v in zip(tensors, t1s, t2s, values):
            if inplace:
                _method(t, op + "_")(a, b, value=v)
            else:
                out.append(_method(t, op)(a, b, value=v))
        return self if inplace else tuple(out)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"torch.{name}: {op} over the lists" + (", in place." if inplace else ".")
    return fn


def _as_list_of_numbers(value):
    """A 1-d tensor of scalars (PyTorch accepts one for `value`) becomes a list."""
    if isinstance(value, Tensor) and value.ndim == 1:
        return value.tolist()
    return value


def _make_lerp(inplace: bool):
    name = "_foreach_lerp" + ("_" if inplace else "")

    def fn(self, tensors1, weight):
        tensors = _check_list(self, name)
        ends = _spread(tensors1, len(tensors), name, "tensors1")
        weights = _spread(weight, len(tensors), name, "weight")
        if inplace:
            for t, e, w in zip(tensors, ends, weights):
                t.lerp_(e, w)
            return self
        return tuple(t.lerp(e, w) for t, e, w in zip(tensors, ends, weights))
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"torch.{name}: t + weight * (end - t) for every pair" + (
        ", in place." if inplace else ".")
    return fn


def _foreach_norm(self, ord=2, dtype=None):
    """torch._foreach_norm: the vector `ord`-norm of each tensor (a list of 0-d tensors)."""
    from .reduction import norm
    tensors = _check_list(self, "_foreach_norm")
    return tuple(norm(t, ord, dtype=dtype) for t in tensors)


def _foreach_max(self):
    """torch._foreach_max: the largest element of each tensor (a list of 0-d tensors)."""
    return tuple(t.max() for t in _check_list(self, "_foreach_max"))


def _foreach_powsum(self, ord=2, dtype=None):
    """torch._foreach_powsum: sum(|t| ** ord) of each tensor."""
    tensors = _check_list(self, "_foreach_powsum")
    out = []
    for t in tensors:
        x = t if dtype is None else t.to(dtype)
        out.append(x.abs().pow(ord).sum())
    return tuple(out)


def _foreach_clone(self):
    """torch._foreach_clone: a copy of every tensor."""
    return tuple(t.clone() for t in _check_list(self, "_foreach_clone"))


def _foreach_copy_(self, src, non_blocking=False):
    """torch._foreach_copy_: copy each source into its tensor."""
    tensors = _check_list(self, "_foreach_copy_")
    for t, s in zip(tensors, _spread(src, len(tensors), "_foreach_copy_", "src")):
        t.copy_(s)
    return self


def _foreach_zero_(self):
    """torch._foreach_zero_: set every tensor to zero."""
    for t in _check_list(self, "_foreach_zero_"):
        t.zero_()
    return self


_BUILT = {}
for _op in _UNARY:
    for _ip in (False, True):
        _f = _make_unary(_op, _ip)
        _BUILT[_f.__name__] = _f
for _op in _BINARY:
    for _ip in (False, True):
        _f = _make_binary(_op, _ip)
        _BUILT[_f.__name__] = _f
for _op in ("addcmul", "addcdiv"):
    for _ip in (False, True):
        _f = _make_ternary(_op, _ip)
        _BUILT[_f.__name__] = _f
for _ip in (False, True):
    _f = _make_lerp(_ip)
    _BUILT[_f.__name__] = _f
globals().update(_BUILT)

__all__ = sorted(list(_BUILT) + ["_foreach_norm", "_foreach_max", "_foreach_powsum",
                                 "_foreach_clone", "_foreach_copy_", "_foreach_zero_"])
