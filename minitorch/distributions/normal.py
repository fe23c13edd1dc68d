"""Normal(loc, scale): the Gaussian N(loc, scale^2).

    log p(x) = -(x - loc)^2 / (2 scale^2) - log scale - log sqrt(2 pi)
    cdf(x)   = (1 + erf((x - loc) / (scale sqrt 2))) / 2
    icdf(q)  = loc + scale sqrt(2) erfinv(2q - 1)
    H        = 1/2 + log sqrt(2 pi) + log scale
    rsample  = loc + scale * eps,  eps ~ N(0, 1)   (d/dloc = 1, d/dscale = eps)

As an exponential family: theta = (loc / scale^2, -1 / (2 scale^2)),
F(theta) = -theta1^2 / (4 theta2) + log(-pi / theta2) / 2.
"""
from __future__ import annotations

import math

import minitorch as mt
from . import constraints
from .exp_family import ExponentialFamily
from .utils import broadcast_all, _standard_normal, _is_number

__all__ = ["Normal"]


class Normal(ExponentialFamily):
    """The normal distribution with mean `loc` and standard deviation `scale`."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True
    _mean_carrier_measure = 0

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def stddev(self):
        return self.scale

    @property
    def variance(self):
        return self.stddev.pow(2)

    def __init__(self, loc, scale, validate_args=None):
        numbers = _is_number(loc) and _is_number(scale)
        self.loc, self.scale = broadcast_all(loc, scale)
        batch_shape = mt.Size() if numbers else self.loc.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Normal, batch_shape, _instance, ("loc", "scale"))

    def sample(self, sample_shape=()):
        with mt.no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        eps = _standard_normal(shape, dtype=self.loc.dtype, device=self.loc.device)
        return self.loc + eps * self.scale

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        var = self.scale ** 2
        log_scale = self.scale.log()
        return -((value - self.loc) ** 2) / (2 * var) - log_scale - math.log(math.sqrt(2 * math.pi))

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return 0.5 * (1 + mt.erf((value - self.loc) * self.scale.reciprocal() / math.sqrt(2)))

    def icdf(self, value):
        return self.loc + self.scale * mt.erfinv(2 * value - 1) * math.sqrt(2)

    def entropy(self):
        return 0.5 + 0.5 * math.log(2 * math.pi) + mt.log(self.scale)

    @property
    def _natural_params(self):
        return (self.loc / self.scale.pow(2), -0.5 * self.scale.pow(2).reciprocal())

    def _log_normalizer(self, x, y):
        return -0.25 * x.pow(2) / y + 0.5 * mt.log(-math.pi / y)
