"""Op-table entries: reductions, sorting, random sampling (functional/reduction.py, sorting.py).

Each entry is checked like the rest of the table (tests/test_ops.py): forward and backward
against PyTorch in float64 and float32, non-contiguous inputs, gradcheck and gradgradcheck.
"""
from __future__ import annotations

import numpy as np  # noqa: F401

from .op_table import (add, _spec, _assign, F, I, B, Arg, normal, uniform, positive,  # noqa: F401
                       away_from, distinct, with_zeros, S34, S234)


def _nan_at(shape, where):
    """A sampler: normal values with NaN at the flat positions `where`."""
    def draw(rng, shp):
        x = rng.standard_normal(shp)
        x.reshape(-1)[list(where)] = np.nan
        return x
    return draw


def _with_repeats(rng, shape):
    """Small integers as floats: many ties (for mode and unique-style results)."""
    return rng.integers(0, 3, shape).astype(np.float64)


R = "reduction"
S = "sorting"

# ---------------------------------------------------------------- reductions (issue 12)
add(
    _spec("nansum", lambda lib, a: lib.nansum(a), F(S34, _nan_at(S34, (1, 6))), family=R),
    _spec("nansum_dim", lambda lib, a: a.nansum(1, keepdim=True), F(S234, _nan_at(S234, (0, 7))),
          family=R),
    _spec("nanmean", lambda lib, a: lib.nanmean(a, dim=0), F(S34, _nan_at(S34, (1, 5, 6))), family=R),
    _spec("nanmean_all", lambda lib, a: a.nanmean(), F(S234, _nan_at(S234, (3,))), family=R),
    _spec("count_nonzero", lambda lib, a: lib.count_nonzero(a, 1), F(S34, with_zeros), family=R,
          differentiable=False),
    _spec("count_nonzero_dims", lambda lib, a: a.count_nonzero((0, 2)), F(S234, with_zeros),
          family=R, differentiable=False),
    _spec("cumprod", lambda lib, a: lib.cumprod(a, 1), F(S234, uniform(0.5, 1.5)), family=R),
    _spec("cumprod_neg", lambda lib, a: a.cumprod(-1), F(S34, away_from(0.0, lo=-1.5, hi=1.5)),
          family=R),
    _spec("cumprod_dim0", lambda lib, a: a.cumprod(dim=0), F((4, 3), uniform(-1.5, 1.5)), family=R),
    _spec("cumprod_with_zeros", lambda lib, a: lib.cumprod(a, 1), F((3, 5)), family=R,
          fixed=lambda rng: [np.array([[0.5, 0.0, 1.5, 2.0, -1.2],
                                       [1.1, -0.7, 0.0, 1.3, 0.0],
                                       [0.0, 0.9, 1.2, -0.8, 1.4]])],
          notes="exact first and second derivatives at zeros (first zero of each row)"),
    _spec("cummax", lambda lib, a: tuple(lib.cummax(a, 1)), F(S234, distinct), family=R),
    _spec("cummin", lambda lib, a: tuple(a.cummin(0)), F(S34, distinct), family=R),
    _spec("cummax_ties", lambda lib, a: tuple(a.cummax(-1)), F((2, 5)), family=R,
          fixed=lambda rng: [np.array([[1.0, 3.0, 3.0, 2.0, 3.0], [0.5, 0.5, -1.0, 0.7, 0.7]])],
          finite_diff=False, gradgrad=False,
          notes="ties: the index moves to the latest equal value, as in PyTorch"),
    _spec("logcumsumexp", lambda lib, a: lib.logcumsumexp(a, 1), F(S234), family=R),
    _spec("logcumsumexp_dim0", lambda lib, a: a.logcumsumexp(0), F(S34, uniform(-3, 3)), family=R),
    _spec("logcumsumexp_wide", lambda lib, a: lib.logcumsumexp(a * 40.0, -1), F(S34), family=R,
          notes="values of +-100 and more: stable forward and backward"),
    _spec("aminmax", lambda lib, a: tuple(lib.aminmax(a)), F(S34, distinct), family=R),
    _spec("aminmax_dim", lambda lib, a: tuple(a.aminmax(dim=1, keepdim=True)), F(S234, distinct),
          family=R),
    _spec("var_unbiased_positional", lambda lib, a: lib.var(a, 1, False, True), F(S234), family=R),
    _spec("var_bool_positional", lambda lib, a: a.var(False), F(S34), family=R),
    _spec("std_dims_list", lambda lib, a: lib.std(a, [0, 2], correction=2), F(S234), family=R),
    _spec("var_mean", lambda lib, a: lib.var_mean(a, 1), F(S234), family=R),
    _spec("std_mean_keepdim", lambda lib, a: lib.std_mean(a, dim=(0, 1), keepdim=True), F(S234),
          family=R),
    _spec("mean_dtype", lambda lib, a: a.mean(1, dtype=lib.float64), F(S34), family=R,
          keeps_dtype=False),
    _spec("sum_dtype", lambda lib, a: lib.sum(a, 0, dtype=lib.float64), F(S34), family=R,
          keeps_dtype=False),
    _spec("sum_to_size", lambda lib, a: a.sum_to_size(1, 3, 1), F(S234), family=R),
    _spec("sum_to_size_tuple", lambda lib, a: a.sum_to_size((4,)), F(S34), family=R),
    _spec("logsumexp_0d", lambda lib, a: lib.logsumexp(a.sum(), 0), F(S34), family=R),
    _spec("histc", lambda lib, a: lib.histc(a, bins=5), F(S234), family=R, differentiable=False),
    _spec("histc_range", lambda lib, a: a.histc(4, -1, 1), F(S34), family=R, differentiable=False),
    _spec("histogram", lambda lib, a: tuple(lib.histogram(a, 4, range=(-2.0, 2.0))), F(S234),
          family=R, differentiable=False),
    _spec("bincount", lambda lib, i: lib.bincount(i), I((12,), 6), family=R, differentiable=False),
    _spec("bincount_weights", lambda lib, i, w: lib.bincount(i, w, minlength=8), I((10,), 5),
          F((10,)), family=R, differentiable=False),
    _spec("searchsorted", lambda lib, s, v: lib.searchsorted(s.sort().values, v), F((6,)), F(S34),
          family=R, differentiable=False),
    _spec("searchsorted_rows_right", lambda lib, s, v: lib.searchsorted(s.sort().values, v, right=True),
          F((3, 5)), F((3, 4)), family=R, differentiable=False),
    _spec("bucketize", lambda lib, v, b: lib.bucketize(v, b.sort().values, right=True), F(S34),
          F((5,)), family=R, differentiable=False),
)

