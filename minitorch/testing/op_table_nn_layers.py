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

# ---------------------------------------------------------------- losses
_loss = _fam("loss")


def _pm1(t, like):
    """An int tensor of 0/1 as a float +-1 target of `like`'s dtype (not differentiated)."""
    return (t * 2 - 1).to(like.dtype)


_MLM_TARGET = np.array([[3, 0, -1, 1], [0, 1, 2, 3], [1, -1, 0, 0], [2, 2, -1, 3]])


def _ctc_inputs(T, N, C, S, tgt_len, in_len, concat=False):
    def draw(rng):
        labels = rng.integers(1, C, (N, S))
        if concat:
            labels = np.concatenate([labels[i, :tgt_len[i]] for i in range(N)])
        return [rng.standard_normal((T, N, C)), labels, np.array(in_len), np.array(tgt_len)]
    return draw


add(
    _loss("kl_div_batchmean", lambda lib, x, t: _F(lib).kl_div(x, t, reduction="batchmean"),
          F(S34), F(S34, positive(0.1, 1.0))),
    _loss("kl_div_none", lambda lib, x, t: _F(lib).kl_div(x, t, reduction="none"), F(S234), F(S234, positive(0.1, 1.0))),
    _loss("kl_div_sum_log_target", lambda lib, x, t: _F(lib).kl_div(x, t, reduction="sum", log_target=True),
          F(S34), F(S34)),
    _loss("kl_div_torch", lambda lib, x, t: lib.kl_div(x, t, 1), F(S34), F(S34, positive(0.1, 1.0))),
    _loss("poisson_nll", lambda lib, x, t: _F(lib).poisson_nll_loss(x, t), F(S34), F(S34, positive(0.0, 4.0))),
    _loss("poisson_nll_rate_full", lambda lib, x, t: _F(lib).poisson_nll_loss(x, t, log_input=False, full=True,
                                                                           reduction="none"),
          F(S234, positive(0.2, 3.0)), F(S234, away_from(1.0, lo=0.2, hi=4.0))),
    _loss("poisson_nll_torch", lambda lib, x, t: lib.poisson_nll_loss(x, t, True, True, 1e-8, 2),
          F(S34), F(S34, away_from(1.0, lo=0.2, hi=4.0))),
    _loss("gaussian_nll", lambda lib, x, t, v: _F(lib).gaussian_nll_loss(x, t, v), F(S34), F(S34),
          F(S34, positive(0.3, 2.0))),
    _loss("gaussian_nll_short_var_full", lambda lib, x, t, v: _F(lib).gaussian_nll_loss(x, t, v, full=True,
                                                                                      reduction="sum"),
          F(S234), F(S234), F((2, 3), positive(0.3, 2.0))),
    _loss("gaussian_nll_shared_var", lambda lib, x, t, v: _F(lib).gaussian_nll_loss(x, t, v, reduction="none"),
          F(S234), F(S234), F((2, 1, 4), positive(0.3, 2.0))),
    _loss("gaussian_nll_clamped_var", lambda lib, x, t, v: _F(lib).gaussian_nll_loss(x, t, v, eps=0.5),
          F(S34), F(S34), F(S34, positive(0.1, 1.0)), finite_diff=False,
          notes="the clamp acts on the value only (PyTorch's no_grad clamp_)"),
    _loss("margin_ranking", lambda lib, a, b, t: _F(lib).margin_ranking_loss(a, b, _pm1(t, a), margin=0.1),
          F((6,)), F((6,)), I((6,), 2)),
    _loss("margin_ranking_none", lambda lib, a, b, t: _F(lib).margin_ranking_loss(a, b, _pm1(t, a),
                                                                                reduction="none"),
          F((2, 5)), F((2, 5)), I((2, 5), 2)),
    _loss("margin_ranking_torch", lambda lib, a, b, t: lib.margin_ranking_loss(a, b, _pm1(t, a), 0.3, 2),
          F((6,)), F((6,)), I((6,), 2)),
    _loss("hinge_embedding", lambda lib, x, t: _F(lib).hinge_embedding_loss(x, t * 2 - 1),
          F((3, 4), away_from(1.0, lo=0.0, hi=2.0)), I((3, 4), 2)),
    _loss("hinge_embedding_margin_none", lambda lib, x, t: lib.hinge_embedding_loss(x, _pm1(t, x), 0.5, 0),
          F((5,), away_from(0.5, lo=-1.0, hi=2.0)), I((5,), 2)),
    _loss("cosine_embedding", lambda lib, a, b, t: _F(lib).cosine_embedding_loss(a, b, t * 2 - 1),
          F((4, 5)), F((4, 5)), I((4,), 2)),
    _loss("cosine_embedding_margin_none", lambda lib, a, b, t: _F(lib).cosine_embedding_loss(
        a, b, t * 2 - 1, margin=-0.5, reduction="none"), F((4, 5)), F((4, 5)), I((4,), 2)),
    _loss("cosine_embedding_1d", lambda lib, a, b: lib.cosine_embedding_loss(a, b, lib.tensor(-1), 0.0, 2),
          F((5,)), F((5,)), fixed=lambda rng: [np.array([1.0, 2, 0.5, -1, 0.3]), np.array([0.8, 1.5, 1, 0.2, 1])]),
    _loss("soft_margin", lambda lib, x, t: _F(lib).soft_margin_loss(x, _pm1(t, x)), F(S34, uniform(-4, 4)),
          I(S34, 2)),
    _loss("soft_margin_none", lambda lib, x, t: _F(lib).soft_margin_loss(x, t.detach(), reduction="none"),
          F(S234), F(S234), finite_diff=False, notes="any float target; not differentiable in it"),
    _loss("multilabel_soft_margin", lambda lib, x, t: _F(lib).multilabel_soft_margin_loss(x, t.to(x.dtype)),
          F(S34, uniform(-4, 4)), I(S34, 2)),
    _loss("multilabel_soft_margin_weight", lambda lib, x, t, w: _F(lib).multilabel_soft_margin_loss(
        x, t, weight=w, reduction="none"), F(S34), F(S34, uniform(0, 1)), F((4,), positive())),
    _loss("multilabel_margin", lambda lib, x, t: _F(lib).multilabel_margin_loss(x, t), F((4, 4)), I((4, 4), 4),
          fixed=lambda rng: [rng.standard_normal((4, 4)), _MLM_TARGET]),
    _loss("multilabel_margin_none_1d", lambda lib, x, t: _F(lib).multilabel_margin_loss(x, t, reduction="none"),
          F((4,)), I((4,), 4), fixed=lambda rng: [rng.standard_normal(4), np.array([2, 0, -1, 3])]),
    _loss("multi_margin", lambda lib, x, t: _F(lib).multi_margin_loss(x, t), F((5, 4)), I((5,), 4)),
    _loss("multi_margin_p2_weight", lambda lib, x, t: _F(lib).multi_margin_loss(
        x, t, p=2, margin=0.5, weight=lib.tensor([0.5, 1.0, 2.0, 1.5], dtype=x.dtype), reduction="none"),
          F((5, 4)), I((5,), 4)),
    _loss("multi_margin_1d", lambda lib, x, t: _F(lib).multi_margin_loss(x, t, reduction="sum"),
          F((4,)), I((), 4)),
    _loss("triplet_margin", lambda lib, a, p, n: _F(lib).triplet_margin_loss(a, p, n), F(S34), F(S34), F(S34)),
    _loss("triplet_margin_p1_swap_none", lambda lib, a, p, n: _F(lib).triplet_margin_loss(
        a, p, n, margin=2.0, p=1, swap=True, reduction="none"), F((5, 3)), F((5, 3)), F((5, 3))),
    _loss("triplet_margin_torch", lambda lib, a, p, n: lib.triplet_margin_loss(a, p, n, 1.5, 2, 1e-6, True, 2),
          F(S34), F(S34), F(S34)),
    _loss("triplet_margin_1d", lambda lib, a, p, n: _F(lib).triplet_margin_loss(a, p, n, margin=3.0),
          F((4,)), F((4,)), F((4,))),
    _loss("triplet_distance_default", lambda lib, a, p, n: _F(lib).triplet_margin_with_distance_loss(
        a, p, n, margin=2.0), F(S34), F(S34), F(S34)),
    _loss("triplet_distance_cosine_swap", lambda lib, a, p, n: _F(lib).triplet_margin_with_distance_loss(
        a, p, n, distance_function=lambda x, y: 1.0 - _F(lib).cosine_similarity(x, y), swap=True,
        reduction="sum"), F((5, 3)), F((5, 3)), F((5, 3))),
    _loss("ctc", lambda lib, x, t, il, tl: _F(lib).ctc_loss(x.log_softmax(2), t, il, tl),
          F((7, 3, 5)), I((3, 3), 5), I((3,), 8), I((3,), 4),
          fixed=_ctc_inputs(7, 3, 5, 3, [3, 2, 1], [7, 6, 4]), gradgrad=False,
          notes="PyTorch's ctc_loss backward is not differentiable"),
    _loss("ctc_none_repeats", lambda lib, x, t, il, tl: _F(lib).ctc_loss(x.log_softmax(-1), t, il, tl,
                                                                       reduction="none"),
          F((6, 2, 3)), I((2, 4), 3), I((2,), 7), I((2,), 5),
          fixed=lambda rng: [rng.standard_normal((6, 2, 3)), np.array([[1, 1, 2, 0], [2, 2, 2, 1]]),
                             np.array([6, 6]), np.array([2, 3])], gradgrad=False),
    # contiguous(): PyTorch 2.13 misreads strided 1-d (concatenated) targets; minitorch does not
    _loss("ctc_concat_sum_blank", lambda lib, x, t, il, tl: lib.ctc_loss(x.log_softmax(2), t.contiguous(), il,
                                                                       tl, 4, 2),
          F((8, 3, 5)), I((6,), 4), I((3,), 9), I((3,), 4),
          fixed=lambda rng: [rng.standard_normal((8, 3, 5)), rng.integers(0, 4, 6), np.array([8, 5, 7]),
                             np.array([3, 1, 2])], gradgrad=False),
    _loss("ctc_zero_infinity", lambda lib, x, t, il, tl: _F(lib).ctc_loss(
        x.log_softmax(2), t, il, tl, reduction="none", zero_infinity=True),
          F((3, 2, 4)), I((2, 3), 4), I((2,), 4), I((2,), 4),
          fixed=lambda rng: [rng.standard_normal((3, 2, 4)), np.array([[1, 1, 1], [2, 3, 1]]),
                             np.array([3, 3]), np.array([3, 1])], gradgrad=False),
    _loss("ctc_unbatched", lambda lib, x, t: _F(lib).ctc_loss(x.log_softmax(1), t, lib.tensor(5), lib.tensor(2)),
          F((5, 4)), I((2,), 4, 1), gradgrad=False),
)

