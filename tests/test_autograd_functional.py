"""minitorch.autograd.functional against torch.autograd.functional: values, dtypes and
result structure (tensor / tuple / tuple of tuples) of jacobian, hessian, vjp, jvp, vhp
and hvp; create_graph and strict."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.autograd.functional as TF

import minitorch
import minitorch.autograd.functional as MF

RNG = np.random.default_rng(0)


def arrays(*shapes):
    return [RNG.standard_normal(s) for s in shapes]


def both(arrs, dtype="float64"):
    m = tuple(minitorch.tensor(a.astype(dtype)) for a in arrs)
    t = tuple(torch.tensor(a.astype(dtype)) for a in arrs)
    return m, t


def assert_same(m, t, rtol=1e-10, atol=1e-12):
    """Same nesting of tuples, same shapes and dtypes, close values."""
    if isinstance(t, tuple):
        assert isinstance(m, tuple) and len(m) == len(t)
        for a, b in zip(m, t):
            assert_same(a, b, rtol, atol)
        return
    assert isinstance(m, minitorch.Tensor), type(m)
    assert tuple(m.shape) == tuple(t.shape)
    assert m.dtype.name == str(t.dtype).replace("torch.", "")
    np.testing.assert_allclose(m.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol)


# functions written once, run with either library as L
def f_square(L):
    return lambda x: x ** 2 * 3.0


def f_matrix(L):
    return lambda x: L.tanh(x @ x.T).sum(0)


def f_two_in(L):
    return lambda x, y: x.exp() * y.sum() + L.sin(y)


def f_two_out(L):
    return lambda x, y: (x * y, (x ** 2).sum().reshape(1))


def f_scalar(L):
    return lambda x: (x.sin() * x ** 3).sum()


def f_scalar2(L):
    return lambda x, y: (x.exp() * y.sum() + (y ** 3).sum() * x).sum()


JAC_CASES = [
    ("square", f_square, [(3,)], False),
    ("matrix", f_matrix, [(3, 2)], False),
    ("two_in", f_two_in, [(3,), (3,)], True),
    ("two_out", f_two_out, [(3,), (3,)], True),
]


@pytest.mark.parametrize("name,make,shapes,tuple_in", JAC_CASES, ids=[c[0] for c in JAC_CASES])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_jacobian_matches_torch(name, make, shapes, tuple_in, dtype):
    m, t = both(arrays(*shapes), dtype)
    mi = m if tuple_in else m[0]
    ti = t if tuple_in else t[0]
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else {}
    assert_same(MF.jacobian(make(minitorch), mi), TF.jacobian(make(torch), ti), **tol)


def test_jacobian_of_unused_input_is_zeros_or_strict_error():
    m, t = both(arrays((2,), (3,)))
    fm = lambda x, y: x * 2  # noqa: E731
    ft = lambda x, y: x * 2  # noqa: E731
    assert_same(MF.jacobian(fm, m), TF.jacobian(ft, t))
    with pytest.raises(RuntimeError, match="independent of input 1"):
        MF.jacobian(fm, m, strict=True)
    with pytest.raises(RuntimeError):
        TF.jacobian(ft, t, strict=True)


def test_jacobian_create_graph_is_differentiable():
    m, t = both(arrays((3,)))
    xm = m[0].clone().requires_grad_()
    xt = t[0].clone().requires_grad_()
    jm = MF.jacobian(lambda x: x ** 3, xm, create_graph=True)
    jt = TF.jacobian(lambda x: x ** 3, xt, create_graph=True)
    assert jm.requires_grad and jt.requires_grad
    jm.sum().backward()
    jt.sum().backward()
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy())


def test_jacobian_leaves_callers_tensors_alone():
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    j = MF.jacobian(lambda a: a * a, x)
    assert x.grad is None and not j.requires_grad
    np.testing.assert_allclose(j.numpy(), np.diag([2.0, 4.0]))
    for strategy in ("forward-mode", "reverse-mode"):
        MF.jacobian(lambda a: a * a, x, vectorize=True, strategy=strategy)
    with pytest.raises(ValueError, match="strategy"):
        MF.jacobian(lambda a: a * a, x, strategy="sideways")


@pytest.mark.parametrize("make,shapes,tuple_in", [(f_scalar, [(4,)], False),
                                                  (f_scalar, [(2, 2)], False),
                                                  (f_scalar2, [(3,), (2,)], True)])
def test_hessian_matches_torch(make, shapes, tuple_in):
    m, t = both(arrays(*shapes))
    mi = m if tuple_in else m[0]
    ti = t if tuple_in else t[0]
    assert_same(MF.hessian(make(minitorch), mi), TF.hessian(make(torch), ti))


def test_hessian_rejects_non_scalar_functions():
    m, _ = both(arrays((3,)))
    with pytest.raises(RuntimeError, match="single element"):
        MF.hessian(lambda x: x * 2, m[0])


@pytest.mark.parametrize("make,shapes,tuple_in", [(f_square, [(3,)], False),
                                                  (f_two_in, [(3,), (3,)], True),
                                                  (f_two_out, [(3,), (3,)], True)])
def test_vjp_and_jvp_match_torch(make, shapes, tuple_in):
    m, t = both(arrays(*shapes))
    mi = m if tuple_in else m[0]
    ti = t if tuple_in else t[0]
    out_t = make(torch)(*t)
    outs = out_t if isinstance(out_t, tuple) else (out_t,)
    vo = [RNG.standard_normal(tuple(o.shape)) for o in outs]
    vm_o, vt_o = both(vo)
    vi = [RNG.standard_normal(tuple(x.shape)) for x in t]
    vm_i, vt_i = both(vi)
    pick = (lambda v: v) if isinstance(out_t, tuple) else (lambda v: v[0])
    pick_in = (lambda v: v) if tuple_in else (lambda v: v[0])
    assert_same(MF.vjp(make(minitorch), mi, pick(vm_o)), TF.vjp(make(torch), ti, pick(vt_o)))
    assert_same(MF.jvp(make(minitorch), mi, pick_in(vm_i)),
                TF.jvp(make(torch), ti, pick_in(vt_i)))


def test_vjp_without_v_needs_a_scalar_output():
    m, t = both(arrays((3,)))
    assert_same(MF.vjp(f_scalar(minitorch), m[0]), TF.vjp(f_scalar(torch), t[0]))
    with pytest.raises(RuntimeError, match="can only be None"):
        MF.vjp(f_square(minitorch), m[0])
    with pytest.raises(RuntimeError, match="shape"):
        MF.vjp(f_square(minitorch), m[0], minitorch.ones(4, dtype=minitorch.float64))


@pytest.mark.parametrize("fn", ["vhp", "hvp"])
@pytest.mark.parametrize("make,shapes,tuple_in", [(f_scalar, [(4,)], False),
                                                  (f_scalar2, [(3,), (2,)], True)])
def test_vhp_and_hvp_match_torch(fn, make, shapes, tuple_in):
    m, t = both(arrays(*shapes))
    vm, vt = both(arrays(*shapes))
    mi, ti = (m, t) if tuple_in else (m[0], t[0])
    mv, tv = (vm, vt) if tuple_in else (vm[0], vt[0])
    assert_same(getattr(MF, fn)(make(minitorch), mi, mv), getattr(TF, fn)(make(torch), ti, tv))


def test_products_with_create_graph_stay_in_the_graph():
    x = minitorch.tensor([0.3, -0.7], dtype=minitorch.float64, requires_grad=True)
    tx = torch.tensor([0.3, -0.7], dtype=torch.float64, requires_grad=True)
    v = minitorch.tensor([1.0, 2.0], dtype=minitorch.float64)
    tv = torch.tensor([1.0, 2.0], dtype=torch.float64)
    _, hv = MF.hvp(f_scalar(minitorch), x, v, create_graph=True)
    _, thv = TF.hvp(f_scalar(torch), tx, tv, create_graph=True)
    hv.sum().backward()
    thv.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10)


def test_strict_jvp_and_bad_inputs():
    m, _ = both(arrays((2,)))
    with pytest.raises(RuntimeError, match="independent"):
        MF.jvp(lambda x: x.detach() * 2, m[0], m[0], strict=True)
    with pytest.raises(TypeError, match="Tensor"):
        MF.jacobian(lambda x: x, [1.0, 2.0])
    with pytest.raises(TypeError, match="Tensor"):
        MF.jacobian(lambda x: 3.0, m[0])
