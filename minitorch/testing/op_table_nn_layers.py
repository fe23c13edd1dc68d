"""Op-table entries: nn.functional: activations, losses, distances, padding, conv/pooling.

Each entry is checked like the rest of the table (tests/test_ops.py): forward and backward
against PyTorch in float64 and float32, non-contiguous inputs, gradcheck and gradgradcheck.
"""
from __future__ import annotations

import numpy as np  # noqa: F401

from .op_table import (add, _spec, _assign, F, I, B, Arg, normal, uniform, positive,  # noqa: F401
                       away_from, distinct, with_zeros, S34, S234)


def _F(lib):
    return lib.nn.functional


def _fam(family):
    """_spec with the family filled in."""
    def make(name, fn, *args, **kw):
        return _spec(name, fn, *args, family=family, **kw)
    return make


# ---------------------------------------------------------------- activations
_act = _fam("activation")
_wide = uniform(-4, 4)
add(
    _act("hardtanh", lambda lib, x: _F(lib).hardtanh(x), F(S234, away_from(-1.0, 1.0, lo=-2, hi=2))),
    _act("hardtanh_range", lambda lib, x: _F(lib).hardtanh(x, -0.5, 1.5),
         F(S34, away_from(-0.5, 1.5, lo=-2, hi=3))),
    _act("relu6", lambda lib, x: _F(lib).relu6(x), F(S234, away_from(0.0, 6.0, lo=-3, hi=8))),
    _act("selu", lambda lib, x: lib.selu(x), F(S234, away_from(0.0, lo=-3, hi=3))),
    _act("selu_F", lambda lib, x: _F(lib).selu(x), F(S34, away_from(0.0, lo=-3, hi=3))),
    _act("celu", lambda lib, x: lib.celu(x), F(S234, away_from(0.0, lo=-3, hi=3))),
    _act("celu_alpha", lambda lib, x: _F(lib).celu(x, alpha=0.7), F(S34, away_from(0.0, lo=-3, hi=3))),
    _act("mish", lambda lib, x: _F(lib).mish(x), F(S234, uniform(-6, 6))),
    _act("hardswish", lambda lib, x: _F(lib).hardswish(x), F(S234, away_from(-3.0, 3.0, lo=-5, hi=5))),
    _act("hardsigmoid", lambda lib, x: _F(lib).hardsigmoid(x), F(S234, away_from(-3.0, 3.0, lo=-5, hi=5))),
    _act("softsign", lambda lib, x: _F(lib).softsign(x), F(S234, _wide)),
    _act("softmin", lambda lib, x: _F(lib).softmin(x, dim=1), F(S234)),
    _act("softmin_dtype", lambda lib, x: _F(lib).softmin(x, -1, dtype=lib.float64), F(S34),
         keeps_dtype=False),
    _act("logsigmoid", lambda lib, x: _F(lib).logsigmoid(x), F(S234, uniform(-8, 8))),
    _act("threshold", lambda lib, x: _F(lib).threshold(x, 0.2, -3.0), F(S234, away_from(0.2))),
    _act("threshold_torch", lambda lib, x: lib.threshold(x, -0.5, 2.0), F(S34, away_from(-0.5))),
    _act("glu", lambda lib, x: _F(lib).glu(x), F((3, 6))),
    _act("glu_dim", lambda lib, x: _F(lib).glu(x, 0), F((4, 3, 2))),
    _act("tanhshrink", lambda lib, x: _F(lib).tanhshrink(x), F(S234, _wide)),
    _act("softshrink", lambda lib, x: _F(lib).softshrink(x), F(S234, away_from(-0.5, 0.5, lo=-2, hi=2))),
    _act("softshrink_lambd", lambda lib, x: _F(lib).softshrink(x, 1.0), F(S34, away_from(-1.0, 1.0, lo=-2, hi=2))),
    _act("hardshrink", lambda lib, x: _F(lib).hardshrink(x), F(S234, away_from(-0.5, 0.5, lo=-2, hi=2))),
    _act("hardshrink_method", lambda lib, x: x.hardshrink(0.8), F(S34, away_from(-0.8, 0.8, lo=-2, hi=2))),
    _act("rrelu_eval", lambda lib, x: _F(lib).rrelu(x), F(S234, away_from(0.0))),
    _act("rrelu_eval_bounds", lambda lib, x: lib.rrelu(x, 0.2, 0.4), F(S34, away_from(0.0))),
    _act("prelu_torch", lambda lib, x, w: lib.prelu(x, w), F(S234, away_from(0.0)), F((3,))),
    _act("prelu_method", lambda lib, x, w: x.prelu(w), F(S34, away_from(0.0)), F((1,))),
    _act("normalize", lambda lib, x: _F(lib).normalize(x), F(S234)),
    _act("normalize_p1_dim", lambda lib, x: _F(lib).normalize(x, p=1, dim=-1), F(S34, away_from(0.0))),
    _act("normalize_p3", lambda lib, x: _F(lib).normalize(x, p=3.0, dim=0), F(S34, away_from(0.0))),
    _act("normalize_clamped", lambda lib, x: _F(lib).normalize(x, dim=1, eps=10.0), F(S34)),
)

