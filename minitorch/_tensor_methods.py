"""Attach the functions of minitorch.functional to Tensor as methods and operators.

`x.exp()` is `functional.exp(x)`, `x + y` is `functional.add(x, y)`, and so on: one
implementation, two spellings, as in PyTorch. The arithmetic operators have a fast path
for the common case (same dtype and shape, or a float tensor and a Python number) that
skips dtype promotion; everything else goes through the full function.
"""
from __future__ import annotations

import operator

import numpy as np

from . import backend
from . import dtypes as _dt
from ._format import tensor_repr
from .tensor import Tensor, _make
from .autograd.grad_mode import STATE as _STATE
from .autograd.function import Function
from .functional import elementwise as E
from .functional import reduction as R
from .functional import shape as S
from .functional import indexing as I
from .functional import linalg as L
from .functional import activation as A
from .functional import comparison as C
from .functional import inplace as IP

_ndarray = np.ndarray


def _fast_binary(cls, array_op, slow, name):
    """An operator with a fast path for the common case: both Tensors of one float dtype,
    shape and device, or a float Tensor and a Python int/float (which stays weak). Then no
    dtype promotion or broadcast check is needed, and:
    - if the graph must record the op, `cls.apply` is called directly;
    - otherwise (no input requires grad, or grad mode is off as inside backward) the op is
      just `array_op` on the arrays: the same computation as `cls.forward`, with no node.
    Everything else goes through the full function `slow`."""
    def op(self, other):
        a = self._data
        if type(other) is Tensor:
            b = other._data
            if a.dtype is b.dtype and a.shape == b.shape and a.dtype.kind == "f" and \
                    type(a) is type(b):
                if (self._rg or other._rg) and _STATE.enabled:
                    return cls.apply(self, other)
                return _wrap(array_op(a, b))
        elif (type(other) is float or type(other) is int) and a.dtype.kind == "f":
            if self._rg and _STATE.enabled:
                return cls.apply(self, other)
            return _wrap(array_op(a, other))
        return slow(self, other)
    op.__name__ = name
    return op


def _fast_reflected(cls, array_op, slow, name):
    """`other <op> self` for a Python number `other`; fast paths as in _fast_binary."""
    def op(self, other):
        a = self._data
        if (type(other) is float or type(other) is int) and a.dtype.kind == "f":
            if self._rg and _STATE.enabled:
                return cls.apply(other, self)
            return _wrap(array_op(other, a))
        return slow(other, self)
    op.__name__ = name
    return op


def _wrap(out):
    """A constant Tensor for an operator's result. NumPy gives a scalar, not an array,
    for 0-d operands; Function.apply would make it a 0-d array, and so do we."""
    if type(out) is not _ndarray and isinstance(out, np.generic):
        out = np.asarray(out)  # host: np.generic only, never CuPy
    return _make(out)


T = Tensor
T.__add__ = _fast_binary(E.Add, operator.add, E.add, "__add__")
T.__radd__ = _fast_reflected(E.Add, operator.add, E.add, "__radd__")
T.__sub__ = _fast_binary(E.Sub, operator.sub, E.sub, "__sub__")
T.__rsub__ = _fast_reflected(E.Sub, operator.sub, E.sub, "__rsub__")
T.__mul__ = _fast_binary(E.Mul, operator.mul, E.mul, "__mul__")
T.__rmul__ = _fast_reflected(E.Mul, operator.mul, E.mul, "__rmul__")
T.__truediv__ = _fast_binary(E.Div, operator.truediv, E.div, "__truediv__")
T.__rtruediv__ = _fast_reflected(E.Div, operator.truediv, E.div, "__rtruediv__")
T.__floordiv__ = lambda self, other: E.div(self, other, rounding_mode="floor")
T.__rfloordiv__ = lambda self, other: E.div(other, self, rounding_mode="floor")
T.__mod__ = lambda self, other: E.remainder(self, other)
T.__rmod__ = lambda self, other: E.remainder(other, self)
T.__pow__ = lambda self, other: E.pow(self, other)
T.__rpow__ = lambda self, other: E.pow(other, self)
T.__matmul__ = lambda self, other: L.matmul(self, other)
T.__rmatmul__ = lambda self, other: L.matmul(other, self)


def _neg(self):
    a = self._data
    if a.dtype.kind == "f":
        if self._rg and _STATE.enabled:
            return E.Neg.apply(self)
        return _wrap(-a)  # no graph to record: just Neg.forward
    return E.neg(self)


T.__neg__ = _neg
T.__pos__ = lambda self: self
T.__abs__ = lambda self: E.abs(self)

