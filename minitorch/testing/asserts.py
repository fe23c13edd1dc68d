"""PyTorch's torch.testing: ``assert_close``, ``assert_allclose`` (deprecated) and
``make_tensor``.

``assert_close(actual, expected)`` compares two tensors (or NumPy arrays, Python numbers,
None, and sequences / mappings of them, recursively) and raises an AssertionError worded
as PyTorch's: the attribute that differs (shape, device, dtype, layout, stride), or how many
elements are not close, with the greatest absolute and relative differences and where
they are. Values are close when

    |actual - expected| <= atol + rtol * |expected|

(inf equal to itself; NaN only with equal_nan=True), with default tolerances by dtype:

    float16 (rtol 1e-3, atol 1e-5)    bfloat16 (1.6e-2, 1e-5)    float32 (1.3e-6, 1e-5)
    float64 (1e-7, 1e-7)              complex as its real type   integers, bool: exact

(for two dtypes, the looser of the two). The values are compared on the host with NumPy.
"""
from __future__ import annotations

import cmath
import collections.abc
import contextlib
import math
import warnings

import numpy as np

__all__ = ["assert_close", "assert_allclose", "make_tensor"]


def _mt():
    import minitorch
    return minitorch


def _precisions():
    mt = _mt()
    table = {
        mt.float16: (0.001, 1e-5),
        mt.bfloat16: (0.016, 1e-5),
        mt.float32: (1.3e-6, 1e-5),
        mt.float64: (1e-7, 1e-7),
        mt.complex32: (0.001, 1e-5),
        mt.complex64: (1.3e-6, 1e-5),
        mt.complex128: (1e-7, 1e-7),
    }
    return table


class _ErrorMeta(Exception):
    """A failed check: the exception type and message to raise, and where in a nested
    input it happened (the keys / indices)."""

    def __init__(self, type, msg, *, id=()):
        super().__init__(msg)
        self.type = type
        self.msg = msg
        self.id = id

    def to_error(self, msg=None) -> Exception:
        if not isinstance(msg, str):
            generated = self.msg
            if self.id:
                generated += ("\n\nThe failure occurred for item "
                              f"{''.join(str([item]) for item in self.id)}")
            msg = msg(generated) if callable(msg) else generated
        return self.type(msg)


class _Unsupported(Exception):
    """This kind of pair cannot handle the inputs: try the next kind."""


# ---------------------------------------------------------------------------- tolerances
def _default_tolerances(*dtypes, table=None):
    table = table or _precisions()
    rtols, atols = zip(*[table.get(d, (0.0, 0.0)) for d in dtypes])
    return max(rtols), max(atols)


def _tolerances(*dtypes, rtol, atol, id=()):
    if (rtol is None) ^ (atol is None):
        raise _ErrorMeta(ValueError, "Both 'rtol' and 'atol' must be either specified or "
                         f"omitted, but got no {'rtol' if rtol is None else 'atol'}.", id=id)
    if rtol is not None:
        return rtol, atol
    return _default_tolerances(*dtypes)


# ---------------------------------------------------------------------------- messages
def _mismatch_msg(*, default_identifier, identifier=None, extra=None, abs_diff,
                  abs_diff_idx=None, atol, rel_diff, rel_diff_idx=None, rtol) -> str:
    equality = rtol == 0 and atol == 0

    def diff_msg(kind, diff, idx, tol):
        if idx is None:
            msg = f"{kind.title()} difference: {diff}"
        else:
            msg = f"Greatest {kind} difference: {diff} at index {idx}"
        if not equality:
            msg += f" (up to {tol} allowed)"
        return msg + "\n"

    if identifier is None:
        identifier = default_identifier
    elif callable(identifier):
        identifier = identifier(default_identifier)
    msg = f"{identifier} are not {'equal' if equality else 'close'}!\n\n"
    if extra:
        msg += f"{extra.strip()}\n"
    msg += diff_msg("absolute", abs_diff, abs_diff_idx, atol)
    msg += diff_msg("relative", rel_diff, rel_diff_idx, rtol)
    return msg.strip()


