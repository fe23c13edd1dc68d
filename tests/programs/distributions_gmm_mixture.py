"""Fitting a Gaussian mixture by gradient descent on the negative log-likelihood, the
torch.distributions way: MixtureSameFamily(Categorical(logits=...), Independent(Normal(locs,
scales), 1)) rebuilt from unconstrained nn.Parameters each step (scales via
transform_to(constraints.positive)), Adam on -gmm.log_prob(x).mean(), responsibilities from
component_distribution.log_prob(x.unsqueeze(-2)) plus the mixing log-weights, a
full-covariance mixture with MultivariateNormal(scale_tril=...) components, farthest-point initialisation with torch.cdist, the 1-D
mixture's mean/variance/cdf, and the empirical moments of samples drawn from the fit.
Data and initial parameters come from seeded NumPy, so the fit is compared tightly."""
import json

import numpy as np
import torch
import torch.nn as nn
from torch.distributions import (Categorical, Independent, MixtureSameFamily, MultivariateNormal,
                                 Normal, constraints, transform_to)

COMPARE = {"nll_path": ("rel", 1e-4), "weights": ("abs", 1e-4), "locs": ("abs", 1e-3),
           "resp_acc": ("abs", 0.01), "full_nll": ("rel", 1e-4), "shapes": ("exact", None),
           "mix1d": ("abs", 1e-5), "sample_moments": ("abs", 0.06), "assign_counts": ("exact", None)}

torch.manual_seed(0)
rng = np.random.default_rng(1)
true_locs = np.array([[-3.0, 0.0], [2.0, 2.5], [2.5, -2.0]])
true_scales = np.array([[0.6, 0.8], [0.5, 0.5], [0.9, 0.4]])
labels = rng.choice(3, size=900, p=[0.5, 0.3, 0.2])
data = true_locs[labels] + true_scales[labels] * rng.standard_normal((900, 2))
x = torch.from_numpy(data.astype(np.float32))


class GMM(nn.Module):
    def __init__(self, init_locs):
        super().__init__()
        k, d = init_locs.shape
        self.logits = nn.Parameter(torch.zeros(k))
        self.locs = nn.Parameter(init_locs.clone())
        self.raw_scales = nn.Parameter(torch.zeros(k, d))

    def forward(self):
        scales = transform_to(constraints.positive)(self.raw_scales)
        return MixtureSameFamily(Categorical(logits=self.logits),
                                 Independent(Normal(self.locs, scales), 1))


centers = [x[0]]                                    # farthest-point initialisation
for _ in range(2):
    dist_to_centers = torch.cdist(x, torch.stack(centers)).min(dim=1).values
    centers.append(x[dist_to_centers.argmax()])
gmm = GMM(torch.stack(centers))
optimizer = torch.optim.Adam(gmm.parameters(), lr=0.05)
nll_path = []
for step in range(300):
    loss = -gmm().log_prob(x).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 50 == 0 or step == 299:
        nll_path.append(loss.item())
        print(f"step {step}: nll {loss.item():.4f}")

with torch.no_grad():
    mix = gmm()
    log_joint = mix.component_distribution.log_prob(x.unsqueeze(-2)) + torch.log_softmax(gmm.logits, -1)
    resp = log_joint.softmax(dim=-1)
    assign = resp.argmax(-1)
    order = torch.argsort(gmm.locs[:, 0])            # components sorted by x-coordinate
    remap = torch.empty_like(order)
    remap[order] = torch.arange(3)
    true_order = np.argsort(true_locs[:, 0])
    true_remap = np.empty(3, dtype=np.int64)
    true_remap[true_order] = np.arange(3)
    resp_acc = (remap[assign].numpy() == true_remap[labels]).mean()
    weights = mix.mixture_distribution.probs[order]
    locs = gmm.locs[order]
    samples = mix.sample((40000,))

# full covariance components, parameters fixed from NumPy
L = torch.tensor([[[1.0, 0.0], [0.5, 0.8]], [[0.7, 0.0], [-0.3, 0.4]], [[0.9, 0.0], [0.0, 0.9]]])
full = MixtureSameFamily(Categorical(probs=torch.tensor([0.5, 0.3, 0.2])),
                         MultivariateNormal(torch.from_numpy(true_locs.astype(np.float32)), scale_tril=L))
mix1d = MixtureSameFamily(Categorical(probs=torch.tensor([0.3, 0.7])),
                          Normal(torch.tensor([-1.0, 2.0]), torch.tensor([0.5, 1.0])))
pts = torch.tensor([-1.0, 0.0, 2.5])
print("RESULT " + json.dumps({
    "nll_path": nll_path, "weights": weights.tolist(), "locs": locs.tolist(),
    "resp_acc": float(resp_acc), "full_nll": -full.log_prob(x).mean().item(),
    "shapes": [list(mix.batch_shape), list(mix.event_shape), list(samples.shape),
               list(log_joint.shape), list(full.sample((7,)).shape), list(mix1d.sample((2, 3)).shape)],
    "mix1d": [mix1d.mean.item(), mix1d.variance.item(), mix1d.cdf(pts).tolist(),
              mix1d.log_prob(pts).tolist()],
    "sample_moments": samples.mean(0).tolist() + samples.std(0).tolist(),
    "assign_counts": torch.bincount(remap[assign], minlength=3).tolist()}))
