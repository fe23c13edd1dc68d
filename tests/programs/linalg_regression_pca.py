"""Closed-form statistics with torch.linalg: ordinary least squares three ways
(linalg.lstsq, the normal equations with linalg.solve, and QR with
solve_triangular), ridge regression with linalg.inv, PCA by linalg.svd of centred data
(explained variance, projection, reconstruction error), linalg.eigh of the covariance,
norms, det/slogdet, pinv, matrix_rank, cholesky and the condition number."""
import json

import numpy as np
import torch

COMPARE = {"ols_lstsq": ("abs", 1e-8), "ols_normal": ("abs", 1e-8), "ols_qr": ("abs", 1e-8),
           "ridge": ("abs", 1e-8), "explained": ("abs", 1e-8), "recon_err": ("rel", 1e-6),
           "eig_top": ("rel", 1e-8), "norms": ("rel", 1e-6), "det": ("rel", 1e-6),
           "pinv_err": ("abs", 1e-8), "rank": ("exact", None), "cond": ("rel", 1e-6),
           "chol_ok": ("exact", None), "float32_fit": ("abs", 1e-4),
           "pca_proj_abs": ("rel", 1e-6)}

rng = np.random.default_rng(0)
n, d = 200, 4
X = torch.from_numpy(rng.standard_normal((n, d)))
true_w = torch.tensor([[1.5], [-2.0], [0.0], [0.7]], dtype=torch.float64)
y = X @ true_w + 3.0 + 0.1 * torch.from_numpy(rng.standard_normal((n, 1)))
A = torch.cat([X, torch.ones(n, 1, dtype=X.dtype)], dim=1)  # add an intercept column

w_lstsq = torch.linalg.lstsq(A, y).solution
w_normal = torch.linalg.solve(A.T @ A, A.T @ y)
Q, R = torch.linalg.qr(A)
w_qr = torch.linalg.solve_triangular(R, Q.T @ y, upper=True)
lam = 10.0
w_ridge = torch.linalg.inv(A.T @ A + lam * torch.eye(d + 1, dtype=A.dtype)) @ A.T @ y

# PCA on correlated data
mix = torch.from_numpy(rng.standard_normal((3, 3)))
Z = torch.from_numpy(rng.standard_normal((300, 3))) @ mix
Zc = Z - Z.mean(dim=0, keepdim=True)
U, S, Vh = torch.linalg.svd(Zc, full_matrices=False)
explained = (S ** 2) / (S ** 2).sum()
k = 2
proj = Zc @ Vh[:k].T
recon = proj @ Vh[:k]
recon_err = torch.linalg.norm(Zc - recon) / torch.linalg.norm(Zc)
cov = Zc.T @ Zc / (Zc.shape[0] - 1)
evals, evecs = torch.linalg.eigh(cov)

M = torch.from_numpy(rng.standard_normal((4, 4)))
spd = M @ M.T + 4 * torch.eye(4, dtype=M.dtype)
L = torch.linalg.cholesky(spd)
sign, logabsdet = torch.linalg.slogdet(M)
norms = [torch.linalg.norm(M).item(), torch.linalg.norm(M, ord=2).item(),
         torch.linalg.norm(M, ord="nuc").item(), torch.linalg.vector_norm(M, ord=1).item(),
         torch.linalg.matrix_norm(M, ord="fro").item(), torch.norm(M[0], p=3).item(),
         torch.linalg.vector_norm(M, ord=float("inf"), dim=1).max().item()]
low_rank = torch.from_numpy(rng.standard_normal((5, 2))) @ torch.from_numpy(rng.standard_normal((2, 6)))
pinv_err = (low_rank @ torch.linalg.pinv(low_rank) @ low_rank - low_rank).abs().max().item()

# the same regression in float32 with torch.linalg.lstsq on float32 inputs
w32 = torch.linalg.lstsq(A.float(), y.float()).solution

print(f"OLS coefficients {[round(v, 3) for v in w_lstsq.flatten().tolist()]}")
print(f"explained variance ratio {explained.tolist()}")
print("RESULT " + json.dumps({
    "ols_lstsq": w_lstsq.flatten().tolist(), "ols_normal": w_normal.flatten().tolist(),
    "ols_qr": w_qr.flatten().tolist(), "ridge": w_ridge.flatten().tolist(),
    "explained": explained.tolist(), "recon_err": recon_err.item(),
    "eig_top": evals[-1].item(), "norms": norms,
    "det": [torch.linalg.det(M).item(), sign.item(), logabsdet.item()],
    "pinv_err": pinv_err, "rank": int(torch.linalg.matrix_rank(low_rank)),
    "cond": torch.linalg.cond(spd).item(),
    "chol_ok": bool(torch.allclose(L @ L.T, spd)),
    "float32_fit": w32.flatten().tolist(),
    "pca_proj_abs": proj.abs().sum(0).tolist()}))