T.__eq__ = lambda self, other: C.eq(self, other) if _comparable(other) else False
T.__ne__ = lambda self, other: C.ne(self, other) if _comparable(other) else True
T.__lt__ = C.lt
T.__le__ = C.le
T.__gt__ = C.gt
T.__ge__ = C.ge
T.__and__ = C.bitwise_and
T.__rand__ = lambda self, other: C.bitwise_and(other, self)
T.__or__ = C.bitwise_or
T.__ror__ = lambda self, other: C.bitwise_or(other, self)
T.__xor__ = C.bitwise_xor
T.__rxor__ = lambda self, other: C.bitwise_xor(other, self)
T.__invert__ = C.bitwise_not
T.__hash__ = lambda self: id(self)
T.__array_ufunc__ = None  # NumPy defers to Tensor's reflected operators

T.__iadd__ = lambda self, other: IP.add_(self, other)
T.__isub__ = lambda self, other: IP.sub_(self, other)
T.__imul__ = lambda self, other: IP.mul_(self, other)
T.__itruediv__ = lambda self, other: IP.div_(self, other)

T.__getitem__ = I.getitem
T.__setitem__ = I.setitem
T.__repr__ = tensor_repr
T.__str__ = tensor_repr


def _comparable(other):
    return isinstance(other, Tensor) or isinstance(other, (int, float, bool, np.generic))


def _iter(self):
    if self.ndim == 0:
        raise TypeError("iteration over a 0-d tensor")
    return (self[i] for i in range(self._data.shape[0]))


T.__iter__ = _iter
T.__contains__ = lambda self, item: bool((self == item).any())

# ---------------------------------------------------------------------------- methods
_METHODS = {
    # arithmetic
    "add": E.add, "sub": E.sub, "subtract": E.sub, "mul": E.mul, "multiply": E.mul,
    "div": E.div, "divide": E.div, "true_divide": E.true_divide, "pow": E.pow, "neg": E.neg,
    "negative": E.neg, "remainder": E.remainder,
    # unary
    "exp": E.exp, "log": E.log, "log1p": E.log1p, "expm1": E.expm1, "sqrt": E.sqrt,
    "rsqrt": E.rsqrt, "abs": E.abs, "sign": E.sign, "sin": E.sin, "cos": E.cos,
    "tanh": E.tanh, "sigmoid": E.sigmoid, "relu": E.relu, "reciprocal": E.reciprocal,
    "clamp": E.clamp, "clip": E.clamp, "maximum": E.maximum, "minimum": E.minimum,
    # reductions
    "sum": R.sum, "mean": R.mean, "prod": R.prod, "max": R.max, "min": R.min,
    "amax": R.amax, "amin": R.amin, "argmax": R.argmax, "argmin": R.argmin, "var": R.var,
    "std": R.std, "logsumexp": R.logsumexp, "norm": R.norm, "cumsum": R.cumsum,
    "softmax": A.softmax, "log_softmax": A.log_softmax,
    # linear algebra
    "matmul": L.matmul, "mm": L.mm, "bmm": L.bmm, "dot": L.dot, "outer": L.outer,
    # shape
    "reshape": S.reshape, "view": S.view, "flatten": S.flatten, "unflatten": S.unflatten,
    "permute": S.permute, "transpose": S.transpose, "swapaxes": S.swapaxes,
    "swapdims": S.transpose, "t": S.t, "squeeze": S.squeeze, "unsqueeze": S.unsqueeze,
    "expand": S.expand, "expand_as": S.expand_as, "broadcast_to": S.broadcast_to,
    "repeat": S.repeat, "split": S.split, "chunk": S.chunk, "unbind": S.unbind,
    "narrow": S.narrow, "select": S.select, "flip": S.flip, "fliplr": S.fliplr,
    "flipud": S.flipud, "tril": S.tril, "triu": S.triu, "movedim": S.movedim,
    # indexing
    "gather": I.gather, "index_select": I.index_select, "masked_fill": I.masked_fill,
    "scatter_add": I.scatter_add,
    # comparisons and logic
    "eq": C.eq, "ne": C.ne, "lt": C.lt, "le": C.le, "gt": C.gt, "ge": C.ge,
    "greater": C.gt, "less": C.lt, "logical_and": C.logical_and, "logical_or": C.logical_or,
    "logical_xor": C.logical_xor, "logical_not": C.logical_not, "isnan": C.isnan,
    "isinf": C.isinf, "isfinite": C.isfinite, "any": C.any, "all": C.all,
    "allclose": C.allclose, "isclose": C.isclose, "equal": C.equal,
    # in place
    "add_": IP.add_, "sub_": IP.sub_, "mul_": IP.mul_, "div_": IP.div_, "zero_": IP.zero_,
    "fill_": IP.fill_, "copy_": IP.copy_, "clamp_": IP.clamp_,
}
# Modules may also name the methods they add in a `TENSOR_METHODS` dict of their own.
from .functional import pointwise as _PW, sorting as _SO, decomposition as _DE  # noqa: E402
from .functional import removed as _RM  # noqa: E402
from . import creation as _CR  # noqa: E402  (the in-place samplers: random_, bernoulli_, ...)
from .functional import sparse_coo as _SPC  # noqa: E402  (to_sparse, coalesce, values, ...)
for _mod in (E, R, S, I, L, A, C, IP, _PW, _SO, _DE, _CR, _RM, _SPC):
    _METHODS.update(getattr(_mod, "TENSOR_METHODS", {}))
