"""Op-table entries: nn.functional: normalization, recurrent, transformer.

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


def _consts(lib, x, values):
    """A constant tensor with x's dtype and device (running statistics and such)."""
    return lib.tensor(values, dtype=x.dtype, device=x.device)


# ---------------------------------------------------------------- normalization
_norm = _fam("normalization")
add(
    _norm("batch_norm_train", lambda lib, x, w, b: _F(lib).batch_norm(x, None, None, w, b, True),
          F((4, 3, 2)), F((3,)), F((3,))),
    _norm("batch_norm_train_2d", lambda lib, x: _F(lib).batch_norm(x, None, None, training=True),
          F((5, 3))),
    _norm("batch_norm_train_running",
          lambda lib, x, w: _F(lib).batch_norm(x, _consts(lib, x, [0.1, -0.2, 0.3]),
                                               _consts(lib, x, [1.0, 2.0, 0.5]), w, None, True,
                                               0.3, 1e-3),
          F((3, 3, 2, 2)), F((3,))),
    _norm("batch_norm_eval",
          lambda lib, x, w, b: _F(lib).batch_norm(x, _consts(lib, x, [0.1, -0.2, 0.3]),
                                                  _consts(lib, x, [1.0, 2.0, 0.5]), w, b),
          F((2, 3, 4)), F((3,)), F((3,))),
    _norm("layer_norm", lambda lib, x, w, b: _F(lib).layer_norm(x, (4,), w, b),
          F(S234), F((4,)), F((4,))),
    _norm("layer_norm_2d_no_affine", lambda lib, x: _F(lib).layer_norm(x, [3, 4], eps=1e-3),
          F(S234)),
    _norm("group_norm", lambda lib, x, w, b: _F(lib).group_norm(x, 3, w, b),
          F((2, 6, 3)), F((6,)), F((6,))),
    _norm("group_norm_4d_no_affine", lambda lib, x: _F(lib).group_norm(x, 2, eps=1e-3),
          F((2, 4, 2, 3))),
    _norm("group_norm_one_group", lambda lib, x, w: _F(lib).group_norm(x, 1, w),
          F((3, 4, 2)), F((4,))),
    _norm("instance_norm", lambda lib, x, w, b: _F(lib).instance_norm(x, weight=w, bias=b),
          F((2, 3, 5)), F((3,)), F((3,))),
    _norm("instance_norm_2d_running",
          lambda lib, x: _F(lib).instance_norm(x, _consts(lib, x, [0.0, 0.5]),
                                               _consts(lib, x, [1.0, 2.0]), momentum=0.2),
          F((3, 2, 3, 2))),
    _norm("instance_norm_eval",
          lambda lib, x, w: _F(lib).instance_norm(x, _consts(lib, x, [0.1, -0.3]),
                                                  _consts(lib, x, [0.7, 1.5]), w,
                                                  use_input_stats=False),
          F((2, 2, 4)), F((2,))),
    _norm("rms_norm", lambda lib, x, w: _F(lib).rms_norm(x, (4,), w), F(S234), F((4,))),
    _norm("rms_norm_2d_eps", lambda lib, x: _F(lib).rms_norm(x, [3, 4], eps=1e-3), F(S234)),
    _norm("local_response_norm", lambda lib, x: _F(lib).local_response_norm(x, 3),
          F((2, 5, 3))),
    _norm("local_response_norm_4d",
          lambda lib, x: _F(lib).local_response_norm(x, 2, alpha=0.1, beta=0.6, k=2.0),
          F((2, 4, 3, 3))),
    _norm("local_response_norm_5d", lambda lib, x: _F(lib).local_response_norm(x, 4, 0.2),
          F((1, 3, 2, 2, 2))),
)


# ---------------------------------------------------------------- packed sequences
def _rnn_utils(lib):
    return lib.nn.utils.rnn


_seq = _fam("recurrent")
add(
    _seq("pack_padded_sequence_data",
         lambda lib, x: _rnn_utils(lib).pack_padded_sequence(x, [4, 2, 1]).data,
         F((4, 3, 2))),
    _seq("pack_padded_unsorted_batch_first",
         lambda lib, x: _rnn_utils(lib).pack_padded_sequence(
             x, lib.tensor([2, 3, 1]), batch_first=True, enforce_sorted=False).data,
         F((3, 3, 2))),
    _seq("pad_packed_roundtrip",
         lambda lib, x: _rnn_utils(lib).pad_packed_sequence(
             _rnn_utils(lib).pack_padded_sequence(x, [1, 4, 3], enforce_sorted=False),
             padding_value=-1.0, total_length=5)[0],
         F((4, 3, 2))),
    _seq("pad_sequence",
         lambda lib, a, b, c: _rnn_utils(lib).pad_sequence([a, b, c], padding_value=0.5),
         F((2, 3)), F((4, 3)), F((1, 3))),
    _seq("pad_sequence_left_batch_first",
         lambda lib, a, b: _rnn_utils(lib).pad_sequence([a, b], batch_first=True,
                                                        padding_side="left"),
         F((3,)), F((1,))),
)