def _scalar_mismatch_msg(actual, expected, *, rtol, atol) -> str:
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _mismatch_msg(default_identifier="Scalars",
                         extra=f"Expected {expected} but got {actual}.", abs_diff=abs_diff,
                         atol=atol, rel_diff=rel_diff, rtol=rtol)


def _tensor_mismatch_msg(actual: np.ndarray, expected: np.ndarray, matches: np.ndarray, *,
                         rtol, atol) -> str:
    total = matches.size
    mismatches = total - int(matches.sum())
    extra = f"Mismatched elements: {mismatches} / {total} ({mismatches / total:.1%})"
    a = actual.reshape(-1)
    e = expected.reshape(-1)
    m = matches.reshape(-1)
    exact = not np.issubdtype(a.dtype, np.inexact)
    if exact:                           # as PyTorch: integers and bools compared as int64
        a = a.astype(np.int64)
        e = e.astype(np.int64)
    with np.errstate(all="ignore"):
        abs_diff = np.abs(a - e)
        abs_diff[m] = 0
        abs_idx = int(np.argmax(abs_diff))
        # integer division gives the default float dtype in PyTorch
        rel_diff = (abs_diff.astype(np.float32) / np.abs(e).astype(np.float32) if exact
                    else abs_diff / np.abs(e))
        rel_diff[m] = 0
        rel_idx = int(np.argmax(rel_diff))
    return _mismatch_msg(default_identifier="Tensor-likes", extra=extra,
                         abs_diff=abs_diff[abs_idx].item(),
                         abs_diff_idx=_unravel(abs_idx, matches.shape), atol=atol,
                         rel_diff=rel_diff[rel_idx].item(),
                         rel_diff_idx=_unravel(rel_idx, matches.shape), rtol=rtol)


def _unravel(flat_index: int, shape) -> tuple:
    return tuple(int(i) for i in np.unravel_index(flat_index, shape)) if shape else ()


# ---------------------------------------------------------------------------- pairs
class _Pair:
    def __init__(self, actual, expected, *, id=(), **options):
        self.actual = actual
        self.expected = expected
        self.id = id

    def fail(self, type, msg):
        raise _ErrorMeta(type, msg, id=self.id)


class _NonePair(_Pair):
    def __init__(self, actual, expected, **options):
        if not (actual is None or expected is None):
            raise _Unsupported
        super().__init__(actual, expected, **options)

    def compare(self):
        if not (self.actual is None and self.expected is None):
            self.fail(AssertionError, f"None mismatch: {self.actual} is not {self.expected}")


class _BooleanPair(_Pair):
    def __init__(self, actual, expected, **options):
        if not all(isinstance(x, (bool, np.bool_)) for x in (actual, expected)):
            raise _Unsupported
        super().__init__(bool(actual), bool(expected), **options)

    def compare(self):
        if self.actual is not self.expected:
            self.fail(AssertionError,
                      f"Booleans mismatch: {self.actual} is not {self.expected}")


class _NumberPair(_Pair):
    _TYPES = {int: "int64", float: "float64", complex: "complex128"}

    def __init__(self, actual, expected, *, id=(), rtol=None, atol=None, equal_nan=False,
                 check_dtype=False, **options):
        if not all(isinstance(x, (int, float, complex, np.number)) and not isinstance(x, bool)
                   for x in (actual, expected)):
            raise _Unsupported
        actual, expected = (x.item() if isinstance(x, np.number) else x
                            for x in (actual, expected))
        super().__init__(actual, expected, id=id)
        mt = _mt()
        self.rtol, self.atol = _tolerances(
            *[getattr(mt, self._TYPES[type(x)]) for x in (actual, expected)],
            rtol=rtol, atol=atol, id=id)
        self.equal_nan = equal_nan
        self.check_dtype = check_dtype

    def compare(self):
        a, e = self.actual, self.expected
        if self.check_dtype and type(a) is not type(e):
            self.fail(AssertionError,
                      f"The (d)types do not match: {type(a)} != {type(e)}.")
        if a == e:
            return
        if self.equal_nan and cmath.isnan(a) and cmath.isnan(e):
            return
        abs_diff = abs(a - e)
        if cmath.isfinite(abs_diff) and abs_diff <= self.atol + self.rtol * abs(e):
            return
        self.fail(AssertionError, _scalar_mismatch_msg(a, e, rtol=self.rtol, atol=self.atol))