# ---------------------------------------------------------------- padding modules, shuffles
_pad = _fam("padding")
add(
    _pad("ZeroPad2d", lambda lib, x: lib.nn.ZeroPad2d((1, 2, 0, 1))(x), F((2, 3, 4))),
    _pad("ConstantPad1d_crop", lambda lib, x: lib.nn.ConstantPad1d((-1, 2), 0.5)(x), F(S234)),
    _pad("ConstantPad3d", lambda lib, x: lib.nn.ConstantPad3d(1, -2.0)(x), F((1, 2, 2, 3))),
    _pad("ZeroPad3d", lambda lib, x: lib.nn.ZeroPad3d((1, 0, 0, 2, 1, 1))(x), F((2, 2, 3, 2))),
    _pad("ReflectionPad1d", lambda lib, x: lib.nn.ReflectionPad1d((2, 1))(x), F((2, 3, 4))),
    _pad("ReflectionPad2d", lambda lib, x: lib.nn.ReflectionPad2d((1, 2, 2, 0))(x), F((1, 2, 3, 4))),
    _pad("ReflectionPad3d", lambda lib, x: lib.nn.ReflectionPad3d(1)(x), F((1, 2, 3, 3, 2))),
    _pad("ReflectionPad3d_unbatched", lambda lib, x: lib.nn.ReflectionPad3d((1, 0, 0, 1, 1, 0))(x),
         F((2, 2, 3, 2))),
    _pad("ReplicationPad1d", lambda lib, x: lib.nn.ReplicationPad1d(3)(x), F((3, 4))),
    _pad("ReplicationPad2d", lambda lib, x: lib.nn.ReplicationPad2d((2, 0, 1, 3))(x), F((2, 3, 4))),
    _pad("ReplicationPad3d", lambda lib, x: lib.nn.ReplicationPad3d((1, 2, 0, 1, 2, 1))(x), F((1, 2, 2, 3, 2))),
    _pad("CircularPad1d", lambda lib, x: lib.nn.CircularPad1d((1, 3))(x), F((2, 3, 4))),
    _pad("CircularPad2d", lambda lib, x: lib.nn.CircularPad2d(1)(x), F((1, 2, 3, 4))),
    _pad("CircularPad3d", lambda lib, x: lib.nn.CircularPad3d((1, 0, 2, 1, 1, 1))(x), F((2, 3, 3, 2))),
    _pad("pad_reflect_3d", lambda lib, x: _F(lib).pad(x, (1, 1, 1, 0, 0, 1), mode="reflect"), F((1, 2, 3, 3, 2))),
    _pad("pixel_shuffle", lambda lib, x: _F(lib).pixel_shuffle(x, 2), F((2, 8, 2, 3))),
    _pad("pixel_shuffle_lead", lambda lib, x: lib.pixel_shuffle(x, 3), F((2, 1, 9, 2, 1))),
    _pad("pixel_unshuffle", lambda lib, x: _F(lib).pixel_unshuffle(x, 2), F((2, 2, 4, 6))),
    _pad("pixel_unshuffle_3d", lambda lib, x: lib.pixel_unshuffle(x, 3), F((1, 3, 6))),
    _pad("channel_shuffle", lambda lib, x: _F(lib).channel_shuffle(x, 3), F((2, 6, 2, 2))),
    _pad("channel_shuffle_3d", lambda lib, x: lib.nn.ChannelShuffle(2)(x), F((2, 4, 3))),
    _pad("Fold", lambda lib, x: lib.nn.Fold((4, 5), 2, padding=1)(x), F((2, 12, 30))),
    _pad("Unfold", lambda lib, x: lib.nn.Unfold((2, 3), dilation=(1, 2), stride=2)(x), F((2, 3, 5, 7))),
)

