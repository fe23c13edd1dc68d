"""A VAE written with torch.distributions, as probabilistic-modelling tutorials do: the
encoder returns a Normal(loc, scale) posterior (scale through F.softplus), q.rsample() for the
reparameterised latent, a Bernoulli(logits=...) decoder whose log_prob(x).sum(-1) is the
reconstruction term, kl_divergence(q, p) against a standard Normal prior built with
torch.zeros_like/ones_like, Independent to sum over latent dimensions, and an
importance-weighted log-likelihood estimate with torch.logsumexp over K samples. Beside the
training run (compared by outcome: rsample draws differ), the distribution figures on fixed
inputs are compared tightly: analytic KL against the closed form, log_prob, the
gradients that flow through rsample, and has_rsample flags."""
import json
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Bernoulli, Independent, Normal, kl_divergence
from torch.utils.data import DataLoader, TensorDataset

COMPARE = {"first_epoch": ("rel", 0.03), "final_epoch": ("rel", 0.2), "iwae": ("rel", 0.2),
           "kl_fixed": ("abs", 1e-6), "kl_closed_form": ("abs", 1e-6), "log_prob": ("abs", 1e-6),
           "indep_shapes": ("exact", None), "rsample_grads": ("abs", 1e-6),
           "flags": ("exact", None), "bern_log_prob": ("abs", 1e-5), "moments": ("abs", 1e-6),
           "sample_stats": ("abs", 0.03)}

torch.manual_seed(0)
rng = np.random.default_rng(0)
prototypes = (rng.random((5, 49)) < 0.4).astype(np.float32)
flips = (rng.random((500, 49)) < 0.04).astype(np.float32)
X = torch.from_numpy(np.abs(prototypes[rng.integers(0, 5, size=500)] - flips))
loader = DataLoader(TensorDataset(X), batch_size=50, shuffle=True)


class VAE(nn.Module):
    def __init__(self, d=49, h=32, z=3):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Linear(h, 2 * z))
        self.dec = nn.Sequential(nn.Linear(z, h), nn.ReLU(), nn.Linear(h, d))

    def posterior(self, x):
        loc, raw_scale = self.enc(x).chunk(2, dim=-1)
        return Normal(loc, F.softplus(raw_scale) + 1e-4)

    def likelihood(self, z):
        return Bernoulli(logits=self.dec(z))

    def forward(self, x):
        q = self.posterior(x)
        z = q.rsample()
        prior = Normal(torch.zeros_like(q.loc), torch.ones_like(q.scale))
        recon = self.likelihood(z).log_prob(x).sum(-1)
        kl = kl_divergence(q, prior).sum(-1)
        return -(recon - kl).mean()


model = VAE()
with torch.no_grad():
    for _, p in sorted(model.named_parameters()):
        p.copy_(torch.from_numpy((0.2 * rng.standard_normal(p.shape)).astype(np.float32)))
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
history = []
for epoch in range(10):
    total = 0.0
    for (xb,) in loader:
        loss = model(xb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * xb.size(0)
    history.append(total / len(X))
    print(f"epoch {epoch}: -ELBO {history[-1]:.3f}")


@torch.no_grad()
def iwae_bound(x, K=64):
    q = Independent(model.posterior(x), 1)
    z = q.rsample((K,))                                   # K x B x z
    prior = Independent(Normal(torch.zeros(3), torch.ones(3)), 1)
    log_w = Independent(model.likelihood(z), 1).log_prob(x) + prior.log_prob(z) - q.log_prob(z)
    return (torch.logsumexp(log_w, dim=0) - math.log(K)).mean().item()


iwae = iwae_bound(X[:200])

# fixed figures
loc = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
scale = torch.tensor([0.3, 1.5, 1.0], requires_grad=True)
q = Normal(loc, scale)
p = Normal(torch.tensor([0.0, 0.5, 2.0]), torch.tensor([1.0, 1.0, 0.5]))
kl = kl_divergence(q, p)
closed = (torch.log(p.scale / q.scale) + (q.scale ** 2 + (q.loc - p.loc) ** 2) / (2 * p.scale ** 2) - 0.5)
value = torch.tensor([0.0, 1.0, -0.5])
z = q.rsample((4,))
z.sum().backward()
eps = ((z - loc) / scale).detach()
indep = Independent(q, 1)
bern = Bernoulli(logits=torch.tensor([-2.0, 0.0, 3.0]))
big = Normal(torch.tensor(1.0), torch.tensor(2.0)).sample((50000,))
print(f"IWAE bound {iwae:.3f}")
print("RESULT " + json.dumps({
    "first_epoch": history[0], "final_epoch": history[-1], "iwae": iwae,
    "kl_fixed": kl.tolist(), "kl_closed_form": (kl - closed).abs().max().item(),
    "log_prob": q.log_prob(value).tolist(),
    "indep_shapes": [list(indep.batch_shape), list(indep.event_shape), list(indep.log_prob(value).shape),
                     list(q.rsample((2, 5)).shape), list(kl_divergence(indep, Independent(p, 1)).shape)],
    "rsample_grads": [loc.grad.tolist(), (scale.grad - eps.sum(0)).abs().max().item()],
    "flags": [q.has_rsample, bern.has_rsample, z.requires_grad, q.sample().requires_grad],
    "bern_log_prob": [bern.log_prob(torch.tensor([0.0, 1.0, 1.0])).tolist(), bern.probs.tolist(),
                      bern.entropy().tolist()],
    "moments": [q.mean.tolist(), q.stddev.tolist(), q.variance.tolist(), q.entropy().tolist(),
                q.cdf(value).tolist(), q.icdf(torch.tensor([0.1, 0.5, 0.9])).tolist()],
    "sample_stats": [big.mean().item(), big.std().item()]}))
