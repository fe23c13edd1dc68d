"""Lazy modules and uninitialized parameters, against PyTorch: materialization on the
first call and by load_state_dict, the class they become, state_dict keys and shapes,
reprs, errors, and an optimizer built before materialization."""
import copy
import pickle
import warnings

import numpy as np
import pytest
import torch

import minitorch as mt

torch.set_num_threads(1)


def _np(t):
    return t.detach().numpy()


LAZY_CASES = [
    # (class name, args, kwargs, input shape)
    ("LazyLinear", (3,), {}, (2, 5)),
    ("LazyLinear", (4,), {"bias": False}, (2, 3, 6)),
    ("LazyConv1d", (4, 3), {}, (2, 2, 7)),
    ("LazyConv2d", (4, 3), {"stride": 2, "padding": 1}, (1, 2, 6, 6)),
    ("LazyConv2d", (4, 3), {"groups": 2, "bias": False}, (1, 6, 5, 5)),
    ("LazyConvTranspose1d", (3, 2), {}, (2, 4, 5)),
    ("LazyConvTranspose2d", (3, 3), {"stride": 2, "output_padding": 1}, (1, 2, 4, 4)),
    ("LazyBatchNorm1d", (), {}, (4, 3)),
    ("LazyBatchNorm2d", (), {"momentum": 0.3}, (2, 3, 4, 4)),
    ("LazyBatchNorm3d", (), {"affine": False}, (2, 3, 2, 2, 2)),
    ("LazyInstanceNorm1d", (), {}, (2, 3, 4)),
    ("LazyInstanceNorm2d", (), {"affine": False}, (2, 3, 4, 4)),
    ("LazyInstanceNorm3d", (), {}, (2, 3, 2, 3, 2)),
]
if hasattr(mt.nn, "LazyConv3d"):
    LAZY_CASES.append(("LazyConv3d", (2, 2), {}, (1, 3, 4, 4, 4)))
if hasattr(mt.nn, "LazyConvTranspose3d"):
    LAZY_CASES.append(("LazyConvTranspose3d", (2, 2), {}, (1, 3, 3, 3, 3)))


@pytest.mark.parametrize("name, args, kwargs, shape", LAZY_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(LAZY_CASES)])
def test_lazy_module_materializes_like_torch(name, args, kwargs, shape):
    t = getattr(torch.nn, name)(*args, **kwargs).double()
    m = getattr(mt.nn, name)(*args, **kwargs).double()
    assert repr(m) == repr(t)
    assert type(m).__name__ == name
    # before the first call: uninitialized entries in parameters() and state_dict()
    assert [repr(p) for p in m.parameters()] == [repr(p) for p in t.parameters()]
    assert [(k, repr(v)) for k, v in m.state_dict().items()] == \
        [(k, repr(v)) for k, v in t.state_dict().items()]
    assert m.has_uninitialized_params() == t.has_uninitialized_params()
    x = np.random.default_rng(0).standard_normal(shape)
    yt = t(torch.tensor(x))
    ym = m(mt.tensor(x))
    # the module became its non-lazy class, in place
    assert type(m) is getattr(mt.nn, type(t).__name__)
    assert repr(m) == repr(t)
    assert not m.has_uninitialized_params() if hasattr(m, "has_uninitialized_params") else True
    assert [(k, tuple(v.shape), str(v.dtype).split(".")[-1]) for k, v in m.state_dict().items()] \
        == [(k, tuple(v.shape), str(v.dtype).split(".")[-1]) for k, v in t.state_dict().items()]
    assert tuple(ym.shape) == tuple(yt.shape)
    assert ym.dtype == mt.float64
    # same weights -> same outputs
    m.load_state_dict(t.state_dict())
    m.train(t.training)
    np.testing.assert_allclose(_np(m(mt.tensor(x))), _np(t(torch.tensor(x))), rtol=1e-10,
                               atol=1e-10)


def test_lazy_linear_forward_and_gradients_match_torch_after_loading():
    t = torch.nn.LazyLinear(3).double()
    m = mt.nn.LazyLinear(3).double()
    x = np.random.default_rng(1).standard_normal((4, 5))
    t(torch.tensor(x))
    m.load_state_dict(t.state_dict())
    assert type(m) is mt.nn.LazyLinear        # load materializes; the call converts
    assert m.in_features == 0
    xt = torch.tensor(x, requires_grad=True)
    xm = mt.tensor(x, requires_grad=True)
    t(xt).pow(2).sum().backward()
    m(xm).pow(2).sum().backward()
    assert type(m) is mt.nn.Linear and m.in_features == 5
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(m.weight.grad.numpy(), t.weight.grad.numpy(), rtol=1e-12)


