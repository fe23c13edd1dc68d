"""A Laplace approximation and a linearised-network analysis built on
torch.autograd.functional: a logistic-regression MAP found with LBFGS(line_search_fn=
"strong_wolfe"), the Hessian of the negative log posterior by hessian(fn, w) against the
closed form X^T diag(p(1-p)) X + I/prior_var, the posterior covariance by
torch.linalg.inv/cholesky, the probit-approximated predictive; then a small MLP whose
parameters are flattened with parameters_to_vector and put back with vector_to_parameters /
torch.func.functional_call, the Jacobian of its outputs with respect to all parameters
(jacobian with vectorize=True, and strategy="forward-mode"), the Gauss-Newton matrix J^T J,
the exact loss Hessian's top eigenvalues by torch.linalg.eigvalsh (sharpness), hessian of a
two-input function (a tuple of tuples), and create_graph=True for a gradient of a Jacobian
entry. Float64 and seeded NumPy throughout, so figures agree tightly."""
import json
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd.functional import hessian, jacobian
from torch.func import functional_call
from torch.nn.utils import parameters_to_vector, vector_to_parameters

COMPARE = {"w_map": ("abs", 1e-5), "hess_vs_closed": ("abs", 1e-9), "post_std": ("rel", 1e-5),
           "predictive": ("abs", 1e-6), "jac_shape": ("exact", None), "jac_fwd_vs_rev": ("abs", 1e-10),
           "jac_vs_loop": ("abs", 1e-10), "ggn_trace": ("rel", 1e-8), "top_eigs": ("rel", 1e-7),
           "pair_hessian": ("abs", 1e-10), "create_graph": ("abs", 1e-10), "roundtrip": ("exact", None),
           "n_params": ("exact", None)}

torch.set_default_dtype(torch.float64)
torch.manual_seed(0)
rng = np.random.default_rng(0)
n, d = 120, 3
X = torch.from_numpy(rng.standard_normal((n, d)))
X = torch.cat([X, torch.ones(n, 1)], dim=1)
w_true = torch.tensor([1.5, -2.0, 0.5, 0.3])
y = torch.from_numpy((rng.random(n) < torch.sigmoid(X @ w_true).numpy()).astype(np.float64))
prior_var = 4.0


def neg_log_posterior(w):
    return F.binary_cross_entropy_with_logits(X @ w, y, reduction="sum") + 0.5 * (w ** 2).sum() / prior_var


w = torch.zeros(d + 1, requires_grad=True)
opt = torch.optim.LBFGS([w], lr=1, max_iter=100, tolerance_grad=1e-12, tolerance_change=1e-14,
                        line_search_fn="strong_wolfe")


def closure():
    opt.zero_grad()
    loss = neg_log_posterior(w)
    loss.backward()
    return loss


opt.step(closure)
w_map = w.detach()
H = hessian(neg_log_posterior, w_map)
p = torch.sigmoid(X @ w_map)
H_closed = X.T @ torch.diag(p * (1 - p)) @ X + torch.eye(d + 1) / prior_var
cov = torch.linalg.inv(H)
L = torch.linalg.cholesky(cov)
x_new = torch.tensor([[0.5, 0.5, -1.0, 1.0], [2.0, 0.0, 0.0, 1.0], [-1.0, 1.0, 1.0, 1.0]])
mu_a = x_new @ w_map
var_a = ((x_new @ L) ** 2).sum(1)
predictive = torch.sigmoid(mu_a / torch.sqrt(1 + math.pi * var_a / 8))   # probit approximation

# a small MLP, analysed as a function of its flat parameter vector
net = nn.Sequential(nn.Linear(2, 6), nn.Tanh(), nn.Linear(6, 1))
with torch.no_grad():
    for _, prm in sorted(net.named_parameters()):
        prm.copy_(torch.from_numpy(0.7 * rng.standard_normal(prm.shape)))
Xs = torch.from_numpy(rng.standard_normal((10, 2)))
ys = torch.sin(Xs[:, :1] * 2)
theta = parameters_to_vector(net.parameters()).detach()
shapes = [(name, prm.shape) for name, prm in net.named_parameters()]


def unflatten(vec):
    out, i = {}, 0
    for name, shape in shapes:
        k = math.prod(shape)
        out[name] = vec[i:i + k].view(shape)
        i += k
    return out


def outputs(vec):
    return functional_call(net, unflatten(vec), (Xs,)).squeeze(-1)


def loss_of(vec):
    return 0.5 * ((functional_call(net, unflatten(vec), (Xs,)) - ys) ** 2).sum()


J = jacobian(outputs, theta, vectorize=True)
J_fwd = jacobian(outputs, theta, strategy="forward-mode", vectorize=True)
rows = []
for i in range(len(Xs)):
    net.zero_grad()
    net(Xs[i:i + 1]).sum().backward()
    rows.append(torch.cat([prm.grad.flatten() for prm in net.parameters()]))
J_loop = torch.stack(rows)
GGN = J.T @ J
H_loss = hessian(loss_of, theta)
eigs = torch.linalg.eigvalsh(H_loss)
vector_to_parameters(theta * 2, net.parameters())
roundtrip = torch.equal(parameters_to_vector(net.parameters()), theta * 2)
vector_to_parameters(theta, net.parameters())


def pair(a, b):
    return (a ** 2 * b).sum() + (a * b.exp()).sum()


a0, b0 = torch.tensor([1.0, 2.0]), torch.tensor([0.5, -0.5])
Hab = hessian(pair, (a0, b0))
xg = torch.tensor([0.3, -0.7], requires_grad=True)
Jg = jacobian(lambda v: torch.stack([v[0] * v[1] ** 2, torch.sin(v[0])]), xg, create_graph=True)
(dJ,) = torch.autograd.grad(Jg[0, 1], xg)
print(f"MAP {w_map.tolist()}")
print("RESULT " + json.dumps({
    "w_map": w_map.tolist(), "hess_vs_closed": (H - H_closed).abs().max().item(),
    "post_std": torch.sqrt(torch.diagonal(cov)).tolist(), "predictive": predictive.tolist(),
    "jac_shape": [list(J.shape), list(H_loss.shape), list(H.shape)],
    "jac_fwd_vs_rev": (J - J_fwd).abs().max().item(), "jac_vs_loop": (J - J_loop).abs().max().item(),
    "ggn_trace": torch.trace(GGN).item(), "top_eigs": eigs[-3:].tolist(),
    "pair_hessian": [[blk.tolist() for blk in row] for row in Hab],
    "create_graph": [Jg.requires_grad, dJ.tolist()], "roundtrip": roundtrip,
    "n_params": [theta.numel(), len(shapes)]}))
