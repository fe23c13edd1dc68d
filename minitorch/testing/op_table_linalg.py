"""Op-table entries: linear algebra (functional/linalg.py, decomposition.py, minitorch.linalg).

Each entry is checked like the rest of the table (tests/test_ops.py): forward and backward
against PyTorch in float64 and float32, non-contiguous inputs, gradcheck and gradgradcheck.
"""
from __future__ import annotations

import numpy as np  # noqa: F401

from .op_table import (add, _spec, _assign, F, I, B, Arg, normal, uniform, positive,  # noqa: F401
                       away_from, distinct, with_zeros, S34, S234)


# ------------------------------------------------------------------------------ samplers
def wellcond(rng, shape):
    """Square matrices N(0, 1) + 3 I: far from singular, diagonal of either sign unlikely
    near zero (also a good triangular factor)."""
    return rng.standard_normal(shape) + 3.0 * np.eye(shape[-1])


def _spd(lib, a):
    """A symmetric positive-definite matrix built from any square a (so that gradcheck's
    perturbations of single entries stay symmetric): a a^T + n I."""
    n = a.shape[-1]
    return a @ a.mT + n * lib.eye(n, dtype=a.dtype)


def _sym(lib, a):
    return a + a.mT


def _fix_cols(u):
    """Columns of u with the sign that makes the first row positive (the gauge-invariant
    view of eigenvectors / singular vectors)."""
    return u * u[..., :1, :].sign()


def _svd_fixed(u, s, vh):
    sign = u[..., :1, :].sign()
    return u * sign, s, vh * sign.mT


DEC = dict(family="linalg", tol32=(1e-3, 1e-4))

# ------------------------------------------------------------------------------ products
add(
    _spec("mv", lambda lib, a, v: lib.mv(a, v), F(S34), F((4,)), family="linalg"),
    _spec("mv_method", lambda lib, a, v: a.mv(v), F(S34), F((4,)), family="linalg"),
    _spec("addmm", lambda lib, c, a, b: lib.addmm(c, a, b), F((2, 3)), F((2, 4)), F((4, 3)),
          family="linalg"),
    _spec("addmm_beta_alpha", lambda lib, c, a, b: lib.addmm(c, a, b, beta=0.5, alpha=-2.0),
          F((3,)), F((2, 4)), F((4, 3)), family="linalg"),
    _spec("addmm_method", lambda lib, c, a, b: c.addmm(a, b, alpha=3), F((2, 3)), F((2, 4)),
          F((4, 3)), family="linalg"),
    _spec("addmv", lambda lib, c, a, v: lib.addmv(c, a, v, beta=2.0, alpha=0.5), F((3,)),
          F(S34), F((4,)), family="linalg"),
    _spec("addbmm", lambda lib, c, a, b: lib.addbmm(c, a, b, beta=-1.0), F((3, 2)),
          F(S234), F((2, 4, 2)), family="linalg"),
    _spec("baddbmm", lambda lib, c, a, b: lib.baddbmm(c, a, b, alpha=1.5), F((1, 3, 2)),
          F(S234), F((2, 4, 2)), family="linalg"),
    _spec("addr", lambda lib, c, a, b: lib.addr(c, a, b, beta=0.5, alpha=2), F(S34),
          F((3,)), F((4,)), family="linalg"),
    _spec("ger", lambda lib, a, b: lib.ger(a, b), F((3,)), F((4,)), family="linalg"),
    _spec("vdot", lambda lib, a, b: lib.vdot(a, b), F((5,)), F((5,)), family="linalg"),
    _spec("tensordot_int", lambda lib, a, b: lib.tensordot(a, b, dims=2), F(S234),
          F((3, 4, 5)), family="linalg"),
    _spec("tensordot_lists", lambda lib, a, b: lib.tensordot(a, b, dims=([0, 2], [1, 0])),
          F(S234), F((4, 2, 3)), family="linalg"),
    _spec("inner", lambda lib, a, b: lib.inner(a, b), F(S234), F((5, 4)), family="linalg"),
    _spec("kron", lambda lib, a, b: lib.kron(a, b), F((2, 3)), F((3, 1, 2)), family="linalg"),
    _spec("chain_matmul_multi_dot", lambda lib, a, b, c: lib.linalg.multi_dot([a, b, c]),
          F((3,)), F(S34), F((4,)), family="linalg"),
    _spec("multi_dot_matrices", lambda lib, a, b, c: lib.linalg.multi_dot([a, b, c]),
          F((2, 3)), F(S34), F((4, 2)), family="linalg"),
    _spec("linalg_vecdot", lambda lib, a, b: lib.linalg.vecdot(a, b, dim=1), F(S234),
          F((3, 1)), family="linalg"),
    _spec("linalg_cross", lambda lib, a, b: lib.linalg.cross(a, b), F((2, 4, 3)), F((1, 4, 3)),
          family="linalg"),
    _spec("cross_dim", lambda lib, a, b: lib.cross(a, b, dim=0), F((3, 4)), F((3, 4)),
          family="linalg"),
    _spec("cross_method", lambda lib, a, b: a.cross(b, dim=1), F((2, 3)), F((2, 3)),
          family="linalg"),
    _spec("linalg_vander", lambda lib, x: lib.linalg.vander(x, N=4), F((2, 3)), family="linalg"),
    # torch.vander's own backward fails (an in-place op in its autograd graph): values only
    _spec("vander", lambda lib, x: lib.vander(x, 3), F((4,)), family="linalg",
          differentiable=False),
    _spec("vander_increasing", lambda lib, x: lib.vander(x, increasing=True), F((3,)),
          family="linalg", differentiable=False),
)

