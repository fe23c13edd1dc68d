"""gradcheck and gradgradcheck: compare backward with finite differences.

How it checks (Chainer's and PyTorch's ideas together):

- Everything runs in float64: float32 finite differences cannot reach useful tolerances.
- The outputs are contracted with a random upstream gradient v, giving the scalar
  phi(x) = sum_j <v_j, f_j(x)>. Backward gives its gradient g_i for every input x_i.
  A random v (never a plain .sum()) is what exposes a backward that returns the right
  numbers in the wrong places, like the gradient of flip() not flipped back.
- Directional check over all inputs at once, 3 forward calls whatever the size: along a
  random direction u, (phi(x + eps u) - phi(x - eps u)) / (2 eps) must equal sum_i <g_i, u_i>.
- Per-element check when the inputs are small: the same central difference along each
  element in turn, so a failure names the input and the element.
- ``check_noncontiguous=True`` also runs the whole check with every float input laid out
  non-contiguously (a strided view), which is where stride bugs hide.

Both functions return True, or raise GradcheckError naming the input, the element and
both values (or return False with ``raise_exception=False``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import backend
from ..tensor import Tensor, _make
from . import grad_mode
from .engine import grad as autograd_grad


class GradcheckError(RuntimeError):
    """Raised when an analytical gradient disagrees with finite differences."""


@dataclass
class CheckResult:
    """What a check found: the largest errors seen and the first failure, if any."""
    ok: bool
    max_abs_err: float
    max_rel_err: float
    message: str = ""


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False,
              check_forward_ad=False, check_backward_ad=True, fast_mode=False, masked=None,
              grad_outputs=None, per_element_limit=256, check_noncontiguous=False, seed=0):
    """Check the first derivatives of `func` at `inputs` against finite differences.

    func: callable taking the inputs positionally and returning a Tensor or a tuple of them.
    inputs: a Tensor or a tuple; float tensors with requires_grad=True are differentiated
        (in float64 copies), everything else is passed through unchanged.
    per_element_limit: run per-element checks when the differentiated inputs have at most
        this many elements in total.

    PyTorch's keywords are accepted: ``nondet_tol`` widens the tolerance; ``fast_mode=True``
    keeps only the directional check; ``check_grad_dtypes``, ``check_undefined_grad``,
    ``check_batched_grad`` and ``masked`` need nothing more here (the engine already checks
    every gradient's dtype, and undefined gradients are zeros); ``check_forward_ad=True``
    raises, as minitorch has no forward-mode AD."""
    _check_ad_flags(check_forward_ad, check_backward_ad, check_batched_forward_grad)
    result = check_gradients(func, inputs, eps=eps, atol=atol + nondet_tol, rtol=rtol,
                             grad_outputs=grad_outputs,
                             per_element_limit=0 if fast_mode else per_element_limit,
                             check_noncontiguous=check_noncontiguous, seed=seed)
    return _finish(result, raise_exception)


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False,
                  masked=False, per_element_limit=256, check_noncontiguous=False, seed=0):
    """Check the second derivatives of `func`: gradcheck of x, v -> vjp(func, x, v), where
    the backward is run with create_graph=True and v is a random upstream gradient (or the
    given `grad_outputs`). PyTorch's keywords are accepted as in gradcheck;
    ``gen_non_contig_grad_outputs`` also checks non-contiguous layouts."""
    _check_ad_flags(check_fwd_over_rev, check_rev_over_rev, False)
    result = check_second_gradients(func, inputs, grad_outputs=grad_outputs, eps=eps,
                                    atol=atol + nondet_tol, rtol=rtol,
                                    per_element_limit=0 if fast_mode else per_element_limit,
                                    check_noncontiguous=check_noncontiguous or
                                    gen_non_contig_grad_outputs, seed=seed)
    return _finish(result, raise_exception)


def _check_ad_flags(forward, backward, batched_forward):
    if forward or batched_forward:
        raise NotImplementedError("gradcheck(): minitorch has no forward-mode AD "
                                  "(check_forward_ad / check_fwd_over_rev must be False)")
    if not backward:
        raise ValueError("gradcheck(): check_backward_ad=False leaves nothing to check in "
                         "minitorch (it has no forward-mode AD)")


def _finish(result, raise_exception):
    if result.ok:
        return True
    if raise_exception:
        raise GradcheckError(result.message)
    return False


# ------------------------------------------------------------------------------ core
def check_gradients(fn, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, grad_outputs=None,
                    per_element_limit=256, check_noncontiguous=False, seed=0) -> CheckResult:
    """The work behind gradcheck, returning a CheckResult instead of raising."""
    inputs = _as_tuple(inputs)
    rng = np.random.default_rng(seed)  # host: probe directions, float64
    layouts = [False, True] if check_noncontiguous else [False]
    worst = CheckResult(True, 0.0, 0.0)
    for noncontig in layouts:
        xs = [_prepare(x, noncontig) for x in inputs]
        res = _check_once(fn, xs, eps, atol, rtol, grad_outputs, per_element_limit, rng,
                          "non-contiguous inputs" if noncontig else "")
        worst = CheckResult(worst.ok and res.ok, max(worst.max_abs_err, res.max_abs_err),
                            max(worst.max_rel_err, res.max_rel_err),
                            worst.message or res.message)
        if not res.ok:
            break
    return worst


def check_second_gradients(fn, inputs, *, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3,
                           per_element_limit=256, check_noncontiguous=False,
                           seed=0) -> CheckResult:
    """The work behind gradgradcheck."""
    inputs = _as_tuple(inputs)
    rng = np.random.default_rng(seed + 1)  # host: probe directions, float64
    xs = [_prepare(x, False) for x in inputs]
    diff_pos = [i for i, x in enumerate(xs) if _is_diff(x)]
    with grad_mode.enable_grad():
        outs = [o for o in _as_tuple(fn(*xs)) if _is_diff(o)]
    if grad_outputs is None:
        vs = [_make(rng.standard_normal(o._data.shape)) for o in outs]
    else:
        vs = [_prepare(v, False) for v in _as_tuple(grad_outputs)]
    for v in vs:
        v._rg = True
    n_in = len(xs)

    def first_derivative(*args):
        xs_, vs_ = list(args[:n_in]), list(args[n_in:])
        with grad_mode.enable_grad():
            ys = [o for o in _as_tuple(fn(*xs_)) if _is_diff(o)]
            grads = autograd_grad(ys, [xs_[i] for i in diff_pos], grad_outputs=vs_,
                                  create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None and g._rg)

    return check_gradients(first_derivative, tuple(xs) + tuple(vs), eps=eps, atol=atol,
                           rtol=rtol, per_element_limit=per_element_limit,
                           check_noncontiguous=check_noncontiguous, seed=seed + 2)


def _check_once(fn, xs, eps, atol, rtol, grad_outputs, per_element_limit, rng, note):
    # host: finite differences in host float64 (_np64 fetches device arrays)
    where = f" (with {note})" if note else ""
    diff = [i for i, x in enumerate(xs) if _is_diff(x)]
    if not diff:
        raise ValueError("gradcheck(): no input is a floating-point Tensor with "
                         "requires_grad=True; nothing to check")
    with grad_mode.enable_grad():
        outs = _as_tuple(fn(*xs))
    # which outputs take part: those that require grad in the graph-building call (a float
    # output marked non-differentiable, like the permutation of linalg.lu, does not)
    diff_out_pos = [k for k, o in enumerate(outs) if _is_diff(o)]
    outs_diff = [outs[k] for k in diff_out_pos]
    if not outs_diff:
        raise ValueError("gradcheck(): fn returned no differentiable (floating, requires_grad) "
                         "output")
    if grad_outputs is None:
        vs = [rng.standard_normal(o._data.shape) for o in outs_diff]
    else:
        vs = [_np64(v) for v in _as_tuple(grad_outputs)]
    xp = backend.get_array_module(outs_diff[0]._data)
    v_tensors = [_make(xp.asarray(v, dtype=o._data.dtype)) for v, o in zip(vs, outs_diff)]
    analytic = autograd_grad(outs_diff, [xs[i] for i in diff], grad_outputs=v_tensors,
                             allow_unused=True)
    analytic = [np.zeros(xs[i]._data.shape) if g is None else _np64(g._data)
                for i, g in zip(diff, analytic)]

    def phi(arrays_by_pos):
        args = list(xs)
        for i, arr in arrays_by_pos.items():
            args[i] = _make(_like_layout(arr, xs[i]._data))
            args[i]._rg = True
        with grad_mode.no_grad():
            ys_all = _as_tuple(fn(*args))
            ys = [ys_all[k] for k in diff_out_pos]
        return float(sum(np.sum(_np64(y._data) * v) for y, v in zip(ys, vs)))

    base = {i: _np64(xs[i]._data) for i in diff}
    max_abs = max_rel = 0.0

    # directional derivative over all inputs together (3 forward calls in all)
    u = {i: rng.standard_normal(base[i].shape) for i in diff}
    norm = np.sqrt(sum(float(np.sum(d * d)) for d in u.values())) or 1.0
    u = {i: d / norm for i, d in u.items()}
    num = (phi({i: base[i] + eps * u[i] for i in diff}) -
           phi({i: base[i] - eps * u[i] for i in diff})) / (2 * eps)
    ana = float(sum(np.sum(g * u[i]) for i, g in zip(diff, analytic)))
    err = abs(ana - num)
    max_abs, max_rel = err, err / max(abs(num), 1e-12)
    directional_ok = err <= atol + rtol * abs(num)

    # per-element checks on small inputs
    total = sum(base[i].size for i in diff)
    if total <= per_element_limit:
        for k, i in enumerate(diff):
            g = analytic[k]
            for idx in np.ndindex(*base[i].shape):
                plus, minus = base[i].copy(), base[i].copy()
                plus[idx] += eps
                minus[idx] -= eps
                n = (phi({i: plus}) - phi({i: minus})) / (2 * eps)
                a = float(g[idx])
                e = abs(a - n)
                max_abs = max(max_abs, e)
                max_rel = max(max_rel, e / max(abs(n), 1e-12))
                if e > atol + rtol * abs(n):
                    return CheckResult(False, max_abs, max_rel, (
                        f"gradcheck: Jacobian mismatch for input {i} at element {idx}{where}: "
                        f"analytical {a:.8g} vs numerical {n:.8g} (|difference| {e:.3g} > "
                        f"atol {atol} + rtol {rtol} * |numerical|)"))
    if not directional_ok:
        return CheckResult(False, max_abs, max_rel, (
            f"gradcheck: directional derivative mismatch over all inputs{where}: analytical "
            f"{ana:.8g} vs numerical {num:.8g} along a random direction (|difference| "
            f"{err:.3g} > atol {atol} + rtol {rtol} * |numerical|)"))
    return CheckResult(True, max_abs, max_rel)


# ------------------------------------------------------------------------------ helpers
def _as_tuple(x):
    if isinstance(x, tuple):
        return x
    if isinstance(x, list):
        return tuple(x)
    return (x,)


def _is_diff(x) -> bool:
    return isinstance(x, Tensor) and x._rg and x._data.dtype.kind == "f"


def _np64(a):
    if isinstance(a, Tensor):
        a = a._data
    if type(a) is not np.ndarray and backend.is_array(a):
        a = a.get()
    return np.asarray(a, dtype=np.float64)  # host: device arrays fetched above


def _prepare(x, noncontiguous: bool):
    """A float64 leaf copy of a differentiable input (optionally strided); other inputs as is."""
    if not (isinstance(x, Tensor) and x._data.dtype.kind == "f"):
        return x
    xp = backend.get_array_module(x._data)
    arr = xp.asarray(x._data, dtype=np.float64).copy()
    if noncontiguous:
        arr = _noncontiguous(arr)
    t = _make(arr)
    t._rg = x._rg
    return t


def _noncontiguous(arr):
    """Same values, laid out with a stride of 2 in the last dim (not C-contiguous)."""
    if arr.ndim == 0 or arr.size == 0:
        return arr
    xp = backend.get_array_module(arr)
    big = xp.zeros(arr.shape[:-1] + (arr.shape[-1] * 2,), dtype=arr.dtype)
    view = big[..., ::2]
    view[...] = arr
    return view


def _like_layout(arr64, like):
    """arr64 converted to like's array type and layout (contiguous or strided)."""
    xp = backend.get_array_module(like)
    out = xp.asarray(arr64, dtype=like.dtype)
    if not like.flags.c_contiguous and like.ndim and like.size:
        out = _noncontiguous(out)
    return out
