"""minitorch.linalg and the torch-level linear algebra (issue 12) against PyTorch: named
tuples, non-differentiable results (info, pivots, rank, permutations), errors, warnings,
batching and broadcasting, eig's real-only results, in-place methods.

Values and gradients of the differentiable functions are checked by the op table
(minitorch/testing/op_table_linalg.py, run by tests/test_ops.py); here is the rest.
"""
import warnings

import numpy as np
import pytest
import torch

import minitorch as mt

torch.set_num_threads(1)
RNG = np.random.default_rng(12)


def pair(a, requires_grad=False):
    """The same array as a minitorch and a torch tensor."""
    a = np.asarray(a)
    return (mt.tensor(a.copy(), requires_grad=requires_grad),
            torch.tensor(a.copy(), requires_grad=requires_grad))


def same(x, y, rtol=1e-7, atol=1e-9):
    """x (minitorch) equals y (torch): shape, dtype and values."""
    xa, ya = np.asarray(x.detach().numpy()), y.detach().numpy()
    assert xa.shape == ya.shape, (xa.shape, ya.shape)
    assert str(x.dtype).split(".")[-1] == str(y.dtype).split(".")[-1], (x.dtype, y.dtype)
    if xa.dtype.kind in "biu":
        np.testing.assert_array_equal(xa, ya)
    else:
        np.testing.assert_allclose(xa, ya, rtol=rtol, atol=atol)


def torch_message(fn):
    with pytest.raises(Exception) as info:
        fn()
    return info.type, str(info.value)


SINGULAR = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])


# ---------------------------------------------------------------------------- named tuples
@pytest.mark.parametrize("name, call", [
    ("linalg.svd", lambda L, a: L.linalg.svd(a)),
    ("linalg.qr", lambda L, a: L.linalg.qr(a)),
    ("linalg.slogdet", lambda L, a: L.linalg.slogdet(a)),
    ("slogdet", lambda L, a: L.slogdet(a)),
    ("linalg.eigh", lambda L, a: L.linalg.eigh(a + a.mT)),
    ("linalg.inv_ex", lambda L, a: L.linalg.inv_ex(a)),
    ("linalg.cholesky_ex",
     lambda L, a: L.linalg.cholesky_ex(a @ a.mT + 3 * L.eye(3, dtype=a.dtype))),
    ("linalg.solve_ex", lambda L, a: L.linalg.solve_ex(a, a)),
    ("linalg.lu_factor", lambda L, a: L.linalg.lu_factor(a)),
    ("linalg.lu_factor_ex", lambda L, a: L.linalg.lu_factor_ex(a)),
    ("linalg.lu", lambda L, a: L.linalg.lu(a)),
    ("lu_unpack", lambda L, a: L.lu_unpack(*L.linalg.lu_factor(a))),
    ("linalg.lstsq", lambda L, a: L.linalg.lstsq(a, a[..., :2], driver="gelsd")),
])
def test_named_tuples_match_torch(name, call):
    a = RNG.standard_normal((2, 3, 3)) + 3 * np.eye(3)
    x, y = pair(a)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mine, ref = call(mt, x), call(torch, y)
    assert type(mine).__name__ == type(ref).__name__
    assert len(mine) == len(ref)
    fields = [f for f in dir(ref) if not f.startswith("_") and f not in
              ("count", "index", "n_fields", "n_sequence_fields", "n_unnamed_fields")]
    assert sorted(mine._fields) == sorted(fields)
    for f in fields:
        if name == "linalg.eigh" and f == "eigenvectors":
            same(getattr(mine, f).abs(), getattr(ref, f).abs(), 1e-6, 1e-8)
        elif name == "linalg.svd" and f in ("U", "Vh"):
            same(getattr(mine, f).abs(), getattr(ref, f).abs(), 1e-6, 1e-8)
        else:
            same(getattr(mine, f), getattr(ref, f), 1e-6, 1e-8)


def test_torch_svd_returns_v_and_zero_factors_without_uv():
    x, y = pair(RNG.standard_normal((4, 3)))
    u, s, v = mt.svd(x)
    np.testing.assert_allclose((u * s) @ v.mT, x.numpy(), atol=1e-10)
    assert tuple(v.shape) == (3, 3) and tuple(u.shape) == (4, 3)
    full = mt.svd(x, some=False)
    assert tuple(full.U.shape) == (4, 4)
    mine, ref = mt.svd(x, compute_uv=False), torch.svd(y, compute_uv=False)
    for f in ("U", "S", "V"):
        same(getattr(mine, f), getattr(ref, f))


