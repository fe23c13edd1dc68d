"""Uniform(low, high): the uniform distribution on the half-open interval [low, high).

    log p(x) = -log(high - low) on [low, high), -inf outside
    cdf(x)   = clamp((x - low) / (high - low), 0, 1)
    H        = log(high - low)
    rsample  = low + u (high - low),  u ~ U[0, 1)   (d/dlow = 1 - u, d/dhigh = u)
"""
from __future__ import annotations

import math

import minitorch as mt
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, _is_number, _standard_uniform

__all__ = ["Uniform"]


class Uniform(Distribution):
    """Uniform on [low, high)."""

    has_rsample = True

    @property
    def arg_constraints(self):
        return {"low": constraints.less_than(self.high),
                "high": constraints.greater_than(self.low)}

    @property
    def mean(self):
        return (self.high + self.low) / 2

    @property
    def mode(self):
        return math.nan * self.high

    @property
    def stddev(self):
        return (self.high - self.low) / 12 ** 0.5

    @property
    def variance(self):
        return (self.high - self.low).pow(2) / 12

    def __init__(self, low, high, validate_args=None):
        numbers = _is_number(low) and _is_number(high)
        self.low, self.high = broadcast_all(low, high)
        super().__init__(mt.Size() if numbers else self.low.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(Uniform, batch_shape, _instance, ("low", "high"))

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        return constraints.interval(self.low, self.high)

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        u = _standard_uniform(shape, dtype=self.low.dtype, device=self.low.device)
        return self.low + u * (self.high - self.low)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        inside = self.low.le(value).type_as(self.low) * self.high.gt(value).type_as(self.low)
        return mt.log(inside) - mt.log(self.high - self.low)

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return ((value - self.low) / (self.high - self.low)).clamp(min=0, max=1)

    def icdf(self, value):
        return value * (self.high - self.low) + self.low

    def entropy(self):
        return mt.log(self.high - self.low)