from ._aliases import accept_numpy_names as _numpy_names  # noqa: E402
for _name, _fn in _METHODS.items():
    setattr(T, _name, _numpy_names(_fn))  # also axis= / keepdims=, as PyTorch accepts


def _where(self, condition, other):
    return E.where(condition, self, other)


T.where = _where
T.T = property(lambda self: S.permute(self, tuple(reversed(range(self.ndim)))))
T.mT = property(lambda self: S.transpose(self, -2, -1) if self.ndim >= 2 else _need_2d("mT"))


def _need_2d(name):
    raise RuntimeError(f"tensor.{name} is only supported on matrices or batches of matrices. "
                       "Got 1-D tensor.")


# ---------------------------------------------------------------------------- conversions
def clone(self, *, memory_format=None):
    return E.Clone.apply(self)


def contiguous(self, memory_format=None):
    if self._data.flags.c_contiguous:
        return self
    return E.Contiguous.apply(self)


def to(self, *args, dtype=None, device=None, copy=False, non_blocking=False,
       memory_format=None):
    """to(dtype), to(device), to(device, dtype), to(other_tensor); differentiable.
    `memory_format` is accepted and ignored (minitorch arrays are row-major, NCHW)."""
    for a in args:
        if isinstance(a, Tensor):
            dtype, device = a.dtype, a.device
        elif isinstance(a, _dt.dtype) or a in (float, int, bool) or isinstance(a, np.dtype):
            dtype = a
        elif isinstance(a, (str, backend.device, int)):
            device = a
        else:
            raise TypeError(f"to(): expected a dtype, a device or a Tensor, got {a!r}")
    out = self
    if device is not None:
        dev = backend.to_device(device, "to")
        if dev != self.device or (dev.type == "cuda" and
                                  (dev.index or 0) != (self.device.index or 0)):
            out = E.ToDevice.apply(out, dev)
    if dtype is not None:
        d = _dt.to_dtype(dtype, "to")
        if d.np != out._data.dtype:
            out = E.Cast.apply(out, d.np)
        if d is _dt.bfloat16:
            _dt.warn_bfloat16_stand_in()
            out = RoundToBFloat16.apply(out)
    if copy and out is self:
        out = clone(self)
    return out


class RoundToBFloat16(Function):
    """The cast to bfloat16, which minitorch stores as float32: float32 values rounded to
    bfloat16's 8-bit mantissa, still float32. As for PyTorch's cast, the gradient passes
    through unchanged: d out / d x = 1 (a straight-through estimate of the rounding)."""

    @staticmethod
    def forward(ctx, x):
        return _dt.round_to_bfloat16(x)

    @staticmethod
    def backward(ctx, g):
        return g


def _cast_method(d):
    def method(self):
        return to(self, dtype=d)
    method.__name__ = d.name
    return method


def cpu(self):
    return to(self, device="cpu")


def cuda(self, device=None, non_blocking=False):
    if device is None:
        device = "cuda"
    elif isinstance(device, int):
        device = f"cuda:{device}"
    return to(self, device=device)


def type_as(self, tensor):
    return to(self, dtype=tensor.dtype)