# ---------------------------------------------------------------- sorting and selection
add(
    _spec("sort", lambda lib, a: tuple(lib.sort(a)), F(S234, distinct), family=S),
    _spec("sort_descending_dim0", lambda lib, a: tuple(a.sort(0, descending=True)), F(S34, distinct),
          family=S),
    _spec("sort_stable_ties", lambda lib, a: tuple(lib.sort(a, stable=True, descending=True)),
          F((2, 6), _with_repeats), family=S, finite_diff=False, gradgrad=False,
          notes="stable: equal values keep their order (indices compared with torch)"),
    _spec("argsort", lambda lib, a: a.argsort(dim=1, descending=True), F(S34, distinct), family=S,
          differentiable=False),
    _spec("argsort_stable_ties", lambda lib, a: lib.argsort(a, stable=True), F((3, 7), _with_repeats),
          family=S, differentiable=False),
    _spec("msort", lambda lib, a: lib.msort(a), F(S34, distinct), family=S),
    _spec("topk", lambda lib, a: tuple(lib.topk(a, 2)), F(S234, distinct), family=S),
    _spec("topk_smallest_dim0", lambda lib, a: tuple(a.topk(3, dim=0, largest=False)),
          F((5, 3), distinct), family=S),
    _spec("kthvalue", lambda lib, a: tuple(lib.kthvalue(a, 2, 1)), F(S234, distinct), family=S),
    _spec("kthvalue_keepdim", lambda lib, a: tuple(a.kthvalue(3, keepdim=True)), F(S34, distinct),
          family=S),
    _spec("median_all", lambda lib, a: a.median(), F(S34, distinct), family=S),
    _spec("median_dim", lambda lib, a: tuple(lib.median(a, 1)), F(S234, distinct), family=S),
    _spec("median_dim_keepdim", lambda lib, a: tuple(a.median(0, keepdim=True)), F(S34, distinct),
          family=S),
    _spec("median_all_ties", lambda lib, a: lib.median(a), F((2, 3)), family=S,
          fixed=lambda rng: [np.array([[1.0, 2.0, 2.0], [2.0, 5.0, 0.5]])], finite_diff=False,
          gradgrad=False, notes="tied medians share the gradient evenly, as in PyTorch"),
    _spec("nanmedian_all", lambda lib, a: lib.nanmedian(a), F(S34, _nan_at(S34, (2, 9))),
          family=S),
    _spec("nanmedian_dim", lambda lib, a: tuple(a.nanmedian(1)), F((3, 5), _nan_at((3, 5), (1, 6, 7))),
          family=S),
    _spec("mode", lambda lib, a: tuple(lib.mode(a, 1)), F(S234, distinct), family=S),
    _spec("mode_repeats", lambda lib, a: tuple(a.mode(0)), F((7, 3), _with_repeats), family=S,
          finite_diff=False, gradgrad=False,
          notes="the smallest most frequent value and its last index, as PyTorch on the CPU"),
    _spec("quantile", lambda lib, a: lib.quantile(a, 0.3), F(S34, distinct), family=S),
    _spec("quantile_dim_tensor_q", lambda lib, a, q: a.quantile(q.sort().values, dim=1, keepdim=True),
          F(S234, distinct), F((3,), uniform(0.05, 0.95)), family=S,
          notes="q is an input too: only the values are differentiated (q has no gradient)"),
    _spec("quantile_lower", lambda lib, a: lib.quantile(a, 0.4, dim=0, interpolation="lower"),
          F((5, 3), distinct), family=S),
    _spec("quantile_higher", lambda lib, a: lib.quantile(a, 0.4, dim=0, interpolation="higher"),
          F((5, 3), distinct), family=S),
    _spec("quantile_midpoint", lambda lib, a: lib.quantile(a, 0.45, dim=1, interpolation="midpoint"),
          F(S34, distinct), family=S),
    _spec("quantile_nearest", lambda lib, a: lib.quantile(a, 0.5, dim=1, interpolation="nearest"),
          F(S34, distinct), family=S),
    _spec("nanquantile", lambda lib, a: lib.nanquantile(a, 0.75, dim=1),
          F((3, 5), _nan_at((3, 5), (0, 6, 7))), family=S),
    _spec("unique", lambda lib, i: tuple(lib.unique(i, return_inverse=True, return_counts=True)),
          I((3, 5), 4), family=S, differentiable=False),
    _spec("unique_dim", lambda lib, i: tuple(i.unique(dim=0, return_inverse=True, return_counts=True)),
          I((6, 2), 2), family=S, differentiable=False),
    _spec("unique_consecutive", lambda lib, i: tuple(lib.unique_consecutive(
        i, return_inverse=True, return_counts=True)), I((12,), 2), family=S, differentiable=False),
)