def test_torch_lu_with_infos_and_lu_unpack_flags():
    x, y = pair(RNG.standard_normal((2, 4, 4)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mine, ref = mt.lu(x, get_infos=True), torch.lu(y, get_infos=True)
        assert len(mt.lu(x)) == 2
    for a, b in zip(mine, ref):
        same(a, b)
    p, l, u = mt.lu_unpack(mine[0], mine[1], unpack_data=False)
    assert l.numel() == 0 and u.numel() == 0 and p.shape == (2, 4, 4)
    p, l, u = mt.lu_unpack(mine[0], mine[1], unpack_pivots=False)
    assert p.numel() == 0
    np.testing.assert_allclose(mt.linalg.lu(x).P.numpy() @ (l @ u).numpy(), x.numpy(), atol=1e-10)


# ---------------------------------------------------------------------------- non-differentiable
def test_info_outputs_match_torch():
    a = np.stack([np.eye(3), SINGULAR, -np.eye(3)])
    x, y = pair(a)
    same(mt.linalg.inv_ex(x).info, torch.linalg.inv_ex(y).info)
    same(mt.linalg.solve_ex(x, x).info, torch.linalg.solve_ex(y, y).info)
    same(mt.linalg.cholesky_ex(x).info, torch.linalg.cholesky_ex(y).info)
    same(mt.linalg.lu_factor_ex(x).info, torch.linalg.lu_factor_ex(y).info)
    same(mt.linalg.lu_factor_ex(x).pivots, torch.linalg.lu_factor_ex(y).pivots)
    # a failed matrix's factor is NaN in minitorch (PyTorch leaves a partial factor);
    # the others are exact
    same(mt.linalg.cholesky_ex(x).L[0], torch.linalg.cholesky_ex(y).L[0])
    assert np.isnan(mt.linalg.inv_ex(x).inverse[1].numpy()).all()
    with pytest.raises(mt.linalg.LinAlgError):
        mt.linalg.inv_ex(x, check_errors=True)
    with pytest.raises(mt.linalg.LinAlgError):
        mt.linalg.cholesky_ex(x, check_errors=True)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (5, 3), (2, 3, 5)])
def test_lu_factor_pivots_and_permutation(shape):
    x, y = pair(RNG.standard_normal(shape))
    lu, piv = mt.linalg.lu_factor(x)
    lu_t, piv_t = torch.linalg.lu_factor(y)
    same(lu, lu_t)
    same(piv, piv_t)
    P, L, U = mt.linalg.lu(x)
    Pt, Lt, Ut = torch.linalg.lu(y)
    same(P, Pt)
    same(L, Lt)
    same(U, Ut)
    assert not P.requires_grad


def test_matrix_rank_and_lstsq_outputs():
    a = np.stack([SINGULAR, np.eye(3), np.zeros((3, 3))])
    x, y = pair(a)
    same(mt.linalg.matrix_rank(x), torch.linalg.matrix_rank(y))
    same(mt.linalg.matrix_rank(x, hermitian=True), torch.linalg.matrix_rank(y, hermitian=True))
    same(mt.linalg.matrix_rank(x, atol=1.5, rtol=0.0),
         torch.linalg.matrix_rank(y, atol=1.5, rtol=0.0))
    a, b = RNG.standard_normal((2, 6, 3)), RNG.standard_normal((2, 6, 2))
    (xa, ya), (xb, yb) = pair(a), pair(b)
    for driver in (None, "gels", "gelsy", "gelsd", "gelss"):
        mine = mt.linalg.lstsq(xa, xb, driver=driver)
        ref = torch.linalg.lstsq(ya, yb, driver=driver)
        for f in ("solution", "residuals", "rank", "singular_values"):
            same(getattr(mine, f), getattr(ref, f), 1e-6, 1e-8)
    same(mt.linalg.lstsq(xa, xb[..., 0]).solution, torch.linalg.lstsq(ya, yb[..., 0]).solution)