# ------------------------------------------------------------------------------ norms
add(
    _spec("vector_norm", lambda lib, a: lib.linalg.vector_norm(a), F(S234), family="linalg"),
    _spec("vector_norm_dim", lambda lib, a: lib.linalg.vector_norm(a, 2, dim=(0, 2),
                                                                   keepdim=True),
          F(S234), family="linalg"),
    _spec("vector_norm_1", lambda lib, a: lib.linalg.vector_norm(a, 1, dim=-1),
          F(S34, away_from(0.0)), family="linalg"),
    _spec("vector_norm_inf", lambda lib, a: lib.linalg.vector_norm(a, float("inf"), dim=0),
          F(S34, distinct), family="linalg"),
    _spec("vector_norm_neg_inf", lambda lib, a: lib.linalg.vector_norm(a, -float("inf")),
          F(S34, distinct), family="linalg"),
    _spec("vector_norm_3", lambda lib, a: lib.linalg.vector_norm(a, 3, dim=1), F(S34),
          family="linalg"),
    _spec("vector_norm_1_5", lambda lib, a: lib.linalg.vector_norm(a, 1.5, dim=1),
          F(S34, away_from(0.0)), family="linalg"),
    _spec("vector_norm_0_5", lambda lib, a: lib.linalg.vector_norm(a, 0.5, dim=1),
          F(S34, away_from(0.0)), family="linalg"),
    _spec("vector_norm_0", lambda lib, a: lib.linalg.vector_norm(a, 0, dim=1),
          F(S34, with_zeros), family="linalg", differentiable=False),
    _spec("vector_norm_dtype", lambda lib, a: lib.linalg.vector_norm(a, dtype=lib.float64),
          F(S34), family="linalg", keeps_dtype=False),
    _spec("linalg_norm_default", lambda lib, a: lib.linalg.norm(a), F(S234), family="linalg"),
    _spec("linalg_norm_vec", lambda lib, a: lib.linalg.norm(a, 3), F((5,)), family="linalg"),
    _spec("linalg_norm_dim", lambda lib, a: lib.linalg.norm(a, dim=1), F(S234), family="linalg"),
    _spec("linalg_norm_fro", lambda lib, a: lib.linalg.norm(a, "fro", dim=(0, 2)), F(S234),
          family="linalg"),
    _spec("linalg_norm_nuc", lambda lib, a: lib.linalg.norm(a, "nuc"), F(S34), **DEC),
    _spec("matrix_norm_fro", lambda lib, a: lib.linalg.matrix_norm(a), F(S234), family="linalg"),
    _spec("matrix_norm_nuc_keepdim", lambda lib, a: lib.linalg.matrix_norm(a, "nuc",
                                                                          keepdim=True),
          F(S234), **DEC),
    _spec("matrix_norm_2", lambda lib, a: lib.linalg.matrix_norm(a, 2), F(S234), **DEC),
    _spec("matrix_norm_neg2", lambda lib, a: lib.linalg.matrix_norm(a, -2), F(S234), **DEC),
    _spec("matrix_norm_1", lambda lib, a: lib.linalg.matrix_norm(a, 1, dim=(2, 0)),
          F(S234, away_from(0.0)), family="linalg"),
    _spec("matrix_norm_inf", lambda lib, a: lib.linalg.matrix_norm(a, float("inf")),
          F(S234, away_from(0.0)), family="linalg"),
    _spec("matrix_norm_neg1", lambda lib, a: lib.linalg.matrix_norm(a, -1, keepdim=True),
          F(S34, away_from(0.0)), family="linalg"),
    _spec("dist", lambda lib, a, b: lib.dist(a, b), F(S34), F((4,)), family="linalg"),
    _spec("dist_p3", lambda lib, a, b: a.dist(b, 3), F(S34), F(S34), family="linalg"),
    _spec("cdist", lambda lib, a, b: lib.cdist(a, b), F((2, 3, 4)), F((2, 5, 4)),
          family="linalg"),
    _spec("cdist_mm", lambda lib, a, b: lib.cdist(a, b, compute_mode="use_mm_for_euclid_dist"),
          F((3, 4)), F((5, 4)), family="linalg", tol32=(1e-3, 1e-4)),
    _spec("cdist_p1", lambda lib, a, b: lib.cdist(a, b, p=1), F((3, 2)), F((4, 2)),
          family="linalg", fixed=lambda rng: [rng.uniform(0, 1, (3, 2)),
                                              rng.uniform(2, 3, (4, 2))]),
    _spec("cdist_p3_broadcast", lambda lib, a, b: lib.cdist(a, b, p=3), F((2, 3, 2)),
          F((4, 2)), family="linalg"),
    _spec("nuclear_norm", lambda lib, a: lib.nuclear_norm(a), F(S34), **DEC),
)

