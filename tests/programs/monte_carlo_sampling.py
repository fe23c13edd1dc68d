"""Random sampling as simulation and augmentation code uses it, compared by statistics
(the two libraries draw different numbers): pi by torch.rand, moments of randn /
torch.normal (all overloads) / uniform_ / normal_ / exponential_, bernoulli masks and
F.dropout's 1/(1-p) scaling, multinomial frequencies with and without replacement,
randint/randperm ranges, torch.poisson means, F.gumbel_softmax(hard=True) one-hot rows,
and the same Generator seed reproducing the same draws within a library."""
import json

import torch
import torch.nn.functional as F

COMPARE = {"pi": ("abs", 0.03), "moments": ("abs", 0.03), "normal_overloads": ("abs", 0.05),
           "shapes": ("exact", None), "bernoulli_rate": ("abs", 0.02), "dropout": ("exact", None),
           "dropout_keep": ("abs", 0.02), "multinomial_freq": ("abs", 0.02),
           "no_replacement": ("exact", None), "ranges": ("exact", None), "poisson_mean": ("abs", 0.1),
           "gumbel": ("exact", None), "reproducible": ("exact", None), "dtypes": ("exact", None)}

torch.manual_seed(2024)
N = 200_000
pts = torch.rand(N, 2)
pi = 4 * (pts.pow(2).sum(1) <= 1).float().mean().item()

z = torch.randn(size=(N,))
u = torch.empty(N).uniform_(-2, 2)
nrm = torch.empty(N).normal_(mean=3.0, std=0.5)
ex = torch.empty(N).exponential_(lambd=2.0)
moments = [z.mean().item(), z.std().item(), u.mean().item(), u.var().item(), nrm.mean().item(),
           nrm.std().item(), ex.mean().item(), ((z ** 4).mean() / 3).item()]

a = torch.normal(mean=torch.full((N,), 1.0), std=torch.full((N,), 2.0))
b = torch.normal(mean=0.5, std=torch.full((N,), 0.1))
c = torch.normal(torch.full((N,), -1.0), 0.3)
d = torch.normal(2.0, 3.0, size=(N,))
normal_overloads = [a.mean().item(), a.std().item(), b.mean().item(), c.mean().item(), c.std().item(),
                    d.mean().item(), d.std().item()]
shapes = [list(torch.normal(0.0, 1.0, size=(2, 3)).shape), list(torch.randn(2, 3, 4).shape),
          list(torch.rand((5,)).shape), list(torch.randint(0, 5, (3, 2)).shape),
          list(torch.randn_like(torch.zeros(4, 1)).shape), list(torch.rand_like(torch.zeros(2)).shape),
          list(torch.randint_like(torch.zeros(3), 10).shape)]

mask = torch.bernoulli(torch.full((N,), 0.3))
bernoulli_rate = mask.mean().item()
x = torch.ones(N)
dropped = F.dropout(x, p=0.25, training=True)
dropout = [sorted(set(dropped.unique().tolist())) == [0.0, 1.0 / 0.75] or
           torch.allclose(dropped.unique(), torch.tensor([0.0, 1 / 0.75])),
           torch.equal(F.dropout(x, p=0.25, training=False), x)]
dropout_keep = (dropped != 0).float().mean().item()

probs = torch.tensor([0.1, 0.2, 0.3, 0.4])
draws = torch.multinomial(probs, 50_000, replacement=True)
multinomial_freq = (torch.bincount(draws, minlength=4).float() / 50_000).tolist()
rows = torch.multinomial(torch.ones(100, 6), 6, replacement=False)
no_replacement = [bool((rows.sort(1).values == torch.arange(6)).all()), list(rows.shape)]

ri = torch.randint(3, 7, (10_000,))
perm = torch.randperm(50)
ranges = [ri.min().item(), ri.max().item(), sorted(perm.tolist()) == list(range(50)),
          torch.randint(5, (4,)).max().item() < 5, str(ri.dtype).split(".")[-1]]
poisson_mean = torch.poisson(torch.full((N,), 4.0)).mean().item()

logits = torch.randn(1000, 5)
g = F.gumbel_softmax(logits, tau=0.5, hard=True)
gumbel = [bool((g.sum(1) == 1).all()), bool(((g == 0) | (g == 1)).all()), list(g.shape)]

gen = torch.Generator().manual_seed(11)
first = torch.randn(5, generator=gen), torch.randint(0, 100, (5,), generator=gen), torch.randperm(7, generator=gen)
gen.manual_seed(11)
second = torch.randn(5, generator=gen), torch.randint(0, 100, (5,), generator=gen), torch.randperm(7, generator=gen)
reproducible = [all(torch.equal(p, q) for p, q in zip(first, second)), gen.initial_seed()]
dtypes = [str(t.dtype).split(".")[-1] for t in (mask, dropped, draws, torch.poisson(torch.ones(2)), g)]
print(f"pi ~ {pi:.4f}; multinomial frequencies {[round(f, 3) for f in multinomial_freq]}")
print("RESULT " + json.dumps({
    "pi": pi, "moments": moments, "normal_overloads": normal_overloads, "shapes": shapes,
    "bernoulli_rate": bernoulli_rate, "dropout": dropout, "dropout_keep": dropout_keep,
    "multinomial_freq": multinomial_freq, "no_replacement": no_replacement, "ranges": ranges,
    "poisson_mean": poisson_mean, "gumbel": gumbel, "reproducible": reproducible, "dtypes": dtypes}))
