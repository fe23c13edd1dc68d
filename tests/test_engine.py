"""The backward engine: graph walking, accumulation, freeing, hooks, grad modes,
autograd.grad, custom Functions and the engine's own gradient checks.

Values are compared with PyTorch wherever PyTorch has the same thing.
"""
import gc
import weakref

import numpy as np
import pytest
import torch

import minitorch
from minitorch.autograd import Function


RNG = np.random.default_rng(0)


def pair(*shape, dtype=np.float64, requires_grad=True):
    """The same random array as a minitorch and a torch leaf."""
    a = RNG.standard_normal(shape).astype(dtype)
    return (minitorch.tensor(a.copy(), requires_grad=requires_grad),
            torch.tensor(a.copy(), requires_grad=requires_grad))


def close(m, t, rtol=1e-6, atol=1e-8):
    assert m is not None and t is not None
    mv = m.detach().numpy() if isinstance(m, minitorch.Tensor) else np.asarray(m)
    tv = t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    assert mv.shape == tv.shape, (mv.shape, tv.shape)
    np.testing.assert_allclose(mv, tv, rtol=rtol, atol=atol)


# ----------------------------------------------------------------------------- graph shapes
def test_reused_node():
    a, ta = pair(3, 4)
    b = a + a
    c = b * b
    c.sum().backward()
    tb = ta + ta
    (tb * tb).sum().backward()
    close(a.grad, ta.grad)
    # d/da (2a)^2 = 8a
    close(a.grad, 8 * a.detach().numpy())


def test_diamond_graph():
    x, tx = pair(5)

    def f(lib, x):
        a = x.exp() if lib is minitorch else torch.exp(x)
        b = a * 2.0
        c = a.sin() if lib is minitorch else torch.sin(a)
        d = b * c + a
        return d

    f(minitorch, x).sum().backward()
    f(torch, tx).sum().backward()
    close(x.grad, tx.grad)


def test_nested_diamonds_and_multiple_paths():
    x, tx = pair(4, 3)
    w, tw = pair(3, 3)

    def f(x, w):
        h = x @ w
        h1 = h * h
        h2 = h1 @ w + h
        return (h2 * h1).sum() + (h2 - x @ w).sum()

    f(x, w).backward()
    f(tx, tw).backward()
    close(x.grad, tx.grad)
    close(w.grad, tw.grad)


def test_100k_chain_mul_no_recursion_error():
    x = minitorch.tensor(1.0, dtype=minitorch.float64, requires_grad=True)
    y = x
    n = 100_000
    for _ in range(n):
        y = y * 1.0001
    y.backward()
    assert x.grad.item() == pytest.approx(1.0001 ** n, rel=1e-9)


def test_100k_chain_add():
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    assert y.detach().numpy()[0] == pytest.approx(100_001.0)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])
    assert x.grad.dtype == minitorch.float32


def test_deep_chain_then_drop_does_not_recurse():
    # Dropping a long graph must not blow the stack either (no recursive __del__).
    x = minitorch.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(30_000):
        y = y * 1.0
    del y
    gc.collect()


# ----------------------------------------------------------------------------- freeing
def test_second_backward_through_freed_graph_raises():
    a, _ = pair(3)
    b, _ = pair(3)
    loss = (a * b).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match="second time"):
        loss.backward()


def test_retain_graph_allows_second_backward_and_accumulates():
    a, ta = pair(3)
    b, tb = pair(3)
    loss = (a * b).sum()
    loss.backward(retain_graph=True)
    g1 = a.grad.numpy().copy()
    loss.backward()
    close(a.grad, 2 * g1)
    tl = (ta * tb).sum()
    tl.backward(retain_graph=True)
    tl.backward()
    close(a.grad, ta.grad)
    close(b.grad, tb.grad)


def test_leaf_grad_accumulates_across_backward_calls():
    x, tx = pair(4)
    for _ in range(3):
        (x * x).sum().backward()
        (tx * tx).sum().backward()
    close(x.grad, tx.grad)
    close(x.grad, 6 * x.detach().numpy())


def test_zero_grad_semantics():
    x, _ = pair(4)
    assert x.grad is None
    (x * 3.0).sum().backward()
    first = x.grad
    np.testing.assert_allclose(first.numpy(), 3.0)
    # accumulation must not write into an earlier returned gradient tensor's array
    # when the user set grad to None in between
    x.grad = None
    (x * 2.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2.0)
    np.testing.assert_allclose(first.numpy(), 3.0)


def test_grad_is_not_shared_between_leaves():
    a, _ = pair(3)
    b, _ = pair(3)
    (a + b).sum().backward()
    assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())
    a.grad.numpy()[0] = 99.0
    assert b.grad.numpy()[0] == 1.0


def test_grad_setter_validates():
    x, _ = pair(3)
    with pytest.raises(RuntimeError):
        x.grad = minitorch.zeros(4, dtype=minitorch.float64)
    with pytest.raises(RuntimeError):
        x.grad = minitorch.zeros(3, dtype=minitorch.float32)
    x.grad = minitorch.zeros(3, dtype=minitorch.float64)
    assert x.grad.shape == (3,)


