"""Bayesian linear regression on polynomial features (torch.vander), written with
MultivariateNormal: the conjugate posterior N(m, S) with S = (alpha I + beta Phi^T Phi)^-1,
built both from covariance_matrix and from precision_matrix, the posterior predictive
mean/variance, the log evidence as MultivariateNormal(0, Phi Phi^T / alpha + I / beta).log_prob(y)
maximised over log alpha and log beta with Adam (empirical Bayes), posterior function draws
with rsample, entropy, kl_divergence between two MultivariateNormals, scale_tril from
torch.linalg.cholesky, and a low-rank-plus-diagonal LowRankMultivariateNormal of the same
evidence covariance. Data come from seeded NumPy in float64, so figures agree tightly."""
import json
import math

import numpy as np
import torch
from torch.distributions import LowRankMultivariateNormal, MultivariateNormal, Normal, kl_divergence

COMPARE = {"post_mean": ("abs", 1e-8), "post_cov_diag": ("rel", 1e-8), "same_dist": ("abs", 1e-8),
           "pred": ("abs", 1e-8), "evidence": ("rel", 1e-8), "eb_path": ("rel", 1e-6),
           "eb_hyper": ("rel", 1e-5), "closed_form_evidence": ("abs", 1e-8), "entropy": ("rel", 1e-8),
           "kl": ("rel", 1e-7), "lowrank": ("abs", 1e-8), "draw_stats": ("abs", 0.05),
           "shapes": ("exact", None), "dtype": ("exact", None)}

torch.manual_seed(0)
rng = np.random.default_rng(0)
x_np = np.sort(rng.uniform(-1, 1, 30))
y_np = np.sin(2.5 * x_np) + 0.5 * x_np + 0.15 * rng.standard_normal(30)
x = torch.from_numpy(x_np)
y = torch.from_numpy(y_np)
degree = 5
Phi = torch.vander(x, N=degree + 1, increasing=True)          # 30 x 6, float64


def posterior(alpha, beta):
    precision = alpha * torch.eye(degree + 1, dtype=Phi.dtype) + beta * Phi.T @ Phi
    cov = torch.linalg.inv(precision)
    mean = beta * cov @ Phi.T @ y
    return mean, cov, precision


def evidence_dist(log_alpha, log_beta):
    cov = Phi @ Phi.T / log_alpha.exp() + torch.eye(len(y), dtype=Phi.dtype) / log_beta.exp()
    return MultivariateNormal(torch.zeros(len(y), dtype=Phi.dtype), covariance_matrix=cov)


alpha, beta = 2.0, 25.0
mean, cov, precision = posterior(alpha, beta)
post = MultivariateNormal(mean, covariance_matrix=cov)
post_prec = MultivariateNormal(mean, precision_matrix=precision)
post_tril = MultivariateNormal(mean, scale_tril=torch.linalg.cholesky(cov))
x_test = torch.linspace(-1, 1, 5, dtype=torch.float64)
Phi_test = torch.vander(x_test, N=degree + 1, increasing=True)
pred_mean = Phi_test @ post.mean
pred_var = 1 / beta + (Phi_test @ post.covariance_matrix * Phi_test).sum(-1)

# empirical Bayes: maximise the log evidence over log alpha, log beta
log_alpha = torch.tensor(math.log(1.0), dtype=torch.float64, requires_grad=True)
log_beta = torch.tensor(math.log(10.0), dtype=torch.float64, requires_grad=True)
opt = torch.optim.Adam([log_alpha, log_beta], lr=0.05)
eb_path = []
for step in range(200):
    loss = -evidence_dist(log_alpha, log_beta).log_prob(y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 40 == 0:
        eb_path.append(loss.item())
        print(f"step {step}: -log evidence {loss.item():.4f}")

# the closed-form log evidence (Bishop 3.86) at the same hyperparameters
a, b = log_alpha.detach().exp(), log_beta.detach().exp()
m, S, A = posterior(a, b)
E = b / 2 * ((y - Phi @ m) ** 2).sum() + a / 2 * m @ m
closed = ((degree + 1) / 2 * torch.log(a) + len(y) / 2 * torch.log(b) - E
          - 0.5 * torch.logdet(A) - len(y) / 2 * math.log(2 * math.pi))
ev = evidence_dist(log_alpha.detach(), log_beta.detach()).log_prob(y)

lowrank = LowRankMultivariateNormal(torch.zeros(len(y), dtype=torch.float64),
                                    cov_factor=Phi / math.sqrt(alpha),
                                    cov_diag=torch.full((len(y),), 1 / beta, dtype=torch.float64))
full = evidence_dist(torch.tensor(math.log(alpha), dtype=torch.float64),
                     torch.tensor(math.log(beta), dtype=torch.float64))
draws = post.rsample((20000,))                        # weight vectors
curves = draws @ Phi_test.T
prior = MultivariateNormal(torch.zeros(degree + 1, dtype=torch.float64),
                           covariance_matrix=torch.eye(degree + 1, dtype=torch.float64) / alpha)
print("RESULT " + json.dumps({
    "post_mean": post.mean.tolist(), "post_cov_diag": torch.diagonal(post.covariance_matrix).tolist(),
    "same_dist": [(post.log_prob(draws[:5]) - post_prec.log_prob(draws[:5])).abs().max().item(),
                  (post_tril.covariance_matrix - cov).abs().max().item(),
                  (post_prec.precision_matrix - precision).abs().max().item()],
    "pred": pred_mean.tolist() + pred_var.tolist(), "evidence": ev.item(),
    "eb_path": eb_path, "eb_hyper": [a.item(), b.item()], "closed_form_evidence": (ev - closed).item(),
    "entropy": post.entropy().item(), "kl": [kl_divergence(post, prior).item(), kl_divergence(prior, post).item()],
    "lowrank": [lowrank.log_prob(y).item() - full.log_prob(y).item(), lowrank.log_prob(y).item(),
                (lowrank.covariance_matrix - full.covariance_matrix).abs().max().item()],
    "draw_stats": ((curves.mean(0) - pred_mean).abs().max().item(),
                   (curves.var(0) / (pred_var - 1 / beta)).tolist()),
    "shapes": [list(post.batch_shape), list(post.event_shape), list(draws.shape),
               list(post.log_prob(draws[:3]).shape), list(post.scale_tril.shape),
               list(Normal(pred_mean, pred_var.sqrt()).sample((4,)).shape)],
    "dtype": [str(draws.dtype), str(post.log_prob(y[:6]).dtype)]}))
