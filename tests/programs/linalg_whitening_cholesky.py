"""Data-analysis linear algebra as notebooks write it: PCA whitening and ZCA whitening of
correlated data from torch.linalg.eigh of torch.cov (and the same from torch.linalg.svd),
checked by the whitened covariance being the identity; torch.pca_lowrank's singular values;
torch.corrcoef; batched least squares with torch.linalg.lstsq (several right-hand sides,
driver="gelsd", residuals, rank) for a polynomial fit; and sampling a multivariate normal by
hand with L = torch.linalg.cholesky(Sigma), x = mu + z @ L.T, compared by empirical moments,
plus cholesky_ex's info, cholesky_solve / cholesky_inverse, solve_triangular, the
Mahalanobis distance and the Gaussian log-density from logdet."""
import json
import math

import numpy as np
import torch

COMPARE = {"eigvals": ("rel", 1e-8), "pca_white_cov": ("abs", 1e-8), "zca_white_cov": ("abs", 1e-8),
           "zca_symmetric": ("abs", 1e-8), "svd_vs_eigh": ("abs", 1e-8), "lowrank_s": ("rel", 1e-6),
           "corrcoef": ("abs", 1e-8), "lstsq": ("abs", 1e-7), "lstsq_meta": ("exact", None),
           "chol": ("abs", 1e-8), "sample_mean": ("abs", 0.03), "sample_cov": ("abs", 0.06),
           "chol_ex_info": ("exact", None), "solves": ("abs", 1e-8), "mahalanobis": ("rel", 1e-8),
           "logpdf": ("rel", 1e-8), "float32": ("abs", 2e-4)}

torch.manual_seed(0)
rng = np.random.default_rng(0)
A = rng.standard_normal((5, 5))
true_cov = A @ A.T / 5 + 0.1 * np.eye(5)
X = torch.from_numpy(rng.multivariate_normal(np.arange(5.0), true_cov, size=400))

# PCA / ZCA whitening from the covariance's eigendecomposition
Xc = X - X.mean(dim=0, keepdim=True)
C = torch.cov(Xc.T)
evals, evecs = torch.linalg.eigh(C)
eps = 1e-12
W_pca = torch.diag(1.0 / torch.sqrt(evals + eps)) @ evecs.T
W_zca = evecs @ torch.diag(1.0 / torch.sqrt(evals + eps)) @ evecs.T
X_pca = Xc @ W_pca.T
X_zca = Xc @ W_zca.T
U, S, Vh = torch.linalg.svd(Xc, full_matrices=False)
X_svd_white = U * math.sqrt(len(X) - 1)                    # PCA whitening from the SVD
proj_eig = (Xc @ evecs[:, -1]).abs()
proj_svd = (Xc @ Vh[0]).abs()
U_lr, S_lr, V_lr = torch.pca_lowrank(X, center=True)   # q defaults to min(6, m, n)

# least squares: a cubic fitted to three targets at once
t = torch.linspace(-1, 1, 50, dtype=torch.float64)
design = torch.stack([t ** k for k in range(4)], dim=1)
coef_true = torch.tensor([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5], [0.0, 2.0, 0.3], [-1.5, 0.5, 0.0]],
                         dtype=torch.float64)
noise = torch.from_numpy(0.05 * rng.standard_normal((50, 3)))
Y = design @ coef_true + noise
sol = torch.linalg.lstsq(design, Y, driver="gelsd")
sol_default = torch.linalg.lstsq(design, Y)
batched = torch.linalg.lstsq(design.expand(2, 50, 4), torch.stack([Y, 2 * Y]))

# sampling N(mu, Sigma) by hand
mu = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
Sigma = torch.tensor([[2.0, 0.6, -0.4], [0.6, 1.0, 0.2], [-0.4, 0.2, 0.5]], dtype=torch.float64)
L = torch.linalg.cholesky(Sigma)
z = torch.randn(50000, 3, dtype=torch.float64)
samples = mu + z @ L.T
emp_cov = torch.cov(samples.T)
_, info_ok = torch.linalg.cholesky_ex(Sigma)
_, info_bad = torch.linalg.cholesky_ex(torch.tensor([[1.0, 2.0], [2.0, 1.0]], dtype=torch.float64))
b = torch.tensor([[1.0], [0.0], [2.0]], dtype=torch.float64)
x_cs = torch.cholesky_solve(b, L)
x_tri = torch.linalg.solve_triangular(L.T, torch.linalg.solve_triangular(L, b, upper=False), upper=True)
Sigma_inv = torch.cholesky_inverse(L)
pts = torch.tensor([[1.0, -2.0, 0.5], [2.0, -1.0, 0.0], [0.0, 0.0, 0.0]], dtype=torch.float64)
diff = pts - mu
maha = torch.sqrt((diff @ Sigma_inv * diff).sum(-1))
logpdf = -0.5 * (maha ** 2 + torch.logdet(Sigma) + 3 * math.log(2 * math.pi))

# the same whitening in float32
C32 = torch.cov(Xc.float().T)
e32, v32 = torch.linalg.eigh(C32)
white32 = Xc.float() @ (v32 @ torch.diag(e32.rsqrt()) @ v32.T)
print(f"eigenvalues {evals.tolist()}")
print("RESULT " + json.dumps({
    "eigvals": evals.tolist(),
    "pca_white_cov": (torch.cov(X_pca.T) - torch.eye(5, dtype=X.dtype)).abs().max().item(),
    "zca_white_cov": (torch.cov(X_zca.T) - torch.eye(5, dtype=X.dtype)).abs().max().item(),
    "zca_symmetric": (W_zca - W_zca.T).abs().max().item(),
    "svd_vs_eigh": [(S ** 2 / (len(X) - 1) - evals.flip(0)).abs().max().item(),
                    (proj_eig - proj_svd).abs().max().item(),
                    (torch.cov(X_svd_white.T) - torch.eye(5, dtype=X.dtype)).abs().max().item()],
    "lowrank_s": S_lr.tolist(), "corrcoef": torch.corrcoef(X.T)[0].tolist(),
    "lstsq": [sol.solution.flatten().tolist(), (sol.solution - sol_default.solution).abs().max().item(),
              (batched.solution[1] - 2 * sol_default.solution).abs().max().item()],
    "lstsq_meta": [list(sol.solution.shape), int(sol.rank), list(sol.singular_values.shape),
                   list(batched.solution.shape)],
    "chol": [L.tolist(), (L @ L.T - Sigma).abs().max().item()],
    "sample_mean": samples.mean(0).tolist(), "sample_cov": emp_cov.flatten().tolist(),
    "chol_ex_info": [int(info_ok), int(info_bad)],
    "solves": [x_cs.flatten().tolist(), (x_cs - x_tri).abs().max().item(),
               (Sigma_inv @ Sigma - torch.eye(3, dtype=torch.float64)).abs().max().item()],
    "mahalanobis": maha.tolist(), "logpdf": logpdf.tolist(),
    "float32": [str(white32.dtype), (torch.cov(white32.T) - torch.eye(5)).abs().max().item()]}))