def test_optimizer_built_before_materialization_trains_the_materialized_weights():
    m = mt.nn.LazyLinear(2)
    params = list(m.parameters())
    opt = mt.optim.SGD(m.parameters(), lr=0.5)
    x = mt.randn(3, 4)
    loss = m(x).pow(2).sum()
    assert params[0] is m.weight and type(m.weight) is mt.nn.Parameter
    before = m.weight.detach().numpy().copy()
    loss.backward()
    opt.step()
    assert not np.allclose(m.weight.detach().numpy(), before)
    assert opt.param_groups[0]["params"][0] is m.weight


def test_uninitialized_parameter_errors_match_torch():
    for lib in (torch, mt):
        p = lib.nn.LazyLinear(3).weight
        with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized"):
            p.shape
        with pytest.raises(ValueError, match="Attempted to use an uninitialized parameter"):
            p.numel()
        assert repr(p) == "<UninitializedParameter>"
        assert lib.nn.parameter.is_lazy(p)
        assert p.requires_grad and p.dtype == lib.float32


def test_uninitialized_materialize_and_buffer():
    p = mt.nn.UninitializedParameter(dtype=mt.float64)
    assert isinstance(p, mt.nn.Parameter)
    p.materialize((2, 3))
    assert type(p) is mt.nn.Parameter and tuple(p.shape) == (2, 3) and p.dtype == mt.float64
    b = mt.nn.UninitializedBuffer()
    assert isinstance(b, mt.nn.Buffer) and not b.requires_grad
    m = mt.nn.Module()
    m.buf = b                       # an UninitializedBuffer registers as a buffer
    assert "buf" in m._buffers
    b.materialize(4)
    assert type(b) is mt.Tensor and tuple(m.buf.shape) == (4,)


def test_lazy_state_dict_loads_into_lazy_and_into_initialized():
    src = mt.nn.LazyBatchNorm1d()
    src(mt.randn(5, 3))
    dst = mt.nn.LazyBatchNorm1d()
    res = dst.load_state_dict(src.state_dict())
    assert not res.missing_keys and not res.unexpected_keys
    assert tuple(dst.running_mean.shape) == (3,)
    np.testing.assert_allclose(dst.running_mean.numpy(), src.running_mean.numpy())
    # uninitialized into uninitialized: nothing to do, no error (as PyTorch)
    mt.nn.LazyLinear(2).load_state_dict(mt.nn.LazyLinear(2).state_dict())
    t = torch.nn.LazyLinear(2)
    t.load_state_dict(torch.nn.LazyLinear(2).state_dict())
    # uninitialized into an initialized module: PyTorch's shape error
    with pytest.raises(RuntimeError, match="Can't access the shape"):
        mt.nn.Linear(3, 2).load_state_dict(mt.nn.LazyLinear(2).state_dict())


def test_lazy_missing_key_is_reported_like_torch():
    for lib in (torch, mt):
        m = lib.nn.LazyLinear(3)
        with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "bias"'):
            m.load_state_dict({"weight": lib.zeros(3, 4)})


def test_lazy_deepcopy_pickle_and_in_sequential():
    m = mt.nn.Sequential(mt.nn.LazyConv2d(4, 3), mt.nn.ReLU(), mt.nn.Flatten(),
                         mt.nn.LazyLinear(2))
    c = copy.deepcopy(m)
    y = c(mt.randn(2, 3, 5, 5))
    assert tuple(y.shape) == (2, 2)
    assert type(c[0]) is mt.nn.Conv2d and type(c[3]) is mt.nn.Linear
    assert c[3].in_features == 4 * 3 * 3
    assert type(m[3]) is mt.nn.LazyLinear            # the original is untouched
    r = pickle.loads(pickle.dumps(m))
    assert type(r[3]) is mt.nn.LazyLinear
    r(mt.randn(1, 3, 5, 5))
    assert type(r[3]) is mt.nn.Linear


def test_lazy_to_dtype_before_materialization():
    m = mt.nn.LazyLinear(2).to(mt.float64)
    m(mt.randn(1, 3, dtype=mt.float64))
    assert m.weight.dtype == mt.float64 and m.bias.dtype == mt.float64


def test_lazy_conv_wrong_rank_error_matches_torch():
    with pytest.raises(RuntimeError) as et:
        torch.nn.LazyConv2d(2, 3)(torch.ones(3, 5))
    with pytest.raises(RuntimeError) as em:
        mt.nn.LazyConv2d(2, 3)(mt.ones(3, 5))
    assert str(em.value).split(", but")[0] == str(et.value).split(", but")[0]


def test_lazy_instance_norm_unbatched_input():
    m = mt.nn.LazyInstanceNorm1d(affine=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = m(mt.randn(3, 5))                 # (C, L) unbatched: C = 3
    assert tuple(y.shape) == (3, 5) and m.num_features == 3
