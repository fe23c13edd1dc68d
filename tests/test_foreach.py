"""torch._foreach_* (functional/foreach.py) against torch, each argument form."""
import numpy as np
import pytest
import torch

import minitorch

RNG = np.random.default_rng(0)
SHAPES = [(2,), (3, 2), ()]


def _lists():
    arrs = [RNG.uniform(0.5, 2.0, s) for s in SHAPES]
    return [minitorch.tensor(a) for a in arrs], [torch.tensor(a) for a in arrs]


def _same(a, b):
    if isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            np.testing.assert_allclose(x.numpy(), y.numpy(), rtol=1e-12)
    else:
        raise AssertionError((a, b))


UNARY = ["abs", "exp", "sqrt", "neg", "sigmoid", "log", "reciprocal", "tanh", "floor", "sign"]


@pytest.mark.parametrize("op", UNARY)
@pytest.mark.parametrize("inplace", [False, True])
def test_unary(op, inplace):
    (m, t), name = _lists(), f"_foreach_{op}{'_' if inplace else ''}"
    got, want = getattr(minitorch, name)(m), getattr(torch, name)(t)
    assert (got is m) == (want is t) == inplace
    _same(got, want)
    _same(m, t)


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "pow", "maximum", "minimum",
                                "clamp_min", "clamp_max"])
@pytest.mark.parametrize("form", ["list", "scalar", "scalars"])
@pytest.mark.parametrize("inplace", [False, True])
def test_binary(op, form, inplace):
    (m, t), (m2, t2) = _lists(), _lists()
    if op in ("maximum", "minimum") and form != "list":
        pytest.skip("torch takes only tensor lists for maximum/minimum")
    other = {"list": (m2, t2), "scalar": (1.5, 1.5), "scalars": ([0.5, 2.0, 3.0],) * 2}[form]
    name = f"_foreach_{op}{'_' if inplace else ''}"
    got, want = getattr(minitorch, name)(m, other[0]), getattr(torch, name)(t, other[1])
    assert (got is m) == (want is t) == inplace
    _same(got, want)
    _same(m, t)


def test_add_alpha_lerp_addcmul_norm_max_as_torch():
    (m, t), (m2, t2), (m3, t3) = _lists(), _lists(), _lists()
    _same(minitorch._foreach_add(m, m2, alpha=0.5), torch._foreach_add(t, t2, alpha=0.5))
    minitorch._foreach_lerp_(m, m2, 0.1)
    torch._foreach_lerp_(t, t2, 0.1)
    _same(m, t)
    _same(minitorch._foreach_lerp(m, m2, m3), torch._foreach_lerp(t, t2, t3))
    _same(minitorch._foreach_addcmul(m, m2, m3, 0.3), torch._foreach_addcmul(t, t2, t3, 0.3))
    minitorch._foreach_addcdiv_(m, m2, m3, [0.1, 0.2, 0.3])
    torch._foreach_addcdiv_(t, t2, t3, [0.1, 0.2, 0.3])
    _same(m, t)
    _same(minitorch._foreach_norm(m), torch._foreach_norm(t))
    _same(minitorch._foreach_norm(m, 1), torch._foreach_norm(t, 1))
    _same(minitorch._foreach_max(m), torch._foreach_max(t))
    _same(minitorch._foreach_clone(m), torch._foreach_clone(t))
    minitorch._foreach_copy_(m, m2)
    torch._foreach_copy_(t, t2)
    _same(m, t)
    assert minitorch._foreach_zero_(m) is m
    assert all(float(x.abs().sum()) == 0 for x in m)


def test_mismatched_lengths_and_bad_self_are_errors():
    (m, _), (m2, _) = _lists(), _lists()
    with pytest.raises(RuntimeError, match="same number"):
        minitorch._foreach_add(m, m2[:2])
    with pytest.raises(TypeError, match="list"):
        minitorch._foreach_add(m[0], 1.0)
