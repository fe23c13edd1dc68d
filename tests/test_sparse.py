"""Sparse COO tensors (emulated on dense arrays) and torch.sparse, against PyTorch: the
flags and accessors, coalescing, values and gradients of products, sums and softmaxes (for
the dense operand and for the sparse values), the layout of results, dense tensors'
to_sparse, the legacy constructors, and a two-layer GCN forward/backward."""
from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

import minitorch
from minitorch.autograd import gradcheck, gradgradcheck

# PyTorch's notes on its sparse API (invariant checks off, deprecated constructors)
pytestmark = pytest.mark.filterwarnings("ignore:.*[Ss]parse:UserWarning")

IDX = [[0, 1, 1, 0, 2], [2, 0, 2, 2, 1]]          # (0, 2) stored twice
VALS = [3.0, 4.0, 5.0, 1.0, -2.0]
SIZE = (3, 4)


def both(idx=IDX, vals=VALS, size=SIZE, dtype=np.float32, **kw):
    """The same sparse tensor in minitorch and torch (values leaf tensors returned too)."""
    v = np.array(vals, dtype=dtype)
    mv, tv = minitorch.tensor(v, **kw), torch.tensor(v, **kw)
    mi, ti = minitorch.tensor(np.array(idx)), torch.tensor(np.array(idx))
    return (minitorch.sparse_coo_tensor(mi, mv, size), torch.sparse_coo_tensor(ti, tv, size),
            mv, tv)


def dense(x):
    x = x.to_dense() if x.is_sparse else x
    return np.asarray(x.detach().cpu().numpy(), dtype=np.float64)


def close(m, t, tol=1e-5):
    np.testing.assert_allclose(dense(m), dense(t), rtol=tol, atol=tol)


