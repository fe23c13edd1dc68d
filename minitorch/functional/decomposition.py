"""Matrix functions and decompositions: inv, det, solve, cholesky, qr, eigh, svd, lu, pinv,
matrix_exp, ... behind minitorch.linalg and their torch-level spellings (torch.inverse,
torch.svd, torch.cholesky_solve, ...).

Every input may be a batch: the matrices are the last two dims, `(*, m, n)`.

Forward runs LAPACK through the array module of the input (numpy.linalg or cupy.linalg;
LU and triangular solves are written out below, as NumPy has neither). Backward is built
from differentiable operations, matrix calculus written out in each docstring with
`g` = dL/d(output), `X^T` the transpose of the last two dims and `I` the identity, so
second derivatives work. Decompositions whose factors are only defined up to a sign
(svd, eigh, qr) are differentiable for losses that do not depend on that sign, with
distinct eigenvalues / singular values, as in PyTorch.

minitorch has no complex dtype: linalg.eig and linalg.eigvals return real tensors when
every eigenvalue is real and raise otherwise (PyTorch returns complex tensors).
"""
from __future__ import annotations

import math
import warnings
from collections import namedtuple

import numpy as np

from .. import backend
from ..autograd.function import Function
from ..tensor import Tensor, _make, _wrap_dim
from ._util import check_tensor, sum_to, input_shape, cast, broadcast_shapes
from . import elementwise as E
from . import shape as S
from . import reduction as R
from .linalg import matmul, vector_norm, scalar_type_name

_xp = backend.get_array_module
# the exception numpy.linalg (and cupy.linalg) raise for singular / non-PD input
_NumpyLinAlgError = np.linalg.LinAlgError  # host: an exception class, no array data

__all__ = ["det", "logdet", "slogdet", "inverse", "pinverse", "cholesky", "cholesky_solve",
           "cholesky_inverse", "svd", "qr", "lu", "lu_unpack", "lu_solve", "matrix_power",
           "matrix_exp", "triangular_solve", "nuclear_norm", "frobenius_norm", "svd_lowrank",
           "pca_lowrank"]


class LinAlgError(RuntimeError):
    """A matrix was singular or not positive-definite (PyTorch's torch.linalg.LinAlgError,
    also a RuntimeError)."""


# The named tuples PyTorch returns, under the names of torch.return_types.
def _result(name, fields):
    return namedtuple(name, fields)


_LinalgSlogdet = _result("linalg_slogdet", ["sign", "logabsdet"])
_Slogdet = _result("slogdet", ["sign", "logabsdet"])
_LinalgSvd = _result("linalg_svd", ["U", "S", "Vh"])
_Svd = _result("svd", ["U", "S", "V"])
_LinalgQr = _result("linalg_qr", ["Q", "R"])
_Qr = _result("qr", ["Q", "R"])
_LinalgEigh = _result("linalg_eigh", ["eigenvalues", "eigenvectors"])
_LinalgEig = _result("linalg_eig", ["eigenvalues", "eigenvectors"])
_LinalgInvEx = _result("linalg_inv_ex", ["inverse", "info"])
_LinalgCholeskyEx = _result("linalg_cholesky_ex", ["L", "info"])
_LinalgSolveEx = _result("linalg_solve_ex", ["result", "info"])
_LinalgLuFactor = _result("linalg_lu_factor", ["LU", "pivots"])
_LinalgLuFactorEx = _result("linalg_lu_factor_ex", ["LU", "pivots", "info"])
_LinalgLu = _result("linalg_lu", ["P", "L", "U"])
_LuUnpack = _result("lu_unpack", ["P", "L", "U"])
_LinalgLstsq = _result("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])
_LuWithInfo = _result("_lu_with_info", ["LU", "pivots", "info"])
_TriangularSolve = _result("triangular_solve", ["solution", "cloned_coefficient"])


# ============================================================================ helpers
def _mT(t: Tensor) -> Tensor:
    return S.transpose(t, -2, -1)


def _eye(like: Tensor, n: int) -> Tensor:
    """A constant n x n identity with like's dtype and device."""
    return _make(_xp(like._data).eye(n, dtype=like._data.dtype))


def _diag_embed(v: Tensor) -> Tensor:
    """(*, n) -> (*, n, n) with v on the diagonal (differentiable: v_i * I)."""
    return v.unsqueeze(-1) * _eye(v, v._data.shape[-1])


def _zeros(like: Tensor, shape) -> Tensor:
    return _make(_xp(like._data).zeros(tuple(shape), dtype=like._data.dtype))


def _is_zero(g) -> bool:
    """Whether an output gradient is absent; the engine hands zeros for outputs the loss
    does not use, and formulas such as gU / S must not turn those zeros into NaN."""
    return g is None or not bool(_xp(g._data).any(g._data))


def _check_float(A: Tensor, fn: str):
    dt = A._data.dtype
    if dt.kind != "f":
        raise RuntimeError(f"{fn}: Expected a floating point or complex tensor as input. "
                           f"Got {scalar_type_name(A.dtype)}")
    if dt.itemsize < 4:
        raise RuntimeError(f"{fn}: Low precision dtypes not supported. Got "
                           f"{scalar_type_name(A.dtype)}")


def _check_matrix(A, fn: str, square: bool = False, arg: str = "A"):
    """PyTorch's checks for a linalg input: a Tensor, at least 2-D, float32/float64, and
    (for square) batches of square matrices."""
    check_tensor(A, fn, arg)
    if A.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor {arg} must have at least 2 dimensions.")
    m, n = A._data.shape[-2:]
    if square and m != n:
        raise RuntimeError(f"{fn}: {arg} must be batches of square matrices, but they are "
                           f"{m} by {n} matrices")
    _check_float(A, fn)
    return A


def _same_dtype(fn, A, B, names=("A", "B")):
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(f"{fn}: Expected {names[0]} and {names[1]} to have the same dtype, "
                           f"but found {names[0]} of type {scalar_type_name(A.dtype)} and "
                           f"{names[1]} of type {scalar_type_name(B.dtype)} instead")


def _batch_shape(fn, a_shape, b_shape):
    return tuple(broadcast_shapes(tuple(a_shape), tuple(b_shape), fn))


# ============================================================================ array kernels
# Plain array code on numpy or cupy (xp). Loops run over one matrix dimension, each step
# vectorized over the batch.
def _flat(a):
    """(*, m, n) -> (B, m, n) with B = prod(*) (0 allowed)."""
    batch = a.shape[:-2]
    b = 1
    for s in batch:
        b *= s
    return a.reshape((b,) + a.shape[-2:]), batch


def _lu_factor_array(xp, a):
    """LU with partial pivoting (LAPACK's getrf, one column at a time): P A = L U packed in
    one matrix (L strictly below the diagonal, its unit diagonal implied; U on and above).

    Returns (LU, pivots, perm, info): pivots are LAPACK's 1-based row swaps (int32), perm
    the resulting row order (row i of L U is row perm[i] of A), info the 1-based index of
    the first zero on U's diagonal (0 when there is none)."""
    m, n = a.shape[-2:]
    k = min(m, n)
    lu, batch = _flat(a)
    lu = lu.astype(a.dtype, copy=True)
    B = lu.shape[0]
    rows = xp.arange(B)
    pivots = xp.zeros((B, k), dtype=xp.int32)
    perm = xp.tile(xp.arange(m), (B, 1))
    info = xp.zeros(B, dtype=xp.int32)
    for j in range(k):
        p = j + xp.argmax(xp.abs(lu[:, j:, j]), axis=1)   # the largest pivot candidate
        pivots[:, j] = p + 1
        for arr in (lu, perm):                              # swap rows j and p
            row_j = arr[rows, j].copy()
            arr[rows, j] = arr[rows, p]
            arr[rows, p] = row_j
        d = lu[:, j, j]
        zero = d == 0
        info = xp.where((info == 0) & zero, j + 1, info)
        if j + 1 < m:
            lu[:, j + 1:, j] /= xp.where(zero, 1, d)[:, None]   # multipliers l_ij
            if j + 1 < n:                                        # Schur complement
                lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j, None] * lu[:, j, None, j + 1:]
    return (lu.reshape(a.shape), pivots.reshape(batch + (k,)), perm.reshape(batch + (m,)),
            info.reshape(batch))


def _perm_from_pivots(xp, pivots, m):
    """Replay LAPACK's row swaps: the row order perm with P A = L U (P^T has rows perm)."""
    piv, batch = _flat(pivots[..., None])
    piv = piv[..., 0].astype(xp.int64) - 1
    B, k = piv.shape
    rows = xp.arange(B)
    perm = xp.tile(xp.arange(m), (B, 1))
    for j in range(k):
        p = piv[:, j]
        row_j = perm[rows, j].copy()
        perm[rows, j] = perm[rows, p]
        perm[rows, p] = row_j
    return perm.reshape(batch + (m,))


def _perm_matrix(xp, perm, dtype):
    """P with A = P L U for the row order perm: P[perm[i], i] = 1."""
    m = perm.shape[-1]
    flat, batch = _flat(perm[..., None])
    flat = flat[..., 0]
    P = xp.zeros((flat.shape[0], m, m), dtype=dtype)
    P[xp.arange(flat.shape[0])[:, None], flat, xp.arange(m)[None, :]] = 1
    return P.reshape(batch + (m, m))


