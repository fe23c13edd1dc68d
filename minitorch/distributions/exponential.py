"""Exponential(rate): density rate exp(-rate x) on x >= 0.

    log p(x) = log rate - rate x
    cdf(x)   = 1 - exp(-rate x),   icdf(q) = -log(1 - q) / rate
    H        = 1 - log rate
    rsample  = E / rate,  E ~ Exp(1)   (d/drate = -E / rate^2)

Exponential family: theta = -rate, F(theta) = -log(-theta).
"""
from __future__ import annotations

import minitorch as mt
from . import constraints
from .exp_family import ExponentialFamily
from .utils import broadcast_all, _is_number, _standard_uniform

__all__ = ["Exponential"]


def _standard_exponential(shape, dtype, device):
    """Exp(1) draws: -log(1 - u) for u ~ U[0, 1) (1 - u lies in (0, 1], so no log 0)."""
    return -mt.log1p(-_standard_uniform(shape, dtype, device))


class Exponential(ExponentialFamily):
    """The exponential distribution with the given `rate` (1 / mean)."""

    arg_constraints = {"rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _mean_carrier_measure = 0

    @property
    def mean(self):
        return self.rate.reciprocal()

    @property
    def mode(self):
        return mt.zeros_like(self.rate)

    @property
    def stddev(self):
        return self.rate.reciprocal()

    @property
    def variance(self):
        return self.rate.pow(-2)

    def __init__(self, rate, validate_args=None):
        self.rate, = broadcast_all(rate)
        batch_shape = mt.Size() if _is_number(rate) else self.rate.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Exponential, batch_shape, _instance, ("rate",))

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        return _standard_exponential(shape, self.rate.dtype, self.rate.device) / self.rate

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return self.rate.log() - self.rate * value

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return 1 - mt.exp(-self.rate * value)

    def icdf(self, value):
        return -mt.log1p(-value) / self.rate

    def entropy(self):
        return 1.0 - mt.log(self.rate)

    @property
    def _natural_params(self):
        return (-self.rate,)

    def _log_normalizer(self, x):
        return -mt.log(-x)