def same_layout(m, t):
    assert m.is_sparse == t.is_sparse
    assert tuple(m.shape) == tuple(t.shape)
    assert str(m.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
    if t.is_sparse:
        assert m.layout is minitorch.sparse_coo
        assert m.is_coalesced() == t.is_coalesced()
        assert m._nnz() == t._nnz()
        assert m.sparse_dim() == t.sparse_dim() and m.dense_dim() == t.dense_dim()
        np.testing.assert_array_equal(m._indices().numpy(), t._indices().numpy())
        np.testing.assert_allclose(m._values().numpy(), t._values().detach().numpy(),
                                   rtol=1e-6)
    else:
        assert m.layout is minitorch.strided
    close(m, t)


# ---------------------------------------------------------------------------- construction
def test_flags_and_accessors_match_torch():
    m, t, _, _ = both()
    same_layout(m, t)
    assert m.is_sparse and not m.is_coalesced()
    assert m.layout == minitorch.sparse_coo and m.layout != minitorch.strided
    assert isinstance(minitorch.sparse_coo, minitorch.layout)
    assert not minitorch.ones(2).is_sparse
    for name in ("indices", "values"):
        with pytest.raises(RuntimeError, match="uncoalesced"):
            getattr(m, name)()
        with pytest.raises(RuntimeError, match="uncoalesced"):
            getattr(t, name)()


def test_coalesce_sums_duplicates_and_sorts():
    m, t, _, _ = both()
    mc, tc = m.coalesce(), t.coalesce()
    same_layout(mc, tc)
    assert mc._nnz() == 4 and mc.is_coalesced()
    np.testing.assert_array_equal(mc.indices().numpy(), tc.indices().numpy())
    np.testing.assert_allclose(mc.values().detach().numpy(), tc.values().detach().numpy())
    assert mc.coalesce() is mc
    assert mc.values().dtype is minitorch.float32
    assert mc.indices().dtype is minitorch.int64


@pytest.mark.parametrize("kwargs", [{}, {"dtype": "float64"}, {"dtype": "int64"}])
def test_sparse_coo_tensor_forms(kwargs):
    mk = {k: getattr(minitorch, v) for k, v in kwargs.items()}
    tk = {k: getattr(torch, v) for k, v in kwargs.items()}
    same_layout(minitorch.sparse_coo_tensor(IDX, VALS, SIZE, **mk),
                torch.sparse_coo_tensor(IDX, VALS, SIZE, **tk))
    same_layout(minitorch.sparse_coo_tensor(IDX, VALS, **mk),      # size inferred
                torch.sparse_coo_tensor(IDX, VALS, **tk))


def test_int_values_keep_int_dtype_and_one_entry_is_coalesced():
    same_layout(minitorch.sparse_coo_tensor(IDX, [1, 2, 3, 4, 5], SIZE),
                torch.sparse_coo_tensor(IDX, [1, 2, 3, 4, 5], SIZE))
    same_layout(minitorch.sparse_coo_tensor([[1], [2]], [7.0], SIZE),
                torch.sparse_coo_tensor([[1], [2]], [7.0], SIZE))


def test_empty_sparse_forms():
    for m, t in [(minitorch.sparse_coo_tensor(SIZE), torch.sparse_coo_tensor(SIZE)),
                 (minitorch.sparse_coo_tensor(size=SIZE), torch.sparse_coo_tensor(size=SIZE)),
                 (minitorch.sparse_coo_tensor(minitorch.zeros(2, 0, dtype=minitorch.int64),
                                              minitorch.zeros(0), SIZE),
                  torch.sparse_coo_tensor(torch.zeros(2, 0, dtype=torch.int64),
                                          torch.zeros(0), SIZE))]:
        same_layout(m, t)
        assert m._nnz() == 0


def test_hybrid_tensor_with_dense_dims():
    vals = np.arange(12.0, dtype=np.float32).reshape(4, 3)
    idx = [[0, 2, 0, 1]]
    m = minitorch.sparse_coo_tensor(idx, minitorch.tensor(vals), (3, 3))
    t = torch.sparse_coo_tensor(idx, torch.tensor(vals), (3, 3))
    same_layout(m, t)
    same_layout(m.coalesce(), t.coalesce())
    same_layout(minitorch.sparse.sum(m.coalesce(), 1), torch.sparse.sum(t.coalesce(), 1))
    same_layout(minitorch.sparse.sum(m, 0), torch.sparse.sum(t, 0))
    same_layout(m.coalesce() * 2, t.coalesce() * 2)


@pytest.mark.parametrize("bad, match", [
    (lambda sp: sp(IDX, VALS[:3], SIZE), "same nnz"),
    (lambda sp: sp(IDX, VALS, (3, 4, 2)), "len\\(size\\)"),
    (lambda sp: sp(IDX, VALS, (2, 4)), "inconsistent with indices"),
])
def test_construction_errors_as_torch(bad, match):
    with pytest.raises(RuntimeError, match=match):
        bad(minitorch.sparse_coo_tensor)
    with pytest.raises(RuntimeError):
        bad(lambda *a: torch.sparse_coo_tensor(*a, check_invariants=True))


def test_negative_index_is_refused():
    with pytest.raises(RuntimeError, match="negative index"):
        minitorch.sparse_coo_tensor([[-1], [0]], [1.0], SIZE)


def test_legacy_sparse_constructors():
    mi, ti = minitorch.tensor(IDX), torch.tensor(IDX)
    mv, tv = minitorch.tensor(VALS), torch.tensor(VALS)
    same_layout(minitorch.sparse.FloatTensor(mi, mv, minitorch.Size(SIZE)),
                torch.sparse.FloatTensor(ti, tv, torch.Size(SIZE)))
    same_layout(minitorch.sparse.FloatTensor(mi, mv), torch.sparse.FloatTensor(ti, tv))
    same_layout(minitorch.sparse.DoubleTensor(2, 3), torch.sparse.DoubleTensor(2, 3))
    same_layout(minitorch.sparse.FloatTensor(minitorch.Size(SIZE)),
                torch.sparse.FloatTensor(torch.Size(SIZE)))
    m = minitorch.sparse.FloatTensor(mi, mv, minitorch.Size(SIZE))
    assert isinstance(m, minitorch.sparse.FloatTensor)
    assert not isinstance(m, minitorch.sparse.DoubleTensor)
    assert not isinstance(minitorch.zeros(2), minitorch.sparse.FloatTensor)
    assert m.type() == torch.sparse.FloatTensor(ti, tv, torch.Size(SIZE)).type()
    assert m.double().type() == "torch.sparse.DoubleTensor"


def test_repr_matches_torch_layout():
    m, t, _, _ = both()
    assert repr(m).replace("minitorch.", "torch.") == repr(t)
    m2, t2, _, _ = both(dtype=np.float64)
    assert repr(m2.coalesce()).replace("minitorch.", "torch.") == repr(t2.coalesce())


# ---------------------------------------------------------------------------- layouts of results
OPS = {
    "coalesce": lambda x, lib: x.coalesce(),
    "neg": lambda x, lib: -x,
    "scale": lambda x, lib: x * 2.5,
    "rscale": lambda x, lib: 2.5 * x,
    "div": lambda x, lib: x / 4,
    "t": lambda x, lib: x.t(),
    "transpose": lambda x, lib: x.transpose(0, 1),
    "add_sparse": lambda x, lib: x.coalesce() + x.coalesce(),
    "sub_sparse": lambda x, lib: x.coalesce() - 2 * x.coalesce(),
    "add_uncoalesced": lambda x, lib: x + x,
    "mul_dense": lambda x, lib: x.coalesce() * lib.arange(12.0).reshape(3, 4),
    "rmul_dense": lambda x, lib: lib.arange(12.0).reshape(3, 4) * x.coalesce(),
    "mul_sparse": lambda x, lib: x.coalesce() * x.coalesce(),
    "sqrt": lambda x, lib: x.abs().sqrt(),
    "pow": lambda x, lib: x.coalesce().pow(2),
    "relu": lambda x, lib: x.relu(),
    "tanh": lambda x, lib: x.tanh(),
    "sum_dim": lambda x, lib: x.sum(0),
    "sum_keepdim": lambda x, lib: x.coalesce().sum(1, keepdim=True),
    "sum_all": lambda x, lib: x.sum(),
    "unsqueeze": lambda x, lib: x.coalesce().unsqueeze(1),
    "double": lambda x, lib: x.double(),
    "to": lambda x, lib: x.to(lib.float64),
    "clone": lambda x, lib: x.clone(),
    "detach": lambda x, lib: x.detach(),
    "data": lambda x, lib: x.data,
    "to_sparse": lambda x, lib: x.to_sparse(),
    "dense_plus_sparse": lambda x, lib: lib.ones(3, 4) + x,
    "sparse_sum": lambda x, lib: lib.sparse.sum(x, 1),
    "sparse_sum_all": lambda x, lib: lib.sparse.sum(x),
    "sparse_sum_dtype": lambda x, lib: lib.sparse.sum(x, dtype=lib.float64),
    "softmax": lambda x, lib: lib.sparse.softmax(x, 1),
    "softmax0": lambda x, lib: lib.sparse.softmax(x.coalesce(), 0),
    "log_softmax": lambda x, lib: lib.sparse.log_softmax(x, -1),
    "sparse_mm_sparse": lambda x, lib: lib.sparse.mm(x.coalesce(), x.coalesce().t()),
    "matmul_sparse": lambda x, lib: x.coalesce() @ x.coalesce().t(),
    "sparse_mask": lambda x, lib: lib.arange(12.0).reshape(3, 4).sparse_mask(x.coalesce()),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_result_values_and_layout_match_torch(name):
    m, t, _, _ = both()
    mo, to = OPS[name](m, minitorch), OPS[name](t, torch)
    same_layout(mo, to)


def test_in_place_scaling_and_zero():
    m, t, _, _ = both()
    m.mul_(3)
    t.mul_(3)
    same_layout(m, t)
    m.zero_()
    t.zero_()
    same_layout(m, t)


def test_dense_methods_refuse_or_answer_as_torch():
    m, t = minitorch.ones(2, 3), torch.ones(2, 3)
    for name in ("coalesce", "is_coalesced", "indices"):
        with pytest.raises(RuntimeError):
            getattr(t, name)()
        with pytest.raises(RuntimeError, match="Strided"):
            getattr(m, name)()
    assert m.sparse_dim() == t.sparse_dim() and m.dense_dim() == t.dense_dim()
    assert m.to_dense() is m


@pytest.mark.parametrize("sparse_dim", [None, 1, 2])
def test_dense_to_sparse(sparse_dim):
    a = np.array([[0.0, 1.5, 0.0], [0.0, 0.0, 0.0], [2.0, 0.0, -1.0]], dtype=np.float32)
    args = () if sparse_dim is None else (sparse_dim,)
    same_layout(minitorch.tensor(a).to_sparse(*args), torch.tensor(a).to_sparse(*args))
    with pytest.raises(RuntimeError):
        minitorch.tensor(a).to_sparse(3)


def test_spdiags_matches_torch():
    d = np.arange(1.0, 13.0, dtype=np.float32).reshape(3, 4)
    for offsets, shape in [([0, -1, 1], (4, 4)), ([0, -1, 2], (3, 4)), ([1, -2, 0], (5, 4))]:
        same_layout(minitorch.sparse.spdiags(minitorch.tensor(d), minitorch.tensor(offsets),
                                             shape),
                    torch.sparse.spdiags(torch.tensor(d), torch.tensor(offsets), shape))


# ---------------------------------------------------------------------------- gradients
def _grads_match(fn_m, fn_t, *, sparse_leaf=False, seed=0):
    """fn(A, X) in both libraries on the same float64 inputs, with a random upstream
    gradient: the outputs, X's gradient and the values' gradient (or, for a sparse leaf
    A, A's gradient as a dense array) agree."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((4, 2))
    res = []
    for lib, fn in ((minitorch, fn_m), (torch, fn_t)):
        m, t, mv, tv = both(dtype=np.float64, requires_grad=not sparse_leaf)
        A, v = (m, mv) if lib is minitorch else (t, tv)
        if sparse_leaf:
            A = A.coalesce().detach().requires_grad_()
        X = lib.tensor(x, requires_grad=True)
        out = fn(A, X, lib)
        out_d = out.to_dense() if out.is_sparse else out
        g = lib.tensor(np.random.default_rng(seed + 1).standard_normal(tuple(out_d.shape)))
        (out_d * g).sum().backward()
        wrt = A.grad if sparse_leaf else v.grad
        res.append((dense(out_d), None if X.grad is None else dense(X.grad),
                    None if wrt is None else dense(wrt)))
    for a, b in zip(*res):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)


GRAD_OPS = {
    "sparse.mm": lambda A, X, lib: lib.sparse.mm(A, X),
    "sparse.mm_coalesced": lambda A, X, lib: lib.sparse.mm(A.coalesce(), X),
    "spmm": lambda A, X, lib: lib.spmm(A, X),
    "mm": lambda A, X, lib: lib.mm(A, X),
    "matmul_op": lambda A, X, lib: A @ X,
    "dense_at_sparse_t": lambda A, X, lib: X.t() @ A.t(),
    "sparse.addmm": lambda A, X, lib: lib.sparse.addmm(lib.ones(3, 2, dtype=lib.float64), A, X,
                                                       beta=0.5, alpha=2.0),
    "addmm": lambda A, X, lib: lib.addmm(lib.ones(3, 2, dtype=lib.float64), A, X),
    "to_dense": lambda A, X, lib: A.to_dense() * 3,
    "values": lambda A, X, lib: A.coalesce().values() ** 2,
    "sparse.sum": lambda A, X, lib: lib.sparse.sum(A, 1),
    "sparse.sum_all": lambda A, X, lib: lib.sparse.sum(A) * X.sum(),
    "sum": lambda A, X, lib: A.sum(),
    "softmax": lambda A, X, lib: lib.sparse.softmax(A.coalesce(), 1),
    "log_softmax": lambda A, X, lib: lib.sparse.log_softmax(A.coalesce(), 0),
    "scale": lambda A, X, lib: (A * 3).to_dense(),
    "mul_dense": lambda A, X, lib: A.coalesce() * lib.arange(12.0, dtype=lib.float64)
                                                     .reshape(3, 4),
    "log1p": lambda A, X, lib: (A.coalesce() ** 2).log1p(),
    "square_relu": lambda A, X, lib: A.coalesce().square().relu(),
    "dense_plus": lambda A, X, lib: lib.ones(3, 4, dtype=lib.float64) + A,
    "t_mm": lambda A, X, lib: lib.sparse.mm(A.t().coalesce(), X[:3]),
}


@pytest.mark.parametrize("name", sorted(GRAD_OPS))
def test_gradient_for_values_and_dense_operand_match_torch(name):
    f = GRAD_OPS[name]
    _grads_match(f, f)


@pytest.mark.parametrize("name", ["sparse.mm", "spmm", "mm", "to_dense", "values",
                                  "sparse.sum", "sum", "softmax", "scale", "dense_plus",
                                  "sparse.addmm"])
def test_gradient_of_a_sparse_leaf_matches_torch(name):
    f = GRAD_OPS[name]
    _grads_match(f, f, sparse_leaf=True)


def test_to_sparse_of_a_dense_leaf_and_dense_at_sparse_gradients_match_torch():
    a = np.array([[0.0, 1.5, 0.0], [0.0, 0.0, 0.0], [2.0, 0.0, -1.0]])
    x = np.arange(6.0).reshape(3, 2)
    grads = []
    for lib in (minitorch, torch):
        d = lib.tensor(a, requires_grad=True)
        lib.sparse.mm(d.to_sparse(), lib.tensor(x)).sum().backward()
        e = lib.tensor(a, requires_grad=True)
        out = lib.sparse.mm(lib.tensor(x).t(), e.to_sparse())
        assert not out.is_sparse
        (out * out).sum().backward()
        grads.append((dense(d.grad), dense(e.grad)))
    for m, t in zip(*grads):
        np.testing.assert_allclose(m, t, rtol=1e-12)


def test_sparse_mm_gradient_is_restricted_to_the_pattern():
    A = minitorch.sparse_coo_tensor(IDX, VALS, SIZE, dtype=minitorch.float64).coalesce()
    A.requires_grad_()
    minitorch.sparse.mm(A, minitorch.ones(4, 2, dtype=minitorch.float64)).sum().backward()
    off = A.to_dense().detach().numpy() == 0
    assert np.all(A.grad.numpy()[off] == 0) and np.all(A.grad.numpy()[~off] == 2)


def test_gradcheck_and_gradgradcheck_through_sparse_ops():
    rng = np.random.default_rng(3)
    v = minitorch.tensor(rng.standard_normal(5), requires_grad=True)
    x = minitorch.tensor(rng.standard_normal((4, 2)), requires_grad=True)
    idx = minitorch.tensor(IDX)

    def f(v, x):
        A = minitorch.sparse_coo_tensor(idx, v, SIZE)
        h = minitorch.sparse.mm(A, x)
        s = minitorch.sparse.softmax(A.coalesce(), 1).to_dense()
        ls = minitorch.sparse.log_softmax(A.coalesce(), 0).to_dense()
        return h.sum(1) + (s * ls).sum(1) + minitorch.sparse.sum(A * A, 1).to_dense()

    assert gradcheck(f, (v, x))
    assert gradgradcheck(f, (v, x))


def test_float32_stays_float32():
    A, _, v, _ = both(requires_grad=True)
    out = minitorch.sparse.mm(A, minitorch.ones(4, 2))
    assert out.dtype is minitorch.float32
    out.sum().backward()
    assert v.grad.dtype is minitorch.float32
    assert minitorch.sparse.softmax(A, 1).dtype is minitorch.float32


def test_detach_deepcopy_and_requires_grad_keep_the_layout():
    m, _, _, _ = both()
    for x in (m.detach(), copy.deepcopy(m), m.clone().requires_grad_()):
        assert x.is_sparse and x._nnz() == 5 and not x.is_coalesced()
        np.testing.assert_array_equal(x._values().numpy(), np.float32(VALS))


@pytest.mark.parametrize("seed", range(4))
def test_random_sparse_tensors_match_torch(seed):
    """Random shapes, indices with repeats, and dense dims: coalescing, sums, products and
    softmax, with gradients for the values and the dense operand."""
    rng = np.random.default_rng(seed)
    rows, cols = rng.integers(1, 7, size=2)
    nnz = int(rng.integers(0, 3 * rows * cols))
    idx = np.stack([rng.integers(0, rows, nnz), rng.integers(0, cols, nnz)])
    vals = rng.standard_normal(nnz)
    x = rng.standard_normal((cols, 3))
    g = rng.standard_normal((rows, 3))
    res = []
    for lib in (minitorch, torch):
        v = lib.tensor(vals, requires_grad=True)
        X = lib.tensor(x, requires_grad=True)
        A = lib.sparse_coo_tensor(lib.tensor(idx), v, (rows, cols))
        C = A.coalesce()
        out = lib.sparse.mm(A, X)
        soft = lib.sparse.softmax(C, 1).to_dense()
        total = (out * lib.tensor(g)).sum() + (soft * soft).sum() + \
            lib.sparse.sum(C, 0).to_dense().sum() ** 2
        total.backward()
        res.append([C.indices().numpy(), dense(C.values()), dense(out), dense(soft),
                     dense(v.grad), dense(X.grad), C._nnz(), A._nnz()])
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_sparse_buffer_follows_module_conversions():
    A = minitorch.sparse_coo_tensor(IDX, VALS, SIZE)
    m = minitorch.nn.Module()
    m.register_buffer("adj", A)
    m.double()
    assert m.adj.is_sparse and m.adj.dtype is minitorch.float64
    assert m.adj._values().dtype is minitorch.float64 and m.adj._nnz() == 5
    assert copy.deepcopy(m).adj.is_sparse


# ---------------------------------------------------------------------------- a GCN
def _gcn(lib, adj_parts, feats, weights, labels):
    idx, vals, n = adj_parts
    v = lib.tensor(vals, requires_grad=True)
    adj = lib.sparse_coo_tensor(lib.tensor(idx), v, (n, n)).coalesce()
    x = lib.tensor(feats)
    w = [lib.tensor(a, requires_grad=True) for a in weights]
    h = lib.relu(lib.spmm(adj, x @ w[0]) + w[1])
    out = lib.sparse.mm(adj, h @ w[2]) + w[3]
    loss = lib.nn.functional.nll_loss(lib.log_softmax(out, dim=1), lib.tensor(labels))
    loss.backward()
    return [loss.item(), dense(out)] + [dense(p.grad) for p in w] + [dense(v.grad)]


def test_two_layer_gcn_forward_backward_matches_torch():
    rng = np.random.default_rng(0)
    n, f, hdim, k = 30, 5, 8, 3
    pairs = {(i, j) for i, j in rng.integers(0, n, size=(90, 2)) if i != j}
    src = [i for i, j in pairs] + [j for i, j in pairs] + list(range(n))
    dst = [j for i, j in pairs] + [i for i, j in pairs] + list(range(n))
    deg = np.bincount(src, minlength=n).astype(np.float32)
    vals = (deg[src] ** -0.5 * deg[dst] ** -0.5).astype(np.float32)
    parts = (np.array([src, dst]), vals, n)
    feats = rng.standard_normal((n, f)).astype(np.float32)
    weights = [rng.uniform(-0.5, 0.5, s).astype(np.float32)
               for s in [(f, hdim), (hdim,), (hdim, k), (k,)]]
    labels = rng.integers(0, k, n)
    got = _gcn(minitorch, parts, feats, weights, labels)
    want = _gcn(torch, parts, feats, weights, labels)
    assert got[0] == pytest.approx(want[0], rel=1e-5)
    for a, b in zip(got[1:], want[1:]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