# ------------------------------------------------------------------------------ inverses
add(
    _spec("linalg_inv", lambda lib, a: lib.linalg.inv(a), F((2, 3, 3), wellcond), **DEC),
    _spec("inverse_method", lambda lib, a: a.inverse(), F((3, 3), wellcond), **DEC),
    _spec("linalg_det", lambda lib, a: lib.linalg.det(a), F((2, 3, 3), wellcond), **DEC),
    _spec("det_method", lambda lib, a: a.det(), F((4, 4)), **DEC),
    _spec("det_singular", lambda lib, a, b: lib.det(a @ b), F((3, 2)), F((2, 3)), **DEC,
          gradgrad=False),
    _spec("logdet", lambda lib, a: lib.logdet(_spd(lib, a)), F((2, 3, 3)), **DEC),
    _spec("linalg_slogdet", lambda lib, a: lib.linalg.slogdet(a), F((2, 3, 3), wellcond), **DEC),
    _spec("slogdet_method", lambda lib, a: a.slogdet(), F((3, 3)), **DEC),
    _spec("linalg_solve", lambda lib, a, b: lib.linalg.solve(a, b), F((2, 3, 3), wellcond),
          F((2, 3, 2)), **DEC),
    _spec("linalg_solve_vector", lambda lib, a, b: lib.linalg.solve(a, b),
          F((2, 3, 3), wellcond), F((2, 3)), **DEC),
    _spec("linalg_solve_broadcast", lambda lib, a, b: lib.linalg.solve(a, b),
          F((3, 3), wellcond), F((2, 3, 4)), **DEC),
    _spec("linalg_solve_right", lambda lib, a, b: lib.linalg.solve(a, b, left=False),
          F((2, 3, 3), wellcond), F((1, 4, 3)), **DEC),
    _spec("solve_triangular_upper", lambda lib, a, b: lib.linalg.solve_triangular(a, b, upper=True),
          F((2, 3, 3), wellcond), F((2, 3, 2)), **DEC),
    _spec("solve_triangular_lower_right",
          lambda lib, a, b: lib.linalg.solve_triangular(a, b, upper=False, left=False),
          F((3, 3), wellcond), F((2, 4, 3)), **DEC),
    _spec("solve_triangular_unit",
          lambda lib, a, b: lib.linalg.solve_triangular(a, b, upper=False, unitriangular=True),
          F((3, 3), wellcond), F((3, 2)), **DEC),
    _spec("triangular_solve", lambda lib, b, a: lib.triangular_solve(b, a, upper=False,
                                                                    transpose=True),
          F((3, 2)), F((3, 3), wellcond), **DEC),
    _spec("pinv", lambda lib, a: lib.linalg.pinv(a), F((2, 4, 3)), **DEC),
    _spec("pinv_wide", lambda lib, a: lib.linalg.pinv(a), F((3, 5)), **DEC),
    _spec("pinv_hermitian", lambda lib, a: lib.linalg.pinv(_spd(lib, a), hermitian=True),
          F((3, 3)), **DEC),
    _spec("pinverse", lambda lib, a: a.pinverse(), F((4, 2)), **DEC),
    _spec("lstsq", lambda lib, a, b: lib.linalg.lstsq(a, b).solution, F((2, 5, 3)),
          F((2, 5, 2)), **DEC),
    _spec("lstsq_gelsd", lambda lib, a, b: lib.linalg.lstsq(a, b, driver="gelsd")[:2],
          F((5, 3)), F((5, 2)), **DEC),
    _spec("matrix_power_3", lambda lib, a: lib.linalg.matrix_power(a, 3), F((2, 3, 3)),
          family="linalg"),
    _spec("matrix_power_neg2", lambda lib, a: a.matrix_power(-2), F((3, 3), wellcond), **DEC),
    _spec("matrix_exp", lambda lib, a: lib.linalg.matrix_exp(a), F((2, 3, 3)), **DEC),
    _spec("matrix_exp_method", lambda lib, a: (a * 3).matrix_exp(), F((3, 3)), **DEC),
    _spec("tensorinv", lambda lib, a: lib.linalg.tensorinv(a, ind=1), F((4, 2, 2)),
          fixed=lambda rng: [rng.standard_normal((4, 2, 2)) + 3 * np.eye(4).reshape(4, 2, 2)],
          **DEC),
    _spec("tensorsolve", lambda lib, a, b: lib.linalg.tensorsolve(a, b), F((2, 3, 6)),
          F((2, 3)), fixed=lambda rng: [rng.standard_normal((2, 3, 6)) +
                                        3 * np.eye(6).reshape(2, 3, 6),
                                        rng.standard_normal((2, 3))], **DEC),
    _spec("cond", lambda lib, a: lib.linalg.cond(a), F((2, 3, 3)), **DEC),
    # torch's backward of cond(A, 'fro') fails (an in-place op on inv_ex's output): values only
    _spec("cond_fro", lambda lib, a: lib.linalg.cond(a, "fro"), F((3, 3), wellcond),
          family="linalg", differentiable=False),
    _spec("linalg_diagonal", lambda lib, a: lib.linalg.diagonal(a, offset=1, dim1=0, dim2=2),
          F(S234), family="linalg"),
)

