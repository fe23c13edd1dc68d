"""batch_norm / layer_norm / normalize and BatchNorm1d / LayerNorm against PyTorch.

- the functions: forward and every input gradient on the same bytes (float64 tight,
  float32, non-contiguous), gradcheck and gradgradcheck, second derivatives vs torch;
- the modules: the same weights loaded from the torch module's state_dict, then output,
  input gradient and parameter gradients; BatchNorm's running statistics after several
  training steps (momentum, momentum=None, 2-d and 3-d inputs) and eval mode afterwards;
  track_running_stats=False; affine=False; state_dict keys; repr; errors.
"""
import numpy as np
import pytest
import torch

import minitorch
import minitorch.nn as nn
import minitorch.nn.functional as MF
from minitorch.autograd import gradcheck, gradgradcheck
from minitorch.testing import compare, build_inputs
from minitorch.testing.op_table import OpSpec, F as Arg, positive

torch.set_num_threads(1)

TOL = {"float64": (1e-9, 1e-10), "float32": (1e-4, 1e-5)}


# ============================================================================ functions
def _running(lib, c, dtype):
    """Fixed running statistics (constants) for eval-mode batch_norm."""
    rm = lib.arange(c, dtype=dtype) * 0.3 - 0.4
    rv = lib.arange(c, dtype=dtype) * 0.25 + 0.5
    return rm, rv


def _bn_eval(lib, x, w, b):
    rm, rv = _running(lib, x.shape[1], x.dtype)
    return lib.nn.functional.batch_norm(x, rm, rv, w, b, training=False, eps=1e-3)


def _spec(name, fn, *args, **kw):
    return OpSpec(name, fn, tuple(args), family="normalization", **kw)


SPECS = [
    _spec("batch_norm_train_2d", lambda lib, x, w, b: lib.nn.functional.batch_norm(
        x, None, None, w, b, training=True), Arg((6, 3)), Arg((3,), positive()), Arg((3,))),
    _spec("batch_norm_train_3d", lambda lib, x, w, b: lib.nn.functional.batch_norm(
        x, None, None, w, b, training=True, eps=1e-3), Arg((4, 3, 5)), Arg((3,), positive()),
        Arg((3,))),
    _spec("batch_norm_train_4d", lambda lib, x, w, b: lib.nn.functional.batch_norm(
        x, None, None, w, b, training=True), Arg((2, 3, 2, 3)), Arg((3,), positive()),
        Arg((3,))),
    _spec("batch_norm_train_no_affine", lambda lib, x: lib.nn.functional.batch_norm(
        x, None, None, training=True), Arg((5, 4, 2))),
    _spec("batch_norm_train_weight_only", lambda lib, x, w: lib.nn.functional.batch_norm(
        x, None, None, w, None, True), Arg((5, 4)), Arg((4,), positive())),
    _spec("batch_norm_eval_2d", _bn_eval, Arg((5, 3)), Arg((3,), positive()), Arg((3,))),
    _spec("batch_norm_eval_3d", _bn_eval, Arg((2, 4, 3)), Arg((4,), positive()), Arg((4,))),
    _spec("batch_norm_eval_no_affine", lambda lib, x: lib.nn.functional.batch_norm(
        x, *_running(lib, 3, x.dtype)), Arg((4, 3, 2))),
    _spec("layer_norm_1d", lambda lib, x, w, b: lib.nn.functional.layer_norm(x, (5,), w, b),
          Arg((3, 5)), Arg((5,), positive()), Arg((5,))),
    _spec("layer_norm_2d_shape", lambda lib, x, w, b: lib.nn.functional.layer_norm(
        x, [3, 4], w, b, eps=1e-3), Arg((2, 3, 4)), Arg((3, 4), positive()), Arg((3, 4))),
    _spec("layer_norm_no_affine", lambda lib, x: lib.nn.functional.layer_norm(x, (4,)),
          Arg((2, 3, 4))),
    _spec("layer_norm_weight_only", lambda lib, x, w: lib.nn.functional.layer_norm(
        x, [4], weight=w), Arg((3, 4)), Arg((4,), positive())),
    _spec("normalize", lambda lib, x: lib.nn.functional.normalize(x), Arg((3, 4))),
    _spec("normalize_dim_last", lambda lib, x: lib.nn.functional.normalize(x, dim=-1),
          Arg((2, 3, 4))),
    _spec("normalize_p1", lambda lib, x: lib.nn.functional.normalize(x, p=1.0, dim=0),
          Arg((3, 4), positive())),
    _spec("normalize_p3", lambda lib, x: lib.nn.functional.normalize(x, p=3, dim=1),
          Arg((3, 4), positive())),
    _spec("normalize_dims", lambda lib, x: lib.nn.functional.normalize(x, dim=(1, 2)),
          Arg((2, 3, 4))),
]
ids = lambda s: s.name  # noqa: E731


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_function_matches_torch(spec, dtype):
    result = compare(spec, minitorch, torch, dtype, tolerances=TOL[dtype])
    assert result.ok, result.message


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_function_matches_torch_noncontiguous(spec):
    result = compare(spec, minitorch, torch, "float64", noncontiguous=True,
                     tolerances=TOL["float64"])
    assert result.ok, result.message