# ----------------------------------------------------------------------------- grad modes
def test_no_grad_context_manager():
    x, _ = pair(3)
    with minitorch.no_grad():
        y = x * 2
        assert not minitorch.is_grad_enabled()
    assert minitorch.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    z = x * 2
    assert z.requires_grad and z.grad_fn is not None


def test_no_grad_restores_on_exception():
    with pytest.raises(ValueError):
        with minitorch.no_grad():
            raise ValueError("boom")
    assert minitorch.is_grad_enabled()


def test_no_grad_decorator():
    x, _ = pair(3)

    @minitorch.no_grad()
    def f(t):
        assert not minitorch.is_grad_enabled()
        return t * 2

    y = f(x)
    assert not y.requires_grad
    assert minitorch.is_grad_enabled()


def test_enable_grad_inside_no_grad():
    x, _ = pair(3)
    with minitorch.no_grad():
        with minitorch.enable_grad():
            y = x * 2
        z = x * 2
    assert y.requires_grad and not z.requires_grad

    @minitorch.enable_grad()
    def f(t):
        return t * 2

    with minitorch.no_grad():
        w = f(x)
        assert not minitorch.is_grad_enabled()
    assert w.requires_grad


def test_set_grad_enabled_context_and_call_and_decorator():
    x, _ = pair(3)
    with minitorch.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert minitorch.is_grad_enabled()
    with minitorch.set_grad_enabled(True):
        assert (x * 2).requires_grad

    minitorch.set_grad_enabled(False)
    try:
        assert not minitorch.is_grad_enabled()
        assert not (x * 2).requires_grad
    finally:
        minitorch.set_grad_enabled(True)
    assert minitorch.is_grad_enabled()

    @minitorch.set_grad_enabled(False)
    def f(t):
        return t * 2

    assert minitorch.is_grad_enabled()  # decorating does not change the mode
    assert not f(x).requires_grad
    assert minitorch.is_grad_enabled()


def test_autograd_namespace_grad_modes_match_top_level():
    assert minitorch.autograd.no_grad is minitorch.no_grad
    assert minitorch.autograd.set_grad_enabled is minitorch.set_grad_enabled


def test_backward_runs_under_no_grad_without_create_graph():
    seen = []

    class Probe(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1.0

        @staticmethod
        def backward(ctx, g):
            seen.append(minitorch.is_grad_enabled())
            return g

    x, _ = pair(3)
    Probe.apply(x).sum().backward()
    Probe.apply(x).sum().backward(create_graph=True)
    assert seen == [False, True]


# ----------------------------------------------------------------------------- detach
def test_detach_shares_data_and_has_no_grad():
    x, _ = pair(3)
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.grad_fn is None and d.is_leaf
    assert np.shares_memory(d.numpy(), y.detach().numpy())
    d.numpy()[0] = 123.0
    assert y.detach().numpy()[0] == 123.0
    # a detached tensor shares the version counter
    v = y._version
    with minitorch.no_grad():
        d.add_(1)
    assert y._version == v + 1


def test_detach_stops_gradient():
    x, tx = pair(3)
    (x * x.detach()).sum().backward()
    (tx * tx.detach()).sum().backward()
    close(x.grad, tx.grad)


# ----------------------------------------------------------------------------- hooks
def test_register_hook_on_leaf_modifies_grad():
    x, tx = pair(3)
    calls = []

    def hook(g):
        calls.append(g.detach().numpy().copy())
        return g * 2

    h = x.register_hook(hook)
    tx.register_hook(lambda g: g * 2)
    (x * x).sum().backward()
    (tx * tx).sum().backward()
    close(x.grad, tx.grad)
    assert len(calls) == 1
    np.testing.assert_allclose(calls[0], 2 * x.detach().numpy())

    h.remove()
    x.grad = None
    (x * x).sum().backward()
    close(x.grad, 2 * x.detach().numpy())
    assert len(calls) == 1


def test_register_hook_on_nonleaf_modifies_grad():
    x, tx = pair(3)
    y = x * 3.0
    ty = tx * 3.0
    seen = []
    h = y.register_hook(lambda g: (seen.append(1), g + 1.0)[1])
    ty.register_hook(lambda g: g + 1.0)
    (y * y).sum().backward(retain_graph=True)
    (ty * ty).sum().backward()
    close(x.grad, tx.grad)
    assert seen == [1]
    h.remove()
    x.grad = None
    (y * y).sum().backward()
    close(x.grad, 18 * x.detach().numpy())
    assert seen == [1]


def test_hook_returning_none_keeps_grad():
    x, _ = pair(3)
    x.register_hook(lambda g: None)
    (x * 2.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2.0)


def test_register_hook_requires_grad():
    t = minitorch.ones(3)
    with pytest.raises(RuntimeError):
        t.register_hook(lambda g: g)


def test_retain_grad_on_nonleaf():
    x, tx = pair(3)
    y = x * 2.0
    z = (y * y).sum()
    ty = tx * 2.0
    tz = (ty * ty).sum()
    assert y.grad is None
    assert not y.retains_grad
    y.retain_grad()
    ty.retain_grad()
    assert y.retains_grad
    z.backward()
    tz.backward()
    close(y.grad, ty.grad)
    close(x.grad, tx.grad)
    assert y.grad.grad_fn is None


def test_nonleaf_grad_not_kept_without_retain_grad():
    x, _ = pair(3)
    y = x * 2.0
    (y * y).sum().backward()
    assert y.grad is None
    assert x.grad is not None


def test_retain_grad_on_leaf_is_noop():
    x, _ = pair(3)
    x.retain_grad()
    (x * 2.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2.0)


# ----------------------------------------------------------------------------- roots
def test_nonscalar_backward_without_gradient_raises():
    x, _ = pair(3)
    y = x * 2
    with pytest.raises(RuntimeError, match="scalar"):
        y.backward()


def test_backward_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError):
        minitorch.ones(3).sum().backward()


