"""In-place operations: add_, sub_, mul_, div_, zero_, fill_, copy_, clamp_.

Each bumps the tensor's version counter, so a backward that saved the old value raises
PyTorch's "modified by an inplace operation" error instead of using the new one.

Two paths:
- not recorded (grad mode off, or nothing involved requires grad; an optimizer's step):
  the array is updated in place, and views of it see the change;
- recorded (a non-leaf that requires grad, or an operand that does): the result is
  computed out of place and the tensor is rebound to it and to its grad_fn. A leaf that
  requires grad cannot be changed in place while grad mode is on (PyTorch's rule).
"""
from __future__ import annotations


from .. import backend
from .. import dtypes as _dt
from ..autograd import grad_mode
from ..tensor import Tensor, _make
from ._util import broadcast_shapes, is_number, as_python_scalar

_xp = backend.get_array_module


def _check_inplace_allowed(self, fn, *others) -> bool:
    """Return True when the op must be recorded in the graph; raise when it is illegal."""
    if not grad_mode.STATE.enabled:
        return False
    if self._rg and self.grad_fn is None:
        raise RuntimeError(f"{fn}(): a leaf Variable that requires grad is being used in an "
                           "in-place operation. Wrap it in `with minitorch.no_grad():` (as "
                           "optimizers do) or work on a copy.")
    record = self._rg or any(isinstance(o, Tensor) and o._rg for o in others)
    if record and self._base is not None:
        raise RuntimeError(f"{fn}(): an in-place operation on a view that takes part in autograd "
                           "is not supported in minitorch; use the out-of-place version.")
    return record


def _old(self) -> Tensor:
    """`self` as it is before a recorded in-place op: another Tensor object with the same
    array, node and version counter. The op is computed on it, so a node that saves it
    keeps the old value (and version) after `self` is rebound to the result."""
    t = _make(self._data, self._rg, self.grad_fn, self._out_idx)
    t._vc = self._vc
    return t


def _rebind(self, new: Tensor) -> Tensor:
    if new._data.dtype != self._data.dtype:  # float32.mul_(float64 tensor) stays float32
        new = new.to(self.dtype)
    self._data = new._data
    self.grad_fn = new.grad_fn
    self._out_idx = new._out_idx
    self._rg = new._rg
    # self now holds a new array: it gets its own counter, one past the old one (which
    # stays with the old array, its views and whatever saved it)
    self._vc = [self._vc[0] + 1]
    return self


def _operand_array(self, other, fn):
    if isinstance(other, Tensor):
        d = other._data
        if type(d) is not type(self._data):
            raise RuntimeError(f"{fn}(): expected both tensors on the same device, got "
                               f"{self.device} and {other.device}")
        if broadcast_shapes(self._data.shape, d.shape, fn) != self._data.shape:
            raise RuntimeError(f"{fn}(): output with shape {list(self.shape)} doesn't match the "
                               f"broadcast shape {list(broadcast_shapes(self._data.shape, d.shape, fn))}")
    elif is_number(other):
        other = as_python_scalar(other)
    else:
        raise TypeError(f"{fn}(): expected a Tensor or a number, got {type(other).__name__}")
    rt = _dt.result_type(self, other)
    # PyTorch's canCast: a result may narrow within its category (float64 into float32,
    # int64 into int32) but not go down one (float into int, int into bool)
    if rt._category > self.dtype._category:
        raise RuntimeError(f"{fn}(): result type {rt.name} can't be cast to the desired output "
                           f"type {self.dtype.name}")
    return other._data if isinstance(other, Tensor) else other


def _write(self, fn, ufunc, other):
    arr = self._data
    if not arr.flags.writeable:
        raise RuntimeError(f"{fn}(): this tensor is a read-only view (from expand or "
                           "broadcast_to); clone() it before writing in place")
    ufunc(arr, other, out=arr, casting="unsafe")
    self._vc[0] += 1
    return self


def add_(self, other, *, alpha=1):
    if _check_inplace_allowed(self, "add_", other):
        _operand_array(self, other, "add_")
        old = _old(self)
        return _rebind(self, old.add(old if other is self else other, alpha=alpha))
    o = _operand_array(self, other, "add_")
    if alpha != 1:
        o = o * alpha
    return _write(self, "add_", _xp(self._data).add, o)


def sub_(self, other, *, alpha=1):
    if _check_inplace_allowed(self, "sub_", other):
        _operand_array(self, other, "sub_")
        old = _old(self)
        return _rebind(self, old.sub(old if other is self else other, alpha=alpha))
    o = _operand_array(self, other, "sub_")
    if alpha != 1:
        o = o * alpha
    return _write(self, "sub_", _xp(self._data).subtract, o)


def mul_(self, other):
    if _check_inplace_allowed(self, "mul_", other):
        _operand_array(self, other, "mul_")
        old = _old(self)
        return _rebind(self, old.mul(old if other is self else other))
    return _write(self, "mul_", _xp(self._data).multiply, _operand_array(self, other, "mul_"))


def div_(self, other):
    if self._data.dtype.kind != "f":
        raise RuntimeError(f"div_(): result type Float can't be cast to the desired output type "
                           f"{self.dtype.name}")
    if _check_inplace_allowed(self, "div_", other):
        _operand_array(self, other, "div_")
        old = _old(self)
        return _rebind(self, old.div(old if other is self else other))
    return _write(self, "div_", _xp(self._data).true_divide, _operand_array(self, other, "div_"))


def fill_(self, value):
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"fill_(): only supports 0-dimension value tensor but got tensor "
                               f"with {value.ndim} dimensions.")
    if _check_inplace_allowed(self, "fill_", value):
        from .elementwise import where
        xp = _xp(self._data)
        always = Tensor(xp.ones(self._data.shape, dtype=bool))
        return _rebind(self, where(always, value, _old(self)))
    if not self._data.flags.writeable:
        raise RuntimeError("fill_(): this tensor is a read-only view; clone() it first")
    v = value._data if isinstance(value, Tensor) else value
    self._data[...] = v
    self._vc[0] += 1
    return self


def zero_(self):
    return fill_(self, 0)


def copy_(self, src, non_blocking=False):
    """Copy src's values into self (broadcasting src; converting dtype and device).
    The gradient flows to src; self's old value gets none."""
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'src' must be Tensor, not {type(src).__name__}")
    shape = self._data.shape
    if broadcast_shapes(shape, src._data.shape, "copy_") != shape:
        raise RuntimeError(f"copy_(): src of shape {list(src.shape)} can't be broadcast to "
                           f"{list(shape)}")
    if _check_inplace_allowed(self, "copy_", src):
        new = src.to(device=self.device, dtype=self.dtype).expand(shape).clone()
        return _rebind(self, new)
    if not self._data.flags.writeable:
        raise RuntimeError("copy_(): this tensor is a read-only view; clone() it first")
    self._data[...] = backend.transfer(src._data, self.device)
    self._vc[0] += 1
    return self


def clamp_(self, min=None, max=None):
    if _check_inplace_allowed(self, "clamp_", min, max):
        return _rebind(self, _old(self).clamp(min, max))
    xp = _xp(self._data)
    lo = min._data if isinstance(min, Tensor) else min
    hi = max._data if isinstance(max, Tensor) else max
    if lo is not None:
        xp.maximum(self._data, lo, out=self._data, casting="unsafe")
    if hi is not None:
        xp.minimum(self._data, hi, out=self._data, casting="unsafe")
    self._vc[0] += 1
    return self