# ---------------------------------------------------------------- distances, bilinear
_dist = _fam("distance")
add(
    _dist("cosine_similarity", lambda lib, a, b: _F(lib).cosine_similarity(a, b), F(S234), F(S234)),
    _dist("cosine_similarity_broadcast", lambda lib, a, b: _F(lib).cosine_similarity(a, b, dim=-1),
          F(S34), F((4,))),
    _dist("cosine_similarity_torch", lambda lib, a, b: lib.cosine_similarity(a, b, 0, 1e-6),
          F((4, 2)), F((4, 1))),
    _dist("cosine_similarity_zero", lambda lib, a, b: _F(lib).cosine_similarity(a, b), F(S34), F(S34),
          fixed=lambda rng: [np.concatenate([np.zeros((1, 4)), rng.standard_normal((2, 4))]),
                             rng.standard_normal(S34)],
          finite_diff=False, notes="a zero row: the clamped norm's value, the unclamped gradient"),
    _dist("pairwise_distance", lambda lib, a, b: _F(lib).pairwise_distance(a, b), F(S34), F(S34)),
    _dist("pairwise_distance_p1_keepdim", lambda lib, a, b: _F(lib).pairwise_distance(a, b, p=1, keepdim=True),
          F(S234, distinct), F(S234, distinct)),
    _dist("pairwise_distance_p3_broadcast", lambda lib, a, b: lib.pairwise_distance(a, b, 3.0),
          F(S34), F((4,))),
    _dist("pairwise_distance_inf", lambda lib, a, b: _F(lib).pairwise_distance(a, b, p=float("inf")),
          F(S34, distinct), F(S34, distinct)),
    _dist("pairwise_distance_1d", lambda lib, a, b: _F(lib).pairwise_distance(a, b), F((5,)), F((5,))),
    _dist("pdist", lambda lib, a: _F(lib).pdist(a), F((5, 3))),
    _dist("pdist_p1", lambda lib, a: lib.pdist(a, p=1), F((4, 3), distinct)),
    _dist("pdist_p3", lambda lib, a: _F(lib).pdist(a, 3.0), F((4, 3))),
    _dist("pdist_inf", lambda lib, a: _F(lib).pdist(a, float("inf")), F((4, 3), distinct)),
    _dist("bilinear", lambda lib, a, b, w, c: _F(lib).bilinear(a, b, w, c), F((3, 2)), F((3, 4)),
          F((5, 2, 4)), F((5,))),
    _dist("bilinear_nobias_3d", lambda lib, a, b, w: _F(lib).bilinear(a, b, w), F((2, 3, 2)), F((2, 3, 4)),
          F((5, 2, 4))),
    _dist("bilinear_1d", lambda lib, a, b, w, c: lib.bilinear(a, b, w, c), F((2,)), F((3,)),
          F((4, 2, 3)), F((4,))),
)
