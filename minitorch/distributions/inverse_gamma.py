"""InverseGamma(concentration=a, rate=b): 1 / X for X ~ Gamma(a, b).

    log p(y) = a log b - lgamma(a) - (a + 1) log y - b / y
    mean = b / (a - 1) (inf for a <= 1), mode = b / (a + 1),
    variance = b^2 / ((a - 1)^2 (a - 2)) (inf for a <= 2)
    H = a + log b + lgamma(a) - (1 + a) digamma(a)
"""
from __future__ import annotations

import math

import minitorch as mt
from . import constraints
from .gamma import Gamma
from .transformed_distribution import TransformedDistribution
from .transforms import PowerTransform

__all__ = ["InverseGamma"]


class InverseGamma(TransformedDistribution):
    """The inverse-gamma distribution."""

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, concentration, rate, validate_args=None):
        base_dist = Gamma(concentration, rate, validate_args=validate_args)
        neg_one = -base_dist.rate.new_ones(())
        super().__init__(base_dist, PowerTransform(neg_one), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(InverseGamma, _instance)
        return super().expand(batch_shape, _instance=new)

    @property
    def concentration(self):
        return self.base_dist.concentration

    @property
    def rate(self):
        return self.base_dist.rate

    @property
    def mean(self):
        a, b = self.concentration, self.rate
        return mt.where(a > 1, b / (a - 1), math.inf)

    @property
    def mode(self):
        return self.rate / (self.concentration + 1)

    @property
    def variance(self):
        a, b = self.concentration, self.rate
        return mt.where(a > 2, b.square() / ((a - 1).square() * (a - 2)), math.inf)

    def entropy(self):
        a = self.concentration
        return a + self.rate.log() + a.lgamma() - (1 + a) * a.digamma()