# ---------------------------------------------------------------- dropout (deterministic cases)
_drop = _fam("dropout")
add(
    _drop("alpha_dropout_eval", lambda lib, x: _F(lib).alpha_dropout(x, 0.5) * 1.0, F(S34)),
    _drop("alpha_dropout_p0", lambda lib, x: _F(lib).alpha_dropout(x, 0.0, True) * 1.0, F(S34)),
    _drop("alpha_dropout_p1", lambda lib, x: _F(lib).alpha_dropout(x, 1.0, True), F(S34)),
    _drop("feature_alpha_dropout_eval", lambda lib, x: _F(lib).feature_alpha_dropout(x, 0.3) * 2.0, F(S234)),
    _drop("dropout1d_p1", lambda lib, x: _F(lib).dropout1d(x, 1.0), F(S234)),
    _drop("dropout3d_eval", lambda lib, x: _F(lib).dropout3d(x, 0.5, training=False) * 1.0, F((1, 2, 2, 3, 2))),
    _drop("dropout_torch_eval", lambda lib, x: lib.dropout(x, 0.4, False) * 1.0, F(S34)),
    _drop("feature_dropout_p1", lambda lib, x: lib.feature_dropout(x, 1.0, True), F(S234)),
)

# ---------------------------------------------------------------- embedding_bag
_emb = _fam("embedding")
_BAG_IDX = np.array([1, 2, 4, 5, 4, 3, 2, 9, 0, 7])
add(
    _emb("embedding_bag_mean", lambda lib, w, i, o: _F(lib).embedding_bag(i, w, o), F((10, 3)),
         I((10,), 10), I((3,), 10), fixed=lambda rng: [rng.standard_normal((10, 3)), _BAG_IDX,
                                                       np.array([0, 4, 4])]),
    _emb("embedding_bag_sum_2d", lambda lib, w, i: _F(lib).embedding_bag(i, w, mode="sum"), F((6, 4)),
         I((3, 4), 6)),
    _emb("embedding_bag_max", lambda lib, w, i, o: _F(lib).embedding_bag(i, w, o, mode="max"),
         F((10, 3), distinct), I((10,), 10), I((4,), 10),
         fixed=lambda rng: [distinct(rng, (10, 3)), _BAG_IDX, np.array([0, 3, 3, 7])]),
    _emb("embedding_bag_weights_last_offset", lambda lib, w, i, o, p: _F(lib).embedding_bag(
        i, w, o, mode="sum", per_sample_weights=p, include_last_offset=True),
         F((10, 3)), I((10,), 10), I((3,), 10), F((10,)),
         fixed=lambda rng: [rng.standard_normal((10, 3)), _BAG_IDX, np.array([0, 6, 10]),
                            rng.standard_normal(10)]),
    _emb("embedding_bag_padding_mean", lambda lib, w, i, o: _F(lib).embedding_bag(i, w, o, padding_idx=2),
         F((10, 3)), I((10,), 10), I((3,), 10), finite_diff=False,
         fixed=lambda rng: [rng.standard_normal((10, 3)), _BAG_IDX, np.array([0, 2, 5])],
         notes="the padding row gets no gradient on purpose"),
)