def _mt_inputs(spec):
    return tuple(build_inputs(minitorch, spec, spec.make_arrays(0), "float64"))


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_gradcheck(spec):
    assert gradcheck(lambda *xs: spec.fn(minitorch, *xs), _mt_inputs(spec),
                     check_noncontiguous=True)


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_gradgradcheck(spec):
    assert gradgradcheck(lambda *xs: spec.fn(minitorch, *xs), _mt_inputs(spec))


@pytest.mark.parametrize("spec", [s for s in SPECS if s.name.startswith(("batch_norm_train",
                                                                         "layer_norm"))], ids=ids)
def test_second_derivative_matches_torch(spec):
    """d/d(inputs) of <v, d<u, f>/dx> in both libraries (create_graph=True)."""
    arrays = spec.make_arrays(0)
    rng = np.random.default_rng(5)
    res = []
    for lib in (minitorch, torch):
        inputs = build_inputs(lib, spec, arrays, "float64")
        out = spec.fn(lib, *inputs)
        u = lib.from_numpy(rng.standard_normal(tuple(out.shape)))
        gx, = lib.autograd.grad(out, inputs[0], grad_outputs=u, create_graph=True)
        v = lib.from_numpy(np.random.default_rng(6).standard_normal(tuple(gx.shape)))
        second = lib.autograd.grad(gx, inputs, grad_outputs=v, allow_unused=True)
        res.append([None if s is None else s.detach().numpy() for s in second])
        rng = np.random.default_rng(5)
    for a, b in zip(*res):
        if a is None and b is None:
            continue
        a = np.zeros_like(b) if a is None else a
        b = np.zeros_like(a) if b is None else b
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)


def test_float32_stays_float32():
    x = minitorch.randn(6, 3, 2, requires_grad=True)
    w = minitorch.ones(3, requires_grad=True)
    rm, rv = minitorch.zeros(3), minitorch.ones(3)
    y = MF.batch_norm(x, rm, rv, w, None, training=True)
    z = MF.layer_norm(x, (3, 2), None, None) + MF.normalize(x, dim=2)
    (y.sum() + z.sum()).backward()
    for t in (y, z, x.grad, w.grad, rm, rv):
        assert t.dtype == minitorch.float32


def test_batch_norm_running_stats_update_functional():
    """momentum * batch + (1 - momentum) * running, with the unbiased batch variance."""
    rng = np.random.default_rng(0)
    xn = rng.standard_normal((7, 3, 4))
    stats = []
    for lib in (minitorch, torch):
        rm, rv = lib.zeros(3, dtype=lib.float64), lib.ones(3, dtype=lib.float64)
        x = lib.from_numpy(xn.copy())
        for m in (0.1, 0.5, 0.9):
            lib.nn.functional.batch_norm(x * m, rm, rv, training=True, momentum=m)
        stats.append((rm.numpy(), rv.numpy()))
    for a, b in zip(*stats):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_batch_norm_empty_batch_leaves_stats():
    rm, rv = minitorch.zeros(3), minitorch.ones(3)
    y = MF.batch_norm(minitorch.randn(0, 3), rm, rv, training=True)
    assert tuple(y.shape) == (0, 3)
    assert rm.tolist() == [0.0] * 3 and rv.tolist() == [1.0] * 3