def test_eig_real_results_match_torch_real_parts():
    a = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.5, 0.0, 4.0]])
    x, y = pair(a, requires_grad=True)
    w, v = mt.linalg.eig(x)
    wt, vt = torch.linalg.eig(y)
    same(w, wt.real)
    same(v, vt.real)
    same(mt.linalg.eigvals(x), torch.linalg.eigvals(y).real)
    gw, gv = RNG.standard_normal(3), RNG.standard_normal((3, 3))
    (w * mt.tensor(gw)).sum().add((v * mt.tensor(gv)).sum()).backward()
    ((wt.real * torch.tensor(gw)).sum() + (vt.real * torch.tensor(gv)).sum()).backward()
    same(x.grad, y.grad, 1e-6, 1e-8)
    with pytest.raises(RuntimeError, match="complex"):
        mt.linalg.eig(mt.tensor([[0.0, 1.0], [-1.0, 0.0]]))


def test_logdet_signs_and_det_of_singular():
    a = np.stack([-np.eye(3), SINGULAR, np.diag([1.0, 2.0, 3.0])])
    x, y = pair(a)
    same(mt.logdet(x), torch.logdet(y))
    same(x.det(), y.det())
    s, la = mt.linalg.slogdet(x)
    st, lat = torch.linalg.slogdet(y)
    same(s, st)
    same(la, lat)


def test_float32_stays_float32_for_non_differentiable_results():
    x = mt.randn(2, 3, 3, dtype=mt.float32)
    assert mt.linalg.matrix_rank(x).dtype == mt.int64
    assert mt.linalg.lu_factor(x).pivots.dtype == mt.int32
    assert mt.linalg.inv_ex(x).info.dtype == mt.int32
    assert mt.linalg.eigvals(x @ x.mT).dtype == mt.float32
    assert mt.linalg.lstsq(x, x).solution.dtype == mt.float32
    assert mt.linalg.lu(x).P.dtype == mt.float32


# ---------------------------------------------------------------------------- errors
def _same_error(mine, ref, exact=True):
    with pytest.raises(Exception) as e_ref:
        ref()
    with pytest.raises(Exception) as e_mine:
        mine()
    assert isinstance(e_mine.value, RuntimeError) == isinstance(e_ref.value, RuntimeError)
    assert isinstance(e_mine.value, TypeError) == isinstance(e_ref.value, TypeError)
    if exact:
        assert str(e_mine.value) == str(e_ref.value).split(" (Triggered")[0]
    return e_mine.value


@pytest.mark.parametrize("call", [
    lambda L, a: L.linalg.inv(a),
    lambda L, a: L.inverse(a),
    lambda L, a: L.linalg.solve(a, a[..., 0]),
    lambda L, a: L.linalg.cholesky(a),
])
def test_singular_raises_linalg_error_with_torch_message(call):
    a = np.stack([np.eye(3), SINGULAR])
    x, y = pair(a)
    err = _same_error(lambda: call(mt, x), lambda: call(torch, y))
    assert isinstance(err, mt.linalg.LinAlgError)
    assert issubclass(mt.linalg.LinAlgError, RuntimeError)


def test_unbatched_cholesky_message_names_the_minor():
    x, y = pair(np.array([[1.0, 2.0], [2.0, 1.0]]))
    _same_error(lambda: mt.linalg.cholesky(x), lambda: torch.linalg.cholesky(y))
    x, y = pair(np.array([[4.0, 2.0, 0.0], [2.0, 5.0, 0.0], [0.0, 0.0, -1.0]]))
    _same_error(lambda: mt.linalg.cholesky(x), lambda: torch.linalg.cholesky(y))


def test_lu_factor_of_singular_raises_and_cholesky_inverse_names_the_zero():
    a = np.stack([np.eye(3), np.diag([1.0, 1.0, 0.0])])
    x, y = pair(a)
    _same_error(lambda: mt.linalg.lu_factor(x), lambda: torch.linalg.lu_factor(y))
    _same_error(lambda: mt.cholesky_inverse(x), lambda: torch.cholesky_inverse(y))