# ---------------------------------------------------------------- 3-d convolution
_conv = _fam("conv")
add(
    _conv("conv3d", lambda lib, x, w, b: _F(lib).conv3d(x, w, b), F((2, 2, 3, 4, 3)), F((3, 2, 2, 2, 2)), F((3,))),
    _conv("conv3d_stride_pad_dil_groups", lambda lib, x, w, b: lib.conv3d(
        x, w, b, stride=(2, 1, 2), padding=(1, 2, 0), dilation=(2, 1, 1), groups=2),
          F((1, 4, 5, 4, 5)), F((6, 2, 2, 3, 2)), F((6,))),
    _conv("conv3d_same_unbatched", lambda lib, x, w: _F(lib).conv3d(x, w, padding="same", dilation=(1, 2, 1)),
          F((2, 3, 5, 4)), F((2, 2, 2, 2, 3))),
    _conv("conv3d_1x1", lambda lib, x, w: _F(lib).conv3d(x, w, stride=2), F((1, 3, 3, 4, 5)), F((2, 3, 1, 1, 1))),
    _conv("conv_transpose3d", lambda lib, x, w, b: _F(lib).conv_transpose3d(x, w, b), F((2, 2, 2, 3, 2)),
          F((2, 3, 2, 2, 2)), F((3,))),
    _conv("conv_transpose3d_stride_opad_groups", lambda lib, x, w, b: lib.conv_transpose3d(
        x, w, b, stride=(2, 1, 2), padding=(1, 0, 1), output_padding=(1, 0, 1), groups=2, dilation=(1, 2, 1)),
          F((1, 4, 3, 3, 2)), F((4, 1, 2, 2, 3)), F((2,))),
    _conv("conv_transpose3d_unbatched_pad", lambda lib, x, w: _F(lib).conv_transpose3d(
        x, w, stride=2, padding=2, output_padding=1), F((2, 3, 2, 3)), F((2, 2, 3, 2, 2))),
)

