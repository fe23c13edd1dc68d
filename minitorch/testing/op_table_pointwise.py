"""Op-table entries: pointwise math (functional/pointwise.py, elementwise.py).

Each entry is checked like the rest of the table (tests/test_ops.py): forward and backward
against PyTorch in float64 and float32, non-contiguous inputs, gradcheck and gradgradcheck.
"""
from __future__ import annotations

import numpy as np  # noqa: F401

from .op_table import (add, _spec, _assign, F, I, B, Arg, normal, uniform, positive,  # noqa: F401
                       away_from, distinct, with_zeros, S34, S234)


def _away_from_ints(lo=-2.5, hi=2.5, margin=0.1):
    """Uniform on [lo, hi] with no value within `margin` of an integer (the jumps of
    floor/ceil/trunc/frac)."""
    return away_from(*range(int(np.floor(lo)), int(np.ceil(hi)) + 1), margin=margin, lo=lo, hi=hi)


def _away_from_halves(lo=-2.5, hi=2.5, margin=0.1):
    """Uniform on [lo, hi] away from the half-integers (the jumps of round)."""
    kinks = [k + 0.5 for k in range(int(np.floor(lo)) - 1, int(np.ceil(hi)) + 1)]
    return away_from(*kinks, margin=margin, lo=lo, hi=hi)


def _pw(name, fn, *args, **kw):
    kw.setdefault("family", "pointwise")
    return _spec(name, fn, *args, **kw)


# ---------------------------------------------------------------- unary, both spellings
# (name, sampler): checked as lib.name(x) on a (2, 3, 4) tensor and x.name() on a (5,) one
_UNARY = [
    ("tan", uniform(-1.2, 1.2)), ("asin", uniform(-0.9, 0.9)), ("acos", uniform(-0.9, 0.9)),
    ("atan", normal), ("sinh", normal), ("cosh", normal), ("asinh", normal),
    ("acosh", uniform(1.2, 3.0)), ("atanh", uniform(-0.9, 0.9)),
    ("arcsin", uniform(-0.9, 0.9)), ("arccos", uniform(-0.9, 0.9)), ("arctan", normal),
    ("arcsinh", normal), ("arccosh", uniform(1.2, 3.0)), ("arctanh", uniform(-0.9, 0.9)),
    ("sinc", away_from(0.0, lo=-2.0, hi=2.0)), ("exp2", normal),
    ("log2", positive(0.2, 3.0)), ("log10", positive(0.2, 3.0)),
    ("erf", normal), ("erfc", normal), ("erfinv", uniform(-0.9, 0.9)),
    ("lgamma", uniform(0.2, 4.0)), ("digamma", uniform(0.3, 4.0)), ("i0", normal),
    ("floor", _away_from_ints()), ("ceil", _away_from_ints()), ("trunc", _away_from_ints()),
    ("fix", _away_from_ints()), ("frac", _away_from_ints()), ("round", _away_from_halves()),
    ("square", normal), ("positive", normal),
    ("absolute", away_from(0.0)), ("deg2rad", normal), ("rad2deg", normal),
    ("logit", uniform(0.1, 0.9)), ("nan_to_num", normal), ("angle", away_from(0.0)),
    ("conj_physical", normal),
]
for _n, _s in _UNARY:
    add(_pw(_n, (lambda n: lambda lib, a: getattr(lib, n)(a))(_n), F(S234, _s)),
        _pw(_n + "_method", (lambda n: lambda lib, a: getattr(a, n)())(_n), F((5,), _s)))

