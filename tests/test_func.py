"""minitorch.func against torch.func: the same program run with each library (`lib` is
torch or minitorch) gives the same values, shapes, dtypes, result structure
(tuples / dicts), requires_grad, and the same error types."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch

LIBS = {"torch": torch, "minitorch": minitorch}
RNG = np.random.default_rng(0)


def data(*shape, dtype="float32"):
    return RNG.standard_normal(shape).astype(dtype)


def t(lib, a, requires_grad=False):
    return lib.tensor(a, requires_grad=requires_grad)


def assert_same(m, ref, rtol=1e-5, atol=1e-6, grad_flag=True):
    """Same pytree structure; tensors with equal shapes, dtypes, requires_grad, values."""
    if isinstance(ref, torch.Tensor):
        assert isinstance(m, minitorch.Tensor), type(m)
        assert tuple(m.shape) == tuple(ref.shape)
        assert str(m.dtype).split(".")[-1] == str(ref.dtype).split(".")[-1]
        if grad_flag:
            assert m.requires_grad == ref.requires_grad
        np.testing.assert_allclose(m.detach().numpy(), ref.detach().numpy(), rtol=rtol,
                                   atol=atol)
    elif isinstance(ref, dict):
        assert isinstance(m, dict) and list(m) == list(ref)
        for k in ref:
            assert_same(m[k], ref[k], rtol, atol, grad_flag)
    elif isinstance(ref, (tuple, list)):
        assert type(m) is type(ref) and len(m) == len(ref), (type(m), type(ref))
        for a, b in zip(m, ref):
            assert_same(a, b, rtol, atol, grad_flag)
    else:
        assert m == ref


def both(program, **kw):
    """Run program(lib) with both libraries and compare the results."""
    ref = program(torch)
    got = program(minitorch)
    assert_same(got, ref, **kw)
    return got


def same_error(program, match=None):
    """program(lib) raises the same exception type with both libraries."""
    with pytest.raises(Exception) as ref:
        program(torch)
    with pytest.raises(type(ref.value), match=match):
        program(minitorch)


X = data(3)
Y = data(3)
M = data(4, 3)
B = data(5, 3)
X23 = data(2, 3)
W32 = data(3, 2)
C1, C2 = data(2, 3, 4), data(2, 3, 4)
W3 = data(3)


# ---------------------------------------------------------------------------- grad
def test_grad_single_and_nested():
    both(lambda lib: lib.func.grad(lambda x: x.sin().sum())(t(lib, X)))
    both(lambda lib: lib.func.grad(lib.func.grad(lambda x: x.sin()))(t(lib, np.float32(0.7))))
    both(lambda lib: lib.func.grad(lambda x: (x ** 3).sum())(t(lib, X.astype("float64"))))


def test_grad_argnums_has_aux_and_value():
    def f(lib):
        def loss(x, y):
            return (x * y).sin().sum(), {"n": x.norm()}
        g, aux = lib.func.grad(loss, argnums=(0, 1), has_aux=True)(t(lib, X), t(lib, Y))
        return g, aux

    both(f)
    both(lambda lib: lib.func.grad_and_value(lambda x, y: (x * y).sum(), argnums=1)(
        t(lib, X), t(lib, Y)))
    both(lambda lib: lib.func.grad(lambda x, y: (x * y).sum(), argnums=-1)(t(lib, X), t(lib, Y)))
    both(lambda lib: lib.func.grad_and_value(lambda x: ((x ** 2).sum(), x.mean()),
                                             has_aux=True)(t(lib, X)))


def test_grad_pytree_argument():
    def f(lib):
        params = {"w": t(lib, M), "b": (t(lib, X),)}
        x = t(lib, X23)
        return lib.func.grad(lambda p, x: (x @ p["w"].T + p["b"][0].sum()).tanh().sum())(
            params, x)
    both(f)


def test_grad_requires_grad_of_results():
    w = W3
    # a closure tensor that requires grad keeps the result attached to the graph
    def closure(lib):
        wt = t(lib, w, True)
        return lib.func.grad(lambda x: (wt * x).sin().sum())(t(lib, X))
    both(closure)
    # an input that requires grad: the gradient is differentiable with respect to it
    both(lambda lib: lib.func.grad(lambda x: x.sin().sum())(t(lib, X, True)))
    # under no_grad the transform still works, and the result is detached
    def under_no_grad(lib):
        with lib.no_grad():
            return lib.func.grad(lambda x: x.sin().sum())(t(lib, X, True))
    both(under_no_grad)


def test_grad_through_result_into_closure_parameter():
    def f(lib):
        w = t(lib, W3, True)
        g = lib.func.grad(lambda x: (w * x).sin().sum())(t(lib, X))
        g.pow(2).sum().backward()
        return w.grad
    both(f)


def test_grad_unused_input_and_constant_output():
    both(lambda lib: lib.func.grad(lambda x, y: (x * 2).sum(), argnums=(0, 1))(
        t(lib, X), t(lib, Y)))


def test_grad_errors():
    same_error(lambda lib: lib.func.grad(lambda x: x.sin())(t(lib, X)), "scalar Tensor")
    same_error(lambda lib: lib.func.grad(lambda x: 3.0)(t(lib, X)), "return a Tensor")
    same_error(lambda lib: lib.func.grad(lambda x: x.sum(), argnums=2)(t(lib, X)),
               "only 1 positional")
    same_error(lambda lib: lib.func.grad(lambda x: x.sum(), argnums=())(t(lib, X)))
    same_error(lambda lib: lib.func.grad(lambda x: x.sum(), argnums=(0, 0))(t(lib, X)),
               "unique")
    same_error(lambda lib: lib.func.grad(lambda x: x.sum(), argnums=1.0)(t(lib, X)))
    same_error(lambda lib: lib.func.grad(lambda x: x.sum())(3.0), "must be Tensor")
    same_error(lambda lib: lib.func.grad(lambda x: x.sum())(lib.arange(3)))
    same_error(lambda lib: lib.func.grad(lambda x: x.sum(), has_aux=True)(t(lib, X)),
               "tuple")


# ---------------------------------------------------------------------------- vjp / jvp
def test_vjp_single_and_multi_output():
    def single(lib):
        out, fn = lib.func.vjp(lambda x: x.sin() * 2, t(lib, X))
        return out, fn(t(lib, Y)), fn(t(lib, X))     # callable twice
    both(single)

    def multi(lib):
        out, fn = lib.func.vjp(lambda x, y: (x * y, {"s": (x + y).exp()}), t(lib, X),
                               t(lib, Y))
        return out, fn((t(lib, Y), {"s": t(lib, X)}))
    both(multi)

    def aux(lib):
        out, fn, a = lib.func.vjp(lambda x: (x.cos(), x.sum()), t(lib, X), has_aux=True)
        return out, fn(t(lib, Y)), a
    both(aux)


def test_vjp_errors():
    same_error(lambda lib: lib.func.vjp(lambda x: (x, x), t(lib, X))[1]((t(lib, X),)),
               "pytree structure")
    same_error(lambda lib: lib.func.vjp(lambda x: x * 2, t(lib, X))[1](t(lib, data(4))),
               "Mismatch in shape")
    same_error(lambda lib: lib.func.vjp(lambda x: 3.0, t(lib, X)), "only tensors")


def test_jvp_and_linearize():
    both(lambda lib: lib.func.jvp(lambda x: x.sin() * x, (t(lib, X),), (t(lib, Y),)))
    both(lambda lib: lib.func.jvp(lambda x, y: (x * y, (x / (1 + y * y)).sum()),
                                  (t(lib, X), t(lib, Y)), (t(lib, Y), t(lib, X))))
    both(lambda lib: lib.func.jvp(lambda x: (x.exp(), x.sum()), (t(lib, X),), (t(lib, Y),),
                                  has_aux=True))
    both(lambda lib: lib.func.jvp(lambda x: t(lib, Y) * 2, (t(lib, X),), (t(lib, Y),)))

    def lin(lib):
        out, fn = lib.func.linearize(lambda x: x.sin(), t(lib, X))
        return out, fn(t(lib, Y))
    both(lin)


def test_jvp_errors():
    same_error(lambda lib: lib.func.jvp(lambda x: x, t(lib, X), (t(lib, X),)), "tuple")
    same_error(lambda lib: lib.func.jvp(lambda x: x, (t(lib, X),), [t(lib, X)]), "structure")
    same_error(lambda lib: lib.func.jvp(lambda x: x, (t(lib, X),), (t(lib, data(4)),)),
               "different size")
    same_error(lambda lib: lib.func.jvp(lambda x: x, (t(lib, X),),
                                        (lib.zeros(3, dtype=lib.int64),)), "floating point")


# ---------------------------------------------------------------------------- jacobians
@pytest.mark.parametrize("name", ["jacrev", "jacfwd"])
def test_jacobians(name):
    both(lambda lib: getattr(lib.func, name)(lambda x: x.sin() * x.sum())(t(lib, X)))
    both(lambda lib: getattr(lib.func, name)(lambda x: (x @ x.T).tanh())(t(lib, X23)))
    both(lambda lib: getattr(lib.func, name)(lambda x, y: x * y, argnums=(0, 1))(
        t(lib, X), t(lib, Y)))
    both(lambda lib: getattr(lib.func, name)(lambda x: {"s": x.sin(), "t": (x.sum(),)})(
        t(lib, X)))
    both(lambda lib: getattr(lib.func, name)(lambda d: d["a"] * 2)({"a": t(lib, X)}))
    both(lambda lib: getattr(lib.func, name)(lambda x: (x.exp(), x.sum()), has_aux=True)(
        t(lib, X)))


def test_hessian_and_composed_jacobians():
    def f(x):
        return (x.sin() * x.pow(2)).sum()
    both(lambda lib: lib.func.hessian(f)(t(lib, X.astype("float64"))), rtol=1e-10)
    both(lambda lib: lib.func.jacrev(lib.func.jacrev(f))(t(lib, X.astype("float64"))),
         rtol=1e-10)
    both(lambda lib: lib.func.hessian(lambda x, y: (x * y * y).sum(), argnums=(0, 1))(
        t(lib, X), t(lib, Y)))


def test_jacobian_dtype_float32_stays_float32():
    j = minitorch.func.jacrev(lambda x: x.sin())(minitorch.tensor(X))
    assert j.dtype == minitorch.float32


# ---------------------------------------------------------------------------- vmap
def test_vmap_basic_and_in_out_dims():
    both(lambda lib: lib.vmap(lib.dot)(t(lib, B), t(lib, B[::-1].copy())))
    both(lambda lib: lib.func.vmap(lambda x, w: x @ w, in_dims=(0, None))(
        t(lib, B), t(lib, W32)))
    both(lambda lib: lib.func.vmap(lambda x: x * 2, in_dims=1)(t(lib, M)))
    both(lambda lib: lib.func.vmap(lambda x: x.sum(0), in_dims=-1, out_dims=0)(t(lib, M)))
    both(lambda lib: lib.func.vmap(lambda x: x.exp(), out_dims=1)(t(lib, M)))
    both(lambda lib: lib.func.vmap(lambda x: (x, 3.0), out_dims=(0, None))(t(lib, X)))
    both(lambda lib: lib.func.vmap(lambda x, y: x + y, in_dims=(0, None))(t(lib, B), 1.0))
    both(lambda lib: lib.func.vmap(lambda x: x * 2, chunk_size=2)(t(lib, B)))


def test_vmap_pytrees_and_nesting():
    both(lambda lib: lib.func.vmap(lambda d: {"y": d["a"] * d["b"].sum()},
                                   in_dims=({"a": 0, "b": None},))(
        {"a": t(lib, B), "b": t(lib, X)}))
    both(lambda lib: lib.func.vmap(lib.func.vmap(lambda a, b: a * b))(
        t(lib, C1), t(lib, C2)))
    both(lambda lib: lib.func.vmap(lambda x, y: (x.outer(y), x.sum()))(t(lib, B), t(lib, B)))


def test_vmap_kwargs_are_not_mapped():
    both(lambda lib: lib.func.vmap(lambda x, scale=1.0: x * scale)(t(lib, B), scale=3.0))


def test_vmap_gradient_flows_to_batch():
    def f(lib):
        xs = t(lib, B, True)
        lib.func.vmap(lambda x: (x.sin() * x).sum())(xs).sum().backward()
        return xs.grad
    both(f)


def test_vmap_empty_batch():
    both(lambda lib: lib.func.vmap(lambda x: x * 2)(lib.zeros(0, 3)))


def test_vmap_errors():
    same_error(lambda lib: lib.func.vmap(lambda x: x)(3.0), "non-Tensor")
    same_error(lambda lib: lib.func.vmap(lambda x, y: x, in_dims=(0,))(t(lib, X), t(lib, X)),
               "in_dims is not compatible")
    same_error(lambda lib: lib.func.vmap(lambda x, y: x)(t(lib, X), t(lib, data(4))),
               "same size in the mapped dimension")
    same_error(lambda lib: lib.func.vmap(lambda x: 3.0)(t(lib, X)), "must only return Tensors")
    same_error(lambda lib: lib.func.vmap(lambda x: x, in_dims=1)(t(lib, X)), "dimensionality")
    same_error(lambda lib: lib.func.vmap(lambda x: x, in_dims=None)(t(lib, X)),
               "expected `in_dims`")
    same_error(lambda lib: lib.func.vmap(lambda x: x, in_dims=[0])(t(lib, X)),
               "expected `in_dims`")
    same_error(lambda lib: lib.func.vmap(lambda x: x, in_dims=(None,))(t(lib, X)),
               "at least one Tensor")
    same_error(lambda lib: lib.func.vmap(lambda x: x)(), "got no inputs")
    same_error(lambda lib: lib.func.vmap(lambda x: x, randomness="foo"), "randomness")
    same_error(lambda lib: lib.func.vmap(lambda x: x, chunk_size=0)(t(lib, X)), "chunk_size")
    same_error(lambda lib: lib.func.vmap(lambda x: x, out_dims=(0, 1))(t(lib, X)),
               "out_dims is not compatible")


def test_vmap_randomness():
    xs = minitorch.zeros(4, 3)
    with pytest.raises(RuntimeError, match="randomness error mode"):
        minitorch.vmap(lambda x: x + minitorch.rand(3))(xs)
    # after the error the samplers work again
    assert minitorch.rand(2).shape == (2,)
    same = minitorch.vmap(lambda x: x + minitorch.rand(3), randomness="same")(xs)
    assert np.allclose(same.numpy(), same.numpy()[0:1])
    diff = minitorch.vmap(lambda x: x + minitorch.rand(3), randomness="different")(xs)
    assert not np.allclose(diff.numpy(), diff.numpy()[0:1])
    with pytest.raises(RuntimeError, match="randomness error mode"):
        minitorch.vmap(lambda x: minitorch.nn.functional.dropout(x, 0.5))(xs)


# ---------------------------------------------------------------------------- composition
def test_per_sample_gradients_with_functional_call():
    """The per-sample-gradient recipe: vmap(grad(loss), in_dims=(None, None, 0, 0))."""
    w1, b1, w2, b2 = data(4, 3), data(4), data(2, 4), data(2)
    xs, ys = data(6, 3), RNG.integers(0, 2, 6)

    def program(lib):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Tanh(), lib.nn.Linear(4, 2))
        with lib.no_grad():
            for p, a in zip(model.parameters(), (w1, b1, w2, b2)):
                p.copy_(lib.tensor(a))
        params = {k: v.detach() for k, v in model.named_parameters()}
        buffers = {k: v.detach() for k, v in model.named_buffers()}

        def loss(params, buffers, x, y):
            out = lib.func.functional_call(model, (params, buffers), (x.unsqueeze(0),))
            return lib.nn.functional.cross_entropy(out, y.unsqueeze(0))
        return lib.func.vmap(lib.func.grad(loss), in_dims=(None, None, 0, 0))(
            params, buffers, lib.tensor(xs), lib.tensor(ys))
    both(program)


def test_model_ensembling_with_stack_module_state():
    xs = data(5, 3)

    def program(lib):
        lib.manual_seed(0)
        models = [lib.nn.Linear(3, 2) for _ in range(4)]
        with lib.no_grad():
            for i, m in enumerate(models):
                m.weight.copy_(lib.full((2, 3), float(i)))
                m.bias.fill_(float(i))
        params, buffers = lib.func.stack_module_state(models)

        def fmodel(p, b, x):
            return lib.func.functional_call(models[0], (p, b), (x,))
        out = lib.vmap(fmodel, in_dims=(0, 0, None))(params, buffers, lib.tensor(xs))
        return out, {k: (v.shape, v.requires_grad, v.is_leaf) for k, v in params.items()}

    got = program(minitorch)
    ref = program(torch)
    assert_same(got[0], ref[0])
    assert {k: (tuple(s), r, l) for k, (s, r, l) in got[1].items()} == \
        {k: (tuple(s), r, l) for k, (s, r, l) in ref[1].items()}


def test_stack_module_state_errors():
    same_error(lambda lib: lib.func.stack_module_state([]), "at least one model")
    same_error(lambda lib: lib.func.stack_module_state([lib.nn.Linear(2, 3), lib.nn.ReLU()]),
               "same class")


def test_replace_all_batch_norm_modules_():
    def program(lib):
        m = lib.nn.Sequential(lib.nn.Linear(3, 3), lib.nn.BatchNorm1d(3))
        lib.func.replace_all_batch_norm_modules_(m)
        bn = m[1]
        return (bn.running_mean is None, bn.running_var is None,
                bn.num_batches_tracked is None, bn.track_running_stats)
    assert program(minitorch) == program(torch)


def test_functionalize_and_debug_unwrap():
    both(lambda lib: lib.func.functionalize(lambda x: x.clone().add_(1).mul(2))(t(lib, X)))
    x = minitorch.tensor(X)
    assert minitorch.func.debug_unwrap(x) is x


def test_maml_style_inner_step_keeps_graph():
    """A MAML-like inner step: grad of the inner loss wrt parameters passed through
    functional_call, then an outer backward into the original parameters."""
    w0, x0, y0 = data(2, 3), data(4, 3), data(4, 2)

    def program(lib):
        w = t(lib, w0, True)

        def inner(p):
            return ((lib.tensor(x0) @ p.T - lib.tensor(y0)) ** 2).mean()
        g = lib.func.grad(inner)(w)
        adapted = w - 0.1 * g
        inner(adapted).backward()
        return w.grad
    both(program)


def test_top_level_names():
    assert minitorch.vmap is minitorch.func.vmap
    for name in ["functional_call", "grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd",
                 "hessian", "vmap", "linearize", "stack_module_state",
                 "replace_all_batch_norm_modules_", "functionalize", "debug_unwrap"]:
        assert hasattr(minitorch.func, name), name


def test_transform_results_pass_gradcheck():
    """The results of grad / jacrev / vmap are differentiable functions of their inputs
    (checked by finite differences, float64), twice for grad."""
    x = minitorch.tensor(RNG.standard_normal(3), requires_grad=True)

    def f(x):
        return (x.sin() * x.pow(2)).sum()
    F = minitorch.func
    assert minitorch.autograd.gradcheck(lambda x: F.grad(f)(x), (x,))
    assert minitorch.autograd.gradgradcheck(lambda x: F.grad(f)(x), (x,))
    assert minitorch.autograd.gradcheck(lambda x: F.jacrev(lambda y: y.tanh() * y.sum())(x),
                                        (x,))
    xs = minitorch.tensor(RNG.standard_normal((2, 3)), requires_grad=True)
    assert minitorch.autograd.gradcheck(lambda xs: F.vmap(F.grad(f))(xs), (xs,))
    v = minitorch.tensor(RNG.standard_normal(3))
    assert minitorch.autograd.gradcheck(
        lambda x: F.jvp(lambda y: y.exp() * y, (x,), (v,))[1], (x,))
