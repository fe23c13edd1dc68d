"""Gamma(concentration=a, rate=b): density b^a x^(a-1) e^(-b x) / Gamma(a) on x > 0.

    log p(x) = a log b + (a - 1) log x - b x - lgamma(a)
    H        = a - log b + lgamma(a) + (1 - a) digamma(a)
    cdf(x)   = P(a, b x)   (the regularized lower incomplete gamma function)
    rsample  = G / b, G ~ Gamma(a, 1), with the implicit reparameterization gradient
               dG/da = -(dP(a, G)/da) / p(G; a)   (utils._StandardGamma)

Exponential family: theta = (a - 1, -b), F(theta) = lgamma(theta1 + 1) +
(theta1 + 1) log(-1 / theta2).
"""
from __future__ import annotations

import minitorch as mt
from . import constraints
from .exp_family import ExponentialFamily
from .utils import broadcast_all, _is_number, _standard_gamma, _clamp_keep_grad

__all__ = ["Gamma"]


class Gamma(ExponentialFamily):
    """The gamma distribution with shape `concentration` and inverse scale `rate`."""

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _mean_carrier_measure = 0

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate.pow(2)

    def __init__(self, concentration, rate, validate_args=None):
        numbers = _is_number(concentration) and _is_number(rate)
        self.concentration, self.rate = broadcast_all(concentration, rate)
        super().__init__(mt.Size() if numbers else self.concentration.size(),
                         validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Gamma, batch_shape, _instance, ("concentration", "rate"))

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        value = _standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)
        return _clamp_keep_grad(value, min=mt.finfo(value.dtype).tiny)

    def log_prob(self, value):
        value = mt.as_tensor(value, dtype=self.rate.dtype, device=self.rate.device)
        if self._validate_args:
            self._validate_sample(value)
        a, b = self.concentration, self.rate
        return mt.xlogy(a, b) + mt.xlogy(a - 1, value) - b * value - mt.lgamma(a)

    def entropy(self):
        a = self.concentration
        return a - mt.log(self.rate) + mt.lgamma(a) + (1.0 - a) * mt.digamma(a)

    @property
    def _natural_params(self):
        return (self.concentration - 1, -self.rate)

    def _log_normalizer(self, x, y):
        return mt.lgamma(x + 1) + (x + 1) * mt.log(-y.reciprocal())

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return mt.special.gammainc(self.concentration, self.rate * value)