# lgamma and digamma on negative non-integers (the reflection formula's side)
add(
    _pw("lgamma_negative", lambda lib, a: lib.lgamma(a), F(S34, uniform(-2.9, -2.1))),
    _pw("digamma_negative", lambda lib, a: lib.digamma(a), F(S34, uniform(-1.8, -1.2))),
    _pw("erfinv_tails", lambda lib, a: lib.erfinv(a), F(S34, uniform(0.95, 0.999)),
        notes="the tail branch (Newton on log erfc)"),
    _pw("polygamma_1", lambda lib, a: lib.polygamma(1, a), F(S34, uniform(0.5, 4.0))),
    _pw("polygamma_2", lambda lib, a: lib.polygamma(2, a), F(S34, uniform(0.5, 4.0))),
    _pw("polygamma_3_method", lambda lib, a: a.polygamma(3), F((5,), uniform(0.5, 4.0))),
    _pw("polygamma_0", lambda lib, a: lib.polygamma(0, a), F(S34, uniform(0.5, 4.0))),
    _pw("polygamma_1_negative", lambda lib, a: lib.polygamma(1, a), F(S34, uniform(-1.8, -1.2))),
    _pw("mvlgamma", lambda lib, a: lib.mvlgamma(a, 3), F(S34, uniform(1.5, 4.0))),
    _pw("mvlgamma_method", lambda lib, a: a.mvlgamma(p=1), F((5,), uniform(0.5, 4.0))),
    _pw("round_decimals", lambda lib, a: lib.round(a, decimals=2), F(S34)),
    _pw("round_decimals_negative", lambda lib, a: a.round(decimals=-1), F(S34, uniform(-60, 60))),
    _pw("logit_eps", lambda lib, a: lib.logit(a, eps=0.2),
        F(S34, away_from(0.2, 0.8, margin=0.05, lo=0.02, hi=0.98))),
    _pw("logit_eps_method", lambda lib, a: a.logit(0.25), F((5,), uniform(0.3, 0.7))),
    _pw("nan_to_num_nonfinite", lambda lib, a: lib.nan_to_num(a * 1e308 * 10, nan=0.5, posinf=2.0),
        F(S34), finite_diff=False, gradgrad=False,
        fixed=lambda rng: [np.array([[np.nan, 1.0, -np.inf, np.inf], [0.5, np.nan, 2.0, -1.0],
                                     [np.inf, -2.0, 0.0, 3.0]])],
        notes="non-finite inputs: values and the masked gradient against torch"),
    _pw("clamp_min_fn", lambda lib, a: lib.clamp_min(a, 0.2), F(S34, away_from(0.2))),
    _pw("clamp_max_method", lambda lib, a: a.clamp_max(-0.1), F(S34, away_from(-0.1))),
    _pw("clamp_min_tensor", lambda lib, a, b: lib.clamp_min(a, b), F(S34, distinct), F((4,), distinct)),
    _pw("i1_at_zero", lambda lib, a: lib.special.i1(a), F((4,)), finite_diff=False,
        fixed=lambda rng: [np.array([0.0, 0.5, -1.5, 3.0])],
        notes="I1'(0) = 1/2 by PyTorch's special case"),
    _pw("frexp_mantissa", lambda lib, a: lib.frexp(a), F(S34, away_from(-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, margin=0.05, lo=-3, hi=3))),
    _pw("frexp_method", lambda lib, a: tuple(a.frexp()), F((5,), uniform(0.55, 0.95))),
)

# ---------------------------------------------------------------- torch.special
_SPECIAL = [
    ("expit", normal), ("logit", uniform(0.1, 0.9)), ("erf", normal), ("erfc", normal),
    ("erfinv", uniform(-0.9, 0.9)), ("erfcx", uniform(-2.0, 3.0)),
    ("gammaln", uniform(0.2, 4.0)), ("digamma", uniform(0.3, 4.0)), ("psi", uniform(0.3, 4.0)),
    ("i0", normal), ("i0e", away_from(0.0)), ("i1", away_from(0.0)), ("i1e", away_from(0.0)),
    ("ndtr", normal), ("ndtri", uniform(0.05, 0.95)), ("log_ndtr", uniform(-4.0, 3.0)),
    ("entr", positive(0.2, 3.0)), ("sinc", away_from(0.0, lo=-2.0, hi=2.0)),
    ("log1p", uniform(-0.5, 2.0)), ("expm1", normal), ("exp2", normal),
    ("round", _away_from_halves()),
]
for _n, _s in _SPECIAL:
    add(_pw("special_" + _n, (lambda n: lambda lib, a: getattr(lib.special, n)(a))(_n),
            F(S34, _s), family="special"))