def test_backward_with_upstream_gradient_vs_torch():
    x, tx = pair(3, 4)
    w, tw = pair(4, 5)
    g = RNG.standard_normal((3, 5))
    y = (x @ w).tanh()
    ty = torch.tanh(tx @ tw)
    y.backward(gradient=minitorch.tensor(g))
    ty.backward(gradient=torch.tensor(g))
    close(x.grad, tx.grad)
    close(w.grad, tw.grad)


def test_backward_gradient_wrong_shape_raises():
    x, _ = pair(3)
    y = x * 2
    with pytest.raises(RuntimeError, match="shape"):
        y.backward(gradient=minitorch.ones(4, dtype=minitorch.float64))


def test_backward_of_leaf_itself():
    x, tx = pair(3)
    g = RNG.standard_normal(3)
    x.backward(minitorch.tensor(g))
    tx.backward(torch.tensor(g))
    close(x.grad, tx.grad)


def test_multiple_roots_backward():
    x, tx = pair(3)
    a, b = (x * 2).sum(), (x * x).sum()
    minitorch.autograd.backward([a, b])
    torch.autograd.backward([(tx * 2).sum(), (tx * tx).sum()])
    close(x.grad, tx.grad)


# ----------------------------------------------------------------------------- autograd.grad
def test_autograd_grad_basic_does_not_touch_grad():
    x, tx = pair(3)
    y, ty = pair(3)
    out = (x * y).sum()
    gx, gy = minitorch.autograd.grad(out, [x, y])
    tgx, tgy = torch.autograd.grad((tx * ty).sum(), [tx, ty])
    close(gx, tgx)
    close(gy, tgy)
    assert x.grad is None and y.grad is None


def test_autograd_grad_with_grad_outputs():
    x, tx = pair(2, 3)
    go = RNG.standard_normal((2, 3))
    (g,) = minitorch.autograd.grad(x.sin() * x, x, grad_outputs=minitorch.tensor(go))
    (tg,) = torch.autograd.grad(torch.sin(tx) * tx, tx, grad_outputs=torch.tensor(go))
    close(g, tg)


def test_autograd_grad_allow_unused():
    x, _ = pair(3)
    z, _ = pair(3)
    out = (x * 2).sum()
    with pytest.raises(RuntimeError, match="allow_unused"):
        minitorch.autograd.grad(out, [x, z], retain_graph=True)
    gx, gz = minitorch.autograd.grad(out, [x, z], allow_unused=True)
    assert gz is None
    np.testing.assert_allclose(gx.numpy(), 2.0)


def test_autograd_grad_materialize_grads():
    x, _ = pair(3)
    z, _ = pair(3)
    gx, gz = minitorch.autograd.grad((x * 2).sum(), [x, z], materialize_grads=True)
    np.testing.assert_array_equal(gz.numpy(), np.zeros(3))


def test_autograd_grad_wrt_nonleaf():
    x, tx = pair(3)
    h = x.exp()
    th = torch.exp(tx)
    (g,) = minitorch.autograd.grad((h * h).sum(), h)
    (tg,) = torch.autograd.grad((th * th).sum(), th)
    close(g, tg)


@pytest.mark.parametrize("fn", ["cube", "sin"])
def test_second_derivative_create_graph(fn):
    x, tx = pair(5)

    def f(t):
        if fn == "cube":
            return t ** 3
        return t.sin() if isinstance(t, minitorch.Tensor) else torch.sin(t)

    (g,) = minitorch.autograd.grad(f(x).sum(), x, create_graph=True)
    (tg,) = torch.autograd.grad(f(tx).sum(), tx, create_graph=True)
    close(g, tg)
    assert g.requires_grad and g.grad_fn is not None
    (gg,) = minitorch.autograd.grad(g.sum(), x)
    (tgg,) = torch.autograd.grad(tg.sum(), tx)
    close(gg, tgg)
    xv = x.detach().numpy()
    expected = 6 * xv if fn == "cube" else -np.sin(xv)
    np.testing.assert_allclose(gg.numpy(), expected, rtol=1e-10)