def _new(fn):
    """new_zeros / new_ones / new_empty: sizes as varargs (``x.new_zeros(2, 3)``) or one
    tuple/Size; dtype and device default to this tensor's."""
    def method(self, *size, dtype=None, device=None, requires_grad=False, layout=None,
               pin_memory=False, **kw):
        from . import creation
        if "size" in kw:
            if size:
                raise TypeError(f"new_{fn}(): got multiple values for argument 'size'")
            size = (kw.pop("size"),)
        if kw:
            raise TypeError(f"new_{fn}() got an unexpected keyword argument '{next(iter(kw))}'")
        if not size:
            raise TypeError(f"new_{fn}() missing 1 required positional argument: 'size'")
        return getattr(creation, fn)(*size, dtype=dtype or self.dtype,
                                     device=device or self.device, requires_grad=requires_grad)
    method.__name__ = "new_" + fn
    return method


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False,
             layout=None, pin_memory=False):
    from . import creation
    return creation.full(size, fill_value, dtype=dtype or self.dtype,
                         device=device or self.device, requires_grad=requires_grad)


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None,
               pin_memory=False):
    """A new tensor holding a copy of `data`, with this tensor's dtype and device unless
    given (``x.new_tensor([1, 2])`` is float32 for a float32 x)."""
    from . import creation
    d = dtype or self.dtype
    out = creation.tensor(data, dtype=d, device=device or self.device)
    _dt.finish_cast(out, _dt.to_dtype(d, "new_tensor"))
    return out.requires_grad_(requires_grad) if requires_grad else out


def new(self, *args, device=None):
    """The legacy ``x.new(...)``: ``x.new(2, 3)`` uninitialized, ``x.new(data)`` a copy,
    ``x.new()`` empty; with x's dtype and device."""
    from ._tensor_types import legacy_new
    return legacy_new(args, self.dtype, device or self.device, "new")


def _type(self, dtype=None, non_blocking=False, **kwargs):
    """``x.type()`` is PyTorch's type string ("torch.FloatTensor", "torch.cuda.LongTensor";
    PyTorch's names rather than minitorch's, because programs compare it with those
    literals). ``x.type(t)`` converts to `t`, a dtype, a legacy type
    (``minitorch.LongTensor``) or its name ("torch.DoubleTensor" or
    "minitorch.DoubleTensor"); it returns x itself when nothing changes. Differentiable."""
    from ._tensor_types import type_string, parse_type
    if dtype is None:
        dtype = kwargs.pop("dst_type", None)
    if kwargs:
        raise TypeError(f"type() got an unexpected keyword argument '{next(iter(kwargs))}'")
    if dtype is None:
        return type_string(self)
    d, dev = parse_type(dtype, "type")
    return to(self, dtype=d, device=dev)


def uniform_(self, a=0.0, b=1.0, *, generator=None, **kwargs):
    """Fill with draws from U(a, b) (an initializer: no gradient). PyTorch's keyword
    names ``from``/``to`` are accepted too."""
    from . import random
    a = kwargs.pop("from", a)
    b = kwargs.pop("to", b)
    if kwargs:
        raise TypeError(f"uniform_() got an unexpected keyword argument {next(iter(kwargs))!r}")
    _check_sampler_target(self, "uniform_", "check_uniform_bounds")
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                           f"from={a} > to={b}")
    return _fill_from(self, random.rng(generator).uniform(a, b, self._data.shape))


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill with draws from N(mean, std^2) (an initializer: no gradient)."""
    from . import random
    _check_sampler_target(self, "normal_", "normal_kernel_cpu")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    vals = random.rng(generator).normal(mean, std, self._data.shape)
    return _fill_from(self, vals)


def _check_sampler_target(self, fn, kernel):
    """PyTorch's checks before an in-place draw: floating dtype, and no leaf that requires
    grad while grad mode is on (initializers run under no_grad or on ``.data``)."""
    if self._data.dtype.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for {self.dtype}: {fn}() '
                                  "needs a floating-point tensor")
    if self._rg and self.grad_fn is None and _STATE.enabled:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           f"operation ({fn}).")


def _fill_from(self, values):
    from .autograd.grad_mode import no_grad
    with no_grad():
        # host: values drawn by minitorch.random; copy_ moves them to self's device
        return IP.copy_(self, Tensor(np.asarray(values, dtype=self._data.dtype)))


for _fn in (clone, contiguous, to, cpu, cuda, type_as, new_full, new_tensor, new,
            uniform_, normal_):
    setattr(T, _fn.__name__, _fn)
T.type = _type
for _name, _d in (("float", _dt.float32), ("double", _dt.float64), ("half", _dt.float16),
                  ("bfloat16", _dt.bfloat16), ("long", _dt.int64), ("int", _dt.int32),
                  ("short", _dt.int16), ("char", _dt.int8), ("byte", _dt.uint8),
                  ("bool", _dt.bool_), ("cfloat", _dt.complex64),
                  ("cdouble", _dt.complex128), ("chalf", _dt.complex32)):
    setattr(T, _name, _cast_method(_d))

# PyTorch shows a Python number operand of these as (None, 0) in next_functions
for _cls in (E.Add, E.Sub, E.Mul, E.Div):
    _cls._shows_numbers = True
T.new_zeros = _new("zeros")
T.new_ones = _new("ones")
T.new_empty = _new("empty")
