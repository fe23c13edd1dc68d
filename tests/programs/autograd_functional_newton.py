"""torch.autograd.functional in a small optimisation script: jacobian of a vector field,
hessian of a scalar objective driving Newton's method on a 3-D test function, vjp/jvp/hvp/vhp,
jacobian with create_graph and vectorize, and a Gauss-Newton step for a nonlinear
least-squares curve fit whose Jacobian comes from autograd."""
import json

import numpy as np
import torch
from torch.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp

COMPARE = {"jac": ("rel", 1e-7), "multi_jac_shapes": ("exact", None), "newton_path": ("rel", 1e-6),
           "vjp": ("rel", 1e-7), "jvp": ("rel", 1e-7), "hvp": ("rel", 1e-7),
           "vhp": ("rel", 1e-7), "gn_params": ("rel", 1e-6), "gn_loss": ("rel", 1e-4),
           "jac_requires_grad": ("exact", None)}

torch.set_default_dtype(torch.float64)


def field(x):
    return torch.stack([x[0] ** 2 * x[1], 5 * x[0] + torch.sin(x[1]), x[2] * x[0]])


x0 = torch.tensor([1.0, 2.0, 3.0])
jac = jacobian(field, x0)
multi = jacobian(lambda a, b: (a * b, a.sum() * b), (torch.ones(2), torch.arange(3.0)[:2]))


def objective(x):
    # a smooth bowl with coupling: minimum near (1, 1, 1)
    return (x[0] - 1) ** 4 + (x[0] - x[1]) ** 2 + (x[1] - x[2]) ** 2 + (x[2] - 1) ** 2


x = torch.tensor([3.0, -1.0, 2.0])
path = []
for it in range(8):
    g = jacobian(objective, x)
    H = hessian(objective, x)
    x = x - torch.linalg.solve(H, g)
    path.append(objective(x).item())

u = torch.tensor([0.5, -1.0, 2.0])
_, vjp_val = vjp(field, x0, u)
_, jvp_val = jvp(field, x0, u)
_, hvp_val = hvp(objective, x0, u)
_, vhp_val = vhp(objective, x0, u)

rng = np.random.default_rng(0)
t = torch.linspace(0, 4, 40)
y = 2.0 * torch.exp(-0.7 * t) + 0.3 + 0.01 * torch.from_numpy(rng.standard_normal(40))
theta = torch.tensor([1.0, -0.2, 0.0])
model = lambda th: th[0] * torch.exp(th[1] * t) + th[2]
for it in range(10):
    r = model(theta) - y
    J = jacobian(model, theta)
    theta = theta - torch.linalg.lstsq(J, r.unsqueeze(1)).solution.squeeze(1)
gn_loss = ((model(theta) - y) ** 2).mean().item()

jr = jacobian(lambda a: a ** 3, torch.tensor([1.0, 2.0]), create_graph=True, vectorize=True)
print(f"Newton objective {path}; Gauss-Newton fit {theta.tolist()}")
print("RESULT " + json.dumps({
    "jac": jac.flatten().tolist(), "multi_jac_shapes": [[list(j.shape) for j in row] for row in multi],
    "newton_path": path[:6], "vjp": vjp_val.tolist(), "jvp": jvp_val.tolist(), "hvp": hvp_val.tolist(),
    "vhp": vhp_val.tolist(), "gn_params": theta.tolist(), "gn_loss": gn_loss,
    "jac_requires_grad": [jac.requires_grad, jr.requires_grad]}))
