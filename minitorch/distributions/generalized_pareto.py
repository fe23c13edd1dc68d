"""GeneralizedPareto(loc, scale, concentration=xi): the peaks-over-threshold law.

With z = (x - loc) / scale:
    log p(x) = -log scale - (1/xi + 1) log1p(xi z)     (xi != 0)
             = -log scale - z                            (xi = 0: the exponential)
    log S(x) = -log1p(xi z) / xi  (or -z),  cdf = 1 - S
    icdf(u)  = loc + scale expm1(-xi log(1 - u)) / xi   (or loc - scale log(1 - u))
Support [loc, loc - scale/xi] for xi < 0, [loc, inf) otherwise. rsample is the icdf at a
uniform (reparameterized).
"""
from __future__ import annotations

import math

import minitorch as mt
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, _is_number, _standard_uniform

__all__ = ["GeneralizedPareto"]


class GeneralizedPareto(Distribution):
    """The generalized Pareto distribution."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive,
                       "concentration": constraints.real}
    has_rsample = True

    def __init__(self, loc, scale, concentration, validate_args=None):
        numbers = _is_number(loc) and _is_number(scale) and _is_number(concentration)
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        super().__init__(mt.Size() if numbers else self.loc.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expand_params(GeneralizedPareto, batch_shape, _instance,
                                   ("loc", "scale", "concentration"))

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        return self.icdf(_standard_uniform(shape, self.loc.dtype, self.loc.device))

    def _z(self, x):
        return (x - self.loc) / self.scale

    def _safe_concentration(self):
        """(xi == 0, xi with its zeros replaced by 1): the xi != 0 branch stays finite
        (and its gradient too) where the xi = 0 branch is selected."""
        xi = self.concentration
        eq_zero = mt.isclose(xi, mt.zeros_like(xi))
        return eq_zero, mt.where(eq_zero, mt.ones_like(xi), xi)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        z = self._z(value)
        eq_zero, xi = self._safe_concentration()
        y = 1 / xi + mt.ones_like(z)
        nonzero = mt.where(y == 0, y, y * mt.log1p(xi * z))
        return -self.scale.log() - mt.where(eq_zero, z, nonzero)

    def log_survival_function(self, value):
        if self._validate_args:
            self._validate_sample(value)
        z = self._z(value)
        eq_zero, xi = self._safe_concentration()
        return mt.where(eq_zero, -z, -mt.log1p(xi * z) / xi)

    def log_cdf(self, value):
        return mt.log1p(-mt.exp(self.log_survival_function(value)))

    def cdf(self, value):
        return mt.exp(self.log_cdf(value))

    def icdf(self, value):
        eq_zero, xi = self._safe_concentration()
        logu = mt.log1p(-value)
        nonzero = self.loc + self.scale / xi * mt.expm1(-xi * logu)
        return mt.where(eq_zero, self.loc - self.scale * logu, nonzero)

    @property
    def mean(self):
        valid = self.concentration < 1
        xi = mt.where(valid, self.concentration, 0.5)
        return mt.where(valid, self.loc + self.scale / (1 - xi), math.nan)

    @property
    def variance(self):
        valid = self.concentration < 0.5
        xi = mt.where(valid, self.concentration, 0.25)
        return mt.where(valid, self.scale ** 2 / ((1 - xi) ** 2 * (1 - 2 * xi)), math.nan)

    def entropy(self):
        return mt.broadcast_to(mt.log(self.scale) + self.concentration + 1, self._batch_shape)

    @property
    def mode(self):
        return self.loc

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        lower = self.loc
        upper = mt.where(self.concentration < 0, lower - self.scale / self.concentration,
                         math.inf)
        return constraints.interval(lower, upper)