add(
    _pw("special_i0e_large", lambda lib, a: lib.special.i0e(a), F(S34, uniform(15.0, 40.0)),
        family="special", notes="both sides of the series/asymptotic switch at 20"),
    _pw("special_i1_large", lambda lib, a: lib.special.i1(a), F(S34, uniform(15.0, 40.0)),
        family="special", finite_diff=False, notes="values ~1e16: finite differences too coarse"),
    _pw("special_log_ndtr_tail", lambda lib, a: lib.special.log_ndtr(a), F(S34, uniform(-30.0, -5.0)),
        family="special"),
    _pw("special_ndtri_tails", lambda lib, a: lib.special.ndtri(a), F(S34, uniform(1e-6, 0.01)),
        family="special", finite_diff=False, notes="steep: checked against torch only"),
    _pw("special_polygamma", lambda lib, a: lib.special.polygamma(2, a), F(S34, uniform(0.5, 4.0)),
        family="special"),
    _pw("special_multigammaln", lambda lib, a: lib.special.multigammaln(a, 2), F(S34, uniform(1.0, 4.0)),
        family="special"),
    _pw("special_xlogy", lambda lib, a, b: lib.special.xlogy(a, b), F(S34), F((4,), positive()),
        family="special"),
    _pw("special_xlog1py", lambda lib, a, b: lib.special.xlog1py(a, b), F(S34), F(S34, uniform(-0.5, 2.0)),
        family="special"),
    _pw("special_xlog1py_scalar", lambda lib, b: lib.special.xlog1py(2.5, b), F(S34, uniform(-0.5, 2.0)),
        family="special"),
    _pw("special_zeta", lambda lib, q: lib.special.zeta(3.0, q), F(S34, positive(0.5, 3.0)),
        family="special"),
    _pw("special_zeta_tensor_x", lambda lib, q: lib.special.zeta(lib.full_like(q, 2.5), q),
        F(S34, positive(0.5, 3.0)), family="special"),
    _pw("special_gammainc", lambda lib, x: lib.special.gammainc(lib.full_like(x, 2.5), x),
        F(S34, positive(0.5, 5.0)), family="special"),
    _pw("special_gammaincc", lambda lib, x: lib.special.gammaincc(lib.full_like(x, 0.7), x),
        F(S34, positive(0.5, 5.0)), family="special"),
    _pw("igamma_large_x", lambda lib, x: lib.igamma(lib.full_like(x, 3.0), x), F(S34, positive(5.0, 12.0))),
    _pw("igammac_method", lambda lib, x: lib.full_like(x, 1.5).igammac(x), F(S34, positive(0.2, 6.0))),
    _pw("special_softmax", lambda lib, a: lib.special.softmax(a, 1), F(S34), family="special"),
    _pw("special_log_softmax", lambda lib, a: lib.special.log_softmax(a, dim=0), F(S34), family="special"),
    _pw("special_logsumexp", lambda lib, a: lib.special.logsumexp(a, 1, keepdim=True), F(S34),
        family="special"),
    _pw("special_round_decimals", lambda lib, a: lib.special.round(a, decimals=1), F(S34),
        family="special"),
)