@pytest.mark.parametrize("call, exc, text", [
    (lambda: MF.batch_norm(minitorch.randn(1, 3), None, None, training=True), ValueError,
     "Expected more than 1 value per channel when training"),
    (lambda: MF.batch_norm(minitorch.randn(4, 3), minitorch.zeros(4), minitorch.ones(3),
                           training=True), RuntimeError, "running_mean should contain 3 elements not 4"),
    (lambda: MF.batch_norm(minitorch.randn(4, 3), None, None, minitorch.ones(2),
                           training=True), RuntimeError, "weight should contain 3 elements not 2"),
    (lambda: MF.batch_norm(minitorch.randn(4, 3), None, None), RuntimeError,
     "must be defined in evaluation mode"),
    (lambda: MF.batch_norm(minitorch.randn(4), None, None, training=True), ValueError,
     "at least 2 dims"),
    (lambda: MF.batch_norm(minitorch.randn(4, 3), None, None, training=True, momentum=None),
     TypeError, "momentum"),
    (lambda: MF.batch_norm([1.0, 2.0], None, None), TypeError, "argument 'input' must be Tensor"),
    (lambda: MF.layer_norm(minitorch.randn(4, 3), (4,)), RuntimeError,
     "Given normalized_shape=[4], expected input with shape [*, 4], but got input of size[4, 3]"),
    (lambda: MF.layer_norm(minitorch.randn(4, 3), (3,), minitorch.ones(4)), RuntimeError,
     "Expected weight to be of same shape as normalized_shape"),
    (lambda: MF.layer_norm(minitorch.randn(4, 3), ()), RuntimeError, "at least 1-dimensional"),
    (lambda: MF.normalize(minitorch.randn(4, 3), dim=2), IndexError, "Dimension out of range"),
    (lambda: nn.BatchNorm1d(3)(minitorch.randn(2, 3, 4, 5)), ValueError,
     "expected 2D or 3D input (got 4D input)"),
    (lambda: nn.BatchNorm1d(3)(minitorch.randn(3)), ValueError,
     "expected 2D or 3D input (got 1D input)"),
])
def test_errors(call, exc, text):
    with pytest.raises(exc) as info:
        call()
    assert text in str(info.value)


# ============================================================================ modules
def _torch_module(kind, kwargs, seed=0):
    """A torch module with non-trivial affine parameters and running statistics."""
    torch.manual_seed(seed)
    m = getattr(torch.nn, kind)(**kwargs)
    with torch.no_grad():
        if getattr(m, "weight", None) is not None:
            m.weight.uniform_(0.5, 1.5)
        if getattr(m, "bias", None) is not None:
            m.bias.uniform_(-0.5, 0.5)
        if getattr(m, "running_mean", None) is not None:
            m.running_mean.normal_()
            m.running_var.uniform_(0.5, 2.0)
            m.num_batches_tracked.fill_(3)
    return m


def _pair(kind, kwargs, dtype):
    tm = _torch_module(kind, kwargs)
    mm = getattr(nn, kind)(**kwargs)
    mm.load_state_dict(tm.state_dict())
    if dtype == "float64":
        tm.double()
        mm.double()
    return mm, tm


def _forward_backward(lib, mod, xn, gn):
    x = lib.from_numpy(xn.copy()).requires_grad_(True)
    y = mod(x)
    y.backward(lib.from_numpy(gn.copy()))
    grads = {name: p.grad.numpy().copy() for name, p in mod.named_parameters()}
    return y.detach().numpy().copy(), x.grad.numpy().copy(), grads