# ---------------------------------------------------------------- pooling: 3-d, lp, indices
_pool = _fam("pooling")
_X5 = (2, 2, 4, 5, 4)
add(
    _pool("max_pool3d", lambda lib, x: _F(lib).max_pool3d(x, 2), F(_X5, distinct)),
    _pool("max_pool3d_indices", lambda lib, x: tuple(_F(lib).max_pool3d(
        x, (3, 2, 3), (2, 1, 2), (1, 1, 0), return_indices=True)), F(_X5, distinct)),
    _pool("max_pool3d_dilation_ceil", lambda lib, x: tuple(_F(lib).max_pool3d(
        x, 3, 2, 1, dilation=(1, 2, 1), ceil_mode=True, return_indices=True)), F((1, 2, 5, 6, 5), distinct)),
    _pool("max_pool3d_torch_unbatched", lambda lib, x: lib.max_pool3d(x, (2, 1, 2), (1, 1, 2)),
          F((2, 3, 3, 4), distinct)),
    _pool("avg_pool3d", lambda lib, x: _F(lib).avg_pool3d(x, 2), F(_X5)),
    _pool("avg_pool3d_ceil_pad", lambda lib, x: _F(lib).avg_pool3d(x, (3, 2, 3), (2, 1, 2), (1, 1, 1),
                                                                   ceil_mode=True), F(_X5)),
    _pool("avg_pool3d_exclude_pad", lambda lib, x: _F(lib).avg_pool3d(
        x, 3, 2, 1, ceil_mode=True, count_include_pad=False), F(_X5)),
    _pool("avg_pool3d_divisor", lambda lib, x: _F(lib).avg_pool3d(x, (2, 3, 2), padding=1, divisor_override=5),
          F((3, 4, 5, 4))),
    _pool("adaptive_avg_pool3d", lambda lib, x: _F(lib).adaptive_avg_pool3d(x, (2, 3, 3)), F(_X5)),
    _pool("adaptive_avg_pool3d_none", lambda lib, x: _F(lib).adaptive_avg_pool3d(x, (None, 2, 1)), F((2, 3, 5, 4))),
    _pool("adaptive_max_pool3d", lambda lib, x: tuple(_F(lib).adaptive_max_pool3d(x, (3, 2, 3), True)),
          F(_X5, distinct)),
    _pool("adaptive_max_pool3d_int", lambda lib, x: _F(lib).adaptive_max_pool3d(x, 2), F((2, 3, 5, 4), distinct)),
    _pool("max_unpool3d", lambda lib, x: _F(lib).max_unpool3d(*_F(lib).max_pool3d(x, 2, return_indices=True), 2),
          F((2, 2, 4, 6, 4), distinct)),
    _pool("max_unpool3d_output_size", lambda lib, x: _F(lib).max_unpool3d(
        *_F(lib).max_pool3d(x, 2, return_indices=True), 2, output_size=(5, 5, 5)), F((1, 2, 5, 5, 5), distinct)),
    _pool("max_pool2d_with_indices", lambda lib, x: tuple(_F(lib).max_pool2d_with_indices(x, 3, 2, 1)),
          F((2, 2, 5, 6), distinct)),
    _pool("max_pool2d_return_indices_ceil", lambda lib, x: tuple(_F(lib).max_pool2d(
        x, (2, 3), (2, 2), (1, 1), ceil_mode=True, return_indices=True)), F((1, 2, 5, 6), distinct)),
    _pool("adaptive_max_pool1d_torch", lambda lib, x: tuple(lib.adaptive_max_pool1d(x, 3)), F((2, 3, 7), distinct)),
    _pool("max_pool1d_with_indices_torch", lambda lib, x: tuple(lib.max_pool1d_with_indices(x, 3, 2, 1)),
          F((2, 3, 8), distinct)),
    _pool("lp_pool1d", lambda lib, x: _F(lib).lp_pool1d(x, 2, 3), F((2, 3, 7), away_from(0.0))),
    _pool("lp_pool2d_p1_5", lambda lib, x: _F(lib).lp_pool2d(x, 1.5, (2, 3), 2, ceil_mode=True),
          F((2, 2, 6, 7), positive(0.2, 2.0))),
    _pool("lp_pool3d", lambda lib, x: _F(lib).lp_pool3d(x, 2, 2), F(_X5, away_from(0.0))),
    _pool("lp_pool3d_p3_stride", lambda lib, x: _F(lib).lp_pool3d(x, 3.0, (2, 3, 2), (1, 2, 2)),
          F(_X5, positive(0.2, 2.0))),
    _pool("LPPool2d_module", lambda lib, x: lib.nn.LPPool2d(2, 2)(x), F((1, 3, 4, 6), away_from(0.0))),
)

