"""minitorch.linalg: PyTorch's torch.linalg namespace.

Matrix functions take batches `(*, m, n)` and return PyTorch's named tuples. The
implementations live in minitorch/functional/decomposition.py (decompositions, solvers,
matrix norms) and minitorch/functional/linalg.py (products, vector norms, cross); each
is differentiable, twice, where PyTorch's is.

minitorch has no complex dtype, so eig and eigvals return real tensors for matrices whose
eigenvalues are all real, and raise otherwise.
"""
from __future__ import annotations

from .functional import decomposition as _D
from .functional import linalg as _L

LinAlgError = _D.LinAlgError

# products and vector functions
matmul = _L.matmul
multi_dot = _L.multi_dot
vecdot = _L.vecdot
cross = _L.linalg_cross
vector_norm = _L.vector_norm
vander = _L.linalg_vander

# norms
norm = _D.linalg_norm
matrix_norm = _D.matrix_norm
cond = _D.cond
diagonal = _D.diagonal

# inverses, determinants, solvers
inv = _D.inv
inv_ex = _D.inv_ex
det = _D.det
slogdet = _D.linalg_slogdet
solve = _D.solve
solve_ex = _D.solve_ex
solve_triangular = _D.solve_triangular
lstsq = _D.lstsq
pinv = _D.pinv
matrix_rank = _D.matrix_rank
matrix_power = _D.matrix_power
matrix_exp = _D.matrix_exp
tensorinv = _D.tensorinv
tensorsolve = _D.tensorsolve

# decompositions
cholesky = _D.linalg_cholesky
cholesky_ex = _D.cholesky_ex
qr = _D.linalg_qr
eigh = _D.eigh
eigvalsh = _D.eigvalsh
eig = _D.eig
eigvals = _D.eigvals
svd = _D.linalg_svd
svdvals = _D.svdvals
lu = _D.linalg_lu
lu_factor = _D.lu_factor
lu_factor_ex = _D.lu_factor_ex
lu_solve = _D.linalg_lu_solve

__all__ = ["LinAlgError", "matmul", "multi_dot", "vecdot", "cross", "vector_norm", "vander",
           "norm", "matrix_norm", "cond", "diagonal", "inv", "inv_ex", "det", "slogdet",
           "solve", "solve_ex", "solve_triangular", "lstsq", "pinv", "matrix_rank",
           "matrix_power", "matrix_exp", "tensorinv", "tensorsolve", "cholesky", "cholesky_ex",
           "qr", "eigh", "eigvalsh", "eig", "eigvals", "svd", "svdvals", "lu", "lu_factor",
           "lu_factor_ex", "lu_solve"]