def test_third_derivative():
    x, tx = pair(4)
    outs = []
    for lib_x, grad in ((x, minitorch.autograd.grad), (tx, torch.autograd.grad)):
        y = (lib_x ** 4).sum()
        (g1,) = grad(y, lib_x, create_graph=True)
        (g2,) = grad(g1.sum(), lib_x, create_graph=True)
        (g3,) = grad(g2.sum(), lib_x)
        outs.append(g3)
    close(outs[0], outs[1])


def test_backward_create_graph_then_backward_of_grad():
    x, tx = pair(3)
    (x ** 3).sum().backward(create_graph=True)
    (tx ** 3).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    gx = x.grad
    x.grad = None
    gx.sum().backward()
    tgx = tx.grad
    tx.grad = None
    tgx.sum().backward()
    close(x.grad, tx.grad)


def test_backward_inputs_accumulates_only_into_inputs():
    x, tx = pair(3)
    y, ty = pair(3)
    (x * y).sum().backward(inputs=[x])
    (tx * ty).sum().backward(inputs=[tx])
    close(x.grad, tx.grad)
    assert y.grad is None and ty.grad is None


def test_backward_inputs_nonleaf():
    x, tx = pair(3)
    h = x * 2.0
    th = tx * 2.0
    (h * h).sum().backward(inputs=[h])
    (th * th).sum().backward(inputs=[th])
    close(h.grad, th.grad)
    assert x.grad is None and tx.grad is None


def test_backward_inputs_empty_raises():
    x, _ = pair(3)
    with pytest.raises(RuntimeError):
        (x * 2).sum().backward(inputs=[])