# ---------------------------------------------------------------- interpolate: the other modes
_vis = _fam("vision")
add(
    _vis("interpolate_bicubic", lambda lib, x: _F(lib).interpolate(x, size=(7, 9), mode="bicubic"), F((2, 2, 5, 6))),
    _vis("interpolate_bicubic_align", lambda lib, x: _F(lib).interpolate(x, size=(3, 8), mode="bicubic",
                                                                       align_corners=True), F((1, 2, 5, 6))),
    _vis("interpolate_bicubic_scale", lambda lib, x: _F(lib).interpolate(x, scale_factor=(0.6, 2.3), mode="bicubic"),
         F((1, 2, 5, 6))),
    _vis("interpolate_trilinear", lambda lib, x: _F(lib).interpolate(x, size=(5, 3, 8), mode="trilinear"),
         F((1, 2, 3, 4, 5))),
    _vis("interpolate_trilinear_align_scale", lambda lib, x: _F(lib).interpolate(
        x, scale_factor=2, mode="trilinear", align_corners=True), F((1, 1, 2, 3, 2))),
    _vis("interpolate_nearest_5d", lambda lib, x: _F(lib).interpolate(x, scale_factor=(1.5, 0.5, 2.2)),
         F((1, 2, 3, 4, 5))),
    _vis("interpolate_nearest_exact_5d", lambda lib, x: _F(lib).interpolate(x, size=(2, 6, 4), mode="nearest-exact"),
         F((1, 2, 3, 4, 5))),
    _vis("interpolate_area_2d", lambda lib, x: _F(lib).interpolate(x, size=(3, 4), mode="area"), F((2, 2, 5, 6))),
    _vis("interpolate_area_scale_5d", lambda lib, x: _F(lib).interpolate(x, scale_factor=0.6, mode="area"),
         F((1, 2, 3, 4, 5))),
    _vis("interpolate_area_1d", lambda lib, x: _F(lib).interpolate(x, size=4, mode="area"), F((2, 2, 7))),
    _vis("Upsample_trilinear", lambda lib, x: lib.nn.Upsample(scale_factor=(1, 2, 1.5), mode="trilinear")(x),
         F((1, 2, 2, 3, 4))),
)


