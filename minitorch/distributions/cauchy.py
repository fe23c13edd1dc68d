"""Cauchy(loc, scale): density 1 / (pi scale (1 + ((x - loc) / scale)^2)).

    log p(x) = -log pi - log scale - log1p(((x - loc) / scale)^2)
    cdf(x)   = atan((x - loc) / scale) / pi + 1/2,   icdf(q) = loc + scale tan(pi (q - 1/2))
    H        = log(4 pi scale)
    rsample  = loc + scale * c,  c ~ Cauchy(0, 1)
The mean is undefined (NaN) and the variance infinite, as in PyTorch.
"""
from __future__ import annotations

import math

import minitorch as mt
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, _is_number, _standard_uniform

__all__ = ["Cauchy"]


class Cauchy(Distribution):
    """The Cauchy (Lorentz) distribution."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        numbers = _is_number(loc) and _is_number(scale)
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(mt.Size() if numbers else self.loc.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Cauchy, batch_shape, _instance, ("loc", "scale"))

    @property
    def mean(self):
        return mt.full(self._extended_shape(), math.nan, dtype=self.loc.dtype,
                       device=self.loc.device)

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return mt.full(self._extended_shape(), math.inf, dtype=self.loc.dtype,
                       device=self.loc.device)

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        u = _standard_uniform(shape, self.loc.dtype, self.loc.device)
        eps = mt.tan(math.pi * (u - 0.5))
        return self.loc + eps * self.scale

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        return -math.log(math.pi) - self.scale.log() - (z ** 2).log1p()

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return mt.atan((value - self.loc) / self.scale) / math.pi + 0.5

    def icdf(self, value):
        return mt.tan(math.pi * (value - 0.5)) * self.scale + self.loc

    def entropy(self):
        return math.log(4 * math.pi) + self.scale.log()