class _TensorLikePair(_Pair):
    def __init__(self, actual, expected, *, id=(), allow_subclasses=True, rtol=None,
                 atol=None, equal_nan=False, check_device=True, check_dtype=True,
                 check_layout=True, check_stride=False, **options):
        if not (isinstance(actual, type(expected)) or isinstance(expected, type(actual))):
            raise _Unsupported
        if not allow_subclasses and type(actual) is not type(expected):
            raise _Unsupported
        actual, expected = (self._to_tensor(x) for x in (actual, expected))
        super().__init__(actual, expected, id=id)
        self.rtol, self.atol = _tolerances(actual.dtype, expected.dtype, rtol=rtol, atol=atol,
                                           id=id)
        self.equal_nan = equal_nan
        self.check_device = check_device
        self.check_dtype = check_dtype
        self.check_layout = check_layout
        self.check_stride = check_stride

    @staticmethod
    def _to_tensor(x):
        mt = _mt()
        if isinstance(x, mt.Tensor):
            return x
        try:
            return mt.as_tensor(x)
        except Exception:
            raise _Unsupported from None

    def compare(self):
        a, e = self.actual, self.expected
        self._compare_attributes(a, e)
        self._compare_values(*self._equalize(a, e))

    def _compare_attributes(self, a, e):
        def mismatch(name, x, y):
            self.fail(AssertionError,
                      f"The values for attribute '{name}' do not match: {x} != {y}.")

        if a.shape != e.shape:
            mismatch("shape", a.shape, e.shape)
        if a.layout != e.layout:
            if self.check_layout:
                mismatch("layout", a.layout, e.layout)
        elif self.check_stride and a.stride() != e.stride():
            mismatch("stride()", a.stride(), e.stride())
        if self.check_device and a.device != e.device:
            mismatch("device", a.device, e.device)
        if self.check_dtype and a.dtype != e.dtype:
            mismatch("dtype", a.dtype, e.dtype)

    @staticmethod
    def _equalize(a, e):
        """Host NumPy arrays of one common dtype."""
        mt = _mt()
        if a.dtype != e.dtype:
            dtype = mt.promote_types(a.dtype, e.dtype)
            a, e = a.to(dtype), e.to(dtype)
        return (np.asarray(a.detach().cpu().numpy()), np.asarray(e.detach().cpu().numpy()))

    def _compare_values(self, a: np.ndarray, e: np.ndarray):
        rtol, atol = self.rtol, self.atol
        if a.dtype == np.bool_ or (rtol == 0 and atol == 0 and not _inexact(a)):
            matches = a == e
        else:
            with np.errstate(all="ignore"):
                matches = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=self.equal_nan)
        if bool(np.all(matches)):
            return
        if a.shape == ():
            self.fail(AssertionError,
                      _scalar_mismatch_msg(a.item(), e.item(), rtol=rtol, atol=atol))
        self.fail(AssertionError, _tensor_mismatch_msg(a, e, np.asarray(matches), rtol=rtol,
                                                       atol=atol))


def _inexact(a: np.ndarray) -> bool:
    return np.issubdtype(a.dtype, np.inexact)


_PAIR_TYPES = (_NonePair, _BooleanPair, _NumberPair, _TensorLikePair)


