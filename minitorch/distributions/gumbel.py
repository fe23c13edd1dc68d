"""Gumbel(loc, scale): the distribution of the maximum, loc - scale log(-log U), U ~ U(0, 1).

    log p(x) = z - exp(z) - log scale,   z = (loc - x) / scale
    mean = loc + scale * euler_gamma, mode = loc, stddev = pi scale / sqrt 6
    H    = log scale + 1 + euler_gamma
Built as a TransformedDistribution of a uniform (so cdf/icdf/rsample come from the
transforms).
"""
from __future__ import annotations

import math

import minitorch as mt
from . import constraints
from .transformed_distribution import TransformedDistribution
from .transforms import AffineTransform, ExpTransform
from .uniform import Uniform
from .utils import broadcast_all, euler_constant, _is_number

__all__ = ["Gumbel"]


class Gumbel(TransformedDistribution):
    """The Gumbel (type-1 extreme value) distribution."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real

    def __init__(self, loc, scale, validate_args=None):
        numbers = _is_number(loc) and _is_number(scale)
        self.loc, self.scale = broadcast_all(loc, scale)
        finfo = mt.finfo(self.loc.dtype)
        if numbers:
            base_dist = Uniform(finfo.tiny, 1 - finfo.eps, validate_args=validate_args)
        else:
            base_dist = Uniform(mt.full_like(self.loc, finfo.tiny),
                                mt.full_like(self.loc, 1 - finfo.eps),
                                validate_args=validate_args)
        # u -> -log u -> log(-log u) ... -> loc - scale log(-log u)
        transforms = [ExpTransform().inv,
                      AffineTransform(loc=0, scale=-mt.ones_like(self.scale)),
                      ExpTransform().inv,
                      AffineTransform(loc=loc, scale=-self.scale)]
        super().__init__(base_dist, transforms, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Gumbel, _instance)
        new.loc = self.loc.expand(batch_shape)
        new.scale = self.scale.expand(batch_shape)
        return super().expand(batch_shape, _instance=new)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        y = (self.loc - value) / self.scale
        return (y - y.exp()) - self.scale.log()

    @property
    def mean(self):
        return self.loc + self.scale * euler_constant

    @property
    def mode(self):
        return self.loc

    @property
    def stddev(self):
        return (math.pi / math.sqrt(6)) * self.scale

    @property
    def variance(self):
        return self.stddev.pow(2)

    def entropy(self):
        return self.scale.log() + (1 + euler_constant)
