"""Run one op-table entry in two libraries on the same bytes and compare.

``compare(spec, minitorch, torch, "float64")`` builds the same inputs in both libraries
(one seeded NumPy array each, copied), runs forward, contracts every float output with
the same random upstream gradient, runs backward, and compares outputs, gradients,
shapes and dtypes. The reference library is passed in: this module never imports torch.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TOLERANCES = {"float64": (1e-7, 1e-9), "float32": (1e-4, 1e-5)}


@dataclass
class Comparison:
    ok: bool
    max_abs_forward: float
    max_abs_backward: float
    message: str = ""


def strided(arr):
    """The same values laid out non-contiguously (every other element of a wider array)."""
    if arr.ndim == 0 or arr.size == 0:
        return arr
    big = np.zeros(arr.shape[:-1] + (arr.shape[-1] * 2,), dtype=arr.dtype)
    view = big[..., ::2]
    view[...] = arr
    return view


def build_inputs(lib, spec, arrays, dtype, *, requires_grad=True, noncontiguous=False,
                 device=None):
    """Tensors of `lib` for the spec's arrays: floats in `dtype` (with grad), ints as
    int64, bools as bool."""
    out = []
    for arg, arr in zip(spec.args, arrays):
        if arr.dtype.kind == "f":
            arr = arr.astype(dtype)
        elif arr.dtype.kind in "iu":
            arr = arr.astype(np.int64)
        if noncontiguous:
            arr = strided(arr)
        t = lib.from_numpy(np.array(arr, copy=True) if not noncontiguous else arr)
        if device is not None:
            t = t.to(device)
        if arr.dtype.kind == "f" and requires_grad and spec.differentiable:
            t.requires_grad_(True)
        out.append(t)
    return out


def flat_outputs(result):
    """An op's result as a list of tensors (tuples and namedtuples flattened)."""
    if isinstance(result, (tuple, list)):
        out = []
        for r in result:
            out.extend(flat_outputs(r))
        return out
    return [result]


def to_numpy(t):
    return np.asarray(t.detach().cpu().numpy())


def run_forward_backward(lib, spec, inputs, grad_seed=1):
    """Forward, then backward with a seeded random upstream gradient per float output.
    Returns (outputs as arrays, output dtypes as names, gradients as arrays or None)."""
    outs = flat_outputs(spec.fn(lib, *inputs))
    out_arrays = [to_numpy(o) for o in outs]
    dtypes = [str(o.dtype).split(".")[-1] for o in outs]
    diff_inputs = [t for t in inputs if getattr(t, "requires_grad", False)]
    diff_outs = [o for o in outs if o.requires_grad]
    grads = None
    if spec.differentiable and diff_inputs and diff_outs:
        rng = np.random.default_rng(grad_seed)
        vs = []
        for o in diff_outs:
            v = rng.standard_normal(tuple(o.shape)).astype(to_numpy(o).dtype)
            vs.append(lib.from_numpy(v).to(o.device))
        gs = lib.autograd.grad(diff_outs, diff_inputs, grad_outputs=vs, allow_unused=True)
        grads = [None if g is None else (to_numpy(g), str(g.dtype).split(".")[-1]) for g in gs]
    return out_arrays, dtypes, grads


def compare(spec, mine, ref, dtype="float64", *, noncontiguous=False, seed=0, device=None,
            tolerances=None) -> Comparison:
    """Compare `mine` (minitorch) with `ref` (torch) on one op-table entry."""
    rtol, atol = tolerances or (spec.tol32 if dtype == "float32" else TOLERANCES[dtype])
    arrays = spec.make_arrays(seed)
    a_in = build_inputs(mine, spec, arrays, dtype, noncontiguous=noncontiguous, device=device)
    b_in = build_inputs(ref, spec, arrays, dtype, noncontiguous=noncontiguous)
    a_out, a_dt, a_gr = run_forward_backward(mine, spec, a_in)
    b_out, b_dt, b_gr = run_forward_backward(ref, spec, b_in)
    if len(a_out) != len(b_out):
        return Comparison(False, np.inf, np.inf, f"{spec.name}: {len(a_out)} outputs vs {len(b_out)}")
    max_f = 0.0
    for k, (x, y, dx, dy) in enumerate(zip(a_out, b_out, a_dt, b_dt)):
        if x.shape != y.shape:
            return Comparison(False, np.inf, np.inf,
                              f"{spec.name}: output {k} shape {x.shape} vs torch {y.shape}")
        if dx != dy:
            return Comparison(False, np.inf, np.inf,
                              f"{spec.name}: output {k} dtype {dx} vs torch {dy}")
        err = _max_err(x, y)
        max_f = max(max_f, err)
        if not _close(x, y, rtol, atol):
            return Comparison(False, max_f, 0.0, f"{spec.name}: output {k} differs from torch "
                              f"(max abs error {err:.3g}, rtol {rtol}, atol {atol})")
    max_b = 0.0
    if (a_gr is None) != (b_gr is None):
        return Comparison(False, max_f, np.inf, f"{spec.name}: one library produced gradients "
                          "and the other did not")
    for k, (ga, gb) in enumerate(zip(a_gr or [], b_gr or [])):
        if gb is None and ga is None:
            continue
        ga_arr = np.zeros_like(gb[0]) if ga is None else ga[0]
        gb_arr = np.zeros_like(ga[0]) if gb is None else gb[0]
        if ga is not None and gb is not None and ga[1] != gb[1]:
            return Comparison(False, max_f, np.inf, f"{spec.name}: gradient {k} dtype {ga[1]} "
                              f"vs torch {gb[1]}")
        if ga_arr.shape != gb_arr.shape:
            return Comparison(False, max_f, np.inf, f"{spec.name}: gradient {k} shape "
                              f"{ga_arr.shape} vs torch {gb_arr.shape}")
        err = _max_err(ga_arr, gb_arr)
        max_b = max(max_b, err)
        if not _close(ga_arr, gb_arr, rtol, atol):
            return Comparison(False, max_f, max_b, f"{spec.name}: gradient of input {k} differs "
                              f"from torch (max abs error {err:.3g}, rtol {rtol}, atol {atol})")
    return Comparison(True, max_f, max_b)


def _close(x, y, rtol, atol):
    if x.dtype.kind in "biu":
        return np.array_equal(x, y)
    return np.allclose(x, y, rtol=rtol, atol=atol, equal_nan=True)


def _max_err(x, y):
    if x.size == 0:
        return 0.0
    d = np.abs(x.astype(np.float64) - y.astype(np.float64))
    d = d[~np.isnan(d)]
    return float(d.max()) if d.size else 0.0


def assert_param_grads_close(mine, ref, rtol, atol):
    """Both modules have the same parameter names in the same order, and every parameter
    of `mine` has a gradient of its own dtype equal to the reference module's (after a
    backward through each). Raises AssertionError naming the first parameter that differs."""
    ref_params = dict(ref.named_parameters())
    my_params = dict(mine.named_parameters())
    assert list(my_params) == list(ref_params), (list(my_params), list(ref_params))
    for name, pr in ref_params.items():
        pm = my_params[name]
        assert pm.grad is not None, name
        assert pm.grad.dtype == pm.dtype, name
        np.testing.assert_allclose(to_numpy(pm.grad), to_numpy(pr.grad), rtol=rtol, atol=atol,
                                   err_msg=name)
