"""minitorch.utils.checkpoint: a checkpointed call gives the outputs and gradients of the
plain call (and of torch's checkpoint on the same weights), frees the graph made inside
the call, replays the random state, supports autograd.grad and double backward, and
warns / raises as PyTorch does."""
from __future__ import annotations

import gc
import warnings
import weakref

import numpy as np
import pytest
import torch
import torch.utils.checkpoint as tcp

import minitorch
import minitorch.utils.checkpoint as mcp

RNG = np.random.default_rng(0)
W1, B1, W2, B2 = (RNG.standard_normal(s).astype("float32") for s in [(5, 4), (5,), (3, 5), (3,)])
X = RNG.standard_normal((2, 4)).astype("float32")


def make(lib):
    m = lib.nn.Sequential(lib.nn.Linear(4, 5), lib.nn.Tanh(), lib.nn.Linear(5, 3))
    with lib.no_grad():
        for p, a in zip(m.parameters(), (W1, B1, W2, B2)):
            p.copy_(lib.tensor(a))
    return m


def grads(lib, model, x):
    return [x.grad.numpy()] + [p.grad.numpy() for p in model.parameters()]


@pytest.mark.parametrize("reentrant", [True, False])
def test_outputs_and_gradients_match_torch_and_plain(reentrant):
    results = {}
    for lib, cp in ((torch, tcp), (minitorch, mcp)):
        model = make(lib)
        x = lib.tensor(X, requires_grad=True)
        out = cp.checkpoint(model, x, use_reentrant=reentrant)
        out.sin().sum().backward()
        results[lib.__name__] = (out.detach().numpy(), grads(lib, model, x))
    m_out, m_grads = results["minitorch"]
    t_out, t_grads = results["torch"]
    np.testing.assert_allclose(m_out, t_out, rtol=1e-5, atol=1e-6)
    for a, b in zip(m_grads, t_grads):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_gradients_equal_plain_run_exactly():
    model = make(minitorch)
    x = minitorch.tensor(X, requires_grad=True)
    model(x * 2).pow(2).sum().backward()
    plain = grads(minitorch, model, x)
    model.zero_grad()
    x.grad = None
    mcp.checkpoint(model, x * 2, use_reentrant=False).pow(2).sum().backward()
    for a, b in zip(grads(minitorch, model, x), plain):
        np.testing.assert_array_equal(a, b)


def test_graph_inside_the_call_is_freed():
    model = make(minitorch)
    x = minitorch.tensor(X, requires_grad=True)
    inner = []

    def fn(x):
        h = model[1](model[0](x))
        inner.append(weakref.ref(h.grad_fn))
        return model[2](h)
    out = mcp.checkpoint(fn, x, use_reentrant=False)
    gc.collect()
    assert inner[0]() is None            # the tanh node made in forward is gone
    assert out.grad_fn is not None
    out.sum().backward()
    assert x.grad is not None and model[0].weight.grad is not None


def test_dropout_masks_replayed():
    x = minitorch.tensor(X, requires_grad=True)
    lin = minitorch.nn.Linear(4, 4)

    def fn(x):
        return minitorch.nn.functional.dropout(lin(x), 0.5, training=True).exp()

    minitorch.manual_seed(3)
    plain = fn(x)
    plain.sum().backward()
    g_plain = x.grad.numpy().copy()
    x.grad = None
    minitorch.manual_seed(3)
    out = mcp.checkpoint(fn, x, use_reentrant=False)
    np.testing.assert_array_equal(out.detach().numpy(), plain.detach().numpy())
    after_forward = minitorch.rand(3)          # the stream goes on as without checkpointing
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), g_plain)
    minitorch.manual_seed(3)
    fn(x)
    np.testing.assert_array_equal(minitorch.rand(3).numpy(), after_forward.numpy())


def test_autograd_grad_and_double_backward():
    model = make(minitorch)
    x = minitorch.tensor(X, requires_grad=True)

    def f(inp):
        return model(inp).tanh().pow(2).sum()

    def penalty(value_fn):
        gx, = minitorch.autograd.grad(value_fn(x), x, create_graph=True)
        return minitorch.autograd.grad(gx.pow(2).sum(), [x, model[0].weight])

    ref = penalty(f)
    got = penalty(lambda inp: mcp.checkpoint(f, inp, use_reentrant=False))
    for a, b in zip(got, ref):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-7)


def test_multiple_outputs_kwargs_and_non_tensor_outputs():
    a = minitorch.tensor(X, requires_grad=True)
    b = minitorch.tensor(X[::-1].copy(), requires_grad=True)

    def fn(x, y, scale=1.0):
        return {"p": x * y * scale, "s": (x + y).sin()}, 7

    out, seven = mcp.checkpoint(fn, a, y=b, scale=2.0, use_reentrant=False)
    assert seven == 7
    (out["p"].sum() + out["s"].sum()).backward()
    np.testing.assert_allclose(a.grad.numpy(), 2 * b.detach().numpy()
                               + np.cos(X + X[::-1]), rtol=1e-6)
    with pytest.raises(ValueError, match="Unexpected keyword arguments: scale"):
        mcp.checkpoint(fn, a, b, scale=2.0, use_reentrant=True)


def test_closure_tensor_made_before_the_call():
    w = minitorch.tensor(W1, requires_grad=True)
    w2 = w * 3                                     # a non-leaf from outside the call
    x = minitorch.tensor(X, requires_grad=True)
    mcp.checkpoint(lambda x: (x @ w2.T).sin(), x, use_reentrant=False).sum().backward()
    got = (x.grad.numpy(), w.grad.numpy())
    x.grad = w.grad = None
    (x @ (w * 3).T).sin().sum().backward()
    np.testing.assert_allclose(got[0], x.grad.numpy(), rtol=1e-6)
    np.testing.assert_allclose(got[1], w.grad.numpy(), rtol=1e-6)