def _unpack_lu_array(xp, lu):
    """L (m, k) unit lower triangular and U (k, n) upper triangular from packed LU."""
    m, n = lu.shape[-2:]
    k = min(m, n)
    L = xp.tril(lu[..., :, :k], -1) + xp.eye(m, k, dtype=lu.dtype)
    U = xp.triu(lu[..., :k, :])
    return L, U


def _solve_triangular_array(xp, A, B, upper, unit):
    """X with A X = B for triangular A (*, n, n) and B (*, n, k), by substitution: row i of
    X is (B_i - sum_j A_ij X_j) / A_ii over the rows j already solved. A zero on the
    diagonal gives inf/nan, as LAPACK's trsm does."""
    n = A.shape[-1]
    batch = tuple(np.broadcast_shapes(A.shape[:-2], B.shape[:-2]))  # host: shapes only
    A = xp.broadcast_to(A, batch + A.shape[-2:])
    B = xp.broadcast_to(B, batch + B.shape[-2:])
    X = xp.zeros(batch + B.shape[-2:], dtype=xp.result_type(A.dtype, B.dtype))
    order = range(n - 1, -1, -1) if upper else range(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in order:
            done = slice(i + 1, n) if upper else slice(0, i)
            r = B[..., i, :] - xp.matmul(A[..., i:i + 1, done], X[..., done, :])[..., 0, :]
            X[..., i, :] = r if unit else r / A[..., i, i, None]
    return X


def _singular_info(xp, a):
    """Per matrix, the 1-based index of the first zero pivot of its LU (0: invertible)."""
    return _lu_factor_array(xp, a)[3]


def _first_bad(xp, info):
    """(batch index, info value) of the first matrix with info > 0, or None."""
    flat = info.reshape(-1)
    bad = xp.nonzero(flat > 0)[0]
    if bad.size == 0:
        return None
    b = int(bad[0])
    return b, int(flat[b])


def _inv_array(xp, a, fn="linalg.inv", raise_errors=True):
    """(A^{-1}, info): NaN fills the inverse of a singular matrix when not raising."""
    try:
        with np.errstate(all="ignore"):
            out = xp.linalg.inv(a)
        if bool(xp.isfinite(out).all()) or not bool(xp.isfinite(a).all()):
            return out, xp.zeros(a.shape[:-2], dtype=xp.int32)
    except _NumpyLinAlgError:
        pass
    info = _singular_info(xp, a)
    bad = _first_bad(xp, info)
    if bad is not None and raise_errors:
        raise LinAlgError(f"{fn}: {_batch_prefix_shape(a, bad[0])}The diagonal element "
                          f"{bad[1]} is zero, the inversion could not be completed because "
                          "the input matrix is singular.")
    singular = (info > 0)[..., None, None]
    eye = xp.eye(a.shape[-1], dtype=a.dtype)
    out = xp.linalg.inv(xp.where(singular, eye, a))
    return xp.where(singular, xp.nan, out).astype(a.dtype), info


def _batch_prefix_shape(a, b):
    return f"(Batch element {b}): " if a.ndim > 2 else ""


def _solve_array(xp, a, b, raise_errors=True, fn="torch.linalg.solve"):
    """(X, info) with A X = B, batch dims broadcast; NaN for singular A when not raising."""
    batch = _batch_shape(fn, a.shape[:-2], b.shape[:-2])
    a = xp.broadcast_to(a, batch + a.shape[-2:])
    b = xp.broadcast_to(b, batch + b.shape[-2:])
    try:
        with np.errstate(all="ignore"):
            out = xp.linalg.solve(a, b)
        if bool(xp.isfinite(out).all()) or not bool(xp.isfinite(a).all() and xp.isfinite(b).all()):
            return out, xp.zeros(batch, dtype=xp.int32)
    except _NumpyLinAlgError:
        pass
    info = _singular_info(xp, a)
    bad = _first_bad(xp, info)
    if bad is not None and raise_errors:
        raise LinAlgError(f"{fn}: {_batch_prefix_shape(a, bad[0])}The solver failed because "
                          "the input matrix is singular.")
    singular = (info > 0)[..., None, None]
    eye = xp.eye(a.shape[-1], dtype=a.dtype)
    out = xp.linalg.solve(xp.where(singular, eye, a), b)
    return xp.where(singular, xp.nan, out).astype(out.dtype), info


def _cholesky_info_one(xp, a):
    """The order of the first leading minor of one matrix that is not positive-definite
    (0 if none), by bisection: chol(A[:k, :k]) exists iff the minors up to k are PD."""
    def ok(k):
        try:
            with np.errstate(all="ignore"):
                c = xp.linalg.cholesky(a[:k, :k])
            return bool(xp.isfinite(c).all())
        except _NumpyLinAlgError:
            return False
    n = a.shape[-1]
    if ok(n):
        return 0
    lo, hi = 0, n          # minors up to lo are PD; the minor of order hi is not
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            lo = mid
        else:
            hi = mid
    return hi


def _cholesky_array(xp, a, fn="linalg.cholesky", raise_errors=True):
    """(L, info) with A = L L^T (lower); info > 0 is the order of the first leading minor
    that is not positive-definite, and NaN fills L for such a matrix when not raising."""
    try:
        with np.errstate(all="ignore"):
            L = xp.linalg.cholesky(a)
        if bool(xp.isfinite(L).all()) or not bool(xp.isfinite(a).all()):
            return L, xp.zeros(a.shape[:-2], dtype=xp.int32)
    except _NumpyLinAlgError:
        pass
    flat, batch = _flat(a)
    info = xp.asarray([_cholesky_info_one(xp, flat[i]) for i in range(flat.shape[0])],
                      dtype=xp.int32).reshape(batch)
    bad = _first_bad(xp, info)
    if bad is not None and raise_errors:
        raise LinAlgError(f"{fn}: {_batch_prefix_shape(a, bad[0])}The factorization could not "
                          "be completed because the input is not positive-definite (the "
                          f"leading minor of order {bad[1]} is not positive-definite).")
    failed = (info > 0)[..., None, None]
    eye = xp.eye(a.shape[-1], dtype=a.dtype)
    L = xp.linalg.cholesky(xp.where(failed, eye, a))
    return xp.where(failed, xp.nan, L).astype(a.dtype), info


def _expm_array(xp, a):
    """exp(A) by scaling and squaring: exp(A) = exp(A / 2^s)^(2^s) with s chosen per matrix
    so that ||A / 2^s||_1 <= 1/2, where the Taylor series to degree 18 is exact to far below
    float64 precision (the remainder is under 0.5^19 / 19! ~ 1e-23)."""
    n = a.shape[-1]
    if a.size == 0:
        return a.copy()
    norm1 = xp.abs(a).sum(axis=-2).max(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = xp.ceil(xp.log2(norm1 / 0.5))
    s = xp.where(xp.isfinite(s) & (s > 0), s, 0).astype(xp.int64)
    scale = (2.0 ** s).astype(a.dtype)
    x = a / scale[..., None, None]
    result = xp.eye(n, dtype=a.dtype) + x
    term = x
    for k in range(2, 19):
        term = xp.matmul(term, x) / k
        result = result + term
    for i in range(int(s.max())):
        result = xp.where((i < s)[..., None, None], xp.matmul(result, result), result)
    return result.astype(a.dtype, copy=False)


def _host_eig(xp, a):
    """numpy.linalg.eig on the host (CuPy has no general eigensolver)."""
    dev = backend.array_device(a)
    w, v = np.linalg.eig(backend.transfer(a, backend.CPU))  # host: CuPy has no eig
    return backend.transfer(w, dev), backend.transfer(v, dev)


# ============================================================================ Functions
class Inverse(Function):
    """Y = A^{-1}.  From A Y = I:  dY = -Y dA Y,  so  gA = -Y^T g Y^T."""

    @staticmethod
    def forward(ctx, a, fn="linalg.inv"):
        y, _ = _inv_array(_xp(a), a, fn)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        yt = _mT(y)
        return -matmul(matmul(yt, g), yt)


class Det(Function):
    """d = det(A).  Jacobi's formula: dd = d tr(A^{-1} dA), so gA = g d A^{-T}, the matrix
    of cofactors times g. For a singular A (|d| < 100 eps) the cofactors come from the SVD
    A = U S V^T instead: gA = g det(U) det(V^T) U diag(prod_{j != i} s_j) V^T."""

    @staticmethod
    def forward(ctx, a):
        xp = _xp(a)
        with np.errstate(all="ignore"):     # overflow gives inf, as in PyTorch
            d = xp.asarray(xp.linalg.det(a), dtype=a.dtype)
        ctx.save_for_backward(a, d)
        return d

    @staticmethod
    def backward(ctx, g):
        a, d = ctx.saved_tensors
        eps = float(np.finfo(a._data.dtype).eps)
        if a._data.size == 0:
            return None
        singular = bool((_xp(d._data).abs(d._data) < 100 * eps).any())
        if not singular:
            gd = (g * d).unsqueeze(-1).unsqueeze(-1)
            return gd * _mT(Inverse.apply(a))
        u, s, vh = SVD.apply(a, False)
        alpha = Det.apply(u) * Det.apply(vh) * g
        cof = _prod_others(s) * alpha.unsqueeze(-1)
        return matmul(u * cof.unsqueeze(-2), vh)


def _prod_others(s: Tensor) -> Tensor:
    """out_i = prod_{j != i} s_j (no division, so zeros are fine)."""
    n = s._data.shape[-1]
    xp = _xp(s._data)
    others = s.unsqueeze(-2).expand(tuple(s.shape[:-1]) + (n, n))
    return R.prod(E.where(_make(xp.eye(n, dtype=bool)), 1.0, others), -1)


class Slogdet(Function):
    """(sign, log|det A|).  d log|det A| = tr(A^{-1} dA), so gA = g A^{-T}; the sign is
    piecewise constant and carries no gradient."""

    @staticmethod
    def forward(ctx, a):
        xp = _xp(a)
        with np.errstate(all="ignore"):
            sign, logabs = xp.linalg.slogdet(a)
        sign = xp.asarray(sign, dtype=a.dtype)
        logabs = xp.asarray(logabs, dtype=a.dtype)
        ctx.save_for_backward(a)
        return sign, logabs

    @staticmethod
    def backward(ctx, gsign, glog):
        a, = ctx.saved_tensors
        return glog.unsqueeze(-1).unsqueeze(-1) * _mT(Inverse.apply(a, "linalg.slogdet"))


class Solve(Function):
    """X = A^{-1} B for B a batch of matrices (batch dims broadcast).
    dX = A^{-1}(dB - dA X), so  gB = A^{-T} g  and  gA = -gB X^T (summed back over the
    batch dims that were broadcast)."""

    @staticmethod
    def forward(ctx, a, b):
        x, _ = _solve_array(_xp(a), a, b)
        ctx.save_for_backward(a, x)
        return x

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        gb = Solve.apply(_mT(a), g)
        ga = sum_to(-matmul(gb, _mT(x)), input_shape(ctx, 0)) if na else None
        return ga, sum_to(gb, input_shape(ctx, 1)) if nb else None


class SolveTriangular(Function):
    """X = A^{-1} B for triangular A (only its upper or lower triangle is read, and not its
    diagonal when unitriangular).  As for solve:  gB = A^{-T} g, a triangular solve with
    the transposed matrix (the other triangle), and  gA = -gB X^T  restricted to the
    triangle that was read (the tangent space of triangular matrices)."""

    @staticmethod
    def forward(ctx, a, b, upper, unit):
        xp = _xp(a)
        ctx.upper, ctx.unit = upper, unit
        t = xp.triu(a) if upper else xp.tril(a)
        x = _solve_triangular_array(xp, t, b, upper, unit)
        ctx.save_for_backward(a, x)
        return x

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        na, nb = ctx.needs_input_grad[:2]
        gb = SolveTriangular.apply(_mT(a), g, not ctx.upper, ctx.unit)
        ga = None
        if na:
            ga = -matmul(gb, _mT(x))
            k = int(ctx.unit)
            ga = S.triu(ga, k) if ctx.upper else S.tril(ga, -k)
            ga = sum_to(ga, input_shape(ctx, 0))
        return ga, sum_to(gb, input_shape(ctx, 1)) if nb else None, None, None


def _solve_tri(A, B, upper, left=True, unit=False):
    """A^{-1} B (left) or B A^{-1} (right, as (A^{-T} B^T)^T)."""
    if left:
        return SolveTriangular.apply(A, B, upper, unit)
    return _mT(SolveTriangular.apply(_mT(A), _mT(B), not upper, unit))


class Cholesky(Function):
    """L with A = L L^T, L lower triangular.
    dA = dL L^T + L dL^T, so L^{-1} dA L^{-T} = X + X^T with X = L^{-1} dL lower
    triangular: dL = L Phi(L^{-1} dA L^{-T}), Phi taking the lower triangle with the
    diagonal halved. Its adjoint, symmetrized as A is symmetric:
        gA = L^{-T} P L^{-1},  P = (tril(M) + tril(M, -1)^T) / 2,  M = L^T gL."""

    @staticmethod
    def forward(ctx, a, fn="linalg.cholesky"):
        L, _ = _cholesky_array(_xp(a), a, fn)
        ctx.save_for_backward(L)
        return L

    @staticmethod
    def backward(ctx, gl):
        L, = ctx.saved_tensors
        Lt = _mT(L)
        M = S.tril(matmul(Lt, gl))
        P = 0.5 * (M + _mT(S.tril(M, -1)))
        ga = _solve_tri(Lt, P, upper=True)                 # L^{-T} P
        return _solve_tri(L, ga, upper=False, left=False)  # ... L^{-1}


class CholeskySolve(Function):
    """X = (L L^T)^{-1} B from the Cholesky factor L (or U = L^T with upper).
    With A = L L^T:  gB = A^{-1} g  and, as PyTorch, gL = -(C + C^T) L (lower) or
    -U (C + C^T) (upper) with C = gB X^T."""

    @staticmethod
    def forward(ctx, b, L, upper):
        xp = _xp(b)
        ctx.upper = upper
        low = xp.swapaxes(xp.triu(L), -1, -2) if upper else xp.tril(L)
        y = _solve_triangular_array(xp, low, b, False, False)
        x = _solve_triangular_array(xp, xp.swapaxes(low, -1, -2), y, True, False)
        ctx.save_for_backward(L, x)
        return x.astype(b.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        L, x = ctx.saved_tensors
        nb, nl = ctx.needs_input_grad[:2]
        gb = CholeskySolve.apply(g, L, ctx.upper)
        gl = None
        if nl:
            c = matmul(gb, _mT(x))
            c = c + _mT(c)
            gl = -matmul(L, c) if ctx.upper else -matmul(c, L)
            gl = sum_to(gl, input_shape(ctx, 1))
        return sum_to(gb, input_shape(ctx, 0)) if nb else None, gl, None


class CholeskyInverse(Function):
    """Y = (L L^T)^{-1} from the Cholesky factor L (or U = L^T with upper).
    dY = -Y (dL L^T + L dL^T) Y, so gL = -Y (g + g^T) Y L (lower) or -U Y (g + g^T) Y."""

    @staticmethod
    def forward(ctx, L, upper):
        xp = _xp(L)
        ctx.upper = upper
        low = xp.swapaxes(xp.triu(L), -1, -2) if upper else xp.tril(L)
        n = L.shape[-1]
        if n:
            diag_zero = xp.diagonal(low, 0, -2, -1) == 0
            bad = _first_bad(xp, xp.where(diag_zero.any(-1), diag_zero.argmax(-1) + 1, 0))
            if bad is not None:
                raise LinAlgError(f"cholesky_inverse: {_batch_prefix_shape(L, bad[0])}The "
                                  f"diagonal element {bad[1]} is zero, the inversion could not "
                                  "be completed because the input matrix is singular.")
        linv = _solve_triangular_array(xp, low, xp.eye(n, dtype=L.dtype), False, False)
        y = xp.matmul(xp.swapaxes(linv, -1, -2), linv)
        ctx.save_for_backward(L, y)
        return y

    @staticmethod
    def backward(ctx, g):
        L, y = ctx.saved_tensors
        c = matmul(y, matmul(g + _mT(g), y))
        return (-matmul(L, c) if ctx.upper else -matmul(c, L)), None


class SVD(Function):
    """A = U diag(S) V^T (Vh = V^T), S descending.

    The gradient (PyTorch's svd_backward, real case; distinct singular values), with
    skew(X) = X - X^T and E_jk = S_k^2 - S_j^2 (1 on the diagonal):
        gA = U [ (skew(U^T gU) / E) S + S (skew(V^T gV) / E) + diag(gS) ] V^T
           + (I - U U^T) gU S^{-1} V^T          (when m > n)
           + U S^{-1} gV^T (I - V V^T)          (when m < n)
    With full_matrices only the first k = min(m, n) columns of U (rows of Vh) take part.
    For svdvals alone (no gU, gV) this is gA = U diag(gS) V^T."""

    @staticmethod
    def forward(ctx, a, full_matrices):
        u, s, vh = _xp(a).linalg.svd(a, full_matrices=full_matrices)
        ctx.full = full_matrices
        ctx.save_for_backward(u, s, vh)
        return u, s, vh

    @staticmethod
    def backward(ctx, gu, gs, gvh):
        u, s, vh = ctx.saved_tensors
        m, n = u.shape[-2], vh.shape[-1]
        k = s.shape[-1]
        if ctx.full:
            u, vh = S.narrow(u, -1, 0, k), S.narrow(vh, -2, 0, k)
            gu, gvh = S.narrow(gu, -1, 0, k), S.narrow(gvh, -2, 0, k)
        no_u, no_v = _is_zero(gu), _is_zero(gvh)
        if no_u and no_v:
            return matmul(u * gs.unsqueeze(-2), vh), None
        s2 = s * s
        e = s2.unsqueeze(-2) - s2.unsqueeze(-1) + _eye(s, k)
        sr, sc = s.unsqueeze(-2), s.unsqueeze(-1)          # S as a row / a column
        if not no_u:
            uhgu = matmul(_mT(u), gu)
            uhgu = uhgu - _mT(uhgu)
        if not no_v:
            vhgv = matmul(vh, _mT(gvh))
            vhgv = vhgv - _mT(vhgv)
        if no_v:
            inner = (uhgu / e) * sr
        elif no_u:
            inner = sc * (vhgv / e)
        else:
            inner = (uhgu * sr + sc * vhgv) / e
        inner = inner + _diag_embed(gs)
        if m > n and not no_u:
            ga = matmul(u, inner)
            gusinv = gu / sr
            ga = ga + gusinv - matmul(u, matmul(_mT(u), gusinv))
            return matmul(ga, vh), None
        if m < n and not no_v:
            ga = matmul(inner, vh)
            sinvgvh = gvh / sc
            ga = ga + sinvgvh - matmul(matmul(sinvgvh, _mT(vh)), vh)
            return matmul(u, ga), None
        return matmul(matmul(u, inner), vh), None


class Eigh(Function):
    """A = V diag(w) V^T for symmetric A (only the UPLO triangle is read), w ascending.

    gA = V (diag(gw) + skew(V^T gV) / (2 E)) V^T  with E_ij = w_j - w_i (distinct
    eigenvalues), skew(X) = X - X^T: PyTorch's formula, projecting V^T gV onto the
    skew-symmetric matrices (the tangent space of the orthogonal group)."""

    @staticmethod
    def forward(ctx, a, uplo):
        w, v = _xp(a).linalg.eigh(a, UPLO=uplo)
        ctx.save_for_backward(w, v)
        return w, v

    @staticmethod
    def backward(ctx, gw, gv):
        w, v = ctx.saved_tensors
        vt = _mT(v)
        if _is_zero(gv):
            return matmul(v * gw.unsqueeze(-2), vt), None
        n = w.shape[-1]
        vhgv = matmul(vt, gv)
        vhgv = 0.5 * (vhgv - _mT(vhgv))
        e = w.unsqueeze(-2) - w.unsqueeze(-1) + _eye(w, n)
        inner = vhgv / e + _diag_embed(gw)
        return matmul(v, matmul(inner, vt)), None


class Eig(Function):
    """A = V diag(w) V^{-1} for a general A whose eigenvalues are all real (columns of V
    of norm 1). PyTorch's linalg_eig_backward, real case, with E_ij = w_j - w_i:
        gA = V^{-T} (diag(gw) + off-diagonal of (V^T gV - V^T V diag(V^T gV)) / E) V^T."""

    @staticmethod
    def forward(ctx, a, fn):
        xp = _xp(a)
        w, v = _host_eig(xp, a)
        if w.dtype.kind == "c":
            raise RuntimeError(
                f"{fn}: the matrix has complex eigenvalues, and minitorch has no complex "
                "dtype; only matrices whose eigenvalues are all real are supported (for a "
                "symmetric matrix use linalg.eigh / linalg.eigvalsh)")
        w = w.astype(a.dtype, copy=False)
        v = v.astype(a.dtype, copy=False)
        ctx.save_for_backward(w, v)
        return w, v

    @staticmethod
    def backward(ctx, gw, gv):
        w, v = ctx.saved_tensors
        n = w.shape[-1]
        vt = _mT(v)
        if _is_zero(gv):
            return Solve.apply(vt, gw.unsqueeze(-1) * vt), None
        eye = _eye(w, n)
        vhgv = matmul(vt, gv)
        diag = (vhgv * eye).sum(-1)
        vhgv = vhgv - matmul(vt, v * diag.unsqueeze(-2))
        e = w.unsqueeze(-2) - w.unsqueeze(-1) + eye
        inner = (vhgv / e) * (1.0 - eye) + _diag_embed(gw)
        return Solve.apply(vt, matmul(inner, vt)), None


class QR(Function):
    """A = Q R, Q with orthonormal columns, R upper triangular (LAPACK's signs).

    PyTorch's linalg_qr_backward. With M = gR R^T - Q^T gQ:
      m >= n:  gA = (gQ + Q copyltu(M)) R^{-T},  copyltu(M) = triu(M) + triu(M)^T - diag(M)
      m <  n:  gA = [Q tril(M^T - M) R_1^{-T}, 0] + Q gR,  R_1 = R[:, :m]."""

    @staticmethod
    def forward(ctx, a, mode):
        xp = _xp(a)
        ctx.mode = mode
        if mode == "r":
            r = xp.linalg.qr(a, mode="r")
            q = xp.zeros((0,), dtype=a.dtype)
        else:
            q, r = xp.linalg.qr(a, mode=mode)
        ctx.save_for_backward(q, r)
        return q, r

    @staticmethod
    def backward(ctx, gq, gr):
        q, r = ctx.saved_tensors
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed "
                               "when mode='r'. Please use linalg.qr(A, mode='reduced') if you "
                               "are going to differentiate through linalg.qr.")
        m, n = q.shape[-2], r.shape[-1]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' "
                               "and nrows > ncols.")
        M = matmul(gr, _mT(r)) - matmul(_mT(q), gq)
        if m >= n:
            X = S.triu(M)
            X = X + _mT(X)
            X = X - 0.5 * X * _eye(X, n)
            ga = matmul(q, X) + gq
            return _solve_tri(_mT(r), ga, upper=False, left=False), None
        X = S.tril(_mT(M) - M)
        ga = _solve_tri(_mT(S.narrow(r, -1, 0, m)), matmul(q, X), upper=False, left=False)
        ga = S.cat([ga, _zeros(ga, tuple(ga.shape[:-1]) + (n - m,))], -1)
        return ga + matmul(q, gr), None


class LU(Function):
    """A = P L U with partial pivoting; L (m, k) unit lower, U (k, n) upper, k = min(m, n).

    PyTorch's linalg_lu_backward. For a square A:
        gA = P L^{-T} [tril(L^T gL, -1) + triu(gU U^T)] U^{-T};
    a wide A (m < n, U = [U1 U2]) or a tall one (m > n, L = [L1; L2]) adds the part of U2
    (or L2) that no triangular solve touches:
        wide: gA = P L^{-T} [ (tril(L^T gL - triu(gU) U^T, -1) U1^{-T} + triu(gU1)) | gU2 ]
        tall: gA = P [ L1^{-T} triu(gU U^T - L^T tril(gL, -1)) + tril(gL1, -1) ; gL2 ] U^{-T}
    P is a permutation, piecewise constant: no gradient."""

    @staticmethod
    def forward(ctx, a):
        xp = _xp(a)
        lu, _, perm, _ = _lu_factor_array(xp, a)
        P = _perm_matrix(xp, perm, a.dtype)
        L, U = _unpack_lu_array(xp, lu)
        ctx.mark_non_differentiable(P)
        ctx.save_for_backward(P, L, U)
        return P, L, U

    @staticmethod
    def backward(ctx, gp, gl, gu):
        P, L, U = ctx.saved_tensors
        m, k = L.shape[-2:]
        n = U.shape[-1]
        Lt, Ut = _mT(L), _mT(U)
        if m == n:
            ga = S.tril(matmul(Lt, gl), -1) + S.triu(matmul(gu, Ut))
            ga = _solve_tri(Ut, ga, upper=False, left=False)
            ga = _solve_tri(Lt, ga, upper=True, unit=True)
            return matmul(P, ga)
        if m < n:
            U1 = S.narrow(U, -1, 0, k)
            ga = matmul(Lt, gl) - matmul(S.triu(gu), Ut)
            ga = _solve_tri(_mT(U1), S.tril(ga, -1), upper=False, left=False)
            ga = S.cat([ga + S.triu(S.narrow(gu, -1, 0, k)), S.narrow(gu, -1, k, n - k)], -1)
            ga = _solve_tri(Lt, ga, upper=True, unit=True)
            return matmul(P, ga)
        L1 = S.narrow(L, -2, 0, k)
        ga = matmul(gu, Ut) - matmul(Lt, S.tril(gl, -1))
        ga = _solve_tri(_mT(L1), S.triu(ga), upper=True, unit=True)
        ga = S.cat([ga + S.tril(S.narrow(gl, -2, 0, k), -1), S.narrow(gl, -2, k, m - k)], -2)
        ga = _solve_tri(Ut, ga, upper=False, left=False)
        return matmul(P, ga)


class MatrixExp(Function):
    """E = exp(A) = sum_k A^k / k!.  The adjoint of its differential (Mathias 1996):
        gA = the top-right block of exp([[A^T, g], [0, A^T]]),
    itself a matrix exponential, so the gradient differentiates again."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _expm_array(_xp(a), a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        n = a.shape[-1]
        at = _mT(a)
        big = S.cat([S.cat([at, g], -1), S.cat([_zeros(at, at.shape), at], -1)], -2)
        return S.narrow(S.narrow(MatrixExp.apply(big), -2, 0, n), -1, n, n)


class Pinv(Function):
    """A^+ = V diag(1/s) U^T over the singular values s > max(atol, rtol * s_max) (for a
    symmetric A, from its eigenvalues instead).

    For a constant rank, PyTorch's pinv_backward (Golub & Pereyra), with P = A^+ and
    G = g^T:
        m <= n:  K = G P,  gA = -(P K)^T + (I - A P) K P^T + P^T P (G - K A)
        m >  n:  K = P G,  gA = -(K P)^T + (G - A K) P P^T + P^T K (I - P A)"""

    @staticmethod
    def forward(ctx, a, atol, rtol, hermitian):
        xp = _xp(a)
        m, n = a.shape[-2:]
        if a.size == 0:
            out = xp.zeros(a.shape[:-2] + (n, m), dtype=a.dtype)
        elif hermitian:
            w, v = xp.linalg.eigh(a)
            keep = _keep(xp, xp.abs(w), atol, rtol)
            winv = xp.where(keep, 1 / xp.where(keep, w, 1), 0).astype(a.dtype)
            out = xp.matmul(v * winv[..., None, :], xp.swapaxes(v, -1, -2))
        else:
            u, s, vh = xp.linalg.svd(a, full_matrices=False)
            keep = _keep(xp, s, atol, rtol)
            sinv = xp.where(keep, 1 / xp.where(keep, s, 1), 0).astype(a.dtype)
            out = xp.matmul(xp.swapaxes(vh, -1, -2) * sinv[..., None, :], xp.swapaxes(u, -1, -2))
        out = out.astype(a.dtype, copy=False)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, p = ctx.saved_tensors
        m, n = a.shape[-2:]
        ph, gh = _mT(p), _mT(g)
        if m <= n:
            K = matmul(gh, p)
            KpinvAh = matmul(K, ph)
            return (-_mT(matmul(p, K)) + KpinvAh - matmul(matmul(a, p), KpinvAh)
                    + matmul(matmul(ph, p), gh - matmul(K, a)))
        K = matmul(p, gh)
        pinvAhK = matmul(ph, K)
        return (-_mT(matmul(K, p)) + matmul(matmul(gh - matmul(a, K), p), ph) + pinvAhK
                - matmul(matmul(pinvAhK, p), a))


def _keep(xp, s, atol, rtol):
    """s > max(atol, rtol * max(s)) per matrix; atol / rtol floats or batch arrays."""
    smax = s.max(axis=-1, keepdims=True) if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,), s.dtype)
    atol = xp.asarray(atol, dtype=s.dtype)
    rtol = xp.asarray(rtol, dtype=s.dtype)
    tol = xp.maximum(atol[..., None] if atol.ndim else atol,
                     (rtol[..., None] if rtol.ndim else rtol) * smax)
    return s > tol


class Diagonal(Function):
    """out[..., i] = x[..., i, i + offset] taken over (dim1, dim2), the diagonal put last;
    dx = g written back on that diagonal, zero elsewhere."""

    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        ctx.args = (offset, dim1, dim2)
        return _xp(x).diagonal(x, offset, dim1, dim2).copy()

    @staticmethod
    def backward(ctx, g):
        return DiagonalEmbed.apply(g, input_shape(ctx, 0), *ctx.args)


class DiagonalEmbed(Function):
    """out = zeros(shape) with g on the diagonal (offset, dim1, dim2);  dg = that diagonal
    of the upstream gradient (the adjoint of Diagonal)."""

    @staticmethod
    def forward(ctx, g, shape, offset, dim1, dim2):
        xp = _xp(g)
        ctx.args = (offset, dim1, dim2)
        out = xp.zeros(shape, dtype=g.dtype)
        view = xp.moveaxis(out, (dim1, dim2), (-2, -1))
        i = xp.arange(g.shape[-1])
        view[..., i + max(-offset, 0), i + max(offset, 0)] = g
        return out

    @staticmethod
    def backward(ctx, gg):
        return Diagonal.apply(gg, *ctx.args)


# ============================================================================ linalg API
def _vector_rhs(A, B) -> bool:
    """PyTorch's rule: B is a (batch of) vector(s) when it is 1-D or has A's shape minus
    the last dim."""
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


def inv(A):
    """A^{-1} for a batch of square matrices; a singular matrix raises LinAlgError."""
    _check_matrix(A, "linalg.inv", square=True)
    return Inverse.apply(A)


def inv_ex(A, *, check_errors=False):
    """(inverse, info): info > 0 marks a singular matrix (its inverse is NaN) instead of
    raising, unless check_errors."""
    _check_matrix(A, "linalg.inv_ex", square=True)
    xp = _xp(A._data)
    info = _singular_info(xp, A._data)
    bad = _first_bad(xp, info)
    if bad is None:
        return _LinalgInvEx(Inverse.apply(A), _make(info))
    if check_errors:
        Inverse.apply(A, "linalg.inv_ex")
    out, _ = _inv_array(xp, A._data, "linalg.inv_ex", raise_errors=False)
    return _LinalgInvEx(_make(out), _make(info))


def det(A):
    """det(A) for a batch of square matrices; differentiable also where A is singular."""
    _check_matrix(A, "linalg.det", square=True)
    return Det.apply(A)


def linalg_slogdet(A):
    """(sign, log|det A|) as torch.linalg.slogdet; sign is 0 and logabsdet -inf for a
    singular matrix."""
    _check_matrix(A, "linalg.slogdet", square=True)
    return _LinalgSlogdet(*Slogdet.apply(A))



def slogdet(input):
    """torch.slogdet: (sign, logabsdet)."""
    _check_matrix(input, "linalg.slogdet", square=True)
    return _Slogdet(*Slogdet.apply(input))


def logdet(input):
    """log(det A): NaN where det A < 0, -inf where it is 0 (log of the sign + log|det|)."""
    _check_matrix(input, "logdet", square=True)
    sign, logabs = Slogdet.apply(input)
    xp = _xp(sign._data)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_sign = _make(xp.asarray(xp.log(sign._data)))  # 0, -inf or nan: a constant
    return logabs + log_sign


def solve(A, B, *, left=True):
    """X with A X = B (left) or X A = B; B a (batch of) matrix or vector, batch dims
    broadcast. A singular A raises LinAlgError."""
    return _solve(A, B, left, "linalg.solve")


def _solve(A, B, left, fn):
    _check_matrix(A, fn, square=True)
    check_tensor(B, fn, "B")
    _same_dtype(fn, A, B)
    if not left:
        if B.ndim < 2:
            raise RuntimeError(f"{fn}: Vector broadcasting of the left hand side is not "
                               "supported for left=False. In this case linalg.solve is "
                               "equivalent to B / A.squeeze(-1)")
        return _mT(_solve(_mT(A), _mT(B), True, fn))
    vector = _vector_rhs(A, B)
    b = B.unsqueeze(-1) if vector else B
    n = A._data.shape[-1]
    if b.ndim < 2 or b._data.shape[-2] != n:
        bs = "x".join(str(s) for s in (b.shape[-2:] if b.ndim >= 2 else b.shape))
        raise RuntimeError(f"{fn}: Incompatible shapes of A and B for the equation AX = B "
                           f"({n}x{n} and {bs})")
    _batch_shape(fn, A._data.shape[:-2], b._data.shape[:-2])
    x = Solve.apply(A, b)
    return x.squeeze(-1) if vector else x


def solve_ex(A, B, *, left=True, check_errors=False):
    """(result, info): info > 0 marks a singular A (result NaN) instead of raising."""
    _check_matrix(A, "linalg.solve_ex", square=True)
    xp = _xp(A._data)
    info = _singular_info(xp, A._data)
    if _first_bad(xp, info) is None or check_errors:
        return _LinalgSolveEx(_solve(A, B, left, "linalg.solve_ex"), _make(info))
    vector = left and _vector_rhs(A, B)
    a, b = (A._data, B._data[..., None] if vector else B._data)
    if not left:
        a, b = xp.swapaxes(a, -1, -2), xp.swapaxes(b, -1, -2)
    x, _ = _solve_array(xp, a, b, raise_errors=False)
    x = x[..., 0] if vector else (xp.swapaxes(x, -1, -2) if not left else x)
    return _LinalgSolveEx(_make(x), _make(info))


def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """X with A X = B (left) or X A = B for triangular A: only A's upper (or lower)
    triangle is read, and with unitriangular its diagonal is taken as ones."""
    fn = "linalg.solve_triangular"
    _check_matrix(A, fn, square=True)
    check_tensor(B, fn, "B")
    if B.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor B must have at least 2 dimensions.")
    _same_dtype(fn, A, B)
    n = A._data.shape[-1]
    k = B._data.shape[-2] if left else B._data.shape[-1]
    if k != n:
        raise RuntimeError(f"{fn}: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and "
                           f"{B._data.shape[-2]}x{B._data.shape[-1]})")
    _batch_shape(fn, A._data.shape[:-2], B._data.shape[:-2])
    return _solve_tri(A, B, bool(upper), left=left, unit=bool(unitriangular))


def linalg_cholesky(A, *, upper=False):
    """L with A = L L^T (or U = L^T with upper) for symmetric positive-definite A; only
    the lower triangle of A is read. Not positive-definite raises LinAlgError."""
    _check_matrix(A, "linalg.cholesky", square=True)
    L = Cholesky.apply(A)
    return _mT(L) if upper else L


def cholesky_ex(A, *, upper=False, check_errors=False):
    """(L, info): info > 0 is the order of the first leading minor that is not
    positive-definite (L is NaN there) instead of raising."""
    _check_matrix(A, "linalg.cholesky_ex", square=True)
    xp = _xp(A._data)
    _, info = _cholesky_array(xp, A._data, "linalg.cholesky_ex", raise_errors=check_errors)
    if _first_bad(xp, info) is None:
        return _LinalgCholeskyEx(linalg_cholesky(A, upper=upper), _make(info))
    L, info = _cholesky_array(xp, A._data, "linalg.cholesky_ex", raise_errors=False)
    L = _make(L)
    return _LinalgCholeskyEx(_mT(L) if upper else L, _make(info))


def linalg_qr(A, mode="reduced"):
    """(Q, R) with A = Q R: mode 'reduced' (Q m x k), 'complete' (Q m x m) or 'r' (R
    only, Q empty)."""
    _check_matrix(A, "linalg.qr")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    return _LinalgQr(*QR.apply(A, mode))



def eigh(A, UPLO="L"):
    """(eigenvalues ascending, eigenvectors as columns) of symmetric A, reading its lower
    (UPLO='L') or upper ('U') triangle."""
    _check_matrix(A, "linalg.eigh", square=True)
    _check_uplo(UPLO, "linalg.eigh")
    return _LinalgEigh(*Eigh.apply(A, UPLO))


def _check_uplo(uplo, fn):
    if uplo not in ("L", "U", "l", "u"):
        raise RuntimeError(f"{fn}: Expected UPLO argument to be 'L' or 'U', but got {uplo}")


def eigvalsh(A, UPLO="L"):
    """The eigenvalues of symmetric A, ascending."""
    _check_matrix(A, "linalg.eigvalsh", square=True)
    _check_uplo(UPLO, "linalg.eigvalsh")
    return Eigh.apply(A, UPLO.upper())[0]


def eig(A):
    """(eigenvalues, eigenvectors) of a general square A. minitorch has no complex dtype:
    the results are real tensors, for matrices whose eigenvalues are all real; other
    matrices raise RuntimeError (PyTorch returns complex tensors)."""
    _check_matrix(A, "linalg.eig", square=True)
    return _LinalgEig(*Eig.apply(A, "linalg.eig"))


def eigvals(A):
    """The eigenvalues of a general square A, as real tensors (see eig)."""
    _check_matrix(A, "linalg.eigvals", square=True)
    return Eig.apply(A, "linalg.eigvals")[0]


def linalg_svd(A, full_matrices=True, *, driver=None):
    """(U, S, Vh) with A = U diag(S) Vh, S descending. full_matrices=False gives the
    reduced U (m x k) and Vh (k x n). `driver` (a cuSOLVER choice) is accepted and ignored."""
    _check_matrix(A, "linalg.svd")
    return _LinalgSvd(*SVD.apply(A, bool(full_matrices)))



def svdvals(A, *, driver=None):
    """The singular values of A, descending; gA = U diag(gS) V^T."""
    _check_matrix(A, "linalg.svdvals")
    return SVD.apply(A, False)[1]


def _tolerances(A, atol, rtol, fn):
    """PyTorch's defaults: rtol = eps * max(m, n) when neither is given; rtol = 0 when only
    atol (> 0) is given. Tensors become arrays broadcast over the batch."""
    def value(t):
        if t is None:
            return None
        if isinstance(t, Tensor):
            return t._data
        return float(t)
    atol, rtol = value(atol), value(rtol)
    eps = float(np.finfo(A._data.dtype).eps)
    m, n = A._data.shape[-2:]
    if rtol is None:
        positive_atol = atol is not None and (not isinstance(atol, float) or atol > 0)
        rtol = 0.0 if positive_atol else eps * max(m, n)
    if atol is None:
        atol = 0.0
    return atol, rtol


def pinv(A, rcond=None, hermitian=False, *, atol=None, rtol=None):
    """The Moore-Penrose pseudo-inverse: singular values s <= max(atol, rtol * s_max) are
    treated as zero. `rcond` (the older spelling) is rtol."""
    _check_matrix(A, "linalg.pinv")
    if rcond is not None:
        if rtol is not None:
            raise RuntimeError("linalg.pinv: rcond and rtol cannot both be given")
        rtol = rcond
    atol, rtol = _tolerances(A, atol, rtol, "linalg.pinv")
    return Pinv.apply(A, atol, rtol, bool(hermitian))


def pinverse(input, rcond=1e-15):
    """torch.pinverse: pinv with rtol = rcond."""
    _check_matrix(input, "pinverse")
    return Pinv.apply(input, 0.0, float(rcond), False)


def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None):
    """The number of singular values (|eigenvalues| with hermitian) above
    max(atol, rtol * s_max), as int64. `tol` (the older spelling) is atol."""
    _check_matrix(A, "linalg.matrix_rank")
    if tol is not None:
        atol, rtol = tol, 0.0 if rtol is None else rtol
    atol, rtol = _tolerances(A, atol, rtol, "linalg.matrix_rank")
    xp = _xp(A._data)
    a = A._data
    if a.size == 0:
        return _make(xp.zeros(a.shape[:-2], dtype=xp.int64))
    s = xp.abs(xp.linalg.eigvalsh(a)) if hermitian else xp.linalg.svd(a, compute_uv=False)
    return _make(xp.asarray(_keep(xp, s, atol, rtol).sum(-1), dtype=xp.int64))


def lstsq(A, B, rcond=None, *, driver=None):
    """The least-squares solution X of min ||A X - B|| (minimum norm when A is rank
    deficient), with PyTorch's outputs for each driver (CPU default 'gelsy'):
    residuals ||A X - B||^2 per column when m > n, A has full rank and the driver is not
    'gelsy' (else empty); rank unless 'gels'; singular values for 'gelsd' / 'gelss'.
    X = pinv(A) B, so its gradient is PyTorch's (pinv_backward)."""
    fn = "torch.linalg.lstsq"
    _check_matrix(A, "linalg.lstsq")
    check_tensor(B, "linalg.lstsq", "B")
    _same_dtype("linalg.lstsq", A, B)
    drivers = ("gels", "gelsy", "gelsd", "gelss")
    if driver is None:
        driver = "gelsy" if A.device.type == "cpu" else "gels"
    if driver not in drivers:
        raise RuntimeError(f"{fn}: parameter `driver` should be one of (gels, gelsy, gelsd, "
                           f"gelss)")
    m, n = A._data.shape[-2:]
    vector = B.ndim == A.ndim - 1
    b = B.unsqueeze(-1) if vector else B
    if b._data.shape[-2] != m:
        raise RuntimeError(f"{fn}: input.size(-2) should match other.size(-2)")
    eps = float(np.finfo(A._data.dtype).eps)
    rtol = eps * max(m, n) if rcond is None or rcond < 0 else float(rcond)
    x = matmul(Pinv.apply(A, 0.0, rtol, False), b)
    xp = _xp(A._data)
    empty = _make(xp.zeros((0,), dtype=A._data.dtype))
    rank = _make(xp.zeros((0,), dtype=xp.int64))
    if driver != "gels":
        rank = matrix_rank(A.detach(), atol=0.0, rtol=rtol)
    residuals = empty
    if m > n and driver != "gelsy":
        full = bool((matrix_rank(A.detach()) == n).all()) if A._data.size else False
        if full:
            r = matmul(A, x) - b
            residuals = (r * r).sum(-2)
            if vector:
                residuals = residuals.squeeze(-1)
    svals = svdvals(A.detach()) if driver in ("gelsd", "gelss") else empty
    return _LinalgLstsq(x.squeeze(-1) if vector else x, residuals, rank, svals)


def matrix_power(A, n):
    """A^n by repeated squaring (n >= 0), or (A^{-1})^|n|; A^0 is the identity."""
    fn = "linalg.matrix_power"
    check_tensor(A, fn, "A")
    if A.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor A must have at least 2 dimensions.")
    if A._data.shape[-1] != A._data.shape[-2]:
        raise RuntimeError(f"{fn}: A must be batches of square matrices, but they are "
                           f"{A._data.shape[-2]} by {A._data.shape[-1]} matrices")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{fn}(): argument 'n' must be int, not {type(n).__name__}")
    n = int(n)
    if n == 0:
        xp = _xp(A._data)
        eye = xp.eye(A._data.shape[-1], dtype=A._data.dtype)
        return _make(xp.broadcast_to(eye, A._data.shape).copy())
    if n < 0:
        _check_float(A, fn)
        A, n = Inverse.apply(A, fn), -n
    if n == 1:
        return A.clone()
    result, base = None, A
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return result


def matrix_exp(A):
    """exp(A) = sum_k A^k / k! for a batch of square matrices."""
    check_tensor(A, "linalg.matrix_exp", "A")
    if A.ndim < 2 or A._data.shape[-1] != A._data.shape[-2]:
        raise RuntimeError("linalg.matrix_exp: A must be batches of square matrices, but they "
                           f"are {list(A.shape)}")
    _check_float(A, "linalg.matrix_exp")
    return MatrixExp.apply(A)


def _matrix_dims(A, dim, fn):
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        got = dim if isinstance(dim, (tuple, list)) else [dim]
        raise RuntimeError(f"{fn}: dim must be a 2-tuple. Got {' '.join(str(d) for d in got)}")
    d0, d1 = (_wrap_dim(d, A.ndim, fn) for d in dim)
    if d0 == d1:
        raise RuntimeError(f"{fn}: dims must be different. Got ({dim[0]}, {dim[1]})")
    return d0, d1


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """Matrix norms over the two dims `dim`: 'fro' (sqrt of the sum of squares), 'nuc'
    (sum of singular values), 2 / -2 (largest / smallest singular value), 1 / -1 (max /
    min column abs-sum), inf / -inf (max / min row abs-sum)."""
    fn = "linalg.matrix_norm"
    check_tensor(A, fn, "A")
    if A.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor A must have at least 2 dimensions.")
    if dtype is not None:
        from .. import dtypes as _dtypes
        A = cast(A, _dtypes.to_dtype(dtype, fn).np)
    _check_float(A, fn)
    d0, d1 = _matrix_dims(A, dim, fn)
    if isinstance(ord, str):
        if ord not in ("fro", "nuc"):
            raise RuntimeError(f"{fn}: Order {ord} not supported.")
    elif ord not in (1, -1, 2, -2, math.inf, -math.inf):
        raise RuntimeError(f"{fn}: Order {ord} not supported.")
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    if ord in ("nuc", 2, -2):
        moved = S.movedim(A, (d0, d1), (-2, -1))
        s = svdvals(moved)
        out = s.sum(-1) if ord == "nuc" else (R.amax(s, -1) if ord == 2 else R.amin(s, -1))
        if keepdim:
            for d in sorted((d0, d1)):
                out = out.unsqueeze(d)
        return out
    # 1: max over columns of the column sums |a_ij| over i; inf: the same for rows
    sum_dim, red_dim = (d0, d1) if ord in (1, -1) else (d1, d0)
    sums = E.abs(A).sum(sum_dim, keepdim=True)
    out = R.amax(sums, red_dim, keepdim=True) if ord > 0 else R.amin(sums, red_dim, keepdim=True)
    return out if keepdim else _squeeze_dims(out, (d0, d1))


def _squeeze_dims(t, dims):
    for d in sorted(dims, reverse=True):
        t = t.squeeze(d)
    return t


def linalg_norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """torch.linalg.norm: a vector norm over one dim (or the whole input flattened when
    ord and dim are None), a matrix norm over two dims (or a 2-D input)."""
    fn = "linalg.norm"
    check_tensor(A, fn, "A")
    if isinstance(dim, (int, np.integer)):
        dim = (int(dim),)
    if dim is not None:
        dim = tuple(dim)
        if len(dim) == 1:
            if isinstance(ord, str):
                raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {dim[0]}")
            return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
        if len(dim) != 2:
            raise RuntimeError(f"{fn}: If dim is specified, it must be of length 1 or 2. Got "
                               f"{list(dim)}")
        return matrix_norm(A, "fro" if ord is None else ord, dim, keepdim, dtype=dtype)
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    if A.ndim == 1:
        return vector_norm(A, ord, None, keepdim, dtype=dtype)
    if A.ndim == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    raise RuntimeError(f"{fn}: If dim is not specified but ord is, the input must be 1D or "
                       f"2D. Got {A.ndim}D.")


def cond(A, p=None):
    """The condition number ||A|| ||A^{-1}|| in the norm p: for p in (None, 2, -2) the
    ratio of extreme singular values (inf for a singular A), otherwise from the norms."""
    fn = "linalg.cond"
    _check_matrix(A, fn)
    if p in (None, 2, -2):
        s = svdvals(A)
        big, small = R.amax(s, -1), R.amin(s, -1)
        return big / small if p in (None, 2) else small / big
    if A._data.shape[-1] != A._data.shape[-2]:
        raise RuntimeError(f"{fn}: A must be batches of square matrices, but they are "
                           f"{A._data.shape[-2]} by {A._data.shape[-1]} matrices")
    inverse_, info = inv_ex(A)
    out = matrix_norm(A, p) * matrix_norm(inverse_, p)
    if bool((info._data > 0).any()):
        out = E.where(_make(_xp(info._data).asarray(info._data > 0)), math.inf, out)
    return out


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """The diagonal (offset above it for offset > 0) of the matrices over (dim1, dim2),
    as the last dim."""
    check_tensor(A, "linalg.diagonal", "A")
    d1 = _wrap_dim(dim1, A.ndim, "linalg.diagonal")
    d2 = _wrap_dim(dim2, A.ndim, "linalg.diagonal")
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(A, int(offset), d1, d2)


def tensorinv(A, ind=2):
    """The inverse in the tensor-dot sense: tensordot(tensorinv(A, ind), A, ind) is the
    identity over A.shape[ind:], for prod(A.shape[:ind]) == prod(A.shape[ind:])."""
    fn = "linalg.tensorinv"
    check_tensor(A, fn, "A")
    if ind <= 0:
        raise RuntimeError(f"{fn}: Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = A._data.shape[:ind], A._data.shape[ind:]
    p, q = math.prod(rows), math.prod(cols)
    if p != q:
        raise RuntimeError(f"{fn}: Expected self to satisfy the requirement "
                           f"prod(self.shape[ind:]) == prod(self.shape[:ind]), but got {q} != {p}")
    return inv(A.reshape(p, q)).reshape(tuple(cols) + tuple(rows))


def tensorsolve(A, B, dims=None):
    """X with tensordot(A, X, X.ndim) = B: A's dims `dims` are moved to the end first;
    then A is a square matrix of shape (prod(B.shape), prod(A.shape[B.ndim:]))."""
    fn = "linalg.tensorsolve"
    check_tensor(A, fn, "A")
    check_tensor(B, fn, "B")
    if dims is not None:
        dims = [_wrap_dim(d, A.ndim, fn) for d in dims]
        rest = [d for d in range(A.ndim) if d not in dims]
        A = A.permute(rest + dims)
    xshape = tuple(A._data.shape[B.ndim:])
    p, q = B._data.size, math.prod(xshape)
    if tuple(A._data.shape[:B.ndim]) != tuple(B._data.shape) or p != q:
        raise RuntimeError(f"{fn}: Expected self to satisfy the requirement prod(result_shape) "
                           f"== prod(other.shape), but got {q} != {p}")
    return solve(A.reshape(p, q), B.reshape(p)).reshape(xshape)


def lu_factor(A, *, pivot=True):
    """(LU, pivots) with P A = L U packed in LU (L's unit diagonal implied) and LAPACK's
    1-based pivots (int32). A zero on U's diagonal raises."""
    LU, pivots, info = _lu_factor(A, pivot, "torch.linalg.lu_factor")
    xp = _xp(info._data)
    bad = _first_bad(xp, info._data)
    if bad is not None:
        raise RuntimeError(f"torch.linalg.lu_factor: {_batch_prefix_shape(A, bad[0])}"
                           f"U[{bad[1]},{bad[1]}] is zero and using it on lu_solve would result "
                           "in a division by zero. If you still want to perform the "
                           "factorization, consider calling linalg.lu(A, pivot) or "
                           "linalg.lu_factor_ex(A, pivot)")
    return _LinalgLuFactor(LU, pivots)


def lu_factor_ex(A, *, pivot=True, check_errors=False):
    """(LU, pivots, info) as lu_factor, with info the first zero on U's diagonal."""
    LU, pivots, info = _lu_factor(A, pivot, "torch.linalg.lu_factor_ex")
    if check_errors and _first_bad(_xp(info._data), info._data) is not None:
        lu_factor(A, pivot=pivot)
    return _LinalgLuFactorEx(LU, pivots, info)


def _check_pivot(pivot, fn):
    if not pivot:
        raise RuntimeError(f"{fn}: LU without pivoting is not implemented on the CPU")


def _lu_factor(A, pivot, fn):
    """LU packed from the differentiable factors: tril(L, -1) + U (padded to A's shape)."""
    _check_matrix(A, fn)
    _check_pivot(pivot, fn)
    xp = _xp(A._data)
    _, pivots, _, info = _lu_factor_array(xp, A._data)
    P, L, U = LU.apply(A)
    m, n = A._data.shape[-2:]
    lower = S.tril(L, -1)
    if m > n:
        packed = lower + S.cat([U, _zeros(U, tuple(U.shape[:-2]) + (m - n, n))], -2)
    elif m < n:
        packed = U + S.cat([lower, _zeros(lower, tuple(lower.shape[:-2]) + (m, n - m))], -1)
    else:
        packed = lower + U
    return packed, _make(pivots), _make(info)


def linalg_lu(A, *, pivot=True):
    """(P, L, U) with A = P L U: P a permutation, L (m, k) unit lower triangular, U (k, n)
    upper triangular, k = min(m, n)."""
    _check_matrix(A, "linalg.lu")
    _check_pivot(pivot, "linalg.lu")
    return _LinalgLu(*LU.apply(A))



def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    """(P, L, U) from lu_factor's (LU, pivots); an unrequested part is an empty tensor."""
    fn = "torch.lu_unpack"
    check_tensor(LU_data, fn, "LU_data")
    check_tensor(LU_pivots, fn, "LU_pivots")
    if LU_data.ndim < 2:
        raise RuntimeError(f"{fn}: LU_data must have at least 2 dimensions, got {LU_data.ndim}")
    if LU_pivots._data.dtype.kind not in "iu":
        raise RuntimeError(f"{fn}: LU_pivots is expected to be a contiguous tensor of "
                           f"torch.int32 dtype. Got {scalar_type_name(LU_pivots.dtype)}")
    xp = _xp(LU_data._data)
    m, n = LU_data._data.shape[-2:]
    k = min(m, n)
    empty = _make(xp.zeros((0,), dtype=LU_data._data.dtype))
    L = U = P = empty
    if unpack_data:
        L = S.tril(S.narrow(LU_data, -1, 0, k), -1) + _make(xp.eye(m, k, dtype=LU_data._data.dtype))
        U = S.triu(S.narrow(LU_data, -2, 0, k))
    if unpack_pivots:
        perm = _perm_from_pivots(xp, LU_pivots._data, m)
        P = _make(_perm_matrix(xp, perm, LU_data._data.dtype))
    return _LuUnpack(P, L, U)


def linalg_lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    """X with A X = B from A's lu_factor (or A^T X = B with adjoint, X A = B with
    left=False): X = U^{-1} L^{-1} P^T B, two triangular solves."""
    fn = "linalg.lu_solve"
    _check_matrix(LU, fn, square=True, arg="LU")
    check_tensor(B, fn, "B")
    if B.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor B must have at least 2 dimensions.")
    _same_dtype(fn, LU, B, ("LU", "B"))
    n = LU._data.shape[-1]
    if (B._data.shape[-2] if left else B._data.shape[-1]) != n:
        raise RuntimeError(f"{fn}: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and "
                           f"{B._data.shape[-2]}x{B._data.shape[-1]})")
    P, L, U = lu_unpack(LU, pivots)
    if not left:        # X A = B  <=>  A^T X^T = B^T
        return _mT(linalg_lu_solve(LU, pivots, _mT(B), left=True, adjoint=not adjoint))
    if adjoint:         # A^T = U^T L^T P^T:  X = P L^{-T} U^{-T} B
        y = _solve_tri(_mT(U), B, upper=False)
        y = _solve_tri(_mT(L), y, upper=True, unit=True)
        return matmul(P, y)
    y = matmul(_mT(P), B)
    y = _solve_tri(L, y, upper=False, unit=True)
    return _solve_tri(U, y, upper=True)


# ============================================================================ torch.* API
_warned = set()


def _warn_once(key, message):
    if key not in _warned:
        _warned.add(key)
        warnings.warn(message, UserWarning, stacklevel=3)


def inverse(input):
    """torch.inverse: linalg.inv."""
    return inv(input)


def cholesky(input, upper=False):
    """torch.cholesky (deprecated in PyTorch for linalg.cholesky, and warns once)."""
    _warn_once("cholesky", "torch.cholesky is deprecated in favor of torch.linalg.cholesky and "
               "will be removed in a future PyTorch release.\nL = torch.cholesky(A)\nshould be "
               "replaced with\nL = torch.linalg.cholesky(A)\nand\nU = torch.cholesky(A, "
               "upper=True)\nshould be replaced with\nU = torch.linalg.cholesky(A).mH")
    _check_matrix(input, "linalg.cholesky", square=True)
    L = Cholesky.apply(input, "linalg.cholesky")
    return _mT(L) if upper else L


def cholesky_solve(input, input2, upper=False):
    """X with (L L^T) X = input for the Cholesky factor input2 = L (or U = L^T)."""
    fn = "cholesky_solve"
    check_tensor(input, fn, "input")
    _check_matrix(input2, fn, square=True, arg="input2")
    if input.ndim < 2:
        raise RuntimeError(f"{fn}: b should have at least 2 dimensions, but has {input.ndim} "
                           "dimensions instead")
    _same_dtype(fn, input, input2, ("b", "A"))
    if input._data.shape[-2] != input2._data.shape[-1]:
        raise RuntimeError(f"{fn}: Incompatible matrix sizes for cholesky_solve: each A matrix "
                           f"is {input2._data.shape[-1]} by {input2._data.shape[-1]} but each b "
                           f"matrix is {input._data.shape[-2]} by {input._data.shape[-1]}")
    _batch_shape(fn, input._data.shape[:-2], input2._data.shape[:-2])
    return CholeskySolve.apply(input, input2, bool(upper))


def cholesky_inverse(input, upper=False):
    """(L L^T)^{-1} from the Cholesky factor L (or U = L^T with upper)."""
    _check_matrix(input, "cholesky_inverse", square=True)
    return CholeskyInverse.apply(input, bool(upper))


def svd(input, some=True, compute_uv=True):
    """torch.svd: (U, S, V) with A = U diag(S) V^T (V, not Vh). some=False gives the full
    U and V; compute_uv=False gives zero-filled U (m x m) and V (n x n)."""
    _check_matrix(input, "linalg.svd")
    if not compute_uv:
        xp = _xp(input._data)
        m, n = input._data.shape[-2:]
        batch = tuple(input._data.shape[:-2])
        zu = _make(xp.zeros(batch + (m, m), dtype=input._data.dtype))
        zv = _make(xp.zeros(batch + (n, n), dtype=input._data.dtype))
        return _Svd(zu, svdvals(input), zv)
    u, s, vh = SVD.apply(input, not some)
    return _Svd(u, s, _mT(vh))


def qr(input, some=True):
    """torch.qr (deprecated in PyTorch, warns once): linalg.qr with mode 'reduced' (some)
    or 'complete'."""
    _warn_once("qr", "torch.qr is deprecated in favor of torch.linalg.qr and will be removed in "
               "a future PyTorch release.\nThe boolean parameter 'some' has been replaced with a "
               "string parameter 'mode'.\nQ, R = torch.qr(A, some)\nshould be replaced with\n"
               "Q, R = torch.linalg.qr(A, 'reduced' if some else 'complete')")
    _check_matrix(input, "linalg.qr")
    return _Qr(*QR.apply(input, "reduced" if some else "complete"))


def lu(A, pivot=True, get_infos=False):
    """torch.lu (deprecated in PyTorch, warns once): (LU, pivots) or, with get_infos,
    (LU, pivots, info)."""
    _warn_once("lu", "torch.lu is deprecated in favor of torch.linalg.lu_factor / "
               "torch.linalg.lu_factor_ex and will be removed in a future PyTorch release.\n"
               "LU, pivots = torch.lu(A, compute_pivots)\nshould be replaced with\nLU, pivots = "
               "torch.linalg.lu_factor(A, compute_pivots)\nand\nLU, pivots, info = torch.lu(A, "
               "compute_pivots, get_infos=True)\nshould be replaced with\nLU, pivots, info = "
               "torch.linalg.lu_factor_ex(A, compute_pivots)")
    LU_, pivots, info = _lu_factor(A, pivot, "torch.lu")
    if get_infos:
        return _LuWithInfo(LU_, pivots, info)
    return LU_, pivots      # a singular A is factored all the same, as in PyTorch


def lu_solve(b, LU_data, LU_pivots):
    """torch.lu_solve(b, LU, pivots) (deprecated in PyTorch, warns once):
    linalg.lu_solve(LU, pivots, b)."""
    _warn_once("lu_solve", "torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand "
               "will be removed in a future PyTorch release.\nNote that torch.linalg.lu_solve has "
               "its arguments reversed.\nX = torch.lu_solve(B, LU, pivots)\nshould be replaced "
               "with\nX = torch.linalg.lu_solve(LU, pivots, B)")
    return linalg_lu_solve(LU_data, LU_pivots, b)


def triangular_solve(b, A, upper=True, transpose=False, unitriangular=False):
    """torch.triangular_solve (deprecated in PyTorch): (X, A.clone()) with A X = b, or
    A^T X = b with transpose."""
    fn = "triangular_solve"
    _warn_once("triangular_solve", "torch.triangular_solve is deprecated in favor of "
               "torch.linalg.solve_triangularand will be removed in a future PyTorch release.\n"
               "torch.linalg.solve_triangular has its arguments reversed and does not return a "
               "copy of one of the inputs.\nX = torch.triangular_solve(B, A).solution\nshould "
               "be replaced with\nX = torch.linalg.solve_triangular(A, B).")
    _check_matrix(A, fn, square=True, arg="A")
    check_tensor(b, fn, "b")
    if b.ndim < 2:
        raise RuntimeError(f"{fn}: torch.triangular_solve: Expected b to have at least 2 "
                           f"dimensions, but it has {b.ndim} dimensions instead")
    _same_dtype(fn, b, A, ("b", "A"))
    if transpose:
        x = _solve_tri(_mT(A), b, not upper, unit=bool(unitriangular))
    else:
        x = _solve_tri(A, b, bool(upper), unit=bool(unitriangular))
    return _TriangularSolve(x, A.clone())


def nuclear_norm(input, dim=None, keepdim=False):
    """The sum of singular values over the two dims `dim` (the last two by default)."""
    if isinstance(dim, bool):
        dim, keepdim = None, dim
    return matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim)


def frobenius_norm(input, dim=(-2, -1), keepdim=False):
    """sqrt(sum of squares) over dims (deprecated in PyTorch for linalg.matrix_norm)."""
    return vector_norm(input, 2, dim, keepdim)


def svd_lowrank(A, q=6, niter=2, M=None):
    """(U, S, V) of rank q approximating A - M. PyTorch draws a randomized range finder
    (Halko et al.); minitorch returns the exact truncated SVD, which that method
    approximates (so `niter` is not needed): U (m, q), S (q,), V (n, q)."""
    check_tensor(A, "svd_lowrank", "A")
    if M is not None:
        A = A - M
    k = min(A._data.shape[-2:])
    q = k if q is None else min(int(q), k)
    u, s, vh = SVD.apply(A, False)
    return (S.narrow(u, -1, 0, q), S.narrow(s, -1, 0, q), _mT(S.narrow(vh, -2, 0, q)))


def pca_lowrank(A, q=None, center=True, niter=2):
    """(U, S, V) of the principal components of the rows of A (columns centered first
    when center): svd_lowrank with q = min(6, m, n) by default."""
    check_tensor(A, "pca_lowrank", "A")
    if q is None:
        q = min(6, *A._data.shape[-2:])
    if center:
        A = A - A.mean(-2, keepdim=True)
    return svd_lowrank(A, q, niter)


TENSOR_METHODS = {
    "det": det, "logdet": logdet, "slogdet": slogdet, "inverse": inverse,
    "pinverse": pinverse, "cholesky": cholesky, "cholesky_solve": cholesky_solve,
    "cholesky_inverse": cholesky_inverse, "svd": svd, "qr": qr, "lu": lu,
    "lu_solve": lu_solve, "matrix_power": matrix_power, "matrix_exp": matrix_exp,
    "triangular_solve": triangular_solve,
}