# ---------------------------------------------------------------- binary
add(
    _pw("atan2", lambda lib, a, b: lib.atan2(a, b), F(S34), F((4,), away_from(0.0)), binary=True),
    _pw("atan2_method", lambda lib, a, b: a.atan2(b), F(S34), F(S34)),
    _pw("arctan2", lambda lib, a, b: lib.arctan2(a, b), F((3, 1)), F(S34)),
    _pw("hypot", lambda lib, a, b: lib.hypot(a, b), F(S34), F((4,)), binary=True),
    _pw("hypot_method", lambda lib, a, b: a.hypot(b), F(S34), F(S34)),
    _pw("logaddexp", lambda lib, a, b: lib.logaddexp(a, b), F(S34), F((3, 1)), binary=True),
    _pw("logaddexp_large", lambda lib, a, b: a.logaddexp(b), F(S34, uniform(500, 800)),
        F(S34, uniform(500, 800))),
    _pw("logaddexp2", lambda lib, a, b: lib.logaddexp2(a, b), F(S34), F((4,)), binary=True),
    _pw("xlogy", lambda lib, a, b: lib.xlogy(a, b), F(S34), F((4,), positive()), binary=True),
    _pw("xlogy_scalar_self", lambda lib, b: lib.xlogy(3.0, b), F(S34, positive())),
    _pw("xlogy_scalar_other", lambda lib, a: a.xlogy(2.5), F(S34)),
    _pw("xlogy_zeros", lambda lib, a, b: lib.xlogy(a, b), F((4,)), F((4,)), finite_diff=False,
        fixed=lambda rng: [np.array([0.0, 0.0, 1.5, 0.0]), np.array([0.0, 2.0, 0.5, -3.0])],
        notes="x == 0 gives 0 even at y <= 0; checked against torch"),
    _pw("xlog1py_zeros", lambda lib, a, b: lib.special.xlog1py(a, b), F((4,)), F((4,)),
        finite_diff=False, family="special",
        fixed=lambda rng: [np.array([0.0, 0.0, 1.5, 0.0]), np.array([-1.0, 2.0, 0.5, -3.0])]),
    _pw("fmod", lambda lib, a, b: lib.fmod(a, b), F(S34), F((4,), away_from(0.0, margin=0.4)),
        binary=True),
    _pw("fmod_scalar", lambda lib, a: a.fmod(0.7), F(S34)),
    _pw("remainder", lambda lib, a, b: lib.remainder(a, b), F(S34), F((4,), away_from(0.0, margin=0.4)),
        binary=True),
    _pw("remainder_scalar", lambda lib, a: a % -0.7, F(S34)),
    _pw("floor_divide", lambda lib, a, b: lib.floor_divide(a, b), F(S34, uniform(-3, 3)),
        F((4,), away_from(0.0, margin=0.4)), differentiable=False,
        notes="torch has no derivative for floor_divide (minitorch's is 0)"),
    _pw("div_trunc", lambda lib, a, b: lib.div(a, b, rounding_mode="trunc"), F(S34, uniform(-3, 3)),
        F((4,), away_from(0.0, margin=0.4)), finite_diff=False, notes="gradient 0, as torch"),
    _pw("float_power", lambda lib, a, b: lib.float_power(a, b), F(S34, positive()), F((4,)),
        keeps_dtype=False),
    _pw("float_power_scalar", lambda lib, a: a.float_power(2.5), F(S34, positive()), keeps_dtype=False),
    _pw("float_power_scalar_base", lambda lib, b: lib.float_power(1.5, b), F(S34), keeps_dtype=False),
    _pw("copysign", lambda lib, a, b: lib.copysign(a, b), F(S34, away_from(0.0)), F((4,), away_from(0.0)),
        binary=True),
    _pw("copysign_scalar", lambda lib, a: a.copysign(-1.0), F(S34, away_from(0.0))),
    _pw("fmax", lambda lib, a, b: lib.fmax(a, b), F(S34, distinct), F((4,), distinct), binary=True),
    _pw("fmin", lambda lib, a, b: a.fmin(b), F(S34, distinct), F(S34, distinct)),
    _pw("fmax_nan_ties", lambda lib, a, b: lib.fmax(a, b), F((5,)), F((5,)), finite_diff=False,
        fixed=lambda rng: [np.array([1.0, np.nan, 2.0, np.nan, 3.0]),
                           np.array([1.0, 0.5, np.nan, np.nan, -1.0])],
        notes="nan loses to a number; ties go to input (torch's rule)"),
    _pw("fmin_nan_ties", lambda lib, a, b: lib.fmin(a, b), F((5,)), F((5,)), finite_diff=False,
        fixed=lambda rng: [np.array([1.0, np.nan, 2.0, np.nan, 3.0]),
                           np.array([1.0, 0.5, np.nan, np.nan, -1.0])]),
    _pw("ldexp", lambda lib, a, b: lib.ldexp(a, b), F(S34), F((4,), uniform(-2, 2))),
    _pw("ldexp_int_exponent", lambda lib, a, e: a.ldexp(e), F(S34), I((4,), 4, low=0),
        notes="non-negative: torch's gradient for a negative int exponent is 0 (2**e in ints)"),
    _pw("rsub", lambda lib, a, b: lib.rsub(a, b), F(S34), F((4,))),
    _pw("rsub_alpha_scalar", lambda lib, a: lib.rsub(a, 2.0, alpha=0.5), F(S34)),
)