def test_function_returning_its_input():
    x = minitorch.tensor(X, requires_grad=True)
    out = mcp.checkpoint(lambda x: (x, x * 2), x, use_reentrant=False)
    (out[0].sum() + out[1].sum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full_like(X, 3.0))


def test_checkpoint_sequential_matches_torch():
    results = {}
    for lib, cp in ((torch, tcp), (minitorch, mcp)):
        lib.manual_seed(0)
        seq = lib.nn.Sequential(*[lib.nn.Linear(4, 4) for _ in range(4)])
        with lib.no_grad():
            for i, p in enumerate(seq.parameters()):
                p.copy_(lib.tensor(np.cos(np.arange(p.numel()) + i).reshape(tuple(p.shape))
                                   .astype("float32")))
        x = lib.tensor(X, requires_grad=True)
        out = cp.checkpoint_sequential(seq, 3, x, use_reentrant=False)
        out.sum().backward()
        results[lib.__name__] = [out.detach().numpy(), x.grad.numpy()] + \
            [p.grad.numpy() for p in seq.parameters()]
    for a, b in zip(results["minitorch"], results["torch"]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_warnings_like_torch():
    x = minitorch.tensor(X, requires_grad=True)
    with pytest.warns(UserWarning, match="use_reentrant parameter should be passed"):
        mcp.checkpoint(lambda x: x * 2, x)
    # reentrant variant with no input requiring grad: PyTorch warns and the output has no grad
    lin = minitorch.nn.Linear(4, 2)
    with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True"):
        out = mcp.checkpoint(lin, minitorch.tensor(X), use_reentrant=True)
    t_out = tcp.checkpoint(torch.nn.Linear(4, 2), torch.tensor(X), use_reentrant=True)
    assert out.requires_grad == t_out.requires_grad
    # the non-reentrant variant still reaches the parameters
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = mcp.checkpoint(lin, minitorch.tensor(X), use_reentrant=False)
    out.sum().backward()
    assert lin.weight.grad is not None


def test_errors_like_torch():
    for cp in (tcp, mcp):
        with pytest.raises(ValueError, match="context_fn"):
            cp.checkpoint(lambda x: x, torch.ones(1) if cp is tcp else minitorch.ones(1),
                          use_reentrant=True, debug=True)
        with pytest.raises(ValueError, match="determinism_check"):
            cp.checkpoint(lambda x: x, torch.ones(1) if cp is tcp else minitorch.ones(1),
                          use_reentrant=False, determinism_check="bogus")


def test_no_grad_mode_just_calls():
    x = minitorch.tensor(X, requires_grad=True)
    with minitorch.no_grad():
        out = mcp.checkpoint(lambda x: x * 2, x, use_reentrant=False)
    assert not out.requires_grad


def test_context_fn_used_for_both_runs():
    import contextlib
    seen = []

    @contextlib.contextmanager
    def tag(name):
        seen.append(name)
        yield

    x = minitorch.tensor(X, requires_grad=True)
    out = mcp.checkpoint(lambda x: x.sin(), x, use_reentrant=False,
                         context_fn=lambda: (tag("forward"), tag("recompute")))
    out.sum().backward()
    assert seen == ["forward", "recompute"]


def test_importable_as_torch_utils_checkpoint():
    assert minitorch.utils.checkpoint.checkpoint is mcp.checkpoint
    assert callable(mcp.checkpoint_sequential)


def test_nested_checkpoints():
    lin = minitorch.nn.Linear(4, 4)
    x = minitorch.tensor(X, requires_grad=True)

    def inner(h):
        return lin(h).tanh()

    def outer(h):
        return mcp.checkpoint(inner, h * 2, use_reentrant=False).sin()

    mcp.checkpoint(outer, x, use_reentrant=False).sum().backward()
    got = (x.grad.numpy().copy(), lin.weight.grad.numpy().copy())
    x.grad = lin.weight.grad = None
    outer(x).sum().backward()
    np.testing.assert_array_equal(got[0], x.grad.numpy())
    np.testing.assert_array_equal(got[1], lin.weight.grad.numpy())


@pytest.mark.parametrize("create_graph", [False, True])
def test_closure_tensor_derived_from_a_tensor_also_used_inside(create_graph):
    """The function uses a parameter w directly and through w2 = 3 w made before the
    call: each path counts once (the gradient must not run through w2 twice)."""
    w = minitorch.tensor(W1, requires_grad=True)
    x = minitorch.tensor(X, requires_grad=True)

    def grads(checkpointed):
        w2 = w * 3

        def fn(x):
            return (x @ w2.T).sin() * (x @ w.T)
        out = mcp.checkpoint(fn, x, use_reentrant=False) if checkpointed else fn(x)
        return minitorch.autograd.grad(out.pow(2).sum(), [x, w], create_graph=create_graph)

    ref = grads(False)
    got = grads(True)
    for a, b in zip(got, ref):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5,
                                   atol=1e-6)
    if create_graph:        # and the second derivative through the checkpoint
        h_ref = minitorch.autograd.grad(ref[0].sum(), w)[0]
        h_got = minitorch.autograd.grad(got[0].sum(), w)[0]
        np.testing.assert_allclose(h_got.numpy(), h_ref.numpy(), rtol=1e-5, atol=1e-6)