# ---------------------------------------------------------------- spatial transformers
add(
    _vis("affine_grid", lambda lib, t: _F(lib).affine_grid(t, (2, 3, 4, 5), align_corners=False), F((2, 2, 3))),
    _vis("affine_grid_3d_align", lambda lib, t: _F(lib).affine_grid(t, (2, 1, 3, 4, 2), align_corners=True),
         F((2, 3, 4))),
    _vis("grid_sample_bilinear", lambda lib, x, g: _F(lib).grid_sample(x, g, align_corners=False),
         F((2, 2, 4, 5)), F((2, 3, 2, 2), uniform(-1.2, 1.2))),
    _vis("grid_sample_bilinear_border_align", lambda lib, x, g: _F(lib).grid_sample(
        x, g, padding_mode="border", align_corners=True), F((1, 2, 4, 5)), F((1, 3, 3, 2), uniform(-1.2, 1.2))),
    _vis("grid_sample_reflection", lambda lib, x, g: _F(lib).grid_sample(
        x, g, padding_mode="reflection", align_corners=False), F((1, 2, 4, 5)), F((1, 3, 3, 2), uniform(-1.5, 1.5))),
    _vis("grid_sample_nearest", lambda lib, x, g: _F(lib).grid_sample(x, g, mode="nearest", align_corners=False),
         F((2, 2, 4, 5)), F((2, 3, 2, 2), uniform(-1.2, 1.2))),
    _vis("grid_sample_bicubic", lambda lib, x, g: _F(lib).grid_sample(x, g, mode="bicubic", align_corners=False),
         F((1, 2, 4, 5)), F((1, 2, 3, 2), uniform(-1.2, 1.2))),
    _vis("grid_sample_bicubic_reflection_align", lambda lib, x, g: _F(lib).grid_sample(
        x, g, mode="bicubic", padding_mode="reflection", align_corners=True), F((1, 1, 4, 5)),
         F((1, 2, 3, 2), uniform(-1.2, 1.2))),
    _vis("grid_sample_trilinear", lambda lib, x, g: _F(lib).grid_sample(x, g, align_corners=False),
         F((1, 2, 3, 4, 3)), F((1, 2, 2, 2, 3), uniform(-1.2, 1.2))),
    _vis("grid_sampler_torch_5d_border", lambda lib, x, g: lib.grid_sampler(x, g, 0, 1, True),
         F((1, 2, 3, 4, 3)), F((1, 2, 2, 2, 3), uniform(-1.2, 1.2))),
    _vis("spatial_transformer", lambda lib, x, t: _F(lib).grid_sample(
        x, _F(lib).affine_grid(t, (2, 2, 3, 4), align_corners=False), align_corners=False),
         F((2, 2, 4, 5)), F((2, 2, 3), uniform(-0.8, 0.8))),
)