# ----------------------------------------------------------------------------- engine checks
class BadShape(Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return minitorch.ones(7, dtype=g.dtype)


class BadDtype(Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g.double()


class BadCount(Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g, g


class BadType(Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g.detach().numpy()


def test_bad_shape_gradient_is_caught():
    x = minitorch.randn(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError) as e:
        BadShape.apply(x).sum().backward()
    msg = str(e.value)
    assert "BadShapeBackward" in msg
    assert "(7,)" in msg and "(2, 3)" in msg


def test_bad_dtype_gradient_is_caught():
    x = minitorch.randn(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError) as e:
        BadDtype.apply(x).sum().backward()
    msg = str(e.value)
    assert "BadDtypeBackward" in msg
    assert "float64" in msg and "float32" in msg


def test_bad_count_gradient_is_caught():
    x = minitorch.randn(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError) as e:
        BadCount.apply(x).sum().backward()
    msg = str(e.value)
    assert "BadCountBackward" in msg
    assert "expected 1" in msg and "got 2" in msg


def test_bad_type_gradient_is_caught():
    x = minitorch.randn(2, 3, requires_grad=True)
    with pytest.raises((TypeError, RuntimeError), match="BadTypeBackward"):
        BadType.apply(x).sum().backward()


def test_bad_gradient_caught_in_autograd_grad_too():
    x = minitorch.randn(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="BadShapeBackward"):
        minitorch.autograd.grad(BadShape.apply(x).sum(), x)


# ----------------------------------------------------------------------------- in-place
def test_inplace_on_saved_output_raises():
    x, _ = pair(3)
    y = x.exp()       # exp saves its output
    loss = y.sum()
    with minitorch.no_grad():
        y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_inplace_on_saved_leaf_raises():
    w, _ = pair(3)
    x, _ = pair(3, requires_grad=False)
    loss = (w * x).sum()   # mul saves w and x
    with minitorch.no_grad():
        w.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_inplace_on_saved_nongrad_input_raises():
    w, _ = pair(3)
    x, _ = pair(3, requires_grad=False)
    loss = (w * x).sum()
    x.mul_(3)   # x does not require grad: allowed, but w's gradient needs the old x
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_inplace_on_unsaved_tensor_is_fine():
    x, tx = pair(3)
    y = x + 1.0    # add saves nothing
    z = y * 1.0
    loss = z.sum()
    with minitorch.no_grad():
        y.mul_(2)
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), 1.0)


def test_inplace_on_leaf_requiring_grad_raises_in_grad_mode():
    x, _ = pair(3)
    with pytest.raises(RuntimeError, match="leaf"):
        x.add_(1)
    with pytest.raises(RuntimeError, match="leaf"):
        x.mul_(2)
    with pytest.raises(RuntimeError, match="leaf"):
        x.zero_()


def test_inplace_ops_under_no_grad_and_version_bumps():
    a = np.arange(1.0, 7.0).reshape(2, 3)
    x = minitorch.tensor(a.copy(), requires_grad=True)
    t = torch.tensor(a.copy(), requires_grad=True)
    ops = [
        ("add_", (2.0,), {}),
        ("add_", (minitorch.ones(3, dtype=minitorch.float64),), {"alpha": 0.5}),
        ("sub_", (1.0,), {}),
        ("sub_", (minitorch.full((2, 3), 2.0, dtype=minitorch.float64),), {"alpha": 2}),
        ("mul_", (3.0,), {}),
        ("div_", (2.0,), {}),
        ("div_", (minitorch.tensor([1.0, 2.0, 4.0], dtype=minitorch.float64),), {}),
        ("clamp_", (), {"min": -1.0, "max": 5.0}),
    ]
    with minitorch.no_grad(), torch.no_grad():
        for name, args, kwargs in ops:
            v = x._version
            out = getattr(x, name)(*args, **kwargs)
            assert out is x
            assert x._version > v, name
            targs = tuple(torch.tensor(a.numpy()) if isinstance(a, minitorch.Tensor) else a
                          for a in args)
            getattr(t, name)(*targs, **kwargs)
            close(x, t)
        v = x._version
        x.fill_(7.0)
        t.fill_(7.0)
        close(x, t)
        x.copy_(minitorch.tensor([1.0, 2.0, 3.0]))   # broadcast + dtype conversion
        t.copy_(torch.tensor([1.0, 2.0, 3.0]))
        close(x, t)
        assert x.dtype == minitorch.float64
        x.zero_()
        t.zero_()
        close(x, t)
        assert x._version == v + 3
    assert x.requires_grad and x.is_leaf


def test_inplace_on_views_is_seen_by_base():
    x = minitorch.zeros(2, 3)
    row = x[0]
    row.fill_(1.0)
    np.testing.assert_array_equal(x.numpy(), [[1, 1, 1], [0, 0, 0]])
    assert x._version == row._version == 1


def test_inplace_recorded_on_nonleaf_vs_torch():
    x, tx = pair(3)
    y = x * 2.0
    v = y._version
    assert y.mul_(x) is y
    assert y._version == v + 1 and y.grad_fn.name() == "MulBackward0"
    y.add_(x, alpha=3)
    ty = tx * 2.0
    ty.mul_(tx)
    ty.add_(tx, alpha=3)
    close(y, ty)
    y.sum().backward()
    ty.sum().backward()
    close(x.grad, tx.grad)


def test_iadd_operator_on_nonleaf():
    x, tx = pair(3)
    y = x * 1.0
    yid = id(y)
    y += x
    assert id(y) == yid
    ty = tx * 1.0
    ty += tx
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    close(x.grad, tx.grad)


def test_inplace_int_tensor_rejects_float_result():
    t = minitorch.tensor([1, 2, 3])
    with pytest.raises(RuntimeError):
        t.add_(1.5)
    t.add_(2)
    assert t.tolist() == [3, 4, 5]
    assert t.dtype == minitorch.int64


# ----------------------------------------------------------------------------- custom Function
class MulAdd(Function):
    """out = x * y + x, saving inputs."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y + x

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        gx = gy = None
        if ctx.needs_input_grad[0]:
            gx = g * (y + 1.0)
        if ctx.needs_input_grad[1]:
            gy = g * x
        return gx, gy


class MyExp(Function):
    """Saves its output: the gradient is g * out."""
    forward_takes_arrays = True   # forward written on NumPy arrays

    @staticmethod
    def forward(ctx, x):
        y = np.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * y


def test_custom_function_saving_inputs_vs_torch():
    x, tx = pair(4)
    y, ty = pair(4)
    out = MulAdd.apply(x, y)
    assert out.grad_fn.name() == "MulAddBackward"
    out.sum().backward()
    (tx * ty + tx).sum().backward()
    close(x.grad, tx.grad)
    close(y.grad, ty.grad)


def test_custom_function_needs_input_grad():
    record = []

    class Probe(Function):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, g):
            record.append(ctx.needs_input_grad)
            return (g if ctx.needs_input_grad[0] else None,
                    g if ctx.needs_input_grad[1] else None)

    x, _ = pair(3)
    c, _ = pair(3, requires_grad=False)
    Probe.apply(x, c).sum().backward()
    Probe.apply(c, x).sum().backward()
    assert record == [(True, False), (False, True)]
    np.testing.assert_allclose(x.grad.numpy(), 2.0)
    assert c.grad is None


def test_custom_function_saving_output_double_backward():
    x, tx = pair(4)
    y = MyExp.apply(x)
    (g,) = minitorch.autograd.grad(y.sum(), x, create_graph=True)
    close(g, np.exp(x.detach().numpy()))
    (gg,) = minitorch.autograd.grad((g * g).sum(), x)
    ty = torch.exp(tx)
    (tg,) = torch.autograd.grad(ty.sum(), tx, create_graph=True)
    (tgg,) = torch.autograd.grad((tg * tg).sum(), tx)
    close(gg, tgg)


def test_custom_function_saved_output_inplace_raises():
    x, _ = pair(3)
    y = MyExp.apply(x)
    loss = y.sum()
    with minitorch.no_grad():
        y.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_custom_function_double_backward_through_inputs():
    x, tx = pair(4)
    y, ty = pair(4)
    out = MulAdd.apply(x, y)
    gx, gy = minitorch.autograd.grad(out.sum(), [x, y], create_graph=True)
    (h,) = minitorch.autograd.grad((gx * gy).sum(), x)
    tout = tx * ty + tx
    tgx, tgy = torch.autograd.grad(tout.sum(), [tx, ty], create_graph=True)
    (th,) = torch.autograd.grad((tgx * tgy).sum(), tx)
    close(h, th)


def test_mark_non_differentiable():
    class SortWithIdx(Function):
        forward_takes_arrays = True   # forward written on NumPy arrays
        @staticmethod
        def forward(ctx, x):
            idx = np.argsort(x, axis=-1)
            vals = np.take_along_axis(x, idx, -1)
            flag = (vals > 0).astype(x.dtype)
            ctx.mark_non_differentiable(flag)
            ctx.idx = idx
            ctx.shape = x.shape
            return vals, flag

        @staticmethod
        def backward(ctx, g, g_flag):
            # the non-differentiable output still gets a (zero) gradient slot
            assert g_flag is None or float(g_flag.abs().sum()) == 0.0
            out = np.zeros(ctx.shape, dtype=g.dtype.np)
            np.put_along_axis(out, ctx.idx, g.detach().numpy(), -1)
            return minitorch.tensor(out)

    x, tx = pair(5)
    vals, flag = SortWithIdx.apply(x)
    assert vals.requires_grad
    assert not flag.requires_grad and flag.grad_fn is None
    w = minitorch.tensor(RNG.standard_normal(5))
    (vals * w).sum().backward()
    tvals, _ = torch.sort(tx)
    (tvals * torch.tensor(w.numpy())).sum().backward()
    close(x.grad, tx.grad)


def test_multiple_outputs_unused_output_gets_zero_gradient():
    seen = []

    class Split2(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2.0, x * 3.0

        @staticmethod
        def backward(ctx, ga, gb):
            seen.append((ga.detach().numpy().copy(), gb.detach().numpy().copy()))
            return ga * 2.0 + gb * 3.0

    x, _ = pair(3)
    a, b = Split2.apply(x)
    assert a.grad_fn is b.grad_fn
    a.sum().backward()
    ga, gb = seen[0]
    np.testing.assert_array_equal(ga, np.ones(3))
    np.testing.assert_array_equal(gb, np.zeros(3))
    assert gb.dtype == np.float64
    np.testing.assert_allclose(x.grad.numpy(), 2.0)

    # both outputs used: gradients sum
    x.grad = None
    a, b = Split2.apply(x)
    (a + b).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 5.0)


def test_custom_function_returning_none_for_input():
    class OnlyFirst(Function):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, g):
            return g, None

    x, _ = pair(3)
    y, _ = pair(3)
    OnlyFirst.apply(x, y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 1.0)
    assert y.grad is None


def test_custom_function_with_non_tensor_args():
    class Scale(Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.k = k
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None

    x, _ = pair(3)
    Scale.apply(x, 4.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 4.0)


def test_custom_function_no_grad_mode_records_nothing():
    x, _ = pair(3)
    with minitorch.no_grad():
        y = MulAdd.apply(x, x)
    assert y.grad_fn is None and not y.requires_grad


# ----------------------------------------------------------------------------- graph structure
def test_next_functions_structure():
    x, tx = pair(3)
    c, _ = pair(3, requires_grad=False)
    y = x * c
    z = y + x
    nf = z.grad_fn.next_functions
    assert len(nf) == 2
    assert nf[0][0] is y.grad_fn and nf[0][1] == 0
    assert type(nf[1][0]).__name__ == "AccumulateGrad"
    assert nf[1][0].variable is x
    ynf = y.grad_fn.next_functions
    assert type(ynf[0][0]).__name__ == "AccumulateGrad"
    assert ynf[1] == (None, 0)
    tz = (tx * torch.tensor(c.numpy())) + tx
    assert len(tz.grad_fn.next_functions) == len(nf)


def test_grad_fn_names_and_leaf_flags():
    x, _ = pair(3)
    y = x * 2
    assert x.is_leaf and x.grad_fn is None
    assert not y.is_leaf
    assert y.grad_fn.name().endswith("Backward0")
    c = minitorch.ones(3)
    assert c.is_leaf and (c * 2).is_leaf


def test_requires_grad_propagation():
    x, _ = pair(3)
    c = minitorch.ones(3, dtype=minitorch.float64)
    assert (x + c).requires_grad
    assert not (c + c).requires_grad
    # integer and bool results carry no gradient
    assert not (x > 0).requires_grad
    assert not x.argmax().requires_grad


def test_set_requires_grad_on_nonleaf_false_raises():
    x, _ = pair(3)
    y = x * 2
    with pytest.raises(RuntimeError):
        y.requires_grad = False
    with pytest.raises(RuntimeError):
        minitorch.tensor([1, 2]).requires_grad_()


# ----------------------------------------------------------------------------- dtypes
def test_float32_stays_float32():
    x = minitorch.randn(4, 5, requires_grad=True)
    w = minitorch.randn(5, 3, requires_grad=True)
    b = minitorch.randn(3, requires_grad=True)
    h = (x @ w + b).tanh()
    y = (h * 2.5 - 1.0).exp() / 3.0 + h.sigmoid() ** 2
    assert y.dtype == minitorch.float32
    gs = []
    for t in (h, y):
        t.register_hook(lambda g: gs.append(g.dtype))
    y.mean().backward()
    for t in (x, w, b):
        assert t.grad.dtype == minitorch.float32
        assert t.grad.numpy().dtype == np.float32
    assert gs and all(d == minitorch.float32 for d in gs)


def test_float32_second_derivative_stays_float32():
    x = minitorch.randn(4, requires_grad=True)
    (g,) = minitorch.autograd.grad((x.sin() * 0.5).sum(), x, create_graph=True)
    (gg,) = minitorch.autograd.grad(g.sum(), x)
    assert g.dtype == gg.dtype == minitorch.float32


def test_mixed_precision_grads_take_input_dtype():
    a = minitorch.randn(3, requires_grad=True)
    b = minitorch.randn(3, dtype=minitorch.float64, requires_grad=True)
    (a * b).sum().backward()
    assert a.grad.dtype == minitorch.float32
    assert b.grad.dtype == minitorch.float64
    ta = torch.tensor(a.detach().numpy(), requires_grad=True)
    tb = torch.tensor(b.detach().numpy(), requires_grad=True)
    (ta * tb).sum().backward()
    close(a.grad, ta.grad, rtol=1e-6)
    close(b.grad, tb.grad, rtol=1e-6)


def test_broadcast_grad_is_summed_back():
    x, tx = pair(4, 1, 3)
    y, ty = pair(5, 1)
    g = RNG.standard_normal((4, 5, 3))
    (x * y).backward(minitorch.tensor(g))
    (tx * ty).backward(torch.tensor(g))
    close(x.grad, tx.grad)
    close(y.grad, ty.grad)


# ----------------------------------------------------------------------------- memory
def test_graph_does_not_keep_outputs_alive():
    x, _ = pair(100)
    y = x.exp()          # saves its output, but must hold it weakly
    z = y * 2.0
    ref = weakref.ref(y)
    del y
    gc.collect()
    assert ref() is None
    z.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp(x.detach().numpy()))


def test_output_dies_without_gc():
    # no reference cycle: plain refcounting frees the output
    x, _ = pair(10)
    y = x.exp()
    ref = weakref.ref(y)
    gc.disable()
    try:
        del y
        assert ref() is None
    finally:
        gc.enable()


def test_graph_freed_after_backward():
    x, _ = pair(10)
    big = x * 2.0
    loss = (big * big).sum()
    node = big.grad_fn
    loss.backward()
    with pytest.raises(RuntimeError, match="second time"):
        _ = loss.grad_fn.next_functions[0][0].saved_tensors
    assert node is not None


def test_inplace_recorded_keeps_dtype_and_checks_shape():
    x = minitorch.randn(3, requires_grad=True)
    w = minitorch.randn(3, dtype=minitorch.float64, requires_grad=True)
    y = x * 2.0
    y.mul_(w)
    assert y.dtype == minitorch.float32
    y.sum().backward()
    assert x.grad.dtype == minitorch.float32 and w.grad.dtype == minitorch.float64
    tx = torch.tensor(x.detach().numpy(), requires_grad=True)
    tw = torch.tensor(w.detach().numpy(), requires_grad=True)
    ty = tx * 2.0
    ty.mul_(tw)
    ty.sum().backward()
    close(x.grad, tx.grad, rtol=1e-6)
    close(w.grad, tw.grad, rtol=1e-6)
    y = x * 2.0
    with pytest.raises(RuntimeError, match=r"\[2, 3\]"):
        y.add_(minitorch.randn(2, 3, requires_grad=True))
    i = minitorch.tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match="can't be cast"):
        i.add_(x)


def test_inplace_narrowing_within_category_allowed():
    a = minitorch.ones(3)
    a.mul_(minitorch.full((3,), 2.0, dtype=minitorch.float64))
    assert a.dtype == minitorch.float32 and a.tolist() == [2.0, 2.0, 2.0]
    b = minitorch.ones(3, dtype=minitorch.int32)
    b.add_(minitorch.ones(3, dtype=minitorch.int64))
    assert b.dtype == minitorch.int32 and b.tolist() == [2, 2, 2]
    with pytest.raises(RuntimeError, match="can't be cast"):
        minitorch.tensor([True, False]).add_(minitorch.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="can't be cast"):
        minitorch.tensor([1, 2]).mul_(minitorch.tensor([1.5, 2.0]))


def test_inplace_recorded_old_value_saved_by_earlier_op_raises():
    x, tx = pair(3)
    y = x * 2.0
    z = y * y          # saves y
    y.add_(1.0)        # recorded: y is rebound, its version moves on
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_custom_function_needs_input_grad_in_forward():
    seen = []

    class Probe(Function):
        @staticmethod
        def forward(ctx, x, y):
            seen.append(tuple(ctx.needs_input_grad))
            return x + y

        @staticmethod
        def backward(ctx, g):
            return g, g

    x, _ = pair(3)
    c, _ = pair(3, requires_grad=False)
    Probe.apply(x, c)
    assert seen == [(True, False)]


def test_retain_grad_sees_grad_after_all_hooks():
    # PyTorch runs the retain_grad hook last, whatever the registration order
    x, tx = pair(2)
    out = []
    for lib_x in (x, tx):
        y = lib_x * 2
        y.retain_grad()
        y.register_hook(lambda g: g * 10)
        (y * y).sum().backward()
        out.append((y.grad, lib_x.grad))
    close(out[0][0], out[1][0])
    close(out[0][1], out[1][1])


def test_hook_runs_once_on_summed_grad_of_reused_tensor():
    for make in (lambda x: x * 2, lambda x: x):
        x, _ = pair(2)
        calls = []
        y = make(x)
        y.register_hook(lambda g: calls.append(g.detach().numpy().copy()))
        (y * y + y).sum().backward()
        assert len(calls) == 1
        np.testing.assert_allclose(calls[0], 2 * y.detach().numpy() + 1)


def test_autograd_grad_with_none_in_grad_outputs():
    x, tx = pair(2)
    (g,) = minitorch.autograd.grad([(x * 2).sum(), x * 3], x,
                                   grad_outputs=[None, minitorch.ones(2, dtype=minitorch.float64)])
    (tg,) = torch.autograd.grad([(tx * 2).sum(), tx * 3], tx,
                                grad_outputs=[None, torch.ones(2, dtype=torch.float64)])
    close(g, tg)


def test_grad_mode_bare_decorators():
    @minitorch.no_grad
    def f(t):
        return t * 2, minitorch.is_grad_enabled()

    @minitorch.enable_grad
    def g():
        return minitorch.is_grad_enabled()

    x, _ = pair(2)
    y, mode = f(x)
    assert not mode and not y.requires_grad
    with minitorch.no_grad():
        assert g()
    assert minitorch.is_grad_enabled()


@pytest.mark.parametrize("deco", [lambda: minitorch.no_grad(),
                                  lambda: minitorch.set_grad_enabled(False)])
def test_grad_mode_decorated_generator(deco):
    # the mode applies inside every step of the generator, not around its creation only
    @deco()
    def gen():
        got = yield minitorch.is_grad_enabled()
        yield got, minitorch.is_grad_enabled()

    it = gen()
    assert next(it) is False
    assert minitorch.is_grad_enabled()     # the caller keeps its own mode between steps
    assert it.send("hi") == ("hi", False)
    assert minitorch.is_grad_enabled()
    with pytest.raises(StopIteration):
        next(it)


def test_too_few_gradients_is_caught():
    class TooFew(Function):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, g):
            return g

    x, _ = pair(3)
    y, _ = pair(3)
    with pytest.raises(RuntimeError, match="TooFewBackward.*expected 2, got 1"):
        TooFew.apply(x, y).sum().backward()


def test_grad_accepts_pytorchs_full_signature():
    """only_inputs (ignored), dict inputs, is_grads_batched, grad_variables, as torch."""
    import torch
    import warnings
    xs = np.array([0.5, -1.5, 2.0])
    results = []
    for lib in (minitorch, torch):
        x = lib.tensor(xs, requires_grad=True)
        w = lib.tensor(xs[::-1].copy(), requires_grad=True)
        y = (x * x * w).sum()
        g1, = lib.autograd.grad(y, x, None, True, False, True)          # positional only_inputs
        d = lib.autograd.grad((x * w).sum(), {"x": x, "w": w}, retain_graph=True)
        out = x * w
        eye = lib.eye(3, dtype=lib.float64)
        jac, = lib.autograd.grad(out, x, eye, retain_graph=True, is_grads_batched=True)
        with warnings.catch_warnings(record=True) as ws:
            warnings.simplefilter("always")
            lib.autograd.backward([out.sum()], grad_variables=[lib.tensor(2.0, dtype=lib.float64)])
        results.append((g1.detach().numpy(), d["x"].numpy(), d["w"].numpy(), jac.numpy(),
                        x.grad.numpy(), len(ws)))
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b)


def test_extra_trailing_none_gradients_are_allowed_as_torch():
    """PyTorch code returns None for defaulted forward arguments (eps=1e-3) that were not
    passed: extra trailing Nones are fine, an extra gradient is not."""
    class Scale(Function):
        @staticmethod
        def forward(ctx, x, w, eps=1e-3):
            ctx.save_for_backward(x, w)
            return x * w + eps

        @staticmethod
        def backward(ctx, g):
            x, w = ctx.saved_tensors
            return g * w, g * x, None, None, None

    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    w = minitorch.tensor([3.0, 4.0], requires_grad=True)
    Scale.apply(x, w).sum().backward()
    assert x.grad.tolist() == [3.0, 4.0] and w.grad.tolist() == [1.0, 2.0]
