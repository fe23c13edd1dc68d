"""Laplace(loc, scale): density exp(-|x - loc| / scale) / (2 scale).

    log p(x) = -log(2 scale) - |x - loc| / scale
    cdf(x)   = 1/2 - sign(x - loc) expm1(-|x - loc| / scale) / 2
    icdf(q)  = loc - scale sign(q - 1/2) log(1 - 2 |q - 1/2|)
    H        = 1 + log(2 scale)
    rsample  = icdf at a uniform: loc - scale sign(u) log(1 - |u|), u ~ U(-1, 1)
"""
from __future__ import annotations

import minitorch as mt
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, _is_number, _standard_uniform

__all__ = ["Laplace"]


class Laplace(Distribution):
    """The Laplace (double exponential) distribution."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return 2 * self.scale.pow(2)

    @property
    def stddev(self):
        return (2 ** 0.5) * self.scale

    def __init__(self, loc, scale, validate_args=None):
        numbers = _is_number(loc) and _is_number(scale)
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(mt.Size() if numbers else self.loc.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Laplace, batch_shape, _instance, ("loc", "scale"))

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        eps = mt.finfo(self.loc.dtype).eps
        # u uniform on [eps - 1, 1): |u| < 1, so log1p(-|u|) is finite
        u = _standard_uniform(shape, self.loc.dtype, self.loc.device) * (2 - eps) + (eps - 1)
        return self.loc - self.scale * u.sign() * mt.log1p(-u.abs())

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return -mt.log(2 * self.scale) - mt.abs(value - self.loc) / self.scale

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        d = value - self.loc
        return 0.5 - 0.5 * d.sign() * mt.expm1(-d.abs() / self.scale)

    def icdf(self, value):
        term = value - 0.5
        return self.loc - self.scale * term.sign() * mt.log1p(-2 * term.abs())

    def entropy(self):
        return 1 + mt.log(2 * self.scale)