# ---------------------------------------------------------------- ternary
add(
    _pw("lerp_scalar", lambda lib, a, b: lib.lerp(a, b, 0.3), F(S34), F((4,))),
    _pw("lerp_scalar_high", lambda lib, a, b: a.lerp(b, 0.8), F(S34), F(S34)),
    _pw("lerp_tensor", lambda lib, a, b, w: lib.lerp(a, b, w), F(S34), F(S34), F((4,), uniform(0, 1))),
    _pw("addcmul", lambda lib, a, b, c: lib.addcmul(a, b, c, value=0.5), F(S34), F((4,)), F((3, 1))),
    _pw("addcmul_method", lambda lib, a, b, c: a.addcmul(b, c), F(S34), F(S34), F(S34)),
    _pw("addcdiv", lambda lib, a, b, c: lib.addcdiv(a, b, c, value=-2), F(S34), F(S34),
        F((4,), away_from(0.0, margin=0.4))),
    _pw("addcdiv_method", lambda lib, a, b, c: a.addcdiv(b, c, value=0.1), F(S34), F((3, 1)),
        F(S34, positive())),
)

# ---------------------------------------------------------------- non-differentiable results
add(
    _pw("signbit", lambda lib, a: lib.signbit(a), F(S34), differentiable=False),
    _pw("heaviside", lambda lib, a, v: lib.heaviside(a, v), F((6,)), F((6,)), differentiable=False,
        fixed=lambda rng: [np.array([-1.0, 0.0, 2.0, 0.0, -0.0, 3.0]), rng.standard_normal(6)]),
    _pw("isposinf", lambda lib, a: (lib.isposinf(a), a.isneginf(), lib.isreal(a)), F((6,)),
        differentiable=False,
        fixed=lambda rng: [np.array([np.inf, -np.inf, 0.0, np.nan, 1.0, -1.0])]),
    _pw("nextafter", lambda lib, a, b: lib.nextafter(a, b), F(S34), F(S34), differentiable=False),
    _pw("isin", lambda lib, a, b: lib.isin(a, b), I(S34, 6), I((3,), 6), differentiable=False),
    _pw("isin_invert", lambda lib, a, b: lib.isin(a, b, invert=True), I(S34, 6), I((5,), 6),
        differentiable=False),
    _pw("gcd_lcm", lambda lib, a, b: (lib.gcd(a, b), a.lcm(b)), I(S34, 30, low=-30), I((4,), 30),
        differentiable=False),
    _pw("shifts", lambda lib, a, b: (lib.bitwise_left_shift(a, b), a >> b, a << 3, 1 << b),
        I(S34, 1000, low=-1000), I((4,), 70, low=-3), differentiable=False),
    _pw("frexp_exponent", lambda lib, a: lib.frexp(a).exponent, F(S34), differentiable=False),
    _pw("floor_divide_int", lambda lib, a, b: (lib.floor_divide(a, b), a // 3, lib.fmod(a, b),
                                                lib.remainder(a, b), lib.div(a, b, rounding_mode="trunc")),
        I(S34, 20, low=-20), I((4,), 5, low=1), differentiable=False),
    _pw("rounding_int", lambda lib, a: (lib.floor(a), lib.ceil(a), lib.round(a), lib.trunc(a),
                                       lib.sgn(a), lib.square(a), lib.nan_to_num(a)),
        I(S34, 10, low=-10), differentiable=False),
)

# ---------------------------------------------------------------- finite differences
add(
    _pw("gradient", lambda lib, a: lib.gradient(a), F(S34)),
    _pw("gradient_spacing_order2", lambda lib, a: lib.gradient(a, spacing=0.5, dim=1, edge_order=2),
        F(S234)),
    _pw("gradient_spacings", lambda lib, a: lib.gradient(a, spacing=[2.0, 0.5], dim=(0, -1)), F(S234)),
    _pw("gradient_coordinates", lambda lib, a: lib.gradient(
        a, spacing=(lib.tensor([0.0, 0.5, 1.5, 1.75], dtype=a.dtype),), dim=1, edge_order=2), F(S34)),
    _pw("gradient_coordinates_order1", lambda lib, a: lib.gradient(
        a, spacing=[lib.tensor([0.0, 0.5, 1.5], dtype=a.dtype)], dim=0), F(S34)),
)
