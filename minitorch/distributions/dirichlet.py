"""Dirichlet(concentration): a distribution over the simplex (probability vectors of
length K = concentration.shape[-1]).

    log p(x) = sum_k (a_k - 1) log x_k + lgamma(a_0) - sum_k lgamma(a_k),  a_0 = sum a_k
    H        = sum lgamma(a_k) - lgamma(a_0) - (K - a_0) digamma(a_0)
               - sum (a_k - 1) digamma(a_k)
    rsample  = G / sum(G), G_k ~ Gamma(a_k, 1) reparameterized (implicit gradients
               through each gamma draw; PyTorch uses a closed-form Dirichlet gradient
               instead: the same expectation, other per-sample values)
"""
from __future__ import annotations

import minitorch as mt
import minitorch.nn.functional as F
from . import constraints
from .exp_family import ExponentialFamily
from .utils import _standard_gamma, _clamp_keep_grad

__all__ = ["Dirichlet"]


class Dirichlet(ExponentialFamily):
    """The Dirichlet distribution with the given `concentration` (..., K)."""

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration, validate_args=None):
        if not isinstance(concentration, mt.Tensor):
            raise TypeError(f"Dirichlet(): `concentration` must be a Tensor, got "
                            f"{type(concentration).__name__}")
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        super().__init__(tuple(concentration.shape[:-1]), tuple(concentration.shape[-1:]),
                         validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Dirichlet, batch_shape, _instance, ("concentration",))

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        gammas = _standard_gamma(self.concentration.expand(shape))
        x = gammas / gammas.sum(-1, keepdim=True)
        return _clamp_keep_grad(x, min=mt.finfo(x.dtype).tiny)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        a = self.concentration
        return (mt.xlogy(a - 1.0, value).sum(-1) + mt.lgamma(a.sum(-1))
                - mt.lgamma(a).sum(-1))

    @property
    def mean(self):
        return self.concentration / self.concentration.sum(-1, True)

    @property
    def mode(self):
        """(a - 1)_+ / sum (a - 1)_+; where every a_k < 1, PyTorch's one-hot of the first
        category (the density is unbounded at the corners)."""
        am1 = (self.concentration - 1).clamp(min=0.0)
        total = am1.sum(-1, True)
        mode = am1 / mt.where(total > 0, total, 1.0)
        corner = F.one_hot(mode.argmax(dim=-1), am1.shape[-1]).to(mode.dtype)
        all_below_one = (self.concentration < 1).all(dim=-1, keepdim=True)
        return mt.where(all_below_one, corner, mode)

    @property
    def variance(self):
        a = self.concentration
        a0 = a.sum(-1, True)
        return a * (a0 - a) / (a0.pow(2) * (a0 + 1))

    def entropy(self):
        a = self.concentration
        k = a.size(-1)
        a0 = a.sum(-1)
        return (mt.lgamma(a).sum(-1) - mt.lgamma(a0) - (k - a0) * mt.digamma(a0)
                - ((a - 1.0) * mt.digamma(a)).sum(-1))

    @property
    def _natural_params(self):
        return (self.concentration,)

    def _log_normalizer(self, x):
        return x.lgamma().sum(-1) - mt.lgamma(x.sum(-1))