def _originate_pairs(actual, expected, *, id=(), **options):
    seq, mapping = collections.abc.Sequence, collections.abc.Mapping
    if (isinstance(actual, seq) and not isinstance(actual, str)
            and isinstance(expected, seq) and not isinstance(expected, str)):
        if len(actual) != len(expected):
            raise _ErrorMeta(AssertionError, "The length of the sequences mismatch: "
                             f"{len(actual)} != {len(expected)}", id=id)
        pairs = []
        for i in range(len(actual)):
            pairs.extend(_originate_pairs(actual[i], expected[i], id=(*id, i), **options))
        return pairs
    if isinstance(actual, mapping) and isinstance(expected, mapping):
        a_keys, e_keys = set(actual.keys()), set(expected.keys())
        if a_keys != e_keys:
            raise _ErrorMeta(AssertionError,
                             "The keys of the mappings do not match:\n"
                             f"Missing keys in the actual mapping: {sorted(e_keys - a_keys)}\n"
                             "Additional keys in the actual mapping: "
                             f"{sorted(a_keys - e_keys)}", id=id)
        keys = a_keys
        with contextlib.suppress(Exception):
            keys = sorted(keys)
        pairs = []
        for k in keys:
            pairs.extend(_originate_pairs(actual[k], expected[k], id=(*id, k), **options))
        return pairs
    for pair_type in _PAIR_TYPES:
        try:
            return [pair_type(actual, expected, id=id, **options)]
        except _Unsupported:
            continue
    raise _ErrorMeta(TypeError, "No comparison pair was able to handle inputs of type "
                     f"{type(actual)} and {type(expected)}.", id=id)


# ---------------------------------------------------------------------------- API
def assert_close(actual, expected, *, allow_subclasses: bool = True, rtol=None, atol=None,
                 equal_nan: bool = False, check_device: bool = True, check_dtype: bool = True,
                 check_layout: bool = True, check_stride: bool = False, msg=None) -> None:
    """Raise an AssertionError worded as PyTorch's when `actual` and `expected` are not
    close (module docstring). rtol and atol are given together or not at all; `msg` (a
    string, or a callable that receives the generated message) replaces the message."""
    __tracebackhide__ = True
    try:
        pairs = _originate_pairs(actual, expected, allow_subclasses=allow_subclasses,
                                 rtol=rtol, atol=atol, equal_nan=equal_nan,
                                 check_device=check_device, check_dtype=check_dtype,
                                 check_layout=check_layout, check_stride=check_stride)
    except _ErrorMeta as meta:
        raise meta.to_error(msg) from None
    for pair in pairs:
        try:
            pair.compare()
        except _ErrorMeta as meta:
            raise meta.to_error(msg) from None


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan: bool = True,
                    msg: str = "") -> None:
    """Deprecated since PyTorch 1.12 (FutureWarning): assert_close with check_dtype=False,
    equal_nan=True and looser default tolerances (float16 1e-3/1e-3, float32 1e-4/1e-5,
    float64 1e-5/1e-8); non-tensors are converted with ``minitorch.tensor``."""
    warnings.warn("`torch.testing.assert_allclose()` is deprecated since 1.12 and will be "
                  "removed in a future release. Please use `torch.testing.assert_close()` "
                  "instead. You can find detailed upgrade instructions in "
                  "https://github.com/pytorch/pytorch/issues/61844.", FutureWarning,
                  stacklevel=2)
    mt = _mt()
    if not isinstance(actual, mt.Tensor):
        actual = mt.tensor(actual)
    if not isinstance(expected, mt.Tensor):
        expected = mt.tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        rtol, atol = _default_tolerances(actual.dtype, expected.dtype, table={
            mt.float16: (1e-3, 1e-3), mt.float32: (1e-4, 1e-5), mt.float64: (1e-5, 1e-8)})
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan,
                 check_device=True, check_dtype=False, check_stride=False, msg=msg or None)


