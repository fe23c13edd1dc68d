"""Poisson(rate): the number of events in a unit interval at the given rate.

    log p(k) = k log(rate) - rate - lgamma(k + 1)   (xlogy: 0 log 0 = 0 for rate 0)
Exponential family: theta = log rate, F(theta) = exp(theta). Not reparameterizable.
"""
from __future__ import annotations

import minitorch as mt
from . import constraints
from .exp_family import ExponentialFamily
from .utils import broadcast_all, _is_number

__all__ = ["Poisson"]


class Poisson(ExponentialFamily):
    """The Poisson distribution with the given `rate`."""

    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    @property
    def mean(self):
        return self.rate

    @property
    def mode(self):
        return self.rate.floor()

    @property
    def variance(self):
        return self.rate

    def __init__(self, rate, validate_args=None):
        self.rate, = broadcast_all(rate)
        batch_shape = mt.Size() if _is_number(rate) else self.rate.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Poisson, batch_shape, _instance, ("rate",))

    def sample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        with mt.no_grad():
            return mt.poisson(self.rate.expand(shape))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        rate, value = broadcast_all(self.rate, value)
        return value.xlogy(rate) - rate - (value + 1).lgamma()

    @property
    def _natural_params(self):
        return (mt.log(self.rate),)

    def _log_normalizer(self, x):
        return mt.exp(x)