def _check_module_step(mm, tm, shape, dtype, seed):
    rng = np.random.default_rng(seed)
    xn = (rng.standard_normal(shape) * 2 + 0.5).astype(dtype)
    gn = rng.standard_normal(shape).astype(dtype)   # every module here keeps the shape
    ym, gxm, gpm = _forward_backward(minitorch, mm, xn, gn)
    yt, gxt, gpt = _forward_backward(torch, tm, xn, gn)
    rtol, atol = TOL[dtype]
    assert ym.dtype == yt.dtype == gxm.dtype
    np.testing.assert_allclose(ym, yt, rtol=rtol, atol=atol, err_msg="output")
    np.testing.assert_allclose(gxm, gxt, rtol=rtol, atol=atol, err_msg="input grad")
    assert gpm.keys() == gpt.keys()
    for name in gpt:
        assert gpm[name].dtype == gpt[name].dtype
        np.testing.assert_allclose(gpm[name], gpt[name], rtol=rtol, atol=atol,
                                   err_msg=f"grad of {name}")
    mm.zero_grad()
    tm.zero_grad()


def _check_buffers(mm, tm, dtype):
    rtol, atol = TOL[dtype]
    mb, tb = dict(mm.named_buffers()), dict(tm.named_buffers())
    assert mb.keys() == tb.keys()
    for name in tb:
        a, b = mb[name].numpy(), tb[name].numpy()
        assert a.dtype == b.dtype, name
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=name)


BN_CONFIGS = [
    dict(num_features=4),
    dict(num_features=4, momentum=None),
    dict(num_features=4, momentum=0.3, eps=1e-3),
    dict(num_features=4, affine=False),
    dict(num_features=4, bias=False),
    dict(num_features=4, track_running_stats=False),
    dict(num_features=4, affine=False, track_running_stats=False),
]
bn_id = lambda kw: ",".join(f"{k}={v}" for k, v in kw.items() if k != "num_features") or "default"  # noqa: E731


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape", [(8, 4), (5, 4, 3)], ids=["2d", "3d"])
@pytest.mark.parametrize("kwargs", BN_CONFIGS, ids=bn_id)
def test_batchnorm1d_train_then_eval_matches_torch(kwargs, shape, dtype):
    """Several training steps (output, input grad, parameter grads and the running
    statistics after each), then eval mode (which uses the running statistics when
    they are tracked, the batch's otherwise)."""
    mm, tm = _pair("BatchNorm1d", kwargs, dtype)
    for step in range(4):
        _check_module_step(mm, tm, shape, dtype, seed=step)
        _check_buffers(mm, tm, dtype)
    if mm.num_batches_tracked is not None:
        assert int(mm.num_batches_tracked) == int(tm.num_batches_tracked) == 7
    mm.eval()
    tm.eval()
    for step in range(2):
        _check_module_step(mm, tm, shape, dtype, seed=10 + step)
        _check_buffers(mm, tm, dtype)   # eval leaves the statistics alone


def test_batchnorm_momentum_none_is_cumulative_average():
    m = nn.BatchNorm1d(2, momentum=None).double()
    batches = [np.random.default_rng(i).standard_normal((6, 2)) * (i + 1) for i in range(5)]
    for b in batches:
        m(minitorch.from_numpy(b))
    means = np.mean([b.mean(0) for b in batches], axis=0)
    variances = np.mean([b.var(0, ddof=1) for b in batches], axis=0)
    np.testing.assert_allclose(m.running_mean.numpy(), means, rtol=1e-12)
    np.testing.assert_allclose(m.running_var.numpy(), variances, rtol=1e-12)
    assert int(m.num_batches_tracked) == 5


def test_batchnorm_track_running_stats_false_has_none_buffers():
    m = nn.BatchNorm1d(3, track_running_stats=False)
    assert m.running_mean is None and m.running_var is None and m.num_batches_tracked is None
    assert list(m.state_dict()) == ["weight", "bias"]
    m.eval()
    x = minitorch.randn(10, 3) * 3 + 2
    y = m(x).detach().numpy()
    np.testing.assert_allclose(y.mean(0), 0, atol=1e-5)   # batch statistics in eval too


