"""In-place operations: add_, sub_, mul_, div_, zero_, fill_, copy_, clamp_, the family of
every other math op's in-place form (sin_, pow_, eq_, lerp_, ... generated from one table:
the out-of-place function stored back), and the shape ones (unsqueeze_, t_, resize_, ...).

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


import numpy as np

from .. import backend
from .. import dtypes as _dt
from ..autograd import grad_mode
from ..autograd.function import Function
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
    if _recorded(self, "add_", other):
        _operand_array(self, other, "add_")
        return _record_compute(self, "add_", lambda old: old.add(old if other is self else other, alpha=alpha))
    o = _operand_array(self, other, "add_")
    if alpha != 1:
        o = o * alpha
    return _write(self, "add_", _xp(self._data).add, o)


def sub_(self, other, *, alpha=1):
    if _recorded(self, "sub_", other):
        _operand_array(self, other, "sub_")
        return _record_compute(self, "sub_", lambda old: old.sub(old if other is self else other, alpha=alpha))
    o = _operand_array(self, other, "sub_")
    if alpha != 1:
        o = o * alpha
    return _write(self, "sub_", _xp(self._data).subtract, o)


def mul_(self, other):
    if _recorded(self, "mul_", other):
        _operand_array(self, other, "mul_")
        return _record_compute(self, "mul_", lambda old: old.mul(old if other is self else other))
    return _write(self, "mul_", _xp(self._data).multiply, _operand_array(self, other, "mul_"))


def div_(self, other):
    if self._data.dtype.kind != "f":
        raise RuntimeError(f"div_(): result type Float can't be cast to the desired output type "
                           f"{self.dtype.name}")
    if _recorded(self, "div_", other):
        _operand_array(self, other, "div_")
        return _record_compute(self, "div_", lambda old: old.div(old if other is self else other))
    return _write(self, "div_", _xp(self._data).true_divide, _operand_array(self, other, "div_"))


def fill_(self, value):
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"fill_(): only supports 0-dimension value tensor but got tensor "
                               f"with {value.ndim} dimensions.")
    if _recorded(self, "fill_", value):
        from .elementwise import where
        xp = _xp(self._data)
        always = Tensor(xp.ones(self._data.shape, dtype=bool))
        return _record_compute(self, "fill_", lambda old: where(always, value, old))
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
    if _recorded(self, "copy_", src):
        return _record_compute(self, "copy_", lambda old: src.to(
            device=self.device, dtype=self.dtype).expand(shape).clone())
    if not self._data.flags.writeable:
        raise RuntimeError("copy_(): this tensor is a read-only view; clone() it first")
    self._data[...] = backend.transfer(src._data, self.device)
    self._vc[0] += 1
    return self


def clamp_(self, min=None, max=None):
    if self._data.dtype.kind != "f" or any(isinstance(b, Tensor) for b in (min, max)):
        # the dtype rules of clamp() apply (an int tensor cannot take a float bound)
        return _apply_inplace(self, "clamp_", lambda t: t.clamp(min, max), min, max)
    if _recorded(self, "clamp_", min, max):
        return _record_compute(self, "clamp_", lambda old: old.clamp(min, max))
    xp = _xp(self._data)
    lo = min._data if isinstance(min, Tensor) else min
    hi = max._data if isinstance(max, Tensor) else max
    if lo is not None:
        xp.maximum(self._data, lo, out=self._data, casting="unsafe")
    if hi is not None:
        xp.minimum(self._data, hi, out=self._data, casting="unsafe")
    self._vc[0] += 1
    return self


# ============================================================================ the family
# Every other in-place op is its out-of-place function written back into `self`:
# `x.sin_()` is `x.sin()` stored in x. `_apply_inplace` does the storing, with PyTorch's
# rules: the result must have self's shape (self is never broadcast up) and a dtype that
# can be cast to self's (not down a category: an int tensor's sin_() raises); recorded in
# the graph like add_ above; a view taking part in autograd writes through to its base
# (the machinery of functional/indexing.py, shared with x[mask] = v).

def _kind_rank(np_dtype) -> int:
    return {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}.get(np_dtype.kind, 2)


def _conform(self, fn, new):
    """`new`, the out-of-place result, made ready to be stored in `self` (or an error)."""
    from .pointwise import torch_type_name
    if not isinstance(new, Tensor):
        raise TypeError(f"{fn}(): expected the out-of-place result to be a Tensor")
    if new._data.shape != self._data.shape:
        raise RuntimeError(f"{fn}(): output with shape {list(self.shape)} doesn't match the "
                           f"broadcast shape {list(new.shape)}")
    if _kind_rank(new._data.dtype) > _kind_rank(self._data.dtype):
        raise RuntimeError(f"{fn}(): result type {torch_type_name(new._data.dtype)} can't be "
                           f"cast to the desired output type {torch_type_name(self._data.dtype)}")
    return new


class _ConstantOf(Function):
    """out = a value computed from x with no derivative (x.eq_(y), x.sign_() on a tensor in
    the graph); dx = 0, so the graph stays connected as in PyTorch (EqBackward)."""

    @staticmethod
    def forward(ctx, x, value):
        return value

    @staticmethod
    def backward(ctx, g):
        return g * 0.0, None


def _recorded(self, fn, *others) -> bool:
    """Whether the op must be recorded; the view-aware rule of indexing.py when present."""
    try:
        from .indexing import _inplace_recorded
    except ImportError:  # pragma: no cover - indexing.py always has it
        return _check_inplace_allowed(self, fn, *others)
    return _inplace_recorded(self, fn, *others)


def _record_compute(self, fn, compute):
    """Record self = compute(self before) in the graph (rebinding self, or writing
    through its base when self is a view)."""
    def conformed(old):
        new = _conform(self, fn, compute(old))
        if new._data.dtype != self._data.dtype:
            new = new.to(self.dtype)
        if not new._rg and old._rg:
            new = _ConstantOf.apply(old, new._data)
        return new
    if self._base is not None:
        try:
            from .indexing import _apply_recorded
        except ImportError:  # pragma: no cover
            _check_inplace_allowed(self, fn)
        else:
            return _apply_recorded(self, conformed)
    return _rebind(self, conformed(_old(self)))


def _apply_inplace(self, fn, compute, *others):
    """self = compute(self), in place: the in-place form of an out-of-place function."""
    if not isinstance(self, Tensor):
        raise TypeError(f"{fn}(): argument 'input' must be Tensor, not {type(self).__name__}")
    if _recorded(self, fn, *others):
        return _record_compute(self, fn, compute)
    arr = self._data
    if not getattr(arr.flags, "writeable", True):  # (CuPy arrays have no such flag)
        raise RuntimeError(f"{fn}(): this tensor is a read-only view (from expand or "
                           "broadcast_to); clone() it before writing in place")
    with grad_mode.no_grad():
        new = _conform(self, fn, compute(self))
    arr[...] = new._data
    self._vc[0] += 1
    return self


def _family(name: str, method: str = None):
    """The in-place method `name` (e.g. "sin_"): the Tensor method `method` (by default
    `name` without the underscore) computed out of place and stored into self."""
    method = method or name[:-1]

    def inplace(self, *args, **kwargs):
        def compute(t):
            a = tuple(t if x is self else x for x in args)
            return getattr(t, method)(*a, **kwargs)
        return _apply_inplace(self, name, compute, *args, *kwargs.values())
    inplace.__name__ = inplace.__qualname__ = name
    inplace.__doc__ = (f"In-place {method}(): `x.{name}(...)` stores `x.{method}(...)` into x "
                       "(same autograd and dtype rules as add_).")
    return inplace


# unary and binary math whose in-place form is the out-of-place one stored back
_FAMILY = """
abs absolute neg negative sign sgn exp exp2 expm1 log log2 log10 log1p sqrt rsqrt
reciprocal square sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh arcsin
arccos arctan arcsinh arccosh arctanh sigmoid relu logit erf erfc erfinv lgamma digamma
polygamma mvlgamma i0 sinc deg2rad rad2deg floor ceil round trunc fix frac nan_to_num
clamp_min clamp_max clip conj_physical pow remainder fmod floor_divide atan2 arctan2 hypot
copysign heaviside nextafter ldexp xlogy igamma igammac gcd lcm lerp addcmul addcdiv
multiply subtract divide true_divide eq ne lt le gt ge greater greater_equal less
less_equal not_equal logical_and logical_or logical_xor logical_not bitwise_and bitwise_or
bitwise_xor bitwise_not bitwise_left_shift bitwise_right_shift tril triu
""".split()  # (cumsum_ and cumprod_ live with the reductions)

_METHODS_FAMILY = {n + "_": _family(n + "_") for n in _FAMILY}
globals().update(_METHODS_FAMILY)

_plain_div_ = div_


def div_(self, other, *, rounding_mode=None):
    """In-place division; with rounding_mode ('trunc' or 'floor') integer tensors stay
    integer, as PyTorch allows."""
    if rounding_mode is None:
        return _plain_div_(self, other)
    return _apply_inplace(self, "div_", lambda t: t.div(other if other is not self else t,
                                                         rounding_mode=rounding_mode), other)


def float_power_(self, exponent):
    """In place float_power: only a float64 tensor can hold its (float64) result."""
    if self._data.dtype != np.float64:
        from .pointwise import torch_type_name
        raise RuntimeError(f"float_power_(): the base given to float_power_ has dtype "
                           f"{torch_type_name(self._data.dtype)} but the operation's result "
                           "requires dtype Double")
    return _apply_inplace(self, "float_power_", lambda t: t.float_power(
        exponent if exponent is not self else t), exponent)


def clip_(self, min=None, max=None):
    return clamp_(self, min, max)


def detach_(input):
    """torch.detach_(x): x.detach_()."""
    return input.detach_()


# ============================================================================ shape in place
# These change the tensor's shape and strides, not its values: unrecorded, self takes the
# view's array (sharing memory, as in PyTorch); recorded, self is rebound to the view
# node. The version counter is bumped either way (PyTorch does).

def _reshape_inplace(self, fn, view_of):
    if _recorded(self, fn):
        new = view_of(_old(self))
        return _rebind(self, new)
    with grad_mode.no_grad():
        new = view_of(self)
    self._data = new._data
    self._vc[0] += 1
    return self


def unsqueeze_(self, dim):
    return _reshape_inplace(self, "unsqueeze_", lambda t: t.unsqueeze(dim))


def squeeze_(self, dim=None):
    return _reshape_inplace(self, "squeeze_", lambda t: t.squeeze() if dim is None
                            else t.squeeze(dim))


def t_(self):
    return _reshape_inplace(self, "t_", lambda t: t.t())


def transpose_(self, dim0, dim1):
    return _reshape_inplace(self, "transpose_", lambda t: t.transpose(dim0, dim1))


def swapaxes_(self, axis0, axis1):
    return _reshape_inplace(self, "swapaxes_", lambda t: t.transpose(axis0, axis1))


def swapdims_(self, dim0, dim1):
    return _reshape_inplace(self, "swapdims_", lambda t: t.transpose(dim0, dim1))


def _storage(arr):
    """(the flat array owning arr's memory, arr's offset into it in elements)."""
    root = arr
    while isinstance(root.base, type(arr)):
        root = root.base
    if not root.flags.c_contiguous:  # pragma: no cover - owners are contiguous
        root = arr
    data = arr.data if hasattr(arr.data, "ptr") else None
    if data is not None:  # CuPy
        offset = arr.data.ptr - root.data.ptr
    else:
        offset = arr.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    return root.reshape(-1), offset // arr.itemsize


def _sizes(args, fn):
    from ._util import parse_shape
    return parse_shape(args, fn)


def resize_(self, *sizes, memory_format=None):
    """Give self the shape `sizes`, contiguous, over the same storage from self's offset
    (growing the storage with zeros when it is too small). Values beyond the old ones are
    unspecified in PyTorch; here they are zeros."""
    shape = _sizes(sizes, "resize_")
    if self._rg:
        raise RuntimeError("resize_(): cannot resize variables that require grad")
    if any(s < 0 for s in shape):
        raise RuntimeError(f"resize_(): Trying to create tensor with negative dimension: {list(shape)}")
    if shape == self._data.shape:
        return self
    n = 1
    for s in shape:
        n *= s
    flat, off = _storage(self._data)
    xp = _xp(self._data)
    if off + n <= flat.size:
        self._data = flat[off:off + n].reshape(shape)
    else:
        new = xp.zeros(n, dtype=self._data.dtype)
        keep = min(n, flat.size - off)
        new[:keep] = flat[off:off + keep]
        self._data = new.reshape(shape)
    self._vc[0] += 1
    return self


def resize_as_(self, the_template, memory_format=None):
    """resize_ to the shape of `the_template`."""
    return resize_(self, tuple(the_template.shape))


def as_strided_(self, size, stride, storage_offset=None):
    """Make self the view of its storage with `size`, `stride` (in elements) and
    `storage_offset` (from the storage's start; default: self's own offset)."""
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError(f"as_strided_(): mismatch in length of strides and shape: "
                           f"{len(size)} vs {len(stride)}")
    flat, off = _storage(self._data)
    if storage_offset is not None:
        off = int(storage_offset)
    last = off + sum((s - 1) * st for s, st in zip(size, stride) if s > 0)
    if any(st < 0 for st in stride) or off < 0 or (all(s > 0 for s in size) and last >= flat.size):
        raise RuntimeError(f"as_strided_(): setStorage: sizes {list(size)}, strides "
                           f"{list(stride)}, storage offset {off} require more storage than "
                           f"the {flat.size} elements available")
    xp = _xp(self._data)

    def view_of(t):
        item = flat.itemsize
        arr = xp.lib.stride_tricks.as_strided(flat[off:], shape=size,
                                              strides=tuple(st * item for st in stride))
        return _make(arr)
    if _recorded(self, "as_strided_"):
        raise RuntimeError("as_strided_(): not supported on a tensor that takes part in "
                           "autograd in minitorch; use as_strided() out of place")
    return _reshape_inplace(self, "as_strided_", view_of)


EXPORTS = [
    # torch-level in-place functions (torch.sin_(x) and so on)
    "abs_", "neg_", "negative_", "exp_", "exp2_", "expm1_", "log_", "log2_", "log10_",
    "log1p_", "sqrt_", "rsqrt_", "reciprocal_", "square_", "sin_", "cos_", "tan_", "asin_",
    "acos_", "atan_", "sinh_", "cosh_", "tanh_", "asinh_", "acosh_", "atanh_", "arcsin_",
    "arccos_", "arctan_", "arcsinh_", "arccosh_", "arctanh_", "sigmoid_", "logit_",
    "relu_",  # (activation.py may export its own; the two agree)
    "erf_", "erfc_", "i0_", "sinc_", "deg2rad_", "rad2deg_", "floor_", "ceil_", "round_",
    "trunc_", "fix_", "frac_", "nan_to_num_", "clamp_", "clamp_min_", "clamp_max_", "clip_",
    "conj_physical_", "ldexp_", "xlogy_", "gcd_", "lcm_", "fill_", "zero_", "resize_as_",
    "as_strided_", "detach_",
]

TENSOR_METHODS = dict(_METHODS_FAMILY)
TENSOR_METHODS.update({
    "div_": div_, "float_power_": float_power_, "clip_": clip_,
    "unsqueeze_": unsqueeze_, "squeeze_": squeeze_, "t_": t_, "transpose_": transpose_,
    "swapaxes_": swapaxes_, "swapdims_": swapdims_, "resize_": resize_,
    "resize_as_": resize_as_, "as_strided_": as_strided_,
    # Python's augmented assignments beyond += -= *= /= (kept in _tensor_methods.py)
    "__ifloordiv__": _METHODS_FAMILY["floor_divide_"],
    "__imod__": _METHODS_FAMILY["remainder_"],
    "__ipow__": _METHODS_FAMILY["pow_"],
    "__iand__": _METHODS_FAMILY["bitwise_and_"],
    "__ior__": _METHODS_FAMILY["bitwise_or_"],
    "__ixor__": _METHODS_FAMILY["bitwise_xor_"],
    "__ilshift__": _METHODS_FAMILY["bitwise_left_shift_"],
    "__irshift__": _METHODS_FAMILY["bitwise_right_shift_"],
})