@pytest.mark.parametrize("call", [
    lambda L, a: L.linalg.inv(a[..., :2]),
    lambda L, a: L.linalg.det(a[..., :2]),
    lambda L, a: L.linalg.cholesky(a[..., :2]),
    lambda L, a: L.linalg.eigh(a[..., :2]),
    lambda L, a: L.linalg.svd(a[0, 0]),
    lambda L, a: L.linalg.matrix_power(a[..., :2], 2),
    lambda L, a: L.linalg.solve(a[0], a[0, 0, :2]),
    lambda L, a: L.linalg.inv(a.long()),
    lambda L, a: L.linalg.matrix_norm(a[0, 0], 2),
    lambda L, a: L.linalg.matrix_norm(a, 3),
    lambda L, a: L.linalg.norm(a, 2),
    lambda L, a: L.linalg.vector_norm(a.long()),
    lambda L, a: L.linalg.cross(a[..., :2], a[..., :2]),
    lambda L, a: L.linalg.cross(a[0], a),
    lambda L, a: L.cross(a[..., :2, :2], a[..., :2, :2]),
    lambda L, a: L.linalg.multi_dot([a[0]]),
    lambda L, a: L.tensordot(a, a, dims=-1),
    lambda L, a: L.inner(a[0, :, :2], a[0]),
    lambda L, a: L.cdist(a[0], a[0, :, :2]),
    lambda L, a: L.cdist(a[0], a[0], p=-1),
    lambda L, a: L.mv(a[0], a[0]),
    lambda L, a: L.vdot(a[0], a[0]),
    lambda L, a: L.linalg.vander(a, N=1),
])
def test_shape_and_dtype_errors_match_torch(call):
    x, y = pair(RNG.standard_normal((2, 3, 3)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _same_error(lambda: call(mt, x), lambda: call(torch, y), exact=False)


def test_error_messages_read_like_torch():
    x, y = pair(RNG.standard_normal((2, 3)))
    for fn in (lambda L, a: L.linalg.inv(a), lambda L, a: L.linalg.det(a),
               lambda L, a: L.linalg.inv(a.long())):
        _same_error(lambda: fn(mt, x), lambda: fn(torch, y))
    _same_error(lambda: mt.linalg.solve(mt.eye(3), mt.ones(4)),
                lambda: torch.linalg.solve(torch.eye(3), torch.ones(4)))
    _same_error(lambda: mt.linalg.vector_norm(x, "fro"), lambda: torch.linalg.vector_norm(y, "fro"))


def test_qr_backward_limits_raise():
    x = mt.randn(4, 3, dtype=mt.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="mode='r'"):
        mt.linalg.qr(x, mode="r").R.sum().backward()
    with pytest.raises(RuntimeError, match="complete"):
        mt.linalg.qr(x, mode="complete").Q.sum().backward()
    with pytest.raises(RuntimeError, match="mode"):
        mt.linalg.qr(x, mode="full")


# ---------------------------------------------------------------------------- warnings
@pytest.mark.parametrize("call", [
    lambda L, a: L.cross(a, a),
    lambda L, a: L.chain_matmul(a[0], a[0]),
    lambda L, a: L.triangular_solve(a, a),
    lambda L, a: L.qr(a),
    lambda L, a: L.lu(a),
    lambda L, a: L.lu_solve(a, *L.linalg.lu_factor(a)),
    lambda L, a: L.cholesky(a @ a.mT + L.eye(3, dtype=a.dtype)),
])
def test_deprecated_spellings_warn_like_torch(call):
    from minitorch.functional import decomposition
    decomposition._warned.clear()
    x, y = pair(RNG.standard_normal((2, 3, 3)) + 3 * np.eye(3))
    with warnings.catch_warnings(record=True) as ref:
        warnings.simplefilter("always")
        out_t = call(torch, y)
    with warnings.catch_warnings(record=True) as mine:
        warnings.simplefilter("always")
        out = call(mt, x)
    assert mine and issubclass(mine[0].category, UserWarning)
    if ref:   # PyTorch warns once per process: compare when this call was its first
        assert str(mine[0].message).split("(Triggered")[0].strip()[:60] == \
            str(ref[0].message).split("(Triggered")[0].strip()[:60]
    for a, b in zip(out if isinstance(out, tuple) else (out,),
                    out_t if isinstance(out_t, tuple) else (out_t,)):
        same(a, b, 1e-6, 1e-8)


def test_cross_default_dim_is_the_first_of_size_3():
    x, y = pair(RNG.standard_normal((3, 4, 3)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same(mt.cross(x, x.flip(1)), torch.cross(y, y.flip(1)))
    same(mt.linalg.cross(x, x.flip(1)), torch.linalg.cross(y, y.flip(1)))


# ---------------------------------------------------------------------------- batches, broadcasting
@pytest.mark.parametrize("call, shapes", [
    (lambda L, a, b: L.linalg.solve(a, b), [(2, 1, 3, 3), (4, 3, 2)]),
    (lambda L, a, b: L.linalg.solve(a, b), [(2, 3, 3), (3,)]),
    (lambda L, a, b: L.linalg.solve(a, b), [(4, 3, 3), (4, 3)]),
    (lambda L, a, b: L.linalg.solve(a, b, left=False), [(3, 3), (2, 5, 3)]),
    (lambda L, a, b: L.linalg.solve_triangular(a, b, upper=True), [(2, 1, 3, 3), (4, 3, 1)]),
    (lambda L, a, b: L.cholesky_solve(b, a.tril()), [(2, 1, 3, 3), (4, 3, 2)]),
    (lambda L, a, b: L.linalg.lu_solve(*L.linalg.lu_factor(a), b), [(2, 1, 3, 3), (4, 3, 2)]),
    (lambda L, a, b: L.matmul(L.linalg.pinv(a), b), [(2, 4, 3), (4, 2)]),
    (lambda L, a, b: L.cdist(a, b), [(2, 1, 3, 2), (4, 5, 2)]),
    (lambda L, a, b: L.cdist(a, b), [(30, 3), (27, 3)]),
    (lambda L, a, b: L.baddbmm(a, b, b.mT), [(3, 1), (2, 3, 4)]),
])
def test_batched_and_broadcast_shapes_and_gradients(call, shapes):
    arrays = [RNG.standard_normal(s) + (3 * np.eye(s[-1]) if i == 0 and s[-1] == s[-2] else 0)
              for i, s in enumerate(shapes)]
    mine = [mt.tensor(a, requires_grad=True) for a in arrays]
    ref = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, out_t = call(mt, *mine), call(torch, *ref)
    same(out, out_t, 1e-6, 1e-8)
    g = RNG.standard_normal(tuple(out_t.shape))
    (out * mt.tensor(g)).sum().backward()
    (out_t * torch.tensor(g)).sum().backward()
    for a, b in zip(mine, ref):
        same(a.grad, b.grad, 1e-6, 1e-8)


def test_matrix_power_and_matrix_exp_edge_cases():
    x, y = pair(RNG.standard_normal((2, 3, 3)) * 4)
    same(mt.linalg.matrix_power(x, 0), torch.linalg.matrix_power(y, 0))
    same(mt.linalg.matrix_power(x, 5), torch.linalg.matrix_power(y, 5), 1e-9, 1e-9)
    same(mt.linalg.matrix_exp(x), torch.linalg.matrix_exp(y), 1e-9, 1e-9)
    same(mt.matrix_exp(x * 0), torch.matrix_exp(y * 0))
    with pytest.raises(mt.linalg.LinAlgError):
        mt.linalg.matrix_power(mt.tensor(SINGULAR), -1)


def test_norm_dispatch_matches_torch():
    x, y = pair(RNG.standard_normal((2, 3, 4)))
    cases = [
        lambda L, a: L.linalg.norm(a),
        lambda L, a: L.linalg.norm(a, dim=(0, 2)),
        lambda L, a: L.linalg.norm(a[0], 2),
        lambda L, a: L.linalg.norm(a[0], -float("inf")),
        lambda L, a: L.linalg.norm(a[0, 0], 0.5),
        lambda L, a: L.linalg.norm(a, 1, dim=-1, keepdim=True),
        lambda L, a: L.linalg.matrix_norm(a, "nuc", dim=(0, 2)),
        lambda L, a: L.linalg.vector_norm(a, dim=()),
        lambda L, a: L.linalg.vector_norm(a.float(), dtype=L.float64),
        lambda L, a: L.linalg.cond(a[:, :, :3], 1),
        lambda L, a: L.frobenius_norm(a, (-2, -1)),
        lambda L, a: L.nuclear_norm(a, keepdim=True),
        lambda L, a: L.dist(a, a.flip(0), 0),
    ]
    for case in cases:
        same(case(mt, x), case(torch, y), 1e-6, 1e-8)


def test_products_on_integer_tensors():
    a, b = np.arange(6).reshape(2, 3), np.arange(12).reshape(3, 4)
    (xa, ya), (xb, yb) = pair(a), pair(b)
    same(mt.addmm(mt.ones(2, 4, dtype=mt.int64), xa, xb),
         torch.addmm(torch.ones(2, 4, dtype=torch.int64), ya, yb))
    same(mt.kron(xa, xb), torch.kron(ya, yb))
    same(mt.tensordot(xa, xb, 1), torch.tensordot(ya, yb, 1))
    same(mt.mv(xa, xb[:, 0]), torch.mv(ya, yb[:, 0]))
    same(mt.linalg.cross(xb[:, :3], xb[:, 1:]), torch.linalg.cross(yb[:, :3], yb[:, 1:]))
    same(mt.linalg.vander(xa[0]), torch.linalg.vander(ya[0]))


# ---------------------------------------------------------------------------- methods, in place
def test_tensor_methods_exist_like_torch():
    names = ["det", "logdet", "slogdet", "inverse", "pinverse", "cholesky", "cholesky_solve",
             "cholesky_inverse", "svd", "qr", "lu", "lu_solve", "matrix_power", "matrix_exp",
             "triangular_solve", "mv", "addmm", "addmv", "addbmm", "baddbmm", "addr", "ger",
             "vdot", "inner", "kron", "cross", "dist", "addmm_", "addmv_", "addbmm_",
             "baddbmm_", "addr_"]
    for n in names:
        assert hasattr(torch.Tensor, n), n
        assert callable(getattr(mt.Tensor, n)), n
    for n in ["cdist", "tensordot", "chain_matmul", "vander", "lu_unpack", "nuclear_norm"]:
        assert callable(getattr(mt, n)), n


@pytest.mark.parametrize("name, args", [
    ("addmm_", [(2, 4), (4, 3)]),
    ("addmv_", [(2, 4), (4,)]),
    ("addbmm_", [(5, 2, 4), (5, 4, 3)]),
    ("baddbmm_", [(5, 2, 4), (5, 4, 3)]),
    ("addr_", [(2,), (3,)]),
])
def test_inplace_products(name, args):
    self_shape = {"addmv_": (2,), "baddbmm_": (5, 2, 3)}.get(name, (2, 3))
    base = RNG.standard_normal(self_shape)
    arrays = [RNG.standard_normal(s) for s in args]
    x, y = pair(base)
    out = getattr(x, name)(*[mt.tensor(a) for a in arrays], beta=0.5, alpha=2.0)
    out_t = getattr(y, name)(*[torch.tensor(a) for a in arrays], beta=0.5, alpha=2.0)
    assert out is x
    same(x, y)
    # recorded in the graph on a non-leaf
    w, wt = pair(base, requires_grad=True)
    h, ht = w * 1.0, wt * 1.0
    getattr(h, name)(*[mt.tensor(a) for a in arrays])
    getattr(ht, name)(*[torch.tensor(a) for a in arrays])
    h.sum().backward()
    ht.sum().backward()
    same(w.grad, wt.grad)
    del out_t


def test_singular_det_gradient_and_double_backward():
    # det is differentiable at a singular matrix (the cofactor matrix), as in PyTorch
    x, y = pair(SINGULAR, requires_grad=True)
    (gx,) = mt.autograd.grad(mt.linalg.det(x), x, create_graph=True)
    (gy,) = torch.autograd.grad(torch.linalg.det(y), y, create_graph=True)
    same(gx, gy, 1e-6, 1e-8)
    a = RNG.standard_normal((3, 3)) + 3 * np.eye(3)
    x, y = pair(a, requires_grad=True)
    (gx,) = mt.autograd.grad(mt.linalg.det(x), x, create_graph=True)
    (gy,) = torch.autograd.grad(torch.linalg.det(y), y, create_graph=True)
    (hx,) = mt.autograd.grad((gx * gx).sum(), x)
    (hy,) = torch.autograd.grad((gy * gy).sum(), y)
    same(hx, hy, 1e-6, 1e-8)


def test_linalg_namespace_lists_torch_names():
    torch_names = {n for n in dir(torch.linalg) if not n.startswith("_")}
    mine = {n for n in dir(mt.linalg) if not n.startswith("_")}
    # not provided: Householder products and the LDL factorization
    missing = torch_names - mine - {"common_notes", "householder_product", "ldl_factor",
                                    "ldl_factor_ex", "ldl_solve"}
    assert not missing, sorted(missing)