def test_batchnorm_eval_output_is_affine_in_running_stats():
    m = nn.BatchNorm1d(3).double()
    with minitorch.no_grad():
        m.running_mean.copy_(minitorch.tensor([1.0, -2.0, 0.5], dtype=minitorch.float64))
        m.running_var.copy_(minitorch.tensor([4.0, 0.25, 1.0], dtype=minitorch.float64))
    m.eval()
    x = minitorch.randn(5, 3, dtype=minitorch.float64)
    y = m(x).detach().numpy()
    expect = (x.numpy() - m.running_mean.numpy()) / np.sqrt(m.running_var.numpy() + 1e-5)
    np.testing.assert_allclose(y, expect, rtol=1e-12)
    assert int(m.num_batches_tracked) == 0


LN_CONFIGS = [
    (dict(normalized_shape=5), (3, 5)),
    (dict(normalized_shape=5), (2, 3, 5)),
    (dict(normalized_shape=(3, 5)), (2, 3, 5)),
    (dict(normalized_shape=[2, 3, 5], eps=1e-3), (2, 2, 3, 5)),
    (dict(normalized_shape=5, elementwise_affine=False), (4, 5)),
    (dict(normalized_shape=5, bias=False), (4, 5)),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kwargs, shape", LN_CONFIGS,
                         ids=lambda v: ",".join(f"{k}={w}" for k, w in v.items())
                         if isinstance(v, dict) else str(v))
def test_layernorm_matches_torch(kwargs, shape, dtype):
    mm, tm = _pair("LayerNorm", kwargs, dtype)
    for seed in range(2):
        _check_module_step(mm, tm, shape, dtype, seed)


MODULES = [("BatchNorm1d", kw) for kw in BN_CONFIGS] + [("LayerNorm", kw) for kw, _ in LN_CONFIGS]


@pytest.mark.parametrize("kind, kwargs", MODULES, ids=lambda v: v if isinstance(v, str) else bn_id(v))
def test_state_dict_keys_shapes_dtypes_and_repr_match_torch(kind, kwargs):
    mm = getattr(nn, kind)(**kwargs)
    tm = getattr(torch.nn, kind)(**kwargs)
    ms, ts = mm.state_dict(), tm.state_dict()
    assert list(ms) == list(ts)
    for k in ts:
        assert tuple(ms[k].shape) == tuple(ts[k].shape), k
        assert ms[k].numpy().dtype == ts[k].numpy().dtype, k
        np.testing.assert_array_equal(ms[k].numpy(), ts[k].numpy())   # initial values
    assert [n for n, _ in mm.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert repr(mm) == repr(tm)


def test_repr_examples():
    assert repr(nn.BatchNorm1d(4)) == ("BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, "
                                       "bias=True, track_running_stats=True)")
    assert repr(nn.LayerNorm(4)) == "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)"


def test_batchnorm_double_keeps_counter_int64_and_loads_torch_state():
    tm = _torch_module("BatchNorm1d", dict(num_features=3))
    mm = nn.BatchNorm1d(3)
    mm.load_state_dict(tm.state_dict())
    mm.double()
    assert mm.running_mean.dtype == minitorch.float64
    assert mm.num_batches_tracked.dtype == minitorch.int64
    assert int(mm.num_batches_tracked) == 3
    np.testing.assert_allclose(mm.running_var.numpy(), tm.running_var.double().numpy())


def test_module_dtype_and_device_arguments():
    m = nn.BatchNorm1d(3, dtype=minitorch.float64, device="cpu")
    assert m.weight.dtype == m.running_mean.dtype == minitorch.float64
    assert m.num_batches_tracked.dtype == minitorch.int64
    ln = nn.LayerNorm((2, 3), dtype=minitorch.float64)
    assert ln.weight.dtype == minitorch.float64 and tuple(ln.weight.shape) == (2, 3)


def test_batchnorm_module_gradcheck_train_and_eval():
    m = nn.BatchNorm1d(3).double()
    x = minitorch.randn(4, 3, 2, dtype=minitorch.float64, requires_grad=True)
    m.train()
    assert gradcheck(lambda x, w, b: MF.batch_norm(x, None, None, w, b, True), (x, m.weight, m.bias))
    m.eval()
    assert gradcheck(lambda x: m(x), (x,))
    assert gradgradcheck(lambda x: m(x), (x,))