# ---------------------------------------------------------------------------- make_tensor
def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad: bool = False,
                noncontiguous: bool = False, exclude_zero: bool = False, memory_format=None):
    """A tensor of `shape` with values drawn uniformly from [low, high): by default
    [-9, 9) for floating dtypes, [-9, 10) for signed integers, [0, 10) for unsigned ones,
    and False/True for bool. `noncontiguous` gives a strided view (every other element of
    a twice-as-wide tensor), `exclude_zero` replaces zeros by 1 (integers, bool) or the
    dtype's smallest normal number (floats). Bounds outside the dtype's range are
    clamped; low >= high, a NaN bound, or requires_grad for a non-floating dtype raise a
    ValueError, as in PyTorch."""
    mt = _mt()
    if len(shape) == 1 and isinstance(shape[0], collections.abc.Sequence):
        shape = shape[0]
    shape = tuple(int(s) for s in shape)
    if noncontiguous and memory_format is not None:
        raise ValueError(f"The parameters `noncontiguous` and `memory_format` are mutually "
                         f"exclusive, but got noncontiguous={noncontiguous} and "
                         f"memory_format={memory_format}")
    floating = dtype in (mt.float16, mt.bfloat16, mt.float32, mt.float64)
    integral = dtype in (mt.uint8, mt.int8, mt.int16, mt.int32, mt.int64, mt.uint16,
                         mt.uint32, mt.uint64)
    if requires_grad and (integral or dtype is mt.bool):
        raise ValueError("`requires_grad=True` is not supported for boolean and integral "
                         f"dtypes, but got dtype={dtype}")
    noncontiguous = noncontiguous and math.prod(shape) > 1
    if noncontiguous:
        shape = (*shape[:-1], 2 * shape[-1])

    def bounds(lowest, highest, default_low, default_high, integer):
        lo = default_low if low is None else low
        hi = default_high if high is None else high
        if any(isinstance(v, float) and math.isnan(v) for v in (lo, hi)):
            raise ValueError(f"`low` and `high` cannot be NaN, but got low={lo} and high={hi}")
        if lo == hi and not integer:
            warnings.warn("Passing `low==high` to `torch.testing.make_tensor` for floating or "
                          "complex types is deprecated since 2.1 and will be removed in 2.3. "
                          "Use `torch.full(...)` instead.", FutureWarning, stacklevel=3)
        elif lo >= hi:
            raise ValueError(f"`low` must be less than `high`, but got {lo} >= {hi}")
        elif hi < lowest or lo >= highest:
            raise ValueError(f"The value interval specified by `low` and `high` is [{lo}, "
                             f"{hi}), but {dtype} only supports [{lowest}, {highest})")
        lo, hi = min(max(lo, lowest), highest), min(max(hi, lowest), highest)
        return (math.ceil(lo), math.ceil(hi)) if integer else (lo, hi)

    if dtype is mt.bool:
        lo, hi = bounds(0, 2, 0, 2, True)
        result = mt.randint(lo, hi, shape, dtype=dtype, device=device)
    elif integral:
        info = mt.iinfo(dtype)
        lo, hi = bounds(info.min, info.max + (1 if dtype is not mt.int64 else 0), -9, 10, True)
        result = mt.randint(lo, hi, shape, dtype=dtype, device=device)
    elif floating:
        info = mt.finfo(dtype)
        lo, hi = bounds(info.min, info.max, -9, 9, False)
        result = _uniform(shape, lo, hi, dtype, device)
    else:   # complex dtypes too: minitorch has no complex tensors
        raise TypeError(f"The requested dtype '{dtype}' is not supported by "
                        "minitorch.testing.make_tensor().")
    if noncontiguous:
        result = result[..., 1::2]
    elif memory_format is not None:
        result = result.contiguous(memory_format=memory_format)
    if exclude_zero:
        result[result == 0] = mt.finfo(dtype).tiny if floating else 1
    if floating:
        result.requires_grad = requires_grad
    return result


def _uniform(shape, low, high, dtype, device):
    """Uniform values in [low, high) of `dtype` (drawn in float64 for the 16-bit types)."""
    mt = _mt()
    draw_dtype = mt.float64 if dtype in (mt.float16, mt.bfloat16) else dtype
    t = mt.empty(shape, dtype=draw_dtype, device=device)
    if high - low >= mt.finfo(draw_dtype).max:       # keep uniform_'s range finite
        t.uniform_(low / 2, high / 2).mul_(2)
    else:
        t.uniform_(low, high)
    return t.to(dtype)