# ------------------------------------------------------------------------------ decompositions
add(
    _spec("linalg_cholesky", lambda lib, a: lib.linalg.cholesky(_spd(lib, a)), F((2, 3, 3)),
          **DEC),
    _spec("linalg_cholesky_upper", lambda lib, a: lib.linalg.cholesky(_spd(lib, a), upper=True),
          F((3, 3)), **DEC),
    _spec("cholesky_method", lambda lib, a: _spd(lib, a).cholesky(), F((3, 3)), **DEC),
    # PyTorch's gradient for the factor is not projected on its triangle: the factor is
    # made triangular inside fn (as PyTorch's OpInfo gradcheck wrapper does)
    _spec("cholesky_solve", lambda lib, b, l: lib.cholesky_solve(b, l.tril()), F((2, 3, 2)),
          F((3, 3), wellcond), **DEC),
    _spec("cholesky_solve_upper", lambda lib, b, u: lib.cholesky_solve(b, u.triu(), upper=True),
          F((3, 2)), F((2, 3, 3), wellcond), **DEC),
    _spec("cholesky_inverse", lambda lib, l: lib.cholesky_inverse(l.tril()),
          F((3, 3), wellcond), **DEC),
    _spec("cholesky_inverse_upper", lambda lib, u: lib.cholesky_inverse(u.triu(), upper=True),
          F((3, 3), wellcond), **DEC),
    _spec("linalg_qr_tall", lambda lib, a: lib.linalg.qr(a), F((2, 4, 3)), **DEC),
    _spec("linalg_qr_wide", lambda lib, a: lib.linalg.qr(a), F((3, 5)), **DEC),
    _spec("linalg_qr_complete_square", lambda lib, a: lib.linalg.qr(a, mode="complete"),
          F((3, 3)), **DEC),
    _spec("qr_method", lambda lib, a: a.qr(), F((4, 2)), **DEC),
    _spec("linalg_eigh", lambda lib, a: (lambda w, v: (w, _fix_cols(v)))(
        *lib.linalg.eigh(_sym(lib, a))), F((2, 3, 3)), **DEC),
    _spec("linalg_eigh_upper", lambda lib, a: (lambda w, v: (w, _fix_cols(v)))(
        *lib.linalg.eigh(_sym(lib, a), UPLO="U")), F((4, 4)), **DEC),
    _spec("eigvalsh", lambda lib, a: lib.linalg.eigvalsh(_sym(lib, a)), F((2, 4, 4)), **DEC),
    _spec("linalg_svd_tall", lambda lib, a: _svd_fixed(*lib.linalg.svd(a, full_matrices=False)),
          F((2, 4, 3)), **DEC),
    _spec("linalg_svd_wide", lambda lib, a: _svd_fixed(*lib.linalg.svd(a, full_matrices=False)),
          F((3, 5)), **DEC),
    _spec("linalg_svd_square_full", lambda lib, a: _svd_fixed(*lib.linalg.svd(a)),
          F((3, 3)), **DEC),
    _spec("svd_torch", lambda lib, a: (lambda u, s, v: _svd_fixed(u, s, v.mT))(*lib.svd(a)),
          F((4, 3)), **DEC),
    _spec("svdvals", lambda lib, a: lib.linalg.svdvals(a), F((2, 3, 5)), **DEC),
    # PyTorch's randomized range finder is exact when q is the full rank
    _spec("pca_lowrank", lambda lib, a: (lambda u, s, v: _svd_fixed(u, s, v.mT))(
        *lib.pca_lowrank(a, q=3)), F((6, 3)), **DEC),
    # (P, the permutation, is compared in tests/test_linalg_extra.py: gradcheck pairs
    # upstream gradients with differentiable outputs only)
    _spec("linalg_lu_square", lambda lib, a: lib.linalg.lu(a)[1:], F((2, 3, 3)), **DEC),
    _spec("linalg_lu_tall", lambda lib, a: lib.linalg.lu(a)[1:], F((4, 2)), **DEC),
    _spec("linalg_lu_wide", lambda lib, a: lib.linalg.lu(a)[1:], F((2, 2, 4)), **DEC),
    _spec("lu_factor", lambda lib, a: lib.linalg.lu_factor(a).LU, F((2, 3, 3)), **DEC),
    _spec("lu_factor_tall", lambda lib, a: lib.linalg.lu_factor(a).LU, F((4, 3)), **DEC),
    _spec("lu_solve", lambda lib, a, b: lib.linalg.lu_solve(*lib.linalg.lu_factor(a), b),
          F((2, 3, 3), wellcond), F((2, 3, 2)), **DEC),
    _spec("lu_solve_adjoint", lambda lib, a, b: lib.linalg.lu_solve(*lib.linalg.lu_factor(a), b,
                                                                    adjoint=True),
          F((3, 3), wellcond), F((3, 2)), **DEC),
    _spec("lu_solve_right", lambda lib, a, b: lib.linalg.lu_solve(*lib.linalg.lu_factor(a), b,
                                                                  left=False),
          F((3, 3), wellcond), F((2, 3)), **DEC),
    _spec("torch_lu_solve", lambda lib, a, b: lib.lu_solve(b, *lib.linalg.lu_factor(a)),
          F((3, 3), wellcond), F((3, 1)), **DEC),
)