# ---------------------------------------------------------------- statistics and integration
add(
    _spec("cov", lambda lib, a: lib.cov(a), F((3, 6)), family=R),
    _spec("cov_1d", lambda lib, a: a.cov(correction=0), F((7,)), family=R),
    _spec("cov_weights", lambda lib, a, fw, aw: lib.cov(a, fweights=fw + 1, aweights=aw.abs() + 0.5),
          F((3, 5)), I((5,), 3), F((5,)), family=R),
    _spec("corrcoef", lambda lib, a: lib.corrcoef(a), F((3, 6)), family=R,
          notes="the diagonal is exactly 1 (clipped), so its gradient is 0 in both libraries"),
    _spec("trapezoid", lambda lib, a: lib.trapezoid(a), F(S234), family=R),
    _spec("trapezoid_x", lambda lib, a, x: lib.trapezoid(a, x, dim=0), F((4, 3)), F((4,)), family=R),
    _spec("trapz_dx", lambda lib, a: lib.trapz(a, dx=0.5, dim=1), F(S234), family=R),
    _spec("cumulative_trapezoid", lambda lib, a, x: lib.cumulative_trapezoid(a, x), F(S34), F(S34),
          family=R),
    _spec("renorm", lambda lib, a: lib.renorm(a, 2, 0, 1.0), F((3, 5), uniform(-1, 1)), family=R),
    _spec("renorm_p1_dim1", lambda lib, a: a.renorm(1, 1, 1.5), F((4, 3), uniform(-1, 1)), family=R),
)
