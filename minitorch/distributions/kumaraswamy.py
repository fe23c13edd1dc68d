"""Kumaraswamy(concentration1=a, concentration0=b): on [0, 1], density
a b x^(a-1) (1 - x^a)^(b-1); x = (1 - u^(1/b))^(1/a) for u ~ U(0, 1) (reparameterized).

    E[x^n] = b B(1 + n/a, b) = b exp(lgamma(1 + n/a) + lgamma(b) - lgamma(1 + n/a + b))
    H = (1 - 1/b) + (1 - 1/a) (digamma(b + 1) + euler_gamma) - log a - log b
"""
from __future__ import annotations

import math

import minitorch as mt
from . import constraints
from .transformed_distribution import TransformedDistribution
from .transforms import AffineTransform, PowerTransform
from .uniform import Uniform
from .utils import broadcast_all, euler_constant

__all__ = ["Kumaraswamy"]


def _moments(a, b, n):
    """The n-th moment E[x^n] of Kumaraswamy(a, b)."""
    arg1 = 1 + n / a
    return b * mt.exp(mt.lgamma(arg1) + mt.lgamma(b) - mt.lgamma(arg1 + b))


class Kumaraswamy(TransformedDistribution):
    """The Kumaraswamy distribution (a Beta look-alike with a closed-form CDF)."""

    arg_constraints = {"concentration1": constraints.positive,
                       "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1, concentration0, validate_args=None):
        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        base_dist = Uniform(mt.full_like(self.concentration0, 0),
                            mt.full_like(self.concentration0, 1), validate_args=validate_args)
        transforms = [PowerTransform(exponent=self.concentration0.reciprocal()),
                      AffineTransform(loc=1.0, scale=-1.0),
                      PowerTransform(exponent=self.concentration1.reciprocal())]
        super().__init__(base_dist, transforms, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Kumaraswamy, _instance)
        new.concentration1 = self.concentration1.expand(batch_shape)
        new.concentration0 = self.concentration0.expand(batch_shape)
        return super().expand(batch_shape, _instance=new)

    @property
    def mean(self):
        return _moments(self.concentration1, self.concentration0, 1)

    @property
    def mode(self):
        """((a - 1) / (a b - 1))^(1/a) for a, b >= 1 (not both 1); NaN where a < 1 or b < 1.
        (PyTorch 2.13's formula returns NaN everywhere; this is the textbook mode.)"""
        a, b = self.concentration1, self.concentration0
        invalid = (b < 1) | (a < 1)
        a_ok = mt.where(invalid, 2.0, a)
        b_ok = mt.where(invalid, 2.0, b)
        mode = ((a_ok - 1) / (a_ok * b_ok - 1)) ** a_ok.reciprocal()
        return mt.where(invalid, math.nan, mode)

    @property
    def variance(self):
        return _moments(self.concentration1, self.concentration0, 2) - mt.pow(self.mean, 2)

    def entropy(self):
        a, b = self.concentration1, self.concentration0
        t1 = 1 - a.reciprocal()
        t0 = 1 - b.reciprocal()
        h0 = mt.digamma(b + 1) + euler_constant
        return t0 + t1 * h0 - mt.log(a) - mt.log(b)