# ---------------------------------------------------------------- fractional max pooling
_U2 = np.array([[[0.3, 0.8], [0.6, 0.1]], [[0.95, 0.45], [0.05, 0.5]]])     # (N=2, C=2, 2)
_U3 = np.array([[[0.1, 0.5, 0.9], [0.7, 0.2, 0.4]]])                         # (N=1, C=2, 3)
add(
    _pool("fractional_max_pool2d", lambda lib, x: tuple(_F(lib).fractional_max_pool2d(
        x, 2, output_size=(3, 4), return_indices=True, _random_samples=lib.tensor(_U2, dtype=x.dtype))),
          F((2, 2, 7, 9), distinct)),
    _pool("fractional_max_pool2d_ratio", lambda lib, x: _F(lib).fractional_max_pool2d(
        x, (3, 2), output_ratio=(0.5, 0.7), _random_samples=lib.tensor(_U2, dtype=x.dtype)),
          F((2, 2, 8, 7), distinct)),
    _pool("fractional_max_pool3d", lambda lib, x: tuple(_F(lib).fractional_max_pool3d(
        x, 2, output_size=(3, 3, 2), return_indices=True, _random_samples=lib.tensor(_U3, dtype=x.dtype))),
          F((1, 2, 5, 6, 4), distinct)),
)

add(
    _loss("linear_cross_entropy", lambda lib, x, w, b, t: _F(lib).linear_cross_entropy(x, w, t, linear_bias=b),
          F((5, 4)), F((6, 4)), F((6,)), I((5,), 6)),
    _loss("linear_cross_entropy_kdim_smooth", lambda lib, x, w, t: _F(lib).linear_cross_entropy(
        x, w, t, label_smoothing=0.2, reduction="none"), F((3, 4)), F((5, 2, 4)), I((3, 2), 5)),
)

add(
    _conv("grad_conv2d_input", lambda lib, w, g: _F(lib).grad.conv2d_input(
        (2, 4, 5, 6), w, g, stride=2, padding=1, groups=2), F((6, 2, 3, 2)), F((2, 6, 3, 4))),
    _conv("grad_conv2d_weight", lambda lib, x, g: _F(lib).grad.conv2d_weight(
        x, (6, 2, 3, 2), g, stride=2, padding=1, groups=2), F((2, 4, 5, 6)), F((2, 6, 3, 4))),
    _conv("grad_conv1d_input", lambda lib, w, g: _F(lib).grad.conv1d_input((2, 3, 7), w, g, padding=1),
          F((4, 3, 3)), F((2, 4, 7))),
    _conv("grad_conv3d_weight", lambda lib, x, g: _F(lib).grad.conv3d_weight(x, (2, 2, 2, 1, 2), g),
          F((1, 2, 3, 3, 3)), F((1, 2, 2, 3, 2))),
)
